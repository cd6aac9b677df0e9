/* SPDX-License-Identifier: BSD-3-Clause */
/* The bypass vocabulary: states, reasons and events by the names operators read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "byp.h"

static void
test_byp_state_name_every_state(void **state)
{
	(void)state;
	assert_string_equal(byp_state_name(BYP_STATE_INLINE), "inline");
	assert_string_equal(byp_state_name(BYP_STATE_BYPASS), "bypass");
	assert_string_equal(byp_state_name(BYP_STATE_DISCONNECT), "disconnect");
	assert_string_equal(byp_state_name((enum byp_state)42), "unknown");
}

static void
test_byp_reason_name_round_trip(void **state)
{
	static const char *const names[] = {
		"watchdog", "max-flaps", "operator", "start-up", "link-failure", "stop",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int r = byp_reason_parse(names[i]);

		assert_true(r > BYP_REASON_NONE);
		assert_string_equal(byp_reason_name((enum byp_reason)r), names[i]);
	}
	assert_string_equal(byp_reason_name(BYP_REASON_NONE), "none");
	assert_string_equal(byp_reason_name(BYP_REASON__MAX), "unknown");
	assert_int_equal(byp_reason_parse("none"), -EINVAL);
	assert_int_equal(byp_reason_parse("Watchdog"), -EINVAL);
	assert_int_equal(byp_reason_parse(""), -EINVAL);
}

static void
test_byp_event_name_every_event(void **state)
{
	(void)state;
	assert_string_equal(byp_event_name(BYP_EV_ENGAGE), "engage");
	assert_string_equal(byp_event_name(BYP_EV_WATCHDOG), "watchdog");
	assert_string_equal(byp_event_name(BYP_EV_TICK), "auto-rearm");
	assert_string_equal(byp_event_name(BYP_EV_STOP), "stop");
	assert_string_equal(byp_event_name(BYP_EV__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byp_state_name_every_state),
		cmocka_unit_test(test_byp_reason_name_round_trip),
		cmocka_unit_test(test_byp_event_name_every_event),
	};

	return cmocka_run_group_tests_name("bypass_state", tests, NULL, NULL);
}
