// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "hosttune/hostfs.h"
#include "hosttune/util.h"

#define HOSTFS_MAX_PATH 4096

/* The procfs directories of the last opens below /proc, one a depth,
 * kept open for the next: keys come a directory at a time (a /proc/sys
 * walk, a profile's sorted keys), and an open relative to the directory
 * resolves one component where one from the root resolves them all
 * (snapshot --all: openat2 was 39% of its system-call time). One a depth,
 * so a walk that comes back from a subdirectory finds its parent still
 * open, and a directory below a kept one is opened one component from
 * it; a directory listed (hostfs_list_typed) is the one kept. Only
 * procfs: its directories cannot be renamed or replaced by another, and
 * one that goes away (an interface's) keeps no entries, so a stale one
 * answers ENOENT (or lists nothing) and the path is resolved again from
 * the root; a fixture tree's directory could be renamed and replaced, so
 * it is never kept. */
#define DIRCACHE_DEPTH 10
#define DIRCACHE_PATH 256

struct dir_slot {
	int fd; /* O_RDONLY | O_DIRECTORY, or -1 */
	bool listed; /* its offset has moved: seek to 0 to list again */
	unsigned short len;
	char path[DIRCACHE_PATH];
};

struct host_dircache {
	struct dir_slot slot[DIRCACHE_DEPTH];
	/* The directory that last held a tree's file a privileged run read
	 * (placed_by_its_owner), O_PATH, and its path then: the files of a
	 * directory are read one after another. */
	int held_fd;
	char held[PATH_MAX];
};

int host_open(const char *root, struct host *ret)
{
	struct stat st_root, st_self;
	int fd;

	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* every field known: a caller's struct may be on its stack, and the
	 * command layer sets caps and privileged afterwards */
	*ret = (struct host){ 0 };
	ret->root_fd = fd;
	ret->root = xstrdup(root);
	ret->slots = xcalloc(HOST_MAX_DOMAINS, sizeof(*ret->slots));
	ret->dir = xmalloc(sizeof(*ret->dir));
	for (size_t i = 0; i < DIRCACHE_DEPTH; i++) {
		ret->dir->slot[i].fd = -1;
		ret->dir->slot[i].len = 0;
	}
	ret->dir->held_fd = -1;
	ret->dir->held[0] = '\0';
	ret->live = fstat(fd, &st_root) == 0 && stat("/", &st_self) == 0 &&
		    st_root.st_dev == st_self.st_dev &&
		    st_root.st_ino == st_self.st_ino;
	return 0;
}

void host_close(struct host *h)
{
	for (size_t i = 0; h->slots && i < HOST_MAX_DOMAINS; i++)
		if (h->slots[i].state && h->slots[i].close)
			h->slots[i].close(h->slots[i].state);
	free(h->slots);
	h->slots = NULL;
	for (size_t i = 0; h->dir && i < DIRCACHE_DEPTH; i++)
		if (h->dir->slot[i].fd >= 0)
			close(h->dir->slot[i].fd);
	if (h->dir && h->dir->held_fd >= 0)
		close(h->dir->held_fd);
	free(h->dir);
	h->dir = NULL;
	if (h->root_fd >= 0)
		close(h->root_fd);
	h->root_fd = -1;
	free(h->root);
	h->root = NULL;
}

/* One pass over rel: every open checks its path, so the control
 * characters and each component's length and dots are looked at in the
 * same loop (three passes cost 600 instructions a key of snapshot --all). */
int hostfs_path_ok(const char *rel)
{
	const char *p = rel, *start = rel;

	if (!*rel || *rel == '/')
		return -EINVAL;
	for (;; p++) {
		unsigned char c = (unsigned char)*p;
		size_t n = (size_t)(p - start);

		if (c != '/' && c != '\0') {
			if (c < 0x20 || c == 0x7f)
				return -EINVAL;
			continue;
		}
		/* a component ends: not empty ("a//b", a trailing slash),
		 * not "." or "..", at most NAME_MAX */
		if (n == 0 || n > 255 || (n == 1 && start[0] == '.') ||
		    (n == 2 && start[0] == '.' && start[1] == '.'))
			return -EINVAL;
		if (!c)
			break;
		start = p + 1;
	}
	return (size_t)(p - rel) > HOSTFS_MAX_PATH ? -EINVAL : 0;
}

