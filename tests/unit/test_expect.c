// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile values: every value form of the spec, parsed, matched and
 * planned the way a user reading the audit would expect. */
#include <errno.h>
#include <string.h>

#include "unit.h"

#include "hosttune/expect.h"

#define U64_MAX_STR "18446744073709551615"

/* Parse a value that must be accepted. */
static void parse_ok(const char *value, enum value_unit unit, bool allow_max,
		     struct expect *e)
{
	char *err = NULL;
	int r = expect_parse(value, unit, allow_max, e, &err);

	if (r != 0)
		fail_msg("'%s' rejected: %s", value,
			 err ? err : "(no message)");
	assert_null(err);
}

/* Parse a value that must be refused; returns the message (free it). */
static char *parse_err(const char *value, enum value_unit unit, bool allow_max)
{
	struct expect e = { 0 };
	char *err = NULL;
	int r = expect_parse(value, unit, allow_max, &e, &err);

	if (r == 0)
		fail_msg("'%s' accepted, expected an error", value);
	assert_int_equal(r, -EINVAL);
	assert_non_null(err);
	return err;
}

static void assert_err_is(const char *value, enum value_unit unit,
			  const char *want)
{
	char *err = parse_err(value, unit, false);

	assert_string_equal(err, want);
	free(err);
}

static void assert_err_contains(const char *value, enum value_unit unit,
				const char *needle)
{
	char *err = parse_err(value, unit, false);

	if (!strstr(err, needle))
		fail_msg("error for '%s' is '%s', expected it to mention '%s'",
			 value, err, needle);
	free(err);
}

static bool matches(const char *value, const char *actual)
{
	struct expect e;
	bool m;

	parse_ok(value, UNIT_NONE, false, &e);
	m = expect_match(&e, actual, NULL);
	expect_free(&e);
	return m;
}

static char *plan(const char *value, enum value_unit unit, const char *actual)
{
	struct expect e;
	char *out = NULL;

	parse_ok(value, unit, false, &e);
	assert_int_equal(expect_plan(&e, actual, NULL, &out), 0);
	expect_free(&e);
	assert_non_null(out);
	return out;
}

static void assert_plan(const char *value, enum value_unit unit,
			const char *actual, const char *want)
{
	char *out = plan(value, unit, actual);

	assert_string_equal(out, want);
	free(out);
}

/* ---- exact values ---- */

static void test_exact_keeps_text_and_op(void **state)
{
	struct expect e;

	parse_ok("performance", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_EXACT);
	assert_string_equal(e.text, "performance");
	assert_int_equal(e.n_alts, 1);
	assert_string_equal(e.alts[0], "performance");
	expect_free(&e);
}

static void test_exact_string_matches_only_itself(void **state)
{
	assert_true(matches("performance", "performance"));
	assert_false(matches("performance", "powersave"));
	assert_false(matches("performance", "performance2"));
}

static void test_exact_normalises_whitespace(void **state)
{
	struct expect e;

	parse_ok("  4096   131072 6291456 ", UNIT_NONE, false, &e);
	assert_string_equal(e.alts[0], "4096 131072 6291456");
	assert_true(expect_match(&e, "4096 131072  6291456", NULL));
	assert_true(expect_match(&e, "4096\t131072\t6291456", NULL));
	assert_false(expect_match(&e, "4096 131072 6291457", NULL));
	expect_free(&e);
}

static void test_exact_leading_zero_is_the_same_number(void **state)
{
	struct expect e;

	parse_ok("010", UNIT_NONE, false, &e);
	assert_string_equal(e.alts[0], "10");
	assert_true(expect_match(&e, "10", NULL));
	assert_false(expect_match(&e, "8", NULL)); /* not octal */
	expect_free(&e);
}

/*
 * `sysctl -a` prints multi-value keys with tabs (the kernel's own format),
 * and the spec says exact values are whitespace-normalised, so a value
 * pasted from it must be accepted and compared like spaces.
 */
