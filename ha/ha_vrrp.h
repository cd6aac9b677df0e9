/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VRRPv3 (RFC 9568, which obsoletes RFC 5798) for one virtual router: the state machine and
 * the advertisement codec. Both are pure: no DPDK, no EAL, no clock, no I/O. The HA
 * coordinator owns every struct ha_vrrp, feeds it events with the time they happened (in
 * nanoseconds of one monotonic clock) and carries out the actions each step returns: send
 * an advertisement, announce the virtual addresses (gratuitous ARP, unsolicited NA), report a
 * state change.
 *
 * Terms: RFC 9568 renamed Master to "Active Router" (Master_Down_Interval became
 * Active_Down_Interval and so on). The operator's vocabulary (and keepalived's, and the
 * VRRPv3 MIB of RFC 6527) is still "master", so this unit says master and cites the RFC 9568
 * sections.
 *
 * Timers: Skew_Time and Master_Down_Interval (RFC 9568 section 6.1) are kept in nanoseconds,
 * computed exactly from the centisecond interval; rounding them down to whole centiseconds
 * would make Skew_Time zero at a 10 ms interval and lose the priority order of backups.
 */
#ifndef RAMPART_HA_VRRP_H
#define RAMPART_HA_VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HA_VRRP_PROTO 112         /* IP protocol and IPv6 next header (RFC 9568 5.1.1.4) */
#define HA_VRRP_VERSION 3         /* RFC 9568 5.2.1 */
#define HA_VRRP_TYPE_ADVERT 1     /* RFC 9568 5.2.2: the only type */
#define HA_VRRP_TTL 255           /* TTL / hop limit, sent and required (5.1.1.3, 5.1.2.3) */
#define HA_VRRP_PRIO_OWNER 255    /* the address owner (RFC 9568 5.2.4) */
#define HA_VRRP_PRIO_STOP 0       /* "stopped participating" (RFC 9568 5.2.4) */
#define HA_VRRP_INTERVAL_MAX 4095 /* centiseconds, 12 bits (RFC 9568 5.2.7) */
#define HA_VRRP_HDR_LEN 8         /* version/type .. checksum (RFC 9568 5.2) */
#define HA_VRRP_MAX_VIPS 16       /* virtual addresses of one instance (cfg: CFG_MAX_VIPS) */
#define HA_VRRP_NS_PER_CS 10000000ULL

/* The longest frame the codec builds or accepts: Ethernet, IPv6, header, 255 addresses. */
#define HA_VRRP_FRAME_MAX (14 + 40 + HA_VRRP_HDR_LEN + 255 * 16)

/*
 * Errors of the codec, one per counter class of the VRRPv3 MIB (RFC 6527), returned
 * negated. They start above every errno value so a caller can tell them apart.
 */
enum ha_vrrp_err {
	HA_VRRP_ERR_NOT_VRRP = 4000, /* not an IPv4/IPv6 datagram of protocol 112, or a fragment */
	HA_VRRP_ERR_DEST,            /* destination is not 224.0.0.18 / ff02::12 */
	HA_VRRP_ERR_LENGTH,          /* truncated, or lengths that disagree */
	HA_VRRP_ERR_TTL,             /* TTL / hop limit is not 255 */
	HA_VRRP_ERR_VERSION,         /* VRRP version is not 3 */
	HA_VRRP_ERR_TYPE,            /* VRRP type is not 1 (advertisement) */
	HA_VRRP_ERR_CHECKSUM,        /* VRRP checksum, or the IPv4 header checksum */
	HA_VRRP_ERR_VRID,            /* VRID 0 */
	HA_VRRP_ERR_INTERVAL,        /* Max Advertise Interval 0 (RFC 9568 erratum 8301) */
	HA_VRRP_ERR_ADDR_LIST,       /* no address (erratum 8299), or not our virtual addresses */
	HA_VRRP_ERR_END,
};

/* A short name ("ttl", "checksum", ...) for -HA_VRRP_ERR_* or -errno; "unknown" otherwise. */
const char *
ha_vrrp_err_name(int err);

