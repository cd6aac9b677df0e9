/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the node config parser and validator. Most cases start from a valid
 * ten-line config (base[] below), replace a few of its lines and check the errors: each one
 * on the line of the setting it is about, with the words that tell the operator what is wrong.
 * The sample files in tests/data/config/ are read through RP_TEST_DATA.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "node_edit.h"

#include "cfg.h"

/* The example config of the documentation, one setting group per line. */
static const char *const base[] = {
	NULL, /* lines count from 1 */
	"node = { id = \"rp-a\"; stack = \"edge\"; };",
	"dpdk = { lcores = \"0-1\"; memory_mb = 512; hugepages = false; extra_args = []; };",
	"ports = (",
	"  { name = \"up0\";   device = \"net_af_packet0,iface=rpv-up0\"; },",
	"  { name = \"down0\"; device = \"net_af_packet1,iface=rpv-down0\"; }",
	");",
	"link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; protected = \"down0\"; } );",
	"workers = { lcores = [1]; burst = 32; idle_sleep_us = 0; };",
	"control = { socket = \"/run/rampart/rampart.sock\"; socket_mode = \"0660\"; };",
	"log = { level = \"info\"; };",
};

#define BASE_LINES 10
#define L_NODE 1
#define L_DPDK 2
#define L_PORTS 3
#define L_PORT0 4
#define L_PORT1 5
#define L_PORTS_END 6
#define L_LINK_PAIRS 7
#define L_WORKERS 8
#define L_CONTROL 9
#define L_LOG 10

/* Line 6 with a third port nobody refers to; %s is its name. */
#define EXTRA_PORT "  , { name = %s; device = \"net_af_packet2,iface=rpv-x\"; } );"

static struct cfg_node cfg;
static struct cfg_errors errs;
static char text[256 * 1024];

static int
parse(const char *t)
{
	return cfg_node_parse(t, "test.conf", &cfg, &errs);
}

/*
 * Parse base[] with some lines replaced: pairs of (line, text) ending with line 0. Lines past
 * BASE_LINES are appended; a replacement may hold several lines.
 */
static int
parse_edits(int line, ...)
{
	va_list ap;

	va_start(ap, line);
	base_edit(text, sizeof(text), base, BASE_LINES, line, ap);
	va_end(ap);
	return parse(text);
}

static void
test_cfg_node_parse_example_valid(void **state)
{
	(void)state;
	assert_valid(parse_edits(0));
	assert_string_equal(errs.file, "test.conf");
	assert_string_equal(cfg.node.id, "rp-a");
	assert_string_equal(cfg.node.stack, "edge");
	assert_string_equal(cfg.dpdk.lcores, "0-1");
	assert_true(cfg.dpdk.lcore_set[0]);
	assert_true(cfg.dpdk.lcore_set[1]);
	assert_false(cfg.dpdk.lcore_set[2]);
	assert_int_equal(cfg.dpdk.main_lcore, 0);
	assert_int_equal(cfg.dpdk.memory_mb, 512);
	assert_false(cfg.dpdk.hugepages);
	assert_string_equal(cfg.dpdk.file_prefix, "rampart-rp-a");
	assert_int_equal(cfg.dpdk.n_extra_args, 0);
	assert_int_equal(cfg.n_ports, 2);
	assert_string_equal(cfg.ports[0].name, "up0");
	assert_string_equal(cfg.ports[0].device, "net_af_packet0,iface=rpv-up0");
	assert_int_equal(cfg.ports[0].line, L_PORT0);
	assert_string_equal(cfg.ports[1].name, "down0");
	assert_string_equal(cfg.ports[1].device, "net_af_packet1,iface=rpv-down0");
	assert_int_equal(cfg.ports[1].line, L_PORT1);
	assert_int_equal(cfg.n_link_pairs, 1);
	assert_string_equal(cfg.link_pairs[0].name, "lp0");
	assert_int_equal(cfg.link_pairs[0].upstream, 0);
	assert_int_equal(cfg.link_pairs[0].protected, 1);
	assert_int_equal(cfg.link_pairs[0].line, L_LINK_PAIRS);
	assert_int_equal(cfg.workers.n_lcores, 1);
	assert_int_equal(cfg.workers.lcores[0], 1);
	assert_int_equal(cfg.workers.burst, 32);
	assert_int_equal(cfg.workers.idle_sleep_us, 0);
	assert_string_equal(cfg.control.socket, "/run/rampart/rampart.sock");
	assert_int_equal(cfg.control.socket_mode, 0660);
	assert_int_equal(cfg.log.level, CFG_LOG_INFO);
}

static void
test_cfg_node_parse_link_pair_indexes_follow_names(void **state)
{
	(void)state;
	/* The protected port listed first: the indexes follow the names, not the order. */
	assert_valid(parse_edits(L_LINK_PAIRS,
	                         "link_pairs = ( { name = \"lp0\"; upstream = \"down0\"; "
	                         "protected = \"up0\"; } );",
	                         0));
	assert_int_equal(cfg.link_pairs[0].upstream, 1);
	assert_int_equal(cfg.link_pairs[0].protected, 0);
}

/* The default of every optional setting, as cfg.h documents it, on the first @n_ports ports. */
static void
assert_optional_defaults(unsigned int n_ports)
{
	for (unsigned int i = 0; i < n_ports; i++) {
		assert_int_equal(cfg.ports[i].rx_desc, 1024);
		assert_int_equal(cfg.ports[i].tx_desc, 1024);
		assert_true(cfg.ports[i].promiscuous);
	}
	assert_int_equal(cfg.workers.burst, 32);
	assert_int_equal(cfg.workers.idle_sleep_us, 0);
	assert_int_equal(cfg.workers.mbufs, 8191);
	assert_int_equal(cfg.workers.punt_rate_pps, 2000);
	assert_string_equal(cfg.control.socket, RP_DEFAULT_SOCKET);
	assert_int_equal(cfg.control.socket_mode, 0660);
	assert_true(cfg.control.telemetry);
	assert_int_equal(cfg.log.level, CFG_LOG_INFO);
	assert_string_equal(cfg.policy.file, "");
	assert_int_equal(cfg.mitigation.blocklist_size, 262144);
	assert_int_equal(cfg.mitigation.rate_sources, 65536);
	assert_int_equal(cfg.mitigation.offender_ring, 1024);
}

static void
test_cfg_node_defaults_values(void **state)
{
	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	cfg_node_defaults(&cfg);
	assert_string_equal(cfg.node.id, "");
	assert_string_equal(cfg.node.stack, "");
	assert_string_equal(cfg.dpdk.lcores, "");
	assert_int_equal(cfg.dpdk.memory_mb, 512);
	assert_false(cfg.dpdk.hugepages);
	assert_int_equal(cfg.n_ports, 0);
	assert_int_equal(cfg.n_link_pairs, 0);
	assert_int_equal(cfg.workers.n_lcores, 0);
	assert_optional_defaults(1);
}

static void
test_cfg_node_parse_minimal_defaults_applied(void **state)
{
	(void)state;
	assert_valid(
		parse("node = { id = \"n1\"; };\n"
	              "dpdk = { lcores = \"0,2\"; };\n"
	              "ports = ( { name = \"a\"; device = \"0000:03:00.0\"; },\n"
	              "          { name = \"b\"; device = \"0000:03:00.1\"; } );\n"
	              "link_pairs = ( { name = \"p\"; upstream = \"a\"; protected = \"b\"; } );\n"
	              "workers = { lcores = [2]; };\n"));
	assert_string_equal(cfg.node.stack, "");
	assert_int_equal(cfg.dpdk.memory_mb, 512);
	assert_false(cfg.dpdk.hugepages);
	assert_string_equal(cfg.dpdk.file_prefix, "rampart-n1");
	assert_int_equal(cfg.dpdk.main_lcore, 0);
	assert_optional_defaults(2);
}

static void
test_cfg_node_parse_every_optional_setting(void **state)
{
	(void)state;
	assert_valid(parse_edits(
		L_NODE, "node = { id = \"rp-b\"; stack = \"\"; };", L_DPDK,
		"dpdk = { lcores = \"3-5\"; memory_mb = 2048L; hugepages = true; "
		"file_prefix = \"custom_1\"; extra_args = (\"--log-level=lib.eal:8\", \"-n\", "
		"\"4\"); };",
		L_PORT0,
		"  { name = \"up0\"; device = \"net_af_packet0,iface=rpv-up0\"; rx_desc = 4096; "
		"tx_desc = 64; promiscuous = false; },",
		L_WORKERS,
		"workers = { lcores = [4, 5]; burst = 512; idle_sleep_us = 100000; "
		"mbufs = 4194303; };",
		L_CONTROL,
		"control = { socket = \"/tmp/r.sock\"; socket_mode = \"0600\"; "
		"telemetry = false; };",
		L_LOG, "log = { level = \"warning\"; };", BASE_LINES + 1,
		"policy = { file = \"policies/edge.conf\"; };", BASE_LINES + 2,
		"mitigation = { blocklist_size = 1048576; rate_sources = 131072; "
		"offender_ring = 4096; };",
		0));
	assert_string_equal(cfg.node.stack, "");
	assert_int_equal(cfg.dpdk.main_lcore, 3);
	assert_int_equal(cfg.dpdk.memory_mb, 2048);
	assert_true(cfg.dpdk.hugepages);
	assert_string_equal(cfg.dpdk.file_prefix, "custom_1");
	assert_int_equal(cfg.dpdk.n_extra_args, 3);
	assert_string_equal(cfg.dpdk.extra_args[0], "--log-level=lib.eal:8");
	assert_string_equal(cfg.dpdk.extra_args[1], "-n");
	assert_string_equal(cfg.dpdk.extra_args[2], "4");
	assert_int_equal(cfg.ports[0].rx_desc, 4096);
	assert_int_equal(cfg.ports[0].tx_desc, 64);
	assert_false(cfg.ports[0].promiscuous);
	/* The second port keeps its defaults. */
	assert_int_equal(cfg.ports[1].rx_desc, 1024);
	assert_true(cfg.ports[1].promiscuous);
	assert_int_equal(cfg.workers.n_lcores, 2);
	assert_int_equal(cfg.workers.lcores[0], 4);
	assert_int_equal(cfg.workers.lcores[1], 5);
	assert_int_equal(cfg.workers.burst, 512);
	assert_int_equal(cfg.workers.idle_sleep_us, 100000);
	assert_int_equal(cfg.workers.mbufs, 4194303);
	assert_string_equal(cfg.control.socket, "/tmp/r.sock");
	assert_int_equal(cfg.control.socket_mode, 0600);
	assert_false(cfg.control.telemetry);
	assert_int_equal(cfg.log.level, CFG_LOG_WARNING);
	/* Parsed from a string there is no directory: the path stays as written. */
	assert_string_equal(cfg.policy.file, "policies/edge.conf");
	assert_int_equal(cfg.mitigation.blocklist_size, 1048576);
	assert_int_equal(cfg.mitigation.rate_sources, 131072);
	assert_int_equal(cfg.mitigation.offender_ring, 4096);
}

