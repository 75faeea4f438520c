// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host-file layer: paths are validated, nothing resolves out of the
 * root, lists are sorted, values are read and written whole.
 *
 * Every test runs twice: with openat2(2), and in a child process where
 * openat2 fails with ENOSYS (an older kernel, a seccomp filter, valgrind),
 * which is when hostfs_open() takes its openat(2) fallback. The seam is
 * this file's own syscall(): hostfs.c calls syscall(SYS_openat2, ...) and
 * the executable's definition is the one the library links to.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/hostfs.h"

#define FIXTURE "unit-hostfs"

/* ---- the openat2 seam ---- */

static bool no_openat2;

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	if (no_openat2 && nr == SYS_openat2) {
		errno = ENOSYS;
		return -1;
	}
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ---- helpers ---- */

struct env {
	char *root; /* a copy of the fixture: TMP/root */
	char *outside; /* TMP/secret, beside the root */
	struct host h;
};

/* fixture_remove() runs "rm -rf ROOT/..", which GNU rm refuses: remove
 * the copy's directory ourselves. */
static void fixture_cleanup(char *root)
{
	char *copy, *cmd;

	if (!root)
		return;
	copy = xstrdup(root);
	cmd = xasprintf("rm -rf '%s'", dirname(copy));
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
	free(copy);
	free(root);
}

static void put_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len;

	assert_int_equal(read_file_limited(path, 4 << 20, &data, &len), 0);
	return data;
}

static int env_setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));

	*state = e;
	e->root = fixture_copy(FIXTURE);
	if (!e->root)
		return -1;
	e->outside = xasprintf("%s/../secret", e->root);
	put_file(e->outside, "secret\n", 7);
	return host_open(e->root, &e->h);
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	host_close(&e->h);
	fixture_cleanup(e->root);
	free(e->outside);
	free(e);
	return 0;
}

static char *in_root(struct env *e, const char *rel)
{
	return xasprintf("%s/%s", e->root, rel);
}

static void make_link(struct env *e, const char *target, const char *rel)
{
	char *path = in_root(e, rel);

	assert_int_equal(symlink(target, path), 0);
	free(path);
}

/* ---- hostfs_path_ok ---- */

static void assert_path_bad(const char *rel)
{
	if (hostfs_path_ok(rel) != -EINVAL)
		fail_msg("path '%s' accepted", rel);
}

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_path_ok_accepts_plain_paths(void **state)
{
	char *name255 = repeat('n', 255), *p = xasprintf("sys/%s", name255);

	assert_int_equal(hostfs_path_ok("proc/sys/vm/swappiness"), 0);
	assert_int_equal(hostfs_path_ok("proc/sys/net/ipv4/conf/eth0.100/x"),
			 0);
	assert_int_equal(hostfs_path_ok("a..b/...c/.d"), 0);
	assert_int_equal(hostfs_path_ok(p), 0);
	free(p);
	free(name255);
}

static void test_path_ok_rejects_empty_and_absolute(void **state)
{
	assert_path_bad("");
	assert_path_bad("/abs");
	assert_path_bad("/");
}

static void test_path_ok_rejects_dot_components(void **state)
{
	assert_path_bad("a/../b");
	assert_path_bad("..");
	assert_path_bad("../a");
	assert_path_bad("a/..");
	assert_path_bad(".");
	assert_path_bad("./a");
	assert_path_bad("a/./b");
}

static void test_path_ok_rejects_empty_components(void **state)
{
	assert_path_bad("a//b");
	assert_path_bad("a/");
}

static void test_path_ok_rejects_control_chars(void **state)
{
	assert_path_bad("a\nb");
	assert_path_bad("a\tb");
	assert_path_bad("a\x1b[0mb");
	assert_path_bad("a\x7f");
}

static void test_path_ok_rejects_5000_byte_path(void **state)
{
	char *p = xmalloc(5001);

	/* 100-byte components: only the total length is wrong. */
	for (size_t i = 0; i < 5000; i++)
		p[i] = (i % 100 == 99) ? '/' : 'a';
	p[4999] = 'a';
	p[5000] = '\0';
	assert_path_bad(p);
	free(p);
}

