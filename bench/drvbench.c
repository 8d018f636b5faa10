// SPDX-License-Identifier: GPL-2.0
/*
 * drvbench: the guest side of make bench. Needs a drvhook_edu built with
 * DRVHOOK_BENCH=y (EDU_IOC_BENCH, /dev/drvhook_upcall).
 *
 *   drvbench [-r REPEATS] [-t MS] LABEL DEV hook|upcall [KPROBE-OBJ]
 *
 * Runs EDU_IOC_BENCH (the request hook part in an in-kernel ktime loop)
 * REPEATS times, each loop sized to about MS milliseconds, then as many
 * rounds of single-iteration ioctls timed from userspace. 'upcall' runs
 * the upcall daemon (below) in a child for the duration. KPROBE-OBJ: a
 * BPF object whose kprobe programs are attached for the duration; its
 * kp_stats map must show they ran.
 *
 * Prints one line:
 *   BENCH LABEL ns=<median ns per request> min=<> max=<> repeats=<>
 *         iters=<per loop> refused=<> ioctl_ns=<median ns per ioctl>
 *         rps=<ioctls per second> [kprobe_runs=<>] samples=<a,b,...>
 *
 *   drvbench upcalld
 *
 * The upcall daemon alone: answers /dev/drvhook_upcall with the admission
 * policy's rules (euid 0 only; a deny set of cgroup ids, empty here). The
 * kernel hands it the caller's euid and cgroup ids with the request, which
 * spares the daemon reading /proc: the comparison favours the upcall.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kmod/edu/bench_abi.h"

static int repeats = 7;
static double target_ms = 60;

static void die(const char *what)
{
	fprintf(stderr, "drvbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One EDU_IOC_BENCH loop: ns per iteration. */
static double bench_loop(int fd, uint32_t path, uint32_t iters,
			 uint64_t *refused)
{
	struct edu_bench b = { .op = EDU_OP_PING, .iters = iters,
			       .path = path };

	if (ioctl(fd, EDU_IOC_BENCH, &b))
		die("EDU_IOC_BENCH");
	*refused += b.refused;
	return (double)b.ns / iters;
}

/* COUNT single-iteration ioctls, timed here: ns per ioctl. */
static double bench_ioctls(int fd, uint32_t path, uint32_t count,
			   uint64_t *refused)
{
	struct edu_bench b = { .op = EDU_OP_PING, .iters = 1,
			       .path = path };
	uint64_t t0 = now_ns();
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (ioctl(fd, EDU_IOC_BENCH, &b))
			die("EDU_IOC_BENCH");
		*refused += b.refused;
	}
	return (double)(now_ns() - t0) / count;
}

/* Iterations for about target_ms, from a probe of 'probe' of them. */
static uint32_t size_for(double ns_each)
{
	double n = target_ms * 1e6 / (ns_each > 1 ? ns_each : 1);

	if (n < 100)
		n = 100;
	if (n > EDU_BENCH_MAX_ITERS)
		n = EDU_BENCH_MAX_ITERS;
	return (uint32_t)n;
}

static void upcalld(int ready_fd)
{
	static const uint64_t deny[1];	/* empty deny set: ids != 0 */
	struct drvhook_upcall m;
	int fd = open("/dev/drvhook_upcall", O_RDWR);
	unsigned int i;

	if (fd < 0)
		die("/dev/drvhook_upcall");
	if (ready_fd >= 0) {
		if (write(ready_fd, "r", 1) != 1)
			die("ready");
		close(ready_fd);
	}
	for (;;) {
		if (read(fd, &m, sizeof(m)) != sizeof(m)) {
			if (errno == EINTR)
				continue;
			die("upcall read");
		}
		m.verdict = 0;
		if (m.euid != 0)
			m.verdict = -EPERM;
		for (i = 0; !m.verdict && i < sizeof(deny) / sizeof(deny[0]); i++)
			if (deny[i] && (deny[i] == m.cgid ||
					deny[i] == m.parent_cgid))
				m.verdict = -EACCES;
		if (write(fd, &m, sizeof(m)) != sizeof(m))
			die("upcall write");
	}
}

