/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and link pairs: probe, configure, start, and the worker layout.
 *
 * Every paired port gets one rx and one tx queue per worker. Worker w polls rx queue w
 * of every paired port and sends what it received on tx queue w of the peer port, so no
 * queue is ever shared between two threads. A PCI device with a tx queue to spare gets one
 * more, reserved for the node's own frames (dp_ctl_send()); see dp_ha.c for the others.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pci.h>

#include "dp_priv.h"

#define DP_MBUF_CACHE 256

void
dp_device_port_name(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");
	struct rte_pci_addr addr;
	char dev[64];

	snprintf(name, len, "%.*s", (int)n, device);
	if (!dp_device_is_pci(device) || n >= sizeof(dev))
		return;
	/* The PCI bus names a device in full and in lower case ("0000:af:00.1"), whatever
	 * form the config used ("AF:00.1", "0:af:00.1"). */
	snprintf(dev, sizeof(dev), "%.*s", (int)n, device);
	if (rte_pci_addr_parse(dev, &addr) == 0)
		rte_pci_device_name(&addr, name, len);
}

int
dp_port_lookup(const struct cfg_port *cp, uint16_t *port_id, char *err, size_t errlen)
{
	char name[RTE_ETH_NAME_MAX_LEN];

	dp_device_port_name(cp->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	if (dp_device_is_pci(cp->device))
		snprintf(err, errlen,
		         "port %s: PCI device %s was not probed by DPDK: is it bound to vfio-pci "
		         "(dpdk-devbind.py --status)?",
		         cp->name, cp->device);
	else
		snprintf(err, errlen, "port %s: device \"%s\" probed but no ethdev named \"%s\"",
		         cp->name, cp->device, name);
	return -ENODEV;
}

static int
port_find_or_probe(struct dp_port *p, const struct cfg_port *cp, char *err, size_t errlen)
{
	uint16_t port_id;
	int ret;

	ret = dp_port_lookup(cp, &port_id, err, errlen);
	if (ret == 0)
		goto found;
	if (dp_device_is_pci(cp->device))
		return ret; /* the EAL probes PCI devices at its start, or never */
	ret = rte_dev_probe(cp->device);
	if (ret < 0) {
		/* Drivers often answer a bare -1 and log their reason themselves. */
		snprintf(err, errlen, "port %s: cannot probe device \"%s\": %s", cp->name,
		         cp->device,
		         ret == -1 ? "the driver refused it (its reason is logged above)"
		                   : rte_strerror(-ret));
		return ret;
	}
	ret = dp_port_lookup(cp, &port_id, err, errlen);
	if (ret < 0)
		return ret;
found:
	p->port_id = port_id;
	p->found = true;
	return 0;
}

static int
port_setup(struct dp *dp, struct dp_port *p, const struct cfg_port *cp, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nb_rxd = cp->rx_desc, nb_txd = cp->tx_desc;
	uint16_t nq = dp->n_workers, ntx;
	int ret;

	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret < 0) {
		snprintf(err, errlen, "port %s: cannot read device info: %s", cp->name,
		         rte_strerror(-ret));
		return ret;
	}
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		snprintf(err, errlen,
		         "port %s: device offers %u rx and %u tx queues but %u workers need %u of "
		         "each (for net_af_packet add qpairs=%u to the device string)",
		         cp->name, info.max_rx_queues, info.max_tx_queues, nq, nq, nq);
		return -ENOTSUP;
	}
	if (nq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
		if (conf.rx_adv_conf.rss_conf.rss_hf == 0)
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	}
	/* Every mbuf comes from one pool with a reference count of 1. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	/* On a NIC, tx queues are rings of their own; on virtual devices a queue often stands
	 * for a kernel socket or tap queue that would also receive frames nobody reads. */
	p->ctl_txq = -1;
	ntx = nq;
	if (info.max_tx_queues > nq && (dp_device_is_pci(cp->device) || dp_ctl_queue_any_device)) {
		p->ctl_txq = nq;
		ntx = nq + 1;
	}

	ret = rte_eth_dev_configure(p->port_id, nq, ntx, &conf);
	if (ret < 0) {
		snprintf(err, errlen, "port %s: cannot configure %u rx and %u tx queues: %s",
		         cp->name, nq, ntx, rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (ret < 0) {
		snprintf(err, errlen, "port %s: descriptor counts %u/%u refused: %s", cp->name,
		         cp->rx_desc, cp->tx_desc, rte_strerror(-ret));
		return ret;
	}
	p->rx_desc = nb_rxd;
	p->tx_desc = nb_txd;
	p->n_rxq = nq;
	p->n_txq = ntx;
	p->socket_id = rte_eth_dev_socket_id(p->port_id);
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (uint16_t q = 0; q < ntx; q++) {
		if (q < nq) {
			ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, p->socket_id, NULL,
			                             dp->pool);
			if (ret < 0) {
				snprintf(err, errlen, "port %s: cannot set up rx queue %u: %s",
				         cp->name, q, rte_strerror(-ret));
				return ret;
			}
		}
		ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, p->socket_id, &txconf);
		if (ret < 0) {
			snprintf(err, errlen, "port %s: cannot set up tx queue %u: %s", cp->name, q,
			         rte_strerror(-ret));
			return ret;
		}
	}
	ret = rte_eth_macaddr_get(p->port_id, &p->mac);
	if (ret < 0)
		memset(&p->mac, 0, sizeof(p->mac));
	ret = rte_eth_dev_start(p->port_id);
	if (ret < 0) {
		snprintf(err, errlen, "port %s (%s): cannot start: %s", cp->name, cp->device,
		         rte_strerror(-ret));
		return ret;
	}
	p->started = true;
	if (cp->promiscuous) {
		ret = rte_eth_promiscuous_enable(p->port_id);
		if (ret < 0 && ret != -ENOTSUP) {
			snprintf(err, errlen, "port %s: cannot enable promiscuous mode: %s",
			         cp->name, rte_strerror(-ret));
			return ret;
		}
	}
	/* What the device says, not what was asked: some cannot turn it on, others are always on.
	 */
	p->promiscuous = rte_eth_promiscuous_get(p->port_id) == 1;
	return 0;
}

