// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy { attach | detach | replace | list | show }
 *
 * struct_ops mode: the object's drvhook_ops map, attached through a
 * struct_ops link pinned at <pin root>/<dev>/<name>/link.
 * fallback mode: a chain entry registered with DRVHOOK_IOC_FB_ATTACH and
 * the fentry twins, filtering on its cookie, pinned at .../<name>/<hook>.
 */
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

static int parse_mode(const char *s, enum mode *m)
{
	if (is_prefix(s, "struct_ops"))
		*m = MODE_STRUCT_OPS;
	else if (is_prefix(s, "fallback"))
		*m = MODE_FALLBACK;
	else
		return usage_error("unknown mode '%s' (struct_ops or fallback)", s);
	return 0;
}

static enum mode mode_of(const char *s)
{
	return !strcmp(s, "struct_ops") ? MODE_STRUCT_OPS : MODE_FALLBACK;
}

/* The stub's answer to an attach, as an exit code. */
static int attach_error(int err, const char *dev, const char *name,
			const char *anchor, const char *what)
{
	switch (err) {
	case EEXIST:
		return fail(EXIT_NAME, "%s: policy '%s' is already attached to %s",
			    what, name, dev);
	case ENOENT:
		if (anchor)
			return fail(EXIT_NAME, "%s: anchor policy '%s' not found on %s",
				    what, anchor, dev);
		return fail(EXIT_NAME, "%s: policy '%s' not found on %s", what,
			    name, dev);
	case EINVAL:
		return fail(EXIT_FAIL, "%s: the stub refused '%s' on %s (EINVAL: bad name, flags, dev_id or hooks)",
			    what, name, dev);
	case ENODEV:
		return fail(EXIT_NODEV, "%s: device %s has no chain (ENODEV)",
			    what, dev);
	default:
		return fail_errno(err, "%s of '%s' on %s", what, name, dev);
	}
}

static int open_dev(const char *dev, int *fd)
{
	char path[128];

	snprintf(path, sizeof(path), "/dev/%s", dev);
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT)
		return fail(EXIT_NODEV, "device '%s': no %s", dev, path);
	return fail_errno(errno, "cannot open %s", path);
}

static void fill_req(struct drvhook_fb_attach *req, const char *name,
		     const char *anchor, __u32 flags, __u32 hooks, __u32 cookie)
{
	memset(req, 0, sizeof(*req));
	strncpy(req->name, name, DRVHOOK_NAME_LEN - 1);
	if (anchor)
		strncpy(req->anchor, anchor, DRVHOOK_NAME_LEN - 1);
	req->flags = flags;
	req->hooks = hooks;
	req->cookie = cookie;
}

/* <dir>/<prefix><hook>; bpffs refuses names with a dot */
static void hook_pin(char *buf, size_t len, const char *dir, int h,
		     const char *prefix)
{
	snprintf(buf, len, "%s/%s%s", dir, prefix, hook_names[h]);
}

/* Pins the fentry links at <dir>/<prefix><hook>. */
static int pin_fb_links(struct bpf_link **links, const char *dir,
			const char *prefix)
{
	char path[600];
	int h, err;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		if (!links[h])
			continue;
		hook_pin(path, sizeof(path), dir, h, prefix);
		err = bpf_link__pin(links[h], path);
		if (err)
			return fail_errno(-err, "cannot pin link at %s", path);
	}
	return 0;
}

static int attach_fb_progs(struct policy_obj *po, struct bpf_link **links)
{
	int h, err;

	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		if (!(po->hooks & (1U << h)))
			continue;
		err_reset_libbpf();
		links[h] = bpf_program__attach_trace(po->fb_prog[h]);
		if (!links[h]) {
			err = errno;
			links[h] = NULL;
			return fail_errno(err, "cannot attach fentry program '%s' to drvhook_fb_%s",
					  bpf_program__name(po->fb_prog[h]),
					  hook_names[h]);
		}
	}
	return 0;
}

/* Keeps the pinned links (success) or detaches them (failure). */
static void put_links(struct bpf_link **links, int n, bool keep)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!links[i])
			continue;
		if (keep)
			bpf_link__disconnect(links[i]);
		else
			bpf_link__unpin(links[i]);
		bpf_link__destroy(links[i]);
		links[i] = NULL;
	}
}

