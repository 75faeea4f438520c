// SPDX-License-Identifier: GPL-2.0-or-later
/* The sysctl domain on fixture trees: key forms, globs, reading hostile
 * files, writing, and the engine's explicit-beats-glob rule. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/engine.h"
#include "hosttune/sysctl.h"

extern const struct check_ops sysctl_ops;

#define FIXTURE "unit-sysctl"

/* ---- helpers ---- */

/* The checked-in fixture, read only. */
static int ro_setup(void **state)
{
	struct host *h = xcalloc(1, sizeof(*h));
	char *root = xasprintf("%s/%s", fixtures_dir(), FIXTURE);
	int r = host_open(root, h);

	free(root);
	*state = h;
	return r;
}

static int ro_teardown(void **state)
{
	host_close(*state);
	free(*state);
	return 0;
}

/* fixture_remove() runs "rm -rf ROOT/..", which GNU rm refuses, and so
 * leaves the copy behind: remove the copy's directory ourselves. */
static void fixture_cleanup(char *root)
{
	char *copy, *cmd;

	if (!root)
		return;
	copy = xstrdup(root);
	cmd = xasprintf("rm -rf '%s'", dirname(copy)); /* the mkdtemp dir */
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
	free(copy);
	free(root);
}

/* A private copy the test may change. */
struct rw {
	char *root;
	struct host h;
};

static int rw_setup(void **state)
{
	struct rw *w = xcalloc(1, sizeof(*w));

	w->root = fixture_copy(FIXTURE);
	*state = w;
	if (!w->root)
		return -1;
	return host_open(w->root, &w->h);
}

static int rw_teardown(void **state)
{
	struct rw *w = *state;

	host_close(&w->h);
	fixture_cleanup(w->root);
	free(w);
	return 0;
}

/* ROOT/proc/sys/REL */
static char *sys_path(struct rw *w, const char *rel)
{
	return xasprintf("%s/proc/sys/%s", w->root, rel);
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

	assert_int_equal(read_file_limited(path, 1 << 20, &data, &len), 0);
	return data;
}

static struct check *read_key(const struct host *h, const char *key)
{
	struct check *c = check_new(&sysctl_ops, NULL, key);

	check_read(h, c);
	return c;
}

static void expand(const struct host *h, const char *pattern,
		   struct ptrvec *out)
{
	struct setting s = { .ops = &sysctl_ops, .key = (char *)pattern };

	assert_int_equal(sysctl_ops.expand(h, &s, out), 0);
}

static void assert_key(const char *in, const char *want)
{
	char *key = NULL, *err = NULL;

	if (sysctl_key_parse(in, &key, &err) < 0)
		fail_msg("'%s' rejected: %s", in, err);
	assert_string_equal(key, want);
	free(key);
}

static void assert_key_rejected(const char *in)
{
	char *key = NULL, *err = NULL;

	if (sysctl_key_parse(in, &key, &err) == 0)
		fail_msg("'%s' accepted as '%s'", in, key);
	assert_non_null(err);
	assert_null(key);
	free(err);
}

/* ---- key forms ---- */

static void test_key_dotted_stays(void **state)
{
	assert_key("net.core.somaxconn", "net.core.somaxconn");
}

static void test_key_slashed_becomes_dotted(void **state)
{
	assert_key("net/core/somaxconn", "net.core.somaxconn");
}

static void test_key_slashed_vlan_keeps_its_dot(void **state)
{
	assert_key("net/ipv4/conf/eth0.100/rp_filter",
		   "net.ipv4.conf.eth0/100.rp_filter");
}

static void test_key_dotted_vlan_stays(void **state)
{
	assert_key("net.ipv4.conf.eth0/100.rp_filter",
		   "net.ipv4.conf.eth0/100.rp_filter");
}

static void test_key_glob_is_kept(void **state)
{
	assert_key("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.*.rp_filter");
}

