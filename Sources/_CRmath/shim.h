#ifndef LAYOFFSTATS_CRMATH_SHIM_H
#define LAYOFFSTATS_CRMATH_SHIM_H
// Internal shim: R's standalone math library (Debian r-mathlib).
#define MATHLIB_STANDALONE 1
#include <Rmath.h>
#endif
