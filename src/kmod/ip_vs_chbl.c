// SPDX-License-Identifier: GPL-2.0
/*
 * ip_vs_chbl: consistent hashing with bounded loads, an IPVS scheduler
 * (part of lvsd).
 *
 * The client's source address (and port, with scheduler flag 2, the flag
 * sh and mh use for their port option: ipvsadm -b flag-2) selects a slot of
 * a Maglev lookup table; a destination is passed over while its load is at
 * ceil(c * average weighted load), c = load_factor / 100.  The algorithm is
 * in lvsd_chbl.h, shared with lvsd's userspace tests.
 *
 * Load is activeconns for TCP and SCTP services and every connection entry
 * (active + inactive) for the others (UDP entries are never "active").
 * Quiesced destinations (weight 0) keep their slots, built from their last
 * weight, and are passed over, so quiescing does not remap other clients.
 *
 * The table is rebuilt on every destination change (process context, under
 * the IPVS mutex) and published with RCU; a pick takes no lock.
 *
 * Use:  ipvsadm -A -t VIP:PORT -s chbl [-b flag-2]
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <net/ip_vs.h>

#define LVSD_READ_ONCE(x) READ_ONCE(x)
#define LVSD_WRITE_ONCE(x, v) WRITE_ONCE(x, v)
#define LVSD_NOINLINE noinline
#include "lvsd_chbl.h"

#define IP_VS_SVC_F_SCHED_CHBL_PORT IP_VS_SVC_F_SCHED2

static unsigned int load_factor = 125;
module_param(load_factor, uint, 0644);
MODULE_PARM_DESC(load_factor,
		 "c in percent: bound = ceil(c * average load), 100..1000 (default 125)");

static unsigned int table_size = LVSD_CHBL_DEFAULT_M;
module_param(table_size, uint, 0444);
MODULE_PARM_DESC(table_size,
		 "lookup table size, a prime: 251 509 1021 2039 4093 (default) 8191 16381 32749 65521 131071");

static ulong hash_seed;
module_param(hash_seed, ulong, 0444);
MODULE_PARM_DESC(hash_seed,
		 "hash seed; directors sharing clients need the same (default 0)");

struct chbl_state {
	struct rcu_head rcu;
	u32 n;
	bool count_all; /* load = every connection entry, not only active */
	struct lvsd_chbl_cache cache;
	struct lvsd_chbl_hot *hot; /* hot[i].ref: struct ip_vs_dest * */
	u16 table[];
};

static void chbl_free_rcu(struct rcu_head *head)
{
	struct chbl_state *s = container_of(head, struct chbl_state, rcu);

	kvfree(s->hot);
	kvfree(s);
}

static void chbl_addr_words(int af, const union nf_inet_addr *a, u32 *w,
			    u32 *nw)
{
	int i;

#ifdef CONFIG_IP_VS_IPV6
	if (af == AF_INET6) {
		for (i = 0; i < 4; i++)
			w[i] = ntohl(a->ip6[i]);
		*nw = 4;
		return;
	}
#endif
	w[0] = ntohl(a->ip);
	*nw = 1;
}

static u64 chbl_key(const struct ip_vs_dest *d)
{
	u32 w[4], nw;

	chbl_addr_words(d->af, &d->addr, w, &nw);
	return lvsd_chbl_hash(w, nw, ntohs(d->port), hash_seed);
}

static struct chbl_state *chbl_build(struct ip_vs_service *svc)
{
	struct lvsd_chbl_dest *d = NULL;
	struct ip_vs_dest *dest;
	struct chbl_state *s;
	u16 *order = NULL;
	u32 n = 0;
	int w;

