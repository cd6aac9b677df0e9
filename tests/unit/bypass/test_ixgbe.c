/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ixgbe bypass driver against a pretend adapter: the rte_pmd_ixgbe_bypass_*() calls are
 * replaced at link time (-Wl,--wrap), so no EAL and no adapter are needed. Checks that probe
 * finds each link pair's controlling port (the adapter's first function, whichever side of the
 * pair it is) and sets the watchdog step and the fail-open events there, that each state maps
 * to its mode, that a relay the adapter's watchdog threw reads as a watchdog bypass, and that
 * errors come back with a sentence.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_pmd_ixgbe.h>

#include "byp.h"

#define PORTS 6

/*
 * The pretend ports, one per DPDK port id: two adapters, the first with its controller on
 * port 0 (paired with 1), the second on port 2 (paired with 3, which comes first in its link
 * pair); ports 4 and 5 are not ixgbe ports at all (af_packet, say).
 */
static struct {
	bool ixgbe;      /* the ixgbe PMD drives it */
	bool controller; /* the adapter's first function: the bypass calls work here */
	bool init;
	uint32_t mode;
	uint32_t timeout;
	uint32_t event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_NUM];
	unsigned int resets;
} hw[PORTS];

int
__wrap_rte_pmd_ixgbe_bypass_init(uint16_t port);
int
__wrap_rte_pmd_ixgbe_bypass_state_show(uint16_t port, uint32_t *state);
int
__wrap_rte_pmd_ixgbe_bypass_state_set(uint16_t port, uint32_t *new_state);
int
__wrap_rte_pmd_ixgbe_bypass_event_store(uint16_t port, uint32_t event, uint32_t state);
int
__wrap_rte_pmd_ixgbe_bypass_wd_timeout_store(uint16_t port, uint32_t timeout);
int
__wrap_rte_pmd_ixgbe_bypass_wd_reset(uint16_t port);

int
__wrap_rte_pmd_ixgbe_bypass_init(uint16_t port)
{
	if (port >= PORTS)
		return -ENODEV;
	if (!hw[port].ixgbe)
		return -ENOTSUP;
	/* The PMD logs and returns nothing on a function without the controller. */
	hw[port].init = true;
	return 0;
}

/* What each bypass call answers first, as the PMD does: a port without the controller (or
 * not yet given init) has no bypass operations. */
static int
hw_check(uint16_t port)
{
	if (port >= PORTS)
		return -ENODEV;
	if (!hw[port].ixgbe)
		return -ENOTSUP;
	return hw[port].init && hw[port].controller ? 0 : -ENOTSUP;
}

