/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: the human form of rampartd's replies.
 *
 * Output is built as small tables of strings (one per section), then printed with every
 * column as wide as its widest cell: text columns to the left, numbers to the right.
 */
#include <errno.h>
#include <math.h> /* isfinite() */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"

#define FMT_COLS_MAX    24  /* columns of one table; further unknown counters are left out */
#define FMT_CELL_MAX    512 /* a cell built here (not copied from the reply) fits in this */
#define FMT_SECONDS_MAX 1e12
#define FMT_EPOCH_MAX   253402300800LL /* 10000-01-01: a later start time is nonsense */

/* A table of strings: row 0 is the header when there is one. */
struct fmt_table {
	size_t ncols;
	size_t nrows;
	size_t cap;               /* rows allocated */
	char **cells;             /* nrows * ncols, row-major; NULL prints as "-" */
	bool right[FMT_COLS_MAX]; /* right-aligned (numbers) */
	bool failed;              /* an allocation failed: print nothing, report -ENOMEM */
};

static void
table_init(struct fmt_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols > FMT_COLS_MAX ? FMT_COLS_MAX : ncols;
}

static void
table_free(struct fmt_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
	t->cap = 0;
}

/* Append an empty row. @return its index, or -1 (and the table is marked failed). */
static long
table_row(struct fmt_table *t)
{
	char **cells;
	size_t ncap;

	if (t->failed)
		return -1;
	if (t->nrows == t->cap) {
		ncap = t->cap == 0 ? 8 : t->cap * 2;
		cells = realloc(t->cells, ncap * t->ncols * sizeof(*cells));
		if (cells == NULL) {
			t->failed = true;
			return -1;
		}
		t->cells = cells;
		t->cap = ncap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return (long)t->nrows++;
}

char *
ctl_fmt_safe(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (len == 0)
		return buf;
	for (; *p != '\0' && o + 1 < len; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			buf[o++] = '?';
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf[o++] = '?';
			p++;
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Copy @s, made safe, to @dst (as large as @s). */
static void
text_sanitize(char *dst, const char *s)
{
	ctl_fmt_safe(dst, strlen(s) + 1, s);
}

/* Copy @s, made safe, into a cell. A NULL @s leaves the cell empty, which prints as "-". */
static void
table_set(struct fmt_table *t, long row, size_t col, const char *s)
{
	char *copy;

	if (row < 0 || col >= t->ncols || s == NULL)
		return;
	copy = malloc(strlen(s) + 1);
	if (copy == NULL) {
		t->failed = true;
		return;
	}
	text_sanitize(copy, s);
	free(t->cells[(size_t)row * t->ncols + col]);
	t->cells[(size_t)row * t->ncols + col] = copy;
}

static void __attribute__((format(printf, 4, 5)))
table_setf(struct fmt_table *t, long row, size_t col, const char *fmt, ...)
{
	char buf[FMT_CELL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	table_set(t, row, col, buf);
}

/* Characters on screen: UTF-8 continuation bytes take no column. */
static size_t
cell_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int
table_print(struct fmt_table *t, FILE *out, int indent)
{
	size_t width[FMT_COLS_MAX] = {0};
	const char *cell;
	size_t r, c, w;

	if (t->failed)
		return -ENOMEM;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			cell = t->cells[r * t->ncols + c];
			w = cell_width(cell != NULL ? cell : "-");
			if (w > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r < t->nrows; r++) {
		fprintf(out, "%*s", indent, "");
		for (c = 0; c < t->ncols; c++) {
			cell = t->cells[r * t->ncols + c];
			if (cell == NULL)
				cell = "-";
			w = width[c] - cell_width(cell);
			if (c > 0)
				fputs("  ", out);
			if (t->right[c])
				fprintf(out, "%*s%s", (int)w, "", cell);
			else if (c + 1 < t->ncols)
				fprintf(out, "%s%*s", cell, (int)w, "");
			else
				fputs(cell, out);
		}
		fputc('\n', out);
	}
	return 0;
}

/* A header row from a NULL-terminated list of titles; a leading '>' right-aligns a column. */
static void
table_header(struct fmt_table *t, const char *const *titles)
{
	long row = table_row(t);
	size_t c;

	for (c = 0; c < t->ncols && titles[c] != NULL; c++) {
		if (titles[c][0] == '>') {
			t->right[c] = true;
			table_set(t, row, c, titles[c] + 1);
		} else {
			table_set(t, row, c, titles[c]);
		}
	}
}

/* A whole number (or a real without fraction, as some encoders write counters) as text. */
static const char *
count_text(json_t *v, char *buf, size_t len)
{
	double d;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (isfinite(d) && d > -9e18 && d < 9e18 && d == (double)(long long)d) {
			snprintf(buf, len, "%lld", (long long)d);
			return buf;
		}
	}
	return NULL;
}

/* Any scalar as text: numbers, strings, booleans; NULL for null, objects and arrays. */
static const char *
scalar_text(json_t *v, char *buf, size_t len)
{
	const char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	s = count_text(v, buf, len);
	if (s == NULL && json_is_real(v)) {
		snprintf(buf, len, "%g", json_real_value(v));
		s = buf;
	}
	return s;
}

static void
cell_count(struct fmt_table *t, long row, size_t col, json_t *obj, const char *key)
{
	char buf[32];

	table_set(t, row, col, count_text(json_object_get(obj, key), buf, sizeof(buf)));
}

static void
cell_str(struct fmt_table *t, long row, size_t col, json_t *obj, const char *key)
{
	table_set(t, row, col, json_string_value(json_object_get(obj, key)));
}

static void
cell_onoff(struct fmt_table *t, long row, size_t col, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_boolean(v))
		table_set(t, row, col, json_is_true(v) ? "on" : "off");
}

/* A "label  value" row of a key/value table; the value is left for the caller to set. */
static long
kv_row(struct fmt_table *t, const char *label)
{
	long row = table_row(t);

	table_set(t, row, 0, label);
	return row;
}

static bool
key_known(const char *key, const char *const *known)
{
	for (; *known != NULL; known++)
		if (strcmp(key, *known) == 0)
			return true;
	return false;
}

/*
 * Add a row for every scalar member of @obj not in @known, labelled with its key
 * ("idle_polls" -> "@prefix" "idle-polls"), so fields added to the daemon show without a new
 * rampartctl. Members that are objects add their own scalars ("ha": {"role": ..} ->
 * "ha-role") down @depth levels; arrays are left out. Labels are one word, so that
 * awk '$1 == "pid"' finds a value.
 */
static void
kv_extras(struct fmt_table *t, json_t *obj, const char *const *known, const char *prefix, int depth)
{
	static const char *const none[] = {NULL};
	char label[FMT_CELL_MAX];
	char buf[64];
	const char *key;
	const char *s;
	json_t *v;
	long row;
	char *p;

	json_object_foreach(obj, key, v)
	{
		if (key_known(key, known))
			continue;
		snprintf(label, sizeof(label), "%s%s", prefix, key);
		for (p = label; *p != '\0'; p++)
			if (*p == '_' || *p == ' ')
				*p = '-';
		if (json_is_object(v)) {
			if (depth > 0 && strlen(label) + 2 < sizeof(label)) {
				strcat(label, "-");
				kv_extras(t, v, none, label, depth - 1);
			}
			continue;
		}
		s = scalar_text(v, buf, sizeof(buf));
		if (s == NULL)
			continue;
		row = kv_row(t, label);
		table_set(t, row, 1, s);
	}
}

static int
out_result(FILE *out, int rc)
{
	if (rc < 0)
		return rc;
	return ferror(out) ? -EIO : 0;
}

int
ctl_fmt_text(FILE *out, const char *s)
{
	char *copy = malloc(strlen(s) + 1);

	if (copy == NULL)
		return -ENOMEM;
	text_sanitize(copy, s);
	fputs(copy, out);
	free(copy);
	return out_result(out, 0);
}

int
ctl_fmt_json(FILE *out, json_t *data)
{
	if (data == NULL)
		fputs("null", out);
	else if (json_dumpf(data, out, JSON_INDENT(2) | JSON_ENCODE_ANY) < 0)
		return -EIO;
	fputc('\n', out);
	return out_result(out, 0);
}

char *
ctl_fmt_duration(double seconds, char *buf, size_t len)
{
	long long s, d, h, m;

	if (len == 0)
		return buf;
	if (!(seconds >= 0) || seconds > FMT_SECONDS_MAX) {
		snprintf(buf, len, "-");
		return buf;
	}
	s = (long long)seconds;
	d = s / 86400;
	h = s / 3600 % 24;
	m = s / 60 % 60;
	s %= 60;
	if (d > 0)
		snprintf(buf, len, "%lldd%02lldh%02lldm%02llds", d, h, m, s);
	else if (h > 0)
		snprintf(buf, len, "%lldh%02lldm%02llds", h, m, s);
	else if (m > 0)
		snprintf(buf, len, "%lldm%02llds", m, s);
	else
		snprintf(buf, len, "%llds", s);
	return buf;
}

/* "up0:0,down0:0": the rx queues a worker polls. */
static void
cell_rx_queues(struct fmt_table *t, long row, size_t col, json_t *queues)
{
	char buf[FMT_CELL_MAX];
	char num[32];
	const char *port;
	const char *q;
	size_t used = 0;
	size_t i;
	json_t *e;
	int n;

	if (!json_is_array(queues))
		return;
	buf[0] = '\0';
	json_array_foreach(queues, i, e)
	{
		port = json_string_value(json_object_get(e, "port"));
		q = count_text(json_object_get(e, "queue"), num, sizeof(num));
		n = snprintf(buf + used, sizeof(buf) - used, "%s%s:%s", i > 0 ? "," : "",
			     port != NULL ? port : "?", q != NULL ? q : "?");
		if (n < 0 || (size_t)n >= sizeof(buf) - used) {
			/* Too many to show: end with an ellipsis where there is room for one. */
			used = used < sizeof(buf) - 4 ? used : sizeof(buf) - 4;
			memcpy(buf + used, "...", 4);
			break;
		}
		used += (size_t)n;
	}
	table_set(t, row, col, json_array_size(queues) == 0 ? "none" : buf);
}

static const char *const status_known[] = {
	"node_id",    "stack",   "version", "pid",        "uptime_s", "started_at",
	"main_lcore", "control", "workers", "link_pairs", NULL,
};

static const char *const status_control_known[] = {"socket", "requests", NULL};

static void
status_summary(struct fmt_table *t, json_t *data)
{
	json_t *control = json_object_get(data, "control");
	json_t *uptime = json_object_get(data, "uptime_s");
	json_t *started = json_object_get(data, "started_at");
	char buf[64];
	struct tm tm;
	time_t when;
	long row;

	cell_str(t, kv_row(t, "node"), 1, data, "node_id");
	cell_str(t, kv_row(t, "stack"), 1, data, "stack");
	cell_str(t, kv_row(t, "version"), 1, data, "version");
	cell_count(t, kv_row(t, "pid"), 1, data, "pid");
	if (json_is_number(uptime))
		table_set(t, kv_row(t, "uptime"), 1,
			  ctl_fmt_duration(json_number_value(uptime), buf, sizeof(buf)));
	else
		kv_row(t, "uptime");
	row = kv_row(t, "started");
	if (json_is_integer(started) && json_integer_value(started) >= 0 &&
	    json_integer_value(started) < FMT_EPOCH_MAX) {
		when = (time_t)json_integer_value(started);
		if (gmtime_r(&when, &tm) != NULL && strftime(buf, sizeof(buf), "%FT%TZ", &tm) > 0)
			table_set(t, row, 1, buf);
	}
	cell_count(t, kv_row(t, "main-lcore"), 1, data, "main_lcore");
	cell_str(t, kv_row(t, "control-socket"), 1, control, "socket");
	cell_count(t, kv_row(t, "control-requests"), 1, control, "requests");
	if (json_is_object(control))
		kv_extras(t, control, status_control_known, "control-", 0);
	kv_extras(t, data, status_known, "", 1);
}

static void
status_workers(struct fmt_table *t, json_t *workers)
{
	static const char *const titles[] = {
		">LCORE",      "RX QUEUES",      ">LOOPS", ">RX PACKETS",
		">TX PACKETS", ">IDLE SLEEP US", NULL,
	};
	size_t i;
	json_t *w;
	long row;

	table_header(t, titles);
	json_array_foreach(workers, i, w)
	{
		if (!json_is_object(w))
			continue;
		row = table_row(t);
		cell_count(t, row, 0, w, "lcore");
		cell_rx_queues(t, row, 1, json_object_get(w, "rx_queues"));
		cell_count(t, row, 2, w, "loops");
		cell_count(t, row, 3, w, "rx_packets");
		cell_count(t, row, 4, w, "tx_packets");
		cell_count(t, row, 5, w, "idle_sleep_us");
	}
}

static void
status_link_pairs(struct fmt_table *t, json_t *pairs)
{
	static const char *const titles[] = {
		"LINK PAIR", "UPSTREAM", "LINK", "PROTECTED", "LINK", "STATE", NULL,
	};
	size_t i;
	json_t *lp;
	long row;

	table_header(t, titles);
	json_array_foreach(pairs, i, lp)
	{
		if (!json_is_object(lp))
			continue;
		row = table_row(t);
		cell_str(t, row, 0, lp, "name");
		cell_str(t, row, 1, lp, "upstream");
		cell_str(t, row, 2, lp, "upstream_link");
		cell_str(t, row, 3, lp, "protected");
		cell_str(t, row, 4, lp, "protected_link");
		cell_str(t, row, 5, lp, "state");
	}
}

/* One table of the status after a blank line: six columns filled by @fill from @arr. */
static int
status_section(FILE *out, json_t *arr, void (*fill)(struct fmt_table *t, json_t *arr),
	       const char *empty)
{
	struct fmt_table t;
	int rc = 0;

	if (!json_is_array(arr))
		return 0;
	table_init(&t, 6);
	fill(&t, arr);
	fputc('\n', out);
	if (t.nrows > 1)
		rc = table_print(&t, out, 0);
	else
		fprintf(out, "%s\n", empty);
	table_free(&t);
	return rc;
}

int
ctl_fmt_status(FILE *out, json_t *data)
{
	struct fmt_table t;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);

	table_init(&t, 2);
	status_summary(&t, data);
	rc = table_print(&t, out, 0);
	table_free(&t);

	if (rc == 0)
		rc = status_section(out, json_object_get(data, "workers"), status_workers,
				    "no workers");
	if (rc == 0)
		rc = status_section(out, json_object_get(data, "link_pairs"), status_link_pairs,
				    "no link pairs");
	return out_result(out, rc);
}

static const char *const port_known[] = {
	"name",       "port_id",  "device",     "driver",    "mac",      "link",    "speed_mbps",
	"duplex",     "autoneg",  "rx_queues",  "tx_queues", "rx_desc",  "tx_desc", "promiscuous",
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",  "tx_drops", "hw",      NULL,
};

static void
port_summary(struct fmt_table *t, json_t *port)
{
	json_t *speed = json_object_get(port, "speed_mbps");
	char buf[32];

	cell_count(t, kv_row(t, "port-id"), 1, port, "port_id");
	cell_str(t, kv_row(t, "driver"), 1, port, "driver");
	cell_str(t, kv_row(t, "device"), 1, port, "device");
	cell_str(t, kv_row(t, "mac"), 1, port, "mac");
	cell_str(t, kv_row(t, "link"), 1, port, "link");
	if (count_text(speed, buf, sizeof(buf)) != NULL && json_number_value(speed) > 0)
		table_setf(t, kv_row(t, "speed"), 1, "%s Mb/s", buf);
	else
		table_set(t, kv_row(t, "speed"), 1, "unknown");
	cell_str(t, kv_row(t, "duplex"), 1, port, "duplex");
	cell_onoff(t, kv_row(t, "autoneg"), 1, port, "autoneg");
	cell_onoff(t, kv_row(t, "promiscuous"), 1, port, "promiscuous");
	cell_count(t, kv_row(t, "rx-queues"), 1, port, "rx_queues");
	cell_count(t, kv_row(t, "tx-queues"), 1, port, "tx_queues");
	cell_count(t, kv_row(t, "rx-descriptors"), 1, port, "rx_desc");
	cell_count(t, kv_row(t, "tx-descriptors"), 1, port, "tx_desc");
	kv_extras(t, port, port_known, "", 1);
}

/*
 * Counters of one port: what rampart's workers counted ("rx", "tx") and what the NIC
 * reports ("hw-rx", "hw-tx").
 */
static void
port_counters(struct fmt_table *t, json_t *port)
{
	static const char *const titles[] = {
		"COUNTERS", ">PACKETS", ">BYTES", ">DROPS", ">MISSED", ">ERRORS", ">NO MBUF", NULL,
	};
	json_t *hw = json_object_get(port, "hw");
	long row;

	table_header(t, titles);
	row = table_row(t);
	table_set(t, row, 0, "rx");
	cell_count(t, row, 1, port, "rx_packets");
	cell_count(t, row, 2, port, "rx_bytes");
	row = table_row(t);
	table_set(t, row, 0, "tx");
	cell_count(t, row, 1, port, "tx_packets");
	cell_count(t, row, 2, port, "tx_bytes");
	cell_count(t, row, 3, port, "tx_drops");
	if (!json_is_object(hw))
		return;
	row = table_row(t);
	table_set(t, row, 0, "hw-rx");
	cell_count(t, row, 1, hw, "ipackets");
	cell_count(t, row, 2, hw, "ibytes");
	cell_count(t, row, 4, hw, "imissed");
	cell_count(t, row, 5, hw, "ierrors");
	cell_count(t, row, 6, hw, "rx_nombuf");
	row = table_row(t);
	table_set(t, row, 0, "hw-tx");
	cell_count(t, row, 1, hw, "opackets");
	cell_count(t, row, 2, hw, "obytes");
	cell_count(t, row, 5, hw, "oerrors");
}

int
ctl_fmt_ports(FILE *out, json_t *data)
{
	struct fmt_table t;
	json_t *ports = json_object_get(data, "ports");
	const char *name;
	size_t shown = 0;
	size_t i;
	json_t *p;
	int rc = 0;

	if (!json_is_array(ports))
		return ctl_fmt_json(out, data);
	json_array_foreach(ports, i, p)
	{
		if (!json_is_object(p))
			continue;
		if (shown++ > 0)
			fputc('\n', out);
		name = json_string_value(json_object_get(p, "name"));
		table_init(&t, 1);
		table_set(&t, table_row(&t), 0, name != NULL ? name : "-");
		rc = table_print(&t, out, 0);
		table_free(&t);
		if (rc < 0)
			break;

		table_init(&t, 2);
		port_summary(&t, p);
		rc = table_print(&t, out, 2);
		table_free(&t);
		if (rc < 0)
			break;

		table_init(&t, 7);
		port_counters(&t, p);
		fputc('\n', out);
		rc = table_print(&t, out, 2);
		table_free(&t);
		if (rc < 0)
			break;
	}
	if (rc == 0 && shown == 0)
		fputs("no ports\n", out);
	return out_result(out, rc);
}

static const char *const stats_counters[] = {
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "tx_drops", NULL,
};

/* Add @key to the column list unless present or the list is full. */
static void
stats_add_key(const char **keys, size_t *nkeys, size_t max, const char *key)
{
	size_t i;

	for (i = 0; i < *nkeys; i++)
		if (strcmp(keys[i], key) == 0)
			return;
	if (*nkeys < max)
		keys[(*nkeys)++] = key;
}

/* The known counters, then every other integer member of the rows, in order of appearance. */
static size_t
stats_columns(const char **keys, size_t max, json_t *rows, json_t *extra_row, const char *label_key)
{
	size_t nkeys = 0;
	const char *key;
	json_t *row;
	json_t *v;
	size_t i;

	for (i = 0; stats_counters[i] != NULL; i++)
		stats_add_key(keys, &nkeys, max, stats_counters[i]);
	json_array_foreach(rows, i, row)
	{
		json_object_foreach(row, key, v)
		{
			if (json_is_integer(v) && strcmp(key, label_key) != 0)
				stats_add_key(keys, &nkeys, max, key);
		}
	}
	json_object_foreach(extra_row, key, v)
	{
		if (json_is_integer(v) && strcmp(key, label_key) != 0)
			stats_add_key(keys, &nkeys, max, key);
	}
	return nkeys;
}

/* "rx_packets" -> "RX PACKETS" */
static void
stats_title(struct fmt_table *t, long row, size_t col, const char *key)
{
	char buf[FMT_CELL_MAX];
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = key[i] == '_' ? ' '
				       : (char)(key[i] >= 'a' && key[i] <= 'z' ? key[i] - 'a' + 'A'
									       : key[i]);
	buf[i] = '\0';
	table_set(t, row, col, buf);
	t->right[col] = true;
}

/*
 * One table of counters: a row per object of @rows labelled by its @label_key (a string or
 * a number), then @extra_row labelled @extra_label when it is an object. Nothing is printed
 * when there is no row; a blank line goes first when *@printed says a table came before.
 */
static int
stats_table(FILE *out, bool *printed, const char *title, json_t *rows, const char *label_key,
	    json_t *extra_row, const char *extra_label, bool label_right)
{
	const char *keys[FMT_COLS_MAX - 1];
	char buf[64];
	struct fmt_table t;
	size_t nkeys, i, c;
	json_t *r;
	long row;
	int rc = 0;

	if (!json_is_array(rows))
		rows = NULL;
	if (!json_is_object(extra_row))
		extra_row = NULL;
	nkeys = stats_columns(keys, FMT_COLS_MAX - 1, rows, extra_row, label_key);
	table_init(&t, nkeys + 1);
	row = table_row(&t);
	table_set(&t, row, 0, title);
	t.right[0] = label_right;
	for (c = 0; c < nkeys; c++)
		stats_title(&t, row, c + 1, keys[c]);
	json_array_foreach(rows, i, r)
	{
		if (!json_is_object(r))
			continue;
		row = table_row(&t);
		table_set(&t, row, 0, scalar_text(json_object_get(r, label_key), buf, sizeof(buf)));
		for (c = 0; c < nkeys; c++)
			cell_count(&t, row, c + 1, r, keys[c]);
	}
	if (extra_row != NULL) {
		row = table_row(&t);
		table_set(&t, row, 0, extra_label);
		for (c = 0; c < nkeys; c++)
			cell_count(&t, row, c + 1, extra_row, keys[c]);
	}
	if (t.failed) {
		rc = -ENOMEM;
	} else if (t.nrows > 1) {
		if (*printed)
			fputc('\n', out);
		rc = table_print(&t, out, 0);
		*printed = true;
	}
	table_free(&t);
	return rc;
}

int
ctl_fmt_stats(FILE *out, json_t *data)
{
	bool printed = false;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	rc = stats_table(out, &printed, "PORT", json_object_get(data, "ports"), "name",
			 json_object_get(data, "totals"), "total", false);
	if (rc == 0)
		rc = stats_table(out, &printed, "LCORE", json_object_get(data, "workers"), "lcore",
				 NULL, NULL, true);
	if (rc == 0 && !printed)
		fputs("no counters\n", out);
	return out_result(out, rc);
}

int
ctl_fmt_shutdown(FILE *out, json_t *data)
{
	if (json_is_true(json_object_get(data, "shutting_down")))
		fputs("rampartd is shutting down\n", out);
	else
		fputs("rampartd did not confirm the shutdown\n", out);
	return out_result(out, 0);
}

/* Mitigation: the policy, its rules, the blocklist and the drop counters. */

/* A number of milliseconds as "12.34 ms", or "?" when there is none. */
static const char *
ms_text(json_t *v, char *buf, size_t len)
{
	double d = json_number_value(v);

	if (!json_is_number(v) || !isfinite(d) || d < 0 || d > FMT_SECONDS_MAX)
		return "?";
	snprintf(buf, len, "%.2f ms", d);
	return buf;
}

/* A count for a sentence: the number, or "?" when there is none. */
static const char *
sentence_count(json_t *obj, const char *key, char *buf, size_t len)
{
	const char *s = count_text(json_object_get(obj, key), buf, len);

	return s != NULL ? s : "?";
}

/* "12 rules, 40 ACL rules, ...; mode enforce, default allow; parsed in ..., compiled in ..." */
static void
policy_summary(json_t *data, char *buf, size_t len)
{
	char rules[32], acl[32], allow[32], deny[32], parse[32], compile[32];
	const char *mode = json_string_value(json_object_get(data, "mode"));
	const char *dflt = json_string_value(json_object_get(data, "default_action"));

	snprintf(buf, len,
		 "%s rules, %s ACL rules, %s allow and %s deny prefixes; mode %s, default %s; "
		 "parsed in %s, compiled in %s",
		 sentence_count(data, "rules", rules, sizeof(rules)),
		 sentence_count(data, "acl_rules", acl, sizeof(acl)),
		 sentence_count(data, "allow_prefixes", allow, sizeof(allow)),
		 sentence_count(data, "deny_prefixes", deny, sizeof(deny)),
		 mode != NULL ? mode : "?", dflt != NULL ? dflt : "?",
		 ms_text(json_object_get(data, "parse_ms"), parse, sizeof(parse)),
		 ms_text(json_object_get(data, "compile_ms"), compile, sizeof(compile)));
}

/* One line of text made safe for a terminal, then a newline. */
static int
print_line(FILE *out, const char *line)
{
	int rc = ctl_fmt_text(out, line);

	fputc('\n', out);
	return out_result(out, rc);
}

int
ctl_fmt_policy_validate(FILE *out, json_t *data)
{
	const char *file = json_string_value(json_object_get(data, "file"));
	char summary[FMT_CELL_MAX];
	char *line;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	policy_summary(data, summary, sizeof(summary));
	if (asprintf(&line, "%s: valid (%s)", file != NULL ? file : "policy", summary) < 0)
		return -ENOMEM;
	rc = print_line(out, line);
	free(line);
	return rc;
}

int
ctl_fmt_policy_load(FILE *out, json_t *data)
{
	const char *file = json_string_value(json_object_get(data, "file"));
	char summary[FMT_CELL_MAX];
	char version[32];
	char *line;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	policy_summary(data, summary, sizeof(summary));
	if (asprintf(&line, "policy version %s loaded from %s (%s)",
		     sentence_count(data, "version", version, sizeof(version)),
		     file != NULL ? file : "?", summary) < 0)
		return -ENOMEM;
	rc = print_line(out, line);
	free(line);
	return rc;
}

static const char *const policy_known[] = {
	"version",       "loaded",    "loaded_at",      "file",           "mode",
	"default_action", "rules",    "acl_rules",      "allow_prefixes", "deny_prefixes",
	"protections",   "parse_ms",  "compile_ms",     "memory_bytes",   NULL,
};

static const char *const policy_protections[] = {
	"syn_flood", "udp_amplification", "icmp_flood", "drop_fragments", "auto_block", NULL,
};

static const char *const policy_memory[] = {"acl", "lpm", "rules", "total", NULL};

/* "label" for @key ("drop_fragments" -> "drop-fragments") after @prefix. */
static void
label_of(char *buf, size_t len, const char *prefix, const char *key)
{
	char *p;

	snprintf(buf, len, "%s%s", prefix, key);
	for (p = buf; *p != '\0'; p++)
		if (*p == '_' || *p == ' ')
			*p = '-';
}

int
ctl_fmt_policy(FILE *out, json_t *data)
{
	json_t *file = json_object_get(data, "file");
	json_t *prot = json_object_get(data, "protections");
	json_t *mem = json_object_get(data, "memory_bytes");
	char label[64], buf[64];
	struct fmt_table t;
	size_t i;
	long row;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	table_init(&t, 2);
	cell_count(&t, kv_row(&t, "version"), 1, data, "version");
	cell_str(&t, kv_row(&t, "loaded"), 1, data, "loaded");
	row = kv_row(&t, "file");
	if (json_is_null(file))
		table_set(&t, row, 1, "none (the empty start-up policy)");
	else
		cell_str(&t, row, 1, data, "file");
	cell_str(&t, kv_row(&t, "mode"), 1, data, "mode");
	cell_str(&t, kv_row(&t, "default-action"), 1, data, "default_action");
	cell_count(&t, kv_row(&t, "rules"), 1, data, "rules");
	cell_count(&t, kv_row(&t, "acl-rules"), 1, data, "acl_rules");
	cell_count(&t, kv_row(&t, "allow-prefixes"), 1, data, "allow_prefixes");
	cell_count(&t, kv_row(&t, "deny-prefixes"), 1, data, "deny_prefixes");
	for (i = 0; policy_protections[i] != NULL; i++) {
		label_of(label, sizeof(label), "", policy_protections[i]);
		cell_onoff(&t, kv_row(&t, label), 1, prot, policy_protections[i]);
	}
	if (json_is_object(prot))
		kv_extras(&t, prot, policy_protections, "", 0);
	row = kv_row(&t, "parse-time");
	if (json_is_number(json_object_get(data, "parse_ms")))
		table_set(&t, row, 1, ms_text(json_object_get(data, "parse_ms"), buf, sizeof(buf)));
	row = kv_row(&t, "compile-time");
	if (json_is_number(json_object_get(data, "compile_ms")))
		table_set(&t, row, 1,
			  ms_text(json_object_get(data, "compile_ms"), buf, sizeof(buf)));
	for (i = 0; policy_memory[i] != NULL; i++) {
		label_of(label, sizeof(label), "memory-", policy_memory[i]);
		row = kv_row(&t, label);
		if (count_text(json_object_get(mem, policy_memory[i]), buf, sizeof(buf)) != NULL)
			table_setf(&t, row, 1, "%s bytes", buf);
	}
	if (json_is_object(mem))
		kv_extras(&t, mem, policy_memory, "memory-", 0);
	kv_extras(&t, data, policy_known, "", 1);
	rc = table_print(&t, out, 0);
	table_free(&t);
	return out_result(out, rc);
}

int
ctl_fmt_rules(FILE *out, json_t *data)
{
	static const char *const titles[] = {
		"NAME", ">LINE", "ACTION", ">PACKETS", ">BYTES", ">DROPPED", NULL,
	};
	json_t *rules = json_object_get(data, "rules");
	struct fmt_table t;
	size_t i;
	json_t *r;
	long row;
	int rc = 0;

	if (!json_is_array(rules))
		return ctl_fmt_json(out, data);
	table_init(&t, 6);
	table_header(&t, titles);
	json_array_foreach(rules, i, r)
	{
		if (!json_is_object(r))
			continue;
		row = table_row(&t);
		cell_str(&t, row, 0, r, "name");
		cell_count(&t, row, 1, r, "line");
		cell_str(&t, row, 2, r, "action");
		cell_count(&t, row, 3, r, "packets");
		cell_count(&t, row, 4, r, "bytes");
		cell_count(&t, row, 5, r, "dropped");
	}
	if (t.nrows > 1)
		rc = table_print(&t, out, 0);
	else if (!t.failed)
		fputs("no rules in the running policy\n", out);
	else
		rc = -ENOMEM;
	table_free(&t);
	return out_result(out, rc);
}

/* "5m00s" for a ttl in seconds, "until deleted" for 0. */
static const char *
ttl_text(json_t *ttl, bool permanent, char *buf, size_t len)
{
	if (permanent || (json_is_integer(ttl) && json_integer_value(ttl) == 0))
		return "until deleted";
	if (!json_is_integer(ttl))
		return "?";
	return ctl_fmt_duration((double)json_integer_value(ttl), buf, len);
}

int
ctl_fmt_blocklist_add(FILE *out, json_t *data)
{
	const char *addr = json_string_value(json_object_get(data, "addr"));
	char ttl[32], count[32], cap[32];
	bool permanent = json_is_true(json_object_get(data, "permanent"));
	char *line;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	if (asprintf(&line, "%s blocked %s%s (blocklist: %s of %s entries)",
		     addr != NULL ? addr : "?",
		     permanent ? "" : "for ",
		     ttl_text(json_object_get(data, "ttl"), permanent, ttl, sizeof(ttl)),
		     sentence_count(data, "count", count, sizeof(count)),
		     sentence_count(data, "capacity", cap, sizeof(cap))) < 0)
		return -ENOMEM;
	rc = print_line(out, line);
	free(line);
	return rc;
}

int
ctl_fmt_blocklist_del(FILE *out, json_t *data)
{
	const char *addr = json_string_value(json_object_get(data, "addr"));
	char count[32];
	char *line;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	if (asprintf(&line, "%s removed from the blocklist (%s entries left)",
		     addr != NULL ? addr : "?",
		     sentence_count(data, "count", count, sizeof(count))) < 0)
		return -ENOMEM;
	rc = print_line(out, line);
	free(line);
	return rc;
}

int
ctl_fmt_blocklist_flush(FILE *out, json_t *data)
{
	json_t *removed = json_object_get(data, "removed");

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	if (json_is_integer(removed))
		fprintf(out, "%" JSON_INTEGER_FORMAT " entr%s removed from the blocklist\n",
			json_integer_value(removed),
			json_integer_value(removed) == 1 ? "y" : "ies");
	else
		fputs("the blocklist was flushed (rampartd did not say how many entries it held)\n",
		      out);
	return out_result(out, 0);
}

static const char *const blocklist_stats[] = {
	"added", "deleted", "expired", "auto_added", "full", NULL,
};

static void
blocklist_summary(struct fmt_table *t, json_t *data)
{
	json_t *st = json_object_get(data, "stats");
	char label[64];
	size_t i;

	cell_count(t, kv_row(t, "count"), 1, data, "count");
	cell_count(t, kv_row(t, "capacity"), 1, data, "capacity");
	for (i = 0; blocklist_stats[i] != NULL; i++) {
		/* "full" alone would read as a state: these are adds refused for room. */
		label_of(label, sizeof(label), "",
			 strcmp(blocklist_stats[i], "full") == 0 ? "refused_full"
								 : blocklist_stats[i]);
		cell_count(t, kv_row(t, label), 1, st, blocklist_stats[i]);
	}
	if (json_is_object(st))
		kv_extras(t, st, blocklist_stats, "", 0);
}

static void
blocklist_entries(struct fmt_table *t, json_t *entries)
{
	static const char *const titles[] = {"ADDRESS", "EXPIRES IN", "ADDED BY", NULL};
	json_t *e, *automatic;
	char buf[32];
	size_t i;
	long row;

	table_header(t, titles);
	json_array_foreach(entries, i, e)
	{
		if (!json_is_object(e))
			continue;
		row = table_row(t);
		cell_str(t, row, 0, e, "addr");
		if (json_is_true(json_object_get(e, "permanent")))
			table_set(t, row, 1, "never");
		else if (json_is_integer(json_object_get(e, "ttl_left")))
			table_set(t, row, 1,
				  ctl_fmt_duration((double)json_integer_value(
							   json_object_get(e, "ttl_left")),
						   buf, sizeof(buf)));
		automatic = json_object_get(e, "automatic");
		if (json_is_boolean(automatic))
			table_set(t, row, 2, json_is_true(automatic) ? "auto-block" : "operator");
	}
}

int
ctl_fmt_blocklist_list(FILE *out, json_t *data)
{
	json_t *entries = json_object_get(data, "entries");
	char shown[32], count[32];
	struct fmt_table t;
	bool listed;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	table_init(&t, 2);
	blocklist_summary(&t, data);
	rc = table_print(&t, out, 0);
	table_free(&t);
	if (rc < 0 || !json_is_array(entries))
		return out_result(out, rc);

	fputc('\n', out);
	table_init(&t, 3);
	blocklist_entries(&t, entries);
	listed = t.nrows > 1;
	if (listed)
		rc = table_print(&t, out, 0);
	else if (t.failed)
		rc = -ENOMEM;
	else if (!json_is_true(json_object_get(data, "truncated")))
		fputs("the blocklist is empty\n", out);
	table_free(&t);
	if (rc == 0 && json_is_true(json_object_get(data, "truncated"))) {
		snprintf(shown, sizeof(shown), "%zu", json_array_size(entries));
		fprintf(out, "%s%s of %s entries listed: --limit N lists more (at most 100000)\n",
			listed ? "\n" : "", shown,
			sentence_count(data, "count", count, sizeof(count)));
	}
	return out_result(out, rc);
}

static const char *const drops_counters[] = {
	"inspected", "non_ip", "allow_prefix", "monitored", "offenders", "offenders_lost",
	"rate_evictions", NULL,
};

/* The columns of a drops table: the totals, then a worker per column (objects only). */
struct drops_cols {
	json_t *obj[FMT_COLS_MAX - 1];
	char title[FMT_COLS_MAX - 1][32];
	size_t n;
	size_t left_out; /* workers without a column */
};

static void
drops_columns(struct drops_cols *c, json_t *data)
{
	json_t *totals = json_object_get(data, "totals");
	json_t *workers = json_object_get(data, "workers");
	char num[32];
	const char *lc;
	json_t *w;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (json_is_object(totals)) {
		c->obj[c->n] = totals;
		snprintf(c->title[c->n++], sizeof(c->title[0]), "TOTAL");
	}
	json_array_foreach(workers, i, w)
	{
		if (!json_is_object(w))
			continue;
		if (c->n >= FMT_COLS_MAX - 1) {
			c->left_out++;
			continue;
		}
		lc = count_text(json_object_get(w, "lcore"), num, sizeof(num));
		c->obj[c->n] = w;
		snprintf(c->title[c->n++], sizeof(c->title[0]), "LCORE%.20s",
			 lc != NULL ? lc : "?");
	}
}

/*
 * One table: a row per name, a column per object of @c. @sub names the member of each
 * column object that holds the counters ("drops"), or NULL for the object itself. The rows
 * are @known, then every other integer member the objects hold, in order of appearance.
 */
static int
drops_table(FILE *out, const struct drops_cols *c, const char *title, const char *sub,
	    const char *const *known)
{
	const char *names[256];
	size_t nnames = 0, i, k;
	struct fmt_table t;
	const char *key;
	json_t *obj, *v;
	long row;
	int rc;

	for (i = 0; known != NULL && known[i] != NULL; i++)
		stats_add_key(names, &nnames, 256, known[i]);
	for (k = 0; k < c->n; k++) {
		obj = sub != NULL ? json_object_get(c->obj[k], sub) : c->obj[k];
		json_object_foreach(obj, key, v)
		{
			if (json_is_integer(v) && strcmp(key, "lcore") != 0)
				stats_add_key(names, &nnames, 256, key);
		}
	}
	table_init(&t, c->n + 1);
	row = table_row(&t);
	table_set(&t, row, 0, title);
	for (k = 0; k < c->n; k++) {
		table_set(&t, row, k + 1, c->title[k]);
		t.right[k + 1] = true;
	}
	for (i = 0; i < nnames; i++) {
		row = table_row(&t);
		table_set(&t, row, 0, names[i]);
		for (k = 0; k < c->n; k++) {
			obj = sub != NULL ? json_object_get(c->obj[k], sub) : c->obj[k];
			cell_count(&t, row, k + 1, obj, names[i]);
		}
	}
	rc = table_print(&t, out, 0);
	table_free(&t);
	return rc;
}

int
ctl_fmt_drops(FILE *out, json_t *data)
{
	const char *mode = json_string_value(json_object_get(data, "mode"));
	struct drops_cols c;
	int rc;

	if (!json_is_object(data))
		return ctl_fmt_json(out, data);
	fputs("mode  ", out);
	ctl_fmt_text(out, mode != NULL ? mode : "-");
	fputc('\n', out);
	drops_columns(&c, data);
	if (c.n == 0) {
		fputs("no counters\n", out);
		return out_result(out, 0);
	}
	fputc('\n', out);
	rc = drops_table(out, &c, "COUNTER", NULL, drops_counters);
	if (rc == 0) {
		fputc('\n', out);
		rc = drops_table(out, &c, "REASON", "drops", NULL);
	}
	if (rc == 0 && c.left_out > 0)
		fprintf(out, "\n%zu more workers not shown: --worker LCORE shows one\n",
			c.left_out);
	return out_result(out, rc);
}