static void test_exact_value_with_tabs_is_whitespace(void **state)
{
	struct expect e = { 0 };
	char *err = NULL;
	int r = expect_parse("4096\t131072\t6291456", UNIT_NONE, false, &e,
			     &err);

	/* The kernel separates tcp_rmem's fields with tabs. */
	assert_int_equal(r, 0);
	assert_string_equal(e.alts[0], "4096 131072 6291456");
	expect_free(&e);
}

static void test_exact_empty_value_is_an_error(void **state)
{
	assert_err_is("", UNIT_NONE, "empty value");
}

/* ---- >= and <= ---- */

static void test_ge_parses_lower_bound(void **state)
{
	struct expect e;

	parse_ok(">=4096", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_GE);
	assert_false(e.lo.neg);
	assert_true(e.lo.mag == 4096);
	assert_string_equal(e.text, ">=4096");
	expect_free(&e);
}

static void test_ge_matches_at_and_above(void **state)
{
	assert_true(matches(">=4096", "4096"));
	assert_true(matches(">=4096", "65536"));
	assert_false(matches(">=4096", "4095"));
	assert_false(matches(">=4096", "128"));
}

static void test_ge_never_matches_a_non_number(void **state)
{
	assert_false(matches(">=1", "performance"));
	assert_false(matches(">=1", "4096 131072"));
	assert_false(matches(">=1", ""));
}

static void test_ge_accepts_blank_after_operator(void **state)
{
	assert_true(matches(">= 10", "10"));
	assert_false(matches(">= 10", "9"));
}

static void test_ge_without_number_has_exact_message(void **state)
{
	assert_err_is(">=", UNIT_NONE, "expected an integer after '>='");
	assert_err_is(">=abc", UNIT_NONE, "expected an integer after '>='");
	assert_err_contains(">=1 >=x", UNIT_NONE,
			    "field 2: expected an integer after '>='");
}

/* ">=1 2" is one form per field (a multi-value key's); each field is
 * matched and planned on its own. */
static void test_fields_match_and_plan_each_field(void **state)
{
	struct expect e;
	char *err = NULL, *want = NULL;

	(void)state;
	assert_int_equal(expect_parse(">=1 2", UNIT_NONE, false, &e, &err), 0);
	assert_int_equal(e.op, EXP_FIELDS);
	assert_int_equal(expect_width(&e), 2);
	assert_true(expect_match(&e, "5\t2", NULL));
	assert_false(expect_match(&e, "0 2", NULL));
	assert_false(expect_match(&e, "5 2 7", NULL)); /* wrong width */
	assert_int_equal(expect_plan(&e, "0 3", NULL, &want), 0);
	assert_string_equal(want, "1 2");
	free(want);
	assert_int_equal(expect_plan(&e, "9 3", NULL, &want), 0);
	assert_string_equal(want, "9 2"); /* keeps what already holds */
	free(want);
	expect_free(&e);
	assert_int_equal(expect_parse("4096 >= 131072 >=16M", UNIT_BYTES, false,
				      &e, &err),
			 0);
	assert_int_equal(expect_width(&e), 3);
	assert_int_equal(expect_plan(&e, "1 2 3", NULL, &want), 0);
	assert_string_equal(want, "4096 131072 16777216");
	free(want);
	expect_free(&e);
}

static void test_le_matches_at_and_below(void **state)
{
	assert_true(matches("<=10", "10"));
	assert_true(matches("<=10", "0"));
	assert_true(matches("<=10", "-5"));
	assert_false(matches("<=10", "11"));
	assert_false(matches("<=10", "60"));
}

static void test_le_without_number_has_exact_message(void **state)
{
	assert_err_is("<=x", UNIT_NONE, "expected an integer after '<='");
}

static void test_lone_less_or_greater_is_unknown_operator(void **state)
{
	assert_err_is("<5", UNIT_NONE,
		      "unknown operator in '<5' (use '>=' or '<=')");
	assert_err_is(">5", UNIT_NONE,
		      "unknown operator in '>5' (use '>=' or '<=')");
}

