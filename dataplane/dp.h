/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart dataplane: EAL start-up from the node config, ports, link pairs and the
 * poll-mode workers that forward between the two ports of every link pair.
 *
 * Threads: the control thread (main lcore) calls every function here; the workers run
 * dp_worker_main() on their own pinned lcores and write only their own struct dp_worker.
 * Nothing here logs: failures return -errno with a sentence in the caller's buffer.
 */
#ifndef RAMPART_DP_H
#define RAMPART_DP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_meter.h>

#include "cfg.h"
#include "dp_pkt.h"
#include "dp_rate.h"

struct dp_policy;
struct dp_blocklist;
struct dp_ha_rt;
struct dp_ha_state;
struct dp_ctl_mbox;
struct dp_l3_port;
struct dp_neigh_table;
struct rte_ring;
struct rte_mbuf;

#define DP_MAX_PORTS CFG_MAX_PORTS
#define DP_MAX_WORKERS CFG_MAX_WORKERS
#define DP_MAX_BURST 512
#define DP_MAX_EAL_ARGS (32 + 2 * CFG_MAX_PORTS + CFG_MAX_EXTRA_ARGS)

/* Software counters of one port as seen by one worker (or summed over workers). */
struct dp_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_drops; /* packets the paired port's tx queue did not take; freed */
};

/* One rx queue a worker polls, and where its packets go. */
struct dp_rx_binding {
	uint16_t rx_port; /* DPDK port id */
	uint16_t rx_queue;
	uint16_t tx_port;  /* the paired port */
	uint16_t tx_queue; /* this worker's own tx queue on tx_port */
	uint8_t rx_index;  /* index into cfg.ports / the counters */
	uint8_t tx_index;
	uint8_t pair;  /* index of the link pair */
	bool outbound; /* received on the pair's protected port */
};

/* What the mitigation pipeline did, per worker (or summed). Packets dropped by the policy are
 * counted once under their reason; in monitor mode they are counted the same way and forwarded,
 * and also counted in "monitored". */
struct dp_mitigation_counters {
	uint64_t inspected;      /* IP packets that went through the policy */
	uint64_t non_ip;         /* ARP and other non-IP frames, forwarded uninspected */
	uint64_t allow_prefix;   /* forwarded because the source is in allow_prefixes */
	uint64_t monitored;      /* would have been dropped, forwarded in monitor mode */
	uint64_t offenders;      /* auto-block requests sent to the control thread */
	uint64_t offenders_lost; /* auto-block requests lost to a full ring */
	uint64_t rate_evictions; /* rate-limit state replaced to make room */
	uint64_t drops[DP_DROP__MAX];
};

/* Counters of the node's own traffic (docs/ha.md), per worker (or summed). */
struct dp_ha_counters {
	uint64_t punted;          /* frames put on the exception ring */
	uint64_t punt_lost;       /* frames dropped because the ring was full */
	uint64_t punt_limited;    /* frames for the node's own stack, VRRP aside, over
	                           * workers.punt_rate_pps: dropped */
	uint64_t standby_dropped; /* frames not forwarded by a standby link pair */
	uint64_t uninspected;     /* frames forwarded around the policy (bypass) */
	uint64_t l3_forwarded;    /* l3: frames routed with MACs rewritten */
	uint64_t l3_ttl_exceeded; /* l3: TTL or hop limit would reach 0: dropped */
	uint64_t l3_no_route;     /* l3: destination off-link and no gateway: dropped */
	uint64_t l3_not_routable; /* l3: multicast, broadcast, loopback, link-local or unspecified
	                           * destination: dropped, a router forwards none of them */
	uint64_t l3_non_ip;       /* l3: frames neither IP nor ARP: dropped */
	uint64_t ctl_sent;        /* frames of dp_ctl_send() handed to a port */
	uint64_t ctl_dropped;     /* frames of dp_ctl_send() that the port or mailbox refused */
};

/* Per-worker state. Written only by its worker [W]; read by the control thread with relaxed
 * atomic loads. Allocated on the worker's NUMA socket. */
