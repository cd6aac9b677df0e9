/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart HA: VRRPv3 ownership of the virtual IPs, peer health checks, link-pair and bandwidth
 * monitors, flap damping, and the node's own traffic (ARP/ND and echo for its addresses).
 *
 * The HA coordinator runs on a thread of its own ("rp-ha"): it is the one owner of every VRRP
 * instance and health decision (no locks around them), driven by one loop that reads the
 * dataplane's exception rings, the UDP peer socket and its timers. Other threads talk to it
 * only through the functions below: a status snapshot and history read under a mutex, and
 * requests (maintenance, drills) posted to its mailbox. A node without an `ha` block still
 * runs the coordinator when it has l3 link pairs (ARP/ND and next hops need it); otherwise it
 * runs standalone.
 */
#ifndef RAMPART_HA_H
#define RAMPART_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"

struct dp;

enum ha_role {
	HA_ROLE_STANDALONE = 0, /* no ha block: forwards on its own */
	HA_ROLE_INIT,
	HA_ROLE_BACKUP,
	HA_ROLE_MASTER,
};

/* "standalone", "init", "backup" or "master"; "unknown" for anything else. */
const char *
ha_role_name(enum ha_role role);

/* What the coordinator needs from the daemon around it. Called on the HA thread. */
struct ha_hooks {
	void *arg;
	/* One line for the log, at an rte_log level (RTE_LOG_ERR..RTE_LOG_DEBUG). */
	void (*log)(void *arg, int level, const char *msg);
	/* Engage the bypass for @reason ("max-flaps", "link-failure"). @return 0 or -errno. */
	int (*bypass_engage)(void *arg, const char *reason);
	/* Is the bypass engaged (for any reason)? */
	bool (*bypass_engaged)(void *arg);
	/* What a fail-open event must do on this node now: disconnect (@disconnect) or bypass
	 * (ha_failsafe_disconnect() in ha_health.h). Called when it changes, and once at
	 * start. @return 0 or -errno (logged once by the coordinator). */
	int (*bypass_failsafe)(void *arg, bool disconnect);
};

#define HA_HISTORY_MAX 128
#define HA_MAX_INSTANCES (2 * CFG_MAX_VRRP) /* an instance with both families runs as two */
#define HA_NAME_MAX 48
#define HA_REASON_MAX 48

/* One state change of a VRRP instance, or of the node (instance "node"). */
struct ha_event {
	struct timespec when; /* wall clock */
	char instance[HA_NAME_MAX];
	char old_state[16], new_state[16];
	char reason[HA_REASON_MAX];
};

/* Counters of one VRRP instance, after the VRRPv3 MIB (RFC 6527). */
struct ha_vrrp_stats {
	uint64_t master_transitions;
	uint64_t adverts_sent, adverts_rcvd;
	uint64_t pri_zero_sent, pri_zero_rcvd;
	uint64_t ttl_errors, interval_errors, checksum_errors, length_errors, version_errors,
		type_errors, vrid_errors, address_list_errors;
};

struct ha_instance_status {
	char name[HA_NAME_MAX]; /* "vrid51-ipv4" */
	uint8_t vrid, family;
	char link_pair[CFG_NAME_MAX];
	enum cfg_side side;
	enum ha_role state;
	uint8_t priority;           /* configured */
	uint8_t effective_priority; /* what it advertises now: 0 when held down */
	unsigned int advert_interval_ms, master_advert_interval_ms;
	bool preempt, accept;
	char hold[16];                   /* "none", "no-preempt", "down" */
	char master[64];                 /* master's address as last seen, "" unknown */
	char last_reason[HA_REASON_MAX]; /* why it last became master or left it */
	unsigned int n_vips;
	char vips[CFG_MAX_VIPS][64];
	struct ha_vrrp_stats stats;
};

struct ha_peer_status {
	char id[CFG_ID_MAX];
	char address[64];
	bool healthy, heard;      /* heard: at least one heartbeat so far */
	int64_t last_rx_ms;       /* ms since the last heartbeat, -1 never */
	uint64_t rx, misses, bad; /* heartbeats received, checks missed, refused */
	bool says_primary, says_bypass, says_maintenance, says_links_down;
	char master_of[128]; /* "51/ipv4 52/ipv6" as the peer reports */
};

