// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device policy chains and their dispatch.
 *
 * A chain belongs to a device id of a device type (edu0), not to a
 * device instance: it outlives unbind and hot-unplug, and applies again
 * when a device of the same type takes the id back. Policies in a chain
 * run in order; the first -errno verdict ends the chain. Entries come
 * from struct_ops maps (structops.c) or from the fentry fallback
 * (fallback.c).
 */
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "internal.h"

DEFINE_PER_CPU(struct drvhook_cur *, drvhook_cur);
DEFINE_MUTEX(drvhook_lock);

const struct drvhook_field *drvhook_field_at(const struct drvhook_type *t,
					     u32 h, u32 off, u32 size)
{
	const struct drvhook_field *f;

	for (f = t->fields; f->name; f++)
		if (f->hook == h && off >= f->off &&
		    off + size <= f->off + f->size)
			return f;
	return NULL;
}

static bool verdict_valid(const struct drvhook_hook_desc *d, int v)
{
	if (d->verdict == DRVHOOK_VERDICT_ERRNO)
		return v == 0 || IS_ERR_VALUE((long)v);
	return v >= 0 && v <= d->verdict;
}

bool __drvhook_has(const struct drvhook_dev *hd, u32 h)
{
	return READ_ONCE(hd->chain->nr[h]);
}
EXPORT_SYMBOL_GPL(__drvhook_has);

static int entry_call(const struct drvhook_type *t, struct drvhook_entry *e,
		      u32 h, void *ctx, struct drvhook_cur *cur)
{
	if (!e->ops) {
		cur->cookie = READ_ONCE(e->cookie);
		*(u32 *)(ctx + t->hooks[h].cookie_off) = cur->cookie;
		cur->fb_verdict = 0;
		t->fb_call(h, ctx);
		return cur->fb_verdict;
	}
	cur->cookie = 0;
	return t->ops_call(e->ops, h, ctx);
}

int drvhook_run(struct drvhook_dev *hd, u32 h, void *ctx, void *data,
		u32 len)
{
	const struct drvhook_type *t = hd->type;
	struct drvhook_cur cur = { .type = t, .hook = h, .ctx = ctx,
				   .data = data, .len = len };
	struct drvhook_chain *c = hd->chain;
	struct drvhook_cur *prev;
	struct drvhook_entry *e;
	int verdict = 0, v;

	/*
	 * Preemption off is also the RCU read-side section the chain walk
	 * needs: synchronize_rcu() waits for it (4.20+, every kernel here).
	 */
	preempt_disable();
	prev = this_cpu_read(drvhook_cur);
	this_cpu_write(drvhook_cur, &cur);
	list_for_each_entry_rcu(e, &c->list, node) {
		if (!(READ_ONCE(e->hooks) & BIT(h)))
			continue;
		this_cpu_inc(e->stats->runs[h]);
		v = entry_call(t, e, h, ctx, &cur);
		if (!verdict_valid(&t->hooks[h], v)) {
			this_cpu_inc(e->stats->clamped);
			atomic64_inc(&c->clamped[h]);
			continue;
		}
		if (v) {
			this_cpu_inc(e->stats->nonzero[h]);
			verdict = v;
		}
		if (v < 0)
			break;
	}
	this_cpu_write(drvhook_cur, prev);
	preempt_enable();
	return verdict;
}
EXPORT_SYMBOL_GPL(drvhook_run);

/**
 * drvhook_first_ops() - the <type>_ops of a device's first policy
 * @hd: the device
 *
 * For make bench's floor (a struct_ops program called straight from the
 * hook site, without the chain, its counters or clamping): the caller
 * holds an RCU read-side section (preemption disabled) while it calls it.
 *
 * Return: the first entry's struct_ops data, or NULL if there is none or
 * it is a fallback entry.
 */
const void *drvhook_first_ops(struct drvhook_dev *hd)
{
	struct drvhook_entry *e;

	e = list_first_or_null_rcu(&hd->chain->list, struct drvhook_entry,
				   node);
	return e ? e->ops : NULL;
}
EXPORT_SYMBOL_GPL(drvhook_first_ops);

