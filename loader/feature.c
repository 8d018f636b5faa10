// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What the running kernel and stub support, and the mode that follows. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

#define CORE_BTF	"/sys/kernel/btf/" CORE_MODULE

const char *mode_name(enum mode m)
{
	switch (m) {
	case MODE_STRUCT_OPS:
		return "struct_ops";
	case MODE_FALLBACK:
		return "fallback";
	default:
		return "none";
	}
}

static bool kernel_at_least(const struct features *f, int major, int minor)
{
	return f->kmajor > major || (f->kmajor == major && f->kminor >= minor);
}

/*
 * Type @tf->dt in its module's BTF: its struct_ops value type, its
 * fallback attach points, its setter kfuncs.
 */
static void probe_type(const struct features *f, struct type_features *tf)
{
	const struct dev_type *t = &tf->dt;
	char fn[128], path[128];
	const struct btf_type *bt;
	const struct btf *base;
	const char *name;
	struct btf *mod;
	size_t off = 0, pl;
	int h, id, n;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", t->module);
	tf->module_btf = t->module[0] && !access(path, R_OK);
	mod = tf->module_btf ? module_btf(t->module) : NULL;
	if (mod) {
		snprintf(fn, sizeof(fn), "bpf_struct_ops_%s_ops", t->name);
		tf->struct_ops_type =
			btf__find_by_name_kind(mod, fn, BTF_KIND_STRUCT) > 0;
		tf->fb_hooks = true;
		for (h = 0; h < t->nr_hooks; h++) {
			snprintf(fn, sizeof(fn), "%s_fb_%s", t->name, t->hooks[h]);
			if (btf__find_by_name_kind(mod, fn, BTF_KIND_FUNC) <= 0)
				tf->fb_hooks = false;
		}
		snprintf(fn, sizeof(fn), "%s_set_", t->name);
		pl = strlen(fn);
		base = btf__base_btf(mod);
		n = btf__type_cnt(mod);
		for (id = base ? (int)btf__type_cnt(base) : 1; id < n; id++) {
			bt = btf__type_by_id(mod, id);
			if (!btf_is_func(bt))
				continue;
			name = btf__name_by_offset(mod, bt->name_off);
			if (strncmp(name, fn, pl) || off >= sizeof(tf->setters))
				continue;
			off += snprintf(tf->setters + off, sizeof(tf->setters) - off,
					"%s%s", off ? " " : "", name);
			tf->nsetters++;
		}
	}
	/* struct_ops links can be updated since 6.4 */
	tf->link_update = tf->struct_ops_type && f->link_update;

	if (!f->module_loaded) {
		tf->mode = MODE_AUTO;
		snprintf(tf->why, sizeof(tf->why), "stub module not loaded");
	} else if (!tf->module_btf) {
		tf->mode = MODE_AUTO;
		snprintf(tf->why, sizeof(tf->why), "no BTF of module %s (%s)",
			 t->module[0] ? t->module : "?", path);
	} else if (global_mode == MODE_FALLBACK) {
		tf->mode = MODE_FALLBACK;
		snprintf(tf->why, sizeof(tf->why), "forced (--fallback)");
	} else if (tf->struct_ops_type) {
		tf->mode = MODE_STRUCT_OPS;
		snprintf(tf->why, sizeof(tf->why),
			 "%s registers struct_ops type %s_ops", t->module, t->name);
	} else if (!kernel_at_least(f, 6, 9)) {
		tf->mode = MODE_FALLBACK;
		snprintf(tf->why, sizeof(tf->why),
			 "module struct_ops needs Linux 6.9; this kernel is %s",
			 f->release);
	} else {
		tf->mode = MODE_FALLBACK;
		snprintf(tf->why, sizeof(tf->why),
			 "the BTF of %s has no bpf_struct_ops_%s_ops", t->module,
			 t->name);
	}
}

/*
 * fentry: loads (never attaches) an empty fentry program on a vmlinux
 * function; libbpf's generic tracing probe misreads newer kernels.
 */