static void test_key_rejects_escapes_from_proc_sys(void **state)
{
	assert_key_rejected("");
	assert_key_rejected("../etc/passwd");
	assert_key_rejected("net/../../etc/shadow");
	assert_key_rejected("net.core..somaxconn");
	assert_key_rejected("net.core.");
	assert_key_rejected("net/./core/somaxconn");
	assert_key_rejected("/proc/sys/vm/swappiness");
	assert_key_rejected(".vm.swappiness");
	/* Dotted form whose '/' become the dots of "..". */
	assert_key_rejected("net.//.x");
}

static void test_key_rejects_blanks_and_control_chars(void **state)
{
	assert_key_rejected("vm.swap piness");
	assert_key_rejected("vm.swap\tpiness");
	assert_key_rejected("vm.swap\npiness");
	assert_key_rejected("vm.swap\x1bpiness");
}

static void test_key_rejects_overlong(void **state)
{
	char key[601];

	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_key_rejected(key);
}

/* ---- reading ---- */

static void test_read_plain_value(void **state)
{
	struct check *c = read_key(*state, "net.core.somaxconn");

	assert_int_equal(c->status, ST_OK);
	assert_string_equal(c->actual, "4096");
	assert_string_equal(c->id, "sysctl:net.core.somaxconn");
	check_free(c);
}

static void test_read_vlan_key(void **state)
{
	struct check *c = read_key(*state, "net.ipv4.conf.eth0/100.rp_filter");

	assert_int_equal(c->status, ST_OK);
	assert_string_equal(c->actual, "1");
	check_free(c);
}

static void test_read_normalises_tabs_and_keeps_raw(void **state)
{
	struct check *c = read_key(*state, "net.ipv4.tcp_rmem");

	assert_int_equal(c->status, ST_OK);
	assert_string_equal(c->actual, "4096 131072 6291456");
	assert_string_equal(c->raw, "4096\t131072\t6291456");
	check_free(c);
}

static void test_read_missing_key_is_missing(void **state)
{
	struct check *c = read_key(*state, "net.core.no_such_key");

	assert_int_equal(c->status, ST_MISSING);
	assert_null(c->actual);
	check_free(c);
}

static void test_read_below_a_file_is_missing(void **state)
{
	struct check *c = read_key(*state, "net.core.somaxconn.sub");

	assert_int_equal(c->status, ST_MISSING);
	check_free(c);
}

static void test_read_directory_is_error(void **state)
{
	struct check *c = read_key(*state, "net.core");

	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	check_free(c);
}

/* Root can read a 0200 file; the mode decides, not the read. */
static void test_read_write_only_file_is_manual(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "vm/drop_caches");
	struct check *c;

	put_file(path, "0\n", 2);
	assert_int_equal(chmod(path, 0200), 0);
	c = read_key(&w->h, "vm.drop_caches");
	assert_int_equal(c->status, ST_MANUAL);
	assert_null(c->actual);
	assert_non_null(c->detail);
	check_free(c);
	free(path);
}

static void test_read_read_only_file_is_flagged(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/shmmni");
	struct check *c;

	assert_int_equal(chmod(path, 0444), 0);
	c = read_key(&w->h, "kernel.shmmni");
	assert_int_equal(c->status, ST_OK);
	assert_true(c->read_only);
	check_free(c);
	c = read_key(&w->h, "vm.swappiness");
	assert_false(c->read_only);
	check_free(c);
	free(path);
}

static void test_read_fifo_is_error_and_does_not_hang(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/fifo");
	struct check *c;

	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10); /* a hang kills the binary instead of the suite */
	c = read_key(&w->h, "kernel.fifo");
	alarm(0);
	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	check_free(c);
	free(path);
}

static void test_write_to_fifo_fails_and_does_not_hang(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/fifo");

	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10);
	assert_true(sysctl_ops.write(&w->h, NULL, "kernel.fifo", "1", NULL) <
		    0);
	alarm(0);
	free(path);
}

static void test_read_value_of_2mib_is_error(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/huge");
	size_t len = 2 * 1024 * 1024;
	char *data = xmalloc(len);
	struct check *c;

	memset(data, '7', len);
	put_file(path, data, len);
	c = read_key(&w->h, "kernel.huge");
	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	assert_null(c->raw);
	check_free(c);
	free(data);
	free(path);
}

