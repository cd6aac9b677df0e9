/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local responder: ARP, neighbour discovery and echo for the node's own addresses,
 * neighbour learning and next-hop resolution for l3 ports.
 *
 * Tables are small (at most 128 owned addresses, 256 next hops being resolved) and every
 * frame reaching this code has already been through the exception ring, whose size bounds
 * the rate, so lookups are plain linear scans. The rate limit on resolution requests is a
 * fully associative table: a slot is reused once its next hop was last asked for more than
 * HA_LOCAL_RESOLVE_INTERVAL_NS ago, and when none is, the request is refused rather than an
 * entry evicted, so no stream of distinct next hops can push the request rate past
 * HA_LOCAL_RESOLVE_SLOTS per interval.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"
#include "ha_pkt.h"

/* The flags of every NA the node sends: it is a router, and its answer is authoritative. */
#define NA_FLAGS (HA_NA_F_ROUTER | HA_NA_F_OVERRIDE)

struct resolve_slot {
	bool used;
	uint8_t pidx;
	uint8_t family;
	uint8_t nh[16];
	uint64_t last_ns; /* when a request for it was last sent */
};

struct ha_local {
	struct ha_local_ops ops;
	unsigned int n_addrs;
	struct ha_local_addr addrs[HA_LOCAL_MAX_ADDRS];
	struct ha_local_port ports[HA_LOCAL_MAX_PORTS];
	struct resolve_slot slots[HA_LOCAL_RESOLVE_SLOTS];
	struct ha_local_stats st;
	uint8_t buf[HA_LOCAL_FRAME_MAX]; /* the frame being built */
};

static bool
mac_is_unicast(const uint8_t *m)
{
	return !(m[0] & 0x01) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) != 0;
}

