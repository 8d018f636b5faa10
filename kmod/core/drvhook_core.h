/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drvhook.ko, the hook core: what a device module uses to expose BPF
 * hooks. The core owns the per-device policy chains, their dispatch, the
 * class devices /sys/class/drvhook/<type><N>, the fallback control plane
 * (/dev/drvhook) and the kfuncs every type shares. A device module
 * declares its hook set once, in a list (drvhook_type.h), and drives its
 * hardware; it fills the context structs of its UAPI header.
 */
#ifndef _DRVHOOK_CORE_H
#define _DRVHOOK_CORE_H

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/types.h>
#include "../../include/drvhook.h"

struct bpf_verifier_log;
struct bpf_reg_state;
struct drvhook_chain;
struct drvhook_type_state;

/* A hook's verdict rule: 0 or -errno, or 0..n. */
#define DRVHOOK_VERDICT_ERRNO	(-1)
#define DRVHOOK_VERDICT_MAX(n)	(n)

struct drvhook_hook_desc {
	const char *name;
	const char *ctx_name;
	u32 cookie_off;			/* of fb_cookie in the context */
	u32 ops_off;			/* of the hook's member in <type>_ops */
	int verdict;			/* DRVHOOK_VERDICT_* */
};

/* A context field and whether policies may write it. */
struct drvhook_field {
	u32 hook;
	const char *name;
	u32 off;
	u32 size;
	bool writable;
};

/*
 * A device type, made by drvhook_type.h from the device module's hook
 * list; drvhook_type_register() adds it to the core.
 */
struct drvhook_type {
	const char *name;		/* devices <name><N>, struct <name>_ops */
	struct module *owner;
	u32 nr_hooks;
	const struct drvhook_hook_desc *hooks;
	const struct drvhook_field *fields;	/* ends with {} */
	/* on while some policy of this type is attached (deferred off) */
	struct static_key_false_deferred *attached;
	/* the typed dispatchers: <type>_fb_<hook>() and ops-><hook>() */
	void (*fb_call)(u32 hook, void *ctx);
	int (*ops_call)(const void *ops, u32 hook, void *ctx);
	u32 ops_dev_id, ops_flags, ops_anchor, ops_name;	/* offsets */
	struct drvhook_type_state *state;	/* the core's */
};

/* Static key off delay: attach/detach storms would patch every site. */
#define DRVHOOK_KEY_DELAY	(10 * HZ)

/* A hooked device: embed it; its struct device is the class device. */
struct drvhook_dev {
	struct device dev;		/* /sys/class/drvhook/<type><N> */
	struct drvhook_dev_info info;	/* info.id is assigned by the core */
	struct drvhook_type *type;
	struct drvhook_chain *chain;
	/* the chain's entries having each hook, for the inline hot-path test */
	const u32 *nr;
};

static inline struct drvhook_dev *to_drvhook_dev(struct device *dev)
{
	return container_of(dev, struct drvhook_dev, dev);
}

int drvhook_type_register(struct drvhook_type *t);
void drvhook_type_unregister(struct drvhook_type *t);

/*
 * Device lifetime: init claims the lowest free id of @type (the policies
 * attached to that id apply from then on: a probe hook can run) and
 * initializes hd->dev (parent @parent, released by @release once the
 * last reference goes); add publishes it, with @cdev as its char device
 * if not NULL (set hd->dev.devt first); del unpublishes it and frees the
 * id. Then put_device(&hd->dev).
 */
int drvhook_dev_init(struct drvhook_dev *hd, struct drvhook_type *type,
		     struct device *parent, void (*release)(struct device *));
int drvhook_dev_add(struct drvhook_dev *hd, struct cdev *cdev);
void drvhook_dev_del(struct drvhook_dev *hd, struct cdev *cdev);

/* Hot path test: true when some policy of this device has hook @h. */
bool __drvhook_has(const struct drvhook_dev *hd, u32 h);

/*
 * Runs the chain of hook @h on @ctx (the hook's context struct) and
 * returns the verdict, clamped to the hook's rule. @data/@len: data the
 * hook may access through the drvhook_data_* kfuncs, or NULL.
 */
int drvhook_run(struct drvhook_dev *hd, u32 h, void *ctx, void *data,
		u32 len);

/* make bench's floor: see chain.c. */
const void *drvhook_first_ops(struct drvhook_dev *hd);

/* For the struct_ops callbacks and setter kfuncs drvhook_type.h makes. */
int drvhook_ops_init(struct drvhook_type *t, struct btf *btf);
int drvhook_ops_check_member(struct drvhook_type *t,
			     const struct btf_type *st,
			     const struct btf_member *member,
			     const struct bpf_prog *prog);
int drvhook_ops_init_member(struct drvhook_type *t, const struct btf_type *st,
			    const struct btf_member *member, void *kdata,
			    const void *udata);
int drvhook_ops_reg(struct drvhook_type *t, void *kdata);
void drvhook_ops_unreg(struct drvhook_type *t, void *kdata);
int drvhook_ops_update(struct drvhook_type *t, void *kdata, void *old_kdata);
int drvhook_ops_struct_access(struct drvhook_type *t,
			      struct bpf_verifier_log *log,
			      const struct bpf_reg_state *reg, int off,
			      int size);
int drvhook_ctx_write(struct drvhook_type *t, u32 h, u32 off, u32 size,
		      u64 val);
int drvhook_kfunc_filter(const struct drvhook_type *t,
			 const struct bpf_prog *prog);

#endif
