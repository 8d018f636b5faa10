// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy { list | show | help } and the policy command dispatch
 * (attach/detach: attach.c, replace: replace.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"
/* Hooks of a pinned struct_ops link, from its programs (root only). */
static unsigned int pin_hooks(const struct pin_info *pin)
{
	struct prog_stat ps[DRVHOOK_MAX_HOOKS];
	unsigned int hooks = 0;
	__u32 map_id;
	int i, n = 0;

	if (!have_bpf_privs())
		return 0;
	policy_progs(pin, ps, &n, &map_id);
	for (i = 0; i < n; i++)
		hooks |= 1U << ps[i].hook;
	return hooks;
}

/* One row of policy list: a chain entry, pins, or both. */
struct list_row {
	const char *dev;
	const struct dev_type *dt;	/* interprets hooks */
	const char *name;
	const char *mode;
	unsigned int hooks;
	int position;			/* 1-based run order, 0: unknown */
	const char *state;
	const char *pin;
};

static void list_emit(struct table *t, const struct list_row *r)
{
	char hs[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX], pos[16];

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", r->dev);
		if (r->dt->name[0])
			jsonw_string_field(jw, "type", r->dt->name);
		else
			jsonw_null_field(jw, "type");
		jsonw_string_field(jw, "name", r->name);
		jsonw_string_field(jw, "mode", r->mode);
		json_hooks(r->dt, "hooks", r->hooks);
		if (r->position)
			jsonw_uint_field(jw, "position", r->position);
		else
			jsonw_null_field(jw, "position");
		jsonw_string_field(jw, "state", r->state);
		if (r->pin)
			jsonw_string_field(jw, "pin", r->pin);
		else
			jsonw_null_field(jw, "pin");
		jsonw_end_object(jw);
		return;
	}
	hooks_str(r->dt, r->hooks, hs, sizeof(hs));
	if (r->position)
		snprintf(pos, sizeof(pos), "%d", r->position);
	else
		snprintf(pos, sizeof(pos), "-");
	table_row(t, r->dev, pos, r->name, r->mode, hs, r->state);
}

static int do_list(int argc, char **argv)
{
	struct dev_info *devs = NULL, one;
	struct pin_info *pins = NULL;
	const char *dev = NULL;
	struct list_row r;
	struct table *t = NULL;
	int ndev = 0, npin = 0, i, j, err, pinned, rows = 0;
	bool pins_unreadable;

	if (argc) {
		err = parse_dev_name(&argc, &argv, &dev, NULL, false);
		if (err)
			return err;
		if (argc)
			return usage_error("unexpected '%s'", *argv);
	}
	if (dev) {
		if (!dev_read(dev, &one)) {
			devs = malloc(sizeof(one));
			if (devs) {
				devs[0] = one;
				ndev = 1;
			}
		}
	} else {
		err = dev_list(&devs, &ndev);
		if (err)
			return fail(EXIT_FAIL, "cannot read %s: %s", sysfs_root(),
				    strerror(-err));
	}
	err = pins_list(dev, &pins, &npin);
	pins_unreadable = err == -EACCES || err == -EPERM;
	if (dev && !ndev && !npin) {
		free(devs);
		free(pins);
		if (!module_loaded())
			return fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
		return fail(EXIT_NODEV, "device '%s' not found", dev);
	}

	if (json_output)
		jsonw_start_array(jw);
	else
		t = table_new(6, "DEV", "#", "NAME", "MODE", "HOOKS", "STATE");
	for (i = 0; i < ndev; i++) {
		for (j = 0; j < devs[i].npols; j++) {
			struct pol_line *p = &devs[i].pols[j];
			struct pin_info pi;

			pinned = pin_state(devs[i].name, p->name);
			r = (struct list_row){ devs[i].name, &devs[i].dt,
					       p->name, p->mode,
					       p->hooks, j + 1,
					       pinned > 0 ? "attached" :
					       pinned < 0 ? "attached, pins unreadable" :
					       "attached, not pinned", NULL };
			if (pinned > 0) {
				pin_read(devs[i].name, p->name, &pi);
				r.pin = pi.dir;
				list_emit(t, &r);
			} else {
				list_emit(t, &r);
			}
			rows++;
		}
	}
	for (i = 0; i < npin; i++) {
		struct dev_info *owner = NULL;

		for (j = 0; j < ndev; j++)
			if (!strcmp(devs[j].name, pins[i].dev))
				owner = &devs[j];
		if (owner && dev_policy(owner, pins[i].name))
			continue;
		r = (struct list_row){ pins[i].dev, &pins[i].dt, pins[i].name,
				       pins[i].link ? "struct_ops" : "fallback",
				       pins[i].hooks, 0,
				       owner ? "stale pin" : "device absent",
				       pins[i].dir };
		if (pins[i].link)
			r.hooks = pin_hooks(&pins[i]);
		list_emit(t, &r);
		rows++;
	}
	if (json_output) {
		jsonw_end_array(jw);
	} else if (!rows) {
		printf("no policies%s%s\n", dev ? " on " : "", dev ? dev : "");
	} else {
		table_print(t, "");
	}
	if (pins_unreadable)
		warn("cannot read %s (not root?): pin state unknown", pin_root());
	table_free(t);
	devs_free(devs, ndev);
	free(pins);
	return 0;
}

