/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local responder: it answers ARP, NS and echo only for an address owned on the port
 * the frame came in on, with the owned MAC, bit for bit what scapy builds (frames.h); it
 * learns neighbours only on l3 ports and only from senders on that port's subnets; it asks
 * for unresolved next hops at most once per 100 ms each, from a bounded table, with an
 * injected clock; and every frame handed in is counted exactly once by what became of it.
 *
 * Ports of the fixture: 0 and 1 the two sides of an l2 link pair, VIPs on 0; 2 and 3 the
 * sides of an l3 link pair, 2 on 198.51.100.0/24 and 2001:db8::/64 with MAC N, 3 on
 * 203.0.113.0/24 and 2001:db8:1::/64.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frames.h"
#include "ha_local.h"
#include "ha_pkt.h"

#define FRAME_MAX 2048
#define MAX_RECORDS 8
#define MS 1000000ull
#define T0 (5000 * MS) /* any start: the clock is the test's */

#define PUNT_VRRP 1
#define PUNT_ARP 2
#define PUNT_ND 3
#define PUNT_LOCAL 4
#define PUNT_UNRESOLVED 5

#define P_L2_UP 0
#define P_L2_PROT 1
#define P_L3_UP 2
#define P_L3_PROT 3

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_n[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_p[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t mac_v4[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
static const uint8_t mac_v6[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x33 };
static const uint8_t ip_h4[4] = { 198, 51, 100, 10 };
static const uint8_t ip_vip4[4] = { 198, 51, 100, 100 };
static const uint8_t ip_n4[4] = { 198, 51, 100, 1 };
static const uint8_t ip_g4[4] = { 198, 51, 100, 20 };
static const uint8_t ip_p4[4] = { 203, 0, 113, 1 };
static const uint8_t ip_far4[4] = { 203, 0, 113, 9 };
static const uint8_t ip_vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x00 };
static const uint8_t ip_n6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t ip_g6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x20 };
static const uint8_t ip_p6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01 };
static const uint8_t ip_q6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x99 };
static const uint8_t ip_ll_b[16] = { 0xfe, 0x80, [15] = 0x0b };

/* Offsets in the reference frames. */
#define IP 14
#define IP6_PLEN (IP + 4)
#define IP6_SRC (IP + 8)
#define ICMP6 (IP + 40)

struct rec_emit {
	unsigned int pidx;
	size_t len;
	uint8_t b[FRAME_MAX];
};

struct rec_learn {
	unsigned int pidx;
	uint8_t family;
	uint8_t addr[16];
	uint8_t mac[6];
};

/* What the callbacks saw, and what they answer. */
struct fix {
	struct ha_local *hl;
	unsigned int n_emit;
	struct rec_emit emit[MAX_RECORDS];
	int emit_rc;
	unsigned int n_learn;
	struct rec_learn learn[MAX_RECORDS];
	unsigned int nh_calls;
	unsigned int nh_in;
	uint8_t nh_family;
	uint8_t nh_dst[16];
	int nh_rc;
	unsigned int nh_out;
	uint8_t nh[16];
	bool nh_is_dst; /* answer the destination itself as next hop */
};

static int
rec_emit(void *arg, unsigned int pidx, const uint8_t *frame, size_t len)
{
	struct fix *fx = arg;

	if (fx->emit_rc < 0)
		return fx->emit_rc;
	assert_true(len <= HA_LOCAL_FRAME_MAX);
	if (fx->n_emit < MAX_RECORDS) {
		assert_true(len <= FRAME_MAX);
		fx->emit[fx->n_emit].pidx = pidx;
		fx->emit[fx->n_emit].len = len;
		memcpy(fx->emit[fx->n_emit].b, frame, len);
	}
	fx->n_emit++;
	return 0;
}

static void
rec_learn(void *arg, unsigned int pidx, uint8_t family, const uint8_t *addr, const uint8_t mac[6])
{
	struct fix *fx = arg;

	if (fx->n_learn < MAX_RECORDS) {
		struct rec_learn *l = &fx->learn[fx->n_learn];

		l->pidx = pidx;
		l->family = family;
		memset(l->addr, 0, 16);
		memcpy(l->addr, addr, family == 4 ? 4 : 16);
		memcpy(l->mac, mac, 6);
	}
	fx->n_learn++;
}

static int
rec_nexthop(void *arg, unsigned int pidx, uint8_t family, const uint8_t *dst,
            unsigned int *out_pidx, uint8_t nh[16])
{
	struct fix *fx = arg;

	fx->nh_calls++;
	fx->nh_in = pidx;
	fx->nh_family = family;
	memset(fx->nh_dst, 0, 16);
	memcpy(fx->nh_dst, dst, family == 4 ? 4 : 16);
	if (fx->nh_rc < 0)
		return fx->nh_rc;
	*out_pidx = fx->nh_out;
	memcpy(nh, fx->nh_is_dst ? fx->nh_dst : fx->nh, 16);
	return 0;
}

static struct ha_local_addr
owned(unsigned int pidx, uint8_t family, const uint8_t *addr, const uint8_t *mac, uint8_t flags)
{
	struct ha_local_addr a = { .pidx = (uint8_t)pidx, .family = family, .flags = flags };

	memcpy(a.addr, addr, family == 4 ? 4 : 16);
	memcpy(a.mac, mac, 6);
	return a;
}

static struct ha_local_subnet
subnet(uint8_t family, const uint8_t *addr, uint8_t len)
{
	struct ha_local_subnet sn = { .family = family, .len = len };

	memcpy(sn.addr, addr, family == 4 ? 4 : 16);
	return sn;
}

