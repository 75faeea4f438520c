/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_OUTPUT_H
#define HOSTTUNE_OUTPUT_H

#include <time.h>

#include "hosttune/json.h"
#include "hosttune/transaction.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_HTML };

/* What a command reports: every field optional but command. */
/* The host a report is about, read beneath --root: a captured image names
 * itself, not the machine that audits it. */
struct report_host {
	char *name; /* NULL when unreadable */
	char *kernel; /* release, NULL when unreadable */
	time_t time; /* when the audit ran */
};
void report_host_read(const struct host *h, struct report_host *ret);
void report_host_free(struct report_host *rh);

struct report {
	const char *command;
	const struct report_host *host; /* audit: what was audited */
	const struct ptrvec *profiles; /* char * names */
	const char *root;
	const struct ptrvec *checks; /* struct check * */
	const struct ptrvec *changes; /* struct change *, or NULL */
	const char *snapshot; /* id written or restored */
	const char *undo_snapshot; /* rollback: id of the undo snapshot */
	bool dry_run;
	/* a refused plan: the text table shows each change's status (why
	 * it would not be made), dry run or not */
	bool refused;
	double duration; /* seconds */
	int verbosity; /* -1 quiet, 0, 1 verbose */
	bool color;
	const char *error; /* the failure, for -f json; NULL on success */
	int exit_code;
};

void report_text(FILE *f, const struct report *r);
void report_changes_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
void report_prometheus(FILE *f, const struct report *r);

/* The start every JSON document shares ("hosttune", "command"), and the
 * error object a failure adds. */
void report_json_head(struct json *j, FILE *f, const char *command);
void report_json_error(struct json *j, const char *message, int exit_code);

#endif
