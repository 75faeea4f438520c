// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The html format: one self-contained page for people, for audit and trial
 * (html.h). Plain fprintf; every value from the host or a profile goes
 * through html_text(). No script and nothing fetched: the page's
 * Content-Security-Policy allows only its own inline style (and data:
 * images, of which it has none).
 */
#include <string.h>
#include <time.h>

#include "hosttune/html.h"

/* ---- text ------------------------------------------------------------ */

void html_text(FILE *f, const char *s, bool keep_lines)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");

	while (*p) {
		uint32_t cp = 0;
		size_t n = 1;

		if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '"')
			fputs("&quot;", f);
		else if (*p == '\'')
			fputs("&#39;", f);
		else if ((*p >= 0x20 && *p < 0x7f) ||
			 (keep_lines && (*p == '\n' || *p == '\t')))
			fputc(*p, f);
		else if (*p < 0x80) /* the other control bytes */
			fprintf(f, "<span class=\"esc\">\\x%02x</span>", *p);
		else if ((n = utf8_seq(p, &cp)) == 0) {
			fprintf(f, "<span class=\"esc\">\\x%02x</span>", *p);
			n = 1;
		} else if (codepoint_hides(cp))
			fprintf(f, "<span class=\"esc\">\\u%04x</span>", cp);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
}

/* ---- the score ------------------------------------------------------- */

unsigned html_weight(enum impact i)
{
	return i == IMPACT_HIGH ? 3 : i == IMPACT_MEDIUM ? 2 : 1;
}

static enum impact impact_of(const struct check *c)
{
	return c->setting ? c->setting->impact : IMPACT_UNSET;
}

/* Does the audit judge c (count it in the score, list it as a finding
 * when it is not ok)? As audit's exit status: a missing setting only
 * under strict, and never an optional one. */
static bool judged(const struct check *c, bool strict)
{
	if (c->status != ST_MISSING)
		return true;
	return strict && c->setting && !c->setting->optional;
}

int html_score(const struct ptrvec *checks, bool strict, unsigned *ret_ok,
	       unsigned *ret_judged)
{
	unsigned ok = 0, all = 0;

	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];
		unsigned w = html_weight(impact_of(c));

		if (!judged(c, strict))
			continue;
		all += w;
		if (c->status == ST_OK)
			ok += w;
	}
	if (ret_ok)
		*ret_ok = ok;
	if (ret_judged)
		*ret_judged = all;
	if (!all)
		return -1;
	/* rounded down: 100 only when every judged check is ok */
	return (int)((uint64_t)ok * 100 / all);
}

/* ---- the page -------------------------------------------------------- */

static const char *const status_fill[_ST_MAX] = {
	[ST_OK] = "#2e7d32",	  [ST_DEVIATION] = "#c62828",
	[ST_MISSING] = "#9e9e9e", [ST_ERROR] = "#8e24aa",
	[ST_MANUAL] = "#00838f",
};

/* Chart and legend order: what is fine first, then what is wrong. */
static const enum status chart_order[] = { ST_OK, ST_DEVIATION, ST_MANUAL,
					   ST_ERROR, ST_MISSING };

