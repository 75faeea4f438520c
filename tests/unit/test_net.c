// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain: keys and values, the parsing of RTM_NEWLINK and ethtool
 * replies recorded from a real kernel with a veth pair
 * (tests/fixtures/net-replies, see record.c there), ring and coalescing
 * replies built here per the kernel's attribute layout (veth has
 * neither), the messages we send, and the --root mode on a fixture tree.
 * Every file of checks/net/ is included so their static parsers can be
 * reached; the library's copies of them are then never linked in.
 */
#include <errno.h>
#include <libgen.h>
#include <string.h>

#include "unit.h"

#include "fixture.c.inc"

#include "../../checks/net/keys.c"
#include "../../checks/net/links.c"
#include "../../checks/net/ethtool.c"
#include "../../checks/net/features.c"
#include "../../checks/net/queues.c"
#include "../../checks/net/net.c"

#define ROOT_FIXTURE "net-root"

/* ---- helpers ---- */

struct blob {
	char *data;
	size_t len;
};

static struct blob load(const char *name)
{
	char *path = xasprintf("%s/net-replies/%s", fixtures_dir(), name);
	struct blob b = { 0 };

	assert_int_equal(read_file_limited(path, 1 << 20, &b.data, &b.len), 0);
	free(path);
	return b;
}

/* The first message of a reply that is not a control message. */
static const struct nlmsghdr *first_data(const struct blob *b)
{
	const struct nlmsghdr *nlh = (const void *)b->data;
	int len = (int)b->len;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			return nlh;
	fail_msg("no data message");
	return NULL;
}

static struct net_names recorded_names(void)
{
	struct blob b = load("strset-features.bin");
	struct net_names names = { 0 };

	assert_int_equal(net_strset_parse(first_data(&b), &names), 0);
	free(b.data);
	return names;
}

static struct net_feature_state recorded_features(const char *file,
						  const struct net_names *n)
{
	struct blob b = load(file);
	struct net_feature_state f = { 0 };

	assert_int_equal(net_features_parse(first_data(&b), n, &f), 0);
	free(b.data);
	return f;
}

static struct check *check_for(const char *target, const char *key)
{
	return check_new(&net_ops, target, key);
}

static void parse_ok(const char *key, const char *value, const char *canon,
		     const char *alt0)
{
	char *ret_key = NULL, *err = NULL;
	struct expect e;

	if (net_parse_setting("eth0", key, value, &ret_key, &e, &err) < 0)
		fail_msg("%s = %s: %s", key, value, err);
	assert_string_equal(ret_key, canon);
	if (alt0) {
		assert_true(e.n_alts > 0);
		assert_string_equal(e.alts[0], alt0);
	}
	free(ret_key);
	expect_free(&e);
}

static void parse_bad(const char *key, const char *value, const char *needle)
{
	char *ret_key = NULL, *err = NULL;
	struct expect e;

	assert_int_equal(net_parse_setting("eth0", key, value, &ret_key, &e,
					   &err),
			 -EINVAL);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("%s = %s: '%s' lacks '%s'", key, value, err, needle);
	assert_null(ret_key);
	free(err);
}

/* ---- targets, keys and values ---- */

static void test_targets(void **state)
{
	const char *good[] = {
		"eth0", "eth*", "v[ab]?", "*", "eth0.100", "enp0s31f6",
		"a-very-long-glob-pattern-*", "en*,!enp0s31f6", "*,lo",
		/* IFNAMSIZ is each element's limit */
		"abcdefghijklmno,abcdefghijklmno,abcdefghijklmno",
		"a-very-long-glob-pattern-*,!abcdefghijklmno"
	};
	const char *bad[] = { "",
			      "a/b",
			      "eth0:1",
			      "a b",
			      ".",
			      "..",
			      "abcdefghijklmnop",
			      "tab\there",
			      "a,,b",
			      ",eth0",
			      "!eth0",
			      "eth*,!",
			      "eth0,abcdefghijklmnop",
			      "eth*,!a/b",
			      "eth0, eth1" };
	char *err = NULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_int_equal(net_parse_target(good[i], &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(net_parse_target(bad[i], &err), -EINVAL);
		assert_non_null(err);
		free(err);
		err = NULL;
	}
}

static void test_key_names(void **state)
{
	static const char *const pairs[][2] = {
		{ "mtu", "mtu" },
		{ "tx_queue_len", "txqueuelen" },
		{ "gro", "gro" },
		{ "rx-gro", "gro" },
		{ "generic-receive-offload", "gro" },
		{ "tx-generic-segmentation", "gso" },
		{ "rx-lro", "lro" },
		{ "tx", "tx-checksum" },
		{ "tx-checksumming", "tx-checksum" },
		{ "rx-checksumming", "rx-checksum" },
		{ "tcp-segmentation-offload", "tso" },
		{ "tx-tcp6-segmentation", "tx-tcp6-segmentation" },
		{ "tx-checksum-ip-generic", "tx-checksum-ip-generic" },
		{ "combined-channels", "combined-channels" },
		{ "rps-cpus", "rps-cpus" },
	};
	char *key = NULL, *err = NULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		assert_int_equal(net_parse_key("eth0", pairs[i][0], &key, &err),
				 0);
		assert_string_equal(key, pairs[i][1]);
		free(key);
	}
	assert_int_equal(net_parse_key("eth0", "rx-gor", &key, &err), -EINVAL);
	assert_string_equal(err, "unknown net key 'rx-gor'");
	free(err);
}

