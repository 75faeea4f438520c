// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transaction every writing verb uses: plan once under the lock, save
 * the undo snapshot durably, write in the order the kernel needs, read
 * each value back, and restore on failure. See transaction.h.
 */
#include <errno.h>
#include <string.h>

#include "hosttune/strmap.h"
#include "hosttune/transaction.h"
#include "hosttune/trust.h"

static const char *const change_status_names[] = {
	[CH_PLANNED] = "skipped", [CH_APPLIED] = "applied",
	[CH_FAILED] = "failed",	  [CH_ROLLED_BACK] = "rolled-back",
	[CH_SKIPPED] = "skipped",
};

const char *change_status_name(enum change_status s)
{
	return change_status_names[s];
}

void change_free(void *v)
{
	struct change *ch = v;

	if (!ch)
		return;
	free(ch->from);
	free(ch->to);
	free(ch->reason);
	free(ch->changed_since);
	free(ch);
}

void txn_init(struct txn *t, const struct host *h, const char *state_dir)
{
	*t = (struct txn){ .h = h, .state_dir = state_dir, .lock_fd = -1 };
}

void txn_free(struct txn *t)
{
	if (t->lock_fd >= 0)
		close(t->lock_fd);
	/* Changes refer to checks: free them first. */
	ptrvec_free(&t->changes, change_free);
	ptrvec_free(&t->checks, check_free);
	ptrvec_free(&t->hidden, check_free);
	free(t->plan_err);
	free(t->lock_msg);
	snapshot_free(&t->undo);
	t->lock_fd = -1;
	t->plan_err = NULL;
	t->lock_msg = NULL;
}

int txn_lock(struct txn *t)
{
	int r;

	free(t->lock_msg);
	r = state_dir_open(t->state_dir, t->beneath, true, t->privileged,
			   &t->lock_msg);
	if (r < 0)
		return r;
	return state_lock(t->state_dir, &t->lock_fd);
}

bool same_value(const char *a, const char *b)
{
	_cleanup_free_ char *x = normalize_ws(a), *y = normalize_ws(b);

	return strcmp(x, y) == 0;
}

char *write_refused(int r, const char *why)
{
	if (why && *why)
		return xasprintf("write refused: %s: %s", hostfs_strerror(r),
				 why);
	return xasprintf("write refused: %s", hostfs_strerror(r));
}

static struct change *change_new(struct check *c, const char *from,
				 const char *to, bool companion)
{
	struct change *ch = xcalloc(1, sizeof(*ch));

	ch->check = c;
	ch->from = xstrdup(from ? from : "");
	ch->to = xstrdup(to);
	ch->companion = companion;
	ch->status = companion ? CH_SKIPPED : CH_PLANNED;
	ch->rank = 1;
	if (!companion && c->ops->rank)
		ch->rank = c->ops->rank(c, to);
	return ch;
}

/* ---- planning -------------------------------------------------------- */

/* Save, ahead of c's change, the values writing c alters as a side effect,
 * so that restoring in reverse order brings them back too. */
static void add_companions(struct txn *t, const struct check *c)
{
	const char *const *keys =
		c->ops->companions ? c->ops->companions(c->key) : NULL;

	for (; keys && *keys; keys++) {
		struct setting tmp = { .ops = c->ops, .key = (char *)*keys };
		struct ptrvec found = { 0 };

		tmp.target = c->target;
		c->ops->expand(t->h, &tmp, &found);
		for (size_t i = 0; i < found.n; i++) {
			struct check *k = found.v[i];

			check_read(t->h, k);
			if (k->unmatched || !k->raw || !strcmp(k->id, c->id)) {
				check_free(k);
				continue;
			}
			ptrvec_push(&t->hidden, k);
			ptrvec_push(&t->changes,
				    change_new(k, k->raw, k->raw, true));
		}
		free(found.v);
	}
}

/* A companion saved for a value the plan also changes would be saved
 * twice: the change itself keeps the value. Companions of one id are
 * kept once. */
static void drop_shadowed_companions(struct txn *t)
{
	struct strmap planned = { 0 }, kept = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < t->changes.n; i++) {
		const struct change *ch = t->changes.v[i];

		if (!ch->companion)
			strmap_put(&planned, ch->check->id, 0, NULL);
	}
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		if (ch->companion &&
		    (strmap_has(&planned, ch->check->id) ||
		     !strmap_put(&kept, ch->check->id, 0, NULL)))
			change_free(ch);
		else
			t->changes.v[n++] = ch;
	}
	t->changes.n = n;
	strmap_free(&planned);
	strmap_free(&kept);
}

