/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: the human form of the bypass replies (bypass status, engage, disconnect,
 * clear). Like every printer, it trusts nothing in the reply: a missing or mistyped field
 * prints as "-", strings are made safe for a terminal.
 *
 *   state             bypass
 *   reason            watchdog
 *   ...
 *
 *   HISTORY (newest first)
 *   AT                    AGO  EVENT     REASON    FROM    TO
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

#define LABEL_WIDTH 18

/* A reply's string, made safe; "-" when absent or not a string. */
static const char *
str_of(json_t *obj, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL || len == 0)
		return "-";
	return ctl_fmt_safe(buf, len, s);
}

static const char *
bool_of(json_t *obj, const char *key, const char *yes, const char *no)
{
	json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? (json_is_true(v) ? yes : no) : "-";
}

/* A counter as text, "-" when not a whole number. */
static const char *
count_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);
	double d;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	d = json_number_value(v);
	if (json_is_real(v) && isfinite(d) && d > -9e18 && d < 9e18 && d == (double)(long long)d) {
		snprintf(buf, len, "%lld", (long long)d);
		return buf;
	}
	return "-";
}

/* A number of seconds as "12s ago" style text via ctl_fmt_duration(); "-" when absent. */
static const char *
secs_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		return "-";
	return ctl_fmt_duration(json_number_value(v), buf, len);
}

static const char *
ms_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);
	double d = json_number_value(v);

	if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e12)
		return "-";
	snprintf(buf, len, "%.1f ms", d);
	return buf;
}

static void
kv(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%-*s  %s\n", LABEL_WIDTH, label, value);
}

/* "watchdog, operator" from an array of strings. */
static const char *
list_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *arr = json_object_get(obj, key), *e;
	char one[64];
	size_t i, used = 0;

	if (!json_is_array(arr))
		return "-";
	if (json_array_size(arr) == 0)
		return "none";
	buf[0] = '\0';
	json_array_foreach(arr, i, e)
	{
		const char *s = json_string_value(e);
		int n;

		if (s == NULL)
			continue;
		ctl_fmt_safe(one, sizeof(one), s);
		n = snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "", one);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return used > 0 ? buf : "-";
}

static void
summary(FILE *out, json_t *d)
{
	char a[256], b[256], line[600];
	json_t *v;

	kv(out, "state", str_of(d, "state", a, sizeof(a)));
	v = json_object_get(d, "failsafe");
	if (json_is_string(v) && strcmp(json_string_value(v), "disconnect") == 0)
		kv(out, "fail-safe",
		   "disconnect (an HA standby: a fail-open event drops both ways)");
	else
		kv(out, "fail-safe", str_of(d, "failsafe", a, sizeof(a)));
	kv(out, "holding", list_of(d, "reasons", a, sizeof(a)));
	kv(out, "last-reason", str_of(d, "reason", a, sizeof(a)));
	snprintf(line, sizeof(line), "%s (%s ago)", str_of(d, "since", a, sizeof(a)),
	         secs_of(d, "since_ago_s", b, sizeof(b)));
	kv(out, "since", line);
	kv(out, "driver", str_of(d, "driver", a, sizeof(a)));
	kv(out, "ready", bool_of(d, "ready", "yes", "no (starting)"));
	v = json_object_get(d, "healthy");
	if (json_is_false(v)) {
		snprintf(line, sizeof(line), "no: %s", str_of(d, "health", a, sizeof(a)));
		kv(out, "healthy", line);
	} else {
		kv(out, "healthy", bool_of(d, "healthy", "yes", "no"));
	}
	v = json_object_get(d, "rearm");
	if (json_is_string(v) && strcmp(json_string_value(v), "auto") == 0) {
		snprintf(line, sizeof(line), "auto, after %s of stable health%s%s%s",
		         secs_of(d, "rearm_after_s", a, sizeof(a)),
		         json_is_number(json_object_get(d, "rearm_in_s")) ? " (due in " : "",
		         json_is_number(json_object_get(d, "rearm_in_s"))
		                 ? secs_of(d, "rearm_in_s", b, sizeof(b))
		                 : "",
		         json_is_number(json_object_get(d, "rearm_in_s")) ? ")" : "");
		kv(out, "rearm", line);
	} else {
		kv(out, "rearm", json_is_string(v) ? "manual (rampartctl bypass clear)" : "-");
	}
	kv(out, "watchdog-ms", count_of(d, "watchdog_ms", a, sizeof(a)));
	if (json_is_true(json_object_get(d, "pending")))
		kv(out, "pending", "yes: the device does not do this yet (retried every tick)");
	if (json_is_true(json_object_get(d, "stopped")))
		kv(out, "stopped", "yes: rampartd is stopping");
}

