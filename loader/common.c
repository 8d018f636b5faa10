// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the commands share with main.c: the options' globals and the
 * command-line helpers. Everything of loader/ but main.c is also built as
 * libdrvhook-loader.a, which edustress links to storm the stub with the
 * loader's own attach/replace/detach code (selftests/edustorm.c).
 */
#include <stdarg.h>
#include <string.h>
#include "loader.h"

bool json_output;
bool pretty_output;
bool verbose;
enum mode global_mode = MODE_AUTO;
json_writer_t *jw;

bool is_prefix(const char *pfx, const char *str)
{
	if (!pfx || !*pfx)
		return false;
	return !strncmp(str, pfx, strlen(pfx));
}

int usage_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fail(EXIT_USAGE, "%s (see 'drvhook help')", buf);
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*dflt)(int argc, char **argv), const char *object)
{
	const struct cmd *c;

	if (argc < 1)
		return dflt(0, NULL);
	for (c = cmds; c->name; c++)
		if (is_prefix(*argv, c->name))
			return c->fn(argc - 1, argv + 1);
	return usage_error("unknown command '%s %s'", object, *argv);
}
