/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart bypass: what keeps the wire working when the node cannot inspect traffic (a crash,
 * a hang, flapping HA, maintenance, start-up before the node is ready).
 *
 * Three layers, each usable alone:
 *
 *   drivers   one interface (struct byp_driver_ops: probe, arm, engage, disconnect,
 *             release, status, heartbeat) over the device that wires upstream to protected:
 *             the XDP software bypass (a BPF program with an in-kernel watchdog), a bypass
 *             adapter driven through sysfs/GPIO files, "none" (nothing to drive) and a
 *             recording driver for tests. The ixgbe bypass API sits behind a meson option.
 *   latch     the pure decision logic (struct byp_latch): which reasons hold the wire in
 *             bypass, when it may go inline again (ready, operator clear, automatic re-arm
 *             after health has been stable), and the history of every change. A function of
 *             (state, event, now) with an injected clock; no I/O.
 *   manager   struct byp: one latch and one driver behind a mutex, the heartbeat thread
 *             ("rp-byp-hb") that feeds the driver's watchdog only while the caller's `alive`
 *             callback says every worker and the control thread make progress, and the
 *             public calls of the rest of rampartd (engage, clear, ready, tick, status).
 *
 * Threads: the manager's calls may come from the control thread and from the HA coordinator;
 * they serialise on the manager's mutex and never block for long (a driver operation is a
 * store into a mapped BPF map or one short write to a sysfs file). The heartbeat thread takes
 * no lock. Nothing here logs: calls return -errno, with a sentence where one is useful, and
 * the caller logs once. This module does not include dataplane headers: liveness reaches it
 * through the `alive` callback.
 */
#ifndef RAMPART_BYP_H
#define RAMPART_BYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

enum byp_state {
	BYP_STATE_INLINE = 0, /* traffic goes through the dataplane */
	BYP_STATE_BYPASS,     /* upstream wired straight to protected */
	BYP_STATE_DISCONNECT, /* both sides dropped (fail-closed) */
};

/* "inline", "bypass" or "disconnect"; "unknown" for anything else. */
const char *
byp_state_name(enum byp_state state);

/* Why the wire left inline. */
enum byp_reason {
	BYP_REASON_NONE = 0,
	BYP_REASON_WATCHDOG,     /* "watchdog": the device's watchdog expired (no heartbeat) */
	BYP_REASON_MAX_FLAPS,    /* "max-flaps": HA flapped more than ha.max_flaps */
	BYP_REASON_OPERATOR,     /* "operator": rampartctl bypass engage|disconnect */
	BYP_REASON_START_UP,     /* "start-up": on_start = bypass, until the node is ready */
	BYP_REASON_LINK_FAILURE, /* "link-failure": too few link pairs up (on_link_failure) */
	BYP_REASON_STOP,         /* "stop": a clean stop applied on_stop */
	BYP_REASON__MAX,
};

/* "watchdog", "max-flaps", ...; "none" for BYP_REASON_NONE, "unknown" out of range. */
const char *
byp_reason_name(enum byp_reason reason);

/* The reason named @name, or -EINVAL. */
int
byp_reason_parse(const char *name);

/* ------------------------------------------------------------------------------------------
 * Drivers
 */

/* What a driver reports about its device. */
struct byp_drv_status {
	enum byp_state state;      /* what the device does now */
	bool by_watchdog;          /* it is in bypass because its own watchdog expired */
	uint64_t expiries;         /* watchdog expiries the device counted (0 when it cannot) */
	uint64_t latched_ns;       /* CLOCK_MONOTONIC of the last expiry; 0 when unknown */
	uint64_t heartbeat_ns;     /* the last heartbeat the device holds; 0 when unknown */
	bool has_counters;         /* the packet counters below mean something */
	uint64_t passed;           /* inline: frames handed to the dataplane */
	uint64_t bypassed_in;      /* bypass: upstream -> protected */
	uint64_t bypassed_out;     /* bypass: protected -> upstream */
	uint64_t disconnect_drops; /* disconnect: frames dropped */
	uint64_t errors;           /* frames the device could not wire across */
	char detail[160];          /* one line for operators: what is driven, what was found */
};

