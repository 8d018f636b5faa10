// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: reads past the end of its context struct (a kernel
 * stack object). The verifier must refuse it in both modes.
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(oob_request, req)
{
	volatile __u64 *p = (volatile __u64 *)req;

	return p[64] == 42 ? -EPERM : 0;
}

SEC(".struct_ops.link")
struct edu_ops test_oob = {
	.request = (void *)oob_request,
	.name = "test_oob",
};
