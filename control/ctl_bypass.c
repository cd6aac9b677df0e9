/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass commands of the control socket (bypass.status, bypass.engage,
 * bypass.disconnect, bypass.clear), the bypass part of the status view, and the data of the
 * /rampart/bypass telemetry command. docs/control-protocol.md gives the shapes.
 *
 * Times: the manager keeps CLOCK_MONOTONIC nanoseconds; the views turn them into wall-clock
 * ISO 8601 times and ages in seconds, so an operator reads "at 12:03:04Z, 5.2 s ago".
 * Nothing here includes DPDK headers: the views read only the bypass manager.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "byp.h"
#include "ctl.h"

#define NS_PER_S 1e9
#define TELEMETRY_HISTORY 8 /* records in /rampart/bypass: a telemetry dict holds 256 values */

/* @s as a JSON string; bytes that are not ASCII (an interface name can hold any) become '?'
 * rather than making the whole view fail. */
static json_t *
text_json(const char *s)
{
	char buf[256];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return json_string(buf);
}

/* Wall-clock and monotonic "now", taken together, to turn monotonic times into wall times. */
struct clocks {
	double wall_s;
	uint64_t mono_ns;
};

static json_t *
iso_json(const struct clocks *c, uint64_t at_ns)
{
	double wall = c->wall_s - ((double)c->mono_ns - (double)at_ns) / NS_PER_S;
	time_t t = (time_t)wall;
	char buf[40];
	struct tm tm;

	if (at_ns == 0 || wall < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%FT%TZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

/* Seconds from @at_ns to the status's now, never negative; null when unknown. */
static json_t *
ago_json(uint64_t now_ns, uint64_t at_ns)
{
	if (at_ns == 0)
		return json_null();
	return json_real(at_ns >= now_ns ? 0.0 : (double)(now_ns - at_ns) / NS_PER_S);
}

static json_t *
reasons_json(uint32_t mask)
{
	json_t *a = json_array();

	for (int r = BYP_REASON_NONE + 1; r < BYP_REASON__MAX; r++)
		if (mask & (1u << r))
			json_array_append_new(a, json_string(byp_reason_name((enum byp_reason)r)));
	return a;
}

static json_t *
engages_json(const struct byp_status *st)
{
	json_t *o = json_object();

	for (int r = BYP_REASON_NONE + 1; r < BYP_REASON__MAX; r++)
		json_object_set_new(o, byp_reason_name((enum byp_reason)r),
		                    json_integer((json_int_t)st->engages[r]));
	return o;
}

static json_t *
device_json(const struct byp_status *st, const struct clocks *c)
{
	const struct byp_drv_status *d = &st->drv;
	json_t *o;

	if (!st->probed)
		return json_pack("{s:s}", "state", "not probed");
	if (!st->drv_ok)
		return json_pack("{s:s, s:o}", "state", "unknown", "error",
		                 text_json(st->last_error));
	o = json_pack("{s:s, s:b, s:I, s:o, s:o, s:o, s:o}", "state", byp_state_name(d->state),
	              "by_watchdog", d->by_watchdog, "expiries", (json_int_t)d->expiries,
	              "last_expiry", iso_json(c, d->latched_ns), "last_expiry_ago_s",
	              ago_json(st->now_ns, d->latched_ns), "heartbeat_age_ms",
	              d->heartbeat_ns == 0
	                      ? json_null()
	                      : json_real(d->heartbeat_ns >= st->now_ns
	                                          ? 0.0
	                                          : (double)(st->now_ns - d->heartbeat_ns) / 1e6),
	              "detail", text_json(d->detail));
	if (o != NULL && d->has_counters)
		json_object_set_new(o, "counters",
		                    json_pack("{s:I, s:I, s:I, s:I, s:I}", "passed",
		                              (json_int_t)d->passed, "bypassed_in",
		                              (json_int_t)d->bypassed_in, "bypassed_out",
		                              (json_int_t)d->bypassed_out, "disconnect_drops",
		                              (json_int_t)d->disconnect_drops, "errors",
		                              (json_int_t)d->errors));
	return o;
}

static json_t *
heartbeat_json(const struct byp_status *st)
{
	return json_pack("{s:b, s:b, s:f, s:I, s:I, s:o, s:f, s:I}", "running", st->hb_running,
	                 "realtime", st->hb_realtime, "period_ms",
	                 st->watchdog_ms == 0  ? 0.0
	                 : st->watchdog_ms < 4 ? 1.0
	                                       : st->watchdog_ms / 4.0,
	                 "feeds", (json_int_t)st->hb_feeds, "withheld", (json_int_t)st->hb.withheld,
	                 "last_ago_ms",
	                 st->hb_last_ns == 0
	                         ? json_null()
	                         : json_real(st->hb_last_ns >= st->now_ns
	                                             ? 0.0
	                                             : (double)(st->now_ns - st->hb_last_ns) / 1e6),
	                 "max_late_ms", (double)st->hb.max_late_ns / 1e6, "stalls",
	                 (json_int_t)st->hb.stalls);
}

static json_t *
history_json(struct byp *b, const struct byp_status *st, const struct clocks *c)
{
	json_t *a = json_array();
	struct byp_record r;

	for (unsigned int i = 0; byp_history_get(b, i, &r); i++)
		json_array_append_new(
			a, json_pack("{s:o, s:o, s:s, s:s, s:s, s:s}", "at", iso_json(c, r.at_ns),
		                     "ago_s", ago_json(st->now_ns, r.at_ns), "event",
		                     byp_event_name(r.kind), "reason", byp_reason_name(r.reason),
		                     "from", byp_state_name(r.from), "to", byp_state_name(r.to)));
	return a;
}

json_t *
ctl_view_bypass(const struct ctl_node *node, bool history)
{
	struct byp *b = node->byp;
	struct byp_status st;
	struct clocks c;
	struct timespec ts;
	json_t *o;

	if (b == NULL)
		return json_pack("{s:s, s:s}", "driver", "none", "state", "unavailable");
	byp_status_get(b, &st);
	clock_gettime(CLOCK_REALTIME, &ts);
	c.wall_s = (double)ts.tv_sec + (double)ts.tv_nsec / NS_PER_S;
	c.mono_ns = st.now_ns;
	o = json_pack(
		"{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:o, s:b, s:b, s:I, s:s, s:I, s:o, "
		"s:o, s:I, s:o, s:o, s:I, s:o}",
		"driver", st.driver, "state", byp_state_name(st.state), "failsafe",
		byp_state_name(st.failsafe), "reason", byp_reason_name(st.reason), "reasons",
		reasons_json(st.reasons), "since", iso_json(&c, st.since_ns), "since_ago_s",
		ago_json(st.now_ns, st.since_ns), "ready", st.ready, "healthy", st.healthy,
		"health", text_json(st.health_why), "pending", st.pending, "stopped", st.stopped,
		"watchdog_ms", (json_int_t)st.watchdog_ms, "rearm",
		st.rearm_auto ? "auto" : "manual", "rearm_after_s", (json_int_t)st.rearm_after_s,
		"rearm_in_s",
		st.rearm_at_ns == 0
			? json_null()
			: json_real(st.rearm_at_ns <= st.now_ns
	                                    ? 0.0
	                                    : (double)(st.rearm_at_ns - st.now_ns) / NS_PER_S),
		"engages", engages_json(&st), "rearms", (json_int_t)st.rearms, "heartbeat",
		heartbeat_json(&st), "device", device_json(&st, &c), "errors",
		(json_int_t)st.drv_errors, "last_error", text_json(st.last_error));
	if (o != NULL && history)
		json_object_set_new(o, "history", history_json(b, &st, &c));
	return o;
}

json_t *
ctl_view_bypass_telemetry(const struct ctl_node *node)
{
	json_t *o = ctl_view_bypass(node, true), *h = json_object_get(o, "history");

	while (json_array_size(h) > TELEMETRY_HISTORY)
		json_array_remove(h, json_array_size(h) - 1);
	return o;
}

json_t *
ctl_view_bypass_brief(const struct ctl_node *node)
{
	struct byp_status st;

	if (node->byp == NULL)
		return json_pack("{s:s, s:s}", "driver", "none", "state", "unavailable");
	byp_status_get(node->byp, &st);
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "driver", st.driver, "state",
	                 byp_state_name(st.state), "failsafe", byp_state_name(st.failsafe),
	                 "reason", byp_reason_name(st.reason), "ready", st.ready);
}

/* The bypass commands take no arguments. */
static int
no_args(json_t *args, const char **error)
{
	if (args == NULL || (json_is_object(args) && json_object_size(args) == 0))
		return 0;
	*error = "takes no arguments";
	return -EINVAL;
}

static int
handle_status(void *ctx, json_t *args, json_t **data, const char **error)
{
	int ret = no_args(args, error);

	if (ret < 0)
		return ret;
	*data = ctl_view_bypass(ctx, true);
	return *data != NULL ? 0 : -ENOMEM;
}

enum bypass_cmd {
	CMD_ENGAGE,
	CMD_DISCONNECT,
	CMD_CLEAR,
};

struct bypass_binding {
	const struct ctl_node *node;
	enum bypass_cmd cmd;
};

static int
handle_change(void *ctx, json_t *args, json_t **data, const char **error)
{
	/* The control thread serves one request at a time: a static message is safe. */
	static char msg[256];
	const struct bypass_binding *bb = ctx;
	struct byp *b = bb->node->byp;
	json_t *force = NULL;
	int ret;

	/* bypass.engage takes {"force": true}: bypass even on an HA standby. */
	if (bb->cmd == CMD_ENGAGE && json_is_object(args) && json_object_size(args) == 1 &&
	    (force = json_object_get(args, "force")) != NULL) {
		if (!json_is_boolean(force)) {
			*error = "takes no arguments, or {\"force\": true|false}";
			return -EINVAL;
		}
		ret = 0;
	} else {
		ret = no_args(args, error);
	}
	if (ret < 0)
		return ret;
	if (b == NULL) {
		*error = "this node has no bypass manager";
		return -ENODEV;
	}
	msg[0] = '\0';
	switch (bb->cmd) {
	case CMD_ENGAGE:
		ret = byp_operator_engage(b, json_is_true(force), msg, sizeof(msg));
		break;
	case CMD_DISCONNECT:
		ret = byp_disconnect(b, BYP_REASON_OPERATOR);
		break;
	case CMD_CLEAR:
		ret = byp_clear(b, msg, sizeof(msg));
		break;
	}
	if (ret == -ESHUTDOWN) {
		*error = "the node is stopping";
		return ret;
	}
	if (ret < 0 && (bb->cmd == CMD_CLEAR || ret == -EPERM) && msg[0] != '\0') {
		*error = msg;
		return ret;
	}
	if (ret < 0) {
		/* The latch took the request; the device did not follow (yet). */
		struct byp_status st;

		byp_status_get(b, &st);
		snprintf(msg, sizeof(msg),
		         "the bypass device did not follow: %s (retried every "
		         "tick)",
		         st.last_error[0] ? st.last_error : strerror(-ret));
		*error = msg;
		return ret;
	}
	*data = ctl_view_bypass(bb->node, false);
	return *data != NULL ? 0 : -ENOMEM;
}

int
ctl_bypass_register(struct ctl_server *srv, struct ctl_node *node)
{
	static struct bypass_binding bindings[] = {
		{ .cmd = CMD_ENGAGE },
		{ .cmd = CMD_DISCONNECT },
		{ .cmd = CMD_CLEAR },
	};
	static const char *const names[] = { "bypass.engage", "bypass.disconnect", "bypass.clear" };
	int ret = ctl_server_register(srv, "bypass.status", handle_status, node);

	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]) && ret == 0; i++) {
		bindings[i].node = node;
		ret = ctl_server_register(srv, names[i], handle_change, &bindings[i]);
	}
	return ret;
}
