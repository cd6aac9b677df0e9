/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the HA local responder and the codecs under it. An input is a
 * sequence of records, each a frame punted to the responder:
 *
 *   reason (1 byte) | port (1 byte) | clock step in ms (1 byte) | length (2 bytes, BE) | frame
 *
 * (the length is cut to what is left). Each input gets a fresh responder set up as the unit
 * tests' (VIPs on l2 port 0, l3 ports 2 and 3), so an input replays the same way anywhere.
 * Besides not crashing, every frame must be counted exactly once, everything sent must be a
 * frame our parsers accept (or, for echo replies, one whose checksums hold) leaving by the
 * right port with an owned MAC, and everything learned must be a unicast neighbour on a
 * subnet of an l3 port. Each frame is also handed to every parser directly, and an echo
 * request they accept to the reply builder.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"
#include "ha_pkt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_PORTS 4
#define MAX_RECORDS 64
#define MS 1000000ull

static const uint8_t mac_n[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_p[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t mac_v4[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
static const uint8_t mac_v6[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x33 };
static const uint8_t ip_vip4[4] = { 198, 51, 100, 100 };
static const uint8_t ip_n4[4] = { 198, 51, 100, 1 };
static const uint8_t ip_p4[4] = { 203, 0, 113, 1 };
static const uint8_t ip_gw4[4] = { 203, 0, 113, 254 };
static const uint8_t ip_vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x00 };
static const uint8_t ip_n6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t ip_p6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01 };
static const uint8_t ip_gw6[16] = { 0xfe, 0x80, [15] = 0x01 };

struct run {
	struct ha_local *hl;
	struct ha_local_port ports[N_PORTS];
	struct ha_local_addr addrs[5];
	unsigned int in_port; /* the port of the frame being handled */
	int reason;
	unsigned int nh_port; /* where the last next hop was said to be */
	unsigned int emitted, learned;
};

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t
sum_fold(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Both checksums of an IPv4 echo reply, or the ICMPv6 one of an IPv6 reply, hold. */
static bool
echo_reply_ok(const uint8_t *f, size_t len)
{
	if (rd16(f + 12) == HA_ETHERTYPE_IPV4) {
		if (len < 14 + 20 + 8 || f[14] != 0x45 || f[14 + 9] != 1 || f[34] != 0 ||
		    rd16(f + 16) != len - 14)
			return false;
		return sum_fold(f + 14, 20, 0) == 0xffff && sum_fold(f + 34, len - 34, 0) == 0xffff;
	}
	if (rd16(f + 12) == HA_ETHERTYPE_IPV6) {
		uint32_t sum = 58 + (uint32_t)(len - 54);

		if (len < 14 + 40 + 8 || f[20] != 58 || f[54] != HA_ICMP6_ECHO_REPLY ||
		    rd16(f + 18) != len - 54)
			return false;
		for (int i = 0; i < 32; i += 2)
			sum += rd16(f + 22 + i);
		return sum_fold(f + 54, len - 54, sum) == 0xffff;
	}
	return false;
}

/* The owned address @family/@addr lives on @pidx and answers with @mac. */
static bool
owned_with(const struct run *r, unsigned int pidx, uint8_t family, const uint8_t *addr,
           const uint8_t *mac)
{
	for (unsigned int i = 0; i < 5; i++) {
		const struct ha_local_addr *a = &r->addrs[i];

		if (a->pidx == pidx && a->family == family &&
		    memcmp(a->addr, addr, family == 4 ? 4 : 16) == 0 && memcmp(a->mac, mac, 6) == 0)
			return true;
	}
	return false;
}

static int
on_emit(void *arg, unsigned int pidx, const uint8_t *f, size_t len)
{
	struct run *r = arg;
	struct ha_arp arp;
	struct ha_nd nd;

	r->emitted++;
	if (len > HA_LOCAL_FRAME_MAX || len < HA_ETH_HLEN || pidx >= N_PORTS)
		abort();
	if (r->reason == HA_LOCAL_PUNT_UNRESOLVED) {
		/* A request for a next hop, from the port's own MAC, out of its port. */
		if (pidx != r->nh_port || memcmp(f + 6, r->ports[pidx].mac, 6) != 0)
			abort();
		if (ha_arp_parse(f, len, &arp) == HA_PKT_OK) {
			if (arp.op != HA_ARP_OP_REQUEST)
				abort();
			return 0;
		}
		if (ha_nd_parse(f, len, &nd) != HA_PKT_OK || nd.type != HA_ND_NS)
			abort();
		return 0;
	}
	if (pidx != r->in_port)
		abort();
	switch (r->reason) {
	case HA_LOCAL_PUNT_ARP:
		if (ha_arp_parse(f, len, &arp) != HA_PKT_OK || arp.op != HA_ARP_OP_REPLY ||
		    !owned_with(r, pidx, 4, arp.spa, arp.sha) || memcmp(f + 6, arp.sha, 6) != 0)
			abort();
		break;
	case HA_LOCAL_PUNT_ND:
		if (ha_nd_parse(f, len, &nd) != HA_PKT_OK || nd.type != HA_ND_NA ||
		    !owned_with(r, pidx, 6, nd.target, nd.lladdr))
			abort();
		break;
	case HA_LOCAL_PUNT_LOCAL:
		if (!echo_reply_ok(f, len))
			abort();
		break;
	default:
		abort();
	}
	return 0;
}

static bool
in_prefix(const uint8_t *net, unsigned int bits, const uint8_t *a)
{
	for (unsigned int i = 0; i < bits; i++)
		if (((net[i / 8] ^ a[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static void
on_learn(void *arg, unsigned int pidx, uint8_t family, const uint8_t *addr, const uint8_t mac[6])
{
	struct run *r = arg;
	const struct ha_local_port *p;
	bool on_link = family == 6 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80;

	r->learned++;
	if (pidx != r->in_port || pidx >= N_PORTS || (family != 4 && family != 6) || (mac[0] & 1))
		abort();
	p = &r->ports[pidx];
	if (!p->l3)
		abort();
	for (unsigned int i = 0; i < p->n_subnets; i++)
		if (p->subnets[i].family == family &&
		    in_prefix(p->subnets[i].addr, p->subnets[i].len, addr))
			on_link = true;
	if (!on_link)
		abort();
}

/* The pair's other port; the destination itself when on its subnet, else its gateway. */
static int
on_nexthop(void *arg, unsigned int pidx, uint8_t family, const uint8_t *dst, unsigned int *out_pidx,
           uint8_t nh[16])
{
	struct run *r = arg;
	unsigned int out = pidx ^ 1;
	const struct ha_local_port *p;

	if (out >= N_PORTS || !r->ports[out].l3 || dst[0] == 10)
		return -EINVAL;
	p = &r->ports[out];
	memset(nh, 0, 16);
	if (family == 4 && in_prefix(p->subnets[0].addr, p->subnets[0].len, dst))
		memcpy(nh, dst, 4);
	else if (family == 6 && in_prefix(p->subnets[1].addr, p->subnets[1].len, dst))
		memcpy(nh, dst, 16);
	else
		memcpy(nh, family == 4 ? ip_gw4 : ip_gw6, family == 4 ? 4 : 16);
	*out_pidx = out;
	r->nh_port = out;
	return 0;
}

static struct ha_local_addr
addr_of(unsigned int pidx, uint8_t family, const uint8_t *a, const uint8_t *mac)
{
	struct ha_local_addr e = { .pidx = (uint8_t)pidx,
		                   .family = family,
		                   .flags = HA_LOCAL_ECHO };

	memcpy(e.addr, a, family == 4 ? 4 : 16);
	memcpy(e.mac, mac, 6);
	return e;
}

static void
run_setup(struct run *r)
{
	struct ha_local_ops ops = { on_emit, on_learn, on_nexthop, r };
	uint8_t ll[16];

	memset(r, 0, sizeof(*r));
	r->hl = ha_local_create(&ops);
	if (r->hl == NULL)
		abort();
	for (unsigned int i = 2; i < 4; i++) {
		struct ha_local_port *p = &r->ports[i];

		p->l3 = true;
		memcpy(p->mac, i == 2 ? mac_n : mac_p, 6);
		p->n_subnets = 2;
		p->subnets[0].family = 4;
		p->subnets[0].len = 24;
		memcpy(p->subnets[0].addr, i == 2 ? ip_n4 : ip_p4, 4);
		p->subnets[1].family = 6;
		p->subnets[1].len = 64;
		memcpy(p->subnets[1].addr, i == 2 ? ip_n6 : ip_p6, 16);
	}
	ha_ipv6_ll_from_mac(mac_n, ll);
	r->addrs[0] = addr_of(0, 4, ip_vip4, mac_v4);
	r->addrs[1] = addr_of(0, 6, ip_vip6, mac_v6);
	r->addrs[2] = addr_of(2, 4, ip_n4, mac_n);
	r->addrs[3] = addr_of(2, 6, ip_n6, mac_n);
	r->addrs[4] = addr_of(2, 6, ll, mac_n);
	if (ha_local_ports_set(r->hl, r->ports, N_PORTS) != 0 ||
	    ha_local_addrs_set(r->hl, r->addrs, 5) != 0)
		abort();
}

static uint64_t
ignored(const struct ha_local_stats *st)
{
	uint64_t n = st->not_ours + st->wrong_port + st->other_mac + st->conflicts +
	             st->echo_refused + st->not_served + st->learn_refused + st->no_route +
	             st->no_source + st->rate_limited + st->resolve_full + st->tx_errors +
	             st->rx_other;

	for (int i = 0; i < HA_PKT_ERR__MAX; i++)
		n += st->rejected[i];
	return n;
}

static uint64_t
received(const struct ha_local_stats *st)
{
	return st->rx_arp + st->rx_nd + st->rx_local + st->rx_unresolved + st->rx_other;
}

/* Every parser on @f directly; what they accept must lie inside the frame. */
static void
parse_all(const uint8_t *f, size_t len)
{
	static uint8_t out[HA_LOCAL_FRAME_MAX];
	uint8_t family, dst[16];
	struct ha_echo echo;
	struct ha_arp arp;
	struct ha_nd nd;
	int n;

	if ((unsigned int)ha_arp_parse(f, len, &arp) >= HA_PKT_ERR__MAX ||
	    (unsigned int)ha_nd_parse(f, len, &nd) >= HA_PKT_ERR__MAX ||
	    (unsigned int)ha_ip_dst_parse(f, len, &family, dst) >= HA_PKT_ERR__MAX)
		abort();
	if (ha_echo_parse(f, len, &echo) != HA_PKT_OK)
		return;
	if ((size_t)echo.icmp_off + echo.icmp_len > len)
		abort();
	n = ha_echo_reply_build(out, sizeof(out), f, len, &echo, mac_n);
	if (n == -ENOSPC) /* a request longer than the biggest reply */
		return;
	if (n < 0 || !echo_reply_ok(out, (size_t)n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	uint64_t now = 1000 * MS;
	size_t off = 0;

	run_setup(&r);
	for (unsigned int rec = 0; rec < MAX_RECORDS && size - off >= 5; rec++) {
		struct ha_local_stats before, after;
		unsigned int emitted = r.emitted, learned = r.learned;
		size_t len = rd16(data + off + 3);
		int rc;

		r.reason = data[off] & 7;
		r.in_port = data[off + 1] < 200 ? data[off + 1] % N_PORTS : data[off + 1];
		now += data[off + 2] * MS;
		off += 5;
		if (len > size - off)
			len = size - off;
		parse_all(data + off, len);
		ha_local_stats_get(r.hl, &before);
		rc = ha_local_input(r.hl, r.in_port, data + off, len, r.reason, now);
		ha_local_stats_get(r.hl, &after);
		/* Counted once: sent or learned something, or ignored for one reason. */
		if (rc < 0 || (unsigned int)rc != r.emitted - emitted ||
		    received(&after) != received(&before) + 1 ||
		    after.learned - before.learned != r.learned - learned ||
		    ignored(&after) - ignored(&before) !=
		            (rc == 0 && r.learned == learned ? 1u : 0u))
			abort();
		off += len;
	}
	ha_local_destroy(r.hl);
	return 0;
}
