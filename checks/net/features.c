// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Offload features of the net domain over ethtool netlink: the kernel's
 * feature names (a string set), the bitsets of a device's features, and
 * what a feature key reads as and writes.
 */
#include <errno.h>
#include <fnmatch.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <string.h>

#include "net.h"

static void net_bitset_free(struct net_bitset *b)
{
	free(b->w);
	*b = (struct net_bitset){ 0 };
}

void net_feature_state_clear(struct net_feature_state *f)
{
	net_bitset_free(&f->hw);
	net_bitset_free(&f->active);
	net_bitset_free(&f->nochange);
	*f = (struct net_feature_state){ 0 };
}

static bool net_bit(const struct net_bitset *b, uint32_t i)
{
	return i < b->nbits && (b->w[i / 32] & (UINT32_C(1) << (i % 32)));
}

static void net_bit_set(struct net_bitset *b, uint32_t i)
{
	if (i >= b->nbits) {
		uint32_t words = i / 32 + 1, old = (b->nbits + 31) / 32;

		b->w = xrealloc(b->w, words * sizeof(uint32_t));
		memset(b->w + old, 0, (words - old) * sizeof(uint32_t));
		b->nbits = words * 32;
	}
	b->w[i / 32] |= UINT32_C(1) << (i % 32);
}

static const enum mnl_attr_data_type strset_policy[ETHTOOL_A_STRSET_MAX + 1] = {
	[ETHTOOL_A_STRSET_STRINGSETS] = MNL_TYPE_NESTED,
};
static const enum mnl_attr_data_type
	stringset_policy[ETHTOOL_A_STRINGSET_MAX + 1] = {
		[ETHTOOL_A_STRINGSET_ID] = MNL_TYPE_U32,
		[ETHTOOL_A_STRINGSET_COUNT] = MNL_TYPE_U32,
		[ETHTOOL_A_STRINGSET_STRINGS] = MNL_TYPE_NESTED,
	};
static const enum mnl_attr_data_type string_policy[ETHTOOL_A_STRING_MAX + 1] = {
	[ETHTOOL_A_STRING_INDEX] = MNL_TYPE_U32,
	[ETHTOOL_A_STRING_VALUE] = MNL_TYPE_NUL_STRING,
};

struct net_names {
	char **v;
	size_t n;
};

/* The strings of one string set into names->v[index]. */
static int net_strings_parse(const struct nlattr *strings,
			     struct net_names *names)
{
	const struct nlattr *s, *tb[ETHTOOL_A_STRING_MAX + 1];

	mnl_attr_for_each_nested(s, strings)
	{
		uint32_t i;

		if (mnl_attr_get_type(s) != ETHTOOL_A_STRINGS_STRING)
			continue;
		if (nl_attr_parse_nested(s, string_policy, ETHTOOL_A_STRING_MAX,
					 tb) < 0)
			return -EBADMSG;
		if (!tb[ETHTOOL_A_STRING_INDEX] || !tb[ETHTOOL_A_STRING_VALUE])
			continue;
		i = mnl_attr_get_u32(tb[ETHTOOL_A_STRING_INDEX]);
		if (i >= names->n)
			return -EBADMSG;
		free(names->v[i]);
		names->v[i] =
			xstrdup(mnl_attr_get_str(tb[ETHTOOL_A_STRING_VALUE]));
	}
	return 0;
}

