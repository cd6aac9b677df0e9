/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VRRPv3 advertisement codec (RFC 9568 section 5): whole Ethernet frames in and out, no
 * allocation, no I/O.
 */
#include <errno.h>
#include <string.h>

#include "ha_vrrp.h"
#include "ha_wire.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV4_HLEN 20
#define IPV6_HLEN 40
/* IPv4 TOS and IPv6 traffic class: network control (CS6), as keepalived sends; RFC 9568 names
 * none. */
#define TCLASS_CS6 0xc0

/* The VRRP multicast groups (RFC 9568 5.1.1.2, 5.1.2.2) and their Ethernet addresses. */
static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t group6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12 };
static const uint8_t group4_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 };
static const uint8_t group6_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x12 };

const char *
ha_vrrp_err_name(int err)
{
	switch (-err) {
	case HA_VRRP_ERR_NOT_VRRP:
		return "not-vrrp";
	case HA_VRRP_ERR_DEST:
		return "destination";
	case HA_VRRP_ERR_LENGTH:
		return "length";
	case HA_VRRP_ERR_TTL:
		return "ttl";
	case HA_VRRP_ERR_VERSION:
		return "version";
	case HA_VRRP_ERR_TYPE:
		return "type";
	case HA_VRRP_ERR_CHECKSUM:
		return "checksum";
	case HA_VRRP_ERR_VRID:
		return "vrid";
	case HA_VRRP_ERR_INTERVAL:
		return "interval";
	case HA_VRRP_ERR_ADDR_LIST:
		return "address-list";
	case EINVAL:
		return "invalid-argument";
	case ENOSPC:
		return "no-space";
	default:
		return "unknown";
	}
}

/*
 * The VRRP checksum of @msg (@len bytes, its checksum field as it stands) with the
 * pseudo-header @mode and @family call for: RFC 8200 8.1 for IPv6 (addresses, 32-bit length,
 * next header 112); for IPv4 in HA_VRRP_CSUM_RFC the RFC 768 style one (addresses, zero,
 * protocol 112, 16-bit length). Over a message whose checksum field holds the right value
 * the result is 0.
 */
static uint16_t
vrrp_sum(uint8_t family, const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len,
         enum ha_vrrp_csum mode)
{
	uint64_t sum = 0;

	if (family == 6) {
		sum = ha_sum16(src, 16, sum);
		sum = ha_sum16(dst, 16, sum);
		sum += (uint32_t)len; /* below 65536: the upper half of the 32-bit length is 0 */
		sum += HA_VRRP_PROTO;
	} else if (mode == HA_VRRP_CSUM_RFC) {
		sum = ha_sum16(src, 4, sum);
		sum = ha_sum16(dst, 4, sum);
		sum += HA_VRRP_PROTO;
		sum += (uint32_t)len;
	}
	return (uint16_t)~ha_sum_fold(ha_sum16(msg, len, sum));
}

int
ha_vrrp_pkt_vmac(uint8_t family, uint8_t vrid, uint8_t mac[6])
{
	if (mac == NULL || vrid == 0 || (family != 4 && family != 6))
		return -EINVAL;
	/* RFC 9568 7.3: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. */
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = family == 4 ? 0x01 : 0x02;
	mac[5] = vrid;
	return 0;
}

/* The IP part of a frame: where the VRRP message is and what the IP header said. */
struct l3_view {
	uint8_t family;
	uint8_t ttl;
	const uint8_t *src;
	const uint8_t *dst;
	const uint8_t *msg;
	size_t msg_len;
};

static int
parse_ipv4(const uint8_t *ip, size_t avail, struct l3_view *v)
{
	size_t ihl, total;

	if (avail < IPV4_HLEN)
		return -HA_VRRP_ERR_LENGTH;
	if (ip[0] >> 4 != 4)
		return -HA_VRRP_ERR_NOT_VRRP;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = ha_rd16(ip + 2);
	if (ihl < IPV4_HLEN || ihl > avail || total < ihl || total > avail)
		return -HA_VRRP_ERR_LENGTH;
	/* A fragment cannot be checked on its own, and VRRP never needs fragmenting. */
	if ((ha_rd16(ip + 6) & 0x3fff) != 0 || ip[9] != HA_VRRP_PROTO)
		return -HA_VRRP_ERR_NOT_VRRP;
	if (ha_sum_fold(ha_sum16(ip, ihl, 0)) != 0xffff)
		return -HA_VRRP_ERR_CHECKSUM;
	if (memcmp(ip + 16, group4, 4) != 0)
		return -HA_VRRP_ERR_DEST;
	v->family = 4;
	v->ttl = ip[8];
	v->src = ip + 12;
	v->dst = ip + 16;
	v->msg = ip + ihl;
	v->msg_len = total - ihl;
	return 0;
}

