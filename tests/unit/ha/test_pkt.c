/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP, neighbour discovery and echo codecs: every parser against reference frames made by
 * scapy (frames.h), every frame cut at every length, every refused field from a good frame
 * changed in that one field (checksums recomputed, so only the field under test is wrong),
 * and every builder compared byte for byte with scapy's frame. Parsers read frames placed at
 * the very end of a page followed by an inaccessible page, so a read past the end of a frame
 * crashes the test in any build.
 */
#include <errno.h>
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

#include "frames.h"
#include "ha_pkt.h"

#define FRAME_MAX 2048

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_n[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_v4[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
static const uint8_t mac_v6[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x33 };
static const uint8_t ip_h4[4] = { 198, 51, 100, 10 };
static const uint8_t ip_vip4[4] = { 198, 51, 100, 100 };
static const uint8_t ip_n4[4] = { 198, 51, 100, 1 };
static const uint8_t ip_g4[4] = { 198, 51, 100, 20 };
static const uint8_t ip_h6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
static const uint8_t ip_vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x00 };
static const uint8_t ip_n6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t ip_g6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x20 };
static const uint8_t ip6_unspec[16];

/* Offsets in the reference frames. */
#define ETH 14
#define ARP_OFF ETH
#define IP ETH
#define IP6_PLEN (IP + 4)
#define IP6_NH (IP + 6)
#define IP6_HLIM (IP + 7)
#define IP6_SRC (IP + 8)
#define IP6_DST (IP + 24)
#define ICMP6 (IP + 40)
#define ICMP4 (IP + 20)

/* A page whose successor is inaccessible; frames under test end where it ends. */
static uint8_t *guard_page;
static size_t page_size;

static int
setup(void **state)
{
	(void)state;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	guard_page = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                  -1, 0);
	if (guard_page == MAP_FAILED)
		return -1;
	return mprotect(guard_page + page_size, page_size, PROT_NONE);
}

static int
teardown(void **state)
{
	(void)state;
	return munmap(guard_page, 2 * page_size);
}

/* @len bytes of @b placed so that the byte after them is unreadable. */
static const uint8_t *
at_edge(const uint8_t *b, size_t len)
{
	uint8_t *p = guard_page + page_size - len;

	memcpy(p, b, len);
	return p;
}

/* A writable copy of a reference frame. */
struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

static void
frame_init(struct frame *f, const uint8_t *b, size_t len)
{
	assert_true(len <= sizeof(f->b));
	memcpy(f->b, b, len);
	f->len = len;
}

#define FRAME(f, ref) frame_init((f), (ref), sizeof(ref))

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The test's own Internet checksum (RFC 1071), independent of the code under test. */
static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the IPv4 header checksum of @f (IHL from the header). */
static void
fix_ip4(struct frame *f)
{
	size_t ihl = (size_t)(f->b[IP] & 0x0f) * 4;

	put16(f->b + IP + 10, 0);
	put16(f->b + IP + 10, csum(f->b + IP, ihl, 0));
}

/* Recompute the ICMP checksum of IPv4 frame @f over its total length. */
static void
fix_icmp4(struct frame *f)
{
	size_t ihl = (size_t)(f->b[IP] & 0x0f) * 4;
	size_t tot = get16(f->b + IP + 2);
	uint8_t *icmp = f->b + IP + ihl;

	if (ihl < 20 || tot < ihl + 4 || IP + tot > sizeof(f->b))
		return; /* a header the test broke on purpose: nothing to sum */
	put16(icmp + 2, 0);
	put16(icmp + 2, csum(icmp, tot - ihl, 0));
}

/* Recompute the ICMPv6 checksum of IPv6 frame @f over its payload length. */
static void
fix_icmp6(struct frame *f)
{
	uint16_t plen = get16(f->b + IP6_PLEN);
	uint32_t sum = 0;

	for (int i = 0; i < 32; i += 2)
		sum += get16(f->b + IP6_SRC + i);
	sum += plen + 58;
	put16(f->b + ICMP6 + 2, 0);
	put16(f->b + ICMP6 + 2, csum(f->b + ICMP6, plen, sum));
}

static enum ha_pkt_err
arp_parse(const struct frame *f, struct ha_arp *arp)
{
	return ha_arp_parse(at_edge(f->b, f->len), f->len, arp);
}

static enum ha_pkt_err
nd_parse(const struct frame *f, struct ha_nd *nd)
{
	return ha_nd_parse(at_edge(f->b, f->len), f->len, nd);
}

static enum ha_pkt_err
echo_parse(const struct frame *f, struct ha_echo *echo)
{
	return ha_echo_parse(at_edge(f->b, f->len), f->len, echo);
}

/* ---- names ---- */

static void
test_ha_pkt_err_name_every_value(void **state)
{
	(void)state;
	assert_string_equal(ha_pkt_err_name(HA_PKT_OK), "ok");
	for (int i = 1; i < HA_PKT_ERR__MAX; i++) {
		assert_string_not_equal(ha_pkt_err_name((enum ha_pkt_err)i), "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ha_pkt_err_name((enum ha_pkt_err)i),
			                        ha_pkt_err_name((enum ha_pkt_err)j));
	}
	assert_string_equal(ha_pkt_err_name(HA_PKT_ERR__MAX), "unknown");
	assert_string_equal(ha_pkt_err_name((enum ha_pkt_err)(HA_PKT_ERR__MAX + 5)), "unknown");
}

/* ---- ARP ---- */

