/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the packet parser: any bytes are a frame off the wire. Whatever the
 * parser accepts must describe headers that lie inside the frame and agree with its bytes
 * (the ARP addresses, the VRRP VRID and the neighbour discovery target that the HA path
 * reads included), a rejected frame must carry one of the parser's own reasons, and a frame
 * it accepts must parse the same way with trailing bytes added (Ethernet padding changes
 * nothing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_pkt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* The smallest L4 header the parser promises for @pkt's protocol. */
static size_t
l4_min(const struct dp_pkt *pkt)
{
	switch (pkt->proto) {
	case 6:
		return 20;
	case 17:
		return 8;
	case 1:
		return pkt->family == 4 ? 4 : 0;
	case 58:
		return pkt->family == 6 ? 4 : 0;
	case 112:
		return 8;
	default:
		return 0;
	}
}

static void
check_accepted(const uint8_t *buf, size_t len, const struct dp_pkt *pkt)
{
	size_t l3_end = (size_t)pkt->l3_off + pkt->l3_len;

	if (pkt->n_vlans > DP_PKT_MAX_VLANS || pkt->l3_off != 14 + 4 * pkt->n_vlans ||
	    pkt->l3_off > len || pkt->frag > DP_FRAG_LATER)
		abort();
	if (rd16(buf + pkt->l3_off - 2) != pkt->ethertype)
		abort();
	for (unsigned int i = pkt->n_vlans; i < DP_PKT_MAX_VLANS; i++)
		if (pkt->vlan[i] != 0)
			abort();

	if (pkt->family == 0) {
		const uint8_t *arp = buf + pkt->l3_off;
		int ipv4_arp;

		/* Not IP: nothing past the link layer is reported, but ARP's addresses. */
		if (pkt->proto || pkt->tcp_flags || pkt->frag || pkt->icmp_type || pkt->sport ||
		    pkt->dport || pkt->l3_len || pkt->l4_off || pkt->vrid ||
		    !is_zero(pkt->nd_target, 16) || !is_zero(pkt->src + 4, 12) ||
		    !is_zero(pkt->dst + 4, 12))
			abort();
		if (pkt->ethertype == 0x0800 || pkt->ethertype == 0x86dd)
			abort();
		if (pkt->ethertype == 0x0806 && len - pkt->l3_off < 28)
			abort();
		ipv4_arp = pkt->ethertype == 0x0806 && rd16(arp) == 1 && rd16(arp + 2) == 0x0800 &&
		           arp[4] == 6 && arp[5] == 4;
		if (ipv4_arp ? memcmp(pkt->src, arp + 14, 4) != 0 ||
		                       memcmp(pkt->dst, arp + 24, 4) != 0
		             : !is_zero(pkt->src, 4) || !is_zero(pkt->dst, 4))
			abort();
		return;
	}

	if (l3_end > len)
		abort();
	if (pkt->family == 4) {
		if (pkt->ethertype != 0x0800 || pkt->l3_len < 20 ||
		    memcmp(pkt->src, buf + pkt->l3_off + 12, 4) != 0 ||
		    memcmp(pkt->dst, buf + pkt->l3_off + 16, 4) != 0 ||
		    !is_zero(pkt->src + 4, 12) || !is_zero(pkt->dst + 4, 12) ||
		    pkt->l3_len != rd16(buf + pkt->l3_off + 2))
			abort();
	} else if (pkt->family == 6) {
		if (pkt->ethertype != 0x86dd || pkt->l3_len < 40 ||
		    memcmp(pkt->src, buf + pkt->l3_off + 8, 16) != 0 ||
		    memcmp(pkt->dst, buf + pkt->l3_off + 24, 16) != 0 ||
		    pkt->l3_len != rd16(buf + pkt->l3_off + 4) + 40)
			abort();
	} else {
		abort();
	}

	if (pkt->frag == DP_FRAG_LATER || pkt->l4_off == 0) {
		/* No L4 header was read, so nothing may come from one. */
		if (pkt->l4_off != 0 || pkt->sport || pkt->dport || pkt->tcp_flags ||
		    pkt->icmp_type || pkt->vrid || !is_zero(pkt->nd_target, 16))
			abort();
		return;
	}
	if (pkt->l4_off < pkt->l3_off + (pkt->family == 4 ? 20 : 40) ||
	    pkt->l4_off + l4_min(pkt) > l3_end)
		abort();
	if (pkt->proto == 6 || pkt->proto == 17) {
		if (pkt->sport != rd16(buf + pkt->l4_off) ||
		    pkt->dport != rd16(buf + pkt->l4_off + 2))
			abort();
	} else if (pkt->sport || pkt->dport) {
		abort();
	}
	if (pkt->proto == 6) {
		size_t doff = (buf[pkt->l4_off + 12] >> 4) * 4u;

		if (pkt->tcp_flags != buf[pkt->l4_off + 13] || doff < 20 ||
		    pkt->l4_off + doff > l3_end)
			abort();
	} else if (pkt->tcp_flags) {
		abort();
	}
	if (l4_min(pkt) == 4) {
		if (pkt->icmp_type != buf[pkt->l4_off])
			abort();
	} else if (pkt->icmp_type) {
		abort();
	}
	if (pkt->proto == 112) {
		if (pkt->vrid != buf[pkt->l4_off + 1])
			abort();
	} else if (pkt->vrid) {
		abort();
	}
	/* The target of a solicitation or advertisement, when the message is long enough. */
	if (pkt->family == 6 && pkt->proto == 58 &&
	    (pkt->icmp_type == 135 || pkt->icmp_type == 136) && pkt->l4_off + 24u <= l3_end) {
		if (memcmp(pkt->nd_target, buf + pkt->l4_off + 8, 16) != 0)
			abort();
	} else if (!is_zero(pkt->nd_target, 16)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_pkt pkt, again;
	enum dp_drop_reason r;
	uint8_t *copy, *padded;

	/* An exact-size heap copy, so ASan sees a read one byte past the frame. */
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	r = dp_pkt_parse(copy, size, &pkt);
	if (r != DP_DROP_NONE) {
		if (r < DP_DROP_TRUNCATED || r > DP_DROP_L4_HEADER)
			abort();
		free(copy);
		return 0;
	}
	check_accepted(copy, size, &pkt);

	/* Padding after an accepted frame changes nothing. */
	padded = malloc(size + 8);
	if (padded != NULL) {
		memcpy(padded, copy, size);
		memset(padded + size, 0xa5, 8);
		memset(&again, 0x5a, sizeof(again));
		if (dp_pkt_parse(padded, size + 8, &again) != DP_DROP_NONE ||
		    memcmp(&pkt, &again, sizeof(pkt)) != 0)
			abort();
	}
	free(padded);
	free(copy);
	return 0;
}
