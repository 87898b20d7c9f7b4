// SPDX-License-Identifier: GPL-2.0
/*
 * ip_vs_swrr: smooth weighted round robin IPVS scheduler (part of lvsd).
 *
 * Weights 3:1:1 give a b a c a instead of mainline wrr's a a a b c.  The
 * algorithm is in lvsd_swrr.h, shared with lvsd's userspace tests.
 *
 * On every destination change (process context, under the IPVS mutex) one
 * period of the sequence is computed into a table, continuing from the
 * nearest state to where the old table stood so that a change causes no
 * burst; a pick then reads the next slot under svc->sched_lock, skipping
 * overloaded destinations.  With many destinations the table is filled by
 * earliest deadline first (as smooth, O(log n) per slot to build; see
 * lvsd_swrr.h).  When the period is too long for a table the scheduler runs
 * the algorithm live, O(destinations) per pick.
 *
 * Use:  ipvsadm -A -t VIP:PORT -s swrr
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <net/ip_vs.h>

#include "lvsd_swrr.h"

struct swrr_state {
	struct rcu_head rcu;
	u32 n; /* destinations */
	u32 len; /* table length, 0 = live scheduling */
	u32 pos; /* next table slot */
	struct ip_vs_dest **dests;
	u32 *w; /* weights: at build (table) or scratch (live) */
	s64 *cw; /* live current values, carried across changes */
	u16 *table;
};

static void swrr_free(struct swrr_state *s)
{
	if (!s)
		return;
	kvfree(s->table);
	kvfree(s->dests);
	kvfree(s->w);
	kvfree(s->cw);
	kfree(s);
}

static void swrr_free_rcu(struct rcu_head *head)
{
	swrr_free(container_of(head, struct swrr_state, rcu));
}

static bool swrr_usable(const struct ip_vs_dest *d)
{
	return !(d->flags & IP_VS_DEST_F_OVERLOAD) &&
	       atomic_read(&d->weight) > 0;
}

static int swrr_index_of(const struct swrr_state *s, const struct ip_vs_dest *d)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (s->dests[i] == d)
			return i;
	return -1;
}

/*
 * Carries the old state over: the live current values, or the table phase
 * (its state after the slots used so far in this period), by destination.
 */
static int swrr_carry(struct swrr_state *s, struct swrr_state *old,
		      u32 old_pos, s64 *phase)
{
	s64 *old_phase;
	u32 i;
	int j;

	if (!old->len) {
		for (i = 0; i < s->n; i++) {
			j = swrr_index_of(old, s->dests[i]);
			phase[i] = j < 0 ? 0 : old->cw[j];
		}
		return 0;
	}
	old_phase = kvcalloc(old->n, sizeof(*old_phase), GFP_KERNEL);
	if (!old_phase)
		return -ENOMEM;
	lvsd_swrr_phase(old->table, old->len, old_pos, old->w, old->n,
			old_phase);
	for (i = 0; i < s->n; i++) {
		j = swrr_index_of(old, s->dests[i]);
		phase[i] = j < 0 ? 0 : old_phase[j];
	}
	kvfree(old_phase);
	return 0;
}

static struct swrr_state *swrr_build(struct ip_vs_service *svc,
				     struct swrr_state *old, u32 old_pos)
{
	struct ip_vs_dest *dest;
	struct swrr_state *s;
	s64 *phase = NULL;
	u32 *scratch = NULL;
	u32 n = 0, len, start = 0, unit = 0, i;

