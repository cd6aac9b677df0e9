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

#define FIELDS_MAX 16

/* Run @fn on @json (parsed here) and return what it printed (caller frees). */
static char *
render(ctl_fmt_fn fn, const char *json)
{
	json_error_t jerr;
	json_t *data = NULL;
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	if (json != NULL) {
		data = json_loads(json, JSON_DECODE_ANY, &jerr);
		if (data == NULL)
			fail_msg("test JSON does not parse: %s", jerr.text);
	}
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, data), 0);
	assert_int_equal(fclose(f), 0);
	json_decref(data);
	return buf;
}

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
		cmocka_unit_test(test_ctl_fmt_shutdown_forms),
		cmocka_unit_test(test_ctl_fmt_json_round_trip),
		cmocka_unit_test(test_ctl_fmt_text_sanitizes),
	};

	return cmocka_run_group_tests_name("control_format", tests, NULL, NULL);
}
