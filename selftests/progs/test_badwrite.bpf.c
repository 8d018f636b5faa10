// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: drvhook_write()s req->op, which the request hook's
 * contract keeps read-only. Its fentry twin needs the setter kfunc
 * edu_set_request_op(), which drvhook_edu does not have: the loader
 * refuses the policy before load, in both modes, naming the field.
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(badwrite_request, req)
{
	drvhook_write(req, op, EDU_OP_PING);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_badwrite = {
	.request = (void *)badwrite_request,
};
