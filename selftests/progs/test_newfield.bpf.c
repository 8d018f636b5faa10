// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: reads a context field the running stub lacks
 * (drvhook_request.priority, of some future stub), without asking
 * bpf_core_field_exists() first. CO-RE cannot relocate the access: the
 * load must be refused, naming the field, and nothing attached.
 */
#include "drvhook.bpf.h"

struct drvhook_request___future {
	__u32 priority;
} __attribute__((preserve_access_index));

DRVHOOK_REQUEST(newfield_request, req)
{
	struct drvhook_request___future *f = (void *)req;

	if (f->priority > 3)
		return -EBUSY;
	return 0;
}

SEC(".struct_ops.link")
struct drvhook_ops test_newfield = {
	.request = (void *)newfield_request,
	.name = "test_newfield",
};
