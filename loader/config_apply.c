// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config apply and config detach: the devices brought in line with the
 * configuration, through the loader's own attach, replace and detach.
 *
 * What apply attached is recorded in <state dir>/applied, one line per
 * policy: DEV NAME SIGNATURE ID POSITION MODE FILE:LINE, the signature a
 * hash of the object's bytes and the settings, ID its struct_ops map's or
 * first program's id (what tells apply's attach from another one). Per
 * entry and device: absent, attach; recorded with the same signature,
 * id, position and mode, nothing;
 * else replace in place (a position or mode change: detach, attach). A
 * recorded policy no entry wants any more is detached, unless its file
 * has a bad entry (that may be it, mistyped). One apply at a time: flock.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/file.h>
#include "config.h"

struct row {
	char dev[64];
	char name[DRVHOOK_NAME_LEN];
	char sig[20];
	unsigned int id;
	char pos[DRVHOOK_NAME_LEN + 8];
	char mode[16];
	char origin[PATH_MAX + 16];
	bool keep;
};

struct state {
	struct row *r;
	int n;
	int lock_fd;
};

static void state_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", cfg_state_dir(), file);
}

static int state_open(struct state *s)
{
	char path[PATH_MAX], line[1024];
	struct row r;
	FILE *f;
	int err;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	err = mkdir_p(cfg_state_dir());
	if (err)
		return fail_errno(-err, "cannot create %s", cfg_state_dir());
	state_path(path, sizeof(path), "lock");
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX))
		return fail_errno(errno, "cannot lock %s", path);
	state_path(path, sizeof(path), "applied");
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : fail_errno(errno, "cannot read %s", path);
	while (fgets(line, sizeof(line), f)) {
		struct row *t;

		memset(&r, 0, sizeof(r));
		if (sscanf(line, "%63s %15s %19s %u %23s %15s %4111s", r.dev,
			   r.name, r.sig, &r.id, r.pos, r.mode, r.origin) != 7)
			continue;
		t = realloc(s->r, (s->n + 1) * sizeof(*t));
		if (!t)
			break;
		s->r = t;
		s->r[s->n++] = r;
	}
	fclose(f);
	return 0;
}

/* Writes the rows kept, atomically, and unlocks. */
static int state_close(struct state *s)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int i, err = 0;
	FILE *f;

	state_path(path, sizeof(path), "applied");
	state_path(tmp, sizeof(tmp), "applied.new");
	f = s->lock_fd >= 0 ? fopen(tmp, "w") : NULL;
	if (s->lock_fd >= 0 && !f)
		err = fail_errno(errno, "cannot write %s", tmp);
	for (i = 0; f && i < s->n; i++)
		if (s->r[i].keep)
			fprintf(f, "%s %s %s %u %s %s %s\n", s->r[i].dev,
				s->r[i].name, s->r[i].sig, s->r[i].id, s->r[i].pos,
				s->r[i].mode, s->r[i].origin);
	if (f && (fclose(f) || rename(tmp, path)))
		err = fail_errno(errno, "cannot write %s", path);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->r);
	return err;
}

static struct row *state_find(struct state *s, const char *dev, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].keep && !strcmp(s->r[i].dev, dev) &&
		    !strcmp(s->r[i].name, name))
			return &s->r[i];
	return NULL;
}

static struct row *state_add(struct state *s)
{
	struct row *t = realloc(s->r, (s->n + 1) * sizeof(*t));

	if (!t)
		return NULL;
	s->r = t;
	memset(&s->r[s->n], 0, sizeof(*t));
	return &s->r[s->n++];
}

/* FNV-1a 64 of the object's bytes and the settings. */
static void signature(const struct cfg_entry *e, char *sig, size_t len)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	unsigned char buf[4096];
	size_t n, i;
	int k;
	FILE *f;

#define FNV(c)	(h = (h ^ (unsigned char)(c)) * 0x100000001b3ULL)
	f = fopen(e->obj, "r");
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++)
			FNV(buf[i]);
	if (f)
		fclose(f);
	for (k = 0; k < e->nsets; k++) {
		FNV('\n');
		for (i = 0; e->sets[k][i]; i++)
			FNV(e->sets[k][i]);
	}
