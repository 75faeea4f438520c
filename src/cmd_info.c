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
		struct json j;

		report_json_head(&j, f, "list");
		json_array(&j, "profiles", false);
		for (size_t i = 0; i < refs->n; i++) {
			const struct profile_ref *r = refs->v[i];

			json_object(&j, NULL, true);
			json_str(&j, "name", r->name);
			json_str(&j, "where", r->where);
			json_str(&j, "description", r->description);
			json_end(&j);
		}
		json_finish(&j);
		return;
	}
	for (size_t i = 0; i < refs->n; i++) {
		const struct profile_ref *r = refs->v[i];
		_cleanup_free_ char *d =
			display_escape(r->description ? r->description : "");
		fprintf(f, "%-*s  %-9s  %s\n", w, r->name,
			strcmp(r->where, "built-in") ? "file" : "built-in", d);
		if (cli->verbosity > 0 && strcmp(r->where, "built-in")) {
			_cleanup_free_ char *where = display_escape(r->where);

			fprintf(f, "%-*s  %s\n", w, "", where);
		}
	}
}

/* s for list and show: escaped where a byte of it could work on the terminal
 * (a profile's or a snapshot's file is text others may have written), "" for NULL. The caller
 * frees. */
static char *esc(const char *s)
{
	return display_escape(s ? s : "");
}

static void list_snapshots_json(struct cli *cli, const struct ptrvec *all)
{
	struct json j;

	report_json_head(&j, cli->out, "list");
	json_array(&j, "snapshots", false);
	for (size_t i = 0; i < all->n; i++) {
		const struct snapshot *s = all->v[i];

		json_object(&j, NULL, true);
		json_str(&j, "id", s->id);
		json_str(&j, "time", s->time);
		json_str(&j, "kind", s->kind);
		json_str(&j, "profile", s->profile);
		json_uint(&j, "values", s->entries.n);
		json_bool(&j, "in_effect", snapshot_in_effect(s));
		json_str(&j, "restored", s->restored);
		json_str(&j, "restored_by", s->restored_by);
		json_end(&j);
	}
	json_finish(&j);
}

static void list_snapshots_out(struct cli *cli, const struct ptrvec *all)
{
	FILE *f = cli->out;
	int w = 2;

	if (cli->format == FMT_JSON) {
		list_snapshots_json(cli, all);
		return;
	}
	for (size_t i = 0; i < all->n; i++) {
		const struct snapshot *s = all->v[i];
		if ((int)strlen(s->id) > w)
			w = (int)strlen(s->id);
	}
	for (size_t i = 0; i < all->n; i++) {
		const struct snapshot *s = all->v[i];
		/* a snapshot's fields are a file's text: shown escaped */
		_cleanup_free_ char *kind = esc(s->kind),
				    *profile =
					    esc(*s->profile ? s->profile : "-"),
				    *restored = esc(s->restored);

		fprintf(f, "%-*s  %-8s  %-16s  %5zu value%s  %s%s\n", w, s->id,
			kind, profile, s->entries.n,
			s->entries.n == 1 ? " " : "s",
			snapshot_in_effect(s) ? "in effect" : "restored ",
			restored);
	}
	if (all->n == 0 && cli->verbosity >= 0) {
		_cleanup_free_ char *dir = esc(cli_state_dir(cli));

		fprintf(f, "no snapshots in %s\n", dir);
	}
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
	struct json j;

	report_json_head(&j, f, "show");
	json_str(&j, "profile", p->name);
	json_str(&j, "description", p->description);
	json_array(&j, "merged", true);
	for (size_t i = 0; i < p->names.n; i++)
		json_str(&j, NULL, p->names.v[i]);
	json_end(&j);
	json_array(&j, "settings", false);
	for (size_t i = 0; i < p->settings.n; i++) {
		const struct setting *s = p->settings.v[i];
		_cleanup_free_ char *src = xasprintf("%s:%d", s->file, s->line);

		json_object(&j, NULL, true);
		json_str(&j, "domain", s->ops->name);
		json_str(&j, "target", s->target);
		json_str(&j, "key", s->key);
		json_str(&j, "expected", s->expect.text);
		json_str(&j, "source", src);
		json_str(&j, "why", s->why);
		json_str(&j, "ref", s->ref);
		json_str(&j, "impact", impact_name(s->impact));
		json_end(&j);
	}
	json_finish(&j);
}

