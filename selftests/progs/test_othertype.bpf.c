// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test policy for another device type: "other", whose struct other_ops
 * and hook request no module registers, written with bpf/drvhook.bpf.h
 * alone (DRVHOOK_DEFINE_HOOK(), as a type header does). Attached to an
 * edu device it must be refused before load, naming both types (struct
 * other_ops, device type edu), with the loader's exit status of its own
 * for a policy of another device type.
 */
#include "drvhook.bpf.h"

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct other_request_ctx {
	struct drvhook_dev_info dev;
	__u32 fb_cookie;
};

struct other_ops {
	int (*request)(struct other_request_ctx *ctx);
	DRVHOOK_OPS_DATA;
};
#pragma clang attribute pop

DRVHOOK_DEFINE_HOOK(other, request, struct other_request_ctx, othertype_request, req)
{
	return req->dev.id == 0xffff ? -EPERM : 0;
}

SEC(".struct_ops.link")
struct other_ops test_othertype = {
	.request = (void *)othertype_request,
	.name = "test_othertype",
};
