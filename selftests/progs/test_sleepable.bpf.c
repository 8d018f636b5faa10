// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: a sleepable program for the request hook, which
 * runs with preemption disabled (and the irq hook in hard IRQ). The stub
 * refuses sleepable programs for every hook (check_member), the kernel
 * refuses sleepable fentry on the fallback hooks; the loader refuses the
 * sections before either sees them.
 */
#include "edu/edu.bpf.h"

SEC("struct_ops.s/request")
int BPF_PROG(sleepy_request, struct edu_request_ctx *req)
{
	return 0;
}

SEC("fentry.s/edu_fb_request")
int BPF_PROG(sleepy_request__fb, struct edu_request_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_sleepable = {
	.request = (void *)sleepy_request,
	.name = "test_sleepable",
};
