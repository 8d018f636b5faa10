// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblk_faults: injected I/O errors, what dm-flakey and dm-dust do without
 * device-mapper. A request of the chosen ops that touches the sectors
 * [start, end) is a candidate (a flush, which has no sectors, is one
 * whenever flushes are chosen); every 'every'-th candidate is drawn, and
 * a drawn one fails with errno 'error' before it reaches the device
 * (nothing is written) with probability permille/1000. The draw is a hash
 * of 'seed' and the candidate's number: the same seed and I/O give the
 * same faults.
 *
 * Settings (drvhook policy attach ... set NAME=VALUE):
 *   ops      mask of 1 << enum vblk_op: 1 reads, 2 writes, 3 both (default),
 *            8 discards, 16 write zeroes, 4 flushes
 *   start, end  sectors (512 bytes), default the whole disk
 *   every    N >= 1, default 1 (every candidate)
 *   permille 0..1000, default 1000 (always)
 *   seed     default 0
 *   error    a positive errno, default 5 (EIO); 11 (EAGAIN) would defer
 *            the request (the request hook's contract), not fail it
 * .bss: 'candidates' seen, 'injected' failed.
 */
#include "vblk.bpf.h"

const volatile __u32 ops = (1 << VBLK_OP_READ) | (1 << VBLK_OP_WRITE);
const volatile __u64 start = 0;
const volatile __u64 end = ~0ULL;
const volatile __u32 every = 1;
const volatile __u32 permille = 1000;
const volatile __u64 seed = 0;
const volatile __u32 error = EIO;

__u64 candidates;
__u64 injected;

/* splitmix64's finaliser */
static __always_inline __u64 mix(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

VBLK_REQUEST(vblk_faults_request, req)
{
	__u64 first = req->sector, last = req->sector + req->nr_sectors, n;
	__u32 op = req->op;

	if (op >= 32 || !(ops & (1U << op)))
		return 0;
	if (op != VBLK_OP_FLUSH && (last <= start || first >= end))
		return 0;
	n = __sync_fetch_and_add(&candidates, 1) + 1;
	if (every > 1 && n % every)
		return 0;
	if (permille < 1000 &&
	    mix(seed + n * 0x9e3779b97f4a7c15ULL) % 1000 >= permille)
		return 0;
	__sync_fetch_and_add(&injected, 1);
	return -(int)(error ?: EIO);
}

SEC(".struct_ops.link")
struct vblk_ops vblk_faults = {
	.request = (void *)vblk_faults_request,
};
