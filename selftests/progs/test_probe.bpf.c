// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test policy: the probe hook refuses a device by its PCI revision. The
 * device's probe fails with the verdict (-ENODEV: the driver does not
 * take it) and it stays unbound. Which revision: `set refuse_revision=N`
 * (default: none).
 */
#include "edu/edu.bpf.h"

const volatile __u32 refuse_revision = 0xffffffff;

EDU_PROBE(probe_refuse, probe)
{
	if (probe->dev.revision == refuse_revision)
		return -ENODEV;
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops test_probe = {
	.probe = (void *)probe_refuse,
	.name = "test_probe",
};
