// SPDX-License-Identifier: GPL-2.0
/*
 * edustress: storms, in-flight loads and fuzzing of /dev/eduN, for the
 * guest stress tests (selftests/guest/t_stress.sh, t_hotplug.sh). Each
 * command ends with one "key=value ..." line the tests compare.
 *
 *   edustress storm DEV PROCS CYCLES [drvhook attach args...]
 *	PROCS processes submit factorials on DEV without pause while this
 *	process runs CYCLES rounds of `drvhook policy attach test_basic`,
 *	`policy replace` by test_double, `policy detach` (the loader, as
 *	users run it). Every outcome is checked against the policy in force:
 *	exactly when no loader command ran during the request, else against
 *	the policies before and after the commands that did. Every request
 *	is counted at submission and at completion, and against the stub's
 *	own counters.
 *   edustress fast-storm DEV PROCS CYCLES [mode struct_ops|fallback]
 *	The same storm and checks at full size: each object loaded once,
 *	the changes made in this process with the loader's own code
 *	(edustorm.c says how).
 *   edustress sleepable DEV
 *	A sleepable struct_ops program, loaded past the loader's checks:
 *	the stub must refuse it (edustorm.c).
 *   edustress inflight DEV PROCS READYFILE EXPECT
 *	PROCS processes submit factorials until one fails (hot-unplug,
 *	unbind); READYFILE is created once each has completed some. EXPECT:
 *	"basic" (test_basic attached: n -> (n+1)!) or "default".
 *   edustress fuzz DEV SEED COUNT
 *	COUNT seeded random ioctls, reads, writes, seeks and mmaps from 4
 *	threads (random and real command numbers and sizes; NULL, unmapped,
 *	kernel, page-straddling and read-only pointers) on /dev/DEV and the
 *	core's /dev/drvhook (the fallback control plane, for DEV's type and
 *	id mostly) while a fifth closes and reopens the files under them.
 *	Each outcome is checked against what drvhook_edu and the core must
 *	answer (the core's ioctls on /dev/DEV: ENOTTY); the seed replays the
 *	inputs.
 *   edustress mangle IN OUT SEED truncate|tail|flip
 *	Writes a hostile copy of the file IN: cut at a seeded length, its
 *	ELF header followed by random bytes, or with 1-8 bytes overwritten.
 *   edustress fb DEV attach|detach|cookie|replace NAME [COOKIE]
 *	One hook-core ioctl of /dev/drvhook for entry NAME of DEV (its type
 *	and id), hook request, with COOKIE (default 0: none), no fentry link:
 *	prints "ok" or the error ("open: <error>" when /dev/drvhook cannot
 *	be opened).
 *   edustress progload struct_ops|tracing
 *	One BPF_PROG_LOAD of a two-instruction program of that type with a
 *	bogus attach BTF id: prints "EPERM" when the caller lacks the rights
 *	for the type (the kernel checks them first), else the later error.
 *   edustress caps CAPS CMD...
 *	Runs CMD as uid/gid 65534 with only CAPS (comma list of bpf,
 *	perfmon, sys_admin, net_admin, or "none") as ambient capabilities.
 *   edustress hold PIN READYFILE
 *	Holds the BPF link pinned at PIN open (READYFILE then holds this
 *	process's pid) until killed.
 *   edustress nodetach CMD...
 *	Runs CMD with bpf(BPF_LINK_DETACH) failing with EOPNOTSUPP, as it
 *	does for struct_ops links before Linux 6.11 (edulink.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "edustress.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

const char *bpfdir = "/drvhook/bpf";

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t fact(uint64_t n)
{
	uint32_t r = 1;

	while (n > 1)
		r *= (uint32_t)n--;
	return r;	/* the device's register is 32 bits */
}

static int open_dev(const char *dev)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", dev);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("error opening %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* /sys/class/drvhook/@dev/@attr, its first line; -errno */
static int attr_read(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/sys/class/drvhook/%s/%s", dev, attr);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return err;
}

int hookdev_read(const char *dev, struct hookdev *h)
{
	char buf[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX + 16], *tok, *save = NULL;
	int err;

	memset(h, 0, sizeof(*h));
	err = attr_read(dev, "type", buf, sizeof(buf));
	if (err)
		return err;
	snprintf(h->type, sizeof(h->type), "%.*s", (int)sizeof(h->type) - 1, buf);
	err = attr_read(dev, "dev_id", buf, sizeof(buf));
	if (err)
		return err;
	h->dev_id = strtoul(buf, NULL, 0);
	err = attr_read(dev, "hooks", buf, sizeof(buf));
	for (tok = err ? NULL : strtok_r(buf, " ", &save);
	     tok && h->nr_hooks < DRVHOOK_MAX_HOOKS; tok = strtok_r(NULL, " ", &save))
		snprintf(h->hooks[h->nr_hooks++], HOOK_NAME_MAX, "%s", tok);
	return err;
}

uint32_t hookdev_bit(const struct hookdev *h, const char *hook)
{
	int i;

	for (i = 0; i < h->nr_hooks; i++)
		if (!strcmp(h->hooks[i], hook))
			return 1U << i;
	return 0;
}

void fb_req_fill(struct drvhook_fb_attach *a, const struct hookdev *h,
		 const char *name, uint32_t hooks, uint32_t cookie)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->type, h->type, sizeof(a->type));
	a->dev_id = h->dev_id;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->hooks = hooks;
	a->cookie = cookie;
}

/* hookdev_read() of @dev or exit, saying why */
static void need_hookdev(const char *dev, struct hookdev *h)
{
	int err = hookdev_read(dev, h);

	if (err) {
		printf("error reading /sys/class/drvhook/%s: %s\n", dev, strerror(-err));
		exit(1);
	}
}

static int dev_status(const char *dev, struct edu_status *st)
{
	int fd = open_dev(dev), err;

	err = ioctl(fd, EDU_IOC_STATUS, st);
	close(fd);
	return err;
}

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* ---- storm -------------------------------------------------------- */

