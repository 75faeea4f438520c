// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block domain: queue settings of whole disks, /sys/block/DEV/queue.
 *
 * A section names one device, or a target list of globs ([block nvme*],
 * [block *,loop*,!nvme1n1]; target.h) matched against the entries of
 * /sys/block, which lists whole disks only (never partitions; an entry with
 * a "partition" file is skipped all the same, in case a captured tree mixes
 * them in). A bare "*" is every disk backed by a device
 * (/sys/block/X/device): loop, ram, zram, dm and md devices are tuned only
 * when named or matched by another glob. The scheduler file is a choice list,
 * "[mq-deadline] kyber none": its value is the selected entry, and only an
 * entry the device offers is ever written.
 */
#include <errno.h>
#include <fnmatch.h> /* FNM_PERIOD */
#include <linux/capability.h>
#include <string.h>

#include "hosttune/check.h"
#include "hosttune/target.h"

#define BLOCK_MAX_NAME 255

extern const struct check_ops block_ops;

enum block_kind {
	BK_NUM, /* an unsigned integer within [min, max] */
	BK_CHOICE, /* one entry of the file's own choice list */
};

struct block_key {
	const char *name;
	enum block_kind kind;
	uint64_t min, max;
	const char *why;
};

static const struct block_key block_keys[] = {
	{ "scheduler", BK_CHOICE, 0, 0,
	  "I/O scheduler: none for fast NVMe, mq-deadline or bfq for disks "
	  "that gain from reordering" },
	{ "read_ahead_kb", BK_NUM, 0, UINT32_MAX,
	  "how far the kernel reads ahead of sequential readers" },
	{ "nr_requests", BK_NUM, 1, UINT32_MAX,
	  "requests the queue holds before submitters wait" },
	{ "rq_affinity", BK_NUM, 0, 2,
	  "completing I/O on the submitting CPU (2: the very same CPU)" },
	{ "add_random", BK_NUM, 0, 1,
	  "whether I/O timing feeds the entropy pool, at a cost per request" },
	{ "nomerges", BK_NUM, 0, 2,
	  "merging of adjacent requests (0 on, 1 simple only, 2 off)" },
};

static const struct block_key *block_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(block_keys); i++)
		if (!strcmp(block_keys[i].name, name))
			return &block_keys[i];
	return NULL;
}

/* A device name or glob: one path component, printable, no blanks. */
static int block_parse_name(const char *target, char **ret_err)
{
	size_t n = strlen(target);

	if (n == 0 || n > BLOCK_MAX_NAME) {
		*ret_err = xasprintf("device name must be 1 to %d bytes",
				     BLOCK_MAX_NAME);
		return -EINVAL;
	}
	if (has_control_chars(target) || strpbrk(target, "/ \t") ||
	    !strcmp(target, ".") || !strcmp(target, "..")) {
		*ret_err = xstrdup("expected a device name or glob as "
				   "/sys/block lists it (sda, nvme*), not a "
				   "path");
		return -EINVAL;
	}
	return 0;
}

static int block_parse_target(const char *target, char **ret_err)
{
	return target_list_validate(target, block_parse_name, ret_err);
}

static int block_parse_key(const char *target, const char *key, char **ret_key,
			   char **ret_err)
{
	if (!block_key_find(key)) {
		*ret_err = xasprintf("unknown key '%s' in [block] (known: "
				     "scheduler, read_ahead_kb, nr_requests, "
				     "rq_affinity, add_random, nomerges)",
				     key);
		return -EINVAL;
	}
	*ret_key = xstrdup(key);
	return 0;
}

static int block_parse_setting(const char *target, const char *key,
			       const char *value, char **ret_key,
			       struct expect *ret, char **ret_err)
{
	const struct block_key *k;
	struct expect e = { 0 };
	int r;

	r = block_parse_key(target, key, ret_key, ret_err);
	if (r < 0)
		return r;
	k = block_key_find(key);
	r = expect_parse(value, UNIT_NONE, false, &e, ret_err);
	if (r == 0)
		r = k->kind == BK_CHOICE ?
			    expect_check_choices(
				    &e,
				    "expected a scheduler name, or names "
				    "separated by '|' (first offered wins)",
				    "a scheduler name", ret_err) :
			    expect_check_bounds(&e, k->min, k->max, ret_err);
	return check_setting_parsed(r, &e, ret_key, ret, ret_err);
}

static struct check *block_check(const struct setting *s, const char *dev)
{
	struct check *c = check_new(&block_ops, dev, s->key);

	c->from_glob = !target_is_name(s->target);
	return c;
}

