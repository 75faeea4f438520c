// SPDX-License-Identifier: GPL-2.0-or-later
/* The boot domain: /proc/cmdline parsed as the kernel does, hostile
 * command lines, every value form, flags and absent parameters, what a
 * profile may ask, and the boot-loader drop-in apply --persist writes. */
#include <errno.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/cmdline.h"
#include "hosttune/profile.h"

#include "domain.c.inc"

#define BASIC "boot-basic"

/* ---- parsing the command line ---- */

/* The value of name, "(flag)" for a bare one, NULL when absent. */
static const char *param(const struct cmdline *cl, const char *name)
{
	const struct cmdline_param *p = cmdline_find(cl, name);

	return !p ? NULL : p->value ? p->value : "(flag)";
}

static struct cmdline parse_ok(const char *text)
{
	struct cmdline cl = { 0 };
	char *err = NULL;

	if (cmdline_parse(text, &cl, &err) < 0)
		fail_msg("'%s' refused: %s", text, err);
	return cl;
}

static char *parse_err(const char *text)
{
	struct cmdline cl = { 0 };
	char *err = NULL;

	if (cmdline_parse(text, &cl, &err) == 0)
		fail_msg("'%s' accepted", text);
	assert_int_equal(cl.n, 0);
	assert_non_null(err);
	return err;
}

static void test_parse_flags_values_and_blanks(void **state)
{
	struct cmdline cl = parse_ok("  ro\tquiet root=/dev/sda1 a=b=c e= "
				     "\n");

	assert_int_equal(cl.n, 5);
	assert_string_equal(param(&cl, "ro"), "(flag)");
	assert_string_equal(param(&cl, "quiet"), "(flag)");
	assert_string_equal(param(&cl, "root"), "/dev/sda1");
	assert_string_equal(param(&cl, "a"), "b=c"); /* the first '=' */
	assert_string_equal(param(&cl, "e"), ""); /* present, empty value */
	assert_null(param(&cl, "nosuch"));
	cmdline_free(&cl);
	cl = parse_ok("");
	assert_int_equal(cl.n, 0);
	cmdline_free(&cl);
}

static void test_parse_quotes_as_the_kernel_does(void **state)
{
	struct cmdline cl = parse_ok("foo=\"a b\" \"bar=c d\" q=\"\" "
				     "mid=x\"y z\"w");

	assert_string_equal(param(&cl, "foo"), "a b");
	assert_string_equal(param(&cl, "bar"), "c d");
	assert_string_equal(param(&cl, "q"), "");
	/* quotes inside a value hold blanks and stay */
	assert_string_equal(param(&cl, "mid"), "x\"y z\"w");
	assert_int_equal(cl.n, 4);
	cmdline_free(&cl);
}

static void test_parse_dash_is_underscore_and_last_wins(void **state)
{
	struct cmdline cl = parse_ok("intel-idle.max-cstate=3 skew_tick=0 "
				     "isolcpus=1 skew-tick=1 isolcpus=2-3 "
				     "mitigations=off mitigations");

	assert_string_equal(param(&cl, "intel_idle.max_cstate"), "3");
	assert_null(param(&cl, "intel-idle.max-cstate"));
	assert_string_equal(param(&cl, "skew_tick"), "1");
	assert_string_equal(param(&cl, "isolcpus"), "2-3");
	assert_string_equal(param(&cl, "mitigations"), "(flag)");
	cmdline_free(&cl);
}

static void test_parse_stops_at_bare_dashes(void **state)
{
	struct cmdline cl = parse_ok("ro -- single nohz_full=1");

	assert_int_equal(cl.n, 1);
	assert_null(param(&cl, "single"));
	assert_null(param(&cl, "nohz_full"));
	cmdline_free(&cl);
	/* "--x" and "--=1" are parameters, not the end */
	cl = parse_ok("--x --=1 \"--\" after");
	assert_string_equal(param(&cl, "__x"), "(flag)");
	assert_string_equal(param(&cl, "__"), "1");
	assert_null(param(&cl, "after"));
	cmdline_free(&cl);
}

/* The kernel's isspace() takes 0xa0 for a blank; other high bytes are
 * part of a word. */
static void test_parse_high_bytes(void **state)
{
	struct cmdline cl = parse_ok("a=1\xa0"
				     "b=\xc3\xa9t\xc3\xa9");

	assert_string_equal(param(&cl, "a"), "1");
	assert_non_null(param(&cl, "b"));
	cmdline_free(&cl);
}

