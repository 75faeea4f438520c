// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The file domain (hosttune's own drop-ins) never replaces what it could
 * not put back: a symlink (an administrator's mask, a symlink to
 * /dev/null, above all) or anything else that is not a regular file. The
 * plan refuses it when it reads the file (tests/cli/persist.sh), and the
 * write refuses it again should one appear between plan and write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "hosttune/check.h"
#include "hosttune/hostfs.h"
#include "hosttune/trust.h"

struct env {
	char root[64];
	char *dropin;
	struct host h;
	const struct check_ops *ops;
};

static int setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));
	char *dir;

	*state = e;
	strcpy(e->root, "/tmp/hosttune-unit-file.XXXXXX");
	if (!mkdtemp(e->root))
		return -1;
	dir = xasprintf("%s/etc", e->root);
	if (mkdir(dir, 0755) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	dir = xasprintf("%s/etc/sysctl.d", e->root);
	if (mkdir(dir, 0755) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	e->dropin = xasprintf("%s/etc/sysctl.d/90-hosttune.conf", e->root);
	e->ops = check_ops_find("file");
	return e->ops ? host_open(e->root, &e->h) : -1;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char *cmd = xasprintf("rm -rf '%s'", e->root);

	host_close(&e->h);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free(e->dropin);
	free(e);
	return 0;
}

static char *link_of(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	return xstrdup(buf);
}

static void test_masked_dropin_reads_as_an_error(void **state)
{
	struct env *e = *state;
	struct check *c;

	assert_int_equal(symlink("/dev/null", e->dropin), 0);
	c = check_new(e->ops, NULL, e->dropin);
	check_read(&e->h, c);
	assert_int_equal(c->status, ST_ERROR);
	assert_non_null(strstr(c->detail, "masked"));
	assert_null(c->actual);
	check_free(c);
}

static void test_write_keeps_a_mask(void **state)
{
	struct env *e = *state;
	char *why = NULL, *target;

	assert_int_equal(symlink("/dev/null", e->dropin), 0);
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin,
				       "+vm.swappiness = 1\n", &why),
			 -EEXIST);
	assert_non_null(why);
	assert_non_null(strstr(why, "masked"));
	free(why);
	why = NULL;
	/* nor is it removed */
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin, "-", &why),
			 -EEXIST);
	free(why);
	target = link_of(e->dropin);
	assert_string_equal(target, "/dev/null");
	free(target);
}

static void test_write_keeps_a_symlink_elsewhere(void **state)
{
	struct env *e = *state;
	char *why = NULL, *theirs = xasprintf("%s/theirs.conf", e->root);
	char *data = NULL;
	size_t len;

	assert_int_equal(write_file_atomic(theirs, "kept\n", 5, 0644), 0);
	assert_int_equal(symlink(theirs, e->dropin), 0);
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin, "+new\n", &why),
			 -EEXIST);
	assert_non_null(strstr(why, "a symlink to "));
	free(why);
	assert_int_equal(read_file_limited(theirs, 64, &data, &len), 0);
	assert_string_equal(data, "kept\n");
	free(data);
	free(theirs);
}

static void test_write_replaces_a_regular_file(void **state)
{
	struct env *e = *state;
	char *data = NULL;
	size_t len;

	assert_int_equal(write_file_atomic(e->dropin, "old\n", 4, 0644), 0);
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin, "+new\n", NULL),
			 0);
	assert_int_equal(read_file_limited(e->dropin, 64, &data, &len), 0);
	assert_string_equal(data, "new\n");
	free(data);
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin, "-", NULL), 0);
	assert_int_equal(access(e->dropin, F_OK), -1);
}

/* Nothing beside path named path.tmp.* or path.rm.*: no temporary or
 * moved-aside file left behind. */
static void assert_nothing_left(struct env *e)
{
	char *cmd = xasprintf(
		"ls -A '%s/etc/sysctl.d' | grep -q '\\.\\(tmp\\|rm\\)\\.'",
		e->root);

	assert_int_not_equal(system(cmd), 0);
	free(cmd);
}

/* The helpers the write uses look at what they replace or remove only
 * after moving it, so a mask made after the file domain's own look (a
 * race) is still kept: called on a symlink directly, as if it had just
 * appeared. */
static void test_over_regular_keeps_a_symlink_made_meanwhile(void **state)
{
	struct env *e = *state;
	char *target;

	assert_int_equal(symlink("/dev/null", e->dropin), 0);
	assert_int_equal(write_file_over_regular(e->dropin, "x\n", 2, 0644),
			 -EEXIST);
	target = link_of(e->dropin);
	assert_string_equal(target, "/dev/null");
	free(target);
	assert_nothing_left(e);
	assert_int_equal(remove_regular(e->dropin), -EEXIST);
	target = link_of(e->dropin);
	assert_string_equal(target, "/dev/null");
	free(target);
	assert_nothing_left(e);
}

