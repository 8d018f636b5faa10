// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test policy for device type vdev (selftests/kmod/vdev/): its effect is
 * exact in both modes.
 *   submit: value 666 is refused with -EPERM; any other value is doubled
 *           (drvhook_write(): a store, or vdev_set_submit_value())
 *   notify: asks for a notification (1) when the answer is odd
 * So VDEV_IOC_SUBMIT of n answers 2n + VDEV_ADD, notified 0, and of 666
 * fails with EPERM; with no policy it answers n + VDEV_ADD.
 */
#include "vdev.bpf.h"

VDEV_SUBMIT(vdev_submit, req)
{
	if (req->value == 666)
		return -EPERM;
	drvhook_write(req, value, req->value * 2);
	return 0;
}

VDEV_NOTIFY(vdev_notify, n)
{
	return n->value & 1;
}

SEC(".struct_ops.link")
struct vdev_ops test_vdev = {
	.submit = (void *)vdev_submit,
	.notify = (void *)vdev_notify,
	.name = "test_vdev",
};
