// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan: expand a profile into checks, decide what to change, and carry
 * the change out as a transaction (write, read back, and on the first
 * failure restore everything already changed, in reverse).
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

const char *change_status_name(enum change_status s)
{
	static const char *const names[] = {
		[CH_PLANNED] = "skipped", [CH_APPLIED] = "applied",
		[CH_FAILED] = "failed",	  [CH_ROLLED_BACK] = "rolled-back",
		[CH_SKIPPED] = "skipped",
	};
	return names[s];
}

void change_free(void *v)
{
	struct change *ch = v;

	if (!ch)
		return;
	if (ch->companion)
		check_free(ch->check);
	free(ch->from);
	free(ch->to);
	free(ch->reason);
	free(ch);
}

static bool change_known(const struct ptrvec *changes, const char *id)
{
	for (size_t i = 0; i < changes->n; i++)
		if (!strcmp(((struct change *)changes->v[i])->check->id, id))
			return true;
	return false;
}

/* Save, ahead of c's change, the values writing c alters as a side effect
 * (vm.dirty_ratio zeroes vm.dirty_bytes), so restoring in reverse order
 * brings them back too. */
static void add_companions(const struct host *h, const struct check *c,
			   struct ptrvec *changes)
{
	const char *const *keys =
		c->ops->companions ? c->ops->companions(c->key) : NULL;

	for (; keys && *keys; keys++) {
		struct setting tmp = { .ops = c->ops, .key = (char *)*keys };
		struct ptrvec found = { 0 };

		if (c->target)
			tmp.target = c->target;
		c->ops->expand(h, &tmp, &found);
		for (size_t i = 0; i < found.n; i++) {
			struct check *k = found.v[i];
			struct change *ch;

			check_read(h, k);
			if (k->unmatched || !k->raw || !strcmp(k->id, c->id) ||
			    change_known(changes, k->id)) {
				check_free(k);
				continue;
			}
			ch = xcalloc(1, sizeof(*ch));
			ch->check = k;
			ch->from = xstrdup(k->raw);
			ch->to = xstrdup(k->raw);
			ch->companion = true;
			ch->status = CH_SKIPPED;
			ptrvec_push(changes, ch);
		}
		free(found.v);
	}
}

/* A companion saved for a value the plan also changes would be saved
 * twice: the change itself keeps the value. */
static void drop_shadowed_companions(struct ptrvec *changes)
{
	size_t n = 0;

	for (size_t i = 0; i < changes->n; i++) {
		struct change *ch = changes->v[i];
		bool shadowed = false;

		for (size_t k = 0; ch->companion && k < changes->n; k++) {
			const struct change *o = changes->v[k];

			shadowed = shadowed ||
				   (!o->companion &&
				    !strcmp(o->check->id, ch->check->id));
		}
		if (shadowed)
			change_free(ch);
		else
			changes->v[n++] = ch;
	}
	changes->n = n;
}

int engine_plan(const struct host *h, struct ptrvec *checks, bool force,
		struct ptrvec *changes, char **ret_err)
{
	struct strbuf err = { 0 };

	for (size_t i = 0; i < checks->n; i++) {
		struct check *c = checks->v[i];
		struct change *ch;
		char *want = NULL;

		if (c->status == ST_ERROR) {
			strbuf_printf(&err, "  %s: cannot be read (%s)\n",
				      c->id, c->detail);
			continue;
		}
		if (c->status != ST_DEVIATION)
			continue;
		if (c->read_only) {
			strbuf_printf(&err, "  %s: read-only on this host\n",
				      c->id);
			continue;
		}
		if (check_plan_value(h, c, &want) < 0) {
			strbuf_printf(&err,
				      "  %s: no value satisfies '%s' "
				      "from '%s'%s%s%s\n",
				      c->id, c->setting->expect.text, c->actual,
				      c->detail ? " (" : "",
				      c->detail ? c->detail : "",
				      c->detail ? ")" : "");
			continue;
		}
		if (c->ops->irreversible) {
			_cleanup_free_ char *why =
				c->ops->irreversible(h, c, want);

			if (why && !force) {
				strbuf_printf(&err,
					      "  %s: %s; rollback could "
					      "not undo it (--force to do it "
					      "anyway)\n",
					      c->id, why);
				free(want);
				continue;
			}
		}
		add_companions(h, c, changes);
		ch = xcalloc(1, sizeof(*ch));
		ch->check = c;
		ch->from = xstrdup(c->raw ? c->raw : c->actual);
		ch->to = want;
		ch->status = CH_PLANNED;
		ptrvec_push(changes, ch);
	}
	drop_shadowed_companions(changes);
	if (err.len) {
		*ret_err = strbuf_take(&err);
		return -EIO;
	}
	return 0;
}

