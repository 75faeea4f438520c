// SPDX-License-Identifier: GPL-2.0-or-later
/* The mount domain on fixture trees: the mountinfo parser (octal escapes,
 * optional fields, bind, stacked and overlay mounts, hostile lines), the
 * option list of a profile, matching and planning one option, path
 * resolution beneath the root. Remounting itself needs a live kernel:
 * tests/integration/mount.sh. */
#include <errno.h>
#include <sys/stat.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/profile.h"

#include "domain.c.inc"

extern const struct check_ops mount_ops;

#define BASIC "mount-basic"
#define HOSTILE "mount-hostile"

/* The whole state of the mount at path, as the domain reads it. */
static void assert_state(struct env *e, const char *path, const char *want)
{
	struct check *c = check_new(&mount_ops, path, "noatime");

	check_read(&e->h, c);
	if (c->status != ST_OK)
		fail_msg("%s: %s (%s)", path, status_name(c->status),
			 c->detail ? c->detail : "");
	if (strcmp(c->actual, want))
		fail_msg("%s: read '%s', wanted '%s'", path, c->actual, want);
	check_free(c);
}

static void assert_not_mounted(struct env *e, const char *path)
{
	struct check *c = check_new(&mount_ops, path, "noatime");

	check_read(&e->h, c);
	assert_int_equal(c->status, ST_MISSING);
	check_free(c);
}

/* ---- sections, keys and values ---- */

static void test_targets_are_validated(void **state)
{
	struct env *e = env_open(BASIC, false);
	char *ini, *longp = xmalloc(5000);

	assert_rejected(e, "[mount]\noptions = noatime\n", "needs an argument");
	assert_rejected(e, "[mount data]\noptions = noatime\n", "absolute");
	assert_rejected(e, "[mount ./data]\noptions = noatime\n", "absolute");
	memset(longp, 'a', 4999);
	longp[0] = '/';
	longp[4999] = '\0';
	{
		char *err = NULL;

		assert_int_equal(mount_ops.parse_target(longp, &err), -EINVAL);
		assert_non_null(strstr(err, "longer"));
		free(err);
		assert_int_equal(mount_ops.parse_target("/a\tb", &err),
				 -EINVAL);
		assert_non_null(strstr(err, "control"));
		free(err);
	}
	ini = xasprintf("[mount /data/../data]\noptions = noatime\n");
	assert_int_equal(env_parse(e, ini), 0);
	free(ini);
	free(longp);
	env_close(e);
}

static void test_option_lists_are_validated(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_rejected(e, "[mount /data]\nopts = noatime\n", "unknown key");
	assert_rejected(e, "[mount /data]\nnoatime = 1\n", "unknown key");
	assert_rejected(e, "[mount /data]\noptions = >=1\n", "comma-separated");
	assert_rejected(e, "[mount /data]\noptions = a|b\n", "comma-separated");
	assert_rejected(e, "[mount /data]\noptions = 1..2\n",
			"comma-separated");
	assert_rejected(e, "[mount /data]\noptions = noatime,,nodev\n",
			"empty option");
	assert_rejected(e, "[mount /data]\noptions = noatime,noatime\n",
			"twice");
	assert_rejected(e, "[mount /data]\noptions = noatime,!noatime\n",
			"twice");
	assert_rejected(e, "[mount /data]\noptions = noatime,relatime\n",
			"exclude each other");
	assert_rejected(e, "[mount /data]\noptions = ro,rw\n",
			"exclude each other");
	assert_rejected(e, "[mount /data]\noptions = suid\n", "'!nosuid'");
	assert_rejected(e, "[mount /data]\noptions = defaults\n",
			"not a state");
	assert_rejected(e, "[mount /data]\noptions = commit=\n", "non-empty");
	assert_rejected(e, "[mount /data]\noptions = noatime=1\n",
			"takes no value");
	assert_rejected(e, "[mount /data]\noptions = a/b\n", "letters");
	assert_rejected(e, "[mount /data]\noptions = !\n", "1 to");
	assert_rejected(e, "[mount /data]\noptions = x=a\\b\n", "'\\'");
	env_close(e);
}

static void test_option_list_is_canonical(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct setting *s;

	assert_int_equal(env_parse(e, "[mount /data]\noptions = noatime, "
				      "!nosuid ,commit=60\n"),
			 0);
	s = e->p.settings.v[0];
	assert_string_equal(s->key, "options");
	assert_string_equal(s->expect.alts[0], "noatime,!nosuid,commit=60");
	env_close(e);
}

