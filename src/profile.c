// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Profile loading on inih. inih is driven through ini_parse_stream() with a
 * reader of our own that counts lines, so every error carries its line; that
 * refuses over-long lines and NUL bytes instead of letting inih cut them; and
 * that strips indentation, so an indented key is a key and never one of
 * inih's multi-line continuations. The reader also keeps the raw line, whose
 * inline comment is the reason shown for the setting.
 *
 * inih cuts section names and keys at 50 bytes without a word. So the
 * reader takes both whole itself: a section header (with bracket globs:
 * "[net enp?s0f[01]]") is kept in the context and handed to inih as a
 * short placeholder, and a key line reaches inih as "k=VALUE", its key
 * kept in the context too. inih is left what it does well: the value, its
 * inline comment and its blanks.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "hosttune/profile.h"
#include "hosttune/trust.h"

struct include {
	int line;
	char *name;
};

static void include_free(void *v)
{
	struct include *i = v;

	free(i->name);
	free(i);
}

struct load_ctx {
	struct profile *p;
	const struct profile_path *pp;
	struct load_errors *errs;
	const char *label; /* file name used in messages */
	const struct source *src;
	const char *data;
	size_t len, pos;
	int lineno;
	char raw[PROFILE_MAX_LINE + 3];
	char *section; /* the current section header, whole; NULL before one */
	/* the header taken apart once, for every line under it */
	const struct check_ops *section_ops; /* NULL for [profile] */
	char *section_target;
	char key[PROFILE_MAX_LINE + 3]; /* the current line's key, whole */
	bool have_key;
	bool seen_header;
	bool section_bad;
	struct ptrvec own; /* settings of this file */
	struct strmap own_index; /* their identities -> index in own */
	struct ptrvec own_keys;
	struct ptrvec includes; /* include names, in order */
	char *description;
	int depth;
	struct ptrvec *stack; /* identities being loaded, for cycles */
};

#define MAX_ERRORS 50

