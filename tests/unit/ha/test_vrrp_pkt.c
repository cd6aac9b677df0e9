/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VRRPv3 advertisement codec: reference frames from scapy and from keepalived 2.2.7
 * (vrrp_ref.h, see vrrp_ref.py) decode to what they carry and the encoder reproduces scapy's
 * bytes; every truncation and every bad field maps to its error class. Checksums are fixed up
 * here with a checksum of the test's own, so each case hits the check it is about.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ha_vrrp.h"
#include "vrrp_ref.h"

#define ETH 14

static const uint8_t vips4[2][4] = { { 198, 51, 100, 100 }, { 198, 51, 100, 101 } };
static const uint8_t src4[4] = { 198, 51, 100, 2 };
static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t vips6[2][16] = {
	{ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00 },
};
static const uint8_t src6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 };
static const uint8_t group6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12 };

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
t_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static uint16_t
t_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Recompute the IPv4 header checksum of frame @f. */
static void
fix_ip4(uint8_t *f)
{
	uint8_t *ip = f + ETH;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, t_fold(t_add(0, ip, ihl)));
}

/* Recompute the VRRP checksum of IPv4 frame @f (with or without the pseudo-header). */
static void
fix_vrrp4(uint8_t *f, enum ha_vrrp_csum mode)
{
	uint8_t *ip = f + ETH;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, len = rd16(ip + 2) - ihl;
	uint8_t *m = ip + ihl;
	uint32_t s = 0;

	put16(m + 6, 0);
	if (mode == HA_VRRP_CSUM_RFC)
		s = t_add(0, ip + 12, 8) + 112 + (uint32_t)len;
	put16(m + 6, t_fold(t_add(s, m, len)));
}

/* Recompute the VRRP checksum of IPv6 frame @f (always with the pseudo-header). */
static void
fix_vrrp6(uint8_t *f)
{
	uint8_t *ip = f + ETH, *m = ip + 40;
	size_t len = rd16(ip + 4);

	put16(m + 6, 0);
	put16(m + 6, t_fold(t_add(t_add(0, ip + 8, 32) + 112 + (uint32_t)len, m, len)));
}

static int
decode(const uint8_t *f, size_t len, enum ha_vrrp_csum mode)
{
	struct ha_vrrp_advert adv;

	return ha_vrrp_pkt_decode(f, len, mode, &adv);
}

static void
test_ha_vrrp_pkt_decode_scapy_v4(void **state)
{
	struct ha_vrrp_advert adv;

	(void)state;
	assert_int_equal(ha_vrrp_pkt_decode(ref_scapy_v4_rfc, sizeof(ref_scapy_v4_rfc),
	                                    HA_VRRP_CSUM_RFC, &adv),
	                 0);
	assert_int_equal(adv.family, 4);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.count, 2);
	assert_int_equal(adv.max_adver_int, 10);
	assert_int_equal(adv.ttl, 255);
	assert_memory_equal(adv.src, src4, 4);
	assert_memory_equal(adv.dst, group4, 4);
	assert_memory_equal(adv.src_mac, ((const uint8_t[]){ 0, 0, 0x5e, 0, 1, 51 }), 6);
	assert_ptr_equal(adv.addrs, ref_scapy_v4_rfc + ETH + 20 + 8);
	assert_memory_equal(adv.addrs, vips4, 8);

	/* The same advert checksummed over the message alone: only v2-compatible takes it. */
	assert_int_equal(ha_vrrp_pkt_decode(ref_scapy_v4_v2compat, sizeof(ref_scapy_v4_v2compat),
	                                    HA_VRRP_CSUM_V2_COMPAT, &adv),
	                 0);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(
		decode(ref_scapy_v4_v2compat, sizeof(ref_scapy_v4_v2compat), HA_VRRP_CSUM_RFC),
		-HA_VRRP_ERR_CHECKSUM);
	assert_int_equal(decode(ref_scapy_v4_rfc, sizeof(ref_scapy_v4_rfc), HA_VRRP_CSUM_V2_COMPAT),
	                 -HA_VRRP_ERR_CHECKSUM);
}