static void test_snapshot_keys(void **state)
{
	char *key = NULL, *err = NULL;

	assert_int_equal(mount_ops.parse_key("/data", "noatime", &key, &err),
			 0);
	assert_string_equal(key, "noatime");
	free(key);
	assert_int_equal(mount_ops.parse_key("/data", "commit", &key, &err), 0);
	free(key);
	assert_int_equal(mount_ops.parse_key("/data", "../x", &key, &err),
			 -EINVAL);
	free(err);
}

/* ---- the mountinfo parser ---- */

static void test_one_check_per_option(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /data]\noptions = noatime,!nosuid,commit=60\n");
	assert_int_equal(e->checks.n, 3);
	assert_check(e, "mount:/data:noatime", ST_OK,
		     "rw,noatime - rw,commit=60,errors=remount-ro");
	assert_check(e, "mount:/data:nosuid", ST_OK, NULL);
	assert_check(e, "mount:/data:commit", ST_OK, NULL);
	assert_string_equal(env_find(e, "mount:/data:commit")->target, "/data");
	env_close(e);
}

static void test_octal_escapes_in_paths(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_state(e, "/mnt/with space",
		     "rw,nosuid,nodev,relatime - rw,size=16384k,mode=755,"
		     "inode64");
	assert_state(e, "/mnt/tab\tname", "ro,relatime - ro,size=4k");
	assert_state(e, "/mnt/nl\nname", "rw,noexec,relatime - rw");
	assert_state(e, "/mnt/back\\slash",
		     "rw,relatime - rw,sync,dirsync,lazytime");
	assert_not_mounted(e, "/mnt/with\\040space");
	assert_not_mounted(e, "/mnt/with");
	env_close(e);
}

static void test_real_lines_of_this_machine(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_state(e, "/",
		     "rw,relatime - rw,discard,resv_strict,"
		     "resuid=65534,resgid=65534");
	assert_state(e, "/proc", "rw,relatime - rw");
	/* devpts is mounted twice on /dev/pts: the second on the first */
	assert_state(e, "/dev/pts", "rw,relatime - rw,mode=600,ptmxmode=000");
	assert_state(e, "/sys/fs/cgroup/systemd",
		     "rw,relatime - rw,name=systemd");
	env_close(e);
}

static void test_stacked_mounts_top_wins(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_state(e, "/stack",
		     "ro,nosuid,nodev,noexec,noatime - rw,size=2048k");
	/* listed before the mount it sits on: its parent says it is on top */
	assert_state(e, "/stack2", "rw,noexec,noatime - rw,size=8k");
	env_close(e);
}

static void test_bind_mount_is_its_own_mount(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_state(e, "/srv/bind",
		     "rw,nosuid,relatime - rw,commit=60,errors=remount-ro");
	assert_not_mounted(e, "/srv/data");
	assert_not_mounted(e, "/srv/data/sub");
	env_close(e);
}

static void test_overlay_options(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /merged]\noptions = lowerdir=/l1:/l2,"
		     "upperdir=/u/upper,index=on,!xino\n");
	assert_check(e, "mount:/merged:lowerdir", ST_OK, NULL);
	assert_check(e, "mount:/merged:upperdir", ST_OK, NULL);
	assert_check(e, "mount:/merged:index", ST_DEVIATION, NULL);
	assert_check(e, "mount:/merged:xino", ST_OK, NULL);
	env_close(e);
}

/* ---- what an option means ---- */

static void test_per_mount_flags(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /stack]\noptions = ro,nosuid,nodev,noexec,"
		     "noatime,!nodiratime,!relatime,!strictatime\n");
	assert_int_equal(env_count(e, ST_OK), 8);
	env_audit(e, "[mount /stack]\noptions = rw\n");
	assert_check(e, "mount:/stack:rw", ST_DEVIATION, NULL);
	env_audit(e, "[mount /data]\noptions = rw,!ro,strictatime\n");
	assert_check(e, "mount:/data:rw", ST_OK, NULL);
	assert_check(e, "mount:/data:ro", ST_OK, NULL);
	assert_check(e, "mount:/data:strictatime", ST_DEVIATION, NULL);
	/* neither noatime nor relatime shown: strict atime */
	env_audit(e, "[mount /strict]\noptions = strictatime,nodiratime\n");
	assert_int_equal(env_count(e, ST_OK), 2);
	env_close(e);
}

