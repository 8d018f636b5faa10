/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel structures the policies read, declared minimally for CO-RE (no
 * vmlinux.h: the fields named here are all a policy depends on), and every
 * kernel-version shim on the BPF side, each dated with the kernel it
 * serves.
 */
#ifndef __DRVHOOK_COMPAT_BPF_H
#define __DRVHOOK_COMPAT_BPF_H

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
typedef struct {
	__u32 val;
} kuid_t;

struct cred {
	kuid_t uid;
	kuid_t euid;
};

struct task_struct {
	int pid;
	int tgid;
	const struct cred *cred;
	char comm[16];
};
#pragma clang attribute pop

#endif