static void
test_ha_vrrp_pkt_decode_scapy_v6(void **state)
{
	struct ha_vrrp_advert adv;

	(void)state;
	/* IPv6 always includes its pseudo-header: both modes read it alike. */
	for (int mode = HA_VRRP_CSUM_RFC; mode <= HA_VRRP_CSUM_V2_COMPAT; mode++) {
		assert_int_equal(ha_vrrp_pkt_decode(ref_scapy_v6, sizeof(ref_scapy_v6),
		                                    (enum ha_vrrp_csum)mode, &adv),
		                 0);
		assert_int_equal(adv.family, 6);
		assert_int_equal(adv.vrid, 52);
		assert_int_equal(adv.priority, 100);
		assert_int_equal(adv.count, 2);
		assert_int_equal(adv.max_adver_int, 1);
		assert_memory_equal(adv.src, src6, 16);
		assert_memory_equal(adv.dst, group6, 16);
		assert_memory_equal(adv.addrs, vips6, 32);
	}
}

static void
test_ha_vrrp_pkt_decode_keepalived(void **state)
{
	static const uint8_t ka_mac[6] = { 0x1a, 0x09, 0x81, 0x35, 0x39, 0x29 };
	static const uint8_t ka_src6[16] = { 0xfe, 0x80, 0,    0,    0,    0,    0,    0,
		                             0x18, 0x09, 0x81, 0xff, 0xfe, 0x35, 0x39, 0x29 };
	struct ha_vrrp_advert adv;

	(void)state;
	/* keepalived 2.2.7 puts the IPv4 pseudo-header in the checksum: the "rfc" mode. */
	assert_int_equal(ha_vrrp_pkt_decode(ref_ka_v4, sizeof(ref_ka_v4), HA_VRRP_CSUM_RFC, &adv),
	                 0);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.max_adver_int, 100);
	assert_int_equal(adv.count, 2);
	assert_memory_equal(adv.src, src4, 4);
	assert_memory_equal(adv.src_mac, ka_mac, 6); /* its own MAC: no use_vmac */
	assert_memory_equal(adv.addrs, vips4, 8);
	assert_int_equal(decode(ref_ka_v4, sizeof(ref_ka_v4), HA_VRRP_CSUM_V2_COMPAT),
	                 -HA_VRRP_ERR_CHECKSUM);

	assert_int_equal(ha_vrrp_pkt_decode(ref_ka_v4_prio0, sizeof(ref_ka_v4_prio0),
	                                    HA_VRRP_CSUM_RFC, &adv),
	                 0);
	assert_int_equal(adv.priority, 0);

	/* IPv6 with a flow label, from the link-local address. */
	assert_int_equal(ha_vrrp_pkt_decode(ref_ka_v6, sizeof(ref_ka_v6), HA_VRRP_CSUM_RFC, &adv),
	                 0);
	assert_int_equal(adv.family, 6);
	assert_int_equal(adv.vrid, 52);
	assert_int_equal(adv.priority, 120);
	assert_int_equal(adv.max_adver_int, 50);
	assert_int_equal(adv.count, 1);
	assert_memory_equal(adv.src, ka_src6, 16);
	assert_memory_equal(adv.addrs, vips6[1], 16);
	assert_int_equal(decode(ref_ka_v6, sizeof(ref_ka_v6), HA_VRRP_CSUM_V2_COMPAT), 0);
	assert_int_equal(ha_vrrp_pkt_decode(ref_ka_v6_prio0, sizeof(ref_ka_v6_prio0),
	                                    HA_VRRP_CSUM_RFC, &adv),
	                 0);
	assert_int_equal(adv.priority, 0);
}

static int
encode4(uint8_t *buf, size_t size, uint8_t prio, uint16_t interval, enum ha_vrrp_csum mode)
{
	struct ha_vrrp_advert adv = {
		.family = 4,
		.vrid = 51,
		.priority = prio,
		.count = 2,
		.max_adver_int = interval,
		.addrs = &vips4[0][0],
	};

	memcpy(adv.src, src4, 4);
	return ha_vrrp_pkt_encode(buf, size, &adv, mode);
}

