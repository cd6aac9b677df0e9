/* SPDX-License-Identifier: BSD-3-Clause */
/* The drivers' pure helpers: the pinned XDP state check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "byp.h"
#include "byp_xdp.h"

static void
test_byp_xdp_state_check_layouts(void **state)
{
	struct byp_xdp_state st;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), -ENODATA);
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st) - 1), -EINVAL);
	assert_int_equal(byp_xdp_state_check(NULL, sizeof(st)), -EINVAL);
	st.magic = BYP_XDP_MAGIC;
	st.layout = BYP_XDP_LAYOUT;
	st.mode = BYP_XDP_MODE_INLINE;
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), 0);
	st.mode = BYP_XDP_MODE_DISCONNECT + 1;
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), -EPROTO);
	st.mode = BYP_XDP_MODE_BYPASS;
	st.set_by = 7;
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), -EPROTO);
	st.set_by = BYP_XDP_BY_WATCHDOG;
	st.layout = BYP_XDP_LAYOUT + 1;
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), -EPROTO);
	st.layout = BYP_XDP_LAYOUT;
	st.magic = 0x12345678;
	assert_int_equal(byp_xdp_state_check(&st, sizeof(st)), -EPROTO);
}

static void
test_byp_xdp_fresh_record_fails_open(void **state)
{
	(void)state;
	/* A state record nobody wrote reads as bypass. */
	assert_int_equal(BYP_XDP_MODE_BYPASS, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byp_xdp_state_check_layouts),
		cmocka_unit_test(test_byp_xdp_fresh_record_fails_open),
	};

	return cmocka_run_group_tests_name("bypass_util", tests, NULL, NULL);
}
