// SPDX-License-Identifier: GPL-2.0-or-later
/* The numa domain on fixture trees: host-wide and per-node huge pages,
 * THP choice files, a kernel command line that pins THP, hostile input. */
#include <errno.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/profile.h"

#include "domain.c.inc"

#include "choice.c.inc"

extern const struct check_ops numa_ops;

#define TWO "numa-2node"
#define PINNED "numa-thp-pinned"
#define THP "sys/kernel/mm/transparent_hugepage/"
#define NODE_HP(n, size)                                              \
	"sys/devices/system/node/node" n "/hugepages/hugepages-" size \
	"/nr_hugepages"

#define EVERY_KEY                                                       \
	"[numa]\nbalancing = 0\nzone_reclaim_mode = 0\n"                \
	"transparent_hugepage = never\n"                                \
	"transparent_hugepage_defrag = defer+madvise\n"                 \
	"hugepages_2048kB = 2048\nhugepages_1048576kB = >=4\nksm = 1\n" \
	"[numa node1]\nhugepages_2048kB = 1024\n"                       \
	"hugepages_1048576kB = 2\n"

/* ---- sections, keys and values ---- */

static void test_targets_are_nodes(void **state)
{
	struct env *e = env_open(TWO, false);

	assert_rejected(e, "[numa ../node0]\nksm = 0\n", "nodeN");
	assert_rejected(e, "[numa node]\nhugepages_2048kB = 1\n", "nodeN");
	assert_rejected(e, "[numa node01]\nhugepages_2048kB = 1\n", "nodeN");
	assert_rejected(e, "[numa node+1]\nhugepages_2048kB = 1\n", "nodeN");
	assert_rejected(e, "[numa node1024]\nhugepages_2048kB = 1\n", "nodeN");
	assert_rejected(e, "[numa 1]\nhugepages_2048kB = 1\n", "nodeN");
	assert_int_equal(
		env_parse(e, "[numa node1023]\nhugepages_2048kB = 1\n"), 0);
	env_close(e);
}

static void test_keys_and_values_are_validated(void **state)
{
	struct env *e = env_open(TWO, false);

	assert_rejected(e, "[numa]\nhugepages = 1\n", "unknown key");
	assert_rejected(e, "[numa]\n../../etc/passwd = 1\n", "unknown key");
	assert_rejected(e, "[numa node0]\nksm = 1\n", "host-wide");
	assert_rejected(e, "[numa node0]\ntransparent_hugepage = never\n",
			"host-wide");
	assert_rejected(e, "[numa]\nksm = 3\n", "from 0 to 2");
	assert_rejected(e, "[numa]\nbalancing = on\n", "integer");
	assert_rejected(e, "[numa]\nhugepages_2048kB = 1G\n",
			"hugepages_2048kB: ");
	assert_rejected(e, "[numa]\nhugepages_2048kB = max\n", "'max'");
	assert_rejected(e, "[numa]\ntransparent_hugepage = [never]\n",
			"not a mode");
	assert_rejected(e, "[numa]\ntransparent_hugepage = <=2\n", "a mode");
	env_close(e);
}

/* ---- reading ---- */

static void test_audit_two_nodes(void **state)
{
	struct env *e = env_open(TWO, false);

	env_audit(e, EVERY_KEY);
	assert_int_equal(e->checks.n, 9);
	assert_check(e, "numa:balancing", ST_DEVIATION, "1");
	assert_check(e, "numa:zone_reclaim_mode", ST_OK, "0");
	assert_check(e, "numa:transparent_hugepage", ST_DEVIATION, "madvise");
	assert_check(e, "numa:transparent_hugepage_defrag", ST_DEVIATION,
		     "madvise");
	assert_check(e, "numa:hugepages_2048kB", ST_DEVIATION, "1024");
	assert_check(e, "numa:hugepages_1048576kB", ST_DEVIATION, "2");
	assert_check(e, "numa:ksm", ST_DEVIATION, "0");
	assert_check(e, "numa:node1:hugepages_2048kB", ST_DEVIATION, "512");
	assert_check(e, "numa:node1:hugepages_1048576kB", ST_DEVIATION, "1");
	env_close(e);
}