/* The fixture's owned addresses; @vip_flags for the two VIPs. */
static void
set_addrs(struct fix *fx, uint8_t vip_flags)
{
	struct ha_local_addr a[5];
	uint8_t ll[16];

	ha_ipv6_ll_from_mac(mac_n, ll);
	a[0] = owned(P_L2_UP, 4, ip_vip4, mac_v4, vip_flags);
	a[1] = owned(P_L2_UP, 6, ip_vip6, mac_v6, vip_flags);
	a[2] = owned(P_L3_UP, 4, ip_n4, mac_n, HA_LOCAL_ECHO);
	a[3] = owned(P_L3_UP, 6, ip_n6, mac_n, HA_LOCAL_ECHO);
	a[4] = owned(P_L3_UP, 6, ll, mac_n, HA_LOCAL_ECHO);
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), 0);
}

static int
setup(void **state)
{
	struct ha_local_ops ops = {
		.emit = rec_emit,
		.learn = rec_learn,
		.nexthop = rec_nexthop,
	};
	struct ha_local_port ports[4] = { 0 };
	struct fix *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	ops.arg = fx;
	fx->hl = ha_local_create(&ops);
	if (fx->hl == NULL)
		return -1;
	ports[P_L3_UP].l3 = true;
	memcpy(ports[P_L3_UP].mac, mac_n, 6);
	ports[P_L3_UP].n_subnets = 2;
	ports[P_L3_UP].subnets[0] = subnet(4, ip_n4, 24);
	ports[P_L3_UP].subnets[1] = subnet(6, ip_n6, 64);
	ports[P_L3_PROT].l3 = true;
	memcpy(ports[P_L3_PROT].mac, mac_p, 6);
	ports[P_L3_PROT].n_subnets = 2;
	ports[P_L3_PROT].subnets[0] = subnet(4, ip_p4, 24);
	ports[P_L3_PROT].subnets[1] = subnet(6, ip_p6, 64);
	if (ha_local_ports_set(fx->hl, ports, 4) != 0)
		return -1;
	set_addrs(fx, HA_LOCAL_ECHO);
	fx->nh_out = P_L3_UP;
	fx->nh_is_dst = true;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *fx = *state;

	ha_local_destroy(fx->hl);
	free(fx);
	return 0;
}

static struct ha_local_stats
stats(const struct fix *fx)
{
	struct ha_local_stats st;

	ha_local_stats_get(fx->hl, &st);
	return st;
}

/* Frames handed in, and frames ignored for any reason. */
static uint64_t
rx_total(const struct ha_local_stats *st)
{
	return st->rx_arp + st->rx_nd + st->rx_local + st->rx_unresolved + st->rx_other;
}

static uint64_t
ignored_total(const struct ha_local_stats *st)
{
	uint64_t n = st->not_ours + st->wrong_port + st->other_mac + st->conflicts +
	             st->echo_refused + st->not_served + st->learn_refused + st->no_route +
	             st->no_source + st->rate_limited + st->resolve_full + st->tx_errors +
	             st->rx_other;

	for (int i = 0; i < HA_PKT_ERR__MAX; i++)
		n += st->rejected[i];
	return n;
}

/*
 * Hand @frame in and check the accounting: one rx counter more, and either something sent
 * or learned, or exactly one reason for ignoring it. @return the number of frames emitted.
 */
static int
input(struct fix *fx, unsigned int pidx, const uint8_t *frame, size_t len, int reason, uint64_t now)
{
	struct ha_local_stats before = stats(fx), after;
	unsigned int emitted = fx->n_emit, learned = fx->n_learn;
	int rc;

	rc = ha_local_input(fx->hl, pidx, frame, len, reason, now);
	after = stats(fx);
	assert_int_equal(rc, fx->n_emit - emitted);
	assert_int_equal(rx_total(&after), rx_total(&before) + 1);
	assert_int_equal(after.learned - before.learned, fx->n_learn - learned);
	if (rc > 0 || fx->n_learn > learned)
		assert_int_equal(ignored_total(&after), ignored_total(&before));
	else
		assert_int_equal(ignored_total(&after), ignored_total(&before) + 1);
	return rc;
}

#define INPUT(fx, pidx, f, reason) input((fx), (pidx), (f), sizeof(f), (reason), T0)

static void
assert_emitted(const struct fix *fx, unsigned int i, unsigned int pidx, const uint8_t *b,
               size_t len)
{
	assert_true(i < fx->n_emit);
	assert_int_equal(fx->emit[i].pidx, pidx);
	assert_int_equal(fx->emit[i].len, len);
	assert_memory_equal(fx->emit[i].b, b, len);
}

static void
assert_learned(const struct fix *fx, unsigned int i, unsigned int pidx, uint8_t family,
               const uint8_t *addr, const uint8_t *mac)
{
	assert_true(i < fx->n_learn);
	assert_int_equal(fx->learn[i].pidx, pidx);
	assert_int_equal(fx->learn[i].family, family);
	assert_memory_equal(fx->learn[i].addr, addr, family == 4 ? 4 : 16);
	assert_memory_equal(fx->learn[i].mac, mac, 6);
}