static void test_path_ok_rejects_300_byte_component(void **state)
{
	char *name = repeat('c', 300), *p = xasprintf("sys/%s/x", name);

	assert_path_bad(p);
	free(p);
	free(name);
}

/* ---- host_open ---- */

static void test_host_open_missing_root(void **state)
{
	struct host h = { .root_fd = -1 };

	assert_int_equal(host_open("/nonexistent/hosttune-root", &h), -ENOENT);
}

static void test_host_open_fixture_is_not_live(void **state)
{
	struct env *e = *state;
	struct host h = { .root_fd = -1 };

	assert_false(e->h.live);
	assert_int_equal(host_open("/", &h), 0);
	assert_true(h.live);
	host_close(&h);
}

/* ---- hostfs_open: nothing resolves out of the root ---- */

static void assert_open_fails(struct env *e, const char *rel, int flags)
{
	int fd = hostfs_open(&e->h, rel, flags);

	if (fd >= 0) {
		close(fd);
		fail_msg("'%s' opened", rel);
	}
}

static void test_open_rejects_dotdot(void **state)
{
	struct env *e = *state;

	assert_int_equal(hostfs_open(&e->h, "../secret", O_RDONLY), -EINVAL);
	assert_int_equal(hostfs_open(&e->h, "dir/../../secret", O_RDONLY),
			 -EINVAL);
}

/* Without openat2 (old kernels, seccomp, valgrind) the hand-made walk
 * must refuse the same escapes. */

static void test_open_refuses_relative_symlink_escape(void **state)
{
	struct env *e = *state;

	make_link(e, "../../..", "link");
	assert_open_fails(e, "link/etc/passwd", O_RDONLY);
	assert_open_fails(e, "link", O_RDONLY | O_DIRECTORY);
}

static void test_open_refuses_symlink_to_parent_file(void **state)
{
	struct env *e = *state;

	make_link(e, "../secret", "up");
	assert_open_fails(e, "up", O_RDONLY);
}

static void test_open_refuses_absolute_symlink(void **state)
{
	struct env *e = *state;

	make_link(e, "/", "abs");
	assert_open_fails(e, "abs/etc/passwd", O_RDONLY);
}

static void test_read_through_escaping_symlink_fails(void **state)
{
	struct env *e = *state;
	char *v = NULL;
	int r;

	make_link(e, "../secret", "up");
	r = hostfs_read(&e->h, "up", &v, NULL);
	assert_true(r < 0);
	assert_null(v);
}

static void test_write_through_escaping_symlink_fails(void **state)
{
	struct env *e = *state;
	char *data;
	int r;

	make_link(e, "../secret", "up");
	r = hostfs_write(&e->h, "up", "pwned");
	data = slurp(e->outside);
	assert_true(r < 0);
	assert_string_equal(data, "secret\n");
	free(data);
}

/* Run privileged, a hard link in a tree to a file outside it
 * (fs.protected_hardlinks=0 lets anyone make one to root's files) is
 * neither read nor written: the outside file keeps its content and shows
 * in no report. */
static void test_hard_link_out_of_the_tree_is_refused(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "hard");
	char *v = NULL, *data;

	assert_int_equal(link(e->outside, path), 0);
	/* unprivileged, the user reads what the user may anyway */
	assert_int_equal(hostfs_read(&e->h, "hard", &v, NULL), 0);
	assert_string_equal(v, "secret");
	free(v);
	v = NULL;
	e->h.privileged = true;
	assert_int_equal(hostfs_read(&e->h, "hard", &v, NULL), -EMLINK);
	assert_null(v);
	assert_int_equal(hostfs_read_once(&e->h, "hard", &v, NULL), -EMLINK);
	assert_int_equal(hostfs_read_writable(&e->h, "hard", &v, NULL),
			 -EMLINK);
	assert_null(v);
	assert_int_equal(hostfs_write(&e->h, "hard", "pwned"), -EMLINK);
	data = slurp(e->outside);
	assert_string_equal(data, "secret\n");
	assert_string_equal(hostfs_strerror(-EMLINK),
			    "the file has other hard links, refused");
	/* with its other name gone it is the tree's own file again */
	assert_int_equal(unlink(e->outside), 0);
	assert_int_equal(hostfs_write(&e->h, "hard", "mine"), 0);
	assert_int_equal(hostfs_read(&e->h, "hard", &v, NULL), 0);
	assert_string_equal(v, "mine");
	free(v);
	free(data);
	free(path);
}

