// SPDX-License-Identifier: GPL-2.0-or-later
/* Least privilege with libcap: decide before the first write, refuse early
 * naming what is missing, and drop everything else. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "hosttune/cli.h"

static bool cap_effective(cap_t caps, cap_value_t c)
{
	cap_flag_value_t v = CAP_CLEAR;

	return cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET;
}

static char *cap_upper_name(cap_value_t c)
{
	char *n = cap_to_name(c), *out;

	if (!n)
		return xasprintf("capability %d", (int)c);
	out = xstrdup(n);
	cap_free(n);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

bool caps_privileged(void)
{
	cap_t caps;
	bool any = false;

	if (geteuid() == 0)
		return true;
	caps = cap_get_proc();
	if (!caps)
		return false;
	for (cap_value_t c = 0; c < cap_max_bits() && !any; c++)
		any = cap_effective(caps, c);
	cap_free(caps);
	return any;
}

uint64_t caps_permitted(void)
{
	cap_t caps = cap_get_proc();
	uint64_t mask = 0;

	if (!caps)
		return 0;
	for (cap_value_t c = 0; c < 64 && c < cap_max_bits(); c++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET)
			mask |= UINT64_C(1) << c;
	}
	cap_free(caps);
	return mask;
}

int caps_missing(uint64_t needed, char **ret_names)
{
	struct strbuf sb = { 0 };
	cap_t caps = cap_get_proc();

	if (!caps)
		return -errno;
	for (cap_value_t c = 0; c < 64; c++) {
		_cleanup_free_ char *name = NULL;

		if (!(needed & (UINT64_C(1) << c)) || cap_effective(caps, c))
			continue;
		name = cap_upper_name(c);
		strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", name);
	}
	cap_free(caps);
	*ret_names = sb.len ? strbuf_take(&sb) : NULL;
	return 0;
}

/* Take every capability but keep out of the bounding set, so that nothing
 * this process runs could get it back; needs CAP_SETPCAP, which only a
 * privileged process has (an unprivileged one has nothing to drop). */
static int drop_bounding(uint64_t keep)
{
	cap_t now = cap_get_proc();
	bool setpcap = now && cap_effective(now, CAP_SETPCAP);

	cap_free(now);
	if (!setpcap)
		return 0;
	for (cap_value_t c = 0; c < cap_max_bits(); c++) {
		if (c < 64 && (keep & (UINT64_C(1) << c)))
			continue;
		/* below cap_max_bits() the kernel knows c: no need to ask
		 * first (CAP_IS_SUPPORTED is one more prctl per capability,
		 * 41 of the 132 system calls an audit made to drop them) */
		if (cap_drop_bound(c) < 0)
			return -errno;
	}
	return 0;
}

/* Every set but the bounding set down to keep, and no_new_privs. */
static int limit_sets(uint64_t keep)
{
	cap_t caps;
	int r = 0;

	/* no exec of ours (there is none) could ever gain privilege */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* one prctl: libcap's cap_reset_ambient() asks about every
	 * capability first; EINVAL is a kernel without ambient sets */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	caps = cap_init();
	if (!caps)
		return -errno;
	for (cap_value_t c = 0; c < 64 && c < cap_max_bits(); c++) {
		if (!(keep & (UINT64_C(1) << c)))
			continue;
		if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0)
			r = -errno;
	}
	if (r == 0 && cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	return r;
}

int caps_limit_to(uint64_t keep)
{
	int r = drop_bounding(keep);

	return r < 0 ? r : limit_sets(keep);
}

int caps_drop_all(void)
{
	return limit_sets(0);
}