static int
parse_ipv6(const uint8_t *ip, size_t avail, struct l3_view *v)
{
	size_t payload;

	if (avail < IPV6_HLEN)
		return -HA_VRRP_ERR_LENGTH;
	if (ip[0] >> 4 != 6)
		return -HA_VRRP_ERR_NOT_VRRP;
	payload = ha_rd16(ip + 4);
	if (payload > avail - IPV6_HLEN)
		return -HA_VRRP_ERR_LENGTH;
	/* VRRP sends no extension header (RFC 9568 5.1.2), so 112 comes straight after. */
	if (ip[6] != HA_VRRP_PROTO)
		return -HA_VRRP_ERR_NOT_VRRP;
	if (memcmp(ip + 24, group6, 16) != 0)
		return -HA_VRRP_ERR_DEST;
	v->family = 6;
	v->ttl = ip[7];
	v->src = ip + 8;
	v->dst = ip + 24;
	v->msg = ip + IPV6_HLEN;
	v->msg_len = payload;
	return 0;
}

int
ha_vrrp_pkt_decode(const uint8_t *frame, size_t len, enum ha_vrrp_csum mode,
                   struct ha_vrrp_advert *out)
{
	struct l3_view v;
	size_t alen;
	uint16_t type;
	int ret;

	if (frame == NULL || out == NULL ||
	    (mode != HA_VRRP_CSUM_RFC && mode != HA_VRRP_CSUM_V2_COMPAT))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len < ETH_HLEN)
		return -HA_VRRP_ERR_LENGTH;
	type = ha_rd16(frame + 12);
	if (type == ETHERTYPE_IPV4)
		ret = parse_ipv4(frame + ETH_HLEN, len - ETH_HLEN, &v);
	else if (type == ETHERTYPE_IPV6)
		ret = parse_ipv6(frame + ETH_HLEN, len - ETH_HLEN, &v);
	else
		ret = -HA_VRRP_ERR_NOT_VRRP; /* VLAN-tagged frames included: untag them first */
	if (ret < 0)
		return ret;

	/* The receiver checks of RFC 9568 7.1, in its order where it gives one. */
	if (v.ttl != HA_VRRP_TTL)
		return -HA_VRRP_ERR_TTL;
	if (v.msg_len < HA_VRRP_HDR_LEN)
		return -HA_VRRP_ERR_LENGTH;
	if (v.msg[0] >> 4 != HA_VRRP_VERSION)
		return -HA_VRRP_ERR_VERSION;
	if ((v.msg[0] & 0x0f) != HA_VRRP_TYPE_ADVERT)
		return -HA_VRRP_ERR_TYPE;
	/* The complete packet, and nothing after the last address (as keepalived demands). */
	alen = v.family == 4 ? 4 : 16;
	if (v.msg_len != HA_VRRP_HDR_LEN + (size_t)v.msg[3] * alen)
		return -HA_VRRP_ERR_LENGTH;
	if (vrrp_sum(v.family, v.src, v.dst, v.msg, v.msg_len, mode) != 0)
		return -HA_VRRP_ERR_CHECKSUM;
	if (v.msg[1] == 0)
		return -HA_VRRP_ERR_VRID;
	/* RFC 9568 erratum 8299: an advertisement with no address is ignored. */
	if (v.msg[3] == 0)
		return -HA_VRRP_ERR_ADDR_LIST;
	/* The 4 reserved bits are ignored (5.2.6); a zero interval is invalid (erratum 8301). */
	if ((ha_rd16(v.msg + 4) & 0x0fff) == 0)
		return -HA_VRRP_ERR_INTERVAL;

	out->family = v.family;
	out->version = HA_VRRP_VERSION;
	out->type = HA_VRRP_TYPE_ADVERT;
	out->vrid = v.msg[1];
	out->priority = v.msg[2];
	out->count = v.msg[3];
	out->max_adver_int = ha_rd16(v.msg + 4) & 0x0fff;
	out->ttl = v.ttl;
	memcpy(out->src_mac, frame + 6, 6);
	memcpy(out->src, v.src, alen);
	memcpy(out->dst, v.dst, alen);
	out->addrs = v.msg + HA_VRRP_HDR_LEN;
	return 0;
}

int
ha_vrrp_pkt_encode(uint8_t *buf, size_t size, const struct ha_vrrp_advert *adv,
                   enum ha_vrrp_csum mode)
{
	size_t alen, msg_len, ip_len, frame_len;
	uint8_t *ip, *msg;
	const uint8_t *dst;

