// SPDX-License-Identifier: GPL-2.0-or-later
/* Every domain hosttune knows: add a line here for each checks/ domain. */
#include <string.h>

#include "hosttune/check.h"

extern const struct check_ops sysctl_ops;
extern const struct check_ops net_ops;
extern const struct check_ops mount_ops;
extern const struct check_ops rlimit_ops;
extern const struct check_ops cpu_ops;
extern const struct check_ops numa_ops;
extern const struct check_ops block_ops;
extern const struct check_ops boot_ops;
extern const struct check_ops file_ops;

const struct check_ops *const check_registry[] = {
	&sysctl_ops, &net_ops,	 &mount_ops, &rlimit_ops, &cpu_ops,
	&numa_ops,   &block_ops, &boot_ops,  &file_ops,	  NULL,
};

const struct check_ops *check_ops_find(const char *name)
{
	for (size_t i = 0; check_registry[i]; i++)
		if (!strcmp(check_registry[i]->name, name))
			return check_registry[i];
	return NULL;
}
