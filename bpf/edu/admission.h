/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * admission's decision (bpf/admission.bpf.c says what it does), shared
 * with make bench's kprobe twin (bench/kprobe_admission.bpf.c) so that
 * both do exactly the same work.
 */
#ifndef __ADMISSION_H
#define __ADMISSION_H

#include <linux/bpf.h>
#include "edu.bpf.h"

const volatile __u32 allowed_uid = 0;
const volatile __u64 deny_subtree = 0;

struct cgroup *bpf_cgroup_from_id(__u64 cgid) __ksym __weak;
long bpf_task_under_cgroup(struct task_struct *task, struct cgroup *ancestor) __ksym __weak;
void bpf_cgroup_release(struct cgroup *cgrp) __ksym __weak;
DRVHOOK_KFUNC_FLAG(bpf_cgroup_from_id);
DRVHOOK_KFUNC_FLAG(bpf_task_under_cgroup);
DRVHOOK_KFUNC_FLAG(bpf_cgroup_release);

#define ADM_VIA_KFUNC	1	/* bpf_task_under_cgroup() */
#define ADM_VIA_WALK	2	/* kernfs parents, 16 levels */
#define ADM_WALK_MAX	16

struct adm_seen {
	__u32 euid;
	__u32 uid;
	__u64 cgid;
	__u64 parent_cgid;
	__u32 parent_field;	/* DRVHOOK_KN_PARENT_OLD / _NEW */
	__u32 ctx_uid;		/* the stub's req->uid, for comparison */
	__u32 subtree_via;	/* ADM_VIA_*, 0: deny_subtree unset */
	__u32 in_subtree;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u32);
} adm_cg_deny SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct adm_seen);
} adm_seen SEC(".maps");

/* Is @task (in cgroup @kn) in the subtree of cgroup deny_subtree? */
static __always_inline bool in_subtree(struct task_struct *task,
				       struct kernfs_node *kn, __u32 *via)
{
	struct cgroup *anc;
	bool in;
	int i;

	if (drvhook_kfunc_exists(bpf_cgroup_from_id) &&
	    drvhook_kfunc_exists(bpf_task_under_cgroup) &&
	    drvhook_kfunc_exists(bpf_cgroup_release)) {
		*via = ADM_VIA_KFUNC;
		anc = bpf_cgroup_from_id(deny_subtree);
		if (!anc)
			return false;
		in = bpf_task_under_cgroup(task, anc);
		bpf_cgroup_release(anc);
		return in;
	}
	*via = ADM_VIA_WALK;
	for (i = 0; i < ADM_WALK_MAX && kn; i++) {
		if (kn->id == deny_subtree)
			return true;
		kn = drvhook_kn_parent(kn);
	}
	return false;
}

/* The verdict for the calling task; @ctx_uid is the stub's req->uid. */
static __always_inline int admission_decide(__u32 ctx_uid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct kernfs_node *kn, *parent;
	struct adm_seen s = {};
	__u32 zero = 0;

	s.euid = task->cred->euid.val;
	s.uid = task->cred->uid.val;
	s.ctx_uid = ctx_uid;
	s.parent_field = drvhook_kn_parent_flavor();
	kn = task->cgroups->dfl_cgrp->kn;
	if (kn) {
		s.cgid = kn->id;
		parent = drvhook_kn_parent(kn);
		if (parent)
			s.parent_cgid = parent->id;
	}
	if (deny_subtree)
		s.in_subtree = in_subtree(task, kn, &s.subtree_via);
	bpf_map_update_elem(&adm_seen, &zero, &s, BPF_ANY);

	if (s.euid != allowed_uid)
		return -EPERM;
	if (s.cgid && bpf_map_lookup_elem(&adm_cg_deny, &s.cgid))
		return -EACCES;
	if (s.parent_cgid && bpf_map_lookup_elem(&adm_cg_deny, &s.parent_cgid))
		return -EACCES;
	if (s.in_subtree)
		return -EACCES;
	return 0;
}

#endif