static void test_values(void **state)
{
	(void)state;
	parse_ok("mtu", "9K", "mtu", "9216");
	parse_ok("mtu", "max", "mtu", NULL);
	parse_ok("mtu", ">=1500", "mtu", NULL);
	parse_ok("rx-ring", "max", "rx-ring", NULL);
	parse_ok("combined-channels", "max", "combined-channels", NULL);
	parse_ok("txqueuelen", "10000", "txqueuelen", "10000");
	parse_ok("rx-gro", "on", "gro", "on");
	parse_ok("tso", "off|on", "tso", "off");
	parse_ok("adaptive-rx", "on", "adaptive-rx", "on");
	parse_ok("rps-cpus", "0000,000F", "rps-cpus", "f");
	parse_ok("rps-cpus", "0x30", "rps-cpus", "30");
	parse_ok("xps-cpus", "00000000,00000000", "xps-cpus", "0");
	parse_ok("rps-cpus", "3 0001", "rps-cpus", "3 1");

	parse_bad("txqueuelen", "max", "no maximum");
	parse_bad("rx-usecs", "max", "no maximum");
	parse_bad("gro", "yes", "'on' or 'off'");
	parse_bad("gro", ">=1", "'on' or 'off'");
	parse_bad("mtu", "-1", "integer");
	parse_bad("mtu", "4294967296", "integer");
	parse_bad("txqueuelen", ">=4294967296", "out of range");
	parse_bad("rx-usecs", "fast", "integer");
	parse_bad("rps-cpus", "xyz", "CPU mask");
	parse_bad("rps-cpus", ">=3", "exact value");
	parse_bad("bogus", "1", "unknown net key");
}

static void test_masks(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(net_mask_canonical("00000000,00000003", &s), 0);
	assert_string_equal(s, "3");
	free(s);
	assert_int_equal(net_mask_canonical("0", &s), 0);
	assert_string_equal(s, "0");
	free(s);
	assert_int_equal(net_mask_canonical("ff,0000ABCD", &s), 0);
	assert_string_equal(s, "ff0000abcd");
	assert_int_equal(net_mask_canonical("", &s), -EINVAL);
	assert_int_equal(net_mask_canonical("0x", &s), -EINVAL);
	assert_int_equal(net_mask_canonical("12g", &s), -EINVAL);
	free(s);
	s = net_mask_sysfs("ff0000abcd");
	assert_string_equal(s, "ff,0000abcd");
	free(s);
	s = net_mask_sysfs("3");
	assert_string_equal(s, "3");
	free(s);
	s = net_mask_sysfs("1234567812345678");
	assert_string_equal(s, "12345678,12345678");
	free(s);
	/* commas separate the kernel's 32-bit groups, as bitmap_parse reads
	 * them: "f,f" is CPUs 0-3 and 32-35 (it once read as "ff") */
	assert_int_equal(net_mask_canonical("f,f", &s), 0);
	assert_string_equal(s, "f0000000f");
	free(s);
	assert_int_equal(net_mask_canonical(",f", &s), -EINVAL);
	assert_int_equal(net_mask_canonical("123456789,0", &s), -EINVAL);
}

/* ---- rtnetlink ---- */

static void test_link_dump(void **state)
{
	struct blob b = load("link-dump.bin");
	const struct nlmsghdr *nlh = (const void *)b.data;
	int len = (int)b.len, links = 0, done = 0;
	bool va0 = false, lo = false;

	(void)state;
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		struct net_link l;

		if (nlh->nlmsg_type == NLMSG_DONE) {
			done++;
			continue;
		}
		assert_int_equal(net_link_parse(nlh, &l), 0);
		links++;
		if (!strcmp(l.name, "va0")) {
			va0 = true;
			assert_true(net_attr_has(&l.attrs, IFLA_MTU));
			assert_int_equal(l.attrs.v[IFLA_MTU], 1500);
			assert_int_equal(l.attrs.v[IFLA_MAX_MTU], 65535);
			assert_int_equal(l.attrs.v[IFLA_TXQLEN], 1000);
			assert_false(l.flags & IFF_LOOPBACK);
		}
		if (!strcmp(l.name, "lo")) {
			lo = true;
			assert_true(l.flags & IFF_LOOPBACK);
		}
	}
	assert_int_equal(links, 3);
	assert_int_equal(done, 1);
	assert_true(va0 && lo);
	free(b.data);
}

