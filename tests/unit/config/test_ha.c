/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for what HA and bypass add to the node config: the `ha` and `bypass` groups, the
 * l3 keys of link pairs, and the helpers others use (cfg_ifaddr_*, cfg_port_iface, the enum
 * names). Most cases start from a valid config that sets every key of both groups (base[]
 * below, one setting per line), replace a line or two and check the errors: each on the line
 * of the setting it is about, with the words that tell the operator what is allowed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "node_edit.h"

#include "cfg.h"

static const char *const base[] = {
	NULL, /* lines count from 1 */
	"node = { id = \"rp-a\"; };",
	"dpdk = { lcores = \"0-1\"; };",
	"ports = (",
	"  { name = \"up0\"; device = \"net_af_packet0,iface=rpv-up0\"; },",
	"  { name = \"down0\"; device = \"net_af_packet1,iface=rpv-down0\"; },",
	"  { name = \"up1\"; device = \"net_af_xdp0,iface=rpv-up1,start_queue=0\"; },",
	"  { name = \"down1\"; device = \"net_af_packet2,iface=rpv-down1\"; }",
	");",
	"link_pairs = (",
	"  { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; },",
	"  { name = \"lp1\"; upstream = \"up1\"; protected = \"down1\"; }",
	");",
	"workers = { lcores = [1]; };",
	"ha = {",
	"  mode = \"active-passive\";",
	"  primary = true;",
	"  address = \"203.0.113.11\";",
	"  port = 7410;",
	"  peers = ( { id = \"rp-b\"; address = \"203.0.113.12\"; } );",
	"  peer_check_interval_ms = 100;",
	"  peer_failure_threshold = 3;",
	"  peer_recovery_threshold = 5;",
	"  max_flaps = 6; flap_window_s = 60;",
	"  bandwidth = { enabled = false; min_bps = 1024; interval_s = 10; };",
	"  link_monitor_interval_ms = 100;",
	"  min_active_links = 1;",
	"  vrrp = (",
	"    { vrid = 51; link_pair = \"lp0\"; side = \"upstream\"; priority = 150;",
	"      advert_interval_ms = 100; preempt = true; preempt_delay_s = 0; accept = false;",
	"      version = 3; checksum = \"rfc\"; vips = [ \"198.51.100.100/24\" ]; },",
	"    { vrid = 51; link_pair = \"lp0\"; vips = [ \"2001:db8::100/64\" ]; }",
	"  );",
	"  notify = \"/etc/rampart/notify.sh\";",
	"  allow_simulation = false;",
	"};",
	"bypass = {",
	"  driver = \"xdp\";",
	"  watchdog_ms = 20;",
	"  on_start = \"bypass\";",
	"  on_stop = \"bypass\";",
	"  rearm = \"manual\";",
	"  rearm_after_s = 30;",
	"  on_link_failure = false;",
	"  pin_path = \"/sys/fs/bpf/rampart\";",
	"  sysfs = { bypass_path = \"/sys/class/gpio/gpio17/value\"; };",
	"};",
};

#define BASE_LINES 46
#define L_PORT0 4
#define L_PORT1 5
#define L_PORT2 6
#define L_PORT3 7
#define L_LP0 10
#define L_LP1 11
#define L_WORKERS 13
#define L_HA 14
#define L_MODE 15
#define L_PRIMARY 16
#define L_ADDRESS 17
#define L_PORT 18
#define L_PEERS 19
#define L_PEER_CHECK 20
#define L_FAILURE 21
#define L_RECOVERY 22
#define L_FLAPS 23
#define L_BANDWIDTH 24
#define L_LINK_MONITOR 25
#define L_MIN_LINKS 26
#define L_VRRP 27
#define L_VR0 28  /* vrid, link_pair, side, priority */
#define L_VR0B 29 /* advert_interval_ms, preempt, preempt_delay_s, accept */
#define L_VR0C 30 /* version, checksum, vips */
#define L_VR1 31
#define L_VRRP_END 32
#define L_NOTIFY 33
#define L_SIMULATION 34
#define L_HA_END 35
#define L_BYPASS 36
#define L_DRIVER 37
#define L_WATCHDOG 38
#define L_ON_START 39
#define L_ON_STOP 40
#define L_REARM 41
#define L_REARM_AFTER 42
#define L_LINK_FAILURE 43
#define L_PIN_PATH 44
#define L_SYSFS 45
#define L_BYPASS_END 46

/* The second VRRP instance (line L_VR1) moved to the l2 link pair lp1, for the cases that make
 * lp0 an l3 link pair without IPv6 addresses. */
#define VR1_LP1 "    { vrid = 51; link_pair = \"lp1\"; vips = [ \"2001:db8::100/64\" ]; }"

/* The l3 link pair used by the l3 cases, on line L_LP0. */
#define LP0_L3                                                                           \
	"  { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; mode = \"l3\"; " \
	"upstream_address = \"198.51.100.1/24\"; protected_address = \"203.0.113.1/24\"; },"

static struct cfg_node cfg;
static struct cfg_errors errs;
static char text[256 * 1024];

/*
 * Parse base[] with some lines replaced: pairs of (line, text) ending with line 0. A
 * replacement may hold several lines; an empty one blanks the line.
 */
static int
parse_edits(int line, ...)
{
	va_list ap;

	va_start(ap, line);
	base_edit(text, sizeof(text), base, BASE_LINES, line, ap);
	va_end(ap);
	return cfg_node_parse(text, "test.conf", &cfg, &errs);
}

/* Parse base[] without its ha and bypass groups, plus @extra from line L_HA on. */
static int
parse_without_groups(const char *extra)
{
	char buf[4096];
	size_t o = 0;

	for (int l = 1; l < L_HA; l++) {
		int n = snprintf(buf + o, sizeof(buf) - o, "%s\n", base[l]);

		assert_true(n > 0 && (size_t)n < sizeof(buf) - o);
		o += (size_t)n;
	}
	snprintf(buf + o, sizeof(buf) - o, "%s\n", extra);
	return cfg_node_parse(buf, "test.conf", &cfg, &errs);
}

/* One line replaced, one error expected on @err_line. */
struct edit_case {
	int line;
	const char *text;
	int err_line;
	const char *error;
};

static void
run_cases(const struct edit_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = parse_edits(cases[i].line, cases[i].text, 0);

		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, cases[i].err_line, cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu (%s): rc %d, expected only \"%s\" at line %d", i,
			         cases[i].text, rc, cases[i].error, cases[i].err_line);
		}
	}
}

#define RUN_CASES(c) run_cases((c), sizeof(c) / sizeof((c)[0]))

static void
addr_text(const struct cfg_ifaddr *a, char *buf, size_t len)
{
	cfg_ifaddr_format(a, true, buf, len);
}

#define assert_ifaddr(a, want)                      \
	do {                                        \
		char buf_[64];                      \
		addr_text((a), buf_, sizeof(buf_)); \
		assert_string_equal(buf_, (want));  \
	} while (0)

/*
 * Defaults.
 */

static void
test_cfg_node_defaults_ha_and_bypass(void **state)
{
	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	cfg_node_defaults(&cfg);
	assert_false(cfg.ha.enabled);
	assert_int_equal(cfg.ha.mode, CFG_HA_ACTIVE_PASSIVE);
	assert_false(cfg.ha.primary);
	assert_int_equal(cfg.ha.address.family, 0);
	assert_int_equal(cfg.ha.port, 7410);
	assert_int_equal(cfg.ha.n_peers, 0);
	assert_int_equal(cfg.ha.peer_check_interval_ms, 100);
	assert_int_equal(cfg.ha.peer_failure_threshold, 3);
	assert_int_equal(cfg.ha.peer_recovery_threshold, 5);
	assert_int_equal(cfg.ha.max_flaps, 6);
	assert_int_equal(cfg.ha.flap_window_s, 60);
	assert_false(cfg.ha.bandwidth.enabled);
	assert_int_equal(cfg.ha.bandwidth.min_bps, 1024);
	assert_int_equal(cfg.ha.bandwidth.interval_s, 10);
	assert_int_equal(cfg.ha.link_monitor_interval_ms, 100);
	assert_int_equal(cfg.ha.min_active_links, 1);
	assert_int_equal(cfg.ha.n_vrrp, 0);
	assert_string_equal(cfg.ha.notify, "");
	assert_false(cfg.ha.allow_simulation);
	for (unsigned int i = 0; i < CFG_MAX_VRRP; i++) {
		assert_int_equal(cfg.ha.vrrp[i].priority, 100);
		assert_int_equal(cfg.ha.vrrp[i].advert_interval_ms, 1000);
		assert_int_equal(cfg.ha.vrrp[i].side, CFG_SIDE_UPSTREAM);
		assert_true(cfg.ha.vrrp[i].preempt);
		assert_int_equal(cfg.ha.vrrp[i].preempt_delay_s, 0);
		assert_false(cfg.ha.vrrp[i].accept);
		assert_int_equal(cfg.ha.vrrp[i].version, 3);
		assert_int_equal(cfg.ha.vrrp[i].checksum, CFG_VRRP_CSUM_RFC);
		assert_int_equal(cfg.ha.vrrp[i].n_vips, 0);
	}
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_NONE);
	assert_int_equal(cfg.bypass.watchdog_ms, 20);
	assert_true(cfg.bypass.start_in_bypass);
	assert_int_equal(cfg.bypass.on_stop, CFG_ON_STOP_BYPASS);
	assert_false(cfg.bypass.rearm_auto);
	assert_int_equal(cfg.bypass.rearm_after_s, 30);
	assert_false(cfg.bypass.on_link_failure);
	assert_string_equal(cfg.bypass.pin_path, "/sys/fs/bpf/rampart");
	assert_string_equal(cfg.bypass.sysfs.bypass_path, "");
	assert_string_equal(cfg.bypass.sysfs.bypass_on, "1");
	assert_string_equal(cfg.bypass.sysfs.bypass_off, "0");
	assert_string_equal(cfg.bypass.sysfs.disconnect_path, "");
	assert_string_equal(cfg.bypass.sysfs.disconnect_on, "1");
	assert_string_equal(cfg.bypass.sysfs.disconnect_off, "0");
	assert_string_equal(cfg.bypass.sysfs.watchdog_path, "");
	assert_string_equal(cfg.bypass.sysfs.watchdog_kick, "1");
}

static void
test_cfg_node_parse_without_ha_or_bypass_standalone(void **state)
{
	(void)state;
	assert_valid(parse_without_groups(""));
	assert_false(cfg.ha.enabled);
	assert_int_equal(cfg.ha.n_vrrp, 0);
	assert_int_equal(cfg.ha.n_peers, 0);
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_NONE);
	assert_int_equal(cfg.bypass.watchdog_ms, 20);
	for (unsigned int i = 0; i < cfg.n_link_pairs; i++) {
		assert_int_equal(cfg.link_pairs[i].mode, CFG_PAIR_L2);
		assert_int_equal(cfg.link_pairs[i].side[0].n_addrs, 0);
		assert_int_equal(cfg.link_pairs[i].side[1].n_addrs, 0);
		assert_false(cfg.link_pairs[i].side[0].has_gw4);
	}
	/* Without a bypass driver the watchdog feeds nothing, so a long idle sleep is fine. */
	assert_valid(parse_edits(L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 100000; };",
	                         L_BYPASS, "", L_DRIVER, "", L_WATCHDOG, "", L_ON_START, "",
	                         L_ON_STOP, "", L_REARM, "", L_REARM_AFTER, "", L_LINK_FAILURE, "",
	                         L_PIN_PATH, "", L_SYSFS, "", L_BYPASS_END, "", 0));
}

