// SPDX-License-Identifier: GPL-2.0-or-later
/* CPU sets: growth, CPU lists and CPU masks as the kernel prints and takes
 * them, and input that is broken, hostile or huge. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "hosttune/cpuset.h"

/* The members of s as a list, for messages and comparisons. */
static void assert_list(const struct cpuset *s, const char *want)
{
	char *got = cpuset_format_list(s);

	if (strcmp(got, want))
		fail_msg("set is '%s', wanted '%s'", got, want);
	free(got);
}

static void assert_list_parses(const char *in, const char *want)
{
	_cleanup_cpuset_ struct cpuset s = { 0 };
	char *err = NULL;

	if (cpuset_parse_list(in, CPUSET_MAX, &s, &err) < 0)
		fail_msg("'%s' rejected: %s", in, err);
	assert_list(&s, want);
}

/* in is refused with a message containing needle; *ret is untouched. */
static void assert_list_rejected(const char *in, unsigned max,
				 const char *needle)
{
	_cleanup_cpuset_ struct cpuset s = { 0 };
	char *err = NULL;

	assert_int_equal(cpuset_add(&s, 5), 0);
	if (cpuset_parse_list(in, max, &s, &err) == 0)
		fail_msg("'%.40s' accepted", in);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("'%.40s': '%s' lacks '%s'", in, err, needle);
	/* a message quotes at most a few dozen bytes of the input */
	assert_true(strlen(err) < 200);
	assert_list(&s, "5");
	free(err);
	/* and without a place for the message */
	assert_int_equal(cpuset_parse_list(in, max, &s, NULL), -EINVAL);
}

static void assert_mask(const char *in, const char *list, const char *mask,
			const char *hex)
{
	_cleanup_cpuset_ struct cpuset s = { 0 };
	char *err = NULL, *m, *x;

	if (cpuset_parse_mask(in, CPUSET_MAX, &s, &err) < 0)
		fail_msg("'%s' rejected: %s", in, err);
	assert_list(&s, list);
	m = cpuset_format_mask(&s);
	x = cpuset_format_hex(&s);
	assert_string_equal(m, mask);
	assert_string_equal(x, hex);
	free(m);
	free(x);
}

static void assert_mask_rejected(const char *in, unsigned max, int want,
				 const char *needle)
{
	_cleanup_cpuset_ struct cpuset s = { 0 };
	char *err = NULL;

	assert_int_equal(cpuset_add(&s, 5), 0);
	if (cpuset_parse_mask(in, max, &s, &err) != want)
		fail_msg("'%.40s' not refused with %d", in, want);
	if (!err || !strstr(err, needle))
		fail_msg("'%.40s': '%s' lacks '%s'", in, err ? err : "",
			 needle);
	assert_true(strlen(err) < 200);
	assert_list(&s, "5");
	free(err);
	assert_int_equal(cpuset_parse_mask(in, max, &s, NULL), want);
}

/* ---- the set ---- */

