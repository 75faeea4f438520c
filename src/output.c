// SPDX-License-Identifier: GPL-2.0-or-later
/* The output formats: an aligned text table, JSON, Prometheus text. */
#include <string.h>
#include <time.h>

#include "hosttune/output.h"

#define COL_MAX 56

static const char *const status_color[_ST_MAX] = {
	[ST_OK] = "\033[32m",	  [ST_DEVIATION] = "\033[1;31m",
	[ST_MISSING] = "\033[2m", [ST_ERROR] = "\033[1;35m",
	[ST_MANUAL] = "\033[36m",
};

/* Values come from the host and from fixture trees: never let one move the
 * cursor or change the terminal. */
char *display_escape(const char *s)
{
	struct strbuf sb = { 0 };

	if (!s)
		return xstrdup("-");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(&sb, "\\x%02x", *p);
		else
			strbuf_add(&sb, (const char *)p, 1);
	return strbuf_take(&sb);
}

/* A value for a table cell: blanks folded, control characters escaped. */
static char *display_value(const char *s)
{
	_cleanup_free_ char *n = normalize_ws(s ? s : "");

	return display_escape(n);
}

static int width(const char *s)
{
	int n = (int)strlen(s);
	return n > COL_MAX ? COL_MAX : n;
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

void report_text(FILE *f, const struct report *r)
{
	int wid = 2, wst = 6, wexp = 8;

	for (size_t i = 0; i < r->checks->n; i++) {
		const struct check *c = r->checks->v[i];
		const char *exp = c->setting ? c->setting->expect.text : "";

		if (quiet_hides(r, c))
			continue;
		if (width(c->id) > wid)
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

		if (quiet_hides(r, c))
			continue;
		fprintf(f, "%-*s  %s%-*s%s  %-*s  %s", wid, c->id,
			r->color ? status_color[c->status] : "", wst,
			status_name(c->status), r->color ? "\033[0m" : "", wexp,
			exp, act);
		if (c->detail)
			fprintf(f, " (%s)", c->detail);
		fputc('\n', f);
		if (r->verbosity > 0 && c->setting) {
			_cleanup_free_ char *why = display_escape(
				c->setting->why ? c->setting->why : "");
			fprintf(f, "%*s  from %s:%d%s%s\n", wid, "",
				c->setting->file, c->setting->line,
				c->setting->why ? ": " : "",
				c->setting->why ? why : "");
		}
	}
	summary_line(f, r->checks);
}

void report_changes_text(FILE *f, const struct report *r)
{
	int wid = 2, wfrom = 7, wto = 3;

	for (size_t i = 0; i < r->changes->n; i++) {
		const struct change *ch = r->changes->v[i];
		_cleanup_free_ char *from = display_value(ch->from);
		_cleanup_free_ char *to = display_value(ch->to);

		if (ch->companion)
			continue;
		if (width(ch->check->id) > wid)
			wid = width(ch->check->id);
		if (width(from) > wfrom)
			wfrom = width(from);
		if (width(to) > wto)
			wto = width(to);
	}
	if (r->changes->n && r->dry_run)
		fprintf(f, "%-*s  %-*s  %s\n", wid, "ID", wfrom, "CURRENT",
			"NEW");
	else if (r->changes->n)
		fprintf(f, "%-*s  %-*s  %-*s  STATUS\n", wid, "ID", wfrom,
			"CURRENT", wto, "NEW");
	for (size_t i = 0; i < r->changes->n; i++) {
		const struct change *ch = r->changes->v[i];
		_cleanup_free_ char *from = display_value(ch->from);
		_cleanup_free_ char *to = display_value(ch->to);

		if (ch->companion)
			continue;
		fprintf(f, "%-*s  %-*s  %-*s", wid, ch->check->id, wfrom, from,
			r->dry_run ? 0 : wto, to);
		if (!r->dry_run)
			fprintf(f, "  %s", change_status_name(ch->status));
		if (!r->dry_run && ch->reason)
			fprintf(f, " (%s)", ch->reason);
		fputc('\n', f);
	}
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		int len = 1;

		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p < 0x80)
			fputc(*p, f);
		else {
			/* Pass valid UTF-8 through; replace anything else. */
			len = (*p & 0xe0) == 0xc0 ? 2 :
			      (*p & 0xf0) == 0xe0 ? 3 :
			      (*p & 0xf8) == 0xf0 ? 4 :
						    0;
			for (int k = 1; k < len; k++)
				if ((p[k] & 0xc0) != 0x80)
					len = 0;
			if (len == 2 && *p < 0xc2)
				len = 0;
			if (len)
				fwrite(p, 1, (size_t)len, f);
			else {
				fputs("\\ufffd", f);
				len = 1;
			}
		}
		p += len;
	}
	fputc('"', f);
}