static void
test_cfg_ha_parse_minimal_takes_defaults(void **state)
{
	(void)state;
	assert_valid(parse_without_groups(
		"ha = { address = \"203.0.113.11\";\n"
		"  vrrp = ( { vrid = 7; link_pair = \"lp1\"; vips = \"198.51.100.7\"; } ); };\n"
		"bypass = { };"));
	assert_true(cfg.ha.enabled);
	assert_int_equal(cfg.ha.mode, CFG_HA_ACTIVE_PASSIVE);
	assert_false(cfg.ha.primary);
	assert_ifaddr(&cfg.ha.address, "203.0.113.11/32");
	assert_int_equal(cfg.ha.port, 7410);
	assert_int_equal(cfg.ha.n_peers, 0);
	assert_int_equal(cfg.ha.peer_check_interval_ms, 100);
	assert_int_equal(cfg.ha.peer_failure_threshold, 3);
	assert_int_equal(cfg.ha.peer_recovery_threshold, 5);
	assert_int_equal(cfg.ha.max_flaps, 6);
	assert_int_equal(cfg.ha.flap_window_s, 60);
	assert_false(cfg.ha.bandwidth.enabled);
	assert_int_equal(cfg.ha.bandwidth.min_bps, 1024);
	assert_int_equal(cfg.ha.bandwidth.interval_s, 10);
	assert_int_equal(cfg.ha.link_monitor_interval_ms, 100);
	assert_int_equal(cfg.ha.min_active_links, 1);
	assert_string_equal(cfg.ha.notify, "");
	assert_false(cfg.ha.allow_simulation);
	assert_int_equal(cfg.ha.n_vrrp, 1);
	assert_int_equal(cfg.ha.vrrp[0].vrid, 7);
	assert_int_equal(cfg.ha.vrrp[0].link_pair, 1);
	assert_int_equal(cfg.ha.vrrp[0].side, CFG_SIDE_UPSTREAM);
	assert_int_equal(cfg.ha.vrrp[0].priority, 100);
	assert_int_equal(cfg.ha.vrrp[0].advert_interval_ms, 1000);
	assert_true(cfg.ha.vrrp[0].preempt);
	assert_int_equal(cfg.ha.vrrp[0].preempt_delay_s, 0);
	assert_false(cfg.ha.vrrp[0].accept);
	assert_int_equal(cfg.ha.vrrp[0].version, 3);
	assert_int_equal(cfg.ha.vrrp[0].checksum, CFG_VRRP_CSUM_RFC);
	assert_int_equal(cfg.ha.vrrp[0].family, 4);
	assert_int_equal(cfg.ha.vrrp[0].n_vips, 1);
	assert_ifaddr(&cfg.ha.vrrp[0].vips[0], "198.51.100.7/32");
	assert_int_equal(cfg.ha.vrrp[0].line, L_HA + 1);
	/* An empty bypass group is the defaults. */
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_NONE);
	assert_int_equal(cfg.bypass.watchdog_ms, 20);
	assert_true(cfg.bypass.start_in_bypass);
	assert_int_equal(cfg.bypass.on_stop, CFG_ON_STOP_BYPASS);
	assert_false(cfg.bypass.rearm_auto);
	assert_int_equal(cfg.bypass.rearm_after_s, 30);
	assert_false(cfg.bypass.on_link_failure);
	assert_string_equal(cfg.bypass.pin_path, "/sys/fs/bpf/rampart");
}

/*
 * Every key.
 */

static void
test_cfg_ha_parse_example_values(void **state)
{
	const struct cfg_vrrp *v4, *v6;

	(void)state;
	assert_valid(parse_edits(0));
	assert_true(cfg.ha.enabled);
	assert_int_equal(cfg.ha.mode, CFG_HA_ACTIVE_PASSIVE);
	assert_true(cfg.ha.primary);
	assert_ifaddr(&cfg.ha.address, "203.0.113.11/32");
	assert_int_equal(cfg.ha.port, 7410);
	assert_int_equal(cfg.ha.n_peers, 1);
	assert_string_equal(cfg.ha.peers[0].id, "rp-b");
	assert_ifaddr(&cfg.ha.peers[0].address, "203.0.113.12/32");
	assert_int_equal(cfg.ha.peers[0].port, 7410);
	assert_int_equal(cfg.ha.peers[0].line, L_PEERS);
	assert_int_equal(cfg.ha.n_vrrp, 2);
	v4 = &cfg.ha.vrrp[0];
	v6 = &cfg.ha.vrrp[1];
	assert_int_equal(v4->vrid, 51);
	assert_int_equal(v4->link_pair, 0);
	assert_int_equal(v4->priority, 150);
	assert_int_equal(v4->advert_interval_ms, 100);
	assert_int_equal(v4->family, 4);
	assert_int_equal(v4->n_vips, 1);
	assert_ifaddr(&v4->vips[0], "198.51.100.100/24");
	assert_int_equal(v4->line, L_VR0);
	/* The same vrid for the other family is another instance. */
	assert_int_equal(v6->vrid, 51);
	assert_int_equal(v6->family, 6);
	assert_ifaddr(&v6->vips[0], "2001:db8::100/64");
	assert_string_equal(cfg.ha.notify, "/etc/rampart/notify.sh");
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_XDP);
	assert_string_equal(cfg.bypass.sysfs.bypass_path, "/sys/class/gpio/gpio17/value");
}

static void
test_cfg_ha_parse_every_key_set(void **state)
{
	const struct cfg_vrrp *vr;

	(void)state;
	assert_valid(parse_edits(
		L_MODE, "  mode = \"active-active\";", L_PRIMARY, "  primary = false;", L_ADDRESS,
		"  address = \"2001:db8:ffff::11\";", L_PORT, "  port = 17410;", L_PEERS,
		"  peers = ( { id = \"rp-b\"; address = \"2001:db8:ffff::12\"; port = 7411; },\n"
		"            { id = \"rp-c\"; address = \"2001:db8:ffff::13\"; } );",
		L_PEER_CHECK, "  peer_check_interval_ms = 5;", L_FAILURE,
		"  peer_failure_threshold = 1;", L_RECOVERY, "  peer_recovery_threshold = 1000;",
		L_FLAPS, "  max_flaps = 0; flap_window_s = 86400;", L_BANDWIDTH,
		"  bandwidth = { enabled = true; min_bps = 10000000000L; interval_s = 3600; };",
		L_LINK_MONITOR, "  link_monitor_interval_ms = 10;", L_MIN_LINKS,
		"  min_active_links = 2;", L_VR0,
		"    { vrid = 255; link_pair = \"lp1\"; side = \"protected\"; priority = 254;",
		L_VR0B, "      advert_interval_ms = 40950; preempt = false; accept = true;", L_VR0C,
		"      version = 3; checksum = \"v2-compatible\"; vips = [ \"198.51.100.100/24\", "
		"\"198.51.100.101/25\", \"198.51.100.102\" ]; },",
		L_VR1, "    { vrid = 1; link_pair = \"lp0\"; vips = \"fe80::1\"; }", L_NOTIFY,
		"  notify = \"/usr/local/lib/rampart/notify\";", L_SIMULATION,
		"  allow_simulation = true;", L_DRIVER, "  driver = \"sysfs\";", L_WATCHDOG,
		"  watchdog_ms = 60000;", L_ON_START, "  on_start = \"inline\";", L_ON_STOP,
		"  on_stop = \"inline-down\";", L_REARM, "  rearm = \"auto\";", L_REARM_AFTER,
		"  rearm_after_s = 86400;", L_LINK_FAILURE, "  on_link_failure = true;", L_PIN_PATH,
		"  pin_path = \"/run/bpf\";", L_SYSFS,
		"  sysfs = { bypass_path = \"/sys/bus/i2c/bypass\"; bypass_on = \"on\"; "
		"bypass_off = \"off\";\n"
		"    disconnect_path = \"/sys/bus/i2c/disc\"; disconnect_on = \"cut\"; "
		"disconnect_off = \"join\";\n"
		"    watchdog_path = \"/sys/bus/i2c/wdt\"; watchdog_kick = \"kick\"; };",
		0));
	assert_int_equal(cfg.ha.mode, CFG_HA_ACTIVE_ACTIVE);
	assert_false(cfg.ha.primary);
	assert_ifaddr(&cfg.ha.address, "2001:db8:ffff::11/128");
	assert_int_equal(cfg.ha.port, 17410);
	assert_int_equal(cfg.ha.n_peers, 2);
	assert_int_equal(cfg.ha.peers[0].port, 7411);
	/* A peer without a port listens on this node's port. */
	assert_int_equal(cfg.ha.peers[1].port, 17410);
	assert_string_equal(cfg.ha.peers[1].id, "rp-c");
	assert_ifaddr(&cfg.ha.peers[1].address, "2001:db8:ffff::13/128");
	assert_int_equal(cfg.ha.peer_check_interval_ms, 5);
	assert_int_equal(cfg.ha.peer_failure_threshold, 1);
	assert_int_equal(cfg.ha.peer_recovery_threshold, 1000);
	assert_int_equal(cfg.ha.max_flaps, 0);
	assert_int_equal(cfg.ha.flap_window_s, 86400);
	assert_true(cfg.ha.bandwidth.enabled);
	assert_true(cfg.ha.bandwidth.min_bps == 10000000000ULL);
	assert_int_equal(cfg.ha.bandwidth.interval_s, 3600);
	assert_int_equal(cfg.ha.link_monitor_interval_ms, 10);
	assert_int_equal(cfg.ha.min_active_links, 2);
	vr = &cfg.ha.vrrp[0];
	assert_int_equal(vr->vrid, 255);
	assert_int_equal(vr->link_pair, 1);
	assert_int_equal(vr->side, CFG_SIDE_PROTECTED);
	assert_int_equal(vr->priority, 254);
	assert_int_equal(vr->advert_interval_ms, 40950);
	assert_false(vr->preempt);
	assert_true(vr->accept);
	assert_int_equal(vr->checksum, CFG_VRRP_CSUM_V2_COMPAT);
	assert_int_equal(vr->n_vips, 3);
	assert_ifaddr(&vr->vips[1], "198.51.100.101/25");
	assert_ifaddr(&vr->vips[2], "198.51.100.102/32");
	assert_int_equal(cfg.ha.vrrp[1].family, 6);
	assert_ifaddr(&cfg.ha.vrrp[1].vips[0], "fe80::1/128");
	assert_string_equal(cfg.ha.notify, "/usr/local/lib/rampart/notify");
	assert_true(cfg.ha.allow_simulation);
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_SYSFS);
	assert_int_equal(cfg.bypass.watchdog_ms, 60000);
	assert_false(cfg.bypass.start_in_bypass);
	assert_int_equal(cfg.bypass.on_stop, CFG_ON_STOP_INLINE_DOWN);
	assert_true(cfg.bypass.rearm_auto);
	assert_int_equal(cfg.bypass.rearm_after_s, 86400);
	assert_true(cfg.bypass.on_link_failure);
	assert_string_equal(cfg.bypass.pin_path, "/run/bpf");
	assert_string_equal(cfg.bypass.sysfs.bypass_path, "/sys/bus/i2c/bypass");
	assert_string_equal(cfg.bypass.sysfs.bypass_on, "on");
	assert_string_equal(cfg.bypass.sysfs.bypass_off, "off");
	assert_string_equal(cfg.bypass.sysfs.disconnect_path, "/sys/bus/i2c/disc");
	assert_string_equal(cfg.bypass.sysfs.disconnect_on, "cut");
	assert_string_equal(cfg.bypass.sysfs.disconnect_off, "join");
	assert_string_equal(cfg.bypass.sysfs.watchdog_path, "/sys/bus/i2c/wdt");
	assert_string_equal(cfg.bypass.sysfs.watchdog_kick, "kick");
}

