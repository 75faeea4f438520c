/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_CMDLINE_H
#define HOSTTUNE_CMDLINE_H

/*
 * The kernel command line (the boot domain, checks/boot.c): /proc/cmdline
 * parsed as the kernel's parse_args()/next_arg() do, and hosttune's
 * boot-loader drop-in that changes it at the next boot.
 *
 * Parsing: blanks separate parameters (the kernel's isspace(), which takes
 * 0xa0 for a blank too); double quotes hold blanks ("foo=a b" or
 * foo="a b", quotes dropped as the kernel drops them); '-' and '_' are the
 * same in a name (Documentation/admin-guide/kernel-parameters.rst), so
 * names are kept with '_'; the last occurrence of a name wins; a bare "--"
 * ends the kernel's part, the rest is for init.
 *
 * The file is treated as hostile: control bytes other than blanks and an
 * unbalanced quote are errors with the byte offset, and the caller bounds
 * the read (CMDLINE_MAX).
 */
#include <stdbool.h>
#include <stddef.h>

#include "hosttune/expect.h"

/* Largest /proc/cmdline read: COMMAND_LINE_SIZE is at most 4 KiB, and a
 * bootconfig's kernel parameters at most 32 KiB more. */
#define CMDLINE_MAX (64 * 1024)
/* Longest parameter name hosttune accepts in a profile. */
#define CMDLINE_NAME_MAX 128
/* Longest value it writes into the drop-in. */
#define CMDLINE_VALUE_MAX 256

/* hosttune's boot-loader drop-in, beneath the root: grub-mkconfig
 * (update-grub) sources /etc/default/grub.d/ *.cfg with /bin/sh. */
#define CMDLINE_DROPIN "etc/default/grub.d/hosttune.cfg"

struct cmdline_param {
	char *name; /* '-' made '_' */
	char *value; /* NULL for a bare flag */
};

struct cmdline {
	struct cmdline_param *v;
	size_t n;
};

/* Parse text (NUL-terminated) into ret: 0, or -EINVAL with *ret_err (caller
 * frees) saying what and at which byte. */
int cmdline_parse(const char *text, struct cmdline *ret, char **ret_err);
void cmdline_free(struct cmdline *cl);
/* The last occurrence of name (canonical), or NULL. */
const struct cmdline_param *cmdline_find(const struct cmdline *cl,
					 const char *name);

/* A parameter name a profile may use: 1 to CMDLINE_NAME_MAX of letters,
 * digits, '_', '-' and '.', starting with a letter, a digit or '_', not
 * ending in '.'. */
bool cmdline_name_ok(const char *name);
/* name with every '-' made '_'. */
char *cmdline_name_canon(const char *name);
/* A value hosttune may write into the drop-in, a shell file: 1 to
 * CMDLINE_VALUE_MAX of letters, digits and "_.,:/=+-@%" (no blank, quote,
 * '$', '`', '\\', control byte, nor anything a GRUB script reads). */
bool cmdline_value_ok(const char *value);

/* What a boot setting asks, from its expect text: "" a bare flag, "!"
 * absent, anything else present with a value satisfying the expect. */
enum cmdline_want {
	CMDLINE_VALUE,
	CMDLINE_FLAG,
	CMDLINE_ABSENT,
};
enum cmdline_want cmdline_want_of(const struct expect *e);
/* Does p (NULL: absent) satisfy e? */
bool cmdline_satisfies(const struct expect *e, const struct cmdline_param *p);

/* One parameter the drop-in sets ("name", "name=value") or removes. */
struct cmdline_edit {
	const char *name; /* canonical */
	const char *value; /* NULL: a bare flag */
	bool absent;
};
/* The drop-in's text for edits, in order. Every name and value must have
 * passed cmdline_name_ok()/cmdline_value_ok(); -EINVAL otherwise. */
int cmdline_dropin(const char *profile, const struct cmdline_edit *edits,
		   size_t n, char **ret);
/* What the drop-in text says of name: 0 when nothing; 1 with *ret_line
 * (1-based), *ret_absent and *ret_value (NULL for a flag or a
 * removal; caller frees) when a line sets or removes it (the last such
 * line). */
int cmdline_dropin_find(const char *text, const char *name, int *ret_line,
			bool *ret_absent, char **ret_value);

#endif
