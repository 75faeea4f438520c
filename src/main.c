// SPDX-License-Identifier: GPL-2.0-or-later
/* hosttune: audit, apply and roll back a host's performance tuning. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "hosttune/cli.h"

#define TEXT_JSON (FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON))

static const struct verb verbs[] = {
	{ "audit", cmd_audit, OPT_STRICT,
	  TEXT_JSON | FMT_BIT(FMT_PROMETHEUS) | FMT_BIT(FMT_HTML), NEED_HOST,
	  "audit [PROFILE...] [--strict]\n"
	  "  Compare the host with the profiles (default: the active\n"
	  "  profile that apply --persist recorded, else baseline), later\n"
	  "  profiles overriding earlier ones, and report every check.\n"
	  "  Exit 0 when every check is ok or missing, 1 when one is a\n"
	  "  deviation, an error or manual (a finding that needs a reboot\n"
	  "  or an outside action), 2 on bad input.\n"
	  "  --strict    a missing setting is a finding too (not one whose\n"
	  "              key starts with '-', which is optional)\n"
	  "  -f html: one page with a weighted score, the findings by\n"
	  "  impact and apply's plan (its dry run, and how to undo it).\n"
	  "  Formats: text, json, prometheus, html.\n" },
	{ "apply", cmd_apply, OPT_DRY_RUN | OPT_FORCE | OPT_PERSIST, TEXT_JSON,
	  NEED_HOST | NEED_WRITE | NEED_STATE,
	  "apply [PROFILE] [--dry-run] [--force] [--persist]\n"
	  "  Take the state directory's lock, plan, snapshot what will change\n"
	  "  (durably, before the first write), change every setting that\n"
	  "  deviates, read each back, and on the first failure restore\n"
	  "  everything already changed (exit 3).\n"
	  "  --dry-run   print the changes (id, current, new); exit 1 if any\n"
	  "  --force     also make changes that rollback could not undo\n"
	  "  --persist   also make it hold after a reboot: write\n"
	  "              /etc/sysctl.d/90-hosttune.conf and record PROFILE\n"
	  "              as the active profile (STATE/active-profile), which\n"
	  "              hosttune-apply.service applies at boot; rollback\n"
	  "              restores both\n"
	  "  Without PROFILE, the active profile is applied.\n"
	  "  Formats: text, json.\n" },
	{ "rollback", cmd_rollback, OPT_DRY_RUN, TEXT_JSON,
	  NEED_HOST | NEED_WRITE | NEED_STATE,
	  "rollback [SNAPSHOT] [--dry-run]\n"
	  "  Restore a snapshot (default: the newest one still in effect,\n"
	  "  other than a rollback's own) and end every change made after\n"
	  "  it. The values overwritten are saved in a new snapshot first,\n"
	  "  so a rollback can be undone.\n"
	  "  --dry-run   print the changes; exit 1 if any\n"
	  "  Exit 4 when some values could not be restored; the snapshot\n"
	  "  then stays in effect. Formats: text, json.\n" },
	{ "trial", cmd_trial,
	  OPT_RUNS | OPT_METRIC | OPT_HIGHER | OPT_KEEP_IF_BETTER | OPT_SEED,
	  TEXT_JSON | FMT_BIT(FMT_HTML), NEED_HOST | NEED_WRITE | NEED_STATE,
	  "trial PROFILE [--runs N] [--metric REGEX] [--higher-is-better]\n"
	  "      [--keep-if-better[=PCT]] [--seed N] -- COMMAND [ARG...]\n"
	  "  Measure COMMAND with the host's values and with the profile's,\n"
	  "  switching between them in a randomised block order (a warm-up\n"
	  "  run of each discarded), and report the change of the median\n"
	  "  with its 95% confidence interval and a rank test's p-value.\n"
	  "  The snapshot is on disk before the first write; a failing\n"
	  "  COMMAND or SIGINT/SIGTERM restores the host (exit 3).\n"
	  "  --runs N            runs of each (default 10)\n"
	  "  --metric REGEX      the first number REGEX captures from\n"
	  "                      COMMAND's output (default: wall time)\n"
	  "  --higher-is-better  for throughputs\n"
	  "  --keep-if-better[=PCT]  keep the profile when better by PCT%\n"
	  "                      at least, with confidence (default 0)\n"
	  "  --seed N            the order's seed (printed in the report)\n"
	  "  Exit 0 when the profile is better, 1 otherwise.\n"
	  "  Formats: text, json, html.\n" },
	{ "snapshot", cmd_snapshot, OPT_NAME | OPT_ALL, TEXT_JSON,
	  NEED_HOST | NEED_STATE,
	  "snapshot [PROFILE] [--name NAME] | --all [--name NAME]\n"
	  "  Save the current values of what PROFILE covers (default:\n"
	  "  baseline), or with --all every readable sysctl.\n"
	  "  Formats: text, json.\n" },
	{ "list", cmd_list, 0, TEXT_JSON, 0,
	  "list profiles|snapshots\n"
	  "  List the profiles the search path finds, or the saved snapshots\n"
	  "  (oldest first) and whether each is still in effect.\n"
	  "  Formats: text, json.\n" },
	{ "prune", cmd_prune, OPT_KEEP, TEXT_JSON, NEED_STATE,
	  "prune [--keep N]\n"
	  "  Delete the snapshots no longer in effect, but the newest N of\n"
	  "  them (default 0). Snapshots in effect are never deleted.\n"
	  "  Formats: text, json.\n" },
	{ "show", cmd_show, 0, TEXT_JSON, 0,
	  "show PROFILE\n"
	  "  Print the flattened profile: every setting, the file:line it\n"
	  "  came from, and why it is there. Formats: text, json.\n" },
	{ "lint", cmd_lint, 0, FMT_BIT(FMT_TEXT), 0,
	  "lint FILE...\n"
	  "  Check profile files (and their includes) without reading the\n"
	  "  host. Every file is checked; exit 2 if any has an error.\n"
	  "  Formats: text (errors are file:line: message lines).\n" },
};

static const char *const format_names[] = {
	[FMT_TEXT] = "text",
	[FMT_JSON] = "json",
	[FMT_PROMETHEUS] = "prometheus",
	[FMT_HTML] = "html",
};

static const char global_usage[] =
	"Usage: hosttune [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Audit a host's performance tuning against INI profiles, apply a\n"
	"profile, and roll back to a saved snapshot.\n"
	"\n"
	"Commands:\n"
	"  audit [PROFILE...] [--strict]   compare the host with profiles\n"
	"  apply [PROFILE] [--dry-run] [--force] [--persist]\n"
	"                                  snapshot, change, read back\n"
	"  rollback [SNAPSHOT] [--dry-run] restore a snapshot\n"
	"  snapshot [PROFILE] [--name NAME] | --all\n"
	"                                  save current values\n"
	"  list profiles|snapshots         list what there is\n"
	"  show PROFILE                    the flattened profile\n"
	"  lint FILE...                    check profile files\n"
	"  prune [--keep N]                delete snapshots no longer in effect\n"
	"  trial PROFILE [--runs N] ... -- COMMAND [ARG...]\n"
	"                                  measure whether PROFILE helps COMMAND\n"
	"\n"
	"Options (before or after the command):\n"
	"  -r, --root DIR         read and write the tree under DIR, not /\n"
	"  -p, --profile-dir DIR  look for profiles in DIR first (repeatable)\n"
	"  -s, --state-dir DIR    snapshots and lock (default /var/lib/hosttune)\n"
	"  -f, --format FMT       text, json, prometheus or html (COMMAND --help\n"
	"                         says which a command writes)\n"
	"  -o, --output FILE      write the report to FILE (- is standard\n"
	"                         output), atomically; a character device is\n"
	"                         written to; a symlink or FIFO is refused\n"
	"      --color[=WHEN]     auto, always (a bare --color) or never\n"
	"  -q, --quiet            only what is wrong\n"
	"  -v, --verbose          also where each setting came from and why\n"
	"  -h, --help             this help; COMMAND --help for a command's\n"
	"  -V, --version          print the version\n"
	"\n"
	"Exit status: 0 ok, 1 deviations (or changes in a dry run), 2 usage or\n"
	"input error, 3 run-time failure (rolled back), 4 rollback incomplete.\n"
	"See hosttune(8) and hosttune-profile(5).\n";

/* What cli_error said in this run, for the JSON error object. */
static struct strbuf errors;

