/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate limits (GCRA), the per-source table and the run of excesses behind auto-block. The
 * clock is injected: a time line in ticks of an arbitrary hz, from 0 up to a TSC near 2^63.
 * Expected counts follow from the definition of the limits, worked out beside each check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_rate.h"

#define MHZ UINT64_C(1000000)
#define TSC_HZ UINT64_C(3000000000)
#define T63 (UINT64_C(1) << 63)

/* How many of @n packets of @bytes offered at the same instant @now pass. */
static unsigned int
offer(const struct dp_limit *lim, struct dp_limit_state *st, uint64_t now, unsigned int n,
      uint32_t bytes)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++)
		ok += dp_limit_admit(lim, st, now, bytes);
	return ok;
}

/* A refused packet must leave the state as it was. */
static bool
admit_checked(const struct dp_limit *lim, struct dp_limit_state *st, uint64_t now, uint32_t bytes)
{
	struct dp_limit_state before = *st;
	bool ok = dp_limit_admit(lim, st, now, bytes);

	if (!ok)
		assert_memory_equal(&before, st, sizeof(before));
	return ok;
}

static void
test_dp_limit_init_packet_limit(void **state)
{
	struct dp_limit lim;

	(void)state;
	dp_limit_init(&lim, 1000, 0, MHZ);
	assert_int_equal(lim.pkt_interval, 1000);
	assert_int_equal(lim.pkt_tau, 999 * 1000);
	assert_int_equal(lim.byte_interval, 0);
	assert_int_equal(lim.byte_tau, 0);

	/* 1e6 / 3 rounds down; the burst is still 3 packets' worth. */
	dp_limit_init(&lim, 3, 0, MHZ);
	assert_int_equal(lim.pkt_interval, 333333);
	assert_int_equal(lim.pkt_tau, 2 * 333333);

	/* More packets than ticks: one a tick, a burst of every packet of the second. */
	dp_limit_init(&lim, 5 * MHZ, 0, MHZ);
	assert_int_equal(lim.pkt_interval, 1);
	assert_int_equal(lim.pkt_tau, 5 * MHZ - 1);

	dp_limit_init(&lim, 1, 0, TSC_HZ);
	assert_int_equal(lim.pkt_interval, TSC_HZ);
	assert_int_equal(lim.pkt_tau, 0);
}

static void
test_dp_limit_init_bit_limit(void **state)
{
	struct dp_limit lim;

	(void)state;
	/* 8 Mbit/s is a byte a microsecond: one tick a byte, a bucket of one second of ticks. */
	dp_limit_init(&lim, 0, 8 * MHZ, MHZ);
	assert_int_equal(lim.pkt_interval, 0);
	assert_int_equal(lim.byte_interval, UINT64_C(1) << 32);
	assert_int_equal(lim.byte_tau, MHZ);

	/* 1 Gbit/s at 3 GHz: 24 ticks a byte. */
	dp_limit_init(&lim, 0, 1000 * MHZ, TSC_HZ);
	assert_int_equal(lim.byte_interval, UINT64_C(24) << 32);
	assert_int_equal(lim.byte_tau, TSC_HZ);

	/* 3 Mbit/s at 1 MHz: 8/3 ticks a byte, rounded down in the 32 bits of fraction. */
	dp_limit_init(&lim, 0, 3 * MHZ, MHZ);
	assert_int_equal(lim.byte_interval, (UINT64_C(8) << 32) / 3);

	/* 8 kbit/s: one second is 1000 bytes, less than one 65535-byte packet, which sets the
	 * bucket depth instead (1000 ticks a byte). */
	dp_limit_init(&lim, 0, 8000, MHZ);
	assert_int_equal(lim.byte_interval, UINT64_C(1000) << 32);
	assert_int_equal(lim.byte_tau, 65535 * 1000);

	/* 1 bit/s at 3 GHz is 2.4e10 ticks a byte: more than 32.32 holds, so it saturates. */
	dp_limit_init(&lim, 0, 1, TSC_HZ);
	assert_int_equal(lim.byte_interval, UINT64_MAX);
	assert_true(lim.byte_tau <= DP_LIMIT_TICKS_MAX);

	/* The fastest limit still costs something. */
	dp_limit_init(&lim, 0, UINT64_MAX, MHZ);
	assert_int_equal(lim.byte_interval, 1);
	assert_int_equal(lim.byte_tau, MHZ);
}

static void
test_dp_limit_admit_zero_disables(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };

	(void)state;
	dp_limit_init(&lim, 0, 0, MHZ);
	assert_int_equal(lim.pkt_interval | lim.pkt_tau | lim.byte_interval | lim.byte_tau, 0);
	assert_int_equal(offer(&lim, &st, 0, 100000, 1500), 100000);
	assert_int_equal(offer(&lim, &st, T63, 100000, 65535), 100000);
	assert_int_equal(st.tat_pkt | st.tat_byte, 0);

	/* Only a packet limit: sizes do not matter. */
	dp_limit_init(&lim, 10, 0, MHZ);
	assert_int_equal(offer(&lim, &st, 1000, 20, UINT32_MAX), 10);
	assert_int_equal(st.tat_byte, 0);
}

/*
 * A packet limit over a time line, for @pps dividing @hz by a multiple of 10 (so the
 * interval T is exact), from @t0:
 * - a fresh state lets exactly pps of 2 * pps through at once;
 * - then 10 packets offered per T for two seconds: one per T passes, the first a full T
 *   after the burst (2 * pps in all);
 * - after 10 s idle only a burst's worth is back (pps of 3 * pps);
 * - half a second after emptying, half a burst is back.
 */
