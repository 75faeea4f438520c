// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain's per-run state and its links: one RTM_GETLINK dump per
 * run, a link asked for again only after we changed it, and RTM_NEWLINK
 * to change one as ip(8) does.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

static void net_link_free(struct net_link *l)
{
	if (!l)
		return;
	net_feature_state_clear(&l->feat);
	free(l);
}

int net_open(const struct host *h, void **ret)
{
	(void)h;
	*ret = xcalloc(1, sizeof(struct net_state));
	return 0;
}

void net_close(void *v)
{
	struct net_state *st = v;

	for (size_t i = 0; i < st->n_links; i++)
		net_link_free(st->links[i]);
	free(st->links);
	strv_free(st->names, st->n_names);
	nl_close(st->rtnl);
	nl_close(st->genl);
	free(st);
}

static const enum mnl_attr_data_type link_policy[IFLA_MAX_MTU + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING, [IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_TXQLEN] = MNL_TYPE_U32,	     [IFLA_MIN_MTU] = MNL_TYPE_U32,
	[IFLA_MAX_MTU] = MNL_TYPE_U32,
};

/* Store the integer attributes of tb (per policy) in a. */
void net_attrs_store(const struct nlattr **tb,
		     const enum mnl_attr_data_type *policy, uint16_t max,
		     struct net_attrs *a)
{
	for (uint16_t i = 0; i <= max && i < 64; i++) {
		if (!tb[i])
			continue;
		if (policy[i] == MNL_TYPE_U32)
			a->v[i] = mnl_attr_get_u32(tb[i]);
		else if (policy[i] == MNL_TYPE_U8)
			a->v[i] = mnl_attr_get_u8(tb[i]);
		else
			continue;
		a->present |= UINT64_C(1) << i;
	}
	a->loaded = true;
}

bool net_attr_has(const struct net_attrs *a, uint16_t attr)
{
	return attr < 64 && (a->present & (UINT64_C(1) << attr));
}

/* An RTM_NEWLINK message: name, index, flags and the values we use. */
static int net_link_parse(const struct nlmsghdr *nlh, struct net_link *ret)
{
	const struct nlattr *tb[IFLA_MAX_MTU + 1];
	const struct ifinfomsg *ifi;
	const char *name;
	int r;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	r = nl_attr_parse(nlh, sizeof(*ifi), link_policy, IFLA_MAX_MTU, tb);
	if (r < 0)
		return r;
	if (!tb[IFLA_IFNAME])
		return -EBADMSG;
	name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (!*name || strlen(name) >= IFNAMSIZ)
		return -EBADMSG;
	*ret = (struct net_link){ .index = (uint32_t)ifi->ifi_index,
				  .flags = ifi->ifi_flags };
	memcpy(ret->name, name, strlen(name) + 1);
	net_attrs_store(tb, link_policy, IFLA_MAX_MTU, &ret->attrs);
	return 0;
}

static int net_rtnl(struct net_state *st, struct nl_sock **ret)
{
	int r = 0;

	if (!st->rtnl)
		r = nl_open(NETLINK_ROUTE, &st->rtnl);
	*ret = st->rtnl;
	return r;
}

/* An RTM_GETLINK request: a dump, or one link by index. Per-VF
 * statistics (large on SR-IOV NICs) are left out: we never use them. */
static struct nlmsghdr *net_getlink_msg(void *buf, uint32_t index)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh =
		nl_msg_new(buf, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

static int net_link_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ptrvec *links = data;
	struct net_link *l = xcalloc(1, sizeof(*l));
	int r = net_link_parse(nlh, l);

	if (r < 0) {
		free(l);
		return r == -EBADMSG ? 0 : r; /* skip what we cannot read */
	}
	ptrvec_push(links, l);
	return 0;
}

static void net_link_dump_reset(void *data)
{
	struct ptrvec *links = data;

	ptrvec_free(links, free);
}

static int net_link_cmp(const void *a, const void *b)
{
	const struct net_link *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The one dump of the run. */
int net_links_load(struct net_state *st)
{
	char buf[NL_REQUEST_BUFFER];
	struct ptrvec links = { 0 };
	struct nl_sock *s;
	int r;

	if (st->links_loaded)
		return st->links_err;
	st->links_loaded = true;
	r = net_rtnl(st, &s);
	if (r == 0)
		r = nl_dump(s, net_getlink_msg(buf, 0), net_link_dump_cb,
			    net_link_dump_reset, &links, NULL);
	if (r < 0) {
		ptrvec_free(&links, free);
		return st->links_err = r;
	}
	if (links.n > 1)
		qsort(links.v, links.n, sizeof(void *), net_link_cmp);
	st->links = (struct net_link **)links.v;
	st->n_links = links.n;
	return 0;
}

static int net_link_refresh_cb(const struct nlmsghdr *nlh, void *data)
{
	return net_link_parse(nlh, data);
}

/* Ask again for a link we changed. */
static int net_link_refresh(struct net_state *st, struct net_link *l)
{
	char buf[NL_REQUEST_BUFFER];
	struct net_link fresh = { 0 };
	struct nl_sock *s;
	int r;

	r = net_rtnl(st, &s);
	if (r == 0)
		r = nl_request(s, net_getlink_msg(buf, l->index),
			       net_link_refresh_cb, &fresh, NULL);
	if (r < 0)
		return r;
	if (strcmp(fresh.name, l->name))
		return -ENODEV; /* renamed under us */
	l->attrs = fresh.attrs;
	l->flags = fresh.flags;
	l->stale = false;
	return 0;
}

int net_link_get(struct net_state *st, const char *name, struct net_link **ret)
{
	struct net_link key = { 0 }, *kp = &key, **found;
	int r = net_links_load(st);

	if (r < 0)
		return r;
	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	memcpy(key.name, name, strlen(name) + 1);
	if (!st->n_links)
		return -ENODEV;
	found = bsearch(&kp, st->links, st->n_links, sizeof(void *),
			net_link_cmp);
	if (!found)
		return -ENODEV;
	if ((*found)->stale) {
		r = net_link_refresh(st, *found);
		if (r < 0)
			return r;
	}
	*ret = *found;
	return 0;
}

/* A change to a link: everything we knew about it must be read again. */
void net_link_changed(struct net_link *l)
{
	l->stale = true;
	for (int i = 0; i < NET_ETH_KINDS; i++)
		l->eth[i] = (struct net_attrs){ 0 };
	net_feature_state_clear(&l->feat);
}

int net_link_set(struct net_state *st, struct net_link *l, uint16_t attr,
		 uint32_t value, char **ret_msg)
{
	char buf[NL_REQUEST_BUFFER];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nl_sock *s;
	int r = net_rtnl(st, &s);

	if (r < 0)
		return r;
	nlh = nl_msg_new(buf, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)l->index;
	mnl_attr_put_u32(nlh, attr, value);
	r = nl_request(s, nlh, NULL, NULL, ret_msg);
	net_link_changed(l);
	return r;
}
