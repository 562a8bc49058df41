// glibc's allocator tuning (mallopt), for the layoffs executable. Internal.
#if defined(__linux__)
#include <malloc.h>
#endif