static void
test_ha_vrrp_pkt_encode_matches_scapy(void **state)
{
	struct ha_vrrp_advert adv = {
		.family = 6,
		.vrid = 52,
		.priority = 100,
		.count = 2,
		.max_adver_int = 1,
		.addrs = &vips6[0][0],
	};
	uint8_t buf[HA_VRRP_FRAME_MAX];

	(void)state;
	assert_int_equal(encode4(buf, sizeof(buf), 150, 10, HA_VRRP_CSUM_RFC),
	                 sizeof(ref_scapy_v4_rfc));
	assert_memory_equal(buf, ref_scapy_v4_rfc, sizeof(ref_scapy_v4_rfc));
	assert_int_equal(encode4(buf, sizeof(buf), 150, 10, HA_VRRP_CSUM_V2_COMPAT),
	                 sizeof(ref_scapy_v4_v2compat));
	assert_memory_equal(buf, ref_scapy_v4_v2compat, sizeof(ref_scapy_v4_v2compat));

	memcpy(adv.src, src6, 16);
	for (int mode = HA_VRRP_CSUM_RFC; mode <= HA_VRRP_CSUM_V2_COMPAT; mode++) {
		assert_int_equal(
			ha_vrrp_pkt_encode(buf, sizeof(buf), &adv, (enum ha_vrrp_csum)mode),
			sizeof(ref_scapy_v6));
		assert_memory_equal(buf, ref_scapy_v6, sizeof(ref_scapy_v6));
	}
}

static void
test_ha_vrrp_pkt_round_trip(void **state)
{
	static uint8_t addrs[255 * 16];
	static const uint8_t counts[] = { 1, 2, 16, 255 };
	static const uint8_t prios[] = { 0, 1, 100, 254, 255 };
	uint8_t buf[HA_VRRP_FRAME_MAX];
	struct ha_vrrp_advert in, out;

	(void)state;
	for (size_t i = 0; i < sizeof(addrs); i++)
		addrs[i] = (uint8_t)(i * 7 + 3);
	for (uint8_t family = 4; family <= 6; family += 2) {
		for (int mode = HA_VRRP_CSUM_RFC; mode <= HA_VRRP_CSUM_V2_COMPAT; mode++) {
			for (size_t c = 0; c < sizeof(counts); c++) {
				for (size_t p = 0; p < sizeof(prios); p++) {
					size_t alen = family == 4 ? 4 : 16;
					int len;

					memset(&in, 0, sizeof(in));
					in.family = family;
					in.vrid = (uint8_t)(1 + c * 60 + p);
					in.priority = prios[p];
					in.count = counts[c];
					in.max_adver_int = (uint16_t)(p == 0 ? 4095 : 100 * p);
					memcpy(in.src, family == 4 ? src4 : src6, alen);
					in.addrs = addrs;
					len = ha_vrrp_pkt_encode(buf, sizeof(buf), &in,
					                         (enum ha_vrrp_csum)mode);
					assert_int_equal(len, ETH + (family == 4 ? 20 : 40) + 8 +
					                              counts[c] * alen);
					assert_int_equal(ha_vrrp_pkt_decode(buf, (size_t)len,
					                                    (enum ha_vrrp_csum)mode,
					                                    &out),
					                 0);
					assert_int_equal(out.family, family);
					assert_int_equal(out.vrid, in.vrid);
					assert_int_equal(out.priority, in.priority);
					assert_int_equal(out.count, in.count);
					assert_int_equal(out.max_adver_int, in.max_adver_int);
					assert_int_equal(out.ttl, 255);
					assert_memory_equal(out.src, in.src, alen);
					assert_memory_equal(out.dst, family == 4 ? group4 : group6,
					                    alen);
					assert_memory_equal(out.addrs, addrs, counts[c] * alen);
					assert_int_equal(out.src_mac[4], family == 4 ? 1 : 2);
					assert_int_equal(out.src_mac[5], in.vrid);
				}
			}
		}
	}
	/* The largest advert fills HA_VRRP_FRAME_MAX exactly. */
	in.family = 6;
	in.count = 255;
	assert_int_equal(ha_vrrp_pkt_encode(buf, HA_VRRP_FRAME_MAX, &in, HA_VRRP_CSUM_RFC),
	                 HA_VRRP_FRAME_MAX);
}