static void
check_packet_timeline(uint64_t pps, uint64_t hz, uint64_t t0)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t = t0, step, first = 0;
	unsigned int ok = 0;

	assert_int_equal(hz % (pps * 10), 0);
	dp_limit_init(&lim, pps, 0, hz);
	step = lim.pkt_interval / 10;

	assert_int_equal(offer(&lim, &st, t, 2 * pps, 64), pps);
	for (unsigned int k = 1; k <= 20 * pps; k++) {
		t = t0 + k * step;
		if (admit_checked(&lim, &st, t, 64)) {
			if (ok++ == 0)
				first = t;
		}
	}
	assert_int_equal(ok, 2 * pps);
	assert_int_equal(first - t0, lim.pkt_interval);

	t += 10 * hz;
	assert_int_equal(offer(&lim, &st, t, 3 * pps, 64), pps);
	t += hz / 2;
	assert_int_equal(offer(&lim, &st, t, 3 * pps, 64), pps / 2);
}

static void
test_dp_limit_admit_packet_timeline(void **state)
{
	(void)state;
	check_packet_timeline(100, MHZ, 5 * MHZ);
	check_packet_timeline(100, MHZ, 0);
	check_packet_timeline(1000, MHZ, 123456789);
	check_packet_timeline(2, MHZ, 7);
}

static void
test_dp_limit_admit_tsc_clock(void **state)
{
	(void)state;
	/* A 3 GHz TSC, starting at 0, just before 2^63 (crossing it) and just after it. */
	check_packet_timeline(1000, TSC_HZ, 0);
	check_packet_timeline(1000, TSC_HZ, T63 - TSC_HZ);
	check_packet_timeline(10000, TSC_HZ, T63 + 12345);
	check_packet_timeline(10000, TSC_HZ, UINT64_MAX / 2 * 3 / 2);
}

static void
test_dp_limit_admit_bit_limit_sizes(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t0 = 42 * MHZ, t, bytes = 0;

	(void)state;
	/* One tick a byte, a bucket of 10^6 bytes. */
	dp_limit_init(&lim, 0, 8 * MHZ, MHZ);
	assert_int_equal(offer(&lim, &st, t0, 1000, 1500), 1000000 / 1500); /* 666, 1000 left */
	assert_int_equal(offer(&lim, &st, t0, 100, 64), 1000 / 64);         /* 15, 40 left */
	assert_false(admit_checked(&lim, &st, t0, 41));
	assert_true(admit_checked(&lim, &st, t0, 40));
	assert_false(admit_checked(&lim, &st, t0, 1));

	/* Empty: a 1500-byte packet fits 1500 ticks later and not a tick earlier. */
	assert_false(admit_checked(&lim, &st, t0 + 1499, 1500));
	assert_true(admit_checked(&lim, &st, t0 + 1500, 1500));
	assert_false(admit_checked(&lim, &st, t0 + 1500, 1));

	/* 1.78 MB/s offered for 6 s (a packet of 64, 1500 or 576 bytes every 400 ticks): the
	 * bucket was empty at t, so 10^6 bytes a second pass, give or take the room left at the
	 * end (less than one packet plus one step's refill). */
	t = t0 + 1500;
	for (uint64_t k = 1; k <= 15000; k++) {
		uint32_t size = k % 3 == 0 ? 64 : k % 3 == 1 ? 1500 : 576;

		if (admit_checked(&lim, &st, t + k * 400, size))
			bytes += size;
	}
	assert_true(bytes <= 15000 * 400);
	assert_true(bytes + 1500 + 400 >= 15000 * 400);

	/* A fresh bucket after a long idle holds exactly one second of bytes again. */
	t += 100 * MHZ;
	assert_int_equal(offer(&lim, &st, t, 10000, 100), 10000);
	assert_int_equal(offer(&lim, &st, t, 10, 100), 0);
}

static void
test_dp_limit_admit_bit_limit_fraction(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t bytes = 0, seconds = 100;

	(void)state;
	/* 3 Mbit/s = 375000 bytes/s at 1 MHz: a 1000-byte packet costs 2666.67 ticks. Rounding
	 * up never lets more through than the limit, and loses less than a tick a packet. */
	dp_limit_init(&lim, 0, 3 * MHZ, MHZ);
	for (uint64_t t = 0; t < seconds * MHZ; t += 100)
		if (admit_checked(&lim, &st, t, 1000))
			bytes += 1000;
	/* The burst plus 100 s of 375000 bytes; each of the (at most) 37875 packets may lose a
	 * tick out of 2667. */
	assert_true(bytes <= 375000 * (seconds + 1));
	assert_true(bytes >= 375000 * (seconds + 1) * 2666 / 2667 - 1000);
}

static void
test_dp_limit_admit_both_limits_charge_neither(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t0 = 1000;

	(void)state;
	/* 10 packets/s (T = 10^5) and 100 kB/s (10 ticks a byte, a bucket of 10^5 bytes). */
	dp_limit_init(&lim, 10, 800000, MHZ);
	assert_int_equal(lim.byte_tau, MHZ);

	/* Five 20000-byte packets empty the byte bucket and use half the packet burst. */
	assert_int_equal(offer(&lim, &st, t0, 5, 20000), 5);

	/* Refused by the bytes: the packet limit is not charged either. */
	for (int i = 0; i < 10; i++)
		assert_false(admit_checked(&lim, &st, t0, 64));

	/* 6400 ticks later the byte bucket holds ten 64-byte packets, the packet limit still
	 * the five of its burst left (it refills 0.064 of a packet meanwhile). Had the refused
	 * packets been charged, none would pass. */
	assert_int_equal(offer(&lim, &st, t0 + 6400, 20, 64), 5);

	/* The 15 packets the packet limit refused did not charge the bytes: after another T
	 * the byte bucket holds 320 + 10000 bytes, exactly one packet of 10320. */
	assert_true(admit_checked(&lim, &st, t0 + 6400 + 100000, 10320));
	assert_false(admit_checked(&lim, &st, t0 + 6400 + 100000, 1));
}