static void test_thp_alternatives_pick_the_first_offered(void **state)
{
	struct env *e = env_open(TWO, false);

	env_audit(e, "[numa]\ntransparent_hugepage = madvise|never\n"
		     "transparent_hugepage_defrag = defer+madvise|madvise\n");
	assert_check(e, "numa:transparent_hugepage", ST_OK, "madvise");
	assert_check(e, "numa:transparent_hugepage_defrag", ST_DEVIATION,
		     "madvise");
	env_reset(e);
	env_audit(e, "[numa]\ntransparent_hugepage = sometimes|madvise\n");
	assert_check(e, "numa:transparent_hugepage", ST_OK, "madvise");
	env_reset(e);
	env_audit(e, "[numa]\ntransparent_hugepage = sometimes\n");
	assert_check(e, "numa:transparent_hugepage", ST_DEVIATION, "madvise");
	assert_non_null(strstr(env_find(e, "numa:transparent_hugepage")->detail,
			       "offers: always madvise never"));
	assert_int_equal(env_apply(e), -EIO);
	env_close(e);
}

/* The offered list is read once, with the value: match and plan use what
 * the audit saw, even when the kernel's file changes behind them. */
static void test_offered_list_is_read_once(void **state)
{
	struct env *e = env_open(TWO, true);
	struct check *ok, *off;

	env_audit(e, "[numa]\ntransparent_hugepage = sometimes|madvise\n"
		     "transparent_hugepage_defrag = sometimes|never\n");
	ok = env_find(e, "numa:transparent_hugepage");
	off = env_find(e, "numa:transparent_hugepage_defrag");
	assert_int_equal(ok->status, ST_OK);
	assert_int_equal(off->status, ST_DEVIATION);
	assert_string_equal(off->offered,
			    "always defer defer+madvise madvise never");
	put_file(e, THP "enabled", "always madvise never [sometimes]\n");
	put_file(e, THP "defrag", "[sometimes] never\n");
	assert_true(check_matches(&e->h, ok));
	assert_false(check_matches(&e->h, off));
	assert_planned(e, off, "never");
	env_close(e);
}

/* A choice file is its own list, so the kernel always says what it
 * offers; an empty one offers nothing and plans nothing. */
static void test_empty_list_offers_nothing(void **state)
{
	struct env *e = env_open(TWO, true);
	struct check *c;

	put_file(e, THP "enabled", "\n");
	env_audit(e, "[numa]\ntransparent_hugepage = never\n");
	c = env_find(e, "numa:transparent_hugepage");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_string_equal(
		c->detail, "not offered by this kernel, which offers: nothing");
	assert_planned(e, c, NULL);
	assert_int_equal(env_apply(e), -EIO);
	env_close(e);
}

static void test_missing_node_and_size(void **state)
{
	struct env *e = env_open(TWO, false);

	env_audit(e, "[numa node7]\nhugepages_2048kB = 0\n");
	assert_check(e, "numa:node7:hugepages_2048kB", ST_MISSING, NULL);
	env_close(e);
}

/* ---- apply and rollback ---- */

static void test_apply_audit_clean_rollback(void **state)
{
	struct env *e = env_open(TWO, true), *again;

	env_audit(e, EVERY_KEY);
	assert_int_equal(env_apply(e), 0);
	assert_int_equal(e->changes.n, 8);
	assert_file(e, THP "enabled", "never");
	assert_file(e, THP "defrag", "defer+madvise");
	assert_file(e,
		    "sys/kernel/mm/hugepages/hugepages-1048576kB/"
		    "nr_hugepages",
		    "4");
	assert_file(e, NODE_HP("1", "2048kB"), "1024");
	assert_file(e, NODE_HP("0", "2048kB"), "512");
	assert_file(e, "proc/sys/kernel/numa_balancing", "0");

	again = env_view(e);
	env_audit(again, EVERY_KEY);
	assert_int_equal(env_count(again, ST_DEVIATION), 0);
	assert_int_equal(env_apply(again), 0);
	assert_int_equal(again->changes.n, 0);
	env_close(again);

	env_rollback(e);
	assert_tree_restored(e, TWO);
	env_close(e);
}

/* ---- transparent_hugepage= on the kernel command line ---- */

/* transparent_hugepage= on the command line sets only the boot default
 * of a sysfs file: the check is an ordinary deviation that apply fixes
 * (never manual), and the detail names the boot setting. */
static void test_cmdline_sets_only_the_boot_default(void **state)
{
	struct env *e = env_open(PINNED, true);
	struct check *c;

	env_audit(e, "[numa]\ntransparent_hugepage = always\n"
		     "transparent_hugepage_defrag = never\nbalancing = 1\n");
	c = env_find(e, "numa:transparent_hugepage");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_string_equal(c->actual, "never");
	assert_non_null(strstr(c->detail, "transparent_hugepage=never"));
	assert_int_equal(env_apply(e), 0);
	assert_int_equal(e->changes.n, 3);
	assert_file(e, THP "enabled", "always");
	assert_file(e, "proc/sys/kernel/numa_balancing", "1");
	env_rollback(e);
	assert_file(e, THP "enabled", "never");
	env_close(e);
}

