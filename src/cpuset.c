// SPDX-License-Identifier: GPL-2.0-or-later
/* Sets of CPUs, and the kernel's CPU lists and CPU masks. */
#include <errno.h>
#include <string.h>

#include "hosttune/cpuset.h"

#define WORD_BITS 64
/* Longest entry quoted back in an error message. */
#define QUOTE_MAX 32

void cpuset_free(struct cpuset *s)
{
	if (!s)
		return;
	free(s->bits);
	*s = (struct cpuset){ 0 };
}

/* Make room for CPUs up to cpu (at most CPUSET_MAX). */
static void grow(struct cpuset *s, unsigned cpu)
{
	size_t need = cpu / WORD_BITS + 1;

	if (need <= s->n)
		return;
	s->bits = xrealloc(s->bits, need * sizeof(*s->bits));
	memset(s->bits + s->n, 0, (need - s->n) * sizeof(*s->bits));
	s->n = need;
}

int cpuset_add(struct cpuset *s, unsigned cpu)
{
	return cpuset_add_range(s, cpu, cpu);
}

/* Word by word, so a range costs its length over 64, never its length. */
int cpuset_add_range(struct cpuset *s, unsigned lo, unsigned hi)
{
	if (lo > hi || hi > CPUSET_MAX)
		return -ERANGE;
	grow(s, hi);
	for (unsigned w = lo / WORD_BITS; w <= hi / WORD_BITS; w++) {
		unsigned from = w == lo / WORD_BITS ? lo % WORD_BITS : 0;
		unsigned to = w == hi / WORD_BITS ? hi % WORD_BITS :
						    WORD_BITS - 1;
		uint64_t upto = to == WORD_BITS - 1 ?
					UINT64_MAX :
					(UINT64_C(1) << (to + 1)) - 1;

		s->bits[w] |= upto & ~((UINT64_C(1) << from) - 1);
	}
	return 0;
}

bool cpuset_has(const struct cpuset *s, unsigned cpu)
{
	return cpu / WORD_BITS < s->n &&
	       (s->bits[cpu / WORD_BITS] >> (cpu % WORD_BITS)) & 1;
}

size_t cpuset_count(const struct cpuset *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += (size_t)__builtin_popcountll(s->bits[i]);
	return n;
}

bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	size_t n = a->n > b->n ? a->n : b->n;

	for (size_t i = 0; i < n; i++)
		if ((i < a->n ? a->bits[i] : 0) != (i < b->n ? b->bits[i] : 0))
			return false;
	return true;
}

int cpuset_next(const struct cpuset *s, unsigned from)
{
	for (size_t w = from / WORD_BITS; w < s->n; w++) {
		uint64_t word = s->bits[w];

		if (w == from / WORD_BITS)
			word &= ~((UINT64_C(1) << (from % WORD_BITS)) - 1);
		if (word)
			return (int)(w * WORD_BITS) + __builtin_ctzll(word);
	}
	return -1;
}

static void set_err(char **ret_err, char *msg)
{
	if (ret_err)
		*ret_err = msg;
	else
		free(msg);
}

/* s[0..n) for a message: quoted, cut after QUOTE_MAX bytes. */
static char *quoted(const char *s, size_t n)
{
	return xasprintf("'%.*s%s'", (int)(n > QUOTE_MAX ? QUOTE_MAX : n), s,
			 n > QUOTE_MAX ? "..." : "");
}

/* A CPU number in s[0..n). */
static int parse_cpu(const char *s, size_t n, unsigned max, unsigned *ret,
		     char **ret_err)
{
	_cleanup_free_ char *t = xstrndup(s, n), *q = quoted(s, n);
	uint64_t v;
	int r;

	if (max > CPUSET_MAX)
		max = CPUSET_MAX;
	r = (n > 1 && t[0] == '0') || t[0] == '+' ? -EINVAL :
						    parse_uint64(t, max, &v);
	if (r == -ERANGE)
		set_err(ret_err, xasprintf("CPU %s is out of range (CPUs are "
					   "numbered 0 to %u)",
					   q, max));
	else if (r < 0)
		set_err(ret_err, xasprintf("%s is not a CPU number", q));
	if (r < 0)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

int cpuset_parse_cpu(const char *s, unsigned max, unsigned *ret, char **ret_err)
{
	return parse_cpu(s, strlen(s), max, ret, ret_err);
}

/* One entry of a CPU list, s[0..n): "N" or "LO-HI". */
static int parse_entry(const char *s, size_t n, unsigned max,
		       struct cpuset *set, char **ret_err)
{
	const char *dash = memchr(s, '-', n);
	unsigned lo, hi;

	if (n == 0) {
		set_err(ret_err, xstrdup("empty entry in the CPU list (',,' "
					 "or a ',' at either end)"));
		return -EINVAL;
	}
	if (dash && (dash == s || dash == s + n - 1)) {
		_cleanup_free_ char *q = quoted(s, n);

		set_err(ret_err, xasprintf("%s is a range without %s", q,
					   dash == s ? "a start" : "an end"));
		return -EINVAL;
	}
	if (parse_cpu(s, (size_t)((dash ? dash : s + n) - s), max, &lo,
		      ret_err) < 0 ||
	    (dash && parse_cpu(dash + 1, (size_t)(s + n - dash - 1), max, &hi,
			       ret_err) < 0))
		return -EINVAL;
	if (!dash)
		hi = lo;
	if (lo > hi) {
		set_err(ret_err,
			xasprintf("'%.*s' is an empty range", (int)n, s));
		return -EINVAL;
	}
	return cpuset_add_range(set, lo, hi);
}

int cpuset_parse_list(const char *s, unsigned max, struct cpuset *ret,
		      char **ret_err)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };
	const char *p = s, *e;

	if (*s)
		do {
			e = strchrnul(p, ',');
			if (parse_entry(p, (size_t)(e - p), max, &set,
					ret_err) < 0)
				return -EINVAL;
			p = e + 1;
		} while (*e);
	*ret = set;
	set = (struct cpuset){ 0 };
	return 0;
}

