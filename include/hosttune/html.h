/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_HTML_H
#define HOSTTUNE_HTML_H

/*
 * The html format (audit and trial): one self-contained page for people.
 * No script, no request: inline CSS and SVG under a Content-Security-Policy
 * that allows nothing else. Every value from the host or a profile is
 * hostile and goes through html_text().
 */
#include <stdio.h>

#include "hosttune/output.h"
#include "hosttune/stats.h"

/* Write s as HTML text, safe in an element or a quoted attribute: & < > " '
 * as entities; control bytes, invalid UTF-8 and the C1 and bidirectional
 * controls shown visibly as \xNN or \uNNNN in a marked span (a newline and
 * a tab kept as they are when keep_lines, for <pre>). NULL writes "-". */
void html_text(FILE *f, const char *s, bool keep_lines);

/* The weight of a setting in the score: high 3, medium 2, low 1, and 1
 * when unrated. */
unsigned html_weight(enum impact i);

/* The audit's score: of the checks it judged (ok, deviation, manual and
 * error; missing ones only under strict, and never an optional one), the
 * impact-weighted share that is ok, in percent rounded down, so that 100
 * means every one is ok. -1 when it judged none. The weights are put in
 * *ret_ok and *ret_judged when not NULL. */
int html_score(const struct ptrvec *checks, bool strict, unsigned *ret_ok,
	       unsigned *ret_judged);

/* The implementation plan an audit page shows: apply --dry-run's own
 * report, and the commands to apply and to undo. */
struct html_plan {
	const char *profile; /* what apply is given; NULL: no plan */
	const char *why_none; /* when there is no plan, why */
	const char *dry_run_cmd; /* "hosttune --root R apply P --dry-run" */
	const char *apply_cmd;
	const char *persist_cmd;
	const char *rollback_cmd;
	const char *text; /* what the dry run prints on standard output */
	const char *refusal; /* and on standard error, or NULL */
	int exit_code; /* the dry run's */
};

struct html_audit {
	const struct report *r; /* command, host, profiles, root, checks */
	bool strict;
	const struct html_plan *plan;
};
void report_html(FILE *f, const struct html_audit *a);

/* One configuration of a trial and its samples. */
struct html_config {
	const char *name; /* "current", "profile" */
	const double *v;
	size_t n;
	struct summary_stats st;
	double user_s, sys_s; /* CPU time of the runs kept */
};

struct html_trial {
	const struct report_host *host;
	const char *profile, *root, *command; /* command shell-quoted */
	const char *metric; /* --metric's expression, NULL: wall time */
	bool higher_is_better;
	uint64_t seed;
	unsigned long runs;
	struct html_config current, with_profile;
	double change, lo, hi, p; /* relative change of the median, CI, p */
	const char *verdict; /* better, worse, no significant difference */
	bool kept;
	const char *snapshot; /* the trial's snapshot id */
	const char *rollback_cmd; /* when kept: how to undo it */
	const struct ptrvec *changes; /* struct change *: what was switched */
};
void report_html_trial(FILE *f, const struct html_trial *t);

#endif
