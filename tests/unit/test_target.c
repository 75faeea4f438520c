// SPDX-License-Identifier: GPL-2.0-or-later
/* Target lists (SPEC: "Targets are comma-separated globs"): what parses,
 * what is refused and why, and which names a list takes in, with a bare
 * '*' decided by the domain's predicate. */
#include <errno.h>
#include <string.h>

#include "unit.h"

#include "hosttune/target.h"

/* A stand-in domain: everything is a default member but "lo" and names
 * starting "loop". */
static bool fake_default(const struct host *h, const char *name)
{
	(void)h;
	return strcmp(name, "lo") && strncmp(name, "loop", 4);
}

static void assert_parses(const char *text, size_t n)
{
	struct target_list l = { 0 };
	char *err = NULL;

	if (target_list_parse(text, &l, &err) < 0)
		fail_msg("'%s' refused: %s", text, err);
	assert_int_equal(l.n, n);
	target_list_free(&l);
	assert_null(l.buf);
}

static void assert_refused(const char *text, const char *needle)
{
	struct target_list l = { .n = 99 };
	char *err = NULL;

	if (target_list_parse(text, &l, &err) == 0)
		fail_msg("'%s' accepted", text);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("'%s': '%s' lacks '%s'", text, err, needle);
	assert_int_equal(l.n, 99); /* untouched on failure */
	free(err);
}

static void test_parse(void **state)
{
	(void)state;
	assert_parses("sda", 1);
	assert_parses("*", 1);
	assert_parses("*,!dm-*", 2);
	assert_parses("en*,!enp0s31f6", 2);
	assert_parses("sda,sda", 2); /* duplicates are harmless */
	assert_parses("cciss!c0d0", 1); /* '!' inside is the name's */
	assert_parses("v[!0]", 1);
	assert_parses("!a,b", 2);
}

static void test_parse_errors(void **state)
{
	(void)state;
	assert_refused("", "empty element");
	assert_refused(",sda", "empty element");
	assert_refused("sda,", "empty element");
	assert_refused("a,,b", "empty element");
	assert_refused("!", "followed by");
	assert_refused("*,!", "followed by");
	assert_refused("!sda", "only excludes");
	assert_refused("!sda,!sdb", "only excludes");
	assert_refused("*,!!sda", "once");
	assert_refused("a, b", "no blanks");
	assert_refused("a,b\tc", "no blanks");
	assert_refused("a,b\x1b", "control");
}

static void assert_in(const char *list, const char *name, bool want)
{
	struct target_list l = { 0 };
	char *err = NULL;

	assert_int_equal(target_list_parse(list, &l, &err), 0);
	if (target_list_match(&l, name, 0, NULL, fake_default) != want)
		fail_msg("'%s' %s '%s'", list, want ? "lacks" : "takes in",
			 name);
	target_list_free(&l);
}

static void test_match(void **state)
{
	(void)state;
	/* A bare '*' is the domain's default members only. */
	assert_in("*", "eth0", true);
	assert_in("*", "lo", false);
	assert_in("*", "loop0", false);
	/* Any other glob is fnmatch's, whatever the predicate says. */
	assert_in("l*", "lo", true);
	assert_in("?*", "loop0", true);
	assert_in("lo", "lo", true);
	assert_in("*,loop*", "loop0", true);
	assert_in("*,loop*", "lo", false);
	/* An exclusion wins, wherever it stands. */
	assert_in("!eth1,e*", "eth1", false);
	assert_in("e*,!eth1", "eth0", true);
	assert_in("e*,!eth?", "eth0", false);
	assert_in("?*,!*", "eth0", false);
	assert_in("?*,!*", "loop0", true);
	assert_in("eth0,eth1", "eth1", true);
	assert_in("eth0,eth1", "eth2", false);
	assert_in("cciss!c0d0", "cciss!c0d0", true);
	assert_in("v[!0]", "v1", true);
	assert_in("v[!0]", "v0", false);
}

static void test_is_name(void **state)
{
	(void)state;
	assert_true(target_is_name("sda"));
	assert_true(target_is_name("cciss!c0d0"));
	assert_true(target_is_name("eth0.100"));
	assert_false(target_is_name(""));
	assert_false(target_is_name("sd*"));
	assert_false(target_is_name("sd?"));
	assert_false(target_is_name("sd[ab]"));
	assert_false(target_is_name("sda,sdb"));
	assert_false(target_is_name("!sda"));
}

static int check_short(const char *glob, char **ret_err)
{
	if (strlen(glob) > 4) {
		*ret_err = xstrdup("too long");
		return -EINVAL;
	}
	return 0;
}

/* A domain's own limits apply to each element, not to the whole list;
 * with several elements, the message names the one at fault. */
static void test_validate(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(
		target_list_validate("abcd,!efgh,ijkl", check_short, &err), 0);
	assert_null(err);
	assert_int_equal(target_list_validate("abcde", check_short, &err),
			 -EINVAL);
	assert_string_equal(err, "too long");
	free(err);
	err = NULL;
	assert_int_equal(target_list_validate("abc,!abcde", check_short, &err),
			 -EINVAL);
	assert_string_equal(err, "'abcde': too long");
	free(err);
	err = NULL;
	assert_int_equal(target_list_validate("abc,,d", check_short, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "empty element"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_is_name),
		cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