void cli_error_line(const char *msg, bool prefix)
{
	struct strbuf shown = { 0 };

	/* messages quote files and the host: no byte of theirs may move the
	 * cursor or retitle the terminal, C1 controls, invalid UTF-8 and
	 * characters that reorder text included (display_escape, line by
	 * line: a line break of ours stays) */
	for (const char *p = msg; p;) {
		const char *nl = strchr(p, '\n');
		_cleanup_free_ char *line =
			xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		_cleanup_free_ char *owned = NULL;

		strbuf_puts(&shown, display_shown(line, &owned));
		if (nl)
			strbuf_puts(&shown, "\n");
		p = nl ? nl + 1 : NULL;
	}
	fprintf(stderr, "%s%s\n", prefix ? "hosttune: " : "",
		shown.s ? shown.s : "");
	strbuf_printf(&errors, "%s%s", errors.len ? "\n" : "",
		      shown.s ? shown.s : "");
	free(shown.s);
}

void cli_error(const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	cli_error_line(msg, true);
}

const char *cli_errors(void)
{
	return errors.s;
}

static const struct verb *verb_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

enum {
	LOPT_COLOR = 0x100,
	LOPT_DRY_RUN,
	LOPT_FORCE,
	LOPT_NAME,
	LOPT_ALL,
	LOPT_KEEP,
	LOPT_STRICT,
	LOPT_PERSIST,
	LOPT_RUNS,
	LOPT_METRIC,
	LOPT_HIGHER,
	LOPT_KEEP_IF_BETTER,
	LOPT_SEED,
};

