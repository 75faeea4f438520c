// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: INI files a person can read and diff. Values are always quoted
 * with C-style escapes, so any byte a kernel file holds round-trips; keys and
 * section targets escape the characters INI gives a meaning to. They are
 * read by a strict parser of our own rather than inih, because a snapshot
 * line (a CPU mask on a large host, a long core_pattern) may be longer than
 * inih's 200-byte line and must never be cut.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#include "hosttune/snapshot.h"
#include "hosttune/trust.h"

static void entry_free(void *v)
{
	struct snapshot_entry *e = v;

	if (!e)
		return;
	free(e->wrote);
	free(e); /* target, key and value with it: snapshot_add() */
}

char *snapshot_time_now(void)
{
	struct timeval tv;
	struct tm tm;
	char buf[64];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%06ldZ", buf, (long)tv.tv_usec);
}

void snapshot_init(struct snapshot *s, const char *kind, const char *profile,
		   const char *root)
{
	struct utsname u;

	*s = (struct snapshot){ 0 };
	uname(&u);
	s->time = snapshot_time_now();
	s->host = xstrdup(u.nodename);
	s->kernel = xstrdup(u.release);
	s->profile = xstrdup(profile ? profile : "");
	s->kind = xstrdup(kind);
	s->version = xstrdup(HOSTTUNE_VERSION);
	s->root = xstrdup(root);
}

struct snapshot_entry *snapshot_add(struct snapshot *s,
				    const struct check_ops *ops,
				    const char *target, const char *key,
				    const char *value)
{
	size_t nt = target ? strlen(target) + 1 : 0, nk = strlen(key) + 1,
	       nv = strlen(value) + 1;
	/* one allocation for the entry and its strings, which it keeps as
	 * they are: snapshot --all adds one a key */
	struct snapshot_entry *e = xcalloc(1, sizeof(*e) + nt + nk + nv);
	char *p = (char *)(e + 1);

	e->ops = ops;
	if (target) {
		e->target = p;
		p = mempcpy(p, target, nt);
	}
	e->key = p;
	p = mempcpy(p, key, nk);
	e->value = memcpy(p, value, nv);
	ptrvec_push(&s->entries, e);
	return e;
}

void snapshot_free(struct snapshot *s)
{
	free(s->id);
	free(s->time);
	free(s->host);
	free(s->kernel);
	free(s->profile);
	free(s->kind);
	free(s->version);
	free(s->root);
	free(s->restored);
	free(s->restored_by);
	free(s->format);
	ptrvec_free(&s->entries, entry_free);
	*s = (struct snapshot){ 0 };
}

#define KEY_SPECIAL "=;#[]\" "

/* Is ch written as itself in a quoted snapshot field (special: the
 * characters that need escaping besides '\\' and control characters)? */
static bool plain_byte(unsigned char ch, const char *special)
{
	if (ch < 0x20 || ch == 0x7f || ch == '\\')
		return false;
	return isalnum(ch) || !strchr(special, ch);
}

/* plain_byte() of every byte for the two sets of specials, worked out
 * once: a snapshot --all escapes some 60 K bytes, and a table look-up a
 * byte is a third of plain_byte's strchr. */
enum { PLAIN_VALUE = 1, PLAIN_KEY = 2 };

static const unsigned char *plain_table(void)
{
	static unsigned char t[256];
	static bool ready;

	if (!ready) {
		for (unsigned ch = 0; ch < 256; ch++) {
			unsigned bits = 0;

			if (plain_byte((unsigned char)ch, "\""))
				bits |= PLAIN_VALUE;
			if (plain_byte((unsigned char)ch, KEY_SPECIAL))
				bits |= PLAIN_KEY;
			t[ch] = (unsigned char)bits;
		}
		ready = true;
	}
	return t;
}

/* s, escaped: which is PLAIN_VALUE (only '"' is special) or PLAIN_KEY
 * (KEY_SPECIAL). */
static void put_escaped(struct strbuf *sb, const char *s, unsigned which)
{
	const unsigned char *plain = plain_table();
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		const unsigned char *run = p;

		/* runs of plain bytes in one piece: a snapshot --all writes
		 * some 50 K of them */
		while (*p && (plain[*p] & which))
			p++;
		if (p > run)
			strbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p == '\\')
			strbuf_puts(sb, "\\\\");
		else if (*p == '\n')
			strbuf_puts(sb, "\\n");
		else if (*p == '\t')
			strbuf_puts(sb, "\\t");
		else
			strbuf_printf(sb, "\\x%02x", *p);
		p++;
	}
}

