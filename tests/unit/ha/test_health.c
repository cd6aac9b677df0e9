/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA health decisions with an injected clock: peer hysteresis at its exact thresholds, flap
 * window edges, link and bandwidth decisions at their boundaries, and the fast-failover
 * predicate's truth table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ha_health.h"

#define MS HA_NS_PER_MS
#define S HA_NS_PER_S
#define T0 (1000 * S) /* the clock does not start at 0 */

/*
 * Peer health.
 */

/* A peer with failure threshold 3, recovery threshold 5, 100 ms checks, healthy since T0. */
static void
peer_healthy(struct ha_peer_health *h)
{
	assert_int_equal(ha_peer_health_init(h, 3, 5, 100 * MS, T0), 0);
	assert_true(ha_peer_health_rx(h, T0));
	assert_int_equal(h->state, HA_HEALTH_HEALTHY);
}

/* Make @h unhealthy from healthy: silence from its last heartbeat until it fails. */
static uint64_t
peer_fail(struct ha_peer_health *h)
{
	uint64_t t = ha_peer_health_deadline(h);

	assert_true(ha_peer_health_tick(h, t));
	assert_int_equal(h->state, HA_HEALTH_UNHEALTHY);
	return t;
}

static void
test_ha_peer_health_init_bad_args(void **state)
{
	struct ha_peer_health h;

	(void)state;
	assert_int_equal(ha_peer_health_init(&h, 0, 5, MS, 0), -EINVAL);
	assert_int_equal(ha_peer_health_init(&h, 3, 0, MS, 0), -EINVAL);
	assert_int_equal(ha_peer_health_init(&h, 1001, 5, MS, 0), -EINVAL);
	assert_int_equal(ha_peer_health_init(&h, 3, 1001, MS, 0), -EINVAL);
	assert_int_equal(ha_peer_health_init(&h, 3, 5, 0, 0), -EINVAL);
	assert_int_equal(ha_peer_health_init(&h, 1000, 1000, 1, 0), 0);
	assert_int_equal(ha_peer_health_init(&h, 1, 1, 1, 0), 0);
}

static void
test_ha_peer_health_unknown_first_rx_healthy(void **state)
{
	struct ha_peer_health h;

	(void)state;
	assert_int_equal(ha_peer_health_init(&h, 3, 5, 100 * MS, T0), 0);
	assert_int_equal(h.state, HA_HEALTH_UNKNOWN);
	assert_false(h.heard);
	assert_false(ha_peer_health_tick(&h, T0 + 50 * MS));
	/* Nothing to recover from: one heartbeat is enough. */
	assert_true(ha_peer_health_rx(&h, T0 + 50 * MS));
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	assert_true(h.heard);
	assert_int_equal(h.good, 1);
	assert_int_equal(h.changes, 1);
	assert_int_equal(h.last_change, T0 + 50 * MS);
	assert_int_equal(h.last_rx, T0 + 50 * MS);
	assert_int_equal(h.rx_total, 1);
}

static void
test_ha_peer_health_unknown_never_heard_unhealthy(void **state)
{
	struct ha_peer_health h;

	(void)state;
	assert_int_equal(ha_peer_health_init(&h, 3, 5, 100 * MS, T0), 0);
	assert_int_equal(ha_peer_health_deadline(&h), T0 + 300 * MS);
	assert_false(ha_peer_health_tick(&h, T0 + 300 * MS - 1));
	assert_int_equal(h.state, HA_HEALTH_UNKNOWN);
	assert_int_equal(h.misses, 2);
	assert_true(ha_peer_health_tick(&h, T0 + 300 * MS));
	assert_int_equal(h.state, HA_HEALTH_UNHEALTHY);
	assert_int_equal(h.misses, 3);
	assert_int_equal(ha_peer_health_deadline(&h), HA_TIME_NEVER);
	/* Having been given up on, it must now recover like any other. */
	for (unsigned int i = 1; i < 5; i++) {
		assert_false(ha_peer_health_rx(&h, T0 + (300 + 100 * i) * MS));
		assert_int_equal(h.good, i);
	}
	assert_true(ha_peer_health_rx(&h, T0 + 800 * MS));
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
}

