/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* drvhook loader: what the files of loader/ share. */
#ifndef __DRVHOOK_LOADER_H
#define __DRVHOOK_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "../include/drvhook.h"
#include "json.h"

#ifndef DRVHOOK_VERSION
#define DRVHOOK_VERSION "0.1"
#endif
#ifndef DRVHOOK_GIT
#define DRVHOOK_GIT "unknown"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* Exit codes: each failure kind has its own (drvhook(8), EXIT STATUS). */
enum {
	EXIT_OK		= 0,
	EXIT_FAIL	= 1,	/* any other failure */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_FILE	= 3,	/* object file missing or unreadable */
	EXIT_NOTPOLICY	= 4,	/* not a drvhook policy object */
	EXIT_FEATURE	= 5,	/* kernel or stub lacks a feature */
	EXIT_VERIFIER	= 6,	/* the verifier rejected a program */
	EXIT_NODEV	= 7,	/* no such drvhook device */
	EXIT_PERM	= 8,	/* permission denied */
	EXIT_NAME	= 9,	/* policy name taken, or no such policy */
	EXIT_TYPE	= 10,	/* policy for another device type */
	EXIT_BUSY	= 11,	/* module in use: policies, device modules */
};

/* The hook core's module: its kfuncs (drvhook_*) are in its BTF. */
#define CORE_MODULE	"drvhook"
/* The core's control plane (fallback mode) */
#define CORE_CTL_DEV	"/dev/drvhook"


enum mode {
	MODE_AUTO,
	MODE_STRUCT_OPS,
	MODE_FALLBACK,
};

/* common.c (main.c has main()) */
extern bool json_output;
extern bool pretty_output;
extern bool verbose;
extern enum mode global_mode;
extern json_writer_t *jw;

bool is_prefix(const char *pfx, const char *str);

/* One OBJECT's commands, bpftool style: a unique prefix selects one. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Runs the command argv[0] names, or @dflt when there is none. */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*dflt)(int argc, char **argv), const char *object);
int usage_error(const char *fmt, ...) __printf(1, 2);
/* Shifts argc/argv; fails the command with a usage error when empty. */
#define NEXT_ARG()	({ argc--; argv++; })
#define REQ_ARGS(n)							\
	({								\
		if (argc < (n))						\
			return usage_error("expected %d more argument(s)", \
					   (n) - argc);			\
	})

/* table.c: aligned plain output; the first row is the header */
struct table {
	int ncols, nrows;
	char **cells;
};

struct table *table_new(int ncols, ...);
void table_row(struct table *t, ...);
struct table *table_new_v(int ncols, const char *const *head);
void table_row_v(struct table *t, const char *const *cells);
void table_print(struct table *t, const char *indent);
void table_free(struct table *t);

/* err.c: one error per run, printed by main() */
int fail(int code, const char *fmt, ...) __printf(2, 3);
int fail_errno(int err, const char *fmt, ...) __printf(2, 3);
void fail_detail(const char *line);
int fail_quiet(int code);
void err_clear(void);
int err_code(void);
const char *err_message(void);
void err_print(void);
void err_init_libbpf(void);
void err_reset_libbpf(void);
const char *libbpf_first_warn(void);
bool verifier_log_tail(void);
void warn(const char *fmt, ...) __printf(1, 2);
const char *journal_prio(int prio);

/*
 * types.c: device types, from <sysfs root>/types ("T MODULE H0 H1 ...").
 * A hook's index in @hooks is its bit in every hook mask.
 */
#define HOOK_NAME_MAX	32
#define MODULE_NAME_MAX	64

struct dev_type {
	char name[DRVHOOK_NAME_LEN];	/* T: struct T_ops, T_fb_H, T_set_H_F */
	char module[MODULE_NAME_MAX];	/* whose BTF has them; "" unknown */
	int nr_hooks;
	char hooks[DRVHOOK_MAX_HOOKS][HOOK_NAME_MAX];
};

int types_read(struct dev_type **types, int *n);
int type_find(const char *name, struct dev_type *t);
int dev_type_of(const char *dev, struct dev_type *t);
int devname_split(const char *dev, char *type, size_t len, unsigned int *id);
int type_hook(const struct dev_type *t, const char *name);
const char *type_hook_name(const struct dev_type *t, int h, char *buf,
			   size_t len);
void hooks_str(const struct dev_type *t, unsigned int mask, char *buf,
	       size_t len);