static pid_t start_upcalld(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(p[0]);
		upcalld(p[1]);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		fprintf(stderr, "drvbench: upcall daemon did not start\n");
		exit(1);
	}
	close(p[0]);
	return pid;
}

static struct bpf_object *kprobe_attach(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;

	if (!obj || libbpf_get_error(obj) || bpf_object__load(obj)) {
		fprintf(stderr, "drvbench: cannot load %s\n", path);
		exit(1);
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_KPROBE)
			continue;
		if (libbpf_get_error(bpf_program__attach(prog))) {
			fprintf(stderr, "drvbench: cannot attach %s\n",
				bpf_program__name(prog));
			exit(1);
		}
	}
	return obj;
}

/* Sum of the per-CPU kp_stats.runs (first u64 of the value). */
static unsigned long long kprobe_runs(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "kp_stats");
	int ncpu = libbpf_num_possible_cpus(), i;
	unsigned long long sum = 0;
	uint64_t v[2 * 64];
	uint32_t zero = 0;

	if (!map || ncpu <= 0 || ncpu > 64 ||
	    bpf_map__lookup_elem(map, &zero, sizeof(zero), v,
				 2 * sizeof(uint64_t) * ncpu, 0))
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[2 * i];
	return sum;
}

static int run(const char *label, const char *dev, const char *pathname,
	       const char *kobj)
{
	double *loop = calloc(repeats, sizeof(double));
	double *ioc = calloc(repeats, sizeof(double));
	struct bpf_object *obj = NULL;
	uint64_t refused = 0, ignore = 0;
	uint32_t path, iters, count;
	pid_t daemon = 0;
	char devpath[64];
	int fd, i;

	if (!strcmp(pathname, "hook"))
		path = EDU_BENCH_HOOK;
	else if (!strcmp(pathname, "upcall"))
		path = EDU_BENCH_UPCALL;
	else
		return fprintf(stderr, "drvbench: path hook or upcall\n"), 2;
	snprintf(devpath, sizeof(devpath), "/dev/%s", dev);
	fd = open(devpath, O_RDWR);
	if (fd < 0)
		die(devpath);
	if (path == EDU_BENCH_UPCALL)
		daemon = start_upcalld();
	if (kobj)
		obj = kprobe_attach(kobj);

	/* warm up, and size the loops */
	iters = size_for(bench_loop(fd, path, 200, &ignore));
	iters = size_for(bench_loop(fd, path, iters / 10 ?: 100, &ignore));
	count = size_for(bench_ioctls(fd, path, 200, &ignore)) / 2;
	for (i = 0; i < repeats; i++) {
		loop[i] = bench_loop(fd, path, iters, &refused);
		ioc[i] = bench_ioctls(fd, path, count, &refused);
	}

	printf("BENCH %s ns=%.1f", label, median(loop, repeats));
	printf(" min=%.1f max=%.1f repeats=%d iters=%u refused=%llu",
	       loop[0], loop[repeats - 1], repeats, iters,
	       (unsigned long long)refused);
	printf(" ioctl_ns=%.1f rps=%.0f", median(ioc, repeats),
	       1e9 / median(ioc, repeats));
	if (obj)
		printf(" kprobe_runs=%llu", kprobe_runs(obj));
	printf(" samples=");
	for (i = 0; i < repeats; i++)
		printf("%s%.1f", i ? "," : "", loop[i]);
	printf("\n");
	fflush(stdout);

	if (daemon) {
		kill(daemon, SIGKILL);
		waitpid(daemon, NULL, 0);
	}
	if (obj)
		bpf_object__close(obj);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "r:t:")) != -1) {
		switch (c) {
		case 'r':
			repeats = atoi(optarg);
			break;
		case 't':
			target_ms = atof(optarg);
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && !strcmp(argv[0], "upcalld")) {
		upcalld(-1);
		return 0;
	}
	if (argc < 3 || argc > 4 || repeats < 1 || repeats > 1000 ||
	    target_ms <= 0) {
		fprintf(stderr,
			"usage: drvbench [-r REPEATS] [-t MS] LABEL DEV hook|upcall [KPROBE-OBJ]\n"
			"       drvbench upcalld\n");
		return 2;
	}
	return run(argv[0], argv[1], argv[2], argc == 4 ? argv[3] : NULL);
}