/* Run privileged on a tree, a file in a directory others may write is read
 * only if it is that directory's owner's: a file of root's there is one
 * someone linked in (a hard link whose other name has since been replaced
 * has one link left, which no count shows). */
static void test_privileged_reads_only_the_holders_files(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "dir/file"), *dir = in_root(e, "dir");
	char *v = NULL;

	e->h.privileged = true;
	/* root's directory, root's file: read */
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), 0);
	assert_string_equal(v, "inner");
	free(v);
	v = NULL;
	/* another user's directory: root's file in it is not read */
	assert_int_equal(chown(dir, 65534, 65534), 0);
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), -EREMOTE);
	assert_null(v);
	assert_non_null(strstr(hostfs_strerror(-EREMOTE), "others may write"));
	/* nor through a symlink elsewhere in the tree */
	make_link(e, "dir/file", "via");
	assert_int_equal(hostfs_read(&e->h, "via", &v, NULL), -EREMOTE);
	/* their own file is */
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), 0);
	assert_string_equal(v, "inner");
	free(v);
	v = NULL;
	/* root's directory that its group may write: no file in it is read,
	 * root's or a member's (root owns it: no one's files are safe) */
	assert_int_equal(chown(dir, 0, 0), 0);
	assert_int_equal(chmod(dir, 0775), 0);
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), -EREMOTE);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), -EREMOTE);
	/* unprivileged, the tree's files are whatever its owner made them */
	e->h.privileged = false;
	assert_int_equal(hostfs_read(&e->h, "dir/file", &v, NULL), 0);
	free(v);
	assert_int_equal(chmod(dir, 0755), 0);
	free(path);
	free(dir);
}

static void test_symlink_inside_root_is_followed(void **state)
{
	struct env *e = *state;
	char *v = NULL;

	make_link(e, "dir/file", "inner");
	assert_int_equal(hostfs_read(&e->h, "inner", &v, NULL), 0);
	assert_string_equal(v, "inner");
	free(v);
}

static void test_open_dot_is_the_root(void **state)
{
	struct env *e = *state;
	int fd = hostfs_open(&e->h, ".", O_RDONLY | O_DIRECTORY);
	struct stat a, b;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(e->root, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
}

/* ---- hostfs_list ---- */

static void test_list_is_sorted_without_dots(void **state)
{
	struct env *e = *state;
	static const char *const want[] = { "10", "2", "C", "a", "b" };
	char **names = NULL;
	size_t n = 0;

	assert_int_equal(hostfs_list(&e->h, "list", &names, &n), 0);
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	strv_free(names, n);
}

static void test_list_of_missing_directory(void **state)
{
	struct env *e = *state;
	char **names = NULL;
	size_t n = 0;

	assert_int_equal(hostfs_list(&e->h, "nosuch", &names, &n), -ENOENT);
	assert_int_equal(hostfs_list(&e->h, "value", &names, &n), -ENOTDIR);
}

/* The typed listing: the same names, in the same order, each with the
 * type its directory entry gives (a walk stats nothing). */
static void test_list_typed_matches_list_with_types(void **state)
{
	struct env *e = *state;
	struct host_dirent *ents = NULL;
	char **names = NULL;
	size_t n = 0, nn = 0;

	assert_int_equal(hostfs_list(&e->h, "list", &names, &n), 0);
	assert_int_equal(hostfs_list_typed(&e->h, "list", &ents, &nn), 0);
	assert_int_equal(nn, n);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		_cleanup_free_ char *rel = xasprintf("list/%s", names[i]);

		assert_string_equal(ents[i].name, names[i]);
		assert_int_equal(hostfs_lstat(&e->h, rel, &st), 0);
		if (ents[i].type != DT_UNKNOWN)
			assert_int_equal(ents[i].type == DT_DIR,
					 S_ISDIR(st.st_mode));
	}
	strv_free(names, n);
	host_dirents_free(ents, nn);
	assert_int_equal(hostfs_list_typed(&e->h, "nosuch", &ents, &nn),
			 -ENOENT);
	assert_int_equal(hostfs_list_typed(&e->h, "value", &ents, &nn),
			 -ENOTDIR);
}