/* Does /sys/block/DEV have an entry of that name? */
static bool dev_has(const struct host *h, const char *dev, const char *entry)
{
	_cleanup_free_ char *p = xstrjoin("sys/block/", dev, "/", entry);
	struct stat st;

	return hostfs_stat(h, p, &st) == 0;
}

/* Partitions have a "partition" file; /sys/block should not list them. */
static bool is_partition(const struct host *h, const char *dev)
{
	return dev_has(h, dev, "partition");
}

/* What a bare "*" means: a whole disk backed by a device, not a loop, ram,
 * zram, dm or md device (those have no "device" link). */
static bool block_is_default(const struct host *h, const char *dev)
{
	return dev_has(h, dev, "device");
}

static int block_expand(const struct host *h, const struct setting *s,
			struct ptrvec *out)
{
	_cleanup_target_list_ struct target_list l = { 0 };
	_cleanup_free_ char *err = NULL;
	char **names = NULL;
	size_t n = 0, before = out->n;
	struct check *c;

	if (target_is_name(s->target)) {
		ptrvec_push(out, block_check(s, s->target));
		return 0;
	}
	if (target_list_parse(s->target, &l, &err) < 0)
		return -EINVAL;
	if (hostfs_list(h, "sys/block", &names, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (target_is_name(names[i]) &&
			    target_list_match(&l, names[i], FNM_PERIOD, h,
					      block_is_default) &&
			    !is_partition(h, names[i]))
				ptrvec_push(out, block_check(s, names[i]));
	strv_free(names, n);
	if (out->n > before)
		return 0;
	c = block_check(s, s->target);
	c->unmatched = true;
	c->detail = xstrdup("no block device matches this pattern");
	ptrvec_push(out, c);
	return 0;
}

static char *queue_path(const char *dev, const char *key)
{
	return xasprintf("sys/block/%s/queue/%s", dev, key);
}

static int block_read(const struct host *h, struct check *c)
{
	const struct block_key *k = block_key_find(c->key);
	_cleanup_free_ char *path = NULL, *value = NULL;
	mode_t mode = 0;
	int r;

	if (!k || !c->target)
		return -EINVAL;
	path = queue_path(c->target, c->key);
	r = hostfs_read(h, path, &value, &mode);
	if (r < 0)
		return r;
	c->read_only = !(mode & 0222);
	if (k->kind == BK_NUM) {
		c->actual = normalize_ws(value);
		return 0;
	}
	/* The selected entry is the value, so a snapshot records a name the
	 * kernel takes back, never the whole list; the list is what the
	 * device offers, for the shared match and plan. */
	c->actual = choice_current(value);
	c->choice = true;
	c->offered = choice_offered(value);
	return 0;
}

static int block_write(const struct host *h, const char *target,
		       const char *key, const char *value, char **ret_why)
{
	const struct block_key *k = block_key_find(key);
	_cleanup_free_ char *path = NULL, *tok = NULL, *err = NULL;
	uint64_t n;

	if (!k || !target || !target_is_name(target) ||
	    block_parse_name(target, &err) < 0)
		return -EINVAL;
	if (k->kind == BK_NUM && parse_uint64(value, k->max, &n) < 0)
		return -EINVAL;
	if (k->kind == BK_CHOICE) {
		tok = choice_current(value);
		if (!expect_token_ok(tok))
			return -EINVAL;
		value = tok;
	}
	path = queue_path(target, key);
	return hostfs_write(h, path, value);
}

static const char *block_why(const char *key)
{
	const struct block_key *k = block_key_find(key);

	return k ? k->why : NULL;
}

static int block_enumerate(const struct host *h, check_found_fn found,
			   void *ctx)
{
	struct ptrvec v = { 0 }, *out = &v;
	char **names = NULL;
	size_t n = 0;

	if (hostfs_list(h, "sys/block", &names, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *err = NULL;

		if (!target_is_name(names[i]) ||
		    block_parse_name(names[i], &err) < 0 ||
		    is_partition(h, names[i]))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(block_keys); k++)
			ptrvec_push(out, check_new(&block_ops, names[i],
						   block_keys[k].name));
	}
	strv_free(names, n);
	check_read_found(h, out, found, ctx);
	return 0;
}

static const char *block_ref(const char *key)
{
	return block_key_find(key) ? "Documentation/ABI/stable/sysfs-block" :
				     NULL;
}

const struct check_ops block_ops = {
	.name = "block",
	.target = TARGET_REQUIRED,
	.cap = CAP_SYS_ADMIN,
	.parse_target = block_parse_target,
	.parse_key = block_parse_key,
	.parse_setting = block_parse_setting,
	.expand = block_expand,
	.read = block_read,
	.write = block_write,
	.why = block_why,
	.ref = block_ref,
	.enumerate = block_enumerate,
};
