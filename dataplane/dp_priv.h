/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to dataplane/ and its unit tests: the compiled policy, the blocklist and the
 * mitigation pipeline that the workers run. The control thread builds a struct dp_policy off
 * the hot path; once published it is immutable except for the per-worker areas, which only
 * their worker writes.
 */
#ifndef RAMPART_DP_PRIV_H
#define RAMPART_DP_PRIV_H

#include <pthread.h>

#include <rte_acl.h>
#include <rte_hash.h>
#include <rte_lpm6.h>

#include "dp.h"

/* Counters written by one thread and read by others: whole 64-bit stores and loads. */
#define DP_CTR_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define DP_CTR_READ(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/*
 * rte_acl categories: category 0 holds the rules that end the evaluation (allow, drop,
 * rate-limit); each count rule gets a category of its own so that every count rule a packet
 * matches is seen, not only the first.
 */
#define DP_ACL_CATEGORIES RTE_ACL_MAX_CATEGORIES
#define DP_MAX_COUNT_RULES (DP_ACL_CATEGORIES - 1)

/* Limiter ids in rate-table keys: rule indexes, then the protections. 20 bits. */
#define DP_LIMITER_ID_BITS 20
#define DP_LIMITER_SYN_SRC 0xffff0u
#define DP_LIMITER_SYN_DST 0xffff1u
#define DP_LIMITER_ICMP_SRC 0xffff2u

/*
 * The key rte_acl classifies, built from a parsed packet. Multi-byte fields are in network
 * byte order, as rte_acl expects its input; the rules hold host-order values. The first field
 * is one byte and every later group of fields is four bytes, as rte_acl requires.
 */
struct dp_acl_key4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t ingress; /* link pair << 1 | 1 when received on the protected port */
	uint16_t len;
};

struct dp_acl_key6 {
	uint8_t proto;
	uint8_t pad[3];
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t ingress;
	uint16_t len;
};

/*
 * A set of IPv4 prefixes for membership tests (dp_pfx4.c): two bits per /24 say whether
 * none, all or part of it is in the set; partly covered /24s have a 256-bit map of their
 * addresses in an open-addressing table. Immutable once built.
 */
#define DP_PFX4_NONE 0u
#define DP_PFX4_ALL 1u
#define DP_PFX4_PART 2u

struct dp_pfx4 {
	uint64_t *state;          /* 2^24 pairs of bits */
	uint32_t *part_key;       /* /24 index, UINT32_MAX when the slot is empty */
	uint64_t (*part_bits)[4]; /* the addresses of that /24 in the set */
	uint32_t part_mask;       /* slots - 1 */
	uint32_t n_part;
};

/* The IPv4 prefixes of @list (others are ignored). NULL when out of memory. */
struct dp_pfx4 *
dp_pfx4_create(const struct cfg_prefix *list, size_t n, int socket);

/* Accepts NULL. */
void
dp_pfx4_free(struct dp_pfx4 *s);

/* Is @addr (host byte order), in a /24 that the set covers in part, in the set? */
bool
dp_pfx4_part_lookup(const struct dp_pfx4 *s, uint32_t addr);

static inline unsigned int
dp_pfx4_state(const struct dp_pfx4 *s, uint32_t key24)
{
	return (unsigned int)(s->state[key24 / 32] >> ((key24 & 31) * 2)) & 3u;
}

/* Is @addr (host byte order) in the set? */
static inline bool
dp_pfx4_lookup(const struct dp_pfx4 *s, uint32_t addr)
{
	unsigned int st = dp_pfx4_state(s, addr >> 8);

	return st == DP_PFX4_ALL || (st == DP_PFX4_PART && dp_pfx4_part_lookup(s, addr));
}

/*
 * The IPv4 rule classifier for rules spread over many destinations (dp_scan4.c): the
 * destination picks a segment, the segment lists the rules that can match it in file order.
 */
struct dp_scan4_rule {
	uint32_t src, src_mask, dst, dst_mask;   /* host byte order, masked */
	uint16_t sp_lo, sp_span, dp_lo, dp_span; /* port ranges as low end and width */
	uint16_t len_lo, len_span;
	uint8_t proto, proto_mask, flags, flags_mask, ingress, ingress_mask;
	uint16_t pad;
	uint32_t result; /* rule index + 1 */
};

