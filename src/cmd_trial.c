// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trial: measure whether a profile helps COMMAND on this host, with
 * evidence, and keep it or undo it. One transaction (transaction.h): the
 * plan, the durable snapshot before the first write, then the host is
 * switched between its own values (txn_undo) and the profile's (txn_apply)
 * in a randomised block order, COMMAND run under each; a warm-up run per
 * configuration is discarded. A failing COMMAND, a refused write or
 * SIGINT/SIGTERM restores the host and exits 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "hosttune/cli.h"
#include "hosttune/html.h"
#include "hosttune/stats.h"

#define TRIAL_OUTPUT_MAX (1024 * 1024)

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct sample_set {
	double *v;
	size_t n;
	struct rusage ru; /* summed over the runs kept */
};

struct trial {
	struct cli *cli;
	struct txn *t;
	char **cmd;
	regex_t re;
	bool metric;
	bool profile_on; /* the host holds the profile's values now */
	struct sample_set base, prof;
	uint64_t seed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first number --metric's expression captures (its first group, or
 * the whole match) in out; -EINVAL when there is none. */
static int metric_of(const regex_t *re, const char *out, double *ret)
{
	regmatch_t m[2];
	_cleanup_free_ char *num = NULL;
	char *end;
	size_t g;

	if (regexec(re, out, 2, m, 0) != 0)
		return -EINVAL;
	g = m[1].rm_so >= 0 ? 1 : 0;
	num = xstrndup(out + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
	errno = 0;
	*ret = strtod(num, &end);
	if (end == num || errno || !isfinite(*ret))
		return -EINVAL;
	return 0;
}

/* Run COMMAND once: 0 with its metric, or an exit code (printed). */
static int run_once(struct trial *tr, double *ret, struct rusage *ru)
{
	int pipefd[2] = { -1, -1 }, status;
	struct strbuf out = { 0 };
	double t0;
	pid_t pid;

	if (tr->metric && pipe2(pipefd, O_CLOEXEC) < 0)
		return EXIT_RUNTIME;
	t0 = now();
	pid = fork();
	if (pid < 0)
		return EXIT_RUNTIME;
	if (pid == 0) {
		/* COMMAND's output is never mixed into the report: read for
		 * --metric, else dropped (its errors still show) */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null < 0 ||
		    dup2(tr->metric ? pipefd[1] : null, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(tr->cmd[0], tr->cmd);
		_exit(127);
	}
	if (tr->metric) {
		char buf[4096];
		ssize_t n;

		close(pipefd[1]);
		while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			if (out.len < TRIAL_OUTPUT_MAX)
				strbuf_add(&out, buf, (size_t)n);
		}
		close(pipefd[0]);
	}
	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			return EXIT_RUNTIME;
	*ret = now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_error("COMMAND failed (%s %d): the host is restored",
			  WIFEXITED(status) ? "exit" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) :
					      WTERMSIG(status));
		free(out.s);
		return EXIT_RUNTIME;
	}
	if (tr->metric && metric_of(&tr->re, out.s ? out.s : "", ret) < 0) {
		cli_error("--metric: no number in COMMAND's output: the host "
			  "is restored");
		free(out.s);
		return EXIT_RUNTIME;
	}
	free(out.s);
	return 0;
}

/* Put the host in one configuration; 0 or EXIT_RUNTIME. */
static int switch_to(struct trial *tr, bool profile)
{
	enum txn_outcome out;
	sigset_t old;

	if (tr->profile_on == profile)
		return 0;
	cli_signals_hold(&old);
	if (profile) {
		txn_rearm(tr->t);
		out = txn_apply(tr->t);
	} else {
		out = txn_undo(tr->t);
	}
	cli_signals_release(&old);
	if (out != TXN_DONE) {
		cli_report_failures(tr->t, "");
		return EXIT_RUNTIME;
	}
	tr->profile_on = profile;
	return 0;
}

