/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_OUTPUT_H
#define HOSTTUNE_OUTPUT_H

#include "hosttune/engine.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS };

/* What a command reports: every field optional but command. */
struct report {
	const char *command;
	const struct ptrvec *profiles; /* char * names */
	const char *root;
	const struct ptrvec *checks; /* struct check * */
	const struct ptrvec *changes; /* struct change *, or NULL */
	const char *snapshot; /* id written or restored */
	const char *undo_snapshot; /* rollback: id of the undo snapshot */
	bool dry_run;
	double duration; /* seconds */
	int verbosity; /* -1 quiet, 0, 1 verbose */
	bool color;
};

void report_text(FILE *f, const struct report *r);
void report_changes_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
void report_prometheus(FILE *f, const struct report *r);

/* JSON and display escaping. */
void json_string(FILE *f, const char *s);
char *display_escape(const char *s);

#endif
