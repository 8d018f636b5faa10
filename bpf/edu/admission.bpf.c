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
 * The decision is in admission.h, shared with make bench's kprobe twin.
 *
 * Map adm_seen (array, key 0) holds what the policy read for the last
 * request: euid, uid, cgroup id, parent cgroup id, which kernfs parent
 * field this kernel has (DRVHOOK_KN_PARENT_*) and how deny_subtree was
 * checked (ADM_VIA_*), so a test can check the reads against /proc and
 * cgroup2fs.
 */
#include "admission.h"

EDU_REQUEST(admission_request, req)
{
	return admission_decide(req->uid);
}

SEC(".struct_ops.link")
struct edu_ops admission = {
	.request = (void *)admission_request,
	.name = "admission",
};
