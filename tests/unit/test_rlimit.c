// SPDX-License-Identifier: GPL-2.0-or-later
/* The rlimit domain: /proc/PID/limits as this machine prints it and hostile
 * variants of it, processes chosen by name, pid or self, soft and hard
 * limits with "unlimited", what a change needs (irreversible, capability),
 * and prlimit(2) on a child of the test. */
#include <errno.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/profile.h"

#include "domain.c.inc"

extern const struct check_ops rlimit_ops;

#define BASIC "rlimit-basic"
#define HOSTILE "rlimit-hostile"

static struct check *read_one(struct env *e, const char *target,
			      const char *key)
{
	struct check *c = check_new(&rlimit_ops, target, key);

	check_read(&e->h, c);
	return c;
}

static void assert_limit(struct env *e, const char *target, const char *key,
			 const char *want)
{
	struct check *c = read_one(e, target, key);

	if (c->status != ST_OK)
		fail_msg("%s %s: %s (%s)", target, key, status_name(c->status),
			 c->detail ? c->detail : "");
	assert_string_equal(c->actual, want);
	check_free(c);
}

static enum status limit_status(struct env *e, const char *target,
				const char *key)
{
	struct check *c = read_one(e, target, key);
	enum status st = c->status;

	check_free(c);
	return st;
}

/* ---- sections, keys and values ---- */

static void test_targets_are_validated(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_int_equal(env_parse(e, "[rlimit nginx]\nnofile = 1\n"), 0);
	assert_int_equal(env_parse(e, "[rlimit pid:1]\nnofile = 1\n"), 0);
	assert_int_equal(env_parse(e, "[rlimit self]\nnofile = 1\n"), 0);
	assert_int_equal(env_parse(e, "[rlimit Web Content]\nnofile = 1\n"), 0);
	assert_int_equal(env_parse(e, "[rlimit kworker/0:1]\nnofile = 1\n"), 0);
	assert_rejected(e, "[rlimit]\nnofile = 1\n", "needs an argument");
	assert_rejected(e, "[rlimit pid:0]\nnofile = 1\n", "pid:N");
	assert_rejected(e, "[rlimit pid:-5]\nnofile = 1\n", "pid:N");
	assert_rejected(e, "[rlimit pid:12x]\nnofile = 1\n", "pid:N");
	assert_rejected(e, "[rlimit pid:]\nnofile = 1\n", "pid:N");
	assert_rejected(e, "[rlimit pid:99999999999]\nnofile = 1\n", "pid:N");
	assert_rejected(e, "[rlimit abcdefghijklmnop]\nnofile = 1\n",
			"at most 15");
	env_close(e);
}

static void test_keys_and_values_are_validated(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_rejected(e, "[rlimit self]\nfiles = 1\n", "unknown limit");
	assert_rejected(e, "[rlimit self]\nNOFILE = 1\n", "unknown limit");
	assert_rejected(e, "[rlimit self]\nnofile.soft = 1\n", "unknown limit");
	assert_rejected(e, "[rlimit self]\nnofile.hard.x = 1\n",
			"unknown limit");
	assert_rejected(e, "[rlimit self]\nnofile = -1\n", "not negative");
	assert_rejected(e, "[rlimit self]\nnofile = >=-1\n", "not negative");
	assert_rejected(e, "[rlimit self]\nnofile = 64K\n", "suffix");
	assert_rejected(e, "[rlimit self]\nnofile = lots\n", "'unlimited'");
	assert_rejected(e, "[rlimit self]\nnofile = >=unlimited\n", "integer");
	assert_rejected(e, "[rlimit self]\nnofile.hard = max\n", "'max'");
	assert_int_equal(env_parse(e, "[rlimit self]\nnofile = max\n"), 0);
	env_close(e);
}

static void test_values_are_canonical(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct setting *s;

	assert_int_equal(env_parse(e, "[rlimit self]\nmemlock = 64M\n"
				      "core = infinity\nstack.hard = "
				      "18446744073709551615\n"),
			 0);
	s = e->p.settings.v[0];
	assert_string_equal(s->key, "memlock");
	assert_string_equal(s->expect.alts[0], "67108864");
	s = e->p.settings.v[1];
	assert_string_equal(s->expect.alts[0], "unlimited");
	s = e->p.settings.v[2];
	assert_string_equal(s->key, "stack.hard");
	assert_string_equal(s->expect.alts[0], "unlimited");
	env_close(e);
}

