/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_JSON_H
#define HOSTTUNE_JSON_H

/*
 * The one JSON writer every verb uses. Containers are either blocks (one
 * member a line, indented) or inline (on one line): a report is a block
 * whose results are inline objects, one a line, which diffs and greps
 * well. Strings are escaped; invalid UTF-8 becomes U+FFFD.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	struct {
		bool inline_;
		bool array;
		size_t n;
	} lv[JSON_MAX_DEPTH];
};

/* Start a document whose top level is a block object (or array). */
void json_begin(struct json *j, FILE *f, bool array);
/* End it: close every open container and end the line. */
void json_finish(struct json *j);

/* Members: key is the member name inside an object, NULL inside an
 * array. A container opened inside an inline one is inline too. */
void json_object(struct json *j, const char *key, bool inline_);
void json_array(struct json *j, const char *key, bool inline_);
void json_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v); /* NULL: null */
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_real(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* A JSON string literal of s ("null" for NULL). */
void json_string(FILE *f, const char *s);

#endif
