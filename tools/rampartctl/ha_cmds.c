/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl's HA commands: the builders of "ha maintenance" and "ha simulate" and the
 * printers of ha status, ha history and the two actions. Like every printer, they trust
 * nothing in the reply: a missing or mistyped field prints as "-".
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_cmds.h"

#define SIMULATE_SECONDS_MAX 3600

int
ctl_cli_build_ha_maintenance(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	bool on;

	if (argc != 1 || (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0)) {
		snprintf(err, errlen, "'ha maintenance' takes on or off");
		return -EINVAL;
	}
	on = strcmp(argv[0], "on") == 0;
	*args = json_pack("{s:b}", "on", on);
	return *args != NULL ? 0 : -ENOMEM;
}

int
ctl_cli_build_ha_simulate(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	static const char *const drills[] = { "peer-loss", "link-down", "low-bandwidth", "flap" };
	const char *what = NULL;
	long seconds = -1;
	bool known = false;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0) {
			char *end;

			if (i + 1 >= argc) {
				snprintf(err, errlen, "--seconds needs a value");
				return -EINVAL;
			}
			errno = 0;
			seconds = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || end == argv[i] || seconds < 1 ||
			    seconds > SIMULATE_SECONDS_MAX) {
				snprintf(err, errlen, "invalid seconds '%s': 1 to %d", argv[i],
				         SIMULATE_SECONDS_MAX);
				return -EINVAL;
			}
		} else if (argv[i][0] == '-') {
			snprintf(err, errlen, "unknown option '%s' for 'ha simulate'", argv[i]);
			return -EINVAL;
		} else if (what != NULL) {
			snprintf(err, errlen, "'ha simulate' takes one drill, got '%s' too",
			         argv[i]);
			return -EINVAL;
		} else {
			what = argv[i];
		}
	}
	for (size_t i = 0; what != NULL && i < sizeof(drills) / sizeof(drills[0]); i++)
		known |= strcmp(what, drills[i]) == 0;
	if (!known) {
		snprintf(err, errlen,
		         "'ha simulate' takes peer-loss, link-down, low-bandwidth or "
		         "flap");
		return -EINVAL;
	}
	*args = json_pack("{s:s}", "what", what);
	if (*args != NULL && seconds > 0)
		json_object_set_new(*args, "seconds", json_integer(seconds));
	return *args != NULL ? 0 : -ENOMEM;
}

/* A string member for printing: control characters become '?', missing is "-". */
static const char *
str(json_t *obj, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL || s[0] == '\0')
		return "-";
	return ctl_fmt_safe(buf, len, s);
}