static void
test_cfg_ha_parse_modes_and_keywords(void **state)
{
	(void)state;
	/* cluster needs nothing special; active-active runs without any VRRP instance. */
	assert_valid(parse_edits(L_MODE, "  mode = \"cluster\";", 0));
	assert_int_equal(cfg.ha.mode, CFG_HA_CLUSTER);
	assert_valid(parse_edits(L_MODE, "  mode = \"active-active\";", L_VRRP, "  vrrp = ();",
	                         L_VR0, "", L_VR0B, "", L_VR0C, "", L_VR1, "", L_VRRP_END, "", 0));
	assert_int_equal(cfg.ha.n_vrrp, 0);
	assert_valid(parse_edits(L_MODE, "  mode = \"cluster\";", L_VRRP, "", L_VR0, "", L_VR0B, "",
	                         L_VR0C, "", L_VR1, "", L_VRRP_END, "", 0));
	/* peers may be empty: the VRID may be shared with routers that are not Rampart nodes. */
	assert_valid(parse_edits(L_PEERS, "  peers = ();", 0));
	assert_int_equal(cfg.ha.n_peers, 0);
	assert_valid(parse_edits(L_PEERS, "  peers = [];", 0));
	assert_valid(parse_edits(L_DRIVER, "  driver = \"none\";", 0));
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_NONE);
	/* Watchdog off; min_active_links 0 never marks the node down. */
	assert_valid(parse_edits(L_WATCHDOG, "  watchdog_ms = 0;", L_MIN_LINKS,
	                         "  min_active_links = 0;", 0));
	assert_int_equal(cfg.bypass.watchdog_ms, 0);
	assert_int_equal(cfg.ha.min_active_links, 0);
	assert_valid(parse_edits(L_WATCHDOG, "  watchdog_ms = 5;", 0));
	assert_int_equal(cfg.bypass.watchdog_ms, 5);
	/* The lowest advert interval, the lowest priority, the longest preempt delay. */
	assert_valid(parse_edits(L_VR0,
	                         "    { vrid = 1; link_pair = \"lp0\"; side = \"upstream\"; "
	                         "priority = 1;",
	                         L_VR0B,
	                         "      advert_interval_ms = 10; preempt = true; "
	                         "preempt_delay_s = 3600; accept = false;",
	                         0));
	assert_int_equal(cfg.ha.vrrp[0].vrid, 1);
	assert_int_equal(cfg.ha.vrrp[0].priority, 1);
	assert_int_equal(cfg.ha.vrrp[0].advert_interval_ms, 10);
	assert_int_equal(cfg.ha.vrrp[0].preempt_delay_s, 3600);
	/* Instances on another side or another link pair may reuse a vrid. */
	assert_valid(
		parse_edits(L_VR1,
	                    "    { vrid = 51; link_pair = \"lp0\"; side = \"protected\"; "
	                    "vips = \"198.51.100.200\"; },\n"
	                    "    { vrid = 51; link_pair = \"lp1\"; vips = \"198.51.100.201\"; }",
	                    0));
	assert_int_equal(cfg.ha.n_vrrp, 3);
	/* With an idle sleep of a quarter of the watchdog, a worker still looks alive. */
	assert_valid(
		parse_edits(L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 5000; };", 0));
}

/*
 * l3 link pairs.
 */

static void
test_cfg_pair_l3_parse_values(void **state)
{
	const struct cfg_link_pair *lp;

	(void)state;
	assert_valid(parse_edits(
		L_LP0,
		"  { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; mode = \"l3\";\n"
		"    upstream_address = [ \"198.51.100.1/24\", \"2001:db8:1::1/64\" ];\n"
		"    protected_address = ( \"203.0.113.1/25\", \"2001:db8:2::1/64\", "
		"\"203.0.113.129/25\", \"fe80::1/64\" );\n"
		"    upstream_gateway = [ \"198.51.100.254\", \"2001:db8:1::fe\" ];\n"
		"    protected_gateway = \"203.0.113.200\"; },",
		L_LP1,
		"  { name = \"lp1\"; upstream = \"up1\"; protected = \"down1\"; mode = \"l2\"; }",
		L_VR1, "    { vrid = 51; link_pair = \"lp0\"; vips = [ \"2001:db8:1::100/64\" ]; }",
		0));
	lp = &cfg.link_pairs[0];
	assert_int_equal(lp->mode, CFG_PAIR_L3);
	assert_int_equal(lp->side[CFG_SIDE_UPSTREAM].n_addrs, 2);
	assert_ifaddr(&lp->side[CFG_SIDE_UPSTREAM].addrs[0], "198.51.100.1/24");
	assert_ifaddr(&lp->side[CFG_SIDE_UPSTREAM].addrs[1], "2001:db8:1::1/64");
	assert_int_equal(lp->side[CFG_SIDE_PROTECTED].n_addrs, 4);
	assert_ifaddr(&lp->side[CFG_SIDE_PROTECTED].addrs[2], "203.0.113.129/25");
	assert_ifaddr(&lp->side[CFG_SIDE_PROTECTED].addrs[3], "fe80::1/64");
	assert_true(lp->side[CFG_SIDE_UPSTREAM].has_gw4);
	assert_true(lp->side[CFG_SIDE_UPSTREAM].has_gw6);
	assert_memory_equal(lp->side[CFG_SIDE_UPSTREAM].gw4, "\xc6\x33\x64\xfe", 4);
	assert_int_equal(lp->side[CFG_SIDE_UPSTREAM].gw6[15], 0xfe);
	assert_int_equal(lp->side[CFG_SIDE_UPSTREAM].gw6[5], 0x01);
	assert_true(lp->side[CFG_SIDE_PROTECTED].has_gw4);
	assert_false(lp->side[CFG_SIDE_PROTECTED].has_gw6);
	/* The gateway on the second /25 of the protected side. */
	assert_memory_equal(lp->side[CFG_SIDE_PROTECTED].gw4, "\xcb\x00\x71\xc8", 4);
	assert_int_equal(cfg.link_pairs[1].mode, CFG_PAIR_L2);
	/* A single string is a list of one; gateways are optional. */
	assert_valid(parse_edits(L_LP0, LP0_L3, L_VR1, VR1_LP1, 0));
	assert_int_equal(cfg.link_pairs[0].side[0].n_addrs, 1);
	assert_int_equal(cfg.link_pairs[0].side[1].n_addrs, 1);
	assert_false(cfg.link_pairs[0].side[0].has_gw4);
	assert_false(cfg.link_pairs[0].side[0].has_gw6);
	/* /31 and /32 subnets have no network or broadcast address to refuse. */
	assert_valid(parse_edits(L_LP0,
	                         "  { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; "
	                         "mode = \"l3\"; upstream_address = \"198.51.100.100/31\"; "
	                         "protected_address = \"203.0.113.0/32\"; },",
	                         L_VR0C, "      vips = \"198.51.100.101/31\"; },", L_VR1, VR1_LP1,
	                         0));
}

static void
test_cfg_pair_l3_parse_errors(void **state)
{
	static const char pre[] = "  { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; ";
	static const struct {
		const char *tail;
		const char *error;
	} cases[] = {
		{ "mode = \"l4\"; },",
		  "link_pairs[0].mode: \"l4\" is not allowed; allowed: \"l2\", \"l3\"" },
		{ "mode = 3; },", "link_pairs[0].mode: must be a string, not an integer" },
		{ "upstream_address = \"198.51.100.1/24\"; },",
		  "link_pairs[0].upstream_address: only an l3 link pair has addresses; set mode = "
		  "\"l3\" or remove it" },
		{ "mode = \"l2\"; protected_gateway = \"203.0.113.254\"; },",
		  "link_pairs[0].protected_gateway: only an l3 link pair has addresses" },
		{ "mode = \"l3\"; protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0]: an l3 link pair needs upstream_address, the node's address on "
		  "the "
		  "upstream side, e.g. upstream_address = \"198.51.100.1/24\";" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; },",
		  "link_pairs[0]: an l3 link pair needs protected_address" },
		{ "mode = \"l3\"; upstream_address = []; protected_address = \"203.0.113.1/24\"; "
		  "},",
		  "link_pairs[0].upstream_address: the list is empty; give 1 to 4" },
		{ "mode = \"l3\"; upstream_address = 1; protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: must be a string or a list of strings, e.g. "
		  "\"198.51.100.1/24\", not an integer" },
		{ "mode = \"l3\"; upstream_address = ( \"198.51.100.1/24\", 5 ); "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address[1]: must be a string, not an integer" },
		{ "mode = \"l3\"; upstream_address = [ \"198.51.100.1/24\", \"198.51.100.2/24\", "
		  "\"198.51.100.3/24\", \"198.51.100.4/24\", \"198.51.100.5/24\" ]; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: 5 are given; at most 4 are allowed" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/33\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: \"198.51.100.1/33\" has an invalid prefix "
		  "length; "
		  "an IPv4 address takes /1 to /32 and an IPv6 address /1 to /128" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"2001:db8::1/129\"; },",
		  "link_pairs[0].protected_address: \"2001:db8::1/129\" has an invalid prefix "
		  "length" },
		{ "mode = \"l3\"; upstream_address = \"eth0\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: \"eth0\" is not an IPv4 or IPv6 address with an "
		  "optional prefix length; write it as \"198.51.100.1/24\" or \"2001:db8::1/64\"" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/0\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: \"198.51.100.1/0\" has a prefix length of 0" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.0/24\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: \"198.51.100.0/24\" is the network address of "
		  "its "
		  "subnet, not a host address" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.127/25\"; },",
		  "link_pairs[0].protected_address: \"203.0.113.127/25\" is the broadcast address "
		  "of "
		  "its subnet" },
		{ "mode = \"l3\"; upstream_address = \"224.0.0.18/4\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address: \"224.0.0.18/4\" is a multicast address; give a "
		  "unicast host address" },
		{ "mode = \"l3\"; upstream_address = \"127.0.0.1/8\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "\"127.0.0.1/8\" is a loopback address" },
		{ "mode = \"l3\"; upstream_address = \"::/64\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "\"::/64\" is the unspecified address" },
		{ "mode = \"l3\"; upstream_address = \"::ffff:198.51.100.1/120\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "is an IPv4-mapped address (write the IPv4 address itself); give a unicast host "
		  "address" },
		{ "mode = \"l3\"; upstream_address = \"0.1.2.3/8\"; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "\"0.1.2.3/8\" is in 0.0.0.0/8" },
		{ "mode = \"l3\"; upstream_address = [ \"198.51.100.1/24\", \"198.51.100.1/25\" ]; "
		  "protected_address = \"203.0.113.1/24\"; },",
		  "link_pairs[0].upstream_address[1]: \"198.51.100.1/25\" is already an address of "
		  "this link pair (upstream_address, line 10); give each address once" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"198.51.100.1/24\"; },",
		  "link_pairs[0].protected_address: \"198.51.100.1/24\" is already an address of "
		  "this link pair (upstream_address" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"198.51.100.200/28\"; },",
		  "link_pairs[0].protected_address: the subnet of \"198.51.100.200/28\" overlaps "
		  "the "
		  "upstream subnet of 198.51.100.1/24 (line 10); the two sides of an l3 link pair "
		  "are different networks" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; upstream_gateway = \"198.51.100.1\"; },",
		  "link_pairs[0].upstream_gateway: \"198.51.100.1\" is this node's own address; "
		  "the "
		  "gateway is the next router on the upstream side" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; upstream_gateway = \"203.0.113.254\"; "
		  "},",
		  "link_pairs[0].upstream_gateway: \"203.0.113.254\" is in none of the upstream "
		  "side's IPv4 subnets (198.51.100.1/24); a gateway must be directly reachable" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; upstream_gateway = \"2001:db8::1\"; },",
		  "link_pairs[0].upstream_gateway: \"2001:db8::1\" is in none of the upstream "
		  "side's "
		  "IPv6 subnets (it has none)" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; "
		  "upstream_gateway = [ \"198.51.100.254\", \"198.51.100.253\" ]; },",
		  "link_pairs[0].upstream_gateway[1]: a second IPv4 gateway; give at most one IPv4 "
		  "and one IPv6 gateway per side" },
		{ "mode = \"l3\"; upstream_address = [ \"198.51.100.1/24\", \"2001:db8:1::1/64\" "
		  "]; "
		  "protected_address = \"203.0.113.1/24\"; "
		  "upstream_gateway = [ \"198.51.100.254\", \"2001:db8:1::fe\", \"1.1.1.1\" ]; },",
		  "link_pairs[0].upstream_gateway: 3 are given; at most 2 are allowed" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; protected_gateway = \"203.0.113.2/24\"; "
		  "},",
		  "link_pairs[0].protected_gateway: \"203.0.113.2/24\" has a prefix length; give "
		  "the "
		  "host address alone" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; protected_gateway = \"203.0.113.255\"; "
		  "},",
		  "link_pairs[0].protected_gateway: \"203.0.113.255\" is the broadcast address of "
		  "a "
		  "protected subnet, not a router" },
		{ "mode = \"l3\"; upstream_address = \"198.51.100.1/24\"; "
		  "protected_address = \"203.0.113.1/24\"; protected_gateway = \"203.0.114.1\"; },",
		  "link_pairs[0].protected_gateway: \"203.0.114.1\" is in none of the protected "
		  "side's IPv4 subnets (203.0.113.1/24)" },
	};
	char line[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		snprintf(line, sizeof(line), "%s%s", pre, cases[i].tail);
		rc = parse_edits(L_LP0, line, L_VR1, VR1_LP1, 0);
		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, L_LP0, cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu (%s): rc %d, expected only \"%s\"", i, cases[i].tail, rc,
			         cases[i].error);
		}
	}
}

