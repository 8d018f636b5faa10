// SPDX-License-Identifier: GPL-2.0-only
/*
 * policytest's cases of the vblk policies (bpf/vblk/): vblk_faults,
 * vblk_latency and vblk_throttle on contexts of include/drvhook/vblk.h.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "drvhook/vblk.h"
#include "policytest.h"

#define LAT_SLOTS	64

/* bpf/vblk/vblk_latency.bpf.c's map value */
struct vblk_lat {
	__u64 count, total_ns, max_ns;
	__u64 slots[LAT_SLOTS];
};

static __u64 bss64(struct bpf_object *obj, const char *name)
{
	__u64 v = 0;

	return bss_get(obj, name, &v, sizeof(v)) ? ~0ULL : v;
}

static int lat_of(struct bpf_object *obj, __u64 cg, struct vblk_lat *h)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "vblk_lat_hist");

	memset(h, 0, sizeof(*h));
	return m ? bpf_map__lookup_elem(m, &cg, sizeof(cg), h, sizeof(*h), 0) : -ENOENT;
}

static int complete(struct bpf_object *obj, __u32 op, __u64 cg, __u64 ns)
{
	struct vblk_complete_ctx c = { .op = op, .nr_sectors = 8, .sector = 64,
				       .cgroup_id = cg, .latency_ns = ns };

	return run(obj, "vblk_latency_complete__test", &c, sizeof(c)) ?:
	       c.status;
}

static void t_vblk_latency(void)
{
	struct bpf_object *obj = load("vblk_latency", NULL, KFUNCS_NONE);
	struct vblk_lat h;

	ok(obj, "vblk_latency: loads on the host kernel");
	if (!obj)
		return;
	expect_eq("vblk_latency: a read of cgroup 77 in 1500 ns: verdict 0, status kept", 0,
		  complete(obj, VBLK_OP_READ, 77, 1500));
	complete(obj, VBLK_OP_WRITE, 77, 3000);
	complete(obj, VBLK_OP_READ, 77, 1ULL << 50);
	ok(!lat_of(obj, 77, &h), "vblk_latency: cgroup 77 has an entry");
	expect_eq("vblk_latency: count 3 (a read, a write, a read)", 3, h.count);
	ok(h.slots[10] == 1 && h.slots[11] == 1 && h.slots[50] == 1,
	   "vblk_latency: 1500 ns in slot 10, 3000 in 11, 2^50 in 50");
	expect_eq("vblk_latency: total_ns", 1500 + 3000 + (1LL << 50), h.total_ns);
	expect_eq("vblk_latency: max_ns", 1LL << 50, h.max_ns);
	complete(obj, VBLK_OP_READ, 78, 1);
	ok(!lat_of(obj, 78, &h) && h.count == 1 && h.slots[0] == 1,
	   "vblk_latency: another cgroup has its own entry (1 ns: slot 0)");
	complete(obj, VBLK_OP_FLUSH, 0, 1000);
	complete(obj, VBLK_OP_READ, 79, 0);
	ok(lat_of(obj, 0, &h) == -ENOENT && lat_of(obj, 79, &h) == -ENOENT,
	   "vblk_latency: a flush (default ops) and a request without latency: no entry");
	bpf_object__close(obj);

	obj = load("vblk_latency", (const char *[]){ "ops=1", NULL }, KFUNCS_NONE);
	ok(obj, "vblk_latency: loads with set ops=1");
	if (!obj)
		return;
	complete(obj, VBLK_OP_WRITE, 77, 1000);
	complete(obj, VBLK_OP_READ, 78, 1000);
	ok(lat_of(obj, 77, &h) == -ENOENT && !lat_of(obj, 78, &h) && h.count == 1,
	   "vblk_latency: ops=1: reads counted, writes not");
	bpf_object__close(obj);
}

static int request(struct bpf_object *obj, const char *prog, __u32 op,
		   __u64 sector, __u32 n, __u64 cg)
{
	struct vblk_request_ctx r = { .op = op, .sector = sector, .nr_sectors = n,
				      .cgroup_id = cg };

	return run(obj, prog, &r, sizeof(r));
}