/*
 * How the IPv4 checksum is computed. IPv6 always includes its pseudo-header (RFC 9568
 * 5.2.8, RFC 8200 8.1).
 *
 * HA_VRRP_CSUM_RFC: with an IPv4 pseudo-header (source, destination, zero, 112, VRRP length),
 * as RFC 5798 5.2.8 was read by keepalived (its default, and the only form keepalived 2.2.7
 * knows for multicast adverts), Wireshark and scapy.
 * HA_VRRP_CSUM_V2_COMPAT: over the VRRP message alone, as in VRRPv2. This is what RFC 9568
 * 5.2.8 now specifies for IPv4, what Cisco sends and what keepalived 2.2.8 and later send with
 * `v3_checksum_as_v2`. The two forms never verify each other, so every router of a VRID must
 * use the same one.
 */
enum ha_vrrp_csum {
	HA_VRRP_CSUM_RFC = 0,
	HA_VRRP_CSUM_V2_COMPAT,
};

/*
 * A decoded advertisement, or what to encode. The address list is not copied: @addrs points
 * into the frame it was decoded from (or at the caller's array when encoding).
 */
struct ha_vrrp_advert {
	uint8_t family;         /* 4 or 6 */
	uint8_t version;        /* decode: always 3 */
	uint8_t type;           /* decode: always 1 */
	uint8_t vrid;           /* 1..255 */
	uint8_t priority;       /* 0..255 */
	uint8_t count;          /* addresses in the list, 1..255 */
	uint16_t max_adver_int; /* centiseconds, 1..4095 */
	uint8_t ttl;            /* decode: TTL / hop limit, always 255 */
	uint8_t src_mac[6];     /* decode: Ethernet source */
	uint8_t src[16];        /* IP source (network order; IPv4 in the first 4 bytes) */
	uint8_t dst[16];        /* decode: IP destination */
	const uint8_t *addrs;   /* count * 4 or count * 16 bytes */
};

/*
 * Decode a whole Ethernet frame (no VLAN tag; Ethernet padding after the IP datagram is
 * ignored) carrying a VRRPv3 advertisement, checking everything RFC 9568 7.1 asks of a
 * receiver that does not need the instance's configuration: destination group, TTL / hop
 * limit 255, version 3, type 1, the complete packet and consistent lengths, the checksum
 * per @mode, VRID, Max Advertise Interval and address count not zero. IPv4 options are
 * allowed; IPv6 extension headers are not (VRRP sends none).
 * @return 0, or -HA_VRRP_ERR_* (nothing in @out is meaningful then), -EINVAL for NULL.
 */
int
ha_vrrp_pkt_decode(const uint8_t *frame, size_t len, enum ha_vrrp_csum mode,
                   struct ha_vrrp_advert *out);

/*
 * Encode @adv (family, vrid, priority, count, max_adver_int, src, addrs; the other fields
 * are ignored) as a whole Ethernet frame into @buf: from the virtual MAC 00-00-5E-00-01-{VRID}
 * (IPv6: 00-00-5E-00-02-{VRID}) to 01-00-5E-00-00-12 (33-33-00-00-00-12), TTL / hop limit
 * 255, DSCP CS6, to 224.0.0.18 (ff02::12), the checksum per @mode.
 * @return the frame length, -EINVAL (a field out of range, NULL), -ENOSPC (@size too small).
 */
int
ha_vrrp_pkt_encode(uint8_t *buf, size_t size, const struct ha_vrrp_advert *adv,
                   enum ha_vrrp_csum mode);

/* The virtual router MAC of @vrid for @family (RFC 9568 7.3). @return 0 or -EINVAL. */
int
ha_vrrp_pkt_vmac(uint8_t family, uint8_t vrid, uint8_t mac[6]);

/*
 * Whether the address list of @adv is exactly the set @vips (@n addresses of @adv's family,
 * 16 bytes each with IPv4 in the first 4), in any order. RFC 9568 7.1 lets a receiver check
 * it; a mismatch is logged and counted, the advertisement is still processed.
 * @return 0 or -HA_VRRP_ERR_ADDR_LIST.
 */
int
ha_vrrp_pkt_addrs_check(const struct ha_vrrp_advert *adv, const uint8_t (*vips)[16],
                        unsigned int n);

#endif /* RAMPART_HA_VRRP_H */