static const struct option long_options[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "profile-dir", required_argument, NULL, 'p' },
	{ "state-dir", required_argument, NULL, 's' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "color", optional_argument, NULL, LOPT_COLOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "dry-run", no_argument, NULL, LOPT_DRY_RUN },
	{ "force", no_argument, NULL, LOPT_FORCE },
	{ "name", required_argument, NULL, LOPT_NAME },
	{ "all", no_argument, NULL, LOPT_ALL },
	{ "keep", required_argument, NULL, LOPT_KEEP },
	{ "strict", no_argument, NULL, LOPT_STRICT },
	{ "persist", no_argument, NULL, LOPT_PERSIST },
	{ "runs", required_argument, NULL, LOPT_RUNS },
	{ "metric", required_argument, NULL, LOPT_METRIC },
	{ "higher-is-better", no_argument, NULL, LOPT_HIGHER },
	{ "keep-if-better", optional_argument, NULL, LOPT_KEEP_IF_BETTER },
	{ "seed", required_argument, NULL, LOPT_SEED },
	{ 0 },
};

static int parse_enum(const char *opt, const char *arg,
		      const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		/* arg is a literal or the optarg of an option that requires one:
		 * the analyzer does not know getopt_long never leaves that NULL. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		if (!strcmp(arg, names[i]))
			return i;
	if (opt)
		cli_error("%s: unknown value '%s'", opt, arg);
	return -1;
}

/* Say which option was rejected and why: an unknown short option by its
 * letter, a long one by its name, and an abbreviation that fits several
 * with the candidates (getopt takes an unambiguous one). */
static void rejected_option(char **argv, int opt)
{
	const char *arg = argv[optind - 1];
	struct strbuf cand = { 0 };
	size_t n;
	int hits = 0;

	if (opt && opt < 0x100 && !startswith(arg, "--")) {
		cli_error("unknown option '-%c' (see hosttune --help)", opt);
		return;
	}
	if (!startswith(arg, "--")) {
		cli_error("unknown option '%s' (see hosttune --help)", arg);
		return;
	}
	n = strcspn(arg + 2, "=");
	for (const struct option *o = long_options; o->name; o++)
		if (!strncmp(o->name, arg + 2, n)) {
			strbuf_printf(&cand, "%s--%s", hits ? ", " : "",
				      o->name);
			hits++;
		}
	if (hits > 1)
		cli_error("option '%.*s' is ambiguous: %s", (int)n + 2, arg,
			  cand.s);
	else if (hits == 1 && strchr(arg, '='))
		cli_error("option '%.*s' takes no argument", (int)n + 2, arg);
	else
		cli_error("unknown option '%.*s' (see hosttune --help)",
			  (int)n + 2, arg);
	free(cand.s);
}

/* Parse argv; returns -1 to continue, or an exit code. */
static int parse_options(struct cli *cli, int argc, char **argv, bool *help)
{
	static const char *const colors[] = { "auto", "always", "never" };
	uint64_t n;
	int c, v;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:p:s:f:o:qvhV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'r':
			cli->root = optarg;
			break;
		case 'p':
			ptrvec_push(&cli->profile_dirs, optarg);
			break;
		case 's':
			cli->state_dir = optarg;
			cli->state_dir_given = true;
			break;
		case 'f':
			v = parse_enum("--format", optarg, format_names,
				       ARRAY_SIZE(format_names));
			if (v < 0)
				return EXIT_USAGE;
			cli->format = (enum format)v;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case LOPT_COLOR:
			/* a bare --color means always, as GNU ls has it;
			 * "--color never" (a separate word) still reads */
			if (!optarg && optind < argc && argv[optind] &&
			    parse_enum(NULL, argv[optind], colors, 3) >= 0)
				optarg = argv[optind++];
			v = optarg ? parse_enum("--color", optarg, colors, 3) :
				     COLOR_ALWAYS;
			if (v < 0)
				return EXIT_USAGE;
			cli->color = (enum color_mode)v;
			break;
		case 'q':
			cli->verbosity = -1;
			break;
		case 'v':
			cli->verbosity = 1;
			break;
		case 'h':
			*help = true;
			break;
		case 'V':
			printf("hosttune %s\n", HOSTTUNE_VERSION);
			return EXIT_OK;
		case LOPT_DRY_RUN:
			cli->dry_run = true;
			cli->opts_given |= OPT_DRY_RUN;
			break;
		case LOPT_FORCE:
			cli->force = true;
			cli->opts_given |= OPT_FORCE;
			break;
		case LOPT_NAME:
			cli->name = optarg;
			cli->opts_given |= OPT_NAME;
			break;
		case LOPT_ALL:
			cli->all = true;
			cli->opts_given |= OPT_ALL;
			break;
		case LOPT_RUNS:
			if (parse_uint64(optarg, 100000, &n) < 0 || n < 2) {
				cli_error("--runs: expected a number from 2 to "
					  "100000, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cli->runs = (unsigned long)n;
			cli->opts_given |= OPT_RUNS;
			break;
		case LOPT_METRIC:
			cli->metric = optarg;
			cli->opts_given |= OPT_METRIC;
			break;
		case LOPT_HIGHER:
			cli->higher_is_better = true;
			cli->opts_given |= OPT_HIGHER;
			break;
		case LOPT_KEEP_IF_BETTER:
			cli->keep_if_better = true;
			cli->opts_given |= OPT_KEEP_IF_BETTER;
			if (optarg && parse_uint64(optarg, 1000, &n) < 0) {
				cli_error(
					"--keep-if-better: expected a percent "
					"from 0 to 1000, got '%s'",
					optarg);
				return EXIT_USAGE;
			}
			cli->keep_pct = optarg ? (double)n : 0;
			break;
		case LOPT_SEED:
			if (parse_uint64(optarg, UINT64_MAX, &n) < 0) {
				cli_error("--seed: expected a number, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cli->seed = n;
			cli->seed_given = true;
			cli->opts_given |= OPT_SEED;
			break;
		case LOPT_PERSIST:
			cli->persist = true;
			cli->opts_given |= OPT_PERSIST;
			break;
		case LOPT_STRICT:
			cli->strict = true;
			cli->opts_given |= OPT_STRICT;
			break;
		case LOPT_KEEP:
			if (parse_uint64(optarg, 1000000, &n) < 0) {
				cli_error("--keep: expected a number from 0 to "
					  "1000000, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cli->keep = (unsigned long)n;
			cli->opts_given |= OPT_KEEP;
			break;
		case ':':
			if (optopt && optopt < 0x100 &&
			    !startswith(argv[optind - 1], "--"))
				cli_error("option '-%c' needs an argument",
					  optopt);
			else
				cli_error("option '%s' needs an argument",
					  argv[optind - 1]);
			return EXIT_USAGE;
		default:
			rejected_option(argv, optopt);
			return EXIT_USAGE;
		}
	}
	return -1;
}

/* Write the report where it belongs; a full disk must not look like
 * success. */
static int emit(struct cli *cli, char *buf, size_t len)
{
	int r;

	if (cli->output && strcmp(cli->output, "-")) {
		const char *why;

		r = write_output(cli->output, buf, len, 0644, &why);
		if (r < 0) {
			cli_error("cannot write %s: %s", cli->output,
				  why ? why : strerror(-r));
			return -1;
		}
		return 0;
	}
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0 ||
	    ferror(stdout)) {
		cli_error("cannot write the report: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* What the verb needs before it runs; 0 or an exit code. */
static int setup_verb(struct cli *cli, const struct verb *verb)
{
	static const char *const opt_names[] = {
		"--dry-run",	    "--force",
		"--name",	    "--all",
		"--keep",	    "--strict",
		"--persist",	    "--runs",
		"--metric",	    "--higher-is-better",
		"--keep-if-better", "--seed",
	};
	unsigned bad = cli->opts_given & ~verb->opts;

	for (size_t i = 0; bad && i < ARRAY_SIZE(opt_names); i++)
		if (bad & (1u << i)) {
			cli_error("%s does not take %s (see hosttune %s "
				  "--help)",
				  verb->name, opt_names[i], verb->name);
			return EXIT_USAGE;
		}
	if (!(verb->formats & FMT_BIT(cli->format))) {
		cli_error("%s does not write --format %s (see hosttune %s "
			  "--help)",
			  verb->name, format_names[cli->format], verb->name);
		return EXIT_USAGE;
	}
	if (cli->privileged) {
		int code = cli_resolve_paths(cli, verb->needs);

		if (code)
			return code;
	}
	if (verb->needs & NEED_HOST) {
		int code = cli_open_host(cli, verb->needs & NEED_WRITE);

		if (code)
			return code;
	}
	/* what only reads needs no privilege once the host is open: root
	 * reads root's files as their owner */
	if (!(verb->needs & NEED_WRITE) && caps_drop_all() < 0 &&
	    cli->privileged) {
		cli_error("cannot drop capabilities: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

/* With -f json, a failure that printed no document still prints one. */
static void json_failure(struct cli *cli, const char *command, int code)
{
	struct json j;

	report_json_head(&j, cli->out, command);
	report_json_error(&j, cli_errors() ? cli_errors() : "failed", code);
	json_finish(&j);
}

/* no-color.org: NO_COLOR set and not empty; and a dumb terminal. */
static bool no_color_env(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	return (nc && *nc) || (term && !strcmp(term, "dumb"));
}

static int run_verb(struct cli *cli, const struct verb *verb)
{
	char *buf = NULL;
	size_t len = 0;
	int code;

	cli->out = open_memstream(&buf, &len);
	if (!cli->out) {
		cli_error("out of memory");
		return EXIT_RUNTIME;
	}
	cli->use_color = cli->color == COLOR_ALWAYS ||
			 (cli->color == COLOR_AUTO && !cli->output &&
			  isatty(STDOUT_FILENO) && !no_color_env());
	code = setup_verb(cli, verb);
	if (code == 0)
		code = verb->run(cli);
	fflush(cli->out);
	if (code >= EXIT_USAGE && cli->format == FMT_JSON && len == 0)
		json_failure(cli, verb->name, code);
	fclose(cli->out);
	if (len && emit(cli, buf, len) < 0 && code < EXIT_USAGE)
		code = EXIT_RUNTIME;
	free(buf);
	return code;
}

/* The first argument that names a verb, for an error found before the
 * options were all read; NULL if none does. */
static const char *verb_named(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (verb_find(argv[i]))
			return argv[i];
	return NULL;
}

/* A usage error before any verb ran, as a JSON document. */
static void print_json_failure(const char *command, int code)
{
	struct json j;

	report_json_head(&j, stdout, command);
	report_json_error(&j, cli_errors() ? cli_errors() : "usage error",
			  code);
	json_finish(&j);
}

int main(int argc, char **argv)
{
	bool verb_ran = false;
	struct cli cli = { .root = "/", .host = { .root_fd = -1 }, .runs = 10 };
	const struct verb *verb;
	bool help = false;
	int code;

	code = parse_options(&cli, argc, argv, &help);
	if (code >= 0)
		goto out;
	if (optind >= argc) {
		if (help) {
			fputs(global_usage, stdout);
			code = EXIT_OK;
		} else {
			fputs(global_usage, stderr);
			code = EXIT_USAGE;
		}
		goto out;
	}
	verb = verb_find(argv[optind]);
	if (!verb) {
		cli_error("unknown command '%s' (see hosttune --help)",
			  argv[optind]);
		code = EXIT_USAGE;
		goto out;
	}
	if (help) {
		printf("Usage: hosttune [OPTIONS] %s", verb->usage);
		code = EXIT_OK;
		goto out;
	}
	cli.argc = argc - optind - 1;
	cli.argv = argv + optind + 1;
	cli.privileged = caps_privileged();
	code = run_verb(&cli, verb);
	verb_ran = true;
out:
	if (code >= EXIT_USAGE && cli.format == FMT_JSON && !verb_ran)
		print_json_failure(verb_named(argc, argv), code);
	host_close(&cli.host);
	ptrvec_free(&cli.profile_dirs, NULL);
	if (fflush(stdout) != 0 || ferror(stdout))
		code = code ? code : EXIT_RUNTIME;
	return code;
}
