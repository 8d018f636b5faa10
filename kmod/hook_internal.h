/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of the hook core; device parts don't see it. */
#ifndef _DRVHOOK_HOOK_INTERNAL_H
#define _DRVHOOK_HOOK_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include "compat.h"
#include "hook_core.h"

struct drvhook_stats {
	u64 runs[DRVHOOK_NR_HOOKS];
	u64 nonzero[DRVHOOK_NR_HOOKS];	/* valid verdicts other than 0 */
	u64 clamped;
};

/* One policy in a chain: a struct_ops map (ops) or a fallback cookie. */
struct drvhook_entry {
	struct list_head node;
	char name[DRVHOOK_NAME_LEN];
	u32 hooks;			/* BIT(enum drvhook_hook) */
	u32 dev_id;
	u32 cookie;			/* fallback only */
	struct bpf_link *link[DRVHOOK_NR_HOOKS];	/* fallback: owned */
	struct drvhook_ops *ops;	/* struct_ops only */
	struct drvhook_stats __percpu *stats;
};

struct drvhook_chain {
	struct list_head list;		/* RCU; writers hold drvhook_lock */
	struct drvhook_dev *hd;		/* NULL while no device has the id */
	u32 nr[DRVHOOK_NR_HOOKS];	/* entries having each hook */
	atomic64_t clamped[DRVHOOK_NR_HOOKS];
};

/* The dispatch running on this CPU, for the kfuncs. */
struct drvhook_cur {
	enum drvhook_hook hook;
	void *ctx;
	void *data;
	u32 len;
	u32 cookie;			/* the fallback entry running, or 0 */
	int fb_verdict;
};
DECLARE_PER_CPU(struct drvhook_cur *, drvhook_cur);

/* A context field: made from hook_fields.h */
struct drvhook_field {
	enum drvhook_hook hook;
	const char *name;
	u32 off;
	u32 size;
	bool writable;
};

struct drvhook_hook_desc {
	const char *name;
	const char *ctx_name;
	u32 cookie_off;
};

extern const struct drvhook_hook_desc drvhook_hooks[DRVHOOK_NR_HOOKS];
extern const struct drvhook_field drvhook_fields[];	/* ends with {} */
extern struct mutex drvhook_lock;

const struct drvhook_field *drvhook_field_at(enum drvhook_hook h, u32 off,
					     u32 size);
struct drvhook_chain *drvhook_chain_get(u32 dev_id);
struct drvhook_entry *drvhook_entry_alloc(const char *name, u32 hooks);
void drvhook_entry_free(struct drvhook_entry *e);
struct drvhook_entry *drvhook_chain_find(u32 dev_id, const char *name);
int drvhook_chain_insert(u32 dev_id, struct drvhook_entry *e, u32 flags,
			 const char *anchor);
void drvhook_chain_remove(struct drvhook_entry *e);
void drvhook_chain_count(struct drvhook_entry *e, int delta);
void drvhook_chain_replace(struct drvhook_entry *old,
			   struct drvhook_entry *new);

/* hook_fallback.c */
int drvhook_fb_probe(struct drvhook_probe *ctx);
int drvhook_fb_request(struct drvhook_request *ctx);
int drvhook_fb_irq(struct drvhook_irq *ctx);
int drvhook_fb_complete(struct drvhook_complete *ctx);
int drvhook_fb_attach(u32 dev_id, struct drvhook_fb_attach *req);
int drvhook_fb_detach(u32 dev_id, const char *name);
u32 drvhook_fb_reserve(u32 dev_id, const char *name);
void drvhook_fb_reap(void);
void drvhook_fb_exit(void);
int drvhook_fb_replace(u32 dev_id, const struct drvhook_fb_attach *req);
int drvhook_kfuncs_init(void);

/*
 * Calls the fentry attach point of hook @h. Inline: dispatch is the hot
 * path (make bench).
 */
static inline void drvhook_fb_call(enum drvhook_hook h, void *ctx)
{
	switch (h) {
	case DRVHOOK_PROBE:
		drvhook_fb_probe(ctx);
		break;
	case DRVHOOK_REQUEST:
		drvhook_fb_request(ctx);
		break;
	case DRVHOOK_IRQ:
		drvhook_fb_irq(ctx);
		break;
	case DRVHOOK_COMPLETE:
		drvhook_fb_complete(ctx);
		break;
	default:
		break;
	}
}

/* hook_structops.c */
#if DRVHOOK_HAVE_STRUCT_OPS
int drvhook_structops_init(void);

/* Calls a policy's struct_ops program for hook @h. Inline, as above. */
static inline int drvhook_ops_call(struct drvhook_ops *ops,
				   enum drvhook_hook h, void *ctx)
{
	switch (h) {
	case DRVHOOK_PROBE:
		return ops->probe(ctx);
	case DRVHOOK_REQUEST:
		return ops->request(ctx);
	case DRVHOOK_IRQ:
		return ops->irq(ctx);
	case DRVHOOK_COMPLETE:
		return ops->complete(ctx);
	default:
		return 0;
	}
}
#else
static inline int drvhook_ops_call(struct drvhook_ops *ops,
				   enum drvhook_hook h, void *ctx)
{
	return 0;
}

static inline int drvhook_structops_init(void)
{
	return 0;
}
#endif

#endif
