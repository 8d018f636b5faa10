// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblk_protect: refuses every request that would change the sectors
 * [start, end) of the disk (write, discard, write zeroes): by default the
 * first MiB, where a partition table and a boot loader live. Reads and
 * the rest of the disk are untouched. A refused request fails with
 * -EPERM, which the block layer hands to userspace as EIO.
 *
 * Settings (drvhook policy attach ... set NAME=VALUE): start, end, in
 * 512-byte sectors. 'refused' counts the requests refused (bpftool map
 * dump of the object's .bss).
 */
#include "vblk.bpf.h"

const volatile __u64 start = 0;
const volatile __u64 end = 2048;

__u64 refused;

VBLK_REQUEST(vblk_protect_request, req)
{
	__u64 first = req->sector, last = req->sector + req->nr_sectors;

	if (req->op != VBLK_OP_WRITE && req->op != VBLK_OP_DISCARD &&
	    req->op != VBLK_OP_WRITE_ZEROES)
		return 0;
	if (last <= start || first >= end)
		return 0;
	__sync_fetch_and_add(&refused, 1);
	return -EPERM;
}

SEC(".struct_ops.link")
struct vblk_ops vblk_protect = {
	.request = (void *)vblk_protect_request,
};
