// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: stores to req->op, which the request hook's
 * contract keeps read-only, directly instead of through drvhook_write().
 * It needs no setter, so the loader's contract check lets it through and
 * the kernel refuses it: in struct_ops mode the stub's btf_struct_access
 * (the verifier), naming the field; in fallback mode the verifier refuses
 * any store through an fentry argument.
 */
#include "edu/edu.bpf.h"

SEC("struct_ops/request")
int BPF_PROG(rawwrite_request, struct edu_request_ctx *req)
{
	req->op = EDU_OP_PING;
	return 0;
}

SEC("fentry/edu_fb_request")
int BPF_PROG(rawwrite_request__fb, struct edu_request_ctx *req)
{
	req->op = EDU_OP_PING;
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_rawwrite = {
	.request = (void *)rawwrite_request,
};
