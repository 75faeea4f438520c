// SPDX-License-Identifier: GPL-2.0-or-later
/* The block domain on fixture trees: device globs (whole disks only),
 * choice-list schedulers, audit/apply/rollback, hostile input. */
#include <errno.h>
#include <sys/stat.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/profile.h"

#include "domain.c.inc"

#include "choice.c.inc"

extern const struct check_ops block_ops;

#define DISKS "block-disks"
#define GARBAGE "block-garbage"
#define Q(dev, key) "sys/block/" dev "/queue/" key

/* ---- targets, keys and values ---- */

static void test_targets_and_keys_are_validated(void **state)
{
	struct env *e = env_open(DISKS, false);

	assert_rejected(e, "[block]\nscheduler = none\n", "needs an argument");
	assert_rejected(e, "[block ../sda]\nscheduler = none\n", "not a path");
	assert_rejected(e, "[block sda/queue]\nnomerges = 0\n", "not a path");
	assert_rejected(e, "[block ..]\nnomerges = 0\n", "not a path");
	assert_rejected(e, "[block sda]\nqueue/../../x = 1\n", "unknown key");
	assert_rejected(e, "[block sda]\nrotational = 0\n", "unknown key");
	/* Target lists: SPEC's comma-separated globs. */
	assert_rejected(e, "[block ,sda]\nnomerges = 0\n",
			"t.ini:1: [block ,sda]: empty element");
	assert_rejected(e, "[block sda,]\nnomerges = 0\n", "empty element");
	assert_rejected(e, "[block !sda]\nnomerges = 0\n", "only excludes");
	assert_rejected(e, "[block !sda,!sdb]\nnomerges = 0\n",
			"only excludes");
	assert_rejected(e, "[block *,!]\nnomerges = 0\n", "followed by");
	assert_rejected(e, "[block *,!!sda]\nnomerges = 0\n", "once");
	assert_rejected(e, "[block sda,../sdb]\nnomerges = 0\n",
			"'../sdb': expected a device name");
	env_close(e);
}

static void test_values_are_validated(void **state)
{
	struct env *e = env_open(DISKS, false);

	assert_rejected(e, "[block sda]\nadd_random = 2\n", "from 0 to 1");
	assert_rejected(e, "[block sda]\nrq_affinity = >=3\n", "from 0 to 2");
	assert_rejected(e, "[block sda]\nread_ahead_kb = 4M\n",
			"read_ahead_kb: ");
	assert_rejected(e, "[block sda]\nread_ahead_kb = -1\n", "integer");
	assert_rejected(e, "[block sda]\nnr_requests = max\n", "'max'");
	assert_rejected(e, "[block sda]\nscheduler = [none]\n", "not a sched");
	assert_rejected(e, "[block sda]\nscheduler = mq deadline\n",
			"not a sched");
	assert_rejected(e, "[block sda]\nscheduler = >=1\n", "scheduler name");
	assert_rejected(e, "[block sda]\nscheduler = none\x1b\n", "control");
	env_close(e);
}

static void test_write_refuses_what_parse_would(void **state)
{
	struct env *e = env_open(DISKS, true);

	assert_int_equal(block_ops.write(&e->h, "../sda", "nomerges", "1",
					 NULL),
			 -EINVAL);
	assert_int_equal(block_ops.write(&e->h, "sd*", "nomerges", "1", NULL),
			 -EINVAL);
	/* A snapshot names one device: a list is never written to. */
	assert_int_equal(block_ops.write(&e->h, "sda,nvme0n1", "nomerges", "1",
					 NULL),
			 -EINVAL);
	assert_int_equal(block_ops.write(&e->h, "sda", "nomerges", "x", NULL),
			 -EINVAL);
	assert_int_equal(block_ops.write(&e->h, "sda", "scheduler", "a b",
					 NULL),
			 -EINVAL);
	assert_int_equal(block_ops.write(&e->h, "sda", "size", "1", NULL),
			 -EINVAL);
	assert_file(e, Q("sda", "nomerges"), "0");
	env_close(e);
}

