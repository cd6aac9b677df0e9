/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VRRPv3 state machine (RFC 9568 6.4) with an injected clock: every transition of the
 * RFC, the timer formulas with exact numbers, preempt delay, holds, takeover, resign and the
 * MIB counters. Times are nanoseconds from an arbitrary T0.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ha_vrrp.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define T0 (1000 * SEC)
#define NEVER UINT64_MAX

static const uint8_t vip[4] = { 198, 51, 100, 100 };
static const uint8_t other_vip[4] = { 198, 51, 100, 200 };
static const uint8_t us[4] = { 198, 51, 100, 10 };

static struct ha_vrrp_conf
conf4(uint8_t prio, uint16_t interval)
{
	struct ha_vrrp_conf c = {
		.vrid = 51,
		.priority = prio,
		.advert_interval = interval,
		.preempt = true,
		.family = 4,
		.n_vips = 1,
	};

	memcpy(c.addr, us, 4);
	memcpy(c.vips[0], vip, 4);
	return c;
}

/* An advert for VRID 51 from 198.51.100.@last carrying our VIP. */
static struct ha_vrrp_advert
adv4(uint8_t prio, uint16_t interval, uint8_t last)
{
	struct ha_vrrp_advert a = {
		.family = 4,
		.version = 3,
		.type = 1,
		.vrid = 51,
		.priority = prio,
		.count = 1,
		.max_adver_int = interval,
		.ttl = 255,
		.src = { 198, 51, 100, last },
		.dst = { 224, 0, 0, 18 },
		.addrs = vip,
	};

	return a;
}

static void
start(struct ha_vrrp *vr, const struct ha_vrrp_conf *c, uint64_t now)
{
	struct ha_vrrp_actions act;

	assert_int_equal(ha_vrrp_init(vr, c), 0);
	ha_vrrp_startup(vr, now, &act);
	assert_true(act.state_changed);
}

/*
 * Run every timer due up to @t in order. @return the time of the first state change (0 when
 * none), its actions in @chg (may be NULL).
 */
static uint64_t
run_until(struct ha_vrrp *vr, uint64_t t, struct ha_vrrp_actions *chg)
{
	struct ha_vrrp_actions act;
	uint64_t when = 0;
	unsigned int guard = 0;

	while (ha_vrrp_deadline(vr) <= t) {
		uint64_t d = ha_vrrp_deadline(vr);

		ha_vrrp_timer(vr, d, &act);
		if (act.state_changed && when == 0) {
			when = d;
			if (chg != NULL)
				*chg = act;
		}
		assert_true(ha_vrrp_deadline(vr) > d); /* every timer moves on */
		assert_true(++guard < 1000000);
	}
	return when;
}

/* A backup of priority @prio started at T0 that became master when nobody answered. */
static uint64_t
start_master(struct ha_vrrp *vr, uint8_t prio, uint16_t interval)
{
	struct ha_vrrp_conf c = conf4(prio, interval);
	struct ha_vrrp_actions act;
	uint64_t when;

	start(vr, &c, T0);
	when = run_until(vr, T0 + 1000 * SEC, &act);
	assert_int_equal(act.new_state, HA_VRRP_MASTER);
	return when;
}

static void
recv_ok(struct ha_vrrp *vr, struct ha_vrrp_advert a, uint64_t now, struct ha_vrrp_actions *act)
{
	assert_int_equal(ha_vrrp_recv(vr, &a, now, act), 0);
}

static void
test_ha_vrrp_timer_formulas_exact(void **state)
{
	(void)state;
	/* RFC 9568 6.1 at a 1 s interval (100 cs): keepalived's figures at priority 100. */
	assert_int_equal(ha_vrrp_skew_time(100, 100), 609375000);
	assert_int_equal(ha_vrrp_master_down_interval(100, 100), 3609375000ULL);
	assert_int_equal(ha_vrrp_skew_time(200, 100), 218750000);
	assert_int_equal(ha_vrrp_master_down_interval(200, 100), 3218750000ULL);
	assert_int_equal(ha_vrrp_skew_time(255, 100), 3906250);
	assert_int_equal(ha_vrrp_master_down_interval(255, 100), 3003906250ULL);
	assert_int_equal(ha_vrrp_skew_time(1, 100), 996093750);
	/* 100 ms and 10 ms: the skew keeps its sub-centisecond part. */
	assert_int_equal(ha_vrrp_skew_time(150, 10), 41406250);
	assert_int_equal(ha_vrrp_master_down_interval(150, 10), 341406250);
	assert_int_equal(ha_vrrp_skew_time(200, 1), 2187500);
	assert_int_equal(ha_vrrp_master_down_interval(200, 1), 32187500);
	/* The largest: 40.95 s at priority 1, ((255 * 40.95 s) / 256 truncated to the ns). */
	assert_int_equal(ha_vrrp_skew_time(1, 4095), 40790039062ULL);
	assert_int_equal(ha_vrrp_master_down_interval(1, 4095), 163640039062ULL);
	/* A higher priority always waits less. */
	for (int p = 1; p < 255; p++)
		assert_true(ha_vrrp_master_down_interval((uint8_t)(p + 1), 1) <
		            ha_vrrp_master_down_interval((uint8_t)p, 1));
}

