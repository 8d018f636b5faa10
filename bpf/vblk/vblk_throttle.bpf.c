// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblk_throttle: an IOPS limit per cgroup that delays I/O, never fails
 * it. Each cgroup (the blkcg of the request's bio, as vblk_latency's) has
 * a token bucket of 'burst' requests refilled at 'iops' per second; a
 * request over the limit gets the request hook's defer verdict, -EAGAIN:
 * the driver puts it back and asks again about a millisecond later
 * (include/drvhook/vblk.h), other requests go on meanwhile. A disk being
 * removed never defers.
 *
 * The bucket is GCRA (as edu's ratelimit): per cgroup the theoretical
 * arrival time 'tat'; a request at 'now' passes when
 * tat - now <= (burst - 1) * interval, and moves tat on by one interval
 * (1 s / iops). N requests of one cgroup thus take at least
 * (N - burst) / iops seconds. Requests racing on two CPUs may both take
 * the last token: the limit is approximate by one request per CPU.
 *
 * Settings: iops (default 100, >= 1), burst (default 8, >= 1), cgroup (a
 * cgroup id, the inode number of its cgroup2 directory: only that cgroup
 * is limited; default 0: every cgroup, each its own bucket). Flushes are
 * never held. .bss: 'deferred' counts the deferrals (a request asked
 * again and deferred again counts again), 'passed' the requests let on.
 */
#include <linux/bpf.h>
#include "vblk.bpf.h"

#define NSEC_PER_SEC	1000000000ULL

const volatile __u32 iops = 100;
const volatile __u32 burst = 8;
const volatile __u64 cgroup = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);		/* cgroup id */
	__type(value, __u64);		/* tat, ns */
} vblk_thr_tat SEC(".maps");

__u64 deferred;
__u64 passed;

VBLK_REQUEST(vblk_throttle_request, req)
{
	__u64 now = bpf_ktime_get_ns(), interval, tau, tat, *p;
	__u64 cg = req->cgroup_id;

	if (req->op == VBLK_OP_FLUSH || (cgroup && cg != cgroup))
		return 0;
	interval = NSEC_PER_SEC / (iops ?: 1);
	tau = (__u64)(burst ? burst - 1 : 0) * interval;
	p = bpf_map_lookup_elem(&vblk_thr_tat, &cg);
	tat = p && *p > now ? *p : now;
	if (tat - now > tau) {
		__sync_fetch_and_add(&deferred, 1);
		return -EAGAIN;
	}
	tat += interval;
	if (p)
		*p = tat;
	else
		bpf_map_update_elem(&vblk_thr_tat, &cg, &tat, BPF_ANY);
	__sync_fetch_and_add(&passed, 1);
	return 0;
}

SEC(".struct_ops.link")
struct vblk_ops vblk_throttle = {
	.request = (void *)vblk_throttle_request,
};
