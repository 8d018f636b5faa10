// SPDX-License-Identifier: GPL-2.0-only
/*
 * ratelimit: a token bucket per requesting process (tgid), so one process
 * cannot monopolise the device. Each process may make a burst of 'burst'
 * requests, then 'rate' per second; a request over the limit fails with
 * EAGAIN before it reaches the hardware.
 *
 * The bucket is kept as GCRA (its equivalent): per tgid the theoretical
 * arrival time 'tat'; a request at 'now' is admitted when
 * tat - now <= (burst - 1) * interval, and then moves tat on by one
 * interval (1 s / rate). State lives in an LRU hash keyed by tgid
 * (req->pid, filled by the stub: bpf_get_current_pid_tgid() is not a base
 * helper of struct_ops programs on every kernel); exited processes age out.
 * Threads of one process racing on two CPUs may both take the last token:
 * the limit is approximate by at most one request per racing CPU.
 *
 * Defaults: burst 10, rate 1/s.
 */
#include <linux/bpf.h>
#include "edu.bpf.h"

#define NSEC_PER_SEC	1000000000ULL

const volatile __u32 burst = 10;
const volatile __u32 rate = 1;		/* requests per second, >= 1 */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);		/* tgid */
	__type(value, __u64);		/* tat, ns */
} rl_tat SEC(".maps");

EDU_REQUEST(ratelimit_request, req)
{
	__u64 now = bpf_ktime_get_ns(), interval, tau, tat, *p;
	__u32 tgid = req->pid;

	interval = NSEC_PER_SEC / (rate ?: 1);
	tau = (__u64)(burst ? burst - 1 : 0) * interval;
	p = bpf_map_lookup_elem(&rl_tat, &tgid);
	tat = p && *p > now ? *p : now;
	if (tat - now > tau)
		return -EAGAIN;
	tat += interval;
	if (p)
		*p = tat;
	else
		bpf_map_update_elem(&rl_tat, &tgid, &tat, BPF_ANY);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops ratelimit = {
	.request = (void *)ratelimit_request,
	.name = "ratelimit",
};