static void
test_ha_vrrp_init_rejects_bad_conf(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c;

	(void)state;
	c = conf4(100, 100);
	assert_int_equal(ha_vrrp_init(NULL, &c), -EINVAL);
	assert_int_equal(ha_vrrp_init(&vr, NULL), -EINVAL);
	c.vrid = 0;
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c = conf4(0, 100);
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c = conf4(100, 0);
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c = conf4(100, 4096);
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c = conf4(100, 100);
	c.family = 5;
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c = conf4(100, 100);
	c.n_vips = 0;
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);
	c.n_vips = HA_VRRP_MAX_VIPS + 1;
	assert_int_equal(ha_vrrp_init(&vr, &c), -EINVAL);

	c = conf4(100, 4095);
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_INIT);
	assert_true(ha_vrrp_deadline(&vr) == NEVER);
	assert_int_equal(ha_vrrp_priority_effective(&vr), 100);
}

static void
test_ha_vrrp_startup_non_owner_backup_then_master_down(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_counters cnt;
	uint8_t addr[16];
	uint64_t down = T0 + 3609375000ULL;

	(void)state;
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	ha_vrrp_startup(&vr, T0, &act);
	/* RFC 9568 6.4.1: not the owner, so Backup with Master_Down_Timer. */
	assert_true(act.state_changed);
	assert_int_equal(act.old_state, HA_VRRP_INIT);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_STARTUP);
	assert_false(act.send_advert);
	assert_false(act.announce);
	assert_true(ha_vrrp_deadline(&vr) == down);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), -ENOENT);

	/* A second startup changes nothing. */
	ha_vrrp_startup(&vr, T0 + SEC, &act);
	assert_false(act.state_changed);
	assert_true(ha_vrrp_deadline(&vr) == down);

	/* One nanosecond early: nothing. On time: master (6.4.2). */
	ha_vrrp_timer(&vr, down - 1, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_BACKUP);
	ha_vrrp_timer(&vr, down, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.old_state, HA_VRRP_BACKUP);
	assert_int_equal(act.new_state, HA_VRRP_MASTER);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 100);
	assert_true(act.announce);
	assert_true(ha_vrrp_deadline(&vr) == down + SEC);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), 0);
	assert_memory_equal(addr, us, 4);

	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.master_transitions, 1);
	assert_int_equal(cnt.last_master_reason, HA_VRRP_R_MASTER_DOWN);
	assert_int_equal(cnt.adverts_sent, 1);
}

static void
test_ha_vrrp_startup_owner_master_at_once(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(255, 100);
	struct ha_vrrp_actions act;

	(void)state;
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	ha_vrrp_startup(&vr, T0, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_MASTER);
	assert_int_equal(act.reason, HA_VRRP_R_STARTUP_OWNER);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 255);
	assert_true(act.announce);
	assert_true(ha_vrrp_deadline(&vr) == T0 + SEC);
}

static void
test_ha_vrrp_master_adverts_periodic(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(255, 100);
	struct ha_vrrp_actions act;

	(void)state;
	start(&vr, &c, T0);
	ha_vrrp_timer(&vr, T0 + SEC - 1, &act);
	assert_false(act.send_advert);
	ha_vrrp_timer(&vr, T0 + SEC, &act);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 255);
	assert_false(act.announce);
	assert_false(act.state_changed);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 2 * SEC);
	/* A late tick keeps the cadence... */
	ha_vrrp_timer(&vr, T0 + 2 * SEC + 500 * MS, &act);
	assert_true(act.send_advert);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 3 * SEC);
	/* ... and a very late one sends one advert, not a burst of the missed ones. */
	ha_vrrp_timer(&vr, T0 + 10 * SEC + 200 * MS, &act);
	assert_true(act.send_advert);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 11 * SEC + 200 * MS);
	ha_vrrp_timer(&vr, T0 + 10 * SEC + 300 * MS, &act);
	assert_false(act.send_advert);
}

static void
test_ha_vrrp_backup_higher_advert_resets_timer_and_learns_interval(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_status st;
	uint8_t addr[16];

	(void)state;
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(200, 100, 20), T0 + SEC, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);
	assert_true(ha_vrrp_deadline(&vr) == T0 + SEC + 3609375000ULL);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), 0);
	assert_int_equal(addr[3], 20);
	/* The first deadline is gone. */
	ha_vrrp_timer(&vr, T0 + 3609375000ULL, &act);
	assert_false(act.state_changed);

	/* The master advertises every 500 ms: Master_Down_Interval follows (6.4.2). */
	recv_ok(&vr, adv4(200, 50, 20), T0 + 2 * SEC, &act);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 2 * SEC + 1804687500ULL);
	ha_vrrp_status_get(&vr, &st);
	assert_int_equal(st.master_adver_int, 50);
	assert_int_equal(st.skew_time, 304687500);
	assert_int_equal(st.master_down_interval, 1804687500ULL);
	assert_int_equal(st.master_priority, 200);
	assert_true(st.master_last == T0 + 2 * SEC);
	/* Silence: master after exactly that. */
	assert_true(run_until(&vr, T0 + 100 * SEC, &act) == T0 + 2 * SEC + 1804687500ULL);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_backup_lower_advert_preempts(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_status st;

	(void)state;
	start(&vr, &c, T0);
	/* Preempt_Mode and a lower priority: discarded, the timer keeps running (6.4.2). */
	recv_ok(&vr, adv4(100, 100, 5), T0 + 500 * MS, &act);
	assert_false(act.state_changed);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 3218750000ULL);
	ha_vrrp_status_get(&vr, &st);
	assert_true(st.master_known);
	assert_int_equal(st.master_addr[3], 5);
	assert_int_equal(st.master_priority, 100);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 1500 * MS, &act);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 2500 * MS, &act);
	assert_true(run_until(&vr, T0 + 3 * SEC, &act) == 0);
	assert_true(run_until(&vr, T0 + 4 * SEC, &act) == T0 + 3218750000ULL);
	assert_int_equal(act.reason, HA_VRRP_R_PREEMPT);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 200);
}