static const char style[] =
	"*{box-sizing:border-box}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'DejaVu Sans',sans-serif;color:#1b1b1b;background:#fff;"
	"margin:0 auto;max-width:76rem;padding:1rem}"
	"h1{font-size:1.5rem;margin:.2rem 0 .3rem}"
	"h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.2rem;"
	"border-bottom:2px solid #d0d0d0}"
	".sub{color:#444;margin:0 0 1rem}"
	".grid{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(16rem,1fr));gap:1rem 2rem;align-items:start}"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;"
	"gap:.15rem .8rem;margin:0}"
	"dt{font-weight:600;color:#333}dd{margin:0;overflow-wrap:anywhere}"
	".score{font-size:2.6rem;font-weight:700;line-height:1.1}"
	".counts{list-style:none;padding:0;margin:.4rem 0 0;display:flex;"
	"flex-wrap:wrap;gap:.4rem}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;"
	"border-bottom:1px solid #d8d8d8}"
	"th{background:#f0f0f0}td{overflow-wrap:break-word}"
	"td.mono{overflow-wrap:anywhere;min-width:9em}.wrap{overflow-x:auto}"
	".num{text-align:right;font-variant-numeric:tabular-nums}"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',"
	"monospace;font-size:.9em}"
	"pre{background:#f5f5f5;border:1px solid #d0d0d0;padding:.6rem;"
	"overflow-x:auto;white-space:pre}"
	"code{background:#f2f2f2;padding:0 .2rem;overflow-wrap:anywhere}"
	".st{display:inline-block;padding:0 .4rem;border:1px solid;"
	"border-radius:.25rem;font-weight:600;white-space:nowrap}"
	".st-ok{background:#e6f4e6;color:#1b5e20}"
	".st-deviation{background:#fde4e4;color:#8e0000}"
	".st-missing{background:#eee;color:#424242}"
	".st-error{background:#f5e3f7;color:#5e1470}"
	".st-manual{background:#e0f2f5;color:#004d57}"
	".imp{font-weight:600;white-space:nowrap}"
	".esc{background:#fff0a8;color:#4e3400;border:1px dotted #4e3400;"
	"font-family:ui-monospace,'DejaVu Sans Mono',monospace}"
	".note{color:#444;font-size:.92em}"
	".warn{border-left:4px solid #c62828;padding:.3rem .7rem;"
	"background:#fff5f5}"
	"svg{max-width:100%;height:auto;display:block}"
	"svg text{font:14px system-ui,'DejaVu Sans',sans-serif;fill:#1b1b1b}"
	".legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
	"gap:.3rem 1rem;margin:.4rem 0}"
	".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
	"vertical-align:-.1em;border:1px solid #555}"
	"details summary{cursor:pointer;font-weight:600;margin:.5rem 0}"
	"footer{margin-top:2.5rem;border-top:1px solid #d0d0d0;color:#333;"
	"font-size:.92em}"
	"@media (max-width:44rem){"
	"body{padding:.6rem}"
	"table.cards thead{display:none}"
	"table.cards tr{display:block;border:1px solid #ccc;margin:.6rem 0;"
	"padding:.2rem}"
	"table.cards td{display:block;border:0;padding:.15rem .3rem;"
	"min-width:0}"
	"table.cards td[data-label]::before{content:attr(data-label) ': ';"
	"font-weight:600;color:#333}}"
	"@media print{body{max-width:none;padding:0;font-size:11pt}"
	"h2{break-after:avoid}tr,svg{break-inside:avoid}"
	"pre{white-space:pre-wrap}}";

static void head(FILE *f, const char *what, const char *name)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "img-src data:\">\n"
	      "<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"hosttune " HOSTTUNE_VERSION
	      "\">\n"
	      "<title>hosttune ",
	      f);
	fputs(what, f);
	fputs(": ", f);
	html_text(f, name, false);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
}

static void status_label(FILE *f, enum status s)
{
	fprintf(f, "<span class=\"st st-%s\">%s</span>", status_name(s),
		status_name(s));
}

static void code(FILE *f, const char *s)
{
	fputs("<code>", f);
	html_text(f, s, false);
	fputs("</code>", f);
}

/* A table cell with the label a phone-width layout shows before it. */
static void td_open(FILE *f, const char *label, const char *cls)
{
	fprintf(f, "<td data-label=\"%s\"%s%s%s>", label,
		cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
}

static void td_text(FILE *f, const char *label, const char *s, bool mono)
{
	td_open(f, label, mono ? "mono" : NULL);
	html_text(f, s, false);
	fputs("</td>", f);
}

static void fact(FILE *f, const char *name, const char *value)
{
	fprintf(f, "<dt>%s</dt><dd>", name);
	html_text(f, value, false);
	fputs("</dd>\n", f);
}

static void utc_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "unknown");
}

static void host_facts(FILE *f, const struct report_host *h, const char *root)
{
	char when[40];

	fact(f, "Host", h && h->name ? h->name : "(unknown)");
	fact(f, "Kernel", h && h->kernel ? h->kernel : "(unknown)");
	utc_time(h ? h->time : time(NULL), when, sizeof(when));
	fact(f, "Time", when);
	if (root && strcmp(root, "/"))
		fact(f, "Root", root);
}

static char *names_joined(const struct ptrvec *profiles)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; profiles && i < profiles->n; i++)
		strbuf_printf(&sb, "%s%s", i ? ", " : "",
			      (const char *)profiles->v[i]);
	return sb.s ? strbuf_take(&sb) : xstrdup("(none)");
}

