// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The snapshot loader: snapshot_parse() on arbitrary bytes, as
 * snapshot_load() hands it a file of the state directory (or a path given
 * to rollback). A snapshot that loads is then written out again with
 * snapshot_format(), as snapshot_update() does when a rollback marks it
 * restored, and that text must load back to the same snapshot: rollback
 * depends on the values surviving the round trip byte for byte.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"

#include "hosttune/snapshot.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void assert_same(const struct snapshot *a, const struct snapshot *b)
{
	FUZZ_ASSERT(same_str(a->id, b->id));
	FUZZ_ASSERT(same_str(a->time, b->time));
	FUZZ_ASSERT(same_str(a->kind, b->kind));
	FUZZ_ASSERT(same_str(a->root, b->root));
	FUZZ_ASSERT(same_str(a->profile, b->profile));
	FUZZ_ASSERT(same_str(a->restored, b->restored));
	FUZZ_ASSERT(same_str(a->restored_by, b->restored_by));
	FUZZ_ASSERT(a->entries.n == b->entries.n);
	for (size_t i = 0; i < a->entries.n; i++) {
		const struct snapshot_entry *x = a->entries.v[i];
		const struct snapshot_entry *y = b->entries.v[i];

		FUZZ_ASSERT(x->ops == y->ops);
		FUZZ_ASSERT(same_str(x->target, y->target));
		FUZZ_ASSERT(same_str(x->key, y->key));
		FUZZ_ASSERT(same_str(x->value, y->value));
		FUZZ_ASSERT(same_str(x->wrote, y->wrote));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s, again;
	char *err = NULL, *text;
	int r;

	r = snapshot_parse("fuzz.ini", (const char *)data, size, &s, &err);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL && err);
		free(err);
		return 0;
	}
	FUZZ_ASSERT(!err);
	FUZZ_ASSERT(s.id && s.time && s.kind && s.root);
	FUZZ_ASSERT(snapshot_id_ok(s.id) == 0);
	(void)snapshot_in_effect(&s);

	text = snapshot_format(&s);
	r = snapshot_parse("again.ini", text, strlen(text), &again, &err);
	if (r < 0)
		fprintf(stderr, "reformatted snapshot does not load: %s\n%s\n",
			err, text);
	FUZZ_ASSERT(r == 0);
	assert_same(&s, &again);
	snapshot_free(&again);
	free(text);
	snapshot_free(&s);
	return 0;
}
