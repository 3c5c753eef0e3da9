/* SPDX-License-Identifier: ISC */
/* test_sodium_cpu.c - dc_sodium_cpu.c answers libsodium's CPU feature
 * questions from glibc's probe: the answers equal those of libsodium
 * 1.0.18's own probe (sodium/runtime.c: CPUID leaves 1 and 7, XGETBV),
 * computed here the same way; this program links dc_sodium_cpu.o in place
 * of libsodium's runtime.o, as the module does, and libsodium works with
 * it; and the probe costs no CPUID (# cost). */
#include <time.h>
#include <sodium.h>
#include "t.h"
#include "dc_sodium_cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned xcr0(void)
{
	unsigned a, d;

	__asm__ __volatile__("xgetbv" : "=a"(a), "=d"(d) : "c"(0u));
	return a;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	unsigned a = 0, b = 0, c = 0, d = 0, b7 = 0, x = 0;
	int avx = 0, avx2 = 0, avx512f = 0;
	unsigned char pk[32], sk[32], q[32];
	double t0, t1;

	T_EQ_INT(_sodium_runtime_get_cpu_features(), 0, "probe returns 0 (as runtime.c on x86)");
	__get_cpuid(1, &a, &b, &c, &d);
	if ((c & (bit_AVX | bit_XSAVE | bit_OSXSAVE)) == (bit_AVX | bit_XSAVE | bit_OSXSAVE)) {
		x = xcr0();
		avx = (x & 6) == 6;
	}
	if (avx) {
		__get_cpuid_count(7, 0, &a, &b7, &a, &a);
		avx2 = (b7 & bit_AVX2) != 0;
	}
	if (avx2)
		avx512f = (b7 & bit_AVX512F) != 0 && (x & 0xe0) == 0xe0;
	T_EQ_INT(sodium_runtime_has_sse2(), (d & bit_SSE2) != 0, "SSE2 as CPUID says");
	T_EQ_INT(sodium_runtime_has_sse3(), (c & bit_SSE3) != 0, "SSE3");
	T_EQ_INT(sodium_runtime_has_ssse3(), (c & bit_SSSE3) != 0, "SSSE3");
	T_EQ_INT(sodium_runtime_has_sse41(), (c & bit_SSE4_1) != 0, "SSE4.1");
	T_EQ_INT(sodium_runtime_has_avx(), avx, "AVX (CPUID, OSXSAVE, XCR0 SSE|AVX)");
	T_EQ_INT(sodium_runtime_has_avx2(), avx2, "AVX2 (with AVX)");
	T_EQ_INT(sodium_runtime_has_avx512f(), avx512f, "AVX-512F (with AVX2, XCR0 opmask|ZMM)");
	T_EQ_INT(sodium_runtime_has_pclmul(), (c & bit_PCLMUL) != 0, "PCLMUL");
	T_EQ_INT(sodium_runtime_has_aesni(), (c & bit_AES) != 0, "AES-NI");
	T_EQ_INT(sodium_runtime_has_rdrand(), (c & bit_RDRND) != 0, "RDRAND");
	T_EQ_INT(sodium_runtime_has_neon(), 0, "no NEON on x86");
	T_OK(sodium_init() == 0, "sodium_init succeeds with it");
	crypto_box_keypair(pk, sk);
	T_OK(crypto_scalarmult_base(q, sk) == 0 && memcmp(q, pk, 32) == 0,
	     "X25519 (sandy2x with AVX) gives the key pair's public key");
	t0 = now_us();
	for (int i = 0; i < 1000; i++)
		_sodium_runtime_get_cpu_features();
	t1 = now_us();
	printf("# cost: %.3f us per probe (glibc's answers, no CPUID)\n", (t1 - t0) / 1000);
	T_DONE();
}
#else
int main(void)
{
	printf("# not x86: libsodium's own probe is linked\n");
	T_OK(sodium_init() >= 0, "sodium_init");
	T_DONE();
}
#endif
