/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA health decisions: the pure logic behind peer checks, flap damping, the link and bandwidth
 * monitors and fast failover. See ha_health.h for the rules each one follows.
 */
#include <errno.h>
#include <string.h>

#include "ha_health.h"

#define HA_THRESHOLD_MAX 1000 /* as ha.peer_failure_threshold in the config */

/* @a + @b, or HA_TIME_NEVER when it does not fit. */
static uint64_t
time_add(uint64_t a, uint64_t b)
{
	return a > HA_TIME_NEVER - b ? HA_TIME_NEVER : a + b;
}

/* @n * @interval, or HA_TIME_NEVER when it does not fit. */
static uint64_t
time_mul(uint64_t n, uint64_t interval)
{
	return n != 0 && interval > HA_TIME_NEVER / n ? HA_TIME_NEVER : n * interval;
}

/* Time from @since to @now; 0 when the clock went backwards. */
static uint64_t
time_since(uint64_t now, uint64_t since)
{
	return now > since ? now - since : 0;
}

const char *
ha_health_name(enum ha_health state)
{
	switch (state) {
	case HA_HEALTH_UNKNOWN:
		return "unknown";
	case HA_HEALTH_HEALTHY:
		return "healthy";
	case HA_HEALTH_UNHEALTHY:
		return "unhealthy";
	}
	return "invalid";
}

int
ha_peer_health_init(struct ha_peer_health *h, unsigned int failure_threshold,
                    unsigned int recovery_threshold, uint64_t interval_ns, uint64_t now)
{
	if (failure_threshold < 1 || failure_threshold > HA_THRESHOLD_MAX ||
	    recovery_threshold < 1 || recovery_threshold > HA_THRESHOLD_MAX || interval_ns == 0)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->interval_ns = interval_ns;
	h->failure_threshold = failure_threshold;
	h->recovery_threshold = recovery_threshold;
	h->state = HA_HEALTH_UNKNOWN;
	h->last_rx = now;
	h->last_change = now;
	return 0;
}

static void
peer_health_set(struct ha_peer_health *h, enum ha_health state, uint64_t now)
{
	h->state = state;
	h->changes++;
	h->last_change = now;
}

bool
ha_peer_health_tick(struct ha_peer_health *h, uint64_t now)
{
	uint64_t misses = time_since(now, h->last_rx) / h->interval_ns;

	if (misses > UINT32_MAX)
		misses = UINT32_MAX;
	if (misses > h->misses)
		h->misses_total += misses - h->misses;
	h->misses = (unsigned int)misses;
	/* Two misses in a row: a whole check interval passed with nothing, beyond the late one. */
	if (misses >= 2)
		h->good = 0;
	if (misses >= h->failure_threshold && h->state != HA_HEALTH_UNHEALTHY) {
		h->good = 0;
		peer_health_set(h, HA_HEALTH_UNHEALTHY, now);
		return true;
	}
	return false;
}

bool
ha_peer_health_rx(struct ha_peer_health *h, uint64_t now)
{
	enum ha_health before = h->state;

	ha_peer_health_tick(h, now);
	h->heard = true;
	h->rx_total++;
	/* Heartbeats closer than half an interval to the last good check are the same check. */
	if (h->good == 0 || (now >= h->last_good && now - h->last_good >= h->interval_ns / 2)) {
		if (h->good < UINT32_MAX)
			h->good++;
		h->last_good = now;
	}
	if (now > h->last_rx)
		h->last_rx = now;
	h->misses = 0;
	if (h->state == HA_HEALTH_UNKNOWN ||
	    (h->state == HA_HEALTH_UNHEALTHY && h->good >= h->recovery_threshold))
		peer_health_set(h, HA_HEALTH_HEALTHY, now);
	return h->state != before;
}

uint64_t
ha_peer_health_next_miss(const struct ha_peer_health *h)
{
	return time_add(h->last_rx, time_mul((uint64_t)h->misses + 1, h->interval_ns));
}

