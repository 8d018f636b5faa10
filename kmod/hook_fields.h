/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks' context fields and their contracts (include/drvhook.h), one
 * line each: DRVHOOK_RW for a field policies may write, DRVHOOK_RO for
 * the others. An X-macro list with no include guard (as
 * asm/kvm-x86-ops.h): the includer defines DRVHOOK_RO(HOOK, hook, field)
 * and DRVHOOK_RW(HOOK, hook, field), HOOK being the enum drvhook_hook
 * name without its prefix; this file undefines them.
 *
 * The write whitelist of both attach modes (drvhook_fields[], hook_core.c)
 * and the setter kfuncs drvhook_set_<hook>_<field>() (hook_fallback.c) are
 * both made from it: a field is writable in both modes or in neither.
 */
DRVHOOK_RO(PROBE, probe, dev)
DRVHOOK_RW(PROBE, probe, quirks)
DRVHOOK_RO(PROBE, probe, fb_cookie)

DRVHOOK_RO(REQUEST, request, dev)
DRVHOOK_RO(REQUEST, request, op)
DRVHOOK_RO(REQUEST, request, len)
DRVHOOK_RW(REQUEST, request, arg)
DRVHOOK_RO(REQUEST, request, pid)
DRVHOOK_RO(REQUEST, request, uid)
DRVHOOK_RO(REQUEST, request, fb_cookie)

DRVHOOK_RO(IRQ, irq, dev)
DRVHOOK_RO(IRQ, irq, status)
DRVHOOK_RO(IRQ, irq, inflight)
DRVHOOK_RO(IRQ, irq, count)
DRVHOOK_RO(IRQ, irq, fb_cookie)

DRVHOOK_RO(COMPLETE, complete, dev)
DRVHOOK_RO(COMPLETE, complete, op)
DRVHOOK_RO(COMPLETE, complete, status)
DRVHOOK_RW(COMPLETE, complete, result)
DRVHOOK_RO(COMPLETE, complete, len)
DRVHOOK_RO(COMPLETE, complete, fb_cookie)

#undef DRVHOOK_RO
#undef DRVHOOK_RW