static void print_done(const char *verb, const char *dev, const char *name,
		       enum mode mode, unsigned int hooks, const char *dir,
		       bool has_cookie, __u32 cookie)
{
	char hs[64];

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", dev);
		jsonw_string_field(jw, "name", name);
		jsonw_string_field(jw, "mode", mode_name(mode));
		json_hooks("hooks", hooks);
		if (has_cookie)
			jsonw_uint_field(jw, "cookie", cookie);
		if (dir)
			jsonw_string_field(jw, "pin", dir);
		jsonw_end_object(jw);
		return;
	}
	hooks_str(hooks, hs, sizeof(hs));
	printf("%s policy '%s' %s %s (mode %s, hooks %s)\n", verb, name,
	       strcmp(verb, "detached") ? "on" : "from", dev, mode_name(mode), hs);
	if (dir)
		printf("pinned at %s\n", dir);
}

static int do_attach(int argc, char **argv)
{
	struct bpf_link *links[DRVHOOK_NR_HOOKS] = {}, *link = NULL;
	struct attach_opts o = {};
	struct policy_obj po = {};
	struct dev_info d = {};
	struct drvhook_fb_attach req;
	enum mode want = global_mode, mode = MODE_AUTO;
	const char *path, *dev = NULL, *name = NULL;
	bool registered = false, made_dir = false;
	char dir[512], lpath[600];
	int fd = -1, err, h;
	struct pin_info pin;

	REQ_ARGS(1);
	path = *argv;
	NEXT_ARG();
	while (argc) {
		if (argc < 2)
			return usage_error("'%s' needs a value", *argv);
		if (!strcmp(*argv, "dev")) {
			dev = dev_arg(argv[1]);
		} else if (!strcmp(*argv, "name")) {
			name = argv[1];
		} else if (!strcmp(*argv, "before") || !strcmp(*argv, "after")) {
			if (o.anchor)
				return usage_error("only one of before/after");
			o.flags = !strcmp(*argv, "before") ? DRVHOOK_F_BEFORE :
							     DRVHOOK_F_AFTER;
			o.anchor = argv[1];
		} else if (!strcmp(*argv, "mode")) {
			err = parse_mode(argv[1], &want);
			if (err)
				return err;
		} else {
			return usage_error("unknown keyword '%s'", *argv);
		}
		argc -= 2;
		argv += 2;
	}
	if (!dev)
		return usage_error("policy attach needs 'dev DEV'");
	if ((name && check_name("policy name", name)) ||
	    (o.anchor && check_name("anchor", o.anchor)))
		return err_code();

	err = pobj_open(&po, path);
	if (err)
		goto out;
	if (!name) {
		name = pobj_default_name(&po);
		if (strlen(name) >= DRVHOOK_NAME_LEN) {
			err = usage_error("the policy's default name '%s' is too long: give 'name NAME'",
					  name);
			goto out;
		}
		if (check_name("policy name", name)) {
			err = err_code();
			goto out;
		}
	}
	o.name = name;
	o.dev = dev;
	err = need_privs("policy attach");
	err = err ?: need_device(dev, &d);
	if (err)
		goto out;
	if (dev_policy(&d, name)) {
		err = fail(EXIT_NAME, "policy '%s' is already attached to %s (detach it, or use policy replace)",
			   name, dev);
		goto out;
	}
	if (o.anchor && !dev_policy(&d, o.anchor)) {
		err = fail(EXIT_NAME, "anchor policy '%s' not found on %s",
			   o.anchor, dev);
		goto out;
	}
	if (!pin_read(dev, name, &pin)) {
		err = fail(EXIT_NAME, "%s already exists (stale pins?): 'drvhook policy detach dev %s name %s' removes them",
			   pin.dir, dev, name);
		goto out;
	}
	err = resolve_mode(want, &mode);
	if (err)
		goto out;
	pin_dir(dir, sizeof(dir), dev, name);
	err = make_pin_dir(dir);
	if (err)
		goto out;
	made_dir = true;
	o.dev_id = d.dev_id;

	if (mode == MODE_STRUCT_OPS) {
		err = pobj_prepare(&po, mode, &o);
		err = err ?: pobj_load(&po);
		if (err)
			goto out;
		err_reset_libbpf();
		link = bpf_map__attach_struct_ops(po.st_map);
		if (!link) {
			err = attach_error(errno, dev, name, o.anchor, "attach");
			link = NULL;
			goto out;
		}
		snprintf(lpath, sizeof(lpath), "%s/link", dir);
		err = bpf_link__pin(link, lpath);
		if (err) {
			err = fail_errno(-err, "cannot pin link at %s", lpath);
			goto out;
		}
	} else {
		err = open_dev(dev, &fd);
		if (err)
			goto out;
		fill_req(&req, name, o.anchor, o.flags, po.hooks, 0);
		if (ioctl(fd, DRVHOOK_IOC_FB_ATTACH, &req)) {
			err = attach_error(errno, dev, name, o.anchor,
					   "fallback attach");
			goto out;
		}
		registered = true;
		o.cookie = req.cookie;
		err = pobj_prepare(&po, mode, &o);
		err = err ?: pobj_load(&po);
		err = err ?: attach_fb_progs(&po, links);
		err = err ?: pin_fb_links(links, dir, "");
		if (err)
			goto out;
	}
	print_done("attached", dev, name, mode, po.hooks, dir,
		   mode == MODE_FALLBACK, o.cookie);
	err = 0;
out:
	if (link) {
		if (err)
			bpf_link__unpin(link);
		else
			bpf_link__disconnect(link);
		bpf_link__destroy(link);
	}
	put_links(links, DRVHOOK_NR_HOOKS, !err);
	if (err && registered) {
		fill_req(&req, name, NULL, 0, 0, 0);
		if (ioctl(fd, DRVHOOK_IOC_FB_DETACH, &req))
			warn("cannot unregister fallback entry '%s' of %s: %s",
			     name, dev, strerror(errno));
	}
	if (err && made_dir) {
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
			hook_pin(lpath, sizeof(lpath), dir, h, "");
			unlink(lpath);
		}
		rmdir(dir);
	}
	if (fd >= 0)
		close(fd);
	pobj_close(&po);
	dev_free(&d);
	return err;
}

