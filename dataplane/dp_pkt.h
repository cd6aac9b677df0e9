/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet parsing: a pure function over the bytes of a frame that yields what the classifier
 * needs, or the reason the frame is dropped. No EAL, no mbuf: unit-tested and fuzzed on
 * plain buffers. Part of the dataplane's public interface through dp.h.
 *
 * Every drop reason, the parser's and the policy's, is one counter per worker.
 */
#ifndef RAMPART_DP_PKT_H
#define RAMPART_DP_PKT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Why a packet was dropped. The parser's reasons come first (a malformed frame), then the
 * policy's. DP_DROP_NONE is not a drop.
 */
enum dp_drop_reason {
	DP_DROP_NONE = 0,
	/* parser */
	DP_DROP_TRUNCATED,    /* shorter than the headers it announces */
	DP_DROP_VLAN_DEPTH,   /* more than two VLAN tags */
	DP_DROP_IP_VERSION,   /* IP version field disagrees with the ethertype */
	DP_DROP_IPV4_IHL,     /* IHL below 5 or past the frame */
	DP_DROP_IPV4_LENGTH,  /* total length below the header or past the frame */
	DP_DROP_IPV4_OPTIONS, /* malformed IPv4 options */
	DP_DROP_IPV6_LENGTH,  /* payload length past the frame */
	DP_DROP_IPV6_EXT,     /* bad extension header chain (too long, truncated, misplaced) */
	DP_DROP_FRAGMENT_BAD, /* fragment too small to hold the L4 header, or overlapping 0 */
	DP_DROP_L4_HEADER,    /* TCP data offset below 5 or past the packet */
	/* policy */
	DP_DROP_DENY_PREFIX, /* source in deny_prefixes / deny_file */
	DP_DROP_BLOCKLIST,   /* source on the dynamic blocklist */
	DP_DROP_RULE,        /* a rule with action drop */
	DP_DROP_RATE_LIMIT,  /* over a rule's rate limit */
	DP_DROP_SYN_FLOOD,
	DP_DROP_UDP_AMPLIFICATION,
	DP_DROP_ICMP_FLOOD,
	DP_DROP_FRAGMENT, /* fragments = "drop" */
	DP_DROP_DEFAULT,  /* default_action = "drop" */
	DP_DROP__MAX,
};

/* The name of a reason, for counters and the CLI: "truncated", "ipv4_ihl", "blocklist"... */
const char *
dp_drop_reason_name(enum dp_drop_reason r);

enum dp_frag {
	DP_FRAG_NONE = 0,
	DP_FRAG_FIRST, /* offset 0, more fragments: the L4 header is there */
	DP_FRAG_LATER, /* offset > 0: no L4 header; ports and flags read as 0 */
};

#define DP_PKT_MAX_VLANS 2
#define DP_IPV6_MAX_EXT 8 /* extension headers followed before giving up */

#define DP_IPPROTO_VRRP 112
#define DP_VRRP_HDR_LEN 8 /* version/type, VRID, priority, count, interval, checksum */
#define DP_ND_MIN_LEN 24  /* ICMPv6 neighbour solicitation or advertisement with its target */

/* What the parser yields. Addresses in network byte order, everything else in host order. */
struct dp_pkt {
	uint8_t family;    /* 4, 6, or 0 for a frame that is not IP (ARP, LLDP...) */
	uint8_t proto;     /* L4 protocol: IPv4 protocol, or IPv6's last next header */
	uint8_t tcp_flags; /* TCP flags byte, 0 otherwise */
	uint8_t frag;      /* enum dp_frag */
	uint8_t icmp_type; /* ICMP or ICMPv6 type, 0 otherwise */
	uint8_t n_vlans;
	uint8_t vrid;       /* VRRP (protocol 112): the VRID, the VRRP header's second byte;
	                     * 0 otherwise */
	uint16_t ethertype; /* after VLAN tags */
	uint16_t vlan[DP_PKT_MAX_VLANS]; /* VLAN ids, outer first */
	uint16_t sport, dport;           /* TCP/UDP ports, 0 otherwise */
	uint16_t l3_len;       /* IP length: IPv4 total length, IPv6 payload length + 40 */
	uint16_t l3_off;       /* offset of the IP header (of the ARP body, etc. when not IP) */
	uint16_t l4_off;       /* offset of the L4 header (0 when none: later fragments) */
	uint8_t src[16];       /* IPv4 in the first 4 bytes. For ARP over Ethernet (family 0),
	                        * the sender protocol (IPv4) address */
	uint8_t dst[16];       /* For ARP, the target protocol address */
	uint8_t nd_target[16]; /* ICMPv6 neighbour solicitation or advertisement: the target
	                        * address; zeros otherwise */
};

/*
 * Parse the frame @buf of @len bytes into @pkt. Ethernet, up to two 802.1Q/802.1ad tags,
 * ARP and other non-IP ethertypes (family 0: not inspected further), IPv4 with options and
 * fragments, IPv6 with its extension header chain and fragments, TCP, UDP, ICMP, ICMPv6 and
 * VRRP. Trailing bytes after the IP length (Ethernet padding) are allowed.
 *
 * What the HA path needs is read too: the sender and target addresses of an ARP packet for
 * IPv4 over Ethernet (other ARP is left with zero addresses), the target of an ICMPv6
 * neighbour solicitation or advertisement at least DP_ND_MIN_LEN long (a shorter one is not
 * refused, its target stays zero) and the VRID of a VRRP packet (one shorter than
 * DP_VRRP_HDR_LEN is refused as l4_header, as a short TCP or UDP header is).
 *
 * @return DP_DROP_NONE, or the parser's drop reason (@pkt is then partly filled).
 */
enum dp_drop_reason
dp_pkt_parse(const uint8_t *buf, size_t len, struct dp_pkt *pkt);

#endif /* RAMPART_DP_PKT_H */
