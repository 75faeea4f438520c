// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile loading: includes, input errors with "file:LINE: message", and
 * the limits that keep a hostile profile from being half-read. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"

#include "hosttune/profile.h"

extern const struct check_ops sysctl_ops;

/* ---- helpers ---- */

struct env {
	char *dir; /* a fresh profile directory */
	const char *dirs[1];
	struct profile_path pp;
	struct profile p;
	struct load_errors errs;
};

static int env_setup(void **state)
{
	char tmpl[] = "/tmp/hosttune-profile.XXXXXX";
	struct env *e = xcalloc(1, sizeof(*e));

	if (!mkdtemp(tmpl))
		return -1;
	e->dir = xstrdup(tmpl);
	e->dirs[0] = e->dir;
	e->pp = (struct profile_path){ .dirs = e->dirs, .n_dirs = 1 };
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	char *cmd = xasprintf("rm -rf '%s'", e->dir);
	int r = system(cmd);

	free(cmd);
	profile_free(&e->p);
	load_errors_free(&e->errs);
	free(e->dir);
	free(e);
	return r == 0 ? 0 : -1;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write DIR/NAME.ini. */
static void put_profile(struct env *e, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.ini", e->dir, name);

	write_bytes(path, text, strlen(text));
	free(path);
}

/* "DIR/NAME.ini:LINE: MSG", as profile_load reports files it found. */
static char *at(struct env *e, const char *name, int line, const char *msg)
{
	return xasprintf("%s/%s.ini:%d: %s", e->dir, name, line, msg);
}

static int parse(struct env *e, const char *text)
{
	return profile_parse_buffer(&e->p, &e->pp, "t.ini", text, strlen(text),
				    &e->errs);
}

static const char *err(struct env *e, size_t i)
{
	assert_true(i < e->errs.msgs.n);
	return e->errs.msgs.v[i];
}

/* Exactly one error, and it is want. */
static void assert_one_error(struct env *e, const char *want)
{
	if (e->errs.msgs.n != 1) {
		for (size_t i = 0; i < e->errs.msgs.n; i++)
			print_message("  error: %s\n", err(e, i));
		fail_msg("expected 1 error, got %zu", e->errs.msgs.n);
	}
	assert_string_equal(err(e, 0), want);
}

static void assert_no_errors(struct env *e)
{
	for (size_t i = 0; i < e->errs.msgs.n; i++)
		print_message("  error: %s\n", err(e, i));
	assert_int_equal(e->errs.msgs.n, 0);
}

static const struct setting *setting(struct env *e, size_t i)
{
	assert_true(i < e->p.settings.n);
	return e->p.settings.v[i];
}

static const struct setting *find(struct env *e, const char *key)
{
	for (size_t i = 0; i < e->p.settings.n; i++)
		if (!strcmp(setting(e, i)->key, key))
			return setting(e, i);
	fail_msg("no setting %s", key);
	return NULL;
}

/* ---- a well-formed profile ---- */

static void test_parse_builds_settings_in_order(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[profile]\n"
				  "description = Test profile\n"
				  "[sysctl]\n"
				  "vm.swappiness = <=10\n"
				  "net.core.somaxconn = >=4096\n"),
			 0);
	assert_no_errors(e);
	assert_string_equal(e->p.name, "t");
	assert_string_equal(e->p.description, "Test profile");
	assert_int_equal(e->p.settings.n, 2);
	assert_string_equal(setting(e, 0)->key, "vm.swappiness");
	assert_ptr_equal(setting(e, 0)->ops, &sysctl_ops);
	assert_int_equal(setting(e, 0)->expect.op, EXP_LE);
	assert_string_equal(setting(e, 0)->file, "t.ini");
	assert_int_equal(setting(e, 0)->line, 4);
	assert_string_equal(setting(e, 1)->key, "net.core.somaxconn");
	assert_int_equal(setting(e, 1)->line, 5);
}

static void test_slashed_key_is_canonicalised(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "net/ipv4/conf/eth0.100/rp_filter = 1\n"),
			 0);
	assert_string_equal(setting(e, 0)->key,
			    "net.ipv4.conf.eth0/100.rp_filter");
}

static void test_indented_key_is_a_key_not_continuation(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10\n"
				  "    net.core.somaxconn = 4096\n"
				  "\tfs.file-max = 100\n"),
			 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, 3);
	assert_string_equal(find(e, "vm.swappiness")->expect.alts[0], "10");
	assert_string_equal(find(e, "net.core.somaxconn")->expect.alts[0],
			    "4096");
	assert_int_equal(find(e, "fs.file-max")->line, 4);
}