static void
test_cfg_node_parse_syntax_error(void **state)
{
	(void)state;
	assert_only_error(parse("node = { id = \"a\"; };\n\ndpdk = { lcores = ; };\n"), 3,
	                  "not valid libconfig syntax");
	assert_only_error(parse_edits(L_WORKERS, "workers = { lcores = [1 };", 0), L_WORKERS,
	                  "syntax error");
	/* Unterminated string, then end of file. */
	assert_int_equal(parse("node = { id = \"a"), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.err[0].msg, "not valid libconfig syntax"));
}

static void
test_cfg_node_parse_syntax_error_on_string(void **state)
{
	(void)state;
	/* libconfig leaks the string on these: they are caught before it runs, same words. */
	assert_only_error(parse("\"a\" = 1;\n"), 1, "not valid libconfig syntax: syntax error");
	assert_only_error(parse("x = 1\n\n\"a\";\n"), 3,
	                  "not valid libconfig syntax: syntax error");
	assert_only_error(parse("x = { \"a\" };\n"), 1, "syntax error");
	assert_only_error(parse("x = [1 \"a\"];\n"), 1, "syntax error");
	/* A multi-line string is reported on its last line, as libconfig counts. */
	assert_only_error(parse("x = 1 \"a\n\nb\";\n"), 3, "syntax error");
	/* Adjacent strings are one value. */
	assert_valid(parse_edits(L_NODE, "node = { id = \"rp\" \"-a\"; };", 0));
	assert_string_equal(cfg.node.id, "rp-a");
}

static void
test_cfg_node_parse_nesting_too_deep(void **state)
{
	char deep[128];

	(void)state;
	snprintf(deep, sizeof(deep), "x = %.17s%.17s;", "(((((((((((((((((((",
	         ")))))))))))))))))))");
	assert_only_error(parse_edits(BASE_LINES + 1, deep, 0), BASE_LINES + 1,
	                  "settings nested more than 16 levels deep");
	/* Sixteen levels are still read, and the setting is merely unknown. */
	snprintf(deep, sizeof(deep), "x = %.15s[]%.15s;", "(((((((((((((((((((",
	         ")))))))))))))))))))");
	assert_only_error(parse_edits(BASE_LINES + 1, deep, 0), BASE_LINES + 1,
	                  "unknown top-level setting \"x\"");
}

static void
test_cfg_node_parse_comment_on_last_line(void **state)
{
	size_t o = 0;

	(void)state;
	/* libconfig 1.5 alone calls this a syntax error: a comment ending the file unterminated. */
	text[0] = '\0';
	for (int l = 1; l <= BASE_LINES; l++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\n", base[l]);
	snprintf(text + o, sizeof(text) - o, "# the end, without a newline");
	assert_valid(parse(text));
	snprintf(text + o, sizeof(text) - o, "// the end, without a newline");
	assert_valid(parse(text));
}

static void
test_cfg_node_parse_duplicate_setting(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_NODE, "node = { id = \"a\"; id = \"b\"; };", 0), L_NODE,
	                  "duplicate setting name");
}

static void
test_cfg_node_parse_include_refused(void **state)
{
	(void)state;
	assert_only_error(parse_edits(BASE_LINES + 2, " \t@include \"/etc/passwd\"", 0),
	                  BASE_LINES + 2, "@include is not supported");
	assert_only_error(parse("@include \"/dev/zero\"\n"), 1, "@include is not supported");
}

static void
test_cfg_node_parse_empty_text(void **state)
{
	static const char *const groups[] = { "node", "dpdk", "ports", "link_pairs", "workers" };

	(void)state;
	assert_int_equal(parse(""), -EINVAL);
	assert_error_count(5);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "required setting \"%s\" is missing", groups[i]);
		assert_error(0, want);
	}
}

static void
test_cfg_node_parse_unknown_top_level(void **state)
{
	(void)state;
	assert_only_error(parse_edits(BASE_LINES + 1, "nodes = { };", 0), BASE_LINES + 1,
	                  "unknown top-level setting \"nodes\" (allowed: node, dpdk, ports, "
	                  "link_pairs, workers, control, log, policy, mitigation, ha, bypass)");
}

static void
test_cfg_node_parse_unknown_in_every_group(void **state)
{
	(void)state;
	assert_int_equal(
		parse_edits(L_NODE, "node = { id = \"rp-a\"; foo = 1; };", L_DPDK,
	                    "dpdk = { lcores = \"0-1\"; lcore = \"0\"; };", L_PORT0,
	                    "  { name = \"up0\"; device = \"net_af_packet0\"; mtu = 1500; },",
	                    L_LINK_PAIRS,
	                    "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; protected = "
	                    "\"down0\"; peer = \"x\"; } );",
	                    L_WORKERS, "workers = { lcores = [1]; queues = 2; };", L_CONTROL,
	                    "control = { port = 80; };", L_LOG,
	                    "log = { level = \"info\"; file = \"/tmp/x\"; };", BASE_LINES + 1,
	                    "policy = { file = \"p.conf\"; reload = true; };", BASE_LINES + 2,
	                    "mitigation = { blocklist = 1024; };", 0),
		-EINVAL);
	assert_error_count(9);
	assert_error(L_NODE, "unknown setting \"foo\" in node (allowed: id, stack)");
	assert_error(L_DPDK, "unknown setting \"lcore\" in dpdk (allowed: lcores, memory_mb, "
	                     "hugepages, file_prefix, extra_args)");
	assert_error(L_PORT0, "unknown setting \"mtu\" in ports[0] (allowed: name, device, "
	                      "rx_desc, tx_desc, promiscuous)");
	assert_error(L_LINK_PAIRS, "unknown setting \"peer\" in link_pairs[0] (allowed: name, "
	                           "upstream, protected, mode, upstream_address, "
	                           "protected_address, upstream_gateway, protected_gateway)");
	assert_error(L_WORKERS, "unknown setting \"queues\" in workers (allowed: lcores, burst, "
	                        "idle_sleep_us, mbufs, punt_rate_pps)");
	assert_error(L_CONTROL, "unknown setting \"port\" in control (allowed: socket, "
	                        "socket_mode, telemetry)");
	assert_error(L_LOG, "unknown setting \"file\" in log (allowed: level)");
	assert_error(BASE_LINES + 1, "unknown setting \"reload\" in policy (allowed: file)");
	assert_error(BASE_LINES + 2, "unknown setting \"blocklist\" in mitigation (allowed: "
	                             "blocklist_size, rate_sources, offender_ring)");
}

static void
test_cfg_node_parse_missing_top_level_groups(void **state)
{
	(void)state;
	/* control and log are optional; the rest is required. */
	assert_int_equal(parse_edits(L_NODE, "", L_DPDK, "", L_PORTS, "", L_PORT0, "", L_PORT1, "",
	                             L_PORTS_END, "", L_LINK_PAIRS, "", L_WORKERS, "", 0),
	                 -EINVAL);
	assert_error_count(5);
	assert_error(0, "required setting \"node\" is missing");
	assert_error(0, "required setting \"dpdk\" is missing");
	assert_error(0, "required setting \"ports\" is missing; define at least one port");
	assert_error(0, "required setting \"link_pairs\" is missing; define at least one link");
	assert_error(0, "required setting \"workers\" is missing");
}

static void
test_cfg_node_parse_missing_required_settings(void **state)
{
	(void)state;
	assert_int_equal(parse_edits(L_NODE, "node = { stack = \"edge\"; };", L_DPDK,
	                             "dpdk = { memory_mb = 512; };", L_PORT0,
	                             "  { device = \"net_af_packet0\"; },", L_PORT1,
	                             "  { name = \"down0\"; }", L_LINK_PAIRS,
	                             "link_pairs = ( { } );", L_WORKERS,
	                             "workers = { burst = 32; };", 0),
	                 -EINVAL);
	assert_error_count(8);
	assert_error(L_NODE, "node: required setting \"id\" is missing");
	assert_error(L_DPDK, "dpdk: required setting \"lcores\" is missing");
	assert_error(L_PORT0, "ports[0]: required setting \"name\" is missing");
	assert_error(L_PORT1, "ports[1]: required setting \"device\" is missing");
	assert_error(L_LINK_PAIRS, "link_pairs[0]: required setting \"name\" is missing");
	assert_error(L_LINK_PAIRS, "link_pairs[0]: required setting \"upstream\" is missing");
	assert_error(L_LINK_PAIRS, "link_pairs[0]: required setting \"protected\" is missing");
	assert_error(L_WORKERS, "workers: required setting \"lcores\" is missing");
}

static void
test_cfg_node_parse_wrong_types(void **state)
{
	(void)state;
	assert_int_equal(
		parse_edits(L_NODE, "node = ( \"rp-a\" );", L_DPDK,
	                    "dpdk = { lcores = 1; memory_mb = 512.0; hugepages = \"no\"; "
	                    "extra_args = \"-v\"; file_prefix = 7; };",
	                    L_PORT0,
	                    "  { name = \"up0\"; device = 4; rx_desc = \"1024\"; tx_desc = 1.5; "
	                    "promiscuous = 1; },",
	                    L_WORKERS,
	                    "workers = { lcores = \"1\"; burst = true; idle_sleep_us = [0]; "
	                    "mbufs = 1e4; };",
	                    L_CONTROL,
	                    "control = { socket = 1; socket_mode = true; telemetry = \"yes\"; };",
	                    L_LOG, "log = { level = 7; };", 0),
		-EINVAL);
	assert_error_count(18);
	assert_error(L_NODE, "node: must be a group { ... }, not a list ( ... )");
	assert_error(L_DPDK, "dpdk.lcores: must be a string, not an integer");
	assert_error(L_DPDK, "dpdk.memory_mb: must be an integer from 64 to 1048576, not a "
	                     "floating-point number");
	assert_error(L_DPDK, "dpdk.hugepages: must be true or false, not a string");
	assert_error(L_DPDK, "dpdk.extra_args: must be a list of strings");
	assert_error(L_DPDK, "dpdk.file_prefix: must be a string, not an integer");
	assert_error(L_PORT0, "ports[0].device: must be a string, not an integer");
	assert_error(L_PORT0,
	             "ports[0].rx_desc: must be an integer from 64 to 16384, not a string");
	assert_error(L_PORT0, "ports[0].tx_desc: must be an integer from 64 to 16384, not a "
	                      "floating-point number");
	assert_error(L_PORT0, "ports[0].promiscuous: must be true or false, not an integer");
	assert_error(L_WORKERS, "workers.lcores: must be an array of lcore ids");
	assert_error(L_WORKERS, "workers.burst: must be an integer from 1 to 512, not a boolean");
	assert_error(L_WORKERS, "workers.idle_sleep_us: must be an integer from 0 to 100000, not "
	                        "an array [ ... ]");
	assert_error(L_WORKERS, "workers.mbufs: must be an integer from 1023 to 4194303, not a "
	                        "floating-point number");
	assert_error(L_CONTROL, "control.socket: must be a string, not an integer");
	assert_error(L_CONTROL, "control.socket_mode: must be a string of octal digits such as "
	                        "\"0660\", not a boolean");
	assert_error(L_CONTROL, "control.telemetry: must be true or false, not a string");
	assert_error(L_LOG, "log.level: must be a string, not an integer");
}

