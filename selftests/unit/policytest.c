// SPDX-License-Identifier: GPL-2.0-only
/*
 * policytest: make check's host unit tests of the shipped policies, run
 * before any VM boots.
 *
 * Each policy's host build (build/bpf-host/, see drvhook_hosttest.bpf.h)
 * is loaded on the host kernel and its hook bodies are run through
 * BPF_PROG_TEST_RUN with contexts made here: the policies' real BPF code,
 * their settings set the way the loader sets them (loader/vars.c), their
 * CO-RE reads of the host kernel's task, cred and cgroup structs. No
 * drvhook module is involved (the guest tests cover them). And the
 * context writes of the real objects (build/bpf/) against drvhook_edu's
 * contract, the loader's check (loader/vars.c) with a stand-in for the
 * module's BTF and its type line (/sys/class/drvhook/types).
 * TAP on stdout.
 *
 *	policytest [DIR]	DIR: the host build (default build/bpf-host)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "drvhook/edu.h"
#include "policytest.h"

/* the module of device type edu, whose BTF has its kfuncs */
#define EDU_MODULE	"drvhook_edu"

const char *dir = "build/bpf-host";
static int tests, failed;

/* loader/vars.c reports through these */
static void note(const char *fmt, va_list ap)
{
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static char last_fail[1024];

int fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_fail, sizeof(last_fail), fmt, ap);
	va_end(ap);
	printf("# %s\n", last_fail);
	return code;
}

void fail_detail(const char *line)
{
	printf("#   %s\n", line);
}

int err_code(void)
{
	return EXIT_FAIL;
}

/* loader/vars.c reads the kernel's BTF through these (loader/types.c) */
struct btf *vmlinux_btf(void)
{
	static struct btf *btf;

	if (!btf)
		btf = btf__load_vmlinux_btf();
	return btf;
}

/* The host runs no drvhook module: its optional kfuncs are vmlinux's. */
struct btf *module_btf(const char *module)
{
	(void)module;
	return NULL;
}

void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%sok %d - ", cond ? "" : "not ", ++tests);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failed += !cond;
}

void skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tests, what, why);
}

/*
 * Opens and loads policy @name: only its syscall programs, no struct_ops
 * map, the settings @sets (NULL-terminated) and the optional-kfunc flags
 * from the host kernel's BTF, or all 0 with KFUNCS_NONE.
 */
struct bpf_object *load(const char *name, const char *const *sets,
			       enum kfuncs kf)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, name);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, bpf_program__type(p) == BPF_PROG_TYPE_SYSCALL);
	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			bpf_map__set_autocreate(m, false);
	for (; sets && *sets; sets++)
		if (pobj_set_var(obj, path, *sets))
			goto err;
	if (kf == KFUNCS_KERNEL && pobj_set_kfunc_flags(obj, EDU_MODULE))
		goto err;
	if (bpf_object__load(obj)) {
		printf("# cannot load %s: %s\n", path, strerror(errno));
		goto err;
	}
	return obj;
err:
	bpf_object__close(obj);
	return NULL;
}

/* Runs program @prog on context @ctx (written back): its verdict. */
int run(struct bpf_object *obj, const char *prog, void *ctx, size_t sz)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog);
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = sz);

	if (!p || bpf_prog_test_run_opts(bpf_program__fd(p), &o)) {
		printf("# test run of %s: %s\n", prog, p ? strerror(errno) : "no such program");
		return -10000;
	}
	return (int)o.retval;
}

int lookup(struct bpf_object *obj, const char *map, __u32 key, void *val,
		  size_t sz)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, map);

	return m ? bpf_map__lookup_elem(m, &key, sizeof(key), val, sz, 0) : -ENOENT;
}

/*
 * Finds variable @name of the loaded object's .bss, @len bytes (at most
 * @len unless @exact): its offset in *@data, a copy of the .bss the caller
 * frees, or -ENOENT.
 */
static int bss_find(struct bpf_object *obj, const char *name, size_t len, bool exact,
		    char **data, __u32 *sz)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".bss");
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	__u32 zero = 0;
	int id, i;

	*data = NULL;
	id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	if (id < 0 || !m)
		return -ENOENT;
	*sz = bpf_map__value_size(m);
	*data = calloc(1, *sz);
	if (!*data || bpf_map__lookup_elem(m, &zero, sizeof(zero), *data, *sz, 0))
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off), name) &&
		    (exact ? len == vs->size : len <= vs->size))
			return vs->offset;
	return -ENOENT;
}