static void test_read_value_with_nul_is_error(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/nul");
	struct check *c;

	put_file(path, "12\0003\n", 5);
	c = read_key(&w->h, "kernel.nul");
	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	check_free(c);
	free(path);
}

/* A file outside the root, with content that must never be read. */
static char *put_secret(struct rw *w)
{
	char *secret = xasprintf("%s/../secret", w->root);

	put_file(secret, "leaked\n", 7);
	return secret;
}

static void test_absolute_symlink_out_of_root_not_followed(void **state)
{
	struct rw *w = *state;
	char *secret = put_secret(w), *link = sys_path(w, "kernel/evil");
	char *real = realpath(secret, NULL);
	struct check *c;

	assert_non_null(real);
	assert_int_equal(symlink(real, link), 0);
	c = read_key(&w->h, "kernel.evil");
	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	check_free(c);
	free(real);
	free(link);
	free(secret);
}

static void test_etc_hostname_symlink_not_followed(void **state)
{
	struct rw *w = *state;
	char *link = sys_path(w, "kernel/evil");
	struct check *c;

	assert_int_equal(symlink("/etc/hostname", link), 0);
	c = read_key(&w->h, "kernel.evil");
	assert_true(c->status == ST_ERROR || c->status == ST_MISSING);
	assert_null(c->actual);
	check_free(c);
	free(link);
}

static void test_relative_symlink_out_of_root_not_followed(void **state)
{
	struct rw *w = *state;
	char *secret = put_secret(w), *link = sys_path(w, "kernel/evil");
	struct check *c;

	assert_int_equal(symlink("../../../../secret", link), 0);
	c = read_key(&w->h, "kernel.evil");
	assert_int_equal(c->status, ST_ERROR);
	assert_null(c->actual);
	check_free(c);
	free(link);
	free(secret);
}

static void test_write_through_symlink_out_of_root_refused(void **state)
{
	struct rw *w = *state;
	char *secret = put_secret(w), *link = sys_path(w, "kernel/evil");
	char *data;

	assert_int_equal(symlink("../../../../secret", link), 0);
	assert_true(sysctl_ops.write(&w->h, NULL, "kernel.evil", "pwned",
				     NULL) < 0);
	data = slurp(secret);
	assert_string_equal(data, "leaked\n");
	free(data);
	free(link);
	free(secret);
}

static void test_symlink_inside_root_is_followed(void **state)
{
	struct rw *w = *state;
	char *link = sys_path(w, "kernel/alias");
	struct check *c;

	assert_int_equal(symlink("hostname", link), 0);
	c = read_key(&w->h, "kernel.alias");
	assert_int_equal(c->status, ST_OK);
	assert_string_equal(c->actual, "testhost");
	check_free(c);
	free(link);
}

/* ---- writing ---- */

static void test_write_then_read_back(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "net/core/somaxconn"), *data;
	struct check *c;

	assert_int_equal(sysctl_ops.write(&w->h, NULL, "net.core.somaxconn",
					  "8192", NULL),
			 0);
	data = slurp(path);
	assert_string_equal(data, "8192\n");
	c = read_key(&w->h, "net.core.somaxconn");
	assert_string_equal(c->actual, "8192");
	check_free(c);
	free(data);
	free(path);
}

static void test_write_vlan_key_goes_to_dotted_directory(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "net/ipv4/conf/eth0.100/rp_filter"), *data;

	assert_int_equal(sysctl_ops.write(&w->h, NULL,
					  "net.ipv4.conf.eth0/100.rp_filter",
					  "2", NULL),
			 0);
	data = slurp(path);
	assert_string_equal(data, "2\n");
	free(data);
	free(path);
}

static void test_write_missing_key_fails(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "net/core/created");
	struct stat st;

	assert_true(sysctl_ops.write(&w->h, NULL, "net.core.created", "1",
				     NULL) < 0);
	assert_int_equal(stat(path, &st), -1); /* never created */
	free(path);
}

/* ---- globs ---- */