/* ---- ranges ---- */

static void test_range_is_inclusive(void **state)
{
	struct expect e;

	parse_ok("10..20", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_RANGE);
	assert_true(e.lo.mag == 10 && e.hi.mag == 20);
	assert_true(expect_match(&e, "10", NULL));
	assert_true(expect_match(&e, "15", NULL));
	assert_true(expect_match(&e, "20", NULL));
	assert_false(expect_match(&e, "9", NULL));
	assert_false(expect_match(&e, "21", NULL));
	expect_free(&e);
}

static void test_range_single_value(void **state)
{
	assert_true(matches("7..7", "7"));
	assert_false(matches("7..7", "8"));
}

static void test_range_with_negative_bounds(void **state)
{
	assert_true(matches("-10..-1", "-10"));
	assert_true(matches("-10..-1", "-1"));
	assert_false(matches("-10..-1", "0"));
	assert_false(matches("-10..-1", "-11"));
}

static void test_range_lower_above_upper_is_an_error(void **state)
{
	assert_err_is("20..10", UNIT_NONE,
		      "range is empty: the lower bound is above the upper one");
}

static void test_range_missing_lower_bound_is_an_error(void **state)
{
	assert_err_is("..5", UNIT_NONE, "expected an integer before '..'");
}

static void test_range_missing_upper_bound_is_an_error(void **state)
{
	assert_err_is("5..", UNIT_NONE, "expected an integer after '..'");
}

static void test_range_with_one_non_number_is_an_error(void **state)
{
	assert_err_is("1..x", UNIT_NONE, "expected an integer after '..'");
}

static void test_two_dots_between_words_stay_exact(void **state)
{
	struct expect e;

	parse_ok("/var/lib/../x", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_EXACT);
	assert_string_equal(e.alts[0], "/var/lib/../x");
	expect_free(&e);
}

/* ---- alternatives ---- */

static void test_alternatives_any_matches(void **state)
{
	struct expect e;

	parse_ok("performance|balance_performance", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_ALT);
	assert_int_equal(e.n_alts, 2);
	assert_string_equal(e.alts[0], "performance");
	assert_string_equal(e.alts[1], "balance_performance");
	assert_true(expect_match(&e, "performance", NULL));
	assert_true(expect_match(&e, "balance_performance", NULL));
	assert_false(expect_match(&e, "power", NULL));
	expect_free(&e);
}

static void test_alternatives_are_trimmed(void **state)
{
	struct expect e;

	parse_ok("a | b |c", UNIT_NONE, false, &e);
	assert_int_equal(e.n_alts, 3);
	assert_string_equal(e.alts[0], "a");
	assert_string_equal(e.alts[1], "b");
	assert_string_equal(e.alts[2], "c");
	expect_free(&e);
}

static void test_alternatives_empty_one_is_an_error(void **state)
{
	assert_err_contains("a||b", UNIT_NONE, "empty alternative");
	assert_err_contains("a|", UNIT_NONE, "empty alternative");
	assert_err_contains("|a", UNIT_NONE, "empty alternative");
}

static void test_quoted_pipe_is_a_literal(void **state)
{
	struct expect e;

	parse_ok("\"|/bin/x %p\"", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_EXACT);
	assert_int_equal(e.n_alts, 1);
	assert_string_equal(e.alts[0], "|/bin/x %p");
	assert_true(expect_match(&e, "|/bin/x %p", NULL));
	assert_false(expect_match(&e, "core", NULL));
	expect_free(&e);
}

static void test_quoted_operator_is_a_literal(void **state)
{
	struct expect e;

	parse_ok("\">=5\"", UNIT_NONE, false, &e);
	assert_int_equal(e.op, EXP_EXACT);
	assert_true(expect_match(&e, ">=5", NULL));
	assert_false(expect_match(&e, "6", NULL));
	expect_free(&e);
}

