// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile test policy: its struct_ops map is not a struct edu_ops but
 * a look-alike type (edu_ops_evil: no <type>_ops name, the same members)
 * that no module registered. The loader must refuse it (exit 4) and name
 * the type.
 */
#include "edu/edu.bpf.h"

struct edu_ops_evil {
	int (*request)(struct edu_request_ctx *ctx);
	__u32 dev_id;
	char name[DRVHOOK_NAME_LEN];
};

EDU_REQUEST(wrongtype_request, req)
{
	return -EPERM;
}

SEC(".struct_ops.link")
struct edu_ops_evil test_wrongtype = {
	.request = (void *)wrongtype_request,
};