int
__wrap_rte_pmd_ixgbe_bypass_state_show(uint16_t port, uint32_t *state)
{
	if (hw_check(port) < 0)
		return hw_check(port);
	*state = hw[port].mode;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_state_set(uint16_t port, uint32_t *new_state)
{
	if (hw_check(port) < 0)
		return hw_check(port);
	if (!RTE_PMD_IXGBE_BYPASS_MODE_VALID(*new_state))
		return -EINVAL;
	hw[port].mode = *new_state;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_event_store(uint16_t port, uint32_t event, uint32_t state)
{
	if (hw_check(port) < 0)
		return hw_check(port);
	if (event >= RTE_PMD_IXGBE_BYPASS_EVENT_NUM)
		return -EINVAL;
	hw[port].event_mode[event] = state;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_wd_timeout_store(uint16_t port, uint32_t timeout)
{
	if (hw_check(port) < 0)
		return hw_check(port);
	if (!RTE_PMD_IXGBE_BYPASS_TMT_VALID(timeout))
		return -EINVAL;
	hw[port].timeout = timeout;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_wd_reset(uint16_t port)
{
	if (hw_check(port) < 0)
		return hw_check(port);
	hw[port].resets++;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	memset(hw, 0, sizeof(hw));
	for (unsigned int p = 0; p < 4; p++)
		hw[p].ixgbe = true;
	hw[0].controller = hw[2].controller = true;
	hw[0].mode = hw[2].mode = RTE_PMD_IXGBE_BYPASS_MODE_BYPASS; /* as a new adapter is */
	return 0;
}

/* A driver for @n link pairs, the ports of pair i being @ports[2i] and @ports[2i + 1]. */
static struct byp_driver *
created(unsigned int watchdog_ms, unsigned int n, const uint16_t *ports)
{
	struct byp_ixgbe_conf c = { .watchdog_ms = watchdog_ms, .n_pairs = n };
	struct byp_driver *d;

	for (unsigned int i = 0; i < n; i++) {
		snprintf(c.pairs[i].name, sizeof(c.pairs[i].name), "lp%u", i);
		c.pairs[i].ports[0] = ports[2 * i];
		c.pairs[i].ports[1] = ports[2 * i + 1];
	}
	d = byp_drv_ixgbe_create(&c);
	assert_non_null(d);
	assert_string_equal(d->ops->name, "ixgbe");
	return d;
}

static struct byp_driver *
probed(unsigned int watchdog_ms, unsigned int n, const uint16_t *ports)
{
	struct byp_driver *d = created(watchdog_ms, n, ports);
	char err[256] = "";

	assert_int_equal(d->ops->probe(d, err, sizeof(err)), 0);
	return d;
}

/* Probe fails with @want and a sentence containing @says. */
static void
probe_fails(unsigned int n, const uint16_t *ports, int want, const char *says)
{
	struct byp_driver *d = created(20, n, ports);
	struct byp_drv_status st;
	char err[256] = "";

	assert_int_equal(d->ops->probe(d, err, sizeof(err)), want);
	if (strstr(err, says) == NULL)
		fail_msg("probe said \"%s\", not \"%s\"", err, says);
	/* A driver that did not probe drives nothing. */
	assert_int_equal(d->ops->status(d, &st), -ENODEV);
	assert_int_equal(d->ops->engage(d), -ENODEV);
	byp_driver_release(d);
}

static void
test_ixgbe_timeout_steps(void **state)
{
	(void)state;
	assert_int_equal(byp_ixgbe_timeout(0), RTE_PMD_IXGBE_BYPASS_TMT_OFF);
	assert_int_equal(byp_ixgbe_timeout(20), RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC);
	assert_int_equal(byp_ixgbe_timeout(1500), RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC);
	assert_int_equal(byp_ixgbe_timeout(1501), RTE_PMD_IXGBE_BYPASS_TMT_2_SEC);
	assert_int_equal(byp_ixgbe_timeout(5000), RTE_PMD_IXGBE_BYPASS_TMT_8_SEC);
	assert_int_equal(byp_ixgbe_timeout(32000), RTE_PMD_IXGBE_BYPASS_TMT_32_SEC);
	assert_int_equal(byp_ixgbe_timeout(32001), -ERANGE);
	assert_int_equal(byp_ixgbe_timeout_ms(RTE_PMD_IXGBE_BYPASS_TMT_3_SEC), 3000);
	assert_int_equal(byp_ixgbe_timeout_ms(99), 0);
}

static void
test_ixgbe_probe_finds_controllers(void **state)
{
	/* lp0: upstream 0 (the controller), protected 1; lp1: upstream 3, protected 2 (the
	 * controller). */
	static const uint16_t ports[] = { 0, 1, 3, 2 };
	struct byp_drv_status st;
	struct byp_driver *d;

	(void)state;
	d = probed(20, 2, ports);
	/* The search stops at the controller: lp0's protected port is left alone. */
	assert_true(hw[0].init);
	assert_false(hw[1].init);
	assert_true(hw[3].init);
	assert_true(hw[2].init);
	for (unsigned int p = 0; p < 4; p += 2) {
		assert_int_equal(hw[p].timeout, RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_TIMEOUT],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_POWER_OFF],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_OS_OFF],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		/* Probe leaves the relay as it found it. */
		assert_int_equal(hw[p].mode, RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
	}
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_BYPASS);
	assert_non_null(strstr(st.detail, "2 adapters, hardware watchdog 1500 ms"));
	/* Every state goes to both controllers, and only there. */
	assert_int_equal(d->ops->arm(d, 0), 0);
	assert_int_equal(hw[0].mode, RTE_PMD_IXGBE_BYPASS_MODE_NORMAL);
	assert_int_equal(hw[2].mode, RTE_PMD_IXGBE_BYPASS_MODE_NORMAL);
	assert_int_equal(hw[1].resets + hw[3].resets, 0);
	assert_int_equal(hw[0].resets, 1);
	assert_int_equal(hw[2].resets, 1);
	byp_driver_release(d);
}

static void
test_ixgbe_states_map_to_modes(void **state)
{
	static const uint16_t ports[] = { 1, 0 };
	struct byp_drv_status st;
	struct byp_driver *d;

	(void)state;
	d = probed(3000, 1, ports);
	assert_int_equal(d->ops->arm(d, 0), 0);
	assert_int_equal(d->ops->engage(d), 0);
	assert_int_equal(hw[0].mode, RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_BYPASS);
	assert_false(st.by_watchdog);
	assert_int_equal(d->ops->disconnect(d), 0);
	assert_int_equal(hw[0].mode, RTE_PMD_IXGBE_BYPASS_MODE_ISOLATE);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_DISCONNECT);
	assert_int_equal(d->ops->arm(d, 0), 0);
	assert_int_equal(hw[0].mode, RTE_PMD_IXGBE_BYPASS_MODE_NORMAL);
	/* Arm kicks the watchdog before it puts the relay inline. */
	assert_int_equal(hw[0].resets, 2);
	assert_int_equal(hw[1].mode, 0);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_INLINE);
	assert_non_null(strstr(st.detail, "hardware watchdog 3000 ms"));
	byp_driver_release(d);
}

