// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblk_nop: make bench's trivial vblk policy. Its request program returns
 * 0 and does nothing else, so what it costs per I/O is the hook core's
 * dispatch of one struct_ops (or fentry) policy on vblk's request path.
 */
#include "vblk/vblk.bpf.h"

VBLK_REQUEST(vblk_nop_request, req)
{
	return 0;
}

SEC(".struct_ops.link")
struct vblk_ops vblk_nop = {
	.request = (void *)vblk_nop_request,
};