/*
 * The ha group.
 */

static void
test_cfg_ha_parse_out_of_range(void **state)
{
	static const struct edit_case cases[] = {
		{ L_PORT, "  port = 0;", L_PORT, "ha.port: 0 is out of range; allowed 1 to 65535" },
		{ L_PORT, "  port = 65536;", L_PORT, "ha.port: 65536 is out of range" },
		{ L_PEER_CHECK, "  peer_check_interval_ms = 0;", L_PEER_CHECK,
		  "ha.peer_check_interval_ms: 0 is out of range; allowed 1 to 60000" },
		{ L_PEER_CHECK, "  peer_check_interval_ms = 60001;", L_PEER_CHECK,
		  "ha.peer_check_interval_ms: 60001 is out of range" },
		{ L_FAILURE, "  peer_failure_threshold = 0;", L_FAILURE,
		  "ha.peer_failure_threshold: 0 is out of range; allowed 1 to 1000" },
		{ L_FAILURE, "  peer_failure_threshold = 1001;", L_FAILURE,
		  "ha.peer_failure_threshold: 1001 is out of range" },
		{ L_RECOVERY, "  peer_recovery_threshold = 0;", L_RECOVERY,
		  "ha.peer_recovery_threshold: 0 is out of range; allowed 1 to 1000" },
		{ L_FLAPS, "  max_flaps = 1001; flap_window_s = 60;", L_FLAPS,
		  "ha.max_flaps: 1001 is out of range; allowed 0 to 1000" },
		{ L_FLAPS, "  max_flaps = -1; flap_window_s = 60;", L_FLAPS,
		  "ha.max_flaps: -1 is out of range" },
		{ L_FLAPS, "  max_flaps = 6; flap_window_s = 0;", L_FLAPS,
		  "ha.flap_window_s: 0 is out of range; allowed 1 to 86400" },
		{ L_FLAPS, "  max_flaps = 6; flap_window_s = 86401;", L_FLAPS,
		  "ha.flap_window_s: 86401 is out of range" },
		{ L_BANDWIDTH, "  bandwidth = { min_bps = 0; };", L_BANDWIDTH,
		  "ha.bandwidth.min_bps: 0 is out of range; allowed 1 to 10000000000000" },
		{ L_BANDWIDTH, "  bandwidth = { min_bps = 10000000000001L; };", L_BANDWIDTH,
		  "ha.bandwidth.min_bps: 10000000000001 is out of range" },
		{ L_BANDWIDTH, "  bandwidth = { interval_s = 0; };", L_BANDWIDTH,
		  "ha.bandwidth.interval_s: 0 is out of range; allowed 1 to 3600" },
		{ L_BANDWIDTH, "  bandwidth = { interval_s = 3601; };", L_BANDWIDTH,
		  "ha.bandwidth.interval_s: 3601 is out of range" },
		{ L_LINK_MONITOR, "  link_monitor_interval_ms = 9;", L_LINK_MONITOR,
		  "ha.link_monitor_interval_ms: 9 is out of range; allowed 10 to 60000" },
		{ L_LINK_MONITOR, "  link_monitor_interval_ms = 60001;", L_LINK_MONITOR,
		  "ha.link_monitor_interval_ms: 60001 is out of range" },
		{ L_MIN_LINKS, "  min_active_links = 3;", L_MIN_LINKS,
		  "ha.min_active_links: 3 is more than the 2 link pairs defined, so the node would "
		  "always mark itself down; allowed 0 to 2" },
		{ L_MIN_LINKS, "  min_active_links = 17;", L_MIN_LINKS,
		  "ha.min_active_links: 17 is out of range; allowed 0 to 16" },
		{ L_MIN_LINKS, "  min_active_links = -1;", L_MIN_LINKS,
		  "ha.min_active_links: -1 is out of range" },
	};

	(void)state;
	RUN_CASES(cases);
}

static void
test_cfg_ha_parse_wrong_types(void **state)
{
	static const struct edit_case cases[] = {
		{ L_MODE, "  mode = 1;", L_MODE, "ha.mode: must be a string, not an integer" },
		{ L_PRIMARY, "  primary = \"yes\";", L_PRIMARY,
		  "ha.primary: must be true or false, not a string" },
		{ L_ADDRESS, "  address = [ \"203.0.113.11\" ];", L_ADDRESS,
		  "ha.address: must be a string, not an array [ ... ]" },
		{ L_PORT, "  port = \"7410\";", L_PORT,
		  "ha.port: must be an integer from 1 to 65535, not a string" },
		{ L_PEERS, "  peers = { id = \"rp-b\"; };", L_PEERS,
		  "ha.peers: must be a list of peer groups ( { id = ...; address = ...; } ), or () "
		  "for none, not a group { ... }" },
		{ L_PEERS, "  peers = ( \"rp-b\" );", L_PEERS,
		  "ha.peers[0]: must be a group { id = ...; address = ...; }, not a string" },
		{ L_BANDWIDTH, "  bandwidth = true;", L_BANDWIDTH,
		  "ha.bandwidth: must be a group { ... }, not a boolean" },
		{ L_BANDWIDTH, "  bandwidth = { enabled = 1; };", L_BANDWIDTH,
		  "ha.bandwidth.enabled: must be true or false, not an integer" },
		{ L_BANDWIDTH, "  bandwidth = { min_bps = 1.5; };", L_BANDWIDTH,
		  "ha.bandwidth.min_bps: must be an integer from 1 to 10000000000000, not a "
		  "floating-point number" },
		{ L_NOTIFY, "  notify = true;", L_NOTIFY,
		  "ha.notify: must be a string, not a boolean" },
		{ L_SIMULATION, "  allow_simulation = \"true\";", L_SIMULATION,
		  "ha.allow_simulation: must be true or false, not a string" },
		{ L_VR0C, "      version = 3; checksum = \"rfc\"; vips = 5; },", L_VR0C,
		  "ha.vrrp[0].vips: must be a string or a list of strings, e.g. [ "
		  "\"198.51.100.100/24\", \"2001:db8::100/64\" ], not an integer" },
		{ L_VR0C,
		  "      version = \"3\"; checksum = \"rfc\"; vips = \"198.51.100.100\"; },",
		  L_VR0C, "ha.vrrp[0].version: must be 3 (VRRPv3), not a string" },
		{ L_VR0B, "      advert_interval_ms = 0.1; preempt = true; accept = false;", L_VR0B,
		  "ha.vrrp[0].advert_interval_ms: must be an integer from 10 to 40950, not a "
		  "floating-point number" },
		{ L_VR0B, "      advert_interval_ms = 100; preempt = 1; accept = false;", L_VR0B,
		  "ha.vrrp[0].preempt: must be true or false, not an integer" },
		{ L_VR0B, "      advert_interval_ms = 100; accept = \"no\";", L_VR0B,
		  "ha.vrrp[0].accept: must be true or false, not a string" },
		{ L_VR0, "    { vrid = \"51\"; link_pair = \"lp0\"; priority = 150;", L_VR0,
		  "ha.vrrp[0].vrid: must be an integer from 1 to 255, not a string" },
		{ L_VR0, "    { vrid = 51; link_pair = 0; priority = 150;", L_VR0,
		  "ha.vrrp[0].link_pair: must be a string, not an integer" },
	};

	(void)state;
	RUN_CASES(cases);
	/* libconfig puts a scalar on the line of the token after it: keep both on one line. */
	assert_only_error(parse_edits(L_VR1, "    \"lp0\" );", L_VRRP_END, "", 0), L_VR1,
	                  "ha.vrrp[1]: must be a group { vrid = ...; link_pair = ...; vips = "
	                  "[...]; }, not a string");
	assert_only_error(parse_without_groups("ha = 5;"), L_HA,
	                  "ha: must be a group { ... }, not an integer");
	assert_false(cfg.ha.enabled);
	assert_only_error(parse_without_groups("bypass = \"xdp\";"), L_HA,
	                  "bypass: must be a group { ... }, not a string");
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_NONE);
}

static void
test_cfg_ha_parse_unknown_keys(void **state)
{
	static const struct edit_case cases[] = {
		{ L_PRIMARY, "  primary = true; prio = 1;", L_PRIMARY,
		  "unknown setting \"prio\" in ha (allowed: mode, primary, address, port, peers, "
		  "peer_check_interval_ms, peer_failure_threshold, peer_recovery_threshold, "
		  "max_flaps, flap_window_s, bandwidth, link_monitor_interval_ms, "
		  "min_active_links, vrrp, notify, allow_simulation)" },
		{ L_PEERS, "  peers = ( { id = \"rp-b\"; address = \"203.0.113.12\"; key = 1; } );",
		  L_PEERS, "unknown setting \"key\" in ha.peers[0] (allowed: id, address, port)" },
		{ L_BANDWIDTH, "  bandwidth = { min_kbps = 1; };", L_BANDWIDTH,
		  "unknown setting \"min_kbps\" in ha.bandwidth (allowed: enabled, min_bps, "
		  "interval_s)" },
		{ L_VR0B, "      advert_interval_ms = 100; preempt = true; auth = \"x\";", L_VR0B,
		  "unknown setting \"auth\" in ha.vrrp[0] (allowed: vrid, link_pair, side, "
		  "priority, "
		  "advert_interval_ms, preempt, preempt_delay_s, accept, version, checksum, "
		  "vips)" },
		{ L_WATCHDOG, "  watchdog = 20;", L_WATCHDOG,
		  "unknown setting \"watchdog\" in bypass (allowed: driver, watchdog_ms, on_start, "
		  "on_stop, rearm, rearm_after_s, on_link_failure, pin_path, sysfs)" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; relay = \"/sys/y\"; };", L_SYSFS,
		  "unknown setting \"relay\" in bypass.sysfs (allowed: bypass_path, bypass_on, "
		  "bypass_off, disconnect_path, disconnect_on, disconnect_off, watchdog_path, "
		  "watchdog_kick)" },
	};

	(void)state;
	RUN_CASES(cases);
}

static void
test_cfg_ha_parse_keywords_refused(void **state)
{
	static const struct edit_case cases[] = {
		{ L_MODE, "  mode = \"active-standby\";", L_MODE,
		  "ha.mode: \"active-standby\" is not allowed; allowed: \"active-passive\", "
		  "\"active-active\", \"cluster\"" },
		{ L_VR0,
		  "    { vrid = 51; link_pair = \"lp0\"; side = \"downstream\"; priority = 150;",
		  L_VR0,
		  "ha.vrrp[0].side: \"downstream\" is not allowed; allowed: \"upstream\", "
		  "\"protected\"" },
		{ L_VR0C,
		  "      version = 3; checksum = \"v2\"; vips = [ \"198.51.100.100/24\" ]; },",
		  L_VR0C,
		  "ha.vrrp[0].checksum: \"v2\" is not allowed; allowed: \"rfc\", "
		  "\"v2-compatible\"" },
		{ L_DRIVER, "  driver = \"i40e\";", L_DRIVER,
		  "bypass.driver: \"i40e\" is not allowed; allowed: \"none\", \"xdp\", "
		  "\"sysfs\", \"ixgbe\"" },
		{ L_ON_START, "  on_start = \"inline-down\";", L_ON_START,
		  "bypass.on_start: \"inline-down\" is not allowed; allowed: \"bypass\", "
		  "\"inline\"" },
		{ L_ON_STOP, "  on_stop = \"inline\";", L_ON_STOP,
		  "bypass.on_stop: \"inline\" is not allowed; allowed: \"bypass\", "
		  "\"inline-down\"" },
		{ L_REARM, "  rearm = \"never\";", L_REARM,
		  "bypass.rearm: \"never\" is not allowed; allowed: \"manual\", \"auto\"" },
		{ L_REARM, "  rearm = \"Manual\";", L_REARM,
		  "bypass.rearm: \"Manual\" is not allowed" },
	};

	(void)state;
	RUN_CASES(cases);
}

