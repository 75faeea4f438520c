// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply: argument handling and reporting around the transaction
 * (transaction.h), which plans once under the lock, saves the snapshot
 * durably, writes, reads back and restores on failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hosttune/cli.h"
#include "hosttune/cmdline.h"

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
	cli_log_change(cli,
		       "apply %s: %s, %zu of %zu changes applied%s, "
		       "snapshot %s",
		       profile,
		       out == TXN_DONE	  ? "done" :
		       out == TXN_REFUSED ? "failed, every change rolled back" :
					    "failed, some values not restored",
		       txn_count_status(t, CH_APPLIED), txn_count(t),
		       cli->persist ? " (--persist)" : "", t->undo.id);
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

/* The boot settings the running kernel's command line does not satisfy:
 * how many, and their ids in *ret_ids (when not NULL; caller frees). */
static size_t boot_manual(const struct txn *t, char **ret_ids)
{
	struct strbuf ids = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < t->checks.n; i++) {
		const struct check *c = t->checks.v[i];

		if (strcmp(c->ops->name, "boot") || c->status != ST_MANUAL)
			continue;
		strbuf_printf(&ids, "%s%s", n++ ? ", " : "", c->id);
	}
	if (ret_ids)
		*ret_ids = ids.s ? strbuf_take(&ids) : xstrdup("");
	else
		free(ids.s);
	return n;
}

/* Boot settings change only at boot: say what it takes. */
static void print_boot_notice(const struct cli *cli, FILE *f,
			      const struct txn *t, int code)
{
	_cleanup_free_ char *ids = NULL;
	size_t n = boot_manual(t, &ids);

	if (!n || cli->format != FMT_TEXT || cli->verbosity < 0)
		return;
	if (!cli->persist)
		fprintf(f,
			"%zu boot setting%s not on the running kernel's "
			"command line (%s): it changes only at boot; apply "
			"--persist writes /%s, then run update-grub and "
			"reboot\n",
			n, n == 1 ? " is" : "s are", ids, CMDLINE_DROPIN);
	else if (code == EXIT_OK && !cli->dry_run)
		fprintf(f,
			"%zu boot setting%s (%s) %s set in /%s: run "
			"update-grub and reboot for the kernel command line to "
			"change\n",
			n, n == 1 ? "" : "s", ids, n == 1 ? "is" : "are",
			CMDLINE_DROPIN);
}

/* A refused plan (t->plan_err): every change marked as one apply will
 * not make, and the message apply prints, without "hosttune: ". NULL
 * when the plan stands. */
static char *plan_refusal(const struct cli *cli, struct txn *t,
			  const char *shown)
{
	char *msg;

	if (!t->plan_err)
		return NULL;
	msg = xasprintf("cannot apply %s%s:\n%.*s", shown,
			cli->dry_run ? "" : "; nothing was changed",
			(int)strlen(t->plan_err) - 1, t->plan_err);
	/* apply refuses the whole plan, so a dry run shows no change as one
	 * it would make */
	refuse_all(t, cli->dry_run ? "apply would refuse this plan" :
				     "not made: the plan was refused");
	return msg;
}

/* The exit code of a dry run: 1 when it found changes to make (or a plan
 * apply refuses). */
static int dry_run_code(const struct txn *t, const char *refusal)
{
	return refusal || txn_count(t) ? EXIT_DEVIATION : EXIT_OK;
}

static void print_summary(const struct cli *cli, FILE *f, const struct txn *t,
			  const char *profile, int code)
{
	size_t n = txn_count(t);

	if (cli->format != FMT_TEXT || cli->verbosity < 0)
		return;
	if (n == 0 && code == EXIT_OK && boot_manual(t, NULL))
		fprintf(f, "nothing to change at run time (%zu checks)\n",
			t->checks.n);
	else if (n == 0 && code == EXIT_OK)
		fprintf(f,
			"nothing to change: the host already matches "
			"%s (%zu checks)\n",
			profile, t->checks.n);
	else if (n && cli->dry_run && t->plan_err)
		fprintf(f, "no change would be made: apply refuses a "
			   "plan with settings it cannot make (see "
			   "above)\n");
	else if (n && cli->dry_run)
		fprintf(f,
			"%zu change%s would be made (dry run: nothing "
			"was written)\n",
			n, n == 1 ? "" : "s");
	else if (n && code == EXIT_OK) {
		_cleanup_free_ char *hint = cli_rollback_hint(cli, t->undo.id);

		fprintf(f, "%zu change%s applied; undo with: %s\n", n,
			n == 1 ? "" : "s", hint);
	}
}

