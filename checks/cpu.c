// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cpu domain: frequency scaling (cpufreq, intel_pstate), energy hints,
 * idle states (cpuidle) and SMT, under /sys/devices/system/cpu.
 *
 * [cpu] covers every online CPU, [cpu LIST] the CPUs of a list such as
 * "0-3,8" (a single "cpu3" works too); a list beats [cpu] for the CPUs it
 * names, as an explicit sysctl beats a glob. Per-CPU settings have ids
 * cpu:cpuN:KEY and target "cpuN". boost and smt belong to the whole host:
 * they have no target (ids cpu:boost, cpu:smt) and are set in [cpu] only.
 *
 * governor and energy_performance_preference must be among the CPU's
 * available choices; with alternatives ("performance|balance_performance")
 * the first one the CPU offers is the one wanted.
 *
 * idle_max_latency_us = N is an upper bound: every idle state whose exit
 * latency exceeds N must be disabled; states within it are left as they
 * are. Its value as read, saved and restored is the whole picture,
 * "max=L disabled=state2,state3" (L: the deepest enabled latency), so a
 * rollback re-enables exactly the states the apply disabled.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>

#include "hosttune/check.h"
#include "hosttune/cpuset.h"

#define CPU_MAX 8191 /* the largest CONFIG_NR_CPUS is 8192 */
#define CPU_DIR "sys/devices/system/cpu"
#define IDLE_MAX_STATES 64

extern const struct check_ops cpu_ops;

enum cpu_kind {
	CK_CHOICE, /* a name from a list of available ones */
	CK_NUM, /* an unsigned integer within [min, max] */
	CK_FREQ, /* kHz; `max` is cpuinfo_max_freq */
	CK_BOOST, /* on/off, host-wide */
	CK_SMT, /* on/off, host-wide */
	CK_IDLE, /* exit latency bound over cpuidle states */
};

struct cpu_key {
	const char *name;
	enum cpu_kind kind;
	const char *file; /* below cpuN/ (below cpu/ when host-wide) */
	const char *offered; /* the file listing the choices, below cpuN/ */
	uint64_t min, max;
	const char *why;
};

static const struct cpu_key cpu_keys[] = {
	{ "governor", CK_CHOICE, "cpufreq/scaling_governor",
	  "cpufreq/scaling_available_governors", 0, 0,
	  "how the frequency follows load; performance holds it high" },
	{ "energy_performance_preference", CK_CHOICE,
	  "cpufreq/energy_performance_preference",
	  "cpufreq/energy_performance_available_preferences", 0, 0,
	  "the hint hardware P-states weigh speed against power by" },
	{ "energy_perf_bias", CK_NUM, "power/energy_perf_bias", NULL, 0, 15,
	  "the CPU's own speed/power bias: 0 performance, 15 power saving" },
	{ "min_freq_khz", CK_FREQ, "cpufreq/scaling_min_freq", NULL, 0,
	  UINT32_MAX, "the lowest frequency the governor may choose" },
	{ "max_freq_khz", CK_FREQ, "cpufreq/scaling_max_freq", NULL, 0,
	  UINT32_MAX, "the highest frequency the governor may choose" },
	{ "boost", CK_BOOST, NULL, NULL, 0, 0,
	  "turbo frequencies above the base clock, host-wide" },
	{ "idle_max_latency_us", CK_IDLE, "cpuidle", NULL, 0, UINT32_MAX,
	  "deep idle states save power but take long to wake from" },
	{ "smt", CK_SMT, "smt/control", NULL, 0, 0,
	  "simultaneous multithreading: sibling threads share a core" },
};

#define BOOST_FILE CPU_DIR "/cpufreq/boost"
#define NO_TURBO_FILE CPU_DIR "/intel_pstate/no_turbo"

static const struct cpu_key *cpu_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cpu_keys); i++)
		if (!strcmp(cpu_keys[i].name, name))
			return &cpu_keys[i];
	return NULL;
}

static bool host_wide(const struct cpu_key *k)
{
	return k->kind == CK_BOOST || k->kind == CK_SMT;
}

/* "cpu3" -> 3, the form of a check's target. */
static int cpu_target(const char *s, unsigned *ret)
{
	if (!s || !startswith(s, "cpu") || !s[3])
		return -EINVAL;
	return cpuset_parse_cpu(s + 3, CPU_MAX, ret, NULL);
}

/* A section's CPUs: a CPU list as the kernel prints one ("0-3,8"), or
 * "cpuN". */