/* mbufs needed so that every rx ring can be full while every tx ring and burst is too. */
static unsigned int
pool_size(const struct cfg_node *cfg, unsigned int n_workers)
{
	unsigned int need = 0;

	for (unsigned int i = 0; i < cfg->n_ports; i++)
		need += n_workers * (cfg->ports[i].rx_desc + cfg->ports[i].tx_desc);
	need += n_workers * (DP_MAX_BURST + DP_MBUF_CACHE) + DP_MBUF_CACHE;
	if (need < cfg->workers.mbufs)
		need = cfg->workers.mbufs;
	/* A mempool is most memory-efficient at 2^n - 1 elements. */
	return rte_align32pow2(need + 1) - 1;
}

/* The link pair port @pidx belongs to, and whether it is the protected side. */
static uint8_t
pair_of(const struct cfg_node *cfg, unsigned int pidx, bool *outbound)
{
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		if (cfg->link_pairs[i].upstream == pidx || cfg->link_pairs[i].protected == pidx) {
			*outbound = cfg->link_pairs[i].protected == pidx;
			return (uint8_t)i;
		}
	}
	*outbound = false;
	return 0;
}

static int
workers_create(struct dp *dp, char *err, size_t errlen)
{
	const struct cfg_node *cfg = dp->cfg;

	for (unsigned int w = 0; w < dp->n_workers; w++) {
		unsigned int lcore = cfg->workers.lcores[w];
		struct dp_worker *wk;

		wk = rte_zmalloc_socket("dp_worker", sizeof(*wk), RTE_CACHE_LINE_SIZE,
		                        rte_lcore_to_socket_id(lcore));
		if (wk == NULL) {
			snprintf(err, errlen, "worker on lcore %u: out of memory", lcore);
			return -ENOMEM;
		}
		wk->lcore = lcore;
		wk->index = w;
		wk->burst = cfg->workers.burst;
		wk->idle_sleep_us = cfg->workers.idle_sleep_us;
		wk->stop = &dp->stop;
		for (unsigned int i = 0; i < dp->n_ports; i++) {
			const struct dp_port *p = &dp->ports[i];
			struct dp_rx_binding *b;

			if (p->peer < 0)
				continue;
			b = &wk->bindings[wk->n_bindings++];
			b->rx_port = p->port_id;
			b->rx_queue = w;
			b->rx_index = i;
			b->tx_port = dp->ports[p->peer].port_id;
			b->tx_queue = w;
			b->tx_index = p->peer;
			b->pair = pair_of(cfg, i, &b->outbound);
		}
		dp->workers[w] = wk;
	}
	return 0;
}