static void test_superblock_options(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /data]\noptions = commit=30,errors=remount-ro,"
		     "!discard,!sync\n");
	assert_check(e, "mount:/data:commit", ST_DEVIATION, NULL);
	assert_check(e, "mount:/data:errors", ST_OK, NULL);
	assert_check(e, "mount:/data:discard", ST_OK, NULL);
	assert_check(e, "mount:/data:sync", ST_OK, NULL);
	/* "rw" of the superblock is not an option named rw=... */
	env_audit(e, "[mount /]\noptions = discard,resuid=65534,!commit\n");
	assert_int_equal(env_count(e, ST_OK), 3);
	env_close(e);
}

static void test_sizes_compare_as_numbers(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /data/../stack]\noptions = size=2m\n");
	assert_check(e, "mount:/stack:size", ST_OK, NULL);
	env_audit(e, "[mount /stack]\noptions = size=2048K\n");
	assert_check(e, "mount:/stack:size", ST_OK, NULL);
	env_audit(e, "[mount /stack]\noptions = size=1m\n");
	assert_check(e, "mount:/stack:size", ST_DEVIATION, NULL);
	env_close(e);
}

static void test_not_a_mount_point_is_missing(void **state)
{
	struct env *e = env_open(BASIC, false);
	struct check *c;

	env_audit(e, "[mount /srv]\noptions = noatime\n");
	c = env_find(e, "mount:/srv:noatime");
	assert_int_equal(c->status, ST_MISSING);
	assert_string_equal(c->detail, "not a mount point");
	env_close(e);
	/* a tree without mountinfo at all */
	e = env_open("rlimit-basic", false);
	env_audit(e, "[mount /]\noptions = noatime\n");
	assert_check(e, "mount:/:noatime", ST_MISSING, NULL);
	env_close(e);
}

/* ---- plans ---- */

static void assert_plan(struct env *e, const char *id, const char *want)
{
	struct check *c = env_find(e, id);
	char *v = NULL;
	int r = check_plan_value(&e->h, c, &v);

	if (!want) {
		assert_int_equal(r, -EINVAL);
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(v, want);
	free(v);
}

static void test_plan_writes_one_option(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /data]\noptions = nosuid,!noatime,commit=30,"
		     "sync,strictatime\n");
	assert_plan(e, "mount:/data:nosuid", "nosuid");
	assert_plan(e, "mount:/data:noatime", "!noatime");
	assert_plan(e, "mount:/data:commit", "commit=30");
	assert_plan(e, "mount:/data:sync", "sync");
	assert_plan(e, "mount:/data:strictatime", "strictatime");
	env_close(e);
}

static void test_unplannable_options(void **state)
{
	struct env *e = env_open(BASIC, false);

	/* which atime instead of relatime? which value drops commit? */
	env_audit(e, "[mount /srv/bind]\noptions = !relatime,!commit,"
		     "!errors=remount-ro\n");
	assert_plan(e, "mount:/srv/bind:relatime", NULL);
	assert_plan(e, "mount:/srv/bind:commit", NULL);
	assert_plan(e, "mount:/srv/bind:errors", NULL);
	env_close(e);
}

static void test_other_root_is_never_remounted(void **state)
{
	struct env *e = env_open(BASIC, true);
	char *before = get_file(e, "proc/self/mountinfo"), *after;

	env_audit(e, "[mount /data]\noptions = nosuid\n");
	assert_true(env_find(e, "mount:/data:nosuid")->read_only);
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "read-only"));
	assert_int_equal(mount_ops.write(&e->h, "/data", "nosuid", "nosuid",
					 NULL),
			 -EOPNOTSUPP);
	after = get_file(e, "proc/self/mountinfo");
	assert_string_equal(before, after);
	free(before);
	free(after);
	env_close(e);
}

/* ---- path resolution beneath the root ---- */

static void test_symlinks_resolve_beneath_the_root(void **state)
{
	struct env *e = env_open(BASIC, true);
	char *p;

	p = xasprintf("mkdir -p '%s/srv/bind'", e->root);
	assert_int_equal(system(p), 0);
	free(p);
	p = xasprintf("%s/lnk", e->root);
	assert_int_equal(symlink("/srv/bind", p), 0); /* absolute: in root */
	free(p);
	p = xasprintf("%s/srv/up", e->root);
	assert_int_equal(symlink("../../../../../srv/bind", p), 0);
	free(p);

	env_audit(e, "[mount /lnk]\noptions = nosuid\n");
	assert_check(e, "mount:/srv/bind:nosuid", ST_OK, NULL);
	assert_string_equal(env_find(e, "mount:/srv/bind:nosuid")->target,
			    "/srv/bind");
	env_audit(e, "[mount /srv/up/.]\noptions = nosuid\n");
	assert_check(e, "mount:/srv/bind:nosuid", ST_OK, NULL);
	/* not in the tree: resolved by name */
	env_audit(e, "[mount /x/../stack//]\noptions = noatime\n");
	assert_check(e, "mount:/stack:noatime", ST_OK, NULL);
	env_close(e);
}