static int probe_fentry(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	int id, fd;

	id = libbpf_find_vmlinux_btf_id("bpf_fentry_test1", BPF_TRACE_FENTRY);
	if (id < 0)
		return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACING, NULL);
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns,
			   ARRAY_SIZE(insns), &opts);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EPERM || errno == EACCES ? -errno : 0;
}

void features_probe(struct features *f, bool probe_progs)
{
	struct dev_type *types = NULL;
	struct utsname u;
	int i, n = 0;

	memset(f, 0, sizeof(*f));
	if (!uname(&u))
		snprintf(f->release, sizeof(f->release), "%s", u.release);
	sscanf(f->release, "%d.%d", &f->kmajor, &f->kminor);
	f->module_loaded = module_loaded() || !access("/sys/module/" CORE_MODULE, F_OK);
	f->module_btf = !access(CORE_BTF, R_OK);
	f->link_update = kernel_at_least(f, 6, 4);
	f->probe_struct_ops = f->probe_tracing = -EPERM;
	if (probe_progs && have_bpf_privs()) {
		f->probe_struct_ops = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_STRUCT_OPS, NULL);
		f->probe_tracing = probe_fentry();
	}
	f->bpffs = is_bpffs("/sys/fs/bpf");
	f->stats_enabled = bpf_stats_enabled();

	types_read(&types, &n);
	f->types = n ? calloc(n, sizeof(*f->types)) : NULL;
	for (i = 0; f->types && i < n; i++) {
		f->types[i].dt = types[i];
		probe_type(f, &f->types[i]);
		f->ntypes++;
	}
	free(types);

	f->mode = MODE_AUTO;
	if (!f->module_loaded) {
		snprintf(f->why, sizeof(f->why), "stub module not loaded");
	} else if (!f->ntypes) {
		snprintf(f->why, sizeof(f->why), "no device type registered (no device module loaded)");
	} else if (f->ntypes == 1) {
		f->mode = f->types[0].mode;
		snprintf(f->why, sizeof(f->why), "%s", f->types[0].why);
	} else {
		f->mode = f->types[0].mode;
		for (i = 1; i < f->ntypes; i++)
			if (f->types[i].mode != f->mode)
				f->mode = MODE_AUTO;
		snprintf(f->why, sizeof(f->why), "%s",
			 f->mode == MODE_AUTO ? "per device type (see each type)" :
			 "the same for every device type (see each type)");
	}
}

void features_free(struct features *f)
{
	free(f->types);
	f->types = NULL;
	f->ntypes = 0;
}

/*
 * The mode an attach to a device of type @t uses: @want, or the best
 * one; EXIT_FEATURE if none.
 */
int resolve_mode(const struct dev_type *t, enum mode want, enum mode *out)
{
	struct type_features tf = { .dt = *t };
	struct features f;
	char path[128];

	features_probe(&f, false);
	features_free(&f);
	if (!f.module_loaded)
		return fail(EXIT_FEATURE, "stub module not loaded (no %s): load the hook core (" CORE_MODULE ") and a device module",
			    sysfs_root());
	if (!f.module_btf)
		return fail(EXIT_FEATURE, "module BTF (%s) missing: policies need CONFIG_DEBUG_INFO_BTF_MODULES (Linux 5.11); this kernel is %s",
			    CORE_BTF, f.release);
	probe_type(&f, &tf);
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", t->module);
	if (!tf.module_btf)
		return fail(EXIT_FEATURE, "device type '%s': no BTF of its module '%s' (%s)",
			    t->name, t->module[0] ? t->module : "?", path);
	if (want == MODE_AUTO)
		want = tf.struct_ops_type ? MODE_STRUCT_OPS : MODE_FALLBACK;
	if (want == MODE_STRUCT_OPS && !tf.struct_ops_type) {
		if (!kernel_at_least(&f, 6, 9))
			return fail(EXIT_FEATURE, "module struct_ops (mode struct_ops) needs Linux 6.9; this kernel is %s: use mode fallback",
				    f.release);
		return fail(EXIT_FEATURE, "module %s registers no struct_ops type %s_ops (no bpf_struct_ops_%s_ops in %s): use mode fallback",
			    t->module, t->name, t->name, path);
	}
	if (want == MODE_FALLBACK && !tf.fb_hooks)
		return fail(EXIT_FEATURE, "the BTF of %s lacks the fallback attach points %s_fb_<hook>() of device type '%s' (fentry on module functions needs Linux 5.11)",
			    t->module, t->name, t->name);
	*out = want;
	return 0;
}

