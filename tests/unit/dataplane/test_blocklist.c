/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dynamic blocklist (dataplane/dp_blocklist.c): insertion, refresh, expiry against
 * explicit clocks, capacity and the reuse of deleted slots, and the control-side views. There
 * is no worker thread: synchronize_rcu() with no registered reader returns at once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_hash.h>

#include <cmocka.h>

#include "dp_priv.h"
#include "eal_fixture.h"

#define HZ 1000u

static struct dp_blocklist *bl;
static struct dp dp; /* only its blocklist: what the control-side functions use */
static unsigned int seq;
static unsigned long long seed;

static struct dp_blocklist *
bl_create(uint32_t capacity, uint64_t hz)
{
	char name[32];

	snprintf(name, sizeof(name), "ut_bl_%u", seq++);
	return dp_blocklist_create(name, capacity, SOCKET_ID_ANY, hz);
}

static void
bl_use(uint32_t capacity, uint64_t hz)
{
	dp_blocklist_destroy(bl);
	bl = bl_create(capacity, hz);
	assert_non_null(bl);
	dp.blocklist = bl;
}

/* The @i-th IPv4 or IPv6 key of a run: distinct for distinct @i. */
static void
key_of(struct dp_bl_key *k, uint8_t family, uint32_t i)
{
	uint8_t a[16];
	uint32_t v = htonl(0xc6120000u + i); /* 198.18.0.0/15 and beyond */

	memset(a, 0, sizeof(a));
	if (family == 4) {
		memcpy(a, &v, 4);
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		memcpy(a + 12, &v, 4);
	}
	dp_bl_key_from(k, family, a);
}

static bool
present(const struct dp_bl_key *k)
{
	return rte_hash_lookup(bl->h, k) >= 0;
}

/* The entry's data: expiry | DP_BL_AUTO. Fails the test when absent. */
static uint64_t
data_of(const struct dp_bl_key *k)
{
	void *d = NULL;

	assert_true(rte_hash_lookup_data(bl->h, k, &d) >= 0);
	return (uintptr_t)d;
}

static uint32_t
count(void)
{
	return dp_blocklist_count(&dp);
}

static int
case_setup(void **state)
{
	(void)state;
	bl_use(1024, HZ);
	return 0;
}

static int
case_teardown(void **state)
{
	(void)state;
	dp_blocklist_destroy(bl);
	bl = NULL;
	dp.blocklist = NULL;
	return 0;
}

static void
test_dp_blocklist_insert_lookup(void **state)
{
	struct dp_bl_key a, b, c;
	struct cfg_prefix p;

	(void)state;
	key_of(&a, 4, 1);
	/* The IPv6 key starts with the IPv4 address: a different key all the same. */
	dp_bl_key_from(&b, 6, a.addr);
	b.addr[15] = 0;
	key_of(&c, 6, 1);
	assert_int_equal(dp_blocklist_insert(bl, &a, 100, false), 0);
	assert_true(present(&a));
	assert_false(present(&b));
	assert_false(present(&c));
	assert_int_equal(dp_blocklist_insert(bl, &b, 0, true), 0);
	assert_int_equal(dp_blocklist_insert(bl, &c, 7, false), 0);
	assert_true(present(&b));
	assert_int_equal(data_of(&a), 100);
	assert_int_equal(data_of(&b), DP_BL_AUTO);
	assert_int_equal(data_of(&c), 7);
	assert_int_equal(count(), 3);
	assert_int_equal(bl->st.added, 3);
	assert_int_equal(bl->st.auto_added, 1);

	/* Deleting the IPv4 one leaves the IPv6 ones. */
	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.len = 32;
	memcpy(p.addr, a.addr, 4);
	assert_int_equal(dp_blocklist_del(&dp, &p), 0);
	assert_false(present(&a));
	assert_true(present(&b));
	assert_true(present(&c));
	assert_int_equal(dp_blocklist_del(&dp, &p), -ENOENT);
	p.len = 24;
	assert_int_equal(dp_blocklist_del(&dp, &p), -EINVAL);
	assert_int_equal(bl->st.deleted, 1);
	assert_int_equal(count(), 2);
}

static void
test_dp_blocklist_insert_invalid_family(void **state)
{
	static const uint8_t families[] = { 0, 1, 5, 7, 255 };
	struct dp_bl_key k;

	(void)state;
	for (unsigned int i = 0; i < sizeof(families); i++) {
		key_of(&k, 4, i);
		k.family = families[i];
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), -EINVAL);
		assert_false(present(&k));
	}
	assert_int_equal(count(), 0);
	assert_int_equal(bl->st.added, 0);
	assert_int_equal(bl->st.full, 0);
}