static void
test_ha_arp_parse_request(void **state)
{
	struct ha_arp arp;
	struct frame f;

	(void)state;
	FRAME(&f, f_arp_request);
	assert_int_equal(arp_parse(&f, &arp), HA_PKT_OK);
	assert_int_equal(arp.op, HA_ARP_OP_REQUEST);
	assert_memory_equal(arp.eth_dst, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(arp.eth_src, mac_a, 6);
	assert_memory_equal(arp.sha, mac_a, 6);
	assert_memory_equal(arp.spa, ip_h4, 4);
	assert_memory_equal(arp.tha, "\0\0\0\0\0\0", 6);
	assert_memory_equal(arp.tpa, ip_vip4, 4);
}

static void
test_ha_arp_parse_reply_padded(void **state)
{
	struct ha_arp arp;
	struct frame f;

	(void)state;
	FRAME(&f, f_arp_reply);
	memset(f.b + f.len, 0xee, 18); /* Ethernet padding up to 60 bytes */
	f.len = 60;
	assert_int_equal(arp_parse(&f, &arp), HA_PKT_OK);
	assert_int_equal(arp.op, HA_ARP_OP_REPLY);
	assert_memory_equal(arp.eth_dst, mac_a, 6);
	assert_memory_equal(arp.sha, mac_v4, 6);
	assert_memory_equal(arp.spa, ip_vip4, 4);
	assert_memory_equal(arp.tha, mac_a, 6);
	assert_memory_equal(arp.tpa, ip_h4, 4);
}

static void
test_ha_arp_parse_truncated_every_length(void **state)
{
	struct ha_arp arp;

	(void)state;
	for (size_t len = 0; len < sizeof(f_arp_request); len++)
		assert_int_equal(ha_arp_parse(at_edge(f_arp_request, len), len, &arp),
		                 HA_PKT_TRUNCATED);
}

/* f_arp_request with byte @off set to @v. */
static enum ha_pkt_err
arp_with(size_t off, uint8_t v)
{
	struct ha_arp arp;
	struct frame f;

	FRAME(&f, f_arp_request);
	f.b[off] = v;
	return arp_parse(&f, &arp);
}

static void
test_ha_arp_parse_bad_fields(void **state)
{
	(void)state;
	assert_int_equal(arp_with(12, 0x81), HA_PKT_ETHERTYPE);           /* 0x8106 */
	assert_int_equal(arp_with(13, 0x00), HA_PKT_ETHERTYPE);           /* 0x0800 */
	assert_int_equal(arp_with(ARP_OFF + 1, 6), HA_PKT_ARP_FORMAT);    /* htype 6 */
	assert_int_equal(arp_with(ARP_OFF + 0, 1), HA_PKT_ARP_FORMAT);    /* htype 0x0101 */
	assert_int_equal(arp_with(ARP_OFF + 2, 0x86), HA_PKT_ARP_FORMAT); /* ptype 0x8600 */
	assert_int_equal(arp_with(ARP_OFF + 3, 0x06), HA_PKT_ARP_FORMAT); /* ptype 0x0806 */
	assert_int_equal(arp_with(ARP_OFF + 4, 8), HA_PKT_ARP_FORMAT);    /* hlen 8 */
	assert_int_equal(arp_with(ARP_OFF + 5, 16), HA_PKT_ARP_FORMAT);   /* plen 16 */
	assert_int_equal(arp_with(ARP_OFF + 7, 0), HA_PKT_ARP_OP);
	assert_int_equal(arp_with(ARP_OFF + 7, 3), HA_PKT_ARP_OP);     /* RARP request */
	assert_int_equal(arp_with(ARP_OFF + 6, 1), HA_PKT_ARP_OP);     /* op 0x0101 */
	assert_int_equal(arp_with(6, 0x03), HA_PKT_ADDRESS);           /* group Ethernet source */
	assert_int_equal(arp_with(ARP_OFF + 8, 0x01), HA_PKT_ADDRESS); /* multicast sender */
}

static void
test_ha_arp_parse_zero_sender_mac(void **state)
{
	struct ha_arp arp;
	struct frame f;

	(void)state;
	FRAME(&f, f_arp_request);
	memset(f.b + ARP_OFF + 8, 0, 6);
	assert_int_equal(arp_parse(&f, &arp), HA_PKT_ADDRESS);
	FRAME(&f, f_arp_request);
	memset(f.b + ARP_OFF + 8, 0xff, 6);
	assert_int_equal(arp_parse(&f, &arp), HA_PKT_ADDRESS);
}

static void
test_ha_arp_build_matches_scapy(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_arp req;

	(void)state;
	assert_int_equal(ha_arp_request_build(buf, sizeof(buf), mac_n, ip_n4, ip_g4),
	                 sizeof(f_arp_resolve));
	assert_memory_equal(buf, f_arp_resolve, sizeof(f_arp_resolve));

	assert_int_equal(ha_garp_build(buf, sizeof(buf), mac_v4, ip_vip4), sizeof(f_garp));
	assert_memory_equal(buf, f_garp, sizeof(f_garp));

	assert_int_equal(ha_arp_parse(f_arp_request, sizeof(f_arp_request), &req), HA_PKT_OK);
	assert_int_equal(ha_arp_reply_build(buf, sizeof(buf), &req, mac_v4), sizeof(f_arp_reply));
	assert_memory_equal(buf, f_arp_reply, sizeof(f_arp_reply));
}

static void
test_ha_arp_build_round_trip(void **state)
{
	struct ha_arp in = { .op = HA_ARP_OP_REPLY }, out;
	uint8_t buf[HA_ARP_FRAME_LEN];

	(void)state;
	memcpy(in.eth_dst, mac_b, 6);
	memcpy(in.eth_src, mac_n, 6);
	memcpy(in.sha, mac_n, 6);
	memcpy(in.spa, ip_n4, 4);
	memcpy(in.tha, mac_b, 6);
	memcpy(in.tpa, ip_g4, 4);
	assert_int_equal(ha_arp_build(buf, sizeof(buf), &in), HA_ARP_FRAME_LEN);
	assert_int_equal(ha_arp_parse(at_edge(buf, sizeof(buf)), sizeof(buf), &out), HA_PKT_OK);
	assert_memory_equal(&in, &out, sizeof(in));
}

/* ---- neighbour discovery ---- */

static void
test_ha_nd_parse_ns(void **state)
{
	struct ha_nd nd;
	struct frame f;
	uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [14] = 0x01, [15] = 0x00 };

	(void)state;
	FRAME(&f, f_ns);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_int_equal(nd.type, HA_ND_NS);
	assert_int_equal(nd.flags, 0);
	assert_memory_equal(nd.eth_src, mac_a, 6);
	assert_memory_equal(nd.eth_dst, "\x33\x33\xff\x00\x01\x00", 6);
	assert_memory_equal(nd.src, ip_h6, 16);
	assert_memory_equal(nd.dst, group, 16);
	assert_memory_equal(nd.target, ip_vip6, 16);
	assert_true(nd.has_lladdr);
	assert_memory_equal(nd.lladdr, mac_a, 6);
}