/* "dev DEV name NAME" */
static int parse_dev_name(int *argc, char ***argv, const char **dev,
			  const char **name, bool name_required)
{
	while (*argc >= 2) {
		if (!strcmp(**argv, "dev"))
			*dev = dev_arg((*argv)[1]);
		else if (name && !strcmp(**argv, "name"))
			*name = (*argv)[1];
		else
			break;
		*argc -= 2;
		*argv += 2;
	}
	if (!*dev)
		return usage_error("expected 'dev DEV'");
	if (name_required && !*name)
		return usage_error("expected 'name NAME'");
	if (name && *name)
		return check_name("policy name", *name);
	return 0;
}

/* Removes the pinned links of policy @p and its directory. */
static int unpin_all(const struct pin_info *p)
{
	char path[600];
	int h, err = 0;

	if (p->link) {
		snprintf(path, sizeof(path), "%s/link", p->dir);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		hook_pin(path, sizeof(path), p->dir, h, "");
		if (unlink(path) && errno != ENOENT)
			err = -errno;
		hook_pin(path, sizeof(path), p->dir, h, "new_");
		unlink(path);
	}
	if (rmdir(p->dir) && errno != ENOENT)
		err = err ?: -errno;
	if (err)
		return fail_errno(-err, "cannot remove %s", p->dir);
	return 0;
}

static int detach_struct_ops(const struct pin_info *pin)
{
	char path[600];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/link", pin->dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fail_errno(errno, "cannot open pinned link %s", path);
	/* struct_ops links detach since 6.10; before, the last close does */
	if (bpf_link_detach(fd) && errno != EOPNOTSUPP && errno != EINVAL)
		err = fail_errno(errno, "cannot detach link %s", path);
	if (!err)
		err = unpin_all(pin);
	close(fd);
	return err;
}

