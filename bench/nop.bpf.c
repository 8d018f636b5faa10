// SPDX-License-Identifier: GPL-2.0-only
/*
 * nop: make bench's trivial policy. Its request program returns 0 and
 * does nothing else, so what it costs is the mechanism that calls it: the
 * floor (the program called straight from the hook site, DRVHOOK_FLOOR=y)
 * and the chains of 1, 2, 4, 8 and 15 of it (bench/guest-run).
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(nop_request, req)
{
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops nop = {
	.request = (void *)nop_request,
};