static void
test_dp_limit_admit_rate_one(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t0 = 3;

	(void)state;
	dp_limit_init(&lim, 1, 0, MHZ);
	assert_int_equal(offer(&lim, &st, t0, 5, 64), 1);
	assert_false(admit_checked(&lim, &st, t0 + MHZ - 1, 64));
	assert_true(admit_checked(&lim, &st, t0 + MHZ, 64));
	assert_false(admit_checked(&lim, &st, t0 + 2 * MHZ - 1, 64));
	assert_true(admit_checked(&lim, &st, t0 + 2 * MHZ, 64));

	/* 1 bit/s: 8 s a byte, and the bucket holds one maximum-size packet. */
	memset(&st, 0, sizeof(st));
	dp_limit_init(&lim, 0, 1, MHZ);
	assert_true(admit_checked(&lim, &st, t0, 65535));
	assert_false(admit_checked(&lim, &st, t0, 1));
	assert_false(admit_checked(&lim, &st, t0 + 8 * MHZ - 1, 1));
	assert_true(admit_checked(&lim, &st, t0 + 8 * MHZ, 1));
	assert_false(admit_checked(&lim, &st, t0 + 8 * MHZ, 1));
	/* Bigger than the bucket: never. */
	memset(&st, 0, sizeof(st));
	assert_false(admit_checked(&lim, &st, t0, 65536));
}

static void
test_dp_limit_admit_huge_rates(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t0 = T63 + 99;

	(void)state;
	dp_limit_init(&lim, UINT64_MAX, UINT64_MAX, TSC_HZ);
	assert_true(lim.pkt_tau <= DP_LIMIT_TICKS_MAX);
	assert_int_equal(offer(&lim, &st, t0, 100000, 1500), 100000);
	assert_true(st.tat_pkt > t0 && st.tat_byte > t0);

	/* At the very end of the clock's range the arrival times saturate, never wrap. */
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 1000; i++) {
		assert_true(dp_limit_admit(&lim, &st, UINT64_MAX - 10, 1500));
		assert_true(st.tat_pkt > UINT64_MAX - 10);
		assert_true(st.tat_byte > UINT64_MAX - 10);
	}

	/* Ten times more packets than ticks: after the burst, exactly one a tick. */
	memset(&st, 0, sizeof(st));
	dp_limit_init(&lim, 10 * MHZ, 0, MHZ);
	assert_int_equal(offer(&lim, &st, t0, 20 * MHZ, 64), 10 * MHZ);
	for (uint64_t k = 1; k <= 1000; k++)
		assert_int_equal(offer(&lim, &st, t0 + k, 5, 64), 1);

	/* A 100 Gbit/s aggregate on a 3 GHz TSC: 0.24 ticks a byte, 15.36 for 64 bytes
	 * rounded up to 16, so 64-byte packets pass at 3e9 / 16 a second. */
	memset(&st, 0, sizeof(st));
	dp_limit_init(&lim, 0, 100000 * MHZ, TSC_HZ);
	assert_int_equal(offer(&lim, &st, t0, 200000000, 64), TSC_HZ / 16);
	assert_int_equal(offer(&lim, &st, t0 + 16 * 1000, 1000, 64), 1000);
	assert_int_equal(offer(&lim, &st, t0 + 16 * 1000, 1000, 64), 0);
}

static void
test_dp_limit_admit_clock_backwards(void **state)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	uint64_t t0 = 1000 * MHZ, T;

	(void)state;
	dp_limit_init(&lim, 100, 0, MHZ);
	T = lim.pkt_interval;

	/* Half a burst used, then the clock steps back half an interval: the source waits that
	 * much longer, so 49 of the other 50 pass. */
	assert_int_equal(offer(&lim, &st, t0, 50, 64), 50);
	assert_int_equal(offer(&lim, &st, t0 - T / 2, 100, 64), 49);

	/* The clock jumps back 1000 s to 0 with the bucket empty: no new burst... */
	assert_int_equal(offer(&lim, &st, 0, 100, 64), 0);
	/* ...but no 1000 s lock-out either: a packet after one interval, a burst after one
	 * second, as from an empty bucket. */
	assert_false(admit_checked(&lim, &st, T - 1, 64));
	assert_true(admit_checked(&lim, &st, T, 64));
	assert_int_equal(offer(&lim, &st, T + MHZ, 200, 64), 100);

	/* The same for bytes (one tick a byte, 10^6 bytes). */
	memset(&st, 0, sizeof(st));
	dp_limit_init(&lim, 0, 8 * MHZ, MHZ);
	assert_int_equal(offer(&lim, &st, t0, 1000, 1000), 1000);
	assert_int_equal(offer(&lim, &st, 5, 10, 1000), 0);
	assert_false(admit_checked(&lim, &st, 5 + 999, 1000));
	assert_true(admit_checked(&lim, &st, 5 + 1000, 1000));
	assert_int_equal(offer(&lim, &st, 5 + 1000 + MHZ, 2000, 1000), 1000);

	/* And back across 2^63 on a TSC. */
	memset(&st, 0, sizeof(st));
	dp_limit_init(&lim, 1000, 8000 * MHZ, TSC_HZ);
	assert_int_equal(offer(&lim, &st, T63 + TSC_HZ, 2000, 100), 1000);
	assert_int_equal(offer(&lim, &st, T63 - TSC_HZ, 2000, 100), 0);
	assert_int_equal(offer(&lim, &st, T63, 2000, 100), 1000);
}