static void test_hostile_text_is_an_error_with_the_byte(void **state)
{
	char *err;

	err = parse_err("ro foo=\"a b");
	assert_non_null(strstr(err, "unbalanced double quote"));
	assert_non_null(strstr(err, "byte 3"));
	free(err);
	err = parse_err("\"");
	free(err);
	err = parse_err("ro \x1b[2Jquiet");
	assert_non_null(strstr(err, "control byte 0x1b at byte 3"));
	free(err);
	err = parse_err("ro\x7f");
	assert_non_null(strstr(err, "0x7f"));
	free(err);
}

/* 30,000 parameters: parsed once, in linear time. */
static void test_many_parameters(void **state)
{
	struct strbuf sb = { 0 };
	struct cmdline cl;

	for (int i = 0; i < 30000; i++)
		strbuf_printf(&sb, "p%d=%d ", i % 100, i);
	cl = parse_ok(sb.s);
	assert_int_equal(cl.n, 30000);
	assert_string_equal(param(&cl, "p7"), "29907");
	cmdline_free(&cl);
	free(sb.s);
}

/* ---- profiles ---- */

static void test_keys_and_values_are_validated(void **state)
{
	struct env *e = env_open(BASIC, false);

	assert_rejected(e, "[boot]\ntransparent_hugepage = never\n",
			"use [numa] transparent_hugepage");
	assert_rejected(e, "[boot]\ntransparent-hugepage = never\n",
			"use [numa] transparent_hugepage");
	assert_rejected(e, "[boot]\nnuma_balancing = 0\n", "[numa] balancing");
	/* the lockup watchdogs are sysctls at run time: never manual */
	assert_rejected(e, "[boot]\nnmi_watchdog = 0\n",
			"[sysctl] kernel.nmi_watchdog");
	assert_rejected(e, "[boot]\nnosoftlockup =\n",
			"[sysctl] kernel.soft_watchdog");
	assert_rejected(e, "[boot]\nnowatchdog =\n",
			"[sysctl] kernel.watchdog");
	assert_rejected(e, "[boot]\nfoo/bar = 1\n", "not a kernel parameter");
	assert_rejected(e, "[boot]\n.foo = 1\n", "not a kernel parameter");
	assert_rejected(e, "[boot]\nfoo. = 1\n", "not a kernel parameter");
	assert_rejected(e, "[boot]\n-foo = 1\n", "not a kernel parameter");
	assert_rejected(e, "[boot]\nfoo = $(reboot)\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = a`id`\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = a\\b\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = \"a b\"\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = a'b\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = a;b\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = ok|$x\n", "cannot be written");
	assert_rejected(e, "[boot]\nfoo = >=-1\n", "no negative");
	assert_rejected(e, "[boot]\nfoo = >x\n", "foo: ");
	assert_rejected(e, "[boot]\nfoo = !x\n", "cannot be written");
	assert_rejected(e, "[boot]\nnohz-full = 1\nnohz_full = 2\n",
			"set twice");
	assert_rejected(e, "[boot eth0]\nfoo = 1\n", "boot");
	assert_int_equal(env_parse(e, "[boot]\n8250.nr_uarts = 4\n"
				      "console = ttyS0,115200n8\n"
				      "crashkernel = 256M@16M\n"
				      "some_unknown-param = on|off\n"),
			 0);
	env_close(e);
}

static void test_keys_are_canonical_and_known_ones_have_reasons(void **state)
{
	struct env *e = env_open(BASIC, false);
	const struct setting *s;

	assert_int_equal(env_parse(e, "[boot]\nintel-idle.max-cstate = <=1\n"
				      "unknown-thing =\n"),
			 0);
	s = e->p.settings.v[0];
	assert_string_equal(s->key, "intel_idle.max_cstate");
	assert_non_null(s->why);
	assert_non_null(strstr(s->why, "C-state"));
	s = e->p.settings.v[1];
	assert_string_equal(s->key, "unknown_thing");
	assert_null(s->why);
	env_close(e);
}

/* ---- auditing ---- */