struct dp_worker {
	unsigned int lcore;                          /* [R] */
	unsigned int index;                          /* [R] position in workers.lcores */
	unsigned int burst;                          /* [R] */
	unsigned int idle_sleep_us;                  /* [R] */
	unsigned int n_bindings;                     /* [R] */
	struct dp_rx_binding bindings[DP_MAX_PORTS]; /* [R] */
	volatile bool *stop;                         /* [C] set by the control thread */
	struct dp_policy **policy;                   /* [R] the RCU-published policy slot */
	const struct dp_blocklist *blocklist;        /* [R] */
	struct dp_ha_rt **ha;                        /* [R] the RCU-published HA view slot */
	const struct dp_l3_port *l3;                 /* [R] per port index: the l3 side it is on */
	const struct dp_neigh_table *neigh;          /* [R] l3 neighbours; NULL without l3 pairs */
	struct rte_ring *exc;                        /* [W] enqueues, the HA coordinator dequeues */
	unsigned int n_mbox;                /* [R] control TX mailboxes this worker drains */
	const struct dp_ctl_mbox *mbox;     /* [R] */
	uint32_t *mbox_pending;             /* [a] set by dp_ctl_send(), cleared by the
	                                     * worker before it empties the mailboxes */
	uint64_t stall_until;               /* [a] TSC deadline of dp_worker_stall(), 0
	                                     * when none: the control side sets it, the
	                                     * worker clears it */
	uint64_t loops __rte_cache_aligned; /* [W] loop iterations, for liveness */
	uint64_t idle_sleeps;               /* [W] */
	struct dp_port_counters port[DP_MAX_PORTS] __rte_cache_aligned; /* [W] */
	struct dp_mitigation_counters mit __rte_cache_aligned;          /* [W] */
	struct dp_ha_counters ha_ctr __rte_cache_aligned;               /* [W] */
	struct dp_rate_table rate;  /* [W] per-source limiter state */
	struct rte_ring *offenders; /* [W] enqueues, [C] dequeues: auto-block */
	/* [W] workers.punt_rate_pps, in frames: what the node's own stack gets, VRRP aside */
	struct rte_meter_srtcm punt_meter;
	struct rte_meter_srtcm_profile punt_profile; /* [R] */
} __rte_cache_aligned;

/* What the control thread knows about a port. */
struct dp_port {
	char name[CFG_NAME_MAX];   /* [R] */
	uint16_t port_id;          /* [R] DPDK port id */
	int socket_id;             /* [R] NUMA socket, SOCKET_ID_ANY when unknown */
	uint16_t n_rxq, n_txq;     /* [R] n_txq counts the control TX queue when there is one */
	int ctl_txq;               /* [R] tx queue reserved for dp_ctl_send(), or -1: the device
	                            * has none to spare and worker 0 sends control frames for it */
	uint16_t rx_desc, tx_desc; /* [R] after rte_eth_dev_adjust_nb_rx_tx_desc */
	bool promiscuous;          /* [R] */
	bool started;              /* [C] */
	bool found;                /* [C] port_id is valid */
	int peer;                  /* [R] index of the paired port, -1 when in no link pair */
	struct rte_ether_addr mac; /* [R] */
	char driver[32];           /* [R] */
	char iface[16];            /* [R] kernel interface of an af_packet/af_xdp vdev, or "" */
};

struct dp {
	const struct cfg_node *cfg;     /* [R] */
	struct dp_policy *policy;       /* [C] writes, RCU-published; workers read */
	uint64_t policy_version;        /* [C] generations compiled so far */
	struct dp_blocklist *blocklist; /* [C] writes; workers read lock-free */
	pthread_mutex_t policy_lock;    /* readers off the control thread vs the swap */
	struct dp_ha_rt *ha;            /* dp_ha_set() writes, RCU-published */
	struct dp_ha_state *ha_state;   /* exception path, control TX, l3 (dp_ha.c) */
	struct rte_mempool *pool;       /* [R] */
	int link_fd;                    /* [R] socket for SIOCGIFFLAGS on ports' kernel interfaces */
	unsigned int n_ports;
	struct dp_port ports[DP_MAX_PORTS];
	unsigned int n_workers;
	struct dp_worker *workers[DP_MAX_WORKERS];
	volatile bool stop;   /* [C] workers leave their loop when set */
	bool running;         /* [C] workers launched */
	time_t started;       /* [R] wall clock at dp_create() */
	uint64_t started_tsc; /* [R] */
};

