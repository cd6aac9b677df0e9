/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HA coordinator: one thread, one loop, the single owner of every VRRP instance, peer
 * health record, link/bandwidth/flap decision and the node's own traffic.
 *
 * Each pass of the loop:
 *   1. takes the requests other threads posted (maintenance, drills, flap clear);
 *   2. drains the workers' exception rings: VRRP adverts go to their instance, ARP/ND/echo
 *      and unresolved next hops to the local responder;
 *   3. reads the peers' heartbeats from the UDP socket;
 *   4. runs what is due: VRRP timers, heartbeats out, peer health, fast failover, the link,
 *      bandwidth and flap monitors, notify children;
 *   5. publishes what changed to the workers (dp_ha_set) and a status snapshot for readers;
 *   6. sleeps in ppoll() on the socket until the next deadline, at most 1 ms: the exception
 *      rings have no file descriptor, so they are polled.
 *
 * The pure parts (VRRP state machine and codec, health decisions, heartbeat codec, ARP/ND
 * responder) live beside this file and are unit-tested on their own; this file is the glue
 * and does the I/O.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "ha.h"
#include "ha_health.h"
#include "ha_local.h"
#include "ha_notify.h"
#include "ha_peer.h"
#include "ha_pkt.h"
#include "ha_vrrp.h"

#define POLL_MAX_NS (1 * HA_NS_PER_MS) /* the exception rings are polled this often */
#define EXC_BURST 32
#define FRAME_MAX 1600
#define SNAPSHOT_NS (50 * HA_NS_PER_MS)
#define GARP_REFRESH_NS (10 * HA_NS_PER_S) /* gratuitous ARP/NA while master */
#define BANDWIDTH_SAMPLE_NS (100 * HA_NS_PER_MS)
#define NOTIFY_TIMEOUT_NS (60 * HA_NS_PER_S) /* a notify script running longer is killed */
#define STALL_NS (50 * HA_NS_PER_MS)         /* a longer gap of the loop counts only this much */
#define STALL_LOG_NS (100 * HA_NS_PER_MS)    /* a gap this long is logged */

/* Requests from other threads, taken by the HA thread at the top of its loop. */
enum {
	REQ_MAINT_ON = 1u << 0,
	REQ_MAINT_OFF = 1u << 1,
	REQ_SIM_PEER_LOSS = 1u << 2,
	REQ_SIM_LINK_DOWN = 1u << 3,
	REQ_SIM_LOW_BW = 1u << 4,
	REQ_SIM_FLAP = 1u << 5,
	REQ_FLAPS_CLEAR = 1u << 6,
	REQ_BYPASS_VIEW = 1u << 7,
};

/* One VRRP instance and what the coordinator keeps beside its state machine. */
struct vr {
	const struct cfg_vrrp *cfg; /* an instance with both families makes two vr */
	uint8_t family;             /* 4 or 6 */
	unsigned int n_vips;
	struct cfg_ifaddr vips[CFG_MAX_VIPS]; /* cfg's VIPs of this family */
	char name[HA_NAME_MAX];
	unsigned int pidx; /* the port it advertises on */
	unsigned int pair;
	struct ha_vrrp m; /* the RFC state machine */
	uint8_t src[16];  /* advert source address */
	uint8_t vmac[HA_MAC_LEN];
	enum ha_vrrp_hold hold; /* what the machine was last told */
	char last_reason[HA_REASON_MAX];
	uint64_t last_advert; /* last advert from another router, or entry to Backup */
	bool forced_master;   /* flapping latched on the primary: adverts ignored */
	bool was_master;      /* has been master since start-up */
};

struct peer {
	const struct cfg_ha_peer *cfg;
	struct sockaddr_storage sa;
	socklen_t salen;
	struct ha_peer_health h;
	struct ha_peer_msg last; /* the last heartbeat accepted */
	bool have_last;
	uint64_t bad;
};

struct ha_coord {
	const struct cfg_node *cfg; /* [R] */
	struct dp *dp;              /* [R] */
	struct ha_hooks hooks;      /* [R] */
	pthread_t thread;
	bool running; /* [C] the thread was started */
	bool stop;    /* [a] */

	/* Everything below is owned by the HA thread, except where marked. */
	int sock; /* UDP peer socket, -1 without an ha block */
	unsigned int n_vr;
	struct vr vr[HA_MAX_INSTANCES];
	unsigned int n_peers;
	struct peer peers[CFG_MAX_HA_PEERS];
	struct ha_local *local;
	struct ha_notify notify;
	struct ha_flaps flaps;
	struct ha_links links;
	struct ha_bw bw;
	bool pair_up[CFG_MAX_LINK_PAIRS];
	bool links_seen_up; /* the minimum has been met once since start-up */
	uint64_t next_link_check, next_hb, next_bw, next_snapshot;
	uint32_t hb_seq;
	uint64_t hb_sent, hb_send_errors;
	uint64_t hb_refused; /* datagrams on the HA port no peer's heartbeat */
	bool maintenance;
	bool bw_hold; /* gave up master for low bandwidth: no preempt */
	bool flaps_latched;
	bool saw_peer_bypass; /* secondary: the primary reported bypass while latched */
	uint64_t sim_peer_loss_until, sim_link_down_until;
	bool conf_dirty;
	struct dp_ha_conf conf;
	uint64_t vrid_errors;
	uint64_t clock_mono;           /* CLOCK_MONOTONIC at the clock's last reading */
	uint64_t clock_lost;           /* stall time the clock did not count */
	uint64_t stalls, stall_max_ns; /* gaps longer than STALL_NS, the longest */

	pthread_mutex_t req_lock; /* guards the three fields below */
	unsigned int req;         /* [req_lock] REQ_* bits */
	unsigned int req_seconds; /* [req_lock] duration of the drill asked for */
	bool req_maintenance;     /* [req_lock] what maintenance will be */
	bool req_byp_uninspected, req_byp_drop, req_byp_hold; /* [req_lock] bypass view */
	bool byp_uninspected, byp_drop; /* driver none: the dataplane bypasses or drops */
	bool byp_hold;                  /* the node's wire is disconnected: hold down */
	int failsafe_sent;              /* -1 never, else 1 disconnect / 0 bypass */

	pthread_mutex_t st_lock;              /* guards the snapshot and the history */
	struct ha_status st;                  /* [st_lock] */
	struct ha_event hist[HA_HISTORY_MAX]; /* [st_lock] ring */
	unsigned int hist_head, hist_n;       /* [st_lock] */
};