static void
test_cfg_node_parse_element_wrong_types(void **state)
{
	(void)state;
	assert_int_equal(parse_edits(L_PORT0, "  \"up0\",", L_LINK_PAIRS, "link_pairs = ( 5 );",
	                             L_WORKERS, "workers = { lcores = [ \"1\" ]; };", 0),
	                 -EINVAL);
	assert_error_count(3);
	assert_error(L_PORT0, "ports[0]: must be a group { name = ...; device = ...; }, not a "
	                      "string");
	assert_error(L_LINK_PAIRS, "link_pairs[0]: must be a group { name = ...; upstream = ...; "
	                           "protected = ...; }, not an integer");
	assert_error(L_WORKERS, "workers.lcores[0]: must be an lcore id from 0 to 127, not a "
	                        "string");
	/* ports and link_pairs themselves must be lists. */
	assert_int_equal(parse_edits(L_PORTS, "ports = { a = 1;", L_PORTS_END, "};", L_PORT0, "",
	                             L_PORT1, "", L_LINK_PAIRS, "link_pairs = \"lp0\";", 0),
	                 -EINVAL);
	assert_error_count(2);
	assert_error(L_PORTS, "ports: must be a list of port groups");
	assert_error(L_LINK_PAIRS, "link_pairs: must be a list of link pair groups");
}

static void
test_cfg_node_parse_int64_accepted(void **state)
{
	(void)state;
	assert_valid(parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 4096L; };",
	                         L_WORKERS, "workers = { lcores = [1L]; burst = 64L; };", 0));
	assert_int_equal(cfg.dpdk.memory_mb, 4096);
	assert_int_equal(cfg.workers.lcores[0], 1);
	assert_int_equal(cfg.workers.burst, 64);
	/* Out of range as a 64-bit value too. */
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 8589934592L; };", 0),
		L_DPDK, "dpdk.memory_mb: 8589934592 is out of range; allowed 64 to 1048576");
}

static void
test_cfg_node_parse_number_too_large_for_libconfig(void **state)
{
	(void)state;
	/* libconfig would hand back 512 and 1: the numbers are refused, not taken wrapped. */
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 4294967808; };", 0),
		L_DPDK, "the number 4294967808 is out of range; no setting takes a number");
	assert_only_error(parse_edits(L_WORKERS, "workers = { lcores = [4294967297]; };", 0),
	                  L_WORKERS, "the number 4294967297 is out of range");
	assert_only_error(
		parse_edits(L_WORKERS, "workers = { lcores = [1]; burst = 0x100000020; };", 0),
		L_WORKERS, "the number 0x100000020 is out of range");
	assert_only_error(parse_edits(L_CONTROL, "control = { socket_mode = -2147483649; };", 0),
	                  L_CONTROL, "the number -2147483649 is out of range");
	/* Long numbers are cut short in the message. */
	assert_only_error(parse_edits(L_WORKERS,
	                              "workers = { lcores = [1]; burst = "
	                              "123456789012345678901234567890; };",
	                              0),
	                  L_WORKERS, "the number 123456789012345678901234... is out of range");

	/* Big digits in strings, names, comments and floats, and 64-bit numbers, are fine. */
	assert_valid(parse_edits(L_NODE, "node = { id = \"n99999999999\"; }; # 99999999999", L_LOG,
	                         "log = { level = \"info\"; }; /* 99999999999\n 88888888888 */",
	                         BASE_LINES + 2, "// 77777777777", 0));
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 4294967808L; };", 0),
		L_DPDK, "dpdk.memory_mb: 4294967808 is out of range; allowed 64 to 1048576");
	assert_only_error(parse_edits(L_DPDK,
	                              "dpdk = { lcores = \"0-1\"; memory_mb = 1.5e99999999999; };",
	                              0),
	                  L_DPDK,
	                  "dpdk.memory_mb: must be an integer from 64 to 1048576, not a "
	                  "floating-point number");
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 0x7fffffff; };", 0),
		L_DPDK, "dpdk.memory_mb: 2147483647 is out of range");
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = -2147483648; };", 0),
		L_DPDK, "dpdk.memory_mb: -2147483648 is out of range");
	/* Lines are counted through multi-line strings and comments. */
	assert_only_error(
		parse_edits(L_NODE, "node = { id = \"rp-a\"; stack = \"a\\\n\nb\"; };", 0), L_NODE,
		"node.stack");
	assert_only_error(parse_edits(L_NODE, "/*\n\n*/ node = { id = \"rp-a\"; };", L_DPDK,
	                              "dpdk = { lcores = \"0-1\"; memory_mb = 99999999999; };", 0),
	                  L_DPDK + 2, "the number 99999999999");
}

struct range_case {
	int line;
	const char *text;
	const char *error;
};

static void
test_cfg_node_parse_out_of_range(void **state)
{
	static const struct range_case cases[] = {
		{ L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 63; };",
		  "dpdk.memory_mb: 63 is out of range; allowed 64 to 1048576" },
		{ L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 1048577; };",
		  "dpdk.memory_mb: 1048577 is out of range" },
		{ L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = -512; };",
		  "dpdk.memory_mb: -512 is out of range" },
		{ L_PORT0, "  { name = \"up0\"; device = \"net_af_packet0\"; rx_desc = 63; },",
		  "ports[0].rx_desc: 63 is out of range; allowed 64 to 16384" },
		{ L_PORT0, "  { name = \"up0\"; device = \"net_af_packet0\"; rx_desc = 16385; },",
		  "ports[0].rx_desc: 16385 is out of range" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1\"; tx_desc = 65536; }",
		  "ports[1].tx_desc: 65536 is out of range; allowed 64 to 16384" },
		{ L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1\"; tx_desc = 0; }",
		  "ports[1].tx_desc: 0 is out of range" },
		{ L_WORKERS, "workers = { lcores = [1]; burst = 0; };",
		  "workers.burst: 0 is out of range; allowed 1 to 512" },
		{ L_WORKERS, "workers = { lcores = [1]; burst = 513; };",
		  "workers.burst: 513 is out of range" },
		{ L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = 100001; };",
		  "workers.idle_sleep_us: 100001 is out of range; allowed 0 to 100000" },
		{ L_WORKERS, "workers = { lcores = [1]; idle_sleep_us = -1; };",
		  "workers.idle_sleep_us: -1 is out of range" },
		{ L_WORKERS, "workers = { lcores = [1]; mbufs = 1022; };",
		  "workers.mbufs: 1022 is out of range; allowed 1023 to 4194303" },
		{ L_WORKERS, "workers = { lcores = [1]; mbufs = 4194304; };",
		  "workers.mbufs: 4194304 is out of range" },
		{ L_WORKERS, "workers = { lcores = [1]; punt_rate_pps = 9; };",
		  "workers.punt_rate_pps: 9 is out of range; allowed 10 to 1000000" },
		{ L_WORKERS, "workers = { lcores = [1]; punt_rate_pps = 1000001; };",
		  "workers.punt_rate_pps: 1000001 is out of range" },
		{ L_WORKERS, "workers = { lcores = [128]; };",
		  "workers.lcores[0]: lcore 128 is out of range; lcore ids go from 0 to 127" },
		{ L_WORKERS, "workers = { lcores = [-1]; };",
		  "workers.lcores[0]: lcore -1 is out of range" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse_edits(cases[i].line, cases[i].text, 0);

		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, cases[i].line, cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu (%s): rc %d, expected only \"%s\"", i, cases[i].text, rc,
			         cases[i].error);
		}
	}
}

static void
test_cfg_node_parse_range_limits_accepted(void **state)
{
	(void)state;
	assert_valid(parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 64; };", L_PORT0,
	                         "  { name = \"up0\"; device = \"net_af_packet0\"; rx_desc = 64; "
	                         "tx_desc = 16384; },",
	                         L_WORKERS,
	                         "workers = { lcores = [1]; burst = 1; idle_sleep_us = 100000; "
	                         "mbufs = 1023; };",
	                         0));
	assert_int_equal(cfg.dpdk.memory_mb, 64);
	assert_int_equal(cfg.ports[0].rx_desc, 64);
	assert_int_equal(cfg.ports[0].tx_desc, 16384);
	assert_int_equal(cfg.workers.burst, 1);
	assert_int_equal(cfg.workers.mbufs, 1023);
	assert_valid(parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; memory_mb = 1048576; };",
	                         L_WORKERS,
	                         "workers = { lcores = [1]; burst = 512; mbufs = 4194303; };", 0));
	assert_int_equal(cfg.dpdk.memory_mb, 1048576);
	assert_int_equal(cfg.workers.burst, 512);
}

static void
test_cfg_node_parse_policy_and_mitigation_errors(void **state)
{
	static const struct range_case cases[] = {
		{ BASE_LINES + 1, "policy = \"p.conf\";",
		  "policy: must be a group { ... }, not a string" },
		{ BASE_LINES + 1, "policy = { file = 1; };",
		  "policy.file: must be a string, not an integer" },
		{ BASE_LINES + 1, "policy = { file = \"\"; };",
		  "policy.file: must not be empty; give the path of a policy file, or leave policy "
		  "out to start with the empty policy" },
		{ BASE_LINES + 1, "policy = { file = \"/etc/p\\n.conf\"; };",
		  "policy.file: byte 0x0a at position 7 is not printable ASCII" },
		{ BASE_LINES + 1, "mitigation = [ 1024 ];",
		  "mitigation: must be a group { ... }, not an array [ ... ]" },
		{ BASE_LINES + 1, "mitigation = { blocklist_size = 1023; };",
		  "mitigation.blocklist_size: 1023 is out of range; allowed 1024 to 16777216" },
		{ BASE_LINES + 1, "mitigation = { blocklist_size = 16777217; };",
		  "mitigation.blocklist_size: 16777217 is out of range" },
		{ BASE_LINES + 1, "mitigation = { rate_sources = 1023; };",
		  "mitigation.rate_sources: 1023 is out of range; allowed 1024 to 16777216" },
		{ BASE_LINES + 1, "mitigation = { rate_sources = 16777217; };",
		  "mitigation.rate_sources: 16777217 is out of range" },
		{ BASE_LINES + 1, "mitigation = { offender_ring = 63; };",
		  "mitigation.offender_ring: 63 is out of range; allowed 64 to 65536" },
		{ BASE_LINES + 1, "mitigation = { offender_ring = 65537; };",
		  "mitigation.offender_ring: 65537 is out of range" },
		{ BASE_LINES + 1, "mitigation = { offender_ring = \"1024\"; };",
		  "mitigation.offender_ring: must be an integer from 64 to 65536, not a string" },
	};
	char longer[300];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse_edits(cases[i].line, cases[i].text, 0);

		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, cases[i].line, cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu: expected only \"%s\" at line %d", i, cases[i].error,
			         cases[i].line);
		}
	}
	/* The path must fit in struct cfg_node, 215 characters. */
	snprintf(longer, sizeof(longer), "policy = { file = \"/%0215d\"; };", 0);
	assert_only_error(parse_edits(BASE_LINES + 1, longer, 0), BASE_LINES + 1,
	                  "policy.file: the path is longer than 215 characters");
	snprintf(longer, sizeof(longer), "policy = { file = \"/%0214d\"; };", 0);
	assert_valid(parse_edits(BASE_LINES + 1, longer, 0));
	assert_int_equal(strlen(cfg.policy.file), 215);
	/* The limits themselves are allowed. */
	assert_valid(parse_edits(BASE_LINES + 1,
	                         "mitigation = { blocklist_size = 1024; rate_sources = 16777216; "
	                         "offender_ring = 64; };",
	                         0));
	assert_int_equal(cfg.mitigation.blocklist_size, 1024);
	assert_int_equal(cfg.mitigation.rate_sources, 16777216);
	assert_int_equal(cfg.mitigation.offender_ring, 64);
	assert_valid(parse_edits(BASE_LINES + 1,
	                         "mitigation = { blocklist_size = 16777216; rate_sources = 1024; "
	                         "offender_ring = 65536; };",
	                         0));
	assert_int_equal(cfg.mitigation.blocklist_size, 16777216);
	assert_int_equal(cfg.mitigation.rate_sources, 1024);
	assert_int_equal(cfg.mitigation.offender_ring, 65536);
	/* An empty group keeps every default. */
	assert_valid(parse_edits(BASE_LINES + 1, "policy = { };", BASE_LINES + 2,
	                         "mitigation = { };", 0));
	assert_string_equal(cfg.policy.file, "");
	assert_int_equal(cfg.mitigation.blocklist_size, 262144);
}

