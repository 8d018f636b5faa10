/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * Test layout of every struct policies see (DRVHOOK_LAYOUT_SHUFFLED): the
 * fields of drvhook.h reordered, padding inserted, every struct grown.
 * Meanings and field sizes stay; a CO-RE policy built against the plain
 * layout must not notice. Included by drvhook.h only.
 */
struct drvhook_dev_info {
	__u64 pad0;
	__u32 hw_ident;
	__u32 revision;
	__u32 pad1[3];
	__u32 device;
	__u32 id;
	__u32 vendor;
};

struct drvhook_probe {
	__u32 fb_cookie;
	__u32 pad0[5];
	__u32 quirks;
	struct drvhook_dev_info dev;
	__u64 pad1;
};

struct drvhook_request {
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

struct drvhook_irq {
	__u64 count;
	__u32 pad0[7];
	__u32 inflight;
	__u32 fb_cookie;
	struct drvhook_dev_info dev;
	__u32 status;
	__u64 pad1;
};

struct drvhook_complete {
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

#define DRVHOOK_F_BEFORE	(1U << 0)
#define DRVHOOK_F_AFTER		(1U << 1)

struct drvhook_ops {
	__u32 flags;
	__u32 pad0;
	int (*complete)(struct drvhook_complete *ctx);
	char name[DRVHOOK_NAME_LEN];
	int (*irq)(struct drvhook_irq *ctx);
	__u32 dev_id;
	__u32 pad1;
	int (*request)(struct drvhook_request *ctx);
	char anchor[DRVHOOK_NAME_LEN];
	int (*probe)(struct drvhook_probe *ctx);
};