struct ha_status {
	bool enabled; /* an ha block */
	enum cfg_ha_mode mode;
	bool primary;
	enum ha_role role; /* master when master of any instance */
	bool maintenance;
	bool simulation_allowed;
	char simulating[64]; /* drills in progress, "" none */
	struct {
		unsigned int healthy, total, min_active;
		bool below_min;
		bool up[CFG_MAX_LINK_PAIRS]; /* both ends up */
	} links;
	struct {
		bool enabled, low;
		uint64_t bps, min_bps;
		unsigned int interval_s;
	} bandwidth;
	struct {
		unsigned int count, max, window_s;
		bool latched; /* flapping stopped: bypass engaged (primary) or held */
	} flaps;
	uint64_t hb_sent, hb_send_errors;
	uint64_t hb_refused;         /* datagrams on the HA port that no configured peer's
	                              * valid heartbeat explains (a peer's own refusals
	                              * count in its "refused") */
	struct {                     /* the HA thread kept from running (ha_coord.c: clock_now()) */
		uint64_t count;      /* gaps of its loop longer than 50 ms */
		uint64_t longest_ms; /* the longest gap */
		uint64_t discounted_ms; /* time its timers did not count */
	} stalls;
	unsigned int n_instances;
	struct ha_instance_status inst[HA_MAX_INSTANCES];
	unsigned int n_peers;
	struct ha_peer_status peers[CFG_MAX_HA_PEERS];
	uint64_t notify_runs, notify_failures, notify_skipped;
	struct { /* what the node answered for itself */
		uint64_t arp_replies, na_replies, echo_replies; /* for owned addresses */
		uint64_t arp_requests, ns_requests;             /* l3 next hops asked for */
		uint64_t announcements; /* gratuitous ARP and unsolicited NA */
		uint64_t learned;       /* l3 neighbours learned or refreshed */
		uint64_t malformed;     /* frames the codecs refused */
		uint64_t ignored;       /* not ours, wrong port or MAC, echo refused */
		uint64_t conflicts;     /* another MAC claims an owned address */
		uint64_t rate_limited;  /* next-hop requests held back */
		uint64_t tx_errors;
	} local;
};

struct ha_coord;

/* Does @cfg need a coordinator (an ha block or an l3 link pair)? */
bool
ha_needed(const struct cfg_node *cfg);

/*
 * Set up the coordinator for @cfg over the running dataplane @dp: the UDP peer socket, the
 * VRRP instances (in Initialize). @hooks is copied.
 * @return the coordinator, or NULL with errno set and a sentence in @err.
 */
struct ha_coord *
ha_coord_create(const struct cfg_node *cfg, struct dp *dp, const struct ha_hooks *hooks, char *err,
                size_t errlen);

/* Start the HA thread: the instances start up. @return 0 or -errno. */
int
ha_coord_start(struct ha_coord *c);

/* Leave cleanly: masters send priority-0 adverts so backups take over after Skew_Time; the
 * thread is joined. Idempotent. */
void
ha_coord_stop(struct ha_coord *c);

/* Stop if needed and free. Accepts NULL. */
void
ha_coord_destroy(struct ha_coord *c);

/* A snapshot of the whole state, consistent as of the HA thread's last loop. */
void
ha_coord_status(struct ha_coord *c, struct ha_status *st);

/* The last state changes, oldest first, at most @max. @return how many. */
unsigned int
ha_coord_history(struct ha_coord *c, struct ha_event *ev, unsigned int max);

/*
 * Maintenance: @on gives up master gracefully (priority-0 advert) and holds every instance
 * down; off lets them run again. @return 0, or -EALREADY when already in that state.
 */
int
ha_coord_maintenance(struct ha_coord *c, bool on);

/*
 * Failover drills: "peer-loss" (peer heartbeats ignored for @seconds), "link-down" (link pairs
 * counted down for @seconds), "low-bandwidth" (the bandwidth monitor trips now), "flap" (one
 * forced master<->backup transition). @return 0, -EPERM (ha.allow_simulation is false),
 * -EINVAL (unknown drill), -EBUSY (flapping is latched).
 */
int
ha_coord_simulate(struct ha_coord *c, const char *what, unsigned int seconds);

/*
 * The node's bypass changed (any thread): @dp_uninspected and @dp_drop tell the workers to
 * forward every link pair uninspected or drop on every link pair (driver none, which has no
 * device to do it), on top of what HA publishes; @hold_down holds every VRRP instance down
 * (the wire is disconnected, so this node must not be master).
 */
void
ha_coord_bypass_view(struct ha_coord *c, bool dp_uninspected, bool dp_drop, bool hold_down);

/* Flapping was latched into bypass: the operator cleared the bypass, or it re-armed. Reset
 * the flap window and let the instances run again. */
void
ha_coord_flaps_clear(struct ha_coord *c);

#endif /* RAMPART_HA_H */