/* A directory larger than one getdents64 call (1,500 names of 100
 * bytes: about 190 KiB of records) is listed whole, sorted, with types;
 * one of a few names too (a single call, then the end). */
static void test_list_large_directory(void **state)
{
	struct env *e = *state;
	char *big = in_root(e, "big");
	struct host_dirent *ents = NULL;
	char **names = NULL;
	size_t n = 0, nn = 0;

	assert_int_equal(mkdir(big, 0755), 0);
	for (int i = 0; i < 1500; i++) {
		char *f = xasprintf("%s/%04d-%0*d", big, i, 95, i);

		if (i % 7 == 0)
			assert_int_equal(mkdir(f, 0755), 0);
		else
			put_file(f, "x", 1);
		free(f);
	}
	assert_int_equal(hostfs_list_typed(&e->h, "big", &ents, &n), 0);
	assert_int_equal(n, 1500);
	for (size_t i = 0; i < n; i++) {
		char want[128];

		snprintf(want, sizeof(want), "%04zu-%0*zu", i, 95, i);
		assert_string_equal(ents[i].name, want);
		if (ents[i].type != DT_UNKNOWN)
			assert_int_equal(ents[i].type == DT_DIR, i % 7 == 0);
	}
	host_dirents_free(ents, n);
	/* the names alone: each its own string the caller frees */
	assert_int_equal(hostfs_list(&e->h, "big", &names, &nn), 0);
	assert_int_equal(nn, 1500);
	for (size_t i = 0; i < nn; i += 499) {
		char want[128];

		snprintf(want, sizeof(want), "%04zu-%0*zu", i, 95, i);
		assert_string_equal(names[i], want);
	}
	strv_free(names, nn);
	free(big);
}

/* ---- hostfs_read ---- */

static void test_read_strips_one_newline_and_returns_mode(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "two"), *v = NULL;
	mode_t mode = 0;

	put_file(path, "a\n\n", 3);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(hostfs_read(&e->h, "two", &v, &mode), 0);
	assert_string_equal(v, "a\n");
	assert_int_equal(mode & 07777, 0640);
	assert_true(S_ISREG(mode));
	free(v);
	free(path);
}

/* hostfs_read_once() gives what hostfs_read() gives, for a file sized
 * to its content, one of more than a page, and an empty one. */
static void test_read_once_reads_whole_values(void **state)
{
	struct env *e = *state;
	static const size_t sizes[] = { 0, 5, 4095, 4096, 4097, 70000 };

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		char *path = in_root(e, "once"), *v = NULL, *w = NULL;
		char *data = xmalloc(sizes[k] + 1);

		memset(data, 'x', sizes[k]);
		put_file(path, data, sizes[k]);
		assert_int_equal(hostfs_read_once(&e->h, "once", &v, NULL), 0);
		assert_int_equal(hostfs_read(&e->h, "once", &w, NULL), 0);
		assert_int_equal(strlen(v), sizes[k]);
		assert_string_equal(v, w);
		free(v);
		free(w);
		free(data);
		free(path);
	}
}

static void test_read_empty_file(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "empty"), *v = NULL;

	put_file(path, "", 0);
	assert_int_equal(hostfs_read(&e->h, "empty", &v, NULL), 0);
	assert_string_equal(v, "");
	free(v);
	free(path);
}

static void test_read_directory_is_eisdir(void **state)
{
	struct env *e = *state;
	char *v = NULL;

	assert_int_equal(hostfs_read(&e->h, "dir", &v, NULL), -EISDIR);
	assert_null(v);
}

static void test_read_fifo_is_refused_without_blocking(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "fifo"), *v = NULL;

	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10); /* a hang kills the binary instead of the suite */
	assert_int_equal(hostfs_read(&e->h, "fifo", &v, NULL), -EINVAL);
	alarm(0);
	assert_null(v);
	free(path);
}

