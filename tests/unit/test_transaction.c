// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transaction (src/transaction.c) and the snapshot history: failure at
 * each step, restore failures, companions, write order, the rollback plan
 * over several snapshots. A domain of the test's own holds its values in
 * memory and fails where a test asks, which no fixture tree can do for
 * root; the history tests use real snapshot files in a state directory.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "hosttune/transaction.h"

/* ---- a domain in memory ---------------------------------------------- */

#define FAKE_KEYS 8

static struct fake {
	const char *key[FAKE_KEYS];
	char *value[FAKE_KEYS];
	const char *refuse; /* key whose writes fail with refuse_err */
	int refuse_err;
	int refuse_after; /* ...after this many successful writes of it */
	const char *garble; /* key that reads back "garbled" after a write */
	const char *vanish; /* key that is gone once written */
	bool gone[FAKE_KEYS];
	const char *needs; /* key written only while needs_key holds needs_val */
	const char *needs_key, *needs_val;
	char log[512]; /* "key=value;" for every write that succeeded */
	int writes[FAKE_KEYS];
} fk;

extern const struct check_ops fake_ops;

static int fake_find(const char *key)
{
	for (int i = 0; i < FAKE_KEYS && fk.key[i]; i++)
		if (!strcmp(fk.key[i], key))
			return i;
	return -1;
}

static void fake_set(const char *key, const char *value)
{
	int i = fake_find(key);

	if (i < 0) {
		for (i = 0; fk.key[i]; i++)
			;
		fk.key[i] = key;
	}
	free(fk.value[i]);
	fk.value[i] = xstrdup(value);
}

static const char *fake_get(const char *key)
{
	int i = fake_find(key);

	return i >= 0 && !fk.gone[i] ? fk.value[i] : NULL;
}

static void fake_reset(void)
{
	for (int i = 0; i < FAKE_KEYS; i++)
		free(fk.value[i]);
	fk = (struct fake){ 0 };
}

static int fake_expand(const struct host *h, const struct setting *s,
		       struct ptrvec *out)
{
	(void)h;
	ptrvec_push(out, check_new(s->ops, NULL, s->key));
	return 0;
}

static int fake_read(const struct host *h, struct check *c)
{
	const char *v = fake_get(c->key);

	(void)h;
	if (!v)
		return -ENOENT;
	c->actual = xstrdup(v);
	return 0;
}

static int fake_write(const struct host *h, const char *target, const char *key,
		      const char *value, char **ret_why)
{
	int i = fake_find(key);

	(void)h;
	(void)target;
	if (i < 0 || fk.gone[i])
		return -ENODEV;
	if (fk.refuse && !strcmp(key, fk.refuse) &&
	    fk.writes[i] >= fk.refuse_after) {
		if (ret_why)
			*ret_why = xstrdup("the fake kernel says no");
		return fk.refuse_err;
	}
	if (fk.needs && !strcmp(key, fk.needs) &&
	    strcmp(fake_get(fk.needs_key), fk.needs_val))
		return -EBUSY;
	/* garble: the first write of that key reads back otherwise */
	fake_set(key, fk.garble && !strcmp(key, fk.garble) && !fk.writes[i] ?
			      "garbled" :
			      value);
	fk.writes[i]++;
	/* "ratio" zeroes "bytes", as vm.dirty_ratio does vm.dirty_bytes */
	if (!strcmp(key, "ratio") && fake_find("bytes") >= 0)
		fake_set("bytes", "0");
	if (fk.vanish && !strcmp(key, fk.vanish))
		fk.gone[i] = true;
	snprintf(fk.log + strlen(fk.log), sizeof(fk.log) - strlen(fk.log),
		 "%s=%s;", key, value);
	return 0;
}

static const char *const *fake_companions(const char *key)
{
	static const char *const bytes[] = { "bytes", NULL };

	return !strcmp(key, "ratio") ? bytes : NULL;
}

/* "hard" is raised first and lowered last, like an rlimit's. */
static int fake_rank(const struct check *c, const char *value)
{
	uint64_t now, to;

	if (strcmp(c->key, "hard") || !c->actual ||
	    parse_uint64(c->actual, UINT64_MAX, &now) < 0 ||
	    parse_uint64(value, UINT64_MAX, &to) < 0)
		return 1;
	return to > now ? 0 : 2;
}