static void add_error(struct load_ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_error(struct load_ctx *c, int line, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	if (c->errs->msgs.n >= MAX_ERRORS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	ptrvec_push(&c->errs->msgs,
		    xasprintf("%s:%d: %s", c->label, line, msg));
}

void load_errors_free(struct load_errors *e)
{
	ptrvec_free(&e->msgs, free);
}

static void setting_free(void *v)
{
	struct setting *s = v;

	if (!s)
		return;
	free(s->target);
	free(s->key);
	expect_free(&s->expect);
	if (s->own_why)
		free((char *)s->why);
	if (s->own_ref)
		free((char *)s->ref);
	free(s);
}

void profile_free(struct profile *p)
{
	free(p->name);
	free(p->description);
	ptrvec_free(&p->settings, setting_free);
	ptrvec_free(&p->names, free);
	strmap_free(&p->index);
	strmap_free(&p->loaded);
	ptrvec_free(&p->keys, free);
	ptrvec_free(&p->labels, free);
	*p = (struct profile){ 0 };
}

/* Split "[net eth*]" contents into domain and target. */
static int split_section(const char *section, char **ret_domain,
			 char **ret_target)
{
	_cleanup_free_ char *copy = xstrdup(section);
	char *s = strip(copy), *sp;

	sp = s + strcspn(s, " \t");
	*ret_target = NULL;
	if (*sp) {
		*sp++ = '\0';
		sp = strip(sp);
		if (*sp)
			*ret_target = xstrdup(sp);
	}
	*ret_domain = xstrdup(s);
	return 0;
}

/* Check a section header; returns the ops (NULL for [profile]) or sets
 * *bad and reports. */
static const struct check_ops *section_ops(struct load_ctx *c, int line,
					   const char *section, bool *bad,
					   char **ret_target)
{
	_cleanup_free_ char *domain = NULL, *target = NULL, *err = NULL;
	const struct check_ops *ops;

	*bad = false;
	split_section(section, &domain, &target);
	if (ret_target)
		*ret_target = target ? xstrdup(target) : NULL;
	if (!strcmp(domain, "profile")) {
		if (target) {
			add_error(c, line, "[profile] takes no argument");
			*bad = true;
		}
		return NULL;
	}
	ops = check_ops_find(domain);
	if (!ops || ops->internal) {
		add_error(c, line, "unknown section [%s]", section);
		*bad = true;
		return NULL;
	}
	if (ops->target == TARGET_REQUIRED && !target) {
		add_error(c, line, "[%s] needs an argument, as in [%s NAME]",
			  domain, domain);
		*bad = true;
	} else if (ops->target == TARGET_NONE && target) {
		add_error(c, line, "[%s] takes no argument", domain);
		*bad = true;
	} else if (target && ops->parse_target &&
		   ops->parse_target(target, &err) < 0) {
		add_error(c, line, "[%s %s]: %s", domain, target,
			  err ? err : "invalid argument");
		*bad = true;
	}
	return ops;
}

/* The ']' that closes the header at line[0] == '[': a '[' inside opens a
 * bracket glob whose ']' belongs to the name. NULL when it never closes. */
static char *header_close(char *line)
{
	int depth = 0;

	for (char *p = line + 1; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth > 0)
			depth--;
		else if (*p == ']')
			return p;
	}
	return NULL;
}

/* A section header: checked and kept whole; inih gets a placeholder. */
static char *section_line(struct load_ctx *c, char *line, char *str, int num)
{
	char *close = header_close(line), *rest;

	free(c->section);
	c->section = NULL;
	free(c->section_target);
	c->section_target = NULL;
	c->section_ops = NULL;
	c->section_bad = true;
	c->seen_header = true;
	if (!close) {
		add_error(c, c->lineno, "section header without ']'");
		return str;
	}
	rest = close + 1 + strspn(close + 1, " \t");
	if (*rest && *rest != ';' && *rest != '#') {
		_cleanup_free_ char *shown = display_escape(rest);

		add_error(c, c->lineno,
			  "text after the section header's ']': "
			  "'%s'",
			  shown);
		return str;
	}
	c->section = xstrndup(line + 1, (size_t)(close - line - 1));
	c->section_ops = section_ops(c, c->lineno, c->section, &c->section_bad,
				     &c->section_target);
	snprintf(str, (size_t)num, "[s]\n");
	return str;
}

/* A key line: the key kept whole (up to inih's first '=' or ':'); inih
 * gets "k=" and the rest, to strip the value and its comment. */
static char *key_line(struct load_ctx *c, char *line, char *str, int num)
{
	size_t n = strcspn(line, "=:");
	char *key;

	c->have_key = false;
	if (!line[n]) {
		snprintf(str, (size_t)num, "%s\n", line); /* inih reports it */
		return str;
	}
	/* line is in c->raw, at most PROFILE_MAX_LINE bytes: c->key holds
	 * any key of it */
	memcpy(c->key, line, n);
	c->key[n] = '\0';
	key = strip(c->key);
	memmove(c->key, key, strlen(key) + 1);
	c->have_key = true;
	snprintf(str, (size_t)num, "k=%s\n", line + n + 1);
	return str;
}

/* The reader: one line at a time from memory, as fgets would. */
static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	const char *start, *nl;
	size_t n, body;
	char *line;

	if (c->pos >= c->len)
		return NULL;
	start = c->data + c->pos;
	nl = memchr(start, '\n', c->len - c->pos);
	n = nl ? (size_t)(nl - start) + 1 : c->len - c->pos;
	c->pos += n;
	c->lineno++;
	body = n;
	while (body > 0 && (start[body - 1] == '\n' || start[body - 1] == '\r'))
		body--;
	str[0] = '\0';
	c->raw[0] = '\0';
	if (memchr(start, '\0', n)) {
		add_error(c, c->lineno, "line contains a NUL byte");
		return str;
	}
	if (body > PROFILE_MAX_LINE || (size_t)num < PROFILE_MAX_LINE + 3) {
		add_error(c, c->lineno, "line too long (%zu bytes; at most %d)",
			  body, PROFILE_MAX_LINE);
		return str;
	}
	memcpy(c->raw, start, body);
	c->raw[body] = '\0';
	line = c->raw;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '[')
		return section_line(c, line, str, num);
	if (*line && *line != ';' && *line != '#')
		return key_line(c, line, str, num);
	snprintf(str, (size_t)num, "%s\n", line);
	return str;
}