static void test_read_exactly_1mib_is_accepted(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "big"), *v = NULL;
	char *data = repeat('9', HOSTFS_MAX_VALUE);

	put_file(path, data, HOSTFS_MAX_VALUE);
	assert_int_equal(hostfs_read(&e->h, "big", &v, NULL), 0);
	assert_int_equal(strlen(v), HOSTFS_MAX_VALUE);
	free(v);
	free(data);
	free(path);
}

/* hostfs_read_max(): a file of exactly max bytes is read, one byte more
 * is -EFBIG, for caps below, at and above the first read's 4 KiB. */
static void test_read_max_is_exact(void **state)
{
	struct env *e = *state;
	static const size_t caps[] = { 1,    100,   4095,	    4096,
				       4097, 10000, 3 * 1024 * 1024 };

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t max = caps[i];
		char *path = in_root(e, "capped"), *v = NULL;
		char *data = repeat('7', max + 1);

		put_file(path, data, max);
		assert_int_equal(
			hostfs_read_max(&e->h, "capped", max, &v, NULL), 0);
		assert_int_equal(strlen(v), max);
		free(v);
		v = NULL;
		put_file(path, data, max + 1);
		assert_int_equal(hostfs_read_max(&e->h, "capped", max, &v,
						 NULL),
				 -EFBIG);
		assert_null(v);
		free(data);
		free(path);
	}
}

static void test_read_2mib_is_efbig(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "huge"), *v = NULL;
	char *data = repeat('9', 2 * 1024 * 1024);

	put_file(path, data, 2 * 1024 * 1024);
	assert_int_equal(hostfs_read(&e->h, "huge", &v, NULL), -EFBIG);
	assert_null(v);
	free(data);
	free(path);
}

static void test_read_nul_byte_is_ebadmsg(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "nul"), *v = NULL;

	put_file(path, "1\0002\n", 4);
	assert_int_equal(hostfs_read(&e->h, "nul", &v, NULL), -EBADMSG);
	assert_null(v);
	free(path);
}

/* ---- hostfs_write ---- */

static void test_write_replaces_content_no_stale_tail(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "value"), *data = slurp(path);

	assert_string_equal(data, "12345\n");
	free(data);
	assert_int_equal(hostfs_write(&e->h, "value", "1"), 0);
	data = slurp(path);
	assert_string_equal(data, "1\n");
	free(data);
	free(path);
}

static void test_write_missing_file_is_not_created(void **state)
{
	struct env *e = *state;
	char *path = in_root(e, "dir/new");
	struct stat st;

	assert_int_equal(hostfs_write(&e->h, "dir/new", "1"), -ENOENT);
	assert_int_equal(stat(path, &st), -1);
	free(path);
}

static void test_write_directory_fails(void **state)
{
	struct env *e = *state;

	assert_true(hostfs_write(&e->h, "dir", "1") < 0);
}

static void test_write_invalid_path_fails(void **state)
{
	struct env *e = *state;
	char *data;

	assert_int_equal(hostfs_write(&e->h, "../secret", "x"), -EINVAL);
	data = slurp(e->outside);
	assert_string_equal(data, "secret\n");
	free(data);
}

/* ---- hostfs_stat ---- */

