// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain: per-interface settings in [net IFNAME] sections, where
 * IFNAME may be a glob ("eth*"); a glob never matches the loopback device,
 * so [net *] means every other interface.
 *
 * On a live host the link table comes from one RTM_GETLINK dump per run,
 * cached here for the run (a link is asked for again only after we changed
 * it); mtu and txqueuelen are changed with RTM_NEWLINK as ip(8) does;
 * offload features, rings, channels and coalescing go over ethtool netlink;
 * RPS/XPS masks are the sysfs files of every queue. Under --root only files
 * exist: mtu and txqueuelen are sys/class/net/IF/{mtu,tx_queue_len}, the
 * masks are the queue files, and the rest is missing. What a device does
 * not support (EOPNOTSUPP) is missing, never an error.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "hosttune/check.h"
#include "hosttune/netlink.h"

extern const struct check_ops net_ops;

#define NET_MAX_GLOB 255
#define NET_MAX_MASK 4096 /* hex digits: 16384 CPUs */

enum net_kind {
	NET_LINK, /* rtnetlink attributes */
	NET_RINGS, /* ethtool ring sizes */
	NET_CHANNELS, /* ethtool channel counts */
	NET_COALESCE, /* ethtool interrupt coalescing */
	NET_FEATURE, /* ethtool offload features */
	NET_QUEUES, /* sysfs masks of every queue */
};
#define NET_ETH_KINDS 3 /* NET_RINGS .. NET_COALESCE */

enum net_type {
	NET_NUM, /* a u32 */
	NET_BOOL, /* on/off, a u8 */
	NET_MASK, /* a hex CPU mask */
};

struct net_key {
	const char *name;
	const char *alias;
	enum net_kind kind;
	enum net_type type;
	uint16_t attr; /* the attribute that carries the value */
	uint16_t max_attr; /* the one with the device's maximum, or 0 */
	const char *file; /* link: file in sys/class/net/IF; queues: file */
	const char *queue; /* queues: "rx-" or "tx-" */
	const char *why;
};

static const struct net_key net_keys[] = {
	{
		.name = "mtu",
		.kind = NET_LINK,
		.type = NET_NUM,
		.attr = IFLA_MTU,
		.max_attr = IFLA_MAX_MTU,
		.file = "mtu",
		.why = "largest packet the link carries; jumbo frames cut "
		       "per-packet cost on bulk transfers",
	},
	{
		.name = "txqueuelen",
		.alias = "tx_queue_len",
		.kind = NET_LINK,
		.type = NET_NUM,
		.attr = IFLA_TXQLEN,
		.file = "tx_queue_len",
		.why = "packets the queueing discipline holds before it drops",
	},
	{
		.name = "rx-ring",
		.kind = NET_RINGS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_RINGS_RX,
		.max_attr = ETHTOOL_A_RINGS_RX_MAX,
		.why = "receive descriptors: more absorb bursts without drops",
	},
	{
		.name = "tx-ring",
		.kind = NET_RINGS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_RINGS_TX,
		.max_attr = ETHTOOL_A_RINGS_TX_MAX,
		.why = "transmit descriptors: more keep the NIC busy under load",
	},
	{
		.name = "combined-channels",
		.kind = NET_CHANNELS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_CHANNELS_COMBINED_COUNT,
		.max_attr = ETHTOOL_A_CHANNELS_COMBINED_MAX,
		.why = "queue pairs (and interrupts) traffic is spread over",
	},
	{
		.name = "rx-channels",
		.kind = NET_CHANNELS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_CHANNELS_RX_COUNT,
		.max_attr = ETHTOOL_A_CHANNELS_RX_MAX,
		.why = "receive-only queues traffic is spread over",
	},
	{
		.name = "tx-channels",
		.kind = NET_CHANNELS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_CHANNELS_TX_COUNT,
		.max_attr = ETHTOOL_A_CHANNELS_TX_MAX,
		.why = "transmit-only queues traffic is spread over",
	},
	{
		.name = "other-channels",
		.kind = NET_CHANNELS,
		.type = NET_NUM,
		.attr = ETHTOOL_A_CHANNELS_OTHER_COUNT,
		.max_attr = ETHTOOL_A_CHANNELS_OTHER_MAX,
		.why = "queues for link events and other non-data work",
	},
	{
		.name = "rx-usecs",
		.kind = NET_COALESCE,
		.type = NET_NUM,
		.attr = ETHTOOL_A_COALESCE_RX_USECS,
		.why = "how long a receive interrupt is delayed: latency against CPU",
	},
	{
		.name = "tx-usecs",
		.kind = NET_COALESCE,
		.type = NET_NUM,
		.attr = ETHTOOL_A_COALESCE_TX_USECS,
		.why = "how long a transmit interrupt is delayed: latency against CPU",
	},
	{
		.name = "rx-frames",
		.kind = NET_COALESCE,
		.type = NET_NUM,
		.attr = ETHTOOL_A_COALESCE_RX_MAX_FRAMES,
		.why = "packets received before an interrupt is raised",
	},
	{
		.name = "tx-frames",
		.kind = NET_COALESCE,
		.type = NET_NUM,
		.attr = ETHTOOL_A_COALESCE_TX_MAX_FRAMES,
		.why = "packets sent before an interrupt is raised",
	},
	{
		.name = "adaptive-rx",
		.kind = NET_COALESCE,
		.type = NET_BOOL,
		.attr = ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX,
		.why = "the driver tunes receive coalescing to the load",
	},
	{
		.name = "adaptive-tx",
		.kind = NET_COALESCE,
		.type = NET_BOOL,
		.attr = ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX,
		.why = "the driver tunes transmit coalescing to the load",
	},
	{
		.name = "rps-cpus",
		.kind = NET_QUEUES,
		.type = NET_MASK,
		.file = "rps_cpus",
		.queue = "rx-",
		.why = "CPUs that process received packets of each queue (RPS)",
	},
	{
		.name = "xps-cpus",
		.kind = NET_QUEUES,
		.type = NET_MASK,
		.file = "xps_cpus",
		.queue = "tx-",
		.why = "CPUs whose packets use each transmit queue (XPS)",
	},
};

