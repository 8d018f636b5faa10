// SPDX-License-Identifier: GPL-2.0-only
/* Hostile test policy: writes req->op, which the request hook's contract
 * keeps read-only. The verifier must refuse it and name the field. */
#include "drvhook.bpf.h"

SEC("struct_ops/request")
int BPF_PROG(badwrite_request, struct drvhook_request *req)
{
	req->op = DRVHOOK_OP_PING;
	return 0;
}

SEC("fentry/drvhook_fb_request")
int BPF_PROG(badwrite_request__fb, struct drvhook_request *req)
{
	req->op = DRVHOOK_OP_PING;
	return 0;
}

SEC(".struct_ops.link")
struct drvhook_ops test_badwrite = {
	.request = (void *)badwrite_request,
};