static size_t
addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static bool
prefix_contains(const uint8_t *net, unsigned int len, const uint8_t *addr)
{
	unsigned int bytes = len / 8, bits = len % 8;

	if (memcmp(net, addr, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((net[bytes] ^ addr[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

static bool
ip6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool
ip_is_zero(uint8_t family, const uint8_t *a)
{
	for (size_t i = 0; i < addr_len(family); i++)
		if (a[i] != 0)
			return false;
	return true;
}

/* 0/8, multicast, class E and limited broadcast for IPv4; multicast and :: for IPv6. */
static bool
ip_is_unicast(uint8_t family, const uint8_t *a)
{
	if (family == 4)
		return a[0] != 0 && a[0] < 224;
	return a[0] != 0xff && !ip_is_zero(family, a);
}

/* The subnet of port @port holding @addr, or NULL. */
static const struct ha_local_subnet *
subnet_of(const struct ha_local_port *port, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < port->n_subnets; i++) {
		const struct ha_local_subnet *sn = &port->subnets[i];

		if (sn->family == family && prefix_contains(sn->addr, sn->len, addr))
			return sn;
	}
	return NULL;
}

/*
 * The entry owning @addr on port @pidx, or NULL; @elsewhere tells whether it is owned on
 * another port.
 */
static const struct ha_local_addr *
owned(const struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
      bool *elsewhere)
{
	const struct ha_local_addr *found = NULL;

	*elsewhere = false;
	for (unsigned int i = 0; i < hl->n_addrs && found == NULL; i++) {
		const struct ha_local_addr *a = &hl->addrs[i];

		if (a->family != family || memcmp(a->addr, addr, addr_len(family)) != 0)
			continue;
		if (a->pidx == pidx)
			found = a;
		else
			*elsewhere = true;
	}
	return found;
}

/* A frame that is for an owned address must be broadcast or multicast, or to its MAC. */
static bool
eth_dst_ok(const struct ha_local_addr *a, const uint8_t *eth_dst)
{
	return (eth_dst[0] & 0x01) || memcmp(eth_dst, a->mac, HA_MAC_LEN) == 0;
}

static void
count_not_ours(struct ha_local *hl, bool elsewhere)
{
	if (elsewhere)
		hl->st.wrong_port++;
	else
		hl->st.not_ours++;
}

/*
 * Send the @len bytes built in hl->buf (a negative @len is the builder's error).
 * @return 0 or a negative errno, counted in tx_errors.
 */
static int
send_built(struct ha_local *hl, unsigned int pidx, int len)
{
	int rc;

	if (len < 0) {
		hl->st.tx_errors++;
		return len;
	}
	rc = hl->ops.emit(hl->ops.arg, pidx, hl->buf, (size_t)len);
	if (rc < 0) {
		hl->st.tx_errors++;
		return rc;
	}
	return 0;
}

/*
 * Give neighbour @addr at @mac on port @pidx to the learn callback if the port is l3, the
 * address unicast and on one of the port's subnets (or IPv6 link-local), and the MAC
 * unicast. @return whether it was learned.
 */
static bool
learn(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
      const uint8_t *mac)
{
	const struct ha_local_port *port = &hl->ports[pidx];

	if (!port->l3 || !ip_is_unicast(family, addr) || !mac_is_unicast(mac))
		return false;
	if (subnet_of(port, family, addr) == NULL && !(family == 6 && ip6_is_link_local(addr)))
		return false;
	if (hl->ops.learn != NULL)
		hl->ops.learn(hl->ops.arg, pidx, family, addr, mac);
	hl->st.learned++;
	return true;
}

/*
 * A frame whose sender claims owned address @addr: from another MAC it is a conflict, from
 * the owned MAC our own frame (or the VRRP twin's) come back. @return true when the frame
 * is to be ignored (and was counted).
 */
static bool
sender_owned(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
             const uint8_t *mac)
{
	const struct ha_local_addr *a;
	bool elsewhere;

	a = owned(hl, pidx, family, addr, &elsewhere);
	if (a == NULL)
		return false;
	if (memcmp(a->mac, mac, HA_MAC_LEN) != 0)
		hl->st.conflicts++;
	else
		hl->st.not_ours++;
	return true;
}

/*
 * When nothing was answered: learn on an l3 port from a frame that gives a MAC (@mac not
 * NULL), else count why the frame is ignored.
 */
static void
learn_or_count(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
               const uint8_t *mac, bool elsewhere)
{
	if (hl->ports[pidx].l3 && mac != NULL) {
		if (!learn(hl, pidx, family, addr, mac))
			hl->st.learn_refused++;
		return;
	}
	count_not_ours(hl, elsewhere);
}

static int
arp_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len)
{
	const struct ha_local_addr *a;
	enum ha_pkt_err err;
	struct ha_arp arp;
	bool elsewhere = false;

	err = ha_arp_parse(frame, len, &arp);
	if (err != HA_PKT_OK) {
		hl->st.rejected[err]++;
		return 0;
	}
	if (sender_owned(hl, pidx, 4, arp.spa, arp.sha))
		return 0;
	if (arp.op == HA_ARP_OP_REQUEST) {
		a = owned(hl, pidx, 4, arp.tpa, &elsewhere);
		if (a != NULL) {
			if (!eth_dst_ok(a, arp.eth_dst)) {
				hl->st.other_mac++;
				return 0;
			}
			if (send_built(hl, pidx,
			               ha_arp_reply_build(hl->buf, sizeof(hl->buf), &arp, a->mac)) <
			    0)
				return 0;
			hl->st.arp_replies++;
			learn(hl, pidx, 4, arp.spa, arp.sha);
			return 1;
		}
	}
	learn_or_count(hl, pidx, 4, arp.spa, arp.sha, elsewhere);
	return 0;
}

static int
ns_input(struct ha_local *hl, unsigned int pidx, const struct ha_nd *ns)
{
	const uint8_t *mac = ns->has_lladdr ? ns->lladdr : NULL;
	const struct ha_local_addr *a;
	bool elsewhere;

	if (sender_owned(hl, pidx, 6, ns->src, mac != NULL ? mac : ns->eth_src))
		return 0;
	a = owned(hl, pidx, 6, ns->target, &elsewhere);
	if (a == NULL) {
		learn_or_count(hl, pidx, 6, ns->src, mac, elsewhere);
		return 0;
	}
	if (!eth_dst_ok(a, ns->eth_dst)) {
		hl->st.other_mac++;
		return 0;
	}
	if (send_built(hl, pidx,
	               ha_na_reply_build(hl->buf, sizeof(hl->buf), ns, a->mac, NA_FLAGS)) < 0)
		return 0;
	hl->st.na_replies++;
	if (mac != NULL)
		learn(hl, pidx, 6, ns->src, mac);
	return 1;
}

static int
na_input(struct ha_local *hl, unsigned int pidx, const struct ha_nd *na)
{
	const uint8_t *mac = na->has_lladdr ? na->lladdr : NULL;
	bool elsewhere;

	if (sender_owned(hl, pidx, 6, na->target, mac != NULL ? mac : na->eth_src))
		return 0;
	(void)owned(hl, pidx, 6, na->target, &elsewhere);
	learn_or_count(hl, pidx, 6, na->target, mac, elsewhere);
	return 0;
}

static int
nd_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len)
{
	enum ha_pkt_err err;
	struct ha_nd nd;

	err = ha_nd_parse(frame, len, &nd);
	if (err != HA_PKT_OK) {
		hl->st.rejected[err]++;
		return 0;
	}
	if (nd.type == HA_ND_NS)
		return ns_input(hl, pidx, &nd);
	return na_input(hl, pidx, &nd);
}

static int
local_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len)
{
	const struct ha_local_addr *a;
	struct ha_echo echo;
	enum ha_pkt_err err;
	bool elsewhere;

	err = ha_echo_parse(frame, len, &echo);
	if (err == HA_PKT_PROTO || err == HA_PKT_ICMP_TYPE) {
		hl->st.not_served++;
		return 0;
	}
	if (err != HA_PKT_OK) {
		hl->st.rejected[err]++;
		return 0;
	}
	a = owned(hl, pidx, echo.family, echo.dst, &elsewhere);
	if (a == NULL) {
		count_not_ours(hl, elsewhere);
		return 0;
	}
	if (!eth_dst_ok(a, echo.eth_dst)) {
		hl->st.other_mac++;
		return 0;
	}
	if (!(a->flags & HA_LOCAL_ECHO)) {
		hl->st.echo_refused++;
		return 0;
	}
	if (send_built(hl, pidx,
	               ha_echo_reply_build(hl->buf, sizeof(hl->buf), frame, len, &echo, a->mac)) <
	    0)
		return 0;
	hl->st.echo_replies++;
	return 1;
}

/*
 * The address port @port asks for @nh from: the address of the subnet holding it, else the
 * port's first of that family; for IPv6 a link-local next hop, or a port without IPv6
 * subnet, is asked from the port's link-local address. @return false when there is none.
 */
static bool
source_for(const struct ha_local_port *port, uint8_t family, const uint8_t *nh, uint8_t *src)
{
	const struct ha_local_subnet *sn = NULL;

	if (!(family == 6 && ip6_is_link_local(nh))) {
		sn = subnet_of(port, family, nh);
		for (unsigned int i = 0; i < port->n_subnets && sn == NULL; i++)
			if (port->subnets[i].family == family)
				sn = &port->subnets[i];
	}
	if (sn != NULL) {
		memcpy(src, sn->addr, addr_len(family));
		return true;
	}
	if (family == 6) {
		ha_ipv6_ll_from_mac(port->mac, src);
		return true;
	}
	return false;
}

/*
 * Take the rate-limit slot of next hop @nh on port @pidx at @now_ns.
 * @return 0 (a request may go), -EBUSY (asked too recently) or -ENOSPC (no free slot).
 */
static int
resolve_admit(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *nh,
              uint64_t now_ns)
{
	struct resolve_slot *free_slot = NULL;

	for (unsigned int i = 0; i < HA_LOCAL_RESOLVE_SLOTS; i++) {
		struct resolve_slot *s = &hl->slots[i];
		bool expired = !s->used || now_ns - s->last_ns >= HA_LOCAL_RESOLVE_INTERVAL_NS;

		if (s->used && s->pidx == pidx && s->family == family &&
		    memcmp(s->nh, nh, addr_len(family)) == 0) {
			if (!expired)
				return -EBUSY;
			s->last_ns = now_ns;
			return 0;
		}
		if (expired && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot == NULL)
		return -ENOSPC;
	free_slot->used = true;
	free_slot->pidx = (uint8_t)pidx;
	free_slot->family = family;
	memset(free_slot->nh, 0, sizeof(free_slot->nh));
	memcpy(free_slot->nh, nh, addr_len(family));
	free_slot->last_ns = now_ns;
	return 0;
}

static int
unresolved_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len,
                 uint64_t now_ns)
{
	uint8_t family, dst[16], nh[16] = { 0 }, src[16];
	const struct ha_local_port *port;
	unsigned int out = HA_LOCAL_MAX_PORTS;
	enum ha_pkt_err err;
	int rc;

	err = ha_ip_dst_parse(frame, len, &family, dst);
	if (err != HA_PKT_OK) {
		hl->st.rejected[err]++;
		return 0;
	}
	if (hl->ops.nexthop == NULL ||
	    hl->ops.nexthop(hl->ops.arg, pidx, family, dst, &out, nh) < 0 ||
	    out >= HA_LOCAL_MAX_PORTS || !hl->ports[out].l3 || !ip_is_unicast(family, nh)) {
		hl->st.no_route++;
		return 0;
	}
	port = &hl->ports[out];
	if (!source_for(port, family, nh, src)) {
		hl->st.no_source++;
		return 0;
	}
	rc = resolve_admit(hl, out, family, nh, now_ns);
	if (rc == -EBUSY) {
		hl->st.rate_limited++;
		return 0;
	}
	if (rc < 0) {
		hl->st.resolve_full++;
		return 0;
	}
	if (family == 4)
		rc = ha_arp_request_build(hl->buf, sizeof(hl->buf), port->mac, src, nh);
	else
		rc = ha_ns_build(hl->buf, sizeof(hl->buf), port->mac, src, nh);
	if (send_built(hl, out, rc) < 0)
		return 0;
	if (family == 4)
		hl->st.arp_requests++;
	else
		hl->st.ns_requests++;
	return 1;
}

int
ha_local_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len, int reason,
               uint64_t now_ns)
{
	if (pidx >= HA_LOCAL_MAX_PORTS) {
		hl->st.rx_other++;
		return 0;
	}
	switch (reason) {
	case HA_LOCAL_PUNT_ARP:
		hl->st.rx_arp++;
		return arp_input(hl, pidx, frame, len);
	case HA_LOCAL_PUNT_ND:
		hl->st.rx_nd++;
		return nd_input(hl, pidx, frame, len);
	case HA_LOCAL_PUNT_LOCAL:
		hl->st.rx_local++;
		return local_input(hl, pidx, frame, len);
	case HA_LOCAL_PUNT_UNRESOLVED:
		hl->st.rx_unresolved++;
		return unresolved_input(hl, pidx, frame, len, now_ns);
	default:
		hl->st.rx_other++;
		return 0;
	}
}

int
ha_local_announce(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
                  const uint8_t mac[HA_MAC_LEN])
{
	int rc;

	if (pidx >= HA_LOCAL_MAX_PORTS || (family != 4 && family != 6) || !mac_is_unicast(mac))
		return -EINVAL;
	if (family == 4)
		rc = ha_garp_build(hl->buf, sizeof(hl->buf), mac, addr);
	else
		rc = ha_na_unsolicited_build(hl->buf, sizeof(hl->buf), mac, addr, NA_FLAGS);
	rc = send_built(hl, pidx, rc);
	if (rc < 0)
		return rc;
	hl->st.announcements++;
	return 0;
}

int
ha_local_addrs_set(struct ha_local *hl, const struct ha_local_addr *addrs, unsigned int n)
{
	if (n > HA_LOCAL_MAX_ADDRS || (n > 0 && addrs == NULL))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		const struct ha_local_addr *a = &addrs[i];

		if (a->pidx >= HA_LOCAL_MAX_PORTS || (a->family != 4 && a->family != 6) ||
		    !ip_is_unicast(a->family, a->addr) || !mac_is_unicast(a->mac))
			return -EINVAL;
		for (unsigned int j = 0; j < i; j++)
			if (addrs[j].pidx == a->pidx && addrs[j].family == a->family &&
			    memcmp(addrs[j].addr, a->addr, addr_len(a->family)) == 0)
				return -EEXIST;
	}
	if (n > 0)
		memcpy(hl->addrs, addrs, n * sizeof(*addrs));
	hl->n_addrs = n;
	return 0;
}

