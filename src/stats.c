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

/*
 * e^y for y <= 0, to double precision: y = k ln 2 + r with |r| <= ln 2 / 2
 * (ln 2 in two parts, as fdlibm splits it, so r is exact), e^r by its
 * Taylor series, then scaled by 2^k. Here, with erfc below, so that
 * hosttune needs nothing of libm: loading libm costs every run of every
 * verb about 55 us and 280 KiB of resident memory (README, Performance),
 * and trial's p-value is its only user.
 */
static double exp_nonpositive(double y)
{
	const double ln2_hi = 6.93147180369123816490e-01,
		     ln2_lo = 1.90821492927058770002e-10;
	double r, term = 1, sum = 1;
	long k;

	if (y < -746)
		return 0;
	k = (long)(y / (ln2_hi + ln2_lo) - 0.5);
	r = (y - (double)k * ln2_hi) - (double)k * ln2_lo;
	for (int n = 1; n < 30 && fabs(term) > 1e-18 * sum; n++) {
		term *= r / n;
		sum += term;
	}
	return ldexp(sum, (int)k);
}

/*
 * The complementary error function, within 1e-13 relative (the unit
 * test holds it to libm's erfc). Below 1.5, 1 - erf with erf's series of
 * positive terms, 2/sqrt(pi) e^-x^2 sum (2x^2)^n x / (2n+1)!!; above, the
 * continued fraction e^-x^2 / sqrt(pi) / (x + (1/2) / (x + (2/2) / (x +
 * ...))), evaluated by Lentz's method.
 */
double stats_erfc(double x)
{
	const double two_over_sqrt_pi = 1.12837916709551257390,
		     one_over_sqrt_pi = 0.56418958354775628695;
	double e;

	if (x != x)
		return x;
	if (x < 0)
		return 2 - stats_erfc(-x);
	if (x > 27)
		return 0; /* below the smallest double */
	e = exp_nonpositive(-x * x);
	if (x < 1.5) {
		double term = x, sum = x;

		for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
			term *= 2 * x * x / (2 * n + 1);
			sum += term;
		}
		return 1 - two_over_sqrt_pi * e * sum;
	}
	{
		const double tiny = 1e-300;
		double f = x, c = x, d = 0;

		for (int n = 1; n < 500; n++) {
			double a = n / 2.0, delta;

			d = x + a * d;
			d = fabs(d) < tiny ? tiny : d;
			c = x + a / c;
			c = fabs(c) < tiny ? tiny : c;
			d = 1 / d;
			delta = c * d;
			f *= delta;
			if (fabs(delta - 1) < 1e-16)
				break;
		}
		return one_over_sqrt_pi * e / f;
	}
}

double stats_mannwhitney_p(const double *a, size_t na, const double *b,
			   size_t nb)
{
	size_t n = na + nb;
	struct ranked *r = xmalloc(n * sizeof(*r));
	double rank_a = 0, ties = 0, u, mu, sigma, z, p;

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
	p = stats_erfc(z / sqrt(2.0));
	return p < 1.0 ? p : 1.0;
}