/* ETHTOOL_MSG_STRSET_GET_REPLY: the names of ETH_SS_FEATURES. */
static int net_strset_parse(const struct nlmsghdr *nlh, struct net_names *ret)
{
	const struct nlattr *tb[ETHTOOL_A_STRSET_MAX + 1], *set;
	const struct nlattr *stb[ETHTOOL_A_STRINGSET_MAX + 1];
	int r;

	r = nl_attr_parse(nlh, GENL_HDRLEN, strset_policy, ETHTOOL_A_STRSET_MAX,
			  tb);
	if (r < 0 || !tb[ETHTOOL_A_STRSET_STRINGSETS])
		return r < 0 ? r : -EBADMSG;
	mnl_attr_for_each_nested(set, tb[ETHTOOL_A_STRSET_STRINGSETS])
	{
		uint32_t count;

		if (nl_attr_parse_nested(set, stringset_policy,
					 ETHTOOL_A_STRINGSET_MAX, stb) < 0)
			return -EBADMSG;
		if (!stb[ETHTOOL_A_STRINGSET_ID] ||
		    mnl_attr_get_u32(stb[ETHTOOL_A_STRINGSET_ID]) !=
			    ETH_SS_FEATURES ||
		    !stb[ETHTOOL_A_STRINGSET_COUNT])
			continue;
		count = mnl_attr_get_u32(stb[ETHTOOL_A_STRINGSET_COUNT]);
		if (count > 4096)
			return -EBADMSG;
		strv_free(ret->v, ret->n);
		ret->v = xcalloc(count ? count : 1, sizeof(char *));
		ret->n = count;
		if (stb[ETHTOOL_A_STRINGSET_STRINGS])
			return net_strings_parse(
				stb[ETHTOOL_A_STRINGSET_STRINGS], ret);
		return 0;
	}
	return -EBADMSG;
}

static int net_strset_cb(const struct nlmsghdr *nlh, void *data)
{
	return net_strset_parse(nlh, data);
}

/* The kernel's feature names, asked for once per run. */
static int net_names_load(struct net_state *st)
{
	char buf[NL_REQUEST_BUFFER];
	struct net_names names = { 0 };
	struct nlattr *sets, *set;
	struct nlmsghdr *nlh;
	int r;

	if (st->names_loaded)
		return st->names_err;
	st->names_loaded = true;
	r = net_ethtool(st, ETHTOOL_MSG_STRSET_GET);
	if (r < 0)
		return st->names_err = r;
	/* The header is required even for a set that no device owns. */
	nlh = net_ethtool_msg(buf, st, ETHTOOL_MSG_STRSET_GET, NULL, 0);
	sets = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
	mnl_attr_nest_end(nlh, set);
	mnl_attr_nest_end(nlh, sets);
	r = nl_request(st->genl, nlh, net_strset_cb, &names, NULL);
	if (r == 0 && !names.n)
		r = -EBADMSG;
	if (r < 0) {
		strv_free(names.v, names.n);
		return st->names_err = r;
	}
	st->names = names.v;
	st->n_names = names.n;
	return 0;
}

static const enum mnl_attr_data_type bitset_policy[ETHTOOL_A_BITSET_MAX + 1] = {
	[ETHTOOL_A_BITSET_NOMASK] = MNL_TYPE_FLAG,
	[ETHTOOL_A_BITSET_SIZE] = MNL_TYPE_U32,
	[ETHTOOL_A_BITSET_BITS] = MNL_TYPE_NESTED,
	[ETHTOOL_A_BITSET_VALUE] = MNL_TYPE_BINARY,
	[ETHTOOL_A_BITSET_MASK] = MNL_TYPE_BINARY,
};
static const enum mnl_attr_data_type bitpolicy[ETHTOOL_A_BITSET_BIT_MAX + 1] = {
	[ETHTOOL_A_BITSET_BIT_INDEX] = MNL_TYPE_U32,
	[ETHTOOL_A_BITSET_BIT_NAME] = MNL_TYPE_NUL_STRING,
	[ETHTOOL_A_BITSET_BIT_VALUE] = MNL_TYPE_FLAG,
};

static int net_name_index(const struct net_names *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++)
		if (names->v[i] && !strcmp(names->v[i], name))
			return (int)i;
	return -1;
}

/* A bitset in the bit-by-bit form: a list of bits, by index or name. */
static int net_bitset_verbose(const struct nlattr *bits, bool nomask,
			      const struct net_names *names,
			      struct net_bitset *ret)
{
	const struct nlattr *b, *tb[ETHTOOL_A_BITSET_BIT_MAX + 1];

