/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's side of HA: the view of what the node owns and which link pairs forward
 * (compiled from a struct dp_ha_conf and published under RCU), the HA stage a worker runs on a
 * burst of a port that view concerns, the exception rings towards the HA coordinator and the
 * control TX path back to the wire.
 *
 * Control TX: a PCI device with a tx queue to spare gets one reserved for dp_ctl_send(), used
 * under a lock. Other devices (virtual ports map their queues onto kernel sockets, and an
 * extra one would receive a share of the traffic that nobody reads) get a mailbox ring per
 * port, which worker 0 empties into its own tx queue of that port once per loop.
 *
 * Nothing here logs. The workers' part allocates nothing and makes no system call.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <urcu-qsbr.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_priv.h"

#define CTR_ADD DP_CTR_ADD
#define CTR_READ DP_CTR_READ

#define ND_RS 133 /* router solicitation; 134 advertisement, 135 and 136 neighbour */
#define ND_NA 136
#define ND_NS 135
#define IPV4_TTL_OFF 8
#define IPV4_CSUM_OFF 10
#define IPV6_HLIM_OFF 7

bool dp_ctl_queue_any_device;

/* What the first pass decides for a frame, beside the punt reasons (enum dp_punt). */
#define CLS_FORWARD 0
#define CLS_LOCAL 0x80
#define CLS_L3_NON_IP 0x81

/* ------------------------------------------------------------------------------------------ */
/* The view                                                                                    */

static bool
addr_is_zero(const uint8_t *a, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if (a[i] != 0)
			return false;
	return true;
}

static void
rt_add_addr(struct dp_ha_rt *rt, const struct dp_local_addr *a)
{
	uint32_t i = dp_ha_slot_of(a->pidx, a->family, a->addr);
	unsigned int len = a->family == 4 ? 4 : 16;

	while (rt->slot[i].used) {
		const struct dp_ha_slot *s = &rt->slot[i];

		if (s->pidx == a->pidx && s->family == a->family &&
		    memcmp(s->addr, a->addr, len) == 0)
			return; /* listed twice */
		i = (i + 1) & (DP_HA_SLOTS - 1);
	}
	rt->slot[i].used = 1;
	rt->slot[i].family = a->family;
	rt->slot[i].pidx = a->pidx;
	memcpy(rt->slot[i].addr, a->addr, len);
	rt->flags[a->pidx] |= DP_HAF_OWNS;
}

/* Check @conf against the node. @return 0 or -EINVAL. */
static int
conf_check(const struct dp *dp, const struct dp_ha_conf *conf)
{
	if (conf->n_addrs > DP_HA_MAX_ADDRS)
		return -EINVAL;
	for (unsigned int i = 0; i < conf->n_addrs; i++) {
		const struct dp_local_addr *a = &conf->addrs[i];

		if ((a->family != 4 && a->family != 6) || a->pidx >= dp->n_ports ||
		    addr_is_zero(a->addr, a->family == 4 ? 4 : 16))
			return -EINVAL;
	}
	for (unsigned int p = dp->cfg->n_link_pairs; p < CFG_MAX_LINK_PAIRS; p++)
		if (conf->pair_standby[p] || conf->pair_uninspected[p])
			return -EINVAL;
	for (unsigned int i = dp->n_ports; i < DP_MAX_PORTS; i++)
		if (!addr_is_zero(conf->vrid_punt[i], sizeof(conf->vrid_punt[i])))
			return -EINVAL;
	return 0;
}