	list_for_each_entry(dest, &svc->destinations, n_list)
		n++;
	if (n > LVSD_SWRR_MAX_DESTS)
		return ERR_PTR(-EINVAL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->dests = kvcalloc(n ? n : 1, sizeof(*s->dests), GFP_KERNEL);
	s->w = kvcalloc(n ? n : 1, sizeof(*s->w), GFP_KERNEL);
	s->cw = kvcalloc(n ? n : 1, sizeof(*s->cw), GFP_KERNEL);
	if (!s->dests || !s->w || !s->cw)
		goto nomem;
	/* oldest first (IPVS adds at the head): ties go to the earliest added */
	list_for_each_entry_reverse(dest, &svc->destinations, n_list) {
		s->dests[s->n] = dest;
		s->w[s->n++] = max(atomic_read(&dest->weight), 0);
	}
	len = lvsd_swrr_period(s->w, n);
	if (old && n) {
		phase = kvcalloc(n, sizeof(*phase), GFP_KERNEL);
		if (!phase || swrr_carry(s, old, old_pos, phase))
			goto nomem;
		/* the phase's unit: one old period (live: the weight sum) */
		unit = old->len;
		if (!unit)
			for (i = 0; i < old->n; i++)
				unit = min_t(u64, (u64)unit + old->w[i],
					     U32_MAX);
	}
	if (len && len <= LVSD_SWRR_MAX_LEN) {
		s->table = kvmalloc_array(len, sizeof(*s->table), GFP_KERNEL);
		scratch = kvmalloc_array(LVSD_SWRR_SCRATCH(n), sizeof(*scratch),
					 GFP_KERNEL);
		if (!s->table || !scratch)
			goto nomem;
		s->len = lvsd_swrr_build(s->w, s->cw, n, s->table, scratch,
					 unit ? phase : NULL, unit, &start);
		kvfree(scratch);
		scratch = NULL;
		s->pos = start;
	}
	if (!s->len) {
		/* live: continue from the carried current values */
		kvfree(s->table);
		s->table = NULL;
		if (phase && (!old || !old->len))
			memcpy(s->cw, phase, n * sizeof(*s->cw));
		else
			memset(s->cw, 0, n * sizeof(*s->cw));
	}
	kvfree(phase);
	return s;
nomem:
	kvfree(scratch);
	kvfree(phase);
	swrr_free(s);
	return ERR_PTR(-ENOMEM);
}

/* Rebuilds the state; on failure schedules by a plain list walk. */
static int swrr_update(struct ip_vs_service *svc)
{
	struct swrr_state *old = svc->sched_data, *s;
	u32 pos = 0;

	if (old) {
		spin_lock_bh(&svc->sched_lock);
		pos = old->pos;
		spin_unlock_bh(&svc->sched_lock);
	}
	s = swrr_build(svc, old, pos);
	spin_lock_bh(&svc->sched_lock);
	svc->sched_data = IS_ERR(s) ? NULL : s;
	spin_unlock_bh(&svc->sched_lock);
	if (old)
		call_rcu(&old->rcu, swrr_free_rcu);
	if (IS_ERR(s)) {
		pr_warn_ratelimited("SWRR: cannot rebuild schedule (%ld), using fallback\n",
				    PTR_ERR(s));
		return PTR_ERR(s);
	}
	return 0;
}

static int ip_vs_swrr_init_svc(struct ip_vs_service *svc)
{
	svc->sched_data = NULL;
	return swrr_update(svc);
}

static void ip_vs_swrr_done_svc(struct ip_vs_service *svc)
{
	struct swrr_state *s = svc->sched_data;

	svc->sched_data = NULL;
	if (s)
		call_rcu(&s->rcu, swrr_free_rcu);
}

static int ip_vs_swrr_dest_changed(struct ip_vs_service *svc,
				   struct ip_vs_dest *dest)
{
	return swrr_update(svc);
}

/* Without state (allocation failed): the first usable destination. */
static struct ip_vs_dest *swrr_fallback(struct ip_vs_service *svc)
{
	struct ip_vs_dest *dest;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list)
		if (swrr_usable(dest))
			return dest;
	return NULL;
}

static struct ip_vs_dest *swrr_pick(struct swrr_state *s)
{
	struct ip_vs_dest *d;
	u32 tries, i;
	int k;

	if (s->len) {
		for (tries = 0; tries < s->len; tries++) {
			d = s->dests[s->table[lvsd_swrr_next(&s->pos, s->len)]];
			if (swrr_usable(d))
				return d;
		}
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		s->w[i] = swrr_usable(s->dests[i]) ?
			  atomic_read(&s->dests[i]->weight) : 0;
	k = lvsd_swrr_step(s->w, s->cw, s->n);
	return k < 0 ? NULL : s->dests[k];
}

static struct ip_vs_dest *ip_vs_swrr_schedule(struct ip_vs_service *svc,
					      const struct sk_buff *skb,
					      struct ip_vs_iphdr *iph)
{
	struct swrr_state *s;
	struct ip_vs_dest *dest;

	spin_lock_bh(&svc->sched_lock);
	s = svc->sched_data;
	dest = s ? swrr_pick(s) : swrr_fallback(svc);
	spin_unlock_bh(&svc->sched_lock);
	if (!dest) {
		ip_vs_scheduler_err(svc, "no destination available");
		return NULL;
	}
	IP_VS_DBG_BUF(6, "SWRR: server %s:%u weight %d\n",
		      IP_VS_DBG_ADDR(dest->af, &dest->addr), ntohs(dest->port),
		      atomic_read(&dest->weight));
	return dest;
}

static struct ip_vs_scheduler ip_vs_swrr_scheduler = {
	.name = "swrr",
	.refcnt = ATOMIC_INIT(0),
	.module = THIS_MODULE,
	.n_list = LIST_HEAD_INIT(ip_vs_swrr_scheduler.n_list),
	.init_service = ip_vs_swrr_init_svc,
	.done_service = ip_vs_swrr_done_svc,
	.add_dest = ip_vs_swrr_dest_changed,
	.del_dest = ip_vs_swrr_dest_changed,
	.upd_dest = ip_vs_swrr_dest_changed,
	.schedule = ip_vs_swrr_schedule,
};

static int __init ip_vs_swrr_init(void)
{
	return register_ip_vs_scheduler(&ip_vs_swrr_scheduler);
}

static void __exit ip_vs_swrr_cleanup(void)
{
	unregister_ip_vs_scheduler(&ip_vs_swrr_scheduler);
	rcu_barrier(); /* pending swrr_free_rcu() callbacks */
}

module_init(ip_vs_swrr_init);
module_exit(ip_vs_swrr_cleanup);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ipvs smooth weighted round-robin scheduler (lvsd)");
