/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_PROC_H
#define HOSTTUNE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hosttune/hostfs.h"

/*
 * Processes under a host's root: /proc/PID as the host-file layer sees it,
 * so a captured tree is read like a live host.
 *
 * A process is selected as a profile names it:
 *   "self"    hosttune itself (pid 0 here, as prlimit(2) takes it)
 *   "pid:N"   one process, N from 1 to PROC_PID_MAX
 *   NAME      every process whose /proc/PID/comm is exactly NAME
 */

/* PID_MAX_LIMIT: no pid is larger on any kernel. */
#define PROC_PID_MAX (4 * 1024 * 1024)

/* "self" -> 0, "pid:N" -> N; -EINVAL for anything else. A target may
 * carry the process's start time, "pid:N@START" (what plans and snapshots
 * hold, so that a pid given to a later process is told apart): it is
 * ignored here. */
int proc_target_pid(const char *target, pid_t *ret);
/* The same, with the start time (0 when the target has none). */
int proc_target_parse(const char *target, pid_t *ret_pid, uint64_t *ret_start);
/* Is the process a "pid:N@START" target names still the one that runs
 * as N? 0 when it is (or the target has no start time), -ESRCH when the
 * process ended or N now belongs to another, -EINVAL for a bad target. */
int proc_target_same(const struct host *h, const char *target);
/* Does the selector name one process ("self", "pid:...") rather than a
 * command name? */
bool proc_selects_one(const char *selector);
/* The target for pid: "self" for 0, else "pid:N". */
char *proc_target(pid_t pid);
/* The target for a process found running: "pid:N@START" where its start
 * time can be read, else as proc_target. */
char *proc_target_of(const struct host *h, pid_t pid);
/* "proc/self/FILE" for 0, else "proc/N/FILE". */
char *proc_path(pid_t pid, const char *file);

/* Every pid under the root's /proc, in numeric order: the entries the
 * kernel makes (digits, no sign, no leading zero, 1 to PROC_PID_MAX);
 * others are not processes and are skipped. */
int proc_list_pids(const struct host *h, pid_t **ret, size_t *ret_n);
/* The command name, /proc/PID/comm without its newline. */
int proc_read_comm(const struct host *h, pid_t pid, char **ret);
/* The processes a selector names, in pid order: for "self" or "pid:N"
 * that one (whether or not it runs: reading it will tell), for a name
 * every process whose comm it is (none: 0 with *ret_n 0). -EINVAL for a
 * malformed "pid:" selector; a /proc that cannot be listed is its error. */
int proc_select(const struct host *h, const char *selector, pid_t **ret,
		size_t *ret_n);

/* Field 22 of a /proc/PID/stat line: the start time, in clock ticks after
 * boot. Fields are counted after the last ')', since the command name in
 * field 2 may hold blanks and ')'. 0, or -EBADMSG for a line that is not
 * the kernel's. */
int proc_stat_start_time(const char *stat, uint64_t *ret);
/* The start time of a process: with its pid, what tells a process from a
 * later one that was given the same pid. */
int proc_read_start_time(const struct host *h, pid_t pid, uint64_t *ret);

#endif