/* Compile @conf (NULL: nothing but the l3 pairs) into a new view. NULL when out of memory. */
static struct dp_ha_rt *
rt_build(const struct dp *dp, const struct dp_ha_conf *conf)
{
	const struct cfg_node *cfg = dp->cfg;
	struct dp_ha_rt *rt;

	rt = rte_zmalloc("rp_ha_view", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return NULL;
	for (unsigned int p = 0; p < cfg->n_link_pairs; p++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[p];
		uint8_t f = 0;

		if (lp->mode == CFG_PAIR_L3)
			f |= DP_HAF_L3;
		if (conf != NULL && conf->pair_standby[p])
			f |= DP_HAF_STANDBY;
		if (conf != NULL && conf->pair_uninspected[p])
			f |= DP_HAF_UNINSPECTED;
		rt->flags[lp->upstream] |= f;
		rt->flags[lp->protected] |= f;
	}
	if (conf == NULL)
		return rt;
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		memcpy(rt->vrid[i], conf->vrid_punt[i], sizeof(rt->vrid[i]));
		rt->vrid[i][0] &= (uint8_t)~1u; /* VRID 0 is not a VRID */
		if (!addr_is_zero(rt->vrid[i], sizeof(rt->vrid[i])))
			rt->flags[i] |= DP_HAF_VRRP;
	}
	for (unsigned int i = 0; i < conf->n_addrs; i++)
		rt_add_addr(rt, &conf->addrs[i]);
	return rt;
}

int
dp_ha_set(struct dp *dp, const struct dp_ha_conf *conf)
{
	struct dp_ha_state *st = dp->ha_state;
	struct dp_ha_rt *rt, *old;
	int ret;

	if (conf == NULL)
		return -EINVAL;
	ret = conf_check(dp, conf);
	if (ret < 0)
		return ret;
	rt = rt_build(dp, conf);
	if (rt == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&st->set_lock);
	old = dp->ha;
	rcu_assign_pointer(dp->ha, rt);
	pthread_mutex_unlock(&st->set_lock);
	/* Workers read the view once per burst and pass a quiescent state once per loop. */
	synchronize_rcu();
	rte_free(old);
	return 0;
}

static void
ha_ctr_add(struct dp_ha_counters *out, const struct dp_ha_counters *c)
{
	out->punted += CTR_READ(c->punted);
	out->punt_lost += CTR_READ(c->punt_lost);
	out->punt_limited += CTR_READ(c->punt_limited);
	out->standby_dropped += CTR_READ(c->standby_dropped);
	out->uninspected += CTR_READ(c->uninspected);
	out->l3_forwarded += CTR_READ(c->l3_forwarded);
	out->l3_ttl_exceeded += CTR_READ(c->l3_ttl_exceeded);
	out->l3_no_route += CTR_READ(c->l3_no_route);
	out->l3_not_routable += CTR_READ(c->l3_not_routable);
	out->l3_non_ip += CTR_READ(c->l3_non_ip);
	out->ctl_sent += CTR_READ(c->ctl_sent);
	out->ctl_dropped += CTR_READ(c->ctl_dropped);
}

