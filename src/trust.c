// SPDX-License-Identifier: GPL-2.0-or-later
/* Trusted files and the state directory: see trust.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "hosttune/trust.h"
#include "hosttune/util.h"

/* May others replace what this directory holds? Sticky and root's (as
 * /tmp): only an entry's owner may replace it. */
static bool dir_writable_by_others(const struct stat *st, uid_t uid)
{
	return dir_others_may_write(st, uid) &&
	       !((st->st_mode & S_ISVTX) && st->st_uid == 0);
}

static int refuse_dir(const char *path, const struct stat *st, char **ret_err)
{
	*ret_err = xasprintf("%s: refusing a directory others could write "
			     "(owner %u, mode %04o) while running privileged",
			     path, (unsigned)st->st_uid,
			     (unsigned)(st->st_mode & 07777));
	return -EPERM;
}

/* Walk the directories of an absolute, resolved path from /, each opened
 * O_NOFOLLOW and checked; return an O_PATH fd of the last directory and
 * the final component in *ret_last (a pointer into path). */
static int walk_parent(const char *path, uid_t uid, const char **ret_last,
		       char **ret_err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_close_ int dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *p = copy + 1, *slash;
	struct stat st;

	if (dfd < 0)
		return -errno;
	for (;;) {
		if (fstat(dfd, &st) < 0)
			return -errno;
		if (dir_writable_by_others(&st, uid)) {
			*p = '\0';
			return refuse_dir(copy[1] ? copy : "/", &st, ret_err);
		}
		slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		{
			int next = openat(dfd, p,
					  O_PATH | O_DIRECTORY | O_NOFOLLOW |
						  O_CLOEXEC);

			if (next < 0)
				return -errno;
			close(dfd);
			dfd = next;
		}
		*slash = '/';
		p = slash + 1;
	}
	*ret_last = path + (p - copy);
	return TAKE_FD(dfd);
}