static void
test_ha_nd_parse_dad_ns(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	FRAME(&f, f_ns_dad);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_int_equal(nd.type, HA_ND_NS);
	assert_memory_equal(nd.src, ip6_unspec, 16);
	assert_false(nd.has_lladdr);
}

static void
test_ha_nd_parse_na(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	FRAME(&f, f_na_solicited);
	memset(f.b + f.len, 0, 10); /* padding after the IPv6 payload changes nothing */
	f.len += 10;
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_int_equal(nd.type, HA_ND_NA);
	assert_int_equal(nd.flags, HA_NA_F_ROUTER | HA_NA_F_SOLICITED | HA_NA_F_OVERRIDE);
	assert_memory_equal(nd.target, ip_vip6, 16);
	assert_true(nd.has_lladdr);
	assert_memory_equal(nd.lladdr, mac_v6, 6);

	FRAME(&f, f_na_unsolicited);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_int_equal(nd.flags, HA_NA_F_ROUTER | HA_NA_F_OVERRIDE);
}

static void
test_ha_nd_parse_na_without_option(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	FRAME(&f, f_na_neigh);
	f.len -= 8;
	put16(f.b + IP6_PLEN, 24);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_false(nd.has_lladdr);
	assert_memory_equal(nd.target, ip_g6, 16);
}

/* Other options are skipped; the link-layer address is found after them. */
static void
test_ha_nd_parse_skips_other_options(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	FRAME(&f, f_ns);
	/* A nonce option (type 14, one unit) and a target link-layer option before the SLLA. */
	memmove(f.b + ICMP6 + 24 + 16, f.b + ICMP6 + 24, 8);
	memcpy(f.b + ICMP6 + 24, "\x0e\x01\x01\x02\x03\x04\x05\x06", 8);
	memcpy(f.b + ICMP6 + 32, "\x02\x01\x02\x00\x00\x00\x00\x0b", 8);
	f.len += 16;
	put16(f.b + IP6_PLEN, 24 + 24);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_true(nd.has_lladdr);
	assert_memory_equal(nd.lladdr, mac_a, 6);

	/* Without an SLLA, a TLLA in an NS is not taken for one. */
	FRAME(&f, f_ns);
	f.b[ICMP6 + 24] = 2;
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_false(nd.has_lladdr);
}

static void
test_ha_nd_parse_truncated_every_length(void **state)
{
	const uint8_t *refs[] = { f_ns, f_na_solicited, f_ns_dad };
	const size_t lens[] = { sizeof(f_ns), sizeof(f_na_solicited), sizeof(f_ns_dad) };
	struct ha_nd nd;

	(void)state;
	for (size_t r = 0; r < 3; r++)
		for (size_t len = 0; len < lens[r]; len++)
			assert_int_equal(ha_nd_parse(at_edge(refs[r], len), len, &nd),
			                 HA_PKT_TRUNCATED);
}

/* @ref with byte @off set to @v, the ICMPv6 checksum recomputed when @fix. */
static enum ha_pkt_err
nd_with(const uint8_t *ref, size_t len, size_t off, uint8_t v, bool fix)
{
	struct ha_nd nd;
	struct frame f;

	frame_init(&f, ref, len);
	f.b[off] = v;
	if (fix)
		fix_icmp6(&f);
	return nd_parse(&f, &nd);
}

#define NS_WITH(off, v) nd_with(f_ns, sizeof(f_ns), (off), (v), true)
#define NA_WITH(off, v) nd_with(f_na_solicited, sizeof(f_na_solicited), (off), (v), true)

