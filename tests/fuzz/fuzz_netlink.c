// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink reply parsers on arbitrary bytes, taken as one recv() of a
 * reply: the messages are walked as nl_receive() walks them (with
 * nl_msg_ok(), so every message lies within what was received), errors and acks go to
 * nl_parse_error(), and each data message goes to every parser a reply
 * reaches: the generic netlink family (nl_genl_parse_family), an
 * RTM_NEWLINK link, rings, channels and coalescing, the feature names
 * string set and the features bitsets (with the names of an earlier
 * string set of the same input, as a run loads them first), then what
 * the net domain reads out of each.
 *
 * Every file of checks/net/ is included, as tests/unit/test_net.c does,
 * so the static parsers can be reached; the library's copies of them are
 * then never linked in.
 */
#include "fuzz.h"

#include "../../checks/net/keys.c"
#include "../../checks/net/links.c"
#include "../../checks/net/ethtool.c"
#include "../../checks/net/features.c"
#include "../../checks/net/queues.c"
#include "../../checks/net/net.c"

/* What a run's net state would hold after the reply. */
struct replay {
	struct net_names names;
	struct net_feature_state feat;
	struct net_link link;
	struct nl_family family;
};

static void read_attrs(const struct net_attrs *a, enum net_kind kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++) {
		struct check c = { 0 };

		if (net_keys[i].kind != kind)
			continue;
		if (net_read_attr(a, &net_keys[i], &c) == 0)
			FUZZ_ASSERT(c.actual);
		free(c.actual);
		free(c.max);
	}
}

static void read_features(const struct replay *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_features); i++) {
		char *value = NULL;
		bool fixed;

		if (net_feature_value(&r->names, &r->feat,
				      net_features[i].pattern, &value,
				      &fixed) == 0)
			FUZZ_ASSERT(value && *value);
		free(value);
	}
}

static void data_message(const struct nlmsghdr *nlh, struct replay *r)
{
	struct net_attrs eth;

	if (nl_genl_parse_family(nlh, &r->family) == 0)
		(void)nl_family_has_op(&r->family, ETHTOOL_MSG_FEATURES_GET);
	if (net_link_parse(nlh, &r->link) == 0) {
		FUZZ_ASSERT(r->link.name[0] && strlen(r->link.name) < IFNAMSIZ);
		read_attrs(&r->link.attrs, NET_LINK);
	}
	for (int kind = NET_RINGS; kind <= NET_COALESCE; kind++)
		if (net_eth_parse(nlh, kind, &eth) == 0)
			read_attrs(&eth, kind);
	(void)net_strset_parse(nlh, &r->names);
	if (net_features_parse(nlh, &r->names, &r->feat) == 0)
		read_features(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay r = { 0 };
	const struct nlmsghdr *nlh;
	size_t n = size < NL_DUMP_BUFFER ? size : NL_DUMP_BUFFER;
	/* libmnl reads a message to its aligned end; a recv() buffer (of
	 * NL_DUMP_BUFFER, a multiple of 4) always has those bytes. */
	char *buf = xcalloc(1, MNL_ALIGN(n) ? MNL_ALIGN(n) : 1);
	size_t len = n;

	memcpy(buf, data, n);
	/* nl_receive()'s walk: nl_msg_ok(), then the aligned step */
	for (nlh = (const void *)buf; nl_msg_ok(nlh, len);) {
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
		char *msg = NULL;

		if (nlh->nlmsg_type == NLMSG_ERROR ||
		    nlh->nlmsg_type == NLMSG_DONE) {
			(void)nl_parse_error(nlh, NULL);
			if (nl_parse_error(nlh, &msg) < 0 && msg)
				FUZZ_ASSERT(*msg);
			free(msg);
		} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
			data_message(nlh, &r);
		}
		if (step >= len)
			break;
		len -= step;
		nlh = (const void *)((const char *)nlh + step);
	}
	strv_free(r.names.v, r.names.n);
	net_feature_state_clear(&r.feat);
	net_feature_state_clear(&r.link.feat);
	free(buf);
	return 0;
}