static void
test_ha_peer_health_failure_exact_threshold(void **state)
{
	struct ha_peer_health h;

	(void)state;
	peer_healthy(&h);
	assert_int_equal(ha_peer_health_next_miss(&h), T0 + 100 * MS);
	assert_int_equal(ha_peer_health_deadline(&h), T0 + 300 * MS);
	/* One ns before each miss: none counted yet. */
	assert_false(ha_peer_health_tick(&h, T0 + 100 * MS - 1));
	assert_int_equal(h.misses, 0);
	assert_false(ha_peer_health_tick(&h, T0 + 100 * MS));
	assert_int_equal(h.misses, 1);
	assert_int_equal(ha_peer_health_next_miss(&h), T0 + 200 * MS);
	/* failure_threshold - 1 misses: still healthy. */
	assert_false(ha_peer_health_tick(&h, T0 + 300 * MS - 1));
	assert_int_equal(h.misses, 2);
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	/* failure_threshold misses: unhealthy, exactly at the deadline. */
	assert_true(ha_peer_health_tick(&h, T0 + 300 * MS));
	assert_int_equal(h.misses, 3);
	assert_int_equal(h.state, HA_HEALTH_UNHEALTHY);
	assert_int_equal(h.good, 0);
	assert_int_equal(h.last_change, T0 + 300 * MS);
	assert_int_equal(h.changes, 2);
	/* Further misses change nothing but the counts. */
	assert_false(ha_peer_health_tick(&h, T0 + 1000 * MS));
	assert_int_equal(h.misses, 10);
	assert_int_equal(h.misses_total, 10);
	assert_int_equal(h.changes, 2);
}

static void
test_ha_peer_health_heartbeats_keep_healthy(void **state)
{
	struct ha_peer_health h;

	(void)state;
	peer_healthy(&h);
	/* Heartbeats just under the failure time apart never let the peer fail. */
	for (uint64_t t = T0; t < T0 + 10 * S; t += 300 * MS - 1) {
		assert_false(ha_peer_health_tick(&h, t));
		assert_false(ha_peer_health_rx(&h, t));
	}
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	assert_int_equal(h.changes, 1);
	assert_int_equal(h.misses, 0);
}

static void
test_ha_peer_health_recovery_exact_threshold(void **state)
{
	struct ha_peer_health h;
	uint64_t t;

	(void)state;
	peer_healthy(&h);
	t = peer_fail(&h);
	/* recovery_threshold - 1 good checks: still unhealthy. */
	for (unsigned int i = 1; i <= 4; i++) {
		assert_false(ha_peer_health_rx(&h, t + i * 100 * MS));
		assert_int_equal(h.good, i);
		assert_int_equal(h.state, HA_HEALTH_UNHEALTHY);
		assert_int_equal(ha_peer_health_deadline(&h), HA_TIME_NEVER);
	}
	/* recovery_threshold: healthy. */
	assert_true(ha_peer_health_rx(&h, t + 500 * MS));
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	assert_int_equal(h.good, 5);
	assert_int_equal(h.changes, 3);
	assert_int_equal(ha_peer_health_deadline(&h), t + 800 * MS);
}

static void
test_ha_peer_health_duplicates_count_once(void **state)
{
	struct ha_peer_health h;
	uint64_t t;

	(void)state;
	peer_healthy(&h);
	t = peer_fail(&h);
	/* A burst of heartbeats is one good check, however many come. */
	for (unsigned int i = 0; i < 10; i++)
		assert_false(ha_peer_health_rx(&h, t + 10 * MS + i * MS));
	assert_int_equal(h.good, 1);
	assert_int_equal(h.rx_total, 11);
	/* Half an interval after the one that counted: a new check. */
	assert_false(ha_peer_health_rx(&h, t + 60 * MS - 1));
	assert_int_equal(h.good, 1);
	assert_false(ha_peer_health_rx(&h, t + 60 * MS));
	assert_int_equal(h.good, 2);
}

static void
test_ha_peer_health_late_heartbeat_keeps_run(void **state)
{
	struct ha_peer_health h;
	uint64_t t;

	(void)state;
	peer_healthy(&h);
	t = peer_fail(&h);
	assert_false(ha_peer_health_rx(&h, t));
	assert_int_equal(h.good, 1);
	/* Almost two intervals late: one miss counted, the run goes on. */
	t += 200 * MS - 1;
	assert_false(ha_peer_health_rx(&h, t));
	assert_int_equal(h.good, 2);
	/* Two whole intervals of silence: the run starts again with this heartbeat. */
	t += 200 * MS;
	assert_false(ha_peer_health_tick(&h, t));
	assert_int_equal(h.good, 0);
	assert_false(ha_peer_health_rx(&h, t));
	assert_int_equal(h.good, 1);
	for (unsigned int i = 1; i < 5; i++) {
		t += 150 * MS; /* jittery but never two intervals apart */
		assert_int_equal(ha_peer_health_rx(&h, t), i == 4);
	}
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
}