static uint64_t expect_of(int state, uint64_t n)
{
	switch (state) {
	case ST_BASIC:
		return fact(n + 1);
	case ST_DOUBLE:
		return fact(2 * n);
	default:
		return fact(n);
	}
}

static void storm_worker(struct storm *s, int id, const char *dev)
{
	struct worker *w = &s->w[id];
	int fd = open_dev(dev);
	uint64_t i = id;

	while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
		uint64_t n = 2 + i++ % 5, s1, s2, k;	/* 2..6: outcomes distinct */
		struct edu_fact f = { .in = n };
		int err, ok = 0;

		s1 = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&w->submitted, 1, __ATOMIC_SEQ_CST);
		err = ioctl(fd, EDU_IOC_FACT, &f) ? errno : 0;
		__atomic_add_fetch(&w->completed, 1, __ATOMIC_SEQ_CST);
		s2 = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
		if (s1 == s2 && !(s1 & 1))
			__atomic_store_n(&w->seen, s1, __ATOMIC_SEQ_CST);
		if (err) {
			if (!w->errors++) {
				w->bad_err = err;
				w->err_s1 = s1;
				w->err_s2 = s2;
				w->err_t = now();
			}
			continue;
		}
		if (s1 == s2 && !(s1 & 1)) {
			ok = f.out == expect_of(s->state[s1 / 2 % HIST], n);
			w->exact += ok;
		} else {
			for (k = s1 / 2; k <= (s2 + 1) / 2 && !ok; k++)
				ok = f.out == expect_of(s->state[k % HIST], n);
			w->transition += ok;
		}
		if (!ok && !w->bad++) {
			w->bad_n = n;
			w->bad_out = f.out;
			w->bad_s1 = s1;
			w->bad_s2 = s2;
		}
	}
	close(fd);
}

/*
 * Waits until s->settle workers have had a request answered that they
 * submitted in the current state: each state is checked exactly.
 */
static void storm_settle(struct storm *s)
{
	uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
	int p, n;

	do {
		usleep(500);
		for (n = 0, p = 0; p < s->procs; p++)
			n += __atomic_load_n(&s->w[p].seen, __ATOMIC_SEQ_CST) == seq;
	} while (n < s->settle);
}

struct storm *storm_start(const char *dev, int procs)
{
	struct storm *s;
	int p;

	if (procs < 1 || procs > MAXPROCS)
		return NULL;
	s = shared_alloc(sizeof(*s));
	s->procs = s->settle = procs;
	if (dev_status(dev, &s->st0)) {
		printf("error status: %s\n", strerror(errno));
		return NULL;
	}
	s->state[0] = ST_DEFAULT;
	setvbuf(stdout, NULL, _IOLBF, 0);
	fflush(stdout);
	for (p = 0; p < procs; p++) {
		if (!fork()) {
			storm_worker(s, p, dev);
			_exit(0);
		}
	}
	s->t0 = now();
	return s;
}

void storm_change_begin(struct storm *s, int next)
{
	/* the state to expect once this change is done */
	s->state[(s->seq / 2 + 1) % HIST] = next;
	__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
}

void storm_change_end(struct storm *s)
{
	__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
	/* every worker checks requests in the new state exactly */
	storm_settle(s);
}

int storm_finish(struct storm *s, const char *dev, const char *what,
		 long cycles, long ops, int faults, const char *extra)
{
	uint64_t sub = 0, cpl = 0, exact = 0, trans = 0, bad = 0, errs = 0;
	struct edu_status st1;
	int p;

	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	while (wait(NULL) > 0)
		;
	if (dev_status(dev, &st1))
		return printf("error status: %s\n", strerror(errno)), 1;
	for (p = 0; p < s->procs; p++) {
		struct worker *w = &s->w[p];

		sub += w->submitted;
		cpl += w->completed;
		exact += w->exact;
		trans += w->transition;
		bad += w->bad;
		errs += w->errors;
		if (w->bad)
			printf("# worker %d: %llu bad, first: fact %llu -> %llu (seq %llu..%llu)\n",
			       p, (unsigned long long)w->bad,
			       (unsigned long long)w->bad_n,
			       (unsigned long long)w->bad_out,
			       (unsigned long long)w->bad_s1,
			       (unsigned long long)w->bad_s2);
		if (w->errors)
			printf("# worker %d: %llu errors, first: %s (seq %llu..%llu, at %.1f s)\n",
			       p, (unsigned long long)w->errors,
			       strerror(w->bad_err), (unsigned long long)w->err_s1,
			       (unsigned long long)w->err_s2, w->err_t - s->t0);
	}
	printf("# stub counted requests=%llu completions=%llu\n",
	       (unsigned long long)(st1.requests - s->st0.requests),
	       (unsigned long long)(st1.completions - s->st0.completions));
	/* lost: submitted but never completed, by our count or the stub's */
	printf("%s cycles=%ld ops=%ld submitted=%llu completed=%llu exact=%llu transition=%llu bad=%llu errors=%llu lost=%llu stub_requests=%llu stub_lost=%llu faults=%d secs=%.1f%s%s\n",
	       what, cycles, ops, (unsigned long long)sub,
	       (unsigned long long)cpl, (unsigned long long)exact,
	       (unsigned long long)trans, (unsigned long long)bad,
	       (unsigned long long)errs, (unsigned long long)(sub - cpl),
	       (unsigned long long)(st1.requests - s->st0.requests),
	       (unsigned long long)((st1.requests - s->st0.requests) -
				    (st1.completions - s->st0.completions)),
	       faults, now() - s->t0, extra ? " " : "", extra ?: "");
	return 0;
}

