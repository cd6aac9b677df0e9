/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VRRPv3 state machine of RFC 9568 section 6.4, one handler per event. Every handler
 * starts from a cleared struct ha_vrrp_actions and only says what to do; the coordinator
 * does it.
 *
 * Beyond the RFC: preempt delay, holds (link monitor, maintenance, bandwidth), takeover (fast
 * failover) and resign. Each is described where it is handled.
 */
#include <errno.h>
#include <string.h>

#include "ha_vrrp.h"

#define NEVER UINT64_MAX

static const char *const reason_names[HA_VRRP_R_MAX] = {
	[HA_VRRP_R_NONE] = "none",
	[HA_VRRP_R_STARTUP] = "startup",
	[HA_VRRP_R_STARTUP_OWNER] = "startup-owner",
	[HA_VRRP_R_MASTER_DOWN] = "master-down",
	[HA_VRRP_R_PRIORITY_ZERO] = "priority-zero",
	[HA_VRRP_R_PREEMPT] = "preempt",
	[HA_VRRP_R_HIGHER_PRIORITY] = "higher-priority",
	[HA_VRRP_R_HIGHER_ADDRESS] = "higher-address",
	[HA_VRRP_R_SHUTDOWN] = "shutdown",
	[HA_VRRP_R_HELD_DOWN] = "held-down",
	[HA_VRRP_R_RELEASED] = "released",
	[HA_VRRP_R_LINKS_DOWN] = "links-down",
	[HA_VRRP_R_MAINTENANCE] = "maintenance",
	[HA_VRRP_R_LOW_BANDWIDTH] = "low-bandwidth",
	[HA_VRRP_R_TAKEOVER] = "takeover",
	[HA_VRRP_R_FAST_FAILOVER] = "fast-failover",
	[HA_VRRP_R_RESIGN] = "resign",
	[HA_VRRP_R_SIMULATE] = "simulate",
	[HA_VRRP_R_MAX_FLAPS] = "max-flaps",
	[HA_VRRP_R_DISCONNECTED] = "disconnected",
};

const char *
ha_vrrp_reason_name(enum ha_vrrp_reason reason)
{
	if ((unsigned int)reason >= HA_VRRP_R_MAX)
		return "unknown";
	return reason_names[reason];
}

const char *
ha_vrrp_state_name(enum ha_vrrp_state state)
{
	switch (state) {
	case HA_VRRP_INIT:
		return "init";
	case HA_VRRP_BACKUP:
		return "backup";
	case HA_VRRP_MASTER:
		return "master";
	}
	return "unknown";
}

const char *
ha_vrrp_hold_name(enum ha_vrrp_hold hold)
{
	switch (hold) {
	case HA_VRRP_HOLD_NONE:
		return "none";
	case HA_VRRP_HOLD_NO_PREEMPT:
		return "no-preempt";
	case HA_VRRP_HOLD_DOWN:
		return "down";
	}
	return "unknown";
}

static uint64_t
cs_to_ns(uint16_t cs)
{
	return (uint64_t)cs * HA_VRRP_NS_PER_CS;
}

uint64_t
ha_vrrp_skew_time(uint8_t priority, uint16_t interval_cs)
{
	/* RFC 9568 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256. */
	return (uint64_t)(256 - priority) * cs_to_ns(interval_cs) / 256;
}

uint64_t
ha_vrrp_master_down_interval(uint8_t priority, uint16_t interval_cs)
{
	/* RFC 9568 6.1: Master_Down_Interval = (3 * Master_Adver_Interval) + Skew_Time. */
	return 3 * cs_to_ns(interval_cs) + ha_vrrp_skew_time(priority, interval_cs);
}

static size_t
addr_len(const struct ha_vrrp *vr)
{
	return vr->conf.family == 4 ? 4 : 16;
}

/* The Master_Down_Interval this backup waits for, from what the master advertises. */
static uint64_t
down_interval(const struct ha_vrrp *vr)
{
	return ha_vrrp_master_down_interval(vr->conf.priority, vr->master_adver_int);
}

/*
 * Whether a lower priority master may be preempted now. An owner always preempts (RFC 9568
 * 6.4.2 lets it: its adverts win anyway); any hold forbids it.
 */
static bool
may_preempt(const struct ha_vrrp *vr)
{
	return vr->hold == HA_VRRP_HOLD_NONE &&
	       (vr->conf.preempt || vr->conf.priority == HA_VRRP_PRIO_OWNER);
}

/* The next tick of a periodic timer that was due at @due: never in the past, never a burst. */
static uint64_t
next_tick(uint64_t due, uint64_t period, uint64_t now)
{
	uint64_t next = due + period;

	return next > now ? next : now + period;
}