void json_hooks(const struct dev_type *t, const char *key, unsigned int mask);
void json_hook_counts(const struct dev_type *t, const char *key,
		      const unsigned long long *v);
struct btf;
struct btf *vmlinux_btf(void);
struct btf *module_btf(const char *module);
bool help_json(void);

/* privileges */
bool have_bpf_privs(void);
int need_privs(const char *what);

/* sysfs.c: devices, policies, pins */
#define POL_NAME_MAX	DRVHOOK_NAME_LEN
#define DEV_NAME_MAX	64

struct pol_line {
	char name[POL_NAME_MAX];
	char mode[16];			/* struct_ops | fallback */
	unsigned int hooks;
	unsigned int cookie;
	unsigned long long clamped;
	unsigned long long runs[DRVHOOK_MAX_HOOKS];
	unsigned long long nonzero[DRVHOOK_MAX_HOOKS];
};

struct dev_info {
	char name[DEV_NAME_MAX];
	unsigned int dev_id;
	struct dev_type dt;		/* its type: dt.name */
	char hooks[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX];
	unsigned long long clamped[DRVHOOK_MAX_HOOKS];
	struct pol_line *pols;
	int npols;
};

struct pin_info {
	char dev[DEV_NAME_MAX];
	char name[POL_NAME_MAX];
	char dir[512];
	bool link;			/* struct_ops: <dir>/link */
	unsigned int hooks;		/* fallback: <dir>/<hook>, bits of dt */
	struct dev_type dt;		/* the device's type, or the pins' hooks */
};

const char *sysfs_root(void);
const char *pin_root(void);
bool module_loaded(void);
bool name_ok(const char *name, size_t max);
char *slurp(const char *path);
int dev_arg(const char *arg, const char **dev);
int dev_read(const char *name, struct dev_info *d);
int dev_list(struct dev_info **devs, int *n);
void dev_free(struct dev_info *d);
void devs_free(struct dev_info *devs, int n);
struct pol_line *dev_policy(struct dev_info *d, const char *name);
int pins_list(const char *dev, struct pin_info **pins, int *n);
int pin_read(const char *dev, const char *name, struct pin_info *p);
void pin_dir(char *buf, size_t len, const char *dev, const char *name);
int mkdir_p(const char *path);
bool is_bpffs(const char *path);
int make_pin_dir(const char *dir);
int check_name(const char *kind, const char *name, size_t max);
int need_device(const char *dev, struct dev_info *d);
bool bpf_stats_enabled(void);

/* feature.c */
struct type_features {
	struct dev_type dt;
	bool module_btf;		/* /sys/kernel/btf/<module> */
	bool struct_ops_type;		/* bpf_struct_ops_<type>_ops */
	bool fb_hooks;			/* <type>_fb_<hook> functions */
	bool link_update;
	char setters[256];		/* <type>_set_* kfuncs, space separated */
	int nsetters;
	enum mode mode;
	char why[256];
};

struct features {
	char release[128];
	int kmajor, kminor;
	bool module_loaded;		/* the core */
	bool module_btf;		/* the core's */
	bool link_update;		/* the kernel's (6.4) */
	int probe_struct_ops;		/* 1 yes, 0 no, <0 -errno */
	int probe_tracing;
	bool bpffs;
	bool stats_enabled;
	struct type_features *types;
	int ntypes;
	enum mode mode;			/* every type's, if they agree */
	char why[256];
};

void features_probe(struct features *f, bool probe_progs);
void features_free(struct features *f);
int resolve_mode(const struct dev_type *t, enum mode want, enum mode *out);
const char *mode_name(enum mode m);
int do_feature(int argc, char **argv);

/* obj.c: a policy object */
struct policy_obj {
	const char *path;
	struct bpf_object *obj;
	struct bpf_map *st_map;
	struct bpf_map *rodata;
	const char *map_name;
	char obj_name[DRVHOOK_NAME_LEN];	/* .name set in the object */
	char type[DRVHOOK_NAME_LEN];	/* T of its map's struct T_ops */
	char ops_name[DRVHOOK_NAME_LEN + 8];	/* "T_ops" */
	/* the hooks it implements, in the object's order (pobj_open) */
	int nlocal;
	const char *local_hook[DRVHOOK_MAX_HOOKS];
	struct bpf_program *local_st[DRVHOOK_MAX_HOOKS];
	struct bpf_program *local_fb[DRVHOOK_MAX_HOOKS];
	/* by the device type's hook index (pobj_bind) */
	bool bound;
	struct dev_type dt;
	unsigned int hooks;
	struct bpf_program *st_prog[DRVHOOK_MAX_HOOKS];
	struct bpf_program *fb_prog[DRVHOOK_MAX_HOOKS];
	size_t cookie_off;
	__u32 fb_cookie;		/* set by pobj_prepare(): the links carry it */
	__u32 off_dev_id, off_flags, off_anchor, off_name;
	enum mode mode;
};

