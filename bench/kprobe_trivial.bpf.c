// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: the kprobe mechanism alone, next to struct_ops with the
 * trivial policy (fact_guard): a kprobe program on edu_request_hook() of
 * the no-hook stub doing fact_guard's two compares, its verdict counted
 * (a kprobe cannot return it: see kprobe_admission.bpf.c).
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include "edu/edu.bpf.h"
#include "kprobe.h"

SEC("kprobe/edu_request_hook")
int BPF_KPROBE(kp_trivial, void *hd, __u32 op, __u64 *arg)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), arg);
	kp_count(op == EDU_OP_FACT && v > 12);
	return 0;
}