/* An ARP frame from (@sha, @spa) asking for @tpa, or replying to it when @op is 2. */
static size_t
arp_frame(uint8_t *buf, uint16_t op, const uint8_t *eth_dst, const uint8_t *sha, const uint8_t *spa,
          const uint8_t *tpa)
{
	struct ha_arp arp = { .op = op };

	memcpy(arp.eth_dst, eth_dst, 6);
	memcpy(arp.eth_src, sha, 6);
	memcpy(arp.sha, sha, 6);
	memcpy(arp.spa, spa, 4);
	memcpy(arp.tpa, tpa, 4);
	assert_int_equal(ha_arp_build(buf, FRAME_MAX, &arp), HA_ARP_FRAME_LEN);
	return HA_ARP_FRAME_LEN;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The test's own Internet checksum (RFC 1071) of @n bytes, on top of @sum. */
static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the header checksum of the 20-byte IPv4 header of frame @f. */
static void
fix_ip4(uint8_t *f)
{
	uint16_t c;

	f[IP + 10] = 0;
	f[IP + 11] = 0;
	c = csum(f + IP, 20, 0);
	f[IP + 10] = (uint8_t)(c >> 8);
	f[IP + 11] = (uint8_t)c;
}

/* Recompute the ICMPv6 checksum of frame @f over its payload length. */
static void
fix_icmp6(uint8_t *f)
{
	uint16_t plen = (uint16_t)(f[IP6_PLEN] << 8 | f[IP6_PLEN + 1]), c;
	uint32_t sum = plen + 58;

	for (int i = 0; i < 32; i += 2)
		sum += (uint32_t)(f[IP6_SRC + i] << 8 | f[IP6_SRC + i + 1]);
	f[ICMP6 + 2] = 0;
	f[ICMP6 + 3] = 0;
	c = csum(f + ICMP6, plen, sum);
	f[ICMP6 + 2] = (uint8_t)(c >> 8);
	f[ICMP6 + 3] = (uint8_t)c;
}

/* ---- set-up ---- */

static void
test_ha_local_create_needs_emit(void **state)
{
	struct ha_local_ops ops = { 0 };

	(void)state;
	errno = 0;
	assert_null(ha_local_create(NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ha_local_create(&ops));
	assert_int_equal(errno, EINVAL);
	ha_local_destroy(NULL);
}

static void
test_ha_local_addrs_set_refuses_bad_sets(void **state)
{
	struct fix *fx = *state;
	struct ha_local_addr a[HA_LOCAL_MAX_ADDRS + 1];

	for (unsigned int i = 0; i <= HA_LOCAL_MAX_ADDRS; i++) {
		uint8_t ip[4] = { 203, 0, 113, (uint8_t)i };

		a[i] = owned(P_L2_UP, 4, ip, mac_v4, 0);
	}
	assert_int_equal(ha_local_addrs_set(fx->hl, a, HA_LOCAL_MAX_ADDRS + 1), -EINVAL);
	assert_int_equal(ha_local_addrs_set(fx->hl, NULL, 1), -EINVAL);
	a[3].pidx = HA_LOCAL_MAX_PORTS;
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EINVAL);
	a[3].pidx = P_L2_UP;
	a[3].family = 5;
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EINVAL);
	a[3].family = 4;
	a[3].mac[0] = 0x01;
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EINVAL);
	memset(a[3].mac, 0, 6);
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EINVAL);
	memcpy(a[3].mac, mac_v4, 6);
	for (unsigned int i = 0; i < 4; i++) {
		static const uint8_t bad[4][16] = {
			{ 0, 0, 0, 0 },              /* 0.0.0.0 */
			{ 224, 0, 0, 18 },           /* the VRRP group */
			{ 0 },                       /* :: */
			{ 0xff, 0x02, [15] = 0x01 }, /* ff02::1 */
		};

		a[3].family = i < 2 ? 4 : 6;
		memcpy(a[3].addr, bad[i], 16);
		assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EINVAL);
	}
	a[3] = a[1];
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EEXIST);
	/* The same address on two ports is two entries. */
	a[3].pidx = P_L2_PROT;
	assert_int_equal(ha_local_addrs_set(fx->hl, a, HA_LOCAL_MAX_ADDRS), 0);

	/* A refused set changed nothing; an accepted one replaced the whole set. */
	a[3] = a[1];
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 5), -EEXIST);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	a[0] = owned(P_L2_UP, 4, ip_vip4, mac_v4, 0);
	assert_int_equal(ha_local_addrs_set(fx->hl, a, 1), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 1);
	assert_int_equal(ha_local_addrs_set(fx->hl, NULL, 0), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(stats(fx).not_ours, 2);
}

static void
test_ha_local_ports_set_refuses_bad_ports(void **state)
{
	struct fix *fx = *state;
	struct ha_local_port p[HA_LOCAL_MAX_PORTS + 1] = { 0 };

	assert_int_equal(ha_local_ports_set(fx->hl, p, HA_LOCAL_MAX_PORTS + 1), -EINVAL);
	assert_int_equal(ha_local_ports_set(fx->hl, NULL, 2), -EINVAL);
	p[1].l3 = true; /* without a MAC */
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), -EINVAL);
	memcpy(p[1].mac, mac_n, 6);
	p[1].n_subnets = HA_LOCAL_MAX_SUBNETS + 1;
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), -EINVAL);
	p[1].n_subnets = 1;
	p[1].subnets[0] = subnet(4, ip_n4, 33);
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), -EINVAL);
	p[1].subnets[0] = subnet(6, ip_n6, 129);
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), -EINVAL);
	p[1].subnets[0].family = 0;
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), -EINVAL);

	/* Refused: port 2 still learns. Accepted with 2 ports: port 2 is l2 from then on. */
	uint8_t f[FRAME_MAX];
	size_t len = arp_frame(f, HA_ARP_OP_REPLY, mac_n, mac_b, ip_g4, ip_n4);

	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(fx->n_learn, 1);
	p[1].subnets[0] = subnet(6, ip_n6, 128);
	assert_int_equal(ha_local_ports_set(fx->hl, p, 2), 0);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(fx->n_learn, 1);
	assert_int_equal(stats(fx).not_ours, 1);
}

/* ---- ARP ---- */

static void
test_ha_local_arp_request_for_vip_answered(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 1);
	assert_emitted(fx, 0, P_L2_UP, f_arp_reply, sizeof(f_arp_reply));
	assert_int_equal(stats(fx).arp_replies, 1);
	assert_int_equal(stats(fx).rx_arp, 1);
	/* l2 ports learn nothing, even from a request they answer. */
	assert_int_equal(fx->n_learn, 0);

	/* Padded to 60 bytes, and unicast to the virtual MAC: the same reply. */
	memcpy(f, f_arp_request, sizeof(f_arp_request));
	memcpy(f, mac_v4, 6);
	memset(f + sizeof(f_arp_request), 0, 18);
	assert_int_equal(input(fx, P_L2_UP, f, 60, PUNT_ARP, T0), 1);
	assert_emitted(fx, 1, P_L2_UP, f_arp_reply, sizeof(f_arp_reply));
}

