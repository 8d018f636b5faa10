// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy attach, policy detach, and what replace shares with them.
 *
 * struct_ops mode: the object's T_ops map (T the device's type), attached
 * through a struct_ops link pinned at <pin root>/<dev>/<name>/link.
 * fallback mode: the fentry twins on T_fb_<hook>, filtering on a cookie
 * reserved with DRVHOOK_IOC_FB_COOKIE, their links carrying it as BPF
 * cookie, then a chain entry (type, dev_id, name) registered with
 * DRVHOOK_IOC_FB_ATTACH that owns the links (it goes when they do), the
 * links pinned at .../<name>/<hook>. The ioctls go to the core's
 * /dev/drvhook.
 * Any failure undoes what was done: links, pins, the fallback entry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

enum mode mode_of(const char *s)
{
	return !strcmp(s, "struct_ops") ? MODE_STRUCT_OPS : MODE_FALLBACK;
}

/* The stub's answer to an attach, as an exit code. */
int attach_error(int err, const char *dev, const char *name, const char *anchor,
		 const char *what)
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
		return fail(EXIT_NODEV, "%s: device %s has no chain (ENODEV: no such device type or id)",
			    what, dev);
	case ENOSPC:
		return fail(EXIT_FAIL, "%s: %s already runs %d policies, the most a device takes (ENOSPC)",
			    what, dev, DRVHOOK_MAX_POLICIES);
	default:
		return fail_errno(err, "%s of '%s' on %s", what, name, dev);
	}
}

/* The core's control plane: /dev/drvhook */
int open_ctl(int *fd)
{
	*fd = open(CORE_CTL_DEV, O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT)
		return fail(EXIT_FEATURE, "no " CORE_CTL_DEV ": the hook core (" CORE_MODULE ") is not loaded, or older than the loader");
	return fail_errno(errno, "cannot open " CORE_CTL_DEV);
}

/* A request for entry @name of device @dev_id of type @type */
void fill_req(struct drvhook_fb_attach *req, const char *type, __u32 dev_id,
	      const char *name, const char *anchor, __u32 flags, __u32 hooks,
	      __u32 cookie)
{
	memset(req, 0, sizeof(*req));
	memcpy(req->type, type, strnlen(type, DRVHOOK_NAME_LEN - 1));
	req->dev_id = dev_id;
	strncpy(req->name, name, DRVHOOK_NAME_LEN - 1);
	if (anchor)
		strncpy(req->anchor, anchor, DRVHOOK_NAME_LEN - 1);
	req->flags = flags;
	req->hooks = hooks;
	req->cookie = cookie;
}

/* <dir>/<prefix><hook>; bpffs refuses names with a dot */
void hook_pin(char *buf, size_t len, const char *dir,
	      const struct dev_type *t, int h, const char *prefix)
{
	char one[16];

	snprintf(buf, len, "%s/%s%s", dir, prefix,
		 type_hook_name(t, h, one, sizeof(one)));
}

/* Pins the fentry links at <dir>/<prefix><hook>. */
int pin_fb_links(struct bpf_link **links, const struct dev_type *t,
		 const char *dir, const char *prefix)
{
	char path[600];
	int h, err;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++) {
		if (!links[h])
			continue;
		hook_pin(path, sizeof(path), dir, t, h, prefix);
		err = bpf_link__pin(links[h], path);
		if (err)
			return fail_errno(-err, "cannot pin link at %s", path);
	}
	return 0;
}

/* The fentry links, their BPF cookie the entry's: what the kfuncs check */
int attach_fb_progs(struct policy_obj *po, struct bpf_link **links)
{
	LIBBPF_OPTS(bpf_trace_opts, topts, .cookie = po->fb_cookie);
	int h, err;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++) {
		if (!(po->hooks & (1U << h)))
			continue;
		err_reset_libbpf();
		links[h] = bpf_program__attach_trace_opts(po->fb_prog[h], &topts);
		if (!links[h]) {
			err = errno;
			links[h] = NULL;
			return fail_errno(err, "cannot attach fentry program '%s' to %s_fb_%s",
					  bpf_program__name(po->fb_prog[h]),
					  po->dt.name, po->dt.hooks[h]);
		}
	}
	return 0;
}

/* Names @links in @req: the entry owns them. */
void fill_links(struct drvhook_fb_attach *req, struct bpf_link **links)
{
	int h;

	for (h = 0; h < DRVHOOK_MAX_HOOKS; h++) {
		if (!links[h])
			continue;
		req->links |= 1U << h;
		req->link_fd[h] = bpf_link__fd(links[h]);
	}
}

/* Keeps the pinned links (success) or detaches them (failure). */
void put_links(struct bpf_link **links, int n, bool keep)
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

