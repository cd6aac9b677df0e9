/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parser: every kind of valid frame with every field checked, every parser drop reason
 * from at least one malformed frame, and every valid frame cut at every length. Frames are
 * built here by small helpers and parsed from the very end of a page followed by an
 * inaccessible page, so a read past the end of a frame crashes the test in any build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_pkt.h"

#define FRAME_MAX 4096
#define AREA_MAX (14 + 40 + 65535) /* the longest frame any test parses */

#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define ET_ARP 0x0806
#define ET_LLDP 0x88cc
#define ET_8021Q 0x8100
#define ET_8021AD 0x88a8
#define ET_9100 0x9100

#define P_HOPOPTS 0
#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ROUTING 43
#define P_FRAGMENT 44
#define P_GRE 47
#define P_ESP 50
#define P_AH 51
#define P_ICMPV6 58
#define P_NONE 59
#define P_DSTOPTS 60
#define P_VRRP 112
#define P_SCTP 132

#define ND_NS 135
#define ND_NA 136

#define TH_SYN 0x02
#define TH_ACK 0x10
#define IP_MF 0x2000
#define IP_DF 0x4000

/* A frame under construction and what the builder knows about it. */
struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
	size_t l3;     /* offset of the IP header */
	size_t ip_end; /* end of the IP packet, set by finish() */
	int family;
};

static const uint8_t v4_src[4] = { 198, 51, 100, 7 };
static const uint8_t v4_dst[4] = { 203, 0, 113, 9 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x12, [15] = 0x01 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x07, [15] = 0x02 };

static void
put8(struct frame *f, unsigned int v)
{
	assert_true(f->len < FRAME_MAX);
	f->b[f->len++] = (uint8_t)v;
}

static void
put16(struct frame *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
put_bytes(struct frame *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, p[i]);
}

static void
put_fill(struct frame *f, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		put8(f, v);
}

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02 };

	memset(f, 0, sizeof(*f));
	put_bytes(f, macs, sizeof(macs));
	put16(f, type);
}

/* One VLAN tag: the TCI, then the ethertype that follows it. */
static void
tag(struct frame *f, uint16_t tci, uint16_t type)
{
	put16(f, tci);
	put16(f, type);
}

/* An IPv4 header with @n_opt option bytes (a multiple of 4); finish() sets its length. */
static void
ipv4(struct frame *f, uint8_t proto, uint16_t frag, const uint8_t *opt, size_t n_opt)
{
	assert_int_equal(n_opt % 4, 0);
	f->l3 = f->len;
	f->family = 4;
	put8(f, 0x40 | (5 + n_opt / 4));
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put_bytes(f, v4_src, 4);
	put_bytes(f, v4_dst, 4);
	put_bytes(f, opt, n_opt);
}

static void
ipv6(struct frame *f, uint8_t nh)
{
	f->l3 = f->len;
	f->family = 6;
	put8(f, 0x60);
	put8(f, 0);
	put16(f, 0x1234);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	put_bytes(f, v6_src, 16);
	put_bytes(f, v6_dst, 16);
}

/* Hop-by-hop, routing or destination options: (@units + 1) * 8 bytes. */
static void
ext6(struct frame *f, uint8_t nh, uint8_t units)
{
	put8(f, nh);
	put8(f, units);
	put_fill(f, (units + 1u) * 8 - 2, 0);
}

/* Authentication header: (@n + 2) * 4 bytes. */
static void
ah6(struct frame *f, uint8_t nh, uint8_t n)
{
	put8(f, nh);
	put8(f, n);
	put_fill(f, (n + 2u) * 4 - 2, 0x11);
}

static void
frag6(struct frame *f, uint8_t nh, uint16_t off8, bool more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, (unsigned int)off8 << 3 | (more ? 1 : 0));
	put16(f, 0xdead);
	put16(f, 0xbeef);
}

/* A TCP header with @n_opt option bytes (a multiple of 4). */
static void
tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags, size_t n_opt)
{
	assert_int_equal(n_opt % 4, 0);
	put16(f, sport);
	put16(f, dport);
	put16(f, 0x0102);
	put16(f, 0x0304);
	put16(f, 0);
	put16(f, 0);
	put8(f, (unsigned int)((20 + n_opt) / 4) << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	for (size_t i = 0; i < n_opt; i++)
		put8(f, 1); /* NOP */
}

static void
udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, 8);
	put16(f, 0);
}

static void
icmp(struct frame *f, uint8_t type, uint8_t code)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put16(f, 0x0001);
	put16(f, 0x0002);
}

static void
payload(struct frame *f, size_t n)
{
	put_fill(f, n, 0x5a);
}

/* Write the IP length: everything added since the IP header belongs to the packet. */
static void
finish(struct frame *f)
{
	size_t n = f->len - f->l3;

	f->ip_end = f->len;
	if (f->family == 4) {
		f->b[f->l3 + 2] = (uint8_t)(n >> 8);
		f->b[f->l3 + 3] = (uint8_t)n;
	} else {
		f->b[f->l3 + 4] = (uint8_t)((n - 40) >> 8);
		f->b[f->l3 + 5] = (uint8_t)(n - 40);
	}
}

/* The parser reads from the end of this area; the page after it is inaccessible. */
static uint8_t *area;
static size_t area_len;
static size_t page_len;

static int
setup(void **state)
{
	(void)state;
	page_len = (size_t)sysconf(_SC_PAGESIZE);
	area_len = (AREA_MAX + page_len - 1) / page_len * page_len;
	area = mmap(NULL, area_len + page_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	            -1, 0);
	if (area == MAP_FAILED)
		return -1;
	return mprotect(area + area_len, page_len, PROT_NONE);
}

