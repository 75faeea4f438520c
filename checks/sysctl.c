// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysctl domain: any key under /proc/sys.
 *
 * Keys follow systemd's sysctl.d rules: if the first separator is '/', the
 * key is a path and dots are literal ("net/ipv4/conf/eth0.100/rp_filter");
 * otherwise dots separate and a '/' stands for a literal dot
 * ("net.ipv4.conf.eth0/100.rp_filter"). The canonical key is the dotted form,
 * as sysctl(8) prints it. Globs (*, ?, [...]) match within one component.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>

#include "hosttune/check.h"
#include "hosttune/sysctl.h"

#define SYSCTL_MAX_KEY 512

extern const struct check_ops sysctl_ops;

struct sysctl_desc {
	const char *key;
	enum value_unit unit;
	const char *why;
};

/* Keys we know: byte-valued ones take size suffixes; the reasons are shown
 * when a profile gives none. This table and the two below are sorted by key
 * (strcmp) for binary search; test_sysctl_tables_sorted keeps them so. */
static const struct sysctl_desc sysctl_known[] = {
	{ "fs.file-max", UNIT_NONE, "open files system-wide" },
	{ "kernel.numa_balancing", UNIT_NONE,
	  "automatic NUMA page migration, which costs page faults" },
	{ "kernel.shmmax", UNIT_BYTES, "largest shared memory segment" },
	{ "net.core.netdev_max_backlog", UNIT_NONE,
	  "packets queued per CPU when the NIC delivers faster than the "
	  "kernel processes" },
	{ "net.core.optmem_max", UNIT_BYTES,
	  "ancillary buffer per socket (used by zerocopy and BPF)" },
	{ "net.core.rmem_default", UNIT_BYTES,
	  "default socket receive buffer" },
	{ "net.core.rmem_max", UNIT_BYTES,
	  "largest receive buffer an application may set" },
	{ "net.core.somaxconn", UNIT_NONE,
	  "longest accept queue a listening socket may ask for" },
	{ "net.core.wmem_default", UNIT_BYTES, "default socket send buffer" },
	{ "net.core.wmem_max", UNIT_BYTES,
	  "largest send buffer an application may set" },
	{ "net.ipv4.ip_local_port_range", UNIT_NONE,
	  "ports available for outgoing connections" },
	{ "net.ipv4.tcp_fastopen", UNIT_NONE,
	  "data in the SYN saves a round trip on repeat connections" },
	{ "net.ipv4.tcp_max_syn_backlog", UNIT_NONE,
	  "half-open connections remembered during a SYN burst" },
	{ "net.ipv4.tcp_notsent_lowat", UNIT_BYTES,
	  "unsent data a socket may hold before it stops being writable" },
	{ "net.ipv4.tcp_rmem", UNIT_BYTES,
	  "TCP receive buffer min, default and autotuning max" },
	{ "net.ipv4.tcp_slow_start_after_idle", UNIT_NONE,
	  "whether an idle connection restarts from a small window" },
	{ "net.ipv4.tcp_wmem", UNIT_BYTES,
	  "TCP send buffer min, default and autotuning max" },
	{ "net.ipv4.udp_rmem_min", UNIT_BYTES, "minimum UDP receive buffer" },
	{ "net.ipv4.udp_wmem_min", UNIT_BYTES, "minimum UDP send buffer" },
	{ "vm.dirty_background_bytes", UNIT_BYTES,
	  "dirty memory before background writeback starts" },
	{ "vm.dirty_background_ratio", UNIT_NONE,
	  "percent of memory dirty before background writeback starts" },
	{ "vm.dirty_bytes", UNIT_BYTES,
	  "dirty memory before writers are throttled" },
	{ "vm.dirty_ratio", UNIT_NONE,
	  "percent of memory dirty before writers are throttled" },
	{ "vm.max_map_count", UNIT_NONE, "memory mappings a process may have" },
	{ "vm.swappiness", UNIT_NONE,
	  "how readily anonymous memory is swapped rather than page cache "
	  "dropped" },
};

/* The kernel's bounds for every number of a key's value, where its
 * handler has them (proc_dointvec_minmax's extra1/extra2, or the type). */
