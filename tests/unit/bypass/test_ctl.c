/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass control commands over a manager with the recording driver, through the same
 * dispatcher the socket server uses: the replies' shapes, the operator's engage, disconnect
 * and clear, a clear refused while unhealthy, a device that does not follow, arguments
 * refused, and the brief status form.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "byp.h"
#include "ctl.h"

struct fixture {
	uint64_t now;
	struct byp_rec_log log;
	struct byp_driver *drv;
	struct cfg_bypass cfg;
	struct ctl_node node;
	struct ctl_server *srv;
	char dir[64];
};

static uint64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static int
setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));
	char sock[96], err[128];

	assert_non_null(f);
	f->now = 1000000000ull;
	f->cfg.watchdog_ms = 20;
	f->cfg.start_in_bypass = true;
	f->cfg.rearm_after_s = 30;
	f->drv = byp_drv_rec_create(&f->log, fake_clock, f);
	f->node.byp = byp_create(&f->cfg, f->drv, fake_clock, f);
	assert_non_null(f->node.byp);
	assert_int_equal(byp_probe(f->node.byp, err, sizeof(err)), 0);
	strcpy(f->dir, "/tmp/rampart-ctlbyp-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(sock, sizeof(sock), "%s/s", f->dir);
	f->srv = ctl_server_create(sock, 0600);
	assert_non_null(f->srv);
	assert_int_equal(ctl_bypass_register(f->srv, &f->node), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_server_destroy(f->srv);
	rmdir(f->dir);
	byp_destroy(f->node.byp);
	test_free(f);
	return 0;
}

/* Dispatch @req; return the reply (caller decrefs). */
static json_t *
ask(struct fixture *f, const char *req)
{
	json_t *reply = ctl_server_dispatch(f->srv, req, strlen(req));

	assert_non_null(reply);
	return reply;
}

static json_t *
ask_ok(struct fixture *f, const char *req)
{
	json_t *reply = ask(f, req);

	if (!json_is_true(json_object_get(reply, "ok")))
		fail_msg("%s failed: %s", req, json_string_value(json_object_get(reply, "error")));
	return reply;
}

static const char *
data_str(json_t *reply, const char *key)
{
	return json_string_value(json_object_get(json_object_get(reply, "data"), key));
}

static void
test_ctl_bypass_status_shape(void **state)
{
	struct fixture *f = *state;
	json_t *r = ask_ok(f, "{\"cmd\": \"bypass.status\"}");
	json_t *d = json_object_get(r, "data"), *h = json_object_get(d, "history");

	assert_string_equal(data_str(r, "driver"), "recording");
	assert_string_equal(data_str(r, "state"), "bypass");
	assert_string_equal(data_str(r, "reason"), "start-up");
	assert_string_equal(data_str(r, "rearm"), "manual");
	assert_true(json_is_false(json_object_get(d, "ready")));
	assert_true(json_is_true(json_object_get(d, "healthy")));
	assert_int_equal(json_integer_value(json_object_get(d, "watchdog_ms")), 20);
	assert_int_equal(json_array_size(json_object_get(d, "reasons")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "reasons"), 0)),
	                    "start-up");
	assert_true(json_is_object(json_object_get(d, "device")));
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(d, "device"), "state")),
		"bypass");
	assert_true(json_is_object(json_object_get(d, "heartbeat")));
	assert_true(json_is_array(h));
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "event")),
	                    "engage");
	assert_true(json_is_null(json_object_get(d, "rearm_in_s")));
	json_decref(r);
}

static void
test_ctl_bypass_engage_disconnect_clear(void **state)
{
	struct fixture *f = *state;
	json_t *r;

	byp_ready(f->node.byp);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);

	r = ask_ok(f, "{\"cmd\": \"bypass.engage\"}");
	assert_string_equal(data_str(r, "state"), "bypass");
	assert_string_equal(data_str(r, "reason"), "operator");
	/* Change replies carry no history. */
	assert_null(json_object_get(json_object_get(r, "data"), "history"));
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);

	r = ask_ok(f, "{\"cmd\": \"bypass.disconnect\", \"args\": {}}");
	assert_string_equal(data_str(r, "state"), "disconnect");
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_DISCONNECT);

	r = ask_ok(f, "{\"cmd\": \"bypass.clear\"}");
	assert_string_equal(data_str(r, "state"), "inline");
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);

	r = ask_ok(f, "{\"cmd\": \"bypass.status\"}");
	assert_int_equal(json_array_size(json_object_get(json_object_get(r, "data"), "history")),
	                 5);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(json_object_get(r, "data"), "history"), 0),
			"event")),
		"clear");
	json_decref(r);
}