/* --root as the plan names its files: resolved where it can be. */
static char *root_resolved(const char *root)
{
	char real[PATH_MAX];

	return xstrdup(realpath(root, real) ? real : root);
}

/* The sysctl drop-in apply --persist writes beneath root (resolved). */
static char *sysctl_dropin_path(const char *root)
{
	return xasprintf("%s/etc/sysctl.d/90-hosttune.conf",
			 strcmp(root, "/") ? root : "");
}

/* The report of apply to f: for a dry run, what cli_apply_dry_run shows
 * too. */
static void print_report(const struct cli *cli, FILE *f, const struct txn *t,
			 const char *shown, int code)
{
	_cleanup_free_ char *profile = NULL;
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
		/* a dry run of a plan apply refuses exits 1, and says why as
		 * the apply would: a JSON reader sees the refusal, not only
		 * the result in error that caused it */
		.error = code >= EXIT_USAGE || t->plan_err ? cli_errors() :
							     NULL,
	};

	ptrvec_push(&names, (char *)shown);
	/* a refused plan: each change shows why it would not be made (the
	 * JSON still says dry_run when it was one) */
	rep.refused = t->plan_err != NULL;
	if (cli->format == FMT_JSON)
		report_json(f, &rep);
	else if (txn_count(t))
		report_changes_text(f, &rep);
	/* the profile as the user named it, a path that may hold any byte */
	profile = display_escape(shown);
	print_summary(cli, f, t, profile, code);
	if (cli->persist && cli->format == FMT_TEXT && cli->verbosity >= 0 &&
	    code == EXIT_OK && !cli->dry_run) {
		_cleanup_free_ char *root = root_resolved(cli->root);
		_cleanup_free_ char *path = sysctl_dropin_path(root);
		_cleanup_free_ char *dropin = display_escape(path);

		fprintf(f,
			"%s holds after a reboot: %s, and "
			"hosttune-apply.service applies it at boot\n",
			profile, dropin);
	}
	print_boot_notice(cli, f, t, code);
	ptrvec_free(&names, NULL);
}

/* The drop-in systemd-sysctl reads at boot: every sysctl of the profile
 * with the value it has once apply is done. */
static char *sysctl_dropin(const struct txn *t, const char *profile)
{
	struct strbuf sb = { 0 };

	strbuf_printf(&sb,
		      "# Written by hosttune apply --persist %s: what it set,\n"
		      "# for systemd-sysctl at boot. hosttune rewrites this "
		      "file; edit the profile.\n",
		      profile);
	for (size_t i = 0; i < t->checks.n; i++) {
		const struct check *c = t->checks.v[i];
		const char *v = c->actual;

		if (strcmp(c->ops->name, "sysctl") || !c->actual ||
		    (c->status != ST_OK && c->status != ST_DEVIATION))
			continue;
		for (size_t k = 0; k < t->changes.n; k++) {
			const struct change *ch = t->changes.v[k];

			if (ch->check == c)
				v = ch->to;
		}
		_cleanup_free_ char *norm = normalize_ws(v);
		strbuf_printf(&sb, "%s = %s\n", c->key, norm);
	}
	return strbuf_take(&sb);
}

/* The boot-loader drop-in for the profile's [boot] settings, each with
 * the value it has once the next boot is done: 0 with *ret (NULL when the
 * profile has none), or -EINVAL with t->plan_err saying which setting
 * cannot be written. */
static int boot_dropin(struct txn *t, const char *profile, char **ret)
{
	struct cmdline_edit *edits = xcalloc(t->checks.n + 1, sizeof(*edits));
	struct ptrvec wants = { 0 };
	size_t n = 0;
	int r = 0;

	*ret = NULL;
	for (size_t i = 0; i < t->checks.n && r == 0; i++) {
		const struct check *c = t->checks.v[i];
		char *want = NULL;

		if (strcmp(c->ops->name, "boot") || !c->setting)
			continue;
		if (check_plan_value(t->h, c, &want) < 0) {
			free(t->plan_err);
			t->plan_err = xasprintf("  %s: no value of '%s' can be "
						"written to the boot loader's "
						"configuration\n",
						c->id, c->setting->expect.text);
			r = -EINVAL;
			break;
		}
		ptrvec_push(&wants, want);
		edits[n++] = (struct cmdline_edit){
			.name = c->key,
			.value = *want && strcmp(want, "!") ? want : NULL,
			.absent = !strcmp(want, "!"),
		};
	}
	if (r == 0 && n)
		r = cmdline_dropin(profile, edits, n, ret);
	free(edits);
	ptrvec_free(&wants, free);
	return r;
}