static void json_check(FILE *f, const struct check *c)
{
	fputs("{\"id\": ", f);
	json_string(f, c->id);
	fputs(", \"domain\": ", f);
	json_string(f, c->ops->name);
	if (c->target) {
		fputs(", \"target\": ", f);
		json_string(f, c->target);
	}
	fputs(", \"key\": ", f);
	json_string(f, c->key);
	fputs(", \"expected\": ", f);
	json_string(f, c->setting ? c->setting->expect.text : NULL);
	fputs(", \"actual\": ", f);
	json_string(f, c->actual);
	fputs(", \"status\": ", f);
	json_string(f, status_name(c->status));
	if (c->detail) {
		fputs(", \"detail\": ", f);
		json_string(f, c->detail);
	}
	if (c->setting) {
		fprintf(f, ", \"source\": ");
		_cleanup_free_ char *src =
			xasprintf("%s:%d", c->setting->file, c->setting->line);
		json_string(f, src);
		fputs(", \"why\": ", f);
		json_string(f, c->setting->why);
	}
	fputc('}', f);
}

static void json_changes(FILE *f, const struct ptrvec *changes)
{
	size_t shown = 0;

	fputs(",\n  \"changes\": [", f);
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];

		if (ch->companion)
			continue;
		fputs(shown++ ? ",\n    {\"id\": " : "\n    {\"id\": ", f);
		json_string(f, ch->check->id);
		fputs(", \"from\": ", f);
		json_string(f, ch->from);
		fputs(", \"to\": ", f);
		json_string(f, ch->to);
		fputs(", \"status\": ", f);
		json_string(f, change_status_name(ch->status));
		if (ch->reason || ch->status == CH_PLANNED) {
			fputs(", \"reason\": ", f);
			json_string(f, ch->reason ? ch->reason : "dry run");
		}
		fputc('}', f);
	}
	fputs(shown ? "\n  ]" : "]", f);
}

void report_json(FILE *f, const struct report *r)
{
	struct summary s;

	engine_summary(r->checks, &s);
	fputs("{\n  \"hosttune\": ", f);
	json_string(f, HOSTTUNE_VERSION);
	fputs(",\n  \"command\": ", f);
	json_string(f, r->command);
	fputs(",\n  \"profiles\": [", f);
	for (size_t i = 0; r->profiles && i < r->profiles->n; i++) {
		if (i)
			fputs(", ", f);
		json_string(f, r->profiles->v[i]);
	}
	fputs("],\n  \"root\": ", f);
	json_string(f, r->root);
	if (r->changes)
		fprintf(f, ",\n  \"dry_run\": %s",
			r->dry_run ? "true" : "false");
	fprintf(f, ",\n  \"summary\": {\"checks\": %zu", s.checks);
	for (int i = 0; i < _ST_MAX; i++)
		fprintf(f, ", \"%s\": %zu", status_name(i), s.n[i]);
	fputs("},\n  \"results\": [", f);
	for (size_t i = 0; i < r->checks->n; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_check(f, r->checks->v[i]);
	}
	fputs(r->checks->n ? "\n  ]" : "]", f);
	if (r->changes) {
		fputs(",\n  \"snapshot\": ", f);
		json_string(f, r->snapshot);
		if (r->undo_snapshot) {
			fputs(",\n  \"undo_snapshot\": ", f);
			json_string(f, r->undo_snapshot);
		}
		json_changes(f, r->changes);
	}
	fputs("\n}\n", f);
}

static void prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	fputc('"', f);
}

void report_prometheus(FILE *f, const struct report *r)
{
	struct strbuf names = { 0 };
	struct summary s;

	for (size_t i = 0; r->profiles && i < r->profiles->n; i++) {
		if (i)
			strbuf_puts(&names, ",");
		strbuf_puts(&names, r->profiles->v[i]);
	}
	engine_summary(r->checks, &s);
	fputs("# HELP hosttune_check_ok Whether a check passes (1: ok, missing "
	      "or manual) or not (0: deviation or error).\n"
	      "# TYPE hosttune_check_ok gauge\n",
	      f);
	for (size_t i = 0; i < r->checks->n; i++) {
		const struct check *c = r->checks->v[i];

		fputs("hosttune_check_ok{profile=", f);
		prom_label(f, names.s ? names.s : "");
		fputs(",domain=", f);
		prom_label(f, c->ops->name);
		fputs(",id=", f);
		prom_label(f, c->id);
		fputs(",status=", f);
		prom_label(f, status_name(c->status));
		fprintf(f, "} %d\n",
			c->status != ST_DEVIATION && c->status != ST_ERROR);
	}
	fputs("# HELP hosttune_deviations Checks that deviate from the "
	      "profile.\n# TYPE hosttune_deviations gauge\n"
	      "hosttune_deviations{profile=",
	      f);
	prom_label(f, names.s ? names.s : "");
	fprintf(f, "} %zu\n", s.n[ST_DEVIATION]);
	fputs("# HELP hosttune_errors Checks that could not be read.\n"
	      "# TYPE hosttune_errors gauge\nhosttune_errors{profile=",
	      f);
	prom_label(f, names.s ? names.s : "");
	fprintf(f, "} %zu\n", s.n[ST_ERROR]);
	fprintf(f,
		"# HELP hosttune_audit_duration_seconds Time the audit "
		"took.\n# TYPE hosttune_audit_duration_seconds gauge\n"
		"hosttune_audit_duration_seconds %.6f\n"
		"# HELP hosttune_last_run_timestamp_seconds When the audit "
		"ran.\n# TYPE hosttune_last_run_timestamp_seconds gauge\n"
		"hosttune_last_run_timestamp_seconds %lld\n",
		r->duration, (long long)time(NULL));
	free(names.s);
}