static void
test_dp_blocklist_expire_exact(void **state)
{
	struct dp_bl_key a, b, c, d, e;

	(void)state;
	key_of(&a, 4, 1);
	key_of(&b, 4, 2);
	key_of(&c, 4, 3);
	key_of(&d, 4, 4);
	key_of(&e, 6, 1);
	assert_int_equal(dp_blocklist_insert(bl, &a, 100, false), 0);
	assert_int_equal(dp_blocklist_insert(bl, &b, 200, false), 0);
	assert_int_equal(dp_blocklist_insert(bl, &c, 0, false), 0);
	assert_int_equal(dp_blocklist_insert(bl, &d, 300, true), 0);
	assert_int_equal(dp_blocklist_insert(bl, &e, 150, true), 0);
	assert_int_equal(dp_blocklist_expire(bl, 0), 0);
	assert_int_equal(dp_blocklist_expire(bl, 99), 0);
	assert_int_equal(count(), 5);
	/* An entry expires when its time has come: at 100, not after. */
	assert_int_equal(dp_blocklist_expire(bl, 100), 1);
	assert_false(present(&a));
	assert_int_equal(dp_blocklist_expire(bl, 200), 2);
	assert_false(present(&b));
	assert_false(present(&e));
	assert_true(present(&c));
	assert_true(present(&d));
	assert_int_equal(bl->st.expired, 3);
	assert_int_equal(dp_blocklist_expire(bl, UINT64_MAX >> 2), 1);
	assert_false(present(&d));
	/* Permanent entries stay whatever the time. */
	assert_true(present(&c));
	assert_int_equal(count(), 1);
	assert_int_equal(bl->st.expired, 4);
	assert_int_equal(bl->st.deleted, 0);
	assert_int_equal(dp_blocklist_expire(bl, UINT64_MAX >> 2), 0);
}

static void
test_dp_blocklist_insert_refresh(void **state)
{
	struct dp_bl_key a;

	(void)state;
	key_of(&a, 4, 9);
	assert_int_equal(dp_blocklist_insert(bl, &a, 100, true), 0);
	assert_int_equal(dp_blocklist_insert(bl, &a, 500, false), 0);
	assert_int_equal(count(), 1);
	assert_int_equal(data_of(&a), 500);
	assert_int_equal(dp_blocklist_expire(bl, 300), 0);
	assert_true(present(&a));
	/* Made permanent, then shortened again. */
	assert_int_equal(dp_blocklist_insert(bl, &a, 0, true), 0);
	assert_int_equal(data_of(&a), DP_BL_AUTO);
	assert_int_equal(dp_blocklist_expire(bl, 100000), 0);
	assert_int_equal(dp_blocklist_insert(bl, &a, 100001, false), 0);
	assert_int_equal(dp_blocklist_expire(bl, 100000), 0);
	assert_int_equal(dp_blocklist_expire(bl, 100001), 1);
	assert_int_equal(count(), 0);
}

/* Fill a blocklist of @cap entries, half of them expiring at 100, in a random order. */
static void
fill(uint32_t cap, uint64_t *rng, bool *expiring)
{
	for (uint32_t i = 0; i < cap; i++)
		expiring[i] = i % 2 == 0;
	for (uint32_t i = cap - 1; i > 0; i--) {
		uint32_t j;
		bool t;

		*rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
		j = (uint32_t)((*rng >> 33) % (i + 1));
		t = expiring[i];
		expiring[i] = expiring[j];
		expiring[j] = t;
	}
	for (uint32_t i = 0; i < cap; i++) {
		struct dp_bl_key k;

		key_of(&k, i % 3 == 0 ? 6 : 4, i);
		if (dp_blocklist_insert(bl, &k, expiring[i] ? 100 : 0, false) != 0)
			fail_msg("capacity %u: insert %u refused", cap, i);
	}
}

