/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_TRANSACTION_H
#define HOSTTUNE_TRANSACTION_H

/*
 * One transaction for every verb that writes (apply, rollback, trial):
 *
 *   txn_lock        prepare the state directory, take its lock
 *   txn_plan_*      read the host once and decide every write, in the order
 *                   the kernel needs (from a profile, or from snapshots)
 *   txn_caps_needed what the writes need, for the caller to check and keep
 *   txn_save        the snapshot that undoes the plan, durably on disk
 *   txn_apply       write, read back; on the first failure restore what was
 *                   changed, in reverse (apply, trial)
 *   txn_restore     write everything it can, retry what failed once, and say
 *                   what could not be restored (rollback)
 *   txn_record      note in the snapshot what was written, so a later
 *                   rollback can tell whether someone changed it since
 *
 * Outcomes are enums on each change, never strings to be parsed back.
 */
#include "hosttune/engine.h"

enum change_status {
	CH_PLANNED, /* not written (yet): a dry run reports "skipped" */
	CH_APPLIED,
	CH_FAILED,
	CH_ROLLED_BACK,
	CH_SKIPPED,
};
const char *change_status_name(enum change_status s);

/* What happened when a change had to be undone. */
enum restore_status {
	RS_NONE, /* nothing to undo */
	RS_RESTORED, /* written back and read back as it was */
	RS_GONE, /* the object no longer exists: nothing left to restore */
	RS_FAILED, /* could not be put back: the host is left changed */
};

struct change {
	struct check *check;
	char *from, *to;
	enum change_status status;
	enum restore_status restore;
	char *reason; /* why it failed or was skipped */
	/* rollback: what hosttune last wrote here, when the host now holds
	 * something else (someone changed it since) */
	char *changed_since;
	/* A value another change alters as a side effect (vm.dirty_ratio
	 * zeroes vm.dirty_bytes; restoring all.forwarding rewrites every
	 * interface's): saved, and put back when its turn comes, never
	 * reported as a change of its own. */
	bool companion;
	int rank; /* write order: lower first (check_ops.rank) */
	struct snapshot_entry *entry; /* its line in the undo snapshot */
};
void change_free(void *c);

enum txn_outcome {
	TXN_DONE, /* every write made and read back */
	TXN_REFUSED, /* a write failed; everything changed was restored */
	TXN_INCOMPLETE, /* some values could not be restored */
};

struct txn {
	const struct host *h;
	const char *state_dir;
	const char *beneath; /* --root the state directory lies under */
	/* a privileged run: state_dir was resolved (cli_resolve_paths)
	 * and no directory on its path may be one others could write */
	bool privileged;
	char *lock_msg; /* why txn_lock failed, when there is more to say */
	int lock_fd;
	bool force; /* plan changes rollback could not undo too */
	struct ptrvec checks; /* struct check *, read for the report */
	struct ptrvec hidden; /* the companions' checks, not reported */
	struct ptrvec changes; /* struct change *, in write order */
	char *plan_err; /* "  id: why\n" for each setting not planned */
	struct snapshot undo; /* written before the first write */
	bool saved;
};

void txn_init(struct txn *t, const struct host *h, const char *state_dir);
void txn_free(struct txn *t);

/* Create the state directory (0700) if needed, check it (state_dir_open)
 * and take its exclusive lock: 0, -EBUSY when another hosttune holds it,
 * or -errno (t->lock_msg may say more). */
int txn_lock(struct txn *t);

/* Read the host against p and plan a change for every deviating check.
 * Checks that cannot be planned (unreadable, read-only, irreversible
 * without force, no value satisfies) are listed in t->plan_err and make
 * it return -EIO; the others are still planned, for a dry run to show. */
int txn_plan_profile(struct txn *t, const struct profile *p);
/* The same, for checks already read into t->checks. */
int txn_plan_checks(struct txn *t);

/* Plan restoring snaps[0] and ending every change the newer snapshots
 * snaps[1..n) made: each value goes back to what the oldest of them saved
 * (only apply and trial snapshots record changes; the others are ended
 * but add nothing). Values that already hold are kept as companions:
 * restoring another value can change them. */
void txn_plan_restore(struct txn *t, struct snapshot *const *snaps, size_t n);

/* Plan one of hosttune's own files (the file domain) to hold content
 * (NULL: to be no file): a change unless it already does. -EIO, with
 * t->plan_err saying why, when what is at path cannot be read and so
 * could not be put back (a symlink, a mask, not a regular file). */
int txn_plan_file(struct txn *t, const char *path, const char *content);

/* The capabilities (CAP_* bits) the planned writes need on this host. */
uint64_t txn_caps_needed(const struct txn *t);

/* Save what the planned writes overwrite, durably: temporary file, fsync,
 * rename, fsync of the directory. kind and profile go into the header;
 * id, when not NULL, is the name to use. 0 or -errno. */
int txn_save(struct txn *t, const char *kind, const char *profile,
	     const char *root, const char *id);

enum txn_outcome txn_apply(struct txn *t);
enum txn_outcome txn_restore(struct txn *t);

/* Put every applied change back, in reverse: what trial does between
 * runs and after the last one. */
enum txn_outcome txn_undo(struct txn *t);

/* Make every change planned again after txn_undo, for the next
 * txn_apply (trial switches back and forth). */
void txn_rearm(struct txn *t);

/* Record in the saved snapshot the value each applied change reads back
 * as; 0 or -errno (the snapshot still restores without it). */
int txn_record(struct txn *t);

/* Changes that are reported (companions left out), and of a status. */
size_t txn_count(const struct txn *t);
size_t txn_count_status(const struct txn *t, enum change_status s);

/* Make c hold value (as a snapshot saves it, compared with what the host
 * reads back): 0 when it already does, 1 when written and read back,
 * -ENODEV when the object no longer exists, -errno when the write is
 * refused (*ret_why, when not NULL, may get the host's words), -EIO when
 * it reads back otherwise. */
int txn_set_value(const struct host *h, struct check *c, const char *value,
		  char **ret_why);

/* "write refused: Invalid argument: mtu greater than device maximum". */
char *write_refused(int r, const char *why);

/* Equal after whitespace normalisation. */
bool same_value(const char *a, const char *b);

#endif
