/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_UTIL_H
#define HOSTTUNE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOSTTUNE_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One cleanup idiom for the whole tree: scope-bound destructors. */
static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand a cleanup-managed value to someone else. */
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _fd = (fd); \
		(fd) = -1;      \
		_fd;            \
	})

/* Allocation failure ends the program, as in git's xmalloc: a tuning tool
 * that cannot allocate a few kilobytes has nothing sensible left to do. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The strings joined: what xasprintf("%s%s%s") would give, without a
 * format to interpret (it is on the per-setting paths). The macro ends
 * the list with a typed null pointer. */
char *xstrjoin_null(const char *first, ...) __attribute__((sentinel));
#define xstrjoin(...) xstrjoin_null(__VA_ARGS__, (const char *)NULL)

/* A growable array of pointers. */
struct ptrvec {
	void **v;
	size_t n, cap;
};
void ptrvec_push(struct ptrvec *pv, void *p);
void ptrvec_free(struct ptrvec *pv, void (*destroy)(void *));

/* A growable string. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *strbuf_take(struct strbuf *sb);

/* Range-checked integer parsing in the spirit of OpenBSD strtonum(3):
 * the whole string must be a decimal integer in [min, max].
 * Returns 0, -EINVAL (not a number) or -ERANGE. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret);
int parse_uint64(const char *s, uint64_t max, uint64_t *ret);

/* Whitespace-normalised copy: runs of blanks become one space, ends trimmed. */
char *normalize_ws(const char *s);
char *strip(char *s);
bool startswith(const char *s, const char *prefix);
bool has_control_chars(const char *s);
/* The length of the valid UTF-8 sequence at p (its code point in *ret),
 * or 0: overlong forms, surrogates and values past U+10FFFF are invalid.
 * A NUL ends the check, so nothing past the string is read. */
size_t utf8_seq(const unsigned char *p, uint32_t *ret);
/* Characters that would hide or reorder what is around them: C1
 * controls, bidirectional marks, embeddings, overrides and isolates, line
 * and paragraph separators, the byte-order mark. */
bool codepoint_hides(uint32_t cp);
/* A copy for a terminal or a message: control bytes and invalid UTF-8 as
 * \xNN, characters that hide or reorder text as \uNNNN, so no value from
 * a file or the host can move the cursor or disguise what is shown; NULL
 * gives "-". */
char *display_escape(const char *s);
/* s as a terminal may be shown it, without a copy where none is needed:
 * s itself when it is printable ASCII (ids, paths and messages nearly
 * always are), else display_escape's copy, which *owned takes for the
 * caller to free. */
const char *display_shown(const char *s, char **owned);

/* Read an open file whole (at most max bytes: -EFBIG beyond). */
int read_fd_limited(int fd, size_t max, char **ret, size_t *ret_len);
/* fstat fd into *st: 0 for a regular file, -EISDIR for a directory,
 * -EINVAL for anything else (a FIFO, a device), or -errno. */
int fstat_regular(int fd, struct stat *st);
/* May someone other than root or uid add a name to the directory st
 * describes (its owner, or its group or others by its mode)? */
bool dir_others_may_write(const struct stat *st, uid_t uid);
/* Read a whole file (at most max bytes; -EFBIG beyond). */
int read_file_limited(const char *path, size_t max, char **ret,
		      size_t *ret_len);

/* Write data to path atomically: temp file, fsync, rename, fsync dir. */
int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode);
/* The same, but only over nothing or a regular file: -EEXIST, and what is
 * at path as it was, for anything else (a symlink, a mask), even one made
 * while this runs (RENAME_EXCHANGE: what was replaced is looked at after
 * it was moved, and put back). */
int write_file_over_regular(const char *path, const char *data, size_t len,
			    mode_t mode);
/* The same for name in the directory dfd: each step made in it, never
 * by its path again. */
int write_file_over_regular_at(int dfd, const char *name, const char *data,
			       size_t len, mode_t mode);
/* Remove path if it is a regular file: 0 (also when nothing is there),
 * or -EEXIST, with it as it was, for anything else, even one made while
 * this runs. */
int remove_regular(const char *path);
int remove_regular_at(int dfd, const char *name);
/* An output file (-o). /dev/stdout, /dev/stderr, /dev/fd/N and
 * /proc/self/fd/N are that descriptor, written where it stands. A
 * regular file, or nothing, at path is replaced atomically
 * (write_file_atomic); a character device (/dev/null, a terminal) is
 * written to. Anything else is refused, *ret_why saying why: a symlink
 * (neither followed nor replaced), a FIFO, a block device, a socket;
 * -EISDIR for a directory. Otherwise *ret_why is NULL and the error is
 * errno's. */
int write_output(const char *path, const char *data, size_t len, mode_t mode,
		 const char **ret_why);

#endif
