// SPDX-License-Identifier: GPL-2.0
/*
 * What every device type's struct_ops type <type>_ops does (kernels >=
 * 6.9): one map binds one policy to one device's chain. drvhook_type.h
 * makes each type's bpf_struct_ops, whose callbacks call these. Policies
 * may write only the fields their hook's contract lists; the verifier
 * refuses any other write and names the field.
 */
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/module.h>
#include "internal.h"

#if DRVHOOK_HAVE_STRUCT_OPS

static int hook_of_member(const struct drvhook_type *t,
			  const struct btf_type *st,
			  const struct btf_member *member)
{
	u32 off = __btf_member_bit_offset(st, member) / 8, h;

	for (h = 0; h < t->nr_hooks; h++)
		if (t->hooks[h].ops_off == off)
			return h;
	return -EINVAL;
}

/* member: pointer to int (*)(struct <type>_<hook>_ctx *ctx) */
static u32 ctx_type_id(const struct btf *btf, const struct btf_member *member)
{
	const struct btf_type *ptr, *proto, *arg;

	ptr = btf_type_by_id(btf, member->type);
	proto = ptr ? btf_type_by_id(btf, ptr->type) : NULL;
	if (!proto || !btf_type_is_func_proto(proto) || btf_type_vlen(proto) < 1)
		return 0;
	arg = btf_type_by_id(btf, btf_params(proto)[0].type);
	return arg && btf_type_is_ptr(arg) ? arg->type : 0;
}

int drvhook_ops_init(struct drvhook_type *t, struct btf *btf)
{
	t->state->btf = btf;
	return 0;
}
EXPORT_SYMBOL_GPL(drvhook_ops_init);

int drvhook_ops_struct_access(struct drvhook_type *t,
			      struct bpf_verifier_log *log,
			      const struct bpf_reg_state *reg, int off,
			      int size)
{
	struct drvhook_type_state *s = t->state;
	const struct drvhook_field *f, *w;
	u32 h;

	for (h = 0; h < t->nr_hooks; h++)
		if (reg->btf == s->btf &&
		    reg->btf_id == READ_ONCE(s->ctx_ids[h]))
			break;
	if (h == t->nr_hooks) {
		bpf_log(log, "drvhook: a policy may write only its hook's context\n");
		return -EACCES;
	}
	f = drvhook_field_at(t, h, off, size);
	if (f && f->writable && f->off == off && f->size == size)
		return NOT_INIT;

	for (w = t->fields; w->name; w++)
		if (w->hook == h && w->writable)
			break;
	bpf_log(log,
		"drvhook: write to %s.%s (off %d size %d) is outside the %s hook's contract; writable: %s\n",
		t->hooks[h].ctx_name, f ? f->name : "?", off, size,
		t->hooks[h].name, w->name ?: "nothing");
	return -EACCES;
}
EXPORT_SYMBOL_GPL(drvhook_ops_struct_access);

/* Every hook runs with preemption disabled, some in hard IRQ. */
int drvhook_ops_check_member(struct drvhook_type *t,
			     const struct btf_type *st,
			     const struct btf_member *member,
			     const struct bpf_prog *prog)
{
	int h = hook_of_member(t, st, member);

	if (h < 0 || drvhook_prog_sleepable(prog))
		return -EINVAL;
	WRITE_ONCE(t->state->ctx_ids[h], ctx_type_id(t->state->btf, member));
	return 0;
}
EXPORT_SYMBOL_GPL(drvhook_ops_check_member);

static int copy_name(char *dst, const char *src)
{
	if (strnlen(src, DRVHOOK_NAME_LEN) == DRVHOOK_NAME_LEN)
		return -EINVAL;
	strscpy(dst, src, DRVHOOK_NAME_LEN);
	return 1;
}

int drvhook_ops_init_member(struct drvhook_type *t, const struct btf_type *st,
			    const struct btf_member *member, void *kdata,
			    const void *udata)
{
	u32 off = __btf_member_bit_offset(st, member) / 8;

	if (off == t->ops_dev_id) {
		if (*(u32 *)(udata + off) >= DRVHOOK_MAX_DEVS)
			return -EINVAL;
		*(u32 *)(kdata + off) = *(u32 *)(udata + off);
		return 1;
	}
	if (off == t->ops_flags) {
		*(u32 *)(kdata + off) = *(u32 *)(udata + off);
		return 1;
	}
	if (off == t->ops_anchor || off == t->ops_name)
		return copy_name(kdata + off, udata + off);
	return 0;
}
EXPORT_SYMBOL_GPL(drvhook_ops_init_member);

static struct drvhook_chain *ops_chain(struct drvhook_type *t,
				       const void *ops)
{
	return drvhook_chain_get(t, *(u32 *)(ops + t->ops_dev_id));
}

static struct drvhook_entry *ops_entry_alloc(struct drvhook_type *t,
					     const void *ops)
{
	struct drvhook_entry *e;
	u32 hooks = 0, h;

	for (h = 0; h < t->nr_hooks; h++)
		if (*(void **)(ops + t->hooks[h].ops_off))
			hooks |= BIT(h);
	e = drvhook_entry_alloc(ops + t->ops_name, hooks);
	if (!IS_ERR(e))
		e->ops = ops;
	return e;
}

static struct drvhook_entry *ops_entry_find(struct drvhook_type *t,
					    const void *ops)
{
	struct drvhook_entry *e;

	list_for_each_entry(e, &ops_chain(t, ops)->list, node)
		if (e->ops == ops)
			return e;
	return NULL;
}

int drvhook_ops_reg(struct drvhook_type *t, void *kdata)
{
	struct drvhook_entry *e;
	int err;

	e = ops_entry_alloc(t, kdata);
	if (IS_ERR(e))
		return PTR_ERR(e);
	mutex_lock(&drvhook_lock);
	err = drvhook_chain_insert(ops_chain(t, kdata), e,
				   *(u32 *)(kdata + t->ops_flags),
				   kdata + t->ops_anchor);
	mutex_unlock(&drvhook_lock);
	if (err)
		drvhook_entry_free(e);
	return err;
}
EXPORT_SYMBOL_GPL(drvhook_ops_reg);

void drvhook_ops_unreg(struct drvhook_type *t, void *kdata)
{
	struct drvhook_entry *e;

	mutex_lock(&drvhook_lock);
	e = ops_entry_find(t, kdata);
	if (e)
		drvhook_chain_remove(e);
	mutex_unlock(&drvhook_lock);
}
EXPORT_SYMBOL_GPL(drvhook_ops_unreg);

/* Link update: the new policy takes the old one's place atomically. */
int drvhook_ops_update(struct drvhook_type *t, void *kdata, void *old_kdata)
{
	struct drvhook_chain *c = ops_chain(t, kdata);
	struct drvhook_entry *e, *old;
	int err = 0;

	if (c != ops_chain(t, old_kdata))
		return -EINVAL;
	e = ops_entry_alloc(t, kdata);
	if (IS_ERR(e))
		return PTR_ERR(e);
	mutex_lock(&drvhook_lock);
	old = ops_entry_find(t, old_kdata);
	if (!old)
		err = -ENOENT;
	else if (strncmp(e->name, old->name, DRVHOOK_NAME_LEN) &&
		 drvhook_chain_find(c, e->name))
		err = -EEXIST;
	else
		drvhook_chain_replace(old, e);
	mutex_unlock(&drvhook_lock);
	if (err)
		drvhook_entry_free(e);
	return err;
}
EXPORT_SYMBOL_GPL(drvhook_ops_update);

#endif /* DRVHOOK_HAVE_STRUCT_OPS */