/* Link state of a port, from rte_eth_link_get_nowait(). */
struct dp_link {
	bool up;
	bool full_duplex;
	bool autoneg;
	uint32_t speed_mbps; /* 0 when unknown */
};

/* Hardware (PMD) counters of a port, from rte_eth_stats_get(). */
struct dp_hw_stats {
	uint64_t ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf;
};

/*
 * Build the EAL argument vector for @cfg into @argv (at most DP_MAX_EAL_ARGS entries,
 * strings in @buf of @buflen bytes). Pure: no EAL needed, unit-tested.
 * @return argc, or -ENOSPC when @buf or the vector is too small.
 */
int
dp_eal_args_build(const struct cfg_node *cfg, const char *argv0, char **argv, char *buf,
                  size_t buflen);

/* True when @device names a PCI device (DDDD:BB:DD.F or BB:DD.F) rather than a vdev. */
bool
dp_device_is_pci(const char *device);

/* The ethdev name DPDK gives the device @device names: "0000:af:00.1" for any spelling of a
 * PCI address, the driver instance ("net_af_packet0") for a vdev. Pure. */
void
dp_device_port_name(const char *device, char *name, size_t len);

/* The DPDK port id of config port @cp, when its device has been probed already (a PCI device
 * by the EAL at its start). @return 0, or -ENODEV and a sentence in @err. */
int
dp_port_lookup(const struct cfg_port *cp, uint16_t *port_id, char *err, size_t errlen);

/*
 * The runtime directory the EAL will use for @cfg's file prefix (/var/run/dpdk/<prefix> for
 * root). rampartd removes it at exit; it must know the path before the EAL starts, to tell
 * its own directory from one that another process holds.
 */
void
dp_runtime_dir_path(const struct cfg_node *cfg, char *buf, size_t len);

/*
 * Initialise the EAL from @cfg. @return 0, or -errno with the reason in @err.
 */
int
dp_eal_init(const struct cfg_node *cfg, const char *argv0, char *err, size_t errlen);

/*
 * Probe, configure and start every port of @cfg, wire the link pairs and lay out the
 * workers (worker w polls rx queue w of every paired port and sends on its own tx queue w
 * of the peer). @cfg must outlive the dataplane.
 * @return the dataplane, or NULL with errno set and the reason (naming the port) in @err.
 */
struct dp *
dp_create(const struct cfg_node *cfg, char *err, size_t errlen);

/* Launch the workers on their lcores. @return 0 or -errno. */
int
dp_start(struct dp *dp, char *err, size_t errlen);

/* Ask the workers to stop and wait for them. Idempotent. */
void
dp_stop(struct dp *dp);

/* Stop workers, stop and close ports, free everything. Accepts NULL. */
void
dp_destroy(struct dp *dp);

/* The worker loop; @arg is a struct dp_worker. Exposed for rte_eal_remote_launch(). */
int
dp_worker_main(void *arg);

/* Sum of every worker's counters for port index @pidx (index into cfg.ports). */
void
dp_port_counters_get(const struct dp *dp, unsigned int pidx, struct dp_port_counters *out);

/* Sum over every port of worker @widx's counters. */
void
dp_worker_counters_get(const struct dp *dp, unsigned int widx, struct dp_port_counters *out);

/* Loop counter of worker @widx (relaxed read). */
uint64_t
dp_worker_loops(const struct dp *dp, unsigned int widx);

/* Link state of port index @pidx: the PMD's, and for a port over a kernel interface
 * (net_af_packet, net_af_xdp, which report up whatever the wire does) also that interface's
 * carrier. Control side, any thread. @return 0 or -errno. */
int
dp_port_link_get(const struct dp *dp, unsigned int pidx, struct dp_link *link);

/* PMD counters of port index @pidx. @return 0 or -errno. */
int
dp_port_hw_stats_get(const struct dp *dp, unsigned int pidx, struct dp_hw_stats *st);

/* Seconds since dp_create(). */
double
dp_uptime(const struct dp *dp);

/* Add @src into @dst field by field. */
void
dp_port_counters_add(struct dp_port_counters *dst, const struct dp_port_counters *src);

