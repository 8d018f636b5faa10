/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference the core deals with, each with the
 * version it is for. The core builds unchanged for 6.1, 6.12 and 7.3.
 * Device modules include it through drvhook_type.h.
 */
#ifndef _DRVHOOK_CORE_COMPAT_H
#define _DRVHOOK_CORE_COMPAT_H

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/device.h>
#include <linux/version.h>

/* Module-owned struct_ops types: 6.9. Before, the fentry fallback only. */
#define DRVHOOK_HAVE_STRUCT_OPS \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0))

/*
 * btf_kfunc_id_set.filter: 6.5 (commit e924e80ee6a3, "bpf: Add kfunc
 * filter function to 'struct btf_kfunc_id_set'"). Before (6.1), any
 * tracing program may call the kfuncs; they act only for the entry being
 * dispatched (fallback.c, caller_cur()) on every kernel. Can go when 6.1
 * leaves the matrix.
 */
#define DRVHOOK_HAVE_KFUNC_FILTER \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0))

/* struct_ops reg/unreg/update get the bpf_link as last argument: 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define DRVHOOK_OPS_ARGS(...)	(__VA_ARGS__, struct bpf_link *link)
#else
#define DRVHOOK_OPS_ARGS(...)	(__VA_ARGS__)
#endif

/* bpf_prog.sleepable moved out of bpf_prog_aux: 6.10. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define drvhook_prog_sleepable(prog)	((prog)->sleepable)
#else
#define drvhook_prog_sleepable(prog)	((prog)->aux->sleepable)
#endif

/* BTF_KFUNCS_START: 6.9; before, a plain BTF_SET8. */
#ifndef BTF_KFUNCS_START
#define BTF_KFUNCS_START(name)	BTF_SET8_START(name)
#define BTF_KFUNCS_END(name)	BTF_SET8_END(name)
#endif

/* __bpf_kfunc: 6.3. */
#ifndef __bpf_kfunc
#define __bpf_kfunc		noinline
#endif

/* __bpf_kfunc_start_defs: 6.7 (-Wmissing-prototypes is on since 6.8). */
#ifndef __bpf_kfunc_start_defs
#define __bpf_kfunc_start_defs()
#define __bpf_kfunc_end_defs()
#endif

/*
 * bpf_link_get_from_fd() is exported in namespace BPF_INTERNAL on 6.12
 * and 7.3 (Module.symvers), plainly on 6.1; MODULE_IMPORT_NS() takes a
 * string since 6.13 (commit cdd30ebb1b9f, "module: Convert symbol
 * namespace to string literal"). Importing it where it is unused is
 * harmless.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define DRVHOOK_IMPORT_BPF_NS()	MODULE_IMPORT_NS("BPF_INTERNAL")
#else
#define DRVHOOK_IMPORT_BPF_NS()	MODULE_IMPORT_NS(BPF_INTERNAL)
#endif

/*
 * struct class lost its owner, and class attributes' callbacks take a
 * const struct class: 6.4 (the driver core's "make struct class
 * constant" series).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define DRVHOOK_CLASS_OWNER
#define drvhook_class_const	const
#else
#define DRVHOOK_CLASS_OWNER	.owner = THIS_MODULE,
#define drvhook_class_const
#endif

#endif