/* Order the writes by rank, keeping profile order otherwise; companions
 * travel with the change they belong to (the next one when applying, the
 * previous one when restoring). */
static void order_changes(struct txn *t, bool restoring)
{
	size_t n = t->changes.n, k = 0;
	struct change **out;
	int lo = 1, hi = 1;

	for (size_t i = 0; i < n; i++) {
		const struct change *ch = t->changes.v[i];

		if (!ch->companion) {
			lo = ch->rank < lo ? ch->rank : lo;
			hi = ch->rank > hi ? ch->rank : hi;
		}
	}
	if (lo == hi)
		return;
	/* Each companion takes the rank of its change. */
	for (size_t i = 0; i < n; i++) {
		size_t j = restoring ? n - 1 - i : i;
		struct change *ch = t->changes.v[j];
		int rank = 1;

		if (!ch->companion)
			continue;
		if (restoring) {
			for (size_t p = j; p-- > 0;)
				if (!((struct change *)t->changes.v[p])
					     ->companion) {
					rank = ((struct change *)t->changes.v[p])
						       ->rank;
					break;
				}
		} else {
			for (size_t p = j + 1; p < n; p++)
				if (!((struct change *)t->changes.v[p])
					     ->companion) {
					rank = ((struct change *)t->changes.v[p])
						       ->rank;
					break;
				}
		}
		ch->rank = rank;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): out holds pointers */
	out = xcalloc(n, sizeof(*out));
	for (int r = lo; r <= hi; r++)
		for (size_t i = 0; i < n; i++)
			if (((struct change *)t->changes.v[i])->rank == r)
				out[k++] = t->changes.v[i];
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): out holds pointers */
	memcpy(t->changes.v, out, n * sizeof(*out));
	free(out);
}

/* Why c cannot be planned, or NULL (with *ret_want set) when it can. */
static char *plan_one(struct txn *t, const struct check *c, char **ret_want)
{
	_cleanup_free_ char *want = NULL, *why = NULL;

	if (c->status == ST_ERROR)
		return xasprintf("cannot be read (%s)", c->detail);
	if (c->read_only)
		return xstrdup("read-only on this host");
	if (check_plan_value(t->h, c, &want) < 0) {
		_cleanup_free_ char *had = display_escape(c->actual);

		return xasprintf("no value satisfies '%s' from '%s'%s%s%s",
				 c->setting->expect.text, had,
				 c->detail ? " (" : "",
				 c->detail ? c->detail : "",
				 c->detail ? ")" : "");
	}
	if (c->ops->irreversible)
		why = c->ops->irreversible(t->h, c, want);
	if (why && !t->force)
		return xasprintf("%s; rollback could not undo it (--force to "
				 "do it anyway)",
				 why);
	*ret_want = TAKE_PTR(want);
	return NULL;
}

int txn_plan_profile(struct txn *t, const struct profile *p)
{
	int r = engine_audit(t->h, p, &t->checks);

	return r < 0 ? r : txn_plan_checks(t);
}

int txn_plan_checks(struct txn *t)
{
	struct strbuf err = { 0 };

	for (size_t i = 0; i < t->checks.n; i++) {
		struct check *c = t->checks.v[i];
		_cleanup_free_ char *why = NULL;
		char *want = NULL;

		if (c->status != ST_DEVIATION && c->status != ST_ERROR)
			continue;
		why = plan_one(t, c, &want);
		if (why) {
			strbuf_printf(&err, "  %s: %s\n", c->id, why);
			continue;
		}
		add_companions(t, c);
		ptrvec_push(&t->changes,
			    change_new(c, c->raw ? c->raw : c->actual, want,
				       false));
		free(want);
	}
	drop_shadowed_companions(t);
	order_changes(t, false);
	if (err.len) {
		t->plan_err = strbuf_take(&err);
		return -EIO;
	}
	return 0;
}

/* Snapshot kinds whose entries are values a change overwrote. */
static bool records_changes(const struct snapshot *s)
{
	return !strcmp(s->kind, "apply") || !strcmp(s->kind, "trial");
}

struct wanted {
	const struct snapshot_entry *e; /* the value to restore */
	const char *wrote; /* what hosttune last wrote there, or NULL */
};

