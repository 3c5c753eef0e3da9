/* SPDX-License-Identifier: ISC */
/* dc_sodium_cpu.h - libsodium's CPU feature probe, answered from glibc's
 * (issue 16).
 *
 * sodium_init() (libsodium 1.0.18, sodium/core.c) first calls
 * _sodium_runtime_get_cpu_features() (sodium/runtime.c), which executes
 * CPUID several times and XGETBV.  In a virtual machine every CPUID traps
 * to the hypervisor: on the test VM that probe was 40-50 us of a new
 * process's first lookup (perf, cpu-clock), more than either X25519.  The
 * dynamic loader has already probed the same CPU at start-up and glibc
 * (2.33 and later) hands its answers out without executing CPUID
 * (<sys/platform/x86.h>, CPU_FEATURE_ACTIVE: the feature is there and the
 * kernel saves its registers, which is what libsodium checks with XGETBV).
 *
 * This file defines every global symbol of libsodium's runtime.o, so the
 * static link takes these instead of runtime.o (a symbol missing here
 * would pull runtime.o in and fail the link with a duplicate definition,
 * never silently mix the two).  The module, the preload library and the
 * tools are linked with -Wl,-u,_sodium_runtime_get_cpu_features (Makefile)
 * so that this object is taken from libdc.a.  The rest of sodium_init
 * (randombytes_stir, the choice of implementations) is unchanged;
 * libsodium's answers are only used to choose among its implementations,
 * all of which compute the same results. The names are libsodium's, not
 * dc_-prefixed: they are what libsodium calls. */
#ifndef DC_SODIUM_CPU_H
#define DC_SODIUM_CPU_H

int _sodium_runtime_get_cpu_features(void);
int sodium_runtime_has_neon(void);
int sodium_runtime_has_sse2(void);
int sodium_runtime_has_sse3(void);
int sodium_runtime_has_ssse3(void);
int sodium_runtime_has_sse41(void);
int sodium_runtime_has_avx(void);
int sodium_runtime_has_avx2(void);
int sodium_runtime_has_avx512f(void);
int sodium_runtime_has_pclmul(void);
int sodium_runtime_has_aesni(void);
int sodium_runtime_has_rdrand(void);

#endif