static char *fake_irreversible(const struct host *h, const struct check *c,
			       const char *value)
{
	if (strcmp(c->key, "hard") || fake_rank(c, value) != 2 ||
	    (h->caps & (UINT64_C(1) << CAP_SYS_RESOURCE)))
		return NULL;
	return xstrdup("only CAP_SYS_RESOURCE could raise it again");
}

const struct check_ops fake_ops = {
	.name = "fake",
	.target = TARGET_NONE,
	.cap = -1,
	.expand = fake_expand,
	.read = fake_read,
	.write = fake_write,
	.companions = fake_companions,
	.rank = fake_rank,
	.irreversible = fake_irreversible,
};

/* ---- a run ------------------------------------------------------------ */

struct run {
	struct host h;
	char state[64];
	struct setting set[FAKE_KEYS];
	int n_set;
	struct txn t;
};

static void run_start(struct run *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(host_open("/", &r->h), 0);
	r->h.live = false; /* no capabilities needed */
	strcpy(r->state, "/tmp/hosttune-txn-XXXXXX");
	assert_non_null(mkdtemp(r->state));
	txn_init(&r->t, &r->h, r->state);
}

/* A setting of the profile: key = value. */
static void want(struct run *r, const char *key, const char *value)
{
	struct setting *s = &r->set[r->n_set++];
	char *err = NULL;

	s->ops = &fake_ops;
	s->key = (char *)key;
	assert_int_equal(
		expect_parse(value, UNIT_NONE, false, &s->expect, &err), 0);
}

/* Read every setting and plan: txn_plan_profile without the profile. */
static int plan(struct run *r)
{
	for (int i = 0; i < r->n_set; i++) {
		struct check *c = check_new(&fake_ops, NULL, r->set[i].key);

		c->setting = &r->set[i];
		check_read(&r->h, c);
		ptrvec_push(&r->t.checks, c);
	}
	return txn_plan_checks(&r->t);
}

static void run_end(struct run *r)
{
	char *cmd = xasprintf("rm -rf '%s'", r->state);

	txn_free(&r->t);
	for (int i = 0; i < r->n_set; i++)
		expect_free(&r->set[i].expect);
	host_close(&r->h);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	fake_reset();
}

static struct change *change_of(struct run *r, const char *key)
{
	for (size_t i = 0; i < r->t.changes.n; i++) {
		struct change *ch = r->t.changes.v[i];

		if (!strcmp(ch->check->key, key))
			return ch;
	}
	fail_msg("no change of %s", key);
	return NULL;
}

/* ---- apply ------------------------------------------------------------ */

static void test_apply_writes_reads_back_and_saves_first(void **state)
{
	struct run r;
	char *path, *text = NULL;
	size_t len;

	(void)state;
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	want(&r, "a", "10");
	want(&r, "b", "2"); /* already ok: not written, not saved */
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_count(&r.t), 1);
	assert_int_equal(txn_save(&r.t, "apply", "p", "/", NULL), 0);
	/* on disk before the first write, with the old value only */
	assert_string_equal(fk.log, "");
	path = xasprintf("%s/%s.ini", r.state, r.t.undo.id);
	assert_int_equal(read_file_limited(path, 1 << 20, &text, &len), 0);
	assert_non_null(strstr(text, "\n[fake]\na = \"1\"\n"));
	assert_null(strstr(text, "\nb = "));
	free(text);
	assert_int_equal(txn_apply(&r.t), TXN_DONE);
	assert_string_equal(fake_get("a"), "10");
	assert_string_equal(fk.log, "a=10;");
	assert_int_equal(change_of(&r, "a")->status, CH_APPLIED);
	assert_int_equal(txn_record(&r.t), 0);
	assert_string_equal(change_of(&r, "a")->entry->wrote, "10");
	assert_int_equal(read_file_limited(path, 1 << 20, &text, &len), 0);
	assert_non_null(strstr(text, "\na = \"1\" -> \"10\"\n"));
	free(text);
	free(path);
	run_end(&r);
}

