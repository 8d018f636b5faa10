// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test policy for vblk: changes nothing, counts. Every request is let
 * through (0) and every completion keeps its status; 'requests' and
 * 'completions' (.bss) count the hooks' runs, so a test sees the
 * policy in force without it changing any I/O.
 */
#include "vblk/vblk.bpf.h"

__u64 requests, completions;

VBLK_REQUEST(count_request, req)
{
	__sync_fetch_and_add(&requests, 1);
	return 0;
}

VBLK_COMPLETE(count_complete, cpl)
{
	__sync_fetch_and_add(&completions, 1);
	return 0;
}

SEC(".struct_ops.link")
struct vblk_ops test_vblk_count = {
	.request = (void *)count_request,
	.complete = (void *)count_complete,
	.name = "test_vblk_count",
};
