// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Plain output: columns aligned on their widest cell. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "loader.h"

struct table *table_new(int ncols, ...)
{
	struct table *t = calloc(1, sizeof(*t));
	va_list ap;
	int i;

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->cells = calloc(ncols, sizeof(char *));
	va_start(ap, ncols);
	for (i = 0; i < ncols && t->cells; i++)
		t->cells[i] = strdup(va_arg(ap, const char *));
	va_end(ap);
	t->nrows = 1;
	return t;
}

/* Adds a row of ncols strings. */
void table_row(struct table *t, ...)
{
	char **c;
	va_list ap;
	int i;

	if (!t)
		return;
	c = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	if (!c)
		return;
	t->cells = c;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		c[t->nrows * t->ncols + i] = strdup(s ? s : "");
	}
	va_end(ap);
	t->nrows++;
}

/* table_new() and table_row() with the cells in an array */
struct table *table_new_v(int ncols, const char *const *head)
{
	struct table *t = calloc(1, sizeof(*t));
	int i;

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->cells = calloc(ncols, sizeof(char *));
	for (i = 0; i < ncols && t->cells; i++)
		t->cells[i] = strdup(head[i]);
	t->nrows = 1;
	return t;
}

void table_row_v(struct table *t, const char *const *cells)
{
	char **c;
	int i;

	if (!t)
		return;
	c = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	if (!c)
		return;
	t->cells = c;
	for (i = 0; i < t->ncols; i++)
		c[t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void table_print(struct table *t, const char *indent)
{
	int *w, r, i;

	if (!t)
		return;
	w = calloc(t->ncols, sizeof(int));
	for (r = 0; w && r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			int l = strlen(t->cells[r * t->ncols + i] ?: "");

			if (l > w[i])
				w[i] = l;
		}
	for (r = 0; w && r < t->nrows; r++) {
		fputs(indent, stdout);
		for (i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * t->ncols + i] ?: "";

			if (i == t->ncols - 1)
				printf("%s\n", s);
			else
				printf("%-*s  ", w[i], s);
		}
	}
	free(w);
}

void table_free(struct table *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