/* ---- max ---- */

static void test_max_compares_with_reported_maximum(void **state)
{
	struct expect e;

	parse_ok("max", UNIT_NONE, true, &e);
	assert_int_equal(e.op, EXP_MAX);
	assert_true(expect_match(&e, "4096", "4096"));
	assert_false(expect_match(&e, "1024", "4096"));
	assert_false(expect_match(&e, "4096", NULL)); /* unknown maximum */
	expect_free(&e);
}

static void test_max_not_allowed_is_an_error(void **state)
{
	char *err = parse_err("max", UNIT_NONE, false);

	assert_string_equal(err, "'max' is not available here: this setting "
				 "reports no maximum");
	free(err);
}

/* ---- sizes ---- */

static void test_size_suffixes_with_bytes(void **state)
{
	struct expect e;

	parse_ok(">=16M", UNIT_BYTES, false, &e);
	assert_true(e.lo.mag == 16ull << 20);
	expect_free(&e);
	parse_ok("<=1G", UNIT_BYTES, false, &e);
	assert_true(e.hi.mag == 1ull << 30);
	expect_free(&e);
	parse_ok(">=2T", UNIT_BYTES, false, &e);
	assert_true(e.lo.mag == 2ull << 40);
	expect_free(&e);
	parse_ok("4K..8K", UNIT_BYTES, false, &e);
	assert_true(e.lo.mag == 4096 && e.hi.mag == 8192);
	expect_free(&e);
}

static void test_size_exact_is_canonical_bytes(void **state)
{
	struct expect e;

	parse_ok("4096 128K 16M", UNIT_BYTES, false, &e);
	assert_string_equal(e.alts[0], "4096 131072 16777216");
	assert_true(expect_match(&e, "4096\t131072\t16777216", NULL));
	expect_free(&e);
}

static void test_size_suffix_without_bytes_unit_is_an_error(void **state)
{
	assert_err_is(">=16M", UNIT_NONE,
		      "expected an integer after '>=', got '16M' (size "
		      "suffixes only apply to byte values)");
	assert_err_contains("<=1K", UNIT_NONE, "size suffixes");
	assert_err_contains("1..2K", UNIT_NONE, "size suffixes");
}

static void test_size_exact_without_bytes_unit_is_an_error(void **state)
{
	assert_err_is("64K", UNIT_NONE,
		      "'64K': size suffixes only apply to byte values");
	assert_err_contains("4096 16M", UNIT_NONE, "size suffixes");
}

static void test_size_overflow_is_out_of_range(void **state)
{
	assert_err_is(">=17179869184G", UNIT_BYTES,
		      "'17179869184G' is out of range");
}

static void test_unknown_size_suffix_is_an_error(void **state)
{
	assert_err_is(">=16Q", UNIT_BYTES, "expected an integer after '>='");
}

/* ---- number limits ---- */

static void test_huge_bound_is_out_of_range(void **state)
{
	assert_err_is(">=99999999999999999999", UNIT_NONE,
		      "'99999999999999999999' is out of range");
	assert_err_is("99999999999999999999", UNIT_NONE,
		      "'99999999999999999999' is out of range");
}

static void test_negative_bounds(void **state)
{
	assert_true(matches(">=-10", "-10"));
	assert_true(matches(">=-10", "0"));
	assert_false(matches(">=-10", "-11"));
	assert_true(matches("<=-1", "-1"));
	assert_false(matches("<=-1", "0"));
}

static void test_u64_max_against_minus_one_and_zero(void **state)
{
	assert_true(matches(">=0", U64_MAX_STR));
	assert_false(matches("<=-1", U64_MAX_STR));
	assert_true(matches(">=" U64_MAX_STR, U64_MAX_STR));
	assert_false(matches(">=" U64_MAX_STR, "-1"));
	assert_false(matches(">=" U64_MAX_STR, "0"));
	assert_true(matches("<=" U64_MAX_STR, "-1"));
	assert_true(matches("-1.." U64_MAX_STR, "-1"));
	assert_true(matches("-1.." U64_MAX_STR, U64_MAX_STR));
	assert_false(matches("0.." U64_MAX_STR, "-1"));
}

