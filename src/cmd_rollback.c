// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rollback: choose the snapshot, then restore it through the transaction
 * (transaction.h). Rolling back to a snapshot also ends every change made
 * after it; what it overwrites is saved first, so a rollback can be undone.
 * It restores everything it can, lists what it could not (exit 4) and then
 * keeps the snapshot in effect.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "hosttune/cli.h"

struct target {
	struct ptrvec all; /* the state directory's history, oldest first */
	struct snapshot loaded; /* a snapshot named by path */
	struct ptrvec set; /* what is restored: the target, then newer ones */
	bool from_path;
};

static void target_free(struct target *tg)
{
	ptrvec_free(&tg->set, NULL);
	ptrvec_free(&tg->all, snapshot_destroy);
	snapshot_free(&tg->loaded);
}

/* Load the one named by path, or say why the named id is not there. */
static int load_named(struct cli *cli, struct target *tg, const char *name)
{
	_cleanup_free_ char *err = NULL;

	if (snapshot_load(cli_state_dir(cli), name, cli->privileged,
			  &tg->loaded, &err) < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	if (!strchr(name, '/')) {
		/* It parses, yet the listing left it out: say so. */
		cli_error("snapshot %s is not in %s", name, cli_state_dir(cli));
		return EXIT_USAGE;
	}
	tg->from_path = true;
	ptrvec_push(&tg->set, &tg->loaded);
	return 0;
}

static int choose(struct cli *cli, struct target *tg)
{
	_cleanup_free_ char *err = NULL;
	const char *name = cli->argc ? cli->argv[0] : NULL;
	ssize_t i = -1;
	int r;

	r = snapshot_list(cli_state_dir(cli), cli->privileged, &tg->all, &err);
	if (r < 0 && r != -ENOENT) {
		cli_error("%s: %s", cli_state_dir(cli), strerror(-r));
		return EXIT_RUNTIME;
	}
	if (err && !name)
		cli_error("warning: %s", err);
	if (name && !strchr(name, '/'))
		i = snapshot_find(&tg->all, name);
	else if (!name)
		i = snapshot_default(&tg->all);
	if (name && i < 0)
		return load_named(cli, tg, name);
	if (i < 0) {
		cli_error("no snapshot in effect to roll back to in %s (see "
			  "hosttune list snapshots)",
			  cli_state_dir(cli));
		return EXIT_USAGE;
	}
	snapshot_restore_set(&tg->all, (size_t)i, &tg->set);
	return 0;
}

static int check_root(struct cli *cli, const struct snapshot *snap)
{
	char want[PATH_MAX], have[PATH_MAX];

	if (realpath(snap->root, want) && realpath(cli->root, have) &&
	    !strcmp(want, have))
		return 0;
	/* the root is the snapshot file's text: escaped whole, its line
	 * breaks too, so it cannot make a line of its own */
	_cleanup_free_ char *root = display_escape(snap->root);

	cli_error("snapshot %s was taken of root %s, not %s; use --root %s",
		  snap->id, root, cli->root, root);
	return EXIT_USAGE;
}

/* Name every value someone else changed since hosttune wrote it. The
 * values are the host's (and a tree's owner's), escaped as everywhere:
 * none of their bytes reaches the terminal raw. */
static void report_changed_since(const struct txn *t)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		const struct change *ch = t->changes.v[i];
		_cleanup_free_ char *was = NULL, *now = NULL;

		if (!ch->changed_since)
			continue;
		was = display_escape(ch->changed_since);
		now = display_escape(ch->from);
		/* the id is shown as it is (check_new escaped it) */
		fprintf(stderr,
			"hosttune: %s: changed by someone else since "
			"hosttune set it to '%s' (now '%s')\n",
			ch->check->id, was, now);
	}
}