static void test_profile_paths_are_resolved(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[mount /./data/../data/]\noptions = noatime\n");
	assert_check(e, "mount:/data:noatime", ST_OK, NULL);
	env_audit(e, "[mount /../..]\noptions = relatime\n");
	assert_check(e, "mount:/:relatime", ST_OK, NULL);
	env_close(e);
}

/* ---- hostile mountinfo ---- */

static void test_malformed_lines_are_skipped(void **state)
{
	struct env *e = env_open(HOSTILE, false);

	assert_state(e, "/good", "rw,noatime - rw,size=4k");
	assert_not_mounted(e, "/nosep");
	assert_not_mounted(e, "/badid");
	assert_not_mounted(e, "/short");
	assert_not_mounted(e, "/doublespace");
	assert_not_mounted(e, "/badesc\\09x");
	assert_not_mounted(e, "/nul");
	/* a parent loop decides nothing: the last listed */
	assert_state(e, "/cycle", "rw,nosuid - rw");
	assert_state(e, "/trunc", "rw,relatime - rw,si");
	/* the last line has no newline */
	assert_state(e, "/last", "rw,noexec - rw");
	env_close(e);
}

/* A busy container host has tens of thousands of mounts: its mountinfo
 * (about 3 MiB here) is read whole, not refused at the 1 MiB value cap,
 * and the mount asked for is found past all of them. */
static void test_20000_mounts_are_read(void **state)
{
	struct env *e = env_open(HOSTILE, true);
	char *path = xasprintf("%s/proc/self/mountinfo", e->root);
	FILE *f = fopen(path, "a");
	struct stat st;
	struct check *c;

	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f,
			"%d 27 0:99 / /var/lib/kubelet/pods/%08d/volumes/"
			"kubernetes.io~projected/kube-api-access rw,relatime - "
			"tmpfs tmpfs rw,size=4k,mode=755,uid=0,gid=0,inode64\n",
			1000 + i, i);
	fprintf(f, "30000 27 0:99 / /last-of-many rw,noatime - tmpfs tmpfs "
		   "rw,size=4k\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 2 * HOSTFS_MAX_VALUE);
	env_audit(e, "[mount /good]\noptions = noatime\n"
		     "[mount /last-of-many]\noptions = noatime\n");
	c = env_find(e, "mount:/good:noatime");
	assert_int_not_equal(c->status, ST_ERROR);
	c = env_find(e, "mount:/last-of-many:noatime");
	assert_int_equal(c->status, ST_OK);
	assert_state(e,
		     "/var/lib/kubelet/pods/00019999/volumes/"
		     "kubernetes.io~projected/kube-api-access",
		     "rw,relatime - rw,size=4k,mode=755,uid=0,gid=0,inode64");
	free(path);
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_are_validated),
		cmocka_unit_test(test_option_lists_are_validated),
		cmocka_unit_test(test_option_list_is_canonical),
		cmocka_unit_test(test_snapshot_keys),
		cmocka_unit_test(test_one_check_per_option),
		cmocka_unit_test(test_octal_escapes_in_paths),
		cmocka_unit_test(test_real_lines_of_this_machine),
		cmocka_unit_test(test_stacked_mounts_top_wins),
		cmocka_unit_test(test_bind_mount_is_its_own_mount),
		cmocka_unit_test(test_overlay_options),
		cmocka_unit_test(test_per_mount_flags),
		cmocka_unit_test(test_superblock_options),
		cmocka_unit_test(test_sizes_compare_as_numbers),
		cmocka_unit_test(test_not_a_mount_point_is_missing),
		cmocka_unit_test(test_plan_writes_one_option),
		cmocka_unit_test(test_unplannable_options),
		cmocka_unit_test(test_other_root_is_never_remounted),
		cmocka_unit_test(test_symlinks_resolve_beneath_the_root),
		cmocka_unit_test(test_profile_paths_are_resolved),
		cmocka_unit_test(test_malformed_lines_are_skipped),
		cmocka_unit_test(test_20000_mounts_are_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