static void
test_ha_vrrp_backup_no_preempt_follows_lower_master(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act;
	uint64_t t;

	(void)state;
	c.preempt = false;
	start(&vr, &c, T0);
	for (t = T0 + 500 * MS; t <= T0 + 20 * SEC; t += SEC) {
		assert_true(run_until(&vr, t, NULL) == 0);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
		assert_true(ha_vrrp_deadline(&vr) == t + 3218750000ULL);
	}
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_BACKUP);
	/* The lower master dies: a plain master-down. */
	t -= SEC;
	assert_true(run_until(&vr, T0 + 100 * SEC, &act) == t + 3218750000ULL);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_backup_equal_priority_never_preempts(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;

	(void)state;
	start(&vr, &c, T0);
	/* Equal priority from a lower address is still ">= local priority": accepted. */
	for (uint64_t t = T0 + SEC; t < T0 + 30 * SEC; t += SEC) {
		assert_true(run_until(&vr, t, NULL) == 0);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
		assert_true(ha_vrrp_deadline(&vr) == t + 3609375000ULL);
	}
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_BACKUP);
}

static void
test_ha_vrrp_backup_priority_zero_skew_time(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_counters cnt;

	(void)state;
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(150, 50, 20), T0 + SEC, &act);
	/* The master leaves: Master_Down_Timer = Skew_Time of the learned interval. */
	recv_ok(&vr, adv4(0, 50, 20), T0 + 1200 * MS, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 1200 * MS + 304687500ULL);
	assert_true(run_until(&vr, T0 + 10 * SEC, &act) == T0 + 1200 * MS + 304687500ULL);
	assert_int_equal(act.reason, HA_VRRP_R_PRIORITY_ZERO);
	assert_true(act.send_advert);
	assert_true(act.announce);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.prio0_rcvd, 1);
	assert_int_equal(cnt.adverts_rcvd, 2);
	assert_int_equal(cnt.last_master_reason, HA_VRRP_R_PRIORITY_ZERO);
}

static void
test_ha_vrrp_master_higher_priority_becomes_backup(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	uint8_t addr[16];
	uint64_t t;

	(void)state;
	t = start_master(&vr, 150, 100) + 300 * MS;
	recv_ok(&vr, adv4(200, 50, 20), t, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.old_state, HA_VRRP_MASTER);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_HIGHER_PRIORITY);
	assert_false(act.send_advert);
	assert_false(act.announce);
	/* Master_Down_Interval from the new master's 500 ms: 1.5 s + 106/256 * 0.5 s. */
	assert_true(ha_vrrp_deadline(&vr) == t + 1707031250ULL);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), 0);
	assert_int_equal(addr[3], 20);
}

static void
test_ha_vrrp_master_equal_priority_address_tie_break(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	uint64_t t;

	(void)state;
	/* Equal priority from a lower address (.5 < .10): we stay and advertise at once. */
	t = start_master(&vr, 150, 100) + 300 * MS;
	recv_ok(&vr, adv4(150, 100, 5), t, &act);
	assert_false(act.state_changed);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 150);
	assert_true(ha_vrrp_deadline(&vr) == t + SEC);
	/* Equal priority from a higher address (.20): it wins (6.4.3). */
	recv_ok(&vr, adv4(150, 100, 20), t + 10 * MS, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_HIGHER_ADDRESS);
	assert_false(act.send_advert);
}

static void
test_ha_vrrp_master_lower_priority_advertises_at_once(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	uint64_t t;

	(void)state;
	/* RFC 9568 6.4.3: discard it, but send an advert now so the other side sees us. */
	t = start_master(&vr, 150, 100) + 300 * MS;
	recv_ok(&vr, adv4(100, 100, 200), t, &act);
	assert_false(act.state_changed);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 150);
	assert_true(ha_vrrp_deadline(&vr) == t + SEC);
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_MASTER);
}

static void
test_ha_vrrp_master_priority_zero_advertises_at_once(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	uint64_t t;

	(void)state;
	t = start_master(&vr, 150, 100) + 300 * MS;
	recv_ok(&vr, adv4(0, 100, 20), t, &act);
	assert_false(act.state_changed);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 150);
	assert_true(ha_vrrp_deadline(&vr) == t + SEC);
}

