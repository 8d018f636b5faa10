// SPDX-License-Identifier: GPL-2.0
/*
 * edustress's libbpf half: the storm at full size, and the stub's own
 * refusal of sleepable programs. Linked with the loader's own code
 * (libdrvhook-loader.a: loader/ but main.c). Of it: need_privs,
 * need_device (the device's type: dev_info.dt), dev_policy, dev_free,
 * resolve_mode, mode_name, pobj_open/bind/prepare/load/close, st_map_set,
 * st_link_update, st_link_detach, attach_fb_progs, put_links,
 * attach_error and err_*. The control-plane requests are its own
 * (fb_req_fill(), edustress.c).
 *
 *   edustress fast-storm DEV PROCS CYCLES [mode struct_ops|fallback]
 *			  [links L] [settle N]
 *	The storm of `edustress storm` (CYCLES rounds of attach test_basic,
 *	replace by test_double, detach, on DEV, PROCS processes submitting
 *	factorials, every outcome checked against the policies that can be
 *	in force, every request counted), without a loader process per
 *	command: both objects are opened, set up and loaded once with the
 *	loader's code (pobj_open/prepare/load), then each round does to the
 *	kernel what `drvhook policy attach/replace/detach` do, with the
 *	loader's functions where it has them.
 *	struct_ops: bpf_map__attach_struct_ops() (libbpf sets the map's
 *	value on the first one, and skips that after: EBUSY), st_link_update()
 *	(test_double's map was set once with st_map_set() after its load),
 *	st_link_detach() + close.
 *	fallback: FB_ATTACH, the fentry links (attach_fb_progs), FB_REPLACE,
 *	put_links(), FB_DETACH, on /dev/drvhook for DEV's type and id (as
 *	/sys/class/drvhook/DEV says them). Each object was loaded with a
 *	cookie reserved
 *	by FB_COOKIE, so attach switches the fresh entry to test_basic's
 *	cookie with FB_REPLACE (the loader loads the programs after
 *	FB_ATTACH, with the entry's cookie). Attaching or detaching a fentry
 *	link costs 50-400 ms under TCG (the kernel rewrites the trampoline
 *	and the ftrace call site), 6 per round: only the first L rounds
 *	(default all) do; after them both objects' links stay attached and
 *	a round is the stub's part alone (FB_ATTACH + FB_REPLACE, FB_REPLACE,
 *	FB_DETACH).
 *	Links are not pinned (bpffs only; `edustress storm` covers pins).
 *	Before the next change, N processes (default 2; all 4 would wait for
 *	the one the device's mutex starves) must have had an answer to a
 *	request they submitted after it, checked exactly.
 *   edustress sleepable DEV
 *	Loads test_sleepable's struct_ops program (struct_ops.s/request)
 *	with libbpf directly, past the loader's check of its sections: the
 *	device module's check_member must refuse it ("attach to unsupported
 *	member request of struct edu_ops"); test_double's request program,
 *	loaded the same way, must load (the control; libbpf sets
 *	BPF_F_SLEEPABLE from the section name, so the sleepable one cannot
 *	be the control). Then its fentry.s twin on edu_fb_request: the
 *	kernel must refuse it ("is not sleepable"). Prints "sleepable struct_ops=EINVAL by=check_member
 *	control=loaded" (struct_ops=skip before 6.9) and "sleepable
 *	fentry=EINVAL by=kernel". DEV's policies are not touched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "edustress.h"

#define NAME	"storm"

struct fs_policy {
	const char *file;
	int state;		/* ST_BASIC, ST_DOUBLE */
	struct policy_obj po;
	struct bpf_link *links[DRVHOOK_MAX_HOOKS];	/* fallback */
	__u32 cookie;		/* fallback: what its programs filter on */
	char path[256];
};

struct fs {
	const char *dev;
	struct dev_type dt;	/* the loader's view of its type */
	struct hookdev hd;	/* type, id and hooks, for the requests */
	enum mode mode;
	int fd;			/* /dev/drvhook, for the hook-core ioctls */
	struct attach_opts o;
	struct fs_policy pol[2];	/* test_basic, test_double */
	struct bpf_link *link;	/* struct_ops */
	bool kept;		/* fallback: both objects' links stay attached */
};

