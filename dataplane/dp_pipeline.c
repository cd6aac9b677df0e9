/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mitigation pipeline a worker runs on every burst, after parsing. In order:
 *
 *   1. frames the parser refused are dropped with its reason;
 *   2. inbound, a source in allow_prefixes is forwarded and nothing else is checked;
 *   3. inbound, a source on the dynamic blocklist is dropped;
 *   4. inbound, a source in the deny prefixes is dropped;
 *   5. inbound, fragments are dropped when the policy says so;
 *   6. rules, first match in file order (count rules count and let the packet go on);
 *   7. inbound, the protections: SYN flood, UDP amplification, ICMP flood;
 *   8. the default action.
 *
 * Each stage works on the whole burst so that the table lookups (LPM, hash, ACL) are done in
 * bulk. Nothing here locks, allocates, logs or makes a system call: the policy is read under
 * RCU, the blocklist with lock-free lookups, and the counters and rate state are the worker's.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include <netinet/in.h>

#include "dp_priv.h"

#define CTR_ADD DP_CTR_ADD

#define TCP_SYN_ACK (CFG_TCP_SYN | CFG_TCP_ACK | CFG_TCP_RST)
#define ICMP_ECHO_REQUEST 8
#define ICMPV6_ECHO_REQUEST 128

/* A burst being decided: which packets are still open, in a compact index list. */
struct burst {
	uint16_t open[DP_MAX_BURST];
	unsigned int n_open;
};

static void
burst_close(struct burst *b, unsigned int j)
{
	b->open[j] = UINT16_MAX;
}

static void
burst_compact(struct burst *b)
{
	unsigned int k = 0;

	for (unsigned int j = 0; j < b->n_open; j++)
		if (b->open[j] != UINT16_MAX)
			b->open[k++] = b->open[j];
	b->n_open = k;
}

/* Stage 2 and 4: sources in a prefix set. @hit[j] is set for open packet j. */
static void
prefix_lookup(const struct dp_pfx4 *l4, const struct rte_lpm6 *l6, const struct dp_pkt *pkts,
              const struct burst *b, bool *hit)
{
	uint32_t ips[DP_MAX_BURST];

	/* First every state word of the burst on its way to the cache, then the tests. */
	for (unsigned int j = 0; j < b->n_open; j++) {
		const struct dp_pkt *pkt = &pkts[b->open[j]];
		uint32_t a;

		memcpy(&a, pkt->src, 4);
		ips[j] = rte_be_to_cpu_32(a);
		if (pkt->family == 4 && l4 != NULL)
			rte_prefetch0(&l4->state[ips[j] >> 13]);
	}
	for (unsigned int j = 0; j < b->n_open; j++) {
		const struct dp_pkt *pkt = &pkts[b->open[j]];

		hit[j] = false;
		if (pkt->family == 4 && l4 != NULL) {
			hit[j] = dp_pfx4_lookup(l4, ips[j]);
		} else if (pkt->family == 6 && l6 != NULL) {
			uint32_t h;

			hit[j] = rte_lpm6_lookup(l6, pkt->src, &h) == 0;
		}
	}
}

/* Stage 3: sources on the blocklist and not expired. The filter answers for most sources;
 * only those whose filter bit is set are looked up in the hash, in bulk. */
static void
blocklist_lookup(const struct dp_blocklist *bl, const struct dp_pkt *pkts, const struct burst *b,
                 uint64_t now, bool *hit)
{
	struct dp_bl_key keys[DP_MAX_BURST];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint32_t bits[DP_MAX_BURST];
	uint16_t cand[DP_MAX_BURST];
	unsigned int n_cand = 0;

	for (unsigned int j = 0; j < b->n_open; j++) {
		const struct dp_pkt *pkt = &pkts[b->open[j]];

		dp_bl_key_from(&keys[j], pkt->family, pkt->src);
		bits[j] = dp_bl_filter_bit(bl, &keys[j]);
		rte_prefetch0(&bl->filter[bits[j] / 64]);
	}
	for (unsigned int j = 0; j < b->n_open; j++) {
		hit[j] = false;
		if (dp_bl_filter_test(bl, bits[j]))
			cand[n_cand++] = (uint16_t)j;
	}
	for (unsigned int base = 0; base < n_cand; base += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned int n = RTE_MIN(n_cand - base, (unsigned int)RTE_HASH_LOOKUP_BULK_MAX);
		uint64_t mask = 0;

		for (unsigned int k = 0; k < n; k++)
			kp[k] = &keys[cand[base + k]];
		if (rte_hash_lookup_bulk_data(bl->h, kp, n, &mask, data) <= 0)
			mask = 0;
		for (unsigned int k = 0; k < n; k++) {
			uint64_t exp = (uintptr_t)data[k] & ~DP_BL_AUTO;

			hit[cand[base + k]] = (mask >> k & 1) && (exp == 0 || exp > now);
		}
	}
}

