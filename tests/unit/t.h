/* SPDX-License-Identifier: ISC */
/* t.h - minimal TAP output for unit tests.  tests/run.sh counts the
 * "ok" and "not ok" lines of every test program. */
#ifndef T_H
#define T_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_n, t_failed;

#define T_OK(cond, ...) do {                                          \
	int t_c_ = !!(cond);                                          \
	t_n++;                                                        \
	if (!t_c_) t_failed++;                                        \
	printf("%sok %d - ", t_c_ ? "" : "not ", t_n);                \
	printf(__VA_ARGS__);                                          \
	if (!t_c_) printf("  [%s:%d: %s]", __FILE__, __LINE__, #cond);\
	putchar('\n');                                                \
	fflush(stdout);                                               \
} while (0)

#define T_EQ_INT(a, b, ...) do {                                      \
	long t_a_ = (long)(a), t_b_ = (long)(b);                      \
	T_OK(t_a_ == t_b_, __VA_ARGS__);                              \
	if (t_a_ != t_b_) printf("#   got %ld, want %ld\n", t_a_, t_b_); \
} while (0)

/* Hex text (known-answer vectors) to bytes: the length, or -1. */
static inline int t_unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = strlen(h) / 2, i;

	if (n > cap)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)n;
}

/* The signed lists of tests/data (public-resolvers.v3.md, relays.v3.md and
 * their .minisig): tests run from the repository's top directory
 * (tests/run.sh and debian/rules do); DC_TEST_DATA names another one. */
static inline const char *t_data_dir(void)
{
	const char *dir = getenv("DC_TEST_DATA");

	return dir != NULL && dir[0] != '\0' ? dir : "tests/data";
}

#define T_DONE() return t_failed ? 1 : 0

#endif
