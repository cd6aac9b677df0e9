/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart HA health decisions: peer health with hysteresis, flap damping, the link-pair and
 * bandwidth monitors, and the fast-failover predicate. Pure: every function takes the time as
 * nanoseconds of a monotonic clock (CLOCK_MONOTONIC in rampartd, anything in tests) and does
 * no I/O. The HA coordinator thread owns every struct here; nothing is shared between threads.
 *
 * The reasoning behind the fast-failover predicate is in docs/design/ha-failover.md.
 */
#ifndef RAMPART_HA_HEALTH_H
#define RAMPART_HA_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define HA_NS_PER_MS UINT64_C(1000000)
#define HA_NS_PER_S UINT64_C(1000000000)
#define HA_TIME_NEVER UINT64_MAX /* a deadline that never comes */

/*
 * Peer health.
 *
 * A peer sends a heartbeat every check interval. Misses are counted by time: for each whole
 * interval since the last heartbeat (or since start-up while none has been heard) one miss.
 * After failure_threshold consecutive misses the peer is unhealthy, so a peer last heard at t
 * goes unhealthy at exactly t + failure_threshold * interval; ha_peer_health_deadline() gives
 * that time for the coordinator's timer.
 *
 * A good check is a check interval in which a heartbeat arrived. A heartbeat counts as a new
 * good check when it comes at least half an interval after the last one that counted, so
 * duplicates and bursts count once. The run of good checks is broken when two or more misses
 * have been counted, that is when no heartbeat came for two whole intervals: one late
 * heartbeat (scheduling jitter on either side) does not restart the run. An unhealthy peer is
 * healthy again after recovery_threshold consecutive good checks.
 *
 * A peer starts unknown: it is not healthy (the fast-failover predicate treats it as not
 * known to be dead either, since it was never the known master). Its first heartbeat makes it
 * healthy at once, as it has nothing to recover from; if none comes within failure_threshold
 * intervals of start-up it becomes unhealthy and must then recover like any other.
 */
enum ha_health {
	HA_HEALTH_UNKNOWN = 0, /* never heard and not yet given up on */
	HA_HEALTH_HEALTHY,
	HA_HEALTH_UNHEALTHY,
};

struct ha_peer_health {
	uint64_t interval_ns;            /* peer check interval */
	unsigned int failure_threshold;  /* consecutive misses before unhealthy */
	unsigned int recovery_threshold; /* consecutive good checks before healthy again */
	enum ha_health state;
	bool heard;            /* a heartbeat has ever arrived */
	uint64_t last_rx;      /* last heartbeat, or start-up while !heard */
	uint64_t last_good;    /* the last heartbeat that counted as a good check */
	unsigned int good;     /* consecutive good checks */
	unsigned int misses;   /* consecutive misses, as of the last call */
	uint64_t misses_total; /* misses counted since start-up */
	uint64_t rx_total;     /* heartbeats received */
	uint64_t changes;      /* health state changes */
	uint64_t last_change;  /* time of the last change; start-up before any */
};

/*
 * Start tracking a peer at @now, unknown. Thresholds are 1..1000 as in the config, the
 * interval at least 1 ns. @return 0, or -EINVAL for an out-of-range argument.
 */
int
ha_peer_health_init(struct ha_peer_health *h, unsigned int failure_threshold,
                    unsigned int recovery_threshold, uint64_t interval_ns, uint64_t now);

/*
 * A good heartbeat from the peer arrived at @now. Misses up to @now are counted first, as if
 * ha_peer_health_tick(@now) had been called, so the outcome does not depend on how punctual
 * the caller's timer was. @return true when the health state differs from before the call.
 * (With recovery_threshold 1, a heartbeat that ends a long silence can make a healthy peer
 * unhealthy and healthy again within the call: both changes are counted, and false is
 * returned because the state is the same.)
 */
bool
ha_peer_health_rx(struct ha_peer_health *h, uint64_t now);

/* Count the misses up to @now. @return true when the health state changed. */
bool
ha_peer_health_tick(struct ha_peer_health *h, uint64_t now);

/* When the next miss will be counted: one interval after the last miss (or heartbeat). */
uint64_t
ha_peer_health_next_miss(const struct ha_peer_health *h);

/*
 * When the health state will change if nothing arrives: last heartbeat (or start-up) plus
 * failure_threshold intervals while healthy or unknown; HA_TIME_NEVER while unhealthy.
 */
uint64_t
ha_peer_health_deadline(const struct ha_peer_health *h);