static void
test_ha_vrrp_shutdown_every_state(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_counters cnt;
	uint8_t addr[16];
	uint64_t t;

	(void)state;
	/* Master: a priority 0 advert, then Initialize (6.4.3). */
	t = start_master(&vr, 150, 100);
	ha_vrrp_shutdown(&vr, t + 1, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.old_state, HA_VRRP_MASTER);
	assert_int_equal(act.new_state, HA_VRRP_INIT);
	assert_int_equal(act.reason, HA_VRRP_R_SHUTDOWN);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 0);
	assert_false(act.announce);
	assert_true(ha_vrrp_deadline(&vr) == NEVER);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), -ENOENT);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.prio0_sent, 1);

	/* Backup: Initialize, silently (6.4.2); INIT: nothing. */
	start(&vr, &c, T0);
	ha_vrrp_shutdown(&vr, T0 + 1, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_INIT);
	assert_false(act.send_advert);
	ha_vrrp_shutdown(&vr, T0 + 2, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);
	/* Adverts in INIT are counted and change nothing. */
	recv_ok(&vr, adv4(0, 100, 20), T0 + 3, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);
	ha_vrrp_timer(&vr, T0 + 100 * SEC, &act);
	assert_false(act.state_changed);
	/* And it can start again. */
	ha_vrrp_startup(&vr, T0 + 200 * SEC, &act);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
}

static void
test_ha_vrrp_preempt_delay(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act, chg;
	uint64_t when = 0;

	(void)state;
	/* A lower master advertising every second from T0 + 0.5 s: preempted 5 s after. */
	c.preempt_delay_ns = 5 * SEC;
	start(&vr, &c, T0);
	for (uint64_t t = T0 + 500 * MS; t <= T0 + 9500 * MS && when == 0; t += SEC) {
		when = run_until(&vr, t, &chg);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	assert_true(when == T0 + 5500 * MS);
	assert_int_equal(chg.reason, HA_VRRP_R_PREEMPT);

	/* Without a delay: at the first Master_Down_Interval (the RFC). */
	c.preempt_delay_ns = 0;
	start(&vr, &c, T0);
	when = 0;
	for (uint64_t t = T0 + 500 * MS; t <= T0 + 9500 * MS && when == 0; t += SEC) {
		when = run_until(&vr, t, &chg);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	assert_true(when == T0 + 3218750000ULL);
	assert_int_equal(chg.reason, HA_VRRP_R_PREEMPT);

	/* A higher master in between restarts the delay. */
	c.preempt_delay_ns = 5 * SEC;
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 500 * MS, &act);
	recv_ok(&vr, adv4(250, 100, 20), T0 + 1500 * MS, &act);
	when = 0;
	for (uint64_t t = T0 + 2500 * MS; t <= T0 + 20 * SEC && when == 0; t += SEC) {
		when = run_until(&vr, t, &chg);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	assert_true(when == T0 + 7500 * MS);
}

static void
test_ha_vrrp_preempt_delay_lower_master_dies(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act;

	(void)state;
	/* One advert of a lower master, then silence: it is dead after its down interval. */
	c.preempt_delay_ns = 5 * SEC;
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 500 * MS, &act);
	assert_true(run_until(&vr, T0 + 20 * SEC, &act) == T0 + 500 * MS + 3218750000ULL);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_hold_down_master_gives_up(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	struct ha_vrrp_status st;
	uint64_t t;

	(void)state;
	t = start_master(&vr, 150, 100) + 100 * MS;
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_DOWN, HA_VRRP_R_LINKS_DOWN, t, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_LINKS_DOWN);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 0);
	assert_int_equal(ha_vrrp_priority_effective(&vr), 0);
	ha_vrrp_status_get(&vr, &st);
	assert_int_equal(st.hold, HA_VRRP_HOLD_DOWN);
	assert_int_equal(st.priority, 150);
	assert_int_equal(st.effective_priority, 0);
	assert_false(st.master_known);

	/* Never master while held: not by timer, not by a lower or leaving master. */
	assert_true(run_until(&vr, t + 100 * SEC, NULL) == 0);
	assert_true(ha_vrrp_deadline(&vr) == NEVER);
	recv_ok(&vr, adv4(100, 100, 5), t + 101 * SEC, &act);
	recv_ok(&vr, adv4(0, 100, 5), t + 102 * SEC, &act);
	assert_true(run_until(&vr, t + 200 * SEC, NULL) == 0);
	assert_int_equal(ha_vrrp_takeover(&vr, HA_VRRP_R_FAST_FAILOVER, t + 201 * SEC, &act),
	                 -EPERM);
	assert_false(act.state_changed);
	/* Holding down again is nothing new. */
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_DOWN, HA_VRRP_R_MAINTENANCE, t + 202 * SEC, &act);
	assert_false(act.state_changed);
	assert_false(act.send_advert);

	/* Released: listen a whole Master_Down_Interval, then master. */
	t += 300 * SEC;
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NONE, HA_VRRP_R_NONE, t, &act);
	assert_false(act.state_changed);
	assert_int_equal(ha_vrrp_priority_effective(&vr), 150);
	assert_true(ha_vrrp_deadline(&vr) == t + 3414062500ULL);
	assert_true(run_until(&vr, t + 10 * SEC, &act) == t + 3414062500ULL);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_hold_down_owner(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(255, 100);
	struct ha_vrrp_actions act;

	(void)state;
	start(&vr, &c, T0);
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_DOWN, HA_VRRP_R_NONE, T0 + SEC, &act);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_HELD_DOWN);
	assert_int_equal(act.advert_priority, 0);
	/* The owner takes its addresses back the moment the hold ends. */
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NONE, HA_VRRP_R_NONE, T0 + 2 * SEC, &act);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_MASTER);
	assert_int_equal(act.reason, HA_VRRP_R_RELEASED);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 255);
	assert_true(act.announce);

	/* An owner started while held down starts as backup. */
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_DOWN, HA_VRRP_R_MAINTENANCE, T0, &act);
	assert_false(act.state_changed);
	ha_vrrp_startup(&vr, T0, &act);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_false(act.send_advert);
}

