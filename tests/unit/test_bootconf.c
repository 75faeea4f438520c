// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot configuration resolver (src/bootconf.c) against systemd-sysctl's
 * rules as sysctl.d(5) states them: directory precedence, a file name
 * masking the same name further down, /dev/null masks, files read in the
 * order of their names whatever their directory, a later assignment
 * replacing an earlier one, an explicit key beating a glob whatever the
 * order, '-' keys; and fstab for mounts. Each on a tree of the test's own.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "hosttune/bootconf.h"

extern const struct check_ops sysctl_ops;
extern const struct check_ops mount_ops;

struct tree {
	char root[64];
	struct host h;
};

static void put(struct tree *t, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", t->root, rel), *dir = xstrdup(path);
	char *cmd;
	FILE *f;

	*strrchr(dir, '/') = '\0';
	cmd = xasprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(dir);
	free(path);
}

static void tree_open(struct tree *t)
{
	strcpy(t->root, "/tmp/hosttune-boot-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	put(t, "proc/sys/vm/swappiness", "60\n");
	put(t, "proc/sys/net/core/somaxconn", "128\n");
	put(t, "proc/sys/net/ipv4/conf/all/rp_filter", "0\n");
	put(t, "proc/sys/net/ipv4/conf/lo/rp_filter", "0\n");
}

static void tree_close(struct tree *t)
{
	char *cmd = xasprintf("rm -rf '%s'", t->root);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* persisted (1, 0, -1) and the source of the key = want setting. */
static int judge(struct tree *t, const char *key, const char *want,
		 char **ret_source)
{
	struct setting s = { .ops = &sysctl_ops, .key = (char *)key };
	struct check c = { .ops = &sysctl_ops,
			   .setting = &s,
			   .key = (char *)key };
	struct bootconf b;
	char *err = NULL;
	int r;

	assert_int_equal(expect_parse(want, UNIT_NONE, false, &s.expect, &err),
			 0);
	assert_int_equal(host_open(t->root, &t->h), 0);
	bootconf_load(&t->h, &b);
	r = bootconf_judge(&b, &c, ret_source);
	bootconf_free(&b);
	host_close(&t->h);
	expect_free(&s.expect);
	return r;
}

static void assert_boot(struct tree *t, const char *key, const char *want,
			int holds, const char *source)
{
	char *src = NULL;
	int r = judge(t, key, want, &src);

	if (r != holds)
		fail_msg("%s = %s: judged %d, wanted %d (source %s)", key, want,
			 r, holds, src ? src : "none");
	if (source && (!src || strcmp(src, source)))
		fail_msg("%s: source %s, wanted %s", key, src ? src : "none",
			 source);
	if (!source && src)
		fail_msg("%s: source %s, wanted none", key, src);
	free(src);
}

static void test_nothing_at_boot(void **state)
{
	struct tree t;

	(void)state;
	tree_open(&t);
	assert_boot(&t, "vm.swappiness", "10", -1, NULL);
	tree_close(&t);
}

/* /etc beats /run beats /usr/lib for a file of the same name: the others
 * are not read at all. */
static void test_same_name_masks_further_down(void **state)
{
	struct tree t;

	(void)state;
	tree_open(&t);
	put(&t, "usr/lib/sysctl.d/50-x.conf",
	    "vm.swappiness = 1\n"
	    "net.core.somaxconn = 1\n");
	put(&t, "run/sysctl.d/50-x.conf", "vm.swappiness = 2\n");
	assert_boot(&t, "vm.swappiness", "2", 1, "/run/sysctl.d/50-x.conf:1");
	assert_boot(&t, "net.core.somaxconn", "1", -1, NULL);
	put(&t, "etc/sysctl.d/50-x.conf", "vm.swappiness = 3\n");
	assert_boot(&t, "vm.swappiness", "3", 1, "/etc/sysctl.d/50-x.conf:1");
	tree_close(&t);
}

/* A symlink to /dev/null in /etc masks a vendor file away. */
static void test_dev_null_masks(void **state)
{
	struct tree t;
	char *link;

	(void)state;
	tree_open(&t);
	put(&t, "usr/lib/sysctl.d/50-x.conf", "vm.swappiness = 1\n");
	put(&t, "etc/sysctl.d/.keep", "");
	link = xasprintf("%s/etc/sysctl.d/50-x.conf", t.root);
	assert_int_equal(symlink("/dev/null", link), 0);
	assert_boot(&t, "vm.swappiness", "1", -1, NULL);
	free(link);
	tree_close(&t);
}

/* Files are read in the order of their names whatever their directory;
 * a later assignment replaces an earlier one. */
static void test_order_of_names_then_last_wins(void **state)
{
	struct tree t;

	(void)state;
	tree_open(&t);
	put(&t, "etc/sysctl.d/10-a.conf", "vm.swappiness = 10\n");
	put(&t, "usr/lib/sysctl.d/20-b.conf",
	    "vm.swappiness = 20\n"
	    "# vm.swappiness = 30\n"
	    "; vm.swappiness = 31\n"
	    "vm.swappiness=21\n");
	assert_boot(&t, "vm.swappiness", "21", 1,
		    "/usr/lib/sysctl.d/20-b.conf:4");
	assert_boot(&t, "vm.swappiness", "10", 0,
		    "/usr/lib/sysctl.d/20-b.conf:4");
	tree_close(&t);
}

/* An explicit key beats any glob, before or after it; '-' keys count;
 * slashed keys are keys; files not ending in .conf are not read. */
static void test_explicit_beats_glob_and_dashes(void **state)
{
	struct tree t;

	(void)state;
	tree_open(&t);
	put(&t, "etc/sysctl.d/10-a.conf", "net.ipv4.conf.lo.rp_filter = 0\n");
	put(&t, "etc/sysctl.d/20-b.conf",
	    "net.ipv4.conf.*.rp_filter = 2\n"
	    "-net/core/somaxconn = 4096\n");
	put(&t, "etc/sysctl.d/30-c.conf.disabled", "vm.swappiness = 1\n");
	assert_boot(&t, "net.ipv4.conf.lo.rp_filter", "0", 1,
		    "/etc/sysctl.d/10-a.conf:1");
	assert_boot(&t, "net.ipv4.conf.all.rp_filter", "2", 1,
		    "/etc/sysctl.d/20-b.conf:1");
	assert_boot(&t, "net.core.somaxconn", ">=4096", 1,
		    "/etc/sysctl.d/20-b.conf:2");
	assert_boot(&t, "vm.swappiness", "1", -1, NULL);
	tree_close(&t);
}

/* Mount options at boot are fstab's, mount point unescaped. */
static void test_fstab(void **state)
{
	struct tree t;
	struct setting s = { .ops = &mount_ops,
			     .key = "noatime",
			     .target = "/srv/my data" };
	struct check c = { .ops = &mount_ops,
			   .setting = &s,
			   .target = "/srv/my data",
			   .key = "noatime" };
	struct bootconf b;
	char *err = NULL, *src = NULL;

	(void)state;
	tree_open(&t);
	put(&t, "etc/fstab",
	    "# comment\n"
	    "UUID=1 / ext4 defaults 0 1\n"
	    "UUID=2 /srv/my\\040data ext4 rw,noatime,nosuid 0 2\n");
	assert_int_equal(expect_parse("noatime,!nodev", UNIT_NONE, false,
				      &s.expect, &err),
			 0);
	assert_int_equal(host_open(t.root, &t.h), 0);
	bootconf_load(&t.h, &b);
	assert_int_equal(bootconf_judge(&b, &c, &src), 1);
	assert_string_equal(src, "/etc/fstab:3");
	free(src);
	c.key = "nodev";
	assert_int_equal(bootconf_judge(&b, &c, &src), 1);
	free(src);
	expect_free(&s.expect);
	assert_int_equal(expect_parse("nodiratime", UNIT_NONE, false, &s.expect,
				      &err),
			 0);
	c.key = "nodiratime";
	assert_int_equal(bootconf_judge(&b, &c, &src), 0);
	free(src);
	c.target = "/elsewhere";
	assert_int_equal(bootconf_judge(&b, &c, &src), -1);
	bootconf_free(&b);
	host_close(&t.h);
	expect_free(&s.expect);
	tree_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_at_boot),
		cmocka_unit_test(test_same_name_masks_further_down),
		cmocka_unit_test(test_dev_null_masks),
		cmocka_unit_test(test_order_of_names_then_last_wins),
		cmocka_unit_test(test_explicit_beats_glob_and_dashes),
		cmocka_unit_test(test_fstab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
