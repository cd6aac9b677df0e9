/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl's bypass printers: a full status prints every section with its values, a change
 * reply prints one line, and replies with missing, mistyped or hostile fields print "-" and
 * safe text instead of crashing.
 */
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

static void
assert_line(const char *text, const char *line)
{
	if (strstr(text, line) == NULL)
		fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void
test_fmt_bypass_status_full(void **state)
{
	static const char *json =
		"{\"driver\": \"xdp\", \"state\": \"bypass\", \"reason\": \"watchdog\","
		" \"reasons\": [\"watchdog\", \"operator\"], \"since\": \"2024-05-01T10:00:00Z\","
		" \"since_ago_s\": 65.2, \"ready\": true, \"healthy\": false,"
		" \"health\": \"worker on lcore 1 makes no progress\", \"pending\": false,"
		" \"stopped\": false, \"watchdog_ms\": 20, \"rearm\": \"auto\","
		" \"rearm_after_s\": 30, \"rearm_in_s\": 12.0,"
		" \"device\": {\"state\": \"bypass\", \"by_watchdog\": true, \"expiries\": 3,"
		"   \"last_expiry\": \"2024-05-01T10:00:00Z\", \"last_expiry_ago_s\": 65,"
		"   \"heartbeat_age_ms\": 1.5, \"detail\": \"native on up0,down0\","
		"   \"counters\": {\"passed\": 10, \"bypassed_in\": 2000, \"bypassed_out\": 7,"
		"   \"disconnect_drops\": 0, \"errors\": 0}},"
		" \"heartbeat\": {\"running\": true, \"realtime\": true, \"period_ms\": 5.0,"
		"   \"feeds\": 99, \"withheld\": 4, \"last_ago_ms\": 2.0, \"max_late_ms\": 12.5,"
		"   \"stalls\": 1},"
		" \"errors\": 0, \"last_error\": \"\","
		" \"history\": [{\"at\": \"2024-05-01T10:00:00Z\", \"ago_s\": 65.2,"
		"   \"event\": \"watchdog\", \"reason\": \"watchdog\", \"from\": \"inline\","
		"   \"to\": \"bypass\"}]}";
	char *t = render(ctl_fmt_bypass_status, json);

	(void)state;
	assert_line(t, "state               bypass\n");
	assert_line(t, "holding             watchdog, operator\n");
	assert_line(t, "last-reason         watchdog\n");
	assert_line(t, "since               2024-05-01T10:00:00Z (1m05s ago)\n");
	assert_line(t, "healthy             no: worker on lcore 1 makes no progress\n");
	assert_line(t, "rearm               auto, after 30s of stable health (due in 12s)\n");
	assert_line(t, "device              bypass (latched by its watchdog)\n");
	assert_line(t, "watchdog-expiries   3, last 2024-05-01T10:00:00Z (1m05s ago)\n");
	assert_line(t, "bypassed-in         2000\n");
	assert_line(t, "heartbeat           running (real-time), every 5.0 ms, fed 99, withheld 4, "
	               "last 2.0 ms ago, stalls 1 (the longest wake-up 12.5 ms late)\n");
	assert_line(t, "HISTORY (newest first)\n");
	assert_line(t, "2024-05-01T10:00:00Z       1m05s  watchdog    watchdog      inline      "
	               "bypass\n");
	assert_null(strstr(t, "driver-errors"));
	free(t);
}

static void
test_fmt_bypass_status_hostile(void **state)
{
	static const char *const docs[] = {
		"null",
		"[]",
		"42",
		"\"text\"",
		"{}",
		"{\"state\": 7, \"reasons\": {}, \"history\": [1, null, {\"at\": []}],"
		" \"device\": [], \"heartbeat\": {\"feeds\": \"x\", \"period_ms\": -1e300},"
		" \"rearm\": \"auto\", \"rearm_in_s\": 1e308, \"errors\": 2,"
		" \"last_error\": \"a\\u001b[31mred\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *t = render(ctl_fmt_bypass_status, docs[i]);

		assert_null(strchr(t, '\033'));
		free(t);
	}
}

static void
test_fmt_bypass_status_missing_fields(void **state)
{
	char *t = render(ctl_fmt_bypass_status, "{\"history\": []}");

	(void)state;
	assert_line(t, "state               -\n");
	assert_line(t, "rearm               -\n");
	assert_line(t, "HISTORY (newest first)\nnone\n");
	free(t);
}

static void
test_fmt_bypass_change(void **state)
{
	char *t;

	(void)state;
	t = render(ctl_fmt_bypass_change, "{\"state\": \"inline\", \"reason\": \"operator\"}");
	assert_string_equal(t, "bypass: inline, traffic goes through the dataplane\n");
	free(t);
	t = render(ctl_fmt_bypass_change,
	           "{\"state\": \"bypass\", \"reasons\": [\"operator\"], \"pending\": true}");
	assert_string_equal(t, "bypass: bypass, held by operator (the device has not followed "
	                       "yet)\n");
	free(t);
	t = render(ctl_fmt_bypass_change, "{\"state\": \"disconnect\", \"reasons\": []}");
	assert_string_equal(t, "bypass: disconnect, both sides dropped until cleared\n");
	free(t);
	t = render(ctl_fmt_bypass_change, "[]");
	assert_string_equal(t, "rampartd sent no bypass state\n");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_bypass_status_full),
		cmocka_unit_test(test_fmt_bypass_status_hostile),
		cmocka_unit_test(test_fmt_bypass_status_missing_fields),
		cmocka_unit_test(test_fmt_bypass_change),
	};

	return cmocka_run_group_tests_name("bypass_format", tests, NULL, NULL);
}