/* Sets variable @name of the loaded object's .bss to @len bytes of @val. */
static int bss_set(struct bpf_object *obj, const char *name, const void *val, size_t len)
{
	__u32 zero = 0, sz;
	char *data;
	int off, r;

	off = bss_find(obj, name, len, false, &data, &sz);
	r = off;
	if (off >= 0) {
		memcpy(data + off, val, len);
		r = bpf_map__update_elem(bpf_object__find_map_by_name(obj, ".bss"),
					 &zero, sizeof(zero), data, sz, 0);
	}
	free(data);
	return r;
}

/* Reads variable @name of the loaded object's .bss: 0, or -ENOENT. */
int bss_get(struct bpf_object *obj, const char *name, void *val, size_t len)
{
	char *data;
	__u32 sz;
	int off;

	off = bss_find(obj, name, len, true, &data, &sz);
	if (off >= 0)
		memcpy(val, data + off, len);
	free(data);
	return off < 0 ? off : 0;
}

static void t_fact_guard(void)
{
	struct bpf_object *obj = load("fact_guard", NULL, KFUNCS_KERNEL);
	struct edu_request_ctx r = { .op = EDU_OP_FACT, .arg = 12 };

	ok(obj, "fact_guard: loads on the host kernel");
	if (!obj)
		return;
	expect_eq("fact_guard: fact 12 passes", 0, run(obj, "fact_guard_request__test", &r, sizeof(r)));
	r.arg = 13;
	expect_eq("fact_guard: fact 13 refused with -ERANGE", -ERANGE,
		  run(obj, "fact_guard_request__test", &r, sizeof(r)));
	r.op = EDU_OP_PING;
	r.arg = 1000;
	expect_eq("fact_guard: a ping passes whatever its value", 0,
		  run(obj, "fact_guard_request__test", &r, sizeof(r)));
	bpf_object__close(obj);
}

/* What admission.bpf.c records in adm_seen */
struct adm_seen {
	__u32 euid, uid;
	__u64 cgid, parent_cgid;
	__u32 parent_field, ctx_uid, subtree_via, in_subtree;
};

/*
 * A cgroup v2 subtree for the cgroup rules: <cgroup2>/drvhook-unit-<pid>/
 * inner/deep, this process moved into deep (and back by cg_leave()).
 * Mounts cgroup2 on a temporary directory if the host has no mount of it.
 */
static char cg_root[256], cg_orig[800], cg_top[512], cg_tmpmnt[64];

static int cg_write_pid(const char *dir)
{
	char path[600];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	r = fprintf(f, "%d\n", getpid()) < 0;
	return fclose(f) || r ? -1 : 0;
}

static int cg_enter(char *deep, size_t len)
{
	char line[512], dev[64], mnt[256], type[64];
	FILE *f = fopen("/proc/mounts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %255s %63s", dev, mnt, type) == 3 &&
		    !strcmp(type, "cgroup2") && !cg_root[0])
			snprintf(cg_root, sizeof(cg_root), "%s", mnt);
	if (f)
		fclose(f);
	if (!cg_root[0]) {
		snprintf(cg_tmpmnt, sizeof(cg_tmpmnt), "/tmp/policytest-cg.XXXXXX");
		if (!mkdtemp(cg_tmpmnt) || mount("cgroup2", cg_tmpmnt, "cgroup2", 0, NULL))
			return -1;
		snprintf(cg_root, sizeof(cg_root), "%s", cg_tmpmnt);
	}
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(cg_orig, sizeof(cg_orig), "%s%s", cg_root, line + 3);
		}
	if (f)
		fclose(f);
	snprintf(cg_top, sizeof(cg_top), "%s/drvhook-unit-%d", cg_root, getpid());
	snprintf(deep, len, "%s/inner/deep", cg_top);
	if (!cg_orig[0] || mkdir(cg_top, 0755) ||
	    mkdir(strcat(strcpy(line, cg_top), "/inner"), 0755) ||
	    mkdir(deep, 0755) || cg_write_pid(deep))
		return -1;
	return 0;
}

static void cg_leave(const char *deep)
{
	char inner[600];

	if (cg_orig[0])
		cg_write_pid(cg_orig);
	snprintf(inner, sizeof(inner), "%s/inner", cg_top);
	rmdir(deep);
	rmdir(inner);
	rmdir(cg_top);
	if (cg_tmpmnt[0]) {
		umount(cg_tmpmnt);
		rmdir(cg_tmpmnt);
	}
}

