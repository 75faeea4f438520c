// SPDX-License-Identifier: GPL-2.0-or-later
/* What the verbs share: the profile search path, the state directory. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <syslog.h>
#include <string.h>

#include "hosttune/cli.h"
#include "hosttune/trust.h"

#ifndef HOSTTUNE_DATADIR
#define HOSTTUNE_DATADIR "/usr/share/hosttune"
#endif

/* The spec's two, and where `make install` put the shipped profiles when
 * its PREFIX is not /usr (the same directory is searched once). */
static const char *const system_profile_dirs[] = {
	"/etc/hosttune/profiles",
	"/usr/share/hosttune/profiles",
	HOSTTUNE_DATADIR "/profiles",
};

#define MAX_PROFILE_DIRS 64

void cli_profile_path(const struct cli *cli, struct profile_path *pp,
		      const char **dirs)
{
	int n = 0;

	for (size_t i = 0; i < cli->profile_dirs.n && n < MAX_PROFILE_DIRS; i++)
		dirs[n++] = cli->profile_dirs.v[i];
	for (size_t i = 0; i < ARRAY_SIZE(system_profile_dirs); i++)
		if (i < 2 ||
		    strcmp(system_profile_dirs[i], system_profile_dirs[1]))
			dirs[n++] = system_profile_dirs[i];
	*pp = (struct profile_path){
		.dirs = dirs,
		.n_dirs = n,
		.builtin = true,
		.check_owner = cli->privileged,
	};
}

/* "file:12: message" stands as it is, like a compiler's; anything else
 * gets the program's name. */
static bool located(const char *msg)
{
	const char *colon = strstr(msg, ":");

	while (colon && !(colon[1] >= '0' && colon[1] <= '9'))
		colon = strstr(colon + 1, ":");
	return colon != NULL;
}

static void print_errors(const struct load_errors *errs)
{
	for (size_t i = 0; i < errs->msgs.n; i++) {
		const char *m = errs->msgs.v[i];

		cli_error_line(m, !located(m));
	}
}

/* Load and merge profiles, later ones overriding; errors go to stderr.
 * Returns 0 or EXIT_USAGE. */
int cli_load_profiles(struct cli *cli, char **names, int n, bool as_files,
		      struct profile *p)
{
	const char *dirs[MAX_PROFILE_DIRS + ARRAY_SIZE(system_profile_dirs)];
	struct load_errors errs = { 0 };
	struct profile_path pp;
	int r = 0;

	cli_profile_path(cli, &pp, dirs);
	for (int i = 0; i < n && r == 0; i++)
		r = as_files ? profile_load_file(p, &pp, names[i], &errs) :
			       profile_load(p, &pp, names[i], &errs);
	print_errors(&errs);
	load_errors_free(&errs);
	return r < 0 ? EXIT_USAGE : 0;
}

int cli_load_quiet(struct cli *cli, const char *name, struct profile *p)
{
	const char *dirs[MAX_PROFILE_DIRS + ARRAY_SIZE(system_profile_dirs)];
	struct load_errors errs = { 0 };
	struct profile_path pp;
	int r;

	cli_profile_path(cli, &pp, dirs);
	r = profile_load(p, &pp, name, &errs);
	load_errors_free(&errs);
	return r;
}

const char *cli_state_dir(struct cli *cli)
{
	static char *owned;

	if (cli->state_dir)
		return cli->state_dir;
	if (!owned)
		owned = strcmp(cli->root, "/") ?
				xasprintf("%s/var/lib/hosttune", cli->root) :
				xstrdup("/var/lib/hosttune");
	cli->state_dir = owned;
	return owned;
}

int cli_resolve_paths(struct cli *cli, unsigned needs)
{
	static char *root_real, *state_real;
	_cleanup_free_ char *err = NULL;
	int r;

	/* a dry run writes no state */
	if (!(needs & NEED_STATE) || cli->dry_run)
		return 0;
	/* --root where it is used: the host, or the default state
	 * directory beneath it; resolved by hand, so that no one who could
	 * write a directory on the path given chooses where it leads */
	if (((needs & NEED_HOST) || !cli->state_dir_given) &&
	    strcmp(cli->root, "/")) {
		free(root_real);
		r = path_resolve_trusted(cli->root, geteuid(), false,
					 &root_real, &err);
		if (r < 0) {
			cli_error("--root %s: %s", cli->root,
				  err ? err : strerror(-r));
			return r == -EPERM ? EXIT_RUNTIME : EXIT_USAGE;
		}
		cli->root = root_real;
	}
	if (cli->state_dir_given) {
		free(state_real);
		r = *cli->state_dir ?
			    path_resolve_trusted(cli->state_dir, geteuid(),
						 true, &state_real, &err) :
			    -ENOENT;
		if (r < 0) {
			cli_error("state directory %s: %s", cli->state_dir,
				  err	       ? err :
				  r == -EINVAL ? "'.' or '..' in a part "
						 "that does not exist yet" :
						 strerror(-r));
			return EXIT_RUNTIME;
		}
		if (!strcmp(state_real, "/")) {
			cli_error("state directory %s: refusing / itself: "
				  "give a directory of hosttune's own",
				  cli->state_dir);
			return EXIT_RUNTIME;
		}
		cli->state_dir = state_real;
	}
	return 0;
}