static void summary_section(FILE *f, const struct html_audit *a)
{
	const struct report *r = a->r;
	_cleanup_free_ char *names = names_joined(r->profiles);
	unsigned ok, all;
	int score = html_score(r->checks, a->strict, &ok, &all);
	struct summary s;

	engine_summary(r->checks, &s);
	fputs("<section id=\"summary\" aria-labelledby=\"h-summary\">\n"
	      "<h2 id=\"h-summary\">Summary</h2>\n<div class=\"grid\">\n"
	      "<dl class=\"facts\">\n",
	      f);
	host_facts(f, r->host, r->root);
	fact(f, r->profiles && r->profiles->n > 1 ? "Profiles" : "Profile",
	     names);
	if (a->strict)
		fact(f, "Mode", "--strict: a missing setting is a finding");
	fputs("</dl>\n<div>\n<div>Score <a href=\"#score\">(how)</a></div>\n"
	      "<div class=\"score\" id=\"score-value\">",
	      f);
	if (score < 0)
		fputs("n/a</div>\n<div class=\"note\">nothing was judged</div>\n",
		      f);
	else
		fprintf(f,
			"%d%%</div>\n<div class=\"note\">weight %u ok of "
			"%u judged</div>\n",
			score, ok, all);
	fprintf(f, "<div>%zu check%s:</div>\n<ul class=\"counts\">\n", s.checks,
		s.checks == 1 ? "" : "s");
	for (size_t i = 0; i < ARRAY_SIZE(chart_order); i++) {
		fprintf(f, "<li>%zu ", s.n[chart_order[i]]);
		status_label(f, chart_order[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</div>\n</div>\n</section>\n", f);
}

/* The domains of a report in the order they first appear. */
static size_t domains_of(const struct ptrvec *checks, const char **names,
			 size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++) {
		const char *d = ((const struct check *)checks->v[i])->ops->name;
		size_t k = 0;

		while (k < n && strcmp(names[k], d))
			k++;
		if (k == n && n < max)
			names[n++] = d;
	}
	return n;
}

static void domain_counts(const struct ptrvec *checks, const char *domain,
			  size_t *counts, size_t *total)
{
	memset(counts, 0, _ST_MAX * sizeof(*counts));
	*total = 0;
	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];

		if (!strcmp(c->ops->name, domain)) {
			counts[c->status]++;
			(*total)++;
		}
	}
}

#define CHART_W 600
#define ROW_H 52

/* One domain's row: its counts in words, then a bar with a segment per
 * status, each with its title; a narrow chart, so a phone can read it. */
static void domain_bar(FILE *f, const char *domain, const size_t *counts,
		       size_t total, int y)
{
	double x = 0;

	fprintf(f, "<g>\n<text x=\"0\" y=\"%d\"><tspan font-weight=\"bold\">",
		y + 16);
	html_text(f, domain, false);
	fprintf(f,
		"</tspan>: %zu of %zu ok, %zu deviation, %zu manual, "
		"%zu error, %zu missing</text>\n",
		counts[ST_OK], total, counts[ST_DEVIATION], counts[ST_MANUAL],
		counts[ST_ERROR], counts[ST_MISSING]);
	for (size_t i = 0; total && i < ARRAY_SIZE(chart_order); i++) {
		enum status st = chart_order[i];
		double w = (double)counts[st] * CHART_W / (double)total;

		if (!counts[st])
			continue;
		fprintf(f,
			"<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
			"height=\"20\" fill=\"%s\" stroke=\"#fff\">"
			"<title>",
			x, y + 24, w, status_fill[st]);
		html_text(f, domain, false);
		fprintf(f, ": %zu %s</title></rect>\n", counts[st],
			status_name(st));
		x += w;
	}
	fputs("</g>\n", f);
}

static void legend(FILE *f)
{
	fputs("<ul class=\"legend\" aria-hidden=\"true\">", f);
	for (size_t i = 0; i < ARRAY_SIZE(chart_order); i++)
		fprintf(f,
			"<li><span class=\"sw\" style=\"background:%s\">"
			"</span>%s</li>",
			status_fill[chart_order[i]],
			status_name(chart_order[i]));
	fputs("</ul>\n", f);
}

