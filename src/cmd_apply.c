// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply and rollback: lock, plan, check privilege, snapshot durably, write,
 * read back, restore on failure. Nothing is written before the snapshot
 * that undoes it is on disk.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "hosttune/cli.h"

static void print_report(struct cli *cli, struct report *rep)
{
	if (cli->format == FMT_JSON) {
		report_json(cli->out, rep);
		return;
	}
	report_changes_text(cli->out, rep);
}

/* Refuse unless the process holds what the plan needs; then keep only
 * that. Returns 0 or an exit code. */
static int privilege_for(struct cli *cli, const struct ptrvec *changes)
{
	uint64_t need = engine_caps_needed(&cli->host, changes);
	_cleanup_free_ char *missing = NULL;
	int r;

	r = caps_missing(need, &missing);
	if (r < 0) {
		cli_error("cannot read capabilities: %s", strerror(-r));
		return EXIT_RUNTIME;
	}
	if (missing) {
		cli_error("missing capability %s: run as root; nothing was "
			  "changed",
			  missing);
		return EXIT_RUNTIME;
	}
	r = caps_limit_to(need);
	if (r < 0 && cli->privileged) {
		cli_error("cannot drop capabilities: %s", strerror(-r));
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Take the state directory's lock; 0 or an exit code. */
static int lock_state(struct cli *cli, int *fd)
{
	const char *dir = cli_state_dir(cli);
	int r = state_dir_prepare(dir);

	if (r == 0)
		r = state_lock(dir, fd);
	if (r == -EBUSY) {
		cli_error("%s is locked: another hosttune is applying or "
			  "rolling back",
			  dir);
		return EXIT_RUNTIME;
	}
	if (r < 0) {
		cli_error("state directory %s: %s", dir, strerror(-r));
		return EXIT_RUNTIME;
	}
	return 0;
}

static int save_snapshot(struct cli *cli, struct snapshot *snap,
			 const struct ptrvec *changes)
{
	_cleanup_free_ char *path = NULL;
	int r;

	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		snapshot_add(snap, ch->check->ops, ch->check->target,
			     ch->check->key, ch->from);
	}
	r = snapshot_save(cli_state_dir(cli), snap, &path);
	if (r < 0) {
		cli_error("cannot write the snapshot in %s: %s; nothing was "
			  "changed",
			  cli_state_dir(cli), strerror(-r));
		return EXIT_RUNTIME;
	}
	if (cli->verbosity >= 0 && cli->format == FMT_TEXT)
		fprintf(stderr, "hosttune: snapshot %s saved to %s\n", snap->id,
			path);
	return 0;
}

static void report_failure(const struct ptrvec *changes)
{
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		if (ch->status == CH_FAILED)
			cli_error("%s: %s", ch->check->id, ch->reason);
	}
}

static bool all_restored(const struct ptrvec *changes)
{
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		if (ch->reason && strstr(ch->reason, "could not restore"))
			return false;
	}
	return true;
}

static int apply_execute(struct cli *cli, const char *profile,
			 struct ptrvec *changes, struct snapshot *snap)
{
	sigset_t old;
	int code, r;

	snapshot_init(snap, "apply", profile, cli->root);
	if (cli->force)
		fprintf(stderr, "hosttune: --force: changes that rollback "
				"cannot undo are made too\n");
	code = save_snapshot(cli, snap, changes);
	if (code)
		return code;
	cli_signals_hold(&old);
	r = engine_execute(&cli->host, changes);
	cli_signals_release(&old);
	if (r == 0)
		return EXIT_OK;
	report_failure(changes);
	if (!all_restored(changes)) {
		_cleanup_free_ char *hint = cli_rollback_hint(cli, snap->id);

		cli_error("apply failed and some values could not be restored; "
			  "retry with: %s",
			  hint);
		return EXIT_INCOMPLETE;
	}
	cli_error("apply failed; every change was rolled back");
	free(snap->restored);
	snap->restored = snapshot_time_now();
	snapshot_update(cli_state_dir(cli), snap);
	return EXIT_RUNTIME;
}

