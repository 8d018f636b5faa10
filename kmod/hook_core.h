/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drvhook hook core: what a device part (e.g. edu.c) uses to expose BPF
 * hooks. The core owns the per-device policy chains, dispatch, the
 * struct_ops type, the fallback hooks and the kfuncs; the device part owns
 * the hardware and fills the context structs of include/drvhook.h.
 */
#ifndef _DRVHOOK_HOOK_CORE_H
#define _DRVHOOK_HOOK_CORE_H

#include <linux/device.h>
#include <linux/jump_label.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/types.h>
#include "../include/drvhook.h"

struct drvhook_chain;

struct drvhook_dev {
	struct drvhook_dev_info info;	/* info.id is assigned by the core */
	struct drvhook_chain *chain;
	struct device *dev;		/* /sys/class/drvhook/<name> */
};

/*
 * On while some policy is attached. Turning it off is deferred
 * (DRVHOOK_KEY_DELAY): attach/detach storms would otherwise patch every
 * drvhook_has() site of the module on each cycle, under running requests.
 */
extern struct static_key_false_deferred drvhook_attached;
#define DRVHOOK_KEY_DELAY	(10 * HZ)

/* The core's class: device parts create their char devices in it. */
extern struct class *drvhook_class;

int drvhook_core_init(void);
void drvhook_core_exit(void);

/* Claims the lowest free id; the policies attached to that id apply. */
int drvhook_dev_add(struct drvhook_dev *hd);
void drvhook_dev_remove(struct drvhook_dev *hd);

/* Hot path test: true when some policy of this device has hook @h. */
bool __drvhook_has(const struct drvhook_dev *hd, enum drvhook_hook h);
static inline bool drvhook_has(const struct drvhook_dev *hd,
			       enum drvhook_hook h)
{
	return static_branch_unlikely(&drvhook_attached.key) &&
	       __drvhook_has(hd, h);
}

/*
 * Runs the chain of hook @h on @ctx (the hook's context struct) and
 * returns the verdict, clamped to the hook's contract. @data/@len: DMA
 * data the complete hook may access through kfuncs, or NULL.
 */
int drvhook_run(struct drvhook_dev *hd, enum drvhook_hook h, void *ctx,
		void *data, u32 len);

/* DRVHOOK_IOC_* of include/drvhook.h; -ENOTTY for other commands. */
long drvhook_ioctl(struct drvhook_dev *hd, unsigned int cmd,
		   unsigned long arg);

#endif