/* The inline comment of the current raw line: the reason for a setting. */
/* The comment of a profile line: what follows the first ';' that a blank
 * precedes, stripped; NULL when there is none or it is empty. */
static char *line_comment(const char *raw)
{
	for (const char *p = raw; *p; p++)
		if (*p == ';' && p > raw && isspace((unsigned char)p[-1])) {
			_cleanup_free_ char *c = xstrdup(p + 1);
			char *s = strip(c);
			return *s ? xstrdup(s) : NULL;
		}
	return NULL;
}

/*
 * A setting's comment is its reason, optionally followed by labelled parts,
 * each after a '|':
 *   ; keeps the working set in RAM | impact: medium | ref: Documentation/...
 * Take them off the end into s; leave the reason (or NULL) in s->why.
 * Returns 0, or -EINVAL with *ret_err.
 */
static int parse_annotation(struct setting *s, char *comment, char **ret_err)
{
	char *bar;

	while (comment && (bar = strrchr(comment, '|'))) {
		char *part = strip(bar + 1);

		if (!strncmp(part, "impact:", 7)) {
			if (s->impact != IMPACT_UNSET) {
				*ret_err = xstrdup("impact: given twice");
				return -EINVAL;
			}
			if (impact_parse(strip(part + 7), &s->impact) < 0) {
				*ret_err = xasprintf(
					"impact: expected high, medium or low, "
					"not '%s'",
					strip(part + 7));
				return -EINVAL;
			}
		} else if (!strncmp(part, "ref:", 4)) {
			if (s->ref) {
				*ret_err = xstrdup("ref: given twice");
				return -EINVAL;
			}
			if (!*strip(part + 4)) {
				*ret_err = xstrdup("ref: empty");
				return -EINVAL;
			}
			s->ref = xstrdup(strip(part + 4));
			s->own_ref = true;
		} else {
			break; /* a '|' that is part of the reason */
		}
		*bar = '\0';
	}
	if (comment && *strip(comment)) {
		s->why = xstrdup(strip(comment));
		s->own_why = true;
	}
	return 0;
}

static int handle_profile_key(struct load_ctx *c, const char *name,
			      const char *value)
{
	if (!strcmp(name, "description")) {
		free(c->description);
		c->description = xstrdup(value);
		return 1;
	}
	if (!strcmp(name, "include")) {
		_cleanup_free_ char *copy = xstrdup(value);
		char *p = copy;

		for (;;) {
			char *comma = strchr(p, ','), *n;

			if (comma)
				*comma = '\0';
			n = strip(p);
			if (!*n) {
				add_error(c, c->lineno, "include: empty name");
				return 0;
			}
			struct include *inc = xcalloc(1, sizeof(*inc));
			inc->line = c->lineno;
			inc->name = xstrdup(n);
			ptrvec_push(&c->includes, inc);
			if (!comma)
				return 1;
			p = comma + 1;
		}
	}
	add_error(c, c->lineno,
		  "unknown key '%s' in [profile] (known: "
		  "description, include)",
		  name);
	return 0;
}

/* What makes two settings the same one: domain, target and key. */
static char *setting_ident(const struct setting *s)
{
	return xstrjoin(s->ops->name, "\n", s->target ? s->target : "", "\n",
			s->key);
}

