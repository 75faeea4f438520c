// SPDX-License-Identifier: GPL-2.0-or-later
/* snapshot: save current values, of a profile's settings or of every
 * readable setting (--all), for a later rollback. */
#include <errno.h>
#include <string.h>

#include "hosttune/cli.h"

/* A check's value into the snapshot, where one was read. */
static void add_check(struct snapshot *snap, const struct check *c)
{
	if ((c->status == ST_OK || c->status == ST_DEVIATION) && c->raw)
		snapshot_add(snap, c->ops, c->target, c->key, c->raw);
}

/* --all keeps what a rollback could restore: read-only counters
 * (fs.file-nr, kernel.random.uuid) only add noise. Each check is saved
 * and freed as it is found, so the next one reuses its memory. */
static void add_found(struct check *c, void *snap)
{
	if (!c->read_only)
		add_check(snap, c);
	check_free(c);
}

static void collect_all(struct cli *cli, struct snapshot *snap)
{
	/* read-only settings are not saved: their values need not be
	 * read; each domain reads what it finds as it finds it */
	cli->host.writable_only = true;
	for (size_t i = 0; check_registry[i]; i++)
		if (check_registry[i]->enumerate)
			check_registry[i]->enumerate(&cli->host, add_found,
						     snap);
	cli->host.writable_only = false;
}

static int save(struct cli *cli, struct snapshot *snap)
{
	const char *dir = cli_state_dir(cli);
	_cleanup_free_ char *path = NULL;
	struct txn t;
	struct json j;
	int r;

	cli_txn_init(cli, &t);
	r = txn_lock(&t);
	if (r < 0 && r != -EEXIST) {
		cli_lock_failed(&t, r);
		txn_free(&t);
		return EXIT_RUNTIME;
	}
	/* once locked, by the path that was checked (t.state_dir: the
	 * resolved one, in a privileged run) */
	if (r == 0 && cli->name) {
		_cleanup_free_ char *p =
			xasprintf("%s/%s.ini", t.state_dir, cli->name);
		if (access(p, F_OK) == 0)
			r = -EEXIST;
	}
	if (r == 0)
		r = snapshot_save(t.state_dir, snap, &path);
	txn_free(&t);
	if (r < 0) {
		cli_error("cannot save the snapshot in %s: %s", dir,
			  r == -EBUSY  ? "locked by another hosttune" :
			  r == -EEXIST ? "that name is taken" :
					 strerror(-r));
		return r == -EEXIST ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (cli->format == FMT_JSON) {
		report_json_head(&j, cli->out, "snapshot");
		json_str(&j, "snapshot", snap->id);
		json_str(&j, "path", path);
		json_uint(&j, "values", snap->entries.n);
		json_finish(&j);
	} else {
		_cleanup_free_ char *shown = display_escape(path);

		fprintf(cli->out, "snapshot %s: %zu value%s saved to %s\n",
			snap->id, snap->entries.n,
			snap->entries.n == 1 ? "" : "s", shown);
	}
	return EXIT_OK;
}

int cmd_snapshot(struct cli *cli)
{
	static char *default_profile[] = { "baseline" };
	struct ptrvec checks = { 0 };
	struct snapshot snap = { 0 };
	struct profile p = { 0 };
	int code;

	if (cli->argc > 1 || (cli->all && cli->argc)) {
		cli_error("snapshot takes one profile, or --all");
		return EXIT_USAGE;
	}
	if (cli->name && snapshot_id_ok(cli->name) < 0) {
		cli_error("--name: letters, digits, '.', '_' and '-' only, at "
			  "most 128, not starting with '.' or '-'");
		return EXIT_USAGE;
	}
	code = cli->all ? 0 :
			  cli_load_profiles(
				  cli, cli->argc ? cli->argv : default_profile,
				  1, false, &p);
	if (code)
		goto out;
	if (cli->all) {
		snapshot_init(&snap, "all", "", cli->root);
		collect_all(cli, &snap);
	} else {
		code = cli_audit_failed(engine_audit(&cli->host, &p, &checks));
		if (code)
			goto out;
		snapshot_init(&snap, "manual", p.name, cli->root);
		for (size_t i = 0; i < checks.n; i++)
			add_check(&snap, checks.v[i]);
	}
	if (cli->name)
		snap.id = xstrdup(cli->name);
	code = save(cli, &snap);
out:
	snapshot_free(&snap);
	ptrvec_free(&checks, check_free);
	profile_free(&p);
	return code;
}
