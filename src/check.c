// SPDX-License-Identifier: GPL-2.0-or-later
/* One check: reading it from the host and judging it against its setting. */
#include <errno.h>
#include <string.h>

#include "hosttune/check.h"

static const char *const status_names[_ST_MAX] = {
	[ST_OK] = "ok",		  [ST_DEVIATION] = "deviation",
	[ST_MISSING] = "missing", [ST_ERROR] = "error",
	[ST_MANUAL] = "manual",
};

const char *status_name(enum status s)
{
	return s < _ST_MAX ? status_names[s] : "?";
}

static const char *const impact_names[] = {
	[IMPACT_LOW] = "low",
	[IMPACT_MEDIUM] = "medium",
	[IMPACT_HIGH] = "high",
};

const char *impact_name(enum impact i)
{
	return i > IMPACT_UNSET && i <= IMPACT_HIGH ? impact_names[i] : NULL;
}

int impact_parse(const char *s, enum impact *ret)
{
	for (enum impact i = IMPACT_LOW; i <= IMPACT_HIGH; i++)
		if (!strcmp(s, impact_names[i])) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

int check_setting_parsed(int r, struct expect *e, char **ret_key,
			 struct expect *ret, char **ret_err)
{
	if (r < 0) {
		if (!*ret_err)
			*ret_err = xstrdup("invalid value");
		free(*ret_key);
		*ret_key = NULL;
		expect_free(e);
		return -EINVAL;
	}
	*ret = *e;
	return 0;
}

/* A check's id, "domain:[target:]key", at p: the one format both
 * check_make_id() and check_new() write. */
static void put_id(char *p, const char *domain, const char *target,
		   const char *key)
{
	p = mempcpy(p, domain, strlen(domain));
	*p++ = ':';
	if (target) {
		p = mempcpy(p, target, strlen(target));
		*p++ = ':';
	}
	memcpy(p, key, strlen(key) + 1);
}

char *check_make_id(const char *domain, const char *target, const char *key)
{
	char *id = xmalloc(strlen(domain) + 1 +
			   (target ? strlen(target) + 1 : 0) + strlen(key) + 1);

	put_id(id, domain, target, key);
	return id;
}

/* An id is made of names the host gives (a device's, an interface's, a
 * mount point's, a process's): where one holds a byte a terminal would
 * act on (a line break too), the id is its escaped text, so no report,
 * plan or message that names the check shows it raw. */
static void shown_id(struct check *c)
{
	char *owned = NULL;

	display_shown(c->id, &owned);
	if (owned) {
		if (c->own_id)
			free(c->id);
		c->id = owned;
		c->own_id = true;
	}
}

/* One allocation holds the check and its target, key and id, which the
 * check keeps for life (check_set_id() may give it another id): an audit
 * makes a check a setting and snapshot --all one a key, and each string
 * apart was a malloc and a free. */
struct check *check_new(const struct check_ops *ops, const char *target,
			const char *key)
{
	size_t nd = strlen(ops->name), nt = target ? strlen(target) + 1 : 0,
	       nk = strlen(key) + 1;
	/* target NUL, key NUL, then the id: "domain:[target:]key" NUL */
	struct check *c = xcalloc(1, sizeof(*c) + 2 * (nt + nk) + nd + 1);
	char *p = (char *)(c + 1);

	c->ops = ops;
	if (target) {
		c->target = p;
		p = mempcpy(p, target, nt);
	}
	c->key = p;
	c->id = mempcpy(p, key, nk);
	put_id(c->id, ops->name, target, key);
	c->status = ST_OK;
	shown_id(c);
	return c;
}

void check_set_id(struct check *c, char *id)
{
	if (c->own_id)
		free(c->id);
	c->id = id;
	c->own_id = true;
	shown_id(c);
}

void check_free(void *v)
{
	struct check *c = v;

	if (!c)
		return;
	if (c->own_id)
		free(c->id);
	free(c->actual);
	free(c->raw);
	free(c->max);
	free(c->offered);
	free(c->detail);
	free(c->want);
	free(c->boot_source);
	free(c);
}

static void classify_error(struct check *c, int r)
{
	switch (-r) {
	case ENOENT:
	case ENOTDIR:
	case ENODEV:
	case ENXIO:
	case EOPNOTSUPP:
		c->status = ST_MISSING;
		c->detail = xstrdup("does not exist on this host");
		break;
	case EACCES:
	case EPERM:
		c->status = ST_ERROR;
		c->detail = xstrdup("permission denied");
		break;
	case EFBIG:
		c->status = ST_ERROR;
		c->detail = xstrdup("value larger than 1 MiB");
		break;
	case EBADMSG:
		c->status = ST_ERROR;
		c->detail = xstrdup("value contains a NUL byte");
		break;
	case EINVAL:
		c->status = ST_ERROR;
		c->detail = xstrdup("not a regular file or an invalid path");
		break;
	case EMLINK:
	case EREMOTE:
		c->status = ST_ERROR;
		c->detail = xstrdup(hostfs_strerror(r));
		break;
	default:
		c->status = ST_ERROR;
		c->detail = xstrdup(strerror(-r));
	}
}

void *check_state(const struct host *h, const struct check_ops *ops)
{
	struct host_slot *slot = NULL;

	for (size_t i = 0; h->slots && check_registry[i]; i++)
		if (check_registry[i] == ops && i < HOST_MAX_DOMAINS)
			slot = &h->slots[i];
	if (!slot || !ops->open)
		return NULL;
	if (!slot->state && ops->open(h, &slot->state) == 0)
		slot->close = ops->close;
	return slot->state;
}

/* A choice key: the first of the profile's alternatives the host offers,
 * or (when it does not say) the first of them, taken on trust. */
static const char *choice_want(const struct check *c)
{
	const struct expect *e = &c->setting->expect;

	if (!c->offered)
		return e->n_alts ? e->alts[0] : NULL;
	return choice_pick(e, c->offered);
}

bool check_matches(const struct host *h, const struct check *c)
{
	const char *want;

	if (!c->setting || !c->actual)
		return false;
	/* a choice key is the shared code's, whatever hooks the domain has */
	if (c->choice && c->offered) {
		want = choice_want(c);
		return want && !strcmp(want, c->actual);
	}
	if (c->choice)
		return expect_match(&c->setting->expect, c->actual, NULL);
	if (c->ops->match)
		return c->ops->match(h, c);
	return expect_match(&c->setting->expect, c->actual, c->max);
}

int check_plan_value(const struct host *h, const struct check *c, char **ret)
{
	const char *want;

	if (c->ops->plan)
		return c->ops->plan(h, c, ret);
	if (c->choice) {
		want = choice_want(c);
		if (!want)
			return -EINVAL;
		*ret = xstrdup(want);
		return 0;
	}
	return expect_plan(&c->setting->expect, c->actual, c->max, ret);
}

void check_read_found(const struct host *h, struct ptrvec *v,
		      check_found_fn found, void *ctx)
{
	for (size_t i = 0; i < v->n; i++) {
		check_read(h, v->v[i]);
		found(v->v[i], ctx);
	}
	ptrvec_free(v, NULL);
}

/* A check's detail is one line of text: the host's values in it (a
 * tree's file can hold a line break or a terminal's control bytes) are
 * escaped, so a report or an error message shows no line the host wrote. */
static void detail_one_line(struct check *c)
{
	if (c->detail && strchr(c->detail, '\n')) {
		char *shown = display_escape(c->detail);

		free(c->detail);
		c->detail = shown;
	}
}

static void read_unchecked(const struct host *h, struct check *c)
{
	int r;

	if (c->unmatched) {
		c->status = ST_MISSING;
		return;
	}
	free(c->actual);
	free(c->raw);
	free(c->max);
	free(c->offered);
	free(c->detail);
	c->actual = c->raw = c->max = c->offered = c->detail = NULL;
	c->status = ST_OK;
	c->read_only = false;
	c->choice = false;
	r = c->ops->read(h, c);
	if (r < 0) {
		free(c->actual);
		free(c->raw);
		c->actual = c->raw = NULL;
		classify_error(c, r);
		return;
	}
	if (c->actual && !c->raw)
		c->raw = xstrdup(c->actual);
	if (c->status != ST_OK || !c->setting)
		return;
	if (c->choice && c->offered && !c->detail && !choice_want(c))
		c->detail = xasprintf("not offered by %s, which offers: %s",
				      c->target ? c->target : "this kernel",
				      *c->offered ? c->offered : "nothing");
	c->status = check_matches(h, c) ? ST_OK : ST_DEVIATION;
}

void check_read(const struct host *h, struct check *c)
{
	read_unchecked(h, c);
	detail_one_line(c);
}
