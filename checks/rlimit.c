// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rlimit domain: soft and hard resource limits of running processes.
 *
 *   [rlimit nginx]        every process whose /proc/PID/comm is nginx
 *   [rlimit pid:1234]     one process
 *   [rlimit self]         hosttune itself
 *   nofile = >=65536      the soft limit
 *   nofile.hard = 1048576 the hard limit
 *
 * Keys are prlimit(1)'s names. A name matches processes at audit time: each
 * is a check of its own, id rlimit:NAME:KEY with the concrete target pid:N
 * (what a snapshot saves). Values are read from /proc/PID/limits (so a
 * captured tree is audited like a live host) and written with prlimit(2),
 * keeping the other of soft and hard as it is.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "hosttune/check.h"
#include "hosttune/proc.h"

#define RLIMIT_NAME_MAX 15 /* TASK_COMM_LEN - 1 */

struct rlimit_desc {
	const char *key; /* prlimit(1) */
	int resource; /* RLIMIT_* */
	const char *label; /* /proc/PID/limits */
	enum value_unit unit;
	const char *why;
};

static const struct rlimit_desc rlimit_known[] = {
	{ "as", RLIMIT_AS, "Max address space", UNIT_BYTES,
	  "address space a process may map" },
	{ "core", RLIMIT_CORE, "Max core file size", UNIT_BYTES,
	  "largest core dump written on a crash" },
	{ "cpu", RLIMIT_CPU, "Max cpu time", UNIT_NONE,
	  "CPU seconds before the process is signalled" },
	{ "data", RLIMIT_DATA, "Max data size", UNIT_BYTES,
	  "heap and data segment size" },
	{ "fsize", RLIMIT_FSIZE, "Max file size", UNIT_BYTES,
	  "largest file the process may write" },
	{ "locks", RLIMIT_LOCKS, "Max file locks", UNIT_NONE,
	  "file locks held at once" },
	{ "memlock", RLIMIT_MEMLOCK, "Max locked memory", UNIT_BYTES,
	  "memory that may be locked (mlock, io_uring, RDMA, hugepages)" },
	{ "msgqueue", RLIMIT_MSGQUEUE, "Max msgqueue size", UNIT_BYTES,
	  "bytes in POSIX message queues" },
	{ "nice", RLIMIT_NICE, "Max nice priority", UNIT_NONE,
	  "highest priority nice(2) may raise to (20 - value)" },
	{ "nofile", RLIMIT_NOFILE, "Max open files", UNIT_NONE,
	  "open file descriptors: sockets of a busy server count" },
	{ "nproc", RLIMIT_NPROC, "Max processes", UNIT_NONE,
	  "processes and threads of the user" },
	{ "rss", RLIMIT_RSS, "Max resident set", UNIT_BYTES,
	  "resident memory (ignored by Linux since 2.6)" },
	{ "rtprio", RLIMIT_RTPRIO, "Max realtime priority", UNIT_NONE,
	  "highest real-time priority the process may take" },
	{ "rttime", RLIMIT_RTTIME, "Max realtime timeout", UNIT_NONE,
	  "microseconds a real-time task may run without blocking" },
	{ "sigpending", RLIMIT_SIGPENDING, "Max pending signals", UNIT_NONE,
	  "signals queued for the user" },
	{ "stack", RLIMIT_STACK, "Max stack size", UNIT_BYTES,
	  "main thread stack size" },
};

/* One resource of /proc/PID/limits. */
struct rlimit_pair {
	uint64_t soft, hard; /* RLIM_INFINITY for unlimited */
};

extern const struct check_ops rlimit_ops;

/* "nofile.hard" -> the descriptor and whether it is the hard limit. */
static const struct rlimit_desc *rlimit_find(const char *key, bool *ret_hard)
{
	const char *dot = strchr(key, '.');
	size_t n = dot ? (size_t)(dot - key) : strlen(key);

	if (dot && strcmp(dot, ".hard"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_known); i++)
		if (strlen(rlimit_known[i].key) == n &&
		    !strncmp(rlimit_known[i].key, key, n)) {
			if (ret_hard)
				*ret_hard = dot != NULL;
			return &rlimit_known[i];
		}
	return NULL;
}

