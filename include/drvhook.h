/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * drvhook ABI shared by every device type: the hook core (kmod/core/),
 * the device modules, their policies and the loader. Each device type
 * has its own header besides (include/drvhook/<type>.h): its hooks'
 * context structs, its struct_ops type <type>_ops, its ioctls.
 *
 * Names a device type T with hooks H and writable context fields F has:
 *	/sys/class/drvhook/T<N>		a device (dev_id N; ids are per type)
 *	/sys/class/drvhook/types	"T MODULE H..." for each type
 *	struct T_ops			its struct_ops type (kernels >= 6.9)
 *	struct T_H_ctx			hook H's context
 *	T_fb_H()			the fentry attach point of hook H
 *	T_set_H_F(u64)			the setter kfunc of a writable field
 * all in the BTF of MODULE. The core's own kfuncs (drvhook_fb_verdict,
 * drvhook_data_*) are in the BTF of module drvhook.
 *
 * Verdicts outside a hook's contract are clamped to the hook's default
 * (0) and counted. Policies write context fields with drvhook_write()
 * (bpf/drvhook.bpf.h): a store in struct_ops mode, a call to the setter
 * kfunc in fallback mode. A field has a setter if and only if its hook's
 * contract lets policies write it, in both modes.
 */
#ifndef _UAPI_DRVHOOK_H
#define _UAPI_DRVHOOK_H

#ifndef __bpf__
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

#define DRVHOOK_NAME_LEN	16	/* policy and device type names */
#define DRVHOOK_MAX_DEVS	16	/* devices per type */
/* Policies per device: the chain's sysfs listing must fit one page. */
#define DRVHOOK_MAX_POLICIES	15
#define DRVHOOK_MAX_HOOKS	8	/* hooks per device type */

/* Where a policy goes in its device's chain. */
#define DRVHOOK_F_BEFORE	(1U << 0)	/* run before 'anchor' */
#define DRVHOOK_F_AFTER		(1U << 1)	/* run after 'anchor' */

/*
 * Read-only facts about the device a hook runs for, first in every
 * context struct ('dev'). The same layout in every module: a policy's
 * CO-RE relocations against it never depend on which module they find.
 */
struct drvhook_dev_info {
	__u32 id;		/* N of /sys/class/drvhook/<type>N */
	__u32 vendor;		/* bus ids where the device has them */
	__u32 device;
	__u32 revision;
	__u32 hw_ident;		/* the device's identification word, or 0 */
};

/*
 * The data members every <type>_ops struct has besides its hooks, by
 * these names: the loader fills them.
 */
#define DRVHOOK_OPS_DATA						\
	__u32 dev_id;							\
	__u32 flags;		/* DRVHOOK_F_* */			\
	char anchor[DRVHOOK_NAME_LEN];					\
	char name[DRVHOOK_NAME_LEN]

/*
 * The fallback control plane, for kernels without module struct_ops
 * (< 6.9) or when forced: ioctls of /dev/drvhook (the core's misc
 * device), CAP_BPF or CAP_SYS_ADMIN. An entry is named by device type,
 * device id and policy name.
 *
 * FB_COOKIE reserves a fresh cookie for entry 'name'; the programs filter
 * on it, and their fentry links carry it as their BPF cookie (what the
 * kfuncs check). FB_ATTACH inserts entry 'name' with that 'cookie' and
 * FB_DETACH removes it. FB_REPLACE switches entry 'name' to another
 * reserved 'cookie', 'hooks' and links at once: each dispatch runs either
 * the old or the new programs. A cookie not reserved for this entry is
 * EINVAL, one live in another entry EBUSY; an unknown type or an id out
 * of range is ENODEV. 'links' must be 'hooks': the entry owns a reference
 * to each fentry link and goes when nothing else holds them, so an entry
 * never outlives its programs.
 */
struct drvhook_fb_attach {
	char type[DRVHOOK_NAME_LEN];	/* device type, e.g. "edu" */
	__u32 dev_id;
	__u32 flags;		/* DRVHOOK_F_* */
	char name[DRVHOOK_NAME_LEN];
	char anchor[DRVHOOK_NAME_LEN];
	__u32 hooks;		/* bit (1 << hook index) per hook */
	__u32 cookie;		/* the fb_cookie the programs filter on */
	__u32 links;		/* bit (1 << hook): link_fd[hook] is given */
	__s32 link_fd[DRVHOOK_MAX_HOOKS];	/* fentry links on <type>_fb_* */
};

#define DRVHOOK_IOC_MAGIC	'H'
#define DRVHOOK_IOC_FB_ATTACH	_IOWR(DRVHOOK_IOC_MAGIC, 1, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_DETACH	_IOW(DRVHOOK_IOC_MAGIC, 2, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_COOKIE	_IOWR(DRVHOOK_IOC_MAGIC, 3, struct drvhook_fb_attach)
#define DRVHOOK_IOC_FB_REPLACE	_IOW(DRVHOOK_IOC_MAGIC, 4, struct drvhook_fb_attach)

#endif /* _UAPI_DRVHOOK_H */