static void
rate_key(struct dp_rate_key *k, const struct dp_policy *p, uint32_t id, uint8_t family,
         const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->limiter = p->gen << DP_LIMITER_ID_BITS | id;
	k->family = family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
}

static void
offender_report(struct dp_worker *wk, const struct dp_policy *p, const struct dp_pkt *pkt)
{
	struct dp_offender o;

	o.block_seconds = p->prot.block_seconds;
	dp_bl_key_from(&o.key, pkt->family, pkt->src);
	if (wk->offenders != NULL && rte_ring_sp_enqueue_elem(wk->offenders, &o, sizeof(o)) == 0)
		CTR_ADD(wk->mit.offenders, 1);
	else
		CTR_ADD(wk->mit.offenders_lost, 1);
}

/* Charge one packet against a per-address limit. @return true when admitted. */
static bool
limit_charge(struct dp_worker *wk, const struct dp_policy *p, uint32_t id,
             const struct dp_limit *lim, const struct dp_pkt *pkt, const uint8_t *addr,
             uint32_t bytes, uint64_t now, bool may_block)
{
	struct dp_rate_key k;
	struct dp_rate_entry *e;
	uint64_t evictions = wk->rate.evictions;
	bool offender = false, ok;

	rate_key(&k, p, id, pkt->family, addr);
	e = dp_rate_table_get(&wk->rate, &k, now);
	if (wk->rate.evictions != evictions)
		CTR_ADD(wk->mit.rate_evictions, 1);
	ok = dp_rate_entry_charge(e, lim, now, bytes, p->prot.gap_ticks,
	                          may_block && p->prot.auto_block ? p->prot.exceed_ticks : 0,
	                          &offender);
	if (offender)
		offender_report(wk, p, pkt);
	return ok;
}

/* Stage 6 for one packet, given its classification. @return true when the packet is decided. */
static bool
rule_apply(struct dp_pipeline *pl, const struct dp_pkt *pkt, uint32_t bytes, const uint32_t *res,
           uint64_t now, uint8_t *reason)
{
	const struct dp_policy *p = pl->policy;
	struct dp_worker *wk = pl->wk;
	struct dp_policy_worker *pw = &((struct dp_policy *)p)->pw[wk->index];
	uint32_t t = res[0];
	const struct dp_rule *r;
	struct dp_rule_ctr *c;
	bool ok = true;

	for (uint32_t k = 1; k <= p->n_count; k++) {
		uint32_t m = res[k];

		if (m != 0 && (t == 0 || m < t)) {
			CTR_ADD(pw->ctr[m - 1].packets, 1);
			CTR_ADD(pw->ctr[m - 1].bytes, bytes);
		}
	}
	if (t == 0)
		return false;
	r = &p->rules[t - 1];
	c = &pw->ctr[t - 1];
	CTR_ADD(c->packets, 1);
	CTR_ADD(c->bytes, bytes);
	switch (r->action) {
	case CFG_ACTION_DROP:
		*reason = DP_DROP_RULE;
		CTR_ADD(c->dropped, 1);
		break;
	case CFG_ACTION_RATE_LIMIT:
		/* The counters count frames, as the ports do; bit rates count IP lengths. */
		if (r->per_source)
			ok = limit_charge(wk, p, t - 1, &r->src_limit, pkt, pkt->src, pkt->l3_len,
			                  now, true);
		if (ok && r->aggregate)
			ok = dp_limit_admit(&r->agg_limit, &pw->agg[t - 1], now, pkt->l3_len);
		if (!ok) {
			*reason = DP_DROP_RATE_LIMIT;
			CTR_ADD(c->dropped, 1);
		}
		break;
	default: /* allow */
		break;
	}
	return true;
}