int cli_open_host(struct cli *cli, bool writes)
{
	_cleanup_free_ char *err = NULL;
	int r;

	/* A privileged run that will write to a --root tree opens it by its
	 * resolved path, and only where no directory above it is one others
	 * could write: whoever could would choose, by a symlink swapped in
	 * at the right moment, which tree (or the host itself) gets the
	 * changes. The tree itself may be anyone's: every path in it is
	 * resolved beneath it. */
	if (writes && cli->privileged && !cli->dry_run &&
	    strcmp(cli->root, "/")) {
		/* cli->root was resolved (cli_resolve_paths): walked as it
		 * is, so the tree opened is the one it names */
		r = path_above_trusted(cli->root, geteuid(), &err);
		if (r < 0) {
			cli_error("--root %s: %s", cli->root,
				  err ? err : strerror(-r));
			return r == -EPERM || r == -ELOOP ? EXIT_RUNTIME :
							    EXIT_USAGE;
		}
	}
	r = host_open(cli->root, &cli->host);
	if (r < 0) {
		cli_error("--root %s: %s", cli->root, strerror(-r));
		return EXIT_USAGE;
	}
	cli->host.caps = caps_permitted();
	cli->host.privileged = cli->privileged;
	return 0;
}

/* The writes of a transaction run with SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * held back: they take milliseconds, and an interrupted apply would leave
 * the host half changed. A signal that arrives meanwhile is delivered
 * after; SIGKILL still works, and the snapshot on disk covers it. */
void cli_signals_hold(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, old);
}

void cli_signals_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

void cli_shell_word(struct strbuf *sb, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";

	if (*s && s[strspn(s, safe)] == '\0') {
		strbuf_puts(sb, s);
		return;
	}
	strbuf_puts(sb, "'");
	for (; *s; s++)
		if (*s == '\'')
			strbuf_puts(sb, "'\\''");
		else
			strbuf_add(sb, s, 1);
	strbuf_puts(sb, "'");
}

char *cli_command(const struct cli *cli, const char *verb,
		  const char *const *args)
{
	struct strbuf sb = { 0 };

	strbuf_puts(&sb, "hosttune");
	if (strcmp(cli->root, "/")) {
		strbuf_puts(&sb, " --root ");
		cli_shell_word(&sb, cli->root);
	}
	for (size_t i = 0; i < cli->profile_dirs.n; i++) {
		strbuf_puts(&sb, " -p ");
		cli_shell_word(&sb, cli->profile_dirs.v[i]);
	}
	if (cli->state_dir_given) {
		strbuf_puts(&sb, " --state-dir ");
		cli_shell_word(&sb, cli->state_dir);
	}
	strbuf_printf(&sb, " %s", verb);
	for (; args && *args; args++) {
		strbuf_puts(&sb, " ");
		cli_shell_word(&sb, *args);
	}
	return strbuf_take(&sb);
}

/* How to run rollback of id with the same --root and --state-dir, quoted
 * for a shell, and shown escaped where a path holds a control byte. */
char *cli_rollback_hint(const struct cli *cli, const char *id)
{
	struct strbuf sb = { 0 };
	char *shown;

	strbuf_puts(&sb, "hosttune");
	if (strcmp(cli->root, "/")) {
		strbuf_puts(&sb, " --root ");
		cli_shell_word(&sb, cli->root);
	}
	if (cli->state_dir_given) {
		strbuf_puts(&sb, " --state-dir ");
		cli_shell_word(&sb, cli->state_dir);
	}
	strbuf_printf(&sb, " rollback %s", id);
	shown = display_escape(sb.s);
	free(sb.s);
	return shown;
}

