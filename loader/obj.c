// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy object: opened, checked, set up for one attach mode, loaded.
 * libbpf does all the ELF, BTF and CO-RE work.
 *
 * A policy for device type T has one struct_ops map of type T_ops in
 * section .struct_ops.link, programs in struct_ops/<hook>, each with its
 * fentry twin <prog>__fb in fentry/T_fb_<hook>, and the .rodata variable
 * drvhook_fb_cookie (bpf/drvhook.bpf.h makes all of that). Its hooks are
 * named in the object; pobj_bind() maps them to the indexes of the
 * device's type, which must be T.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

#define ST_SEC		"struct_ops/"
#define FB_SEC		"fentry/"	/* then T_fb_<hook> */
#define OPS_SUFFIX	"_ops"

static int not_policy(struct policy_obj *po, const char *fmt, ...) __printf(2, 3);

static int not_policy(struct policy_obj *po, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fail(EXIT_NOTPOLICY, "%s is not a drvhook policy: %s", po->path,
		    buf);
}

/* Byte offset of member @name of struct @t, checking its size. */
static int member_off(struct policy_obj *po, const struct btf *btf,
		      const struct btf_type *t, const char *name, __u32 size,
		      __u32 *off)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		if (btf__resolve_size(btf, m->type) != size)
			return not_policy(po, "struct %s.%s is not %u bytes (built against another drvhook.h?)",
					  po->ops_name, name, size);
		*off = btf_member_bit_offset(t, i) / 8;
		return 0;
	}
	return not_policy(po, "struct %s has no member '%s' (built against another drvhook.h?)",
			  po->ops_name, name);
}

/* "T_ops": T into @type; false when @tname is no such name. */
static bool ops_type(const char *tname, char *type, size_t len)
{
	size_t l = strlen(tname), sl = strlen(OPS_SUFFIX);

	if (l <= sl || strcmp(tname + l - sl, OPS_SUFFIX) ||
	    l - sl >= len || l - sl >= DRVHOOK_NAME_LEN)
		return false;
	snprintf(type, len, "%.*s", (int)(l - sl), tname);
	return name_ok(type, DRVHOOK_NAME_LEN);
}

/* The struct_ops map: exactly one, of a type T_ops, link-based. */
static int find_map(struct policy_obj *po, const struct btf *btf)
{
	char type[DRVHOOK_NAME_LEN];
	const struct btf_type *t;
	struct bpf_map *map;
	const char *tname;
	int n = 0;

	bpf_object__for_each_map(map, po->obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		tname = t ? btf__name_by_offset(btf, t->name_off) : "?";
		if (!ops_type(tname, type, sizeof(type)))
			return not_policy(po, "struct_ops map '%s' is a struct %s, not a struct <type>_ops of a drvhook device type (no device type named)",
					  bpf_map__name(map), tname);
		if (n && strcmp(type, po->type))
			return not_policy(po, "struct_ops maps of two device types (struct %s_ops, struct %s); a policy has exactly one map",
					  po->type, tname);
		snprintf(po->type, sizeof(po->type), "%s", type);
		snprintf(po->ops_name, sizeof(po->ops_name), "%s", tname);
		if (!(bpf_map__map_flags(map) & BPF_F_LINK))
			return not_policy(po, "struct_ops map '%s' is in section .struct_ops; drvhook attaches through links: use SEC(\".struct_ops.link\")",
					  bpf_map__name(map));
		po->st_map = map;
		n++;
	}
	if (!n)
		return not_policy(po, "no struct_ops map of a drvhook device type (SEC(\".struct_ops.link\") struct <type>_ops NAME = { ... })");
	if (n > 1)
		return not_policy(po, "%d struct_ops maps of type %s; a policy has exactly one",
				  n, po->ops_name);
	po->map_name = bpf_map__name(po->st_map);
	return 0;
}

/* The object's own index of hook @name, a new one if need be; <0: too many */
static int local_hook(struct policy_obj *po, const char *name)
{
	int i;

	for (i = 0; i < po->nlocal; i++)
		if (!strcmp(po->local_hook[i], name))
			return i;
	if (po->nlocal == DRVHOOK_MAX_HOOKS)
		return -1;
	po->local_hook[po->nlocal] = name;
	return po->nlocal++;
}

