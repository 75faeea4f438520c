/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_ENGINE_H
#define HOSTTUNE_ENGINE_H

#include "hosttune/profile.h"
#include "hosttune/snapshot.h"

/* Expand every setting of p into concrete checks (globs resolved, an
 * explicit key beating a glob, a later glob beating an earlier one) and
 * read them all. */
int engine_audit(const struct host *h, const struct profile *p,
		 struct ptrvec *checks);

struct summary {
	size_t checks;
	size_t n[_ST_MAX];
};
void engine_summary(const struct ptrvec *checks, struct summary *ret);

/* A change made (or to be made) by apply or rollback. */
enum change_status {
	CH_PLANNED, /* dry run: reported as "skipped" with a reason */
	CH_APPLIED,
	CH_FAILED,
	CH_ROLLED_BACK,
	CH_SKIPPED,
};
const char *change_status_name(enum change_status s);

struct change {
	struct check *check; /* the check it changes */
	char *from, *to;
	enum change_status status;
	char *reason; /* failure or skip reason */
	/* A value another change alters as a side effect: saved in the
	 * snapshot and restored on failure, never written itself, never
	 * reported. Its check is owned by the change. */
	bool companion;
};
void change_free(void *c);

/* Work out what apply would write: one change per deviating check.
 * Checks that cannot be planned (unreadable, read-only, irreversible
 * without force) are reported in *ret_err and make the plan fail with
 * -EIO; the rest are still planned (a dry run shows them). */
int engine_plan(const struct host *h, struct ptrvec *checks, bool force,
		struct ptrvec *changes, char **ret_err);

/* Write the changes in order, reading each back; on the first failure
 * restore what was changed, in reverse. 0 or -errno. */
int engine_execute(const struct host *h, struct ptrvec *changes);

/* Make c's value `value` (as saved in a snapshot: compared with what the
 * host reads back, c->raw): 0 when it already is, 1 when written and read
 * back, -errno when the write is refused, -EIO when it reads back
 * otherwise. */
int engine_set_value(const struct host *h, struct check *c, const char *value);

/* Changes that will be (or were) reported: companions left out. */
size_t engine_changes_count(const struct ptrvec *changes);

/* "write refused: Invalid argument: mtu greater than device maximum":
 * the errno and, where the domain has them, the kernel's own words. */
char *write_refused(int r, const char *why);

/* Equal after whitespace normalisation. */
bool same_value(const char *a, const char *b);

/* The capabilities (bit mask of CAP_*) the planned changes need. */
uint64_t engine_caps_needed(const struct host *h, const struct ptrvec *changes);

#endif
