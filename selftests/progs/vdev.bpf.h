/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policies for the test-only device type "vdev" (selftests/kmod/vdev/,
 * drvhook_vdev.ko), written as a device type's BPF header is: the
 * generic bpf/drvhook.bpf.h, the type's UAPI header under CO-RE, its hook
 * macros and its __drvhook_set(). Nothing of the core, the loader or the
 * generic headers knows this type.
 */
#ifndef __DRVHOOK_VDEV_BPF_H
#define __DRVHOOK_VDEV_BPF_H

#include "drvhook.bpf.h"

#ifndef DRVHOOK_NO_CORE
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif
#include "../kmod/vdev/vdev.h"
#ifndef DRVHOOK_NO_CORE
#pragma clang attribute pop
#endif

#define VDEV_SUBMIT(name, ctx) \
	DRVHOOK_DEFINE_HOOK(vdev, submit, struct vdev_submit_ctx, name, ctx)
#define VDEV_NOTIFY(name, ctx) \
	DRVHOOK_DEFINE_HOOK(vdev, notify, struct vdev_notify_ctx, name, ctx)

/* drvhook_write()'s fallback half: vdev_set_<hook>_<field>() */
#define __drvhook_set(ctx, field, val)						\
	do {									\
		DRVHOOK_SETTER_EXTERN(vdev, submit, field);			\
		DRVHOOK_SETTER_EXTERN(vdev, notify, field);			\
		_Generic((ctx),							\
			 struct vdev_submit_ctx *: vdev_set_submit_##field,	\
			 struct vdev_notify_ctx *: vdev_set_notify_##field	\
			)(val);							\
	} while (0)

#endif
