/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: rx burst on every bound queue, parse, run the mitigation pipeline, tx
 * burst of what it lets through on the paired port, free and count what tx did not take.
 * Per-worker counters are written by the worker alone with relaxed atomic stores, so the
 * control thread reads whole 64-bit values without locks.
 *
 * Each worker is a liburcu QSBR reader: it announces a quiescent state once per loop, so
 * tables published under RCU (the policy, blocklist slots, the HA view, neighbour slots) can
 * be reclaimed after a grace period. The policy and HA view pointers are read once per burst.
 *
 * A port the HA view says nothing about (no node address, no VRID, not standby, uninspected
 * or l3) costs one load and one test per burst over the plain path; the others go through
 * dp_ha_burst() (dp_ha.c) instead of the bare pipeline.
 */
#include <unistd.h>

#include <urcu-qsbr.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_priv.h"

#define CTR_ADD DP_CTR_ADD
#define CTR_READ DP_CTR_READ

/* Parse, decide and forward one burst; free and count what is dropped. */
static inline uint16_t
worker_poll(struct dp_worker *wk, const struct dp_rx_binding *b)
{
	struct rte_mbuf *pkts[DP_MAX_BURST];
	struct dp_pkt meta[DP_MAX_BURST];
	uint32_t bytes[DP_MAX_BURST];
	uint8_t reason[DP_MAX_BURST];
	const struct dp_ha_rt *ha;
	struct dp_pipeline pl;
	uint64_t rx_bytes = 0, tx_bytes = 0, unsent_bytes = 0;
	uint16_t n, n_tx = 0, sent;

	n = rte_eth_rx_burst(b->rx_port, b->rx_queue, pkts, wk->burst);
	if (n == 0)
		return 0;
	/* Every header of the burst on its way before the first is parsed. */
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], const void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		bytes[i] = rte_pktmbuf_pkt_len(m);
		rx_bytes += bytes[i];
		/* Headers are read from the first segment; a frame whose headers run past it
		 * is refused as truncated. */
		reason[i] = (uint8_t)dp_pkt_parse(rte_pktmbuf_mtod(m, const uint8_t *),
		                                  rte_pktmbuf_data_len(m), &meta[i]);
	}
	CTR_ADD(wk->port[b->rx_index].rx_packets, n);
	CTR_ADD(wk->port[b->rx_index].rx_bytes, rx_bytes);

	ha = rcu_dereference(*wk->ha);
	if (unlikely(ha->flags[b->rx_index] != 0)) {
		n_tx = (uint16_t)dp_ha_burst(wk, ha, b, pkts, meta, bytes, n, rte_rdtsc(), reason,
		                             &tx_bytes);
	} else {
		pl.policy = rcu_dereference(*wk->policy);
		pl.blocklist = wk->blocklist;
		pl.wk = wk;
		dp_pipeline_run(&pl, meta, bytes, n, b->pair, b->outbound, rte_rdtsc(), reason);
		for (uint16_t i = 0; i < n; i++) {
			if (reason[i] == DP_DROP_NONE) {
				pkts[n_tx++] = pkts[i];
				tx_bytes += bytes[i];
			} else {
				rte_pktmbuf_free(pkts[i]);
			}
		}
	}
	if (n_tx == 0)
		return n;
	sent = rte_eth_tx_burst(b->tx_port, b->tx_queue, pkts, n_tx);
	if (unlikely(sent < n_tx)) {
		for (uint16_t i = sent; i < n_tx; i++) {
			unsent_bytes += rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		CTR_ADD(wk->port[b->tx_index].tx_drops, n_tx - sent);
	}
	CTR_ADD(wk->port[b->tx_index].tx_packets, sent);
	CTR_ADD(wk->port[b->tx_index].tx_bytes, tx_bytes - unsent_bytes);
	return n;
}

/*
 * dp_worker_stall(): spin without polling or counting loops until the deadline, offline for
 * RCU so that nobody's grace period waits for it. A new deadline set meanwhile survives.
 */
static void
worker_stall(struct dp_worker *wk)
{
	uint64_t until;

	rcu_thread_offline();
	while ((until = __atomic_load_n(&wk->stall_until, __ATOMIC_RELAXED)) != 0 &&
	       rte_rdtsc() < until && !__atomic_load_n(wk->stop, __ATOMIC_ACQUIRE))
		rte_pause();
	if (until != 0)
		__atomic_compare_exchange_n(&wk->stall_until, &until, 0, false, __ATOMIC_RELAXED,
		                            __ATOMIC_RELAXED);
	rcu_thread_online();
}

unsigned int
dp_worker_poll_once(struct dp_worker *wk)
{
	unsigned int total = 0;

	for (unsigned int i = 0; i < wk->n_bindings; i++)
		total += worker_poll(wk, &wk->bindings[i]);
	return total + dp_ctl_mbox_poll(wk);
}

int
dp_worker_main(void *arg)
{
	struct dp_worker *wk = arg;

	rcu_register_thread();
	while (!__atomic_load_n(wk->stop, __ATOMIC_ACQUIRE)) {
		unsigned int total = 0;

		if (unlikely(__atomic_load_n(&wk->stall_until, __ATOMIC_RELAXED) != 0)) {
			worker_stall(wk);
			continue;
		}
		for (unsigned int i = 0; i < wk->n_bindings; i++)
			total += worker_poll(wk, &wk->bindings[i]);
		total += dp_ctl_mbox_poll(wk);
		CTR_ADD(wk->loops, 1);
		rcu_quiescent_state();
		if (total == 0 && wk->idle_sleep_us > 0) {
			/* Only when configured for shared machines: an idle worker gives its core
			 * back for a moment, offline so it never holds up a grace period. */
			rcu_thread_offline();
			usleep(wk->idle_sleep_us);
			rcu_thread_online();
			CTR_ADD(wk->idle_sleeps, 1);
		}
	}
	rcu_unregister_thread();
	return 0;
}

void
dp_port_counters_add(struct dp_port_counters *dst, const struct dp_port_counters *src)
{
	dst->rx_packets += src->rx_packets;
	dst->rx_bytes += src->rx_bytes;
	dst->tx_packets += src->tx_packets;
	dst->tx_bytes += src->tx_bytes;
	dst->tx_drops += src->tx_drops;
}

static void
counters_read(const struct dp_port_counters *c, struct dp_port_counters *out)
{
	out->rx_packets = CTR_READ(c->rx_packets);
	out->rx_bytes = CTR_READ(c->rx_bytes);
	out->tx_packets = CTR_READ(c->tx_packets);
	out->tx_bytes = CTR_READ(c->tx_bytes);
	out->tx_drops = CTR_READ(c->tx_drops);
}

void
dp_port_counters_get(const struct dp *dp, unsigned int pidx, struct dp_port_counters *out)
{
	struct dp_port_counters c;

	memset(out, 0, sizeof(*out));
	if (pidx >= dp->n_ports)
		return;
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		counters_read(&dp->workers[w]->port[pidx], &c);
		dp_port_counters_add(out, &c);
	}
}

void
dp_worker_counters_get(const struct dp *dp, unsigned int widx, struct dp_port_counters *out)
{
	struct dp_port_counters c;

	memset(out, 0, sizeof(*out));
	if (widx >= dp->n_workers)
		return;
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		counters_read(&dp->workers[widx]->port[i], &c);
		dp_port_counters_add(out, &c);
	}
}

uint64_t
dp_worker_loops(const struct dp *dp, unsigned int widx)
{
	return widx < dp->n_workers ? CTR_READ(dp->workers[widx]->loops) : 0;
}