/* openat2(2) may be missing from an older kernel or a seccomp filter;
 * remember that and resolve by hand instead. */
static int openat2_state; /* 0 unknown, 1 works, -1 unavailable */

#define MAX_SYMLINKS 40

/* Split "a/b/c" onto the front of a component list (kept reversed: the
 * next component to resolve is the last element). */
static void push_components(struct ptrvec *todo, const char *path)
{
	const char *end = path + strlen(path);

	while (end > path) {
		const char *start = end;

		while (start > path && start[-1] != '/')
			start--;
		if (end > start)
			ptrvec_push(todo,
				    xstrndup(start, (size_t)(end - start)));
		end = start > path ? start - 1 : start;
	}
}

static void pop_dir(struct ptrvec *dirs)
{
	close((int)(intptr_t)dirs->v[--dirs->n]);
}

/* What RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS does, one component at a
 * time: symlinks are followed within the tree, ".." never climbs above its
 * root, absolute link targets are refused. */
static int open_beneath_by_hand(const struct host *h, const char *rel,
				int flags)
{
	struct ptrvec todo = { 0 }, dirs = { 0 };
	int links = 0, r = -EINVAL, fd;

	push_components(&todo, rel);
	ptrvec_push(&dirs,
		    (void *)(intptr_t)fcntl(h->root_fd, F_DUPFD_CLOEXEC, 3));
	while (todo.n) {
		_cleanup_free_ char *comp = todo.v[--todo.n];
		int cur = (int)(intptr_t)dirs.v[dirs.n - 1];
		char target[4096];
		struct stat st;
		ssize_t n;

		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (dirs.n == 1) {
				r = -EXDEV;
				goto out;
			}
			pop_dir(&dirs);
			continue;
		}
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			r = -errno;
			if (fd >= 0)
				close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode) && todo.n == 0 &&
		    (flags & O_NOFOLLOW)) {
			/* the last component, not to be followed: as openat2
			 * does, the link itself for O_PATH, else ELOOP */
			if (flags & O_PATH) {
				r = fd;
			} else {
				close(fd);
				r = -ELOOP;
			}
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			n = readlinkat(cur, comp, target, sizeof(target) - 1);
			close(fd);
			if (n < 0 || ++links > MAX_SYMLINKS) {
				r = n < 0 ? -errno : -ELOOP;
				goto out;
			}
			target[n] = '\0';
			if (target[0] == '/') {
				r = -EXDEV;
				goto out;
			}
			push_components(&todo, target);
			continue;
		}
		if (todo.n == 0) {
			/* The last component: reopen for real, refusing a
			 * symlink swapped in since. */
			close(fd);
			fd = openat(cur, comp, flags | O_NOFOLLOW);
			r = fd < 0 ? -errno : fd;
			goto out;
		}
		ptrvec_push(&dirs, (void *)(intptr_t)fd);
	}
	/* Resolved to one of the directories itself ("a/.."). */
	r = openat((int)(intptr_t)dirs.v[dirs.n - 1], ".", flags);
	r = r < 0 ? -errno : r;
out:
	while (todo.n)
		free(todo.v[--todo.n]);
	while (dirs.n)
		pop_dir(&dirs);
	free(todo.v);
	free(dirs.v);
	return r == -EXDEV ? -EINVAL : r;
}

static int openat2_beneath(const struct host *h, const char *rel,
			   struct open_how *how)
{
	/* openat2 answers EAGAIN when a rename or mount anywhere raced a
	 * lookup through "..", as a tree's relative symlinks do (cpufreq ->
	 * ../cpufreq/policy0): try again */
	int tries = 0, fd;

	do
		fd = (int)syscall(SYS_openat2, h->root_fd, rel, how,
				  sizeof(*how));
	while (fd < 0 && errno == EAGAIN && ++tries < 64);
	return fd;
}

/* The slot of dir[0..len) (one a depth; *ret_depth its depth, *ret_name
 * its last component), whatever it holds now; NULL where no directory of
 * that path is kept. */
