/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_TRUST_H
#define HOSTTUNE_TRUST_H

/*
 * Files a privileged run reads its instructions from (profiles, snapshots)
 * and the state directory it writes them to. The model is sudo's
 * secure_path and OpenSSH's safe_path: open first, then decide on the open
 * descriptor, never stat a path and open it again. A path is resolved, then
 * walked from / with openat(O_NOFOLLOW), so a component swapped for a
 * symlink after the check is refused, not followed; every directory on the
 * way must be owned by root or the user and writable by no one else (a
 * root-owned sticky directory such as /tmp excepted: others cannot replace
 * what they do not own there).
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Open path for reading. With check_owner (a privileged run), as above,
 * and the file must be owned by root or uid and writable by no one else;
 * without, only the kind of file is checked. Never a device, FIFO, socket
 * or directory (O_NONBLOCK: a FIFO cannot make us wait). what names the
 * file in messages ("file", "snapshot"). Returns the fd, or -errno with
 * *ret_err (caller frees) saying why when the reason is ours to give. */
int trusted_open(const char *path, bool check_owner, uid_t uid,
		 const char *what, char **ret_err);

/* Open the directory rel beneath root, each component with O_NOFOLLOW
 * (-EMLINK for a symlink on the way), made with mode where missing when
 * create is set. The fd, or -errno. */
int open_dir_beneath(const char *root, const char *rel, bool create,
		     mode_t mode);
/* The same beneath the directory base (any descriptor of it, O_PATH
 * too): no path of the root is looked up again. */
int open_dir_beneath_at(int base, const char *rel, bool create, mode_t mode);

/* The state directory: made 0700 (parents 0755) where absent, never
 * chmod'ed; an existing one must be a directory owned by root or euid and
 * writable by no one else. beneath, when not NULL, is a --root the path
 * lies under: below it no component may be a symlink, so the directory is
 * resolved beneath the root like every other path. create: make what is
 * missing (else -ENOENT). trusted (a privileged run): dir must be
 * absolute and already resolved (cli_resolve_paths); it is walked as it
 * is, from /, never through a symlink and never through a directory
 * others could write, so every later use by that path (the lock,
 * snapshots) reaches the directory checked: no one else can change it.
 * 0 or -errno with *ret_err. */
int state_dir_open(const char *dir, const char *beneath, bool create,
		   bool trusted, char **ret_err);

/* path (relative to the working directory, or absolute) resolved by hand
 * from /, each symlink followed only after the directory holding it was
 * checked: every directory passed through one no one but root or uid
 * could write, and in a sticky one every entry passed through theirs. So
 * the path given cannot be made to lead elsewhere by someone who could
 * write a directory on it, and *ret_real, the resolved path (absolute,
 * no symlink), stays what it is for the run. allow_missing: what does not
 * exist yet is appended as given ("." or ".." in it: -EINVAL). 0, or
 * -EPERM with *ret_err, or another -errno. */
int path_resolve_trusted(const char *path, uid_t uid, bool allow_missing,
			 char **ret_real, char **ret_err);

/* Every directory above the absolute path one no one but root or uid
 * could write, and no symlink on the way (path itself may be anyone's:
 * a --root tree): 0, or -EPERM or -ELOOP with *ret_err, or another
 * -errno (-EINVAL for a relative path). */
int path_above_trusted(const char *path, uid_t uid, char **ret_err);

#endif
