/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dynamic blocklist: source addresses dropped until an absolute expiry. An rte_hash with
 * lock-free readers: the workers look sources up without locks while the control thread, the
 * only writer, adds, deletes and expires entries. A deleted key's slot is only recycled after
 * an RCU grace period (liburcu QSBR), once no worker can still be reading it.
 *
 * Workers ask for auto-blocks through their offender ring; dp_tick() drains the rings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu-qsbr.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_priv.h"

#define DP_BL_TTL_MAX (30u * 24 * 3600) /* seconds; longer is refused by the control side */

struct dp_blocklist *
dp_blocklist_create(const char *name, uint32_t capacity, int socket, uint64_t hz)
{
	struct rte_hash_parameters prm = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct dp_bl_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
		              RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct dp_blocklist *bl;
	uint32_t bits;

	bl = rte_zmalloc_socket("rp_blocklist", sizeof(*bl), RTE_CACHE_LINE_SIZE, socket);
	if (bl == NULL)
		goto nomem;
	bl->capacity = capacity;
	bl->hz = hz;
	bl->pending = rte_malloc_socket("rp_bl_pending", capacity * sizeof(int32_t), 0, socket);
	if (bl->pending == NULL)
		goto nomem;
	/* 32 filter bits per entry of capacity: at capacity, about one source in 32 that is
	 * not on the list still goes to the hash. */
	bits = 1u << 16;
	while (bits < (1u << 30) && bits / 32 < capacity)
		bits <<= 1;
	bl->filter_mask = bits - 1;
	bl->filter = rte_zmalloc_socket("rp_bl_filter", bits / 8, RTE_CACHE_LINE_SIZE, socket);
	bl->filter_cnt = calloc(bits, 1);
	if (bl->filter == NULL || bl->filter_cnt == NULL)
		goto nomem;
	bl->h = rte_hash_create(&prm);
	if (bl->h == NULL) {
		int err = rte_errno;

		dp_blocklist_destroy(bl);
		errno = err ? err : ENOMEM;
		return NULL;
	}
	return bl;
nomem:
	dp_blocklist_destroy(bl);
	errno = ENOMEM;
	return NULL;
}

void
dp_blocklist_destroy(struct dp_blocklist *bl)
{
	if (bl == NULL)
		return;
	rte_hash_free(bl->h);
	rte_free(bl->pending);
	rte_free(bl->filter);
	free(bl->filter_cnt);
	rte_free(bl);
}

/* Recycle the slots of deleted keys once every worker has passed a quiescent state. */
static void
pending_reclaim(struct dp_blocklist *bl)
{
	if (bl->n_pending == 0)
		return;
	synchronize_rcu();
	for (uint32_t i = 0; i < bl->n_pending; i++)
		rte_hash_free_key_with_position(bl->h, bl->pending[i]);
	bl->n_pending = 0;
}

/* A key joined (@add) or left the hash: keep its filter bit set while any key needs it. */
static void
filter_update(struct dp_blocklist *bl, const struct dp_bl_key *k, bool add)
{
	uint32_t bit = dp_bl_filter_bit(bl, k);
	uint64_t *w = &bl->filter[bit / 64], m = 1ull << (bit % 64);
	uint8_t *c = &bl->filter_cnt[bit];

	if (*c == UINT8_MAX)
		return; /* saturated: stays set, which costs a hash lookup, never a wrong answer */
	if (add && (*c)++ == 0)
		__atomic_store_n(w, *w | m, __ATOMIC_RELEASE);
	else if (!add && --(*c) == 0)
		__atomic_store_n(w, *w & ~m, __ATOMIC_RELEASE);
}

static int
key_delete(struct dp_blocklist *bl, const struct dp_bl_key *k)
{
	int32_t pos = rte_hash_del_key(bl->h, k);

	if (pos < 0)
		return pos;
	filter_update(bl, k, false);
	if (bl->n_pending >= bl->capacity)
		pending_reclaim(bl);
	bl->pending[bl->n_pending++] = pos;
	return 0;
}

int
dp_blocklist_insert(struct dp_blocklist *bl, const struct dp_bl_key *k, uint64_t expiry,
                    bool automatic)
{
	uint64_t data = expiry & ~DP_BL_AUTO;
	bool fresh;
	int ret;

	if (k->family != 4 && k->family != 6)
		return -EINVAL;
	if (automatic)
		data |= DP_BL_AUTO;
	fresh = rte_hash_lookup(bl->h, k) < 0;
	ret = rte_hash_add_key_data(bl->h, k, (void *)(uintptr_t)data);
	if (ret == -ENOSPC && bl->n_pending > 0) {
		/* Deleted slots may be waiting for a grace period: take them back and retry. */
		pending_reclaim(bl);
		ret = rte_hash_add_key_data(bl->h, k, (void *)(uintptr_t)data);
	}
	if (ret == -ENOSPC) {
		bl->st.full++;
		return ret;
	}
	if (ret < 0)
		return ret;
	/* After the key is in the hash: a worker that sees the bit finds the key. */
	if (fresh)
		filter_update(bl, k, true);
	bl->st.added++;
	bl->st.auto_added += automatic ? 1 : 0;
	return 0;
}

/*
 * Delete every entry that has expired by @now, or every entry when @all. The entries are
 * collected first and deleted afterwards: a deletion moves the last entry of a bucket's
 * extension chain into the freed slot, which an iteration deleting as it goes may already
 * have passed, and that entry would be missed. The positions collected are the ones left
 * pending a grace period. @return how many were deleted.
 */