/* Offload features by ethtool's names; each stands for the kernel
 * features matching pattern (a group, as in ethtool -K). */
struct net_feature {
	const char *name;
	const char *alias; /* ethtool -k's long name */
	const char *alias2;
	const char *pattern;
	const char *why;
};

static const struct net_feature net_features[] = {
	{
		.name = "rx-checksum",
		.alias = "rx-checksumming",
		.alias2 = "rx",
		.pattern = "rx-checksum",
		.why = "the NIC verifies receive checksums",
	},
	{
		.name = "tx-checksum",
		.alias = "tx-checksumming",
		.alias2 = "tx",
		.pattern = "tx-checksum-*",
		.why = "the NIC computes transmit checksums",
	},
	{
		.name = "sg",
		.alias = "scatter-gather",
		.pattern = "tx-scatter-gather*",
		.why = "the NIC sends from scattered buffers (needed for zero copy)",
	},
	{
		.name = "tso",
		.alias = "tcp-segmentation-offload",
		.pattern = "tx-tcp*-segmentation",
		.why = "the NIC cuts large TCP sends into packets",
	},
	{
		.name = "gso",
		.alias = "generic-segmentation-offload",
		.pattern = "tx-generic-segmentation",
		.why = "the stack cuts large sends into packets as late as possible",
	},
	{
		.name = "gro",
		.alias = "generic-receive-offload",
		.pattern = "rx-gro",
		.why = "the stack merges received packets of a flow",
	},
	{
		.name = "lro",
		.alias = "large-receive-offload",
		.pattern = "rx-lro",
		.why = "the NIC merges received packets (breaks routing and bridging)",
	},
	{
		.name = "rxvlan",
		.alias = "rx-vlan-offload",
		.pattern = "rx-vlan-hw-parse",
		.why = "the NIC strips VLAN tags",
	},
	{
		.name = "txvlan",
		.alias = "tx-vlan-offload",
		.pattern = "tx-vlan-hw-insert",
		.why = "the NIC inserts VLAN tags",
	},
	{
		.name = "ntuple",
		.alias = "ntuple-filters",
		.pattern = "rx-ntuple-filter",
		.why = "flow steering rules in the NIC",
	},
	{
		.name = "rxhash",
		.alias = "receive-hashing",
		.pattern = "rx-hashing",
		.why = "the NIC hashes flows for receive steering",
	},
};

/* The kernel's own feature names (netdev_features_strings), accepted as
 * keys too. */
