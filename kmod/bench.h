/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build variants for make bench, and the bench ioctl (bench.c). Only edu.c
 * includes this. The default build has none of it: hooks through the hook
 * core, EDU_IOC_BENCH answered with -ENOTTY, no upcall device.
 *
 *   DRVHOOK_HOOKS=n            no hook on the hot path: edu.c's hook sites
 *                              compile to nothing (the bench's floor)
 *   DRVHOOK_CPOLICY=admission  bpf/admission.bpf.c written in C and called
 *                              directly from the request hook site, no hook
 *                              core on the hot path (the "no BPF" reference)
 *   DRVHOOK_BENCH=y            EDU_IOC_BENCH and /dev/drvhook_upcall
 *
 * In both variants the hook core is still built (class, device ids,
 * ioctls) and policies may attach; they are just never called.
 */
#ifndef _DRVHOOK_BENCH_H
#define _DRVHOOK_BENCH_H

#include "hook_core.h"

/* The request hook part of edu_request() (edu.c). */
int edu_request_hook(struct drvhook_dev *hd, u32 op, u64 *arg, u32 len);

/* bpf/admission.bpf.c in C (bench.c) */
int drvhook_cpolicy_request(struct drvhook_request *ctx);

#if defined(DRVHOOK_NO_HOOKS) || defined(DRVHOOK_CPOLICY_ADMISSION)

#ifdef DRVHOOK_CPOLICY_ADMISSION
#define DRVHOOK_CPOLICY_HOOKS	BIT(DRVHOOK_REQUEST)
#else
#define DRVHOOK_CPOLICY_HOOKS	0
#endif

/* drvhook_has() and drvhook_run() of hook_core.h, for edu.c's hook sites */
static inline bool drvhook_variant_has(const struct drvhook_dev *hd,
				       enum drvhook_hook h)
{
	return DRVHOOK_CPOLICY_HOOKS & BIT(h);
}

static inline int drvhook_variant_run(struct drvhook_dev *hd,
				      enum drvhook_hook h, void *ctx,
				      void *data, u32 len)
{
	if (drvhook_variant_has(hd, h))
		return drvhook_cpolicy_request(ctx);
	return 0;
}

#define drvhook_has	drvhook_variant_has
#define drvhook_run	drvhook_variant_run
#endif

#ifdef DRVHOOK_BENCH
long drvhook_bench_ioctl(struct drvhook_dev *hd, void __user *uarg);
int drvhook_bench_init(void);
void drvhook_bench_exit(void);
#else
static inline long drvhook_bench_ioctl(struct drvhook_dev *hd,
				       void __user *uarg)
{
	return -ENOTTY;
}

static inline int drvhook_bench_init(void)
{
	return 0;
}

static inline void drvhook_bench_exit(void)
{
}
#endif

#endif