static void test_glob_expands_every_interface(void **state)
{
	struct ptrvec out = { 0 };
	static const char *const want[] = {
		"net.ipv4.conf.all.rp_filter",
		"net.ipv4.conf.default.rp_filter",
		"net.ipv4.conf.eth0.rp_filter",
		"net.ipv4.conf.eth0/100.rp_filter",
		"net.ipv4.conf.lo.rp_filter",
	};

	expand(*state, "net.ipv4.conf.*.rp_filter", &out);
	assert_int_equal(out.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < out.n; i++) {
		struct check *c = out.v[i];

		assert_string_equal(c->key, want[i]);
		assert_true(c->from_glob);
		assert_false(c->unmatched);
	}
	ptrvec_free(&out, check_free);
}

static void test_glob_skips_directories_at_the_leaf(void **state)
{
	struct ptrvec out = { 0 };

	/* kernel/ holds hostname, shmmni and the directory random/. */
	expand(*state, "kernel.*", &out);
	assert_int_equal(out.n, 2);
	assert_string_equal(((struct check *)out.v[0])->key, "kernel.hostname");
	assert_string_equal(((struct check *)out.v[1])->key, "kernel.shmmni");
	ptrvec_free(&out, check_free);
}

static void test_glob_partial_match(void **state)
{
	struct ptrvec out = { 0 };

	expand(*state, "net.ipv4.conf.eth*.rp_filter", &out);
	assert_int_equal(out.n, 2);
	assert_string_equal(((struct check *)out.v[0])->key,
			    "net.ipv4.conf.eth0.rp_filter");
	assert_string_equal(((struct check *)out.v[1])->key,
			    "net.ipv4.conf.eth0/100.rp_filter");
	ptrvec_free(&out, check_free);
}

static void test_glob_matching_nothing_is_one_missing_check(void **state)
{
	struct ptrvec out = { 0 };
	struct check *c;

	expand(*state, "net.ipv4.conf.wlan*.rp_filter", &out);
	assert_int_equal(out.n, 1);
	c = out.v[0];
	assert_true(c->unmatched);
	assert_string_equal(c->key, "net.ipv4.conf.wlan*.rp_filter");
	check_read(*state, c);
	assert_int_equal(c->status, ST_MISSING);
	ptrvec_free(&out, check_free);
}

static void test_glob_under_missing_directory_is_one_missing_check(void **state)
{
	struct ptrvec out = { 0 };

	expand(*state, "net.ipv6.conf.*.disable_ipv6", &out);
	assert_int_equal(out.n, 1);
	assert_true(((struct check *)out.v[0])->unmatched);
	ptrvec_free(&out, check_free);
}

/*
 * The directories match but no leaf exists: the pattern matches no key.
 * check.h: "A pattern that matches nothing appends one check with status
 * ST_MISSING."
 */
static void test_glob_with_absent_leaf_is_one_missing_check(void **state)
{
	struct ptrvec out = { 0 };
	size_t n;

	expand(*state, "net.ipv4.conf.*.no_such_leaf", &out);
	n = out.n;
	ptrvec_free(&out, check_free);
	assert_int_equal(n, 1);
}

/* ---- the engine: explicit beats glob, later glob beats earlier ---- */

struct audit {
	struct profile p;
	struct ptrvec checks;
};

static void audit(const struct host *h, const char *text, struct audit *a)
{
	struct profile_path pp = { 0 };
	struct load_errors errs = { 0 };

	*a = (struct audit){ 0 };
	if (profile_parse_buffer(&a->p, &pp, "t.ini", text, strlen(text),
				 &errs) < 0)
		fail_msg("profile: %s", (char *)errs.msgs.v[0]);
	load_errors_free(&errs);
	assert_int_equal(engine_audit(h, &a->p, &a->checks), 0);
}

static void audit_free(struct audit *a)
{
	ptrvec_free(&a->checks, check_free);
	profile_free(&a->p);
}

static const struct check *by_key(struct audit *a, const char *key)
{
	const struct check *found = NULL;

	for (size_t i = 0; i < a->checks.n; i++) {
		const struct check *c = a->checks.v[i];

		if (!strcmp(c->key, key)) {
			assert_null(found); /* one check per key */
			found = c;
		}
	}
	if (!found)
		fail_msg("no check for %s", key);
	return found;
}