static void test_actual_beyond_u64_satisfies_no_bound(void **state)
{
	assert_false(matches(">=0", "18446744073709551616"));
}

static void test_num_cmp_orders_signed_values(void **state)
{
	struct num m1 = { .neg = true, .mag = 1 }, z = { 0 },
		   big = { .mag = UINT64_MAX },
		   m_big = { .neg = true, .mag = UINT64_MAX };

	assert_true(num_cmp(&m1, &z) < 0);
	assert_true(num_cmp(&z, &big) < 0);
	assert_true(num_cmp(&m1, &big) < 0);
	assert_true(num_cmp(&big, &m1) > 0);
	assert_true(num_cmp(&m_big, &m1) < 0);
	assert_int_equal(num_cmp(&big, &big), 0);
}

static void test_minus_zero_is_zero(void **state)
{
	struct num n;

	assert_int_equal(num_parse("-0", UNIT_NONE, &n), 0);
	assert_false(n.neg);
	assert_true(n.mag == 0);
}

/* num_parse reads the digits in place: the forms it takes and refuses,
 * and a run of digits too long for 64 bits is out of range even when a
 * non-digit follows (as parse_uint64 says). */
static void test_num_parse_forms(void **state)
{
	struct num n;

	assert_int_equal(num_parse("0", UNIT_NONE, &n), 0);
	assert_true(n.mag == 0 && !n.neg);
	assert_int_equal(num_parse("010", UNIT_NONE, &n), 0);
	assert_true(n.mag == 10);
	assert_int_equal(num_parse("-7", UNIT_NONE, &n), 0);
	assert_true(n.mag == 7 && n.neg);
	assert_int_equal(num_parse(U64_MAX_STR, UNIT_NONE, &n), 0);
	assert_true(n.mag == UINT64_MAX);
	assert_int_equal(num_parse("4K", UNIT_BYTES, &n), 0);
	assert_true(n.mag == 4096);
	assert_int_equal(num_parse("2g", UNIT_BYTES, &n), 0);
	assert_true(n.mag == 2ULL << 30);
	assert_int_equal(num_parse("18446744073709551616", UNIT_NONE, &n),
			 -ERANGE);
	assert_int_equal(num_parse("99999999999999999999x", UNIT_NONE, &n),
			 -ERANGE);
	assert_int_equal(num_parse("16777216T", UNIT_BYTES, &n), -ERANGE);
	assert_int_equal(num_parse("", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("-", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("K", UNIT_BYTES, &n), -EINVAL);
	assert_int_equal(num_parse("+5", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("-+5", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse(" 5", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("12a", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("4K", UNIT_NONE, &n), -EINVAL);
	assert_int_equal(num_parse("1.5", UNIT_NONE, &n), -EINVAL);
}

/* ---- choice lists ---- */

static void test_choice_list_compares_selected_token(void **state)
{
	assert_true(matches("none", "[none] mq-deadline kyber"));
	assert_false(matches("none", "none [mq-deadline] kyber"));
	assert_true(matches("madvise", "always [madvise] never"));
	assert_false(matches("never", "always [madvise] never"));
	assert_true(matches("bfq|mq-deadline", "none [mq-deadline] bfq"));
}

static void test_choice_selected(void **state)
{
	char *s = choice_selected("always [madvise] never");

	assert_string_equal(s, "madvise");
	free(s);
	assert_null(choice_selected("always madvise never"));
	assert_null(choice_selected("a [] b"));
}

/* ---- control characters ---- */

static void test_control_characters_rejected(void **state)
{
	assert_err_is("1\x1b[0m", UNIT_NONE,
		      "value contains control characters");
	assert_err_is("a\rb", UNIT_NONE, "value contains control characters");
	assert_err_is("a\x7f", UNIT_NONE, "value contains control characters");
	assert_err_is("\"a\nb\"", UNIT_NONE,
		      "value contains control characters");
}

/* inih ends a value only at " ;", so " #" would be part of the value. */
static void test_hash_comment_after_value_is_an_error(void **state)
{
	assert_err_contains("1 # keep it low", UNIT_NONE, "'#'");
}

static void test_quoted_hash_is_a_literal(void **state)
{
	struct expect e;

	parse_ok("\"a #b\"", UNIT_NONE, false, &e);
	assert_string_equal(e.alts[0], "a #b");
	expect_free(&e);
}

/* ---- expect_plan ---- */

static void test_plan_exact_writes_canonical_value(void **state)
{
	assert_plan("010", UNIT_NONE, "3", "10");
	assert_plan("  4096  131072 ", UNIT_NONE, "1 2", "4096 131072");
}

static void test_plan_ge_writes_lower_bound(void **state)
{
	assert_plan(">=4096", UNIT_NONE, "128", "4096");
	assert_plan(">=16M", UNIT_BYTES, "1024", "16777216");
}

static void test_plan_le_writes_upper_bound(void **state)
{
	assert_plan("<=10", UNIT_NONE, "60", "10");
	assert_plan("<=-1", UNIT_NONE, "5", "-1");
}

static void test_plan_range_clamps_to_nearer_bound(void **state)
{
	assert_plan("10..20", UNIT_NONE, "3", "10");
	assert_plan("10..20", UNIT_NONE, "-3", "10");
	assert_plan("10..20", UNIT_NONE, "25", "20");
	assert_plan("10..20", UNIT_NONE, U64_MAX_STR, "20");
}

static void test_plan_range_from_non_number_uses_lower(void **state)
{
	assert_plan("10..20", UNIT_NONE, "off", "10");
}

static void test_plan_alternatives_writes_first(void **state)
{
	assert_plan("performance|balance_performance", UNIT_NONE, "powersave",
		    "performance");
}

static void test_plan_max_writes_maximum(void **state)
{
	struct expect e;
	char *out = NULL;

	parse_ok("max", UNIT_NONE, true, &e);
	assert_int_equal(expect_plan(&e, "256", "4096", &out), 0);
	assert_string_equal(out, "4096");
	free(out);
	out = NULL;
	assert_int_equal(expect_plan(&e, "256", NULL, &out), -EINVAL);
	assert_null(out);
	expect_free(&e);
}

static void test_copy_is_independent(void **state)
{
	struct expect e, c;

	parse_ok("a|b", UNIT_NONE, false, &e);
	expect_copy(&c, &e);
	expect_free(&e);
	assert_int_equal(c.op, EXP_ALT);
	assert_string_equal(c.text, "a|b");
	assert_true(expect_match(&c, "b", NULL));
	expect_free(&c);
}

/* num_format writes the digits itself: the ends of the range, zero and
 * the sign, as printf would. */
static void test_num_format_ends(void **state)
{
	const struct {
		bool neg;
		uint64_t mag;
		const char *want;
	} t[] = {
		{ false, 0, "0" },
		{ false, 7, "7" },
		{ true, 1, "-1" },
		{ false, 1000, "1000" },
		{ true, 9223372036854775808ULL, "-9223372036854775808" },
		{ false, UINT64_MAX, "18446744073709551615" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct num n = { .neg = t[i].neg, .mag = t[i].mag };
		char *got = num_format(&n);

		assert_string_equal(got, t[i].want);
		free(got);
	}
}

/* xstrjoin, which replaced xasprintf("%s...") on the per-setting paths. */
static void test_xstrjoin(void **state)
{
	char *s;

	(void)state;
	s = xstrjoin("sysctl", ":", "", ":", "vm.swappiness");
	assert_string_equal(s, "sysctl::vm.swappiness");
	free(s);
	s = xstrjoin("");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_keeps_text_and_op),
		cmocka_unit_test(test_exact_string_matches_only_itself),
		cmocka_unit_test(test_exact_normalises_whitespace),
		cmocka_unit_test(test_exact_leading_zero_is_the_same_number),
		cmocka_unit_test(test_exact_value_with_tabs_is_whitespace),
		cmocka_unit_test(test_exact_empty_value_is_an_error),
		cmocka_unit_test(test_ge_parses_lower_bound),
		cmocka_unit_test(test_ge_matches_at_and_above),
		cmocka_unit_test(test_ge_never_matches_a_non_number),
		cmocka_unit_test(test_ge_accepts_blank_after_operator),
		cmocka_unit_test(test_ge_without_number_has_exact_message),
		cmocka_unit_test(test_fields_match_and_plan_each_field),
		cmocka_unit_test(test_le_matches_at_and_below),
		cmocka_unit_test(test_le_without_number_has_exact_message),
		cmocka_unit_test(test_lone_less_or_greater_is_unknown_operator),
		cmocka_unit_test(test_range_is_inclusive),
		cmocka_unit_test(test_range_single_value),
		cmocka_unit_test(test_range_with_negative_bounds),
		cmocka_unit_test(test_range_lower_above_upper_is_an_error),
		cmocka_unit_test(test_range_missing_lower_bound_is_an_error),
		cmocka_unit_test(test_range_missing_upper_bound_is_an_error),
		cmocka_unit_test(test_range_with_one_non_number_is_an_error),
		cmocka_unit_test(test_two_dots_between_words_stay_exact),
		cmocka_unit_test(test_alternatives_any_matches),
		cmocka_unit_test(test_alternatives_are_trimmed),
		cmocka_unit_test(test_alternatives_empty_one_is_an_error),
		cmocka_unit_test(test_quoted_pipe_is_a_literal),
		cmocka_unit_test(test_quoted_operator_is_a_literal),
		cmocka_unit_test(test_max_compares_with_reported_maximum),
		cmocka_unit_test(test_max_not_allowed_is_an_error),
		cmocka_unit_test(test_size_suffixes_with_bytes),
		cmocka_unit_test(test_size_exact_is_canonical_bytes),
		cmocka_unit_test(
			test_size_suffix_without_bytes_unit_is_an_error),
		cmocka_unit_test(
			test_size_exact_without_bytes_unit_is_an_error),
		cmocka_unit_test(test_size_overflow_is_out_of_range),
		cmocka_unit_test(test_unknown_size_suffix_is_an_error),
		cmocka_unit_test(test_huge_bound_is_out_of_range),
		cmocka_unit_test(test_negative_bounds),
		cmocka_unit_test(test_u64_max_against_minus_one_and_zero),
		cmocka_unit_test(test_actual_beyond_u64_satisfies_no_bound),
		cmocka_unit_test(test_num_cmp_orders_signed_values),
		cmocka_unit_test(test_minus_zero_is_zero),
		cmocka_unit_test(test_num_parse_forms),
		cmocka_unit_test(test_choice_list_compares_selected_token),
		cmocka_unit_test(test_choice_selected),
		cmocka_unit_test(test_control_characters_rejected),
		cmocka_unit_test(test_hash_comment_after_value_is_an_error),
		cmocka_unit_test(test_quoted_hash_is_a_literal),
		cmocka_unit_test(test_plan_exact_writes_canonical_value),
		cmocka_unit_test(test_plan_ge_writes_lower_bound),
		cmocka_unit_test(test_plan_le_writes_upper_bound),
		cmocka_unit_test(test_plan_range_clamps_to_nearer_bound),
		cmocka_unit_test(test_plan_range_from_non_number_uses_lower),
		cmocka_unit_test(test_plan_alternatives_writes_first),
		cmocka_unit_test(test_plan_max_writes_maximum),
		cmocka_unit_test(test_copy_is_independent),
		cmocka_unit_test(test_num_format_ends),
		cmocka_unit_test(test_xstrjoin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
