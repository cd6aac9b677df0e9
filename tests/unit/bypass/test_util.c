/* SPDX-License-Identifier: BSD-3-Clause */
/* The drivers' pure helpers: the iface= devarg of a port, and the pinned XDP state check. */
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
test_byp_devargs_iface_found(void **state)
{
	char name[BYP_IFNAME_MAX];

	(void)state;
	assert_int_equal(byp_devargs_iface("net_af_packet0,iface=up0", name, sizeof(name)), 0);
	assert_string_equal(name, "up0");
	assert_int_equal(byp_devargs_iface("net_af_packet1,framecnt=4096,iface=down0,qpairs=1",
	                                   name, sizeof(name)),
	                 0);
	assert_string_equal(name, "down0");
	assert_int_equal(byp_devargs_iface("net_af_xdp0,iface=eth1", name, sizeof(name)), 0);
	assert_string_equal(name, "eth1");
}

static void
test_byp_devargs_iface_absent(void **state)
{
	char name[BYP_IFNAME_MAX] = "x";

	(void)state;
	assert_int_equal(byp_devargs_iface("0000:03:00.0", name, sizeof(name)), -ENOENT);
	assert_int_equal(byp_devargs_iface("net_null0", name, sizeof(name)), -ENOENT);
	/* The driver name itself is not a devarg, and a key must match whole. */
	assert_int_equal(byp_devargs_iface("iface=up0", name, sizeof(name)), -ENOENT);
	assert_int_equal(byp_devargs_iface("net_af_packet0,myiface=up0", name, sizeof(name)),
	                 -ENOENT);
	assert_int_equal(byp_devargs_iface("net_af_packet0,", name, sizeof(name)), -ENOENT);
	assert_string_equal(name, "x");
}

static void
test_byp_devargs_iface_bad(void **state)
{
	char name[BYP_IFNAME_MAX];

	(void)state;
	assert_int_equal(byp_devargs_iface("net_af_packet0,iface=", name, sizeof(name)), -EINVAL);
	assert_int_equal(byp_devargs_iface("net_af_packet0,iface=,x=1", name, sizeof(name)),
	                 -EINVAL);
	assert_int_equal(
		byp_devargs_iface("net_af_packet0,iface=abcdefghijklmnop", name, sizeof(name)),
		-ENAMETOOLONG);
	assert_int_equal(
		byp_devargs_iface("net_af_packet0,iface=abcdefghijklmno", name, sizeof(name)), 0);
}

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
		cmocka_unit_test(test_byp_devargs_iface_found),
		cmocka_unit_test(test_byp_devargs_iface_absent),
		cmocka_unit_test(test_byp_devargs_iface_bad),
		cmocka_unit_test(test_byp_xdp_state_check_layouts),
		cmocka_unit_test(test_byp_xdp_fresh_record_fails_open),
	};

	return cmocka_run_group_tests_name("bypass_util", tests, NULL, NULL);
}