static void
test_cfg_node_parse_empty_names(void **state)
{
	char port[160];

	(void)state;
	snprintf(port, sizeof(port), EXTRA_PORT, "\"\"");
	assert_int_equal(parse_edits(L_NODE, "node = { id = \"\"; };", L_PORT1,
	                             "  { name = \"down0\"; device = \"\"; }", L_PORTS_END, port,
	                             L_LINK_PAIRS,
	                             "link_pairs = ( { name = \"\"; upstream = \"up0\"; protected "
	                             "= \"down0\"; } );",
	                             0),
	                 -EINVAL);
	assert_error_count(4);
	assert_error(L_NODE, "node.id: must not be empty");
	assert_error(L_PORT1, "ports[1].device: must not be empty; give a PCI address");
	assert_error(L_PORTS_END, "ports[2].name: must not be empty");
	assert_error(L_LINK_PAIRS, "link_pairs[0].name: must not be empty");
}

static void
test_cfg_node_parse_bad_name_characters(void **state)
{
	char port[160];

	(void)state;
	snprintf(port, sizeof(port), EXTRA_PORT, "\"up/0\"");
	assert_int_equal(parse_edits(L_NODE, "node = { id = \"rp a\"; stack = \"-edge\"; };",
	                             L_DPDK,
	                             "dpdk = { lcores = \"0-1\"; file_prefix = \"../x\"; };",
	                             L_PORTS_END, port, L_LINK_PAIRS,
	                             "link_pairs = ( { name = \"lp\\x01\"; upstream = \"up0\"; "
	                             "protected = \"down0\"; } );",
	                             0),
	                 -EINVAL);
	assert_error_count(5);
	assert_error(L_NODE, "node.id: \"rp a\" contains a space; allowed are letters, digits, "
	                     "'_', '.' and '-'");
	assert_error(L_NODE, "node.stack: \"-edge\" must not start with '-'");
	assert_error(L_DPDK, "dpdk.file_prefix: \"../x\" contains '/'");
	assert_error(L_PORTS_END, "ports[2].name: \"up/0\" contains '/'");
	assert_error(L_LINK_PAIRS, "link_pairs[0].name: \"lp\\x01\" contains the byte 0x01");

	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-1\"; file_prefix = \".x\"; };", 0),
		L_DPDK, "dpdk.file_prefix: \".x\" must not start with '.'");
}

static void
test_cfg_node_parse_names_too_long(void **state)
{
	char id[CFG_ID_MAX + 1], line1[256], port_name[CFG_NAME_MAX + 1], port[256];

	(void)state;
	memset(id, 'i', CFG_ID_MAX);
	id[CFG_ID_MAX] = '\0';
	snprintf(line1, sizeof(line1), "node = { id = \"%s\"; };", id);
	memset(port_name, 'p', CFG_NAME_MAX);
	port_name[CFG_NAME_MAX] = '\0';
	snprintf(port, sizeof(port), "  , { name = \"%s\"; device = \"net_af_packet2\"; } );",
	         port_name);
	assert_int_equal(parse_edits(L_NODE, line1, L_PORTS_END, port, 0), -EINVAL);
	assert_error_count(2);
	assert_error(L_NODE, "node.id: \"iiii");
	assert_error(L_NODE, "is 64 characters long; at most 63 allowed");
	assert_error(L_PORTS_END, "is 32 characters long; at most 31 allowed");

	/* One character less fits. */
	port_name[CFG_NAME_MAX - 1] = '\0';
	snprintf(port, sizeof(port), "  { name = \"%s\"; device = \"net_af_packet2\"; }",
	         port_name);
	snprintf(line1, sizeof(line1),
	         "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; protected = \"%s\"; } );",
	         port_name);
	assert_valid(parse_edits(L_PORT1, port, L_LINK_PAIRS, line1, 0));
	assert_string_equal(cfg.ports[1].name, port_name);
	assert_int_equal(cfg.link_pairs[0].protected, 1);
}

static void
test_cfg_node_parse_strings_printable_ascii_only(void **state)
{
	(void)state;
	/* Found in review: a socket path with a byte that is not UTF-8 passed validation and
	 * then broke every JSON view that names it. */
	assert_only_error(parse_edits(L_CONTROL, "control = { socket = \"/run/r\xe9.sock\"; };", 0),
	                  L_CONTROL,
	                  "control.socket: byte 0xe9 at position 7 is not printable ASCII; only "
	                  "printable ASCII is allowed");
	assert_only_error(
		parse_edits(L_PORT0,
	                    "  { name = \"up0\"; device = \"net_af_packet0,iface=u\\t\"; },", 0),
		L_PORT0, "ports[0].device: byte 0x09 at position 23 is not printable");
	assert_only_error(
		parse_edits(L_DPDK,
	                    "dpdk = { lcores = \"0-1\"; extra_args = [\"--huge-dir=/x\xff\"]; };",
	                    0),
		L_DPDK, "dpdk.extra_args[0]: byte 0xff at position 14 is not printable");
}

static void
test_cfg_node_parse_port_in_no_link_pair(void **state)
{
	(void)state;
	assert_only_error(
		parse_edits(L_PORTS_END,
	                    "  , { name = \"spare0\"; device = \"net_af_packet2\"; } );", 0),
		L_PORTS_END,
		"ports[2]: port \"spare0\" is in no link pair; name it in link_pairs or remove it");
	/* Not said on top of a misspelt reference: the misspelling is the one error. */
	assert_only_error(parse_edits(L_LINK_PAIRS,
	                              "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; "
	                              "protected = \"dwn0\"; } );",
	                              0),
	                  L_LINK_PAIRS, "link_pairs[0].protected: no port named \"dwn0\"");
}

static void
test_cfg_node_parse_id_too_long_for_default_prefix(void **state)
{
	char id[64], line1[256];

	(void)state;
	/* "rampart-" plus 55 characters is 63: the longest default prefix. */
	memset(id, 'a', 55);
	id[55] = '\0';
	snprintf(line1, sizeof(line1), "node = { id = \"%s\"; };", id);
	assert_valid(parse_edits(L_NODE, line1, 0));
	assert_int_equal(strlen(cfg.dpdk.file_prefix), 63);
	assert_int_equal(strncmp(cfg.dpdk.file_prefix, "rampart-aaa", 11), 0);

	memset(id, 'a', 56);
	id[56] = '\0';
	snprintf(line1, sizeof(line1), "node = { id = \"%s\"; };", id);
	assert_only_error(parse_edits(L_NODE, line1, 0), L_NODE,
	                  "node.id: the default dpdk.file_prefix \"rampart-<id>\" would be 64 "
	                  "characters long, more than 63; shorten the id or set dpdk.file_prefix");
	/* Setting the prefix lifts the limit. */
	assert_valid(parse_edits(L_NODE, line1, L_DPDK,
	                         "dpdk = { lcores = \"0-1\"; file_prefix = \"rp\"; };", 0));
	assert_string_equal(cfg.dpdk.file_prefix, "rp");
	assert_string_equal(cfg.node.id, id);
}

static void
test_cfg_node_parse_duplicate_port_name(void **state)
{
	char port[160];

	(void)state;
	snprintf(port, sizeof(port), EXTRA_PORT, "\"down0\"");
	assert_only_error(parse_edits(L_PORTS_END, port, 0), L_PORTS_END,
	                  "ports[2].name: duplicate port name \"down0\" (first at line 5)");
	/* Split over lines, the error is on the duplicate's name line. */
	assert_int_equal(
		parse_edits(L_PORT1, "  { name = \"down0\"; device = \"net_af_packet1\"; },",
	                    L_PORTS_END,
	                    "  {\n device = \"net_af_packet2\";\n name = \"up0\";\n }\n);", 0),
		-EINVAL);
	assert_error_count(1);
	assert_error(L_PORTS_END + 2,
	             "ports[2].name: duplicate port name \"up0\" (first at line 4)");
}

static void
test_cfg_node_parse_duplicate_device(void **state)
{
	(void)state;
	/* Same vdev name with other arguments is still the same device to the EAL. */
	assert_only_error(
		parse_edits(L_PORTS_END,
	                    "  , { name = \"x\"; device = \"net_af_packet0,iface=other\"; } );", 0),
		L_PORTS_END,
		"ports[2].device: device \"net_af_packet0\" is already used by ports[0] "
		"\"up0\" (line 4); each port needs its own device");
	/* A PCI address written short or in upper case is the same device. */
	assert_only_error(parse_edits(L_PORT0, "  { name = \"up0\"; device = \"0000:3B:00.0\"; },",
	                              L_PORT1, "  { name = \"down0\"; device = \"3b:00.0\"; }", 0),
	                  L_PORT1,
	                  "ports[1].device: device \"0000:3b:00.0\" is already used by "
	                  "ports[0] \"up0\"");
	/* Two functions of one card are two devices. */
	assert_valid(parse_edits(L_PORT0, "  { name = \"up0\"; device = \"0000:3b:00.0\"; },",
	                         L_PORT1, "  { name = \"down0\"; device = \"0000:3b:00.1\"; }", 0));
}

static void
test_cfg_node_parse_device_bad_characters(void **state)
{
	(void)state;
	assert_only_error(
		parse_edits(L_PORT0, "  { name = \"up0\"; device = \"net_af_packet0, iface=x\"; },",
	                    0),
		L_PORT0, "ports[0].device: \"net_af_packet0, iface=x\" contains a space");
}