static void
test_cfg_ha_parse_address_errors(void **state)
{
	static const struct edit_case cases[] = {
		{ L_ADDRESS, "  address = \"203.0.113.11/24\";", L_ADDRESS,
		  "ha.address: \"203.0.113.11/24\" has a prefix length; give the host address "
		  "alone, e.g. \"203.0.113.11\" or \"2001:db8::11\"" },
		{ L_ADDRESS, "  address = \"rp-a.example\";", L_ADDRESS,
		  "ha.address: \"rp-a.example\" is not an IPv4 or IPv6 address; write it as "
		  "\"203.0.113.11\" or \"2001:db8::11\"" },
		{ L_ADDRESS, "  address = \"0.0.0.0\";", L_ADDRESS,
		  "ha.address: \"0.0.0.0\" is in 0.0.0.0/8" },
		{ L_ADDRESS, "  address = \"224.0.0.18\";", L_ADDRESS,
		  "ha.address: \"224.0.0.18\" is a multicast address" },
		{ L_ADDRESS, "  address = \"255.255.255.255\";", L_ADDRESS,
		  "ha.address: \"255.255.255.255\" is the limited broadcast address" },
		{ L_ADDRESS, "  address = \"ff02::12\";", L_ADDRESS,
		  "ha.address: \"ff02::12\" is a multicast address" },
		{ L_ADDRESS, "  address = \"\";", L_ADDRESS,
		  "ha.address: \"\" is not an IPv4 or IPv6 address" },
		{ L_ADDRESS, "  address = \" 203.0.113.11\";", L_ADDRESS,
		  "ha.address: \" 203.0.113.11\" is not an IPv4 or IPv6 address" },
		{ L_ADDRESS, "", L_HA,
		  "ha: required setting \"address\" is missing; give this node's address on the HA "
		  "network, e.g. address = \"203.0.113.11\";" },
	};

	(void)state;
	RUN_CASES(cases);
	/* Two nodes on one host may talk HA over loopback addresses. */
	assert_valid(parse_edits(L_ADDRESS, "  address = \"127.0.0.1\";", L_PEERS,
	                         "  peers = ( { id = \"rp-b\"; address = \"127.0.0.2\"; } );", 0));
	assert_valid(parse_edits(L_ADDRESS, "  address = \"::1\";", L_PEERS, "  peers = ();", 0));
}

static void
test_cfg_ha_parse_peer_errors(void **state)
{
	static const struct edit_case cases[] = {
		{ L_PEERS, "  peers = ( { address = \"203.0.113.12\"; } );", L_PEERS,
		  "ha.peers[0]: required setting \"id\" is missing; give the peer's node.id, e.g. "
		  "id = \"rp-b\";" },
		{ L_PEERS, "  peers = ( { id = \"rp-b\"; } );", L_PEERS,
		  "ha.peers[0]: required setting \"address\" is missing; give the peer's address "
		  "on "
		  "the HA network" },
		{ L_PEERS, "  peers = ( { id = \"rp-a\"; address = \"203.0.113.12\"; } );", L_PEERS,
		  "ha.peers[0].id: \"rp-a\" is this node's own id (node.id); peers are the other "
		  "nodes" },
		{ L_PEERS, "  peers = ( { id = \"rp b\"; address = \"203.0.113.12\"; } );", L_PEERS,
		  "ha.peers[0].id: \"rp b\" contains a space" },
		{ L_PEERS,
		  "  peers = ( { id = \"rp-b\"; address = \"203.0.113.12\"; },\n"
		  "            { id = \"rp-b\"; address = \"203.0.113.13\"; } );",
		  L_PEERS + 1,
		  "ha.peers[1].id: duplicate peer id \"rp-b\" (first at line 19); list each peer "
		  "once" },
		{ L_PEERS,
		  "  peers = ( { id = \"rp-b\"; address = \"203.0.113.12\"; },\n"
		  "            { id = \"rp-c\"; address = \"203.0.113.12\"; } );",
		  L_PEERS + 1,
		  "ha.peers[1].address: \"203.0.113.12\" is already the address of ha.peers[0] "
		  "(line 19); each node on the HA network has its own address" },
		{ L_PEERS, "  peers = ( { id = \"rp-b\"; address = \"203.0.113.11\"; } );", L_PEERS,
		  "ha.peers[0].address: \"203.0.113.11\" is this node's own ha.address; each node "
		  "on "
		  "the HA network has its own address" },
		{ L_PEERS, "  peers = ( { id = \"rp-b\"; address = \"2001:db8::12\"; } );", L_PEERS,
		  "ha.peers[0].address: \"2001:db8::12\" is an IPv6 address but ha.address "
		  "203.0.113.11 is IPv4; peers and this node talk over one address family" },
		{ L_PEERS,
		  "  peers = ( { id = \"rp-b\"; address = \"203.0.113.12/32\"; port = 0; } );",
		  L_PEERS, "ha.peers[0].port: 0 is out of range; allowed 1 to 65535" },
		{ L_PEERS, "  peers = ( { id = \"rp-b\"; address = \"203.0.113.0/24\"; } );",
		  L_PEERS,
		  "ha.peers[0].address: \"203.0.113.0/24\" has a prefix length; give the host "
		  "address alone" },
		{ L_PEERS,
		  "  peers = ( { id = \"p1\"; address = \"203.0.113.1\"; }, { id = \"p2\"; address "
		  "= "
		  "\"203.0.113.2\"; },\n"
		  "    { id = \"p3\"; address = \"203.0.113.3\"; }, { id = \"p4\"; address = "
		  "\"203.0.113.4\"; },\n"
		  "    { id = \"p5\"; address = \"203.0.113.5\"; }, { id = \"p6\"; address = "
		  "\"203.0.113.6\"; },\n"
		  "    { id = \"p7\"; address = \"203.0.113.7\"; }, { id = \"p8\"; address = "
		  "\"203.0.113.8\"; },\n"
		  "    { id = \"p9\"; address = \"203.0.113.9\"; } );",
		  L_PEERS, "ha.peers: 9 peers are defined; at most 8 are supported" },
	};

	(void)state;
	RUN_CASES(cases);
	/* A peer written with its full-length prefix is a host address too. */
	assert_valid(parse_edits(
		L_PEERS, "  peers = ( { id = \"rp-b\"; address = \"203.0.113.12/32\"; } );", 0));
}

static void
test_cfg_ha_parse_notify(void **state)
{
	static const struct edit_case cases[] = {
		{ L_NOTIFY, "  notify = \"notify.sh\";", L_NOTIFY,
		  "ha.notify: \"notify.sh\" is a relative path; give an absolute path (starting "
		  "with "
		  "'/')" },
		{ L_NOTIFY, "  notify = \"\";", L_NOTIFY,
		  "ha.notify: must not be empty; give an absolute path or leave the setting out" },
		{ L_NOTIFY, "  notify = \"/etc/rampart/n\\tx.sh\";", L_NOTIFY,
		  "ha.notify: byte 0x09 at position 15 is not printable ASCII" },
	};
	char line[512], want[128];

	(void)state;
	RUN_CASES(cases);
	/* The script need not exist when the config is checked. */
	assert_valid(parse_edits(L_NOTIFY, "  notify = \"/nonexistent/rampart/notify.sh\";", 0));
	assert_string_equal(cfg.ha.notify, "/nonexistent/rampart/notify.sh");
	/* Without notify, no script. */
	assert_valid(parse_edits(L_NOTIFY, "", 0));
	assert_string_equal(cfg.ha.notify, "");
	/* The longest path that fits, and one more. */
	memset(want, 0, sizeof(want));
	snprintf(line, sizeof(line), "  notify = \"/%0*d\";", CFG_PATH_MAX * 2 - 2, 0);
	assert_valid(parse_edits(L_NOTIFY, line, 0));
	assert_int_equal(strlen(cfg.ha.notify), CFG_PATH_MAX * 2 - 1);
	snprintf(line, sizeof(line), "  notify = \"/%0*d\";", CFG_PATH_MAX * 2 - 1, 0);
	snprintf(want, sizeof(want),
	         "ha.notify: the path is %d characters long; at most %d are "
	         "allowed",
	         CFG_PATH_MAX * 2, CFG_PATH_MAX * 2 - 1);
	assert_only_error(parse_edits(L_NOTIFY, line, 0), L_NOTIFY, want);
}

/*
 * VRRP instances.
 */

static void
test_cfg_vrrp_parse_errors(void **state)
{
	static const struct edit_case cases[] = {
		{ L_VR0, "    { link_pair = \"lp0\"; priority = 150;", L_VR0,
		  "ha.vrrp[0]: required setting \"vrid\" is missing; give the virtual router id "
		  "shared with the other routers, e.g. vrid = 51;" },
		{ L_VR0, "    { vrid = 0; link_pair = \"lp0\"; priority = 150;", L_VR0,
		  "ha.vrrp[0].vrid: 0 is out of range; allowed 1 to 255" },
		{ L_VR0, "    { vrid = 256; link_pair = \"lp0\"; priority = 150;", L_VR0,
		  "ha.vrrp[0].vrid: 256 is out of range" },
		{ L_VR0, "    { vrid = 51; priority = 150;", L_VR0,
		  "ha.vrrp[0]: required setting \"link_pair\" is missing; name the link pair the "
		  "instance runs on, e.g. link_pair = \"lp0\";" },
		{ L_VR0, "    { vrid = 51; link_pair = \"lp9\"; priority = 150;", L_VR0,
		  "ha.vrrp[0].link_pair: no link pair named \"lp9\" (link pairs are: lp0, lp1)" },
		{ L_VR0, "    { vrid = 51; link_pair = \"lp0\"; priority = 0;", L_VR0,
		  "ha.vrrp[0].priority: 0 is out of range; allowed 1 to 255" },
		{ L_VR0, "    { vrid = 51; link_pair = \"lp0\"; priority = 256;", L_VR0,
		  "ha.vrrp[0].priority: 256 is out of range" },
		{ L_VR0B, "      advert_interval_ms = 0;", L_VR0B,
		  "ha.vrrp[0].advert_interval_ms: 0 is out of range; allowed 10 to 40950" },
		{ L_VR0B, "      advert_interval_ms = 40960;", L_VR0B,
		  "ha.vrrp[0].advert_interval_ms: 40960 is out of range" },
		{ L_VR0B, "      advert_interval_ms = 105;", L_VR0B,
		  "ha.vrrp[0].advert_interval_ms: 105 is not a multiple of 10; the advert carries "
		  "the interval in centiseconds, so allowed are 10, 20, ... 40950" },
		{ L_VR0B, "      preempt_delay_s = 3601;", L_VR0B,
		  "ha.vrrp[0].preempt_delay_s: 3601 is out of range; allowed 0 to 3600" },
		{ L_VR0B, "      preempt = false; preempt_delay_s = 5;", L_VR0B,
		  "ha.vrrp[0].preempt_delay_s: a preempt delay means nothing with preempt = false; "
		  "remove it or set preempt = true" },
		{ L_VR0C, "      version = 2; vips = [ \"198.51.100.100/24\" ]; },", L_VR0C,
		  "ha.vrrp[0].version: version 2 is not supported; only VRRPv3 (RFC 9568) is, so "
		  "set version = 3 or leave it out" },
		{ L_VR0C, "      version = 256; vips = [ \"198.51.100.100/24\" ]; },", L_VR0C,
		  "ha.vrrp[0].version: version 256 is not supported" },
		{ L_VR0C, "      version = 3; },", L_VR0,
		  "ha.vrrp[0]: required setting \"vips\" is missing; list the virtual addresses, "
		  "e.g. vips = [ \"198.51.100.100/24\" ];" },
		{ L_VR0C, "      vips = []; },", L_VR0C,
		  "ha.vrrp[0].vips: the list is empty; give 1 to 16" },
		{ L_VR0C,
		  "      vips = [ \"198.51.100.1\", \"198.51.100.2\", \"198.51.100.3\", "
		  "\"198.51.100.4\", \"198.51.100.5\", \"198.51.100.6\", \"198.51.100.7\", "
		  "\"198.51.100.8\", \"198.51.100.9\", \"198.51.100.10\", \"198.51.100.11\", "
		  "\"198.51.100.12\", \"198.51.100.13\", \"198.51.100.14\", \"198.51.100.15\", "
		  "\"198.51.100.16\", \"198.51.100.17\" ]; },",
		  L_VR0C, "ha.vrrp[0].vips: 17 are given; at most 16 are allowed" },
		{ L_VR0C, "      vips = [ \"198.51.100.100/24\", \"198.51.100.100/25\" ]; },",
		  L_VR0C,
		  "ha.vrrp[0].vips[1]: \"198.51.100.100/25\" is listed twice; give each vip once" },
		{ L_VR0C, "      vips = [ \"198.51.100.255/24\" ]; },", L_VR0C,
		  "ha.vrrp[0].vips[0]: \"198.51.100.255/24\" is the broadcast address of its "
		  "subnet" },
		{ L_VR0C, "      vips = [ \"224.0.0.18\" ]; },", L_VR0C,
		  "ha.vrrp[0].vips[0]: \"224.0.0.18\" is a multicast address" },
		{ L_VR0C, "      vips = \"vip\"; },", L_VR0C,
		  "ha.vrrp[0].vips: \"vip\" is not an IPv4 or IPv6 address with an optional prefix "
		  "length" },
		{ L_VR0C, "      vips = ( \"198.51.100.100/24\", 1 ); },", L_VR0C,
		  "ha.vrrp[0].vips[1]: must be a string, not an integer" },
		{ L_VR1,
		  "    { vrid = 51; link_pair = \"lp0\"; vips = [ \"198.51.100.101/24\" ]; }",
		  L_VR1,
		  "ha.vrrp[1].vrid: 51 is already used by ha.vrrp[0] (line 28) on the upstream "
		  "side "
		  "of link pair lp0 for IPv4; a vrid is unique per link pair, side and family" },
		{ L_VR1,
		  "    { vrid = 52; link_pair = \"lp1\"; vips = [ \"198.51.100.100/24\" ]; }",
		  L_VR1,
		  "ha.vrrp[1].vips: 198.51.100.100 is already a vip of ha.vrrp[0] (line 30); an "
		  "address belongs to one instance" },
		{ L_VR0,
		  "    { vrid = 51; link_pair = \"lp0\"; side = \"upstream\"; priority = 255;",
		  L_VR0,
		  "ha.vrrp[0].priority: 255 is reserved for the owner of the vips, and a node owns "
		  "no address on an l2 link pair (lp0); use 1 to 254" },
	};

	(void)state;
	RUN_CASES(cases);
}

