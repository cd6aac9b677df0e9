/* SPDX-License-Identifier: BSD-3-Clause */
/* rampartctl's HA words: what the builders send and what the printers make of replies. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ha_cmds.h"
#include "../render.h"

static int
build(int (*fn)(int, char *const *, json_t **, char *, size_t), json_t **args, char *err,
      size_t errlen, ...)
{
	char *argv[8];
	int argc = 0;
	va_list ap;

	va_start(ap, errlen);
	for (char *a = va_arg(ap, char *); a != NULL && argc < 8; a = va_arg(ap, char *))
		argv[argc++] = a;
	va_end(ap);
	*args = NULL;
	err[0] = '\0';
	return fn(argc, argv, args, err, errlen);
}

static void
test_ctl_cli_build_ha_maintenance_on_off(void **state)
{
	char err[256];
	json_t *args;

	(void)state;
	assert_int_equal(build(ctl_cli_build_ha_maintenance, &args, err, sizeof(err), "on", NULL),
	                 0);
	assert_true(json_is_true(json_object_get(args, "on")));
	json_decref(args);
	assert_int_equal(build(ctl_cli_build_ha_maintenance, &args, err, sizeof(err), "off", NULL),
	                 0);
	assert_true(json_is_false(json_object_get(args, "on")));
	json_decref(args);
	assert_int_equal(build(ctl_cli_build_ha_maintenance, &args, err, sizeof(err), "yes", NULL),
	                 -EINVAL);
	assert_null(args);
	assert_string_equal(err, "'ha maintenance' takes on or off");
}

static void
test_ctl_cli_build_ha_simulate_drills(void **state)
{
	static const char *const drills[] = { "peer-loss", "link-down", "low-bandwidth", "flap" };
	char err[256];
	json_t *args;

	(void)state;
	for (size_t i = 0; i < sizeof(drills) / sizeof(drills[0]); i++) {
		assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err),
		                       (char *)drills[i], NULL),
		                 0);
		assert_string_equal(json_string_value(json_object_get(args, "what")), drills[i]);
		assert_null(json_object_get(args, "seconds"));
		json_decref(args);
	}
	assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "--seconds",
	                       "30", "peer-loss", NULL),
	                 0);
	assert_int_equal(json_integer_value(json_object_get(args, "seconds")), 30);
	json_decref(args);
	assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "reboot", NULL),
	                 -EINVAL);
	assert_string_equal(err, "'ha simulate' takes peer-loss, link-down, low-bandwidth or flap");
	assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "flap",
	                       "--seconds", "0", NULL),
	                 -EINVAL);
	assert_string_equal(err, "invalid seconds '0': 1 to 3600");
	assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "flap",
	                       "--seconds", NULL),
	                 -EINVAL);
	assert_string_equal(err, "--seconds needs a value");
	assert_int_equal(build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "flap",
	                       "peer-loss", NULL),
	                 -EINVAL);
	assert_int_equal(
		build(ctl_cli_build_ha_simulate, &args, err, sizeof(err), "flap", "--force", NULL),
		-EINVAL);
	assert_string_equal(err, "unknown option '--force' for 'ha simulate'");
}

static void
test_ctl_fmt_ha_status_views(void **state)
{
	char *s;

	(void)state;
	s = render(ctl_fmt_ha_status, "{\"enabled\": false, \"role\": \"standalone\", "
	                              "\"node_traffic\": {\"punted\": 7}}");
	assert_non_null(strstr(s, "ha: standalone"));
	assert_non_null(strstr(s, "node traffic: punted=7"));
	free(s);
	s = render(
		ctl_fmt_ha_status,
		"{\"enabled\": true, \"mode\": \"active-passive\", \"primary\": true, "
		"\"role\": \"master\", \"links\": {\"healthy\": 1, \"total\": 2, \"min_active\": "
		"2, "
		"\"below_min\": true}, \"flaps\": {\"count\": 7, \"window_s\": 60, \"max\": 6, "
		"\"latched\": true}, \"stalls\": {\"count\": 2, \"longest_ms\": 412, "
		"\"discounted_ms\": 797}, \"instances\": [{\"name\": \"vrid51-ipv4\", \"family\": "
		"\"ipv4\", \"link_pair\": \"lp0\", \"side\": \"upstream\", \"state\": \"master\", "
		"\"priority\": 150, \"effective_priority\": 0, \"advert_interval_ms\": 100, "
		"\"master\": \"203.0.113.11\", \"counters\": {\"adverts_sent\": 12}}], "
		"\"peers\": [{\"id\": \"rp-b\", \"address\": \"203.0.113.12\", \"health\": "
		"\"unhealthy\", \"last_check_ms\": 31, \"bypass\": true}]}");
	assert_non_null(strstr(s, "mode active-passive, primary, role master"));
	assert_non_null(strstr(s, "1 of 2 link pairs healthy, minimum 2 (BELOW MINIMUM"));
	assert_non_null(strstr(s, "flaps: 7 in the last 60 s, maximum 6 (LATCHED"));
	assert_non_null(strstr(s, "vrid51-ipv4    ipv4   lp0.upstream           master   150 "));
	assert_non_null(strstr(s, "counters: adverts_sent=12"));
	assert_non_null(strstr(s, "rp-b             203.0.113.12         unhealthy  31"));
	assert_non_null(strstr(s, "[bypass]"));
	assert_non_null(
		strstr(s, "HA thread stalls: 2, longest 412 ms, 797 ms not held against peers\n"));
	free(s);
	/* No stall, no line. */
	s = render(ctl_fmt_ha_status, "{\"enabled\": true, \"stalls\": {\"count\": 0}}");
	assert_null(strstr(s, "stalls"));
	free(s);
	/* Nothing trusted: wrong types print as "-", control characters as '?'. */
	s = render(ctl_fmt_ha_status,
	           "{\"enabled\": true, \"mode\": 5, \"role\": \"ma\\u0007ster\", "
	           "\"instances\": [{\"name\": null}]}");
	assert_non_null(strstr(s, "mode -, secondary, role ma?ster"));
	free(s);
	/* A C1 control (U+009B, CSI) as UTF-8 is one '?' too. */
	s = render(ctl_fmt_ha_status, "{\"enabled\": true, \"mode\": \"a\\u009bb\"}");
	assert_non_null(strstr(s, "mode a?b, secondary"));
	free(s);
}