static void test_link_read(void **state)
{
	struct blob b = load("link-dump.bin");
	const struct nlmsghdr *nlh = (const void *)b.data;
	int len = (int)b.len;
	struct net_link l = { 0 };
	struct check *c = check_for("va0", "mtu");

	(void)state;
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == RTM_NEWLINK &&
		    net_link_parse(nlh, &l) == 0 && !strcmp(l.name, "va0"))
			break;
	assert_int_equal(net_read_attr(&l.attrs, net_key_find("mtu"), c), 0);
	assert_string_equal(c->actual, "1500");
	assert_string_equal(c->max, "65535");
	check_free(c);
	c = check_for("va0", "txqueuelen");
	assert_int_equal(net_read_attr(&l.attrs, net_key_find("txqueuelen"), c),
			 0);
	assert_string_equal(c->actual, "1000");
	assert_null(c->max);
	check_free(c);
	free(b.data);
}

static void test_link_malformed(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh;
	struct net_link l;

	(void)state;
	/* No name. */
	nlh = nl_msg_new(buf, RTM_NEWLINK, 0, sizeof(struct ifinfomsg), NULL);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	assert_int_equal(net_link_parse(nlh, &l), -EBADMSG);
	/* A name longer than IFNAMSIZ. */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "abcdefghijklmnopq");
	assert_int_equal(net_link_parse(nlh, &l), -EBADMSG);
	/* A u32 that is not four bytes. */
	nlh = nl_msg_new(buf, RTM_NEWLINK, 0, sizeof(struct ifinfomsg), NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
	assert_int_equal(net_link_parse(nlh, &l), -EBADMSG);
	/* Not a link at all, or shorter than its header. */
	nlh = nl_msg_new(buf, RTM_NEWADDR, 0, sizeof(struct ifinfomsg), NULL);
	assert_int_equal(net_link_parse(nlh, &l), -EBADMSG);
	nlh = nl_msg_new(buf, RTM_NEWLINK, 0, 4, NULL);
	assert_int_equal(net_link_parse(nlh, &l), -EBADMSG);
}

static void test_getlink_request(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh = net_getlink_msg(buf, 7);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	bool mask = false;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_family, AF_UNSPEC);
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) if (mnl_attr_get_type(a) ==
						    IFLA_EXT_MASK)
	{
		mask = true;
		assert_int_equal(mnl_attr_get_u32(a), RTEXT_FILTER_SKIP_STATS);
	}
	assert_true(mask);
}

/* ---- ethtool: features ---- */

static const char *feature_value(const struct net_names *n,
				 const struct net_feature_state *f,
				 const char *key, bool *fixed)
{
	static char *v;
	struct net_what w;

	free(v);
	v = NULL;
	assert_int_equal(net_what(key, &w), 0);
	assert_int_equal(net_feature_value(n, f, w.pattern, &v, fixed), 0);
	return v;
}

static void test_features_recorded(void **state)
{
	struct net_names n = recorded_names();
	struct net_feature_state f = recorded_features("features-va0.bin", &n);
	bool fixed;

	(void)state;
	assert_true(n.n > 60);
	assert_string_equal(n.v[net_name_index(&n, "rx-gro")], "rx-gro");
	/* As ethtool -k va0 showed when it was recorded. */
	assert_string_equal(feature_value(&n, &f, "gro", &fixed), "off");
	assert_false(fixed);
	assert_string_equal(feature_value(&n, &f, "tso", &fixed), "on");
	assert_false(fixed);
	assert_string_equal(feature_value(&n, &f, "tx-checksum", &fixed), "on");
	assert_false(fixed);
	assert_string_equal(feature_value(&n, &f, "lro", &fixed), "off");
	assert_true(fixed);
	assert_string_equal(feature_value(&n, &f, "tx-checksum-ipv4", &fixed),
			    "off");
	assert_true(fixed);
	assert_string_equal(feature_value(&n, &f, "rxvlan", &fixed), "on");
	net_feature_state_clear(&f);
	strv_free(n.v, n.n);
}

/* The bit-by-bit form says the same as the compact one. */
static void test_features_verbose(void **state)
{
	struct net_names n = recorded_names();
	struct net_feature_state c = recorded_features("features-va0.bin", &n);
	struct net_feature_state v =
		recorded_features("features-va0-verbose.bin", &n);

	(void)state;
	for (uint32_t i = 0; i < n.n; i++) {
		assert_int_equal(net_bit(&c.active, i), net_bit(&v.active, i));
		assert_int_equal(net_bit(&c.hw, i), net_bit(&v.hw, i));
		assert_int_equal(net_bit(&c.nochange, i),
				 net_bit(&v.nochange, i));
	}
	net_feature_state_clear(&c);
	net_feature_state_clear(&v);
	strv_free(n.v, n.n);
}