static int
teardown(void **state)
{
	(void)state;
	return munmap(area, area_len + page_len);
}

/* Parse @len bytes placed right before the guard page; @pkt starts full of junk. */
static const char *
parse(const uint8_t *data, size_t len, struct dp_pkt *pkt)
{
	uint8_t *p = area + area_len - len;

	assert_true(len <= area_len);
	memmove(p, data, len);
	memset(pkt, 0xa5, sizeof(*pkt));
	return dp_drop_reason_name(dp_pkt_parse(p, len, pkt));
}

static void
expect_fields(const struct dp_pkt *got, const struct dp_pkt *want)
{
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->tcp_flags, want->tcp_flags);
	assert_int_equal(got->frag, want->frag);
	assert_int_equal(got->icmp_type, want->icmp_type);
	assert_int_equal(got->n_vlans, want->n_vlans);
	assert_int_equal(got->ethertype, want->ethertype);
	assert_int_equal(got->vlan[0], want->vlan[0]);
	assert_int_equal(got->vlan[1], want->vlan[1]);
	assert_int_equal(got->sport, want->sport);
	assert_int_equal(got->dport, want->dport);
	assert_int_equal(got->l3_len, want->l3_len);
	assert_int_equal(got->l3_off, want->l3_off);
	assert_int_equal(got->l4_off, want->l4_off);
	assert_memory_equal(got->src, want->src, sizeof(got->src));
	assert_memory_equal(got->dst, want->dst, sizeof(got->dst));
	assert_int_equal(got->vrid, want->vrid);
	assert_memory_equal(got->nd_target, want->nd_target, sizeof(got->nd_target));
}

static void
expect_ok(const struct frame *f, const struct dp_pkt *want)
{
	struct dp_pkt got;

	assert_string_equal(parse(f->b, f->len, &got), "none");
	expect_fields(&got, want);
}

static void
expect_drop(const struct frame *f, const char *reason)
{
	struct dp_pkt got;

	assert_string_equal(parse(f->b, f->len, &got), reason);
}

/* The expected result for an IP packet; the caller adds what the L4 header yields. */
static struct dp_pkt
want_ip(int family, uint8_t proto, uint16_t l3_off, uint16_t l3_len, uint16_t l4_off)
{
	struct dp_pkt w;

	memset(&w, 0, sizeof(w));
	w.family = (uint8_t)family;
	w.proto = proto;
	w.ethertype = family == 4 ? ET_IPV4 : ET_IPV6;
	w.l3_off = l3_off;
	w.l3_len = l3_len;
	w.l4_off = l4_off;
	if (family == 4) {
		memcpy(w.src, v4_src, 4);
		memcpy(w.dst, v4_dst, 4);
	} else {
		memcpy(w.src, v6_src, 16);
		memcpy(w.dst, v6_dst, 16);
	}
	return w;
}

static struct dp_pkt
want_l2(uint16_t ethertype, uint16_t l3_off)
{
	struct dp_pkt w;

	memset(&w, 0, sizeof(w));
	w.ethertype = ethertype;
	w.l3_off = l3_off;
	return w;
}

/* Frames used by several tests, and by the truncation loop. */

static void
build_v4_tcp(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_TCP, IP_DF, NULL, 0);
	tcp(f, 40000, 80, TH_SYN, 0);
	payload(f, 10);
	finish(f);
}

/* Record route (7 bytes), NOP, then EOL and bytes after it that would not parse as options. */
static const uint8_t v4_opts[12] = { 7, 7, 4, 0, 0, 0, 0, 1, 0, 0xff, 0xff, 0xff };

static void
build_v4_tcp_options(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_TCP, 0, v4_opts, sizeof(v4_opts));
	tcp(f, 443, 51000, TH_SYN | TH_ACK, 12);
	finish(f);
}

static void
build_v4_udp_padded(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_UDP, 0, NULL, 0);
	udp(f, 53, 33333);
	payload(f, 2);
	finish(f);
	put_fill(f, 60 - f->len, 0xee);
}

static void
build_v4_icmp(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_ICMP, 0, NULL, 0);
	icmp(f, 8, 0);
	payload(f, 32);
	finish(f);
}

static void
build_qinq_v4_tcp(struct frame *f)
{
	eth(f, ET_8021AD);
	tag(f, 300, ET_8021Q);
	tag(f, 0xa02a, ET_IPV4); /* PCP 5, VID 42 */
	ipv4(f, P_TCP, 0, NULL, 0);
	tcp(f, 1234, 22, TH_ACK, 0);
	finish(f);
}

static void
build_v4_frag_first(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_UDP, IP_MF, NULL, 0);
	udp(f, 5000, 6000);
	payload(f, 16);
	finish(f);
}

static void
build_v4_frag_later(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_UDP, 185, NULL, 0);
	udp(f, 5000, 6000); /* looks like a UDP header, but it is payload */
	payload(f, 16);
	finish(f);
}

static void
build_v6_tcp(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_TCP);
	tcp(f, 50000, 443, TH_SYN, 20);
	finish(f);
}

static void
build_v6_icmp(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_ICMPV6);
	icmp(f, 128, 0);
	finish(f);
}

/* Hop-by-hop, routing, destination options, AH, then UDP. */
static void
build_v6_ext_chain(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_HOPOPTS);
	ext6(f, P_ROUTING, 0);
	ext6(f, P_DSTOPTS, 1);
	ext6(f, P_AH, 0);
	ah6(f, P_UDP, 4);
	udp(f, 123, 123);
	payload(f, 4);
	finish(f);
}

static void
build_v6_frag_first(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_FRAGMENT);
	frag6(f, P_UDP, 0, true);
	udp(f, 4500, 500);
	payload(f, 8);
	finish(f);
}