static void test_stat_reports_type(void **state)
{
	struct env *e = *state;
	struct stat st;

	assert_int_equal(hostfs_stat(&e->h, "dir", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hostfs_stat(&e->h, "value", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 6);
	assert_int_equal(hostfs_stat(&e->h, "nosuch", &st), -ENOENT);
}

/* lstat sees a symlink as one, with openat2 and without: walks rely on it
 * to never follow a loop. */
static void test_lstat_sees_a_symlink(void **state)
{
	struct env *e = *state;
	char *link = xasprintf("%s/dirlink", e->root);
	struct stat st;

	assert_int_equal(symlink("dir", link), 0);
	assert_int_equal(hostfs_lstat(&e->h, "dirlink", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(hostfs_stat(&e->h, "dirlink", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hostfs_lstat(&e->h, "dir", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(unlink(link), 0);
	free(link);
}

/* ---- the /proc directory kept open between opens ---- */

/* With proc/self kept open (a file read there first), its magic links
 * are refused as they are from the root: the open relative to the kept
 * directory is O_NOFOLLOW, and its failure goes back to openat2. */
static void test_kept_proc_dir_refuses_magic_links(void **state)
{
	struct host h = { .root_fd = -1 };
	char *v = NULL;
	int fd;

	(void)state;
	assert_int_equal(host_open("/", &h), 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(hostfs_read(&h, "proc/self/comm", &v, NULL),
				 0);
		free(v);
		v = NULL;
		fd = hostfs_open(&h, "proc/self/root", O_RDONLY | O_DIRECTORY);
		if (fd >= 0)
			fail_msg("proc/self/root opened (round %d)", round);
		fd = hostfs_open(&h, "proc/self/cwd", O_RDONLY | O_DIRECTORY);
		if (fd >= 0)
			fail_msg("proc/self/cwd opened (round %d)", round);
	}
	host_close(&h);
}

/* Reads through the kept directory are the reads from the root: each key
 * of a /proc/sys directory, one after another, against a fresh host. */
static void test_kept_proc_dir_reads_as_from_root(void **state)
{
	const char *keys[] = { "proc/sys/kernel/ostype",
			       "proc/sys/kernel/osrelease",
			       "proc/sys/vm/overcommit_memory",
			       "proc/sys/kernel/ostype" };
	struct host h = { .root_fd = -1 };

	(void)state;
	assert_int_equal(host_open("/", &h), 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct host fresh = { .root_fd = -1 };
		char *a = NULL, *b = NULL;

		assert_int_equal(host_open("/", &fresh), 0);
		assert_int_equal(hostfs_read(&h, keys[i], &a, NULL), 0);
		assert_int_equal(hostfs_read(&fresh, keys[i], &b, NULL), 0);
		assert_string_equal(a, b);
		free(a);
		free(b);
		host_close(&fresh);
	}
	assert_int_equal(hostfs_read(&h, "proc/sys/kernel/no-such-key",
				     &(char *){ NULL }, NULL),
			 -ENOENT);
	host_close(&h);
}

/* A fixture tree's directory is never kept, even below its proc/:
 * replaced between two reads (renamed away, made again), the second read
 * sees the new one. */
static void test_replaced_fixture_dir_is_read_anew(void **state)
{
	struct env *e = *state;
	char *p = in_root(e, "proc"), *d = in_root(e, "proc/kept");
	char *old = in_root(e, "proc/kept.old"), *f = in_root(e, "proc/kept/v");
	char *v = NULL;

	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
	assert_int_equal(mkdir(d, 0755), 0);
	put_file(f, "1\n", 2);
	assert_int_equal(hostfs_read(&e->h, "proc/kept/v", &v, NULL), 0);
	assert_string_equal(v, "1");
	free(v);
	assert_int_equal(rename(d, old), 0);
	assert_int_equal(mkdir(d, 0755), 0);
	put_file(f, "2\n", 2);
	assert_int_equal(hostfs_read(&e->h, "proc/kept/v", &v, NULL), 0);
	assert_string_equal(v, "2");
	free(v);
	free(p);
	free(d);
	free(old);
	free(f);
}

/* A listing through the kept directories is the listing from the root,
 * the second time too (the kept descriptor is read from its start again). */
static void assert_same_listing(struct host *h, const char *rel)
{
	struct host fresh = { .root_fd = -1 };
	struct host_dirent *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;

	assert_int_equal(host_open("/", &fresh), 0);
	assert_int_equal(hostfs_list_typed(h, rel, &a, &na), 0);
	assert_int_equal(hostfs_list_typed(&fresh, rel, &b, &nb), 0);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].name, b[i].name);
		assert_int_equal(a[i].type, b[i].type);
	}
	host_dirents_free(a, na);
	host_dirents_free(b, nb);
	host_close(&fresh);
}

static void assert_same_value(struct host *h, const char *rel)
{
	struct host fresh = { .root_fd = -1 };
	char *a = NULL, *b = NULL;

	assert_int_equal(host_open("/", &fresh), 0);
	assert_int_equal(hostfs_read_once(h, rel, &a, NULL), 0);
	assert_int_equal(hostfs_read_once(&fresh, rel, &b, NULL), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	host_close(&fresh);
}

/* The order of a /proc/sys walk: a directory listed, a subdirectory
 * listed and read, then the parent's keys again, a sibling, a directory
 * two levels down and back up; each listing and value as from the root. */
static void test_kept_dirs_walk_as_from_root(void **state)
{
	struct host h = { .root_fd = -1 };

	(void)state;
	assert_int_equal(host_open("/", &h), 0);
	assert_same_listing(&h, "proc/sys/kernel");
	assert_same_listing(&h, "proc/sys/kernel/random");
	assert_same_value(&h, "proc/sys/kernel/random/poolsize");
	assert_same_value(&h, "proc/sys/kernel/ostype");
	assert_same_listing(&h, "proc/sys/kernel");
	assert_same_listing(&h, "proc/sys/vm");
	assert_same_value(&h, "proc/sys/vm/overcommit_memory");
	assert_same_listing(&h, "proc/sys/net/ipv4/conf/lo");
	assert_same_value(&h, "proc/sys/net/ipv4/conf/lo/forwarding");
	assert_same_value(&h, "proc/sys/net/core/somaxconn");
	assert_same_value(&h, "proc/sys/kernel/osrelease");
	assert_same_listing(&h, "proc/sys/vm");
	assert_int_equal(hostfs_list_typed(&h, "proc/sys/kernel/no-such-dir",
					   &(struct host_dirent *){ NULL },
					   &(size_t){ 0 }),
			 -ENOENT);
	assert_int_equal(hostfs_read_once(&h, "proc/sys/kernel/no-such-key",
					  &(char *){ NULL }, NULL),
			 -ENOENT);
	/* a listing of a file, not a directory, fails as from the root */
	assert_int_equal(hostfs_list_typed(&h, "proc/sys/kernel/ostype",
					   &(struct host_dirent *){ NULL },
					   &(size_t){ 0 }),
			 -ENOTDIR);
	host_close(&h);
}

/* A file no one may write is not read by hostfs_read_writable: its mode,
 * no value. A writable one is read as by hostfs_read_once. */
static void test_read_writable_skips_read_only(void **state)
{
	struct env *e = *state;
	char *ro = in_root(e, "ro"), *rw = in_root(e, "rw"), *v = NULL;
	mode_t mode = 0;

	put_file(ro, "1\n", 2);
	put_file(rw, "2\n", 2);
	assert_int_equal(chmod(ro, 0444), 0);
	assert_int_equal(chmod(rw, 0644), 0);
	assert_int_equal(hostfs_read_writable(&e->h, "ro", &v, &mode), 0);
	assert_null(v);
	assert_int_equal(mode & 07777, 0444);
	assert_int_equal(hostfs_read_writable(&e->h, "rw", &v, &mode), 0);
	assert_string_equal(v, "2");
	assert_int_equal(mode & 07777, 0644);
	free(v);
	free(ro);
	free(rw);
}

/* In a kept procfs directory, where a plain read asks no fstat, and
 * without a mode asked for: a writable key is still read, a read-only
 * one still not. */
static void test_read_writable_in_kept_proc_dir(void **state)
{
	struct host h = { .root_fd = -1 };
	char *v = NULL;

	(void)state;
	assert_int_equal(host_open("/", &h), 0);
	assert_int_equal(
		hostfs_read_once(&h, "proc/sys/kernel/ostype", &v, NULL), 0);
	free(v);
	v = NULL;
	/* kernel.ostype is 0444, kernel.domainname 0644 on every kernel */
	assert_int_equal(hostfs_read_writable(&h, "proc/sys/kernel/ostype", &v,
					      NULL),
			 0);
	assert_null(v);
	assert_int_equal(hostfs_read_writable(&h, "proc/sys/kernel/domainname",
					      &v, NULL),
			 0);
	assert_non_null(v);
	free(v);
	host_close(&h);
}

/* A procfs table longer than a page, answered in pieces (seq_file), is
 * read whole and the same as a plain read loop gives. */
static char *read_plain(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, len = 0;
	char *buf = xmalloc(cap + 1);
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static void test_read_seq_file_in_pieces(void **state)
{
	struct host h = { .root_fd = -1 };
	char *before, *after, *v = NULL;
	size_t n1, n2;

	(void)state;
	if (access("/proc/crypto", R_OK) != 0)
		skip();
	assert_int_equal(host_open("/", &h), 0);
	before = read_plain("/proc/crypto", &n1);
	assert_int_equal(hostfs_read(&h, "proc/crypto", &v, NULL), 0);
	after = read_plain("/proc/crypto", &n2);
	assert_true(n1 > 4096);
	/* an algorithm registered between the reads changes the table:
	 * the read agrees with the one before or the one after */
	if (n1 && before[n1 - 1] == '\n')
		before[n1 - 1] = '\0';
	if (n2 && after[n2 - 1] == '\n')
		after[n2 - 1] = '\0';
	if (strcmp(v, before))
		assert_string_equal(v, after);
	free(before);
	free(after);
	free(v);
	host_close(&h);
}

#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_path_ok_accepts_plain_paths),
	cmocka_unit_test(test_path_ok_rejects_empty_and_absolute),
	cmocka_unit_test(test_path_ok_rejects_dot_components),
	cmocka_unit_test(test_path_ok_rejects_empty_components),
	cmocka_unit_test(test_path_ok_rejects_control_chars),
	cmocka_unit_test(test_path_ok_rejects_5000_byte_path),
	cmocka_unit_test(test_path_ok_rejects_300_byte_component),
	cmocka_unit_test(test_host_open_missing_root),
	T(test_host_open_fixture_is_not_live),
	T(test_open_rejects_dotdot),
	T(test_open_refuses_relative_symlink_escape),
	T(test_open_refuses_symlink_to_parent_file),
	T(test_open_refuses_absolute_symlink),
	T(test_read_through_escaping_symlink_fails),
	T(test_write_through_escaping_symlink_fails),
	T(test_hard_link_out_of_the_tree_is_refused),
	T(test_privileged_reads_only_the_holders_files),
	T(test_symlink_inside_root_is_followed),
	T(test_open_dot_is_the_root),
	T(test_list_is_sorted_without_dots),
	T(test_list_of_missing_directory),
	T(test_list_typed_matches_list_with_types),
	T(test_list_large_directory),
	T(test_read_once_reads_whole_values),
	T(test_read_strips_one_newline_and_returns_mode),
	T(test_read_empty_file),
	T(test_read_directory_is_eisdir),
	T(test_read_fifo_is_refused_without_blocking),
	T(test_read_exactly_1mib_is_accepted),
	T(test_read_max_is_exact),
	T(test_read_2mib_is_efbig),
	T(test_read_nul_byte_is_ebadmsg),
	T(test_write_replaces_content_no_stale_tail),
	T(test_write_missing_file_is_not_created),
	T(test_write_directory_fails),
	T(test_write_invalid_path_fails),
	T(test_stat_reports_type),
	T(test_lstat_sees_a_symlink),
	cmocka_unit_test(test_kept_proc_dir_refuses_magic_links),
	cmocka_unit_test(test_kept_dirs_walk_as_from_root),
	T(test_read_writable_skips_read_only),
	cmocka_unit_test(test_read_writable_in_kept_proc_dir),
	cmocka_unit_test(test_read_seq_file_in_pieces),
	cmocka_unit_test(test_kept_proc_dir_reads_as_from_root),
	T(test_replaced_fixture_dir_is_read_anew),
};

/* hostfs.c remembers whether openat2 works, so the fallback run happens
 * in a child forked before any hostfs call of the parent. */
static int run_without_openat2(void)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		no_openat2 = true;
		_exit(cmocka_run_group_tests_name("hostfs without openat2",
						  tests, NULL, NULL) ?
			      1 :
			      0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(void)
{
	int fallback = run_without_openat2();
	int normal = cmocka_run_group_tests_name("hostfs with openat2", tests,
						 NULL, NULL);

	return fallback || normal;
}
