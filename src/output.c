// SPDX-License-Identifier: GPL-2.0-or-later
/* The output formats: an aligned text table, JSON, Prometheus text. */
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "hosttune/output.h"

#define COL_MAX 56

/* A host file's one line, or NULL when it cannot be read or says nothing
 * printable. */
static char *host_line(const struct host *h, const char *rel)
{
	_cleanup_free_ char *v = NULL;

	if (hostfs_read(h, rel, &v, NULL) < 0 || !*v || strchr(v, '\n'))
		return NULL;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return TAKE_PTR(v);
}

void report_host_read(const struct host *h, struct report_host *ret)
{
	struct utsname u;
	bool live = !strcmp(h->root, "/");

	*ret = (struct report_host){
		.name = host_line(h, "proc/sys/kernel/hostname"),
		.kernel = host_line(h, "proc/sys/kernel/osrelease"),
		.time = time(NULL),
	};
	/* a live host that hides /proc/sys still has a name */
	if (live && (!ret->name || !ret->kernel) && uname(&u) == 0) {
		if (!ret->name)
			ret->name = xstrdup(u.nodename);
		if (!ret->kernel)
			ret->kernel = xstrdup(u.release);
	}
}

void report_host_free(struct report_host *rh)
{
	free(rh->name);
	free(rh->kernel);
	rh->name = rh->kernel = NULL;
}

static const char *const status_color[_ST_MAX] = {
	[ST_OK] = "\033[32m",	  [ST_DEVIATION] = "\033[1;31m",
	[ST_MISSING] = "\033[2m", [ST_ERROR] = "\033[1;35m",
	[ST_MANUAL] = "\033[36m",
};

/* A value for a table cell: blanks folded, control characters escaped. */
static char *display_value(const char *s)
{
	_cleanup_free_ char *n = normalize_ws(s ? s : "");

	return display_escape(n);
}

/* A change's value for the table: hosttune's own files (the file domain,
 * "+content" or "-") as a summary, not their whole text. */
static char *display_change_value(const struct change *ch, const char *v)
{
	size_t lines = 0;

	if (!ch->check->ops->internal)
		return display_value(v);
	if (!v || !*v) /* not read: a mask or other file in the way */
		return xstrdup("(unreadable)");
	if (!strcmp(v, "-"))
		return xstrdup("(no file)");
	for (const char *p = v; *p; p++)
		lines += *p == '\n';
	return xasprintf("(%zu line%s)", lines, lines == 1 ? "" : "s");
}

static int width(const char *s)
{
	int n = (int)strlen(s);
	return n > COL_MAX ? COL_MAX : n;
}

/* s, then blanks to w bytes, as "%-*s" prints it: a report's rows are
 * put together here and written whole, not formatted field by field. */
static void add_padded(struct strbuf *sb, const char *s, int w)
{
	static const char blanks[] = "                                ";
	size_t n = strlen(s);

	strbuf_add(sb, s, n);
	while ((long)n < (long)w) {
		size_t k = (size_t)w - n;

		if (k > sizeof(blanks) - 1)
			k = sizeof(blanks) - 1;
		strbuf_add(sb, blanks, k);
		n += k;
	}
}

static void summary_line(FILE *f, const struct ptrvec *checks)
{
	struct summary s;

	engine_summary(checks, &s);
	fprintf(f,
		"%zu check%s: %zu ok, %zu deviation, %zu missing, %zu error, "
		"%zu manual\n",
		s.checks, s.checks == 1 ? "" : "s", s.n[ST_OK],
		s.n[ST_DEVIATION], s.n[ST_MISSING], s.n[ST_ERROR],
		s.n[ST_MANUAL]);
}

static bool quiet_hides(const struct report *r, const struct check *c)
{
	return r->verbosity < 0 &&
	       (c->status == ST_OK || c->status == ST_MISSING);
}

static bool all_hidden(const struct report *r)
{
	for (size_t i = 0; i < r->checks->n; i++)
		if (!quiet_hides(r, r->checks->v[i]))
			return false;
	return true;
}