static void
test_ha_local_arp_only_on_the_owning_port(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	size_t len;

	assert_int_equal(INPUT(fx, P_L2_PROT, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(stats(fx).wrong_port, 1);
	assert_int_equal(INPUT(fx, P_L3_UP + 5, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(stats(fx).wrong_port, 2);
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_a, ip_h4, ip_g4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	/* The l3 address of port 2 is not answered on port 0. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_a, ip_h4, ip_n4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).wrong_port, 3);
	assert_int_equal(fx->n_emit, 0);
	assert_int_equal(stats(fx).arp_replies, 0);
}

static void
test_ha_local_arp_to_another_mac_ignored(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	memcpy(f, f_arp_request, sizeof(f_arp_request));
	memcpy(f, mac_b, 6);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_arp_request), PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).other_mac, 1);
	assert_int_equal(fx->n_emit, 0);
}

static void
test_ha_local_arp_conflicts_and_own_frames(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	size_t len;

	/* Another MAC announcing the VIP: a conflict, not answered. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_b, ip_vip4, ip_vip4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).conflicts, 1);
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_a, mac_b, ip_vip4, ip_h4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).conflicts, 2);
	/* Our own gratuitous ARP coming back is neither answered nor a conflict. */
	assert_int_equal(INPUT(fx, P_L2_UP, f_garp, PUNT_ARP), 0);
	assert_int_equal(stats(fx).conflicts, 2);
	assert_int_equal(stats(fx).not_ours, 1);
	/* On an l3 port, a claim on its address teaches nothing. */
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_n, mac_b, ip_n4, ip_g4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).conflicts, 3);
	assert_int_equal(fx->n_emit, 0);
	assert_int_equal(fx->n_learn, 0);
}

static void
test_ha_local_arp_probe_answered(void **state)
{
	struct fix *fx = *state;
	static const uint8_t zero[4];
	uint8_t f[FRAME_MAX];
	struct ha_arp reply;
	size_t len;

	/* RFC 5227 probe for the VIP: answered, so the prober backs off. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_a, zero, ip_vip4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 1);
	assert_int_equal(ha_arp_parse(fx->emit[0].b, fx->emit[0].len, &reply), HA_PKT_OK);
	assert_int_equal(reply.op, HA_ARP_OP_REPLY);
	assert_memory_equal(reply.eth_dst, mac_a, 6);
	assert_memory_equal(reply.sha, mac_v4, 6);
	assert_memory_equal(reply.spa, ip_vip4, 4);
	assert_memory_equal(reply.tpa, zero, 4);
}

static void
test_ha_local_arp_l3_learns_on_subnet(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	struct ha_arp reply;
	size_t len;

	/* A request for the port's address: answered from the port MAC, sender learned. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_b, ip_g4, ip_n4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 1);
	assert_int_equal(fx->emit[0].pidx, P_L3_UP);
	assert_int_equal(ha_arp_parse(fx->emit[0].b, fx->emit[0].len, &reply), HA_PKT_OK);
	assert_memory_equal(reply.eth_src, mac_n, 6);
	assert_memory_equal(reply.sha, mac_n, 6);
	assert_memory_equal(reply.spa, ip_n4, 4);
	assert_memory_equal(reply.tha, mac_b, 6);
	assert_memory_equal(reply.tpa, ip_g4, 4);
	assert_learned(fx, 0, P_L3_UP, 4, ip_g4, mac_b);

	/* A reply teaches. */
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_n, mac_a, ip_h4, ip_n4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_learned(fx, 1, P_L3_UP, 4, ip_h4, mac_a);
	/* So does a request for someone else. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_b, ip_g4, ip_h4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_learned(fx, 2, P_L3_UP, 4, ip_g4, mac_b);
	assert_int_equal(stats(fx).learned, 3);
	assert_int_equal(fx->n_emit, 1);
}

static void
test_ha_local_arp_l3_learn_refused(void **state)
{
	struct fix *fx = *state;
	static const uint8_t zero[4];
	uint8_t f[FRAME_MAX];
	size_t len;

	/* A sender off the port's subnets. */
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_n, mac_b, ip_far4, ip_n4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	/* The same sender is on port 3's subnet, but 198.51.100.20 is not. */
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(fx->n_learn, 1);
	assert_learned(fx, 0, P_L3_PROT, 4, ip_far4, mac_b);
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_p, mac_b, ip_g4, ip_p4);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_ARP, T0), 0);
	/* A probe (sender 0.0.0.0) for someone else. */
	len = arp_frame(f, HA_ARP_OP_REQUEST, bcast, mac_b, zero, ip_h4);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).learn_refused, 3);
	assert_int_equal(fx->n_learn, 1);
	/* An l2 port never learns, even with subnets and from a request it answers. */
	struct ha_local_port ports[4] = { 0 };

	ports[P_L2_UP].n_subnets = 1;
	ports[P_L2_UP].subnets[0] = subnet(4, ip_n4, 24);
	assert_int_equal(ha_local_ports_set(fx->hl, ports, 4), 0);
	len = arp_frame(f, HA_ARP_OP_REPLY, mac_a, mac_b, ip_g4, ip_h4);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_ARP, T0), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 1);
	assert_int_equal(fx->n_learn, 1);
}

static void
test_ha_local_arp_malformed_counted_by_kind(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	assert_int_equal(input(fx, P_L2_UP, f_arp_request, 41, PUNT_ARP, T0), 0);
	memcpy(f, f_arp_request, sizeof(f_arp_request));
	f[21] = 9; /* op */
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_arp_request), PUNT_ARP, T0), 0);
	f[21] = 1;
	f[18] = 8; /* hardware length */
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_arp_request), PUNT_ARP, T0), 0);
	/* An ND frame punted as ARP. */
	assert_int_equal(INPUT(fx, P_L2_UP, f_ns, PUNT_ARP), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_TRUNCATED], 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_ARP_OP], 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_ARP_FORMAT], 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_ETHERTYPE], 1);
	assert_int_equal(fx->n_emit, 0);
}

/* ---- neighbour discovery ---- */