/* A deterministic generator for the random time lines (xorshift64*). */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/*
 * An obviously correct token bucket: @cap tokens, refilled at @rate tokens a tick, a packet
 * takes @cost tokens if there are that many. Floating point, so equality is taken loosely.
 */
struct ref_bucket {
	double tokens, cap, rate;
	uint64_t last;
};

static bool
ref_admit(struct ref_bucket *b, uint64_t now, double cost)
{
	b->tokens += (double)(now - b->last) * b->rate;
	if (b->tokens > b->cap)
		b->tokens = b->cap;
	b->last = now;
	if (b->tokens + 1e-9 < cost)
		return false;
	b->tokens -= cost;
	return true;
}

/*
 * Random arrivals offered to dp_limit with @pps and @bps and to the reference: mostly four
 * times faster than the limit, with same-instant bursts, short idles and now and then a
 * long one (up to two seconds, or 2000 packets' time when that is less). The admitted counts
 * may differ by one packet, a boundary decided either way. With @slack above 1 the interval
 * was rounded down: dp_limit must then stay between the reference at the configured rate
 * and one @slack times faster.
 */
static void
check_against_reference(uint64_t pps, uint64_t bps, uint64_t hz, uint64_t t0, uint64_t seed,
                        double slack)
{
	struct dp_limit lim;
	struct dp_limit_state st = { 0 };
	struct dp_limit lim_p, lim_b;
	struct dp_limit_state st_p = { 0 }, st_b = { 0 };
	struct ref_bucket rp, rb, rfast;
	uint64_t t = t0, s = seed, n_ok = 0, n_ref = 0, n_fast = 0, n_p = 0, n_b = 0, unit = 0;
	uint64_t idle;
	double byte_cap = (double)bps / 8 > 65535 ? (double)bps / 8 : 65535;

	/* The time one packet is worth: the interval, or that of a packet of average size. */
	if (pps)
		unit = hz / pps;
	if (bps && hz * 8 * 682 / bps > unit)
		unit = hz * 8 * 682 / bps;
	idle = 2 * hz < 2000 * unit ? 2 * hz : 2000 * unit;

	dp_limit_init(&lim, pps, bps, hz);
	dp_limit_init(&lim_p, pps, 0, hz);
	dp_limit_init(&lim_b, 0, bps, hz);
	rp = (struct ref_bucket){ pps, pps, (double)pps / hz, t0 };
	rb = (struct ref_bucket){ byte_cap, byte_cap, (double)bps / 8 / hz, t0 };
	rfast = (struct ref_bucket){ pps, pps, (double)pps / hz * slack, t0 };

	for (int i = 0; i < 20000; i++) {
		uint64_t r = rnd(&s), sel = r >> 52, span;
		/* Phases of small and of large packets, so that each limit gets to bind. */
		uint32_t size =
			(i / 1000) % 2 ? 64 + (uint32_t)(r % 100) : 1000 + (uint32_t)(r % 501);
		bool ok, ref = true, fast;

		span = sel < 1 ? idle : sel < 64 ? 20 * unit : sel < 1024 ? 0 : unit / 2;
		if (span)
			t += (r >> 16) % span;
		ok = dp_limit_admit(&lim, &st, t, size);
		/* Both reference buckets must admit, and only then are both charged. */
		if (pps) {
			struct ref_bucket probe = rp;

			ref = ref_admit(&probe, t, 1);
		}
		if (bps) {
			struct ref_bucket probe = rb;

			ref = ref && ref_admit(&probe, t, size);
		}
		if (pps)
			ref_admit(&rp, t, ref ? 1 : 0);
		if (bps)
			ref_admit(&rb, t, ref ? size : 0);
		fast = pps ? ref_admit(&rfast, t, 1) : ref;
		n_p += dp_limit_admit(&lim_p, &st_p, t, size);
		n_b += dp_limit_admit(&lim_b, &st_b, t, size);
		n_ok += ok;
		n_ref += ref;
		n_fast += fast;
		if (slack == 1.0) {
			if (n_ok > n_ref + 1 || n_ref > n_ok + 1)
				fail_msg("pps %lu bps %lu hz %lu seed %lu: packet %d: %lu vs %lu",
				         (unsigned long)pps, (unsigned long)bps, (unsigned long)hz,
				         (unsigned long)seed, i, (unsigned long)n_ok,
				         (unsigned long)n_ref);
		} else {
			/* Never below the configured rate, never above the rounded one. */
			if (n_ok + 1 < n_ref || n_ok > n_fast + 1)
				fail_msg(
					"pps %lu hz %lu seed %lu: packet %d: %lu not in [%lu, %lu]",
					(unsigned long)pps, (unsigned long)hz, (unsigned long)seed,
					i, (unsigned long)n_ok, (unsigned long)n_ref,
					(unsigned long)n_fast);
		}
	}
	/* The time line must have exercised both outcomes. */
	if (n_ok < 2000 || n_ok > 18000)
		fail_msg("pps %lu bps %lu hz %lu seed %lu: %lu of 20000 admitted",
		         (unsigned long)pps, (unsigned long)bps, (unsigned long)hz,
		         (unsigned long)seed, (unsigned long)n_ok);
	/* With both limits, each must have refused packets the other would have let through. */
	if (pps && bps && (n_ok + 200 > n_p || n_ok + 200 > n_b))
		fail_msg("%lu admitted, %lu by the packet limit alone, %lu by the bit limit alone",
		         (unsigned long)n_ok, (unsigned long)n_p, (unsigned long)n_b);
	if (slack != 1.0 && n_fast <= n_ref)
		fail_msg("the faster reference admitted no more");
}