/* An integer member as text, "-" when missing. */
static const char *
num(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

static const char *
yesno(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return !json_is_boolean(v) ? "-" : json_is_true(v) ? "yes" : "no";
}

static int
done(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

/* "LABEL key=value ..." for every integer member of @c, wrapped before the 100th column. */
static void
print_counters(FILE *out, const char *label, json_t *c)
{
	size_t col;
	const char *key;
	json_t *v;

	if (!json_is_object(c))
		return;
	col = (size_t)fprintf(out, "%s", label);
	json_object_foreach(c, key, v)
	{
		char item[128];
		int n;

		if (!json_is_integer(v))
			continue;
		n = snprintf(item, sizeof(item), " %s=%" JSON_INTEGER_FORMAT, key,
		             json_integer_value(v));
		if (col + (size_t)n > 99) {
			fputs("\n     ", out);
			col = 5;
		}
		fputs(item, out);
		col += (size_t)n;
	}
	fputc('\n', out);
}

int
ctl_fmt_ha_status(FILE *out, json_t *data)
{
	char a[128], b[128], c[128], d[128];
	json_t *arr, *el, *sub;
	size_t i;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	if (!json_is_true(json_object_get(data, "enabled"))) {
		fputs("ha: standalone (no ha block in the node config)\n", out);
		print_counters(out, "node traffic:", json_object_get(data, "node_traffic"));
		return done(out);
	}
	fprintf(out, "mode %s, %s, role %s%s\n", str(data, "mode", a, sizeof(a)),
	        json_is_true(json_object_get(data, "primary")) ? "primary" : "secondary",
	        str(data, "role", b, sizeof(b)),
	        json_is_true(json_object_get(data, "maintenance")) ? ", MAINTENANCE" : "");
	sub = json_object_get(data, "links");
	fprintf(out, "links: %s of %s link pairs healthy, minimum %s%s\n",
	        num(sub, "healthy", a, sizeof(a)), num(sub, "total", b, sizeof(b)),
	        num(sub, "min_active", c, sizeof(c)),
	        json_is_true(json_object_get(sub, "below_min")) ? " (BELOW MINIMUM: node down)"
	                                                        : "");
	json_array_foreach(json_object_get(sub, "link_pairs"), i, el) fprintf(
		out, "  %-16s %s\n", str(el, "name", a, sizeof(a)), str(el, "state", b, sizeof(b)));
	sub = json_object_get(data, "bandwidth");
	if (json_is_true(json_object_get(sub, "enabled")))
		fprintf(out, "bandwidth: %s bps, minimum %s bps over %s s%s\n",
		        num(sub, "bps", a, sizeof(a)), num(sub, "min_bps", b, sizeof(b)),
		        num(sub, "interval_s", c, sizeof(c)),
		        json_is_true(json_object_get(sub, "low")) ? " (LOW)" : "");
	else
		fputs("bandwidth: monitor off\n", out);
	sub = json_object_get(data, "flaps");
	fprintf(out, "flaps: %s in the last %s s, maximum %s%s\n", num(sub, "count", a, sizeof(a)),
	        num(sub, "window_s", b, sizeof(b)), num(sub, "max", c, sizeof(c)),
	        json_is_true(json_object_get(sub, "latched")) ? " (LATCHED: flapping stopped)"
	                                                      : "");
	sub = json_object_get(data, "stalls");
	if (json_integer_value(json_object_get(sub, "count")) > 0)
		fprintf(out, "HA thread stalls: %s, longest %s ms, %s ms not held against peers\n",
		        num(sub, "count", a, sizeof(a)), num(sub, "longest_ms", b, sizeof(b)),
		        num(sub, "discounted_ms", c, sizeof(c)));
	if (json_string_length(json_object_get(data, "simulating")) > 0)
		fprintf(out, "drills in progress: %s\n", str(data, "simulating", a, sizeof(a)));

	arr = json_object_get(data, "instances");
	fprintf(out, "\n%-14s %-6s %-22s %-8s %-9s %-9s %-8s %s\n", "INSTANCE", "FAMILY", "LINK",
	        "STATE", "PRIORITY", "EFFECTIVE", "ADVERT", "MASTER");
	json_array_foreach(arr, i, el)
	{
		char link[272], prio[16], eff[16], adv[160], e[128];

		snprintf(link, sizeof(link), "%s.%s", str(el, "link_pair", a, sizeof(a)),
		         str(el, "side", b, sizeof(b)));
		snprintf(adv, sizeof(adv), "%sms", num(el, "advert_interval_ms", c, sizeof(c)));
		fprintf(out, "%-14s %-6s %-22s %-8s %-9s %-9s %-8s %s\n",
		        str(el, "name", a, sizeof(a)), str(el, "family", b, sizeof(b)), link,
		        str(el, "state", d, sizeof(d)), num(el, "priority", prio, sizeof(prio)),
		        num(el, "effective_priority", eff, sizeof(eff)), adv,
		        str(el, "master", e, sizeof(e)));
		fprintf(out, "    hold %s, preempt %s, accept %s, last reason %s\n",
		        str(el, "hold", a, sizeof(a)), yesno(el, "preempt"), yesno(el, "accept"),
		        str(el, "last_reason", b, sizeof(b)));
		print_counters(out, "    counters:", json_object_get(el, "counters"));
	}

	print_counters(out, "node traffic:", json_object_get(data, "node_traffic"));

	arr = json_object_get(data, "peers");
	if (json_array_size(arr) > 0)
		fprintf(out, "\n%-16s %-20s %-10s %-14s %-10s %-8s %s\n", "PEER", "ADDRESS",
		        "HEALTH", "LAST CHECK MS", "HEARTBEATS", "MISSED", "MASTER OF");
	json_array_foreach(arr, i, el)
	{
		char e[32], f[32], g[32];

		fprintf(out, "%-16s %-20s %-10s %-14s %-10s %-8s %s%s%s\n",
		        str(el, "id", a, sizeof(a)), str(el, "address", b, sizeof(b)),
		        str(el, "health", c, sizeof(c)), num(el, "last_check_ms", e, sizeof(e)),
		        num(el, "heartbeats", f, sizeof(f)), num(el, "missed", g, sizeof(g)),
		        str(el, "master_of", d, sizeof(d)),
		        json_is_true(json_object_get(el, "bypass")) ? " [bypass]" : "",
		        json_is_true(json_object_get(el, "maintenance")) ? " [maintenance]" : "");
	}
	return done(out);
}

int
ctl_fmt_ha_history(FILE *out, json_t *data)
{
	char a[64], b[64], c[32], d[32], e[96];
	json_t *arr = json_object_get(data, "events"), *el;
	size_t i;

	if (!json_is_array(arr))
		return ctl_fmt_json(out, data);
	if (json_array_size(arr) == 0) {
		fputs("no state changes yet\n", out);
		return done(out);
	}
	fprintf(out, "%-25s %-14s %-8s %-8s %s\n", "TIME", "INSTANCE", "FROM", "TO", "REASON");
	json_array_foreach(arr, i, el)
		fprintf(out, "%-25s %-14s %-8s %-8s %s\n", str(el, "time", a, sizeof(a)),
	                str(el, "instance", b, sizeof(b)), str(el, "from", c, sizeof(c)),
	                str(el, "to", d, sizeof(d)), str(el, "reason", e, sizeof(e)));
	return done(out);
}

int
ctl_fmt_ha_maintenance(FILE *out, json_t *data)
{
	json_t *on = json_object_get(data, "maintenance");

	if (!json_is_boolean(on))
		return ctl_fmt_json(out, data);
	fputs(json_is_true(on) ? "maintenance on: master given up, instances held down\n"
	                       : "maintenance off: instances run again\n",
	      out);
	return done(out);
}

int
ctl_fmt_ha_simulate(FILE *out, json_t *data)
{
	char a[64], b[32];

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	fprintf(out, "drill %s started (%s s where it lasts); see 'rampartctl ha history'\n",
	        str(data, "simulating", a, sizeof(a)), num(data, "seconds", b, sizeof(b)));
	return done(out);
}