struct byp_driver;

/*
 * A driver. Every call but heartbeat comes from the manager under its mutex; heartbeat comes
 * from the heartbeat thread alone, must never block, and must be safe against the others
 * (a store into memory the device reads, or one non-blocking write).
 */
struct byp_driver_ops {
	const char *name; /* "xdp", "sysfs", "none", "recording", "ixgbe" */
	/* Find and take the device, leaving what it does unchanged where it already runs
	 * (after a restart) and in bypass where it is new. @return 0 or -errno and a
	 * sentence in @err. */
	int (*probe)(struct byp_driver *drv, char *err, size_t errlen);
	/* Inline: traffic through the dataplane. Feeds the watchdog first (@now_ns). */
	int (*arm)(struct byp_driver *drv, uint64_t now_ns);
	int (*engage)(struct byp_driver *drv);
	int (*disconnect)(struct byp_driver *drv);
	int (*status)(struct byp_driver *drv, struct byp_drv_status *st);
	/* Optional: what the device's own watchdog must do when it fires, BYP_STATE_BYPASS or
	 * BYP_STATE_DISCONNECT (byp_failsafe_set()). May come before probe, which then applies
	 * it. NULL: the device only knows bypass, and disconnect is refused. @return 0,
	 * -EOPNOTSUPP (the device cannot disconnect) or -errno. */
	int (*failsafe)(struct byp_driver *drv, enum byp_state state);
	void (*heartbeat)(struct byp_driver *drv, uint64_t now_ns);
	/* Let the device go as it is (it keeps bypassing or disconnecting after the process
	 * is gone) and free the driver. Accepts a driver whose probe failed or never ran. */
	void (*release)(struct byp_driver *drv);
};

/* Every driver's own structure starts with this. */
struct byp_driver {
	const struct byp_driver_ops *ops;
};

/* Release @drv (NULL is accepted). */
void
byp_driver_release(struct byp_driver *drv);

/* "none": nothing to drive. The manager still keeps the state, and the dataplane is told
 * (through the manager's change callback) to forward uninspected while in bypass. */
struct byp_driver *
byp_drv_none_create(void);

/*
 * The recording driver, for tests: every call is recorded with the time of an injected
 * clock, and the device's state can be forced (a watchdog expiry) or made to fail.
 */
enum byp_rec_op {
	BYP_REC_PROBE = 0,
	BYP_REC_ARM,
	BYP_REC_ENGAGE,
	BYP_REC_DISCONNECT,
	BYP_REC_STATUS,
	BYP_REC_HEARTBEAT,
	BYP_REC_RELEASE,
	BYP_REC_FAILSAFE,
	BYP_REC__MAX,
};

struct byp_rec_call {
	enum byp_rec_op op;
	uint64_t at_ns;
};

#define BYP_REC_MAX_CALLS 256 /* calls kept; heartbeats are counted, not kept */

struct byp_rec_log {
	unsigned int n_calls; /* calls kept, at most BYP_REC_MAX_CALLS */
	struct byp_rec_call calls[BYP_REC_MAX_CALLS];
	uint64_t count[BYP_REC__MAX]; /* every call, heartbeats included */
	uint64_t last_heartbeat_ns;
	enum byp_state state;    /* what the pretend device does */
	enum byp_state failsafe; /* where its watchdog goes: bypass when inline (zeroed) */
	bool released;
};

/*
 * A recording driver that reads @clock(@clock_arg) for its timestamps and writes its log to
 * @log (owned by the caller, which reads it while the driver lives and after release).
 * @log->state is what the pretend device does before the first call (inline when zeroed).
 */
struct byp_driver *
byp_drv_rec_create(struct byp_rec_log *log, uint64_t (*clock)(void *arg), void *clock_arg);

/* Make the next calls of @op fail with @err (0 to succeed again). */
void
byp_drv_rec_fail(struct byp_driver *drv, enum byp_rec_op op, int err);

/* The pretend device's watchdog expires at @at_ns: it goes to its fail-safe state (bypass
 * unless told disconnect) by itself. */