static void
test_dp_limit_admit_matches_reference(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		check_against_reference(1000, 0, MHZ, 0, seed, 1.0);
		check_against_reference(7, 0, MHZ * 7, 1234, seed, 1.0);
		check_against_reference(1500, 0, TSC_HZ, T63 - TSC_HZ, seed, 1.0);
		/* 8 ticks a byte: the reference's arithmetic is exact in binary. */
		check_against_reference(0, MHZ, MHZ, 99, seed, 1.0);
		check_against_reference(0, 8 * MHZ, MHZ * 8, T63, seed, 1.0);
		check_against_reference(125, MHZ / 2, MHZ, 5, seed, 1.0);
		/* 10^6 / 3000 = 333.33 rounds down to 333: at most 0.1 % over. */
		check_against_reference(3000, 0, MHZ, 0, seed, 333.34 / 333);
	}
}

/* The table. */

static struct dp_rate_entry *
table_new(struct dp_rate_table *t, uint32_t n_entries)
{
	size_t size = dp_rate_table_mem_size(n_entries);
	void *mem;

	assert_true(size > 0);
	mem = aligned_alloc(64, size);
	assert_non_null(mem);
	memset(mem, 0, size);
	dp_rate_table_init(t, mem, n_entries);
	return mem;
}

static struct dp_rate_key
key4(uint32_t limiter, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct dp_rate_key k;

	memset(&k, 0, sizeof(k));
	k.limiter = limiter;
	k.family = 4;
	k.addr[0] = a;
	k.addr[1] = b;
	k.addr[2] = c;
	k.addr[3] = d;
	return k;
}

/* 2001:db8::@hi:@lo, with @lo in the last two bytes and @hi in bytes 6 and 7. */
static struct dp_rate_key
key6(uint32_t limiter, uint16_t hi, uint16_t lo)
{
	struct dp_rate_key k;

	memset(&k, 0, sizeof(k));
	k.limiter = limiter;
	k.family = 6;
	k.addr[0] = 0x20;
	k.addr[1] = 0x01;
	k.addr[2] = 0x0d;
	k.addr[3] = 0xb8;
	k.addr[6] = (uint8_t)(hi >> 8);
	k.addr[7] = (uint8_t)hi;
	k.addr[14] = (uint8_t)(lo >> 8);
	k.addr[15] = (uint8_t)lo;
	return k;
}

static size_t
bucket_index(const struct dp_rate_table *t, const struct dp_rate_entry *e)
{
	return (size_t)(e - t->entries) / DP_RATE_WAYS;
}

static void
test_dp_rate_table_mem_size_rounding(void **state)
{
	const size_t bucket = DP_RATE_WAYS * sizeof(struct dp_rate_entry);
	struct dp_rate_table t;
	void *mem;

	(void)state;
	assert_int_equal(sizeof(struct dp_rate_entry), 64);
	assert_int_equal(bucket, 512);
	assert_int_equal(dp_rate_table_mem_size(0), 0);
	assert_int_equal(dp_rate_table_mem_size(1), bucket);
	assert_int_equal(dp_rate_table_mem_size(8), bucket);
	assert_int_equal(dp_rate_table_mem_size(9), 2 * bucket);
	assert_int_equal(dp_rate_table_mem_size(17), 4 * bucket); /* 3 buckets -> 4 */
	assert_int_equal(dp_rate_table_mem_size(32), 4 * bucket);
	assert_int_equal(dp_rate_table_mem_size(33), 8 * bucket); /* 5 -> 8 */
	assert_int_equal(dp_rate_table_mem_size(65536), 8192 * bucket);
	assert_int_equal(dp_rate_table_mem_size(65537), 16384 * bucket);
	assert_int_equal(dp_rate_table_mem_size(UINT32_C(1) << 29), (size_t)bucket << 26);
	assert_int_equal(dp_rate_table_mem_size((UINT32_C(1) << 29) + 1), 0);
	assert_int_equal(dp_rate_table_mem_size(UINT32_MAX), 0);

	mem = table_new(&t, 9);
	assert_int_equal(t.bucket_mask, 1);
	assert_ptr_equal(t.entries, mem);
	assert_int_equal(t.inserts, 0);
	assert_int_equal(t.evictions, 0);
	free(mem);
	mem = table_new(&t, 65537);
	assert_int_equal(t.bucket_mask, 16383);
	free(mem);
}

static void
test_dp_rate_table_get_finds_existing(void **state)
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem = table_new(&t, 1024), *e, *f;
	struct dp_rate_key k = key4(7, 198, 51, 100, 7);

	(void)state;
	e = dp_rate_table_get(&t, &k, 100);
	assert_non_null(e);
	assert_memory_equal(&e->key, &k, sizeof(k));
	assert_int_equal(e->last_seen, 100);
	assert_int_equal(e->st.tat_pkt | e->st.tat_byte | e->exceed_since | e->last_exceed, 0);
	e->st.tat_pkt = 12345;

	f = dp_rate_table_get(&t, &k, 200);
	assert_ptr_equal(f, e);
	assert_int_equal(f->st.tat_pkt, 12345);
	assert_int_equal(f->last_seen, 200);
	assert_int_equal(t.inserts, 1);
	assert_int_equal(t.evictions, 0);
	free(mem);
}