static unsigned long long ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* Which kernfs_node parent field the host kernel's BTF has (1 old, 2 new). */
static int host_kn_parent(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i, r = 0;

	id = btf ? btf__find_by_name_kind(btf, "kernfs_node", BTF_KIND_STRUCT) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t); i++, m++) {
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "__parent"))
			r = 2;
		else if (!strcmp(btf__name_by_offset(btf, m->name_off), "parent"))
			r = 1;
	}
	btf__free(btf);
	return r;
}

static bool host_has_func(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool r = btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;

	btf__free(btf);
	return r;
}

static int adm_run(const char *const *sets, enum kfuncs kf, struct adm_seen *s)
{
	struct bpf_object *obj = load("admission", sets, kf);
	struct edu_request_ctx r = { .op = EDU_OP_PING, .uid = 4242 };
	int v;

	if (!obj)
		return -10000;
	v = run(obj, "admission_request__test", &r, sizeof(r));
	memset(s, 0, sizeof(*s));
	if (lookup(obj, "adm_seen", 0, s, sizeof(*s)))
		v = -10001;
	bpf_object__close(obj);
	return v;
}

static void t_admission(void)
{
	char cg[600], set_uid[64], set_sub[64], set_other[64];
	unsigned long long cgid, parent, top;
	struct bpf_object *obj;
	struct adm_seen s;
	bool kfunc;

	expect_eq("admission: root admitted by default (euid 0)", 0,
		  adm_run(NULL, KFUNCS_KERNEL, &s));
	expect_eq("admission: read task->cred->euid (CO-RE, host kernel)", geteuid(), s.euid);
	expect_eq("admission: read task->cred->uid", getuid(), s.uid);
	expect_eq("admission: ctx uid passed through", 4242, s.ctx_uid);
	expect_eq("admission: kernfs parent field of the host kernel", host_kn_parent(),
		  s.parent_field);
	snprintf(set_uid, sizeof(set_uid), "allowed_uid=%u", geteuid() + 1000);
	expect_eq("admission: set allowed_uid=<not us>: -EPERM", -EPERM,
		  adm_run((const char *[]){ set_uid, NULL }, KFUNCS_KERNEL, &s));

	if (cg_enter(cg, sizeof(cg))) {
		printf("# cgroup set-up: %s\n", strerror(errno));
		ok(false, "admission: a cgroup v2 subtree for the cgroup rules");
		cg_leave(cg);
		return;
	}
	cgid = ino(cg);
	parent = ino(dirname(strdupa(cg)));
	top = ino(cg_top);
	adm_run(NULL, KFUNCS_KERNEL, &s);
	expect_eq("admission: read our cgroup id (task->cgroups->dfl_cgrp->kn->id)", cgid, s.cgid);
	expect_eq("admission: read our parent cgroup id (kernfs parent)", parent, s.parent_cgid);

	obj = load("admission", NULL, KFUNCS_KERNEL);
	if (obj) {
		struct edu_request_ctx r = { .op = EDU_OP_PING };

		bpf_map__update_elem(bpf_object__find_map_by_name(obj, "adm_cg_deny"),
				     &cgid, sizeof(cgid), &(__u32){ 1 }, sizeof(__u32), 0);
		expect_eq("admission: our cgroup in adm_cg_deny: -EACCES", -EACCES,
			  run(obj, "admission_request__test", &r, sizeof(r)));
		bpf_map__delete_elem(bpf_object__find_map_by_name(obj, "adm_cg_deny"),
				     &cgid, sizeof(cgid), 0);
		expect_eq("admission: removed from adm_cg_deny: admitted", 0,
			  run(obj, "admission_request__test", &r, sizeof(r)));
		bpf_object__close(obj);
	} else {
		ok(false, "admission: loads for the map tests");
	}

	/* deny_subtree: the subtree of our grandparent cgroup */
	snprintf(set_sub, sizeof(set_sub), "deny_subtree=%llu", top);
	snprintf(set_other, sizeof(set_other), "deny_subtree=%llu", 0x7ffffff0ULL);
	kfunc = host_has_func("bpf_task_under_cgroup") && host_has_func("bpf_cgroup_from_id");
	if (kfunc) {
		expect_eq("admission: deny_subtree=<our grandparent>: -EACCES (kfunc path)", -EACCES,
			  adm_run((const char *[]){ set_sub, NULL }, KFUNCS_KERNEL, &s));
		expect_eq("admission: checked with bpf_task_under_cgroup (flag set by the loader code)",
			  1, s.subtree_via);
		expect_eq("admission: deny_subtree=<unrelated id>: admitted (kfunc path)", 0,
			  adm_run((const char *[]){ set_other, NULL }, KFUNCS_KERNEL, &s));
	} else {
		skip("admission: deny_subtree through bpf_task_under_cgroup",
		     "the host kernel has no bpf_task_under_cgroup (6.5)");
	}
	expect_eq("admission: deny_subtree=<our grandparent>: -EACCES (kfunc flags 0: walk)", -EACCES,
		  adm_run((const char *[]){ set_sub, NULL }, KFUNCS_NONE, &s));
	expect_eq("admission: checked with the kernfs parent walk", 2, s.subtree_via);
	expect_eq("admission: deny_subtree=<unrelated id>: admitted (walk)", 0,
		  adm_run((const char *[]){ set_other, NULL }, KFUNCS_NONE, &s));
	cg_leave(cg);
	ok(!load("admission", (const char *[]){ "no_such=1", NULL }, KFUNCS_KERNEL),
	   "admission: set of an unknown variable is refused");
	ok(!load("admission", (const char *[]){ "allowed_uid=0x100000000", NULL }, KFUNCS_KERNEL),
	   "admission: set of a value too wide for a __u32 is refused");
}

