/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_BOOTCONF_H
#define HOSTTUNE_BOOTCONF_H

/*
 * What a host gets at boot, so that an audit can tell "ok now" from "ok
 * after the next reboot" (the JSON's persisted and boot_source):
 *
 * - sysctls as systemd-sysctl resolves them: the *.conf files of
 *   /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d
 *   and /lib/sysctl.d, a file name in an earlier directory masking the same
 *   name in a later one (a symlink to /dev/null masks it away), all of them
 *   read in the order of their names, a later assignment of a key replacing
 *   an earlier one, an explicit key beating any glob, '-' keys optional.
 *   (/etc/sysctl.conf counts through Debian's 99-sysctl.conf link to it, as
 *   systemd-sysctl reads no other file.)
 * - mount options from /etc/fstab;
 * - kernel command-line parameters (the boot domain) from what
 *   update-grub puts on the kernel's line: GRUB_CMDLINE_LINUX, then
 *   GRUB_CMDLINE_LINUX_DEFAULT, as /etc/default/grub and then each
 *   /etc/default/grub.d/NAME.cfg in name order assign them (a reference to
 *   either variable is followed; other words with a '$' are not), with
 *   hosttune's drop-in /etc/default/grub.d/hosttune.cfg taking effect at
 *   its place in that order: a later file that sets a parameter again, or
 *   assigns the variable afresh, overrides it, and the audit says so;
 * - every other domain from the profile hosttune-apply.service applies at
 *   boot (the active profile).
 *
 * All of it beneath the host's root, so a --root tree is judged the same.
 */
#include "hosttune/profile.h"

struct boot_assign {
	char *key; /* dotted, canonical; a glob for a glob line */
	char *value;
	char *source; /* "/etc/sysctl.d/90-x.conf:12" */
	bool glob;
};

struct bootconf {
	struct ptrvec assigns; /* struct boot_assign *, in the order read */
	struct ptrvec fstab; /* struct boot_assign *: key mount point,
				value its options */
	/* struct boot_assign *, in the order update-grub reads them: key
	 * "GRUB_CMDLINE_LINUX" or "GRUB_CMDLINE_LINUX_DEFAULT", value what
	 * is assigned (one level of quotes removed); key NULL marks where
	 * hosttune's drop-in is read */
	struct ptrvec grub;
	bool grub_found; /* /etc/default/grub was read */
	char *grub_dropin; /* hosttune's boot-loader drop-in, or NULL */
	const struct profile *active; /* NULL: no active profile */
	char *active_name;
};

/* What bootconf_judge needs for a check: the files it reads at boot, or
 * (BOOTCONF_ACTIVE) the active profile, which the caller loads. */
enum {
	BOOTCONF_SYSCTL = 1 << 0, /* sysctl.d, as systemd-sysctl reads it */
	BOOTCONF_FSTAB = 1 << 1,
	BOOTCONF_GRUB = 1 << 2,
	BOOTCONF_ACTIVE = 1 << 3,
};

unsigned bootconf_needs(const struct check *c);
/* Only the sources in what (BOOTCONF_* bits): an audit reads what its
 * checks need, no fstab without a mount check, no GRUB without [boot]. */
int bootconf_load_some(const struct host *h, struct bootconf *b, unsigned what);
int bootconf_load(const struct host *h, struct bootconf *b);
/* Only what update-grub reads (the boot domain's part); bootconf_free
 * frees it. */
void bootconf_load_grub(const struct host *h, struct bootconf *b);
void bootconf_free(struct bootconf *b);

/* Where c's setting stands at boot: *ret_source (caller frees) the file
 * and line that sets it, or NULL; the return is 1 when the boot value
 * satisfies the setting, 0 when not, -1 when nothing sets it at boot. */
int bootconf_judge(const struct bootconf *b, const struct check *c,
		   char **ret_source);

#endif
