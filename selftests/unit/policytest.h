/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What policytest.c's cases share with the cases of other files
 * (vblk_policies.c): loading a policy's host build, running a hook body,
 * reading its maps and .bss, TAP lines.
 */
#ifndef POLICYTEST_H
#define POLICYTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <bpf/libbpf.h>

enum kfuncs { KFUNCS_KERNEL, KFUNCS_NONE };

extern const char *dir;

void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skip(const char *what, const char *why);

#define expect_eq(what, want, got)					\
	do {								\
		long long __w = (want), __g = (got);			\
		ok(__w == __g, "%s", what);				\
		if (__w != __g)						\
			printf("#   want %lld, got %lld\n", __w, __g);	\
	} while (0)

struct bpf_object *load(const char *name, const char *const *sets,
			enum kfuncs kf);
int run(struct bpf_object *obj, const char *prog, void *ctx, size_t sz);
int lookup(struct bpf_object *obj, const char *map, __u32 key, void *val,
	   size_t sz);
int bss_get(struct bpf_object *obj, const char *name, void *val, size_t len);
const char *setter_externs(const char *path, char *buf, size_t len);

void t_vblk(void);

#endif