static void
test_cfg_node_parse_device_too_long(void **state)
{
	char dev[CFG_DEVICE_MAX + 1], line[CFG_DEVICE_MAX + 64];

	(void)state;
	memset(dev, 'd', CFG_DEVICE_MAX);
	dev[CFG_DEVICE_MAX] = '\0';
	snprintf(line, sizeof(line), "  { name = \"up0\"; device = \"%s\"; },", dev);
	assert_only_error(
		parse_edits(L_PORT0, line, 0), L_PORT0,
		"ports[0].device: the device is 256 characters long; at most 255 allowed");
}

static void
test_cfg_node_parse_duplicate_link_pair_name(void **state)
{
	(void)state;
	assert_only_error(
		parse_edits(L_PORTS_END,
	                    "  , { name = \"up1\"; device = \"net_af_packet2\"; },"
	                    " { name = \"down1\"; device = \"net_af_packet3\"; } );",
	                    L_LINK_PAIRS,
	                    "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; protected = "
	                    "\"down0\"; },\n"
	                    "  { name = \"lp0\"; upstream = \"up1\"; protected = \"down1\"; } );",
	                    0),
		L_LINK_PAIRS + 1,
		"link_pairs[1].name: duplicate link pair name \"lp0\" (first at line 7)");
}

static void
test_cfg_node_parse_port_in_two_link_pairs(void **state)
{
	(void)state;
	assert_only_error(
		parse_edits(L_PORTS_END, "  , { name = \"up1\"; device = \"net_af_packet2\"; } );",
	                    L_LINK_PAIRS,
	                    "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; protected = "
	                    "\"down0\"; },\n"
	                    "  { name = \"lp1\"; upstream = \"up1\"; protected = \"down0\"; } );",
	                    0),
		L_LINK_PAIRS + 1,
		"link_pairs[1].protected: port \"down0\" is already used by link pair \"lp0\" "
		"(line 7); a port belongs to one link pair only");
}

static void
test_cfg_node_parse_upstream_equals_protected(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_LINK_PAIRS,
	                              "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; "
	                              "protected = \"up0\"; } );",
	                              0),
	                  L_LINK_PAIRS,
	                  "link_pairs[0].protected: port \"up0\" is also the upstream port of this "
	                  "pair; a link pair joins two different ports");
}

static void
test_cfg_node_parse_dangling_port_reference(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_LINK_PAIRS,
	                              "link_pairs = ( { name = \"lp0\";\n upstream = \"up9\"; "
	                              "protected = \"down0\"; } );",
	                              0),
	                  L_LINK_PAIRS + 1,
	                  "link_pairs[0].upstream: no port named \"up9\" (ports are: up0, down0)");
	/* Names are case-sensitive. */
	assert_only_error(parse_edits(L_LINK_PAIRS,
	                              "link_pairs = ( { name = \"lp0\"; upstream = \"up0\"; "
	                              "protected = \"Down0\"; } );",
	                              0),
	                  L_LINK_PAIRS, "link_pairs[0].protected: no port named \"Down0\"");
}

static void
test_cfg_node_parse_empty_lists(void **state)
{
	(void)state;
	assert_int_equal(
		parse_edits(L_PORTS, "ports = ();", L_PORT0, "", L_PORT1, "", L_PORTS_END, "", 0),
		-EINVAL);
	/* The link pair's ports cannot exist: that is not reported again for each of them. */
	assert_error_count(1);
	assert_error(L_PORTS, "ports: the list is empty; define at least one port");
	assert_only_error(
		parse_edits(L_PORTS, "ports = [];", L_PORT0, "", L_PORT1, "", L_PORTS_END, "", 0),
		L_PORTS, "ports: the list is empty; define at least one port");
	/* Ports that are there but all misnamed. */
	assert_int_equal(parse_edits(L_PORT0, "  { name = \"up 0\"; device = \"net_null0\"; },",
	                             L_PORT1, "  { device = \"net_null1\"; }", 0),
	                 -EINVAL);
	assert_error_count(4);
	assert_error(L_LINK_PAIRS,
	             "link_pairs[0].upstream: no port named \"up0\" (no port has a valid name)");

	assert_only_error(parse_edits(L_LINK_PAIRS, "link_pairs = [];", 0), L_LINK_PAIRS,
	                  "link_pairs: the list is empty; define at least one link pair");
	assert_only_error(parse_edits(L_WORKERS, "workers = { lcores = []; };", 0), L_WORKERS,
	                  "workers.lcores: the list is empty; give at least one worker lcore");
}

/* Append to text[] at *@o; fails the test when it does not fit. */
static void
append(size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text + *o, sizeof(text) - *o, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(text) - *o);
	*o += (size_t)n;
}

/* A valid config with @ports ports, @pairs link pairs, @workers workers and @args extra args. */
static int
parse_sized(unsigned int ports, unsigned int pairs, unsigned int workers, unsigned int args)
{
	size_t o = 0;

	text[0] = '\0';
	append(&o, "node = { id = \"big\"; };\n");
	append(&o, "dpdk = { lcores = \"0-127\"; extra_args = [");
	for (unsigned int i = 0; i < args; i++)
		append(&o, "%s\"-v\"", i > 0 ? ", " : "");
	append(&o, "]; };\nports = (\n");
	for (unsigned int i = 0; i < ports; i++)
		append(&o, "%s{ name = \"p%u\"; device = \"net_ring%u\"; }\n", i > 0 ? ", " : "", i,
		       i);
	append(&o, ");\nlink_pairs = (\n");
	for (unsigned int i = 0; i < pairs; i++)
		append(&o, "%s{ name = \"lp%u\"; upstream = \"p%u\"; protected = \"p%u\"; }\n",
		       i > 0 ? ", " : "", i, 2 * i, 2 * i + 1);
	append(&o, ");\nworkers = { lcores = [");
	for (unsigned int i = 0; i < workers; i++)
		append(&o, "%s%u", i > 0 ? ", " : "", i + 1);
	append(&o, "]; };\n");
	return parse(text);
}

static void
test_cfg_node_parse_at_most_limits(void **state)
{
	(void)state;
	assert_valid(parse_sized(CFG_MAX_PORTS, CFG_MAX_LINK_PAIRS, CFG_MAX_WORKERS,
	                         CFG_MAX_EXTRA_ARGS));
	assert_int_equal(cfg.n_ports, CFG_MAX_PORTS);
	assert_int_equal(cfg.n_link_pairs, CFG_MAX_LINK_PAIRS);
	assert_int_equal(cfg.workers.n_lcores, CFG_MAX_WORKERS);
	assert_int_equal(cfg.dpdk.n_extra_args, CFG_MAX_EXTRA_ARGS);
	assert_int_equal(cfg.link_pairs[CFG_MAX_LINK_PAIRS - 1].protected, CFG_MAX_PORTS - 1);
	assert_int_equal(cfg.workers.lcores[CFG_MAX_WORKERS - 1], CFG_MAX_WORKERS);
}

static void
test_cfg_node_parse_too_many_entries(void **state)
{
	(void)state;
	assert_only_error(parse_sized(CFG_MAX_PORTS + 1, 1, 1, 0), 3,
	                  "ports: 33 ports are defined; at most 32 are supported");
	assert_only_error(parse_sized(CFG_MAX_PORTS, CFG_MAX_LINK_PAIRS + 1, 1, 0),
	                  3 + CFG_MAX_PORTS + 2,
	                  "link_pairs: 17 link pairs are defined; at most 16 are supported");
	assert_only_error(parse_sized(2, 1, CFG_MAX_WORKERS + 1, 0), 10,
	                  "workers.lcores: 65 lcores given; at most 64 workers are supported");
	assert_only_error(parse_sized(2, 1, 1, CFG_MAX_EXTRA_ARGS + 1), 2,
	                  "dpdk.extra_args: 33 arguments given; at most 32 are allowed");
}

static void
test_cfg_node_parse_worker_lcore_not_in_dpdk_lcores(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_WORKERS, "workers = { lcores = [5]; };", 0), L_WORKERS,
	                  "workers.lcores[0]: lcore 5 is not in dpdk.lcores \"0-1\"");
}

static void
test_cfg_node_parse_worker_on_main_lcore(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_WORKERS, "workers = { lcores = [0]; };", 0), L_WORKERS,
	                  "workers.lcores[0]: lcore 0 is the main lcore (the lowest of dpdk.lcores "
	                  "\"0-1\"), which runs the control thread");
	/* The main lcore is the lowest listed, not lcore 0. */
	assert_only_error(parse_edits(L_DPDK, "dpdk = { lcores = \"4,2-3\"; };", L_WORKERS,
	                              "workers = { lcores = [3, 2, 4]; };", 0),
	                  L_WORKERS, "workers.lcores[1]: lcore 2 is the main lcore");
	assert_valid(parse_edits(L_DPDK, "dpdk = { lcores = \"4,2-3\"; };", L_WORKERS,
	                         "workers = { lcores = [3, 4]; };", 0));
	assert_int_equal(cfg.dpdk.main_lcore, 2);
}

static void
test_cfg_node_parse_worker_lcore_duplicated(void **state)
{
	(void)state;
	assert_only_error(
		parse_edits(L_DPDK, "dpdk = { lcores = \"0-3\"; };", L_WORKERS,
	                    "workers = { lcores = [1,\n 2,\n 1]; };", 0),
		L_WORKERS + 2,
		"workers.lcores[2]: lcore 1 is listed twice (first as workers.lcores[0])");
}

static void
test_cfg_node_parse_bad_lcore_list(void **state)
{
	static const char *const bad[] = { "0-", "1-0", "x", "128", "", "0,,1", "0 1", "-1" };
	char line[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[96];
		int rc;

		snprintf(line, sizeof(line), "dpdk = { lcores = \"%s\"; };", bad[i]);
		snprintf(want, sizeof(want), "dpdk.lcores: \"%s\" is not a valid lcore list",
		         bad[i]);
		rc = parse_edits(L_DPDK, line, 0);
		/* The worker check needs a valid list, so nothing else is reported. */
		if (rc != -EINVAL || errs.count != 1 || !errors_have(&errs, L_DPDK, want)) {
			errors_dump(&errs);
			fail_msg("lcores \"%s\": expected only \"%s\"", bad[i], want);
		}
	}
	memset(line, 0, sizeof(line));
	strcpy(line, "dpdk = { lcores = \"");
	for (int i = 0; i < 64; i++)
		strcat(line, "1,");
	strcat(line, "1\"; };");
	assert_only_error(parse_edits(L_DPDK, line, 0), L_DPDK,
	                  "dpdk.lcores: the list is 129 characters long; at most 127 allowed");
}

static void
test_cfg_node_parse_unknown_log_level(void **state)
{
	(void)state;
	assert_only_error(parse_edits(L_LOG, "log = { level = \"verbose\"; };", 0), L_LOG,
	                  "log.level: unknown log level \"verbose\"; allowed: emerg, alert, crit, "
	                  "err, warning, notice, info, debug");
	assert_valid(parse_edits(L_LOG, "log = { level = \"warn\"; };", 0));
	assert_int_equal(cfg.log.level, CFG_LOG_WARNING);
	assert_valid(parse_edits(L_LOG, "log = { };", 0));
	assert_int_equal(cfg.log.level, CFG_LOG_INFO);
}