static void put_value(struct strbuf *sb, const char *key, const char *value)
{
	put_escaped(sb, key, PLAIN_KEY);
	strbuf_puts(sb, " = \"");
	put_escaped(sb, value, PLAIN_VALUE);
	strbuf_puts(sb, "\"\n");
}

/* key = "before" -> "written": the value before, and what hosttune wrote
 * (so a rollback can tell whether someone changed it since). */
static void put_entry(struct strbuf *sb, const struct snapshot_entry *e)
{
	put_escaped(sb, e->key, PLAIN_KEY);
	strbuf_puts(sb, " = \"");
	put_escaped(sb, e->value, PLAIN_VALUE);
	strbuf_puts(sb, "\"");
	if (e->wrote) {
		strbuf_puts(sb, " -> \"");
		put_escaped(sb, e->wrote, PLAIN_VALUE);
		strbuf_puts(sb, "\"");
	}
	strbuf_puts(sb, "\n");
}

static bool same_section(const struct snapshot_entry *a,
			 const struct snapshot_entry *b)
{
	if (a->ops != b->ops)
		return false;
	if (!a->target || !b->target)
		return a->target == b->target;
	return !strcmp(a->target, b->target);
}

char *snapshot_format(const struct snapshot *s)
{
	const struct snapshot_entry *prev = NULL;
	struct strbuf sb = { 0 };

	strbuf_printf(&sb,
		      "; hosttune snapshot: the values as they were "
		      "before it ran.\n; Restore with: hosttune "
		      "rollback %s\n[snapshot]\n",
		      s->id);
	put_value(&sb, "format", "2");
	put_value(&sb, "id", s->id);
	put_value(&sb, "time", s->time);
	put_value(&sb, "host", s->host);
	put_value(&sb, "kernel", s->kernel);
	put_value(&sb, "profile", s->profile);
	put_value(&sb, "kind", s->kind);
	put_value(&sb, "hosttune", s->version);
	put_value(&sb, "root", s->root);
	if (s->restored)
		put_value(&sb, "restored", s->restored);
	if (s->restored_by)
		put_value(&sb, "restored_by", s->restored_by);
	for (size_t i = 0; i < s->entries.n; i++) {
		const struct snapshot_entry *e = s->entries.v[i];

		if (!prev || !same_section(prev, e)) {
			strbuf_printf(&sb, "\n[%s", e->ops->name);
			if (e->target) {
				strbuf_puts(&sb, " ");
				put_escaped(&sb, e->target, PLAIN_KEY);
			}
			strbuf_puts(&sb, "]\n");
		}
		put_entry(&sb, e);
		prev = e;
	}
	/* the last line: a file cut short lacks it */
	strbuf_puts(&sb, "\n[end]\n");
	return strbuf_take(&sb);
}

/* Undo put_escaped() on s[0..n): -EINVAL on a malformed escape. */
static int unescape(const char *s, size_t n, char **ret)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\') {
			if (++i >= n)
				goto bad;
			c = s[i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'x') {
				unsigned v = 0;

				if (i + 2 >= n)
					goto bad;
				for (int k = 1; k <= 2; k++) {
					char h = s[i + (size_t)k];

					if (!isxdigit((unsigned char)h))
						goto bad;
					v = v * 16 +
					    (unsigned)(isdigit((unsigned char)
								       h) ?
							       h - '0' :
							       tolower((
								       unsigned char)
									       h) -
								       'a' +
								       10);
				}
				if (v == 0)
					goto bad; /* no NUL inside a value */
				c = (char)v;
				i += 2;
			} else if (c != '\\' && c != '"')
				goto bad;
		}
		strbuf_add(&sb, &c, 1);
	}
	*ret = strbuf_take(&sb);
	return 0;
bad:
	free(sb.s);
	return -EINVAL;
}

struct parse_state {
	const char *file;
	int line;
	char **err;
	struct snapshot *s;
	bool in_header;
	const struct check_ops *ops;
	char *target;
	bool seen_section;
	bool ended; /* [end] seen: nothing may follow */
	struct strmap seen; /* entry identities, for duplicates */
	struct ptrvec seen_keys;
};

