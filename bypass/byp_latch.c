/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass latch: which reasons hold the wire in bypass, and when it may go inline again.
 *
 * A reason, once it engaged, stays until something that may clear it happens:
 *   start-up            ready (the node finished starting), or the operator;
 *   watchdog, max-flaps, link-failure
 *                       the operator (rearm = manual), or rearm_after_s of unbroken good
 *                       health after the last engage (rearm = auto);
 *   operator            the operator only: an automatic re-arm never undoes a person;
 *   stop                nothing: the process is leaving.
 * The operator's clear is refused while the node is unhealthy, so a clear cannot put the
 * wire back through a dataplane that does not work. Disconnect is an operator state on top:
 * while set, the device drops both ways whatever the reasons are, until a clear.
 *
 * Out of inline, the wire is bypassed only when the node's fail-safe state says so, or the
 * operator engaged: on an HA standby the fail-safe state is disconnect, so that a watchdog, a
 * start-up or a flap limit never wires a second path beside the node that forwards.
 */
#include <errno.h>
#include <string.h>

#include "byp.h"

static void
record(struct byp_latch *l, uint64_t at_ns, enum byp_event_kind kind, enum byp_reason reason,
       enum byp_state from, enum byp_state to)
{
	struct byp_record *r = &l->hist[l->hist_next];

	r->at_ns = at_ns;
	r->kind = kind;
	r->reason = reason;
	r->from = from;
	r->to = to;
	l->hist_next = (l->hist_next + 1) % BYP_HISTORY_MAX;
	if (l->hist_count < BYP_HISTORY_MAX)
		l->hist_count++;
}

/* What the device must do, from the reasons and the disconnect flag. */
static enum byp_state
wanted(const struct byp_latch *l)
{
	if (l->stopped)
		return l->conf.stop_disconnect ? BYP_STATE_DISCONNECT : l->failsafe;
	if (l->disconnected)
		return BYP_STATE_DISCONNECT;
	if (l->reasons == 0)
		return BYP_STATE_INLINE;
	/* A person who engaged asked for bypass, and was told what it means. */
	if (l->reasons & (1u << BYP_REASON_OPERATOR))
		return BYP_STATE_BYPASS;
	return l->failsafe;
}

/* Move to what the reasons now say; record it when the state changes, or always when @force
 * (an engage is recorded even when the wire was in bypass already). */
static bool
settle(struct byp_latch *l, uint64_t at_ns, uint64_t now_ns, enum byp_event_kind kind,
       enum byp_reason reason, bool force)
{
	enum byp_state from = l->state, to = wanted(l);

	if (from == to && !force)
		return false;
	if (from != to) {
		l->state = to;
		l->since_ns = now_ns;
		if (to == BYP_STATE_INLINE)
			l->rearms++;
	}
	record(l, at_ns, kind, reason, from, to);
	return from != to;
}

void
byp_latch_init(struct byp_latch *l, const struct byp_latch_conf *conf, uint64_t now_ns,
               const struct byp_record *earlier)
{
	memset(l, 0, sizeof(*l));
	if (earlier != NULL)
		record(l, earlier->at_ns, earlier->kind, earlier->reason, earlier->from,
		       earlier->to);
	l->conf = *conf;
	l->healthy = true;
	l->healthy_since_ns = now_ns;
	l->since_ns = now_ns;
	l->state = BYP_STATE_INLINE;
	l->failsafe =
		conf->failsafe == BYP_STATE_DISCONNECT ? BYP_STATE_DISCONNECT : BYP_STATE_BYPASS;
	if (conf->start_in_bypass) {
		l->reasons = 1u << BYP_REASON_START_UP;
		l->engaged_ns = now_ns;
		l->last_reason = BYP_REASON_START_UP;
		l->engages[BYP_REASON_START_UP]++;
		l->state = l->failsafe;
		record(l, now_ns, BYP_EV_ENGAGE, BYP_REASON_START_UP, BYP_STATE_INLINE, l->state);
	}
}

uint64_t
byp_latch_rearm_at(const struct byp_latch *l)
{
	uint64_t from;

	if (!l->conf.rearm_auto || l->stopped || l->disconnected || !l->ready || !l->healthy)
		return 0;
	if (l->reasons == 0 || (l->reasons & ~BYP_AUTO_REASONS) != 0)
		return 0;
	from = l->healthy_since_ns > l->engaged_ns ? l->healthy_since_ns : l->engaged_ns;
	return from + l->conf.rearm_after_ns;
}

static int
step_engage(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed)
{
	if (ev->reason <= BYP_REASON_NONE || ev->reason >= BYP_REASON__MAX ||
	    ev->reason == BYP_REASON_STOP)
		return -EINVAL;
	l->reasons |= 1u << ev->reason;
	l->engaged_ns = now_ns;
	l->last_reason = ev->reason;
	l->engages[ev->reason]++;
	*changed = settle(l, now_ns, now_ns, BYP_EV_ENGAGE, ev->reason, true);
	return 0;
}