static void
test_dp_rate_table_get_keys_distinct(void **state)
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem = table_new(&t, 4096);
	struct dp_rate_key keys[] = {
		key4(1, 198, 51, 100, 7),
		key4(2, 198, 51, 100, 7),              /* another limiter, same address */
		key4((1u << 20) | 1, 198, 51, 100, 7), /* the same limiter, next policy */
		key4(1, 198, 51, 100, 8),
		key4(1, 7, 100, 51, 198),
	};
	struct dp_rate_key v6 = keys[0];
	struct dp_rate_entry *e[6];

	(void)state;
	/* An IPv6 key whose bytes equal an IPv4 key's but for the family. */
	v6.family = 6;
	for (size_t i = 0; i < 5; i++) {
		e[i] = dp_rate_table_get(&t, &keys[i], i);
		e[i]->st.tat_pkt = 1000 + i;
	}
	e[5] = dp_rate_table_get(&t, &v6, 5);
	e[5]->st.tat_pkt = 1005;
	for (size_t i = 0; i < 6; i++)
		for (size_t j = 0; j < i; j++)
			assert_ptr_not_equal(e[i], e[j]);
	assert_int_equal(t.inserts, 6);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(dp_rate_table_get(&t, &keys[i], 10)->st.tat_pkt, 1000 + i);
	assert_int_equal(dp_rate_table_get(&t, &v6, 10)->st.tat_pkt, 1005);
	assert_int_equal(t.inserts, 6);
	assert_int_equal(t.evictions, 0);
	free(mem);
}

static void
test_dp_rate_table_get_fills_bucket_then_evicts_stalest(void **state)
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem = table_new(&t, 8), *e[8], *n; /* one bucket of 8 */
	struct dp_rate_key k[10];
	uint64_t now = T63;

	(void)state;
	assert_int_equal(t.bucket_mask, 0);
	for (int i = 0; i < 10; i++)
		k[i] = key4(3, 203, 0, 113, (uint8_t)(10 + i));

	for (int i = 0; i < 8; i++) {
		e[i] = dp_rate_table_get(&t, &k[i], now + (uint64_t)i);
		e[i]->st.tat_pkt = 500 + (uint64_t)i;
		e[i]->exceed_since = 9;
	}
	assert_int_equal(t.inserts, 8);
	assert_int_equal(t.evictions, 0);
	/* Seen again in an order that leaves key 3 the stalest. */
	for (int i = 0; i < 8; i++)
		if (i != 3)
			assert_ptr_equal(dp_rate_table_get(&t, &k[i], now + 100 + (uint64_t)i),
			                 e[i]);

	n = dp_rate_table_get(&t, &k[8], now + 200);
	assert_ptr_equal(n, e[3]);
	assert_int_equal(t.evictions, 1);
	assert_int_equal(t.inserts, 9);
	assert_memory_equal(&n->key, &k[8], sizeof(k[8]));
	assert_int_equal(n->st.tat_pkt | n->st.tat_byte | n->exceed_since | n->last_exceed, 0);
	assert_int_equal(n->last_seen, now + 200);

	/* Key 3 comes back as a new key, with zero state, in place of the next stalest (0). */
	n = dp_rate_table_get(&t, &k[3], now + 201);
	assert_ptr_equal(n, e[0]);
	assert_int_equal(n->st.tat_pkt, 0);
	assert_int_equal(t.evictions, 2);
	/* The others are still there with their state. */
	for (int i = 1; i < 8; i++)
		if (i != 3)
			assert_int_equal(dp_rate_table_get(&t, &k[i], now + 300)->st.tat_pkt,
			                 500 + (uint64_t)i);
	assert_int_equal(t.evictions, 2);
	assert_int_equal(t.inserts, 10);
	free(mem);
}

/* Insert @n keys made by @mk into a table of @entries: how many evictions that took. */
static uint64_t
spread(uint32_t entries, uint64_t seed, unsigned int n, struct dp_rate_key (*mk)(unsigned int))
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem = table_new(&t, entries);
	uint64_t ev;

	dp_rate_table_seed(&t, seed);
	for (unsigned int i = 0; i < n; i++) {
		struct dp_rate_key k = mk(i);

		dp_rate_table_get(&t, &k, i);
	}
	assert_int_equal(t.inserts, n);
	ev = t.evictions;
	free(mem);
	return ev;
}

