// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry fallback, for kernels without module struct_ops (6.1), and
 * the kfuncs both modes use.
 *
 * A fallback policy registers a named chain entry with
 * DRVHOOK_IOC_FB_ATTACH and gets a cookie; its fentry programs attach to
 * drvhook_fb_<hook>() and act only when ctx->fb_cookie is theirs. The
 * core calls drvhook_fb_<hook>() once per fallback entry, in chain order.
 * fentry programs can neither return a value nor write their arguments:
 * they hand their verdict to drvhook_fb_verdict() and write context
 * fields with drvhook_set_<hook>_<field>(). Every kfunc takes scalars
 * only and acts on the dispatch running on this CPU: fentry arguments are
 * untrusted pointers that kfuncs may not take on recent kernels.
 *
 * Every fentry program on drvhook_fb_<hook>() runs at each fallback
 * entry's dispatch, whether it tests the cookie or not: the kfuncs act
 * only for a program whose link's BPF cookie is the cookie of the entry
 * being dispatched. The loader sets a link's BPF cookie when it creates
 * the link; the program cannot change it (caller_cur()).
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include "hook_internal.h"

DRVHOOK_IMPORT_BPF_NS();

/*
 * The dispatch running on this CPU, if the calling program is the entry
 * being dispatched: a struct_ops entry's program (the core calls it and
 * nothing else while cur->cookie is 0), or a program run by a BPF
 * trampoline whose run context carries the entry's cookie. NULL otherwise.
 */
static struct drvhook_cur *caller_cur(void)
{
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);
	struct bpf_tramp_run_ctx *rc;

	if (!cur || !cur->cookie)
		return cur;
	if (!current->bpf_ctx)
		return NULL;
	rc = container_of(current->bpf_ctx, struct bpf_tramp_run_ctx, run_ctx);
	return rc->bpf_cookie == cur->cookie ? cur : NULL;
}

/*
 * Writes @size bytes of @val at @off in the context of the hook running
 * on this CPU, if it is hook @h, the caller is its entry and its contract
 * lets policies write there; -EACCES otherwise.
 */
static int ctx_write(enum drvhook_hook h, u32 off, u32 size, u64 val)
{
	struct drvhook_cur *cur = caller_cur();
	const struct drvhook_field *f;

	if (!cur || cur->hook != h)
		return -EACCES;
	f = drvhook_field_at(h, off, size);
	if (!f || !f->writable || f->off != off || f->size != size)
		return -EACCES;
	if (size == sizeof(u64))
		*(u64 *)(cur->ctx + off) = val;
	else if (size == sizeof(u32))
		*(u32 *)(cur->ctx + off) = val;
	else
		return -EINVAL;
	return 0;
}

__bpf_kfunc_start_defs();

/* The attach points: the asm keeps calls to them from being elided. */
__bpf_kfunc int drvhook_fb_probe(struct drvhook_probe *ctx)
{
	asm volatile("");
	return 0;
}

__bpf_kfunc int drvhook_fb_request(struct drvhook_request *ctx)
{
	asm volatile("");
	return 0;
}

__bpf_kfunc int drvhook_fb_irq(struct drvhook_irq *ctx)
{
	asm volatile("");
	return 0;
}

__bpf_kfunc int drvhook_fb_complete(struct drvhook_complete *ctx)
{
	asm volatile("");
	return 0;
}

/* Sets the verdict of the fallback entry running on this CPU. */
__bpf_kfunc int drvhook_fb_verdict(int verdict)
{
	struct drvhook_cur *cur = caller_cur();

	if (!cur)
		return -EACCES;
	cur->fb_verdict = verdict;
	return 0;
}

/*
 * The setter kfuncs: drvhook_set_<hook>_<field>(val) for each field the
 * hook's contract lets policies write (hook_fields.h), nothing for the
 * others. A fallback policy's drvhook_write() calls the setter of its
 * hook and field, so writing a read-only field makes the policy need a
 * kfunc that does not exist: it is refused at load, by name. Each setter
 * acts only on a dispatch of its own hook.
 */
