/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's side of HA (dataplane/dp_ha.c, dp_neigh.c and the worker): a real struct dp
 * from dp_create() on four net_ring ports whose rings the test holds, so a frame is put on a
 * port's rx ring, a worker pass runs, and what the port sent is taken off its tx ring.
 *
 *   p0 (upstream) - lp0 (l2) - p1 (protected)
 *   p2 (upstream) - lp1 (l3) - p3 (protected)
 *
 * lp1's upstream side is 203.0.113.1/24 and 2001:db8:1::1/64 with gateways 203.0.113.254 and
 * 2001:db8:1::fe; its protected side 198.51.100.1/24 and 2001:db8:2::1/64, without gateways.
 *
 * Most cases drive the one worker from the test's own thread (dp_worker_poll_once()); the
 * last ones launch it on lcore 1 and change the HA view, or stall the worker, under it.
 * Every case ends by checking that every mbuf is back in the pool.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_ring.h>

#include <cmocka.h>

#include "dp_priv.h"
#include "eal_fixture.h"

#define N_PORTS 4
#define RING_SIZE 4096
#define P_VRRP 112
#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define ET_ARP 0x0806
#define ET_LLDP 0x88cc

/* A net_ring port: the rx ring the test fills and the tx rings it empties. */
struct ringport {
	char name[16];
	char ethdev[32];
	struct rte_ring *rx;
	struct rte_ring *tx[2];
	unsigned int n_tx;
	uint16_t port_id;
};

static struct ringport rp[N_PORTS];
static struct cfg_node node;
static unsigned int punt_rate_pps; /* workers.punt_rate_pps of the next node; 0: the default */
static struct dp *dp;
static unsigned int seq;
static unsigned long long seed;

static const uint8_t mac_host[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_vrrp[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 51 };

static void
a4(uint8_t *out, const char *text)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

static void
a6(uint8_t *out, const char *text)
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static void
ifaddr(struct cfg_ifaddr *a, const char *text, uint8_t len)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(text, ':') != NULL ? 6 : 4;
	a->len = len;
	assert_int_equal(inet_pton(a->family == 4 ? AF_INET : AF_INET6, text, a->addr), 1);
}

static void
ringport_make(struct ringport *r, unsigned int n_tx)
{
	char name[RTE_RING_NAMESIZE];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "ut_ha_%u", seq++);
	snprintf(name, sizeof(name), "%.15s_rx", r->name);
	r->rx = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(r->rx);
	r->n_tx = n_tx;
	for (unsigned int q = 0; q < n_tx; q++) {
		snprintf(name, sizeof(name), "%.15s_tx%u", r->name, q);
		r->tx[q] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY,
		                           RING_F_SP_ENQ | RING_F_SC_DEQ);
		assert_non_null(r->tx[q]);
	}
	assert_true(rte_eth_from_rings(r->name, &r->rx, 1, r->tx, n_tx, SOCKET_ID_ANY) >= 0);
	/* The PMD names the ethdev after its driver. */
	snprintf(r->ethdev, sizeof(r->ethdev), "net_ring_%.15s", r->name);
	assert_int_equal(rte_eth_dev_get_port_by_name(r->ethdev, &r->port_id), 0);
}

static void
ring_drain_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/* The node: four ring ports, two link pairs, one worker on lcore 1. */
static void
node_make(unsigned int n_tx)
{
	struct cfg_link_pair *lp;
	char err[256];

	cfg_node_defaults(&node);
	snprintf(node.node.id, sizeof(node.node.id), "ut-ha");
	node.n_ports = N_PORTS;
	for (unsigned int i = 0; i < N_PORTS; i++) {
		ringport_make(&rp[i], n_tx);
		snprintf(node.ports[i].name, sizeof(node.ports[i].name), "p%u", i);
		snprintf(node.ports[i].device, sizeof(node.ports[i].device), "%s", rp[i].ethdev);
		node.ports[i].rx_desc = 128;
		node.ports[i].tx_desc = 128;
		node.ports[i].promiscuous = false;
	}
	node.n_link_pairs = 2;
	lp = &node.link_pairs[0];
	snprintf(lp->name, sizeof(lp->name), "lp0");
	lp->upstream = 0;
	lp->protected = 1;
	lp = &node.link_pairs[1];
	snprintf(lp->name, sizeof(lp->name), "lp1");
	lp->upstream = 2;
	lp->protected = 3;
	lp->mode = CFG_PAIR_L3;
	lp->side[CFG_SIDE_UPSTREAM].n_addrs = 2;
	ifaddr(&lp->side[CFG_SIDE_UPSTREAM].addrs[0], "203.0.113.1", 24);
	ifaddr(&lp->side[CFG_SIDE_UPSTREAM].addrs[1], "2001:db8:1::1", 64);
	lp->side[CFG_SIDE_UPSTREAM].has_gw4 = true;
	a4(lp->side[CFG_SIDE_UPSTREAM].gw4, "203.0.113.254");
	lp->side[CFG_SIDE_UPSTREAM].has_gw6 = true;
	a6(lp->side[CFG_SIDE_UPSTREAM].gw6, "2001:db8:1::fe");
	lp->side[CFG_SIDE_PROTECTED].n_addrs = 2;
	ifaddr(&lp->side[CFG_SIDE_PROTECTED].addrs[0], "198.51.100.1", 24);
	ifaddr(&lp->side[CFG_SIDE_PROTECTED].addrs[1], "2001:db8:2::1", 64);
	node.workers.n_lcores = 1;
	node.workers.lcores[0] = 1;
	node.workers.burst = 32;
	node.workers.idle_sleep_us = 10;
	node.workers.mbufs = 4095;
	if (punt_rate_pps != 0)
		node.workers.punt_rate_pps = punt_rate_pps;
	node.mitigation.blocklist_size = 1024;
	node.mitigation.rate_sources = 4096;
	node.mitigation.offender_ring = 64;
	dp = dp_create(&node, err, sizeof(err));
	if (dp == NULL)
		fail_msg("dp_create: %s", err);
}

static int
case_setup(void **state)
{
	(void)state;
	dp_ctl_queue_any_device = false;
	node_make(1);
	return 0;
}

/* The same node, handing its own stack at most 100 frames a second besides VRRP. */
static int
case_setup_punt_rate(void **state)
{
	(void)state;
	dp_ctl_queue_any_device = false;
	punt_rate_pps = 100;
	node_make(1);
	punt_rate_pps = 0;
	return 0;
}

/* The same node, with a second tx ring per port that dp_create() reserves for control. */
static int
case_setup_ctl_queue(void **state)
{
	(void)state;
	dp_ctl_queue_any_device = true;
	node_make(2);
	return 0;
}

