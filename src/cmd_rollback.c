// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rollback: restore a snapshot. Unlike apply it does not stop at the first
 * failure: it restores everything it can, lists what it could not (exit 4)
 * and keeps the snapshot for another try. What it overwrites is saved first.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

#include "hosttune/cli.h"

/* The newest snapshot not yet restored, other than a rollback's undo. */
static int pick_default(struct cli *cli, struct snapshot *ret)
{
	struct ptrvec all = { 0 };
	_cleanup_free_ char *err = NULL;
	int r, found = -1;

	r = snapshot_list(cli_state_dir(cli), cli->privileged, &all, &err);
	if (err)
		cli_error("%s", err);
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		struct snapshot *s = all.v[i];

		if (!s->restored && strcmp(s->kind, "rollback"))
			found = (int)i;
	}
	if (found >= 0) {
		*ret = *(struct snapshot *)all.v[found];
		free(all.v[found]);
		all.v[found] = NULL;
	}
	for (size_t i = 0; i < all.n; i++)
		if (all.v[i]) {
			snapshot_free(all.v[i]);
			free(all.v[i]);
		}
	free(all.v);
	if (found < 0) {
		cli_error(
			"no snapshot to roll back to in %s (see hosttune list "
			"snapshots)",
			cli_state_dir(cli));
		return EXIT_USAGE;
	}
	return 0;
}

static int load_target(struct cli *cli, struct snapshot *snap)
{
	_cleanup_free_ char *err = NULL;
	char want[PATH_MAX], have[PATH_MAX];
	int code = 0;

	if (cli->argc > 1) {
		cli_error("rollback takes at most one snapshot");
		return EXIT_USAGE;
	}
	if (cli->argc == 0)
		code = pick_default(cli, snap);
	else if (snapshot_load(cli_state_dir(cli), cli->argv[0],
			       cli->privileged, snap, &err) < 0) {
		cli_error("%s", err);
		code = EXIT_USAGE;
	}
	if (code)
		return code;
	if (!realpath(snap->root, want) || !realpath(cli->root, have) ||
	    strcmp(want, have)) {
		cli_error("snapshot %s was taken of root %s, not %s; use "
			  "--root %s",
			  snap->id, snap->root, cli->root, snap->root);
		return EXIT_USAGE;
	}
	return 0;
}

/* One change per snapshot entry, newest first. Values that already match
 * are kept as hidden companions: restoring another value can change them
 * (all.forwarding rewrites every interface's), so each is checked again
 * when its turn comes. */
static void plan(struct cli *cli, const struct snapshot *snap,
		 struct ptrvec *checks, struct ptrvec *changes)
{
	for (size_t i = snap->entries.n; i-- > 0;) {
		const struct snapshot_entry *e = snap->entries.v[i];
		struct check *c = check_new(e->ops, e->target, e->key);
		struct change *ch;

		check_read(&cli->host, c);
		if (c->status == ST_OK && same_value(c->raw, e->value)) {
			ch = xcalloc(1, sizeof(*ch));
			ch->check = c;
			ch->from = xstrdup(c->raw);
			ch->to = xstrdup(e->value);
			ch->status = CH_SKIPPED;
			ch->companion = true;
			ptrvec_push(changes, ch);
			continue;
		}
		ptrvec_push(checks, c);
		ch = xcalloc(1, sizeof(*ch));
		ch->check = c;
		ch->from = xstrdup(c->raw ? c->raw : "");
		ch->to = xstrdup(e->value);
		ch->status = CH_PLANNED;
		if (c->status == ST_MISSING) {
			ch->status = CH_SKIPPED;
			ch->reason = xstrdup("no longer exists on this host");
		} else if (c->status == ST_MANUAL) {
			ch->status = CH_SKIPPED;
			ch->reason = xstrdup(c->detail);
		} else if (c->read_only) {
			ch->status = CH_SKIPPED;
			ch->reason = xstrdup("read-only: not restored");
		} else if (c->status == ST_ERROR) {
			ch->status = CH_FAILED;
			ch->reason = xasprintf("cannot read: %s", c->detail);
		}
		ptrvec_push(changes, ch);
	}
}

static size_t count(const struct ptrvec *changes, enum change_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < changes->n; i++)
		n += ((struct change *)changes->v[i])->status == st;
	return n;
}

static void restore(struct cli *cli, struct ptrvec *changes)
{
	for (size_t i = 0; i < changes->n; i++) {
		struct change *ch = changes->v[i];
		struct check *c = ch->check;
		int r;

		if (!ch->companion && ch->status != CH_PLANNED)
			continue;
		r = engine_set_value(&cli->host, c, ch->to);
		if (r == 0 && ch->companion)
			continue; /* still as saved */
		if (r >= 0) {
			ch->status = CH_APPLIED;
			continue;
		}
		ch->reason = r == -EIO ? xasprintf("read back '%s'",
						   c->raw ? c->raw : "") :
					 write_refused(r, NULL);
		ch->status = CH_FAILED;
	}
}

/* Some values are accepted only once another is back: intel_pstate takes an
 * energy preference only while the governor allows it. One more pass over
 * what failed, after everything else was restored. */
