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
	/* Per-run state of each domain, by registry index (check_state()). */
	struct host_slot *slots;
};

/* Largest value hostfs_read() accepts from one file. */
#define HOSTFS_MAX_VALUE (1024 * 1024)

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
/* Write a value followed by a newline in a single write(2). */
int hostfs_write(const struct host *h, const char *rel, const char *value);
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

#endif