static void
test_ha_vrrp_pkt_decode_padding_ignored(void **state)
{
	uint8_t f[sizeof(ref_ka_v4) + 18];
	struct ha_vrrp_advert adv;

	(void)state;
	/* A frame padded to the Ethernet minimum (or beyond) by the sender's NIC. */
	memset(f, 0xee, sizeof(f));
	memcpy(f, ref_ka_v4, sizeof(ref_ka_v4));
	assert_int_equal(ha_vrrp_pkt_decode(f, sizeof(f), HA_VRRP_CSUM_RFC, &adv), 0);
	assert_int_equal(adv.count, 2);
	assert_int_equal(adv.priority, 150);
}

static void
test_ha_vrrp_pkt_decode_every_truncation(void **state)
{
	static const struct {
		const uint8_t *f;
		size_t len;
	} refs[] = {
		{ ref_scapy_v4_rfc, sizeof(ref_scapy_v4_rfc) },
		{ ref_scapy_v6, sizeof(ref_scapy_v6) },
		{ ref_ka_v4, sizeof(ref_ka_v4) },
		{ ref_ka_v6, sizeof(ref_ka_v6) },
	};

	(void)state;
	for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
		for (size_t len = 0; len < refs[r].len; len++) {
			/* An exact-size copy: a read past the end shows under ASan or valgrind. */
			uint8_t *buf = test_malloc(len > 0 ? len : 1);

			memcpy(buf, refs[r].f, len);
			assert_int_equal(decode(buf, len, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
			test_free(buf);
		}
		assert_int_equal(decode(refs[r].f, refs[r].len, HA_VRRP_CSUM_RFC), 0);
	}
}

/* A modifiable copy of the scapy IPv4 advert. */
static void
copy4(uint8_t *f)
{
	memcpy(f, ref_scapy_v4_rfc, sizeof(ref_scapy_v4_rfc));
}

static void
test_ha_vrrp_pkt_decode_bad_link(void **state)
{
	uint8_t f[sizeof(ref_scapy_v4_rfc) + 4];

	(void)state;
	copy4(f);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP */
	assert_int_equal(decode(f, sizeof(ref_scapy_v4_rfc), HA_VRRP_CSUM_RFC),
	                 -HA_VRRP_ERR_NOT_VRRP);
	/* A VLAN tag in front of the IPv4 header: the caller strips tags. */
	memcpy(f, ref_scapy_v4_rfc, 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = 0x00;
	f[15] = 0x05;
	memcpy(f + 16, ref_scapy_v4_rfc + 12, sizeof(ref_scapy_v4_rfc) - 12);
	assert_int_equal(decode(f, sizeof(f), HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
}

static void
test_ha_vrrp_pkt_decode_bad_ipv4(void **state)
{
	uint8_t f[sizeof(ref_scapy_v4_rfc) + 8];
	uint8_t *ip = f + ETH;
	const size_t n = sizeof(ref_scapy_v4_rfc);

	(void)state;
	copy4(f);
	ip[0] = 0x65; /* version 6 behind an IPv4 ethertype */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	copy4(f);
	ip[0] = 0x44; /* IHL 4: shorter than the fixed header */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	copy4(f);
	ip[0] = 0x4f; /* IHL 15: 60 bytes, more than the frame holds */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	copy4(f);
	put16(ip + 2, 19); /* total length below the header */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	copy4(f);
	put16(ip + 2, (uint16_t)(n - ETH + 1)); /* one byte more than the frame */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	copy4(f);
	put16(ip + 6, 0x2000); /* more fragments */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	copy4(f);
	put16(ip + 6, 0x0001); /* a later fragment */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	copy4(f);
	put16(ip + 6, 0x4000); /* don't fragment is fine */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), 0);
	copy4(f);
	ip[9] = 17;
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	copy4(f);
	ip[10] ^= 0x01; /* header checksum */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_CHECKSUM);
	copy4(f);
	ip[19] = 19; /* to 224.0.0.19 */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_DEST);
	copy4(f);
	memcpy(ip + 16, src4, 4); /* unicast, as keepalived's unicast_peer sends */
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_DEST);
	for (int ttl = 0; ttl < 255; ttl += 127) {
		copy4(f);
		ip[8] = (uint8_t)ttl;
		fix_ip4(f);
		assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_TTL);
	}
	copy4(f);
	ip[8] = 254;
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_TTL);

	/* IPv4 options (IHL 6, four NOPs) are skipped. */
	memcpy(f, ref_scapy_v4_rfc, ETH + 20);
	memset(f + ETH + 20, 1, 4);
	memcpy(f + ETH + 24, ref_scapy_v4_rfc + ETH + 20, n - ETH - 20);
	ip[0] = 0x46;
	put16(ip + 2, (uint16_t)(n - ETH + 4));
	fix_ip4(f);
	assert_int_equal(decode(f, n + 4, HA_VRRP_CSUM_RFC), 0);
}