/* ---- expansion ---- */

/* block-disks has sda and nvme0n1 (each with a "device" link), loop0,
 * zram0, dm-0, md0 and ram0 (none), and the partitions sda1, sda2 and
 * nvme0n1p1 under sys/class/block only. */
static void test_star_is_every_disk_backed_by_a_device(void **state)
{
	struct env *e = env_open(DISKS, false);

	env_audit(e, "[block *]\nread_ahead_kb = 128\n");
	assert_int_equal(e->checks.n, 2);
	assert_check(e, "block:nvme0n1:read_ahead_kb", ST_OK, "128");
	assert_check(e, "block:sda:read_ahead_kb", ST_OK, "128");
	assert_true(env_find(e, "block:sda:read_ahead_kb")->from_glob);
	assert_false(env_has(e, "block:loop0:read_ahead_kb"));
	assert_false(env_has(e, "block:zram0:read_ahead_kb"));
	assert_false(env_has(e, "block:dm-0:read_ahead_kb"));
	assert_false(env_has(e, "block:md0:read_ahead_kb"));
	assert_false(env_has(e, "block:ram0:read_ahead_kb"));
	assert_false(env_has(e, "block:sda1:read_ahead_kb"));
	assert_false(env_has(e, "block:nvme0n1p1:read_ahead_kb"));
	env_close(e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The targets of e's checks, sorted and joined: "loop0 sda". */
static char *targets_of(struct env *e)
{
	struct strbuf sb = { 0 };
	char **v = xcalloc(e->checks.n, sizeof(*v));

	for (size_t i = 0; i < e->checks.n; i++)
		v[i] = ((struct check *)e->checks.v[i])->target;
	qsort(v, e->checks.n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < e->checks.n; i++) {
		if (i)
			strbuf_puts(&sb, " ");
		strbuf_puts(&sb, v[i]);
	}
	free(v);
	return sb.s ? strbuf_take(&sb) : xstrdup("");
}

static void assert_targets(const char *section, const char *want)
{
	struct env *e = env_open(DISKS, false);
	char *text = xasprintf("[block %s]\nnomerges = 0\n", section);
	char *got;

	env_audit(e, text);
	got = targets_of(e);
	if (strcmp(got, want))
		fail_msg("[block %s] audits '%s', wanted '%s'", section, got,
			 want);
	free(got);
	free(text);
	env_close(e);
}

static void test_target_lists(void **state)
{
	assert_targets("*,loop*", "loop0 nvme0n1 sda");
	assert_targets("*,!nvme*", "sda");
	assert_targets("*,*", "nvme0n1 sda");
	/* Any glob but a bare '*' matches by name, virtual devices too. */
	assert_targets("?*", "dm-0 loop0 md0 nvme0n1 ram0 sda zram0");
	assert_targets("*,zram0,dm-?,!sda", "dm-0 nvme0n1 zram0");
	assert_targets("loop*,ram*,md*", "loop0 md0 ram0");
	assert_targets("?*,!*", "dm-0 loop0 md0 ram0 zram0");
	/* A list of plain names is matched against the host too. */
	assert_targets("sda,sdz", "sda");
}

static void test_explicit_names_any_device(void **state)
{
	struct env *e = env_open(DISKS, false);

	env_audit(e, "[block *]\nnomerges = 1\n"
		     "[block dm-0]\nscheduler = none\nnomerges = 0\n"
		     "[block sda]\nnomerges = 0\n"
		     "[block sda,nvme0n1]\nnomerges = 2\n");
	assert_check(e, "block:dm-0:scheduler", ST_OK, "none");
	assert_check(e, "block:dm-0:nomerges", ST_OK, "0");
	assert_false(env_find(e, "block:dm-0:nomerges")->from_glob);
	/* A plain name beats a list, a later list an earlier one. */
	assert_check(e, "block:sda:nomerges", ST_OK, "0");
	assert_check(e, "block:nvme0n1:nomerges", ST_DEVIATION, "0");
	assert_true(env_find(e, "block:nvme0n1:nomerges")->from_glob);
	assert_int_equal(e->checks.n, 4);
	env_close(e);
}

static void test_list_matching_nothing_is_one_missing(void **state)
{
	struct env *e = env_open(DISKS, false);
	struct check *c;

	env_audit(e, "[block vd*,xvd*]\nnomerges = 0\n"
		     "[block *,!sda,!nvme0n1]\nnomerges = 0\n"
		     "[block sdz]\nnomerges = 0\n");
	assert_int_equal(e->checks.n, 3);
	c = env_find(e, "block:vd*,xvd*:nomerges");
	assert_int_equal(c->status, ST_MISSING);
	assert_true(c->unmatched);
	assert_check(e, "block:*,!sda,!nvme0n1:nomerges", ST_MISSING, NULL);
	/* A name the host lacks is read, and missing, as before. */
	c = env_find(e, "block:sdz:nomerges");
	assert_int_equal(c->status, ST_MISSING);
	assert_false(c->unmatched);
	env_close(e);
}

static void test_glob_and_explicit(void **state)
{
	struct env *e = env_open(DISKS, false);

	/* An explicit device beats a glob, wherever the lines are. */
	env_audit(e, "[block sda]\nnr_requests = 64\n"
		     "[block *,loop*]\nnr_requests = 128\n"
		     "[block nvme*]\nscheduler = none\n"
		     "[block sda1]\nnr_requests = 1\n"
		     "[block vd*]\nnr_requests = 1\n");
	assert_check(e, "block:sda:nr_requests", ST_OK, "64");
	assert_check(e, "block:nvme0n1:nr_requests", ST_DEVIATION, "1023");
	assert_check(e, "block:loop0:nr_requests", ST_OK, "128");
	assert_check(e, "block:nvme0n1:scheduler", ST_OK, "none");
	/* A partition is no block device of its own; a glob that matches
	 * nothing is one missing check. */
	assert_check(e, "block:sda1:nr_requests", ST_MISSING, NULL);
	assert_check(e, "block:vd*:nr_requests", ST_MISSING, NULL);
	assert_true(env_find(e, "block:vd*:nr_requests")->unmatched);
	env_close(e);
}

static void test_partition_in_sys_block_is_skipped(void **state)
{
	struct env *e = env_open(GARBAGE, false);

	env_audit(e, "[block sd*]\nread_ahead_kb = 128\n");
	assert_false(env_has(e, "block:sdx1:read_ahead_kb"));
	assert_true(env_has(e, "block:sdx:read_ahead_kb"));
	assert_check(e, "block:sdy:read_ahead_kb", ST_OK, "128");
	env_close(e);
}

/* ---- reading ---- */

static void test_scheduler_reads_the_selected_entry(void **state)
{
	struct env *e = env_open(DISKS, false);

	env_audit(e, "[block *,loop0]\nscheduler = mq-deadline|none\n");
	assert_check(e, "block:sda:scheduler", ST_OK, "mq-deadline");
	/* The first alternative the device offers is the one wanted. */
	assert_check(e, "block:nvme0n1:scheduler", ST_DEVIATION, "none");
	assert_check(e, "block:loop0:scheduler", ST_DEVIATION, "none");
	env_close(e);
}

static void test_garbage_is_deviation_or_error(void **state)
{
	struct env *e = env_open(GARBAGE, false);

	env_audit(e, "[block sdx]\nscheduler = none\nread_ahead_kb = 128\n"
		     "nr_requests = 64\nrq_affinity = 1\nadd_random = 0\n"
		     "nomerges = 0\n");
	/* No brackets: nothing is selected; the whole line deviates. */
	assert_check(e, "block:sdx:scheduler", ST_DEVIATION,
		     "mq-deadline kyber none");
	assert_check(e, "block:sdx:read_ahead_kb", ST_DEVIATION, "lots");
	assert_check(e, "block:sdx:nr_requests", ST_ERROR, NULL);
	assert_check(e, "block:sdx:rq_affinity", ST_ERROR, NULL);
	assert_check(e, "block:sdx:add_random", ST_DEVIATION,
		     "18446744073709551616");
	assert_check(e, "block:sdx:nomerges", ST_DEVIATION, "2");
	env_close(e);
}

static void test_garbage_never_plans_a_bad_write(void **state)
{
	struct env *e = env_open(GARBAGE, true);

	env_audit(e, "[block sdx]\nscheduler = none\nnr_requests = 64\n");
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "block:sdx:nr_requests: cannot"));
	/* The unbracketed scheduler line lists no choice named "none"
	 * alone, so the wanted one is taken from it: still planned. */
	assert_int_equal(e->changes.n, 1);
	env_close(e);
}

