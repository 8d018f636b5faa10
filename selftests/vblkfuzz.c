// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblkfuzz DISK SEED COUNT [FIRST_MIB]: seeded random block ioctls and
 * queue sysfs writes on /dev/DISK (make stress, selftests/guest/
 * t_vblkstress.sh), each answer checked where the block layer's contract
 * is exact:
 *   - BLKDISCARD, BLKZEROOUT, BLKSECDISCARD on a range from FIRST_MIB
 *     (default 56) to the end: an unaligned, overflowing or past-the-end
 *     range fails with EINVAL (or EOPNOTSUPP); an aligned one succeeds
 *     (zeroout: the range reads back as zeros), so no range escapes to
 *     the sectors before FIRST_MIB (vblkio's, verified there);
 *   - BLKGETSIZE64, BLKSSZGET, BLKGETSIZE: the disk's values; with a NULL,
 *     unmapped or kernel pointer EFAULT;
 *   - BLKFLSBUF 0; other 0x12 ioctl numbers (but the ones that change
 *     the disk's read-only flag, block size or partitions) with random
 *     arguments: any answer, the disk keeps working;
 *   - /sys/block/DISK/queue/ attributes: values from a list, numbers and
 *     junk; junk fails with EINVAL; each attribute is put back and reads
 *     back as it was.
 * One line:  vblkfuzz inputs=N faults=N unchecked=N (inputs whose answer
 * is not checked: random ioctls, attributes this kernel lacks)
 * and the first faults on stderr. Exit 0 without a fault, 1 with, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static uint64_t rng, size, first;
static unsigned long inputs, faults, unchecked;
static int fd;
static char *buf;
#define BUF_LEN		(1 << 20)

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fault(const char *what, long ret, int err)
{
	if (++faults <= 8)
		fprintf(stderr, "vblkfuzz: %s: ret %ld errno %d (%s)\n",
			what, ret, err, strerror(err));
}

/* A range for the discard-like ioctls: good, or bad in one of four ways. */
static int range(uint64_t r[2])
{
	uint64_t span = size - first, len;
	int bad = rnd() % 2 ? (int)(1 + rnd() % 4) : 0;

	len = 4096 * (1 + rnd() % (span / 4096 < 64 ? span / 4096 : 64));
	r[0] = first + 4096 * (rnd() % ((span - len) / 4096 + 1));
	r[1] = len;
	switch (bad) {
	case 1:		/* unaligned */
		r[rnd() % 2] += 1 + rnd() % 511;
		break;
	case 2:		/* past the end */
		len = 4096 * (rnd() % 4);
		r[0] = size - len;
		r[1] = len + 4096 * (1 + rnd() % 4);
		break;
	case 3:		/* start + len overflows */
		r[0] = size - 4096;
		r[1] = UINT64_MAX - 4095 - 4096 * (rnd() % 4);
		break;
	case 4:		/* zero length (zeroout only: EINVAL) */
		r[1] = 0;
		break;
	}
	return bad;
}

static void discardlike(void)
{
	static const struct { unsigned long cmd; const char *name; } c[] = {
		{ BLKDISCARD, "BLKDISCARD" }, { BLKZEROOUT, "BLKZEROOUT" },
		{ BLKSECDISCARD, "BLKSECDISCARD" },
	};
	unsigned int i = rnd() % 3, k;
	uint64_t r[2];
	char what[96];
	int bad, ret, err;

	bad = range(r);
	ret = ioctl(fd, c[i].cmd, r);
	err = errno;
	snprintf(what, sizeof(what), "%s [%llu, +%llu) (%s)", c[i].name,
		 (unsigned long long)r[0], (unsigned long long)r[1],
		 bad ? "bad" : "good");
	if (bad == 4 && c[i].cmd != BLKZEROOUT) {
		unchecked++;	/* 0 or EINVAL, by kernel */
		return;
	}
	if (bad) {
		if (!ret || (err != EINVAL && err != EOPNOTSUPP))
			fault(what, ret, err);
		return;
	}
	if (c[i].cmd == BLKSECDISCARD) {
		if (!ret || err != EOPNOTSUPP)	/* virtio-blk has no secure erase */
			fault(what, ret, err);
		return;
	}
	if (ret && !(c[i].cmd == BLKDISCARD && err == EOPNOTSUPP)) {
		fault(what, ret, err);
		return;
	}
	if (c[i].cmd != BLKZEROOUT || r[1] > BUF_LEN)
		return;
	if (pread(fd, buf, r[1], r[0]) != (ssize_t)r[1]) {
		fault("read after BLKZEROOUT", -1, errno);
		return;
	}
	for (k = 0; k < r[1]; k++)
		if (buf[k]) {
			fault("BLKZEROOUT range reads back non-zero", 0, 0);
			return;
		}
}

static void *badptr(void)
{
	static void *const p[] = {
		NULL, (void *)1, (void *)0xffffffff81000000UL,
		(void *)0x10000000000UL,
	};

	return p[rnd() % 4];
}

static void getters(void)
{
	uint64_t v64 = 0;
	unsigned long vl = 0;
	int vi = 0, ret, which = rnd() % 6;

	switch (which) {
	case 0:
		ret = ioctl(fd, BLKGETSIZE64, &v64);
		if (ret || v64 != size)
			fault("BLKGETSIZE64", ret, errno);
		break;
	case 1:
		ret = ioctl(fd, BLKSSZGET, &vi);
		if (ret || vi != 512)
			fault("BLKSSZGET", ret, errno);
		break;
	case 2:
		ret = ioctl(fd, BLKGETSIZE, &vl);
		if (ret || vl != size >> 9)
			fault("BLKGETSIZE", ret, errno);
		break;
	case 3:
		ret = ioctl(fd, BLKFLSBUF, 0);
		if (ret)
			fault("BLKFLSBUF", ret, errno);
		break;
	default: {
		static const unsigned long g[] = {
			BLKGETSIZE64, BLKSSZGET, BLKGETSIZE, BLKROGET, BLKPBSZGET,
		};
		unsigned long cmd = g[rnd() % 5];

		ret = ioctl(fd, cmd, badptr());
		if (!ret || errno != EFAULT)
			fault("a getter with a bad pointer", ret, errno);
	}
	}
}

static void random_ioctl(void)
{
	unsigned int nr, sz;
	unsigned long cmd, arg;

	do
		nr = rnd() % 256;
	while (nr == 93 || nr == 95 || nr == 105 || nr == 113 ||
	       (nr >= 115 && nr <= 119) || nr == 125 || nr == 127);
	sz = rnd() % 4 ? 8 : rnd() % 64;
	cmd = ((rnd() % 4) << 30) | ((unsigned long)sz << 16) | (0x12 << 8) | nr;
	if (rnd() % 2) {
		for (sz = 0; sz < 64; sz++)
			buf[sz] = rnd();
		arg = (unsigned long)buf;
	} else {
		arg = rnd() % 2 ? (unsigned long)badptr() : rnd() % 65536;
	}
	ioctl(fd, cmd, arg);	/* any answer: no crash, the disk works */
	unchecked++;
}

struct attr {
	const char *name;
	int numeric;
	char orig[256];
};

static struct attr attrs[] = {
	/* restored in this order: a scheduler resets nr_requests, and
	 * max_sectors_kb read_ahead_kb (6.10+'s queue limits)
	 */
	{ .name = "scheduler", .numeric = 0 },
	{ .name = "max_sectors_kb", .numeric = 1 },
	{ .name = "nr_requests", .numeric = 1 },
	{ .name = "read_ahead_kb", .numeric = 1 },
	{ .name = "rq_affinity", .numeric = 1 },
	{ .name = "nomerges", .numeric = 1 },
	{ .name = "iostats", .numeric = 1 },
	{ .name = "add_random", .numeric = 1 },
	{ .name = "wbt_lat_usec", .numeric = 1 },
	{ .name = "io_poll_delay", .numeric = 0 },	/* 6.x: a no-op stub */
};
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_ATTRS	ARRAY_SIZE(attrs)
static char qdir[128];

static int attr_rw(struct attr *a, const char *val, char *out, size_t len)
{
	char path[256];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "%s/%s", qdir, a->name);
	f = open(path, out ? O_RDONLY : O_WRONLY);
	if (f < 0)
		return -errno;
	if (out) {
		n = read(f, out, len - 1);
		out[n > 0 ? n : 0] = 0;
	} else {
		n = write(f, val, strlen(val));
	}
	if (n < 0) {
		n = -errno;
		close(f);
		return n;
	}
	close(f);
	return 0;
}

/* scheduler reads "[none] mq-deadline": the one in brackets */
static void attr_value(struct attr *a, char *v)
{
	char *l = strchr(v, '['), *r = l ? strchr(l, ']') : NULL;

	if (!a->numeric && l && r) {
		memmove(v, l + 1, r - l - 1);
		v[r - l - 1] = 0;
	}
	v[strcspn(v, "\n")] = 0;
}

static void sysfs_write(void)
{
	static const char *const vals[] = {
		"0", "1", "2", "3", "4", "8", "16", "64", "128", "256", "1024",
		"4096", "-1", "99999999999999999999", "none", "mq-deadline",
		"abc", "0x10", " 7", "\n",
	};
	struct attr *a = &attrs[rnd() % NR_ATTRS];
	const char *v = vals[rnd() % ARRAY_SIZE(vals)];
	char what[96];
	int ret;

	if (!a->orig[0]) {
		unchecked++;	/* not on this kernel */
		return;
	}
	ret = attr_rw(a, v, NULL, 0);
	snprintf(what, sizeof(what), "queue/%s <- '%s'", a->name, v);
	if (a->numeric && !strcmp(v, "abc") && ret != -EINVAL)
		fault(what, ret, -ret);
}

static void sysfs_restore(void)
{
	char now[256], what[600];
	unsigned int i;

	for (i = 0; i < NR_ATTRS; i++) {
		if (!attrs[i].orig[0])
			continue;
		attr_rw(&attrs[i], attrs[i].orig, NULL, 0);
		attr_rw(&attrs[i], NULL, now, sizeof(now));
		attr_value(&attrs[i], now);
		if (strcmp(now, attrs[i].orig)) {
			snprintf(what, sizeof(what), "queue/%s restored to '%s' reads '%s'",
				 attrs[i].name, attrs[i].orig, now);
			fault(what, 0, 0);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long count, i;
	char dev[64];
	unsigned int k;

	if (argc < 4 || argc > 5)
		return fprintf(stderr, "usage: vblkfuzz DISK SEED COUNT [FIRST_MIB]\n"), 2;
	rng = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ULL | 1;
	count = strtoul(argv[3], NULL, 0);
	first = (argc == 5 ? strtoull(argv[4], NULL, 0) : 56) << 20;
	snprintf(dev, sizeof(dev), "/dev/%s", argv[1]);
	snprintf(qdir, sizeof(qdir), "/sys/block/%s/queue", argv[1]);
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) || size <= first + (1 << 20) ||
	    posix_memalign((void **)&buf, 4096, BUF_LEN)) {
		fprintf(stderr, "vblkfuzz: %s: %s (or smaller than FIRST_MIB + 1 MiB)\n",
			dev, strerror(errno));
		return 2;
	}
	for (k = 0; k < NR_ATTRS; k++) {
		if (attr_rw(&attrs[k], NULL, attrs[k].orig, sizeof(attrs[k].orig)))
			attrs[k].orig[0] = 0;
		else
			attr_value(&attrs[k], attrs[k].orig);
	}
	for (i = 0; i < count; i++) {
		inputs++;
		switch (rnd() % 8) {
		case 0:
		case 1:
		case 2:
			discardlike();
			break;
		case 3:
		case 4:
			getters();
			break;
		case 5:
			random_ioctl();
			break;
		default:
			sysfs_write();
		}
		if (i % 64 == 63)
			sysfs_restore();
	}
	sysfs_restore();
	printf("vblkfuzz inputs=%lu faults=%lu unchecked=%lu\n", inputs, faults, unchecked);
	return faults ? 1 : 0;
}