#define FAULT(obj, op, sector, n) \
	request(obj, "vblk_faults_request__test", op, sector, n, 1)

/* The faults of @n reads with @sets, as a bit mask (the first 64). */
static __u64 fault_mask(const char *const *sets, int n, __u64 *injected)
{
	struct bpf_object *obj = load("vblk_faults", sets, KFUNCS_NONE);
	__u64 mask = 0;
	int i;

	*injected = ~0ULL;
	if (!obj)
		return 0;
	for (i = 0; i < n; i++)
		if (FAULT(obj, VBLK_OP_READ, i * 8, 8) == -EIO && i < 64)
			mask |= 1ULL << i;
	*injected = bss64(obj, "injected");
	bpf_object__close(obj);
	return mask;
}

static void t_vblk_faults(void)
{
	struct bpf_object *obj = load("vblk_faults", NULL, KFUNCS_NONE);
	__u64 inj, m1, m2, m3;

	ok(obj, "vblk_faults: loads on the host kernel");
	if (!obj)
		return;
	expect_eq("vblk_faults: default: a read fails with -EIO", -EIO,
		  FAULT(obj, VBLK_OP_READ, 0, 8));
	expect_eq("vblk_faults: default: a write far out fails with -EIO", -EIO,
		  FAULT(obj, VBLK_OP_WRITE, 1ULL << 40, 8));
	expect_eq("vblk_faults: default: a flush passes", 0, FAULT(obj, VBLK_OP_FLUSH, 0, 0));
	expect_eq("vblk_faults: default: a discard passes", 0,
		  FAULT(obj, VBLK_OP_DISCARD, 0, 8));
	expect_eq("vblk_faults: injected counts 2", 2, bss64(obj, "injected"));
	bpf_object__close(obj);

	obj = load("vblk_faults", (const char *[]){ "start=100", "end=200", "ops=2",
						    "error=28", NULL }, KFUNCS_NONE);
	ok(obj, "vblk_faults: loads with set start=100 end=200 ops=2 error=28");
	if (!obj)
		return;
	expect_eq("vblk_faults: write [90, 100) passes", 0, FAULT(obj, VBLK_OP_WRITE, 90, 10));
	expect_eq("vblk_faults: write [90, 101) fails with -ENOSPC", -ENOSPC,
		  FAULT(obj, VBLK_OP_WRITE, 90, 11));
	expect_eq("vblk_faults: write [199, 200) fails", -ENOSPC,
		  FAULT(obj, VBLK_OP_WRITE, 199, 1));
	expect_eq("vblk_faults: write [200, 208) passes", 0, FAULT(obj, VBLK_OP_WRITE, 200, 8));
	expect_eq("vblk_faults: ops=2: a read in the range passes", 0,
		  FAULT(obj, VBLK_OP_READ, 150, 8));
	expect_eq("vblk_faults: candidates 2 (the writes in the range), injected 2", 2 * 1000 + 2,
		  bss64(obj, "candidates") * 1000 + bss64(obj, "injected"));
	bpf_object__close(obj);

	obj = load("vblk_faults", (const char *[]){ "ops=4", NULL }, KFUNCS_NONE);
	expect_eq("vblk_faults: ops=4: a flush fails", -EIO,
		  obj ? FAULT(obj, VBLK_OP_FLUSH, 0, 0) : 1);
	bpf_object__close(obj);

	m1 = fault_mask((const char *[]){ "every=3", NULL }, 9, &inj);
	expect_eq("vblk_faults: every=3: the 3rd, 6th and 9th of 9 fail", 0x124, m1);
	m1 = fault_mask((const char *[]){ "permille=300", "seed=42", NULL }, 1000, &inj);
	ok(inj >= 230 && inj <= 370, "vblk_faults: permille=300: %llu of 1000 injected",
	   (unsigned long long)inj);
	m2 = fault_mask((const char *[]){ "permille=300", "seed=42", NULL }, 64, &inj);
	m3 = fault_mask((const char *[]){ "permille=300", "seed=43", NULL }, 64, &inj);
	ok(m1 == m2 && m1 != m3 && m1,
	   "vblk_faults: the same seed gives the same faults, another seed others");
	fault_mask((const char *[]){ "permille=0", NULL }, 100, &inj);
	expect_eq("vblk_faults: permille=0: none", 0, inj);
}

