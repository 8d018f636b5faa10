// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the stub exposes in sysfs (/sys/class/drvhook/<dev>/) and what the
 * loader pins in bpffs (/sys/fs/bpf/drvhook/<dev>/<name>/).
 * DRVHOOK_SYSFS and DRVHOOK_BPFFS override both roots (tests).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "loader.h"

/* Help in JSON mode: null, like bpftool. True when that was printed. */
bool help_json(void)
{
	if (json_output)
		jsonw_null(jw);
	return json_output;
}

const char *sysfs_root(void)
{
	const char *s = getenv("DRVHOOK_SYSFS");

	return s && *s ? s : "/sys/class/drvhook";
}

const char *pin_root(void)
{
	const char *s = getenv("DRVHOOK_BPFFS");

	return s && *s ? s : "/sys/fs/bpf/drvhook";
}

/* The core's class exists from its module init to its module exit. */
bool module_loaded(void)
{
	struct stat st;

	return !stat(sysfs_root(), &st) && S_ISDIR(st.st_mode);
}

/*
 * Device, type, hook and policy names, wherever they come from: what the
 * core names its devices (<type><N>) and takes as policy names, so that
 * each is one path component under the class directory and the pin root.
 */
bool name_ok(const char *name, size_t max)
{
	size_t len = strnlen(name, max);
	const char *c;

	if (!len || len == max)
		return false;
	for (c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return false;
	return true;
}

/* 0, or a usage error: @name is no @kind (policy name, anchor, device name) */
int check_name(const char *kind, const char *name, size_t max)
{
	if (name_ok(name, max))
		return 0;
	return usage_error("%s '%s': 1 to %zu letters, digits, '_' or '-'",
			   kind, name, max - 1);
}

/* "<type><N>" or "/dev/<type><N>" (e.g. edu0, /dev/edu0) */
int dev_arg(const char *arg, const char **dev)
{
	*dev = strncmp(arg, "/dev/", 5) ? arg : arg + 5;
	if (name_ok(*dev, DEV_NAME_MAX))
		return 0;
	return check_name("device name", arg, DEV_NAME_MAX);
}

/* Reads a sysfs file into @buf; -errno on failure. */
static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

/* Reads a whole (small) file; NULL (errno set) on failure. */
char *slurp(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *b;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !buf) {
		int err = f ? ENOMEM : errno;

		free(buf);
		if (f)
			fclose(f);
		errno = err;
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			b = realloc(buf, cap * 2);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/*
 * One line of <dev>/policies:
 * <name> <mode> <hooks> <cookie> <clamped> <hook>=R/N ... (every hook of
 * the device type)
 */
static int parse_policy(char *line, struct pol_line *p,
			const struct dev_type *t)
{
	char hooks[32], *tok, *save = NULL, *eq;
	int i, h;

	memset(p, 0, sizeof(*p));
	if (sscanf(line, "%15s %15s %31s %u %llu", p->name, p->mode, hooks,
		   &p->cookie, &p->clamped) != 5)
		return -EINVAL;
	p->hooks = strtoul(hooks, NULL, 0);
	for (i = 0, tok = strtok_r(line, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), i++) {
		if (i < 5)
			continue;
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		h = type_hook(t, tok);
		if (h < 0)
			continue;
		sscanf(eq + 1, "%llu/%llu", &p->runs[h], &p->nonzero[h]);
	}
	return 0;
}

/* 0, -ENOENT when there is no such device, -errno. */
int dev_read(const char *name, struct dev_info *d)
{
	char path[512], buf[256], *pols, *line, *save = NULL, hook[32];
	unsigned long long cnt;
	struct pol_line *p;
	int err, h;

	memset(d, 0, sizeof(*d));
	if (!name_ok(name, DEV_NAME_MAX))
		return -ENOENT;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s/dev_id", sysfs_root(), name);
	err = read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	d->dev_id = strtoul(buf, NULL, 0);

	snprintf(path, sizeof(path), "%s/%s/hooks", sysfs_root(), name);
	if (!read_file(path, d->hooks, sizeof(d->hooks)))
		d->hooks[strcspn(d->hooks, "\n")] = '\0';
	/*
	 * Its type, as the core registered it; a type missing from the
	 * types file (a core older than the loader?) gets the device's own
	 * hook list and no module.
	 */
	if (dev_type_of(name, &d->dt) == -ENOENT) {
		char hooks[sizeof(d->hooks)], *tok, *hsave = NULL;

		snprintf(hooks, sizeof(hooks), "%s", d->hooks);
		for (tok = strtok_r(hooks, " \t", &hsave);
		     tok && d->dt.nr_hooks < DRVHOOK_MAX_HOOKS;
		     tok = strtok_r(NULL, " \t", &hsave))
			snprintf(d->dt.hooks[d->dt.nr_hooks++], HOOK_NAME_MAX,
				 "%s", tok);
	}
	if (!d->dt.name[0])
		return -ENOENT;		/* no type: no drvhook device */

	snprintf(path, sizeof(path), "%s/%s/clamped", sysfs_root(), name);
	pols = slurp(path);
	for (line = pols ? strtok_r(pols, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%31s %llu", hook, &cnt) != 2)
			continue;
		h = type_hook(&d->dt, hook);
		if (h >= 0)
			d->clamped[h] = cnt;
	}
	free(pols);

	snprintf(path, sizeof(path), "%s/%s/policies", sysfs_root(), name);
	pols = slurp(path);
	if (!pols)
		return -errno;
	save = NULL;
	for (line = strtok_r(pols, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		p = realloc(d->pols, (d->npols + 1) * sizeof(*p));
		if (!p)
			break;
		d->pols = p;
		if (!parse_policy(line, &d->pols[d->npols], &d->dt))
			d->npols++;
	}
	free(pols);
	return 0;
}

void dev_free(struct dev_info *d)
{
	free(d->pols);
	d->pols = NULL;
	d->npols = 0;
}

void devs_free(struct dev_info *devs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		dev_free(&devs[i]);
	free(devs);
}

struct pol_line *dev_policy(struct dev_info *d, const char *name)
{
	int i;

	for (i = 0; i < d->npols; i++)
		if (!strcmp(d->pols[i].name, name))
			return &d->pols[i];
	return NULL;
}

static int dev_cmp(const void *a, const void *b)
{
	const struct dev_info *x = a, *y = b;

	if (x->dev_id != y->dev_id)
		return x->dev_id < y->dev_id ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every device of the class, by dev_id. No class: no devices. */
int dev_list(struct dev_info **devs, int *n)
{
	struct dev_info *d = NULL, *t;
	struct dirent *de;
	DIR *dir;

	*devs = NULL;
	*n = 0;
	dir = opendir(sysfs_root());
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		/* the devices, not the class's own files (types) */
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "types"))
			continue;
		t = realloc(d, (*n + 1) * sizeof(*t));
		if (!t)
			break;
		d = t;
		if (!dev_read(de->d_name, &d[*n]))
			(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(d, *n, sizeof(*d), dev_cmp);
	*devs = d;
	return 0;
}

/* Fails unless the core is loaded and has device @dev. */
int need_device(const char *dev, struct dev_info *d)
{
	int err;

	if (!module_loaded())
		return fail(EXIT_FEATURE, "stub module not loaded (no %s): load the hook core (" CORE_MODULE ") and a device module (modprobe drvhook_<type>)",
			    sysfs_root());
	err = dev_read(dev, d);
	if (err == -ENOENT)
		return fail(EXIT_NODEV, "device '%s' not found (no %s/%s)", dev,
			    sysfs_root(), dev);
	if (err)
		return fail(EXIT_FAIL, "device '%s': cannot read %s/%s: %s", dev,
			    sysfs_root(), dev, strerror(-err));
	return 0;
}

void pin_dir(char *buf, size_t len, const char *dev, const char *name)
{
	snprintf(buf, len, "%s/%s/%s", pin_root(), dev, name);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The hooks pinned in @p->dir, for pins whose device type is unknown
 * (device and its module gone): every pin but link and new_*, by name.
 */
static void pin_hooks_of_dir(struct pin_info *p)
{
	struct dirent *de;
	DIR *dir = opendir(p->dir);
	struct dev_type *t = &p->dt;

	if (!dir)
		return;
	while ((de = readdir(dir)) && t->nr_hooks < DRVHOOK_MAX_HOOKS) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "link") ||
		    !strncmp(de->d_name, "new_", 4) ||
		    !name_ok(de->d_name, HOOK_NAME_MAX))
			continue;
		snprintf(t->hooks[t->nr_hooks++], HOOK_NAME_MAX, "%.*s",
			 HOOK_NAME_MAX - 1, de->d_name);
	}
	closedir(dir);
	qsort(t->hooks, t->nr_hooks, HOOK_NAME_MAX, str_cmp);
}

/* What the loader pinned for policy @name of @dev; -ENOENT if nothing. */
int pin_read(const char *dev, const char *name, struct pin_info *p)
{
	char path[600];
	struct stat st;
	int h;

	memset(p, 0, sizeof(*p));
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	snprintf(p->name, sizeof(p->name), "%s", name);
	pin_dir(p->dir, sizeof(p->dir), dev, name);
	if (!name_ok(dev, DEV_NAME_MAX) || !name_ok(name, POL_NAME_MAX))
		return -EINVAL;
	if (stat(p->dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	snprintf(path, sizeof(path), "%s/link", p->dir);
	p->link = !access(path, F_OK);
	if (dev_type_of(dev, &p->dt))
		pin_hooks_of_dir(p);
	for (h = 0; h < p->dt.nr_hooks; h++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, p->dt.hooks[h]);
		if (!access(path, F_OK))
			p->hooks |= 1U << h;
	}
	return 0;
}

static int pin_cmp(const void *a, const void *b)
{
	const struct pin_info *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);

	return c ? c : strcmp(x->name, y->name);
}

/* Pinned policies of @dev (NULL: all devices). No pin root: none. */
int pins_list(const char *dev, struct pin_info **pins, int *n)
{
	struct pin_info *p = NULL, *t;
	struct dirent *de, *pe;
	char path[512];
	DIR *top, *dd;

	*pins = NULL;
	*n = 0;
	top = opendir(pin_root());
	if (!top)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(top))) {
		if (de->d_name[0] == '.' || (dev && strcmp(dev, de->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_root(), de->d_name);
		dd = opendir(path);
		if (!dd)
			continue;
		while ((pe = readdir(dd))) {
			if (pe->d_name[0] == '.')
				continue;
			t = realloc(p, (*n + 1) * sizeof(*t));
			if (!t)
				break;
			p = t;
			if (!pin_read(de->d_name, pe->d_name, &p[*n]))
				(*n)++;
		}
		closedir(dd);
	}
	closedir(top);
	if (*n)
		qsort(p, *n, sizeof(*p), pin_cmp);
	*pins = p;
	return 0;
}

int mkdir_p(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC	0xcafe4a11
#endif

bool is_bpffs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

/*
 * Creates the pin directory of a policy, mounting bpffs at /sys/fs/bpf
 * first if nothing is mounted there (as bpftool does). The directory
 * itself must be new: an existing one belongs to another attach.
 */
int make_pin_dir(const char *dir)
{
	char parent[512], *slash;
	int err;

	if (!getenv("DRVHOOK_BPFFS") && !is_bpffs("/sys/fs/bpf") &&
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return fail_errno(errno, "no bpffs at /sys/fs/bpf, and mounting one failed");
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	err = mkdir_p(parent);
	if (err)
		return fail_errno(-err, "cannot create %s", parent);
	if (!mkdir(dir, 0700))
		return 0;
	if (errno == EEXIST)
		return fail(EXIT_NAME, "%s already exists (another attach, or stale pins: 'policy detach' removes them)",
			    dir);
	return fail_errno(errno, "cannot create %s", dir);
}

bool bpf_stats_enabled(void)
{
	char buf[16] = "";

	if (read_file("/proc/sys/kernel/bpf_stats_enabled", buf, sizeof(buf)))
		return false;
	return atoi(buf) != 0;
}
