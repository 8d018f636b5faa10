/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * drvhook ABI: shared by the stub (kmod/), the policies (bpf/) and the
 * loader (loader/).
 *
 * A hook receives one context struct and returns its verdict. Policies see
 * these structs through the stub module's BTF, so CO-RE relocates every
 * access: fields may move or grow between stub versions (see
 * DRVHOOK_LAYOUT_SHUFFLED, which proves it), never change meaning.
 *
 * Verdicts outside a hook's contract are clamped to the hook's default
 * (0) and counted. Fields not marked "rw" are read-only. Policies write
 * with drvhook_write() (bpf/drvhook.bpf.h): a store in struct_ops mode, a
 * call to the stub's setter kfunc drvhook_set_<hook>_<field>() in fallback
 * mode. The stub has a setter for each "rw" field and no other, so the
 * loader refuses a policy writing a read-only field at load, in both
 * modes, naming the field; in struct_ops mode the verifier also refuses
 * a direct store to one (the stub names the field in its log).
 */
#ifndef _UAPI_DRVHOOK_H
#define _UAPI_DRVHOOK_H

#ifndef __bpf__
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

#define DRVHOOK_NAME_LEN	16
#define DRVHOOK_MAX_DEVS	16
/* Policies per device: the chain's sysfs listing must fit one page. */
#define DRVHOOK_MAX_POLICIES	15

enum drvhook_hook {
	DRVHOOK_PROBE,
	DRVHOOK_REQUEST,
	DRVHOOK_IRQ,
	DRVHOOK_COMPLETE,
	DRVHOOK_NR_HOOKS,
};

/* Requests a device part hands to the request/complete hooks. */
enum drvhook_op {
	DRVHOOK_OP_PING,	/* liveness round trip through MMIO, no compute */
	DRVHOOK_OP_FACT,	/* factorial computed by the device */
	DRVHOOK_OP_DMA_TO_DEV,
	DRVHOOK_OP_DMA_FROM_DEV,
};

/* Probe quirks a policy may set; the device part applies them. */
#define DRVHOOK_QUIRK_NO_MSI	(1U << 0)	/* use legacy INTx */
#define DRVHOOK_QUIRK_POLL	(1U << 1)	/* poll for completion, no IRQ */
#define DRVHOOK_QUIRK_MASK	(DRVHOOK_QUIRK_NO_MSI | DRVHOOK_QUIRK_POLL)

/* irq hook verdicts */
#define DRVHOOK_IRQ_WAKE	0	/* complete in the hard IRQ handler */
#define DRVHOOK_IRQ_THREAD	1	/* complete from the IRQ thread */

#ifdef DRVHOOK_LAYOUT_SHUFFLED
#include "drvhook_shuffled.h"
#else

/* Read-only facts about the device a hook runs for. */
struct drvhook_dev_info {
	__u32 id;		/* N of /dev/eduN */
	__u32 vendor;
	__u32 device;
	__u32 revision;		/* PCI revision */
	__u32 hw_ident;		/* device identification register */
};

/*
 * probe: the device was found and identified, nothing enabled yet.
 * Calling context: process, may not sleep.
 * Verdict: 0 bind, -errno refuse the device (probe fails with it).
 * Writable: quirks (DRVHOOK_QUIRK_*).
 */