int trusted_open(const char *path, bool check_owner, uid_t uid,
		 const char *what, char **ret_err)
{
	_cleanup_free_ char *dir = NULL, *full = NULL, *real = NULL;
	_cleanup_close_ int dfd = -1, fd = -1;
	const char *base = strrchr(path, '/'), *last = NULL;
	struct stat st;
	int r;

	*ret_err = NULL;
	if (!check_owner) {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	} else {
		/* the directory is resolved by hand, each directory on the
		 * way checked before a symlink in it is followed (so no one
		 * else chooses where the path leads, nor can change it
		 * later: the caller may look it up again); the file itself
		 * is never a symlink followed */
		dir = base ? xstrndup(path, (size_t)(base - path)) :
			     xstrdup(".");
		r = path_resolve_trusted(*dir ? dir : "/", uid, false, &real,
					 ret_err);
		if (r < 0 || !real) /* real is set when r is 0 */
			return r < 0 ? r : -EIO;
		full = xasprintf("%s/%s", strcmp(real, "/") ? real : "",
				 base ? base + 1 : path);
		dfd = walk_parent(full, uid, &last, ret_err);
		if (dfd < 0)
			return dfd;
		/* walk_parent() sets last when it returns a descriptor: the
		 * analyzer takes its -errno for a possible 0. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		fd = openat(dfd, last,
			    O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW |
				    O_CLOEXEC);
	}
	if (fd < 0)
		return errno == ELOOP ? -EMLINK : -errno;
	r = fstat_regular(fd, &st);
	if (r == -EINVAL)
		*ret_err = xasprintf("%s: not a regular file", path);
	if (r < 0)
		return r;
	if (check_owner && st.st_uid != 0 && st.st_uid != uid) {
		*ret_err = xasprintf("%s: refusing a %s owned by uid %u while "
				     "running privileged",
				     path, what, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (check_owner && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		*ret_err = xasprintf("%s: refusing a %s writable by group or "
				     "others (mode %04o) while running "
				     "privileged",
				     path, what,
				     (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return TAKE_FD(fd);
}

/* Check an existing state directory (an fd of it). */
static int check_state_dir(int fd, const char *dir, char **ret_err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		*ret_err =
			xasprintf("state directory %s: owned by uid %u, mode "
				  "%04o: it must be owned by root or you "
				  "and writable by no one else (it is "
				  "never chmod'ed)",
				  dir, (unsigned)st.st_uid,
				  (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static bool is_symlink(int dfd, const char *name)
{
	struct stat st;
	int saved = errno;
	bool r = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		 S_ISLNK(st.st_mode);

	errno = saved;
	return r;
}

/* The directory name in dir, never a symlink followed; with create,
 * made with mode where missing. A directory on the way (not last) is
 * opened O_PATH: passing through needs search permission only, as a
 * path lookup does (a home directory of mode 0711); the last is opened
 * for reading, so that it can be fsync'd. A descriptor or -errno. */
static int open_or_make(int dir, const char *name, bool create, mode_t mode,
			bool last)
{
	int flags = (last ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC;
	int fd = openat(dir, name, flags);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dir, name, mode) < 0 && errno != EEXIST)
			return -errno;
		fd = openat(dir, name, flags);
	}
	return fd < 0 ? -errno : fd;
}

/* Open (or make) each component of rel below dfd without following a
 * symlink; the last one with mode last_mode. */
static int walk_make(int dfd, const char *rel, bool create, mode_t last_mode)
{
	_cleanup_free_ char *copy = xstrdup(rel);
	_cleanup_close_ int cur = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	char *p = copy;

	if (cur < 0)
		return -errno;
	while (*p) {
		char *slash = strchr(p, '/');
		bool last;
		int next;

		if (slash)
			*slash = '\0';
		last = !slash || !slash[1 + strspn(slash + 1, "/")];
		if (*p) {
			next = open_or_make(cur, p, create,
					    last ? last_mode : 0755, last);
			if (next < 0)
				return is_symlink(cur, p) ? -EMLINK : next;
			close(cur);
			cur = next;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	return TAKE_FD(cur);
}

int open_dir_beneath_at(int base, const char *rel, bool create, mode_t mode)
{
	return walk_make(base, rel + strspn(rel, "/"), create, mode);
}

int open_dir_beneath(const char *root, const char *rel, bool create,
		     mode_t mode)
{
	_cleanup_close_ int base =
		open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (base < 0)
		return -errno;
	return walk_make(base, rel + strspn(rel, "/"), create, mode);
}

/* In a sticky directory an entry's owner may still rename or replace it:
 * one owned by someone other than root or uid is no more fixed than one
 * in a directory they could write. */
static int refuse_in_sticky(const struct stat *parent, const struct stat *st,
			    uid_t uid, const char *path, char **ret_err)
{
	if (!(parent->st_mode & S_ISVTX) || st->st_uid == 0 ||
	    st->st_uid == uid)
		return 0;
	*ret_err = xasprintf("%s: owned by uid %u in a sticky directory, where "
			     "its owner may replace it (refused while running "
			     "privileged)",
			     path, (unsigned)st->st_uid);
	return -EPERM;
}

/* *cur, closed, made the directory path names (extra: O_NOFOLLOW where
 * path was walked already), and *st its stat: 0 or -errno. */
static int reopen_dir(int *cur, struct stat *st, const char *path, int extra)
{
	if (*cur >= 0)
		close(*cur);
	*cur = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | extra);
	return *cur < 0 || fstat(*cur, st) < 0 ? -errno : 0;
}

int path_resolve_trusted(const char *path, uid_t uid, bool allow_missing,
			 char **ret_real, char **ret_err)
{
	struct strbuf todo = { 0 }, done = { 0 };
	_cleanup_close_ int cur = -1;
	struct stat st_cur = { 0 };
	int hops = 0, r = 0;

	*ret_real = NULL;
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd))) {
			r = -errno;
			if (r == -ERANGE)
				*ret_err = xstrdup(
					"a relative path, and the working "
					"directory's is longer than PATH_MAX: "
					"give an absolute path");
			else if (r == -ENOENT)
				*ret_err = xstrdup(
					"a relative path, and the working "
					"directory has been removed");
			return r;
		}
		strbuf_puts(&todo, cwd);
		strbuf_puts(&todo, "/");
	}
	strbuf_puts(&todo, path);
	r = reopen_dir(&cur, &st_cur, "/", 0);
	for (size_t at = 0; r == 0 && at < todo.len;) {
		size_t end = at + strcspn(todo.s + at, "/");
		_cleanup_free_ char *name = xstrndup(todo.s + at, end - at);
		const char *rest = todo.s + end + (end < todo.len);
		struct stat st;
		int next;

		at = end + (end < todo.len);
		if (!*name || !strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			/* back up one: the directories on done were checked
			 * and no one else can change them */
			char *slash = done.s ? strrchr(done.s, '/') : NULL;

			if (slash) {
				*slash = '\0';
				done.len = (size_t)(slash - done.s);
			}
			r = reopen_dir(&cur, &st_cur,
				       done.s && done.len ? done.s : "/",
				       O_NOFOLLOW);
			continue;
		}
		if (dir_writable_by_others(&st_cur, uid)) {
			r = refuse_dir(done.len ? done.s : "/", &st_cur,
				       ret_err);
			break;
		}
		next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			r = -errno;
			if (r == -ENOENT && allow_missing) {
				/* the rest is made later, as named: no "."
				 * or ".." in it (made, then left) */
				_cleanup_free_ char *tail =
					xasprintf("/%s/%s/", name, rest);

				if (strstr(tail, "/./") || strstr(tail, "/../"))
					r = -EINVAL;
				else {
					r = 0;
					strbuf_puts(&done, "/");
					strbuf_puts(&done, name);
					if (*rest) {
						strbuf_puts(&done, "/");
						strbuf_puts(&done, rest);
					}
					while (done.len > 1 &&
					       done.s[done.len - 1] == '/')
						done.s[--done.len] = '\0';
				}
			}
			break;
		}
		if (fstat(next, &st) < 0) {
			r = -errno;
			close(next);
			break;
		}
		{
			_cleanup_free_ char *shown = xasprintf(
				"%s/%s", done.len ? done.s : "", name);

			r = refuse_in_sticky(&st_cur, &st, uid, shown, ret_err);
		}
		if (r < 0) {
			close(next);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			/* followed by hand: what it names is walked and
			 * checked like the rest */
			char target[PATH_MAX];
			ssize_t n = readlinkat(next, "", target,
					       sizeof(target) - 1);
			struct strbuf again = { 0 };

			close(next);
			if (++hops > 40 || n <= 0) {
				r = n < 0 ? -errno : -ELOOP;
				break;
			}
			target[n] = '\0';
			strbuf_puts(&again, target);
			if (*rest) {
				strbuf_puts(&again, "/");
				strbuf_puts(&again, rest);
			}
			free(todo.s);
			todo = again;
			at = 0;
			if (target[0] == '/') {
				done.len = 0;
				if (done.s)
					done.s[0] = '\0';
				r = reopen_dir(&cur, &st_cur, "/", 0);
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(next);
			r = -ENOTDIR;
			break;
		}
		strbuf_puts(&done, "/");
		strbuf_puts(&done, name);
		close(cur);
		cur = next;
		st_cur = st;
	}
	free(todo.s);
	if (r < 0) {
		free(done.s);
		return r;
	}
	*ret_real = done.len ? strbuf_take(&done) : xstrdup("/");
	free(done.s);
	return 0;
}

