// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mount domain: options of a mount point.
 *
 *   [mount /var/lib/postgresql]
 *   options = noatime,nodiratime,!noexec,commit=60
 *
 * Every listed option is a check of its own, mount:PATH:NAME (commit=60 is
 * mount:PATH:commit), PATH being the section's path resolved beneath the
 * root. The value of each is the mount's whole option state, the per-mount
 * options and the superblock options of /proc/self/mountinfo joined by
 * " - " ("rw,nosuid,noatime - rw,size=16384k,mode=755"): that is what a
 * snapshot saves and what rollback writes back, so the exact previous set
 * returns. apply writes one option ("noatime", "!nosuid", "commit=60"),
 * merged into the state read just before the write, so two options of one
 * mount never undo each other.
 *
 * Per-mount flags change with mount_setattr(2) (MS_REMOUNT|MS_BIND before
 * Linux 5.12), file system options with a superblock remount that passes
 * every option the file system shows, as mount(8) does. Remounts need the
 * live host: under another root the checks are audited but never written.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "hosttune/check.h"

/* mount(2) copies one page of option data. */
#define MOUNT_DATA_MAX 4095
#define MOUNT_OPT_NAME_MAX 64

/* One mount of /proc/self/mountinfo, the fields we use. */
struct mount_entry {
	uint64_t id, parent;
	char *point; /* unescaped */
	char *opts; /* per-mount options, as shown */
	char *super; /* superblock options, as shown */
};

enum opt_kind {
	OPT_MNT_FLAG, /* a per-mount flag: nosuid */
	OPT_ATIME, /* one of the per-mount atime modes */
	OPT_RW, /* the absence of the per-mount ro flag */
	OPT_SB_FLAG, /* a superblock flag: sync */
	OPT_FS, /* anything else: the file system's own option */
};

struct mount_word {
	const char *name;
	enum opt_kind kind;
	uint64_t attr; /* MOUNT_ATTR_* */
	unsigned long ms; /* MS_* */
};

/* The words the kernel shows for the flags of a mount and of its
 * superblock (fs/proc_namespace.c), and what sets each. */
static const struct mount_word mount_words[] = {
	{ "ro", OPT_MNT_FLAG, MOUNT_ATTR_RDONLY, MS_RDONLY },
	{ "rw", OPT_RW, MOUNT_ATTR_RDONLY, 0 },
	{ "nosuid", OPT_MNT_FLAG, MOUNT_ATTR_NOSUID, MS_NOSUID },
	{ "nodev", OPT_MNT_FLAG, MOUNT_ATTR_NODEV, MS_NODEV },
	{ "noexec", OPT_MNT_FLAG, MOUNT_ATTR_NOEXEC, MS_NOEXEC },
	{ "nodiratime", OPT_MNT_FLAG, MOUNT_ATTR_NODIRATIME, MS_NODIRATIME },
	{ "nosymfollow", OPT_MNT_FLAG, MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW },
	{ "relatime", OPT_ATIME, MOUNT_ATTR_RELATIME, MS_RELATIME },
	{ "noatime", OPT_ATIME, MOUNT_ATTR_NOATIME, MS_NOATIME },
	{ "strictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME, MS_STRICTATIME },
	{ "sync", OPT_SB_FLAG, 0, MS_SYNCHRONOUS },
	{ "dirsync", OPT_SB_FLAG, 0, MS_DIRSYNC },
	{ "mand", OPT_SB_FLAG, 0, MS_MANDLOCK },
	{ "lazytime", OPT_SB_FLAG, 0, MS_LAZYTIME },
};

#define MNT_FLAGS_ALL                                               \
	(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | \
	 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW)

/* mount(8) and fstab words that describe no state the kernel shows. */
static const struct {
	const char *word, *hint;
} mount_aliases[] = {
	{ "suid", "write '!nosuid'" },
	{ "dev", "write '!nodev'" },
	{ "exec", "write '!noexec'" },
	{ "atime", "write '!noatime'" },
	{ "diratime", "write '!nodiratime'" },
	{ "symfollow", "write '!nosymfollow'" },
	{ "async", "write '!sync'" },
	{ "nolazytime", "write '!lazytime'" },
	{ "nomand", "write '!mand'" },
	{ "norelatime", "write the atime mode you want" },
	{ "nostrictatime", "write the atime mode you want" },
	{ "defaults", "list the options themselves" },
	{ "remount", "hosttune remounts by itself" },
	{ "bind", "a bind mount cannot be made by a profile" },
	{ "auto", "an fstab option, not a mount's state" },
	{ "noauto", "an fstab option, not a mount's state" },
	{ "user", "an fstab option, not a mount's state" },
	{ "nouser", "an fstab option, not a mount's state" },
	{ "users", "an fstab option, not a mount's state" },
	{ "nofail", "an fstab option, not a mount's state" },
	{ "_netdev", "an fstab option, not a mount's state" },
};

/* An option as a profile (or a write) gives it: [!]NAME[=VALUE]. */
struct mount_opt {
	bool absent;
	char *name;
	char *value; /* NULL when none */
	const struct mount_word *word; /* NULL for a file system option */
};

/* The option state of a mount. */
struct mount_state {
	uint64_t attr; /* per-mount MOUNT_ATTR_* flags */
	uint64_t atime; /* MOUNT_ATTR_RELATIME, _NOATIME or _STRICTATIME */
	bool sb_ro;
	unsigned long sb_ms; /* superblock MS_* flags but MS_RDONLY */
	struct ptrvec fs; /* char *: file system options, as shown */
};

extern const struct check_ops mount_ops;

static const struct mount_word *mount_word_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_words); i++)
		if (!strcmp(mount_words[i].name, name))
			return &mount_words[i];
	return NULL;
}