static void
device(FILE *out, json_t *d)
{
	json_t *dev = json_object_get(d, "device"), *c = json_object_get(dev, "counters");
	json_t *hb = json_object_get(d, "heartbeat");
	char a[256], b[256], e[64], line[700];

	if (json_is_object(dev)) {
		snprintf(line, sizeof(line), "%s%s", str_of(dev, "state", a, sizeof(a)),
		         json_is_true(json_object_get(dev, "by_watchdog")) ? " (latched by its "
		                                                             "watchdog)"
		                                                           : "");
		kv(out, "device", line);
		kv(out, "device-detail", str_of(dev, "detail", a, sizeof(a)));
		if (json_is_string(json_object_get(dev, "last_expiry")))
			snprintf(line, sizeof(line), "%s, last %s (%s ago)",
			         count_of(dev, "expiries", e, sizeof(e)),
			         str_of(dev, "last_expiry", a, sizeof(a)),
			         secs_of(dev, "last_expiry_ago_s", b, sizeof(b)));
		else
			snprintf(line, sizeof(line), "%s", count_of(dev, "expiries", e, sizeof(e)));
		kv(out, "watchdog-expiries", line);
		kv(out, "device-heartbeat", ms_of(dev, "heartbeat_age_ms", a, sizeof(a)));
		if (json_is_string(json_object_get(dev, "error")))
			kv(out, "device-error", str_of(dev, "error", a, sizeof(a)));
	}
	if (json_is_object(c)) {
		kv(out, "passed", count_of(c, "passed", a, sizeof(a)));
		kv(out, "bypassed-in", count_of(c, "bypassed_in", a, sizeof(a)));
		kv(out, "bypassed-out", count_of(c, "bypassed_out", a, sizeof(a)));
		kv(out, "disconnect-drops", count_of(c, "disconnect_drops", a, sizeof(a)));
		kv(out, "device-errors", count_of(c, "errors", a, sizeof(a)));
	}
	if (json_is_object(hb)) {
		char f[64], w[64], s[64];

		snprintf(line, sizeof(line),
		         "%s%s, every %s, fed %s, withheld %s, last %s ago, "
		         "stalls %s (the longest wake-up %s late)",
		         bool_of(hb, "running", "running", "stopped"),
		         json_is_true(json_object_get(hb, "realtime")) ? " (real-time)" : "",
		         ms_of(hb, "period_ms", a, sizeof(a)), count_of(hb, "feeds", f, sizeof(f)),
		         count_of(hb, "withheld", w, sizeof(w)),
		         ms_of(hb, "last_ago_ms", b, sizeof(b)), count_of(hb, "stalls", s, sizeof(s)),
		         ms_of(hb, "max_late_ms", e, sizeof(e)));
		kv(out, "heartbeat", line);
	}
	if (json_is_integer(json_object_get(d, "errors")) &&
	    json_integer_value(json_object_get(d, "errors")) > 0) {
		snprintf(line, sizeof(line), "%s, last: %s", count_of(d, "errors", e, sizeof(e)),
		         str_of(d, "last_error", a, sizeof(a)));
		kv(out, "driver-errors", line);
	}
}

static void
history(FILE *out, json_t *d)
{
	json_t *h = json_object_get(d, "history"), *r;
	char at[64], ago[64], ev[32], rs[32], from[32], to[32];
	size_t i;

	if (!json_is_array(h))
		return;
	fputs("\nHISTORY (newest first)\n", out);
	if (json_array_size(h) == 0) {
		fputs("none\n", out);
		return;
	}
	fprintf(out, "%-20s  %10s  %-10s  %-12s  %-10s  %s\n", "AT", "AGO", "EVENT", "REASON",
	        "FROM", "TO");
	json_array_foreach(h, i, r)
	{
		if (!json_is_object(r))
			continue;
		fprintf(out, "%-20s  %10s  %-10s  %-12s  %-10s  %s\n",
		        str_of(r, "at", at, sizeof(at)), secs_of(r, "ago_s", ago, sizeof(ago)),
		        str_of(r, "event", ev, sizeof(ev)), str_of(r, "reason", rs, sizeof(rs)),
		        str_of(r, "from", from, sizeof(from)), str_of(r, "to", to, sizeof(to)));
	}
}

int
ctl_fmt_bypass_status(FILE *out, json_t *data)
{
	if (!json_is_object(data)) {
		fputs("rampartd sent no bypass status\n", out);
		return ferror(out) ? -EIO : 0;
	}
	summary(out, data);
	device(out, data);
	history(out, data);
	return ferror(out) ? -EIO : 0;
}

int
ctl_fmt_bypass_change(FILE *out, json_t *data)
{
	char s[64], r[256];

	if (!json_is_object(data)) {
		fputs("rampartd sent no bypass state\n", out);
		return ferror(out) ? -EIO : 0;
	}
	str_of(data, "state", s, sizeof(s));
	if (strcmp(s, "inline") == 0)
		fputs("bypass: inline, traffic goes through the dataplane", out);
	else if (strcmp(s, "disconnect") == 0)
		fputs("bypass: disconnect, both sides dropped until cleared", out);
	else
		fprintf(out, "bypass: %s, held by %s", s, list_of(data, "reasons", r, sizeof(r)));
	fprintf(out, "%s\n",
	        json_is_true(json_object_get(data, "pending"))
	                ? " (the device has not followed yet)"
	                : "");
	return ferror(out) ? -EIO : 0;
}