void
byp_drv_rec_fire(struct byp_driver *drv, uint64_t at_ns);

/*
 * The sysfs/GPIO driver: a bypass adapter's relay, optional disconnect switch and optional
 * watchdog kick, as files named by @cfg->sysfs. Files are opened O_WRONLY | O_TRUNC |
 * O_NONBLOCK, so a FIFO without a reader fails rather than blocks. The device state is read
 * back from the same files (a value equal to bypass_on means bypass).
 * @return the driver, or NULL with errno set.
 */
struct byp_driver *
byp_drv_sysfs_create(const struct cfg_bypass *cfg);

#define BYP_IFNAME_MAX 16 /* IFNAMSIZ */

/* Where the XDP program goes: the kernel interfaces of each link pair. */
struct byp_xdp_conf {
	char pin_dir[CFG_PATH_MAX * 2 + CFG_ID_MAX + 2]; /* pin_path/<node id> */
	uint64_t watchdog_ns;                            /* 0: no watchdog */
	unsigned int n_pairs;
	struct {
		char upstream[BYP_IFNAME_MAX]; /* kernel interface names */
		char protected[BYP_IFNAME_MAX];
	} pairs[CFG_MAX_LINK_PAIRS];
};

/*
 * The XDP software bypass driver (needs root, a bpffs at pin_dir's parent and native XDP on
 * every interface). Probe loads the program, reuses the maps pinned by an earlier run (so the
 * state it left, bypass after a crash, carries over), attaches natively to every interface,
 * replacing only a program of its own, and pins program and maps under pin_dir.
 * @return the driver, or NULL with errno set.
 */
struct byp_driver *
byp_drv_xdp_create(const struct byp_xdp_conf *conf);

/*
 * The ixgbe bypass driver (byp_drv_ixgbe.c, in its own library byp_ixgbe_dep, built with the
 * meson option ixgbe_bypass where rte_pmd_ixgbe.h exists): a bypass adapter driven through
 * the ixgbe PMD's rte_pmd_ixgbe_bypass_*(). Each link pair is the two ports of one adapter,
 * whose relay wires them together; the adapter's bypass controller answers on one of the two
 * (its first PCI function), which probe finds. The adapter's watchdog counts in steps of 1.5
 * to 32 s, so watchdog_ms is rounded up to one.
 */
#define BYP_IXGBE_MAX_PAIRS CFG_MAX_LINK_PAIRS

struct byp_ixgbe_conf {
	unsigned int watchdog_ms; /* 0: the adapter's watchdog off */
	unsigned int n_pairs;
	struct {
		char name[CFG_NAME_MAX]; /* the link pair's, for messages */
		uint16_t ports[2];       /* DPDK port ids of its upstream and protected ports */
	} pairs[BYP_IXGBE_MAX_PAIRS];
};

struct byp_driver *
byp_drv_ixgbe_create(const struct byp_ixgbe_conf *conf);

/* The adapter's watchdog step (RTE_PMD_IXGBE_BYPASS_TMT_*) for @watchdog_ms: the shortest at
 * least as long; 0 (off) for 0; -ERANGE above 32 s. */
int
byp_ixgbe_timeout(unsigned int watchdog_ms);

/* The length of step @tmt in ms (0 for off or out of range). */
unsigned int
byp_ixgbe_timeout_ms(int tmt);

/*
 * Check a state record read from a pinned map: @len bytes at @buf. Pure.
 * @return 0 when it is a Rampart record of this layout, -ENODATA when it was never
 *         initialised (all zero magic), -EPROTO for another layout or magic, -EINVAL when
 *         too short.
 */
int
byp_xdp_state_check(const void *buf, size_t len);

/*
 * Read back a sysfs value: @text (@len bytes, not NUL-terminated) compared with @value after
 * trailing white space is dropped from both. Pure. @return true when equal.
 */
bool
byp_sysfs_value_is(const char *text, size_t len, const char *value);

/* ------------------------------------------------------------------------------------------
 * Latch: the pure trigger / latch / re-arm logic
 */