void print_done(const char *verb, const char *dev, const char *name,
		enum mode mode, const struct dev_type *t, unsigned int hooks,
		const char *dir, bool has_cookie, __u32 cookie)
{
	char hs[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX];

	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "dev", dev);
		jsonw_string_field(jw, "type", t->name);
		jsonw_string_field(jw, "name", name);
		jsonw_string_field(jw, "mode", mode_name(mode));
		json_hooks(t, "hooks", hooks);
		if (has_cookie)
			jsonw_uint_field(jw, "cookie", cookie);
		if (dir)
			jsonw_string_field(jw, "pin", dir);
		jsonw_end_object(jw);
		return;
	}
	hooks_str(t, hooks, hs, sizeof(hs));
	printf("%s policy '%s' %s %s (mode %s, hooks %s)\n", verb, name,
	       strcmp(verb, "detached") ? "on" : "from", dev, mode_name(mode), hs);
	if (dir)
		printf("pinned at %s\n", dir);
}

int do_attach(int argc, char **argv)
{
	struct bpf_link *links[DRVHOOK_MAX_HOOKS] = {}, *link = NULL;
	struct attach_opts o = {};
	struct policy_obj po = {};
	struct dev_info d = {};
	struct drvhook_fb_attach req;
	enum mode want = global_mode, mode = MODE_AUTO;
	const char *path, *dev = NULL, *name = NULL;
	bool registered = false, made_dir = false;
	char dir[512], lpath[600];
	int fd = -1, err;
	struct pin_info pin;

	REQ_ARGS(1);
	path = *argv;
	NEXT_ARG();
	while (argc) {
		if (argc < 2)
			return usage_error("'%s' needs a value", *argv);
		if (!strcmp(*argv, "dev")) {
			err = dev_arg(argv[1], &dev);
			if (err)
				return err;
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
		} else if (!strcmp(*argv, "set")) {
			err = parse_set(&o, argv[1]);
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
	if ((name && check_name("policy name", name, POL_NAME_MAX)) ||
	    (o.anchor && check_name("anchor", o.anchor, POL_NAME_MAX)))
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
		if (check_name("policy name", name, POL_NAME_MAX)) {
			err = err_code();
			goto out;
		}
	}
	o.name = name;
	o.dev = dev;
	err = need_privs("policy attach");
	err = err ?: need_device(dev, &d);
	/* before anything is registered: the object's type is the device's */
	err = err ?: pobj_bind(&po, &d.dt, dev);
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
	/* before anything is registered: the writes against the type's contract */
	err = pobj_check_contract(path, &d.dt);
	err = err ?: resolve_mode(&d.dt, want, &mode);
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
		err = open_ctl(&fd);
		if (err)
			goto out;
		fill_req(&req, d.dt.name, d.dev_id, name, NULL, 0, po.hooks, 0);
		if (ioctl(fd, DRVHOOK_IOC_FB_COOKIE, &req)) {
			err = attach_error(errno, dev, name, NULL, "fallback cookie");
			goto out;
		}
		o.cookie = req.cookie;
		err = pobj_prepare(&po, mode, &o);
		err = err ?: pobj_load(&po);
		err = err ?: attach_fb_progs(&po, links);
		if (err)
			goto out;
		fill_req(&req, d.dt.name, d.dev_id, name, o.anchor, o.flags,
			 po.hooks, o.cookie);
		fill_links(&req, links);
		if (ioctl(fd, DRVHOOK_IOC_FB_ATTACH, &req)) {
			err = attach_error(errno, dev, name, o.anchor,
					   "fallback attach");
			goto out;
		}
		registered = true;
		/* guest tests: a loader killed between the entry and its pins */
		if (getenv("DRVHOOK_TEST_STOP_AFTER_FB_ATTACH"))
			raise(SIGSTOP);
		err = pin_fb_links(links, &d.dt, dir, "");
		if (err)
			goto out;
	}
	print_done("attached", dev, name, mode, &d.dt, po.hooks, dir,
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
	if (err && registered) {
		fill_req(&req, d.dt.name, d.dev_id, name, NULL, 0, 0, 0);
		if (ioctl(fd, DRVHOOK_IOC_FB_DETACH, &req))
			warn("cannot unregister fallback entry '%s' of %s: %s",
			     name, dev, strerror(errno));
	}
	put_links(links, DRVHOOK_MAX_HOOKS, !err);
	/* the links unpinned themselves: the directory is empty */
	if (err && made_dir)
		rmdir(dir);
	if (fd >= 0)
		close(fd);
	pobj_close(&po);
	dev_free(&d);
	return err;
}

/* "dev DEV name NAME" */
int parse_dev_name(int *argc, char ***argv, const char **dev, const char **name,
		   bool name_required)
{
	int err;

	while (*argc >= 2) {
		if (!strcmp(**argv, "dev")) {
			err = dev_arg((*argv)[1], dev);
			if (err)
				return err;
		} else if (name && !strcmp(**argv, "name")) {
			*name = (*argv)[1];
		} else {
			break;
		}
		*argc -= 2;
		*argv += 2;
	}
	if (!*dev)
		return usage_error("expected 'dev DEV'");
	if (name_required && !*name)
		return usage_error("expected 'name NAME'");
	if (name && *name)
		return check_name("policy name", *name, POL_NAME_MAX);
	return 0;
}

/*
 * Removes the pinned links of policy @p and its directory: link, one pin
 * per hook, new_<hook> left by an interrupted replace; whatever the hook
 * names (the device type may be gone), so every pin in it.
 */
static int unpin_all(const struct pin_info *p)
{
	struct dirent *de;
	char path[800];
	int err = 0;
	DIR *dir;

	dir = opendir(p->dir);
	while (dir && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
		if (unlink(path) && errno != ENOENT &&
		    strncmp(de->d_name, "new_", 4))
			err = -errno;
	}
	if (dir)
		closedir(dir);
	else if (errno != ENOENT)
		err = -errno;
	if (rmdir(p->dir) && errno != ENOENT)
		err = err ?: -errno;
	if (err)
		return fail_errno(-err, "cannot remove %s", p->dir);
	return 0;
}

/*
 * Detaches struct_ops link @fd (@path names it in errors). Before 6.11 the
 * kernel cannot (EOPNOTSUPP): the link's last reference does, and @kept
 * (if not NULL) says so.
 */
int st_link_detach(int fd, const char *path, bool *kept)
{
	bool k = false;

	if (bpf_link_detach(fd)) {
		if (errno != EOPNOTSUPP && errno != EINVAL)
			return fail_errno(errno, "cannot detach link %s", path);
		k = true;
	}
	if (kept)
		*kept = k;
	return 0;
}

static int detach_struct_ops(const struct pin_info *pin, bool *kept,
			     __u32 *link_id)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	char path[600];
	int fd, err;

	snprintf(path, sizeof(path), "%s/link", pin->dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fail_errno(errno, "cannot open pinned link %s", path);
	if (!bpf_link_get_info_by_fd(fd, &li, &len))
		*link_id = li.id;
	err = st_link_detach(fd, path, kept);
	if (!err)
		err = unpin_all(pin);
	close(fd);
	return err;
}

/*
 * FB_DETACH of entry @name of absent device @dev (its chain outlives it
 * while its type is registered); true when the core removed it.
 */
static bool fb_detach_absent(const char *dev, const char *name)
{
	struct drvhook_fb_attach req;
	char type[DRVHOOK_NAME_LEN];
	unsigned int id;
	bool done;
	int fd;

	if (devname_split(dev, type, sizeof(type), &id))
		return false;
	fd = open(CORE_CTL_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	fill_req(&req, type, id, name, NULL, 0, 0, 0);
	done = !ioctl(fd, DRVHOOK_IOC_FB_DETACH, &req);
	if (!done && verbose)
		warn("fallback detach of '%s' (%s %u) while %s is absent: %s",
		     name, type, id, dev, strerror(errno));
	close(fd);
	return done;
}

int do_detach(int argc, char **argv)
{
	struct drvhook_fb_attach req;
	const char *dev = NULL, *name = NULL;
	struct pol_line *entry = NULL;
	struct dev_info d = {};
	struct pin_info pin;
	bool present, pinned, kept = false, gone = false;
	struct link_ids ids = {};
	__u32 link_id = 0;
	char who[300];
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
			err = detach_struct_ops(&pin, &kept, &link_id);
	} else {
		/*
		 * Present: the entry, then the pins: the links go. Absent:
		 * the pins only; the entry owns the links and goes with them
		 * (the stub drops it within a second of being their last
		 * holder, the kernel releases them later, from a workqueue):
		 * the loader waits (up to 5 s) until the programs are off
		 * their hooks. A link another process holds keeps both.
		 * Absent, the entry is named by the type and id the device's
		 * name says and asked to go first (its chain outlives the
		 * device while the type is registered): when it went, nothing
		 * runs the programs any more, as for a present device.
		 */
		if (present) {
			err = open_ctl(&fd);
			if (!err) {
				fill_req(&req, d.dt.name, d.dev_id, name, NULL,
					 0, 0, 0);
				if (ioctl(fd, DRVHOOK_IOC_FB_DETACH, &req))
					err = attach_error(errno, dev, name, NULL,
							   "fallback detach");
				close(fd);
			}
		} else {
			gone = fb_detach_absent(dev, name);
		}
		if (!err && pinned && !present && !gone)
			fb_link_ids(&pin, &ids);
		if (!err && pinned)
			err = unpin_all(&pin);
		if (!err && !present && !gone &&
		    fb_links_wait(&ids, who, sizeof(who)))
			err = fail(EXIT_NODEV, "device '%s' absent: fentry links unpinned, but still attached (%s): its fallback entry '%s' stays while they are held",
				   dev, who, name);
	}
	/* what the chain says now (an absent device has no chain to read) */
	if (!err && entry)
		err = detach_verify(dev, name, kept, link_id);
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