static void
test_cfg_node_parse_socket_mode_forms(void **state)
{
	static const struct {
		const char *value;
		unsigned int mode;
	} good[] = {
		{ "\"0600\"", 0600 }, { "\"600\"", 0600 }, { "\"0777\"", 0777 },
		{ "\"0\"", 0 },       { "660", 0660 },     { "0660", 0660 },
		{ "0x1b0", 0660 },    { "0", 0 },          { "777", 0777 },
	};
	static const struct {
		const char *value;
		const char *error;
	} bad[] = {
		{ "\"0668\"",
		  "control.socket_mode: \"0668\" is not an octal mode; write octal digits" },
		{ "\"\"", "control.socket_mode: \"\" is not an octal mode" },
		{ "\"rw-rw----\"", "control.socket_mode: \"rw-rw----\" is not an octal mode" },
		{ "\"0o660\"", "is not an octal mode" },
		{ "\"1777\"",
		  "control.socket_mode: 01777 is above 0777; only the permission bits" },
		{ "1777", "control.socket_mode: 01777 is above 0777" },
		{ "0x200", "control.socket_mode: 01000 is above 0777" },
		{ "800", "control.socket_mode: 800 is not an octal mode (digit 8)" },
		{ "-1", "control.socket_mode: -1 is not an octal mode" },
		{ "6.6",
		  "control.socket_mode: must be a string of octal digits such as \"0660\", not "
		  "a floating-point number" },
	};
	char line[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "control = { socket_mode = %s; };", good[i].value);
		assert_valid(parse_edits(L_CONTROL, line, 0));
		if (cfg.control.socket_mode != good[i].mode)
			fail_msg("socket_mode %s gave 0%o, expected 0%o", good[i].value,
			         (unsigned int)cfg.control.socket_mode, good[i].mode);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		snprintf(line, sizeof(line), "control = { socket_mode = %s; };", bad[i].value);
		rc = parse_edits(L_CONTROL, line, 0);
		if (rc != -EINVAL || errs.count != 1 ||
		    !errors_have(&errs, L_CONTROL, bad[i].error)) {
			errors_dump(&errs);
			fail_msg("socket_mode %s: expected only \"%s\"", bad[i].value,
			         bad[i].error);
		}
	}
}

static void
test_cfg_node_parse_socket_path_length(void **state)
{
	char path[CFG_PATH_MAX + 1], line[CFG_PATH_MAX + 64];

	(void)state;
	memset(path, 's', CFG_PATH_MAX);
	path[0] = '/';
	path[CFG_PATH_MAX] = '\0';
	snprintf(line, sizeof(line), "control = { socket = \"%s\"; };", path);
	assert_only_error(parse_edits(L_CONTROL, line, 0), L_CONTROL,
	                  "control.socket: the path is 108 characters long; a Unix socket path "
	                  "holds at most 107");
	/* 107 characters fit in sun_path with the NUL. */
	path[CFG_PATH_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "control = { socket = \"%s\"; };", path);
	assert_valid(parse_edits(L_CONTROL, line, 0));
	assert_string_equal(cfg.control.socket, path);

	assert_only_error(parse_edits(L_CONTROL, "control = { socket = \"\"; };", 0), L_CONTROL,
	                  "control.socket: must not be empty");
}

static void
test_cfg_node_parse_extra_args_eal_owned(void **state)
{
	static const struct {
		const char *arg;
		const char *setting;
	} owned[] = {
		{ "-l", "dpdk.lcores" },
		{ "-l0-1", "dpdk.lcores" },
		{ "--lcores=0@0", "dpdk.lcores" },
		{ "--lcores", "dpdk.lcores" },
		{ "-c", "dpdk.lcores" },
		{ "-c0x3", "dpdk.lcores" },
		{ "-vl0-1", "dpdk.lcores" },
		{ "-m", "dpdk.memory_mb" },
		{ "-m512", "dpdk.memory_mb" },
		{ "--no-huge", "dpdk.hugepages" },
		{ "--huge-unlink", "dpdk.hugepages (rampartd unlinks its hugepage files itself)" },
		{ "--huge-unlink=never",
		  "dpdk.hugepages (rampartd unlinks its hugepage files itself)" },
		{ "--file-prefix=x", "dpdk.file_prefix" },
		{ "--file-pre=x", "dpdk.file_prefix" },
		{ "--in-memory", "dpdk.file_prefix and dpdk.hugepages" },
		{ "--vdev=net_tap0", "ports[].device" },
		{ "--vdev", "ports[].device" },
		{ "-a", "ports[].device" },
		{ "-a0000:03:00.0", "ports[].device" },
		{ "--allow=0000:03:00.0", "ports[].device" },
		{ "-b0000:03:00.2",
		  "ports[].device (only the PCI devices named there are probed)" },
		{ "--block=0000:03:00.2",
		  "ports[].device (only the PCI devices named there are probed)" },
		{ "--no-pci", "ports[].device (PCI scanning is off when no port is a PCI device)" },
		{ "--main-lcore=1", "dpdk.lcores (the lowest lcore is the main one)" },
		{ "--master-lcore=1", "dpdk.lcores (the lowest lcore is the main one)" },
		{ "--socket-mem=512,512", "dpdk.memory_mb" },
		{ "--no-telemetry", "control.telemetry" },
		{ "--proc-type=secondary", "nothing: rampartd is always the primary process" },
		{ "--log-level=8", "log.level (per-type levels, TYPE:LEVEL, are allowed)" },
		{ "--log-level=debug", "log.level (per-type levels, TYPE:LEVEL, are allowed)" },
		{ "--log-lev=7", "log.level (per-type levels, TYPE:LEVEL, are allowed)" },
	};
	static const char *const allowed[] = {
		"--log-level=pmd.net.af_packet:debug",
		"--log-level=lib.eal:8",
		"-n",
		"4",
		"--iova-mode=va",
		"-v",
		"-d",
		"librte_net_ring.so",
		"-nl",
		"--",
		"lcores",
		"--no-",
		"--base-virtaddr=0x1",
	};
	char line[512];
	size_t o;

	(void)state;
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		char want[160];
		int rc;

		snprintf(line, sizeof(line),
		         "dpdk = { lcores = \"0-1\"; extra_args = [\"-v\", \"%s\"]; };",
		         owned[i].arg);
		snprintf(want, sizeof(want),
		         "dpdk.extra_args[1]: \"%s\" is an EAL option Rampart sets itself; use %s "
		         "instead",
		         owned[i].arg, owned[i].setting);
		rc = parse_edits(L_DPDK, line, 0);
		if (rc != -EINVAL || errs.count != 1 || !errors_have(&errs, L_DPDK, want)) {
			errors_dump(&errs);
			fail_msg("extra arg %s: expected only \"%s\"", owned[i].arg, want);
		}
	}
	o = (size_t)snprintf(line, sizeof(line), "dpdk = { lcores = \"0-1\"; extra_args = [");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s\"%s\"", i > 0 ? ", " : "",
		                      allowed[i]);
	snprintf(line + o, sizeof(line) - o, "]; };");
	assert_valid(parse_edits(L_DPDK, line, 0));
	assert_int_equal(cfg.dpdk.n_extra_args, sizeof(allowed) / sizeof(allowed[0]));
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		assert_string_equal(cfg.dpdk.extra_args[i], allowed[i]);
}

static void
test_cfg_node_parse_extra_args_bad_elements(void **state)
{
	char arg[CFG_EXTRA_ARG_MAX + 1], line[CFG_EXTRA_ARG_MAX + 128];

	(void)state;
	assert_int_equal(
		parse_edits(L_DPDK,
	                    "dpdk = { lcores = \"0-1\";\n extra_args = ( \"-v\", 5,\n \"\", "
	                    "[\"x\"] ); };",
	                    0),
		-EINVAL);
	assert_error_count(3);
	assert_error(L_DPDK + 1, "dpdk.extra_args[1]: must be a string, not an integer");
	assert_error(L_DPDK + 2, "dpdk.extra_args[2]: an empty argument");
	assert_error(L_DPDK + 2, "dpdk.extra_args[3]: must be a string, not an array [ ... ]");

	memset(arg, 'a', CFG_EXTRA_ARG_MAX);
	arg[0] = '-';
	arg[1] = '-';
	arg[CFG_EXTRA_ARG_MAX] = '\0';
	snprintf(line, sizeof(line), "dpdk = { lcores = \"0-1\"; extra_args = [\"%s\"]; };", arg);
	assert_only_error(
		parse_edits(L_DPDK, line, 0), L_DPDK,
		"dpdk.extra_args[0]: the argument is 256 characters long; at most 255 are allowed");
}

static void
test_cfg_node_parse_errors_in_file_order(void **state)
{
	(void)state;
	/* control comes first in the file but is checked after node: the output is sorted. */
	assert_int_equal(
		parse("control = { socket_mode = \"9\"; };\n"
	              "node = { id = \"a b\"; };\n"
	              "dpdk = { lcores = \"0-1\"; };\n"
	              "ports = ( { name = \"a\"; device = \"x0\"; }, { name = \"b\"; device = "
	              "\"x1\"; } );\n"
	              "link_pairs = ( { name = \"p\"; upstream = \"a\"; protected = \"b\"; } );\n"
	              "workers = { lcores = [1]; };\n"
	              "bogus = 1;\n"),
		-EINVAL);
	assert_error_count(3);
	assert_int_equal(errs.err[0].line, 1);
	assert_non_null(strstr(errs.err[0].msg, "control.socket_mode"));
	assert_int_equal(errs.err[1].line, 2);
	assert_non_null(strstr(errs.err[1].msg, "node.id"));
	assert_int_equal(errs.err[2].line, 7);
	assert_non_null(strstr(errs.err[2].msg, "bogus"));
}

static void
test_cfg_node_parse_errors_beyond_max_dropped(void **state)
{
	size_t o = 0;

	(void)state;
	text[0] = '\0';
	for (int l = 1; l <= BASE_LINES; l++)
		append(&o, "%s\n", base[l]);
	for (int i = 0; i < CFG_MAX_ERRORS + 6; i++)
		append(&o, "extra%d = %d;\n", i, i);
	assert_int_equal(parse(text), -EINVAL);
	assert_int_equal(errs.count, CFG_MAX_ERRORS);
	assert_int_equal(errs.dropped, 6);
	assert_error(BASE_LINES + 1, "unknown top-level setting \"extra0\"");
	assert_error(BASE_LINES + CFG_MAX_ERRORS, "unknown top-level setting \"extra63\"");
}

static void
test_cfg_node_parse_odd_bytes_quoted(void **state)
{
	(void)state;
	/* Control bytes and quotes in user text are escaped in messages. */
	assert_only_error(parse_edits(L_LOG, "log = { level = \"in\\\"fo\\n\"; };", 0), L_LOG,
	                  "unknown log level \"in\\\"fo\\x0a\"");
	/* Very long user text is cut short. */
	memset(text, 'z', 4000);
	memcpy(text, "log = { level = \"", 17);
	strcpy(text + 4000, "\"; };");
	assert_int_equal(parse(text), -EINVAL);
	assert_int_equal(errs.count, 6);
	assert_error(1, "unknown log level \"zzzz");
	assert_error(1, "\"...; allowed");
}

