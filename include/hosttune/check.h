/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CHECK_H
#define HOSTTUNE_CHECK_H

#include "hosttune/expect.h"
#include "hosttune/hostfs.h"
#include "hosttune/util.h"

enum status {
	ST_OK,
	ST_DEVIATION,
	ST_MISSING,
	ST_ERROR,
	ST_MANUAL,
	_ST_MAX,
};
const char *status_name(enum status s);

/* How much a setting matters, as its profile line or domain says. */
enum impact {
	IMPACT_UNSET,
	IMPACT_LOW,
	IMPACT_MEDIUM,
	IMPACT_HIGH,
};
/* "low", "medium", "high"; NULL for IMPACT_UNSET. */
const char *impact_name(enum impact i);
/* Parse "low", "medium" or "high": 0, or -EINVAL. */
int impact_parse(const char *s, enum impact *ret);

struct check_ops;

/* One setting of a flattened profile: a line of some profile file. */
struct setting {
	const struct check_ops *ops;
	char *target; /* section argument ("eth*", "/data"), NULL if none */
	char *key; /* canonical key */
	struct expect expect;
	/* file name for reports ("throughput.ini"), one of its profile's
	 * labels (struct profile), which outlive it */
	const char *file;
	int line;
	/* the profile's comment, else the domain's reason (a string of the
	 * domain's own, not copied: own_why says which) */
	const char *why;
	/* where a reader can check the reason (a kernel documentation
	 * path, a man page, a vendor guide and section): the profile
	 * line's "ref:", else the domain's (own_ref, as own_why) */
	const char *ref;
	bool own_why, own_ref;
	enum impact impact; /* the profile line's "impact:" */
	int order;
	/* "-key" (as in sysctl.d): its missing never counts, not even
	 * against --strict */
	bool optional;
};

/* One concrete check: a setting resolved against the host. */
struct check {
	const struct setting *setting; /* NULL for snapshot entries */
	const struct check_ops *ops;
	/* The concrete target that read/write/snapshot use, NULL if the
	 * domain has none ("eth0", "/data", "pid:1234"). */
	char *target;
	char *key; /* concrete canonical key */
	/* "sysctl:vm.swappiness", "net:eth0:mtu". check_new() builds it from
	 * target and key; a domain may replace it with check_set_id()
	 * (rlimit names a process pattern: "rlimit:nginx:nofile" for target
	 * "pid:1234"). A check's identity is (id, target). target, key and
	 * the id check_new() made live in the check's own allocation. */
	char *id;
	bool own_id; /* id was allocated apart (check_set_id) */
	bool from_glob;
	bool read_only; /* readable, but the host refuses writes */
	bool unmatched; /* a pattern that matched nothing: always missing */
	char *actual; /* normalised current value, NULL if unread */
	char *raw; /* the value as read, for snapshots */
	char *max; /* the device's maximum, where it reports one */
	/* A choice key (a governor, a scheduler): read() sets choice, and
	 * offered to the entries the host offers (space-separated), or
	 * leaves offered NULL when the host does not say. The shared
	 * match and plan then pick the first of the profile's alternatives
	 * on offer, so each value is read once per run. */
	bool choice;
	char *offered;
	enum status status;
	/* what the host gets at boot (audit only; see bootconf.h) */
	enum {
		BOOT_UNJUDGED,
		BOOT_NONE, /* nothing sets it at boot */
		BOOT_HOLDS, /* what is set at boot satisfies the setting */
		BOOT_LOST, /* it does not */
	} boot;
	char *boot_source; /* "FILE:LINE" of the boot setting that wins */
	char *detail; /* why missing/error/manual */
	char *want; /* planned value */
};

enum target_rule {
	TARGET_NONE, /* [sysctl] */
	TARGET_REQUIRED, /* [net IF] */
	TARGET_OPTIONAL, /* [cpu] or [cpu 0-3] */
};

/* Given each setting an enumeration finds, read (check_ops.enumerate). */
typedef void (*check_found_fn)(struct check *c, void *ctx);

/*
 * A domain: one exported instance per checks/ file or directory, listed in
 * checks/registry.c. Every function returns 0 or a negative errno, and
 * never prints.
 */
struct check_ops {
	const char *name; /* section name and id prefix */
	enum target_rule target;
	/* Capability every write of the domain needs on a live host
	 * (CAP_*), -1 for none. */
	int cap;
	/* Values may have several blank-separated fields, each with a form
	 * of its own ("4096 >=131072 >=16M"); other domains refuse that. */
	bool fields;
	/* A key may start with '-': the setting is optional (sysctl.d). */
	bool optional_prefix;
	/* hosttune's own (the file domain): snapshots name it, profiles
	 * cannot. */
	bool internal;