static char *entry_key(const struct snapshot_entry *e)
{
	return xasprintf("%s\n%s\n%s", e->ops->name, e->target ? e->target : "",
			 e->key);
}

/* Every value to restore, newest snapshot's entries first (each in
 * reverse, as they were written), the oldest snapshot's value winning for
 * a key several hold, and the newest one's record of what was written. */
static struct wanted *collect_wanted(struct snapshot *const *snaps, size_t n,
				     size_t *ret_n)
{
	struct strmap at = { 0 };
	struct ptrvec keys = { 0 };
	struct wanted *w = NULL;
	size_t k = 0;

	for (size_t s = n; s-- > 0;) {
		const struct snapshot *snap = snaps[s];

		if (s > 0 && !records_changes(snap))
			continue;
		for (size_t i = snap->entries.n; i-- > 0;) {
			const struct snapshot_entry *e = snap->entries.v[i];
			char *key = entry_key(e);
			size_t j;

			ptrvec_push(&keys, key);
			if (!strmap_put(&at, key, k, &j)) {
				/* A key found has its w[j]: strmap_put() into
				 * an empty map inserts (not seen from here). */
				/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
				w[j].e = e; /* older: the value from before */
				continue;
			}
			w = xrealloc(w, (k + 1) * sizeof(*w));
			w[k++] = (struct wanted){ e, e->wrote };
		}
	}
	strmap_free(&at);
	ptrvec_free(&keys, free);
	*ret_n = k;
	return w;
}

/* value holds at key already in a way a read does not show (the
 * domain says so: check_ops.holds_unread). */
static bool holds_unread(const struct txn *t, const struct check_ops *ops,
			 const char *key, const char *value)
{
	return ops->holds_unread && ops->holds_unread(t->h, key, value);
}

/* One change restoring e; companions for values that already hold. */
static void plan_restore_one(struct txn *t, const struct wanted *w)
{
	const struct snapshot_entry *e = w->e;
	struct check *c;
	struct change *ch;

	/* holds already: nothing to read, write or check again */
	if (holds_unread(t, e->ops, e->key, e->value))
		return;
	c = check_new(e->ops, e->target, e->key);
	if (c->ops->rename)
		c->ops->rename(t->h, c);
	check_read(t->h, c);
	if (c->status == ST_OK && c->raw && same_value(c->raw, e->value)) {
		ptrvec_push(&t->hidden, c);
		ptrvec_push(&t->changes, change_new(c, c->raw, e->value, true));
		return;
	}
	ptrvec_push(&t->checks, c);
	ch = change_new(c, c->raw, e->value, false);
	if (w->wrote && c->raw && !same_value(c->raw, w->wrote))
		ch->changed_since = xstrdup(w->wrote);
	if (c->status == ST_MISSING) {
		ch->status = CH_SKIPPED;
		ch->reason = xstrdup(c->detail && !c->unmatched ?
					     c->detail :
					     "no longer exists on this host");
	} else if (c->status == ST_MANUAL) {
		ch->status = CH_SKIPPED;
		ch->reason = xstrdup(c->detail);
	} else if (c->status == ST_ERROR) {
		ch->status = CH_FAILED;
		ch->reason = xasprintf("cannot be read: %s", c->detail);
	} else if (c->read_only) {
		ch->status = CH_FAILED;
		ch->reason = xstrdup("read-only on this host: cannot be "
				     "restored");
	}
	ptrvec_push(&t->changes, ch);
}

void txn_plan_restore(struct txn *t, struct snapshot *const *snaps, size_t n)
{
	size_t k = 0;
	struct wanted *w = collect_wanted(snaps, n, &k);

	for (size_t i = 0; i < k; i++)
		plan_restore_one(t, &w[i]);
	free(w);
	order_changes(t, true);
}

int txn_plan_file(struct txn *t, const char *path, const char *content)
{
	const struct check_ops *ops = check_ops_find("file");
	_cleanup_free_ char *want = NULL;
	struct check *c;

	if (!content && holds_unread(t, ops, path, "-"))
		return 0;
	c = check_new(ops, NULL, path);
	want = content ? xasprintf("+%s", content) : xstrdup("-");
	check_read(t->h, c);
	if (c->status != ST_OK) {
		/* what is there cannot be saved, so it must not be
		 * replaced: a rollback would have nothing to put back (an
		 * administrator's mask, a symlink to /dev/null, would be
		 * gone for good) */
		char *prev = t->plan_err;

		t->plan_err = xasprintf("%s  %s: cannot be replaced: %s\n",
					prev ? prev : "", c->id,
					c->detail ? c->detail : "unreadable");
		free(prev);
		check_free(c);
		return -EIO;
	}
	if (c->actual && !strcmp(c->actual, want)) {
		check_free(c);
		return 0;
	}
	ptrvec_push(&t->hidden, c);
	ptrvec_push(&t->changes, change_new(c, c->actual, want, false));
	return 0;
}

