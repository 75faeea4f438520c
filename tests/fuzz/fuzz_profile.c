// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile loader on arbitrary bytes: profile_parse_buffer() with no
 * profile directories and no built-in profiles, the reader, inih, every
 * domain's section, key and value parsers. Then what the engine does with
 * a loaded setting that needs no host: its width, a copy, a match and a
 * plan against the value it expects.
 *
 * A profile includes others by name or by path. Names find nothing here;
 * paths would be opened relative to the working directory, so realpath()
 * is wrapped (-Wl,--wrap=realpath, as the unit tests wrap their seams) to
 * find nothing either: the harness reads no file, whatever the input.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"

#include "hosttune/profile.h"

char *__wrap_realpath(const char *path, char *resolved);
char *__wrap_realpath(const char *path, char *resolved)
{
	(void)path;
	(void)resolved;
	errno = ENOENT;
	return NULL;
}

/* A loaded setting through the host-free half of the engine. */
static void exercise(const struct setting *s)
{
	struct expect copy;
	char *want = NULL;
	const char *value;

	FUZZ_ASSERT(s->ops && s->key && s->file && s->line > 0);
	FUZZ_ASSERT(expect_width(&s->expect) >= 0);
	expect_copy(&copy, &s->expect);
	value = copy.n_alts ? copy.alts[0] : copy.text;
	(void)expect_match(&copy, value, "1");
	if (expect_plan(&copy, value, "1", &want) == 0)
		free(want);
	expect_free(&copy);
	if (s->ops->why)
		(void)s->ops->why(s->key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct profile_path pp = { .dirs = NULL, .n_dirs = 0 };
	struct load_errors errs = { 0 };
	struct profile p = { 0 };
	int r;

	r = profile_parse_buffer(&p, &pp, "fuzz.ini", (const char *)data, size,
				 &errs);
	/* Failure and messages go together; each names the file and line. */
	FUZZ_ASSERT((r == 0) == (errs.msgs.n == 0));
	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	for (size_t i = 0; i < errs.msgs.n; i++)
		FUZZ_ASSERT(!strncmp(errs.msgs.v[i], "fuzz.ini:", 9));
	for (size_t i = 0; i < p.settings.n; i++)
		exercise(p.settings.v[i]);
	profile_free(&p);
	load_errors_free(&errs);
	return 0;
}
