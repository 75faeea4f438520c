/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CLI_H
#define HOSTTUNE_CLI_H

#include <signal.h>

#include "hosttune/output.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_DEVIATION = 1, /* audit found deviations; dry run has changes */
	EXIT_USAGE = 2, /* usage or input error; nothing changed */
	EXIT_RUNTIME = 3, /* run-time failure; changes rolled back */
	EXIT_INCOMPLETE = 4, /* rollback could not restore everything */
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Options a verb accepts besides the global ones. */
enum verb_opt {
	OPT_DRY_RUN = 1 << 0,
	OPT_FORCE = 1 << 1,
	OPT_NAME = 1 << 2,
	OPT_ALL = 1 << 3,
};

struct cli {
	const char *root;
	struct ptrvec profile_dirs; /* const char * */
	const char *state_dir;
	bool state_dir_given;
	enum format format;
	const char *output;
	enum color_mode color;
	int verbosity;
	unsigned opts_given; /* enum verb_opt */
	bool dry_run, force, all;
	const char *name;
	int argc;
	char **argv;
	struct host host;
	bool privileged;
	FILE *out; /* the report, emitted at the end */
	bool use_color;
};

struct verb {
	const char *name;
	int (*run)(struct cli *cli);
	unsigned opts; /* enum verb_opt accepted */
	const char *usage;
};

/* Helpers shared by the verbs. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_profile_path(const struct cli *cli, struct profile_path *pp,
		      const char **dirs);
/* Load and merge profiles by name or path (as_files: every argument is a
 * file, as lint takes them); 0 or EXIT_USAGE, errors printed. */
int cli_load_profiles(struct cli *cli, char **names, int n, bool as_files,
		      struct profile *p);
const char *cli_state_dir(struct cli *cli);
int cli_open_host(struct cli *cli);
/* "hosttune [--root R] [--state-dir S] rollback ID", for hints. */
char *cli_rollback_hint(const struct cli *cli, const char *id);
/* Hold back termination signals while a transaction writes. */
void cli_signals_hold(sigset_t *old);
void cli_signals_release(const sigset_t *old);

int cmd_audit(struct cli *cli);
int cmd_apply(struct cli *cli);
int cmd_rollback(struct cli *cli);
int cmd_snapshot(struct cli *cli);
int cmd_list(struct cli *cli);
int cmd_show(struct cli *cli);
int cmd_lint(struct cli *cli);

/* Capabilities (libcap): check a mask of CAP_* bits, drop the rest. */
int caps_missing(uint64_t needed, char **ret_names);
int caps_limit_to(uint64_t keep);
bool caps_privileged(void);
/* The permitted set, as a mask of CAP_* bits. */
uint64_t caps_permitted(void);

#endif