static void
test_ha_peer_health_rx_counts_missed_failure(void **state)
{
	struct ha_peer_health h;

	(void)state;
	peer_healthy(&h);
	/* The timer never fired, but the peer was silent for 3 intervals: it failed. */
	assert_true(ha_peer_health_rx(&h, T0 + 300 * MS));
	assert_int_equal(h.state, HA_HEALTH_UNHEALTHY);
	assert_int_equal(h.good, 1);
	assert_int_equal(h.misses, 0);
	assert_int_equal(h.misses_total, 3);
	assert_int_equal(h.changes, 2);
}

static void
test_ha_peer_health_recovery_one_within_call(void **state)
{
	struct ha_peer_health h;

	(void)state;
	assert_int_equal(ha_peer_health_init(&h, 2, 1, 10 * MS, T0), 0);
	assert_true(ha_peer_health_rx(&h, T0));
	/* It failed and recovered within the call: same state, both changes counted. */
	assert_false(ha_peer_health_rx(&h, T0 + 20 * MS));
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	assert_int_equal(h.changes, 3);
	/* With the timer on time, the same history is two visible changes. */
	assert_true(ha_peer_health_tick(&h, T0 + 40 * MS));
	assert_true(ha_peer_health_rx(&h, T0 + 41 * MS));
	assert_int_equal(h.changes, 5);
}

static void
test_ha_peer_health_clock_backwards(void **state)
{
	struct ha_peer_health h;

	(void)state;
	peer_healthy(&h);
	assert_false(ha_peer_health_tick(&h, T0 - S));
	assert_int_equal(h.misses, 0);
	assert_false(ha_peer_health_rx(&h, T0 - S));
	assert_int_equal(h.last_rx, T0);
	assert_int_equal(h.state, HA_HEALTH_HEALTHY);
	assert_int_equal(ha_peer_health_deadline(&h), T0 + 300 * MS);
}

static void
test_ha_peer_health_deadline_saturates(void **state)
{
	struct ha_peer_health h;

	(void)state;
	assert_int_equal(ha_peer_health_init(&h, 1000, 1, UINT64_MAX / 2, UINT64_MAX - 5), 0);
	assert_int_equal(ha_peer_health_deadline(&h), HA_TIME_NEVER);
	assert_int_equal(ha_peer_health_next_miss(&h), HA_TIME_NEVER);
	assert_false(ha_peer_health_tick(&h, UINT64_MAX));
}

static void
test_ha_health_name_every_state(void **state)
{
	(void)state;
	assert_string_equal(ha_health_name(HA_HEALTH_UNKNOWN), "unknown");
	assert_string_equal(ha_health_name(HA_HEALTH_HEALTHY), "healthy");
	assert_string_equal(ha_health_name(HA_HEALTH_UNHEALTHY), "unhealthy");
	assert_string_equal(ha_health_name((enum ha_health)7), "invalid");
}

/*
 * Flap damping. The struct is 8 KB: on the heap.
 */
static struct ha_flaps *
flaps_new(unsigned int max_flaps, uint64_t window_ns)
{
	struct ha_flaps *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ha_flaps_init(f, max_flaps, window_ns), 0);
	return f;
}

static void
test_ha_flaps_init_bad_args(void **state)
{
	struct ha_flaps *f = calloc(1, sizeof(*f));

	(void)state;
	assert_non_null(f);
	assert_int_equal(ha_flaps_init(f, HA_FLAP_MAX + 1, S), -EINVAL);
	assert_int_equal(ha_flaps_init(f, 6, 0), -EINVAL);
	assert_int_equal(ha_flaps_init(f, HA_FLAP_MAX, 1), 0);
	assert_int_equal(ha_flaps_init(f, 0, 1), 0);
	free(f);
}

static void
test_ha_flaps_exactly_max_does_not_trip(void **state)
{
	struct ha_flaps *f = flaps_new(6, 60 * S);

	(void)state;
	for (unsigned int i = 0; i < 6; i++)
		assert_false(ha_flaps_record(f, T0 + i * S));
	assert_false(ha_flaps_exceeded(f, T0 + 6 * S));
	assert_int_equal(ha_flaps_count(f, T0 + 6 * S), 6);
	/* max_flaps + 1 in the window: exceeded. */
	assert_true(ha_flaps_record(f, T0 + 6 * S));
	assert_true(ha_flaps_exceeded(f, T0 + 6 * S));
	assert_int_equal(ha_flaps_count(f, T0 + 6 * S), 7);
	assert_int_equal(f->total, 7);
	free(f);
}

