// SPDX-License-Identifier: GPL-2.0-or-later
/* Processes under a root: /proc entries that are and are not processes,
 * selection by name, pid or self, and start times read from stat lines
 * whose command names hold blanks, parentheses and whole fake stat tails;
 * then the same on the running kernel, with a child named to confuse. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "unit.h"

#include "hosttune/proc.h"

#define BASIC "proc-basic"

static struct host *open_basic(void)
{
	struct host *h = xcalloc(1, sizeof(*h));
	char *root = xasprintf("%s/%s", fixtures_dir(), BASIC);

	assert_int_equal(host_open(root, h), 0);
	free(root);
	return h;
}

static void close_host(struct host *h)
{
	host_close(h);
	free(h);
}

/* The pids a selector names, as "1,2,3". */
static char *selected(struct host *h, const char *selector)
{
	struct strbuf sb = { 0 };
	pid_t *pids = NULL;
	size_t n = 0;

	assert_int_equal(proc_select(h, selector, &pids, &n), 0);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%d", i ? "," : "", (int)pids[i]);
	free(pids);
	return strbuf_take(&sb);
}

static void assert_selects(struct host *h, const char *selector,
			   const char *want)
{
	char *got = selected(h, selector);

	if (strcmp(got, want))
		fail_msg("'%s' selects '%s', wanted '%s'", selector, got, want);
	free(got);
}

/* ---- targets ---- */