#define BYP_HISTORY_MAX 64

/* What happened to the latch. */
enum byp_event_kind {
	BYP_EV_ENGAGE = 0, /* something wants bypass: @reason */
	BYP_EV_DISCONNECT, /* the operator wants both sides dropped */
	BYP_EV_WATCHDOG,   /* the device went to bypass by itself, at @at_ns */
	BYP_EV_READY,      /* the node is ready: start-up bypass ends */
	BYP_EV_CLEAR,      /* the operator clears bypass or disconnect */
	BYP_EV_HEALTH,     /* the node's health is now @healthy */
	BYP_EV_TICK,       /* time passes: automatic re-arm is checked */
	BYP_EV_STOP,       /* a clean stop: on_stop applies and the latch stops moving */
	BYP_EV_FAILSAFE,   /* what leaving inline means is now @failsafe */
	BYP_EV__MAX,
};

/* "engage", "disconnect", "watchdog", "ready", "clear", "health", "auto-rearm", "stop",
 * "failsafe". */
const char *
byp_event_name(enum byp_event_kind kind);

struct byp_event {
	enum byp_event_kind kind;
	enum byp_reason reason;  /* ENGAGE, DISCONNECT */
	bool healthy;            /* HEALTH */
	enum byp_state failsafe; /* FAILSAFE: BYP_STATE_BYPASS or BYP_STATE_DISCONNECT */
	uint64_t at_ns;          /* WATCHDOG: when the device latched; 0: now */
};

/* One change of state, as the history shows it. */
struct byp_record {
	uint64_t at_ns;           /* the latch's clock */
	enum byp_event_kind kind; /* what caused it; TICK means an automatic re-arm */
	enum byp_reason reason;
	enum byp_state from, to;
};

struct byp_latch_conf {
	bool start_in_bypass;    /* on_start = bypass: start with the start-up reason */
	bool rearm_auto;         /* rearm = auto */
	uint64_t rearm_after_ns; /* stable health needed before an automatic re-arm */
	bool stop_disconnect;    /* on_stop = inline-down */
	/* The fail-safe state at start: BYP_STATE_DISCONNECT, or bypass for anything else. */
	enum byp_state failsafe;
};

/* Reasons an automatic re-arm may clear; the others need the operator (or, start-up, ready). */
#define BYP_AUTO_REASONS                                              \
	((1u << BYP_REASON_WATCHDOG) | (1u << BYP_REASON_MAX_FLAPS) | \
	 (1u << BYP_REASON_LINK_FAILURE))

/*
 * The fail-safe state: what the wire does when something other than the operator takes it out
 * of inline (start-up, watchdog, max-flaps, link failure, a clean stop with on_stop = bypass).
 * BYP_STATE_BYPASS by default; BYP_STATE_DISCONNECT on a node whose bypass would make a second
 * path beside another node that forwards (an HA standby, docs/ha.md). The operator's engage
 * always means bypass (byp_operator_engage() refuses it on a disconnect node unless forced).
 */
struct byp_latch {
	struct byp_latch_conf conf;
	enum byp_state state;    /* what the device must do */
	enum byp_state failsafe; /* BYP_STATE_BYPASS or BYP_STATE_DISCONNECT */
	uint32_t reasons;        /* bit (1 << reason) for each reason holding bypass */
	bool disconnected;       /* the operator asked for disconnect */
	bool ready;              /* BYP_EV_READY seen */
	bool stopped;            /* BYP_EV_STOP seen: nothing moves any more */
	bool healthy;
	uint64_t healthy_since_ns; /* last change to healthy */
	uint64_t engaged_ns;       /* last engage, watchdog or disconnect */
	uint64_t since_ns;         /* last change of state */
	enum byp_reason last_reason;
	uint64_t engages[BYP_REASON__MAX]; /* engage and watchdog events, by reason */
	uint64_t rearms;                   /* changes back to inline */
	unsigned int hist_next;            /* where the next record goes */
	unsigned int hist_count;           /* records held, at most BYP_HISTORY_MAX */
	struct byp_record hist[BYP_HISTORY_MAX];
};