char *cli_active_profile(struct cli *cli, int *ret_code)
{
	_cleanup_free_ char *path =
		xasprintf("%s/active-profile", cli_state_dir(cli));
	_cleanup_free_ char *err = NULL, *data = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	char *name;

	*ret_code = 0;
	fd = trusted_open(path, cli->privileged, getuid(), "file", &err);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return NULL;
	if (fd < 0 || read_fd_limited(fd, 4096, &data, &len) < 0 ||
	    memchr(data, '\0', len)) {
		cli_error("%s", err ? err : "cannot read the active profile");
		*ret_code = EXIT_USAGE;
		return NULL;
	}
	name = strip(data);
	if (!*name || has_control_chars(name)) {
		cli_error("%s: not a profile name", path);
		*ret_code = EXIT_USAGE;
		return NULL;
	}
	return xstrdup(name);
}

void cli_log_change(const struct cli *cli, const char *fmt, ...)
{
	const char *sudo = getenv("SUDO_USER");
	const struct passwd *pw = getpwuid(getuid());
	_cleanup_free_ char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	openlog("hosttune", LOG_PID, LOG_DAEMON);
	syslog(LOG_NOTICE, "%s; root %s; by %s (uid %u%s%s)", what, cli->root,
	       pw ? pw->pw_name : "?", (unsigned)getuid(),
	       sudo ? ", sudo from " : "", sudo ? sudo : "");
	closelog();
}

int cli_audit_failed(int r)
{
	if (r == 0)
		return 0;
	if (r == -E2BIG) {
		cli_error("the profiles expand to more than %d checks on this "
			  "host: narrow their globs",
			  HOST_MAX_CHECKS);
		return EXIT_USAGE;
	}
	cli_error("cannot read the host: %s", strerror(-r));
	return EXIT_RUNTIME;
}

void cli_txn_init(struct cli *cli, struct txn *t)
{
	txn_init(t, &cli->host, cli_state_dir(cli));
	t->privileged = cli->privileged;
	/* the default state directory of a --root is resolved beneath it */
	if (!cli->state_dir_given && strcmp(cli->root, "/"))
		t->beneath = cli->root;
}

void cli_lock_failed(const struct txn *t, int r)
{
	if (t->lock_msg)
		cli_error("%s", t->lock_msg);
	else if (r == -EBUSY)
		cli_error("%s is locked: another hosttune is applying or "
			  "rolling back",
			  t->state_dir);
	else
		cli_error("state directory %s: %s", t->state_dir, strerror(-r));
}

int cli_begin_writes(struct cli *cli, struct txn *t)
{
	int r;

	cli_txn_init(cli, t);
	t->force = cli->force;
	cli->lock_err = 0;
	if (cli->dry_run)
		return 0;
	r = txn_lock(t);
	if (r == -EBUSY || (r < 0 && t->lock_msg)) {
		cli_lock_failed(t, r);
		return EXIT_RUNTIME;
	}
	cli->lock_err = r;
	return 0;
}

int cli_commit(struct cli *cli, struct txn *t, const char *kind,
	       const char *profile)
{
	uint64_t need = txn_caps_needed(t);
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
	if (cli->lock_err) {
		cli_error("state directory %s: %s; nothing was changed",
			  t->state_dir, strerror(-cli->lock_err));
		return EXIT_RUNTIME;
	}
	r = caps_limit_to(need);
	if (r < 0 && cli->privileged) {
		cli_error("cannot drop capabilities: %s", strerror(-r));
		return EXIT_RUNTIME;
	}
	r = txn_save(t, kind, profile, cli->root, NULL);
	if (r < 0) {
		cli_error("cannot write the snapshot in %s: %s; nothing was "
			  "changed",
			  t->state_dir, strerror(-r));
		return EXIT_RUNTIME;
	}
	/* rollback names its undo snapshot in its report */
	if (cli->verbosity >= 0 && cli->format == FMT_TEXT &&
	    strcmp(kind, "rollback")) {
		_cleanup_free_ char *dir = display_escape(t->state_dir);

		fprintf(stderr, "hosttune: snapshot %s saved to %s/%s.ini\n",
			t->undo.id, dir, t->undo.id);
	}
	return 0;
}

void cli_report_failures(const struct txn *t, const char *prefix)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		const struct change *ch = t->changes.v[i];

		if (ch->status == CH_FAILED || ch->restore == RS_FAILED)
			cli_error("%s: %s%s", ch->check->id, prefix,
				  ch->reason ? ch->reason : "failed");
	}
}