#define DP_SCAN4_PROTO_CLASSES 4 /* TCP, UDP, ICMP, the rest */

static inline unsigned int
dp_scan4_proto_class(uint8_t proto)
{
	return proto == 6 ? 0 : proto == 17 ? 1 : proto == 1 ? 2 : 3;
}

struct dp_scan4_seg {
	uint32_t start[DP_SCAN4_PROTO_CLASSES]; /* its own rules per protocol class */
	uint32_t n[DP_SCAN4_PROTO_CLASSES];
	uint32_t count;  /* the longest of its lists */
	uint32_t parent; /* longest segment containing it, or ~0 */
	uint32_t chain;  /* rules along the chain to the root */
	uint32_t addr;   /* the segment's prefix */
	uint8_t len;
};

struct dp_scan4_slot {
	uint32_t key; /* /24 index, UINT32_MAX when empty */
	uint32_t val; /* segment, or 1 << 31 | tbl8 group */
};

struct dp_scan4 {
	struct dp_scan4_slot *tbl24;
	uint32_t mask24;
	uint32_t (*tbl8)[256];
	struct dp_scan4_seg *segs; /* segs[0]: destinations in no dst prefix */
	struct dp_scan4_rule *rules;
	uint32_t n_segs, n_entries, max_seg, n_tbl8; /* max_seg: the longest chain */
	double mean_chain;
	size_t mem; /* bytes */
};

/* What of a rule the classifier matches, beside its prefixes and ports. */
struct dp_scan4_shape {
	bool v4; /* the rule applies to IPv4 */
	uint8_t proto, proto_mask, flags, flags_mask, ingress, ingress_mask;
	uint16_t len_lo, len_hi;
};

/* When to give up and leave the rules to rte_acl: chains too long, table too large. */
struct dp_scan4_limits {
	double max_mean;      /* mean rules along a segment's chain */
	uint32_t max_seg;     /* rules along the longest chain */
	uint32_t max_entries; /* unused: every rule is stored once */
	uint64_t max_24;      /* /24 table entries */
};

/* Build the classifier of the terminating IPv4 rules. NULL with *@err = -E2BIG when a limit
 * is passed, -ENOMEM when out of memory. */
struct dp_scan4 *
dp_scan4_build(const struct cfg_rule *rules, const struct dp_scan4_shape *shapes, uint32_t n_rules,
               const struct dp_scan4_limits *lim, int *err);

void
dp_scan4_free(struct dp_scan4 *s);

/* res[i]: index + 1 of the first rule packet i matches, 0 for none. */
void
dp_scan4_classify(const struct dp_scan4 *s, const struct dp_pkt *const *pkts,
                  const uint8_t *ingress, unsigned int n, uint32_t *res);

/* A rule as the workers need it. */
struct dp_rule {
	uint8_t action;  /* enum cfg_action */
	bool per_source; /* has a per-source limit */
	bool aggregate;  /* has an aggregate limit */
	struct dp_limit src_limit;
	struct dp_limit agg_limit; /* the aggregate divided between the workers */
};

/* Counters of one rule on one worker. */
struct dp_rule_ctr {
	uint64_t packets, bytes, dropped;
};

/* What one worker writes in a policy [W]. */
struct dp_policy_worker {
	struct dp_rule_ctr *ctr;    /* n_rules */
	struct dp_limit_state *agg; /* n_rules: aggregate limit states */
};

struct dp_policy {
	struct dp_policy_info info;      /* [R] */
	uint32_t gen;                    /* [R] version in limiter keys (12 bits) */
	uint8_t mode;                    /* [R] enum cfg_policy_mode */
	uint8_t default_action;          /* [R] */
	bool drop_fragments;             /* [R] */
	struct dp_pfx4 *allow4, *deny4;  /* [R] NULL when empty */
	struct rte_lpm6 *allow6, *deny6; /* [R] */
	struct rte_acl_ctx *acl4, *acl6; /* [R] NULL when no rule of that family */
	struct dp_scan4 *scan4;          /* [R] instead of acl4 when its segments are short */
	uint32_t n_categories;           /* [R] 1, or a multiple of 4 with count rules */
	uint32_t n_count;                /* [R] count rules */
	uint32_t n_rules;                /* [R] */
	struct dp_rule *rules;           /* [R] */
	struct cfg_rule *cfg_rules;      /* [R] names and lines, for the views */
	struct {
		bool syn, amp, icmp, auto_block;
		struct dp_limit syn_src, syn_dst, icmp_src;
		uint16_t amp_min_len;
		uint8_t amp_ports[65536 / 8]; /* bitmap of source ports */
		uint64_t exceed_ticks;        /* auto_block.exceed_seconds in TSC ticks */
		uint64_t gap_ticks;           /* a pause this long ends a run of excesses: 1 s */
		uint32_t block_seconds;
	} prot;                                     /* [R] */
	unsigned int n_workers;                     /* [R] */
	struct dp_policy_worker pw[DP_MAX_WORKERS]; /* [W] per worker */
};

