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

/*
 * The state machine (RFC 9568 6.4).
 */
enum ha_vrrp_state {
	HA_VRRP_INIT = 0, /* Initialize: not started, or shut down */
	HA_VRRP_BACKUP,
	HA_VRRP_MASTER,
};

/* "init", "backup", "master"; "unknown" for anything else. */
const char *
ha_vrrp_state_name(enum ha_vrrp_state state);

/* Why the state changed. The coordinator passes its own for hold/takeover/resign. */
enum ha_vrrp_reason {
	HA_VRRP_R_NONE = 0,
	HA_VRRP_R_STARTUP,         /* init -> backup */
	HA_VRRP_R_STARTUP_OWNER,   /* init -> master: priority 255 */
	HA_VRRP_R_MASTER_DOWN,     /* backup -> master: Master_Down_Timer, no master heard */
	HA_VRRP_R_PRIORITY_ZERO,   /* backup -> master: the master left (priority 0) */
	HA_VRRP_R_PREEMPT,         /* backup -> master over a lower priority master */
	HA_VRRP_R_HIGHER_PRIORITY, /* master -> backup: an advert with a higher priority */
	HA_VRRP_R_HIGHER_ADDRESS,  /* master -> backup: equal priority, higher source address */
	HA_VRRP_R_SHUTDOWN,        /* -> init */
	HA_VRRP_R_HELD_DOWN,       /* master -> backup: a hold of level DOWN */
	HA_VRRP_R_RELEASED,        /* backup -> master: an owner whose hold ended */
	HA_VRRP_R_LINKS_DOWN,      /* coordinator: fewer link pairs up than min_active_links */
	HA_VRRP_R_MAINTENANCE,     /* coordinator: `ha maintenance on` */
	HA_VRRP_R_LOW_BANDWIDTH,   /* coordinator: bandwidth monitor */
	HA_VRRP_R_TAKEOVER,        /* coordinator: a takeover without a more precise reason */
	HA_VRRP_R_FAST_FAILOVER,   /* coordinator: peer checks say the master's node is dead */
	HA_VRRP_R_RESIGN,          /* coordinator: a resign without a more precise reason */
	HA_VRRP_R_SIMULATE,        /* coordinator: `ha simulate` */
	HA_VRRP_R_MAX_FLAPS,       /* coordinator: flapping latched (primary holds master) */
	HA_VRRP_R_DISCONNECTED,    /* coordinator: the node's bypass disconnected its wire */
	HA_VRRP_R_MAX,
};

/* "startup-owner", "master-down", ... (the CLI and notify vocabulary); "unknown" otherwise. */
const char *
ha_vrrp_reason_name(enum ha_vrrp_reason reason);

/* A hold the coordinator puts on an instance (link monitor, maintenance, bandwidth). */
enum ha_vrrp_hold {
	HA_VRRP_HOLD_NONE = 0,
	HA_VRRP_HOLD_NO_PREEMPT, /* may become master when the master is gone, never preempts */
	HA_VRRP_HOLD_DOWN,       /* never master: a master sends priority 0 and becomes backup */
};

/* "none", "no-preempt", "down"; "unknown" otherwise. */
const char *
ha_vrrp_hold_name(enum ha_vrrp_hold hold);

struct ha_vrrp_conf {
	uint8_t vrid;              /* 1..255 */
	uint8_t priority;          /* 1..255, 255 = address owner */
	uint16_t advert_interval;  /* Advertisement_Interval, centiseconds, 1..4095 */
	bool preempt;              /* Preempt_Mode (an owner always preempts) */
	uint64_t preempt_delay_ns; /* a lower priority master is preempted no sooner than this
	                            * after it was first heard; 0 = RFC behaviour */
	bool accept;               /* Accept_Mode: not used by the machine, kept for the
	                            * coordinator so one struct describes the instance */
	uint8_t family;            /* 4 or 6 */
	uint8_t addr[16];          /* our primary address on the link: the advert source and
	                            * the tie-break (RFC 9568 6.4.3); IPv6: link-local */
	uint64_t garp_refresh_ns;  /* announce the VIPs again this often while master; 0 = off */
	unsigned int n_vips;       /* 1..HA_VRRP_MAX_VIPS */
	uint8_t vips[HA_VRRP_MAX_VIPS][16];
};