static void test_explicit_key_beats_later_glob(void **state)
{
	struct audit a;
	const struct check *lo;
	struct summary sum;

	audit(*state,
	      "[sysctl]\n"
	      "net.ipv4.conf.lo.rp_filter = 0\n"
	      "net.ipv4.conf.*.rp_filter = 1\n",
	      &a);
	assert_int_equal(a.checks.n, 5);
	lo = by_key(&a, "net.ipv4.conf.lo.rp_filter");
	assert_string_equal(lo->setting->expect.text, "0");
	assert_int_equal(lo->setting->line, 2);
	assert_int_equal(lo->status, ST_OK);
	assert_string_equal(
		by_key(&a, "net.ipv4.conf.eth0.rp_filter")->setting->expect.text,
		"1");
	engine_summary(&a.checks, &sum);
	assert_int_equal(sum.n[ST_OK], 5);
	audit_free(&a);
}

static void test_explicit_key_beats_earlier_glob(void **state)
{
	struct audit a;
	const struct check *lo;

	audit(*state,
	      "[sysctl]\n"
	      "net.ipv4.conf.*.rp_filter = 1\n"
	      "net.ipv4.conf.lo.rp_filter = 0\n",
	      &a);
	assert_int_equal(a.checks.n, 5);
	lo = by_key(&a, "net.ipv4.conf.lo.rp_filter");
	assert_string_equal(lo->setting->expect.text, "0");
	assert_int_equal(lo->status, ST_OK);
	audit_free(&a);
}

static void test_later_broad_glob_beats_earlier_narrow_glob(void **state)
{
	struct audit a;
	const struct check *eth0;

	audit(*state,
	      "[sysctl]\n"
	      "net.ipv4.conf.eth*.rp_filter = 2\n"
	      "net.ipv4.conf.*.rp_filter = 1\n",
	      &a);
	assert_int_equal(a.checks.n, 5);
	eth0 = by_key(&a, "net.ipv4.conf.eth0.rp_filter");
	assert_int_equal(eth0->setting->line, 3);
	assert_int_equal(eth0->status, ST_OK);
	audit_free(&a);
}

static void test_later_narrow_glob_beats_earlier_broad_glob(void **state)
{
	struct audit a;
	const struct check *eth0, *all;

	audit(*state,
	      "[sysctl]\n"
	      "net.ipv4.conf.*.rp_filter = 1\n"
	      "net.ipv4.conf.eth*.rp_filter = 2\n",
	      &a);
	assert_int_equal(a.checks.n, 5);
	eth0 = by_key(&a, "net.ipv4.conf.eth0/100.rp_filter");
	assert_int_equal(eth0->setting->line, 3);
	assert_int_equal(eth0->status, ST_DEVIATION);
	all = by_key(&a, "net.ipv4.conf.all.rp_filter");
	assert_int_equal(all->setting->line, 2);
	audit_free(&a);
}

static void test_audit_reports_deviation(void **state)
{
	struct audit a;
	const struct check *c;

	audit(*state, "[sysctl]\nnet.core.somaxconn = >=8192\n", &a);
	c = by_key(&a, "net.core.somaxconn");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_string_equal(c->actual, "4096");
	audit_free(&a);
}

/* ---- multi-value keys: one form per field ---- */

static int parse_err(const char *text, char **ret_msg)
{
	struct profile_path pp = { 0 };
	struct load_errors errs = { 0 };
	struct profile p = { 0 };
	int r = profile_parse_buffer(&p, &pp, "t.ini", text, strlen(text),
				     &errs);

	*ret_msg = errs.msgs.n ? xstrdup(errs.msgs.v[0]) : NULL;
	load_errors_free(&errs);
	profile_free(&p);
	return r;
}

static void assert_refused(const char *text, const char *needle)
{
	char *msg = NULL;

	assert_int_equal(parse_err(text, &msg), -EINVAL);
	assert_non_null(msg);
	if (!strstr(msg, needle))
		fail_msg("'%s' lacks '%s'", msg, needle);
	free(msg);
}

