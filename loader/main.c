// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * drvhook: attaches drvhook policies (BPF objects) to the devices of any
 * device type registered with the drvhook hook core.
 *
 *	drvhook [OPTIONS] OBJECT { COMMAND | help }
 *
 * bpftool's grammar: objects and commands may be abbreviated to any
 * unambiguous prefix; -j/-p print JSON; errors exit with a code per kind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "config.h"

static const char exit_codes[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  other failure\n"
	"  2  usage error\n"
	"  3  object file missing or unreadable\n"
	"  4  not a drvhook policy object\n"
	"  5  the kernel or a module lacks a feature (module, struct_ops, ...)\n"
	"  6  the verifier rejected a program (log tail printed; -d: all of it)\n"
	"  7  device not found\n"
	"  8  permission denied (needs root: CAP_BPF and CAP_SYS_ADMIN)\n"
	"  9  policy name already taken, or no such policy (or anchor)\n"
	"  10 the policy is for another device type than the device's\n";

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] OBJECT { COMMAND | help }\n"
	       "       drvhook help\n"
	       "\n"
	       "       OBJECT := { device | policy | stats | feature | config }\n"
	       "       OPTIONS := { -j|--json [-p|--pretty] | -d|--debug |\n"
	       "                    --fallback | -V|--version | -h|--help }\n"
	       "\n"
	       "       drvhook device { list | show DEV }\n"
	       "       drvhook policy attach OBJ dev DEV [name NAME] [{ before | after } NAME]\n"
	       "                             [mode { struct_ops | fallback }] [set VAR=VALUE]...\n"
	       "       drvhook policy detach dev DEV name NAME\n"
	       "       drvhook policy replace dev DEV name NAME OBJ [set VAR=VALUE]...\n"
	       "       drvhook policy { list [dev DEV] | show dev DEV name NAME }\n"
	       "       drvhook stats [dev DEV]\n"
	       "       drvhook feature probe\n"
	       "       drvhook config { check [DIR] | apply [dev DEV] [DIR] | detach [dev DEV] }\n"
	       "\n"
	       "       DEV is a device <type><N> of /sys/class/drvhook (e.g. edu0);\n"
	       "       OBJ a policy for its type (struct <type>_ops); --fallback is\n"
	       "       'mode fallback' for every attach; VAR is an integer global\n"
	       "       variable of OBJ, set before load.\n"
	       "\n%s", exit_codes);
	return 0;
}

static int do_version(void)
{
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "version", DRVHOOK_VERSION);
		jsonw_string_field(jw, "git", DRVHOOK_GIT);
		jsonw_string_field(jw, "libbpf_version", libbpf_version_string());
		jsonw_uint_field(jw, "abi_max_hooks", DRVHOOK_MAX_HOOKS);
		jsonw_end_object(jw);
	} else {
		printf("drvhook v%s (git %s)\nusing libbpf %s\n", DRVHOOK_VERSION,
		       DRVHOOK_GIT, libbpf_version_string());
	}
	return 0;
}

static const struct cmd objects[] = {
	{ "help", do_help },
	{ "device", do_device },
	{ "policy", do_policy },
	{ "stats", do_stats },
	{ "feature", do_feature },
	{ "config", do_config },
	{ "version", NULL },
	{ NULL, NULL }
};

static int dispatch(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 1)
		return usage_error("missing OBJECT");
	for (c = objects; c->name; c++) {
		if (!is_prefix(*argv, c->name))
			continue;
		if (!c->fn)
			return do_version();
		return c->fn(argc - 1, argv + 1);
	}
	return usage_error("unknown object '%s'", *argv);
}

/*
 * A usage error is printed as JSON if -j or -p is among the options, before
 * or after the bad one: they end at the first argument that is not one.
 */
static void json_options(int argc, char **argv)
{
	const char *a;
	bool lng;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		a = argv[i];
		lng = a[1] == '-';
		if (lng ? is_prefix(a + 2, "pretty") : !!strchr(a + 1, 'p'))
			json_output = pretty_output = true;
		else if (lng ? is_prefix(a + 2, "json") : !!strchr(a + 1, 'j'))
			json_output = true;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "pretty",	no_argument, NULL, 'p' },
		{ "debug",	no_argument, NULL, 'd' },
		{ "version",	no_argument, NULL, 'V' },
		{ "help",	no_argument, NULL, 'h' },
		{ "fallback",	no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	bool version = false, help = false;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jpdVh", opts, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty_output = true;
			break;
		case 'd':
			verbose = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		case 'F':
			global_mode = MODE_FALLBACK;
			break;
		default:
			json_options(argc, argv);
			if (json_output)
				jw = jsonw_new(stdout, pretty_output);
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			else
				usage_error("unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	argc -= optind;
	argv += optind;

	if (json_output) {
		jw = jsonw_new(stdout, pretty_output);
		if (!jw) {
			fprintf(stderr, "drvhook: out of memory\n");
			return EXIT_FAIL;
		}
	}
	err_init_libbpf();

	if (version)
		ret = do_version();
	else if (help)
		ret = do_help(0, NULL);
	else
		ret = dispatch(argc, argv);
	if (ret && !err_code())
		fail(ret, "failed");
out:
	err_print();
	jsonw_destroy(&jw);
	return err_code();
}
