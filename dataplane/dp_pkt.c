/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parser: Ethernet, VLAN tags, ARP, IPv4 (options, fragments), IPv6 (extension chain,
 * fragments), TCP, UDP, ICMP, ICMPv6 and VRRP, over a plain buffer.
 *
 * This runs once per packet on every worker, so it allocates nothing, logs nothing and makes
 * no system call. Every multi-byte field is read byte by byte (the compiler folds the pair
 * into one load and a byte swap), so no header needs to be aligned, and every read is
 * preceded by a check that it stays inside [buf, buf + len). Lengths inside the IP packet
 * are measured against the length the IP header declares, not against the frame, so that
 * Ethernet padding never passes for a header.
 *
 * For a frame that is not IP, l3_off is the offset of what follows the Ethernet header and
 * its tags (the ARP body, for instance); every IP field stays 0, except that src and dst hold
 * the sender and target addresses of ARP for IPv4 over Ethernet.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "dp_pkt.h"

#define VLAN_TAG_LEN 4 /* TCI and the next ethertype */
#define VLAN_VID_MASK 0x0fff
#define ARP_IPV4_LEN 28 /* ARP body for IPv4 over Ethernet */
#define IPV4_HDR_LEN ((unsigned int)sizeof(struct rte_ipv4_hdr))
#define IPV6_HDR_LEN ((unsigned int)sizeof(struct rte_ipv6_hdr))
#define IPV6_EXT_MIN 8 /* every extension header is a multiple of 8 bytes, AH of 4 */
#define TCP_HDR_LEN ((unsigned int)sizeof(struct rte_tcp_hdr))
#define UDP_HDR_LEN ((unsigned int)sizeof(struct rte_udp_hdr))
#define ICMP_MIN_LEN 4     /* type, code and checksum */
#define IPPROTO_NONE_V6 59 /* IPv6 "no next header" */
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_TARGET_OFF 8 /* type, code, checksum, then 4 reserved or flag bytes */
#define ARP_HRD_ETHER 1
#define ARP_SPA_OFF 14 /* hardware type and length fields, operation, sender MAC */
#define ARP_TPA_OFF 24 /* then sender IP and target MAC */

static const char *const reason_names[DP_DROP__MAX] = {
	[DP_DROP_NONE] = "none",
	[DP_DROP_TRUNCATED] = "truncated",
	[DP_DROP_VLAN_DEPTH] = "vlan_depth",
	[DP_DROP_IP_VERSION] = "ip_version",
	[DP_DROP_IPV4_IHL] = "ipv4_ihl",
	[DP_DROP_IPV4_LENGTH] = "ipv4_length",
	[DP_DROP_IPV4_OPTIONS] = "ipv4_options",
	[DP_DROP_IPV6_LENGTH] = "ipv6_length",
	[DP_DROP_IPV6_EXT] = "ipv6_ext",
	[DP_DROP_FRAGMENT_BAD] = "fragment_bad",
	[DP_DROP_L4_HEADER] = "l4_header",
	[DP_DROP_DENY_PREFIX] = "deny_prefix",
	[DP_DROP_BLOCKLIST] = "blocklist",
	[DP_DROP_RULE] = "rule",
	[DP_DROP_RATE_LIMIT] = "rate_limit",
	[DP_DROP_SYN_FLOOD] = "syn_flood",
	[DP_DROP_UDP_AMPLIFICATION] = "udp_amplification",
	[DP_DROP_ICMP_FLOOD] = "icmp_flood",
	[DP_DROP_FRAGMENT] = "fragment",
	[DP_DROP_DEFAULT] = "default",
};