/* Runs the loader: 0 on success, else its exit status (its output shown). */
static int loader(char *const argv[])
{
	char log[] = "/tmp/edustress-loader.XXXXXX";
	int fd = mkstemp(log), status, i;
	pid_t pid;

	if (fd < 0)
		return 127;
	pid = fork();
	if (!pid) {
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (status) {
		char buf[2048];
		ssize_t n;

		printf("# loader failed (exit %d):", status);
		for (i = 0; argv[i]; i++)
			printf(" %s", argv[i]);
		printf("\n");
		lseek(fd, 0, SEEK_SET);
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("#   %s\n", buf);
	}
	close(fd);
	unlink(log);
	return status;
}

/* The storm through the loader CLI: 3 commands per cycle. */
static int cmd_storm(const char *dev, int procs, long cycles, int nextra,
		     char **extra)
{
	char obj_basic[256], obj_double[256], *argv[32];
	long c, every = cycles >= 20 ? cycles / 10 : 1;
	int p, op, faults = 0, rc, i;
	struct storm *s;

	if (nextra > 8)
		return 2;
	snprintf(obj_basic, sizeof(obj_basic), "%s/test_basic.bpf.o", bpfdir);
	snprintf(obj_double, sizeof(obj_double), "%s/test_double.bpf.o", bpfdir);
	s = storm_start(dev, procs);
	if (!s)
		return 1;
	for (c = 0; c < cycles && !faults; c++) {
		for (op = 0; op < 3 && !faults; op++) {
			int next;

			i = 0;
			argv[i++] = "drvhook";
			argv[i++] = "policy";
			switch (op) {
			case 0:
				argv[i++] = "attach";
				argv[i++] = obj_basic;
				argv[i++] = "dev";
				argv[i++] = (char *)dev;
				argv[i++] = "name";
				argv[i++] = "storm";
				for (p = 0; p < nextra; p++)
					argv[i++] = extra[p];
				next = ST_BASIC;
				break;
			case 1:
				argv[i++] = "replace";
				argv[i++] = "dev";
				argv[i++] = (char *)dev;
				argv[i++] = "name";
				argv[i++] = "storm";
				argv[i++] = obj_double;
				next = ST_DOUBLE;
				break;
			default:
				argv[i++] = "detach";
				argv[i++] = "dev";
				argv[i++] = (char *)dev;
				argv[i++] = "name";
				argv[i++] = "storm";
				next = ST_DEFAULT;
				break;
			}
			argv[i] = NULL;
			storm_change_begin(s, next);
			rc = loader(argv);
			if (rc)
				faults++;
			storm_change_end(s);
		}
		if ((c + 1) % every == 0)
			printf("# storm %ld/%ld cycles, %.1f s\n", c + 1, cycles,
			       now() - s->t0);
	}
	return storm_finish(s, dev, "storm", c, c * 3, faults, NULL);
}

/* ---- in flight at removal ----------------------------------------- */

static int cmd_inflight(const char *dev, int procs, const char *ready,
			const char *expect)
{
	struct worker *w = shared_alloc(sizeof(*w) * MAXPROCS);
	uint64_t sub = 0, cpl = 0, bad = 0, enodev = 0, other = 0;
	int p, all, basic = !strcmp(expect, "basic"), otherr = 0;
	double t0 = now();

	if (procs < 1 || procs > MAXPROCS)
		return 2;
	for (p = 0; p < procs; p++) {
		if (!fork()) {
			int fd = open_dev(dev);
			uint64_t i = p;

			for (;;) {
				uint64_t n = 2 + i++ % 5;
				struct edu_fact f = { .in = n };
				int err;

				__atomic_add_fetch(&w[p].submitted, 1, __ATOMIC_SEQ_CST);
				err = ioctl(fd, EDU_IOC_FACT, &f) ? errno : 0;
				__atomic_add_fetch(&w[p].completed, 1, __ATOMIC_SEQ_CST);
				if (err) {
					w[p].bad_err = err;
					break;
				}
				if (f.out != (basic ? fact(n + 1) : fact(n)))
					__atomic_add_fetch(&w[p].bad, 1, __ATOMIC_SEQ_CST);
				__atomic_add_fetch(&w[p].exact, 1, __ATOMIC_SEQ_CST);
			}
			_exit(0);
		}
	}
	/* ready once every process has had some requests answered */
	do {
		usleep(10000);
		for (all = 1, p = 0; p < procs; p++)
			all &= __atomic_load_n(&w[p].exact, __ATOMIC_SEQ_CST) >= 3 ||
			       w[p].bad_err;
	} while (!all && now() - t0 < 300);
	close(open(ready, O_CREAT | O_WRONLY, 0644));
	while (wait(NULL) > 0)
		;
	for (p = 0; p < procs; p++) {
		sub += w[p].submitted;
		cpl += w[p].completed;
		bad += w[p].bad;
		if (w[p].bad_err == ENODEV)
			enodev++;
		else {
			other++;
			otherr = w[p].bad_err;
		}
	}
	printf("inflight procs=%d submitted=%llu completed=%llu bad=%llu enodev=%llu other=%llu%s%s lost=%llu\n",
	       procs, (unsigned long long)sub, (unsigned long long)cpl,
	       (unsigned long long)bad, (unsigned long long)enodev,
	       (unsigned long long)other, other ? " other_err=" : "",
	       other ? strerror(otherr) : "", (unsigned long long)(sub - cpl));
	return 0;
}

/* ---- fuzz ---------------------------------------------------------- */

#define NFD	4
#define NTHREADS 4
static const char *fz_dev;
static int fz_fds[NFD];
static int fz_ctl[NFD];		/* /dev/drvhook */
static int fz_ctl_err;		/* its open's errno (not root): not fuzzed */
static struct hookdev fz_hd;
static volatile int fz_stop;
static long fz_pagesz;
static char *fz_unmapped, *fz_edge;	/* see fuzz_setup() */

struct fz_thread {
	pthread_t tid;
	uint64_t rng;
	long count, inputs, faults, ok;
	char *buf;		/* 3 pages of our own */
	char *ro;		/* 1 read-only page of our own */
	char first[8][160];
};

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint64_t rnd_below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

enum ptr_class { P_VALID, P_NULL, P_UNMAPPED, P_KERNEL, P_EDGE, P_RO, P_NR };
static const char *const ptr_names[] = {
	"valid", "null", "unmapped", "kernel", "edge", "ro"
};

static const uint64_t kernel_ptrs[] = {
	0xffffffff81000000ULL, 0xffff888000001000ULL, 0xffffffffff600000ULL,
	0xfffffffffffff000ULL, 0x8000000000000000ULL, 0xffffc90000000000ULL,
};

/* A pointer of class @c to @size bytes; VALID gets @src copied there. */
static void *fz_ptr(struct fz_thread *t, int c, const void *src, size_t size)
{
	char *p;

	switch (c) {
	case P_VALID:
		p = t->buf + rnd_below(&t->rng, 2 * fz_pagesz - size);
		if (src)
			memcpy(p, src, size);
		return p;
	case P_NULL:
		return rnd_below(&t->rng, 2) ? NULL : (void *)(uintptr_t)rnd_below(&t->rng, 4096);
	case P_UNMAPPED:
		return fz_unmapped + rnd_below(&t->rng, fz_pagesz);
	case P_KERNEL:
		return (void *)(uintptr_t)(kernel_ptrs[rnd_below(&t->rng, 6)] +
					   rnd_below(&t->rng, 64) * 8);
	case P_EDGE:	/* 1..size-1 bytes before an unmapped page */
		if (size <= 1)
			return fz_edge + fz_pagesz;
		return fz_edge + fz_pagesz - 1 - rnd_below(&t->rng, size - 1);
	default:	/* read-only, holding @src */
		p = t->ro + rnd_below(&t->rng, fz_pagesz - size);
		if (src) {
			mprotect(t->ro, fz_pagesz, PROT_READ | PROT_WRITE);
			memcpy(p, src, size);
			mprotect(t->ro, fz_pagesz, PROT_READ);
		}
		return p;
	}
}

/* bit per outcome: 0 success, or an errno of this list */
static const int errs[] = { 0, EBADF, EFAULT, EINVAL, ENOTTY, ENOENT, EEXIST,
			    EBUSY, EPERM, ENODEV, ETIMEDOUT, ENOSPC };

static uint64_t E_(int e)
{
	unsigned int i;

	for (i = 1; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i] == e)
			return 1ULL << i;
	return 1ULL << 63;	/* never allowed */
}
#define OK_		1ULL

