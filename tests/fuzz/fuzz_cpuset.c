// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPU lists and masks as the kernel writes them in sysfs (cpu/online,
 * rps_cpus, smp_affinity) and as profiles give them: cpuset_parse_list()
 * and cpuset_parse_mask() on arbitrary text, the first byte choosing the
 * largest CPU accepted. What parses must come back from each formatter
 * as the same set: rollback writes these forms back to the kernel.
 */
#include <errno.h>

#include "fuzz.h"

#include "hosttune/cpuset.h"

static void roundtrip_list(const struct cpuset *s, unsigned max)
{
	struct cpuset again = { 0 };
	char *text = cpuset_format_list(s);

	FUZZ_ASSERT(cpuset_parse_list(text, max, &again, NULL) == 0);
	FUZZ_ASSERT(cpuset_equal(s, &again));
	cpuset_free(&again);
	free(text);
}

static void roundtrip_mask(const struct cpuset *s, unsigned max)
{
	struct cpuset a = { 0 }, b = { 0 };
	char *mask = cpuset_format_mask(s), *hex = cpuset_format_hex(s);

	FUZZ_ASSERT(cpuset_parse_mask(mask, max, &a, NULL) == 0);
	FUZZ_ASSERT(cpuset_parse_mask(hex, max, &b, NULL) == 0);
	FUZZ_ASSERT(cpuset_equal(s, &a) && cpuset_equal(s, &b));
	cpuset_free(&a);
	cpuset_free(&b);
	free(mask);
	free(hex);
}

/* Every member within max, counted once. */
static void check_members(const struct cpuset *s, unsigned max)
{
	size_t n = 0;

	for (int c = cpuset_next(s, 0); c >= 0; c = cpuset_next(s, c + 1)) {
		FUZZ_ASSERT((unsigned)c <= max && cpuset_has(s, (unsigned)c));
		n++;
	}
	FUZZ_ASSERT(n == cpuset_count(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpuset s = { 0 };
	unsigned max;
	char *text, *err = NULL;
	int r;

	if (size < 1)
		return 0;
	/* small maxima hit the bounds; 255 stands for CPUSET_MAX */
	max = data[0] == 255 ? CPUSET_MAX : data[0] * 64u;
	text = fuzz_string(data + 1, size - 1);

	r = cpuset_parse_list(text, max, &s, &err);
	FUZZ_ASSERT(r == 0 ? !err : r == -EINVAL && err);
	free(err);
	err = NULL;
	if (r == 0) {
		check_members(&s, max);
		roundtrip_list(&s, max);
		roundtrip_mask(&s, CPUSET_MAX);
		cpuset_free(&s);
	}

	r = cpuset_parse_mask(text, max, &s, &err);
	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	free(err);
	if (r == 0) {
		check_members(&s, max);
		roundtrip_mask(&s, max);
		roundtrip_list(&s, CPUSET_MAX);
		cpuset_free(&s);
	}
	free(text);
	return 0;
}