static void test_inline_comment_becomes_why(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10 ; keep the page cache\n"),
			 0);
	assert_string_equal(setting(e, 0)->why, "keep the page cache");
	assert_string_equal(setting(e, 0)->expect.text, "10");
}

static void test_builtin_reason_when_no_comment(void **state)
{
	struct env *e = *state;
	const char *why = sysctl_ops.why("net.core.somaxconn");

	assert_non_null(why);
	assert_int_equal(parse(e, "[sysctl]\nnet.core.somaxconn = 4096\n"), 0);
	assert_non_null(setting(e, 0)->why);
	assert_string_equal(setting(e, 0)->why, why);
}

static void test_no_reason_for_unknown_key_without_comment(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\nkernel.unheard_of = 1\n"), 0);
	assert_null(setting(e, 0)->why);
}

static void test_comment_carries_impact_and_ref(void **state)
{
	struct env *e = *state;

	assert_int_equal(
		parse(e,
		      "[sysctl]\n"
		      "vm.swappiness = 10 ; keep the page cache | "
		      "impact: high | ref: Red Hat tuning guide, 4.2\n"
		      "vm.dirty_ratio = 10 ;  impact: low\n"
		      "kernel.unheard_of = 1 ; a | b or c | impact:  medium\n"),
		0);
	assert_no_errors(e);
	assert_string_equal(setting(e, 0)->why, "keep the page cache");
	assert_int_equal(setting(e, 0)->impact, IMPACT_HIGH);
	assert_string_equal(setting(e, 0)->ref, "Red Hat tuning guide, 4.2");
	/* no '|': the whole comment is the reason */
	assert_string_equal(setting(e, 1)->why, "impact: low");
	assert_int_equal(setting(e, 1)->impact, IMPACT_UNSET);
	/* the domain's reference where the line names none */
	assert_string_equal(setting(e, 1)->ref,
			    "Documentation/admin-guide/sysctl/vm.rst");
	/* a '|' that labels nothing stays in the reason */
	assert_string_equal(setting(e, 2)->why, "a | b or c");
	assert_int_equal(setting(e, 2)->impact, IMPACT_MEDIUM);
	assert_string_equal(setting(e, 2)->ref,
			    "Documentation/admin-guide/sysctl/kernel.rst");
}

static void test_impact_alone_keeps_the_builtin_reason(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e,
			       "[sysctl]\n"
			       "net.core.somaxconn = 4096 ; | impact: low\n"),
			 0);
	assert_string_equal(setting(e, 0)->why,
			    sysctl_ops.why("net.core.somaxconn"));
	assert_int_equal(setting(e, 0)->impact, IMPACT_LOW);
}

/* ---- input errors, each "file:LINE: message" ---- */

static void test_bad_impact_names_file_line_and_key(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10 ; x | impact: huge\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:2: vm.swappiness: impact: expected high, "
			    "medium or low, not 'huge'");
	assert_int_equal(e->p.settings.n, 0);
}

static void test_impact_or_ref_twice_is_an_error(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10 ; x | impact: low | "
				  "impact: high\n"
				  "vm.dirty_ratio = 10 ; x | ref: a | ref: b\n"
				  "vm.stat_interval = 10 ; x | ref:\n"),
			 -EINVAL);
	assert_int_equal(e->errs.msgs.n, 3);
	assert_string_equal(err(e, 0),
			    "t.ini:2: vm.swappiness: impact: given twice");
	assert_string_equal(err(e, 1),
			    "t.ini:3: vm.dirty_ratio: ref: given twice");
	assert_string_equal(err(e, 2), "t.ini:4: vm.stat_interval: ref: empty");
}

static void test_unknown_section(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[bogus]\nx = 1\n"), -EINVAL);
	assert_one_error(e, "t.ini:1: unknown section [bogus]");
	assert_int_equal(e->p.settings.n, 0);
}

static void test_sysctl_section_takes_no_argument(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e,
			       "; comment\n[sysctl foo]\nvm.swappiness = 1\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:2: [sysctl] takes no argument");
	assert_int_equal(e->p.settings.n, 0);
}

static void test_unknown_key_in_profile_section(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[profile]\ndescription = x\nincludes = a\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:3: unknown key 'includes' in [profile] "
			    "(known: description, include)");
}