static void
test_ha_local_ns_for_vip_answered(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(INPUT(fx, P_L2_UP, f_ns, PUNT_ND), 1);
	assert_emitted(fx, 0, P_L2_UP, f_na_solicited, sizeof(f_na_solicited));
	assert_int_equal(INPUT(fx, P_L2_UP, f_ns_dad, PUNT_ND), 1);
	assert_emitted(fx, 1, P_L2_UP, f_na_dad_defence, sizeof(f_na_dad_defence));
	assert_int_equal(stats(fx).na_replies, 2);
	assert_int_equal(stats(fx).rx_nd, 2);
	assert_int_equal(fx->n_learn, 0);
}

static void
test_ha_local_ns_only_for_owned_on_port(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	int len;

	assert_int_equal(INPUT(fx, P_L2_PROT, f_ns, PUNT_ND), 0);
	assert_int_equal(stats(fx).wrong_port, 1);
	len = ha_ns_build(f, sizeof(f), mac_a, ip_g6, ip_n6); /* the l3 address, on port 0 */
	assert_int_equal(input(fx, P_L2_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).wrong_port, 2);
	/* From the VIP, with another MAC. */
	len = ha_ns_build(f, sizeof(f), mac_a, ip_vip6, ip_g6);
	assert_int_equal(input(fx, P_L2_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).conflicts, 1);
	len = ha_ns_build(f, sizeof(f), mac_a, ip_g6, ip_p6);
	assert_int_equal(input(fx, P_L2_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	/* Unicast to another MAC. */
	memcpy(f, f_ns, sizeof(f_ns));
	memcpy(f, mac_b, 6);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_ns), PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).other_mac, 1);
	assert_int_equal(fx->n_emit, 0);
}

static void
test_ha_local_ns_l3_answers_and_learns(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX], ll[16];
	struct ha_nd na;
	int len;

	len = ha_ns_build(f, sizeof(f), mac_b, ip_g6, ip_n6);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 1);
	assert_int_equal(ha_nd_parse(fx->emit[0].b, fx->emit[0].len, &na), HA_PKT_OK);
	assert_int_equal(na.type, HA_ND_NA);
	assert_int_equal(na.flags, HA_NA_F_ROUTER | HA_NA_F_SOLICITED | HA_NA_F_OVERRIDE);
	assert_memory_equal(na.eth_dst, mac_b, 6);
	assert_memory_equal(na.eth_src, mac_n, 6);
	assert_memory_equal(na.src, ip_n6, 16);
	assert_memory_equal(na.dst, ip_g6, 16);
	assert_memory_equal(na.target, ip_n6, 16);
	assert_memory_equal(na.lladdr, mac_n, 6);
	assert_learned(fx, 0, P_L3_UP, 6, ip_g6, mac_b);

	/* The port's link-local address, asked from a link-local neighbour. */
	ha_ipv6_ll_from_mac(mac_n, ll);
	len = ha_ns_build(f, sizeof(f), mac_b, ip_ll_b, ll);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 1);
	assert_learned(fx, 1, P_L3_UP, 6, ip_ll_b, mac_b);

	/* An NS for someone else still teaches the sender. */
	len = ha_ns_build(f, sizeof(f), mac_b, ip_g6, ip_vip6);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_learned(fx, 2, P_L3_UP, 6, ip_g6, mac_b);
	assert_int_equal(fx->n_emit, 2);
}

static void
test_ha_local_na_l3_learns(void **state)
{
	struct fix *fx = *state;
	static const uint8_t far6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x05, [15] = 0x01 };
	uint8_t f[FRAME_MAX], ll_n[16];
	int len;

	assert_int_equal(INPUT(fx, P_L3_UP, f_na_neigh, PUNT_ND), 0);
	assert_learned(fx, 0, P_L3_UP, 6, ip_g6, mac_b);
	ha_ipv6_ll_from_mac(mac_n, ll_n);
	len = ha_na_build(f, sizeof(f), mac_b, mac_n, ip_ll_b, ll_n, ip_ll_b, HA_NA_F_SOLICITED);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_learned(fx, 1, P_L3_UP, 6, ip_ll_b, mac_b);
	/* Off the port's subnets; on the other l3 port's; on an l2 port. */
	len = ha_na_build(f, sizeof(f), mac_b, mac_n, far6, ip_n6, far6, HA_NA_F_SOLICITED);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(INPUT(fx, P_L3_PROT, f_na_neigh, PUNT_ND), 0);
	assert_int_equal(stats(fx).learn_refused, 2);
	assert_int_equal(INPUT(fx, P_L2_UP, f_na_neigh, PUNT_ND), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	/* Without a target link-layer address there is nothing to learn. */
	memcpy(f, f_na_neigh, sizeof(f_na_neigh));
	f[IP6_PLEN + 1] = 24;
	fix_icmp6(f);
	assert_int_equal(input(fx, P_L3_UP, f, sizeof(f_na_neigh) - 8, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_ICMP_CHECKSUM], 0);
	assert_int_equal(stats(fx).not_ours, 2);
	assert_int_equal(fx->n_learn, 2);
}

static void
test_ha_local_na_conflicts(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	int len;

	/* Another MAC advertising the VIP; then our own advertisement come back. */
	len = ha_na_unsolicited_build(f, sizeof(f), mac_b, ip_vip6, 0);
	assert_int_equal(input(fx, P_L2_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).conflicts, 1);
	assert_int_equal(INPUT(fx, P_L2_UP, f_na_unsolicited, PUNT_ND), 0);
	assert_int_equal(stats(fx).conflicts, 1);
	assert_int_equal(stats(fx).not_ours, 1);
	/* On an l3 port a claim on the port's address is not learned. */
	len = ha_na_unsolicited_build(f, sizeof(f), mac_b, ip_n6, 0);
	assert_int_equal(input(fx, P_L3_UP, f, (size_t)len, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).conflicts, 2);
	assert_int_equal(fx->n_learn, 0);
	assert_int_equal(fx->n_emit, 0);
}