static int do_detach(int argc, char **argv)
{
	struct drvhook_fb_attach req;
	const char *dev = NULL, *name = NULL;
	struct pol_line *entry = NULL;
	struct dev_info d = {};
	struct pin_info pin;
	bool present, pinned;
	enum mode mode;
	int err, fd;

	err = parse_dev_name(&argc, &argv, &dev, &name, true);
	if (err)
		return err;
	if (argc)
		return usage_error("unexpected '%s'", *argv);
	err = need_privs("policy detach");
	if (err)
		return err;
	present = !dev_read(dev, &d);
	pinned = !pin_read(dev, name, &pin);
	if (present)
		entry = dev_policy(&d, name);
	if (!present && !pinned) {
		dev_free(&d);
		if (!module_loaded())
			return fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
		return fail(EXIT_NODEV, "device '%s' not found, and nothing pinned at %s",
			    dev, pin.dir);
	}
	if (!entry && !pinned) {
		dev_free(&d);
		return fail(EXIT_NAME, "no policy '%s' on %s", name, dev);
	}
	mode = entry ? mode_of(entry->mode) :
		       (pin.link ? MODE_STRUCT_OPS : MODE_FALLBACK);

	if (present && !entry) {
		/* the stub forgot it (module reloaded?): only pins are left */
		err = unpin_all(&pin);
		if (!err && !json_output)
			printf("removed stale pins of '%s' at %s\n", name, pin.dir);
	} else if (mode == MODE_STRUCT_OPS) {
		if (!pinned || !pin.link)
			err = fail(EXIT_FAIL, "struct_ops policy '%s' of %s has no pinned link in %s (attached by another tool?)",
				   name, dev, pin.dir);
		else
			err = detach_struct_ops(&pin);
	} else {
		/* unpin: the fentry links go; then the entry */
		if (pinned)
			err = unpin_all(&pin);
		if (!err && !present)
			err = fail(EXIT_NODEV, "device '%s' absent: fentry links removed, but its fallback entry '%s' stays registered until %s is back",
				   dev, name, dev);
		if (!err)
			err = open_dev(dev, &fd);
		if (!err) {
			fill_req(&req, name, NULL, 0, 0, 0);
			if (ioctl(fd, DRVHOOK_IOC_FB_DETACH, &req))
				err = attach_error(errno, dev, name, NULL,
						   "fallback detach");
			close(fd);
		}
	}
	if (!err) {
		if (json_output) {
			jsonw_start_object(jw);
			jsonw_string_field(jw, "dev", dev);
			jsonw_string_field(jw, "name", name);
			jsonw_string_field(jw, "mode", mode_name(mode));
			jsonw_bool_field(jw, "detached", true);
			jsonw_end_object(jw);
		} else {
			printf("detached policy '%s' from %s (mode %s)\n", name,
			       dev, mode_name(mode));
		}
	}
	dev_free(&d);
	return err;
}

/*
 * The kernel value of a loaded drvhook_ops map, as bpf_map_update_elem()
 * takes it: struct bpf_struct_ops_drvhook_ops { common; data }, its data
 * fields copied by name, its function pointers holding program fds.
 */
static int build_kern_value(struct policy_obj *po, void **val, __u32 *size)
{
	const struct btf_type *vt, *dt, *mt;
	const struct btf_member *m;
	struct btf *vmlinux, *mod = NULL;
	const char *local, *mname;
	__u32 data_off = 0, moff, loff;
	struct bpf_program *prog;
	int id, i, h, err = 0;
	char *buf = NULL;
	size_t lsz;
	__s64 msz;

	vmlinux = btf__load_vmlinux_btf();
	if (vmlinux)
		mod = btf__load_module_btf("drvhook", vmlinux);
	if (!mod) {
		err = fail(EXIT_FEATURE, "cannot load the stub's BTF (/sys/kernel/btf/drvhook)");
		goto out;
	}
	id = btf__find_by_name_kind(mod, "bpf_struct_ops_drvhook_ops", BTF_KIND_STRUCT);
	if (id < 0) {
		err = fail(EXIT_FEATURE, "the stub's BTF has no bpf_struct_ops_drvhook_ops");
		goto out;
	}
	vt = btf__type_by_id(mod, id);
	dt = NULL;
	for (i = 0, m = btf_members(vt); i < btf_vlen(vt); i++, m++) {
		if (!strcmp(btf__name_by_offset(mod, m->name_off), "data")) {
			data_off = btf_member_bit_offset(vt, i) / 8;
			dt = btf__type_by_id(mod, m->type);
		}
	}
	if (!dt || !btf_is_struct(dt)) {
		err = fail(EXIT_FAIL, "bpf_struct_ops_drvhook_ops has no 'data' struct");
		goto out;
	}
	buf = calloc(1, vt->size);
	local = bpf_map__initial_value(po->st_map, &lsz);
	if (!buf || !local) {
		err = fail(EXIT_FAIL, "out of memory");
		goto out;
	}
	for (i = 0, m = btf_members(dt); i < btf_vlen(dt); i++, m++) {
		mname = btf__name_by_offset(mod, m->name_off);
		moff = data_off + btf_member_bit_offset(dt, i) / 8;
		mt = btf__type_by_id(mod, m->type);
		while (mt && btf_is_mod(mt))
			mt = btf__type_by_id(mod, mt->type);
		if (mt && btf_is_ptr(mt)) {
			/* the program libbpf bound to kernel member i */
			for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
				prog = po->st_prog[h];
				if (prog && bpf_program__expected_attach_type(prog) == (enum bpf_attach_type)i)
					*(unsigned long *)(buf + moff) = bpf_program__fd(prog);
			}
			continue;
		}
		if (!strcmp(mname, "dev_id"))
			loff = po->off_dev_id;
		else if (!strcmp(mname, "flags"))
			loff = po->off_flags;
		else if (!strcmp(mname, "anchor"))
			loff = po->off_anchor;
		else if (!strcmp(mname, "name"))
			loff = po->off_name;
		else
			continue;
		msz = btf__resolve_size(mod, m->type);
		if (msz <= 0 || moff + msz > vt->size || loff + (size_t)msz > lsz) {
			err = fail(EXIT_FAIL, "drvhook_ops.%s: size mismatch between the stub and %s",
				   mname, po->path);
			goto out;
		}
		memcpy(buf + moff, local + loff, msz);
	}
	*val = buf;
	*size = vt->size;
	buf = NULL;