static void
test_ha_flaps_age_out_at_window_edge(void **state)
{
	struct ha_flaps *f = flaps_new(6, 60 * S);

	(void)state;
	for (unsigned int i = 0; i < 7; i++)
		ha_flaps_record(f, T0 + i * S);
	assert_int_equal(ha_flaps_next_expiry(f), T0 + 60 * S);
	/* The first flap is inside the window until exactly one window has passed. */
	assert_true(ha_flaps_exceeded(f, T0 + 60 * S - 1));
	assert_false(ha_flaps_exceeded(f, T0 + 60 * S));
	assert_int_equal(ha_flaps_count(f, T0 + 60 * S), 6);
	assert_int_equal(ha_flaps_next_expiry(f), T0 + 61 * S);
	/* All of them gone. */
	assert_int_equal(ha_flaps_count(f, T0 + 66 * S), 0);
	assert_int_equal(ha_flaps_next_expiry(f), HA_TIME_NEVER);
	assert_int_equal(f->total, 7);
	/* A new flap alone in the window does not trip. */
	assert_false(ha_flaps_record(f, T0 + 100 * S));
	free(f);
}

static void
test_ha_flaps_spread_out_never_trip(void **state)
{
	struct ha_flaps *f = flaps_new(6, 60 * S);

	(void)state;
	/* One flap every 10 s: 6 in any 60 s window, for ever (and the ring wraps many times). */
	for (unsigned int i = 0; i < 5000; i++)
		assert_false(ha_flaps_record(f, T0 + (uint64_t)i * 10 * S));
	assert_int_equal(ha_flaps_count(f, T0 + 4999ULL * 10 * S), 6);
	/* A seventh within the window trips. */
	assert_true(ha_flaps_record(f, T0 + 4999ULL * 10 * S + 1));
	free(f);
}

static void
test_ha_flaps_zero_never(void **state)
{
	struct ha_flaps *f = flaps_new(0, 60 * S);

	(void)state;
	for (unsigned int i = 0; i < 3000; i++)
		assert_false(ha_flaps_record(f, T0 + i * MS));
	assert_false(ha_flaps_exceeded(f, T0 + 3 * S));
	/* The count stays bounded by the ring. */
	assert_int_equal(ha_flaps_count(f, T0 + 3 * S), HA_FLAP_MAX + 1);
	assert_int_equal(f->total, 3000);
	free(f);
}

static void
test_ha_flaps_max_limit(void **state)
{
	struct ha_flaps *f = flaps_new(HA_FLAP_MAX, 3600 * S);

	(void)state;
	for (unsigned int i = 0; i < HA_FLAP_MAX; i++)
		assert_false(ha_flaps_record(f, T0 + i * MS));
	assert_true(ha_flaps_record(f, T0 + HA_FLAP_MAX * MS));
	/* Still exceeded while the ring overflows: the oldest are dropped, newer ones kept. */
	for (unsigned int i = 0; i < 50; i++)
		assert_true(ha_flaps_record(f, T0 + S + i * MS));
	assert_int_equal(ha_flaps_count(f, T0 + 2 * S), HA_FLAP_MAX + 1);
	free(f);
}

static void
test_ha_flaps_clock_backwards(void **state)
{
	struct ha_flaps *f = flaps_new(2, 10 * S);

	(void)state;
	assert_false(ha_flaps_record(f, T0 + 5 * S));
	/* A flap "before" the newest is recorded at the newest time, keeping the ring sorted. */
	assert_false(ha_flaps_record(f, T0));
	assert_true(ha_flaps_record(f, T0 + 1 * S));
	assert_int_equal(ha_flaps_next_expiry(f), T0 + 15 * S);
	assert_int_equal(ha_flaps_count(f, T0 + 15 * S - 1), 3);
	assert_int_equal(ha_flaps_count(f, T0 + 15 * S), 0);
	free(f);
}

/*
 * Link-pair monitor.
 */
static void
test_ha_links_init_bad_args(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, HA_LINKS_MAX + 1, 1, MS), -EINVAL);
	assert_int_equal(ha_links_init(&l, 2, 3, MS), -EINVAL);
	assert_int_equal(ha_links_init(&l, HA_LINKS_MAX, HA_LINKS_MAX, MS), 0);
	assert_int_equal(ha_links_init(&l, 0, 0, MS), 0);
	assert_false(l.below);
}

