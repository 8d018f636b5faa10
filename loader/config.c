// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config check and the configuration's parser (drvhook.conf(5)).
 *
 * Each *.conf of the directory, in name order; each line (a trailing '\'
 * continues it; '#' starts a comment) is one entry:
 *
 *	OBJ dev DEV [name NAME] [{ before | after } ANCHOR] [mode MODE]
 *	    [set VAR=VALUE]... [match KEY=VALUE]... [property NAME=VALUE]...
 *
 * the arguments of 'policy attach', DEV a name or a glob (edu*), OBJ a
 * shipped policy's name or a path. Every entry is checked as far as can
 * be without a device: the object opened, its settings set, the names.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "config.h"

static const char *const match_keys[] = {
	"type", "vendor", "device", "subvendor", "subdevice",
};

const char *cfg_dir_default(void)
{
	const char *s = getenv("DRVHOOK_CONFIG_DIR");

	return s && *s ? s : CFG_DIR;
}

const char *cfg_state_dir(void)
{
	const char *s = getenv("DRVHOOK_STATE_DIR");

	return s && *s ? s : CFG_STATE_DIR;
}

/* The shipped policies: DRVHOOK_POLICY_DIR, else PREFIX/lib/drvhook/policies
 * of the PREFIX/sbin/drvhook running. */
static void policy_dir(char *buf, size_t len)
{
	const char *s = getenv("DRVHOOK_POLICY_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (s && *s) {
		snprintf(buf, len, "%s", s);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(buf, len, "/usr/lib/drvhook/policies");
		return;
	}
	exe[n] = '\0';
	snprintf(buf, len, "%s/lib/drvhook/policies", dirname(dirname(exe)));
}

void cfg_bad(struct cfg_entry *e, int status, const char *msg)
{
	const char *see = strstr(msg, " (see 'drvhook help')");

	e->bad = true;
	e->status = status;
	snprintf(e->error, sizeof(e->error), "%.*s",
		 see ? (int)(see - msg) : (int)strlen(msg), msg);
}

/* The loader's failure, as @e's error; the failure is forgotten. */
void cfg_take_error(struct cfg_entry *e)
{
	cfg_bad(e, err_code() ?: EXIT_FAIL, err_message());
	err_clear();
}

void cfg_report_error(const struct cfg_entry *e, const char *dev,
		      const char *name)
{
	if (json_output)
		return;
	if (dev)
		fprintf(stderr, "%sdrvhook: error: %s:%d: %s %s: %s\n",
			journal_prio(LOG_ERR), e->file, e->line, dev, name, e->error);
	else
		fprintf(stderr, "%sdrvhook: error: %s:%d: %s\n",
			journal_prio(LOG_ERR), e->file, e->line, e->error);
}

static int syntax(struct cfg_entry *e, const char *fmt, ...) __printf(2, 3);

static int syntax(struct cfg_entry *e, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cfg_bad(e, EXIT_USAGE, buf);
	return -1;
}

/* A device pattern is matched against the stub's names only: no path. */
static bool dev_pattern_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr("_-*?[]", *v))
			return false;
	return true;
}

static int copy(struct cfg_entry *e, char *dst, size_t len, const char *kw,
		const char *val)
{
	if (strlen(val) >= len)
		return syntax(e, "%s '%s': too long (at most %zu characters)", kw,
			      val, len - 1);
	snprintf(dst, len, "%s", val);
	return 0;
}