static void
test_dp_blocklist_capacity(void **state)
{
	static const uint32_t caps[] = { 8, 100, 1000, 4096, 50000 };
	uint64_t rng = seed;

	(void)state;
	for (unsigned int c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		uint32_t cap = caps[c], n_exp = 0, n;
		struct dp_bl_key k, extra;
		bool *expiring;
		int ret;

		bl_use(cap, HZ);
		expiring = calloc(cap, sizeof(*expiring));
		assert_non_null(expiring);
		fill(cap, &rng, expiring);
		assert_int_equal(count(), cap);
		key_of(&extra, 4, cap + 1);
		assert_int_equal(dp_blocklist_insert(bl, &extra, 0, false), -ENOSPC);
		assert_int_equal(dp_blocklist_insert(bl, &extra, 0, true), -ENOSPC);
		assert_int_equal(bl->st.full, 2);
		assert_int_equal(bl->st.added, cap);
		assert_false(present(&extra));
		/* Refreshing an entry needs no room. */
		key_of(&k, 4, 1);
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
		expiring[1] = false;
		for (uint32_t i = 0; i < cap; i++)
			n_exp += expiring[i];

		/* Expiry on a full table removes exactly what has expired. */
		ret = dp_blocklist_expire(bl, 100);
		if (ret != (int)n_exp)
			fail_msg("seed %#llx capacity %u: %d expired, expected %u", seed, cap, ret,
			         n_exp);
		assert_int_equal(count(), cap - n_exp);
		n = 0;
		for (uint32_t i = 0; i < cap; i++) {
			key_of(&k, i % 3 == 0 ? 6 : 4, i);
			n += present(&k) == expiring[i];
		}
		assert_int_equal(n, 0);

		/* Their room is free again, and no more. */
		for (uint32_t i = 0; i < n_exp; i++) {
			key_of(&k, 4, cap + 100 + i);
			assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
		}
		assert_int_equal(dp_blocklist_insert(bl, &extra, 0, false), -ENOSPC);
		assert_int_equal(bl->st.full, 3);

		/* A flush empties a full table, and all of its room can be used again. */
		assert_int_equal(dp_blocklist_flush(&dp), (int)cap);
		assert_int_equal(count(), 0);
		assert_int_equal(bl->st.deleted, cap);
		for (uint32_t i = 0; i < cap; i++) {
			key_of(&k, 6, i + 7);
			assert_int_equal(dp_blocklist_insert(bl, &k, 5, false), 0);
		}
		assert_int_equal(dp_blocklist_insert(bl, &extra, 0, false), -ENOSPC);
		assert_int_equal(dp_blocklist_expire(bl, 5), (int)cap);
		assert_int_equal(count(), 0);
		free(expiring);
	}
}

/* A deleted key's slot waits for a grace period; a full table takes it back to insert. */
static void
test_dp_blocklist_insert_reclaims_pending(void **state)
{
	struct dp_bl_key k;
	int32_t pos;

	(void)state;
	bl_use(64, HZ);
	for (uint32_t i = 0; i < 64; i++) {
		key_of(&k, 4, i);
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	}
	/* Delete the way key_delete() does, leaving the slot pending. */
	for (uint32_t i = 0; i < 3; i++) {
		key_of(&k, 4, i);
		pos = rte_hash_del_key(bl->h, &k);
		assert_true(pos >= 0);
		bl->pending[bl->n_pending++] = pos;
	}
	/* rte_hash counts the pending slots as used until they are freed. */
	key_of(&k, 4, 1);
	assert_false(present(&k));
	key_of(&k, 6, 1000);
	assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	assert_int_equal(bl->n_pending, 0);
	assert_true(present(&k));
	key_of(&k, 6, 1001);
	assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	key_of(&k, 6, 1002);
	assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	key_of(&k, 6, 1003);
	assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), -ENOSPC);
	assert_int_equal(bl->st.full, 1);
	assert_int_equal(count(), 64);
}

/* Deletions one at a time through the control API: each one's room is usable at once. */
static void
test_dp_blocklist_del_reinsert(void **state)
{
	struct cfg_prefix p;
	struct dp_bl_key k;

	(void)state;
	bl_use(16, HZ);
	for (uint32_t i = 0; i < 16; i++) {
		key_of(&k, 4, i);
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	}
	for (uint32_t round = 0; round < 100; round++) {
		memset(&p, 0, sizeof(p));
		p.family = 4;
		p.len = 32;
		key_of(&k, 4, round);
		memcpy(p.addr, k.addr, 4);
		assert_int_equal(dp_blocklist_del(&dp, &p), 0);
		key_of(&k, 4, round + 16);
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
		assert_int_equal(count(), 16);
	}
	assert_int_equal(bl->st.deleted, 100);
	assert_int_equal(bl->st.full, 0);
}

struct seen {
	unsigned int n;
	struct dp_blocklist_entry e[8];
};

static int
collect(const struct dp_blocklist_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static int
stop_at_first(const struct dp_blocklist_entry *e, void *arg)
{
	(void)e;
	(*(unsigned int *)arg)++;
	return 1;
}

static const struct dp_blocklist_entry *
seen_find(const struct seen *s, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < s->n && i < 8; i++)
		if (s->e[i].addr.family == family &&
		    memcmp(s->e[i].addr.addr, addr, family == 4 ? 4 : 16) == 0)
			return &s->e[i];
	return NULL;
}