/* Names a test controls: two members of tso and one of gro. */
static char *test_names_v[] = { "tx-tcp-segmentation", "tx-tcp6-segmentation",
				"rx-gro", "rx-lro" };
static const struct net_names test_names = { test_names_v, 4 };

static struct net_feature_state test_state(unsigned active)
{
	struct net_feature_state f = { .loaded = true };

	for (uint32_t i = 0; i < 3; i++)
		net_bit_set(&f.hw, i); /* rx-lro is fixed */
	for (uint32_t i = 0; i < 4; i++)
		if (active & (1u << i))
			net_bit_set(&f.active, i);
	return f;
}

static void test_feature_groups(void **state)
{
	struct net_feature_state f = test_state(0x1 | 0x8);
	struct ptrvec which = { 0 };
	struct strbuf on = { 0 };
	bool fixed;

	(void)state;
	/* Members disagree: each one, so a rollback restores both. */
	assert_string_equal(feature_value(&test_names, &f, "tso", &fixed),
			    "tx-tcp-segmentation=on tx-tcp6-segmentation=off");
	assert_string_equal(feature_value(&test_names, &f, "lro", &fixed),
			    "on");
	assert_true(fixed);

	/* "off": every changeable member. */
	assert_int_equal(net_feature_plan(&test_names, &f,
					  "tx-tcp*-segmentation", "off", &which,
					  &on),
			 0);
	assert_int_equal(which.n, 2);
	assert_string_equal(on.s, "00");
	ptrvec_free(&which, NULL);
	free(on.s);
	on = (struct strbuf){ 0 };

	/* The list form, as a snapshot holds it. */
	assert_int_equal(net_feature_plan(&test_names, &f,
					  "tx-tcp*-segmentation",
					  "tx-tcp-segmentation=on "
					  "tx-tcp6-segmentation=off",
					  &which, &on),
			 0);
	assert_string_equal(which.v[1], "tx-tcp6-segmentation");
	assert_string_equal(on.s, "10");
	ptrvec_free(&which, NULL);
	free(on.s);
	on = (struct strbuf){ 0 };

	/* Not a member, not changeable, or not on/off: refused. */
	assert_int_equal(net_feature_plan(&test_names, &f,
					  "tx-tcp*-segmentation", "rx-gro=on",
					  &which, &on),
			 -EINVAL);
	ptrvec_free(&which, NULL);
	assert_int_equal(net_feature_plan(&test_names, &f, "rx-lro",
					  "rx-lro=on", &which, &on),
			 -EINVAL);
	ptrvec_free(&which, NULL);
	assert_int_equal(net_feature_plan(&test_names, &f, "rx-lro", "on",
					  &which, &on),
			 -EOPNOTSUPP);
	ptrvec_free(&which, NULL);
	assert_int_equal(net_feature_plan(&test_names, &f, "rx-gro",
					  "rx-gro=maybe", &which, &on),
			 -EINVAL);
	ptrvec_free(&which, NULL);
	free(on.s);
	net_feature_state_clear(&f);
}

static void test_feature_unknown_to_kernel(void **state)
{
	struct net_feature_state f = test_state(0);
	char *v = NULL;
	bool fixed;

	(void)state;
	assert_int_equal(net_feature_value(&test_names, &f, "tx-checksum-*", &v,
					   &fixed),
			 -EOPNOTSUPP);
	assert_null(v);
	net_feature_state_clear(&f);
}

/* A fixed feature that already has the wanted value is simply ok. */
static void test_fixed_feature_status(void **state)
{
	struct net_state st = { .names = test_names_v, .n_names = 4 };
	struct net_link l = { .feat = test_state(0) };
	struct setting s = { .ops = &net_ops };
	struct check *c = check_for("eth0", "lro");
	char *err = NULL;

	(void)state;
	assert_int_equal(expect_parse("off", UNIT_NONE, false, &s.expect, &err),
			 0);
	c->setting = &s;
	assert_int_equal(net_read_feature(&st, &l, "rx-lro", c), 0);
	assert_int_equal(c->status, ST_OK);
	assert_string_equal(c->actual, "off");
	check_free(c);

	expect_free(&s.expect);
	assert_int_equal(expect_parse("on", UNIT_NONE, false, &s.expect, &err),
			 0);
	c = check_for("eth0", "lro");
	c->setting = &s;
	assert_int_equal(net_read_feature(&st, &l, "rx-lro", c), 0);
	assert_int_equal(c->status, ST_MANUAL);
	assert_non_null(strstr(c->detail, "fixed"));
	check_free(c);
	expect_free(&s.expect);
	net_feature_state_clear(&l.feat);
}