static enum ha_vrrp_csum
vr_csum(const struct vr *v);

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * HA_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void
logf_(struct ha_coord *c, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The coordinator's clock: CLOCK_MONOTONIC less the time this thread was kept from running.
 * Its decisions weigh silence (no advert for Master_Down_Interval, no heartbeat for
 * failure_threshold intervals), and silence is evidence only while the thread listens. When
 * the whole machine pauses (a virtual machine descheduled by its host, a host thrashing), the
 * peer sent nothing because it did not run either, and on waking every timer here would
 * expire before the peer's next advert could arrive: a takeover, then a flap, for nothing. So
 * a gap between two readings longer than STALL_NS counts as STALL_NS. Real silence still
 * ends in a takeover, later by the stall, during which this node could not act anyway. A
 * pause of this thread alone needs no such care (what arrived meanwhile waits in the rings
 * and the socket, and each pass reads them before it looks at a timer); STALL_NS sits above
 * the gaps that ordinary contention for the CPUs makes (up to 30 ms seen on two shared
 * cores), so that it never slows a failover that the machine's load merely delays.
 * Notify scripts keep the real clock (their timeout is the operator's).
 */
static uint64_t
clock_now(struct ha_coord *c)
{
	uint64_t mono = now_ns(), gap = mono - c->clock_mono;

	if (gap > STALL_NS) {
		c->clock_lost += gap - STALL_NS;
		c->stalls++;
		if (gap > c->stall_max_ns)
			c->stall_max_ns = gap;
		if (gap >= STALL_LOG_NS)
			logf_(c, RTE_LOG_WARNING,
			      "ha: the HA thread did not run for %" PRIu64
			      " ms; that time is not held against masters and peers",
			      gap / HA_NS_PER_MS);
	}
	c->clock_mono = mono;
	return mono - c->clock_lost;
}

static void
logf_(struct ha_coord *c, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->hooks.log(c->hooks.arg, level, msg);
}

static const char *
addr_str(uint8_t family, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static enum ha_role
role_of(enum ha_vrrp_state s)
{
	switch (s) {
	case HA_VRRP_MASTER:
		return HA_ROLE_MASTER;
	case HA_VRRP_BACKUP:
		return HA_ROLE_BACKUP;
	default:
		return HA_ROLE_INIT;
	}
}

static void
history_add(struct ha_coord *c, const char *instance, const char *from, const char *to,
            const char *reason)
{
	struct ha_event *e;

	pthread_mutex_lock(&c->st_lock);
	e = &c->hist[(c->hist_head + c->hist_n) % HA_HISTORY_MAX];
	if (c->hist_n == HA_HISTORY_MAX)
		c->hist_head = (c->hist_head + 1) % HA_HISTORY_MAX;
	else
		c->hist_n++;
	clock_gettime(CLOCK_REALTIME, &e->when);
	snprintf(e->instance, sizeof(e->instance), "%s", instance);
	snprintf(e->old_state, sizeof(e->old_state), "%s", from);
	snprintf(e->new_state, sizeof(e->new_state), "%s", to);
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
	pthread_mutex_unlock(&c->st_lock);
}

/* A node-wide event: history, log and the notify script, with instance "node". */
static void
node_event(struct ha_coord *c, int level, const char *from, const char *to, const char *reason)
{
	history_add(c, "node", from, to, reason);
	logf_(c, level, "ha: node %s -> %s (%s)", from, to, reason);
	ha_notify_run(&c->notify, "node", from, to, reason, now_ns());
}

/* Send @len bytes of @frame out of port @pidx through the control TX queue. */
static int
tx_frame(struct ha_coord *c, unsigned int pidx, const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = dp_ctl_alloc(c->dp);
	char *p;

	if (m == NULL)
		return -ENOBUFS;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -ENOSPC;
	}
	memcpy(p, frame, len);
	return dp_ctl_send(c->dp, pidx, &m, 1) == 1 ? 0 : -ENOBUFS;
}

/* The local responder's emit callback. */
static int
local_emit(void *arg, unsigned int pidx, const uint8_t *frame, size_t len)
{
	return tx_frame(arg, pidx, frame, len);
}

static void
local_learn(void *arg, unsigned int pidx, uint8_t family, const uint8_t *addr, const uint8_t *mac)
{
	struct ha_coord *c = arg;
	struct rte_ether_addr ea;

	memcpy(ea.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	dp_neigh_set(c->dp, pidx, family, addr, &ea);
}

/* A packet that arrived on @pidx leaves by the other port of its link pair. */
static int
local_nexthop(void *arg, unsigned int pidx, uint8_t family, const uint8_t *dst,
              unsigned int *out_pidx, uint8_t nh[16])
{
	struct ha_coord *c = arg;

	for (unsigned int i = 0; i < c->cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &c->cfg->link_pairs[i];

		if (lp->upstream != pidx && lp->protected != pidx)
			continue;
		*out_pidx = lp->upstream == pidx ? lp->protected : lp->upstream;
		return dp_l3_nexthop(c->dp, *out_pidx, family, dst, nh);
	}
	return -ENOENT;
}

/* What the responder must know of each port: l3 or not, its MAC and subnets. */
static int
local_ports_set(struct ha_coord *c)
{
	struct ha_local_port ports[HA_LOCAL_MAX_PORTS];
	unsigned int n =
		c->cfg->n_ports < HA_LOCAL_MAX_PORTS ? c->cfg->n_ports : HA_LOCAL_MAX_PORTS;

	memset(ports, 0, sizeof(ports));
	for (unsigned int i = 0; i < n; i++)
		memcpy(ports[i].mac, dp_port_mac(c->dp, i)->addr_bytes, HA_MAC_LEN);
	for (unsigned int p = 0; p < c->cfg->n_link_pairs; p++) {
		const struct cfg_link_pair *lp = &c->cfg->link_pairs[p];

		if (lp->mode != CFG_PAIR_L3)
			continue;
		for (unsigned int s = 0; s < 2; s++) {
			unsigned int pidx = s == CFG_SIDE_UPSTREAM ? lp->upstream : lp->protected;
			struct ha_local_port *hp = &ports[pidx];

			hp->l3 = true;
			for (unsigned int k = 0;
			     k < lp->side[s].n_addrs && k < HA_LOCAL_MAX_SUBNETS; k++) {
				hp->subnets[k].family = lp->side[s].addrs[k].family;
				hp->subnets[k].len = lp->side[s].addrs[k].len;
				memcpy(hp->subnets[k].addr, lp->side[s].addrs[k].addr, 16);
				hp->n_subnets++;
			}
		}
	}
	return ha_local_ports_set(c->local, ports, n);
}

static void
vr_send_advert(struct ha_coord *c, struct vr *v, uint8_t priority)
{
	uint8_t frame[HA_VRRP_FRAME_MAX];
	uint8_t addrs[HA_VRRP_MAX_VIPS * 16];
	size_t alen = v->family == 4 ? 4 : 16;
	struct ha_vrrp_advert adv = {
		.family = v->family,
		.vrid = v->cfg->vrid,
		.priority = priority,
		.count = (uint8_t)v->n_vips,
		.max_adver_int = (uint16_t)(v->cfg->advert_interval_ms / 10),
		.addrs = addrs,
	};
	int len;

	memcpy(adv.src, v->src, sizeof(adv.src));
	for (unsigned int i = 0; i < v->n_vips; i++)
		memcpy(addrs + i * alen, v->vips[i].addr, alen);
	len = ha_vrrp_pkt_encode(frame, sizeof(frame), &adv, vr_csum(v));
	if (len > 0)
		tx_frame(c, v->pidx, frame, (size_t)len);
}

/* Gratuitous ARP or unsolicited NA for every VIP of @v. */
static void
vr_announce(struct ha_coord *c, struct vr *v)
{
	for (unsigned int i = 0; i < v->n_vips; i++)
		ha_local_announce(c->local, v->pidx, v->family, v->vips[i].addr, v->vmac);
}

static bool
any_master(const struct ha_coord *c)
{
	for (unsigned int i = 0; i < c->n_vr; i++)
		if (ha_vrrp_state_get(&c->vr[i].m) == HA_VRRP_MASTER)
			return true;
	return false;
}

static void
flaps_check(struct ha_coord *c, uint64_t now);

static enum ha_vrrp_csum
vr_csum(const struct vr *v)
{
	return v->cfg->checksum == CFG_VRRP_CSUM_V2_COMPAT ? HA_VRRP_CSUM_V2_COMPAT
	                                                   : HA_VRRP_CSUM_RFC;
}

/* Carry out what a step of @v's state machine asked for. */
static void
vr_apply(struct ha_coord *c, struct vr *v, const struct ha_vrrp_actions *a, uint64_t now)
{
	if (a->send_advert)
		vr_send_advert(c, v, a->advert_priority);
	if (a->announce)
		vr_announce(c, v);
	if (!a->state_changed)
		return;

	const char *from = ha_vrrp_state_name(a->old_state);
	const char *to = ha_vrrp_state_name(a->new_state);
	const char *why = ha_vrrp_reason_name(a->reason);

	snprintf(v->last_reason, sizeof(v->last_reason), "%s", why);
	c->conf_dirty = true;
	if (a->new_state == HA_VRRP_BACKUP)
		v->last_advert = now; /* listening starts now */
	if (a->new_state == HA_VRRP_MASTER)
		c->bw_hold = false;
	history_add(c, v->name, from, to, why);
	logf_(c, a->new_state == HA_VRRP_MASTER ? RTE_LOG_NOTICE : RTE_LOG_WARNING,
	      "ha: %s %s -> %s (%s)", v->name, from, to, why);
	ha_notify_run(&c->notify, v->name, from, to, why, now_ns());
	/* A flap is a master<->backup transition; an instance's first election to master is
	 * not one (a node that starts alone, or a backup that takes over once). */
	if (((a->old_state == HA_VRRP_MASTER && a->new_state == HA_VRRP_BACKUP) ||
	     (a->old_state == HA_VRRP_BACKUP && a->new_state == HA_VRRP_MASTER)) &&
	    v->was_master) {
		ha_flaps_record(&c->flaps, now);
		flaps_check(c, now);
	}
	if (a->new_state == HA_VRRP_MASTER)
		v->was_master = true;
}

/* The hold each instance should be under now, from maintenance, links and flaps. */
static enum ha_vrrp_hold
hold_wanted(const struct ha_coord *c, enum ha_vrrp_reason *why)
{
	if (c->maintenance) {
		*why = HA_VRRP_R_MAINTENANCE;
		return HA_VRRP_HOLD_DOWN;
	}
	if (c->links.below) {
		*why = HA_VRRP_R_LINKS_DOWN;
		return HA_VRRP_HOLD_DOWN;
	}
	if (c->byp_hold) {
		*why = HA_VRRP_R_DISCONNECTED;
		return HA_VRRP_HOLD_DOWN;
	}
	if (c->flaps_latched && !c->cfg->ha.primary) {
		*why = HA_VRRP_R_MAX_FLAPS;
		return HA_VRRP_HOLD_DOWN;
	}
	if (c->bw_hold) {
		*why = HA_VRRP_R_LOW_BANDWIDTH;
		return HA_VRRP_HOLD_NO_PREEMPT;
	}
	*why = HA_VRRP_R_RELEASED;
	return HA_VRRP_HOLD_NONE;
}

static void
holds_apply(struct ha_coord *c, uint64_t now)
{
	enum ha_vrrp_reason why;
	enum ha_vrrp_hold h = hold_wanted(c, &why);

	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *v = &c->vr[i];
		struct ha_vrrp_actions a;

		if (v->hold == h)
			continue;
		v->hold = h;
		ha_vrrp_hold(&v->m, h, why, now, &a);
		vr_apply(c, v, &a, now);
		c->conf_dirty = true;
	}
}

/* A peer that would take over if this node stopped: healthy, and saying nothing that holds
 * it down or takes it out of the path. */
static bool
peer_able(const struct peer *p)
{
	return p->h.state == HA_HEALTH_HEALTHY && p->have_last &&
	       !(p->last.flags & (HA_PEER_F_MAINTENANCE | HA_PEER_F_LINKS_DOWN | HA_PEER_F_BYPASS));
}

/* Tell the bypass what a fail-open event must do now, when that changed. */
static void
failsafe_update(struct ha_coord *c)
{
	const struct cfg_ha *h = &c->cfg->ha;
	struct ha_failsafe_input in = {
		.ha_enabled = h->enabled,
		.active_active = h->mode == CFG_HA_ACTIVE_ACTIVE,
		.elected = true,
		.flaps_primary = c->flaps_latched && h->primary,
	};
	bool pair_has_vr[CFG_MAX_LINK_PAIRS] = { false };
	bool pair_master[CFG_MAX_LINK_PAIRS] = { false };
	bool disc;
	int ret;

	for (unsigned int i = 0; i < c->n_vr; i++) {
		enum ha_vrrp_state s = ha_vrrp_state_get(&c->vr[i].m);

		in.elected &= s != HA_VRRP_INIT;
		pair_has_vr[c->vr[i].pair] = true;
		pair_master[c->vr[i].pair] |= s == HA_VRRP_MASTER;
	}
	if (!h->enabled || c->hooks.bypass_failsafe == NULL)
		return;
	/* HA's own standby, as conf_publish() has it before the bypass view overrides it. */
	for (unsigned int p = 0; p < c->cfg->n_link_pairs; p++)
		in.any_standby |= pair_has_vr[p] && !pair_master[p];
	for (unsigned int i = 0; i < c->n_peers; i++)
		in.peers_able += peer_able(&c->peers[i]);
	disc = ha_failsafe_disconnect(&in);
	if (c->failsafe_sent == (int)disc)
		return;
	c->failsafe_sent = disc;
	ret = c->hooks.bypass_failsafe(c->hooks.arg, disc);
	if (ret < 0)
		logf_(c, RTE_LOG_ERR, "ha: the bypass cannot take fail-safe state %s: %s",
		      disc ? "disconnect" : "bypass", strerror(-ret));
}

/* Flapping beyond the limit: the primary engages the bypass and stays master; the others
 * hold down, so the mastership stops moving. */
static void
flaps_check(struct ha_coord *c, uint64_t now)
{
	if (c->flaps_latched || !ha_flaps_exceeded(&c->flaps, now))
		return;
	c->flaps_latched = true;
	c->saw_peer_bypass = false;
	/* The primary's bypass must be a bypass, not the disconnect of a master with a peer. */
	failsafe_update(c);
	if (c->cfg->ha.primary) {
		int ret = c->hooks.bypass_engage != NULL
		                  ? c->hooks.bypass_engage(c->hooks.arg, "max-flaps")
		                  : -ENOTSUP;

		node_event(c, RTE_LOG_ERR, "flapping", "bypass",
		           ret == 0 ? "max-flaps: bypass engaged, holding master"
		                    : "max-flaps: bypass could not be engaged, holding master");
		for (unsigned int i = 0; i < c->n_vr; i++) {
			struct vr *v = &c->vr[i];
			struct ha_vrrp_actions a;

			v->forced_master = true;
			if (ha_vrrp_state_get(&v->m) != HA_VRRP_MASTER) {
				ha_vrrp_takeover(&v->m, HA_VRRP_R_MAX_FLAPS, now, &a);
				vr_apply(c, v, &a, now);
			}
		}
	} else {
		node_event(c, RTE_LOG_ERR, "flapping", "held", "max-flaps: holding backup");
	}
	holds_apply(c, now);
}

static void
flaps_unlatch(struct ha_coord *c, uint64_t now, const char *why)
{
	if (!c->flaps_latched)
		return;
	c->flaps_latched = false;
	ha_flaps_init(&c->flaps, c->cfg->ha.max_flaps,
	              (uint64_t)c->cfg->ha.flap_window_s * HA_NS_PER_S);
	for (unsigned int i = 0; i < c->n_vr; i++)
		c->vr[i].forced_master = false;
	node_event(c, RTE_LOG_NOTICE, "held", "running", why);
	holds_apply(c, now);
}

/* Is port @pidx up? dp_port_link_get() reads the kernel carrier of af_packet ports too. */
static bool
port_up(struct ha_coord *c, unsigned int pidx)
{
	struct dp_link link;

	return dp_port_link_get(c->dp, pidx, &link) == 0 && link.up;
}

static void
links_check(struct ha_coord *c, uint64_t now)
{
	bool sim = now < c->sim_link_down_until;
	bool changed = false;

	for (unsigned int i = 0; i < c->cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &c->cfg->link_pairs[i];
		bool up = !sim && port_up(c, lp->upstream);
		bool down = !sim && port_up(c, lp->protected);

		changed |= ha_links_update(&c->links, i, up, down, now);
		c->pair_up[i] = up && down;
	}
	changed |= ha_links_tick(&c->links, now);
	if (!changed)
		return;
	if (c->links.below)
		node_event(c, RTE_LOG_ERR, "up", "down",
		           sim ? "simulated link-down" : "links below min_active_links");
	else
		node_event(c, RTE_LOG_NOTICE, "down", "up",
		           c->links_seen_up ? "links recovered" : "links up at start-up");
	c->links_seen_up |= !c->links.below;
	holds_apply(c, now);
}

static void
bandwidth_check(struct ha_coord *c, uint64_t now)
{
	uint64_t bytes = 0;

	if (!c->cfg->ha.bandwidth.enabled)
		return;
	for (unsigned int i = 0; i < c->cfg->n_link_pairs; i++) {
		struct dp_port_counters pc;

		dp_port_counters_get(c->dp, c->cfg->link_pairs[i].upstream, &pc);
		bytes += pc.rx_bytes;
		dp_port_counters_get(c->dp, c->cfg->link_pairs[i].protected, &pc);
		bytes += pc.rx_bytes;
	}
	ha_bw_update(&c->bw, now, bytes, any_master(c));
	if (ha_bw_low(&c->bw) && !c->bw_hold)
		goto give_up;
	return;
give_up:
	c->bw_hold = true;
	node_event(c, RTE_LOG_WARNING, "master", "backup", "low-bandwidth");
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *v = &c->vr[i];
		struct ha_vrrp_actions a;

		if (ha_vrrp_state_get(&v->m) != HA_VRRP_MASTER)
			continue;
		ha_vrrp_resign(&v->m, HA_VRRP_R_LOW_BANDWIDTH, now, &a);
		vr_apply(c, v, &a, now);
	}
	holds_apply(c, now);
}

/* The peer that says in its heartbeats it is master of @v's VRID, or NULL when none or
 * more than one does (then nobody is known to be the master: no early takeover). */
static struct peer *
master_peer(struct ha_coord *c, const struct vr *v)
{
	struct peer *found = NULL;

	for (unsigned int i = 0; i < c->n_peers; i++) {
		struct peer *p = &c->peers[i];
		const struct ha_peer_vrrp *e;

		if (!p->have_last)
			continue;
		e = ha_peer_msg_vrrp(&p->last, v->cfg->vrid, v->family);
		if (e == NULL || e->state != HA_ROLE_MASTER)
			continue;
		if (found != NULL)
			return NULL;
		found = p;
	}
	return found;
}

static void
fast_failover_check(struct ha_coord *c, struct vr *v, uint64_t now)
{
	struct peer *p;
	struct ha_ff_input in;
	struct ha_vrrp_actions a;

	if (ha_vrrp_state_get(&v->m) != HA_VRRP_BACKUP || v->hold == HA_VRRP_HOLD_DOWN)
		return;
	p = master_peer(c, v);
	if (p == NULL)
		return;
	in = (struct ha_ff_input){
		.master_known = true,
		.master_health = p->h.state,
		.last_advert = v->last_advert,
		.adver_interval_ns = (uint64_t)v->m.master_adver_int * HA_VRRP_NS_PER_CS,
	};
	if (!ha_ff_allowed(&in, now))
		return;
	ha_vrrp_takeover(&v->m, HA_VRRP_R_FAST_FAILOVER, now, &a);
	vr_apply(c, v, &a, now);
	p->have_last = false; /* its claim is stale now; the next heartbeat tells the truth */
}

/* The VRID byte of what may be a VRRP advert, for counting a broken one; 0 if unknown. */
static uint8_t
vrid_peek(const uint8_t *frame, size_t len)
{
	size_t off;

	if (len < 14 + 20 + 2)
		return 0;
	if (frame[12] == 0x08 && frame[13] == 0x00) {
		off = 14 + (size_t)(frame[14] & 0x0f) * 4;
	} else if (frame[12] == 0x86 && frame[13] == 0xdd) {
		off = 14 + 40;
	} else {
		return 0;
	}
	return off + 2 <= len ? frame[off + 1] : 0;
}

static void
vrrp_input(struct ha_coord *c, unsigned int pidx, const uint8_t *frame, size_t len, uint64_t now)
{
	struct ha_vrrp_advert adv;
	struct ha_vrrp_actions a;
	enum ha_vrrp_csum mode = HA_VRRP_CSUM_RFC;
	struct vr *v = NULL;
	int ret;

	/* The checksum form is per instance, and the instance is known only once the frame is
	 * read: try the RFC form, then the v2-compatible one, and check it is the instance's. */
	ret = ha_vrrp_pkt_decode(frame, len, mode, &adv);
	if (ret == -HA_VRRP_ERR_CHECKSUM) {
		mode = HA_VRRP_CSUM_V2_COMPAT;
		ret = ha_vrrp_pkt_decode(frame, len, mode, &adv);
		if (ret < 0) {
			mode = HA_VRRP_CSUM_RFC;
			ret = -HA_VRRP_ERR_CHECKSUM;
		}
	}
	/* A frame too broken to name its instance counts against the port's instances. */
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *w = &c->vr[i];

		if (w->pidx != pidx)
			continue;
		if (ret == 0 && (w->cfg->vrid != adv.vrid || w->family != adv.family))
			continue;
		if (ret < 0 && len > 14 + 20 + 1 && w->cfg->vrid != vrid_peek(frame, len))
			continue;
		v = w;
		break;
	}
	if (v == NULL) {
		c->vrid_errors++;
		return;
	}
	if (ret == 0 && v->family == 4 && mode != vr_csum(v))
		ret = -HA_VRRP_ERR_CHECKSUM;
	if (ret < 0) {
		ha_vrrp_error_count(&v->m, ret);
		return;
	}
	if (v->forced_master) {
		v->last_advert = now;
		return;
	}
	if (ha_vrrp_recv(&v->m, &adv, now, &a) < 0)
		return; /* our own, looped back */
	if (adv.priority > 0)
		v->last_advert = now;
	vr_apply(c, v, &a, now);
}

