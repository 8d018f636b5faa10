// SPDX-License-Identifier: GPL-2.0-only
/*
 * vblkio: verified I/O on a block device, like fio's verify.
 *
 *   vblkio run DEV [-o MIB] [-s MIB] [-j N] [-t SECS] [-S SEED] [-f STATE]
 *                  [-r READY] [-p READPCT]
 *   vblkio verify DEV -f STATE
 *
 * run: N workers (-j, default 4) each own a slice of the region
 * [-o, -o + -s) MiB and do O_DIRECT 4..64 KiB random writes and reads in
 * it until -t seconds passed (0: until SIGTERM/SIGINT) or every worker
 * had an I/O error (a worker stops at its first). Each 4 KiB block
 * written carries a stamp: magic, seed, its block number, its generation
 * and a checksum of the block; the workers remember each block's last
 * acknowledged generation and the one of a write that failed (the block
 * may hold either). A read checks its blocks at once; at the end (no I/O
 * error) every block of the region is read back and checked. READY is
 * created once every worker had a write acknowledged; STATE (-f) keeps
 * what was acknowledged for a later `vblkio verify` (e.g. after the
 * disk went and came back).
 *
 * A block is lost (acknowledged, holds no stamp), stale (an older
 * generation), dup (another block's stamp: a write landed elsewhere) or
 * corrupt (a bad checksum, or a generation never written). One line:
 *   vblkio run secs=S writes=N reads=N errors=N blocks=N ok=N lost=N stale=N dup=N corrupt=N
 * Exit: 0 clean, 1 a mismatch, 3 I/O errors but no mismatch, 2 usage or
 * setup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLK		4096
#define MAX_BLKS	16		/* 64 KiB per request */
#define MAGIC		0x6f696b6c6276ULL	/* "vblkio" */
#define STATE_MAGIC	0x6574617473696f62ULL

struct stamp {
	uint64_t magic, seed, blk;
	uint32_t gen, worker;
	uint64_t sum;			/* of the block with sum = 0 */
};

/* What the block may hold: acked, or pend after a failed write. */
struct blkstate {
	uint32_t acked, pend;
};

enum { OK, LOST, STALE, DUP, CORRUPT, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
	"ok", "lost", "stale", "dup", "corrupt"
};

struct worker {
	pthread_t th;
	unsigned int id;
	uint64_t first, nr;		/* its blocks, region-relative */
	uint64_t rng;
	uint64_t writes, reads, errors, kinds[NR_KINDS];
	int stopped;
};

static int fd;
static uint64_t base_off, nr_blks, seed;
static struct blkstate *st;
static volatile sig_atomic_t stop;
static unsigned int read_pct = 30, nr_workers = 4;
static const char *ready_path;
static unsigned int acked_workers;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
	a ^= a >> 31;
	a *= 0xbf58476d1ce4e5b9ULL;
	return a ^ (a >> 29);
}

static uint64_t checksum(const uint64_t *w)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int i;

	for (i = 0; i < BLK / 8; i++)
		h = mix(h, w[i]);
	return h;
}

static void fill(void *buf, uint64_t blk, uint32_t gen, unsigned int worker)
{
	uint64_t *w = buf, r = mix(mix(seed, blk), gen) | 1;
	struct stamp *s = buf;
	unsigned int i;

	for (i = sizeof(*s) / 8; i < BLK / 8; i++)
		w[i] = xs(&r);
	*s = (struct stamp){ MAGIC, seed, blk, gen, worker, 0 };
	s->sum = checksum(w);
}

/* What block blk of the region holds, against what it may hold. */
static int check(void *buf, uint64_t blk)
{
	struct stamp *s = buf;
	struct blkstate b = st[blk];
	uint64_t sum;

	if (s->magic != MAGIC || s->seed != seed)
		return b.acked ? LOST : OK;
	sum = s->sum;
	s->sum = 0;
	if (checksum(buf) != sum)
		return CORRUPT;
	if (s->blk != blk)
		return DUP;
	if (s->gen == b.acked || (b.pend && s->gen == b.pend))
		return OK;
	return s->gen < b.acked ? STALE : CORRUPT;
}