static int perr(struct parse_state *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int perr(struct parse_state *ps, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	*ps->err = xasprintf("%s:%d: %s", ps->file, ps->line, msg);
	return -EINVAL;
}

static int parse_section(struct parse_state *ps, char *line)
{
	char *close = strrchr(line, ']'), *sp, *rest;
	_cleanup_free_ char *target = NULL, *err = NULL;

	if (!close || *strip(close + 1))
		return perr(ps, "malformed section header");
	*close = '\0';
	line = strip(line + 1);
	free(ps->target);
	ps->target = NULL;
	if (!strcmp(line, "end")) {
		ps->ended = true;
		return 0;
	}
	ps->in_header = !strcmp(line, "snapshot");
	ps->seen_section = true;
	if (ps->in_header) {
		ps->ops = NULL;
		return 0;
	}
	sp = line + strcspn(line, " \t");
	rest = *sp ? strip(sp + 1) : sp;
	*sp = '\0';
	ps->ops = check_ops_find(line);
	if (!ps->ops)
		return perr(ps, "unknown section [%s]", line);
	if (*rest) {
		if (unescape(rest, strlen(rest), &target) < 0)
			return perr(ps, "malformed escape in section name");
		if (ps->ops->target == TARGET_NONE)
			return perr(ps, "[%s] takes no argument", line);
		if (ps->ops->parse_target &&
		    ps->ops->parse_target(target, &err) < 0)
			return perr(ps, "[%s %s]: %s", line, target,
				    err ? err : "invalid");
		ps->target = TAKE_PTR(target);
	} else if (ps->ops->target == TARGET_REQUIRED) {
		return perr(ps, "[%s] needs an argument", line);
	}
	return 0;
}

/* A double-quoted string at v; *ret_rest points after its closing quote. */
static int parse_string(struct parse_state *ps, const char *v, char **ret,
			const char **ret_rest)
{
	const char *p;

	if (*v != '"')
		return perr(ps, "value must be double-quoted");
	for (p = v + 1; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	if (*p != '"')
		return perr(ps, "unterminated quoted value");
	if (unescape(v + 1, (size_t)(p - v - 1), ret) < 0)
		return perr(ps, "malformed escape in value");
	*ret_rest = p + 1;
	return 0;
}

static bool only_comment(const char *t)
{
	t += strspn(t, " \t");
	return !*t || *t == ';' || *t == '#';
}

/* The value: a double-quoted string, then (for an entry, when ret_wrote is
 * not NULL) optionally -> and another, then nothing but a comment. */
static int parse_quoted(struct parse_state *ps, const char *v, char **ret,
			char **ret_wrote)
{
	_cleanup_free_ char *value = NULL, *wrote = NULL;
	const char *rest;
	int r = parse_string(ps, v, &value, &rest);

	if (r < 0)
		return r;
	/* parse_string() set rest: the analyzer does not follow perr()
	 * (variadic) to see that it returns -EINVAL. */
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage) */
	rest += strspn(rest, " \t");
	if (ret_wrote && startswith(rest, "->")) {
		rest += 2;
		r = parse_string(ps, rest + strspn(rest, " \t"), &wrote, &rest);
		if (r < 0)
			return r;
	}
	if (!only_comment(rest))
		return perr(ps, "text after the quoted value");
	*ret = TAKE_PTR(value);
	if (ret_wrote)
		*ret_wrote = TAKE_PTR(wrote);
	return 0;
}

static int header_field(struct parse_state *ps, const char *key, char *value)
{
	struct {
		const char *name;
		char **field;
	} fields[] = {
		{ "id", &ps->s->id },
		{ "time", &ps->s->time },
		{ "host", &ps->s->host },
		{ "kernel", &ps->s->kernel },
		{ "profile", &ps->s->profile },
		{ "kind", &ps->s->kind },
		{ "hosttune", &ps->s->version },
		{ "root", &ps->s->root },
		{ "restored", &ps->s->restored },
		{ "restored_by", &ps->s->restored_by },
		{ "format", &ps->s->format },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(key, fields[i].name)) {
			if (*fields[i].field)
				return perr(ps, "'%s' given twice", key);
			*fields[i].field = value;
			return 1;
		}
	return 0; /* a field of a newer version: ignored */
}

static int parse_entry(struct parse_state *ps, char *line)
{
	char *eq = strchr(line, '=');
	_cleanup_free_ char *key = NULL, *canon = NULL, *value = NULL,
			    *err = NULL, *wrote = NULL;
	struct snapshot_entry *added;
	int r;

	if (!eq)
		return perr(ps, "expected 'key = \"value\"'");
	*eq = '\0';
	line = strip(line);
	if (!*line)
		return perr(ps, "empty key");
	if (unescape(line, strlen(line), &key) < 0)
		return perr(ps, "malformed escape in key");
	r = parse_quoted(ps, strip(eq + 1), &value, &wrote);
	if (r < 0)
		return r;
	if (!ps->seen_section)
		return perr(ps, "'%s' is outside any section", key);
	if (ps->in_header && wrote)
		return perr(ps, "'%s': a header field has one value", key);
	if (ps->in_header) {
		r = header_field(ps, key, value);
		if (r < 0)
			return r;
		if (r > 0)
			value = NULL; /* taken */
		return 0;
	}
	if (ps->ops->parse_key(ps->target, key, &canon, &err) < 0)
		return perr(ps, "%s: %s", key, err ? err : "invalid key");
	{
		char *ident = xasprintf("%s\n%s\n%s", ps->ops->name,
					ps->target ? ps->target : "", canon);

		if (!strmap_put(&ps->seen, ident, 0, NULL)) {
			free(ident);
			return perr(ps, "%s: given twice", key);
		}
		ptrvec_push(&ps->seen_keys, ident);
	}
	added = snapshot_add(ps->s, ps->ops, ps->target, canon, value);
	added->wrote = TAKE_PTR(wrote);
	return 0;
}

static int parse_line(struct parse_state *ps, char *line)
{
	line = strip(line);
	if (!*line || *line == ';' || *line == '#')
		return 0;
	if (ps->ended)
		return perr(ps, "text after [end]");
	if (*line == '[')
		return parse_section(ps, line);
	return parse_entry(ps, line);
}

int snapshot_parse(const char *file, const char *data, size_t len,
		   struct snapshot *ret, char **ret_err)
{
	struct snapshot s = { 0 };
	struct parse_state ps = { .file = file, .err = ret_err, .s = &s };
	size_t pos = 0;
	int r = 0;

	*ret_err = NULL;
	if (memchr(data, '\0', len)) {
		*ret_err = xasprintf("%s: contains a NUL byte", file);
		return -EINVAL;
	}
	while (pos < len && r == 0) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - data - pos) : len - pos;
		_cleanup_free_ char *line = xstrndup(data + pos, n);

		ps.line++;
		r = parse_line(&ps, line);
		pos += n + 1;
	}
	free(ps.target);
	strmap_free(&ps.seen);
	ptrvec_free(&ps.seen_keys, free);
	if (r == 0 && (!s.id || !s.time || !s.kind || !s.root || !s.host ||
		       !s.kernel || !s.profile || !s.version)) {
		ps.line = 0;
		*ret_err = xasprintf("%s: not a hosttune snapshot (its "
				     "[snapshot] needs id, time, host, kernel, "
				     "profile, kind, hosttune and root)",
				     file);
		r = -EINVAL;
	}
	if (r == 0 && s.format && strcmp(s.format, "2")) {
		*ret_err =
			xasprintf("%s: snapshot format %s is newer than this "
				  "hosttune reads",
				  file, s.format);
		r = -EINVAL;
	}
	if (r == 0 && s.format && !ps.ended) {
		*ret_err = xasprintf("%s: cut short: no [end] line (the file "
				     "was truncated or edited)",
				     file);
		r = -EINVAL;
	}
	if (r == 0 && snapshot_id_ok(s.id) < 0) {
		*ret_err = xasprintf("%s: invalid snapshot id", file);
		r = -EINVAL;
	}
	if (r < 0) {
		snapshot_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

int snapshot_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 128 || id[0] == '.' || id[0] == '-')
		return -EINVAL;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return -EINVAL;
	return 0;
}

