/* SPDX-License-Identifier: GPL-2.0 */
/* The vdev type's hooks (vdev.h); the list of drvhook_type.h. */
DRVHOOK_HOOK(submit, VDEV_HOOK_SUBMIT, vdev_submit_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(submit, dev)
DRVHOOK_RW(submit, value)
DRVHOOK_RO(submit, fb_cookie)

DRVHOOK_HOOK(notify, VDEV_HOOK_NOTIFY, vdev_notify_ctx, DRVHOOK_VERDICT_MAX(1))
DRVHOOK_RO(notify, dev)
DRVHOOK_RO(notify, value)
DRVHOOK_RO(notify, fb_cookie)