#undef FNV
	snprintf(sig, len, "%016llx", h);
}

/*
 * Runs a loader command in this process, its output silenced: returns
 * its exit code and leaves its message in @msg.
 */
static int run_cmd(int (*fn)(int, char **), char **argv, int argc,
		   char *msg, size_t len)
{
	json_writer_t *saved = jw;
	bool saved_json = json_output;
	FILE *sink = fopen("/dev/null", "w");
	const char *see;
	int code;

	json_output = true;
	jw = sink ? jsonw_new(sink, false) : NULL;
	if (!jw) {
		code = fail(EXIT_FAIL, "out of memory");
	} else {
		code = fn(argc, argv);
		if (code && !err_code())
			fail(code, "failed");
	}
	jsonw_destroy(&jw);
	if (sink)
		fclose(sink);
	jw = saved;
	json_output = saved_json;
	code = err_code();
	see = strstr(err_message(), " (see 'drvhook help')");
	snprintf(msg, len, "%.*s", see ? (int)(see - err_message()) :
		 (int)strlen(err_message()), err_message());
	err_clear();
	return code;
}

static int run_attach(const struct cfg_entry *e, const char *dev, char *msg,
		      size_t len)
{
	char *argv[64];
	int argc = 0, i;

	argv[argc++] = (char *)e->obj;
	argv[argc++] = "dev";
	argv[argc++] = (char *)dev;
	argv[argc++] = "name";
	argv[argc++] = (char *)e->name;
	if (e->anchor[0]) {
		argv[argc++] = e->before ? "before" : "after";
		argv[argc++] = (char *)e->anchor;
	}
	if (e->mode[0]) {
		argv[argc++] = "mode";
		argv[argc++] = (char *)e->mode;
	}
	for (i = 0; i < e->nsets; i++) {
		argv[argc++] = "set";
		argv[argc++] = (char *)e->sets[i];
	}
	argv[argc] = NULL;
	return run_cmd(do_attach, argv, argc, msg, len);
}

static int run_replace(const struct cfg_entry *e, const char *dev, char *msg,
		       size_t len)
{
	char *argv[64];
	int argc = 0, i;

	argv[argc++] = "dev";
	argv[argc++] = (char *)dev;
	argv[argc++] = "name";
	argv[argc++] = (char *)e->name;
	argv[argc++] = (char *)e->obj;
	for (i = 0; i < e->nsets; i++) {
		argv[argc++] = "set";
		argv[argc++] = (char *)e->sets[i];
	}
	argv[argc] = NULL;
	return run_cmd(do_replace, argv, argc, msg, len);
}

static int run_detach(const char *dev, const char *name, char *msg, size_t len)
{
	char *argv[] = { "dev", (char *)dev, "name", (char *)name, NULL };

	return run_cmd(do_detach, argv, 4, msg, len);
}

/* The chain's mode of policy @name of @dev, NULL when not in the chain. */
static const char *chain_mode(const char *dev, const char *name, char *buf,
			      size_t len)
{
	struct dev_info d;
	struct pol_line *p;
	const char *m = NULL;

	if (dev_read(dev, &d))
		return NULL;
	p = dev_policy(&d, name);
	if (p) {
		snprintf(buf, len, "%s", p->mode);
		m = buf;
	}
	dev_free(&d);
	return m;
}

/* The id of what is attached as @name on @dev: its map's, else its first
 * program's; 0 when unknown. */
static unsigned int attached_id(const char *dev, const char *name)
{
	struct prog_stat ps[DRVHOOK_MAX_HOOKS];
	struct pin_info pin;
	__u32 map_id = 0;
	int n = 0;

	if (pin_read(dev, name, &pin))
		return 0;
	policy_progs(&pin, ps, &n, &map_id);
	return map_id ?: n ? ps[0].prog_id : 0;
}