static void fz_fault(struct fz_thread *t, long input, const char *what,
		     int err, uint64_t allowed)
{
	int slot = t->faults < 8 ? t->faults : -1;

	t->faults++;
	if (slot >= 0)
		snprintf(t->first[slot], sizeof(t->first[slot]),
			 "input %ld: %s -> %s (allowed mask %#llx)", input,
			 what, err ? strerror(err) : "success",
			 (unsigned long long)allowed);
}

static int fz_valid_name(char *name, uint64_t *rng)
{
	int i, len = 1 + rnd_below(rng, 10);

	memcpy(name, "fz", 2);
	for (i = 2; i < 2 + len; i++)
		name[i] = "abcdefghij0123456789_-"[rnd_below(rng, 22)];
	name[i] = 0;
	return 0;
}

static void fz_name(char *name, uint64_t *rng)
{
	int i;

	switch (rnd_below(rng, 4)) {
	case 0:	/* random bytes, maybe unterminated */
		for (i = 0; i < DRVHOOK_NAME_LEN; i++)
			name[i] = rnd(rng);
		break;
	case 1:
		name[0] = 0;
		break;
	default:
		fz_valid_name(name, rng);
		break;
	}
}

static void fuzz_one(struct fz_thread *t, long input)
{
	uint64_t *r = &t->rng, allowed = E_(EBADF);	/* concurrent closes */
	int fd = fz_fds[rnd_below(r, NFD)], pc, err = 0;
	char what[96];
	long ret = 0;

	pc = rnd_below(r, 10) < 5 ? P_VALID : rnd_below(r, P_NR);
	switch (rnd_below(r, 16)) {
	case 0: case 1: case 2: {	/* FACT */
		struct edu_fact f = { .in = rnd_below(r, 20) };
		struct edu_fact *p;

		if (!rnd_below(r, 8))
			f.in = rnd_below(r, 100000);
		if (!rnd_below(r, 40000))
			f.in = rnd(r);	/* seconds of device time: may time out */
		p = fz_ptr(t, pc, &f, sizeof(f));
		snprintf(what, sizeof(what), "FACT %u ptr %s", f.in, ptr_names[pc]);
		err = ioctl(fd, EDU_IOC_FACT, p) ? errno : 0;
		if (pc == P_VALID) {
			/* EBUSY: a large input of another thread still runs */
			allowed |= OK_ | E_(EBUSY);
			if (f.in > 10000000)
				allowed |= E_(ETIMEDOUT);
			if (!err && p->out != fact(f.in)) {
				snprintf(what + strlen(what), sizeof(what) - strlen(what),
					 " result %llu", (unsigned long long)p->out);
				allowed = 0;
			}
		} else {
			/* read-only: the request runs, only the copy back faults */
			allowed |= E_(EFAULT);
			if (pc == P_RO)
				allowed |= E_(EBUSY) |
					   (f.in > 10000000 ? E_(ETIMEDOUT) : 0);
		}
		break;
	}
	case 3: case 4: {		/* PING */
		uint64_t v = rnd(r), *p = fz_ptr(t, pc, &v, sizeof(v));

		snprintf(what, sizeof(what), "PING ptr %s", ptr_names[pc]);
		err = ioctl(fd, EDU_IOC_PING, p) ? errno : 0;
		if (pc == P_VALID) {
			allowed |= OK_;
			if (!err && *p != (uint32_t)~v)
				allowed = 0;
		} else {
			allowed |= E_(EFAULT);
		}
		break;
	}
	case 5: case 6: {		/* DMA_TO / DMA_FROM */
		int from = rnd_below(r, 2), bc = rnd_below(r, 2) ? P_VALID : rnd_below(r, P_NR);
		struct edu_dma d, *p;
		static const uint32_t edges[] = { 0, 1, 7, 8, 4095, 4096, 4097,
						  0x80000000, 0xffffffff };

		d.len = rnd_below(r, 2) ? edges[rnd_below(r, 9)] : rnd_below(r, 5000);
		d.off = rnd_below(r, 2) ? edges[rnd_below(r, 9)] : rnd_below(r, 5000);
		d.buf = (uintptr_t)fz_ptr(t, bc, NULL, d.len && d.len <= 4096 ? d.len : 1);
		if (bc == P_VALID && d.len <= EDU_DMA_SIZE)	/* room for len bytes */
			d.buf = (uintptr_t)t->buf + rnd_below(r, 3 * fz_pagesz - d.len);
		/*
		 * The device takes 100 ms (virtual) per DMA: only 1 in 32 of
		 * the inputs that would reach it do; the others get len 0.
		 */
		if (d.len && d.len <= EDU_DMA_SIZE && d.off <= EDU_DMA_SIZE - d.len &&
		    (pc == P_VALID || pc == P_RO) && rnd_below(r, 32))
			d.len = 0;
		p = fz_ptr(t, pc, &d, sizeof(d));
		snprintf(what, sizeof(what), "DMA_%s len %u off %u buf %s ptr %s",
			 from ? "FROM" : "TO", d.len, d.off, ptr_names[bc], ptr_names[pc]);
		err = ioctl(fd, from ? EDU_IOC_DMA_FROM : EDU_IOC_DMA_TO, p) ? errno : 0;
		if (pc != P_VALID && pc != P_RO)
			allowed |= E_(EFAULT);
		else if (!d.len || d.len > EDU_DMA_SIZE || d.off > EDU_DMA_SIZE - d.len)
			allowed |= E_(EINVAL);
		else if (bc == P_VALID || (bc == P_RO && !from))
			allowed |= OK_;
		else
			allowed |= E_(EFAULT);
		break;
	}
	case 7: {			/* STATUS */
		struct edu_status st, *p = fz_ptr(t, pc, NULL, sizeof(st));

		snprintf(what, sizeof(what), "STATUS ptr %s", ptr_names[pc]);
		err = ioctl(fd, EDU_IOC_STATUS, p) ? errno : 0;
		allowed |= pc == P_VALID ? OK_ : E_(EFAULT);
		break;
	}
	case 8: case 9: {		/* the core's fallback ioctls */
		static const unsigned int cmds[] = {
			DRVHOOK_IOC_FB_ATTACH, DRVHOOK_IOC_FB_DETACH,
			DRVHOOK_IOC_FB_COOKIE, DRVHOOK_IOC_FB_REPLACE,
		};
		int k = rnd_below(r, 4), h;
		/* 1 in 8 on /dev/DEV, which has none of them */
		bool ctl = !fz_ctl_err && rnd_below(r, 8);
		struct drvhook_fb_attach a, *p;

		switch (rnd_below(r, 8)) {
		case 0:
			fz_name(a.type, r);
			break;
		case 1:
			a.type[0] = 0;
			break;
		default:
			memcpy(a.type, fz_hd.type, sizeof(a.type));
			break;
		}
		a.dev_id = rnd_below(r, 4) ? fz_hd.dev_id :
			   rnd_below(r, 2) ? rnd_below(r, DRVHOOK_MAX_DEVS + 2) : rnd(r);
		fz_name(a.name, r);
		fz_name(a.anchor, r);
		if (rnd_below(r, 2))
			a.anchor[0] = 0;
		a.flags = rnd_below(r, 2) ? rnd_below(r, 4) : rnd(r);
		a.hooks = rnd_below(r, 2) ? rnd_below(r, 32) : rnd(r);
		a.cookie = rnd(r);
		a.links = rnd_below(r, 2) ? 0 : rnd(r);
		for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
			a.link_fd[h] = (int)(rnd_below(r, 2) ? rnd_below(r, 8) : rnd(r));
		p = fz_ptr(t, pc, &a, sizeof(a));
		snprintf(what, sizeof(what), "FB_%s on %s ptr %s",
			 (const char *[]){ "ATTACH", "DETACH", "COOKIE", "REPLACE" }[k],
			 ctl ? CTL_DEV : fz_dev, ptr_names[pc]);
		if (!ctl) {
			err = ioctl(fd, cmds[k], p) ? errno : 0;
			allowed |= E_(ENOTTY);
			break;
		}
		err = ioctl(fz_ctl[rnd_below(r, NFD)], cmds[k], p) ? errno : 0;
		if (pc == P_VALID || pc == P_RO)
			allowed |= OK_ | E_(EINVAL) | E_(ENOENT) | E_(EEXIST) | E_(EBUSY) |
				   E_(ENOSPC) |	/* 15 policies per device */
				   E_(ENODEV) |	/* no such type, or id */
				   E_(EBADF);	/* link_fd: not an open fd */
		if (pc != P_VALID)
			allowed |= E_(EFAULT);	/* RO: the copy back faults */
		if (getuid())
			allowed = E_(EPERM) | E_(EBADF);
		break;
	}
	case 10: {			/* random command numbers */
		bool ctl = !fz_ctl_err && rnd_below(r, 2);
		unsigned int cmd, type;

		do {
			cmd = rnd_below(r, 2) ? rnd(r) :
			      _IOC(rnd_below(r, 4), rnd_below(r, 2) ? 'E' : 'H',
				   rnd_below(r, 16), rnd_below(r, 64));
			type = _IOC_TYPE(cmd);
		} while ((!ctl && (cmd == EDU_IOC_PING || cmd == EDU_IOC_FACT ||
				   cmd == EDU_IOC_DMA_TO || cmd == EDU_IOC_DMA_FROM ||
				   cmd == EDU_IOC_STATUS)) ||
			 (ctl && (cmd == DRVHOOK_IOC_FB_ATTACH ||
				  cmd == DRVHOOK_IOC_FB_DETACH ||
				  cmd == DRVHOOK_IOC_FB_COOKIE ||
				  cmd == DRVHOOK_IOC_FB_REPLACE)) ||
			 /* the VFS answers these itself, for any file */
			 type == 0 || type == 'T' || type == 'X' || type == 'f' ||
			 type == 0x94 || type == 0x15);
		snprintf(what, sizeof(what), "ioctl %#x on %s ptr %s", cmd,
			 ctl ? CTL_DEV : fz_dev, ptr_names[pc]);
		err = ioctl(ctl ? fz_ctl[rnd_below(r, NFD)] : fd, cmd,
			    fz_ptr(t, pc, NULL, 64)) ? errno : 0;
		allowed |= E_(ENOTTY);
		/*
		 * The core takes any 'H' command through its checks first:
		 * rights, the copy in, the type and device named.
		 */
		if (ctl && type == 'H')
			allowed |= getuid() ? E_(EPERM) : E_(EFAULT) | E_(ENODEV);
		break;
	}
	case 11: case 12: case 13: {	/* pread / pwrite / read / write */
		int kind = rnd_below(r, 4), bc = pc;
		size_t size = rnd_below(r, 2) ? rnd_below(r, 9000) :
			      (size_t[]){ 0, 1, 8, 4095, 4096, 4097, ~0UL >> 1 }[rnd_below(r, 7)];
		off_t pos = rnd_below(r, 2) ? (off_t)rnd_below(r, 5000) :
			    (off_t[]){ 0, 4095, 4096, -1, 1LL << 40 }[rnd_below(r, 5)];
		size_t want = pos < 0 || pos >= EDU_DMA_SIZE ? 0 :
			      size < (size_t)(EDU_DMA_SIZE - pos) ? size : (size_t)(EDU_DMA_SIZE - pos);
		char *p = fz_ptr(t, bc, NULL, 1);

		if (bc == P_VALID && want <= 3 * (size_t)fz_pagesz)
			p = t->buf + rnd_below(r, 3 * fz_pagesz - want + 1);
		if (bc == P_RO)
			p = t->ro;	/* want <= one page */
		/* 1 in 32 reaches the device's DMA (100 ms each), see above */
		if (rnd_below(r, 32)) {
			if (kind < 2 && pos >= 0)
				pos = EDU_DMA_SIZE + rnd_below(r, 100);
			else if (kind >= 2)
				size = 0;
			want = 0;
		}
		snprintf(what, sizeof(what), "%s size %zu pos %lld ptr %s",
			 (const char *[]){ "pread", "pwrite", "read", "write" }[kind],
			 size, (long long)pos, ptr_names[bc]);
		switch (kind) {
		case 0: ret = pread(fd, p, size, pos); break;
		case 1: ret = pwrite(fd, p, size, pos); break;
		case 2: ret = read(fd, p, size); break;
		default: ret = write(fd, p, size); break;
		}
		err = ret < 0 ? errno : 0;
		if (bc == P_KERNEL || size > (1ULL << 46)) {
			/* the VFS checks the whole user range first */
			allowed |= E_(EFAULT) | E_(EINVAL) | (want ? 0 : OK_);
			if (size > (1ULL << 46))
				allowed |= OK_;
			if (!err && (size_t)ret > want && kind < 2)
				allowed = 0;
		} else if (kind >= 2) {	/* shared file offset: any count */
			allowed |= OK_ | E_(EFAULT);
			if (!err && (size_t)ret > size)
				allowed = 0;
		} else if (pos < 0) {
			allowed |= E_(EINVAL);
		} else if (!want) {
			allowed |= OK_;
			if (!err && ret)
				allowed = 0;
		} else if (bc == P_VALID || (bc == P_RO && kind == 1)) {
			allowed |= OK_;
			if (!err && (size_t)ret != want)
				allowed = 0;
		} else {
			allowed |= E_(EFAULT);
		}
		break;
	}
	case 14: {			/* seek */
		off_t pos = rnd_below(r, 2) ? (off_t)rnd_below(r, 9000) : -(off_t)rnd_below(r, 10);
		int whence = rnd_below(r, 3);

		snprintf(what, sizeof(what), "lseek %lld %d", (long long)pos, whence);
		ret = lseek(fd, pos, whence);
		err = ret < 0 ? errno : 0;
		allowed |= OK_ | E_(EINVAL);
		break;
	}
	default: {			/* mmap: the device has none */
		void *m = mmap(NULL, fz_pagesz, PROT_READ, MAP_SHARED, fd, 0);

		snprintf(what, sizeof(what), "mmap");
		err = m == MAP_FAILED ? errno : 0;
		if (!err)
			munmap(m, fz_pagesz);
		allowed |= E_(ENODEV);
		break;
	}
	}
	if (!(allowed & (err ? E_(err) : OK_)))
		fz_fault(t, input, what, err, allowed);
	else
		t->ok += !err;
	t->inputs++;
}