static void
actions_clear(struct ha_vrrp_actions *act)
{
	memset(act, 0, sizeof(*act));
}

static void
send_advert(struct ha_vrrp *vr, struct ha_vrrp_actions *act, uint8_t priority)
{
	act->send_advert = true;
	act->advert_priority = priority;
	vr->cnt.adverts_sent++;
	if (priority == HA_VRRP_PRIO_STOP)
		vr->cnt.prio0_sent++;
}

static void
set_state(struct ha_vrrp *vr, struct ha_vrrp_actions *act, enum ha_vrrp_state state,
          enum ha_vrrp_reason reason)
{
	act->state_changed = true;
	act->old_state = vr->state;
	act->new_state = state;
	act->reason = reason;
	if (state == HA_VRRP_MASTER) {
		vr->cnt.master_transitions++;
		vr->cnt.last_master_reason = reason;
	}
	vr->state = state;
}

static void
forget_lower(struct ha_vrrp *vr)
{
	vr->lower_seen = false;
	vr->lower_since = 0;
	vr->lower_last = 0;
	vr->lower_int = 0;
}

/*
 * Become master (RFC 9568 6.4.1 for an owner, 6.4.2 when the Master_Down_Timer fires): send
 * an advertisement, announce the addresses (gratuitous ARP / unsolicited NA), start the
 * Adver_Timer.
 */
static void
become_master(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act,
              enum ha_vrrp_reason reason)
{
	send_advert(vr, act, vr->conf.priority);
	act->announce = true;
	vr->adver_at = now + cs_to_ns(vr->conf.advert_interval);
	vr->garp_at = vr->conf.garp_refresh_ns != 0 ? now + vr->conf.garp_refresh_ns : NEVER;
	vr->down_at = NEVER;
	vr->prio0_pending = false;
	forget_lower(vr);
	vr->master_known = true;
	memcpy(vr->master_addr, vr->conf.addr, sizeof(vr->master_addr));
	vr->master_prio = vr->conf.priority;
	vr->master_last = now;
	set_state(vr, act, HA_VRRP_MASTER, reason);
}

/*
 * Become backup with Master_Adver_Interval @interval (RFC 9568 6.4.1, 6.4.3): the
 * Master_Down_Timer starts from it. The caller says who the master is, if anyone.
 */
static void
become_backup(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act,
              enum ha_vrrp_reason reason, uint16_t interval)
{
	vr->master_adver_int = interval;
	vr->down_at = now + down_interval(vr);
	vr->adver_at = NEVER;
	vr->garp_at = NEVER;
	vr->prio0_pending = false;
	forget_lower(vr);
	set_state(vr, act, HA_VRRP_BACKUP, reason);
}

int
ha_vrrp_init(struct ha_vrrp *vr, const struct ha_vrrp_conf *conf)
{
	if (vr == NULL || conf == NULL || conf->vrid == 0 || conf->priority == 0 ||
	    conf->advert_interval == 0 || conf->advert_interval > HA_VRRP_INTERVAL_MAX ||
	    (conf->family != 4 && conf->family != 6) || conf->n_vips == 0 ||
	    conf->n_vips > HA_VRRP_MAX_VIPS)
		return -EINVAL;
	memset(vr, 0, sizeof(*vr));
	vr->conf = *conf;
	vr->state = HA_VRRP_INIT;
	vr->hold = HA_VRRP_HOLD_NONE;
	vr->master_adver_int = conf->advert_interval;
	vr->down_at = NEVER;
	vr->adver_at = NEVER;
	vr->garp_at = NEVER;
	return 0;
}

void
ha_vrrp_startup(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act)
{
	actions_clear(act);
	if (vr->state != HA_VRRP_INIT)
		return;
	/* RFC 9568 6.4.1: the owner becomes master at once, anyone else listens first. */
	if (vr->conf.priority == HA_VRRP_PRIO_OWNER && vr->hold == HA_VRRP_HOLD_NONE) {
		become_master(vr, now, act, HA_VRRP_R_STARTUP_OWNER);
		return;
	}
	vr->master_known = false;
	become_backup(vr, now, act, HA_VRRP_R_STARTUP, vr->conf.advert_interval);
}

