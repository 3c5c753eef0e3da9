/* SPDX-License-Identifier: ISC */
/* dc_sodium_cpu.c - libsodium's CPU feature probe, answered from glibc's
 * (dc_sodium_cpu.h says why). */
#include "dc_sodium_cpu.h"

/* x86 only (elsewhere libsodium's runtime.o is linked, Makefile). */
#if defined(__x86_64__) || defined(__i386__)
#include <sys/platform/x86.h>

struct features {
	int sse2, sse3, ssse3, sse41, avx, avx2, avx512f, pclmul, aesni, rdrand;
};

/* Written once by sodium_init, which libsodium serialises, before any
 * reader: as runtime.c's own table. */
static struct features f;

int _sodium_runtime_get_cpu_features(void)
{
	f.sse2 = CPU_FEATURE_ACTIVE(SSE2);
	f.sse3 = CPU_FEATURE_ACTIVE(SSE3);
	f.ssse3 = CPU_FEATURE_ACTIVE(SSSE3);
	f.sse41 = CPU_FEATURE_ACTIVE(SSE4_1);
	f.avx = CPU_FEATURE_ACTIVE(AVX);
	/* runtime.c: AVX2 and AVX-512F only with AVX usable */
	f.avx2 = f.avx && CPU_FEATURE_ACTIVE(AVX2);
	f.avx512f = f.avx2 && CPU_FEATURE_ACTIVE(AVX512F);
	f.pclmul = CPU_FEATURE_ACTIVE(PCLMULQDQ);
	f.aesni = CPU_FEATURE_ACTIVE(AES);
	f.rdrand = CPU_FEATURE_ACTIVE(RDRAND);
	return 0;
}

int sodium_runtime_has_neon(void) { return 0; }
int sodium_runtime_has_sse2(void) { return f.sse2; }
int sodium_runtime_has_sse3(void) { return f.sse3; }
int sodium_runtime_has_ssse3(void) { return f.ssse3; }
int sodium_runtime_has_sse41(void) { return f.sse41; }
int sodium_runtime_has_avx(void) { return f.avx; }
int sodium_runtime_has_avx2(void) { return f.avx2; }
int sodium_runtime_has_avx512f(void) { return f.avx512f; }
int sodium_runtime_has_pclmul(void) { return f.pclmul; }
int sodium_runtime_has_aesni(void) { return f.aesni; }
int sodium_runtime_has_rdrand(void) { return f.rdrand; }

#endif