/* ---- which processes ---- */

static void test_name_matches_every_process(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *a, *b;

	env_audit(e, "[rlimit nginx]\nnofile = >=1024\n");
	assert_int_equal(e->checks.n, 2);
	a = e->checks.v[0];
	b = e->checks.v[1];
	/* unique ids: COMM@PID */
	assert_string_equal(a->id, "rlimit:nginx@100:nofile");
	assert_string_equal(b->id, "rlimit:nginx@200:nofile");
	assert_string_equal(a->target, "pid:100");
	assert_string_equal(b->target, "pid:200");
	assert_string_equal(a->actual, "1024");
	assert_string_equal(b->actual, "2048");
	env_audit(e, "[rlimit Web Content]\nnofile = 32768\n");
	assert_check(e, "rlimit:Web Content@300:nofile", ST_OK, "32768");
	env_close(e);
}

static void test_name_matching_nothing_is_one_missing_check(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *c;

	env_audit(e, "[rlimit postgres]\nnofile = 1\nnofile.hard = 2\n");
	assert_int_equal(e->checks.n, 2);
	c = env_find(e, "rlimit:postgres:nofile");
	assert_true(c->unmatched);
	assert_null(c->target);
	assert_int_equal(c->status, ST_MISSING);
	assert_non_null(strstr(c->detail, "no process"));
	/* a prefix or another case is not the name */
	env_audit(e, "[rlimit ngin]\nnofile = 1\n");
	assert_check(e, "rlimit:ngin:nofile", ST_MISSING, NULL);
	env_audit(e, "[rlimit NGINX]\nnofile = 1\n");
	assert_check(e, "rlimit:NGINX:nofile", ST_MISSING, NULL);
	env_close(e);
}

static void test_pid_and_self(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[rlimit pid:100]\nnofile = 1024\n[rlimit self]\n"
		     "stack = 8M\n[rlimit pid:4242]\nnofile = 1\n");
	assert_check(e, "rlimit:nginx@100:nofile", ST_OK, "1024");
	assert_string_equal(env_find(e, "rlimit:nginx@100:nofile")->target,
			    "pid:100");
	assert_check(e, "rlimit:hosttune@self:stack", ST_OK, "8388608");
	assert_check(e, "rlimit:?@4242:nofile", ST_MISSING, NULL);
	env_close(e);
}

/* A target is read where it is written: "pid:0100" is process 100, and
 * a target that names no process is not read at all (it once read
 * /proc/<its fifth byte on>/limits: "abcd1" read pid 1). */
static void test_targets_read_the_process_written(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *c;

	env_audit(e, "[rlimit pid:0100]\nnofile = 1024\n");
	c = env_find(e, "rlimit:nginx@100:nofile");
	assert_string_equal(c->target, "pid:100");
	assert_int_equal(c->status, ST_OK);
	assert_limit(e, "pid:0100", "nofile", "1024");
	assert_int_equal(limit_status(e, "abcd1", "nofile"), ST_ERROR);
	assert_int_equal(limit_status(e, "nginx", "nofile"), ST_ERROR);
	env_close(e);
}

/* ---- reading /proc/PID/limits ---- */

