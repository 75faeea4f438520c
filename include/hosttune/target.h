/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_TARGET_H
#define HOSTTUNE_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "hosttune/hostfs.h"
#include "hosttune/util.h"

/*
 * Target lists, SPEC's "Targets are comma-separated globs", for the
 * domains whose section names objects by name ([net en*,!enp0s31f6],
 * [block *,!dm-*]): an element that starts with '!' excludes what it
 * matches, and a name is in when some other element matches it and no
 * '!' element does. A bare "*" is not fnmatch's: it means the domain's
 * default members, every object a tuner would touch (every interface but
 * lo, every whole disk backed by a device), as the domain's predicate
 * says; every other glob ("loop*", "sd?", "zram0") matches by fnmatch(3).
 *
 * A '!' is special only as the first byte of an element: "cciss!c0d0" (a
 * block device whose kernel name has a '/') is a name like any other, and
 * fnmatch's own "[!0-9]" keeps its meaning.
 */
struct target_glob {
	const char *glob; /* without its '!'; points into the list's buf */
	bool exclude;
};

struct target_list {
	char *buf; /* the elements, each NUL-terminated */
	struct target_glob *v;
	size_t n;
};

/* Is name one of the domain's default members, what a bare "*" matches? */
typedef bool target_default_fn(const struct host *h, const char *name);

/* Split text into its elements. -EINVAL with *ret_err saying why when an
 * element is empty, is a lone '!', starts "!!", has blanks or control
 * characters, or when every element excludes; *ret untouched then. */
int target_list_parse(const char *text, struct target_list *ret,
		      char **ret_err);
void target_list_free(struct target_list *l);
#define _cleanup_target_list_ _cleanup_(target_list_free)

/* target_list_parse, then check_glob on every element (without its '!'):
 * a domain's parse_target. A message about one element of several names
 * it. */
int target_list_validate(const char *text,
			 int (*check_glob)(const char *glob, char **ret_err),
			 char **ret_err);

/* Is text a single plain name: one element, no '!' prefix, no glob
 * characters? Such a target is explicit: it names its object whether or
 * not the host lists it, and beats any list or glob for the same id. */
bool target_is_name(const char *text);

/* Is name in the list? is_default answers for a bare "*" (called only
 * when one is there); other globs go to fnmatch(3) with fnm_flags. */
bool target_list_match(const struct target_list *l, const char *name,
		       int fnm_flags, const struct host *h,
		       target_default_fn *is_default);

#endif
