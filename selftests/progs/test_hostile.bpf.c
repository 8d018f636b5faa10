// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: its fentry programs on edu_fb_request() and
 * edu_fb_complete() skip the cookie test that bpf/drvhook.bpf.h's twins
 * make, so they run for every fallback entry's dispatch, and call the
 * kfuncs unconditionally: drvhook_edu's setters (request arg 3, complete
 * result 7) and the core's (verdict -EACCES, DMA data zeroed). The core
 * and drvhook_edu must let them act for this policy's own entry only. Its
 * struct_ops programs are the benign half the loader pairs them with.
 */
#include "edu/edu.bpf.h"

extern int edu_set_request_arg(__u64 val) __ksym;
extern int edu_set_complete_result(__u64 val) __ksym;

SEC("struct_ops/request")
int BPF_PROG(hostile_request, struct edu_request_ctx *req)
{
	return -EACCES;
}

SEC("fentry/edu_fb_request")
int BPF_PROG(hostile_request__fb, struct edu_request_ctx *req)
{
	edu_set_request_arg(3);
	drvhook_fb_verdict(-EACCES);
	return 0;
}

SEC("struct_ops/complete")
int BPF_PROG(hostile_complete, struct edu_complete_ctx *cpl)
{
	return 0;
}

SEC("fentry/edu_fb_complete")
int BPF_PROG(hostile_complete__fb, struct edu_complete_ctx *cpl)
{
	__u32 off, len = drvhook_data_len();

	edu_set_complete_result(7);
	for (off = 0; off < EDU_DMA_SIZE && off < len; off += 8)
		drvhook_data_store(off, 0);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_hostile = {
	.request = (void *)hostile_request,
	.complete = (void *)hostile_complete,
	.name = "test_hostile",
};
