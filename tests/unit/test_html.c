// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The html format's two pieces of logic a page cannot show wrong without
 * harm: html_text(), which every hostile value goes through, and the
 * score, as html.h and hosttune(8) define it.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "hosttune/check.h"
#include "hosttune/html.h"

static char *escaped(const char *s, bool keep_lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_text(f, s, keep_lines);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void same(const char *in, bool keep_lines, const char *want)
{
	char *got = escaped(in, keep_lines);

	if (strcmp(got, want))
		fail_msg("html_text(\"%s\"): got \"%s\", wanted \"%s\"", in,
			 got, want);
	free(got);
}

#define ESC(x) "<span class=\"esc\">" x "</span>"

static void test_markup_is_text(void **state)
{
	(void)state;
	same("<script>alert('x')</script>", false,
	     "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	same("a\"b&c", false, "a&quot;b&amp;c");
	same("&amp;", false, "&amp;amp;");
	same(NULL, false, "-");
	same("", false, "");
}

static void test_control_bytes_visible(void **state)
{
	(void)state;
	same("abc\033[31mRED", false, "abc" ESC("\\x1b") "[31mRED");
	same("a\nb\tc\rd\x7f", false,
	     "a" ESC("\\x0a") "b" ESC("\\x09") "c" ESC("\\x0d") "d" ESC(
		     "\\x7f"));
	/* in <pre>: lines and tabs stay, the rest is still shown */
	same("a\nb\tc\rd", true, "a\nb\tc" ESC("\\x0d") "d");
}

static void test_utf8(void **state)
{
	(void)state;
	/* valid text passes through */
	same("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false,
	     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* a lone continuation byte, a truncated sequence, 0xff */
	same("a\x80"
	     "b",
	     false, "a" ESC("\\x80") "b");
	same("a\xe2\x82", false, "a" ESC("\\xe2") ESC("\\x82"));
	same("\xff\xfe", false, ESC("\\xff") ESC("\\xfe"));
	/* overlong '/' and '<', a surrogate, past U+10FFFF */
	same("\xc0\xaf", false, ESC("\\xc0") ESC("\\xaf"));
	same("\xe0\x80\xbc", false, ESC("\\xe0") ESC("\\x80") ESC("\\xbc"));
	same("\xed\xa0\x80", false, ESC("\\xed") ESC("\\xa0") ESC("\\x80"));
	same("\xf4\x90\x80\x80", false,
	     ESC("\\xf4") ESC("\\x90") ESC("\\x80") ESC("\\x80"));
}

static void test_invisible_controls_visible(void **state)
{
	(void)state;
	/* right-to-left override, C1 NEL, byte-order mark, isolates */
	same("a\xe2\x80\xae"
	     "b",
	     false, "a" ESC("\\u202e") "b");
	same("\xc2\x85", false, ESC("\\u0085"));
	same("\xef\xbb\xbf", false, ESC("\\ufeff"));
	same("\xe2\x81\xa6x\xe2\x81\xa9", false,
	     ESC("\\u2066") "x" ESC("\\u2069"));
}

/* The terminal gets the same protection: display_escape() (util.c) shows
 * what would hide or reorder text, and invalid UTF-8, as escapes. */
static void term_same(const char *in, const char *want)
{
	char *got = display_escape(in);

	assert_string_equal(got, want);
	free(got);
}

/* display_shown() hands back its input, uncopied, exactly when every byte
 * is printable ASCII (0x20-0x7e); it reads eight bytes at a time, so each
 * edge byte is tried at every place in a word and in the tail. */
static void test_shown_only_printable_ascii_as_is(void **state)
{
	static const unsigned char edge[] = { 0x01, 0x1f, 0x20, 0x21, 0x7e,
					      0x7f, 0x80, 0x9b, 0xc2, 0xff };
	char buf[24];

	(void)state;
	for (size_t len = 1; len < sizeof(buf); len++)
		for (size_t at = 0; at < len; at++)
			for (size_t e = 0; e < sizeof(edge); e++) {
				char *owned = NULL;
				bool plain = edge[e] >= 0x20 && edge[e] < 0x7f;
				const char *got;

				memset(buf, 'a', len);
				buf[len] = '\0';
				buf[at] = (char)edge[e];
				got = display_shown(buf, &owned);
				assert_true((got == buf) == plain);
				assert_true((owned != NULL) == !plain);
				free(owned);
			}
}

static void test_terminal_escapes_match(void **state)
{
	(void)state;
	term_same("a\033[31mb", "a\\x1b[31mb");
	term_same("a\xe2\x80\xae"
		  "b",
		  "a\\u202eb");
	term_same("\xff\xfe ok", "\\xff\\xfe ok");
	term_same("\xc0\xaf", "\\xc0\\xaf"); /* overlong '/' */
	term_same("caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");
	term_same(NULL, "-");
}

/* Checks with a status and an impact, as an audit makes them. */
struct fixture {
	struct setting set[8];
	struct check chk[8];
	struct ptrvec v;
};

static void add(struct fixture *fx, enum status st, enum impact imp,
		bool optional)
{
	size_t i = fx->v.n;

	fx->set[i] = (struct setting){ .impact = imp, .optional = optional };
	fx->chk[i] = (struct check){ .setting = &fx->set[i], .status = st };
	ptrvec_push(&fx->v, &fx->chk[i]);
}

static void test_score(void **state)
{
	struct fixture fx = { 0 };
	unsigned ok, all;

	(void)state;
	assert_int_equal(html_score(&fx.v, false, &ok, &all), -1);
	add(&fx, ST_OK, IMPACT_HIGH, false); /* 3 of 3 */
	add(&fx, ST_DEVIATION, IMPACT_MEDIUM, false); /* 0 of 2 */
	add(&fx, ST_OK, IMPACT_UNSET, false); /* 1 of 1 */
	add(&fx, ST_ERROR, IMPACT_LOW, false); /* 0 of 1 */
	add(&fx, ST_MANUAL, IMPACT_HIGH, false); /* 0 of 3 */
	add(&fx, ST_MISSING, IMPACT_HIGH, false); /* strict: 0 of 3 */
	add(&fx, ST_MISSING, IMPACT_HIGH, true); /* never */
	/* 4 of 10: 40% */
	assert_int_equal(html_score(&fx.v, false, &ok, &all), 40);
	assert_int_equal(ok, 4);
	assert_int_equal(all, 10);
	/* 4 of 13: 30.7..., rounded down */
	assert_int_equal(html_score(&fx.v, true, &ok, &all), 30);
	assert_int_equal(all, 13);
	free(fx.v.v);
}

/* 100 only when every judged check is ok: 299 of 300 is 99. */
static void test_score_rounds_down(void **state)
{
	struct ptrvec v = { 0 };
	struct setting s = { .impact = IMPACT_LOW };
	struct check ok = { .setting = &s, .status = ST_OK };
	struct check bad = { .setting = &s, .status = ST_DEVIATION };

	(void)state;
	for (int i = 0; i < 299; i++)
		ptrvec_push(&v, &ok);
	ptrvec_push(&v, &bad);
	assert_int_equal(html_score(&v, false, NULL, NULL), 99);
	v.n--;
	assert_int_equal(html_score(&v, false, NULL, NULL), 100);
	free(v.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_is_text),
		cmocka_unit_test(test_control_bytes_visible),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_invisible_controls_visible),
		cmocka_unit_test(test_terminal_escapes_match),
		cmocka_unit_test(test_shown_only_printable_ascii_as_is),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_score_rounds_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