static void
test_ha_vrrp_pkt_decode_bad_ipv6(void **state)
{
	uint8_t f[sizeof(ref_scapy_v6)];
	uint8_t *ip = f + ETH;
	const size_t n = sizeof(f);

	(void)state;
	memcpy(f, ref_scapy_v6, n);
	ip[0] = 0x4c;
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	memcpy(f, ref_scapy_v6, n);
	put16(ip + 4, (uint16_t)(n - ETH - 40 + 1)); /* payload longer than the frame */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	memcpy(f, ref_scapy_v6, n);
	put16(ip + 4, (uint16_t)(n - ETH - 40 - 1)); /* shorter than the address list */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	memcpy(f, ref_scapy_v6, n);
	ip[6] = 0; /* a hop-by-hop header first */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_NOT_VRRP);
	memcpy(f, ref_scapy_v6, n);
	ip[39] = 0x01; /* to ff02::1 */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_DEST);
	memcpy(f, ref_scapy_v6, n);
	ip[7] = 254;
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_TTL);
	memcpy(f, ref_scapy_v6, n);
	ip[47] ^= 0x80; /* the VRRP checksum */
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_CHECKSUM);
	/* The pseudo-header covers the source, in both modes. */
	for (int mode = HA_VRRP_CSUM_RFC; mode <= HA_VRRP_CSUM_V2_COMPAT; mode++) {
		memcpy(f, ref_scapy_v6, n);
		ip[23] = 0x03;
		assert_int_equal(decode(f, n, (enum ha_vrrp_csum)mode), -HA_VRRP_ERR_CHECKSUM);
		fix_vrrp6(f);
		assert_int_equal(decode(f, n, (enum ha_vrrp_csum)mode), 0);
	}
}

static void
test_ha_vrrp_pkt_decode_bad_vrrp(void **state)
{
	uint8_t f[sizeof(ref_scapy_v4_rfc) + 8];
	uint8_t *ip = f + ETH, *m = f + ETH + 20;
	const size_t n = sizeof(ref_scapy_v4_rfc);
	struct ha_vrrp_advert adv;

	(void)state;
	for (int v = 0; v < 16; v++) {
		if (v == 3)
			continue;
		copy4(f);
		m[0] = (uint8_t)(v << 4 | 1);
		fix_vrrp4(f, HA_VRRP_CSUM_RFC);
		assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_VERSION);
	}
	for (int t = 0; t < 16; t++) {
		if (t == 1)
			continue;
		copy4(f);
		m[0] = (uint8_t)(0x30 | t);
		fix_vrrp4(f, HA_VRRP_CSUM_RFC);
		assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_TYPE);
	}
	/* A count that disagrees with the length, either way. */
	copy4(f);
	m[3] = 3;
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	copy4(f);
	m[3] = 1;
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	/* Bytes after the last address, inside the IP datagram. */
	copy4(f);
	memset(f + n, 0, 4);
	put16(ip + 2, (uint16_t)(n - ETH + 4));
	fix_ip4(f);
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n + 4, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	/* A message shorter than the VRRP header. */
	copy4(f);
	put16(ip + 2, 20 + 6);
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_LENGTH);
	/* The checksum itself, and a field changed behind its back. */
	copy4(f);
	m[7] ^= 0x01;
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_CHECKSUM);
	copy4(f);
	m[2] = 151;
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_CHECKSUM);
	/* With the IPv4 pseudo-header the source is covered; without it, it is not. */
	copy4(f);
	ip[15] = 3;
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_CHECKSUM);
	memcpy(f, ref_scapy_v4_v2compat, n);
	ip[15] = 3;
	fix_ip4(f);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_V2_COMPAT), 0);
	/* VRID 0, interval 0, no address: each its own class. */
	copy4(f);
	m[1] = 0;
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_VRID);
	copy4(f);
	put16(m + 4, 0);
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_INTERVAL);
	copy4(f);
	put16(m + 4, 0xf000); /* reserved bits only: the interval is still 0 */
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, n, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_INTERVAL);
	copy4(f);
	m[3] = 0;
	put16(ip + 2, 20 + 8);
	fix_ip4(f);
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(decode(f, ETH + 28, HA_VRRP_CSUM_RFC), -HA_VRRP_ERR_ADDR_LIST);
	/* The reserved bits are ignored on receipt (RFC 9568 5.2.6). */
	copy4(f);
	m[4] |= 0xa0;
	fix_vrrp4(f, HA_VRRP_CSUM_RFC);
	assert_int_equal(ha_vrrp_pkt_decode(f, n, HA_VRRP_CSUM_RFC, &adv), 0);
	assert_int_equal(adv.max_adver_int, 10);
}