static void test_key_outside_any_section(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "vm.swappiness = 10\n"), -EINVAL);
	assert_one_error(e, "t.ini:1: 'vm.swappiness' is outside any section");
	assert_int_equal(e->p.settings.n, 0);
}

static void test_duplicate_key_in_one_file(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10\n"
				  "\n"
				  "vm.swappiness = 20\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:4: vm.swappiness: set twice (first at "
			    "line 2)");
}

static void test_duplicate_key_in_other_spelling(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10\n"
				  "vm/swappiness = 20\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:3: vm/swappiness: set twice (first at "
			    "line 2)");
}

static void test_malformed_value_names_file_line_and_key(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = 10\n"
				  "net.core.somaxconn = >=lots\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:3: net.core.somaxconn: expected an integer "
			    "after '>='");
}

static void test_line_without_equals(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\nvm.swappiness 10\n"), -EINVAL);
	assert_one_error(e, "t.ini:2: expected '[section]' or 'key = value'");
}

static void test_section_without_close_bracket(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[profile]\n"
				  "description = d\n"
				  "[sysctl\n"
				  "vm.swappiness = 10\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:3: section header without ']'");
	assert_int_equal(e->p.settings.n, 0);
}

static void test_every_error_is_reported_with_its_line(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n"
				  "vm.swappiness = <3\n"
				  "net.core.somaxconn = 1..\n"
				  "[nope]\n"),
			 -EINVAL);
	assert_int_equal(e->errs.msgs.n, 3);
	assert_string_equal(err(e, 0), "t.ini:2: vm.swappiness: unknown "
				       "operator in '<3' (use '>=' or '<=')");
	assert_string_equal(err(e, 1), "t.ini:3: net.core.somaxconn: expected "
				       "an integer after '..'");
	assert_string_equal(err(e, 2), "t.ini:4: unknown section [nope]");
}

/* ---- long lines, NUL bytes, huge files ---- */

/* "kernel.core_pattern = " followed by x's: a line of len bytes. */
static char *long_line(size_t len)
{
	const char *prefix = "kernel.core_pattern = ";
	char *s = xmalloc(len + 1);

	memset(s, 'x', len);
	memcpy(s, prefix, strlen(prefix));
	s[len] = '\0';
	return s;
}

static void test_line_of_197_bytes_is_accepted_whole(void **state)
{
	struct env *e = *state;
	char *line = long_line(PROFILE_MAX_LINE);
	char *text = xasprintf("[sysctl]\n%s\n", line);

	assert_int_equal(parse(e, text), 0);
	assert_int_equal(e->p.settings.n, 1);
	assert_int_equal(strlen(setting(e, 0)->expect.alts[0]),
			 PROFILE_MAX_LINE - strlen("kernel.core_pattern = "));
	free(text);
	free(line);
}

static void test_line_too_long_is_an_error_not_a_cut_value(void **state)
{
	struct env *e = *state;
	char *line = long_line(PROFILE_MAX_LINE + 1);
	char *text = xasprintf("[sysctl]\nvm.swappiness = 1\n%s\n", line);

	assert_int_equal(parse(e, text), -EINVAL);
	assert_one_error(e, "t.ini:3: line too long (198 bytes; at most 197)");
	/* Only the good line made it; nothing of the long one. */
	assert_int_equal(e->p.settings.n, 1);
	assert_string_equal(setting(e, 0)->key, "vm.swappiness");
	free(text);
	free(line);
}

static void test_line_too_long_reports_next_lines_correctly(void **state)
{
	struct env *e = *state;
	char *line = long_line(400);
	char *text = xasprintf("[sysctl]\n%s\nvm.swappiness = <1\n", line);

	assert_int_equal(parse(e, text), -EINVAL);
	assert_int_equal(e->errs.msgs.n, 2);
	assert_string_equal(err(e, 0),
			    "t.ini:2: line too long (400 bytes; at most 197)");
	assert_string_equal(err(e, 1), "t.ini:3: vm.swappiness: unknown "
				       "operator in '<1' (use '>=' or '<=')");
	free(text);
	free(line);
}

static void test_key_of_4k_is_an_error(void **state)
{
	struct env *e = *state;
	char *key = xmalloc(4097);
	char *text;

	memset(key, 'a', 4096);
	key[4096] = '\0';
	text = xasprintf("[sysctl]\n%s = 1\n", key);
	assert_int_equal(parse(e, text), -EINVAL);
	assert_one_error(e, "t.ini:2: line too long (4100 bytes; at most 197)");
	assert_int_equal(e->p.settings.n, 0);
	free(text);
	free(key);
}