static void
test_ha_nd_parse_bad_fields(void **state)
{
	(void)state;
	assert_int_equal(NS_WITH(13, 0x00), HA_PKT_ETHERTYPE); /* 0x8600 */
	assert_int_equal(NS_WITH(IP, 0x40), HA_PKT_IP_HEADER); /* version 4 */
	assert_int_equal(NS_WITH(IP6_NH, 0), HA_PKT_PROTO);    /* hop-by-hop header */
	assert_int_equal(NS_WITH(IP6_HLIM, 254), HA_PKT_HOP_LIMIT);
	assert_int_equal(NA_WITH(IP6_HLIM, 1), HA_PKT_HOP_LIMIT);
	assert_int_equal(nd_with(f_ns, sizeof(f_ns), ICMP6 + 2, f_ns[ICMP6 + 2] ^ 1, false),
	                 HA_PKT_ICMP_CHECKSUM);
	assert_int_equal(nd_with(f_ns, sizeof(f_ns), ICMP6 + 20, 0x55, false),
	                 HA_PKT_ICMP_CHECKSUM);
	assert_int_equal(NS_WITH(ICMP6 + 1, 1), HA_PKT_ICMP_CODE);
	assert_int_equal(NA_WITH(ICMP6 + 1, 9), HA_PKT_ICMP_CODE);
	assert_int_equal(NS_WITH(ICMP6, 133), HA_PKT_ICMP_TYPE); /* router solicitation */
	assert_int_equal(NS_WITH(ICMP6, 137), HA_PKT_ICMP_TYPE); /* redirect */
	assert_int_equal(NS_WITH(ICMP6 + 8, 0xff), HA_PKT_ND_TARGET);
	assert_int_equal(NA_WITH(ICMP6 + 8, 0xff), HA_PKT_ND_TARGET);
	assert_int_equal(NS_WITH(ICMP6 + 25, 0), HA_PKT_ND_OPTION); /* option length 0 */
	assert_int_equal(NS_WITH(ICMP6 + 25, 2), HA_PKT_ND_OPTION); /* past the message */
	assert_int_equal(NA_WITH(ICMP6 + 25, 0), HA_PKT_ND_OPTION);
	assert_int_equal(NS_WITH(IP6_SRC, 0xff), HA_PKT_ADDRESS); /* multicast source */
	assert_int_equal(NA_WITH(IP6_SRC, 0xff), HA_PKT_ADDRESS);
	assert_int_equal(NS_WITH(6, 0x01), HA_PKT_ADDRESS);          /* group Ethernet source */
	assert_int_equal(NS_WITH(ICMP6 + 26, 0x01), HA_PKT_ADDRESS); /* group SLLA */
	assert_int_equal(NA_WITH(ICMP6 + 26, 0x03), HA_PKT_ADDRESS); /* group TLLA */
}

static void
test_ha_nd_parse_bad_lengths(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	/* A message of 20 bytes: too short for a target. */
	FRAME(&f, f_ns);
	put16(f.b + IP6_PLEN, 20);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_TRUNCATED);
	/* Three bytes of ICMPv6: not even a type, code and checksum. */
	put16(f.b + IP6_PLEN, 3);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_TRUNCATED);
	/* A payload length past the frame. */
	FRAME(&f, f_ns);
	put16(f.b + IP6_PLEN, 33);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_TRUNCATED);
	/* An option cut by the payload length (the frame still holds it). */
	FRAME(&f, f_ns);
	put16(f.b + IP6_PLEN, 28);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ND_OPTION);
	/* A source link-layer address option of two units. */
	FRAME(&f, f_ns);
	f.b[ICMP6 + 25] = 2;
	memset(f.b + f.len, 0, 8);
	f.len += 8;
	put16(f.b + IP6_PLEN, 24 + 16);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ND_OPTION);
	/* The same length for an option the parser skips is fine. */
	f.b[ICMP6 + 24] = 14;
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	assert_false(nd.has_lladdr);
}

static void
test_ha_nd_parse_address_rules(void **state)
{
	struct ha_nd nd;
	struct frame f;

	(void)state;
	/* DAD NS with a source link-layer address option. */
	FRAME(&f, f_ns);
	memset(f.b + IP6_SRC, 0, 16);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ND_OPTION);
	/* DAD NS to a unicast address rather than a solicited-node group. */
	FRAME(&f, f_ns_dad);
	memcpy(f.b + IP6_DST, ip_vip6, 16);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ADDRESS);
	/* A unicast NS (unreachability detection) is fine. */
	FRAME(&f, f_ns);
	memcpy(f.b + IP6_DST, ip_vip6, 16);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_OK);
	/* Solicited NA to all nodes. */
	FRAME(&f, f_na_unsolicited);
	f.b[ICMP6 + 4] |= HA_NA_F_SOLICITED;
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ADDRESS);
	/* NA from the unspecified address. */
	FRAME(&f, f_na_solicited);
	memset(f.b + IP6_SRC, 0, 16);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &nd), HA_PKT_ADDRESS);
}