/* FEATURES_SET as built: wanted bits by name, VALUE only where on. */
static void test_features_set_message(void **state)
{
	struct net_state st = { .ethtool = { .id = 0x15 } };
	const char *names[] = { "tx-tcp-segmentation", "tx-tcp6-segmentation" };
	struct ptrvec which = { (void **)names, 2, 2 };
	char buf[NL_REQUEST_BUFFER];
	const struct nlattr *tb[ETHTOOL_A_FEATURES_NOCHANGE + 1], *bit;
	const struct nlattr *btb[ETHTOOL_A_BITSET_MAX + 1];
	const struct nlattr *bittb[ETHTOOL_A_BITSET_BIT_MAX + 1];
	const struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	int i = 0;

	(void)state;
	assert_int_equal(net_features_msg(buf, &st, "va0", &which, "10", &nlh),
			 0);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, 0x15);
	assert_int_equal(g->cmd, ETHTOOL_MSG_FEATURES_SET);
	assert_int_equal(nl_attr_parse(nlh, GENL_HDRLEN, features_policy,
				       ETHTOOL_A_FEATURES_NOCHANGE, tb),
			 0);
	assert_non_null(tb[ETHTOOL_A_FEATURES_HEADER]);
	assert_non_null(tb[ETHTOOL_A_FEATURES_WANTED]);
	assert_int_equal(nl_attr_parse_nested(tb[ETHTOOL_A_FEATURES_WANTED],
					      bitset_policy,
					      ETHTOOL_A_BITSET_MAX, btb),
			 0);
	assert_null(btb[ETHTOOL_A_BITSET_NOMASK]); /* only these bits */
	mnl_attr_for_each_nested(bit, btb[ETHTOOL_A_BITSET_BITS])
	{
		assert_int_equal(nl_attr_parse_nested(bit, bitpolicy,
						      ETHTOOL_A_BITSET_BIT_MAX,
						      bittb),
				 0);
		assert_string_equal(
			mnl_attr_get_str(bittb[ETHTOOL_A_BITSET_BIT_NAME]),
			names[i]);
		assert_int_equal(bittb[ETHTOOL_A_BITSET_BIT_VALUE] != NULL,
				 i == 0);
		i++;
	}
	assert_int_equal(i, 2);
}

static void test_ethtool_header(void **state)
{
	struct net_state st = { .ethtool = { .id = 0x15 } };
	static const enum mnl_attr_data_type hpol[ETHTOOL_A_HEADER_FLAGS + 1] = {
		[ETHTOOL_A_HEADER_DEV_NAME] = MNL_TYPE_NUL_STRING,
		[ETHTOOL_A_HEADER_FLAGS] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[ETHTOOL_A_HEADER_FLAGS + 1], *hdr;
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = net_ethtool_msg(buf, &st, ETHTOOL_MSG_FEATURES_GET, "va0",
			      ETHTOOL_FLAG_COMPACT_BITSETS);
	hdr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	assert_int_equal(mnl_attr_get_type(hdr), 1);
	assert_int_equal(
		nl_attr_parse_nested(hdr, hpol, ETHTOOL_A_HEADER_FLAGS, tb), 0);
	assert_string_equal(mnl_attr_get_str(tb[ETHTOOL_A_HEADER_DEV_NAME]),
			    "va0");
	assert_int_equal(mnl_attr_get_u32(tb[ETHTOOL_A_HEADER_FLAGS]),
			 ETHTOOL_FLAG_COMPACT_BITSETS);
	/* The string-set request names no device, but has the header. */
	nlh = net_ethtool_msg(buf, &st, ETHTOOL_MSG_STRSET_GET, NULL, 0);
	hdr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	assert_int_equal(mnl_attr_get_type(hdr), 1);
	assert_int_equal(mnl_attr_get_payload_len(hdr), 0);
}

/* ---- ethtool: channels, rings, coalescing ---- */

static void test_channels_recorded(void **state)
{
	struct blob b = load("channels-va0.bin");
	struct net_attrs a;
	struct check *c = check_for("va0", "rx-channels");

	(void)state;
	assert_int_equal(net_eth_parse(first_data(&b), NET_CHANNELS, &a), 0);
	assert_int_equal(net_read_attr(&a, net_key_find("rx-channels"), c), 0);
	assert_string_equal(c->actual, "1");
	assert_string_equal(c->max, "2");
	check_free(c);
	c = check_for("va0", "combined-channels");
	/* veth has no combined channels: missing, not an error. */
	assert_int_equal(net_read_attr(&a, net_key_find("combined-channels"),
				       c),
			 -EOPNOTSUPP);
	check_free(c);
	free(b.data);
}

/* A ring reply as a NIC driver's would be: ETHTOOL_A_RINGS_* u32s. */
static void test_rings_built(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh =
		nl_genl_msg_new(buf, 0x15, ETHTOOL_MSG_RINGS_GET_REPLY, 1, 0);
	struct nlattr *hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_RINGS_HEADER);
	struct check *c = check_for("eth0", "rx-ring");
	struct net_attrs a;

	(void)state;
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 2);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, "eth0");
	mnl_attr_nest_end(nlh, hdr);
	mnl_attr_put_u32(nlh, ETHTOOL_A_RINGS_RX_MAX, 4096);
	mnl_attr_put_u32(nlh, ETHTOOL_A_RINGS_TX_MAX, 4096);
	mnl_attr_put_u32(nlh, ETHTOOL_A_RINGS_RX, 512);
	mnl_attr_put_u32(nlh, ETHTOOL_A_RINGS_TX, 256);
	mnl_attr_put_u8(nlh, ETHTOOL_A_RINGS_TCP_DATA_SPLIT, 1); /* unused */
	mnl_attr_put_u64(nlh, 60, 1); /* from a newer kernel */
	assert_int_equal(net_eth_parse(nlh, NET_RINGS, &a), 0);
	assert_int_equal(net_read_attr(&a, net_key_find("rx-ring"), c), 0);
	assert_string_equal(c->actual, "512");
	assert_string_equal(c->max, "4096");
	check_free(c);
	c = check_for("eth0", "tx-ring");
	assert_int_equal(net_read_attr(&a, net_key_find("tx-ring"), c), 0);
	assert_string_equal(c->actual, "256");
	check_free(c);
}

