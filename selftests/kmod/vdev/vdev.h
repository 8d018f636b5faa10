/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Device type "vdev" (test only): a virtual device with two hooks, built
 * from the hook core's public headers alone, to prove a device type
 * needs no edit of the core, the loader or the generic BPF headers.
 *
 * VDEV_IOC_SUBMIT runs a request: the submit hook may refuse it or
 * rewrite its value; the device answers value + VDEV_ADD; the notify
 * hook sees the answer and may ask for a notification (verdict 1).
 */
#ifndef _UAPI_DRVHOOK_VDEV_H
#define _UAPI_DRVHOOK_VDEV_H

#include "../../../include/drvhook.h"

#define VDEV_ADD		1000

/* Verdict: 0 go on, -errno fail the request. Writable: value. */
struct vdev_submit_ctx {
	struct drvhook_dev_info dev;
	__u64 value;		/* rw */
	__u32 fb_cookie;
};

/* Verdict: 0, or 1 to set the request's 'notified'. Writable: nothing. */
struct vdev_notify_ctx {
	struct drvhook_dev_info dev;
	__u64 value;		/* the answer */
	__u32 fb_cookie;
};

struct vdev_ops {
	int (*submit)(struct vdev_submit_ctx *ctx);
	int (*notify)(struct vdev_notify_ctx *ctx);

	DRVHOOK_OPS_DATA;
};

struct vdev_req {
	__u64 in;
	__u64 out;		/* in (as the submit hook left it) + VDEV_ADD */
	__u32 notified;		/* the notify hook's verdict */
	__u32 pad;
};

#define VDEV_IOC_SUBMIT	_IOWR('V', 1, struct vdev_req)

#endif
