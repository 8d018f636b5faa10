// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy replace: new programs for an attached policy, atomically, in
 * place, in the policy's mode. A failure leaves the old ones in force.
 *
 * struct_ops: the new map, loaded but not attached, takes the pinned
 * link's place with BPF_LINK_UPDATE (the stub's update op).
 * fallback (/dev/drvhook): a fresh cookie (DRVHOOK_IOC_FB_COOKIE), the new fentry
 * programs attached and pinned aside as new_<hook>, then
 * DRVHOOK_IOC_FB_REPLACE switches the entry to them and their links, and
 * the new pins are renamed over the old ones (which drops the old links).
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
/*
 * The kernel value of a loaded T_ops map, as bpf_map_update_elem() takes
 * it: struct bpf_struct_ops_T_ops { common; data } of the type's module,
 * its data fields copied by name, its function pointers holding program
 * fds.
 */
static int build_kern_value(struct policy_obj *po, void **val, __u32 *size)
{
	const struct btf_type *vt, *dt, *mt;
	const struct btf_member *m;
	const char *local, *mname;
	char vname[DRVHOOK_NAME_LEN + 32];
	struct btf *mod;
	__u32 data_off = 0, moff, loff;
	struct bpf_program *prog;
	int id, i, h, err = 0;
	char *buf = NULL;
	size_t lsz;
	__s64 msz;

	mod = module_btf(po->dt.module);
	if (!mod) {
		err = fail(EXIT_FEATURE, "cannot load the BTF of module '%s' (/sys/kernel/btf/%s)",
			   po->dt.module, po->dt.module);
		goto out;
	}
	snprintf(vname, sizeof(vname), "bpf_struct_ops_%s", po->ops_name);
	id = btf__find_by_name_kind(mod, vname, BTF_KIND_STRUCT);
	if (id < 0) {
		err = fail(EXIT_FEATURE, "the BTF of module %s has no %s",
			   po->dt.module, vname);
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
		err = fail(EXIT_FAIL, "%s has no 'data' struct", vname);
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
			for (h = 0; h < DRVHOOK_MAX_HOOKS; h++) {
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
			err = fail(EXIT_FAIL, "%s.%s: size mismatch between module %s and %s",
				   po->ops_name, mname, po->dt.module, po->path);
			goto out;
		}
		memcpy(buf + moff, local + loff, msz);
	}
	*val = buf;
	*size = vt->size;
	buf = NULL;
out:
	free(buf);
	return err;
}

/*
 * Sets the value of the loaded, not yet attached struct_ops map of @po
 * (the kernel takes it once: the map can then be attached or put in a
 * link's place, again and again; edustress fast-storm does).
 */
int st_map_set(struct policy_obj *po)
{
	__u32 size = 0, zero = 0;
	void *val = NULL;
	int err;

	err = build_kern_value(po, &val, &size);
	if (err)
		return err;
	if (bpf_map__value_size(po->st_map) != size)
		err = fail(EXIT_FAIL, "struct_ops value size %u != map value size %u",
			   size, bpf_map__value_size(po->st_map));
	else if (bpf_map_update_elem(bpf_map__fd(po->st_map), &zero, val, 0))
		err = fail_errno(errno, "cannot set up map '%s'", po->map_name);
	free(val);
	return err;
}

/* Puts the set map of @po in place of the one link @link_fd holds. */
int st_link_update(struct policy_obj *po, int link_fd,
		   const struct attach_opts *o)
{
	if (!bpf_link_update(link_fd, bpf_map__fd(po->st_map), NULL))
		return 0;
	if (errno == EOPNOTSUPP)
		return fail(EXIT_FEATURE, "struct_ops link update needs Linux 6.4 and a stub with an update op");
	return attach_error(errno, o->dev, o->name, NULL, "replace");
}

static int replace_struct_ops(struct policy_obj *po, const struct pin_info *pin,
			      struct attach_opts *o)
{
	char path[600];
	int link_fd, err;

