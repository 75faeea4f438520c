/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_HOSTFS_H
#define HOSTTUNE_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * The host-file layer: every /proc and /sys access goes through here, relative
 * to a root directory ("/" on a live host, a fixture tree or image otherwise).
 * Paths are relative ("proc/sys/vm/swappiness") and are resolved beneath the
 * root with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel
 * has it, so no path derived from a profile can leave the tree.
 */
/* How many domains may keep per-run state on a host (checks/registry.c
 * lists fewer). */
#define HOST_MAX_DOMAINS 16

/* One domain's state for the run: made on first use, freed by close when
 * the host is closed. */
struct host_slot {
	void *state;
	void (*close)(void *state);
};

struct host {
	int root_fd;
	char *root; /* as given, "/" for the live host */
	bool live; /* root is the running system's own "/" */
	/* The capabilities (CAP_* bits) the run's writes may hold: what a
	 * plan judges irreversibility by. Set by the command layer from the
	 * permitted set before anything is dropped; domains never ask
	 * libcap themselves. */
	uint64_t caps;
	/* A privileged run (root, or any capability): hosttune's own files
	 * in a tree are refused in a directory others could write (checks/
	 * file.c), and in such a directory only its owner's files are read
	 * (-EREMOTE): a file of root's there is a hard link someone made,
	 * whatever its count of links now says. Set by the command layer,
	 * as caps is. */
	bool privileged;
	/* Per-run state of each domain, by registry index (check_state()). */
	struct host_slot *slots;
	/* The procfs directory of the last file opened (hostfs.c): NULL on
	 * a host not made by host_open, which then resolves every path from
	 * the root. */
	struct host_dircache *dir;
	/* Set by audit: reads need not learn whether a file is writable
	 * (only apply's plan and snapshot --all ask which keys are
	 * read-only), so a value in the kept procfs directory is read with
	 * no fstat of its own: 100 of a 100-key audit's 548 system calls. */
	bool no_modes;
	/* Set by snapshot --all, which saves values as read and compares
	 * nothing: a domain need not read the value of a setting the host
	 * will not let anyone write (read_only), which is not saved
	 * (hostfs_read_writable), nor normalise a value for comparison
	 * (a check's raw value is enough). */
	bool writable_only;
};

/* Largest value hostfs_read() accepts from one file. */
#define HOSTFS_MAX_VALUE (1024 * 1024)
/* Largest kernel table (mountinfo) hostfs_read_max() is given: 20,000
 * mounts of a busy container host are about 3 MiB, the kernel's default
 * fs.mount-max of 100,000 at typical line lengths about 15 MiB. */
#define HOSTFS_MAX_TABLE (64 * 1024 * 1024)

int host_open(const char *root, struct host *ret);
void host_close(struct host *h);

/* Validate a relative path: no empty, "." or ".." components, no leading
 * '/', no control characters, bounded length. 0 or -EINVAL. */
int hostfs_path_ok(const char *rel);

/* Open a file beneath the root. */
int hostfs_open(const struct host *h, const char *rel, int flags);
/* Read a value: trailing newline removed. Non-regular files are refused
 * (-EINVAL) so a hostile tree cannot make us block on a FIFO. The file's
 * mode is returned in ret_mode when not NULL. */
int hostfs_read(const struct host *h, const char *rel, char **ret,
		mode_t *ret_mode);
/* hostfs_read() with a size cap of max bytes instead of HOSTFS_MAX_VALUE;
 * a larger file is -EFBIG. */
int hostfs_read_max(const struct host *h, const char *rel, size_t max,
		    char **ret, mode_t *ret_mode);
/* hostfs_read() of a file whose handler answers a whole value to one
 * read (a sysctl): a short read is the end, not a piece, so the read
 * that would confirm end-of-file is not made. Not for seq_file tables. */
int hostfs_read_once(const struct host *h, const char *rel, char **ret,
		     mode_t *ret_mode);
/* hostfs_read_once(), but a file that no one may write (mode without
 * 0222) is not read: 0 with *ret NULL and its mode in *ret_mode.
 * snapshot --all saves only what a rollback could write back, and the
 * 130 read-only keys of /proc/sys (counters, kernel.random.uuid) would
 * each cost a read to be thrown away. */
int hostfs_read_writable(const struct host *h, const char *rel, char **ret,
			 mode_t *ret_mode);
/* Write a value followed by a newline in a single write(2). */
int hostfs_write(const struct host *h, const char *rel, const char *value);
/* Run privileged on a --root tree, reads and writes refuse a regular file
 * with more than one name (-EMLINK): a second name can be a hard link to
 * a file outside the tree, which RESOLVE_BENEATH does not see
 * (fs.protected_hardlinks=0 lets anyone make one). The live host has no
 * outside (and ostree ships /usr/lib/sysctl.d as links), and an
 * unprivileged run reaches only what its user may anyway. The check is
 * on the descriptor read or written, so no rename or link made
 * afterwards changes which file that is. hostfs_strerror() says so, and
 * what -EREMOTE means (struct host, privileged); any other error is
 * strerror's. */
const char *hostfs_strerror(int r);
/* That rule: st, a file of h's, has a name other than the one opened, and
 * the run is a privileged one on a tree. */
bool hostfs_linked_elsewhere(const struct host *h, const struct stat *st);
int hostfs_stat(const struct host *h, const char *rel, struct stat *ret);
/* The same, of a symlink itself (walks never follow one: a loop in a
 * --root tree must not make them endless). */
int hostfs_lstat(const struct host *h, const char *rel, struct stat *ret);

/* More checks than this in one run is hostile input, not a host: an
 * audit stops with -E2BIG. */
#define HOST_MAX_CHECKS 200000
/* Names in a directory, sorted, without "." and "..". */
int hostfs_list(const struct host *h, const char *rel, char ***ret_names,
		size_t *ret_n);
void strv_free(char **v, size_t n);

/* A directory entry and its type (DT_DIR, DT_REG, DT_LNK, ...; DT_UNKNOWN
 * where the file system does not say: stat it then). */
struct host_dirent {
	char *name;
	unsigned char type;
};
#define HOSTFS_DENTS_BUF (16 * 1024)
/* The entries of a directory, sorted, without "." and "..", read with
 * getdents64 on the open directory. */
int hostfs_list_typed(const struct host *h, const char *rel,
		      struct host_dirent **ret, size_t *ret_n);
void host_dirents_free(struct host_dirent *v, size_t n);

#endif