/* A limit as the kernel prints it: "unlimited" or a decimal number. */
static int limit_parse(const char *s, uint64_t *ret)
{
	if (!strcmp(s, "unlimited") || !strcmp(s, "infinity")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	return parse_uint64(s, UINT64_MAX, ret);
}

static char *limit_format(uint64_t v)
{
	if (v == RLIM_INFINITY)
		return xstrdup("unlimited");
	return xasprintf("%llu", (unsigned long long)v);
}

/* The next blank-separated word of *p, NUL-terminated in place; NULL at
 * the end. */
static char *next_word(char **p)
{
	char *w = *p + strspn(*p, " \t"), *e;

	if (!*w)
		return NULL;
	e = w + strcspn(w, " \t");
	*p = *e ? e + 1 : e;
	*e = '\0';
	return w;
}

/* The line of /proc/PID/limits for one resource: the label, then the soft
 * and hard limits (then units, which we do not need). 1 found, 0 not
 * there, -EBADMSG for a line that says something else. */
static int limits_line(char *line, const char *label, struct rlimit_pair *ret)
{
	size_t n = strlen(label);
	char *rest = line + n, *soft, *hard;

	if (strncmp(line, label, n) || (*rest != ' ' && *rest != '\t'))
		return 0;
	soft = next_word(&rest);
	hard = soft ? next_word(&rest) : NULL;
	if (!hard || limit_parse(soft, &ret->soft) < 0 ||
	    limit_parse(hard, &ret->hard) < 0)
		return -EBADMSG;
	return 1;
}

/* Find a resource in the text of /proc/PID/limits: 0, -ENOENT (a kernel
 * without it) or -EBADMSG (garbled, or given twice). */
static int limits_parse(const char *text, const char *label,
			struct rlimit_pair *ret)
{
	struct rlimit_pair p = { 0 };
	bool found = false;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		_cleanup_free_ char *l = xstrndup(line, strcspn(line, "\n"));
		int r = limits_line(l, label, &p);

		if (r < 0 || (r > 0 && found))
			return -EBADMSG;
		found |= r > 0;
		line = nl ? nl + 1 : NULL;
	}
	if (!found)
		return -ENOENT;
	*ret = p;
	return 0;
}

static int read_pair(const struct host *h, const char *target,
		     const struct rlimit_desc *d, struct rlimit_pair *ret)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	pid_t pid;
	int r = proc_target_pid(target, &pid);

	if (r < 0)
		return r;
	path = proc_path(pid, "limits");
	r = hostfs_read(h, path, &text, NULL);
	if (r < 0)
		return r;
	return limits_parse(text, d->label, ret);
}

static int rlimit_parse_target(const char *target, char **ret_err)
{
	pid_t pid;

	if (startswith(target, "pid:")) {
		if (proc_target_pid(target, &pid) < 0) {
			*ret_err =
				xasprintf("'%s': expected pid:N with N from 1 "
					  "to %d",
					  target, PROC_PID_MAX);
			return -EINVAL;
		}
		return 0;
	}
	if (strlen(target) > RLIMIT_NAME_MAX) {
		*ret_err = xasprintf("a command name has at most %d characters "
				     "(the kernel keeps no more in "
				     "/proc/PID/comm)",
				     RLIMIT_NAME_MAX);
		return -EINVAL;
	}
	if (has_control_chars(target)) {
		*ret_err = xstrdup("the command name contains control "
				   "characters");
		return -EINVAL;
	}
	return 0;
}

static int rlimit_parse_key(const char *target, const char *key, char **ret_key,
			    char **ret_err)
{
	(void)target;
	if (!rlimit_find(key, NULL)) {
		*ret_err =
			xasprintf("unknown limit '%s' (known: as, core, cpu, "
				  "data, fsize, locks, memlock, msgqueue, "
				  "nice, nofile, nproc, rss, rtprio, rttime, "
				  "sigpending, stack; KEY.hard for the hard "
				  "limit)",
				  key);
		return -EINVAL;
	}
	*ret_key = xstrdup(key);
	return 0;
}