static const char *probe_str(int r)
{
	if ((r == -EPERM || r == -EACCES) && !have_bpf_privs())
		return "unknown (needs root)";
	if (r == -EPERM || r == -EACCES)
		return "denied (EPERM although privileged: lockdown?)";
	if (r < 0)
		return "unknown (probe failed)";
	return r ? "yes" : "no";
}

static void json_probe(const char *key, int r)
{
	if (r < 0)
		jsonw_null_field(jw, key);
	else
		jsonw_bool_field(jw, key, r);
}

static void row(const char *key, const char *fmt, ...) __printf(2, 3);

static void row(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-28s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void json_type(const struct type_features *tf)
{
	const struct dev_type *t = &tf->dt;
	char buf[sizeof(tf->setters)], *tok, *save = NULL;
	struct dev_info *devs;
	int h, i, n;

	jsonw_start_object(jw);
	jsonw_string_field(jw, "type", t->name);
	jsonw_string_field(jw, "module", t->module);
	jsonw_name(jw, "hooks");
	jsonw_start_array(jw);
	for (h = 0; h < t->nr_hooks; h++)
		jsonw_string(jw, t->hooks[h]);
	jsonw_end_array(jw);
	jsonw_bool_field(jw, "module_btf", tf->module_btf);
	snprintf(buf, sizeof(buf), "%s_ops", t->name);
	jsonw_string_field(jw, "ops_type", buf);
	jsonw_bool_field(jw, "struct_ops_type", tf->struct_ops_type);
	jsonw_bool_field(jw, "fallback_hooks", tf->fb_hooks);
	jsonw_bool_field(jw, "link_update", tf->link_update);
	jsonw_name(jw, "setters");
	jsonw_start_array(jw);
	snprintf(buf, sizeof(buf), "%s", tf->setters);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		jsonw_string(jw, tok);
	jsonw_end_array(jw);
	jsonw_name(jw, "devices");
	jsonw_start_array(jw);
	if (!dev_list(&devs, &n)) {
		for (i = 0; i < n; i++)
			if (!strcmp(devs[i].dt.name, t->name))
				jsonw_string(jw, devs[i].name);
		devs_free(devs, n);
	}
	jsonw_end_array(jw);
	if (tf->mode == MODE_AUTO)
		jsonw_null_field(jw, "mode");
	else
		jsonw_string_field(jw, "mode", mode_name(tf->mode));
	jsonw_string_field(jw, "mode_reason", tf->why);
	jsonw_end_object(jw);
}

static void print_type(const struct features *f,
		       const struct type_features *tf)
{
	const struct dev_type *t = &tf->dt;
	char buf[512];
	struct dev_info *devs;
	size_t off = 0;
	int h, i, n;

	printf("\ndevice type %s (module %s)\n", t->name, t->module);
	for (h = 0; h < t->nr_hooks && off < sizeof(buf); h++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				h ? " " : "", t->hooks[h]);
	row("  hooks", "%s", t->nr_hooks ? buf : "none");
	row("  module BTF", "%s (/sys/kernel/btf/%s)", tf->module_btf ? "yes" : "no",
	    t->module);
	row("  struct_ops type", "%s (struct %s_ops)%s",
	    tf->struct_ops_type ? "yes" : "no", t->name,
	    tf->struct_ops_type ? "" : !kernel_at_least(f, 6, 9) ? ", needs Linux 6.9" :
	    tf->module_btf ? ", not registered by its module" : ", no module BTF");
	row("  fallback attach points", "%s (%s_fb_<hook>)",
	    tf->fb_hooks ? "yes" : "no", t->name);
	row("  struct_ops link update", "%s", tf->link_update ? "yes" : "no");
	row("  setters", "%s", tf->nsetters ? tf->setters : "none");
	off = 0;
	buf[0] = '\0';
	if (!dev_list(&devs, &n)) {
		for (i = 0; i < n; i++)
			if (!strcmp(devs[i].dt.name, t->name) && off < sizeof(buf))
				off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
						off ? " " : "", devs[i].name);
		devs_free(devs, n);
	}
	row("  devices", "%s", buf[0] ? buf : "none");
	row("  mode", "%s: %s", tf->mode == MODE_AUTO ? "none" : mode_name(tf->mode),
	    tf->why);
}

