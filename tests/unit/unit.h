/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the cmocka unit tests: one binary per module. */
#ifndef HOSTTUNE_TEST_UNIT_H
#define HOSTTUNE_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttune/util.h"

/* The fixtures directory, found from the source tree. The Makefile runs
 * tests from the top of the tree; HOSTTUNE_FIXTURES overrides. */
static inline const char *fixtures_dir(void)
{
	const char *d = getenv("HOSTTUNE_FIXTURES");

	return d ? d : "tests/fixtures";
}

/* A copy of a fixture tree in a fresh temporary directory, so tests that
 * write never touch the checked-in files. Returns the new root (free it
 * with fixture_remove). */
char *fixture_copy(const char *name);
void fixture_remove(char *root);

#endif