static void test_coalesce_built(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh = nl_genl_msg_new(
		buf, 0x15, ETHTOOL_MSG_COALESCE_GET_REPLY, 1, 0);
	struct check *c = check_for("eth0", "rx-usecs");
	struct net_attrs a;

	(void)state;
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_RX_USECS, 50);
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_RX_MAX_FRAMES, 64);
	mnl_attr_put_u8(nlh, ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX, 1);
	mnl_attr_put_u8(nlh, ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL, 9);
	assert_int_equal(net_eth_parse(nlh, NET_COALESCE, &a), 0);
	assert_int_equal(net_read_attr(&a, net_key_find("rx-usecs"), c), 0);
	assert_string_equal(c->actual, "50");
	assert_null(c->max);
	check_free(c);
	c = check_for("eth0", "adaptive-rx");
	assert_int_equal(net_read_attr(&a, net_key_find("adaptive-rx"), c), 0);
	assert_string_equal(c->actual, "on");
	check_free(c);
	c = check_for("eth0", "adaptive-tx");
	assert_int_equal(net_read_attr(&a, net_key_find("adaptive-tx"), c), 0);
	assert_string_equal(c->actual, "off");
	check_free(c);
	/* The driver does not report tx-usecs: missing. */
	c = check_for("eth0", "tx-usecs");
	assert_int_equal(net_read_attr(&a, net_key_find("tx-usecs"), c),
			 -EOPNOTSUPP);
	check_free(c);

	/* An adaptive flag sent as a u32 is malformed. */
	nlh = nl_genl_msg_new(buf, 0x15, ETHTOOL_MSG_COALESCE_GET_REPLY, 1, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX, 1);
	assert_int_equal(net_eth_parse(nlh, NET_COALESCE, &a), -EBADMSG);
}

static void test_recorded_unsupported(void **state)
{
	struct blob rings = load("rings-va0.bin");
	struct blob coal = load("coalesce-va0.bin");
	const struct nlmsghdr *r = (const void *)rings.data;
	const struct nlmsghdr *c = (const void *)coal.data;

	(void)state;
	assert_int_equal(nl_parse_error(r, NULL), -EOPNOTSUPP);
	assert_int_equal(nl_parse_error(c, NULL), -EOPNOTSUPP);
	free(rings.data);
	free(coal.data);
}

static void test_strset_malformed(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh =
		nl_genl_msg_new(buf, 0x15, ETHTOOL_MSG_STRSET_GET_REPLY, 1, 0);
	struct nlattr *sets, *set, *strings, *str;
	struct net_names n = { 0 };

	(void)state;
	sets = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_COUNT, 1);
	strings = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSET_STRINGS);
	str = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGS_STRING);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRING_INDEX, 5); /* beyond count */
	mnl_attr_put_strz(nlh, ETHTOOL_A_STRING_VALUE, "rx-gro");
	mnl_attr_nest_end(nlh, str);
	mnl_attr_nest_end(nlh, strings);
	mnl_attr_nest_end(nlh, set);
	mnl_attr_nest_end(nlh, sets);
	assert_int_equal(net_strset_parse(nlh, &n), -EBADMSG);
	strv_free(n.v, n.n);
}

/* ---- --root: files only ---- */

struct root_env {
	char *root;
	struct host h;
};

static int root_setup(void **state)
{
	struct root_env *e = xcalloc(1, sizeof(*e));

	e->root = fixture_copy(ROOT_FIXTURE);
	assert_non_null(e->root);
	assert_int_equal(host_open(e->root, &e->h), 0);
	assert_false(e->h.live);
	*state = e;
	return 0;
}

