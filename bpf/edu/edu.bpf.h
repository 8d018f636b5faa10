/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policies for device type "edu" (QEMU's edu PCI device, drvhook_edu.ko):
 *
 *	EDU_REQUEST(my_request, req)
 *	{
 *		if (req->op == EDU_OP_FACT && req->arg > 12)
 *			return -ERANGE;
 *		return 0;
 *	}
 *
 *	SEC(".struct_ops.link")
 *	struct edu_ops my_policy = { .request = (void *)my_request };
 *
 * EDU_PROBE(), EDU_REQUEST(), EDU_IRQ() and EDU_COMPLETE() make the
 * struct_ops program of member probe/request/irq/complete of struct
 * edu_ops and its fentry twin on edu_fb_<hook>() (bpf/drvhook.bpf.h,
 * DRVHOOK_DEFINE_HOOK()). The contexts, the ops type and the constants
 * are include/drvhook/edu.h's, relocated against drvhook_edu's BTF.
 */
#ifndef __DRVHOOK_EDU_BPF_H
#define __DRVHOOK_EDU_BPF_H

#include "drvhook.bpf.h"

#ifndef DRVHOOK_NO_CORE
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif
#include "drvhook/edu.h"
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute pop
#endif

#define EDU_PROBE(name, ctx) \
	DRVHOOK_DEFINE_HOOK(edu, probe, struct edu_probe_ctx, name, ctx)
#define EDU_REQUEST(name, ctx) \
	DRVHOOK_DEFINE_HOOK(edu, request, struct edu_request_ctx, name, ctx)
#define EDU_IRQ(name, ctx) \
	DRVHOOK_DEFINE_HOOK(edu, irq, struct edu_irq_ctx, name, ctx)
#define EDU_COMPLETE(name, ctx) \
	DRVHOOK_DEFINE_HOOK(edu, complete, struct edu_complete_ctx, name, ctx)

/*
 * drvhook_write()'s fallback half: a call to drvhook_edu's setter kfunc
 * edu_set_<hook>_<field>(), the hook told by the context's type. Only the
 * setter _Generic selects is referenced, so only it becomes an extern (a
 * kfunc relocation) of the object. The module has setters for the
 * fields the hooks' contracts let policies write and nothing else: a
 * policy writing another field needs a kfunc the module lacks, and the
 * loader refuses it before load, naming the field.
 */
#define __drvhook_set(ctx, field, val)						\
	do {									\
		DRVHOOK_SETTER_EXTERN(edu, probe, field);			\
		DRVHOOK_SETTER_EXTERN(edu, request, field);			\
		DRVHOOK_SETTER_EXTERN(edu, irq, field);				\
		DRVHOOK_SETTER_EXTERN(edu, complete, field);			\
		_Generic((ctx),							\
			 struct edu_probe_ctx *: edu_set_probe_##field,		\
			 struct edu_request_ctx *: edu_set_request_##field,	\
			 struct edu_irq_ctx *: edu_set_irq_##field,		\
			 struct edu_complete_ctx *: edu_set_complete_##field	\
			)(val);							\
	} while (0)

#endif