/*
 * Mitigation: policy, blocklist and counters. Every function below runs on the control
 * thread; none of them blocks the workers. A policy is compiled off the hot path into
 * rte_acl/rte_lpm tables, published with one RCU pointer swap and the old one freed after a
 * grace period: it applies whole or not at all.
 */

/* What the running policy is. */
struct dp_policy_info {
	uint64_t version;            /* 1 for the first policy; the empty start-up policy is 0 */
	time_t loaded;               /* wall clock of the swap */
	char file[CFG_PATH_MAX * 2]; /* "" for the empty policy */
	enum cfg_policy_mode mode;
	enum cfg_action default_action;
	uint32_t n_rules;
	uint32_t n_acl_rules;     /* rte_acl rules after expanding port lists and families */
	uint64_t n_allow, n_deny; /* prefixes */
	bool syn_flood, udp_amplification, icmp_flood, drop_fragments, auto_block;
	double parse_ms, compile_ms; /* time to parse the file and to build the tables */
	double swap_ms;              /* publish, wait for a grace period, free the old one */
	size_t mem_acl, mem_lpm, mem_rules, mem_total; /* bytes */
};

/* Counters of one rule of the running policy, summed over workers, since it was loaded. */
struct dp_rule_stats {
	char name[CFG_RULE_NAME_MAX];
	enum cfg_action action;
	int line;
	uint64_t packets, bytes; /* matched */
	uint64_t dropped;        /* dropped by the rule (drop, or over its rate limit) */
};

/*
 * Parse @path, compile it and swap it in. On any error the running policy is untouched and
 * every problem is in @errs as FILE:LINE. @info, when not NULL, describes the new policy.
 * @return 0, -EINVAL (invalid policy), -ENOMEM or another -errno reading the file.
 */
int
dp_policy_load(struct dp *dp, const char *path, struct cfg_errors *errs,
               struct dp_policy_info *info);

/* Parse and compile @path without swapping: what "policy validate" does. */
int
dp_policy_check(struct dp *dp, const char *path, struct cfg_errors *errs,
                struct dp_policy_info *info);

/* The running policy. */
void
dp_policy_info_get(const struct dp *dp, struct dp_policy_info *info);

/* Rule @idx of the running policy. @return 0, or -ENOENT past the last rule. */
int
dp_rule_stats_get(const struct dp *dp, uint32_t idx, struct dp_rule_stats *st);

/* Mitigation counters summed over workers (@widx < 0) or of one worker. */
void
dp_mitigation_counters_get(const struct dp *dp, int widx, struct dp_mitigation_counters *out);

/* A dynamic blocklist entry. */
struct dp_blocklist_entry {
	struct cfg_prefix addr; /* a host prefix: /32 or /128 */
	uint32_t ttl_left;      /* seconds until it expires; 0 when it never does */
	bool permanent;
	bool automatic; /* added by auto-block rather than by an operator */
};

/*
 * Block the source @addr (a /32 or /128) for @ttl_s seconds (0: until deleted). Adding an
 * address already there replaces its expiry.
 * @return 0, -EINVAL (not a host address), -ENOSPC (blocklist full: mitigation.blocklist_size).
 */
int
dp_blocklist_add(struct dp *dp, const struct cfg_prefix *addr, uint32_t ttl_s);

/* @return 0, or -ENOENT when @addr is not blocked. */
int
dp_blocklist_del(struct dp *dp, const struct cfg_prefix *addr);

/* Remove every entry. @return how many were removed. */
int
dp_blocklist_flush(struct dp *dp);

/* Entries in the blocklist, and its capacity. */
uint32_t
dp_blocklist_count(const struct dp *dp);

uint32_t
dp_blocklist_capacity(const struct dp *dp);

/*
 * Call @cb for each live entry (in no particular order) until it returns non-zero.
 * @return the number of entries visited.
 */
int
dp_blocklist_walk(const struct dp *dp, int (*cb)(const struct dp_blocklist_entry *e, void *arg),
                  void *arg);

/* Counters of the blocklist itself. */
struct dp_blocklist_stats {
	uint64_t added, deleted, expired, auto_added, full; /* full: adds refused for room */
};

void
dp_blocklist_stats_get(const struct dp *dp, struct dp_blocklist_stats *st);