static void
test_ha_vrrp_hold_no_preempt(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act, chg;
	uint64_t t, when = 0;

	(void)state;
	start(&vr, &c, T0);
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NO_PREEMPT, HA_VRRP_R_LOW_BANDWIDTH, T0, &act);
	assert_false(act.state_changed);
	assert_int_equal(ha_vrrp_priority_effective(&vr), 200);
	/* A lower master is followed, not preempted. */
	for (t = T0 + 500 * MS; t <= T0 + 20 * SEC; t += SEC) {
		assert_true(run_until(&vr, t, NULL) == 0);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	/* Lift the hold: preemption resumes at the next Master_Down_Interval. */
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NONE, HA_VRRP_R_NONE, t, &act);
	assert_false(act.state_changed);
	for (; t <= T0 + 40 * SEC && when == 0; t += SEC) {
		when = run_until(&vr, t, &chg);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	/* The last advert the timer was reset by came at T0 + 19.5 s, while the hold was on. */
	assert_true(when == T0 + 19500 * MS + 3218750000ULL);
	assert_int_equal(chg.reason, HA_VRRP_R_PREEMPT);

	/* Still master on master-down: a dead master is replaced. */
	start(&vr, &c, T0);
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NO_PREEMPT, HA_VRRP_R_LOW_BANDWIDTH, T0, &act);
	assert_true(run_until(&vr, T0 + 10 * SEC, &chg) == T0 + 3218750000ULL);
	assert_int_equal(chg.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_hold_after_preempt_started(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(200, 100);
	struct ha_vrrp_actions act;

	(void)state;
	/* We began discarding a lower master, then a hold forbids preempting it. */
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 500 * MS, &act);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 1500 * MS, &act);
	recv_ok(&vr, adv4(100, 100, 5), T0 + 2500 * MS, &act);
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NO_PREEMPT, HA_VRRP_R_LOW_BANDWIDTH, T0 + 3 * SEC, &act);
	/* The old deadline passes: it waits for that master to be silent for its interval. */
	assert_true(run_until(&vr, T0 + 3500 * MS, NULL) == 0);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 2500 * MS + 3218750000ULL);
	assert_true(run_until(&vr, T0 + 20 * SEC, &act) == T0 + 2500 * MS + 3218750000ULL);
	assert_int_equal(act.reason, HA_VRRP_R_MASTER_DOWN);
}

static void
test_ha_vrrp_takeover(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;

	(void)state;
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	assert_int_equal(ha_vrrp_takeover(&vr, HA_VRRP_R_FAST_FAILOVER, T0, &act), -EAGAIN);
	ha_vrrp_startup(&vr, T0, &act);
	recv_ok(&vr, adv4(200, 100, 20), T0 + SEC, &act);
	/* The peer checks say the master's node is dead: master now, not at the timer. */
	assert_int_equal(ha_vrrp_takeover(&vr, HA_VRRP_R_FAST_FAILOVER, T0 + 1100 * MS, &act), 0);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_MASTER);
	assert_int_equal(act.reason, HA_VRRP_R_FAST_FAILOVER);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 100);
	assert_true(act.announce);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 2100 * MS);
	assert_int_equal(ha_vrrp_takeover(&vr, HA_VRRP_R_FAST_FAILOVER, T0 + 2 * SEC, &act),
	                 -EALREADY);
	assert_false(act.state_changed);
	/* If the master was alive after all, its higher priority wins at its next advert. */
	recv_ok(&vr, adv4(200, 100, 20), T0 + 2 * SEC, &act);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_HIGHER_PRIORITY);
	/* No reason given: "takeover". */
	assert_int_equal(ha_vrrp_takeover(&vr, HA_VRRP_R_NONE, T0 + 3 * SEC, &act), 0);
	assert_int_equal(act.reason, HA_VRRP_R_TAKEOVER);
}

