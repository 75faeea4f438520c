// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mount domain's parsers on arbitrary text, as /proc/self/mountinfo:
 * the line splitter and octal unescaping, the lookup of a mount point
 * (stacked mounts), then the state a check reads ("PER - SUPER") and what
 * a write merges into it. checks/mount.c is included so its static
 * parsers can be reached without a file per input; the library's copy of
 * the domain is then never linked in.
 *
 * Checked beyond the sanitizers: once an option is merged into a state
 * (what mount_write asks the kernel for), the option holds in that state.
 */
#include "fuzz.h"

#include "../../checks/mount.c"

/* Options a profile may list: every kind of word, with and without '!'. */
static const char *const options[] = {
	"noatime", "!noatime",	   "relatime", "!relatime", "strictatime",
	"ro",	   "!ro",	   "rw",       "!rw",	    "nosuid",
	"!nosuid", "nodev",	   "sync",     "!sync",	    "lazytime",
	"!mand",   "size=16m",	   "size=1G",  "commit=60", "!commit",
	"mode",	   "errors=panic", "!errors",
};

static void state_copy(struct mount_state *dst, const struct mount_state *src)
{
	*dst = *src;
	dst->fs = (struct ptrvec){ 0 };
	for (size_t i = 0; i < src->fs.n; i++)
		ptrvec_push(&dst->fs, xstrdup(src->fs.v[i]));
}

static void merge_one(const struct mount_state *st, const char *text)
{
	struct mount_state want;
	struct mount_opt o;
	char *err = NULL, *data = NULL;

	FUZZ_ASSERT(mount_opt_parse(text, &o, &err) == 0);
	(void)mount_opt_holds(st, &o);
	state_copy(&want, st);
	if (mount_state_merge(&want, &o) == 0) {
		FUZZ_ASSERT(mount_opt_holds(&want, &o));
		(void)mnt_ms_flags(&want);
		if (fs_data(&want, &data) == 0)
			free(data);
	}
	mount_state_free(&want);
	mount_opt_free(&o);
}

/* The state mount_read() makes of an entry, and writes merged into it. */
static void exercise(const struct mount_entry *m)
{
	char *text = xasprintf("%s - %s", m->opts, m->super);
	struct mount_state st;

	if (mount_state_parse(text, &st) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(options); i++)
			merge_one(&st, options[i]);
		mount_state_free(&st);
	}
	free(text);
}

static void lookup(const char *text, const char *path)
{
	struct mount_entry m = { 0 };

	if (mountinfo_find(text, path, &m) == 1) {
		FUZZ_ASSERT(!strcmp(m.point, path));
		exercise(&m);
		mount_entry_free(&m);
	}
}

/* The mount point of the first line that parses, or NULL. */
static char *first_point(const char *text)
{
	char *copy = xstrdup(text), *line, *nl, *point = NULL;

	for (line = copy; line && !point; line = nl) {
		struct mount_entry m = { 0 };

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (mountinfo_line(line, &m) == 0) {
			point = TAKE_PTR(m.point);
			mount_entry_free(&m);
		}
	}
	free(copy);
	return point;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *point;

	lookup(text, "/");
	point = first_point(text);
	if (point && strcmp(point, "/"))
		lookup(text, point);
	free(point);
	free(text);
	return 0;
}
