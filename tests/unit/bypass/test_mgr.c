/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass manager over the recording driver, with an injected clock: what the device is
 * told and when, start-up until ready, the watchdog learnt from the device, automatic
 * re-arm, a failing driver retried, clear refused while unhealthy, stop, the change callback,
 * and the heartbeat thread feeding only while `alive` says so.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "byp.h"

#define S 1000000000ull

struct fixture {
	uint64_t now;
	struct byp_rec_log log;
	struct byp_driver *drv;
	struct byp *b;
	struct cfg_bypass cfg;
	unsigned int changes;
	enum byp_state last_state;
	enum byp_reason last_reason;
};

static uint64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static void
on_change(void *arg, enum byp_state state, enum byp_reason reason)
{
	struct fixture *f = arg;

	f->changes++;
	f->last_state = state;
	f->last_reason = reason;
}

static void
cfg_fill(struct cfg_bypass *cfg, bool rearm_auto)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->driver = CFG_BYPASS_NONE;
	cfg->watchdog_ms = 20;
	cfg->start_in_bypass = true;
	cfg->on_stop = CFG_ON_STOP_BYPASS;
	cfg->rearm_auto = rearm_auto;
	cfg->rearm_after_s = 30;
}

static struct fixture *
fixture_new(bool rearm_auto)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	assert_non_null(f);
	f->now = 1 * S;
	cfg_fill(&f->cfg, rearm_auto);
	f->drv = byp_drv_rec_create(&f->log, fake_clock, f);
	assert_non_null(f->drv);
	f->b = byp_create(&f->cfg, f->drv, fake_clock, f);
	assert_non_null(f->b);
	byp_on_change_set(f->b, on_change, f);
	return f;
}

static int
setup_manual(void **state)
{
	*state = fixture_new(false);
	return 0;
}

static int
setup_auto(void **state)
{
	*state = fixture_new(true);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	byp_destroy(f->b);
	assert_true(f->log.released);
	test_free(f);
	return 0;
}

/* The last call the device saw, heartbeats and status reads left out. */
static enum byp_rec_op
last_op(const struct fixture *f)
{
	for (unsigned int i = f->log.n_calls; i-- > 0;)
		if (f->log.calls[i].op != BYP_REC_STATUS)
			return f->log.calls[i].op;
	return BYP_REC__MAX;
}

static void
probe_ok(struct fixture *f)
{
	char err[128] = "";

	assert_int_equal(byp_probe(f->b, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void
test_byp_probe_engages_start_up(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	/* Nothing touches the device before probe. */
	assert_int_equal(f->log.n_calls, 0);
	probe_ok(f);
	assert_int_equal(f->log.calls[0].op, BYP_REC_PROBE);
	assert_int_equal(last_op(f), BYP_REC_ENGAGE);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_BYPASS);
	byp_status_get(f->b, &st);
	assert_string_equal(st.driver, "recording");
	assert_int_equal(st.reason, BYP_REASON_START_UP);
	assert_false(st.ready);
	assert_false(st.pending);
	assert_true(st.probed);
	assert_int_equal(f->changes, 1);
	assert_int_equal(f->last_state, BYP_STATE_BYPASS);
}

static void
test_byp_probe_inline_when_configured(void **state)
{
	struct fixture *f = *state;

	byp_destroy(f->b);
	memset(&f->log, 0, sizeof(f->log));
	f->cfg.start_in_bypass = false;
	f->drv = byp_drv_rec_create(&f->log, fake_clock, f);
	f->b = byp_create(&f->cfg, f->drv, fake_clock, f);
	probe_ok(f);
	assert_int_equal(last_op(f), BYP_REC_ARM);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	/* Arm feeds the watchdog first, with the manager's clock. */
	assert_int_equal(f->log.last_heartbeat_ns, f->now);
}

static void
test_byp_probe_failure_reported(void **state)
{
	struct fixture *f = *state;
	char err[128] = "";
	struct byp_status st;

	byp_drv_rec_fail(f->drv, BYP_REC_PROBE, ENODEV);
	assert_int_equal(byp_probe(f->b, err, sizeof(err)), -ENODEV);
	assert_string_not_equal(err, "");
	byp_status_get(f->b, &st);
	assert_false(st.probed);
	/* Nothing else was asked of a device that is not there. */
	assert_int_equal(f->log.n_calls, 1);
	assert_int_equal(byp_hb_start(f->b, NULL, NULL), -ENODEV);
}

static void
test_byp_probe_twice_refused(void **state)
{
	struct fixture *f = *state;
	char err[128];

	probe_ok(f);
	assert_int_equal(byp_probe(f->b, err, sizeof(err)), -EALREADY);
}

static void
test_byp_ready_arms(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	probe_ok(f);
	f->now = 2 * S;
	assert_int_equal(byp_ready(f->b), 0);
	assert_int_equal(last_op(f), BYP_REC_ARM);
	assert_int_equal(f->log.calls[f->log.n_calls - 1].at_ns, 2 * S);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_INLINE);
	byp_status_get(f->b, &st);
	assert_true(st.ready);
	assert_int_equal(st.since_ns, 2 * S);
	assert_int_equal(f->last_state, BYP_STATE_INLINE);
}

static void
test_byp_engage_and_clear(void **state)
{
	struct fixture *f = *state;
	char err[128] = "";
	struct byp_record r;

	probe_ok(f);
	byp_ready(f->b);
	f->now = 5 * S;
	assert_int_equal(byp_engage(f->b, BYP_REASON_MAX_FLAPS), 0);
	assert_int_equal(last_op(f), BYP_REC_ENGAGE);
	assert_int_equal(f->last_reason, BYP_REASON_MAX_FLAPS);
	assert_true(byp_history_get(f->b, 0, &r));
	assert_int_equal(r.reason, BYP_REASON_MAX_FLAPS);
	assert_int_equal(r.at_ns, 5 * S);
	/* Manual re-arm: ticks leave it alone. */
	f->now = 500 * S;
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), 0);
	assert_int_equal(last_op(f), BYP_REC_ARM);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
}

