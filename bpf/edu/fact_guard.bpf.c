// SPDX-License-Identifier: GPL-2.0-only
/*
 * fact_guard: the edu device computes factorials in a 32-bit register, so
 * 13! and above come back silently truncated. This policy refuses such
 * requests with ERANGE before they reach the hardware.
 */
#include "edu.bpf.h"

EDU_REQUEST(fact_guard_request, req)
{
	if (req->op == EDU_OP_FACT && req->arg > 12)
		return -ERANGE;
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops fact_guard = {
	.request = (void *)fact_guard_request,
};