static void test_limits_of_this_machine(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_limit(e, "pid:1", "nofile", "32768");
	assert_limit(e, "pid:1", "nproc", "96365");
	assert_limit(e, "pid:1", "memlock", "unlimited");
	assert_limit(e, "pid:1", "stack", "8388608");
	assert_limit(e, "pid:1", "stack.hard", "unlimited");
	assert_limit(e, "pid:1", "core", "0");
	assert_limit(e, "pid:1", "cpu", "unlimited");
	assert_limit(e, "pid:1", "fsize", "unlimited");
	assert_limit(e, "pid:1", "data", "unlimited");
	assert_limit(e, "pid:1", "as", "unlimited");
	assert_limit(e, "pid:1", "rss", "unlimited");
	assert_limit(e, "pid:1", "locks", "unlimited");
	assert_limit(e, "pid:1", "sigpending", "96365");
	assert_limit(e, "pid:1", "msgqueue", "819200");
	assert_limit(e, "pid:1", "nice", "0");
	assert_limit(e, "pid:1", "rtprio", "0");
	assert_limit(e, "pid:1", "rttime", "unlimited");
	assert_limit(e, "pid:100", "nofile", "1024");
	assert_limit(e, "pid:100", "nofile.hard", "4096");
	assert_limit(e, "pid:100", "memlock", "65536");
	assert_limit(e, "pid:100", "core.hard", "unlimited");
	env_close(e);
}

static void test_soft_limit_reports_hard_as_max(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *c = read_one(e, "pid:100", "nofile");

	assert_string_equal(c->max, "4096");
	check_free(c);
	c = read_one(e, "pid:100", "nofile.hard");
	assert_null(c->max);
	check_free(c);
	env_close(e);
}

static void test_hostile_limits_files(void **state)
{
	struct env *e = env_open(HOSTILE, false);
	struct check *c;

	/* cut in the middle of "Max open files": soft, no hard */
	assert_int_equal(limit_status(e, "pid:400", "nofile"), ST_ERROR);
	assert_int_equal(limit_status(e, "pid:400", "nproc"), ST_OK);
	assert_int_equal(limit_status(e, "pid:400", "memlock"), ST_MISSING);
	/* garbage where a number belongs */
	c = read_one(e, "pid:401", "nofile");
	assert_int_equal(c->status, ST_ERROR);
	assert_non_null(strstr(c->detail, "Max open files"));
	assert_null(c->actual);
	check_free(c);
	assert_int_equal(limit_status(e, "pid:401", "nproc"), ST_OK);
	/* lines a kernel might not have */
	assert_int_equal(limit_status(e, "pid:402", "nofile"), ST_MISSING);
	assert_int_equal(limit_status(e, "pid:402", "rttime"), ST_MISSING);
	assert_int_equal(limit_status(e, "pid:402", "stack"), ST_OK);
	/* the same resource twice: which one? */
	assert_int_equal(limit_status(e, "pid:403", "nofile"), ST_ERROR);
	assert_int_equal(limit_status(e, "pid:404", "nofile"), ST_MISSING);
	env_close(e);
}

static void test_huge_limits_file_is_an_error(void **state)
{
	struct env *e = env_open(HOSTILE, true);
	char *path = xasprintf("%s/proc/404/limits", e->root);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (int i = 0; i < 10 * 1024; i++) {
		char line[1024];

		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		fprintf(f, "%s\n", line);
	}
	fprintf(f, "Max open files  1  2  files\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(limit_status(e, "pid:404", "nofile"), ST_ERROR);
	free(path);
	env_close(e);
}

/* ---- match and plan ---- */

static char *plan_of(struct env *e, const char *id)
{
	char *v = NULL;

	assert_int_equal(check_plan_value(&e->h, env_find(e, id), &v), 0);
	return v;
}

static void assert_plan(struct env *e, const char *id, const char *want)
{
	char *v = plan_of(e, id);

	assert_string_equal(v, want);
	free(v);
}

static void test_unlimited_is_above_every_number(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[rlimit pid:1]\nmemlock = >=64M\nstack.hard = "
		     ">=1073741824\nfsize = <=1G\ncore.hard = unlimited\n"
		     "cpu = 0..100\n");
	assert_check(e, "rlimit:process_api@1:memlock", ST_OK, "unlimited");
	assert_check(e, "rlimit:process_api@1:stack.hard", ST_OK, NULL);
	assert_check(e, "rlimit:process_api@1:fsize", ST_DEVIATION, NULL);
	assert_plan(e, "rlimit:process_api@1:fsize", "1073741824");
	assert_check(e, "rlimit:process_api@1:core.hard", ST_OK, NULL);
	assert_check(e, "rlimit:process_api@1:cpu", ST_DEVIATION, NULL);
	assert_plan(e, "rlimit:process_api@1:cpu", "100");
	env_close(e);
}