static void
test_ha_local_nd_malformed_counted_by_kind(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	memcpy(f, f_ns, sizeof(f_ns));
	f[IP + 7] = 64; /* hop limit */
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_ns), PUNT_ND, T0), 0);
	f[IP + 7] = 255;
	f[ICMP6 + 20] ^= 0x10;
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_ns), PUNT_ND, T0), 0);
	assert_int_equal(input(fx, P_L2_UP, f_ns, 60, PUNT_ND, T0), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_HOP_LIMIT], 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_ICMP_CHECKSUM], 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_TRUNCATED], 1);
	assert_int_equal(fx->n_emit, 0);
}

/* ---- echo ---- */

static void
test_ha_local_echo_replies_bit_exact(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(INPUT(fx, P_L2_UP, f_echo4_request, PUNT_LOCAL), 1);
	assert_emitted(fx, 0, P_L2_UP, f_echo4_reply, sizeof(f_echo4_reply));
	assert_int_equal(INPUT(fx, P_L2_UP, f_echo4_request_opts, PUNT_LOCAL), 1);
	assert_emitted(fx, 1, P_L2_UP, f_echo4_reply_opts, sizeof(f_echo4_reply_opts));
	assert_int_equal(INPUT(fx, P_L2_UP, f_echo6_request, PUNT_LOCAL), 1);
	assert_emitted(fx, 2, P_L2_UP, f_echo6_reply, sizeof(f_echo6_reply));
	assert_int_equal(stats(fx).echo_replies, 3);
	assert_int_equal(stats(fx).rx_local, 3);
}

static void
test_ha_local_echo_only_where_allowed(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	/* A VIP answers echo only when the coordinator says so (accept mode or owner). */
	set_addrs(fx, 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_echo4_request, PUNT_LOCAL), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_echo6_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).echo_refused, 2);
	set_addrs(fx, HA_LOCAL_ECHO);
	assert_int_equal(INPUT(fx, P_L2_PROT, f_echo4_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).wrong_port, 1);
	assert_int_equal(INPUT(fx, P_L3_UP, f_echo6_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).wrong_port, 2);
	/* To another MAC. */
	memcpy(f, f_echo4_request, sizeof(f_echo4_request));
	memcpy(f, mac_b, 6);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_echo4_request), PUNT_LOCAL, T0), 0);
	assert_int_equal(stats(fx).other_mac, 1);
	/* To an address nobody owns. */
	memcpy(f, f_echo4_request, sizeof(f_echo4_request));
	f[IP + 19] = 101;
	fix_ip4(f);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_echo4_request), PUNT_LOCAL, T0), 0);
	assert_int_equal(stats(fx).not_ours, 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_IP_CHECKSUM], 0);
	assert_int_equal(fx->n_emit, 0);
}

static void
test_ha_local_local_non_echo_counted(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];

	/* TCP to the VIP: not the responder's to answer. */
	memcpy(f, f_echo4_request, sizeof(f_echo4_request));
	f[IP + 9] = 6;
	fix_ip4(f);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_echo4_request), PUNT_LOCAL, T0), 0);
	assert_int_equal(stats(fx).not_served, 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_PROTO], 0);
	/* An echo reply to the VIP. */
	memcpy(f, f_echo6_request, sizeof(f_echo6_request));
	f[ICMP6] = HA_ICMP6_ECHO_REPLY;
	fix_icmp6(f);
	assert_int_equal(input(fx, P_L2_UP, f, sizeof(f_echo6_request), PUNT_LOCAL, T0), 0);
	assert_int_equal(stats(fx).not_served, 2);
	assert_int_equal(stats(fx).rejected[HA_PKT_ICMP_TYPE], 0);
	/* Not IP at all. */
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_ETHERTYPE], 1);
	assert_int_equal(fx->n_emit, 0);
}

/* ---- next-hop resolution ---- */

/* An IPv4 or IPv6 packet to @dst, as the dataplane punts one whose next hop is unknown. */
static size_t
packet_to(uint8_t *f, uint8_t family, const uint8_t *dst)
{
	if (family == 4) {
		memcpy(f, f_echo4_request, sizeof(f_echo4_request));
		memcpy(f + IP + 16, dst, 4);
		return sizeof(f_echo4_request);
	}
	memcpy(f, f_echo6_request, sizeof(f_echo6_request));
	memcpy(f + IP + 24, dst, 16);
	return sizeof(f_echo6_request);
}

static void
test_ha_local_unresolved_asks_bit_exact(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	size_t len;

	len = packet_to(f, 4, ip_g4);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(fx->nh_in, P_L3_PROT);
	assert_int_equal(fx->nh_family, 4);
	assert_memory_equal(fx->nh_dst, ip_g4, 4);
	assert_emitted(fx, 0, P_L3_UP, f_arp_resolve, sizeof(f_arp_resolve));

	len = packet_to(f, 6, ip_g6);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(fx->nh_family, 6);
	assert_emitted(fx, 1, P_L3_UP, f_ns_resolve, sizeof(f_ns_resolve));
	assert_int_equal(stats(fx).arp_requests, 1);
	assert_int_equal(stats(fx).ns_requests, 1);
	assert_int_equal(stats(fx).rx_unresolved, 2);
}