static void t_ratelimit(void)
{
	struct bpf_object *obj = load("ratelimit", (const char *[]){ "burst=3", "rate=1", NULL },
				      KFUNCS_KERNEL);
	struct edu_request_ctx r = { .op = EDU_OP_PING, .pid = 100 };
	int i, okc = 0, again = 0, v;

	ok(obj, "ratelimit: loads with set burst=3 rate=1");
	if (!obj)
		return;
	for (i = 0; i < 5; i++) {
		v = run(obj, "ratelimit_request__test", &r, sizeof(r));
		okc += v == 0;
		again += v == -EAGAIN;
	}
	expect_eq("ratelimit: burst of 3 passes", 3, okc);
	expect_eq("ratelimit: then -EAGAIN", 2, again);
	r.pid = 101;
	expect_eq("ratelimit: another process has its own bucket", 0,
		  run(obj, "ratelimit_request__test", &r, sizeof(r)));
	bpf_object__close(obj);

	obj = load("ratelimit", NULL, KFUNCS_KERNEL);
	for (i = 0, okc = 0; obj && i < 12; i++)
		okc += run(obj, "ratelimit_request__test", &r, sizeof(r)) == 0;
	expect_eq("ratelimit: default burst is 10", 10, okc);
	bpf_object__close(obj);
}

struct cksum { __u64 sum, xor; __u32 len, count; };

static void t_checksum(void)
{
	struct bpf_object *obj = load("checksum", NULL, KFUNCS_KERNEL);
	struct edu_complete_ctx c = { .dev.id = 3, .op = EDU_OP_DMA_FROM_DEV };
	__u64 words[3] = { 0x0102030405060708ULL, 0x1111111111111111ULL, 0xffeeULL };
	struct cksum ck = {};
	__u32 len = 18;		/* two words and 2 bytes of the third */

	ok(obj, "checksum: loads on the host kernel");
	if (!obj)
		return;
	ok(!bss_set(obj, "drvhook_test_data", words, sizeof(words)) &&
	   !bss_set(obj, "drvhook_test_data_len", &len, sizeof(len)),
	   "checksum: test data set (.bss)");
	expect_eq("checksum: complete verdict 0", 0,
		  run(obj, "checksum_complete__test", &c, sizeof(c)));
	lookup(obj, "cksum_last", 3, &ck, sizeof(ck));
	expect_eq("checksum: sum of the words, partial last word zero-padded",
		  (long long)(words[0] + words[1] + 0xffee), (long long)ck.sum);
	expect_eq("checksum: xor of the words", (long long)(words[0] ^ words[1] ^ 0xffee),
		  (long long)ck.xor);
	expect_eq("checksum: length seen", 18, ck.len);
	expect_eq("checksum: counted once", 1, ck.count);
	c.op = EDU_OP_DMA_TO_DEV;
	run(obj, "checksum_complete__test", &c, sizeof(c));
	c.op = EDU_OP_DMA_FROM_DEV;
	c.status = -EIO;
	run(obj, "checksum_complete__test", &c, sizeof(c));
	lookup(obj, "cksum_last", 3, &ck, sizeof(ck));
	expect_eq("checksum: DMA to the device and failed DMAs are not summed", 1, ck.count);
	lookup(obj, "cksum_last", 4, &ck, sizeof(ck));
	expect_eq("checksum: another device's entry untouched", 0, ck.count);
	bpf_object__close(obj);
}