static void
exceptions_drain(struct ha_coord *c, uint64_t now)
{
	struct rte_mbuf *pkts[EXC_BURST];
	unsigned int n = dp_exc_recv(c->dp, pkts, EXC_BURST);

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		int pidx = dp_port_index(c->dp, m->port);
		const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
		size_t len = rte_pktmbuf_data_len(m);

		if (pidx >= 0 && rte_pktmbuf_is_contiguous(m)) {
			if (m->hash.usr == DP_PUNT_VRRP)
				vrrp_input(c, (unsigned int)pidx, frame, len, now);
			else
				ha_local_input(c->local, (unsigned int)pidx, frame, len,
				               (int)m->hash.usr, now);
		}
		rte_pktmbuf_free(m);
	}
}

/* Do @a and @b hold the same address (ports aside)? */
static bool
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return a->ss_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	              &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

static void
peer_input(struct ha_coord *c, uint64_t now)
{
	for (int budget = 64; budget > 0; budget--) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		struct ha_peer_msg msg;
		uint8_t buf[HA_PEER_MSG_MAX];
		struct peer *p = NULL;
		ssize_t n;

		n = recvfrom(c->sock, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
		             &fromlen);
		if (n < 0)
			return;
		if (ha_peer_decode(buf, (size_t)n, &msg) < 0)
			goto bad;
		for (unsigned int i = 0; i < c->n_peers; i++)
			if (strcmp(c->peers[i].cfg->id, msg.node_id) == 0)
				p = &c->peers[i];
		if (p == NULL)
			goto bad;
		/* The id must come from the peer's configured address. */
		if (!same_host(&from, &p->sa)) {
			p->bad++;
			continue;
		}
		if (now < c->sim_peer_loss_until)
			continue;
		p->last = msg;
		p->have_last = true;
		if (ha_peer_health_rx(&p->h, now))
			logf_(c, RTE_LOG_NOTICE, "ha: peer %s is %s", p->cfg->id,
			      ha_health_name(p->h.state));
		continue;
	bad:
		if (p != NULL)
			p->bad++;
		else
			c->hb_refused++; /* not a heartbeat, or from no configured peer */
	}
}

