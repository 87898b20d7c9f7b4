/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consistent hashing with bounded loads (chbl), kernel-agnostic core.
 *
 * Clients are hashed onto a Maglev lookup table of prime size M.  Each
 * destination fills table slots along its own permutation (offset + j * skip
 * mod M), in proportion to its weight, so removing one of N destinations
 * remaps about 1/N of the clients.  A lookup starts at the client's slot and
 * walks forward (slot + 1, + 2, ...) past every destination that is not
 * usable or whose load would exceed
 *
 *	bound(d) = ceil(c * (L + 1) * w(d) / W)
 *
 * where L is the total load and W the total weight of the destinations with
 * weight > 0 and c = factor / 100 (Mirrokni, Thorup, Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads", 2018, weighted).  Since c > 1 some
 * destination always accepts, so the walk ends after a few slots.
 *
 * Hot path: hash, table slot, then one compare of the destination's load
 * against a threshold cached at the last recount (ceil(c * average weighted
 * load * weight share), rounded down, so never above the exact bound); only
 * a destination at or over its threshold takes the exact test.  The table
 * index goes through a multiply, not a division.
 *
 * The includer provides u8/u16/u32/u64/s64, bool, LVSD_READ_ONCE,
 * LVSD_WRITE_ONCE and LVSD_NOINLINE (READ_ONCE/WRITE_ONCE/noinline in the
 * kernel).  Nothing here
 * allocates or sleeps.
 */
#ifndef LVSD_CHBL_H
#define LVSD_CHBL_H

/* Table sizes: primes, as mainline ip_vs_mh uses (Debian's is 4093). */
#define LVSD_CHBL_DEFAULT_M 4093U
#define LVSD_CHBL_MAX_M 131071U
#define LVSD_CHBL_NPRIMES 10U
/* Most table slots a destination claims per fill round (like mh's 2^6). */
#define LVSD_CHBL_MAX_TURNS 64U
/*
 * The cached total load is recounted every max(this, n) picks (n
 * destinations: O(1) per pick amortised), and always before a destination is
 * passed over.
 */
#define LVSD_CHBL_REFRESH 32U
/* lvsd_chbl_cache.age of a fresh cache: recount on the first pick. */
#define LVSD_CHBL_STALE 0xffffffffU
/* Loads saturate here, keeping the bound test in 64 bits. */
#define LVSD_CHBL_MAX_LOAD ((1ULL << 24) - 1)
#define LVSD_CHBL_MAX_WEIGHT 65535U
#define LVSD_CHBL_NONE 0xffffU

static inline bool lvsd_chbl_size_ok(u32 m)
{
	static const u32 primes[LVSD_CHBL_NPRIMES] = { 251,   509,   1021,  2039,  4093,
				      8191,  16381, 32749, 65521, 131071 };
	u32 i;

	for (i = 0; i < LVSD_CHBL_NPRIMES; i++)
		if (primes[i] == m)
			return true;
	return false;
}

/* splitmix64 finaliser: a bijective 64-bit mix. */
static inline u64 lvsd_chbl_mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/**
 * lvsd_chbl_hash() - hash an address (and port) with a seed
 * @words: address in host order, 1 word for IPv4, 4 for IPv6
 * @nwords: 1 or 4
 * @port: port in host order, 0 when ports are not hashed
 * @seed: per-module seed; directors that share clients use the same one
 *
 * Return: 64-bit hash, the same on every machine and kernel.
 */
static inline u64 lvsd_chbl_hash(const u32 *words, u32 nwords, u16 port,
				 u64 seed)
{
	u64 h = lvsd_chbl_mix(seed + 0x9e3779b97f4a7c15ULL * (nwords + 1));
	u32 i;

	for (i = 0; i < nwords; i++)
		h = lvsd_chbl_mix(h ^ words[i]);
	return lvsd_chbl_mix(h ^ ((u64)port << 32));
}

/* Per-destination input of a table build. */
struct lvsd_chbl_dest {
	u64 key; /* lvsd_chbl_hash() of the destination address and port */
	u32 weight; /* table weight (0 = no slots) */
	u32 next; /* scratch: permutation position */
};

/* Sort order of the fill: by key, so list order does not matter. */
static inline void lvsd_chbl_sort(const struct lvsd_chbl_dest *d, u16 *order,
				  u32 n)
{
	u32 gap, i;

	for (i = 0; i < n; i++)
		order[i] = (u16)i;
	for (gap = n / 2; gap > 0; gap /= 2) {
		for (i = gap; i < n; i++) {
			u16 v = order[i];
			u32 j = i;

			while (j >= gap && d[order[j - gap]].key > d[v].key) {
				order[j] = order[j - gap];
				j -= gap;
			}
			order[j] = v;
		}
	}
}

static inline u32 lvsd_chbl_slot(const struct lvsd_chbl_dest *d, u32 m)
{
	u32 offset = (u32)(d->key % m);
	u32 skip = (u32)((d->key >> 32) % (m - 1)) + 1;

	return (u32)((offset + (u64)skip * d->next) % m);
}

/* Slots claimed by one fill round with weights shifted right by @shift. */
static inline u64 lvsd_chbl_round(const struct lvsd_chbl_dest *d, u32 n,
				  u32 shift)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < n; i++)
		if (d[i].weight)
			sum += (d[i].weight >> shift) ? d[i].weight >> shift : 1;
	return sum;
}