struct irqc_stats { __u64 wake, thread, window_start, window_irqs; };

static void t_irq_coalesce(void)
{
	struct bpf_object *obj = load("irq_coalesce",
				      (const char *[]){ "thread_irqs=2", "thread_inflight=1",
							"window_ns=1000000000000", NULL },
				      KFUNCS_KERNEL);
	struct edu_irq_ctx q = { .dev.id = 1 };
	struct irqc_stats st = {};
	int v[3], i;

	ok(obj, "irq_coalesce: loads with set thread_irqs=2 thread_inflight=1");
	if (!obj)
		return;
	for (i = 0; i < 3; i++)
		v[i] = run(obj, "irq_coalesce_irq__test", &q, sizeof(q));
	ok(v[0] == EDU_IRQ_WAKE && v[1] == EDU_IRQ_WAKE && v[2] == EDU_IRQ_THREAD,
	   "irq_coalesce: 2 interrupts in a window woken, the 3rd threaded");
	lookup(obj, "irqc_stats", 1, &st, sizeof(st));
	expect_eq("irq_coalesce: stats count 2 wake", 2, st.wake);
	expect_eq("irq_coalesce: stats count 1 thread", 1, st.thread);
	q.dev.id = 2;
	q.inflight = 5;
	expect_eq("irq_coalesce: many requests in flight: threaded at once", EDU_IRQ_THREAD,
		  run(obj, "irq_coalesce_irq__test", &q, sizeof(q)));
	bpf_object__close(obj);

	obj = load("irq_coalesce", (const char *[]){ "thread_irqs=2", "window_ns=1", NULL },
		   KFUNCS_KERNEL);
	q.inflight = 0;
	for (i = 0, v[0] = 0; obj && i < 5; i++)
		v[0] += run(obj, "irq_coalesce_irq__test", &q, sizeof(q)) == EDU_IRQ_WAKE;
	expect_eq("irq_coalesce: a new window each time: always woken", 5, v[0]);
	bpf_object__close(obj);
}

static void t_quirks(void)
{
	struct bpf_object *obj = load("quirks", NULL, KFUNCS_KERNEL);
	static const struct { __u32 ident, rev, in, want; const char *what; } cases[] = {
		{ 0x010000ed, 7, 0, EDU_QUIRK_POLL, "ident 0x010000ed, any revision: POLL" },
		{ 0x000000ed, 0, 0, EDU_QUIRK_NO_MSI, "ident 0x..0000ed revision 0: NO_MSI" },
		{ 0x000000ed, 1, 0, 0, "ident 0x..0000ed revision 1: none" },
		{ 0x020000ed, 0, 0, 0, "ident 0x020000ed: none" },
		{ 0x010000ed, 0, EDU_QUIRK_NO_MSI, EDU_QUIRK_NO_MSI | EDU_QUIRK_POLL,
		  "quirks already set are kept" },
	};
	unsigned int i;

	ok(obj, "quirks: loads on the host kernel");
	if (!obj)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct edu_probe_ctx p = { .dev = { .hw_ident = cases[i].ident,
						    .revision = cases[i].rev },
					   .quirks = cases[i].in };
		int v = run(obj, "quirks_probe__test", &p, sizeof(p));
		char what[128];

		snprintf(what, sizeof(what), "quirks: %s", cases[i].what);
		ok(v == 0 && p.quirks == cases[i].want, "%s", what);
		if (v || p.quirks != cases[i].want)
			printf("#   verdict %d, quirks %#x, want %#x\n", v, p.quirks, cases[i].want);
	}
	bpf_object__close(obj);
}

/*
 * A stand-in for drvhook_edu's module BTF: its hooks' fallback attach
 * points and the setter kfuncs of the fields their contracts let policies
 * write (its hook list, kmod/edu/), or no setter at all (an older module).
 */
