/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The policies' host build (make check's unit tests, selftests/unit/):
 * bpf/drvhook.bpf.h includes this instead of the core's kfuncs when
 * DRVHOOK_HOST_TEST is defined. Each hook body (DRVHOOK_DEFINE_HOOK())
 * becomes, besides its struct_ops program (kept so the object stays a
 * policy, not loaded), a BPF_PROG_TYPE_SYSCALL program <name>__test that
 * BPF_PROG_TEST_RUN runs on the host kernel: its context is the test's
 * buffer (the plain DRVHOOK_NO_CORE layout of the type's UAPI header,
 * e.g. include/drvhook/edu.h), written back after the run. The DMA data
 * kfuncs act on test_data[] in .bss. No fentry twin: drvhook_write() is
 * the store, its setter-kfunc call (the type header's __drvhook_set()) is
 * dead code and leaves no extern in the object.
 */
#ifndef __DRVHOOK_HOSTTEST_BPF_H
#define __DRVHOOK_HOSTTEST_BPF_H

#define DRVHOOK_TEST_DATA_MAX	4096

/* As the core's kfuncs (kmod/core/): little-endian words, a
 * partial last word zero-padded. 8 spare bytes keep every load in bounds. */
__u8 drvhook_test_data[DRVHOOK_TEST_DATA_MAX + 8];
__u32 drvhook_test_data_len;

static __always_inline __u32 drvhook_data_len(void)
{
	return drvhook_test_data_len;
}

static __always_inline __u64 drvhook_data_load(__u32 off)
{
	__u32 len = drvhook_test_data_len;
	__u64 v;

	if (len > DRVHOOK_TEST_DATA_MAX || off >= len)
		return 0;
	v = *(__u64 *)&drvhook_test_data[off & (DRVHOOK_TEST_DATA_MAX - 1)];
	if (len - off < 8)
		v &= (1ULL << ((len - off) * 8)) - 1;
	return v;
}

static __always_inline int drvhook_data_store(__u32 off, __u64 val)
{
	__u32 len = drvhook_test_data_len, i;

	if (len > DRVHOOK_TEST_DATA_MAX || off >= len)
		return -34;	/* ERANGE */
	for (i = 0; i < 8 && off + i < len; i++)
		drvhook_test_data[(off + i) & (DRVHOOK_TEST_DATA_MAX - 1)] = val >> (i * 8);
	return 0;
}


#define __DRVHOOK_TWIN(T, H, ctx_t, name, ctx)				\
SEC("syscall")								\
int name##__test(ctx_t *ctx)						\
{									\
	return __drvhook_body_##name(ctx, false);			\
}

#endif
