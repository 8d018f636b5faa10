// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: its struct_ops map is not a struct drvhook_ops but
 * a look-alike type the stub never registered. The loader must refuse it
 * (exit 4) and name the type.
 */
#include "drvhook.bpf.h"

struct drvhook_ops_evil {
	int (*request)(struct drvhook_request *ctx);
	__u32 dev_id;
	char name[DRVHOOK_NAME_LEN];
};

DRVHOOK_REQUEST(wrongtype_request, req)
{
	return -EPERM;
}

SEC(".struct_ops.link")
struct drvhook_ops_evil test_wrongtype = {
	.request = (void *)wrongtype_request,
};