void
ha_vrrp_shutdown(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act)
{
	(void)now;
	actions_clear(act);
	if (vr->state == HA_VRRP_INIT)
		return;
	/* RFC 9568 6.4.3: a master says it leaves, so backups wait only Skew_Time. */
	if (vr->state == HA_VRRP_MASTER)
		send_advert(vr, act, HA_VRRP_PRIO_STOP);
	vr->down_at = NEVER;
	vr->adver_at = NEVER;
	vr->garp_at = NEVER;
	vr->prio0_pending = false;
	forget_lower(vr);
	vr->master_known = false;
	set_state(vr, act, HA_VRRP_INIT, HA_VRRP_R_SHUTDOWN);
}

/* RFC 9568 6.4.2: an advertisement received in Backup. */
static void
backup_recv(struct ha_vrrp *vr, const struct ha_vrrp_advert *adv, uint64_t now)
{
	if (adv->priority == HA_VRRP_PRIO_STOP) {
		/* The master is leaving: take over after Skew_Time, not Master_Down_Interval. */
		vr->down_at = now + ha_vrrp_skew_time(vr->conf.priority, vr->master_adver_int);
		vr->prio0_pending = true;
		return;
	}
	/* Whoever advertises is the master, even one we are about to preempt. */
	vr->master_known = true;
	memcpy(vr->master_addr, adv->src, addr_len(vr));
	vr->master_prio = adv->priority;
	vr->master_last = now;
	if (!may_preempt(vr) || adv->priority >= vr->conf.priority) {
		/* Learn the master's interval and restart the Master_Down_Timer from it. */
		vr->master_adver_int = adv->max_adver_int;
		vr->down_at = now + down_interval(vr);
		vr->prio0_pending = false;
		forget_lower(vr);
		return;
	}
	/*
	 * Preempt_Mode and a lower priority: the RFC discards the advertisement, so the
	 * Master_Down_Timer runs out and we take over. Remember the lower master for the preempt
	 * delay and for the reason.
	 */
	if (!vr->lower_seen) {
		vr->lower_seen = true;
		vr->lower_since = now;
	}
	vr->lower_last = now;
	vr->lower_int = adv->max_adver_int;
}

/* RFC 9568 6.4.3: an advertisement received in Master. */
static void
master_recv(struct ha_vrrp *vr, const struct ha_vrrp_advert *adv, uint64_t now,
            struct ha_vrrp_actions *act)
{
	int cmp;

	if (adv->priority == HA_VRRP_PRIO_STOP) {
		/* Someone left: show at once who the master is. */
		send_advert(vr, act, vr->conf.priority);
		vr->adver_at = now + cs_to_ns(vr->conf.advert_interval);
		return;
	}
	/* Addresses compare as unsigned integers in network byte order: memcmp does that. */
	cmp = memcmp(adv->src, vr->conf.addr, addr_len(vr));
	if (adv->priority > vr->conf.priority || (adv->priority == vr->conf.priority && cmp > 0)) {
		vr->master_known = true;
		memcpy(vr->master_addr, adv->src, addr_len(vr));
		vr->master_prio = adv->priority;
		vr->master_last = now;
		become_backup(vr, now, act,
		              adv->priority > vr->conf.priority ? HA_VRRP_R_HIGHER_PRIORITY
		                                                : HA_VRRP_R_HIGHER_ADDRESS,
		              adv->max_adver_int);
		return;
	}
	/*
	 * RFC 9568 6.4.3 (new since RFC 5798): discard it, but advertise at once so the other
	 * router and the learning bridges see the master now.
	 */
	send_advert(vr, act, vr->conf.priority);
	vr->adver_at = now + cs_to_ns(vr->conf.advert_interval);
}

int
ha_vrrp_recv(struct ha_vrrp *vr, const struct ha_vrrp_advert *adv, uint64_t now,
             struct ha_vrrp_actions *act)
{
	actions_clear(act);
	if (vr == NULL || adv == NULL || adv->addrs == NULL || adv->vrid != vr->conf.vrid ||
	    adv->family != vr->conf.family || adv->max_adver_int == 0 ||
	    adv->max_adver_int > HA_VRRP_INTERVAL_MAX)
		return -EINVAL;
	/* A frame we sent that came back (a loop, a hub): not another router. */
	if (memcmp(adv->src, vr->conf.addr, addr_len(vr)) == 0)
		return -ELOOP;

	vr->cnt.adverts_rcvd++;
	if (adv->priority == HA_VRRP_PRIO_STOP)
		vr->cnt.prio0_rcvd++;
	/*
	 * RFC 9568 7.1: the receiver SHOULD check the interval and MAY check the address list;
	 * a mismatch is counted (and logged by the caller) but the advertisement still counts:
	 * a backup learns the master's interval.
	 */
	if (adv->max_adver_int != vr->conf.advert_interval)
		vr->cnt.interval_errors++;
	if (ha_vrrp_pkt_addrs_check(adv, (const uint8_t(*)[16])vr->conf.vips, vr->conf.n_vips) != 0)
		vr->cnt.addr_list_errors++;

