// SPDX-License-Identifier: GPL-2.0-only
/*
 * checksum: post-processing of DMA reads. For every DMA_FROM_DEV request
 * that completed, the complete hook folds the data read from the device
 * into a checksum, 64-bit little-endian words (a last partial word padded
 * with zeros, as drvhook_data_load() gives it): their sum mod 2^64 and
 * their XOR. The data itself is delivered unchanged.
 *
 * Map cksum_last (array, key: device id) holds, per device, the last
 * request's sum, xor and length and the number of checksummed requests,
 * for userspace to check against its own copy of the data
 * (edutest dmasum).
 */
#include <linux/bpf.h>
#include "edu.bpf.h"

struct cksum {
	__u64 sum;
	__u64 xor;
	__u32 len;
	__u32 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DRVHOOK_MAX_DEVS);
	__type(key, __u32);
	__type(value, struct cksum);
} cksum_last SEC(".maps");

EDU_COMPLETE(checksum_complete, cpl)
{
	__u64 sum = 0, xor = 0, w;
	__u32 i, len, id = cpl->dev.id;
	struct cksum *c;

	if (cpl->op != EDU_OP_DMA_FROM_DEV || cpl->status)
		return 0;
	len = drvhook_data_len();
	for (i = 0; i < EDU_DMA_SIZE / 8; i++) {	/* bounded: 512 words */
		if (i * 8 >= len)
			break;
		w = drvhook_data_load(i * 8);
		sum += w;
		xor ^= w;
	}
	c = bpf_map_lookup_elem(&cksum_last, &id);
	if (!c)
		return 0;
	c->sum = sum;
	c->xor = xor;
	c->len = len;
	__sync_fetch_and_add(&c->count, 1);
	return 0;
}

SEC(".struct_ops.link")
struct edu_ops checksum = {
	.complete = (void *)checksum_complete,
	.name = "checksum",
};
