// SPDX-License-Identifier: GPL-2.0-or-later
/* Snapshots: every byte of a value survives format and parse, malformed
 * files are refused with "file:line:", and the state directory keeps them
 * private, ordered and locked. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "hosttune/snapshot.h"
#include "hosttune/trust.h"

extern const struct check_ops sysctl_ops;

/* ---- helpers ---- */

static int tmpdir_setup(void **state)
{
	char tmpl[] = "/tmp/hosttune-snapshot.XXXXXX";

	if (!mkdtemp(tmpl))
		return -1;
	*state = xstrdup(tmpl);
	return 0;
}

static int tmpdir_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", (char *)*state);
	int r = system(cmd);

	free(cmd);
	free(*state);
	return r == 0 ? 0 : -1;
}

static void put_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(data, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A snapshot with fixed header fields (snapshot_init reads the clock). */
static void snap_new(struct snapshot *s, const char *id, const char *time)
{
	snapshot_init(s, "manual", "throughput", "/");
	s->id = xstrdup(id);
	free(s->time);
	s->time = xstrdup(time);
}

static void snap_destroy(void *v)
{
	snapshot_free(v);
	free(v);
}

static const struct snapshot_entry *entry(const struct snapshot *s, size_t i)
{
	assert_true(i < s->entries.n);
	return s->entries.v[i];
}

/* Parse text that must be refused; returns the message. */
static char *parse_err(const char *text)
{
	struct snapshot s = { 0 };
	char *err = NULL;

	if (snapshot_parse("s.ini", text, strlen(text), &s, &err) == 0)
		fail_msg("accepted:\n%s", text);
	assert_non_null(err);
	return err;
}

static void assert_parse_err(const char *text, const char *want)
{
	char *err = parse_err(text);

	assert_string_equal(err, want);
	free(err);
}

/* Every field a snapshot must have (a file of before format 2: no
 * [end] line needed). */
#define HEADER                                     \
	"[snapshot]\n"                             \
	"id = \"x1\"\n"                            \
	"time = \"2024-01-01T00:00:00.000000Z\"\n" \
	"host = \"h\"\n"                           \
	"kernel = \"6.1\"\n"                       \
	"profile = \"p\"\n"                        \
	"kind = \"manual\"\n"                      \
	"hosttune = \"0.1.0\"\n"                   \
	"root = \"/\"\n"

/* ---- round trip ---- */

/* Every byte but NUL, several times over: 100 KiB. */
static char *every_byte_value(void)
{
	size_t len = 100 * 1024;
	char *v = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		v[i] = (char)(1 + i % 255);
	v[len] = '\0';
	return v;
}

static const struct {
	const char *key, *value;
} hostile[] = {
	{ "net.core.somaxconn", "4096" },
	{ "net.ipv4.tcp_rmem", "4096\t131072\t6291456" },
	{ "kernel.core_pattern", "|/usr/lib/systemd/systemd-coredump %P %u" },
	{ "kernel.a", "line one\nline two\n" },
	{ "kernel.b", "say \"hi\" \\ back\\slash \\x41 \\n \\\"" },
	{ "kernel.c", "; not a comment # nor this = [x] \"]" },
	{ "kernel.d", "  padded  " },
	{ "kernel.e", "" },
	{ "kernel.f", "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xa7" },
	{ "kernel.g", "\r\x01\x1b[0m\x7f\xff" },
	{ "net.ipv4.conf.a=b.rp_filter", "1" },
	{ "net.ipv4.conf.x]y.rp_filter", "2" },
	{ "net.ipv4.conf.s;h#p.rp_filter", "3" },
	{ "net.ipv4.conf.[q\".rp_filter", "4" },
	{ "net.ipv4.conf.eth0/100.rp_filter", "5" },
	{ "net.ipv4.conf.\\.rp_filter", "6" },
	{ "#kernel.x", "7" },
	{ ";kernel.x", "8" },
	{ "[kernel.x]", "9" },
};

static void test_round_trip_keeps_every_byte(void **state)
{
	struct snapshot s, back = { 0 };
	char *big = every_byte_value(), *text, *err = NULL;

	snap_new(&s, "rt-1", "2024-05-06T07:08:09.123456Z");
	free(s.host);
	s.host = xstrdup("host\n[sysctl]\nkernel.x = \"evil\"");
	free(s.profile);
	s.profile = xstrdup("pro\"file\\");
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		snapshot_add(&s, &sysctl_ops, NULL, hostile[i].key,
			     hostile[i].value);
	snapshot_add(&s, &sysctl_ops, NULL, "kernel.big", big);

	text = snapshot_format(&s);
	if (snapshot_parse("rt.ini", text, strlen(text), &back, &err) < 0)
		fail_msg("%s", err);
	assert_string_equal(back.id, "rt-1");
	assert_string_equal(back.time, s.time);
	assert_string_equal(back.host, s.host);
	assert_string_equal(back.profile, s.profile);
	assert_string_equal(back.kind, "manual");
	assert_string_equal(back.root, "/");
	assert_string_equal(back.version, HOSTTUNE_VERSION);
	assert_null(back.restored);
	assert_int_equal(back.entries.n, ARRAY_SIZE(hostile) + 1);
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
		assert_ptr_equal(entry(&back, i)->ops, &sysctl_ops);
		assert_null(entry(&back, i)->target);
		assert_string_equal(entry(&back, i)->key, hostile[i].key);
		assert_string_equal(entry(&back, i)->value, hostile[i].value);
	}
	assert_string_equal(entry(&back, ARRAY_SIZE(hostile))->value, big);
	snapshot_free(&back);
	snapshot_free(&s);
	free(text);
	free(big);
}

