// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The net domain's keys and values: the tables of keys, offload features
 * and kernel feature names; how a target, a key and a value are parsed;
 * CPU masks in canonical and sysfs form.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "hosttune/cpuset.h"
#include "hosttune/target.h"
#include "net.h"

#define NET_MAX_GLOB 255

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

const struct net_key *net_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++)
		if (!strcmp(net_keys[i].name, name) ||
		    (net_keys[i].alias && !strcmp(net_keys[i].alias, name)))
			return &net_keys[i];
	return NULL;
}

/* A feature key by any of its names; a kernel name that one ethtool name
 * stands for alone ("rx-gro") is that name ("gro"). */
const struct net_feature *net_feature_find(const char *name)
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

int net_what(const char *key, struct net_what *ret)
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

bool net_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Interface names as dev_valid_name() takes them; globs may be longer. */
static int net_parse_name(const char *target, char **ret_err)
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
	if (n >= (net_is_glob(target) ? NET_MAX_GLOB : IFNAMSIZ)) {
		*ret_err = xasprintf("interface name '%s' is too long (at most "
				     "%d bytes)",
				     target, IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

/* A target list (target.h): the limits are each element's. */
int net_parse_target(const char *target, char **ret_err)
{
	return target_list_validate(target, net_parse_name, ret_err);
}

int net_parse_key(const char *target, const char *key, char **ret_key,
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

/* A CPU mask (as sysfs prints it, "00000000,0000000f", or as a profile
 * writes it) in canonical form: one hex number, lower case, no leading
 * zeros ("f"; "0" for none). Commas separate the kernel's 32-bit groups:
 * "f,f" is CPUs 0-3 and 32-35, as bitmap_parse() reads it. */
int net_mask_canonical(const char *s, char **ret)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };

	if (cpuset_parse_mask(s, CPUSET_MAX, &set, NULL) < 0)
		return -EINVAL;
	*ret = cpuset_format_hex(&set);
	return 0;
}

/* Each blank-separated token of a mask value, canonical. */
int net_masks_canonical(const char *s, char **ret)
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
char *net_mask_sysfs(const char *canon)
{
	_cleanup_cpuset_ struct cpuset set = { 0 };

	if (cpuset_parse_mask(canon, CPUSET_MAX, &set, NULL) < 0)
		return xstrdup(canon); /* canonical already: never here */
	return cpuset_format_mask(&set);
}

bool net_is_onoff(const char *s)
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

int net_parse_setting(const char *target, const char *key, const char *value,
		      char **ret_key, struct expect *ret, char **ret_err)
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
