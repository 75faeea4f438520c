// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply: argument handling and reporting around the transaction
 * (transaction.h), which plans once under the lock, saves the snapshot
 * durably, writes, reads back and restores on failure.
 */
#include <errno.h>
#include <string.h>

#include "hosttune/cli.h"

/* Write the plan; the exit code. */
static int apply_run(struct cli *cli, struct txn *t, const char *profile)
{
	enum txn_outcome out;
	sigset_t old;
	int code = cli_commit(cli, t, "apply", profile);

	if (code)
		return code;
	if (cli->force)
		fprintf(stderr, "hosttune: --force: changes that rollback "
				"cannot undo are made too\n");
	cli_signals_hold(&old);
	out = txn_apply(t);
	cli_signals_release(&old);
	if (out == TXN_DONE) {
		if (txn_record(t) < 0)
			cli_error("warning: cannot record the values written "
				  "in snapshot %s",
				  t->undo.id);
		return EXIT_OK;
	}
	cli_report_failures(t, "");
	if (out == TXN_INCOMPLETE) {
		_cleanup_free_ char *hint = cli_rollback_hint(cli, t->undo.id);

		cli_error("apply failed and some values could not be restored; "
			  "retry with: %s",
			  hint);
		return EXIT_INCOMPLETE;
	}
	cli_error(txn_count_status(t, CH_ROLLED_BACK) ?
			  "apply failed; every change was rolled back" :
			  "apply failed; nothing was changed");
	free(t->undo.restored);
	t->undo.restored = snapshot_time_now();
	snapshot_update(t->state_dir, &t->undo);
	return EXIT_RUNTIME;
}

static void refuse_all(struct txn *t, const char *why)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		if (ch->companion)
			continue;
		ch->status = CH_SKIPPED;
		free(ch->reason);
		ch->reason = xstrdup(why);
	}
}

static void print_summary(struct cli *cli, const struct txn *t, int code)
{
	size_t n = txn_count(t);

	if (cli->format != FMT_TEXT || cli->verbosity < 0)
		return;
	if (n == 0 && code == EXIT_OK)
		fprintf(cli->out,
			"nothing to change: the host already matches "
			"%s (%zu checks)\n",
			cli->argv[0], t->checks.n);
	else if (n && cli->dry_run && t->plan_err)
		fprintf(cli->out, "no change would be made: apply refuses a "
				  "plan with settings it cannot make (see "
				  "above)\n");
	else if (n && cli->dry_run)
		fprintf(cli->out,
			"%zu change%s would be made (dry run: nothing "
			"was written)\n",
			n, n == 1 ? "" : "s");
	else if (n && code == EXIT_OK) {
		_cleanup_free_ char *hint = cli_rollback_hint(cli, t->undo.id);

		fprintf(cli->out, "%zu change%s applied; undo with: %s\n", n,
			n == 1 ? "" : "s", hint);
	}
}

static void print_report(struct cli *cli, const struct txn *t, int code)
{
	struct ptrvec names = { 0 };
	struct report rep = {
		.command = "apply",
		.profiles = &names,
		.root = cli->root,
		.checks = &t->checks,
		.changes = &t->changes,
		.snapshot = t->undo.id,
		.dry_run = cli->dry_run,
		.verbosity = cli->verbosity,
		.exit_code = code,
		.error = code >= EXIT_USAGE ? cli_errors() : NULL,
	};

	ptrvec_push(&names, cli->argv[0]);
	/* a refused plan: each change shows why it would not be made */
	if (t->plan_err)
		rep.dry_run = false;
	if (cli->format == FMT_JSON)
		report_json(cli->out, &rep);
	else if (txn_count(t))
		report_changes_text(cli->out, &rep);
	print_summary(cli, t, code);
	ptrvec_free(&names, NULL);
}

int cmd_apply(struct cli *cli)
{
	struct profile p = { 0 };
	struct txn t;
	int code, r;

	if (cli->argc != 1) {
		cli_error("apply takes exactly one profile (see hosttune apply "
			  "--help)");
		return EXIT_USAGE;
	}
	code = cli_load_profiles(cli, cli->argv, 1, false, &p);
	if (code) {
		profile_free(&p);
		return code;
	}
	code = cli_begin_writes(cli, &t);
	if (code)
		goto out;
	r = txn_plan_profile(&t, &p);
	if (r < 0 && !t.plan_err) {
		code = cli_audit_failed(r);
		goto out;
	}
	if (r < 0) {
		cli_error("cannot apply %s%s:\n%.*s", cli->argv[0],
			  cli->dry_run ? "" : "; nothing was changed",
			  (int)strlen(t.plan_err) - 1, t.plan_err);
		code = cli->dry_run ? EXIT_DEVIATION : EXIT_RUNTIME;
		/* apply refuses the whole plan, so a dry run shows no change
		 * as one it would make */
		refuse_all(&t, cli->dry_run ? "apply would refuse this plan" :
					      "not made: the plan was refused");
		if (!cli->dry_run && cli->format != FMT_JSON)
			goto out;
	} else if (txn_count(&t) && cli->dry_run) {
		code = EXIT_DEVIATION;
	} else if (txn_count(&t)) {
		code = apply_run(cli, &t, p.name);
	}
	print_report(cli, &t, code);
out:
	txn_free(&t);
	profile_free(&p);
	return code;
}