/*
 * Housekeeping, from the control thread's timer (every 100 ms or so): put the sources the
 * workers reported for auto-block on the blocklist, and remove expired entries.
 */
void
dp_tick(struct dp *dp);

/*
 * The node's own traffic and HA (docs/ha.md). Workers take frames addressed to the node off
 * the fast path (VRRP adverts of the VRIDs it runs, ARP and neighbour discovery for its
 * addresses, IP packets to its addresses, and in l3 mode packets whose next hop is not
 * resolved yet) and enqueue them on their exception ring; one consumer thread (the HA
 * coordinator) dequeues them with dp_exc_recv() and answers through a TX queue reserved for
 * it on every port (dp_ctl_send()). The workers never answer anything themselves.
 *
 * What the node owns and whether each link pair forwards is a struct dp_ha_conf published
 * with one RCU pointer swap by dp_ha_set(); workers read it once per burst.
 *
 * In a worker, for each burst of a port whose link pair has anything of this set (a port
 * without any goes straight to the policy, as before):
 *   1. VRRP, ARP and neighbour discovery for the node are punted, whatever the pair's state
 *      and before the policy, so no policy can cut the node off its peers;
 *   2. on a standby pair every other frame is dropped, except IP packets to a node address;
 *   3. the policy, unless the pair is uninspected;
 *   4. IP packets to a node address that the policy let through are punted (DP_PUNT_LOCAL):
 *      the node's own addresses get the same protection as the hosts behind it;
 *   5. on an l3 pair, what is left is routed out of the paired port, or punted unresolved.
 * Every punt but VRRP's is metered (workers.punt_rate_pps per worker, rte_meter): what is over
 * the rate is dropped and counted, so a flood at the node's addresses never crowds the
 * adverts out of the ring.
 */
#define DP_HA_MAX_ADDRS 128

/* Why a frame was taken off the fast path: in the mbuf's hash.usr when dequeued. */
enum dp_punt {
	DP_PUNT_VRRP = 1,   /* IP protocol 112 with a VRID the port runs */
	DP_PUNT_ARP,        /* ARP whose target or sender is a node address, or any ARP on an l3
	                     * port */
	DP_PUNT_ND,         /* ICMPv6 neighbour solicitation or advertisement whose target is a
	                     * node address (any on an l3 port), or router/neighbour discovery
	                     * sent to a node address */
	DP_PUNT_LOCAL,      /* another IP packet to a node address (ICMP echo, for example), once
	                     * the policy let it through */
	DP_PUNT_UNRESOLVED, /* l3: the next hop's MAC is not known yet; the frame is as received */
};

/* An address the node answers for on one port: a VIP it owns, or an l3 interface address. */
struct dp_local_addr {
	uint8_t family;            /* 4 or 6 */
	uint8_t pidx;              /* index into cfg.ports of the port it lives on */
	uint8_t addr[16];          /* network byte order */
	struct rte_ether_addr mac; /* the MAC it answers with (the VRRP virtual MAC for a VIP) */
};

struct dp_ha_conf {
	bool pair_standby[CFG_MAX_LINK_PAIRS];     /* true: frames dropped (counted), not forwarded:
	                                            * the l2 active-passive backup */
	bool pair_uninspected[CFG_MAX_LINK_PAIRS]; /* true: forwarded without the policy (bypass
	                                            * with no fail-open device); frames the parser
	                                            * refused are forwarded too on an l2 pair */
	uint8_t vrid_punt[DP_MAX_PORTS][32];       /* bitmap: VRIDs whose adverts, received on that
	                                            * port, are punted (bit 0, VRID 0, is ignored) */
	unsigned int n_addrs;
	struct dp_local_addr addrs[DP_HA_MAX_ADDRS];
};

/*
 * Publish @conf (copied) to the workers and free the previous one after a grace period.
 * Any one non-worker thread (or several: the swaps are serialised); blocks for the grace
 * period. @return 0, -EINVAL (a port index, family, link pair or VRID bitmap out of range,
 * an all-zero address, more than DP_HA_MAX_ADDRS addresses), -ENOMEM.
 */
int
dp_ha_set(struct dp *dp, const struct dp_ha_conf *conf);

