/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Device type "vblk": virtio-blk disks (VIRTIO_ID_BLOCK, QEMU's
 * virtio-blk-pci), driven by drvhook_vblk.ko as /dev/vblkN. Its hooks'
 * contexts and its struct_ops type.
 *
 * Policies see these structs through drvhook_vblk's BTF, so CO-RE
 * relocates every access: fields may move or grow between module
 * versions, never change meaning. Fields not marked "rw" are read-only.
 * Sectors are 512 bytes, whatever the disk's logical block size.
 */
#ifndef _UAPI_DRVHOOK_VBLK_H
#define _UAPI_DRVHOOK_VBLK_H

#include "../drvhook.h"

/* The requests the request/complete hooks see. */
enum vblk_op {
	VBLK_OP_READ,
	VBLK_OP_WRITE,
	VBLK_OP_FLUSH,
	VBLK_OP_DISCARD,
	VBLK_OP_WRITE_ZEROES,
};

#ifdef DRVHOOK_LAYOUT_SHUFFLED
#include "vblk_shuffled.h"
#else

/*
 * probe: the disk's config space was read, no queue or gendisk yet.
 * Calling context: process, may not sleep.
 * Verdict: 0 bind, -errno refuse the disk (probe fails with it).
 * Writable: read_only (1: the disk is exposed read-only), queue_depth
 * (requests in flight, lowered only) and max_sectors (per request,
 * lowered only, at least 8). Out-of-range values keep the default.
 */
struct vblk_probe_ctx {
	struct drvhook_dev_info dev;
	__u64 capacity;		/* in sectors */
	__u32 block_size;	/* logical block size in bytes */
	__u32 features;		/* VIRTIO_BLK_F_* bits 0-31 negotiated */
	__u32 nr_queues;	/* request queues the driver uses */
	__u32 read_only;	/* rw */
	__u32 queue_depth;	/* rw */
	__u32 max_sectors;	/* rw */
	__u32 fb_cookie;
};

/*
 * request: a block request, before it reaches the virtqueue.
 * Calling context: blk-mq's dispatch (the submitter or a kworker),
 * preemption disabled.
 * Verdict: 0 go on; -EAGAIN defer: not now, the request goes back to
 * the queue and the hook sees it again about 1 ms later (other requests
 * go on meanwhile; a disk being removed never defers: the request fails
 * with EIO); any other -errno fails the request with the block status of
 * that errno (errno_to_blk_status(); -ENOMEM and -EBUSY, which would
 * requeue it, fail it with EIO). A deferred request is asked again until
 * it passes: a policy that defers it forever holds it forever.
 * Writable: ioprio (the priority the device is told).
 */
struct vblk_request_ctx {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum vblk_op */
	__u32 nr_sectors;
	__u64 sector;
	__u64 cgroup_id;	/* the bio's blkcg cgroup; 0 without one (flush) */
	__u32 ioprio;		/* rw */
	__u32 fb_cookie;
};

/*
 * complete: the device answered a request, before blk-mq ends it.
 * Calling context: interrupt (hard IRQ or the block softirq).
 * Verdict: 0 end the request with 'status', -errno fail it with that.
 * Writable: status (0 or -errno, as for the request hook's verdict).
 */
struct vblk_complete_ctx {
	struct drvhook_dev_info dev;
	__u32 op;		/* enum vblk_op */
	__u32 nr_sectors;
	__u64 sector;
	__u64 cgroup_id;
	__u64 latency_ns;	/* queued to answered; 0 if the policy came later */
	__s32 status;		/* rw: 0, or the device's error as -errno */
	__u32 fb_cookie;
};

/*
 * The struct_ops type (kernels with module struct_ops, >= 6.9). Every
 * callback is optional. The loader fills the data fields.
 */
struct vblk_ops {
	int (*probe)(struct vblk_probe_ctx *ctx);
	int (*request)(struct vblk_request_ctx *ctx);
	int (*complete)(struct vblk_complete_ctx *ctx);

	DRVHOOK_OPS_DATA;
};

#endif /* DRVHOOK_LAYOUT_SHUFFLED */

#endif /* _UAPI_DRVHOOK_VBLK_H */
