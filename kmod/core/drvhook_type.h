/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device type from its hook list: what a device module includes to
 * expose its hooks. The module's header names the type and its list:
 *
 *	#define DRVHOOK_TYPE		edu
 *	#define DRVHOOK_HOOK_LIST	"edu_hooks.h"
 *	#include "../core/drvhook_type.h"
 *
 * and exactly one of its files defines DRVHOOK_TYPE_DEFINE before the
 * include. The list names each hook, its context struct (struct
 * <type>_<hook>_ctx: checked) and its verdict rule, then the context's
 * fields, DRVHOOK_RW for those policies may write, DRVHOOK_RO for the
 * others:
 *
 *	DRVHOOK_HOOK(probe, EDU_HOOK_PROBE, edu_probe_ctx,
 *		     DRVHOOK_VERDICT_ERRNO)
 *	DRVHOOK_RW(probe, quirks)
 *	DRVHOOK_RO(probe, fb_cookie)
 *
 * Every file gets enum <type>_hook (the ids), <type>_hook_has(hd, id) and
 * <type>_hook_run(hd, id, ctx, data, len). The defining file gets the
 * rest: struct drvhook_type <type>_type; the struct_ops type <type>_ops
 * with its cfi stubs <type>_ops__<hook> (>= 6.9); the fallback attach
 * points <type>_fb_<hook>(); the setter kfuncs <type>_set_<hook>_<field>()
 * for the DRVHOOK_RW fields and no other; the write whitelist; and
 * <type>_type_register() / <type>_type_unregister() for module init and
 * exit. A hook is one list line plus its call site.
 */
#ifndef _DRVHOOK_TYPE_H
#define _DRVHOOK_TYPE_H

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/stringify.h>
#include "compat.h"
#include "drvhook_core.h"

#define __DH_CAT2(a, b)		a##b
#define __DH_CAT(a, b)		__DH_CAT2(a, b)
#define __DH_T(suffix)		__DH_CAT(DRVHOOK_TYPE, suffix)
#define __DH_T2(mid, suffix)	__DH_CAT(__DH_T(mid), suffix)

/* The ids. */
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)	id,
#define DRVHOOK_RO(hook, field)
#define DRVHOOK_RW(hook, field)
enum __DH_T(_hook) {
#include DRVHOOK_HOOK_LIST
	__DH_T(_nr_hooks)
};
#undef DRVHOOK_HOOK

/*
 * Each hook's id by hook name, for the passes below; its context struct
 * is struct <type>_<hook>_ctx.
 */
#define __DH_CTX(hook)		struct __DH_CAT(__DH_T2(_, hook), _ctx)
#define __DH_OPS		const struct __DH_T(_ops)
enum {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)	__dh_id_##hook = id,
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
};

extern struct drvhook_type __DH_T(_type);
extern struct static_key_false_deferred __DH_T(_attached);

/* Hot path test: true when some policy of @hd has hook @h. */
static inline bool __DH_T(_hook_has)(const struct drvhook_dev *hd,
				    enum __DH_T(_hook) h)
{
	return static_branch_unlikely(&__DH_T(_attached).key) &&
	       READ_ONCE(hd->nr[h]);
}

static inline int __DH_T(_hook_run)(struct drvhook_dev *hd,
				   enum __DH_T(_hook) h, void *ctx,
				   void *data, u32 len)
{
	return drvhook_run(hd, h, ctx, data, len);
}

int __DH_T(_type_register)(void);
void __DH_T(_type_unregister)(void);

#undef DRVHOOK_RO
#undef DRVHOOK_RW
#endif /* _DRVHOOK_TYPE_H */

#if defined(DRVHOOK_TYPE_DEFINE) && !defined(_DRVHOOK_TYPE_DEFINED)
#define _DRVHOOK_TYPE_DEFINED

DEFINE_STATIC_KEY_DEFERRED_FALSE(__DH_T(_attached), DRVHOOK_KEY_DELAY);

/* The fallback attach points; the asm keeps calls to them. */
__bpf_kfunc_start_defs();
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)				\
__bpf_kfunc int __DH_T2(_fb_, hook)(struct ctx_t *ctx)			\
{									\
	BUILD_BUG_ON(!__builtin_types_compatible_p(struct ctx_t,	\
						   __DH_CTX(hook)));	\
	asm volatile("");						\
	return 0;							\
}
#define DRVHOOK_RO(hook, field)
#define DRVHOOK_RW(hook, field)
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
#undef DRVHOOK_RW

