// SPDX-License-Identifier: GPL-2.0
/*
 * edustress hold, edustress nodetach: a BPF link another process holds,
 * and the answer Linux 6.9 and 6.10 give BPF_LINK_DETACH on a struct_ops
 * link, for the detach tests (t_loader.sh).
 *
 * No kernel of the matrix has module struct_ops without struct_ops link
 * detach (6.1: no struct_ops; 6.12, 7.3: both). nodetach makes one
 * syscall answer as those kernels do (a seccomp filter: bpf(BPF_LINK_DETACH)
 * fails with EOPNOTSUPP, link_detach() for a link without a detach op);
 * everything else is the running kernel's: the link lives while a
 * reference does, and the chain the stub shows is the real one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "edustress.h"

/* Opens the link pinned at @pin, writes @ready, and waits to be killed. */
int cmd_hold(const char *pin, const char *ready)
{
	int fd = bpf_obj_get(pin), rfd;

	if (fd < 0)
		return perror("edustress hold: bpf_obj_get"), 1;
	rfd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rfd < 0)
		return perror("edustress hold: ready file"), 1;
	dprintf(rfd, "%d\n", getpid());
	close(rfd);
	for (;;)
		pause();
}

/* Runs @argv with bpf(BPF_LINK_DETACH, ...) failing with EOPNOTSUPP. */
int cmd_nodetach(char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPF_LINK_DETACH, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EOPNOTSUPP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return perror("edustress nodetach: seccomp"), 1;
	execvp(argv[0], argv);
	perror("edustress nodetach: exec");
	return 127;
}
