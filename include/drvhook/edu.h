/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Device type "edu": QEMU's edu PCI device (1234:11e8), driven by
 * drvhook_edu.ko. Its hooks' contexts, its struct_ops type and its
 * ioctls (/dev/eduN).
 *
 * Policies see these structs through drvhook_edu's BTF, so CO-RE
 * relocates every access: fields may move or grow between module
 * versions (DRVHOOK_LAYOUT_SHUFFLED proves it), never change meaning.
 * Fields not marked "rw" are read-only.
 */
#ifndef _UAPI_DRVHOOK_EDU_H
#define _UAPI_DRVHOOK_EDU_H

#include "../drvhook.h"

/* Requests the request/complete hooks see. */
enum edu_op {
	EDU_OP_PING,		/* liveness round trip through MMIO, no compute */
	EDU_OP_FACT,		/* factorial computed by the device */
	EDU_OP_DMA_TO_DEV,
	EDU_OP_DMA_FROM_DEV,
};

/* Probe quirks a policy may set; the driver applies them. */
#define EDU_QUIRK_NO_MSI	(1U << 0)	/* use legacy INTx */
#define EDU_QUIRK_POLL		(1U << 1)	/* poll for completion, no IRQ */
#define EDU_QUIRK_MASK		(EDU_QUIRK_NO_MSI | EDU_QUIRK_POLL)

/* irq hook verdicts */
#define EDU_IRQ_WAKE		0	/* complete in the hard IRQ handler */
#define EDU_IRQ_THREAD		1	/* complete from the IRQ thread */

#ifdef DRVHOOK_LAYOUT_SHUFFLED
#include "edu_shuffled.h"
#else

/*
 * probe: the device was found and identified, nothing enabled yet.
 * Calling context: process, may not sleep.
 * Verdict: 0 bind, -errno refuse the device (probe fails with it).
 * Writable: quirks (EDU_QUIRK_*).
 */
struct edu_probe_ctx {
	struct drvhook_dev_info dev;
	__u32 quirks;		/* rw */
	__u32 fb_cookie;
};

/*
 * request: a user request, before it reaches the hardware.
 * Calling context: the requesting task, preemption disabled.
 * Verdict: 0 go on, -errno fail the request with it.
 * Writable: arg (rewrites the request's input).
 */
struct edu_request_ctx {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum edu_op */
	__u32 len;		/* DMA length in bytes */
	__u64 arg;		/* rw: FACT input, PING value */
	__u32 pid;		/* tgid of the requester */
	__u32 uid;		/* its uid in the initial user namespace */
	__u32 fb_cookie;
};

/*
 * irq: the device raised an interrupt for a request.
 * Calling context: hard IRQ.
 * Verdict: EDU_IRQ_WAKE or EDU_IRQ_THREAD.
 * Writable: nothing.
 */
struct edu_irq_ctx {
	struct drvhook_dev_info dev;
	__u32 status;		/* interrupt status register */
	__u32 inflight;		/* requests in flight on this device */
	__u64 count;		/* interrupts seen by this device */
	__u32 fb_cookie;
};

/*
 * complete: a request finished in hardware, before the caller sees it.
 * Calling context: the requesting task, preemption disabled.
 * Verdict: 0 deliver, -errno fail the request with it.
 * Writable: result. DMA data: drvhook_data_load/store kfuncs.
 */
struct edu_complete_ctx {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum edu_op */
	__s32 status;		/* 0 or the hardware error */
	__u64 result;		/* rw: FACT result, PING echo */
	__u32 len;		/* DMA data bytes */
	__u32 fb_cookie;
};

/*
 * The struct_ops type (kernels with module struct_ops, >= 6.9). Every
 * callback is optional. The loader fills the data fields.
 */
struct edu_ops {
	int (*probe)(struct edu_probe_ctx *ctx);
	int (*request)(struct edu_request_ctx *ctx);
	int (*irq)(struct edu_irq_ctx *ctx);
	int (*complete)(struct edu_complete_ctx *ctx);

	DRVHOOK_OPS_DATA;
};

#endif /* DRVHOOK_LAYOUT_SHUFFLED */

/* ioctls of /dev/eduN */
struct edu_fact {
	__u32 in;
	__u32 pad;
	__u64 out;
};

struct edu_dma {
	__u64 buf;		/* user pointer */
	__u32 len;		/* <= EDU_DMA_SIZE */
	__u32 off;		/* offset in the device buffer */
};

struct edu_status {
	__u32 id;
	__u32 hw_ident;
	__u32 quirks;
	__u32 irq_mode;		/* 0 poll, 1 INTx, 2 MSI */
	__u64 requests;
	__u64 completions;
	__u64 irqs;
};

#define EDU_DMA_SIZE	4096

#define EDU_IOC_MAGIC	'E'
#define EDU_IOC_PING	_IOWR(EDU_IOC_MAGIC, 1, __u64)
#define EDU_IOC_FACT	_IOWR(EDU_IOC_MAGIC, 2, struct edu_fact)
#define EDU_IOC_DMA_TO	_IOW(EDU_IOC_MAGIC, 3, struct edu_dma)
#define EDU_IOC_DMA_FROM	_IOW(EDU_IOC_MAGIC, 4, struct edu_dma)
#define EDU_IOC_STATUS	_IOR(EDU_IOC_MAGIC, 5, struct edu_status)

#endif /* _UAPI_DRVHOOK_EDU_H */
