// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit: expand a profile into concrete checks (globs resolved, an
 * explicit key beating a glob) and read them. What to change, and how, is
 * the transaction's (transaction.c).
 */
#include <errno.h>
#include <string.h>

#include "hosttune/engine.h"

static int check_identity_cmp(const struct check *a, const struct check *b)
{
	int r = strcmp(a->id, b->id);

	if (r || (!a->target && !b->target))
		return r;
	if (!a->target || !b->target)
		return a->target ? 1 : -1;
	return strcmp(a->target, b->target);
}

struct ranked {
	struct check *c;
	size_t pos;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int r = check_identity_cmp(x->c, y->c);

	if (r)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int cmp_pos(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Does a beat b for the same id? As in systemd's sysctl.d, an explicit key
 * beats any glob; otherwise the later setting wins. */
static bool beats(const struct check *a, const struct check *b)
{
	if (a->from_glob != b->from_glob)
		return !a->from_glob;
	return a->setting->order > b->setting->order;
}

/* Keep one check per id, in expansion order. */
static void dedupe(struct ptrvec *checks)
{
	struct ranked *r = xcalloc(checks->n, sizeof(*r));
	size_t n = 0;

	for (size_t i = 0; i < checks->n; i++)
		r[i] = (struct ranked){ checks->v[i], i };
	qsort(r, checks->n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < checks->n; i++) {
		if (n > 0 && !check_identity_cmp(r[n - 1].c, r[i].c)) {
			if (beats(r[i].c, r[n - 1].c)) {
				check_free(r[n - 1].c);
				r[n - 1] = r[i];
			} else {
				check_free(r[i].c);
			}
			continue;
		}
		r[n++] = r[i];
	}
	qsort(r, n, sizeof(*r), cmp_pos);
	for (size_t i = 0; i < n; i++)
		checks->v[i] = r[i].c;
	checks->n = n;
	free(r);
}

int engine_audit(const struct host *h, const struct profile *p,
		 struct ptrvec *checks)
{
	for (size_t i = 0; i < p->settings.n; i++) {
		const struct setting *s = p->settings.v[i];
		size_t before = checks->n;
		int r = s->ops->expand(h, s, checks);

		if (r < 0)
			return r;
		if (checks->n > HOST_MAX_CHECKS)
			return -E2BIG;
		for (size_t k = before; k < checks->n; k++)
			((struct check *)checks->v[k])->setting = s;
	}
	dedupe(checks);
	for (size_t i = 0; i < checks->n; i++)
		check_read(h, checks->v[i]);
	return 0;
}

void engine_summary(const struct ptrvec *checks, struct summary *ret)
{
	*ret = (struct summary){ .checks = checks->n };
	for (size_t i = 0; i < checks->n; i++)
		ret->n[((struct check *)checks->v[i])->status]++;
}