/* Under a check, with -v: where its setting came from and why it is there. */
static void setting_note(FILE *f, int indent, const struct setting *s)
{
	_cleanup_free_ char *why = display_escape(s->why ? s->why : "");
	_cleanup_free_ char *ref = display_escape(s->ref ? s->ref : "");

	_cleanup_free_ char *file_owned = NULL;
	const char *file = display_shown(s->file, &file_owned);

	fprintf(f, "%*s  from %s:%d%s%s\n", indent, "", file, s->line,
		s->why ? ": " : "", why);
	if (s->ref || s->impact != IMPACT_UNSET)
		fprintf(f, "%*s  impact %s%s%s\n", indent, "",
			impact_name(s->impact) ? impact_name(s->impact) :
						 "unrated",
			s->ref ? "; see " : "", ref);
}

void report_text(FILE *f, const struct report *r)
{
	struct strbuf line = { 0 };
	int wid = 2, wst = 6, wexp = 8;

	for (size_t i = 0; i < r->checks->n; i++) {
		const struct check *c = r->checks->v[i];
		_cleanup_free_ char *exp_owned = NULL;
		const char *exp = display_shown(
			c->setting ? c->setting->expect.text : "", &exp_owned);

		if (quiet_hides(r, c))
			continue;
		if (width(c->id) > wid) /* shown as it is (check_new) */
			wid = width(c->id);
		if ((int)strlen(status_name(c->status)) > wst)
			wst = (int)strlen(status_name(c->status));
		if (width(exp) > wexp)
			wexp = width(exp);
	}
	if (r->verbosity >= 0 || !all_hidden(r))
		fprintf(f, "%-*s  %-*s  %-*s  %s\n", wid, "ID", wst, "STATUS",
			wexp, "EXPECTED", "ACTUAL");
	for (size_t i = 0; i < r->checks->n; i++) {
		const struct check *c = r->checks->v[i];
		_cleanup_free_ char *act = display_escape(c->actual);
		_cleanup_free_ char *exp = display_escape(
			c->setting ? c->setting->expect.text : "");
		_cleanup_free_ char *detail_owned = NULL;

		if (quiet_hides(r, c))
			continue;
		line.len = 0;
		add_padded(&line, c->id, wid);
		strbuf_puts(&line, "  ");
		if (r->color)
			strbuf_puts(&line, status_color[c->status]);
		add_padded(&line, status_name(c->status), wst);
		if (r->color)
			strbuf_puts(&line, "\033[0m");
		strbuf_puts(&line, "  ");
		add_padded(&line, exp, wexp);
		strbuf_puts(&line, "  ");
		strbuf_puts(&line, act);
		if (c->detail) {
			strbuf_puts(&line, " (");
			strbuf_puts(&line,
				    display_shown(c->detail, &detail_owned));
			strbuf_puts(&line, ")");
		}
		if (c->status == ST_OK && c->boot == BOOT_LOST) {
			_cleanup_free_ char *src =
				display_escape(c->boot_source);

			strbuf_puts(&line, " [ok now, overridden at boot by ");
			strbuf_puts(&line, src);
			strbuf_puts(&line, "]");
		} else if (c->status == ST_OK && c->boot == BOOT_NONE) {
			strbuf_puts(&line, " [ok now, lost at reboot]");
		}
		strbuf_puts(&line, "\n");
		fwrite(line.s, 1, line.len, f);
		if (r->verbosity > 0 && c->setting)
			setting_note(f, wid, c->setting);
	}
	free(line.s);
	summary_line(f, r->checks);
}

void report_changes_text(FILE *f, const struct report *r)
{
	int wid = 2, wfrom = 7, wto = 3;
	bool status = !r->dry_run || r->refused;

	for (size_t i = 0; i < r->changes->n; i++) {
		const struct change *ch = r->changes->v[i];
		_cleanup_free_ char *from = display_change_value(ch, ch->from);
		_cleanup_free_ char *to = display_change_value(ch, ch->to);

		if (ch->companion && ch->restore != RS_FAILED &&
		    ch->status != CH_FAILED)
			continue;
		if (width(ch->check->id) > wid)
			wid = width(ch->check->id);
		if (width(from) > wfrom)
			wfrom = width(from);
		if (width(to) > wto)
			wto = width(to);
	}
	if (r->changes->n && !status)
		fprintf(f, "%-*s  %-*s  %s\n", wid, "ID", wfrom, "CURRENT",
			"NEW");
	else if (r->changes->n)
		fprintf(f, "%-*s  %-*s  %-*s  STATUS\n", wid, "ID", wfrom,
			"CURRENT", wto, "NEW");
	for (size_t i = 0; i < r->changes->n; i++) {
		const struct change *ch = r->changes->v[i];
		_cleanup_free_ char *from = display_change_value(ch, ch->from);
		_cleanup_free_ char *to = display_change_value(ch, ch->to);
		_cleanup_free_ char *reason_owned = NULL;

		if (ch->companion && ch->restore != RS_FAILED &&
		    ch->status != CH_FAILED)
			continue;
		fprintf(f, "%-*s  %-*s  %-*s", wid, ch->check->id, wfrom, from,
			status ? wto : 0, to);
		if (status)
			fprintf(f, "  %s", change_status_name(ch->status));
		if (status && ch->reason)
			fprintf(f, " (%s)",
				display_shown(ch->reason, &reason_owned));
		fputc('\n', f);
	}
}