static void test_write_order_is_the_plans(void **state)
{
	struct run r;

	(void)state;
	/* lowering: soft before hard, whatever the profile's order */
	run_start(&r);
	fake_set("hard", "4096");
	fake_set("soft", "4096");
	r.h.caps = UINT64_C(1) << CAP_SYS_RESOURCE;
	want(&r, "hard", "2048");
	want(&r, "soft", "1024");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_DONE);
	assert_string_equal(fk.log, "soft=1024;hard=2048;");
	run_end(&r);

	/* raising: hard before soft */
	run_start(&r);
	fake_set("hard", "1024");
	fake_set("soft", "512");
	want(&r, "soft", "2048");
	want(&r, "hard", "4096");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_DONE);
	assert_string_equal(fk.log, "hard=4096;soft=2048;");
	run_end(&r);
}

/* Irreversibility is judged against host->caps, the privileges the writes
 * will run with, never against what the process holds at plan time. */
static void test_irreversible_judged_by_host_caps(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("hard", "4096");
	want(&r, "hard", "2048");
	assert_int_equal(plan(&r), -EIO);
	assert_non_null(
		strstr(r.t.plan_err, "fake:hard: only CAP_SYS_RESOURCE"));
	assert_non_null(strstr(r.t.plan_err, "--force"));
	run_end(&r);

	run_start(&r);
	fake_set("hard", "4096");
	r.t.force = true;
	want(&r, "hard", "2048");
	assert_int_equal(plan(&r), 0);
	run_end(&r);

	run_start(&r);
	fake_set("hard", "4096");
	r.h.caps = UINT64_C(1) << CAP_SYS_RESOURCE;
	want(&r, "hard", "2048");
	assert_int_equal(plan(&r), 0);
	run_end(&r);
}

static void test_refused_write_restores_in_reverse(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	fake_set("c", "3");
	fk.refuse = "b";
	fk.refuse_err = -EINVAL;
	want(&r, "a", "10");
	want(&r, "b", "20");
	want(&r, "c", "30");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_REFUSED);
	assert_string_equal(fake_get("a"), "1");
	assert_string_equal(fake_get("b"), "2");
	assert_string_equal(fake_get("c"), "3");
	assert_string_equal(fk.log, "a=10;a=1;");
	assert_int_equal(change_of(&r, "a")->status, CH_ROLLED_BACK);
	assert_int_equal(change_of(&r, "a")->restore, RS_RESTORED);
	assert_int_equal(change_of(&r, "b")->status, CH_FAILED);
	/* it changed nothing: nothing to restore */
	assert_int_equal(change_of(&r, "b")->restore, RS_NONE);
	assert_string_equal(change_of(&r, "b")->reason,
			    "write refused: Invalid argument: the fake kernel "
			    "says no");
	assert_int_equal(change_of(&r, "c")->status, CH_SKIPPED);
	run_end(&r);
}

/* A link deleted between the plan and its write: the write is refused
 * with ENODEV; that is exit 3, and nothing "could not be restored". */
static void test_vanished_object_is_a_refused_write(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	want(&r, "a", "10");
	want(&r, "b", "20");
	assert_int_equal(plan(&r), 0);
	fk.gone[fake_find("b")] = true; /* gone after the plan */
	assert_int_equal(txn_apply(&r.t), TXN_REFUSED);
	assert_string_equal(fake_get("a"), "1");
	assert_int_equal(change_of(&r, "b")->status, CH_FAILED);
	assert_int_equal(change_of(&r, "b")->restore, RS_NONE);
	assert_null(strstr(change_of(&r, "b")->reason, "restore"));
	run_end(&r);
}

static void test_read_back_mismatch_is_restored_too(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	fk.garble = "b";
	want(&r, "a", "10");
	want(&r, "b", "20");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_REFUSED);
	/* the half-made change is undone too */
	assert_string_equal(fake_get("b"), "2");
	assert_string_equal(change_of(&r, "b")->reason,
			    "read back 'garbled' after writing '20'");
	assert_int_equal(change_of(&r, "b")->status, CH_FAILED);
	assert_int_equal(change_of(&r, "b")->restore, RS_RESTORED);
	assert_string_equal(fake_get("a"), "1");
	run_end(&r);

	/* and when it cannot be undone, the outcome says so */
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	fk.garble = "b";
	fk.refuse = "b";
	fk.refuse_after = 1; /* the restore of b is then refused */
	fk.refuse_err = -EPERM;
	want(&r, "a", "10");
	want(&r, "b", "20");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_INCOMPLETE);
	assert_int_equal(change_of(&r, "b")->restore, RS_FAILED);
	assert_non_null(
		strstr(change_of(&r, "b")->reason, "could not restore '2'"));
	assert_string_equal(fake_get("a"), "1");
	run_end(&r);
}