static void domains_section(FILE *f, const struct ptrvec *checks)
{
	const char *names[64];
	size_t n = domains_of(checks, names, ARRAY_SIZE(names));
	size_t counts[_ST_MAX], total;
	int height = (int)n * ROW_H;

	fputs("<section id=\"domains\" aria-labelledby=\"h-domains\">\n"
	      "<h2 id=\"h-domains\">Compliance per domain</h2>\n",
	      f);
	if (!n) {
		fputs("<p>No checks.</p>\n</section>\n", f);
		return;
	}
	fprintf(f,
		"<svg id=\"domain-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" aria-labelledby=\"chart-title chart-desc\">\n"
		"<title id=\"chart-title\">Checks per domain by status"
		"</title>\n<desc id=\"chart-desc\">",
		CHART_W, height, CHART_W, height);
	for (size_t i = 0; i < n; i++) {
		domain_counts(checks, names[i], counts, &total);
		html_text(f, names[i], false);
		fprintf(f, ": %zu of %zu ok. ", counts[ST_OK], total);
	}
	fputs("</desc>\n", f);
	for (size_t i = 0; i < n; i++) {
		domain_counts(checks, names[i], counts, &total);
		domain_bar(f, names[i], counts, total, (int)i * ROW_H);
	}
	fputs("</svg>\n", f);
	legend(f);
	fputs("</section>\n", f);
}

static int impact_rank(const struct check *c)
{
	return (int)impact_of(c);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct check *x = *(const struct check *const *)a;
	const struct check *y = *(const struct check *const *)b;

	if (impact_rank(x) != impact_rank(y))
		return impact_rank(y) - impact_rank(x);
	return strcmp(x->id, y->id);
}

static void impact_cell(FILE *f, const struct check *c)
{
	const char *name = impact_name(impact_of(c));

	td_open(f, "Impact", "imp");
	fputs(name ? name : "unrated", f);
	fputs("</td>", f);
}

static void source_cell(FILE *f, const struct check *c)
{
	td_open(f, "Source", "mono");
	if (c->setting) {
		html_text(f, c->setting->file, false);
		fprintf(f, ":%d", c->setting->line);
	} else {
		fputs("-", f);
	}
	fputs("</td>", f);
}

/* What a check's status needs said: the domain's detail, and whether an
 * ok value outlives a reboot. */
static void notes(FILE *f, const struct check *c)
{
	if (c->detail) {
		fputs("<div class=\"note\">", f);
		html_text(f, c->detail, false);
		fputs("</div>", f);
	}
	if (c->status == ST_OK && c->boot == BOOT_LOST) {
		fputs("<div class=\"note\">ok now, overridden at boot by ", f);
		html_text(f, c->boot_source, false);
		fputs("</div>", f);
	} else if (c->status == ST_OK && c->boot == BOOT_NONE) {
		fputs("<div class=\"note\">ok now, lost at reboot</div>", f);
	}
}

static void finding_row(FILE *f, const struct check *c)
{
	const struct setting *s = c->setting;

	fputs("<tr>", f);
	impact_cell(f, c);
	td_open(f, "Status", NULL);
	status_label(f, c->status);
	fputs("</td>", f);
	td_text(f, "Setting", c->id, true);
	td_open(f, "Current", "mono");
	html_text(f, c->actual, false);
	notes(f, c);
	fputs("</td>", f);
	td_text(f, "Wanted", s ? s->expect.text : NULL, true);
	td_text(f, "Why", s ? s->why : NULL, false);
	td_text(f, "Reference", s ? s->ref : NULL, true);
	source_cell(f, c);
	fputs("</tr>\n", f);
}

static void findings_section(FILE *f, const struct html_audit *a)
{
	const struct ptrvec *checks = a->r->checks;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): v holds pointers */
	const struct check **v = xcalloc(checks->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];

		if (c->status != ST_OK && judged(c, a->strict))
			v[n++] = c;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): v holds pointers */
	qsort(v, n, sizeof(*v), cmp_finding);
	fprintf(f,
		"<section id=\"findings\" aria-labelledby=\"h-findings\">\n"
		"<h2 id=\"h-findings\">Findings (%zu)</h2>\n",
		n);
	if (!n) {
		fprintf(f, "<p>None: every check is ok%s.</p>\n</section>\n",
			a->strict ? "" : " or missing");
		free(v);
		return;
	}
	fputs("<p>Deviations, manual findings and errors, highest impact "
	      "first.</p>\n<div class=\"wrap\"><table class=\"cards\">\n"
	      "<thead><tr><th>Impact</th><th>Status</th><th>Setting</th>"
	      "<th>Current</th><th>Wanted</th><th>Why</th><th>Reference</th>"
	      "<th>Source</th></tr></thead>\n<tbody>\n",
	      f);
	for (size_t i = 0; i < n; i++)
		finding_row(f, v[i]);
	fputs("</tbody></table></div>\n</section>\n", f);
	free(v);
}

