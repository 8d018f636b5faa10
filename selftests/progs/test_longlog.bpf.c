// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy with a long verifier log: some 70 instructions of
 * arithmetic on the request's argument, then test_oob's read past the end
 * of the context. Refused in both modes, with a log far longer than the
 * 10 lines the loader prints without -d (t_loader checks that -d prints
 * all of it).
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(longlog_request, req)
{
	volatile __u64 *p = (volatile __u64 *)req;
	__u64 x = req->arg;
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < 12; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return p[64] == x ? -EPERM : 0;
}

SEC(".struct_ops.link")
struct edu_ops test_longlog = {
	.request = (void *)longlog_request,
	.name = "test_longlog",
};