out:
	free(buf);
	btf__free(mod);
	btf__free(vmlinux);
	return err;
}

static int replace_struct_ops(struct policy_obj *po, const struct pin_info *pin,
			      struct attach_opts *o)
{
	char path[600];
	int link_fd, map_fd, err;
	__u32 size = 0, zero = 0;
	void *val = NULL;

	snprintf(path, sizeof(path), "%s/link", pin->dir);
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return fail_errno(errno, "policy '%s': cannot open pinned link %s",
				  o->name, path);
	err = pobj_prepare(po, MODE_STRUCT_OPS, o);
	err = err ?: pobj_load(po);
	err = err ?: build_kern_value(po, &val, &size);
	if (err)
		goto out;
	map_fd = bpf_map__fd(po->st_map);
	if (bpf_map__value_size(po->st_map) != size) {
		err = fail(EXIT_FAIL, "struct_ops value size %u != map value size %u",
			   size, bpf_map__value_size(po->st_map));
		goto out;
	}
	if (bpf_map_update_elem(map_fd, &zero, val, 0)) {
		err = fail_errno(errno, "cannot set up map '%s'", po->map_name);
		goto out;
	}
	if (bpf_link_update(link_fd, map_fd, NULL)) {
		if (errno == EOPNOTSUPP)
			err = fail(EXIT_FEATURE, "struct_ops link update needs Linux 6.4 and a stub with an update op");
		else
			err = attach_error(errno, o->dev, o->name, NULL, "replace");
	}
out:
	free(val);
	close(link_fd);
	return err;
}

static int replace_fallback(struct policy_obj *po, const struct pin_info *pin,
			    struct attach_opts *o)
{
	struct bpf_link *links[DRVHOOK_NR_HOOKS] = {};
	struct drvhook_fb_attach req;
	char from[600], to[600];
	bool switched = false;
	int fd, err, h;

	err = open_dev(o->dev, &fd);
	if (err)
		return err;
	fill_req(&req, o->name, NULL, 0, po->hooks, 0);
	if (ioctl(fd, DRVHOOK_IOC_FB_COOKIE, &req)) {
		err = attach_error(errno, o->dev, o->name, NULL, "fallback cookie");
		goto out;
	}
	o->cookie = req.cookie;
	/* new programs, matching no entry yet, pinned aside */
	err = pobj_prepare(po, MODE_FALLBACK, o);
	err = err ?: pobj_load(po);
	err = err ?: attach_fb_progs(po, links);
	err = err ?: pin_fb_links(links, pin->dir, "new_");
	if (err)
		goto out;
	fill_req(&req, o->name, NULL, 0, po->hooks, o->cookie);
	if (ioctl(fd, DRVHOOK_IOC_FB_REPLACE, &req)) {
		err = attach_error(errno, o->dev, o->name, NULL, "fallback replace");
		goto out;
	}
	switched = true;
	/* the new links take the old ones' pins; the old ones go */
	for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
		hook_pin(to, sizeof(to), pin->dir, h, "");
		if (!links[h]) {
			unlink(to);
			continue;
		}
		hook_pin(from, sizeof(from), pin->dir, h, "new_");
		if (rename(from, to) && !err)
			err = fail_errno(errno, "replaced, but cannot move %s to %s",
					 from, to);
	}
