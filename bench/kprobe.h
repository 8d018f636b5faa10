/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * make bench's kprobe programs: a kprobe cannot return a verdict, so it
 * counts its runs and refusals in kp_stats (drvbench checks they ran).
 */
#ifndef __BENCH_KPROBE_H
#define __BENCH_KPROBE_H

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

static __always_inline void kp_count(bool refused)
{
	__u32 zero = 0;
	struct kp_stats *st = bpf_map_lookup_elem(&kp_stats, &zero);

	if (st) {
		st->runs++;
		if (refused)
			st->refused++;	/* all a kprobe can do with it */
	}
}

#endif
