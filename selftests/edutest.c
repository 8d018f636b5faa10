// SPDX-License-Identifier: GPL-2.0
/*
 * edutest: drives /dev/eduN for the guest tests. Each command prints what
 * the device answered, or "error <errno-name>", and the tests compare.
 *
 *   edutest ping DEV VALUE         liveness round trip (returns ~VALUE)
 *   edutest fact DEV N             factorial by the device
 *   edutest dma DEV [SEED]         4 KiB DMA round trip: prints "same",
 *                                  "xor <byte>" or "differ"
 *   edutest status DEV             the status ioctl, key=value
 *   edutest load DEV PROCS COUNT   PROCS processes, COUNT factorials each,
 *                                  checked; prints submitted/completed/bad
 *   edutest open DEV               open read-write: "ok" or the error
 *   edutest until-error DEV        factorials on one open file until one
 *                                  fails: prints that error (unplug tests)
 *   edutest outcomes DEV N COUNT   COUNT factorials of N (COUNT 0: until
 *                                  SIGUSR1): prints each distinct outcome
 *                                  with its count
 *   edutest pings DEV COUNT [PAUSE_MS COUNT2]
 *                                  COUNT pings on one open file (one
 *                                  process): prints "ok=N eagain=N other=N";
 *                                  then, after PAUSE_MS, COUNT2 more, on the
 *                                  same line (rate limit tests)
 *   edutest dmasum DEV SEED [LEN]  LEN bytes (default 4096) written and
 *                                  read back by DMA: prints "same" or
 *                                  "differ", then the data's sum and xor of
 *                                  64-bit little-endian words (a partial
 *                                  last word zero-padded), in decimal
 *   edutest reg PCI OFFSET         a 32-bit register of the device's BAR 0,
 *                                  through sysfs (PCI: 0000:00:04.0; for a
 *                                  device no driver holds)
 *
 * Unbind tests (eduunbind.c):
 *   edutest uffd-dma DEV to|from   a 4 KiB DMA whose user buffer is on a
 *                                  userfaultfd page nobody serves: prints
 *                                  "fault PID" once the fault is pending;
 *                                  SIGUSR1 to PID resolves it; then prints
 *                                  how the ioctl ended ("ok" or "error
 *                                  <errno>")
 *   edutest dma-unbind DEV PCI     unbinds PCI while a DMA of DEV runs,
 *                                  rebinds, DMAs again: "dma=idle|running"
 *                                  (the engine once the unbind returned),
 *                                  "first=<errno>" (the DMA in flight),
 *                                  "next=same|differ" (data after rebind)
 *   edutest fact-unbind DEV PCI N  a factorial of N that times out, then
 *                                  one waiting for the device to be free;
 *                                  unbinds PCI meanwhile and rebinds:
 *                                  "first=<errno> waiter=<errno>" and
 *                                  "in=<ms>" (waiter's end after unbind)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "drvhook/edu.h"
#include "eduunbind.h"

const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ERANGE: return "ERANGE";
	case ENODEV: return "ENODEV";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case ENOENT: return "ENOENT";
	default: return strerror(e);
	}
}

static int open_dev(const char *dev)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", dev);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("error %s\n", errname(errno));
		exit(1);
	}
	return fd;
}

static uint64_t fact(unsigned int n)
{
	uint64_t r = 1;

	while (n > 1)
		r *= n--;
	return r & 0xffffffff;	/* the device's register is 32 bits */
}

/*
 * LEN seeded random bytes written to the device by DMA (in out) and read
 * back (in in): 0, or 1 after printing the error.
 */
int dma_roundtrip(int fd, unsigned int seed, unsigned int len,
			 unsigned char *out, unsigned char *in)
{
	struct edu_dma d = { .len = len };
	unsigned int i;

	srand(seed);
	for (i = 0; i < len; i++)
		out[i] = rand();
	d.buf = (uintptr_t)out;
	if (ioctl(fd, EDU_IOC_DMA_TO, &d))
		return printf("error %s\n", errname(errno)), 1;
	d.buf = (uintptr_t)in;
	if (ioctl(fd, EDU_IOC_DMA_FROM, &d))
		return printf("error %s\n", errname(errno)), 1;
	return 0;
}

