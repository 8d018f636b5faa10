/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The edu type's hooks and their contracts (include/drvhook/edu.h): each
 * hook with its id, context struct and verdict rule, then the context's
 * fields, DRVHOOK_RW for those policies may write. The list of
 * ../core/drvhook_type.h; no include guard.
 */
DRVHOOK_HOOK(probe, EDU_HOOK_PROBE, edu_probe_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(probe, dev)
DRVHOOK_RW(probe, quirks)
DRVHOOK_RO(probe, fb_cookie)

DRVHOOK_HOOK(request, EDU_HOOK_REQUEST, edu_request_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(request, dev)
DRVHOOK_RO(request, op)
DRVHOOK_RO(request, len)
DRVHOOK_RW(request, arg)
DRVHOOK_RO(request, pid)
DRVHOOK_RO(request, uid)
DRVHOOK_RO(request, fb_cookie)

DRVHOOK_HOOK(irq, EDU_HOOK_IRQ, edu_irq_ctx, DRVHOOK_VERDICT_MAX(EDU_IRQ_THREAD))
DRVHOOK_RO(irq, dev)
DRVHOOK_RO(irq, status)
DRVHOOK_RO(irq, inflight)
DRVHOOK_RO(irq, count)
DRVHOOK_RO(irq, fb_cookie)

DRVHOOK_HOOK(complete, EDU_HOOK_COMPLETE, edu_complete_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(complete, dev)
DRVHOOK_RO(complete, op)
DRVHOOK_RO(complete, status)
DRVHOOK_RW(complete, result)
DRVHOOK_RO(complete, len)
DRVHOOK_RO(complete, fb_cookie)