static void test_fields_raise_only_what_is_below(void **state)
{
	struct audit a;
	const struct check *c;
	char *want = NULL;

	/* the fixture holds "4096\t131072\t6291456" */
	audit(*state, "[sysctl]\nnet.ipv4.tcp_rmem = 4096 >=131072 >=16M\n",
	      &a);
	c = by_key(&a, "net.ipv4.tcp_rmem");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_int_equal(check_plan_value(*state, c, &want), 0);
	assert_string_equal(want, "4096 131072 16777216");
	free(want);
	audit_free(&a);
	/* a host tuned higher is left as it is */
	audit(*state, "[sysctl]\nnet.ipv4.tcp_rmem = >=1024 >= 65536 >=4M\n",
	      &a);
	assert_int_equal(by_key(&a, "net.ipv4.tcp_rmem")->status, ST_OK);
	audit_free(&a);
	audit(*state, "[sysctl]\nnet.ipv4.tcp_rmem = 4096 131072 <=4M\n", &a);
	assert_int_equal(by_key(&a, "net.ipv4.tcp_rmem")->status, ST_DEVIATION);
	audit_free(&a);
}

static void test_multi_value_key_forms_are_checked(void **state)
{
	(void)state;
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = >=4096\n",
		       "t.ini:2: net.ipv4.tcp_rmem: a single comparison for a "
		       "key of 3 fields");
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = 4096..8192\n",
		       "single comparison");
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = 4096 >=131072\n",
		       "expected 3 fields (min default max), got 2");
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = 1 2 3 4\n",
		       "expected 3 fields");
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = 4096 >=x >=16M\n",
		       "field 2: expected an integer after '>='");
	assert_refused("[sysctl]\nnet.ipv4.tcp_rmem = 0 >=1 >=2\n",
		       "out of range");
	assert_refused("[sysctl]\nkernel.sem = 1 2 3\n", "expected 4 fields");
	/* per-field forms are for sysctls only */
	assert_refused("[rlimit self]\nnofile = >=1 >=2\n", "takes one value");
}

/* A key hosttune does not know to have several fields: a single
 * comparison can never hold and would write one number; an error. */
static void test_single_comparison_of_unknown_multi_value_key(void **state)
{
	struct rw *w = *state;
	char *path = sys_path(w, "kernel/threefold");
	struct audit a;
	const struct check *c;

	put_file(path, "1\t2\t3\n", 6);
	audit(&w->h, "[sysctl]\nkernel.threefold = >=2\n", &a);
	c = by_key(&a, "kernel.threefold");
	assert_int_equal(c->status, ST_ERROR);
	assert_string_equal(c->detail,
			    "the value has 3 fields: give one form per field");
	audit_free(&a);
	free(path);
}

static void test_malformed_values_are_input_errors(void **state)
{
	(void)state;
	assert_refused("[sysctl]\nvm.swappiness = <5|10\n",
		       "'<5': alternatives are values, not comparisons");
	assert_refused("[sysctl]\nvm.swappiness = 10|>5\n",
		       "alternatives are values");
	assert_refused("[sysctl]\nvm.swappiness = >5|>6\n",
		       "alternatives are values");
	assert_refused("[sysctl]\nkernel.core_pattern = \"\n",
		       "unbalanced '\"'");
	assert_refused("[sysctl]\nkernel.core_pattern = a\"b\n", "unbalanced");
	assert_refused("[sysctl]\nvm.swappiness = 201\n",
		       "out of range: expected numbers from 0 to 200");
	assert_refused("[sysctl]\nvm.swappiness = >=99999999999999999999\n",
		       "out of range");
	assert_refused("[sysctl]\nnet.ipv4.ip_local_port_range = 0 100\n",
		       "from 1 to 65535");
}

/* sysctl.d's '-': the setting is optional, and its missing is no finding
 * even with --strict. */
static void test_dash_prefix_is_optional(void **state)
{
	struct audit a;
	const struct check *c;

	audit(*state,
	      "[sysctl]\n-net.core.busy_poll = 50\n"
	      "-vm.swappiness = 60\n",
	      &a);
	c = by_key(&a, "net.core.busy_poll");
	assert_int_equal(c->status, ST_MISSING);
	assert_true(c->setting->optional);
	c = by_key(&a, "vm.swappiness");
	assert_true(c->setting->optional);
	audit_free(&a);
	audit(*state, "[sysctl]\nnet.core.busy_poll = 50\n", &a);
	assert_false(by_key(&a, "net.core.busy_poll")->setting->optional);
	audit_free(&a);
}