uint64_t
ha_peer_health_deadline(const struct ha_peer_health *h)
{
	if (h->state == HA_HEALTH_UNHEALTHY)
		return HA_TIME_NEVER;
	return time_add(h->last_rx, time_mul(h->failure_threshold, h->interval_ns));
}

/*
 * Flap damping: a ring of the newest flaps, oldest at head. Flaps leave it from the head when
 * they age out of the window, or when the ring is full and a new one comes.
 */
#define FLAP_RING (HA_FLAP_MAX + 1)

int
ha_flaps_init(struct ha_flaps *f, unsigned int max_flaps, uint64_t window_ns)
{
	if (max_flaps > HA_FLAP_MAX || window_ns == 0)
		return -EINVAL;
	f->max_flaps = max_flaps;
	f->window_ns = window_ns;
	f->head = 0;
	f->count = 0;
	f->total = 0;
	return 0;
}

/* Drop the flaps that are one window old or older at @now. */
static void
flaps_age(struct ha_flaps *f, uint64_t now)
{
	while (f->count > 0 && time_add(f->at[f->head], f->window_ns) <= now) {
		f->head = (f->head + 1) % FLAP_RING;
		f->count--;
	}
}

bool
ha_flaps_record(struct ha_flaps *f, uint64_t now)
{
	flaps_age(f, now);
	/* The ring stays sorted even if the clock steps back: a flap is never older than the
	 * newest one recorded. */
	if (f->count > 0) {
		uint64_t newest = f->at[(f->head + f->count - 1) % FLAP_RING];

		if (now < newest)
			now = newest;
	}
	if (f->count == FLAP_RING) {
		f->head = (f->head + 1) % FLAP_RING;
		f->count--;
	}
	f->at[(f->head + f->count) % FLAP_RING] = now;
	f->count++;
	f->total++;
	return f->max_flaps > 0 && f->count > f->max_flaps;
}

bool
ha_flaps_exceeded(struct ha_flaps *f, uint64_t now)
{
	flaps_age(f, now);
	return f->max_flaps > 0 && f->count > f->max_flaps;
}

unsigned int
ha_flaps_count(struct ha_flaps *f, uint64_t now)
{
	flaps_age(f, now);
	return f->count;
}

uint64_t
ha_flaps_next_expiry(const struct ha_flaps *f)
{
	if (f->count == 0)
		return HA_TIME_NEVER;
	return time_add(f->at[f->head], f->window_ns);
}

/*
 * Link-pair monitor.
 */
int
ha_links_init(struct ha_links *l, unsigned int n_pairs, unsigned int min_active, uint64_t hold_ns)
{
	if (n_pairs > HA_LINKS_MAX || min_active > n_pairs)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->n_pairs = n_pairs;
	l->min_active = min_active;
	l->hold_ns = hold_ns;
	l->below = min_active > 0;
	return 0;
}

/* Promote the pairs that have held up, recount. @return whether `below` changed. */
static bool
links_eval(struct ha_links *l, uint64_t now)
{
	unsigned int healthy = 0;
	bool below;

	for (unsigned int i = 0; i < l->n_pairs; i++) {
		struct ha_link_pair_state *p = &l->pair[i];

		if (!p->healthy && p->up[0] && p->up[1] &&
		    time_since(now, p->up_since) >= l->hold_ns) {
			p->healthy = true;
			p->changes++;
		}
		if (p->healthy)
			healthy++;
	}
	l->n_healthy = healthy;
	below = healthy < l->min_active;
	if (below == l->below)
		return false;
	l->below = below;
	l->below_changes++;
	return true;
}

bool
ha_links_update(struct ha_links *l, unsigned int pair, bool upstream_up, bool protected_up,
                uint64_t now)
{
	struct ha_link_pair_state *p;
	bool was_up;

	if (pair >= l->n_pairs)
		return false;
	p = &l->pair[pair];
	was_up = p->up[0] && p->up[1];
	p->up[0] = upstream_up;
	p->up[1] = protected_up;
	if (upstream_up && protected_up) {
		if (!was_up)
			p->up_since = now;
	} else if (p->healthy) {
		p->healthy = false;
		p->changes++;
	}
	return links_eval(l, now);
}