static void
test_byp_clear_refused_unhealthy(void **state)
{
	struct fixture *f = *state;
	char err[128] = "";

	probe_ok(f);
	byp_ready(f->b);
	byp_engage(f->b, BYP_REASON_OPERATOR);
	byp_health_set(f->b, false, "worker 1 makes no progress");
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "worker 1 makes no progress"));
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	byp_health_set(f->b, true, NULL);
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), 0);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
}

static void
test_byp_disconnect(void **state)
{
	struct fixture *f = *state;
	char err[128];

	probe_ok(f);
	byp_ready(f->b);
	assert_int_equal(byp_disconnect(f->b, BYP_REASON_OPERATOR), 0);
	assert_int_equal(last_op(f), BYP_REC_DISCONNECT);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_DISCONNECT);
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), 0);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
}

static void
test_byp_tick_learns_watchdog(void **state)
{
	struct fixture *f = *state;
	uint64_t engages_before;
	struct byp_status st;
	struct byp_record r;

	probe_ok(f);
	byp_ready(f->b);
	engages_before = f->log.count[BYP_REC_ENGAGE];
	f->now = 10 * S;
	byp_drv_rec_fire(f->drv, 9 * S);
	byp_tick(f->b);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_BYPASS);
	assert_true(byp_history_get(f->b, 0, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.at_ns, 9 * S);
	assert_int_equal(f->last_reason, BYP_REASON_WATCHDOG);
	/* The device was there already: it is not told again. */
	assert_int_equal(f->log.count[BYP_REC_ENGAGE], engages_before);
	byp_status_get(f->b, &st);
	assert_int_equal(st.engages[BYP_REASON_WATCHDOG], 1);
	assert_true(st.drv.by_watchdog);
	assert_int_equal(st.drv.expiries, 1);
	assert_false(st.pending);
}

static void
test_byp_auto_rearm_after_watchdog(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	probe_ok(f);
	byp_ready(f->b);
	f->now = 10 * S;
	byp_drv_rec_fire(f->drv, 10 * S);
	byp_tick(f->b);
	byp_status_get(f->b, &st);
	assert_int_equal(st.rearm_at_ns, 40 * S);
	f->now = 39 * S;
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	f->now = 40 * S;
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	assert_int_equal(last_op(f), BYP_REC_ARM);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_INLINE);
}

static void
test_byp_driver_failure_retried(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	probe_ok(f);
	byp_ready(f->b);
	byp_drv_rec_fail(f->drv, BYP_REC_ENGAGE, EIO);
	assert_int_equal(byp_engage(f->b, BYP_REASON_OPERATOR), -EIO);
	/* The latch holds the request; the device did not follow yet. */
	assert_int_equal(byp_state_get(f->b), BYP_STATE_BYPASS);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	byp_status_get(f->b, &st);
	assert_true(st.pending);
	assert_int_equal(st.drv_errors, 1);
	assert_non_null(strstr(st.last_error, "engage"));
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	byp_drv_rec_fail(f->drv, BYP_REC_ENGAGE, 0);
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	byp_status_get(f->b, &st);
	assert_false(st.pending);
}