static void test_cmdline_after_dashes_is_not_the_kernels(void **state)
{
	struct env *e = env_open(TWO, true);

	put_file(e, "proc/cmdline", "ro quiet -- transparent_hugepage=never\n");
	env_audit(e, "[numa]\ntransparent_hugepage = madvise\n");
	assert_check(e, "numa:transparent_hugepage", ST_OK, "madvise");
	put_file(e, "proc/cmdline",
		 "ro dyndbg=\"file x.c +p\" transparent_hugepage=always\n");
	env_reset(e);
	env_audit(e, "[numa]\ntransparent_hugepage = madvise\n");
	assert_check(e, "numa:transparent_hugepage", ST_OK, "madvise");
	assert_non_null(strstr(env_find(e, "numa:transparent_hugepage")->detail,
			       "transparent_hugepage=always"));
	env_close(e);
}

/* ---- hostile values ---- */

static void test_garbage_is_deviation_or_error(void **state)
{
	struct env *e = env_open(PINNED, true);

	env_audit(e, "[numa]\nksm = 1\n");
	assert_check(e, "numa:ksm", ST_DEVIATION, "running");
	put_file(e, "proc/cmdline", "ro\n");
	put_file(e, THP "enabled", "[always [never\n");
	put_file(e, THP "defrag", "\n");
	env_reset(e);
	env_audit(e, "[numa]\ntransparent_hugepage = never\n"
		     "transparent_hugepage_defrag = never\n");
	assert_check(e, "numa:transparent_hugepage", ST_DEVIATION, NULL);
	assert_check(e, "numa:transparent_hugepage_defrag", ST_DEVIATION, "");
	assert_int_equal(env_apply(e), -EIO);
	assert_int_equal(numa_ops.write(&e->h, NULL, "ksm", "1; reboot", NULL),
			 -EINVAL);
	assert_int_equal(numa_ops.write(&e->h, NULL, "transparent_hugepage",
					"a b", NULL),
			 -EINVAL);
	assert_int_equal(numa_ops.write(&e->h, "../x", "hugepages_2048kB", "1",
					NULL),
			 -EINVAL);
	env_close(e);
}

/* An enumeration's found: the checks kept in the test's vector. */
static void push_found(struct check *c, void *checks)
{
	ptrvec_push(checks, c);
}

static void test_enumerate(void **state)
{
	struct env *e = env_open(TWO, false);
	size_t readable = 0;

	assert_int_equal(numa_ops.enumerate(&e->h, push_found, &e->checks), 0);
	/* 7 host-wide keys, 2 huge page sizes on each of 2 nodes. */
	assert_int_equal(e->checks.n, 7 + 2 * 2);
	/* each read by enumerate itself */
	for (size_t i = 0; i < e->checks.n; i++) {
		struct check *c = e->checks.v[i];

		readable += c->status == ST_OK && c->raw;
	}
	assert_int_equal(readable, e->checks.n);
	assert_string_equal(env_find(e, "numa:transparent_hugepage")->raw,
			    "madvise");
	env_close(e);
}

static void test_snapshot_keys(void **state)
{
	char *key = NULL, *err = NULL;

	assert_int_equal(
		numa_ops.parse_key("node1", "hugepages_2048kB", &key, &err), 0);
	free(key);
	assert_int_equal(numa_ops.parse_key("node1", "ksm", &key, &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(numa_ops.parse_target("node1/../..", &err), -EINVAL);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_are_nodes),
		cmocka_unit_test(test_keys_and_values_are_validated),
		cmocka_unit_test(test_audit_two_nodes),
		cmocka_unit_test(test_thp_alternatives_pick_the_first_offered),
		cmocka_unit_test(test_offered_list_is_read_once),
		cmocka_unit_test(test_empty_list_offers_nothing),
		cmocka_unit_test(test_missing_node_and_size),
		cmocka_unit_test(test_apply_audit_clean_rollback),
		cmocka_unit_test(test_cmdline_sets_only_the_boot_default),
		cmocka_unit_test(test_cmdline_after_dashes_is_not_the_kernels),
		cmocka_unit_test(test_garbage_is_deviation_or_error),
		cmocka_unit_test(test_enumerate),
		cmocka_unit_test(test_snapshot_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