static void
test_ha_vrrp_resign(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act, chg;
	struct ha_vrrp_counters cnt;
	uint64_t t, when = 0;

	(void)state;
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	assert_int_equal(ha_vrrp_resign(&vr, HA_VRRP_R_SIMULATE, T0, &act), -EAGAIN);
	t = start_master(&vr, 150, 100) + 100 * MS;
	assert_int_equal(ha_vrrp_resign(&vr, HA_VRRP_R_SIMULATE, t, &act), 0);
	assert_true(act.state_changed);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_SIMULATE);
	assert_true(act.send_advert);
	assert_int_equal(act.advert_priority, 0);
	assert_true(ha_vrrp_deadline(&vr) == t + 3414062500ULL);
	assert_int_equal(ha_vrrp_resign(&vr, HA_VRRP_R_SIMULATE, t, &act), -EALREADY);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.prio0_sent, 1);

	/* Once: the lower peer takes over, and we preempt it back by the RFC rules. */
	for (t += 400 * MS; t <= T0 + 200 * SEC && when == 0; t += SEC) {
		when = run_until(&vr, t, &chg);
		recv_ok(&vr, adv4(100, 100, 5), t, &act);
	}
	assert_int_equal(chg.reason, HA_VRRP_R_PREEMPT);

	/* With NO_PREEMPT first (low bandwidth), the lower peer keeps the addresses. */
	ha_vrrp_hold(&vr, HA_VRRP_HOLD_NO_PREEMPT, HA_VRRP_R_LOW_BANDWIDTH, t, &act);
	assert_int_equal(ha_vrrp_resign(&vr, HA_VRRP_R_LOW_BANDWIDTH, t, &act), 0);
	assert_int_equal(act.reason, HA_VRRP_R_LOW_BANDWIDTH);
	for (uint64_t u = t + 400 * MS; u <= t + 60 * SEC; u += SEC) {
		assert_true(run_until(&vr, u, NULL) == 0);
		recv_ok(&vr, adv4(100, 100, 5), u, &act);
	}
	assert_int_equal(ha_vrrp_state_get(&vr), HA_VRRP_BACKUP);
}

static void
test_ha_vrrp_recv_rejects_own_and_foreign(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_advert a;
	struct ha_vrrp_counters cnt;

	(void)state;
	start(&vr, &c, T0);
	a = adv4(200, 100, 10); /* from our own address: a loop */
	assert_int_equal(ha_vrrp_recv(&vr, &a, T0 + SEC, &act), -ELOOP);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 3609375000ULL);
	a = adv4(200, 100, 20);
	a.vrid = 52;
	assert_int_equal(ha_vrrp_recv(&vr, &a, T0 + SEC, &act), -EINVAL);
	a = adv4(200, 100, 20);
	a.family = 6;
	assert_int_equal(ha_vrrp_recv(&vr, &a, T0 + SEC, &act), -EINVAL);
	a = adv4(200, 0, 20);
	assert_int_equal(ha_vrrp_recv(&vr, &a, T0 + SEC, &act), -EINVAL);
	a = adv4(200, 100, 20);
	a.addrs = NULL;
	assert_int_equal(ha_vrrp_recv(&vr, &a, T0 + SEC, &act), -EINVAL);
	assert_int_equal(ha_vrrp_recv(&vr, NULL, T0 + SEC, &act), -EINVAL);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.adverts_rcvd, 0);
	assert_true(ha_vrrp_deadline(&vr) == T0 + 3609375000ULL);
}

static void
test_ha_vrrp_recv_counts_mismatches_and_still_processes(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_advert a;
	struct ha_vrrp_counters cnt;

	(void)state;
	start(&vr, &c, T0);
	/* Another interval and another VIP: both counted (RFC 9568 7.1), both still used. */
	a = adv4(200, 50, 20);
	a.addrs = other_vip;
	recv_ok(&vr, a, T0 + SEC, &act);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.adverts_rcvd, 1);
	assert_int_equal(cnt.interval_errors, 1);
	assert_int_equal(cnt.addr_list_errors, 1);
	assert_true(ha_vrrp_deadline(&vr) == T0 + SEC + 1804687500ULL);
	/* A matching one adds to neither. */
	recv_ok(&vr, adv4(200, 100, 20), T0 + 2 * SEC, &act);
	ha_vrrp_counters_get(&vr, &cnt);
	assert_int_equal(cnt.adverts_rcvd, 2);
	assert_int_equal(cnt.interval_errors, 1);
	assert_int_equal(cnt.addr_list_errors, 1);
}