struct drvhook_chain *drvhook_chain_get(struct drvhook_type *t, u32 dev_id)
{
	return dev_id < DRVHOOK_MAX_DEVS ? &t->state->chains[dev_id] : NULL;
}

struct drvhook_entry *drvhook_chain_find(struct drvhook_chain *c,
					 const char *name)
{
	struct drvhook_entry *e;

	list_for_each_entry(e, &c->list, node)
		if (!strncmp(e->name, name, DRVHOOK_NAME_LEN))
			return e;
	return NULL;
}

void drvhook_chain_count(struct drvhook_chain *c, u32 hooks, int delta)
{
	u32 h;

	for (h = 0; h < c->type->nr_hooks; h++)
		if (hooks & BIT(h))
			WRITE_ONCE(c->nr[h], c->nr[h] + delta);
}

/* [A-Za-z0-9_-]+, so that sysfs lines and bpffs pin paths can carry it. */
static bool name_valid(const char *name)
{
	size_t i, len = strnlen(name, DRVHOOK_NAME_LEN);

	if (!len || len == DRVHOOK_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

struct drvhook_entry *drvhook_entry_alloc(const char *name, u32 hooks)
{
	struct drvhook_entry *e;

	if (!name_valid(name))
		return ERR_PTR(-EINVAL);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->stats = alloc_percpu(struct drvhook_stats);
	if (!e->stats) {
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(e->name, name, DRVHOOK_NAME_LEN);
	e->hooks = hooks;
	return e;
}

void drvhook_entry_free(struct drvhook_entry *e)
{
	int h;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
		if (e->link[h])
			bpf_link_put(e->link[h]);
	free_percpu(e->stats);
	kfree(e);
}

/* Caller holds drvhook_lock. */
int drvhook_chain_insert(struct drvhook_chain *c, struct drvhook_entry *e,
			 u32 flags, const char *anchor)
{
	struct drvhook_entry *a = NULL;
	unsigned int n = 0;

	lockdep_assert_held(&drvhook_lock);
	if ((flags & ~(DRVHOOK_F_BEFORE | DRVHOOK_F_AFTER)) ||
	    hweight32(flags) > 1)
		return -EINVAL;
	if (drvhook_chain_find(c, e->name))
		return -EEXIST;
	list_for_each_entry(a, &c->list, node)
		n++;
	if (n >= DRVHOOK_MAX_POLICIES)
		return -ENOSPC;	/* the policies listing must fit a page */
	a = NULL;
	if (anchor[0]) {
		a = drvhook_chain_find(c, anchor);
		if (!a || !flags)
			return -ENOENT;
	}

	if (flags & DRVHOOK_F_BEFORE)
		list_add_tail_rcu(&e->node, a ? &a->node : c->list.next);
	else if (a)
		list_add_rcu(&e->node, &a->node);
	else
		list_add_tail_rcu(&e->node, &c->list);
	e->chain = c;
	drvhook_chain_count(c, e->hooks, 1);
	static_branch_inc(&c->type->attached->key);
	return 0;
}

/* Caller holds drvhook_lock; frees @e once no dispatch can see it. */
void drvhook_chain_remove(struct drvhook_entry *e)
{
	struct drvhook_chain *c = e->chain;

	lockdep_assert_held(&drvhook_lock);
	list_del_rcu(&e->node);
	drvhook_chain_count(c, e->hooks, -1);
	static_branch_slow_dec_deferred(c->type->attached);
	synchronize_rcu();
	drvhook_entry_free(e);
}

/*
 * Caller holds drvhook_lock. Swaps @new in at @old's place. The policy
 * keeps its counters, as a fallback replace does: @new takes @old's, which
 * dispatches still running @old keep counting in until the grace period.
 */
void drvhook_chain_replace(struct drvhook_entry *old, struct drvhook_entry *new)
{
	struct drvhook_chain *c = old->chain;

	lockdep_assert_held(&drvhook_lock);
	new->chain = c;
	free_percpu(new->stats);
	new->stats = old->stats;
	drvhook_chain_count(c, new->hooks, 1);
	list_replace_rcu(&old->node, &new->node);
	drvhook_chain_count(c, old->hooks, -1);
	synchronize_rcu();
	old->stats = NULL;
	drvhook_entry_free(old);
}