static void *fuzz_thread(void *arg)
{
	struct fz_thread *t = arg;
	long i;

	for (i = 0; i < t->count; i++)
		fuzz_one(t, i);
	return NULL;
}

/* Closes and reopens the files under the fuzzing threads. */
static void *closer_thread(void *arg)
{
	uint64_t rng = *(uint64_t *)arg;
	long *closes = arg;
	char path[64];
	int k, fd, *fds;
	bool ctl;

	snprintf(path, sizeof(path), "/dev/%s", fz_dev);
	*closes = 0;
	while (!fz_stop) {
		ctl = !fz_ctl_err && rnd_below(&rng, 2);
		fds = ctl ? fz_ctl : fz_fds;
		k = rnd_below(&rng, NFD);
		fd = fds[k];
		close(fd);
		/* lowest free descriptor: usually the same number again */
		fds[k] = open(ctl ? CTL_DEV : path, O_RDWR);
		if (fds[k] < 0)
			fds[k] = fd;
		(*closes)++;
		usleep(200 + rnd_below(&rng, 2000));
	}
	return NULL;
}

static void fuzz_setup(void)
{
	char *m;

	fz_pagesz = sysconf(_SC_PAGESIZE);
	m = mmap(NULL, 3 * fz_pagesz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		exit(1);
	/* PROT_NONE, not munmap(): later mappings must not fill the holes */
	fz_unmapped = m;		/* page 0: no access */
	fz_edge = m + fz_pagesz;	/* page 1 mapped, page 2 no access */
	memset(fz_edge, 0, fz_pagesz);
	mprotect(fz_unmapped, fz_pagesz, PROT_NONE);
	mprotect(m + 2 * fz_pagesz, fz_pagesz, PROT_NONE);
}

/* Opens /dev/drvhook, or exits saying why. */
static int open_ctl(void)
{
	int fd = open(CTL_DEV, O_RDWR);

	if (fd < 0) {
		printf("error opening %s: %s\n", CTL_DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static int detach_fz_entries(const char *dev)
{
	char path[128], line[512], name[DRVHOOK_NAME_LEN];
	struct drvhook_fb_attach a;
	int n = 0, fd = open_ctl();
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/drvhook/%s/policies", dev);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s", name) != 1)
			continue;
		fb_req_fill(&a, &fz_hd, name, 0, 0);
		if (!ioctl(fd, DRVHOOK_IOC_FB_DETACH, &a))
			n++;
	}
	if (f)
		fclose(f);
	close(fd);
	return n;
}

static int cmd_fuzz(const char *dev, uint64_t seed, long count)
{
	struct fz_thread t[NTHREADS];
	struct edu_status st0, st1;
	uint64_t closer_arg;
	pthread_t closer;
	long inputs = 0, faults = 0, ok = 0;
	int i, j, leftover;
	double t0 = now();

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz %s seed=%llu count=%ld (replay: edustress fuzz %s %llu %ld)\n",
	       dev, (unsigned long long)seed, count, dev,
	       (unsigned long long)seed, count);
	fz_dev = dev;
	need_hookdev(dev, &fz_hd);
	fuzz_setup();
	for (i = 0; i < NFD; i++)
		fz_fds[i] = open_dev(dev);
	for (i = 0; i < NFD && !fz_ctl_err; i++) {
		fz_ctl[i] = open(CTL_DEV, O_RDWR);
		if (fz_ctl[i] < 0 && !getuid())
			return printf("error opening %s: %s\n", CTL_DEV, strerror(errno)), 1;
		if (fz_ctl[i] < 0)
			fz_ctl_err = errno;
	}
	if (fz_ctl_err)
		printf("# %s: not open to uid %d (%s): its ioctls go to /dev/%s only (ENOTTY there)\n",
		       CTL_DEV, getuid(), strerror(fz_ctl_err), dev);
	if (dev_status(dev, &st0))
		return printf("error status: %s\n", strerror(errno)), 1;
	for (i = 0; i < NTHREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].rng = seed * 0x9e3779b97f4a7c15ULL + i + 1;
		t[i].count = count / NTHREADS + (i < count % NTHREADS);
		t[i].buf = mmap(NULL, 3 * fz_pagesz, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t[i].ro = mmap(NULL, fz_pagesz, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pthread_create(&t[i].tid, NULL, fuzz_thread, &t[i]);
	}
	closer_arg = seed ^ 0x5555;
	pthread_create(&closer, NULL, closer_thread, &closer_arg);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i].tid, NULL);
		inputs += t[i].inputs;
		faults += t[i].faults;
		ok += t[i].ok;
		for (j = 0; j < t[i].faults && j < 8; j++)
			printf("# fault: thread %d %s\n", i, t[i].first[j]);
	}
	fz_stop = 1;
	pthread_join(closer, NULL);
	for (i = 0; i < NFD; i++) {
		close(fz_fds[i]);
		if (!fz_ctl_err)
			close(fz_ctl[i]);
	}
	leftover = getuid() ? 0 : detach_fz_entries(dev);
	if (dev_status(dev, &st1))
		return printf("error status: %s\n", strerror(errno)), 1;
	printf("# %ld inputs succeeded, %ld files closed under the fuzzers, %d fallback entries registered by the fuzzer removed\n",
	       ok, (long)closer_arg, leftover);
	printf("fuzz seed=%llu inputs=%ld faults=%ld requests=%llu lost=%llu secs=%.1f\n",
	       (unsigned long long)seed, inputs, faults,
	       (unsigned long long)(st1.requests - st0.requests),
	       (unsigned long long)((st1.requests - st0.requests) -
				    (st1.completions - st0.completions)),
	       now() - t0);
	return 0;
}

