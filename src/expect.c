// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile values, parsed once at load time into typed comparisons. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "hosttune/expect.h"
#include "hosttune/util.h"

static const struct {
	char suffix;
	unsigned shift;
} size_suffixes[] = {
	{ 'K', 10 },
	{ 'M', 20 },
	{ 'G', 30 },
	{ 'T', 40 },
};

/* The decimal digits s[0..len) (parse_uint64() without the copy it needs
 * for a NUL: a profile parses a number or two a setting). */
static int parse_digits(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int num_parse(const char *s, enum value_unit unit, struct num *ret)
{
	struct num n = { 0 };
	unsigned shift = 0;
	size_t len;
	int r;

	if (*s == '-') {
		n.neg = true;
		s++;
	}
	len = strlen(s);
	if (len > 0 && unit == UNIT_BYTES) {
		char c = (char)toupper((unsigned char)s[len - 1]);
		for (size_t i = 0; i < ARRAY_SIZE(size_suffixes); i++)
			if (c == size_suffixes[i].suffix) {
				shift = size_suffixes[i].shift;
				len--;
			}
	}
	if (*s == '+')
		return -EINVAL;
	r = parse_digits(s, len, &n.mag);
	if (r < 0)
		return r;
	if (shift && n.mag > (UINT64_MAX >> shift))
		return -ERANGE;
	n.mag <<= shift;
	if (n.neg && n.mag == 0)
		n.neg = false;
	*ret = n;
	return 0;
}

int num_cmp(const struct num *a, const struct num *b)
{
	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	if (a->mag == b->mag)
		return 0;
	return ((a->mag < b->mag) != a->neg) ? -1 : 1;
}

/* n in decimal, at the end of buf: where it starts. */
static const char *num_format_in(const struct num *n, char buf[static 24])
{
	char *p = buf + 24;
	uint64_t m = n->mag;

	*--p = '\0';
	do
		*--p = (char)('0' + m % 10);
	while (m /= 10);
	if (n->neg)
		*--p = '-';
	return p;
}

char *num_format(const struct num *n)
{
	char buf[24];

	return xstrdup(num_format_in(n, buf));
}

char *choice_selected(const char *s)
{
	const char *o = strchr(s, '['), *c;

	if (!o)
		return NULL;
	c = strchr(o, ']');
	if (!c || c == o + 1)
		return NULL;
	return xstrndup(o + 1, (size_t)(c - o - 1));
}

/* "4K", "16m": a number with a size suffix, given where the unit is not
 * bytes (with bytes it parses as a number and never gets here). */
static bool looks_like_size(const char *tok)
{
	size_t n = strlen(tok), i = tok[0] == '-';

	if (n < 2 + i || !strchr("KMGTkmgt", tok[n - 1]))
		return false;
	for (; i < n - 1; i++)
		if (!isdigit((unsigned char)tok[i]))
			return false;
	return true;
}

/* Canonical form of an exact value: whitespace normalised, integers in
 * plain decimal (so "010" and "8K" compare as the kernel prints them). */
static int canonical_value(const char *value, enum value_unit unit, char **ret,
			   char **ret_err)
{
	_cleanup_free_ char *norm = normalize_ws(value);
	struct strbuf sb = { 0 };
	char *tok = norm, *next;

	for (; *tok; tok = next) {
		struct num n;
		int r;

		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		r = num_parse(tok, unit, &n);
		if (r < 0 && looks_like_size(tok)) {
			free(sb.s);
			*ret_err = xasprintf("'%s': size suffixes only apply "
					     "to byte values",
					     tok);
			return -EINVAL;
		}

		if (sb.len)
			strbuf_puts(&sb, " ");
		if (r == -ERANGE) {
			free(sb.s);
			*ret_err = xasprintf("'%s' is out of range", tok);
			return -EINVAL;
		}
		if (r == 0) {
			char buf[24];

			strbuf_puts(&sb, num_format_in(&n, buf));
		} else {
			strbuf_puts(&sb, tok);
		}
	}
	*ret = strbuf_take(&sb);
	return 0;
}

static int parse_bound(const char *what, const char *s, enum value_unit unit,
		       struct num *ret, char **ret_err)
{
	_cleanup_free_ char *t = normalize_ws(s);
	int r = num_parse(t, unit, ret);

	if (r == -ERANGE)
		*ret_err = xasprintf("'%s' is out of range", t);
	else if (r < 0 && unit != UNIT_BYTES && looks_like_size(t))
		*ret_err = xasprintf("expected an integer %s, got '%s' (size "
				     "suffixes only apply to byte values)",
				     what, t);
	else if (r < 0)
		*ret_err = xasprintf("expected an integer %s", what);
	return r < 0 ? -EINVAL : 0;
}

static int parse_alts(const char *value, enum value_unit unit, struct expect *e,
		      char **ret_err)
{
	_cleanup_free_ char *copy = xstrdup(value);
	char *p = copy;

	for (;;) {
		char *bar = strchr(p, '|'), *alt;
		_cleanup_free_ char *canon = NULL;

		if (bar)
			*bar = '\0';
		alt = strip(p);
		if (!*alt) {
			*ret_err = xstrdup("empty alternative (quote the value "
					   "to match a literal '|')");
			return -EINVAL;
		}
		if (strchr("<>=", *alt) && (bar || e->n_alts)) {
			*ret_err = xasprintf("'%s': alternatives are values, "
					     "not comparisons",
					     alt);
			return -EINVAL;
		}
		if (canonical_value(alt, unit, &canon, ret_err) < 0)
			return -EINVAL;
		e->alts = xrealloc(e->alts,
				   sizeof(char *) * (size_t)(e->n_alts + 1));
		e->alts[e->n_alts++] = TAKE_PTR(canon);
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

static int parse_range(const char *value, const char *dots,
		       enum value_unit unit, struct expect *e, char **ret_err)
{
	_cleanup_free_ char *lo = xstrndup(value, (size_t)(dots - value));

	if (parse_bound("before '..'", lo, unit, &e->lo, ret_err) < 0 ||
	    parse_bound("after '..'", dots + 2, unit, &e->hi, ret_err) < 0)
		return -EINVAL;
	if (num_cmp(&e->lo, &e->hi) > 0) {
		*ret_err = xstrdup("range is empty: the lower bound is above "
				   "the upper one");
		return -EINVAL;
	}
	e->op = EXP_RANGE;
	return 0;
}

/* A "A..B" range: only when both sides are integers, so paths and other
 * strings with two dots stay exact values. */
static const char *range_dots(const char *v, enum value_unit unit)
{
	const char *dots = strstr(v, "..");
	_cleanup_free_ char *lo = NULL, *hi = NULL;
	struct num n;

	if (!dots)
		return NULL;
	hi = xstrndup(v, (size_t)(dots - v));
	lo = normalize_ws(hi);
	free(hi);
	hi = normalize_ws(dots + 2);
	if (!*lo || !*hi)
		return dots; /* "..5": malformed range, report it */
	if (num_parse(lo, unit, &n) == -EINVAL &&
	    num_parse(hi, unit, &n) == -EINVAL)
		return NULL;
	return dots;
}

/* Tabs are blanks (the kernel prints tcp_rmem with them); any other
 * control character is an input error. */
static bool value_has_control_chars(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return true;
	return false;
}

/* "4096 >=131072 >=16M": several blank-separated fields of which one at
 * least is a comparison or a range, each parsed on its own ("a >= 5" keeps
 * its operator with the number). Returns 1 when value is of this form and
 * *e was filled, 0 when it is not, -EINVAL on an error. */
static int parse_fields(const char *value, enum value_unit unit,
			struct expect *e, char **ret_err)
{
	_cleanup_free_ char *norm = NULL;
	struct strbuf glued = { 0 };
	struct ptrvec toks = { 0 };
	bool any_op = false;
	char *tok, *next;
	int r = 0;

	/* no '<', '>' or '.': no field can be a comparison or a range (the
	 * forms of nearly every value) */
	if (!strpbrk(value, "<>."))
		return 0;
	norm = normalize_ws(value);
	/* glue an operator to the number after it: ">= 5" is ">=5" */
	for (const char *p = norm; *p; p++) {
		strbuf_add(&glued, p, 1);
		if ((*p == '>' || *p == '<') && p[1] == '=' && p[2] == ' ') {
			strbuf_add(&glued, "=", 1);
			p += 2;
		}
	}
	if (!glued.s || !strchr(glued.s, ' ')) {
		free(glued.s);
		return 0;
	}
	for (tok = glued.s; *tok; tok = next) {
		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		ptrvec_push(&toks, tok);
		any_op = any_op || startswith(tok, ">=") ||
			 startswith(tok, "<=") || range_dots(tok, unit);
	}
	if (!any_op) {
		free(toks.v);
		free(glued.s);
		return 0;
	}
	e->fields = xcalloc(toks.n, sizeof(*e->fields));
	for (size_t i = 0; i < toks.n && r == 0; i++) {
		_cleanup_free_ char *err = NULL;

		r = expect_parse(toks.v[i], unit, false, &e->fields[i], &err);
		if (r < 0)
			*ret_err = xasprintf("field %zu: %s", i + 1, err);
		else
			e->n_fields++;
	}
	free(toks.v);
	free(glued.s);
	e->op = EXP_FIELDS;
	return r < 0 ? -EINVAL : 1;
}

/* A '"' anywhere but around the whole value is a typo, never a value. */
static bool quotes_ok(const char *value, size_t len)
{
	const char *q = strchr(value, '"');

	if (!q)
		return true;
	return q == value && len >= 2 && value[len - 1] == '"' &&
	       !memchr(value + 1, '"', len - 2);
}

int expect_parse(const char *value, enum value_unit unit, bool allow_max,
		 struct expect *ret, char **ret_err)
{
	struct expect e = { .text = xstrdup(value) };
	size_t len = strlen(value);
	const char *dots;
	int r = 0;

	*ret_err = NULL;
	if (!*value) {
		*ret_err = xstrdup("empty value");
		r = -EINVAL;
	} else if (value_has_control_chars(value)) {
		*ret_err = xstrdup("value contains control characters");
		r = -EINVAL;
	} else if (strstr(value, " #") && value[0] != '"') {
		/* inih ends a value only at " ;": a " #" comment would be
		 * taken as part of the value. */
		*ret_err = xstrdup("'#' starts no comment after a value (use "
				   "' ;'), or quote the value");
		r = -EINVAL;
	} else if (!quotes_ok(value, len)) {
		*ret_err = xstrdup("unbalanced '\"': quote the whole value, or "
				   "nothing");
		r = -EINVAL;
	} else if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		/* Quoted: the literal string, no operators. */
		_cleanup_free_ char *inner = xstrndup(value + 1, len - 2);

		e.alts = xcalloc(1, sizeof(char *));
		e.alts[0] = normalize_ws(inner);
		e.n_alts = 1;
	} else if ((r = parse_fields(value, unit, &e, ret_err)) != 0) {
		r = r < 0 ? r : 0;
	} else if (startswith(value, ">=")) {
		e.op = EXP_GE;
		r = parse_bound("after '>='", value + 2, unit, &e.lo, ret_err);
	} else if (startswith(value, "<=")) {
		e.op = EXP_LE;
		r = parse_bound("after '<='", value + 2, unit, &e.hi, ret_err);
	} else if (strcmp(value, "max") == 0) {
		e.op = EXP_MAX;
		if (!allow_max) {
			*ret_err = xstrdup("'max' is not available here: this "
					   "setting reports no maximum");
			r = -EINVAL;
		}
	} else if ((dots = range_dots(value, unit))) {
		r = parse_range(value, dots, unit, &e, ret_err);
	} else {
		r = parse_alts(value, unit, &e, ret_err);
		e.op = e.n_alts > 1 ? EXP_ALT : EXP_EXACT;
	}
	if (r < 0) {
		expect_free(&e);
		return -EINVAL;
	}
	/* A free-standing '<' or '>' is a typo of '<=' / '>=', never a
	 * value the kernel would take. */
	if (e.op == EXP_EXACT && (value[0] == '<' || value[0] == '>')) {
		*ret_err = xasprintf("unknown operator in '%s' (use '>=' or "
				     "'<=')",
				     value);
		expect_free(&e);
		return -EINVAL;
	}
	*ret = e;
	return 0;
}

void expect_free(struct expect *e)
{
	free(e->text);
	for (int i = 0; i < e->n_alts; i++)
		free(e->alts[i]);
	free(e->alts);
	for (int i = 0; i < e->n_fields; i++)
		expect_free(&e->fields[i]);
	free(e->fields);
	*e = (struct expect){ 0 };
}

void expect_copy(struct expect *dst, const struct expect *src)
{
	*dst = *src;
	dst->text = xstrdup(src->text);
	dst->alts = src->n_alts ? xcalloc((size_t)src->n_alts, sizeof(char *)) :
				  NULL;
	for (int i = 0; i < src->n_alts; i++)
		dst->alts[i] = xstrdup(src->alts[i]);
	dst->fields = src->n_fields ? xcalloc((size_t)src->n_fields,
					      sizeof(*dst->fields)) :
				      NULL;
	for (int i = 0; i < src->n_fields; i++)
		expect_copy(&dst->fields[i], &src->fields[i]);
}

static int count_words(const char *s)
{
	int n = 0;

	for (bool in = false; *s; s++) {
		bool blank = *s == ' ' || *s == '\t';

		n += !blank && !in;
		in = !blank;
	}
	return n;
}

int expect_width(const struct expect *e)
{
	switch (e->op) {
	case EXP_FIELDS:
		return e->n_fields;
	case EXP_EXACT:
	case EXP_ALT:
		return count_words(e->alts[0]);
	default:
		return 1;
	}
}

/* The blank-separated words of s (normalised), each an owned string. */
static void split_words(const char *s, struct ptrvec *out)
{
	_cleanup_free_ char *norm = normalize_ws(s ? s : "");
	char *tok = norm, *next;

	for (; *tok; tok = next) {
		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		ptrvec_push(out, xstrdup(tok));
	}
}

static bool fields_match(const struct expect *e, const char *actual)
{
	struct ptrvec w = { 0 };
	bool ok;

	split_words(actual, &w);
	ok = w.n == (size_t)e->n_fields;
	for (size_t i = 0; ok && i < w.n; i++)
		ok = expect_match(&e->fields[i], w.v[i], NULL);
	ptrvec_free(&w, free);
	return ok;
}

/* Each field that deviates is planned on its own; the others keep what
 * the host has ("4096 >=131072 >=16M" raises only what is below). */
static int fields_plan(const struct expect *e, const char *actual, char **ret)
{
	struct strbuf sb = { 0 };
	struct ptrvec w = { 0 };
	bool same_width;
	int r = 0;

	split_words(actual, &w);
	same_width = w.n == (size_t)e->n_fields;
	for (int i = 0; i < e->n_fields && r == 0; i++) {
		const char *have = same_width ? w.v[i] : NULL;
		_cleanup_free_ char *v = NULL;

		if (have && expect_match(&e->fields[i], have, NULL))
			v = xstrdup(have);
		else
			r = expect_plan(&e->fields[i], have, NULL, &v);
		if (r == 0)
			strbuf_printf(&sb, "%s%s", i ? " " : "", v);
	}
	ptrvec_free(&w, free);
	if (r < 0) {
		free(sb.s);
		return r;
	}
	*ret = strbuf_take(&sb);
	return 0;
}

static bool exact_match(const char *want, const char *actual)
{
	_cleanup_free_ char *norm = normalize_ws(actual);
	_cleanup_free_ char *sel = NULL;

	if (strcmp(want, norm) == 0)
		return true;
	sel = choice_selected(norm);
	return sel && strcmp(want, sel) == 0;
}

bool expect_match(const struct expect *e, const char *actual, const char *max)
{
	_cleanup_free_ char *norm = NULL;
	struct num n;

	switch (e->op) {
	case EXP_EXACT:
	case EXP_ALT:
		for (int i = 0; i < e->n_alts; i++)
			if (exact_match(e->alts[i], actual))
				return true;
		return false;
	case EXP_MAX:
		return max && exact_match(max, actual);
	case EXP_FIELDS:
		return fields_match(e, actual);
	default:
		break;
	}
	norm = normalize_ws(actual);
	if (num_parse(norm, UNIT_NONE, &n) < 0)
		return false;
	if ((e->op == EXP_GE || e->op == EXP_RANGE) && num_cmp(&n, &e->lo) < 0)
		return false;
	if ((e->op == EXP_LE || e->op == EXP_RANGE) && num_cmp(&n, &e->hi) > 0)
		return false;
	return true;
}

int expect_plan(const struct expect *e, const char *actual, const char *max,
		char **ret)
{
	_cleanup_free_ char *norm = normalize_ws(actual ? actual : "");
	struct num n;
	bool numeric = num_parse(norm, UNIT_NONE, &n) == 0;

	switch (e->op) {
	case EXP_EXACT:
	case EXP_ALT:
		*ret = xstrdup(e->alts[0]);
		return 0;
	case EXP_MAX:
		if (!max)
			return -EINVAL;
		*ret = xstrdup(max);
		return 0;
	case EXP_GE:
		*ret = num_format(&e->lo);
		return 0;
	case EXP_LE:
		*ret = num_format(&e->hi);
		return 0;
	case EXP_RANGE:
		/* Move to the nearer bound; from a non-number, the lower. */
		if (numeric && num_cmp(&n, &e->hi) > 0)
			*ret = num_format(&e->hi);
		else
			*ret = num_format(&e->lo);
		return 0;
	case EXP_FIELDS:
		return fields_plan(e, actual, ret);
	}
	return -EINVAL;
}

bool expect_token_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_+.", *s))
			return false;
	return true;
}

int expect_check_bounds(const struct expect *e, uint64_t min, uint64_t max,
			char **ret_err)
{
	struct num lo = { .mag = min }, hi = { .mag = max }, n;
	bool ok = true;

	for (int i = 0; i < e->n_fields; i++)
		if (expect_check_bounds(&e->fields[i], min, max, ret_err) < 0)
			return -EINVAL;
	if (e->op == EXP_GE || e->op == EXP_RANGE)
		ok = num_cmp(&e->lo, &lo) >= 0 && num_cmp(&e->lo, &hi) <= 0;
	if (ok && (e->op == EXP_LE || e->op == EXP_RANGE))
		ok = num_cmp(&e->hi, &lo) >= 0 && num_cmp(&e->hi, &hi) <= 0;
	for (int i = 0; ok && i < e->n_alts; i++)
		ok = num_parse(e->alts[i], UNIT_NONE, &n) == 0 &&
		     num_cmp(&n, &lo) >= 0 && num_cmp(&n, &hi) <= 0;
	if (ok)
		return 0;
	*ret_err = xasprintf("expected an integer from %llu to %llu",
			     (unsigned long long)min, (unsigned long long)max);
	return -EINVAL;
}

static struct num num_of(int64_t v)
{
	return v < 0 ? (struct num){ true, (uint64_t)(-(v + 1)) + 1 } :
		       (struct num){ false, (uint64_t)v };
}

static bool num_in(const struct num *n, const struct num *lo,
		   const struct num *hi)
{
	return num_cmp(n, lo) >= 0 && num_cmp(n, hi) <= 0;
}

int expect_check_bounds_signed(const struct expect *e, int64_t min, int64_t max,
			       char **ret_err)
{
	struct num lo = num_of(min), hi = num_of(max), n;
	bool ok = true;

	for (int i = 0; i < e->n_fields; i++)
		if (expect_check_bounds_signed(&e->fields[i], min, max,
					       ret_err) < 0)
			return -EINVAL;
	if (e->op == EXP_GE || e->op == EXP_RANGE)
		ok = num_in(&e->lo, &lo, &hi);
	if (ok && (e->op == EXP_LE || e->op == EXP_RANGE))
		ok = num_in(&e->hi, &lo, &hi);
	for (int i = 0; ok && i < e->n_alts; i++) {
		_cleanup_free_ char *copy = xstrdup(e->alts[i]);
		char *tok = copy, *next;

		/* every number of an exact value ("32768 60999") */
		for (; ok && *tok; tok = next) {
			next = strchrnul(tok, ' ');
			if (*next)
				*next++ = '\0';
			ok = num_parse(tok, UNIT_NONE, &n) != 0 ||
			     num_in(&n, &lo, &hi);
		}
	}
	if (ok)
		return 0;
	*ret_err = xasprintf("out of range: expected numbers from %lld to "
			     "%lld",
			     (long long)min, (long long)max);
	return -EINVAL;
}

int expect_check_choices(const struct expect *e, const char *usage,
			 const char *noun, char **ret_err)
{
	if (e->op != EXP_EXACT && e->op != EXP_ALT) {
		*ret_err = xstrdup(usage);
		return -EINVAL;
	}
	for (int i = 0; i < e->n_alts; i++)
		if (!expect_token_ok(e->alts[i])) {
			*ret_err =
				xasprintf("'%s' is not %s", e->alts[i], noun);
			return -EINVAL;
		}
	return 0;
}

char *choice_offered(const char *value)
{
	char *s = normalize_ws(value), *o = s;

	for (const char *p = s; *p; p++)
		if (*p != '[' && *p != ']')
			*o++ = *p;
	*o = '\0';
	return s;
}

char *choice_current(const char *value)
{
	_cleanup_free_ char *norm = normalize_ws(value);
	char *sel = choice_selected(norm);

	return sel ? sel : TAKE_PTR(norm);
}

static bool list_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; *p;) {
		const char *e = strchrnul(p, ' ');

		if ((size_t)(e - p) == n && !strncmp(p, tok, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

const char *choice_pick(const struct expect *e, const char *offered)
{
	for (int i = 0; i < e->n_alts; i++)
		if (list_has(offered, e->alts[i]))
			return e->alts[i];
	return NULL;
}
