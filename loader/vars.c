// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A policy's global variables, set before load:
 *
 *  - settings: `set NAME=VALUE` on attach or replace writes the initial
 *    value of an integer variable of .rodata, .data or .bss (a policy's
 *    `const volatile __u32 burst = 10;`);
 *  - optional-kfunc flags: a .rodata variable drvhook_kfunc_<name> is set
 *    to 1 when the running kernel (vmlinux, the hook core or the device
 *    type's module) has the function <name> in its BTF, 0 otherwise
 *    (bpf/drvhook_compat.bpf.h, drvhook_kfunc_exists()).
 *
 * The variables are found by name in the object's BTF DATASECs; libbpf
 * gives their initial values (bpf_map__initial_value).
 *
 * And a policy's context writes, checked against its device type's
 * contract before load (pobj_check_writes()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

#define KFUNC_FLAG	"drvhook_kfunc_"
#define SETTER		"_set_"		/* T_set_H_F */

static const char *const data_secs[] = { ".rodata", ".data", ".bss" };

struct var {
	const char *sec;
	const struct btf_type *type;	/* the variable's type, resolved */
	char *data;			/* its bytes in the initial value */
	__u32 size;
};

/* Finds variable @name in the object's data sections. */
static int var_find(struct bpf_object *obj, const char *name, struct var *v)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *t;
	struct bpf_map *map;
	size_t sz;
	char *data;
	int i, j, id;

	for (i = 0; btf && i < (int)ARRAY_SIZE(data_secs); i++) {
		id = btf__find_by_name_kind(btf, data_secs[i], BTF_KIND_DATASEC);
		map = bpf_object__find_map_by_name(obj, data_secs[i]);
		if (id < 0 || !map)
			continue;
		sec = btf__type_by_id(btf, id);
		vs = btf_var_secinfos(sec);
		for (j = 0; j < btf_vlen(sec); j++, vs++) {
			t = btf__type_by_id(btf, vs->type);
			if (strcmp(btf__name_by_offset(btf, t->name_off), name))
				continue;
			data = bpf_map__initial_value(map, &sz);
			if (!data || vs->offset + vs->size > sz)
				return -EINVAL;
			v->sec = data_secs[i];
			v->type = btf__type_by_id(btf, btf__resolve_type(btf, t->type));
			v->data = data + vs->offset;
			v->size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

static bool is_integer(const struct btf_type *t)
{
	return t && (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t));
}

/* Stores @val in the @v->size bytes of @v (little-endian host). */
static void var_store(struct var *v, unsigned long long val)
{
	memcpy(v->data, &val, v->size);
}

static bool fits(unsigned long long val, bool neg, __u32 size)
{
	if (size >= 8)
		return true;
	if (neg)
		return (long long)val >= -(1LL << (size * 8 - 1));
	return val < (1ULL << (size * 8));
}

/* `set NAME=VALUE`: EXIT_USAGE with the reason when it cannot be set. */
int pobj_set_var(struct bpf_object *obj, const char *path, const char *assign)
{
	const char *eq = strchr(assign, '=');
	unsigned long long val;
	char name[128], *end;
	struct var v;
	bool neg;

	if (!eq || eq == assign || eq - assign >= (long)sizeof(name) || !eq[1])
		return usage_error("set: expected NAME=VALUE, got '%s'", assign);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - assign), assign);
	if (!strncmp(name, "drvhook_", 8))
		return usage_error("set: '%s' is set by the loader itself", name);
	if (var_find(obj, name, &v))
		return usage_error("set: %s has no global variable '%s' ('bpftool btf dump file %s' lists them)",
				   path, name, path);
	if (!is_integer(v.type) || v.size > 8)
		return usage_error("set: '%s' is not an integer variable (only integers can be set)",
				   name);
	neg = eq[1] == '-';
	errno = 0;
	val = neg ? (unsigned long long)strtoll(eq + 1, &end, 0) :
		    strtoull(eq + 1, &end, 0);
	if (errno || *end || !fits(val, neg, v.size))
		return usage_error("set: '%s' is not a value for %s (%u bytes)",
				   eq + 1, name, v.size);
	var_store(&v, val);
	return 0;
}

/* One `set NAME=VALUE` of the command line, checked when the object is. */
int parse_set(struct attach_opts *o, const char *assign)
{
	const char *eq = strchr(assign, '=');

	if (o->nsets == (int)ARRAY_SIZE(o->sets))
		return usage_error("at most %zu 'set' keywords", ARRAY_SIZE(o->sets));
	if (!eq || eq == assign || !eq[1])
		return usage_error("set: expected NAME=VALUE, got '%s'", assign);
	o->sets[o->nsets++] = assign;
	return 0;
}

static bool btf_has_func(const struct btf *btf, const char *name)
{
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* Sets every drvhook_kfunc_<name> flag of .rodata from the kernel's BTF. */
int pobj_set_kfunc_flags(struct bpf_object *obj, const char *module)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct btf *vmlinux = NULL, *mod = NULL, *core = NULL;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *t;
	const char *name;
	struct var v;
	int i, id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return 0;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		t = btf__type_by_id(btf, vs->type);
		name = btf__name_by_offset(btf, t->name_off);
		if (strncmp(name, KFUNC_FLAG, strlen(KFUNC_FLAG)))
			continue;
		if (!vmlinux) {
			vmlinux = vmlinux_btf();
			if (!vmlinux)
				return fail(EXIT_FEATURE, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): optional kfuncs need CONFIG_DEBUG_INFO_BTF");
			core = module_btf(CORE_MODULE);
			mod = module_btf(module);
		}
		if (var_find(obj, name, &v) || !is_integer(v.type))
			continue;
		var_store(&v, btf_has_func(vmlinux, name + strlen(KFUNC_FLAG)) ||
			      btf_has_func(core, name + strlen(KFUNC_FLAG)) ||
			      btf_has_func(mod, name + strlen(KFUNC_FLAG)));
	}
	return 0;
}