static int root_teardown(void **state)
{
	struct root_env *e = *state;
	char *copy = xstrdup(e->root), *cmd;

	host_close(&e->h);
	cmd = xasprintf("rm -rf '%s'", dirname(copy));
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", e->root);
	free(cmd);
	free(copy);
	free(e->root);
	free(e);
	return 0;
}

static char *root_read(struct root_env *e, const char *dev, const char *key,
		       int *ret)
{
	struct check *c = check_for(dev, key);
	char *v;

	*ret = net_read(&e->h, c);
	v = c->actual ? xstrdup(c->actual) : NULL;
	check_free(c);
	return v;
}

static void test_root_read(void **state)
{
	struct root_env *e = *state;
	char *v;
	int r;

	v = root_read(e, "eth0", "mtu", &r);
	assert_int_equal(r, 0);
	assert_string_equal(v, "1500");
	free(v);
	v = root_read(e, "eth1", "txqueuelen", &r);
	assert_string_equal(v, "500");
	free(v);
	/* Every queue agrees (rx-10 sorts after rx-1, numerically). */
	v = root_read(e, "eth0", "rps-cpus", &r);
	assert_string_equal(v, "3");
	free(v);
	/* They differ: one mask per queue. */
	v = root_read(e, "eth1", "rps-cpus", &r);
	assert_string_equal(v, "f 1");
	free(v);
	/* Only a live kernel knows these. */
	v = root_read(e, "eth0", "gro", &r);
	assert_int_equal(r, -EOPNOTSUPP);
	assert_null(v);
	root_read(e, "eth0", "rx-ring", &r);
	assert_int_equal(r, -EOPNOTSUPP);
	root_read(e, "eth9", "mtu", &r);
	assert_int_equal(r, -ENOENT);
	root_read(e, "eth1", "xps-cpus", &r);
	assert_int_equal(r, -ENOENT); /* no tx queues */
}

static void test_root_write(void **state)
{
	struct root_env *e = *state;
	char *v = NULL;
	int r;

	assert_int_equal(net_write(&e->h, "eth0", "mtu", "9000", NULL), 0);
	v = root_read(e, "eth0", "mtu", &r);
	assert_string_equal(v, "9000");
	free(v);
	assert_int_equal(net_write(&e->h, "eth1", "rps-cpus", "3 0", NULL), 0);
	v = root_read(e, "eth1", "rps-cpus", &r);
	assert_string_equal(v, "3 0");
	free(v);
	assert_int_equal(hostfs_read(&e->h,
				     "sys/class/net/eth1/queues/rx-1/rps_cpus",
				     &v, NULL),
			 0);
	assert_string_equal(v, "0");
	free(v);
	assert_int_equal(
		net_write(&e->h, "eth1", "rps-cpus", "1ffffffff", NULL), 0);
	assert_int_equal(hostfs_read(&e->h,
				     "sys/class/net/eth1/queues/rx-0/rps_cpus",
				     &v, NULL),
			 0);
	assert_string_equal(v, "1,ffffffff");
	free(v);
	/* Three masks for two queues. */
	assert_int_equal(net_write(&e->h, "eth1", "rps-cpus", "1 2 3", NULL),
			 -EINVAL);
	assert_int_equal(net_write(&e->h, "eth0", "gro", "on", NULL),
			 -EOPNOTSUPP);
}

static void test_root_expand(void **state)
{
	struct root_env *e = *state;
	struct setting s = { .ops = &net_ops, .target = "*", .key = "mtu" };
	struct ptrvec out = { 0 };
	struct check *c;

	(void)state;
	assert_int_equal(net_expand(&e->h, &s, &out), 0);
	/* Not lo, not the bonding_masters file. */
	assert_int_equal(out.n, 2);
	c = out.v[0];
	assert_string_equal(c->id, "net:eth0:mtu");
	assert_true(c->from_glob);
	c = out.v[1];
	assert_string_equal(c->target, "eth1");
	ptrvec_free(&out, check_free);

	s.target = "lo";
	assert_int_equal(net_expand(&e->h, &s, &out), 0);
	assert_int_equal(out.n, 1);
	assert_false(((struct check *)out.v[0])->from_glob);
	ptrvec_free(&out, check_free);

	s.target = "wl*";
	assert_int_equal(net_expand(&e->h, &s, &out), 0);
	c = out.v[0];
	assert_true(c->unmatched);
	assert_string_equal(c->id, "net:wl*:mtu");
	ptrvec_free(&out, check_free);
}

/* The targets a section's list expands to on the net-root tree (eth0,
 * eth1, lo), sorted by the walk: "eth0 eth1". */
