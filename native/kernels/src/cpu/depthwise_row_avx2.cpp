// Depthwise conv backward, one dx row, AVX2 + FMA: 8 lanes, four independent accumulators per
// step (a tap chain is latency-bound otherwise). Each element's sum is the same FMA chain as on
// the AVX-512 path, so the two agree bit for bit. Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include "cpu/isa_kernels.h"

namespace ys::cpu {

namespace {
inline __m256 rowChunk(int taps, const float* const* src, const float* w, int i) {
  __m256 acc = _mm256_setzero_ps();
  for (int t = 0; t < taps; ++t) acc = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(src[t] + i), acc);
  return acc;
}
}  // namespace

void depthwiseRowAvx2(int taps, const float* const* src, const float* w, int width, float* out, int accumulate) {
  int i = 0;
  for (; i + 32 <= width; i += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (int t = 0; t < taps; ++t) {
      const __m256 wt = _mm256_broadcast_ss(w + t);
      const float* s = src[t] + i;
      a0 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(s), a0);
      a1 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(s + 8), a1);
      a2 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(s + 16), a2);
      a3 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(s + 24), a3);
    }
    if (accumulate) {
      a0 = _mm256_add_ps(_mm256_loadu_ps(out + i), a0);
      a1 = _mm256_add_ps(_mm256_loadu_ps(out + i + 8), a1);
      a2 = _mm256_add_ps(_mm256_loadu_ps(out + i + 16), a2);
      a3 = _mm256_add_ps(_mm256_loadu_ps(out + i + 24), a3);
    }
    _mm256_storeu_ps(out + i, a0);
    _mm256_storeu_ps(out + i + 8, a1);
    _mm256_storeu_ps(out + i + 16, a2);
    _mm256_storeu_ps(out + i + 24, a3);
  }
  for (; i + 8 <= width; i += 8) {
    __m256 acc = rowChunk(taps, src, w, i);
    if (accumulate) acc = _mm256_add_ps(_mm256_loadu_ps(out + i), acc);
    _mm256_storeu_ps(out + i, acc);
  }
  if (i < width) {  // the last width - i < 8 elements: masked loads and stores of out
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(width - i), lanes);
    __m256 acc = rowChunk(taps, src, w, i);
    if (accumulate) acc = _mm256_add_ps(_mm256_maskload_ps(out + i, mask), acc);
    _mm256_maskstore_ps(out + i, mask, acc);
  }
}

}  // namespace ys::cpu
