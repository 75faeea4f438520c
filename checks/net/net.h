/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CHECKS_NET_H
#define HOSTTUNE_CHECKS_NET_H

/*
 * The net domain: per-interface settings in [net IFNAME] sections, where
 * IFNAME may be a target list of globs ("eth*", "en*,!enp0s31f6";
 * target.h); a bare "*" is every interface but the loopback device, which
 * is tuned only when named or matched by another glob ("lo", "l*").
 *
 * On a live host the link table comes from one RTM_GETLINK dump per run,
 * cached for the run (a link is asked for again only after we changed
 * it); mtu and txqueuelen are changed with RTM_NEWLINK as ip(8) does;
 * offload features, rings, channels and coalescing go over ethtool netlink;
 * RPS/XPS masks are the sysfs files of every queue. Under --root only files
 * exist: mtu and txqueuelen are sys/class/net/IF/{mtu,tx_queue_len}, the
 * masks are the queue files, and the rest is missing. What a device does
 * not support (EOPNOTSUPP) is missing, never an error.
 *
 * The files, as ethtool's netlink/ directory is cut:
 *   keys.c      the tables of keys and features; targets, keys, values
 *   links.c     the run's state; rtnetlink link dump, get and set
 *   ethtool.c   the ethtool family; rings, channels, coalescing
 *   features.c  string sets, bitsets; offload features read and set
 *   queues.c    sysfs: --root links and the RPS/XPS queue masks
 *   net.c       the ops: read, write, expand, match, why
 *
 * This header is private to the domain: only the files of checks/net/
 * include it (and tests/unit/test_net.c, through them).
 */

#include <net/if.h>

#include "hosttune/check.h"
#include "hosttune/netlink.h"

extern const struct check_ops net_ops;

/* ---- keys ------------------------------------------------------------ */

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

/* Offload features by ethtool's names; each stands for the kernel
 * features matching pattern (a group, as in ethtool -K). */
struct net_feature {
	const char *name;
	const char *alias; /* ethtool -k's long name */
	const char *alias2;
	const char *pattern;
	const char *why;
};

/* What a canonical key is: a table entry, or a feature (pattern set). */
struct net_what {
	const struct net_key *key;
	const char *pattern; /* features: kernel names it covers */
};

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
	bool sysfs_checked;
	int sysfs_err; /* -ENODEV: sysfs shows another namespace's devices */
};

/* ---- shared between the files ---------------------------------------- */

/* keys.c */
const struct net_key *net_key_find(const char *name);
const struct net_feature *net_feature_find(const char *name);
int net_what(const char *key, struct net_what *ret);
bool net_is_glob(const char *s);
int net_parse_target(const char *target, char **ret_err);
int net_parse_key(const char *target, const char *key, char **ret_key,
		  char **ret_err);
int net_parse_setting(const char *target, const char *key, const char *value,
		      char **ret_key, struct expect *ret, char **ret_err);
int net_mask_canonical(const char *s, char **ret);
int net_masks_canonical(const char *s, char **ret);
char *net_mask_sysfs(const char *canon);
bool net_is_onoff(const char *s);

/* links.c */
int net_open(const struct host *h, void **ret);
void net_close(void *v);
void net_attrs_store(const struct nlattr **tb,
		     const enum mnl_attr_data_type *policy, uint16_t max,
		     struct net_attrs *a);
bool net_attr_has(const struct net_attrs *a, uint16_t attr);
int net_links_load(struct net_state *st);
int net_link_get(struct net_state *st, const char *name, struct net_link **ret);
void net_link_changed(struct net_link *l);
int net_link_set(struct net_state *st, struct net_link *l, uint16_t attr,
		 uint32_t value, char **ret_msg);

/* ethtool.c */
int net_ethtool(struct net_state *st, unsigned cmd);
struct nlmsghdr *net_ethtool_msg(void *buf, const struct net_state *st,
				 uint8_t cmd, const char *dev, uint32_t flags);
struct net_attrs *net_eth_get(struct net_state *st, struct net_link *l,
			      enum net_kind kind);
int net_eth_set(struct net_state *st, struct net_link *l,
		const struct net_key *k, uint32_t v, char **ret_msg);

/* features.c */
void net_feature_state_clear(struct net_feature_state *f);
int net_read_feature(struct net_state *st, struct net_link *l,
		     const char *pattern, struct check *c);
int net_features_set(struct net_state *st, struct net_link *l,
		     const char *pattern, const char *value, char **ret_msg);

/* queues.c */
int net_read_masks(const struct host *h, const struct net_key *k,
		   struct check *c);
int net_write_masks(const struct host *h, const struct net_key *k,
		    const char *dev, const char *value);
int net_read_sysfs_link(const struct host *h, const struct net_key *k,
			struct check *c);

#endif
