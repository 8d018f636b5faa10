/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build variants of drvhook_edu for make bench, and the bench ioctl
 * (bench.c). Only edu.c includes this. The default build has none of it:
 * hooks through the hook core, EDU_IOC_BENCH answered with -ENOTTY, no
 * upcall device.
 *
 *   DRVHOOK_HOOKS=n            no hook on the hot path: edu.c's hook sites
 *                              compile to nothing (the bench's floor)
 *   DRVHOOK_CPOLICY=admission  bpf/edu/admission.bpf.c written in C and
 *                              called directly from the request hook site,
 *                              no hook core on the hot path (the "no BPF"
 *                              reference)
 *   DRVHOOK_FLOOR=y            the first policy's request program called
 *                              straight from the hook site (the floor the
 *                              hook core's dispatch is measured against)
 *   DRVHOOK_BENCH=y            EDU_IOC_BENCH and /dev/drvhook_upcall
 *
 * In the first two variants the type is still registered (class, device
 * ids, control plane) and policies may attach; they are just never
 * called. In the floor variant policies attach as usual and the probe,
 * irq and complete hooks go through the hook core; only the request hook
 * bypasses it (below).
 */
#ifndef _DRVHOOK_EDU_BENCH_H
#define _DRVHOOK_EDU_BENCH_H

#include "edu_type.h"

/* The request hook part of edu_request() (edu.c). */
int edu_request_hook(struct drvhook_dev *hd, u32 op, u64 *arg, u32 len);

/* bpf/edu/admission.bpf.c in C (bench.c) */
int drvhook_cpolicy_request(struct edu_request_ctx *ctx);

#if defined(DRVHOOK_NO_HOOKS) || defined(DRVHOOK_CPOLICY_ADMISSION)

#ifdef DRVHOOK_CPOLICY_ADMISSION
#define DRVHOOK_CPOLICY_HOOKS	BIT(EDU_HOOK_REQUEST)
#else
#define DRVHOOK_CPOLICY_HOOKS	0
#endif

/* edu_hook_has() and edu_hook_run() of drvhook_type.h, for edu.c */
static inline bool edu_variant_has(const struct drvhook_dev *hd,
				   enum edu_hook h)
{
	return DRVHOOK_CPOLICY_HOOKS & BIT(h);
}

static inline int edu_variant_run(struct drvhook_dev *hd, enum edu_hook h,
				  void *ctx, void *data, u32 len)
{
	if (edu_variant_has(hd, h))
		return drvhook_cpolicy_request(ctx);
	return 0;
}

#define edu_hook_has	edu_variant_has
#define edu_hook_run	edu_variant_run

#elif defined(DRVHOOK_FLOOR)

/*
 * The floor of the request hook: what a driver calling its own struct_ops
 * type would do. The first policy's request program, called straight from
 * the hook site on every request: no static key, no chain walk, no
 * per-policy counters, no verdict clamping, no per-CPU dispatch record
 * (so a policy calling the core's kfuncs gets nothing from them here: for
 * trivial policies only). Preemption off is the RCU read-side section
 * that keeps the ops alive, as in drvhook_run(). The context is built as
 * in the default build (edu_request_hook_run()), even with no policy.
 */
static inline bool edu_variant_has(const struct drvhook_dev *hd,
				   enum edu_hook h)
{
	return h == EDU_HOOK_REQUEST || edu_hook_has(hd, h);
}

static inline int edu_variant_run(struct drvhook_dev *hd, enum edu_hook h,
				  void *ctx, void *data, u32 len)
{
	const struct edu_ops *ops;
	int verdict = 0;

	if (h != EDU_HOOK_REQUEST)
		return edu_hook_run(hd, h, ctx, data, len);
	preempt_disable();
	ops = drvhook_first_ops(hd);
	if (ops && ops->request)
		verdict = ops->request(ctx);
	preempt_enable();
	return verdict;
}

#define edu_hook_has	edu_variant_has
#define edu_hook_run	edu_variant_run
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