/**
 * lvsd_chbl_build() - fill a Maglev table
 * @d: destinations (n <= m, n <= 65535); @d[i].next is scratch
 * @n: number of destinations
 * @order: scratch, n entries
 * @table: output, m entries of destination indexes
 * @m: table size, a prime from lvsd_chbl_size_ok()
 *
 * Return: number of destinations with slots; 0 leaves every slot
 * LVSD_CHBL_NONE.
 */
static inline u32 lvsd_chbl_build(struct lvsd_chbl_dest *d, u32 n, u16 *order,
				  u16 *table, u32 m)
{
	u32 maxw = 0, shift = 0, filled = 0, users = 0, i;

	for (i = 0; i < m; i++)
		table[i] = LVSD_CHBL_NONE;
	for (i = 0; i < n; i++) {
		d[i].next = 0;
		if (d[i].weight > maxw)
			maxw = d[i].weight;
		if (d[i].weight)
			users++;
	}
	if (!users || n > m)
		return 0;
	while ((maxw >> shift) > LVSD_CHBL_MAX_TURNS)
		shift++;
	/*
	 * Every destination with weight must get a slot in the first round, or
	 * the bound (whose W counts it) could hold every reachable one full:
	 * shift further until a round fits the table (all turns 1 at worst,
	 * n <= m).
	 */
	while (lvsd_chbl_round(d, n, shift) > m)
		shift++;
	lvsd_chbl_sort(d, order, n);
	while (filled < m) {
		for (i = 0; i < n && filled < m; i++) {
			struct lvsd_chbl_dest *dd = &d[order[i]];
			u32 turns = dd->weight >> shift, t;

			if (!turns && dd->weight)
				turns = 1;
			for (t = 0; t < turns && filled < m; t++) {
				u32 s = lvsd_chbl_slot(dd, m);

				while (table[s] != LVSD_CHBL_NONE) {
					dd->next++;
					s = lvsd_chbl_slot(dd, m);
				}
				table[s] = order[i];
				dd->next++;
				filled++;
			}
		}
	}
	return users;
}

/**
 * lvsd_chbl_reduce() - @x % @m without a division
 * @x: the value
 * @m: the divisor (> 0), a table size
 * @minv: ~0ULL / @m, from lvsd_chbl_cache_init()
 *
 * The quotient estimate from the high half of @x * @minv is at most two
 * short (@minv is below 2^64 / @m by less than 2), so two conditional
 * subtractions correct the remainder.
 *
 * Return: @x % @m.
 */
static inline u32 lvsd_chbl_reduce(u64 x, u32 m, u64 minv)
{
	u64 q = (u64)(((__uint128_t)x * minv) >> 64);
	u64 r = x - q * m;

	/* masks, not branches: a correction is due about every other call */
	r -= m & (0 - (u64)(r >= m));
	return (u32)r;
}

/*
 * Per-destination data of the picks, one entry per destination index, 16
 * bytes (four to a cache line).  @thr is at or below the exact bound (see
 * lvsd_chbl_recount()): a destination with load < @thr is accepted without
 * the exact test.
 */
struct lvsd_chbl_hot {
	void *ref; /* the includer's destination; the core does not use it */
	u32 thr; /* accept while load < thr (0: always take the exact test) */
};

/* Load totals shared by the picks of one service (benign races). */
struct lvsd_chbl_cache {
	u64 load; /* total load at the recount; the total is load + age */
	u64 wsum; /* total weight of destinations with weight > 0 */
	u64 minv; /* ~0ULL / m for lvsd_chbl_reduce() */
	u64 rthr; /* bound per unit of weight the thresholds hold for */
	u64 dinv; /* ~0ULL / dfor */
	u64 dfor; /* 100 * wsum of dinv */
	u32 age; /* picks since the recount */
	u32 limit; /* recount when age reaches max(LVSD_CHBL_REFRESH, n) */
	u32 factor; /* c of the thresholds; 0 = none yet */
	struct lvsd_chbl_hot *hot; /* n entries */
};

