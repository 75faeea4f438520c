// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The value parser: a profile value through expect_parse(), then matched
 * and planned against a value read from a host, for both units.
 *
 * Input: one byte of flags (bit 0: UNIT_BYTES, bit 1: allow "max", bit 2:
 * a maximum is known), then VALUE NUL ACTUAL NUL MAX, MAX read only with
 * bit 2 set (else the maximum is NULL); missing parts are empty strings.
 *
 * Beyond the sanitizers it checks what apply relies on: whatever plan
 * says to write must then match (apply reads the value back and would
 * call a good write a failure), and numbers survive num_format().
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"

#include "hosttune/expect.h"

/* The next NUL-terminated part of [*p, end), or "" past the end. */
static const char *next_part(const char **p, const char *end)
{
	const char *s = *p, *nul;

	if (s >= end)
		return "";
	nul = memchr(s, '\0', (size_t)(end - s));
	*p = nul ? nul + 1 : end;
	return s;
}

/* A number parsed, formatted and parsed again is the same number. */
static void check_number(const char *s, enum value_unit unit)
{
	struct num n, again;
	char *text;

	if (num_parse(s, unit, &n) < 0)
		return;
	text = num_format(&n);
	FUZZ_ASSERT(num_parse(text, UNIT_NONE, &again) == 0);
	FUZZ_ASSERT(num_cmp(&n, &again) == 0);
	FUZZ_ASSERT(!n.neg || n.mag); /* no "-0" */
	free(text);
}

/* What the choice-list readers make of a sysfs value. */
static void check_choices(const struct expect *e, const char *actual)
{
	char *offered = choice_offered(actual);
	char *current = choice_current(actual);
	char *sel = choice_selected(actual);

	if (e->op == EXP_EXACT || e->op == EXP_ALT)
		(void)choice_pick(e, offered);
	(void)expect_token_ok(actual);
	free(offered);
	free(current);
	free(sel);
}

static void check_bounds(const struct expect *e)
{
	char *err = NULL;

	if (expect_check_bounds(e, 0, UINT32_MAX, &err) < 0)
		free(err);
	err = NULL;
	if (expect_check_bounds_signed(e, INT64_MIN, INT64_MAX, &err) < 0)
		free(err);
	err = NULL;
	if (expect_check_choices(e, "usage", "a name", &err) < 0)
		free(err);
}

/* apply writes what plan says and reads it back: that value must match. */
static void check_plan(const struct expect *e, const char *actual,
		       const char *max)
{
	char *want = NULL;

	if (expect_plan(e, actual, max, &want) < 0)
		return;
	FUZZ_ASSERT(want);
	/* a maximum as the kernel reports it: one number */
	if (e->op != EXP_MAX ||
	    num_parse(max, UNIT_NONE, &(struct num){ 0 }) == 0)
		FUZZ_ASSERT(expect_match(e, want, max));
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *end, *value, *actual, *max;
	enum value_unit unit;
	struct expect e, copy;
	char *buf, *err = NULL;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	buf = fuzz_string(data + 1, size - 1); /* all bytes, NULs too */
	p = buf;
	end = buf + size - 1;
	value = next_part(&p, end);
	actual = next_part(&p, end);
	max = (flags & 4) ? next_part(&p, end) : NULL;
	unit = (flags & 1) ? UNIT_BYTES : UNIT_NONE;

	check_number(value, unit);
	check_number(actual, UNIT_NONE);
	if (expect_parse(value, unit, flags & 2, &e, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		free(err);
		free(buf);
		return 0;
	}
	FUZZ_ASSERT(!err);
	FUZZ_ASSERT(!strcmp(e.text, value));
	FUZZ_ASSERT(expect_width(&e) >= 0);
	FUZZ_ASSERT(e.op != EXP_MAX || (flags & 2));
	expect_copy(&copy, &e);
	(void)expect_match(&copy, actual, max);
	check_plan(&copy, actual, max);
	check_plan(&copy, NULL, max);
	check_choices(&copy, actual);
	check_bounds(&copy);
	expect_free(&copy);
	expect_free(&e);
	free(buf);
	return 0;
}