/*
 * The setters: a fallback policy's drvhook_write() calls the setter of
 * its hook and field, so writing a read-only field makes the policy need
 * a kfunc that does not exist: it is refused at load, by name.
 */
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)
#define DRVHOOK_RW(hook, field)						\
__bpf_kfunc int __DH_CAT(__DH_T2(_set_, hook), _##field)(u64 val)	\
{									\
	return drvhook_ctx_write(&__DH_T(_type), __dh_id_##hook,	\
				 offsetof(__DH_CTX(hook), field),	\
				 sizeof_field(__DH_CTX(hook), field), val); \
}
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_RW
__bpf_kfunc_end_defs();

#define __DH_BTF_ID_FLAGS(prefix, name)	BTF_ID_FLAGS(prefix, name)
#define DRVHOOK_RW(hook, field)						\
	__DH_BTF_ID_FLAGS(func, __DH_CAT(__DH_T2(_set_, hook), _##field))
BTF_KFUNCS_START(__DH_T(_kfunc_ids))
#include DRVHOOK_HOOK_LIST
BTF_KFUNCS_END(__DH_T(_kfunc_ids))
#undef DRVHOOK_HOOK
#undef DRVHOOK_RO
#undef DRVHOOK_RW

#if DRVHOOK_HAVE_KFUNC_FILTER
static int __DH_T(_kfunc_filter)(const struct bpf_prog *prog, u32 kfunc_id)
{
	return drvhook_kfunc_filter(&__DH_T(_type), prog);
}
#endif

static const struct btf_kfunc_id_set __DH_T(_kfunc_set) = {
	.owner = THIS_MODULE,
	.set = &__DH_T(_kfunc_ids),
#if DRVHOOK_HAVE_KFUNC_FILTER
	.filter = __DH_T(_kfunc_filter),
#endif
};

/* The typed dispatchers the core calls through. */
static void __DH_T(_fb_call)(u32 h, void *ctx)
{
	switch (h) {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)				\
	case id:							\
		__DH_T2(_fb_, hook)(ctx);				\
		break;
#define DRVHOOK_RO(hook, field)
#define DRVHOOK_RW(hook, field)
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
	}
}

static int __DH_T(_ops_call)(const void *ops, u32 h, void *ctx)
{
#if DRVHOOK_HAVE_STRUCT_OPS
	switch (h) {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)				\
	case id:							\
		return ((__DH_OPS *)ops)->hook(ctx);
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
	}
#endif
	return 0;
}

static const struct drvhook_hook_desc __DH_T(_hooks)[] = {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)				\
	[id] = {							\
		.name = #hook,						\
		.ctx_name = #ctx_t,					\
		.cookie_off = offsetof(struct ctx_t, fb_cookie),	\
		.ops_off = offsetof(struct __DH_T(_ops), hook),	\
		.verdict = rule,					\
	},
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
#undef DRVHOOK_RO
#undef DRVHOOK_RW
};

/* The write whitelist of both attach modes. */
static const struct drvhook_field __DH_T(_fields)[] = {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)
#define __DH_FIELD(hook, field, w)					\
	{ __dh_id_##hook, #field, offsetof(__DH_CTX(hook), field),	\
	  sizeof_field(__DH_CTX(hook), field), w },
#define DRVHOOK_RO(hook, field)	__DH_FIELD(hook, field, false)
#define DRVHOOK_RW(hook, field)	__DH_FIELD(hook, field, true)
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
#undef DRVHOOK_RO
#undef DRVHOOK_RW
	{}
};

static_assert(ARRAY_SIZE(__DH_T(_hooks)) == __DH_T(_nr_hooks));
static_assert(__DH_T(_nr_hooks) <= DRVHOOK_MAX_HOOKS);

struct drvhook_type __DH_T(_type) = {
	.name = __stringify(DRVHOOK_TYPE),
	.owner = THIS_MODULE,
	.nr_hooks = __DH_T(_nr_hooks),
	.hooks = __DH_T(_hooks),
	.fields = __DH_T(_fields),
	.attached = &__DH_T(_attached),
	.fb_call = __DH_T(_fb_call),
	.ops_call = __DH_T(_ops_call),
	.ops_dev_id = offsetof(struct __DH_T(_ops), dev_id),
	.ops_flags = offsetof(struct __DH_T(_ops), flags),
	.ops_anchor = offsetof(struct __DH_T(_ops), anchor),
	.ops_name = offsetof(struct __DH_T(_ops), name),
};