/* A fresh cache: no thresholds yet, recount on the first pick. */
static inline void lvsd_chbl_cache_init(struct lvsd_chbl_cache *c,
					struct lvsd_chbl_hot *hot, u32 n,
					u32 m)
{
	u32 i;

	for (i = 0; i < n; i++)
		hot[i].thr = 0;
	c->load = 0;
	c->wsum = 0;
	c->minv = ~0ULL / m;
	c->rthr = 0;
	c->dinv = 0;
	c->dfor = 0;
	c->age = LVSD_CHBL_STALE;
	c->limit = n > LVSD_CHBL_REFRESH ? n : LVSD_CHBL_REFRESH;
	c->factor = 0;
	c->hot = hot;
}

/* Whether a destination with @load and weight @w may take one more. */
static inline bool lvsd_chbl_accepts(u64 load, u32 w, u64 total, u64 wsum,
				     u32 factor)
{
	if (!wsum || !w)
		return false;
	if (load > LVSD_CHBL_MAX_LOAD)
		load = LVSD_CHBL_MAX_LOAD;
	if (total > 0xffffffffULL)
		total = 0xffffffffULL;
	/* load < ceil(X / D)  <=>  load * D < X, for integers */
	return load * 100 * wsum < (u64)factor * (total + 1) * w;
}

/*
 * The includer's view of its destinations, passed to lvsd_chbl_pick() as a
 * constant so the calls inline.  @weight is the live weight (0 = quiesced),
 * @usable false for overloaded or otherwise unavailable destinations.
 */
struct lvsd_chbl_ops {
	u32 (*weight)(const void *ctx, u32 i);
	u64 (*load)(const void *ctx, u32 i);
	bool (*usable)(const void *ctx, u32 i);
};

/* Fixed-point bits of the per-unit-weight bound in lvsd_chbl_recount(). */
#define LVSD_CHBL_FRAC 24U

/*
 * Recount the totals L and W and the bound per unit of weight
 *
 *	r <= 2^24 * c * (L + 1) / W	(40.24 fixed point, < 2^48)
 *
 * (rounded down; no division unless W changed).  The
 * thresholds ceil(rthr * w / 2^24) are at or below the exact bound
 * ceil(c * (L + 1) * w / W) as long as rthr <= r, and L only grows between
 * recounts.  So they are rewritten (rthr = r - r / 16, a little below, so
 * that small swings of L leave them alone) only when r fell below rthr, rose
 * by more than 1/8 above it (they would be needlessly low), c changed, or W
 * changed (a weight changed: the module rebuilds on every weight change
 * anyway, so each threshold's w is the live one).
 */
static inline void lvsd_chbl_recount(struct lvsd_chbl_cache *c,
				     const struct lvsd_chbl_ops *ops,
				     const void *ctx, u32 n, u32 factor)
{
	struct lvsd_chbl_hot *hot = c->hot;
	u64 load = 0, wsum = 0, x, d, r = 0, rt = LVSD_READ_ONCE(c->rthr), t;
	bool redo = LVSD_READ_ONCE(c->factor) != factor;
	u32 i;

	for (i = 0; i < n; i++) {
		u32 w = ops->weight(ctx, i);

		if (w > LVSD_CHBL_MAX_WEIGHT)
			w = LVSD_CHBL_MAX_WEIGHT;
		if (!w)
			continue;
		wsum += w;
		load += ops->load(ctx, i);
	}
	/* bound per unit of weight, 40.24 fixed point: c * (L + 1) / W */
	x = (u64)factor * ((load > 0xffffffffULL ? 0xffffffffULL : load) + 1);
	d = 100 * wsum;
	if (d) {
		/* 1 / d changes with the weights only: divide then */
		if (LVSD_READ_ONCE(c->dfor) != d) {
			LVSD_WRITE_ONCE(c->dinv, ~0ULL / d);
			LVSD_WRITE_ONCE(c->dfor, d);
			redo = true; /* a weight changed */
		}
		/* x < 2^42: r = x * 2^24 / d, rounded down by < 8 / 2^24 */
		r = (u64)(((__uint128_t)x * LVSD_READ_ONCE(c->dinv)) >>
			  (64 - LVSD_CHBL_FRAC));
		/* from 2^24 per unit of weight on, every (saturated) load passes */
		if (r >> (2 * LVSD_CHBL_FRAC))
			r = (1ULL << (2 * LVSD_CHBL_FRAC)) - 1;
	}
	if (redo || r < rt || r - rt > rt >> 3) {
		rt = r - (r >> 4);
		for (i = 0; i < n; i++) {
			/* rt < 2^48, w < 2^16: no overflow */
			u32 w = ops->weight(ctx, i);

			if (w > LVSD_CHBL_MAX_WEIGHT)
				w = LVSD_CHBL_MAX_WEIGHT;
			t = (rt * w + (1ULL << LVSD_CHBL_FRAC) - 1) >>
			    LVSD_CHBL_FRAC;
			if (t > (1ULL << LVSD_CHBL_FRAC))
				t = 1ULL << LVSD_CHBL_FRAC;
			LVSD_WRITE_ONCE(hot[i].thr, (u32)t);
		}
		LVSD_WRITE_ONCE(c->rthr, rt);
		LVSD_WRITE_ONCE(c->factor, factor);
	}
	LVSD_WRITE_ONCE(c->load, load);
	LVSD_WRITE_ONCE(c->wsum, wsum);
	LVSD_WRITE_ONCE(c->age, 0);
}