static void
test_ha_nd_build_matches_scapy(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_nd ns;

	(void)state;
	assert_int_equal(ha_ns_build(buf, sizeof(buf), mac_a, ip_h6, ip_vip6), sizeof(f_ns));
	assert_memory_equal(buf, f_ns, sizeof(f_ns));
	assert_int_equal(ha_ns_build(buf, sizeof(buf), mac_n, ip_n6, ip_g6), sizeof(f_ns_resolve));
	assert_memory_equal(buf, f_ns_resolve, sizeof(f_ns_resolve));
	assert_int_equal(ha_ns_build(buf, sizeof(buf), mac_a, ip6_unspec, ip_vip6),
	                 sizeof(f_ns_dad));
	assert_memory_equal(buf, f_ns_dad, sizeof(f_ns_dad));

	assert_int_equal(ha_nd_parse(f_ns, sizeof(f_ns), &ns), HA_PKT_OK);
	assert_int_equal(
		ha_na_reply_build(buf, sizeof(buf), &ns, mac_v6, HA_NA_F_ROUTER | HA_NA_F_OVERRIDE),
		sizeof(f_na_solicited));
	assert_memory_equal(buf, f_na_solicited, sizeof(f_na_solicited));

	assert_int_equal(ha_nd_parse(f_ns_dad, sizeof(f_ns_dad), &ns), HA_PKT_OK);
	assert_int_equal(ha_na_reply_build(buf, sizeof(buf), &ns, mac_v6,
	                                   HA_NA_F_ROUTER | HA_NA_F_OVERRIDE | HA_NA_F_SOLICITED),
	                 sizeof(f_na_dad_defence));
	assert_memory_equal(buf, f_na_dad_defence, sizeof(f_na_dad_defence));

	assert_int_equal(ha_na_unsolicited_build(buf, sizeof(buf), mac_v6, ip_vip6, HA_NA_F_ROUTER),
	                 sizeof(f_na_unsolicited));
	assert_memory_equal(buf, f_na_unsolicited, sizeof(f_na_unsolicited));

	assert_int_equal(ha_na_build(buf, sizeof(buf), mac_b, mac_n, ip_g6, ip_n6, ip_g6,
	                             HA_NA_F_ROUTER | HA_NA_F_SOLICITED | HA_NA_F_OVERRIDE),
	                 sizeof(f_na_neigh));
	assert_memory_equal(buf, f_na_neigh, sizeof(f_na_neigh));
}

/* An NS without a source link-layer address option is answered at its Ethernet source. */
static void
test_ha_na_reply_build_to_eth_source(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_nd ns, na;
	struct frame f;

	(void)state;
	FRAME(&f, f_ns);
	f.len -= 8;
	put16(f.b + IP6_PLEN, 24);
	memcpy(f.b + IP6_DST, ip_vip6, 16);
	memcpy(f.b, mac_v6, 6);
	memcpy(f.b + 6, mac_b, 6);
	fix_icmp6(&f);
	assert_int_equal(nd_parse(&f, &ns), HA_PKT_OK);
	assert_int_equal(ha_na_reply_build(buf, sizeof(buf), &ns, mac_v6, 0), HA_ND_FRAME_LEN);
	assert_int_equal(ha_nd_parse(buf, HA_ND_FRAME_LEN, &na), HA_PKT_OK);
	assert_memory_equal(na.eth_dst, mac_b, 6);
	assert_memory_equal(na.eth_src, mac_v6, 6);
	assert_memory_equal(na.dst, ip_h6, 16);
	assert_memory_equal(na.src, ip_vip6, 16);
	assert_int_equal(na.flags, HA_NA_F_SOLICITED);
	assert_memory_equal(na.lladdr, mac_v6, 6);
}

/* ---- echo ---- */

static void
test_ha_echo_parse_ipv4(void **state)
{
	struct ha_echo echo;
	struct frame f;

	(void)state;
	FRAME(&f, f_echo4_request);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(echo.family, 4);
	assert_memory_equal(echo.eth_dst, mac_v4, 6);
	assert_memory_equal(echo.eth_src, mac_a, 6);
	assert_memory_equal(echo.src, ip_h4, 4);
	assert_memory_equal(echo.dst, ip_vip4, 4);
	assert_int_equal(echo.id, 0x77);
	assert_int_equal(echo.seq, 3);
	assert_int_equal(echo.icmp_off, ICMP4);
	assert_int_equal(echo.icmp_len, sizeof(f_echo4_request) - ICMP4);

	FRAME(&f, f_echo4_request_opts);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(echo.icmp_off, ICMP4 + 4);
	assert_int_equal(echo.seq, 4);
}

static void
test_ha_echo_parse_ipv6(void **state)
{
	struct ha_echo echo;
	struct frame f;

	(void)state;
	FRAME(&f, f_echo6_request);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(echo.family, 6);
	assert_memory_equal(echo.src, ip_h6, 16);
	assert_memory_equal(echo.dst, ip_vip6, 16);
	assert_int_equal(echo.id, 0x77);
	assert_int_equal(echo.seq, 3);
	assert_int_equal(echo.icmp_off, ICMP6);
	assert_int_equal(echo.icmp_len, sizeof(f_echo6_request) - ICMP6);
}

static void
test_ha_echo_parse_truncated_every_length(void **state)
{
	const uint8_t *refs[] = { f_echo4_request, f_echo4_request_opts, f_echo6_request };
	const size_t lens[] = { sizeof(f_echo4_request), sizeof(f_echo4_request_opts),
		                sizeof(f_echo6_request) };
	struct ha_echo echo;

	(void)state;
	for (size_t r = 0; r < 3; r++)
		for (size_t len = 0; len < lens[r]; len++)
			assert_int_equal(ha_echo_parse(at_edge(refs[r], len), len, &echo),
			                 HA_PKT_TRUNCATED);
}

/* f_echo4_request with byte @off set to @v and both checksums recomputed. */
static enum ha_pkt_err
echo4_with(size_t off, uint8_t v)
{
	struct ha_echo echo;
	struct frame f;

	FRAME(&f, f_echo4_request);
	f.b[off] = v;
	fix_icmp4(&f);
	fix_ip4(&f);
	return echo_parse(&f, &echo);
}