struct dp *
dp_create(const struct cfg_node *cfg, char *err, size_t errlen)
{
	struct dp *dp;
	int ret = 0;

	dp = rte_zmalloc("dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL) {
		snprintf(err, errlen, "out of memory for the dataplane");
		errno = ENOMEM;
		return NULL;
	}
	dp->cfg = cfg;
	dp->started = time(NULL);
	dp->started_tsc = rte_get_tsc_cycles();
	dp->n_ports = cfg->n_ports;
	dp->n_workers = cfg->workers.n_lcores;
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		snprintf(dp->ports[i].name, sizeof(dp->ports[i].name), "%s", cfg->ports[i].name);
		dp->ports[i].peer = -1;
		dp->ports[i].ctl_txq = -1;
		if (cfg_port_iface(&cfg->ports[i], dp->ports[i].iface,
		                   sizeof(dp->ports[i].iface)) < 0)
			dp->ports[i].iface[0] = '\0';
	}
	dp->link_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		dp->ports[cfg->link_pairs[i].upstream].peer = cfg->link_pairs[i].protected;
		dp->ports[cfg->link_pairs[i].protected].peer = cfg->link_pairs[i].upstream;
	}

	dp->pool = rte_pktmbuf_pool_create("rp_mbufs", pool_size(cfg, dp->n_workers), DP_MBUF_CACHE,
	                                   0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp->pool == NULL) {
		ret = -rte_errno;
		snprintf(err, errlen,
		         "cannot create the mbuf pool of %u mbufs: %s (raise "
		         "dpdk.memory_mb or lower workers.mbufs)",
		         pool_size(cfg, dp->n_workers), rte_strerror(rte_errno));
		goto fail;
	}
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		ret = port_find_or_probe(&dp->ports[i], &cfg->ports[i], err, errlen);
		if (ret < 0)
			goto fail;
	}
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		ret = port_setup(dp, &dp->ports[i], &cfg->ports[i], err, errlen);
		if (ret < 0)
			goto fail;
	}
	ret = workers_create(dp, err, errlen);
	if (ret < 0)
		goto fail;
	ret = dp_mitigation_init(dp, err, errlen);
	if (ret < 0)
		goto fail;
	ret = dp_ha_init(dp, err, errlen);
	if (ret < 0)
		goto fail;
	return dp;
fail:
	dp_destroy(dp);
	errno = ret < 0 ? -ret : EINVAL;
	return NULL;
}

int
dp_start(struct dp *dp, char *err, size_t errlen)
{
	dp->stop = false;
	dp_ctl_handover(dp, true);
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		int ret = rte_eal_remote_launch(dp_worker_main, dp->workers[w],
		                                dp->workers[w]->lcore);
		if (ret < 0) {
			snprintf(err, errlen, "cannot launch the worker on lcore %u: %s",
			         dp->workers[w]->lcore, rte_strerror(-ret));
			dp_stop(dp);
			return ret;
		}
		dp->running = true;
	}
	return 0;
}

void
dp_stop(struct dp *dp)
{
	if (dp == NULL)
		return;
	if (dp->running) {
		__atomic_store_n(&dp->stop, true, __ATOMIC_RELEASE);
		for (unsigned int w = 0; w < dp->n_workers; w++)
			rte_eal_wait_lcore(dp->workers[w]->lcore);
		dp->running = false;
	}
	/* Also after a start that launched no worker. */
	dp_ctl_handover(dp, false);
}

void
dp_destroy(struct dp *dp)
{
	if (dp == NULL)
		return;
	dp_stop(dp);
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		struct dp_port *p = &dp->ports[i];

		if (!p->found)
			continue;
		if (p->started)
			rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		p->started = false;
		p->found = false;
	}
	dp_ha_fini(dp);
	dp_mitigation_fini(dp);
	for (unsigned int w = 0; w < dp->n_workers; w++)
		rte_free(dp->workers[w]);
	rte_mempool_free(dp->pool);
	if (dp->link_fd >= 0)
		close(dp->link_fd);
	rte_free(dp);
}

int
dp_port_link_get(const struct dp *dp, unsigned int pidx, struct dp_link *link)
{
	struct rte_eth_link l;
	int ret;

	if (pidx >= dp->n_ports)
		return -EINVAL;
	ret = rte_eth_link_get_nowait(dp->ports[pidx].port_id, &l);
	if (ret < 0)
		return ret;
	link->up = l.link_status == RTE_ETH_LINK_UP;
	if (link->up && dp->ports[pidx].iface[0] != '\0' && dp->link_fd >= 0) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dp->ports[pidx].iface);
		link->up = ioctl(dp->link_fd, SIOCGIFFLAGS, &ifr) == 0 &&
		           (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	}
	link->full_duplex = l.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
	link->autoneg = l.link_autoneg == RTE_ETH_LINK_AUTONEG;
	link->speed_mbps = l.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : l.link_speed;
	return 0;
}

int
dp_port_hw_stats_get(const struct dp *dp, unsigned int pidx, struct dp_hw_stats *st)
{
	struct rte_eth_stats s;
	int ret;

	if (pidx >= dp->n_ports)
		return -EINVAL;
	ret = rte_eth_stats_get(dp->ports[pidx].port_id, &s);
	if (ret < 0)
		return ret;
	st->ipackets = s.ipackets;
	st->opackets = s.opackets;
	st->ibytes = s.ibytes;
	st->obytes = s.obytes;
	st->imissed = s.imissed;
	st->ierrors = s.ierrors;
	st->oerrors = s.oerrors;
	st->rx_nombuf = s.rx_nombuf;
	return 0;
}

double
dp_uptime(const struct dp *dp)
{
	return (double)(rte_get_tsc_cycles() - dp->started_tsc) / (double)rte_get_tsc_hz();
}
