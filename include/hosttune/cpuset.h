/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CPUSET_H
#define HOSTTUNE_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hosttune/util.h"

/*
 * A set of CPU numbers that grows as CPUs are added, and the kernel's two
 * ways of writing one down:
 *
 *   a CPU list  "0-3,8,10-11"   (cpu/online, cpuset.cpus, [cpu LIST])
 *   a CPU mask  "ff,00000001"   (rps_cpus, xps_cpus, smp_affinity): hex,
 *               in comma-separated 32-bit groups, most significant first
 *
 * A zeroed struct is the empty set; cpuset_free() releases one (and takes
 * a zeroed or freed set). Parsers take the largest CPU number the caller
 * accepts, at most CPUSET_MAX, and leave *ret untouched on failure.
 */

/* 16384 CPUs: twice the largest CONFIG_NR_CPUS (8192). */
#define CPUSET_MAX 16383

struct cpuset {
	uint64_t *bits;
	size_t n; /* words in bits */
};

void cpuset_free(struct cpuset *s);
#define _cleanup_cpuset_ _cleanup_(cpuset_free)

/* Add cpu, or every CPU from lo to hi: 0, or -ERANGE above CPUSET_MAX
 * (or lo > hi), the set unchanged. */
int cpuset_add(struct cpuset *s, unsigned cpu);
int cpuset_add_range(struct cpuset *s, unsigned lo, unsigned hi);
bool cpuset_has(const struct cpuset *s, unsigned cpu);
size_t cpuset_count(const struct cpuset *s);
bool cpuset_equal(const struct cpuset *a, const struct cpuset *b);
/* The first member at or above from, or -1:
 *	for (int c = cpuset_next(s, 0); c >= 0; c = cpuset_next(s, c + 1)) */
int cpuset_next(const struct cpuset *s, unsigned from);

/* One CPU number as the kernel prints it: decimal digits, no sign, no
 * leading zero, at most max. 0, or -EINVAL with *ret_err (when not NULL)
 * saying why. */
int cpuset_parse_cpu(const char *s, unsigned max, unsigned *ret,
		     char **ret_err);

/* A CPU list: CPU numbers and ranges LO-HI separated by commas; "" is the
 * empty set, as the kernel prints it. 0, or -EINVAL with *ret_err (when
 * not NULL) naming the entry at fault: a CPU above max, an empty range
 * ("3-1"), an empty entry (",,"), anything else. */
int cpuset_parse_list(const char *s, unsigned max, struct cpuset *ret,
		      char **ret_err);
/* "0-3,8,10-11"; "" for the empty set. */
char *cpuset_format_list(const struct cpuset *s);

/*
 * A CPU mask: hex digits (either case, an optional "0x"), either in the
 * kernel's comma-separated groups of at most 8 digits, each 32 bits, the
 * last one CPUs 0-31 ("ff,00000001": CPUs 0 and 32-39), or as one hex
 * number with no commas ("ff00000001", the same set). 0, -EINVAL (not a
 * mask: *ret_err, when not NULL, says why) or -ERANGE (a CPU above max).
 */
int cpuset_parse_mask(const char *s, unsigned max, struct cpuset *ret,
		      char **ret_err);
/* The form the kernel's bitmap_parse() takes: "ff,00000001" (the first
 * group unpadded); "0" for the empty set. */
char *cpuset_format_mask(const struct cpuset *s);
/* One hex number, lower case, no leading zeros: "ff00000001"; "0" for the
 * empty set. Two masks name the same CPUs when these are equal. */
char *cpuset_format_hex(const struct cpuset *s);

#endif