void
dp_ha_counters_get(const struct dp *dp, int widx, struct dp_ha_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < dp->n_workers; w++)
		if (widx < 0 || (unsigned int)widx == w)
			ha_ctr_add(out, &dp->workers[w]->ha_ctr);
	if (widx < 0 && dp->ha_state != NULL) {
		out->ctl_sent += __atomic_load_n(&dp->ha_state->ctl_sent, __ATOMIC_RELAXED);
		out->ctl_dropped += __atomic_load_n(&dp->ha_state->ctl_dropped, __ATOMIC_RELAXED);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* The workers' stage                                                                          */

static inline bool
vrid_punted(const struct dp_ha_rt *rt, unsigned int pidx, uint8_t vrid)
{
	return rt->vrid[pidx][vrid >> 3] >> (vrid & 7) & 1;
}

/* Where a frame the parser accepted goes before the policy: a punt reason or CLS_*. */
static inline unsigned int
classify(const struct dp_ha_rt *rt, unsigned int pidx, unsigned int flags, const struct dp_pkt *k)
{
	bool owns = flags & DP_HAF_OWNS, l3 = flags & DP_HAF_L3;

	if (k->family == 0) {
		if (k->ethertype == RTE_ETHER_TYPE_ARP) {
			/* A reply or a gratuitous ARP naming a node address as its sender is a
			 * conflict the coordinator must hear of. */
			if (l3 || (owns && (dp_ha_owns(rt, pidx, 4, k->dst) ||
			                    dp_ha_owns(rt, pidx, 4, k->src))))
				return DP_PUNT_ARP;
			return CLS_FORWARD;
		}
		return l3 ? CLS_L3_NON_IP : CLS_FORWARD;
	}
	if (k->proto == DP_IPPROTO_VRRP && (flags & DP_HAF_VRRP) && vrid_punted(rt, pidx, k->vrid))
		return DP_PUNT_VRRP;
	if (k->family == 6 && k->proto == IPPROTO_ICMPV6 && k->icmp_type >= ND_RS &&
	    k->icmp_type <= ND_NA) {
		bool ns_na = k->icmp_type >= ND_NS;

		if (ns_na && (l3 || (owns && dp_ha_owns(rt, pidx, 6, k->nd_target))))
			return DP_PUNT_ND;
		if (owns && dp_ha_owns(rt, pidx, 6, k->dst))
			return DP_PUNT_ND;
		return CLS_FORWARD;
	}
	if (owns && dp_ha_owns(rt, pidx, k->family, k->dst))
		return CLS_LOCAL;
	return CLS_FORWARD;
}

/*
 * Put @m on @list for the coordinator, for @why. VRRP always goes; the rest (ARP, ND, traffic
 * to a node address, frames waiting for a neighbour) only within workers.punt_rate_pps, so that
 * a flood aimed at the node neither crowds the adverts out of the exception ring nor keeps its
 * coordinator busy. @return false when over the rate: the caller drops @m.
 */
static inline bool
punt(struct dp_worker *wk, struct rte_mbuf **list, unsigned int *n, struct rte_mbuf *m,
     uint16_t port, unsigned int why, uint64_t now)
{
	if (why != DP_PUNT_VRRP &&
	    rte_meter_srtcm_color_blind_check(&wk->punt_meter, &wk->punt_profile, now, 1) !=
	            RTE_COLOR_GREEN) {
		CTR_ADD(wk->ha_ctr.punt_limited, 1);
		return false;
	}
	m->port = port; /* not every PMD sets it */
	m->hash.usr = why;
	list[(*n)++] = m;
	return true;
}

/* RFC 1624 (eqn. 3): the checksum @hc after a 16-bit word of the header goes from @old to
 * @new, all in host order. */
static inline uint16_t
csum_update16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Decrement the TTL or hop limit of the IP packet at @ip. @return false when it would reach
 * 0 (the packet is not to be forwarded). */
static inline bool
hop_decrement(uint8_t *ip, uint8_t family)
{
	if (family == 4) {
		uint8_t ttl = ip[IPV4_TTL_OFF];
		uint16_t old, new, hc;

		if (ttl <= 1)
			return false;
		old = (uint16_t)(ttl << 8 | ip[IPV4_TTL_OFF + 1]);
		new = (uint16_t)(old - 0x100);
		hc = (uint16_t)(ip[IPV4_CSUM_OFF] << 8 | ip[IPV4_CSUM_OFF + 1]);
		hc = csum_update16(hc, old, new);
		ip[IPV4_TTL_OFF] = (uint8_t)(ttl - 1);
		ip[IPV4_CSUM_OFF] = (uint8_t)(hc >> 8);
		ip[IPV4_CSUM_OFF + 1] = (uint8_t)hc;
		return true;
	}
	if (ip[IPV6_HLIM_OFF] <= 1)
		return false;
	ip[IPV6_HLIM_OFF]--;
	return true;
}

/* Route the frames of the burst still to be forwarded out of the paired l3 port. */
static void
l3_route(struct dp_worker *wk, const struct dp_rx_binding *b, struct rte_mbuf **pkts,
         const struct dp_pkt *meta, unsigned int n, uint64_t now, uint8_t *reason,
         struct rte_mbuf **punts, unsigned int *n_punt)
{
	const struct dp_l3_port *lp = &wk->l3[b->tx_index];
	struct dp_neigh_key keys[DP_MAX_BURST];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint16_t cand[DP_MAX_BURST];
	unsigned int n_cand = 0;
	uint64_t no_route = 0, not_routable = 0, ttl = 0, fwd = 0;
	uint8_t nh[16];

	for (unsigned int i = 0; i < n; i++) {
		const struct dp_pkt *k = &meta[i];
		int ret;

		if (reason[i] != DP_DROP_NONE)
			continue;
		ret = dp_l3_route(lp, k->family, k->dst, nh);
		if (unlikely(ret < 0)) {
			if (ret == -EHOSTUNREACH)
				not_routable++;
			else
				no_route++;
			reason[i] = DP_TAKEN_DROP;
			continue;
		}
		dp_neigh_key_make(&keys[n_cand], b->tx_index, k->family, nh);
		cand[n_cand++] = (uint16_t)i;
	}
	for (unsigned int base = 0; base < n_cand; base += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned int cnt = RTE_MIN(n_cand - base, (unsigned int)RTE_HASH_LOOKUP_BULK_MAX);
		uint64_t hits = 0;

		for (unsigned int j = 0; j < cnt; j++)
			kp[j] = &keys[base + j];
		if (wk->neigh == NULL ||
		    rte_hash_lookup_bulk_data(wk->neigh->h, kp, cnt, &hits, data) <= 0)
			hits = 0;
		for (unsigned int j = 0; j < cnt; j++) {
			unsigned int i = cand[base + j];
			struct rte_mbuf *m = pkts[i];
			uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);
			uint64_t mac = (uintptr_t)data[j];

			if (!(hits >> j & 1)) {
				reason[i] = punt(wk, punts, n_punt, m, b->rx_port, DP_PUNT_UNRESOLVED,
				                 now)
				                    ? DP_TAKEN_KEPT
				                    : DP_TAKEN_DROP;
				continue;
			}
			if (!hop_decrement(eth + meta[i].l3_off, meta[i].family)) {
				ttl++;
				reason[i] = DP_TAKEN_DROP;
				continue;
			}
			memcpy(eth, &mac, RTE_ETHER_ADDR_LEN);
			memcpy(eth + RTE_ETHER_ADDR_LEN, &lp->mac, RTE_ETHER_ADDR_LEN);
			fwd++;
		}
	}
	CTR_ADD(wk->ha_ctr.l3_no_route, no_route);
	CTR_ADD(wk->ha_ctr.l3_not_routable, not_routable);
	CTR_ADD(wk->ha_ctr.l3_ttl_exceeded, ttl);
	CTR_ADD(wk->ha_ctr.l3_forwarded, fwd);
}

