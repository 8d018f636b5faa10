// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test policy: one of each verdict kind, so a test sees it acting.
 *   request:  PING 0xdead is denied with -EACCES; FACT n is rewritten to n+1
 *   complete: PING result is inverted back (userspace sees its own value);
 *             DMA data read from the device is XORed with 0x5a
 */
#include "edu/edu.bpf.h"

EDU_REQUEST(basic_request, req)
{
	if (req->op == EDU_OP_PING && req->arg == 0xdead)
		return -EACCES;
	if (req->op == EDU_OP_FACT)
		drvhook_write(req, arg, req->arg + 1);
	return 0;
}

EDU_COMPLETE(basic_complete, cpl)
{
	__u32 off, len;

	if (cpl->op == EDU_OP_PING)
		drvhook_write(cpl, result, ~cpl->result & 0xffffffff);
	if (cpl->op != EDU_OP_DMA_FROM_DEV)
		return 0;
	len = drvhook_data_len();
	for (off = 0; off < EDU_DMA_SIZE && off < len; off += 8)
		drvhook_data_store(off, drvhook_data_load(off) ^ 0x5a5a5a5a5a5a5a5aULL);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_basic = {
	.request = (void *)basic_request,
	.complete = (void *)basic_complete,
	.name = "test_basic",
};