static int
step_watchdog(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed)
{
	uint64_t at = ev->at_ns != 0 ? ev->at_ns : now_ns;

	/* Only an inline device can latch by itself; in bypass or disconnect there is
	 * nothing for its watchdog to change. */
	if (l->state != BYP_STATE_INLINE)
		return 0;
	l->reasons |= 1u << BYP_REASON_WATCHDOG;
	/* Health must hold for rearm_after_s from now, when the latch learnt of it, even
	 * when the device latched a while ago. */
	l->engaged_ns = now_ns;
	l->last_reason = BYP_REASON_WATCHDOG;
	l->engages[BYP_REASON_WATCHDOG]++;
	*changed = settle(l, at, now_ns, BYP_EV_WATCHDOG, BYP_REASON_WATCHDOG, true);
	return 0;
}

static int
step_disconnect(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed)
{
	if (ev->reason <= BYP_REASON_NONE || ev->reason >= BYP_REASON__MAX ||
	    ev->reason == BYP_REASON_STOP)
		return -EINVAL;
	l->disconnected = true;
	l->engaged_ns = now_ns;
	l->last_reason = ev->reason;
	*changed = settle(l, now_ns, now_ns, BYP_EV_DISCONNECT, ev->reason, true);
	return 0;
}

static int
step_clear(struct byp_latch *l, uint64_t now_ns, bool *changed)
{
	if (!l->healthy)
		return -EBUSY;
	l->disconnected = false;
	/* Before the node is ready, start-up bypass is not the operator's to end. */
	l->reasons &= l->ready ? 0u : 1u << BYP_REASON_START_UP;
	*changed = settle(l, now_ns, now_ns, BYP_EV_CLEAR, BYP_REASON_OPERATOR, true);
	return 0;
}

static int
step_ready(struct byp_latch *l, uint64_t now_ns, bool *changed)
{
	if (l->ready)
		return 0;
	l->ready = true;
	l->reasons &= ~(1u << BYP_REASON_START_UP);
	*changed = settle(l, now_ns, now_ns, BYP_EV_READY, BYP_REASON_START_UP, false);
	return 0;
}

static int
step_failsafe(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed)
{
	if (ev->failsafe != BYP_STATE_BYPASS && ev->failsafe != BYP_STATE_DISCONNECT)
		return -EINVAL;
	if (ev->failsafe == l->failsafe)
		return 0;
	l->failsafe = ev->failsafe;
	*changed = settle(l, now_ns, now_ns, BYP_EV_FAILSAFE, BYP_REASON_NONE, false);
	return 0;
}

static int
step_tick(struct byp_latch *l, uint64_t now_ns, bool *changed)
{
	uint64_t at = byp_latch_rearm_at(l);

	if (at == 0 || now_ns < at)
		return 0;
	l->reasons = 0;
	*changed = settle(l, now_ns, now_ns, BYP_EV_TICK, BYP_REASON_NONE, false);
	return 0;
}

int
byp_latch_step(struct byp_latch *l, const struct byp_event *ev, uint64_t now_ns, bool *changed)
{
	bool dummy;

	if (changed == NULL)
		changed = &dummy;
	*changed = false;
	if (l->stopped && ev->kind != BYP_EV_HEALTH && ev->kind != BYP_EV_TICK)
		return -ESHUTDOWN;
	switch (ev->kind) {
	case BYP_EV_ENGAGE:
		return step_engage(l, ev, now_ns, changed);
	case BYP_EV_DISCONNECT:
		return step_disconnect(l, ev, now_ns, changed);
	case BYP_EV_WATCHDOG:
		return step_watchdog(l, ev, now_ns, changed);
	case BYP_EV_READY:
		return step_ready(l, now_ns, changed);
	case BYP_EV_CLEAR:
		return step_clear(l, now_ns, changed);
	case BYP_EV_HEALTH:
		if (ev->healthy != l->healthy) {
			l->healthy = ev->healthy;
			if (ev->healthy)
				l->healthy_since_ns = now_ns;
		}
		return 0;
	case BYP_EV_TICK:
		if (l->stopped)
			return 0;
		return step_tick(l, now_ns, changed);
	case BYP_EV_STOP:
		l->stopped = true;
		l->reasons |= 1u << BYP_REASON_STOP;
		l->last_reason = BYP_REASON_STOP;
		*changed = settle(l, now_ns, now_ns, BYP_EV_STOP, BYP_REASON_STOP, true);
		return 0;
	case BYP_EV_FAILSAFE:
		return step_failsafe(l, ev, now_ns, changed);
	case BYP_EV__MAX:
		break;
	}
	return -EINVAL;
}

bool
byp_latch_history(const struct byp_latch *l, unsigned int i, struct byp_record *rec)
{
	if (i >= l->hist_count)
		return false;
	*rec = l->hist[(l->hist_next + BYP_HISTORY_MAX - 1 - i) % BYP_HISTORY_MAX];
	return true;
}
