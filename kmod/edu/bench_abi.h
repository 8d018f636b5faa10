/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * make bench's interfaces of drvhook_edu: not installed, not part of the
 * edu ABI (include/drvhook/edu.h). Included by the module's bench.c and
 * edu.c, and by bench/ and selftests/ tools.
 */
#ifndef _DRVHOOK_EDU_BENCH_ABI_H
#define _DRVHOOK_EDU_BENCH_ABI_H

#include "../../include/drvhook/edu.h"

/*
 * Benchmarks (make bench): only in a stub built with DRVHOOK_BENCH=y; the
 * default build answers EDU_IOC_BENCH with ENOTTY. EDU_IOC_BENCH runs the
 * request path's hook part (whatever the build has there: the hook core,
 * nothing, or the C reference policy) 'iters' times in a ktime loop,
 * without the hardware. Needs CAP_SYS_ADMIN.
 */
struct edu_bench {
	__u32 op;		/* enum edu_op the requests carry */
	__u32 iters;		/* 1..EDU_BENCH_MAX_ITERS */
	__u32 path;		/* EDU_BENCH_* */
	__u32 pad;
	__u64 ns;		/* out: the loop's duration */
	__u64 refused;		/* out: iterations with a nonzero verdict */
};

#define EDU_BENCH_HOOK		0	/* the request hook part only */
#define EDU_BENCH_UPCALL	1	/* then an upcall to a daemon, below */
#define EDU_BENCH_MAX_ITERS	(1U << 24)

#define EDU_IOC_BENCH	_IOWR(EDU_IOC_MAGIC, 6, struct edu_bench)

/*
 * The upcall alternative (DRVHOOK_BENCH=y): /dev/drvhook_upcall. A daemon
 * read()s one request, decides, and write()s the same struct back with
 * 'verdict' set (0 or -errno); the request waits for it (1 s at most).
 * Without a daemon an upcall fails with ENOTCONN.
 */
struct drvhook_upcall {
	__u64 seq;		/* echo it in the answer */
	__u32 dev_id;
	__u32 op;		/* enum edu_op */
	__u64 arg;
	__u32 pid;		/* tgid of the requester */
	__u32 uid;
	__u32 euid;
	__s32 verdict;		/* the answer */
	__u64 cgid;		/* the requester's cgroup (v2) id */
	__u64 parent_cgid;	/* its parent's, 0 at the root */
};

#endif