/* Checks that hold now but not after a reboot: nothing sets them at
 * boot, or what does sets something else. */
static size_t count_lost_at_boot(const struct ptrvec *checks)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];

		n += c->status == ST_OK &&
		     (c->boot == BOOT_LOST || c->boot == BOOT_NONE);
	}
	return n;
}

static void manual_list(FILE *f, const struct ptrvec *checks)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++)
		n += ((const struct check *)checks->v[i])->status == ST_MANUAL;
	if (!n)
		return;
	fprintf(f,
		"<p>%zu manual finding%s cannot be changed at run time: "
		"apply leaves %s alone; each needs a reboot or an outside "
		"action (its note in the findings says which):",
		n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	for (size_t i = 0; i < checks->n; i++) {
		const struct check *c = checks->v[i];

		if (c->status != ST_MANUAL)
			continue;
		fputc(' ', f);
		code(f, c->id);
	}
	fputs(".</p>\n", f);
}

static void plan_section(FILE *f, const struct html_audit *a)
{
	const struct html_plan *p = a->plan;
	size_t lost = count_lost_at_boot(a->r->checks);

	fputs("<section id=\"plan\" aria-labelledby=\"h-plan\">\n"
	      "<h2 id=\"h-plan\">Implementation plan</h2>\n",
	      f);
	if (!p || !p->profile) {
		fputs("<p>", f);
		html_text(f, p && p->why_none ? p->why_none : "No plan.",
			  false);
		fputs("</p>\n</section>\n", f);
		return;
	}
	fputs("<p>The preview, nothing written: ", f);
	code(f, p->dry_run_cmd);
	fputs(" prints</p>\n<pre id=\"dry-run\">", f);
	html_text(f, p->text, true);
	fputs("</pre>\n", f);
	if (p->refusal) {
		fputs("<div class=\"warn\"><p>apply refuses this plan as it "
		      "stands, and says on standard error:</p>\n"
		      "<pre id=\"refusal\">hosttune: ",
		      f);
		html_text(f, p->refusal, true);
		fputs("</pre>\n", f);
		if (strstr(p->refusal, "--force"))
			fputs("<p>A change marked <code>--force</code> could "
			      "not be undone by rollback: apply makes it "
			      "only when given <code>--force</code>, and then "
			      "rollback cannot put it back.</p>\n",
			      f);
		fputs("</div>\n", f);
	}
	fputs("<ol>\n<li>Apply: ", f);
	code(f, p->apply_cmd);
	fputs(". It saves the values it will change in a snapshot on disk "
	      "before the first write, writes, reads each value back, and on "
	      "a failure restores everything it changed.</li>\n"
	      "<li>Keep it after a reboot: ",
	      f);
	code(f, p->persist_cmd);
	fputs(" (without <code>--persist</code> the changes last until the "
	      "next boot",
	      f);
	if (lost)
		fprintf(f,
			"; %zu setting%s that %s now %s lost at reboot or "
			"overridden at boot",
			lost, lost == 1 ? "" : "s",
			lost == 1 ? "holds" : "hold", lost == 1 ? "is" : "are");
	fputs(").</li>\n<li>Undo: ", f);
	code(f, p->rollback_cmd);
	fputs(" restores the newest snapshot still in effect, the one apply "
	      "saved, and ends every change made after it.</li>\n</ol>\n",
	      f);
	manual_list(f, a->r->checks);
	fputs("</section>\n", f);
}

static void result_row(FILE *f, const struct check *c)
{
	fputs("<tr>", f);
	td_text(f, "Setting", c->id, true);
	td_open(f, "Status", NULL);
	status_label(f, c->status);
	fputs("</td>", f);
	td_text(f, "Wanted", c->setting ? c->setting->expect.text : NULL, true);
	td_open(f, "Current", "mono");
	html_text(f, c->actual, false);
	notes(f, c);
	fputs("</td>", f);
	impact_cell(f, c);
	source_cell(f, c);
	fputs("</tr>\n", f);
}