static int parse_match(struct cfg_entry *e, bool property, const char *kv)
{
	const char *eq = strchr(kv, '=');
	struct cfg_match *m;
	char *end;
	size_t i;

	if (e->nm == CFG_MAX_MATCH)
		return syntax(e, "at most %d match and property keywords", CFG_MAX_MATCH);
	if (!eq || eq == kv || !eq[1])
		return syntax(e, "%s: expected %s=VALUE, got '%s'",
			      property ? "property" : "match",
			      property ? "NAME" : "KEY", kv);
	m = &e->m[e->nm];
	m->property = property;
	if ((size_t)(eq - kv) >= sizeof(m->key) || strlen(eq + 1) >= sizeof(m->val))
		return syntax(e, "'%s': too long", kv);
	snprintf(m->key, sizeof(m->key), "%.*s", (int)(eq - kv), kv);
	snprintf(m->val, sizeof(m->val), "%s", eq + 1);
	if (!property) {
		for (i = 0; i < ARRAY_SIZE(match_keys); i++)
			if (!strcmp(m->key, match_keys[i]))
				break;
		if (i == ARRAY_SIZE(match_keys))
			return syntax(e, "match: unknown key '%s' (type, vendor, device, subvendor, subdevice)",
				      m->key);
		if (i > 0) {
			errno = 0;
			if (strtoul(m->val, &end, 0) > 0xffff || errno || *end)
				return syntax(e, "match %s: '%s' is not a PCI id (0x0000 to 0xffff)",
					      m->key, m->val);
		}
	}
	e->nm++;
	return 0;
}

/* The entry's words: OBJ, then keyword-value pairs. */
static int parse_words(struct cfg_entry *e, char **w, int n)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	size_t l;
	int i;

	if (strchr(w[0], '/')) {
		if (w[0][0] == '/') {
			snprintf(tmp, sizeof(tmp), "%s", w[0]);
		} else {
			snprintf(dir, sizeof(dir), "%s", e->file);
			snprintf(tmp, sizeof(tmp), "%.2000s/%.2000s", dirname(dir), w[0]);
		}
	} else {
		policy_dir(dir, sizeof(dir));
		l = strlen(w[0]);
		snprintf(tmp, sizeof(tmp), "%.2000s/%.2000s%s", dir, w[0],
			 l > 2 && !strcmp(w[0] + l - 2, ".o") ? "" : ".bpf.o");
	}
	if (copy(e, e->obj, sizeof(e->obj), "object", tmp))
		return -1;
	for (i = 1; i < n; i += 2) {
		const char *k = w[i], *v = i + 1 < n ? w[i + 1] : NULL;

		if (!v)
			return syntax(e, "'%s' needs a value", k);
		if (!strcmp(k, "dev")) {
			if (!strncmp(v, "/dev/", 5))
				v += 5;
			if (!dev_pattern_ok(v))
				return syntax(e, "device '%s': a device name or a glob of one (letters, digits, '_', '-', '*', '?', '[', ']')",
					      v);
			if (copy(e, e->dev, sizeof(e->dev), k, v))
				return -1;
		} else if (!strcmp(k, "name")) {
			if (check_name("policy name", v, POL_NAME_MAX))
				return -1;
			snprintf(e->name, sizeof(e->name), "%s", v);
		} else if (!strcmp(k, "before") || !strcmp(k, "after")) {
			if (e->anchor[0])
				return syntax(e, "only one of before/after");
			if (check_name("anchor", v, POL_NAME_MAX))
				return -1;
			snprintf(e->anchor, sizeof(e->anchor), "%s", v);
			e->before = k[0] == 'b';
		} else if (!strcmp(k, "mode")) {
			if (strcmp(v, "struct_ops") && strcmp(v, "fallback"))
				return syntax(e, "unknown mode '%s' (struct_ops or fallback)", v);
			snprintf(e->mode, sizeof(e->mode), "%s", v);
		} else if (!strcmp(k, "set")) {
			if (e->nsets == (int)ARRAY_SIZE(e->sets))
				return syntax(e, "at most %zu 'set' keywords", ARRAY_SIZE(e->sets));
			if (!strchr(v, '=') || v[0] == '=')
				return syntax(e, "set: expected VAR=VALUE, got '%s'", v);
			if (copy(e, e->sets[e->nsets], sizeof(e->sets[0]), k, v))
				return -1;
			e->nsets++;
		} else if (!strcmp(k, "match") || !strcmp(k, "property")) {
			if (parse_match(e, k[0] == 'p', v))
				return -1;
		} else {
			return syntax(e, "unknown keyword '%s' (dev, name, before, after, mode, set, match, property)",
				      k);
		}
	}
	if (!e->dev[0])
		return syntax(e, "no 'dev DEV' (a device name or a pattern: dev <type><N>, dev <type>*)");
	return 0;
}

