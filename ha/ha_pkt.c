/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP, neighbour discovery and echo codecs over plain buffers.
 *
 * Every multi-byte field is read and written byte by byte, so no header needs to be aligned,
 * and every read is preceded by a check that it stays inside the frame. Lengths inside an IP
 * packet are measured against the length its header declares, not against the frame, so
 * Ethernet padding never passes for part of a message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ha_pkt.h"
#include "ha_wire.h"

#define ARP_BODY_LEN 28 /* ARP for IPv4 over Ethernet */
#define ARP_HTYPE_ETHER 1
#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define IPPROTO_ICMP_V4 1
#define IPPROTO_ICMP_V6 58
#define ICMP_ECHO_REQUEST 8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_LEN 8 /* type, code, checksum, identifier, sequence number */
#define ND_MSG_LEN 24   /* NS and NA: type to target, before the options */
#define ND_OPT_SLLA 1   /* RFC 4861 section 4.6.1 */
#define ND_OPT_TLLA 2
#define ND_OPT_UNIT 8         /* option lengths count units of 8 bytes */
#define ND_HOP_LIMIT 255      /* RFC 4861: sent with, and accepted only with, hop limit 255 */
#define REPLY_TTL 64          /* TTL and hop limit of echo replies */
#define IPV4_FRAG_MASK 0x3fff /* more-fragments flag and fragment offset */

static const char *const err_names[HA_PKT_ERR__MAX] = {
	[HA_PKT_OK] = "ok",
	[HA_PKT_TRUNCATED] = "truncated",
	[HA_PKT_ETHERTYPE] = "ethertype",
	[HA_PKT_ARP_FORMAT] = "arp_format",
	[HA_PKT_ARP_OP] = "arp_op",
	[HA_PKT_IP_HEADER] = "ip_header",
	[HA_PKT_IP_CHECKSUM] = "ip_checksum",
	[HA_PKT_FRAGMENT] = "fragment",
	[HA_PKT_PROTO] = "proto",
	[HA_PKT_HOP_LIMIT] = "hop_limit",
	[HA_PKT_ICMP_CHECKSUM] = "icmp_checksum",
	[HA_PKT_ICMP_TYPE] = "icmp_type",
	[HA_PKT_ICMP_CODE] = "icmp_code",
	[HA_PKT_ND_OPTION] = "nd_option",
	[HA_PKT_ND_TARGET] = "nd_target",
	[HA_PKT_ADDRESS] = "address",
};

static const uint8_t mac_broadcast[HA_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ip6_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t ip6_unspecified[16];

const char *
ha_pkt_err_name(enum ha_pkt_err err)
{
	if ((unsigned int)err >= HA_PKT_ERR__MAX)
		return "unknown";
	return err_names[err];
}

/* The sum of the IPv6 pseudo-header (RFC 8200 section 8.1) for ICMPv6 of @len bytes. */
static uint64_t
pseudo6_sum(const uint8_t *src, const uint8_t *dst, uint32_t len)
{
	uint64_t acc = ha_sum16(src, 16, 0);

	acc = ha_sum16(dst, 16, acc);
	return acc + (len >> 16) + (len & 0xffff) + IPPROTO_ICMP_V6;
}

/* True when @n bytes at @p, checksum field included, sum to all ones. */
static bool
csum_ok(const uint8_t *p, size_t n, uint64_t acc)
{
	return ha_sum_fold(ha_sum16(p, n, acc)) == 0xffff;
}

static bool
ip6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static bool
ip6_is_unspecified(const uint8_t *a)
{
	return memcmp(a, ip6_unspecified, 16) == 0;
}

static bool
ip6_is_loopback(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	return memcmp(a, loopback, 16) == 0;
}

/* ff02::1:ff00:0/104 (RFC 4291 section 2.7.1). */
static bool
ip6_is_solicited_node(const uint8_t *a)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* A MAC a frame may come from and a neighbour may have: not a group address, not zero. */
static bool
mac_is_unicast(const uint8_t *m)
{
	return !(m[0] & 0x01) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) != 0;
}