static enum ha_pkt_err
echo6_with(size_t off, uint8_t v)
{
	struct ha_echo echo;
	struct frame f;

	FRAME(&f, f_echo6_request);
	f.b[off] = v;
	fix_icmp6(&f);
	return echo_parse(&f, &echo);
}

static void
test_ha_echo_parse_bad_ipv4_fields(void **state)
{
	struct ha_echo echo;
	struct frame f;

	(void)state;
	assert_int_equal(echo4_with(12, 0x88), HA_PKT_ETHERTYPE);     /* 0x8800 */
	assert_int_equal(echo4_with(IP, 0x65), HA_PKT_IP_HEADER);     /* version 6 */
	assert_int_equal(echo4_with(IP, 0x44), HA_PKT_IP_HEADER);     /* IHL 4 */
	assert_int_equal(echo4_with(IP, 0x4f), HA_PKT_TRUNCATED);     /* IHL past the frame */
	assert_int_equal(echo4_with(IP + 3, 19), HA_PKT_IP_HEADER);   /* total below IHL */
	assert_int_equal(echo4_with(IP + 3, 26), HA_PKT_TRUNCATED);   /* 6 bytes of ICMP */
	assert_int_equal(echo4_with(IP + 2, 0x01), HA_PKT_TRUNCATED); /* past the frame */
	assert_int_equal(echo4_with(IP + 6, 0x20), HA_PKT_FRAGMENT);  /* more fragments */
	assert_int_equal(echo4_with(IP + 7, 0x01), HA_PKT_FRAGMENT);  /* offset 8 */
	assert_int_equal(echo4_with(IP + 9, 6), HA_PKT_PROTO);
	assert_int_equal(echo4_with(ICMP4, 0), HA_PKT_ICMP_TYPE);  /* an echo reply */
	assert_int_equal(echo4_with(ICMP4, 13), HA_PKT_ICMP_TYPE); /* timestamp */
	assert_int_equal(echo4_with(ICMP4 + 1, 1), HA_PKT_ICMP_CODE);
	assert_int_equal(echo4_with(IP + 12, 0), HA_PKT_ADDRESS); /* 0.51.100.10 */
	assert_int_equal(echo4_with(IP + 12, 127), HA_PKT_ADDRESS);
	assert_int_equal(echo4_with(IP + 12, 224), HA_PKT_ADDRESS);
	assert_int_equal(echo4_with(IP + 12, 255), HA_PKT_ADDRESS);
	assert_int_equal(echo4_with(6, 0x01), HA_PKT_ADDRESS); /* group Ethernet source */

	/* Checksums left as they were after a change. */
	FRAME(&f, f_echo4_request);
	f.b[IP + 8] = 60; /* TTL */
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_IP_CHECKSUM);
	FRAME(&f, f_echo4_request);
	f.b[f.len - 1] ^= 0x40;
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_ICMP_CHECKSUM);
	/* Padding after the total length is not summed. */
	FRAME(&f, f_echo4_request);
	memset(f.b + f.len, 0x5a, 7);
	f.len += 7;
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(echo.icmp_len, sizeof(f_echo4_request) - ICMP4);
}

static void
test_ha_echo_parse_bad_ipv6_fields(void **state)
{
	struct ha_echo echo;
	struct frame f;

	(void)state;
	assert_int_equal(echo6_with(IP, 0x40), HA_PKT_IP_HEADER);
	assert_int_equal(echo6_with(IP6_NH, 17), HA_PKT_PROTO);
	assert_int_equal(echo6_with(ICMP6, HA_ICMP6_ECHO_REPLY), HA_PKT_ICMP_TYPE);
	assert_int_equal(echo6_with(ICMP6, HA_ND_NS), HA_PKT_ICMP_TYPE);
	assert_int_equal(echo6_with(ICMP6 + 1, 2), HA_PKT_ICMP_CODE);
	assert_int_equal(echo6_with(IP6_SRC, 0xff), HA_PKT_ADDRESS);
	assert_int_equal(echo6_with(6, 0xff), HA_PKT_ADDRESS);
	assert_int_equal(echo6_with(IP6_PLEN + 1, 6), HA_PKT_TRUNCATED); /* 6 bytes of ICMPv6 */
	assert_int_equal(echo6_with(IP6_PLEN, 1), HA_PKT_TRUNCATED);

	FRAME(&f, f_echo6_request);
	memset(f.b + IP6_SRC, 0, 16);
	fix_icmp6(&f);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_ADDRESS);
	f.b[IP6_SRC + 15] = 1; /* ::1 */
	fix_icmp6(&f);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_ADDRESS);

	FRAME(&f, f_echo6_request);
	f.b[IP6_DST + 15] ^= 1; /* the pseudo-header no longer agrees */
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_ICMP_CHECKSUM);
}