/* Write the plan; the exit code. */
static int restore(struct cli *cli, struct txn *t, struct target *tg)
{
	const struct snapshot *snap = tg->set.v[0];
	size_t planned = txn_count_status(t, CH_PLANNED);
	enum txn_outcome out = TXN_DONE;
	sigset_t old;
	int code, r;

	if (planned) {
		code = cli_commit(cli, t, "rollback", snap->profile);
		if (code)
			return code;
		cli_signals_hold(&old);
		out = txn_restore(t);
		cli_signals_release(&old);
		cli_log_change(cli,
			       "rollback to %s (profile %s): %s, %zu values "
			       "restored, undo snapshot %s",
			       snap->id, snap->profile,
			       out == TXN_DONE ? "done" : "incomplete",
			       txn_count_status(t, CH_APPLIED), t->undo.id);
		txn_record(t);
	} else if (txn_count_status(t, CH_FAILED)) {
		out = TXN_INCOMPLETE;
	}
	if (out == TXN_INCOMPLETE) {
		cli_report_failures(t, "not restored: ");
		cli_error("rollback incomplete; snapshot %s is kept in effect",
			  snap->id);
		return EXIT_INCOMPLETE;
	}
	if (tg->from_path)
		return EXIT_OK; /* a file outside the state directory */
	/* by the path that was checked when it was locked */
	r = snapshot_history_update(t->state_dir, &tg->all, &tg->set,
				    t->saved ? t->undo.id : NULL);
	if (r < 0)
		cli_error("warning: cannot mark snapshot %s restored: %s",
			  snap->id, strerror(-r));
	return EXIT_OK;
}

static void print_report(struct cli *cli, const struct txn *t,
			 const struct snapshot *snap, int code)
{
	size_t applied = txn_count_status(t, CH_APPLIED);
	size_t planned = txn_count_status(t, CH_PLANNED);
	struct report rep = {
		.command = "rollback",
		.root = cli->root,
		.checks = &t->checks,
		.changes = &t->changes,
		.snapshot = snap ? snap->id : NULL,
		.undo_snapshot = t->saved ? t->undo.id : NULL,
		.dry_run = cli->dry_run,
		.verbosity = cli->verbosity,
		.exit_code = code,
		.error = code >= EXIT_USAGE ? cli_errors() : NULL,
	};

	if (cli->format == FMT_JSON) {
		report_json(cli->out, &rep);
		return;
	}
	if (!snap)
		return;
	if (txn_count(t))
		report_changes_text(cli->out, &rep);
	if (code == EXIT_OK && !cli->dry_run) {
		_cleanup_free_ char *hint =
			t->saved ? cli_rollback_hint(cli, t->undo.id) : NULL;

		fprintf(cli->out,
			"restored snapshot %s (%zu value%s changed)%s%s\n",
			snap->id, applied, applied == 1 ? "" : "s",
			hint ? "; undo with: " : "", hint ? hint : "");
	} else if (cli->dry_run) {
		fprintf(cli->out,
			"%zu value%s would be restored from %s (dry "
			"run: nothing was written)\n",
			planned, planned == 1 ? "" : "s", snap->id);
	}
}

int cmd_rollback(struct cli *cli)
{
	struct target tg = { 0 };
	const struct snapshot *snap = NULL;
	struct txn t;
	int code;

	if (cli->argc > 1) {
		cli_error("rollback takes at most one snapshot");
		return EXIT_USAGE;
	}
	code = cli_begin_writes(cli, &t);
	if (code == 0)
		code = choose(cli, &tg);
	if (code == 0)
		code = check_root(cli, tg.set.v[0]);
	if (code)
		goto out;
	snap = tg.set.v[0];
	txn_plan_restore(&t, (struct snapshot *const *)tg.set.v, tg.set.n);
	report_changed_since(&t);
	if (cli->dry_run)
		code = txn_count_status(&t, CH_PLANNED) ||
				       txn_count_status(&t, CH_FAILED) ?
			       EXIT_DEVIATION :
			       EXIT_OK;
	else
		code = restore(cli, &t, &tg);
out:
	print_report(cli, &t, snap, code);
	txn_free(&t);
	target_free(&tg);
	return code;
}