static void test_format_is_one_line_per_value(void **state)
{
	struct snapshot s;
	char *text;
	size_t lines = 0;

	snap_new(&s, "x1", "2024-01-01T00:00:00.000000Z");
	snapshot_add(&s, &sysctl_ops, NULL, "kernel.a", "1\n2\n3");
	text = snapshot_format(&s);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	/* 2 comment lines, [snapshot], format and 8 fields, blank,
	 * [sysctl], 1 value, blank, [end] */
	assert_int_equal(lines, 17);
	assert_non_null(strstr(text, "kernel.a = \"1\\n2\\n3\"\n"));
	snapshot_free(&s);
	free(text);
}

static void test_restored_field_round_trips(void **state)
{
	struct snapshot s, back = { 0 };
	char *text, *err = NULL;

	snap_new(&s, "x1", "2024-01-01T00:00:00.000000Z");
	s.restored = xstrdup("2024-01-02T00:00:00.000000Z");
	text = snapshot_format(&s);
	assert_int_equal(
		snapshot_parse("r.ini", text, strlen(text), &back, &err), 0);
	assert_string_equal(back.restored, s.restored);
	snapshot_free(&back);
	snapshot_free(&s);
	free(text);
}

/* ---- parse errors ---- */

static void test_parse_minimal_header(void **state)
{
	static const char text[] = HEADER "[sysctl]\n"
					  "vm.swappiness = \"60\" ; was\n";
	struct snapshot s = { 0 };
	char *err = NULL;

	assert_int_equal(snapshot_parse("s.ini", text, strlen(text), &s, &err),
			 0);
	assert_string_equal(s.id, "x1");
	assert_int_equal(s.entries.n, 1);
	assert_string_equal(entry(&s, 0)->key, "vm.swappiness");
	assert_string_equal(entry(&s, 0)->value, "60");
	snapshot_free(&s);
}

static void test_parse_unterminated_quote(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"60\n",
			 "s.ini:11: unterminated quoted value");
}

static void test_parse_quote_escaped_at_end_is_unterminated(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"60\\\"\n",
			 "s.ini:11: unterminated quoted value");
}

static void test_parse_unknown_section(void **state)
{
	assert_parse_err(HEADER "[bogus]\nx = \"1\"\n",
			 "s.ini:10: unknown section [bogus]");
}

static void test_parse_bad_escape(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"6\\q0\"\n",
			 "s.ini:11: malformed escape in value");
}

static void test_parse_nul_escape(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"6\\x000\"\n",
			 "s.ini:11: malformed escape in value");
}