/* ---- apply and rollback ---- */

#define TUNED                                                         \
	"[block nvme*]\nscheduler = none\nread_ahead_kb = >=4096\n"   \
	"nr_requests = 2048\n"                                        \
	"[block sda]\nscheduler = bfq|mq-deadline\nrq_affinity = 2\n" \
	"add_random = 0\nnomerges = 1\n"                              \
	"[block loop0]\nscheduler = mq-deadline\n"

static void test_apply_audit_clean_rollback(void **state)
{
	struct env *e = env_open(DISKS, true);

	env_audit(e, TUNED);
	assert_int_equal(env_count(e, ST_DEVIATION), 7);
	assert_int_equal(env_count(e, ST_OK), 1);
	assert_int_equal(env_apply(e), 0);
	assert_int_equal(e->changes.n, 7);
	assert_file(e, Q("sda", "scheduler"), "bfq");
	assert_file(e, Q("loop0", "scheduler"), "mq-deadline");
	assert_file(e, Q("nvme0n1", "read_ahead_kb"), "4096");

	/* Saved values are names the kernel takes back, never the list. */
	for (size_t i = 0; i < e->changes.n; i++)
		assert_null(
			strchr(((struct change *)e->changes.v[i])->from, '['));

	/* Applied, a second audit is clean and plans nothing. */
	{
		struct env *again = env_view(e);

		env_audit(again, TUNED);
		assert_int_equal(env_count(again, ST_DEVIATION), 0);
		assert_int_equal(env_apply(again), 0);
		assert_int_equal(again->changes.n, 0);
		env_close(again);
	}

	env_rollback(e);
	assert_tree_restored(e, DISKS);
	env_close(e);
}