static int measure(struct trial *tr, bool profile, bool keep)
{
	struct sample_set *s = profile ? &tr->prof : &tr->base;
	struct rusage ru = { 0 };
	double v;
	int code = switch_to(tr, profile);

	if (code)
		return code;
	code = run_once(tr, &v, &ru);
	if (code)
		return code;
	if (interrupted) {
		cli_error("interrupted: the host is restored");
		return EXIT_RUNTIME;
	}
	if (!keep)
		return 0;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = v;
	s->ru.ru_utime.tv_sec += ru.ru_utime.tv_sec;
	s->ru.ru_utime.tv_usec += ru.ru_utime.tv_usec;
	s->ru.ru_stime.tv_sec += ru.ru_stime.tv_sec;
	s->ru.ru_stime.tv_usec += ru.ru_stime.tv_usec;
	return 0;
}

/* A warm-up run of each, then runs blocks of one run each, the order
 * inside a block drawn from the seed, so slow drift cancels out. */
static int run_blocks(struct trial *tr, unsigned long runs)
{
	uint64_t rng = tr->seed;
	int code = measure(tr, false, false);

	if (!code)
		code = measure(tr, true, false);
	for (unsigned long i = 0; !code && i < runs; i++) {
		bool first = stats_rand(&rng) & 1;

		code = measure(tr, first, true);
		if (!code)
			code = measure(tr, !first, true);
	}
	return code;
}

struct verdict {
	struct summary_stats base, prof;
	double change, lo, hi, p;
	const char *word; /* better, worse, no significant difference */
	bool keep;
};

static void judge(const struct trial *tr, struct verdict *v)
{
	bool higher = tr->cli->higher_is_better;
	double pct = tr->cli->keep_pct / 100.0;
	bool better, worse;

	stats_summary(tr->base.v, tr->base.n, &v->base);
	stats_summary(tr->prof.v, tr->prof.n, &v->prof);
	stats_change(tr->base.v, tr->base.n, tr->prof.v, tr->prof.n, tr->seed,
		     &v->change, &v->lo, &v->hi);
	v->p = stats_mannwhitney_p(tr->base.v, tr->base.n, tr->prof.v,
				   tr->prof.n);
	/* with confidence: the whole interval on one side of no change */
	better = v->p < 0.05 && (higher ? v->lo > 0 : v->hi < 0);
	worse = v->p < 0.05 && (higher ? v->hi < 0 : v->lo > 0);
	v->word = better ? "better" :
		  worse	 ? "worse" :
			   "no significant difference";
	v->keep = tr->cli->keep_if_better && better &&
		  (higher ? v->lo >= pct : -v->hi >= pct);
}

/* One row of samples on a 60-column scale from lo to hi. */
static void sample_strip(FILE *f, const char *name, const struct sample_set *s,
			 double lo, double hi)
{
	char line[61];

	memset(line, '.', 60);
	line[60] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		int col = hi > lo ? (int)((s->v[i] - lo) / (hi - lo) * 59.0) :
				    0;
		line[col] = line[col] == '.' ? '|' : '#';
	}
	fprintf(f, "  %-8s %s\n", name, line);
}

static void print_text(const struct trial *tr, const struct verdict *v)
{
	FILE *f = tr->cli->out;
	const char *unit = tr->metric ? "" : " s";
	double lo = v->base.min < v->prof.min ? v->base.min : v->prof.min;
	double hi = v->base.max > v->prof.max ? v->base.max : v->prof.max;

	fprintf(f, "%-8s  %4s  %12s  %12s  %12s  %12s  %12s\n", "CONFIG",
		"RUNS", "MEDIAN", "P95", "MIN", "MAX", "MAD");
	fprintf(f, "%-8s  %4zu  %12.6g  %12.6g  %12.6g  %12.6g  %12.6g\n",
		"current", tr->base.n, v->base.median, v->base.p95, v->base.min,
		v->base.max, v->base.mad);
	fprintf(f, "%-8s  %4zu  %12.6g  %12.6g  %12.6g  %12.6g  %12.6g\n",
		"profile", tr->prof.n, v->prof.median, v->prof.p95, v->prof.min,
		v->prof.max, v->prof.mad);
	fprintf(f, "samples from %.6g%s to %.6g%s (| one, # several):\n", lo,
		unit, hi, unit);
	sample_strip(f, "current", &tr->base, lo, hi);
	sample_strip(f, "profile", &tr->prof, lo, hi);
	fprintf(f,
		"median %+.1f%% (95%% CI %+.1f%% to %+.1f%%), Mann-Whitney "
		"p = %.3g, seed %llu: %s (%s is better)\n",
		v->change * 100, v->lo * 100, v->hi * 100, v->p,
		(unsigned long long)tr->seed, v->word,
		tr->cli->higher_is_better ? "higher" : "lower");
	fprintf(f, "%s\n",
		v->keep ? "the profile stays applied; undo with the "
			  "snapshot's rollback" :
			  "the host is as it was");
}

