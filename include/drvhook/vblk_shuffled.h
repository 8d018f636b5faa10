/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Test layout of every vblk struct policies see (DRVHOOK_LAYOUT_SHUFFLED):
 * the fields of vblk.h reordered, padding inserted, every struct grown.
 * Meanings and field sizes stay; a CO-RE policy built against the plain
 * layout must not notice. Where the plain layout has the request's op
 * (offset 20), this one has padding: a policy built without CO-RE reads
 * op 0 (read) there. Included by vblk.h only. struct drvhook_dev_info
 * is shared by every module and keeps its layout (drvhook.h).
 */
struct vblk_probe_ctx {
	__u32 max_sectors;
	__u32 fb_cookie;
	__u32 pad0[3];
	__u32 read_only;
	struct drvhook_dev_info dev;
	__u32 queue_depth;
	__u64 capacity;
	__u32 nr_queues;
	__u32 pad1;
	__u32 features;
	__u32 block_size;
	__u64 pad2;
};

struct vblk_request_ctx {
	__u64 cgroup_id;
	__u32 fb_cookie;
	__u32 ioprio;
	__u32 pad0[2];
	__u64 sector;
	__u32 pad1;
	__u32 nr_sectors;
	struct drvhook_dev_info dev;
	__u32 op;
	__u64 pad2;
};

struct vblk_complete_ctx {
	__s32 status;
	__u32 pad0;
	__u64 latency_ns;
	__u32 nr_sectors;
	__u32 pad1[3];
	struct drvhook_dev_info dev;
	__u32 fb_cookie;
	__u64 sector;
	__u32 op;
	__u32 pad2;
	__u64 cgroup_id;
	__u64 pad3[2];
};

struct vblk_ops {
	char anchor[DRVHOOK_NAME_LEN];
	int (*complete)(struct vblk_complete_ctx *ctx);
	__u32 flags;
	__u32 pad0;
	int (*probe)(struct vblk_probe_ctx *ctx);
	char name[DRVHOOK_NAME_LEN];
	__u32 dev_id;
	__u32 pad1[3];
	int (*request)(struct vblk_request_ctx *ctx);
};