static void test_scheduler_not_offered_fails_the_plan(void **state)
{
	struct env *e = env_open(DISKS, true);

	env_audit(e, "[block loop0]\nscheduler = kyber|bfq\nnomerges = 2\n");
	assert_check(e, "block:loop0:scheduler", ST_DEVIATION, "none");
	assert_non_null(strstr(env_find(e, "block:loop0:scheduler")->detail,
			       "offers: none mq-deadline"));
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "block:loop0:scheduler"));
	assert_file(e, Q("loop0", "scheduler"), "none");
	assert_file(e, Q("loop0", "nomerges"), "0");
	env_close(e);
}

/* The offered list is read once, with the value: match and plan use what
 * the audit saw, even when the device's file changes behind them. */
static void test_offered_list_is_read_once(void **state)
{
	struct env *e = env_open(DISKS, true);
	struct check *c;
	char *path;

	env_audit(e, "[block loop0]\nscheduler = kyber|mq-deadline\n");
	c = env_find(e, "block:loop0:scheduler");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_true(c->choice);
	assert_string_equal(c->offered, "none mq-deadline");
	put_file(e, Q("loop0", "scheduler"), "[none] mq-deadline kyber\n");
	assert_false(check_matches(&e->h, c));
	assert_planned(e, c, "mq-deadline");
	/* Gone after the audit: the plan still stands on what was read. */
	path = xasprintf("%s/" Q("loop0", "scheduler"), e->root);
	assert_int_equal(unlink(path), 0);
	assert_planned(e, c, "mq-deadline");
	free(path);
	env_close(e);
}