static void
test_ha_vrrp_pkt_decode_bad_arguments(void **state)
{
	struct ha_vrrp_advert adv;

	(void)state;
	assert_int_equal(ha_vrrp_pkt_decode(NULL, 50, HA_VRRP_CSUM_RFC, &adv), -EINVAL);
	assert_int_equal(ha_vrrp_pkt_decode(ref_ka_v4, sizeof(ref_ka_v4), HA_VRRP_CSUM_RFC, NULL),
	                 -EINVAL);
	assert_int_equal(
		ha_vrrp_pkt_decode(ref_ka_v4, sizeof(ref_ka_v4), (enum ha_vrrp_csum)7, &adv),
		-EINVAL);
}

static void
test_ha_vrrp_pkt_encode_errors(void **state)
{
	struct ha_vrrp_advert ok = {
		.family = 4,
		.vrid = 51,
		.priority = 0,
		.count = 2,
		.max_adver_int = 4095,
		.addrs = &vips4[0][0],
	};
	struct ha_vrrp_advert bad;
	uint8_t buf[HA_VRRP_FRAME_MAX];

	(void)state;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &ok, HA_VRRP_CSUM_RFC), 50);
	assert_int_equal(ha_vrrp_pkt_encode(NULL, sizeof(buf), &ok, HA_VRRP_CSUM_RFC), -EINVAL);
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), NULL, HA_VRRP_CSUM_RFC), -EINVAL);
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &ok, (enum ha_vrrp_csum)2), -EINVAL);
	bad = ok;
	bad.addrs = NULL;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);
	bad = ok;
	bad.vrid = 0;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);
	bad = ok;
	bad.count = 0;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);
	bad = ok;
	bad.max_adver_int = 0;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);
	bad = ok;
	bad.max_adver_int = 4096;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);
	bad = ok;
	bad.family = 5;
	assert_int_equal(ha_vrrp_pkt_encode(buf, sizeof(buf), &bad, HA_VRRP_CSUM_RFC), -EINVAL);

	/* The buffer bound, one byte short and exact, for both families. */
	assert_int_equal(ha_vrrp_pkt_encode(buf, 49, &ok, HA_VRRP_CSUM_RFC), -ENOSPC);
	assert_int_equal(ha_vrrp_pkt_encode(buf, 50, &ok, HA_VRRP_CSUM_RFC), 50);
	bad = ok;
	bad.family = 6;
	bad.addrs = &vips6[0][0];
	assert_int_equal(ha_vrrp_pkt_encode(buf, 93, &bad, HA_VRRP_CSUM_RFC), -ENOSPC);
	assert_int_equal(ha_vrrp_pkt_encode(buf, 94, &bad, HA_VRRP_CSUM_RFC), 94);
	assert_int_equal(ha_vrrp_pkt_encode(buf, 0, &bad, HA_VRRP_CSUM_RFC), -ENOSPC);
}