/* Walk the absolute path from / one component at a time, never following
 * a symlink, each directory passed through (every one but the last) one
 * no one but root or uid could write; with create, what is missing is
 * made (0755, the last last_mode). No realpath: the string itself is
 * walked, so the directory reached is the one every later use of the
 * string names, for no one else can change a directory on its way. The
 * last directory's descriptor, or -EPERM with *ret_err (a directory
 * others could write), -ELOOP with *ret_err (a symlink on the way),
 * -EINVAL (a relative path), or another -errno. */
static int walk_trusted(const char *path, uid_t uid, bool create,
			mode_t last_mode, char **ret_err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_close_ int cur = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *p;

	/* path is absolute (the callers see to it) */
	for (p = copy + 1; cur >= 0 && *p;) {
		char *slash = strchr(p, '/');
		bool last;
		struct stat st;
		int next;

		if (slash)
			*slash = '\0';
		last = !slash || !slash[1 + strspn(slash + 1, "/")];
		if (*p) {
			if (fstat(cur, &st) < 0)
				return -errno;
			if (dir_writable_by_others(&st, uid)) {
				p[-1] = '\0';
				return refuse_dir(copy[0] ? copy : "/", &st,
						  ret_err);
			}
			next = open_or_make(cur, p, create,
					    last ? last_mode : 0755, last);
			if (next < 0 && is_symlink(cur, p)) {
				*ret_err = xasprintf("%s: a symlink (refused "
						     "while running "
						     "privileged: the path "
						     "was resolved before)",
						     copy);
				return -ELOOP;
			}
			if (next < 0)
				return next;
			{
				struct stat child;
				int r = fstat(next, &child) < 0 ? -errno : 0;

				if (r == 0)
					r = refuse_in_sticky(&st, &child, uid,
							     copy, ret_err);
				if (r < 0) {
					close(next);
					return r;
				}
			}
			close(cur);
			cur = next;
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
	}
	return cur < 0 ? -errno : TAKE_FD(cur);
}

int path_above_trusted(const char *path, uid_t uid, char **ret_err)
{
	int fd = path[0] == '/' ? walk_trusted(path, uid, false, 0, ret_err) :
				  -EINVAL;

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* r, with the state directory named in *ret_err. */
static int state_path_refused(const char *dir, int r, char **ret_err)
{
	if (*ret_err) {
		char *why = *ret_err;

		*ret_err = xasprintf("state directory %s: %s", dir, why);
		free(why);
	}
	return r;
}

int state_dir_open(const char *dir, const char *beneath, bool create,
		   bool trusted, char **ret_err)
{
	_cleanup_close_ int base = -1, fd = -1;
	const char *rel = dir;
	size_t n;

	*ret_err = NULL;
	if (trusted) {
		/* privileged: dir was resolved before anything used it
		 * (cli_resolve_paths); walked as it is, made where missing,
		 * nothing on a path others could change, no symlink */
		fd = dir[0] == '/' ? walk_trusted(dir, geteuid(), create, 0700,
						  ret_err) :
				     -EINVAL;
		if (fd < 0)
			return state_path_refused(dir, fd, ret_err);
		return check_state_dir(fd, dir, ret_err);
	}
	if (beneath) {
		n = strlen(beneath);
		while (n > 1 && beneath[n - 1] == '/')
			n--;
		if (strncmp(dir, beneath, n) || (dir[n] != '/' && n > 1))
			return -EINVAL;
		rel = dir + n;
		base = open(beneath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		/* O_PATH: a working directory of mode 0711 is passed
		 * through, not read */
		base = open(*dir == '/' ? "/" : ".",
			    O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (base < 0)
		return -errno;
	rel += strspn(rel, "/");
	if (beneath) {
		fd = walk_make(base, rel, create, 0700);
		if (fd == -EMLINK)
			*ret_err = xasprintf("state directory %s: a symlink "
					     "below --root %s (refused: it "
					     "could lead out of the tree)",
					     dir, beneath);
	} else {
		/* -s DIR is the user's choice: symlinks are followed, but
		 * what is made is made 0700, and what is found is checked */
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create)
			fd = walk_make(base, rel, true, 0700);
		else if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fd;
	return check_state_dir(fd, dir, ret_err);
}