	if (vr->state == HA_VRRP_BACKUP)
		backup_recv(vr, adv, now);
	else if (vr->state == HA_VRRP_MASTER)
		master_recv(vr, adv, now, act);
	return 0;
}

/* RFC 9568 6.4.2: the Master_Down_Timer of a backup ran out. */
static void
backup_timer(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act)
{
	uint64_t lower_dead_at;
	bool lower_alive;

	if (now < vr->down_at)
		return;
	if (vr->hold == HA_VRRP_HOLD_DOWN) {
		/* Never master while held down; no master is heard any more. */
		vr->down_at = NEVER;
		vr->master_known = false;
		vr->prio0_pending = false;
		return;
	}
	if (vr->prio0_pending) {
		become_master(vr, now, act, HA_VRRP_R_PRIORITY_ZERO);
		return;
	}
	/* A lower priority master whose adverts we discarded: is it still there? */
	lower_dead_at =
		vr->lower_last + ha_vrrp_master_down_interval(vr->conf.priority, vr->lower_int);
	lower_alive = vr->lower_seen && lower_dead_at > now;
	if (lower_alive && !may_preempt(vr)) {
		/* A hold came after we started preempting: wait for that master to die. */
		vr->down_at = lower_dead_at;
		return;
	}
	if (lower_alive && now < vr->lower_since + vr->conf.preempt_delay_ns) {
		/*
		 * Preempt delay: a lower priority master is preempted no sooner than the delay
		 * after it was first heard (as keepalived's preempt_delay; 0 is the RFC). Should
		 * it fall silent meanwhile, it is replaced as a dead master would be.
		 */
		vr->down_at = vr->lower_since + vr->conf.preempt_delay_ns;
		if (lower_dead_at < vr->down_at)
			vr->down_at = lower_dead_at;
		return;
	}
	become_master(vr, now, act, lower_alive ? HA_VRRP_R_PREEMPT : HA_VRRP_R_MASTER_DOWN);
}

/* RFC 9568 6.4.3: the Adver_Timer of a master, and the announce refresh. */
static void
master_timer(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act)
{
	if (now >= vr->adver_at) {
		send_advert(vr, act, vr->conf.priority);
		vr->adver_at = next_tick(vr->adver_at, cs_to_ns(vr->conf.advert_interval), now);
	}
	if (now >= vr->garp_at) {
		act->announce = true;
		vr->garp_at = next_tick(vr->garp_at, vr->conf.garp_refresh_ns, now);
	}
}

void
ha_vrrp_timer(struct ha_vrrp *vr, uint64_t now, struct ha_vrrp_actions *act)
{
	actions_clear(act);
	if (vr->state == HA_VRRP_BACKUP)
		backup_timer(vr, now, act);
	else if (vr->state == HA_VRRP_MASTER)
		master_timer(vr, now, act);
}

void
ha_vrrp_hold(struct ha_vrrp *vr, enum ha_vrrp_hold level, enum ha_vrrp_reason reason, uint64_t now,
             struct ha_vrrp_actions *act)
{
	enum ha_vrrp_hold old = vr->hold;

	actions_clear(act);
	if (level != HA_VRRP_HOLD_NONE && level != HA_VRRP_HOLD_NO_PREEMPT &&
	    level != HA_VRRP_HOLD_DOWN)
		return;
	if (level == old)
		return;
	vr->hold = level;
	if (level == HA_VRRP_HOLD_DOWN) {
		if (vr->state != HA_VRRP_MASTER)
			return;
		/* Give the addresses away as a shutdown does: backups take over after Skew_Time. */
		send_advert(vr, act, HA_VRRP_PRIO_STOP);
		vr->master_known = false;
		become_backup(vr, now, act, reason != HA_VRRP_R_NONE ? reason : HA_VRRP_R_HELD_DOWN,
		              vr->conf.advert_interval);
		return;
	}
	if (old != HA_VRRP_HOLD_DOWN || vr->state != HA_VRRP_BACKUP)
		return;
	/*
	 * Released from DOWN: what we heard while held (perhaps nothing, with our links down)
	 * may be stale, so start over as from Initialize (RFC 9568 6.4.1).
	 */
	if (vr->conf.priority == HA_VRRP_PRIO_OWNER && level == HA_VRRP_HOLD_NONE) {
		become_master(vr, now, act, reason != HA_VRRP_R_NONE ? reason : HA_VRRP_R_RELEASED);
		return;
	}
	vr->down_at = now + down_interval(vr);
	vr->prio0_pending = false;
	forget_lower(vr);
}