struct report {
	const char *file;
	int line;
	const char *dev;
	const char *name;
	const char *action;
	const char *mode;
	const char *why;
	int status;			/* failed: its exit code */
	const char *error;
};

static void report(const struct report *r)
{
	if (json_output) {
		jsonw_start_object(jw);
		if (r->file) {
			jsonw_string_field(jw, "file", r->file);
			jsonw_uint_field(jw, "line", r->line);
		} else {
			jsonw_null_field(jw, "file");
			jsonw_null_field(jw, "line");
		}
		if (r->dev) {
			jsonw_string_field(jw, "dev", r->dev);
			jsonw_string_field(jw, "name", r->name);
		}
		jsonw_string_field(jw, "action", r->action);
		if (r->mode)
			jsonw_string_field(jw, "mode", r->mode);
		if (r->error) {
			jsonw_string_field(jw, "error", r->error);
			jsonw_uint_field(jw, "status", r->status);
		}
		jsonw_end_object(jw);
		return;
	}
	if (r->error) {
		fprintf(stderr, "%sdrvhook: error: %s:%d: ", journal_prio(LOG_ERR),
			r->file ?: "-", r->line);
		if (r->dev)
			fprintf(stderr, "%s %s: ", r->dev, r->name);
		fprintf(stderr, "%s\n", r->error);
		return;
	}
	if (r->file)
		printf("%s:%d: ", r->file, r->line);
	printf("%s %s: %s", r->dev, r->name, r->action);
	if (r->mode)
		printf(" (mode %s)", r->mode);
	if (r->why)
		printf(": %s", r->why);
	putchar('\n');
}

static void entry_pos(const struct cfg_entry *e, char *buf, size_t len)
{
	if (e->anchor[0])
		snprintf(buf, len, "%s:%s", e->before ? "before" : "after", e->anchor);
	else
		snprintf(buf, len, "end");
}

/* One entry on one device; returns the exit code of its failure. */
static int apply_one(struct state *s, const struct cfg_entry *e, const char *dev)
{
	struct report r = { .file = e->file, .line = e->line, .dev = dev, .name = e->name };
	char sig[20], pos[sizeof(((struct row *)0)->pos)], msg[1024], mb[16];
	const char *mode, *want = e->mode[0] ? e->mode : "auto";
	struct pin_info pin;
	struct row *row;
	int code = 0;

	signature(e, sig, sizeof(sig));
	entry_pos(e, pos, sizeof(pos));
	row = state_find(s, dev, e->name);
	mode = chain_mode(dev, e->name, mb, sizeof(mb));
	if (mode && row && !strcmp(row->sig, sig) && !strcmp(row->pos, pos) &&
	    !strcmp(row->mode, want) && row->id &&
	    row->id == attached_id(dev, e->name)) {
		r.action = "unchanged";
		r.mode = mode;
		report(&r);
		return 0;
	}
	if (mode && (!row || !strcmp(row->pos, pos)) &&
	    (!e->mode[0] || !strcmp(e->mode, mode))) {
		r.action = "replaced";
		r.why = row && row->id == attached_id(dev, e->name) ?
			"object or settings changed" : "it was not attached by config apply";
		code = run_replace(e, dev, msg, sizeof(msg));
	} else {
		if (mode || !pin_read(dev, e->name, &pin)) {
			/* a position or mode change, or stale pins */
			code = run_detach(dev, e->name, msg, sizeof(msg));
			if (row && !code)
				row->keep = false;
			r.action = "re-attached";
			r.why = mode ? "position or mode changed" : "stale pins removed";
		} else {
			r.action = "attached";
		}
		if (!code)
			code = run_attach(e, dev, msg, sizeof(msg));
	}
	if (code) {
		r.action = "failed";
		r.status = code;
		r.error = msg;
		r.why = NULL;
		report(&r);
		return code;
	}
	if (!row || !row->keep)
		row = state_add(s);
	if (row) {
		snprintf(row->dev, sizeof(row->dev), "%s", dev);
		snprintf(row->name, sizeof(row->name), "%s", e->name);
		snprintf(row->sig, sizeof(row->sig), "%s", sig);
		row->id = attached_id(dev, e->name);
		snprintf(row->pos, sizeof(row->pos), "%s", pos);
		snprintf(row->mode, sizeof(row->mode), "%s", want);
		snprintf(row->origin, sizeof(row->origin), "%s:%d", e->file, e->line);
		row->keep = true;
	}
	r.mode = chain_mode(dev, e->name, mb, sizeof(mb));
	report(&r);
	return 0;
}