#if DRVHOOK_HAVE_STRUCT_OPS
/* The struct_ops type: each callback is the core's, for this type. */
static int __DH_T(_ops_init)(struct btf *btf)
{
	return drvhook_ops_init(&__DH_T(_type), btf);
}

static bool __DH_T(_ops_is_valid_access)(int off, int size,
					enum bpf_access_type type,
					const struct bpf_prog *prog,
					struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static int __DH_T(_ops_btf_struct_access)(struct bpf_verifier_log *log,
					 const struct bpf_reg_state *reg,
					 int off, int size)
{
	return drvhook_ops_struct_access(&__DH_T(_type), log, reg, off, size);
}

static const struct bpf_verifier_ops __DH_T(_verifier_ops) = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = __DH_T(_ops_is_valid_access),
	.btf_struct_access = __DH_T(_ops_btf_struct_access),
};

static int __DH_T(_ops_check_member)(const struct btf_type *t,
				    const struct btf_member *member,
				    const struct bpf_prog *prog)
{
	return drvhook_ops_check_member(&__DH_T(_type), t, member, prog);
}

static int __DH_T(_ops_init_member)(const struct btf_type *t,
				   const struct btf_member *member,
				   void *kdata, const void *udata)
{
	return drvhook_ops_init_member(&__DH_T(_type), t, member, kdata,
				       udata);
}

static int __DH_T(_ops_reg) DRVHOOK_OPS_ARGS(void *kdata)
{
	return drvhook_ops_reg(&__DH_T(_type), kdata);
}

static void __DH_T(_ops_unreg) DRVHOOK_OPS_ARGS(void *kdata)
{
	drvhook_ops_unreg(&__DH_T(_type), kdata);
}

static int __DH_T(_ops_update) DRVHOOK_OPS_ARGS(void *kdata, void *old_kdata)
{
	return drvhook_ops_update(&__DH_T(_type), kdata, old_kdata);
}

/* cfi stubs, named <type>_ops__<hook>: the kernel looks them up by name */
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)				\
static int __DH_T2(_ops__, hook)(struct ctx_t *ctx)			\
{									\
	return 0;							\
}
#define DRVHOOK_RO(hook, field)
#define DRVHOOK_RW(hook, field)
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK

static struct __DH_T(_ops) __DH_T(_cfi_stubs) = {
#define DRVHOOK_HOOK(hook, id, ctx_t, rule)	.hook = __DH_T2(_ops__, hook),
#include DRVHOOK_HOOK_LIST
#undef DRVHOOK_HOOK
#undef DRVHOOK_RO
#undef DRVHOOK_RW
};

static struct bpf_struct_ops __DH_T(_struct_ops) = {
	.verifier_ops = &__DH_T(_verifier_ops),
	.init = __DH_T(_ops_init),
	.check_member = __DH_T(_ops_check_member),
	.init_member = __DH_T(_ops_init_member),
	.reg = __DH_T(_ops_reg),
	.unreg = __DH_T(_ops_unreg),
	.update = __DH_T(_ops_update),
	.cfi_stubs = &__DH_T(_cfi_stubs),
	.owner = THIS_MODULE,
	.name = __stringify(__DH_T(_ops)),
};

#define __DH_REGISTER_OPS(st, type)	register_bpf_struct_ops(st, type)
#endif /* DRVHOOK_HAVE_STRUCT_OPS */

int __DH_T(_type_register)(void)
{
	int err;

	err = drvhook_type_register(&__DH_T(_type));
	if (err)
		return err;
	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING,
					&__DH_T(_kfunc_set)) ?:
	      register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&__DH_T(_kfunc_set));
#if DRVHOOK_HAVE_STRUCT_OPS
	err = err ?: __DH_REGISTER_OPS(&__DH_T(_struct_ops), __DH_T(_ops));
#endif
	if (err)
		drvhook_type_unregister(&__DH_T(_type));
	return err;
}

void __DH_T(_type_unregister)(void)
{
	drvhook_type_unregister(&__DH_T(_type));
	static_key_deferred_flush(&__DH_T(_attached));
}

#endif /* DRVHOOK_TYPE_DEFINE */