static int do_show(int argc, char **argv)
{
	const char *dev = NULL, *name = NULL;
	struct prog_stat ps[DRVHOOK_MAX_HOOKS];
	struct pol_line *entry = NULL;
	struct dev_info d = {};
	const struct dev_type *dt;
	struct pin_info pin;
	bool present, pinned;
	char hs[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX], c[48], ids[3][24], hn[16];
	int i, n = 0, pos = 0, err;
	__u32 map_id = 0;
	struct table *t;

	err = parse_dev_name(&argc, &argv, &dev, &name, true);
	if (err)
		return err;
	if (argc)
		return usage_error("unexpected '%s'", *argv);
	present = !dev_read(dev, &d);
	pinned = !pin_read(dev, name, &pin);
	for (i = 0; present && i < d.npols; i++)
		if (!strcmp(d.pols[i].name, name)) {
			entry = &d.pols[i];
			pos = i + 1;
		}
	if (!present && !pinned) {
		dev_free(&d);
		if (!module_loaded())
			return fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
		return fail(EXIT_NODEV, "device '%s' not found", dev);
	}
	if (!entry && !pinned) {
		dev_free(&d);
		return fail(EXIT_NAME, "no policy '%s' on %s", name, dev);
	}
	/* the device's type, else the pins' */
	dt = present ? &d.dt : &pin.dt;
	if (pinned) {
		if (!have_bpf_privs())
			warn("not root: program ids and run counts omitted");
		else
			policy_progs(&pin, ps, &n, &map_id);
	}

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", dev);
		if (dt->name[0])
			jsonw_string_field(jw, "type", dt->name);
		else
			jsonw_null_field(jw, "type");
		if (entry) {
			json_policy_line(&d, entry);
			jsonw_uint_field(jw, "position", pos);
		} else {
			jsonw_string_field(jw, "name", name);
			jsonw_string_field(jw, "mode", pin.link ? "struct_ops" : "fallback");
			json_hooks(dt, "hooks", pin.link ? pin_hooks(&pin) : pin.hooks);
			jsonw_bool_field(jw, "pinned", true);
			jsonw_null_field(jw, "position");
		}
		jsonw_string_field(jw, "state", entry ? "attached" :
				   present ? "stale pin" : "device absent");
		if (pinned)
			jsonw_string_field(jw, "pin", pin.dir);
		else
			jsonw_null_field(jw, "pin");
		if (map_id)
			jsonw_uint_field(jw, "map_id", map_id);
		jsonw_name(jw, "programs");
		jsonw_start_array(jw);
		for (i = 0; i < n; i++) {
			jsonw_start_object(jw);
			jsonw_string_field(jw, "hook",
					   type_hook_name(dt, ps[i].hook, c, sizeof(c)));
			jsonw_uint_field(jw, "link_id", ps[i].link_id);
			jsonw_uint_field(jw, "prog_id", ps[i].prog_id);
			jsonw_string_field(jw, "prog_name", ps[i].prog_name);
			jsonw_uint_field(jw, "run_cnt", ps[i].run_cnt);
			jsonw_uint_field(jw, "run_time_ns", ps[i].run_time_ns);
			jsonw_end_object(jw);
		}
		jsonw_end_array(jw);
		jsonw_end_object(jw);
		goto out;
	}

	if (entry) {
		hooks_str(dt, entry->hooks, hs, sizeof(hs));
		printf("%s/%s: type %s, mode %s, position %d of %d, hooks %s\n",
		       dev, name, dt->name, entry->mode, pos, d.npols, hs);
		if (entry->mode[0] == 'f')
			printf("  fallback cookie %u\n", entry->cookie);
		printf("  clamped verdicts %llu\n", entry->clamped);
	} else {
		printf("%s/%s: %s (pins only)\n", dev, name,
		       present ? "not in the chain: stale pins" : "device absent");
	}
	if (pinned)
		printf("  pinned at %s\n", pin.dir);
	else
		printf("  not pinned\n");
	if (map_id)
		printf("  struct_ops map id %u\n", map_id);
	t = table_new(7, "HOOK", "RUNS/NONZERO", "LINK", "PROG ID", "PROG NAME",
		      "RUN_CNT", "RUN_TIME_NS");
	for (i = 0; i < n; i++) {
		if (entry)
			fmt_counter(c, sizeof(c), entry, ps[i].hook);
		else
			snprintf(c, sizeof(c), "-");
		snprintf(ids[0], sizeof(ids[0]), "%u", ps[i].link_id);
		snprintf(ids[1], sizeof(ids[1]), "%u", ps[i].prog_id);
		snprintf(ids[2], sizeof(ids[2]), "%llu",
			 (unsigned long long)ps[i].run_cnt);
		snprintf(hs, sizeof(hs), "%llu",
			 (unsigned long long)ps[i].run_time_ns);
		table_row(t, type_hook_name(dt, ps[i].hook, hn, sizeof(hn)),
			  c, ids[0], ids[1], ps[i].prog_name, ids[2], hs);
	}
	if (n)
		table_print(t, "  ");
	table_free(t);