static void
heartbeat_send(struct ha_coord *c)
{
	struct ha_peer_msg msg = { 0 };
	uint8_t buf[HA_PEER_MSG_MAX];
	int len;

	msg.seq = ++c->hb_seq;
	msg.timestamp_ns = now_ns();
	snprintf(msg.node_id, sizeof(msg.node_id), "%s", c->cfg->node.id);
	snprintf(msg.stack, sizeof(msg.stack), "%s", c->cfg->node.stack);
	msg.flags = (c->cfg->ha.primary ? HA_PEER_F_PRIMARY : 0) |
	            (c->maintenance ? HA_PEER_F_MAINTENANCE : 0) |
	            (c->links.below ? HA_PEER_F_LINKS_DOWN : 0) |
	            (c->hooks.bypass_engaged != NULL && c->hooks.bypass_engaged(c->hooks.arg)
	                     ? HA_PEER_F_BYPASS
	                     : 0);
	for (unsigned int i = 0; i < c->n_vr && i < HA_PEER_MAX_VRRP; i++) {
		msg.vrrp[i].vrid = c->vr[i].cfg->vrid;
		msg.vrrp[i].family = c->vr[i].family;
		msg.vrrp[i].state = role_of(ha_vrrp_state_get(&c->vr[i].m));
		msg.vrrp[i].priority = ha_vrrp_priority_effective(&c->vr[i].m);
		msg.n_vrrp++;
	}
	len = ha_peer_encode(&msg, buf, sizeof(buf));
	if (len < 0)
		return;
	for (unsigned int i = 0; i < c->n_peers; i++) {
		if (sendto(c->sock, buf, (size_t)len, MSG_DONTWAIT,
		           (struct sockaddr *)&c->peers[i].sa, c->peers[i].salen) == len)
			c->hb_sent++;
		else
			c->hb_send_errors++;
	}
}