/* struct_ops/<hook> programs and their fentry/T_fb_<hook> twins */
static int find_progs(struct policy_obj *po)
{
	struct bpf_program *prog;
	const char *sec, *name, *hook;
	char fb_sec[64], twin[128];
	size_t fl;
	int h;

	snprintf(fb_sec, sizeof(fb_sec), FB_SEC "%s_fb_", po->type);
	fl = strlen(fb_sec);
	bpf_object__for_each_program(prog, po->obj) {
		sec = bpf_program__section_name(prog);
		name = bpf_program__name(prog);
		if (!strncmp(sec, ST_SEC, strlen(ST_SEC))) {
			hook = sec + strlen(ST_SEC);
			if (!name_ok(hook, HOOK_NAME_MAX))
				return not_policy(po, "program '%s': section '%s' names no hook",
						  name, sec);
			h = local_hook(po, hook);
			if (h < 0)
				return not_policy(po, "more than %d hooks", DRVHOOK_MAX_HOOKS);
			if (po->local_st[h])
				return not_policy(po, "programs '%s' and '%s' both implement hook %s",
						  bpf_program__name(po->local_st[h]),
						  name, hook);
			po->local_st[h] = prog;
		} else if (!strncmp(sec, fb_sec, fl)) {
			hook = sec + fl;
			if (!name_ok(hook, HOOK_NAME_MAX))
				return not_policy(po, "program '%s': section '%s' names no fallback hook",
						  name, sec);
			h = local_hook(po, hook);
			if (h < 0)
				return not_policy(po, "more than %d hooks", DRVHOOK_MAX_HOOKS);
			if (po->local_fb[h])
				return not_policy(po, "programs '%s' and '%s' are both fallbacks of hook %s",
						  bpf_program__name(po->local_fb[h]),
						  name, hook);
			po->local_fb[h] = prog;
		} else if (!strcmp(sec, "struct_ops")) {
			return not_policy(po, "program '%s': section 'struct_ops' names no hook: define it with DRVHOOK_DEFINE_HOOK() or its type's hook macro",
					  name);
		} else {
			return not_policy(po, "program '%s' in section '%s' is neither a hook of struct %s nor a fallback twin (%s<hook>)",
					  name, sec, po->ops_name, fb_sec);
		}
	}
	for (h = 0; h < po->nlocal; h++) {
		hook = po->local_hook[h];
		if (!po->local_st[h])
			return not_policy(po, "fallback program '%s' (hook %s) has no struct_ops/%s program",
					  bpf_program__name(po->local_fb[h]),
					  hook, hook);
		snprintf(twin, sizeof(twin), "%s__fb",
			 bpf_program__name(po->local_st[h]));
		if (!po->local_fb[h])
			return not_policy(po, "program '%s' (hook %s) has no fentry twin '%s' in section %s%s: define it with DRVHOOK_DEFINE_HOOK() or its type's hook macro",
					  bpf_program__name(po->local_st[h]),
					  hook, twin, fb_sec, hook);
		if (strcmp(bpf_program__name(po->local_fb[h]), twin))
			return not_policy(po, "fallback of hook %s is '%s', expected '%s'",
					  hook, bpf_program__name(po->local_fb[h]),
					  twin);
	}
	if (!po->nlocal)
		return not_policy(po, "it implements no hook");
	return 0;
}

/* .rodata's drvhook_fb_cookie: the fallback programs' filter */
static int find_cookie(struct policy_obj *po, const struct btf *btf)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	int id, i;

	po->rodata = bpf_object__find_map_by_name(po->obj, ".rodata");
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id > 0 && po->rodata) {
		sec = btf__type_by_id(btf, id);
		vs = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++, vs++) {
			var = btf__type_by_id(btf, vs->type);
			if (strcmp(btf__name_by_offset(btf, var->name_off),
				   "drvhook_fb_cookie"))
				continue;
			if (vs->size != sizeof(__u32))
				return not_policy(po, "drvhook_fb_cookie is not a __u32");
			po->cookie_off = vs->offset;
			return 0;
		}
	}
	return not_policy(po, "no .rodata variable drvhook_fb_cookie (include bpf/drvhook.bpf.h)");
}

