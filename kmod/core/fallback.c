// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry fallback, for kernels without module struct_ops (6.1), and
 * the kfuncs every type's policies use in both modes.
 *
 * A fallback policy registers a named chain entry through /dev/drvhook
 * (main.c) and gets a cookie; its fentry programs attach to the device
 * module's <type>_fb_<hook>() and act only when ctx->fb_cookie is theirs.
 * The core calls <type>_fb_<hook>() once per fallback entry, in chain
 * order. fentry programs can neither return a value nor write their
 * arguments: they hand their verdict to drvhook_fb_verdict() and write
 * context fields with the type's setter kfuncs. Every kfunc takes
 * scalars only and acts on the dispatch running on this CPU: fentry
 * arguments are untrusted pointers that kfuncs may not take on recent
 * kernels.
 *
 * Every fentry program on <type>_fb_<hook>() runs at each fallback
 * entry's dispatch, whether it tests the cookie or not: the kfuncs act
 * only for a program whose link's BPF cookie is the cookie of the entry
 * being dispatched. The loader sets a link's BPF cookie when it creates
 * the link; the program cannot change it (caller_cur()). Where the kernel
 * has kfunc filters (6.5+), only drvhook's own programs may call them.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include "internal.h"

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

/**
 * drvhook_ctx_write() - a setter kfunc's body
 * @t: the setter's type
 * @h: its hook
 * @off: the field's offset in the hook's context
 * @size: its size
 * @val: the value to store
 *
 * Writes the field in the context of the hook running on this CPU, if it
 * is hook @h of type @t, the caller is its entry and the hook's contract
 * lets policies write there.
 *
 * Return: 0, or -EACCES.
 */
int drvhook_ctx_write(struct drvhook_type *t, u32 h, u32 off, u32 size,
		      u64 val)
{
	struct drvhook_cur *cur = caller_cur();
	const struct drvhook_field *f;

	if (!cur || cur->type != t || cur->hook != h)
		return -EACCES;
	f = drvhook_field_at(t, h, off, size);
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
EXPORT_SYMBOL_GPL(drvhook_ctx_write);

/*
 * Is @prog one of type @t's policy programs: a struct_ops program of
 * <type>_ops (the only struct_ops type of the type's module BTF), or an
 * fentry program on <type>_fb_<hook>()? Asked by the verifier after it
 * resolved the program's attach target.
 */
static bool prog_of_type(const struct drvhook_type *t,
			 const struct bpf_prog *prog)
{
	const struct btf *btf = READ_ONCE(t->state->btf);
	const char *fn = prog->aux->attach_func_name;
	size_t n = strlen(t->name);

	if (prog->type == BPF_PROG_TYPE_STRUCT_OPS)
		return btf && prog->aux->attach_btf == btf;
	if (prog->type != BPF_PROG_TYPE_TRACING ||
	    prog->expected_attach_type != BPF_TRACE_FENTRY || !fn ||
	    (btf && prog->aux->attach_btf != btf))
		return false;
	return !strncmp(fn, t->name, n) && !strncmp(fn + n, "_fb_", 4);
}

/**
 * drvhook_kfunc_filter() - may @prog call type @t's kfuncs?
 * @t: a registered type
 * @prog: the program being verified
 *
 * Return: 0 if it is one of @t's policy programs, -EACCES otherwise.
 */
int drvhook_kfunc_filter(const struct drvhook_type *t,
			 const struct bpf_prog *prog)
{
	return prog_of_type(t, prog) ? 0 : -EACCES;
}
EXPORT_SYMBOL_GPL(drvhook_kfunc_filter);

__bpf_kfunc_start_defs();

/**
 * drvhook_fb_verdict() - set the verdict of the fallback entry running
 * @verdict: the hook's verdict
 *
 * Return: 0, or -EACCES if the caller is not the entry being dispatched.
 */
__bpf_kfunc int drvhook_fb_verdict(int verdict)
{
	struct drvhook_cur *cur = caller_cur();

	if (!cur)
		return -EACCES;
	cur->fb_verdict = verdict;
	return 0;
}

/**
 * drvhook_data_len() - bytes of data the running hook may access
 *
 * Return: the length, 0 for a hook without data or another caller.
 */
__bpf_kfunc u32 drvhook_data_len(void)
{
	struct drvhook_cur *cur = caller_cur();

	return cur && cur->data ? cur->len : 0;
}

/**
 * drvhook_data_load() - load a 64-bit little-endian word of the data
 * @off: its offset; a word past the end reads as zeroes there
 *
 * Return: the word, 0 outside the data or for another caller.
 */
__bpf_kfunc u64 drvhook_data_load(u32 off)
{
	struct drvhook_cur *cur = caller_cur();
	__le64 v = 0;

	if (cur && cur->data && off < cur->len)
		memcpy(&v, cur->data + off, min_t(u32, 8, cur->len - off));
	return le64_to_cpu(v);
}

/**
 * drvhook_data_store() - store a 64-bit little-endian word in the data
 * @off: its offset; bytes past the end are not written
 * @val: the word
 *
 * Return: 0, -ERANGE outside the data, -EACCES for another caller.
 */
__bpf_kfunc int drvhook_data_store(u32 off, u64 val)
{
	struct drvhook_cur *cur = caller_cur();
	__le64 v = cpu_to_le64(val);

	if (!cur || !cur->data)
		return -EACCES;
	if (off >= cur->len)
		return -ERANGE;
	memcpy(cur->data + off, &v, min_t(u32, 8, cur->len - off));
	return 0;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(drvhook_kfunc_ids)
BTF_ID_FLAGS(func, drvhook_fb_verdict)
BTF_ID_FLAGS(func, drvhook_data_len)
BTF_ID_FLAGS(func, drvhook_data_load)
BTF_ID_FLAGS(func, drvhook_data_store)
BTF_KFUNCS_END(drvhook_kfunc_ids)

#if DRVHOOK_HAVE_KFUNC_FILTER
/* The core's kfuncs: for the programs of every registered type. */
static int core_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	struct drvhook_type_state *s;
	int err = -EACCES;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &drvhook_types, node)
		if (prog_of_type(s->type, prog))
			err = 0;
	rcu_read_unlock();
	return err;
}
#endif

