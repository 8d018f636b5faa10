/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Test layout of every edu struct policies see (DRVHOOK_LAYOUT_SHUFFLED):
 * the fields of edu.h reordered, padding inserted, every struct grown.
 * Meanings and field sizes stay; a CO-RE policy built against the plain
 * layout must not notice. Included by edu.h only. struct drvhook_dev_info
 * is shared by every module and keeps its layout (drvhook.h).
 */
struct edu_probe_ctx {
	__u32 fb_cookie;
	__u32 pad0[5];
	__u32 quirks;
	struct drvhook_dev_info dev;
	__u64 pad1;
};

struct edu_request_ctx {
	__u32 uid;
	__u32 pad0;
	__u64 arg;
	__u32 fb_cookie;
	__u32 pad1[3];
	__u32 pid;
	__u32 len;
	struct drvhook_dev_info dev;
	__u32 op;
	__u64 pad2;
};

struct edu_irq_ctx {
	__u64 count;
	__u32 pad0[7];
	__u32 inflight;
	__u32 fb_cookie;
	struct drvhook_dev_info dev;
	__u32 status;
	__u64 pad1;
};

struct edu_complete_ctx {
	__u32 len;
	__u32 fb_cookie;
	__u32 pad0[2];
	__s32 status;
	__u64 result;
	struct drvhook_dev_info dev;
	__u32 pad1;
	__u32 op;
	__u64 pad2[2];
};

struct edu_ops {
	__u32 flags;
	__u32 pad0;
	int (*complete)(struct edu_complete_ctx *ctx);
	char name[DRVHOOK_NAME_LEN];
	int (*irq)(struct edu_irq_ctx *ctx);
	__u32 dev_id;
	__u32 pad1;
	int (*request)(struct edu_request_ctx *ctx);
	char anchor[DRVHOOK_NAME_LEN];
	int (*probe)(struct edu_probe_ctx *ctx);
};
