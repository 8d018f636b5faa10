// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: reads a context field the running stub lacks
 * (edu_request_ctx.priority, of some future stub), without asking
 * bpf_core_field_exists() first. CO-RE cannot relocate the access: the
 * load must be refused, naming the field, and nothing attached.
 */
#include "edu/edu.bpf.h"

struct edu_request_ctx___future {
	__u32 priority;
} __attribute__((preserve_access_index));

EDU_REQUEST(newfield_request, req)
{
	struct edu_request_ctx___future *f = (void *)req;

	if (f->priority > 3)
		return -EBUSY;
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_newfield = {
	.request = (void *)newfield_request,
	.name = "test_newfield",
};
