// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: verdicts outside every hook's contract. request
 * answers 4242 (not 0 nor -errno), complete -70000 (below -MAX_ERRNO),
 * irq 9 (neither WAKE nor THREAD). The stub clamps each to the hook's
 * default and counts it: requests complete as if no policy were there.
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(verdict_request, req)
{
	return 4242;
}

EDU_IRQ(verdict_irq, irq)
{
	return 9;
}

EDU_COMPLETE(verdict_complete, cpl)
{
	return -70000;
}

SEC(".struct_ops.link")
struct edu_ops test_verdict = {
	.request = (void *)verdict_request,
	.irq = (void *)verdict_irq,
	.complete = (void *)verdict_complete,
	.name = "test_verdict",
};