struct attach_opts {
	const char *dev;
	const char *name;
	const char *anchor;
	__u32 flags;
	__u32 dev_id;
	__u32 cookie;
	const char *sets[16];		/* `set NAME=VALUE`, in order */
	int nsets;
};

int pobj_open(struct policy_obj *po, const char *path);
const char *pobj_default_name(struct policy_obj *po);
int pobj_bind(struct policy_obj *po, const struct dev_type *t, const char *dev);
int pobj_prepare(struct policy_obj *po, enum mode mode,
		 const struct attach_opts *o);
int pobj_load(struct policy_obj *po);
void pobj_close(struct policy_obj *po);

/* vars.c: a policy's global variables */
int pobj_set_var(struct bpf_object *obj, const char *path, const char *assign);
int pobj_set_kfunc_flags(struct bpf_object *obj, const char *module);
int pobj_check_writes(const char *path, const struct btf *stub,
		      const struct dev_type *t);
int pobj_check_contract(const char *path, const struct dev_type *t);
int parse_set(struct attach_opts *o, const char *assign);

/* attach.c: attach, detach, and their helpers replace.c uses */
enum mode mode_of(const char *s);
int attach_error(int err, const char *dev, const char *name, const char *anchor,
		 const char *what);
int open_ctl(int *fd);
void fill_req(struct drvhook_fb_attach *req, const char *type, __u32 dev_id,
	      const char *name, const char *anchor, __u32 flags, __u32 hooks,
	      __u32 cookie);
void hook_pin(char *buf, size_t len, const char *dir,
	      const struct dev_type *t, int h, const char *prefix);
struct bpf_link;
int pin_fb_links(struct bpf_link **links, const struct dev_type *t,
		 const char *dir, const char *prefix);
int attach_fb_progs(struct policy_obj *po, struct bpf_link **links);
void fill_links(struct drvhook_fb_attach *req, struct bpf_link **links);
void put_links(struct bpf_link **links, int n, bool keep);
void print_done(const char *verb, const char *dev, const char *name,
		enum mode mode, const struct dev_type *t, unsigned int hooks,
		const char *dir, bool has_cookie, __u32 cookie);
int parse_dev_name(int *argc, char ***argv, const char **dev, const char **name,
		   bool name_required);
int st_link_detach(int fd, const char *path, bool *kept);
int do_attach(int argc, char **argv);
int do_detach(int argc, char **argv);
/* linkuse.c */
int detach_verify(const char *dev, const char *name, bool kept, __u32 link_id);
struct link_ids {
	int n;
	__u32 link[DRVHOOK_MAX_HOOKS];
	__u32 prog[DRVHOOK_MAX_HOOKS];
};
int fb_link_ids(const struct pin_info *p, struct link_ids *ids);
int fb_links_wait(const struct link_ids *ids, char *who, size_t len);
/* replace.c */
int st_map_set(struct policy_obj *po);
int st_link_update(struct policy_obj *po, int link_fd,
		   const struct attach_opts *o);
int do_replace(int argc, char **argv);

/* device.c, policy.c, stats.c */
int pin_state(const char *dev, const char *name);
void json_counters(const struct dev_type *t, const struct pol_line *p);
void json_policy_line(const struct dev_info *d, const struct pol_line *p);
void fmt_counter(char *buf, size_t len, const struct pol_line *p, int h);
int do_device(int argc, char **argv);
int do_module(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_stats(int argc, char **argv);

/* progs of an attached policy, from its pinned links */
struct prog_stat {
	int hook;
	__u32 link_id;
	__u32 prog_id;
	char prog_name[64];
	__u64 run_cnt;
	__u64 run_time_ns;
};

int policy_progs(const struct pin_info *pin, struct prog_stat *ps, int *n,
		 __u32 *map_id);

#endif