static const char *const net_kernel_features[] = {
	"tx-scatter-gather",
	"tx-checksum-ipv4",
	"tx-checksum-ip-generic",
	"tx-checksum-ipv6",
	"highdma",
	"tx-scatter-gather-fraglist",
	"tx-vlan-hw-insert",
	"rx-vlan-hw-parse",
	"rx-vlan-filter",
	"vlan-challenged",
	"tx-generic-segmentation",
	"tx-lockless",
	"netns-local",
	"rx-gro",
	"rx-lro",
	"tx-tcp-segmentation",
	"tx-gso-robust",
	"tx-tcp-ecn-segmentation",
	"tx-tcp-mangleid-segmentation",
	"tx-tcp6-segmentation",
	"tx-tcp-accecn-segmentation",
	"tx-fcoe-segmentation",
	"tx-gre-segmentation",
	"tx-gre-csum-segmentation",
	"tx-ipxip4-segmentation",
	"tx-ipxip6-segmentation",
	"tx-udp_tnl-segmentation",
	"tx-udp_tnl-csum-segmentation",
	"tx-gso-partial",
	"tx-tunnel-remcsum-segmentation",
	"tx-sctp-segmentation",
	"tx-esp-segmentation",
	"tx-udp-segmentation",
	"tx-gso-list",
	"tx-checksum-fcoe-crc",
	"tx-checksum-sctp",
	"fcoe-mtu",
	"rx-ntuple-filter",
	"rx-hashing",
	"rx-checksum",
	"tx-nocache-copy",
	"loopback",
	"rx-fcs",
	"rx-all",
	"tx-vlan-stag-hw-insert",
	"rx-vlan-stag-hw-parse",
	"rx-vlan-stag-filter",
	"l2-fwd-offload",
	"hw-tc-offload",
	"esp-hw-offload",
	"esp-tx-csum-hw-offload",
	"rx-udp_tunnel-port-offload",
	"tls-hw-tx-offload",
	"tls-hw-rx-offload",
	"rx-gro-hw",
	"tls-hw-record",
	"rx-gro-list",
	"macsec-hw-offload",
	"rx-udp-gro-forwarding",
	"hsr-tag-ins-offload",
	"hsr-tag-rm-offload",
	"hsr-fwd-offload",
	"hsr-dup-offload",
};

/* ---- keys ------------------------------------------------------------ */

static const struct net_key *net_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++)
		if (!strcmp(net_keys[i].name, name) ||
		    (net_keys[i].alias && !strcmp(net_keys[i].alias, name)))
			return &net_keys[i];
	return NULL;
}

/* A feature key by any of its names; a kernel name that one ethtool name
 * stands for alone ("rx-gro") is that name ("gro"). */
static const struct net_feature *net_feature_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_features); i++) {
		const struct net_feature *f = &net_features[i];

		if (!strcmp(f->name, name) || !strcmp(f->alias, name) ||
		    (f->alias2 && !strcmp(f->alias2, name)) ||
		    !strcmp(f->pattern, name))
			return f;
	}
	return NULL;
}

static bool net_kernel_feature(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_kernel_features); i++)
		if (!strcmp(net_kernel_features[i], name))
			return true;
	return false;
}

/* What a canonical key is: a table entry, or a feature (pattern set). */
struct net_what {
	const struct net_key *key;
	const char *pattern; /* features: kernel names it covers */
};

static int net_what(const char *key, struct net_what *ret)
{
	const struct net_feature *f;

	*ret = (struct net_what){ 0 };
	if ((ret->key = net_key_find(key)))
		return 0;
	if ((f = net_feature_find(key))) {
		ret->pattern = f->pattern;
		return 0;
	}
	if (net_kernel_feature(key)) {
		ret->pattern = key;
		return 0;
	}
	return -ENOENT;
}