static void test_targets(void **state)
{
	pid_t pid = -1;
	char *s;

	assert_int_equal(proc_target_pid("self", &pid), 0);
	assert_int_equal(pid, 0);
	assert_int_equal(proc_target_pid("pid:42", &pid), 0);
	assert_int_equal(pid, 42);
	assert_int_equal(proc_target_pid("pid:4194304", &pid), 0);
	assert_int_equal(pid, PROC_PID_MAX);
	pid = 7;
	assert_int_equal(proc_target_pid("pid:0", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("pid:-1", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("pid:4194305", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("pid:99999999999999999999", &pid),
			 -EINVAL);
	assert_int_equal(proc_target_pid("pid:", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("pid:1x", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("pid: 1", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("42", &pid), -EINVAL);
	assert_int_equal(proc_target_pid("Self", &pid), -EINVAL);
	assert_int_equal(pid, 7);

	assert_true(proc_selects_one("self"));
	assert_true(proc_selects_one("pid:x"));
	assert_false(proc_selects_one("nginx"));
	assert_false(proc_selects_one("selfish"));

	s = proc_target(0);
	assert_string_equal(s, "self");
	free(s);
	s = proc_target(42);
	assert_string_equal(s, "pid:42");
	free(s);
	s = proc_path(0, "comm");
	assert_string_equal(s, "proc/self/comm");
	free(s);
	s = proc_path(42, "limits");
	assert_string_equal(s, "proc/42/limits");
	free(s);
}

/* ---- listing and selecting ---- */

static void test_pids_in_numeric_order(void **state)
{
	struct host *h = open_basic();
	struct strbuf sb = { 0 };
	pid_t *pids = NULL;
	size_t n = 0;

	assert_int_equal(proc_list_pids(h, &pids, &n), 0);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%d", i ? "," : "", (int)pids[i]);
	/* Not 0, 0100, +43, 4194305 or 99999999999999999999: the kernel
	 * names no process so. 44 is a file, listed all the same: its
	 * comm cannot be read, so no name selects it. */
	assert_string_equal(sb.s, "1,7,8,9,10,11,12,13,14,15,16,17,18,20,42,"
				  "44,100");
	free(sb.s);
	free(pids);
	close_host(h);
}

static void test_select_by_name(void **state)
{
	struct host *h = open_basic();

	assert_selects(h, "nginx", "42,100");
	assert_selects(h, "systemd", "1");
	assert_selects(h, "Web Content", "16");
	assert_selects(h, "a b) c (d", "7");
	/* the whole name, in its case, and nothing else */
	assert_selects(h, "ngin", "");
	assert_selects(h, "NGINX", "");
	assert_selects(h, "nginx\n", "");
	assert_selects(h, "", "");
	/* proc/self is no pid entry: no name selects it */
	assert_selects(h, "hosttune", "");
	close_host(h);
}

static void test_select_one(void **state)
{
	struct host *h = open_basic();
	pid_t *pids = (pid_t *)1;
	size_t n = 99;

	assert_selects(h, "self", "0");
	assert_selects(h, "pid:42", "42");
	/* not running: reading it will say so */
	assert_selects(h, "pid:4242", "4242");
	assert_int_equal(proc_select(h, "pid:0", &pids, &n), -EINVAL);
	assert_int_equal(proc_select(h, "pid:x", &pids, &n), -EINVAL);
	assert_int_equal(proc_select(h, "pid:", &pids, &n), -EINVAL);
	assert_int_equal(proc_select(h, "pid:4194305", &pids, &n), -EINVAL);
	assert_ptr_equal(pids, (pid_t *)1);
	assert_int_equal(n, 99);
	close_host(h);
}

static void test_no_proc_at_all(void **state)
{
	struct host h;
	char *root = xasprintf("%s/cpu-amd", fixtures_dir());
	pid_t *pids = NULL;
	size_t n = 0;

	assert_int_equal(host_open(root, &h), 0);
	assert_int_equal(proc_list_pids(&h, &pids, &n), -ENOENT);
	assert_int_equal(proc_select(&h, "nginx", &pids, &n), -ENOENT);
	assert_null(pids);
	assert_selects(&h, "pid:1", "1");
	host_close(&h);
	free(root);
}

static void test_comm(void **state)
{
	struct host *h = open_basic();
	char *comm = NULL;

	assert_int_equal(proc_read_comm(h, 42, &comm), 0);
	assert_string_equal(comm, "nginx");
	free(comm);
	assert_int_equal(proc_read_comm(h, 7, &comm), 0);
	assert_string_equal(comm, "a b) c (d");
	free(comm);
	assert_int_equal(proc_read_comm(h, 0, &comm), 0);
	assert_string_equal(comm, "hosttune");
	free(comm);
	comm = NULL;
	assert_int_equal(proc_read_comm(h, 20, &comm), -ENOENT);
	assert_int_equal(proc_read_comm(h, 4242, &comm), -ENOENT);
	assert_true(proc_read_comm(h, 44, &comm) < 0);
	assert_null(comm);
	close_host(h);
}

/* ---- start times ---- */

static void assert_start(struct host *h, pid_t pid, uint64_t want)
{
	uint64_t t = 0;
	int r = proc_read_start_time(h, pid, &t);

	if (r < 0)
		fail_msg("pid %d: %s", (int)pid, strerror(-r));
	assert_int_equal(t, want);
}

static void assert_no_start(struct host *h, pid_t pid, int want)
{
	uint64_t t = 12345;

	assert_int_equal(proc_read_start_time(h, pid, &t), want);
	assert_int_equal(t, 12345);
}

static void test_start_time_of_fixture(void **state)
{
	struct host *h = open_basic();

	assert_start(h, 1, 25);
	assert_start(h, 42, 4200);
	assert_start(h, 0, 4242);
	/* names with blanks and parentheses */
	assert_start(h, 7, 700);
	assert_start(h, 8, 800);
	assert_start(h, 16, 1600);
	/* a name that holds a stat tail with 999 where field 22 would be:
	 * counted from the first ')', that is what one would read */
	assert_start(h, 9, 900);
	/* lines that are not the kernel's */
	assert_no_start(h, 10, -EBADMSG); /* ends at field 21 */
	assert_no_start(h, 11, -EBADMSG); /* "soon" */
	assert_no_start(h, 12, -EBADMSG); /* beyond 64 bits */
	assert_no_start(h, 13, -EBADMSG); /* no parentheses */
	assert_no_start(h, 14, -EBADMSG); /* empty */
	assert_no_start(h, 17, -EBADMSG); /* two blanks: a field is empty */
	assert_no_start(h, 18, -EBADMSG); /* negative */
	/* a directory: whatever the host-file layer calls it, no time */
	assert_true(proc_read_start_time(h, 15, &(uint64_t){ 0 }) < 0);
	assert_no_start(h, 20, -ENOENT);
	assert_no_start(h, 4242, -ENOENT);
	close_host(h);
}

/* "N (NAME) S" and 18 fields more, the last one t. */
static char *stat_line(const char *pid, const char *name, const char *t)
{
	return xasprintf("%s (%s) S 1 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 "
			 "1 0 %s 40718336 2695 18446744073709551615",
			 pid, name, t);
}

static void assert_line(const char *pid, const char *name, const char *t,
			int want, uint64_t want_t)
{
	char *line = stat_line(pid, name, t);
	uint64_t got = 0;

	assert_int_equal(proc_stat_start_time(line, &got), want);
	if (want == 0)
		assert_int_equal(got, want_t);
	free(line);
}

static void test_start_time_of_hostile_lines(void **state)
{
	const char *bad[] = {
		"",	 ")",	   "(",	       "1",	     "1 (",
		"1 (x",	 "1 x) S", " (x) S",   "x (x) S",    "1(x) S",
		"1 (x)", "1 (x) ", "1 (x)S 1", "1 (x) S\n1",
	};
	uint64_t t = 7;

	assert_line("1", "x", "25", 0, 25);
	assert_line("1", "", "25", 0, 25);
	assert_line("1", ")", "26", 0, 26);
	assert_line("1", "(", "27", 0, 27);
	assert_line("1", ") (", "28", 0, 28);
	assert_line("1", "a\nb", "29", 0, 29);
	assert_line("1", "x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999", "30",
		    0, 30);
	assert_line("1", "x", "18446744073709551615", 0, UINT64_MAX);
	assert_line("1", "x", "18446744073709551616", -EBADMSG, 0);
	assert_line("1", "x", "+5", -EBADMSG, 0);
	assert_line("1", "x", "0x10", -EBADMSG, 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (proc_stat_start_time(bad[i], &t) != -EBADMSG)
			fail_msg("'%s' parsed", bad[i]);
	assert_int_equal(t, 7);
}

/* A name of 1 MiB made of ") 1 2 3 ...": linear time, the right field. */
static void test_start_time_of_huge_line(void **state)
{
	static const char fake[] =
		") R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 ";
	struct strbuf sb = { 0 };
	clock_t start = clock();
	char *line;
	uint64_t t = 0;

	while (sb.len < (1 << 20))
		strbuf_puts(&sb, fake);
	line = stat_line("1", sb.s, "31");
	assert_int_equal(proc_stat_start_time(line, &t), 0);
	assert_int_equal(t, 31);
	assert_true(clock() - start < 2 * CLOCKS_PER_SEC);
	free(line);
	free(sb.s);
}

/* ---- the running kernel ---- */

static void test_live_child_with_a_hostile_name(void **state)
{
	static const char name[] = "a) b (c 1 2";
	struct host h;
	int fds[2];
	pid_t child, *pids = NULL;
	uint64_t mine = 0, its = 0;
	size_t n = 0;
	char c;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		prctl(PR_SET_NAME, name);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		alarm(30);
		for (;;)
			pause();
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);

	assert_int_equal(host_open("/", &h), 0);
	assert_int_equal(proc_read_start_time(&h, 0, &mine), 0);
	assert_int_equal(proc_read_start_time(&h, getpid(), &its), 0);
	assert_int_equal(mine, its);
	assert_int_equal(proc_read_start_time(&h, child, &its), 0);
	assert_true(its >= mine);
	assert_int_equal(proc_select(&h, name, &pids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], child);
	free(pids);
	host_close(&h);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_pids_in_numeric_order),
		cmocka_unit_test(test_select_by_name),
		cmocka_unit_test(test_select_one),
		cmocka_unit_test(test_no_proc_at_all),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_start_time_of_fixture),
		cmocka_unit_test(test_start_time_of_hostile_lines),
		cmocka_unit_test(test_start_time_of_huge_line),
		cmocka_unit_test(test_live_child_with_a_hostile_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