/* Stage 7 for one inbound packet. */
static void
protect(struct dp_pipeline *pl, const struct dp_pkt *pkt, uint64_t now, uint8_t *reason)
{
	const struct dp_policy *p = pl->policy;

	if (pkt->proto == IPPROTO_TCP) {
		if (p->prot.syn && (pkt->tcp_flags & TCP_SYN_ACK) == CFG_TCP_SYN &&
		    (!limit_charge(pl->wk, p, DP_LIMITER_SYN_SRC, &p->prot.syn_src, pkt, pkt->src,
		                   pkt->l3_len, now, true) ||
		     !limit_charge(pl->wk, p, DP_LIMITER_SYN_DST, &p->prot.syn_dst, pkt, pkt->dst,
		                   pkt->l3_len, now, false)))
			*reason = DP_DROP_SYN_FLOOD;
	} else if (pkt->proto == IPPROTO_UDP) {
		if (p->prot.amp && pkt->frag != DP_FRAG_LATER &&
		    pkt->l3_len >= p->prot.amp_min_len &&
		    (p->prot.amp_ports[pkt->sport / 8] >> (pkt->sport % 8) & 1))
			*reason = DP_DROP_UDP_AMPLIFICATION;
	} else if (p->prot.icmp && ((pkt->family == 4 && pkt->proto == IPPROTO_ICMP &&
	                             pkt->icmp_type == ICMP_ECHO_REQUEST) ||
	                            (pkt->family == 6 && pkt->proto == IPPROTO_ICMPV6 &&
	                             pkt->icmp_type == ICMPV6_ECHO_REQUEST))) {
		if (!limit_charge(pl->wk, p, DP_LIMITER_ICMP_SRC, &p->prot.icmp_src, pkt, pkt->src,
		                  pkt->l3_len, now, true))
			*reason = DP_DROP_ICMP_FLOOD;
	}
}

/*
 * The rate-table lookups the burst is about to make (per-source rule limits, SYN and ICMP
 * flood limits), started together: each is a random bucket of a table of megabytes, and one
 * after the other their misses would add up.
 */
static void
rate_prefetch(const struct dp_pipeline *pl, const struct dp_pkt *pkts, const struct burst *b,
              const uint32_t *res, bool outbound)
{
	const struct dp_policy *p = pl->policy;
	unsigned int nc = p->n_categories;
	struct dp_rate_key k;

	for (unsigned int j = 0; j < b->n_open; j++) {
		const struct dp_pkt *pkt = &pkts[b->open[j]];
		uint32_t t = res[j * nc];

		if (t != 0) {
			const struct dp_rule *r = &p->rules[t - 1];

			if (r->action == CFG_ACTION_RATE_LIMIT && r->per_source) {
				rate_key(&k, p, t - 1, pkt->family, pkt->src);
				dp_rate_table_prefetch(&pl->wk->rate, &k);
			}
		} else if (!outbound && pkt->proto == IPPROTO_TCP && p->prot.syn &&
		           (pkt->tcp_flags & TCP_SYN_ACK) == CFG_TCP_SYN) {
			rate_key(&k, p, DP_LIMITER_SYN_SRC, pkt->family, pkt->src);
			dp_rate_table_prefetch(&pl->wk->rate, &k);
			rate_key(&k, p, DP_LIMITER_SYN_DST, pkt->family, pkt->dst);
			dp_rate_table_prefetch(&pl->wk->rate, &k);
		} else if (!outbound && p->prot.icmp &&
		           (pkt->proto == IPPROTO_ICMP || pkt->proto == IPPROTO_ICMPV6)) {
			rate_key(&k, p, DP_LIMITER_ICMP_SRC, pkt->family, pkt->src);
			dp_rate_table_prefetch(&pl->wk->rate, &k);
		}
	}
}