static char *net_targets(const struct host *h, const char *target)
{
	struct setting s = { .ops = &net_ops, .key = "mtu" };
	struct ptrvec out = { 0 };
	struct strbuf sb = { 0 };

	s.target = (char *)target;
	assert_int_equal(net_expand(h, &s, &out), 0);
	for (size_t i = 0; i < out.n; i++) {
		struct check *c = out.v[i];

		if (i)
			strbuf_puts(&sb, " ");
		strbuf_puts(&sb, c->unmatched ? "(none)" : c->target);
		assert_true(c->from_glob);
	}
	ptrvec_free(&out, check_free);
	return strbuf_take(&sb);
}

static void assert_net_targets(const struct host *h, const char *target,
			       const char *want)
{
	char *got = net_targets(h, target);

	if (strcmp(got, want))
		fail_msg("[net %s] expands to '%s', wanted '%s'", target, got,
			 want);
	free(got);
}

/* A bare '*' is every interface but lo; lo is tuned only when named or
 * matched by another glob, and '!' takes interfaces out. */
static void test_root_target_lists(void **state)
{
	struct root_env *e = *state;

	assert_net_targets(&e->h, "*", "eth0 eth1");
	assert_net_targets(&e->h, "*,*", "eth0 eth1");
	assert_net_targets(&e->h, "*,lo", "eth0 eth1 lo");
	assert_net_targets(&e->h, "l*", "lo");
	assert_net_targets(&e->h, "eth*,!eth1", "eth0");
	assert_net_targets(&e->h, "*,!eth0", "eth1");
	assert_net_targets(&e->h, "?*,!*", "lo");
	assert_net_targets(&e->h, "eth0,eth1", "eth0 eth1");
	assert_net_targets(&e->h, "eth0,wl0", "eth0");
	assert_net_targets(&e->h, "*,!eth?", "(none)");
}

/* The state belongs to one run of one host: another host starts afresh,
 * and closing the host frees it. */
static void test_state_per_host(void **state)
{
	struct host a = { .root_fd = -1 }, b = { .root_fd = -1 };
	struct net_state *st;

	(void)state;
	assert_int_equal(host_open("/", &a), 0);
	assert_int_equal(host_open("/", &b), 0);
	st = check_state(&a, &net_ops);
	assert_non_null(st);
	st->links_loaded = true;
	assert_ptr_equal(check_state(&a, &net_ops), st);
	assert_true(
		((struct net_state *)check_state(&a, &net_ops))->links_loaded);
	assert_false(
		((struct net_state *)check_state(&b, &net_ops))->links_loaded);
	host_close(&a);
	host_close(&b);
	assert_null(a.slots);
}

/* A feature group with members on and off counts as on (ethtool -k's
 * and the kernel's legacy TSO flag), and never as off. */
/* A feature group whose changeable members disagree is neither on nor
 * off: "tso = on" is a deviation while IPv4 TSO is off (ethtool -k would
 * call the group on). */
static void test_mixed_group_is_neither_on_nor_off(void **state)
{
	struct setting set = { .ops = &net_ops };
	struct check c = { .ops = &net_ops, .setting = &set };
	char *err = NULL;

	(void)state;
	c.actual = "tx-tcp-segmentation=off tx-tcp6-segmentation=on";
	assert_int_equal(
		expect_parse("on", UNIT_NONE, false, &set.expect, &err), 0);
	assert_false(check_matches(NULL, &c));
	expect_free(&set.expect);
	assert_int_equal(
		expect_parse("off", UNIT_NONE, false, &set.expect, &err), 0);
	assert_false(check_matches(NULL, &c));
	c.actual = "off";
	assert_true(check_matches(NULL, &c));
	expect_free(&set.expect);
	assert_int_equal(
		expect_parse("on", UNIT_NONE, false, &set.expect, &err), 0);
	c.actual = "on";
	assert_true(check_matches(NULL, &c));
	expect_free(&set.expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_mixed_group_is_neither_on_nor_off),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_link_dump),
		cmocka_unit_test(test_link_read),
		cmocka_unit_test(test_link_malformed),
		cmocka_unit_test(test_getlink_request),
		cmocka_unit_test(test_features_recorded),
		cmocka_unit_test(test_features_verbose),
		cmocka_unit_test(test_feature_groups),
		cmocka_unit_test(test_feature_unknown_to_kernel),
		cmocka_unit_test(test_fixed_feature_status),
		cmocka_unit_test(test_features_set_message),
		cmocka_unit_test(test_ethtool_header),
		cmocka_unit_test(test_channels_recorded),
		cmocka_unit_test(test_rings_built),
		cmocka_unit_test(test_coalesce_built),
		cmocka_unit_test(test_recorded_unsupported),
		cmocka_unit_test(test_strset_malformed),
		cmocka_unit_test_setup_teardown(test_root_read, root_setup,
						root_teardown),
		cmocka_unit_test_setup_teardown(test_root_write, root_setup,
						root_teardown),
		cmocka_unit_test_setup_teardown(test_root_target_lists,
						root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_root_expand, root_setup,
						root_teardown),
		cmocka_unit_test(test_state_per_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
