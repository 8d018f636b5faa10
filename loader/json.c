// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A small streaming JSON writer (after bpftool's json_writer). */
#include <stdlib.h>
#include <string.h>
#include "json.h"

#define JSONW_MAX_DEPTH	32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool sep[JSONW_MAX_DEPTH];	/* a value came before, at this depth */
	bool after_name;
};

json_writer_t *jsonw_new(FILE *f, bool pretty)
{
	json_writer_t *self = calloc(1, sizeof(*self));

	if (!self)
		return NULL;
	self->out = f;
	self->pretty = pretty;
	return self;
}

void jsonw_destroy(json_writer_t **self)
{
	if (!*self)
		return;
	fflush((*self)->out);
	free(*self);
	*self = NULL;
}

static void jsonw_indent(json_writer_t *self)
{
	int i;

	if (!self->pretty)
		return;
	fputc('\n', self->out);
	for (i = 0; i < self->depth; i++)
		fputs("    ", self->out);
}

/* Separator and indentation before a value or a name. */
static void jsonw_begin_value(json_writer_t *self)
{
	if (self->after_name) {
		self->after_name = false;
		return;
	}
	if (self->depth > 0) {
		if (self->sep[self->depth])
			fputc(',', self->out);
		jsonw_indent(self);
	}
	self->sep[self->depth] = true;
}

/* A value alone at the top (help's null) ends its document too. */
static void jsonw_end_scalar(json_writer_t *self)
{
	if (self->depth == 0) {
		fputc('\n', self->out);
		fflush(self->out);
	}
}

static void jsonw_puts(json_writer_t *self, const char *s)
{
	const unsigned char *p;

	fputc('"', self->out);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", self->out);
			break;
		case '\\':
			fputs("\\\\", self->out);
			break;
		case '\n':
			fputs("\\n", self->out);
			break;
		case '\t':
			fputs("\\t", self->out);
			break;
		case '\r':
			fputs("\\r", self->out);
			break;
		default:
			if (*p < 0x20)
				fprintf(self->out, "\\u%04x", *p);
			else
				fputc(*p, self->out);
		}
	}
	fputc('"', self->out);
}

static void jsonw_open(json_writer_t *self, char c)
{
	jsonw_begin_value(self);
	fputc(c, self->out);
	if (self->depth < JSONW_MAX_DEPTH - 1)
		self->depth++;
	self->sep[self->depth] = false;
}

static void jsonw_close(json_writer_t *self, char c)
{
	bool had = self->sep[self->depth];

	if (self->depth > 0)
		self->depth--;
	if (had)
		jsonw_indent(self);
	fputc(c, self->out);
	if (self->depth == 0) {
		fputc('\n', self->out);
		fflush(self->out);
	}
}

void jsonw_start_object(json_writer_t *self)
{
	jsonw_open(self, '{');
}

void jsonw_end_object(json_writer_t *self)
{
	jsonw_close(self, '}');
}

void jsonw_start_array(json_writer_t *self)
{
	jsonw_open(self, '[');
}

void jsonw_end_array(json_writer_t *self)
{
	jsonw_close(self, ']');
}

void jsonw_name(json_writer_t *self, const char *name)
{
	jsonw_begin_value(self);
	jsonw_puts(self, name);
	fputc(':', self->out);
	if (self->pretty)
		fputc(' ', self->out);
	self->after_name = true;
}

void jsonw_string(json_writer_t *self, const char *value)
{
	jsonw_begin_value(self);
	jsonw_puts(self, value ? value : "");
	jsonw_end_scalar(self);
}

void jsonw_uint(json_writer_t *self, uint64_t value)
{
	jsonw_begin_value(self);
	fprintf(self->out, "%llu", (unsigned long long)value);
	jsonw_end_scalar(self);
}

void jsonw_int(json_writer_t *self, int64_t value)
{
	jsonw_begin_value(self);
	fprintf(self->out, "%lld", (long long)value);
	jsonw_end_scalar(self);
}

void jsonw_bool(json_writer_t *self, bool value)
{
	jsonw_begin_value(self);
	fputs(value ? "true" : "false", self->out);
	jsonw_end_scalar(self);
}

void jsonw_null(json_writer_t *self)
{
	jsonw_begin_value(self);
	fputs("null", self->out);
	jsonw_end_scalar(self);
}

void jsonw_string_field(json_writer_t *self, const char *name, const char *val)
{
	jsonw_name(self, name);
	jsonw_string(self, val);
}

void jsonw_uint_field(json_writer_t *self, const char *name, uint64_t val)
{
	jsonw_name(self, name);
	jsonw_uint(self, val);
}

void jsonw_int_field(json_writer_t *self, const char *name, int64_t val)
{
	jsonw_name(self, name);
	jsonw_int(self, val);
}

void jsonw_bool_field(json_writer_t *self, const char *name, bool val)
{
	jsonw_name(self, name);
	jsonw_bool(self, val);
}

void jsonw_null_field(json_writer_t *self, const char *name)
{
	jsonw_name(self, name);
	jsonw_null(self);
}

int jsonw_depth(const json_writer_t *self)
{
	return self->depth;
}