static void
peers_check(struct ha_coord *c, uint64_t now)
{
	for (unsigned int i = 0; i < c->n_peers; i++) {
		struct peer *p = &c->peers[i];

		if (ha_peer_health_tick(&p->h, now))
			logf_(c, p->h.state == HA_HEALTH_HEALTHY ? RTE_LOG_NOTICE : RTE_LOG_WARNING,
			      "ha: peer %s is %s", p->cfg->id, ha_health_name(p->h.state));
		/* A secondary held for flapping runs again once the primary no longer says it
		 * is in bypass, or is gone (someone must take over then). */
		if (c->flaps_latched && !c->cfg->ha.primary && p->have_last &&
		    (p->last.flags & HA_PEER_F_PRIMARY)) {
			if (p->last.flags & HA_PEER_F_BYPASS)
				c->saw_peer_bypass = true;
			else if (c->saw_peer_bypass)
				flaps_unlatch(c, now, "primary left bypass");
		}
		if (c->flaps_latched && !c->cfg->ha.primary && p->h.state == HA_HEALTH_UNHEALTHY &&
		    p->have_last && (p->last.flags & HA_PEER_F_PRIMARY))
			flaps_unlatch(c, now, "primary unhealthy");
	}
}

/* Compile what the workers must know: standby pairs, VRIDs to punt, owned addresses. */
static void
conf_publish(struct ha_coord *c)
{
	const struct cfg_node *cfg = c->cfg;
	struct dp_ha_conf *hc = &c->conf;
	struct ha_local_addr la[DP_HA_MAX_ADDRS];
	unsigned int n_la = 0;
	bool pair_has_vr[CFG_MAX_LINK_PAIRS] = { false };
	bool pair_master[CFG_MAX_LINK_PAIRS] = { false };

	memset(hc, 0, sizeof(*hc));
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *v = &c->vr[i];
		bool master = ha_vrrp_state_get(&v->m) == HA_VRRP_MASTER;

		pair_has_vr[v->pair] = true;
		pair_master[v->pair] |= master;
		hc->vrid_punt[v->pidx][v->cfg->vrid / 8] |= (uint8_t)(1u << (v->cfg->vrid % 8));
		if (!master)
			continue;
		for (unsigned int j = 0; j < v->n_vips && hc->n_addrs < DP_HA_MAX_ADDRS; j++) {
			struct dp_local_addr *a = &hc->addrs[hc->n_addrs++];

			a->family = v->family;
			a->pidx = (uint8_t)v->pidx;
			memcpy(a->addr, v->vips[j].addr, 16);
			memcpy(a->mac.addr_bytes, v->vmac, RTE_ETHER_ADDR_LEN);
			la[n_la] = (struct ha_local_addr){
				.pidx = (uint8_t)v->pidx,
				.family = v->family,
				/* RFC 9568 section 6.4.3: only the owner, or accept mode, takes
				 * packets for the VIPs; ARP and ND are answered either way. */
				.flags = v->cfg->accept || v->cfg->priority == 255 ? HA_LOCAL_ECHO
				                                                   : 0,
			};
			memcpy(la[n_la].addr, v->vips[j].addr, 16);
			memcpy(la[n_la].mac, v->vmac, HA_MAC_LEN);
			n_la++;
		}
	}
	for (unsigned int p = 0; p < cfg->n_link_pairs; p++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[p];

		hc->pair_standby[p] = cfg->ha.enabled && cfg->ha.mode != CFG_HA_ACTIVE_ACTIVE &&
		                      pair_has_vr[p] && !pair_master[p];
		/* Driver none: the bypass is the dataplane's to do. */
		if (c->byp_drop)
			hc->pair_standby[p] = true;
		else if (c->byp_uninspected)
			hc->pair_standby[p] = false;
		hc->pair_uninspected[p] = c->byp_uninspected;
		if (lp->mode != CFG_PAIR_L3)
			continue;
		for (unsigned int s = 0; s < 2; s++) {
			unsigned int pidx = s == CFG_SIDE_UPSTREAM ? lp->upstream : lp->protected;
			const struct rte_ether_addr *mac = dp_port_mac(c->dp, pidx);

			/* The port's IPv6 link-local address too: neighbour solicitations for
			 * link-local next hops come from it, and neighbours check it. */
			if (hc->n_addrs < DP_HA_MAX_ADDRS) {
				struct dp_local_addr *a = &hc->addrs[hc->n_addrs++];

				a->family = 6;
				a->pidx = (uint8_t)pidx;
				ha_ipv6_ll_from_mac(mac->addr_bytes, a->addr);
				a->mac = *mac;
				la[n_la] = (struct ha_local_addr){
					.pidx = (uint8_t)pidx,
					.family = 6,
					.flags = HA_LOCAL_ECHO,
				};
				memcpy(la[n_la].addr, a->addr, 16);
				memcpy(la[n_la].mac, mac->addr_bytes, HA_MAC_LEN);
				n_la++;
			}
			for (unsigned int k = 0; k < lp->side[s].n_addrs; k++) {
				struct dp_local_addr *a;

				if (hc->n_addrs >= DP_HA_MAX_ADDRS)
					break;
				a = &hc->addrs[hc->n_addrs++];
				a->family = lp->side[s].addrs[k].family;
				a->pidx = (uint8_t)pidx;
				memcpy(a->addr, lp->side[s].addrs[k].addr, 16);
				a->mac = *mac;
				la[n_la] = (struct ha_local_addr){
					.pidx = (uint8_t)pidx,
					.family = a->family,
					.flags = HA_LOCAL_ECHO,
				};
				memcpy(la[n_la].addr, a->addr, 16);
				memcpy(la[n_la].mac, mac->addr_bytes, HA_MAC_LEN);
				n_la++;
			}
		}
	}
	if (ha_local_addrs_set(c->local, la, n_la) < 0)
		logf_(c, RTE_LOG_ERR, "ha: the responder refused the owned addresses");
	if (dp_ha_set(c->dp, hc) < 0)
		logf_(c, RTE_LOG_ERR, "ha: cannot publish the HA view to the workers");
	c->conf_dirty = false;
}

