// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <time.h>

#include "hosttune/bootconf.h"
#include "hosttune/cli.h"
#include "hosttune/html.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Checks that fail the audit: a deviation, an error, a manual finding,
 * and with strict a missing setting that is not optional. */
static size_t audit_findings(const struct ptrvec *checks, bool strict)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];

		n += c->status == ST_DEVIATION || c->status == ST_ERROR ||
		     c->status == ST_MANUAL ||
		     (strict && c->status == ST_MISSING && c->setting &&
		      !c->setting->optional);
	}
	return n;
}

/* For each check, whether what the host gets at boot keeps it: sysctls
 * as systemd-sysctl resolves them, mounts from fstab, the rest from the
 * active profile (hosttune-apply.service). */
static void judge_boot(struct cli *cli, struct ptrvec *checks)
{
	struct bootconf b;
	struct profile active = { 0 };
	_cleanup_free_ char *name = NULL;
	unsigned what = 0;
	int code;

	for (size_t i = 0; i < checks->n; i++)
		what |= bootconf_needs(checks->v[i]);
	bootconf_load_some(&cli->host, &b, what);
	if (what & BOOTCONF_ACTIVE)
		name = cli_active_profile(cli, &code);
	if (name && cli_load_quiet(cli, name, &active) == 0) {
		b.active = &active;
		b.active_name = xstrdup(name);
	}
	for (size_t i = 0; i < checks->n; i++) {
		struct check *c = checks->v[i];
		int r = bootconf_judge(&b, c, &c->boot_source);

		c->boot = r < 0 ? BOOT_NONE : r ? BOOT_HOLDS : BOOT_LOST;
	}
	bootconf_free(&b);
	profile_free(&active);
}

/* The html page's implementation plan: apply's own dry run of the
 * profile audited, and the commands that apply and undo it. */
struct audit_plan {
	struct html_plan plan;
	char *text, *refusal, *dry_run_cmd, *apply_cmd, *persist_cmd,
		*rollback_cmd, *why_none;
};

static void audit_plan_make(struct cli *cli, const struct profile *p,
			    char **names, int n, struct audit_plan *ap)
{
	const char *dry[] = { names[0], "--dry-run", NULL };
	const char *apply[] = { names[0], NULL };
	const char *persist[] = { names[0], "--persist", NULL };
	int r;

	*ap = (struct audit_plan){ 0 };
	if (n > 1) {
		ap->why_none = xstrdup(
			"apply takes one profile: to apply all of these, "
			"write one that includes them (include = A, B) and "
			"audit that.");
		ap->plan.why_none = ap->why_none;
		return;
	}
	r = cli_apply_dry_run(cli, names[0], p, &ap->text, &ap->refusal);
	if (r < 0) {
		ap->why_none =
			xasprintf("apply could not plan: %s", strerror(-r));
		ap->plan.why_none = ap->why_none;
		return;
	}
	ap->dry_run_cmd = cli_command(cli, "apply", dry);
	ap->apply_cmd = cli_command(cli, "apply", apply);
	ap->persist_cmd = cli_command(cli, "apply", persist);
	ap->rollback_cmd = cli_command(cli, "rollback", NULL);
	ap->plan = (struct html_plan){
		.profile = names[0],
		.dry_run_cmd = ap->dry_run_cmd,
		.apply_cmd = ap->apply_cmd,
		.persist_cmd = ap->persist_cmd,
		.rollback_cmd = ap->rollback_cmd,
		.text = ap->text,
		.refusal = ap->refusal,
		.exit_code = r,
	};
}

static void audit_plan_free(struct audit_plan *ap)
{
	free(ap->text);
	free(ap->refusal);
	free(ap->dry_run_cmd);
	free(ap->apply_cmd);
	free(ap->persist_cmd);
	free(ap->rollback_cmd);
	free(ap->why_none);
}

static void print_html(struct cli *cli, const struct report *rep,
		       const struct profile *p, char **names, int n)
{
	struct audit_plan ap;
	struct html_audit a = { .r = rep, .strict = cli->strict };

	audit_plan_make(cli, p, names, n, &ap);
	a.plan = &ap.plan;
	report_html(cli->out, &a);
	audit_plan_free(&ap);
}

int cmd_audit(struct cli *cli)
{
	static char *default_profile[] = { "baseline" };
	char **names = cli->argc ? cli->argv : default_profile;
	int n = cli->argc ? cli->argc : 1;
	struct ptrvec checks = { 0 }, pnames = { 0 };
	struct profile p = { 0 };
	_cleanup_free_ char *active = NULL;
	struct report rep;
	struct report_host host;
	double start = now();
	int code;

	/* no profile named: the active one, else baseline */
	if (!cli->argc) {
		active = cli_active_profile(cli, &code);
		if (code)
			return code;
		if (active)
			names = &active;
	}
	code = cli_load_profiles(cli, names, n, false, &p);
	if (code) {
		profile_free(&p);
		return code;
	}
	/* what an audit reports needs no file modes (read-only keys are
	 * apply's and snapshot's question): reads skip an fstat a key */
	cli->host.no_modes = true;
	code = cli_audit_failed(engine_audit(&cli->host, &p, &checks));
	cli->host.no_modes = false;
	if (code) {
		ptrvec_free(&checks, check_free);
		profile_free(&p);
		return code;
	}
	judge_boot(cli, &checks);
	/* the host's name and kernel are for the JSON and HTML reports */
	if (cli->format == FMT_JSON || cli->format == FMT_HTML)
		report_host_read(&cli->host, &host);
	else
		host = (struct report_host){ .time = time(NULL) };
	for (int i = 0; i < n; i++)
		ptrvec_push(&pnames, names[i]);
	rep = (struct report){
		.command = "audit",
		.host = &host,
		.profiles = &pnames,
		.root = cli->root,
		.checks = &checks,
		.duration = now() - start,
		.verbosity = cli->verbosity,
		.color = cli->use_color,
	};
	if (cli->format == FMT_JSON)
		report_json(cli->out, &rep);
	else if (cli->format == FMT_PROMETHEUS)
		report_prometheus(cli->out, &rep);
	else if (cli->format == FMT_HTML)
		print_html(cli, &rep, &p, names, n);
	else
		report_text(cli->out, &rep);
	code = audit_findings(&checks, cli->strict) ? EXIT_DEVIATION : EXIT_OK;
	report_host_free(&host);
	ptrvec_free(&checks, check_free);
	ptrvec_free(&pnames, NULL);
	profile_free(&p);
	return code;
}
