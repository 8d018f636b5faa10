// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: what people do today without a stub. The admission policy
 * of bpf/admission.bpf.c, the same reads and the same map work, as a
 * kprobe program on edu_request_hook() of the stub built without hooks
 * (DRVHOOK_HOOKS=n).
 *
 * A kprobe cannot change the request's outcome: overriding a return value
 * (bpf_override_return) needs CONFIG_FUNCTION_ERROR_INJECTION and an
 * ALLOW_ERROR_INJECTION() function, and Debian's kernels have the option
 * off. So the verdict is only counted (map kp_stats): this measures the
 * cost of the mechanism doing the policy's work, not a working policy.
 */
#include <linux/bpf.h>
#include "drvhook.bpf.h"

const volatile __u32 allowed_uid = 0;

struct adm_seen {
	__u32 euid;
	__u32 uid;
	__u64 cgid;
	__u64 parent_cgid;
	__u32 parent_field;
	__u32 ctx_uid;
};

struct kp_stats {
	__u64 runs;
	__u64 refused;
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kp_stats);
} kp_stats SEC(".maps");

static __always_inline int admission(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct kernfs_node *kn, *parent;
	struct adm_seen s = {};
	__u32 zero = 0;

	s.euid = task->cred->euid.val;
	s.uid = task->cred->uid.val;
	s.ctx_uid = s.uid;
	s.parent_field = drvhook_kn_parent_flavor();
	kn = task->cgroups->dfl_cgrp->kn;
	if (kn) {
		s.cgid = kn->id;
		parent = drvhook_kn_parent(kn);
		if (parent)
			s.parent_cgid = parent->id;
	}
	bpf_map_update_elem(&adm_seen, &zero, &s, BPF_ANY);

	if (s.euid != allowed_uid)
		return -EPERM;
	if (s.cgid && bpf_map_lookup_elem(&adm_cg_deny, &s.cgid))
		return -EACCES;
	if (s.parent_cgid && bpf_map_lookup_elem(&adm_cg_deny, &s.parent_cgid))
		return -EACCES;
	return 0;
}

SEC("kprobe/edu_request_hook")
int BPF_KPROBE(kp_admission)
{
	struct kp_stats *st;
	__u32 zero = 0;
	int verdict = admission();

	st = bpf_map_lookup_elem(&kp_stats, &zero);
	if (st) {
		st->runs++;
		if (verdict)
			st->refused++;	/* all a kprobe can do with it */
	}
	return 0;
}