static void test_nul_byte_in_file(void **state)
{
	struct env *e = *state;
	static const char text[] = "[sysctl]\nvm.swappiness = 1\0 0\n"
				   "net.core.somaxconn = 4096\n";
	char *path = xasprintf("%s/nul.ini", e->dir);

	write_bytes(path, text, sizeof(text) - 1);
	assert_int_equal(profile_load(&e->p, &e->pp, path, &e->errs), -EINVAL);
	free(path);
	path = xasprintf("%s/nul.ini:2: line contains a NUL byte", e->dir);
	assert_one_error(e, path);
	free(path);
}

/*
 * The same through profile_parse_buffer, which takes (data, len) and so
 * must see every byte, NUL included: the NUL is reported and the lines
 * after it are still read.
 */
static void test_nul_byte_in_buffer(void **state)
{
	struct env *e = *state;
	static const char text[] = "[sysctl]\nvm.swappiness = 1\0 0\n"
				   "net.core.somaxconn = <1\n";

	assert_int_equal(profile_parse_buffer(&e->p, &e->pp, "t.ini", text,
					      sizeof(text) - 1, &e->errs),
			 -EINVAL);
	assert_int_equal(e->errs.msgs.n, 2);
	assert_string_equal(err(e, 0), "t.ini:2: line contains a NUL byte");
	assert_string_equal(err(e, 1), "t.ini:3: net.core.somaxconn: unknown "
				       "operator in '<1' (use '>=' or '<=')");
}

static void test_huge_file_is_refused(void **state)
{
	struct env *e = *state;
	size_t len = 2 * 1024 * 1024;
	char *data = xmalloc(len), *path = xasprintf("%s/huge.ini", e->dir);

	/* Lines of comments: valid if it were read. */
	for (size_t i = 0; i < len; i++)
		data[i] = (i % 64 == 63) ? '\n' : (i % 64 == 0 ? ';' : 'c');
	write_bytes(path, data, len);
	assert_int_equal(profile_load(&e->p, &e->pp, path, &e->errs), -EINVAL);
	assert_int_equal(e->errs.msgs.n, 1);
	if (!strstr(err(e, 0), "file too large"))
		fail_msg("unexpected error: %s", err(e, 0));
	assert_true(startswith(err(e, 0), path));
	free(path);
	free(data);
}

/* ---- keys that try to leave /proc/sys ---- */

static void assert_bad_key(struct env *e, const char *line, const char *want)
{
	char *text = xasprintf("[sysctl]\n%s\n", line);

	assert_int_equal(parse(e, text), -EINVAL);
	assert_one_error(e, want);
	assert_int_equal(e->p.settings.n, 0);
	free(text);
}

static void test_key_with_dotdot_component(void **state)
{
	assert_bad_key(*state, "net/../../etc/shadow = 1",
		       "t.ini:2: net/../../etc/shadow: key has an empty, '.' "
		       "or '..' component");
}

static void test_key_starting_with_dotdot(void **state)
{
	assert_bad_key(*state, "../etc/passwd = 1",
		       "t.ini:2: ../etc/passwd: key must be relative to "
		       "/proc/sys (no leading '/' or '.')");
}

static void test_dotted_key_with_empty_component(void **state)
{
	assert_bad_key(*state, "net..core.somaxconn = 1",
		       "t.ini:2: net..core.somaxconn: key has an empty, '.' or "
		       "'..' component");
}

static void test_absolute_key(void **state)
{
	assert_bad_key(*state, "/proc/sys/vm/swappiness = 1",
		       "t.ini:2: /proc/sys/vm/swappiness: key must be relative "
		       "to /proc/sys (no leading '/' or '.')");
}

static void test_key_with_tab(void **state)
{
	assert_bad_key(*state, "vm.swap\tpiness = 1",
		       "t.ini:2: vm.swap\tpiness: key contains blanks or "
		       "control characters");
}

static void test_key_with_escape(void **state)
{
	assert_bad_key(*state, "vm.swap\x1b[2Jpiness = 1",
		       "t.ini:2: vm.swap\x1b[2Jpiness: key contains blanks or "
		       "control characters");
}

/* ---- includes ---- */