static int
case_teardown(void **state)
{
	struct rte_mbuf *m;
	unsigned int avail, size;

	(void)state;
	dp_stop(dp);
	for (unsigned int i = 0; i < N_PORTS; i++) {
		ring_drain_free(rp[i].rx);
		for (unsigned int q = 0; q < rp[i].n_tx; q++)
			ring_drain_free(rp[i].tx[q]);
	}
	while (dp_exc_recv(dp, &m, 1) == 1)
		rte_pktmbuf_free(m);
	for (unsigned int i = 0; i < dp->ha_state->n_mbox; i++)
		ring_drain_free(dp->ha_state->mbox[i].ring);
	/* Every mbuf the case made is back: none leaked on any path. */
	avail = rte_mempool_avail_count(dp->pool);
	size = dp->pool->size;
	dp_destroy(dp);
	dp = NULL;
	for (unsigned int i = 0; i < N_PORTS; i++) {
		rte_ring_free(rp[i].rx);
		for (unsigned int q = 0; q < rp[i].n_tx; q++)
			rte_ring_free(rp[i].tx[q]);
	}
	dp_ctl_queue_any_device = false;
	assert_int_equal(avail, size);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Frames                                                                                      */

struct frame {
	uint8_t b[256];
	size_t len;
};

static void
put(struct frame *f, const void *p, size_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
put8(struct frame *f, unsigned int v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void
put16(struct frame *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
eth(struct frame *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	put(f, dst, 6);
	put(f, src, 6);
	put16(f, type);
}

/* An IPv4 packet with a valid header checksum around @l4 of @n bytes. */
static void
frame_v4(struct frame *f, const char *src, const char *dst, uint8_t proto, uint8_t ttl,
         const uint8_t *l4, size_t n)
{
	uint8_t s[16], d[16];
	size_t ip = f->len;
	uint16_t sum;

	a4(s, src);
	a4(d, dst);
	put8(f, 0x45);
	put8(f, 0);
	put16(f, (unsigned int)(20 + n));
	put16(f, (unsigned int)rte_rand() & 0xffff);
	put16(f, 0);
	put8(f, ttl);
	put8(f, proto);
	put16(f, 0);
	put(f, s, 4);
	put(f, d, 4);
	sum = rte_ipv4_cksum((const struct rte_ipv4_hdr *)(f->b + ip));
	memcpy(f->b + ip + 10, &sum, 2);
	put(f, l4, n);
}

static void
frame_v6(struct frame *f, const char *src, const char *dst, uint8_t nh, uint8_t hlim,
         const uint8_t *l4, size_t n)
{
	uint8_t s[16], d[16];

	a6(s, src);
	a6(d, dst);
	put16(f, 0x6000);
	put16(f, 0);
	put16(f, (unsigned int)n);
	put8(f, nh);
	put8(f, hlim);
	put(f, s, 16);
	put(f, d, 16);
	put(f, l4, n);
}

static const uint8_t udp_l4[16] = { 0x9c, 0x40, 0x00, 0x35, 0x00, 0x10 };

static void
udp4(struct frame *f, const char *src, const char *dst, uint8_t ttl)
{
	eth(f, mac_host, mac_host, ET_IPV4);
	frame_v4(f, src, dst, IPPROTO_UDP, ttl, udp_l4, sizeof(udp_l4));
}

static void
udp6(struct frame *f, const char *src, const char *dst, uint8_t hlim)
{
	eth(f, mac_host, mac_host, ET_IPV6);
	frame_v6(f, src, dst, IPPROTO_UDP, hlim, udp_l4, sizeof(udp_l4));
}

static void
icmp4_echo(struct frame *f, const char *src, const char *dst)
{
	static const uint8_t echo[12] = { 8, 0, 0, 0, 0, 1, 0, 1, 'r', 'p', 'h', 'a' };

	eth(f, mac_host, mac_host, ET_IPV4);
	frame_v4(f, src, dst, IPPROTO_ICMP, 64, echo, sizeof(echo));
}

static void
vrrp4(struct frame *f, uint8_t vrid)
{
	uint8_t adv[12] = { 0x31, vrid, 150, 1, 0, 10, 0, 0, 198, 51, 100, 100 };

	eth(f, (const uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 }, mac_vrrp, ET_IPV4);
	frame_v4(f, "198.51.100.2", "224.0.0.18", P_VRRP, 255, adv, sizeof(adv));
}

static void
vrrp6(struct frame *f, uint8_t vrid)
{
	uint8_t adv[24] = { 0x31, vrid, 150, 1, 0, 10, 0, 0, 0x20, 0x01, 0x0d, 0xb8, [23] = 1 };

	eth(f, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 0x12 }, mac_vrrp, ET_IPV6);
	frame_v6(f, "fe80::2", "ff02::12", P_VRRP, 255, adv, sizeof(adv));
}

static void
arp(struct frame *f, uint16_t op, const char *sender, const char *target)
{
	uint8_t s[16], t[16];

	a4(s, sender);
	a4(t, target);
	eth(f, mac_bcast, mac_host, ET_ARP);
	put16(f, 1);
	put16(f, ET_IPV4);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, mac_host, 6);
	put(f, s, 4);
	put(f, mac_host, 6);
	put(f, t, 4);
	put(f, (const uint8_t[18]){ 0 }, 18);
}

/* A neighbour solicitation (135), advertisement (136) or router solicitation (133). */
static void
nd(struct frame *f, uint8_t type, const char *src, const char *dst, const char *target)
{
	uint8_t l4[32] = { type };

	if (target != NULL)
		a6(l4 + 8, target);
	l4[24] = type == 136 ? 2 : 1;
	l4[25] = 1;
	memcpy(l4 + 26, mac_host, 6);
	eth(f, mac_host, mac_host, ET_IPV6);
	frame_v6(f, src, dst, IPPROTO_ICMPV6, 255, l4, sizeof(l4));
}

static void
lldp(struct frame *f)
{
	eth(f, (const uint8_t[]){ 0x01, 0x80, 0xc2, 0, 0, 0x0e }, mac_host, ET_LLDP);
	put(f, (const uint8_t[46]){ 0x02, 0x07 }, 46);
}

static struct rte_mbuf *
mbuf_of(const struct frame *f)
{
	struct rte_mbuf *m = dp_ctl_alloc(dp);
	char *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, (uint16_t)f->len);
	assert_non_null(p);
	memcpy(p, f->b, f->len);
	return m;
}

/* Put @f on port @pidx's rx ring. */
static void
rx(unsigned int pidx, const struct frame *f)
{
	assert_int_equal(rte_ring_enqueue(rp[pidx].rx, mbuf_of(f)), 0);
}

/* Run the worker until it has nothing left to receive. */
static void
poll_all(void)
{
	for (int i = 0; i < 1000; i++)
		if (dp_worker_poll_once(dp->workers[0]) == 0)
			return;
	fail_msg("the worker never ran out of frames");
}

/* Take one frame off port @pidx's tx ring @q, or NULL. */
static struct rte_mbuf *
tx(unsigned int pidx, unsigned int q)
{
	struct rte_mbuf *m;

	return rte_ring_dequeue(rp[pidx].tx[q], (void **)&m) == 0 ? m : NULL;
}

static unsigned int
tx_count(unsigned int pidx, unsigned int q)
{
	return rte_ring_count(rp[pidx].tx[q]);
}

/* @f came out of port @pidx unchanged. */
static void
expect_tx(unsigned int pidx, const struct frame *f)
{
	struct rte_mbuf *m = tx(pidx, 0);

	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_data_len(m), f->len);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), f->b, f->len);
	rte_pktmbuf_free(m);
}

/* The next punted frame is @f, received on port @pidx, punted for @why. */
static void
expect_punt(unsigned int pidx, const struct frame *f, enum dp_punt why)
{
	struct rte_mbuf *m = NULL;

	assert_int_equal(dp_exc_recv(dp, &m, 1), 1);
	assert_int_equal(m->hash.usr, why);
	assert_int_equal(m->port, rp[pidx].port_id);
	assert_int_equal(dp_port_index(dp, m->port), (int)pidx);
	assert_int_equal(rte_pktmbuf_data_len(m), f->len);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), f->b, f->len);
	rte_pktmbuf_free(m);
}

static void
expect_no_punt(void)
{
	struct rte_mbuf *m;

	assert_int_equal(dp_exc_recv(dp, &m, 1), 0);
}

