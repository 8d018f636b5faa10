// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Device types, as the hook core registers them: one line of
 * <sysfs root>/types per type, "T MODULE H0 H1 ...", its name, the
 * module whose BTF has its structs and functions, and its hooks (a hook's
 * position is its index: its bit in every hook mask of sysfs and of the
 * control plane). What the loader derives from them, in MODULE's BTF:
 * struct T_ops (struct_ops type), bpf_struct_ops_T_ops (its kernel
 * value), T_fb_H (fallback attach point of hook H), T_set_H_F (setter
 * kfunc of field F). Nothing of any type is compiled in.
 *
 * And the kernel's BTF, vmlinux and modules, read once per run.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

static int parse_type(char *line, struct dev_type *t)
{
	char *tok, *save = NULL;

	memset(t, 0, sizeof(*t));
	tok = strtok_r(line, " \t", &save);
	if (!tok || !name_ok(tok, sizeof(t->name)))
		return -EINVAL;
	snprintf(t->name, sizeof(t->name), "%s", tok);
	tok = strtok_r(NULL, " \t", &save);
	if (!tok || !name_ok(tok, sizeof(t->module)))
		return -EINVAL;
	snprintf(t->module, sizeof(t->module), "%s", tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (t->nr_hooks == DRVHOOK_MAX_HOOKS ||
		    !name_ok(tok, HOOK_NAME_MAX))
			return -EINVAL;
		snprintf(t->hooks[t->nr_hooks++], HOOK_NAME_MAX, "%s", tok);
	}
	return 0;
}

/* Every registered type; none when the core is not loaded. */
int types_read(struct dev_type **types, int *n)
{
	char path[512], *buf, *line, *save = NULL;
	struct dev_type *t = NULL, *nt;

	*types = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/types", sysfs_root());
	buf = slurp(path);
	if (!buf)
		return errno == ENOENT ? 0 : -errno;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		nt = realloc(t, (*n + 1) * sizeof(*t));
		if (!nt)
			break;
		t = nt;
		if (!parse_type(line, &t[*n]))
			(*n)++;
	}
	free(buf);
	*types = t;
	return 0;
}

/* Type @name into @t; -ENOENT when no such type is registered. */
int type_find(const char *name, struct dev_type *t)
{
	struct dev_type *types;
	int n, i, err;

	err = types_read(&types, &n);
	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++)
		if (!strcmp(types[i].name, name)) {
			*t = types[i];
			err = 0;
		}
	free(types);
	return err;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * "<type><N>": the type and the id a device name says, for a device
 * that is absent from sysfs. The longest registered type that fits,
 * else the name without its trailing digits. -EINVAL: no such form.
 */
int devname_split(const char *dev, char *type, size_t len, unsigned int *id)
{
	struct dev_type *types;
	size_t l, best = 0;
	int n, i;

	if (!types_read(&types, &n)) {
		for (i = 0; i < n; i++) {
			l = strlen(types[i].name);
			if (l > best && !strncmp(dev, types[i].name, l) &&
			    all_digits(dev + l))
				best = l;
		}
		free(types);
	}
	if (!best) {
		for (l = strlen(dev); l && isdigit((unsigned char)dev[l - 1]); l--)
			;
		if (!l || !dev[l])
			return -EINVAL;
		best = l;
	}
	if (best >= len || best >= DRVHOOK_NAME_LEN)
		return -EINVAL;
	snprintf(type, len, "%.*s", (int)best, dev);
	*id = strtoul(dev + best, NULL, 10);
	return 0;
}

/*
 * The type of device @dev: its sysfs 'type' attribute, else (device
 * absent) what its name says. -ENOENT: no such type registered.
 */
int dev_type_of(const char *dev, struct dev_type *t)
{
	char path[512], name[DRVHOOK_NAME_LEN], *buf;
	unsigned int id;

	memset(t, 0, sizeof(*t));
	if (!name_ok(dev, DEV_NAME_MAX))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/type", sysfs_root(), dev);
	buf = slurp(path);
	if (buf) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(name, sizeof(name), "%s", buf);
		free(buf);
	} else if (devname_split(dev, name, sizeof(name), &id)) {
		return -ENOENT;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	return type_find(name, t);
}

int type_hook(const struct dev_type *t, const char *name)
{
	int h;

	for (h = 0; h < t->nr_hooks; h++)
		if (!strcmp(name, t->hooks[h]))
			return h;
	return -1;
}

/* Hook @h's name; "hook<h>" for a bit the type does not name. */
const char *type_hook_name(const struct dev_type *t, int h, char *buf,
			   size_t len)
{
	if (h >= 0 && h < t->nr_hooks)
		return t->hooks[h];
	snprintf(buf, len, "hook%d", h);
	return buf;
}

void hooks_str(const struct dev_type *t, unsigned int mask, char *buf,
	       size_t len)
{
	char one[16];
	size_t off = 0;
	int h;

	buf[0] = '\0';
	for (h = 0; h < 32 && off < len; h++)
		if (mask & (1U << h))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "," : "",
					type_hook_name(t, h, one, sizeof(one)));
	if (!buf[0])
		snprintf(buf, len, "-");
}

void json_hooks(const struct dev_type *t, const char *key, unsigned int mask)
{
	char one[16];
	int h;

	jsonw_name(jw, key);
	jsonw_start_array(jw);
	for (h = 0; h < 32; h++)
		if (mask & (1U << h))
			jsonw_string(jw, type_hook_name(t, h, one, sizeof(one)));
	jsonw_end_array(jw);
}

/* "key": {"<hook>": v[hook], ...} for every hook of @t */
void json_hook_counts(const struct dev_type *t, const char *key,
		      const unsigned long long *v)
{
	int h;

	jsonw_name(jw, key);
	jsonw_start_object(jw);
	for (h = 0; h < t->nr_hooks; h++)
		jsonw_uint_field(jw, t->hooks[h], v[h]);
	jsonw_end_object(jw);
}

static struct btf *vmlinux;
static bool vmlinux_tried;

/* The running kernel's BTF, read once; NULL without it. Never freed. */
struct btf *vmlinux_btf(void)
{
	if (!vmlinux_tried) {
		vmlinux_tried = true;
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			vmlinux = NULL;
	}
	return vmlinux;
}

/* Module @module's BTF, read once; NULL when absent. Never freed. */
struct btf *module_btf(const char *module)
{
	static struct {
		char name[MODULE_NAME_MAX];
		struct btf *btf;
	} cache[8];
	static int n;
	struct btf *b;
	int i;

	if (!module || !*module || !vmlinux_btf())
		return NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(cache[i].name, module))
			return cache[i].btf;
	b = btf__load_module_btf(module, vmlinux);
	if (!b)
		return NULL;	/* maybe loaded later: ask again then */
	if (n < (int)ARRAY_SIZE(cache)) {
		snprintf(cache[n].name, sizeof(cache[n].name), "%s", module);
		cache[n++].btf = b;
	}
	return b;
}