static int
delete_where(struct dp_blocklist *bl, bool all, uint64_t now)
{
	const void *key;
	void *data, *k;
	uint32_t next = 0, n = 0;
	int32_t pos;

	pending_reclaim(bl);
	while ((pos = rte_hash_iterate(bl->h, &key, &data, &next)) >= 0) {
		uint64_t exp = (uintptr_t)data & ~DP_BL_AUTO;

		if (bl->n_pending < bl->capacity && (all || (exp != 0 && exp <= now)))
			bl->pending[bl->n_pending++] = pos;
	}
	for (uint32_t i = 0; i < bl->n_pending; i++) {
		if (rte_hash_get_key_with_position(bl->h, bl->pending[i], &k) < 0)
			continue;
		pos = rte_hash_del_key(bl->h, k);
		if (pos >= 0) {
			/* The key's slot stays readable until the grace period is over. */
			filter_update(bl, k, false);
			bl->pending[n++] = pos;
		}
	}
	bl->n_pending = n;
	pending_reclaim(bl);
	return (int)n;
}

int
dp_blocklist_expire(struct dp_blocklist *bl, uint64_t now)
{
	int n = delete_where(bl, false, now);

	bl->st.expired += (uint64_t)n;
	return n;
}

static int
key_from_prefix(struct dp_bl_key *k, const struct cfg_prefix *addr)
{
	if (addr->family == 4 && addr->len == 32)
		dp_bl_key_from(k, 4, addr->addr);
	else if (addr->family == 6 && addr->len == 128)
		dp_bl_key_from(k, 6, addr->addr);
	else
		return -EINVAL;
	return 0;
}

int
dp_blocklist_add(struct dp *dp, const struct cfg_prefix *addr, uint32_t ttl_s)
{
	struct dp_blocklist *bl = dp->blocklist;
	struct dp_bl_key k;

	if (key_from_prefix(&k, addr) < 0 || ttl_s > DP_BL_TTL_MAX)
		return -EINVAL;
	return dp_blocklist_insert(bl, &k, ttl_s ? rte_get_tsc_cycles() + ttl_s * bl->hz : 0,
	                           false);
}

int
dp_blocklist_del(struct dp *dp, const struct cfg_prefix *addr)
{
	struct dp_blocklist *bl = dp->blocklist;
	struct dp_bl_key k;
	int ret;

	if (key_from_prefix(&k, addr) < 0)
		return -EINVAL;
	ret = key_delete(bl, &k);
	if (ret < 0)
		return ret;
	bl->st.deleted++;
	pending_reclaim(bl);
	return 0;
}

int
dp_blocklist_flush(struct dp *dp)
{
	int n = delete_where(dp->blocklist, true, 0);

	dp->blocklist->st.deleted += (uint64_t)n;
	return n;
}

uint32_t
dp_blocklist_count(const struct dp *dp)
{
	int32_t n = rte_hash_count(dp->blocklist->h);

	return n < 0 ? 0 : (uint32_t)n;
}

uint32_t
dp_blocklist_capacity(const struct dp *dp)
{
	return dp->blocklist->capacity;
}

int
dp_blocklist_walk(const struct dp *dp, int (*cb)(const struct dp_blocklist_entry *e, void *arg),
                  void *arg)
{
	const struct dp_blocklist *bl = dp->blocklist;
	uint64_t now = rte_get_tsc_cycles();
	const void *key;
	void *data;
	uint32_t next = 0;
	int n = 0;

	while (rte_hash_iterate(bl->h, &key, &data, &next) >= 0) {
		const struct dp_bl_key *k = key;
		uint64_t exp = (uintptr_t)data & ~DP_BL_AUTO;
		struct dp_blocklist_entry e;

		if (exp != 0 && exp <= now)
			continue; /* expired, removed on the next tick */
		memset(&e, 0, sizeof(e));
		e.addr.family = k->family;
		e.addr.len = k->family == 4 ? 32 : 128;
		memcpy(e.addr.addr, k->addr, sizeof(e.addr.addr));
		e.permanent = exp == 0;
		e.ttl_left = exp ? (uint32_t)((exp - now + bl->hz - 1) / bl->hz) : 0;
		e.automatic = ((uintptr_t)data & DP_BL_AUTO) != 0;
		n++;
		if (cb(&e, arg) != 0)
			break;
	}
	return n;
}

void
dp_blocklist_stats_get(const struct dp *dp, struct dp_blocklist_stats *st)
{
	*st = dp->blocklist->st;
}

/* Put what the workers reported on the blocklist. */
static void
offenders_drain(struct dp *dp, uint64_t now)
{
	struct dp_blocklist *bl = dp->blocklist;

	for (unsigned int w = 0; w < dp->n_workers; w++) {
		struct rte_ring *r = dp->workers[w]->offenders;
		struct dp_offender o;

		if (r == NULL)
			continue;
		while (rte_ring_sc_dequeue_elem(r, &o, sizeof(o)) == 0) {
			uint32_t s = o.block_seconds ? o.block_seconds : 1;

			dp_blocklist_insert(bl, &o.key, now + s * bl->hz, true);
		}
	}
}

void
dp_tick(struct dp *dp)
{
	uint64_t now = rte_get_tsc_cycles();

	if (dp == NULL || dp->blocklist == NULL)
		return;
	offenders_drain(dp, now);
	/* A walk of the whole table, once a second: expiry is to the second anyway, and the
	 * workers ignore an expired entry until it is gone. */
	if (now >= dp->blocklist->next_expire) {
		dp_blocklist_expire(dp->blocklist, now);
		dp->blocklist->next_expire = now + dp->blocklist->hz;
	}
}
