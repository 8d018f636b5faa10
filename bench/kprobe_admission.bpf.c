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
#include "edu/admission.h"
#include "kprobe.h"

SEC("kprobe/edu_request_hook")
int BPF_KPROBE(kp_admission)
{
	kp_count(admission_decide(0) != 0);	/* no request context */
	return 0;
}