static void
test_byp_tick_reapplies_moved_device(void **state)
{
	struct fixture *f = *state;

	probe_ok(f);
	byp_ready(f->b);
	byp_engage(f->b, BYP_REASON_OPERATOR);
	/* Someone put the device inline behind the manager's back. */
	f->log.state = BYP_STATE_INLINE;
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
}

static void
test_byp_stop_applies_on_stop(void **state)
{
	struct fixture *f = *state;
	char err[64];

	probe_ok(f);
	byp_ready(f->b);
	assert_int_equal(byp_stop(f->b), 0);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	assert_int_equal(byp_engage(f->b, BYP_REASON_OPERATOR), -ESHUTDOWN);
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), -ESHUTDOWN);
	assert_int_equal(f->last_reason, BYP_REASON_STOP);
}

static void
test_byp_stop_inline_down(void **state)
{
	struct fixture *f = *state;

	byp_destroy(f->b);
	memset(&f->log, 0, sizeof(f->log));
	f->cfg.on_stop = CFG_ON_STOP_INLINE_DOWN;
	f->drv = byp_drv_rec_create(&f->log, fake_clock, f);
	f->b = byp_create(&f->cfg, f->drv, fake_clock, f);
	probe_ok(f);
	byp_ready(f->b);
	assert_int_equal(byp_stop(f->b), 0);
	assert_int_equal(f->log.state, BYP_STATE_DISCONNECT);
}