static void
test_ixgbe_watchdog_fired_seen(void **state)
{
	static const uint16_t ports[] = { 3, 2 };
	struct byp_drv_status st;
	struct byp_driver *d;

	(void)state;
	d = probed(20, 1, ports);
	assert_int_equal(d->ops->arm(d, 0), 0);
	d->ops->heartbeat(d, 0);
	d->ops->heartbeat(d, 0);
	assert_int_equal(hw[2].resets, 3);
	/* The adapter's watchdog throws the relay. */
	hw[2].mode = RTE_PMD_IXGBE_BYPASS_MODE_BYPASS;
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_BYPASS);
	assert_true(st.by_watchdog);
	assert_non_null(strstr(st.detail, "kicks 2, skipped 0"));
	byp_driver_release(d);
}

static void
test_ixgbe_no_watchdog_no_kicks(void **state)
{
	static const uint16_t ports[] = { 0, 1 };
	struct byp_driver *d;

	(void)state;
	d = probed(0, 1, ports);
	assert_int_equal(hw[0].timeout, RTE_PMD_IXGBE_BYPASS_TMT_OFF);
	d->ops->heartbeat(d, 0);
	assert_int_equal(d->ops->arm(d, 0), 0);
	assert_int_equal(hw[0].resets, 0);
	byp_driver_release(d);
}

static void
test_ixgbe_errors(void **state)
{
	static const uint16_t not_ixgbe[] = { 4, 5 };
	static const uint16_t no_controller[] = { 1, 3 };
	static const uint16_t half[] = { 1, 4 };
	static const uint16_t no_port[] = { 9, 1 };
	static const uint16_t shared[] = { 0, 1, 1, 0 };
	static const uint16_t good[] = { 0, 1 };
	struct byp_ixgbe_conf c = { .watchdog_ms = 60000, .n_pairs = 1 };
	struct byp_driver *d;
	char err[256] = "";

	(void)state;
	probe_fails(1, not_ixgbe, -ENOTSUP, "link pair lp0: ports 4 and 5 are not ixgbe ports");
	probe_fails(1, no_controller, -ENOTSUP,
	            "link pair lp0: neither port 1 nor port 3 reaches a bypass controller");
	probe_fails(1, half, -ENOTSUP, "neither port 1 nor port 4");
	probe_fails(1, no_port, -ENODEV, "link pair lp0: port 9: rte_pmd_ixgbe_bypass_init: ");
	probe_fails(2, shared, -EINVAL,
	            "link pairs lp0 and lp1 reach the same bypass controller (port 0)");

	/* Beyond the adapter's longest watchdog step. */
	c.pairs[0].ports[0] = good[0];
	c.pairs[0].ports[1] = good[1];
	d = byp_drv_ixgbe_create(&c);
	assert_non_null(d);
	assert_int_equal(d->ops->probe(d, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "longer than the adapter's longest watchdog"));
	byp_driver_release(d);

	c.n_pairs = 0;
	assert_null(byp_drv_ixgbe_create(&c));
	c.n_pairs = BYP_IXGBE_MAX_PAIRS + 1;
	assert_null(byp_drv_ixgbe_create(&c));
	assert_null(byp_drv_ixgbe_create(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ixgbe_timeout_steps, setup),
		cmocka_unit_test_setup(test_ixgbe_probe_finds_controllers, setup),
		cmocka_unit_test_setup(test_ixgbe_states_map_to_modes, setup),
		cmocka_unit_test_setup(test_ixgbe_watchdog_fired_seen, setup),
		cmocka_unit_test_setup(test_ixgbe_no_watchdog_no_kicks, setup),
		cmocka_unit_test_setup(test_ixgbe_errors, setup),
	};

	return cmocka_run_group_tests_name("bypass_ixgbe", tests, NULL, NULL);
}