/* Temporary files an interrupted write left behind (ID.ini.tmp.PID):
 * with the lock held no hosttune is writing one, so every one is stale. */
static void clean_stale_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".ini.tmp.") && e->d_type == DT_REG)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int state_lock(const char *dir, int *ret_fd)
{
	_cleanup_free_ char *path = xasprintf("%s/lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return r;
	}
	clean_stale_tmp(dir);
	*ret_fd = fd;
	return 0;
}

static char *snapshot_path(const char *dir, const char *id)
{
	return xasprintf("%s/%s.ini", dir, id);
}

static char *auto_id(const struct snapshot *s)
{
	char stamp[32] = "";
	struct strbuf label = { 0 };
	const char *what = s->profile;
	char *id;

	/* "2026-11-24T04:50:12.123456Z" -> "20261124T045012Z" */
	for (const char *p = s->time; *p && *p != '.'; p++)
		if (isdigit((unsigned char)*p) || *p == 'T')
			strncat(stamp, p, 1);
	if (!*s->profile)
		return xasprintf("%sZ-%s", stamp, s->kind);
	for (const char *p = what; *p; p++)
		strbuf_add(&label,
			   isalnum((unsigned char)*p) || *p == '-' ? p : "-",
			   1);
	id = xasprintf("%sZ-%s-%s", stamp, s->kind, label.s);
	free(label.s);
	return id;
}