static void
test_ctl_fmt_ha_history_and_actions(void **state)
{
	char *s;

	(void)state;
	s = render(ctl_fmt_ha_history, "{\"events\": []}");
	assert_string_equal(s, "no state changes yet\n");
	free(s);
	s = render(ctl_fmt_ha_history,
	           "{\"events\": [{\"time\": \"2026-11-22T00:02:09.507Z\", \"instance\": "
	           "\"vrid51-ipv4\", \"from\": \"init\", \"to\": \"backup\", \"reason\": "
	           "\"startup\"}]}");
	assert_non_null(strstr(s, "2026-11-22T00:02:09.507Z  vrid51-ipv4    init     backup   "
	                          "startup"));
	free(s);
	s = render(ctl_fmt_ha_maintenance, "{\"maintenance\": false}");
	assert_string_equal(s, "maintenance off: instances run again\n");
	free(s);
	s = render(ctl_fmt_ha_simulate, "{\"simulating\": \"flap\", \"seconds\": 10}");
	assert_non_null(strstr(s, "drill flap started"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_cli_build_ha_maintenance_on_off),
		cmocka_unit_test(test_ctl_cli_build_ha_simulate_drills),
		cmocka_unit_test(test_ctl_fmt_ha_status_views),
		cmocka_unit_test(test_ctl_fmt_ha_history_and_actions),
	};

	return cmocka_run_group_tests_name("control_ha_cmds", tests, NULL, NULL);
}