uint64_t txn_caps_needed(const struct txn *t)
{
	uint64_t caps = 0;

	if (!t->h->live)
		return 0; /* a tree of ordinary files: permissions decide */
	for (size_t i = 0; i < t->changes.n; i++) {
		const struct change *ch = t->changes.v[i];
		const struct check *c = ch->check;
		int cap;

		if (ch->status != CH_PLANNED && !ch->companion)
			continue;
		if (c->ops->cap >= 0)
			caps |= UINT64_C(1) << c->ops->cap;
		cap = c->ops->cap_for ? c->ops->cap_for(t->h, c, ch->to) : -1;
		if (cap >= 0)
			caps |= UINT64_C(1) << cap;
	}
	return caps;
}

/* ---- saving ---------------------------------------------------------- */

int txn_save(struct txn *t, const char *kind, const char *profile,
	     const char *root, const char *id)
{
	int r;

	snapshot_free(&t->undo);
	snapshot_init(&t->undo, kind, profile, root);
	if (id)
		t->undo.id = xstrdup(id);
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];
		const struct check *c = ch->check;

		if (ch->status != CH_PLANNED && !ch->companion)
			continue;
		ch->entry = snapshot_add(&t->undo, c->ops, c->target, c->key,
					 ch->from);
	}
	r = snapshot_save(t->state_dir, &t->undo, NULL);
	t->saved = r == 0;
	return r;
}

int txn_record(struct txn *t)
{
	bool any = false;

	if (!t->saved)
		return 0;
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		if (ch->status != CH_APPLIED || !ch->entry || !ch->check->raw)
			continue;
		free(ch->entry->wrote);
		ch->entry->wrote = xstrdup(ch->check->raw);
		any = true;
	}
	return any ? snapshot_update(t->state_dir, &t->undo) : 0;
}

/* ---- writing --------------------------------------------------------- */

int txn_set_value(const struct host *h, struct check *c, const char *value,
		  char **ret_why)
{
	int r;

	check_read(h, c);
	if (c->status == ST_MISSING)
		return -ENODEV;
	if (c->raw && same_value(c->raw, value))
		return 0;
	r = c->ops->write(h, c->target, c->key, value, ret_why);
	if (r < 0)
		return r;
	check_read(h, c);
	return c->raw && same_value(c->raw, value) ? 1 : -EIO;
}

/* Put ch back to what it was; sets ch->restore. */
static void restore_one(const struct host *h, struct change *ch)
{
	_cleanup_free_ char *why = NULL, *from = NULL;
	int r = txn_set_value(h, ch->check, ch->from, NULL);

	if (r == -ENODEV) {
		ch->restore = RS_GONE;
		return;
	}
	if (r >= 0) {
		ch->restore = RS_RESTORED;
		return;
	}
	ch->restore = RS_FAILED;
	why = ch->reason;
	/* a value in a message is escaped whole (a file's line breaks
	 * too): a message's lines are ours */
	from = display_escape(ch->from);
	ch->reason = xasprintf("%s%scould not restore '%s': %s", why ? why : "",
			       why ? "; " : "", from, hostfs_strerror(r));
}

/* Undo changes [0, upto] in reverse: the applied ones, the companions
 * saved for them, and the one that failed if it may have been half made. */
static enum txn_outcome undo_upto(struct txn *t, size_t upto)
{
	enum txn_outcome out = TXN_REFUSED;

	for (size_t j = upto + 1; j-- > 0;) {
		struct change *ch = t->changes.v[j];

		if (!ch->companion && ch->status == CH_PLANNED)
			continue;
		restore_one(t->h, ch);
		if (ch->restore == RS_FAILED)
			out = TXN_INCOMPLETE;
		else if (ch->status == CH_APPLIED)
			ch->status = CH_ROLLED_BACK;
	}
	return out;
}

/* Write one planned change and read it back: 0, or -errno with the
 * change marked failed and its reason set. */
