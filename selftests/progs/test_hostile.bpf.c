// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: its fentry programs skip the cookie test that
 * bpf/drvhook.bpf.h's twins make, so they run for every fallback entry's
 * dispatch, and call the stub's kfuncs unconditionally: verdict -EACCES,
 * request arg 3, complete result 7, DMA data zeroed. The stub must let
 * them act for this policy's own entry only. Its struct_ops programs are
 * the benign half the loader pairs them with.
 */
#include "drvhook.bpf.h"

extern int drvhook_set_request_arg(__u64 val) __ksym;
extern int drvhook_set_complete_result(__u64 val) __ksym;

SEC("struct_ops/request")
int BPF_PROG(hostile_request, struct drvhook_request *req)
{
	return -EACCES;
}

SEC("fentry/drvhook_fb_request")
int BPF_PROG(hostile_request__fb, struct drvhook_request *req)
{
	drvhook_set_request_arg(3);
	drvhook_fb_verdict(-EACCES);
	return 0;
}

SEC("struct_ops/complete")
int BPF_PROG(hostile_complete, struct drvhook_complete *cpl)
{
	return 0;
}

SEC("fentry/drvhook_fb_complete")
int BPF_PROG(hostile_complete__fb, struct drvhook_complete *cpl)
{
	__u32 off, len = drvhook_data_len();

	drvhook_set_complete_result(7);
	for (off = 0; off < EDU_DMA_SIZE && off < len; off += 8)
		drvhook_data_store(off, 0);
	return 0;
}

SEC(".struct_ops.link")
struct drvhook_ops test_hostile = {
	.request = (void *)hostile_request,
	.complete = (void *)hostile_complete,
	.name = "test_hostile",
};
