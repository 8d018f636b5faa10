// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblk_latency: a log2 histogram of request latency per cgroup. Each
 * request the disk answers adds to the entry of the cgroup its I/O is
 * charged to (the blkcg of its bio: the io controller must be enabled on
 * the way down to the cgroup, else the I/O is the nearest ancestor's; 0
 * for requests without one), in slot i when it took [2^i, 2^(i+1)) ns from
 * the driver queueing it to the device answering it.
 *
 *	bpftool map dump name vblk_lat_hist
 *
 * prints each cgroup id (the inode number of its cgroup2 directory) with
 * its count, total, max and slots. A request queued before the policy
 * came has no latency and is not counted.
 *
 * Settings: ops, a mask of 1 << enum vblk_op (default 3: reads and
 * writes; 31: all). 'dropped' counts requests of a cgroup the full map
 * had no room for.
 */
#include <linux/bpf.h>
#include "vblk.bpf.h"

#define LAT_SLOTS	64	/* every __u64 of ns; a power of 2 */

const volatile __u32 ops = (1 << VBLK_OP_READ) | (1 << VBLK_OP_WRITE);

struct vblk_lat {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
	__u64 slots[LAT_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);		/* cgroup id */
	__type(value, struct vblk_lat);
} vblk_lat_hist SEC(".maps");

__u64 dropped;

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	return r + (v >> 1);
}

VBLK_COMPLETE(vblk_latency_complete, c)
{
	static const struct vblk_lat zero;
	__u64 ns = c->latency_ns, cg = c->cgroup_id, max;
	struct vblk_lat *h;
	__u32 slot;

	if (!ns || c->op >= 32 || !(ops & (1U << c->op)))
		return 0;
	h = bpf_map_lookup_elem(&vblk_lat_hist, &cg);
	if (!h) {
		bpf_map_update_elem(&vblk_lat_hist, &cg, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&vblk_lat_hist, &cg);
		if (!h) {
			__sync_fetch_and_add(&dropped, 1);
			return 0;
		}
	}
	/* the mask, not a clamp: 6.1's verifier loses a clamped index */
	slot = log2_u64(ns) & (LAT_SLOTS - 1);
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->total_ns, ns);
	__sync_fetch_and_add(&h->count, 1);
	max = h->max_ns;
	if (ns > max)
		h->max_ns = ns;	/* racy by design: a max, not a sum */
	return 0;
}

SEC(".struct_ops.link")
struct vblk_ops vblk_latency = {
	.complete = (void *)vblk_latency_complete,
};