static const struct btf_kfunc_id_set drvhook_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &drvhook_kfunc_ids,
#if DRVHOOK_HAVE_KFUNC_FILTER
	.filter = core_kfunc_filter,
#endif
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
 * The cookies FB_COOKIE reserved, each for one entry name of one chain;
 * the oldest reservation gives way to a new one. Under drvhook_lock.
 */
#define FB_RESERVED	64
static struct {
	u32 cookie;
	const struct drvhook_chain *chain;
	char name[DRVHOOK_NAME_LEN];
} reserved[FB_RESERVED];
static unsigned int reserved_next;

u32 drvhook_fb_reserve(struct drvhook_chain *c, const char *name)
{
	u32 cookie = fb_cookie();
	unsigned int i;

	mutex_lock(&drvhook_lock);
	i = reserved_next++ % FB_RESERVED;
	reserved[i].cookie = cookie;
	reserved[i].chain = c;
	strscpy(reserved[i].name, name, DRVHOOK_NAME_LEN);
	mutex_unlock(&drvhook_lock);
	return cookie;
}

/*
 * May entry @name of chain @c (@self, if it exists) take @cookie? Only if
 * FB_COOKIE reserved it for them (-EINVAL: a cookie no one handed out
 * for this entry), and no other entry runs with it (-EBUSY: its programs
 * would act for both).
 */
static int fb_cookie_check(const struct drvhook_chain *c, const char *name,
			   u32 cookie, const struct drvhook_entry *self)
{
	struct drvhook_type_state *s;
	struct drvhook_chain *oc;
	struct drvhook_entry *e;
	int i;

	lockdep_assert_held(&drvhook_lock);
	list_for_each_entry(s, &drvhook_types, node)
		for_each_drvhook_chain(s->type, oc)
			list_for_each_entry(e, &oc->list, node)
				if (!e->ops && e->cookie == cookie)
					return e == self ? 0 : -EBUSY;
	for (i = 0; i < FB_RESERVED; i++)
		if (reserved[i].cookie == cookie && reserved[i].chain == c &&
		    !strncmp(reserved[i].name, name, DRVHOOK_NAME_LEN))
			return 0;
	return -EINVAL;
}

static bool fb_hooks_valid(const struct drvhook_chain *c, u32 hooks)
{
	return hooks && !(hooks & ~GENMASK(c->type->nr_hooks - 1, 0));
}

static void fb_links_put(struct bpf_link **links)
{
	int h;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++) {
		if (links[h])
			bpf_link_put(links[h]);
		links[h] = NULL;
	}
}

/* Is @p an fentry program on <type>_fb_<hook>() of hook @h? */
static bool fb_prog_on(const struct drvhook_type *t, u32 h,
		       const struct bpf_prog *p)
{
	const char *fn = p->aux->attach_func_name;
	size_t n = strlen(t->name);

	return p->expected_attach_type == BPF_TRACE_FENTRY && fn &&
	       !strncmp(fn, t->name, n) && !strncmp(fn + n, "_fb_", 4) &&
	       !strcmp(fn + n + 4, t->hooks[h].name);
}