struct drvhook_probe {
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
struct drvhook_request {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum drvhook_op */
	__u32 len;		/* DMA length in bytes */
	__u64 arg;		/* rw: FACT input, PING value */
	__u32 pid;		/* tgid of the requester */
	__u32 uid;		/* its uid in the initial user namespace */
	__u32 fb_cookie;
};

/*
 * irq: the device raised an interrupt for a request.
 * Calling context: hard IRQ.
 * Verdict: DRVHOOK_IRQ_WAKE or DRVHOOK_IRQ_THREAD.
 * Writable: nothing.
 */
struct drvhook_irq {
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
struct drvhook_complete {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum drvhook_op */
	__s32 status;		/* 0 or the hardware error */
	__u64 result;		/* rw: FACT result, PING echo */
	__u32 len;		/* DMA data bytes */
	__u32 fb_cookie;
};

/* Where a policy goes in its device's chain. */
#define DRVHOOK_F_BEFORE	(1U << 0)	/* run before 'anchor' */
#define DRVHOOK_F_AFTER		(1U << 1)	/* run after 'anchor' */

/*
 * The struct_ops type (kernels with module struct_ops, >= 6.9). Every
 * callback is optional. The loader fills the data fields.
 */
struct drvhook_ops {
	int (*probe)(struct drvhook_probe *ctx);
	int (*request)(struct drvhook_request *ctx);
	int (*irq)(struct drvhook_irq *ctx);
	int (*complete)(struct drvhook_complete *ctx);
	__u32 dev_id;
	__u32 flags;		/* DRVHOOK_F_* */
	char anchor[DRVHOOK_NAME_LEN];
	char name[DRVHOOK_NAME_LEN];
};

#endif /* DRVHOOK_LAYOUT_SHUFFLED */

/* ioctls of /dev/eduN: the device part. */
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

/*
 * Benchmarks (make bench): only in a stub built with DRVHOOK_BENCH=y; the
 * default build answers EDU_IOC_BENCH with ENOTTY. EDU_IOC_BENCH runs the
 * request path's hook part (whatever the build has there: the hook core,
 * nothing, or the C reference policy) 'iters' times in a ktime loop,
 * without the hardware. Needs CAP_SYS_ADMIN.
 */
struct edu_bench {
	__u32 op;		/* enum drvhook_op the requests carry */
	__u32 iters;		/* 1..EDU_BENCH_MAX_ITERS */
	__u32 path;		/* EDU_BENCH_* */
	__u32 pad;
	__u64 ns;		/* out: the loop's duration */
	__u64 refused;		/* out: iterations with a nonzero verdict */
};

#define EDU_BENCH_HOOK		0	/* the request hook part only */
#define EDU_BENCH_UPCALL	1	/* then an upcall to a daemon, below */
#define EDU_BENCH_MAX_ITERS	(1U << 24)

#define EDU_IOC_BENCH	_IOWR(EDU_IOC_MAGIC, 6, struct edu_bench)

/*
 * The upcall alternative (DRVHOOK_BENCH=y): /dev/drvhook_upcall. A daemon
 * read()s one request, decides, and write()s the same struct back with
 * 'verdict' set (0 or -errno); the request waits for it (1 s at most).
 * Without a daemon an upcall fails with ENOTCONN.
 */
struct drvhook_upcall {
	__u64 seq;		/* echo it in the answer */
	__u32 dev_id;
	__u32 op;		/* enum drvhook_op */
	__u64 arg;
	__u32 pid;		/* tgid of the requester */
	__u32 uid;
	__u32 euid;
	__s32 verdict;		/* the answer */
	__u64 cgid;		/* the requester's cgroup (v2) id */
	__u64 parent_cgid;	/* its parent's, 0 at the root */
};

/* ioctls of the hook core, on any hooked device: the fallback mode. */
struct drvhook_fb_attach {
	char name[DRVHOOK_NAME_LEN];
	char anchor[DRVHOOK_NAME_LEN];
	__u32 flags;		/* DRVHOOK_F_* */
	__u32 hooks;		/* bit (1 << enum drvhook_hook) per hook */
	__u32 cookie;		/* the fb_cookie the programs filter on */
	__u32 links;		/* bit (1 << hook): link_fd[hook] is given */
	__s32 link_fd[DRVHOOK_NR_HOOKS];	/* fentry links on drvhook_fb_* */
};

/*
 * Fallback attach: FB_COOKIE reserves a fresh cookie for entry 'name' of
 * this device; the programs filter on it, and their fentry links carry it
 * as their BPF cookie (what the kfuncs check). FB_ATTACH inserts entry
 * 'name' with 'cookie' (0: a fresh one, returned) and FB_DETACH removes
 * it. Atomic replace: FB_REPLACE switches entry 'name' to 'cookie',
 * 'hooks' and links at once: each dispatch runs either the old or the new
 * programs. A cookie not reserved for 'name' on this device is EINVAL,
 * one live in another entry EBUSY.
 * With 'links' (= 'hooks'), the entry owns a reference to each link, and
 * goes when nothing else holds them (pins removed, loader killed before it
 * pinned them): an entry never outlives its programs.
 */
#define DRVHOOK_IOC_MAGIC	'H'
#define DRVHOOK_IOC_FB_ATTACH	_IOWR(DRVHOOK_IOC_MAGIC, 1, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_DETACH	_IOW(DRVHOOK_IOC_MAGIC, 2, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_COOKIE	_IOWR(DRVHOOK_IOC_MAGIC, 3, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_REPLACE	_IOW(DRVHOOK_IOC_MAGIC, 4, struct drvhook_fb_attach)

#endif /* _UAPI_DRVHOOK_H */
