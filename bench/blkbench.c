// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkbench: make bench's block I/O generator (the vblk part of
 * bench/guest-run). O_DIRECT 4 KiB random reads over a whole disk through
 * Linux AIO (raw io_setup/io_submit/io_getevents: no libaio in the
 * guest), DEPTH requests kept in flight, for MS ms per loop, REPEATS
 * loops. Prints one line:
 *
 *   BENCHBLK LABEL depth=D iops=I1,I2,.. lat_ns=L1,L2,.. cpu_ns=C ios=N errors=E
 *
 * iops and lat_ns (submit to reap, mean) per loop; cpu_ns: the guest's
 * busy CPU time over all loops, per I/O: the online CPUs' elapsed time
 * minus their idle and iowait time (/proc/stat, 10 ms units). With the
 * icount clock busy time is guest instructions, whatever the host's load;
 * idle time (waiting for the emulated disk) passes in host time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BLK 4096
#define MAX_DEPTH 256

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * idle and iowait time of all CPUs in USER_HZ ticks (the "cpu" line of
 * /proc/stat): measured at each idle entry and exit (NO_HZ), unlike the
 * busy fields, which count the CPU's state at each tick
 */
static long long idle_ticks(void)
{
	long long v[5] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
		   &v[3], &v[4]);
	fclose(f);
	return n == 5 ? v[3] + v[4] : -1;
}

static aio_context_t ctx;
static int fd;
static uint64_t nblocks;
static struct iocb cbs[MAX_DEPTH];
static uint64_t sent_at[MAX_DEPTH];
static char *bufs;

static int submit(int slot)
{
	struct iocb *p = &cbs[slot];

	memset(p, 0, sizeof(*p));
	p->aio_fildes = fd;
	p->aio_lio_opcode = IOCB_CMD_PREAD;
	p->aio_buf = (uintptr_t)(bufs + (size_t)slot * BLK);
	p->aio_nbytes = BLK;
	p->aio_offset = (next_rand() % nblocks) * BLK;
	p->aio_data = slot;
	sent_at[slot] = now_ns();
	return syscall(SYS_io_submit, ctx, 1L, &p) == 1 ? 0 : -1;
}

/* loop MS DEPTH: one timed loop; its I/Os, errors and latency sum */
static int loop(unsigned int ms, int depth, uint64_t *ios, uint64_t *errs,
		uint64_t *lat_sum, uint64_t *elapsed)
{
	struct io_event ev[MAX_DEPTH];
	uint64_t t0 = now_ns(), end = t0 + ms * 1000000ULL, t;
	int i, n, inflight = 0, stop = 0;

	for (i = 0; i < depth; i++, inflight++)
		if (submit(i))
			return -1;
	while (inflight) {
		n = syscall(SYS_io_getevents, ctx, 1L, (long)inflight, ev, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		t = now_ns();
		if (t >= end)
			stop = 1;
		for (i = 0; i < n; i++) {
			int slot = ev[i].data;

			(*ios)++;
			if (ev[i].res != BLK)
				(*errs)++;
			*lat_sum += t - sent_at[slot];
			inflight--;
			if (!stop) {
				if (submit(slot))
					return -1;
				inflight++;
			}
		}
	}
	*elapsed = now_ns() - t0;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int ms = 300, repeats = 5, r;
	int depth = 1, c;
	uint64_t size, total = 0, errs = 0;
	double iops[64], lat[64];
	long long b0, b1;
	uint64_t t0, t1;

	while ((c = getopt(argc, argv, "d:t:r:s:")) != -1) {
		switch (c) {
		case 'd':
			depth = atoi(optarg);
			break;
		case 't':
			ms = atoi(optarg);
			break;
		case 'r':
			repeats = atoi(optarg);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || depth < 1 || depth > MAX_DEPTH ||
	    repeats < 1 || repeats > 64 || !ms)
		goto usage;
	fd = open(argv[optind + 1], O_RDONLY | O_DIRECT);
	if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &size)) {
		struct stat st;	/* a regular file: the host's own check */

		size = fstat(fd, &st) ? 0 : st.st_size;
	}
	if (fd < 0 || size < BLK) {
		perror(argv[optind + 1]);
		return 1;
	}
	nblocks = size / BLK;
	if (posix_memalign((void **)&bufs, BLK, (size_t)depth * BLK) ||
	    syscall(SYS_io_setup, (long)depth, &ctx)) {
		perror("io_setup");
		return 1;
	}
	b0 = idle_ticks();
	t0 = now_ns();
	for (r = 0; r < repeats; r++) {
		uint64_t n = 0, e = 0, ls = 0, el = 0;

		if (loop(ms, depth, &n, &e, &ls, &el)) {
			perror("aio");
			return 1;
		}
		iops[r] = n * 1e9 / el;
		lat[r] = (double)ls / n;
		total += n;
		errs += e;
	}
	t1 = now_ns();
	b1 = idle_ticks();
	printf("BENCHBLK %s depth=%d iops=", argv[optind], depth);
	for (r = 0; r < repeats; r++)
		printf("%s%.0f", r ? "," : "", iops[r]);
	printf(" lat_ns=");
	for (r = 0; r < repeats; r++)
		printf("%s%.0f", r ? "," : "", lat[r]);
	printf(" cpu_ns=%.0f ios=%llu errors=%llu secs=%.3f\n",
	       b0 < 0 || b1 < 0 ? -1.0 :
	       ((double)sysconf(_SC_NPROCESSORS_ONLN) * (t1 - t0) -
		(b1 - b0) * (1e9 / sysconf(_SC_CLK_TCK))) / total,
	       (unsigned long long)total, (unsigned long long)errs,
	       (t1 - t0) / 1e9);
	return errs ? 3 : 0;
usage:
	fprintf(stderr, "usage: blkbench [-d DEPTH] [-t MS] [-r REPEATS] [-s SEED] LABEL DEV\n");
	return 2;
}
