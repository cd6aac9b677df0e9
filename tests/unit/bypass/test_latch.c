/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass latch: every trigger, what holds bypass, what releases it (ready, operator
 * clear, automatic re-arm after stable health), disconnect, stop, and the history. The clock
 * is a plain number passed to every step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "byp.h"

#define S 1000000000ull /* one second in the latch's nanoseconds */

static const struct byp_latch_conf manual = {
	.start_in_bypass = true,
	.rearm_auto = false,
	.rearm_after_ns = 30 * S,
};

static const struct byp_latch_conf automatic = {
	.start_in_bypass = true,
	.rearm_auto = true,
	.rearm_after_ns = 30 * S,
};

static int
step(struct byp_latch *l, enum byp_event_kind kind, enum byp_reason reason, uint64_t now,
     bool *changed)
{
	struct byp_event ev = { .kind = kind, .reason = reason };

	return byp_latch_step(l, &ev, now, changed);
}

static void
health(struct byp_latch *l, bool healthy, uint64_t now)
{
	struct byp_event ev = { .kind = BYP_EV_HEALTH, .healthy = healthy };
	bool changed = true;

	assert_int_equal(byp_latch_step(l, &ev, now, &changed), 0);
	assert_false(changed);
}

/* A latch that started in bypass and is ready (inline) at 1 s. */
static void
ready_latch(struct byp_latch *l, const struct byp_latch_conf *conf)
{
	bool changed = false;

	byp_latch_init(l, conf, 0, NULL);
	assert_int_equal(step(l, BYP_EV_READY, BYP_REASON_NONE, 1 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l->state, BYP_STATE_INLINE);
}

static void
test_byp_latch_init_start_in_bypass(void **state)
{
	struct byp_latch l;
	struct byp_record r;

	(void)state;
	byp_latch_init(&l, &manual, 5, NULL);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.reasons, 1u << BYP_REASON_START_UP);
	assert_int_equal(l.last_reason, BYP_REASON_START_UP);
	assert_false(l.ready);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_ENGAGE);
	assert_int_equal(r.reason, BYP_REASON_START_UP);
	assert_int_equal(r.from, BYP_STATE_INLINE);
	assert_int_equal(r.to, BYP_STATE_BYPASS);
	assert_int_equal(r.at_ns, 5);
	assert_false(byp_latch_history(&l, 1, &r));
}

static void
test_byp_latch_init_start_inline(void **state)
{
	struct byp_latch_conf c = manual;
	struct byp_latch l;
	struct byp_record r;

	(void)state;
	c.start_in_bypass = false;
	byp_latch_init(&l, &c, 0, NULL);
	assert_int_equal(l.state, BYP_STATE_INLINE);
	assert_int_equal(l.reasons, 0);
	assert_false(byp_latch_history(&l, 0, &r));
}

static void
test_byp_latch_ready_arms_once(void **state)
{
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	ready_latch(&l, &manual);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_READY);
	assert_int_equal(r.to, BYP_STATE_INLINE);
	assert_int_equal(l.rearms, 1);
	/* A second ready changes nothing and records nothing. */
	assert_int_equal(step(&l, BYP_EV_READY, BYP_REASON_NONE, 2 * S, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.hist_count, 2);
}

static void
test_byp_latch_ready_keeps_other_reasons(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	byp_latch_init(&l, &manual, 0, NULL);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 1, &changed), 0);
	assert_false(changed); /* bypass already, but recorded */
	assert_int_equal(l.hist_count, 2);
	assert_int_equal(step(&l, BYP_EV_READY, BYP_REASON_NONE, 2, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.reasons, 1u << BYP_REASON_MAX_FLAPS);
}

static void
test_byp_latch_engage_every_reason(void **state)
{
	static const enum byp_reason reasons[] = {
		BYP_REASON_WATCHDOG, BYP_REASON_MAX_FLAPS,    BYP_REASON_OPERATOR,
		BYP_REASON_START_UP, BYP_REASON_LINK_FAILURE,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		struct byp_latch l;
		struct byp_record r;
		bool changed = false;

		ready_latch(&l, &manual);
		assert_int_equal(step(&l, BYP_EV_ENGAGE, reasons[i], 7 * S, &changed), 0);
		assert_true(changed);
		assert_int_equal(l.state, BYP_STATE_BYPASS);
		assert_int_equal(l.last_reason, reasons[i]);
		assert_true(l.reasons & (1u << reasons[i]));
		assert_true(byp_latch_history(&l, 0, &r));
		assert_int_equal(r.kind, BYP_EV_ENGAGE);
		assert_int_equal(r.reason, reasons[i]);
		assert_int_equal(r.at_ns, 7 * S);
		assert_int_equal(r.from, BYP_STATE_INLINE);
		assert_int_equal(r.to, BYP_STATE_BYPASS);
		assert_int_equal(l.since_ns, 7 * S);
	}
}