static void test_every_form_on_the_fixture(void **state)
{
	struct env *e = env_open(BASIC, false);

	env_audit(e, "[boot]\n"
		     "intel_idle.max_cstate = <=1\n" /* 1 */
		     "skew_tick = 1\n" /* 0 */
		     "isolcpus = 2-3\n" /* last wins */
		     "mitigations = off|auto\n"
		     "ro = >=1\n" /* a flag where a value is wanted */
		     "root = 1..9\n"
		     "nopti =\n"
		     "quiet =\n"
		     "BOOT_IMAGE =\n" /* a value where a flag is wanted */
		     "nohz_full = !\n" /* after --: init's */
		     "single = !\n"
		     "threadirqs = !\n"
		     "dyndbg = !\n"
		     "rcu_nocbs = 2-3\n");
	assert_check(e, "boot:intel_idle.max_cstate", ST_OK, "1");
	assert_check(e, "boot:skew_tick", ST_MANUAL, "0");
	assert_check(e, "boot:isolcpus", ST_OK, "2-3");
	assert_check(e, "boot:mitigations", ST_OK, "auto");
	assert_check(e, "boot:ro", ST_MANUAL, "");
	assert_non_null(strstr(env_find(e, "boot:ro")->detail, "bare flag"));
	assert_check(e, "boot:root", ST_MANUAL, NULL);
	assert_check(e, "boot:nopti", ST_OK, "");
	assert_check(e, "boot:quiet", ST_OK, "");
	assert_check(e, "boot:BOOT_IMAGE", ST_MANUAL,
		     "/boot/vmlinuz-6.1.0-13-amd64");
	assert_non_null(
		strstr(env_find(e, "boot:BOOT_IMAGE")->detail, "not a bare"));
	assert_check(e, "boot:nohz_full", ST_OK, "!");
	assert_check(e, "boot:single", ST_OK, "!");
	assert_check(e, "boot:threadirqs", ST_OK, "!");
	assert_check(e, "boot:dyndbg", ST_MANUAL, "file a.c +p");
	assert_non_null(strstr(env_find(e, "boot:dyndbg")->detail,
			       "on the kernel command line"));
	assert_check(e, "boot:rcu_nocbs", ST_MANUAL, "!");
	assert_non_null(strstr(env_find(e, "boot:rcu_nocbs")->detail,
			       "not on the kernel command line"));
	assert_non_null(strstr(env_find(e, "boot:rcu_nocbs")->detail,
			       "apply --persist"));
	assert_int_equal(env_count(e, ST_DEVIATION), 0);
	env_close(e);
}

/* Manual is never planned, so apply writes nothing at run time. */
static void test_manual_is_never_written(void **state)
{
	struct env *e = env_open(BASIC, true);

	env_audit(e, "[boot]\nskew_tick = 1\nmitigations = !\n");
	assert_int_equal(env_apply(e), 0);
	assert_int_equal(e->changes.n, 0);
	assert_check(e, "boot:skew_tick", ST_MANUAL, "0");
	assert_tree_restored(e, BASIC);
	env_close(e);
}

/* A hostile /proc/cmdline is an error on every boot check, with the
 * reason; the audit goes on. */
/* A new run on the same tree: the command line is read once per run. */
static void env_rerun(struct env *e)
{
	env_reset(e);
	host_close(&e->h);
	assert_int_equal(host_open(e->root, &e->h), 0);
}

static void assert_cmdline_error(struct env *e, const char *needle)
{
	struct check *c;

	env_rerun(e);
	env_audit(e, "[boot]\nskew_tick = 1\nquiet =\n");
	c = env_find(e, "boot:skew_tick");
	assert_int_equal(c->status, ST_ERROR);
	if (!strstr(c->detail, needle))
		fail_msg("'%s' lacks '%s'", c->detail, needle);
	assert_int_equal(env_find(e, "boot:quiet")->status, ST_ERROR);
}

static void test_hostile_cmdline_files(void **state)
{
	struct env *e = env_open(BASIC, true);
	char *path = xasprintf("%s/proc/cmdline", e->root);
	FILE *f;

	/* 10 MiB: refused at the read cap, never read whole */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 10 * 1024; i++)
		for (int k = 0; k < 1024 / 8; k++)
			fputs("quiet=1 ", f);
	assert_int_equal(fclose(f), 0);
	assert_cmdline_error(e, "larger than 64 KiB");
	/* NUL bytes */
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("ro\0quiet\n", 1, 9, f);
	assert_int_equal(fclose(f), 0);
	assert_cmdline_error(e, "NUL byte");
	put_file(e, "proc/cmdline", "ro \x01quiet\n");
	assert_cmdline_error(e, "control byte 0x01");
	put_file(e, "proc/cmdline", "ro foo=\"unbalanced quiet\n");
	assert_cmdline_error(e, "unbalanced double quote");
	/* a directory where the file should be */
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_cmdline_error(e, "/proc/cmdline");
	rmdir(path);
	/* no file at all: missing, as on any tree without it */
	env_rerun(e);
	env_audit(e, "[boot]\nskew_tick = 1\n");
	assert_check(e, "boot:skew_tick", ST_MISSING, NULL);
	/* just under the cap: read and parsed */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < CMDLINE_MAX / 8 - 2; i++)
		fputs("quiet=1 ", f);
	fputs("skew_tick=1\n", f);
	assert_int_equal(fclose(f), 0);
	env_rerun(e);
	env_audit(e, "[boot]\nskew_tick = 1\n");
	assert_check(e, "boot:skew_tick", ST_OK, "1");
	free(path);
	env_close(e);
}

