/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local responder: answers the node's own link-layer traffic that the dataplane punts
 * (ARP and neighbour discovery for the addresses the node owns, echo requests to them),
 * learns neighbours on l3 ports, and asks for the MAC of next hops that are not resolved
 * yet. Pure C over plain buffers: the caller (the HA coordinator) hands it frames with the
 * reason they were punted and the time, and it answers through callbacks. One thread only;
 * nothing here is shared.
 *
 * Owned addresses: a VIP of a VRRP instance this node is master of (answered with the
 * virtual MAC) or an address of an l3 link pair's side (answered with the port's MAC). Each
 * is answered only on the port it lives on, and only to frames whose Ethernet destination
 * is a group address or that MAC. The caller should own, on each l3 port, the port's IPv6
 * link-local address (ha_ipv6_ll_from_mac()): neighbour solicitations for next hops reached
 * by a link-local address come from it, and the neighbour will check it is reachable.
 *
 * Every frame handed in is counted once by the reason it was punted and, unless it was
 * answered or taught a neighbour, once by why it was ignored (struct ha_local_stats).
 * Neighbour advertisements this responder sends carry the router flag: every address the
 * node owns belongs to a router (a VRRP virtual router or an l3 gateway).
 */
#ifndef RAMPART_HA_LOCAL_H
#define RAMPART_HA_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ha_pkt.h"

#define HA_LOCAL_MAX_ADDRS 128                    /* owned addresses (as DP_HA_MAX_ADDRS) */
#define HA_LOCAL_MAX_PORTS 32                     /* port indexes below this (as CFG_MAX_PORTS) */
#define HA_LOCAL_MAX_SUBNETS 8                    /* subnets of one port */
#define HA_LOCAL_RESOLVE_SLOTS 256                /* next hops remembered for rate limiting */
#define HA_LOCAL_RESOLVE_INTERVAL_NS 100000000ull /* one request per next hop per 100 ms */
#define HA_LOCAL_FRAME_MAX 9216 /* the longest frame the responder builds (jumbo echo) */

/* The reasons the dataplane gives (enum dp_punt), as the responder knows them. */
#define HA_LOCAL_PUNT_VRRP 1 /* not the responder's: counted as rx_other */
#define HA_LOCAL_PUNT_ARP 2
#define HA_LOCAL_PUNT_ND 3
#define HA_LOCAL_PUNT_LOCAL 4
#define HA_LOCAL_PUNT_UNRESOLVED 5

/* struct ha_local_addr.flags */
#define HA_LOCAL_ECHO 0x01 /* answer echo requests to it */

/* An address the node answers for on one port. */
struct ha_local_addr {
	uint8_t pidx;            /* port index (into cfg.ports) */
	uint8_t family;          /* 4 or 6 */
	uint8_t flags;           /* HA_LOCAL_* */
	uint8_t addr[16];        /* network byte order, IPv4 in the first 4 bytes */
	uint8_t mac[HA_MAC_LEN]; /* the MAC it answers with; unicast */
};

/* An address of a port with its prefix length; host bits are kept (the source of requests). */
struct ha_local_subnet {
	uint8_t family; /* 4 or 6 */
	uint8_t len;    /* 0..32 or 0..128 */
	uint8_t addr[16];
};

/* What the responder knows of one port. */
struct ha_local_port {
	bool l3;                 /* a side of an l3 link pair: learns and resolves */
	uint8_t mac[HA_MAC_LEN]; /* the port's MAC: source of its ARP requests and NS */
	unsigned int n_subnets;
	struct ha_local_subnet subnets[HA_LOCAL_MAX_SUBNETS];
};

/* What the responder asks of its caller. Every callback receives @arg first. */
struct ha_local_ops {
	/*
	 * Send @len bytes of @frame (valid during the call only) out of port @pidx.
	 * @return 0 or a negative errno (counted in tx_errors).
	 */
	int (*emit)(void *arg, unsigned int pidx, const uint8_t *frame, size_t len);
	/* Neighbour @addr (@family 4 or 6) has MAC @mac on l3 port @pidx. May be NULL. */
	void (*learn)(void *arg, unsigned int pidx, uint8_t family, const uint8_t *addr,
	              const uint8_t mac[HA_MAC_LEN]);
	/*
	 * The port a packet to @dst arriving on port @pidx leaves by, and its next hop there
	 * (@nh: 4 or 16 bytes). @return 0, or a negative errno (no route: counted in
	 * no_route). May be NULL: unresolved frames are then counted in no_route.
	 */
	int (*nexthop)(void *arg, unsigned int pidx, uint8_t family, const uint8_t *dst,
	               unsigned int *out_pidx, uint8_t nh[16]);
	void *arg;
};