static int write_one(struct txn *t, struct change *ch)
{
	struct check *c = ch->check;
	_cleanup_free_ char *why = NULL;
	int r = c->ops->write(t->h, c->target, c->key, ch->to, &why);

	if (r == 0) {
		check_read(t->h, c);
		/* a check of a profile setting must now hold it; one without
		 * (a file of hosttune's) must read back what was written */
		if (c->setting ? c->status == ST_OK :
				 c->raw && same_value(c->raw, ch->to)) {
			ch->status = CH_APPLIED;
			return 0;
		}
		_cleanup_free_ char *had = display_escape(c->actual),
				    *to = display_escape(ch->to);

		ch->reason = xasprintf("read back '%s' after writing '%s'",
				       c->actual ? had : "", to);
		r = -EIO;
	} else {
		ch->reason = write_refused(r, why);
	}
	ch->status = CH_FAILED;
	return r;
}

enum txn_outcome txn_apply(struct txn *t)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];
		int r;

		if (ch->companion || ch->status != CH_PLANNED)
			continue;
		r = write_one(t, ch);
		if (r == 0)
			continue;
		for (size_t k = i + 1; k < t->changes.n; k++) {
			struct change *later = t->changes.v[k];

			if (!later->companion && later->status == CH_PLANNED)
				later->status = CH_SKIPPED;
		}
		/* A refused write changed nothing, unless the host now
		 * holds something else than before. */
		if (r != -EIO) {
			check_read(t->h, ch->check);
			if (ch->check->status == ST_MISSING ||
			    (ch->check->raw &&
			     same_value(ch->check->raw, ch->from)))
				ch->status = CH_PLANNED; /* nothing to undo */
		}
		{
			enum txn_outcome out = undo_upto(t, i);

			ch->status = CH_FAILED;
			return out;
		}
	}
	return TXN_DONE;
}

void txn_rearm(struct txn *t)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		ch->restore = RS_NONE;
		free(ch->reason);
		ch->reason = NULL;
		ch->status = ch->companion ? CH_SKIPPED : CH_PLANNED;
	}
}

enum txn_outcome txn_undo(struct txn *t)
{
	enum txn_outcome out = TXN_DONE;

	for (size_t j = t->changes.n; j-- > 0;) {
		struct change *ch = t->changes.v[j];

		if (!ch->companion && ch->status != CH_APPLIED)
			continue;
		restore_one(t->h, ch);
		if (ch->restore == RS_FAILED)
			out = TXN_INCOMPLETE;
		else if (!ch->companion)
			ch->status = CH_ROLLED_BACK;
	}
	return out;
}

/* Restore one value of a rollback (a companion is checked again). */
static void restore_forward(const struct host *h, struct change *ch)
{
	_cleanup_free_ char *why = NULL, *raw = NULL;
	int r = txn_set_value(h, ch->check, ch->to, &why);

	if (ch->companion && r >= 0)
		return; /* as saved again */
	if (r == -ENODEV) {
		ch->status = CH_SKIPPED;
		free(ch->reason);
		ch->reason = xstrdup("no longer exists on this host");
		return;
	}
	if (r >= 0) {
		ch->status = CH_APPLIED;
		free(ch->reason);
		ch->reason = NULL;
		return;
	}
	free(ch->reason);
	raw = display_escape(ch->check->raw ? ch->check->raw : "");
	ch->reason = r == -EIO ? xasprintf("read back '%s'", raw) :
				 write_refused(r, why);
	ch->status = CH_FAILED;
}

enum txn_outcome txn_restore(struct txn *t)
{
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		if (ch->companion || ch->status == CH_PLANNED)
			restore_forward(t->h, ch);
	}
	/* Some values are accepted only once another is back (intel_pstate
	 * takes an energy preference only while the governor allows it):
	 * one more pass over what failed, once the rest is restored. */
	for (size_t i = 0; i < t->changes.n; i++) {
		struct change *ch = t->changes.v[i];

		if (ch->status == CH_FAILED && ch->check->raw &&
		    !ch->check->read_only)
			restore_forward(t->h, ch);
	}
	return txn_count_status(t, CH_FAILED) ? TXN_INCOMPLETE : TXN_DONE;
}

size_t txn_count(const struct txn *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->changes.n; i++)
		n += !((struct change *)t->changes.v[i])->companion;
	return n;
}

size_t txn_count_status(const struct txn *t, enum change_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < t->changes.n; i++)
		n += ((struct change *)t->changes.v[i])->status == s;
	return n;
}