/* --persist: hosttune's own files join the plan, written last and saved
 * in the snapshot like every value. A boot-loader drop-in is written for
 * a profile with [boot] settings, and one an earlier profile left is
 * removed. */
static int plan_persist(struct cli *cli, struct txn *t, const char *profile)
{
	_cleanup_free_ char *dropin = sysctl_dropin(t, profile), *boot = NULL,
			    *boot_path = NULL;
	_cleanup_free_ char *root = NULL, *path = NULL, *active = NULL,
			    *record = xasprintf("%s\n", profile);
	char real[PATH_MAX];

	root = root_resolved(cli->root);
	path = sysctl_dropin_path(root);
	int r;

	if (boot_dropin(t, profile, &boot) < 0)
		return -EIO;
	r = txn_plan_file(t, path, dropin);
	boot_path = xasprintf("%s/%s", strcmp(root, "/") ? root : "",
			      CMDLINE_DROPIN);
	/* each file planned, so a refusal names all that are in the way */
	r = txn_plan_file(t, boot_path, boot) < 0 ? -EIO : r;
	active = realpath(cli_state_dir(cli), real) ?
			 xasprintf("%s/active-profile", real) :
			 xasprintf("%s/active-profile", cli_state_dir(cli));
	r = txn_plan_file(t, active, record) < 0 ? -EIO : r;
	return r;
}

/* What apply --persist records: a name as given, a path made absolute
 * (hosttune-apply.service runs from /). */
static char *profile_record(const char *arg)
{
	char real[PATH_MAX];

	if (strchr(arg, '/') && realpath(arg, real))
		return xstrdup(real);
	return xstrdup(arg);
}

int cmd_apply(struct cli *cli)
{
	struct profile p = { 0 };
	_cleanup_free_ char *active = NULL, *record = NULL, *refusal = NULL;
	char *names[1];
	struct txn t;
	int code, r;

	if (cli->argc > 1) {
		cli_error(
			"apply takes one profile (see hosttune apply --help)");
		return EXIT_USAGE;
	}
	if (cli->argc == 0) {
		active = cli_active_profile(cli, &code);
		if (code)
			return code;
		if (!active) {
			cli_error(
				"apply needs a profile: none is active (apply "
				"--persist PROFILE makes one active)");
			return EXIT_USAGE;
		}
	}
	/* cppcheck-suppress knownConditionTrueFalse ; set when argc is 0 */
	names[0] = active ? active : cli->argv[0];
	code = cli_load_profiles(cli, names, 1, false, &p);
	if (code) {
		profile_free(&p);
		return code;
	}
	record = profile_record(names[0]);
	code = cli_begin_writes(cli, &t);
	if (code)
		goto out;
	r = txn_plan_profile(&t, &p);
	if (r == 0 && cli->persist)
		r = plan_persist(cli, &t, record);
	if (r < 0 && !t.plan_err) {
		code = cli_audit_failed(r);
		goto out;
	}
	refusal = plan_refusal(cli, &t, names[0]);
	if (cli->dry_run) {
		code = dry_run_code(&t, refusal);
	} else if (refusal) {
		code = EXIT_RUNTIME;
	} else if (txn_count(&t)) {
		code = apply_run(cli, &t, p.name);
	}
	if (refusal) {
		cli_error("%s", refusal);
		if (!cli->dry_run && cli->format != FMT_JSON)
			goto out;
	}
	print_report(cli, cli->out, &t, names[0], code);
out:
	txn_free(&t);
	profile_free(&p);
	return code;
}

int cli_apply_dry_run(struct cli *cli, const char *shown,
		      const struct profile *p, char **ret_out,
		      char **ret_refusal)
{
	/* the options of a plain `apply PROFILE --dry-run`: print_report
	 * reads only these of view, and the plan reads cli's own host */
	struct cli view = *cli;
	_cleanup_free_ char *refusal = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct txn t;
	FILE *f;
	int code, r;

	view.format = FMT_TEXT;
	view.verbosity = 0;
	view.dry_run = true;
	view.force = false;
	view.persist = false;
	view.use_color = false;
	cli_txn_init(cli, &t);
	r = txn_plan_profile(&t, p);
	if (r < 0 && !t.plan_err) {
		txn_free(&t);
		return r;
	}
	refusal = plan_refusal(&view, &t, shown);
	code = dry_run_code(&t, refusal);
	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	print_report(&view, f, &t, shown, code);
	if (fclose(f) != 0)
		abort();
	txn_free(&t);
	*ret_out = buf;
	*ret_refusal = TAKE_PTR(refusal);
	return code;
}