static void
test_ha_links_up_counts_after_hold(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 1, 1, 100 * MS), 0);
	assert_true(l.below);
	assert_int_equal(l.n_healthy, 0);
	assert_int_equal(ha_links_deadline(&l), HA_TIME_NEVER);
	assert_false(ha_links_update(&l, 0, true, true, T0));
	assert_int_equal(ha_links_deadline(&l), T0 + 100 * MS);
	/* Seen up again one ns before the hold ends: not yet. */
	assert_false(ha_links_update(&l, 0, true, true, T0 + 100 * MS - 1));
	assert_true(l.below);
	/* The hold has passed: it counts, with or without a new sample. */
	assert_true(ha_links_tick(&l, T0 + 100 * MS));
	assert_false(l.below);
	assert_int_equal(l.n_healthy, 1);
	assert_int_equal(l.pair[0].changes, 1);
	assert_int_equal(l.below_changes, 1);
	assert_int_equal(ha_links_deadline(&l), HA_TIME_NEVER);
}

static void
test_ha_links_down_counts_at_once(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 1, 1, 100 * MS), 0);
	ha_links_update(&l, 0, true, true, T0);
	assert_true(ha_links_tick(&l, T0 + 100 * MS));
	/* Either end down: below at once. */
	assert_true(ha_links_update(&l, 0, true, false, T0 + 150 * MS));
	assert_true(l.below);
	assert_int_equal(l.n_healthy, 0);
	assert_false(ha_links_update(&l, 0, false, false, T0 + 160 * MS));
	assert_false(ha_links_update(&l, 0, false, true, T0 + 170 * MS));
	assert_true(l.below);
	assert_int_equal(l.pair[0].changes, 2);
}

static void
test_ha_links_bounce_restarts_hold(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 1, 1, 100 * MS), 0);
	ha_links_update(&l, 0, true, true, T0);
	ha_links_update(&l, 0, false, true, T0 + 50 * MS);
	ha_links_update(&l, 0, true, true, T0 + 90 * MS);
	/* The hold counts from the last time the pair came up. */
	assert_false(ha_links_tick(&l, T0 + 150 * MS));
	assert_true(l.below);
	assert_int_equal(ha_links_deadline(&l), T0 + 190 * MS);
	assert_true(ha_links_update(&l, 0, true, true, T0 + 190 * MS));
	assert_false(l.below);
}

static void
test_ha_links_min_active_boundary(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 3, 2, 0), 0);
	/* hold 0: a pair counts as soon as it is seen up. */
	assert_false(ha_links_update(&l, 0, true, true, T0));
	assert_int_equal(l.n_healthy, 1);
	assert_true(l.below);
	/* Exactly min_active_links healthy: not below. */
	assert_true(ha_links_update(&l, 2, true, true, T0));
	assert_int_equal(l.n_healthy, 2);
	assert_false(l.below);
	assert_false(ha_links_update(&l, 1, true, true, T0));
	assert_int_equal(l.n_healthy, 3);
	assert_false(ha_links_update(&l, 0, false, true, T0 + MS));
	assert_false(l.below);
	/* One fewer than the minimum: below. */
	assert_true(ha_links_update(&l, 2, true, false, T0 + MS));
	assert_int_equal(l.n_healthy, 1);
	assert_true(l.below);
}

static void
test_ha_links_min_zero_never_below(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 2, 0, 100 * MS), 0);
	assert_false(l.below);
	assert_false(ha_links_update(&l, 0, false, false, T0));
	assert_false(ha_links_update(&l, 1, false, false, T0));
	assert_false(l.below);
}

static void
test_ha_links_pair_out_of_range_ignored(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 1, 1, 0), 0);
	assert_false(ha_links_update(&l, 1, true, true, T0));
	assert_false(ha_links_update(&l, HA_LINKS_MAX, true, true, T0));
	assert_false(ha_links_update(&l, UINT32_MAX, true, true, T0));
	assert_true(l.below);
	assert_int_equal(l.n_healthy, 0);
}

static void
test_ha_links_deadline_earliest_pair(void **state)
{
	struct ha_links l;

	(void)state;
	assert_int_equal(ha_links_init(&l, 3, 3, 100 * MS), 0);
	ha_links_update(&l, 0, true, true, T0 + 30 * MS);
	ha_links_update(&l, 1, true, true, T0 + 10 * MS);
	ha_links_update(&l, 2, true, false, T0);
	assert_int_equal(ha_links_deadline(&l), T0 + 110 * MS);
	ha_links_tick(&l, T0 + 110 * MS);
	assert_int_equal(l.n_healthy, 1);
	assert_int_equal(ha_links_deadline(&l), T0 + 130 * MS);
}

