/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Codecs for the node's own link-layer traffic: ARP (Ethernet/IPv4), IPv6 neighbour discovery
 * (neighbour solicitation and advertisement), ICMP and ICMPv6 echo. Pure functions over whole
 * untagged Ethernet frames in plain buffers: no EAL, no mbuf, no allocation, no logging.
 *
 * Parsers return HA_PKT_OK or the reason a frame was refused; a refused frame leaves the
 * output structure partly filled. Trailing bytes after the IP length (Ethernet padding) are
 * allowed everywhere. Builders write a whole frame from its Ethernet header on, return its
 * length, and return -ENOSPC when the buffer is too small for it (nothing useful is written
 * then). Addresses are in network byte order, everything else in host order.
 */
#ifndef RAMPART_HA_PKT_H
#define RAMPART_HA_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HA_MAC_LEN 6
#define HA_ETH_HLEN 14
#define HA_ARP_FRAME_LEN 42 /* Ethernet header and an ARP body for IPv4, no padding */
#define HA_ND_FRAME_LEN 86  /* Ethernet, IPv6, NS or NA and one link-layer address option */

#define HA_ETHERTYPE_IPV4 0x0800
#define HA_ETHERTYPE_ARP 0x0806
#define HA_ETHERTYPE_IPV6 0x86dd

#define HA_ARP_OP_REQUEST 1
#define HA_ARP_OP_REPLY 2

/* ICMPv6 types of neighbour discovery (RFC 4861 section 4) and echo (RFC 4443 section 4). */
#define HA_ICMP6_ECHO_REQUEST 128
#define HA_ICMP6_ECHO_REPLY 129
#define HA_ND_NS 135
#define HA_ND_NA 136

/* Flags of a neighbour advertisement, as they sit in the first byte after the checksum. */
#define HA_NA_F_ROUTER 0x80
#define HA_NA_F_SOLICITED 0x40
#define HA_NA_F_OVERRIDE 0x20

/* Why a parser refused a frame. Names for counters come from ha_pkt_err_name(). */
enum ha_pkt_err {
	HA_PKT_OK = 0,
	HA_PKT_TRUNCATED,     /* shorter than the headers it announces */
	HA_PKT_ETHERTYPE,     /* not the ethertype the parser takes (a VLAN tag, for one) */
	HA_PKT_ARP_FORMAT,    /* hardware or protocol type or length not Ethernet and IPv4 */
	HA_PKT_ARP_OP,        /* ARP operation neither request nor reply */
	HA_PKT_IP_HEADER,     /* IP version, IPv4 header length or total length, IPv6 length */
	HA_PKT_IP_CHECKSUM,   /* IPv4 header checksum */
	HA_PKT_FRAGMENT,      /* an IPv4 fragment: the node reassembles nothing */
	HA_PKT_PROTO,         /* not ICMP or ICMPv6 directly after the IP header */
	HA_PKT_HOP_LIMIT,     /* neighbour discovery with a hop limit other than 255 */
	HA_PKT_ICMP_CHECKSUM, /* ICMP or ICMPv6 checksum */
	HA_PKT_ICMP_TYPE,     /* not the ICMP type the parser takes */
	HA_PKT_ICMP_CODE,     /* ICMP code other than 0 */
	HA_PKT_ND_OPTION,     /* option of length 0, running past the message, or a link-layer
	                       * address option of the wrong length */
	HA_PKT_ND_TARGET,     /* neighbour discovery for a multicast target */
	HA_PKT_ADDRESS,       /* a source or destination no valid message of its kind has */
	HA_PKT_ERR__MAX,
};

/* "ok", "truncated", "ethertype", ...; "unknown" for a value out of range. */
const char *
ha_pkt_err_name(enum ha_pkt_err err);

/* An ARP packet for IPv4 over Ethernet, with the Ethernet addresses of its frame. */
struct ha_arp {
	uint8_t eth_dst[HA_MAC_LEN];
	uint8_t eth_src[HA_MAC_LEN];
	uint16_t op;             /* HA_ARP_OP_REQUEST or HA_ARP_OP_REPLY */
	uint8_t sha[HA_MAC_LEN]; /* sender hardware address */
	uint8_t spa[4];          /* sender protocol address */
	uint8_t tha[HA_MAC_LEN]; /* target hardware address */
	uint8_t tpa[4];          /* target protocol address */
};