static int cmd_dma(int fd, unsigned int seed)
{
	static unsigned char out[EDU_DMA_SIZE], in[EDU_DMA_SIZE];
	size_t i;

	if (dma_roundtrip(fd, seed, EDU_DMA_SIZE, out, in))
		return 1;
	if (!memcmp(in, out, sizeof(in)))
		return printf("same\n"), 0;
	for (i = 0; i < sizeof(in); i++)
		if ((in[i] ^ out[i]) != (in[0] ^ out[0]))
			return printf("differ\n"), 0;
	return printf("xor %#x\n", in[0] ^ out[0]), 0;
}

/* Each child checks every answer; the parent sums what they saw. */
static int cmd_load(const char *dev, int procs, int count)
{
	int p, pipefd[2], bad_total = 0, done_total = 0, d, b;
	FILE *f;

	if (pipe(pipefd))
		return 1;
	for (p = 0; p < procs; p++) {
		if (fork() == 0) {
			int fd = open_dev(dev), i, done = 0, bad = 0;
			char line[64];

			for (i = 0; i < count; i++) {
				struct edu_fact f = { .in = (i + p) % 13 };

				if (ioctl(fd, EDU_IOC_FACT, &f) || f.out != fact(f.in))
					bad++;
				done++;
			}
			snprintf(line, sizeof(line), "%d %d\n", done, bad);
			if (write(pipefd[1], line, strlen(line)) < 0)
				_exit(1);
			_exit(0);
		}
	}
	close(pipefd[1]);
	while (wait(NULL) > 0)
		;
	f = fdopen(pipefd[0], "r");
	while (f && fscanf(f, "%d %d", &d, &b) == 2) {
		done_total += d;
		bad_total += b;
	}
	printf("submitted=%d completed=%d bad=%d\n", procs * count,
	       done_total, bad_total);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig __attribute__((unused)))
{
	stop = 1;
}

static int cmd_outcomes(int fd, unsigned int n, int count)
{
	struct { long long v; int n; } seen[16];
	int i, j, nseen = 0;

	signal(SIGUSR1, on_stop);
	for (i = 0; count ? i < count : !stop; i++) {
		struct edu_fact f = { .in = n };
		long long v = ioctl(fd, EDU_IOC_FACT, &f) ? -errno : (long long)f.out;

		for (j = 0; j < nseen && seen[j].v != v; j++)
			;
		if (j == nseen) {
			if (nseen == 16)
				continue;
			seen[nseen].v = v;
			seen[nseen++].n = 0;
		}
		seen[j].n++;
	}
	for (j = 0; j < nseen; j++)
		printf("%lld:%d\n", seen[j].v, seen[j].n);
	return 0;
}

static void pings(int fd, int count)
{
	int i, ok = 0, eagain = 0, other = 0;

	for (i = 0; i < count; i++) {
		uint64_t v = i;

		if (!ioctl(fd, EDU_IOC_PING, &v))
			ok++;
		else if (errno == EAGAIN)
			eagain++;
		else
			other++;
	}
	printf("ok=%d eagain=%d other=%d", ok, eagain, other);
}

static int cmd_dmasum(int fd, unsigned int seed, unsigned int len)
{
	static unsigned char out[EDU_DMA_SIZE], in[EDU_DMA_SIZE];
	uint64_t sum = 0, x = 0, w;
	unsigned int i, j;

	if (!len || len > EDU_DMA_SIZE)
		return printf("error EINVAL\n"), 1;
	if (dma_roundtrip(fd, seed, len, out, in))
		return 1;
	for (i = 0; i < len; i += 8) {
		for (w = 0, j = 0; j < 8 && i + j < len; j++)
			w |= (uint64_t)in[i + j] << (8 * j);
		sum += w;
		x ^= w;
	}
	printf("%s sum=%llu xor=%llu\n", memcmp(in, out, len) ? "differ" : "same",
	       (unsigned long long)sum, (unsigned long long)x);
	return 0;
}