static void
test_byp_probe_notes_inherited_watchdog(void **state)
{
	struct fixture *f = *state;
	struct byp_record r;

	/* The pretend device was inline when the last process died, and latched. */
	f->log.state = BYP_STATE_INLINE;
	byp_drv_rec_fire(f->drv, 1 * S / 2);
	probe_ok(f);
	assert_true(byp_history_get(f->b, 1, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.at_ns, 1 * S / 2);
	assert_true(byp_history_get(f->b, 0, &r));
	assert_int_equal(r.reason, BYP_REASON_START_UP);
	/* History only: ready arms as after any start. */
	assert_int_equal(byp_ready(f->b), 0);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
}

/* ---- heartbeat thread, on the real clock ---- */

static bool alive_answer;

static bool
alive_cb(void *arg)
{
	__atomic_fetch_add((unsigned int *)arg, 1, __ATOMIC_RELAXED);
	return __atomic_load_n(&alive_answer, __ATOMIC_RELAXED);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Wait (at most 2 s) until the heartbeat thread has asked `alive` @n more times. */
static void
wait_asked(unsigned int *asked, unsigned int n)
{
	unsigned int want = __atomic_load_n(asked, __ATOMIC_RELAXED) + n;

	for (int i = 0; i < 2000 && __atomic_load_n(asked, __ATOMIC_RELAXED) < want; i++)
		sleep_ms(1);
	assert_true(__atomic_load_n(asked, __ATOMIC_RELAXED) >= want);
}

static void
test_byp_hb_feeds_only_when_alive(void **state)
{
	struct fixture *f = *state;
	unsigned int asked = 0;
	uint64_t fed, withheld;
	struct byp_status st;

	probe_ok(f);
	__atomic_store_n(&alive_answer, true, __ATOMIC_RELAXED);
	assert_int_equal(byp_hb_start(f->b, alive_cb, &asked), 0);
	assert_int_equal(byp_hb_start(f->b, alive_cb, &asked), -EALREADY);
	/* watchdog_ms 20: a step every 5 ms, each one fed while alive. */
	wait_asked(&asked, 10);
	fed = __atomic_load_n(&f->log.count[BYP_REC_HEARTBEAT], __ATOMIC_RELAXED);
	assert_true(fed >= 9);
	__atomic_store_n(&alive_answer, false, __ATOMIC_RELAXED);
	/* A step that asked before the change may still feed: wait for two that asked after. */
	wait_asked(&asked, 2);
	fed = __atomic_load_n(&f->log.count[BYP_REC_HEARTBEAT], __ATOMIC_RELAXED);
	wait_asked(&asked, 10);
	assert_int_equal(__atomic_load_n(&f->log.count[BYP_REC_HEARTBEAT], __ATOMIC_RELAXED), fed);
	byp_status_get(f->b, &st);
	assert_true(st.hb_running);
	withheld = st.hb.withheld;
	assert_true(withheld >= 10);
	assert_int_equal(st.hb_feeds, fed);
	/* Alive again: fed again. */
	__atomic_store_n(&alive_answer, true, __ATOMIC_RELAXED);
	wait_asked(&asked, 3);
	assert_true(__atomic_load_n(&f->log.count[BYP_REC_HEARTBEAT], __ATOMIC_RELAXED) > fed);
	byp_hb_stop(f->b);
	byp_hb_stop(f->b);
	byp_status_get(f->b, &st);
	assert_false(st.hb_running);
	assert_int_equal(__atomic_load_n(&asked, __ATOMIC_RELAXED), st.hb_feeds + st.hb.withheld);
}

static unsigned int alive_hold_ms; /* the next alive_slow_cb() takes this long, once */

static bool
alive_slow_cb(void *arg)
{
	unsigned int ms = __atomic_exchange_n(&alive_hold_ms, 0, __ATOMIC_RELAXED);

	if (ms > 0)
		sleep_ms(ms);
	return alive_cb(arg);
}

/* A step held up for longer than half the watchdog makes the next wake-up that late: a stall,
 * counted with its lateness, while nothing was withheld. */
static void
test_byp_hb_stalls_counted(void **state)
{
	struct fixture *f = *state;
	unsigned int asked = 0;
	struct byp_hb_stalls s0, s1;

	probe_ok(f);
	__atomic_store_n(&alive_answer, true, __ATOMIC_RELAXED);
	assert_int_equal(byp_hb_start(f->b, alive_slow_cb, &asked), 0);
	wait_asked(&asked, 3);
	byp_hb_stalls_get(f->b, &s0);
	/* watchdog_ms 20: steps every 5 ms, a stall is a wake-up over 10 ms late. */
	__atomic_store_n(&alive_hold_ms, 40, __ATOMIC_RELAXED);
	wait_asked(&asked, 3);
	byp_hb_stalls_get(f->b, &s1);
	assert_int_equal(__atomic_load_n(&alive_hold_ms, __ATOMIC_RELAXED), 0);
	assert_true(s1.stalls >= s0.stalls + 1);
	assert_true(s1.max_late_ns >= 30 * 1000000ull);
	assert_int_equal(s1.withheld, 0);
	byp_hb_stop(f->b);
}

static void
test_byp_hb_none_without_watchdog(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	byp_destroy(f->b);
	memset(&f->log, 0, sizeof(f->log));
	f->cfg.watchdog_ms = 0;
	f->drv = byp_drv_rec_create(&f->log, fake_clock, f);
	f->b = byp_create(&f->cfg, f->drv, fake_clock, f);
	probe_ok(f);
	assert_int_equal(byp_hb_start(f->b, NULL, NULL), 0);
	byp_status_get(f->b, &st);
	assert_false(st.hb_running);
}

static void
test_byp_failsafe_before_probe_disconnects_start_up(void **state)
{
	struct fixture *f = *state;
	struct byp_status st;

	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), 0);
	assert_int_equal(byp_failsafe_get(f->b), BYP_STATE_DISCONNECT);
	/* Told before probe, and again once the device is there. */
	assert_int_equal(f->log.failsafe, BYP_STATE_DISCONNECT);
	probe_ok(f);
	assert_true(f->log.count[BYP_REC_FAILSAFE] >= 2);
	assert_int_equal(last_op(f), BYP_REC_DISCONNECT);
	assert_int_equal(f->log.state, BYP_STATE_DISCONNECT);
	byp_status_get(f->b, &st);
	assert_int_equal(st.failsafe, BYP_STATE_DISCONNECT);
	assert_int_equal(st.reason, BYP_REASON_START_UP);
	assert_int_equal(f->last_state, BYP_STATE_DISCONNECT);
	assert_int_equal(byp_ready(f->b), 0);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
}

static void
test_byp_failsafe_watchdog_disconnects(void **state)
{
	struct fixture *f = *state;
	struct byp_record r;

	probe_ok(f);
	assert_int_equal(byp_ready(f->b), 0);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), 0);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	/* The device latches by itself into what it was told, and the manager learns it. */
	f->now = 5 * S;
	byp_drv_rec_fire(f->drv, 4 * S);
	assert_int_equal(f->log.state, BYP_STATE_DISCONNECT);
	byp_tick(f->b);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_DISCONNECT);
	assert_true(byp_history_get(f->b, 0, &r));
	assert_int_equal(r.kind, BYP_EV_WATCHDOG);
	assert_int_equal(r.to, BYP_STATE_DISCONNECT);
	assert_int_equal(r.at_ns, 4 * S);
	assert_int_equal(f->last_state, BYP_STATE_DISCONNECT);
	/* Alone now: the held wire goes to bypass at once. */
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_BYPASS), 0);
	assert_int_equal(last_op(f), BYP_REC_ENGAGE);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	assert_int_equal(f->last_state, BYP_STATE_BYPASS);
}