static void
test_ha_echo_reply_build_matches_scapy(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_echo echo;
	struct frame f;

	(void)state;
	assert_int_equal(ha_echo_parse(f_echo4_request, sizeof(f_echo4_request), &echo), HA_PKT_OK);
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo4_request,
	                                     sizeof(f_echo4_request), &echo, mac_v4),
	                 sizeof(f_echo4_reply));
	assert_memory_equal(buf, f_echo4_reply, sizeof(f_echo4_reply));

	/* Options are not echoed; padding after the request is not copied. */
	FRAME(&f, f_echo4_request_opts);
	memset(f.b + f.len, 0, 9);
	f.len += 9;
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f.b, f.len, &echo, mac_v4),
	                 sizeof(f_echo4_reply_opts));
	assert_memory_equal(buf, f_echo4_reply_opts, sizeof(f_echo4_reply_opts));

	assert_int_equal(ha_echo_parse(f_echo6_request, sizeof(f_echo6_request), &echo), HA_PKT_OK);
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo6_request,
	                                     sizeof(f_echo6_request), &echo, mac_v6),
	                 sizeof(f_echo6_reply));
	assert_memory_equal(buf, f_echo6_reply, sizeof(f_echo6_reply));
}

/* An odd-length echo: the checksum's last byte is padded, on both sides. */
static void
test_ha_echo_reply_build_odd_length(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_echo echo;
	struct frame f;
	uint32_t sum = 0;

	(void)state;
	FRAME(&f, f_echo6_request);
	f.len -= 2; /* 29 bytes of ICMPv6 */
	put16(f.b + IP6_PLEN, (uint16_t)(f.len - ICMP6));
	fix_icmp6(&f);
	assert_int_equal(echo_parse(&f, &echo), HA_PKT_OK);
	assert_int_equal(echo.icmp_len % 2, 1);
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f.b, f.len, &echo, mac_v6),
	                 (int)f.len);
	for (int i = 0; i < 32; i += 2)
		sum += get16(buf + IP6_SRC + i);
	sum += echo.icmp_len + 58;
	assert_int_equal(csum(buf + ICMP6, echo.icmp_len, sum), 0);
	assert_int_equal(buf[ICMP6], HA_ICMP6_ECHO_REPLY);
	assert_memory_equal(buf + ICMP6 + 4, f.b + ICMP6 + 4, echo.icmp_len - 4);
}

static void
test_ha_echo_reply_build_bad_request(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct ha_echo echo, bad;

	(void)state;
	assert_int_equal(ha_echo_parse(f_echo4_request, sizeof(f_echo4_request), &echo), HA_PKT_OK);
	bad = echo;
	bad.family = 5;
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo4_request,
	                                     sizeof(f_echo4_request), &bad, mac_v4),
	                 -EINVAL);
	bad = echo;
	bad.icmp_len++;
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo4_request,
	                                     sizeof(f_echo4_request), &bad, mac_v4),
	                 -EINVAL);
	bad = echo;
	bad.icmp_off = 20;
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo4_request,
	                                     sizeof(f_echo4_request), &bad, mac_v4),
	                 -EINVAL);
	bad = echo;
	bad.icmp_len = 6;
	assert_int_equal(ha_echo_reply_build(buf, sizeof(buf), f_echo4_request,
	                                     sizeof(f_echo4_request), &bad, mac_v4),
	                 -EINVAL);
}

/* ---- buffer sizes ---- */

/* Every builder refuses a buffer one byte short and leaves it untouched. */
static void
test_ha_pkt_build_enospc(void **state)
{
	uint8_t buf[FRAME_MAX], ref[FRAME_MAX];
	struct ha_arp req;
	struct ha_nd ns;
	struct ha_echo e4, e6;

	(void)state;
	assert_int_equal(ha_arp_parse(f_arp_request, sizeof(f_arp_request), &req), HA_PKT_OK);
	assert_int_equal(ha_nd_parse(f_ns, sizeof(f_ns), &ns), HA_PKT_OK);
	assert_int_equal(ha_echo_parse(f_echo4_request, sizeof(f_echo4_request), &e4), HA_PKT_OK);
	assert_int_equal(ha_echo_parse(f_echo6_request, sizeof(f_echo6_request), &e6), HA_PKT_OK);
	memset(ref, 0xa5, sizeof(ref));
	for (size_t size = 0; size < 100; size++) {
		int rc[9];

		memcpy(buf, ref, sizeof(buf));
		rc[0] = ha_arp_build(buf, size, &req);
		rc[1] = ha_arp_request_build(buf, size, mac_n, ip_n4, ip_g4);
		rc[2] = ha_arp_reply_build(buf, size, &req, mac_v4);
		rc[3] = ha_garp_build(buf, size, mac_v4, ip_vip4);
		rc[4] = ha_ns_build(buf, size, mac_n, ip_n6, ip_g6);
		rc[5] = ha_na_reply_build(buf, size, &ns, mac_v6, 0);
		rc[6] = ha_na_unsolicited_build(buf, size, mac_v6, ip_vip6, 0);
		rc[7] = ha_echo_reply_build(buf, size, f_echo4_request, sizeof(f_echo4_request),
		                            &e4, mac_v4);
		rc[8] = ha_echo_reply_build(buf, size, f_echo6_request, sizeof(f_echo6_request),
		                            &e6, mac_v6);
		const size_t need[9] = {
			42, 42, 42, 42, 86, 86, 86, sizeof(f_echo4_reply), sizeof(f_echo6_reply)
		};
		bool any_fit = false;

		for (int i = 0; i < 9; i++) {
			if (size < need[i])
				assert_int_equal(rc[i], -ENOSPC);
			else
				assert_int_equal(rc[i], (int)need[i]);
			any_fit |= size >= need[i];
		}
		if (!any_fit)
			assert_memory_equal(buf, ref, sizeof(buf));
	}
	assert_int_equal(
		ha_na_build(buf, HA_ND_FRAME_LEN - 1, mac_b, mac_n, ip_g6, ip_n6, ip_g6, 0),
		-ENOSPC);
}