/*
 * Opens and checks @path: EXIT_FILE if it cannot be read, EXIT_NOTPOLICY
 * if it is no drvhook policy, with the reason.
 */
int pobj_open(struct policy_obj *po, const char *path)
{
	unsigned char magic[4] = {};
	const struct btf_type *t;
	const struct btf *btf;
	const char *init;
	size_t sz;
	int fd, id, err;

	memset(po, 0, sizeof(*po));
	po->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail(EXIT_FILE, "cannot read %s: %s", path, strerror(errno));
	err = read(fd, magic, sizeof(magic)) < 0 ? errno : 0;
	close(fd);
	if (err)
		return fail(EXIT_FILE, "cannot read %s: %s", path, strerror(err));
	if (memcmp(magic, "\177ELF", 4))
		return not_policy(po, "not an ELF file");

	err_reset_libbpf();
	po->obj = bpf_object__open_file(path, NULL);
	if (!po->obj) {
		err = errno;
		po->obj = NULL;
		return not_policy(po, "libbpf cannot open it as a BPF object (%s)",
				  *libbpf_first_warn() ? libbpf_first_warn() :
				  strerror(err));
	}
	btf = bpf_object__btf(po->obj);
	if (!btf)
		return not_policy(po, "it has no BTF (build with clang -g)");

	err = find_map(po, btf);
	err = err ?: find_progs(po);
	err = err ?: find_cookie(po, btf);
	if (err)
		return err;

	id = btf__find_by_name_kind(btf, po->ops_name, BTF_KIND_STRUCT);
	if (id < 0)
		return not_policy(po, "no struct %s in its BTF", po->ops_name);
	t = btf__type_by_id(btf, id);
	err = member_off(po, btf, t, "dev_id", 4, &po->off_dev_id);
	err = err ?: member_off(po, btf, t, "flags", 4, &po->off_flags);
	err = err ?: member_off(po, btf, t, "anchor", DRVHOOK_NAME_LEN,
				&po->off_anchor);
	err = err ?: member_off(po, btf, t, "name", DRVHOOK_NAME_LEN,
				&po->off_name);
	if (err)
		return err;

	init = bpf_map__initial_value(po->st_map, &sz);
	if (init && po->off_name + DRVHOOK_NAME_LEN <= sz)
		snprintf(po->obj_name, sizeof(po->obj_name), "%.*s",
			 DRVHOOK_NAME_LEN - 1, init + po->off_name);
	return 0;
}

/* The policy's name: the object's .name, else its map's name. */
const char *pobj_default_name(struct policy_obj *po)
{
	return po->obj_name[0] ? po->obj_name : po->map_name;
}

/*
 * Binds the object to device type @t of device @dev: EXIT_TYPE if it is
 * for another type, EXIT_FEATURE if it implements a hook @t lacks.
 * Before anything is loaded.
 */
int pobj_bind(struct policy_obj *po, const struct dev_type *t, const char *dev)
{
	char hooks[DRVHOOK_MAX_HOOKS * HOOK_NAME_MAX], note[64] = "";
	struct dev_type reg;
	int i, h;

	if (strcmp(po->type, t->name)) {
		if (type_find(po->type, &reg))
			snprintf(note, sizeof(note), " (no type '%s' is registered)",
				 po->type);
		return fail(EXIT_TYPE, "%s: policy is for device type '%s' (struct %s), device %s is of type '%s'%s",
			    po->path, po->type, po->ops_name, dev, t->name, note);
	}
	po->hooks = 0;
	memset(po->st_prog, 0, sizeof(po->st_prog));
	memset(po->fb_prog, 0, sizeof(po->fb_prog));
	for (i = 0; i < po->nlocal; i++) {
		h = type_hook(t, po->local_hook[i]);
		if (h < 0) {
			hooks_str(t, (1U << t->nr_hooks) - 1, hooks, sizeof(hooks));
			return fail(EXIT_FEATURE, "%s: program '%s' implements hook '%s', which device type '%s' lacks (its hooks: %s)",
				    po->path, bpf_program__name(po->local_st[i]),
				    po->local_hook[i], t->name, hooks);
		}
		po->st_prog[h] = po->local_st[i];
		po->fb_prog[h] = po->local_fb[i];
		po->hooks |= 1U << h;
	}
	po->dt = *t;
	po->bound = true;
	return 0;
}