static void
eth_write(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(p, dst, HA_MAC_LEN);
	memcpy(p + HA_MAC_LEN, src, HA_MAC_LEN);
	ha_wr16(p + 2 * HA_MAC_LEN, type);
}

static void
eth_read(const uint8_t *p, uint8_t *dst, uint8_t *src)
{
	memcpy(dst, p, HA_MAC_LEN);
	memcpy(src, p + HA_MAC_LEN, HA_MAC_LEN);
}

/*
 * The fixed IPv6 header at @frame + HA_ETH_HLEN: version 6, payload inside the frame.
 * Sets @plen to the payload length.
 */
static enum ha_pkt_err
ip6_check(const uint8_t *frame, size_t len, uint16_t *plen)
{
	const uint8_t *ip = frame + HA_ETH_HLEN;

	if (len < HA_ETH_HLEN + IPV6_HDR_LEN)
		return HA_PKT_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return HA_PKT_IP_HEADER;
	*plen = ha_rd16(ip + 4);
	if ((size_t)*plen > len - HA_ETH_HLEN - IPV6_HDR_LEN)
		return HA_PKT_TRUNCATED;
	if (ip[6] != IPPROTO_ICMP_V6)
		return HA_PKT_PROTO;
	return HA_PKT_OK;
}

enum ha_pkt_err
ha_arp_parse(const uint8_t *frame, size_t len, struct ha_arp *arp)
{
	const uint8_t *a;

	if (len < HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	if (ha_rd16(frame + 12) != HA_ETHERTYPE_ARP)
		return HA_PKT_ETHERTYPE;
	if (len < HA_ARP_FRAME_LEN)
		return HA_PKT_TRUNCATED;
	a = frame + HA_ETH_HLEN;
	eth_read(frame, arp->eth_dst, arp->eth_src);
	if (ha_rd16(a) != ARP_HTYPE_ETHER || ha_rd16(a + 2) != HA_ETHERTYPE_IPV4 ||
	    a[4] != HA_MAC_LEN || a[5] != 4)
		return HA_PKT_ARP_FORMAT;
	arp->op = ha_rd16(a + 6);
	if (arp->op != HA_ARP_OP_REQUEST && arp->op != HA_ARP_OP_REPLY)
		return HA_PKT_ARP_OP;
	memcpy(arp->sha, a + 8, HA_MAC_LEN);
	memcpy(arp->spa, a + 14, 4);
	memcpy(arp->tha, a + 18, HA_MAC_LEN);
	memcpy(arp->tpa, a + 24, 4);
	if (!mac_is_unicast(arp->eth_src) || !mac_is_unicast(arp->sha))
		return HA_PKT_ADDRESS;
	return HA_PKT_OK;
}

/*
 * Walk the options of an ND message (@opt, @n bytes): every option has a non-zero length
 * inside the message, and every link-layer address option of type @want is one unit long.
 * The first of those is copied into @nd.
 */
static enum ha_pkt_err
nd_options(const uint8_t *opt, size_t n, uint8_t want, struct ha_nd *nd)
{
	size_t off = 0;

	while (off < n) {
		size_t olen;

		if (n - off < 2 || opt[off + 1] == 0)
			return HA_PKT_ND_OPTION;
		olen = (size_t)opt[off + 1] * ND_OPT_UNIT;
		if (olen > n - off)
			return HA_PKT_ND_OPTION;
		if (opt[off] == want) {
			if (olen != ND_OPT_UNIT)
				return HA_PKT_ND_OPTION;
			if (!nd->has_lladdr) {
				nd->has_lladdr = true;
				memcpy(nd->lladdr, opt + off + 2, HA_MAC_LEN);
			}
		}
		off += olen;
	}
	return HA_PKT_OK;
}

enum ha_pkt_err
ha_nd_parse(const uint8_t *frame, size_t len, struct ha_nd *nd)
{
	const uint8_t *ip, *icmp;
	enum ha_pkt_err err;
	uint16_t plen;

	if (len < HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	if (ha_rd16(frame + 12) != HA_ETHERTYPE_IPV6)
		return HA_PKT_ETHERTYPE;
	err = ip6_check(frame, len, &plen);
	if (err != HA_PKT_OK)
		return err;
	ip = frame + HA_ETH_HLEN;
	icmp = ip + IPV6_HDR_LEN;
	eth_read(frame, nd->eth_dst, nd->eth_src);
	memcpy(nd->src, ip + 8, 16);
	memcpy(nd->dst, ip + 24, 16);
	nd->has_lladdr = false;
	nd->flags = 0;
	if (plen < 4)
		return HA_PKT_TRUNCATED;
	nd->type = icmp[0];
	if (nd->type != HA_ND_NS && nd->type != HA_ND_NA)
		return HA_PKT_ICMP_TYPE;
	if (plen < ND_MSG_LEN)
		return HA_PKT_TRUNCATED;
	if (ip[7] != ND_HOP_LIMIT)
		return HA_PKT_HOP_LIMIT;
	if (!csum_ok(icmp, plen, pseudo6_sum(nd->src, nd->dst, plen)))
		return HA_PKT_ICMP_CHECKSUM;
	if (icmp[1] != 0)
		return HA_PKT_ICMP_CODE;
	memcpy(nd->target, icmp + 8, 16);
	if (ip6_is_multicast(nd->target))
		return HA_PKT_ND_TARGET;
	if (nd->type == HA_ND_NA)
		nd->flags = icmp[4] & (HA_NA_F_ROUTER | HA_NA_F_SOLICITED | HA_NA_F_OVERRIDE);
	err = nd_options(icmp + ND_MSG_LEN, plen - ND_MSG_LEN,
	                 nd->type == HA_ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, nd);
	if (err != HA_PKT_OK)
		return err;
	if (ip6_is_multicast(nd->src) || !mac_is_unicast(nd->eth_src) ||
	    (nd->has_lladdr && !mac_is_unicast(nd->lladdr)))
		return HA_PKT_ADDRESS;
	if (nd->type == HA_ND_NS && ip6_is_unspecified(nd->src)) {
		if (!ip6_is_solicited_node(nd->dst))
			return HA_PKT_ADDRESS;
		if (nd->has_lladdr)
			return HA_PKT_ND_OPTION;
	}
	if (nd->type == HA_ND_NA) {
		if (ip6_is_unspecified(nd->src))
			return HA_PKT_ADDRESS;
		if (ip6_is_multicast(nd->dst) && (nd->flags & HA_NA_F_SOLICITED))
			return HA_PKT_ADDRESS;
	}
	return HA_PKT_OK;
}

/* An IPv4 source no reply may go to: this network (0/8), loopback, multicast, class E. */
static bool
ip4_src_bad(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

static enum ha_pkt_err
echo4_parse(const uint8_t *frame, size_t len, struct ha_echo *echo)
{
	const uint8_t *ip = frame + HA_ETH_HLEN;
	const uint8_t *icmp;
	size_t ihl, tot;

	if (len < HA_ETH_HLEN + IPV4_HDR_LEN)
		return HA_PKT_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return HA_PKT_IP_HEADER;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < IPV4_HDR_LEN)
		return HA_PKT_IP_HEADER;
	if (ihl > len - HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	tot = ha_rd16(ip + 2);
	if (tot < ihl)
		return HA_PKT_IP_HEADER;
	if (tot > len - HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	if (!csum_ok(ip, ihl, 0))
		return HA_PKT_IP_CHECKSUM;
	memcpy(echo->src, ip + 12, 4);
	memcpy(echo->dst, ip + 16, 4);
	if (ha_rd16(ip + 6) & IPV4_FRAG_MASK)
		return HA_PKT_FRAGMENT;
	if (ip[9] != IPPROTO_ICMP_V4)
		return HA_PKT_PROTO;
	if (tot - ihl < 4)
		return HA_PKT_TRUNCATED;
	icmp = ip + ihl;
	if (icmp[0] != ICMP_ECHO_REQUEST)
		return HA_PKT_ICMP_TYPE;
	if (tot - ihl < ICMP_ECHO_LEN)
		return HA_PKT_TRUNCATED;
	if (icmp[1] != 0)
		return HA_PKT_ICMP_CODE;
	if (!csum_ok(icmp, tot - ihl, 0))
		return HA_PKT_ICMP_CHECKSUM;
	if (ip4_src_bad(echo->src))
		return HA_PKT_ADDRESS;
	echo->icmp_off = (uint16_t)(HA_ETH_HLEN + ihl);
	echo->icmp_len = (uint16_t)(tot - ihl);
	return HA_PKT_OK;
}

static enum ha_pkt_err
echo6_parse(const uint8_t *frame, size_t len, struct ha_echo *echo)
{
	const uint8_t *ip = frame + HA_ETH_HLEN;
	const uint8_t *icmp = ip + IPV6_HDR_LEN;
	enum ha_pkt_err err;
	uint16_t plen;

	err = ip6_check(frame, len, &plen);
	if (err != HA_PKT_OK)
		return err;
	memcpy(echo->src, ip + 8, 16);
	memcpy(echo->dst, ip + 24, 16);
	if (plen < 4)
		return HA_PKT_TRUNCATED;
	if (icmp[0] != HA_ICMP6_ECHO_REQUEST)
		return HA_PKT_ICMP_TYPE;
	if (plen < ICMP_ECHO_LEN)
		return HA_PKT_TRUNCATED;
	if (icmp[1] != 0)
		return HA_PKT_ICMP_CODE;
	if (!csum_ok(icmp, plen, pseudo6_sum(echo->src, echo->dst, plen)))
		return HA_PKT_ICMP_CHECKSUM;
	if (ip6_is_multicast(echo->src) || ip6_is_unspecified(echo->src) ||
	    ip6_is_loopback(echo->src))
		return HA_PKT_ADDRESS;
	echo->icmp_off = HA_ETH_HLEN + IPV6_HDR_LEN;
	echo->icmp_len = plen;
	return HA_PKT_OK;
}

enum ha_pkt_err
ha_echo_parse(const uint8_t *frame, size_t len, struct ha_echo *echo)
{
	enum ha_pkt_err err;

	if (len < HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	eth_read(frame, echo->eth_dst, echo->eth_src);
	memset(echo->src, 0, sizeof(echo->src));
	memset(echo->dst, 0, sizeof(echo->dst));
	switch (ha_rd16(frame + 12)) {
	case HA_ETHERTYPE_IPV4:
		echo->family = 4;
		err = echo4_parse(frame, len, echo);
		break;
	case HA_ETHERTYPE_IPV6:
		echo->family = 6;
		err = echo6_parse(frame, len, echo);
		break;
	default:
		return HA_PKT_ETHERTYPE;
	}
	if (err != HA_PKT_OK)
		return err;
	if (!mac_is_unicast(echo->eth_src))
		return HA_PKT_ADDRESS;
	echo->id = ha_rd16(frame + echo->icmp_off + 4);
	echo->seq = ha_rd16(frame + echo->icmp_off + 6);
	return HA_PKT_OK;
}

enum ha_pkt_err
ha_ip_dst_parse(const uint8_t *frame, size_t len, uint8_t *family, uint8_t dst[16])
{
	const uint8_t *ip;

	if (len < HA_ETH_HLEN)
		return HA_PKT_TRUNCATED;
	ip = frame + HA_ETH_HLEN;
	memset(dst, 0, 16);
	switch (ha_rd16(frame + 12)) {
	case HA_ETHERTYPE_IPV4:
		if (len < HA_ETH_HLEN + IPV4_HDR_LEN)
			return HA_PKT_TRUNCATED;
		if (ip[0] >> 4 != 4 || (ip[0] & 0x0f) < 5)
			return HA_PKT_IP_HEADER;
		*family = 4;
		memcpy(dst, ip + 16, 4);
		return HA_PKT_OK;
	case HA_ETHERTYPE_IPV6:
		if (len < HA_ETH_HLEN + IPV6_HDR_LEN)
			return HA_PKT_TRUNCATED;
		if (ip[0] >> 4 != 6)
			return HA_PKT_IP_HEADER;
		*family = 6;
		memcpy(dst, ip + 24, 16);
		return HA_PKT_OK;
	default:
		return HA_PKT_ETHERTYPE;
	}
}

int
ha_arp_build(uint8_t *buf, size_t size, const struct ha_arp *arp)
{
	uint8_t *a = buf + HA_ETH_HLEN;

	if (size < HA_ARP_FRAME_LEN)
		return -ENOSPC;
	eth_write(buf, arp->eth_dst, arp->eth_src, HA_ETHERTYPE_ARP);
	ha_wr16(a, ARP_HTYPE_ETHER);
	ha_wr16(a + 2, HA_ETHERTYPE_IPV4);
	a[4] = HA_MAC_LEN;
	a[5] = 4;
	ha_wr16(a + 6, arp->op);
	memcpy(a + 8, arp->sha, HA_MAC_LEN);
	memcpy(a + 14, arp->spa, 4);
	memcpy(a + 18, arp->tha, HA_MAC_LEN);
	memcpy(a + 24, arp->tpa, 4);
	return HA_ARP_FRAME_LEN;
}

int
ha_arp_request_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t sip[4],
                     const uint8_t tip[4])
{
	struct ha_arp arp = { .op = HA_ARP_OP_REQUEST };

	memcpy(arp.eth_dst, mac_broadcast, HA_MAC_LEN);
	memcpy(arp.eth_src, mac, HA_MAC_LEN);
	memcpy(arp.sha, mac, HA_MAC_LEN);
	memcpy(arp.spa, sip, 4);
	memcpy(arp.tpa, tip, 4);
	return ha_arp_build(buf, size, &arp);
}

int
ha_arp_reply_build(uint8_t *buf, size_t size, const struct ha_arp *req,
                   const uint8_t mac[HA_MAC_LEN])
{
	struct ha_arp arp = { .op = HA_ARP_OP_REPLY };

	memcpy(arp.eth_dst, req->sha, HA_MAC_LEN);
	memcpy(arp.eth_src, mac, HA_MAC_LEN);
	memcpy(arp.sha, mac, HA_MAC_LEN);
	memcpy(arp.spa, req->tpa, 4);
	memcpy(arp.tha, req->sha, HA_MAC_LEN);
	memcpy(arp.tpa, req->spa, 4);
	return ha_arp_build(buf, size, &arp);
}

int
ha_garp_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t ip[4])
{
	return ha_arp_request_build(buf, size, mac, ip, ip);
}

/*
 * Ethernet and IPv6 headers of an ICMPv6 message of @plen bytes; returns the message's
 * start. The caller checks the room.
 */
static uint8_t *
ip6_write(uint8_t *buf, const uint8_t *smac, const uint8_t *dmac, const uint8_t *src,
          const uint8_t *dst, uint16_t plen, uint8_t hops)
{
	uint8_t *ip = buf + HA_ETH_HLEN;

	eth_write(buf, dmac, smac, HA_ETHERTYPE_IPV6);
	memset(ip, 0, 4);
	ip[0] = 0x60;
	ha_wr16(ip + 4, plen);
	ip[6] = IPPROTO_ICMP_V6;
	ip[7] = hops;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return ip + IPV6_HDR_LEN;
}

static void
icmp6_csum_set(uint8_t *icmp, const uint8_t *src, const uint8_t *dst, uint16_t plen)
{
	ha_wr16(icmp + 2, 0);
	ha_wr16(icmp + 2,
	        (uint16_t)~ha_sum_fold(ha_sum16(icmp, plen, pseudo6_sum(src, dst, plen))));
}

/* An NS or NA body: type, code 0, flags, target, and one link-layer address option. */
static void
nd_write(uint8_t *icmp, uint8_t type, uint8_t flags, const uint8_t *target, uint8_t opt,
         const uint8_t *mac)
{
	icmp[0] = type;
	icmp[1] = 0;
	memset(icmp + 2, 0, 6);
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	if (opt != 0) {
		icmp[ND_MSG_LEN] = opt;
		icmp[ND_MSG_LEN + 1] = 1;
		memcpy(icmp + ND_MSG_LEN + 2, mac, HA_MAC_LEN);
	}
}

int
ha_ns_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t src[16],
            const uint8_t target[16])
{
	bool dad = ip6_is_unspecified(src);
	uint16_t plen = ND_MSG_LEN + (dad ? 0 : ND_OPT_UNIT);
	uint8_t group[16], gmac[HA_MAC_LEN];
	uint8_t *icmp;

	if (size < (size_t)HA_ETH_HLEN + IPV6_HDR_LEN + plen)
		return -ENOSPC;
	ha_ipv6_solicited_node(target, group);
	ha_ipv6_mcast_mac(group, gmac);
	icmp = ip6_write(buf, mac, gmac, src, group, plen, ND_HOP_LIMIT);
	nd_write(icmp, HA_ND_NS, 0, target, dad ? 0 : ND_OPT_SLLA, mac);
	icmp6_csum_set(icmp, src, group, plen);
	return HA_ETH_HLEN + IPV6_HDR_LEN + plen;
}

int
ha_na_build(uint8_t *buf, size_t size, const uint8_t smac[HA_MAC_LEN],
            const uint8_t dmac[HA_MAC_LEN], const uint8_t src[16], const uint8_t dst[16],
            const uint8_t target[16], uint8_t flags)
{
	const uint16_t plen = ND_MSG_LEN + ND_OPT_UNIT;
	uint8_t *icmp;

	if (size < HA_ND_FRAME_LEN)
		return -ENOSPC;
	icmp = ip6_write(buf, smac, dmac, src, dst, plen, ND_HOP_LIMIT);
	nd_write(icmp, HA_ND_NA, flags & (HA_NA_F_ROUTER | HA_NA_F_SOLICITED | HA_NA_F_OVERRIDE),
	         target, ND_OPT_TLLA, smac);
	icmp6_csum_set(icmp, src, dst, plen);
	return HA_ND_FRAME_LEN;
}

int
ha_na_reply_build(uint8_t *buf, size_t size, const struct ha_nd *ns, const uint8_t mac[HA_MAC_LEN],
                  uint8_t flags)
{
	uint8_t all_nodes_mac[HA_MAC_LEN];

	flags &= (uint8_t)~HA_NA_F_SOLICITED;
	if (ip6_is_unspecified(ns->src)) {
		ha_ipv6_mcast_mac(ip6_all_nodes, all_nodes_mac);
		return ha_na_build(buf, size, mac, all_nodes_mac, ns->target, ip6_all_nodes,
		                   ns->target, flags);
	}
	return ha_na_build(buf, size, mac, ns->has_lladdr ? ns->lladdr : ns->eth_src, ns->target,
	                   ns->src, ns->target, flags | HA_NA_F_SOLICITED);
}

int
ha_na_unsolicited_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN],
                        const uint8_t target[16], uint8_t flags)
{
	uint8_t all_nodes_mac[HA_MAC_LEN];

	ha_ipv6_mcast_mac(ip6_all_nodes, all_nodes_mac);
	flags = (uint8_t)((flags & ~HA_NA_F_SOLICITED) | HA_NA_F_OVERRIDE);
	return ha_na_build(buf, size, mac, all_nodes_mac, target, ip6_all_nodes, target, flags);
}