/* Detaches recorded policy @row; returns the exit code of a failure. */
static int detach_row(struct row *row, const char *why)
{
	struct report r = { .dev = row->dev, .name = row->name, .action = "detached" };
	char msg[1024], mb[16];
	struct pin_info pin;
	int code = 0;

	if (chain_mode(row->dev, row->name, mb, sizeof(mb)) ||
	    !pin_read(row->dev, row->name, &pin))
		code = run_detach(row->dev, row->name, msg, sizeof(msg));
	else
		r.why = "already gone";
	if (code && code != EXIT_NODEV) {
		r.action = "failed";
		r.status = code;
		r.error = msg;
	} else {
		row->keep = false;
		r.why = r.why ?: why;
		/* the device's pin directory, once its last policy went */
		snprintf(msg, sizeof(msg), "%s/%s", pin_root(), row->dev);
		rmdir(msg);
	}
	report(&r);
	return code == EXIT_NODEV ? 0 : code;
}

/* Would a valid entry claim @row, were its device present? */
static bool row_wanted(const struct cfg *c, const struct row *row)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!c->e[i].bad && !fnmatch(c->e[i].dev, row->dev, 0) &&
		    !strcmp(c->e[i].name, row->name))
			return true;
	return false;
}

static bool origin_file_bad(const struct cfg *c, const struct row *row)
{
	char file[PATH_MAX];
	const char *colon = strrchr(row->origin, ':');

	snprintf(file, sizeof(file), "%.*s",
		 colon ? (int)(colon - row->origin) : (int)strlen(row->origin),
		 row->origin);
	return cfg_file_bad(c, file);
}

struct claim {
	const char *dev;
	const char *name;
	const struct cfg_entry *e;
};

static int parse_scope(int *argc, char ***argv, const char **dev)
{
	while (*argc >= 2 && (!strcmp(**argv, "dev") || !strcmp(**argv, "--device"))) {
		int code = dev_arg((*argv)[1], dev);

		if (code)
			return code;
		*argc -= 2;
		*argv += 2;
	}
	return 0;
}

static int finish(int first, int failed, int total, const char *what)
{
	if (json_output) {
		jsonw_end_array(jw);
		jsonw_uint_field(jw, "errors", failed);
		jsonw_end_object(jw);
	}
	if (!first)
		return 0;
	if (json_output)
		return fail_quiet(first);
	return fail(first, "%s: %d of %d failed", what, failed, total);
}

