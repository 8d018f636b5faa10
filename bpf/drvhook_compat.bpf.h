/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel structures the policies read, declared minimally for CO-RE (no
 * vmlinux.h: the fields named here are all a policy depends on), and every
 * kernel-version shim on the BPF side, each dated with the kernel it
 * serves.
 */
#ifndef __DRVHOOK_COMPAT_BPF_H
#define __DRVHOOK_COMPAT_BPF_H

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
typedef struct {
	__u32 val;
} kuid_t;

struct cred {
	kuid_t uid;
	kuid_t euid;
};

/*
 * The caller's cgroup on the default (v2) hierarchy:
 * task->cgroups->dfl_cgrp->kn, whose id is the cgroup id (the inode
 * number of its directory in cgroup2fs, bpf_get_current_cgroup_id()).
 * Same names on 6.1, 6.12 and 7.3.
 */
struct kernfs_node {
	struct kernfs_node *__parent;	/* >= 6.15: see drvhook_kn_parent() */
	__u64 id;
};

struct cgroup {
	struct kernfs_node *kn;
};

struct css_set {
	struct cgroup *dfl_cgrp;
};

struct task_struct {
	int pid;
	int tgid;
	const struct cred *cred;
	struct css_set *cgroups;
	char comm[16];
};

/*
 * Shim, kernels <= 6.14 (bookworm 6.1, trixie 6.12): kernfs_node's parent
 * pointer was 'parent'. 6.15 made it RCU-protected and renamed it
 * '__parent' ("kernfs: Use RCU to access kernfs_node::parent"); 7.3 has
 * only '__parent'. The ___old flavor names the old field for CO-RE.
 */
struct kernfs_node___old {
	struct kernfs_node *parent;
};
#pragma clang attribute pop

/* Which field drvhook_kn_parent() reads on this kernel. */
#define DRVHOOK_KN_PARENT_OLD	1	/* kernfs_node.parent   (<= 6.14) */
#define DRVHOOK_KN_PARENT_NEW	2	/* kernfs_node.__parent (>= 6.15) */

static __always_inline int drvhook_kn_parent_flavor(void)
{
	struct kernfs_node *kn = 0;

	return bpf_core_field_exists(kn->__parent) ? DRVHOOK_KN_PARENT_NEW :
						      DRVHOOK_KN_PARENT_OLD;
}

/*
 * The parent of a kernfs node (a cgroup's parent cgroup), on every kernel.
 * @kn is a BTF pointer (from bpf_get_current_task_btf()); plain loads,
 * relocated by CO-RE, checked by the verifier. Each flavor's load is in
 * its own subprogram: only the one for this kernel's field is called, and
 * the other (whose relocation libbpf poisoned) is never verified. Inline,
 * clang may hoist a poisoned offset out of its branch (it did, in a loop).
 */
static __noinline struct kernfs_node *__drvhook_kn_parent_new(struct kernfs_node *kn)
{
	return kn->__parent;
}

static __noinline struct kernfs_node *__drvhook_kn_parent_old(struct kernfs_node___old *kn)
{
	return kn->parent;
}

static __always_inline struct kernfs_node *drvhook_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return __drvhook_kn_parent_new(kn);
	return __drvhook_kn_parent_old((struct kernfs_node___old *)kn);
}

/*
 * Optional kfuncs: declare the kfunc __ksym __weak and its flag with
 * DRVHOOK_KFUNC_FLAG(), and call it only under drvhook_kfunc_exists().
 * libbpf turns calls to a kfunc the kernel lacks into dead, poisoned
 * calls; the flag keeps them dead.
 *
 * Shim, kernels < 6.4 (bookworm 6.1): bpf_ksym_exists() cannot test a
 * kfunc there: it loads the kfunc's BTF id with ld_imm64, which 6.1
 * refuses for any kfunc it has ("isn't KIND_VAR"; 6.4 allowed it). So
 * the loader sets the .rodata flag drvhook_kfunc_<name> from the
 * kernel's BTF instead, on every kernel. A loader that does not know the
 * flag leaves it 0: the policy takes its path without the kfunc.
 */
#define DRVHOOK_KFUNC_FLAG(name)	const volatile bool drvhook_kfunc_##name = false
#define drvhook_kfunc_exists(name)	(drvhook_kfunc_##name)

#endif