out:
	if (!switched) {
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++)
			if (links[h])
				bpf_link__unpin(links[h]);
	}
	put_links(links, DRVHOOK_NR_HOOKS, switched);
	close(fd);
	return err;
}

static int do_replace(int argc, char **argv)
{
	const char *dev = NULL, *name = NULL, *path;
	struct attach_opts o = {};
	struct policy_obj po = {};
	struct dev_info d = {};
	struct pol_line *entry;
	struct pin_info pin;
	enum mode mode;
	int err;

	err = parse_dev_name(&argc, &argv, &dev, &name, true);
	if (err)
		return err;
	if (argc != 1)
		return usage_error("policy replace: expected dev DEV name NAME OBJ");
	path = *argv;

	err = pobj_open(&po, path);
	err = err ?: need_privs("policy replace");
	err = err ?: need_device(dev, &d);
	if (err)
		goto out;
	entry = dev_policy(&d, name);
	if (!entry) {
		err = fail(EXIT_NAME, "no policy '%s' on %s", name, dev);
		goto out;
	}
	mode = mode_of(entry->mode);
	err = resolve_mode(mode, &mode);
	if (err)
		goto out;
	if (pin_read(dev, name, &pin) ||
	    (mode == MODE_STRUCT_OPS && !pin.link)) {
		err = fail(EXIT_FAIL, "policy '%s' of %s is not pinned at %s (attached by another tool?)",
			   name, dev, pin.dir);
		goto out;
	}
	o.dev = dev;
	o.name = name;
	o.dev_id = d.dev_id;
	if (mode == MODE_STRUCT_OPS)
		err = replace_struct_ops(&po, &pin, &o);
	else
		err = replace_fallback(&po, &pin, &o);
	if (!err)
		print_done("replaced", dev, name, mode, po.hooks, pin.dir,
			   mode == MODE_FALLBACK, o.cookie);
out:
	pobj_close(&po);
	dev_free(&d);
	return err;
}

/* One row of policy list: a chain entry, pins, or both. */
struct list_row {
	const char *dev;
	const char *name;
	const char *mode;
	unsigned int hooks;
	int position;			/* 1-based run order, 0: unknown */
	const char *state;
	const char *pin;
};

static void list_emit(struct table *t, const struct list_row *r)
{
	char hs[64], pos[16];

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", r->dev);
		jsonw_string_field(jw, "name", r->name);
		jsonw_string_field(jw, "mode", r->mode);
		json_hooks("hooks", r->hooks);
		if (r->position)
			jsonw_uint_field(jw, "position", r->position);
		else
			jsonw_null_field(jw, "position");
		jsonw_string_field(jw, "state", r->state);
		if (r->pin)
			jsonw_string_field(jw, "pin", r->pin);
		else
			jsonw_null_field(jw, "pin");
		jsonw_end_object(jw);
		return;
	}
	hooks_str(r->hooks, hs, sizeof(hs));
	if (r->position)
		snprintf(pos, sizeof(pos), "%d", r->position);
	else
		snprintf(pos, sizeof(pos), "-");
	table_row(t, r->dev, pos, r->name, r->mode, hs, r->state);
}