static struct dp_rate_key
mk_v4_seq(unsigned int i)
{
	return key4(1, 198, (uint8_t)(18 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i);
}

static struct dp_rate_key
mk_v6_low(unsigned int i)
{
	return key6(1, 0, (uint16_t)i);
}

static struct dp_rate_key
mk_v6_high(unsigned int i)
{
	return key6(1, (uint16_t)i, 1);
}

static struct dp_rate_key
mk_v6_top_bits(unsigned int i)
{
	/* Only the top bits of each 64-bit word of the address vary. */
	return key6(1, (uint16_t)((i & 0xf) << 4), (uint16_t)((i >> 4) << 4));
}

static struct dp_rate_key
mk_limiters(unsigned int i)
{
	return key4(i, 198, 51, 100, 1);
}

static void
test_dp_rate_table_hash_spreads_keys(void **state)
{
	(void)state;
	/* 4096 keys into 4096 buckets of 8: one key a bucket on average, so any eviction means
	 * the hash piles keys up (with random bucket choice, nine in one bucket happens about
	 * once in a million buckets). */
	for (uint64_t seed = 0; seed < 8; seed++) {
		assert_int_equal(spread(32768, seed, 4096, mk_v4_seq), 0);
		assert_int_equal(spread(32768, seed, 4096, mk_v6_low), 0);
		assert_int_equal(spread(32768, seed, 4096, mk_v6_high), 0);
		assert_int_equal(spread(2048, seed, 256, mk_v6_top_bits), 0);
		assert_int_equal(spread(32768, seed, 4096, mk_limiters), 0);
	}
	/* More keys than entries do evict. */
	assert_true(spread(64, 0, 1000, mk_v4_seq) >= 1000 - 64);
}

static void
test_dp_rate_table_seed_moves_keys(void **state)
{
	struct dp_rate_table a, b;
	struct dp_rate_entry *ma = table_new(&a, 8192), *mb = table_new(&b, 8192);
	unsigned int moved = 0;

	(void)state;
	dp_rate_table_seed(&a, 1);
	dp_rate_table_seed(&b, 2);
	for (unsigned int i = 0; i < 64; i++) {
		struct dp_rate_key k = mk_v4_seq(i);
		struct dp_rate_entry *ea = dp_rate_table_get(&a, &k, 1);
		struct dp_rate_entry *eb = dp_rate_table_get(&b, &k, 1);

		moved += bucket_index(&a, ea) != bucket_index(&b, eb);
		/* Either way it is found again. */
		assert_ptr_equal(dp_rate_table_get(&a, &k, 2), ea);
		assert_ptr_equal(dp_rate_table_get(&b, &k, 2), eb);
	}
	/* With 1024 buckets, two seeds agree on a key's bucket about once in 1024. */
	assert_true(moved >= 60);
	free(ma);
	free(mb);
}

/* The run of excesses. */

/* An entry of a fresh table of one bucket, for @k. */
static struct dp_rate_entry *
entry_new(struct dp_rate_table *t, struct dp_rate_entry **mem)
{
	struct dp_rate_key k = key4(1, 198, 51, 100, 9);

	*mem = table_new(t, 8);
	return dp_rate_table_get(t, &k, 0);
}

static void
test_dp_rate_entry_charge_reports_once_per_run(void **state)
{
	const uint64_t gap = 200000, exceed = MHZ, step = 10000;
	struct dp_rate_table t;
	struct dp_rate_entry *mem, *e = entry_new(&t, &mem);
	struct dp_limit lim;
	uint64_t t0 = 77 * MHZ, now = t0, start = 0, reported_at = 0;
	unsigned int reports = 0;
	bool off;

	(void)state;
	/* 10 packets/s, flooded at 100/s for 5 s: admitted ones come every 10th packet, so
	 * excesses are never more than 2 * step apart, well within gap. */
	dp_limit_init(&lim, 10, 0, MHZ);
	for (; now < t0 + 5 * MHZ; now += step) {
		off = true;
		if (dp_rate_entry_charge(e, &lim, now, 64, gap, exceed, &off)) {
			assert_false(off);
			continue;
		}
		if (start == 0)
			start = now;
		if (off) {
			reports++;
			reported_at = now;
		}
	}
	assert_int_equal(reports, 1);
	/* Reported at the first excess at least `exceed` after the run began. */
	assert_true(reported_at - start >= exceed);
	assert_true(reported_at - start < exceed + 2 * step);

	/* Quiet for more than gap, then a new flood: a new run, reported once more. */
	now += 2 * gap;
	t0 = now;
	start = 0;
	for (; now < t0 + 5 * MHZ; now += step) {
		if (dp_rate_entry_charge(e, &lim, now, 64, gap, exceed, &off))
			continue;
		if (start == 0)
			start = now;
		if (off) {
			reports++;
			reported_at = now;
		}
	}
	assert_int_equal(reports, 2);
	assert_true(reported_at - start >= exceed);
	assert_true(reported_at - start < exceed + 2 * step);
	free(mem);
}

/* Charge one packet that the limit refuses at @now: was it reported? */
static bool
excess(struct dp_rate_entry *e, const struct dp_limit *lim, uint64_t now, uint64_t gap,
       uint64_t exceed)
{
	bool off = false;

	assert_false(dp_rate_entry_charge(e, lim, now, 64, gap, exceed, &off));
	return off;
}

static void
test_dp_rate_entry_charge_exceed_boundary(void **state)
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem, *e = entry_new(&t, &mem);
	/* Runs that begin at 0, at odd times and after 2^63. */
	const uint64_t starts[] = { 0, 1, 12345, T63, T63 + 1 };
	struct dp_limit lim;
	bool off;

	(void)state;
	/* One packet a second; every later packet within the second is an excess. */
	dp_limit_init(&lim, 1, 0, MHZ);
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		uint64_t t0 = starts[i];

		memset(&e->st, 0, sizeof(e->st));
		e->exceed_since = 0;
		assert_true(dp_rate_entry_charge(e, &lim, t0, 64, 10, 500, &off));
		/* The run begins at t0 itself, with the second packet. */
		for (uint64_t d = 0; d < 500; d++)
			assert_false(excess(e, &lim, t0 + d, 10, 500));
		assert_true(excess(e, &lim, t0 + 500, 10, 500));
		for (uint64_t d = 501; d < 2000; d++)
			assert_false(excess(e, &lim, t0 + d, 10, 500));
	}
	free(mem);
}

