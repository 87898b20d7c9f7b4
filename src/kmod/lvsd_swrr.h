/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Smooth weighted round robin (swrr), kernel-agnostic core.
 *
 * Every pick adds each destination's weight to its current value, takes the
 * destination with the largest current value (the first one on a tie) and
 * subtracts the sum of the weights from it.  Weights 3:1:1 give a b a c a.
 *
 * The sequence is periodic with period sum(w / gcd(w)), so it is computed
 * once per configuration change (process context) into a schedule table and
 * a pick is one table read.  When the period or the build cost is too large,
 * the caller keeps the live form: lvsd_swrr_step() on every pick, O(n).
 *
 * The includer provides u8/u16/u32/u64/s64 and bool (<linux/types.h> in the
 * kernel, a small shim in userspace).  Nothing here allocates or sleeps.
 */
#ifndef LVSD_SWRR_H
#define LVSD_SWRR_H

/* Largest schedule table: 64 Ki entries of u16 = 128 KiB per service. */
#define LVSD_SWRR_MAX_LEN 65536U
/* Largest table build cost in destination visits (n * period). */
#define LVSD_SWRR_MAX_BUILD_COST 4194304ULL /* 2^22 */
/* Destination indexes are u16. */
#define LVSD_SWRR_MAX_DESTS 65535U

static inline u32 lvsd_swrr_gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/**
 * lvsd_swrr_step() - one live smooth weighted round robin pick
 * @w: weights; 0 means "not eligible now" (weight 0 or overloaded)
 * @cw: current values, one per destination, updated in place
 * @n: number of destinations
 *
 * Return: index of the chosen destination, or -1 if every weight is 0.
 */
static inline int lvsd_swrr_step(const u32 *w, s64 *cw, u32 n)
{
	s64 total = 0;
	int best = -1;
	u32 i;

	for (i = 0; i < n; i++) {
		if (!w[i])
			continue;
		cw[i] += w[i];
		total += w[i];
		if (best < 0 || cw[i] > cw[best])
			best = (int)i;
	}
	if (best >= 0)
		cw[best] -= total;
	return best;
}

/**
 * lvsd_swrr_period() - length of one swrr period for these weights
 * @w: weights (0 = left out)
 * @n: number of destinations
 *
 * Return: sum(w[i] / gcd(w)), 0 when all weights are 0, or
 * LVSD_SWRR_MAX_LEN + 1 when the period is longer than a table can hold.
 */
static inline u32 lvsd_swrr_period(const u32 *w, u32 n)
{
	u64 len = 0;
	u32 g = 0, i;

	for (i = 0; i < n; i++)
		if (w[i])
			g = lvsd_swrr_gcd(w[i], g);
	if (!g)
		return 0;
	for (i = 0; i < n; i++)
		len += w[i] / g;
	return len > LVSD_SWRR_MAX_LEN ? LVSD_SWRR_MAX_LEN + 1 : (u32)len;
}

static inline s64 lvsd_swrr_abs(s64 v)
{
	return v < 0 ? -v : v;
}

/**
 * lvsd_swrr_phase() - where an old schedule stands, as per-destination state
 * @table: the old table
 * @len: its length
 * @pos: how many of its slots were used in the current period
 * @w: the old weights, indexed like @table entries
 * @n: number of old destinations
 * @phase: output, n entries: current value of each destination after @pos
 *	steps, in units where one period is @len (the weights divided by
 *	their gcd)
 *
 * Costs O(n + pos).  The result feeds lvsd_swrr_build() after a change, so
 * the new schedule continues where the old one was instead of restarting.
 */
static inline void lvsd_swrr_phase(const u16 *table, u32 len, u32 pos,
				   const u32 *w, u32 n, s64 *phase)
{
	u32 g = 0, i;

	for (i = 0; i < n; i++)
		if (w[i])
			g = lvsd_swrr_gcd(w[i], g);
	for (i = 0; i < n; i++)
		phase[i] = g ? (s64)pos * (w[i] / g) : 0;
	for (i = 0; i < pos && i < len; i++)
		phase[table[i]] -= len;
}

/**
 * lvsd_swrr_build() - fill a schedule table with one swrr period
 * @w: weights (0 = left out)
 * @cw: scratch, n entries (left at all zeros on return: one full period)
 * @n: number of destinations (at most LVSD_SWRR_MAX_DESTS)
 * @table: output, at least LVSD_SWRR_MAX_LEN entries
 * @phase: NULL, or the old schedule's state from lvsd_swrr_phase(),
 *	re-indexed to the new destinations (0 for new ones)
 * @phase_len: the old schedule's length (the unit of @phase)
 * @start: output: the slot to continue from, the one whose state is
 *	nearest to @phase over the destinations with weight (0 without @phase)
 *
 * Return: the period written to @table, or 0 when no table fits (all
 * weights 0, period above LVSD_SWRR_MAX_LEN, or n * period above
 * LVSD_SWRR_MAX_BUILD_COST): the caller then schedules live.
 */
static inline u32 lvsd_swrr_build(const u32 *w, s64 *cw, u32 n, u16 *table,
				  const s64 *phase, u32 phase_len, u32 *start)
{
	s64 best = -1;
	u32 g = 0, len, i;
	int pick;

	*start = 0;
	len = lvsd_swrr_period(w, n);
	if (!len || len > LVSD_SWRR_MAX_LEN || n > LVSD_SWRR_MAX_DESTS)
		return 0;
	if ((u64)len * n * (phase ? 2 : 1) > LVSD_SWRR_MAX_BUILD_COST)
		return 0;
	for (i = 0; i < n; i++) {
		cw[i] = 0;
		if (w[i])
			g = lvsd_swrr_gcd(w[i], g);
	}
	/*
	 * Stepping with w / g gives the same sequence as with w, with a period
	 * of exactly len, after which every cw is back at 0.  Before step i,
	 * the state is compared with @phase (both scaled to a common unit).
	 */
	for (i = 0; i < len; i++) {
		s64 total = 0;
		u32 j;

		if (phase) {
			s64 dist = 0;

			for (j = 0; j < n; j++) {
				s64 d = phase[j] * (s64)len -
					cw[j] * (s64)phase_len;

				if (w[j])
					dist += lvsd_swrr_abs(d);
			}
			if (best < 0 || dist < best) {
				best = dist;
				*start = i;
			}
		}
		pick = -1;
		for (j = 0; j < n; j++) {
			if (!w[j])
				continue;
			cw[j] += w[j] / g;
			total += w[j] / g;
			if (pick < 0 || cw[j] > cw[pick])
				pick = (int)j;
		}
		cw[pick] -= total;
		table[i] = (u16)pick;
	}
	return len;
}

/**
 * lvsd_swrr_next() - next table slot, wrapping at @len
 * @pos: position, advanced in place (always < @len)
 * @len: table length, > 0
 *
 * Return: the slot to read.
 */
static inline u32 lvsd_swrr_next(u32 *pos, u32 len)
{
	u32 slot = *pos;

	*pos = slot + 1 == len ? 0 : slot + 1;
	return slot;
}

#endif /* LVSD_SWRR_H */
