// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The numa domain: memory placement and huge pages, host-wide ([numa]) or
 * per node for huge page pools ([numa node1]).
 *
 * Transparent huge pages are choice files ("always [madvise] never"): the
 * value is the selected entry and only an entry the kernel offers is
 * written. A kernel command line that sets transparent_hugepage= pins the
 * policy the host was booted for: both THP checks are then reported
 * `manual` and never written.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>

#include "hosttune/check.h"

#define NUMA_MAX_NODE 1023 /* MAX_NUMNODES is at most 1024 */
#define THP_DIR "sys/kernel/mm/transparent_hugepage"

extern const struct check_ops numa_ops;

enum numa_kind {
	NK_NUM, /* an unsigned integer within [min, max] */
	NK_CHOICE, /* one entry of the file's own choice list */
	NK_HUGEPAGES, /* nr_hugepages of one page size, host or node */
};

struct numa_key {
	const char *name;
	enum numa_kind kind;
	const char *path; /* host-wide file; NULL for huge pages */
	uint64_t min, max;
	const char *why;
};

static const struct numa_key numa_keys[] = {
	{ "balancing", NK_NUM, "proc/sys/kernel/numa_balancing", 0, 3,
	  "automatic NUMA page migration, which costs page faults" },
	{ "zone_reclaim_mode", NK_NUM, "proc/sys/vm/zone_reclaim_mode", 0, 7,
	  "reclaiming on the local node before allocating on a remote one" },
	{ "transparent_hugepage", NK_CHOICE, THP_DIR "/enabled", 0, 0,
	  "transparent huge pages: fewer TLB misses against allocation "
	  "stalls and bloat" },
	{ "transparent_hugepage_defrag", NK_CHOICE, THP_DIR "/defrag", 0, 0,
	  "whether a fault stalls to compact memory for a huge page" },
	{ "ksm", NK_NUM, "sys/kernel/mm/ksm/run", 0, 2,
	  "kernel same-page merging: memory saved for CPU spent scanning" },
	{ "hugepages_2048kB", NK_HUGEPAGES, NULL, 0, INT64_MAX,
	  "2 MiB huge pages reserved for applications that map them" },
	{ "hugepages_1048576kB", NK_HUGEPAGES, NULL, 0, INT64_MAX,
	  "1 GiB huge pages reserved for applications that map them" },
};

static const struct numa_key *numa_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(numa_keys); i++)
		if (!strcmp(numa_keys[i].name, name))
			return &numa_keys[i];
	return NULL;
}

/* "node12" -> 12; no sign, no leading zero, at most NUMA_MAX_NODE. */
static int node_parse(const char *s, uint64_t *ret)
{
	if (!startswith(s, "node") || (s[4] == '0' && s[5]))
		return -EINVAL;
	return parse_uint64(s + 4, NUMA_MAX_NODE, ret) < 0 || s[4] == '+' ?
		       -EINVAL :
		       0;
}

static int numa_parse_target(const char *target, char **ret_err)
{
	uint64_t n;

	if (node_parse(target, &n) < 0) {
		*ret_err = xasprintf("expected a NUMA node as nodeN (node0 to "
				     "node%d)",
				     NUMA_MAX_NODE);
		return -EINVAL;
	}
	return 0;
}

static int numa_parse_key(const char *target, const char *key, char **ret_key,
			  char **ret_err)
{
	const struct numa_key *k = numa_key_find(key);

	if (!k) {
		*ret_err = xasprintf("unknown key '%s' in [numa] (known: "
				     "balancing, zone_reclaim_mode, "
				     "transparent_hugepage, "
				     "transparent_hugepage_defrag, "
				     "hugepages_2048kB, hugepages_1048576kB, "
				     "ksm)",
				     key);
		return -EINVAL;
	}
	if (target && k->kind != NK_HUGEPAGES) {
		*ret_err = xasprintf("%s is host-wide: set it in [numa], not "
				     "[numa %s]",
				     key, target);
		return -EINVAL;
	}
	*ret_key = xstrdup(key);
	return 0;
}

static int numa_parse_setting(const char *target, const char *key,
			      const char *value, char **ret_key,
			      struct expect *ret, char **ret_err)
{
	const struct numa_key *k;
	struct expect e = { 0 };
	int r;

	r = numa_parse_key(target, key, ret_key, ret_err);
	if (r < 0)
		return r;
	k = numa_key_find(key);
	r = expect_parse(value, UNIT_NONE, false, &e, ret_err);
	if (r == 0)
		r = k->kind == NK_CHOICE ?
			    expect_check_choices(
				    &e,
				    "expected a mode (always, madvise, "
				    "never, ...), or modes separated by '|' "
				    "(first offered wins)",
				    "a mode", ret_err) :
			    expect_check_bounds(&e, k->min, k->max, ret_err);
	return check_setting_parsed(r, &e, ret_key, ret, ret_err);
}

static int numa_expand(const struct host *h, const struct setting *s,
		       struct ptrvec *out)
{
	ptrvec_push(out, check_new(&numa_ops, s->target, s->key));
	return 0;
}

/* The file behind a key; NULL for a key or target that is not valid. */
static char *numa_path(const char *target, const char *key)
{
	const struct numa_key *k = numa_key_find(key);
	const char *size;
	uint64_t node;

	if (!k || (target && k->kind != NK_HUGEPAGES))
		return NULL;
	if (k->kind != NK_HUGEPAGES)
		return xstrdup(k->path);
	size = key + strlen("hugepages_"); /* "2048kB" */
	if (!target)
		return xasprintf("sys/kernel/mm/hugepages/hugepages-%s/"
				 "nr_hugepages",
				 size);
	if (node_parse(target, &node) < 0)
		return NULL;
	return xasprintf("sys/devices/system/node/%s/hugepages/hugepages-%s/"
			 "nr_hugepages",
			 target, size);
}

