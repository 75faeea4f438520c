// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: see json.h. */
#include <math.h>

#include "hosttune/json.h"
#include "hosttune/util.h"

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		int len = 1;

		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p < 0x80)
			fputc(*p, f);
		else {
			/* Pass valid UTF-8 through (utf8_seq: no overlong
			 * form, surrogate or code point past U+10FFFF), a C1
			 * control (U+0080-U+009F) escaped, which a terminal
			 * showing the string would act on; replace anything
			 * else. */
			uint32_t cp = 0;
			size_t n = utf8_seq(p, &cp);

			if (n == 0) {
				fputs("\\ufffd", f);
				n = 1;
			} else if (cp < 0xa0) {
				fprintf(f, "\\u%04x", (unsigned)cp);
			} else {
				fwrite(p, 1, n, f);
			}
			len = (int)n;
		}
		p += len;
	}
	fputc('"', f);
}

static void indent(struct json *j, int depth)
{
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* Separate a new member from the previous one and write its name. */
static void member(struct json *j, const char *key)
{
	typeof(j->lv[0]) *lv = &j->lv[j->depth];

	if (lv->inline_)
		fputs(lv->n ? ", " : "", j->f);
	else {
		fputs(lv->n ? "," : "", j->f);
		indent(j, j->depth + 1);
	}
	lv->n++;
	if (key && !lv->array) {
		json_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_container(struct json *j, const char *key, bool inline_,
			   bool array)
{
	bool parent_inline = j->lv[j->depth].inline_;

	member(j, key);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort(); /* a bug of ours, not input */
	fputc(array ? '[' : '{', j->f);
	j->depth++;
	j->lv[j->depth].inline_ = inline_ || parent_inline;
	j->lv[j->depth].array = array;
	j->lv[j->depth].n = 0;
}

void json_begin(struct json *j, FILE *f, bool array)
{
	*j = (struct json){ .f = f };
	j->lv[0].inline_ = false;
	j->lv[0].array = array;
	fputc(array ? '[' : '{', f);
}

void json_end(struct json *j)
{
	typeof(j->lv[0]) *lv = &j->lv[j->depth];

	if (!lv->inline_ && lv->n)
		indent(j, j->depth);
	fputc(lv->array ? ']' : '}', j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_finish(struct json *j)
{
	while (j->depth > 0)
		json_end(j);
	json_end(j);
	fputc('\n', j->f);
}

void json_object(struct json *j, const char *key, bool inline_)
{
	open_container(j, key, inline_, false);
}

void json_array(struct json *j, const char *key, bool inline_)
{
	open_container(j, key, inline_, true);
}

void json_str(struct json *j, const char *key, const char *v)
{
	member(j, key);
	json_string(j->f, v);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json_real(struct json *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6g", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
