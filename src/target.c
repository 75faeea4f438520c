// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Target lists: "nvme*", "*,loop*", "en*,!enp0s31f6" (target.h says what
 * they mean). Parsed once when the profile is loaded, to refuse a bad one
 * with its file and line, and again by the domain's expand.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "hosttune/target.h"

static int element_ok(const char *elem, char **ret_err)
{
	const char *glob = elem[0] == '!' ? elem + 1 : elem;

	if (!*elem) {
		*ret_err = xstrdup("empty element in the target list (a "
				   "comma at an end, or two in a row)");
		return -EINVAL;
	}
	if (!*glob) {
		*ret_err = xstrdup("a '!' must be followed by the glob it "
				   "excludes");
		return -EINVAL;
	}
	if (glob[0] == '!') {
		*ret_err = xasprintf("'%s': a '!' starts an exclusion, once",
				     elem);
		return -EINVAL;
	}
	if (has_control_chars(elem) || strpbrk(elem, " \t")) {
		*ret_err = xstrdup("a target has no blanks or control "
				   "characters (elements are separated by "
				   "',' alone)");
		return -EINVAL;
	}
	return 0;
}

int target_list_parse(const char *text, struct target_list *ret, char **ret_err)
{
	_cleanup_free_ char *buf = xstrdup(text);
	_cleanup_free_ struct target_glob *v = NULL;
	size_t n = 1, k = 0;
	bool includes = false;
	char *p = buf;

	for (const char *q = text; *q; q++)
		n += *q == ',';
	v = xcalloc(n, sizeof(*v));
	for (;;) {
		char *comma = strchr(p, ',');
		int r;

		if (comma)
			*comma = '\0';
		r = element_ok(p, ret_err);
		if (r < 0)
			return r;
		v[k].exclude = p[0] == '!';
		v[k].glob = p + v[k].exclude;
		includes |= !v[k++].exclude;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!includes) {
		*ret_err = xasprintf("'%s' only excludes: a target list needs "
				     "an element that includes ('*,%s')",
				     text, text);
		return -EINVAL;
	}
	*ret = (struct target_list){ TAKE_PTR(buf), TAKE_PTR(v), k };
	return 0;
}

void target_list_free(struct target_list *l)
{
	free(l->buf);
	free(l->v);
	*l = (struct target_list){ 0 };
}

int target_list_validate(const char *text,
			 int (*check_glob)(const char *glob, char **ret_err),
			 char **ret_err)
{
	_cleanup_target_list_ struct target_list l = { 0 };
	int r = target_list_parse(text, &l, ret_err);

	for (size_t i = 0; r == 0 && i < l.n; i++) {
		_cleanup_free_ char *why = NULL, *quoted = NULL;

		r = check_glob(l.v[i].glob, &why);
		if (r == 0)
			continue;
		/* Name the element at fault, unless the message does. */
		quoted = xasprintf("'%s'", l.v[i].glob);
		if (l.n == 1 || (why && strstr(why, quoted)))
			*ret_err = TAKE_PTR(why);
		else
			*ret_err = xasprintf("%s: %s", quoted,
					     why ? why : "invalid");
	}
	return r;
}

bool target_is_name(const char *text)
{
	return *text && text[0] != '!' && !strpbrk(text, ",*?[");
}

static bool glob_matches(const struct target_glob *g, const char *name,
			 int fnm_flags, const struct host *h,
			 target_default_fn *is_default)
{
	if (!strcmp(g->glob, "*"))
		return is_default(h, name);
	return fnmatch(g->glob, name, fnm_flags) == 0;
}

bool target_list_match(const struct target_list *l, const char *name,
		       int fnm_flags, const struct host *h,
		       target_default_fn *is_default)
{
	bool in = false;

	/* Exclusions first: they decide alone, and cost one fnmatch. */
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].exclude &&
		    glob_matches(&l->v[i], name, fnm_flags, h, is_default))
			return false;
	for (size_t i = 0; i < l->n && !in; i++)
		in = !l->v[i].exclude &&
		     glob_matches(&l->v[i], name, fnm_flags, h, is_default);
	return in;
}