/* lvsd_chbl_pick() from @slot on, every case (see there); out of line. */
static LVSD_NOINLINE int
lvsd_chbl_walk(const u16 *table, u32 m, u32 n, u32 slot, u32 factor,
	       struct lvsd_chbl_cache *c, const struct lvsd_chbl_ops *ops,
	       const void *ctx, u32 *probes)
{
	const struct lvsd_chbl_hot *hot = c->hot;
	bool fresh = false, fast;
	u32 k;

	if (LVSD_READ_ONCE(c->age) >= c->limit) {
		lvsd_chbl_recount(c, ops, ctx, n, factor);
		fresh = true;
	}
	/* thresholds of another c (load_factor was written) do not count */
	fast = LVSD_READ_ONCE(c->factor) == factor;
	for (k = 0; k < m; k++) {
		u32 i = table[slot], w;
		u64 load;

		if (i == LVSD_CHBL_NONE)
			return -1;
		if (++slot == m)
			slot = 0;
		if (!ops->usable(ctx, i))
			continue;
		load = ops->load(ctx, i);
		if (fast && load < LVSD_READ_ONCE(hot[i].thr))
			goto take;
		w = ops->weight(ctx, i);
		if (w > LVSD_CHBL_MAX_WEIGHT)
			w = LVSD_CHBL_MAX_WEIGHT;
		if (!lvsd_chbl_accepts(load, w,
				       LVSD_READ_ONCE(c->load) +
					       LVSD_READ_ONCE(c->age),
				       LVSD_READ_ONCE(c->wsum), factor)) {
			/* never pass over on a stale total: recount first */
			if (fresh)
				continue;
			lvsd_chbl_recount(c, ops, ctx, n, factor);
			fresh = true;
			fast = true;
			if (!lvsd_chbl_accepts(load, w, LVSD_READ_ONCE(c->load),
					       LVSD_READ_ONCE(c->wsum), factor))
				continue;
		}
take:
		LVSD_WRITE_ONCE(c->age, LVSD_READ_ONCE(c->age) + 1);
		if (probes)
			*probes = k;
		return (int)i;
	}
	return -1;
}

/**
 * lvsd_chbl_pick() - choose a destination for a client hash
 * @table: table from lvsd_chbl_build()
 * @m: its size
 * @n: number of destinations behind the indexes
 * @hash: lvsd_chbl_hash() of the client
 * @factor: c in percent (> 100)
 * @c: the service's load cache, from lvsd_chbl_cache_init() (@c->hot has
 *     @n entries)
 * @ops: destination accessors
 * @ctx: passed to @ops
 * @probes: if not NULL, set to the number of slots passed over
 *
 * Walks the table from the client's slot: recounts first when due, passes
 * over unusable destinations, takes a destination under its threshold at
 * once and tests the others exactly (recounting before passing one over).
 * The common case, no recount due and the first slot's destination under its
 * threshold, is tested here before the walk.
 *
 * Return: destination index, or -1 when no destination is usable.
 */
static __always_inline int
lvsd_chbl_pick(const u16 *table, u32 m, u32 n, u64 hash, u32 factor,
	       struct lvsd_chbl_cache *c, const struct lvsd_chbl_ops *ops,
	       const void *ctx, u32 *probes)
{
	u32 slot = lvsd_chbl_reduce(hash, m, c->minv);
	u32 age = LVSD_READ_ONCE(c->age);
	u32 i = table[slot];

	if (age < c->limit && i != LVSD_CHBL_NONE &&
	    LVSD_READ_ONCE(c->factor) == factor && ops->usable(ctx, i) &&
	    ops->load(ctx, i) < LVSD_READ_ONCE(c->hot[i].thr)) {
		LVSD_WRITE_ONCE(c->age, age + 1);
		if (probes)
			*probes = 0;
		return (int)i;
	}
	return lvsd_chbl_walk(table, m, n, slot, factor, c, ops, ctx, probes);
}

#endif /* LVSD_CHBL_H */
