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
#include "admission.h"

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
int BPF_KPROBE(kp_admission)
{
	struct kp_stats *st;
	__u32 zero = 0;
	int verdict = admission_decide(0);	/* no request context */

	st = bpf_map_lookup_elem(&kp_stats, &zero);
	if (st) {
		st->runs++;
		if (verdict)
			st->refused++;	/* all a kprobe can do with it */
	}
	return 0;
}
