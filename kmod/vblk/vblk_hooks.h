/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vblk type's hooks and their contracts (include/drvhook/vblk.h):
 * the list of ../core/drvhook_type.h; no include guard.
 */
DRVHOOK_HOOK(probe, VBLK_HOOK_PROBE, vblk_probe_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(probe, dev)
DRVHOOK_RO(probe, capacity)
DRVHOOK_RO(probe, block_size)
DRVHOOK_RO(probe, features)
DRVHOOK_RO(probe, nr_queues)
DRVHOOK_RW(probe, read_only)
DRVHOOK_RW(probe, queue_depth)
DRVHOOK_RW(probe, max_sectors)
DRVHOOK_RO(probe, fb_cookie)

DRVHOOK_HOOK(request, VBLK_HOOK_REQUEST, vblk_request_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(request, dev)
DRVHOOK_RO(request, op)
DRVHOOK_RO(request, nr_sectors)
DRVHOOK_RO(request, sector)
DRVHOOK_RO(request, cgroup_id)
DRVHOOK_RW(request, ioprio)
DRVHOOK_RO(request, fb_cookie)

DRVHOOK_HOOK(complete, VBLK_HOOK_COMPLETE, vblk_complete_ctx, DRVHOOK_VERDICT_ERRNO)
DRVHOOK_RO(complete, dev)
DRVHOOK_RO(complete, op)
DRVHOOK_RO(complete, nr_sectors)
DRVHOOK_RO(complete, sector)
DRVHOOK_RO(complete, cgroup_id)
DRVHOOK_RO(complete, latency_ns)
DRVHOOK_RW(complete, status)
DRVHOOK_RO(complete, fb_cookie)