static void
test_cfg_node_parse_null_arguments(void **state)
{
	(void)state;
	assert_int_equal(cfg_node_parse(NULL, "x", &cfg, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(cfg_node_parse("", "x", NULL, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	/* Without an error list the result is still right. */
	snprintf(text, sizeof(text), "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n", base[1], base[2], base[3],
	         base[4], base[5], base[6], base[7], base[8]);
	assert_int_equal(cfg_node_parse(text, NULL, &cfg, NULL), 0);
	assert_string_equal(cfg.node.id, "rp-a");
	assert_int_equal(cfg_node_parse("x = 1;", NULL, &cfg, NULL), -EINVAL);
	assert_int_equal(cfg_node_parse("x = 1;", NULL, &cfg, &errs), -EINVAL);
	assert_string_equal(errs.file, "<string>");
}

static void
test_cfg_port_find_by_name(void **state)
{
	(void)state;
	assert_valid(parse_edits(0));
	assert_int_equal(cfg_port_find(&cfg, "up0"), 0);
	assert_int_equal(cfg_port_find(&cfg, "down0"), 1);
	assert_int_equal(cfg_port_find(&cfg, "up9"), -ENOENT);
	assert_int_equal(cfg_port_find(&cfg, ""), -ENOENT);
	assert_int_equal(cfg_port_find(&cfg, NULL), -ENOENT);
	assert_int_equal(cfg_port_find(NULL, "up0"), -ENOENT);
}

/* tests/data/config/@name, from RP_TEST_DATA. */
static const char *
data_path(const char *name)
{
	static char path[512];
	const char *dir = getenv("RP_TEST_DATA");

	if (dir == NULL)
		fail_msg("RP_TEST_DATA is not set; run the test through meson test");
	snprintf(path, sizeof(path), "%s/config/%s", dir, name);
	return path;
}

static void
test_cfg_node_load_valid_minimal(void **state)
{
	const char *path = data_path("valid-minimal.conf");

	(void)state;
	assert_valid(cfg_node_load(path, &cfg, &errs));
	assert_string_equal(errs.file, path);
	assert_string_equal(cfg.node.id, "rp-min");
	assert_string_equal(cfg.node.stack, "");
	assert_string_equal(cfg.dpdk.lcores, "0-1");
	assert_string_equal(cfg.dpdk.file_prefix, "rampart-rp-min");
	assert_int_equal(cfg.dpdk.memory_mb, 512);
	assert_int_equal(cfg.n_ports, 2);
	assert_string_equal(cfg.ports[1].device, "net_af_packet1,iface=rpv-down0");
	assert_int_equal(cfg.ports[0].rx_desc, 1024);
	assert_int_equal(cfg.n_link_pairs, 1);
	assert_int_equal(cfg.link_pairs[0].upstream, 0);
	assert_int_equal(cfg.link_pairs[0].protected, 1);
	assert_int_equal(cfg.workers.n_lcores, 1);
	assert_int_equal(cfg.workers.lcores[0], 1);
	assert_string_equal(cfg.control.socket, RP_DEFAULT_SOCKET);
	assert_int_equal(cfg.log.level, CFG_LOG_INFO);
}

static void
test_cfg_node_load_valid_full(void **state)
{
	char want[512];

	(void)state;
	assert_valid(cfg_node_load(data_path("valid-full.conf"), &cfg, &errs));
	assert_string_equal(cfg.node.id, "rp-full");
	assert_string_equal(cfg.node.stack, "edge");
	assert_string_equal(cfg.dpdk.lcores, "0-3,6");
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(cfg.dpdk.lcore_set[i], i <= 3 || i == 6);
	assert_int_equal(cfg.dpdk.main_lcore, 0);
	assert_int_equal(cfg.dpdk.memory_mb, 1024);
	assert_true(cfg.dpdk.hugepages);
	assert_string_equal(cfg.dpdk.file_prefix, "rp-full-test");
	assert_int_equal(cfg.dpdk.n_extra_args, 3);
	assert_string_equal(cfg.dpdk.extra_args[0], "--log-level=lib.eal:8");
	assert_int_equal(cfg.n_ports, 4);
	assert_string_equal(cfg.ports[0].name, "up0");
	assert_string_equal(cfg.ports[0].device, "0000:03:00.0");
	assert_int_equal(cfg.ports[0].rx_desc, 2048);
	assert_int_equal(cfg.ports[0].tx_desc, 512);
	assert_false(cfg.ports[0].promiscuous);
	assert_int_equal(cfg.ports[1].rx_desc, 4096);
	assert_int_equal(cfg.ports[1].tx_desc, 256);
	assert_int_equal(cfg.ports[3].rx_desc, 1024);
	assert_true(cfg.ports[3].promiscuous);
	assert_int_equal(cfg.n_link_pairs, 2);
	assert_string_equal(cfg.link_pairs[1].name, "lp1");
	assert_int_equal(cfg.link_pairs[1].upstream, 2);
	assert_int_equal(cfg.link_pairs[1].protected, 3);
	assert_int_equal(cfg.workers.n_lcores, 4);
	assert_int_equal(cfg.workers.lcores[3], 6);
	assert_int_equal(cfg.workers.burst, 64);
	assert_int_equal(cfg.workers.idle_sleep_us, 50);
	assert_int_equal(cfg.workers.punt_rate_pps, 5000);
	assert_int_equal(cfg.workers.mbufs, 16383);
	assert_string_equal(cfg.control.socket, "/tmp/rampart-full.sock");
	assert_int_equal(cfg.control.socket_mode, 0600);
	assert_false(cfg.control.telemetry);
	assert_int_equal(cfg.log.level, CFG_LOG_DEBUG);
	/* Relative to the directory of the config file. */
	snprintf(want, sizeof(want), "%s/config/../policy/valid-full.conf", getenv("RP_TEST_DATA"));
	assert_string_equal(cfg.policy.file, want);
	assert_int_equal(cfg.mitigation.blocklist_size, 524288);
	assert_int_equal(cfg.mitigation.rate_sources, 32768);
	assert_int_equal(cfg.mitigation.offender_ring, 2048);
	/* The l3 link pair, ha and bypass (every value is checked in test_ha.c). */
	assert_int_equal(cfg.link_pairs[0].mode, CFG_PAIR_L2);
	assert_int_equal(cfg.link_pairs[1].mode, CFG_PAIR_L3);
	assert_int_equal(cfg.link_pairs[1].side[CFG_SIDE_UPSTREAM].n_addrs, 2);
	assert_int_equal(cfg.link_pairs[1].side[CFG_SIDE_PROTECTED].n_addrs, 1);
	assert_true(cfg.link_pairs[1].side[CFG_SIDE_UPSTREAM].has_gw6);
	assert_true(cfg.link_pairs[1].side[CFG_SIDE_PROTECTED].has_gw4);
	assert_true(cfg.ha.enabled);
	assert_int_equal(cfg.ha.mode, CFG_HA_CLUSTER);
	assert_int_equal(cfg.ha.n_peers, 2);
	assert_int_equal(cfg.ha.peers[1].port, 7411);
	assert_int_equal(cfg.ha.max_flaps, 3);
	assert_int_equal(cfg.ha.min_active_links, 2);
	assert_int_equal(cfg.ha.n_vrrp, 1);
	assert_int_equal(cfg.ha.vrrp[0].link_pair, 1);
	assert_int_equal(cfg.ha.vrrp[0].side, CFG_SIDE_PROTECTED);
	assert_int_equal(cfg.ha.vrrp[0].checksum, CFG_VRRP_CSUM_V2_COMPAT);
	assert_int_equal(cfg.bypass.driver, CFG_BYPASS_SYSFS);
	assert_int_equal(cfg.bypass.watchdog_ms, 50);
	assert_false(cfg.bypass.start_in_bypass);
	assert_true(cfg.bypass.rearm_auto);
	assert_string_equal(cfg.bypass.sysfs.watchdog_kick, "kick");
}

static void
test_cfg_node_load_missing_file(void **state)
{
	const char *path = data_path("no-such-file.conf");

	(void)state;
	assert_int_equal(cfg_node_load(path, &cfg, &errs), -ENOENT);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.err[0].line, 0);
	assert_string_equal(errs.file, path);
	assert_non_null(strstr(errs.err[0].msg, "cannot open the config file: No such file"));
	assert_int_equal(cfg_node_load(NULL, &cfg, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
}

static void
test_cfg_node_load_directory(void **state)
{
	(void)state;
	assert_int_equal(cfg_node_load(data_path(""), &cfg, &errs), -EISDIR);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.err[0].msg, "is a directory"));
}

/* A file in a fresh temporary directory holding @len bytes of @data. */
static void
temp_file(char *dir, size_t dir_size, char *path, size_t path_size, const void *data, size_t len)
{
	FILE *fp;

	snprintf(dir, dir_size, "/tmp/rp-cfg-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, path_size, "%s/node.conf", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
temp_remove(const char *dir, const char *path)
{
	unlink(path);
	rmdir(dir);
}

/* base[] plus a policy group whose file is @file, written to a fresh temporary directory. */
static int
load_with_policy_file(const char *file, char *dir, size_t dir_size)
{
	char path[128], data[2048];
	size_t o = 0;
	int rc;

	for (int l = 1; l <= BASE_LINES; l++)
		o += (size_t)snprintf(data + o, sizeof(data) - o, "%s\n", base[l]);
	snprintf(data + o, sizeof(data) - o, "policy = { file = \"%s\"; };\n", file);
	temp_file(dir, dir_size, path, sizeof(path), data, strlen(data));
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	return rc;
}

static void
test_cfg_node_load_policy_file_resolved(void **state)
{
	char dir[64], want[256], name[300];

	(void)state;
	/* A relative path is joined to the directory the node config is in. */
	assert_valid(load_with_policy_file("policies/edge.conf", dir, sizeof(dir)));
	snprintf(want, sizeof(want), "%s/policies/edge.conf", dir);
	assert_string_equal(cfg.policy.file, want);
	/* An absolute path is kept. */
	assert_valid(load_with_policy_file("/etc/rampart/edge.conf", dir, sizeof(dir)));
	assert_string_equal(cfg.policy.file, "/etc/rampart/edge.conf");
	/* Joined, the path must still fit: 23 characters of directory + '/' + 200. */
	snprintf(name, sizeof(name), "%0200d", 7);
	assert_only_error(load_with_policy_file(name, dir, sizeof(dir)), BASE_LINES + 1,
	                  "policy.file: the path is longer than 215 characters once joined to the "
	                  "node config's directory");
}

static void
test_cfg_node_load_unreadable(void **state)
{
	char dir[64], path[128];
	int rc;

	(void)state;
	if (geteuid() == 0) {
		/* root reads a mode 000 file anyway: nothing to test. */
		skip();
	}
	temp_file(dir, sizeof(dir), path, sizeof(path), "x = 1;\n", 7);
	assert_int_equal(chmod(path, 0), 0);
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	assert_int_equal(rc, -EACCES);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.err[0].msg, "Permission denied"));
}

static void
test_cfg_node_load_too_big(void **state)
{
	char dir[64], path[128];
	char *big = malloc(CFG_FILE_SIZE_MAX + 1);
	int rc;

	(void)state;
	assert_non_null(big);
	/* One long comment: at the limit it is read (and lacks every setting). */
	memset(big, ' ', CFG_FILE_SIZE_MAX + 1);
	big[0] = '#';
	big[CFG_FILE_SIZE_MAX - 1] = '\n';
	temp_file(dir, sizeof(dir), path, sizeof(path), big, CFG_FILE_SIZE_MAX);
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	assert_int_equal(rc, -EINVAL);
	assert_error(0, "required setting \"node\" is missing");

	temp_file(dir, sizeof(dir), path, sizeof(path), big, CFG_FILE_SIZE_MAX + 1);
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	free(big);
	assert_int_equal(rc, -EFBIG);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.err[0].msg, "the file is larger than 1048576 bytes"));
}

static void
test_cfg_node_load_nul_byte(void **state)
{
	static const char data[] = "node = {\n id = \"a\";\n\0 };\n";
	char dir[64], path[128];
	int rc;

	(void)state;
	temp_file(dir, sizeof(dir), path, sizeof(path), data, sizeof(data) - 1);
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	assert_only_error(rc, 3, "the file contains a NUL byte");
}

static void
test_cfg_node_load_include_refused(void **state)
{
	/* The included file exists: it must still not be opened. */
	char dir[64], path[128], data[640];
	int rc;

	(void)state;
	snprintf(data, sizeof(data), "@include \"%s\"\n", data_path("valid-minimal.conf"));
	temp_file(dir, sizeof(dir), path, sizeof(path), data, strlen(data));
	rc = cfg_node_load(path, &cfg, &errs);
	temp_remove(dir, path);
	assert_only_error(rc, 1, "@include is not supported");
}

static void
test_cfg_node_load_invalid_syntax_sample(void **state)
{
	(void)state;
	assert_only_error(cfg_node_load(data_path("invalid-syntax.conf"), &cfg, &errs), 5,
	                  "not valid libconfig syntax: syntax error");
}

static void
test_cfg_node_load_invalid_references_sample(void **state)
{
	(void)state;
	assert_int_equal(cfg_node_load(data_path("invalid-references.conf"), &cfg, &errs), -EINVAL);
	assert_error_count(7);
	assert_error(8, "ports[3].name: duplicate port name \"up0\" (first at line 5)");
	assert_error(11, "link_pairs[0].upstream: no port named \"up9\" (ports are: up0, down0, "
	                 "up1)");
	assert_error(12, "link_pairs[1].protected: port \"up1\" is also the upstream port");
	assert_error(13, "link_pairs[2].protected: port \"down0\" is already used by link pair "
	                 "\"lp0\" (line 11)");
	assert_error(14, "link_pairs[3].name: duplicate link pair name \"lp0\" (first at line 11)");
	assert_error(14, "link_pairs[3].upstream: port \"up0\" is already used by link pair "
	                 "\"lp2\" (line 13)");
	assert_error(14, "link_pairs[3].protected: port \"up1\" is already used by link pair "
	                 "\"lp1\" (line 12)");
}

static void
test_cfg_node_load_invalid_lcores_sample(void **state)
{
	(void)state;
	assert_int_equal(cfg_node_load(data_path("invalid-lcores.conf"), &cfg, &errs), -EINVAL);
	assert_error_count(3);
	assert_error(11, "workers.lcores[0]: lcore 2 is the main lcore (the lowest of dpdk.lcores "
	                 "\"2-3,5\")");
	assert_error(12, "workers.lcores[1]: lcore 4 is not in dpdk.lcores \"2-3,5\"");
	assert_error(14, "workers.lcores[3]: lcore 3 is listed twice (first as workers.lcores[2])");
}

static void
test_cfg_node_load_invalid_settings_sample(void **state)
{
	const char *path = data_path("invalid-settings.conf");
	char *out = NULL, want[1400];
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(cfg_node_load(path, &cfg, &errs), -EINVAL);
	assert_error_count(12);
	assert_error(2, "node.id: \"rp a\" contains a space");
	assert_error(5, "dpdk.memory_mb: 32 is out of range; allowed 64 to 1048576");
	assert_error(6, "dpdk.hugepages: must be true or false, not a string");
	assert_error(7, "dpdk.extra_args[0]: \"--vdev=net_tap0\" is an EAL option Rampart sets "
	                "itself; use ports[].device instead");
	assert_error(8, "unknown setting \"mem\" in dpdk");
	assert_error(11, "ports[0].rx_desc: 32 is out of range; allowed 64 to 16384");
	assert_error(12, "ports[1].device: device \"net_af_packet0\" is already used by ports[0] "
	                 "\"up0\" (line 11)");
	assert_error(12, "ports[1].promiscuous: must be true or false, not an integer");
	assert_error(15, "workers.burst: 1024 is out of range; allowed 1 to 512");
	assert_error(16, "control.socket_mode: \"0868\" is not an octal mode");
	assert_error(17, "log.level: unknown log level \"verbose\"");
	assert_error(18, "unknown top-level setting \"extra\"");

	/* Printed as FILE:LINE: message, in file order. */
	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	cfg_errors_print(&errs, fp);
	fclose(fp);
	snprintf(want, sizeof(want),
	         "%s:2: node.id: \"rp a\" contains a space; allowed are letters, digits, '_', '.' "
	         "and '-'\n%s:5: dpdk.memory_mb: 32 is out of range; allowed 64 to 1048576\n",
	         path, path);
	assert_int_equal(strncmp(out, want, strlen(want)), 0);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_node_parse_example_valid),
		cmocka_unit_test(test_cfg_node_parse_link_pair_indexes_follow_names),
		cmocka_unit_test(test_cfg_node_defaults_values),
		cmocka_unit_test(test_cfg_node_parse_minimal_defaults_applied),
		cmocka_unit_test(test_cfg_node_parse_every_optional_setting),
		cmocka_unit_test(test_cfg_node_parse_syntax_error),
		cmocka_unit_test(test_cfg_node_parse_syntax_error_on_string),
		cmocka_unit_test(test_cfg_node_parse_nesting_too_deep),
		cmocka_unit_test(test_cfg_node_parse_comment_on_last_line),
		cmocka_unit_test(test_cfg_node_parse_duplicate_setting),
		cmocka_unit_test(test_cfg_node_parse_include_refused),
		cmocka_unit_test(test_cfg_node_parse_empty_text),
		cmocka_unit_test(test_cfg_node_parse_unknown_top_level),
		cmocka_unit_test(test_cfg_node_parse_unknown_in_every_group),
		cmocka_unit_test(test_cfg_node_parse_policy_and_mitigation_errors),
		cmocka_unit_test(test_cfg_node_parse_missing_top_level_groups),
		cmocka_unit_test(test_cfg_node_parse_missing_required_settings),
		cmocka_unit_test(test_cfg_node_parse_wrong_types),
		cmocka_unit_test(test_cfg_node_parse_element_wrong_types),
		cmocka_unit_test(test_cfg_node_parse_int64_accepted),
		cmocka_unit_test(test_cfg_node_parse_number_too_large_for_libconfig),
		cmocka_unit_test(test_cfg_node_parse_out_of_range),
		cmocka_unit_test(test_cfg_node_parse_range_limits_accepted),
		cmocka_unit_test(test_cfg_node_parse_empty_names),
		cmocka_unit_test(test_cfg_node_parse_bad_name_characters),
		cmocka_unit_test(test_cfg_node_parse_names_too_long),
		cmocka_unit_test(test_cfg_node_parse_port_in_no_link_pair),
		cmocka_unit_test(test_cfg_node_parse_strings_printable_ascii_only),
		cmocka_unit_test(test_cfg_node_parse_id_too_long_for_default_prefix),
		cmocka_unit_test(test_cfg_node_parse_duplicate_port_name),
		cmocka_unit_test(test_cfg_node_parse_duplicate_device),
		cmocka_unit_test(test_cfg_node_parse_device_bad_characters),
		cmocka_unit_test(test_cfg_node_parse_device_too_long),
		cmocka_unit_test(test_cfg_node_parse_duplicate_link_pair_name),
		cmocka_unit_test(test_cfg_node_parse_port_in_two_link_pairs),
		cmocka_unit_test(test_cfg_node_parse_upstream_equals_protected),
		cmocka_unit_test(test_cfg_node_parse_dangling_port_reference),
		cmocka_unit_test(test_cfg_node_parse_empty_lists),
		cmocka_unit_test(test_cfg_node_parse_at_most_limits),
		cmocka_unit_test(test_cfg_node_parse_too_many_entries),
		cmocka_unit_test(test_cfg_node_parse_worker_lcore_not_in_dpdk_lcores),
		cmocka_unit_test(test_cfg_node_parse_worker_on_main_lcore),
		cmocka_unit_test(test_cfg_node_parse_worker_lcore_duplicated),
		cmocka_unit_test(test_cfg_node_parse_bad_lcore_list),
		cmocka_unit_test(test_cfg_node_parse_unknown_log_level),
		cmocka_unit_test(test_cfg_node_parse_socket_mode_forms),
		cmocka_unit_test(test_cfg_node_parse_socket_path_length),
		cmocka_unit_test(test_cfg_node_parse_extra_args_eal_owned),
		cmocka_unit_test(test_cfg_node_parse_extra_args_bad_elements),
		cmocka_unit_test(test_cfg_node_parse_errors_in_file_order),
		cmocka_unit_test(test_cfg_node_parse_errors_beyond_max_dropped),
		cmocka_unit_test(test_cfg_node_parse_odd_bytes_quoted),
		cmocka_unit_test(test_cfg_node_parse_null_arguments),
		cmocka_unit_test(test_cfg_port_find_by_name),
		cmocka_unit_test(test_cfg_node_load_valid_minimal),
		cmocka_unit_test(test_cfg_node_load_valid_full),
		cmocka_unit_test(test_cfg_node_load_missing_file),
		cmocka_unit_test(test_cfg_node_load_directory),
		cmocka_unit_test(test_cfg_node_load_policy_file_resolved),
		cmocka_unit_test(test_cfg_node_load_unreadable),
		cmocka_unit_test(test_cfg_node_load_too_big),
		cmocka_unit_test(test_cfg_node_load_nul_byte),
		cmocka_unit_test(test_cfg_node_load_include_refused),
		cmocka_unit_test(test_cfg_node_load_invalid_syntax_sample),
		cmocka_unit_test(test_cfg_node_load_invalid_references_sample),
		cmocka_unit_test(test_cfg_node_load_invalid_lcores_sample),
		cmocka_unit_test(test_cfg_node_load_invalid_settings_sample),
	};

	return cmocka_run_group_tests_name("config_node", tests, NULL, NULL);
}
