// SHA-256 block compression, FIPS 180-4 section 6.2.2: a portable version and one
// using the x86 SHA extensions (SHA-NI), chosen at run time by the Swift caller.
#include "CSHA256.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

// FIPS 180-4 section 4.2.2: the 64 round constants.
static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// ---------------------------------------------------------------------------------------
// Portable version: FIPS 180-4 section 6.2.2 literally, with the message schedule kept
// as a rolling window of 16 words.

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void csha256_compress_portable(uint32_t state[8], const void *blocks, size_t nblocks) {
    const unsigned char *p = blocks;
    for (; nblocks > 0; nblocks--, p += 64) {
        uint32_t w[16];
        for (int t = 0; t < 16; t++) w[t] = load_be32(p + 4 * t);
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            if (t >= 16) {  // W_t = σ1(W_t-2) + W_t-7 + σ0(W_t-15) + W_t-16, in place
                uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
                uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
                uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
                w[t & 15] += s0 + w[(t - 7) & 15] + s1;
            }
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t & 15];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#if defined(__x86_64__)

// ---------------------------------------------------------------------------------------
// SHA-NI version. The instructions keep the eight working variables in two registers,
// ABEF and CDGH (A in the highest lane); `sha256rnds2` does two rounds, taking W_t + K_t
// for them from the low two lanes of its third operand; `sha256msg1`/`sha256msg2` compute
// the σ0 and σ1 halves of the message schedule four words at a time.

int csha256_shani_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;  // CPUID.(EAX=7,ECX=0):EBX bit 29 = SHA
    return sha && sse41 && ssse3;
}

__attribute__((target("sha,sse4.1")))
void csha256_compress_shani(uint32_t state[8], const void *blocks, size_t nblocks) {
    const unsigned char *p = blocks;
    // Byte order: message words are big-endian; this shuffle swaps each 32-bit lane.
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // state[0..3] = A B C D and state[4..7] = E F G H (lane 0 first) -> ABEF, CDGH.
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; nblocks > 0; nblocks--, p += 64) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        // m[i & 3] holds W_4i … W_4i+3; the four registers are reused round-robin.
        __m128i m[4];
        for (int i = 0; i < 4; i++) m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) {  // rounds 4i … 4i+3
            __m128i wk = _mm_add_epi32(m[i & 3], _mm_load_si128((const __m128i *)&K[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // two rounds; cdgh holds ABEF, abef CDGH
            wk = _mm_shuffle_epi32(wk, 0x0E);               // lanes 2, 3 down to 0, 1
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);   // two more: back to ABEF, CDGH
            if (i < 12) {
                // W_4(i+4)+j = σ1(W_-2) + W_-7 + σ0(W_-15) + W_-16 for j = 0…3:
                // msg1 gives W_-16 + σ0(W_-15); alignr the W_-7 words; msg2 adds σ1(W_-2).
                __m128i s = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
                s = _mm_add_epi32(s, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
                m[i & 3] = _mm_sha256msg2_epu32(s, m[(i + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }

    // ABEF, CDGH -> A B C D, E F G H.
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else

int csha256_shani_available(void) { return 0; }

void csha256_compress_shani(uint32_t state[8], const void *blocks, size_t nblocks) {
    csha256_compress_portable(state, blocks, nblocks);
}

#endif
