// SPDX-License-Identifier: GPL-2.0-or-later
/* The read-only verbs: list, show, lint. None reads the host's settings. */
#include <errno.h>
#include <string.h>

#include "hosttune/cli.h"

static void list_profiles_out(struct cli *cli, const struct ptrvec *refs)
{
	FILE *f = cli->out;
	int w = 4;

	for (size_t i = 0; i < refs->n; i++) {
		const struct profile_ref *r = refs->v[i];
		if ((int)strlen(r->name) > w)
			w = (int)strlen(r->name);
	}
	if (cli->format == FMT_JSON) {
		fputs("[", f);
		for (size_t i = 0; i < refs->n; i++) {
			const struct profile_ref *r = refs->v[i];
			fputs(i ? ",\n {\"name\": " : "\n {\"name\": ", f);
			json_string(f, r->name);
			fputs(", \"where\": ", f);
			json_string(f, r->where);
			fputs(", \"description\": ", f);
			json_string(f, r->description);
			fputs("}", f);
		}
		fputs("\n]\n", f);
		return;
	}
	for (size_t i = 0; i < refs->n; i++) {
		const struct profile_ref *r = refs->v[i];
		_cleanup_free_ char *d =
			display_escape(r->description ? r->description : "");
		fprintf(f, "%-*s  %-9s  %s\n", w, r->name,
			strcmp(r->where, "built-in") ? "file" : "built-in", d);
		if (cli->verbosity > 0 && strcmp(r->where, "built-in"))
			fprintf(f, "%-*s  %s\n", w, "", r->where);
	}
}

static void list_snapshots_out(struct cli *cli, const struct ptrvec *all)
{
	FILE *f = cli->out;
	int w = 2;

	for (size_t i = 0; i < all->n; i++) {
		const struct snapshot *s = all->v[i];
		if ((int)strlen(s->id) > w)
			w = (int)strlen(s->id);
	}

	if (cli->format == FMT_JSON)
		fputs("[", f);
	for (size_t i = 0; i < all->n; i++) {
		const struct snapshot *s = all->v[i];

		if (cli->format == FMT_JSON) {
			fputs(i ? ",\n {\"id\": " : "\n {\"id\": ", f);
			json_string(f, s->id);
			fputs(", \"time\": ", f);
			json_string(f, s->time);
			fputs(", \"kind\": ", f);
			json_string(f, s->kind);
			fputs(", \"profile\": ", f);
			json_string(f, s->profile);
			fprintf(f, ", \"values\": %zu, \"restored\": ",
				s->entries.n);
			json_string(f, s->restored);
			fputs("}", f);
			continue;
		}
		fprintf(f, "%-*s  %-8s  %-16s  %5zu value%s%s%s\n", w, s->id,
			s->kind, *s->profile ? s->profile : "-", s->entries.n,
			s->entries.n == 1 ? " " : "s",
			s->restored ? "  restored " : "",
			s->restored ? s->restored : "");
	}
	if (cli->format == FMT_JSON)
		fputs(all->n ? "\n]\n" : "]\n", f);
	else if (all->n == 0 && cli->verbosity >= 0)
		fprintf(f, "no snapshots in %s\n", cli_state_dir(cli));
}

static void snapshot_destroy(void *v)
{
	snapshot_free(v);
	free(v);
}

int cmd_list(struct cli *cli)
{
	const char *dirs[80];
	struct profile_path pp;
	struct ptrvec items = { 0 };
	_cleanup_free_ char *err = NULL;
	int r;

	if (cli->argc != 1) {
		cli_error("list takes 'profiles' or 'snapshots'");
		return EXIT_USAGE;
	}
	if (cli->format == FMT_PROMETHEUS) {
		cli_error("--format prometheus is for audit");
		return EXIT_USAGE;
	}
	if (!strcmp(cli->argv[0], "profiles")) {
		cli_profile_path(cli, &pp, dirs);
		profile_list(&pp, &items);
		list_profiles_out(cli, &items);
		ptrvec_free(&items, profile_ref_free);
		return EXIT_OK;
	}
	if (strcmp(cli->argv[0], "snapshots")) {
		cli_error("list: unknown '%s' (profiles or snapshots)",
			  cli->argv[0]);
		return EXIT_USAGE;
	}
	r = snapshot_list(cli_state_dir(cli), cli->privileged, &items, &err);
	if (err)
		cli_error("%s", err);
	if (r < 0 && r != -ENOENT) {
		cli_error("%s: %s", cli_state_dir(cli), strerror(-r));
		return EXIT_RUNTIME;
	}
	list_snapshots_out(cli, &items);
	ptrvec_free(&items, snapshot_destroy);
	return EXIT_OK;
}