static void
snapshot(struct ha_coord *c, uint64_t now)
{
	static struct ha_status st; /* HA thread only */
	const struct cfg_ha *h = &c->cfg->ha;

	memset(&st, 0, sizeof(st));
	st.enabled = h->enabled;
	st.mode = h->mode;
	st.primary = h->primary;
	st.role = !h->enabled     ? HA_ROLE_STANDALONE
	          : any_master(c) ? HA_ROLE_MASTER
	          : c->n_vr > 0   ? role_of(ha_vrrp_state_get(&c->vr[0].m))
	                          : HA_ROLE_BACKUP;
	st.maintenance = c->maintenance;
	st.simulation_allowed = h->allow_simulation;
	snprintf(st.simulating, sizeof(st.simulating), "%s%s",
	         now < c->sim_peer_loss_until ? "peer-loss " : "",
	         now < c->sim_link_down_until ? "link-down" : "");
	st.links.healthy = c->links.n_healthy;
	st.links.total = c->cfg->n_link_pairs;
	st.links.min_active = h->min_active_links;
	st.links.below_min = c->links.below;
	memcpy(st.links.up, c->pair_up, sizeof(st.links.up));
	st.bandwidth.enabled = h->bandwidth.enabled;
	st.bandwidth.low = c->bw_hold;
	st.bandwidth.bps = c->bw.last_bps;
	st.bandwidth.min_bps = h->bandwidth.min_bps;
	st.bandwidth.interval_s = h->bandwidth.interval_s;
	st.flaps.count = ha_flaps_count(&c->flaps, now);
	st.flaps.max = h->max_flaps;
	st.flaps.window_s = h->flap_window_s;
	st.flaps.latched = c->flaps_latched;
	st.hb_sent = c->hb_sent;
	st.hb_send_errors = c->hb_send_errors;
	st.hb_refused = c->hb_refused;
	st.stalls.count = c->stalls;
	st.stalls.longest_ms = c->stall_max_ns / HA_NS_PER_MS;
	st.stalls.discounted_ms = c->clock_lost / HA_NS_PER_MS;
	st.notify_runs = c->notify.started;
	st.notify_failures = c->notify.failures + c->notify.spawn_errors;
	st.notify_skipped = c->notify.skipped;
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *v = &c->vr[i];
		struct ha_instance_status *in = &st.inst[st.n_instances++];
		struct ha_vrrp_counters vcs, *vc = &vcs;
		struct ha_vrrp_status vs;
		uint8_t maddr[16];

		ha_vrrp_counters_get(&v->m, &vcs);
		ha_vrrp_status_get(&v->m, &vs);
		snprintf(in->name, sizeof(in->name), "%s", v->name);
		in->vrid = v->cfg->vrid;
		in->family = v->family;
		snprintf(in->link_pair, sizeof(in->link_pair), "%s",
		         c->cfg->link_pairs[v->pair].name);
		in->side = v->cfg->side;
		in->state = role_of(ha_vrrp_state_get(&v->m));
		in->priority = v->cfg->priority;
		in->effective_priority = ha_vrrp_priority_effective(&v->m);
		in->advert_interval_ms = v->cfg->advert_interval_ms;
		in->master_advert_interval_ms = vs.master_adver_int * 10u;
		in->preempt = v->cfg->preempt;
		in->accept = v->cfg->accept;
		snprintf(in->hold, sizeof(in->hold), "%s", ha_vrrp_hold_name(v->hold));
		if (ha_vrrp_master_get(&v->m, maddr) == 0)
			addr_str(v->family, maddr, in->master, sizeof(in->master));
		snprintf(in->last_reason, sizeof(in->last_reason), "%s", v->last_reason);
		in->n_vips = v->n_vips;
		for (unsigned int j = 0; j < v->n_vips; j++)
			cfg_ifaddr_format(&v->vips[j], true, in->vips[j], sizeof(in->vips[j]));
		in->stats = (struct ha_vrrp_stats){
			.master_transitions = vc->master_transitions,
			.adverts_sent = vc->adverts_sent,
			.adverts_rcvd = vc->adverts_rcvd,
			.pri_zero_sent = vc->prio0_sent,
			.pri_zero_rcvd = vc->prio0_rcvd,
			.ttl_errors = vc->ttl_errors,
			.interval_errors = vc->interval_errors,
			.checksum_errors = vc->checksum_errors,
			.length_errors = vc->length_errors,
			.version_errors = vc->version_errors,
			.type_errors = vc->type_errors,
			.vrid_errors = c->vrid_errors + vc->vrid_errors,
			.address_list_errors = vc->addr_list_errors,
		};
	}
	for (unsigned int i = 0; i < c->n_peers; i++) {
		struct peer *p = &c->peers[i];
		struct ha_peer_status *ps = &st.peers[st.n_peers++];
		size_t off = 0;

		snprintf(ps->id, sizeof(ps->id), "%s", p->cfg->id);
		cfg_ifaddr_format(&p->cfg->address, false, ps->address, sizeof(ps->address));
		ps->healthy = p->h.state == HA_HEALTH_HEALTHY;
		ps->heard = p->h.heard;
		ps->last_rx_ms = p->h.heard ? (int64_t)((now - p->h.last_rx) / HA_NS_PER_MS) : -1;
		ps->rx = p->h.rx_total;
		ps->misses = p->h.misses_total;
		ps->bad = p->bad;
		if (!p->have_last)
			continue;
		ps->says_primary = p->last.flags & HA_PEER_F_PRIMARY;
		ps->says_bypass = p->last.flags & HA_PEER_F_BYPASS;
		ps->says_maintenance = p->last.flags & HA_PEER_F_MAINTENANCE;
		ps->says_links_down = p->last.flags & HA_PEER_F_LINKS_DOWN;
		for (unsigned int j = 0; j < p->last.n_vrrp; j++) {
			if (p->last.vrrp[j].state != HA_ROLE_MASTER || off >= sizeof(ps->master_of))
				continue;
			off += (size_t)snprintf(ps->master_of + off, sizeof(ps->master_of) - off,
			                        "%s%u/ipv%u", off ? " " : "", p->last.vrrp[j].vrid,
			                        p->last.vrrp[j].family);
		}
	}
	{
		struct ha_local_stats ls;

		ha_local_stats_get(c->local, &ls);
		st.local.arp_replies = ls.arp_replies;
		st.local.na_replies = ls.na_replies;
		st.local.echo_replies = ls.echo_replies;
		st.local.arp_requests = ls.arp_requests;
		st.local.ns_requests = ls.ns_requests;
		st.local.announcements = ls.announcements;
		st.local.learned = ls.learned;
		for (unsigned int i = 0; i < HA_PKT_ERR__MAX; i++)
			st.local.malformed += ls.rejected[i];
		st.local.ignored = ls.not_ours + ls.wrong_port + ls.other_mac + ls.echo_refused +
		                   ls.not_served + ls.learn_refused + ls.no_route + ls.no_source +
		                   ls.resolve_full;
		st.local.conflicts = ls.conflicts;
		st.local.rate_limited = ls.rate_limited;
		st.local.tx_errors = ls.tx_errors;
	}
	pthread_mutex_lock(&c->st_lock);
	c->st = st;
	pthread_mutex_unlock(&c->st_lock);
	c->next_snapshot = now + SNAPSHOT_NS;
}

