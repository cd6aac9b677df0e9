/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate limits as GCRA and the per-worker table of per-source state. Everything here runs per
 * packet on a worker: no allocation, no logging, no division (dp_limit_init() does the
 * dividing once per policy), and no shared state.
 */
#include <assert.h>
#include <string.h>

#include "dp_rate.h"

_Static_assert(sizeof(struct dp_rate_key) == 24, "rate keys are hashed and compared as words");
_Static_assert(sizeof(struct dp_rate_entry) == 64, "a rate entry is one cache line");

/* The largest table: 2^26 buckets of 8 entries of 64 bytes is 32 GiB. */
#define RATE_MAX_BUCKETS (UINT32_C(1) << 26)

/* The cost in ticks of a maximum-size IP packet; the byte bucket always holds one. */
#define RATE_MAX_PKT 65535

static inline uint64_t
ticks_cap(unsigned __int128 v)
{
	return v > DP_LIMIT_TICKS_MAX ? DP_LIMIT_TICKS_MAX : (uint64_t)v;
}

static inline uint64_t
add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* Ticks a packet of @bytes costs against a byte_interval of @interval (32.32), rounded up. */
static inline uint64_t
byte_cost(uint64_t interval, uint32_t bytes)
{
	unsigned __int128 c = (unsigned __int128)interval * bytes;

	return ticks_cap((c + UINT32_MAX) >> 32);
}

void
dp_limit_init(struct dp_limit *lim, uint64_t pps, uint64_t bps, uint64_t hz)
{
	memset(lim, 0, sizeof(*lim));
	if (hz == 0)
		hz = 1; /* a clock that does not tick: keep the sums finite */

	if (pps != 0) {
		uint64_t t = hz / pps;

		if (t == 0)
			t = 1; /* more packets than ticks: one a tick, a burst of @pps */
		lim->pkt_interval = ticks_cap(t);
		lim->pkt_tau = ticks_cap((unsigned __int128)(pps - 1) * lim->pkt_interval);
	}

	if (bps != 0) {
		unsigned __int128 i = ((unsigned __int128)hz * 8 << 32) / bps;
		uint64_t max_pkt;

		/*
		 * Below 8 * hz / 2^32 bits per second (5.6 bps at 3 GHz) the interval does not fit
		 * in 32.32 and the limit is that rate; above 8 * hz * 2^32 every byte costs the
		 * smallest fraction of a tick there is.
		 */
		if (i > UINT64_MAX)
			i = UINT64_MAX;
		if (i == 0)
			i = 1;
		lim->byte_interval = (uint64_t)i;
		max_pkt = byte_cost(lim->byte_interval, RATE_MAX_PKT);
		lim->byte_tau = ticks_cap(hz);
		if (lim->byte_tau < max_pkt)
			lim->byte_tau = max_pkt;
	}
}

/*
 * How far ahead of @now the arrival time *@tat is; one in the past is a full bucket, 0 ahead.
 * On a clock that only goes forward no admitted packet leaves it more than @max ahead (an
 * empty bucket). Further than that means the clock went backwards: the state is pulled back
 * to an empty bucket at the new time and stays so, whether or not this packet passes. That is
 * no charge (the source gets nothing it did not have), but without it a source would wait for
 * the clock to come back however far it went.
 */
static inline uint64_t
ahead_of(uint64_t *tat, uint64_t now, uint64_t max)
{
	uint64_t ahead;

	if (*tat <= now)
		return 0;
	ahead = *tat - now;
	if (__builtin_expect(ahead > max, 0)) {
		*tat = add_sat(now, max);
		ahead = max;
	}
	return ahead;
}

/* dp_limit_admit(), inlined into dp_rate_entry_charge() as well: a PIC library would
 * otherwise call the exported function through the PLT. */
static inline bool
limit_admit(const struct dp_limit *lim, struct dp_limit_state *st, uint64_t now, uint32_t bytes)
{
	uint64_t ahead_pkt = 0, ahead_byte = 0, cost = 0;
	bool ok = true;

	/*
	 * Both limits are looked at (and put right after a clock that went back) before either
	 * decides. Every interval, tolerance and cost is at most DP_LIMIT_TICKS_MAX (2^62), so
	 * the sums of two do not wrap, and the new arrival times saturate rather than wrap at
	 * the end of the clock's range.
	 */
	if (lim->pkt_interval != 0) {
		ahead_pkt = ahead_of(&st->tat_pkt, now, lim->pkt_tau + lim->pkt_interval);
		ok = ahead_pkt <= lim->pkt_tau;
	}
	if (lim->byte_interval != 0) {
		ahead_byte = ahead_of(&st->tat_byte, now, lim->byte_tau);
		cost = byte_cost(lim->byte_interval, bytes);
		ok = ok && ahead_byte + cost <= lim->byte_tau;
	}
	if (!ok)
		return false;

	if (lim->pkt_interval != 0)
		st->tat_pkt = add_sat(now, ahead_pkt + lim->pkt_interval);
	if (lim->byte_interval != 0)
		st->tat_byte = add_sat(now, ahead_byte + cost);
	return true;
}

bool
dp_limit_admit(const struct dp_limit *lim, struct dp_limit_state *st, uint64_t now, uint32_t bytes)
{
	return limit_admit(lim, st, now, bytes);
}