unsigned int
dp_ha_burst(struct dp_worker *wk, const struct dp_ha_rt *rt, const struct dp_rx_binding *b,
            struct rte_mbuf **pkts, const struct dp_pkt *meta, const uint32_t *bytes,
            unsigned int n, uint64_t now, uint8_t *reason, uint64_t *tx_bytes)
{
	const unsigned int pidx = b->rx_index, flags = rt->flags[pidx];
	struct rte_mbuf *punts[DP_MAX_BURST];
	uint16_t local[DP_MAX_BURST];
	unsigned int n_punt = 0, n_local = 0, n_tx = 0, enq;
	uint64_t standby = 0, non_ip = 0, uninspected = 0;

	/* 1 and 2: the node's control protocols, then the standby drop. */
	for (unsigned int i = 0; i < n; i++) {
		unsigned int c;

		if (reason[i] != DP_DROP_NONE)
			continue;
		c = classify(rt, pidx, flags, &meta[i]);
		if (c == CLS_LOCAL) {
			local[n_local++] = (uint16_t)i;
		} else if (c == CLS_L3_NON_IP) {
			reason[i] = DP_TAKEN_DROP;
			non_ip++;
		} else if (c != CLS_FORWARD) {
			reason[i] = punt(wk, punts, &n_punt, pkts[i], b->rx_port, c, now)
			                    ? DP_TAKEN_KEPT
			                    : DP_TAKEN_DROP;
		} else if (flags & DP_HAF_STANDBY) {
			reason[i] = DP_TAKEN_DROP;
			standby++;
		}
	}
	CTR_ADD(wk->ha_ctr.l3_non_ip, non_ip);

	/* 3: the policy, or around it. */
	if (flags & DP_HAF_UNINSPECTED) {
		for (unsigned int i = 0; i < n; i++) {
			if (reason[i] == DP_DROP_NONE || reason[i] >= DP_DROP__MAX)
				continue;
			/* The parser refused it. An l2 bypass passes it on as a wire would; an l3
			 * one cannot route it, and a standby pair forwards nothing. */
			if (flags & (DP_HAF_L3 | DP_HAF_STANDBY)) {
				CTR_ADD(wk->mit.drops[reason[i]], 1);
				reason[i] = DP_TAKEN_DROP;
			} else {
				reason[i] = DP_DROP_NONE;
			}
		}
	} else {
		struct dp_pipeline pl;

		pl.policy = rcu_dereference(*wk->policy);
		pl.blocklist = wk->blocklist;
		pl.wk = wk;
		dp_pipeline_run(&pl, meta, bytes, n, b->pair, b->outbound, now, reason);
	}

	/* 4: what the policy let through to the node itself. */
	for (unsigned int j = 0; j < n_local; j++) {
		unsigned int i = local[j];

		if (reason[i] != DP_DROP_NONE)
			continue;
		reason[i] = punt(wk, punts, &n_punt, pkts[i], b->rx_port, DP_PUNT_LOCAL, now)
		                    ? DP_TAKEN_KEPT
		                    : DP_TAKEN_DROP;
	}

	/* 5: routing. */
	if (flags & DP_HAF_L3)
		l3_route(wk, b, pkts, meta, n, now, reason, punts, &n_punt);

	/* The split: what goes on to the front, what was dropped freed, punts kept. */
	for (unsigned int i = 0; i < n; i++) {
		if (reason[i] == DP_DROP_NONE) {
			pkts[n_tx++] = pkts[i];
			*tx_bytes += bytes[i];
		} else if (reason[i] != DP_TAKEN_KEPT) {
			rte_pktmbuf_free(pkts[i]);
		}
	}
	if (flags & DP_HAF_UNINSPECTED)
		uninspected = n_tx;
	CTR_ADD(wk->ha_ctr.uninspected, uninspected);
	CTR_ADD(wk->ha_ctr.standby_dropped, standby);
	if (n_punt > 0) {
		enq = rte_ring_sp_enqueue_burst(wk->exc, (void *const *)punts, n_punt, NULL);
		if (unlikely(enq < n_punt)) {
			for (unsigned int j = enq; j < n_punt; j++)
				rte_pktmbuf_free(punts[j]);
			CTR_ADD(wk->ha_ctr.punt_lost, n_punt - enq);
		}
		CTR_ADD(wk->ha_ctr.punted, enq);
	}
	return n_tx;
}