static bool same_str(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The flattened profile as INI a person can read (and load again, where
 * nothing in it had to be escaped). */
static void show_text(FILE *f, const struct profile *p)
{
	const struct setting *prev = NULL;
	_cleanup_free_ char *name = esc(p->name), *desc = esc(p->description);

	fprintf(f, "; %s%s%s\n; merged from:", name, p->description ? ": " : "",
		desc);
	for (size_t i = 0; i < p->names.n; i++) {
		_cleanup_free_ char *n = esc(p->names.v[i]);

		fprintf(f, " %s", n);
	}
	fputc('\n', f);
	for (size_t i = 0; i < p->settings.n; i++) {
		const struct setting *s = p->settings.v[i];
		_cleanup_free_ char *target = esc(s->target),
				    *file = esc(s->file), *ref = esc(s->ref),
				    *key = esc(s->key),
				    *val = esc(s->expect.text),
				    *why = esc(s->why);

		if (!prev || !same_target(prev, s))
			fprintf(f, "\n[%s%s%s]\n", s->ops->name,
				s->target ? " " : "", target);
		/* where it came from above it, so that the setting's own line
		 * stays as short as it was in its file and loads again */
		fprintf(f, "; %s:%d%s%s\n", file, s->line,
			s->ref ? ", see " : "", ref);
		fprintf(f, "%s%s = %s", s->optional ? "-" : "", key, val);
		if (s->why || s->impact != IMPACT_UNSET)
			fprintf(f, " ; %s", why);
		if (s->impact != IMPACT_UNSET)
			fprintf(f, " | impact: %s", impact_name(s->impact));
		if (s->ref &&
		    !same_str(s->ref, s->ops->ref ? s->ops->ref(s->key) : NULL))
			fprintf(f, " | ref: %s", ref);
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

static void prune_out(struct cli *cli, const struct ptrvec *deleted)
{
	struct json j;

	if (cli->format == FMT_JSON) {
		report_json_head(&j, cli->out, "prune");
		json_array(&j, "deleted", true);
		for (size_t i = 0; i < deleted->n; i++)
			json_str(&j, NULL, deleted->v[i]);
		json_finish(&j);
		return;
	}
	for (size_t i = 0; cli->verbosity >= 0 && i < deleted->n; i++)
		fprintf(cli->out, "deleted %s\n", (char *)deleted->v[i]);
	if (cli->verbosity >= 0)
		fprintf(cli->out, "%zu snapshot%s deleted\n", deleted->n,
			deleted->n == 1 ? "" : "s");
}

int cmd_prune(struct cli *cli)
{
	struct ptrvec all = { 0 }, deleted = { 0 };
	_cleanup_free_ char *err = NULL;
	struct txn t;
	int r, code = EXIT_OK;

	if (cli->argc) {
		cli_error("prune takes no argument but --keep N");
		return EXIT_USAGE;
	}
	cli_txn_init(cli, &t);
	r = txn_lock(&t);
	if (r < 0) {
		cli_lock_failed(&t, r);
		txn_free(&t);
		return EXIT_RUNTIME;
	}
	r = snapshot_list(t.state_dir, cli->privileged, &all, &err);
	if (r == 0 && err) {
		/* A snapshot that cannot be read might be in effect. */
		cli_error("%s; nothing was deleted", err);
		code = EXIT_RUNTIME;
	} else if (r == 0) {
		r = snapshot_prune(t.state_dir, &all, cli->keep, &deleted);
	}
	if (r < 0) {
		cli_error("%s: %s", t.state_dir,
			  r == -EBUSY ? "locked by another hosttune" :
					strerror(-r));
		code = EXIT_RUNTIME;
	}
	if (code == EXIT_OK)
		prune_out(cli, &deleted);
	ptrvec_free(&deleted, free);
	ptrvec_free(&all, snapshot_destroy);
	txn_free(&t);
	return code;
}