/* An element left out of a list does not shift the index the next ones are named by. */
static void
test_cfg_vrrp_parse_vips_element_paths(void **state)
{
	(void)state;
	assert_int_equal(
		parse_edits(L_VR0C,
	                    "      vips = ( 1, \"198.51.100.100/24\", \"198.51.100.0/24\" ); "
	                    "},",
	                    0),
		-EINVAL);
	assert_int_equal(errs.count, 2);
	assert_error(L_VR0C, "ha.vrrp[0].vips[0]: must be a string, not an integer");
	assert_error(L_VR0C, "ha.vrrp[0].vips[2]: \"198.51.100.0/24\" is the network address");
	assert_int_equal(cfg.ha.vrrp[0].n_vips, 1);
}

static void
test_cfg_vrrp_parse_active_passive_needs_instance(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_VRRP, "", L_VR0, "", L_VR0B, "", L_VR0C, "", L_VR1, "",
	                              L_VRRP_END, "", 0),
	                  L_MODE,
	                  "ha: mode \"active-passive\" needs at least one vrrp instance to decide "
	                  "which node is active");
	assert_only_error(parse_edits(L_VRRP, "  vrrp = ();", L_VR0, "", L_VR0B, "", L_VR0C, "",
	                              L_VR1, "", L_VRRP_END, "", 0),
	                  L_VRRP, "ha: mode \"active-passive\" needs at least one vrrp instance");
	/* active-passive is the default mode. */
	assert_only_error(parse_edits(L_MODE, "", L_VRRP, "", L_VR0, "", L_VR0B, "", L_VR0C, "",
	                              L_VR1, "", L_VRRP_END, "", 0),
	                  L_HA, "ha: mode \"active-passive\" needs at least one vrrp instance");
	/* A wrong type is said once, not twice. */
	assert_only_error(parse_edits(L_VRRP, "  vrrp = { };", L_VR0, "", L_VR0B, "", L_VR0C, "",
	                              L_VR1, "", L_VRRP_END, "", 0),
	                  L_VRRP, "ha.vrrp: must be a list of instance groups");
}

static void
test_cfg_vrrp_parse_too_many_instances(void **state)
{
	char buf[8192];
	size_t o = 0;

	(void)state;
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "  vrrp = (");
	for (int i = 0; i < CFG_MAX_VRRP + 1; i++)
		o += (size_t)snprintf(
			buf + o, sizeof(buf) - o,
			"%s { vrid = %d; link_pair = \"lp0\"; vips = \"198.51.100.%d\"; }",
			i > 0 ? "," : "", i + 1, i + 1);
	snprintf(buf + o, sizeof(buf) - o, " );");
	assert_only_error(parse_edits(L_VRRP, buf, L_VR0, "", L_VR0B, "", L_VR0C, "", L_VR1, "",
	                              L_VRRP_END, "", 0),
	                  L_VRRP, "ha.vrrp: 17 instances are defined; at most 16 are supported");
	assert_int_equal(cfg.ha.n_vrrp, CFG_MAX_VRRP);
	/* Exactly the maximum is fine. */
	o = 0;
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "  vrrp = (");
	for (int i = 0; i < CFG_MAX_VRRP; i++)
		o += (size_t)snprintf(
			buf + o, sizeof(buf) - o,
			"%s { vrid = %d; link_pair = \"lp0\"; vips = \"198.51.100.%d\"; }",
			i > 0 ? "," : "", i + 1, i + 1);
	snprintf(buf + o, sizeof(buf) - o, " );");
	assert_valid(parse_edits(L_VRRP, buf, L_VR0, "", L_VR0B, "", L_VR0C, "", L_VR1, "",
	                         L_VRRP_END, "", 0));
	assert_int_equal(cfg.ha.n_vrrp, CFG_MAX_VRRP);
	assert_int_equal(cfg.ha.vrrp[15].vrid, 16);
}

/* VRRP instances on an l3 link pair: the address owner, VIPs on the side's subnets. */
/* The issue's own example lists an IPv4 and an IPv6 VIP in one instance: it is two virtual
 * routers on the wire, one per family, and the config says so with family 0. */
static void
test_cfg_vrrp_parse_both_families(void **state)
{
	(void)state;
	assert_valid(parse_edits(L_VR0C,
	                         "      vips = [ \"198.51.100.100/24\", \"2001:db8::100/64\" ]; }",
	                         L_VR1, "", 0));
	assert_int_equal(cfg.ha.n_vrrp, 1);
	assert_int_equal(cfg.ha.vrrp[0].family, 0);
	assert_int_equal(cfg.ha.vrrp[0].n_vips, 2);
	assert_int_equal(cfg.ha.vrrp[0].vips[0].family, 4);
	assert_int_equal(cfg.ha.vrrp[0].vips[1].family, 6);
	/* One family alone keeps its family. */
	assert_valid(parse_edits(0));
	assert_int_equal(cfg.ha.vrrp[0].family, 4);
	assert_int_equal(cfg.ha.vrrp[1].family, 6);
	/* The IPv6 router of the mixed instance collides with another IPv6 one of that vrid. */
	assert_only_error(
		parse_edits(
			L_VR0C, "      vips = [ \"198.51.100.100/24\", \"2001:db8::100/64\" ]; },",
			L_VR1,
			"    { vrid = 51; link_pair = \"lp0\"; vips = [ \"2001:db8::200/64\" ]; }",
			0),
		L_VR1, "ha.vrrp[1].vrid: 51 is already used by ha.vrrp[0]");
}

static void
test_cfg_vrrp_parse_l3_owner(void **state)
{
	static const struct edit_case cases[] = {
		/* The node's own address as a VIP makes it the owner, which runs at 255. */
		{ L_VR0C, "      vips = [ \"198.51.100.1/24\" ]; },", L_VR0C,
		  "ha.vrrp[0].vips: 198.51.100.1 is this node's own address on link pair lp0 "
		  "(upstream_address), which makes the node its owner: set priority = 255, or use "
		  "another address as the vip" },
		/* 255 for VIPs the node does not own. */
		{ L_VR0,
		  "    { vrid = 51; link_pair = \"lp0\"; side = \"upstream\"; priority = 255;",
		  L_VR0,
		  "ha.vrrp[0].priority: 255 is reserved for the owner of the vips, but "
		  "198.51.100.100 is not an address of link pair lp0 (upstream_address); use 1 to "
		  "254" },
		/* A VIP off every subnet of its side could not be reached by the neighbours. */
		{ L_VR0C, "      vips = [ \"192.168.77.1/24\" ]; },", L_VR0C,
		  "ha.vrrp[0].vips: 192.168.77.1 is on none of the subnets of link pair lp0's "
		  "upstream side (upstream_address); the neighbours could not reach it" },
		{ L_VR0,
		  "    { vrid = 51; link_pair = \"lp0\"; side = \"protected\"; priority = 150;",
		  L_VR0C,
		  "ha.vrrp[0].vips: 198.51.100.100 is on none of the subnets of link pair lp0's "
		  "protected side" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc =
			parse_edits(L_LP0, LP0_L3, L_VR1, VR1_LP1, cases[i].line, cases[i].text, 0);

		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, cases[i].err_line, cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu (%s): rc %d, expected only \"%s\"", i, cases[i].text, rc,
			         cases[i].error);
		}
	}
	/* Owner at 255, with every VIP one of the node's addresses on that side. */
	assert_valid(parse_edits(L_LP0, LP0_L3, L_VR1, VR1_LP1, L_VR0,
	                         "    { vrid = 51; link_pair = \"lp0\"; side = \"protected\"; "
	                         "priority = 255;",
	                         L_VR0C, "      vips = \"203.0.113.1/24\"; },", 0));
	assert_int_equal(cfg.ha.vrrp[0].priority, 255);
	/* A VIP on the side's subnet; a link-local IPv6 VIP is on-link by definition. */
	assert_valid(parse_edits(L_LP0, LP0_L3, L_VR1,
	                         "    { vrid = 51; link_pair = \"lp0\"; vips = [ \"fe80::51\" ]; }",
	                         0));
	/* Both errors of an instance that mixes owned and not owned VIPs at 255. */
	assert_int_equal(parse_edits(L_LP0, LP0_L3, L_VR1, VR1_LP1, L_VR0,
	                             "    { vrid = 51; link_pair = \"lp0\"; priority = 255;",
	                             L_VR0C,
	                             "      vips = [ \"198.51.100.1/24\", "
	                             "\"198.51.100.100/24\" ]; },",
	                             0),
	                 -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_error(L_VR0, "but 198.51.100.100 is not an address of link pair lp0");
}

/*
 * The bypass group.
 */