/*
 * Sets the object up for @mode: the programs that mode loads, the
 * struct_ops data fields (struct_ops) or the cookie (fallback).
 */
int pobj_prepare(struct policy_obj *po, enum mode mode,
		 const struct attach_opts *o)
{
	char *data;
	size_t sz;
	int h;

	po->mode = mode;
	if (!po->bound) {
		struct dev_type t;
		int err = dev_type_of(o->dev, &t);

		if (err)
			return fail(EXIT_NODEV, "device '%s': its type is unknown (%s)",
				    o->dev, strerror(-err));
		if (pobj_bind(po, &t, o->dev))
			return err_code();
	}
	for (h = 0; h < o->nsets; h++)
		if (pobj_set_var(po->obj, po->path, o->sets[h]))
			return err_code();
	if (pobj_set_kfunc_flags(po->obj, po->dt.module))
		return err_code();
	for (h = 0; h < po->nlocal; h++) {
		bpf_program__set_autoload(po->local_st[h], mode == MODE_STRUCT_OPS);
		bpf_program__set_autoload(po->local_fb[h], mode == MODE_FALLBACK);
	}
	if (mode == MODE_FALLBACK) {
		/* libbpf then skips resolving T_ops in the kernel */
		bpf_map__set_autocreate(po->st_map, false);
		data = bpf_map__initial_value(po->rodata, &sz);
		if (!data || po->cookie_off + sizeof(__u32) > sz)
			return fail(EXIT_FAIL, "%s: cannot set drvhook_fb_cookie", po->path);
		memcpy(data + po->cookie_off, &o->cookie, sizeof(__u32));
		po->fb_cookie = o->cookie;
		return 0;
	}

	data = bpf_map__initial_value(po->st_map, &sz);
	if (!data || po->off_name + DRVHOOK_NAME_LEN > sz)
		return fail(EXIT_FAIL, "%s: cannot set the data of map '%s'",
			    po->path, po->map_name);
	memcpy(data + po->off_dev_id, &o->dev_id, sizeof(__u32));
	memcpy(data + po->off_flags, &o->flags, sizeof(__u32));
	memset(data + po->off_anchor, 0, DRVHOOK_NAME_LEN);
	memset(data + po->off_name, 0, DRVHOOK_NAME_LEN);
	if (o->anchor)
		strncpy(data + po->off_anchor, o->anchor, DRVHOOK_NAME_LEN - 1);
	strncpy(data + po->off_name, o->name, DRVHOOK_NAME_LEN - 1);
	return 0;
}

/* Loads the object: EXIT_VERIFIER with the log's tail, EXIT_PERM, ... */
int pobj_load(struct policy_obj *po)
{
	const char *w;
	int err;

	err_reset_libbpf();
	err = bpf_object__load(po->obj);
	if (!err)
		return 0;
	if (verifier_log_tail())
		return EXIT_VERIFIER;
	w = libbpf_first_warn();
	if (err == -EPERM || err == -EACCES)
		return fail(EXIT_PERM, "loading %s: %s (needs root: CAP_BPF and CAP_SYS_ADMIN)%s%s",
			    po->path, strerror(-err), *w ? "; libbpf: " : "", w);
	if (strstr(w, "not found in kernel or module BTFs") ||
	    strstr(w, "failed to find kernel BTF type ID"))
		return fail(EXIT_FEATURE, "loading %s: the kernel or stub lacks what the policy uses: %s",
			    po->path, w);
	return fail(EXIT_FAIL, "loading %s failed: %s%s%s", po->path,
		    strerror(-err), *w ? "; libbpf: " : "", w);
}

void pobj_close(struct policy_obj *po)
{
	bpf_object__close(po->obj);
	po->obj = NULL;
}