/* ---- the drop-in ---- */

static void test_dropin_text_and_what_it_says(void **state)
{
	const struct cmdline_edit edits[] = {
		{ "nohz_full", "2-15", false }, { "nopti", NULL, false },
		{ "mitigations", NULL, true },	{ "skew_tick", "0", false },
		{ "skew_tick", "1", false },
	};
	char *text = NULL, *value = NULL;
	bool absent = true;
	int line = 0;

	assert_int_equal(cmdline_dropin("lat\nrm -rf /", edits,
					ARRAY_SIZE(edits), &text),
			 0);
	/* the profile's name cannot leave its comment */
	assert_null(strstr(text, "\nrm -rf"));
	assert_non_null(strstr(text, "\nhosttune_set 'nohz[-_]full' "
				     "'nohz_full=2-15'\n"));
	assert_non_null(strstr(text, "\nhosttune_set 'nopti' "
				     "'nopti'\n"));
	assert_non_null(strstr(text, "\nhosttune_unset 'mitigations' "
				     "'mitigations'\n"));
	assert_int_equal(cmdline_dropin_find(text, "nohz_full", &line, &absent,
					     &value),
			 1);
	assert_false(absent);
	assert_string_equal(value, "2-15");
	assert_true(line > 1);
	free(value);
	assert_int_equal(
		cmdline_dropin_find(text, "nopti", &line, &absent, &value), 1);
	assert_null(value);
	assert_false(absent);
	assert_int_equal(cmdline_dropin_find(text, "mitigations", &line,
					     &absent, &value),
			 1);
	assert_true(absent);
	assert_int_equal(cmdline_dropin_find(text, "skew_tick", &line, &absent,
					     &value),
			 1);
	assert_string_equal(value, "1"); /* the last line */
	free(value);
	assert_int_equal(cmdline_dropin_find(text, "isolcpus", &line, &absent,
					     &value),
			 0);
	free(text);
}

static void test_dropin_refuses_what_the_shell_would_read(void **state)
{
	const char *const bad_values[] = { "a b", "$(id)", "`id`", "a\"b",
					   "a'b", "a\\b",  "a\nb", "a;b",
					   "a|b", "a#b",   "",	   "{x}" };
	const char *const bad_names[] = { "a b", "a=b", "a'b", "", "-x", "x." };
	char *text = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bad_values); i++) {
		struct cmdline_edit e = { "foo", bad_values[i], false };

		if (cmdline_dropin("p", &e, 1, &text) != -EINVAL)
			fail_msg("value '%s' written", bad_values[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
		struct cmdline_edit e = { bad_names[i], NULL, false };

		if (cmdline_dropin("p", &e, 1, &text) != -EINVAL)
			fail_msg("name '%s' written", bad_names[i]);
	}
	assert_null(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_flags_values_and_blanks),
		cmocka_unit_test(test_parse_quotes_as_the_kernel_does),
		cmocka_unit_test(test_parse_dash_is_underscore_and_last_wins),
		cmocka_unit_test(test_parse_stops_at_bare_dashes),
		cmocka_unit_test(test_parse_high_bytes),
		cmocka_unit_test(test_hostile_text_is_an_error_with_the_byte),
		cmocka_unit_test(test_many_parameters),
		cmocka_unit_test(test_keys_and_values_are_validated),
		cmocka_unit_test(
			test_keys_are_canonical_and_known_ones_have_reasons),
		cmocka_unit_test(test_every_form_on_the_fixture),
		cmocka_unit_test(test_manual_is_never_written),
		cmocka_unit_test(test_hostile_cmdline_files),
		cmocka_unit_test(test_dropin_text_and_what_it_says),
		cmocka_unit_test(test_dropin_refuses_what_the_shell_would_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