static bool same_target(const struct setting *a, const struct setting *b)
{
	if (a->ops != b->ops)
		return false;
	if (!a->target || !b->target)
		return a->target == b->target;
	return !strcmp(a->target, b->target);
}

static void show_json(FILE *f, const struct profile *p)
{
	fputs("{\"profile\": ", f);
	json_string(f, p->name);
	fputs(", \"description\": ", f);
	json_string(f, p->description);
	fputs(", \"merged\": [", f);
	for (size_t i = 0; i < p->names.n; i++) {
		if (i)
			fputs(", ", f);
		json_string(f, p->names.v[i]);
	}
	fputs("],\n \"settings\": [", f);
	for (size_t i = 0; i < p->settings.n; i++) {
		const struct setting *s = p->settings.v[i];
		_cleanup_free_ char *src = xasprintf("%s:%d", s->file, s->line);

		fputs(i ? ",\n  {\"domain\": " : "\n  {\"domain\": ", f);
		json_string(f, s->ops->name);
		fputs(", \"target\": ", f);
		json_string(f, s->target);
		fputs(", \"key\": ", f);
		json_string(f, s->key);
		fputs(", \"expected\": ", f);
		json_string(f, s->expect.text);
		fputs(", \"source\": ", f);
		json_string(f, src);
		fputs(", \"why\": ", f);
		json_string(f, s->why);
		fputs("}", f);
	}
	fputs("\n ]}\n", f);
}

/* The flattened profile as INI a person can read (and load again). */
static void show_text(FILE *f, const struct profile *p)
{
	const struct setting *prev = NULL;

	fprintf(f, "; %s%s%s\n; merged from:", p->name,
		p->description ? ": " : "",
		p->description ? p->description : "");
	for (size_t i = 0; i < p->names.n; i++)
		fprintf(f, " %s", (char *)p->names.v[i]);
	fputc('\n', f);
	for (size_t i = 0; i < p->settings.n; i++) {
		const struct setting *s = p->settings.v[i];

		if (!prev || !same_target(prev, s))
			fprintf(f, "\n[%s%s%s]\n", s->ops->name,
				s->target ? " " : "",
				s->target ? s->target : "");
		fprintf(f, "%s = %s ; %s:%d", s->key, s->expect.text, s->file,
			s->line);
		if (s->why)
			fprintf(f, ": %s", s->why);
		fputc('\n', f);
		prev = s;
	}
}

int cmd_show(struct cli *cli)
{
	struct profile p = { 0 };
	int code;

	if (cli->argc != 1) {
		cli_error("show takes one profile");
		return EXIT_USAGE;
	}
	if (cli->format == FMT_PROMETHEUS) {
		cli_error("--format prometheus is for audit");
		return EXIT_USAGE;
	}
	code = cli_load_profiles(cli, cli->argv, 1, false, &p);
	if (code == 0 && cli->format == FMT_JSON)
		show_json(cli->out, &p);
	else if (code == 0)
		show_text(cli->out, &p);
	profile_free(&p);
	return code;
}

int cmd_lint(struct cli *cli)
{
	int code = EXIT_OK;

	if (cli->argc == 0) {
		cli_error("lint needs at least one file");
		return EXIT_USAGE;
	}
	for (int i = 0; i < cli->argc; i++) {
		struct profile p = { 0 };

		if (cli_load_profiles(cli, &cli->argv[i], 1, true, &p) == 0) {
			if (cli->verbosity >= 0)
				fprintf(cli->out, "%s: ok (%zu setting%s)\n",
					cli->argv[i], p.settings.n,
					p.settings.n == 1 ? "" : "s");
		} else {
			code = EXIT_USAGE;
		}
		profile_free(&p);
	}
	return code;
}