static void test_parse_short_hex_escape(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"6\\x4\"\n",
			 "s.ini:11: malformed escape in value");
}

static void test_parse_text_after_quote(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = \"60\" 70\n",
			 "s.ini:11: text after the quoted value");
}

static void test_parse_unquoted_value(void **state)
{
	assert_parse_err(HEADER "[sysctl]\nvm.swappiness = 60\n",
			 "s.ini:11: value must be double-quoted");
}

static void test_parse_entry_before_any_section(void **state)
{
	assert_parse_err("; header comment\nvm.swappiness = \"60\"\n" HEADER,
			 "s.ini:2: 'vm.swappiness' is outside any section");
}

static void test_parse_duplicate_key(void **state)
{
	assert_parse_err(HEADER "[sysctl]\n"
				"vm.swappiness = \"60\"\n"
				"vm.swappiness = \"10\"\n",
			 "s.ini:12: vm.swappiness: given twice");
}

static void test_parse_duplicate_key_other_spelling(void **state)
{
	assert_parse_err(HEADER "[sysctl]\n"
				"vm.swappiness = \"60\"\n"
				"vm/swappiness = \"10\"\n",
			 "s.ini:12: vm/swappiness: given twice");
}

static void test_parse_duplicate_header_field(void **state)
{
	assert_parse_err(HEADER "id = \"x2\"\n", "s.ini:10: 'id' given twice");
}

static void test_parse_key_leaving_proc_sys(void **state)
{
	char *err = parse_err(HEADER "[sysctl]\n"
				     "net/../../etc/shadow = \"x\"\n");

	assert_true(startswith(err, "s.ini:11: net/../../etc/shadow: "));
	free(err);
}

static void test_parse_missing_id(void **state)
{
	char *err = parse_err("[snapshot]\n"
			      "time = \"2024-01-01T00:00:00.000000Z\"\n"
			      "kind = \"manual\"\n"
			      "root = \"/\"\n");

	assert_true(startswith(err, "s.ini:"));
	assert_non_null(strstr(err, "id"));
	free(err);
}

/* Every header field is needed (a missing one crashed list and rollback);
 * a format-2 file must end with [end] (a truncated one is refused), and
 * nothing may follow it. */
static void test_parse_requires_every_field_and_the_end(void **state)
{
	struct snapshot s, back = { 0 };
	char *text, *cut, *err = NULL;
	const char *fields[] = { "host", "kernel", "profile", "hosttune" };

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *line = xasprintf("\n%s = ", fields[i]), *p;

		text = xstrdup(HEADER);
		p = strstr(text, line);
		assert_non_null(p);
		memmove(p + 1, strchr(p + 1, '\n') + 1,
			strlen(strchr(p + 1, '\n') + 1) + 1);
		err = parse_err(text);
		assert_non_null(strstr(err, "not a hosttune snapshot"));
		free(err);
		free(text);
		free(line);
	}
	snap_new(&s, "x1", "2024-01-01T00:00:00.000000Z");
	snapshot_add(&s, &sysctl_ops, NULL, "vm.swappiness", "60");
	text = snapshot_format(&s);
	assert_non_null(strstr(text, "format = \"2\""));
	assert_int_equal(
		snapshot_parse("s.ini", text, strlen(text), &back, &err), 0);
	snapshot_free(&back);
	cut = xstrndup(text, strstr(text, "[end]") - text);
	assert_int_equal(snapshot_parse("s.ini", cut, strlen(cut), &back, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "cut short: no [end] line"));
	free(err);
	free(cut);
	cut = xasprintf("%s[sysctl]\nvm.dirty_ratio = \"1\"\n", text);
	assert_int_equal(snapshot_parse("s.ini", cut, strlen(cut), &back, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "text after [end]"));
	free(err);
	free(cut);
	free(text);
	snapshot_free(&s);
}

static void test_parse_invalid_id(void **state)
{
	char *err = parse_err("[snapshot]\n"
			      "id = \"../../etc/x\"\n"
			      "time = \"2024-01-01T00:00:00.000000Z\"\n"
			      "host = \"h\"\nkernel = \"k\"\nprofile = \"\"\n"
			      "hosttune = \"0.1.0\"\n"
			      "kind = \"manual\"\n"
			      "root = \"/\"\n");

	assert_string_equal(err, "s.ini: invalid snapshot id");
	free(err);
}