out:
	dev_free(&d);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] policy attach OBJ dev DEV [name NAME]\n"
	       "                        [{ before | after } NAME] [mode MODE] [set VAR=VALUE]...\n"
	       "       drvhook [OPTIONS] policy detach dev DEV name NAME\n"
	       "       drvhook [OPTIONS] policy replace dev DEV name NAME OBJ [set VAR=VALUE]...\n"
	       "       drvhook [OPTIONS] policy list [dev DEV]\n"
	       "       drvhook [OPTIONS] policy show dev DEV name NAME\n"
	       "       drvhook policy help\n"
	       "\n"
	       "       OBJ  := a policy object (clang -target bpf, bpf/drvhook.bpf.h)\n"
	       "               for DEV's type: its struct_ops map is a <type>_ops\n"
	       "       DEV  := a device, <type><N>, e.g. edu0\n"
	       "       NAME := policy name, at most 15 characters; default: the\n"
	       "               object's .name, else its struct_ops map's name\n"
	       "       MODE := { struct_ops | fallback }; default: struct_ops when\n"
	       "               DEV's module registers <type>_ops (Linux >= 6.9),\n"
	       "               else fallback\n"
	       "       VAR  := an integer global variable of OBJ (a setting), set\n"
	       "               before load\n"
	       "\n"
	       "attach:  loads OBJ and inserts it in DEV's chain, at the end or\n"
	       "         before/after policy NAME; pins at %s/DEV/NAME/.\n"
	       "detach:  removes the policy and its pins; fails if the chain still\n"
	       "         lists it (Linux < 6.11: another process holds its link).\n"
	       "replace: swaps the policy's programs for OBJ's, atomically, in place.\n"
	       "list:    the policies of every (or one) device, in run order, and\n"
	       "         pins whose device is absent.\n"
	       "show:    one policy: counters, pins, program ids and run stats.\n",
	       pin_root());
	return 0;
}

int do_policy(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help", do_help },
		{ "attach", do_attach },
		{ "detach", do_detach },
		{ "replace", do_replace },
		{ "list", do_list },
		{ "show", do_show },
		{ NULL, NULL }
	};

	return cmd_select(cmds, argc, argv, do_list, "policy");
}