static void
test_dp_rate_entry_charge_gap_resets_run(void **state)
{
	const uint64_t gap = 1000;
	struct dp_rate_table t;
	struct dp_rate_entry *mem, *e = entry_new(&t, &mem);
	struct dp_limit lim;
	uint64_t t0 = 5;
	bool off;

	(void)state;
	dp_limit_init(&lim, 1, 0, MHZ * MHZ); /* one packet in 10^6 s: every later one refused */
	assert_true(dp_rate_entry_charge(e, &lim, t0, 64, gap, 3 * gap, &off));

	/* Excesses exactly gap apart continue the run: reported at 3 * gap. */
	for (uint64_t i = 0; i < 3; i++)
		assert_false(excess(e, &lim, t0 + 1 + i * gap, gap, 3 * gap));
	assert_true(excess(e, &lim, t0 + 1 + 3 * gap, gap, 3 * gap));
	assert_false(excess(e, &lim, t0 + 1 + 4 * gap, gap, 3 * gap));

	/* One tick more than gap ends it; excesses always gap + 1 apart never make a run. */
	t0 += 10 * gap;
	for (uint64_t i = 0; i < 100; i++)
		assert_false(excess(e, &lim, t0 + i * (gap + 1), gap, 3 * gap));

	/* A run, a gap, a run: each reported once. */
	t0 += 200 * gap;
	for (uint64_t d = 0; d < 3 * gap; d += 10)
		assert_false(excess(e, &lim, t0 + d, gap, 3 * gap));
	assert_true(excess(e, &lim, t0 + 3 * gap, gap, 3 * gap));
	t0 += 3 * gap + gap + 1;
	for (uint64_t d = 0; d < 3 * gap; d += 10)
		assert_false(excess(e, &lim, t0 + d, gap, 3 * gap));
	assert_true(excess(e, &lim, t0 + 3 * gap, gap, 3 * gap));

	/* A clock that goes backwards ends the run too: no report for a "long" run, even when
	 * runs never end by a gap. */
	t0 += 100 * gap;
	assert_false(excess(e, &lim, t0, UINT64_MAX, 3 * gap));
	assert_false(excess(e, &lim, t0 - 5 * gap, UINT64_MAX, 3 * gap));
	assert_false(excess(e, &lim, t0 - 5 * gap + 3 * gap - 1, UINT64_MAX, 3 * gap));
	assert_true(excess(e, &lim, t0 - 5 * gap + 3 * gap, UINT64_MAX, 3 * gap));
	t0 += 100 * gap;
	assert_false(excess(e, &lim, t0, gap, 3 * gap));
	for (uint64_t d = 0; d < 3 * gap; d += gap / 2)
		assert_false(excess(e, &lim, t0 - 5 * gap + d, gap, 3 * gap));
	assert_true(excess(e, &lim, t0 - 5 * gap + 3 * gap, gap, 3 * gap));
	free(mem);
}

static void
test_dp_rate_entry_charge_exceed_zero_never_reports(void **state)
{
	struct dp_rate_table t;
	struct dp_rate_entry *mem, *e = entry_new(&t, &mem);
	struct dp_limit lim;
	unsigned int refused = 0;
	bool off;

	(void)state;
	dp_limit_init(&lim, 10, 0, MHZ);
	for (uint64_t now = 0; now < 60 * MHZ; now += 1000) {
		off = true;
		refused += !dp_rate_entry_charge(e, &lim, now, 64, MHZ, 0, &off);
		assert_false(off);
	}
	assert_true(refused > 50000);
	free(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_limit_init_packet_limit),
		cmocka_unit_test(test_dp_limit_init_bit_limit),
		cmocka_unit_test(test_dp_limit_admit_zero_disables),
		cmocka_unit_test(test_dp_limit_admit_packet_timeline),
		cmocka_unit_test(test_dp_limit_admit_tsc_clock),
		cmocka_unit_test(test_dp_limit_admit_bit_limit_sizes),
		cmocka_unit_test(test_dp_limit_admit_bit_limit_fraction),
		cmocka_unit_test(test_dp_limit_admit_both_limits_charge_neither),
		cmocka_unit_test(test_dp_limit_admit_rate_one),
		cmocka_unit_test(test_dp_limit_admit_huge_rates),
		cmocka_unit_test(test_dp_limit_admit_clock_backwards),
		cmocka_unit_test(test_dp_limit_admit_matches_reference),
		cmocka_unit_test(test_dp_rate_table_mem_size_rounding),
		cmocka_unit_test(test_dp_rate_table_get_finds_existing),
		cmocka_unit_test(test_dp_rate_table_get_keys_distinct),
		cmocka_unit_test(test_dp_rate_table_get_fills_bucket_then_evicts_stalest),
		cmocka_unit_test(test_dp_rate_table_hash_spreads_keys),
		cmocka_unit_test(test_dp_rate_table_seed_moves_keys),
		cmocka_unit_test(test_dp_rate_entry_charge_reports_once_per_run),
		cmocka_unit_test(test_dp_rate_entry_charge_exceed_boundary),
		cmocka_unit_test(test_dp_rate_entry_charge_gap_resets_run),
		cmocka_unit_test(test_dp_rate_entry_charge_exceed_zero_never_reports),
	};

	return cmocka_run_group_tests_name("dataplane_rate", tests, NULL, NULL);
}