static void test_include_merge_order(void **state)
{
	struct env *e = *state;

	put_profile(e, "a",
		    "[profile]\n"
		    "include = b, c\n"
		    "[sysctl]\n"
		    "vm.swappiness = 1\n");
	put_profile(e, "b",
		    "[sysctl]\n"
		    "net.core.somaxconn = 100\n"
		    "vm.swappiness = 50\n"
		    "kernel.shmmni = 7\n");
	put_profile(e, "c",
		    "[sysctl]\n"
		    "net.core.somaxconn = 200\n"
		    "fs.file-max = 5\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, 4);
	/* Positions are those of first appearance (b's order)... */
	assert_string_equal(setting(e, 0)->key, "net.core.somaxconn");
	assert_string_equal(setting(e, 1)->key, "vm.swappiness");
	assert_string_equal(setting(e, 2)->key, "kernel.shmmni");
	assert_string_equal(setting(e, 3)->key, "fs.file-max");
	/* ...values those of the later include and of the file itself. */
	assert_string_equal(setting(e, 0)->expect.alts[0], "200");
	assert_int_equal(setting(e, 0)->line, 2);
	assert_true(strstr(setting(e, 0)->file, "c.ini") != NULL);
	assert_string_equal(setting(e, 1)->expect.alts[0], "1");
	assert_int_equal(setting(e, 1)->line, 4);
	assert_true(strstr(setting(e, 1)->file, "a.ini") != NULL);
	assert_true(strstr(setting(e, 2)->file, "b.ini") != NULL);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(setting(e, i)->order, (int)i);
}

static void test_profile_name_and_description_are_the_top_file(void **state)
{
	struct env *e = *state;

	put_profile(e, "top", "[profile]\ndescription = Top\ninclude = sub\n");
	put_profile(e, "sub", "[profile]\ndescription = Sub\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "top", &e->errs), 0);
	assert_string_equal(e->p.name, "top");
	assert_string_equal(e->p.description, "Top");
	assert_int_equal(e->p.names.n, 2);
}

static void test_include_cycle(void **state)
{
	struct env *e = *state;
	char *want;

	put_profile(e, "a", "[profile]\ninclude = b\n");
	put_profile(e, "b", "; b\n[profile]\ninclude = a\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), -EINVAL);
	/* The file and line of the include that closes the cycle. */
	want = at(e, "b", 3, "include 'a': include cycle");
	assert_int_equal(e->errs.msgs.n, 1);
	if (!startswith(err(e, 0), want))
		fail_msg("'%s' does not start with '%s'", err(e, 0), want);
	free(want);
}

/* A file that includes its own name extends the profile of that name
 * further down the search order (a local override of a vendor profile);
 * with none there, it says so. */
static void test_self_include_extends_the_next_one(void **state)
{
	struct env *e = *state;
	char tmpl[] = "/tmp/hosttune-vendor.XXXXXX", *cmd;
	const char *dirs[2];

	put_profile(e, "a", "[profile]\ninclude = a\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), -EINVAL);
	assert_int_equal(e->errs.msgs.n, 1);
	assert_non_null(strstr(err(e, 0), "no profile named 'a' further down"));
	load_errors_free(&e->errs);
	profile_free(&e->p);

	assert_non_null(mkdtemp(tmpl));
	cmd = xasprintf("printf '[sysctl]\\nvm.swappiness = 10\\n"
			"net.core.somaxconn = 1024\\n' > %s/a.ini",
			tmpl);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	put_profile(e, "a",
		    "[profile]\ninclude = a\n[sysctl]\n"
		    "vm.swappiness = 1\n");
	dirs[0] = e->dir;
	dirs[1] = tmpl;
	e->pp.dirs = dirs;
	e->pp.n_dirs = 2;
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, 2);
	assert_string_equal(find(e, "vm.swappiness")->expect.text, "1");
	assert_string_equal(find(e, "net.core.somaxconn")->expect.text, "1024");
	/* and the built-in one of that name, at the end of the order */
	profile_free(&e->p);
	e->pp.n_dirs = 1;
	e->pp.builtin = true;
	put_profile(e, "baseline", "[profile]\ninclude = baseline\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "baseline", &e->errs), 0);
	assert_true(e->p.settings.n > 0);
	e->pp.dirs = e->dirs;
	cmd = xasprintf("rm -rf '%s'", tmpl);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Includes that fan out and meet again load each file once: 4^7 paths
 * through 7 levels of four files that all include the next level cost 36
 * loads (the depth limit is 16). */
static void test_include_fan_out_loads_each_file_once(void **state)
{
	struct env *e = *state;
	char name[16], text[160];

	for (int i = 0; i < 7; i++) {
		for (char f = 'a'; f <= 'd'; f++) {
			snprintf(name, sizeof(name), "%c%d", f, i);
			snprintf(text, sizeof(text),
				 "[profile]\ninclude = m%d\n[sysctl]\n"
				 "kernel.%c%d = 1\n",
				 i + 1, f, i);
			put_profile(e, name, text);
		}
		snprintf(name, sizeof(name), "m%d", i);
		snprintf(text, sizeof(text),
			 "[profile]\ninclude = a%d, b%d, c%d, d%d\n", i, i, i,
			 i);
		put_profile(e, name, text);
	}
	put_profile(e, "m7", "[sysctl]\nkernel.end = 1\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "m0", &e->errs), 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, 29);
	assert_int_equal(e->p.names.n, 36);
}

/* An include path must name a .ini file: no other file is read, and none
 * of its lines is echoed in a message. */
static void test_include_of_a_non_profile_file_is_refused(void **state)
{
	struct env *e = *state;

	put_profile(e, "t", "[profile]\ninclude = /etc/passwd\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "t", &e->errs), -EINVAL);
	assert_int_equal(e->errs.msgs.n, 1);
	assert_non_null(strstr(err(e, 0), "a path must name a .ini file"));
	assert_null(strstr(err(e, 0), "root:"));
}

static void test_diamond_include_is_not_a_cycle(void **state)
{
	struct env *e = *state;

	put_profile(e, "top", "[profile]\ninclude = l, r\n");
	put_profile(e, "l", "[profile]\ninclude = base\n");
	put_profile(e, "r", "[profile]\ninclude = base\n");
	put_profile(e, "base", "[sysctl]\nvm.swappiness = 1\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "top", &e->errs), 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, 1);
}

static void test_missing_include(void **state)
{
	struct env *e = *state;
	char *want;

	put_profile(e, "a", "[profile]\ndescription = x\ninclude = nope\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), -EINVAL);
	want = at(e, "a", 3, "include 'nope': no profile named 'nope'");
	assert_one_error(e, want);
	free(want);
}

static void test_error_in_include_names_the_included_file(void **state)
{
	struct env *e = *state;
	char *want;

	put_profile(e, "a", "[profile]\ninclude = b\n");
	put_profile(e, "b", "[sysctl]\nvm.swappiness = >=\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "a", &e->errs), -EINVAL);
	want = at(e, "b", 2, "vm.swappiness: expected an integer after '>='");
	assert_one_error(e, want);
	free(want);
}

/* p0 includes p1 ... includes p(n-1). */
static void put_chain(struct env *e, int n)
{
	for (int i = 0; i < n; i++) {
		char name[16], *text;

		snprintf(name, sizeof(name), "p%d", i);
		text = i + 1 < n ?
			       xasprintf("[profile]\ninclude = p%d\n"
					 "[sysctl]\nkernel.k%d = %d\n",
					 i + 1, i, i) :
			       xasprintf("[sysctl]\nkernel.k%d = %d\n", i, i);
		put_profile(e, name, text);
		free(text);
	}
}

static void test_include_chain_of_16_loads(void **state)
{
	struct env *e = *state;

	put_chain(e, PROFILE_MAX_DEPTH);
	assert_int_equal(profile_load(&e->p, &e->pp, "p0", &e->errs), 0);
	assert_no_errors(e);
	assert_int_equal(e->p.settings.n, PROFILE_MAX_DEPTH);
}

static void test_include_chain_of_20_hits_depth_limit(void **state)
{
	struct env *e = *state;
	char *want;

	put_chain(e, 20);
	assert_int_equal(profile_load(&e->p, &e->pp, "p0", &e->errs), -EINVAL);
	want = at(e, "p15", 2,
		  "include 'p16': includes nested more than 16 "
		  "deep");
	assert_one_error(e, want);
	free(want);
}

static void test_unknown_profile_name(void **state)
{
	struct env *e = *state;

	assert_int_equal(profile_load(&e->p, &e->pp, "nosuch", &e->errs),
			 -ENOENT);
	assert_one_error(e, "no profile named 'nosuch'");
}

static void test_profile_name_with_traversal_is_refused(void **state)
{
	struct env *e = *state;

	put_profile(e, "x", "[sysctl]\nvm.swappiness = 1\n");
	/* A name (no '/', no .ini) that is not a plain name. */
	assert_int_equal(profile_load(&e->p, &e->pp, "..x", &e->errs), -EINVAL);
	assert_int_equal(e->p.settings.n, 0);
}

static void test_load_by_path_labels_with_the_path(void **state)
{
	struct env *e = *state;
	char *path = xasprintf("%s/q.ini", e->dir), *want;

	put_profile(e, "q", "[sysctl]\nvm.swappiness = <2\n");
	assert_int_equal(profile_load(&e->p, &e->pp, path, &e->errs), -EINVAL);
	want = xasprintf("%s:2: vm.swappiness: unknown operator in '<2' (use "
			 "'>=' or '<=')",
			 path);
	assert_one_error(e, want);
	free(want);
	free(path);
}

static void test_builtin_baseline_exists(void **state)
{
	struct env *e = *state;

	e->pp.builtin = true;
	e->pp.n_dirs = 0;
	assert_int_equal(profile_load(&e->p, &e->pp, "baseline", &e->errs), 0);
	assert_no_errors(e);
	assert_string_equal(e->p.name, "baseline");
	assert_true(e->p.settings.n > 0);
}

static void test_profile_dir_wins_over_builtin(void **state)
{
	struct env *e = *state;

	e->pp.builtin = true;
	put_profile(e, "baseline", "[sysctl]\nkernel.only_here = 1\n");
	assert_int_equal(profile_load(&e->p, &e->pp, "baseline", &e->errs), 0);
	assert_int_equal(e->p.settings.n, 1);
	assert_string_equal(setting(e, 0)->key, "kernel.only_here");
}

static void test_builtin_not_used_when_disabled(void **state)
{
	struct env *e = *state;

	assert_int_equal(profile_load(&e->p, &e->pp, "baseline", &e->errs),
			 -ENOENT);
}

static void test_check_owner_refuses_group_writable_file(void **state)
{
	struct env *e = *state;
	char *path = xasprintf("%s/w.ini", e->dir);

	put_profile(e, "w", "[sysctl]\nvm.swappiness = 1\n");
	assert_int_equal(chmod(path, 0664), 0);
	e->pp.check_owner = true;
	assert_true(profile_load(&e->p, &e->pp, "w", &e->errs) < 0);
	assert_int_equal(e->errs.msgs.n, 1);
	assert_non_null(strstr(err(e, 0), "writable by group or others"));
	assert_int_equal(e->p.settings.n, 0);
	free(path);
}

/* ---- names are read whole: inih would cut them at 50 bytes ---- */

/* "[mount /" + path + "]": the target is the whole path, at, below and
 * beyond inih's 50-byte section limit. */
static void test_section_names_are_read_whole(void **state)
{
	struct env *e = *state;
	const size_t lens[] = { 40, 49, 50, 51, 120, 180 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		char *path = xcalloc(1, lens[i] + 1), *text;

		path[0] = '/';
		memset(path + 1, 'a', lens[i] - 1);
		for (size_t k = 10; k < lens[i]; k += 10)
			path[k] = '/';
		text = xasprintf("[mount %s]\noptions = noatime\n", path);
		profile_free(&e->p);
		assert_int_equal(parse(e, text), 0);
		assert_no_errors(e);
		assert_string_equal(setting(e, 0)->target, path);
		free(text);
		free(path);
	}
}

static void test_keys_are_read_whole(void **state)
{
	struct env *e = *state;
	const size_t lens[] = { 49, 50, 51, 150 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		char *name = xcalloc(1, lens[i] + 1), *key, *text;

		memset(name, 'x', lens[i]);
		key = xasprintf("net.ipv4.conf.%s.rp_filter", name);
		text = xasprintf("[sysctl]\n%s = 1\n", key);
		profile_free(&e->p);
		assert_int_equal(parse(e, text), 0);
		assert_no_errors(e);
		assert_string_equal(setting(e, 0)->key, key);
		free(text);
		free(key);
		free(name);
	}
}

/* A long CPU list is not cut either: [cpu LIST] keeps every CPU. */
static void test_long_cpu_list_is_whole(void **state)
{
	struct env *e = *state;
	struct strbuf list = { 0 };
	char *text;

	for (int i = 0; i < 40; i += 2)
		strbuf_printf(&list, "%s%d", list.len ? "," : "", i);
	assert_true(list.len > 50);
	text = xasprintf("[cpu %s]\ngovernor = performance\n", list.s);
	assert_int_equal(parse(e, text), 0);
	assert_no_errors(e);
	assert_string_equal(setting(e, 0)->target, list.s);
	free(text);
	free(list.s);
}

/* A ']' inside a bracket glob belongs to the name. */
static void test_bracket_glob_in_section_name(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[net enp?s0f[01]]\nmtu = 9000\n"), 0);
	assert_no_errors(e);
	assert_string_equal(setting(e, 0)->target, "enp?s0f[01]");
	profile_free(&e->p);
	assert_int_equal(parse(e, "[net en[!x]*] ; a comment\nmtu = 9000\n"),
			 0);
	assert_no_errors(e);
	assert_string_equal(setting(e, 0)->target, "en[!x]*");
}

static void test_text_after_section_header_is_an_error(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl] junk\nvm.swappiness = 1\n"),
			 -EINVAL);
	assert_one_error(e, "t.ini:1: text after the section header's ']': "
			    "'junk'");
	assert_int_equal(e->p.settings.n, 0);
	load_errors_free(&e->errs);
	assert_int_equal(parse(e, "[net eth0]]\nmtu = 1\n"), -EINVAL);
	assert_one_error(e, "t.ini:1: text after the section header's ']': "
			    "']'");
	load_errors_free(&e->errs);
	assert_int_equal(parse(e, "[net eth[01]\nmtu = 1\n"), -EINVAL);
	assert_one_error(e, "t.ini:1: section header without ']'");
	load_errors_free(&e->errs);
	/* control bytes in the junk are shown escaped */
	assert_int_equal(parse(e, "[sysctl] \033[2J\n"), -EINVAL);
	assert_one_error(e, "t.ini:1: text after the section header's ']': "
			    "'\\x1b[2J'");
}

static void test_empty_key_is_an_error(void **state)
{
	struct env *e = *state;

	assert_int_equal(parse(e, "[sysctl]\n = 1\n"), -EINVAL);
	assert_one_error(e, "t.ini:2: empty key before '='");
}

#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parse_builds_settings_in_order),
		T(test_section_names_are_read_whole),
		T(test_keys_are_read_whole),
		T(test_long_cpu_list_is_whole),
		T(test_bracket_glob_in_section_name),
		T(test_text_after_section_header_is_an_error),
		T(test_empty_key_is_an_error),
		T(test_slashed_key_is_canonicalised),
		T(test_indented_key_is_a_key_not_continuation),
		T(test_inline_comment_becomes_why),
		T(test_comment_carries_impact_and_ref),
		T(test_impact_alone_keeps_the_builtin_reason),
		T(test_bad_impact_names_file_line_and_key),
		T(test_impact_or_ref_twice_is_an_error),
		T(test_builtin_reason_when_no_comment),
		T(test_no_reason_for_unknown_key_without_comment),
		T(test_unknown_section),
		T(test_sysctl_section_takes_no_argument),
		T(test_unknown_key_in_profile_section),
		T(test_key_outside_any_section),
		T(test_duplicate_key_in_one_file),
		T(test_duplicate_key_in_other_spelling),
		T(test_malformed_value_names_file_line_and_key),
		T(test_line_without_equals),
		T(test_section_without_close_bracket),
		T(test_every_error_is_reported_with_its_line),
		T(test_line_of_197_bytes_is_accepted_whole),
		T(test_line_too_long_is_an_error_not_a_cut_value),
		T(test_line_too_long_reports_next_lines_correctly),
		T(test_key_of_4k_is_an_error),
		T(test_nul_byte_in_file),
		T(test_nul_byte_in_buffer),
		T(test_huge_file_is_refused),
		T(test_key_with_dotdot_component),
		T(test_key_starting_with_dotdot),
		T(test_dotted_key_with_empty_component),
		T(test_absolute_key),
		T(test_key_with_tab),
		T(test_key_with_escape),
		T(test_include_merge_order),
		T(test_profile_name_and_description_are_the_top_file),
		T(test_include_cycle),
		T(test_self_include_extends_the_next_one),
		T(test_include_fan_out_loads_each_file_once),
		T(test_include_of_a_non_profile_file_is_refused),
		T(test_diamond_include_is_not_a_cycle),
		T(test_missing_include),
		T(test_error_in_include_names_the_included_file),
		T(test_include_chain_of_16_loads),
		T(test_include_chain_of_20_hits_depth_limit),
		T(test_unknown_profile_name),
		T(test_profile_name_with_traversal_is_refused),
		T(test_load_by_path_labels_with_the_path),
		T(test_builtin_baseline_exists),
		T(test_profile_dir_wins_over_builtin),
		T(test_builtin_not_used_when_disabled),
		T(test_check_owner_refuses_group_writable_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