static void test_failed_restore_is_incomplete(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("a", "1");
	fake_set("b", "2");
	fk.refuse = "a";
	fk.refuse_after = 1; /* a's write works, its restore does not */
	fk.refuse_err = -EROFS;
	want(&r, "a", "10");
	want(&r, "b", "20");
	assert_int_equal(plan(&r), 0);
	fk.gone[fake_find("b")] = true;
	assert_int_equal(txn_apply(&r.t), TXN_INCOMPLETE);
	assert_int_equal(change_of(&r, "a")->restore, RS_FAILED);
	assert_int_equal(change_of(&r, "a")->status, CH_APPLIED);
	assert_string_equal(change_of(&r, "a")->reason,
			    "could not restore '1': Read-only file system");
	assert_string_equal(fake_get("a"), "10");
	run_end(&r);
}

/* Writing ratio zeroes bytes: bytes is saved with the change, restored
 * when the apply fails, and never written or reported by itself. */
static void test_companions_saved_and_restored(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("ratio", "20");
	fake_set("bytes", "4096");
	fake_set("z", "1");
	fk.refuse = "z";
	fk.refuse_err = -EINVAL;
	want(&r, "ratio", "10");
	want(&r, "z", "2");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_count(&r.t), 2);
	assert_int_equal(r.t.changes.n, 3);
	assert_true(((struct change *)r.t.changes.v[0])->companion);
	assert_int_equal(txn_save(&r.t, "apply", "p", "/", NULL), 0);
	assert_int_equal(r.t.undo.entries.n, 3); /* bytes saved too */
	assert_int_equal(txn_apply(&r.t), TXN_REFUSED);
	assert_string_equal(fake_get("ratio"), "20");
	assert_string_equal(fake_get("bytes"), "4096");
	assert_string_equal(fk.log, "ratio=10;ratio=20;bytes=4096;");
	run_end(&r);
}

/* A companion the plan changes itself is saved once, by its change. */
static void test_companion_shadowed_by_a_change(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("ratio", "20");
	fake_set("bytes", "0");
	want(&r, "ratio", "10");
	want(&r, "bytes", "100");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(r.t.changes.n, 2);
	for (size_t i = 0; i < r.t.changes.n; i++)
		assert_false(((struct change *)r.t.changes.v[i])->companion);
	run_end(&r);
}

static void test_snapshot_not_written_means_nothing_written(void **state)
{
	struct run r;
	char *file;

	(void)state;
	run_start(&r);
	file = xasprintf("%s/not-a-dir", r.state);
	assert_int_equal(write_file_atomic(file, "x", 1, 0600), 0);
	r.t.state_dir = file;
	fake_set("a", "1");
	want(&r, "a", "10");
	assert_int_equal(plan(&r), 0);
	assert_true(txn_save(&r.t, "apply", "p", "/", NULL) < 0);
	assert_false(r.t.saved);
	assert_string_equal(fake_get("a"), "1");
	assert_string_equal(fk.log, "");
	r.t.state_dir = r.state;
	free(file);
	run_end(&r);
}

/* ---- restore ---------------------------------------------------------- */

static struct snapshot *snap_new(const char *kind, const char *id)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	snapshot_init(s, kind, "p", "/");
	s->id = xstrdup(id);
	return s;
}

static void snap_add(struct snapshot *s, const char *key, const char *from,
		     const char *wrote)
{
	struct snapshot_entry *e = snapshot_add(s, &fake_ops, NULL, key, from);

	e->wrote = wrote ? xstrdup(wrote) : NULL;
}

/* Rolling back to the older of two snapshots restores what both saved,
 * the older one's value winning; a value changed by someone else since
 * hosttune wrote it is named. */