static int cmd_reg(const char *pci, unsigned long off)
{
	char path[96];
	volatile uint32_t *bar;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", pci);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return printf("error %s\n", errname(errno)), 0;
	bar = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		printf("error %s\n", errname(errno));
	else if (off > 4096 - 4 || off % 4)
		printf("error offset\n");
	else
		printf("%#x\n", bar[off / 4]);
	if (bar != MAP_FAILED)
		munmap((void *)bar, 4096);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: edutest ping|fact|dma|status|load|open DEV ... | reg PCI OFFSET\n"
			"       edutest uffd-dma|dma-unbind|fact-unbind DEV ...\n");
		return 2;
	}
	if (!strcmp(cmd, "uffd-dma"))
		return argc < 4 ? 2 : cmd_uffd_dma(argv[2], argv[3]);
	if (!strcmp(cmd, "dma-unbind"))
		return argc < 4 ? 2 : cmd_dma_unbind(argv[2], argv[3]);
	if (!strcmp(cmd, "fact-unbind"))
		return argc < 5 ? 2 : cmd_fact_unbind(argv[2], argv[3],
						       strtoul(argv[4], NULL, 0));
	if (!strcmp(cmd, "load"))
		return argc < 5 ? 2 : cmd_load(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "reg"))
		return argc < 4 ? 2 : cmd_reg(argv[2], strtoul(argv[3], NULL, 0));
	if (!strcmp(cmd, "open")) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/%s", argv[2]);
		fd = open(path, O_RDWR);
		printf("%s\n", fd < 0 ? errname(errno) : "ok");
		return 0;
	}
	fd = open_dev(argv[2]);
	if (!strcmp(cmd, "ping") && argc > 3) {
		uint64_t v = strtoull(argv[3], NULL, 0);

		if (ioctl(fd, EDU_IOC_PING, &v))
			return printf("error %s\n", errname(errno)), 0;
		printf("%#llx\n", (unsigned long long)v);
	} else if (!strcmp(cmd, "fact") && argc > 3) {
		struct edu_fact f = { .in = strtoul(argv[3], NULL, 0) };

		if (ioctl(fd, EDU_IOC_FACT, &f))
			return printf("error %s\n", errname(errno)), 0;
		printf("%llu\n", (unsigned long long)f.out);
	} else if (!strcmp(cmd, "dma")) {
		return cmd_dma(fd, argc > 3 ? atoi(argv[3]) : 1);
	} else if (!strcmp(cmd, "outcomes") && argc > 4) {
		return cmd_outcomes(fd, strtoul(argv[3], NULL, 0), atoi(argv[4]));
	} else if (!strcmp(cmd, "pings") && argc > 3) {
		pings(fd, atoi(argv[3]));
		if (argc > 5) {
			usleep(atoi(argv[4]) * 1000);
			printf(" ");
			pings(fd, atoi(argv[5]));
		}
		printf("\n");
	} else if (!strcmp(cmd, "dmasum") && argc > 3) {
		return cmd_dmasum(fd, atoi(argv[3]),
				  argc > 4 ? strtoul(argv[4], NULL, 0) : EDU_DMA_SIZE);
	} else if (!strcmp(cmd, "until-error")) {
		struct edu_fact f = { .in = 5 };

		while (!ioctl(fd, EDU_IOC_FACT, &f))
			;
		printf("error %s\n", errname(errno));
	} else if (!strcmp(cmd, "status")) {
		struct edu_status s;

		if (ioctl(fd, EDU_IOC_STATUS, &s))
			return printf("error %s\n", errname(errno)), 0;
		printf("id=%u ident=%#x quirks=%#x irq_mode=%u requests=%llu completions=%llu irqs=%llu\n",
		       s.id, s.hw_ident, s.quirks, s.irq_mode,
		       (unsigned long long)s.requests,
		       (unsigned long long)s.completions,
		       (unsigned long long)s.irqs);
	} else {
		fprintf(stderr, "edutest: unknown command '%s'\n", cmd);
		return 2;
	}
	return 0;
}