static struct dp_ha_counters
ha_ctr(void)
{
	struct dp_ha_counters c;

	dp_ha_counters_get(dp, -1, &c);
	return c;
}

static void
conf_addr(struct dp_ha_conf *c, unsigned int pidx, const char *text)
{
	struct dp_local_addr *a = &c->addrs[c->n_addrs++];

	memset(a, 0, sizeof(*a));
	a->family = strchr(text, ':') != NULL ? 6 : 4;
	a->pidx = (uint8_t)pidx;
	assert_int_equal(inet_pton(a->family == 4 ? AF_INET : AF_INET6, text, a->addr), 1);
	memcpy(&a->mac, mac_vrrp, 6);
}

static void
conf_vrid(struct dp_ha_conf *c, unsigned int pidx, uint8_t vrid)
{
	c->vrid_punt[pidx][vrid / 8] |= (uint8_t)(1u << (vrid % 8));
}

/* The master of VRID 51 on lp0's upstream port, with its IPv4 and IPv6 VIPs. */
static void
conf_master(struct dp_ha_conf *c)
{
	memset(c, 0, sizeof(*c));
	conf_vrid(c, 0, 51);
	conf_addr(c, 0, "198.51.100.100");
	conf_addr(c, 0, "2001:db8::100");
}

/* Load a policy given as text. */
static void
policy_load(const char *text)
{
	char path[] = "/tmp/rp-ut-ha-XXXXXX";
	struct cfg_errors errs;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg_errors_init(&errs, path);
	if (dp_policy_load(dp, path, &errs, NULL) != 0) {
		cfg_errors_print(&errs, stderr);
		fail();
	}
	unlink(path);
}

/* ------------------------------------------------------------------------------------------ */
/* Cases                                                                                       */

static void
test_dp_ha_set_invalid(void **state)
{
	static struct dp_ha_conf c;

	(void)state;
	assert_int_equal(dp_ha_set(dp, NULL), -EINVAL);

	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	c.addrs[0].pidx = N_PORTS;
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	c.addrs[1].family = 5;
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	memset(c.addrs[0].addr, 0, sizeof(c.addrs[0].addr));
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	c.n_addrs = DP_HA_MAX_ADDRS + 1;
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	c.pair_standby[2] = true; /* the node has two link pairs */
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	c.pair_uninspected[CFG_MAX_LINK_PAIRS - 1] = true;
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	conf_master(&c);
	conf_vrid(&c, N_PORTS, 7);
	assert_int_equal(dp_ha_set(dp, &c), -EINVAL);

	/* The full table of addresses fits, listed twice or not. */
	memset(&c, 0, sizeof(c));
	for (unsigned int i = 0; i < DP_HA_MAX_ADDRS; i++) {
		char text[32];

		snprintf(text, sizeof(text), "198.18.%u.%u", i / 64, i % 64 + 1);
		conf_addr(&c, i % N_PORTS, text);
	}
	assert_int_equal(dp_ha_set(dp, &c), 0);
	c.addrs[DP_HA_MAX_ADDRS - 1] = c.addrs[0];
	assert_int_equal(dp_ha_set(dp, &c), 0);
}

/* A node with nothing to do for HA forwards as before, VRRP, ARP and neighbour discovery
 * included, and punts nothing. */
static void
test_dp_ha_burst_nothing_owned(void **state)
{
	static struct dp_ha_conf c;
	struct frame f[7];

	(void)state;
	/* VRID 0 does not exist: asking for it changes nothing. */
	memset(&c, 0, sizeof(c));
	conf_vrid(&c, 0, 0);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	vrrp4(&f[6], 0);
	rx(0, &f[6]);
	poll_all();
	expect_tx(1, &f[6]);

	vrrp4(&f[0], 51);
	arp(&f[1], 1, "198.51.100.9", "198.51.100.100");
	nd(&f[2], 135, "2001:db8::9", "ff02::1:ff00:100", "2001:db8::100");
	icmp4_echo(&f[3], "198.51.100.9", "198.51.100.100");
	udp4(&f[4], "198.51.100.9", "203.0.113.9", 64);
	udp6(&f[5], "2001:db8::9", "2001:db8::100", 64);
	for (unsigned int i = 0; i < 6; i++)
		rx(0, &f[i]);
	poll_all();
	for (unsigned int i = 0; i < 6; i++)
		expect_tx(1, &f[i]);
	expect_no_punt();
	assert_int_equal(ha_ctr().punted, 0);
}

/* Every punt reason on an l2 pair, and what stays on the fast path beside them. */
static void
test_dp_ha_burst_punt_reasons(void **state)
{
	static struct dp_ha_conf c;
	struct frame f[16];
	enum dp_punt why[16];
	bool punted[16];
	unsigned int n = 0;
	struct dp_ha_counters ctr;

	(void)state;
	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);

#define PUNT(w) (why[n] = (w), punted[n] = true, n++)
#define PASS() (punted[n] = false, n++)
	vrrp4(&f[n], 51);
	PUNT(DP_PUNT_VRRP);
	vrrp6(&f[n], 51);
	PUNT(DP_PUNT_VRRP);
	vrrp4(&f[n], 52); /* another VRID: somebody else's routers */
	PASS();
	arp(&f[n], 1, "198.51.100.9", "198.51.100.100"); /* who has the VIP */
	PUNT(DP_PUNT_ARP);
	arp(&f[n], 2, "198.51.100.100", "198.51.100.9"); /* another host claims it */
	PUNT(DP_PUNT_ARP);
	arp(&f[n], 1, "198.51.100.9", "198.51.100.10");
	PASS();
	nd(&f[n], 135, "2001:db8::9", "ff02::1:ff00:100", "2001:db8::100");
	PUNT(DP_PUNT_ND);
	nd(&f[n], 136, "2001:db8::9", "ff02::1", "2001:db8::100");
	PUNT(DP_PUNT_ND);
	nd(&f[n], 136, "2001:db8::9", "ff02::1", "2001:db8::9");
	PASS();
	nd(&f[n], 133, "2001:db8::9", "2001:db8::100", NULL); /* to a node address */
	PUNT(DP_PUNT_ND);
	nd(&f[n], 133, "fe80::9", "ff02::2", NULL);
	PASS();
	icmp4_echo(&f[n], "198.51.100.9", "198.51.100.100");
	PUNT(DP_PUNT_LOCAL);
	udp6(&f[n], "2001:db8::9", "2001:db8::100", 64);
	PUNT(DP_PUNT_LOCAL);
	udp4(&f[n], "198.51.100.9", "198.51.100.101", 64);
	PASS();
#undef PUNT
#undef PASS
	for (unsigned int i = 0; i < n; i++)
		rx(0, &f[i]);
	poll_all();
	for (unsigned int i = 0; i < n; i++)
		if (punted[i])
			expect_punt(0, &f[i], why[i]);
	expect_no_punt();
	for (unsigned int i = 0; i < n; i++)
		if (!punted[i])
			expect_tx(1, &f[i]);
	assert_null(tx(1, 0));
	ctr = ha_ctr();
	assert_int_equal(ctr.punted, 9);
	assert_int_equal(ctr.punt_lost, 0);
	assert_int_equal(ctr.standby_dropped, 0);

	/* The addresses are the upstream port's: on the protected port they are not the node's,
	 * and its adverts are not punted there either. */
	for (unsigned int i = 0; i < n; i++)
		rx(1, &f[i]);
	poll_all();
	expect_no_punt();
	for (unsigned int i = 0; i < n; i++)
		expect_tx(0, &f[i]);
	assert_int_equal(ha_ctr().punted, 9);
}