/*
 * Bandwidth monitor: min 1024 bps over 10 s windows, that is 1280 bytes per window.
 */
static void
test_ha_bw_init_bad_args(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 0), -EINVAL);
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	assert_int_equal(ha_bw_deadline(&b), HA_TIME_NEVER);
	assert_false(ha_bw_low(&b));
}

static void
test_ha_bw_exact_minimum_not_low(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	assert_int_equal(ha_bw_update(&b, T0, 5000, true), 0);
	assert_int_equal(ha_bw_deadline(&b), T0 + 10 * S);
	/* The window is not over one ns early: no verdict, even with no traffic. */
	assert_int_equal(ha_bw_update(&b, T0 + 10 * S - 1, 5000, true), 0);
	assert_false(ha_bw_low(&b));
	/* Exactly min_bps: not below it. */
	assert_int_equal(ha_bw_update(&b, T0 + 10 * S, 5000 + 1280, true), 1024);
	assert_false(ha_bw_low(&b));
	/* One byte short: low. */
	assert_int_equal(ha_bw_update(&b, T0 + 20 * S, 5000 + 1280 + 1279, true), 1023);
	assert_true(ha_bw_low(&b));
	assert_int_equal(b.low_total, 1);
	/* The next window with enough traffic clears it. */
	assert_int_equal(ha_bw_update(&b, T0 + 30 * S, 5000 + 2559 + 12800, true), 10240);
	assert_false(ha_bw_low(&b));
}

static void
test_ha_bw_rate_over_real_window(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 0, true);
	/* A late update: the rate is over the 20 s that really passed. */
	assert_int_equal(ha_bw_update(&b, T0 + 20 * S, 2560, true), 1024);
	assert_false(ha_bw_low(&b));
	assert_int_equal(ha_bw_deadline(&b), T0 + 30 * S);
	/* Big counters do not overflow the arithmetic. */
	assert_int_equal(ha_bw_update(&b, T0 + 30 * S, 2560 + 125000000000ULL, true),
	                 100000000000ULL);
}

static void
test_ha_bw_not_master_never_low(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 0, false);
	/* No traffic at all, but a backup is never low; the rate is still measured. */
	assert_int_equal(ha_bw_update(&b, T0 + 10 * S, 0, false), 0);
	assert_true(b.have_bps);
	assert_false(ha_bw_low(&b));
	assert_int_equal(ha_bw_update(&b, T0 + 20 * S, 128, false), 102);
	assert_false(ha_bw_low(&b));
}

static void
test_ha_bw_new_master_grace(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 0, false);
	/* Master from 9 s on: its first window ends at 19 s, not at 10 s. */
	ha_bw_update(&b, T0 + 9 * S, 0, true);
	assert_int_equal(ha_bw_deadline(&b), T0 + 19 * S);
	ha_bw_update(&b, T0 + 10 * S, 0, true);
	assert_false(ha_bw_low(&b));
	ha_bw_update(&b, T0 + 19 * S - 1, 0, true);
	assert_false(ha_bw_low(&b));
	ha_bw_update(&b, T0 + 19 * S, 0, true);
	assert_true(ha_bw_low(&b));
	/* Giving up master clears the verdict at once. */
	ha_bw_update(&b, T0 + 19 * S + 1, 0, false);
	assert_false(ha_bw_low(&b));
	/* A window that began as backup and ends as master gives no verdict: it restarts. */
	ha_bw_update(&b, T0 + 25 * S, 0, true);
	ha_bw_update(&b, T0 + 29 * S + 2, 0, true);
	assert_false(ha_bw_low(&b));
	assert_int_equal(ha_bw_deadline(&b), T0 + 35 * S);
}

static void
test_ha_bw_master_lost_mid_window(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 0, true);
	ha_bw_update(&b, T0 + 5 * S, 0, false);
	/* Master again before the window's end: a fresh window, so no verdict at 10 s. */
	ha_bw_update(&b, T0 + 6 * S, 0, true);
	ha_bw_update(&b, T0 + 10 * S, 0, true);
	assert_false(ha_bw_low(&b));
	ha_bw_update(&b, T0 + 16 * S, 0, true);
	assert_true(ha_bw_low(&b));
}

static void
test_ha_bw_disabled_never_low(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, false, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 0, true);
	assert_int_equal(ha_bw_update(&b, T0 + 10 * S, 0, true), 0);
	assert_true(b.have_bps);
	assert_false(ha_bw_low(&b));
}

