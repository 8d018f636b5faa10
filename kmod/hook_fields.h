/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks' context fields and their contracts (include/drvhook.h), one
 * line each: DRVHOOK_RW for a field policies may write, DRVHOOK_RO for
 * the others. An X-macro list with no include guard (as
 * asm/kvm-x86-ops.h): the includer defines DRVHOOK_RO(hook, field, HOOK)
 * and DRVHOOK_RW(hook, field, HOOK), HOOK being the enum drvhook_hook
 * name without its prefix, last so that an includer which needs only
 * the hook and field takes (hook, field, ...); this file undefines them.
 *
 * The write whitelist of both attach modes (drvhook_fields[], hook_core.c)
 * and the setter kfuncs drvhook_set_<hook>_<field>() (hook_fallback.c) are
 * both made from it: a field is writable in both modes or in neither.
 */
DRVHOOK_RO(probe, dev, PROBE)
DRVHOOK_RW(probe, quirks, PROBE)
DRVHOOK_RO(probe, fb_cookie, PROBE)

DRVHOOK_RO(request, dev, REQUEST)
DRVHOOK_RO(request, op, REQUEST)
DRVHOOK_RO(request, len, REQUEST)
DRVHOOK_RW(request, arg, REQUEST)
DRVHOOK_RO(request, pid, REQUEST)
DRVHOOK_RO(request, uid, REQUEST)
DRVHOOK_RO(request, fb_cookie, REQUEST)

DRVHOOK_RO(irq, dev, IRQ)
DRVHOOK_RO(irq, status, IRQ)
DRVHOOK_RO(irq, inflight, IRQ)
DRVHOOK_RO(irq, count, IRQ)
DRVHOOK_RO(irq, fb_cookie, IRQ)

DRVHOOK_RO(complete, dev, COMPLETE)
DRVHOOK_RO(complete, op, COMPLETE)
DRVHOOK_RO(complete, status, COMPLETE)
DRVHOOK_RW(complete, result, COMPLETE)
DRVHOOK_RO(complete, len, COMPLETE)
DRVHOOK_RO(complete, fb_cookie, COMPLETE)

#undef DRVHOOK_RO
#undef DRVHOOK_RW