static int cpu_list_parse(const char *s, struct cpuset *ret, char **ret_err)
{
	unsigned cpu;

	if (!startswith(s, "cpu"))
		return cpuset_parse_list(s, CPU_MAX, ret, ret_err);
	if (cpuset_parse_cpu(s + 3, CPU_MAX, &cpu, ret_err) < 0)
		return -EINVAL;
	*ret = (struct cpuset){ 0 };
	return cpuset_add(ret, cpu);
}

static int cpu_parse_target(const char *target, char **ret_err)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };

	if (!*target || has_control_chars(target) || strlen(target) > 4096) {
		*ret_err = xstrdup("expected a CPU list such as 0-3,8");
		return -EINVAL;
	}
	if (cpu_list_parse(target, &set, ret_err) < 0) {
		char *old = *ret_err;

		*ret_err =
			xasprintf("%s; expected a CPU list such as 0-3,8", old);
		free(old);
		return -EINVAL;
	}
	return 0;
}

static int key_lookup(const char *key, const struct cpu_key **ret,
		      char **ret_err)
{
	*ret = cpu_key_find(key);
	if (*ret)
		return 0;
	*ret_err = xasprintf("unknown key '%s' in [cpu] (known: governor, "
			     "energy_performance_preference, "
			     "energy_perf_bias, min_freq_khz, max_freq_khz, "
			     "boost, idle_max_latency_us, smt)",
			     key);
	return -EINVAL;
}

/* Snapshot entries: per-CPU keys name one CPU, host-wide ones none. */
static int cpu_parse_key(const char *target, const char *key, char **ret_key,
			 char **ret_err)
{
	const struct cpu_key *k;
	unsigned cpu;

	if (key_lookup(key, &k, ret_err) < 0)
		return -EINVAL;
	if (host_wide(k) && target) {
		*ret_err = xasprintf("%s is host-wide: set it in [cpu]", key);
		return -EINVAL;
	}
	if (!host_wide(k) && cpu_target(target, &cpu) < 0) {
		*ret_err = xasprintf("%s is per CPU: its section must name "
				     "one CPU, as [cpu cpu3]",
				     key);
		return -EINVAL;
	}
	*ret_key = xstrdup(key);
	return 0;
}

/* on/off (or 1/0, written back as on/off). */
static const char *onoff(const char *s)
{
	if (!strcmp(s, "on") || !strcmp(s, "1"))
		return "on";
	if (!strcmp(s, "off") || !strcmp(s, "0"))
		return "off";
	return NULL;
}

static int check_onoff(struct expect *e, char **ret_err)
{
	if (e->op != EXP_EXACT && e->op != EXP_ALT) {
		*ret_err = xstrdup("expected on or off");
		return -EINVAL;
	}
	for (int i = 0; i < e->n_alts; i++) {
		const char *v = onoff(e->alts[i]);

		if (!v) {
			*ret_err = xasprintf("expected on or off, got '%s'",
					     e->alts[i]);
			return -EINVAL;
		}
		free(e->alts[i]);
		e->alts[i] = xstrdup(v);
	}
	return 0;
}

static int check_latency(const struct cpu_key *k, const struct expect *e,
			 char **ret_err)
{
	if (e->op != EXP_EXACT ||
	    expect_check_bounds(e, k->min, k->max, ret_err) < 0) {
		free(*ret_err);
		*ret_err = xstrdup("expected a latency in microseconds: idle "
				   "states that take longer to exit are "
				   "disabled");
		return -EINVAL;
	}
	return 0;
}

static int check_value(const struct cpu_key *k, struct expect *e,
		       char **ret_err)
{
	switch (k->kind) {
	case CK_CHOICE:
		return expect_check_choices(
			e,
			"expected a name, or names separated by "
			"'|' (the first one the CPU offers wins)",
			"a valid name", ret_err);
	case CK_BOOST:
	case CK_SMT:
		return check_onoff(e, ret_err);
	case CK_IDLE:
		return check_latency(k, e, ret_err);
	default:
		return expect_check_bounds(e, k->min, k->max, ret_err);
	}
}

static int cpu_parse_setting(const char *target, const char *key,
			     const char *value, char **ret_key,
			     struct expect *ret, char **ret_err)
{
	const struct cpu_key *k;
	struct expect e = { 0 };
	int r;