/* What the coordinator must do after a step. Every step fills all of it. */
struct ha_vrrp_actions {
	bool send_advert;        /* send one advertisement now ... */
	uint8_t advert_priority; /* ... with this priority: the configured one, or 0 */
	bool announce;           /* gratuitous ARP / unsolicited NA for every VIP */
	bool state_changed;
	enum ha_vrrp_state old_state;
	enum ha_vrrp_state new_state;
	enum ha_vrrp_reason reason;
};

/* Counters after the VRRPv3 MIB (RFC 6527); they only grow. */
struct ha_vrrp_counters {
	uint64_t master_transitions;            /* vrrpv3StatisticsMasterTransitions */
	enum ha_vrrp_reason last_master_reason; /* vrrpv3StatisticsNewMasterReason, finer */
	uint64_t adverts_sent;                  /* every advertisement asked for, priority 0 too */
	uint64_t adverts_rcvd;                  /* vrrpv3StatisticsRcvdAdvertisements */
	uint64_t prio0_sent;                    /* vrrpv3StatisticsSentPriZeroPackets */
	uint64_t prio0_rcvd;                    /* vrrpv3StatisticsRcvdPriZeroPackets */
	uint64_t ttl_errors;                    /* vrrpv3StatisticsIpTtlErrors */
	uint64_t interval_errors;               /* vrrpv3StatisticsAdvIntervalErrors: zero, or not
	                                         * the configured interval (counted, not dropped) */
	uint64_t checksum_errors;               /* vrrpv3RouterChecksumErrors */
	uint64_t version_errors;                /* vrrpv3RouterVersionErrors */
	uint64_t vrid_errors;                   /* vrrpv3RouterVrIdErrors */
	uint64_t type_errors;                   /* vrrpv3StatisticsRcvdInvalidTypePackets */
	uint64_t length_errors;                 /* vrrpv3StatisticsPacketLengthErrors */
	uint64_t addr_list_errors;              /* vrrpv3StatisticsAddressListErrors */
	uint64_t other_errors;                  /* not a multicast VRRP datagram at all */
};

/*
 * One virtual router. All fields belong to the thread that runs the instance (the HA
 * coordinator, [H]); read them through the functions below.
 */
struct ha_vrrp {
	struct ha_vrrp_conf conf;
	enum ha_vrrp_state state;
	enum ha_vrrp_hold hold;
	uint16_t master_adver_int; /* Master_Adver_Interval, centiseconds (RFC 9568 6.1) */
	uint64_t down_at;          /* backup: Master_Down_Timer deadline, UINT64_MAX = none */
	uint64_t adver_at;         /* master: Adver_Timer deadline */
	uint64_t garp_at;          /* master: next announce refresh, UINT64_MAX = none */
	bool prio0_pending;        /* backup: down_at was set to Skew_Time by a priority 0 */
	bool lower_seen;           /* backup: a lower priority master is heard, its adverts
	                            * discarded to preempt it (RFC 9568 6.4.2) */
	uint64_t lower_since;      /* ... since this time (for the preempt delay) */
	uint64_t lower_last;       /* ... last heard at this time */
	uint16_t lower_int;        /* ... advertising this interval (centiseconds) */
	bool master_known;
	uint8_t master_addr[16];
	uint8_t master_prio;
	uint64_t master_last; /* backup: when the master's last advert arrived */
	struct ha_vrrp_counters cnt;
};

/* Snapshot of an instance for status views. */
struct ha_vrrp_status {
	enum ha_vrrp_state state;
	enum ha_vrrp_hold hold;
	uint8_t priority;           /* configured */
	uint8_t effective_priority; /* 0 while held down */
	uint16_t advert_interval;   /* configured, centiseconds */
	uint16_t master_adver_int;  /* Master_Adver_Interval, centiseconds */
	bool master_known;          /* a master is known: us, or a backup hears one */
	uint8_t master_addr[16];
	uint8_t master_priority;
	uint64_t master_last;          /* backup: when its last advert arrived */
	uint64_t skew_time;            /* ns, from our priority and Master_Adver_Interval */
	uint64_t master_down_interval; /* ns */
	uint64_t deadline;             /* ha_vrrp_deadline() */
};