static void test_plans(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[rlimit pid:100]\nnofile = max\nnofile.hard = 2048\n"
		     "memlock = unlimited|1M\ncore = <=0\n"
		     "[rlimit pid:200]\nnofile = 1000..2000\n"
		     "[rlimit pid:1]\nnofile = >=65536\n");
	assert_check(e, "rlimit:nginx@100:nofile", ST_DEVIATION, "1024");
	assert_plan(e, "rlimit:nginx@100:nofile", "4096");
	assert_plan(e, "rlimit:nginx@100:nofile.hard", "2048");
	assert_plan(e, "rlimit:nginx@100:memlock", "unlimited");
	assert_check(e, "rlimit:nginx@100:core", ST_OK, "0");
	assert_plan(e, "rlimit:nginx@200:nofile", "2000");
	assert_plan(e, "rlimit:process_api@1:nofile", "65536");
	env_close(e);
}

/* ---- what a change needs ---- */

static bool have_sys_resource(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_PERMITTED, &v);
	cap_free(caps);
	return v == CAP_SET;
}

static void test_lowering_a_hard_limit_is_irreversible(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *hard = read_one(e, "pid:100", "nofile.hard");
	struct check *soft = read_one(e, "pid:100", "nofile");
	char *why;

	why = rlimit_ops.irreversible(&e->h, hard, "2048");
	if (have_sys_resource()) {
		assert_null(why);
	} else {
		assert_non_null(why);
		assert_non_null(strstr(why, "CAP_SYS_RESOURCE"));
		assert_non_null(strstr(why, "4096"));
	}
	free(why);
	assert_null(rlimit_ops.irreversible(&e->h, hard, "8192"));
	assert_null(rlimit_ops.irreversible(&e->h, hard, "unlimited"));
	assert_null(rlimit_ops.irreversible(&e->h, soft, "1"));
	check_free(hard);
	check_free(soft);
	env_close(e);
}

static void test_capability_for_each_change(void **state)
{
	struct env *e = env_open(BASIC, true);
	char *status = xasprintf("Name:\tnginx\nUid:\t%u\t%u\t%u\t%u\n"
				 "Gid:\t%u\t%u\t%u\t%u\n",
				 getuid(), getuid(), getuid(), getuid(),
				 getgid(), getgid(), getgid(), getgid());
	struct check *c;

	put_file(e, "proc/100/status", status);
	put_file(e, "proc/200/status",
		 "Name:\tnginx\nUid:\t4242\t4242\t4242"
		 "\t4242\nGid:\t4242\t4242\t4242\t4242\n");
	c = read_one(e, "pid:100", "nofile");
	assert_int_equal(rlimit_ops.cap_for(&e->h, c, "4096"), -1);
	check_free(c);
	c = read_one(e, "pid:100", "nofile.hard");
	assert_int_equal(rlimit_ops.cap_for(&e->h, c, "2048"), -1);
	assert_int_equal(rlimit_ops.cap_for(&e->h, c, "8192"),
			 CAP_SYS_RESOURCE);
	assert_int_equal(rlimit_ops.cap_for(&e->h, c, "unlimited"),
			 CAP_SYS_RESOURCE);
	check_free(c);
	/* another user's process, even for a soft limit */
	if (getuid() != 4242) {
		c = read_one(e, "pid:200", "nofile");
		assert_int_equal(rlimit_ops.cap_for(&e->h, c, "1024"),
				 CAP_SYS_RESOURCE);
		check_free(c);
	}
	/* no status to tell: assume it is needed */
	c = read_one(e, "pid:300", "nofile");
	put_file(e, "proc/300/status", "Name:\tx\n");
	assert_int_equal(rlimit_ops.cap_for(&e->h, c, "1024"),
			 CAP_SYS_RESOURCE);
	check_free(c);
	free(status);
	env_close(e);
}

static void test_other_root_is_never_written(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[rlimit pid:100]\nnofile = 2048\n");
	assert_true(env_find(e, "rlimit:nginx@100:nofile")->read_only);
	assert_int_equal(rlimit_ops.write(&e->h, "pid:100", "nofile", "2048",
					  NULL),
			 -EOPNOTSUPP);
	env_close(e);
}