	snprintf(path, sizeof(path), "%s/link", pin->dir);
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return fail_errno(errno, "policy '%s': cannot open pinned link %s",
				  o->name, path);
	err = pobj_prepare(po, MODE_STRUCT_OPS, o);
	err = err ?: pobj_load(po);
	err = err ?: st_map_set(po);
	err = err ?: st_link_update(po, link_fd, o);
	close(link_fd);
	return err;
}

static int replace_fallback(struct policy_obj *po, const struct pin_info *pin,
			    struct attach_opts *o)
{
	struct bpf_link *links[DRVHOOK_MAX_HOOKS] = {};
	const struct dev_type *t = &po->dt;
	struct drvhook_fb_attach req;
	char from[600], to[600];
	bool switched = false;
	int fd, err, h;

	err = open_ctl(&fd);
	if (err)
		return err;
	fill_req(&req, t->name, o->dev_id, o->name, NULL, 0, po->hooks, 0);
	if (ioctl(fd, DRVHOOK_IOC_FB_COOKIE, &req)) {
		err = attach_error(errno, o->dev, o->name, NULL, "fallback cookie");
		goto out;
	}
	o->cookie = req.cookie;
	/* new programs, matching no entry yet, pinned aside */
	err = pobj_prepare(po, MODE_FALLBACK, o);
	err = err ?: pobj_load(po);
	err = err ?: attach_fb_progs(po, links);
	err = err ?: pin_fb_links(links, t, pin->dir, "new_");
	if (err)
		goto out;
	fill_req(&req, t->name, o->dev_id, o->name, NULL, 0, po->hooks,
		 o->cookie);
	fill_links(&req, links);
	if (ioctl(fd, DRVHOOK_IOC_FB_REPLACE, &req)) {
		err = attach_error(errno, o->dev, o->name, NULL, "fallback replace");
		goto out;
	}
	switched = true;
	/* the new links take the old ones' pins; the old ones go */
	for (h = 0; h < t->nr_hooks; h++) {
		hook_pin(to, sizeof(to), pin->dir, t, h, "");
		if (!links[h]) {
			unlink(to);
			continue;
		}
		hook_pin(from, sizeof(from), pin->dir, t, h, "new_");
		if (rename(from, to) && !err)
			err = fail_errno(errno, "replaced, but cannot move %s to %s",
					 from, to);
	}
out:
	if (!switched) {
		for (h = 0; h < DRVHOOK_MAX_HOOKS; h++)
			if (links[h])
				bpf_link__unpin(links[h]);
	}
	put_links(links, DRVHOOK_MAX_HOOKS, switched);
	close(fd);
	return err;
}

int do_replace(int argc, char **argv)
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
	if (argc < 1)
		return usage_error("policy replace: expected dev DEV name NAME OBJ [set NAME=VALUE]...");
	path = *argv;
	NEXT_ARG();
	for (; argc; argc -= 2, argv += 2) {
		if (argc < 2 || strcmp(*argv, "set"))
			return usage_error("policy replace: unexpected '%s' after OBJ", *argv);
		err = parse_set(&o, argv[1]);
		if (err)
			return err;
	}

	err = pobj_open(&po, path);
	err = err ?: need_privs("policy replace");
	err = err ?: need_device(dev, &d);
	err = err ?: pobj_bind(&po, &d.dt, dev);
	if (err)
		goto out;
	entry = dev_policy(&d, name);
	if (!entry) {
		err = fail(EXIT_NAME, "no policy '%s' on %s", name, dev);
		goto out;
	}
	mode = mode_of(entry->mode);
	err = pobj_check_contract(path, &d.dt);
	err = err ?: resolve_mode(&d.dt, mode, &mode);
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
		print_done("replaced", dev, name, mode, &d.dt, po.hooks, pin.dir,
			   mode == MODE_FALLBACK, o.cookie);
out:
	pobj_close(&po);
	dev_free(&d);
	return err;
}