static void
test_byp_failsafe_changed_between_fire_and_tick(void **state)
{
	struct fixture *f = *state;

	probe_ok(f);
	assert_int_equal(byp_ready(f->b), 0);
	byp_drv_rec_fire(f->drv, 2 * S); /* bypass: the fail-safe state was bypass then */
	/* Told disconnect before the tick: the latch learns first, then the device follows. */
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), 0);
	byp_tick(f->b);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_DISCONNECT);
	byp_tick(f->b);
	assert_int_equal(f->log.state, BYP_STATE_DISCONNECT);
}

static void
test_byp_operator_engage_refused_on_standby(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	probe_ok(f);
	assert_int_equal(byp_ready(f->b), 0);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), 0);
	assert_int_equal(byp_operator_engage(f->b, false, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "HA standby"));
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	assert_int_equal(byp_state_get(f->b), BYP_STATE_INLINE);
	err[0] = '\0';
	assert_int_equal(byp_operator_engage(f->b, true, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	/* Where the fail-safe state is bypass, no force is needed. */
	assert_int_equal(byp_clear(f->b, err, sizeof(err)), 0);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_BYPASS), 0);
	assert_int_equal(byp_operator_engage(f->b, false, err, sizeof(err)), 0);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
}

static void
test_byp_failsafe_refusals(void **state)
{
	struct fixture *f = *state;

	probe_ok(f);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_INLINE), -EINVAL);
	byp_drv_rec_fail(f->drv, BYP_REC_FAILSAFE, EIO);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), -EIO);
	/* A device that was not told keeps the old state, and so does the manager. */
	assert_int_equal(byp_failsafe_get(f->b), BYP_STATE_BYPASS);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
	byp_drv_rec_fail(f->drv, BYP_REC_FAILSAFE, 0);
	assert_int_equal(byp_stop(f->b), 0);
	assert_int_equal(byp_failsafe_set(f->b, BYP_STATE_DISCONNECT), -ESHUTDOWN);
}

static void
test_byp_failsafe_sysfs_needs_disconnect_path(void **state)
{
	struct cfg_bypass cfg;
	struct byp *b;

	(void)state;
	cfg_fill(&cfg, false);
	cfg.driver = CFG_BYPASS_SYSFS;
	snprintf(cfg.sysfs.bypass_path, sizeof(cfg.sysfs.bypass_path), "/nonexistent/relay");
	b = byp_create(&cfg, byp_drv_sysfs_create(&cfg), NULL, NULL);
	assert_non_null(b);
	assert_int_equal(byp_failsafe_set(b, BYP_STATE_DISCONNECT), -EOPNOTSUPP);
	assert_int_equal(byp_failsafe_get(b), BYP_STATE_BYPASS);
	byp_destroy(b);
	snprintf(cfg.sysfs.disconnect_path, sizeof(cfg.sysfs.disconnect_path), "/nonexistent/d");
	b = byp_create(&cfg, byp_drv_sysfs_create(&cfg), NULL, NULL);
	assert_non_null(b);
	assert_int_equal(byp_failsafe_set(b, BYP_STATE_DISCONNECT), 0);
	byp_destroy(b);
	/* The none driver disconnects in the dataplane: always accepted. */
	b = byp_create(&cfg, byp_drv_none_create(), NULL, NULL);
	assert_non_null(b);
	assert_int_equal(byp_failsafe_set(b, BYP_STATE_DISCONNECT), 0);
	byp_destroy(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_byp_probe_engages_start_up, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_probe_inline_when_configured, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_probe_failure_reported, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_probe_twice_refused, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_ready_arms, setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_engage_and_clear, setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_clear_refused_unhealthy, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_disconnect, setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_tick_learns_watchdog, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_auto_rearm_after_watchdog, setup_auto,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_driver_failure_retried, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_tick_reapplies_moved_device, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_stop_applies_on_stop, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_stop_inline_down, setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_probe_notes_inherited_watchdog,
		                                setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_hb_stalls_counted, setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_hb_feeds_only_when_alive, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_hb_none_without_watchdog, setup_manual,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_byp_failsafe_before_probe_disconnects_start_up,
		                                setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_failsafe_watchdog_disconnects,
		                                setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_failsafe_changed_between_fire_and_tick,
		                                setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_operator_engage_refused_on_standby,
		                                setup_manual, teardown),
		cmocka_unit_test_setup_teardown(test_byp_failsafe_refusals, setup_manual, teardown),
		cmocka_unit_test(test_byp_failsafe_sysfs_needs_disconnect_path),
	};

	return cmocka_run_group_tests_name("bypass_mgr", tests, NULL, NULL);
}