static void results_section(FILE *f, const struct ptrvec *checks)
{
	fprintf(f,
		"<section id=\"results\" aria-labelledby=\"h-results\">\n"
		"<h2 id=\"h-results\">All results</h2>\n<details>\n"
		"<summary>Every check (%zu), in profile order</summary>\n"
		"<div class=\"wrap\"><table class=\"cards\">\n"
		"<thead><tr><th>Setting</th><th>Status</th><th>Wanted</th>"
		"<th>Current</th><th>Impact</th><th>Source</th></tr></thead>\n"
		"<tbody>\n",
		checks->n);
	for (size_t i = 0; i < checks->n; i++)
		result_row(f, checks->v[i]);
	fputs("</tbody></table></div>\n</details>\n</section>\n", f);
}

static void audit_footer(FILE *f, bool strict)
{
	fputs("<footer>\n<p id=\"score\"><strong>The score</strong> is the "
	      "impact-weighted share of the judged checks that are ok: "
	      "100 &times; &Sigma; weight(ok) / &Sigma; weight(judged), "
	      "rounded down, so 100% means every judged check is ok. "
	      "Weights: impact high 3, medium 2, low 1, unrated 1. Judged: "
	      "every check that is ok, a deviation, manual or an error "
	      "(the last three count as not ok); a missing setting is "
	      "judged only with <code>--strict</code> and never when "
	      "optional",
	      f);
	fprintf(f,
		"%s. Each check counts once: a glob counts once per "
		"setting it matches.</p>\n",
		strict ? " (this audit ran with --strict)" : "");
	fputs("<p>Written by hosttune " HOSTTUNE_VERSION ". Status: "
	      "<strong>ok</strong> the host satisfies the setting; "
	      "<strong>deviation</strong> it does not, and apply can change "
	      "it; <strong>manual</strong> it does not, and only a reboot or "
	      "an outside action can; <strong>error</strong> it could not be "
	      "read; <strong>missing</strong> the setting does not exist on "
	      "this host.</p>\n</footer>\n",
	      f);
}

void report_html(FILE *f, const struct html_audit *a)
{
	const struct report *r = a->r;
	const char *name = r->host && r->host->name ? r->host->name :
						      "(unknown host)";
	_cleanup_free_ char *names = names_joined(r->profiles);

	head(f, "audit", name);
	fputs("<header>\n<h1>hosttune audit of ", f);
	html_text(f, name, false);
	fputs("</h1>\n<p class=\"sub\">against ", f);
	html_text(f, names, false);
	fputs("</p>\n</header>\n<main>\n", f);
	summary_section(f, a);
	domains_section(f, r->checks);
	findings_section(f, a);
	plan_section(f, a);
	results_section(f, r->checks);
	fputs("</main>\n", f);
	audit_footer(f, a->strict);
	fputs("</body>\n</html>\n", f);
}

/* ---- trial ----------------------------------------------------------- */

static void config_row(FILE *f, const struct html_config *c)
{
	fputs("<tr>", f);
	td_text(f, "Configuration", c->name, false);
	fprintf(f,
		"<td data-label=\"Runs\" class=\"num\">%zu</td>"
		"<td data-label=\"Median\" class=\"num\">%.6g</td>"
		"<td data-label=\"p95\" class=\"num\">%.6g</td>"
		"<td data-label=\"Min\" class=\"num\">%.6g</td>"
		"<td data-label=\"Max\" class=\"num\">%.6g</td>"
		"<td data-label=\"Spread (MAD)\" class=\"num\">%.6g</td>"
		"<td data-label=\"CPU user/system s\" class=\"num\">"
		"%.3f / %.3f</td></tr>\n",
		c->n, c->st.median, c->st.p95, c->st.min, c->st.max, c->st.mad,
		c->user_s, c->sys_s);
}

#define PLOT_X 110
#define PLOT_W 700

static double plot_x(double v, double lo, double hi)
{
	return PLOT_X +
	       (hi > lo ? (v - lo) / (hi - lo) * PLOT_W : PLOT_W / 2.0);
}

/* One configuration's samples as dots on the shared axis, its median as
 * a bar. */
