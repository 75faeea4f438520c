// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The file domain: hosttune's own files that make a profile hold after a
 * reboot (apply --persist), so that a snapshot saves them and rollback puts
 * them back exactly, through the same transaction as every value. Internal:
 * no profile can name it, and it writes nothing but these files:
 *
 *   etc/sysctl.d/90-hosttune.conf   beneath the root: systemd-sysctl reads it
 *   etc/default/grub.d/hosttune.cfg beneath the root: update-grub reads it
 *                                   (the boot domain's kernel command line)
 *   STATE/active-profile            what hosttune-apply.service applies
 *
 * A key is the file's absolute path. A value is "+" and the file's bytes,
 * or "-" for no file: rollback then removes one apply made.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hosttune/check.h"
#include "hosttune/trust.h"

#define FILE_MAX (1024 * 1024)

extern const struct check_ops file_ops;

/* hosttune's drop-ins, beneath a root. */
static const char *const dropins[] = {
	"/etc/sysctl.d/90-hosttune.conf",
	"/etc/default/grub.d/hosttune.cfg",
};

/* The drop-in path ends with, or NULL. */
static const char *dropin_of(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(dropins); i++) {
		size_t k = strlen(dropins[i]);

		if (n >= k && !strcmp(path + n - k, dropins[i]))
			return dropins[i];
	}
	return NULL;
}

/* Only hosttune's own files: a snapshot edited to name /etc/shadow is
 * refused. */
static bool own_file(const char *path)
{
	const char *base = strrchr(path, '/');

	/* absolute, in a directory below /, every component named once
	 * ("//" is none) */
	if (!base || base == path || path[0] != '/' ||
	    has_control_chars(path) || strstr(path, "/../") ||
	    strstr(path, "/./") || strstr(path, "//"))
		return false;
	base++;
	if (!strcmp(base, "active-profile"))
		return true;
	return dropin_of(path) != NULL;
}

static int file_parse_key(const char *target, const char *key, char **ret_key,
			  char **ret_err)
{
	(void)target;
	if (!own_file(key)) {
		*ret_err = xasprintf("'%s' is not a file hosttune writes", key);
		return -EINVAL;
	}
	*ret_key = xstrdup(key);
	return 0;
}

static int file_parse_setting(const char *target, const char *key,
			      const char *value, char **ret_key,
			      struct expect *ret, char **ret_err)
{
	(void)target;
	(void)key;
	(void)value;
	(void)ret_key;
	(void)ret;
	*ret_err = xstrdup("the file domain is hosttune's own");
	return -EINVAL;
}

static int file_expand(const struct host *h, const struct setting *s,
		       struct ptrvec *out)
{
	(void)h;
	ptrvec_push(out, check_new(s->ops, NULL, s->key));
	return 0;
}

/* The file's directory, opened: what its path says, with no symlink on
 * the way (a tree's etc -> /elsewhere must not take a read or a write out
 * of the tree), and a drop-in's under the run's root, made if missing
 * when create is set. Reads, writes and the look for a mask all happen
 * in this descriptor, so a directory swapped for a symlink after the
 * look cannot take them elsewhere. Run privileged, a drop-in's directory
 * must be root's or the user's and writable by no one else (-EPERM, why
 * in *ret_why when it is not NULL): whoever could add a name there could
 * add a hard link to a file of root's that no count of links gives away
 * (its other name replaced since), and root's apply would read it into a
 * snapshot and a rollback write it back into the tree. A descriptor, or
 * -ELOOP, -EXDEV, -EPERM or another -errno. realpath(h->root) only says
 * whether the key is under the root; the walk starts at the root the run
 * opened. */
static int open_parent(const struct host *h, const char *key, bool create,
		       char **ret_why)
{
	_cleanup_free_ char *dir =
		xstrndup(key, (size_t)(strrchr(key, '/') - key));
	char root[PATH_MAX];
	size_t n;
	int fd;

	if (dropin_of(key)) {
		if (!realpath(h->root, root))
			return -errno;
		n = strcmp(root, "/") ? strlen(root) : 0;
		if (strncmp(key, root, n) || key[n] != '/')
			return -EXDEV;
		/* etc/ and etc/sysctl.d/ (etc/default/grub.d/), made if
		 * missing, beneath the root the run opened when it began
		 * (h->root_fd): the root is not looked up by its path
		 * again, so a tree swapped for a symlink to / meanwhile
		 * cannot take the write to the host's /etc */
		fd = open_dir_beneath_at(h->root_fd, dir + n, create, 0755);
		if (fd >= 0 && h->privileged) {
			struct stat st;

			if (fstat(fd, &st) < 0) {
				close(fd);
				return -errno;
			}
			if (dir_others_may_write(&st, geteuid())) {
				close(fd);
				if (ret_why)
					*ret_why = xasprintf(
						"its directory could be "
						"written by others (owner %u, "
						"mode %04o): refused while "
						"running privileged",
						(unsigned)st.st_uid,
						(unsigned)(st.st_mode & 07777));
				return -EPERM;
			}
		}
	} else {
		/* the active-profile record's directory, from / */
		fd = open_dir_beneath("/", dir, false, 0);
	}
	/* one component at a time, never through a symlink */
	return fd == -EMLINK ? -ELOOP : fd;
}