static void
test_cfg_bypass_parse_errors(void **state)
{
	static const struct edit_case cases[] = {
		{ L_DRIVER, "  driver = 1;", L_DRIVER,
		  "bypass.driver: must be a string, not an integer" },
		{ L_WATCHDOG, "  watchdog_ms = 4;", L_WATCHDOG,
		  "bypass.watchdog_ms: 4 is too short to be fed reliably; allowed 0 (no watchdog) "
		  "or "
		  "5 to 60000" },
		{ L_WATCHDOG, "  watchdog_ms = 60001;", L_WATCHDOG,
		  "bypass.watchdog_ms: 60001 is out of range; allowed 0 to 60000" },
		{ L_WATCHDOG, "  watchdog_ms = -1;", L_WATCHDOG,
		  "bypass.watchdog_ms: -1 is out of range" },
		{ L_WATCHDOG, "  watchdog_ms = \"20\";", L_WATCHDOG,
		  "bypass.watchdog_ms: must be an integer from 0 to 60000, not a string" },
		{ L_REARM_AFTER, "  rearm_after_s = 86401;", L_REARM_AFTER,
		  "bypass.rearm_after_s: 86401 is out of range; allowed 0 to 86400" },
		{ L_LINK_FAILURE, "  on_link_failure = \"yes\";", L_LINK_FAILURE,
		  "bypass.on_link_failure: must be true or false, not a string" },
		{ L_PIN_PATH, "  pin_path = \"sys/fs/bpf\";", L_PIN_PATH,
		  "bypass.pin_path: \"sys/fs/bpf\" is a relative path; give an absolute path" },
		{ L_PIN_PATH, "  pin_path = \"\";", L_PIN_PATH,
		  "bypass.pin_path: must not be empty" },
		{ L_SYSFS, "  sysfs = \"/sys/x\";", L_SYSFS,
		  "bypass.sysfs: must be a group { ... }, not a string" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"value\"; };", L_SYSFS,
		  "bypass.sysfs.bypass_path: \"value\" is a relative path" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; watchdog_path = \"wdt\"; };",
		  L_SYSFS, "bypass.sysfs.watchdog_path: \"wdt\" is a relative path" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; disconnect_path = \"\"; };",
		  L_SYSFS, "bypass.sysfs.disconnect_path: must not be empty" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; bypass_on = \"\"; };", L_SYSFS,
		  "bypass.sysfs.bypass_on: the value written to the file must be 1 to 63 "
		  "characters "
		  "long" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; watchdog_kick = \"a\\nb\"; };",
		  L_SYSFS,
		  "bypass.sysfs.watchdog_kick: byte 0x0a at position 2 is not printable ASCII" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; disconnect_off = 0; };", L_SYSFS,
		  "bypass.sysfs.disconnect_off: must be a string, not an integer" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; bypass_off = \"1\"; };", L_SYSFS,
		  "bypass.sysfs: bypass_on and bypass_off are both \"1\"; they must differ" },
		{ L_SYSFS, "  sysfs = { bypass_path = \"/sys/x\"; disconnect_on = \"0\"; };",
		  L_SYSFS,
		  "bypass.sysfs: disconnect_on and disconnect_off are both \"0\"; they must "
		  "differ" },
	};
	char line[512], want[160];

	(void)state;
	RUN_CASES(cases);
	/* pin_path leaves room for "/<node id>". */
	snprintf(line, sizeof(line), "  pin_path = \"/%0*d\";", CFG_PATH_MAX * 2 - 2 - 5, 0);
	assert_valid(parse_edits(L_PIN_PATH, line, 0));
	snprintf(line, sizeof(line), "  pin_path = \"/%0*d\";", CFG_PATH_MAX * 2 - 2 - 4, 0);
	snprintf(want, sizeof(want),
	         "bypass.pin_path: the path is %d characters long; at most %d "
	         "are allowed (the node id is appended to it)",
	         CFG_PATH_MAX * 2 - 5, CFG_PATH_MAX * 2 - 1 - 5);
	assert_only_error(parse_edits(L_PIN_PATH, line, 0), L_PIN_PATH, want);
}

static void
test_cfg_bypass_parse_sysfs_driver(void **state)
{
	(void)state;
	assert_valid(parse_edits(L_DRIVER, "  driver = \"sysfs\";", 0));
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_SYSFS);
	/* sysfs needs the relay's file. */
	assert_only_error(
		parse_edits(L_DRIVER, "  driver = \"sysfs\";", L_SYSFS, "", 0), L_DRIVER,
		"bypass.driver: \"sysfs\" needs sysfs.bypass_path, the file that switches "
		"the bypass relay, e.g. sysfs = { bypass_path = "
		"\"/sys/class/gpio/gpio17/value\"; };");
	assert_only_error(parse_edits(L_DRIVER, "  driver = \"sysfs\";", L_SYSFS,
	                              "  sysfs = { watchdog_path = \"/sys/wdt\"; };", 0),
	                  L_DRIVER, "bypass.driver: \"sysfs\" needs sysfs.bypass_path");
	/* A wrong bypass_path is said once, not also as missing. */
	assert_only_error(parse_edits(L_DRIVER, "  driver = \"sysfs\";", L_SYSFS,
	                              "  sysfs = { bypass_path = \"gpio\"; };", 0),
	                  L_SYSFS, "bypass.sysfs.bypass_path: \"gpio\" is a relative path");
	/* PCI ports are fine with a hardware bypass. */
	assert_valid(parse_edits(L_DRIVER, "  driver = \"sysfs\";", L_PORT0,
	                         "  { name = \"up0\"; device = \"0000:03:00.0\"; },", 0));
	/* The sysfs group may stay while another driver is chosen; it is still checked. */
	assert_valid(parse_edits(L_DRIVER, "  driver = \"none\";", 0));
	assert_string_equal(cfg.bypass.sysfs.bypass_path, "/sys/class/gpio/gpio17/value");
}

static void
test_cfg_bypass_parse_xdp_ports(void **state)
{
	static const struct edit_case cases[] = {
		{ L_PORT0, "  { name = \"up0\"; device = \"0000:03:00.0\"; },", L_PORT0,
		  "ports[0]: bypass.driver \"xdp\" (line 37) attaches to the kernel interface of "
		  "every port, so port \"up0\" must be a net_af_packet or net_af_xdp device with "
		  "iface=..., not \"0000:03:00.0\"" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_tap0,iface=tap0\"; },", L_PORT1,
		  "port \"down0\" must be a net_af_packet or net_af_xdp device with iface=..., not "
		  "\"net_tap0,iface=tap0\"" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1\"; },", L_PORT1,
		  "ports[1]: bypass.driver \"xdp\" (line 37) attaches to the kernel interface of "
		  "every port, but the device \"net_af_packet1\" of port \"down0\" names none; add "
		  "iface=<interface>" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1,iface=,qpairs=2\"; },",
		  L_PORT1, "names none; add iface=<interface>" },
		{ L_PORT1,
		  "  { name = \"down0\"; device = \"net_af_packet1,iface=abcdefghijklmnop\"; },",
		  L_PORT1,
		  "ports[1]: the device \"net_af_packet1,iface=abcdefghijklmnop\" names an "
		  "interface "
		  "that cannot exist; a Linux interface name is 1 to 15 characters without '/'" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1,iface=a/b\"; },",
		  L_PORT1, "names an interface that cannot exist" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1,iface=rpv-up0\"; },",
		  L_PORT1,
		  "ports[1]: interface \"rpv-up0\" is also the interface of ports[0] \"up0\" (line "
		  "4); each port needs its own interface" },
	};

	(void)state;
	RUN_CASES(cases);
	/* The eth_ alias of af_packet, the longest interface name. */
	assert_valid(parse_edits(L_PORT1,
	                         "  { name = \"down0\"; device = \"eth_af_packet9,qpairs=2,"
	                         "iface=abcdefghijklmno\"; },",
	                         0));
	/* Without the xdp driver, any device will do. */
	assert_valid(parse_edits(L_DRIVER, "  driver = \"none\";", L_PORT0,
	                         "  { name = \"up0\"; device = \"0000:03:00.0\"; },", 0));
}

/* An 82599 adapter's relay wires its own two ports: each link pair must be the two functions
 * of one PCI device, and the watchdog must fit the adapter's longest step. */
static void
test_cfg_bypass_parse_ixgbe_ports(void **state)
{
	static const char *const pci[] = {
		"  { name = \"up0\"; device = \"0000:03:00.0\"; },",
		"  { name = \"down0\"; device = \"03:00.1\"; },",
		"  { name = \"up1\"; device = \"0000:04:00.1,rx_low_latency=1\"; },",
		"  { name = \"down1\"; device = \"0000:04:00.0\"; }",
	};

	(void)state;
	/* Both pairs on adapters; the controlling function may be either side. */
	assert_valid_and(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", L_WATCHDOG,
	                             "  watchdog_ms = 32000;", L_PORT0, pci[0], L_PORT1, pci[1],
	                             L_PORT2, pci[2], L_PORT3, pci[3], 0),
	                 cfg.bypass.driver == CFG_BYPASS_IXGBE && cfg.bypass.watchdog_ms == 32000,
	                 "config with the ixgbe driver");
	assert_string_equal(cfg_bypass_driver_name(cfg.bypass.driver), "ixgbe");

	/* The base config's af_packet and af_xdp ports: each is reported on its link pair. */
	assert_int_equal(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", 0), -EINVAL);
	assert_error_count(4);
	assert_error(L_LP0, "link_pairs[0]: bypass.driver \"ixgbe\" (line 37) drives a bypass "
	                    "adapter's PCI ports, and port \"up0\" is "
	                    "\"net_af_packet0,iface=rpv-up0\", not a PCI address");
	assert_error(L_LP0, "port \"down0\" is \"net_af_packet1,iface=rpv-down0\"");
	assert_error(L_LP1, "link_pairs[1]: bypass.driver \"ixgbe\" (line 37) drives a bypass "
	                    "adapter's PCI ports, and port \"up1\"");
	assert_error(L_LP1, "port \"down1\"");

	/* Two adapters' ports in one pair; then one PCI port beside a vdev. */
	assert_only_error(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", L_PORT0, pci[0], L_PORT1,
	                              "  { name = \"down0\"; device = \"06:00.1\"; },", L_PORT2,
	                              pci[2], L_PORT3, pci[3], 0),
	                  L_LP0,
	                  "link_pairs[0]: bypass.driver \"ixgbe\" (line 37): ports up0 "
	                  "(0000:03:00.0) and down0 (06:00.1) are not the two ports of one "
	                  "adapter, whose relay wires only its own ports together: they must be "
	                  "two functions of the same PCI device");
	assert_int_equal(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", L_PORT0, pci[0], L_PORT1,
	                             pci[1], L_PORT2, pci[2], 0),
	                 -EINVAL);
	assert_error_count(1);
	assert_error(L_LP1, "port \"down1\" is \"net_af_packet2,iface=rpv-down1\"");

	/* The adapter's longest watchdog step is 32 s; 0 turns it off. */
	assert_only_error(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", L_WATCHDOG,
	                              "  watchdog_ms = 32001;", L_PORT0, pci[0], L_PORT1, pci[1],
	                              L_PORT2, pci[2], L_PORT3, pci[3], 0),
	                  L_WATCHDOG,
	                  "bypass.watchdog_ms: 32001 ms is longer than the ixgbe bypass adapter's "
	                  "longest watchdog (32000 ms); its steps are 1500, 2000, 3000, 4000, "
	                  "8000, 16000 and 32000 ms");
	assert_valid(parse_edits(L_DRIVER, "  driver = \"ixgbe\";", L_WATCHDOG,
	                         "  watchdog_ms = 0;", L_PORT0, pci[0], L_PORT1, pci[1], L_PORT2,
	                         pci[2], L_PORT3, pci[3], 0));
	/* The same ports with another driver: watchdog_ms up to 60 s. */
	assert_valid(parse_edits(L_DRIVER, "  driver = \"sysfs\";", L_WATCHDOG,
	                         "  watchdog_ms = 60000;", L_PORT0, pci[0], L_PORT1, pci[1],
	                         L_PORT2, pci[2], L_PORT3, pci[3], 0));
}

static void
test_cfg_bypass_parse_watchdog_against_idle_sleep(void **state)
{
	(void)state;
	/* A quarter of 20 ms is 5000 us: one more and an idle worker looks wedged. */
	assert_only_error(
		parse_edits(L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 5001; };", 0),
		L_WATCHDOG,
		"bypass.watchdog_ms: 20 ms is too short for workers.idle_sleep_us = 5001: "
		"an idle worker would look wedged and engage the bypass; keep "
		"idle_sleep_us at most watchdog_ms * 1000 / 4 (5000), or set "
		"watchdog_ms to at least 21, or 0 for no watchdog");
	assert_valid(parse_edits(L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 5001; };",
	                         L_WATCHDOG, "  watchdog_ms = 21;", 0));
	assert_valid(parse_edits(L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 100000; };",
	                         L_WATCHDOG, "  watchdog_ms = 0;", 0));
	/* The default watchdog (20 ms) applies when watchdog_ms is left out: the error is on
	 * the driver that makes it count. */
	assert_only_error(parse_edits(L_WORKERS,
	                              "workers = { lcores = [1]; idle_sleep_us = 6000; };",
	                              L_WATCHDOG, "", L_DRIVER, "  driver = \"sysfs\";", 0),
	                  L_BYPASS, "bypass.watchdog_ms: 20 ms is too short");
}

/*
 * Helpers others use.
 */