	mnl_attr_for_each_nested(b, bits)
	{
		int i = -1;

		if (mnl_attr_get_type(b) != ETHTOOL_A_BITSET_BITS_BIT)
			continue;
		if (nl_attr_parse_nested(b, bitpolicy, ETHTOOL_A_BITSET_BIT_MAX,
					 tb) < 0)
			return -EBADMSG;
		if (!nomask && !tb[ETHTOOL_A_BITSET_BIT_VALUE])
			continue;
		if (tb[ETHTOOL_A_BITSET_BIT_INDEX])
			i = (int)mnl_attr_get_u32(
				tb[ETHTOOL_A_BITSET_BIT_INDEX]);
		else if (tb[ETHTOOL_A_BITSET_BIT_NAME])
			i = net_name_index(
				names, mnl_attr_get_str(
					       tb[ETHTOOL_A_BITSET_BIT_NAME]));
		if (i < 0 || i >= 4096)
			return -EBADMSG;
		net_bit_set(ret, (uint32_t)i);
	}
	return 0;
}

/* One bitset attribute (compact or bit-by-bit) into a bit array. */
static int net_bitset_parse(const struct nlattr *attr,
			    const struct net_names *names,
			    struct net_bitset *ret)
{
	const struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1];
	struct net_bitset b = { 0 };
	uint32_t size, words;
	int r;

	r = nl_attr_parse_nested(attr, bitset_policy, ETHTOOL_A_BITSET_MAX, tb);
	if (r < 0 || !tb[ETHTOOL_A_BITSET_SIZE])
		return r < 0 ? r : -EBADMSG;
	size = mnl_attr_get_u32(tb[ETHTOOL_A_BITSET_SIZE]);
	if (size > 4096)
		return -EBADMSG;
	words = (size + 31) / 32;
	if (tb[ETHTOOL_A_BITSET_BITS]) {
		r = net_bitset_verbose(tb[ETHTOOL_A_BITSET_BITS],
				       tb[ETHTOOL_A_BITSET_NOMASK] != NULL,
				       names, &b);
	} else if (tb[ETHTOOL_A_BITSET_VALUE] && words) {
		if (mnl_attr_get_payload_len(tb[ETHTOOL_A_BITSET_VALUE]) <
		    words * sizeof(uint32_t))
			return -EBADMSG;
		b.nbits = words * 32;
		b.w = xmalloc(words * sizeof(uint32_t));
		memcpy(b.w, mnl_attr_get_payload(tb[ETHTOOL_A_BITSET_VALUE]),
		       words * sizeof(uint32_t));
	}
	if (r < 0) {
		net_bitset_free(&b);
		return r;
	}
	net_bitset_free(ret);
	*ret = b;
	return 0;
}

static const enum mnl_attr_data_type
	features_policy[ETHTOOL_A_FEATURES_NOCHANGE + 1] = {
		[ETHTOOL_A_FEATURES_HEADER] = MNL_TYPE_NESTED,
		[ETHTOOL_A_FEATURES_HW] = MNL_TYPE_NESTED,
		[ETHTOOL_A_FEATURES_WANTED] = MNL_TYPE_NESTED,
		[ETHTOOL_A_FEATURES_ACTIVE] = MNL_TYPE_NESTED,
		[ETHTOOL_A_FEATURES_NOCHANGE] = MNL_TYPE_NESTED,
	};

/* ETHTOOL_MSG_FEATURES_GET_REPLY. */
static int net_features_parse(const struct nlmsghdr *nlh,
			      const struct net_names *names,
			      struct net_feature_state *ret)
{
	const struct nlattr *tb[ETHTOOL_A_FEATURES_NOCHANGE + 1];
	struct net_feature_state f = { 0 };
	int r;