/* "unknown", "healthy" or "unhealthy"; "invalid" for anything else. */
const char *
ha_health_name(enum ha_health state);

/*
 * Flap damping. Every master<->backup transition is a flap. The limit is exceeded when more
 * than max_flaps flaps fall inside the last flap window, the window being the half-open
 * interval (now - window, now]: a flap exactly one window old has aged out. Timestamps live in
 * a ring of HA_FLAP_MAX + 1 slots, so memory is bounded and each call is O(1) amortised
 * (each flap is added once and aged out once). max_flaps 0 means no limit; the count in the
 * window is still kept for the status, up to HA_FLAP_MAX + 1.
 */
#define HA_FLAP_MAX 1000

struct ha_flaps {
	unsigned int max_flaps; /* 0 (no limit) or 1..HA_FLAP_MAX */
	uint64_t window_ns;
	unsigned int head;  /* index of the oldest flap still in the window */
	unsigned int count; /* flaps in the ring */
	uint64_t total;     /* flaps since start-up */
	uint64_t at[HA_FLAP_MAX + 1];
};

/* @return 0, or -EINVAL when @max_flaps is above HA_FLAP_MAX or @window_ns is 0. */
int
ha_flaps_init(struct ha_flaps *f, unsigned int max_flaps, uint64_t window_ns);

/* Record a flap at @now. @return ha_flaps_exceeded(@now) after recording it. */
bool
ha_flaps_record(struct ha_flaps *f, uint64_t now);

/* Are there more than max_flaps flaps in the window ending at @now? Always false with 0. */
bool
ha_flaps_exceeded(struct ha_flaps *f, uint64_t now);

/* Flaps in the window ending at @now (at most HA_FLAP_MAX + 1). */
unsigned int
ha_flaps_count(struct ha_flaps *f, uint64_t now);

/* When the oldest flap in the window ages out; HA_TIME_NEVER when the window is empty. */
uint64_t
ha_flaps_next_expiry(const struct ha_flaps *f);

/*
 * Link-pair monitor. A link pair is healthy when both its ports are up. Down counts at once
 * and up only after it has held: a pair must be seen up continuously for hold_ns (the
 * coordinator passes one link monitor interval) before it counts as healthy again, at start-up
 * too. Going down fast loses nothing, since a pair with a port down cannot forward anyway;
 * coming back slowly keeps a bouncing cable from taking the VIP back and forth, which would
 * count as flaps and could end in bypass.
 *
 * The node is below the minimum when fewer than min_active_links pairs are healthy
 * (min_active_links 0: never). Before any pair has held up, a node with a minimum of 1 or
 * more is below it.
 */
#define HA_LINKS_MAX 16 /* CFG_MAX_LINK_PAIRS */

struct ha_link_pair_state {
	bool up[2];        /* upstream, protected: as last reported */
	bool healthy;      /* counts towards min_active_links */
	uint64_t up_since; /* both ends up since (valid while both are up) */
	uint64_t changes;  /* healthy <-> not healthy */
};

struct ha_links {
	unsigned int n_pairs;
	unsigned int min_active;
	uint64_t hold_ns;
	unsigned int n_healthy;
	bool below; /* n_healthy < min_active */
	uint64_t below_changes;
	struct ha_link_pair_state pair[HA_LINKS_MAX];
};

/*
 * Every pair starts with both ports down. @return 0, or -EINVAL when @n_pairs is above
 * HA_LINKS_MAX or @min_active above @n_pairs.
 */
int
ha_links_init(struct ha_links *l, unsigned int n_pairs, unsigned int min_active, uint64_t hold_ns);

/*
 * The ports of @pair were seen as @upstream_up and @protected_up at @now; every pair whose
 * hold time has passed by @now is then promoted. @return true when the node went below the
 * minimum or came back above it. An out-of-range @pair is ignored (false).
 */
bool
ha_links_update(struct ha_links *l, unsigned int pair, bool upstream_up, bool protected_up,
                uint64_t now);

/* Promote the pairs whose hold time has passed by @now. @return as ha_links_update(). */
bool
ha_links_tick(struct ha_links *l, uint64_t now);

/* When the next pair that is up but still holding will be promoted; HA_TIME_NEVER if none. */
uint64_t
ha_links_deadline(const struct ha_links *l);