#define RO(f) cmocka_unit_test_setup_teardown(f, ro_setup, ro_teardown)
#define RW(f) cmocka_unit_test_setup_teardown(f, rw_setup, rw_teardown)

/* The key tables are searched by bisection: an entry out of order would
 * make its key (and others) silently unknown: no unit, no bounds. */
static void test_sysctl_tables_sorted(void **state)
{
	struct expect e = { 0 };
	char *key = NULL, *err = NULL;

	(void)state;
	assert_true(sysctl_tables_sorted());
	/* and the search finds them: a bound, a field count, a unit */
	assert_int_equal(sysctl_ops.parse_setting(NULL, "vm.swappiness", "201",
						  &key, &e, &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(sysctl_ops.parse_setting(NULL, "net.ipv4.tcp_rmem",
						  ">=4096", &key, &e, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "3 fields"));
	free(err);
	err = NULL;
	assert_int_equal(sysctl_ops.parse_setting(NULL, "net.core.rmem_max",
						  "16M", &key, &e, &err),
			 0);
	assert_string_equal(key, "net.core.rmem_max");
	free(key);
	expect_free(&e);
	assert_string_equal(sysctl_ops.why("fs.file-max"),
			    "open files system-wide");
	assert_string_equal(sysctl_ops.why("vm.swappiness") ? "y" : "n", "y");
	assert_null(sysctl_ops.why("vm.swappines"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_dotted_stays),
		RO(test_fields_raise_only_what_is_below),
		cmocka_unit_test(test_multi_value_key_forms_are_checked),
		RW(test_single_comparison_of_unknown_multi_value_key),
		cmocka_unit_test(test_malformed_values_are_input_errors),
		RO(test_dash_prefix_is_optional),
		cmocka_unit_test(test_key_slashed_becomes_dotted),
		cmocka_unit_test(test_key_slashed_vlan_keeps_its_dot),
		cmocka_unit_test(test_key_dotted_vlan_stays),
		cmocka_unit_test(test_key_glob_is_kept),
		cmocka_unit_test(test_key_rejects_escapes_from_proc_sys),
		cmocka_unit_test(test_key_rejects_blanks_and_control_chars),
		cmocka_unit_test(test_key_rejects_overlong),
		cmocka_unit_test(test_sysctl_tables_sorted),
		RO(test_read_plain_value),
		RO(test_read_vlan_key),
		RO(test_read_normalises_tabs_and_keeps_raw),
		RO(test_read_missing_key_is_missing),
		RO(test_read_below_a_file_is_missing),
		RO(test_read_directory_is_error),
		RW(test_read_write_only_file_is_manual),
		RW(test_read_read_only_file_is_flagged),
		RW(test_read_fifo_is_error_and_does_not_hang),
		RW(test_write_to_fifo_fails_and_does_not_hang),
		RW(test_read_value_of_2mib_is_error),
		RW(test_read_value_with_nul_is_error),
		RW(test_absolute_symlink_out_of_root_not_followed),
		RW(test_etc_hostname_symlink_not_followed),
		RW(test_relative_symlink_out_of_root_not_followed),
		RW(test_write_through_symlink_out_of_root_refused),
		RW(test_symlink_inside_root_is_followed),
		RW(test_write_then_read_back),
		RW(test_write_vlan_key_goes_to_dotted_directory),
		RW(test_write_missing_key_fails),
		RO(test_glob_expands_every_interface),
		RO(test_glob_skips_directories_at_the_leaf),
		RO(test_glob_partial_match),
		RO(test_glob_matching_nothing_is_one_missing_check),
		RO(test_glob_under_missing_directory_is_one_missing_check),
		RO(test_glob_with_absent_leaf_is_one_missing_check),
		RO(test_explicit_key_beats_later_glob),
		RO(test_explicit_key_beats_earlier_glob),
		RO(test_later_broad_glob_beats_earlier_narrow_glob),
		RO(test_later_narrow_glob_beats_earlier_broad_glob),
		RO(test_audit_reports_deviation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
