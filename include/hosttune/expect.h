/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_EXPECT_H
#define HOSTTUNE_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

/* A signed integer wide enough for every sysctl/sysfs value (u64 and s64). */
struct num {
	bool neg;
	uint64_t mag;
};

enum expect_op {
	EXP_EXACT, /* alts[0], whitespace-normalised */
	EXP_GE, /* >= lo */
	EXP_LE, /* <= hi */
	EXP_RANGE, /* lo .. hi inclusive */
	EXP_ALT, /* any of alts[], first preferred */
	EXP_MAX, /* the device's reported maximum */
	EXP_FIELDS, /* one form per blank-separated field (tcp_rmem) */
};

/* How a domain's values are typed, for parsing. */
enum value_unit {
	UNIT_NONE, /* no size suffixes */
	UNIT_BYTES, /* K/M/G/T suffixes allowed, binary multiples */
};

/* A profile value parsed at load time into a typed comparison. */
struct expect {
	enum expect_op op;
	char *text; /* as written in the profile */
	struct num lo, hi;
	char **alts;
	int n_alts;
	struct expect *fields; /* EXP_FIELDS */
	int n_fields;
};

/* Parse a profile value. allow_max: the domain can report a maximum.
 * Returns 0, or -EINVAL with *ret_err set to a message (caller frees). */
int expect_parse(const char *value, enum value_unit unit, bool allow_max,
		 struct expect *ret, char **ret_err);
void expect_free(struct expect *e);
/* How many blank-separated fields e wants: n_fields for EXP_FIELDS, the
 * tokens of an exact value, else 1 (a comparison is of one number). */
int expect_width(const struct expect *e);
void expect_copy(struct expect *dst, const struct expect *src);

/* Does the normalised actual value satisfy e? For EXP_MAX the caller
 * passes the maximum as max (NULL when unknown: never satisfied). */
bool expect_match(const struct expect *e, const char *actual, const char *max);

/* The value to write so that actual satisfies e: 0 with *ret set, or
 * -EINVAL when no value can be derived (e.g. a number was expected but
 * the current value is not one). */
int expect_plan(const struct expect *e, const char *actual, const char *max,
		char **ret);

int num_parse(const char *s, enum value_unit unit, struct num *ret);
int num_cmp(const struct num *a, const struct num *b);
char *num_format(const struct num *n);

/* An entry of a sysfs choice list (a governor, a scheduler, a THP mode):
 * letters, digits and "-_+." only, at most 64 bytes. */
bool expect_token_ok(const char *s);
/* Every bound and exact value of e within [min, max]; 0 or -EINVAL with
 * "expected an integer from MIN to MAX". */
int expect_check_bounds(const struct expect *e, uint64_t min, uint64_t max,
			char **ret_err);
/* The same for signed bounds ("from -1 to 2147483647"). */
int expect_check_bounds_signed(const struct expect *e, int64_t min, int64_t max,
			       char **ret_err);
/* e names entries of a choice list: exact or alternatives of valid
 * tokens. usage: the message for other forms; noun: "a scheduler name"
 * in "'x' is not a scheduler name". */
int expect_check_choices(const struct expect *e, const char *usage,
			 const char *noun, char **ret_err);

/* Sysfs choice files ("[mq-deadline] kyber none", "always [madvise]
 * never"): every entry, brackets removed; the selected entry (a file
 * holding one bare entry, as a fixture after a write does, selects that
 * entry; garbage comes back as it is, to deviate); and the first of e's
 * alternatives that offered (a space-separated list) has, or NULL. */
char *choice_offered(const char *value);
char *choice_current(const char *value);
const char *choice_pick(const struct expect *e, const char *offered);

/* The selected entry of a choice list "a [b] c", or NULL. */
char *choice_selected(const char *s);

#endif