static struct dir_slot *dir_slot_of(const struct host *h, const char *dir,
				    size_t len, size_t *ret_depth,
				    const char **ret_name)
{
	size_t depth = 0;

	/* without openat2 (an older kernel, a seccomp filter) nothing is
	 * kept: the by-hand walk is the only safe lookup from the root */
	if (!h->dir || openat2_state < 0 || len >= DIRCACHE_PATH || len < 5 ||
	    strncmp(dir, "proc/", 5))
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (dir[i] == '/') {
			depth++;
			*ret_name = dir + i + 1;
		}
	if (depth >= DIRCACHE_DEPTH)
		return NULL;
	*ret_depth = depth;
	return &h->dir->slot[depth];
}

/* Does slot hold the directory dir[0..len)? */
static bool slot_holds(const struct dir_slot *slot, const char *dir, size_t len)
{
	return slot->fd >= 0 && slot->len == len &&
	       !memcmp(slot->path, dir, len);
}

/* dir[0..len) when it is the kept directory of its depth, else NULL. */
static const struct dir_slot *find_kept(const struct host *h, const char *dir,
					size_t len)
{
	const char *name = NULL;
	size_t depth;
	const struct dir_slot *slot = dir_slot_of(h, dir, len, &depth, &name);

	return slot && slot_holds(slot, dir, len) ? slot : NULL;
}

/* The kept procfs directory dir[0..len), opened if it is not kept yet:
 * one component from its parent when that is kept (the name is one
 * component, hostfs_path_ok: no "..", no "."; O_NOFOLLOW refuses a
 * symlink, /proc/self among them, so the open cannot leave the tree),
 * else beneath the root with openat2. Its slot, whose descriptor the
 * cache owns, or NULL where the directory is not kept (not procfs, too
 * deep or long, or the open failed): the caller then resolves the path
 * from the root. */
static struct dir_slot *kept_dir(const struct host *h, const char *dir,
				 size_t len)
{
	struct host_dircache *dc = h->dir;
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char path[DIRCACHE_PATH];
	const char *name = NULL;
	struct dir_slot *slot;
	struct statfs sfs;
	size_t depth = 0;
	int fd = -1;

	slot = dir_slot_of(h, dir, len, &depth, &name);
	if (!slot)
		return NULL;
	if (slot_holds(slot, dir, len))
		return slot;
	memcpy(path, dir, len);
	path[len] = '\0';
	if (depth > 0) {
		const struct dir_slot *up = &dc->slot[depth - 1];
		size_t up_len = (size_t)(name - 1 - dir);

		if (slot_holds(up, dir, up_len))
			fd = openat(up->fd, path + up_len + 1,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
	}
	if (fd < 0)
		fd = openat2_beneath(h, path, &how);
	if (fd < 0)
		return NULL;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return NULL;
	}
	if (slot->fd >= 0)
		close(slot->fd);
	memcpy(slot->path, path, len + 1);
	slot->fd = fd;
	slot->len = (unsigned short)len;
	slot->listed = false;
	return slot;
}

/* Forget a kept directory (a stale one, which lists nothing). */
static void drop_kept_dir(struct dir_slot *slot)
{
	close(slot->fd);
	slot->fd = -1;
	slot->len = 0;
}

/* rel's last component opened relative to its kept procfs directory: a
 * descriptor, or -1 to resolve rel from the root instead; on any failure
 * (a symlink that the full lookup may resolve beneath the root, a
 * directory gone) the caller resolves rel whole. *ret_in_proc (when
 * given) is set for a descriptor from here: a name in a procfs
 * directory, though what is mounted on it may be another file system's
 * (read_value). */
static int open_in_cached_dir(const struct host *h, const char *rel, int flags,
			      bool *ret_in_proc)
{
	const char *slash = strrchr(rel, '/');
	const struct dir_slot *dir;
	int fd;

	if (!slash || (flags & O_PATH))
		return -1;
	dir = kept_dir(h, rel, (size_t)(slash - rel));
	if (!dir)
		return -1;
	fd = openat(dir->fd, slash + 1, flags | O_NOFOLLOW);
	if (fd >= 0 && ret_in_proc)
		*ret_in_proc = true;
	return fd;
}

/* hostfs_open(); *ret_in_proc (when given) says whether the file was
 * opened in the kept procfs directory, where every entry is a regular
 * file or a directory. */