static void test_restore_plan_over_a_history(void **state)
{
	struct snapshot *a = snap_new("apply", "A"),
			*b = snap_new("apply", "B");
	struct snapshot *m = snap_new("manual", "M");
	struct snapshot *set[] = { a, b, m };
	struct run r;

	(void)state;
	run_start(&r);
	snap_add(a, "x", "1", "10");
	snap_add(b, "x", "10", "100");
	snap_add(b, "y", "2", "20");
	snap_add(m, "z", "3", NULL); /* a baseline: ended, adds nothing */
	fake_set("x", "100");
	fake_set("y", "25"); /* someone changed it after B wrote 20 */
	fake_set("z", "33");
	txn_plan_restore(&r.t, set, 3);
	assert_int_equal(txn_count(&r.t), 2);
	assert_string_equal(change_of(&r, "x")->to, "1");
	assert_null(change_of(&r, "x")->changed_since);
	assert_string_equal(change_of(&r, "y")->to, "2");
	assert_string_equal(change_of(&r, "y")->changed_since, "20");
	assert_int_equal(txn_restore(&r.t), TXN_DONE);
	assert_string_equal(fake_get("x"), "1");
	assert_string_equal(fake_get("y"), "2");
	assert_string_equal(fake_get("z"), "33");
	run_end(&r);
	for (size_t i = 0; i < ARRAY_SIZE(set); i++)
		snapshot_destroy(set[i]);
}

/* rollback goes on past a failure, retries once at the end (a value the
 * host takes only once another is back), and reports what is left. */
static void test_restore_retries_then_reports(void **state)
{
	struct snapshot *a = snap_new("apply", "A"), *set[] = { a };
	struct run r;

	(void)state;
	run_start(&r);
	/* restored newest first: epp comes before governor */
	snap_add(a, "governor", "powersave", NULL);
	snap_add(a, "epp", "power", NULL);
	snap_add(a, "stuck", "1", NULL);
	fake_set("governor", "performance");
	fake_set("epp", "performance");
	fake_set("stuck", "2");
	fk.needs = "epp";
	fk.needs_key = "governor";
	fk.needs_val = "powersave";
	fk.refuse = "stuck";
	fk.refuse_err = -EROFS;
	txn_plan_restore(&r.t, set, 1);
	assert_int_equal(txn_restore(&r.t), TXN_INCOMPLETE);
	assert_string_equal(fake_get("governor"), "powersave");
	assert_string_equal(fake_get("epp"), "power");
	assert_int_equal(change_of(&r, "epp")->status, CH_APPLIED);
	assert_int_equal(change_of(&r, "stuck")->status, CH_FAILED);
	assert_string_equal(change_of(&r, "stuck")->reason,
			    "write refused: Read-only file system: the fake "
			    "kernel says no");
	assert_int_equal(txn_count_status(&r.t, CH_FAILED), 1);
	run_end(&r);
	snapshot_destroy(a);
}

/* A value that already holds is a companion: checked again in its turn,
 * since restoring another value may change it. */
static void test_restore_rechecks_companions(void **state)
{
	struct snapshot *a = snap_new("apply", "A"), *set[] = { a };
	struct run r;

	(void)state;
	run_start(&r);
	snap_add(a, "bytes", "4096", NULL);
	snap_add(a, "ratio", "20", NULL);
	fake_set("bytes", "4096"); /* holds now; writing ratio zeroes it */
	fake_set("ratio", "10");
	txn_plan_restore(&r.t, set, 1);
	assert_int_equal(txn_count(&r.t), 1);
	assert_int_equal(txn_restore(&r.t), TXN_DONE);
	assert_string_equal(fake_get("ratio"), "20");
	assert_string_equal(fake_get("bytes"), "4096");
	run_end(&r);
	snapshot_destroy(a);
}

static void test_restore_missing_is_skipped_unreadable_failed(void **state)
{
	struct snapshot *a = snap_new("apply", "A"), *set[] = { a };
	struct run r;

	(void)state;
	run_start(&r);
	snap_add(a, "gone", "1", NULL);
	snap_add(a, "a", "1", NULL);
	fake_set("a", "2");
	txn_plan_restore(&r.t, set, 1);
	assert_int_equal(change_of(&r, "gone")->status, CH_SKIPPED);
	assert_int_equal(txn_restore(&r.t), TXN_DONE);
	assert_string_equal(fake_get("a"), "1");
	run_end(&r);
	snapshot_destroy(a);
}

