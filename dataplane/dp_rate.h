/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate limiting: limits as GCRA (a token bucket kept as one "theoretical arrival time" per
 * limit), and the bounded per-worker table of per-source (or per-destination) state with
 * eviction. Pure: the clock is passed in as ticks of @hz per second (the TSC in the
 * dataplane, anything in tests), memory is the caller's. No EAL needed.
 *
 * A worker owns its table: nobody else reads or writes it, so there are no atomics.
 */
#ifndef RAMPART_DP_RATE_H
#define RAMPART_DP_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A limit of @pps packets and/or @bps bits per second (0 = none), with a burst of one
 * second's worth (at least one packet, at least one maximum-size packet of bits).
 * Precomputed once when a policy is compiled; read-only afterwards.
 *
 * Packets: a packet passes when its theoretical arrival time is at most pkt_tau ahead of now,
 * and then moves it pkt_interval later, so a fresh state lets exactly @pps packets through at
 * once. Bytes: a packet of cost c ticks (its size times byte_interval, rounded up) passes when
 * the arrival time plus c is at most byte_tau ahead of now: byte_tau is the depth of the
 * bucket. Byte costs are rounded up, so a bit limit is never exceeded (a packet costs less
 * than a tick too much). pkt_interval is hz / pps rounded down (at least 1 tick): a packet
 * limit is exact when pps divides hz, and otherwise fast by less than one tick per interval
 * (under 0.1 % on a 3 GHz TSC below 3 Mpps). Intervals and tolerances are capped at
 * DP_LIMIT_TICKS_MAX.
 */
struct dp_limit {
	uint64_t pkt_interval;   /* ticks per packet; 0 when no packet limit */
	uint64_t pkt_tau;        /* burst tolerance in ticks */
	uint64_t byte_interval;  /* ticks per byte in 32.32 fixed point; 0 when no bit limit */
	uint64_t byte_tau;       /* bucket depth in ticks */
};

#define DP_LIMIT_TICKS_MAX (UINT64_C(1) << 62)

/* Fill @lim for @pps and @bps at @hz ticks per second. */
void
dp_limit_init(struct dp_limit *lim, uint64_t pps, uint64_t bps, uint64_t hz);

/* The state one limit keeps: theoretical arrival times. Zero is a fresh, full bucket. */
struct dp_limit_state {
	uint64_t tat_pkt;
	uint64_t tat_byte;
};

/*
 * Does a packet of @bytes at time @now fit within @lim? When it does, @st is charged; when it
 * does not, @st is left as it was (a dropped packet costs nothing). Both limits are checked
 * before either is charged.
 *
 * The clock may start anywhere, 0 included. If it goes backwards, a source never gets more
 * than it had: it waits as much longer as the clock went back, but never longer than an empty
 * bucket takes to refill (a state further ahead than any admitted packet can leave it is
 * pulled back to an empty bucket at the new time, even when the packet is refused).
 */
bool
dp_limit_admit(const struct dp_limit *lim, struct dp_limit_state *st, uint64_t now,
	       uint32_t bytes);

/*
 * What a table entry is for: the limiter and the address it limits. Keys are compared as
 * 24 bytes, so callers zero @pad, and the 12 bytes after an IPv4 address in @addr (IPv4
 * takes the first 4 bytes, as in struct cfg_prefix).
 */
struct dp_rate_key {
	uint32_t limiter;        /* policy generation << 20 | limiter id (rule or protection) */
	uint8_t family;          /* 4 or 6; 0 marks an empty slot */
	uint8_t pad[3];
	uint8_t addr[16];
};

/*
 * One source's state under one limiter: one cache line. To fit in one, the run of excesses
 * is kept in two words: exceed_since is 0 when there is no run, DP_RATE_REPORTED once the
 * run has been reported for auto-block (when it began no longer matters then), and
 * otherwise 1 + the time of the run's first excess (so a run that begins at time 0 is not
 * "no run").
 */
struct dp_rate_entry {
	struct dp_rate_key key;
	struct dp_limit_state st;
	uint64_t last_seen;      /* @now of the last lookup; the eviction order */
	uint64_t exceed_since;   /* see above */
	uint64_t last_exceed;    /* the latest excess */
} __attribute__((aligned(64)));

#define DP_RATE_REPORTED UINT64_MAX

#define DP_RATE_WAYS 8 /* entries per bucket; a new key evicts the bucket's stalest entry */

/*
 * A bounded set-associative table: n_buckets * DP_RATE_WAYS entries. The bucket of a key is
 * a universal hash (pair-multiply-shift) of its six 32-bit words under 64-bit keys drawn
 * from a seed, so a sender who does not know the seed cannot aim addresses at one bucket.
 * Entries are replaced, never removed one by one (a lookup stops at the first empty slot of
 * a bucket); the whole table may be zeroed and initialised again.
 */
struct dp_rate_table {
	uint32_t bucket_mask;    /* n_buckets - 1; n_buckets is a power of two */
	uint64_t inserts;        /* new keys */
	uint64_t evictions;      /* live entries replaced by a new key */
	uint64_t hash_key[6];    /* the bucket hash's random words */
	struct dp_rate_entry *entries;
};

/* Bytes of entry memory for at least @n_entries entries (rounded up to a power of two
 * number of buckets). 0 when @n_entries is 0 or too large. */
size_t
dp_rate_table_mem_size(uint32_t n_entries);

/*
 * Set up @t over @mem, dp_rate_table_mem_size(@n_entries) bytes aligned to 64, zeroed;
 * dp_rate_table_mem_size(@n_entries) must not be 0. The hash starts with a fixed seed: call
 * dp_rate_table_seed() with a random one before the first lookup.
 */
void
dp_rate_table_init(struct dp_rate_table *t, void *mem, uint32_t n_entries);

/*
 * Draw the hash keys of @t from @seed (rte_rand() in the dataplane). Entries already in
 * the table become unreachable and age out by eviction, so this belongs right after init.
 */
void
dp_rate_table_seed(struct dp_rate_table *t, uint64_t seed);

/*
 * The entry for @key: the existing one, or a fresh one (zero state) that takes an empty slot
 * of its bucket or evicts the entry least recently seen. Never fails. Sets last_seen = @now.
 */
struct dp_rate_entry *
dp_rate_table_get(struct dp_rate_table *t, const struct dp_rate_key *key, uint64_t now);

/*
 * Charge one packet against @lim in @e and keep the run of excesses for auto-block: an excess
 * at most @gap ticks after the previous one continues the run, a longer gap (or a clock that
 * went backwards) ends it; admitted packets leave the run alone.
 * @return true when admitted. *@offender is set when the run has lasted @exceed ticks or more
 * and has not been reported yet (then it is marked reported), and cleared otherwise; @exceed
 * 0 disables that.
 */
bool
dp_rate_entry_charge(struct dp_rate_entry *e, const struct dp_limit *lim, uint64_t now,
		     uint32_t bytes, uint64_t gap, uint64_t exceed, bool *offender);

#endif /* RAMPART_DP_RATE_H */