int snapshot_save(const char *dir, struct snapshot *s, char **ret_path)
{
	_cleanup_free_ char *base = NULL, *text = NULL, *path = NULL;
	int r;

	if (!s->id)
		s->id = auto_id(s);
	if (strlen(s->id) > 120)
		s->id[120] = '\0';
	base = xstrdup(s->id);
	for (int i = 2; i < 1000; i++) {
		free(path);
		path = snapshot_path(dir, s->id);
		if (access(path, F_OK) < 0)
			break;
		free(s->id);
		s->id = xasprintf("%s-%d", base, i);
	}
	text = snapshot_format(s);
	r = write_file_atomic(path, text, strlen(text), 0600);
	if (r < 0)
		return r;
	if (ret_path)
		*ret_path = TAKE_PTR(path);
	return 0;
}

int snapshot_update(const char *dir, const struct snapshot *s)
{
	_cleanup_free_ char *path = snapshot_path(dir, s->id);
	_cleanup_free_ char *text = snapshot_format(s);

	return write_file_atomic(path, text, strlen(text), 0600);
}

int snapshot_load(const char *dir, const char *id_or_path, bool owner,
		  struct snapshot *ret, char **ret_err)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	int r;

	*ret_err = NULL;
	if (strchr(id_or_path, '/')) {
		path = xstrdup(id_or_path);
	} else if (snapshot_id_ok(id_or_path) < 0) {
		*ret_err = xasprintf("'%s' is not a snapshot id", id_or_path);
		return -EINVAL;
	} else {
		path = snapshot_path(dir, id_or_path);
	}
	fd = trusted_open(path, owner, getuid(), "snapshot", ret_err);
	if (fd >= 0)
		r = read_fd_limited(fd, SNAPSHOT_MAX_SIZE, &data, &len);
	else
		r = fd;
	if (r < 0 && !*ret_err)
		*ret_err =
			r == -ENOENT ? xasprintf("no snapshot '%s' in %s",
						 id_or_path, dir) :
			r == -EMLINK ? xasprintf("%s: a symlink (refused while "
						 "running privileged)",
						 path) :
				       xasprintf("%s: %s", path, strerror(-r));
	if (r < 0)
		return r;
	r = snapshot_parse(path, data, len, ret, ret_err);
	if (r == 0 && !strchr(id_or_path, '/') && strcmp(ret->id, id_or_path)) {
		/* rollback rewrites the file its header names: never let a
		 * copied or edited file stand for another snapshot */
		*ret_err = xasprintf("%s: its id is '%s', not the file's name",
				     path, ret->id);
		snapshot_free(ret);
		return -EINVAL;
	}
	return r;
}

static int cmp_snapshot_time(const void *a, const void *b)
{
	const struct snapshot *x = *(struct snapshot *const *)a;
	const struct snapshot *y = *(struct snapshot *const *)b;
	int r = strcmp(x->time, y->time);

	return r ? r : strcmp(x->id, y->id);
}

void snapshot_destroy(void *v)
{
	snapshot_free(v);
	free(v);
}