static int handler(void *user, const char *inih_section, const char *inih_name,
		   const char *value)
{
	struct load_ctx *c = user;
	_cleanup_free_ char *err = NULL, *comment = NULL, *ident = NULL;
	const char *name = c->have_key ? c->key : NULL;
	const struct check_ops *ops = c->section_ops;
	struct setting *s, *dup;
	size_t at;

	(void)inih_section;
	(void)inih_name;
	if (!name || !*name) {
		add_error(c, c->lineno, "empty key before '='");
		return 0;
	}
	if (!c->seen_header) {
		add_error(c, c->lineno, "'%s' is outside any section", name);
		return 0;
	}
	if (c->section_bad)
		return 1; /* reported at the header */
	if (!ops)
		return handle_profile_key(c, name, value);

	s = xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->target = c->section_target ? xstrdup(c->section_target) : NULL;
	if (ops->optional_prefix && name[0] == '-') {
		s->optional = true;
		name++;
	}
	if (ops->parse_setting(s->target, name, value, &s->key, &s->expect,
			       &err) < 0) {
		add_error(c, c->lineno, "%s: %s", name, err ? err : "invalid");
		setting_free(s);
		return 0;
	}
	if (s->expect.op == EXP_FIELDS && !ops->fields) {
		add_error(c, c->lineno,
			  "%s: takes one value; one form per field is for "
			  "multi-value sysctls",
			  name);
		setting_free(s);
		return 0;
	}
	comment = line_comment(c->raw);
	if (parse_annotation(s, comment, &err) < 0) {
		add_error(c, c->lineno, "%s: %s", name, err);
		setting_free(s);
		return 0;
	}
	ident = setting_ident(s);
	if (!strmap_put(&c->own_index, ident, c->own.n, &at)) {
		dup = c->own.v[at];
		add_error(c, c->lineno, "%s: set twice (first at line %d)",
			  name, dup->line);
		setting_free(s);
		return 0;
	}
	s->file = c->label; /* the profile's, as long as it lives */
	s->line = c->lineno;
	/* the domain's own strings, which live as long as the program */
	if (!s->why && ops->why)
		s->why = ops->why(s->key);
	if (!s->ref && ops->ref)
		s->ref = ops->ref(s->key);
	ptrvec_push(&c->own_keys, TAKE_PTR(ident));
	ptrvec_push(&c->own, s);
	return 1;
}

/* Later settings override earlier ones in place; ident (the setting's
 * identity, setting_ident()) is taken over. */
static void merge_setting(struct profile *p, struct setting *s, char *ident)
{
	struct setting *old;
	size_t at;

	if (strmap_put(&p->index, ident, p->settings.n, &at)) {
		ptrvec_push(&p->keys, ident);
		s->order = (int)p->settings.n;
		ptrvec_push(&p->settings, s);
		return;
	}
	free(ident);
	old = p->settings.v[at];
	s->order = old->order;
	p->settings.v[at] = s;
	setting_free(old);
}

static int profile_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.' || name[0] == '-')
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return -EINVAL;
	return 0;
}

static bool is_ini(const char *arg)
{
	size_t n = strlen(arg);

	return n > 4 && !strcmp(arg + n - 4, ".ini");
}

static bool is_path(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 4 && !strcmp(arg + n - 4, ".ini"));
}

struct source {
	char *label;
	char *identity; /* for cycle detection */
	char *dir;
	char *name;
	char *data;
	size_t len;
	/* where the search order found it: a --profile-dir or system
	 * directory's index, n_dirs for the built-in ones, -1 for a path */
	int found_at;
};

static void source_free(struct source *s)
{
	free(s->label);
	free(s->identity);
	free(s->dir);
	free(s->name);
	free(s->data);
}

static char *name_from_path(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *b = basename(copy);
	size_t n = strlen(b);

	if (n > 4 && !strcmp(b + n - 4, ".ini"))
		b[n - 4] = '\0';
	return xstrdup(b);
}

static int source_from_file(const char *path, const char *label,
			    const struct profile_path *pp, struct source *ret,
			    char **ret_err)
{
	char real[PATH_MAX];
	_cleanup_free_ char *copy = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	/* decided on what was opened: a file swapped in after a check of its
	 * path is never the one read */
	fd = trusted_open(path, pp->check_owner, getuid(), "file", ret_err);
	if (fd == -EMLINK && !*ret_err)
		*ret_err = xasprintf("%s: a symlink (refused while running "
				     "privileged)",
				     path);
	if (fd < 0)
		return fd;
	if (!realpath(path, real))
		return -errno;
	r = read_fd_limited(fd, PROFILE_MAX_SIZE, &ret->data, &ret->len);
	if (r == -EFBIG)
		*ret_err = xasprintf("%s: file too large (more than %d bytes)",
				     path, PROFILE_MAX_SIZE);
	if (r < 0)
		return r;
	copy = xstrdup(real);
	ret->dir = xstrdup(dirname(copy));
	ret->identity = xstrdup(real);
	ret->label = xstrdup(label);
	ret->name = name_from_path(path);
	return 0;
}

