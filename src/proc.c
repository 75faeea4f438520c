// SPDX-License-Identifier: GPL-2.0-or-later
/* Processes under a host's root: listing, naming and selecting them. */
#include <errno.h>
#include <string.h>

#include "hosttune/proc.h"
#include "hosttune/util.h"

/* The field of /proc/PID/stat that holds the start time. */
#define STAT_STARTTIME 22

int proc_target_parse(const char *target, pid_t *ret_pid, uint64_t *ret_start)
{
	_cleanup_free_ char *num = NULL;
	const char *at;
	uint64_t start = 0;
	int64_t pid;

	if (!strcmp(target, "self")) {
		*ret_pid = 0;
		if (ret_start)
			*ret_start = 0;
		return 0;
	}
	if (!startswith(target, "pid:"))
		return -EINVAL;
	at = strchr(target, '@');
	num = xstrndup(target + 4,
		       at ? (size_t)(at - target - 4) : strlen(target + 4));
	if (parse_int64(num, 1, PROC_PID_MAX, &pid) < 0 ||
	    (at && (parse_uint64(at + 1, UINT64_MAX, &start) < 0 || !start)))
		return -EINVAL;
	*ret_pid = (pid_t)pid;
	if (ret_start)
		*ret_start = start;
	return 0;
}

int proc_target_pid(const char *target, pid_t *ret)
{
	return proc_target_parse(target, ret, NULL);
}

int proc_target_same(const struct host *h, const char *target)
{
	uint64_t start, now;
	pid_t pid;
	int r = proc_target_parse(target, &pid, &start);

	if (r < 0 || start == 0)
		return r;
	r = proc_read_start_time(h, pid, &now);
	if (r == -ENOENT)
		return -ESRCH;
	if (r < 0)
		return r;
	return now == start ? 0 : -ESRCH;
}

bool proc_selects_one(const char *selector)
{
	return !strcmp(selector, "self") || startswith(selector, "pid:");
}

char *proc_target(pid_t pid)
{
	return pid ? xasprintf("pid:%d", (int)pid) : xstrdup("self");
}

char *proc_target_of(const struct host *h, pid_t pid)
{
	uint64_t start;

	if (pid && proc_read_start_time(h, pid, &start) == 0 && start)
		return xasprintf("pid:%d@%llu", (int)pid,
				 (unsigned long long)start);
	return proc_target(pid);
}

char *proc_path(pid_t pid, const char *file)
{
	return pid ? xasprintf("proc/%d/%s", (int)pid, file) :
		     xasprintf("proc/self/%s", file);
}

/* A /proc entry as the kernel names a process: digits, no sign, no
 * leading zero, at most PROC_PID_MAX. */
static int pid_entry(const char *name, pid_t *ret)
{
	uint64_t v;

	if (name[0] == '0' || name[0] == '+' ||
	    parse_uint64(name, PROC_PID_MAX, &v) < 0)
		return -EINVAL;
	*ret = (pid_t)v;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

int proc_list_pids(const struct host *h, pid_t **ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0, k = 0;
	pid_t *pids;
	int r = hostfs_list(h, "proc", &names, &n);

	if (r < 0)
		return r;
	pids = xcalloc(n ? n : 1, sizeof(*pids));
	for (size_t i = 0; i < n; i++)
		if (pid_entry(names[i], &pids[k]) == 0)
			k++;
	strv_free(names, n);
	qsort(pids, k, sizeof(*pids), cmp_pid);
	*ret = pids;
	*ret_n = k;
	return 0;
}

int proc_read_comm(const struct host *h, pid_t pid, char **ret)
{
	_cleanup_free_ char *path = proc_path(pid, "comm");

	return hostfs_read(h, path, ret, NULL);
}

int proc_select(const struct host *h, const char *selector, pid_t **ret,
		size_t *ret_n)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0, k = 0;
	pid_t one;
	int r;

	if (proc_selects_one(selector)) {
		r = proc_target_pid(selector, &one);
		if (r < 0)
			return r;
		pids = xmalloc(sizeof(*pids));
		pids[0] = one;
		k = 1;
	} else {
		r = proc_list_pids(h, &pids, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *comm = NULL;

			if (proc_read_comm(h, pids[i], &comm) == 0 &&
			    !strcmp(comm, selector))
				pids[k++] = pids[i];
		}
	}
	*ret = TAKE_PTR(pids);
	*ret_n = k;
	return 0;
}

/* "PID (": the start of every stat line; the command name follows. */
static const char *stat_comm(const char *stat)
{
	size_t digits = strspn(stat, "0123456789");

	if (!digits || stat[digits] != ' ' || stat[digits + 1] != '(')
		return NULL;
	return stat + digits + 2;
}

int proc_stat_start_time(const char *stat, uint64_t *ret)
{
	const char *comm = stat_comm(stat), *p = strrchr(stat, ')');

	if (!comm || !p || p < comm)
		return -EBADMSG;
	p++;
	/* Field 3 is the first after the name. */
	for (int field = 3;; field++) {
		size_t n;

		if (*p != ' ')
			return -EBADMSG;
		p++;
		n = strcspn(p, " \n");
		if (n == 0)
			return -EBADMSG;
		if (field == STAT_STARTTIME) {
			_cleanup_free_ char *tok = xstrndup(p, n);

			if (*tok == '+' ||
			    parse_uint64(tok, UINT64_MAX, ret) < 0)
				return -EBADMSG;
			return 0;
		}
		p += n;
	}
}

int proc_read_start_time(const struct host *h, pid_t pid, uint64_t *ret)
{
	_cleanup_free_ char *path = proc_path(pid, "stat"), *stat = NULL;
	int r = hostfs_read(h, path, &stat, NULL);

	if (r < 0)
		return r;
	return proc_stat_start_time(stat, ret);
}