	if (key_lookup(key, &k, ret_err) < 0)
		return -EINVAL;
	if (host_wide(k) && target) {
		*ret_err = xasprintf("%s is host-wide: set it in [cpu], not "
				     "[cpu %s]",
				     key, target);
		return -EINVAL;
	}
	r = expect_parse(value, UNIT_NONE, k->kind == CK_FREQ, &e, ret_err);
	if (r == 0)
		r = check_value(k, &e, ret_err);
	*ret_key = xstrdup(key);
	return check_setting_parsed(r, &e, ret_key, ret, ret_err);
}

/* The online CPUs; a tree without an "online" file (a partial capture)
 * has its cpuN directories counted instead. */
static void online_cpus(const struct host *h, struct cpuset *ret)
{
	_cleanup_free_ char *value = NULL, *norm = NULL;
	char **names = NULL;
	size_t n = 0;
	unsigned cpu;

	*ret = (struct cpuset){ 0 };
	if (hostfs_read(h, CPU_DIR "/online", &value, NULL) == 0) {
		norm = normalize_ws(value);
		if (*norm && cpuset_parse_list(norm, CPU_MAX, ret, NULL) == 0)
			return;
	}
	if (hostfs_list(h, CPU_DIR, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (cpu_target(names[i], &cpu) == 0)
			cpuset_add(ret, cpu);
	strv_free(names, n);
}

static int cpu_expand(const struct host *h, const struct setting *s,
		      struct ptrvec *out)
{
	const struct cpu_key *k = cpu_key_find(s->key);
	_cleanup_cpuset_ struct cpuset set = { 0 };
	size_t before = out->n;
	struct check *c;

	if (!k)
		return -EINVAL;
	if (host_wide(k)) {
		ptrvec_push(out, check_new(&cpu_ops, NULL, s->key));
		return 0;
	}
	if (!s->target)
		online_cpus(h, &set);
	else if (cpu_list_parse(s->target, &set, NULL) < 0)
		return -EINVAL;
	for (int cpu = cpuset_next(&set, 0); cpu >= 0;
	     cpu = cpuset_next(&set, (unsigned)cpu + 1)) {
		_cleanup_free_ char *t = xasprintf("cpu%d", cpu);

		c = check_new(&cpu_ops, t, s->key);
		c->from_glob = !s->target;
		ptrvec_push(out, c);
	}
	if (out->n > before)
		return 0;
	c = check_new(&cpu_ops, s->target, s->key);
	c->from_glob = true;
	c->unmatched = true;
	c->detail = xstrdup("no online CPU found");
	ptrvec_push(out, c);
	return 0;
}

static char *cpu_path(unsigned cpu, const char *file)
{
	return xasprintf(CPU_DIR "/cpu%u/%s", cpu, file);
}

/* One cpuidle state of one CPU. */
struct idle_state {
	unsigned index;
	uint64_t latency;
	bool disabled;
};

static int idle_read_number(const struct host *h, unsigned cpu,
			    const char *state, const char *file, uint64_t max,
			    uint64_t *ret, char **ret_err)
{
	_cleanup_free_ char *rel = NULL, *path = NULL, *value = NULL;
	_cleanup_free_ char *norm = NULL;
	int r;

	rel = xasprintf("cpuidle/%s/%s", state, file);
	path = cpu_path(cpu, rel);
	r = hostfs_read(h, path, &value, NULL);
	if (r < 0)
		return r;
	norm = normalize_ws(value);
	if (parse_uint64(norm, max, ret) < 0) {
		*ret_err = xasprintf("cpuidle %s/%s holds '%.32s', not a "
				     "value the kernel writes",
				     state, file, norm);
		return -EBADMSG;
	}
	return 0;
}

/* The idle states of a CPU, by index. -ENOENT when it has none. */
static int idle_states(const struct host *h, unsigned cpu,
		       struct idle_state *ret, size_t *ret_n, char **ret_err)
{
	_cleanup_free_ char *dir = cpu_path(cpu, "cpuidle");
	char **names = NULL;
	size_t n = 0, count = 0;
	int r;

	r = hostfs_list(h, dir, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct idle_state st;
		uint64_t idx, dis = 0;

		/* stateN as the kernel names them: no sign, no leading 0 */
		if (!startswith(names[i], "state") ||
		    (names[i][5] == '0' && names[i][6]) || names[i][5] == '+' ||
		    parse_uint64(names[i] + 5, IDLE_MAX_STATES - 1, &idx) < 0)
			continue;
		r = idle_read_number(h, cpu, names[i], "latency", UINT32_MAX,
				     &st.latency, ret_err);
		if (r == 0)
			r = idle_read_number(h, cpu, names[i], "disable", 1,
					     &dis, ret_err);
		st.index = (unsigned)idx;
		st.disabled = dis;
		if (r == 0)
			ret[count++] = st;
	}
	strv_free(names, n);
	if (r < 0)
		return r;
	if (count == 0)
		return -ENOENT;
	*ret_n = count;
	return 0;
}

/* "max=L disabled=state2,state3": the deepest enabled latency, and the
 * states disabled ("none"). */
static char *idle_format(const struct idle_state *st, size_t n)
{
	struct strbuf sb = { 0 };
	uint64_t max = 0;
	bool any = false;

	for (size_t i = 0; i < n; i++)
		if (!st[i].disabled && st[i].latency > max)
			max = st[i].latency;
	strbuf_printf(&sb, "max=%llu disabled=", (unsigned long long)max);
	/* in index order, whatever order the directory listed them in */
	for (unsigned idx = 0; idx < IDLE_MAX_STATES; idx++)
		for (size_t i = 0; i < n; i++)
			if (st[i].index == idx && st[i].disabled) {
				strbuf_printf(&sb, "%sstate%u", any ? "," : "",
					      idx);
				any = true;
			}
	if (!any)
		strbuf_puts(&sb, "none");
	return strbuf_take(&sb);
}

static int read_idle(const struct host *h, unsigned cpu, struct check *c)
{
	struct idle_state st[IDLE_MAX_STATES];
	_cleanup_free_ char *err = NULL;
	size_t n = 0;
	int r;

	r = idle_states(h, cpu, st, &n, &err);
	if (r == -EBADMSG) {
		c->status = ST_ERROR;
		c->detail = TAKE_PTR(err);
		return 0;
	}
	if (r < 0)
		return r;
	c->actual = idle_format(st, n);
	return 0;
}

/* The deepest enabled latency of a value read by read_idle. */
static int idle_max_of(const char *actual, uint64_t *ret)
{
	_cleanup_free_ char *num = NULL;
	const char *sp;

	if (!startswith(actual, "max="))
		return -EINVAL;
	sp = strchrnul(actual + 4, ' ');
	num = xstrndup(actual + 4, (size_t)(sp - actual - 4));
	return parse_uint64(num, UINT64_MAX, ret);
}

static int read_boost(const struct host *h, struct check *c)
{
	_cleanup_free_ char *value = NULL, *norm = NULL;
	bool inverted = false;
	mode_t mode = 0;
	const char *v;
	int r;

	r = hostfs_read(h, BOOST_FILE, &value, &mode);
	if (r == -ENOENT) {
		inverted = true;
		r = hostfs_read(h, NO_TURBO_FILE, &value, &mode);
	}
	if (r < 0)
		return r;
	c->read_only = !(mode & 0222);
	norm = normalize_ws(value);
	v = !strcmp(norm, "1") ? "on" : !strcmp(norm, "0") ? "off" : NULL;
	if (v && inverted)
		v = !strcmp(v, "on") ? "off" : "on";
	c->actual = v ? xstrdup(v) : TAKE_PTR(norm);
	return 0;
}

static int read_smt(const struct host *h, struct check *c)
{
	_cleanup_free_ char *value = NULL;
	mode_t mode = 0;
	int r;

	r = hostfs_read(h, CPU_DIR "/smt/control", &value, &mode);
	if (r < 0)
		return r;
	c->read_only = !(mode & 0222);
	c->actual = normalize_ws(value);
	if (!strcmp(c->actual, "notsupported") ||
	    !strcmp(c->actual, "notimplemented")) {
		c->status = ST_MISSING;
		c->detail = xasprintf("no SMT to control (smt/control: %s)",
				      c->actual);
	} else if (!strcmp(c->actual, "forceoff")) {
		c->status = ST_MANUAL;
		c->detail = xstrdup("forced off on the kernel command line "
				    "(nosmt=force): change it there and "
				    "reboot");
	}
	return 0;
}

static int read_setting_file(const struct host *h, unsigned cpu,
			     struct check *c, const struct cpu_key *k)
{
	_cleanup_free_ char *path = cpu_path(cpu, k->file), *value = NULL;
	mode_t mode = 0;
	int r;

	r = hostfs_read(h, path, &value, &mode);
	if (r < 0)
		return r;
	c->read_only = !(mode & 0222);
	c->actual = normalize_ws(value);
	if (k->kind == CK_CHOICE) {
		/* What the CPU offers, read once with the value; a CPU
		 * that does not say leaves offered NULL, and the shared
		 * code takes the profile's names on trust. */
		_cleanup_free_ char *list = NULL;

		free(path);
		path = cpu_path(cpu, k->offered);
		c->choice = true;
		if (hostfs_read(h, path, &list, NULL) == 0)
			c->offered = choice_offered(list);
	}
	if (k->kind == CK_FREQ) {
		_cleanup_free_ char *max = NULL;

		free(path);
		path = cpu_path(cpu, "cpufreq/cpuinfo_max_freq");
		if (hostfs_read(h, path, &max, NULL) == 0)
			c->max = normalize_ws(max);
	}
	return 0;
}

static int cpu_read(const struct host *h, struct check *c)
{
	const struct cpu_key *k = cpu_key_find(c->key);
	unsigned cpu;

	if (!k)
		return -EINVAL;
	if (host_wide(k))
		return c->target	   ? -EINVAL :
		       k->kind == CK_BOOST ? read_boost(h, c) :
					     read_smt(h, c);
	if (cpu_target(c->target, &cpu) < 0)
		return -EINVAL;
	if (k->kind == CK_IDLE)
		return read_idle(h, cpu, c);
	return read_setting_file(h, cpu, c, k);
}

/* The kernel keeps scaling_min_freq <= scaling_max_freq at every write:
 * a maximum is raised before the minimum is, and lowered after it. */
static int cpu_rank(const struct check *c, const char *value)
{
	uint64_t now, to;
	bool up;

	if (!c->actual || parse_uint64(c->actual, UINT64_MAX, &now) < 0 ||
	    parse_uint64(value, UINT64_MAX, &to) < 0)
		return 1;
	up = to > now;
	if (!strcmp(c->key, "max_freq_khz"))
		return up ? 0 : 2;
	if (!strcmp(c->key, "min_freq_khz"))
		return up ? 2 : 0;
	return 1;
}

/* Choice keys never reach here (check_matches handles them); the idle
 * bound is the one comparison of the domain's own. */
static bool cpu_match(const struct host *h, const struct check *c)
{
	const struct expect *e = &c->setting->expect;
	uint64_t max, bound;

	(void)h;
	if (cpu_key_find(c->key)->kind != CK_IDLE)
		return expect_match(e, c->actual, c->max);
	return idle_max_of(c->actual, &max) == 0 &&
	       parse_uint64(e->alts[0], UINT64_MAX, &bound) == 0 &&
	       max <= bound;
}

static int write_idle_state(const struct host *h, unsigned cpu, unsigned idx,
			    bool disable)
{
	_cleanup_free_ char *rel = xasprintf("cpuidle/state%u/disable", idx);
	_cleanup_free_ char *path = cpu_path(cpu, rel);

	return hostfs_write(h, path, disable ? "1" : "0");
}

/* Is state idx in "disabled=state2,state3" (or "disabled=none")? */
static int idle_listed(const char *list, unsigned idx, bool *ret)
{
	_cleanup_free_ char *name = xasprintf("state%u", idx);
	size_t n = strlen(name);

	*ret = false;
	if (!strcmp(list, "none"))
		return 0;
	for (const char *p = list; *p;) {
		const char *e = strchrnul(p, ',');
		uint64_t v;
		_cleanup_free_ char *tok = xstrndup(p, (size_t)(e - p));

		if (!startswith(tok, "state") ||
		    parse_uint64(tok + 5, IDLE_MAX_STATES - 1, &v) < 0)
			return -EINVAL;
		if ((size_t)(e - p) == n && !strncmp(p, name, n))
			*ret = true;
		p = *e ? e + 1 : e;
	}
	return 0;
}

/* Write a bound N (disable the states slower than N, leave the rest) or
 * a saved value "max=L disabled=LIST" (exactly LIST disabled). */
static int write_idle(const struct host *h, unsigned cpu, const char *value)
{
	struct idle_state st[IDLE_MAX_STATES];
	_cleanup_free_ char *err = NULL;
	const char *list = NULL;
	uint64_t bound = 0;
	size_t n = 0;
	int r;

	if (parse_uint64(value, UINT32_MAX, &bound) < 0) {
		list = strstr(value, "disabled=");
		if (!startswith(value, "max=") || !list)
			return -EINVAL;
		list += strlen("disabled=");
	}
	r = idle_states(h, cpu, st, &n, &err);
	if (r < 0)
		return r == -EBADMSG ? -EIO : r;
	for (size_t i = 0; i < n; i++) {
		bool disable = st[i].latency > bound;

		if (list && idle_listed(list, st[i].index, &disable) < 0)
			return -EINVAL;
		if (!list && !disable)
			continue; /* a bound only ever disables */
		if (disable == st[i].disabled)
			continue;
		r = write_idle_state(h, cpu, st[i].index, disable);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_boost(const struct host *h, const char *value)
{
	const char *v = onoff(value);
	struct stat st;

	if (!v)
		return -EINVAL;
	if (hostfs_stat(h, BOOST_FILE, &st) == 0)
		return hostfs_write(h, BOOST_FILE,
				    !strcmp(v, "on") ? "1" : "0");
	return hostfs_write(h, NO_TURBO_FILE, !strcmp(v, "on") ? "0" : "1");
}

static int cpu_write(const struct host *h, const char *target, const char *key,
		     const char *value, char **ret_why)
{
	const struct cpu_key *k = cpu_key_find(key);
	_cleanup_free_ char *path = NULL;
	unsigned cpu;
	uint64_t n;

	if (!k)
		return -EINVAL;
	if (k->kind == CK_BOOST)
		return target ? -EINVAL : write_boost(h, value);
	if (k->kind == CK_SMT)
		return target || !onoff(value) ?
			       -EINVAL :
			       hostfs_write(h, CPU_DIR "/smt/control",
					    onoff(value));
	if (cpu_target(target, &cpu) < 0)
		return -EINVAL;
	if (k->kind == CK_IDLE)
		return write_idle(h, cpu, value);
	if (k->kind == CK_CHOICE ? !expect_token_ok(value) :
				   parse_uint64(value, k->max, &n) < 0)
		return -EINVAL;
	path = cpu_path(cpu, k->file);
	return hostfs_write(h, path, value);
}

static const char *cpu_why(const char *key)
{
	const struct cpu_key *k = cpu_key_find(key);

	return k ? k->why : NULL;
}

static int cpu_enumerate(const struct host *h, check_found_fn found, void *ctx)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };
	struct ptrvec v = { 0 }, *out = &v;

	online_cpus(h, &set);
	for (int cpu = cpuset_next(&set, 0); cpu >= 0;
	     cpu = cpuset_next(&set, (unsigned)cpu + 1)) {
		_cleanup_free_ char *t = xasprintf("cpu%d", cpu);

		for (size_t i = 0; i < ARRAY_SIZE(cpu_keys); i++)
			if (!host_wide(&cpu_keys[i]))
				ptrvec_push(out, check_new(&cpu_ops, t,
							   cpu_keys[i].name));
	}
	for (size_t i = 0; i < ARRAY_SIZE(cpu_keys); i++)
		if (host_wide(&cpu_keys[i]))
			ptrvec_push(out, check_new(&cpu_ops, NULL,
						   cpu_keys[i].name));
	check_read_found(h, out, found, ctx);
	return 0;
}

static const char *cpu_ref(const char *key)
{
	if (!strcmp(key, "energy_performance_preference"))
		return "Documentation/admin-guide/pm/intel_pstate.rst";
	if (!strcmp(key, "energy_perf_bias"))
		return "Documentation/admin-guide/pm/intel_epb.rst";
	if (!strcmp(key, "idle_max_latency_us"))
		return "Documentation/admin-guide/pm/cpuidle.rst";
	if (!strcmp(key, "smt"))
		return "Documentation/ABI/testing/sysfs-devices-system-cpu";
	return cpu_key_find(key) ? "Documentation/admin-guide/pm/cpufreq.rst" :
				   NULL;
}

const struct check_ops cpu_ops = {
	.name = "cpu",
	.target = TARGET_OPTIONAL,
	.cap = CAP_SYS_ADMIN,
	.parse_target = cpu_parse_target,
	.parse_key = cpu_parse_key,
	.parse_setting = cpu_parse_setting,
	.expand = cpu_expand,
	.read = cpu_read,
	.write = cpu_write,
	.match = cpu_match,
	.rank = cpu_rank,
	.why = cpu_why,
	.ref = cpu_ref,
	.enumerate = cpu_enumerate,
};
