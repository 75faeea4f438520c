/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_PROFILE_H
#define HOSTTUNE_PROFILE_H

#include "hosttune/check.h"
#include "hosttune/strmap.h"

/* Longest line a profile may have: inih's limit less "\r\n\0". */
#define PROFILE_MAX_LINE 197
#define PROFILE_MAX_DEPTH 16
#define PROFILE_MAX_SIZE (1024 * 1024)

/* A flattened profile: includes merged, later settings overriding. */
struct profile {
	char *name;
	char *description;
	struct ptrvec settings; /* struct setting *, in profile order */
	struct ptrvec names; /* every profile name merged, in order */
	/* setting identity -> index in settings, and the files loaded (each
	 * once per profile): linear work whatever the input */
	struct strmap index;
	struct strmap loaded;
	struct ptrvec keys; /* the strings both maps point to */
	struct ptrvec labels; /* each file's name, which settings point to */
};

/* Where profiles are looked up, in order. */
struct profile_path {
	const char *const *dirs; /* --profile-dir, then the system dirs */
	int n_dirs;
	bool builtin; /* fall back to the profiles built into the binary */
	bool check_owner; /* privileged: refuse files others could write */
};

/* Every error found while loading, each "file:line: message". */
struct load_errors {
	struct ptrvec msgs;
};
void load_errors_free(struct load_errors *e);

/* Load a profile by name or path (and its includes) and merge it into p.
 * Returns 0, or -EINVAL with messages in errs. */
int profile_load(struct profile *p, const struct profile_path *pp,
		 const char *name_or_path, struct load_errors *errs);
/* Load a file as a profile whatever its name (lint FILE...). */
int profile_load_file(struct profile *p, const struct profile_path *pp,
		      const char *path, struct load_errors *errs);
/* Parse one profile file from memory, as lint and the tests do: its
 * includes are followed like a file's, relative to the current directory
 * for paths and through pp for names. */
int profile_parse_buffer(struct profile *p, const struct profile_path *pp,
			 const char *file, const char *data, size_t len,
			 struct load_errors *errs);
void profile_free(struct profile *p);

/* The built-in profiles compiled into the binary. */
struct builtin_profile {
	const char *name;
	const char *start, *end; /* the file's bytes, [start, end) */
};
extern const struct builtin_profile builtin_profiles[];
extern const size_t builtin_profiles_count;

/* Found profile: where it lives, for `list profiles`. */
struct profile_ref {
	char *name;
	char *where; /* path, or "built-in" */
	char *description;
};
int profile_list(const struct profile_path *pp, struct ptrvec *out);
void profile_ref_free(void *r);

#endif