static int do_probe(int argc, char **argv)
{
	struct features f;
	int i;

	(void)argv;
	if (argc)
		return usage_error("feature probe takes no arguments");
	features_probe(&f, true);
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "kernel", f.release);
		jsonw_bool_field(jw, "module_loaded", f.module_loaded);
		jsonw_bool_field(jw, "module_btf", f.module_btf);
		jsonw_bool_field(jw, "link_update", f.link_update);
		json_probe("prog_type_struct_ops", f.probe_struct_ops);
		json_probe("prog_type_tracing", f.probe_tracing);
		jsonw_bool_field(jw, "bpffs", f.bpffs);
		jsonw_bool_field(jw, "bpf_stats_enabled", f.stats_enabled);
		if (f.mode == MODE_AUTO)
			jsonw_null_field(jw, "mode");
		else
			jsonw_string_field(jw, "mode", mode_name(f.mode));
		jsonw_string_field(jw, "mode_reason", f.why);
		jsonw_name(jw, "types");
		jsonw_start_array(jw);
		for (i = 0; i < f.ntypes; i++)
			json_type(&f.types[i]);
		jsonw_end_array(jw);
		jsonw_end_object(jw);
		features_free(&f);
		return 0;
	}
	row("kernel release", "%s", f.release);
	row("stub module loaded", "%s (the hook core, " CORE_MODULE ")",
	    f.module_loaded ? "yes" : "no");
	row("module BTF", "%s (" CORE_BTF ")", f.module_btf ? "yes" : "no");
	row("struct_ops link update", "%s%s", f.link_update ? "yes" : "no",
	    f.link_update ? "" : " (needs Linux 6.4)");
	row("prog type struct_ops", "%s", probe_str(f.probe_struct_ops));
	row("prog type tracing (fentry)", "%s", probe_str(f.probe_tracing));
	row("bpffs at /sys/fs/bpf", "%s", f.bpffs ? "yes" : "no");
	row("kernel.bpf_stats_enabled", "%d", f.stats_enabled);
	row("device types", "%d", f.ntypes);
	row("mode", "%s: %s", f.mode == MODE_AUTO ? "none" : mode_name(f.mode), f.why);
	for (i = 0; i < f.ntypes; i++)
		print_type(&f, &f.types[i]);
	features_free(&f);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] feature probe\n"
		"       drvhook feature help\n"
		"\n"
		"Reports the kernel release, the hook core and its BTF, struct_ops\n"
		"link update, the prog types; then per registered device type\n"
		"(e.g. edu): its module and BTF, hooks, struct_ops type <type>_ops,\n"
		"fallback attach points, setter kfuncs, devices, and the attach mode\n"
		"'policy attach' uses for it, with the reason.\n");
	return 0;
}

int do_feature(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "help", do_help },
		{ "probe", do_probe },
		{ NULL, NULL }
	};

	return cmd_select(cmds, argc, argv, do_help, "feature");
}