static int do_list(int argc, char **argv)
{
	struct dev_info *devs = NULL, one;
	struct pin_info *pins = NULL;
	const char *dev = NULL;
	struct list_row r;
	struct table *t = NULL;
	int ndev = 0, npin = 0, i, j, err, pinned, rows = 0;
	bool pins_unreadable;

	if (argc) {
		err = parse_dev_name(&argc, &argv, &dev, NULL, false);
		if (err)
			return err;
		if (argc)
			return usage_error("unexpected '%s'", *argv);
	}
	if (dev) {
		if (!dev_read(dev, &one)) {
			devs = malloc(sizeof(one));
			if (devs) {
				devs[0] = one;
				ndev = 1;
			}
		}
	} else {
		err = dev_list(&devs, &ndev);
		if (err)
			return fail(EXIT_FAIL, "cannot read %s: %s", sysfs_root(),
				    strerror(-err));
	}
	err = pins_list(dev, &pins, &npin);
	pins_unreadable = err == -EACCES || err == -EPERM;
	if (dev && !ndev && !npin) {
		free(devs);
		free(pins);
		if (!module_loaded())
			return fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
		return fail(EXIT_NODEV, "device '%s' not found", dev);
	}

	if (json_output)
		jsonw_start_array(jw);
	else
		t = table_new(6, "DEV", "#", "NAME", "MODE", "HOOKS", "STATE");
	for (i = 0; i < ndev; i++) {
		for (j = 0; j < devs[i].npols; j++) {
			struct pol_line *p = &devs[i].pols[j];
			struct pin_info pi;

			pinned = pin_state(devs[i].name, p->name);
			r = (struct list_row){ devs[i].name, p->name, p->mode,
					       p->hooks, j + 1,
					       pinned > 0 ? "attached" :
					       pinned < 0 ? "attached, pins unreadable" :
					       "attached, not pinned", NULL };
			if (pinned > 0) {
				pin_read(devs[i].name, p->name, &pi);
				r.pin = pi.dir;
				list_emit(t, &r);
			} else {
				list_emit(t, &r);
			}
			rows++;
		}
	}
	for (i = 0; i < npin; i++) {
		struct dev_info *owner = NULL;

		for (j = 0; j < ndev; j++)
			if (!strcmp(devs[j].name, pins[i].dev))
				owner = &devs[j];
		if (owner && dev_policy(owner, pins[i].name))
			continue;
		r = (struct list_row){ pins[i].dev, pins[i].name,
				       pins[i].link ? "struct_ops" : "fallback",
				       pins[i].hooks, 0,
				       owner ? "stale pin" : "device absent",
				       pins[i].dir };
		if (pins[i].link)
			r.hooks = 0;
		list_emit(t, &r);
		rows++;
	}
	if (json_output) {
		jsonw_end_array(jw);
	} else if (!rows) {
		printf("no policies%s%s\n", dev ? " on " : "", dev ? dev : "");
	} else {
		table_print(t, "");
	}
	if (pins_unreadable)
		warn("cannot read %s (not root?): pin state unknown", pin_root());
	table_free(t);
	devs_free(devs, ndev);
	free(pins);
	return 0;
}

static int do_show(int argc, char **argv)
{
	const char *dev = NULL, *name = NULL;
	struct prog_stat ps[DRVHOOK_NR_HOOKS];
	struct pol_line *entry = NULL;
	struct dev_info d = {};
	struct pin_info pin;
	bool present, pinned;
	char hs[64], c[48], ids[3][24];
	int i, n = 0, pos = 0, err;
	__u32 map_id = 0;
	struct table *t;

	err = parse_dev_name(&argc, &argv, &dev, &name, true);
	if (err)
		return err;
	if (argc)
		return usage_error("unexpected '%s'", *argv);
	present = !dev_read(dev, &d);
	pinned = !pin_read(dev, name, &pin);
	for (i = 0; present && i < d.npols; i++)
		if (!strcmp(d.pols[i].name, name)) {
			entry = &d.pols[i];
			pos = i + 1;
		}
	if (!present && !pinned) {
		dev_free(&d);
		if (!module_loaded())
			return fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
		return fail(EXIT_NODEV, "device '%s' not found", dev);
	}
	if (!entry && !pinned) {
		dev_free(&d);
		return fail(EXIT_NAME, "no policy '%s' on %s", name, dev);
	}
	if (pinned) {
		if (!have_bpf_privs())
			warn("not root: program ids and run counts omitted");
		else
			policy_progs(&pin, ps, &n, &map_id);
	}

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", dev);
		if (entry) {
			json_policy_line(dev, entry);
			jsonw_uint_field(jw, "position", pos);
		} else {
			jsonw_string_field(jw, "name", name);
			jsonw_string_field(jw, "mode", pin.link ? "struct_ops" : "fallback");
			jsonw_bool_field(jw, "pinned", true);
			jsonw_null_field(jw, "position");
		}
		jsonw_string_field(jw, "state", entry ? "attached" :
				   present ? "stale pin" : "device absent");
		if (pinned)
			jsonw_string_field(jw, "pin", pin.dir);
		else
			jsonw_null_field(jw, "pin");
		if (map_id)
			jsonw_uint_field(jw, "map_id", map_id);
		jsonw_name(jw, "programs");
		jsonw_start_array(jw);
		for (i = 0; i < n; i++) {
			jsonw_start_object(jw);
			jsonw_string_field(jw, "hook", hook_names[ps[i].hook]);
			jsonw_uint_field(jw, "link_id", ps[i].link_id);
			jsonw_uint_field(jw, "prog_id", ps[i].prog_id);
			jsonw_string_field(jw, "prog_name", ps[i].prog_name);
			jsonw_uint_field(jw, "run_cnt", ps[i].run_cnt);
			jsonw_uint_field(jw, "run_time_ns", ps[i].run_time_ns);
			jsonw_end_object(jw);
		}
		jsonw_end_array(jw);
		jsonw_end_object(jw);
		goto out;
	}

	if (entry) {
		hooks_str(entry->hooks, hs, sizeof(hs));
		printf("%s/%s: mode %s, position %d of %d, hooks %s\n", dev, name,
		       entry->mode, pos, d.npols, hs);
		if (entry->mode[0] == 'f')
			printf("  fallback cookie %u\n", entry->cookie);
		printf("  clamped verdicts %llu\n", entry->clamped);
	} else {
		printf("%s/%s: %s (pins only)\n", dev, name,
		       present ? "not in the chain: stale pins" : "device absent");
	}
	if (pinned)
		printf("  pinned at %s%s\n", pin.dir, map_id ? "" : "");
	else
		printf("  not pinned\n");
	if (map_id)
		printf("  struct_ops map id %u\n", map_id);
	t = table_new(7, "HOOK", "RUNS/NONZERO", "LINK", "PROG ID", "PROG NAME",
		      "RUN_CNT", "RUN_TIME_NS");
	for (i = 0; i < n; i++) {
		if (entry)
			fmt_counter(c, sizeof(c), entry, ps[i].hook);
		else
			snprintf(c, sizeof(c), "-");
		snprintf(ids[0], sizeof(ids[0]), "%u", ps[i].link_id);
		snprintf(ids[1], sizeof(ids[1]), "%u", ps[i].prog_id);
		snprintf(ids[2], sizeof(ids[2]), "%llu",
			 (unsigned long long)ps[i].run_cnt);
		snprintf(hs, sizeof(hs), "%llu",
			 (unsigned long long)ps[i].run_time_ns);
		table_row(t, hook_names[ps[i].hook], c, ids[0], ids[1],
			  ps[i].prog_name, ids[2], hs);
	}
	if (n)
		table_print(t, "  ");
	table_free(t);