static const struct sysctl_bound {
	const char *key;
	int64_t min, max;
} sysctl_bounds[] = {
	{ "kernel.numa_balancing", 0, 3 },
	{ "net.core.netdev_max_backlog", 0, INT32_MAX },
	{ "net.core.somaxconn", 0, INT32_MAX },
	{ "net.ipv4.ip_local_port_range", 1, 65535 },
	{ "net.ipv4.tcp_max_syn_backlog", 0, INT32_MAX },
	{ "net.ipv4.tcp_rmem", 1, INT32_MAX },
	{ "net.ipv4.tcp_slow_start_after_idle", 0, 1 },
	{ "net.ipv4.tcp_wmem", 1, INT32_MAX },
	{ "vm.dirty_background_ratio", 0, 100 },
	{ "vm.dirty_ratio", 0, 100 },
	{ "vm.max_map_count", 0, INT32_MAX },
	{ "vm.swappiness", 0, 200 },
};

/* Keys whose value is several numbers: each field takes a form of its
 * own, and a single comparison for the whole key is an input error. */
static const struct sysctl_fields {
	const char *key;
	int fields;
	const char *names;
} sysctl_multi[] = {
	{ "kernel.printk", 4, "console default minimum boot" },
	{ "kernel.sem", 4, "semmsl semmns semopm semmni" },
	{ "net.ipv4.ip_local_port_range", 2, "first last" },
	{ "net.ipv4.ping_group_range", 2, "first last" },
	{ "net.ipv4.tcp_mem", 3, "low pressure high" },
	{ "net.ipv4.tcp_rmem", 3, "min default max" },
	{ "net.ipv4.tcp_wmem", 3, "min default max" },
	{ "net.ipv4.udp_mem", 3, "low pressure high" },
	{ "net.sctp.sctp_mem", 3, "low pressure high" },
	{ "net.sctp.sctp_rmem", 3, "min default max" },
	{ "net.sctp.sctp_wmem", 3, "min default max" },
};

/* Never saved by snapshot --all: writable but not restorable state.
 * With their lengths: the walk asks about each of its 1,400 entries. */
#define VOLATILE_KEY(s)          \
	{                        \
		s, sizeof(s) - 1 \
	}
static const struct {
	const char *key;
	size_t len;
} sysctl_volatile[] = {
	VOLATILE_KEY("kernel.ns_last_pid"),
	VOLATILE_KEY("kernel.tainted"),
	/* a separate file system, not sysctls */
	VOLATILE_KEY("fs.binfmt_misc"),
};

/* Writing one key of a pair changes the other: the kernel keeps either a
 * ratio or a byte count for the dirty limits, and conf.all.forwarding (or
 * ip_forward) rewrites every interface's forwarding. */
static const struct {
	const char *key;
	const char *const companions[2];
} sysctl_companions[] = {
	{ "vm.dirty_ratio", { "vm.dirty_bytes", NULL } },
	{ "vm.dirty_bytes", { "vm.dirty_ratio", NULL } },
	{ "vm.dirty_background_ratio", { "vm.dirty_background_bytes", NULL } },
	{ "vm.dirty_background_bytes", { "vm.dirty_background_ratio", NULL } },
	{ "net.ipv4.ip_forward", { "net.ipv4.conf.*.forwarding", NULL } },
	{ "net.ipv4.conf.all.forwarding",
	  { "net.ipv4.conf.*.forwarding", NULL } },
	{ "net.ipv6.conf.all.forwarding",
	  { "net.ipv6.conf.*.forwarding", NULL } },
};

/* Capabilities some handlers check on write beyond CAP_SYS_ADMIN, which
 * every sysctl write is given: net.* handlers check CAP_NET_ADMIN (devinet
 * forwarding, for one), Yama CAP_SYS_PTRACE. */
static const struct {
	const char *prefix;
	int cap;
} sysctl_caps[] = {
	{ "net.", CAP_NET_ADMIN },
	{ "kernel.yama.", CAP_SYS_PTRACE },
};

static int sysctl_cap_for(const struct host *h, const struct check *c,
			  const char *value)
{
	(void)h;
	(void)value;
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_caps); i++)
		if (startswith(c->key, sysctl_caps[i].prefix))
			return sysctl_caps[i].cap;
	return -1;
}

static const char *const *sysctl_companions_of(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_companions); i++)
		if (!strcmp(sysctl_companions[i].key, key))
			return sysctl_companions[i].companions;
	return NULL;
}