static void
test_ctl_bypass_clear_refused_unhealthy(void **state)
{
	struct fixture *f = *state;
	json_t *r;

	byp_ready(f->node.byp);
	byp_engage(f->node.byp, BYP_REASON_MAX_FLAPS);
	byp_health_set(f->node.byp, false, "worker on lcore 1 makes no progress");
	r = ask(f, "{\"cmd\": \"bypass.clear\"}");
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
	                       "worker on lcore 1 makes no progress"));
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
}

static void
test_ctl_bypass_device_not_following(void **state)
{
	struct fixture *f = *state;
	json_t *r;

	byp_ready(f->node.byp);
	byp_drv_rec_fail(f->drv, BYP_REC_ENGAGE, EIO);
	r = ask(f, "{\"cmd\": \"bypass.engage\"}");
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "did not follow"));
	json_decref(r);
	r = ask_ok(f, "{\"cmd\": \"bypass.status\"}");
	assert_true(json_is_true(json_object_get(json_object_get(r, "data"), "pending")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "data"), "errors")),
	                 1);
	json_decref(r);
}

static void
test_ctl_bypass_engage_refused_on_standby(void **state)
{
	struct fixture *f = *state;
	json_t *r;

	byp_ready(f->node.byp);
	assert_int_equal(byp_failsafe_set(f->node.byp, BYP_STATE_DISCONNECT), 0);
	r = ask_ok(f, "{\"cmd\": \"bypass.status\"}");
	assert_string_equal(data_str(r, "failsafe"), "disconnect");
	json_decref(r);
	r = ask(f, "{\"cmd\": \"bypass.engage\"}");
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "HA standby"));
	json_decref(r);
	r = ask(f, "{\"cmd\": \"bypass.engage\", \"args\": {\"force\": false}}");
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_INLINE);
	r = ask_ok(f, "{\"cmd\": \"bypass.engage\", \"args\": {\"force\": true}}");
	assert_string_equal(data_str(r, "state"), "bypass");
	json_decref(r);
	assert_int_equal(f->log.state, BYP_STATE_BYPASS);
}

static void
test_ctl_bypass_args_refused(void **state)
{
	static const char *const reqs[] = {
		"{\"cmd\": \"bypass.status\", \"args\": {\"x\": 1}}",
		"{\"cmd\": \"bypass.engage\", \"args\": {\"reason\": \"watchdog\"}}",
		"{\"cmd\": \"bypass.clear\", \"args\": [1]}",
		"{\"cmd\": \"bypass.disconnect\", \"args\": \"now\"}",
		"{\"cmd\": \"bypass.engage\", \"args\": {\"force\": 1}}",
		"{\"cmd\": \"bypass.engage\", \"args\": {\"force\": true, \"x\": 1}}",
		"{\"cmd\": \"bypass.clear\", \"args\": {\"force\": true}}",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		json_t *r = ask(f, reqs[i]);

		assert_true(json_is_false(json_object_get(r, "ok")));
		assert_true(json_is_string(json_object_get(r, "error")));
		json_decref(r);
	}
	/* Nothing was asked of the device. */
	assert_int_equal(f->log.count[BYP_REC_ENGAGE], 1);
	assert_int_equal(f->log.count[BYP_REC_DISCONNECT], 0);
}

static void
test_ctl_bypass_brief_and_no_manager(void **state)
{
	struct fixture *f = *state;
	struct ctl_node none = { 0 };
	json_t *b = ctl_view_bypass_brief(&f->node);

	assert_string_equal(json_string_value(json_object_get(b, "state")), "bypass");
	assert_string_equal(json_string_value(json_object_get(b, "driver")), "recording");
	assert_true(json_is_false(json_object_get(b, "ready")));
	json_decref(b);
	b = ctl_view_bypass_brief(&none);
	assert_string_equal(json_string_value(json_object_get(b, "state")), "unavailable");
	json_decref(b);
	b = ctl_view_bypass(&none, true);
	assert_string_equal(json_string_value(json_object_get(b, "state")), "unavailable");
	json_decref(b);
}

static void
test_ctl_bypass_telemetry_keeps_eight(void **state)
{
	struct fixture *f = *state;
	json_t *t;

	byp_ready(f->node.byp);
	for (int i = 0; i < 20; i++)
		byp_engage(f->node.byp, BYP_REASON_OPERATOR);
	t = ctl_view_bypass_telemetry(&f->node);
	assert_int_equal(json_array_size(json_object_get(t, "history")), 8);
	json_decref(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctl_bypass_status_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_engage_refused_on_standby, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_engage_disconnect_clear, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_clear_refused_unhealthy, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_device_not_following, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_args_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_brief_and_no_manager, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ctl_bypass_telemetry_keeps_eight, setup,
		                                teardown),
	};

	return cmocka_run_group_tests_name("bypass_ctl", tests, NULL, NULL);
}