static void
build_v6_frag_later(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_FRAGMENT);
	frag6(f, P_TCP, 2, true);
	tcp(f, 1, 2, TH_SYN, 0); /* payload that looks like TCP */
	finish(f);
}

/* An ARP body: hardware type @htype, protocol @ptype with addresses of @plen bytes. */
static void
arp(struct frame *f, uint16_t htype, uint16_t ptype, uint8_t plen, uint16_t op)
{
	put16(f, htype);
	put16(f, ptype);
	put8(f, 6);
	put8(f, plen);
	put16(f, op);
	put_fill(f, 6, 0x02);
	put_bytes(f, v4_src, 4);
	put_fill(f, 6, 0);
	put_bytes(f, v4_dst, 4);
}

static void
build_vlan_arp(struct frame *f)
{
	eth(f, ET_8021Q);
	tag(f, 7, ET_ARP);
	arp(f, 1, ET_IPV4, 4, 1); /* an Ethernet/IPv4 request */
	put_fill(f, 60 - f->len, 0);
}

/* A VRRPv3 advertisement (RFC 9568 5.1) for VRID @vrid with one address of @n_addr bytes. */
static void
vrrp(struct frame *f, uint8_t vrid, size_t n_addr)
{
	put8(f, 0x31); /* version 3, type 1 */
	put8(f, vrid);
	put8(f, 150);
	put8(f, 1);
	put16(f, 100); /* centiseconds */
	put16(f, 0);
	put_fill(f, n_addr, 0x64);
}

static void
build_v4_vrrp(struct frame *f)
{
	eth(f, ET_IPV4);
	ipv4(f, P_VRRP, 0, NULL, 0);
	vrrp(f, 51, 4);
	finish(f);
	put_fill(f, 60 - f->len, 0);
}

static void
build_v6_vrrp(struct frame *f)
{
	eth(f, ET_IPV6);
	ipv6(f, P_VRRP);
	vrrp(f, 200, 16);
	finish(f);
}

static const uint8_t nd_tgt[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x00 };

/* A neighbour solicitation or advertisement for nd_tgt with a link-layer address option. */
static void
build_v6_nd(struct frame *f, uint8_t type)
{
	eth(f, ET_IPV6);
	ipv6(f, P_ICMPV6);
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put16(f, type == ND_NA ? 0x6000 : 0); /* solicited, override */
	put16(f, 0);
	put_bytes(f, nd_tgt, 16);
	put8(f, type == ND_NA ? 2 : 1);
	put8(f, 1);
	put_fill(f, 6, 0x02);
	finish(f);
}

static void
build_v6_ns(struct frame *f)
{
	build_v6_nd(f, ND_NS);
}

static void
build_v6_na(struct frame *f)
{
	build_v6_nd(f, ND_NA);
}

static void
build_lldp(struct frame *f)
{
	eth(f, ET_LLDP);
	put16(f, 0x0207); /* chassis ID TLV, as far as it goes */
}

