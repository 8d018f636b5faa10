/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of the hook core; device modules don't see it. */
#ifndef _DRVHOOK_CORE_INTERNAL_H
#define _DRVHOOK_CORE_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include "compat.h"
#include "drvhook_core.h"

struct drvhook_stats {
	u64 runs[DRVHOOK_MAX_HOOKS];
	u64 nonzero[DRVHOOK_MAX_HOOKS];	/* valid verdicts other than 0 */
	u64 clamped;
};

/* One policy in a chain: a struct_ops map (ops) or a fallback cookie. */
struct drvhook_entry {
	struct list_head node;
	char name[DRVHOOK_NAME_LEN];
	u32 hooks;			/* BIT(hook index) */
	struct drvhook_chain *chain;	/* set once inserted */
	u32 cookie;			/* fallback only */
	struct bpf_link *link[DRVHOOK_MAX_HOOKS];	/* fallback: owned */
	const void *ops;		/* struct_ops only: <type>_ops kdata */
	struct drvhook_stats __percpu *stats;
};

/* The policies of one device id of one type. */
struct drvhook_chain {
	struct list_head list;		/* RCU; writers hold drvhook_lock */
	struct drvhook_type *type;
	u32 id;
	struct drvhook_dev *hd;		/* NULL while no device has the id */
	u32 nr[DRVHOOK_MAX_HOOKS];	/* entries having each hook */
	atomic64_t clamped[DRVHOOK_MAX_HOOKS];
};

struct drvhook_type_state {
	struct list_head node;		/* drvhook_types */
	struct drvhook_type *type;
	struct drvhook_chain chains[DRVHOOK_MAX_DEVS];
	struct btf *btf;		/* the module's, as loaded (struct_ops) */
	/*
	 * BTF ids of the hooks' context structs in that BTF. Not
	 * BTF_ID_LIST: the kernel relocates an out-of-tree module's BTF
	 * (distilled base, 6.11+), so build-time ids would be stale.
	 * check_member reads them off each hook's prototype.
	 */
	u32 ctx_ids[DRVHOOK_MAX_HOOKS];
};

/* The dispatch running on this CPU, for the kfuncs. */
struct drvhook_cur {
	const struct drvhook_type *type;
	u32 hook;
	void *ctx;
	void *data;
	u32 len;
	u32 cookie;			/* the fallback entry running, or 0 */
	int fb_verdict;
};
DECLARE_PER_CPU(struct drvhook_cur *, drvhook_cur);

extern struct mutex drvhook_lock;
extern struct class drvhook_class;
extern struct list_head drvhook_types;	/* RCU; writers hold drvhook_lock */

#define for_each_drvhook_chain(t, c)					\
	for ((c) = (t)->state->chains;					\
	     (c) < (t)->state->chains + DRVHOOK_MAX_DEVS; (c)++)

struct drvhook_type *drvhook_type_find(const char *name);
const struct drvhook_field *drvhook_field_at(const struct drvhook_type *t,
					     u32 h, u32 off, u32 size);
struct drvhook_chain *drvhook_chain_get(struct drvhook_type *t, u32 dev_id);
struct drvhook_entry *drvhook_entry_alloc(const char *name, u32 hooks);
void drvhook_entry_free(struct drvhook_entry *e);
struct drvhook_entry *drvhook_chain_find(struct drvhook_chain *c,
					 const char *name);
int drvhook_chain_insert(struct drvhook_chain *c, struct drvhook_entry *e,
			 u32 flags, const char *anchor);
void drvhook_chain_remove(struct drvhook_entry *e);
void drvhook_chain_count(struct drvhook_chain *c, u32 hooks, int delta);
void drvhook_chain_replace(struct drvhook_entry *old,
			   struct drvhook_entry *new);

/* fallback.c */
int drvhook_fb_attach(struct drvhook_chain *c, struct drvhook_fb_attach *req);
int drvhook_fb_detach(struct drvhook_chain *c, const char *name);
u32 drvhook_fb_reserve(struct drvhook_chain *c, const char *name);
int drvhook_fb_replace(struct drvhook_chain *c,
		       const struct drvhook_fb_attach *req);
void drvhook_fb_reap(void);
void drvhook_fb_exit(void);
int drvhook_kfuncs_init(void);

/* sysfs.c */
extern const struct attribute_group *drvhook_dev_groups[];
extern const struct attribute_group *drvhook_class_groups[];

#endif