/* The node's own addresses get the policy; its control protocols never do. */
static void
test_dp_ha_burst_local_after_policy(void **state)
{
	static struct dp_ha_conf c;
	struct dp_mitigation_counters mit;
	struct frame good, bad, adv, who;

	(void)state;
	policy_load("deny_prefixes = [ \"198.18.66.0/24\" ];\n"
	            "rules = ( { name = \"no-vrrp\"; proto = 112; action = \"drop\"; } );\n");
	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	icmp4_echo(&good, "198.51.100.9", "198.51.100.100");
	icmp4_echo(&bad, "198.18.66.6", "198.51.100.100");
	vrrp4(&adv, 51);
	arp(&who, 1, "198.18.66.6", "198.51.100.100");
	rx(0, &good);
	rx(0, &bad);
	rx(0, &adv);
	rx(0, &who);
	poll_all();
	expect_punt(0, &adv, DP_PUNT_VRRP);
	expect_punt(0, &who, DP_PUNT_ARP);
	expect_punt(0, &good, DP_PUNT_LOCAL);
	expect_no_punt();
	assert_null(tx(1, 0));
	dp_mitigation_counters_get(dp, -1, &mit);
	assert_int_equal(mit.drops[DP_DROP_DENY_PREFIX], 1);
	assert_int_equal(mit.drops[DP_DROP_RULE], 0);
	assert_int_equal(mit.inspected, 2);
}

static void
test_dp_ha_burst_standby(void **state)
{
	static struct dp_ha_conf c;
	struct frame f[6];
	struct dp_ha_counters ctr;

	(void)state;
	conf_master(&c);
	c.pair_standby[0] = true;
	assert_int_equal(dp_ha_set(dp, &c), 0);
	vrrp4(&f[0], 51);
	arp(&f[1], 1, "198.51.100.9", "198.51.100.100");
	icmp4_echo(&f[2], "198.51.100.9", "198.51.100.100");
	udp4(&f[3], "198.51.100.9", "203.0.113.9", 64);
	arp(&f[4], 1, "198.51.100.9", "198.51.100.10");
	lldp(&f[5]);
	for (unsigned int i = 0; i < 6; i++) {
		rx(0, &f[i]);
		rx(1, &f[i]);
	}
	poll_all();
	/* Heard: its peer's advert, ARP for its address, traffic to it. */
	expect_punt(0, &f[0], DP_PUNT_VRRP);
	expect_punt(0, &f[1], DP_PUNT_ARP);
	expect_punt(0, &f[2], DP_PUNT_LOCAL);
	expect_no_punt();
	/* Nothing crosses, either way. */
	assert_null(tx(0, 0));
	assert_null(tx(1, 0));
	ctr = ha_ctr();
	assert_int_equal(ctr.standby_dropped, 3 + 6);
	assert_int_equal(ctr.punted, 3);

	/* The other pair is not standby; lp0 forwards again once the backup becomes master. */
	c.pair_standby[0] = false;
	assert_int_equal(dp_ha_set(dp, &c), 0);
	rx(0, &f[3]);
	rx(1, &f[5]);
	poll_all();
	expect_tx(1, &f[3]);
	expect_tx(0, &f[5]);
	assert_int_equal(ha_ctr().standby_dropped, 9);
}

static void
test_dp_ha_burst_uninspected(void **state)
{
	static struct dp_ha_conf c;
	struct dp_mitigation_counters mit;
	struct frame ok, cut, local;
	struct dp_ha_counters ctr;

	(void)state;
	policy_load("default_action = \"drop\";\n");
	udp4(&ok, "198.51.100.9", "203.0.113.9", 64);
	cut = ok;
	cut.len = 14 + 19; /* the parser refuses it as truncated */
	icmp4_echo(&local, "198.51.100.9", "198.51.100.100");

	/* The policy drops everything... */
	rx(0, &ok);
	poll_all();
	assert_null(tx(1, 0));
	dp_mitigation_counters_get(dp, -1, &mit);
	assert_int_equal(mit.drops[DP_DROP_DEFAULT], 1);

	/* ...but not on an uninspected pair, where even what does not parse passes, as it
	 * would through a wire; the node's own traffic is still the node's. */
	conf_master(&c);
	c.pair_uninspected[0] = true;
	assert_int_equal(dp_ha_set(dp, &c), 0);
	rx(0, &ok);
	rx(0, &cut);
	rx(0, &local);
	rx(1, &ok);
	poll_all();
	expect_tx(1, &ok);
	expect_tx(1, &cut);
	expect_tx(0, &ok);
	expect_punt(0, &local, DP_PUNT_LOCAL);
	ctr = ha_ctr();
	assert_int_equal(ctr.uninspected, 3);
	dp_mitigation_counters_get(dp, -1, &mit);
	assert_int_equal(mit.drops[DP_DROP_DEFAULT], 1);
	assert_int_equal(mit.drops[DP_DROP_TRUNCATED], 0);
	assert_int_equal(mit.inspected, 1);

	/* Standby wins over uninspected: a backup forwards nothing, not even what does not
	 * parse. */
	c.pair_standby[0] = true;
	assert_int_equal(dp_ha_set(dp, &c), 0);
	rx(0, &ok);
	rx(0, &cut);
	poll_all();
	assert_null(tx(1, 0));
	assert_int_equal(ha_ctr().standby_dropped, 1);
	dp_mitigation_counters_get(dp, -1, &mit);
	assert_int_equal(mit.drops[DP_DROP_TRUNCATED], 1);
}

static bool
ipv4_header_ok(const uint8_t *ip)
{
	/* The ones' complement sum of a valid header, checksum included, is 0xffff. */
	return rte_raw_cksum(ip, 20) == 0xffff;
}

/* Routed out of the paired l3 port: MACs rewritten, TTL down by one, checksum still valid. */
static void
expect_routed(unsigned int out, const struct frame *f, const uint8_t *nh_mac)
{
	struct rte_mbuf *m = tx(out, 0);
	const uint8_t *p;
	bool v4 = f->b[12] == 0x08;

	assert_non_null(m);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(rte_pktmbuf_data_len(m), f->len);
	assert_memory_equal(p, nh_mac, 6);
	assert_memory_equal(p + 6, dp_port_mac(dp, out), 6);
	assert_memory_equal(p + 12, f->b + 12, 2);
	if (v4) {
		assert_int_equal(p[14 + 8], f->b[14 + 8] - 1);
		assert_true(ipv4_header_ok(p + 14));
		/* Beside TTL and checksum, nothing changed. */
		assert_memory_equal(p + 14, f->b + 14, 8);
		assert_memory_equal(p + 14 + 9, f->b + 14 + 9, 1);
		assert_memory_equal(p + 14 + 12, f->b + 14 + 12, f->len - 26);
	} else {
		assert_int_equal(p[14 + 7], f->b[14 + 7] - 1);
		assert_memory_equal(p + 14, f->b + 14, 7);
		assert_memory_equal(p + 14 + 8, f->b + 14 + 8, f->len - 22);
	}
	rte_pktmbuf_free(m);
}

