// SPDX-License-Identifier: GPL-2.0
/*
 * The drvhook_ops struct_ops type (kernels >= 6.9): one map binds one
 * policy to one device's chain. Policies may write only the fields their
 * hook's contract lists (hook_core.c); the verifier refuses any other
 * write and names the field.
 */
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include "hook_internal.h"

#if DRVHOOK_HAVE_STRUCT_OPS

static struct btf *drvhook_btf;

/*
 * BTF ids of the hooks' context structs in the module's BTF as loaded.
 * Not BTF_ID_LIST: the kernel relocates an out-of-tree module's BTF
 * (distilled base, 6.11+), so build-time ids would be stale. check_member
 * reads them off each hook's prototype before the program is verified.
 */
static u32 drvhook_ctx_ids[DRVHOOK_NR_HOOKS];

static int hook_of_member(const struct btf_type *t,
			  const struct btf_member *member)
{
	switch (__btf_member_bit_offset(t, member) / 8) {
	case offsetof(struct drvhook_ops, probe):
		return DRVHOOK_PROBE;
	case offsetof(struct drvhook_ops, request):
		return DRVHOOK_REQUEST;
	case offsetof(struct drvhook_ops, irq):
		return DRVHOOK_IRQ;
	case offsetof(struct drvhook_ops, complete):
		return DRVHOOK_COMPLETE;
	default:
		return -EINVAL;
	}
}

/* member: pointer to int (*)(struct drvhook_<hook> *ctx) */
static u32 ctx_type_id(const struct btf_member *member)
{
	const struct btf_type *ptr, *proto, *arg;

	ptr = btf_type_by_id(drvhook_btf, member->type);
	proto = ptr ? btf_type_by_id(drvhook_btf, ptr->type) : NULL;
	if (!proto || !btf_type_is_func_proto(proto) || btf_type_vlen(proto) < 1)
		return 0;
	arg = btf_type_by_id(drvhook_btf, btf_params(proto)[0].type);
	return arg && btf_type_is_ptr(arg) ? arg->type : 0;
}

static int ops_init(struct btf *btf)
{
	drvhook_btf = btf;
	return 0;
}

static bool ops_is_valid_access(int off, int size, enum bpf_access_type type,
				const struct bpf_prog *prog,
				struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static int ops_btf_struct_access(struct bpf_verifier_log *log,
				 const struct bpf_reg_state *reg,
				 int off, int size)
{
	const struct drvhook_field *f, *w;
	int h;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
		if (reg->btf == drvhook_btf &&
		    reg->btf_id == READ_ONCE(drvhook_ctx_ids[h]))
			break;
	if (h == DRVHOOK_NR_HOOKS) {
		bpf_log(log, "drvhook: a policy may write only its hook's context\n");
		return -EACCES;
	}
	f = drvhook_field_at(h, off, size);
	if (f && f->writable && f->off == off && f->size == size)
		return NOT_INIT;

	for (w = drvhook_fields; w->name; w++)
		if (w->hook == h && w->writable)
			break;
	bpf_log(log,
		"drvhook: write to %s.%s (off %d size %d) is outside the %s hook's contract; writable: %s\n",
		drvhook_hooks[h].ctx_name, f ? f->name : "?", off, size,
		drvhook_hooks[h].name, w->name ?: "nothing");
	return -EACCES;
}

static const struct bpf_verifier_ops drvhook_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = ops_is_valid_access,
	.btf_struct_access = ops_btf_struct_access,
};

/* Every hook runs with preemption disabled, some in hard IRQ. */
static int ops_check_member(const struct btf_type *t,
			    const struct btf_member *member,
			    const struct bpf_prog *prog)
{
	int h = hook_of_member(t, member);

	if (h < 0 || drvhook_prog_sleepable(prog))
		return -EINVAL;
	WRITE_ONCE(drvhook_ctx_ids[h], ctx_type_id(member));
	return 0;
}

static int ops_init_member(const struct btf_type *t,
			   const struct btf_member *member,
			   void *kdata, const void *udata)
{
	const struct drvhook_ops *uops = udata;
	struct drvhook_ops *kops = kdata;

	switch (__btf_member_bit_offset(t, member) / 8) {
	case offsetof(struct drvhook_ops, dev_id):
		if (uops->dev_id >= DRVHOOK_MAX_DEVS)
			return -EINVAL;
		kops->dev_id = uops->dev_id;
		return 1;
	case offsetof(struct drvhook_ops, flags):
		kops->flags = uops->flags;
		return 1;
	case offsetof(struct drvhook_ops, anchor):
		if (strnlen(uops->anchor, DRVHOOK_NAME_LEN) == DRVHOOK_NAME_LEN)
			return -EINVAL;
		strscpy(kops->anchor, uops->anchor, DRVHOOK_NAME_LEN);
		return 1;
	case offsetof(struct drvhook_ops, name):
		if (strnlen(uops->name, DRVHOOK_NAME_LEN) == DRVHOOK_NAME_LEN)
			return -EINVAL;
		strscpy(kops->name, uops->name, DRVHOOK_NAME_LEN);
		return 1;
	}
	return 0;
}