int
ha_vrrp_takeover(struct ha_vrrp *vr, enum ha_vrrp_reason reason, uint64_t now,
                 struct ha_vrrp_actions *act)
{
	actions_clear(act);
	if (vr->state == HA_VRRP_INIT)
		return -EAGAIN;
	if (vr->state == HA_VRRP_MASTER)
		return -EALREADY;
	if (vr->hold == HA_VRRP_HOLD_DOWN)
		return -EPERM;
	become_master(vr, now, act, reason != HA_VRRP_R_NONE ? reason : HA_VRRP_R_TAKEOVER);
	return 0;
}

int
ha_vrrp_resign(struct ha_vrrp *vr, enum ha_vrrp_reason reason, uint64_t now,
               struct ha_vrrp_actions *act)
{
	actions_clear(act);
	if (vr->state == HA_VRRP_INIT)
		return -EAGAIN;
	if (vr->state == HA_VRRP_BACKUP)
		return -EALREADY;
	send_advert(vr, act, HA_VRRP_PRIO_STOP);
	vr->master_known = false;
	become_backup(vr, now, act, reason != HA_VRRP_R_NONE ? reason : HA_VRRP_R_RESIGN,
	              vr->conf.advert_interval);
	return 0;
}

void
ha_vrrp_error_count(struct ha_vrrp *vr, int err)
{
	switch (-err) {
	case HA_VRRP_ERR_NOT_VRRP:
	case HA_VRRP_ERR_DEST:
		vr->cnt.other_errors++;
		break;
	case HA_VRRP_ERR_LENGTH:
		vr->cnt.length_errors++;
		break;
	case HA_VRRP_ERR_TTL:
		vr->cnt.ttl_errors++;
		break;
	case HA_VRRP_ERR_VERSION:
		vr->cnt.version_errors++;
		break;
	case HA_VRRP_ERR_TYPE:
		vr->cnt.type_errors++;
		break;
	case HA_VRRP_ERR_CHECKSUM:
		vr->cnt.checksum_errors++;
		break;
	case HA_VRRP_ERR_VRID:
		vr->cnt.vrid_errors++;
		break;
	case HA_VRRP_ERR_INTERVAL:
		vr->cnt.interval_errors++;
		break;
	case HA_VRRP_ERR_ADDR_LIST:
		vr->cnt.addr_list_errors++;
		break;
	default:
		break; /* not a decode error: nothing to count */
	}
}

uint64_t
ha_vrrp_deadline(const struct ha_vrrp *vr)
{
	switch (vr->state) {
	case HA_VRRP_BACKUP:
		return vr->down_at;
	case HA_VRRP_MASTER:
		return vr->adver_at < vr->garp_at ? vr->adver_at : vr->garp_at;
	case HA_VRRP_INIT:
		break;
	}
	return NEVER;
}

enum ha_vrrp_state
ha_vrrp_state_get(const struct ha_vrrp *vr)
{
	return vr->state;
}

uint8_t
ha_vrrp_priority_effective(const struct ha_vrrp *vr)
{
	return vr->hold == HA_VRRP_HOLD_DOWN ? 0 : vr->conf.priority;
}

int
ha_vrrp_master_get(const struct ha_vrrp *vr, uint8_t addr[16])
{
	if (!vr->master_known || vr->state == HA_VRRP_INIT)
		return -ENOENT;
	memset(addr, 0, 16);
	memcpy(addr, vr->master_addr, addr_len(vr));
	return 0;
}

void
ha_vrrp_status_get(const struct ha_vrrp *vr, struct ha_vrrp_status *out)
{
	memset(out, 0, sizeof(*out));
	out->state = vr->state;
	out->hold = vr->hold;
	out->priority = vr->conf.priority;
	out->effective_priority = ha_vrrp_priority_effective(vr);
	out->advert_interval = vr->conf.advert_interval;
	out->master_adver_int = vr->master_adver_int;
	out->master_known = ha_vrrp_master_get(vr, out->master_addr) == 0;
	out->master_priority = out->master_known ? vr->master_prio : 0;
	out->master_last = vr->master_last;
	out->skew_time = ha_vrrp_skew_time(vr->conf.priority, vr->master_adver_int);
	out->master_down_interval = down_interval(vr);
	out->deadline = ha_vrrp_deadline(vr);
}

void
ha_vrrp_counters_get(const struct ha_vrrp *vr, struct ha_vrrp_counters *out)
{
	*out = vr->cnt;
}