static int fb_ioctl(struct fs *f, unsigned int cmd, const char *what,
		    __u32 hooks, __u32 cookie, __u32 *out)
{
	struct drvhook_fb_attach req;

	fb_req_fill(&req, &f->hd, NAME, hooks, cookie);
	if (ioctl(f->fd, cmd, &req))
		return attach_error(errno, f->dev, NAME, NULL, what);
	if (out)
		*out = req.cookie;
	return 0;
}

static int fs_load(struct fs *f, struct fs_policy *p)
{
	int err;

	snprintf(p->path, sizeof(p->path), "%s/%s.bpf.o", bpfdir, p->file);
	err = pobj_open(&p->po, p->path);
	err = err ?: pobj_bind(&p->po, &f->dt, f->dev);
	if (err)
		return err;
	if (f->mode == MODE_FALLBACK) {
		err = fb_ioctl(f, DRVHOOK_IOC_FB_COOKIE, "fallback cookie",
			       p->po.hooks, 0, &p->cookie);
		if (err)
			return err;
		f->o.cookie = p->cookie;
	}
	err = pobj_prepare(&p->po, f->mode, &f->o);
	err = err ?: pobj_load(&p->po);
	/* test_double's map: as policy replace sets it up */
	if (!err && f->mode == MODE_STRUCT_OPS && p->state == ST_DOUBLE)
		err = st_map_set(&p->po);
	return err;
}

/* Attaches (or detaches) the fentry links of both objects. */
static int fs_keep_links(struct fs *f, bool keep)
{
	int i, err = 0;

	for (i = 0; i < 2; i++) {
		if (keep)
			err = err ?: attach_fb_progs(&f->pol[i].po, f->pol[i].links);
		else
			put_links(f->pol[i].links, DRVHOOK_MAX_HOOKS, false);
	}
	f->kept = keep && !err;
	return err;
}

/* policy attach test_basic */
static int fs_attach(struct fs *f)
{
	struct fs_policy *b = &f->pol[0];
	int err;

	if (f->mode == MODE_STRUCT_OPS) {
		err_reset_libbpf();
		f->link = bpf_map__attach_struct_ops(b->po.st_map);
		if (!f->link)
			return attach_error(errno, f->dev, NAME, NULL, "attach");
		return 0;
	}
	err = fb_ioctl(f, DRVHOOK_IOC_FB_ATTACH, "fallback attach", b->po.hooks,
		       0, NULL);
	if (!f->kept)
		err = err ?: attach_fb_progs(&b->po, b->links);
	return err ?: fb_ioctl(f, DRVHOOK_IOC_FB_REPLACE, "fallback replace",
			       b->po.hooks, b->cookie, NULL);
}

/* policy replace by test_double */
static int fs_replace(struct fs *f)
{
	struct fs_policy *b = &f->pol[0], *d = &f->pol[1];
	int err = 0;

	if (f->mode == MODE_STRUCT_OPS)
		return st_link_update(&d->po, bpf_link__fd(f->link), &f->o);
	if (!f->kept)
		err = attach_fb_progs(&d->po, d->links);
	err = err ?: fb_ioctl(f, DRVHOOK_IOC_FB_REPLACE, "fallback replace",
			      d->po.hooks, d->cookie, NULL);
	if (!err && !f->kept)
		put_links(b->links, DRVHOOK_MAX_HOOKS, false);
	return err;
}

/* policy detach */
static int fs_detach(struct fs *f)
{
	int err;

	if (f->mode == MODE_STRUCT_OPS) {
		err = st_link_detach(bpf_link__fd(f->link), "of the storm", NULL);
		bpf_link__destroy(f->link);
		f->link = NULL;
		return err;
	}
	if (!f->kept)
		put_links(f->pol[1].links, DRVHOOK_MAX_HOOKS, false);
	return fb_ioctl(f, DRVHOOK_IOC_FB_DETACH, "fallback detach", 0, 0, NULL);
}

/* After a failure: whatever of the storm's policy is left goes. */
static void fs_cleanup(struct fs *f)
{
	struct drvhook_fb_attach req;

	if (f->link)
		bpf_link__destroy(f->link);
	f->link = NULL;
	fs_keep_links(f, false);
	if (f->mode == MODE_FALLBACK) {
		fb_req_fill(&req, &f->hd, NAME, 0, 0);
		ioctl(f->fd, DRVHOOK_IOC_FB_DETACH, &req);
	}
}