unsigned int
dp_ctl_mbox_drain(struct dp_worker *wk)
{
	struct rte_mbuf *pkts[64];
	unsigned int total = 0;

	for (unsigned int i = 0; i < wk->n_mbox; i++) {
		const struct dp_ctl_mbox *mb = &wk->mbox[i];
		unsigned int n;
		uint16_t sent;

		/* Until empty: the flag that called us is already clear. */
		while ((n = rte_ring_sc_dequeue_burst(mb->ring, (void **)pkts, RTE_DIM(pkts),
		                                      NULL)) > 0) {
			sent = rte_eth_tx_burst(mb->port_id, mb->txq, pkts, (uint16_t)n);
			for (unsigned int j = sent; j < n; j++)
				rte_pktmbuf_free(pkts[j]);
			CTR_ADD(wk->ha_ctr.ctl_sent, sent);
			CTR_ADD(wk->ha_ctr.ctl_dropped, n - sent);
			total += n;
		}
	}
	return total;
}

/* ------------------------------------------------------------------------------------------ */
/* The coordinator's side                                                                      */

unsigned int
dp_exc_recv(struct dp *dp, struct rte_mbuf **pkts, unsigned int n)
{
	struct dp_ha_state *st = dp->ha_state;
	unsigned int got = 0;

	if (dp->n_workers == 0)
		return 0;
	/* Start with a different worker each time, so that none is served last for long. */
	for (unsigned int k = 0; k < dp->n_workers && got < n; k++) {
		unsigned int w = (st->exc_next + k) % dp->n_workers;

		got += rte_ring_sc_dequeue_burst(dp->workers[w]->exc, (void **)(pkts + got),
		                                 n - got, NULL);
	}
	st->exc_next = (st->exc_next + 1) % dp->n_workers;
	return got;
}