/* ---- mangle ------------------------------------------------------- */

static int cmd_mangle(const char *in, const char *out, uint64_t seed,
		      const char *kind)
{
	static unsigned char buf[1 << 22];
	uint64_t r = seed * 0x9e3779b97f4a7c15ULL + 7;
	FILE *f = fopen(in, "rb");
	size_t n, i, k;

	if (!f)
		return perror(in), 1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n < 128)
		return fprintf(stderr, "%s: too short\n", in), 1;
	if (!strcmp(kind, "truncate")) {
		n = rnd_below(&r, n);
	} else if (!strcmp(kind, "tail")) {
		for (i = 64; i < n; i++)
			buf[i] = rnd(&r);
	} else if (!strcmp(kind, "flip")) {
		for (k = 1 + rnd_below(&r, 8); k; k--)
			buf[rnd_below(&r, n)] = rnd(&r);
	} else {
		return 2;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f))
		return perror(out), 1;
	printf("%zu\n", n);
	return 0;
}

/* ---- one fallback ioctl ------------------------------------------- */

static int cmd_fb(const char *dev, const char *op, const char *name,
		  __u32 cookie)
{
	static const char *const ops[] = { "attach", "detach", "cookie", "replace" };
	static const unsigned int cmds[] = {
		DRVHOOK_IOC_FB_ATTACH, DRVHOOK_IOC_FB_DETACH,
		DRVHOOK_IOC_FB_COOKIE, DRVHOOK_IOC_FB_REPLACE,
	};
	struct drvhook_fb_attach a;
	struct hookdev hd;
	int k, fd;

	for (k = 0; k < 4 && strcmp(op, ops[k]); k++)
		;
	if (k == 4)
		return 2;
	need_hookdev(dev, &hd);
	fb_req_fill(&a, &hd, name, hookdev_bit(&hd, "request"), cookie);
	fd = open(CTL_DEV, O_RDWR);
	if (fd < 0)
		printf("open: %s\n", errno == EACCES ? "EACCES" :
		       errno == EPERM ? "EPERM" : strerror(errno));
	else if (ioctl(fd, cmds[k], &a))
		printf("%s\n", errno == EPERM ? "EPERM" : strerror(errno));
	else
		printf("ok\n");
	return 0;
}