int do_config_apply(int argc, char **argv)
{
	const char *path = cfg_dir_default(), *only = NULL;
	struct claim *claims = NULL, *t;
	struct dev_info *devs = NULL;
	int ndev = 0, nclaim = 0, i, j, k, code, first = 0, failed = 0, total = 0;
	bool present, taken;
	struct state s;
	struct cfg c;

	code = parse_scope(&argc, &argv, &only);
	if (code)
		return code;
	if (argc == 1)
		path = argv[0];
	else if (argc)
		return usage_error("config apply: expected [dev DEV] [DIR]");
	code = need_privs("config apply");
	code = code ?: cfg_load(&c, path, argc == 0);
	if (code)
		return code;
	code = state_open(&s);
	if (code)
		goto out;
	if (dev_list(&devs, &ndev))
		ndev = 0;
	if (only) {
		for (i = 0; i < ndev && strcmp(devs[i].name, only); i++)
			;
		if (i == ndev) {
			code = module_loaded() ?
			       fail(EXIT_NODEV, "device '%s' not found", only) :
			       fail(EXIT_FEATURE, "stub module not loaded (no %s)",
				    sysfs_root());
			goto out;
		}
	}
	for (i = 0; i < s.n; i++)
		s.r[i].keep = true;
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "path", path);
		jsonw_name(jw, "actions");
		jsonw_start_array(jw);
	}
	for (i = 0; i < c.n; i++) {
		struct cfg_entry *e = &c.e[i];
		struct report r = { e->file, e->line, NULL, NULL, "invalid",
				    NULL, NULL, e->status, e->error };

		if (!e->bad)
			continue;
		report(&r);
		total++;
		failed++;
		first = first ?: e->status;
	}
	/* what each valid entry claims: first entry wins a (dev, name) */
	for (i = 0; i < c.n; i++) {
		if (c.e[i].bad)
			continue;
		for (j = 0; j < ndev; j++) {
			if ((only && strcmp(devs[j].name, only)) ||
			    !cfg_matches(&c.e[i], devs[j].name))
				continue;
			for (k = 0, taken = false; k < nclaim; k++)
				if (!strcmp(claims[k].dev, devs[j].name) &&
				    !strcmp(claims[k].name, c.e[i].name)) {
					taken = true;
					break;
				}
			total++;
			if (taken) {
				char msg[600];
				struct report r = { c.e[i].file, c.e[i].line,
						    devs[j].name, c.e[i].name,
						    "failed", NULL, NULL,
						    EXIT_NAME, msg };

				snprintf(msg, sizeof(msg), "policy '%s' on %s is already the entry of %s:%d",
					 c.e[i].name, devs[j].name,
					 claims[k].e->file, claims[k].e->line);
				report(&r);
				failed++;
				first = first ?: EXIT_NAME;
				continue;
			}
			t = realloc(claims, (nclaim + 1) * sizeof(*t));
			if (!t)
				break;
			claims = t;
			claims[nclaim++] = (struct claim){ devs[j].name,
							   c.e[i].name, &c.e[i] };
		}
	}
	/* first the recorded policies no entry claims: frees chain slots */
	for (i = 0; i < s.n; i++) {
		struct row *row = &s.r[i];

		if (only && strcmp(row->dev, only))
			continue;
		for (k = 0; k < nclaim; k++)
			if (!strcmp(claims[k].dev, row->dev) &&
			    !strcmp(claims[k].name, row->name))
				break;
		if (k < nclaim || origin_file_bad(&c, row))
			continue;
		for (j = 0, present = false; j < ndev; j++)
			present = present || !strcmp(devs[j].name, row->dev);
		if (!present && row_wanted(&c, row))
			continue;
		total++;
		code = detach_row(row, "no longer configured");
		if (code) {
			failed++;
			first = first ?: code;
		}
	}
	for (k = 0; k < nclaim; k++) {
		code = apply_one(&s, claims[k].e, claims[k].dev);
		if (code) {
			failed++;
			first = first ?: code;
		}
	}
	code = finish(first, failed, total, "config apply");
out:
	i = state_close(&s);
	free(claims);
	devs_free(devs, ndev);
	cfg_free(&c);
	return code ?: i;
}

int do_config_detach(int argc, char **argv)
{
	const char *only = NULL;
	int i, code, first = 0, failed = 0, total = 0;
	struct state s;

	code = parse_scope(&argc, &argv, &only);
	if (code)
		return code;
	if (argc)
		return usage_error("config detach: expected [dev DEV]");
	code = need_privs("config detach");
	code = code ?: state_open(&s);
	if (code) {
		state_close(&s);
		return code;
	}
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_name(jw, "actions");
		jsonw_start_array(jw);
	}
	for (i = 0; i < s.n; i++) {
		s.r[i].keep = true;
		if (only && strcmp(s.r[i].dev, only))
			continue;
		total++;
		code = detach_row(&s.r[i], "config detach");
		if (code) {
			failed++;
			first = first ?: code;
		}
	}
	code = finish(first, failed, total, "config detach");
	i = state_close(&s);
	return code ?: i;
}