/* Counters summed over workers (@widx < 0, with the control TX counters of dp_ctl_send()'s
 * own queues) or of one worker. */
void
dp_ha_counters_get(const struct dp *dp, int widx, struct dp_ha_counters *out);

/*
 * Dequeue up to @n punted frames from the workers' exception rings. Each mbuf's port field
 * is the DPDK port id it arrived on (dp_port_index() maps it to cfg.ports) and hash.usr its
 * enum dp_punt. The caller frees them. One consumer thread only.
 * @return the number dequeued.
 */
unsigned int
dp_exc_recv(struct dp *dp, struct rte_mbuf **pkts, unsigned int n);

/* Index into cfg.ports of DPDK port @port_id, or -ENOENT. */
int
dp_port_index(const struct dp *dp, uint16_t port_id);

/* A new mbuf from the dataplane's pool for a frame the node sends, or NULL when empty. */
struct rte_mbuf *
dp_ctl_alloc(struct dp *dp);

/*
 * Send @n frames on the control TX queue of port index @pidx. Takes ownership of all of
 * them: what the queue does not take is freed. Serialised internally (safe from any one
 * non-worker thread at a time and from several). A port whose device has no tx queue to spare
 * (net_af_packet has as many as qpairs, net_tap's extra queues would steal received frames)
 * has a mailbox instead, which worker 0 empties into its own tx queue once per loop; the
 * frames then leave within one loop of worker 0 (or its idle_sleep_us).
 * @return how many were sent (handed to the mailbox), 0 for a port index out of range.
 */
unsigned int
dp_ctl_send(struct dp *dp, unsigned int pidx, struct rte_mbuf **pkts, unsigned int n);

/* MAC address of port index @pidx. */
const struct rte_ether_addr *
dp_port_mac(const struct dp *dp, unsigned int pidx);

/*
 * l3 link pairs: the neighbour table (IPv4 by ARP, IPv6 by neighbour discovery) that workers
 * read lock-free to rewrite MACs. Written by the HA coordinator alone.
 */
struct dp_neigh {
	uint8_t pidx;
	uint8_t family;
	uint8_t addr[16];
	struct rte_ether_addr mac;
	uint32_t age_s; /* seconds since it was learned or confirmed */
};

#define DP_NEIGH_MAX 4096 /* neighbours over every l3 port */

/* Add or refresh a neighbour. @return 0, -EINVAL (not an l3 port, a family other than 4 or 6,
 * a multicast or all-zero MAC), -ENOSPC. */
int
dp_neigh_set(struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *addr,
             const struct rte_ether_addr *mac);

/* Remove a neighbour; waits for a grace period before its slot is used again.
 * @return 0 or -ENOENT. */
int
dp_neigh_del(struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *addr);

/* Call @cb for every neighbour until it returns non-zero; @cb may dp_neigh_del() the one it
 * is given. Safe from any non-worker thread. @return how many were visited. */
int
dp_neigh_walk(const struct dp *dp, int (*cb)(const struct dp_neigh *n, void *arg), void *arg);

/*
 * The next hop towards @dst (network byte order, @family) out of port index @pidx of an l3
 * link pair: @dst itself when on one of that side's subnets, else the side's gateway.
 * @return 0 with @nh filled (4 or 16 bytes), -ENETUNREACH (no gateway), -EHOSTUNREACH (a
 * destination no router forwards: multicast, limited broadcast, loopback, link-local,
 * unspecified), -EINVAL (not an l3 port).
 */
int
dp_l3_nexthop(const struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *dst,
              uint8_t *nh);

/*
 * Test-only fault hook (tests/integration, enabled by rampartd only when RAMPART_FAULT_HOOKS=1
 * is in its environment): worker @widx stops making progress (no rx, loop counter frozen)
 * for @ms milliseconds, as a wedged worker would. It spins offline for RCU, so grace periods
 * (policy loads, dp_ha_set()) do not wait for it. @ms 0 ends a stall early; a new call
 * replaces the deadline. @return 0 or -EINVAL (no such worker, @ms above DP_STALL_MAX_MS).
 */
#define DP_STALL_MAX_MS 600000
int
dp_worker_stall(struct dp *dp, unsigned int widx, unsigned int ms);

#endif /* RAMPART_DP_H */