int snapshot_list(const char *dir, bool owner, struct ptrvec *out,
		  char **ret_err)
{
	struct host h = { .root_fd = -1 };
	char **names = NULL;
	size_t n = 0;
	int r;

	*ret_err = NULL;
	r = host_open(dir, &h);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = hostfs_list(&h, ".", &names, &n);
	host_close(&h);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		_cleanup_free_ char *id = NULL, *err = NULL;
		struct snapshot *s;

		if (len <= 4 || strcmp(names[i] + len - 4, ".ini"))
			continue;
		id = xstrndup(names[i], len - 4);
		if (snapshot_id_ok(id) < 0)
			continue;
		s = xcalloc(1, sizeof(*s));
		if (snapshot_load(dir, id, owner, s, &err) < 0) {
			/* Keep going: one bad file must not hide the rest,
			 * but the caller hears about it. */
			if (!*ret_err)
				*ret_err = TAKE_PTR(err);
			free(s);
			continue;
		}
		ptrvec_push(out, s);
	}
	strv_free(names, n);
	if (out->n)
		qsort(out->v, out->n, sizeof(void *), cmp_snapshot_time);
	return 0;
}

/* ---- history --------------------------------------------------------- */

bool snapshot_in_effect(const struct snapshot *s)
{
	return !s->restored;
}

ssize_t snapshot_default(const struct ptrvec *all)
{
	for (size_t i = all->n; i-- > 0;) {
		const struct snapshot *s = all->v[i];

		if (snapshot_in_effect(s) && strcmp(s->kind, "rollback"))
			return (ssize_t)i;
	}
	return -1;
}

ssize_t snapshot_find(const struct ptrvec *all, const char *id)
{
	for (size_t i = 0; i < all->n; i++)
		if (!strcmp(((struct snapshot *)all->v[i])->id, id))
			return (ssize_t)i;
	return -1;
}

void snapshot_restore_set(const struct ptrvec *all, size_t i,
			  struct ptrvec *ret)
{
	ptrvec_push(ret, all->v[i]);
	for (size_t k = i + 1; k < all->n; k++)
		if (snapshot_in_effect(all->v[k]))
			ptrvec_push(ret, all->v[k]);
}

static int set_restored(const char *dir, struct snapshot *s, const char *time,
			const char *by)
{
	free(s->restored);
	free(s->restored_by);
	s->restored = time ? xstrdup(time) : NULL;
	s->restored_by = by ? xstrdup(by) : NULL;
	return snapshot_update(dir, s);
}

int snapshot_history_update(const char *dir, const struct ptrvec *all,
			    const struct ptrvec *set, const char *undo_id)
{
	_cleanup_free_ char *now = snapshot_time_now();
	const struct snapshot *target = set->v[0];
	int ret = 0, r;

	/* Undoing a rollback puts back what that rollback ended. */
	if (!strcmp(target->kind, "rollback"))
		for (size_t i = 0; i < all->n; i++) {
			struct snapshot *s = all->v[i];

			if (s->restored_by &&
			    !strcmp(s->restored_by, target->id)) {
				r = set_restored(dir, s, NULL, NULL);
				ret = ret ? ret : r;
			}
		}
	for (size_t i = 0; i < set->n; i++) {
		r = set_restored(dir, set->v[i], now, undo_id);
		ret = ret ? ret : r;
	}
	return ret;
}

int snapshot_prune(const char *dir, const struct ptrvec *all, size_t keep,
		   struct ptrvec *ret)
{
	size_t ended = 0;
	int first = 0;

	for (size_t i = 0; i < all->n; i++)
		ended += !snapshot_in_effect(all->v[i]);
	for (size_t i = 0; i < all->n && ended > keep; i++) {
		const struct snapshot *s = all->v[i];
		_cleanup_free_ char *path = NULL;

		if (snapshot_in_effect(s))
			continue;
		ended--;
		path = snapshot_path(dir, s->id);
		if (unlink(path) < 0 && errno != ENOENT) {
			first = first ? first : -errno;
			continue;
		}
		ptrvec_push(ret, xstrdup(s->id));
	}
	if (ret->n) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			/* Best effort: the snapshots are gone either way. */
			/* NOLINTNEXTLINE(bugprone-unused-return-value) */
			fsync(fd);
			close(fd);
		}
	}
	return first;
}