static void report(struct worker *w, uint64_t blk, int kind)
{
	if (w->kinds[kind]++ < 3 && kind != OK)
		fprintf(stderr, "vblkio: block %llu (byte %llu): %s\n",
			(unsigned long long)blk,
			(unsigned long long)(base_off + blk * BLK),
			kind_name[kind]);
}

static void acked(void)
{
	int fdr;

	pthread_mutex_lock(&lock);
	if (++acked_workers == nr_workers && ready_path) {
		fdr = open(ready_path, O_CREAT | O_WRONLY, 0644);
		if (fdr >= 0)
			close(fdr);
	}
	pthread_mutex_unlock(&lock);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t blk, i, n;
	int first = 1;
	ssize_t got;
	char *buf;

	if (posix_memalign((void **)&buf, BLK, BLK * MAX_BLKS))
		return NULL;
	while (!stop) {
		n = 1 + xs(&w->rng) % MAX_BLKS;
		if (n > w->nr)
			n = w->nr;
		blk = w->first + xs(&w->rng) % (w->nr - n + 1);
		if (xs(&w->rng) % 100 < read_pct) {
			got = pread(fd, buf, n * BLK, base_off + blk * BLK);
			if (got != (ssize_t)(n * BLK))
				goto err;
			w->reads++;
			for (i = 0; i < n; i++)
				report(w, blk + i, check(buf + i * BLK, blk + i));
			continue;
		}
		for (i = 0; i < n; i++) {
			struct blkstate *b = &st[blk + i];

			b->pend = (b->acked > b->pend ? b->acked : b->pend) + 1;
			fill(buf + i * BLK, blk + i, b->pend, w->id);
		}
		got = pwrite(fd, buf, n * BLK, base_off + blk * BLK);
		if (got != (ssize_t)(n * BLK))
			goto err;
		for (i = 0; i < n; i++) {
			st[blk + i].acked = st[blk + i].pend;
			st[blk + i].pend = 0;
		}
		w->writes++;
		if (first)
			acked();
		first = 0;
		continue;
err:
		if (w->errors++ < 3)
			fprintf(stderr, "vblkio: worker %u: I/O at byte %llu: %s\n",
				w->id, (unsigned long long)(base_off + blk * BLK),
				got < 0 ? strerror(errno) : "short");
		break;
	}
	w->stopped = 1;
	free(buf);
	return NULL;
}

/* Every block of the region read back and checked. */
static int verify_all(uint64_t *kinds)
{
	struct worker w = {};
	uint64_t blk, i, n;
	char *buf;

	if (posix_memalign((void **)&buf, BLK, BLK * MAX_BLKS))
		return -1;
	for (blk = 0; blk < nr_blks; blk += n) {
		n = nr_blks - blk < MAX_BLKS ? nr_blks - blk : MAX_BLKS;
		if (pread(fd, buf, n * BLK, base_off + blk * BLK) != (ssize_t)(n * BLK)) {
			fprintf(stderr, "vblkio: verify: read at byte %llu: %s\n",
				(unsigned long long)(base_off + blk * BLK),
				strerror(errno));
			free(buf);
			return -1;
		}
		for (i = 0; i < n; i++)
			report(&w, blk + i, check(buf + i * BLK, blk + i));
	}
	for (i = 0; i < NR_KINDS; i++)
		kinds[i] += w.kinds[i];
	free(buf);
	return 0;
}

struct state_hdr {
	uint64_t magic, seed, base_off, nr_blks;
};

static int save_state(const char *path)
{
	struct state_hdr h = { STATE_MAGIC, seed, base_off, nr_blks };
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fwrite(&h, sizeof(h), 1, f) != 1 ||
	      fwrite(st, sizeof(*st), nr_blks, f) != nr_blks;
	return fclose(f) || err ? -1 : 0;
}