#define DRVHOOK_RO(...)
#define DRVHOOK_RW(h, f, H)						\
__bpf_kfunc int drvhook_set_##h##_##f(u64 val)				\
{									\
	return ctx_write(DRVHOOK_##H, offsetof(struct drvhook_##h, f),	\
			 sizeof_field(struct drvhook_##h, f), val);	\
}
#include "hook_fields.h"

/* Bytes of DMA data the running complete hook may access. */
__bpf_kfunc u32 drvhook_data_len(void)
{
	struct drvhook_cur *cur = caller_cur();

	return cur && cur->data ? cur->len : 0;
}

/* Loads the 64-bit little-endian word at @off of the DMA data. */
__bpf_kfunc u64 drvhook_data_load(u32 off)
{
	struct drvhook_cur *cur = caller_cur();
	__le64 v = 0;

	if (cur && cur->data && off < cur->len)
		memcpy(&v, cur->data + off, min_t(u32, 8, cur->len - off));
	return le64_to_cpu(v);
}

/* Stores a 64-bit little-endian word at @off of the DMA data. */
__bpf_kfunc int drvhook_data_store(u32 off, u64 val)
{
	struct drvhook_cur *cur = caller_cur();
	__le64 v = cpu_to_le64(val);

	if (!cur || !cur->data || cur->hook != DRVHOOK_COMPLETE)
		return -EACCES;
	if (off >= cur->len)
		return -ERANGE;
	memcpy(cur->data + off, &v, min_t(u32, 8, cur->len - off));
	return 0;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(drvhook_kfunc_ids)
BTF_ID_FLAGS(func, drvhook_fb_verdict)
#define DRVHOOK_RO(...)
#define DRVHOOK_RW(h, f, ...)	BTF_ID_FLAGS(func, drvhook_set_##h##_##f)
#include "hook_fields.h"
BTF_ID_FLAGS(func, drvhook_data_len)
BTF_ID_FLAGS(func, drvhook_data_load)
BTF_ID_FLAGS(func, drvhook_data_store)
BTF_KFUNCS_END(drvhook_kfunc_ids)

static const struct btf_kfunc_id_set drvhook_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &drvhook_kfunc_ids,
};

static atomic_t next_cookie;

static u32 fb_cookie(void)
{
	u32 c;

	do {
		c = atomic_inc_return(&next_cookie);
	} while (!c);
	return c;
}

/*
 * The cookies FB_COOKIE reserved, each for one entry name of one device;
 * the oldest reservation gives way to a new one. Under drvhook_lock.
 */
#define FB_RESERVED	64
static struct {
	u32 cookie;
	u32 dev_id;
	char name[DRVHOOK_NAME_LEN];
} reserved[FB_RESERVED];
static unsigned int reserved_next;

u32 drvhook_fb_reserve(u32 dev_id, const char *name)
{
	u32 c = fb_cookie();
	unsigned int i;

	mutex_lock(&drvhook_lock);
	i = reserved_next++ % FB_RESERVED;
	reserved[i].cookie = c;
	reserved[i].dev_id = dev_id;
	strscpy(reserved[i].name, name, DRVHOOK_NAME_LEN);
	mutex_unlock(&drvhook_lock);
	return c;
}

/*
 * May entry @name of device @dev_id (@self, if it exists) take @cookie?
 * Only if FB_COOKIE reserved it for them (-EINVAL: a cookie no one
 * handed out for this entry), and no other entry runs with it (-EBUSY:
 * its programs would act for both).
 */
static int fb_cookie_check(u32 dev_id, const char *name, u32 cookie,
			   const struct drvhook_entry *self)
{
	struct drvhook_entry *e;
	int i;

	lockdep_assert_held(&drvhook_lock);
	for (i = 0; i < DRVHOOK_MAX_DEVS; i++)
		list_for_each_entry(e, &drvhook_chain_get(i)->list, node)
			if (!e->ops && e->cookie == cookie)
				return e == self ? 0 : -EBUSY;
	for (i = 0; i < FB_RESERVED; i++)
		if (reserved[i].cookie == cookie && reserved[i].dev_id == dev_id &&
		    !strncmp(reserved[i].name, name, DRVHOOK_NAME_LEN))
			return 0;
	return -EINVAL;
}

static bool fb_hooks_valid(u32 hooks)
{
	return hooks && !(hooks & ~GENMASK(DRVHOOK_NR_HOOKS - 1, 0));
}

static void fb_links_put(struct bpf_link **links)
{
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		if (links[h])
			bpf_link_put(links[h]);
		links[h] = NULL;
	}
}

/*
 * Takes a reference to each fentry link @req names: none, or one on
 * drvhook_fb_<hook>() for each hook of req->hooks.
 */
static int fb_links_get(const struct drvhook_fb_attach *req,
			struct bpf_link **links)
{
	const struct bpf_prog *p;
	const char *fn;
	int h, err;

	if (!req->links)
		return 0;
	if (req->links != req->hooks)
		return -EINVAL;
	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		if (!(req->links & BIT(h)))
			continue;
		links[h] = bpf_link_get_from_fd(req->link_fd[h]);
		if (IS_ERR(links[h])) {
			err = PTR_ERR(links[h]);
			links[h] = NULL;
			goto err;
		}
		p = links[h]->prog;
		fn = p->aux->attach_func_name;
		err = -EINVAL;
		if (links[h]->type != BPF_LINK_TYPE_TRACING ||
		    p->expected_attach_type != BPF_TRACE_FENTRY || !fn ||
		    strncmp(fn, "drvhook_fb_", 11) ||
		    strcmp(fn + 11, drvhook_hooks[h].name))
			goto err;
	}
	return 0;
err:
	fb_links_put(links);
	return err;
}