/* Blocklist, rate tables, offender rings and the empty policy, for dp_create(). */
int
dp_mitigation_init(struct dp *dp, char *err, size_t errlen);

/* Undo dp_mitigation_init(); the workers are stopped. */
void
dp_mitigation_fini(struct dp *dp);

/* Bytes the DPDK heaps hold right now: the memory a structure takes is the difference. */
size_t
dp_heap_used(void);

/*
 * Compile @cp for a node with @node's link pairs and @n_workers workers into a new policy of
 * generation @version. @hz is the clock the limits count in. On error every problem goes to
 * @errs (FILE:LINE) and NULL is returned with errno set.
 */
struct dp_policy *
dp_policy_build(const struct cfg_policy *cp, const struct cfg_node *node, unsigned int n_workers,
                uint64_t version, uint64_t hz, struct cfg_errors *errs);

/* For tests and the benchmark: when set, dp_policy_build() leaves every IPv4 rule to rte_acl
 * instead of choosing dp_scan4 for rule sets that suit it. */
extern bool dp_policy_no_scan4;

/* When dp_policy_build() prefers dp_scan4 to rte_acl: within dp_scan4_limits, or within
 * dp_scan4_limits_large past dp_scan4_acl_max IPv4 rte_acl rules. The benchmark moves them. */
extern struct dp_scan4_limits dp_scan4_limits, dp_scan4_limits_large;
extern uint32_t dp_scan4_acl_max;

/* Free a policy and its tables. Accepts NULL. */
void
dp_policy_destroy(struct dp_policy *p);

/* The ingress byte of the ACL key for a packet received on link pair @pair. */
static inline uint8_t
dp_ingress(unsigned int pair, bool outbound)
{
	return (uint8_t)(pair << 1 | (outbound ? 1 : 0));
}

/*
 * Classify @n parsed IP packets against the rules. For packet i, res[i * p->n_categories + c]
 * is the rule index + 1 that category c matched, 0 for none: category 0 is the first
 * terminating rule, the others are count rules. @res holds n * p->n_categories entries.
 */
void
dp_policy_classify(const struct dp_policy *p, const struct dp_pkt *const *pkts,
                   const uint8_t *ingress, unsigned int n, uint32_t *res);