static int open_where(const struct host *h, const char *rel, int flags,
		      bool *ret_in_proc)
{
	struct open_how how = {
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	const struct dir_slot *kept;
	const char *slash;
	int fd;

	/* openat2() is strict: O_PATH takes no other access flags. */
	if (!(flags & O_PATH))
		flags |= O_NOCTTY;
	flags |= O_CLOEXEC;
	how.flags = (uint64_t)flags;
	if (strcmp(rel, ".") == 0) {
		fd = openat(h->root_fd, ".", flags);
		return fd < 0 ? -errno : fd;
	}
	/* rel's directory is the kept one, whose path was checked when it
	 * was kept: only the last component is left to check (each open
	 * of snapshot --all walked a 40-byte path for it) */
	slash = strrchr(rel, '/');
	kept = slash && !(flags & O_PATH) ?
		       find_kept(h, rel, (size_t)(slash - rel)) :
		       NULL;
	if (kept && hostfs_path_ok(slash + 1) == 0) {
		fd = openat(kept->fd, slash + 1, flags | O_NOFOLLOW);
		if (fd >= 0) {
			if (ret_in_proc)
				*ret_in_proc = true;
			return fd;
		}
	} else {
		if (hostfs_path_ok(rel) < 0)
			return -EINVAL;
		if (openat2_state >= 0) {
			fd = open_in_cached_dir(h, rel, flags, ret_in_proc);
			if (fd >= 0)
				return fd;
		}
	}
	if (openat2_state >= 0) {
		fd = openat2_beneath(h, rel, &how);
		if (fd >= 0) {
			openat2_state = 1;
			return fd;
		}
		if ((errno != ENOSYS && errno != EPERM) || openat2_state == 1)
			return errno == EXDEV ? -EINVAL : -errno;
		openat2_state = -1;
	}
	return open_beneath_by_hand(h, rel, flags);
}

int hostfs_open(const struct host *h, const char *rel, int flags)
{
	return open_where(h, rel, flags, NULL);
}

int hostfs_stat(const struct host *h, const char *rel, struct stat *ret)
{
	_cleanup_close_ int fd = hostfs_open(h, rel, O_PATH);

	if (fd < 0)
		return fd;
	return fstat(fd, ret) < 0 ? -errno : 0;
}

int hostfs_lstat(const struct host *h, const char *rel, struct stat *ret)
{
	_cleanup_close_ int fd = hostfs_open(h, rel, O_PATH | O_NOFOLLOW);

	if (fd < 0)
		return fd;
	return fstat(fd, ret) < 0 ? -errno : 0;
}

static ssize_t pread_retry(int fd, char *buf, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Read a whole kernel or fixture file into *ret (NUL-terminated, length
 * in *ret_len). Many sysctl handlers answer only the first read of an
 * open file and give end-of-file to the next (a 5-byte read of tcp_rmem
 * returns "4096\t" and nothing more), so, as procps does, the file is
 * read from offset 0 into a buffer that doubles until a read comes back
 * short. A short read is the whole file when the file gives a size (a
 * regular file of a fixture, whose short read is its end; a sysfs
 * attribute, which says 4096 and answers its whole value to one read)
 * or, with once, a handler that answers a whole value to one read
 * (sysctls); procfs files give no size, and what one that answers in
 * pieces (a seq_file table) has after that is read on, from where its
 * first read ended. The first read goes to the stack, so a value costs
 * one allocation of its own size. */
static int read_whole(int fd, const struct stat *st, size_t max, bool once,
		      char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	char first[4096];
	size_t cap = sizeof(first), len;
	ssize_t n;

	n = pread_retry(fd, first, cap, 0);
	if (n < 0)
		return (int)n;
	if ((size_t)n < cap && (once || st->st_size > 0)) {
		if ((size_t)n > max)
			return -EFBIG;
		buf = xmalloc((size_t)n + 1);
		memcpy(buf, first, (size_t)n);
		len = (size_t)n;
		goto done;
	}
	if ((size_t)n > max)
		return -EFBIG;
	if ((size_t)n < cap) {
		/* a short read of a file that gives no size (procfs): what
		 * it has after that is read on from where the read ended */
		buf = xmalloc(cap + 1);
		memcpy(buf, first, (size_t)n);
	} else {
		/* a regular file says how big it is: one buffer of that
		 * size; else twice the page that came back full. The last
		 * try reads one byte past max: a file of exactly max bytes
		 * is read, a larger one costs no more than that. */
		if (st->st_size > 0 && (uint64_t)st->st_size < max &&
		    (size_t)st->st_size + 1 > cap)
			cap = (size_t)st->st_size + 1;
		else
			cap = cap > max / 2 ? max + 1 : cap * 2;
		for (;;) {
			buf = xrealloc(buf, cap + 1);
			n = pread_retry(fd, buf, cap, 0);
			if (n < 0)
				return (int)n;
			if ((size_t)n < cap)
				break;
			if (cap > max)
				return -EFBIG;
			cap = cap > max / 2 ? max + 1 : cap * 2;
		}
	}
	for (len = (size_t)n; n > 0 && !(once && len < cap) &&
			      !(st->st_size > 0 && len >= (size_t)st->st_size);
	     len += (size_t)n) {
		if (len + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = pread_retry(fd, buf + len, cap - len, (off_t)len);
		if (n < 0)
			return (int)n;
		if (len > max)
			return -EFBIG;
	}
	if (len > max)
		return -EFBIG;
done:
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int hostfs_read(const struct host *h, const char *rel, char **ret,
		mode_t *ret_mode)
{
	return hostfs_read_max(h, rel, HOSTFS_MAX_VALUE, ret, ret_mode);
}

/* On the live host there is no outside, and links are how some systems
 * ship their files (ostree's /usr/lib/sysctl.d, a deduplicated Nix
 * store); an unprivileged run reads and writes only what its user may
 * anyway. */
bool hostfs_linked_elsewhere(const struct host *h, const struct stat *st)
{
	return h->privileged && !h->live && st->st_nlink > 1;
}

/* A privileged run on a tree reads a file of the directory that holds it
 * only if no one else could have put it there: in a directory others may
 * write, only that directory's owner's files are read, and none where
 * root owns it. A hard link is how another would put one of root's (or
 * another user's) files there, and fs.protected_hardlinks=0 lets anyone
 * make one; once the file's own name is replaced (passwd, sed -i), one
 * link is left and no count gives it away. The holder is found from the
 * descriptor (its path in /proc/self/fd), and the check is that this
 * directory holds the very inode read, which, having one link, is in no
 * other: a path changed meanwhile is refused, never trusted. 0, or
 * -EREMOTE. */
static int placed_by_its_owner(const struct host *h, int fd,
			       const struct stat *st)
{
	struct host_dircache *c = h->dir;
	char name[32], held[PATH_MAX];
	struct stat dst, here;
	ssize_t n;
	char *slash;

	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	n = readlink(name, held, sizeof(held) - 1);
	if (!c || n <= 0 || (size_t)n >= sizeof(held) - 1 || held[0] != '/')
		return -EREMOTE;
	held[n] = '\0';
	slash = strrchr(held, '/');
	*slash = '\0';
	for (int fresh = 0; fresh < 2; fresh++) {
		if (fresh || c->held_fd < 0 || strcmp(c->held, held)) {
			if (c->held_fd >= 0)
				close(c->held_fd);
			c->held[0] = '\0';
			c->held_fd = open(slash == held ? "/" : held,
					  O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (c->held_fd < 0)
				return -EREMOTE;
			memcpy(c->held, held, (size_t)(slash - held) + 1);
		}
		/* the directory holds the inode read, which has one link:
		 * no other holds it; its owner and mode as they are now */
		if (fstatat(c->held_fd, slash + 1, &here,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    here.st_dev == st->st_dev && here.st_ino == st->st_ino &&
		    fstat(c->held_fd, &dst) == 0)
			break;
		if (fresh) /* moved while it was read: not trusted */
			return -EREMOTE;
	}
	if (dir_others_may_write(&dst, geteuid()) &&
	    (dst.st_uid == 0 || dst.st_uid == geteuid() ||
	     st->st_uid != dst.st_uid))
		return -EREMOTE;
	return 0;
}

/* How read_value reads: a handler answering a value to one read
 * (hostfs_read_once); a file no one may write is not read. */
enum { READ_ONCE = 1, READ_WRITABLE = 2 };

static int read_value(const struct host *h, const char *rel, size_t max,
		      unsigned how, char **ret, mode_t *ret_mode)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st = { .st_mode = S_IFREG };
	bool in_proc = false;
	size_t len = 0;
	int r;

	fd = open_where(h, rel, O_RDONLY | O_NONBLOCK, &in_proc);
	if (fd < 0)
		return fd;
	/* Where the mode is not asked for and the name is in a procfs
	 * directory, no fstat first: the kernel's files give no size to
	 * read by, and a procfs entry is a regular file or a directory (which
	 * fails the read). Something mounted on the name can be anything (a
	 * container runtime masks proc files with /dev/null): a read that
	 * fails, finds nothing or finds a NUL, which a kernel value never
	 * does, is checked then, and the file's type decides as it would
	 * have. */
	if (ret_mode || !in_proc || (how & READ_WRITABLE)) {
		r = fstat_regular(fd, &st);
		if (r < 0)
			return r;
	}
	if (hostfs_linked_elsewhere(h, &st))
		return -EMLINK;
	if (!in_proc && h->privileged && !h->live) {
		r = placed_by_its_owner(h, fd, &st);
		if (r < 0)
			return r;
	}
	if (ret_mode)
		*ret_mode = st.st_mode;
	if ((how & READ_WRITABLE) && !(st.st_mode & 0222)) {
		*ret = NULL;
		return 0;
	}
	r = read_whole(fd, &st, max, how & READ_ONCE, &buf, &len);
	if (!ret_mode && in_proc &&
	    (r < 0 || len == 0 || memchr(buf, '\0', len))) {
		int t = fstat_regular(fd, &st);

		if (t < 0)
			return t;
		if (hostfs_linked_elsewhere(h, &st))
			return -EMLINK;
	}
	if (r < 0)
		return r;
	if (memchr(buf, '\0', len))
		return -EBADMSG; /* a value never holds NUL */
	if (len > 0 && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int hostfs_read_max(const struct host *h, const char *rel, size_t max,
		    char **ret, mode_t *ret_mode)
{
	return read_value(h, rel, max, 0, ret, ret_mode);
}

int hostfs_read_once(const struct host *h, const char *rel, char **ret,
		     mode_t *ret_mode)
{
	return read_value(h, rel, HOSTFS_MAX_VALUE, READ_ONCE, ret, ret_mode);
}

int hostfs_read_writable(const struct host *h, const char *rel, char **ret,
			 mode_t *ret_mode)
{
	return read_value(h, rel, HOSTFS_MAX_VALUE, READ_ONCE | READ_WRITABLE,
			  ret, ret_mode);
}

/* Files of a fixture tree are ordinary files and must be replaced, not
 * overwritten in place; kernel files (procfs, sysfs) are never truncated. */
static bool is_kernel_file(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return true;
	return sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC;
}

int hostfs_write(const struct host *h, const char *rel, const char *value)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *line = xasprintf("%s\n", value);
	size_t len = strlen(line);
	struct stat st;
	ssize_t n;

	fd = hostfs_open(h, rel, O_WRONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (hostfs_linked_elsewhere(h, &st))
		return -EMLINK;
	if (!is_kernel_file(fd) && ftruncate(fd, 0) < 0)
		return -errno;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO; /* the kernel takes a value in one write */
	if (close(TAKE_FD(fd)) < 0)
		return -errno;
	return 0;
}

const char *hostfs_strerror(int r)
{
	if (r == -EMLINK)
		return "the file has other hard links, refused";
	if (r == -EREMOTE)
		return "in a directory others may write, a file not of its "
		       "owner's: refused while running privileged";
	return strerror(-r);
}

void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct host_dirent *)a)->name,
		      ((const struct host_dirent *)b)->name);
}

/* procfs lists a sysctl directory in name order already (its entries
 * are kept in a tree by name): a look costs n comparisons where glibc's
 * merge sort spent 7 % of snapshot --all's instructions on them. */
static bool sorted(const struct host_dirent *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1].name, v[i].name) > 0)
			return false;
	return true;
}

