// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* device { list | show DEV }: the stub's devices and their chains. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "loader.h"

/* 1 pinned, 0 not, -1 unknown (bpffs unreadable) */
int pin_state(const char *dev, const char *name)
{
	struct pin_info p;
	int err = pin_read(dev, name, &p);

	if (!err)
		return 1;
	return err == -ENOENT ? 0 : -1;
}

void json_counters(const struct pol_line *p)
{
	int h;

	jsonw_name(jw, "counters");
	jsonw_start_object(jw);
	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		jsonw_name(jw, hook_names[h]);
		jsonw_start_object(jw);
		jsonw_uint_field(jw, "runs", p->runs[h]);
		jsonw_uint_field(jw, "nonzero", p->nonzero[h]);
		jsonw_end_object(jw);
	}
	jsonw_end_object(jw);
}

void json_policy_line(const char *dev, const struct pol_line *p)
{
	int pinned = pin_state(dev, p->name);

	jsonw_string_field(jw, "name", p->name);
	jsonw_string_field(jw, "mode", p->mode);
	json_hooks("hooks", p->hooks);
	jsonw_uint_field(jw, "cookie", p->cookie);
	jsonw_uint_field(jw, "clamped", p->clamped);
	json_counters(p);
	if (pinned < 0)
		jsonw_null_field(jw, "pinned");
	else
		jsonw_bool_field(jw, "pinned", pinned);
}

static void json_device(const struct dev_info *d)
{
	char hooks[sizeof(d->hooks)], *tok, *save = NULL;
	int i;

	jsonw_start_object(jw);
	jsonw_string_field(jw, "dev", d->name);
	jsonw_uint_field(jw, "dev_id", d->dev_id);
	jsonw_name(jw, "hooks");
	jsonw_start_array(jw);
	snprintf(hooks, sizeof(hooks), "%s", d->hooks);
	for (tok = strtok_r(hooks, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		jsonw_string(jw, tok);
	jsonw_end_array(jw);
	json_hook_counts("clamped", d->clamped);
	jsonw_name(jw, "policies");
	jsonw_start_array(jw);
	for (i = 0; i < d->npols; i++) {
		jsonw_start_object(jw);
		json_policy_line(d->name, &d->pols[i]);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

static unsigned long long clamped_total(const struct dev_info *d)
{
	unsigned long long n = 0;
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		n += d->clamped[h];
	return n;
}

/* runs/nonzero of hook @h, "-" for hooks the policy lacks */
void fmt_counter(char *buf, size_t len, const struct pol_line *p, int h)
{
	if (p->hooks & (1U << h))
		snprintf(buf, len, "%llu/%llu", p->runs[h], p->nonzero[h]);
	else
		snprintf(buf, len, "-");
}

static void print_device(const struct dev_info *d)
{
	char c[DRVHOOK_NR_HOOKS][48], hooks[64], idx[16], cl[24];
	struct table *t;
	int h, i;

	printf("%s: dev_id %u, hooks: %s\n", d->name, d->dev_id, d->hooks);
	printf("  clamped verdicts:");
	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		printf(" %s %llu", hook_names[h], d->clamped[h]);
	putchar('\n');
	if (!d->npols) {
		printf("  no policies\n");
		return;
	}
	printf("  policies in run order (per hook: runs/nonzero verdicts):\n");
	t = table_new(9, "#", "NAME", "MODE", "HOOKS", "PROBE", "REQUEST",
		      "IRQ", "COMPLETE", "CLAMPED");
	for (i = 0; i < d->npols; i++) {
		const struct pol_line *p = &d->pols[i];

		snprintf(idx, sizeof(idx), "%d", i + 1);
		hooks_str(p->hooks, hooks, sizeof(hooks));
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
			fmt_counter(c[h], sizeof(c[h]), p, h);
		snprintf(cl, sizeof(cl), "%llu", p->clamped);
		table_row(t, idx, p->name, p->mode, hooks, c[0], c[1], c[2],
			  c[3], cl);
	}
	table_print(t, "  ");
	table_free(t);
}

static int do_list(int argc, char **argv)
{
	char np[16], cl[24];
	struct dev_info *devs;
	struct table *t;
	int n, i, err;

	(void)argv;
	if (argc)
		return usage_error("device list takes no arguments");
	err = dev_list(&devs, &n);
	if (err)
		return fail(EXIT_FAIL, "cannot read %s: %s", sysfs_root(),
			    strerror(-err));
	if (json_output) {
		jsonw_start_array(jw);
		for (i = 0; i < n; i++)
			json_device(&devs[i]);
		jsonw_end_array(jw);
	} else if (!n) {
		printf("no drvhook devices%s\n",
		       module_loaded() ? "" : " (stub module not loaded)");
	} else {
		t = table_new(5, "DEV", "ID", "POLICIES", "CLAMPED", "HOOKS");
		for (i = 0; i < n; i++) {
			char id[16];

			snprintf(id, sizeof(id), "%u", devs[i].dev_id);
			snprintf(np, sizeof(np), "%d", devs[i].npols);
			snprintf(cl, sizeof(cl), "%llu", clamped_total(&devs[i]));
			table_row(t, devs[i].name, id, np, cl, devs[i].hooks);
		}
		table_print(t, "");
		table_free(t);
	}
	devs_free(devs, n);
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct dev_info d;
	const char *dev;
	int err;

	if (argc != 1)
		return usage_error("device show takes one DEV");
	err = dev_arg(argv[0], &dev);
	err = err ?: need_device(dev, &d);
	if (err)
		return err;
	if (json_output)
		json_device(&d);
	else
		print_device(&d);
	dev_free(&d);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] device { list | show DEV }\n"
	       "       drvhook device help\n"
	       "\n"
	       "       DEV := the stub's device name, e.g. edu0 (or /dev/edu0)\n"
	       "\n"
	       "list: the devices, their hooks, policy count and clamped verdicts.\n"
	       "show: one device's hooks, clamped verdicts per hook, and its\n"
	       "      policies in run order with runs/nonzero verdicts per hook.\n");
	return 0;
}

int do_device(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help", do_help },
		{ "list", do_list },
		{ "show", do_show },
		{ NULL, NULL }
	};

	return cmd_select(cmds, argc, argv, do_list, "device");
}