/* The directory part of a label, for labelling a relative include the way
 * the user would reach it: "profiles/a.ini" includes "b.ini" ->
 * "profiles/b.ini". NULL for labels without one. */
static char *label_dir(const char *label)
{
	const char *slash = label ? strrchr(label, '/') : NULL;

	return slash ? xstrndup(label, (size_t)(slash - label)) : NULL;
}

/* Find a profile by name or path. parent: the including source, whose
 * directory relative include paths start from. */
static int source_find(const struct profile_path *pp, const char *arg,
		       const struct source *parent, bool force_path, int from,
		       struct source *ret, char **ret_err)
{
	int r;

	*ret = (struct source){ .found_at = -1 };
	if (force_path || is_path(arg)) {
		_cleanup_free_ char *path = NULL, *label = NULL, *ld = NULL;
		bool relative = arg[0] != '/' && parent && parent->dir;

		if (has_control_chars(arg)) {
			*ret_err = xstrdup("profile path contains control "
					   "characters");
			return -EINVAL;
		}
		ld = relative ? label_dir(parent->label) : NULL;
		path = relative ? xasprintf("%s/%s", parent->dir, arg) :
				  xstrdup(arg);
		label = ld ? xasprintf("%s/%s", ld, arg) : xstrdup(arg);
		r = source_from_file(path, label, pp, ret, ret_err);
		if (r < 0 && !*ret_err)
			*ret_err = xasprintf("%s: %s", label, strerror(-r));
		return r;
	}
	if (profile_name_ok(arg) < 0) {
		*ret_err = xstrdup("invalid profile name (letters, digits, "
				   "'.', '_' and '-' only)");
		return -EINVAL;
	}
	for (int i = from; i < pp->n_dirs; i++) {
		_cleanup_free_ char *path =
			xasprintf("%s/%s.ini", pp->dirs[i], arg);
		if (access(path, F_OK) < 0)
			continue;
		r = source_from_file(path, path, pp, ret, ret_err);
		if (r < 0 && !*ret_err)
			*ret_err = xasprintf("%s: %s", path, strerror(-r));
		ret->found_at = i;
		return r;
	}
	ret->found_at = pp->n_dirs;
	for (size_t i = 0; pp->builtin && i < builtin_profiles_count; i++)
		if (!strcmp(builtin_profiles[i].name, arg)) {
			const struct builtin_profile *b = &builtin_profiles[i];

			ret->len = (size_t)(b->end - b->start);
			ret->data = xmalloc(ret->len + 1);
			memcpy(ret->data, b->start, ret->len);
			ret->data[ret->len] = '\0';
			ret->label = xasprintf("%s.ini", arg);
			ret->identity = xasprintf("built-in:%s", arg);
			ret->name = xstrdup(arg);
			return 0;
		}
	*ret_err = xasprintf("no profile named '%s'", arg);
	return -ENOENT;
}

static int load_source(struct profile *p, const struct profile_path *pp,
		       struct source *src, int depth, struct ptrvec *stack,
		       struct load_errors *errs);

/* "include cycle: a.ini -> b.ini -> a.ini" */
static void add_cycle_error(struct load_ctx *c, int line, const char *name,
			    const struct source *again)
{
	struct strbuf chain = { 0 };
	bool on = false;

	for (size_t k = 0; k < c->stack->n; k++) {
		const struct source *s = c->stack->v[k];

		on = on || !strcmp(s->identity, again->identity);
		if (on)
			strbuf_printf(&chain, "%s -> ", s->name);
	}
	strbuf_puts(&chain, again->name);
	add_error(c, line, "include '%s': include cycle: %s", name, chain.s);
	free(chain.s);
}