static struct btf *fake_stub(bool setters)
{
	static const char *const funcs[] = {
		"edu_fb_probe", "edu_fb_request", "edu_fb_irq",
		"edu_fb_complete",
		"edu_set_probe_quirks", "edu_set_request_arg",
		"edu_set_complete_result",
	};
	struct btf *b = btf__new_empty();
	int i32, u64, proto;
	unsigned int i;

	if (!b)
		return NULL;
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "val", u64);
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (setters || strncmp(funcs[i], "edu_set_", 8))
			btf__add_func(b, funcs[i], BTF_FUNC_STATIC, proto);
	return b;
}

/*
 * The setter externs of object @path (its BTF as compiled), in @buf: any
 * extern FUNC named *_set_* (edu_set_*, or another type's by mistake).
 */
const char *setter_externs(const char *path, char *buf, size_t len)
{
	struct btf *btf = btf__parse_elf(path, NULL);
	const struct btf_type *t;
	const char *name;
	size_t used = 0;
	int id, n = btf ? btf__type_cnt(btf) : 0;

	snprintf(buf, len, "%s", btf ? "" : "(no BTF)");
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		name = btf__name_by_offset(btf, t->name_off);
		if (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN &&
		    strstr(name, "_set_") && used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? " " : "", name);
	}
	btf__free(btf);
	return buf;
}

/*
 * Context writes against drvhook_edu's contract (loader/vars.c,
 * pobj_check_writes()), on the real objects (build/bpf/, next to the host
 * build): each drvhook_write() of a fentry twin references the setter of
 * its hook and field only, the shipped policies stay within the contract,
 * test_badwrite is refused before load, naming the field.
 */
static void t_contract(void)
{
	/* its line of /sys/class/drvhook/types */
	static const struct dev_type edu = {
		.name = "edu", .module = EDU_MODULE, .nr_hooks = 4,
		.hooks = { "probe", "request", "irq", "complete" },
	};
	static const struct { const char *obj, *setters; } uses[] = {
		{ "test_basic", "edu_set_request_arg edu_set_complete_result" },
		{ "test_double", "edu_set_request_arg" },
		{ "quirks", "edu_set_probe_quirks" },
		{ "fact_guard", "" },
		{ "test_badwrite", "edu_set_request_op" },
	};
	static const char *const within[] = {
		"admission", "checksum", "fact_guard", "irq_coalesce", "quirks",
		"ratelimit", "test_basic", "test_double", "test_rawwrite",
	};
	struct btf *stub = fake_stub(true), *old = fake_stub(false);
	char objdir[512], path[700], buf[256];
	unsigned int i;
	int r;

	snprintf(objdir, sizeof(objdir), "%s/../bpf", dir);
	ok(stub && old, "contract: a stand-in stub BTF");
	for (i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.bpf.o", objdir, uses[i].obj);
		ok(!strcmp(setter_externs(path, buf, sizeof(buf)), uses[i].setters),
		   "contract: %s references the setters of its writes only: '%s'",
		   uses[i].obj, uses[i].setters);
		if (strcmp(buf, uses[i].setters))
			printf("#   got '%s'\n", buf);
	}
	for (i = 0; i < sizeof(within) / sizeof(within[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.bpf.o", objdir, within[i]);
		snprintf(buf, sizeof(buf), "contract: %s writes within it", within[i]);
		expect_eq(buf, 0, pobj_check_writes(path, stub, &edu));
	}
	snprintf(path, sizeof(path), "%s/test_badwrite.bpf.o", objdir);
	last_fail[0] = '\0';
	r = pobj_check_writes(path, stub, &edu);
	expect_eq("contract: test_badwrite refused as a verifier-class error (exit 6)",
		  EXIT_VERIFIER, r);
	ok(strstr(last_fail, "edu_request_ctx.op") && strstr(last_fail, "(writable: arg)"),
	   "contract: the refusal names edu_request_ctx.op and what request may write");
	snprintf(path, sizeof(path), "%s/test_basic.bpf.o", objdir);
	expect_eq("contract: test_basic against a module without setters: exit 5 (feature)",
		  EXIT_FEATURE, pobj_check_writes(path, old, &edu));
	btf__free(stub);
	btf__free(old);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		dir = argv[1];
	libbpf_set_print(silent);
	printf("TAP version 13\n# host kernel: policies' BPF code through BPF_PROG_TEST_RUN\n");
	t_fact_guard();
	t_admission();
	t_ratelimit();
	t_checksum();
	t_irq_coalesce();
	t_quirks();
	t_contract();
	t_vblk();
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}