static void
test_ha_vrrp_error_count_classes(void **state)
{
	static const struct {
		int err;
		size_t field;
	} map[] = {
		{ -HA_VRRP_ERR_NOT_VRRP, offsetof(struct ha_vrrp_counters, other_errors) },
		{ -HA_VRRP_ERR_DEST, offsetof(struct ha_vrrp_counters, other_errors) },
		{ -HA_VRRP_ERR_LENGTH, offsetof(struct ha_vrrp_counters, length_errors) },
		{ -HA_VRRP_ERR_TTL, offsetof(struct ha_vrrp_counters, ttl_errors) },
		{ -HA_VRRP_ERR_VERSION, offsetof(struct ha_vrrp_counters, version_errors) },
		{ -HA_VRRP_ERR_TYPE, offsetof(struct ha_vrrp_counters, type_errors) },
		{ -HA_VRRP_ERR_CHECKSUM, offsetof(struct ha_vrrp_counters, checksum_errors) },
		{ -HA_VRRP_ERR_VRID, offsetof(struct ha_vrrp_counters, vrid_errors) },
		{ -HA_VRRP_ERR_INTERVAL, offsetof(struct ha_vrrp_counters, interval_errors) },
		{ -HA_VRRP_ERR_ADDR_LIST, offsetof(struct ha_vrrp_counters, addr_list_errors) },
	};
	static const size_t counters[] = {
		offsetof(struct ha_vrrp_counters, other_errors),
		offsetof(struct ha_vrrp_counters, length_errors),
		offsetof(struct ha_vrrp_counters, ttl_errors),
		offsetof(struct ha_vrrp_counters, version_errors),
		offsetof(struct ha_vrrp_counters, type_errors),
		offsetof(struct ha_vrrp_counters, checksum_errors),
		offsetof(struct ha_vrrp_counters, vrid_errors),
		offsetof(struct ha_vrrp_counters, interval_errors),
		offsetof(struct ha_vrrp_counters, addr_list_errors),
		offsetof(struct ha_vrrp_counters, adverts_rcvd),
	};
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_counters cnt;

	(void)state;
	assert_int_equal(HA_VRRP_ERR_END - HA_VRRP_ERR_NOT_VRRP, sizeof(map) / sizeof(map[0]));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(ha_vrrp_init(&vr, &c), 0);
		ha_vrrp_error_count(&vr, map[i].err);
		ha_vrrp_counters_get(&vr, &cnt);
		/* Exactly one counter moved, the one of its class. */
		for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
			uint64_t v;

			memcpy(&v, (const char *)&cnt + counters[k], sizeof(v));
			assert_int_equal(v, counters[k] == map[i].field ? 1 : 0);
		}
	}
	/* Not a decode error: nothing counted. */
	assert_int_equal(ha_vrrp_init(&vr, &c), 0);
	ha_vrrp_error_count(&vr, -EINVAL);
	ha_vrrp_error_count(&vr, 0);
	ha_vrrp_counters_get(&vr, &cnt);
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		uint64_t v;

		memcpy(&v, (const char *)&cnt + counters[k], sizeof(v));
		assert_int_equal(v, 0);
	}
}

static void
test_ha_vrrp_garp_refresh(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(255, 100);
	struct ha_vrrp_actions act;
	unsigned int adverts = 0, announces = 0;

	(void)state;
	c.garp_refresh_ns = 10 * SEC;
	start(&vr, &c, T0);
	assert_true(ha_vrrp_deadline(&vr) == T0 + SEC);
	while (ha_vrrp_deadline(&vr) <= T0 + 25 * SEC) {
		uint64_t d = ha_vrrp_deadline(&vr);

		ha_vrrp_timer(&vr, d, &act);
		adverts += act.send_advert;
		announces += act.announce;
		assert_false(act.state_changed);
	}
	assert_int_equal(adverts, 25);
	assert_int_equal(announces, 2); /* at T0 + 10 s and + 20 s */

	/* Off by default: only the announce on becoming master. */
	c.garp_refresh_ns = 0;
	start(&vr, &c, T0);
	announces = 0;
	while (ha_vrrp_deadline(&vr) <= T0 + 25 * SEC) {
		ha_vrrp_timer(&vr, ha_vrrp_deadline(&vr), &act);
		announces += act.announce;
	}
	assert_int_equal(announces, 0);
}

