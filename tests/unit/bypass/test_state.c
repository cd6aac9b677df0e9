/* SPDX-License-Identifier: BSD-3-Clause */
/* The bypass module is a skeleton until the bypass issue: only the state vocabulary exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byp_state_name_every_state),
	};

	return cmocka_run_group_tests_name("bypass_state", tests, NULL, NULL);
}