char *cpuset_format_list(const struct cpuset *s)
{
	struct strbuf sb = { 0 };
	int lo = cpuset_next(s, 0);

	while (lo >= 0) {
		int hi = lo;

		while (cpuset_has(s, (unsigned)hi + 1))
			hi++;
		strbuf_printf(&sb, "%s%d", sb.len ? "," : "", lo);
		if (hi > lo)
			strbuf_printf(&sb, "-%d", hi);
		lo = cpuset_next(s, (unsigned)hi + 1);
	}
	return strbuf_take(&sb);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Add the CPUs of hex digit v whose lowest CPU is base. */
static int add_digit(struct cpuset *set, size_t base, int v, unsigned max)
{
	for (unsigned b = 0; b < 4; b++) {
		if (!(v & (1 << b)))
			continue;
		if (base + b > max)
			return -ERANGE;
		cpuset_add(set, (unsigned)(base + b));
	}
	return 0;
}

static int mask_err(char **ret_err, const char *s, const char *why)
{
	_cleanup_free_ char *q = quoted(s, strlen(s));

	set_err(ret_err, xasprintf("%s is not a CPU mask: %s", q, why));
	return -EINVAL;
}

/* From the last digit back: the last group is CPUs 0-31, each comma
 * starts the next 32. */
int cpuset_parse_mask(const char *s, unsigned max, struct cpuset *ret,
		      char **ret_err)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };
	const char *hex = s;
	bool grouped = strchr(s, ',') != NULL;
	size_t base = 0, group = 0, digits = 0;

	if (max > CPUSET_MAX)
		max = CPUSET_MAX;
	if (startswith(hex, "0x") || startswith(hex, "0X"))
		hex += 2;
	for (size_t i = strlen(hex); i-- > 0;) {
		int v = hex_digit(hex[i]);

		if (hex[i] == ',') {
			if (!digits)
				return mask_err(ret_err, s, "an empty group");
			base = ++group * 32;
			digits = 0;
			continue;
		}
		if (v < 0)
			return mask_err(ret_err, s, "not a hex digit");
		if (++digits > 8 && grouped)
			return mask_err(ret_err, s,
					"a group of more than 8 digits");
		if (add_digit(&set, base, v, max) < 0) {
			_cleanup_free_ char *q = quoted(s, strlen(s));

			set_err(ret_err, xasprintf("CPU mask %s names CPUs "
						   "above %u",
						   q, max));
			return -ERANGE;
		}
		base += 4;
	}
	if (!digits)
		return mask_err(ret_err, s,
				*hex ? "an empty group" : "no digits");
	*ret = set;
	set = (struct cpuset){ 0 };
	return 0;
}

/* The set in hex, most significant 32-bit group first (unpadded), the
 * others as 8 digits, each after sep. */
static char *format_hex(const struct cpuset *s, const char *sep)
{
	struct strbuf sb = { 0 };
	size_t groups = 1;

	for (size_t i = 0; i < s->n * 2; i++)
		if ((s->bits[i / 2] >> (32 * (i % 2))) & UINT32_MAX)
			groups = i + 1;
	for (size_t g = groups; g-- > 0;) {
		uint32_t v = g / 2 < s->n ? (uint32_t)(s->bits[g / 2] >>
						       (32 * (g % 2))) :
					    0;

		if (g == groups - 1)
			strbuf_printf(&sb, "%x", v);
		else
			strbuf_printf(&sb, "%s%08x", sep, v);
	}
	return strbuf_take(&sb);
}

char *cpuset_format_mask(const struct cpuset *s)
{
	return format_hex(s, ",");
}

char *cpuset_format_hex(const struct cpuset *s)
{
	return format_hex(s, "");
}