static void load_includes(struct load_ctx *c)
{
	for (size_t i = 0; i < c->includes.n; i++) {
		const struct include *inc = c->includes.v[i];
		const char *name = inc->name;
		int line = inc->line;
		_cleanup_free_ char *err = NULL;
		struct source src;
		bool cycle = false;
		int from;

		if (c->depth + 1 >= PROFILE_MAX_DEPTH) {
			add_error(c, line,
				  "include '%s': includes nested more "
				  "than %d deep",
				  name, PROFILE_MAX_DEPTH);
			continue;
		}
		if (strchr(name, '/') && !is_ini(name)) {
			/* never read a file that is no profile (/etc/shadow)
			 * and echo its lines back in messages */
			add_error(c, line,
				  "include '%s': a path must name a .ini file",
				  name);
			continue;
		}
		/* A file that includes its own name extends the profile of
		 * that name further down the search order, the way a local
		 * override extends a vendor profile. */
		from = !strcmp(name, c->src->name) && c->src->found_at >= 0 ?
			       c->src->found_at + 1 :
			       0;
		if (source_find(c->pp, name, c->src, false, from, &src, &err) <
		    0) {
			add_error(c, line, "include '%s': %s%s", name, err,
				  from ? " further down the search order (a "
					 "file that includes its own name "
					 "extends that one)" :
					 "");
			continue;
		}
		for (size_t k = 0; k < c->stack->n && !cycle; k++)
			cycle = !strcmp(
				((struct source *)c->stack->v[k])->identity,
				src.identity);
		/* each file is merged once per profile: includes that fan
		 * out and meet again cost no more than the files there are */
		if (cycle)
			add_cycle_error(c, line, name, &src);
		else if (!strmap_has(&c->p->loaded, src.identity))
			load_source(c->p, c->pp, &src, c->depth + 1, c->stack,
				    c->errs);
		source_free(&src);
	}
}

static int load_source(struct profile *p, const struct profile_path *pp,
		       struct source *src, int depth, struct ptrvec *stack,
		       struct load_errors *errs)
{
	/* the file's name, kept with the profile for its settings (a label
	 * a setting, copied, was 100 allocations a 100-line profile) */
	char *label = xstrdup(src->label);
	struct load_ctx c = {
		.p = p,
		.pp = pp,
		.errs = errs,
		.label = label,
		.src = src,
		.data = src->data,
		.len = src->len,
		.depth = depth,
		.stack = stack,
	};
	size_t nerr = errs->msgs.n;
	int r;

	ptrvec_push(&p->labels, label);
	ptrvec_push(stack, src);
	{
		char *id = xstrdup(src->identity);

		if (strmap_put(&p->loaded, id, 0, NULL))
			ptrvec_push(&p->keys, id);
		else
			free(id);
	}
	r = ini_parse_stream(reader, &c, handler, &c);
	/* cppcheck-suppress knownConditionTrueFalse ; errs grows through &c */
	if (r > 0 && errs->msgs.n == nerr)
		add_error(&c, r, "expected '[section]' or 'key = value'");
	else if (r < 0)
		add_error(&c, 0, "cannot parse (error %d)", r);
	free(c.section);
	free(c.section_target);
	load_includes(&c);
	stack->n--;
	/* The file's own settings override everything it includes. */
	/* own_index refers to the identities in own_keys, which the profile
	 * takes over: it is freed first and never read again. */
	strmap_free(&c.own_index);
	for (size_t i = 0; i < c.own.n; i++)
		merge_setting(p, c.own.v[i], c.own_keys.v[i]);
	free(c.own.v);
	free(c.own_keys.v);
	ptrvec_free(&c.includes, include_free);
	if (depth == 0 && !p->name) {
		p->name = xstrdup(src->name);
		p->description = TAKE_PTR(c.description);
	}
	free(c.description);
	ptrvec_push(&p->names, xstrdup(src->name));
	/* cppcheck-suppress knownConditionTrueFalse ; errs grows through &c */
	return errs->msgs.n > nerr ? -EINVAL : 0;
}