static void
test_byp_latch_engage_bad_reason(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &manual);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_NONE, 1, &changed), -EINVAL);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON__MAX, 1, &changed), -EINVAL);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_STOP, 1, &changed), -EINVAL);
	assert_int_equal(step(&l, BYP_EV_DISCONNECT, BYP_REASON_NONE, 1, &changed), -EINVAL);
	assert_int_equal(step(&l, BYP_EV__MAX, BYP_REASON_NONE, 1, &changed), -EINVAL);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_manual_needs_clear(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &manual);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_WATCHDOG, 2 * S, &changed), 0);
	/* Hours of good health change nothing with manual re-arm. */
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 3600 * S, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(byp_latch_rearm_at(&l), 0);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 3601 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_INLINE);
	assert_int_equal(l.reasons, 0);
}

static void
test_byp_latch_clear_refused_unhealthy(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &manual);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 2 * S, &changed), 0);
	health(&l, false, 3 * S);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 4 * S, &changed), -EBUSY);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	health(&l, true, 5 * S);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 6 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_clear_before_ready_keeps_start_up(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	byp_latch_init(&l, &manual, 0, NULL);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_OPERATOR, 1, &changed), 0);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 2, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.reasons, 1u << BYP_REASON_START_UP);
	assert_int_equal(step(&l, BYP_EV_READY, BYP_REASON_NONE, 3, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_auto_rearm_after_stable_health(void **state)
{
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 10 * S, &changed), 0);
	assert_int_equal(byp_latch_rearm_at(&l), 40 * S);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 40 * S - 1, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 40 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_INLINE);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_TICK);
	assert_string_equal(byp_event_name(r.kind), "auto-rearm");
	assert_int_equal(r.at_ns, 40 * S);
}

static void
test_byp_latch_auto_rearm_restarts_on_bad_health(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_LINK_FAILURE, 10 * S, &changed), 0);
	health(&l, false, 20 * S);
	assert_int_equal(byp_latch_rearm_at(&l), 0);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 100 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	/* Healthy again at 100 s: 30 s from then, not from the engage. */
	health(&l, true, 100 * S);
	assert_int_equal(byp_latch_rearm_at(&l), 130 * S);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 129 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 130 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_auto_rearm_restarts_on_new_engage(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 10 * S, &changed), 0);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 25 * S, &changed), 0);
	assert_int_equal(byp_latch_rearm_at(&l), 55 * S);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 41 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.engages[BYP_REASON_MAX_FLAPS], 2);
}

static void
test_byp_latch_auto_never_undoes_operator(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_WATCHDOG, 2 * S, &changed), 0);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_OPERATOR, 3 * S, &changed), 0);
	assert_int_equal(byp_latch_rearm_at(&l), 0);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 1000 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 1001 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_auto_waits_for_ready(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	byp_latch_init(&l, &automatic, 0, NULL);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 1 * S, &changed), 0);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 100 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(byp_latch_rearm_at(&l), 0);
}

static void
test_byp_latch_watchdog_records_device_time(void **state)
{
	struct byp_event ev = { .kind = BYP_EV_WATCHDOG, .at_ns = 12 * S };
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(byp_latch_step(&l, &ev, 13 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.last_reason, BYP_REASON_WATCHDOG);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.at_ns, 12 * S);
	/* Re-arm counts from when the latch learnt of it. */
	assert_int_equal(byp_latch_rearm_at(&l), 43 * S);
}

static void
test_byp_latch_watchdog_ignored_out_of_inline(void **state)
{
	struct byp_event ev = { .kind = BYP_EV_WATCHDOG };
	struct byp_latch l;
	bool changed;

	(void)state;
	byp_latch_init(&l, &manual, 0, NULL);
	assert_int_equal(byp_latch_step(&l, &ev, 1, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.reasons, 1u << BYP_REASON_START_UP);
	assert_int_equal(l.engages[BYP_REASON_WATCHDOG], 0);
	assert_int_equal(l.hist_count, 1);
}

static void
test_byp_latch_disconnect_and_clear(void **state)
{
	struct byp_latch l;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_DISCONNECT, BYP_REASON_OPERATOR, 2 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	/* An engage while disconnected is recorded, but the operator's choice stands. */
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_MAX_FLAPS, 3 * S, &changed), 0);
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 1000 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 1001 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_INLINE);
	assert_false(l.disconnected);
}