static void json_config(struct json *j, const char *name,
			const struct sample_set *s,
			const struct summary_stats *st)
{
	json_object(j, name, true);
	json_array(j, "samples", true);
	for (size_t i = 0; i < s->n; i++)
		json_real(j, NULL, s->v[i]);
	json_end(j);
	json_real(j, "median", st->median);
	json_real(j, "p95", st->p95);
	json_real(j, "min", st->min);
	json_real(j, "max", st->max);
	json_real(j, "mad", st->mad);
	json_real(j, "user_seconds",
		  (double)s->ru.ru_utime.tv_sec + s->ru.ru_utime.tv_usec / 1e6);
	json_real(j, "system_seconds",
		  (double)s->ru.ru_stime.tv_sec + s->ru.ru_stime.tv_usec / 1e6);
	json_end(j);
}

static void print_json(const struct trial *tr, const struct verdict *v,
		       const char *profile, int code)
{
	struct json j;

	report_json_head(&j, tr->cli->out, "trial");
	json_str(&j, "profile", profile);
	json_str(&j, "root", tr->cli->root);
	json_str(&j, "metric", tr->metric ? "regex" : "wall_seconds");
	json_bool(&j, "higher_is_better", tr->cli->higher_is_better);
	json_uint(&j, "seed", tr->seed);
	json_str(&j, "snapshot", tr->t->saved ? tr->t->undo.id : NULL);
	if (v) {
		json_str(&j, "verdict", v->word);
		json_real(&j, "change", v->change);
		json_array(&j, "ci95", true);
		json_real(&j, NULL, v->lo);
		json_real(&j, NULL, v->hi);
		json_end(&j);
		json_real(&j, "p_value", v->p);
		json_bool(&j, "kept", v->keep);
		json_object(&j, "configurations", false);
		json_config(&j, "current", &tr->base, &v->base);
		json_config(&j, "profile", &tr->prof, &v->prof);
		json_end(&j);
	}
	if (code >= EXIT_USAGE)
		report_json_error(&j, cli_errors() ? cli_errors() : "failed",
				  code);
	json_finish(&j);
}

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static struct html_config html_config_of(const char *name,
					 const struct sample_set *s,
					 const struct summary_stats *st)
{
	return (struct html_config){
		.name = name,
		.v = s->v,
		.n = s->n,
		.st = *st,
		.user_s = seconds(&s->ru.ru_utime),
		.sys_s = seconds(&s->ru.ru_stime),
	};
}

static void print_html(const struct trial *tr, const struct verdict *v,
		       const char *profile)
{
	struct cli *cli = tr->cli;
	struct report_host host;
	struct strbuf cmd = { 0 };
	_cleanup_free_ char *rollback = NULL;
	const char *id[] = { tr->t->undo.id, NULL };
	struct html_trial ht;

	for (char **a = tr->cmd; *a; a++) {
		if (a != tr->cmd)
			strbuf_puts(&cmd, " ");
		cli_shell_word(&cmd, *a);
	}
	if (v->keep)
		rollback = cli_command(cli, "rollback", id);
	report_host_read(&cli->host, &host);
	ht = (struct html_trial){
		.host = &host,
		.profile = profile,
		.root = cli->root,
		.command = cmd.s,
		.metric = cli->metric,
		.higher_is_better = cli->higher_is_better,
		.seed = tr->seed,
		.runs = cli->runs,
		.current = html_config_of("current", &tr->base, &v->base),
		.with_profile = html_config_of("profile", &tr->prof, &v->prof),
		.change = v->change,
		.lo = v->lo,
		.hi = v->hi,
		.p = v->p,
		.verdict = v->word,
		.kept = v->keep,
		.snapshot = tr->t->undo.id,
		.rollback_cmd = rollback,
		.changes = &tr->t->changes,
	};
	report_html_trial(cli->out, &ht);
	report_host_free(&host);
	free(cmd.s);
}

