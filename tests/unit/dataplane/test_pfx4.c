/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_pfx4: the IPv4 prefix sets of the allow and deny lists, against a plain scan of the
 * prefixes on addresses chosen at and around every prefix's edges and at random.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>

#include "dp_priv.h"

static struct cfg_prefix
pfx(uint32_t addr, unsigned int len)
{
	struct cfg_prefix p;
	uint32_t m = len ? ~0u << (32 - len) : 0, a = rte_cpu_to_be_32(addr & m);

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.len = (uint8_t)len;
	memcpy(p.addr, &a, 4);
	return p;
}

static bool
scan(const struct cfg_prefix *list, size_t n, uint32_t addr)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t a, m = list[i].len ? ~0u << (32 - list[i].len) : 0;

		if (list[i].family != 4)
			continue;
		memcpy(&a, list[i].addr, 4);
		if ((addr & m) == rte_be_to_cpu_32(a))
			return true;
	}
	return false;
}

static uint64_t rng_state = 12345;

static uint32_t
rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 32);
}

static void
check_against_scan(const struct cfg_prefix *list, size_t n)
{
	struct dp_pfx4 *s = dp_pfx4_create(list, n, SOCKET_ID_ANY);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		uint32_t a, span;

		if (list[i].family != 4)
			continue;
		memcpy(&a, list[i].addr, 4);
		a = rte_be_to_cpu_32(a);
		span = list[i].len ? (uint32_t)((1ull << (32 - list[i].len)) - 1) : UINT32_MAX;
		/* First, last, and the addresses just outside. */
		assert_int_equal(dp_pfx4_lookup(s, a), scan(list, n, a));
		assert_int_equal(dp_pfx4_lookup(s, a + span), scan(list, n, a + span));
		assert_int_equal(dp_pfx4_lookup(s, a - 1), scan(list, n, a - 1));
		assert_int_equal(dp_pfx4_lookup(s, a + span + 1), scan(list, n, a + span + 1));
	}
	for (unsigned int i = 0; i < 20000; i++) {
		uint32_t a = rnd();

		assert_int_equal(dp_pfx4_lookup(s, a), scan(list, n, a));
	}
	dp_pfx4_free(s);
}

static void
test_empty_set(void **state)
{
	struct dp_pfx4 *s = dp_pfx4_create(NULL, 0, SOCKET_ID_ANY);

	(void)state;
	assert_non_null(s);
	assert_false(dp_pfx4_lookup(s, 0));
	assert_false(dp_pfx4_lookup(s, 0xC6336401u));
	assert_false(dp_pfx4_lookup(s, UINT32_MAX));
	dp_pfx4_free(s);
	dp_pfx4_free(NULL);
}

static void
test_every_length(void **state)
{
	struct cfg_prefix list[66];
	size_t n = 0;

	(void)state;
	/* Every length from /1 to /32, at addresses that overlap one another, plus IPv6. */
	for (unsigned int len = 1; len <= 32; len++)
		list[n++] = pfx(0xC6336400u + (len << 3) + (len << 20), len);
	for (unsigned int len = 8; len <= 32; len += 4)
		list[n++] = pfx(0xCB007100u ^ (len * 0x01010101u), len);
	memset(&list[n], 0, sizeof(list[n]));
	list[n].family = 6;
	list[n++].len = 0; /* ::/0 is not an IPv4 prefix: ignored */
	check_against_scan(list, n);
}

static void
test_long_then_short(void **state)
{
	/* A /32 and a /25 inside a /24 that a later /24 covers whole, and the reverse order. */
	struct cfg_prefix a[] = { pfx(0xC6336405u, 32), pfx(0xC6336480u, 25), pfx(0xC6336400u, 24),
		                  pfx(0xCB007100u, 24), pfx(0xCB007101u, 32), pfx(0xCB0071FFu, 32),
		                  pfx(0xCB0072FEu, 31) };
	struct dp_pfx4 *s;

	(void)state;
	check_against_scan(a, RTE_DIM(a));
	s = dp_pfx4_create(a, RTE_DIM(a), SOCKET_ID_ANY);
	assert_non_null(s);
	assert_true(dp_pfx4_lookup(s, 0xC6336400u));
	assert_true(dp_pfx4_lookup(s, 0xC63364FFu));
	assert_false(dp_pfx4_lookup(s, 0xC6336500u));
	assert_true(dp_pfx4_lookup(s, 0xCB0072FEu));
	assert_true(dp_pfx4_lookup(s, 0xCB0072FFu));
	assert_false(dp_pfx4_lookup(s, 0xCB0072FDu));
	assert_false(dp_pfx4_lookup(s, 0xCB007300u));
	dp_pfx4_free(s);
}

static void
test_random_sets(void **state)
{
	size_t n = 3000;
	struct cfg_prefix *list = calloc(n, sizeof(*list));

	(void)state;
	assert_non_null(list);
	for (size_t i = 0; i < n; i++) {
		/* Clustered in one /12 so that prefixes overlap and /24s are shared. */
		uint32_t a = 0xC6300000u | (rnd() & 0x000fffffu);

		list[i] = pfx(a, 12 + rnd() % 21);
	}
	check_against_scan(list, n);
	free(list);
}

int
main(void)
{
	char *eal[] = { "test_pfx4",   "--no-huge", "--no-pci", "--no-telemetry",
		        "--no-shconf", "-m",        "64",       "--log-level=lib.eal:error",
		        NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_long_then_short),
		cmocka_unit_test(test_random_sets),
	};

	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