static void
test_ha_bw_counter_reset_restarts(void **state)
{
	struct ha_bw b;

	(void)state;
	assert_int_equal(ha_bw_init(&b, true, 1024, 10 * S), 0);
	ha_bw_update(&b, T0, 1000000, true);
	/* The counter went back (a port reset): a new window, no verdict, no bogus rate. */
	assert_int_equal(ha_bw_update(&b, T0 + 10 * S, 10, true), 0);
	assert_false(ha_bw_low(&b));
	assert_false(b.have_bps);
	assert_int_equal(ha_bw_deadline(&b), T0 + 20 * S);
	assert_int_equal(ha_bw_update(&b, T0 + 20 * S, 10 + 12800, true), 10240);
}

/*
 * Fast failover.
 */
static void
test_ha_ff_margin_values(void **state)
{
	(void)state;
	assert_int_equal(ha_ff_margin(1000 * MS), 250 * MS);
	assert_int_equal(ha_ff_margin(100 * MS), 25 * MS);
	assert_int_equal(ha_ff_margin(10 * MS), 2500 * 1000);
	assert_int_equal(ha_ff_margin(4 * MS), MS);
	assert_int_equal(ha_ff_margin(2 * MS), MS);
	assert_int_equal(ha_ff_margin(0), MS);
}

static void
test_ha_ff_allowed_truth_table(void **state)
{
	static const enum ha_health healths[] = { HA_HEALTH_UNKNOWN, HA_HEALTH_HEALTHY,
		                                  HA_HEALTH_UNHEALTHY };
	const uint64_t last = T0;
	const uint64_t quiet = 125 * MS; /* 100 ms adverts + 25 ms margin */

	(void)state;
	for (int known = 0; known <= 1; known++) {
		for (unsigned int h = 0; h < 3; h++) {
			for (int silent = 0; silent <= 1; silent++) {
				struct ha_ff_input in = {
					.master_known = known,
					.master_health = healths[h],
					.last_advert = last,
					.adver_interval_ns = 100 * MS,
				};
				uint64_t now = last + quiet + (silent ? 1 : 0);
				bool want = known && healths[h] == HA_HEALTH_UNHEALTHY && silent;

				assert_int_equal(ha_ff_allowed(&in, now), want);
			}
		}
	}
}

static void
test_ha_ff_allowed_silence_boundary(void **state)
{
	struct ha_ff_input in = {
		.master_known = true,
		.master_health = HA_HEALTH_UNHEALTHY,
		.last_advert = T0,
		.adver_interval_ns = 10 * MS,
	};

	(void)state;
	/* 10 ms adverts: the margin is 2.5 ms; silence must last strictly longer than 12.5 ms. */
	assert_int_equal(ha_ff_deadline(&in), T0 + 12500 * 1000 + 1);
	assert_false(ha_ff_allowed(&in, T0));
	assert_false(ha_ff_allowed(&in, T0 + 12500 * 1000));
	assert_true(ha_ff_allowed(&in, T0 + 12500 * 1000 + 1));
	/* An advert arrives: the window starts over. */
	in.last_advert = T0 + 12 * MS;
	assert_false(ha_ff_allowed(&in, T0 + 13 * MS));
	assert_true(ha_ff_allowed(&in, T0 + 25 * MS));
	/* The floor of 1 ms: 2 ms adverts wait for more than 3 ms. */
	in.adver_interval_ns = 2 * MS;
	in.last_advert = T0;
	assert_false(ha_ff_allowed(&in, T0 + 3 * MS));
	assert_true(ha_ff_allowed(&in, T0 + 3 * MS + 1));
}

static void
test_ha_ff_allowed_degenerate_inputs(void **state)
{
	struct ha_ff_input in = {
		.master_known = true,
		.master_health = HA_HEALTH_UNHEALTHY,
		.last_advert = T0,
		.adver_interval_ns = 0,
	};

	(void)state;
	/* No learned interval: never. */
	assert_false(ha_ff_allowed(&in, UINT64_MAX));
	/* A deadline past the end of time: never. */
	in.adver_interval_ns = 100 * MS;
	in.last_advert = UINT64_MAX - MS;
	assert_int_equal(ha_ff_deadline(&in), HA_TIME_NEVER);
	assert_false(ha_ff_allowed(&in, UINT64_MAX));
	/* An advert "from the future" (clock stepped back) is no silence. */
	in.last_advert = T0 + S;
	assert_false(ha_ff_allowed(&in, T0));
}