static void sample_row(FILE *f, const struct html_config *c, double lo,
		       double hi, int y, const char *fill)
{
	double mx = plot_x(c->st.median, lo, hi);

	fprintf(f, "<g>\n<text x=\"0\" y=\"%d\">%s</text>\n", y + 5, c->name);
	fprintf(f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#bbb\"/>\n",
		PLOT_X, y, PLOT_X + PLOT_W, y);
	for (size_t i = 0; i < c->n; i++)
		fprintf(f,
			"<circle cx=\"%.2f\" cy=\"%d\" r=\"5\" fill=\"%s\" "
			"fill-opacity=\"0.55\" stroke=\"%s\"><title>%s run "
			"%zu: %.6g</title></circle>\n",
			plot_x(c->v[i], lo, hi), y, fill, fill, c->name, i + 1,
			c->v[i]);
	fprintf(f,
		"<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
		"stroke=\"#1b1b1b\" stroke-width=\"3\"><title>%s median: "
		"%.6g</title></line>\n</g>\n",
		mx, y - 13, mx, y + 13, c->name, c->st.median);
}

static void trial_plot(FILE *f, const struct html_trial *t, const char *unit)
{
	/* comparisons, not fmin/fmax: hosttune does not link libm */
	double lo = t->current.st.min < t->with_profile.st.min ?
			    t->current.st.min :
			    t->with_profile.st.min;
	double hi = t->current.st.max > t->with_profile.st.max ?
			    t->current.st.max :
			    t->with_profile.st.max;
	double pad = (hi - lo) * 0.04;

	/* a little room at each end, so no dot sits on the edge; but an axis
	 * of times or counts never starts below zero */
	lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
	hi += pad;
	fputs("<svg id=\"sample-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	      "role=\"img\" viewBox=\"0 0 900 130\" width=\"900\" "
	      "height=\"130\" aria-labelledby=\"plot-title plot-desc\">\n"
	      "<title id=\"plot-title\">Samples per configuration</title>\n",
	      f);
	fprintf(f,
		"<desc id=\"plot-desc\">%zu samples with the host's values, "
		"median %.6g%s; %zu with the profile's, median %.6g%s. A dot "
		"is a run, the bar the median.</desc>\n",
		t->current.n, t->current.st.median, unit, t->with_profile.n,
		t->with_profile.st.median, unit);
	sample_row(f, &t->current, lo, hi, 25, "#1565c0");
	sample_row(f, &t->with_profile, lo, hi, 70, "#e65100");
	fprintf(f,
		"<line x1=\"%d\" y1=\"95\" x2=\"%d\" y2=\"95\" "
		"stroke=\"#555\"/>\n"
		"<text x=\"%d\" y=\"115\">%.6g%s</text>\n"
		"<text x=\"%d\" y=\"115\" text-anchor=\"middle\">%.6g%s</text>\n"
		"<text x=\"%d\" y=\"115\" text-anchor=\"end\">%.6g%s</text>\n"
		"</svg>\n",
		PLOT_X, PLOT_X + PLOT_W, PLOT_X, lo, unit, PLOT_X + PLOT_W / 2,
		(lo + hi) / 2, unit, PLOT_X + PLOT_W, hi, unit);
}

static void change_row(FILE *f, const struct change *ch)
{
	if (ch->companion)
		return;
	fputs("<tr>", f);
	td_text(f, "Setting", ch->check->id, true);
	if (ch->check->ops->internal) {
		fputs("<td data-label=\"Host's value\">(a file)</td>"
		      "<td data-label=\"Profile's value\">(a file)</td>",
		      f);
	} else {
		_cleanup_free_ char *from = normalize_ws(ch->from);
		_cleanup_free_ char *to = normalize_ws(ch->to);

		td_text(f, "Host's value", from, true);
		td_text(f, "Profile's value", to, true);
	}
	fputs("</tr>\n", f);
}