/*
 * Start a latch at @now_ns: bypass for start-up when conf->start_in_bypass, else inline. The
 * history starts with @earlier when not NULL: what happened before this latch existed (the
 * device found latched by its watchdog after a restart), which changes nothing else.
 */
void
byp_latch_init(struct byp_latch *l, const struct byp_latch_conf *conf, uint64_t now_ns,
               const struct byp_record *earlier);

/*
 * Feed @ev at @now_ns. *@changed tells whether l->state changed (the device must follow).
 * @return 0; -EBUSY for a CLEAR while the node is unhealthy (nothing changes); -ESHUTDOWN for
 *         anything but HEALTH and TICK after STOP; -EINVAL for an unknown event or reason.
 */
int
byp_latch_step(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed);

/*
 * When the latch would re-arm by itself if health holds, in its clock; 0 when it will not
 * (manual re-arm, a reason that needs the operator, unhealthy, not ready, inline already).
 */
uint64_t
byp_latch_rearm_at(const struct byp_latch *l);

/* The @i-th most recent record (0 is the newest). @return false past the oldest. */
bool
byp_latch_history(const struct byp_latch *l, unsigned int i, struct byp_record *rec);

/* ------------------------------------------------------------------------------------------
 * Manager
 */

struct byp;

/* Monotonic nanoseconds; the default reads CLOCK_MONOTONIC. */
typedef uint64_t (*byp_clock_fn)(void *arg);

/*
 * A manager for @cfg driving @drv (taken over: released by byp_destroy(), also when this
 * fails). @clock may be NULL (CLOCK_MONOTONIC). Nothing touches the device until byp_probe().
 * @return the manager, or NULL with errno set.
 */
struct byp *
byp_create(const struct cfg_bypass *cfg, struct byp_driver *drv, byp_clock_fn clock,
           void *clock_arg);

/*
 * Probe the driver and apply on_start: bypass (start-up, until byp_ready()) or inline. What
 * the device was found doing (bypass latched by a watchdog before a restart) goes into the
 * history. @return 0 or -errno with a sentence in @err.
 */
int
byp_probe(struct byp *b, char *err, size_t errlen);

/*
 * Start the heartbeat thread: every watchdog_ms / 4 it calls @alive(@arg) and feeds the
 * driver only when that returns true. No thread when watchdog_ms is 0.
 * @return 0 or -errno.
 */
int
byp_hb_start(struct byp *b, bool (*alive)(void *arg), void *arg);

/* Stop the heartbeat thread (idempotent): the device's watchdog is no longer fed. */
void
byp_hb_stop(struct byp *b);

/* Feed the driver's watchdog once, now (the heartbeat thread's one step). Never blocks. */
void
byp_heartbeat(struct byp *b);

/* Engage bypass for @reason. @return 0, -ESHUTDOWN after byp_stop(), or the driver's -errno
 * (the latch keeps the request and byp_tick() applies it again). */
int
byp_engage(struct byp *b, enum byp_reason reason);

/*
 * The operator's engage (rampartctl bypass engage): bypass for BYP_REASON_OPERATOR. On a node
 * whose fail-safe state is disconnect it is refused with -EPERM and a sentence in @err unless
 * @force. Otherwise the returns of byp_engage().
 */
int
byp_operator_engage(struct byp *b, bool force, char *err, size_t errlen);

/*
 * Say what a fail-open event does on this node: @state BYP_STATE_BYPASS (the default) or
 * BYP_STATE_DISCONNECT. The device's watchdog is told (before probe too), and a wire held out
 * of inline by a reason other than the operator moves to it at once.
 * @return 0; -EINVAL for another state; -ESHUTDOWN after byp_stop(); -EOPNOTSUPP when the
 *         driver cannot disconnect (nothing changes); the driver's -errno.
 */
int
byp_failsafe_set(struct byp *b, enum byp_state state);

/* The fail-safe state (lock-free; any thread). */
enum byp_state
byp_failsafe_get(const struct byp *b);