static void
test_dp_ha_burst_l3_route(void **state)
{
	static const struct rte_ether_addr host = { { 0x02, 0, 0, 0, 0x33, 0x07 } };
	static const struct rte_ether_addr host6 = { { 0x02, 0, 0, 0, 0x33, 0x66 } };
	static const struct rte_ether_addr gw = { { 0x02, 0, 0, 0, 0x22, 0xfe } };
	struct frame f[12], back;
	struct dp_ha_counters ctr;
	uint8_t a[16];

	(void)state;
	a4(a, "198.51.100.7");
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &host), 0);
	a6(a, "2001:db8:2::7");
	assert_int_equal(dp_neigh_set(dp, 3, 6, a, &host6), 0);
	a4(a, "203.0.113.254");
	assert_int_equal(dp_neigh_set(dp, 2, 4, a, &gw), 0);

	udp4(&f[0], "198.18.0.9", "198.51.100.7", 64); /* on-link behind p3 */
	udp6(&f[1], "2001:db8:9::9", "2001:db8:2::7", 64);
	udp4(&f[2], "198.18.0.9", "198.51.100.7", 1); /* would expire */
	udp6(&f[3], "2001:db8:9::9", "2001:db8:2::7", 1);
	udp4(&f[4], "198.18.0.9", "198.51.100.8", 64); /* neighbour unknown */
	udp4(&f[5], "198.18.0.9", "198.18.7.7", 64);   /* off-link, p3 has no gateway */
	udp6(&f[6], "2001:db8:9::9", "2001:db8:7::7", 64);
	udp4(&f[7], "198.18.0.9", "224.0.0.5", 64);                   /* multicast is not routed */
	udp6(&f[8], "fe80::9", "fe80::7", 64);                        /* nor link-local */
	lldp(&f[9]);                                                  /* not IP */
	arp(&f[10], 1, "203.0.113.9", "203.0.113.77");                /* every ARP on an l3 port */
	nd(&f[11], 136, "2001:db8:1::9", "ff02::1", "2001:db8:1::9"); /* every NA too */
	for (unsigned int i = 0; i < 12; i++)
		rx(2, &f[i]);
	/* The other way: off-link, through p2's gateway. */
	udp4(&back, "198.51.100.7", "198.18.3.3", 17);
	rx(3, &back);
	poll_all();

	expect_punt(2, &f[10], DP_PUNT_ARP);
	expect_punt(2, &f[11], DP_PUNT_ND);
	expect_punt(2, &f[4], DP_PUNT_UNRESOLVED);
	expect_no_punt();
	expect_routed(3, &f[0], host.addr_bytes);
	expect_routed(3, &f[1], host6.addr_bytes);
	assert_null(tx(3, 0));
	expect_routed(2, &back, gw.addr_bytes);
	assert_null(tx(2, 0));
	ctr = ha_ctr();
	assert_int_equal(ctr.l3_forwarded, 3);
	assert_int_equal(ctr.l3_ttl_exceeded, 2);
	assert_int_equal(ctr.l3_no_route, 2);
	assert_int_equal(ctr.l3_not_routable, 2);
	assert_int_equal(ctr.l3_non_ip, 1);
	assert_int_equal(ctr.punted, 3);

	/* Once the coordinator resolved it, the same packet goes. */
	a4(a, "198.51.100.8");
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &host), 0);
	rx(2, &f[4]);
	poll_all();
	expect_routed(3, &f[4], host.addr_bytes);
}

/* Recompute the IPv4 header checksum of @f; with @zero, first pick the identification that
 * makes it 0x0000, the value whose update a naive formula gets wrong (RFC 1624, 3). */
static void
v4_checksum_set(struct frame *f, bool zero)
{
	uint8_t *ip = f->b + 14;
	uint16_t sum = 0;

	for (unsigned int id = 0; id < 65536; id++) {
		if (zero) {
			ip[4] = (uint8_t)(id >> 8);
			ip[5] = (uint8_t)id;
		}
		ip[10] = ip[11] = 0;
		sum = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
		memcpy(ip + 10, &sum, 2);
		if (!zero || sum == 0)
			break;
	}
	if (zero)
		assert_int_equal(sum, 0);
	assert_true(ipv4_header_ok(ip));
}

/* The incremental checksum update against a full recomputation, on random headers. */
static void
test_dp_ha_burst_l3_checksum(void **state)
{
	static const struct rte_ether_addr host = { { 0x02, 0, 0, 0, 0x33, 0x07 } };
	uint8_t a[16];

	(void)state;
	a4(a, "198.51.100.7");
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &host), 0);
	for (unsigned int round = 0; round < 64; round++) {
		struct frame sent[32];

		for (unsigned int i = 0; i < 32; i++) {
			udp4(&sent[i], "198.18.0.9", "198.51.100.7",
			     (uint8_t)(2 + rte_rand() % 254));
			/* A random TOS beside the random identification moves the checksum
			 * everywhere. */
			sent[i].b[15] = (uint8_t)rte_rand();
			v4_checksum_set(&sent[i], i == 0);
			rx(2, &sent[i]);
		}
		poll_all();
		for (unsigned int i = 0; i < 32; i++)
			expect_routed(3, &sent[i], host.addr_bytes);
	}
	assert_int_equal(ha_ctr().l3_forwarded, 64 * 32);
}

/* A bypassed l3 pair still routes; what does not parse cannot be routed and is dropped. */
static void
test_dp_ha_burst_l3_uninspected(void **state)
{
	static const struct rte_ether_addr host = { { 0x02, 0, 0, 0, 0x33, 0x07 } };
	static struct dp_ha_conf c;
	struct dp_mitigation_counters mit;
	struct frame ok, cut, lone;
	uint8_t a[16];

	(void)state;
	policy_load("default_action = \"drop\";\n");
	memset(&c, 0, sizeof(c));
	c.pair_uninspected[1] = true;
	assert_int_equal(dp_ha_set(dp, &c), 0);
	a4(a, "198.51.100.7");
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &host), 0);
	udp4(&ok, "198.18.0.9", "198.51.100.7", 64);
	cut = ok;
	cut.len = 14 + 19;
	udp4(&lone, "198.18.0.9", "198.51.100.9", 64); /* not resolved */
	rx(2, &ok);
	rx(2, &cut);
	rx(2, &lone);
	/* lp0 is not bypassed: its policy drops. */
	rx(0, &ok);
	poll_all();
	expect_routed(3, &ok, host.addr_bytes);
	assert_null(tx(3, 0));
	assert_null(tx(1, 0));
	expect_punt(2, &lone, DP_PUNT_UNRESOLVED);
	dp_mitigation_counters_get(dp, -1, &mit);
	assert_int_equal(mit.drops[DP_DROP_TRUNCATED], 1);
	assert_int_equal(mit.drops[DP_DROP_DEFAULT], 1);
	assert_int_equal(mit.inspected, 1);
	assert_int_equal(ha_ctr().uninspected, 1);
	assert_int_equal(ha_ctr().l3_forwarded, 1);
}

