/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_SNAPSHOT_H
#define HOSTTUNE_SNAPSHOT_H

#include "hosttune/check.h"

#define SNAPSHOT_MAX_SIZE (64 * 1024 * 1024)

struct snapshot_entry {
	const struct check_ops *ops;
	char *target; /* NULL for domains without targets */
	char *key;
	char *value;
};

/* A saved set of values, as they were. */
struct snapshot {
	char *id;
	char *time; /* ISO 8601 UTC with microseconds */
	char *host;
	char *kernel;
	char *profile;
	char *kind; /* "apply", "rollback", "manual", "all" */
	char *version;
	char *root;
	char *restored; /* time of a complete rollback to it, or NULL */
	struct ptrvec entries; /* struct snapshot_entry * */
};

/* The current UTC time as snapshots record it. */
char *snapshot_time_now(void);
void snapshot_init(struct snapshot *s, const char *kind, const char *profile,
		   const char *root);
void snapshot_add(struct snapshot *s, const struct check_ops *ops,
		  const char *target, const char *key, const char *value);
void snapshot_free(struct snapshot *s);

/* Serialise to the INI text and back. Parse errors: "file:line: msg". */
char *snapshot_format(const struct snapshot *s);
int snapshot_parse(const char *file, const char *data, size_t len,
		   struct snapshot *ret, char **ret_err);

/* The state directory: created 0700 on first write. */
int state_dir_prepare(const char *dir);
int state_lock(const char *dir, int *ret_fd);
/* Pick a fresh id, write durably; sets s->id. */
int snapshot_save(const char *dir, struct snapshot *s, char **ret_path);
/* Rewrite an existing snapshot (to mark it restored). */
int snapshot_update(const char *dir, const struct snapshot *s);
/* Load by id or path. check_owner: refuse files others could write. */
int snapshot_load(const char *dir, const char *id_or_path, bool check_owner,
		  struct snapshot *ret, char **ret_err);
/* Every snapshot in dir, oldest first (struct snapshot *, entries kept). */
int snapshot_list(const char *dir, bool check_owner, struct ptrvec *out,
		  char **ret_err);
int snapshot_id_ok(const char *id);

#endif