int
dp_port_index(const struct dp *dp, uint16_t port_id)
{
	for (unsigned int i = 0; i < dp->n_ports; i++)
		if (dp->ports[i].found && dp->ports[i].port_id == port_id)
			return (int)i;
	return -ENOENT;
}

const struct rte_ether_addr *
dp_port_mac(const struct dp *dp, unsigned int pidx)
{
	return pidx < dp->n_ports ? &dp->ports[pidx].mac : NULL;
}

struct rte_mbuf *
dp_ctl_alloc(struct dp *dp)
{
	return rte_pktmbuf_alloc(dp->pool);
}

/* Send on tx queue @q of port index @pidx, which the caller holds; count. @return sent. */
static unsigned int
ctl_tx(struct dp *dp, unsigned int pidx, uint16_t q, struct rte_mbuf **pkts, unsigned int n)
{
	struct dp_ha_state *st = dp->ha_state;
	unsigned int sent = 0;

	while (sent < n) {
		uint16_t k = (uint16_t)RTE_MIN(n - sent, (unsigned int)UINT16_MAX);
		uint16_t s = rte_eth_tx_burst(dp->ports[pidx].port_id, q, pkts + sent, k);

		sent += s;
		if (s < k)
			break;
	}
	__atomic_fetch_add(&st->ctl_sent, sent, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->ctl_dropped, n - sent, __ATOMIC_RELAXED);
	return sent;
}

