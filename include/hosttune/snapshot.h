/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_SNAPSHOT_H
#define HOSTTUNE_SNAPSHOT_H

#include <sys/types.h>

#include "hosttune/check.h"
#include "hosttune/strmap.h"

#define SNAPSHOT_MAX_SIZE (64 * 1024 * 1024)

struct snapshot_entry {
	const struct check_ops *ops;
	/* these three live in the entry's own allocation (snapshot_add) */
	char *target; /* NULL for domains without targets */
	char *key;
	char *value; /* as it was before */
	/* What hosttune wrote there and read back, when it did (the
	 * "-> \"new\"" part of the line), else NULL. */
	char *wrote;
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
	/* When its changes ended: a complete rollback to it, or to an older
	 * snapshot. NULL while it is in effect. */
	char *restored;
	/* The undo snapshot of the rollback that ended it, if one did. */
	char *restored_by;
	/* The file format: 2 writes an [end] line last, so a file cut short
	 * is told from a whole one; 0 for files of before. */
	char *format;
	struct ptrvec entries; /* struct snapshot_entry * */
};

/* The current UTC time as snapshots record it. */
char *snapshot_time_now(void);
void snapshot_init(struct snapshot *s, const char *kind, const char *profile,
		   const char *root);
struct snapshot_entry *snapshot_add(struct snapshot *s,
				    const struct check_ops *ops,
				    const char *target, const char *key,
				    const char *value);
void snapshot_free(struct snapshot *s);

/* Serialise to the INI text and back. Parse errors: "file:line: msg". */
char *snapshot_format(const struct snapshot *s);
int snapshot_parse(const char *file, const char *data, size_t len,
		   struct snapshot *ret, char **ret_err);

/* Take the state directory's lock (state_dir_open() made it); with it
 * held, remove temporary files an interrupted write left there. */
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
void snapshot_destroy(void *s); /* snapshot_free, then free */

/* ---- history ----
 * Snapshots form a history, oldest first (snapshot_list). One is in effect
 * until a rollback restores it or an older one; a plain rollback takes the
 * newest in effect that is not a rollback's own undo snapshot. */
bool snapshot_in_effect(const struct snapshot *s);
/* Index in all of the snapshot a plain rollback restores, or -1. */
ssize_t snapshot_default(const struct ptrvec *all);
/* Index of id in all, or -1. */
ssize_t snapshot_find(const struct ptrvec *all, const char *id);
/* What rolling back to all[i] restores: all[i], then every snapshot after
 * it still in effect, oldest first, in *ret (pointers into all). */
void snapshot_restore_set(const struct ptrvec *all, size_t i,
			  struct ptrvec *ret);
/* After a complete rollback to set[0] whose undo snapshot is undo_id:
 * mark every snapshot of set restored by it and, when set[0] is itself a
 * rollback's undo snapshot, put back in effect what that rollback ended.
 * Rewrites the files that change; 0 or the first -errno. */
int snapshot_history_update(const char *dir, const struct ptrvec *all,
			    const struct ptrvec *set, const char *undo_id);
/* Delete the snapshots no longer in effect but the newest keep of them;
 * the ids deleted in *ret (char *). 0 or the first -errno. */
int snapshot_prune(const char *dir, const struct ptrvec *all, size_t keep,
		   struct ptrvec *ret);

#endif