/* "T_set_" of type @t */
static void setter_prefix(const struct dev_type *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s" SETTER, t->name);
}

/* The next extern function of @btf named @pfx*, after type @id. */
static int next_setter(const struct btf *btf, int id, const char *pfx,
		       const char **name)
{
	const struct btf_type *t;
	int n = btf__type_cnt(btf);

	for (id++; id < n; id++) {
		t = btf__type_by_id(btf, id);
		/* a FUNC's vlen is its linkage */
		if (!btf_is_func(t) || btf_vlen(t) != BTF_FUNC_EXTERN)
			continue;
		*name = btf__name_by_offset(btf, t->name_off);
		if (!strncmp(*name, pfx, strlen(pfx)))
			return id;
	}
	return 0;
}

/*
 * Appends to @buf the fields of hook @hook that type @t's module has a
 * setter for, i.e. the ones its contract lets policies write; true when
 * it has any setter.
 */
static bool stub_setters(const struct btf *stub, const struct dev_type *t,
			 const char *hook, char *buf, size_t len)
{
	const struct btf *base = btf__base_btf(stub);
	int id = base ? (int)btf__type_cnt(base) : 1, n = btf__type_cnt(stub);
	size_t hl = strlen(hook), used = 0, pl;
	const struct btf_type *bt;
	char pfx[64];
	bool any = false;
	const char *name;

	setter_prefix(t, pfx, sizeof(pfx));
	pl = strlen(pfx);
	buf[0] = '\0';
	for (; id < n; id++) {
		bt = btf__type_by_id(stub, id);
		if (!btf_is_func(bt))
			continue;
		name = btf__name_by_offset(stub, bt->name_off);
		if (strncmp(name, pfx, pl))
			continue;
		any = true;
		name += pl;
		if (strncmp(name, hook, hl) || name[hl] != '_')
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", name + hl + 1);
	}
	return any;
}