static void test_over_regular_writes_and_removes_files(void **state)
{
	struct env *e = *state;
	char *data = NULL, *dir = xasprintf("%s.d", e->dropin);
	size_t len;

	assert_int_equal(remove_regular(e->dropin), 0); /* nothing there */
	assert_int_equal(write_file_over_regular(e->dropin, "a\n", 2, 0644), 0);
	assert_int_equal(write_file_over_regular(e->dropin, "b\n", 2, 0644), 0);
	assert_int_equal(read_file_limited(e->dropin, 64, &data, &len), 0);
	assert_string_equal(data, "b\n");
	free(data);
	assert_nothing_left(e);
	assert_int_equal(remove_regular(e->dropin), 0);
	assert_int_equal(access(e->dropin, F_OK), -1);
	/* a directory is no regular file either */
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(write_file_over_regular(dir, "c\n", 2, 0644), -EEXIST);
	assert_int_equal(remove_regular(dir), -EEXIST);
	assert_int_equal(access(dir, F_OK), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_nothing_left(e);
	free(dir);
}

/* Every step of a write or removal is made in the directory descriptor
 * the file domain opened (one component at a time, no symlink), never by
 * its path again: a directory swapped for a symlink to elsewhere after
 * that open does not take the write, the temporary file or the removal
 * there. */
static void test_at_stays_in_the_directory_it_opened(void **state)
{
	struct env *e = *state;
	char *dir = xasprintf("%s/etc/sysctl.d", e->root);
	char *moved = xasprintf("%s/etc/moved", e->root);
	char *elsewhere = xasprintf("%s/elsewhere", e->root);
	char *landed = xasprintf("%s/90-hosttune.conf", moved);
	char *cmd = xasprintf("test -z \"$(ls -A '%s')\"", elsewhere);
	char *data = NULL;
	size_t len;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	assert_true(dfd >= 0);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(mkdir(elsewhere, 0755), 0);
	assert_int_equal(symlink("../elsewhere", dir), 0);

	assert_int_equal(write_file_over_regular_at(dfd, "90-hosttune.conf",
						    "a\n", 2, 0600),
			 0);
	assert_int_equal(read_file_limited(landed, 64, &data, &len), 0);
	assert_string_equal(data, "a\n");
	assert_int_equal(system(cmd), 0); /* nothing went through */
	assert_int_equal(remove_regular_at(dfd, "90-hosttune.conf"), 0);
	assert_int_equal(access(landed, F_OK), -1);
	assert_int_equal(system(cmd), 0);
	close(dfd);

	/* the file domain itself refuses the symlinked directory now */
	assert_int_equal(e->ops->write(&e->h, NULL, e->dropin, "+x\n", NULL),
			 -ELOOP);
	assert_int_equal(system(cmd), 0);
	free(data);
	free(cmd);
	free(landed);
	free(elsewhere);
	free(moved);
	free(dir);
}

/* The drop-in's directory is walked from the root the run opened when
 * it began (h->root_fd), never from the root's path again: a tree whose
 * owner swaps it for a symlink to / between the look and the walk cannot
 * take the write to the host's /etc (found by review of 92b2fa0, which
 * opened the root by its path once more). The walk is the building
 * block; the root moved and a symlink put in its place, it still finds
 * the tree it was given. */
static void test_walk_starts_at_the_opened_root(void **state)
{
	struct env *e = *state;
	char *moved = xasprintf("%s.moved", e->root);
	char *decoy = xasprintf("%s.decoy", e->root);
	char *decoy_dir = xasprintf("%s/etc/sysctl.d", decoy);
	char *cmd = xasprintf("mkdir -p '%s' && test -z \"$(ls -A '%s')\"",
			      decoy_dir, decoy_dir);
	char *undo = xasprintf("rm -f '%s' && mv '%s' '%s' && rm -rf '%s'",
			       e->root, moved, e->root, decoy);
	struct stat st;
	int fd;

	assert_int_equal(system(cmd), 0);
	assert_int_equal(rename(e->root, moved), 0);
	assert_int_equal(symlink(decoy, e->root), 0);
	fd = open_dir_beneath_at(e->h.root_fd, "etc/sysctl.d", true, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write_file_over_regular_at(fd, "90-hosttune.conf",
						    "x\n", 2, 0644),
			 0);
	close(fd);
	free(cmd);
	cmd = xasprintf("test -f '%s/etc/sysctl.d/90-hosttune.conf' && "
			"test -z \"$(ls -A '%s')\"",
			moved, decoy_dir);
	assert_int_equal(system(cmd), 0);
	/* and the file domain, looking now, refuses: the root it names is
	 * the decoy's, not the tree's */
	assert_true(e->ops->write(&e->h, NULL, e->dropin, "+y\n", NULL) < 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(system(undo), 0);
	assert_int_equal(lstat(e->root, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(undo);
	free(cmd);
	free(decoy_dir);
	free(decoy);
	free(moved);
}

/* The files hosttune writes are named whole: absolute, in a directory
 * below /, no component empty, "." or "..". */
static void test_keys_are_named_whole(void **state)
{
	struct env *e = *state;
	static const char *const bad[] = {
		"/active-profile",
		"/var/lib//hosttune/active-profile",
		"/etc/sysctl.d//90-hosttune.conf",
		"/etc/../etc/sysctl.d/90-hosttune.conf",
		"/etc/./sysctl.d/90-hosttune.conf",
		"etc/sysctl.d/90-hosttune.conf",
		"/etc/sysctl.d/91-other.conf",
	};
	char *key = NULL, *err = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(e->ops->parse_key(NULL, bad[i], &key, &err),
				 -EINVAL);
		free(err);
		err = NULL;
	}
	assert_int_equal(e->ops->parse_key(NULL,
					   "/var/lib/hosttune/active-profile",
					   &key, &err),
			 0);
	free(key);
	assert_int_equal(e->ops->parse_key(NULL, e->dropin, &key, &err), 0);
	free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_masked_dropin_reads_as_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_a_mask, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_write_keeps_a_symlink_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_write_replaces_a_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_over_regular_keeps_a_symlink_made_meanwhile, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_over_regular_writes_and_removes_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_at_stays_in_the_directory_it_opened, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_walk_starts_at_the_opened_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_are_named_whole,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