unsigned int
dp_ctl_send(struct dp *dp, unsigned int pidx, struct rte_mbuf **pkts, unsigned int n)
{
	struct dp_ha_state *st = dp->ha_state;
	struct dp_ctl_port *cp;
	unsigned int sent = 0;

	if (pidx >= dp->n_ports || !dp->ports[pidx].started || n == 0)
		goto drop;
	cp = &st->ctl[pidx];
	pthread_mutex_lock(&cp->lock);
	if (cp->txq >= 0) {
		sent = ctl_tx(dp, pidx, (uint16_t)cp->txq, pkts, n);
	} else if (cp->direct) {
		sent = ctl_tx(dp, pidx, 0, pkts, n);
	} else {
		sent = rte_ring_sp_enqueue_burst(cp->mbox, (void *const *)pkts, n, NULL);
		__atomic_store_n(&st->mbox_pending, 1, __ATOMIC_RELEASE);
		/* What the worker sends is counted by the worker. */
		__atomic_fetch_add(&st->ctl_dropped, n - sent, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&cp->lock);
drop:
	for (unsigned int i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	return sent;
}

void
dp_ctl_handover(struct dp *dp, bool workers_run)
{
	struct dp_ha_state *st = dp->ha_state;

	if (st == NULL)
		return;
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		struct dp_ctl_port *cp = &st->ctl[i];
		struct rte_mbuf *pkts[64];
		unsigned int n, sent;

		if (cp->mbox == NULL)
			continue;
		pthread_mutex_lock(&cp->lock);
		cp->direct = !workers_run;
		while (!workers_run && dp->ports[i].started &&
		       (n = rte_ring_sc_dequeue_burst(cp->mbox, (void **)pkts, RTE_DIM(pkts),
		                                      NULL)) > 0) {
			sent = ctl_tx(dp, i, 0, pkts, n);
			for (unsigned int j = sent; j < n; j++)
				rte_pktmbuf_free(pkts[j]);
		}
		pthread_mutex_unlock(&cp->lock);
	}
}

int
dp_worker_stall(struct dp *dp, unsigned int widx, unsigned int ms)
{
	uint64_t until = 0;

	if (widx >= dp->n_workers || ms > DP_STALL_MAX_MS)
		return -EINVAL;
	if (ms > 0)
		until = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * ms;
	__atomic_store_n(&dp->workers[widx]->stall_until, until, __ATOMIC_RELAXED);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Set-up                                                                                      */

static void
ring_flush(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

/* Fill @lp from one side of an l3 link pair. */
static void
l3_port_init(struct dp_l3_port *lp, const struct cfg_pair_side *side,
             const struct rte_ether_addr *mac)
{
	memset(lp, 0, sizeof(*lp));
	lp->l3 = true;
	for (unsigned int i = 0; i < side->n_addrs && i < CFG_MAX_PAIR_ADDRS; i++) {
		const struct cfg_ifaddr *a = &side->addrs[i];
		struct dp_l3_net *net = &lp->net[lp->n_net];
		uint8_t mask[16] = { 0 };
		uint64_t m6[2], a6[2];
		uint32_t m4, a4;

		for (unsigned int bit = 0; bit < a->len && bit < 128; bit++)
			mask[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		net->family = a->family;
		if (a->family == 4) {
			memcpy(&m4, mask, 4);
			memcpy(&a4, a->addr, 4);
			net->mask4 = m4;
			net->net4 = a4 & m4;
		} else {
			memcpy(m6, mask, 16);
			memcpy(a6, a->addr, 16);
			net->mask6[0] = m6[0];
			net->mask6[1] = m6[1];
			net->net6[0] = a6[0] & m6[0];
			net->net6[1] = a6[1] & m6[1];
		}
		lp->n_net++;
	}
	lp->has_gw4 = side->has_gw4;
	lp->has_gw6 = side->has_gw6;
	memcpy(lp->gw4, side->gw4, sizeof(lp->gw4));
	memcpy(lp->gw6, side->gw6, sizeof(lp->gw6));
	lp->mac = *mac;
}

/* A token bucket of @pps frames a second, holding a tenth of a second's worth (at least one
 * full burst), full to begin with. */
static int
punt_meter_init(struct dp_worker *wk, unsigned int pps)
{
	struct rte_meter_srtcm_params p = {
		.cir = pps,
		.cbs = RTE_MAX(pps / 10, wk->burst),
		.ebs = 0,
	};
	int ret;

	ret = rte_meter_srtcm_profile_config(&wk->punt_profile, &p);
	if (ret == 0)
		ret = rte_meter_srtcm_config(&wk->punt_meter, &wk->punt_profile);
	return ret;
}

int
dp_ha_init(struct dp *dp, char *err, size_t errlen)
{
	const struct cfg_node *cfg = dp->cfg;
	struct dp_ha_state *st;
	bool any_l3 = false;
	int ret;

	st = rte_zmalloc("rp_ha_state", sizeof(*st), RTE_CACHE_LINE_SIZE);
	if (st == NULL)
		goto nomem;
	dp->ha_state = st;
	pthread_mutex_init(&st->set_lock, NULL);
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		const struct dp_port *p = &dp->ports[i];
		struct dp_ctl_port *cp = &st->ctl[i];
		char name[RTE_RING_NAMESIZE];

		pthread_mutex_init(&cp->lock, NULL);
		if (p->ctl_txq >= 0 || p->peer < 0 || dp->n_workers == 0) {
			/* A reserved queue, or a port no worker sends on: all of its queues are
			 * free. */
			cp->txq = p->ctl_txq >= 0 ? p->ctl_txq : 0;
			continue;
		}
		cp->txq = -1;
		cp->direct = true; /* until dp_start() */
		snprintf(name, sizeof(name), "rp_ctl_%u", i);
		cp->mbox = rte_ring_create(name, DP_CTL_MBOX_SIZE, p->socket_id,
		                           RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (cp->mbox == NULL) {
			snprintf(err, errlen, "port %s: cannot create its control TX mailbox: %s",
			         p->name, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		/* Worker w sends on tx queue w of every paired port: worker 0 empties it. */
		st->mbox[st->n_mbox].ring = cp->mbox;
		st->mbox[st->n_mbox].port_id = p->port_id;
		st->mbox[st->n_mbox].txq = 0;
		st->n_mbox++;
	}
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];

		if (lp->mode != CFG_PAIR_L3)
			continue;
		any_l3 = true;
		l3_port_init(&st->l3[lp->upstream], &lp->side[CFG_SIDE_UPSTREAM],
		             &dp->ports[lp->upstream].mac);
		l3_port_init(&st->l3[lp->protected], &lp->side[CFG_SIDE_PROTECTED],
		             &dp->ports[lp->protected].mac);
	}
	if (any_l3) {
		st->neigh = dp_neigh_table_create("rp_neigh", DP_NEIGH_MAX, (int)rte_socket_id(),
		                                  rte_get_tsc_hz());
		if (st->neigh == NULL) {
			snprintf(err, errlen, "cannot create the l3 neighbour table: %s",
			         strerror(errno));
			return -ENOMEM;
		}
	}
	dp->ha = rt_build(dp, NULL);
	if (dp->ha == NULL)
		goto nomem;
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		struct dp_worker *wk = dp->workers[w];
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "rp_exc_%u", w);
		wk->exc = rte_ring_create(name, DP_EXC_RING_SIZE,
		                          (int)rte_lcore_to_socket_id(wk->lcore),
		                          RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (wk->exc == NULL) {
			snprintf(err, errlen,
			         "worker on lcore %u: cannot create its exception "
			         "ring: %s",
			         wk->lcore, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		ret = punt_meter_init(wk, cfg->workers.punt_rate_pps);
		if (ret < 0) {
			snprintf(err, errlen,
			         "worker on lcore %u: cannot set up its punt meter for "
			         "workers.punt_rate_pps = %u: %s",
			         wk->lcore, cfg->workers.punt_rate_pps, strerror(-ret));
			return ret;
		}
		wk->ha = &dp->ha;
		wk->l3 = st->l3;
		wk->neigh = st->neigh;
		wk->mbox_pending = &st->mbox_pending;
		if (w == 0) {
			wk->mbox = st->mbox;
			wk->n_mbox = st->n_mbox;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for the HA state of the dataplane");
	return -ENOMEM;
}

void
dp_ha_fini(struct dp *dp)
{
	struct dp_ha_state *st = dp->ha_state;

	for (unsigned int w = 0; w < dp->n_workers; w++) {
		struct dp_worker *wk = dp->workers[w];

		if (wk == NULL)
			continue;
		ring_flush(wk->exc);
		wk->exc = NULL;
		wk->n_mbox = 0;
		wk->mbox = NULL;
		wk->neigh = NULL;
	}
	rte_free(dp->ha);
	dp->ha = NULL;
	if (st == NULL)
		return;
	for (unsigned int i = 0; i < DP_MAX_PORTS; i++)
		ring_flush(st->ctl[i].mbox);
	dp_neigh_table_destroy(st->neigh);
	rte_free(st);
	dp->ha_state = NULL;
}