static void test_parse_nul_byte(void **state)
{
	static const char text[] = HEADER "[sysctl]\nvm.swappiness = \"6\0\"\n";
	struct snapshot s = { 0 };
	char *err = NULL;

	assert_int_equal(snapshot_parse("s.ini", text, sizeof(text) - 1, &s,
					&err),
			 -EINVAL);
	assert_string_equal(err, "s.ini: contains a NUL byte");
	free(err);
}

/* ---- ids ---- */

static void test_id_ok(void **state)
{
	char long_id[201];

	assert_int_equal(snapshot_id_ok("20240101T000000Z-apply-throughput"),
			 0);
	assert_int_equal(snapshot_id_ok("before.upgrade_2"), 0);
	assert_int_equal(snapshot_id_ok("../x"), -EINVAL);
	assert_int_equal(snapshot_id_ok("a/b"), -EINVAL);
	assert_int_equal(snapshot_id_ok(""), -EINVAL);
	assert_int_equal(snapshot_id_ok(".hidden"), -EINVAL);
	assert_int_equal(snapshot_id_ok("-rf"), -EINVAL);
	assert_int_equal(snapshot_id_ok("a b"), -EINVAL);
	assert_int_equal(snapshot_id_ok("a\nb"), -EINVAL);
	memset(long_id, 'a', 200);
	long_id[200] = '\0';
	assert_int_equal(snapshot_id_ok(long_id), -EINVAL);
}

/* ---- the state directory ---- */

static int prepare(const char *dir)
{
	char *err = NULL;
	int r = state_dir_open(dir, NULL, true, false, &err);

	free(err);
	return r;
}

static void test_state_dir_prepare_creates_0700(void **state)
{
	char *dir = xasprintf("%s/var/lib/hosttune", (char *)*state);
	struct stat st;

	assert_int_equal(prepare(dir), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	free(dir);
}

/* An existing directory is checked, never chmod'ed: -s /tmp once made
 * /tmp 0700. */
static void test_state_dir_others_could_write_is_refused(void **state)
{
	char *dir = xasprintf("%s/state", (char *)*state), *err = NULL;
	struct stat st;

	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 01777), 0);
	assert_int_equal(state_dir_open(dir, NULL, true, false, &err), -EPERM);
	assert_non_null(strstr(err, "writable by no one else"));
	free(err);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(prepare(dir), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(dir);
}

/* A privileged run also refuses a state directory on a path others could
 * change (whoever can write a directory on the way could swap what lies
 * below it for a symlink after the check), and goes by the resolved path
 * from then on: a symlink in such a directory is resolved once, and
 * repointing it later changes nothing. Unprivileged (trusted false), the
 * state directory is the user's own choice. */
