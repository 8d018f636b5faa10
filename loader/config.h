/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The persistent configuration (drvhook.conf(5)): policies.d/NAME.conf, one
 * entry per line, each the arguments of 'policy attach' with a device
 * pattern and matches; config.c parses and checks it, config_apply.c
 * brings the devices in line with it.
 */
#ifndef __DRVHOOK_CONFIG_H
#define __DRVHOOK_CONFIG_H

#include <limits.h>
#include "loader.h"

#define CFG_DIR		"/etc/drvhook/policies.d"
#define CFG_STATE_DIR	"/run/drvhook"
#define CFG_MAX_MATCH	8

/* match KEY=VALUE (type, vendor, ...) or property NAME=VALUE */
struct cfg_match {
	bool property;
	char key[64];
	char val[128];
};

struct cfg_entry {
	const char *file;		/* the path as read */
	int line;
	char obj[PATH_MAX];		/* resolved object path */
	char dev[64];			/* device name or glob */
	char name[DRVHOOK_NAME_LEN];	/* "": the object's default */
	char type[DRVHOOK_NAME_LEN];	/* the object's device type */
	char anchor[DRVHOOK_NAME_LEN];
	bool before;
	char mode[16];			/* "": auto */
	char sets[16][128];
	int nsets;
	struct cfg_match m[CFG_MAX_MATCH];
	int nm;
	bool bad;
	int status;			/* exit code of its error */
	char error[1024];
};

struct cfg {
	char **files;
	int nfiles;
	struct cfg_entry *e;
	int n;
	int nbad;
};

const char *cfg_dir_default(void);
const char *cfg_state_dir(void);
/* Reads and checks every entry of @path (a directory or one file). */
int cfg_load(struct cfg *c, const char *path, bool missing_ok);
void cfg_free(struct cfg *c);
void cfg_bad(struct cfg_entry *e, int status, const char *msg);
void cfg_take_error(struct cfg_entry *e);
void cfg_report_error(const struct cfg_entry *e, const char *dev,
		      const char *name);
bool cfg_file_bad(const struct cfg *c, const char *file);
bool cfg_matches(const struct cfg_entry *e, const char *dev);
int cfg_first_status(const struct cfg *c);

int do_config_apply(int argc, char **argv);
int do_config_detach(int argc, char **argv);
int do_config(int argc, char **argv);

#endif