/* The hook of @t that setter suffix @rest ("H_F") starts with: longest. */
static int setter_hook(const struct dev_type *t, const char *rest)
{
	size_t l, best = 0;
	int h, found = -1;

	for (h = 0; h < t->nr_hooks; h++) {
		l = strlen(t->hooks[h]);
		if (l > best && !strncmp(rest, t->hooks[h], l) && rest[l] == '_') {
			best = l;
			found = h;
		}
	}
	return found;
}

/*
 * The context writes of the policy object @path against the contract of
 * its device type @t, whose module's BTF is @stub. In a fentry twin,
 * drvhook_write(ctx, field, val) calls the setter kfunc T_set_H_F() of
 * the type's module (its BPF header), and the module has one for each
 * field its hooks' contracts let policies write and no other. An object
 * needing a setter the module lacks writes outside the contract:
 * EXIT_VERIFIER, naming the field and what the hook lets policies write.
 * Checked before load in both modes: libbpf resolves the externs of the
 * whole object, so it would refuse the policy in struct_ops mode too, but
 * only as a missing kfunc.
 *
 * The object's BTF as compiled (btf__parse_elf()): bpf_object__open()
 * turns its extern functions into global ones.
 */
static int check_writes(const struct btf *btf, const char *path,
			const struct btf *stub, const struct dev_type *t)
{
	char pfx[64], hook[HOOK_NAME_MAX + 8], fb[128], writable[256];
	const char *name, *rest, *field;
	int id = 0, code = 0, h;

	setter_prefix(t, pfx, sizeof(pfx));
	while (!code && (id = next_setter(btf, id, pfx, &name))) {
		if (btf_has_func(stub, name))
			continue;
		rest = name + strlen(pfx);
		h = setter_hook(t, rest);
		if (h >= 0) {
			snprintf(hook, sizeof(hook), "%s", t->hooks[h]);
			field = rest + strlen(hook) + 1;
		} else {
			field = strchr(rest, '_');
			snprintf(hook, sizeof(hook), "%.*s",
				 (int)(field ? (size_t)(field - rest) : strlen(rest)),
				 rest);
			field = field ? field + 1 : "";
		}
		snprintf(fb, sizeof(fb), "%s_fb_%s", t->name, hook);
		if (!stub_setters(stub, t, hook, writable, sizeof(writable))) {
			code = fail(EXIT_FEATURE, "%s writes context fields through setter kfuncs (%s()), and module %s has none: it is older than the policy's headers",
				    path, name, t->module);
		} else if (h < 0 || !*field || !btf_has_func(stub, fb)) {
			code = fail(EXIT_VERIFIER, "%s calls %s(): device type '%s' has no hook '%s' with such a field",
				    path, name, t->name, hook);
		} else {
			code = fail(EXIT_VERIFIER, "policy %s writes %s_%s_ctx.%s: outside the %s hook's contract (writable: %s)",
				    path, t->name, hook, field, hook,
				    writable[0] ? writable : "nothing");
			snprintf(writable, sizeof(writable),
				 "drvhook_write() of '%s' in a %s hook: module %s has no %s()",
				 field, hook, t->module, name);
			fail_detail(writable);
		}
	}
	return code;
}

/* check_writes() on the policy object @path. */
int pobj_check_writes(const char *path, const struct btf *stub,
		      const struct dev_type *t)
{
	struct btf *btf = btf__parse_elf(path, NULL);
	int err;

	if (!btf)
		return 0;	/* libbpf says what is wrong at load */
	err = check_writes(btf, path, stub, t);
	btf__free(btf);
	return err;
}

/* pobj_check_writes() against the running module of @t, if the policy writes. */
int pobj_check_contract(const char *path, const struct dev_type *t)
{
	struct btf *btf = btf__parse_elf(path, NULL), *stub;
	const char *name;
	char pfx[64];
	int err = 0;

	setter_prefix(t, pfx, sizeof(pfx));
	/* without the module's BTF, libbpf reports what is missing */
	if (btf && next_setter(btf, 0, pfx, &name)) {
		stub = module_btf(t->module);
		if (stub)
			err = check_writes(btf, path, stub, t);
	}
	btf__free(btf);
	return err;
}