static void json_check(struct json *j, const struct check *c)
{
	json_object(j, NULL, true);
	json_str(j, "id", c->id);
	json_str(j, "domain", c->ops->name);
	if (c->target)
		json_str(j, "target", c->target);
	json_str(j, "key", c->key);
	json_str(j, "expected", c->setting ? c->setting->expect.text : NULL);
	json_str(j, "actual", c->actual);
	json_str(j, "status", status_name(c->status));
	if (c->detail)
		json_str(j, "detail", c->detail);
	if (c->setting) {
		_cleanup_free_ char *src =
			xasprintf("%s:%d", c->setting->file, c->setting->line);

		json_str(j, "source", src);
		json_str(j, "why", c->setting->why);
		json_str(j, "ref", c->setting->ref);
		json_str(j, "impact", impact_name(c->setting->impact));
	}
	if (c->boot == BOOT_NONE)
		json_null(j, "persisted");
	else if (c->boot != BOOT_UNJUDGED)
		json_bool(j, "persisted", c->boot == BOOT_HOLDS);
	if (c->boot != BOOT_UNJUDGED)
		json_str(j, "boot_source", c->boot_source);
	json_end(j);
}

static void json_changes(struct json *j, const struct ptrvec *changes)
{
	json_array(j, "changes", false);
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		if (ch->companion && ch->restore != RS_FAILED &&
		    ch->status != CH_FAILED)
			continue;
		json_object(j, NULL, true);
		json_str(j, "id", ch->check->id);
		json_str(j, "from", ch->from);
		json_str(j, "to", ch->to);
		json_str(j, "status", change_status_name(ch->status));
		if (ch->reason || ch->status == CH_PLANNED)
			json_str(j, "reason",
				 ch->reason ? ch->reason : "dry run");
		if (ch->restore == RS_FAILED)
			json_bool(j, "restored", false);
		if (ch->changed_since)
			json_str(j, "changed_since", ch->changed_since);
		if (ch->companion)
			json_bool(j, "side_effect", true);
		json_end(j);
	}
	json_end(j);
}

void report_json_head(struct json *j, FILE *f, const char *command)
{
	json_begin(j, f, false);
	json_str(j, "hosttune", HOSTTUNE_VERSION);
	json_str(j, "command", command);
}

void report_json_error(struct json *j, const char *message, int exit_code)
{
	json_object(j, "error", true);
	json_str(j, "message", message);
	json_int(j, "exit", exit_code);
	json_end(j);
}

static void assert_ids_unique(const struct ptrvec *checks);