/* What can be checked without a device: the object and its settings. */
static void check_object(struct cfg_entry *e)
{
	struct policy_obj po;
	const char *name;
	int i;

	if (pobj_open(&po, e->obj))
		goto bad;
	snprintf(e->type, sizeof(e->type), "%s", po.type);
	for (i = 0; i < e->nsets; i++)
		if (pobj_set_var(po.obj, e->obj, e->sets[i]))
			goto bad;
	if (!e->name[0]) {
		name = pobj_default_name(&po);
		if (strlen(name) >= DRVHOOK_NAME_LEN) {
			usage_error("the policy's default name '%s' is too long: give 'name NAME'",
				    name);
			goto bad;
		}
		if (check_name("policy name", name, POL_NAME_MAX))
			goto bad;
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	pobj_close(&po);
	return;
bad:
	cfg_take_error(e);
	pobj_close(&po);
}

static struct cfg_entry *new_entry(struct cfg *c, const char *file, int line)
{
	struct cfg_entry *t = realloc(c->e, (c->n + 1) * sizeof(*t));

	if (!t)
		return NULL;
	c->e = t;
	t = &c->e[c->n++];
	memset(t, 0, sizeof(*t));
	t->file = file;
	t->line = line;
	return t;
}

/* Splits @s in place at blanks; a word starting with '#' ends it. */
static int split(char *s, char **w, int max)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(s, " \t\r\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		w[n++] = tok;
	}
	return n;
}

static int read_conf(struct cfg *c, const char *file)
{
	char *line = NULL, *buf = NULL, *w[128];
	size_t cap = 0, len = 0, l;
	int lineno = 0, first = 0, n;
	struct cfg_entry *e;
	bool more = true;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		return fail(EXIT_FILE, "cannot read %s: %s", file, strerror(errno));
	while (more) {
		more = getline(&line, &cap, f) >= 0;
		if (more) {
			lineno++;
			l = strcspn(line, "\n");
			line[l] = '\0';
			if (!len)
				first = lineno;
			buf = realloc(buf, len + l + 2);
			if (!buf)
				break;
			memcpy(buf + len, line, l + 1);
			len += l;
			if (l && line[l - 1] == '\\') {
				buf[len - 1] = ' ';
				continue;
			}
		}
		if (!len)
			continue;
		n = split(buf, w, ARRAY_SIZE(w));
		len = 0;
		if (!n)
			continue;
		e = new_entry(c, file, first);
		if (!e)
			break;
		if (n == ARRAY_SIZE(w))
			syntax(e, "too many words");
		else if (!parse_words(e, w, n))
			continue;
		if (!e->bad)
			cfg_take_error(e);
	}
	free(line);
	free(buf);
	fclose(f);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(struct cfg *c, const char *dir)
{
	struct dirent *de;
	size_t l;
	char **t;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		t = realloc(c->files, (c->nfiles + 1) * sizeof(*t));
		if (!t)
			break;
		c->files = t;
		if (asprintf(&c->files[c->nfiles], "%s/%s", dir, de->d_name) > 0)
			c->nfiles++;
	}
	closedir(d);
	qsort(c->files, c->nfiles, sizeof(*c->files), name_cmp);
	return 0;
}

