/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl's human form of replies (tools/rampartctl/format.c): the numbers land in the
 * right rows and columns, and missing fields, wrong types and hostile strings are survived.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "format.h"
#include "../render.h"

#define FIELDS_MAX 16

/*
 * Split the first line of @out whose leading words are @key (one or more words separated
 * by single spaces) into whitespace-separated fields after the key.
 * @return the number of fields, or -1 when no line starts with @key.
 */
static int
line_fields(const char *out, const char *key, char fields[][64], int max)
{
	const char *line = out;
	const char *end;
	char copy[1024];
	char *tok, *save;
	size_t klen = strlen(key);
	int n = 0;

	while (*line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		while (*line == ' ' && line < end)
			line++;
		if ((size_t)(end - line) >= klen && strncmp(line, key, klen) == 0 &&
		    (line[klen] == ' ' || line + klen == end)) {
			snprintf(copy, sizeof(copy), "%.*s", (int)(end - line - klen), line + klen);
			for (tok = strtok_r(copy, " ", &save); tok != NULL && n < max;
			     tok = strtok_r(NULL, " ", &save))
				snprintf(fields[n++], 64, "%s", tok);
			return n;
		}
		line = *end == '\n' ? end + 1 : end;
	}
	return -1;
}

/* The value after @key on its line, as one string (fields joined by one space). */
static const char *
value_of(const char *out, const char *key)
{
	static char value[512];
	char f[FIELDS_MAX][64];
	int n, i;

	n = line_fields(out, key, f, FIELDS_MAX);
	if (n < 0)
		return NULL;
	value[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(value + strlen(value), sizeof(value) - strlen(value), "%s%s",
			 i > 0 ? " " : "", f[i]);
	return value;
}

static void
assert_fields(const char *out, const char *key, int n, const char *const *expect)
{
	char f[FIELDS_MAX][64];
	int i;

	assert_int_equal(line_fields(out, key, f, FIELDS_MAX), n);
	for (i = 0; i < n; i++)
		assert_string_equal(f[i], expect[i]);
}

/* Every line in [@from, @to) of the table starting at line @from has the same length. */
static void
assert_lines_aligned(const char *out, int from, int to)
{
	const char *line = out;
	size_t want = 0, len;
	int i;

	for (i = 0; i < to && *line != '\0'; i++) {
		len = strcspn(line, "\n");
		if (i == from)
			want = len;
		else if (i > from)
			assert_int_equal(len, want);
		line += len + (line[len] == '\n');
	}
	assert_int_equal(i, to);
}

/* What a terminal would act on becomes '?', within the buffer given. */
static void
test_ctl_fmt_safe(void **state)
{
	char buf[16], two[2], c1[8];

	(void)state;
	assert_string_equal(ctl_fmt_safe(buf, sizeof(buf), "a\tb\x1b[2Jc\x7f"), "a?b?[2Jc?");
	/* U+009B (CSI) as UTF-8 is one '?'; U+00E9 (two bytes too) stays. */
	assert_string_equal(ctl_fmt_safe(buf, sizeof(buf), "x\xc2\x9by\xc3\xa9"),
	                    "x?y\xc3\xa9");
	assert_string_equal(ctl_fmt_safe(buf, sizeof(buf), "0123456789abcdefXYZ"),
	                    "0123456789abcde");
	assert_string_equal(ctl_fmt_safe(two, sizeof(two), "\x01zz"), "?");
	assert_string_equal(ctl_fmt_safe(c1, sizeof(c1), ""), "");
	c1[0] = 'k';
	assert_ptr_equal(ctl_fmt_safe(c1, 0, "abc"), c1);
	assert_int_equal(c1[0], 'k'); /* no room: nothing written */
}

static void
test_ctl_fmt_duration_forms(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(ctl_fmt_duration(0, buf, sizeof(buf)), "0s");
	assert_string_equal(ctl_fmt_duration(12.9, buf, sizeof(buf)), "12s");
	assert_string_equal(ctl_fmt_duration(60, buf, sizeof(buf)), "1m00s");
	assert_string_equal(ctl_fmt_duration(125, buf, sizeof(buf)), "2m05s");
	assert_string_equal(ctl_fmt_duration(3723, buf, sizeof(buf)), "1h02m03s");
	assert_string_equal(ctl_fmt_duration(86399, buf, sizeof(buf)), "23h59m59s");
	assert_string_equal(ctl_fmt_duration(2 * 86400 + 3 * 3600 + 4 * 60 + 5, buf, sizeof(buf)),
			    "2d03h04m05s");
	assert_string_equal(ctl_fmt_duration(-1, buf, sizeof(buf)), "-");
	assert_string_equal(ctl_fmt_duration(NAN, buf, sizeof(buf)), "-");
	assert_string_equal(ctl_fmt_duration(INFINITY, buf, sizeof(buf)), "-");
	assert_string_equal(ctl_fmt_duration(1e300, buf, sizeof(buf)), "-");
	/* A short buffer is cut, not overrun. */
	buf[3] = 'X';
	ctl_fmt_duration(3723, buf, 3);
	assert_string_equal(buf, "1h");
	assert_int_equal(buf[3], 'X');
}

static const char status_good[] =
	"{\"node_id\":\"rp-a\",\"stack\":\"edge\",\"version\":\"0.1.0\",\"pid\":4321,"
	"\"uptime_s\":3723.5,\"main_lcore\":0,"
	"\"control\":{\"socket\":\"/run/rampart/rampart.sock\",\"requests\":57},"
	"\"workers\":[{\"lcore\":1,\"rx_queues\":[{\"port\":\"up0\",\"queue\":0},"
	"{\"port\":\"down0\",\"queue\":3}],\"loops\":9876543210,\"rx_packets\":111,"
	"\"tx_packets\":222,\"idle_sleep_us\":7},"
	"{\"lcore\":2,\"rx_queues\":[],\"loops\":5,\"rx_packets\":0,\"tx_packets\":0,"
	"\"idle_sleep_us\":0}],"
	"\"link_pairs\":[{\"name\":\"lp0\",\"upstream\":\"up0\",\"protected\":\"down0\","
	"\"upstream_link\":\"up\",\"protected_link\":\"down\",\"state\":\"forwarding\"}]}";

static void
test_ctl_fmt_status_good(void **state)
{
	static const char *const worker1[] = {"up0:0,down0:3", "9876543210", "111", "222", "7"};
	static const char *const worker2[] = {"none", "5", "0", "0", "0"};
	static const char *const lp0[] = {"up0", "up", "down0", "down", "forwarding"};
	char *out = render(ctl_fmt_status, status_good);

	(void)state;
	assert_string_equal(value_of(out, "node"), "rp-a");
	assert_string_equal(value_of(out, "stack"), "edge");
	assert_string_equal(value_of(out, "version"), "0.1.0");
	assert_string_equal(value_of(out, "pid"), "4321");
	assert_string_equal(value_of(out, "uptime"), "1h02m03s");
	assert_string_equal(value_of(out, "main-lcore"), "0");
	assert_string_equal(value_of(out, "control-socket"), "/run/rampart/rampart.sock");
	assert_string_equal(value_of(out, "control-requests"), "57");
	assert_non_null(value_of(out, "LCORE"));
	assert_fields(out, "1", 5, worker1);
	assert_fields(out, "2", 5, worker2);
	assert_non_null(value_of(out, "LINK PAIR"));
	assert_fields(out, "lp0", 5, lp0);
	free(out);
}

static void
test_ctl_fmt_status_missing_fields(void **state)
{
	char *out = render(ctl_fmt_status, "{\"node_id\":\"rp-b\"}");

	(void)state;
	assert_string_equal(value_of(out, "node"), "rp-b");
	assert_string_equal(value_of(out, "pid"), "-");
	assert_string_equal(value_of(out, "uptime"), "-");
	assert_string_equal(value_of(out, "control-requests"), "-");
	/* No section for what was not sent. */
	assert_null(value_of(out, "LCORE"));
	assert_null(value_of(out, "LINK PAIR"));
	free(out);

	out = render(ctl_fmt_status, "{\"workers\":[],\"link_pairs\":[]}");
	assert_non_null(strstr(out, "no workers"));
	assert_non_null(strstr(out, "no link pairs"));
	free(out);
}

static void
test_ctl_fmt_status_wrong_types(void **state)
{
	static const char *const lp[] = {"-", "-", "-", "-", "-"};
	char *out = render(ctl_fmt_status,
			   "{\"node_id\":5,\"pid\":\"many\",\"uptime_s\":\"long\",\"main_lcore\":"
			   "[0],\"control\":[1,2],\"workers\":{\"lcore\":1},"
			   "\"link_pairs\":[1,\"x\",null,{\"name\":\"lpx\",\"upstream\":7,"
			   "\"state\":{}}],\"version\":null}");

	(void)state;
	assert_string_equal(value_of(out, "node"), "-");
	assert_string_equal(value_of(out, "pid"), "-");
	assert_string_equal(value_of(out, "uptime"), "-");
	assert_string_equal(value_of(out, "main-lcore"), "-");
	assert_string_equal(value_of(out, "version"), "-");
	assert_string_equal(value_of(out, "control-socket"), "-");
	assert_null(value_of(out, "LCORE"));
	assert_fields(out, "lpx", 5, lp);
	free(out);

	/* Worker rows with queues of the wrong shape, and a negative pid. */
	out = render(ctl_fmt_status,
		     "{\"pid\":-3,\"uptime_s\":-5,\"workers\":[7,{\"lcore\":\"x\",\"rx_queues\":"
		     "[1,{\"port\":2,\"queue\":\"q\"},{\"port\":\"up0\"}],\"loops\":1.5}]}");
	assert_string_equal(value_of(out, "pid"), "-3");
	assert_string_equal(value_of(out, "uptime"), "-");
	assert_non_null(strstr(out, "?:?,?:?,up0:?"));
	free(out);

	/* Data that is no object at all is shown as it came. */
	out = render(ctl_fmt_status, "\"hello\"");
	assert_string_equal(out, "\"hello\"\n");
	free(out);
	out = render(ctl_fmt_status, NULL);
	assert_string_equal(out, "null\n");
	free(out);
}

static void
test_ctl_fmt_status_extra_fields(void **state)
{
	char *out = render(ctl_fmt_status,
			   "{\"node_id\":\"rp-a\",\"file_prefix\":\"rp-x\",\"cpu_count\":12,"
			   "\"degraded\":false,\"ha\":{\"role\":\"primary\",\"peers\":[1],"
			   "\"deep\":{\"x\":1}},\"bypass\":{\"driver\":\"none\","
			   "\"state\":\"inline\"},\"list\":[1,2],\"started_at\":1700000000,"
			   "\"control\":{\"requests\":3,\"refused\":4,\"sub\":{\"y\":2}}}");

	(void)state;
	assert_string_equal(value_of(out, "file-prefix"), "rp-x");
	assert_string_equal(value_of(out, "cpu-count"), "12");
	assert_string_equal(value_of(out, "degraded"), "false");
	assert_string_equal(value_of(out, "ha-role"), "primary");
	assert_string_equal(value_of(out, "bypass-driver"), "none");
	assert_string_equal(value_of(out, "bypass-state"), "inline");
	assert_string_equal(value_of(out, "control-refused"), "4");
	assert_string_equal(value_of(out, "started"), "2023-11-14T22:13:20Z");
	/* One level of nesting is shown; arrays and deeper objects are not. */
	assert_null(value_of(out, "ha-peers"));
	assert_null(value_of(out, "ha-deep-x"));
	assert_null(value_of(out, "control-sub-y"));
	assert_null(value_of(out, "list"));
	assert_null(value_of(out, "started-at"));
	free(out);

	out = render(ctl_fmt_status, "{\"started_at\":-5}");
	assert_string_equal(value_of(out, "started"), "-");
	free(out);
	out = render(ctl_fmt_status, "{\"started_at\":9223372036854775807}");
	assert_string_equal(value_of(out, "started"), "-");
	free(out);
}

static void
test_ctl_fmt_status_hostile_strings(void **state)
{
	char *out = render(ctl_fmt_status,
			   "{\"node_id\":\"rp\\u001b[2J\\u0007x\",\"stack\":\"a\\u009bb\","
			   "\"version\":\"caf\\u00e9\"}");
	const char *p;

	(void)state;
	for (p = out; *p != '\0'; p++)
		if (*p != '\n')
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_null(strstr(out, "\xc2\x9b"));
	assert_string_equal(value_of(out, "node"), "rp?[2J?x");
	assert_string_equal(value_of(out, "stack"), "a?b");
	/* Printable UTF-8 stays as it is. */
	assert_string_equal(value_of(out, "version"), "caf\xc3\xa9");
	free(out);
}

static const char port_good[] =
	"{\"name\":\"up0\",\"port_id\":3,\"device\":\"net_af_packet0,iface=rpv-up0\","
	"\"driver\":\"net_af_packet\",\"mac\":\"02:00:00:00:00:01\",\"link\":\"up\","
	"\"speed_mbps\":25000,\"duplex\":\"full\",\"autoneg\":true,\"rx_queues\":2,"
	"\"tx_queues\":3,\"rx_desc\":512,\"tx_desc\":2048,\"promiscuous\":false,"
	"\"rx_packets\":101,\"rx_bytes\":6464,\"tx_packets\":102,\"tx_bytes\":6528,"
	"\"tx_drops\":5,\"hw\":{\"ipackets\":201,\"opackets\":202,\"ibytes\":12864,"
	"\"obytes\":12928,\"imissed\":11,\"ierrors\":12,\"oerrors\":13,\"rx_nombuf\":14}}";

static void
test_ctl_fmt_ports_good(void **state)
{
	static const char *const rx[] = {"101", "6464", "-", "-", "-", "-"};
	static const char *const tx[] = {"102", "6528", "5", "-", "-", "-"};
	static const char *const hw_rx[] = {"201", "12864", "-", "11", "12", "14"};
	static const char *const hw_tx[] = {"202", "12928", "-", "-", "13", "-"};
	char json[2048];
	char *out;

	(void)state;
	snprintf(json, sizeof(json), "{\"ports\":[%s]}", port_good);
	out = render(ctl_fmt_ports, json);
	assert_non_null(value_of(out, "up0"));
	assert_string_equal(value_of(out, "port-id"), "3");
	assert_string_equal(value_of(out, "driver"), "net_af_packet");
	assert_string_equal(value_of(out, "device"), "net_af_packet0,iface=rpv-up0");
	assert_string_equal(value_of(out, "mac"), "02:00:00:00:00:01");
	assert_string_equal(value_of(out, "link"), "up");
	assert_string_equal(value_of(out, "speed"), "25000 Mb/s");
	assert_string_equal(value_of(out, "duplex"), "full");
	assert_string_equal(value_of(out, "autoneg"), "on");
	assert_string_equal(value_of(out, "promiscuous"), "off");
	assert_string_equal(value_of(out, "rx-queues"), "2");
	assert_string_equal(value_of(out, "tx-queues"), "3");
	assert_string_equal(value_of(out, "rx-descriptors"), "512");
	assert_string_equal(value_of(out, "tx-descriptors"), "2048");
	assert_string_equal(value_of(out, "COUNTERS"), "PACKETS BYTES DROPS MISSED ERRORS NO MBUF");
	assert_fields(out, "rx", 6, rx);
	assert_fields(out, "tx", 6, tx);
	assert_fields(out, "hw-rx", 6, hw_rx);
	assert_fields(out, "hw-tx", 6, hw_tx);
	free(out);
}

static void
test_ctl_fmt_ports_unknown_speed(void **state)
{
	static const char *const ports[] = {
		"{\"ports\":[{\"name\":\"p\",\"speed_mbps\":0}]}",
		"{\"ports\":[{\"name\":\"p\"}]}",
		"{\"ports\":[{\"name\":\"p\",\"speed_mbps\":\"fast\"}]}",
		"{\"ports\":[{\"name\":\"p\",\"speed_mbps\":-1}]}",
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		out = render(ctl_fmt_ports, ports[i]);
		assert_string_equal(value_of(out, "speed"), "unknown");
		free(out);
	}
}

static void
test_ctl_fmt_ports_missing_and_wrong(void **state)
{
	static const char *const rx[] = {"-", "-", "-", "-", "-", "-"};
	char *out;

	(void)state;
	/* Junk elements are skipped; a port with no fields prints dashes, and no hw rows. */
	out = render(ctl_fmt_ports, "{\"ports\":[1,null,\"x\",{\"name\":\"bare\","
				    "\"hw\":[1],\"autoneg\":\"yes\",\"rx_packets\":2.5}]}");
	assert_non_null(value_of(out, "bare"));
	assert_string_equal(value_of(out, "autoneg"), "-");
	assert_string_equal(value_of(out, "mac"), "-");
	assert_fields(out, "rx", 6, rx);
	assert_null(value_of(out, "hw-rx"));
	free(out);

	out = render(ctl_fmt_ports, "{\"ports\":[]}");
	assert_string_equal(out, "no ports\n");
	free(out);

	/* No list of ports: shown as it came. */
	out = render(ctl_fmt_ports, "{\"ports\":\"none\"}");
	assert_non_null(strstr(out, "\"ports\": \"none\""));
	free(out);
}

static void
test_ctl_fmt_ports_two_ports_and_extras(void **state)
{
	char json[4096];
	char *out;
	char *second;

	(void)state;
	snprintf(json, sizeof(json),
		 "{\"ports\":[%s,{\"name\":\"down0\",\"port_id\":4,\"numa_node\":1,"
		 "\"paired_with\":\"up0\","
		 "\"speed_mbps\":100}]}",
		 port_good);
	out = render(ctl_fmt_ports, json);
	second = strstr(out, "\ndown0\n");
	assert_non_null(second);
	assert_string_equal(value_of(second, "port-id"), "4");
	assert_string_equal(value_of(second, "speed"), "100 Mb/s");
	assert_string_equal(value_of(second, "numa-node"), "1");
	assert_string_equal(value_of(second, "paired-with"), "up0");
	assert_string_equal(value_of(out, "speed"), "25000 Mb/s");
	free(out);
}

static const char stats_good[] =
	"{\"totals\":{\"rx_packets\":5000000011,\"rx_bytes\":320000000704,"
	"\"tx_packets\":5000000007,\"tx_bytes\":320000000448,\"tx_drops\":4},"
	"\"ports\":[{\"name\":\"up0\",\"rx_packets\":5000000001,\"rx_bytes\":320000000064,"
	"\"tx_packets\":6,\"tx_bytes\":384,\"tx_drops\":1},"
	"{\"name\":\"down0\",\"rx_packets\":10,\"rx_bytes\":640,\"tx_packets\":5000000001,"
	"\"tx_bytes\":320000000064,\"tx_drops\":3}],"
	"\"workers\":[{\"lcore\":1,\"rx_packets\":5000000005,\"rx_bytes\":320000000320,"
	"\"tx_packets\":5000000003,\"tx_bytes\":320000000192,\"tx_drops\":2},"
	"{\"lcore\":17,\"rx_packets\":6,\"rx_bytes\":384,\"tx_packets\":4,\"tx_bytes\":256,"
	"\"tx_drops\":2}]}";

static void
test_ctl_fmt_stats_good(void **state)
{
	static const char *const up0[] = {"5000000001", "320000000064", "6", "384", "1"};
	static const char *const down0[] = {"10", "640", "5000000001", "320000000064", "3"};
	static const char *const total[] = {"5000000011", "320000000704", "5000000007",
					    "320000000448", "4"};
	static const char *const lc1[] = {"5000000005", "320000000320", "5000000003",
					  "320000000192", "2"};
	static const char *const lc17[] = {"6", "384", "4", "256", "2"};
	char *out = render(ctl_fmt_stats, stats_good);

	(void)state;
	assert_string_equal(value_of(out, "PORT"),
			    "RX PACKETS RX BYTES TX PACKETS TX BYTES TX DROPS");
	assert_fields(out, "up0", 5, up0);
	assert_fields(out, "down0", 5, down0);
	assert_fields(out, "total", 5, total);
	assert_non_null(value_of(out, "LCORE"));
	assert_fields(out, "1", 5, lc1);
	assert_fields(out, "17", 5, lc17);
	/* Numbers are right-aligned under their headers: every line of a table is as long. */
	assert_lines_aligned(out, 0, 4);
	assert_lines_aligned(out, 5, 8);
	free(out);
}

static void
test_ctl_fmt_stats_extra_counters(void **state)
{
	static const char *const up0[] = {"1", "2", "3", "4", "5", "-"};
	static const char *const down0[] = {"-", "-", "-", "-", "-", "99"};
	static const char *const total[] = {"1", "2", "3", "4", "5", "99"};
	char *out = render(ctl_fmt_stats,
			   "{\"ports\":[{\"name\":\"up0\",\"rx_packets\":1,\"rx_bytes\":2,"
			   "\"tx_packets\":3,\"tx_bytes\":4,\"tx_drops\":5,\"note\":\"x\"},"
			   "{\"name\":\"down0\",\"policy_drops\":99}],"
			   "\"totals\":{\"rx_packets\":1,\"rx_bytes\":2,\"tx_packets\":3,"
			   "\"tx_bytes\":4,\"tx_drops\":5,\"policy_drops\":99}}");

	(void)state;
	assert_string_equal(value_of(out, "PORT"),
			    "RX PACKETS RX BYTES TX PACKETS TX BYTES TX DROPS POLICY DROPS");
	assert_fields(out, "up0", 6, up0);
	assert_fields(out, "down0", 6, down0);
	assert_fields(out, "total", 6, total);
	assert_null(strstr(out, "NOTE"));
	assert_lines_aligned(out, 0, 4);
	free(out);
}

static void
test_ctl_fmt_stats_missing_and_wrong(void **state)
{
	static const char *const up0[] = {"-", "7", "-", "-", "-"};
	char *out;

	(void)state;
	out = render(ctl_fmt_stats, "{\"ports\":[{\"name\":\"up0\",\"rx_packets\":\"many\","
				    "\"rx_bytes\":7.0,\"tx_packets\":1.5,\"tx_bytes\":null},"
				    "5,{\"rx_packets\":3}],\"workers\":\"none\",\"totals\":[]}");
	assert_fields(out, "up0", 5, up0);
	assert_non_null(value_of(out, "-")); /* the port without a name */
	assert_null(value_of(out, "total"));
	assert_null(value_of(out, "LCORE"));
	free(out);

	out = render(ctl_fmt_stats, "{}");
	assert_string_equal(out, "no counters\n");
	free(out);

	/* Only workers: their table alone, without a blank line before it. */
	out = render(ctl_fmt_stats, "{\"workers\":[{\"lcore\":3,\"rx_packets\":8}]}");
	assert_int_not_equal(out[0], '\n');
	assert_null(value_of(out, "PORT"));
	assert_string_equal(value_of(out, "3"), "8 - - - -");
	free(out);

	out = render(ctl_fmt_stats, "[1,2]");
	assert_non_null(strstr(out, "1,"));
	free(out);
}

static const char policy_good[] =
	"{\"version\":4,\"loaded\":\"2026-11-21T20:36:03Z\",\"loaded_at\":1795293363,"
	"\"file\":\"/etc/rampart/policy.conf\",\"mode\":\"monitor\",\"default_action\":\"drop\","
	"\"rules\":12,\"acl_rules\":40,\"allow_prefixes\":3,\"deny_prefixes\":100000,"
	"\"protections\":{\"syn_flood\":true,\"udp_amplification\":false,\"icmp_flood\":true,"
	"\"drop_fragments\":false,\"auto_block\":true},\"parse_ms\":1.234,\"compile_ms\":30.5,"
	"\"memory_bytes\":{\"acl\":123456,\"lpm\":65536,\"rules\":4096,\"total\":193088}}";

static void
test_ctl_fmt_policy_good(void **state)
{
	char *out = render(ctl_fmt_policy, policy_good);

	(void)state;
	assert_string_equal(value_of(out, "version"), "4");
	assert_string_equal(value_of(out, "loaded"), "2026-11-21T20:36:03Z");
	assert_string_equal(value_of(out, "file"), "/etc/rampart/policy.conf");
	assert_string_equal(value_of(out, "mode"), "monitor");
	assert_string_equal(value_of(out, "default-action"), "drop");
	assert_string_equal(value_of(out, "rules"), "12");
	assert_string_equal(value_of(out, "acl-rules"), "40");
	assert_string_equal(value_of(out, "allow-prefixes"), "3");
	assert_string_equal(value_of(out, "deny-prefixes"), "100000");
	assert_string_equal(value_of(out, "syn-flood"), "on");
	assert_string_equal(value_of(out, "udp-amplification"), "off");
	assert_string_equal(value_of(out, "icmp-flood"), "on");
	assert_string_equal(value_of(out, "drop-fragments"), "off");
	assert_string_equal(value_of(out, "auto-block"), "on");
	assert_string_equal(value_of(out, "parse-time"), "1.23 ms");
	assert_string_equal(value_of(out, "compile-time"), "30.50 ms");
	assert_string_equal(value_of(out, "memory-acl"), "123456 bytes");
	assert_string_equal(value_of(out, "memory-lpm"), "65536 bytes");
	assert_string_equal(value_of(out, "memory-rules"), "4096 bytes");
	assert_string_equal(value_of(out, "memory-total"), "193088 bytes");
	/* Nothing known is printed twice through the extras. */
	assert_null(value_of(out, "loaded-at"));
	assert_null(value_of(out, "protections-syn-flood"));
	assert_null(strstr(out, "memory-bytes"));
	free(out);
}

static void
test_ctl_fmt_policy_empty_and_wrong(void **state)
{
	char *out;

	(void)state;
	/* The empty start-up policy: no file, never loaded. */
	out = render(ctl_fmt_policy, "{\"version\":0,\"loaded\":null,\"file\":null,\"rules\":0}");
	assert_string_equal(value_of(out, "version"), "0");
	assert_string_equal(value_of(out, "loaded"), "-");
	assert_string_equal(value_of(out, "file"), "none (the empty start-up policy)");
	assert_string_equal(value_of(out, "rules"), "0");
	assert_string_equal(value_of(out, "syn-flood"), "-");
	assert_string_equal(value_of(out, "parse-time"), "-");
	assert_string_equal(value_of(out, "memory-total"), "-");
	free(out);

	/* Wrong types print "-"; unknown members show; hostile strings are made safe. */
	out = render(ctl_fmt_policy,
		     "{\"version\":\"four\",\"file\":\"/p\\u001b[2J.conf\",\"mode\":7,"
		     "\"protections\":{\"syn_flood\":1,\"dns_flood\":true},\"parse_ms\":-3,"
		     "\"compile_ms\":\"slow\",\"memory_bytes\":{\"acl\":-1.5,\"hash\":77},"
		     "\"generation\":9,\"rules\":[1]}");
	assert_string_equal(value_of(out, "version"), "-");
	assert_string_equal(value_of(out, "file"), "/p?[2J.conf");
	assert_string_equal(value_of(out, "mode"), "-");
	assert_string_equal(value_of(out, "syn-flood"), "-");
	assert_string_equal(value_of(out, "dns-flood"), "true");
	assert_string_equal(value_of(out, "parse-time"), "?");
	assert_string_equal(value_of(out, "compile-time"), "-");
	assert_string_equal(value_of(out, "memory-acl"), "-");
	assert_string_equal(value_of(out, "memory-hash"), "77");
	assert_string_equal(value_of(out, "generation"), "9");
	assert_string_equal(value_of(out, "rules"), "-");
	free(out);

	out = render(ctl_fmt_policy, "[\"not\",\"an\",\"object\"]");
	assert_non_null(strstr(out, "\"object\""));
	free(out);
}

static void
test_ctl_fmt_policy_validate_and_load_lines(void **state)
{
	char json[2048];
	char *out;

	(void)state;
	out = render(ctl_fmt_policy_validate, policy_good);
	assert_string_equal(out, "/etc/rampart/policy.conf: valid (12 rules, 40 ACL rules, 3 allow "
				 "and 100000 deny prefixes; mode monitor, default drop; parsed in "
				 "1.23 ms, compiled in 30.50 ms)\n");
	free(out);
	out = render(ctl_fmt_policy_load, policy_good);
	assert_string_equal(out, "policy version 4 loaded from /etc/rampart/policy.conf (12 rules, "
				 "40 ACL rules, 3 allow and 100000 deny prefixes; mode monitor, "
				 "default drop; parsed in 1.23 ms, compiled in 30.50 ms)\n");
	free(out);

	/* What is missing or wrong reads "?"; the file name is made safe. */
	out = render(ctl_fmt_policy_validate,
		     "{\"file\":\"/a\\u0007b\",\"rules\":\"x\",\"parse_ms\":1e300}");
	assert_string_equal(out, "/a?b: valid (? rules, ? ACL rules, ? allow and ? deny prefixes; "
				 "mode ?, default ?; parsed in ?, compiled in ?)\n");
	free(out);
	out = render(ctl_fmt_policy_load, "{}");
	assert_string_equal(out, "policy version ? loaded from ? (? rules, ? ACL rules, ? allow "
				 "and ? deny prefixes; mode ?, default ?; parsed in ?, compiled "
				 "in ?)\n");
	free(out);
	/* A very long file name is printed whole. */
	memset(json, 0, sizeof(json));
	strcpy(json, "{\"file\":\"/");
	memset(json + strlen(json), 'a', 1500);
	strcat(json, "\"}");
	out = render(ctl_fmt_policy_validate, json);
	assert_int_equal(strspn(out + 1, "a"), 1500);
	free(out);
	out = render(ctl_fmt_policy_load, "null");
	assert_string_equal(out, "null\n");
	free(out);
}

static const char rules_good[] =
	"{\"policy_version\":4,\"rules\":[{\"index\":0,\"name\":\"allow-mgmt\",\"line\":10,"
	"\"action\":\"allow\",\"packets\":1000,\"bytes\":64000,\"dropped\":0},"
	"{\"index\":1,\"name\":\"drop-telnet\",\"line\":15,\"action\":\"drop\","
	"\"packets\":5000000000,\"bytes\":320000000000,\"dropped\":5000000000},"
	"{\"index\":2,\"name\":\"limit-dns\",\"line\":20,\"action\":\"rate-limit\","
	"\"packets\":3000,\"bytes\":192000,\"dropped\":1000}]}";

static void
test_ctl_fmt_rules_good(void **state)
{
	static const char *const mgmt[] = {"10", "allow", "1000", "64000", "0"};
	static const char *const telnet[] = {"15", "drop", "5000000000", "320000000000",
					     "5000000000"};
	static const char *const dns[] = {"20", "rate-limit", "3000", "192000", "1000"};
	char *out = render(ctl_fmt_rules, rules_good);

	(void)state;
	assert_string_equal(value_of(out, "NAME"), "LINE ACTION PACKETS BYTES DROPPED");
	assert_fields(out, "allow-mgmt", 5, mgmt);
	assert_fields(out, "drop-telnet", 5, telnet);
	assert_fields(out, "limit-dns", 5, dns);
	/* In the order of the reply (the policy's), and aligned. */
	assert_true(strstr(out, "allow-mgmt") < strstr(out, "drop-telnet"));
	assert_true(strstr(out, "drop-telnet") < strstr(out, "limit-dns"));
	assert_lines_aligned(out, 0, 4);
	free(out);
}

static void
test_ctl_fmt_rules_empty_and_wrong(void **state)
{
	static const char *const odd[] = {"-", "-", "-", "-", "-"};
	char *out;

	(void)state;
	out = render(ctl_fmt_rules, "{\"policy_version\":0,\"rules\":[]}");
	assert_string_equal(out, "no rules in the running policy\n");
	free(out);
	out = render(ctl_fmt_rules, "{\"rules\":[1,null,[],\"x\"]}");
	assert_string_equal(out, "no rules in the running policy\n");
	free(out);
	out = render(ctl_fmt_rules, "{\"rules\":[{\"name\":\"o\\u001bdd\",\"line\":\"ten\","
				    "\"action\":7,\"packets\":-1.5,\"bytes\":{},"
				    "\"dropped\":null}]}");
	assert_fields(out, "o?dd", 5, odd);
	free(out);
	out = render(ctl_fmt_rules, "{\"rules\":{\"name\":\"x\"}}");
	assert_non_null(strstr(out, "\"rules\": {"));
	free(out);
}

static void
test_ctl_fmt_blocklist_changes(void **state)
{
	char *out;

	(void)state;
	out = render(ctl_fmt_blocklist_add, "{\"addr\":\"198.18.0.1\",\"ttl\":300,"
					    "\"permanent\":false,\"count\":3,\"capacity\":262144}");
	assert_string_equal(out, "198.18.0.1 blocked for 5m00s (blocklist: 3 of 262144 entries)\n");
	free(out);
	out = render(ctl_fmt_blocklist_add, "{\"addr\":\"2001:db8::1\",\"ttl\":0,"
					    "\"permanent\":true,\"count\":1,\"capacity\":8}");
	assert_string_equal(out, "2001:db8::1 blocked until deleted (blocklist: 1 of 8 entries)\n");
	free(out);
	out = render(ctl_fmt_blocklist_add, "{\"addr\":[1],\"ttl\":\"long\",\"count\":null}");
	assert_string_equal(out, "? blocked for ? (blocklist: ? of ? entries)\n");
	free(out);

	out = render(ctl_fmt_blocklist_del, "{\"addr\":\"198.18.0.1\",\"count\":2}");
	assert_string_equal(out, "198.18.0.1 removed from the blocklist (2 entries left)\n");
	free(out);
	out = render(ctl_fmt_blocklist_del, "{\"addr\":\"\\u009b31m\"}");
	assert_string_equal(out, "?31m removed from the blocklist (? entries left)\n");
	free(out);

	out = render(ctl_fmt_blocklist_flush, "{\"removed\":1}");
	assert_string_equal(out, "1 entry removed from the blocklist\n");
	free(out);
	out = render(ctl_fmt_blocklist_flush, "{\"removed\":16777216}");
	assert_string_equal(out, "16777216 entries removed from the blocklist\n");
	free(out);
	out = render(ctl_fmt_blocklist_flush, "{\"removed\":\"all\"}");
	assert_non_null(strstr(out, "did not say how many"));
	free(out);
	out = render(ctl_fmt_blocklist_flush, "7");
	assert_string_equal(out, "7\n");
	free(out);
}

static const char blocklist_good[] =
	"{\"count\":3,\"capacity\":262144,\"truncated\":false,\"entries\":["
	"{\"addr\":\"198.18.0.1\",\"ttl_left\":0,\"permanent\":true,\"automatic\":false},"
	"{\"addr\":\"198.18.0.2\",\"ttl_left\":295,\"permanent\":false,\"automatic\":true},"
	"{\"addr\":\"2001:db8::1\",\"ttl_left\":3700,\"permanent\":false,\"automatic\":false}],"
	"\"stats\":{\"added\":10,\"deleted\":2,\"expired\":5,\"auto_added\":4,\"full\":1}}";

static void
test_ctl_fmt_blocklist_list_good(void **state)
{
	static const char *const e1[] = {"never", "operator"};
	static const char *const e2[] = {"4m55s", "auto-block"};
	static const char *const e3[] = {"1h01m40s", "operator"};
	char *out = render(ctl_fmt_blocklist_list, blocklist_good);

	(void)state;
	assert_string_equal(value_of(out, "count"), "3");
	assert_string_equal(value_of(out, "capacity"), "262144");
	assert_string_equal(value_of(out, "added"), "10");
	assert_string_equal(value_of(out, "deleted"), "2");
	assert_string_equal(value_of(out, "expired"), "5");
	assert_string_equal(value_of(out, "auto-added"), "4");
	assert_string_equal(value_of(out, "refused-full"), "1");
	assert_string_equal(value_of(out, "ADDRESS"), "EXPIRES IN ADDED BY");
	assert_fields(out, "198.18.0.1", 2, e1);
	assert_fields(out, "198.18.0.2", 2, e2);
	assert_fields(out, "2001:db8::1", 2, e3);
	assert_null(strstr(out, "listed"));
	assert_null(strstr(out, "empty"));
	free(out);
}

static void
test_ctl_fmt_blocklist_list_truncated_and_empty(void **state)
{
	char *out;

	(void)state;
	out = render(ctl_fmt_blocklist_list,
		     "{\"count\":5000,\"capacity\":262144,\"truncated\":true,\"entries\":["
		     "{\"addr\":\"198.18.0.7\",\"ttl_left\":10,\"permanent\":false,"
		     "\"automatic\":true}],\"stats\":{}}");
	assert_non_null(value_of(out, "198.18.0.7"));
	assert_non_null(strstr(out, "\n\n1 of 5000 entries listed: --limit N lists more"));
	free(out);

	/* --limit 0: the counters alone, and how many there are. */
	out = render(ctl_fmt_blocklist_list,
		     "{\"count\":2,\"capacity\":4,\"truncated\":true,\"entries\":[]}");
	assert_null(value_of(out, "ADDRESS"));
	assert_non_null(strstr(out, "\n\n0 of 2 entries listed"));
	assert_string_equal(value_of(out, "added"), "-");
	free(out);

	out = render(ctl_fmt_blocklist_list,
		     "{\"count\":0,\"capacity\":4,\"truncated\":false,\"entries\":[]}");
	assert_non_null(strstr(out, "\n\nthe blocklist is empty\n"));
	free(out);

	/* Junk entries are skipped; odd fields print "-". */
	out = render(ctl_fmt_blocklist_list,
		     "{\"count\":\"many\",\"entries\":[5,{\"addr\":\"x\\u0007y\",\"ttl_left\":"
		     "\"soon\",\"automatic\":\"maybe\"},{\"ttl_left\":-4}],\"stats\":[1]}");
	assert_string_equal(value_of(out, "count"), "-");
	assert_string_equal(value_of(out, "x?y"), "- -");
	assert_string_equal(value_of(out, "-"), "- -");
	free(out);

	/* Without an entries list, only the counters. */
	out = render(ctl_fmt_blocklist_list, "{\"count\":1,\"entries\":{}}");
	assert_string_equal(value_of(out, "count"), "1");
	assert_null(value_of(out, "ADDRESS"));
	free(out);
}

static const char drops_good[] =
	"{\"mode\":\"enforce\",\"totals\":{\"inspected\":3000,\"non_ip\":6,\"allow_prefix\":7,"
	"\"monitored\":0,\"offenders\":2,\"offenders_lost\":1,\"rate_evictions\":9,"
	"\"drops\":{\"truncated\":3,\"blocklist\":30,\"rule\":15,\"default\":0}},"
	"\"workers\":[{\"lcore\":1,\"inspected\":1000,\"non_ip\":2,\"allow_prefix\":3,"
	"\"monitored\":0,\"offenders\":2,\"offenders_lost\":1,\"rate_evictions\":4,"
	"\"drops\":{\"truncated\":1,\"blocklist\":10,\"rule\":5,\"default\":0}},"
	"{\"lcore\":3,\"inspected\":2000,\"non_ip\":4,\"allow_prefix\":4,\"monitored\":0,"
	"\"offenders\":0,\"offenders_lost\":0,\"rate_evictions\":5,"
	"\"drops\":{\"truncated\":2,\"blocklist\":20,\"rule\":10,\"default\":0}}]}";

static void
test_ctl_fmt_drops_good(void **state)
{
	static const char *const inspected[] = {"3000", "1000", "2000"};
	static const char *const lost[] = {"1", "1", "0"};
	static const char *const evict[] = {"9", "4", "5"};
	static const char *const blocklist[] = {"30", "10", "20"};
	static const char *const dflt[] = {"0", "0", "0"};
	char *out = render(ctl_fmt_drops, drops_good);
	const char *reasons;

	(void)state;
	assert_string_equal(value_of(out, "mode"), "enforce");
	assert_string_equal(value_of(out, "COUNTER"), "TOTAL LCORE1 LCORE3");
	assert_fields(out, "inspected", 3, inspected);
	assert_fields(out, "offenders_lost", 3, lost);
	assert_fields(out, "rate_evictions", 3, evict);
	reasons = strstr(out, "\nREASON");
	assert_non_null(reasons);
	assert_string_equal(value_of(reasons, "REASON"), "TOTAL LCORE1 LCORE3");
	assert_fields(reasons, "blocklist", 3, blocklist);
	/* Zeros are shown: every reason has its line. */
	assert_fields(reasons, "default", 3, dflt);
	/* Reasons in the daemon's order. */
	assert_true(strstr(reasons, "truncated") < strstr(reasons, "blocklist"));
	assert_true(strstr(reasons, "rule") < strstr(reasons, "default"));
	/* The counters' table holds no reason, and the reasons' table no counter. */
	assert_null(strstr(reasons, "inspected"));
	assert_true(strstr(out, "blocklist") > reasons);
	assert_lines_aligned(out, 2, 10);
	free(out);
}

static void
test_ctl_fmt_drops_one_worker_and_odd(void **state)
{
	static const char *const rule[] = {"10"};
	static const char *const mixed[] = {"-", "5", "-"};
	char json[8192];
	size_t off;
	char *out;
	int i;

	(void)state;
	/* Narrowed to one worker: its column alone. */
	out = render(ctl_fmt_drops, "{\"mode\":\"monitor\",\"workers\":[{\"lcore\":3,"
				    "\"inspected\":2000,\"drops\":{\"rule\":10}}]}");
	assert_string_equal(value_of(out, "mode"), "monitor");
	assert_string_equal(value_of(out, "COUNTER"), "LCORE3");
	assert_fields(strstr(out, "REASON"), "rule", 1, rule);
	assert_string_equal(value_of(out, "non_ip"), "-");
	free(out);

	/* A reason only one column knows, a counter of the wrong type, junk workers. */
	out = render(ctl_fmt_drops, "{\"totals\":{\"inspected\":\"x\",\"drops\":[1]},"
				    "\"workers\":[7,{\"lcore\":\"a\",\"drops\":{\"new_reason\":5}},"
				    "{\"drops\":{\"rule\":1.5}}]}");
	assert_string_equal(value_of(out, "mode"), "-");
	assert_string_equal(value_of(out, "COUNTER"), "TOTAL LCORE? LCORE?");
	assert_fields(out, "new_reason", 3, mixed);
	assert_string_equal(value_of(out, "inspected"), "- - -");
	free(out);

	out = render(ctl_fmt_drops, "{\"mode\":\"enforce\"}");
	assert_string_equal(out, "mode  enforce\nno counters\n");
	free(out);

	/* More workers than columns: the first ones, and a word about the others. */
	off = (size_t)snprintf(json, sizeof(json), "{\"totals\":{\"inspected\":1},\"workers\":[");
	for (i = 0; i < 30; i++)
		off += (size_t)snprintf(json + off, sizeof(json) - off,
					"%s{\"lcore\":%d,\"inspected\":%d}", i > 0 ? "," : "",
					i + 1, i);
	snprintf(json + off, sizeof(json) - off, "]}");
	out = render(ctl_fmt_drops, json);
	assert_non_null(strstr(out, " LCORE22\n"));
	assert_null(strstr(out, "LCORE23"));
	assert_non_null(strstr(out, "\n8 more workers not shown: --worker LCORE shows one\n"));
	free(out);

	out = render(ctl_fmt_drops, "\"drops\"");
	assert_string_equal(out, "\"drops\"\n");
	free(out);
}

static void
test_ctl_fmt_shutdown_forms(void **state)
{
	char *out;

	(void)state;
	out = render(ctl_fmt_shutdown, "{\"shutting_down\":true}");
	assert_string_equal(out, "rampartd is shutting down\n");
	free(out);
	out = render(ctl_fmt_shutdown, "{\"shutting_down\":false}");
	assert_string_equal(out, "rampartd did not confirm the shutdown\n");
	free(out);
	out = render(ctl_fmt_shutdown, "{\"shutting_down\":\"yes\"}");
	assert_string_equal(out, "rampartd did not confirm the shutdown\n");
	free(out);
	out = render(ctl_fmt_shutdown, NULL);
	assert_string_equal(out, "rampartd did not confirm the shutdown\n");
	free(out);
}

static void
test_ctl_fmt_json_round_trip(void **state)
{
	json_t *in, *back;
	char *out;

	(void)state;
	out = render(ctl_fmt_json, stats_good);
	/* Indented by two, one value per line, and the same document. */
	assert_non_null(strstr(out, "\n  \"totals\": {\n    \"rx_packets\": 5000000011,"));
	assert_int_equal(out[strlen(out) - 1], '\n');
	in = json_loads(stats_good, 0, NULL);
	back = json_loads(out, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(in, back));
	json_decref(in);
	json_decref(back);
	free(out);

	out = render(ctl_fmt_json, "3");
	assert_string_equal(out, "3\n");
	free(out);
}

static void
test_ctl_fmt_text_sanitizes(void **state)
{
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(ctl_fmt_text(f, "no \x1b]0;owned\x07 port\x7f here\xc2\x85."), 0);
	fclose(f);
	assert_string_equal(buf, "no ?]0;owned? port? here?.");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_fmt_safe),
		cmocka_unit_test(test_ctl_fmt_duration_forms),
		cmocka_unit_test(test_ctl_fmt_status_good),
		cmocka_unit_test(test_ctl_fmt_status_missing_fields),
		cmocka_unit_test(test_ctl_fmt_status_wrong_types),
		cmocka_unit_test(test_ctl_fmt_status_extra_fields),
		cmocka_unit_test(test_ctl_fmt_status_hostile_strings),
		cmocka_unit_test(test_ctl_fmt_ports_good),
		cmocka_unit_test(test_ctl_fmt_ports_unknown_speed),
		cmocka_unit_test(test_ctl_fmt_ports_missing_and_wrong),
		cmocka_unit_test(test_ctl_fmt_ports_two_ports_and_extras),
		cmocka_unit_test(test_ctl_fmt_stats_good),
		cmocka_unit_test(test_ctl_fmt_stats_extra_counters),
		cmocka_unit_test(test_ctl_fmt_stats_missing_and_wrong),
		cmocka_unit_test(test_ctl_fmt_policy_good),
		cmocka_unit_test(test_ctl_fmt_policy_empty_and_wrong),
		cmocka_unit_test(test_ctl_fmt_policy_validate_and_load_lines),
		cmocka_unit_test(test_ctl_fmt_rules_good),
		cmocka_unit_test(test_ctl_fmt_rules_empty_and_wrong),
		cmocka_unit_test(test_ctl_fmt_blocklist_changes),
		cmocka_unit_test(test_ctl_fmt_blocklist_list_good),
		cmocka_unit_test(test_ctl_fmt_blocklist_list_truncated_and_empty),
		cmocka_unit_test(test_ctl_fmt_drops_good),
		cmocka_unit_test(test_ctl_fmt_drops_one_worker_and_odd),
		cmocka_unit_test(test_ctl_fmt_shutdown_forms),
		cmocka_unit_test(test_ctl_fmt_json_round_trip),
		cmocka_unit_test(test_ctl_fmt_text_sanitizes),
	};

	return cmocka_run_group_tests_name("control_format", tests, NULL, NULL);
}