static void
test_dp_l3_nexthop(void **state)
{
	uint8_t d[16], nh[16], want[16];

	(void)state;
	a4(d, "198.51.100.77");
	assert_int_equal(dp_l3_nexthop(dp, 3, 4, d, nh), 0);
	assert_memory_equal(nh, d, 4);
	a4(d, "198.18.1.1");
	assert_int_equal(dp_l3_nexthop(dp, 3, 4, d, nh), -ENETUNREACH);
	assert_int_equal(dp_l3_nexthop(dp, 2, 4, d, nh), 0);
	a4(want, "203.0.113.254");
	assert_memory_equal(nh, want, 4);
	a4(d, "203.0.113.200");
	assert_int_equal(dp_l3_nexthop(dp, 2, 4, d, nh), 0);
	assert_memory_equal(nh, d, 4);
	a6(d, "2001:db8:1::abcd");
	assert_int_equal(dp_l3_nexthop(dp, 2, 6, d, nh), 0);
	assert_memory_equal(nh, d, 16);
	a6(d, "2001:db8:1:1::abcd"); /* just outside the /64 */
	assert_int_equal(dp_l3_nexthop(dp, 2, 6, d, nh), 0);
	a6(want, "2001:db8:1::fe");
	assert_memory_equal(nh, want, 16);
	assert_int_equal(dp_l3_nexthop(dp, 3, 6, d, nh), -ENETUNREACH);

	/* Destinations no router forwards. */
	for (unsigned int i = 0; i < 6; i++) {
		static const char *const v4[] = { "224.0.0.18", "255.255.255.255", "127.0.0.1",
			                          "0.0.0.0",    "169.254.1.1",     "240.0.0.1" };

		a4(d, v4[i]);
		assert_int_equal(dp_l3_nexthop(dp, 2, 4, d, nh), -EHOSTUNREACH);
	}
	for (unsigned int i = 0; i < 4; i++) {
		static const char *const v6[] = { "ff02::1", "fe80::1", "::1", "::" };

		a6(d, v6[i]);
		assert_int_equal(dp_l3_nexthop(dp, 2, 6, d, nh), -EHOSTUNREACH);
	}

	/* Not an l3 port, not a port, not a family. */
	a4(d, "198.51.100.77");
	assert_int_equal(dp_l3_nexthop(dp, 0, 4, d, nh), -EINVAL);
	assert_int_equal(dp_l3_nexthop(dp, N_PORTS, 4, d, nh), -EINVAL);
	assert_int_equal(dp_l3_nexthop(dp, 3, 5, d, nh), -EINVAL);
}

struct walk_seen {
	unsigned int n, stop_after;
	struct dp_neigh last[8];
	bool delete;
};

static int
walk_cb(const struct dp_neigh *n, void *arg)
{
	struct walk_seen *w = arg;

	if (w->n < 8)
		w->last[w->n] = *n;
	w->n++;
	if (w->delete)
		assert_int_equal(dp_neigh_del(dp, n->pidx, n->family, n->addr), 0);
	return w->stop_after != 0 && w->n >= w->stop_after;
}

static void
test_dp_neigh_set_del_walk(void **state)
{
	struct rte_ether_addr m1 = { { 0x02, 0, 0, 0, 0, 0x01 } };
	struct rte_ether_addr m2 = { { 0x02, 0, 0, 0, 0, 0x02 } };
	struct rte_ether_addr mc = { { 0x01, 0, 0x5e, 0, 0, 0x01 } };
	struct rte_ether_addr zero = { { 0 } };
	struct walk_seen w;
	uint8_t a[16], b[16];
	int ret;

	(void)state;
	a4(a, "198.51.100.7");
	a6(b, "2001:db8:2::7");
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &m1), 0);
	assert_int_equal(dp_neigh_set(dp, 3, 6, b, &m1), 0);
	/* The same address on the other port is another neighbour. */
	assert_int_equal(dp_neigh_set(dp, 2, 4, a, &m1), 0);
	/* A refresh replaces the MAC. */
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &m2), 0);

	memset(&w, 0, sizeof(w));
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), 3);
	assert_int_equal(w.n, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct dp_neigh *n = &w.last[i];

		assert_true(n->age_s <= 1);
		if (n->pidx == 3 && n->family == 4) {
			assert_memory_equal(n->addr, a, 4);
			assert_memory_equal(&n->mac, &m2, 6);
		} else if (n->pidx == 3) {
			assert_int_equal(n->family, 6);
			assert_memory_equal(n->addr, b, 16);
			assert_memory_equal(&n->mac, &m1, 6);
		} else {
			assert_int_equal(n->pidx, 2);
			assert_memory_equal(&n->mac, &m1, 6);
		}
	}
	/* A callback that says stop is obeyed. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), 2);

	/* Refused: not an l3 port, not a family, a multicast or zero MAC. */
	assert_int_equal(dp_neigh_set(dp, 0, 4, a, &m1), -EINVAL);
	assert_int_equal(dp_neigh_set(dp, N_PORTS, 4, a, &m1), -EINVAL);
	assert_int_equal(dp_neigh_set(dp, 3, 5, a, &m1), -EINVAL);
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &mc), -EINVAL);
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &zero), -EINVAL);

	assert_int_equal(dp_neigh_del(dp, 3, 4, a), 0);
	assert_int_equal(dp_neigh_del(dp, 3, 4, a), -ENOENT);
	assert_int_equal(dp_neigh_del(dp, 0, 4, a), -ENOENT);
	memset(&w, 0, sizeof(w));
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), 2);

	/* Fill the table; the slots of deleted entries come back. */
	for (unsigned int i = 0;; i++) {
		uint8_t x[16] = { 0x20,
			          0x01,
			          0x0d,
			          0xb8,
			          0,
			          2,
			          [12] = (uint8_t)(i >> 24),
			          (uint8_t)(i >> 16),
			          (uint8_t)(i >> 8),
			          (uint8_t)i };

		assert_true(i <= DP_NEIGH_MAX);
		ret = dp_neigh_set(dp, 3, 6, x, &m1);
		if (ret == -ENOSPC)
			break;
		assert_int_equal(ret, 0);
	}
	memset(&w, 0, sizeof(w));
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), DP_NEIGH_MAX);
	/* Delete everything from the walk itself. */
	memset(&w, 0, sizeof(w));
	w.delete = true;
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), DP_NEIGH_MAX);
	memset(&w, 0, sizeof(w));
	assert_int_equal(dp_neigh_walk(dp, walk_cb, &w), 0);
	assert_int_equal(dp_neigh_set(dp, 3, 4, a, &m1), 0);
}

/* A full exception ring drops what does not fit, counted, and leaks nothing. */
static void
test_dp_ha_burst_ring_full(void **state)
{
	static struct dp_ha_conf c;
	struct rte_mbuf *m[64];
	struct dp_ha_counters ctr;
	struct frame f;
	unsigned int got = 0, n;

	(void)state;
	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	vrrp4(&f, 51);
	for (unsigned int i = 0; i < DP_EXC_RING_SIZE + 100; i++) {
		rx(0, &f);
		if (i % 32 == 31)
			poll_all();
	}
	poll_all();
	ctr = ha_ctr();
	assert_int_equal(ctr.punted, DP_EXC_RING_SIZE);
	assert_int_equal(ctr.punt_lost, 100);
	while ((n = dp_exc_recv(dp, m, RTE_DIM(m))) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			assert_int_equal(m[i]->hash.usr, DP_PUNT_VRRP);
			rte_pktmbuf_free(m[i]);
		}
		got += n;
	}
	assert_int_equal(got, DP_EXC_RING_SIZE);
	/* Room again. */
	rx(0, &f);
	poll_all();
	expect_punt(0, &f, DP_PUNT_VRRP);
	assert_int_equal(ha_ctr().punt_lost, 100);
}

/*
 * A flood at the node's own addresses: at 100 frames a second with a bucket of one burst (32),
 * ARP and echo beyond the rate are dropped and counted, while every VRRP advert among them still
 * reaches the coordinator; after a pause, the bucket has refilled.
 */
