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
 * a pick is one table read.  Stepping costs O(n) per slot; when n * period
 * is above the build budget (many destinations), the table is filled by
 * earliest deadline first instead, O(log n) per slot: the k-th pick of a
 * destination with reduced weight w (of total W) is released at (k - 1) W / w
 * and due by k W / w.  That is as smooth (every prefix stays within one pick
 * of each destination's share, each destination gets exactly w slots per
 * period) but not always the same order as stepping.  When the period is
 * longer than a table can hold, the caller keeps the live form:
 * lvsd_swrr_step() on every pick, O(n).
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
/* u32 scratch entries lvsd_swrr_build() needs for n destinations. */
#define LVSD_SWRR_SCRATCH(n) (3 * (n))

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
 * lvsd_swrr_exact() - whether lvsd_swrr_build() steps (exact swrr order)
 * @n: number of destinations
 * @len: the period, from lvsd_swrr_period()
 * @phase: whether a phase is given (doubles the cost of stepping)
 *
 * Return: true when n * len is within LVSD_SWRR_MAX_BUILD_COST.
 */
static inline bool lvsd_swrr_exact(u32 n, u32 len, bool phase)
{
	return (u64)len * n * (phase ? 2 : 1) <= LVSD_SWRR_MAX_BUILD_COST;
}

/* Distance of a state from @phase (both scaled to a common unit). */
static inline s64 lvsd_swrr_dist(const u32 *w, const s64 *cw, u32 n,
				 const s64 *phase, u32 phase_len, u32 len)
{
	s64 dist = 0;
	u32 j;

	for (j = 0; j < n; j++)
		if (w[j])
			dist += lvsd_swrr_abs(phase[j] * (s64)len -
					      cw[j] * (s64)phase_len);
	return dist;
}

/* Earliest deadline first heaps: ready by (p + 1) / w, pending by p / w. */
static inline bool lvsd_swrr_before(const u32 *w, const u32 *p, u32 off,
				    u32 a, u32 b)
{
	u64 x = (u64)(p[a] + off) * w[b], y = (u64)(p[b] + off) * w[a];

	return x < y || (x == y && a < b);
}

static inline void lvsd_swrr_push(u32 *h, u32 *size, u32 v, const u32 *w,
				  const u32 *p, u32 off)
{
	u32 k = (*size)++;

	while (k && lvsd_swrr_before(w, p, off, v, h[(k - 1) / 2])) {
		h[k] = h[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	h[k] = v;
}

static inline u32 lvsd_swrr_pop(u32 *h, u32 *size, const u32 *w, const u32 *p,
				u32 off)
{
	u32 top = h[0], v = h[--(*size)], k = 0;

	for (;;) {
		u32 c = 2 * k + 1;

		if (c >= *size)
			break;
		if (c + 1 < *size && lvsd_swrr_before(w, p, off, h[c + 1], h[c]))
			c++;
		if (!lvsd_swrr_before(w, p, off, h[c], v))
			break;
		h[k] = h[c];
		k = c;
	}
	h[k] = v;
	return top;
}

/*
 * The earliest deadline first fill of lvsd_swrr_build(), O(len log n), with
 * the nearest state to @phase sampled every ceil(n * len / budget) slots.
 */
static inline u32 lvsd_swrr_build_edf(const u32 *w, s64 *cw, u32 n, u32 g,
				      u32 len, u16 *table, u32 *scratch,
				      const s64 *phase, u32 phase_len,
				      u32 *start)
{
	u32 *p = scratch, *ready = scratch + n, *pend = scratch + 2 * n;
	u32 nready = 0, npend = 0, every, t, i;
	s64 best = -1;

	every = (u32)(((u64)n * len + LVSD_SWRR_MAX_BUILD_COST - 1) /
		      LVSD_SWRR_MAX_BUILD_COST);
	for (i = 0; i < n; i++) {
		p[i] = 0;
		if (w[i])
			lvsd_swrr_push(ready, &nready, i, w, p, 1);
	}
	for (t = 0; t < len; t++) {
		while (npend) {
			i = pend[0];
			if ((u64)p[i] * len > (u64)t * (w[i] / g))
				break;
			lvsd_swrr_pop(pend, &npend, w, p, 0);
			lvsd_swrr_push(ready, &nready, i, w, p, 1);
		}
		if (!nready)
			return 0; /* cannot happen: the shares sum to one */
		if (phase && t % every == 0) {
			s64 dist;

			for (i = 0; i < n; i++)
				cw[i] = (s64)t * (w[i] / g) - (s64)len * p[i];
			dist = lvsd_swrr_dist(w, cw, n, phase, phase_len, len);
			if (best < 0 || dist < best) {
				best = dist;
				*start = t;
			}
		}
		i = lvsd_swrr_pop(ready, &nready, w, p, 1);
		table[t] = (u16)i;
		if (++p[i] < w[i] / g)
			lvsd_swrr_push(pend, &npend, i, w, p, 0);
	}
	for (i = 0; i < n; i++)
		cw[i] = 0;
	return len;
}

/**
 * lvsd_swrr_build() - fill a schedule table with one swrr period
 * @w: weights (0 = left out)
 * @cw: scratch, n entries (left at all zeros on return: one full period)
 * @n: number of destinations (at most LVSD_SWRR_MAX_DESTS)
 * @table: output, at least lvsd_swrr_period() entries
 * @scratch: LVSD_SWRR_SCRATCH(n) entries of scratch
 * @phase: NULL, or the old schedule's state from lvsd_swrr_phase(),
 *	re-indexed to the new destinations (0 for new ones)
 * @phase_len: the old schedule's length (the unit of @phase)
 * @start: output: the slot to continue from, the one whose state is
 *	nearest to @phase over the destinations with weight (0 without @phase;
 *	sampled, not every slot, when not lvsd_swrr_exact())
 *
 * Steps (exact swrr order) when lvsd_swrr_exact(), else fills by earliest
 * deadline first.
 *
 * Return: the period written to @table, or 0 when no table fits (all
 * weights 0 or period above LVSD_SWRR_MAX_LEN): the caller then schedules
 * live.
 */
static inline u32 lvsd_swrr_build(const u32 *w, s64 *cw, u32 n, u16 *table,
				  u32 *scratch, const s64 *phase,
				  u32 phase_len, u32 *start)
{
	s64 best = -1;
	u32 g = 0, len, i;
	int pick;

	*start = 0;
	len = lvsd_swrr_period(w, n);
	if (!len || len > LVSD_SWRR_MAX_LEN || n > LVSD_SWRR_MAX_DESTS)
		return 0;
	for (i = 0; i < n; i++) {
		cw[i] = 0;
		if (w[i])
			g = lvsd_swrr_gcd(w[i], g);
	}
	if (!lvsd_swrr_exact(n, len, phase))
		return lvsd_swrr_build_edf(w, cw, n, g, len, table, scratch,
					   phase, phase_len, start);
	/*
	 * Stepping with w / g gives the same sequence as with w, with a period
	 * of exactly len, after which every cw is back at 0.  Before step i,
	 * the state is compared with @phase (both scaled to a common unit).
	 */
	for (i = 0; i < len; i++) {
		s64 total = 0;
		u32 j;

		if (phase) {
			s64 dist = lvsd_swrr_dist(w, cw, n, phase, phase_len,
						  len);

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