static void
test_cfg_ifaddr_parse_valid(void **state)
{
	struct cfg_ifaddr a;

	(void)state;
	assert_int_equal(cfg_ifaddr_parse("198.51.100.1/24", &a), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.len, 24);
	/* Host bits are kept. */
	assert_memory_equal(a.addr, "\xc6\x33\x64\x01", 4);
	assert_int_equal(cfg_ifaddr_parse("203.0.113.7", &a), 0);
	assert_int_equal(a.len, 32);
	assert_int_equal(cfg_ifaddr_parse("0.0.0.0/0", &a), 0);
	assert_int_equal(a.len, 0);
	assert_int_equal(cfg_ifaddr_parse("2001:db8::1/64", &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(a.len, 64);
	assert_int_equal(a.addr[0], 0x20);
	assert_int_equal(a.addr[1], 0x01);
	assert_int_equal(a.addr[15], 0x01);
	assert_int_equal(cfg_ifaddr_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.len, 128);
	assert_int_equal(cfg_ifaddr_parse("::ffff:198.51.100.1/128", &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(a.addr[12], 198);
	assert_int_equal(cfg_ifaddr_parse("198.51.100.1/032", &a), 0);
	assert_int_equal(a.len, 32);
}

static void
test_cfg_ifaddr_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"/24",
		"198.51.100",
		"198.51.100.1.2",
		"198.51.100.256",
		"198.051.100.1",
		"198.51.100.1/",
		"198.51.100.1/33",
		"198.51.100.1/-1",
		"198.51.100.1/+8",
		"198.51.100.1/ 8",
		"198.51.100.1/0024",
		"198.51.100.1/24/8",
		" 198.51.100.1",
		"198.51.100.1 ",
		"2001:db8::1/129",
		"2001:db8:::1",
		"fe80::1%eth0",
		"2001:db8::1/64x",
		"host.example",
		"2001:db8:0:0:0:0:0:0:1/64",
	};
	struct cfg_ifaddr a;
	char big[300];

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cfg_ifaddr_parse(bad[i], &a) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	}
	/* A refused string leaves the output alone. */
	assert_int_equal(a.family, 0x5a);
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cfg_ifaddr_parse(big, &a), -EINVAL);
	assert_int_equal(cfg_ifaddr_parse(NULL, &a), -EINVAL);
	assert_int_equal(cfg_ifaddr_parse("198.51.100.1", NULL), -EINVAL);
}

static void
test_cfg_ifaddr_format_round_trip(void **state)
{
	static const char *const forms[] = {
		"198.51.100.1/24",          "203.0.113.255/32", "0.0.0.0/0",
		"2001:db8::1/64",           "fe80::1/128",      "::/0",
		"2001:db8:1:2:3:4:5:6/127",
	};
	struct cfg_ifaddr a;
	char buf[64], small[8];

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(cfg_ifaddr_parse(forms[i], &a), 0);
		cfg_ifaddr_format(&a, true, buf, sizeof(buf));
		assert_string_equal(buf, forms[i]);
	}
	assert_int_equal(cfg_ifaddr_parse("2001:0db8:0000::0001/64", &a), 0);
	cfg_ifaddr_format(&a, true, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1/64");
	cfg_ifaddr_format(&a, false, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
	/* Cut short, never overrun. */
	cfg_ifaddr_format(&a, true, small, sizeof(small));
	assert_string_equal(small, "2001:db");
	/* Not an address. */
	memset(&a, 0, sizeof(a));
	cfg_ifaddr_format(&a, true, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	cfg_ifaddr_format(NULL, true, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	cfg_ifaddr_format(&a, true, NULL, 10);
	cfg_ifaddr_format(&a, true, buf, 0);
}

static void
test_cfg_ifaddr_contains_boundaries(void **state)
{
	struct cfg_ifaddr a;
	uint8_t x[16];

	(void)state;
	assert_int_equal(cfg_ifaddr_parse("198.51.100.77/23", &a), 0);
	inet_pton(AF_INET, "198.51.100.0", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET, "198.51.101.255", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET, "198.51.102.0", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET, "198.51.99.255", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	assert_int_equal(cfg_ifaddr_parse("198.51.100.77", &a), 0);
	inet_pton(AF_INET, "198.51.100.77", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET, "198.51.100.76", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	assert_int_equal(cfg_ifaddr_parse("203.0.113.1/0", &a), 0);
	inet_pton(AF_INET, "255.255.255.255", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	assert_int_equal(cfg_ifaddr_parse("2001:db8::1/127", &a), 0);
	inet_pton(AF_INET6, "2001:db8::", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET6, "2001:db8::2", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	assert_int_equal(cfg_ifaddr_parse("2001:db8:1::1/48", &a), 0);
	inet_pton(AF_INET6, "2001:db8:1:ffff::", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET6, "2001:db8:2::", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	assert_int_equal(cfg_ifaddr_parse("2001:db8::1/65", &a), 0);
	inet_pton(AF_INET6, "2001:db8::7fff:ffff:ffff:ffff", x);
	assert_true(cfg_ifaddr_contains(&a, x));
	inet_pton(AF_INET6, "2001:db8::8000:0:0:0", x);
	assert_false(cfg_ifaddr_contains(&a, x));
	assert_false(cfg_ifaddr_contains(NULL, x));
	assert_false(cfg_ifaddr_contains(&a, NULL));
	memset(&a, 0, sizeof(a));
	assert_false(cfg_ifaddr_contains(&a, x));
}

static void
test_cfg_port_iface_devargs(void **state)
{
	static const struct {
		const char *device;
		int rc;
		const char *iface;
	} cases[] = {
		{ "net_af_packet0,iface=rpv-up0", 0, "rpv-up0" },
		{ "net_af_xdp0,start_queue=0,iface=eth1,queue_count=2", 0, "eth1" },
		{ "net_af_packet1,qpairs=2,iface=veth-a", 0, "veth-a" },
		{ "net_tap0,iface=tap7", 0, "tap7" },
		/* The first iface= counts, as in the driver. */
		{ "net_af_packet0,iface=a,iface=b", 0, "a" },
		{ "net_af_packet0", -ENOENT, NULL },
		{ "net_af_packet0,qpairs=2", -ENOENT, NULL },
		{ "net_af_packet0,iface=", -ENOENT, NULL },
		{ "net_af_packet0,iface=,qpairs=1", -ENOENT, NULL },
		{ "net_af_packet0,xiface=eth0", -ENOENT, NULL },
		{ "0000:03:00.0,iface=eth0", -ENOENT, NULL },
		{ "03:00.0", -ENOENT, NULL },
		{ "", -ENOENT, NULL },
	};
	struct cfg_port p;
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		memset(&p, 0, sizeof(p));
		snprintf(p.device, sizeof(p.device), "%s", cases[i].device);
		strcpy(buf, "untouched");
		rc = cfg_port_iface(&p, buf, sizeof(buf));
		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, expected %d", cases[i].device, rc, cases[i].rc);
		if (cases[i].iface != NULL)
			assert_string_equal(buf, cases[i].iface);
	}
	snprintf(p.device, sizeof(p.device), "net_af_packet0,iface=rpv-up0");
	assert_int_equal(cfg_port_iface(&p, buf, 8), 0);
	assert_string_equal(buf, "rpv-up0");
	assert_int_equal(cfg_port_iface(&p, buf, 7), -ENAMETOOLONG);
	assert_int_equal(cfg_port_iface(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cfg_port_iface(&p, NULL, sizeof(buf)), -EINVAL);
	assert_int_equal(cfg_port_iface(&p, buf, 0), -EINVAL);
}

static void
test_cfg_enum_names(void **state)
{
	(void)state;
	assert_string_equal(cfg_pair_mode_name(CFG_PAIR_L2), "l2");
	assert_string_equal(cfg_pair_mode_name(CFG_PAIR_L3), "l3");
	assert_string_equal(cfg_pair_mode_name((enum cfg_pair_mode)2), "unknown");
	assert_string_equal(cfg_side_name(CFG_SIDE_UPSTREAM), "upstream");
	assert_string_equal(cfg_side_name(CFG_SIDE_PROTECTED), "protected");
	assert_string_equal(cfg_side_name((enum cfg_side) - 1), "unknown");
	assert_string_equal(cfg_ha_mode_name(CFG_HA_ACTIVE_PASSIVE), "active-passive");
	assert_string_equal(cfg_ha_mode_name(CFG_HA_ACTIVE_ACTIVE), "active-active");
	assert_string_equal(cfg_ha_mode_name(CFG_HA_CLUSTER), "cluster");
	assert_string_equal(cfg_ha_mode_name((enum cfg_ha_mode)3), "unknown");
	assert_string_equal(cfg_vrrp_checksum_name(CFG_VRRP_CSUM_RFC), "rfc");
	assert_string_equal(cfg_vrrp_checksum_name(CFG_VRRP_CSUM_V2_COMPAT), "v2-compatible");
	assert_string_equal(cfg_vrrp_checksum_name((enum cfg_vrrp_checksum)9), "unknown");
	assert_string_equal(cfg_bypass_driver_name(CFG_BYPASS_NONE), "none");
	assert_string_equal(cfg_bypass_driver_name(CFG_BYPASS_XDP), "xdp");
	assert_string_equal(cfg_bypass_driver_name(CFG_BYPASS_SYSFS), "sysfs");
	assert_string_equal(cfg_bypass_driver_name(CFG_BYPASS_IXGBE), "ixgbe");
	assert_string_equal(cfg_bypass_driver_name((enum cfg_bypass_driver)4), "unknown");
}

/* Errors in the new groups arrive in file order with the others. */
static void
test_cfg_ha_parse_errors_in_file_order(void **state)
{
	(void)state;
	assert_int_equal(parse_edits(L_PORT, "  port = 0;", L_WATCHDOG, "  watchdog_ms = 1;",
	                             L_PEER_CHECK, "  peer_check_interval_ms = 0;", L_VR0B,
	                             "      advert_interval_ms = 15;", 0),
	                 -EINVAL);
	assert_int_equal(errs.count, 4);
	assert_int_equal(errs.err[0].line, L_PORT);
	assert_int_equal(errs.err[1].line, L_PEER_CHECK);
	assert_int_equal(errs.err[2].line, L_VR0B);
	assert_int_equal(errs.err[3].line, L_WATCHDOG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_node_defaults_ha_and_bypass),
		cmocka_unit_test(test_cfg_node_parse_without_ha_or_bypass_standalone),
		cmocka_unit_test(test_cfg_ha_parse_minimal_takes_defaults),
		cmocka_unit_test(test_cfg_ha_parse_example_values),
		cmocka_unit_test(test_cfg_ha_parse_every_key_set),
		cmocka_unit_test(test_cfg_ha_parse_modes_and_keywords),
		cmocka_unit_test(test_cfg_pair_l3_parse_values),
		cmocka_unit_test(test_cfg_pair_l3_parse_errors),
		cmocka_unit_test(test_cfg_ha_parse_out_of_range),
		cmocka_unit_test(test_cfg_ha_parse_wrong_types),
		cmocka_unit_test(test_cfg_ha_parse_unknown_keys),
		cmocka_unit_test(test_cfg_ha_parse_keywords_refused),
		cmocka_unit_test(test_cfg_ha_parse_address_errors),
		cmocka_unit_test(test_cfg_ha_parse_peer_errors),
		cmocka_unit_test(test_cfg_ha_parse_notify),
		cmocka_unit_test(test_cfg_vrrp_parse_errors),
		cmocka_unit_test(test_cfg_vrrp_parse_vips_element_paths),
		cmocka_unit_test(test_cfg_vrrp_parse_active_passive_needs_instance),
		cmocka_unit_test(test_cfg_vrrp_parse_too_many_instances),
		cmocka_unit_test(test_cfg_vrrp_parse_both_families),
		cmocka_unit_test(test_cfg_vrrp_parse_l3_owner),
		cmocka_unit_test(test_cfg_bypass_parse_errors),
		cmocka_unit_test(test_cfg_bypass_parse_sysfs_driver),
		cmocka_unit_test(test_cfg_bypass_parse_xdp_ports),
		cmocka_unit_test(test_cfg_bypass_parse_ixgbe_ports),
		cmocka_unit_test(test_cfg_bypass_parse_watchdog_against_idle_sleep),
		cmocka_unit_test(test_cfg_ifaddr_parse_valid),
		cmocka_unit_test(test_cfg_ifaddr_parse_invalid),
		cmocka_unit_test(test_cfg_ifaddr_format_round_trip),
		cmocka_unit_test(test_cfg_ifaddr_contains_boundaries),
		cmocka_unit_test(test_cfg_port_iface_devargs),
		cmocka_unit_test(test_cfg_enum_names),
		cmocka_unit_test(test_cfg_ha_parse_errors_in_file_order),
	};

	return cmocka_run_group_tests_name("config_ha", tests, NULL, NULL);
}