static void
requests_take(struct ha_coord *c, uint64_t now)
{
	unsigned int req, seconds;
	bool maint, uninspected, drop, hold;

	pthread_mutex_lock(&c->req_lock);
	req = c->req;
	seconds = c->req_seconds;
	maint = c->req_maintenance;
	uninspected = c->req_byp_uninspected;
	drop = c->req_byp_drop;
	hold = c->req_byp_hold;
	c->req = 0;
	pthread_mutex_unlock(&c->req_lock);
	if (req == 0)
		return;
	if (req & REQ_BYPASS_VIEW) {
		if (uninspected != c->byp_uninspected || drop != c->byp_drop)
			c->conf_dirty = true;
		c->byp_uninspected = uninspected;
		c->byp_drop = drop;
		if (hold != c->byp_hold) {
			c->byp_hold = hold;
			node_event(c, hold ? RTE_LOG_WARNING : RTE_LOG_NOTICE,
			           hold ? "running" : "disconnected",
			           hold ? "disconnected" : "running",
			           hold ? "bypass disconnected the wire: holding down"
			                : "bypass no longer disconnects the wire");
			holds_apply(c, now);
		}
	}
	if ((req & (REQ_MAINT_ON | REQ_MAINT_OFF)) && maint != c->maintenance) {
		c->maintenance = maint;
		node_event(c, RTE_LOG_NOTICE, maint ? "running" : "maintenance",
		           maint ? "maintenance" : "running", "operator");
		holds_apply(c, now);
	}
	if (req & REQ_FLAPS_CLEAR)
		flaps_unlatch(c, now, "bypass cleared");
	if (req & REQ_SIM_PEER_LOSS) {
		c->sim_peer_loss_until = now + (uint64_t)seconds * HA_NS_PER_S;
		node_event(c, RTE_LOG_WARNING, "running", "drill", "simulate peer-loss");
	}
	if (req & REQ_SIM_LINK_DOWN) {
		c->sim_link_down_until = now + (uint64_t)seconds * HA_NS_PER_S;
		node_event(c, RTE_LOG_WARNING, "running", "drill", "simulate link-down");
		c->next_link_check = now;
	}
	if (req & REQ_SIM_LOW_BW) {
		node_event(c, RTE_LOG_WARNING, "running", "drill", "simulate low-bandwidth");
		c->bw_hold = true;
		for (unsigned int i = 0; i < c->n_vr; i++) {
			struct ha_vrrp_actions a;

			if (ha_vrrp_state_get(&c->vr[i].m) != HA_VRRP_MASTER)
				continue;
			ha_vrrp_resign(&c->vr[i].m, HA_VRRP_R_SIMULATE, now, &a);
			vr_apply(c, &c->vr[i], &a, now);
		}
		holds_apply(c, now);
	}
	if ((req & REQ_SIM_FLAP) && !c->flaps_latched) {
		node_event(c, RTE_LOG_WARNING, "running", "drill", "simulate flap");
		for (unsigned int i = 0; i < c->n_vr; i++) {
			struct vr *v = &c->vr[i];
			struct ha_vrrp_actions a;

			if (ha_vrrp_state_get(&v->m) == HA_VRRP_MASTER)
				ha_vrrp_resign(&v->m, HA_VRRP_R_SIMULATE, now, &a);
			else
				ha_vrrp_takeover(&v->m, HA_VRRP_R_SIMULATE, now, &a);
			vr_apply(c, v, &a, now);
		}
	}
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* One pass of the loop; @return the next deadline. */
static uint64_t
pass(struct ha_coord *c, uint64_t now)
{
	uint64_t next = now + POLL_MAX_NS;

	requests_take(c, now);
	exceptions_drain(c, now);
	if (c->sock >= 0)
		peer_input(c, now);
	peers_check(c, now);
	if (now >= c->next_link_check) {
		links_check(c, now);
		c->next_link_check =
			now + (uint64_t)c->cfg->ha.link_monitor_interval_ms * HA_NS_PER_MS;
	}
	if (now >= c->next_bw) {
		bandwidth_check(c, now);
		c->next_bw = now + BANDWIDTH_SAMPLE_NS;
	}
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct vr *v = &c->vr[i];
		struct ha_vrrp_actions a;

		if (now >= ha_vrrp_deadline(&v->m)) {
			ha_vrrp_timer(&v->m, now, &a);
			vr_apply(c, v, &a, now);
		}
		fast_failover_check(c, v, now);
		next = min_u64(next, ha_vrrp_deadline(&v->m));
	}
	if (c->sock >= 0 && now >= c->next_hb) {
		heartbeat_send(c);
		c->next_hb = now + (uint64_t)c->cfg->ha.peer_check_interval_ms * HA_NS_PER_MS;
	}
	ha_notify_reap(&c->notify, now_ns());
	if (c->conf_dirty)
		conf_publish(c);
	failsafe_update(c);
	if (now >= c->next_snapshot || c->conf_dirty)
		snapshot(c, now);
	for (unsigned int i = 0; i < c->n_peers; i++)
		next = min_u64(next, ha_peer_health_deadline(&c->peers[i].h));
	next = min_u64(next, c->next_hb);
	return next;
}

static void *
coord_main(void *arg)
{
	struct ha_coord *c = arg;
	struct pollfd pfd = { .fd = c->sock, .events = POLLIN };
	uint64_t now;

	c->clock_mono = now_ns(); /* the time since ha_coord_create() is no stall */
	now = clock_now(c);

	requests_take(c, now); /* the bypass view rampartd posted before the start */
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct ha_vrrp_actions a;

		ha_vrrp_startup(&c->vr[i].m, now, &a);
		vr_apply(c, &c->vr[i], &a, now);
	}
	holds_apply(c, now);
	conf_publish(c);
	failsafe_update(c);
	snapshot(c, now);
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		uint64_t next = pass(c, now);
		struct timespec ts;

		now = clock_now(c);
		if (next > now) {
			uint64_t wait = min_u64(next - now, POLL_MAX_NS);

			ts.tv_sec = 0;
			ts.tv_nsec = (long)wait;
			ppoll(&pfd, c->sock >= 0 ? 1 : 0, &ts, NULL);
			now = clock_now(c);
		}
	}
	/* RFC 9568 section 6.4.3: a master that shuts down sends an advert with priority 0,
	 * so a backup takes over after Skew_Time rather than Master_Down_Interval. */
	now = clock_now(c);
	for (unsigned int i = 0; i < c->n_vr; i++) {
		struct ha_vrrp_actions a;

		ha_vrrp_shutdown(&c->vr[i].m, now, &a);
		vr_apply(c, &c->vr[i], &a, now);
	}
	snapshot(c, now);
	return NULL;
}

bool
ha_needed(const struct cfg_node *cfg)
{
	if (cfg->ha.enabled)
		return true;
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++)
		if (cfg->link_pairs[i].mode == CFG_PAIR_L3)
			return true;
	return false;
}

static int
sockaddr_of(const struct cfg_ifaddr *a, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->addr, 4);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->addr, 16);
		*len = sizeof(*s6);
	}
	return 0;
}

