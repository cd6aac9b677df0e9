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

/*
 * Copy @s to @dst (as large as @s), replacing what a terminal would act on (C0 controls, DEL
 * and the C1 controls as UTF-8) by '?'.
 */
static void
text_sanitize(char *dst, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*dst++ = '?';
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			*dst++ = '?';
			p++;
		} else {
			*dst++ = (char)*p;
		}
	}
	*dst = '\0';
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
