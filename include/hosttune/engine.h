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

#endif
