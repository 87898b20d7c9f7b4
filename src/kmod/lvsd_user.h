/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: lets unit tests and benchmarks compile the kernel-agnostic
 * scheduler cores (lvsd_swrr.h, lvsd_chbl.h) in C or C++.  Never used by
 * the kernel build.
 */
#ifndef LVSD_USER_H
#define LVSD_USER_H

#ifdef __KERNEL__
#error "lvsd_user.h is for userspace builds only"
#endif

#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define LVSD_READ_ONCE(x) (*(volatile const __typeof__(x)*)&(x))
#define LVSD_WRITE_ONCE(x, v) (*(volatile __typeof__(x)*)&(x) = (v))
#define LVSD_NOINLINE __attribute__((__noinline__, __unused__))

#ifdef __cplusplus
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wpedantic" /* __uint128_t */
#endif

#include "lvsd_chbl.h"
#include "lvsd_swrr.h"

#ifdef __cplusplus
#pragma GCC diagnostic pop
#endif

#endif /* LVSD_USER_H */