/* The operator's side: add with a TTL, walk, stats; expiry counted in seconds of the TSC. */
static void
test_dp_blocklist_add_walk(void **state)
{
	uint64_t hz = rte_get_tsc_hz();
	const struct dp_blocklist_entry *e;
	struct dp_blocklist_stats st;
	struct cfg_prefix p4, p6, net;
	struct dp_bl_key k, old;
	struct seen s;
	unsigned int n = 0;

	(void)state;
	bl_use(128, hz);
	memset(&p4, 0, sizeof(p4));
	p4.family = 4;
	p4.len = 32;
	assert_int_equal(inet_pton(AF_INET, "198.51.100.7", p4.addr), 1);
	memset(&p6, 0, sizeof(p6));
	p6.family = 6;
	p6.len = 128;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::7", p6.addr), 1);
	net = p4;
	net.len = 24;
	net.addr[3] = 0;
	assert_int_equal(dp_blocklist_add(&dp, &p4, 10), 0);
	assert_int_equal(dp_blocklist_add(&dp, &p6, 0), 0);
	assert_int_equal(dp_blocklist_add(&dp, &net, 10), -EINVAL);
	assert_int_equal(dp_blocklist_add(&dp, &p4, 30u * 24 * 3600 + 1), -EINVAL);
	key_of(&k, 4, 5);
	assert_int_equal(dp_blocklist_insert(bl, &k, rte_get_tsc_cycles() + 60 * hz, true), 0);
	/* Already expired but not yet removed: not shown. */
	key_of(&old, 4, 6);
	assert_int_equal(dp_blocklist_insert(bl, &old, 1, false), 0);
	assert_int_equal(count(), 4);
	assert_int_equal(dp_blocklist_capacity(&dp), 128);

	memset(&s, 0, sizeof(s));
	assert_int_equal(dp_blocklist_walk(&dp, collect, &s), 3);
	assert_int_equal(s.n, 3);
	e = seen_find(&s, 4, p4.addr);
	assert_non_null(e);
	assert_int_equal(e->addr.len, 32);
	assert_false(e->permanent);
	assert_false(e->automatic);
	assert_true(e->ttl_left >= 9 && e->ttl_left <= 10);
	e = seen_find(&s, 6, p6.addr);
	assert_non_null(e);
	assert_int_equal(e->addr.len, 128);
	assert_true(e->permanent);
	assert_int_equal(e->ttl_left, 0);
	e = seen_find(&s, 4, k.addr);
	assert_non_null(e);
	assert_true(e->automatic);
	assert_true(e->ttl_left >= 59 && e->ttl_left <= 60);
	assert_null(seen_find(&s, 4, old.addr));
	assert_int_equal(dp_blocklist_walk(&dp, stop_at_first, &n), 1);
	assert_int_equal(n, 1);

	dp_blocklist_stats_get(&dp, &st);
	assert_int_equal(st.added, 4);
	assert_int_equal(st.auto_added, 1);
	assert_int_equal(st.full, 0);
	assert_int_equal(dp_blocklist_flush(&dp), 4);
	dp_blocklist_stats_get(&dp, &st);
	assert_int_equal(st.deleted, 4);
	assert_int_equal(dp_blocklist_walk(&dp, collect, &s), 0);
}

static void
test_dp_blocklist_create_refused(void **state)
{
	struct dp_blocklist *b;

	(void)state;
	errno = 0;
	b = bl_create(0, HZ);
	assert_null(b);
	assert_true(errno != 0);
	errno = 0;
	b = bl_create(4, HZ);
	assert_null(b);
	assert_true(errno != 0);
	dp_blocklist_destroy(NULL);
	/* The smallest that works. */
	b = bl_create(8, HZ);
	assert_non_null(b);
	dp_blocklist_destroy(b);
}

static int
setup(void **state)
{
	(void)state;
	seed = eal_fixture_seed();
	return eal_fixture_start("blocklist", 256);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, case_setup, case_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_dp_blocklist_insert_lookup),
		CASE(test_dp_blocklist_insert_invalid_family),
		CASE(test_dp_blocklist_expire_exact),
		CASE(test_dp_blocklist_insert_refresh),
		CASE(test_dp_blocklist_capacity),
		CASE(test_dp_blocklist_insert_reclaims_pending),
		CASE(test_dp_blocklist_del_reinsert),
		CASE(test_dp_blocklist_add_walk),
		CASE(test_dp_blocklist_create_refused),
	};

	return cmocka_run_group_tests_name("dataplane_blocklist", tests, setup, eal_fixture_teardown);
}