/*
 * Bandwidth monitor. Throughput is measured over tumbling windows of interval_s: a window
 * starts at start-up, ends at the first update at least interval_ns later, and its rate is
 * the bytes received during it over its real length. The node's throughput is low when a
 * window spent wholly as master averaged strictly less than min_bps. A window restarts when
 * the node becomes master, so a new master has interval_s of grace; while not master the
 * windows still run (the status shows a rate) but never make it low. When throughput drops,
 * the verdict comes between interval_s and twice that later. A byte counter that goes
 * backwards (a port reset) restarts the window without a verdict.
 */
struct ha_bw {
	bool enabled;
	uint64_t min_bps;
	uint64_t interval_ns;
	bool started; /* a window is running */
	bool master;  /* the running window began as master, and still is */
	uint64_t win_start;
	uint64_t win_bytes; /* the byte counter when the window began */
	uint64_t last_bps;  /* rate of the last complete window */
	bool have_bps;
	bool low;           /* verdict of the last complete window */
	uint64_t low_total; /* low verdicts */
};

/* @return 0, or -EINVAL when @interval_ns is 0. A disabled monitor never says low. */
int
ha_bw_init(struct ha_bw *b, bool enabled, uint64_t min_bps, uint64_t interval_ns);

/*
 * Feed the total received byte count (summed over the link pairs' ports, never reset) at
 * @now, and whether the node is master. @return the rate in bits per second of the last
 * complete window (0 before the first); ha_bw_low() tells the verdict. The low verdict is
 * cleared as soon as the node is not master.
 */
uint64_t
ha_bw_update(struct ha_bw *b, uint64_t now, uint64_t rx_bytes_total, bool is_master);

/* Did the last complete window, spent as master, average below min_bps? */
bool
ha_bw_low(const struct ha_bw *b);

/* When the running window can end; HA_TIME_NEVER before the first update. */
uint64_t
ha_bw_deadline(const struct ha_bw *b);

/*
 * Fast failover. A backup may take over before Master_Down_Interval only when all of these
 * hold at @now:
 *  - the master's node is known: a peer says in its heartbeats it is master of the VRID;
 *  - the peer checks have declared that peer unhealthy;
 *  - no advert has arrived for longer than Master_Adver_Interval plus a margin (a quarter of
 *    the interval, at least 1 ms): the master would have sent one in that time if it lived.
 * The last condition is what keeps a broken HA link (heartbeats lost, adverts arriving) from
 * making two masters.
 */
struct ha_ff_input {
	bool master_known;            /* a peer claims master of this VRID */
	enum ha_health master_health; /* that peer's health */
	uint64_t last_advert;         /* the master's last advert, or when this instance began
	                               * to listen (entered Backup) if none came since */
	uint64_t adver_interval_ns;   /* Master_Adver_Interval */
};

/* The margin added to Master_Adver_Interval: a quarter of it, at least 1 ms. */
uint64_t
ha_ff_margin(uint64_t adver_interval_ns);

/* May a backup take over at @now? */
bool
ha_ff_allowed(const struct ha_ff_input *in, uint64_t now);

/* From when the silence condition holds (the predicate can become true then, not before). */
uint64_t
ha_ff_deadline(const struct ha_ff_input *in);

/*
 * The fail-safe state of the node's bypass (docs/ha.md, "A standby fails closed"): what its
 * wire does if the node stops inspecting (its watchdog fires, it restarts, it flaps):
 * bypass (fail open) or disconnect (fail closed). Two parallel nodes must never both
 * forward, so a node fails open only when nobody else will forward in its place:
 *  - no ha block, or active-active: bypass (every node forwards anyway);
 *  - before the first election, or while a link pair is on standby (a backup): disconnect,
 *    because the master forwards;
 *  - the primary holding master in bypass for flapping: bypass (the others are held);
 *  - master, with a peer that is healthy and able to take over (not in maintenance, links
 *    up, not in bypass itself): disconnect, because that peer takes over once this node's
 *    adverts stop, and its path would be the second one;
 *  - master, alone (no peer, or none able): bypass, the only path left.
 */
struct ha_failsafe_input {
	bool ha_enabled;
	bool active_active;
	bool elected;            /* the first election has run */
	bool any_standby;        /* a link pair is on standby */
	bool flaps_primary;      /* flapping latched on the primary: it holds master in bypass */
	unsigned int peers_able; /* healthy peers able to take over */
};

/* @return true for disconnect, false for bypass. Pure. */
bool
ha_failsafe_disconnect(const struct ha_failsafe_input *in);

#endif /* RAMPART_HA_HEALTH_H */