/* Counters, all monotonic from ha_local_create(). */
struct ha_local_stats {
	/* frames handed in, by the reason they were punted */
	uint64_t rx_arp, rx_nd, rx_local, rx_unresolved;
	uint64_t rx_other; /* a reason that is not the responder's, or a bad port */
	/* what was sent */
	uint64_t arp_replies;   /* ARP replies for owned addresses */
	uint64_t na_replies;    /* solicited NA (and NA defending against DAD) */
	uint64_t echo_replies;  /* ICMP and ICMPv6 echo replies */
	uint64_t arp_requests;  /* ARP requests for unresolved next hops */
	uint64_t ns_requests;   /* NS for unresolved next hops */
	uint64_t announcements; /* gratuitous ARP and unsolicited NA by ha_local_announce() */
	uint64_t tx_errors;     /* a frame that could not be built or emitted */
	/* what was learned */
	uint64_t learned; /* neighbour updates given to the learn callback */
	/* why the rest was ignored */
	uint64_t rejected[HA_PKT_ERR__MAX]; /* refused by the codec, by kind */
	uint64_t not_ours;      /* for an address not owned on any port (l2 port, or an l3
	                         * port frame that teaches nothing) */
	uint64_t wrong_port;    /* for an address owned on another port only */
	uint64_t other_mac;     /* for an owned address, unicast to another MAC */
	uint64_t conflicts;     /* another MAC claims an owned address */
	uint64_t echo_refused;  /* echo to an owned address that does not answer echo */
	uint64_t not_served;    /* a well-formed IP packet to a node address that is no echo
	                         * request (TCP, UDP, an echo reply): the node serves nothing
	                         * else there */
	uint64_t learn_refused; /* a sender not on the port's subnets, or not a unicast
	                         * address and MAC */
	uint64_t no_route;      /* unresolved, and the next hop or its port is unknown */
	uint64_t no_source;     /* unresolved, and the port has no address to ask from */
	uint64_t rate_limited;  /* unresolved next hop asked for less than 100 ms ago */
	uint64_t resolve_full;  /* unresolved, and every rate-limit slot is in use */
};

struct ha_local;

/*
 * A responder with no owned address and every port l2. @ops is copied; emit is required.
 * @return the responder, or NULL with errno EINVAL or ENOMEM.
 */
struct ha_local *
ha_local_create(const struct ha_local_ops *ops);

/* Free @hl; NULL is accepted. */
void
ha_local_destroy(struct ha_local *hl);

/*
 * Replace the whole set of owned addresses by @n entries of @addrs. On error nothing
 * changes. @return 0, -EINVAL (more than HA_LOCAL_MAX_ADDRS, a port index out of range, a
 * family other than 4 or 6, an address that is not unicast, a group or zero MAC) or -EEXIST
 * (the same address twice on a port).
 */
int
ha_local_addrs_set(struct ha_local *hl, const struct ha_local_addr *addrs, unsigned int n);

/*
 * Replace what the responder knows of the ports by @n entries of @ports, indexed by port
 * index; ports from @n on become l2 without subnets. The rate-limit memory is kept. On
 * error nothing changes. @return 0 or -EINVAL (more than HA_LOCAL_MAX_PORTS or
 * HA_LOCAL_MAX_SUBNETS, a bad family or prefix length, an l3 port without a unicast MAC).
 */
int
ha_local_ports_set(struct ha_local *hl, const struct ha_local_port *ports, unsigned int n);

/*
 * Handle @len bytes of @frame punted from port @pidx for @reason (enum dp_punt as an int) at
 * @now_ns (any monotonic clock in nanoseconds). Answers, learns or requests through the
 * callbacks; everything is counted.
 * @return the number of frames emitted (0 when the frame was ignored).
 */
int
ha_local_input(struct ha_local *hl, unsigned int pidx, const uint8_t *frame, size_t len, int reason,
               uint64_t now_ns);

/*
 * Announce @addr (@family 4: gratuitous ARP; 6: unsolicited NA with router and override
 * flags) with @mac on port @pidx, owned or not.
 * @return 0, -EINVAL (bad port, family or MAC) or the emit callback's error.
 */
int
ha_local_announce(struct ha_local *hl, unsigned int pidx, uint8_t family, const uint8_t *addr,
                  const uint8_t mac[HA_MAC_LEN]);

/* A copy of the counters. */
void
ha_local_stats_get(const struct ha_local *hl, struct ha_local_stats *st);

#endif /* RAMPART_HA_LOCAL_H */
