/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CLI_H
#define HOSTTUNE_CLI_H

#include <signal.h>

#include "hosttune/output.h"
#include "hosttune/transaction.h"

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
	OPT_KEEP = 1 << 4,
	OPT_STRICT = 1 << 5,
	OPT_PERSIST = 1 << 6,
	OPT_RUNS = 1 << 7,
	OPT_METRIC = 1 << 8,
	OPT_HIGHER = 1 << 9,
	OPT_KEEP_IF_BETTER = 1 << 10,
	OPT_SEED = 1 << 11,
};

/* What the dispatcher sets up before a verb runs. */
enum verb_need {
	NEED_HOST = 1 << 0, /* the host (--root) opened, its caps recorded */
	/* the verb writes to the host: it keeps the capabilities its plan
	 * needs (cli_commit); every other verb drops them all once the host
	 * is open */
	NEED_WRITE = 1 << 1,
	/* the verb writes to the state directory (the lock, snapshots):
	 * a privileged run resolves its path, and --root's, first */
	NEED_STATE = 1 << 2,
};

#define FMT_BIT(f) (1u << (f))

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
	bool dry_run, force, all, strict, persist;
	/* trial */
	unsigned long runs;
	const char *metric;
	bool higher_is_better, keep_if_better, seed_given;
	double keep_pct;
	uint64_t seed;
	const char *name;
	unsigned long keep; /* prune --keep */
	int lock_err; /* why the state directory could not be locked */
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
	unsigned formats; /* FMT_BIT() of each format it writes */
	unsigned needs; /* enum verb_need */
	const char *usage;
};

/* Helpers shared by the verbs. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print one message as it is (prefix: with "hosttune: " before it) and
 * keep it for the JSON error object, as cli_error does. */
void cli_error_line(const char *msg, bool prefix);
/* Every message cli_error printed in this run, one a line (for the JSON
 * error object), or NULL. */
const char *cli_errors(void);
void cli_profile_path(const struct cli *cli, struct profile_path *pp,
		      const char **dirs);
/* Load and merge profiles by name or path (as_files: every argument is a
 * file, as lint takes them); 0 or EXIT_USAGE, errors printed. */
int cli_load_profiles(struct cli *cli, char **names, int n, bool as_files,
		      struct profile *p);
const char *cli_state_dir(struct cli *cli);
/* Load a profile without printing its errors: 0 or -errno. */
int cli_load_quiet(struct cli *cli, const char *name, struct profile *p);
/* For a verb that writes state (needs & NEED_STATE), a privileged run's
 * --root and -s resolved once, before anything uses them: what exists of
 * each path by realpath, the rest as given. Every later use, a write
 * above all, goes by these strings, so a symlink on the way as given (in
 * a directory others could write) cannot be repointed under the run.
 * Verbs that only read keep the paths as given (reports show them so);
 * what they read is held to trusted_open. 0, or an exit code with the
 * error said. */
int cli_resolve_paths(struct cli *cli, unsigned needs);
/* Open --root (writes: the verb will write to it; see cli.c). */
int cli_open_host(struct cli *cli, bool writes);

/* The begin-writes step of every writing verb: txn_init, then (unless a
 * dry run) prepare and lock the state directory. 0, or an exit code with
 * the error printed; a state directory that cannot be written is only
 * reported by cli_commit, after the missing capability is named. */
int cli_begin_writes(struct cli *cli, struct txn *t);
/* The profile apply --persist recorded (STATE/active-profile), or NULL
 * when there is none; a record that cannot be trusted is an error (exit
 * code in *ret_code, printed). */
char *cli_active_profile(struct cli *cli, int *ret_code);
/* The audit trail: one line to syslog (the journal where it runs) for
 * every apply and rollback that wrote, with the invoking user (SUDO_USER
 * where set). */
void cli_log_change(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* engine_audit's result as an exit code, the error printed (0 for 0). */
int cli_audit_failed(int r);
/* txn_init for this run's state directory (beneath --root by default). */
void cli_txn_init(struct cli *cli, struct txn *t);
/* Say why txn_lock failed with r. */
void cli_lock_failed(const struct txn *t, int r);
/* Before the first write: refuse unless the process holds what the plan
 * needs (naming what is missing), keep only that, and save the undo
 * snapshot durably. 0 or an exit code, nothing changed. */
int cli_commit(struct cli *cli, struct txn *t, const char *kind,
	       const char *profile);
/* Print each failed change ("id: reason"); prefix: "" or "not restored: ". */
void cli_report_failures(const struct txn *t, const char *prefix);
/* "hosttune [--root R] [--state-dir S] rollback ID", for hints. */
char *cli_rollback_hint(const struct cli *cli, const char *id);
/* Append s to sb as one word for a POSIX shell: as it is when it is
 * plainly safe, else in single quotes. */
void cli_shell_word(struct strbuf *sb, const char *s);
/* "hosttune [--root R] [-p DIR]... [--state-dir S] VERB ARG...", each
 * word quoted for a shell: a command for the user to run next, with the
 * options that chose this host, profiles and state. args ends with NULL. */
char *cli_command(const struct cli *cli, const char *verb,
		  const char *const *args);
/* What `hosttune apply PROFILE --dry-run` (text, no --force or --persist)
 * prints for p, named as shown, on this host: its standard output in
 * *ret_out, and what it says on standard error (without "hosttune: ")
 * in *ret_refusal, or NULL. Reads the host, writes nothing, takes no
 * lock, prints nothing. The dry run's exit code, or a negative errno when
 * the host could not be read. */
int cli_apply_dry_run(struct cli *cli, const char *shown,
		      const struct profile *p, char **ret_out,
		      char **ret_refusal);
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
int cmd_prune(struct cli *cli);
int cmd_trial(struct cli *cli);

/* Capabilities (libcap): check a mask of CAP_* bits, drop the rest
 * (effective, permitted, inheritable, ambient and bounding sets; and
 * PR_SET_NO_NEW_PRIVS). */
int caps_missing(uint64_t needed, char **ret_names);
int caps_limit_to(uint64_t keep);
/* Drop every capability for a verb that only reads: effective, permitted,
 * inheritable and ambient sets, with PR_SET_NO_NEW_PRIVS, but not the
 * bounding set one capability at a time (each PR_CAPBSET_DROP is a
 * commit_creds; the 40-odd of them were a tenth of an audit). With
 * no_new_privs and nothing permitted, no execve can grant a capability,
 * root's implicit ones included (security/commoncap.c), so the bounding
 * set has nothing left to bound. */
int caps_drop_all(void);
bool caps_privileged(void);
/* The permitted set, as a mask of CAP_* bits. */
uint64_t caps_permitted(void);

#endif