static void mount_entry_free(struct mount_entry *m)
{
	/* m is a stack entry or an item of a ptrvec, never NULL: the analyzer
	 * loses track of what a ptrvec holds. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	free(m->point);
	free(m->opts);
	free(m->super);
	*m = (struct mount_entry){ 0 };
}

static void mount_opt_free(struct mount_opt *o)
{
	free(o->name);
	free(o->value);
	*o = (struct mount_opt){ 0 };
}

static void mount_state_free(struct mount_state *st)
{
	ptrvec_free(&st->fs, free);
	*st = (struct mount_state){ 0 };
}

/* Undo the kernel's mangle(): \ooo octal escapes (\040 space, \011 tab,
 * \012 newline, \134 backslash). -EINVAL for a NUL or a stray backslash. */
static int unescape_octal(const char *s, char **ret)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	while (*s) {
		unsigned v = 0;

		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		for (int i = 1; i <= 3; i++) {
			if (s[i] < '0' || s[i] > '7') {
				free(out);
				return -EINVAL;
			}
			v = v * 8 + (unsigned)(s[i] - '0');
		}
		if (v == 0 || v > 0xff) {
			free(out);
			return -EINVAL;
		}
		*o++ = (char)v;
		s += 4;
	}
	*o = '\0';
	*ret = out;
	return 0;
}

/* Split a line at single spaces; an empty field makes it malformed. */
static int split_fields(char *line, struct ptrvec *ret)
{
	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (sp)
			*sp = '\0';
		if (!*p)
			return -EINVAL;
		ptrvec_push(ret, p);
		if (!sp)
			return 0;
		p = sp + 1;
	}
}

/*
 * One line of mountinfo:
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
 */
