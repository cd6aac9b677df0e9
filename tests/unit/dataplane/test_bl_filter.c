/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The blocklist's filter: every key on the list has its bit set, a key's bit is cleared when
 * the last key that needs it leaves, and keys that share a bit keep it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_hash.h>

#include "dp_priv.h"

static void
key4(struct dp_bl_key *k, uint32_t a)
{
	uint32_t be = rte_cpu_to_be_32(a);

	dp_bl_key_from(k, 4, (const uint8_t *)&be);
}

static bool
filtered_in(const struct dp_blocklist *bl, const struct dp_bl_key *k)
{
	return dp_bl_filter_test(bl, dp_bl_filter_bit(bl, k));
}

static void
test_bits_follow_the_keys(void **state)
{
	struct dp_blocklist *bl = dp_blocklist_create("t_blf1", 4096, SOCKET_ID_ANY, 1000);
	struct dp_bl_key k, other;
	unsigned int set = 0;

	(void)state;
	assert_non_null(bl);
	for (uint32_t i = 0; i < 4096; i++) {
		key4(&k, 0xC6336400u + i);
		assert_false(filtered_in(bl, &k));
	}
	/* Entries that expire at tick 10, and one that never does. */
	for (uint32_t i = 0; i < 1000; i++) {
		key4(&k, 0xC6336400u + i);
		assert_int_equal(dp_blocklist_insert(bl, &k, 10, false), 0);
		assert_true(filtered_in(bl, &k));
		/* Inserting again (a refresh) must not count the key twice. */
		assert_int_equal(dp_blocklist_insert(bl, &k, 10, false), 0);
	}
	key4(&k, 0xCB007101u);
	assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
	for (uint32_t i = 1000; i < 4096; i++) {
		key4(&other, 0xC6336400u + i);
		set += filtered_in(bl, &other);
	}
	/* 65536 bits for 1001 keys: few bystanders share a bit. */
	assert_true(set < 200);
	assert_int_equal(dp_blocklist_expire(bl, 11), 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		key4(&other, 0xC6336400u + i);
		if (dp_bl_filter_bit(bl, &other) != dp_bl_filter_bit(bl, &k))
			assert_false(filtered_in(bl, &other));
	}
	assert_true(filtered_in(bl, &k));
	dp_blocklist_destroy(bl);
}

static void
test_shared_bit_stays(void **state)
{
	struct dp_blocklist *bl = dp_blocklist_create("t_blf2", 1024, SOCKET_ID_ANY, 1000);
	struct dp_bl_key a, b;
	uint32_t x = 0x0A000001u;

	(void)state;
	assert_non_null(bl);
	key4(&a, x);
	/* Find another address with the same bit. */
	for (uint32_t y = x + 1;; y++) {
		key4(&b, y);
		if (dp_bl_filter_bit(bl, &b) == dp_bl_filter_bit(bl, &a))
			break;
	}
	assert_int_equal(dp_blocklist_insert(bl, &a, 5, false), 0);
	assert_int_equal(dp_blocklist_insert(bl, &b, 50, false), 0);
	assert_int_equal(dp_blocklist_expire(bl, 6), 1); /* a leaves, b needs the bit */
	assert_true(filtered_in(bl, &b));
	assert_int_equal(dp_blocklist_expire(bl, 51), 1);
	assert_false(filtered_in(bl, &b));
	assert_false(filtered_in(bl, &a));
	dp_blocklist_destroy(bl);
}

static void
test_ipv6_keys(void **state)
{
	struct dp_blocklist *bl = dp_blocklist_create("t_blf3", 1024, SOCKET_ID_ANY, 1000);
	uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct dp_bl_key k;

	(void)state;
	assert_non_null(bl);
	for (unsigned int i = 0; i < 100; i++) {
		addr[15] = (uint8_t)i;
		addr[8] = (uint8_t)(i * 7);
		dp_bl_key_from(&k, 6, addr);
		assert_int_equal(dp_blocklist_insert(bl, &k, 0, false), 0);
		assert_true(filtered_in(bl, &k));
	}
	dp_blocklist_destroy(bl);
}

int
main(void)
{
	char *eal[] = { "test_bl_filter",
		        "--no-huge",
		        "--no-pci",
		        "--no-telemetry",
		        "--no-shconf",
		        "-m",
		        "128",
		        "--log-level=lib.eal:error",
		        NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_follow_the_keys),
		cmocka_unit_test(test_shared_bit_stays),
		cmocka_unit_test(test_ipv6_keys),
	};

	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