/*
 * Takes a reference to each fentry link @req names: one on
 * <type>_fb_<hook>() for each hook of req->hooks, no more, no less: an
 * entry owns its programs' links, so it never outlives them.
 */
static int fb_links_get(const struct drvhook_chain *c,
			const struct drvhook_fb_attach *req,
			struct bpf_link **links)
{
	int h, err;

	if (req->links != req->hooks)
		return -EINVAL;
	for (h = 0; h < c->type->nr_hooks; h++) {
		if (!(req->links & BIT(h)))
			continue;
		links[h] = bpf_link_get_from_fd(req->link_fd[h]);
		if (IS_ERR(links[h])) {
			err = PTR_ERR(links[h]);
			links[h] = NULL;
			goto err;
		}
		err = -EINVAL;
		if (links[h]->type != BPF_LINK_TYPE_TRACING ||
		    !fb_prog_on(c->type, h, links[h]->prog))
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

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
		if (e->link[h] && atomic64_read(&e->link[h]->refcnt) == 1)
			return true;
	return false;
}

static bool fb_owning(const struct drvhook_entry *e)
{
	int h;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
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
	struct drvhook_type_state *s;
	struct drvhook_entry *e, *tmp;
	struct drvhook_chain *c;
	bool owning = false;

	mutex_lock(&drvhook_lock);
	list_for_each_entry(s, &drvhook_types, node) {
		for_each_drvhook_chain(s->type, c) {
			list_for_each_entry_safe(e, tmp, &c->list, node) {
				if (fb_orphan(e))
					drvhook_chain_remove(e);
				else
					owning |= fb_owning(e);
			}
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

int drvhook_fb_attach(struct drvhook_chain *c, struct drvhook_fb_attach *req)
{
	struct drvhook_entry *e;
	int err = 0;

	if (!fb_hooks_valid(c, req->hooks))
		return -EINVAL;
	/* the cookie's errors first: they say more than the links' */
	mutex_lock(&drvhook_lock);
	err = fb_cookie_check(c, req->name, req->cookie, NULL);
	mutex_unlock(&drvhook_lock);
	if (err)
		return err;
	e = drvhook_entry_alloc(req->name, req->hooks);
	if (IS_ERR(e))
		return PTR_ERR(e);
	err = fb_links_get(c, req, e->link);
	if (err)
		goto out;

	mutex_lock(&drvhook_lock);
	err = fb_cookie_check(c, req->name, req->cookie, NULL);
	e->cookie = req->cookie;
	err = err ?: drvhook_chain_insert(c, e, req->flags, req->anchor);
	mutex_unlock(&drvhook_lock);
	if (err)
		goto out;
	schedule_delayed_work(&fb_reaper, HZ);
	return 0;
out:
	drvhook_entry_free(e);
	return err;
}

int drvhook_fb_detach(struct drvhook_chain *c, const char *name)
{
	struct drvhook_entry *e;
	int err = 0;

	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(c, name);
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
int drvhook_fb_replace(struct drvhook_chain *c,
		       const struct drvhook_fb_attach *req)
{
	struct bpf_link *links[DRVHOOK_MAX_HOOKS] = {};
	struct drvhook_entry *e;
	int err, h;

	if (!fb_hooks_valid(c, req->hooks) || !req->cookie)
		return -EINVAL;
	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(c, req->name);
	err = e ? fb_cookie_check(c, req->name, req->cookie, e) : -ENOENT;
	mutex_unlock(&drvhook_lock);
	if (err)
		return err;	/* the cookie's errors first, as in attach */
	err = fb_links_get(c, req, links);
	if (err)
		return err;
	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(c, req->name);
	if (!e)
		err = -ENOENT;
	else if (e->ops)
		err = -EBUSY;
	else
		err = fb_cookie_check(c, req->name, req->cookie, e);
	if (!err) {
		/*
		 * Count the hooks only the new programs have before the
		 * switch, uncount those only the old had after it: nr[]
		 * never drops to 0 for a hook both have, so no dispatch
		 * skips the chain (drvhook_has()) in between.
		 */
		u32 grow = req->hooks & ~e->hooks;
		u32 shrink = e->hooks & ~req->hooks;

		drvhook_chain_count(c, grow, 1);
		WRITE_ONCE(e->hooks, e->hooks | req->hooks);
		WRITE_ONCE(e->cookie, req->cookie);
		synchronize_rcu();
		WRITE_ONCE(e->hooks, req->hooks);
		drvhook_chain_count(c, shrink, -1);
		/* the entry owns the new links; the old ones are put below */
		for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
			swap(e->link[h], links[h]);
	}
	mutex_unlock(&drvhook_lock);
	fb_links_put(links);
	if (!err)
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
