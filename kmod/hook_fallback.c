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
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include "hook_internal.h"

/*
 * Writes @size bytes of @val at @off in the context of the hook running
 * on this CPU, if it is hook @h and its contract lets policies write
 * there; -EACCES otherwise.
 */
static int ctx_write(enum drvhook_hook h, u32 off, u32 size, u64 val)
{
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);
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
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);

	if (!cur)
		return -EINVAL;
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
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);

	return cur && cur->data ? cur->len : 0;
}

/* Loads the 64-bit little-endian word at @off of the DMA data. */
__bpf_kfunc u64 drvhook_data_load(u32 off)
{
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);
	__le64 v = 0;

	if (cur && cur->data && off < cur->len)
		memcpy(&v, cur->data + off, min_t(u32, 8, cur->len - off));
	return le64_to_cpu(v);
}

/* Stores a 64-bit little-endian word at @off of the DMA data. */
__bpf_kfunc int drvhook_data_store(u32 off, u64 val)
{
	struct drvhook_cur *cur = this_cpu_read(drvhook_cur);
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

u32 drvhook_fb_cookie(void)
{
	u32 c;

	do {
		c = atomic_inc_return(&next_cookie);
	} while (!c);
	return c;
}

static bool fb_hooks_valid(u32 hooks)
{
	return hooks && !(hooks & ~GENMASK(DRVHOOK_NR_HOOKS - 1, 0));
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

	e->cookie = drvhook_fb_cookie();
	mutex_lock(&drvhook_lock);
	err = drvhook_chain_insert(dev_id, e, req->flags, req->anchor);
	mutex_unlock(&drvhook_lock);
	if (err) {
		drvhook_entry_free(e);
		return err;
	}
	req->cookie = e->cookie;
	return 0;
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
 * Switches entry 'name' to the programs filtering on req->cookie. Each
 * dispatch reads the entry's cookie once, so it runs the old or the new
 * programs, never neither.
 */
int drvhook_fb_replace(u32 dev_id, const struct drvhook_fb_attach *req)
{
	struct drvhook_entry *e;
	int err = 0;

	if (!fb_hooks_valid(req->hooks) || !req->cookie)
		return -EINVAL;
	mutex_lock(&drvhook_lock);
	e = drvhook_chain_find(dev_id, req->name);
	if (!e) {
		err = -ENOENT;
	} else if (e->ops) {
		err = -EBUSY;
	} else {
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
	}
	mutex_unlock(&drvhook_lock);
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
