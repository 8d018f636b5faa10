// SPDX-License-Identifier: GPL-2.0-only
/*
 * admission: who may use the device, decided from the caller's identity
 * as the kernel holds it, not from the request context.
 *
 * The caller is bpf_get_current_task_btf() (the request hook runs in the
 * requesting task); its credentials and cgroup are read through CO-RE
 * relocated kernel structs (bpf/drvhook_compat.bpf.h):
 *   euid:   task->cred->euid
 *   cgroup: task->cgroups->dfl_cgrp->kn->id, and its parent's id through
 *           kernfs_node.parent, renamed __parent in 6.15 (dated shim
 *           drvhook_kn_parent()).
 *
 * Rules, in order:
 *   euid != allowed_uid                              -> -EPERM
 *   the caller's cgroup or its parent cgroup is in
 *   map adm_cg_deny (key: cgroup id, u64)            -> -EACCES
 *   the caller is anywhere below cgroup deny_subtree -> -EACCES
 * Defaults: allowed_uid 0 (root only); adm_cg_deny empty (userspace fills
 * it, e.g. bpftool map update name adm_cg_deny key <8 bytes> value 1 0 0 0);
 * deny_subtree 0 (none). Settings: drvhook policy attach ... set
 * allowed_uid=1000 set deny_subtree=<cgroup id>.
 *
 * deny_subtree uses the optional kfuncs bpf_cgroup_from_id() and
 * bpf_task_under_cgroup() (6.5) where the kernel has them, any depth;
 * elsewhere (6.1) it walks up to 16 kernfs parents.
 *
 * Map adm_seen (array, key 0) holds what the policy read for the last
 * request: euid, uid, cgroup id, parent cgroup id, which kernfs parent
 * field this kernel has (DRVHOOK_KN_PARENT_*) and how deny_subtree was
 * checked (ADM_VIA_*), so a test can check the reads against /proc and
 * cgroup2fs.
 */
#include <linux/bpf.h>
#include "drvhook.bpf.h"

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

DRVHOOK_REQUEST(admission_request, req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct kernfs_node *kn, *parent;
	struct adm_seen s = {};
	__u32 zero = 0;

	s.euid = task->cred->euid.val;
	s.uid = task->cred->uid.val;
	s.ctx_uid = req->uid;
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

SEC(".struct_ops.link")
struct drvhook_ops admission = {
	.request = (void *)admission_request,
	.name = "admission",
};