	r = nl_attr_parse(nlh, GENL_HDRLEN, features_policy,
			  ETHTOOL_A_FEATURES_NOCHANGE, tb);
	if (r < 0)
		return r;
	if (!tb[ETHTOOL_A_FEATURES_HW] || !tb[ETHTOOL_A_FEATURES_ACTIVE])
		return -EBADMSG;
	r = net_bitset_parse(tb[ETHTOOL_A_FEATURES_HW], names, &f.hw);
	if (r == 0)
		r = net_bitset_parse(tb[ETHTOOL_A_FEATURES_ACTIVE], names,
				     &f.active);
	if (r == 0 && tb[ETHTOOL_A_FEATURES_NOCHANGE])
		r = net_bitset_parse(tb[ETHTOOL_A_FEATURES_NOCHANGE], names,
				     &f.nochange);
	if (r < 0) {
		net_feature_state_clear(&f);
		return r;
	}
	f.loaded = true;
	net_feature_state_clear(ret);
	*ret = f;
	return 0;
}

struct net_features_reply {
	const struct net_names *names;
	struct net_feature_state *out;
};

static int net_features_cb(const struct nlmsghdr *nlh, void *data)
{
	struct net_features_reply *rep = data;

	return net_features_parse(nlh, rep->names, rep->out);
}

static struct net_feature_state *net_features_get(struct net_state *st,
						  struct net_link *l)
{
	struct net_names names = { st->names, st->n_names };
	struct net_features_reply rep = { &names, &l->feat };
	char buf[NL_REQUEST_BUFFER];
	int r;

	if (l->feat.loaded || l->feat.err)
		return &l->feat;
	r = net_names_load(st);
	names = (struct net_names){ st->names, st->n_names };
	if (r == 0)
		r = net_ethtool(st, ETHTOOL_MSG_FEATURES_GET);
	if (r == 0)
		r = nl_request(
			st->genl,
			net_ethtool_msg(buf, st, ETHTOOL_MSG_FEATURES_GET,
					l->name, ETHTOOL_FLAG_COMPACT_BITSETS),
			net_features_cb, &rep, NULL);
	if (r == 0 && !l->feat.loaded)
		r = -EBADMSG;
	if (r < 0) {
		net_feature_state_clear(&l->feat);
		l->feat.err = r;
	}
	return &l->feat;
}

static bool net_changeable(const struct net_feature_state *f, uint32_t i)
{
	return net_bit(&f->hw, i) && !net_bit(&f->nochange, i);
}

/*
 * The value of a feature key over the kernel features it covers: "on" or
 * "off" when the changeable ones agree, else each changeable one as
 * "name=on|off" (so a rollback restores every one exactly). When none can
 * change, *ret_fixed is set and the value is "on" if any is active.
 */
static int net_feature_value(const struct net_names *names,
			     const struct net_feature_state *f,
			     const char *pattern, char **ret, bool *ret_fixed)
{
	size_t members = 0, changeable = 0, on = 0, any_on = 0;
	struct strbuf list = { 0 };

	for (size_t i = 0; i < names->n; i++) {
		bool act;

		if (!names->v[i] || fnmatch(pattern, names->v[i], 0))
			continue;
		members++;
		act = net_bit(&f->active, (uint32_t)i);
		any_on += act;
		if (!net_changeable(f, (uint32_t)i))
			continue;
		changeable++;
		on += act;
		strbuf_printf(&list, "%s%s=%s", list.len ? " " : "",
			      names->v[i], act ? "on" : "off");
	}
	if (!members) {
		free(list.s);
		return -EOPNOTSUPP; /* this kernel has no such feature */
	}
	*ret_fixed = changeable == 0;
	if (changeable == 0 || on == 0 || on == changeable) {
		free(list.s);
		*ret = xstrdup((changeable ? on : any_on) ? "on" : "off");
		return 0;
	}
	*ret = strbuf_take(&list);
	return 0;
}

int net_read_feature(struct net_state *st, struct net_link *l,
		     const char *pattern, struct check *c)
{
	struct net_feature_state *f = net_features_get(st, l);
	struct net_names names = { st->names, st->n_names };
	bool fixed;
	int r;

	if (f->err)
		return f->err;
	r = net_feature_value(&names, f, pattern, &c->actual, &fixed);
	if (r < 0 || !fixed)
		return r;
	if (c->setting && expect_match(&c->setting->expect, c->actual, NULL))
		return 0;
	c->status = ST_MANUAL;
	c->detail = xstrdup("fixed: the driver does not let it change");
	return 0;
}