int
ha_echo_reply_build(uint8_t *buf, size_t size, const uint8_t *req, size_t req_len,
                    const struct ha_echo *echo, const uint8_t mac[HA_MAC_LEN])
{
	const uint8_t *rip = req + HA_ETH_HLEN;
	size_t hlen = echo->family == 4 ? IPV4_HDR_LEN : IPV6_HDR_LEN;
	size_t out_len = HA_ETH_HLEN + hlen + echo->icmp_len;
	uint8_t *ip = buf + HA_ETH_HLEN;
	uint8_t *icmp = ip + hlen;

	if ((echo->family != 4 && echo->family != 6) || echo->icmp_len < ICMP_ECHO_LEN ||
	    echo->icmp_off < HA_ETH_HLEN + hlen ||
	    (size_t)echo->icmp_off + echo->icmp_len > req_len ||
	    (echo->family == 6 && echo->icmp_off != HA_ETH_HLEN + IPV6_HDR_LEN))
		return -EINVAL;
	if (size < out_len)
		return -ENOSPC;
	memcpy(icmp, req + echo->icmp_off, echo->icmp_len);
	if (echo->family == 4) {
		eth_write(buf, echo->eth_src, mac, HA_ETHERTYPE_IPV4);
		ip[0] = 0x45;
		ip[1] = rip[1];
		ha_wr16(ip + 2, (uint16_t)(IPV4_HDR_LEN + echo->icmp_len));
		memcpy(ip + 4, rip + 4, 2);
		ha_wr16(ip + 6, 0);
		ip[8] = REPLY_TTL;
		ip[9] = IPPROTO_ICMP_V4;
		ha_wr16(ip + 10, 0);
		memcpy(ip + 12, echo->dst, 4);
		memcpy(ip + 16, echo->src, 4);
		ha_wr16(ip + 10, (uint16_t)~ha_sum_fold(ha_sum16(ip, IPV4_HDR_LEN, 0)));
		icmp[0] = ICMP_ECHO_REPLY;
		ha_wr16(icmp + 2, 0);
		ha_wr16(icmp + 2, (uint16_t)~ha_sum_fold(ha_sum16(icmp, echo->icmp_len, 0)));
	} else {
		ip6_write(buf, mac, echo->eth_src, echo->dst, echo->src, echo->icmp_len, REPLY_TTL);
		memcpy(ip, rip, 4);
		ip[0] = (uint8_t)(0x60 | (rip[0] & 0x0f)); /* traffic class and flow label kept */
		icmp[0] = HA_ICMP6_ECHO_REPLY;
		icmp6_csum_set(icmp, echo->dst, echo->src, echo->icmp_len);
	}
	return (int)out_len;
}

void
ha_ipv6_ll_from_mac(const uint8_t mac[HA_MAC_LEN], uint8_t ll[16])
{
	memset(ll, 0, 16);
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = mac[0] ^ 0x02; /* the universal/local bit, inverted (RFC 4291 appendix A) */
	ll[9] = mac[1];
	ll[10] = mac[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac[3];
	ll[14] = mac[4];
	ll[15] = mac[5];
}

void
ha_ipv6_solicited_node(const uint8_t addr[16], uint8_t group[16])
{
	memset(group, 0, 16);
	group[0] = 0xff;
	group[1] = 0x02;
	group[11] = 0x01;
	group[12] = 0xff;
	memcpy(group + 13, addr + 13, 3);
}

void
ha_ipv6_mcast_mac(const uint8_t group[16], uint8_t mac[HA_MAC_LEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}