static void
test_dp_ha_punt_rate(void **state)
{
	static struct dp_ha_conf c;
	struct rte_mbuf *m[64];
	struct dp_ha_counters ctr;
	struct frame f[3];
	unsigned int vrrp = 0, other = 0, n;
	uint64_t t0, t1;

	(void)state;
	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	vrrp4(&f[0], 51);
	arp(&f[1], 1, "198.51.100.9", "198.51.100.100");
	icmp4_echo(&f[2], "198.51.100.9", "198.51.100.100");
	t0 = rte_get_tsc_cycles();
	for (unsigned int i = 0; i < 600; i++) {
		rx(0, &f[i % 3]);
		if (i % 30 == 29) {
			poll_all();
			while ((n = dp_exc_recv(dp, m, RTE_DIM(m))) > 0) {
				for (unsigned int j = 0; j < n; j++) {
					if (m[j]->hash.usr == DP_PUNT_VRRP)
						vrrp++;
					else
						other++;
				}
				rte_pktmbuf_free_bulk(m, n);
			}
		}
	}
	t1 = rte_get_tsc_cycles();
	ctr = ha_ctr();
	assert_int_equal(vrrp, 200);
	assert_int_equal(ctr.punt_lost, 0);
	assert_int_equal(ctr.punted, vrrp + other);
	assert_int_equal(other + ctr.punt_limited, 400);
	/* The bucket began full: one burst, then what the rate added while the test ran. */
	assert_true(other >= 32);
	assert_true(other <= 32 + 1 + 100 * (t1 - t0) / rte_get_tsc_hz());
	assert_null(tx(1, 0));

	/* A tenth of a second later, ten frames' worth is back. */
	usleep(100 * 1000);
	for (unsigned int i = 0; i < 10; i++)
		rx(0, &f[1]);
	poll_all();
	for (unsigned int i = 0; i < 10; i++)
		expect_punt(0, &f[1], DP_PUNT_ARP);
	expect_no_punt();
	assert_int_equal(ha_ctr().punt_limited, ctr.punt_limited);
}

static void
ctl_frames(struct rte_mbuf **m, struct frame *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		arp(&f[i], 2, "198.51.100.100", "198.51.100.9");
		f[i].b[41] = (uint8_t)i; /* the target IP's last byte tells them apart */
		m[i] = mbuf_of(&f[i]);
	}
}

/* Without a spare tx queue: worker 0's queue, through its mailbox while it runs. */
static void
test_dp_ctl_send_mailbox(void **state)
{
	struct rte_mbuf *m[DP_CTL_MBOX_SIZE + 88];
	static struct frame f[DP_CTL_MBOX_SIZE + 88];
	struct dp_ha_counters ctr;

	(void)state;
	for (unsigned int i = 0; i < N_PORTS; i++) {
		assert_int_equal(dp->ports[i].ctl_txq, -1);
		assert_int_equal(dp_port_index(dp, rp[i].port_id), (int)i);
		assert_non_null(dp_port_mac(dp, i));
	}
	assert_int_equal(dp_port_index(dp, UINT16_MAX), -ENOENT);
	assert_null(dp_port_mac(dp, N_PORTS));

	/* No worker runs yet: the frames go out at once, on the queue worker 0 will use. */
	ctl_frames(m, f, 2);
	assert_int_equal(dp_ctl_send(dp, 0, m, 2), 2);
	for (unsigned int i = 0; i < 2; i++)
		expect_tx(0, &f[i]);

	/* The workers run (this test plays worker 0): the mailbox, emptied on its next pass. */
	dp_ctl_handover(dp, true);
	ctl_frames(m, f, 3);
	assert_int_equal(dp_ctl_send(dp, 0, m, 3), 3);
	assert_int_equal(tx_count(0, 0), 0);
	poll_all();
	for (unsigned int i = 0; i < 3; i++)
		expect_tx(0, &f[i]);
	assert_int_equal(tx_count(1, 0), 0);
	ctr = ha_ctr();
	assert_int_equal(ctr.ctl_sent, 5);
	assert_int_equal(ctr.ctl_dropped, 0);

	/* A port out of range frees what it is given; a full mailbox what does not fit. */
	ctl_frames(m, f, 2);
	assert_int_equal(dp_ctl_send(dp, N_PORTS, m, 2), 0);
	ctl_frames(m, f, RTE_DIM(m));
	assert_int_equal(dp_ctl_send(dp, 3, m, RTE_DIM(m)), DP_CTL_MBOX_SIZE);
	ctr = ha_ctr();
	assert_int_equal(ctr.ctl_dropped, 88);
	poll_all();
	for (unsigned int i = 0; i < DP_CTL_MBOX_SIZE; i++)
		expect_tx(3, &f[i]);
	assert_int_equal(ha_ctr().ctl_sent, 5 + DP_CTL_MBOX_SIZE);

	/* The workers stop with frames still in a mailbox: those go out then, and later ones
	 * at once again. */
	ctl_frames(m, f, 4);
	assert_int_equal(dp_ctl_send(dp, 2, m, 4), 4);
	assert_int_equal(tx_count(2, 0), 0);
	dp_ctl_handover(dp, false);
	for (unsigned int i = 0; i < 4; i++)
		expect_tx(2, &f[i]);
	ctl_frames(m, f, 1);
	assert_int_equal(dp_ctl_send(dp, 2, m, 1), 1);
	expect_tx(2, &f[0]);
	ctr = ha_ctr();
	assert_int_equal(ctr.ctl_sent, 10 + DP_CTL_MBOX_SIZE);
	assert_int_equal(ctr.ctl_dropped, 88);
}

/* With a spare tx queue: straight out, no worker involved. */
static void
test_dp_ctl_send_queue(void **state)
{
	struct rte_mbuf *m[4], *out;
	struct frame f[4], fwd;

	(void)state;
	for (unsigned int i = 0; i < N_PORTS; i++)
		assert_int_equal(dp->ports[i].ctl_txq, 1);
	assert_int_equal(dp->workers[0]->n_mbox, 0);
	ctl_frames(m, f, 4);
	assert_int_equal(dp_ctl_send(dp, 1, m, 4), 4);
	for (unsigned int i = 0; i < 4; i++) {
		out = tx(1, 1);
		assert_non_null(out);
		assert_memory_equal(rte_pktmbuf_mtod(out, const uint8_t *), f[i].b, f[i].len);
		rte_pktmbuf_free(out);
	}
	assert_int_equal(tx_count(1, 0), 0);
	assert_int_equal(ha_ctr().ctl_sent, 4);
	/* The workers keep queue 0. */
	udp4(&fwd, "198.51.100.9", "203.0.113.9", 64);
	rx(0, &fwd);
	poll_all();
	expect_tx(1, &fwd);
	assert_int_equal(tx_count(1, 1), 0);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What the worker thread of the running cases is fed, and what came out. */
struct feed {
	unsigned int pushed, forwarded, punted;
	unsigned int ctl_sent, ctl_out; /* control frames sent on p0, and seen leaving it */
};

static void
feed_some(struct feed *fd, unsigned int n)
{
	struct frame f;

	for (unsigned int i = 0; i < n; i++) {
		switch ((fd->pushed + i) % 4) {
		case 0:
			vrrp4(&f, 51);
			break;
		case 1:
			arp(&f, 1, "198.51.100.9", "198.51.100.100");
			break;
		case 2:
			icmp4_echo(&f, "198.51.100.9", "198.51.100.100");
			break;
		default:
			udp4(&f, "198.51.100.9", "203.0.113.9", 64);
			break;
		}
		rx(0, &f);
	}
	fd->pushed += n;
}

static void
feed_collect(struct feed *fd)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(rp[1].tx[0], (void **)m, RTE_DIM(m), NULL)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		fd->forwarded += n;
	}
	while ((n = dp_exc_recv(dp, m, RTE_DIM(m))) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		fd->punted += n;
	}
	while ((n = rte_ring_dequeue_burst(rp[0].tx[0], (void **)m, RTE_DIM(m), NULL)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		fd->ctl_out += n;
	}
}

