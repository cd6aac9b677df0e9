/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ixgbe bypass driver against a pretend adapter: the rte_pmd_ixgbe_bypass_*() calls are
 * replaced at link time (-Wl,--wrap), so no EAL and no adapter are needed. Checks that probe
 * sets the watchdog step and the fail-open events, that each state maps to its mode, that a
 * relay the adapter's watchdog threw reads as a watchdog bypass, and that errors come back.
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

#define PORTS 4

/* The pretend adapters, one per DPDK port id. */
static struct {
	bool init;
	uint32_t mode;
	uint32_t timeout;
	uint32_t event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_NUM];
	unsigned int resets;
} hw[PORTS];
static int fail_init; /* -errno returned by init */

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
	if (fail_init)
		return fail_init;
	hw[port].init = true;
	hw[port].mode = RTE_PMD_IXGBE_BYPASS_MODE_NORMAL;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_state_show(uint16_t port, uint32_t *state)
{
	if (port >= PORTS || !hw[port].init)
		return -EINVAL;
	*state = hw[port].mode;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_state_set(uint16_t port, uint32_t *new_state)
{
	if (port >= PORTS || !hw[port].init || !RTE_PMD_IXGBE_BYPASS_MODE_VALID(*new_state))
		return -EINVAL;
	hw[port].mode = *new_state;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_event_store(uint16_t port, uint32_t event, uint32_t state)
{
	if (port >= PORTS || !hw[port].init || event >= RTE_PMD_IXGBE_BYPASS_EVENT_NUM)
		return -EINVAL;
	hw[port].event_mode[event] = state;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_wd_timeout_store(uint16_t port, uint32_t timeout)
{
	if (port >= PORTS || !hw[port].init || !RTE_PMD_IXGBE_BYPASS_TMT_VALID(timeout))
		return -EINVAL;
	hw[port].timeout = timeout;
	return 0;
}

int
__wrap_rte_pmd_ixgbe_bypass_wd_reset(uint16_t port)
{
	if (port >= PORTS || !hw[port].init)
		return -EINVAL;
	hw[port].resets++;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	memset(hw, 0, sizeof(hw));
	fail_init = 0;
	return 0;
}

static struct byp_driver *
probed(unsigned int watchdog_ms, unsigned int n, const uint16_t *ports)
{
	struct byp_ixgbe_conf c = { .watchdog_ms = watchdog_ms, .n_ports = n };
	struct byp_driver *d;
	char err[128] = "";

	memcpy(c.ports, ports, n * sizeof(*ports));
	d = byp_drv_ixgbe_create(&c);
	assert_non_null(d);
	assert_string_equal(d->ops->name, "ixgbe");
	assert_int_equal(d->ops->probe(d, err, sizeof(err)), 0);
	return d;
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
test_ixgbe_probe_sets_watchdog_and_events(void **state)
{
	static const uint16_t ports[] = { 0, 2 };
	struct byp_driver *d;

	(void)state;
	d = probed(20, 2, ports);
	for (unsigned int i = 0; i < 2; i++) {
		uint16_t p = ports[i];

		assert_true(hw[p].init);
		assert_int_equal(hw[p].timeout, RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_TIMEOUT],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_POWER_OFF],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		assert_int_equal(hw[p].event_mode[RTE_PMD_IXGBE_BYPASS_EVENT_OS_OFF],
		                 RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		/* Probe leaves the relay as it found it. */
		assert_int_equal(hw[p].mode, RTE_PMD_IXGBE_BYPASS_MODE_NORMAL);
	}
	assert_false(hw[1].init);
	byp_driver_release(d);
}

static void
test_ixgbe_states_map_to_modes(void **state)
{
	static const uint16_t ports[] = { 1 };
	struct byp_drv_status st;
	struct byp_driver *d;

	(void)state;
	d = probed(3000, 1, ports);
	assert_int_equal(d->ops->engage(d), 0);
	assert_int_equal(hw[1].mode, RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_BYPASS);
	assert_false(st.by_watchdog);
	assert_int_equal(d->ops->disconnect(d), 0);
	assert_int_equal(hw[1].mode, RTE_PMD_IXGBE_BYPASS_MODE_ISOLATE);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_DISCONNECT);
	assert_int_equal(d->ops->arm(d, 0), 0);
	assert_int_equal(hw[1].mode, RTE_PMD_IXGBE_BYPASS_MODE_NORMAL);
	/* Arm kicks the watchdog before it puts the relay inline. */
	assert_int_equal(hw[1].resets, 1);
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_INLINE);
	assert_non_null(strstr(st.detail, "hardware watchdog 3000 ms"));
	byp_driver_release(d);
}

static void
test_ixgbe_watchdog_fired_seen(void **state)
{
	static const uint16_t ports[] = { 3 };
	struct byp_drv_status st;
	struct byp_driver *d;

	(void)state;
	d = probed(20, 1, ports);
	assert_int_equal(d->ops->arm(d, 0), 0);
	d->ops->heartbeat(d, 0);
	d->ops->heartbeat(d, 0);
	assert_int_equal(hw[3].resets, 3);
	/* The adapter's watchdog throws the relay. */
	hw[3].mode = RTE_PMD_IXGBE_BYPASS_MODE_BYPASS;
	assert_int_equal(d->ops->status(d, &st), 0);
	assert_int_equal(st.state, BYP_STATE_BYPASS);
	assert_true(st.by_watchdog);
	assert_non_null(strstr(st.detail, "kicks 2, skipped 0"));
	byp_driver_release(d);
}

static void
test_ixgbe_no_watchdog_no_kicks(void **state)
{
	static const uint16_t ports[] = { 0 };
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
	struct byp_ixgbe_conf c = { .watchdog_ms = 20, .n_ports = 1, .ports = { 0 } };
	struct byp_drv_status st;
	struct byp_driver *d;
	char err[160] = "";

	(void)state;
	fail_init = -ENOTSUP;
	d = byp_drv_ixgbe_create(&c);
	assert_int_equal(d->ops->probe(d, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "not a bypass adapter"));
	byp_driver_release(d);

	fail_init = 0;
	c.watchdog_ms = 60000;
	d = byp_drv_ixgbe_create(&c);
	assert_int_equal(d->ops->probe(d, err, sizeof(err)), -ERANGE);
	byp_driver_release(d);

	c.watchdog_ms = 20;
	c.ports[0] = 9; /* no such port */
	d = byp_drv_ixgbe_create(&c);
	assert_int_equal(d->ops->probe(d, err, sizeof(err)), -ENODEV);
	assert_int_equal(d->ops->status(d, &st), -EINVAL);
	byp_driver_release(d);

	c.n_ports = 0;
	assert_null(byp_drv_ixgbe_create(&c));
	c.n_ports = BYP_IXGBE_MAX_PORTS + 1;
	assert_null(byp_drv_ixgbe_create(&c));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ixgbe_timeout_steps, setup),
		cmocka_unit_test_setup(test_ixgbe_probe_sets_watchdog_and_events, setup),
		cmocka_unit_test_setup(test_ixgbe_states_map_to_modes, setup),
		cmocka_unit_test_setup(test_ixgbe_watchdog_fired_seen, setup),
		cmocka_unit_test_setup(test_ixgbe_no_watchdog_no_kicks, setup),
		cmocka_unit_test_setup(test_ixgbe_errors, setup),
	};

	return cmocka_run_group_tests_name("bypass_ixgbe", tests, NULL, NULL);
}