static void
test_byp_latch_stop_bypass_then_frozen(void **state)
{
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	ready_latch(&l, &automatic);
	assert_int_equal(step(&l, BYP_EV_STOP, BYP_REASON_NONE, 2 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_STOP);
	assert_int_equal(r.reason, BYP_REASON_STOP);
	assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 3 * S, &changed), -ESHUTDOWN);
	assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_OPERATOR, 3 * S, &changed), -ESHUTDOWN);
	assert_int_equal(step(&l, BYP_EV_STOP, BYP_REASON_NONE, 3 * S, &changed), -ESHUTDOWN);
	assert_int_equal(step(&l, BYP_EV_TICK, BYP_REASON_NONE, 1000 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
}

static void
test_byp_latch_stop_inline_down_disconnects(void **state)
{
	struct byp_latch_conf c = manual;
	struct byp_latch l;
	bool changed;

	(void)state;
	c.stop_disconnect = true;
	ready_latch(&l, &c);
	assert_int_equal(step(&l, BYP_EV_STOP, BYP_REASON_NONE, 2 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
}

static void
test_byp_latch_history_wraps_newest_first(void **state)
{
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	ready_latch(&l, &manual);
	for (uint64_t i = 0; i < BYP_HISTORY_MAX + 10; i++)
		assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_OPERATOR, 100 + i, &changed),
		                 0);
	assert_int_equal(l.hist_count, BYP_HISTORY_MAX);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.at_ns, 100 + BYP_HISTORY_MAX + 9);
	assert_true(byp_latch_history(&l, BYP_HISTORY_MAX - 1, &r));
	assert_int_equal(r.at_ns, 110);
	assert_false(byp_latch_history(&l, BYP_HISTORY_MAX, &r));
	assert_int_equal(l.engages[BYP_REASON_OPERATOR], BYP_HISTORY_MAX + 10);
}

static void
test_byp_latch_init_earlier_is_history_only(void **state)
{
	struct byp_record in = { .at_ns = 3,
		                 .kind = BYP_EV_WATCHDOG,
		                 .reason = BYP_REASON_WATCHDOG,
		                 .from = BYP_STATE_INLINE,
		                 .to = BYP_STATE_BYPASS };
	struct byp_latch l;
	struct byp_record r;
	bool changed;

	(void)state;
	byp_latch_init(&l, &manual, 5, &in);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_int_equal(l.reasons, 1u << BYP_REASON_START_UP);
	assert_int_equal(l.engages[BYP_REASON_WATCHDOG], 0);
	/* In the order they happened: the earlier record, then the start-up engage. */
	assert_true(byp_latch_history(&l, 1, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.at_ns, 3);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.reason, BYP_REASON_START_UP);
	/* Ready arms: the earlier watchdog holds nothing. */
	assert_int_equal(step(&l, BYP_EV_READY, BYP_REASON_NONE, 6, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
failsafe(struct byp_latch *l, enum byp_state fs, uint64_t now, bool *changed)
{
	struct byp_event ev = { .kind = BYP_EV_FAILSAFE, .failsafe = fs };

	assert_int_equal(byp_latch_step(l, &ev, now, changed), 0);
}

static void
test_byp_latch_failsafe_start_up_disconnects(void **state)
{
	struct byp_latch_conf conf = manual;
	struct byp_latch l;
	struct byp_record r;
	bool changed = false;

	(void)state;
	conf.failsafe = BYP_STATE_DISCONNECT;
	byp_latch_init(&l, &conf, 5, NULL);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.to, BYP_STATE_DISCONNECT);
	/* Ready ends start-up whatever the fail-safe state held. */
	assert_int_equal(step(&l, BYP_EV_READY, BYP_REASON_NONE, 1 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_INLINE);
}

static void
test_byp_latch_failsafe_watchdog_follows(void **state)
{
	struct byp_latch l;
	struct byp_record r;
	bool changed = false;

	(void)state;
	ready_latch(&l, &manual);
	failsafe(&l, BYP_STATE_DISCONNECT, 2 * S, &changed);
	/* Inline stays inline: the fail-safe state only says where a fail-open event goes. */
	assert_false(changed);
	assert_int_equal(l.state, BYP_STATE_INLINE);
	assert_int_equal(step(&l, BYP_EV_WATCHDOG, BYP_REASON_NONE, 3 * S, &changed), 0);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.to, BYP_STATE_DISCONNECT);
	/* The node becomes the only one forwarding: the held wire is bypassed now. */
	failsafe(&l, BYP_STATE_BYPASS, 4 * S, &changed);
	assert_true(changed);
	assert_int_equal(l.state, BYP_STATE_BYPASS);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.kind, BYP_EV_FAILSAFE);
	assert_int_equal(r.from, BYP_STATE_DISCONNECT);
	assert_int_equal(r.to, BYP_STATE_BYPASS);
	/* The same state again is no change and no record. */
	failsafe(&l, BYP_STATE_BYPASS, 5 * S, &changed);
	assert_false(changed);
	assert_true(byp_latch_history(&l, 0, &r));
	assert_int_equal(r.at_ns, 4 * S);
}

static void
test_byp_latch_failsafe_triggers_follow(void **state)
{
	static const enum byp_reason reasons[] = { BYP_REASON_MAX_FLAPS, BYP_REASON_LINK_FAILURE };
	bool changed = false;

	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		struct byp_latch l;

		ready_latch(&l, &manual);
		failsafe(&l, BYP_STATE_DISCONNECT, 2 * S, &changed);
		assert_int_equal(step(&l, BYP_EV_ENGAGE, reasons[i], 3 * S, &changed), 0);
		assert_true(changed);
		assert_int_equal(l.state, BYP_STATE_DISCONNECT);
		/* The operator's engage is bypass, even on top. */
		assert_int_equal(step(&l, BYP_EV_ENGAGE, BYP_REASON_OPERATOR, 4 * S, &changed), 0);
		assert_true(changed);
		assert_int_equal(l.state, BYP_STATE_BYPASS);
		assert_int_equal(step(&l, BYP_EV_CLEAR, BYP_REASON_NONE, 5 * S, &changed), 0);
		assert_int_equal(l.state, BYP_STATE_INLINE);
	}
}