/* Disconnect both sides for @reason. Same returns. */
int
byp_disconnect(struct byp *b, enum byp_reason reason);

/*
 * The operator clears bypass or disconnect: inline again if the node is healthy (and ready;
 * before that, only the start-up reason remains). @return 0; -EBUSY with why in @err when the
 * node is not healthy; -ESHUTDOWN; the driver's -errno.
 */
int
byp_clear(struct byp *b, char *err, size_t errlen);

/* The node is ready: the start-up bypass ends (inline unless another reason holds). */
int
byp_ready(struct byp *b);

/* The node's health, with a short reason when unhealthy ("worker 1 makes no progress"). */
void
byp_health_set(struct byp *b, bool healthy, const char *why);

/*
 * Housekeeping from the control thread's timer (every 100 ms): learn that the device's
 * watchdog fired (recorded as a "watchdog" engage with the device's time), re-arm
 * automatically when due, and apply the latch again where a driver call failed.
 */
void
byp_tick(struct byp *b);

/* A clean stop: on_stop (bypass, or disconnect for inline-down), then the latch is frozen.
 * @return 0 or the driver's -errno. */
int
byp_stop(struct byp *b);

/* Stop the heartbeat thread, release the driver (the device stays as it is) and free. NULL
 * is accepted. */
void
byp_destroy(struct byp *b);

/* What the device must do now (lock-free; any thread). */
enum byp_state
byp_state_get(const struct byp *b);

/* Called after every change of state, from the thread that made it, without the lock. */
void
byp_on_change_set(struct byp *b,
                  void (*cb)(void *arg, enum byp_state state, enum byp_reason reason), void *arg);

/* What the heartbeat thread saw of the machine since start. A wake-up later than half the
 * watchdog is a stall (the process was not run); a beat is withheld when a worker or the
 * control thread did not move over a heartbeat period. A watchdog expiry in a live process
 * with neither since the node went inline is no stall of the machine. */
struct byp_hb_stalls {
	uint64_t max_late_ns; /* the longest a wake-up was late */
	uint64_t stalls;      /* wake-ups late by more than half the watchdog */
	uint64_t withheld;    /* steps where `alive` said no */
};

struct byp_status {
	const char *driver;      /* the driver's name */
	enum byp_state state;    /* what the device must do */
	enum byp_state failsafe; /* what a fail-open event does: bypass or disconnect */
	enum byp_reason reason;  /* the last reason that engaged (NONE when never) */
	uint32_t reasons;        /* every reason holding bypass now */
	bool disconnected;
	bool ready;
	bool healthy;
	char health_why[96]; /* why unhealthy, "" when healthy */
	bool stopped;
	uint64_t now_ns;      /* the clock when this was taken */
	uint64_t since_ns;    /* last change of state */
	uint64_t rearm_at_ns; /* automatic re-arm due (0: none) */
	unsigned int watchdog_ms;
	bool rearm_auto;
	unsigned int rearm_after_s;
	uint64_t engages[BYP_REASON__MAX];
	uint64_t rearms;
	/* heartbeat thread */
	bool hb_running;
	bool hb_realtime;        /* it runs SCHED_FIFO */
	uint64_t hb_feeds;       /* heartbeats given to the driver */
	uint64_t hb_last_ns;     /* the last feed */
	struct byp_hb_stalls hb;
	/* driver */
	bool probed;
	bool drv_ok; /* the last status call succeeded */
	struct byp_drv_status drv;
	uint64_t drv_errors;  /* driver calls that failed */
	char last_error[160]; /* the last one, "" when none */
	bool pending;         /* the device does not yet do what the latch says */
};

/* A consistent picture of the manager, the device's status included. */
void
byp_status_get(struct byp *b, struct byp_status *st);

/* What the heartbeat thread saw of the machine (lock-free; any thread). */
void
byp_hb_stalls_get(const struct byp *b, struct byp_hb_stalls *s);

/* The @i-th most recent history record. @return false past the oldest. */
bool
byp_history_get(struct byp *b, unsigned int i, struct byp_record *rec);

#endif /* RAMPART_BYP_H */