/* The transparent_hugepage= option of the kernel command line, or NULL.
 * Arguments after "--" belong to init; a quoted value may hold blanks. */
static char *cmdline_thp(const struct host *h)
{
	static const char opt[] = "transparent_hugepage=";
	_cleanup_free_ char *cmdline = NULL;
	char *p;

	if (hostfs_read(h, "proc/cmdline", &cmdline, NULL) < 0)
		return NULL;
	for (p = cmdline; *p;) {
		char *start, *end;
		bool quoted = false;

		p += strspn(p, " \t\n");
		start = p;
		for (end = p; *end; end++) {
			if (*end == '"')
				quoted = !quoted;
			else if (!quoted && strchr(" \t\n", *end))
				break;
		}
		if (end - start == 2 && !strncmp(start, "--", 2))
			return NULL;
		if ((size_t)(end - start) > sizeof(opt) - 1 &&
		    !strncmp(start, opt, sizeof(opt) - 1))
			return xstrndup(start, (size_t)(end - start));
		p = end;
	}
	return NULL;
}

/* The selected entry is the value; the list is what the kernel offers,
 * for the shared match and plan. */
static void read_choice(const struct host *h, struct check *c,
			const char *value)
{
	_cleanup_free_ char *pinned = cmdline_thp(h);

	c->actual = choice_current(value);
	c->choice = true;
	c->offered = choice_offered(value);
	/* transparent_hugepage= on the command line only sets the boot
	 * default of a file apply can write: never manual, but say so */
	if (pinned)
		c->detail = xasprintf("the kernel command line sets the boot "
				      "default (%s)",
				      pinned);
}

static int numa_read(const struct host *h, struct check *c)
{
	const struct numa_key *k = numa_key_find(c->key);
	_cleanup_free_ char *path = numa_path(c->target, c->key);
	_cleanup_free_ char *value = NULL;
	mode_t mode = 0;
	int r;

	if (!k || !path)
		return -EINVAL;
	/* a sysctl answers its whole value to the first read; sysfs files
	 * say their size, so one read does for both (hostfs.h) */
	r = strncmp(path, "proc/sys/", 9) ?
		    hostfs_read(h, path, &value, &mode) :
		    hostfs_read_once(h, path, &value, &mode);
	if (r < 0)
		return r;
	c->read_only = !(mode & 0222);
	if (k->kind == NK_CHOICE)
		read_choice(h, c, value);
	else
		c->actual = normalize_ws(value);
	return 0;
}

static int numa_write(const struct host *h, const char *target, const char *key,
		      const char *value, char **ret_why)
{
	const struct numa_key *k = numa_key_find(key);
	_cleanup_free_ char *path = numa_path(target, key), *tok = NULL;
	uint64_t n;

	if (!k || !path)
		return -EINVAL;
	if (k->kind == NK_CHOICE) {
		tok = choice_current(value);
		if (!expect_token_ok(tok))
			return -EINVAL;
		value = tok;
	} else if (parse_uint64(value, k->max, &n) < 0) {
		return -EINVAL;
	}
	return hostfs_write(h, path, value);
}

static const char *numa_why(const char *key)
{
	const struct numa_key *k = numa_key_find(key);

	return k ? k->why : NULL;
}

static void push_all(struct ptrvec *out, const char *target, bool host)
{
	for (size_t i = 0; i < ARRAY_SIZE(numa_keys); i++)
		if (host || numa_keys[i].kind == NK_HUGEPAGES)
			ptrvec_push(out, check_new(&numa_ops, target,
						   numa_keys[i].name));
}

static int numa_enumerate(const struct host *h, check_found_fn found, void *ctx)
{
	struct ptrvec v = { 0 }, *out = &v;
	char **names = NULL;
	size_t n = 0;

	push_all(out, NULL, true);
	/* without a node list, the host-wide settings alone */
	if (hostfs_list(h, "sys/devices/system/node", &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			uint64_t node;

			if (node_parse(names[i], &node) == 0)
				push_all(out, names[i], false);
		}
		strv_free(names, n);
	}
	check_read_found(h, out, found, ctx);
	return 0;
}

static const char *numa_ref(const char *key)
{
	if (!strcmp(key, "balancing"))
		return "Documentation/admin-guide/sysctl/kernel.rst";
	if (!strcmp(key, "zone_reclaim_mode"))
		return "Documentation/admin-guide/sysctl/vm.rst";
	if (!strncmp(key, "transparent_hugepage", 20))
		return "Documentation/admin-guide/mm/transhuge.rst";
	if (!strncmp(key, "hugepages_", 10))
		return "Documentation/admin-guide/mm/hugetlbpage.rst";
	if (!strcmp(key, "ksm"))
		return "Documentation/admin-guide/mm/ksm.rst";
	return NULL;
}

const struct check_ops numa_ops = {
	.name = "numa",
	.target = TARGET_OPTIONAL,
	.cap = CAP_SYS_ADMIN,
	.parse_target = numa_parse_target,
	.parse_key = numa_parse_key,
	.parse_setting = numa_parse_setting,
	.expand = numa_expand,
	.read = numa_read,
	.write = numa_write,
	.why = numa_why,
	.ref = numa_ref,
	.enumerate = numa_enumerate,
};