static void fb_reap_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(fb_reaper, fb_reap_work);

/* Only the entry holds one of its links: the pins and the loader are gone. */
static bool fb_orphan(const struct drvhook_entry *e)
{
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		if (e->link[h] && atomic64_read(&e->link[h]->refcnt) == 1)
			return true;
	return false;
}

static bool fb_owning(const struct drvhook_entry *e)
{
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		if (e->link[h])
			return true;
	return false;
}

/*
 * Removes the entries whose programs nothing but the entry holds. Runs
 * before each listing of a chain, at each device's arrival, and each
 * second while entries own links.
 */
void drvhook_fb_reap(void)
{
	struct drvhook_entry *e, *tmp;
	bool owning = false;
	int i;

	mutex_lock(&drvhook_lock);
	for (i = 0; i < DRVHOOK_MAX_DEVS; i++) {
		list_for_each_entry_safe(e, tmp, &drvhook_chain_get(i)->list,
					 node) {
			if (fb_orphan(e))
				drvhook_chain_remove(e);
			else
				owning |= fb_owning(e);
		}
	}
	mutex_unlock(&drvhook_lock);
	if (owning)
		schedule_delayed_work(&fb_reaper, HZ);
}

static void fb_reap_work(struct work_struct *work)
{
	drvhook_fb_reap();
}

void drvhook_fb_exit(void)
{
	cancel_delayed_work_sync(&fb_reaper);
}

int drvhook_fb_attach(u32 dev_id, struct drvhook_fb_attach *req)
{
	struct drvhook_entry *e;
	int err;

	if (!fb_hooks_valid(req->hooks))
		return -EINVAL;
	e = drvhook_entry_alloc(req->name, req->hooks);
	if (IS_ERR(e))
		return PTR_ERR(e);
	err = fb_links_get(req, e->link);
	if (err)
		goto out;

	mutex_lock(&drvhook_lock);
	if (req->cookie)
		err = fb_cookie_check(dev_id, req->name, req->cookie, NULL);
	e->cookie = req->cookie ?: fb_cookie();
	err = err ?: drvhook_chain_insert(dev_id, e, req->flags, req->anchor);
	mutex_unlock(&drvhook_lock);
	if (err)
		goto out;
	req->cookie = e->cookie;
	if (req->links)
		schedule_delayed_work(&fb_reaper, HZ);
	return 0;
out:
	drvhook_entry_free(e);
	return err;
}

int drvhook_fb_detach(u32 dev_id, const char *name)
{
	struct drvhook_entry *e;
	int err = 0;

	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(dev_id, name);
	if (!e)
		err = -ENOENT;
	else if (e->ops)
		err = -EBUSY;	/* struct_ops: detach its link instead */
	else
		drvhook_chain_remove(e);
	mutex_unlock(&drvhook_lock);
	return err;
}

/*
 * Switches entry 'name' to the programs filtering on req->cookie, and to
 * their links. Each dispatch reads the entry's cookie once, so it runs
 * the old or the new programs, never neither.
 */
int drvhook_fb_replace(u32 dev_id, const struct drvhook_fb_attach *req)
{
	struct bpf_link *links[DRVHOOK_NR_HOOKS] = {};
	struct drvhook_entry *e;
	int err, h;

	if (!fb_hooks_valid(req->hooks) || !req->cookie)
		return -EINVAL;
	err = fb_links_get(req, links);
	if (err)
		return err;
	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(dev_id, req->name);
	if (!e)
		err = -ENOENT;
	else if (e->ops)
		err = -EBUSY;
	else
		err = fb_cookie_check(dev_id, req->name, req->cookie, e);
	if (!err) {
		/*
		 * Count the hooks only the new programs have before the
		 * switch, uncount those only the old had after it: nr[]
		 * never drops to 0 for a hook both have, so no dispatch
		 * skips the chain (drvhook_has()) in between.
		 */
		struct drvhook_entry grow = { .dev_id = e->dev_id,
					      .hooks = req->hooks & ~e->hooks };
		struct drvhook_entry shrink = { .dev_id = e->dev_id,
						.hooks = e->hooks & ~req->hooks };

		drvhook_chain_count(&grow, 1);
		WRITE_ONCE(e->hooks, e->hooks | req->hooks);
		WRITE_ONCE(e->cookie, req->cookie);
		synchronize_rcu();
		WRITE_ONCE(e->hooks, req->hooks);
		drvhook_chain_count(&shrink, -1);
		/* the entry owns the new links; the old ones are put below */
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
			swap(e->link[h], links[h]);
	}
	mutex_unlock(&drvhook_lock);
	fb_links_put(links);
	if (!err && req->links)
		schedule_delayed_work(&fb_reaper, HZ);
	return err;
}

int drvhook_kfuncs_init(void)
{
	int err;

	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING,
					&drvhook_kfunc_set);
	if (err)
		return err;
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					 &drvhook_kfunc_set);
}