int profile_load(struct profile *p, const struct profile_path *pp,
		 const char *name_or_path, struct load_errors *errs)
{
	_cleanup_free_ char *err = NULL;
	struct ptrvec stack = { 0 };
	struct source src;
	int r;

	r = source_find(pp, name_or_path, NULL, false, 0, &src, &err);
	if (r < 0) {
		ptrvec_push(&errs->msgs, xasprintf("%s", err));
		return r == -ENOENT ? -ENOENT : -EINVAL;
	}
	r = load_source(p, pp, &src, 0, &stack, errs);
	free(stack.v);
	source_free(&src);
	return r;
}

int profile_load_file(struct profile *p, const struct profile_path *pp,
		      const char *path, struct load_errors *errs)
{
	_cleanup_free_ char *err = NULL;
	struct ptrvec stack = { 0 };
	struct source src;
	int r;

	r = source_find(pp, path, NULL, true, 0, &src, &err);
	if (r < 0) {
		ptrvec_push(&errs->msgs, xasprintf("%s", err));
		return -EINVAL;
	}
	r = load_source(p, pp, &src, 0, &stack, errs);
	free(stack.v);
	source_free(&src);
	return r;
}

int profile_parse_buffer(struct profile *p, const struct profile_path *pp,
			 const char *file, const char *data, size_t len,
			 struct load_errors *errs)
{
	struct ptrvec stack = { 0 };
	struct source src = {
		.label = xstrdup(file),
		.identity = xasprintf("buffer:%s", file),
		.dir = xstrdup("."),
		.name = name_from_path(file),
		.data = xmalloc(len + 1),
		.len = len,
		.found_at = -1,
	};
	int r;

	memcpy(src.data, data,
	       len); /* NUL bytes too: the reader reports them */
	src.data[len] = '\0';
	r = load_source(p, pp, &src, 0, &stack, errs);
	free(stack.v);
	source_free(&src);
	return r;
}

void profile_ref_free(void *v)
{
	struct profile_ref *r = v;

	if (!r)
		return;
	free(r->name);
	free(r->where);
	free(r->description);
	free(r);
}

static bool ref_known(struct ptrvec *out, const char *name)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(((struct profile_ref *)out->v[i])->name, name))
			return true;
	return false;
}

static void ref_add(struct ptrvec *out, const struct profile_path *pp,
		    const char *name, const char *where)
{
	struct profile_ref *ref = xcalloc(1, sizeof(*ref));
	struct load_errors errs = { 0 };
	struct profile p = { 0 };

	ref->name = xstrdup(name);
	ref->where = xstrdup(where);
	if (profile_load(&p, pp, name, &errs) == 0 && p.description)
		ref->description = xstrdup(p.description);
	else if (errs.msgs.n)
		ref->description =
			xasprintf("(invalid: %s)", (char *)errs.msgs.v[0]);
	profile_free(&p);
	load_errors_free(&errs);
	ptrvec_push(out, ref);
}

/* Every profile the search path can find, the first of each name. */
int profile_list(const struct profile_path *pp, struct ptrvec *out)
{
	for (int i = 0; i < pp->n_dirs; i++) {
		struct host h = { .root_fd = -1 };
		char **names = NULL;
		size_t n = 0;

		if (host_open(pp->dirs[i], &h) < 0)
			continue;
		if (hostfs_list(&h, ".", &names, &n) < 0)
			n = 0;
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(names[k]);
			_cleanup_free_ char *name = NULL, *path = NULL;

			if (len <= 4 || strcmp(names[k] + len - 4, ".ini"))
				continue;
			name = xstrndup(names[k], len - 4);
			if (profile_name_ok(name) < 0 || ref_known(out, name))
				continue;
			path = xasprintf("%s/%s", pp->dirs[i], names[k]);
			ref_add(out, pp, name, path);
		}
		strv_free(names, n);
		host_close(&h);
	}
	for (size_t i = 0; pp->builtin && i < builtin_profiles_count; i++)
		if (!ref_known(out, builtin_profiles[i].name))
			ref_add(out, pp, builtin_profiles[i].name, "built-in");
	return 0;
}
