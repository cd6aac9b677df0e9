/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sets of IPv4 prefixes for membership tests: the allow and deny lists. Two bits per /24 of
 * the address space (4 MB) say whether none, all or part of that /24 is in the set; the /24s
 * that are in it only in part (prefixes longer than /24) keep a 256-bit map of their
 * addresses in a small open-addressing table. A lookup reads one bit pair, and a second
 * cache line only for a partly covered /24.
 *
 * Built in time linear in the prefixes (rte_lpm_add() scans its rule group and its tbl8
 * groups linearly, so filling an rte_lpm with a million prefixes took minutes), and a
 * lookup touches a 4 MB table rather than rte_lpm's 64 MB tbl24.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "dp_priv.h"

#define STATE_WORDS ((1u << 24) / 32)

static uint32_t
part_hash(uint32_t key24, uint32_t mask)
{
	return (key24 * 0x9E3779B1u >> 8) & mask;
}

/* The slot of @key24 in the part table, taken when absent. The table never fills: it has
 * at least twice as many slots as prefixes longer than /24. */
static uint32_t
part_slot(struct dp_pfx4 *s, uint32_t key24)
{
	uint32_t i = part_hash(key24, s->part_mask);

	while (s->part_key[i] != key24 && s->part_key[i] != UINT32_MAX)
		i = (i + 1) & s->part_mask;
	if (s->part_key[i] == UINT32_MAX) {
		s->part_key[i] = key24;
		s->n_part++;
	}
	return i;
}

static void
state_set(uint64_t *state, uint32_t i, uint64_t v)
{
	unsigned int sh = (i & 31) * 2;

	state[i / 32] = (state[i / 32] & ~(3ull << sh)) | v << sh;
}

/* Mark the /24s [lo, lo + n) as wholly in the set, whole words at a time where possible. */
static void
state_fill(uint64_t *state, uint32_t lo, uint32_t n)
{
	uint32_t i = lo, end = lo + n;

	for (; i < end && (i & 31) != 0; i++)
		state_set(state, i, DP_PFX4_ALL);
	for (; i + 32 <= end; i += 32)
		state[i / 32] = 0x5555555555555555ull; /* DP_PFX4_ALL in every pair */
	for (; i < end; i++)
		state_set(state, i, DP_PFX4_ALL);
}

struct dp_pfx4 *
dp_pfx4_create(const struct cfg_prefix *list, size_t n, int socket)
{
	struct dp_pfx4 *s;
	size_t n_long = 0;
	uint32_t slots = 16;

	for (size_t i = 0; i < n; i++)
		n_long += list[i].family == 4 && list[i].len > 24;
	while (slots < 2 * n_long)
		slots <<= 1;
	s = rte_zmalloc_socket("rp_pfx4", sizeof(*s), RTE_CACHE_LINE_SIZE, socket);
	if (s == NULL)
		return NULL;
	s->state = rte_zmalloc_socket("rp_pfx4_state", STATE_WORDS * sizeof(uint64_t),
	                              RTE_CACHE_LINE_SIZE, socket);
	s->part_key = rte_malloc_socket("rp_pfx4_keys", slots * sizeof(uint32_t), 0, socket);
	s->part_bits = rte_zmalloc_socket("rp_pfx4_bits", slots * sizeof(*s->part_bits),
	                                  RTE_CACHE_LINE_SIZE, socket);
	if (s->state == NULL || s->part_key == NULL || s->part_bits == NULL) {
		dp_pfx4_free(s);
		return NULL;
	}
	memset(s->part_key, 0xff, slots * sizeof(uint32_t));
	s->part_mask = slots - 1;
	for (size_t i = 0; i < n; i++) {
		const struct cfg_prefix *p = &list[i];
		uint32_t a, key24;

		if (p->family != 4)
			continue;
		memcpy(&a, p->addr, 4);
		a = rte_be_to_cpu_32(a);
		key24 = a >> 8;
		if (p->len <= 24) {
			state_fill(s->state, key24 & ~((1u << (24 - p->len)) - 1),
			           1u << (24 - p->len));
		} else if (dp_pfx4_state(s, key24) != DP_PFX4_ALL) {
			uint64_t *bits = s->part_bits[part_slot(s, key24)];
			uint32_t lo = a & 0xff, cnt = 1u << (32 - p->len);

			state_set(s->state, key24, DP_PFX4_PART);
			for (uint32_t h = lo; h < lo + cnt; h++)
				bits[h / 64] |= 1ull << (h % 64);
		}
	}
	return s;
}

void
dp_pfx4_free(struct dp_pfx4 *s)
{
	if (s == NULL)
		return;
	rte_free(s->state);
	rte_free(s->part_key);
	rte_free(s->part_bits);
	rte_free(s);
}

bool
dp_pfx4_part_lookup(const struct dp_pfx4 *s, uint32_t addr)
{
	uint32_t key24 = addr >> 8, i = part_hash(key24, s->part_mask);

	while (s->part_key[i] != key24) {
		if (s->part_key[i] == UINT32_MAX)
			return false;
		i = (i + 1) & s->part_mask;
	}
	return s->part_bits[i][(addr & 0xff) / 64] >> (addr % 64) & 1;
}
