// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ethtool netlink for the net domain: the family, resolved once per run,
 * and the rings, channels and coalescing messages, whose values are
 * plain integers.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <string.h>

#include "net.h"

/* The ethtool family, resolved once per run. */
int net_ethtool(struct net_state *st, unsigned cmd)
{
	int r = 0;

	if (!st->ethtool_resolved) {
		st->ethtool_resolved = true;
		if (!st->genl)
			r = nl_open(NETLINK_GENERIC, &st->genl);
		if (r == 0)
			r = nl_genl_resolve(st->genl, ETHTOOL_GENL_NAME,
					    &st->ethtool, NULL);
		/* No ethtool netlink (an old kernel): nothing it answers
		 * exists here. */
		st->ethtool_err = r == -ENOENT ? -EOPNOTSUPP : r;
	}
	if (st->ethtool_err < 0)
		return st->ethtool_err;
	return nl_family_has_op(&st->ethtool, cmd) ? 0 : -EOPNOTSUPP;
}

/* An ethtool request for a device: the header nest, then the rest. */
struct nlmsghdr *net_ethtool_msg(void *buf, const struct net_state *st,
				 uint8_t cmd, const char *dev, uint32_t flags)
{
	struct nlmsghdr *nlh = nl_genl_msg_new(buf, st->ethtool.id, cmd,
					       ETHTOOL_GENL_VERSION, 0);
	struct nlattr *hdr = mnl_attr_nest_start(nlh, 1 /* _A_*_HEADER */);

	if (dev)
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, dev);
	if (flags)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, flags);
	mnl_attr_nest_end(nlh, hdr);
	return nlh;
}

static const enum mnl_attr_data_type rings_policy[ETHTOOL_A_RINGS_TX + 1] = {
	[ETHTOOL_A_RINGS_HEADER] = MNL_TYPE_NESTED,
	[ETHTOOL_A_RINGS_RX_MAX] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_RX_MINI_MAX] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_RX_JUMBO_MAX] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_TX_MAX] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_RX] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_RX_MINI] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_RX_JUMBO] = MNL_TYPE_U32,
	[ETHTOOL_A_RINGS_TX] = MNL_TYPE_U32,
};

static const enum mnl_attr_data_type
	channels_policy[ETHTOOL_A_CHANNELS_COMBINED_COUNT + 1] = {
		[ETHTOOL_A_CHANNELS_HEADER] = MNL_TYPE_NESTED,
		[ETHTOOL_A_CHANNELS_RX_MAX] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_TX_MAX] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_OTHER_MAX] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_COMBINED_MAX] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_RX_COUNT] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_TX_COUNT] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_OTHER_COUNT] = MNL_TYPE_U32,
		[ETHTOOL_A_CHANNELS_COMBINED_COUNT] = MNL_TYPE_U32,
	};

static const enum mnl_attr_data_type
	coalesce_policy[ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX + 1] = {
		[ETHTOOL_A_COALESCE_HEADER] = MNL_TYPE_NESTED,
		[ETHTOOL_A_COALESCE_RX_USECS] = MNL_TYPE_U32,
		[ETHTOOL_A_COALESCE_RX_MAX_FRAMES] = MNL_TYPE_U32,
		[ETHTOOL_A_COALESCE_TX_USECS] = MNL_TYPE_U32,
		[ETHTOOL_A_COALESCE_TX_MAX_FRAMES] = MNL_TYPE_U32,
		[ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX] = MNL_TYPE_U8,
		[ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX] = MNL_TYPE_U8,
	};

/* The ethtool messages whose values are plain integers. */
static const struct net_eth_msg {
	uint8_t get, set;
	const enum mnl_attr_data_type *policy;
	uint16_t max;
} net_eth_msgs[NET_ETH_KINDS] = {
	/* NOLINTNEXTLINE(misc-redundant-expression): index 0, as the others */
	[NET_RINGS - NET_RINGS] = { ETHTOOL_MSG_RINGS_GET,
				    ETHTOOL_MSG_RINGS_SET, rings_policy,
				    ETHTOOL_A_RINGS_TX },
	[NET_CHANNELS - NET_RINGS] = { ETHTOOL_MSG_CHANNELS_GET,
				       ETHTOOL_MSG_CHANNELS_SET,
				       channels_policy,
				       ETHTOOL_A_CHANNELS_COMBINED_COUNT },
	[NET_COALESCE - NET_RINGS] = { ETHTOOL_MSG_COALESCE_GET,
				       ETHTOOL_MSG_COALESCE_SET,
				       coalesce_policy,
				       ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX },
};

/* A *_GET_REPLY of rings, channels or coalescing. */
static int net_eth_parse(const struct nlmsghdr *nlh, enum net_kind kind,
			 struct net_attrs *ret)
{
	const struct net_eth_msg *m = &net_eth_msgs[kind - NET_RINGS];
	const struct nlattr *tb[64];
	struct net_attrs a = { 0 };
	int r;

	r = nl_attr_parse(nlh, GENL_HDRLEN, m->policy, m->max, tb);
	if (r < 0)
		return r;
	net_attrs_store(tb, m->policy, m->max, &a);
	*ret = a;
	return 0;
}

struct net_eth_reply {
	enum net_kind kind;
	struct net_attrs *out;
};

static int net_eth_cb(const struct nlmsghdr *nlh, void *data)
{
	struct net_eth_reply *rep = data;

	return net_eth_parse(nlh, rep->kind, rep->out);
}

struct net_attrs *net_eth_get(struct net_state *st, struct net_link *l,
			      enum net_kind kind)
{
	const struct net_eth_msg *m = &net_eth_msgs[kind - NET_RINGS];
	struct net_attrs *a = &l->eth[kind - NET_RINGS];
	struct net_eth_reply rep = { kind, a };
	char buf[NL_REQUEST_BUFFER];
	int r;

	if (a->loaded)
		return a;
	r = net_ethtool(st, m->get);
	if (r == 0)
		r = nl_request(st->genl,
			       net_ethtool_msg(buf, st, m->get, l->name, 0),
			       net_eth_cb, &rep, NULL);
	if (r == 0 && !a->loaded)
		r = -EBADMSG; /* acked without a reply */
	if (r < 0)
		*a = (struct net_attrs){ .err = r };
	a->loaded = true;
	return a;
}

/* An ethtool *_SET of one integer attribute. */
int net_eth_set(struct net_state *st, struct net_link *l,
		const struct net_key *k, uint32_t v, char **ret_msg)
{
	const struct net_eth_msg *m = &net_eth_msgs[k->kind - NET_RINGS];
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh;
	int r = net_ethtool(st, m->set);

	if (r < 0)
		return r;
	nlh = net_ethtool_msg(buf, st, m->set, l->name, 0);
	if (k->type == NET_BOOL)
		mnl_attr_put_u8(nlh, k->attr, (uint8_t)v);
	else
		mnl_attr_put_u32(nlh, k->attr, v);
	r = nl_request(st->genl, nlh, NULL, NULL, ret_msg);
	net_link_changed(l);
	return r;
}