void report_json(FILE *f, const struct report *r)
{
	struct summary s;
	struct json j;

	if (!r->changes)
		assert_ids_unique(r->checks);
	engine_summary(r->checks, &s);
	report_json_head(&j, f, r->command);
	json_array(&j, "profiles", true);
	for (size_t i = 0; r->profiles && i < r->profiles->n; i++)
		json_str(&j, NULL, r->profiles->v[i]);
	json_end(&j);
	json_str(&j, "root", r->root);
	if (r->host) {
		char when[32];
		struct tm tm;

		json_object(&j, "host", true);
		json_str(&j, "name", r->host->name);
		json_str(&j, "kernel", r->host->kernel);
		if (gmtime_r(&r->host->time, &tm) &&
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
			json_str(&j, "time", when);
		else
			json_null(&j, "time");
		json_end(&j);
	}
	if (r->changes)
		json_bool(&j, "dry_run", r->dry_run);
	json_object(&j, "summary", true);
	json_uint(&j, "checks", s.checks);
	for (int i = 0; i < _ST_MAX; i++)
		json_uint(&j, status_name(i), s.n[i]);
	json_end(&j);
	json_array(&j, "results", false);
	for (size_t i = 0; i < r->checks->n; i++)
		json_check(&j, r->checks->v[i]);
	json_end(&j);
	if (r->changes) {
		json_str(&j, "snapshot", r->snapshot);
		if (r->undo_snapshot)
			json_str(&j, "undo_snapshot", r->undo_snapshot);
		json_changes(&j, r->changes);
	}
	if (r->error)
		report_json_error(&j, r->error, r->exit_code);
	json_finish(&j);
}

/* A label's value as the exposition format escapes it, after
 * display_escape: a control byte or invalid UTF-8 from a host's name
 * becomes its \\xNN text, so the file stays valid UTF-8 and no byte of it
 * reaches a terminal that shows it raw. */
static void prom_label(FILE *f, const char *name, const char *value)
{
	_cleanup_free_ char *owned = NULL;
	const char *s = display_shown(value, &owned);

	fprintf(f, "%s=\"", name);
	for (; *s; s++)
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	fputc('"', f);
}

static void prom_head(FILE *f, const char *metric, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

/* One series: metric{profile="P"[,name="value"]...} */
static void prom_series(FILE *f, const char *metric, const char *profile,
			const char *const *labels)
{
	fprintf(f, "%s{", metric);
	prom_label(f, "profile", profile);
	for (; labels && labels[0]; labels += 2) {
		fputc(',', f);
		prom_label(f, labels[0], labels[1]);
	}
	fputs("} ", f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every id of a report is unique, or two series (and two JSON results)
 * would say different things of the same setting: a bug of ours. */
static void assert_ids_unique(const struct ptrvec *checks)
{
	const char **ids = xcalloc(checks->n + 1, sizeof(*ids));

	for (size_t i = 0; i < checks->n; i++)
		ids[i] = ((struct check *)checks->v[i])->id;
	qsort(ids, checks->n, sizeof(*ids), cmp_str);
	for (size_t i = 1; i < checks->n; i++)
		if (!strcmp(ids[i - 1], ids[i])) {
			fprintf(stderr,
				"hosttune: internal error: id %s twice "
				"in one report\n",
				ids[i]);
			abort();
		}
	free(ids);
}

void report_prometheus(FILE *f, const struct report *r)
{
	struct strbuf names = { 0 };
	const char *profile;
	struct summary s;

	assert_ids_unique(r->checks);
	for (size_t i = 0; r->profiles && i < r->profiles->n; i++)
		strbuf_printf(&names, "%s%s", i ? "," : "",
			      (char *)r->profiles->v[i]);
	profile = names.s ? names.s : "";
	engine_summary(r->checks, &s);
	prom_head(f, "hosttune_check_ok", "gauge",
		  "Whether a check passes: 1 when ok or missing, 0 when a "
		  "deviation, an error or manual.");
	for (size_t i = 0; i < r->checks->n; i++) {
		const struct check *c = r->checks->v[i];
		const char *labels[] = { "domain", c->ops->name, "id", c->id,
					 NULL };

		prom_series(f, "hosttune_check_ok", profile, labels);
		fprintf(f, "%d\n",
			c->status == ST_OK || c->status == ST_MISSING);
	}
	prom_head(f, "hosttune_checks", "gauge",
		  "Checks of the audit, by status.");
	for (int st = 0; st < _ST_MAX; st++) {
		const char *labels[] = { "status", status_name(st), NULL };

		prom_series(f, "hosttune_checks", profile, labels);
		fprintf(f, "%zu\n", s.n[st]);
	}
	prom_head(f, "hosttune_audit_duration_seconds", "gauge",
		  "How long the audit took.");
	prom_series(f, "hosttune_audit_duration_seconds", profile, NULL);
	fprintf(f, "%.6f\n", r->duration);
	prom_head(f, "hosttune_last_run_timestamp_seconds", "gauge",
		  "When the audit ran, in seconds since the epoch.");
	prom_series(f, "hosttune_last_run_timestamp_seconds", profile, NULL);
	fprintf(f, "%lld\n", (long long)time(NULL));
	prom_head(f, "hosttune_build_info", "gauge",
		  "The hosttune that wrote these series.");
	{
		const char *labels[] = { "version", HOSTTUNE_VERSION, NULL };

		prom_series(f, "hosttune_build_info", profile, labels);
	}
	fputs("1\n", f);
	free(names.s);
}
