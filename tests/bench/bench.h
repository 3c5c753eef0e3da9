/* SPDX-License-Identifier: ISC */
/* bench.h - small helpers shared by the benchmark programs (tests/bench).
 *
 * Every measuring program prints its results as "K key value" lines on
 * stdout (value in microseconds unless the key says otherwise);
 * `bench report FILE` reads them all back and prints the table.
 */
#ifndef DC_BENCH_H
#define DC_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline double bench_thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline long bench_env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	v = strtol(s, &end, 10);
	if (*end || v < 0) {
		fprintf(stderr, "bench: %s=%s is not a count, using %ld\n",
			name, s, dflt);
		return dflt;
	}
	return v;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static inline double bench_pct(const double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(q * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static inline void bench_kv(const char *prefix, const char *key, double v)
{
	printf("K %s.%s %.3f\n", prefix, key, v);
}

/* Sorts v in place and prints n, min, p10, med, p90, p99, p999, max, mean,
 * over3 (samples above 3 x the median) and over400ms (samples that
 * waited for a retransmission after the 500 ms timeout, or nearly). */
static inline void bench_summary(const char *prefix, double *v, size_t n)
{
	double sum = 0, med;
	size_t over = 0, stalled = 0;

	qsort(v, n, sizeof(*v), bench_cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	med = bench_pct(v, n, 0.5);
	for (size_t i = 0; i < n; i++) {
		over += v[i] > 3 * med;
		stalled += v[i] > 400000; /* waited (most of) a 500 ms timeout */
	}
	bench_kv(prefix, "n", (double)n);
	bench_kv(prefix, "min", n ? v[0] : 0);
	bench_kv(prefix, "p10", bench_pct(v, n, 0.10));
	bench_kv(prefix, "med", med);
	bench_kv(prefix, "p90", bench_pct(v, n, 0.90));
	bench_kv(prefix, "p99", bench_pct(v, n, 0.99));
	bench_kv(prefix, "p999", bench_pct(v, n, 0.999));
	bench_kv(prefix, "max", n ? v[n - 1] : 0);
	bench_kv(prefix, "mean", n ? sum / (double)n : 0);
	bench_kv(prefix, "over3", (double)over);
	bench_kv(prefix, "over400ms", (double)stalled);
}

#endif