/* ---- prlimit(2) on a live child ---- */

/* A child that waits; it ends by itself if a failed assertion leaves it
 * behind. Its limits are set from here, as hosttune sets them. */
static pid_t spawn_child(void)
{
	struct rlimit lim = { .rlim_cur = 512, .rlim_max = 1024 };
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(30);
		for (;;)
			pause();
	}
	if (prlimit(pid, RLIMIT_NOFILE, &lim, NULL) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		skip(); /* our own hard limit is below 1024 */
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_prlimit_on_a_child(void **state)
{
	struct host h;
	pid_t pid = spawn_child();
	char *target = xasprintf("pid:%d", (int)pid);
	struct check *c;
	struct rlimit mine, after;

	assert_int_equal(host_open("/", &h), 0);
	assert_true(h.live);
	getrlimit(RLIMIT_NOFILE, &mine);
	c = check_new(&rlimit_ops, target, "nofile");
	check_read(&h, c);
	assert_string_equal(c->actual, "512");
	assert_string_equal(c->max, "1024");
	assert_false(c->read_only);
	check_free(c);

	assert_int_equal(rlimit_ops.write(&h, target, "nofile", "1024", NULL),
			 0);
	c = check_new(&rlimit_ops, target, "nofile");
	check_read(&h, c);
	assert_string_equal(c->actual, "1024");
	assert_string_equal(c->max, "1024");
	check_free(c);
	/* the soft limit never goes above the hard one */
	assert_int_equal(rlimit_ops.write(&h, target, "nofile", "2048", NULL),
			 -EINVAL);
	assert_int_equal(rlimit_ops.write(&h, target, "nofile", "unlimited",
					  NULL),
			 -EINVAL);
	assert_int_equal(rlimit_ops.write(&h, target, "nofile", "100", NULL),
			 0);
	/* lowering the hard limit keeps the soft one */
	assert_int_equal(
		rlimit_ops.write(&h, target, "nofile.hard", "900", NULL), 0);
	c = check_new(&rlimit_ops, target, "nofile");
	check_read(&h, c);
	assert_string_equal(c->actual, "100");
	assert_string_equal(c->max, "900");
	check_free(c);
	assert_int_equal(rlimit_ops.write(&h, target, "nofile.hard", "50",
					  NULL),
			 -EINVAL);
	assert_int_equal(rlimit_ops.write(&h, target, "nofile", "x", NULL),
			 -EINVAL);
	assert_int_equal(rlimit_ops.write(&h, "pid:x", "nofile", "1", NULL),
			 -EINVAL);
	/* our own limits are untouched */
	getrlimit(RLIMIT_NOFILE, &after);
	assert_int_equal(mine.rlim_cur, after.rlim_cur);
	assert_int_equal(mine.rlim_max, after.rlim_max);
	reap(pid);
	c = check_new(&rlimit_ops, target, "nofile");
	check_read(&h, c);
	assert_int_equal(c->status, ST_MISSING);
	check_free(c);
	free(target);
	host_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_are_validated),
		cmocka_unit_test(test_keys_and_values_are_validated),
		cmocka_unit_test(test_values_are_canonical),
		cmocka_unit_test(test_name_matches_every_process),
		cmocka_unit_test(
			test_name_matching_nothing_is_one_missing_check),
		cmocka_unit_test(test_pid_and_self),
		cmocka_unit_test(test_targets_read_the_process_written),
		cmocka_unit_test(test_limits_of_this_machine),
		cmocka_unit_test(test_soft_limit_reports_hard_as_max),
		cmocka_unit_test(test_hostile_limits_files),
		cmocka_unit_test(test_huge_limits_file_is_an_error),
		cmocka_unit_test(test_unlimited_is_above_every_number),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_lowering_a_hard_limit_is_irreversible),
		cmocka_unit_test(test_capability_for_each_change),
		cmocka_unit_test(test_other_root_is_never_written),
		cmocka_unit_test(test_prlimit_on_a_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