static int
socket_open(struct ha_coord *c, char *err, size_t errlen)
{
	const struct cfg_ha *h = &c->cfg->ha;
	struct sockaddr_storage ss;
	socklen_t len;
	char a[64];
	int one = 1;

	sockaddr_of(&h->address, h->port, &ss, &len);
	c->sock = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->sock < 0)
		goto fail;
	setsockopt(c->sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(c->sock, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	return 0;
fail:
	cfg_ifaddr_format(&h->address, false, a, sizeof(a));
	snprintf(err, errlen, "ha: cannot open the HA port %s:%u: %s%s", a, h->port,
	         strerror(errno),
	         errno == EADDRNOTAVAIL ? " (ha.address is not an address of this node)" : "");
	return -errno;
}

/* The advert source of @v: on an l3 side its first address of the family; otherwise
 * ha.address for IPv4 and the port's link-local address for IPv6 (RFC 9568 section 5.1.2.1
 * asks for the link-local address of the interface). */
static void
vr_source(struct ha_coord *c, struct vr *v)
{
	const struct cfg_link_pair *lp = &c->cfg->link_pairs[v->pair];

	memset(v->src, 0, sizeof(v->src));
	if (v->family == 6) {
		ha_ipv6_ll_from_mac(dp_port_mac(c->dp, v->pidx)->addr_bytes, v->src);
		return;
	}
	if (lp->mode == CFG_PAIR_L3) {
		const struct cfg_pair_side *s = &lp->side[v->cfg->side];

		for (unsigned int i = 0; i < s->n_addrs; i++) {
			if (s->addrs[i].family == 4) {
				memcpy(v->src, s->addrs[i].addr, 4);
				return;
			}
		}
	}
	if (c->cfg->ha.address.family == 4)
		memcpy(v->src, c->cfg->ha.address.addr, 4);
}

static int
vr_init(struct ha_coord *c, const struct cfg_vrrp *cv, uint8_t family, char *err, size_t errlen)
{
	const struct cfg_link_pair *lp = &c->cfg->link_pairs[cv->link_pair];
	struct vr *v = &c->vr[c->n_vr];
	struct ha_vrrp_conf mc;
	int ret;

	v->cfg = cv;
	v->family = family;
	for (unsigned int j = 0; j < cv->n_vips; j++)
		if (cv->vips[j].family == family)
			v->vips[v->n_vips++] = cv->vips[j];
	v->pair = cv->link_pair;
	v->pidx = cv->side == CFG_SIDE_UPSTREAM ? lp->upstream : lp->protected;
	snprintf(v->name, sizeof(v->name), "vrid%u-ipv%u", cv->vrid, family);
	vr_source(c, v);
	ha_vrrp_pkt_vmac(family, cv->vrid, v->vmac);
	v->hold = HA_VRRP_HOLD_NONE;
	snprintf(v->last_reason, sizeof(v->last_reason), "-");
	mc = (struct ha_vrrp_conf){
		.vrid = cv->vrid,
		.priority = cv->priority,
		.advert_interval = (uint16_t)(cv->advert_interval_ms / 10),
		.preempt = cv->preempt,
		.preempt_delay_ns = (uint64_t)cv->preempt_delay_s * HA_NS_PER_S,
		.accept = cv->accept,
		.family = family,
		.garp_refresh_ns = GARP_REFRESH_NS,
		.n_vips = v->n_vips,
	};
	memcpy(mc.addr, v->src, sizeof(mc.addr));
	for (unsigned int j = 0; j < v->n_vips; j++)
		memcpy(mc.vips[j], v->vips[j].addr, 16);
	ret = ha_vrrp_init(&v->m, &mc);
	if (ret < 0)
		snprintf(err, errlen, "ha: %s: invalid instance", v->name);
	return ret;
}

struct ha_coord *
ha_coord_create(const struct cfg_node *cfg, struct dp *dp, const struct ha_hooks *hooks, char *err,
                size_t errlen)
{
	const struct cfg_ha *h = &cfg->ha;
	struct ha_coord *c = calloc(1, sizeof(*c));
	struct ha_local_ops ops;
	uint64_t now = now_ns();
	int ret;

	if (c == NULL) {
		snprintf(err, errlen, "ha: out of memory");
		return NULL;
	}
	c->cfg = cfg;
	c->dp = dp;
	c->clock_mono = now;
	c->hooks = *hooks;
	c->sock = -1;
	c->failsafe_sent = -1;
	pthread_mutex_init(&c->req_lock, NULL);
	pthread_mutex_init(&c->st_lock, NULL);
	ops = (struct ha_local_ops){
		.arg = c,
		.emit = local_emit,
		.learn = local_learn,
		.nexthop = local_nexthop,
	};
	c->local = ha_local_create(&ops);
	if (c->local == NULL) {
		snprintf(err, errlen, "ha: out of memory");
		goto fail;
	}
	if (local_ports_set(c) < 0) {
		snprintf(err, errlen, "ha: the l3 link pairs' addresses do not fit the responder");
		goto fail;
	}
	ha_notify_init(&c->notify, cfg->ha.notify, cfg->node.id, NOTIFY_TIMEOUT_NS);
	ha_flaps_init(&c->flaps, h->max_flaps, (uint64_t)h->flap_window_s * HA_NS_PER_S);
	ha_links_init(&c->links, cfg->n_link_pairs, h->enabled ? h->min_active_links : 0,
	              (uint64_t)(h->enabled ? h->link_monitor_interval_ms : 100) * HA_NS_PER_MS);
	ha_bw_init(&c->bw, h->bandwidth.enabled, h->bandwidth.min_bps,
	           (uint64_t)(h->bandwidth.interval_s ? h->bandwidth.interval_s : 1) * HA_NS_PER_S);
	if (h->enabled) {
		ret = socket_open(c, err, errlen);
		if (ret < 0)
			goto fail;
		for (unsigned int i = 0; i < h->n_peers; i++) {
			struct peer *p = &c->peers[c->n_peers++];

			p->cfg = &h->peers[i];
			sockaddr_of(&p->cfg->address, p->cfg->port, &p->sa, &p->salen);
			ha_peer_health_init(
				&p->h, h->peer_failure_threshold, h->peer_recovery_threshold,
				(uint64_t)h->peer_check_interval_ms * HA_NS_PER_MS, now);
		}
		for (unsigned int i = 0; i < h->n_vrrp; i++) {
			for (uint8_t fam = 4; fam <= 6; fam += 2) {
				if (h->vrrp[i].family != 0 && h->vrrp[i].family != fam)
					continue;
				ret = vr_init(c, &h->vrrp[i], fam, err, errlen);
				if (ret < 0)
					goto fail;
				c->n_vr++;
			}
		}
	}
	c->conf_dirty = true;
	return c;
fail:
	ha_coord_destroy(c);
	errno = ENOMEM;
	return NULL;
}

int
ha_coord_start(struct ha_coord *c)
{
	int ret = rte_ctrl_thread_create(&c->thread, "rp-ha", NULL, coord_main, c);

	if (ret != 0)
		return -ret;
	c->running = true;
	return 0;
}

void
ha_coord_stop(struct ha_coord *c)
{
	if (c == NULL || !c->running)
		return;
	__atomic_store_n(&c->stop, true, __ATOMIC_RELEASE);
	pthread_join(c->thread, NULL);
	c->running = false;
}

void
ha_coord_destroy(struct ha_coord *c)
{
	if (c == NULL)
		return;
	ha_coord_stop(c);
	ha_local_destroy(c->local);
	ha_notify_reap(&c->notify, now_ns());
	ha_notify_fini(&c->notify);
	if (c->sock >= 0)
		close(c->sock);
	pthread_mutex_destroy(&c->req_lock);
	pthread_mutex_destroy(&c->st_lock);
	free(c);
}

void
ha_coord_status(struct ha_coord *c, struct ha_status *st)
{
	pthread_mutex_lock(&c->st_lock);
	*st = c->st;
	pthread_mutex_unlock(&c->st_lock);
}

unsigned int
ha_coord_history(struct ha_coord *c, struct ha_event *ev, unsigned int max)
{
	unsigned int n, skip;

	pthread_mutex_lock(&c->st_lock);
	n = c->hist_n < max ? c->hist_n : max;
	skip = c->hist_n - n;
	for (unsigned int i = 0; i < n; i++)
		ev[i] = c->hist[(c->hist_head + skip + i) % HA_HISTORY_MAX];
	pthread_mutex_unlock(&c->st_lock);
	return n;
}

static void
request(struct ha_coord *c, unsigned int bits, unsigned int seconds)
{
	pthread_mutex_lock(&c->req_lock);
	c->req |= bits;
	if (seconds > 0)
		c->req_seconds = seconds;
	pthread_mutex_unlock(&c->req_lock);
}

int
ha_coord_maintenance(struct ha_coord *c, bool on)
{
	int ret = 0;

	pthread_mutex_lock(&c->req_lock);
	if (c->req_maintenance == on) {
		ret = -EALREADY;
	} else {
		c->req_maintenance = on;
		c->req |= on ? REQ_MAINT_ON : REQ_MAINT_OFF;
	}
	pthread_mutex_unlock(&c->req_lock);
	return ret;
}

int
ha_coord_simulate(struct ha_coord *c, const char *what, unsigned int seconds)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} drills[] = {
		{ "peer-loss", REQ_SIM_PEER_LOSS },
		{ "link-down", REQ_SIM_LINK_DOWN },
		{ "low-bandwidth", REQ_SIM_LOW_BW },
		{ "flap", REQ_SIM_FLAP },
	};
	struct ha_status *st = &c->st;
	bool latched;

	if (!c->cfg->ha.allow_simulation)
		return -EPERM;
	pthread_mutex_lock(&c->st_lock);
	latched = st->flaps.latched;
	pthread_mutex_unlock(&c->st_lock);
	for (size_t i = 0; i < sizeof(drills) / sizeof(drills[0]); i++) {
		if (strcmp(what, drills[i].name) != 0)
			continue;
		if (drills[i].bit == REQ_SIM_FLAP && latched)
			return -EBUSY;
		logf_(c, RTE_LOG_WARNING, "ha: drill requested by the operator: simulate %s", what);
		request(c, drills[i].bit, seconds);
		return 0;
	}
	return -EINVAL;
}

void
ha_coord_bypass_view(struct ha_coord *c, bool dp_uninspected, bool dp_drop, bool hold_down)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->req_lock);
	c->req_byp_uninspected = dp_uninspected;
	c->req_byp_drop = dp_drop;
	c->req_byp_hold = hold_down;
	c->req |= REQ_BYPASS_VIEW;
	pthread_mutex_unlock(&c->req_lock);
}

void
ha_coord_flaps_clear(struct ha_coord *c)
{
	if (c != NULL)
		request(c, REQ_FLAPS_CLEAR, 0);
}
