/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * drvhook policies: one source, one object, both attach modes.
 *
 *	DRVHOOK_REQUEST(my_request, req)
 *	{
 *		if (req->op == DRVHOOK_OP_FACT && req->arg > 12)
 *			return -ERANGE;
 *		return 0;
 *	}
 *
 *	SEC(".struct_ops.link")
 *	struct drvhook_ops my_policy = { .request = (void *)my_request };
 *
 * DRVHOOK_<HOOK>() emits the body once and two programs calling it: a
 * struct_ops program (kernels >= 6.9, the default) and an fentry program
 * on the stub's drvhook_fb_<hook>() (the 6.1 fallback, or forced). The
 * loader loads the pair its mode needs. The body returns the verdict and
 * writes context fields with drvhook_write() only.
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
 * The stub's ABI, relocated against the stub module's BTF (CO-RE).
 * DRVHOOK_NO_CORE builds plain accesses instead: only to prove the layout
 * tests can fail (make check's shuffled-layout run).
 */
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif
#include "drvhook.h"
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute pop
#endif

#include "drvhook_compat.bpf.h"

/* Fallback mode: the loader sets the cookie the stub gave this policy. */
const volatile __u32 drvhook_fb_cookie = 0;

/*
 * The fentry twin's half of drvhook_write(): a call to the stub's setter
 * kfunc drvhook_set_<hook>_<field>(), the hook told by the context's type.
 * Only the setter _Generic selects is referenced, so only it becomes an
 * extern (a kfunc relocation) of the object. The stub has setters for the
 * fields the hooks' contracts let policies write and nothing else: a
 * policy writing another field needs a kfunc the stub lacks, and the
 * loader refuses it before load, naming the field.
 */
#define __drvhook_set(ctx, field, val)						\
	do {									\
		extern int drvhook_set_probe_##field(__u64) __ksym;	\
		extern int drvhook_set_request_##field(__u64) __ksym;	\
		extern int drvhook_set_irq_##field(__u64) __ksym;		\
		extern int drvhook_set_complete_##field(__u64) __ksym;	\
		_Generic((ctx),							\
			 struct drvhook_probe *: drvhook_set_probe_##field,	\
			 struct drvhook_request *: drvhook_set_request_##field,	\
			 struct drvhook_irq *: drvhook_set_irq_##field,		\
			 struct drvhook_complete *: drvhook_set_complete_##field \
			)(val);							\
	} while (0)

#ifdef DRVHOOK_HOST_TEST
#include "drvhook_hosttest.bpf.h"	/* make check's host unit tests */
#else
/* Scalar-only kfuncs: they act on the hook running on this CPU. */
extern int drvhook_fb_verdict(int verdict) __ksym;
extern __u32 drvhook_data_len(void) __ksym;
extern __u64 drvhook_data_load(__u32 off) __ksym;
extern int drvhook_data_store(__u32 off, __u64 val) __ksym;

#define __DRVHOOK_TWIN(hook, ctx_t, name, ctx)					\
SEC("fentry/drvhook_fb_" #hook)							\
int BPF_PROG(name##__fb, ctx_t *ctx)						\
{										\
	if (ctx->fb_cookie == drvhook_fb_cookie)				\
		drvhook_fb_verdict(__drvhook_body_##name(ctx, true));		\
	return 0;								\
}
#endif

#define __DRVHOOK_DEFINE(hook, ctx_t, name, ctx)				\
static __always_inline int __drvhook_body_##name(ctx_t *ctx, const bool __drvhook_fb);	\
SEC("struct_ops/" #hook)							\
int BPF_PROG(name, ctx_t *ctx)							\
{										\
	return __drvhook_body_##name(ctx, false);				\
}										\
__DRVHOOK_TWIN(hook, ctx_t, name, ctx)						\
static __always_inline int __drvhook_body_##name(ctx_t *ctx, const bool __drvhook_fb)

#define DRVHOOK_PROBE(name, ctx) \
	__DRVHOOK_DEFINE(probe, struct drvhook_probe, name, ctx)
#define DRVHOOK_REQUEST(name, ctx) \
	__DRVHOOK_DEFINE(request, struct drvhook_request, name, ctx)
#define DRVHOOK_IRQ(name, ctx) \
	__DRVHOOK_DEFINE(irq, struct drvhook_irq, name, ctx)
#define DRVHOOK_COMPLETE(name, ctx) \
	__DRVHOOK_DEFINE(complete, struct drvhook_complete, name, ctx)

/*
 * Writes a context field the hook's contract allows: a direct store the
 * verifier checks (struct_ops), or the stub's setter kfunc for the hook
 * and field (fallback: fentry programs cannot write their arguments).
 * A field outside the contract is refused at load in both modes (the
 * loader names it: the stub has no setter for it).
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
