// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hosttune/util.h"

static void oom(void)
{
	fputs("hosttune: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xstrjoin_null(const char *first, ...)
{
	va_list ap;
	size_t len = 0, k;
	char *s, *p;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		len += strlen(a);
	va_end(ap);
	p = s = xmalloc(len + 1);
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		k = strlen(a);
		memcpy(p, a, k);
		p += k;
	}
	va_end(ap);
	*p = '\0';
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

void ptrvec_push(struct ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 16;
		pv->v = xrealloc(pv->v, pv->cap * sizeof(*pv->v));
	}
	pv->v[pv->n++] = p;
}

void ptrvec_free(struct ptrvec *pv, void (*destroy)(void *))
{
	if (destroy)
		for (size_t i = 0; i < pv->n; i++)
			destroy(pv->v[i]);
	free(pv->v);
	*pv = (struct ptrvec){ 0 };
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	/* !sb->s: an empty buffer grows whatever n is (the analyzer cannot
	 * tell that len + n + 1 never wraps) */
	if (!sb->s || sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	strbuf_add(sb, s, (size_t)n);
	free(s);
}

char *strbuf_take(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	*sb = (struct strbuf){ 0 };
	return s;
}

int parse_uint64(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	if (*s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	bool neg = s && *s == '-';
	uint64_t mag;
	int64_t v;
	int r;

	r = parse_uint64(neg ? s + 1 : s, UINT64_MAX, &mag);
	if (r < 0)
		return r;
	if (neg && s[1] == '+')
		return -EINVAL;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return -ERANGE;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

char *normalize_ws(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	bool space = false;

	while (*s && isspace((unsigned char)*s))
		s++;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

char *strip(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int read_fd_limited(int fd, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

bool dir_others_may_write(const struct stat *st, uid_t uid)
{
	return (st->st_uid != 0 && st->st_uid != uid) ||
	       (st->st_mode & (S_IWGRP | S_IWOTH));
}

int fstat_regular(int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	return S_ISREG(st->st_mode) ? 0 : -EINVAL;
}

int read_file_limited(const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = fstat_regular(fd, &st);
	if (r < 0)
		return r;
	return read_fd_limited(fd, max, ret, ret_len);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path's directory, opened (symlinks in it followed, as the caller named
 * it), and *ret_name its last component: a descriptor or -errno. */
static int open_parent(const char *path, const char **ret_name)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	int fd;

	*ret_name = slash ? slash + 1 : path;
	if (!**ret_name) {
		/* "dir/" or "": no file to name; what the old open said */
		struct stat st;

		if (stat(*path ? path : ".", &st) < 0)
			return -errno;
		return S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
	}
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, n ? path : ".", n ? n : 1);
	dir[n ? n : 1] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* n bytes no one can guess, never waiting for the kernel's pool (apply
 * runs early at boot, hosttune-apply.service): getrandom without
 * blocking, as mkostemp does, else the clock and the pid. O_EXCL is what
 * keeps a name safe; the bytes only keep it from being taken first. */
static void random_bytes(unsigned char *buf, size_t n)
{
	ssize_t r;
	struct timespec ts;
	uint64_t x;

	do
		r = getrandom(buf, n, GRND_NONBLOCK);
	while (r < 0 && errno == EINTR);
	if (r == (ssize_t)n)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    ((uint64_t)getpid() << 16);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
}

/* A new file name.TAG.XXXXXX in dfd, made with O_EXCL so that nothing
 * planted at the name is followed or taken over, and a suffix no one can
 * guess to take first (a fixed one could be planted to make every run
 * fail): its name, *ret_fd its descriptor; or NULL, *ret_fd -errno.
 * mkostemp()'s way, but in a directory held open rather than named
 * again. */
static char *create_beside(int dfd, const char *name, const char *tag,
			   int *ret_fd)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	*ret_fd = -EEXIST;
	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		char *tmp, *x;
		int fd;

		random_bytes(rnd, sizeof(rnd));
		tmp = xasprintf("%s.%s.XXXXXX", name, tag);
		x = tmp + strlen(tmp) - sizeof(rnd);
		for (size_t i = 0; i < sizeof(rnd); i++)
			x[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		fd = openat(dfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    0600);
		if (fd >= 0) {
			*ret_fd = fd;
			return tmp;
		}
		free(tmp);
		if (errno != EEXIST) {
			*ret_fd = -errno;
			return NULL;
		}
	}
	return NULL;
}

/* data in a new file beside name in dfd, written and fsync'd: its name,
 * or NULL with *ret_err (-errno) and nothing left behind. */
static char *write_temp(int dfd, const char *name, const char *data, size_t len,
			mode_t mode, int *ret_err)
{
	int fd, r;
	char *tmp = create_beside(dfd, name, "tmp", &fd);

	if (!tmp) {
		*ret_err = fd;
		return NULL;
	}
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		free(tmp);
		*ret_err = r;
		return NULL;
	}
	return tmp;
}

/* tmp put at name, whatever is there: 0 or an error, tmp then gone. */
static int place_anywhere(int dfd, const char *tmp, const char *name)
{
	int r;

	if (renameat(dfd, tmp, dfd, name) == 0)
		return 0;
	r = -errno;
	unlinkat(dfd, tmp, 0);
	return r;
}

/* data written beside name in dfd, then put in place by place (which
 * removes the temporary file when it fails), then the directory
 * fsync'd: every step in the one directory that was opened, so a
 * directory swapped for a symlink meanwhile cannot take the write
 * elsewhere. */
static int write_placed(int dfd, const char *name, const char *data, size_t len,
			mode_t mode,
			int (*place)(int, const char *, const char *))
{
	int r = 0;
	_cleanup_free_ char *tmp = write_temp(dfd, name, data, len, mode, &r);

	if (!tmp)
		return r;
	r = place(dfd, tmp, name);
	if (r < 0)
		return r;
	return fsync(dfd) < 0 ? -errno : 0;
}

int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode)
{
	const char *name;
	_cleanup_close_ int dfd = open_parent(path, &name);

	if (dfd < 0)
		return dfd;
	return write_placed(dfd, name, data, len, mode, place_anywhere);
}

/* Is something other than a regular file at name (nothing is fine)? */
static bool not_regular(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       !S_ISREG(st.st_mode);
}

/* tmp put at name only over nothing or a regular file: 0, -EEXIST with
 * what is at name as it was, or another error. With RENAME_NOREPLACE and
 * RENAME_EXCHANGE what is replaced is looked at after it was moved, so
 * even one made a moment before is never lost; a file system without
 * them gets a look first, then a rename. */
static int place_over_regular(int dfd, const char *tmp, const char *name)
{
	int r;

	if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST &&
	    renameat2(dfd, tmp, dfd, name, RENAME_EXCHANGE) == 0) {
		/* tmp now names what was at name */
		if (!not_regular(dfd, tmp)) {
			unlinkat(dfd, tmp, 0);
			return 0;
		}
		if (renameat2(dfd, tmp, dfd, name, RENAME_EXCHANGE) < 0)
			return -EIO; /* theirs at tmp, ours at name: keep both */
		unlinkat(dfd, tmp, 0);
		return -EEXIST;
	}
	r = -errno;
	/* no such renames on this file system: a look, a rename */
	if (r == -EINVAL || r == -ENOSYS) {
		if (!not_regular(dfd, name))
			return place_anywhere(dfd, tmp, name);
		r = -EEXIST;
	}
	unlinkat(dfd, tmp, 0); /* ours, still at tmp: nothing was moved */
	return r;
}

int write_file_over_regular_at(int dfd, const char *name, const char *data,
			       size_t len, mode_t mode)
{
	return write_placed(dfd, name, data, len, mode, place_over_regular);
}

int write_file_over_regular(const char *path, const char *data, size_t len,
			    mode_t mode)
{
	const char *name;
	_cleanup_close_ int dfd = open_parent(path, &name);

	if (dfd < 0)
		return dfd;
	return write_file_over_regular_at(dfd, name, data, len, mode);
}

int remove_regular_at(int dfd, const char *name)
{
	int fd, r;
	_cleanup_free_ char *aside = create_beside(dfd, name, "rm", &fd);

	/* an unguessable name that is free (made, then removed: should
	 * anyone take it meanwhile, RENAME_NOREPLACE fails); what is at
	 * name is moved there and looked at, so what is removed is what
	 * was moved, not whatever the name holds by then */
	if (!aside)
		return fd;
	close(fd);
	unlinkat(dfd, aside, 0);
	if (renameat2(dfd, name, dfd, aside, RENAME_NOREPLACE) < 0) {
		r = errno;
		if (r == ENOENT)
			return 0;
		if (r != EINVAL && r != ENOSYS)
			return -r;
		if (not_regular(dfd, name))
			return -EEXIST;
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno :
								       0;
	}
	if (!not_regular(dfd, aside))
		return unlinkat(dfd, aside, 0) < 0 ? -errno : 0;
	/* not a file to remove: back where it was (if something has been
	 * made at name since, it stays at aside, kept) */
	if (renameat2(dfd, aside, dfd, name, RENAME_NOREPLACE) < 0)
		return -EIO;
	return -EEXIST;
}

int remove_regular(const char *path)
{
	const char *name;
	_cleanup_close_ int dfd = open_parent(path, &name);

	if (dfd < 0)
		return dfd;
	return remove_regular_at(dfd, name);
}

/* The descriptor a path names as a shell does (/dev/stdout, /dev/stderr,
 * /dev/fd/N, /proc/self/fd/N, also with doubled slashes or "." between
 * them), or -1. */
static int fd_alias(const char *path)
{
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/" };
	char norm[64], *end;
	const char *p = NULL;
	size_t k = 0;
	long n;

	/* a "/" before another, and "/." before a "/", taken out; anything
	 * longer is no alias */
	for (const char *s = path; *s;) {
		if (s[0] == '/' && s[1] == '/') {
			s++;
			continue;
		}
		if (s[0] == '/' && s[1] == '.' && s[2] == '/') {
			s += 2;
			continue;
		}
		if (k + 1 >= sizeof(norm))
			return -1;
		norm[k++] = *s++;
	}
	norm[k] = '\0';
	if (!strcmp(norm, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(norm, "/dev/stderr"))
		return STDERR_FILENO;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !p; i++) {
		size_t dl = strlen(dirs[i]);

		if (k > dl && !memcmp(norm, dirs[i], dl))
			p = norm + dl;
	}
	if (!p || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	return *end || errno || n > INT_MAX ? -1 : (int)n;
}

int write_output(const char *path, const char *data, size_t len, mode_t mode,
		 const char **ret_why)
{
	_cleanup_close_ int fd = fd_alias(path);
	struct stat before, st;

	*ret_why = NULL;
	if (fd >= 0) {
		/* written where the descriptor is, not opened again: a
		 * reopen would start at offset 0 of a file appended to */
		int r = write_all(fd, data, len);

		TAKE_FD(fd); /* not ours to close */
		return r;
	}
	if (lstat(path, &before) < 0 || S_ISREG(before.st_mode))
		return write_file_atomic(path, data, len, mode);
	if (S_ISDIR(before.st_mode))
		return -EISDIR;
	/* a symlink is neither followed (whoever can write its directory
	 * could point it at any file root may write) nor replaced (it may
	 * be the system's: /dev/log, /dev/disk/by-id/...) */
	if (S_ISLNK(before.st_mode)) {
		*ret_why = "a symlink, which hosttune neither follows nor "
			   "replaces: name the file itself";
		return -ELOOP;
	}
	/* a FIFO could hold the run for ever (a reader that never reads),
	 * a block device is a disk, a socket no file */
	if (!S_ISCHR(before.st_mode)) {
		*ret_why = "not a file or a character device (for a pipe, "
			   "use standard output)";
		return -EINVAL;
	}
	/* a character device (/dev/null, a terminal) is written to, not
	 * replaced */
	fd = open(path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != before.st_dev || st.st_ino != before.st_ino ||
	    !S_ISCHR(st.st_mode)) {
		*ret_why = "it changed while being opened";
		return -EAGAIN;
	}
	return write_all(fd, data, len);
}

/* The length of the valid UTF-8 sequence at p (its code point in *ret),
 * or 0: overlong forms, surrogates and values past U+10FFFF are invalid.
 * A NUL ends the check, so nothing past the string is read. */
size_t utf8_seq(const unsigned char *p, uint32_t *ret)
{
	uint32_t cp;
	size_t n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	*ret = cp;
	return n;
}

/* Characters that would hide or reorder what is around them: C1
 * controls, bidirectional marks, embeddings, overrides and isolates, line
 * and paragraph separators, the byte-order mark. */
bool codepoint_hides(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c ||
	       (cp >= 0x200e && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Are the n bytes at s all printable ASCII (0x20-0x7e)? Eight at a time:
 * a byte is out of range if its top bit is set, if it is below 0x20 (the
 * subtraction borrows into a top bit its own did not have), or if it is
 * 0x7f (a zero byte once 0x7f is taken away by xor). Every check's id is
 * looked at (snapshot --all: 1,300), so the cost counts. */
static inline bool printable_ascii(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, d;

		memcpy(&w, s + i, 8);
		d = w ^ (ones * 0x7f);
		if ((w & high) | ((w - ones * 0x20) & ~w & high) |
		    ((d - ones) & ~d & high))
			return false;
	}
	for (; i < n; i++)
		if ((unsigned char)(s[i] - 0x20) >= 0x5f)
			return false;
	return true;
}

const char *display_shown(const char *s, char **owned)
{
	*owned = NULL;
	if (!s)
		return "-";
	return printable_ascii(s, strlen(s)) ? s : (*owned = display_escape(s));
}

/* Values come from the host and from fixture trees: never let one move the
 * cursor or change the terminal. */
char *display_escape(const char *s)
{
	struct strbuf sb = { 0 };

	if (!s)
		return xstrdup("-");
	/* most values are printable ASCII: copy those whole */
	if (printable_ascii(s, strlen(s)))
		return xstrdup(s);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp = 0;
		size_t n = 1;

		if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(&sb, "\\x%02x", *p);
		else if (*p < 0x80)
			strbuf_add(&sb, (const char *)p, 1);
		else if ((n = utf8_seq(p, &cp)) == 0) {
			strbuf_printf(&sb, "\\x%02x", *p);
			n = 1;
		} else if (codepoint_hides(cp))
			strbuf_printf(&sb, "\\u%04x", (unsigned)cp);
		else
			strbuf_add(&sb, (const char *)p, n);
		p += n;
	}
	return strbuf_take(&sb);
}
