/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_SYSCTL_H
#define HOSTTUNE_SYSCTL_H

/* Canonicalise a sysctl key (dotted or slashed) to the dotted form;
 * -EINVAL with a reason for keys that could leave /proc/sys. */
int sysctl_key_parse(const char *key, char **ret_key, char **ret_err);
/* Whether the domain's key tables are sorted, as their binary search needs. */
bool sysctl_tables_sorted(void);

#endif