/* The scheduler file is its own list of choices, so the device always
 * says what it offers; an empty list offers nothing and plans nothing. */
static void test_empty_scheduler_list_offers_nothing(void **state)
{
	struct env *e = env_open(DISKS, true);
	struct check *c;

	put_file(e, Q("loop0", "scheduler"), "\n");
	env_audit(e, "[block loop0]\nscheduler = none\n");
	c = env_find(e, "block:loop0:scheduler");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_string_equal(c->offered, "");
	assert_string_equal(c->detail,
			    "not offered by loop0, which offers: nothing");
	assert_planned(e, c, NULL);
	assert_int_equal(env_apply(e), -EIO);
	env_close(e);
}

static void test_read_only_file_is_not_planned(void **state)
{
	struct env *e = env_open(DISKS, true);
	char *p = xasprintf("%s/" Q("sda", "nomerges"), e->root);

	assert_int_equal(chmod(p, 0444), 0);
	env_audit(e, "[block sda]\nnomerges = 2\n");
	assert_true(env_find(e, "block:sda:nomerges")->read_only);
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "read-only"));
	free(p);
	env_close(e);
}

/* An enumeration's found: the checks kept in the test's vector. */
static void push_found(struct check *c, void *checks)
{
	ptrvec_push(checks, c);
}

static void test_enumerate_every_queue_setting(void **state)
{
	struct env *e = env_open(DISKS, false);

	assert_int_equal(block_ops.enumerate(&e->h, push_found, &e->checks), 0);
	/* Every device /sys/block lists, not only what a bare '*' means:
	 * a baseline before experiments. */
	assert_int_equal(e->checks.n, 7 * 6);
	/* each read by enumerate itself */
	for (size_t i = 0; i < e->checks.n; i++) {
		struct check *c = e->checks.v[i];

		assert_int_equal(c->status, ST_OK);
		assert_non_null(c->raw);
	}
	assert_string_equal(env_find(e, "block:sda:scheduler")->raw,
			    "mq-deadline");
	env_close(e);
}

static void test_snapshot_key_validation(void **state)
{
	char *key = NULL, *err = NULL;

	assert_int_equal(block_ops.parse_key("sda", "nomerges", &key, &err), 0);
	assert_string_equal(key, "nomerges");
	free(key);
	assert_int_equal(block_ops.parse_key("sda", "../x", &key, &err),
			 -EINVAL);
	assert_non_null(err);
	free(err);
	err = NULL;
	assert_int_equal(block_ops.parse_target("a\nb", &err), -EINVAL);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_and_keys_are_validated),
		cmocka_unit_test(test_values_are_validated),
		cmocka_unit_test(test_write_refuses_what_parse_would),
		cmocka_unit_test(test_star_is_every_disk_backed_by_a_device),
		cmocka_unit_test(test_target_lists),
		cmocka_unit_test(test_explicit_names_any_device),
		cmocka_unit_test(test_list_matching_nothing_is_one_missing),
		cmocka_unit_test(test_glob_and_explicit),
		cmocka_unit_test(test_partition_in_sys_block_is_skipped),
		cmocka_unit_test(test_scheduler_reads_the_selected_entry),
		cmocka_unit_test(test_garbage_is_deviation_or_error),
		cmocka_unit_test(test_garbage_never_plans_a_bad_write),
		cmocka_unit_test(test_apply_audit_clean_rollback),
		cmocka_unit_test(test_scheduler_not_offered_fails_the_plan),
		cmocka_unit_test(test_offered_list_is_read_once),
		cmocka_unit_test(test_empty_scheduler_list_offers_nothing),
		cmocka_unit_test(test_read_only_file_is_not_planned),
		cmocka_unit_test(test_enumerate_every_queue_setting),
		cmocka_unit_test(test_snapshot_key_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
