// SHA-256 block compression (FIPS 180-4, section 6.2.2) for LayoffReport's SHA256.
// Internal to the package: Swift code uses it through `SHA256`, never directly.
#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU has the x86 SHA extensions (and SSE4.1) so that
/// `csha256_compress_shani` may be called; 0 otherwise (always 0 off x86-64).
/// Executes `cpuid`: call it once and keep the answer.
int csha256_shani_available(void);

/// Updates `state` (H0…H7, as host-order words) with `nblocks` consecutive 64-byte
/// blocks starting at `blocks` (any alignment). Portable C.
void csha256_compress_portable(uint32_t state[8], const void *blocks, size_t nblocks);

/// Same as `csha256_compress_portable`, with the SHA-NI instructions. Only call it
/// when `csha256_shani_available()` returned 1; off x86-64 it is the portable code.
void csha256_compress_shani(uint32_t state[8], const void *blocks, size_t nblocks);

#ifdef __cplusplus
}
#endif

#endif