/* trial's switch back: undo every applied change, in reverse. */
static void test_undo_after_apply(void **state)
{
	struct run r;

	(void)state;
	run_start(&r);
	fake_set("ratio", "20");
	fake_set("bytes", "4096");
	fake_set("b", "2");
	want(&r, "ratio", "10");
	want(&r, "b", "20");
	assert_int_equal(plan(&r), 0);
	assert_int_equal(txn_apply(&r.t), TXN_DONE);
	assert_string_equal(fake_get("bytes"), "0");
	assert_int_equal(txn_undo(&r.t), TXN_DONE);
	assert_string_equal(fake_get("ratio"), "20");
	assert_string_equal(fake_get("bytes"), "4096");
	assert_string_equal(fake_get("b"), "2");
	assert_int_equal(change_of(&r, "b")->status, CH_ROLLED_BACK);
	run_end(&r);
}

/* ---- history ---------------------------------------------------------- */

static char *history_dir(void)
{
	char tmpl[] = "/tmp/hosttune-hist-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

/* Save a snapshot of kind with one sysctl entry, at a distinct time. */
static void history_save(const char *dir, const char *kind, const char *id,
			 const char *time)
{
	struct snapshot s;

	snapshot_init(&s, kind, "p", "/");
	free(s.time);
	s.time = xstrdup(time);
	s.id = xstrdup(id);
	snapshot_add(&s, check_ops_find("sysctl"), NULL, "vm.swappiness", "60");
	assert_int_equal(snapshot_save(dir, &s, NULL), 0);
	snapshot_free(&s);
}

static void history_load(const char *dir, struct ptrvec *all)
{
	char *err = NULL;

	ptrvec_free(all, snapshot_destroy);
	assert_int_equal(snapshot_list(dir, false, all, &err), 0);
	assert_null(err);
}

static const char *id_at(const struct ptrvec *all, size_t i)
{
	return ((struct snapshot *)all->v[i])->id;
}

static bool in_effect(const struct ptrvec *all, const char *id)
{
	return snapshot_in_effect(all->v[snapshot_find(all, id)]);
}

static void test_history_rollback_ends_newer(void **state)
{
	char *dir = history_dir(), *cmd;
	struct ptrvec all = { 0 }, set = { 0 }, deleted = { 0 };

	(void)state;
	history_save(dir, "apply", "A", "2026-01-01T00:00:01.000000Z");
	history_save(dir, "manual", "M", "2026-01-01T00:00:02.000000Z");
	history_save(dir, "apply", "B", "2026-01-01T00:00:03.000000Z");
	history_load(dir, &all);
	assert_int_equal(all.n, 3);
	assert_string_equal(id_at(&all, snapshot_default(&all)), "B");

	/* rollback A: the set is what was in effect when it planned; the
	 * undo snapshot U is saved after, and the history then updated */
	snapshot_restore_set(&all, (size_t)snapshot_find(&all, "A"), &set);
	assert_int_equal(set.n, 3);
	history_save(dir, "rollback", "U", "2026-01-01T00:00:04.000000Z");
	assert_int_equal(snapshot_history_update(dir, &all, &set, "U"), 0);
	history_load(dir, &all);
	assert_false(in_effect(&all, "A"));
	assert_false(in_effect(&all, "M"));
	assert_false(in_effect(&all, "B"));
	assert_true(in_effect(&all, "U"));
	assert_string_equal(((struct snapshot *)all.v[snapshot_find(&all, "B")])
				    ->restored_by,
			    "U");
	/* a plain rollback never re-applies B: only U is left, by name */
	assert_int_equal(snapshot_default(&all), -1);

	/* undoing the rollback puts A, M and B back in effect */
	ptrvec_free(&set, NULL);
	snapshot_restore_set(&all, (size_t)snapshot_find(&all, "U"), &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(snapshot_history_update(dir, &all, &set, "U2"), 0);
	history_load(dir, &all);
	assert_true(in_effect(&all, "A"));
	assert_true(in_effect(&all, "B"));
	assert_false(in_effect(&all, "U"));
	assert_string_equal(id_at(&all, snapshot_default(&all)), "B");

	/* prune deletes only what is no longer in effect */
	assert_int_equal(snapshot_prune(dir, &all, 0, &deleted), 0);
	assert_int_equal(deleted.n, 1);
	assert_string_equal(deleted.v[0], "U");
	history_load(dir, &all);
	assert_int_equal(all.n, 3);

	ptrvec_free(&deleted, free);
	ptrvec_free(&set, NULL);
	ptrvec_free(&all, snapshot_destroy);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void test_prune_keeps_the_newest(void **state)
{
	char *dir = history_dir(), *cmd;
	struct ptrvec all = { 0 }, deleted = { 0 };
	char id[16], time[40]; /* id: room for any int, as gcc checks */

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "S%d", i);
		snprintf(time, sizeof(time), "2026-01-01T00:00:0%d.000000Z", i);
		history_save(dir, "apply", id, time);
	}
	history_load(dir, &all);
	for (size_t i = 0; i < 4; i++) { /* S4 stays in effect */
		struct snapshot *s = all.v[i];

		s->restored = xstrdup("2026-01-02T00:00:00.000000Z");
		assert_int_equal(snapshot_update(dir, s), 0);
	}
	history_load(dir, &all);
	assert_int_equal(snapshot_prune(dir, &all, 1, &deleted), 0);
	assert_int_equal(deleted.n, 3);
	history_load(dir, &all);
	assert_int_equal(all.n, 2);
	assert_string_equal(id_at(&all, 0), "S3");
	assert_string_equal(id_at(&all, 1), "S4");
	ptrvec_free(&deleted, free);
	ptrvec_free(&all, snapshot_destroy);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* What a snapshot line records of the write round-trips, and a header
 * field cannot take the second value. */
static void test_snapshot_records_what_was_written(void **state)
{
	struct snapshot s, back = { 0 };
	char *text, *err = NULL;

	(void)state;
	snapshot_init(&s, "apply", "p", "/");
	s.id = xstrdup("x");
	snapshot_add(&s, check_ops_find("sysctl"), NULL, "vm.swappiness", "60")
		->wrote = xstrdup("1\t\"0\"");
	text = snapshot_format(&s);
	assert_non_null(strstr(text, "vm.swappiness = \"60\" -> "
				     "\"1\\t\\x220\\x22\"\n"));
	assert_int_equal(
		snapshot_parse("s.ini", text, strlen(text), &back, &err), 0);
	assert_string_equal(((struct snapshot_entry *)back.entries.v[0])->wrote,
			    "1\t\"0\"");
	snapshot_free(&back);
	free(text);
	snapshot_free(&s);

	text = "[snapshot]\nid = \"x\" -> \"y\"\n";
	assert_int_equal(snapshot_parse("h.ini", text, strlen(text), &back,
					&err),
			 -EINVAL);
	assert_string_equal(err, "h.ini:2: 'id': a header field has one value");
	free(err);
	text = "[snapshot]\nid = \"x\"\ntime = \"t\"\nkind = \"apply\"\n"
	       "root = \"/\"\n[sysctl]\nvm.swappiness = \"1\" -> \n";
	assert_int_equal(snapshot_parse("h.ini", text, strlen(text), &back,
					&err),
			 -EINVAL);
	assert_string_equal(err, "h.ini:7: value must be double-quoted");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_writes_reads_back_and_saves_first),
		cmocka_unit_test(test_write_order_is_the_plans),
		cmocka_unit_test(test_irreversible_judged_by_host_caps),
		cmocka_unit_test(test_refused_write_restores_in_reverse),
		cmocka_unit_test(test_vanished_object_is_a_refused_write),
		cmocka_unit_test(test_read_back_mismatch_is_restored_too),
		cmocka_unit_test(test_failed_restore_is_incomplete),
		cmocka_unit_test(test_companions_saved_and_restored),
		cmocka_unit_test(test_companion_shadowed_by_a_change),
		cmocka_unit_test(
			test_snapshot_not_written_means_nothing_written),
		cmocka_unit_test(test_restore_plan_over_a_history),
		cmocka_unit_test(test_restore_retries_then_reports),
		cmocka_unit_test(test_restore_rechecks_companions),
		cmocka_unit_test(
			test_restore_missing_is_skipped_unreadable_failed),
		cmocka_unit_test(test_undo_after_apply),
		cmocka_unit_test(test_history_rollback_ends_newer),
		cmocka_unit_test(test_prune_keeps_the_newest),
		cmocka_unit_test(test_snapshot_records_what_was_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