static bool
port_valid(const struct ha_local_port *p)
{
	if (p->n_subnets > HA_LOCAL_MAX_SUBNETS || (p->l3 && !mac_is_unicast(p->mac)))
		return false;
	for (unsigned int i = 0; i < p->n_subnets; i++) {
		const struct ha_local_subnet *sn = &p->subnets[i];

		if ((sn->family != 4 && sn->family != 6) || sn->len > 8 * addr_len(sn->family))
			return false;
	}
	return true;
}

int
ha_local_ports_set(struct ha_local *hl, const struct ha_local_port *ports, unsigned int n)
{
	if (n > HA_LOCAL_MAX_PORTS || (n > 0 && ports == NULL))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (!port_valid(&ports[i]))
			return -EINVAL;
	memset(hl->ports, 0, sizeof(hl->ports));
	if (n > 0)
		memcpy(hl->ports, ports, n * sizeof(*ports));
	return 0;
}

void
ha_local_stats_get(const struct ha_local *hl, struct ha_local_stats *st)
{
	*st = hl->st;
}

struct ha_local *
ha_local_create(const struct ha_local_ops *ops)
{
	struct ha_local *hl;

	if (ops == NULL || ops->emit == NULL) {
		errno = EINVAL;
		return NULL;
	}
	hl = calloc(1, sizeof(*hl));
	if (hl == NULL)
		return NULL;
	hl->ops = *ops;
	return hl;
}

void
ha_local_destroy(struct ha_local *hl)
{
	free(hl);
}