static void
test_ha_local_unresolved_gateway_source(void **state)
{
	struct fix *fx = *state;
	static const uint8_t gw_ll[16] = { 0xfe, 0x80, [15] = 0x01 };
	static const uint8_t gw4[4] = { 198, 51, 100, 254 };
	static const uint8_t far6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x09, [15] = 0x09 };
	uint8_t f[FRAME_MAX], ll_n[16];
	struct ha_arp arp;
	struct ha_nd ns;
	size_t len;

	/* A gateway reached by its link-local address is asked from the port's. */
	fx->nh_is_dst = false;
	memcpy(fx->nh, gw_ll, 16);
	len = packet_to(f, 6, far6);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(ha_nd_parse(fx->emit[0].b, fx->emit[0].len, &ns), HA_PKT_OK);
	ha_ipv6_ll_from_mac(mac_n, ll_n);
	assert_memory_equal(ns.src, ll_n, 16);
	assert_memory_equal(ns.target, gw_ll, 16);
	assert_memory_equal(ns.lladdr, mac_n, 6);
	/* An IPv4 gateway: the request comes from the subnet holding it. */
	memset(fx->nh, 0, 16);
	memcpy(fx->nh, gw4, 4);
	len = packet_to(f, 4, ip_far4);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(ha_arp_parse(fx->emit[1].b, fx->emit[1].len, &arp), HA_PKT_OK);
	assert_memory_equal(arp.spa, ip_n4, 4);
	assert_memory_equal(arp.tpa, gw4, 4);
	assert_memory_equal(arp.sha, mac_n, 6);
}

static void
test_ha_local_unresolved_rate_limited(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX], g[FRAME_MAX];
	size_t len = packet_to(f, 4, ip_g4), glen = packet_to(g, 4, ip_h4);

	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 1), 0);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 99 * MS), 0);
	/* Another next hop is not held back by the first. */
	assert_int_equal(input(fx, P_L3_PROT, g, glen, PUNT_UNRESOLVED, T0 + 99 * MS), 1);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 100 * MS - 1), 0);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 100 * MS), 1);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 150 * MS), 0);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0 + 250 * MS), 1);
	assert_int_equal(stats(fx).rate_limited, 4);
	assert_int_equal(stats(fx).arp_requests, 4);
	/* The same address out of another port is another next hop. */
	fx->nh_out = P_L3_PROT;
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_UNRESOLVED, T0 + 260 * MS), 1);
	assert_int_equal(fx->emit[4].pidx, P_L3_PROT);
}

static void
test_ha_local_unresolved_table_bounded(void **state)
{
	struct fix *fx = *state;
	uint8_t f[FRAME_MAX];
	size_t len = 0;

	fx->nh_out = P_L3_PROT;
	for (unsigned int i = 0; i < HA_LOCAL_RESOLVE_SLOTS; i++) {
		uint8_t dst[4] = { 203, 0, 113, (uint8_t)i };

		len = packet_to(f, 4, dst);
		assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_UNRESOLVED, T0 + i), 1);
	}
	/* Every slot in use within the interval: a new next hop is refused, not let through. */
	len = packet_to(f, 6, ip_q6);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_UNRESOLVED, T0 + 300), 0);
	assert_int_equal(stats(fx).resolve_full, 1);
	/* Once the first slot is 100 ms old, it is reused. */
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_UNRESOLVED, T0 + 100 * MS), 1);
	assert_int_equal(input(fx, P_L3_UP, f, len, PUNT_UNRESOLVED, T0 + 100 * MS + 1), 0);
	assert_int_equal(stats(fx).rate_limited, 1);
	assert_int_equal(stats(fx).arp_requests + stats(fx).ns_requests,
	                 HA_LOCAL_RESOLVE_SLOTS + 1);
}

static void
test_ha_local_unresolved_no_route(void **state)
{
	struct fix *fx = *state;
	struct ha_local_ops ops = { .emit = rec_emit, .arg = fx };
	struct ha_local_port ports[4] = { 0 };
	struct ha_local *bare;
	uint8_t f[FRAME_MAX];
	size_t len = packet_to(f, 4, ip_g4);

	fx->nh_rc = -ENETUNREACH;
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	fx->nh_rc = 0;
	fx->nh_out = P_L2_UP; /* not an l3 port */
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	fx->nh_out = HA_LOCAL_MAX_PORTS;
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	fx->nh_out = P_L3_UP;
	fx->nh_is_dst = false; /* next hop 0.0.0.0 */
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	assert_int_equal(stats(fx).no_route, 4);
	/* Not an IP packet. */
	assert_int_equal(INPUT(fx, P_L3_PROT, f_arp_request, PUNT_UNRESOLVED), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_ETHERTYPE], 1);
	assert_int_equal(fx->n_emit, 0);

	/* Without a nexthop callback nothing is resolved. */
	bare = ha_local_create(&ops);
	assert_non_null(bare);
	ports[P_L3_UP].l3 = true;
	memcpy(ports[P_L3_UP].mac, mac_n, 6);
	assert_int_equal(ha_local_ports_set(bare, ports, 4), 0);
	assert_int_equal(ha_local_input(bare, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	{
		struct ha_local_stats st;

		ha_local_stats_get(bare, &st);
		assert_int_equal(st.no_route, 1);
	}
	ha_local_destroy(bare);
}

static void
test_ha_local_unresolved_no_source(void **state)
{
	struct fix *fx = *state;
	struct ha_local_port ports[4] = { 0 };
	uint8_t f[FRAME_MAX], ll_n[16];
	struct ha_nd ns;
	size_t len;

	/* An l3 port with no IPv4 address cannot ask for an IPv4 next hop... */
	ports[P_L3_UP].l3 = true;
	memcpy(ports[P_L3_UP].mac, mac_n, 6);
	assert_int_equal(ha_local_ports_set(fx->hl, ports, 4), 0);
	len = packet_to(f, 4, ip_g4);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 0);
	assert_int_equal(stats(fx).no_source, 1);
	/* ...but asks for an IPv6 one from its link-local address. */
	len = packet_to(f, 6, ip_g6);
	assert_int_equal(input(fx, P_L3_PROT, f, len, PUNT_UNRESOLVED, T0), 1);
	assert_int_equal(ha_nd_parse(fx->emit[0].b, fx->emit[0].len, &ns), HA_PKT_OK);
	ha_ipv6_ll_from_mac(mac_n, ll_n);
	assert_memory_equal(ns.src, ll_n, 16);
}

/* ---- announcements, emit errors, bad input ---- */

