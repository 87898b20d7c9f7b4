#pragma once
// C entry points compiled from kmod_c_check.c: proves the cores compile as C (as in the kernel)
// and behave the same as the C++ build of the same headers.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes @p count swrr picks for weights (a, b, c) as letters into @p out (NUL-terminated).
void lvsd_kmod_c_swrr_sequence(uint32_t a, uint32_t b, uint32_t c, char* out, int count);
/// Builds a chbl table of size @p m for @p n destinations keyed 1..n with weight 1 and returns
/// the destination index at @p slot.
int lvsd_kmod_c_chbl_slot(uint32_t n, uint32_t m, uint32_t slot);

#ifdef __cplusplus
}
#endif
