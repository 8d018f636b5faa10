/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What edustress.c shares with edustorm.c: the storm's submitters and
 * their outcome checks, whichever tool changes the policy in force.
 */
#ifndef EDUSTRESS_H
#define EDUSTRESS_H

#include <stdint.h>
#include "drvhook/edu.h"

#define CTL_DEV		"/dev/drvhook"	/* the core's fallback control plane */
#define HOOK_NAME_MAX	32

/* A drvhook device, as /sys/class/drvhook/DEV/ shows it. */
struct hookdev {
	char type[DRVHOOK_NAME_LEN];	/* "edu" */
	uint32_t dev_id;
	int nr_hooks;			/* hook index = bit in the masks */
	char hooks[DRVHOOK_MAX_HOOKS][HOOK_NAME_MAX];
};

/* edustress.c: the device's type, id and hooks; -errno. */
int hookdev_read(const char *dev, struct hookdev *h);
/* 1 << the index of @hook on @h, 0 if it has no such hook */
uint32_t hookdev_bit(const struct hookdev *h, const char *hook);
/* A request on /dev/drvhook for entry @name of device @h. */
void fb_req_fill(struct drvhook_fb_attach *a, const struct hookdev *h,
		 const char *name, uint32_t hooks, uint32_t cookie);

/* the policy in force: a FACT n request answers ... */
enum {
	ST_DEFAULT,	/* n! */
	ST_BASIC,	/* test_basic: (n+1)! */
	ST_DOUBLE,	/* test_double: (2n)! */
};
#define HIST	(1 << 16)
#define MAXPROCS 16

struct worker {
	uint64_t submitted, completed, exact, transition, bad, errors;
	uint64_t bad_n, bad_out, bad_s1, bad_s2;
	int bad_err;		/* the first error, its changes and time */
	uint64_t err_s1, err_s2;
	double err_t;
	uint64_t seen;		/* seq of its last request within one state */
};

/* shared with the submitting processes */
struct storm {
	uint64_t seq;		/* odd while a policy change runs */
	int stop;
	int procs;
	int settle;		/* processes that check each state exactly */
	unsigned char state[HIST];	/* state after change seq/2 */
	struct worker w[MAXPROCS];
	struct edu_status st0;
	double t0;
};

extern const char *bpfdir;

/* edulink.c */
int cmd_hold(const char *pin, const char *ready);
int cmd_nodetach(char **argv);

double now(void);
/*
 * Starts @procs processes submitting factorials on @dev, checking each
 * outcome against the states the changes below announce. NULL on error.
 */
struct storm *storm_start(const char *dev, int procs);
/* Announces a policy change that leaves @next in force, ... */
void storm_change_begin(struct storm *s, int next);
/*
 * ... and its end: returns once s->settle processes (default: all) had a
 * request answered that they submitted after the change (checked
 * exactly against @next).
 */
void storm_change_end(struct storm *s);
/*
 * Stops the processes and prints the result line:
 * "<what> cycles=C ops=O submitted= completed= exact= transition= bad=
 * errors= lost= stub_requests= stub_lost= faults= secs=[ <extra>]".
 */
int storm_finish(struct storm *s, const char *dev, const char *what,
		 long cycles, long ops, int faults, const char *extra);

/* edustorm.c */
int cmd_fast_storm(const char *dev, int procs, long cycles, int argc,
		   char **argv);
int cmd_sleepable(const char *dev);

#endif
