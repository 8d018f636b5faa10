// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Error reporting: every failure sets one message and one exit code,
 * main() prints it once, as text on stderr or as {"error": ...} on stdout.
 * libbpf's output is captured, so the verifier log of a rejected program
 * can be cut down to what matters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "loader.h"

static int code;
static char msg[1024];
static char **details;
static int ndetails;
static bool quiet;

/* libbpf's output since the last err_reset_libbpf() */
static char *lbuf;
static size_t llen, lcap;
static char first_warn[512];

int fail(int c, const char *fmt, ...)
{
	va_list ap;

	if (code)
		return code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	code = c;
	return c;
}

/* Fails with the exit code @err (a positive errno) calls for. */
int fail_errno(int err, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (err == EPERM || err == EACCES)
		return fail(EXIT_PERM, "%s: %s (needs root: CAP_BPF and CAP_SYS_ADMIN)",
			    buf, strerror(err));
	return fail(EXIT_FAIL, "%s: %s", buf, strerror(err));
}

/* Fails with @c whose reasons the command's own output already gave. */
int fail_quiet(int c)
{
	if (!code)
		quiet = true;
	return fail(c, "failed");
}

/* Forgets the failure: a command that goes on after one (config apply). */
void err_clear(void)
{
	int i;

	for (i = 0; i < ndetails; i++)
		free(details[i]);
	free(details);
	details = NULL;
	ndetails = 0;
	code = 0;
	msg[0] = '\0';
	quiet = false;
}

void fail_detail(const char *line)
{
	char **d = realloc(details, (ndetails + 1) * sizeof(*d));

	if (!d)
		return;
	details = d;
	details[ndetails] = strdup(line);
	if (details[ndetails])
		ndetails++;
}

int err_code(void)
{
	return code;
}

/* The failure's message, "" before any. */
const char *err_message(void)
{
	return msg;
}

/*
 * The priority prefix ("<3>", sd-daemon(3)) the journal reads at the start
 * of a line a service writes to stderr, which it logs at info otherwise;
 * "" when stderr is not the journal's stream (JOURNAL_STREAM names it:
 * systemd.exec(5)).
 */
const char *journal_prio(int prio)
{
	static int to_journal = -1;
	unsigned long long dev, ino;
	const char *js;
	struct stat st;

	if (to_journal < 0) {
		js = getenv("JOURNAL_STREAM");
		to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
			     !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
			     st.st_ino == ino;
	}
	if (!to_journal)
		return "";
	switch (prio) {
	case LOG_ERR:
		return "<3>";
	case LOG_WARNING:
		return "<4>";
	}
	return "";
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%sdrvhook: warning: ", journal_prio(LOG_WARNING));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void err_print(void)
{
	int i;

	if (!code || quiet)
		return;
	if (json_output) {
		/* drop a half-written document: start a fresh one */
		if (jw && jsonw_depth(jw) > 0) {
			fputc('\n', stdout);
			jsonw_destroy(&jw);
		}
		if (!jw)
			jw = jsonw_new(stdout, pretty_output);
		if (!jw)
			return;
		jsonw_start_object(jw);
		jsonw_string_field(jw, "error", msg);
		if (ndetails) {
			jsonw_name(jw, "verifier_log");
			jsonw_start_array(jw);
			for (i = 0; i < ndetails; i++)
				jsonw_string(jw, details[i]);
			jsonw_end_array(jw);
		}
		jsonw_end_object(jw);
		return;
	}
	fprintf(stderr, "%sdrvhook: error: %s\n", journal_prio(LOG_ERR), msg);
	for (i = 0; i < ndetails; i++)
		fprintf(stderr, "%s  %s\n", journal_prio(LOG_ERR), details[i]);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char *s = NULL, *nl;
	const char *p;
	int n;

	n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return 0;
	if (verbose)
		fputs(s, stderr);
	if (llen + n + 1 > lcap) {
		size_t cap = (llen + n + 1) * 2;
		char *b = realloc(lbuf, cap);

		if (!b)
			goto out;
		lbuf = b;
		lcap = cap;
	}
	memcpy(lbuf + llen, s, n + 1);
	llen += n;
	if (level == LIBBPF_WARN && !first_warn[0]) {
		p = strncmp(s, "libbpf: ", 8) ? s : s + 8;
		snprintf(first_warn, sizeof(first_warn), "%s", p);
		nl = strchr(first_warn, '\n');
		if (nl)
			*nl = '\0';
	}
out:
	free(s);
	return n;
}

void err_init_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

void err_reset_libbpf(void)
{
	llen = 0;
	if (lbuf)
		lbuf[0] = '\0';
	first_warn[0] = '\0';
}

/* The first warning libbpf printed since the last reset, or "". */
const char *libbpf_first_warn(void)
{
	return first_warn;
}

#define LOG_BEGIN	"-- BEGIN PROG LOAD LOG --\n"
#define LOG_END		"-- END PROG LOAD LOG --"
#define TAIL_LINES	10

/*
 * If libbpf printed a verifier log, fails with EXIT_VERIFIER, adding the
 * log's last lines (and every "drvhook:" line of the stub) as details;
 * the whole log in verbose JSON mode. Returns false when there is none.
 */
bool verifier_log_tail(void)
{
	char *start, *end, *p, *q, *line, prog[64] = "?";
	char **lines = NULL, **tmp;
	int n = 0, i, first;

	if (!lbuf)
		return false;
	start = NULL;
	for (p = lbuf; (p = strstr(p, LOG_BEGIN)); p++)
		start = p;
	if (!start)
		return false;
	/* "libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG --" */
	for (q = start; q > lbuf && q[-1] != '\n'; q--)
		;
	if (sscanf(q, "libbpf: prog '%63[^']'", prog) != 1)
		snprintf(prog, sizeof(prog), "?");
	start += strlen(LOG_BEGIN);
	end = strstr(start, LOG_END);
	if (!end)
		end = start + strlen(start);
	*end = '\0';
	for (line = strtok(start, "\n"); line; line = strtok(NULL, "\n")) {
		tmp = realloc(lines, (n + 1) * sizeof(*lines));
		if (!tmp)
			break;
		lines = tmp;
		lines[n++] = line;
	}
	fail(EXIT_VERIFIER, "the verifier rejected program '%s' (%s)", prog,
	     !verbose ? "last lines of its log; -d shows all" :
	     json_output ? "whole log in verifier_log" :
	     "whole log above; its last lines");
	first = verbose && json_output ? 0 : (n > TAIL_LINES ? n - TAIL_LINES : 0);
	for (i = 0; i < first; i++)
		if (!strncmp(lines[i], "drvhook:", 8))
			fail_detail(lines[i]);
	for (i = first; i < n; i++)
		fail_detail(lines[i]);
	free(lines);
	return true;
}

/* CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON (fentry programs need it). */
bool have_bpf_privs(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff & (1ULL << 21)) ||
	       ((eff & (1ULL << 39)) && (eff & (1ULL << 38)));
}

int need_privs(const char *what)
{
	if (have_bpf_privs())
		return 0;
	return fail(EXIT_PERM, "%s needs root (CAP_BPF and CAP_SYS_ADMIN): permission denied",
		    what);
}