static void
test_dp_pkt_parse_ipv4_tcp(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_tcp(&f);
	w = want_ip(4, P_TCP, 14, 50, 34);
	w.sport = 40000;
	w.dport = 80;
	w.tcp_flags = TH_SYN;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv4_options_and_tcp_options(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_tcp_options(&f);
	w = want_ip(4, P_TCP, 14, 32 + 32, 14 + 32);
	w.sport = 443;
	w.dport = 51000;
	w.tcp_flags = TH_SYN | TH_ACK;
	expect_ok(&f, &w);

	/* Only NOPs up to the end of the header, with no EOL, are fine too. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 0, (const uint8_t[]){ 1, 1, 1, 1 }, 4);
	tcp(&f, 443, 51000, TH_SYN | TH_ACK, 12);
	finish(&f);
	w = want_ip(4, P_TCP, 14, 24 + 32, 14 + 24);
	w.sport = 443;
	w.dport = 51000;
	w.tcp_flags = TH_SYN | TH_ACK;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv4_udp_padded(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_udp_padded(&f);
	assert_int_equal(f.len, 60);
	w = want_ip(4, P_UDP, 14, 30, 34);
	w.sport = 53;
	w.dport = 33333;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv4_icmp(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_icmp(&f);
	w = want_ip(4, P_ICMP, 14, 60, 34);
	w.icmp_type = 8;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv4_other_protocol_empty(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	/* GRE with no payload at all: no L4 requirement for protocols the parser does not know. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_GRE, 0, NULL, 0);
	finish(&f);
	w = want_ip(4, P_GRE, 14, 20, 34);
	expect_ok(&f, &w);

	/* ICMPv6's number under IPv4 is just another protocol. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_ICMPV6, 0, NULL, 0);
	payload(&f, 2);
	finish(&f);
	w = want_ip(4, P_ICMPV6, 14, 22, 34);
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_vlan_one_tag(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	eth(&f, ET_8021Q);
	tag(&f, 0x2064, ET_IPV4); /* PCP 1, VID 100 */
	ipv4(&f, P_UDP, 0, NULL, 0);
	udp(&f, 1000, 2000);
	finish(&f);
	w = want_ip(4, P_UDP, 18, 28, 38);
	w.n_vlans = 1;
	w.vlan[0] = 100;
	w.sport = 1000;
	w.dport = 2000;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_vlan_two_tags(void **state)
{
	static const uint16_t outer[] = { ET_8021Q, ET_8021AD, ET_9100 };
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_qinq_v4_tcp(&f);
	w = want_ip(4, P_TCP, 22, 40, 42);
	w.n_vlans = 2;
	w.vlan[0] = 300;
	w.vlan[1] = 42;
	w.sport = 1234;
	w.dport = 22;
	w.tcp_flags = TH_ACK;
	expect_ok(&f, &w);

	/* Every outer TPID, with a single-tag TPID inside, over IPv6. */
	for (size_t i = 0; i < sizeof(outer) / sizeof(outer[0]); i++) {
		eth(&f, outer[i]);
		tag(&f, 4095, ET_8021Q);
		tag(&f, 1, ET_IPV6);
		ipv6(&f, P_UDP);
		udp(&f, 7, 9);
		finish(&f);
		w = want_ip(6, P_UDP, 22, 48, 62);
		w.n_vlans = 2;
		w.vlan[0] = 4095;
		w.vlan[1] = 1;
		w.sport = 7;
		w.dport = 9;
		expect_ok(&f, &w);
	}
}

static void
test_dp_pkt_parse_ipv4_fragments(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_frag_first(&f);
	w = want_ip(4, P_UDP, 14, 44, 34);
	w.frag = DP_FRAG_FIRST;
	w.sport = 5000;
	w.dport = 6000;
	expect_ok(&f, &w);

	build_v4_frag_later(&f);
	w = want_ip(4, P_UDP, 14, 44, 0);
	w.frag = DP_FRAG_LATER;
	expect_ok(&f, &w);

	/* The last fragment (no MF) is a later one too, and so is a TCP one past offset 1. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 2, NULL, 0);
	tcp(&f, 1, 2, TH_SYN, 0);
	finish(&f);
	w = want_ip(4, P_TCP, 14, 40, 0);
	w.frag = DP_FRAG_LATER;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv6_tcp_udp_icmp(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v6_tcp(&f);
	w = want_ip(6, P_TCP, 14, 80, 54);
	w.sport = 50000;
	w.dport = 443;
	w.tcp_flags = TH_SYN;
	expect_ok(&f, &w);

	build_v6_icmp(&f);
	w = want_ip(6, P_ICMPV6, 14, 48, 54);
	w.icmp_type = 128;
	expect_ok(&f, &w);

	eth(&f, ET_IPV6);
	ipv6(&f, P_UDP);
	udp(&f, 547, 546);
	payload(&f, 100);
	finish(&f);
	put_fill(&f, 7, 0xff); /* trailing bytes past the payload length */
	w = want_ip(6, P_UDP, 14, 148, 54);
	w.sport = 547;
	w.dport = 546;
	expect_ok(&f, &w);

	/* IPv4's ICMP number under IPv6 is just another protocol: 2 bytes are fine. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ICMP);
	payload(&f, 2);
	finish(&f);
	w = want_ip(6, P_ICMP, 14, 42, 54);
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv6_each_extension(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	eth(&f, ET_IPV6);
	ipv6(&f, P_HOPOPTS);
	ext6(&f, P_TCP, 0);
	tcp(&f, 10, 20, TH_SYN, 0);
	finish(&f);
	w = want_ip(6, P_TCP, 14, 68, 62);
	w.sport = 10;
	w.dport = 20;
	w.tcp_flags = TH_SYN;
	expect_ok(&f, &w);

	eth(&f, ET_IPV6);
	ipv6(&f, P_ROUTING);
	ext6(&f, P_UDP, 2);
	udp(&f, 10, 20);
	finish(&f);
	w = want_ip(6, P_UDP, 14, 72, 78);
	w.sport = 10;
	w.dport = 20;
	expect_ok(&f, &w);

	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	ext6(&f, P_ICMPV6, 0);
	icmp(&f, 135, 0);
	finish(&f);
	w = want_ip(6, P_ICMPV6, 14, 56, 62);
	w.icmp_type = 135;
	expect_ok(&f, &w);

	eth(&f, ET_IPV6);
	ipv6(&f, P_AH);
	ah6(&f, P_UDP, 1); /* 12 bytes */
	udp(&f, 10, 20);
	finish(&f);
	w = want_ip(6, P_UDP, 14, 60, 66);
	w.sport = 10;
	w.dport = 20;
	expect_ok(&f, &w);

	/* All four, each behind the previous one. */
	build_v6_ext_chain(&f);
	w = want_ip(6, P_UDP, 14, 40 + 8 + 16 + 8 + 24 + 8 + 4, 14 + 40 + 8 + 16 + 8 + 24);
	w.sport = 123;
	w.dport = 123;
	expect_ok(&f, &w);

	/* Exactly DP_IPV6_MAX_EXT headers is still fine. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	for (int i = 0; i < DP_IPV6_MAX_EXT; i++)
		ext6(&f, i == DP_IPV6_MAX_EXT - 1 ? P_UDP : P_DSTOPTS, 0);
	udp(&f, 10, 20);
	finish(&f);
	w = want_ip(6, P_UDP, 14, 40 + 8 * DP_IPV6_MAX_EXT + 8, 54 + 8 * DP_IPV6_MAX_EXT);
	w.sport = 10;
	w.dport = 20;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv6_chain_ends(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	/* No next header: nothing to parse behind it, even if bytes follow. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	ext6(&f, P_NONE, 0);
	payload(&f, 20);
	finish(&f);
	w = want_ip(6, P_NONE, 14, 68, 0);
	expect_ok(&f, &w);

	/* ESP ends the chain: its payload is encrypted, no ports. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ESP);
	payload(&f, 24);
	finish(&f);
	w = want_ip(6, P_ESP, 14, 64, 54);
	expect_ok(&f, &w);

	/* An unknown protocol behind an extension header ends it the same way. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ROUTING);
	ext6(&f, P_SCTP, 0);
	payload(&f, 12);
	finish(&f);
	w = want_ip(6, P_SCTP, 14, 60, 62);
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv6_fragments(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v6_frag_first(&f);
	w = want_ip(6, P_UDP, 14, 64, 62);
	w.frag = DP_FRAG_FIRST;
	w.sport = 4500;
	w.dport = 500;
	expect_ok(&f, &w);

	build_v6_frag_later(&f);
	w = want_ip(6, P_TCP, 14, 68, 0);
	w.frag = DP_FRAG_LATER;
	expect_ok(&f, &w);

	/* An atomic fragment (offset 0, no M) is a whole packet. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_HOPOPTS);
	ext6(&f, P_FRAGMENT, 0);
	frag6(&f, P_TCP, 0, false);
	tcp(&f, 8080, 80, TH_ACK, 0);
	finish(&f);
	w = want_ip(6, P_TCP, 14, 76, 70);
	w.sport = 8080;
	w.dport = 80;
	w.tcp_flags = TH_ACK;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_ipv6_longest(void **state)
{
	uint8_t *big = calloc(1, AREA_MAX);
	struct dp_pkt got;
	struct frame f;

	(void)state;
	assert_non_null(big);
	eth(&f, ET_IPV6);
	ipv6(&f, P_UDP);
	udp(&f, 1, 2);
	memcpy(big, f.b, f.len);

	/* Payload length 65495: a packet of 65535 bytes, the most l3_len can say. */
	big[18] = 0xff;
	big[19] = 0xd7;
	assert_string_equal(parse(big, 14 + 65535, &got), "none");
	assert_int_equal(got.l3_len, 65535);
	assert_int_equal(got.l4_off, 54);
	assert_int_equal(got.dport, 2);

	/* Beyond that the length cannot be reported: dropped rather than wrapped. */
	big[19] = 0xd8;
	assert_string_equal(parse(big, AREA_MAX, &got), "ipv6_length");
	big[19] = 0xff;
	assert_string_equal(parse(big, AREA_MAX, &got), "ipv6_length");
	free(big);
}

static void
test_dp_pkt_parse_non_ip(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_vlan_arp(&f);
	w = want_l2(ET_ARP, 18);
	w.n_vlans = 1;
	w.vlan[0] = 7;
	memcpy(w.src, v4_src, 4);
	memcpy(w.dst, v4_dst, 4);
	expect_ok(&f, &w);

	/* ARP with exactly its 28 bytes and no padding. */
	build_vlan_arp(&f);
	f.len = 18 + 28;
	expect_ok(&f, &w);

	build_lldp(&f);
	w = want_l2(ET_LLDP, 14);
	expect_ok(&f, &w);

	/* A bare Ethernet header of an unknown type. */
	eth(&f, 0x88b5);
	w = want_l2(0x88b5, 14);
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_arp_addresses(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	/* A reply reads the same way as a request: sender and target IPv4 addresses. */
	eth(&f, ET_ARP);
	arp(&f, 1, ET_IPV4, 4, 2);
	w = want_l2(ET_ARP, 14);
	memcpy(w.src, v4_src, 4);
	memcpy(w.dst, v4_dst, 4);
	expect_ok(&f, &w);

	/* Another hardware type, another protocol or another address length: passed on, with
	 * no addresses, so it can never be taken for one of the node's. */
	w = want_l2(ET_ARP, 14);
	eth(&f, ET_ARP);
	arp(&f, 6, ET_IPV4, 4, 1);
	expect_ok(&f, &w);
	eth(&f, ET_ARP);
	arp(&f, 1, ET_IPV6, 4, 1);
	expect_ok(&f, &w);
	eth(&f, ET_ARP);
	arp(&f, 1, ET_IPV4, 16, 1);
	expect_ok(&f, &w);
	eth(&f, ET_ARP);
	arp(&f, 1, ET_IPV4, 4, 1);
	f.b[14 + 4] = 8; /* hardware address length */
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_vrrp(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v4_vrrp(&f);
	w = want_ip(4, P_VRRP, 14, 32, 34);
	w.vrid = 51;
	expect_ok(&f, &w);

	build_v6_vrrp(&f);
	w = want_ip(6, P_VRRP, 14, 64, 54);
	w.vrid = 200;
	expect_ok(&f, &w);

	/* Exactly the fixed header, no address: the VRID is there, the count is the codec's
	 * business. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_VRRP, 0, NULL, 0);
	vrrp(&f, 7, 0);
	finish(&f);
	w = want_ip(4, P_VRRP, 14, 28, 34);
	w.vrid = 7;
	expect_ok(&f, &w);

	/* Seven bytes: no room for the fixed header. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_VRRP, 0, NULL, 0);
	vrrp(&f, 7, 0);
	f.len--;
	finish(&f);
	expect_drop(&f, "l4_header");

	eth(&f, ET_IPV6);
	ipv6(&f, P_VRRP);
	payload(&f, 4);
	finish(&f);
	expect_drop(&f, "l4_header");

	/* A later fragment has no VRRP header to read. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_VRRP, 3, NULL, 0);
	vrrp(&f, 9, 4);
	finish(&f);
	w = want_ip(4, P_VRRP, 14, 32, 0);
	w.frag = 2; /* DP_FRAG_LATER */
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_nd_target(void **state)
{
	struct frame f;
	struct dp_pkt w;

	(void)state;
	build_v6_ns(&f);
	w = want_ip(6, P_ICMPV6, 14, 72, 54);
	w.icmp_type = ND_NS;
	memcpy(w.nd_target, nd_tgt, 16);
	expect_ok(&f, &w);

	build_v6_na(&f);
	w.icmp_type = ND_NA;
	expect_ok(&f, &w);

	/* A solicitation too short for its target is not refused; it has no target. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ICMPV6);
	icmp(&f, ND_NS, 0);
	payload(&f, 8);
	finish(&f);
	w = want_ip(6, P_ICMPV6, 14, 56, 54);
	w.icmp_type = ND_NS;
	expect_ok(&f, &w);

	/* Router solicitations and echo requests have no target either. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ICMPV6);
	icmp(&f, 133, 0);
	payload(&f, 24);
	finish(&f);
	w = want_ip(6, P_ICMPV6, 14, 72, 54);
	w.icmp_type = 133;
	expect_ok(&f, &w);

	/* 135 is not neighbour discovery under IPv4's ICMP. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_ICMP, 0, NULL, 0);
	icmp(&f, ND_NS, 0);
	payload(&f, 24);
	finish(&f);
	w = want_ip(4, P_ICMP, 14, 52, 34);
	w.icmp_type = ND_NS;
	expect_ok(&f, &w);
}

static void
test_dp_pkt_parse_l4_measured_against_ip_length(void **state)
{
	struct frame f;

	(void)state;
	/* The frame holds a whole TCP header, the IPv4 packet only 10 bytes of it. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 0, NULL, 0);
	tcp(&f, 1, 2, TH_SYN, 0);
	f.len -= 10;
	finish(&f);
	f.len += 10;
	expect_drop(&f, "l4_header");

	/* The same with UDP over IPv6. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_UDP);
	payload(&f, 4);
	finish(&f);
	payload(&f, 20);
	expect_drop(&f, "l4_header");

	/* TCP options past the IP length, inside the padding. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 0, NULL, 0);
	tcp(&f, 1, 2, TH_SYN, 8);
	f.len -= 8;
	finish(&f);
	f.len += 8;
	expect_drop(&f, "l4_header");
}

static void
test_dp_pkt_parse_truncated(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, ET_IPV4);
	f.len = 13;
	expect_drop(&f, "truncated");

	/* A tag announced, two of its four bytes there. */
	eth(&f, ET_8021Q);
	put16(&f, 5);
	expect_drop(&f, "truncated");

	build_v4_tcp(&f);
	f.len = 14 + 19;
	expect_drop(&f, "truncated");

	build_v6_tcp(&f);
	f.len = 14 + 39;
	expect_drop(&f, "truncated");

	build_vlan_arp(&f);
	f.len = 18 + 27;
	expect_drop(&f, "truncated");
}

static void
test_dp_pkt_parse_vlan_depth(void **state)
{
	struct frame f;

	(void)state;
	eth(&f, ET_8021AD);
	tag(&f, 1, ET_8021Q);
	tag(&f, 2, ET_8021Q);
	tag(&f, 3, ET_IPV4);
	ipv4(&f, P_UDP, 0, NULL, 0);
	udp(&f, 1, 2);
	finish(&f);
	expect_drop(&f, "vlan_depth");
}

static void
test_dp_pkt_parse_ip_version(void **state)
{
	struct frame f;

	(void)state;
	/* An IPv6 packet behind the IPv4 ethertype, and the other way round. */
	build_v6_tcp(&f);
	f.b[12] = 0x08;
	f.b[13] = 0x00;
	expect_drop(&f, "ip_version");

	build_v4_icmp(&f);
	f.b[12] = 0x86;
	f.b[13] = 0xdd;
	expect_drop(&f, "ip_version");

	build_v4_tcp(&f);
	f.b[14] = 0x05;
	expect_drop(&f, "ip_version");
}

static void
test_dp_pkt_parse_ipv4_ihl(void **state)
{
	struct frame f;

	(void)state;
	build_v4_tcp(&f);
	f.b[14] = 0x44;
	expect_drop(&f, "ipv4_ihl");

	/* 60 bytes of header announced, 50 bytes in the frame. */
	build_v4_tcp(&f);
	f.b[14] = 0x4f;
	expect_drop(&f, "ipv4_ihl");
}

static void
test_dp_pkt_parse_ipv4_length(void **state)
{
	struct frame f;

	(void)state;
	build_v4_tcp(&f);
	f.b[16] = 0;
	f.b[17] = 19;
	expect_drop(&f, "ipv4_length");

	/* One byte more than the frame holds. */
	build_v4_tcp(&f);
	f.b[17]++;
	expect_drop(&f, "ipv4_length");

	/* Below the header length with options. */
	build_v4_tcp_options(&f);
	f.b[16] = 0;
	f.b[17] = 28;
	expect_drop(&f, "ipv4_length");
}

static void
test_dp_pkt_parse_ipv4_options(void **state)
{
	static const uint8_t bad[][8] = {
		{ 7, 1, 0, 0, 0, 0, 0, 0 },    /* length below 2 */
		{ 1, 1, 0x44, 0, 0, 0, 0, 0 }, /* length 0 */
		{ 1, 1, 1, 7, 6, 4, 0, 0 },    /* past the header */
		{ 1, 1, 1, 1, 1, 1, 1, 0x83 }, /* no room for the length */
		{ 0x94, 4, 0, 0, 7, 9, 4, 0 }, /* router alert fine, then past the header */
	};
	struct frame f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		eth(&f, ET_IPV4);
		ipv4(&f, P_UDP, 0, bad[i], sizeof(bad[i]));
		udp(&f, 1, 2);
		finish(&f);
		expect_drop(&f, "ipv4_options");

		/* The options end the frame: a walk past them would hit the guard page. */
		eth(&f, ET_IPV4);
		ipv4(&f, P_GRE, 0, bad[i], sizeof(bad[i]));
		finish(&f);
		expect_drop(&f, "ipv4_options");
	}
}

static void
test_dp_pkt_parse_ipv6_length(void **state)
{
	struct frame f;

	(void)state;
	build_v6_tcp(&f);
	f.b[19]++;
	expect_drop(&f, "ipv6_length");

	/* A jumbogram: payload length 0, hop-by-hop with the jumbo payload option (RFC 2675). */
	eth(&f, ET_IPV6);
	ipv6(&f, P_HOPOPTS);
	put8(&f, P_UDP);
	put8(&f, 0);
	put8(&f, 0xc2);
	put8(&f, 4);
	put16(&f, 0);
	put16(&f, 8 + 8 + 4);
	udp(&f, 1, 2);
	payload(&f, 4);
	expect_drop(&f, "ipv6_length");
}

static void
test_dp_pkt_parse_ipv6_ext(void **state)
{
	struct frame f;

	(void)state;
	/* Hop-by-hop after another header. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	ext6(&f, P_HOPOPTS, 0);
	ext6(&f, P_UDP, 0);
	udp(&f, 1, 2);
	finish(&f);
	expect_drop(&f, "ipv6_ext");

	/* One header more than DP_IPV6_MAX_EXT. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	for (int i = 0; i < DP_IPV6_MAX_EXT + 1; i++)
		ext6(&f, i == DP_IPV6_MAX_EXT ? P_UDP : P_DSTOPTS, 0);
	udp(&f, 1, 2);
	finish(&f);
	expect_drop(&f, "ipv6_ext");

	/* A routing header announcing 24 bytes with 16 left in the payload. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_ROUTING);
	ext6(&f, P_UDP, 2);
	f.len -= 8;
	finish(&f);
	payload(&f, 8); /* in the frame, not in the packet */
	expect_drop(&f, "ipv6_ext");

	/* Fewer than 8 bytes left for a header. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_AH);
	payload(&f, 6);
	finish(&f);
	expect_drop(&f, "ipv6_ext");

	/* An AH longer than the payload. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_AH);
	ah6(&f, P_UDP, 4);
	f.b[f.l3 + 41] = 5;
	finish(&f);
	expect_drop(&f, "ipv6_ext");

	/* Two fragment headers. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_FRAGMENT);
	frag6(&f, P_FRAGMENT, 0, true);
	frag6(&f, P_UDP, 0, true);
	udp(&f, 1, 2);
	finish(&f);
	expect_drop(&f, "ipv6_ext");
}

static void
test_dp_pkt_parse_fragment_bad(void **state)
{
	struct frame f;

	(void)state;
	/* First IPv4 fragment with 16 bytes of TCP: no flags (the tiny-fragment attack). */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, IP_MF, NULL, 0);
	tcp(&f, 1, 2, TH_SYN, 0);
	f.len -= 4;
	finish(&f);
	expect_drop(&f, "fragment_bad");

	/* First fragment whose TCP options run past it. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, IP_MF, NULL, 0);
	tcp(&f, 1, 2, TH_SYN, 12);
	f.len -= 4;
	finish(&f);
	expect_drop(&f, "fragment_bad");

	/* TCP at offset 1 overlaps the first fragment's flags (RFC 1858), MF or not. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 1, NULL, 0);
	payload(&f, 32);
	finish(&f);
	expect_drop(&f, "fragment_bad");
	f.b[14 + 6] = IP_MF >> 8;
	expect_drop(&f, "fragment_bad");

	eth(&f, ET_IPV4);
	ipv4(&f, P_ICMP, IP_MF, NULL, 0);
	payload(&f, 3);
	finish(&f);
	expect_drop(&f, "fragment_bad");

	/* First IPv6 fragment with 4 bytes of UDP. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_FRAGMENT);
	frag6(&f, P_UDP, 0, true);
	payload(&f, 4);
	finish(&f);
	expect_drop(&f, "fragment_bad");

	eth(&f, ET_IPV6);
	ipv6(&f, P_FRAGMENT);
	frag6(&f, P_TCP, 1, true);
	payload(&f, 32);
	finish(&f);
	expect_drop(&f, "fragment_bad");
}

static void
test_dp_pkt_parse_l4_header(void **state)
{
	struct frame f;

	(void)state;
	/* Data offset 4. */
	build_v4_tcp(&f);
	f.b[34 + 12] = 0x40;
	expect_drop(&f, "l4_header");

	/* Data offset 15 (60 bytes) with 30 in the packet. */
	build_v4_tcp(&f);
	f.b[34 + 12] = 0xf0;
	expect_drop(&f, "l4_header");

	build_v6_tcp(&f);
	f.b[54 + 12] = 0x30;
	expect_drop(&f, "l4_header");

	/* 19 bytes of TCP. */
	eth(&f, ET_IPV4);
	ipv4(&f, P_TCP, 0, NULL, 0);
	payload(&f, 19);
	finish(&f);
	expect_drop(&f, "l4_header");

	eth(&f, ET_IPV4);
	ipv4(&f, P_UDP, 0, NULL, 0);
	payload(&f, 7);
	finish(&f);
	expect_drop(&f, "l4_header");

	eth(&f, ET_IPV4);
	ipv4(&f, P_ICMP, 0, NULL, 0);
	payload(&f, 3);
	finish(&f);
	expect_drop(&f, "l4_header");

	eth(&f, ET_IPV6);
	ipv6(&f, P_DSTOPTS);
	ext6(&f, P_ICMPV6, 0);
	payload(&f, 3);
	finish(&f);
	expect_drop(&f, "l4_header");

	/* An atomic fragment is not a first fragment: a short header is the L4's fault. */
	eth(&f, ET_IPV6);
	ipv6(&f, P_FRAGMENT);
	frag6(&f, P_UDP, 0, false);
	payload(&f, 4);
	finish(&f);
	expect_drop(&f, "l4_header");
}

static void
test_dp_pkt_parse_drop_leaves_unreached_fields_zero(void **state)
{
	struct frame f;
	struct dp_pkt got;

	(void)state;
	/* A drop still leaves every field it did not reach at 0, not at the caller's junk. */
	build_v4_tcp(&f);
	f.b[34 + 12] = 0x40;
	assert_string_equal(parse(f.b, f.len, &got), "l4_header");
	assert_int_equal(got.family, 4);
	assert_int_equal(got.sport, 0);
	assert_int_equal(got.dport, 0);
	assert_int_equal(got.tcp_flags, 0);
	assert_int_equal(got.l4_off, 0);
	assert_int_equal(got.n_vlans, 0);
}

/* Every valid frame above, for the truncation loop. */
static void (*const builders[])(struct frame *) = {
	build_v4_tcp,      build_v4_tcp_options, build_v4_udp_padded, build_v4_icmp,
	build_qinq_v4_tcp, build_v4_frag_first,  build_v4_frag_later, build_v6_tcp,
	build_v6_icmp,     build_v6_ext_chain,   build_v6_frag_first, build_v6_frag_later,
	build_vlan_arp,    build_lldp,           build_v4_vrrp,       build_v6_vrrp,
	build_v6_ns,       build_v6_na,
};

/* What a frame cut to @cut bytes must be dropped for, or "none" once its headers are all in. */
static const char *
cut_reason(const struct frame *f, const struct dp_pkt *full, size_t cut)
{
	size_t l3 = full->l3_off, avail;

	if (cut < 14 || cut < l3)
		return "truncated";
	avail = cut - l3;
	if (f->family == 4) {
		if (avail < 20)
			return "truncated";
		if (avail < (f->b[l3] & 0x0fu) * 4)
			return "ipv4_ihl";
		return cut < f->ip_end ? "ipv4_length" : "none";
	}
	if (f->family == 6) {
		if (avail < 40)
			return "truncated";
		return cut < f->ip_end ? "ipv6_length" : "none";
	}
	if (full->ethertype == ET_ARP)
		return avail < 28 ? "truncated" : "none";
	return "none";
}

static void
test_dp_pkt_parse_every_truncation(void **state)
{
	struct dp_pkt full, got;
	struct frame f;
	size_t cuts = 0, drops = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++) {
		builders[i](&f);
		assert_string_equal(parse(f.b, f.len, &full), "none");
		if (f.family != 0) {
			/* The builder's idea of the packet and the parser's agree. */
			assert_int_equal(full.l3_off, f.l3);
			assert_int_equal(full.l3_off + full.l3_len, f.ip_end);
		}
		for (size_t cut = 0; cut < f.len; cut++) {
			const char *want = cut_reason(&f, &full, cut);

			assert_string_equal(parse(f.b, cut, &got), want);
			if (strcmp(want, "none") == 0)
				expect_fields(&got, &full);
			else
				drops++;
			cuts++;
		}
	}
	/* Most cuts land inside headers or the packet; only padding may go. */
	assert_true(cuts > 700);
	assert_true(drops > cuts - 60);
}

static void
test_dp_drop_reason_name_all(void **state)
{
	static const char *const names[] = {
		"none",        "truncated",         "vlan_depth",  "ip_version", "ipv4_ihl",
		"ipv4_length", "ipv4_options",      "ipv6_length", "ipv6_ext",   "fragment_bad",
		"l4_header",   "deny_prefix",       "blocklist",   "rule",       "rate_limit",
		"syn_flood",   "udp_amplification", "icmp_flood",  "fragment",   "default",
	};

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), DP_DROP__MAX);
	for (int r = 0; r < DP_DROP__MAX; r++)
		assert_string_equal(dp_drop_reason_name((enum dp_drop_reason)r), names[r]);
	assert_string_equal(dp_drop_reason_name(DP_DROP__MAX), "unknown");
	assert_string_equal(dp_drop_reason_name((enum dp_drop_reason)1000), "unknown");
	assert_string_equal(dp_drop_reason_name((enum dp_drop_reason)0xffffffffu), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_pkt_parse_ipv4_tcp),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_options_and_tcp_options),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_udp_padded),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_icmp),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_other_protocol_empty),
		cmocka_unit_test(test_dp_pkt_parse_vlan_one_tag),
		cmocka_unit_test(test_dp_pkt_parse_vlan_two_tags),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_fragments),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_tcp_udp_icmp),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_each_extension),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_chain_ends),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_fragments),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_longest),
		cmocka_unit_test(test_dp_pkt_parse_non_ip),
		cmocka_unit_test(test_dp_pkt_parse_arp_addresses),
		cmocka_unit_test(test_dp_pkt_parse_vrrp),
		cmocka_unit_test(test_dp_pkt_parse_nd_target),
		cmocka_unit_test(test_dp_pkt_parse_l4_measured_against_ip_length),
		cmocka_unit_test(test_dp_pkt_parse_truncated),
		cmocka_unit_test(test_dp_pkt_parse_vlan_depth),
		cmocka_unit_test(test_dp_pkt_parse_ip_version),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_ihl),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_length),
		cmocka_unit_test(test_dp_pkt_parse_ipv4_options),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_length),
		cmocka_unit_test(test_dp_pkt_parse_ipv6_ext),
		cmocka_unit_test(test_dp_pkt_parse_fragment_bad),
		cmocka_unit_test(test_dp_pkt_parse_l4_header),
		cmocka_unit_test(test_dp_pkt_parse_drop_leaves_unreached_fields_zero),
		cmocka_unit_test(test_dp_pkt_parse_every_truncation),
		cmocka_unit_test(test_dp_drop_reason_name_all),
	};

	return cmocka_run_group_tests_name("dataplane_pkt", tests, setup, teardown);
}