bool same_value(const char *a, const char *b)
{
	_cleanup_free_ char *x = normalize_ws(a), *y = normalize_ws(b);

	return strcmp(x, y) == 0;
}

/* Put one changed value back to what it was. */
int engine_set_value(const struct host *h, struct check *c, const char *value)
{
	int r;

	check_read(h, c);
	if (c->raw && same_value(c->raw, value))
		return 0;
	r = c->ops->write(h, c->target, c->key, value, NULL);
	if (r < 0)
		return r;
	check_read(h, c);
	return c->raw && same_value(c->raw, value) ? 1 : -EIO;
}

static void rollback_changes(const struct host *h, struct ptrvec *changes,
			     size_t failed)
{
	for (size_t j = failed + 1; j-- > 0;) {
		struct change *ch = changes->v[j];
		int r = engine_set_value(h, ch->check, ch->from);

		if (r < 0 && ch->companion) {
			/* Not reported as a change: report on the change
			 * that follows it, whose write altered it. */
			ch->status = CH_FAILED;
			ch->reason = xasprintf("could not restore %s to '%s': "
					       "%s",
					       ch->check->id, ch->from,
					       strerror(-r));
		} else if (r < 0) {
			char *old = ch->reason;

			ch->reason = xasprintf("%s%scould not restore '%s': %s",
					       old ? old : "", old ? "; " : "",
					       ch->from, strerror(-r));
			free(old);
			ch->status = CH_FAILED;
		} else if (j < failed && !ch->companion) {
			ch->status = CH_ROLLED_BACK;
		}
	}
}

char *write_refused(int r, const char *why)
{
	if (why && *why)
		return xasprintf("write refused: %s: %s", strerror(-r), why);
	return xasprintf("write refused: %s", strerror(-r));
}

int engine_execute(const struct host *h, struct ptrvec *changes)
{
	for (size_t i = 0; i < changes->n; i++) {
		struct change *ch = changes->v[i];
		struct check *c = ch->check;
		int r;

		if (ch->companion)
			continue;
		_cleanup_free_ char *why = NULL;

		r = c->ops->write(h, c->target, c->key, ch->to, &why);

		if (r == 0) {
			check_read(h, c);
			if (c->status == ST_OK) {
				ch->status = CH_APPLIED;
				continue;
			}
			ch->reason = xasprintf("read back '%s' after writing "
					       "'%s'",
					       c->actual ? c->actual : "",
					       ch->to);
			r = -EIO;
		} else {
			ch->reason = write_refused(r, why);
		}
		ch->status = CH_FAILED;
		for (size_t k = i + 1; k < changes->n; k++)
			if (!((struct change *)changes->v[k])->companion)
				((struct change *)changes->v[k])->status =
					CH_SKIPPED;
		rollback_changes(h, changes, i);
		return r;
	}
	return 0;
}

uint64_t engine_caps_needed(const struct host *h, const struct ptrvec *changes)
{
	uint64_t caps = 0;

	if (!h->live)
		return 0; /* a tree of ordinary files: permissions decide */
	for (size_t i = 0; i < changes->n; i++) {
		const struct change *ch = changes->v[i];
		const struct check *c = ch->check;
		int cap;

		if (ch->status != CH_PLANNED)
			continue;
		if (c->ops->cap >= 0)
			caps |= UINT64_C(1) << c->ops->cap;
		cap = c->ops->cap_for ? c->ops->cap_for(h, c, ch->to) : -1;
		if (cap >= 0)
			caps |= UINT64_C(1) << cap;
	}
	return caps;
}

size_t engine_changes_count(const struct ptrvec *changes)
{
	size_t n = 0;

	for (size_t i = 0; i < changes->n; i++)
		n += !((struct change *)changes->v[i])->companion;
	return n;
}