/* What the coordinator would send meanwhile: an advert's worth of frames on p0. */
static void
feed_ctl(struct feed *fd, unsigned int n)
{
	struct rte_mbuf *m[8];
	struct frame f[8];

	assert_true(n <= 8);
	ctl_frames(m, f, n);
	assert_int_equal(dp_ctl_send(dp, 0, m, n), n);
	fd->ctl_sent += n;
}

/* Wait (bounded) until the worker took everything off p0's rx ring. */
static void
wait_rx_empty(void)
{
	uint64_t t0 = now_ms();

	while (!rte_ring_empty(rp[0].rx)) {
		assert_true(now_ms() - t0 < 5000);
		usleep(100);
	}
	usleep(2000); /* the last burst on its way out */
}

/* The view swapped hundreds of times under a running worker: every frame is accounted for. */
static void
test_dp_ha_set_swap_running_worker(void **state)
{
	static struct dp_ha_conf c[4];
	struct dp_port_counters pc;
	struct dp_ha_counters ctr;
	struct feed fd = { 0 };
	char err[256];

	(void)state;
	conf_master(&c[0]);
	c[1] = c[0];
	c[1].pair_standby[0] = true;
	memset(&c[2], 0, sizeof(c[2]));
	c[3] = c[0];
	c[3].pair_uninspected[0] = true;
	if (dp_start(dp, err, sizeof(err)) != 0)
		fail_msg("dp_start: %s", err);
	for (unsigned int i = 0; i < 400; i++) {
		uint64_t t0 = now_ms();

		/* The worker's CPU is shared: when it falls behind, wait rather than run the
		 * pool dry. */
		while (rte_ring_count(rp[0].rx) > 512) {
			assert_true(now_ms() - t0 < 5000);
			usleep(100);
		}
		feed_some(&fd, 16);
		feed_ctl(&fd, 2);
		assert_int_equal(dp_ha_set(dp, &c[rte_rand() % 4]), 0);
		feed_collect(&fd);
	}
	wait_rx_empty();
	/* Sent just before the stop: out by the worker or by dp_stop(), never lost. */
	feed_ctl(&fd, 8);
	dp_stop(dp);
	feed_collect(&fd);
	assert_int_equal(fd.ctl_out, fd.ctl_sent);
	assert_int_equal(ha_ctr().ctl_sent, fd.ctl_sent);

	dp_port_counters_get(dp, 0, &pc);
	assert_int_equal(pc.rx_packets, fd.pushed);
	ctr = ha_ctr();
	assert_int_equal(ctr.punt_lost, 0);
	assert_int_equal(ctr.punted, fd.punted);
	dp_port_counters_get(dp, 1, &pc);
	assert_int_equal(pc.tx_packets, fd.forwarded);
	assert_int_equal(pc.tx_drops, 0);
	/* Nothing else drops in this mix: every frame was forwarded, punted, held back by a
	 * standby pair, or over workers.punt_rate_pps. */
	assert_int_equal(fd.forwarded + fd.punted + ctr.standby_dropped + ctr.punt_limited,
	                 fd.pushed);
	assert_true(fd.punted > 0);
	assert_true(fd.forwarded > 0);
	fprintf(stderr, "# %u frames: %u forwarded, %u punted, %llu standby\n", fd.pushed,
	        fd.forwarded, fd.punted, (unsigned long long)ctr.standby_dropped);
}

/* The stall hook: no progress for the time asked, and nobody's grace period waits for it. */
static void
test_dp_worker_stall(void **state)
{
	static struct dp_ha_conf c;
	struct feed fd = { 0 };
	uint64_t l0, l1, t0;
	char err[256];

	(void)state;
	assert_int_equal(dp_worker_stall(dp, 1, 10), -EINVAL);
	assert_int_equal(dp_worker_stall(dp, 0, DP_STALL_MAX_MS + 1), -EINVAL);
	if (dp_start(dp, err, sizeof(err)) != 0)
		fail_msg("dp_start: %s", err);
	l0 = dp_worker_loops(dp, 0);
	usleep(20000);
	assert_true(dp_worker_loops(dp, 0) > l0);

	assert_int_equal(dp_worker_stall(dp, 0, 400), 0);
	t0 = now_ms();
	usleep(30000);
	l0 = dp_worker_loops(dp, 0);
	feed_some(&fd, 8);
	/* A grace period passes while the worker is wedged. */
	conf_master(&c);
	assert_int_equal(dp_ha_set(dp, &c), 0);
	assert_true(now_ms() - t0 < 300);
	usleep(100000);
	l1 = dp_worker_loops(dp, 0);
	assert_int_equal(l1, l0);
	assert_int_equal(rte_ring_count(rp[0].rx), 8);
	assert_int_equal(tx_count(1, 0), 0);

	/* After the deadline it picks up where it stopped. */
	wait_rx_empty();
	assert_true(now_ms() - t0 >= 390);
	assert_true(dp_worker_loops(dp, 0) > l1);
	feed_collect(&fd);
	assert_int_equal(fd.forwarded + fd.punted, 8);

	/* A long stall ended early. */
	assert_int_equal(dp_worker_stall(dp, 0, 60000), 0);
	usleep(20000);
	l0 = dp_worker_loops(dp, 0);
	usleep(20000);
	assert_int_equal(dp_worker_loops(dp, 0), l0);
	t0 = now_ms();
	assert_int_equal(dp_worker_stall(dp, 0, 0), 0);
	while (dp_worker_loops(dp, 0) == l0)
		assert_true(now_ms() - t0 < 1000);
	/* dp_stop() is not held up by a stall either. */
	assert_int_equal(dp_worker_stall(dp, 0, 60000), 0);
	usleep(10000);
	t0 = now_ms();
	dp_stop(dp);
	assert_true(now_ms() - t0 < 1000);
}

static int
setup(void **state)
{
	(void)state;
	seed = eal_fixture_seed();
	if (eal_fixture_start_lcores("ha", 512, "0-1") != 0)
		return -1;
	rte_srand(seed);
	return 0;
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, case_setup, case_teardown)
#define CASE_Q(f) cmocka_unit_test_setup_teardown(f, case_setup_ctl_queue, case_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_dp_ha_set_invalid),
		CASE(test_dp_ha_burst_nothing_owned),
		CASE(test_dp_ha_burst_punt_reasons),
		CASE(test_dp_ha_burst_local_after_policy),
		CASE(test_dp_ha_burst_standby),
		CASE(test_dp_ha_burst_uninspected),
		CASE(test_dp_ha_burst_l3_route),
		CASE(test_dp_ha_burst_l3_checksum),
		CASE(test_dp_ha_burst_l3_uninspected),
		CASE(test_dp_l3_nexthop),
		CASE(test_dp_neigh_set_del_walk),
		CASE(test_dp_ha_burst_ring_full),
		cmocka_unit_test_setup_teardown(test_dp_ha_punt_rate, case_setup_punt_rate,
		                                case_teardown),
		CASE(test_dp_ctl_send_mailbox),
		CASE_Q(test_dp_ctl_send_queue),
		CASE(test_dp_ha_set_swap_running_worker),
		CASE(test_dp_worker_stall),
	};

	return cmocka_run_group_tests_name("dataplane_ha", tests, setup, eal_fixture_teardown);
}