out:
	dev_free(&d);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json_output) {
		jsonw_null(jw);
		return 0;
	}
	printf("Usage: drvhook [OPTIONS] policy attach OBJ dev DEV [name NAME]\n"
	       "                        [{ before | after } NAME] [mode MODE]\n"
	       "       drvhook [OPTIONS] policy detach dev DEV name NAME\n"
	       "       drvhook [OPTIONS] policy replace dev DEV name NAME OBJ\n"
	       "       drvhook [OPTIONS] policy list [dev DEV]\n"
	       "       drvhook [OPTIONS] policy show dev DEV name NAME\n"
	       "       drvhook policy help\n"
	       "\n"
	       "       OBJ  := a policy object (clang -target bpf, bpf/drvhook.bpf.h)\n"
	       "       DEV  := a stub device, e.g. edu0\n"
	       "       NAME := policy name, at most 15 characters; default: the\n"
	       "               object's .name, else its struct_ops map's name\n"
	       "       MODE := { struct_ops | fallback }; default: struct_ops when\n"
	       "               the stub registers it (Linux >= 6.9), else fallback\n"
	       "\n"
	       "attach:  loads OBJ and inserts it in DEV's chain, at the end or\n"
	       "         before/after policy NAME; pins at %s/DEV/NAME/.\n"
	       "detach:  removes the policy and its pins.\n"
	       "replace: swaps the policy's programs for OBJ's, atomically, in place.\n"
	       "list:    the policies of every (or one) device, in run order, and\n"
	       "         pins whose device is absent.\n"
	       "show:    one policy: counters, pins, program ids and run stats.\n",
	       pin_root());
	return 0;
}

int do_policy(int argc, char **argv)
{
	if (argc < 1)
		return do_list(0, NULL);
	if (is_prefix(*argv, "help"))
		return do_help(argc - 1, argv + 1);
	if (is_prefix(*argv, "attach"))
		return do_attach(argc - 1, argv + 1);
	if (is_prefix(*argv, "detach"))
		return do_detach(argc - 1, argv + 1);
	if (is_prefix(*argv, "replace"))
		return do_replace(argc - 1, argv + 1);
	if (is_prefix(*argv, "list"))
		return do_list(argc - 1, argv + 1);
	if (is_prefix(*argv, "show"))
		return do_show(argc - 1, argv + 1);
	return usage_error("unknown command 'policy %s'", *argv);
}