static void
test_ha_vrrp_ipv6_tie_break(void **state)
{
	static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(150, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_advert a = {
		.family = 6,
		.vrid = 51,
		.priority = 150,
		.count = 1,
		.max_adver_int = 100,
		.addrs = vip6,
	};
	uint8_t addr[16];

	(void)state;
	c.family = 6;
	memset(c.addr, 0, 16);
	c.addr[0] = 0xfe;
	c.addr[1] = 0x80;
	c.addr[13] = 0x01;
	c.addr[15] = 0x10; /* fe80::1:10 */
	memcpy(c.vips[0], vip6, 16);
	start(&vr, &c, T0);
	assert_true(run_until(&vr, T0 + 10 * SEC, &act) != 0);
	/* fe80::ff is lower (its last byte alone would say otherwise): we stay. */
	memcpy(a.src, c.addr, 16);
	a.src[13] = 0x00;
	a.src[15] = 0xff;
	recv_ok(&vr, a, T0 + 11 * SEC, &act);
	assert_false(act.state_changed);
	assert_true(act.send_advert);
	/* fe81::1 is higher: it wins. */
	memset(a.src, 0, 16);
	a.src[0] = 0xfe;
	a.src[1] = 0x81;
	a.src[15] = 0x01;
	recv_ok(&vr, a, T0 + 12 * SEC, &act);
	assert_int_equal(act.new_state, HA_VRRP_BACKUP);
	assert_int_equal(act.reason, HA_VRRP_R_HIGHER_ADDRESS);
	assert_int_equal(ha_vrrp_master_get(&vr, addr), 0);
	assert_memory_equal(addr, a.src, 16);
}

static void
test_ha_vrrp_status_snapshot(void **state)
{
	struct ha_vrrp vr;
	struct ha_vrrp_conf c = conf4(100, 100);
	struct ha_vrrp_actions act;
	struct ha_vrrp_status st;
	uint64_t t;

	(void)state;
	start(&vr, &c, T0);
	recv_ok(&vr, adv4(200, 100, 20), T0 + SEC, &act);
	ha_vrrp_status_get(&vr, &st);
	assert_int_equal(st.state, HA_VRRP_BACKUP);
	assert_int_equal(st.hold, HA_VRRP_HOLD_NONE);
	assert_int_equal(st.priority, 100);
	assert_int_equal(st.effective_priority, 100);
	assert_int_equal(st.advert_interval, 100);
	assert_int_equal(st.master_adver_int, 100);
	assert_true(st.master_known);
	assert_int_equal(st.master_addr[3], 20);
	assert_int_equal(st.master_priority, 200);
	assert_true(st.master_last == T0 + SEC);
	assert_int_equal(st.skew_time, 609375000);
	assert_int_equal(st.master_down_interval, 3609375000ULL);
	assert_true(st.deadline == T0 + SEC + 3609375000ULL);

	t = T0 + SEC + 3609375000ULL;
	assert_true(run_until(&vr, t, &act) == t);
	ha_vrrp_status_get(&vr, &st);
	assert_int_equal(st.state, HA_VRRP_MASTER);
	assert_memory_equal(st.master_addr, us, 4);
	assert_int_equal(st.master_priority, 100);
	assert_true(st.deadline == t + SEC);
}

static void
test_ha_vrrp_names(void **state)
{
	(void)state;
	for (int r = 0; r < HA_VRRP_R_MAX; r++) {
		assert_string_not_equal(ha_vrrp_reason_name((enum ha_vrrp_reason)r), "unknown");
		for (int q = 0; q < r; q++)
			assert_string_not_equal(ha_vrrp_reason_name((enum ha_vrrp_reason)r),
			                        ha_vrrp_reason_name((enum ha_vrrp_reason)q));
	}
	assert_string_equal(ha_vrrp_reason_name(HA_VRRP_R_STARTUP_OWNER), "startup-owner");
	assert_string_equal(ha_vrrp_reason_name(HA_VRRP_R_MASTER_DOWN), "master-down");
	assert_string_equal(ha_vrrp_reason_name(HA_VRRP_R_FAST_FAILOVER), "fast-failover");
	assert_string_equal(ha_vrrp_reason_name(HA_VRRP_R_MAX), "unknown");
	assert_string_equal(ha_vrrp_reason_name((enum ha_vrrp_reason) - 1), "unknown");
	assert_string_equal(ha_vrrp_state_name(HA_VRRP_INIT), "init");
	assert_string_equal(ha_vrrp_state_name(HA_VRRP_BACKUP), "backup");
	assert_string_equal(ha_vrrp_state_name(HA_VRRP_MASTER), "master");
	assert_string_equal(ha_vrrp_state_name((enum ha_vrrp_state)7), "unknown");
	assert_string_equal(ha_vrrp_hold_name(HA_VRRP_HOLD_NONE), "none");
	assert_string_equal(ha_vrrp_hold_name(HA_VRRP_HOLD_NO_PREEMPT), "no-preempt");
	assert_string_equal(ha_vrrp_hold_name(HA_VRRP_HOLD_DOWN), "down");
	assert_string_equal(ha_vrrp_hold_name((enum ha_vrrp_hold)9), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_vrrp_timer_formulas_exact),
		cmocka_unit_test(test_ha_vrrp_init_rejects_bad_conf),
		cmocka_unit_test(test_ha_vrrp_startup_non_owner_backup_then_master_down),
		cmocka_unit_test(test_ha_vrrp_startup_owner_master_at_once),
		cmocka_unit_test(test_ha_vrrp_master_adverts_periodic),
		cmocka_unit_test(
			test_ha_vrrp_backup_higher_advert_resets_timer_and_learns_interval),
		cmocka_unit_test(test_ha_vrrp_backup_lower_advert_preempts),
		cmocka_unit_test(test_ha_vrrp_backup_no_preempt_follows_lower_master),
		cmocka_unit_test(test_ha_vrrp_backup_equal_priority_never_preempts),
		cmocka_unit_test(test_ha_vrrp_backup_priority_zero_skew_time),
		cmocka_unit_test(test_ha_vrrp_master_higher_priority_becomes_backup),
		cmocka_unit_test(test_ha_vrrp_master_equal_priority_address_tie_break),
		cmocka_unit_test(test_ha_vrrp_master_lower_priority_advertises_at_once),
		cmocka_unit_test(test_ha_vrrp_master_priority_zero_advertises_at_once),
		cmocka_unit_test(test_ha_vrrp_shutdown_every_state),
		cmocka_unit_test(test_ha_vrrp_preempt_delay),
		cmocka_unit_test(test_ha_vrrp_preempt_delay_lower_master_dies),
		cmocka_unit_test(test_ha_vrrp_hold_down_master_gives_up),
		cmocka_unit_test(test_ha_vrrp_hold_down_owner),
		cmocka_unit_test(test_ha_vrrp_hold_no_preempt),
		cmocka_unit_test(test_ha_vrrp_hold_after_preempt_started),
		cmocka_unit_test(test_ha_vrrp_takeover),
		cmocka_unit_test(test_ha_vrrp_resign),
		cmocka_unit_test(test_ha_vrrp_recv_rejects_own_and_foreign),
		cmocka_unit_test(test_ha_vrrp_recv_counts_mismatches_and_still_processes),
		cmocka_unit_test(test_ha_vrrp_error_count_classes),
		cmocka_unit_test(test_ha_vrrp_garp_refresh),
		cmocka_unit_test(test_ha_vrrp_ipv6_tie_break),
		cmocka_unit_test(test_ha_vrrp_status_snapshot),
		cmocka_unit_test(test_ha_vrrp_names),
	};

	return cmocka_run_group_tests_name("ha_vrrp", tests, NULL, NULL);
}
