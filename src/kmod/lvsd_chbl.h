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
 * The includer provides u8/u16/u32/u64/s64, bool, LVSD_READ_ONCE and
 * LVSD_WRITE_ONCE (READ_ONCE/WRITE_ONCE in the kernel).  Nothing here
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

/* Load totals shared by the picks of one service (benign races). */
struct lvsd_chbl_cache {
	u64 load; /* total load, plus one per pick since the recount */
	u64 wsum; /* total weight of destinations with weight > 0 */
	u32 age; /* picks since the recount */
};

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

static inline void lvsd_chbl_recount(struct lvsd_chbl_cache *c,
				     const struct lvsd_chbl_ops *ops,
				     const void *ctx, u32 n)
{
	u64 load = 0, wsum = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		u32 w = ops->weight(ctx, i);

		if (!w)
			continue;
		wsum += w > LVSD_CHBL_MAX_WEIGHT ? LVSD_CHBL_MAX_WEIGHT : w;
		load += ops->load(ctx, i);
	}
	LVSD_WRITE_ONCE(c->load, load);
	LVSD_WRITE_ONCE(c->wsum, wsum);
	LVSD_WRITE_ONCE(c->age, 0);
}

/**
 * lvsd_chbl_pick() - choose a destination for a client hash
 * @table: table from lvsd_chbl_build()
 * @m: its size
 * @n: number of destinations behind the indexes
 * @hash: lvsd_chbl_hash() of the client
 * @factor: c in percent (> 100)
 * @c: the service's load cache
 * @ops: destination accessors
 * @ctx: passed to @ops
 * @probes: if not NULL, set to the number of slots passed over
 *
 * Return: destination index, or -1 when no destination is usable.
 */
static __always_inline int
lvsd_chbl_pick(const u16 *table, u32 m, u32 n, u64 hash, u32 factor,
	       struct lvsd_chbl_cache *c, const struct lvsd_chbl_ops *ops,
	       const void *ctx, u32 *probes)
{
	u32 slot = (u32)(hash % m), k;
	bool fresh = false;

	if (LVSD_READ_ONCE(c->age) >= LVSD_CHBL_REFRESH &&
	    LVSD_READ_ONCE(c->age) >= n) {
		lvsd_chbl_recount(c, ops, ctx, n);
		fresh = true;
	}
	for (k = 0; k < m; k++) {
		u32 i = table[slot], w;
		u64 load;

		if (i == LVSD_CHBL_NONE)
			return -1;
		if (++slot == m)
			slot = 0;
		if (!ops->usable(ctx, i))
			continue;
		w = ops->weight(ctx, i);
		if (w > LVSD_CHBL_MAX_WEIGHT)
			w = LVSD_CHBL_MAX_WEIGHT;
		load = ops->load(ctx, i);
		if (!lvsd_chbl_accepts(load, w, LVSD_READ_ONCE(c->load),
				       LVSD_READ_ONCE(c->wsum), factor)) {
			/* never pass over on a stale total: recount first */
			if (fresh)
				continue;
			lvsd_chbl_recount(c, ops, ctx, n);
			fresh = true;
			if (!lvsd_chbl_accepts(load, w, LVSD_READ_ONCE(c->load),
					       LVSD_READ_ONCE(c->wsum), factor))
				continue;
		}
		LVSD_WRITE_ONCE(c->load, LVSD_READ_ONCE(c->load) + 1);
		LVSD_WRITE_ONCE(c->age, LVSD_READ_ONCE(c->age) + 1);
		if (probes)
			*probes = k;
		return (int)i;
	}
	return -1;
}

#endif /* LVSD_CHBL_H */