/* ---- other parsers and helpers ---- */

static void
test_ha_ip_dst_parse_families(void **state)
{
	uint8_t family = 0, dst[16];
	struct frame f;

	(void)state;
	assert_int_equal(ha_ip_dst_parse(at_edge(f_echo4_request, 34), 34, &family, dst),
	                 HA_PKT_OK);
	assert_int_equal(family, 4);
	assert_memory_equal(dst, ip_vip4, 4);
	assert_memory_equal(dst + 4, ip6_unspec, 12);
	assert_int_equal(ha_ip_dst_parse(at_edge(f_echo6_request, 54), 54, &family, dst),
	                 HA_PKT_OK);
	assert_int_equal(family, 6);
	assert_memory_equal(dst, ip_vip6, 16);

	assert_int_equal(ha_ip_dst_parse(at_edge(f_echo4_request, 33), 33, &family, dst),
	                 HA_PKT_TRUNCATED);
	assert_int_equal(ha_ip_dst_parse(at_edge(f_echo6_request, 53), 53, &family, dst),
	                 HA_PKT_TRUNCATED);
	assert_int_equal(ha_ip_dst_parse(at_edge(f_echo6_request, 13), 13, &family, dst),
	                 HA_PKT_TRUNCATED);
	assert_int_equal(ha_ip_dst_parse(f_arp_request, sizeof(f_arp_request), &family, dst),
	                 HA_PKT_ETHERTYPE);
	FRAME(&f, f_echo4_request);
	f.b[IP] = 0x65;
	assert_int_equal(ha_ip_dst_parse(f.b, f.len, &family, dst), HA_PKT_IP_HEADER);
	f.b[IP] = 0x43;
	assert_int_equal(ha_ip_dst_parse(f.b, f.len, &family, dst), HA_PKT_IP_HEADER);
	FRAME(&f, f_echo6_request);
	f.b[IP] = 0x45;
	assert_int_equal(ha_ip_dst_parse(f.b, f.len, &family, dst), HA_PKT_IP_HEADER);
}

static void
test_ha_ipv6_helpers(void **state)
{
	static const uint8_t ll_n[16] = { 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 0x01 };
	static const uint8_t ll_v[16] = { 0xfe,        0x80,        [8] = 0x02,  [10] = 0x5e,
		                          [11] = 0xff, [12] = 0xfe, [14] = 0x01, [15] = 0x33 };
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = 0xab, 0x45, 0x67, 0x89 };
	static const uint8_t group[16] = { 0xff, 0x02, [11] = 0x01, 0xff, 0x45, 0x67, 0x89 };
	uint8_t out[16], mac[6];

	(void)state;
	ha_ipv6_ll_from_mac(mac_n, out);
	assert_memory_equal(out, ll_n, 16);
	ha_ipv6_ll_from_mac(mac_v4, out);
	assert_memory_equal(out, ll_v, 16);
	ha_ipv6_solicited_node(addr, out);
	assert_memory_equal(out, group, 16);
	ha_ipv6_mcast_mac(group, mac);
	assert_memory_equal(mac, "\x33\x33\xff\x45\x67\x89", 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_pkt_err_name_every_value),
		cmocka_unit_test(test_ha_arp_parse_request),
		cmocka_unit_test(test_ha_arp_parse_reply_padded),
		cmocka_unit_test(test_ha_arp_parse_truncated_every_length),
		cmocka_unit_test(test_ha_arp_parse_bad_fields),
		cmocka_unit_test(test_ha_arp_parse_zero_sender_mac),
		cmocka_unit_test(test_ha_arp_build_matches_scapy),
		cmocka_unit_test(test_ha_arp_build_round_trip),
		cmocka_unit_test(test_ha_nd_parse_ns),
		cmocka_unit_test(test_ha_nd_parse_dad_ns),
		cmocka_unit_test(test_ha_nd_parse_na),
		cmocka_unit_test(test_ha_nd_parse_na_without_option),
		cmocka_unit_test(test_ha_nd_parse_skips_other_options),
		cmocka_unit_test(test_ha_nd_parse_truncated_every_length),
		cmocka_unit_test(test_ha_nd_parse_bad_fields),
		cmocka_unit_test(test_ha_nd_parse_bad_lengths),
		cmocka_unit_test(test_ha_nd_parse_address_rules),
		cmocka_unit_test(test_ha_nd_build_matches_scapy),
		cmocka_unit_test(test_ha_na_reply_build_to_eth_source),
		cmocka_unit_test(test_ha_echo_parse_ipv4),
		cmocka_unit_test(test_ha_echo_parse_ipv6),
		cmocka_unit_test(test_ha_echo_parse_truncated_every_length),
		cmocka_unit_test(test_ha_echo_parse_bad_ipv4_fields),
		cmocka_unit_test(test_ha_echo_parse_bad_ipv6_fields),
		cmocka_unit_test(test_ha_echo_reply_build_matches_scapy),
		cmocka_unit_test(test_ha_echo_reply_build_odd_length),
		cmocka_unit_test(test_ha_echo_reply_build_bad_request),
		cmocka_unit_test(test_ha_pkt_build_enospc),
		cmocka_unit_test(test_ha_ip_dst_parse_families),
		cmocka_unit_test(test_ha_ipv6_helpers),
	};

	return cmocka_run_group_tests_name("ha_pkt", tests, setup, teardown);
}
