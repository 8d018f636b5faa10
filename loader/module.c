// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * drvhook module { list | unload NAME }: the hook core (module drvhook)
 * and the device modules registered with it. Where rmmod says only "in
 * use", unload refuses and says why: a device module while policies of
 * its type are attached or pinned (on present or absent devices), the
 * core while device modules are loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "json.h"
#include "loader.h"

#define CORE_MODULE	"drvhook"

static bool mod_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

/* Appends "DEV NAME" of each policy of type @t to @buf; returns how many. */
static int type_policies(const struct dev_type *t, char *buf, size_t len)
{
	struct dev_info *devs;
	struct pin_info *pins;
	int n = 0, nd = 0, np = 0, i, j;
	char type[DRVHOOK_NAME_LEN];
	unsigned int id;
	bool present;

	if (dev_list(&devs, &nd))
		nd = 0;
	for (i = 0; i < nd; i++) {
		if (strcmp(devs[i].dt.name, t->name))
			continue;
		for (j = 0; j < devs[i].npols; j++, n++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %s",
				 n ? ", " : "", devs[i].name, devs[i].pols[j].name);
	}
	/* pinned on devices that are absent now: their chains stay */
	if (pins_list(NULL, &pins, &np))
		np = 0;
	for (i = 0; i < np; i++) {
		if (devname_split(pins[i].dev, type, sizeof(type), &id) ||
		    strcmp(type, t->name))
			continue;
		present = false;
		for (j = 0; j < nd; j++)
			present |= !strcmp(devs[j].name, pins[i].dev);
		if (present)
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %s (device absent)",
			 n ? ", " : "", pins[i].dev, pins[i].name);
		n++;
	}
	free(pins);
	devs_free(devs, nd);
	return n;
}

static int do_list(int argc, char **argv)
{
	char pols[4096], np[16];
	struct dev_type *types;
	struct table *tb;
	int n, i, err;

	(void)argv;
	if (argc)
		return usage_error("module list takes no arguments");
	err = types_read(&types, &n);
	if (err)
		return fail(EXIT_FAIL, "cannot read %s/types: %s", sysfs_root(),
			    strerror(-err));
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_bool_field(jw, "core_loaded", mod_loaded(CORE_MODULE));
		jsonw_name(jw, "modules");
		jsonw_start_array(jw);
	} else {
		printf("%s (the hook core): %s\n", CORE_MODULE,
		       mod_loaded(CORE_MODULE) ? "loaded" : "not loaded");
	}
	tb = json_output ? NULL : table_new(3, "MODULE", "TYPE", "POLICIES");
	for (i = 0; i < n; i++) {
		pols[0] = '\0';
		snprintf(np, sizeof(np), "%d",
			 type_policies(&types[i], pols, sizeof(pols)));
		if (json_output) {
			jsonw_start_object(jw);
			jsonw_string_field(jw, "module", types[i].module);
			jsonw_string_field(jw, "type", types[i].name);
			jsonw_uint_field(jw, "policies", atoi(np));
			jsonw_end_object(jw);
		} else {
			table_row(tb, types[i].module, types[i].name, np);
		}
	}
	if (json_output) {
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	} else if (n) {
		table_print(tb, "");
	}
	table_free(tb);
	free(types);
	return 0;
}

/* delete_module(2), waiting a little for references being put (RCU) */
static int unload(const char *name)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int i;

	for (i = 0; i < 30; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EWOULDBLOCK && errno != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	return -errno;
}

static int do_unload(int argc, char **argv)
{
	char pols[4096], mods[512] = "";
	struct dev_type *types;
	const char *name;
	int n, i, np = 0, err;
	bool ours = false;

	if (argc != 1)
		return usage_error("module unload takes one NAME");
	name = argv[0];
	if (!mod_loaded(name))
		return fail(EXIT_NODEV, "module %s is not loaded", name);
	err = types_read(&types, &n);
	if (err)
		return fail(EXIT_FAIL, "cannot read %s/types: %s", sysfs_root(),
			    strerror(-err));
	pols[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(mods + strlen(mods), sizeof(mods) - strlen(mods),
			 "%s%s", i ? ", " : "", types[i].module);
		if (!strcmp(types[i].module, name)) {
			ours = true;
			np += type_policies(&types[i], pols + strlen(pols),
					    sizeof(pols) - strlen(pols));
		}
	}
	free(types);
	if (!strcmp(name, CORE_MODULE)) {
		if (n)
			return fail(EXIT_BUSY, "%s (the hook core) is in use by device module%s %s: unload %s first (drvhook module unload MODULE)",
				    name, n > 1 ? "s" : "", mods,
				    n > 1 ? "them" : "it");
	} else if (!ours) {
		return fail(EXIT_USAGE, "%s is not a drvhook device module (those loaded: %s)",
			    name, *mods ? mods : "none");
	} else if (np) {
		return fail(EXIT_BUSY, "%s: %d polic%s of its devices %s loaded: %s; detach %s first (drvhook policy detach dev DEV name NAME)",
			    name, np, np > 1 ? "ies" : "y", np > 1 ? "are" : "is",
			    pols, np > 1 ? "them" : "it");
	}
	err = unload(name);
	if (err == -EWOULDBLOCK || err == -EBUSY)
		return fail(EXIT_BUSY, "%s is in use, though no drvhook policy is: an open file of one of its devices, or BPF programs of its type loaded by another tool (bpftool prog list, bpftool struct_ops list)",
			    name);
	if (err == -EPERM)
		return fail(EXIT_PERM, "unloading %s: %s (needs CAP_SYS_MODULE)",
			    name, strerror(-err));
	if (err)
		return fail_errno(-err, "unloading %s", name);
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "unloaded", name);
		jsonw_end_object(jw);
	} else {
		printf("unloaded %s\n", name);
	}
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] module { list | unload NAME }\n"
	       "       drvhook module help\n"
	       "\n"
	       "list:   the hook core and the device modules registered with\n"
	       "        it, each with its type and how many policies it has.\n"
	       "unload: removes module NAME, a device module (the second word\n"
	       "        of a line of /sys/class/drvhook/types)\n"
	       "        or the core (drvhook); refused, saying why, while\n"
	       "        policies of its devices are loaded or, for the core,\n"
	       "        while device modules are (exit 11).\n");
	return 0;
}

static const struct cmd cmds[] = {
	{ "list", do_list },
	{ "unload", do_unload },
	{ "help", do_help },
	{ NULL, NULL }
};

int do_module(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, do_list, "module");
}