static int mountinfo_line(char *line, struct mount_entry *ret)
{
	struct ptrvec f = { 0 };
	struct mount_entry m = { 0 };
	size_t sep = 6;
	int r;

	r = split_fields(line, &f);
	while (r == 0 && sep < f.n && strcmp(f.v[sep], "-"))
		sep++;
	if (r < 0 || sep + 3 >= f.n ||
	    parse_uint64(f.v[0], UINT64_MAX, &m.id) < 0 ||
	    parse_uint64(f.v[1], UINT64_MAX, &m.parent) < 0 ||
	    unescape_octal(f.v[4], &m.point) < 0) {
		free(f.v);
		return -EINVAL;
	}
	m.opts = xstrdup(f.v[5]);
	m.super = xstrdup(f.v[sep + 3]);
	free(f.v);
	*ret = m;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* How many times v occurs in the sorted array a of n. */
static size_t count_u64(const uint64_t *a, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n, first;

	while (lo < hi) { /* first element >= v */
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	hi = n;
	while (lo < hi) { /* first element > v */
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - first;
}

/* Of the mounts at one path (found, in mountinfo order), the one no other
 * is stacked on (a mount over another names it as its parent) wins; where
 * that does not decide, the last listed. 1 with *ret set, or 0. */
static int mount_stack_top(struct ptrvec *found, struct mount_entry *ret)
{
	struct mount_entry *top = NULL;
	/* the candidates' parent ids, sorted: one pass and a search each,
	 * not every pair (a stack of 80,000 mounts on one path took 10 s) */
	uint64_t *parents =
		xmalloc((found->n ? found->n : 1) * sizeof(*parents));

	for (size_t k = 0; k < found->n; k++)
		parents[k] = ((const struct mount_entry *)found->v[k])->parent;
	qsort(parents, found->n, sizeof(*parents), cmp_u64);
	for (size_t i = found->n; i-- > 0 && !top;) {
		struct mount_entry *m = found->v[i];
		/* how many candidates name m as their parent, m itself aside */
		size_t n = count_u64(parents, found->n, m->id) -
			   (m->parent == m->id);

		if (n == 0)
			top = m;
	}
	free(parents);
	if (!top && found->n)
		top = found->v[found->n - 1];
	if (top) {
		*ret = *top;
		*top = (struct mount_entry){ 0 };
	}
	for (size_t i = 0; i < found->n; i++)
		mount_entry_free(found->v[i]);
	ptrvec_free(found, free);
	return top != NULL;
}

/* Parse a copy of one line into found when it is a mount at path. */
static void mount_candidate(const char *line, const char *path,
			    struct ptrvec *found)
{
	_cleanup_free_ char *copy = xstrdup(line);
	struct mount_entry m = { 0 };

	if (mountinfo_line(copy, &m) < 0)
		return;
	if (strcmp(m.point, path)) {
		mount_entry_free(&m);
		return;
	}
	ptrvec_push(found, xmalloc(sizeof(m)));
	*(struct mount_entry *)found->v[found->n - 1] = m;
}

/*
 * The run's mountinfo, read once and indexed by mount point: a profile
 * with k mount checks on a host of n mounts reads and splits the table
 * once (O(n)) and looks each path up in a hash (O(1) a check, plus the
 * mounts stacked there), where each check used to read and parse the
 * whole table. A remount changes the table: mount_write drops it, and the
 * next lookup (apply's read-back) reads it again. Nothing is kept between
 * runs.
 */
extern const struct check_ops mount_ops;

struct mount_table {
	char *text; /* the table, lines split at NUL */
	size_t n, mask;
	char **line; /* line i */
	char **point; /* its mount point, unescaped (NULL: malformed) */
	uint32_t *head, *next; /* hash chains of line indexes */
	bool loaded;
};

#define MT_END UINT32_MAX

static uint64_t point_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void mount_table_clear(struct mount_table *t)
{
	for (size_t i = 0; t->point && i < t->n; i++)
		free(t->point[i]);
	free(t->text);
	free(t->line);
	free(t->point);
	free(t->head);
	free(t->next);
	*t = (struct mount_table){ 0 };
}

static int mount_open(const struct host *h, void **ret)
{
	(void)h;
	*ret = xcalloc(1, sizeof(struct mount_table));
	return 0;
}

static void mount_close(void *state)
{
	mount_table_clear(state);
	free(state);
}

/* Field 5 of a line, the mount point, unescaped, as a string of its
 * own (the line stays whole for parsing); NULL when malformed. */
static char *line_point(char *line)
{
	char *p = line, *end, *out = NULL;

	for (int i = 0; i < 4 && p; i++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p || *p == ' ')
		return NULL;
	end = strchrnul(p, ' ');
	if (!memchr(p, '\\', (size_t)(end - p)))
		return xstrndup(p, (size_t)(end - p));
	{
		_cleanup_free_ char *raw = xstrndup(p, (size_t)(end - p));

		if (unescape_octal(raw, &out) < 0)
			return NULL;
	}
	return out;
}

static int mount_table_load(const struct host *h, struct mount_table *t)
{
	size_t cap = 0;
	int r = hostfs_read_max(h, "proc/self/mountinfo", HOSTFS_MAX_TABLE,
				&t->text, NULL);

	if (r < 0)
		return r;
	for (char *line = t->text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			t->line = xrealloc(t->line, cap * sizeof(*t->line));
		}
		t->line[t->n++] = line;
	}
	for (t->mask = 1; t->mask < 2 * t->n; t->mask *= 2)
		;
	t->head = xmalloc(t->mask * sizeof(*t->head));
	memset(t->head, 0xff, t->mask * sizeof(*t->head));
	t->mask--;
	t->next = xmalloc((t->n ? t->n : 1) * sizeof(*t->next));
	t->point = xcalloc(t->n ? t->n : 1, sizeof(*t->point));
	for (size_t i = 0; i < t->n; i++) {
		uint32_t b;

		t->point[i] = line_point(t->line[i]);
		t->next[i] = MT_END;
		if (!t->point[i])
			continue;
		b = (uint32_t)(point_hash(t->point[i]) & t->mask);
		t->next[i] = t->head[b];
		t->head[b] = (uint32_t)i;
	}
	t->loaded = true;
	return 0;
}

/* The mounts at path, in mountinfo order (the chains run backwards). */
static int mount_table_find(struct mount_table *t, const char *path,
			    struct mount_entry *ret)
{
	struct ptrvec found = { 0 }, idx = { 0 };
	uint32_t b = (uint32_t)(point_hash(path) & t->mask);

	for (uint32_t i = t->head[b]; i != MT_END; i = t->next[i])
		if (!strcmp(t->point[i], path))
			ptrvec_push(&idx, t->line[i]);
	for (size_t k = idx.n; k-- > 0;)
		mount_candidate(idx.v[k], path, &found);
	free(idx.v);
	return mount_stack_top(&found, ret);
}

/* Is path a mount point in a mountinfo text? See mount_stack_top.
 * Malformed lines are skipped. 1 with *ret set, or 0. */
static int mountinfo_find(const char *text, const char *path,
			  struct mount_entry *ret)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct ptrvec found = { 0 };

	for (char *line = copy, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		mount_candidate(line, path, &found);
	}
	return mount_stack_top(&found, ret);
}

/* Look path up in the root's mountinfo: 1 found, 0 not a mount point, or
 * -errno. Through the run's table where there is a run (a host opened
 * with host_open), else read for this lookup alone. */
static int mount_lookup(const struct host *h, const char *path,
			struct mount_entry *ret)
{
	struct mount_table *t = check_state(h, &mount_ops);
	_cleanup_free_ char *text = NULL;
	int r;

	if (t) {
		if (!t->loaded) {
			r = mount_table_load(h, t);
			if (r < 0) {
				mount_table_clear(t);
				return r;
			}
		}
		return mount_table_find(t, path, ret);
	}
	r = hostfs_read_max(h, "proc/self/mountinfo", HOSTFS_MAX_TABLE, &text,
			    NULL);
	if (r < 0)
		return r;
	return mountinfo_find(text, path, ret);
}

/* A remount (or a failed try) changes the table: read it again next. */
static void mount_table_drop(const struct host *h)
{
	struct mount_table *t = check_state(h, &mount_ops);

	if (t)
		mount_table_clear(t);
}

/* "PER - SUPER" into a state. Unknown per-mount words (a newer kernel's)
 * are ignored: hosttune cannot set them either. */
static int mount_state_parse(const char *s, struct mount_state *ret)
{
	const char *sep = s ? strstr(s, " - ") : NULL;
	_cleanup_free_ char *per = NULL, *super = NULL;
	struct mount_state st = { .atime = MOUNT_ATTR_STRICTATIME };
	char *w, *next;

	if (!sep || strchr(sep + 3, ' ') || !sep[3])
		return -EINVAL;
	per = xstrndup(s, (size_t)(sep - s));
	super = xstrdup(sep + 3);
	for (w = per; w; w = next) {
		const struct mount_word *mw;

		next = strchr(w, ',');
		if (next)
			*next++ = '\0';
		mw = mount_word_find(w);
		if (mw && mw->kind == OPT_MNT_FLAG)
			st.attr |= mw->attr;
		else if (mw && mw->kind == OPT_ATIME)
			st.atime = mw->attr;
	}
	for (w = super; w; w = next) {
		const struct mount_word *mw;

		next = strchr(w, ',');
		if (next)
			*next++ = '\0';
		mw = mount_word_find(w);
		if (!strcmp(w, "ro") || !strcmp(w, "rw"))
			st.sb_ro = w[1] == 'o';
		else if (mw && mw->kind == OPT_SB_FLAG)
			st.sb_ms |= mw->ms;
		else if (*w)
			ptrvec_push(&st.fs, xstrdup(w));
	}
	*ret = st;
	return 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* An option name: what the kernel shows before '='. */
static int opt_name_check(const char *name, char **ret_err)
{
	size_t n = strlen(name);

	if (n == 0 || n > MOUNT_OPT_NAME_MAX) {
		*ret_err = xasprintf("option name must be 1 to %d characters",
				     MOUNT_OPT_NAME_MAX);
		return -EINVAL;
	}
	for (const char *p = name; *p; p++)
		if (!name_char_ok(*p)) {
			*ret_err =
				xasprintf("'%s': an option name has letters, "
					  "digits, '_', '-' and '.' only",
					  name);
			return -EINVAL;
		}
	for (size_t i = 0; i < ARRAY_SIZE(mount_aliases); i++)
		if (!strcmp(mount_aliases[i].word, name)) {
			*ret_err =
				xasprintf("'%s' is not a state a mount shows "
					  "(%s)",
					  name, mount_aliases[i].hint);
			return -EINVAL;
		}
	return 0;
}

/* Parse "[!]NAME[=VALUE]". Values are printable, without blanks, commas
 * or backslashes, so a mount's state stays one unambiguous string. */
static int mount_opt_parse(const char *tok, struct mount_opt *ret,
			   char **ret_err)
{
	struct mount_opt o = { 0 };
	const char *eq;

	if (*tok == '!') {
		o.absent = true;
		tok++;
	}
	eq = strchr(tok, '=');
	o.name = eq ? xstrndup(tok, (size_t)(eq - tok)) : xstrdup(tok);
	if (opt_name_check(o.name, ret_err) < 0)
		goto bad;
	o.word = mount_word_find(o.name);
	if (eq) {
		o.value = xstrdup(eq + 1);
		if (o.word) {
			*ret_err = xasprintf("'%s' takes no value", o.name);
			goto bad;
		}
		if (!*o.value || has_control_chars(o.value) ||
		    strpbrk(o.value, " ,\\")) {
			*ret_err = xasprintf("'%s': a value must be non-empty, "
					     "without blanks, ',' or '\\'",
					     tok);
			goto bad;
		}
	}
	*ret = o;
	return 0;
bad:
	mount_opt_free(&o);
	return -EINVAL;
}

/* The canonical text of an option: what plan writes. */
static char *mount_opt_format(const struct mount_opt *o)
{
	return xasprintf("%s%s%s%s", o->absent ? "!" : "", o->name,
			 o->value ? "=" : "", o->value ? o->value : "");
}

/* Two option values are the same when equal as text or, both being
 * sizes, as numbers (tmpfs shows size=16m as size=16384k). */
static bool opt_value_same(const char *a, const char *b)
{
	struct num x, y;

	if (!strcmp(a, b))
		return true;
	return num_parse(a, UNIT_BYTES, &x) == 0 &&
	       num_parse(b, UNIT_BYTES, &y) == 0 && num_cmp(&x, &y) == 0;
}

/* The file system option of the state with this name, or -1. */
static ssize_t fs_opt_index(const struct mount_state *st, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < st->fs.n; i++) {
		const char *o = st->fs.v[i];

		if (!strncmp(o, name, n) && (o[n] == '\0' || o[n] == '='))
			return (ssize_t)i;
	}
	return -1;
}

/* Is the option there (and with its value)? */
static bool mount_opt_present(const struct mount_state *st,
			      const struct mount_opt *o)
{
	const struct mount_word *w = o->word;
	const char *eq;
	ssize_t i;

	if (w && w->kind == OPT_MNT_FLAG)
		return st->attr & w->attr;
	if (w && w->kind == OPT_RW)
		return !(st->attr & MOUNT_ATTR_RDONLY);
	if (w && w->kind == OPT_ATIME)
		return st->atime == w->attr;
	if (w && w->kind == OPT_SB_FLAG)
		return st->sb_ms & w->ms;
	i = fs_opt_index(st, o->name);
	if (i < 0)
		return false;
	if (!o->value)
		return true;
	/* i < fs.n: fs_opt_index() bounds it. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	eq = strchr(st->fs.v[i], '=');
	return eq && opt_value_same(eq + 1, o->value);
}

static bool mount_opt_holds(const struct mount_state *st,
			    const struct mount_opt *o)
{
	return mount_opt_present(st, o) != o->absent;
}

static void set_bits(uint64_t *v, uint64_t bits, bool on)
{
	*v = on ? (*v | bits) : (*v & ~bits);
}

/* Change st so that o holds. -EINVAL when no single state follows from
 * o: "!relatime" (noatime or strictatime?) or a file system option that
 * must go (a remount cannot drop one). */
static int mount_state_merge(struct mount_state *st, const struct mount_opt *o)
{
	const struct mount_word *w = o->word;
	ssize_t i;

	if (mount_opt_holds(st, o))
		return 0;
	if (w && w->kind == OPT_MNT_FLAG) {
		set_bits(&st->attr, w->attr, !o->absent);
	} else if (w && w->kind == OPT_RW) {
		set_bits(&st->attr, MOUNT_ATTR_RDONLY, o->absent);
	} else if (w && w->kind == OPT_SB_FLAG) {
		st->sb_ms = o->absent ? st->sb_ms & ~w->ms : st->sb_ms | w->ms;
	} else if (w && w->kind == OPT_ATIME) {
		if (o->absent && w->attr == MOUNT_ATTR_RELATIME)
			return -EINVAL;
		st->atime = o->absent ? MOUNT_ATTR_RELATIME : w->attr;
	} else if (o->absent) {
		return -EINVAL;
	} else {
		char *text = mount_opt_format(o);

		i = fs_opt_index(st, o->name);
		if (i >= 0) {
			/* i < fs.n: fs_opt_index() bounds it. */
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			free(st->fs.v[i]);
			st->fs.v[i] = text;
		} else {
			ptrvec_push(&st->fs, text);
		}
	}
	return 0;
}

/* The option of c's setting that c checks. */
static int setting_opt(const struct check *c, struct mount_opt *ret)
{
	_cleanup_free_ char *list = NULL;
	_cleanup_free_ char *err = NULL;
	char *tok, *next;

	if (!c->setting || c->setting->expect.n_alts != 1)
		return -EINVAL;
	list = xstrdup(c->setting->expect.alts[0]);
	for (tok = list; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (mount_opt_parse(tok, ret, &err) < 0) {
			free(TAKE_PTR(err));
			continue;
		}
		if (!strcmp(ret->name, c->key))
			return 0;
		mount_opt_free(ret);
	}
	return -ENOENT;
}

static int mount_parse_target(const char *target, char **ret_err)
{
	if (target[0] != '/') {
		*ret_err = xstrdup("the mount point must be an absolute path");
		return -EINVAL;
	}
	if (has_control_chars(target)) {
		*ret_err = xstrdup("the path contains control characters");
		return -EINVAL;
	}
	if (strlen(target) >= PATH_MAX) {
		*ret_err = xasprintf("the path is longer than %d bytes",
				     PATH_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

/* "options" in a profile; an option name in a snapshot. */
static int mount_parse_key(const char *target, const char *key, char **ret_key,
			   char **ret_err)
{
	(void)target;
	if (strcmp(key, "options") && opt_name_check(key, ret_err) < 0)
		return -EINVAL;
	*ret_key = xstrdup(key);
	return 0;
}

/* Options that cannot hold together. */
static int opts_conflict(const struct mount_opt *a, const struct mount_opt *b,
			 char **ret_err)
{
	/* rw is !ro: "rw,ro" and "!rw,!ro" cannot both hold */
	bool ro_rw = a->word && b->word && a->absent == b->absent &&
		     ((a->word->kind == OPT_RW &&
		       b->word->attr == MOUNT_ATTR_RDONLY &&
		       b->word->kind == OPT_MNT_FLAG) ||
		      (b->word->kind == OPT_RW &&
		       a->word->attr == MOUNT_ATTR_RDONLY &&
		       a->word->kind == OPT_MNT_FLAG));
	bool atimes = a->word && b->word && a->word->kind == OPT_ATIME &&
		      b->word->kind == OPT_ATIME && !a->absent && !b->absent;

	if (!strcmp(a->name, b->name)) {
		*ret_err = xasprintf("'%s' is listed twice", a->name);
		return -EINVAL;
	}
	if (ro_rw || atimes) {
		*ret_err = xasprintf("'%s' and '%s' exclude each other; list "
				     "one",
				     a->name, b->name);
		return -EINVAL;
	}
	return 0;
}

/* Check a whole option list; *ret_canon is it without blanks. */
static int opt_list_parse(const char *list, char **ret_canon, char **ret_err)
{
	_cleanup_free_ char *copy = xstrdup(list);
	struct mount_opt opts[64];
	struct strbuf sb = { 0 };
	size_t n = 0;
	char *tok, *next;
	int r = 0;

	for (tok = copy; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		tok = strip(tok);
		if (!*tok) {
			*ret_err = xstrdup("empty option in the list");
			r = -EINVAL;
			break;
		}
		if (n == ARRAY_SIZE(opts)) {
			*ret_err = xasprintf("more than %zu options",
					     ARRAY_SIZE(opts));
			r = -EINVAL;
			break;
		}
		r = mount_opt_parse(tok, &opts[n], ret_err);
		if (r < 0)
			break;
		for (size_t k = 0; k < n && r == 0; k++)
			r = opts_conflict(&opts[k], &opts[n], ret_err);
		strbuf_printf(&sb, "%s%s", n ? "," : "", tok);
		n++;
		if (r < 0)
			break;
	}
	for (size_t k = 0; k < n; k++)
		mount_opt_free(&opts[k]);
	if (r < 0) {
		free(sb.s);
		return r;
	}
	*ret_canon = strbuf_take(&sb);
	return 0;
}

static int mount_parse_setting(const char *target, const char *key,
			       const char *value, char **ret_key,
			       struct expect *ret, char **ret_err)
{
	struct expect e = { 0 };
	char *canon = NULL;

	(void)target;
	if (strcmp(key, "options")) {
		*ret_err = xasprintf("unknown key '%s' (a [mount PATH] section "
				     "has one key: options)",
				     key);
		return -EINVAL;
	}
	if (expect_parse(value, UNIT_NONE, false, &e, ret_err) < 0)
		return -EINVAL;
	if (e.op != EXP_EXACT || e.n_alts != 1) {
		expect_free(&e);
		*ret_err = xstrdup("options is a comma-separated list (NAME, "
				   "!NAME, NAME=VALUE), not a comparison or "
				   "alternatives");
		return -EINVAL;
	}
	if (opt_list_parse(e.alts[0], &canon, ret_err) < 0) {
		expect_free(&e);
		return -EINVAL;
	}
	free(e.alts[0]);
	e.alts[0] = canon;
	*ret_key = xstrdup(key);
	*ret = e;
	return 0;
}

/* Collapse "", "." and ".." without touching the tree. */
static char *path_normalize(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	struct strbuf sb = { 0 };
	char *comp, *next;

	strbuf_puts(&sb, "");
	for (comp = copy; comp; comp = next) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(sb.s, '/');

			sb.len = slash ? (size_t)(slash - sb.s) : 0;
			sb.s[sb.len] = '\0';
			continue;
		}
		strbuf_printf(&sb, "/%s", comp);
	}
	if (!sb.len)
		strbuf_puts(&sb, "/");
	return strbuf_take(&sb);
}

/* Where an open file descriptor is, as this process sees it. */
static char *fd_path(int fd)
{
	_cleanup_free_ char *link = xasprintf("/proc/self/fd/%d", fd);
	char buf[PATH_MAX];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* The path a profile names, resolved beneath the root as that tree's own
 * symlinks and ".." lead; lexically where it does not exist there (a
 * captured mountinfo without the directories, or a kernel without
 * openat2(2) under another root). */
static char *mount_resolve(const struct host *h, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_free_ char *rel = path_normalize(path), *full = NULL,
			    *root = NULL;
	_cleanup_close_ int fd = -1;
	size_t n;

	fd = (int)syscall(SYS_openat2, h->root_fd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS && h->live) {
		full = realpath(path, NULL);
		return full ? TAKE_PTR(full) : TAKE_PTR(rel);
	}
	if (fd < 0)
		return TAKE_PTR(rel);
	full = fd_path(fd);
	root = fd_path(h->root_fd);
	if (!full || !root)
		return TAKE_PTR(rel);
	if (!strcmp(root, "/"))
		return TAKE_PTR(full);
	n = strlen(root);
	if (strncmp(full, root, n) || (full[n] != '/' && full[n] != '\0'))
		return TAKE_PTR(rel);
	return full[n] ? xstrdup(full + n) : xstrdup("/");
}

static int mount_expand(const struct host *h, const struct setting *s,
			struct ptrvec *out)
{
	_cleanup_free_ char *path = mount_resolve(h, s->target);
	_cleanup_free_ char *list = xstrdup(s->expect.alts[0]);
	char *tok, *next;

	for (tok = list; tok; tok = next) {
		_cleanup_free_ char *err = NULL;
		struct mount_opt o;

		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (mount_opt_parse(tok, &o, &err) < 0)
			return -EINVAL; /* parse_setting let it through */
		ptrvec_push(out, check_new(s->ops, path, o.name));
		mount_opt_free(&o);
	}
	return 0;
}

static int mount_read(const struct host *h, struct check *c)
{
	struct mount_entry m = { 0 };
	int r = mount_lookup(h, c->target, &m);

	if (r < 0)
		return r;
	if (r == 0) {
		c->status = ST_MISSING;
		c->detail = xstrdup("not a mount point");
		return 0;
	}
	c->actual = xasprintf("%s - %s", m.opts, m.super);
	c->read_only = !h->live;
	mount_entry_free(&m);
	return 0;
}

static bool mount_match(const struct host *h, const struct check *c)
{
	struct mount_opt o = { 0 };
	struct mount_state st = { 0 };
	bool ok;

	(void)h;
	if (setting_opt(c, &o) < 0)
		return false;
	if (mount_state_parse(c->actual, &st) < 0) {
		mount_opt_free(&o);
		return false;
	}
	ok = mount_opt_holds(&st, &o);
	mount_opt_free(&o);
	mount_state_free(&st);
	return ok;
}

/* What apply writes: the option itself, once it is known that it can be
 * brought about. */
static int mount_plan(const struct host *h, const struct check *c, char **ret)
{
	struct mount_opt o = { 0 };
	struct mount_state st = { 0 };
	int r;

	(void)h;
	r = setting_opt(c, &o);
	if (r == 0)
		r = mount_state_parse(c->actual, &st);
	if (r == 0)
		r = mount_state_merge(&st, &o);
	if (r == 0)
		*ret = mount_opt_format(&o);
	mount_opt_free(&o);
	mount_state_free(&st);
	return r < 0 ? -EINVAL : 0;
}

static bool fs_opts_same(const struct mount_state *a,
			 const struct mount_state *b)
{
	if (a->fs.n != b->fs.n)
		return false;
	for (size_t i = 0; i < a->fs.n; i++)
		if (strcmp(a->fs.v[i], b->fs.v[i]))
			return false;
	return true;
}

static unsigned long mnt_ms_flags(const struct mount_state *st)
{
	unsigned long ms = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mount_words); i++) {
		const struct mount_word *w = &mount_words[i];

		if ((w->kind == OPT_MNT_FLAG && (st->attr & w->attr)) ||
		    (w->kind == OPT_ATIME && st->atime == w->attr))
			ms |= w->ms;
	}
	return ms;
}

/* The superblock's options as mount(2) takes them: unescaped, without
 * the flags that travel as MS_* bits. */
static int fs_data(const struct mount_state *st, char **ret)
{
	struct strbuf sb = { 0 };

	strbuf_puts(&sb, "");
	for (size_t i = 0; i < st->fs.n; i++) {
		_cleanup_free_ char *o = NULL;

		if (unescape_octal(st->fs.v[i], &o) < 0 || strchr(o, ',')) {
			free(sb.s);
			return -EINVAL;
		}
		strbuf_printf(&sb, "%s%s", i ? "," : "", o);
	}
	if (sb.len > MOUNT_DATA_MAX) {
		free(sb.s);
		return -E2BIG;
	}
	*ret = strbuf_take(&sb);
	return 0;
}

/* A superblock remount. It also resets the per-mount flags to those
 * passed, which the per-mount step after it puts right (MS_RDONLY here
 * means the superblock's). */
static int remount_super(const char *where, const struct mount_state *want)
{
	_cleanup_free_ char *data = NULL;
	unsigned long flags = MS_REMOUNT | want->sb_ms |
			      (mnt_ms_flags(want) & ~(unsigned long)MS_RDONLY);
	int r = fs_data(want, &data);

	if (r < 0)
		return r;
	if (want->sb_ro)
		flags |= MS_RDONLY;
	return mount(NULL, where, NULL, flags, data) < 0 ? -errno : 0;
}

/* Set the per-mount flags to exactly want's. */
static int set_mount_flags(int fd, const char *where,
			   const struct mount_state *want)
{
	struct mount_attr attr = {
		.attr_set = want->attr | want->atime,
		.attr_clr = (MNT_FLAGS_ALL & ~want->attr) | MOUNT_ATTR__ATIME,
	};
	unsigned long ms = MS_REMOUNT | MS_BIND | mnt_ms_flags(want);

	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr,
		    sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	return mount(NULL, where, NULL, ms, NULL) < 0 ? -errno : 0;
}

/* Open the mount point without following symlinks (it was resolved when
 * the profile was expanded) and make sure it is the mount that was read. */
static int open_mount(const char *path, uint64_t id, int *ret_fd)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	_cleanup_close_ int fd = -1;
	struct statx stx;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 &&
	    (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id != id)
		return -ESTALE;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* The state a write asks for: a whole state ("PER - SUPER", from a
 * snapshot) or one option merged into the current state. */
static int wanted_state(const char *key, const char *value, const char *current,
			struct mount_state *ret)
{
	_cleanup_free_ char *err = NULL;
	struct mount_opt o = { 0 };
	int r;

	if (strstr(value, " - "))
		return mount_state_parse(value, ret);
	r = mount_opt_parse(value, &o, &err);
	if (r == 0 && strcmp(o.name, key))
		r = -EINVAL;
	if (r == 0)
		r = mount_state_parse(current, ret);
	if (r == 0) {
		r = mount_state_merge(ret, &o);
		if (r < 0)
			mount_state_free(ret);
	}
	mount_opt_free(&o);
	return r;
}

static int mount_write(const struct host *h, const char *target,
		       const char *key, const char *value, char **ret_why)
{
	_cleanup_free_ char *current = NULL, *where = NULL;
	struct mount_state cur = { 0 }, want = { 0 };
	struct mount_entry m = { 0 };
	_cleanup_close_ int fd = -1;
	bool super;
	int r;

	if (!h->live)
		return -EOPNOTSUPP; /* only the running kernel remounts */
	r = mount_lookup(h, target, &m);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	current = xasprintf("%s - %s", m.opts, m.super);
	r = open_mount(target, m.id, &fd);
	mount_entry_free(&m);
	if (r == 0)
		r = mount_state_parse(current, &cur);
	if (r == 0)
		r = wanted_state(key, value, current, &want);
	if (r < 0)
		goto out;
	where = xasprintf("/proc/self/fd/%d", fd);
	super = want.sb_ro != cur.sb_ro || want.sb_ms != cur.sb_ms ||
		!fs_opts_same(&want, &cur);
	if (super)
		r = remount_super(where, &want);
	if (r == 0 &&
	    (super || want.attr != cur.attr || want.atime != cur.atime))
		r = set_mount_flags(fd, where, &want);
	/* whether it worked or not, the table may have changed */
	mount_table_drop(h);
out:
	mount_state_free(&cur);
	mount_state_free(&want);
	return r;
}

static const char *mount_why(const char *key)
{
	(void)key;
	return "mount options: noatime/nodiratime save a metadata write per "
	       "read; nosuid, nodev and noexec narrow what a mount can do";
}

static const char *mount_ref(const char *key)
{
	(void)key;
	return "mount(8), FILESYSTEM-INDEPENDENT MOUNT OPTIONS";
}

const struct check_ops mount_ops = {
	.name = "mount",
	.target = TARGET_REQUIRED,
	.cap = CAP_SYS_ADMIN,
	.parse_target = mount_parse_target,
	.parse_key = mount_parse_key,
	.parse_setting = mount_parse_setting,
	.expand = mount_expand,
	.read = mount_read,
	.open = mount_open,
	.close = mount_close,
	.write = mount_write,
	.match = mount_match,
	.plan = mount_plan,
	.why = mount_why,
	.ref = mount_ref,
};