static void
test_ha_local_announce_bit_exact(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(ha_local_announce(fx->hl, P_L2_UP, 4, ip_vip4, mac_v4), 0);
	assert_emitted(fx, 0, P_L2_UP, f_garp, sizeof(f_garp));
	assert_int_equal(ha_local_announce(fx->hl, P_L2_UP, 6, ip_vip6, mac_v6), 0);
	assert_emitted(fx, 1, P_L2_UP, f_na_unsolicited, sizeof(f_na_unsolicited));
	assert_int_equal(stats(fx).announcements, 2);

	assert_int_equal(ha_local_announce(fx->hl, HA_LOCAL_MAX_PORTS, 4, ip_vip4, mac_v4),
	                 -EINVAL);
	assert_int_equal(ha_local_announce(fx->hl, P_L2_UP, 5, ip_vip4, mac_v4), -EINVAL);
	assert_int_equal(ha_local_announce(fx->hl, P_L2_UP, 4, ip_vip4, bcast), -EINVAL);
	fx->emit_rc = -ENOBUFS;
	assert_int_equal(ha_local_announce(fx->hl, P_L2_UP, 4, ip_vip4, mac_v4), -ENOBUFS);
	assert_int_equal(stats(fx).announcements, 2);
	assert_int_equal(stats(fx).tx_errors, 1);
	assert_int_equal(fx->n_emit, 2);
}

static void
test_ha_local_emit_failure_counted(void **state)
{
	struct fix *fx = *state;

	fx->emit_rc = -ENOBUFS;
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_ns, PUNT_ND), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_echo4_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).tx_errors, 3);
	assert_int_equal(stats(fx).arp_replies + stats(fx).na_replies + stats(fx).echo_replies, 0);
}

/* An echo request whose reply would not fit HA_LOCAL_FRAME_MAX is counted, not sent. */
static void
test_ha_local_echo_too_big_counted(void **state)
{
	struct fix *fx = *state;
	size_t len = HA_LOCAL_FRAME_MAX + 1;
	uint8_t *f = calloc(1, len);

	assert_non_null(f);
	memcpy(f, f_echo6_request, sizeof(f_echo6_request));
	f[IP6_PLEN] = (uint8_t)((len - ICMP6) >> 8);
	f[IP6_PLEN + 1] = (uint8_t)(len - ICMP6);
	fix_icmp6(f);
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_LOCAL, T0), 0);
	assert_int_equal(stats(fx).tx_errors, 1);
	assert_int_equal(stats(fx).rejected[HA_PKT_ICMP_CHECKSUM], 0);
	/* One byte less fits. */
	len--;
	f[IP6_PLEN] = (uint8_t)((len - ICMP6) >> 8);
	f[IP6_PLEN + 1] = (uint8_t)(len - ICMP6);
	fix_icmp6(f);
	fx->n_emit = MAX_RECORDS; /* the recorder keeps frames up to FRAME_MAX only */
	assert_int_equal(input(fx, P_L2_UP, f, len, PUNT_LOCAL, T0), 1);
	assert_int_equal(stats(fx).echo_replies, 1);
	free(f);
}

static void
test_ha_local_other_reasons_and_ports(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, PUNT_VRRP), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, 0), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, 6), 0);
	assert_int_equal(INPUT(fx, P_L2_UP, f_arp_request, -1), 0);
	assert_int_equal(INPUT(fx, HA_LOCAL_MAX_PORTS, f_arp_request, PUNT_ARP), 0);
	assert_int_equal(INPUT(fx, 1000000, f_echo4_request, PUNT_LOCAL), 0);
	assert_int_equal(stats(fx).rx_other, 6);
	assert_int_equal(stats(fx).rx_arp, 0);
	assert_int_equal(fx->n_emit, 0);
	/* An empty frame is refused whatever the reason, and not read. */
	assert_int_equal(input(fx, P_L2_UP, f_arp_request, 0, PUNT_ARP, T0), 0);
	assert_int_equal(input(fx, P_L2_UP, f_arp_request, 0, PUNT_ND, T0), 0);
	assert_int_equal(input(fx, P_L2_UP, f_arp_request, 0, PUNT_LOCAL, T0), 0);
	assert_int_equal(input(fx, P_L2_UP, f_arp_request, 0, PUNT_UNRESOLVED, T0), 0);
	assert_int_equal(stats(fx).rejected[HA_PKT_TRUNCATED], 4);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_local_create_needs_emit),
		T(test_ha_local_addrs_set_refuses_bad_sets),
		T(test_ha_local_ports_set_refuses_bad_ports),
		T(test_ha_local_arp_request_for_vip_answered),
		T(test_ha_local_arp_only_on_the_owning_port),
		T(test_ha_local_arp_to_another_mac_ignored),
		T(test_ha_local_arp_conflicts_and_own_frames),
		T(test_ha_local_arp_probe_answered),
		T(test_ha_local_arp_l3_learns_on_subnet),
		T(test_ha_local_arp_l3_learn_refused),
		T(test_ha_local_arp_malformed_counted_by_kind),
		T(test_ha_local_ns_for_vip_answered),
		T(test_ha_local_ns_only_for_owned_on_port),
		T(test_ha_local_ns_l3_answers_and_learns),
		T(test_ha_local_na_l3_learns),
		T(test_ha_local_na_conflicts),
		T(test_ha_local_nd_malformed_counted_by_kind),
		T(test_ha_local_echo_replies_bit_exact),
		T(test_ha_local_echo_only_where_allowed),
		T(test_ha_local_local_non_echo_counted),
		T(test_ha_local_unresolved_asks_bit_exact),
		T(test_ha_local_unresolved_gateway_source),
		T(test_ha_local_unresolved_rate_limited),
		T(test_ha_local_unresolved_table_bounded),
		T(test_ha_local_unresolved_no_route),
		T(test_ha_local_unresolved_no_source),
		T(test_ha_local_announce_bit_exact),
		T(test_ha_local_emit_failure_counted),
		T(test_ha_local_echo_too_big_counted),
		T(test_ha_local_other_reasons_and_ports),
	};
#undef T

	return cmocka_run_group_tests_name("ha_local", tests, NULL, NULL);
}
