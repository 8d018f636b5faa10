// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vdev fallback program calling edu's setter: a policy of one type
 * acting for another. Where the kernel has kfunc filters (6.5+),
 * drvhook_edu's refuses it at load (it is no edu program); before, the
 * setter acts only for an edu hook being dispatched (never here).
 */
#include "vdev.bpf.h"

extern int edu_set_request_arg(__u64 val) __ksym;

SEC("fentry/vdev_fb_submit")
int BPF_PROG(cross_submit, struct vdev_submit_ctx *req)
{
	edu_set_request_arg(7);
	return 0;
}