	list_for_each_entry(dest, &svc->destinations, n_list)
		n++;
	if (n > table_size || n > LVSD_CHBL_NONE)
		return ERR_PTR(-EINVAL);
	s = kvzalloc(struct_size(s, table, table_size), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->hot = kvcalloc(n ? n : 1, sizeof(*s->hot), GFP_KERNEL);
	d = kvcalloc(n ? n : 1, sizeof(*d), GFP_KERNEL);
	order = kvcalloc(n ? n : 1, sizeof(*order), GFP_KERNEL);
	if (!s->hot || !d || !order) {
		kvfree(d);
		kvfree(order);
		kvfree(s->hot);
		kvfree(s);
		return ERR_PTR(-ENOMEM);
	}
	s->count_all = svc->protocol != IPPROTO_TCP &&
		       svc->protocol != IPPROTO_SCTP;
	list_for_each_entry(dest, &svc->destinations, n_list) {
		w = atomic_read(&dest->weight);
		if (w <= 0)
			w = atomic_read(&dest->last_weight);
		s->hot[s->n].ref = dest;
		d[s->n].key = chbl_key(dest);
		d[s->n++].weight = clamp(w, 0, (int)LVSD_CHBL_MAX_WEIGHT);
	}
	lvsd_chbl_build(d, n, order, s->table, table_size);
	/* recount on the first pick */
	lvsd_chbl_cache_init(&s->cache, s->hot, s->n, table_size);
	kvfree(d);
	kvfree(order);
	return s;
}

static int chbl_update(struct ip_vs_service *svc)
{
	struct chbl_state *old = svc->sched_data, *s;

	s = chbl_build(svc);
	/* on failure, publish no table: picks fail instead of using a stale one */
	smp_store_release(&svc->sched_data, IS_ERR(s) ? NULL : s);
	if (old)
		call_rcu(&old->rcu, chbl_free_rcu);
	if (IS_ERR(s)) {
		pr_warn_ratelimited("CHBL: cannot rebuild table (%ld)\n",
				    PTR_ERR(s));
		return PTR_ERR(s);
	}
	return 0;
}

static int ip_vs_chbl_init_svc(struct ip_vs_service *svc)
{
	svc->sched_data = NULL;
	return chbl_update(svc);
}

static void ip_vs_chbl_done_svc(struct ip_vs_service *svc)
{
	struct chbl_state *s = svc->sched_data;

	svc->sched_data = NULL;
	if (s)
		call_rcu(&s->rcu, chbl_free_rcu);
}

static int ip_vs_chbl_dest_changed(struct ip_vs_service *svc,
				   struct ip_vs_dest *dest)
{
	return chbl_update(svc);
}

static inline struct ip_vs_dest *chbl_dest(const struct chbl_state *s, u32 i)
{
	return s->hot[i].ref;
}

static u32 chbl_op_weight(const void *ctx, u32 i)
{
	return max(atomic_read(&chbl_dest(ctx, i)->weight), 0);
}

static u64 chbl_op_load(const void *ctx, u32 i)
{
	const struct chbl_state *s = ctx;
	struct ip_vs_dest *d = chbl_dest(s, i);
	u64 load = max(atomic_read(&d->activeconns), 0);

	if (s->count_all)
		load += max(ip_vs_dest_inactconns(d), 0);
	return load;
}

static bool chbl_op_usable(const void *ctx, u32 i)
{
	const struct ip_vs_dest *d = chbl_dest(ctx, i);

	return !(d->flags & IP_VS_DEST_F_OVERLOAD) &&
	       atomic_read(&d->weight) > 0;
}

static const struct lvsd_chbl_ops chbl_ops = {
	.weight = chbl_op_weight,
	.load = chbl_op_load,
	.usable = chbl_op_usable,
};

/* Source port of TCP, UDP and SCTP packets; 0 for others and fragments. */
static u16 chbl_src_port(const struct sk_buff *skb,
			 const struct ip_vs_iphdr *iph)
{
	__be16 _ports[2], *ports;

	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (unlikely(iph->fragoffs))
			return 0;
		ports = skb_header_pointer(skb, iph->len, sizeof(_ports),
					   &_ports);
		return ports ? ntohs(ports[0]) : 0;
	default:
		return 0;
	}
}

static struct ip_vs_dest *ip_vs_chbl_schedule(struct ip_vs_service *svc,
					      const struct sk_buff *skb,
					      struct ip_vs_iphdr *iph)
{
	struct chbl_state *s = READ_ONCE(svc->sched_data);
	struct ip_vs_dest *dest;
	u32 w[4], nw, factor;
	u16 port = 0;
	int i;

	if (!s) {
		ip_vs_scheduler_err(svc, "no lookup table");
		return NULL;
	}
	if (svc->flags & IP_VS_SVC_F_SCHED_CHBL_PORT)
		port = chbl_src_port(skb, iph);
	chbl_addr_words(svc->af, &iph->saddr, w, &nw);
	factor = clamp(READ_ONCE(load_factor), 100U, 1000U);
	i = lvsd_chbl_pick(s->table, table_size, s->n,
			   lvsd_chbl_hash(w, nw, port, hash_seed), factor,
			   &s->cache, &chbl_ops, s, NULL);
	if (i < 0) {
		ip_vs_scheduler_err(svc, "no destination available");
		return NULL;
	}
	dest = chbl_dest(s, i);
	IP_VS_DBG_BUF(6, "CHBL: source %s:%u -> server %s:%u\n",
		      IP_VS_DBG_ADDR(svc->af, &iph->saddr), port,
		      IP_VS_DBG_ADDR(dest->af, &dest->addr), ntohs(dest->port));
	return dest;
}

static struct ip_vs_scheduler ip_vs_chbl_scheduler = {
	.name = "chbl",
	.refcnt = ATOMIC_INIT(0),
	.module = THIS_MODULE,
	.n_list = LIST_HEAD_INIT(ip_vs_chbl_scheduler.n_list),
	.init_service = ip_vs_chbl_init_svc,
	.done_service = ip_vs_chbl_done_svc,
	.add_dest = ip_vs_chbl_dest_changed,
	.del_dest = ip_vs_chbl_dest_changed,
	.upd_dest = ip_vs_chbl_dest_changed,
	.schedule = ip_vs_chbl_schedule,
};

static int __init ip_vs_chbl_init(void)
{
	if (!lvsd_chbl_size_ok(table_size)) {
		pr_err("CHBL: table_size %u is not one of the supported primes\n",
		       table_size);
		return -EINVAL;
	}
	return register_ip_vs_scheduler(&ip_vs_chbl_scheduler);
}

static void __exit ip_vs_chbl_cleanup(void)
{
	unregister_ip_vs_scheduler(&ip_vs_chbl_scheduler);
	rcu_barrier(); /* pending chbl_free_rcu() callbacks */
}

module_init(ip_vs_chbl_init);
module_exit(ip_vs_chbl_cleanup);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ipvs consistent hashing with bounded loads scheduler (lvsd)");