/* bsearch(3)'s comparison for the key tables: each entry begins with
 * its key. */
static int key_cmp(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

/* The entry of key in table t (sorted by .key, its first member), or
 * NULL: every setting of a profile is looked up in three tables. */
#define TABLE_FIND(t, k)                                                       \
	((__typeof__(&(t)[0]))bsearch((k), (t), ARRAY_SIZE(t), sizeof((t)[0]), \
				      key_cmp))

/* Whether table t is sorted by .key, strictly. */
#define TABLE_SORTED(t)                                                \
	__extension__({                                                \
		bool sorted_ = true;                                   \
		for (size_t i_ = 1; i_ < ARRAY_SIZE(t); i_++)          \
			if (strcmp((t)[i_ - 1].key, (t)[i_].key) >= 0) \
				sorted_ = false;                       \
		sorted_;                                               \
	})

bool sysctl_tables_sorted(void)
{
	return TABLE_SORTED(sysctl_known) && TABLE_SORTED(sysctl_bounds) &&
	       TABLE_SORTED(sysctl_multi);
}

static const struct sysctl_desc *sysctl_find(const char *key)
{
	return TABLE_FIND(sysctl_known, key);
}

/* A key's dots and slashes exchanged in place (net.ipv4.conf.eth0/100 is
 * the path net/ipv4/conf/eth0.100, and the other way round). */
static void swap_in_place(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = '/';
		else if (*p == '/')
			*p = '.';
}

/* Swap '.' and '/': the dotted key <-> the path below /proc/sys. */
static char *swap_separators(const char *s)
{
	char *out = xstrdup(s);

	swap_in_place(out);
	return out;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Canonicalise a key as written in a profile: 0 or -EINVAL with a reason. */
int sysctl_key_parse(const char *key, char **ret_key, char **ret_err)
{
	const char *sep = strpbrk(key, "./");
	char path[SYSCTL_MAX_KEY + 1];
	size_t n = strlen(key);

	if (n > SYSCTL_MAX_KEY) {
		*ret_err = xasprintf("key too long (at most %d bytes)",
				     SYSCTL_MAX_KEY);
		return -EINVAL;
	}
	if (has_control_chars(key) || strpbrk(key, " \t")) {
		*ret_err = xstrdup("key contains blanks or control characters");
		return -EINVAL;
	}
	if (key[0] == '/' || key[0] == '.') {
		*ret_err = xstrdup("key must be relative to /proc/sys "
				   "(no leading '/' or '.')");
		return -EINVAL;
	}
	/* the path below /proc/sys, on the stack: one allocation a key */
	memcpy(path, key, n + 1);
	if (!sep || *sep != '/')
		swap_in_place(path);
	if (hostfs_path_ok(path) < 0) {
		*ret_err = xstrdup("key has an empty, '.' or '..' component");
		return -EINVAL;
	}
	*ret_key = swap_separators(path);
	return 0;
}

static int sysctl_parse_key(const char *target, const char *key, char **ret_key,
			    char **ret_err)
{
	(void)target;
	return sysctl_key_parse(key, ret_key, ret_err);
}

/* The key's file below the root ("proc/sys/net/ipv4/tcp_syncookies")
 * into path, without the two allocations it once took a key (snapshot
 * --all reads 1,300). -ENAMETOOLONG, as an open would say, for a path
 * the kernel could not open. */
static int key_path(const char *key, char path[static PATH_MAX])
{
	static const char prefix[] = "proc/sys/";
	size_t n = strlen(key), k = sizeof(prefix) - 1;

	if (k + n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(path, prefix, k);
	memcpy(path + k, key, n + 1);
	swap_in_place(path + k);
	return 0;
}

/* A multi-value key takes one form per field, as many as it has. */
static int check_width(const char *key, const struct expect *e, char **ret_err)
{
	const struct sysctl_fields *m = TABLE_FIND(sysctl_multi, key);

	if (m) {
		int n = m->fields;

		if (e->op != EXP_EXACT && e->op != EXP_ALT &&
		    e->op != EXP_FIELDS) {
			*ret_err = xasprintf(
				"a single comparison for a key of %d fields "
				"(%s): give one form per field, as in "
				"'4096 >=131072 >=16M'",
				n, m->names);
			return -EINVAL;
		}
		for (int a = 0; a < (e->n_alts ? e->n_alts : 1); a++) {
			struct expect one = *e;

			if (e->n_alts) {
				one.alts = &e->alts[a];
				one.n_alts = 1;
			}
			if (expect_width(&one) != n) {
				*ret_err = xasprintf("expected %d fields (%s), "
						     "got %d",
						     n, m->names,
						     expect_width(&one));
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int sysctl_parse_setting(const char *target, const char *key,
				const char *value, char **ret_key,
				struct expect *ret, char **ret_err)
{
	_cleanup_free_ char *canon = NULL;
	const struct sysctl_desc *d;
	int r;

	(void)target;
	r = sysctl_key_parse(key, &canon, ret_err);
	if (r < 0)
		return r;
	d = sysctl_find(canon);
	r = expect_parse(value, d ? d->unit : UNIT_NONE, false, ret, ret_err);
	if (r < 0)
		return r;
	r = check_width(canon, ret, ret_err);
	if (r == 0) {
		const struct sysctl_bound *b = TABLE_FIND(sysctl_bounds, canon);

		if (b)
			r = expect_check_bounds_signed(ret, b->min, b->max,
						       ret_err);
	}
	if (r < 0) {
		expect_free(ret);
		return r;
	}
	*ret_key = TAKE_PTR(canon);
	return 0;
}

/* The type of dir/name as its directory entry gave it, or from lstat
 * where the file system does not say (DT_UNKNOWN). */
static unsigned char entry_type(const struct host *h, const char *path,
				unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type;
	if (hostfs_lstat(h, path, &st) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR :
	       S_ISREG(st.st_mode) ? DT_REG :
	       S_ISLNK(st.st_mode) ? DT_LNK :
				     DT_UNKNOWN;
}

static void dir_truncate(struct strbuf *dir, size_t len)
{
	dir->len = len;
	dir->s[len] = '\0';
}

/* Walk the components of a pattern against the tree. */
static void expand_walk(const struct host *h, const struct setting *s,
			char **comps, size_t n, size_t i, struct strbuf *dir,
			struct ptrvec *out)
{
	struct host_dirent *ents = NULL;
	size_t nn = 0, len = dir->len;

	if (i == n) {
		_cleanup_free_ char *key = swap_separators(dir->s + 9);
		struct stat st;
		struct check *c;

		/* A pattern matches keys that exist, and keys are files. */
		if (hostfs_stat(h, dir->s, &st) < 0 || S_ISDIR(st.st_mode))
			return;
		c = check_new(s->ops, NULL, key);
		c->from_glob = true;
		ptrvec_push(out, c);
		return;
	}
	if (!is_glob(comps[i])) {
		strbuf_puts(dir, "/");
		strbuf_puts(dir, comps[i]);
		expand_walk(h, s, comps, n, i + 1, dir, out);
		dir_truncate(dir, len);
		return;
	}
	if (out->n > HOST_MAX_CHECKS ||
	    hostfs_list_typed(h, dir->s, &ents, &nn) < 0)
		return;
	for (size_t k = 0; k < nn; k++) {
		if (fnmatch(comps[i], ents[k].name, FNM_PERIOD) != 0)
			continue;
		strbuf_puts(dir, "/");
		strbuf_puts(dir, ents[k].name);
		/* a glob never matches through a symlink: /proc/sys has none,
		 * and a tree's loop would make the walk endless */
		if (entry_type(h, dir->s, ents[k].type) == DT_LNK) {
			dir_truncate(dir, len);
			continue;
		}
		expand_walk(h, s, comps, n, i + 1, dir, out);
		dir_truncate(dir, len);
	}
	host_dirents_free(ents, nn);
}

static int sysctl_expand(const struct host *h, const struct setting *s,
			 struct ptrvec *out)
{
	_cleanup_free_ char *path = NULL;
	struct strbuf dir = { 0 };
	struct ptrvec comps = { 0 };
	size_t before = out->n;
	char *p;

	if (!is_glob(s->key)) {
		ptrvec_push(out, check_new(s->ops, NULL, s->key));
		return 0;
	}
	path = swap_separators(s->key);
	for (p = path;;) {
		char *slash = strchr(p, '/');

		ptrvec_push(&comps, p);
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	strbuf_puts(&dir, "proc/sys");
	expand_walk(h, s, (char **)comps.v, comps.n, 0, &dir, out);
	free(dir.s);
	free(comps.v);
	if (out->n == before) {
		struct check *c = check_new(s->ops, NULL, s->key);

		c->from_glob = true;
		c->unmatched = true;
		c->detail = xstrdup("no key matches this pattern");
		ptrvec_push(out, c);
	}
	return 0;
}

/* A single comparison can never hold for a value of several fields, and
 * planning it would write one number where the kernel wants several: an
 * error that says why (known multi-value keys are refused at load). */
static int single_for_several(struct check *c)
{
	const struct expect *e = c->setting ? &c->setting->expect : NULL;
	struct expect probe = { .op = EXP_EXACT, .n_alts = 1 };
	int width;

	if (!e || (e->op != EXP_GE && e->op != EXP_LE && e->op != EXP_RANGE))
		return 0;
	probe.alts = &c->actual;
	width = expect_width(&probe);
	if (width <= 1)
		return 0;
	c->status = ST_ERROR;
	c->detail = xasprintf("the value has %d fields: give one form per "
			      "field",
			      width);
	return 0;
}

static int sysctl_read(const struct host *h, struct check *c)
{
	_cleanup_free_ char *value = NULL;
	char path[PATH_MAX];
	/* an audit does not ask whether a key is writable (h->no_modes):
	 * what was read is readable, and read_only stays false */
	mode_t mode = 0644;
	struct stat st;
	int r = key_path(c->key, path);

	if (r < 0)
		return r;
	r = h->writable_only ? hostfs_read_writable(h, path, &value, &mode) :
			       hostfs_read_once(h, path, &value,
						h->no_modes ? NULL : &mode);
	if (r == -EACCES || r == -EPERM) {
		if (hostfs_stat(h, path, &st) == 0 && !(st.st_mode & 0444))
			mode = st.st_mode;
		else
			return r;
	} else if (r < 0) {
		return r;
	}
	if (!(mode & 0444)) {
		c->status = ST_MANUAL;
		c->detail = xstrdup("write-only: cannot be read, so it is "
				    "neither audited nor applied");
		return 0;
	}
	c->read_only = !(mode & 0222);
	if (!value) /* read-only, and not asked for (h->writable_only) */
		return 0;
	if (h->writable_only && !c->setting) {
		/* saved as read, compared with nothing: no normalised copy
		 * (1,300 allocations of snapshot --all) */
		c->raw = TAKE_PTR(value);
		return 0;
	}
	c->actual = normalize_ws(value);
	c->raw = TAKE_PTR(value);
	return single_for_several(c);
}

static int sysctl_write(const struct host *h, const char *target,
			const char *key, const char *value, char **ret_why)
{
	char path[PATH_MAX];
	int r = key_path(key, path);

	(void)target;
	return r < 0 ? r : hostfs_write(h, path, value);
}

static const char *sysctl_why(const char *key)
{
	const struct sysctl_desc *d = sysctl_find(key);

	return d ? d->why : NULL;
}

/* The deprecated neighbour-table keys that sysctl -a leaves out, as
 * procps does (by their last component): each has a _ms twin holding
 * the same value, and the kernel logs every reading of them as the use
 * of a deprecated sysctl (ndisc_warn_deprecated_sysctl), so a walk that
 * saved them would write to the kernel log on every snapshot --all. */
static bool sysctl_is_deprecated(const char *name)
{
	return !strcmp(name, "base_reachable_time") ||
	       !strcmp(name, "retrans_time");
}

static bool sysctl_is_volatile(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_volatile); i++) {
		size_t n = sysctl_volatile[i].len;

		if (key[0] == sysctl_volatile[i].key[0] &&
		    !strncmp(key, sysctl_volatile[i].key, n) &&
		    (key[n] == '\0' || key[n] == '.'))
			return true;
	}
	return false;
}

/* Where the walk gives what it finds, and how many it gave (a tree
 * with more than HOST_MAX_CHECKS keys is cut there). */
struct walk {
	check_found_fn found;
	void *ctx;
	size_t n;
};

/* c, read while its directory is the one hostfs keeps (listed just
 * before): one lookup a directory for the listing and the values. */
static void give_read(const struct host *h, struct walk *w, struct check *c)
{
	check_read(h, c);
	w->n++;
	w->found(c, w->ctx);
}

/* Every key below dir: the directory entries' own types decide, so the
 * walk opens each directory once and stats nothing (a full /proc/sys of
 * about 1,300 keys took 3 system calls a key before, for lstat alone). */
static void enumerate_dir(const struct host *h, struct strbuf *dir,
			  struct walk *w, int depth)
{
	struct host_dirent *ents = NULL;
	size_t n = 0, len = dir->len;

	if (depth > 16 || w->n > HOST_MAX_CHECKS ||
	    hostfs_list_typed(h, dir->s, &ents, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char type;

		strbuf_puts(dir, "/");
		strbuf_puts(dir, ents[i].name);
		/* /proc/sys has no symlinks; a tree's are not followed */
		type = entry_type(h, dir->s, ents[i].type);
		if ((type == DT_DIR || type == DT_REG) &&
		    dir->len - 9 <= SYSCTL_MAX_KEY &&
		    !strpbrk(ents[i].name, " \t")) {
			char key[SYSCTL_MAX_KEY + 1];

			memcpy(key, dir->s + 9, dir->len - 9 + 1);
			swap_in_place(key);

			/* a longer key, or one with a blank (only a tree
			 * can have one: the kernel's are under 100 bytes,
			 * without blanks) is left out, as deeper ones are:
			 * a snapshot holding it could not be read back */
			if (sysctl_is_volatile(key) ||
			    (type == DT_REG &&
			     sysctl_is_deprecated(ents[i].name)))
				;
			else if (type == DT_DIR)
				enumerate_dir(h, dir, w, depth + 1);
			else
				give_read(h, w,
					  check_new(&sysctl_ops, NULL, key));
		}
		dir_truncate(dir, len);
	}
	host_dirents_free(ents, n);
}

static int sysctl_enumerate(const struct host *h, check_found_fn found,
			    void *ctx)
{
	struct walk w = { found, ctx, 0 };
	struct strbuf dir = { 0 };

	strbuf_puts(&dir, "proc/sys");
	enumerate_dir(h, &dir, &w, 0);
	free(dir.s);
	return 0;
}

/* Where each tree of keys is documented: the kernel's own text, or the man
 * page where the kernel documents a key nowhere else. */
static const struct {
	const char *prefix;
	const char *ref;
} sysctl_refs[] = {
	{ "fs.inotify.", "inotify(7)" },
	{ "fs.mqueue.", "mq_overview(7)" },
	{ "fs.", "Documentation/admin-guide/sysctl/fs.rst" },
	{ "kernel.", "Documentation/admin-guide/sysctl/kernel.rst" },
	{ "net.ipv4.", "Documentation/networking/ip-sysctl.rst" },
	{ "net.ipv6.", "Documentation/networking/ip-sysctl.rst" },
	{ "net.netfilter.",
	  "Documentation/networking/nf_conntrack-sysctl.rst" },
	{ "net.", "Documentation/admin-guide/sysctl/net.rst" },
	{ "vm.", "Documentation/admin-guide/sysctl/vm.rst" },
	{ "user.", "Documentation/admin-guide/sysctl/user.rst" },
	{ "abi.", "Documentation/admin-guide/sysctl/abi.rst" },
	{ "sunrpc.", "Documentation/admin-guide/sysctl/sunrpc.rst" },
};

static const char *sysctl_ref(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_refs); i++)
		if (!strncmp(key, sysctl_refs[i].prefix,
			     strlen(sysctl_refs[i].prefix)))
			return sysctl_refs[i].ref;
	return NULL;
}

const struct check_ops sysctl_ops = {
	.name = "sysctl",
	.target = TARGET_NONE,
	.cap = CAP_SYS_ADMIN,
	.parse_key = sysctl_parse_key,
	.fields = true,
	.optional_prefix = true,
	.parse_setting = sysctl_parse_setting,
	.expand = sysctl_expand,
	.read = sysctl_read,
	.write = sysctl_write,
	.why = sysctl_why,
	.ref = sysctl_ref,
	.companions = sysctl_companions_of,
	.cap_for = sysctl_cap_for,
	.enumerate = sysctl_enumerate,
};
