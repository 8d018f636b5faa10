// SPDX-License-Identifier: GPL-2.0
/*
 * jsoncheck [PATH...]: exit 0 when stdin is one well-formed JSON value
 * (RFC 8259), 1 when it is not. With PATHs, also prints the value at each
 * PATH, for the guest tests (busybox, no jq):
 *
 *   PATH := STEP... ['#']       an empty PATH or "." is the whole value
 *   STEP := .KEY                member KEY of an object
 *         | [N]                 element N (from 0) of an array
 *         | [KEY=VALUE]         the first element of an array that is an
 *                               object whose member KEY is VALUE (a string,
 *                               or a number, true, false, null as written)
 *   '#'                         the number of elements or members instead
 *
 * A string prints unescaped, a number, true, false or null as written, an
 * array one element a line (each by these rules, nested arrays and objects
 * as JSON text), an object as JSON text. Exit 2 when a PATH matches
 * nothing (the others still print).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static int value(int depth);

static int string(void)
{
	if (*p++ != '"')
		return 0;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return 0;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return 0;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return 0;
			}
		}
		p++;
	}
	return *p++ == '"';
}

static int number(void)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	if (*p == '0')
		p++;
	else
		while (isdigit((unsigned char)*p))
			p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > s;
}

static int seq(char close, int depth, int object)
{
	p++;
	ws();
	if (*p == close)
		return p++, 1;
	for (;;) {
		if (object) {
			if (!string())
				return 0;
			ws();
			if (*p++ != ':')
				return 0;
		}
		if (!value(depth + 1))
			return 0;
		ws();
		if (*p == close)
			return p++, 1;
		if (*p++ != ',')
			return 0;
		ws();
	}
}

static int value(int depth)
{
	ws();
	if (depth > 64)
		return 0;
	switch (*p) {
	case '{': return seq('}', depth, 1);
	case '[': return seq(']', depth, 0);
	case '"': return string();
	case 't': return !strncmp(p, "true", 4) ? (p += 4, 1) : 0;
	case 'f': return !strncmp(p, "false", 5) ? (p += 5, 1) : 0;
	case 'n': return !strncmp(p, "null", 4) ? (p += 4, 1) : 0;
	default: return number();
	}
}

/* The end of the (valid) value at @v, and @v past blanks. */
static const char *skip(const char *v)
{
	p = v;
	value(0);
	return p;
}

static const char *blank(const char *v)
{
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	return v;
}

/* Calls @fn on each element (or member value, with its key) of @v. */
static const char *each(const char *v, const char *(*fn)(const char *key,
	const char *val, void *arg), void *arg)
{
	const char *key = NULL, *r;
	int object = *v == '{';

	if (*v != '{' && *v != '[')
		return NULL;
	v = blank(v + 1);
	if (*v == '}' || *v == ']')
		return NULL;
	for (;;) {
		if (object) {
			key = v;
			v = blank(skip(v));
			v = blank(v + 1);	/* ':' */
		}
		r = fn(key, v, arg);
		if (r)
			return r;
		v = blank(skip(v));
		if (*v != ',')
			return NULL;
		v = blank(v + 1);
	}
}

/* Does the string or token at @v read @s (@len bytes, raw)? */
static int is(const char *v, const char *s, size_t len)
{
	if (*v == '"')
		return !strncmp(v + 1, s, len) && v[1 + len] == '"';
	return (size_t)(skip(v) - v) == len && !strncmp(v, s, len);
}

struct want {
	const char *key, *val;
	size_t klen, vlen;
	long n;
};

static const char *by_key(const char *key, const char *val, void *arg)
{
	struct want *w = arg;

	return is(key, w->key, w->klen) ? val : NULL;
}

static const char *by_index(const char *key, const char *val, void *arg)
{
	struct want *w = arg;

	(void)key;
	return w->n-- == 0 ? val : NULL;
}

static const char *by_member(const char *key, const char *val, void *arg)
{
	struct want *w = arg;
	const char *m;

	(void)key;
	if (*val != '{')
		return NULL;
	m = each(val, by_key, w);
	return m && is(m, w->val, w->vlen) ? val : NULL;
}

static const char *counter(const char *key, const char *val, void *arg)
{
	(void)key;
	(void)val;
	++*(long *)arg;
	return NULL;
}

/* The value at @path in @v, or NULL; *count: PATH ended with '#'. */
static const char *find(const char *v, const char *path, int *count)
{
	struct want w;
	const char *end, *eq;

	*count = 0;
	while (v && *path) {
		v = blank(v);
		if (*path == '#' && !path[1]) {
			*count = 1;
			return *v == '[' || *v == '{' ? v : NULL;
		} else if (*path == '.') {
			w.key = ++path;
			w.klen = strcspn(path, ".[#");
			path += w.klen;
			if (w.klen)
				v = *v == '{' ? each(v, by_key, &w) : NULL;
		} else if (*path == '[' && (end = strchr(path, ']'))) {
			eq = memchr(path, '=', end - path);
			if (eq) {
				w.key = path + 1;
				w.klen = eq - w.key;
				w.val = eq + 1;
				w.vlen = end - w.val;
				v = *v == '[' ? each(v, by_member, &w) : NULL;
			} else {
				w.n = strtol(path + 1, NULL, 10);
				v = *v == '[' && w.n >= 0 ? each(v, by_index, &w) : NULL;
			}
			path = end + 1;
		} else {
			return NULL;
		}
	}
	return v ? blank(v) : NULL;
}

static void print_string(const char *v)
{
	int c, i;

	for (v++; *v != '"'; v++) {
		if (*v != '\\') {
			putchar(*v);
			continue;
		}
		switch (*++v) {
		case 'b': putchar('\b'); break;
		case 'f': putchar('\f'); break;
		case 'n': putchar('\n'); break;
		case 'r': putchar('\r'); break;
		case 't': putchar('\t'); break;
		case 'u':	/* ASCII decoded, the rest left escaped */
			c = 0;
			for (i = 1; i <= 4; i++)
				c = c * 16 + (isdigit((unsigned char)v[i]) ? v[i] - '0' :
					      (tolower((unsigned char)v[i]) - 'a' + 10));
			if (c < 0x80) {
				putchar(c);
				v += 4;
			} else {
				fputs("\\u", stdout);
			}
			break;
		default: putchar(*v);	/* " \ / */
		}
	}
}

static void print_scalar(const char *v)
{
	if (*v == '"')
		print_string(v);
	else
		fwrite(v, 1, skip(v) - v, stdout);
	putchar('\n');
}

static const char *print_element(const char *key, const char *val, void *arg)
{
	(void)key;
	(void)arg;
	print_scalar(val);
	return NULL;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	const char *v;
	int i, count, missing = 0;
	long len;

	buf[n] = '\0';
	p = buf;
	if (!value(0))
		return 1;
	ws();
	if (*p)
		return 1;
	for (i = 1; i < argc; i++) {
		v = find(buf, strcmp(argv[i], ".") ? argv[i] : "", &count);
		if (!v) {
			missing = 1;
		} else if (count) {
			len = 0;
			each(v, counter, &len);
			printf("%ld\n", len);
		} else if (*v == '[') {
			each(v, print_element, NULL);
		} else {
			print_scalar(v);
		}
	}
	return missing ? 2 : 0;
}