static struct drvhook_entry *ops_entry_alloc(struct drvhook_ops *ops)
{
	struct drvhook_entry *e;
	u32 hooks = 0;

	if (ops->probe)
		hooks |= BIT(DRVHOOK_PROBE);
	if (ops->request)
		hooks |= BIT(DRVHOOK_REQUEST);
	if (ops->irq)
		hooks |= BIT(DRVHOOK_IRQ);
	if (ops->complete)
		hooks |= BIT(DRVHOOK_COMPLETE);
	e = drvhook_entry_alloc(ops->name, hooks);
	if (!IS_ERR(e))
		e->ops = ops;
	return e;
}

static struct drvhook_entry *ops_entry_find(struct drvhook_ops *ops)
{
	struct drvhook_chain *c = drvhook_chain_get(ops->dev_id);
	struct drvhook_entry *e;

	list_for_each_entry(e, &c->list, node)
		if (e->ops == ops)
			return e;
	return NULL;
}

static int ops_reg DRVHOOK_OPS_ARGS(void *kdata)
{
	struct drvhook_ops *ops = kdata;
	struct drvhook_entry *e;
	int err;

	e = ops_entry_alloc(ops);
	if (IS_ERR(e))
		return PTR_ERR(e);
	mutex_lock(&drvhook_lock);
	err = drvhook_chain_insert(ops->dev_id, e, ops->flags, ops->anchor);
	mutex_unlock(&drvhook_lock);
	if (err)
		drvhook_entry_free(e);
	return err;
}

static void ops_unreg DRVHOOK_OPS_ARGS(void *kdata)
{
	struct drvhook_entry *e;

	mutex_lock(&drvhook_lock);
	e = ops_entry_find(kdata);
	if (e)
		drvhook_chain_remove(e);
	mutex_unlock(&drvhook_lock);
}

/* Link update: the new policy takes the old one's place atomically. */
static int ops_update DRVHOOK_OPS_ARGS(void *kdata, void *old_kdata)
{
	struct drvhook_ops *ops = kdata, *old_ops = old_kdata;
	struct drvhook_entry *e, *old;
	int err = 0;

	if (ops->dev_id != old_ops->dev_id)
		return -EINVAL;
	e = ops_entry_alloc(ops);
	if (IS_ERR(e))
		return PTR_ERR(e);
	mutex_lock(&drvhook_lock);
	old = ops_entry_find(old_ops);
	if (!old)
		err = -ENOENT;
	else if (strncmp(e->name, old->name, DRVHOOK_NAME_LEN) &&
		 drvhook_chain_find(ops->dev_id, e->name))
		err = -EEXIST;
	else
		drvhook_chain_replace(old, e);
	mutex_unlock(&drvhook_lock);
	if (err)
		drvhook_entry_free(e);
	return err;
}

static int cfi_probe(struct drvhook_probe *ctx)
{
	return 0;
}

static int cfi_request(struct drvhook_request *ctx)
{
	return 0;
}

static int cfi_irq(struct drvhook_irq *ctx)
{
	return 0;
}

static int cfi_complete(struct drvhook_complete *ctx)
{
	return 0;
}

static struct drvhook_ops drvhook_cfi_stubs = {
	.probe = cfi_probe,
	.request = cfi_request,
	.irq = cfi_irq,
	.complete = cfi_complete,
};

static struct bpf_struct_ops drvhook_struct_ops = {
	.verifier_ops = &drvhook_verifier_ops,
	.init = ops_init,
	.check_member = ops_check_member,
	.init_member = ops_init_member,
	.reg = ops_reg,
	.unreg = ops_unreg,
	.update = ops_update,
	.cfi_stubs = &drvhook_cfi_stubs,
	.owner = THIS_MODULE,
	.name = "drvhook_ops",
};

int drvhook_structops_init(void)
{
	return register_bpf_struct_ops(&drvhook_struct_ops, drvhook_ops);
}

#endif /* DRVHOOK_HAVE_STRUCT_OPS */