int cfg_load(struct cfg *c, const char *path, bool missing_ok)
{
	struct stat st;
	int i, j, err;

	memset(c, 0, sizeof(*c));
	if (stat(path, &st)) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return fail(EXIT_FILE, "cannot read %s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode)) {
		err = list_dir(c, path);
		if (err)
			return fail(EXIT_FILE, "cannot read %s: %s", path, strerror(-err));
	} else {
		c->files = calloc(1, sizeof(*c->files));
		if (!c->files || !(c->files[0] = strdup(path)))
			return fail(EXIT_FAIL, "out of memory");
		c->nfiles = 1;
	}
	for (i = 0; i < c->nfiles; i++) {
		err = read_conf(c, c->files[i]);
		if (err)
			return err;
	}
	for (i = 0; i < c->n; i++) {
		if (!c->e[i].bad)
			check_object(&c->e[i]);
		for (j = 0; j < i && !c->e[i].bad; j++) {
			if (c->e[j].bad || strcmp(c->e[j].dev, c->e[i].dev) ||
			    strcmp(c->e[j].name, c->e[i].name))
				continue;
			snprintf(c->e[i].error, sizeof(c->e[i].error),
				 "policy '%s' on dev %s is already the entry of %s:%d",
				 c->e[i].name, c->e[i].dev, c->e[j].file, c->e[j].line);
			c->e[i].bad = true;
			c->e[i].status = EXIT_NAME;
		}
		if (c->e[i].bad)
			c->nbad++;
	}
	return 0;
}

void cfg_free(struct cfg *c)
{
	int i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->e);
	memset(c, 0, sizeof(*c));
}

bool cfg_file_bad(const struct cfg *c, const char *file)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].bad && !strcmp(c->e[i].file, file))
			return true;
	return false;
}

int cfg_first_status(const struct cfg *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].bad)
			return c->e[i].status;
	return 0;
}