bool
ha_links_tick(struct ha_links *l, uint64_t now)
{
	return links_eval(l, now);
}

uint64_t
ha_links_deadline(const struct ha_links *l)
{
	uint64_t next = HA_TIME_NEVER;

	for (unsigned int i = 0; i < l->n_pairs; i++) {
		const struct ha_link_pair_state *p = &l->pair[i];
		uint64_t t;

		if (p->healthy || !p->up[0] || !p->up[1])
			continue;
		t = time_add(p->up_since, l->hold_ns);
		if (t < next)
			next = t;
	}
	return next;
}

/*
 * Bandwidth monitor.
 */
int
ha_bw_init(struct ha_bw *b, bool enabled, uint64_t min_bps, uint64_t interval_ns)
{
	if (interval_ns == 0)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->enabled = enabled;
	b->min_bps = min_bps;
	b->interval_ns = interval_ns;
	return 0;
}

static void
bw_window_start(struct ha_bw *b, uint64_t now, uint64_t rx_bytes_total, bool is_master)
{
	b->started = true;
	b->win_start = now;
	b->win_bytes = rx_bytes_total;
	b->master = is_master;
}

uint64_t
ha_bw_update(struct ha_bw *b, uint64_t now, uint64_t rx_bytes_total, bool is_master)
{
	unsigned __int128 bits;
	uint64_t elapsed;

	if (!is_master) {
		b->low = false;
		b->master = false;
	}
	if (!b->started || rx_bytes_total < b->win_bytes || (is_master && !b->master)) {
		/* First sample, a counter reset, or a new master's grace: a fresh window. */
		bw_window_start(b, now, rx_bytes_total, is_master);
		return b->last_bps;
	}
	elapsed = time_since(now, b->win_start);
	if (elapsed < b->interval_ns)
		return b->last_bps;
	bits = (unsigned __int128)(rx_bytes_total - b->win_bytes) * 8;
	bits = bits * HA_NS_PER_S / elapsed;
	b->last_bps = bits > UINT64_MAX ? UINT64_MAX : (uint64_t)bits;
	b->have_bps = true;
	b->low = b->enabled && b->master && b->last_bps < b->min_bps;
	if (b->low)
		b->low_total++;
	bw_window_start(b, now, rx_bytes_total, is_master);
	return b->last_bps;
}

bool
ha_bw_low(const struct ha_bw *b)
{
	return b->low;
}

uint64_t
ha_bw_deadline(const struct ha_bw *b)
{
	if (!b->started)
		return HA_TIME_NEVER;
	return time_add(b->win_start, b->interval_ns);
}

/*
 * Fast failover.
 */
uint64_t
ha_ff_margin(uint64_t adver_interval_ns)
{
	uint64_t margin = adver_interval_ns / 4;

	return margin < HA_NS_PER_MS ? HA_NS_PER_MS : margin;
}

uint64_t
ha_ff_deadline(const struct ha_ff_input *in)
{
	uint64_t quiet = time_add(in->adver_interval_ns, ha_ff_margin(in->adver_interval_ns));

	/* Silence must last strictly longer than interval + margin. */
	return time_add(time_add(in->last_advert, quiet), 1);
}

bool
ha_ff_allowed(const struct ha_ff_input *in, uint64_t now)
{
	uint64_t from;

	if (!in->master_known || in->master_health != HA_HEALTH_UNHEALTHY ||
	    in->adver_interval_ns == 0)
		return false;
	from = ha_ff_deadline(in);
	return from != HA_TIME_NEVER && now >= from;
}

bool
ha_failsafe_disconnect(const struct ha_failsafe_input *in)
{
	if (!in->ha_enabled || in->active_active)
		return false;
	if (!in->elected || in->any_standby)
		return true;
	if (in->flaps_primary)
		return false;
	return in->peers_able > 0;
}
