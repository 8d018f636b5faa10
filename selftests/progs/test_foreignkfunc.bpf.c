// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tracing program that is no drvhook policy (fentry on a kernel
 * function) calling the core's kfunc: refused at load where the kernel
 * has kfunc filters (6.5+); before, drvhook_fb_verdict() acts only for
 * the entry being dispatched (never here).
 */
#include "drvhook.bpf.h"

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(foreign, int a)
{
	drvhook_fb_verdict(-1);
	return 0;
}