/* Read the host and work out the changes; 0, or -EIO with *err set for
 * settings that cannot be planned. */
static int plan_profile(struct cli *cli, const struct profile *p,
			struct ptrvec *checks, struct ptrvec *changes,
			char **err)
{
	ptrvec_free(changes, change_free);
	ptrvec_free(checks, check_free);
	free(*err);
	*err = NULL;
	engine_audit(&cli->host, p, checks);
	return engine_plan(&cli->host, checks, cli->force, changes, err);
}

static void print_summary(struct cli *cli, const struct ptrvec *checks,
			  const struct ptrvec *changes, const char *snap_id,
			  int code)
{
	size_t n = engine_changes_count(changes);

	if (cli->format != FMT_TEXT || cli->verbosity < 0)
		return;
	if (n == 0 && code == EXIT_OK)
		fprintf(cli->out,
			"nothing to change: the host already matches "
			"%s (%zu checks)\n",
			cli->argv[0], checks->n);
	else if (n && cli->dry_run)
		fprintf(cli->out,
			"%zu change%s would be made (dry run: nothing "
			"was written)\n",
			n, n == 1 ? "" : "s");
	else if (n && code == EXIT_OK) {
		_cleanup_free_ char *hint = cli_rollback_hint(cli, snap_id);

		fprintf(cli->out, "%zu change%s applied; undo with: %s\n", n,
			n == 1 ? "" : "s", hint);
	}
}

int cmd_apply(struct cli *cli)
{
	struct ptrvec checks = { 0 }, changes = { 0 }, pnames = { 0 };
	_cleanup_free_ char *err = NULL;
	struct snapshot snap = { 0 };
	struct profile p = { 0 };
	struct report rep;
	int lock = -1, code, r;

	if (cli->argc != 1) {
		cli_error("apply takes exactly one profile (see hosttune apply "
			  "--help)");
		return EXIT_USAGE;
	}
	if (cli->format == FMT_PROMETHEUS) {
		cli_error("--format prometheus is for audit");
		return EXIT_USAGE;
	}
	code = cli_load_profiles(cli, cli->argv, 1, false, &p);
	if (code == 0)
		code = cli_open_host(cli);
	if (code)
		goto out;
	r = plan_profile(cli, &p, &checks, &changes, &err);
	if (r == 0 && changes.n && !cli->dry_run) {
		/* Privilege first, so the refusal names the capability; then
		 * plan again under the lock, so the snapshot holds the values
		 * as they are when we write. */
		code = privilege_for(cli, &changes);
		if (code == 0)
			code = lock_state(cli, &lock);
		if (code)
			goto out;
		r = plan_profile(cli, &p, &checks, &changes, &err);
	}
	if (r < 0) {
		fprintf(stderr, "hosttune: cannot apply %s%s:\n%s",
			cli->argv[0],
			cli->dry_run ? "" : "; nothing was changed", err);
		code = cli->dry_run ? EXIT_DEVIATION : EXIT_RUNTIME;
		if (!cli->dry_run)
			goto out;
	}
	if (changes.n && cli->dry_run)
		code = EXIT_DEVIATION;
	else if (changes.n)
		code = apply_execute(cli, p.name, &changes, &snap);
	ptrvec_push(&pnames, cli->argv[0]);
	rep = (struct report){
		.command = "apply",
		.profiles = &pnames,
		.root = cli->root,
		.checks = &checks,
		.changes = &changes,
		.snapshot = snap.id,
		.dry_run = cli->dry_run,
		.verbosity = cli->verbosity,
	};
	if (changes.n || cli->format == FMT_JSON)
		print_report(cli, &rep);
	print_summary(cli, &checks, &changes, snap.id, code);
out:
	if (lock >= 0)
		close(lock);
	snapshot_free(&snap);
	ptrvec_free(&changes, change_free);
	ptrvec_free(&checks, check_free);
	ptrvec_free(&pnames, NULL);
	profile_free(&p);
	return code;
}