/* A limit is never negative; "infinity" is spelt "unlimited". */
static int check_values(struct expect *e, char **ret_err)
{
	uint64_t v;

	if (e->lo.neg || e->hi.neg) {
		*ret_err = xstrdup("a limit is not negative");
		return -EINVAL;
	}
	for (int i = 0; i < e->n_alts; i++) {
		if (e->alts[i][0] == '-') {
			*ret_err = xstrdup("a limit is not negative");
			return -EINVAL;
		}
		if (limit_parse(e->alts[i], &v) < 0) {
			*ret_err =
				xasprintf("expected a number or 'unlimited', "
					  "got '%s'",
					  e->alts[i]);
			return -EINVAL;
		}
		free(e->alts[i]);
		e->alts[i] = limit_format(v);
	}
	return 0;
}

static int rlimit_parse_setting(const char *target, const char *key,
				const char *value, char **ret_key,
				struct expect *ret, char **ret_err)
{
	const struct rlimit_desc *d;
	struct expect e;
	bool hard = false;
	int r;

	r = rlimit_parse_key(target, key, ret_key, ret_err);
	if (r < 0)
		return r;
	d = rlimit_find(key, &hard);
	/* "max" is the hard limit, which only a soft one can be raised to */
	r = expect_parse(value, d->unit, !hard, &e, ret_err);
	if (r == 0 && check_values(&e, ret_err) < 0) {
		expect_free(&e);
		r = -EINVAL;
	}
	if (r < 0) {
		free(*ret_key);
		*ret_key = NULL;
		return -EINVAL;
	}
	*ret = e;
	return 0;
}

/* A check of one process: its target holds the start time, so that a
 * later process given the same pid is never taken for it, and its id
 * names it COMM@PID whichever way the section chose it, so ids are unique
 * in a report ("rlimit:nginx@1234:nofile"). */
static void rlimit_rename(const struct host *h, struct check *c)
{
	_cleanup_free_ char *comm = NULL, *name = NULL, *num = NULL;
	pid_t pid;

	if (!c->target || proc_target_pid(c->target, &pid) < 0)
		return;
	/* hosttune itself: its own pid, or under --root the tree's "self" */
	if (pid == 0 && !h->live)
		num = xstrdup("self");
	else
		num = xasprintf("%d", (int)(pid ? pid : getpid()));
	if (proc_read_comm(h, pid, &comm) < 0 || has_control_chars(comm) ||
	    proc_target_same(h, c->target) < 0)
		name = xasprintf("?@%s", num);
	else
		name = xasprintf("%s@%s", comm, num);
	check_set_id(c, check_make_id(c->ops->name, name, c->key));
}

static struct check *process_check(const struct host *h,
				   const struct setting *s, pid_t pid)
{
	_cleanup_free_ char *target = proc_target_of(h, pid);
	struct check *c = check_new(s->ops, target, s->key);

	rlimit_rename(h, c);
	return c;
}

static struct check *unmatched_check(const struct setting *s)
{
	struct check *c = check_new(s->ops, NULL, s->key);

	check_set_id(c, check_make_id(s->ops->name, s->target, s->key));
	c->unmatched = true;
	return c;
}

/* The processes s->target selects, one check each. */
static int rlimit_expand(const struct host *h, const struct setting *s,
			 struct ptrvec *out)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	struct check *c;

	if (proc_select(h, s->target, &pids, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++)
		ptrvec_push(out, process_check(h, s, pids[i]));
	if (n == 0) {
		c = unmatched_check(s);
		c->detail = xasprintf("no process is named %s", s->target);
		ptrvec_push(out, c);
	}
	return 0;
}