void host_dirents_free(struct host_dirent *v, size_t n)
{
	(void)n; /* the names live in v's own allocation (list_fd) */
	free(v);
}

/* The entries of n bytes of dirent64 records, "." and ".." left out:
 * counted (v NULL), or put in v with their names copied to names. */
static size_t take_entries(const char *recs, size_t len, struct host_dirent *v,
			   char *names, size_t *ret_bytes)
{
	size_t n = 0, bytes = 0;

	for (size_t off = 0; off < len;) {
		const struct dirent64 *d =
			(const struct dirent64 *)(recs + off);
		size_t nl = strlen(d->d_name) + 1;

		off += d->d_reclen;
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (v) {
			memcpy(names + bytes, d->d_name, nl);
			v[n].name = names + bytes;
			v[n].type = d->d_type;
		}
		n++;
		bytes += nl;
	}
	if (ret_bytes)
		*ret_bytes = bytes;
	return n;
}

/* getdents64 on the open directory, big buffers: a directory of
 * thousands of entries (/sys/class/net of a container host) in a few
 * calls, and each entry's type with it, so a walk stats nothing. The
 * entries and their names are one allocation (snapshot --all lists some
 * 1,400 names: one malloc and one free a directory, not a name). */
static int list_fd(int fd, struct host_dirent **ret, size_t *ret_n)
{
	/* on the stack: freeing a heap buffer this size made malloc
	 * consolidate its free lists once a directory (snapshot --all lists
	 * 130), and a directory's larger listing just takes more calls */
	char ents[HOSTFS_DENTS_BUF] __attribute__((aligned(8)));
	_cleanup_free_ char *more = NULL;
	const char *recs = ents;
	size_t len = 0, cap, n, bytes;
	struct host_dirent *v;
	ssize_t got;

	/* the common directory fits one call: its records stay on the
	 * stack, and a second call into a small buffer (room for one
	 * record of a 255-byte name) finds the end; a larger directory's
	 * records are gathered on the heap */
	got = getdents64(fd, ents, sizeof(ents));
	if (got > 0) {
		char probe[512] __attribute__((aligned(8)));

		len = (size_t)got;
		got = getdents64(fd, probe, sizeof(probe));
		if (got > 0) {
			cap = 2 * (len + (size_t)got);
			more = xmalloc(cap);
			memcpy(more, ents, len);
			memcpy(more + len, probe, (size_t)got);
			len += (size_t)got;
			while ((got = getdents64(fd, ents, sizeof(ents))) > 0) {
				if (len + (size_t)got > cap) {
					cap = 2 * (len + (size_t)got);
					more = xrealloc(more, cap);
				}
				memcpy(more + len, ents, (size_t)got);
				len += (size_t)got;
			}
			recs = more;
		}
	}
	if (got < 0)
		return -errno;
	n = take_entries(recs, len, NULL, NULL, &bytes);
	v = n ? xmalloc(n * sizeof(*v) + bytes) : NULL;
	if (n) {
		take_entries(recs, len, v, (char *)(v + n), NULL);
		if (!sorted(v, n))
			qsort(v, n, sizeof(*v), cmp_entry);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* A procfs directory is listed through its kept descriptor, which the
 * keys read next are opened in (one lookup a directory, not two); one
 * that lists nothing may be stale (a directory gone, made again under
 * its name) and is listed again from a fresh open. */
int hostfs_list_typed(const struct host *h, const char *rel,
		      struct host_dirent **ret, size_t *ret_n)
{
	struct dir_slot *dir =
		hostfs_path_ok(rel) == 0 ? kept_dir(h, rel, strlen(rel)) : NULL;
	_cleanup_close_ int fd = -1;

	if (dir && (!dir->listed || lseek(dir->fd, 0, SEEK_SET) == 0)) {
		dir->listed = true;
		if (list_fd(dir->fd, ret, ret_n) == 0) {
			if (*ret_n)
				return 0;
			free(*ret);
		}
		drop_kept_dir(dir);
	}
	fd = hostfs_open(h, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	return list_fd(fd, ret, ret_n);
}

int hostfs_list(const struct host *h, const char *rel, char ***ret_names,
		size_t *ret_n)
{
	struct host_dirent *ents = NULL;
	char **names;
	size_t n = 0;
	int r = hostfs_list_typed(h, rel, &ents, &n);

	/* the names alone, sorted the same: one getdents64 walk for both
	 * (readdir(3) cost two fcntls and a 32 KiB buffer a directory) */
	if (r < 0)
		return r;
	names = n ? xcalloc(n, sizeof(*names)) : NULL;
	for (size_t i = 0; i < n; i++)
		names[i] = xstrdup(ents[i].name);
	host_dirents_free(ents, n);
	*ret_names = names;
	*ret_n = n;
	return 0;
}
