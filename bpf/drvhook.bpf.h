/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * drvhook policies: one source, one object, both attach modes, for any
 * device type. A device type T has its own header (bpf/T/T.bpf.h), which
 * includes this one and gives its hook macros and its __drvhook_set().
 * With a type whose header defines
 *
 *	#define T_REQUEST(name, ctx) \
 *		DRVHOOK_DEFINE_HOOK(T, request, struct T_request_ctx, name, ctx)
 *
 * a policy is
 *
 *	T_REQUEST(my_request, req)
 *	{
 *		if (req->arg > 12)
 *			return -ERANGE;
 *		return 0;
 *	}
 *
 *	SEC(".struct_ops.link")
 *	struct T_ops my_policy = { .request = (void *)my_request };
 *
 * DRVHOOK_DEFINE_HOOK(T, H, ctx_t, name, ctx) emits the body once and two
 * programs calling it: a struct_ops program for member H of struct T_ops
 * (kernels >= 6.9, the default) and an fentry program on the device
 * module's T_fb_H() (the 6.1 fallback, or forced). The loader loads the
 * pair its mode needs. The body returns the verdict and writes context
 * fields with drvhook_write() only.
 *
 * Kernel-version differences on the BPF side live here and in
 * drvhook_compat.bpf.h, each dated.
 */
#ifndef __DRVHOOK_BPF_H
#define __DRVHOOK_BPF_H

#include <linux/types.h>
#include <linux/errno.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/*
 * The shared ABI, relocated against the modules' BTF (CO-RE). Each type
 * header includes its own UAPI header the same way. DRVHOOK_NO_CORE
 * builds plain accesses instead: only to prove the layout tests can fail
 * (make check's shuffled-layout run).
 */
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif
#include "drvhook.h"
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute pop
#endif

#include "drvhook_compat.bpf.h"

/* Fallback mode: the loader sets the cookie the core gave this policy. */
const volatile __u32 drvhook_fb_cookie = 0;

/*
 * The declaration of the setter kfunc T_set_H_F() of a device module, for
 * a type header's __drvhook_set(): a kfunc relocation of the object only
 * where a call to it remains.
 */
#define DRVHOOK_SETTER_EXTERN(T, H, field)				\
	extern int T##_set_##H##_##field(__u64) __ksym

#ifdef DRVHOOK_HOST_TEST
#include "drvhook_hosttest.bpf.h"	/* make check's host unit tests */
#else
/*
 * The core's kfuncs (module drvhook). Scalar-only: they act on the hook
 * being dispatched on this CPU, for the entry its fentry link belongs to.
 */
extern int drvhook_fb_verdict(int verdict) __ksym;
extern __u32 drvhook_data_len(void) __ksym;
extern __u64 drvhook_data_load(__u32 off) __ksym;
extern int drvhook_data_store(__u32 off, __u64 val) __ksym;

#define __DRVHOOK_TWIN(T, H, ctx_t, name, ctx)				\
SEC("fentry/" #T "_fb_" #H)						\
int BPF_PROG(name##__fb, ctx_t *ctx)					\
{									\
	if (ctx->fb_cookie == drvhook_fb_cookie)			\
		drvhook_fb_verdict(__drvhook_body_##name(ctx, true));	\
	return 0;							\
}
#endif

/*
 * Hook H of device type T, context type @ctx_t: the struct_ops program
 * @name, its fentry twin @name__fb, and the body that follows the macro,
 * with the context as @ctx.
 */
#define DRVHOOK_DEFINE_HOOK(T, H, ctx_t, name, ctx)				\
static __always_inline int __drvhook_body_##name(ctx_t *ctx, const bool __drvhook_fb);	\
SEC("struct_ops/" #H)								\
int BPF_PROG(name, ctx_t *ctx)							\
{										\
	return __drvhook_body_##name(ctx, false);				\
}										\
__DRVHOOK_TWIN(T, H, ctx_t, name, ctx)						\
static __always_inline int __drvhook_body_##name(ctx_t *ctx, const bool __drvhook_fb)

/*
 * Writes a context field the hook's contract allows: a direct store the
 * verifier checks (struct_ops), or the device module's setter kfunc for
 * the hook and field (fallback: fentry programs cannot write their
 * arguments), which the type header's __drvhook_set(ctx, field, val)
 * picks from the context's type. A field outside the contract is refused
 * at load in both modes (the loader names it: the module has no setter
 * for it).
 */
#define drvhook_write(ctx, field, val)						\
	do {									\
		if (__drvhook_fb)						\
			__drvhook_set(ctx, field, val);				\
		else								\
			ctx->field = (val);					\
	} while (0)

char LICENSE[] SEC("license") = "GPL";

#endif
