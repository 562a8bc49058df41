#ifndef LAYOFFSTATS_CLAPACK_SHIM_H
#define LAYOFFSTATS_CLAPACK_SHIM_H
// Internal shim: exposes OpenBLAS's CBLAS and LAPACKE to Swift.
#include <cblas.h>
#include <lapacke.h>

// `lapack_int` is a macro, which Swift cannot import; give it a type name.
typedef lapack_int clapack_int;

// OpenBLAS thread control (declared in OpenBLAS's cblas.h; re-declared for clarity).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