static void test_state_dir_on_a_path_others_could_change(void **state)
{
	const char *top = *state;
	char *open_dir = xasprintf("%s/open", top);
	char *dir = xasprintf("%s/open/tree/var/lib/hosttune", top);
	char *safe = xasprintf("%s/safe", top), *link = NULL;
	char *err = NULL;
	struct stat st;

	assert_int_equal(mkdir(open_dir, 0755), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(state_dir_open(dir, NULL, true, true, &err), -EPERM);
	assert_non_null(strstr(err, "refusing a directory others could write"));
	assert_non_null(strstr(err, "/open"));
	free(err);
	err = NULL;
	/* nothing was made below it */
	free(dir);
	dir = xasprintf("%s/open/tree", top);
	assert_int_equal(stat(dir, &st), -1);
	free(dir);
	dir = xasprintf("%s/open/tree/var/lib/hosttune", top);
	assert_int_equal(state_dir_open(dir, NULL, true, false, &err), 0);
	/* sticky and root's, as /tmp: only an entry's owner may replace it */
	assert_int_equal(chmod(open_dir, 01777), 0);
	assert_int_equal(state_dir_open(dir, NULL, true, true, &err), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);

	/* the path is walked as given (cli_resolve_paths resolved it
	 * before): a symlink on it now is refused, never followed, and so
	 * is a relative path; the directory handed back is the one named */
	assert_int_equal(mkdir(safe, 0700), 0);
	link = xasprintf("%s/link", top);
	assert_int_equal(symlink(safe, link), 0);
	assert_int_equal(state_dir_open(link, NULL, true, true, &err), -ELOOP);
	assert_non_null(strstr(err, "a symlink"));
	free(err);
	err = NULL;
	assert_int_equal(state_dir_open("rel/state", NULL, true, true, &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(state_dir_open(safe, NULL, true, true, &err), 0);
	assert_int_equal(stat(safe, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(link);
	free(safe);
	free(dir);
	free(open_dir);
}

/* A --root to write to: the directories above it walked as the resolved
 * string names them. One that became a symlink since it was resolved
 * (another user's swap) is refused, as is one others could write; the
 * tree itself may be anyone's. */
static void test_root_above_trusted(void **state)
{
	const char *top = *state;
	char *tree = xasprintf("%s/t/tree", top), *t = xasprintf("%s/t", top);
	char *moved = xasprintf("%s/t.real", top), *err = NULL;

	assert_int_equal(mkdir(t, 0755), 0);
	assert_int_equal(mkdir(tree, 0777), 0);
	assert_int_equal(chmod(tree, 0777), 0);
	assert_int_equal(path_above_trusted(tree, 0, &err), 0);
	assert_int_equal(chmod(t, 0777), 0);
	assert_int_equal(path_above_trusted(tree, 0, &err), -EPERM);
	assert_non_null(strstr(err, "/t: refusing a directory others"));
	free(err);
	err = NULL;
	assert_int_equal(chmod(t, 0755), 0);
	assert_int_equal(rename(t, moved), 0);
	assert_int_equal(symlink(moved, t), 0);
	assert_int_equal(path_above_trusted(tree, 0, &err), -ELOOP);
	assert_non_null(strstr(err, "a symlink"));
	free(err);
	err = NULL;
	assert_int_equal(path_above_trusted("rel/tree", 0, &err), -EINVAL);
	free(moved);
	free(t);
	free(tree);
}

/* The path resolved by hand gives what realpath gives where nothing is
 * wrong ("..", ".", "//", symlinks relative and absolute, a relative
 * path), ends a symlink loop, refuses a symlink or a directory others
 * could write on the way, and appends what does not exist yet. */
static void test_path_resolve_trusted(void **state)
{
	const char *top = *state;
	char *a = xasprintf("%s/a", top), *b = xasprintf("%s/a/b", top);
	char *rel = xasprintf("%s/a/rel", top), *abs = xasprintf("%s/abs", top);
	char *loop = xasprintf("%s/loop", top), *in = NULL, *want = NULL;
	char *got = NULL, *err = NULL, cwd[PATH_MAX];

	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	assert_int_equal(symlink("b", rel), 0);
	assert_int_equal(symlink(b, abs), 0);
	assert_int_equal(symlink("loop", loop), 0);

	in = xasprintf("%s/a/./b/..//rel/", top);
	assert_int_equal(path_resolve_trusted(in, 0, false, &got, &err), 0);
	want = realpath(in, NULL);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(in);
	assert_int_equal(path_resolve_trusted(abs, 0, false, &got, &err), 0);
	want = realpath(abs, NULL);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(path_resolve_trusted(loop, 0, false, &got, &err),
			 -ELOOP);
	in = xasprintf("%s/abs/new/deeper", top);
	assert_int_equal(path_resolve_trusted(in, 0, true, &got, &err), 0);
	want = realpath(b, NULL);
	assert_true(!strncmp(got, want, strlen(want)));
	assert_string_equal(got + strlen(want), "/new/deeper");
	free(got);
	free(want);
	free(in);
	in = xasprintf("%s/abs/new/../x", top);
	assert_int_equal(path_resolve_trusted(in, 0, true, &got, &err),
			 -EINVAL);
	free(in);
	/* relative, from the working directory */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(a), 0);
	assert_int_equal(path_resolve_trusted("rel", 0, false, &got, &err), 0);
	want = realpath(b, NULL);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(chdir(cwd), 0);
	/* a symlink in a directory others could write: refused, not followed */
	assert_int_equal(chmod(a, 0777), 0);
	assert_int_equal(path_resolve_trusted(rel, 0, false, &got, &err),
			 -EPERM);
	assert_non_null(strstr(err, "refusing a directory others could write"));
	free(err);
	assert_int_equal(chmod(a, 0755), 0);
	free(loop);
	free(abs);
	free(rel);
	free(b);
	free(a);
}

static void test_state_dir_prepare_refuses_a_file(void **state)
{
	char *dir = xasprintf("%s/file", (char *)*state);

	put_file(dir, "x");
	assert_true(prepare(dir) < 0);
	free(dir);
}

/* Under --root the default state directory is resolved beneath the root:
 * a symlink in the tree (var -> /elsewhere) is refused, never followed. */
static void test_state_dir_beneath_root_refuses_symlinks(void **state)
{
	const char *root = *state;
	char *out = xasprintf("%s/outside", root),
	     *tree = xasprintf("%s/tree", root);
	char *var = xasprintf("%s/var", tree),
	     *dir = xasprintf("%s/var/lib/hosttune", tree);
	char *err = NULL;
	struct stat st;

	assert_int_equal(mkdir(out, 0755), 0);
	assert_int_equal(mkdir(tree, 0755), 0);
	assert_int_equal(symlink(out, var), 0);
	assert_int_equal(state_dir_open(dir, tree, true, false, &err), -EMLINK);
	assert_non_null(strstr(err, "a symlink below --root"));
	free(err);
	free(dir);
	dir = xasprintf("%s/lib", out);
	assert_int_equal(stat(dir, &st), -1); /* nothing made out there */
	assert_int_equal(unlink(var), 0);
	free(dir);
	dir = xasprintf("%s/var/lib/hosttune", tree);
	assert_int_equal(state_dir_open(dir, tree, true, false, &err), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(out);
	free(tree);
	free(var);
	free(dir);
}

/* A temporary file an interrupted write left is removed under the lock;
 * nothing else is. */
static void test_lock_removes_stale_temporary_files(void **state)
{
	char *dir = xasprintf("%s/state", (char *)*state);
	char *tmp = xasprintf("%s/x.ini.tmp.12345", dir);
	char *keep = xasprintf("%s/x.ini", dir);
	struct stat st;
	int fd = -1;

	assert_int_equal(prepare(dir), 0);
	put_file(tmp, "half a snap");
	put_file(keep, "x");
	assert_int_equal(state_lock(dir, &fd), 0);
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(stat(keep, &st), 0);
	close(fd);
	free(tmp);
	free(keep);
	free(dir);
}

static void test_save_and_load_by_id(void **state)
{
	char *dir = xasprintf("%s/state", (char *)*state), *path = NULL;
	char *err = NULL;
	struct snapshot s, back = { 0 };
	struct stat st;

	assert_int_equal(prepare(dir), 0);
	snapshot_init(&s, "apply", "throughput", "/");
	snapshot_add(&s, &sysctl_ops, NULL, "net.core.somaxconn", "128");
	snapshot_add(&s, &sysctl_ops, NULL, "net.ipv4.tcp_rmem",
		     "4096\t131072\t6291456");
	assert_int_equal(snapshot_save(dir, &s, &path), 0);
	assert_non_null(s.id);
	assert_int_equal(snapshot_id_ok(s.id), 0);
	assert_non_null(path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	if (snapshot_load(dir, s.id, true, &back, &err) < 0)
		fail_msg("%s", err);
	assert_string_equal(back.id, s.id);
	assert_string_equal(back.time, s.time);
	assert_string_equal(back.kind, "apply");
	assert_string_equal(back.profile, "throughput");
	assert_int_equal(back.entries.n, 2);
	assert_string_equal(entry(&back, 0)->key, "net.core.somaxconn");
	assert_string_equal(entry(&back, 0)->value, "128");
	assert_string_equal(entry(&back, 1)->value, "4096\t131072\t6291456");
	snapshot_free(&back);
	snapshot_free(&s);
	free(path);
	free(dir);
}

static void test_save_never_overwrites_an_existing_id(void **state)
{
	char *dir = xasprintf("%s/state", (char *)*state), *err = NULL;
	struct snapshot a, b, back = { 0 };

	assert_int_equal(prepare(dir), 0);
	snap_new(&a, "same", "2024-01-01T00:00:00.000000Z");
	snapshot_add(&a, &sysctl_ops, NULL, "vm.swappiness", "60");
	snap_new(&b, "same", "2024-01-01T00:00:00.000000Z");
	snapshot_add(&b, &sysctl_ops, NULL, "vm.swappiness", "10");
	assert_int_equal(snapshot_save(dir, &a, NULL), 0);
	assert_int_equal(snapshot_save(dir, &b, NULL), 0);
	assert_string_not_equal(a.id, b.id);
	assert_int_equal(snapshot_load(dir, "same", false, &back, &err), 0);
	assert_string_equal(entry(&back, 0)->value, "60");
	snapshot_free(&back);
	snapshot_free(&a);
	snapshot_free(&b);
	free(dir);
}

static void test_load_unknown_id(void **state)
{
	char *err = NULL;
	struct snapshot back = { 0 };

	assert_int_equal(snapshot_load(*state, "nope", false, &back, &err),
			 -ENOENT);
	assert_non_null(err);
	assert_non_null(strstr(err, "nope"));
	free(err);
}

static void test_load_rejects_invalid_id(void **state)
{
	char *err = NULL;
	struct snapshot back = { 0 };

	assert_int_equal(snapshot_load(*state, ".hidden", false, &back, &err),
			 -EINVAL);
	assert_non_null(err);
	free(err);
}

static void test_load_refuses_group_writable_when_privileged(void **state)
{
	char *dir = *state, *path = xasprintf("%s/x1.ini", dir), *err = NULL;
	struct snapshot back = { 0 };

	put_file(path, HEADER);
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(snapshot_load(dir, "x1", true, &back, &err), -EPERM);
	assert_non_null(err);
	free(err);
	err = NULL;
	/* Unprivileged, the same file is read. */
	assert_int_equal(snapshot_load(dir, "x1", false, &back, &err), 0);
	snapshot_free(&back);
	free(path);
}

/* rollback rewrites the file a snapshot's header names: a file whose id
 * is not its name (copied, or edited to stand for another) is refused. */
static void test_load_refuses_an_id_other_than_the_file_name(void **state)
{
	char *dir = *state, *path = xasprintf("%s/other.ini", dir), *err = NULL;
	struct snapshot back = { 0 };

	put_file(path, HEADER);
	assert_int_equal(snapshot_load(dir, "other", false, &back, &err),
			 -EINVAL);
	assert_non_null(strstr(err, "its id is 'x1', not the file's name"));
	free(err);
	free(path);
}

static void test_list_orders_by_time(void **state)
{
	char *dir = *state, *err = NULL;
	static const struct {
		const char *id, *time;
	} saved[] = {
		{ "aaa", "2024-03-01T00:00:00.000000Z" },
		{ "bbb", "2024-01-01T00:00:00.000000Z" },
		{ "ccc", "2024-02-01T00:00:00.000000Z" },
		{ "ddd", "2023-12-31T23:59:59.999999Z" },
	};
	static const char *const want[] = { "ddd", "bbb", "ccc", "aaa" };
	struct ptrvec out = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(saved); i++) {
		struct snapshot s;

		snap_new(&s, saved[i].id, saved[i].time);
		assert_int_equal(snapshot_save(dir, &s, NULL), 0);
		snapshot_free(&s);
	}
	assert_int_equal(snapshot_list(dir, false, &out, &err), 0);
	assert_null(err);
	assert_int_equal(out.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < out.n; i++)
		assert_string_equal(((struct snapshot *)out.v[i])->id, want[i]);
	ptrvec_free(&out, snap_destroy);
}

static void test_list_skips_other_files_and_reports_bad_ones(void **state)
{
	char *dir = *state, *err = NULL, *p;
	struct ptrvec out = { 0 };
	struct snapshot s;

	snap_new(&s, "good", "2024-01-01T00:00:00.000000Z");
	assert_int_equal(snapshot_save(dir, &s, NULL), 0);
	snapshot_free(&s);
	p = xasprintf("%s/notes.txt", dir);
	put_file(p, "not a snapshot");
	free(p);
	p = xasprintf("%s/broken.ini", dir);
	put_file(p, "[snapshot]\nid = \"broken\n");
	free(p);

	assert_int_equal(snapshot_list(dir, false, &out, &err), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(((struct snapshot *)out.v[0])->id, "good");
	assert_non_null(err);
	assert_non_null(strstr(err, "broken.ini:2:"));
	free(err);
	ptrvec_free(&out, snap_destroy);
}

static void test_list_of_missing_dir_is_empty(void **state)
{
	char *dir = xasprintf("%s/never", (char *)*state), *err = NULL;
	struct ptrvec out = { 0 };

	assert_int_equal(snapshot_list(dir, false, &out, &err), 0);
	assert_int_equal(out.n, 0);
	free(dir);
}

/* ---- the lock ---- */

static void test_lock_is_exclusive(void **state)
{
	int a = -1, b = -1;

	assert_int_equal(state_lock(*state, &a), 0);
	assert_true(a >= 0);
	/* A second open: a new open file description, so flock conflicts. */
	assert_int_equal(state_lock(*state, &b), -EBUSY);
	assert_int_equal(b, -1);
	close(a);
	assert_int_equal(state_lock(*state, &b), 0);
	close(b);
}

static void test_lock_refuses_symlinked_lock_file(void **state)
{
	char *lock = xasprintf("%s/lock", (char *)*state);
	char *target = xasprintf("%s/elsewhere", (char *)*state);
	struct stat st;
	int fd = -1;

	assert_int_equal(symlink(target, lock), 0);
	assert_true(state_lock(*state, &fd) < 0);
	assert_int_equal(lstat(target, &st), -1); /* not created through it */
	free(target);
	free(lock);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tmpdir_setup, tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_keeps_every_byte),
		cmocka_unit_test(test_format_is_one_line_per_value),
		cmocka_unit_test(test_restored_field_round_trips),
		cmocka_unit_test(test_parse_minimal_header),
		cmocka_unit_test(test_parse_unterminated_quote),
		cmocka_unit_test(
			test_parse_quote_escaped_at_end_is_unterminated),
		cmocka_unit_test(test_parse_unknown_section),
		cmocka_unit_test(test_parse_bad_escape),
		cmocka_unit_test(test_parse_nul_escape),
		cmocka_unit_test(test_parse_short_hex_escape),
		cmocka_unit_test(test_parse_text_after_quote),
		cmocka_unit_test(test_parse_unquoted_value),
		cmocka_unit_test(test_parse_entry_before_any_section),
		cmocka_unit_test(test_parse_duplicate_key),
		cmocka_unit_test(test_parse_duplicate_key_other_spelling),
		cmocka_unit_test(test_parse_duplicate_header_field),
		cmocka_unit_test(test_parse_key_leaving_proc_sys),
		cmocka_unit_test(test_parse_missing_id),
		cmocka_unit_test(test_parse_invalid_id),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_id_ok),
		T(test_state_dir_prepare_creates_0700),
		T(test_state_dir_others_could_write_is_refused),
		T(test_state_dir_on_a_path_others_could_change),
		T(test_root_above_trusted),
		T(test_path_resolve_trusted),
		T(test_state_dir_beneath_root_refuses_symlinks),
		T(test_state_dir_prepare_refuses_a_file),
		T(test_lock_removes_stale_temporary_files),
		T(test_save_and_load_by_id),
		T(test_save_never_overwrites_an_existing_id),
		T(test_load_unknown_id),
		T(test_load_rejects_invalid_id),
		T(test_load_refuses_group_writable_when_privileged),
		T(test_load_refuses_an_id_other_than_the_file_name),
		cmocka_unit_test(test_parse_requires_every_field_and_the_end),
		T(test_list_orders_by_time),
		T(test_list_skips_other_files_and_reports_bad_ones),
		T(test_list_of_missing_dir_is_empty),
		T(test_lock_is_exclusive),
		T(test_lock_refuses_symlinked_lock_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