static void retry_failed(struct cli *cli, struct ptrvec *changes)
{
	for (size_t i = 0; i < changes->n; i++) {
		struct change *ch = changes->v[i];

		if (ch->status != CH_FAILED || !ch->check->raw)
			continue;
		if (engine_set_value(&cli->host, ch->check, ch->to) >= 0) {
			ch->status = CH_APPLIED;
			free(ch->reason);
			ch->reason = NULL;
		}
	}
}

/* Save what is about to be overwritten: the rollback's own undo. */
static int save_undo(struct cli *cli, const struct snapshot *snap,
		     const struct ptrvec *changes, struct snapshot *undo)
{
	int r;

	snapshot_init(undo, "rollback", snap->profile, cli->root);
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		if (ch->status == CH_PLANNED || ch->companion)
			snapshot_add(undo, ch->check->ops, ch->check->target,
				     ch->check->key, ch->from);
	}
	r = snapshot_save(cli_state_dir(cli), undo, NULL);
	if (r < 0) {
		cli_error("cannot write the undo snapshot: %s; nothing was "
			  "changed",
			  strerror(-r));
		return EXIT_RUNTIME;
	}
	return 0;
}

static int mark_restored(struct cli *cli, struct snapshot *snap)
{
	int r;

	if (strchr(cli->argc ? cli->argv[0] : "", '/'))
		return 0; /* a file outside the state directory */
	free(snap->restored);
	snap->restored = snapshot_time_now();
	r = snapshot_update(cli_state_dir(cli), snap);
	if (r < 0)
		cli_error("warning: cannot mark snapshot %s restored: %s",
			  snap->id, strerror(-r));
	return 0;
}

static int rollback_run(struct cli *cli, struct snapshot *snap,
			struct ptrvec *changes, struct snapshot *undo)
{
	size_t planned = count(changes, CH_PLANNED);
	sigset_t old;
	uint64_t need = engine_caps_needed(&cli->host, changes);
	_cleanup_free_ char *missing = NULL;

	if (cli->dry_run)
		return planned || count(changes, CH_FAILED) ? EXIT_DEVIATION :
							      EXIT_OK;
	if (caps_missing(need, &missing) < 0 || missing) {
		cli_error("missing capability %s: run as root; nothing was "
			  "changed",
			  missing ? missing : "(unknown)");
		return EXIT_RUNTIME;
	}
	caps_limit_to(need);
	if (planned && save_undo(cli, snap, changes, undo))
		return EXIT_RUNTIME;
	cli_signals_hold(&old);
	restore(cli, changes);
	retry_failed(cli, changes);
	cli_signals_release(&old);
	if (count(changes, CH_FAILED)) {
		for (size_t i = 0; i < changes->n; i++) {
			const struct change *ch = changes->v[i];
			if (ch->status == CH_FAILED)
				cli_error("%s: not restored: %s", ch->check->id,
					  ch->reason);
		}
		cli_error("rollback incomplete; snapshot %s is kept", snap->id);
		return EXIT_INCOMPLETE;
	}
	return mark_restored(cli, snap);
}

int cmd_rollback(struct cli *cli)
{
	struct ptrvec checks = { 0 }, changes = { 0 };
	struct snapshot snap = { 0 }, undo = { 0 };
	struct report rep;
	int lock = -1, code, r;

	if (cli->format == FMT_PROMETHEUS) {
		cli_error("--format prometheus is for audit");
		return EXIT_USAGE;
	}
	code = cli_open_host(cli);
	if (code)
		return code;
	if (!cli->dry_run) {
		const char *dir = cli_state_dir(cli);

		r = state_dir_prepare(dir);
		if (r == 0)
			r = state_lock(dir, &lock);
		if (r < 0) {
			cli_error("state directory %s: %s", dir,
				  r == -EBUSY ? "locked by another hosttune" :
						strerror(-r));
			return EXIT_RUNTIME;
		}
	}
	code = load_target(cli, &snap);
	if (code)
		goto out;
	plan(cli, &snap, &checks, &changes);
	code = rollback_run(cli, &snap, &changes, &undo);
	rep = (struct report){
		.command = "rollback",
		.root = cli->root,
		.checks = &checks,
		.changes = &changes,
		.snapshot = snap.id,
		.undo_snapshot = undo.id,
		.dry_run = cli->dry_run,
		.verbosity = cli->verbosity,
	};
	if (cli->format == FMT_JSON)
		report_json(cli->out, &rep);
	else if (changes.n)
		report_changes_text(cli->out, &rep);
	if (cli->format == FMT_TEXT && code == EXIT_OK && !cli->dry_run) {
		_cleanup_free_ char *hint =
			undo.id ? cli_rollback_hint(cli, undo.id) : NULL;

		fprintf(cli->out,
			"restored snapshot %s (%zu value%s changed)"
			"%s%s\n",
			snap.id, count(&changes, CH_APPLIED),
			count(&changes, CH_APPLIED) == 1 ? "" : "s",
			hint ? "; undo with: " : "", hint ? hint : "");
	} else if (cli->format == FMT_TEXT && cli->dry_run)
		fprintf(cli->out,
			"%zu value%s would be restored from %s (dry "
			"run: nothing was written)\n",
			count(&changes, CH_PLANNED),
			count(&changes, CH_PLANNED) == 1 ? "" : "s", snap.id);
out:
	if (lock >= 0)
		close(lock);
	ptrvec_free(&changes, change_free);
	ptrvec_free(&checks, check_free);
	snapshot_free(&snap);
	snapshot_free(&undo);
	return code;
}