/*
 * Parse an ARP frame: ethertype 0x0806, hardware type 1 with length 6, protocol type 0x0800
 * with length 4, operation request or reply. A group or zero Ethernet source or sender
 * hardware address is refused as HA_PKT_ADDRESS (RFC 1812 section 3.3.2: a router must not
 * believe an ARP that gives a neighbour a broadcast or multicast address).
 */
enum ha_pkt_err
ha_arp_parse(const uint8_t *frame, size_t len, struct ha_arp *arp);

/* A neighbour solicitation or advertisement. */
struct ha_nd {
	uint8_t eth_dst[HA_MAC_LEN];
	uint8_t eth_src[HA_MAC_LEN];
	uint8_t src[16]; /* IPv6 source: unspecified for duplicate address detection */
	uint8_t dst[16]; /* IPv6 destination */
	uint8_t type;    /* HA_ND_NS or HA_ND_NA */
	uint8_t flags;   /* NA: HA_NA_F_*; NS: 0 */
	uint8_t target[16];
	bool has_lladdr;            /* NS: a source, NA: a target link-layer address option */
	uint8_t lladdr[HA_MAC_LEN]; /* the first such option's address */
};

/*
 * Parse a neighbour solicitation or advertisement and validate it as RFC 4861 sections 7.1.1
 * and 7.1.2 ask: hop limit 255, ICMPv6 checksum, code 0, at least 24 bytes of message, a
 * target that is not multicast, options of non-zero length inside the message, and
 * link-layer address options of one unit (Ethernet). An NS from the unspecified address must
 * go to a solicited-node group and carry no source link-layer address; an NA to a multicast
 * group must not have the solicited flag, and must not come from the unspecified address.
 * A multicast source, and a group or zero Ethernet source or link-layer address option, are
 * refused as HA_PKT_ADDRESS. ICMPv6 must follow the IPv6 header directly.
 * Options other than the link-layer address of the message's own direction are skipped.
 * Other ICMPv6 types (router discovery, redirects) are refused as HA_PKT_ICMP_TYPE.
 */
enum ha_pkt_err
ha_nd_parse(const uint8_t *frame, size_t len, struct ha_nd *nd);

/* An ICMP or ICMPv6 echo request, with where its parts lie in the frame. */
struct ha_echo {
	uint8_t family; /* 4 or 6 */
	uint8_t eth_dst[HA_MAC_LEN];
	uint8_t eth_src[HA_MAC_LEN];
	uint8_t src[16]; /* IPv4 in the first 4 bytes */
	uint8_t dst[16];
	uint16_t id, seq;
	uint16_t icmp_off; /* offset of the ICMP header in the frame */
	uint16_t icmp_len; /* ICMP header and data, from the IP length */
};

/*
 * Parse an echo request: IPv4 (version, header length, total length, header checksum, not a
 * fragment, protocol 1, type 8, code 0, ICMP checksum) or IPv6 (version, payload length,
 * next header 58, type 128, code 0, ICMPv6 checksum). A request that no reply may go back to
 * is refused as HA_PKT_ADDRESS: a group or zero Ethernet source, or an IP source in 0/8,
 * 127/8 or 224/3 (multicast, class E, limited broadcast), or IPv6 unspecified, loopback or
 * multicast.
 */
enum ha_pkt_err
ha_echo_parse(const uint8_t *frame, size_t len, struct ha_echo *echo);

/*
 * The destination of an IPv4 or IPv6 packet in @frame (for a packet whose next hop must be
 * resolved): ethertype, IP version and the fixed header's length are checked, nothing else.
 * @family is set to 4 or 6 and @dst filled (IPv4 in its first 4 bytes).
 */
enum ha_pkt_err
ha_ip_dst_parse(const uint8_t *frame, size_t len, uint8_t *family, uint8_t dst[16]);

/* Write the ARP frame @arp describes. @return HA_ARP_FRAME_LEN or -ENOSPC. */
int
ha_arp_build(uint8_t *buf, size_t size, const struct ha_arp *arp);