/* sysfs_root()/DEV/REL, first line */
static bool dev_attr(const char *dev, const char *rel, char *buf, size_t len)
{
	char path[600];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s/%s", sysfs_root(), dev, rel);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The device's uevent variables, then udev's database: E:NAME=VALUE. */
static bool dev_property(const char *dev, const char *key, char *val, size_t len)
{
	const char *db = getenv("DRVHOOK_UDEV_DB");
	char path[600], line[512], maj[16] = "", min[16] = "";
	size_t kl = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/uevent", sysfs_root(), dev);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "MAJOR=", 6))
			snprintf(maj, sizeof(maj), "%.15s", line + 6);
		if (!strncmp(line, "MINOR=", 6))
			snprintf(min, sizeof(min), "%.15s", line + 6);
		if (!found && !strncmp(line, key, kl) && line[kl] == '=') {
			snprintf(val, len, "%s", line + kl + 1);
			found = true;
		}
	}
	if (f)
		fclose(f);
	if (found || !maj[0])
		return found;
	snprintf(path, sizeof(path), "%s/c%s:%s", db && *db ? db : "/run/udev/data",
		 maj, min);
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "E:", 2) && !strncmp(line + 2, key, kl) &&
		    line[2 + kl] == '=') {
			snprintf(val, len, "%s", line + 3 + kl);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static bool match_one(const struct cfg_match *m, const char *dev)
{
	static const char *const pci_attr[] = {
		NULL, "vendor", "device", "subsystem_vendor", "subsystem_device",
	};
	struct dev_type t;
	char val[256], rel[64];
	size_t i;

	if (m->property)
		return dev_property(dev, m->key, val, sizeof(val)) &&
		       !fnmatch(m->val, val, 0);
	if (!strcmp(m->key, "type")) {
		/* the device's type attribute, else what its name says */
		dev_type_of(dev, &t);
		return t.name[0] && !fnmatch(m->val, t.name, 0);
	}
	for (i = 1; i < ARRAY_SIZE(pci_attr); i++)
		if (!strcmp(m->key, match_keys[i]))
			break;
	snprintf(rel, sizeof(rel), "device/%s", pci_attr[i]);
	return dev_attr(dev, rel, val, sizeof(val)) &&
	       strtoul(val, NULL, 0) == strtoul(m->val, NULL, 0);
}

/*
 * Does entry @e apply to device @dev? A pattern (edu*, *) takes only
 * the devices of its object's type; a device named in full is tried
 * whatever its type (and an attach of another type's policy fails,
 * saying so).
 */
bool cfg_matches(const struct cfg_entry *e, const char *dev)
{
	struct dev_type t;
	int i;

	if (fnmatch(e->dev, dev, 0))
		return false;
	if (e->type[0] && strpbrk(e->dev, "*?[")) {
		dev_type_of(dev, &t);	/* its name, registered or not */
		if (t.name[0] && strcmp(t.name, e->type))
			return false;
	}
	for (i = 0; i < e->nm; i++)
		if (!match_one(&e->m[i], dev))
			return false;
	return true;
}

static int do_check(int argc, char **argv)
{
	const char *path = cfg_dir_default();
	struct cfg c;
	int i, err;

	if (argc > 1)
		return usage_error("config check: expected at most one DIR or FILE");
	if (argc)
		path = argv[0];
	err = cfg_load(&c, path, false);
	if (err) {
		cfg_free(&c);
		return err;
	}
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "path", path);
		jsonw_name(jw, "files");
		jsonw_start_array(jw);
		for (i = 0; i < c.nfiles; i++)
			jsonw_string(jw, c.files[i]);
		jsonw_end_array(jw);
		jsonw_name(jw, "entries");
		jsonw_start_array(jw);
		for (i = 0; i < c.n; i++) {
			struct cfg_entry *e = &c.e[i];

			jsonw_start_object(jw);
			jsonw_string_field(jw, "file", e->file);
			jsonw_uint_field(jw, "line", e->line);
			jsonw_bool_field(jw, "valid", !e->bad);
			if (e->bad) {
				jsonw_string_field(jw, "error", e->error);
				jsonw_uint_field(jw, "status", e->status);
			} else {
				jsonw_string_field(jw, "object", e->obj);
				jsonw_string_field(jw, "dev", e->dev);
				jsonw_string_field(jw, "name", e->name);
			}
			jsonw_end_object(jw);
		}
		jsonw_end_array(jw);
		jsonw_uint_field(jw, "errors", c.nbad);
		jsonw_end_object(jw);
	} else {
		for (i = 0; i < c.n; i++)
			if (c.e[i].bad)
				cfg_report_error(&c.e[i], NULL, NULL);
		printf("%s: %d entr%s in %d file%s, %d error%s\n", path, c.n,
		       c.n == 1 ? "y" : "ies", c.nfiles, c.nfiles == 1 ? "" : "s",
		       c.nbad, c.nbad == 1 ? "" : "s");
	}
	err = cfg_first_status(&c);
	cfg_free(&c);
	return err ? fail_quiet(err) : 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] config check [DIR | FILE]\n"
	       "       drvhook [OPTIONS] config apply [dev DEV] [DIR]\n"
	       "       drvhook [OPTIONS] config detach [dev DEV]\n"
	       "       drvhook config help\n"
	       "\n"
	       "       DIR := the configuration, *.conf files (default %s);\n"
	       "              one entry per line, drvhook.conf(5):\n"
	       "              OBJ dev DEV [name NAME] [{ before | after } NAME] [mode MODE]\n"
	       "                  [set VAR=VALUE]... [match KEY=VALUE]... [property NAME=VALUE]...\n"
	       "\n"
	       "check:  reports each bad entry as FILE:LINE: error.\n"
	       "apply:  attaches each entry's policy to the devices it matches (all, or\n"
	       "        DEV), replaces it where its object or settings changed, detaches\n"
	       "        what an earlier apply attached and the configuration dropped;\n"
	       "        a bad entry is reported and skipped. Records in %s/.\n"
	       "detach: detaches every policy config apply attached (of DEV).\n",
	       cfg_dir_default(), cfg_state_dir());
	return 0;
}

int do_config(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help", do_help },
		{ "check", do_check },
		{ "apply", do_config_apply },
		{ "detach", do_config_detach },
		{ NULL, NULL }
	};

	return cmd_select(cmds, argc, argv, do_help, "config");
}