static void
test_byp_latch_failsafe_stop_and_invalid(void **state)
{
	struct byp_event ev = { .kind = BYP_EV_FAILSAFE, .failsafe = BYP_STATE_INLINE };
	struct byp_latch l;
	bool changed = false;

	(void)state;
	ready_latch(&l, &manual);
	assert_int_equal(byp_latch_step(&l, &ev, 2 * S, &changed), -EINVAL);
	ev.failsafe = (enum byp_state)7;
	assert_int_equal(byp_latch_step(&l, &ev, 2 * S, &changed), -EINVAL);
	assert_int_equal(l.failsafe, BYP_STATE_BYPASS);
	failsafe(&l, BYP_STATE_DISCONNECT, 3 * S, &changed);
	/* on_stop = bypass leaves a standby disconnected, and nothing moves it after. */
	assert_int_equal(step(&l, BYP_EV_STOP, BYP_REASON_NONE, 4 * S, &changed), 0);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
	ev.failsafe = BYP_STATE_BYPASS;
	assert_int_equal(byp_latch_step(&l, &ev, 5 * S, &changed), -ESHUTDOWN);
	assert_int_equal(l.state, BYP_STATE_DISCONNECT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byp_latch_init_start_in_bypass),
		cmocka_unit_test(test_byp_latch_init_start_inline),
		cmocka_unit_test(test_byp_latch_ready_arms_once),
		cmocka_unit_test(test_byp_latch_ready_keeps_other_reasons),
		cmocka_unit_test(test_byp_latch_engage_every_reason),
		cmocka_unit_test(test_byp_latch_engage_bad_reason),
		cmocka_unit_test(test_byp_latch_manual_needs_clear),
		cmocka_unit_test(test_byp_latch_clear_refused_unhealthy),
		cmocka_unit_test(test_byp_latch_clear_before_ready_keeps_start_up),
		cmocka_unit_test(test_byp_latch_auto_rearm_after_stable_health),
		cmocka_unit_test(test_byp_latch_auto_rearm_restarts_on_bad_health),
		cmocka_unit_test(test_byp_latch_auto_rearm_restarts_on_new_engage),
		cmocka_unit_test(test_byp_latch_auto_never_undoes_operator),
		cmocka_unit_test(test_byp_latch_auto_waits_for_ready),
		cmocka_unit_test(test_byp_latch_watchdog_records_device_time),
		cmocka_unit_test(test_byp_latch_watchdog_ignored_out_of_inline),
		cmocka_unit_test(test_byp_latch_disconnect_and_clear),
		cmocka_unit_test(test_byp_latch_stop_bypass_then_frozen),
		cmocka_unit_test(test_byp_latch_stop_inline_down_disconnects),
		cmocka_unit_test(test_byp_latch_history_wraps_newest_first),
		cmocka_unit_test(test_byp_latch_init_earlier_is_history_only),
		cmocka_unit_test(test_byp_latch_failsafe_start_up_disconnects),
		cmocka_unit_test(test_byp_latch_failsafe_watchdog_follows),
		cmocka_unit_test(test_byp_latch_failsafe_triggers_follow),
		cmocka_unit_test(test_byp_latch_failsafe_stop_and_invalid),
	};

	return cmocka_run_group_tests_name("bypass_latch", tests, NULL, NULL);
}