static char *net_canonical_key(const char *key)
{
	const struct net_key *k = net_key_find(key);
	const struct net_feature *f = net_feature_find(key);

	if (k)
		return xstrdup(k->name);
	if (f)
		return xstrdup(f->name);
	return net_kernel_feature(key) ? xstrdup(key) : NULL;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Interface names as dev_valid_name() takes them; globs may be longer. */
static int net_parse_target(const char *target, char **ret_err)
{
	size_t n = strlen(target);

	if (n == 0) {
		*ret_err = xstrdup("[net] needs an interface name or glob");
		return -EINVAL;
	}
	if (has_control_chars(target) || strpbrk(target, "/: \t") ||
	    !strcmp(target, ".") || !strcmp(target, "..")) {
		*ret_err = xasprintf("'%s' is not an interface name (no '/', "
				     "':', blanks or control characters)",
				     target);
		return -EINVAL;
	}
	if (n >= (is_glob(target) ? NET_MAX_GLOB : IFNAMSIZ)) {
		*ret_err = xasprintf("interface name '%s' is too long (at most "
				     "%d bytes)",
				     target, IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

static int net_parse_key(const char *target, const char *key, char **ret_key,
			 char **ret_err)
{
	char *canon = net_canonical_key(key);

	(void)target;
	if (!canon) {
		*ret_err = xasprintf("unknown net key '%s'", key);
		return -EINVAL;
	}
	*ret_key = canon;
	return 0;
}

/* ---- values ---------------------------------------------------------- */

/* A CPU mask as sysfs prints it ("00000000,0000000f") in canonical form:
 * hex digits only, lower case, no leading zeros ("f"; "0" for none). */
static int net_mask_canonical(const char *s, char **ret)
{
	struct strbuf sb = { 0 };

	if (startswith(s, "0x") || startswith(s, "0X"))
		s += 2;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s == ',')
			continue;
		if (!isxdigit((unsigned char)*s) || sb.len >= NET_MAX_MASK) {
			free(sb.s);
			return -EINVAL;
		}
		if (sb.len == 0 && *s == '0')
			continue;
		strbuf_add(&sb, &(char){ (char)tolower((unsigned char)*s) }, 1);
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "0");
	*ret = strbuf_take(&sb);
	return 0;
}

/* Each blank-separated token of a mask value, canonical. */
static int net_masks_canonical(const char *s, char **ret)
{
	_cleanup_free_ char *norm = normalize_ws(s);
	struct strbuf sb = { 0 };
	char *tok = norm, *next;

	for (; *tok; tok = next) {
		_cleanup_free_ char *m = NULL;

		next = strchrnul(tok, ' ');
		if (*next)
			*next++ = '\0';
		if (net_mask_canonical(tok, &m) < 0) {
			free(sb.s);
			return -EINVAL;
		}
		strbuf_printf(&sb, "%s%s", sb.len ? " " : "", m);
	}
	if (!sb.len)
		return -EINVAL;
	*ret = strbuf_take(&sb);
	return 0;
}

/* The form the kernel's bitmap_parse() takes: 32-bit groups, commas. */
static char *net_mask_sysfs(const char *canon)
{
	size_t n = strlen(canon), first = n % 8 ? n % 8 : 8;
	struct strbuf sb = { 0 };

	strbuf_add(&sb, canon, first);
	for (size_t i = first; i < n; i += 8) {
		strbuf_puts(&sb, ",");
		strbuf_add(&sb, canon + i, 8);
	}
	return strbuf_take(&sb);
}

static bool net_is_onoff(const char *s)
{
	return !strcmp(s, "on") || !strcmp(s, "off");
}

/* Check each alternative of a parsed value against the key's type. */
static int net_check_alts(enum net_type type, struct expect *e, char **ret_err)
{
	for (int i = 0; i < e->n_alts; i++) {
		uint64_t v;
		char *m = NULL;

		if (type == NET_NUM &&
		    parse_uint64(e->alts[i], UINT32_MAX, &v) < 0) {
			*ret_err =
				xasprintf("expected an integer from 0 to %u, "
					  "got '%s'",
					  UINT32_MAX, e->alts[i]);
			return -EINVAL;
		}
		if (type == NET_BOOL && !net_is_onoff(e->alts[i])) {
			*ret_err = xasprintf("expected 'on' or 'off', got '%s'",
					     e->alts[i]);
			return -EINVAL;
		}
		if (type == NET_MASK) {
			if (net_masks_canonical(e->alts[i], &m) < 0) {
				*ret_err = xasprintf("expected a hexadecimal "
						     "CPU mask, got '%s'",
						     e->alts[i]);
				return -EINVAL;
			}
			free(e->alts[i]);
			e->alts[i] = m;
		}
	}
	return 0;
}

static int net_check_value(enum net_type type, struct expect *e, char **ret_err)
{
	bool numeric = e->op == EXP_GE || e->op == EXP_LE ||
		       e->op == EXP_RANGE || e->op == EXP_MAX;
	uint32_t top = UINT32_MAX;

	if (type != NET_NUM && numeric) {
		*ret_err = xstrdup(type == NET_BOOL ?
					   "expected 'on' or 'off'" :
					   "a CPU mask takes an exact value");
		return -EINVAL;
	}
	if ((e->op == EXP_GE || e->op == EXP_RANGE) &&
	    (e->lo.neg || e->lo.mag > top)) {
		*ret_err = xasprintf("bound out of range (0 to %u)", top);
		return -EINVAL;
	}
	if ((e->op == EXP_LE || e->op == EXP_RANGE) &&
	    (e->hi.neg || e->hi.mag > top)) {
		*ret_err = xasprintf("bound out of range (0 to %u)", top);
		return -EINVAL;
	}
	return net_check_alts(type, e, ret_err);
}

static int net_parse_setting(const char *target, const char *key,
			     const char *value, char **ret_key,
			     struct expect *ret, char **ret_err)
{
	_cleanup_free_ char *canon = NULL;
	struct net_what w;
	enum net_type type;
	struct expect e;
	int r;

	r = net_parse_key(target, key, &canon, ret_err);
	if (r < 0)
		return r;
	net_what(canon, &w);
	type = w.key ? w.key->type : NET_BOOL;
	r = expect_parse(value,
			 w.key && w.key->attr == IFLA_MTU ? UNIT_BYTES :
							    UNIT_NONE,
			 w.key && w.key->max_attr, &e, ret_err);
	if (r < 0)
		return r;
	r = net_check_value(type, &e, ret_err);
	if (r < 0) {
		expect_free(&e);
		return r;
	}
	*ret = e;
	*ret_key = TAKE_PTR(canon);
	return 0;
}

/* ---- the run's cache ------------------------------------------------- */

/* Attribute values of one message, by attribute type. */
struct net_attrs {
	bool loaded;
	int err; /* why the message could not be had */
	uint64_t present;
	uint32_t v[64];
};

struct net_bitset {
	uint32_t nbits;
	uint32_t *w;
};

struct net_feature_state {
	bool loaded;
	int err;
	struct net_bitset hw, active, nochange;
};

struct net_link {
	char name[IFNAMSIZ];
	uint32_t index, flags;
	struct net_attrs attrs;
	bool stale; /* changed by us: ask the kernel again */
	struct net_attrs eth[NET_ETH_KINDS];
	struct net_feature_state feat;
};

/* One run's view of the host: made on first use, freed with the host. */
struct net_state {
	struct nl_sock *rtnl, *genl;
	bool links_loaded;
	int links_err;
	struct net_link **links; /* sorted by name */
	size_t n_links;
	bool ethtool_resolved;
	int ethtool_err;
	struct nl_family ethtool;
	bool names_loaded;
	int names_err;
	char **names; /* ETH_SS_FEATURES, by bit */
	size_t n_names;
};

extern const struct check_ops net_ops;

static void net_bitset_free(struct net_bitset *b)
{
	free(b->w);
	*b = (struct net_bitset){ 0 };
}

static void net_feature_state_clear(struct net_feature_state *f)
{
	net_bitset_free(&f->hw);
	net_bitset_free(&f->active);
	net_bitset_free(&f->nochange);
	*f = (struct net_feature_state){ 0 };
}

static void net_link_free(struct net_link *l)
{
	if (!l)
		return;
	net_feature_state_clear(&l->feat);
	free(l);
}

static int net_open(const struct host *h, void **ret)
{
	(void)h;
	*ret = xcalloc(1, sizeof(struct net_state));
	return 0;
}

static void net_close(void *v)
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

/* ---- rtnetlink ------------------------------------------------------- */

static const enum mnl_attr_data_type link_policy[IFLA_MAX_MTU + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING, [IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_TXQLEN] = MNL_TYPE_U32,	     [IFLA_MIN_MTU] = MNL_TYPE_U32,
	[IFLA_MAX_MTU] = MNL_TYPE_U32,
};

/* Store the integer attributes of tb (per policy) in a. */
static void net_attrs_store(const struct nlattr **tb,
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

static bool net_attr_has(const struct net_attrs *a, uint16_t attr)
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
static int net_links_load(struct net_state *st)
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

static int net_link_get(struct net_state *st, const char *name,
			struct net_link **ret)
{
	struct net_link key = { 0 }, *kp = &key, **found;
	int r = net_links_load(st);

	if (r < 0)
		return r;
	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	memcpy(key.name, name, strlen(name) + 1);
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
static void net_link_changed(struct net_link *l)
{
	l->stale = true;
	for (int i = 0; i < NET_ETH_KINDS; i++)
		l->eth[i] = (struct net_attrs){ 0 };
	net_feature_state_clear(&l->feat);
}

static int net_link_set(struct net_state *st, struct net_link *l, uint16_t attr,
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

/* ---- ethtool netlink ------------------------------------------------- */

/* The ethtool family, resolved once per run. */
static int net_ethtool(struct net_state *st, unsigned cmd)
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
static struct nlmsghdr *net_ethtool_msg(void *buf, const struct net_state *st,
					uint8_t cmd, const char *dev,
					uint32_t flags)
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

static struct net_attrs *net_eth_get(struct net_state *st, struct net_link *l,
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

/* ---- features -------------------------------------------------------- */

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

static int net_features_set(struct net_state *st, struct net_link *l,
			    const char *pattern, const char *value,
			    char **ret_msg)
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

/* ---- sysfs: --root links and the queue masks ------------------------- */

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

/* On a live host, is sysfs's dev the link netlink knows by that name?
 * In a network namespace whose /sys was not mounted afresh, sysfs still
 * shows the creator's devices: a same-named one there is not ours, and
 * its queues must be neither read nor written. */
static int net_sysfs_is_ours(const struct host *h, const char *dev)
{
	_cleanup_free_ char *path = NULL, *raw = NULL;
	struct net_link *l;
	uint64_t index;
	int r;

	if (!h->live)
		return 0;
	if (!check_state(h, &net_ops))
		return -ENOMEM;
	r = net_link_get(check_state(h, &net_ops), dev, &l);
	if (r < 0)
		return r;
	path = xasprintf("sys/class/net/%s/ifindex", dev);
	r = hostfs_read(h, path, &raw, NULL);
	if (r < 0)
		return r;
	if (parse_uint64(raw, UINT32_MAX, &index) < 0 || index != l->index)
		return -ENODEV;
	return 0;
}

/* Every queue's mask; one value when they agree, else one per queue. */
static int net_read_masks(const struct host *h, const struct net_key *k,
			  struct check *c)
{
	struct ptrvec queues = { 0 };
	struct strbuf all = { 0 };
	char *first = NULL;
	bool same = true;
	int r = net_sysfs_is_ours(h, c->target);

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

static int net_write_masks(const struct host *h, const struct net_key *k,
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

static int net_read_sysfs_link(const struct host *h, const struct net_key *k,
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

/* ---- the ops --------------------------------------------------------- */

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

static int net_read_feature(struct net_state *st, struct net_link *l,
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

/* An ethtool *_SET of one integer attribute. */
static int net_eth_set(struct net_state *st, struct net_link *l,
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

/* The interfaces a glob may match: from the dump on a live host (sysfs
 * if netlink is unavailable), from sys/class/net under --root. */
static void net_names_of_host(const struct host *h, struct ptrvec *out)
{
	struct net_state *st = check_state(h, &net_ops);
	char **names = NULL;
	size_t n = 0;

	if (h->live && st && net_links_load(st) == 0) {
		for (size_t i = 0; i < st->n_links; i++)
			if (!(st->links[i]->flags & IFF_LOOPBACK))
				ptrvec_push(out, xstrdup(st->links[i]->name));
		return;
	}
	if (hostfs_list(h, "sys/class/net", &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir =
			xasprintf("sys/class/net/%s", names[i]);
		struct stat st_dir;

		if (strcmp(names[i], "lo") &&
		    hostfs_stat(h, dir, &st_dir) == 0 &&
		    S_ISDIR(st_dir.st_mode))
			ptrvec_push(out, TAKE_PTR(names[i]));
	}
	strv_free(names, n);
}

static int net_expand(const struct host *h, const struct setting *s,
		      struct ptrvec *out)
{
	struct ptrvec names = { 0 };
	size_t before = out->n;
	struct check *c;

	if (!is_glob(s->target)) {
		ptrvec_push(out, check_new(s->ops, s->target, s->key));
		return 0;
	}
	net_names_of_host(h, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (fnmatch(s->target, names.v[i], 0))
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

/*
 * A feature group whose members disagree reads as "name=on name=off ...".
 * Like the kernel's legacy ETHTOOL_GTSO (and so `ethtool -k`), the group
 * counts as on when any member is on: tso stays "on" on NICs that keep
 * tx-tcp-mangleid-segmentation off by default. The exact member states are
 * still what a snapshot saves.
 */
static bool net_match(const struct host *h, const struct check *c)
{
	const struct expect *e = &c->setting->expect;

	(void)h;
	if (c->actual && strchr(c->actual, '=') && e->op == EXP_EXACT &&
	    net_is_onoff(e->alts[0])) {
		bool any_on = strstr(c->actual, "=on") != NULL;

		return !strcmp(e->alts[0], "on") ? any_on : !any_on;
	}
	return expect_match(e, c->actual, c->max);
}

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
	.match = net_match,
	.why = net_why,
};