static void
test_ha_failsafe_disconnect_rules(void **state)
{
	struct ha_failsafe_input in = { .ha_enabled = true, .elected = true };

	(void)state;
	/* A master alone is the only path: it fails open. */
	assert_false(ha_failsafe_disconnect(&in));
	/* With a peer able to take over, its bypass would be the second path. */
	in.peers_able = 1;
	assert_true(ha_failsafe_disconnect(&in));
	/* The primary holding master in bypass for flapping: the others are held. */
	in.flaps_primary = true;
	assert_false(ha_failsafe_disconnect(&in));
	in.flaps_primary = false;
	in.peers_able = 0;
	/* A standby, or a node not yet elected, fails closed whoever else is there. */
	in.any_standby = true;
	assert_true(ha_failsafe_disconnect(&in));
	in.any_standby = false;
	in.elected = false;
	assert_true(ha_failsafe_disconnect(&in));
	in.any_standby = true;
	in.flaps_primary = true;
	assert_true(ha_failsafe_disconnect(&in));
	/* Active-active and no ha block: every node forwards anyway. */
	in.active_active = true;
	assert_false(ha_failsafe_disconnect(&in));
	in.active_active = false;
	in.ha_enabled = false;
	assert_false(ha_failsafe_disconnect(&in));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_peer_health_init_bad_args),
		cmocka_unit_test(test_ha_peer_health_unknown_first_rx_healthy),
		cmocka_unit_test(test_ha_peer_health_unknown_never_heard_unhealthy),
		cmocka_unit_test(test_ha_peer_health_failure_exact_threshold),
		cmocka_unit_test(test_ha_peer_health_heartbeats_keep_healthy),
		cmocka_unit_test(test_ha_peer_health_recovery_exact_threshold),
		cmocka_unit_test(test_ha_peer_health_duplicates_count_once),
		cmocka_unit_test(test_ha_peer_health_late_heartbeat_keeps_run),
		cmocka_unit_test(test_ha_peer_health_rx_counts_missed_failure),
		cmocka_unit_test(test_ha_peer_health_recovery_one_within_call),
		cmocka_unit_test(test_ha_peer_health_clock_backwards),
		cmocka_unit_test(test_ha_peer_health_deadline_saturates),
		cmocka_unit_test(test_ha_health_name_every_state),
		cmocka_unit_test(test_ha_flaps_init_bad_args),
		cmocka_unit_test(test_ha_flaps_exactly_max_does_not_trip),
		cmocka_unit_test(test_ha_flaps_age_out_at_window_edge),
		cmocka_unit_test(test_ha_flaps_spread_out_never_trip),
		cmocka_unit_test(test_ha_flaps_zero_never),
		cmocka_unit_test(test_ha_flaps_max_limit),
		cmocka_unit_test(test_ha_flaps_clock_backwards),
		cmocka_unit_test(test_ha_links_init_bad_args),
		cmocka_unit_test(test_ha_links_up_counts_after_hold),
		cmocka_unit_test(test_ha_links_down_counts_at_once),
		cmocka_unit_test(test_ha_links_bounce_restarts_hold),
		cmocka_unit_test(test_ha_links_min_active_boundary),
		cmocka_unit_test(test_ha_links_min_zero_never_below),
		cmocka_unit_test(test_ha_links_pair_out_of_range_ignored),
		cmocka_unit_test(test_ha_links_deadline_earliest_pair),
		cmocka_unit_test(test_ha_bw_init_bad_args),
		cmocka_unit_test(test_ha_bw_exact_minimum_not_low),
		cmocka_unit_test(test_ha_bw_rate_over_real_window),
		cmocka_unit_test(test_ha_bw_not_master_never_low),
		cmocka_unit_test(test_ha_bw_new_master_grace),
		cmocka_unit_test(test_ha_bw_master_lost_mid_window),
		cmocka_unit_test(test_ha_bw_disabled_never_low),
		cmocka_unit_test(test_ha_bw_counter_reset_restarts),
		cmocka_unit_test(test_ha_ff_margin_values),
		cmocka_unit_test(test_ha_ff_allowed_truth_table),
		cmocka_unit_test(test_ha_ff_allowed_silence_boundary),
		cmocka_unit_test(test_ha_ff_allowed_degenerate_inputs),
		cmocka_unit_test(test_ha_failsafe_disconnect_rules),
	};

	return cmocka_run_group_tests_name("ha_health", tests, NULL, NULL);
}