/* The (name, on) pairs to write for value: "on"/"off" for every
 * changeable feature of the key, or the "name=on|off" list form. */
static int net_feature_plan(const struct net_names *names,
			    const struct net_feature_state *f,
			    const char *pattern, const char *value,
			    struct ptrvec *ret_names, struct strbuf *ret_on)
{
	_cleanup_free_ char *norm = normalize_ws(value);
	char *tok = norm, *next;

	if (net_is_onoff(norm)) {
		for (size_t i = 0; i < names->n; i++)
			if (names->v[i] && !fnmatch(pattern, names->v[i], 0) &&
			    net_changeable(f, (uint32_t)i)) {
				ptrvec_push(ret_names, names->v[i]);
				strbuf_add(ret_on, norm[1] == 'n' ? "1" : "0",
					   1);
			}
		return ret_names->n ? 0 : -EOPNOTSUPP;
	}
	for (; *tok; tok = next) {
		char *eq;
		int i;

		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		eq = strchr(tok, '=');
		if (!eq || !net_is_onoff(eq + 1))
			return -EINVAL;
		*eq = '\0';
		i = net_name_index(names, tok);
		if (i < 0 || fnmatch(pattern, tok, 0) ||
		    !net_changeable(f, (uint32_t)i))
			return -EINVAL;
		ptrvec_push(ret_names, names->v[i]);
		strbuf_add(ret_on, eq[2] == 'n' ? "1" : "0", 1);
	}
	return ret_names->n ? 0 : -EINVAL;
}

/* ETHTOOL_MSG_FEATURES_SET: the wanted bits, by name, with a mask (only
 * the listed bits change). */
static int net_features_msg(void *buf, const struct net_state *st,
			    const char *dev, const struct ptrvec *names,
			    const char *on, struct nlmsghdr **ret)
{
	struct nlmsghdr *nlh = net_ethtool_msg(buf, st,
					       ETHTOOL_MSG_FEATURES_SET, dev,
					       ETHTOOL_FLAG_OMIT_REPLY);
	struct nlattr *wanted, *bits, *bit;

	wanted = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	for (size_t i = 0; i < names->n; i++) {
		bit = mnl_attr_nest_start_check(nlh, NL_REQUEST_BUFFER,
						ETHTOOL_A_BITSET_BITS_BIT);
		if (!bit || !mnl_attr_put_strz_check(nlh, NL_REQUEST_BUFFER,
						     ETHTOOL_A_BITSET_BIT_NAME,
						     names->v[i]))
			return -E2BIG;
		if (on[i] == '1' &&
		    !mnl_attr_put_check(nlh, NL_REQUEST_BUFFER,
					ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL))
			return -E2BIG;
		mnl_attr_nest_end(nlh, bit);
	}
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, wanted);
	*ret = nlh;
	return 0;
}

int net_features_set(struct net_state *st, struct net_link *l,
		     const char *pattern, const char *value, char **ret_msg)
{
	struct net_names names = { 0 };
	struct net_feature_state *f = net_features_get(st, l);
	char buf[NL_REQUEST_BUFFER];
	struct ptrvec which = { 0 };
	struct strbuf on = { 0 };
	struct nlmsghdr *nlh;
	int r;

	if (f->err)
		return f->err;
	names = (struct net_names){ st->names, st->n_names };
	r = net_feature_plan(&names, f, pattern, value, &which, &on);
	if (r == 0)
		r = net_ethtool(st, ETHTOOL_MSG_FEATURES_SET);
	if (r == 0)
		r = net_features_msg(buf, st, l->name, &which, on.s, &nlh);
	if (r == 0)
		r = nl_request(st->genl, nlh, NULL, NULL, ret_msg);
	free(which.v);
	free(on.s);
	net_link_changed(l);
	return r;
}
