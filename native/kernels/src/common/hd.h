// YS_HD marks index math shared by the CPU kernels and their CUDA twins: __host__ __device__
// under nvcc, nothing in plain C++. The CPU tests therefore exercise the very functions the
// CUDA kernels call.
#pragma once

#if defined(__CUDACC__)
#define YS_HD __host__ __device__
#else
#define YS_HD
#endif