static void
test_ha_vrrp_pkt_vmac(void **state)
{
	uint8_t mac[6];

	(void)state;
	assert_int_equal(ha_vrrp_pkt_vmac(4, 51, mac), 0);
	assert_memory_equal(mac, ((const uint8_t[]){ 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 }), 6);
	assert_int_equal(ha_vrrp_pkt_vmac(6, 255, mac), 0);
	assert_memory_equal(mac, ((const uint8_t[]){ 0x00, 0x00, 0x5e, 0x00, 0x02, 0xff }), 6);
	assert_int_equal(ha_vrrp_pkt_vmac(4, 0, mac), -EINVAL);
	assert_int_equal(ha_vrrp_pkt_vmac(5, 1, mac), -EINVAL);
	assert_int_equal(ha_vrrp_pkt_vmac(4, 1, NULL), -EINVAL);
}

static void
test_ha_vrrp_pkt_addrs_check(void **state)
{
	uint8_t v[3][16] = { { 0 } };
	uint8_t list[3 * 4];
	struct ha_vrrp_advert adv = { .family = 4, .count = 2, .addrs = list };

	(void)state;
	memcpy(v[0], vips4[0], 4);
	memcpy(v[1], vips4[1], 4);
	memcpy(list, vips4, 8);
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2), 0);
	/* Another order is the same set. */
	memcpy(list, vips4[1], 4);
	memcpy(list + 4, vips4[0], 4);
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2), 0);
	/* One address replaced, one duplicated, one missing, one too many. */
	list[7] = 99;
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);
	memcpy(list, vips4[0], 4);
	memcpy(list + 4, vips4[0], 4);
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);
	memcpy(list, vips4, 8);
	adv.count = 1;
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);
	adv.count = 3;
	memcpy(list + 8, src4, 4);
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);
	assert_int_equal(ha_vrrp_pkt_addrs_check(NULL, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);

	/* IPv6 compares all 16 bytes. */
	adv.family = 6;
	adv.count = 2;
	adv.addrs = &vips6[0][0];
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, vips6, 2), 0);
	memcpy(v, vips6, 32);
	v[1][0] = 0x30;
	assert_int_equal(ha_vrrp_pkt_addrs_check(&adv, (const uint8_t(*)[16])v, 2),
	                 -HA_VRRP_ERR_ADDR_LIST);
}

static void
test_ha_vrrp_err_name_every_error(void **state)
{
	const char *seen[HA_VRRP_ERR_END - HA_VRRP_ERR_NOT_VRRP];

	(void)state;
	for (int e = HA_VRRP_ERR_NOT_VRRP; e < HA_VRRP_ERR_END; e++) {
		const char *name = ha_vrrp_err_name(-e);

		assert_string_not_equal(name, "unknown");
		for (int j = HA_VRRP_ERR_NOT_VRRP; j < e; j++)
			assert_string_not_equal(name, seen[j - HA_VRRP_ERR_NOT_VRRP]);
		seen[e - HA_VRRP_ERR_NOT_VRRP] = name;
	}
	assert_string_equal(ha_vrrp_err_name(-HA_VRRP_ERR_TTL), "ttl");
	assert_string_equal(ha_vrrp_err_name(-HA_VRRP_ERR_CHECKSUM), "checksum");
	assert_string_equal(ha_vrrp_err_name(-ENOSPC), "no-space");
	assert_string_equal(ha_vrrp_err_name(0), "unknown");
	assert_string_equal(ha_vrrp_err_name(-HA_VRRP_ERR_END), "unknown");
	assert_string_equal(ha_vrrp_err_name(HA_VRRP_ERR_TTL), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_vrrp_pkt_decode_scapy_v4),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_scapy_v6),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_keepalived),
		cmocka_unit_test(test_ha_vrrp_pkt_encode_matches_scapy),
		cmocka_unit_test(test_ha_vrrp_pkt_round_trip),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_padding_ignored),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_every_truncation),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_bad_link),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_bad_ipv4),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_bad_ipv6),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_bad_vrrp),
		cmocka_unit_test(test_ha_vrrp_pkt_decode_bad_arguments),
		cmocka_unit_test(test_ha_vrrp_pkt_encode_errors),
		cmocka_unit_test(test_ha_vrrp_pkt_vmac),
		cmocka_unit_test(test_ha_vrrp_pkt_addrs_check),
		cmocka_unit_test(test_ha_vrrp_err_name_every_error),
	};

	return cmocka_run_group_tests_name("ha_vrrp_pkt", tests, NULL, NULL);
}
