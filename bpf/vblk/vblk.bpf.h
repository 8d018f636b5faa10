/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policies for device type "vblk" (virtio-blk disks, drvhook_vblk.ko):
 *
 *	VBLK_REQUEST(my_request, req)
 *	{
 *		if (req->op == VBLK_OP_WRITE && req->sector < 2048)
 *			return -EPERM;
 *		return 0;
 *	}
 *
 *	SEC(".struct_ops.link")
 *	struct vblk_ops my_policy = { .request = (void *)my_request };
 *
 * A request hook's -EAGAIN defers the request instead of failing it: the
 * driver asks again about 1 ms later (vblk_throttle.bpf.c).
 *
 * VBLK_PROBE(), VBLK_REQUEST() and VBLK_COMPLETE() make the struct_ops
 * program of member probe/request/complete of struct vblk_ops and its
 * fentry twin on vblk_fb_<hook>() (bpf/drvhook.bpf.h,
 * DRVHOOK_DEFINE_HOOK()). The contexts, the ops type and the constants
 * are include/drvhook/vblk.h's, relocated against drvhook_vblk's BTF.
 */
#ifndef __DRVHOOK_VBLK_BPF_H
#define __DRVHOOK_VBLK_BPF_H

#include "drvhook.bpf.h"

#ifndef DRVHOOK_NO_CORE
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif
#include "drvhook/vblk.h"
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute pop
#endif

#define VBLK_PROBE(name, ctx) \
	DRVHOOK_DEFINE_HOOK(vblk, probe, struct vblk_probe_ctx, name, ctx)
#define VBLK_REQUEST(name, ctx) \
	DRVHOOK_DEFINE_HOOK(vblk, request, struct vblk_request_ctx, name, ctx)
#define VBLK_COMPLETE(name, ctx) \
	DRVHOOK_DEFINE_HOOK(vblk, complete, struct vblk_complete_ctx, name, ctx)

/*
 * drvhook_write()'s fallback half: drvhook_vblk's setter kfunc
 * vblk_set_<hook>_<field>(), the hook told by the context's type; only
 * the setter selected becomes an extern of the object.
 */
#define __drvhook_set(ctx, field, val)						\
	do {									\
		DRVHOOK_SETTER_EXTERN(vblk, probe, field);			\
		DRVHOOK_SETTER_EXTERN(vblk, request, field);			\
		DRVHOOK_SETTER_EXTERN(vblk, complete, field);			\
		_Generic((ctx),							\
			 struct vblk_probe_ctx *: vblk_set_probe_##field,	\
			 struct vblk_request_ctx *: vblk_set_request_##field,	\
			 struct vblk_complete_ctx *: vblk_set_complete_##field	\
			)(val);							\
	} while (0)

#endif