/* Is something other than a regular file at name in dfd, which hosttune
 * could not put back? Then why, for the error a check shows. A symlink
 * is one, whatever it leads to: a symlink to /dev/null is how an
 * administrator masks a drop-in (sysctl.d(5)). NULL when it is a regular
 * file or nothing. */
static char *in_the_way(int dfd, const char *name)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    S_ISREG(st.st_mode))
		return NULL;
	if (!S_ISLNK(st.st_mode))
		return xstrdup("not a regular file");
	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return xstrdup("a symlink");
	target[n] = '\0';
	if (!strcmp(target, "/dev/null"))
		return xstrdup("a symlink to /dev/null: masked by the "
			       "administrator; remove the mask to let "
			       "hosttune write it");
	return has_control_chars(target) ?
		       xstrdup("a symlink") :
		       xasprintf("a symlink to %s: hosttune writes only a "
				 "regular file of its own",
				 target);
}

/* No file of hosttune's is wanted at path ("-"), and a symlink is there:
 * the administrator's mask, which gives that already. */
static bool file_holds_unread(const struct host *h, const char *path,
			      const char *value)
{
	_cleanup_close_ int dfd = -1;
	struct stat st;

	if (strcmp(value, "-") || !own_file(path))
		return false;
	dfd = open_parent(h, path, false, NULL);
	return dfd >= 0 &&
	       fstatat(dfd, strrchr(path, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) ==
		       0 &&
	       S_ISLNK(st.st_mode);
}

/* Read where the write goes: in the directory open_parent opens, the
 * name not followed if it is a symlink, and a file with another hard
 * link refused (it could be a file outside the tree, root's own). */
static int file_read(const struct host *h, struct check *c)
{
	const char *name = strrchr(c->key, '/') + 1;
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *data = NULL, *why = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	dfd = open_parent(h, c->key, false, &why);
	if (dfd == -ENOENT) {
		c->actual = xstrdup("-");
		return 0;
	}
	if (dfd == -EPERM && why) {
		c->status = ST_ERROR;
		c->detail = TAKE_PTR(why);
		return 0;
	}
	if (dfd == -ELOOP) {
		c->status = ST_ERROR;
		c->detail = xstrdup("its directory is reached through a "
				    "symlink");
		return 0;
	}
	if (dfd < 0)
		return dfd;
	c->detail = in_the_way(dfd, name);
	if (c->detail) {
		c->status = ST_ERROR;
		return 0;
	}
	fd = openat(dfd, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		c->actual = xstrdup("-");
		return 0;
	}
	if (fd < 0)
		return errno == ELOOP ? -EINVAL : -errno;
	r = fstat_regular(fd, &st);
	if (r < 0)
		return r;
	if (hostfs_linked_elsewhere(h, &st))
		return -EMLINK;
	r = read_fd_limited(fd, FILE_MAX, &data, &len);
	if (r < 0)
		return r;
	if (memchr(data, '\0', len))
		return -EBADMSG;
	c->actual = xasprintf("+%s", data);
	c->raw = xstrdup(c->actual);
	return 0;
}

static int file_write(const struct host *h, const char *target, const char *key,
		      const char *value, char **ret_why)
{
	const char *name = strrchr(key, '/') + 1;
	_cleanup_close_ int dfd = -1;
	int r;

	(void)target;
	if (!own_file(key))
		return -EINVAL;
	dfd = open_parent(h, key, true, ret_why);
	if (dfd < 0) {
		if (ret_why && !*ret_why)
			*ret_why = xstrdup(
				dfd == -ELOOP ? "its directory is reached "
						"through a symlink" :
				dfd == -EXDEV ? "not under --root" :
						"cannot make its directory");
		return dfd;
	}
	/* planned over a regular file or nothing; a symlink or anything
	 * else there now is not replaced or removed, nor one made while the
	 * write runs: the helpers look at what they moved, and put it back */
	if (!strcmp(value, "-")) {
		r = remove_regular_at(dfd, name);
	} else if (value[0] == '+') {
		struct stat st;
		/* a file there keeps its mode where that is narrower than
		 * 0644 (an administrator's 0600 drop-in stays 0600 through
		 * apply and rollback), never wider: the file written is
		 * root's, and a setuid, executable or group- or
		 * world-writable mode (which a bare audit refuses on the
		 * active-profile record) comes out 0644, as a new one is */
		mode_t mode = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) ==
						      0 &&
					      S_ISREG(st.st_mode) ?
				      st.st_mode & 0644 :
				      0644;

		r = write_file_over_regular_at(dfd, name, value + 1,
					       strlen(value + 1), mode);
	} else {
		return -EINVAL;
	}
	if (r == -EEXIST && ret_why) {
		*ret_why = in_the_way(dfd, name);
		if (!*ret_why)
			*ret_why = xstrdup("not a regular file");
	}
	return r;
}

/* Written last: the kernel's values first, then what keeps them. */
static int file_rank(const struct check *c, const char *value)
{
	(void)c;
	(void)value;
	return 3;
}

const struct check_ops file_ops = {
	.name = "file",
	.target = TARGET_NONE,
	.cap = -1, /* root writes its own files as their owner */
	.internal = true,
	.parse_key = file_parse_key,
	.parse_setting = file_parse_setting,
	.expand = file_expand,
	.read = file_read,
	.write = file_write,
	.rank = file_rank,
	.holds_unread = file_holds_unread,
};