static int load_state(const char *path)
{
	struct state_hdr h;
	FILE *f = fopen(path, "r");
	int err = -1;

	if (!f)
		return -1;
	if (fread(&h, sizeof(h), 1, f) != 1 || h.magic != STATE_MAGIC)
		goto out;
	seed = h.seed;
	base_off = h.base_off;
	nr_blks = h.nr_blks;
	st = calloc(nr_blks, sizeof(*st));
	if (st && fread(st, sizeof(*st), nr_blks, f) == nr_blks)
		err = 0;
out:
	fclose(f);
	return err;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vblkio run DEV [-o MIB] [-s MIB] [-j N] [-t SECS] [-S SEED] [-f STATE] [-r READY] [-p READPCT]\n"
		"       vblkio verify DEV -f STATE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t kinds[NR_KINDS] = {}, writes = 0, reads = 0, errors = 0;
	unsigned int secs = 10, i, k;
	const char *state = NULL;
	struct worker *ws;
	int c, running, vrc = 0, bad;
	double t0;

	if (argc < 3 || (strcmp(argv[1], "run") && strcmp(argv[1], "verify")))
		usage();
	base_off = 4ULL << 20;
	nr_blks = (16ULL << 20) / BLK;
	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	optind = 3;
	while ((c = getopt(argc, argv, "o:s:j:t:S:f:r:p:")) != -1) {
		switch (c) {
		case 'o':
			base_off = strtoull(optarg, NULL, 0) << 20;
			break;
		case 's':
			nr_blks = (strtoull(optarg, NULL, 0) << 20) / BLK;
			break;
		case 'j':
			nr_workers = strtoul(optarg, NULL, 0);
			break;
		case 't':
			secs = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			state = optarg;
			break;
		case 'r':
			ready_path = optarg;
			break;
		case 'p':
			read_pct = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !nr_workers || nr_workers > 64 || read_pct > 100 ||
	    nr_blks < nr_workers * MAX_BLKS)
		usage();
	fd = open(argv[2], O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "vblkio: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	if (!strcmp(argv[1], "verify")) {
		if (!state || load_state(state)) {
			fprintf(stderr, "vblkio: no state in %s\n", state ?: "(none)");
			return 2;
		}
		t0 = now();
		vrc = verify_all(kinds);
		goto summary;
	}
	st = calloc(nr_blks, sizeof(*st));
	ws = calloc(nr_workers, sizeof(*ws));
	if (!st || !ws)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	t0 = now();
	for (i = 0; i < nr_workers; i++) {
		ws[i].id = i;
		ws[i].first = nr_blks * i / nr_workers;
		ws[i].nr = nr_blks * (i + 1) / nr_workers - ws[i].first;
		ws[i].rng = mix(seed, i + 1) | 1;
		if (pthread_create(&ws[i].th, NULL, work, &ws[i]))
			return 2;
	}
	do {
		usleep(20000);
		if (secs && now() - t0 >= secs)
			stop = 1;
		for (running = 0, i = 0; i < nr_workers; i++)
			running += !ws[i].stopped;
	} while (!stop && running);
	stop = 1;
	for (i = 0; i < nr_workers; i++) {
		pthread_join(ws[i].th, NULL);
		writes += ws[i].writes;
		reads += ws[i].reads;
		errors += ws[i].errors;
		for (k = 0; k < NR_KINDS; k++)
			kinds[k] += ws[i].kinds[k];
	}
	if (state && save_state(state)) {
		fprintf(stderr, "vblkio: cannot save the state in %s\n", state);
		vrc = -1;
	}
	if (!errors && verify_all(kinds))
		vrc = -1;
summary:
	bad = kinds[LOST] + kinds[STALE] + kinds[DUP] + kinds[CORRUPT];
	printf("vblkio %s secs=%.1f writes=%llu reads=%llu errors=%llu blocks=%llu",
	       argv[1], now() - t0, (unsigned long long)writes,
	       (unsigned long long)reads,
	       (unsigned long long)(errors + (vrc ? 1 : 0)),
	       (unsigned long long)nr_blks);
	for (k = 0; k < NR_KINDS; k++)
		printf(" %s=%llu", kind_name[k], (unsigned long long)kinds[k]);
	printf("\n");
	if (bad)
		return 1;
	return errors || vrc ? 3 : 0;
}