	/* Validate a section argument; *ret_err explains -EINVAL. */
	int (*parse_target)(const char *target, char **ret_err);
	/* Canonicalise and validate a key (also used for snapshot entries):
	 * *ret_key is the canonical form. */
	int (*parse_key)(const char *target, const char *key, char **ret_key,
			 char **ret_err);
	/* Canonicalise and validate a key, parse its value into ret.
	 * *ret_key is the canonical key. */
	int (*parse_setting)(const char *target, const char *key,
			     const char *value, char **ret_key,
			     struct expect *ret, char **ret_err);
	/* Resolve a setting's globs against the host; append struct check
	 * pointers (made with check_new) to out. A pattern that matches
	 * nothing appends one check with status ST_MISSING. */
	int (*expand)(const struct host *h, const struct setting *s,
		      struct ptrvec *out);
	/* Read c->target/c->key: set c->actual (normalised) and, where the
	 * domain has one, c->max. Return -errno to have the engine classify
	 * (ENOENT/ENODEV/EOPNOTSUPP: missing; others: error), or 0 having
	 * set c->status (ST_MANUAL for settings that can be seen but not
	 * changed, ST_MISSING or ST_ERROR where the domain knows better than
	 * an errno) and c->detail saying why. */
	int (*read)(const struct host *h, struct check *c);
	/* Optional: make the domain's state for one run (sockets, dumps,
	 * process tables) in *ret; close frees it when the host is closed.
	 * Domains reach it with check_state(). */
	int (*open)(const struct host *h, void **ret);
	void (*close)(void *state);
	/* Write value to target/key. On failure, *ret_why (when not NULL)
	 * may be set to the host's own words for it (netlink's extended
	 * ack); the caller frees it. */
	int (*write)(const struct host *h, const char *target, const char *key,
		     const char *value, char **ret_why);
	/* Optional: does actual satisfy the expectation (default
	 * expect_match), and what to write (default expect_plan). */
	bool (*match)(const struct host *h, const struct check *c);
	int (*plan)(const struct host *h, const struct check *c, char **ret);
	/* Optional: a reason why writing value could not be undone by a
	 * rollback (e.g. lowering a hard rlimit), or NULL, judged against
	 * h->caps. apply refuses such changes unless --force is given.
	 * Caller frees. */
	char *(*irreversible)(const struct host *h, const struct check *c,
			      const char *value);
	/* Optional: a capability (CAP_*) this one write needs on a live
	 * host in addition to cap above, or -1 for none. */
	int (*cap_for)(const struct host *h, const struct check *c,
		       const char *value);
	/* Optional: keys (patterns allowed) that writing this key changes as
	 * a side effect, NULL-terminated: they are saved with the change
	 * and restored on rollback, never written by apply. */
	const char *const *(*companions)(const char *key);
	/* Optional: where the kernel cares about the order of writes, a
	 * rank for writing value to c (lower first; the default is 1). The
	 * plan orders its writes by rank, whatever the order of profile
	 * lines: rlimit raises a hard limit before its soft limit (0) and
	 * lowers it after (2). */
	int (*rank)(const struct check *c, const char *value);
	/* Optional: give a check made from a snapshot entry the id an audit
	 * would (rlimit names a process COMM@PID, not by its target). */
	void (*rename)(const struct host *h, struct check *c);
	/* Optional: value holds at key already, though a read would not
	 * say so: nothing is planned, saved or written for it (the file
	 * domain: no file of hosttune's is wanted, and the administrator's
	 * mask, a symlink, gives that; it is not hosttune's to remove). */
	bool (*holds_unread)(const struct host *h, const char *key,
			     const char *value);
	/* Optional: the built-in reason for a key, or NULL. */
	const char *(*why)(const char *key);
	/* Optional: the built-in reference for a key, or NULL: where a
	 * reader looks the key up ("Documentation/admin-guide/sysctl/vm.rst",
	 * "prlimit(1)"). */
	const char *(*ref)(const char *key);
	/* Optional: every readable setting of the domain, for snapshot --all,
	 * each read (check_read) when it is found, then given to found,
	 * which owns it from then on: a walk reads a directory's values
	 * while it has the directory open, and the caller can save a value
	 * and free its check before the next is made. */
	int (*enumerate)(const struct host *h, check_found_fn found, void *ctx);
};

extern const struct check_ops *const check_registry[];
/* The domain's per-run state on h, made with ops->open on first use;
 * NULL when it could not be made (or h was not made by host_open). */
void *check_state(const struct host *h, const struct check_ops *ops);
const struct check_ops *check_ops_find(const char *name);

/* The end of a domain's parse_setting once its key is in *ret_key and its
 * value in *e: on r < 0 free both, make sure *ret_err says something and
 * return -EINVAL; else hand e over to ret and return 0. */
int check_setting_parsed(int r, struct expect *e, char **ret_key,
			 struct expect *ret, char **ret_err);

/* Make a check; id is built from ops->name, target and key. */
struct check *check_new(const struct check_ops *ops, const char *target,
			const char *key);
void check_free(void *c);
/* Give c the id (allocated; c owns it), freeing its former one. */
void check_set_id(struct check *c, char *id);
char *check_make_id(const char *domain, const char *target, const char *key);

/* Read c from the host and classify it: sets actual, status, detail. */
void check_read(const struct host *h, struct check *c);
/* check_read() of each of v's checks, each then given to found (which
 * owns it); v is left empty. For enumerations that make a few checks
 * at a time. */
void check_read_found(const struct host *h, struct ptrvec *v,
		      check_found_fn found, void *ctx);
/* Does c's current value satisfy its setting? */
bool check_matches(const struct host *h, const struct check *c);
/* What to write for c to satisfy its setting. */
int check_plan_value(const struct host *h, const struct check *c, char **ret);

#endif