size_t
dp_rate_table_mem_size(uint32_t n_entries)
{
	uint32_t need, n_buckets = 1;

	if (n_entries == 0)
		return 0;
	need = n_entries / DP_RATE_WAYS + (n_entries % DP_RATE_WAYS != 0);
	if (need > RATE_MAX_BUCKETS)
		return 0;
	while (n_buckets < need)
		n_buckets <<= 1;
	return (size_t)n_buckets * DP_RATE_WAYS * sizeof(struct dp_rate_entry);
}

void
dp_rate_table_init(struct dp_rate_table *t, void *mem, uint32_t n_entries)
{
	size_t size = dp_rate_table_mem_size(n_entries);

	assert(size != 0);
	assert(((uintptr_t)mem & 63) == 0);
	memset(t, 0, sizeof(*t));
	t->bucket_mask = (uint32_t)(size / (DP_RATE_WAYS * sizeof(struct dp_rate_entry))) - 1;
	t->entries = mem;
	dp_rate_table_seed(t, 0);
}

static inline void
key_words(const struct dp_rate_key *key, uint64_t w[3])
{
	memcpy(w, key, 3 * sizeof(uint64_t));
}

/* splitmix64: spreads one seed into independent-looking words. */
static uint64_t
seed_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
dp_rate_table_seed(struct dp_rate_table *t, uint64_t seed)
{
	for (int i = 0; i < 6; i++)
		t->hash_key[i] = seed_next(&seed);
}

/*
 * Pair-multiply-shift, as in Thorup's notes "High Speed Hashing for Integers and Strings": for
 * the six 32-bit words x of the key and six random 64-bit words k, the top bits of
 * (k0 + x1)(k1 + x0) + (k2 + x3)(k3 + x2) + (k4 + x5)(k5 + x4) modulo 2^64 are a universal
 * hash: two given keys share one of 2^l buckets (l <= 32) with probability at most 2^-l over
 * the choice of k. That is three independent multiplications, about what CRC32 of 24 bytes
 * costs with SSE4.2; and CRC is linear, so which addresses collide does not depend on its
 * seed and a sender could pick addresses that all land in a victim's bucket. (Multiply-shift
 * over three 64-bit words is no better: the top bits of two words only reach the top of the
 * sum, where they can cancel.) The top bits are taken by multiplying by n_buckets, which also
 * works for one bucket, where a shift by 64 would not.
 */
static inline uint32_t
bucket_of(const struct dp_rate_table *t, const uint64_t w[3])
{
	const uint64_t *k = t->hash_key;
	uint64_t h;

	/* x[2i] and x[2i + 1] are the low and high halves of word i. */
	h = (k[0] + (w[0] >> 32)) * (k[1] + (uint32_t)w[0]) +
	    (k[2] + (w[1] >> 32)) * (k[3] + (uint32_t)w[1]) +
	    (k[4] + (w[2] >> 32)) * (k[5] + (uint32_t)w[2]);
	return (uint32_t)(((unsigned __int128)h * ((uint64_t)t->bucket_mask + 1)) >> 64);
}

struct dp_rate_entry *
dp_rate_table_get(struct dp_rate_table *t, const struct dp_rate_key *key, uint64_t now)
{
	struct dp_rate_entry *b, *victim;
	uint64_t w[3];
	unsigned int i;

	key_words(key, w);
	b = &t->entries[(size_t)bucket_of(t, w) * DP_RATE_WAYS];
	victim = &b[0];

	/*
	 * Entries are never removed, only replaced, and a new key takes the first empty slot:
	 * the empty slots of a bucket are always its last ones, so the first empty slot ends
	 * the search. The key comparison is memcmp() of the 24 bytes, done as three words.
	 */
	for (i = 0; i < DP_RATE_WAYS; i++) {
		struct dp_rate_entry *e = &b[i];
		uint64_t ew[3];

		if (e->key.family == 0) {
			victim = e;
			break;
		}
		key_words(&e->key, ew);
		if (((ew[0] ^ w[0]) | (ew[1] ^ w[1]) | (ew[2] ^ w[2])) == 0) {
			e->last_seen = now;
			return e;
		}
		if (e->last_seen < victim->last_seen)
			victim = e;
	}

	if (i == DP_RATE_WAYS)
		t->evictions++;
	t->inserts++;
	memset(victim, 0, sizeof(*victim));
	victim->key = *key;
	victim->last_seen = now;
	return victim;
}

bool
dp_rate_entry_charge(struct dp_rate_entry *e, const struct dp_limit *lim, uint64_t now,
                     uint32_t bytes, uint64_t gap, uint64_t exceed, bool *offender)
{
	*offender = false;
	if (limit_admit(lim, &e->st, now, bytes))
		return true;

	/*
	 * A refused packet: a new run when there is none, when the previous excess is more than
	 * @gap ago, or when the clock went back past it. exceed_since is 1 + the start (see
	 * dp_rate.h); a run that begins in the clock's last two ticks reads as reported and is
	 * never reported, which a TSC reaches after a century or two.
	 */
	if (e->exceed_since == 0 || now < e->last_exceed || now - e->last_exceed > gap)
		e->exceed_since = now < UINT64_MAX - 1 ? now + 1 : DP_RATE_REPORTED;
	e->last_exceed = now;

	/* Inside a run its start is at most now: now + 1 - exceed_since, modulo 2^64, is how
	 * long it has lasted. */
	if (exceed != 0 && e->exceed_since != DP_RATE_REPORTED &&
	    now + 1 - e->exceed_since >= exceed) {
		e->exceed_since = DP_RATE_REPORTED;
		*offender = true;
	}
	return false;
}