static int rlimit_read(const struct host *h, struct check *c)
{
	struct rlimit_pair p;
	bool hard = false;
	const struct rlimit_desc *d = rlimit_find(c->key, &hard);
	int r;

	pid_t pid;

	if (!d || !c->target || proc_target_pid(c->target, &pid) < 0)
		return -EINVAL;
	if (proc_target_same(h, c->target) == -ESRCH) {
		c->status = ST_MISSING;
		c->detail = xasprintf("process %d has ended (its pid may now "
				      "be another's)",
				      (int)pid);
		return 0;
	}
	r = read_pair(h, c->target, d, &p);
	if (r == -EBADMSG) {
		_cleanup_free_ char *where = proc_path(pid, "limits");

		c->status = ST_ERROR;
		c->detail =
			xasprintf("/%s: unreadable '%s' line", where, d->label);
		return 0;
	}
	if (r < 0)
		return r;
	c->actual = limit_format(hard ? p.hard : p.soft);
	if (!hard)
		c->max = limit_format(p.hard);
	c->read_only = !h->live; /* prlimit(2) only reaches live processes */
	return 0;
}

static bool limit_in(const struct expect *e, uint64_t v, const char *max)
{
	uint64_t w;

	switch (e->op) {
	case EXP_EXACT:
	case EXP_ALT:
		for (int i = 0; i < e->n_alts; i++)
			if (limit_parse(e->alts[i], &w) == 0 && w == v)
				return true;
		return false;
	case EXP_MAX:
		return max && limit_parse(max, &w) == 0 && w == v;
	case EXP_GE:
		return v >= e->lo.mag;
	case EXP_LE:
		return v <= e->hi.mag;
	case EXP_RANGE:
		return v >= e->lo.mag && v <= e->hi.mag;
	case EXP_FIELDS:
		return false; /* one number: refused at load */
	}
	return false;
}

/* "unlimited" is above every number. */
static bool rlimit_match(const struct host *h, const struct check *c)
{
	uint64_t v;

	(void)h;
	if (limit_parse(c->actual, &v) < 0)
		return false;
	return limit_in(&c->setting->expect, v, c->max);
}

/* expect_plan's choice, made on the limit as a number ("unlimited" being
 * above every number); a bound comes back the way prlimit(1) names it. */
static int rlimit_plan(const struct host *h, const struct check *c, char **ret)
{
	const struct expect *e = &c->setting->expect;
	_cleanup_free_ char *num = NULL, *want = NULL;
	uint64_t v;
	int r;

	(void)h;
	if (limit_parse(c->actual, &v) < 0)
		return -EINVAL;
	num = xasprintf("%llu", (unsigned long long)v);
	r = expect_plan(e, num, c->max, &want);
	if (r < 0)
		return r;
	if ((e->op == EXP_GE || e->op == EXP_LE || e->op == EXP_RANGE) &&
	    limit_parse(want, &v) == 0)
		*ret = limit_format(v);
	else
		*ret = TAKE_PTR(want);
	return 0;
}

static int rlimit_write(const struct host *h, const char *target,
			const char *key, const char *value, char **ret_why)
{
	bool hard = false;
	const struct rlimit_desc *d = rlimit_find(key, &hard);
	struct rlimit lim;
	uint64_t v;
	pid_t pid;

	if (!h->live)
		return -EOPNOTSUPP;
	if (!d || !target || proc_target_pid(target, &pid) < 0 ||
	    limit_parse(value, &v) < 0)
		return -EINVAL;
	/* The pid must still be the process that was planned: after it
	 * ended, the pid may be another's, whose limits are not ours to
	 * change. Checked right before the write (the window left is that
	 * of prlimit(2) itself, which takes no pidfd). */
	if (proc_target_same(h, target) == -ESRCH) {
		if (ret_why)
			*ret_why =
				xasprintf("process %d is not the one planned "
					  "(it ended; the pid may be "
					  "another's)",
					  (int)pid);
		return -ESRCH;
	}
	if (prlimit(pid, d->resource, NULL, &lim) < 0)
		return -errno;
	if (hard)
		lim.rlim_max = v;
	else
		lim.rlim_cur = v;
	if (lim.rlim_cur > lim.rlim_max)
		return -EINVAL; /* the soft limit never exceeds the hard */
	return prlimit(pid, d->resource, &lim, NULL) < 0 ? -errno : 0;
}

