// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trial's statistics against values computed independently: numpy 1.24's
 * median, percentile(95) and median absolute deviation, and scipy 1.10.1's
 * mannwhitneyu(a, b, alternative="two-sided", method="asymptotic",
 * use_continuity=True), recorded here (Debian 12's python3-scipy).
 */
#include <math.h>

#include "unit.h"
#include "hosttune/stats.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static const double a1[] = { 1.2, 1.5, 1.1, 1.9, 1.4, 1.3 };
static const double b1[] = { 2.1, 2.4, 1.8, 2.2, 2.9, 2.0 };
static const double a2[] = { 10, 11, 12, 13, 14 };
static const double a3[] = { 5, 5, 5, 6, 7, 8, 9 };
static const double b3[] = { 5, 6, 6, 7, 7, 7, 10, 11 };
static const double a4[] = { 0.100, 0.102, 0.099, 0.101, 0.150,
			     0.098, 0.100, 0.103, 0.097, 0.100 };
static const double b4[] = { 0.051, 0.049, 0.050, 1.05,	 0.052,
			     0.048, 0.050, 0.049, 0.051, 0.050 };

static void near(double got, double want, double eps)
{
	if (fabs(got - want) > eps)
		fail_msg("%.10f, wanted %.10f", got, want);
}

static void test_summary_as_numpy(void **state)
{
	struct summary_stats s;

	(void)state;
	stats_summary(a1, N(a1), &s);
	near(s.median, 1.35, 1e-12);
	near(s.p95, 1.8, 1e-12);
	near(s.mad, 0.15, 1e-12);
	near(s.min, 1.1, 0);
	near(s.max, 1.9, 0);
	stats_summary(b1, N(b1), &s);
	near(s.median, 2.15, 1e-12);
	near(s.p95, 2.775, 1e-12);
	stats_summary(a3, N(a3), &s);
	near(s.median, 6, 0);
	near(s.p95, 8.7, 1e-12);
	near(s.mad, 1, 0);
	stats_summary(b3, N(b3), &s);
	near(s.p95, 10.65, 1e-12);
	stats_summary(a4, N(a4), &s);
	near(s.median, 0.1, 1e-12);
	near(s.p95, 0.12885, 1e-12);
	near(s.mad, 0.0015, 1e-12);
	stats_summary(b4, N(b4), &s);
	near(s.p95, 0.6009, 1e-12);
	stats_summary(a2, 1, &s); /* one sample */
	near(s.median, 10, 0);
	near(s.p95, 10, 0);
}

/* hosttune's erfc against libm's (this test alone links libm), over the
 * range the p-value uses and beyond: relative error within 1e-13 where
 * the value is a normal double, and the symmetry erfc(-x) = 2 - erfc(x). */
static void test_erfc_as_libm(void **state)
{
	(void)state;
	for (int i = -600; i <= 2700; i++) {
		double x = i / 100.0, want = erfc(x), got = stats_erfc(x);

		if (want > 1e-300 && fabs(got - want) > 1e-13 * want)
			fail_msg("erfc(%g) = %.17g, libm %.17g", x, got, want);
		if (want <= 1e-300 && got > 1e-290)
			fail_msg("erfc(%g) = %g, libm %g", x, got, want);
	}
	near(stats_erfc(0), 1, 0);
	near(stats_erfc(30), 0, 0);
	near(stats_erfc(-30), 2, 0);
	assert_true(isnan(stats_erfc(NAN)));
}

static void test_mannwhitney_as_scipy(void **state)
{
	(void)state;
	near(stats_mannwhitney_p(a1, N(a1), b1, N(b1)), 0.0082390188, 1e-9);
	near(stats_mannwhitney_p(a2, N(a2), a2, N(a2)), 1.0, 1e-12);
	near(stats_mannwhitney_p(a3, N(a3), b3, N(b3)), 0.3749844644, 1e-9);
	near(stats_mannwhitney_p(a4, N(a4), b4, N(b4)), 0.0027246447, 1e-9);
	/* symmetric in its arguments */
	near(stats_mannwhitney_p(b3, N(b3), a3, N(a3)), 0.3749844644, 1e-9);
}

/* The change of the median and its bootstrap interval: the same seed, the
 * same interval; the interval holds the change; a clear effect excludes 0
 * and none does not. */
static void test_change_and_interval(void **state)
{
	double c, lo, hi, c2, lo2, hi2;

	(void)state;
	stats_change(a4, N(a4), b4, N(b4), 42, &c, &lo, &hi);
	near(c, -0.5, 1e-12);
	assert_true(lo <= c && c <= hi);
	assert_true(hi < 0);
	stats_change(a4, N(a4), b4, N(b4), 42, &c2, &lo2, &hi2);
	near(lo2, lo, 0);
	near(hi2, hi, 0);
	stats_change(a2, N(a2), a2, N(a2), 7, &c, &lo, &hi);
	near(c, 0, 0);
	assert_true(lo < 0 && hi > 0);
	stats_change(a1, N(a1), b1, N(b1), 1, &c, &lo, &hi);
	near(c, 2.15 / 1.35 - 1, 1e-12);
	assert_true(lo > 0);
}

static void test_rand_is_seeded(void **state)
{
	uint64_t s1 = 5, s2 = 5, s3 = 6;

	(void)state;
	assert_true(stats_rand(&s1) == stats_rand(&s2));
	assert_true(stats_rand(&s1) != stats_rand(&s3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_as_numpy),
		cmocka_unit_test(test_erfc_as_libm),
		cmocka_unit_test(test_mannwhitney_as_scipy),
		cmocka_unit_test(test_change_and_interval),
		cmocka_unit_test(test_rand_is_seeded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