/* End where the verdict says: the profile kept (its snapshot in effect,
 * rollback undoes it), or the host exactly as it was. */
static int finish(struct trial *tr, bool keep)
{
	int code = switch_to(tr, keep);

	if (code == 0 && !keep) {
		free(tr->t->undo.restored);
		tr->t->undo.restored = snapshot_time_now();
		snapshot_update(tr->t->state_dir, &tr->t->undo);
	}
	return code;
}

static int start(struct cli *cli, struct txn *t, const struct profile *p,
		 const char *name)
{
	int r = txn_plan_profile(t, p);

	if (r < 0 && t->plan_err) {
		cli_error("cannot try %s; nothing was changed:\n%.*s", name,
			  (int)strlen(t->plan_err) - 1, t->plan_err);
		return EXIT_RUNTIME;
	}
	if (r < 0)
		return cli_audit_failed(r);
	if (!txn_count(t)) {
		cli_error("the host already holds %s: nothing to compare",
			  name);
		return EXIT_USAGE;
	}
	return cli_commit(cli, t, "trial", p->name);
}

int cmd_trial(struct cli *cli)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct profile p = { 0 };
	struct trial tr = { .cli = cli };
	struct verdict v;
	struct txn t;
	int code, code2;

	if (cli->argc < 2) {
		cli_error("trial takes a profile and a command: trial PROFILE "
			  "-- COMMAND [ARG...]");
		return EXIT_USAGE;
	}
	if (cli->metric && regcomp(&tr.re, cli->metric, REG_EXTENDED) != 0) {
		cli_error("--metric: '%s' is not an extended regular "
			  "expression",
			  cli->metric);
		return EXIT_USAGE;
	}
	tr.metric = cli->metric != NULL;
	tr.cmd = cli->argv + 1;
	tr.seed = cli->seed_given ? cli->seed :
				    (uint64_t)time(NULL) ^ (uint64_t)getpid();
	code = cli_load_profiles(cli, cli->argv, 1, false, &p);
	if (code)
		goto out_profile;
	code = cli_begin_writes(cli, &t);
	tr.t = &t;
	if (!code)
		code = start(cli, &t, &p, cli->argv[0]);
	if (code)
		goto out;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	code = run_blocks(&tr, cli->runs);
	if (code == 0 && !interrupted) {
		judge(&tr, &v);
		code = finish(&tr, v.keep);
		if (code == 0) {
			if (cli->format == FMT_JSON)
				print_json(&tr, &v, cli->argv[0], 0);
			else if (cli->format == FMT_HTML)
				print_html(&tr, &v, cli->argv[0]);
			else
				print_text(&tr, &v);
			code = !strcmp(v.word, "better") ? EXIT_OK :
							   EXIT_DEVIATION;
		}
	} else {
		code2 = finish(&tr, false);
		code = code ? code : EXIT_RUNTIME;
		if (code2)
			code = EXIT_INCOMPLETE;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	cli_log_change(cli, "trial %s: %s, snapshot %s", cli->argv[0],
		       code == EXIT_OK	      ? "better" :
		       code == EXIT_DEVIATION ? "not better" :
						"failed, host restored",
		       t.undo.id);
out:
	if (code >= EXIT_USAGE && cli->format == FMT_JSON)
		print_json(&tr, NULL, cli->argv[0], code);
	txn_free(&t);
out_profile:
	profile_free(&p);
	free(tr.base.v);
	free(tr.prof.v);
	if (tr.metric)
		regfree(&tr.re);
	return code;
}