/* ---- the kernel's capability gate for policy program types ---------- */

static int cmd_progload(const char *type)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = !strcmp(type, "tracing") ? BPF_PROG_TYPE_TRACING :
		      BPF_PROG_TYPE_STRUCT_OPS;
	if (a.prog_type == BPF_PROG_TYPE_TRACING)
		a.expected_attach_type = BPF_TRACE_FENTRY;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t)"GPL";
	a.attach_btf_id = 0x7fffffff;	/* no such type: fails after the gate */
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0)
		return printf("loaded\n"), 0;
	printf("%s\n", errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES" :
	       strerror(errno));
	return 0;
}

/* ---- caps ----------------------------------------------------------- */

static int cmd_caps(const char *caps, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {};
	static const struct { const char *name; int cap; } names[] = {
		{ "bpf", CAP_BPF }, { "perfmon", CAP_PERFMON },
		{ "sys_admin", CAP_SYS_ADMIN }, { "net_admin", CAP_NET_ADMIN },
	};
	int list[8], n = 0, i;
	char *s = strdup(caps), *tok;

	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (!strcmp(tok, "none"))
			continue;
		for (i = 0; i < 4 && strcmp(tok, names[i].name); i++)
			;
		if (i == 4 || n == 8)
			return fprintf(stderr, "edustress caps: unknown '%s'\n", tok), 2;
		list[n++] = names[i].cap;
	}
	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) || setgid(65534) ||
	    setuid(65534))
		return perror("edustress caps: drop to 65534"), 1;
	for (i = 0; i < n; i++) {
		d[list[i] / 32].effective |= 1U << (list[i] % 32);
		d[list[i] / 32].permitted |= 1U << (list[i] % 32);
		d[list[i] / 32].inheritable |= 1U << (list[i] % 32);
	}
	if (syscall(SYS_capset, &h, d))
		return perror("edustress caps: capset"), 1;
	for (i = 0; i < n; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, list[i], 0, 0))
			return perror("edustress caps: ambient"), 1;
	execvp(argv[0], argv);
	perror("edustress caps: exec");
	return 127;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (getenv("DRVHOOK_BPF_DIR"))
		bpfdir = getenv("DRVHOOK_BPF_DIR");
	if (!strcmp(cmd, "storm") && argc >= 5)
		return cmd_storm(argv[2], atoi(argv[3]), atol(argv[4]),
				 argc - 5, argv + 5);
	if (!strcmp(cmd, "fast-storm") && argc >= 5)
		return cmd_fast_storm(argv[2], atoi(argv[3]), atol(argv[4]),
				      argc - 5, argv + 5);
	if (!strcmp(cmd, "sleepable") && argc == 3)
		return cmd_sleepable(argv[2]);
	if (!strcmp(cmd, "inflight") && argc == 6)
		return cmd_inflight(argv[2], atoi(argv[3]), argv[4], argv[5]);
	if (!strcmp(cmd, "fuzz") && argc == 5)
		return cmd_fuzz(argv[2], strtoull(argv[3], NULL, 0), atol(argv[4]));
	if (!strcmp(cmd, "mangle") && argc == 6)
		return cmd_mangle(argv[2], argv[3], strtoull(argv[4], NULL, 0), argv[5]);
	if (!strcmp(cmd, "fb") && (argc == 5 || argc == 6))
		return cmd_fb(argv[2], argv[3], argv[4],
			      argc == 6 ? strtoul(argv[5], NULL, 0) : 0);
	if (!strcmp(cmd, "progload") && argc == 3)
		return cmd_progload(argv[2]);
	if (!strcmp(cmd, "caps") && argc >= 4)
		return cmd_caps(argv[2], argv + 3);
	if (!strcmp(cmd, "hold") && argc == 4)
		return cmd_hold(argv[2], argv[3]);
	if (!strcmp(cmd, "nodetach") && argc >= 3)
		return cmd_nodetach(argv + 2);
	fprintf(stderr,
		"usage: edustress storm DEV PROCS CYCLES [attach args...]\n"
		"       edustress fast-storm DEV PROCS CYCLES [mode struct_ops|fallback]\n"
		"       edustress sleepable DEV\n"
		"       edustress inflight DEV PROCS READYFILE basic|default\n"
		"       edustress fuzz DEV SEED COUNT\n"
		"       edustress mangle IN OUT SEED truncate|tail|flip\n"
		"       edustress fb DEV attach|detach|cookie|replace NAME [COOKIE]\n"
		"       edustress progload struct_ops|tracing\n"
		"       edustress caps CAPS CMD...\n"
		"       edustress hold PIN READYFILE\n"
		"       edustress nodetach CMD...\n");
	return 2;
}