/* Stages 2 to 5, inbound only. */
static void
source_checks(struct dp_pipeline *pl, const struct dp_pkt *pkts, struct burst *b, uint64_t now,
              uint8_t *reason)
{
	const struct dp_policy *p = pl->policy;
	bool hit[DP_MAX_BURST];

	if (p->allow4 != NULL || p->allow6 != NULL) {
		prefix_lookup(p->allow4, p->allow6, pkts, b, hit);
		for (unsigned int j = 0; j < b->n_open; j++) {
			if (hit[j]) {
				CTR_ADD(pl->wk->mit.allow_prefix, 1);
				burst_close(b, j);
			}
		}
		burst_compact(b);
	}
	blocklist_lookup(pl->blocklist, pkts, b, now, hit);
	for (unsigned int j = 0; j < b->n_open; j++) {
		if (hit[j]) {
			reason[b->open[j]] = DP_DROP_BLOCKLIST;
			burst_close(b, j);
		}
	}
	burst_compact(b);
	if (p->deny4 != NULL || p->deny6 != NULL) {
		prefix_lookup(p->deny4, p->deny6, pkts, b, hit);
		for (unsigned int j = 0; j < b->n_open; j++) {
			if (hit[j]) {
				reason[b->open[j]] = DP_DROP_DENY_PREFIX;
				burst_close(b, j);
			}
		}
		burst_compact(b);
	}
	if (p->drop_fragments) {
		for (unsigned int j = 0; j < b->n_open; j++) {
			if (pkts[b->open[j]].frag != DP_FRAG_NONE) {
				reason[b->open[j]] = DP_DROP_FRAGMENT;
				burst_close(b, j);
			}
		}
		burst_compact(b);
	}
}

void
dp_pipeline_run(struct dp_pipeline *pl, const struct dp_pkt *pkts, const uint32_t *bytes,
                unsigned int n, unsigned int pair, bool outbound, uint64_t now, uint8_t *reason)
{
	const struct dp_policy *p = pl->policy;
	struct dp_worker *wk = pl->wk;
	const struct dp_pkt *cls[DP_MAX_BURST];
	uint8_t ingress[DP_MAX_BURST];
	uint32_t res[DP_MAX_BURST * DP_ACL_CATEGORIES];
	struct burst b;
	unsigned int non_ip = 0, nc = p->n_categories;

	b.n_open = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (reason[i] != DP_DROP_NONE)
			continue;
		if (pkts[i].family == 0)
			non_ip++;
		else
			b.open[b.n_open++] = (uint16_t)i;
	}
	CTR_ADD(wk->mit.non_ip, non_ip);
	CTR_ADD(wk->mit.inspected, b.n_open);

	if (!outbound && b.n_open > 0)
		source_checks(pl, pkts, &b, now, reason);

	if (p->n_rules > 0 && b.n_open > 0) {
		for (unsigned int j = 0; j < b.n_open; j++) {
			cls[j] = &pkts[b.open[j]];
			ingress[j] = dp_ingress(pair, outbound);
		}
		dp_policy_classify(p, cls, ingress, b.n_open, res);
		rate_prefetch(pl, pkts, &b, res, outbound);
		for (unsigned int j = 0; j < b.n_open; j++) {
			unsigned int i = b.open[j];

			if (rule_apply(pl, &pkts[i], bytes[i], &res[j * nc], now, &reason[i]))
				burst_close(&b, j);
		}
		burst_compact(&b);
	}

	for (unsigned int j = 0; j < b.n_open; j++) {
		unsigned int i = b.open[j];

		if (!outbound)
			protect(pl, &pkts[i], now, &reason[i]);
		if (reason[i] == DP_DROP_NONE && p->default_action == CFG_ACTION_DROP)
			reason[i] = DP_DROP_DEFAULT;
	}

	for (unsigned int i = 0; i < n; i++) {
		if (reason[i] == DP_DROP_NONE)
			continue;
		if (unlikely(reason[i] >= DP_DROP__MAX))
			continue; /* taken by the HA stage (DP_TAKEN_*): not the policy's */
		CTR_ADD(wk->mit.drops[reason[i]], 1);
		if (p->mode == CFG_MODE_MONITOR) {
			CTR_ADD(wk->mit.monitored, 1);
			reason[i] = DP_DROP_NONE;
		}
	}
}
