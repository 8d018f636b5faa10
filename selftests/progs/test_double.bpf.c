// SPDX-License-Identifier: GPL-2.0-only
/* Test policy: FACT n is rewritten to 2n, to show the run order. */
#include "edu/edu.bpf.h"

EDU_REQUEST(double_request, req)
{
	if (req->op == EDU_OP_FACT)
		drvhook_write(req, arg, req->arg * 2);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_double = {
	.request = (void *)double_request,
	.name = "test_double",
};
