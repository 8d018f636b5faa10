// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: the kprobe mechanism alone, next to struct_ops with the
 * trivial policy (fact_guard): a kprobe program on edu_request_hook() of
 * the no-hook stub doing fact_guard's two compares, its verdict counted
 * (a kprobe cannot return it: see kprobe_admission.bpf.c).
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include "drvhook.bpf.h"

struct kp_stats {
	__u64 runs;
	__u64 refused;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kp_stats);
} kp_stats SEC(".maps");

SEC("kprobe/edu_request_hook")
int BPF_KPROBE(kp_trivial, void *hd, __u32 op, __u64 *arg)
{
	struct kp_stats *st;
	__u32 zero = 0;
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), arg);
	st = bpf_map_lookup_elem(&kp_stats, &zero);
	if (st) {
		st->runs++;
		if (op == DRVHOOK_OP_FACT && v > 12)
			st->refused++;
	}
	return 0;
}