#define THR(obj, op, cg) request(obj, "vblk_throttle_request__test", op, 0, 8, cg)

static void t_vblk_throttle(void)
{
	struct bpf_object *obj = load("vblk_throttle", (const char *[]){ "iops=1", "burst=3", NULL },
				      KFUNCS_NONE);
	int i, pass = 0, defer = 0, v;

	ok(obj, "vblk_throttle: loads with set iops=1 burst=3");
	if (!obj)
		return;
	for (i = 0; i < 5; i++) {
		v = THR(obj, VBLK_OP_READ, 10);
		pass += v == 0;
		defer += v == -EAGAIN;
	}
	expect_eq("vblk_throttle: a burst of 3 passes", 3, pass);
	expect_eq("vblk_throttle: then deferred (-EAGAIN), never failed", 2, defer);
	expect_eq("vblk_throttle: another cgroup has its own bucket", 0, THR(obj, VBLK_OP_WRITE, 11));
	expect_eq("vblk_throttle: a flush is never held", 0, THR(obj, VBLK_OP_FLUSH, 10));
	expect_eq("vblk_throttle: deferred counts 2, passed 4", 2 * 1000 + 4,
		  bss64(obj, "deferred") * 1000 + bss64(obj, "passed"));
	bpf_object__close(obj);

	obj = load("vblk_throttle", (const char *[]){ "iops=1", "burst=1", "cgroup=10", NULL },
		   KFUNCS_NONE);
	ok(obj, "vblk_throttle: loads with set cgroup=10");
	for (i = 0, pass = 0; obj && i < 20; i++)
		pass += THR(obj, VBLK_OP_READ, 11) == 0;
	expect_eq("vblk_throttle: cgroup=10: cgroup 11 is not limited", 20, pass);
	expect_eq("vblk_throttle: cgroup=10: cgroup 10 is", 1 * 10 + 1,
		  obj ? (THR(obj, VBLK_OP_READ, 10) == 0) * 10 + (THR(obj, VBLK_OP_READ, 10) == -EAGAIN) : 0);
	bpf_object__close(obj);

	obj = load("vblk_throttle", (const char *[]){ "iops=200", "burst=1", NULL }, KFUNCS_NONE);
	ok(obj, "vblk_throttle: loads with set iops=200 burst=1");
	if (!obj)
		return;
	v = THR(obj, VBLK_OP_READ, 10);
	expect_eq("vblk_throttle: iops=200: a request passes, the next at once is deferred",
		  -EAGAIN, v ?: THR(obj, VBLK_OP_READ, 10));
	usleep(6000);
	expect_eq("vblk_throttle: ... and passes 6 ms later (the bucket refills)", 0,
		  THR(obj, VBLK_OP_READ, 10));
	bpf_object__close(obj);
}

/* The vblk policies write no context field: no setter extern. */
static void t_vblk_setters(void)
{
	static const char *const objs[] = {
		"vblk_faults", "vblk_latency", "vblk_protect", "vblk_throttle",
	};
	char path[700], buf[256];
	unsigned int i;

	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		snprintf(path, sizeof(path), "%s/../bpf/%s.bpf.o", dir, objs[i]);
		ok(!strcmp(setter_externs(path, buf, sizeof(buf)), ""),
		   "contract: %s references no setter", objs[i]);
	}
}

void t_vblk(void)
{
	t_vblk_latency();
	t_vblk_faults();
	t_vblk_throttle();
	t_vblk_setters();
}
