// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain's ops (net.h describes the domain and its files): read
 * and write dispatch by key to the files that do the work; expand, match
 * and why.
 */
#include <errno.h>
#include <linux/capability.h>
#include <net/if.h>
#include <string.h>

#include "hosttune/target.h"
#include "net.h"

static int net_read_attr(const struct net_attrs *a, const struct net_key *k,
			 struct check *c)
{
	if (a->err)
		return a->err;
	if (!net_attr_has(a, k->attr))
		return -EOPNOTSUPP; /* the device does not report it */
	if (k->max_attr && net_attr_has(a, k->max_attr)) {
		if (k->kind == NET_CHANNELS && a->v[k->max_attr] == 0)
			return -EOPNOTSUPP; /* no channels of this kind */
		if (a->v[k->max_attr])
			c->max = xasprintf("%u", a->v[k->max_attr]);
	}
	if (k->type == NET_BOOL)
		c->actual = xstrdup(a->v[k->attr] ? "on" : "off");
	else
		c->actual = xasprintf("%u", a->v[k->attr]);
	return 0;
}

static int net_read(const struct host *h, struct check *c)
{
	struct net_state *st = check_state(h, &net_ops);
	struct net_link *l;
	struct net_what w;
	int r;

	if (!st)
		return -ENOMEM;
	if (!c->target || net_what(c->key, &w) < 0)
		return -EINVAL;
	if (w.key && w.key->kind == NET_QUEUES)
		return net_read_masks(h, w.key, c);
	if (!h->live)
		return w.key && w.key->kind == NET_LINK ?
			       net_read_sysfs_link(h, w.key, c) :
			       -EOPNOTSUPP; /* only a live kernel knows */
	r = net_link_get(st, c->target, &l);
	if (r < 0)
		return r;
	if (!w.key)
		return net_read_feature(st, l, w.pattern, c);
	if (w.key->kind == NET_LINK)
		return net_read_attr(&l->attrs, w.key, c);
	return net_read_attr(net_eth_get(st, l, w.key->kind), w.key, c);
}

static int net_value_u32(const struct net_key *k, const char *value,
			 uint32_t *ret)
{
	_cleanup_free_ char *norm = normalize_ws(value);
	uint64_t v;

	if (k->type == NET_BOOL) {
		if (!net_is_onoff(norm))
			return -EINVAL;
		*ret = norm[1] == 'n';
		return 0;
	}
	if (parse_uint64(norm, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int net_write_live(struct net_state *st, const struct net_what *w,
			  const char *dev, const char *value, char **ret_msg)
{
	struct net_link *l;
	uint32_t v;
	int r = net_link_get(st, dev, &l);

	if (r < 0)
		return r;
	if (!w->key)
		return net_features_set(st, l, w->pattern, value, ret_msg);
	r = net_value_u32(w->key, value, &v);
	if (r < 0)
		return r;
	if (w->key->kind == NET_LINK)
		return net_link_set(st, l, w->key->attr, v, ret_msg);
	return net_eth_set(st, l, w->key, v, ret_msg);
}

static int net_write(const struct host *h, const char *target, const char *key,
		     const char *value, char **ret_why)
{
	struct net_state *st = check_state(h, &net_ops);
	struct net_what w;

	if (!st)
		return -ENOMEM;
	if (!target || net_what(key, &w) < 0)
		return -EINVAL;
	if (w.key && w.key->kind == NET_QUEUES)
		return net_write_masks(h, w.key, target, value);
	if (!h->live) {
		_cleanup_free_ char *path = NULL;

		if (!w.key || w.key->kind != NET_LINK)
			return -EOPNOTSUPP;
		path = xasprintf("sys/class/net/%s/%s", target, w.key->file);
		return hostfs_write(h, path, value);
	}
	return net_write_live(st, &w, target, value, ret_why);
}

/* The interfaces a target list may match: from the dump on a live host
 * (sysfs if netlink is unavailable), from sys/class/net under --root. */
static void net_names_of_host(const struct host *h, struct ptrvec *out)
{
	struct net_state *st = check_state(h, &net_ops);
	char **names = NULL;
	size_t n = 0;

	if (h->live && st && net_links_load(st) == 0) {
		for (size_t i = 0; i < st->n_links; i++)
			ptrvec_push(out, xstrdup(st->links[i]->name));
		return;
	}
	if (hostfs_list(h, "sys/class/net", &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir =
			xasprintf("sys/class/net/%s", names[i]);
		struct stat st_dir;

		if (hostfs_stat(h, dir, &st_dir) == 0 &&
		    S_ISDIR(st_dir.st_mode))
			ptrvec_push(out, TAKE_PTR(names[i]));
	}
	strv_free(names, n);
}

/* What a bare "*" means: every interface but the loopback device. */
static bool net_is_default(const struct host *h, const char *name)
{
	struct net_state *st = check_state(h, &net_ops);
	struct net_link *l;

	if (!strcmp(name, "lo"))
		return false;
	if (h->live && st && st->links_loaded &&
	    net_link_get(st, name, &l) == 0)
		return !(l->flags & IFF_LOOPBACK);
	return true;
}

static int net_expand(const struct host *h, const struct setting *s,
		      struct ptrvec *out)
{
	_cleanup_target_list_ struct target_list l = { 0 };
	_cleanup_free_ char *err = NULL;
	struct ptrvec names = { 0 };
	size_t before = out->n;
	struct check *c;

	if (target_is_name(s->target)) {
		ptrvec_push(out, check_new(s->ops, s->target, s->key));
		return 0;
	}
	if (target_list_parse(s->target, &l, &err) < 0)
		return -EINVAL;
	net_names_of_host(h, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (!target_list_match(&l, names.v[i], 0, h, net_is_default))
			continue;
		c = check_new(s->ops, names.v[i], s->key);
		c->from_glob = true;
		ptrvec_push(out, c);
	}
	ptrvec_free(&names, free);
	if (out->n == before) {
		c = check_new(s->ops, s->target, s->key);
		c->from_glob = true;
		c->unmatched = true;
		c->detail = xstrdup("no interface matches this pattern");
		ptrvec_push(out, c);
	}
	return 0;
}

static const char *net_why(const char *key)
{
	const struct net_key *k = net_key_find(key);
	const struct net_feature *f = net_feature_find(key);

	if (k)
		return k->why;
	return f ? f->why : NULL;
}

static const char *net_ref(const char *key)
{
	const struct net_key *k = net_key_find(key);

	if (k && k->file && k->queue)
		return "Documentation/networking/scaling.rst";
	if (k && (!strcmp(k->name, "mtu") || !strcmp(k->name, "txqueuelen")))
		return "ip-link(8)";
	return k || net_feature_find(key) ? "ethtool(8)" : NULL;
}

/*
 * A feature group reads "on" when every member that can change is on,
 * "off" when every one is off, and "name=on name=off ..." when they
 * disagree: that matches neither on nor off. `ethtool -k` (like the
 * kernel's legacy ETHTOOL_GTSO) calls a group on when any member is on, so
 * "tso = on" there can hide IPv4 TSO being off; an auditor must not. The
 * exact member states are what a snapshot saves.
 */

const struct check_ops net_ops = {
	.name = "net",
	.target = TARGET_REQUIRED,
	.cap = CAP_NET_ADMIN,
	.parse_target = net_parse_target,
	.parse_key = net_parse_key,
	.parse_setting = net_parse_setting,
	.open = net_open,
	.close = net_close,
	.expand = net_expand,
	.read = net_read,
	.write = net_write,
	.why = net_why,
	.ref = net_ref,
};
