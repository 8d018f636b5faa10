// SPDX-License-Identifier: GPL-2.0-only
/*
 * quirks: a device quirk table, applied at probe. Each entry matches the
 * device identification register (under a mask) and the PCI revision
 * (QUIRK_ANY_REV: any) and gives the EDU_QUIRK_* the stub must apply;
 * the first match wins. A table in a policy, not in the driver: adding a
 * broken revision is a policy update, no kernel module rebuild.
 *
 * The table: QEMU's edu 1.0 (ident 0x010000ed) is run polled
 * (EDU_QUIRK_POLL, no interrupt at all): e.g. a platform whose MSI
 * routing is broken. A hypothetical edu 0.x revision 0 gets legacy INTx.
 *
 * Quirks act at probe: attach, then unbind and bind the device (policies
 * stay attached to the device id across rebinds).
 */
#include "edu.bpf.h"

#define QUIRK_ANY_REV	0xffffffffU

struct quirk {
	__u32 ident;
	__u32 ident_mask;
	__u32 revision;
	__u32 quirks;
};

/*
 * A global const volatile, so that it lands in .rodata with its BTF (and
 * a loader could patch it before load): a static const array goes to
 * .rodata.cst* with clang 14, which the kernel refuses as overlapping BTF.
 */
const volatile struct quirk quirk_table[] = {
	{ 0x010000ed, 0xffffffff, QUIRK_ANY_REV, EDU_QUIRK_POLL },
	{ 0x000000ed, 0xff0000ff, 0,		 EDU_QUIRK_NO_MSI },
};

#define NR_QUIRKS (sizeof(quirk_table) / sizeof(quirk_table[0]))

EDU_PROBE(quirks_probe, probe)
{
	__u32 ident = probe->dev.hw_ident, rev = probe->dev.revision;
	int i;

#pragma unroll
	for (i = 0; i < NR_QUIRKS; i++) {
		const volatile struct quirk *q = &quirk_table[i];

		if ((ident & q->ident_mask) != q->ident)
			continue;
		if (q->revision != QUIRK_ANY_REV && q->revision != rev)
			continue;
		drvhook_write(probe, quirks, probe->quirks | q->quirks);
		break;
	}
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops quirks = {
	.probe = (void *)quirks_probe,
	.name = "quirks",
};