const char *
dp_drop_reason_name(enum dp_drop_reason r)
{
	if ((unsigned int)r >= DP_DROP__MAX || reason_names[r] == NULL)
		return "unknown";
	return reason_names[r];
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool
is_vlan_tpid(uint16_t type)
{
	return type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ ||
	       type == RTE_ETHER_TYPE_QINQ1;
}

/*
 * The L4 header of @len bytes (what the IP length leaves after the IP headers) at @l4, which
 * is at @off in the frame. pkt->proto, family and frag are already set. In a first fragment
 * an L4 header that does not fit is the fragment's fault (a tiny-fragment attack, RFC 1858).
 */
static inline enum dp_drop_reason
parse_l4(const uint8_t *l4, unsigned int len, unsigned int off, struct dp_pkt *pkt)
{
	unsigned int doff;

	switch (pkt->proto) {
	case IPPROTO_TCP:
		if (unlikely(len < TCP_HDR_LEN))
			goto bad;
		doff = (l4[offsetof(struct rte_tcp_hdr, data_off)] >> 4) * 4;
		if (unlikely(doff < TCP_HDR_LEN || doff > len))
			goto bad;
		pkt->sport = rd16(l4 + offsetof(struct rte_tcp_hdr, src_port));
		pkt->dport = rd16(l4 + offsetof(struct rte_tcp_hdr, dst_port));
		pkt->tcp_flags = l4[offsetof(struct rte_tcp_hdr, tcp_flags)];
		break;
	case IPPROTO_UDP:
		if (unlikely(len < UDP_HDR_LEN))
			goto bad;
		pkt->sport = rd16(l4 + offsetof(struct rte_udp_hdr, src_port));
		pkt->dport = rd16(l4 + offsetof(struct rte_udp_hdr, dst_port));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* ICMP goes with IPv4, ICMPv6 with IPv6; other pairings are just protocols. */
		if ((pkt->proto == IPPROTO_ICMP) != (pkt->family == 4))
			break;
		if (unlikely(len < ICMP_MIN_LEN))
			goto bad;
		pkt->icmp_type = l4[offsetof(struct rte_icmp_hdr, icmp_type)];
		/* Neighbour discovery (RFC 4861 4.3, 4.4): the target follows 4 reserved bytes. */
		if (pkt->proto == IPPROTO_ICMPV6 &&
		    (pkt->icmp_type == ND_NEIGHBOR_SOLICIT ||
		     pkt->icmp_type == ND_NEIGHBOR_ADVERT) &&
		    len >= DP_ND_MIN_LEN)
			memcpy(pkt->nd_target, l4 + ND_TARGET_OFF, 16);
		break;
	case DP_IPPROTO_VRRP:
		if (unlikely(len < DP_VRRP_HDR_LEN))
			goto bad;
		pkt->vrid = l4[1];
		break;
	default:
		break;
	}
	pkt->l4_off = (uint16_t)off;
	return DP_DROP_NONE;
bad:
	return pkt->frag == DP_FRAG_FIRST ? DP_DROP_FRAGMENT_BAD : DP_DROP_L4_HEADER;
}

/* True when the @len option bytes at @opt are not a well-formed option list. */
static bool
ipv4_options_bad(const uint8_t *opt, unsigned int len)
{
	unsigned int i = 0, olen;

	while (i < len) {
		if (opt[i] == RTE_IPV4_HDR_OPT_EOL)
			return false;
		if (opt[i] == RTE_IPV4_HDR_OPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return true;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return true;
		i += olen;
	}
	return false;
}

/* The IPv4 packet at @ip, at @off in the frame, with @avail bytes left in the frame. */
static inline enum dp_drop_reason
parse_ipv4(const uint8_t *ip, size_t avail, unsigned int off, struct dp_pkt *pkt)
{
	unsigned int hlen, tot, frag, foff;

	if (unlikely(avail < IPV4_HDR_LEN))
		return DP_DROP_TRUNCATED;
	if (unlikely((ip[0] >> 4) != 4))
		return DP_DROP_IP_VERSION;
	pkt->family = 4;
	pkt->proto = ip[offsetof(struct rte_ipv4_hdr, next_proto_id)];
	memcpy(pkt->src, ip + offsetof(struct rte_ipv4_hdr, src_addr), 4);
	memcpy(pkt->dst, ip + offsetof(struct rte_ipv4_hdr, dst_addr), 4);

	hlen = (ip[0] & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(hlen < IPV4_HDR_LEN || hlen > avail))
		return DP_DROP_IPV4_IHL;
	tot = rd16(ip + offsetof(struct rte_ipv4_hdr, total_length));
	if (unlikely(tot < hlen || tot > avail))
		return DP_DROP_IPV4_LENGTH;
	pkt->l3_len = (uint16_t)tot;
	if (unlikely(hlen > IPV4_HDR_LEN) &&
	    ipv4_options_bad(ip + IPV4_HDR_LEN, hlen - IPV4_HDR_LEN))
		return DP_DROP_IPV4_OPTIONS;

	frag = rd16(ip + offsetof(struct rte_ipv4_hdr, fragment_offset));
	foff = frag & RTE_IPV4_HDR_OFFSET_MASK;
	if (unlikely(foff != 0)) {
		/* Offset 8 bytes can only rewrite the first fragment's TCP flags (RFC 1858). */
		if (foff == 1 && pkt->proto == IPPROTO_TCP)
			return DP_DROP_FRAGMENT_BAD;
		pkt->frag = DP_FRAG_LATER;
		return DP_DROP_NONE;
	}
	if (unlikely(frag & RTE_IPV4_HDR_MF_FLAG))
		pkt->frag = DP_FRAG_FIRST;
	return parse_l4(ip + hlen, tot - hlen, off + hlen, pkt);
}

/* The IPv6 packet at @ip, at @off in the frame, with @avail bytes left in the frame. */
static inline enum dp_drop_reason
parse_ipv6(const uint8_t *ip, size_t avail, unsigned int off, struct dp_pkt *pkt)
{
	unsigned int plen, end, pos, hlen, n, fd, fo;
	bool fragment_seen = false;
	uint8_t nh;

	if (unlikely(avail < IPV6_HDR_LEN))
		return DP_DROP_TRUNCATED;
	if (unlikely((ip[0] >> 4) != 6))
		return DP_DROP_IP_VERSION;
	pkt->family = 6;
	memcpy(pkt->src, ip + offsetof(struct rte_ipv6_hdr, src_addr), 16);
	memcpy(pkt->dst, ip + offsetof(struct rte_ipv6_hdr, dst_addr), 16);
	nh = ip[offsetof(struct rte_ipv6_hdr, proto)];

	plen = rd16(ip + offsetof(struct rte_ipv6_hdr, payload_len));
	end = IPV6_HDR_LEN + plen;
	/*
	 * A jumbogram (RFC 2675: payload length 0 and the real length in a hop-by-hop option) is
	 * dropped here as ipv6_length: no link this node sits on carries one, and an empty payload
	 * cannot hold the hop-by-hop header anyway. l3_len is 16 bits, so the few lengths that
	 * would not fit in it once the fixed header is added are dropped the same way; such a
	 * packet would not fit in one mbuf segment either.
	 */
	if (unlikely(end > avail || end > UINT16_MAX || (plen == 0 && nh == IPPROTO_HOPOPTS)))
		return DP_DROP_IPV6_LENGTH;
	pkt->l3_len = (uint16_t)end;

	pos = IPV6_HDR_LEN;
	for (n = 0;; n++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
		case IPPROTO_FRAGMENT:
			break;
		case IPPROTO_NONE_V6:
			pkt->proto = nh;
			return DP_DROP_NONE;
		default:
			pkt->proto = nh;
			return parse_l4(ip + pos, end - pos, off + pos, pkt);
		}
		if (unlikely(n == DP_IPV6_MAX_EXT || end - pos < IPV6_EXT_MIN))
			return DP_DROP_IPV6_EXT;
		switch (nh) {
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.1: only directly after the fixed header. */
			if (unlikely(n != 0))
				return DP_DROP_IPV6_EXT;
			hlen = (ip[pos + 1] + 1u) * 8;
			break;
		case IPPROTO_AH:
			hlen = (ip[pos + 1] + 2u) * 4;
			break;
		case IPPROTO_FRAGMENT:
			/* One fragment header per packet; a second one is never legitimate. */
			if (unlikely(fragment_seen))
				return DP_DROP_IPV6_EXT;
			fragment_seen = true;
			hlen = (unsigned int)sizeof(struct rte_ipv6_fragment_ext);
			fd = rd16(ip + pos + offsetof(struct rte_ipv6_fragment_ext, frag_data));
			fo = RTE_IPV6_GET_FO(fd);
			if (fo != 0) {
				/* Same overlapping-fragment rule as IPv4's (RFC 1858). */
				if (fo == 1 && ip[pos] == IPPROTO_TCP)
					return DP_DROP_FRAGMENT_BAD;
				pkt->proto = ip[pos];
				pkt->frag = DP_FRAG_LATER;
				return DP_DROP_NONE;
			}
			/* Offset 0 without M is an atomic fragment (RFC 6946): a whole packet. */
			if (RTE_IPV6_GET_MF(fd))
				pkt->frag = DP_FRAG_FIRST;
			break;
		default: /* routing, destination options */
			hlen = (ip[pos + 1] + 1u) * 8;
			break;
		}
		if (unlikely(hlen > end - pos))
			return DP_DROP_IPV6_EXT;
		nh = ip[pos];
		pos += hlen;
	}
}

/*
 * The addresses of an ARP packet (RFC 826) at @arp, ARP_IPV4_LEN bytes of it in the frame.
 * Only IPv4 over Ethernet is read; any other kind keeps zero addresses and is not refused:
 * it is not the node's business.
 */
static inline void
parse_arp(const uint8_t *arp, struct dp_pkt *pkt)
{
	if (rd16(arp) != ARP_HRD_ETHER || rd16(arp + 2) != RTE_ETHER_TYPE_IPV4 ||
	    arp[4] != RTE_ETHER_ADDR_LEN || arp[5] != 4)
		return;
	memcpy(pkt->src, arp + ARP_SPA_OFF, 4);
	memcpy(pkt->dst, arp + ARP_TPA_OFF, 4);
}

enum dp_drop_reason
dp_pkt_parse(const uint8_t *buf, size_t len, struct dp_pkt *pkt)
{
	unsigned int off = RTE_ETHER_HDR_LEN;
	uint16_t type;

	memset(pkt, 0, sizeof(*pkt));
	if (unlikely(len < RTE_ETHER_HDR_LEN))
		return DP_DROP_TRUNCATED;
	type = rd16(buf + offsetof(struct rte_ether_hdr, ether_type));
	while (unlikely(is_vlan_tpid(type))) {
		if (pkt->n_vlans == DP_PKT_MAX_VLANS)
			return DP_DROP_VLAN_DEPTH;
		if (len - off < VLAN_TAG_LEN)
			return DP_DROP_TRUNCATED;
		pkt->vlan[pkt->n_vlans++] = rd16(buf + off) & VLAN_VID_MASK;
		type = rd16(buf + off + 2);
		off += VLAN_TAG_LEN;
	}
	pkt->ethertype = type;
	pkt->l3_off = (uint16_t)off;

	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		return parse_ipv4(buf + off, len - off, off, pkt);
	case RTE_ETHER_TYPE_IPV6:
		return parse_ipv6(buf + off, len - off, off, pkt);
	case RTE_ETHER_TYPE_ARP:
		if (len - off < ARP_IPV4_LEN)
			return DP_DROP_TRUNCATED;
		parse_arp(buf + off, pkt);
		return DP_DROP_NONE;
	default:
		return DP_DROP_NONE;
	}
}