int cmd_fast_storm(const char *dev, int procs, long cycles, int argc,
		   char **argv)
{
	static const char *const ops[] = { "attach", "replace", "detach" };
	static const int next[] = { ST_BASIC, ST_DOUBLE, ST_DEFAULT };
	long c, done = 0, nops = 0, every = cycles >= 20 ? cycles / 10 : 1;
	long links = cycles, nlinks = 0;
	double t0 = now(), t_op[2][3] = {}, t_keep = 0, t_settle = 0;
	struct fs f = { .dev = dev, .fd = -1 };
	enum mode want = MODE_AUTO;
	struct dev_info d = {};
	int err, op = 0, faults = 0, i, settle = 2;
	const char *step = "";
	char extra[64];
	struct storm *s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "mode"))
			want = !strcmp(argv[i + 1], "fallback") ? MODE_FALLBACK :
			       MODE_STRUCT_OPS;
		else if (!strcmp(argv[i], "links"))
			links = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "settle"))
			settle = atoi(argv[i + 1]);
		else
			return 2;
	}
	if (i != argc || links < 0 || settle < 1)
		return 2;
	err_init_libbpf();
	f.pol[0] = (struct fs_policy){ .file = "test_basic", .state = ST_BASIC };
	f.pol[1] = (struct fs_policy){ .file = "test_double", .state = ST_DOUBLE };
	err = need_privs("fast-storm");
	err = err ?: need_device(dev, &d);
	if (!err)
		f.dt = d.dt;
	err = err ?: resolve_mode(&f.dt, want, &f.mode);
	if (!err && dev_policy(&d, NAME))
		err = fail(EXIT_NAME, "%s already has a policy '%s'", dev, NAME);
	if (!err && hookdev_read(dev, &f.hd))
		err = fail(EXIT_NODEV, "cannot read /sys/class/drvhook/%s", dev);
	if (!err && f.mode == MODE_FALLBACK) {
		f.fd = open(CTL_DEV, O_RDWR);
		if (f.fd < 0)
			err = fail(EXIT_FAIL, "cannot open %s: %s", CTL_DEV,
				   strerror(errno));
	}
	f.o.dev = dev;
	f.o.name = NAME;
	f.o.dev_id = d.dev_id;
	for (i = 0; i < 2 && !err; i++)
		err = fs_load(&f, &f.pol[i]);
	dev_free(&d);
	if (err) {
		printf("# fast-storm: set-up failed (exit %d)\n", err);
		err_print();
		return 1;
	}
	if (f.mode == MODE_STRUCT_OPS || links > cycles)
		links = cycles;
	printf("# fast-storm %s: mode %s, test_basic and test_double loaded once (%.1f s)\n",
	       dev, mode_name(f.mode), now() - t0);
	if (links < cycles)
		printf("# fast-storm: the first %ld cycles attach and detach the fentry links as the loader does, the other %ld keep both objects' links attached\n",
		       links, cycles - links);
	s = storm_start(dev, procs);
	if (!s)
		return 1;
	/*
	 * Each state checked exactly by 2 processes before the next change:
	 * waiting for all 4 would wait for the one the device's mutex
	 * starves (tens of ms in TCG), most of a round's time.
	 */
	if (settle < s->settle)
		s->settle = settle;
	for (c = 0; c < cycles && !faults; c++) {
		/* between cycles the default is in force: checked exactly */
		if (f.mode == MODE_FALLBACK && c == links) {
			double t1 = now();

			step = "attaching the links to keep";
			if (fs_keep_links(&f, true)) {
				faults++;
				break;
			}
			t_keep += now() - t1;
		}
		nlinks += !f.kept;
		for (op = 0; op < 3 && !faults; op++) {
			double t1, t2;

			storm_change_begin(s, next[op]);
			t1 = now();
			err = op == 0 ? fs_attach(&f) :
			      op == 1 ? fs_replace(&f) : fs_detach(&f);
			if (err)
				faults++;
			else
				nops++;
			t2 = now();
			storm_change_end(s);
			t_op[f.kept][op] += t2 - t1;
			t_settle += now() - t2;
			step = ops[op];
		}
		done += !faults;
		if ((c + 1) % every == 0)
			printf("# storm %ld/%ld fast cycles, %.1f s\n", c + 1,
			       cycles, now() - s->t0);
	}
	for (i = 0; i < 2; i++) {
		long n = i ? done - nlinks : nlinks;

		if (n > 0)
			printf("# fast-storm: %ld cycles %s: mean ms per attach %.1f replace %.1f detach %.1f\n",
			       n, i ? "with the links kept" : "as the loader does them",
			       t_op[i][0] * 1e3 / n, t_op[i][1] * 1e3 / n,
			       t_op[i][2] * 1e3 / n);
	}
	if (done)
		printf("# fast-storm: mean ms to settle (an answer in the new state to %d processes) %.1f\n",
		       s->settle, t_settle * 1e3 / (3 * done));
	if (t_keep)
		printf("# fast-storm: %.1f ms to attach the links kept\n",
		       t_keep * 1e3);
	if (faults) {
		printf("# fast-storm: cycle %ld: %s failed (exit %d)\n", done + 1,
		       step, err_code());
		err_print();
		fs_cleanup(&f);
	} else {
		fs_keep_links(&f, false);
	}
	snprintf(extra, sizeof(extra), "mode=%s link_cycles=%ld",
		 mode_name(f.mode), nlinks < done ? nlinks : done);
	storm_finish(s, dev, "faststorm", done, nops, faults, extra);
	for (i = 0; i < 2; i++)
		pobj_close(&f.pol[i].po);
	if (f.fd >= 0)
		close(f.fd);
	return 0;
}