	if (buf == NULL || adv == NULL || adv->addrs == NULL || adv->vrid == 0 || adv->count == 0 ||
	    adv->max_adver_int == 0 || adv->max_adver_int > HA_VRRP_INTERVAL_MAX ||
	    (adv->family != 4 && adv->family != 6) ||
	    (mode != HA_VRRP_CSUM_RFC && mode != HA_VRRP_CSUM_V2_COMPAT))
		return -EINVAL;
	alen = adv->family == 4 ? 4 : 16;
	msg_len = HA_VRRP_HDR_LEN + (size_t)adv->count * alen;
	ip_len = (adv->family == 4 ? IPV4_HLEN : IPV6_HLEN) + msg_len;
	frame_len = ETH_HLEN + ip_len;
	if (size < frame_len)
		return -ENOSPC;

	/* Ethernet: to the group's MAC from the virtual router MAC (RFC 9568 7.2, 7.3). */
	memcpy(buf, adv->family == 4 ? group4_mac : group6_mac, 6);
	ha_vrrp_pkt_vmac(adv->family, adv->vrid, buf + 6);
	ha_wr16(buf + 12, adv->family == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);

	ip = buf + ETH_HLEN;
	if (adv->family == 4) {
		/* RFC 9568 5.1.1: TTL 255, protocol 112, to 224.0.0.18; not fragmented. */
		dst = group4;
		ip[0] = 0x45;
		ip[1] = TCLASS_CS6;
		ha_wr16(ip + 2, (uint16_t)ip_len);
		ha_wr16(ip + 4, 0); /* identification: no fragment will ever need it */
		ha_wr16(ip + 6, 0);
		ip[8] = HA_VRRP_TTL;
		ip[9] = HA_VRRP_PROTO;
		ha_wr16(ip + 10, 0);
		memcpy(ip + 12, adv->src, 4);
		memcpy(ip + 16, dst, 4);
		ha_wr16(ip + 10, (uint16_t)~ha_sum_fold(ha_sum16(ip, IPV4_HLEN, 0)));
		msg = ip + IPV4_HLEN;
	} else {
		/* RFC 9568 5.1.2: hop limit 255, next header 112, to ff02::12. */
		dst = group6;
		ip[0] = 0x60 | TCLASS_CS6 >> 4; /* version, traffic class, flow label 0 */
		ip[1] = (uint8_t)((TCLASS_CS6 & 0x0f) << 4);
		ip[2] = 0;
		ip[3] = 0;
		ha_wr16(ip + 4, (uint16_t)msg_len);
		ip[6] = HA_VRRP_PROTO;
		ip[7] = HA_VRRP_TTL;
		memcpy(ip + 8, adv->src, 16);
		memcpy(ip + 24, dst, 16);
		msg = ip + IPV6_HLEN;
	}

	/* RFC 9568 5.2: the advertisement; the reserved bits are sent as zero (5.2.6). */
	msg[0] = HA_VRRP_VERSION << 4 | HA_VRRP_TYPE_ADVERT;
	msg[1] = adv->vrid;
	msg[2] = adv->priority;
	msg[3] = adv->count;
	ha_wr16(msg + 4, adv->max_adver_int);
	ha_wr16(msg + 6, 0);
	memcpy(msg + HA_VRRP_HDR_LEN, adv->addrs, (size_t)adv->count * alen);
	ha_wr16(msg + 6,
	        vrrp_sum(adv->family, ip + (adv->family == 4 ? 12 : 8), dst, msg, msg_len, mode));
	return (int)frame_len;
}

/* Whether @a is one of the @n addresses of @list (packed, @alen apart) or of @vips. */
static bool
addr_in(const uint8_t *a, const uint8_t *list, const uint8_t (*vips)[16], unsigned int n,
        size_t alen)
{
	for (unsigned int j = 0; j < n; j++)
		if (memcmp(a, list != NULL ? list + j * alen : vips[j], alen) == 0)
			return true;
	return false;
}

int
ha_vrrp_pkt_addrs_check(const struct ha_vrrp_advert *adv, const uint8_t (*vips)[16], unsigned int n)
{
	size_t alen;

	if (adv == NULL || (n > 0 && (vips == NULL || adv->addrs == NULL)))
		return -HA_VRRP_ERR_ADDR_LIST;
	if (adv->count != n)
		return -HA_VRRP_ERR_ADDR_LIST;
	alen = adv->family == 4 ? 4 : 16;
	/* Same count, every VIP in the list and every listed address a VIP: the same set. */
	for (unsigned int i = 0; i < n; i++)
		if (!addr_in(vips[i], adv->addrs, NULL, n, alen) ||
		    !addr_in(adv->addrs + i * alen, NULL, vips, n, alen))
			return -HA_VRRP_ERR_ADDR_LIST;
	return 0;
}