static void trial_host(FILE *f, const struct html_trial *t)
{
	fputs("<section id=\"host\" aria-labelledby=\"h-host\">\n"
	      "<h2 id=\"h-host\">What happened to the host</h2>\n<p>",
	      f);
	if (t->kept) {
		fputs("The profile stays applied: it was better by the margin "
		      "asked for. Snapshot ",
		      f);
		code(f, t->snapshot);
		fputs(" holds the values from before; undo with ", f);
		code(f, t->rollback_cmd);
		fputs(".</p>\n", f);
	} else {
		fputs("The host is as it was: every value the trial switched "
		      "was put back (snapshot ",
		      f);
		code(f, t->snapshot);
		fputs(", now restored).</p>\n", f);
	}
	fputs("<div class=\"wrap\"><table class=\"cards\"><thead><tr>"
	      "<th>Setting</th><th>Host's value</th><th>Profile's value</th>"
	      "</tr></thead>\n<tbody>\n",
	      f);
	for (size_t i = 0; t->changes && i < t->changes->n; i++)
		change_row(f, t->changes->v[i]);
	fputs("</tbody></table></div>\n</section>\n", f);
}

static void trial_summary(FILE *f, const struct html_trial *t)
{
	char seed[32];

	fputs("<section id=\"summary\" aria-labelledby=\"h-summary\">\n"
	      "<h2 id=\"h-summary\">Summary</h2>\n<div class=\"grid\">\n"
	      "<dl class=\"facts\">\n",
	      f);
	host_facts(f, t->host, t->root);
	fact(f, "Profile", t->profile);
	fact(f, "Command", t->command);
	fact(f, "Metric", t->metric ? t->metric : "wall time, seconds");
	fact(f, "Better is", t->higher_is_better ? "higher" : "lower");
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)t->seed);
	fact(f, "Seed", seed);
	fputs("</dl>\n<div>\n<div>Verdict</div>\n<div class=\"score\" "
	      "id=\"verdict\">",
	      f);
	html_text(f, t->verdict, false);
	fprintf(f,
		"</div>\n<p>Median %+.1f%% (95%% confidence interval "
		"%+.1f%% to %+.1f%%), Mann-Whitney p = %.3g.</p>\n"
		"</div>\n</div>\n</section>\n",
		t->change * 100, t->lo * 100, t->hi * 100, t->p);
}

void report_html_trial(FILE *f, const struct html_trial *t)
{
	const char *unit = t->metric ? "" : " s";

	head(f, "trial", t->profile);
	fputs("<header>\n<h1>hosttune trial of ", f);
	html_text(f, t->profile, false);
	fputs("</h1>\n<p class=\"sub\">on ", f);
	html_text(f, t->host && t->host->name ? t->host->name : "(unknown)",
		  false);
	fputs("</p>\n</header>\n<main>\n", f);
	trial_summary(f, t);
	fputs("<section id=\"samples\" aria-labelledby=\"h-samples\">\n"
	      "<h2 id=\"h-samples\">Configurations</h2>\n"
	      "<div class=\"wrap\"><table class=\"cards\"><thead><tr>"
	      "<th>Configuration</th><th class=\"num\">Runs</th>"
	      "<th class=\"num\">Median</th><th class=\"num\">p95</th>"
	      "<th class=\"num\">Min</th><th class=\"num\">Max</th>"
	      "<th class=\"num\">Spread (MAD)</th>"
	      "<th class=\"num\">CPU user / system s</th></tr></thead>\n"
	      "<tbody>\n",
	      f);
	config_row(f, &t->current);
	config_row(f, &t->with_profile);
	fputs("</tbody></table></div>\n", f);
	trial_plot(f, t, unit);
	fputs("<ul class=\"legend\" aria-hidden=\"true\"><li><span "
	      "class=\"sw\" style=\"background:#1565c0\"></span>current "
	      "(the host's values)</li><li><span class=\"sw\" "
	      "style=\"background:#e65100\"></span>profile</li><li>dark bar: "
	      "median</li></ul>\n</section>\n",
	      f);
	trial_host(f, t);
	fprintf(f,
		"</main>\n<footer>\n<p>%lu runs of each configuration after "
		"a discarded warm-up run of each, in a randomised block order "
		"drawn from the seed. The change is median(profile) / "
		"median(current) &minus; 1, its interval a 95%% percentile "
		"bootstrap of %d resamples; the p-value is the two-sided "
		"Mann-Whitney U test's. The verdict is better or worse only "
		"when p &lt; 0.05 and the whole interval lies on one side of "
		"no change.</p>\n<p>Written by hosttune " HOSTTUNE_VERSION
		".</p>\n</footer>\n</body>\n</html>\n",
		t->runs, STATS_RESAMPLES);
}