/* Skew_Time of RFC 9568 6.1 in nanoseconds: ((256 - priority) * interval) / 256. */
uint64_t
ha_vrrp_skew_time(uint8_t priority, uint16_t interval_cs);

/* Master_Down_Interval of RFC 9568 6.1 in nanoseconds: 3 * interval + Skew_Time. */
uint64_t
ha_vrrp_master_down_interval(uint8_t priority, uint16_t interval_cs);

/*
 * Set up @vr from @conf (copied) in state INIT with zero counters.
 * @return 0 or -EINVAL (a field out of range).
 */
int
ha_vrrp_init(struct ha_vrrp *vr, const struct ha_vrrp_conf *conf);

/* Startup event (RFC 9568 6.4.1). Only acts in INIT. */
void
ha_vrrp_startup(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act);

/* Shutdown event: a master sends priority 0; any state goes to INIT (6.4.2, 6.4.3). */
void
ha_vrrp_shutdown(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act);

/*
 * An advertisement @adv decoded by ha_vrrp_pkt_decode() for this VRID arrived at @now.
 * Counts it and checks its interval and address list against the configuration (counted,
 * not dropped: RFC 9568 7.1), then runs 6.4.2 / 6.4.3. Our own adverts (source = our
 * address) are ignored.
 * @return 0, -ELOOP (our own advert: ignored), -EINVAL (another VRID or family, NULL).
 */
int
ha_vrrp_recv(struct ha_vrrp *vr, const struct ha_vrrp_advert *adv, uint64_t now,
             struct ha_vrrp_actions *act);

/* Run every timer due at @now (Master_Down_Timer, Adver_Timer, announce refresh). */
void
ha_vrrp_timer(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act);

/*
 * Put a hold on the instance; HA_VRRP_HOLD_NONE lifts it. Entering DOWN, a master sends
 * priority 0 and becomes backup with @reason. Leaving DOWN, a backup listens for a whole
 * Master_Down_Interval again, except an owner with no hold left, which becomes master at once
 * (HA_VRRP_R_RELEASED).
 */
void
ha_vrrp_hold(struct ha_vrrp *vr, enum ha_vrrp_hold level, enum ha_vrrp_reason reason, uint64_t now,
             struct ha_vrrp_actions *act);

/*
 * A backup becomes master at once with @reason (fast failover, simulation).
 * @return 0, -EALREADY (master), -EAGAIN (INIT), -EPERM (held down).
 */
int
ha_vrrp_takeover(struct ha_vrrp *vr, enum ha_vrrp_reason reason, uint64_t now,
                 struct ha_vrrp_actions *act);

/*
 * A master sends priority 0 and becomes backup with @reason, once: it may become master
 * again by the RFC rules (hold NO_PREEMPT first to stop it preempting back).
 * @return 0, -EALREADY (backup), -EAGAIN (INIT).
 */
int
ha_vrrp_resign(struct ha_vrrp *vr, enum ha_vrrp_reason reason, uint64_t now,
               struct ha_vrrp_actions *act);

/*
 * A decode of a frame meant for this instance failed with @err (a ha_vrrp_pkt_decode()
 * return): count it in its class.
 */
void
ha_vrrp_error_count(struct ha_vrrp *vr, int err);

/* The next time ha_vrrp_timer() has something to do, UINT64_MAX for never. */
uint64_t
ha_vrrp_deadline(const struct ha_vrrp *vr);

enum ha_vrrp_state
ha_vrrp_state_get(const struct ha_vrrp *vr);

/* The priority we stand with: the configured one, 0 while held down. */
uint8_t
ha_vrrp_priority_effective(const struct ha_vrrp *vr);

/* The master's address (ours when master) into @addr. @return 0 or -ENOENT (none known). */
int
ha_vrrp_master_get(const struct ha_vrrp *vr, uint8_t addr[16]);

void
ha_vrrp_status_get(const struct ha_vrrp *vr, struct ha_vrrp_status *out);

void
ha_vrrp_counters_get(const struct ha_vrrp *vr, struct ha_vrrp_counters *out);

#endif /* RAMPART_HA_VRRP_H */
