// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain in sysfs: mtu and txqueuelen of --root links, and the
 * RPS/XPS masks of every queue.
 */
#include <errno.h>
#include <string.h>

#include "net.h"

static int net_queue_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	uint64_t m = 0, n = 0;

	parse_uint64(strchr(x, '-') + 1, UINT32_MAX, &m);
	parse_uint64(strchr(y, '-') + 1, UINT32_MAX, &n);
	return m < n ? -1 : m > n;
}

/* The queues of a device ("rx-0", "rx-1", ...), in numeric order. */
static int net_queues(const struct host *h, const char *dev, const char *prefix,
		      struct ptrvec *ret)
{
	_cleanup_free_ char *dir = xasprintf("sys/class/net/%s/queues", dev);
	char **names = NULL;
	size_t n = 0;
	int r = hostfs_list(h, dir, &names, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		uint64_t q;

		if (startswith(names[i], prefix) &&
		    parse_uint64(names[i] + strlen(prefix), UINT32_MAX, &q) ==
			    0)
			ptrvec_push(ret, TAKE_PTR(names[i]));
	}
	strv_free(names, n);
	if (!ret->n)
		return -ENOENT;
	qsort(ret->v, ret->n, sizeof(void *), net_queue_cmp);
	return 0;
}

/* Is sysfs's dev the link netlink knows by that name, with the same
 * ifindex? */
static int sysfs_same_link(const struct host *h, struct net_state *st,
			   const char *dev)
{
	_cleanup_free_ char *path = NULL, *raw = NULL;
	struct net_link *l;
	uint64_t index;
	int r = net_link_get(st, dev, &l);

	if (r < 0)
		return r == -ENODEV || r == -ENOENT ? -ENOTUNIQ : r;
	path = xasprintf("sys/class/net/%s/ifindex", dev);
	r = hostfs_read(h, path, &raw, NULL);
	if (r < 0)
		return r;
	if (parse_uint64(raw, UINT32_MAX, &index) < 0 || index != l->index)
		return -ENOTUNIQ;
	return 0;
}

/* Does /sys/class/net show this network namespace? In a namespace whose
 * /sys was not mounted afresh, sysfs still shows its creator's devices,
 * and one of the same name, even the same ifindex, is not ours: its
 * queues must be neither read nor written. So the whole listing must be
 * the links netlink dumps, name for name and ifindex for ifindex. Checked
 * once a run. 0, -ENOTUNIQ (another namespace's) or -errno. */
static int sysfs_is_this_netns(const struct host *h, struct net_state *st)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	if (st->sysfs_checked)
		return st->sysfs_err;
	st->sysfs_checked = true;
	r = net_links_load(st);
	if (r == 0)
		r = hostfs_list(h, "sys/class/net", &names, &n);
	if (r == 0 && n != st->n_links)
		r = -ENOTUNIQ;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = sysfs_same_link(h, st, names[i]);
	strv_free(names, n);
	st->sysfs_err = r;
	return r;
}

/* On a live host, may dev's queues be read and written through sysfs? */
static int net_sysfs_is_ours(const struct host *h, const char *dev)
{
	struct net_state *st = check_state(h, &net_ops);
	int r;

	if (!h->live)
		return 0;
	if (!st)
		return -ENOMEM;
	r = sysfs_is_this_netns(h, st);
	return r < 0 ? r : sysfs_same_link(h, st, dev);
}

/* Every queue's mask; one value when they agree, else one per queue. */
int net_read_masks(const struct host *h, const struct net_key *k,
		   struct check *c)
{
	struct ptrvec queues = { 0 };
	struct strbuf all = { 0 };
	char *first = NULL;
	bool same = true;
	int r = net_sysfs_is_ours(h, c->target);

	if (r == -ENOTUNIQ) {
		c->status = ST_MISSING;
		c->detail = xstrdup("/sys shows another network namespace's "
				    "devices: mount a sysfs of this one to "
				    "read the queue masks");
		return 0;
	}
	if (r == 0)
		r = net_queues(h, c->target, k->queue, &queues);
	for (size_t i = 0; r == 0 && i < queues.n; i++) {
		_cleanup_free_ char *path =
			xasprintf("sys/class/net/%s/queues/%s/%s", c->target,
				  (char *)queues.v[i], k->file);
		_cleanup_free_ char *raw = NULL, *m = NULL;

		r = hostfs_read(h, path, &raw, NULL);
		if (r == 0 && net_mask_canonical(raw, &m) < 0)
			r = -EBADMSG;
		if (r < 0)
			break;
		strbuf_printf(&all, "%s%s", all.len ? " " : "", m);
		if (!first)
			first = TAKE_PTR(m);
		/* m is set: hostfs_read() returns 0 or -errno. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		else if (strcmp(first, m))
			same = false;
	}
	ptrvec_free(&queues, free);
	if (r < 0) {
		free(all.s);
		free(first);
		return r;
	}
	c->actual = same ? TAKE_PTR(first) : strbuf_take(&all);
	free(first);
	free(all.s);
	return 0;
}

int net_write_masks(const struct host *h, const struct net_key *k,
		    const char *dev, const char *value)
{
	_cleanup_free_ char *canon = NULL;
	struct ptrvec queues = { 0 }, masks = { 0 };
	char *tok, *next;
	int r;

	if (net_masks_canonical(value, &canon) < 0)
		return -EINVAL;
	for (tok = canon; *tok; tok = next) {
		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		ptrvec_push(&masks, tok);
	}
	r = net_sysfs_is_ours(h, dev);
	if (r == 0)
		r = net_queues(h, dev, k->queue, &queues);
	if (r == 0 && masks.n != 1 && masks.n != queues.n)
		r = -EINVAL; /* one mask for all, or one per queue */
	for (size_t i = 0; r == 0 && i < queues.n; i++) {
		_cleanup_free_ char *path =
			xasprintf("sys/class/net/%s/queues/%s/%s", dev,
				  (char *)queues.v[i], k->file);
		_cleanup_free_ char *m =
			net_mask_sysfs(masks.v[masks.n == 1 ? 0 : i]);

		r = hostfs_write(h, path, m);
	}
	ptrvec_free(&queues, free);
	free(masks.v);
	return r;
}

int net_read_sysfs_link(const struct host *h, const struct net_key *k,
			struct check *c)
{
	_cleanup_free_ char *path =
		xasprintf("sys/class/net/%s/%s", c->target, k->file);
	_cleanup_free_ char *raw = NULL;
	uint64_t v;
	int r = hostfs_read(h, path, &raw, NULL);

	if (r < 0)
		return r;
	if (parse_uint64(raw, UINT32_MAX, &v) < 0)
		return -EBADMSG;
	c->actual = xasprintf("%llu", (unsigned long long)v);
	return 0;
}