/* ---- sleepable ------------------------------------------------------ */

static char vlog[1 << 16];

/*
 * Loads program @prog_name of object @file alone, with libbpf; returns 0
 * or the load's -errno, the verifier log in vlog.
 */
static int prog_load(const char *file, const char *prog_name)
{
	struct bpf_program *prog, *p;
	struct bpf_object *obj;
	struct bpf_map *m;
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", bpfdir, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	prog = bpf_object__find_program_by_name(obj, prog_name);
	if (!prog) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	if (bpf_program__type(prog) != BPF_PROG_TYPE_STRUCT_OPS)
		bpf_object__for_each_map(m, obj)
			if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
				bpf_map__set_autocreate(m, false);
	vlog[0] = 0;
	bpf_program__set_log_buf(prog, vlog, sizeof(vlog));
	bpf_program__set_log_level(prog, 1);
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

/* The log's line holding @what, else its last one, for the report. */
static const char *log_line(const char *what)
{
	static char line[200];
	char *p = strstr(vlog, what), *e;

	if (!p) {
		p = vlog + strlen(vlog);
		while (p > vlog && p[-1] == '\n')
			*--p = 0;
	}
	while (p > vlog && p[-1] != '\n')
		p--;
	e = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", e ? (int)(e - p) : (int)strlen(p), p);
	return line;
}

static const char *err_name(int err)
{
	switch (-err) {
	case 0:
		return "loaded";
	case EINVAL:
		return "EINVAL";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	default:
		return strerror(-err);
	}
}

int cmd_sleepable(const char *dev)
{
	char member[96], fentry[64];
	struct dev_info d = {};
	struct dev_type dt;
	enum mode mode;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	err_init_libbpf();
	err = need_privs("sleepable") ?: need_device(dev, &d);
	dt = d.dt;
	dev_free(&d);
	if (err)
		return err_print(), 1;
	snprintf(member, sizeof(member),
		 "attach to unsupported member request of struct %s_ops", dt.name);
	snprintf(fentry, sizeof(fentry), "%s_fb_request is not sleepable", dt.name);
	/* the device module's struct_ops check_member */
	if (resolve_mode(&dt, MODE_STRUCT_OPS, &mode)) {
		printf("# %s\n", err_message());
		printf("sleepable struct_ops=skip\n");
	} else {
		err = prog_load("test_sleepable", "sleepy_request");
		printf("# struct_ops.s/request: %s: %s\n", err_name(err),
		       log_line(member));
		printf("sleepable struct_ops=%s by=%s", err_name(err),
		       strstr(vlog, member) ? "check_member" : "other");
		/* the control: a request program the stub takes */
		err = prog_load("test_double", "double_request");
		printf(" control=%s\n", err_name(err));
		if (err)
			printf("# control: %s\n", log_line("\001"));
	}
	/* the kernel's own refusal on the fallback hook */
	err = prog_load("test_sleepable", "sleepy_request__fb");
	printf("# fentry.s/%s_fb_request: %s: %s\n", dt.name, err_name(err),
	       log_line(fentry));
	printf("sleepable fentry=%s by=%s\n", err_name(err),
	       strstr(vlog, fentry) ? "kernel" : "other");
	return 0;
}
