// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What the running kernel and stub support, and the mode that follows. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

#define MODULE		"drvhook"
#define MODULE_BTF	"/sys/kernel/btf/" MODULE
#define ST_OPS_VALUE	"bpf_struct_ops_drvhook_ops"

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

/* The stub's BTF: its struct_ops value type, its fallback functions. */
static void probe_module_btf(struct features *f)
{
	struct btf *vmlinux, *mod;
	char fn[64];
	int h;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return;
	mod = btf__load_module_btf(MODULE, vmlinux);
	if (mod) {
		f->struct_ops_type =
			btf__find_by_name_kind(mod, ST_OPS_VALUE, BTF_KIND_STRUCT) > 0;
		f->fb_hooks = true;
		for (h = 0; h < DRVHOOK_NR_HOOKS; h++) {
			snprintf(fn, sizeof(fn), "drvhook_fb_%s", hook_names[h]);
			if (btf__find_by_name_kind(mod, fn, BTF_KIND_FUNC) <= 0)
				f->fb_hooks = false;
		}
		btf__free(mod);
	}
	btf__free(vmlinux);
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
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (!uname(&u))
		snprintf(f->release, sizeof(f->release), "%s", u.release);
	sscanf(f->release, "%d.%d", &f->kmajor, &f->kminor);
	f->module_loaded = module_loaded() || !access("/sys/module/" MODULE, F_OK);
	f->module_btf = !access(MODULE_BTF, R_OK);
	if (f->module_btf)
		probe_module_btf(f);
	/* struct_ops links can be updated since 6.4 */
	f->link_update = f->struct_ops_type && kernel_at_least(f, 6, 4);
	f->probe_struct_ops = f->probe_tracing = -EPERM;
	if (probe_progs && have_bpf_privs()) {
		f->probe_struct_ops = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_STRUCT_OPS, NULL);
		f->probe_tracing = probe_fentry();
	}
	f->bpffs = is_bpffs("/sys/fs/bpf");
	f->stats_enabled = bpf_stats_enabled();

	if (!f->module_loaded) {
		f->mode = MODE_AUTO;
		snprintf(f->why, sizeof(f->why), "stub module not loaded");
	} else if (global_mode == MODE_FALLBACK) {
		f->mode = MODE_FALLBACK;
		snprintf(f->why, sizeof(f->why), "forced (--fallback)");
	} else if (f->struct_ops_type) {
		f->mode = MODE_STRUCT_OPS;
		snprintf(f->why, sizeof(f->why),
			 "the stub registers struct_ops type drvhook_ops");
	} else if (!kernel_at_least(f, 6, 9)) {
		f->mode = MODE_FALLBACK;
		snprintf(f->why, sizeof(f->why),
			 "module struct_ops needs Linux 6.9; this kernel is %s",
			 f->release);
	} else {
		f->mode = MODE_FALLBACK;
		snprintf(f->why, sizeof(f->why),
			 "the stub's BTF has no %s", ST_OPS_VALUE);
	}
}

/* The mode an attach uses: @want, or the best one; EXIT_FEATURE if none. */
int resolve_mode(enum mode want, enum mode *out)
{
	struct features f;

	features_probe(&f, false);
	if (!f.module_loaded)
		return fail(EXIT_FEATURE, "stub module not loaded (no %s): modprobe drvhook",
			    sysfs_root());
	if (!f.module_btf)
		return fail(EXIT_FEATURE, "module BTF (%s) missing: policies need CONFIG_DEBUG_INFO_BTF_MODULES (Linux 5.11); this kernel is %s",
			    MODULE_BTF, f.release);
	if (want == MODE_AUTO)
		want = f.struct_ops_type ? MODE_STRUCT_OPS : MODE_FALLBACK;
	if (want == MODE_STRUCT_OPS && !f.struct_ops_type) {
		if (!kernel_at_least(&f, 6, 9))
			return fail(EXIT_FEATURE, "module struct_ops (mode struct_ops) needs Linux 6.9; this kernel is %s: use mode fallback",
				    f.release);
		return fail(EXIT_FEATURE, "the stub registers no struct_ops type drvhook_ops (no %s in %s): use mode fallback",
			    ST_OPS_VALUE, MODULE_BTF);
	}
	if (want == MODE_FALLBACK && !f.fb_hooks)
		return fail(EXIT_FEATURE, "the stub's BTF lacks the fallback hooks drvhook_fb_<hook>() (fentry on module functions needs Linux 5.11)");
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

static int do_probe(int argc, char **argv)
{
	struct features f;

	(void)argv;
	if (argc)
		return usage_error("feature probe takes no arguments");
	features_probe(&f, true);
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "kernel", f.release);
		jsonw_bool_field(jw, "module_loaded", f.module_loaded);
		jsonw_bool_field(jw, "module_btf", f.module_btf);
		jsonw_bool_field(jw, "struct_ops_type", f.struct_ops_type);
		jsonw_bool_field(jw, "fallback_hooks", f.fb_hooks);
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
		jsonw_end_object(jw);
		return 0;
	}
	row("kernel release", "%s", f.release);
	row("stub module loaded", "%s", f.module_loaded ? "yes" : "no");
	row("module BTF", "%s (" MODULE_BTF ")", f.module_btf ? "yes" : "no");
	row("struct_ops type drvhook_ops", "%s%s", f.struct_ops_type ? "yes" : "no",
	    f.struct_ops_type ? "" : " (needs Linux 6.9 and the stub)");
	row("fallback hooks", "%s", f.fb_hooks ? "yes" : "no");
	row("struct_ops link update", "%s%s", f.link_update ? "yes" : "no",
	    f.link_update ? "" : " (needs Linux 6.4 and struct_ops)");
	row("prog type struct_ops", "%s", probe_str(f.probe_struct_ops));
	row("prog type tracing (fentry)", "%s", probe_str(f.probe_tracing));
	row("bpffs at /sys/fs/bpf", "%s", f.bpffs ? "yes" : "no");
	row("kernel.bpf_stats_enabled", "%d", f.stats_enabled);
	row("mode", "%s: %s", f.mode == MODE_AUTO ? "none" : mode_name(f.mode), f.why);
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
		"Reports the kernel release, the stub module and its BTF, module\n"
		"struct_ops, struct_ops link update, the prog types, and the attach\n"
		"mode 'policy attach' uses, with the reason.\n");
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