/* The dynamic blocklist: an rte_hash with lock-free readers; only the control thread writes. */
struct dp_bl_key {
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

#define DP_BL_AUTO (1ull << 63) /* in the entry's data: added by auto-block */

/*
 * In front of the hash, a filter the workers read first: one bit per hash of a key, set while
 * at least one key on the list has that hash. A clear bit means "not blocked" without a hash
 * lookup, which is the answer for nearly every packet; a set bit sends the packet to the hash
 * (about one in 32 of the sources not on the list, at capacity). The control thread keeps a
 * count per bit and is the only writer.
 */
struct dp_blocklist {
	struct rte_hash *h; /* data: expiry in TSC ticks (0: never) | DP_BL_AUTO */
	uint64_t *filter;   /* [C] writes, workers read: filter_mask + 1 bits */
	uint32_t filter_mask;
	uint8_t *filter_cnt; /* [C] keys per bit, saturating at 255 (then kept set) */
	uint32_t capacity;
	uint64_t hz;
	struct dp_blocklist_stats st; /* [C] */
	uint64_t next_expire;         /* [C] when dp_tick() next walks the table for expiry */
	uint32_t n_pending;           /* [C] deleted key positions awaiting a grace period */
	int32_t *pending;
};

struct dp_blocklist *
dp_blocklist_create(const char *name, uint32_t capacity, int socket, uint64_t hz);

void
dp_blocklist_destroy(struct dp_blocklist *bl);

/* Make a key from a parsed packet's source. */
static inline void
dp_bl_key_from(struct dp_bl_key *k, uint8_t family, const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->family = family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
}

/* The filter bit of a key. */
static inline uint32_t
dp_bl_filter_bit(const struct dp_blocklist *bl, const struct dp_bl_key *k)
{
	uint32_t w[4];

	memcpy(w, k->addr, sizeof(w));
	if (k->family == 4)
		return (uint32_t)((w[0] * 0x9E3779B97F4A7C15ull) >> 32) & bl->filter_mask;
	return (uint32_t)(((w[0] ^ (uint64_t)w[1] << 32) * 0x9E3779B97F4A7C15ull ^
	                   (w[2] ^ (uint64_t)w[3] << 32) * 0xC2B2AE3D27D4EB4Full) >>
	                  32) &
	       bl->filter_mask;
}

static inline bool
dp_bl_filter_test(const struct dp_blocklist *bl, uint32_t bit)
{
	return __atomic_load_n(&bl->filter[bit / 64], __ATOMIC_RELAXED) >> (bit % 64) & 1;
}

/* Insert or refresh an entry (control thread). @return 0, -ENOSPC, -EINVAL. */
int
dp_blocklist_insert(struct dp_blocklist *bl, const struct dp_bl_key *k, uint64_t expiry,
                    bool automatic);

/* Remove expired entries as of @now. @return how many. */
int
dp_blocklist_expire(struct dp_blocklist *bl, uint64_t now);

/* What a worker needs to run the pipeline. */
struct dp_pipeline {
	const struct dp_policy *policy;
	const struct dp_blocklist *blocklist;
	struct dp_worker *wk; /* counters, rate table, offender ring */
};

/* An auto-block request from a worker to the control thread. */
struct dp_offender {
	uint32_t block_seconds;
	struct dp_bl_key key;
};

/*
 * Decide the fate of @n packets parsed from one rx queue of link pair @pair: drop reasons go
 * to @reason[i] (DP_DROP_NONE: forward). Packets the parser refused carry their reason in
 * @reason already and are only counted. @bytes[i] is the frame length. Counters, rate state
 * and auto-block requests are the worker's. Does not drop anything itself: in monitor mode
 * every reason is counted and then cleared. Entries of @reason at DP_DROP__MAX or above
 * (DP_TAKEN_*: frames the HA stage took) are neither inspected, nor counted, nor changed.
 */
void
dp_pipeline_run(struct dp_pipeline *pl, const struct dp_pkt *pkts, const uint32_t *bytes,
                unsigned int n, unsigned int pair, bool outbound, uint64_t now, uint8_t *reason);

/*
 * The HA stage (dp_ha.c). A frame it takes out of the burst carries one of these in the
 * worker's reason array instead of a drop reason: the pipeline neither inspects nor counts it.
 */
#define DP_TAKEN_DROP 0xfe /* dropped and counted by the HA stage: the worker frees it */
#define DP_TAKEN_KEPT 0xff /* handed on (exception ring): the worker must not touch it */
_Static_assert(DP_DROP__MAX < DP_TAKEN_DROP, "drop reasons and HA sentinels overlap");

/* What the HA view says about a port; a port with none goes straight to the policy. */
#define DP_HAF_VRRP 0x01        /* some VRID's adverts are punted */
#define DP_HAF_OWNS 0x02        /* the node has an address on it */
#define DP_HAF_STANDBY 0x04     /* its link pair is standby */
#define DP_HAF_UNINSPECTED 0x08 /* its link pair is forwarded without the policy */
#define DP_HAF_L3 0x10          /* its link pair is l3 */

#define DP_HA_SLOT_BITS 8
#define DP_HA_SLOTS (1u << DP_HA_SLOT_BITS) /* twice DP_HA_MAX_ADDRS: probes stay short */
_Static_assert(DP_HA_SLOTS >= 2 * DP_HA_MAX_ADDRS, "owned-address table too small");

/* An owned address in the open-addressing table of a view. */
struct dp_ha_slot {
	uint8_t used;
	uint8_t family;
	uint8_t pidx;
	uint8_t pad;
	uint8_t addr[16];
};

/* The HA view compiled from a struct dp_ha_conf: immutable once published. */
struct dp_ha_rt {
	uint8_t flags[DP_MAX_PORTS];         /* DP_HAF_* per port index */
	uint8_t vrid[DP_MAX_PORTS][32];      /* VRIDs punted per port index */
	struct dp_ha_slot slot[DP_HA_SLOTS]; /* owned addresses, keyed by port, family, address */
};

static inline uint32_t
dp_ha_slot_of(unsigned int pidx, uint8_t family, const uint8_t *addr)
{
	uint64_t h;
	uint32_t w[4];

	if (family == 4) {
		memcpy(w, addr, 4);
		h = (uint64_t)w[0] << 8 ^ pidx;
	} else {
		memcpy(w, addr, 16);
		h = ((uint64_t)w[0] << 32 | w[1]) * 0xC2B2AE3D27D4EB4Full ^
		    ((uint64_t)w[2] << 32 | w[3]) ^ (uint64_t)pidx << 56 ^ 6;
	}
	return (uint32_t)((h * 0x9E3779B97F4A7C15ull) >> (64 - DP_HA_SLOT_BITS));
}

/* Is @addr (of @family) a node address on port index @pidx in view @rt? */
static inline bool
dp_ha_owns(const struct dp_ha_rt *rt, unsigned int pidx, uint8_t family, const uint8_t *addr)
{
	uint32_t i = dp_ha_slot_of(pidx, family, addr);

	/* The table is never more than half full, so an empty slot always ends the probe. */
	for (;;) {
		const struct dp_ha_slot *s = &rt->slot[i];

		if (!s->used)
			return false;
		if (s->pidx == pidx && s->family == family &&
		    memcmp(s->addr, addr, family == 4 ? 4 : 16) == 0)
			return true;
		i = (i + 1) & (DP_HA_SLOTS - 1);
	}
}

/* One subnet of an l3 side, with its mask, in the byte order of the packet's bytes. */
struct dp_l3_net {
	uint8_t family;
	uint32_t net4, mask4;
	uint64_t net6[2], mask6[2];
};

/* What a port of an l3 link pair is on: the side's subnets, gateways and the port's MAC. */
struct dp_l3_port {
	bool l3;
	uint8_t n_net;
	bool has_gw4, has_gw6;
	struct dp_l3_net net[CFG_MAX_PAIR_ADDRS];
	uint8_t gw4[4];
	uint8_t gw6[16];
	struct rte_ether_addr mac;
};

/*
 * The next hop towards @dst out of the l3 port @lp (dp_l3_nexthop() without the checks).
 * @return 0, -ENETUNREACH or -EHOSTUNREACH.
 */
int
dp_l3_route(const struct dp_l3_port *lp, uint8_t family, const uint8_t *dst, uint8_t *nh);

/* The neighbour table: an rte_hash with lock-free readers and one writer at a time. */
struct dp_neigh_key {
	uint8_t pidx;
	uint8_t family;
	uint8_t pad[2];
	uint8_t addr[16];
};

struct dp_neigh_table {
	struct rte_hash *h; /* data: the MAC in the first 6 bytes of the 64-bit word */
	uint64_t *learned;  /* [lock] per key position: TSC of the last dp_neigh_set() */
	uint32_t capacity;
	uint64_t hz;
	pthread_mutex_t lock; /* writers and walkers (recursive); workers never take it */
};

static inline void
dp_neigh_key_make(struct dp_neigh_key *k, unsigned int pidx, uint8_t family, const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->pidx = (uint8_t)pidx;
	k->family = family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
}

struct dp_neigh_table *
dp_neigh_table_create(const char *name, uint32_t capacity, int socket, uint64_t hz);

/* Accepts NULL. */
void
dp_neigh_table_destroy(struct dp_neigh_table *t);

/* A control TX mailbox a worker empties into its own tx queue of a port. */
struct dp_ctl_mbox {
	struct rte_ring *ring; /* dp_ctl_send() enqueues under the port's lock, the worker
	                        * dequeues */
	uint16_t port_id;
	uint16_t txq; /* the draining worker's tx queue on that port */
};

/* How dp_ctl_send() reaches a port. */
struct dp_ctl_port {
	pthread_mutex_t lock;
	int txq; /* a queue no worker uses, or -1: mbox */
	struct rte_ring *mbox;
	bool direct; /* [lock] with mbox: no worker runs, so dp_ctl_send() sends on
	              * worker 0's queue itself */
};

struct dp_ha_state {
	uint32_t mbox_pending __rte_cache_aligned;    /* [a] a mailbox may hold frames */
	pthread_mutex_t set_lock __rte_cache_aligned; /* dp_ha_set() swaps */
	struct dp_ctl_port ctl[DP_MAX_PORTS];
	unsigned int n_mbox;
	struct dp_ctl_mbox mbox[DP_MAX_PORTS]; /* worker 0's */
	struct dp_l3_port l3[DP_MAX_PORTS];    /* [R] */
	struct dp_neigh_table *neigh;          /* NULL without l3 pairs */
	unsigned int exc_next;                 /* [consumer] worker dp_exc_recv() starts with */
	uint64_t ctl_sent, ctl_dropped;        /* [a] dp_ctl_send() on reserved queues */
};

/* For unit tests: reserve a control TX queue on any device with one to spare, not only on PCI
 * devices. Read by dp_create(). */
extern bool dp_ctl_queue_any_device;

#define DP_EXC_RING_SIZE 1024 /* frames per worker's exception ring */
#define DP_CTL_MBOX_SIZE 512  /* frames per port's control TX mailbox */

/* Exception rings, mailboxes, the l3 ports, the neighbour table and the first (empty) view,
 * for dp_create() once ports and workers are set up. */
int
dp_ha_init(struct dp *dp, char *err, size_t errlen);

/* Undo dp_ha_init(), freeing every frame still queued; the workers are stopped. */
void
dp_ha_fini(struct dp *dp);

/*
 * The HA stage for a burst of @n frames received on binding @b whose port has flags in view
 * @rt, in place of dp_pipeline_run() and the worker's split of the burst: punts, standby
 * drops, the policy (unless uninspected), local punts, l3 routing. Frames it takes carry
 * DP_TAKEN_DROP or DP_TAKEN_KEPT in @reason afterwards, the others the policy's reason.
 * What is dropped is freed, what is punted is on the exception ring, and what is to be
 * forwarded is moved to the front of @pkts, its bytes added to *@tx_bytes.
 * @return how many frames are to be forwarded.
 */
unsigned int
dp_ha_burst(struct dp_worker *wk, const struct dp_ha_rt *rt, const struct dp_rx_binding *b,
            struct rte_mbuf **pkts, const struct dp_pkt *meta, const uint32_t *bytes,
            unsigned int n, uint64_t now, uint8_t *reason, uint64_t *tx_bytes);

/* Worker side of the mailboxes: send what they hold. @return frames taken from them. */
unsigned int
dp_ctl_mbox_drain(struct dp_worker *wk);

/*
 * Once per loop of the worker that has mailboxes: one relaxed load while they are empty.
 * The exchange orders the flag before the rings, so a frame enqueued before the flag was
 * set is seen, and one enqueued after sets it again for the next loop.
 */
static inline unsigned int
dp_ctl_mbox_poll(struct dp_worker *wk)
{
	if (wk->n_mbox == 0 || __atomic_load_n(wk->mbox_pending, __ATOMIC_RELAXED) == 0 ||
	    __atomic_exchange_n(wk->mbox_pending, 0, __ATOMIC_ACQ_REL) == 0)
		return 0;
	return dp_ctl_mbox_drain(wk);
}

/*
 * Hand worker 0's tx queues to the workers before they are launched (@workers_run true) or
 * take them back once they have stopped (false): what the mailboxes still hold is sent then,
 * and dp_ctl_send() sends itself until the workers run again. A clean stop thus still lets
 * the last frames out (a VRRP advert of priority 0, for instance). Accepts a dataplane
 * whose dp_ha_init() did not run or failed.
 */
void
dp_ctl_handover(struct dp *dp, bool workers_run);

/* One pass of a worker's loop body, without the loop counter, the quiescent state or the idle
 * sleep: every binding polled once, then the mailboxes. For unit tests, which drive a worker
 * from their own thread. @return frames received plus control frames sent. */
unsigned int
dp_worker_poll_once(struct dp_worker *wk);

#endif /* RAMPART_DP_PRIV_H */