/* Would writing value lower c's hard limit? */
static bool lowers_hard(const struct check *c, const char *value)
{
	bool hard = false;
	uint64_t now, want;

	return rlimit_find(c->key, &hard) && hard && c->actual &&
	       limit_parse(c->actual, &now) == 0 &&
	       limit_parse(value, &want) == 0 && want < now;
}

static char *rlimit_irreversible(const struct host *h, const struct check *c,
				 const char *value)
{
	if (!lowers_hard(c, value) ||
	    (h->caps & (UINT64_C(1) << CAP_SYS_RESOURCE)))
		return NULL;
	return xasprintf("lowers the hard limit from %s to %s, and only "
			 "CAP_SYS_RESOURCE can raise it again",
			 c->actual, value);
}

/* Are the real, effective and saved ids of a "Uid:" or "Gid:" line of
 * /proc/PID/status all want? */
static bool ids_are(const char *status, const char *field, uint64_t want)
{
	const char *p = strstr(status, field);
	_cleanup_free_ char *line = NULL;
	char *rest, *w;
	uint64_t id;

	if (!p)
		return false;
	p += strlen(field);
	/* NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): cleanup reads */
	rest = line = xstrndup(p, strcspn(p, "\n"));
	for (int k = 0; k < 3; k++) {
		w = next_word(&rest);
		if (!w || parse_uint64(w, UINT32_MAX, &id) < 0 || id != want)
			return false;
	}
	return true;
}

/* Does the process run with our uid and gid? The kernel lets a process
 * change the limits of such a process only, unless it has
 * CAP_SYS_RESOURCE. */
static bool same_credentials(const struct host *h, const char *target)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	pid_t pid;

	if (proc_target_pid(target, &pid) < 0)
		return false;
	if (pid == 0)
		return true; /* self */
	path = proc_path(pid, "status");
	if (hostfs_read(h, path, &text, NULL) < 0)
		return false;
	return ids_are(text, "\nUid:", getuid()) &&
	       ids_are(text, "\nGid:", getgid());
}

static int rlimit_cap_for(const struct host *h, const struct check *c,
			  const char *value)
{
	bool hard = false;
	uint64_t now, want;

	if (!c->target || !same_credentials(h, c->target))
		return CAP_SYS_RESOURCE;
	if (rlimit_find(c->key, &hard) && hard && c->actual &&
	    limit_parse(c->actual, &now) == 0 &&
	    limit_parse(value, &want) == 0 && want > now)
		return CAP_SYS_RESOURCE;
	return -1;
}

/* The kernel keeps soft <= hard at every step: a hard limit is raised
 * before its soft limit and lowered after it. */
static int rlimit_rank(const struct check *c, const char *value)
{
	bool hard = false;
	uint64_t now, want;

	if (!rlimit_find(c->key, &hard) || !hard || !c->actual ||
	    limit_parse(c->actual, &now) < 0 || limit_parse(value, &want) < 0)
		return 1;
	return want > now ? 0 : 2;
}

static const char *rlimit_why(const char *key)
{
	const struct rlimit_desc *d = rlimit_find(key, NULL);

	return d ? d->why : NULL;
}

static const char *rlimit_ref(const char *key)
{
	return rlimit_why(key) ? "getrlimit(2), prlimit(1)" : NULL;
}

const struct check_ops rlimit_ops = {
	.name = "rlimit",
	.target = TARGET_REQUIRED,
	.cap = -1, /* cap_for decides, write by write */
	.parse_target = rlimit_parse_target,
	.parse_key = rlimit_parse_key,
	.parse_setting = rlimit_parse_setting,
	.expand = rlimit_expand,
	.read = rlimit_read,
	.write = rlimit_write,
	.match = rlimit_match,
	.plan = rlimit_plan,
	.irreversible = rlimit_irreversible,
	.cap_for = rlimit_cap_for,
	.rank = rlimit_rank,
	.rename = rlimit_rename,
	.why = rlimit_why,
	.ref = rlimit_ref,
};
