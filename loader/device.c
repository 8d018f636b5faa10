// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* device { list | show DEV }: the devices of every type and their chains. */
#include <ctype.h>
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

void json_counters(const struct dev_type *t, const struct pol_line *p)
{
	int h;

	jsonw_name(jw, "counters");
	jsonw_start_object(jw);
	for (h = 0; h < t->nr_hooks; h++) {
		jsonw_name(jw, t->hooks[h]);
		jsonw_start_object(jw);
		jsonw_uint_field(jw, "runs", p->runs[h]);
		jsonw_uint_field(jw, "nonzero", p->nonzero[h]);
		jsonw_end_object(jw);
	}
	jsonw_end_object(jw);
}

void json_policy_line(const struct dev_info *d, const struct pol_line *p)
{
	int pinned = pin_state(d->name, p->name);

	jsonw_string_field(jw, "name", p->name);
	jsonw_string_field(jw, "mode", p->mode);
	json_hooks(&d->dt, "hooks", p->hooks);
	jsonw_uint_field(jw, "cookie", p->cookie);
	jsonw_uint_field(jw, "clamped", p->clamped);
	json_counters(&d->dt, p);
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
	jsonw_string_field(jw, "type", d->dt.name);
	jsonw_uint_field(jw, "dev_id", d->dev_id);
	jsonw_name(jw, "hooks");
	jsonw_start_array(jw);
	snprintf(hooks, sizeof(hooks), "%s", d->hooks);
	for (tok = strtok_r(hooks, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		jsonw_string(jw, tok);
	jsonw_end_array(jw);
	json_hook_counts(&d->dt, "clamped", d->clamped);
	jsonw_name(jw, "policies");
	jsonw_start_array(jw);
	for (i = 0; i < d->npols; i++) {
		jsonw_start_object(jw);
		json_policy_line(d, &d->pols[i]);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

static unsigned long long clamped_total(const struct dev_info *d)
{
	unsigned long long n = 0;
	int h;

	for (h = 0; h < d->dt.nr_hooks; h++)
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
	const struct dev_type *dt = &d->dt;
	char c[DRVHOOK_MAX_HOOKS][48], head[DRVHOOK_MAX_HOOKS][HOOK_NAME_MAX];
	char hooks[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX], idx[16], cl[24];
	const char *cells[DRVHOOK_MAX_HOOKS + 5];
	struct table *t;
	int h, i, j, nc;

	printf("%s: type %s, dev_id %u, hooks: %s\n", d->name, dt->name,
	       d->dev_id, d->hooks);
	printf("  clamped verdicts:");
	for (h = 0; h < dt->nr_hooks; h++)
		printf(" %s %llu", dt->hooks[h], d->clamped[h]);
	putchar('\n');
	if (!d->npols) {
		printf("  no policies\n");
		return;
	}
	printf("  policies in run order (per hook: runs/nonzero verdicts):\n");
	nc = 0;
	cells[nc++] = "#";
	cells[nc++] = "NAME";
	cells[nc++] = "MODE";
	cells[nc++] = "HOOKS";
	for (h = 0; h < dt->nr_hooks; h++) {
		for (j = 0; dt->hooks[h][j]; j++)
			head[h][j] = toupper((unsigned char)dt->hooks[h][j]);
		head[h][j] = '\0';
		cells[nc++] = head[h];
	}
	cells[nc++] = "CLAMPED";
	t = table_new_v(nc, cells);
	for (i = 0; i < d->npols; i++) {
		const struct pol_line *p = &d->pols[i];

		snprintf(idx, sizeof(idx), "%d", i + 1);
		hooks_str(dt, p->hooks, hooks, sizeof(hooks));
		snprintf(cl, sizeof(cl), "%llu", p->clamped);
		nc = 0;
		cells[nc++] = idx;
		cells[nc++] = p->name;
		cells[nc++] = p->mode;
		cells[nc++] = hooks;
		for (h = 0; h < dt->nr_hooks; h++) {
			fmt_counter(c[h], sizeof(c[h]), p, h);
			cells[nc++] = c[h];
		}
		cells[nc++] = cl;
		table_row_v(t, cells);
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
		t = table_new(6, "DEV", "TYPE", "ID", "POLICIES", "CLAMPED", "HOOKS");
		for (i = 0; i < n; i++) {
			char id[16];

			snprintf(id, sizeof(id), "%u", devs[i].dev_id);
			snprintf(np, sizeof(np), "%d", devs[i].npols);
			snprintf(cl, sizeof(cl), "%llu", clamped_total(&devs[i]));
			table_row(t, devs[i].name, devs[i].dt.name, id, np, cl,
				  devs[i].hooks);
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
	       "       DEV := a device of /sys/class/drvhook, <type><N>, e.g. edu0\n"
	       "              (or /dev/edu0)\n"
	       "\n"
	       "list: the devices, their type, hooks, policy count and clamped\n"
	       "      verdicts.\n"
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
