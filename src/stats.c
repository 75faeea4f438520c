// SPDX-License-Identifier: GPL-2.0-or-later
/* The statistics of trial: see stats.h. */
#include <math.h>
#include <string.h>

#include "hosttune/stats.h"
#include "hosttune/util.h"

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = xmalloc(n * sizeof(*s));

	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

/* Linear interpolation between order statistics of sorted s. */
static double quantile_sorted(const double *s, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + frac * (s[i + 1] - s[i]);
}

double stats_quantile(const double *x, size_t n, double q)
{
	double *s = sorted_copy(x, n), r = quantile_sorted(s, n, q);

	free(s);
	return r;
}

double stats_median(const double *x, size_t n)
{
	return stats_quantile(x, n, 0.5);
}

void stats_summary(const double *x, size_t n, struct summary_stats *ret)
{
	double *s = sorted_copy(x, n), *dev = xmalloc(n * sizeof(*dev));

	ret->median = quantile_sorted(s, n, 0.5);
	ret->p95 = quantile_sorted(s, n, 0.95);
	ret->min = s[0];
	ret->max = s[n - 1];
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(x[i] - ret->median);
	ret->mad = stats_median(dev, n);
	free(dev);
	free(s);
}

uint64_t stats_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The median of a resample (with replacement) of x, into buf. */
static double resample_median(const double *x, size_t n, double *buf,
			      uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[stats_rand(rng) % n];
	qsort(buf, n, sizeof(*buf), cmp_double);
	return quantile_sorted(buf, n, 0.5);
}

void stats_change(const double *a, size_t na, const double *b, size_t nb,
		  uint64_t seed, double *ret_change, double *ret_lo,
		  double *ret_hi)
{
	double *ra = xmalloc(na * sizeof(*ra)), *rb = xmalloc(nb * sizeof(*rb));
	double *ch = xmalloc(STATS_RESAMPLES * sizeof(*ch));
	uint64_t rng = seed;

	*ret_change = stats_median(b, nb) / stats_median(a, na) - 1.0;
	for (size_t k = 0; k < STATS_RESAMPLES; k++) {
		double ma = resample_median(a, na, ra, &rng);
		double mb = resample_median(b, nb, rb, &rng);

		ch[k] = mb / ma - 1.0;
	}
	qsort(ch, STATS_RESAMPLES, sizeof(*ch), cmp_double);
	*ret_lo = quantile_sorted(ch, STATS_RESAMPLES, 0.025);
	*ret_hi = quantile_sorted(ch, STATS_RESAMPLES, 0.975);
	free(ra);
	free(rb);
	free(ch);
}

struct ranked {
	double v;
	int group;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	return a->v < b->v ? -1 : a->v > b->v;
}

double stats_mannwhitney_p(const double *a, size_t na, const double *b,
			   size_t nb)
{
	size_t n = na + nb;
	struct ranked *r = xmalloc(n * sizeof(*r));
	double rank_a = 0, ties = 0, u, mu, sigma, z;

	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double avg, t;

		while (j < n && r[j].v == r[i].v)
			j++;
		avg = ((double)i + 1 + (double)j) / 2.0; /* ranks i+1..j */
		for (size_t k = i; k < j; k++)
			if (r[k].group == 0)
				rank_a += avg;
		t = (double)(j - i);
		ties += t * t * t - t;
		i = j;
	}
	free(r);
	u = rank_a - (double)na * ((double)na + 1) / 2.0;
	mu = (double)na * (double)nb / 2.0;
	sigma = sqrt((double)na * (double)nb / 12.0 *
		     (((double)n + 1) - ties / ((double)n * ((double)n - 1))));
	if (sigma == 0)
		return 1.0;
	/* continuity correction towards the mean */
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return fmin(1.0, erfc(z / sqrt(2.0)));
}
