// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rlimit domain's readers of /proc/PID files on arbitrary text: every
 * resource looked up in it as /proc/PID/limits, the Uid:/Gid: lines as
 * /proc/PID/status, and the start time as /proc/PID/stat. A limit found
 * is then matched and planned against a few profile values, as audit and
 * apply do. checks/rlimit.c is included so its static parsers can be
 * reached without a file per input; the library's copy of the domain is
 * then never linked in.
 */
#include "fuzz.h"

#include "../../checks/rlimit.c"

static const char *const values[] = {
	">=65536", "<=1024", "unlimited", "1024..1048576", "max", "0|4096",
};

/* A limit found: audit's match and apply's plan on it. */
static void judge(const struct rlimit_desc *d, const struct rlimit_pair *p)
{
	struct setting s = { .ops = &rlimit_ops };
	struct check c = { .setting = &s, .ops = &rlimit_ops };
	uint64_t v;

	c.actual = limit_format(p->soft);
	c.max = limit_format(p->hard);
	FUZZ_ASSERT(limit_parse(c.actual, &v) == 0 && v == p->soft);
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		char *key = NULL, *err = NULL, *want = NULL;

		if (rlimit_parse_setting("self", d->key, values[i], &key,
					 &s.expect, &err) < 0) {
			free(err);
			continue;
		}
		c.key = key;
		(void)rlimit_match(NULL, &c);
		if (rlimit_plan(NULL, &c, &want) == 0)
			free(want);
		expect_free(&s.expect);
		free(key);
	}
	free(c.actual);
	free(c.max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct rlimit_pair p;
	uint64_t start;

	for (size_t i = 0; i < ARRAY_SIZE(rlimit_known); i++)
		if (limits_parse(text, rlimit_known[i].label, &p) == 0)
			judge(&rlimit_known[i], &p);
	(void)ids_are(text, "\nUid:", 0);
	(void)ids_are(text, "\nGid:", 1000);
	(void)proc_stat_start_time(text, &start);
	free(text);
	return 0;
}