static void test_set_grows_and_counts(void **state)
{
	_cleanup_cpuset_ struct cpuset s = { 0 }, t = { 0 };

	assert_false(cpuset_has(&s, 0));
	assert_int_equal(cpuset_next(&s, 0), -1);
	assert_int_equal(cpuset_count(&s), 0);
	assert_int_equal(cpuset_add(&s, 3), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(cpuset_add(&s, 200), 0);
	assert_int_equal(s.n, 4);
	assert_true(cpuset_has(&s, 200));
	assert_false(cpuset_has(&s, 199));
	assert_false(cpuset_has(&s, 100000));
	assert_int_equal(cpuset_next(&s, 0), 3);
	assert_int_equal(cpuset_next(&s, 3), 3);
	assert_int_equal(cpuset_next(&s, 4), 200);
	assert_int_equal(cpuset_next(&s, 201), -1);
	assert_int_equal(cpuset_next(&s, 100000), -1);
	assert_int_equal(cpuset_add(&s, CPUSET_MAX), 0);
	assert_int_equal(cpuset_next(&s, 201), CPUSET_MAX);
	assert_int_equal(cpuset_add(&s, CPUSET_MAX + 1), -ERANGE);
	assert_int_equal(cpuset_count(&s), 3);

	/* equal whatever each has allocated */
	assert_int_equal(cpuset_add(&t, 3), 0);
	assert_false(cpuset_equal(&s, &t));
	assert_int_equal(cpuset_add(&t, 200), 0);
	assert_int_equal(cpuset_add(&t, CPUSET_MAX), 0);
	assert_true(cpuset_equal(&s, &t));
	cpuset_free(&t);
	cpuset_free(&t); /* twice is fine */
	assert_int_equal(cpuset_add(&t, 0), 0);
	cpuset_free(&s);
	assert_int_equal(cpuset_add(&s, 0), 0);
	assert_int_equal(cpuset_add(&s, 1000), 0);
	assert_int_equal(cpuset_add(&t, 1000), 0);
	assert_true(cpuset_equal(&s, &t));
}

static void test_ranges_across_words(void **state)
{
	_cleanup_cpuset_ struct cpuset s = { 0 };

	assert_int_equal(cpuset_add_range(&s, 60, 70), 0);
	assert_list(&s, "60-70");
	assert_int_equal(cpuset_add_range(&s, 128, 255), 0);
	assert_list(&s, "60-70,128-255");
	assert_int_equal(cpuset_add_range(&s, 63, 64), 0);
	assert_int_equal(cpuset_add_range(&s, 0, 0), 0);
	assert_list(&s, "0,60-70,128-255");
	assert_int_equal(cpuset_count(&s), 1 + 11 + 128);
	assert_int_equal(cpuset_add_range(&s, 5, 4), -ERANGE);
	assert_int_equal(cpuset_add_range(&s, 0, CPUSET_MAX + 1), -ERANGE);
	assert_list(&s, "0,60-70,128-255");
	assert_int_equal(cpuset_add_range(&s, 0, CPUSET_MAX), 0);
	assert_int_equal(cpuset_count(&s), CPUSET_MAX + 1);
	assert_list(&s, "0-16383");
}

/* ---- CPU lists ---- */

static void test_lists_round_trip(void **state)
{
	assert_list_parses("0-3,8,10-11", "0-3,8,10-11");
	assert_list_parses("", "");
	assert_list_parses("0", "0");
	assert_list_parses("4-5", "4-5");
	assert_list_parses("7,6,5", "5-7");
	assert_list_parses("0-3,2-5", "0-5");
	assert_list_parses("1,1,1", "1");
	assert_list_parses("16383", "16383");
	assert_list_parses("0-16383", "0-16383");
}

static void test_lists_refuse_broken_input(void **state)
{
	unsigned cpu;
	char *err = NULL;

	assert_list_rejected("3-1", 8191, "'3-1' is an empty range");
	assert_list_rejected("0-99999999", 8191, "out of range");
	assert_list_rejected("0-99999999", 8191, "0 to 8191");
	assert_list_rejected("8192", 8191, "out of range");
	assert_list_rejected("16384", 99999, "0 to 16383");
	assert_list_rejected("99999999999999999999999", 8191, "out of range");
	assert_list_rejected(",,", 8191, "empty entry");
	assert_list_rejected("0,,1", 8191, "empty entry");
	assert_list_rejected(",1", 8191, "empty entry");
	assert_list_rejected("1,", 8191, "empty entry");
	assert_list_rejected(",", 8191, "empty entry");
	assert_list_rejected("1-", 8191, "without an end");
	assert_list_rejected("-1", 8191, "without a start");
	assert_list_rejected("-", 8191, "without a start");
	assert_list_rejected("1--2", 8191, "not a CPU number");
	assert_list_rejected("1-2-3", 8191, "'2-3' is not a CPU number");
	assert_list_rejected("01", 8191, "not a CPU number");
	assert_list_rejected("+1", 8191, "not a CPU number");
	assert_list_rejected(" 1", 8191, "not a CPU number");
	assert_list_rejected("1 ", 8191, "not a CPU number");
	assert_list_rejected("1 - 2", 8191, "not a CPU number");
	assert_list_rejected("a", 8191, "'a' is not a CPU number");
	assert_list_rejected("0x1", 8191, "not a CPU number");
	assert_list_rejected("0-7:2/4", 8191, "not a CPU number");
	assert_list_rejected("1\n2", 8191, "not a CPU number");

	assert_int_equal(cpuset_parse_cpu("8191", 8191, &cpu, &err), 0);
	assert_int_equal(cpu, 8191);
	assert_int_equal(cpuset_parse_cpu("0", 0, &cpu, &err), 0);
	assert_int_equal(cpu, 0);
	assert_int_equal(cpuset_parse_cpu("", 8191, &cpu, &err), -EINVAL);
	assert_non_null(strstr(err, "'' is not a CPU number"));
	free(err);
	assert_int_equal(cpuset_parse_cpu("-0", 8191, &cpu, NULL), -EINVAL);
}

/* 1 MiB of input: refused or taken in linear time, and the message quotes
 * only the start of it. */
static void test_lists_huge_input(void **state)
{
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	struct strbuf sb = { 0 };
	clock_t start = clock();

	memset(big, '9', n);
	big[n] = '\0';
	assert_list_rejected(big, 8191, "...");
	memset(big, ',', n);
	assert_list_rejected(big, 8191, "empty entry");
	/* the widest range, over and over: word by word, not CPU by CPU */
	for (size_t i = 0; i + 8 < n; i += 8)
		memcpy(big + i, "0-16383,", 8);
	memcpy(big + n - 8, "0-16383", 8);
	assert_list_parses(big, "0-16383");
	/* every CPU on its own, as the kernel prints an odd list */
	for (unsigned cpu = 0; cpu <= CPUSET_MAX; cpu += 2)
		strbuf_printf(&sb, "%s%u", sb.len ? "," : "", cpu);
	{
		_cleanup_cpuset_ struct cpuset s = { 0 };
		char *back;

		assert_int_equal(cpuset_parse_list(sb.s, CPUSET_MAX, &s, NULL),
				 0);
		assert_int_equal(cpuset_count(&s), (CPUSET_MAX + 1) / 2);
		back = cpuset_format_list(&s);
		assert_string_equal(back, sb.s);
		free(back);
	}
	assert_true(clock() - start < 5 * CLOCKS_PER_SEC);
	free(sb.s);
	free(big);
}

/* ---- CPU masks ---- */

static void test_masks_as_the_kernel_prints_them(void **state)
{
	assert_mask("ff,00000001", "0,32-39", "ff,00000001", "ff00000001");
	assert_mask("ff00000001", "0,32-39", "ff,00000001", "ff00000001");
	assert_mask("00000000,0000000f", "0-3", "f", "f");
	assert_mask("00000000,00000000,00000001", "0", "1", "1");
	assert_mask("0", "", "0", "0");
	assert_mask("00000000", "", "0", "0");
	assert_mask("0x3", "0-1", "3", "3");
	assert_mask("0XfF", "0-7", "ff", "ff");
	assert_mask("DEADBEEF", "0-3,5-7,9-13,15-16,18-19,21,23,25-28,30-31",
		    "deadbeef", "deadbeef");
	assert_mask("1ffffffff", "0-32", "1,ffffffff", "1ffffffff");
	assert_mask("1,00000000", "32", "1,00000000", "100000000");
	/* Groups are 32 bits each, as bitmap_parse() reads them: a short
	 * group is not glued to the next one. */
	assert_mask("f,f", "0-3,32-35", "f,0000000f", "f0000000f");
}

static void test_masks_refuse_broken_input(void **state)
{
	assert_mask_rejected("", CPUSET_MAX, -EINVAL, "no digits");
	assert_mask_rejected("0x", CPUSET_MAX, -EINVAL, "no digits");
	assert_mask_rejected(",", CPUSET_MAX, -EINVAL, "empty group");
	assert_mask_rejected("f,", CPUSET_MAX, -EINVAL, "empty group");
	assert_mask_rejected(",f", CPUSET_MAX, -EINVAL, "empty group");
	assert_mask_rejected("f,,f", CPUSET_MAX, -EINVAL, "empty group");
	assert_mask_rejected("fg", CPUSET_MAX, -EINVAL, "not a hex digit");
	assert_mask_rejected("f f", CPUSET_MAX, -EINVAL, "not a hex digit");
	assert_mask_rejected("-1", CPUSET_MAX, -EINVAL, "not a hex digit");
	assert_mask_rejected("0x0x1", CPUSET_MAX, -EINVAL, "not a hex digit");
	assert_mask_rejected("f\n", CPUSET_MAX, -EINVAL, "not a hex digit");
	assert_mask_rejected("123456789,00000000", CPUSET_MAX, -EINVAL,
			     "more than 8 digits");
	assert_mask_rejected("100", 7, -ERANGE, "above 7");
	assert_mask_rejected("1,00000000", 31, -ERANGE, "above 31");
}

static void test_masks_huge_input(void **state)
{
	size_t n = 1 << 20;
	char *big = xmalloc(n + 2);
	_cleanup_cpuset_ struct cpuset s = { 0 };
	char *hex;

	/* leading zeros cost nothing, however many */
	memset(big, '0', n);
	memcpy(big + n, "1", 2);
	assert_int_equal(cpuset_parse_mask(big, CPUSET_MAX, &s, NULL), 0);
	assert_list(&s, "0");
	/* one CPU above the largest set: refused, not grown into */
	big[0] = '1';
	assert_mask_rejected(big, CPUSET_MAX, -ERANGE, "above 16383");
	/* every CPU there is, and back */
	cpuset_free(&s);
	assert_int_equal(cpuset_add_range(&s, 0, CPUSET_MAX), 0);
	hex = cpuset_format_mask(&s);
	assert_int_equal(strlen(hex), (CPUSET_MAX + 1) / 32 * 9 - 1);
	cpuset_free(&s);
	assert_int_equal(cpuset_parse_mask(hex, CPUSET_MAX, &s, NULL), 0);
	assert_int_equal(cpuset_count(&s), CPUSET_MAX + 1);
	free(hex);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_grows_and_counts),
		cmocka_unit_test(test_ranges_across_words),
		cmocka_unit_test(test_lists_round_trip),
		cmocka_unit_test(test_lists_refuse_broken_input),
		cmocka_unit_test(test_lists_huge_input),
		cmocka_unit_test(test_masks_as_the_kernel_prints_them),
		cmocka_unit_test(test_masks_refuse_broken_input),
		cmocka_unit_test(test_masks_huge_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