/* A broadcast request from @mac and @sip for @tip. @return HA_ARP_FRAME_LEN or -ENOSPC. */
int
ha_arp_request_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t sip[4],
                     const uint8_t tip[4]);

/*
 * The reply to request @req from @mac: sent to the requester's hardware address, with the
 * requested address as sender. @return HA_ARP_FRAME_LEN or -ENOSPC.
 */
int
ha_arp_reply_build(uint8_t *buf, size_t size, const struct ha_arp *req,
                   const uint8_t mac[HA_MAC_LEN]);

/*
 * A gratuitous ARP in request form: broadcast, sender and target address both @ip, sender
 * hardware address @mac, target hardware address zero. @return HA_ARP_FRAME_LEN or -ENOSPC.
 */
int
ha_garp_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t ip[4]);

/*
 * A neighbour solicitation from @mac and @src for @target, sent to the target's
 * solicited-node group and its 33:33:ff:xx:xx:xx MAC, with a source link-layer address
 * option (left out when @src is unspecified, as duplicate address detection requires).
 * @return its length (HA_ND_FRAME_LEN, or 8 less without the option) or -ENOSPC.
 */
int
ha_ns_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN], const uint8_t src[16],
            const uint8_t target[16]);

/*
 * A neighbour advertisement for @target with flags @flags (HA_NA_F_*) from @smac and @src to
 * @dmac and @dst, with a target link-layer address option holding @smac.
 * @return HA_ND_FRAME_LEN or -ENOSPC.
 */
int
ha_na_build(uint8_t *buf, size_t size, const uint8_t smac[HA_MAC_LEN],
            const uint8_t dmac[HA_MAC_LEN], const uint8_t src[16], const uint8_t dst[16],
            const uint8_t target[16], uint8_t flags);

/*
 * The solicited advertisement that answers @ns from @mac, with @flags (HA_NA_F_ROUTER,
 * HA_NA_F_OVERRIDE) and the solicited flag added. An NS from the unspecified address
 * (duplicate address detection) is answered to ff02::1 without the solicited flag, as
 * RFC 4861 section 7.2.4 asks; any other to its source, at the MAC of its source
 * link-layer address option or else of its Ethernet source.
 * @return HA_ND_FRAME_LEN or -ENOSPC.
 */
int
ha_na_reply_build(uint8_t *buf, size_t size, const struct ha_nd *ns, const uint8_t mac[HA_MAC_LEN],
                  uint8_t flags);

/*
 * An unsolicited advertisement of @target from @mac to all nodes (ff02::1), with the
 * override flag set besides @flags, the target as source address and a target link-layer
 * address option. @return HA_ND_FRAME_LEN or -ENOSPC.
 */
int
ha_na_unsolicited_build(uint8_t *buf, size_t size, const uint8_t mac[HA_MAC_LEN],
                        const uint8_t target[16], uint8_t flags);

/*
 * The echo reply to @req (@req_len bytes, parsed into @echo by ha_echo_parse()) from @mac:
 * Ethernet addresses become (@mac, the request's source), IP addresses are swapped, the
 * identifier, sequence number and data are copied, and both checksums are computed anew.
 * IPv4: a 20-byte header (options are not echoed) with the request's TOS and identification,
 * no fragment flags and TTL 64. IPv6: the request's traffic class and flow label, hop limit
 * 64. Padding after the IP packet is not copied.
 * @return the reply's length, -EINVAL (@echo does not lie inside @req) or -ENOSPC.
 */
int
ha_echo_reply_build(uint8_t *buf, size_t size, const uint8_t *req, size_t req_len,
                    const struct ha_echo *echo, const uint8_t mac[HA_MAC_LEN]);

/* The IPv6 link-local address fe80::/64 with the modified EUI-64 interface id of @mac. */
void
ha_ipv6_ll_from_mac(const uint8_t mac[HA_MAC_LEN], uint8_t ll[16]);

/* The solicited-node group ff02::1:ffXX:XXXX of @addr. */
void
ha_ipv6_solicited_node(const uint8_t addr[16], uint8_t group[16]);

/* The Ethernet address 33:33:xx:xx:xx:xx of IPv6 group @group. */
void
ha_ipv6_mcast_mac(const uint8_t group[16], uint8_t mac[HA_MAC_LEN]);

#endif /* RAMPART_HA_PKT_H */
