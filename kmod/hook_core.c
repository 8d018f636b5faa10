// SPDX-License-Identifier: GPL-2.0
/*
 * drvhook hook core: per-device policy chains and their dispatch.
 *
 * A chain belongs to a device id (eduN), not to a device instance: it
 * outlives unbind and hot-unplug, and applies again when a device takes
 * the id back. Policies in a chain run in order; the first -errno verdict
 * ends a probe, request or complete chain. Entries come from struct_ops
 * maps (hook_structops.c) or from the fentry fallback (hook_fallback.c).
 */
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "hook_core.h"
#include "hook_internal.h"

DEFINE_STATIC_KEY_DEFERRED_FALSE(drvhook_attached, DRVHOOK_KEY_DELAY);
DEFINE_PER_CPU(struct drvhook_cur *, drvhook_cur);
DEFINE_MUTEX(drvhook_lock);
struct class *drvhook_class;

static struct drvhook_chain chains[DRVHOOK_MAX_DEVS];

#define FIELD(H, h, f, w)						\
	{ DRVHOOK_##H, #f, offsetof(struct drvhook_##h, f),		\
	  sizeof_field(struct drvhook_##h, f), w },
#define DRVHOOK_RO(h, f, H)	FIELD(H, h, f, false)
#define DRVHOOK_RW(h, f, H)	FIELD(H, h, f, true)

/* The write whitelist of both attach modes. */
const struct drvhook_field drvhook_fields[] = {
#include "hook_fields.h"
	{}
};

const struct drvhook_hook_desc drvhook_hooks[DRVHOOK_NR_HOOKS] = {
	[DRVHOOK_PROBE] = { "probe", "drvhook_probe",
			    offsetof(struct drvhook_probe, fb_cookie) },
	[DRVHOOK_REQUEST] = { "request", "drvhook_request",
			      offsetof(struct drvhook_request, fb_cookie) },
	[DRVHOOK_IRQ] = { "irq", "drvhook_irq",
			  offsetof(struct drvhook_irq, fb_cookie) },
	[DRVHOOK_COMPLETE] = { "complete", "drvhook_complete",
			       offsetof(struct drvhook_complete, fb_cookie) },
};

const struct drvhook_field *drvhook_field_at(enum drvhook_hook h, u32 off,
					     u32 size)
{
	const struct drvhook_field *f;

	for (f = drvhook_fields; f->name; f++)
		if (f->hook == h && off >= f->off &&
		    off + size <= f->off + f->size)
			return f;
	return NULL;
}

static bool verdict_valid(enum drvhook_hook h, int v)
{
	if (h == DRVHOOK_IRQ)
		return v == DRVHOOK_IRQ_WAKE || v == DRVHOOK_IRQ_THREAD;
	return v == 0 || IS_ERR_VALUE((long)v);
}

bool __drvhook_has(const struct drvhook_dev *hd, enum drvhook_hook h)
{
	return READ_ONCE(hd->chain->nr[h]);
}
EXPORT_SYMBOL_GPL(__drvhook_has);

static int entry_call(struct drvhook_entry *e, enum drvhook_hook h,
		      void *ctx, struct drvhook_cur *cur)
{
	if (!e->ops) {
		cur->cookie = READ_ONCE(e->cookie);
		*(u32 *)(ctx + drvhook_hooks[h].cookie_off) = cur->cookie;
		cur->fb_verdict = 0;
		drvhook_fb_call(h, ctx);
		return cur->fb_verdict;
	}
	cur->cookie = 0;
	return drvhook_ops_call(e->ops, h, ctx);
}

int drvhook_run(struct drvhook_dev *hd, enum drvhook_hook h, void *ctx,
		void *data, u32 len)
{
	struct drvhook_cur cur = { .hook = h, .ctx = ctx, .data = data,
				   .len = len };
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
	list_for_each_entry_rcu(e, &hd->chain->list, node) {
		if (!(READ_ONCE(e->hooks) & BIT(h)))
			continue;
		this_cpu_inc(e->stats->runs[h]);
		v = entry_call(e, h, ctx, &cur);
		if (!verdict_valid(h, v)) {
			this_cpu_inc(e->stats->clamped);
			atomic64_inc(&hd->chain->clamped[h]);
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

struct drvhook_chain *drvhook_chain_get(u32 dev_id)
{
	return dev_id < DRVHOOK_MAX_DEVS ? &chains[dev_id] : NULL;
}

static struct drvhook_entry *chain_find(struct drvhook_chain *c,
					const char *name)
{
	struct drvhook_entry *e;

	list_for_each_entry(e, &c->list, node)
		if (!strncmp(e->name, name, DRVHOOK_NAME_LEN))
			return e;
	return NULL;
}

void drvhook_chain_count(struct drvhook_entry *e, int delta)
{
	struct drvhook_chain *c = &chains[e->dev_id];
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		if (e->hooks & BIT(h))
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

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		if (e->link[h])
			bpf_link_put(e->link[h]);
	free_percpu(e->stats);
	kfree(e);
}

/* Caller holds drvhook_lock. */
int drvhook_chain_insert(u32 dev_id, struct drvhook_entry *e, u32 flags,
			 const char *anchor)
{
	struct drvhook_chain *c = drvhook_chain_get(dev_id);
	struct drvhook_entry *a = NULL;
	unsigned int n = 0;

	lockdep_assert_held(&drvhook_lock);
	if (!c)
		return -ENODEV;
	if ((flags & ~(DRVHOOK_F_BEFORE | DRVHOOK_F_AFTER)) ||
	    hweight32(flags) > 1)
		return -EINVAL;
	if (chain_find(c, e->name))
		return -EEXIST;
	list_for_each_entry(a, &c->list, node)
		n++;
	if (n >= DRVHOOK_MAX_POLICIES)
		return -ENOSPC;	/* the policies listing must fit a page */
	a = NULL;
	if (anchor[0]) {
		a = chain_find(c, anchor);
		if (!a || !flags)
			return -ENOENT;
	}

	if (flags & DRVHOOK_F_BEFORE)
		list_add_tail_rcu(&e->node, a ? &a->node : c->list.next);
	else if (a)
		list_add_rcu(&e->node, &a->node);
	else
		list_add_tail_rcu(&e->node, &c->list);
	e->dev_id = dev_id;
	drvhook_chain_count(e, 1);
	static_branch_inc(&drvhook_attached.key);
	return 0;
}

/* Caller holds drvhook_lock; frees @e once no dispatch can see it. */
void drvhook_chain_remove(struct drvhook_entry *e)
{
	lockdep_assert_held(&drvhook_lock);
	list_del_rcu(&e->node);
	drvhook_chain_count(e, -1);
	static_branch_slow_dec_deferred(&drvhook_attached);
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
	lockdep_assert_held(&drvhook_lock);
	new->dev_id = old->dev_id;
	free_percpu(new->stats);
	new->stats = old->stats;
	drvhook_chain_count(new, 1);
	list_replace_rcu(&old->node, &new->node);
	drvhook_chain_count(old, -1);
	synchronize_rcu();
	old->stats = NULL;
	drvhook_entry_free(old);
}

struct drvhook_entry *drvhook_chain_find(u32 dev_id, const char *name)
{
	struct drvhook_chain *c = drvhook_chain_get(dev_id);

	return c ? chain_find(c, name) : NULL;
}

int drvhook_dev_add(struct drvhook_dev *hd)
{
	int id, err = -ENOSPC;

	mutex_lock(&drvhook_lock);
	for (id = 0; id < DRVHOOK_MAX_DEVS; id++) {
		if (!chains[id].hd) {
			chains[id].hd = hd;
			hd->chain = &chains[id];
			hd->info.id = id;
			err = 0;
			break;
		}
	}
	mutex_unlock(&drvhook_lock);
	/* entries whose programs went while no device had the id */
	drvhook_fb_reap();
	return err;
}
EXPORT_SYMBOL_GPL(drvhook_dev_add);

void drvhook_dev_remove(struct drvhook_dev *hd)
{
	mutex_lock(&drvhook_lock);
	hd->chain->hd = NULL;
	mutex_unlock(&drvhook_lock);
}
EXPORT_SYMBOL_GPL(drvhook_dev_remove);

static ssize_t policies_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct drvhook_dev *hd = dev_get_drvdata(dev);
	struct drvhook_entry *e;
	int len = 0, cpu, h;

	drvhook_fb_reap();	/* never list an entry whose programs are gone */
	mutex_lock(&drvhook_lock);
	list_for_each_entry(e, &hd->chain->list, node) {
		struct drvhook_stats sum = {};

		for_each_possible_cpu(cpu) {
			struct drvhook_stats *s = per_cpu_ptr(e->stats, cpu);

			for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
				sum.runs[h] += s->runs[h];
				sum.nonzero[h] += s->nonzero[h];
			}
			sum.clamped += s->clamped;
		}
		len += sysfs_emit_at(buf, len, "%s %s %#x %u %llu", e->name,
				     e->ops ? "struct_ops" : "fallback",
				     e->hooks, e->cookie, sum.clamped);
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
			len += sysfs_emit_at(buf, len, " %s=%llu/%llu",
					     drvhook_hooks[h].name, sum.runs[h],
					     sum.nonzero[h]);
		len += sysfs_emit_at(buf, len, "\n");
	}
	mutex_unlock(&drvhook_lock);
	return len;
}
static DEVICE_ATTR_RO(policies);

static ssize_t clamped_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct drvhook_dev *hd = dev_get_drvdata(dev);
	int len = 0, h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		len += sysfs_emit_at(buf, len, "%s %lld\n", drvhook_hooks[h].name,
				     atomic64_read(&hd->chain->clamped[h]));
	return len;
}
static DEVICE_ATTR_RO(clamped);

static ssize_t hooks_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	int len = 0, h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		len += sysfs_emit_at(buf, len, "%s%s", h ? " " : "",
				     drvhook_hooks[h].name);
	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(hooks);

static ssize_t dev_id_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct drvhook_dev *hd = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", hd->info.id);
}
static DEVICE_ATTR_RO(dev_id);

static struct attribute *drvhook_dev_attrs[] = {
	&dev_attr_policies.attr,
	&dev_attr_clamped.attr,
	&dev_attr_hooks.attr,
	&dev_attr_dev_id.attr,
	NULL
};
ATTRIBUTE_GROUPS(drvhook_dev);

long drvhook_ioctl(struct drvhook_dev *hd, unsigned int cmd,
		   unsigned long arg)
{
	struct drvhook_fb_attach req;
	int err;

	if (_IOC_TYPE(cmd) != DRVHOOK_IOC_MAGIC)
		return -ENOTTY;
	if (!capable(CAP_BPF) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	req.name[DRVHOOK_NAME_LEN - 1] = '\0';
	req.anchor[DRVHOOK_NAME_LEN - 1] = '\0';
	switch (cmd) {
	case DRVHOOK_IOC_FB_ATTACH:
		err = drvhook_fb_attach(hd->info.id, &req);
		break;
	case DRVHOOK_IOC_FB_DETACH:
		return drvhook_fb_detach(hd->info.id, req.name);
	case DRVHOOK_IOC_FB_COOKIE:
		req.cookie = drvhook_fb_reserve(hd->info.id, req.name);
		err = 0;
		break;
	case DRVHOOK_IOC_FB_REPLACE:
		return drvhook_fb_replace(hd->info.id, &req);
	default:
		return -ENOTTY;
	}
	if (err)
		return err;
	return copy_to_user((void __user *)arg, &req, sizeof(req)) ? -EFAULT : 0;
}
EXPORT_SYMBOL_GPL(drvhook_ioctl);

int drvhook_core_init(void)
{
	int i, err;

	for (i = 0; i < DRVHOOK_MAX_DEVS; i++)
		INIT_LIST_HEAD(&chains[i].list);

	drvhook_class = drvhook_class_create("drvhook");
	if (IS_ERR(drvhook_class))
		return PTR_ERR(drvhook_class);
	drvhook_class->dev_groups = drvhook_dev_groups;

	err = drvhook_kfuncs_init();
	if (err)
		goto err_class;
	err = drvhook_structops_init();
	if (err)
		goto err_class;
	return 0;

err_class:
	class_destroy(drvhook_class);
	return err;
}

/*
 * A loaded policy holds a reference on this module (struct_ops maps and
 * fentry programs alike), so only fallback registrations whose programs
 * are gone can be left here.
 */
void drvhook_core_exit(void)
{
	struct drvhook_entry *e, *tmp;
	int i;

	drvhook_fb_exit();
	mutex_lock(&drvhook_lock);
	for (i = 0; i < DRVHOOK_MAX_DEVS; i++)
		list_for_each_entry_safe(e, tmp, &chains[i].list, node)
			drvhook_chain_remove(e);
	mutex_unlock(&drvhook_lock);
	static_key_deferred_flush(&drvhook_attached);
	class_destroy(drvhook_class);
}
