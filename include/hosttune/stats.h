/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_STATS_H
#define HOSTTUNE_STATS_H

/*
 * The statistics trial reports, on small samples of a noisy metric:
 * order statistics, the relative change of the median with a 95%
 * percentile-bootstrap interval (a fixed number of resamples from a seeded
 * generator, so a report is reproducible), and the two-sided p-value of the
 * Mann-Whitney U test (normal approximation with continuity and tie
 * corrections, as scipy's mannwhitneyu(method="asymptotic") computes it).
 */
#include <stddef.h>
#include <stdint.h>

struct summary_stats {
	double median, p95, min, max, mad;
};

/* Of n > 0 values (not changed). p95 by linear interpolation between
 * order statistics (numpy's default); MAD unscaled. */
void stats_summary(const double *x, size_t n, struct summary_stats *ret);
double stats_median(const double *x, size_t n);
double stats_quantile(const double *x, size_t n, double q);

/* A seeded generator: splitmix64. */
uint64_t stats_rand(uint64_t *state);

#define STATS_RESAMPLES 10000

/* The relative change of the median, median(b) / median(a) - 1, and its
 * 95% percentile-bootstrap interval over STATS_RESAMPLES resamples of
 * each sample, drawn from seed. */
void stats_change(const double *a, size_t na, const double *b, size_t nb,
		  uint64_t seed, double *ret_change, double *ret_lo,
		  double *ret_hi);

/* The complementary error function, in hosttune's own code so that it
 * does not load libm (as accurate as libm's erfc; see stats.c). */
double stats_erfc(double x);

/* The two-sided p-value of the Mann-Whitney U test of a against b. */
double stats_mannwhitney_p(const double *a, size_t na, const double *b,
			   size_t nb);

#endif
