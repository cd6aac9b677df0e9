/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The node config file. libconfig parses the text into a tree; one walk over the tree checks
 * every setting against the schema below and copies it into struct cfg_node. Checks that span
 * sections (port names used by link pairs, worker lcores against dpdk.lcores, the default
 * file prefix made from node.id) run after the walk, once every part they need is known.
 *
 * Nothing stops at the first problem: each one is recorded with the line of the setting it is
 * about, and the errors are sorted by line at the end so they read in file order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "cfg.h"

#define QUOTE_MAX 72 /* user text shown in a message, with its quotes and escapes */
#define LIST_MAX 160 /* a list of names shown in a message */
#define WHERE_MAX 24 /* "link_pairs[15]" and the like */
#define PATH_LEN 64  /* "link_pairs[15].protected" and the like */
#define WRAPPED_LINES_MAX 16
#define NUMBER_SHOWN_MAX 24 /* digits of a huge number shown in a message */

#define MEMORY_MB_MIN 64
#define MEMORY_MB_MAX 1048576
#define DESC_MIN 64
#define DESC_MAX 16384
#define DESC_DEFAULT 1024
#define BURST_MAX 512
#define IDLE_SLEEP_US_MAX 100000
#define MBUFS_MIN 1023
#define MBUFS_MAX 4194303
#define SOCKET_MODE_MAX 0777
#define FILE_PREFIX_PREFIX "rampart-"

static const char *const top_keys[] = {
	"node", "dpdk", "ports", "link_pairs", "workers", "control", "log", NULL,
};
static const char *const node_keys[] = { "id", "stack", NULL };
static const char *const dpdk_keys[] = {
	"lcores", "memory_mb", "hugepages", "file_prefix", "extra_args", NULL,
};
static const char *const port_keys[] = {
	"name", "device", "rx_desc", "tx_desc", "promiscuous", NULL,
};
static const char *const link_pair_keys[] = { "name", "upstream", "protected", NULL };
static const char *const workers_keys[] = { "lcores", "burst", "idle_sleep_us", "mbufs", NULL };
static const char *const control_keys[] = { "socket", "socket_mode", "telemetry", NULL };
static const char *const log_keys[] = { "level", NULL };

/* An EAL option Rampart derives from its own settings; extra_args must not repeat it. */
struct eal_owned_opt {
	char short_opt;       /* 0 when the option has no short form */
	const char *long_opt; /* without the dashes; NULL when it has no long form */
	const char *setting;  /* what to set instead */
};

static const struct eal_owned_opt eal_owned_opts[] = {
	{ 'l', "lcores", "dpdk.lcores" },
	{ 'c', NULL, "dpdk.lcores" },
	{ 'm', NULL, "dpdk.memory_mb" },
	{ 0, "no-huge", "dpdk.hugepages" },
	{ 0, "file-prefix", "dpdk.file_prefix" },
	{ 0, "in-memory", "dpdk.file_prefix and dpdk.hugepages" },
	{ 0, "vdev", "ports[].device" },
	{ 'a', "allow", "ports[].device" },
};

/* EAL short options without a value, which getopt lets one bundle ("-vl0-1"). */
#define EAL_SHORT_FLAGS "hv"

/* A port name a link pair refers to, kept until every port has been read. */
struct port_ref {
	const char *name; /* points into the libconfig tree */
	int line;
};

struct parse_ctx {
	struct cfg_node *cfg;
	struct cfg_errors *errs;
	int id_line; /* node.id when it is valid, else 0 */
	bool file_prefix_set;
	bool lcores_valid;                    /* dpdk.lcore_set and main_lcore are known */
	const char *port_name[CFG_MAX_PORTS]; /* as written, NULL when missing */
	int port_name_line[CFG_MAX_PORTS];
	bool port_name_valid[CFG_MAX_PORTS]; /* a valid name, first of its spelling */
	const char *pair_name[CFG_MAX_LINK_PAIRS];
	struct port_ref pair_port[CFG_MAX_LINK_PAIRS][2]; /* upstream, protected */
	bool worker_valid[CFG_MAX_WORKERS];
	int worker_line[CFG_MAX_WORKERS];
	unsigned int n_wrapped;
	int wrapped_line[WRAPPED_LINES_MAX]; /* lines with a number libconfig wrapped */
};

static const char *const pair_roles[2] = { "upstream", "protected" };

static int
line_of(const config_setting_t *s)
{
	return s != NULL ? (int)config_setting_source_line(s) : 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '-' || c == '_';
}

static const char *
type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	default:
		return "a value of unknown type";
	}
}

/*
 * Write @s into @buf as a double-quoted string that is safe to print: quotes and backslashes
 * escaped, control and non-ASCII bytes as \xNN, cut short with "..." when it does not fit.
 */
static const char *
quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t n;

		if (c == '"' || c == '\\')
			n = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			n = (size_t)snprintf(esc, sizeof(esc), "%c", c);
		/* Keep room for the closing quote, "..." and the NUL. */
		if (o + n + 5 > size) {
			memcpy(buf + o, "\"...", 5);
			return buf;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *
path_of(char *buf, size_t size, const char *where, const char *key)
{
	if (where == NULL)
		snprintf(buf, size, "%s", key);
	else
		snprintf(buf, size, "%s.%s", where, key);
	return buf;
}

/* @names joined with ", " into @buf, ending in ", ..." when they do not all fit. */
static void
list_append(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);
	size_t need = strlen(name) + (len > 0 ? 2 : 0);

	if (len >= size - 1 || (len >= 5 && strcmp(buf + len - 5, ", ...") == 0))
		return;
	if (len + need + 6 > size) {
		snprintf(buf + len, size - len, "%s", len > 0 ? ", ..." : "...");
		return;
	}
	snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", name);
}

static bool
key_known(const char *const *keys, const char *name)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, name) == 0)
			return true;
	return false;
}

/* Report every member of @grp whose name is not in @keys. @where is NULL at the top level. */
static void
check_keys(struct parse_ctx *ctx, const config_setting_t *grp, const char *where,
           const char *const *keys)
{
	char allowed[LIST_MAX] = "";
	int n = config_setting_length(grp);

	for (const char *const *k = keys; *k != NULL; k++)
		list_append(allowed, sizeof(allowed), *k);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned int)i);
		const char *name = s != NULL ? config_setting_name(s) : NULL;
		char q[QUOTE_MAX];

		if (name == NULL || key_known(keys, name))
			continue;
		if (where == NULL)
			cfg_error_add(ctx->errs, line_of(s),
			              "unknown top-level setting %s (allowed: %s)",
			              quote(q, sizeof(q), name), allowed);
		else
			cfg_error_add(ctx->errs, line_of(s),
			              "unknown setting %s in %s (allowed: %s)",
			              quote(q, sizeof(q), name), where, allowed);
	}
}

/*
 * Member @key of @grp, or NULL when absent. When @hint is not NULL the setting is required
 * and its absence is reported, followed by @hint.
 */
static const config_setting_t *
member(struct parse_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
       const char *hint)
{
	const config_setting_t *s = config_setting_get_member(grp, key);

	if (s == NULL && hint != NULL) {
		if (where == NULL)
			cfg_error_add(ctx->errs, 0, "required setting \"%s\" is missing; %s", key,
			              hint);
		else
			cfg_error_add(ctx->errs, line_of(grp),
			              "%s: required setting \"%s\" is missing; %s", where, key,
			              hint);
	}
	return s;
}

/* Is @s of @type (any integer width for CONFIG_TYPE_INT)? If not, say it must be @what. */
static bool
type_check(struct parse_ctx *ctx, const config_setting_t *s, const char *path, int type,
           const char *what)
{
	int t = config_setting_type(s);

	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return true;
	cfg_error_add(ctx->errs, line_of(s), "%s: must be %s, not %s", path, what, type_name(s));
	return false;
}

/*
 * Is @s on a line where overflow_scan() found a number libconfig wrapped? Its value is then
 * garbage, already reported; checking its range would only add a confusing second error.
 * libconfig keeps line numbers in an unsigned short, hence the comparison modulo 65536.
 */
static bool
number_wrapped(const struct parse_ctx *ctx, const config_setting_t *s)
{
	unsigned short line = (unsigned short)config_setting_source_line(s);

	for (unsigned int i = 0; i < ctx->n_wrapped; i++)
		if ((unsigned short)ctx->wrapped_line[i] == line)
			return true;
	return false;
}

/* A group or list of groups: ( { ... }, { ... } ); [] is taken as an empty list. */
static bool
list_check(struct parse_ctx *ctx, const config_setting_t *s, const char *path, const char *what)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY)
		return true;
	cfg_error_add(ctx->errs, line_of(s), "%s: must be %s, not %s", path, what, type_name(s));
	return false;
}

/* An integer setting within [@min, @max]; false when absent or invalid (reported). */
static bool
get_int(struct parse_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
        long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN], what[80];
	long long v;

	if (s == NULL)
		return false;
	path_of(path, sizeof(path), where, key);
	snprintf(what, sizeof(what), "an integer from %lld to %lld", min, max);
	if (!type_check(ctx, s, path, CONFIG_TYPE_INT, what) || number_wrapped(ctx, s))
		return false;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		cfg_error_add(ctx->errs, line_of(s),
		              "%s: %lld is out of range; allowed %lld to %lld", path, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

static void
get_uint(struct parse_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
         long long min, long long max, unsigned int *out)
{
	long long v;

	if (get_int(ctx, grp, where, key, min, max, &v))
		*out = (unsigned int)v;
}

static void
get_bool(struct parse_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
         bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];

	if (s == NULL)
		return;
	path_of(path, sizeof(path), where, key);
	if (type_check(ctx, s, path, CONFIG_TYPE_BOOL, "true or false"))
		*out = config_setting_get_bool(s) != 0;
}

/* A string setting; NULL when absent (reported when @hint is given) or not a string. */
static const char *
get_string(struct parse_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
           const char *hint, int *line)
{
	const config_setting_t *s = member(ctx, grp, where, key, hint);
	char path[PATH_LEN];
	const char *v;

	if (s == NULL)
		return NULL;
	path_of(path, sizeof(path), where, key);
	if (!type_check(ctx, s, path, CONFIG_TYPE_STRING, "a string"))
		return NULL;
	v = config_setting_get_string(s);
	*line = line_of(s);
	return v != NULL ? v : "";
}

/* A group setting; NULL when absent (reported when @hint is given) or not a group. */
static const config_setting_t *
get_group(struct parse_ctx *ctx, const config_setting_t *grp, const char *key, const char *hint)
{
	const config_setting_t *s = member(ctx, grp, NULL, key, hint);

	if (s == NULL || !type_check(ctx, s, key, CONFIG_TYPE_GROUP, "a group { ... }"))
		return NULL;
	return s;
}

static bool
name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/*
 * Names (ids, ports, link pairs, file prefix) are 1 to @size - 1 characters from
 * [A-Za-z0-9_.-] that do not start with '-' or '.': they end up in file names, on command
 * lines and in CLI output.
 */
static bool
name_check(struct parse_ctx *ctx, int line, const char *path, const char *s, size_t size)
{
	size_t len = strlen(s);
	char q[QUOTE_MAX];

	if (len == 0) {
		cfg_error_add(ctx->errs, line,
		              "%s: must not be empty; use letters, digits, '_', '.' and '-'", path);
		return false;
	}
	if (len >= size) {
		cfg_error_add(ctx->errs, line, "%s: %s is %zu characters long; at most %zu allowed",
		              path, quote(q, sizeof(q), s), len, size - 1);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (name_char_ok(s[i]))
			continue;
		if (c == ' ')
			cfg_error_add(
				ctx->errs, line,
				"%s: %s contains a space; allowed are letters, digits, '_', '.' "
				"and '-'",
				path, quote(q, sizeof(q), s));
		else if (c > 0x20 && c < 0x7f)
			cfg_error_add(ctx->errs, line,
			              "%s: %s contains '%c'; allowed are letters, digits, '_', '.' "
			              "and '-'",
			              path, quote(q, sizeof(q), s), c);
		else
			cfg_error_add(
				ctx->errs, line,
				"%s: %s contains the byte 0x%02x; allowed are letters, digits, "
				"'_', '.' and '-'",
				path, quote(q, sizeof(q), s), c);
		return false;
	}
	if (s[0] == '-' || s[0] == '.') {
		cfg_error_add(ctx->errs, line,
		              "%s: %s must not start with '%c'; start it with a letter, a digit or "
		              "'_'",
		              path, quote(q, sizeof(q), s), s[0]);
		return false;
	}
	return true;
}

static void
parse_node(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp;
	const char *v;
	int line = 0;

	grp = get_group(ctx, root, "node", "add node = { id = \"...\"; };");
	if (grp == NULL)
		return;
	check_keys(ctx, grp, "node", node_keys);
	v = get_string(ctx, grp, "node", "id", "give the node a name, e.g. id = \"rp-a\";", &line);
	if (v != NULL && name_check(ctx, line, "node.id", v, sizeof(cfg->node.id))) {
		snprintf(cfg->node.id, sizeof(cfg->node.id), "%s", v);
		ctx->id_line = line;
	}
	v = get_string(ctx, grp, "node", "stack", NULL, &line);
	/* An empty stack name is allowed and means a standalone node. */
	if (v != NULL &&
	    (v[0] == '\0' || name_check(ctx, line, "node.stack", v, sizeof(cfg->node.stack))))
		snprintf(cfg->node.stack, sizeof(cfg->node.stack), "%s", v);
}

/* The setting that controls the EAL option @arg, or NULL when Rampart leaves it alone. */
static const char *
eal_owned_setting(const char *arg)
{
	if (arg[0] != '-')
		return NULL;
	if (arg[1] == '-') {
		const char *name = arg + 2;
		size_t n = strcspn(name, "=");

		if (n == 0)
			return NULL;
		for (size_t i = 0; i < sizeof(eal_owned_opts) / sizeof(eal_owned_opts[0]); i++) {
			const char *lo = eal_owned_opts[i].long_opt;

			if (lo == NULL || n > strlen(lo) || strncmp(name, lo, n) != 0)
				continue;
			/* getopt_long() also takes an unambiguous abbreviation ("--file-pre"). */
			if (n == strlen(lo) || (n >= 3 && strncmp(name, "no-", n) != 0))
				return eal_owned_opts[i].setting;
		}
		return NULL;
	}
	/* Short options, maybe bundled: "-vl0-1" is -v then -l 0-1. */
	for (const char *p = arg + 1; *p != '\0'; p++) {
		for (size_t i = 0; i < sizeof(eal_owned_opts) / sizeof(eal_owned_opts[0]); i++)
			if (eal_owned_opts[i].short_opt == *p)
				return eal_owned_opts[i].setting;
		if (strchr(EAL_SHORT_FLAGS, *p) == NULL)
			return NULL;
	}
	return NULL;
}

static void
parse_extra_args(struct parse_ctx *ctx, const config_setting_t *list)
{
	struct cfg_node *cfg = ctx->cfg;
	int n;

	if (!list_check(ctx, list, "dpdk.extra_args",
	                "a list of strings, e.g. [\"--log-level=8\"]"))
		return;
	n = config_setting_length(list);
	if (n > CFG_MAX_EXTRA_ARGS) {
		cfg_error_add(ctx->errs, line_of(list),
		              "dpdk.extra_args: %d arguments given; at most %d are allowed", n,
		              CFG_MAX_EXTRA_ARGS);
		n = CFG_MAX_EXTRA_ARGS;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
		char path[PATH_LEN], q[QUOTE_MAX];
		const char *v, *owner;
		size_t len;

		if (s == NULL)
			continue;
		snprintf(path, sizeof(path), "dpdk.extra_args[%d]", i);
		if (!type_check(ctx, s, path, CONFIG_TYPE_STRING, "a string"))
			continue;
		v = config_setting_get_string(s);
		if (v == NULL)
			v = "";
		len = strlen(v);
		if (len == 0) {
			cfg_error_add(ctx->errs, line_of(s),
			              "%s: an empty argument; remove it or give an EAL option",
			              path);
			continue;
		}
		if (len >= CFG_EXTRA_ARG_MAX) {
			cfg_error_add(
				ctx->errs, line_of(s),
				"%s: the argument is %zu characters long; at most %d are allowed",
				path, len, CFG_EXTRA_ARG_MAX - 1);
			continue;
		}
		owner = eal_owned_setting(v);
		if (owner != NULL) {
			cfg_error_add(ctx->errs, line_of(s),
			              "%s: %s is an EAL option Rampart sets itself; use %s instead",
			              path, quote(q, sizeof(q), v), owner);
			continue;
		}
		snprintf(cfg->dpdk.extra_args[cfg->dpdk.n_extra_args++], CFG_EXTRA_ARG_MAX, "%s",
		         v);
	}
}

static void
parse_dpdk(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp, *s;
	char q[QUOTE_MAX];
	const char *v;
	int line = 0;

	grp = get_group(ctx, root, "dpdk", "add dpdk = { lcores = \"0-1\"; };");
	if (grp == NULL)
		return;
	check_keys(ctx, grp, "dpdk", dpdk_keys);

	v = get_string(ctx, grp, "dpdk", "lcores",
	               "list the EAL lcores, e.g. lcores = \"0-1\"; (the lowest runs the control "
	               "thread)",
	               &line);
	if (v != NULL) {
		bool set[CFG_MAX_LCORE];

		if (strlen(v) >= sizeof(cfg->dpdk.lcores)) {
			cfg_error_add(ctx->errs, line,
			              "dpdk.lcores: the list is %zu characters long; at most %zu "
			              "allowed",
			              strlen(v), sizeof(cfg->dpdk.lcores) - 1);
		} else if (cfg_lcore_list_parse(v, set) <= 0) {
			cfg_error_add(
				ctx->errs, line,
				"dpdk.lcores: %s is not a valid lcore list; use lcore ids below "
				"%d and ascending ranges separated by commas, e.g. \"0-3,6\"",
				quote(q, sizeof(q), v), CFG_MAX_LCORE);
		} else {
			snprintf(cfg->dpdk.lcores, sizeof(cfg->dpdk.lcores), "%s", v);
			memcpy(cfg->dpdk.lcore_set, set, sizeof(set));
			for (unsigned int i = 0; i < CFG_MAX_LCORE; i++) {
				if (set[i]) {
					cfg->dpdk.main_lcore = i;
					break;
				}
			}
			ctx->lcores_valid = true;
		}
	}
	get_uint(ctx, grp, "dpdk", "memory_mb", MEMORY_MB_MIN, MEMORY_MB_MAX, &cfg->dpdk.memory_mb);
	get_bool(ctx, grp, "dpdk", "hugepages", &cfg->dpdk.hugepages);
	v = get_string(ctx, grp, "dpdk", "file_prefix", NULL, &line);
	if (v != NULL) {
		ctx->file_prefix_set = true;
		if (name_check(ctx, line, "dpdk.file_prefix", v, sizeof(cfg->dpdk.file_prefix)))
			snprintf(cfg->dpdk.file_prefix, sizeof(cfg->dpdk.file_prefix), "%s", v);
	}
	s = config_setting_get_member(grp, "extra_args");
	if (s != NULL)
		parse_extra_args(ctx, s);
}

/* Up to @max hex digits at *@p, moved past; -1 when there are none or too many. */
static long
hex_field(const char **p, int max)
{
	long v = 0;
	int n = 0;

	for (; is_xdigit(**p); (*p)++) {
		if (++n > max)
			return -1;
		v = v * 16 + (is_digit(**p) ? **p - '0' : (**p | 0x20) - 'a' + 10);
	}
	return n > 0 ? v : -1;
}

/*
 * What identifies a device to the EAL: the part before the first ',' (a vdev name or a PCI
 * address), PCI addresses written in full with lower-case hex so "03:00.0" and
 * "0000:03:00.0" compare equal.
 */
static void
device_key(char *buf, size_t size, const char *device)
{
	size_t n = strcspn(device, ",");
	char head[CFG_DEVICE_MAX];
	long dom = 0, bus, dev, fn;
	const char *p = head;

	if (n >= sizeof(head))
		n = sizeof(head) - 1;
	memcpy(head, device, n);
	head[n] = '\0';
	/* [domain:]bus:device.function */
	if (strchr(head, ':') != strrchr(head, ':')) {
		dom = hex_field(&p, 8);
		if (dom < 0 || *p++ != ':')
			goto not_pci;
	}
	bus = hex_field(&p, 2);
	if (bus < 0 || *p++ != ':')
		goto not_pci;
	dev = hex_field(&p, 2);
	if (dev < 0 || *p++ != '.')
		goto not_pci;
	fn = hex_field(&p, 1);
	if (fn < 0 || *p != '\0')
		goto not_pci;
	snprintf(buf, size, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn);
	return;
not_pci:
	snprintf(buf, size, "%s", head);
}

static void
parse_port(struct parse_ctx *ctx, const config_setting_t *grp, unsigned int idx)
{
	struct cfg_node *cfg = ctx->cfg;
	struct cfg_port *port = &cfg->ports[idx];
	char where[WHERE_MAX], path[PATH_LEN], q[QUOTE_MAX], q2[QUOTE_MAX];
	const char *v;
	long long n;
	int line = 0;

	snprintf(where, sizeof(where), "ports[%u]", idx);
	port->line = line_of(grp);
	check_keys(ctx, grp, where, port_keys);

	v = get_string(ctx, grp, where, "name", "give the port a name, e.g. name = \"up0\";",
	               &line);
	if (v != NULL) {
		int first = -1;

		ctx->port_name[idx] = v;
		ctx->port_name_line[idx] = line;
		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (ctx->port_name[i] != NULL && strcmp(ctx->port_name[i], v) == 0)
				first = (int)i;
		path_of(path, sizeof(path), where, "name");
		if (first >= 0) {
			cfg_error_add(ctx->errs, line,
			              "%s: duplicate port name %s (first at line %d)", path,
			              quote(q, sizeof(q), v), ctx->port_name_line[first]);
		} else if (name_check(ctx, line, path, v, sizeof(port->name))) {
			ctx->port_name_valid[idx] = true;
		}
		snprintf(port->name, sizeof(port->name), "%s", v);
	}

	v = get_string(ctx, grp, where, "device",
	               "give a PCI address or vdev, e.g. device = \"0000:03:00.0\";", &line);
	if (v != NULL) {
		size_t len = strlen(v);

		path_of(path, sizeof(path), where, "device");
		if (len == 0) {
			cfg_error_add(
				ctx->errs, line,
				"%s: must not be empty; give a PCI address such as "
				"\"0000:03:00.0\" or a vdev such as \"net_af_packet0,iface=eth1\"",
				path);
		} else if (len >= sizeof(port->device)) {
			cfg_error_add(ctx->errs, line,
			              "%s: the device is %zu characters long; at most %zu allowed",
			              path, len, sizeof(port->device) - 1);
		} else {
			size_t bad = 0;
			char key[CFG_DEVICE_MAX], other[CFG_DEVICE_MAX];

			while (v[bad] != '\0' && (unsigned char)v[bad] > 0x20 &&
			       (unsigned char)v[bad] < 0x7f)
				bad++;
			if (v[bad] != '\0') {
				cfg_error_add(
					ctx->errs, line,
					"%s: %s contains a space, control or non-ASCII "
					"character; a device is a PCI address or vdev arguments",
					path, quote(q, sizeof(q), v));
			} else {
				snprintf(port->device, sizeof(port->device), "%s", v);
				device_key(key, sizeof(key), v);
				for (unsigned int i = 0; i < idx; i++) {
					if (cfg->ports[i].device[0] == '\0')
						continue;
					device_key(other, sizeof(other), cfg->ports[i].device);
					if (strcmp(key, other) != 0)
						continue;
					cfg_error_add(
						ctx->errs, line,
						"%s: device %s is already used by ports[%u] "
						"%s (line %d); each port needs its own device",
						path, quote(q, sizeof(q), key), i,
						quote(q2, sizeof(q2), cfg->ports[i].name),
						cfg->ports[i].line);
					break;
				}
			}
		}
	}
	if (get_int(ctx, grp, where, "rx_desc", DESC_MIN, DESC_MAX, &n))
		port->rx_desc = (uint16_t)n;
	if (get_int(ctx, grp, where, "tx_desc", DESC_MIN, DESC_MAX, &n))
		port->tx_desc = (uint16_t)n;
	get_bool(ctx, grp, where, "promiscuous", &port->promiscuous);
}

/* A list of groups: ports and link pairs. Returns how many elements to read, 0 on error. */
static unsigned int
group_list(struct parse_ctx *ctx, const config_setting_t *list, const char *key, const char *what,
           const char *items, unsigned int max)
{
	int n;

	if (!list_check(ctx, list, key, what))
		return 0;
	n = config_setting_length(list);
	if (n <= 0) {
		cfg_error_add(ctx->errs, line_of(list),
		              "%s: the list is empty; define at least one %s", key, items);
		return 0;
	}
	if ((unsigned int)n > max) {
		cfg_error_add(ctx->errs, line_of(list),
		              "%s: %d %ss are defined; at most %u are supported", key, n, items,
		              max);
		return max;
	}
	return (unsigned int)n;
}

static void
parse_ports(struct parse_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *list;
	unsigned int n;

	list = member(ctx, root, NULL, "ports",
	              "define at least one port, e.g. ports = ( { name = \"up0\"; device = "
	              "\"0000:03:00.0\"; } );");
	if (list == NULL)
		return;
	n = group_list(ctx, list, "ports",
	               "a list of port groups ( { name = ...; device = ...; } )", "port",
	               CFG_MAX_PORTS);
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, i);
		char where[WHERE_MAX];

		snprintf(where, sizeof(where), "ports[%u]", i);
		ctx->cfg->ports[i].line = line_of(el);
		if (el != NULL && type_check(ctx, el, where, CONFIG_TYPE_GROUP,
		                             "a group { name = ...; device = ...; }"))
			parse_port(ctx, el, i);
	}
	ctx->cfg->n_ports = n;
}

static void
parse_link_pair(struct parse_ctx *ctx, const config_setting_t *grp, unsigned int idx)
{
	struct cfg_link_pair *lp = &ctx->cfg->link_pairs[idx];
	char where[WHERE_MAX], path[PATH_LEN], q[QUOTE_MAX];
	const char *v;
	int line = 0;

	snprintf(where, sizeof(where), "link_pairs[%u]", idx);
	check_keys(ctx, grp, where, link_pair_keys);
	v = get_string(ctx, grp, where, "name", "give the link pair a name, e.g. name = \"lp0\";",
	               &line);
	if (v != NULL) {
		int first = -1;

		ctx->pair_name[idx] = v;
		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (ctx->pair_name[i] != NULL && strcmp(ctx->pair_name[i], v) == 0)
				first = (int)i;
		path_of(path, sizeof(path), where, "name");
		if (first >= 0)
			cfg_error_add(ctx->errs, line,
			              "%s: duplicate link pair name %s (first at line %d)", path,
			              quote(q, sizeof(q), v), ctx->cfg->link_pairs[first].line);
		else
			name_check(ctx, line, path, v, sizeof(lp->name));
		snprintf(lp->name, sizeof(lp->name), "%s", v);
	}
	v = get_string(ctx, grp, where, "upstream",
	               "name the port that faces the upstream network, e.g. upstream = \"up0\";",
	               &line);
	if (v != NULL)
		ctx->pair_port[idx][0] = (struct port_ref){ .name = v, .line = line };
	v = get_string(ctx, grp, where, "protected",
	               "name the port that faces the protected network, e.g. protected = "
	               "\"down0\";",
	               &line);
	if (v != NULL)
		ctx->pair_port[idx][1] = (struct port_ref){ .name = v, .line = line };
}

static void
parse_link_pairs(struct parse_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *list;
	unsigned int n;

	list = member(ctx, root, NULL, "link_pairs",
	              "define at least one link pair, e.g. link_pairs = ( { name = \"lp0\"; "
	              "upstream = \"up0\"; protected = \"down0\"; } );");
	if (list == NULL)
		return;
	n = group_list(
		ctx, list, "link_pairs",
		"a list of link pair groups ( { name = ...; upstream = ...; protected = ...; "
		"} )",
		"link pair", CFG_MAX_LINK_PAIRS);
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, i);
		char where[WHERE_MAX];

		snprintf(where, sizeof(where), "link_pairs[%u]", i);
		ctx->cfg->link_pairs[i].line = line_of(el);
		if (el != NULL &&
		    type_check(ctx, el, where, CONFIG_TYPE_GROUP,
		               "a group { name = ...; upstream = ...; protected = ...; }"))
			parse_link_pair(ctx, el, i);
	}
	ctx->cfg->n_link_pairs = n;
}

static void
parse_workers(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp, *list;
	int n;

	grp = get_group(ctx, root, "workers", "add workers = { lcores = [1]; };");
	if (grp == NULL)
		return;
	check_keys(ctx, grp, "workers", workers_keys);
	list = member(ctx, grp, "workers", "lcores",
	              "list the worker lcores, e.g. lcores = [1]; (each one in dpdk.lcores)");
	if (list != NULL &&
	    list_check(ctx, list, "workers.lcores", "an array of lcore ids, e.g. [1, 2]")) {
		n = config_setting_length(list);
		if (n <= 0) {
			cfg_error_add(ctx->errs, line_of(list),
			              "workers.lcores: the list is empty; give at least one worker "
			              "lcore, e.g. [1]");
		} else if (n > CFG_MAX_WORKERS) {
			cfg_error_add(ctx->errs, line_of(list),
			              "workers.lcores: %d lcores given; at most %d workers are "
			              "supported",
			              n, CFG_MAX_WORKERS);
			n = CFG_MAX_WORKERS;
		}
		for (int i = 0; i < n; i++) {
			const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
			char path[PATH_LEN], what[64];
			long long v;

			if (s == NULL)
				continue;
			snprintf(path, sizeof(path), "workers.lcores[%d]", i);
			snprintf(what, sizeof(what), "an lcore id from 0 to %d", CFG_MAX_LCORE - 1);
			ctx->worker_line[i] = line_of(s);
			if (!type_check(ctx, s, path, CONFIG_TYPE_INT, what) ||
			    number_wrapped(ctx, s))
				continue;
			v = config_setting_get_int64(s);
			if (v < 0 || v >= CFG_MAX_LCORE) {
				cfg_error_add(ctx->errs, line_of(s),
				              "%s: lcore %lld is out of range; lcore ids go from 0 "
				              "to %d",
				              path, v, CFG_MAX_LCORE - 1);
				continue;
			}
			cfg->workers.lcores[i] = (unsigned int)v;
			ctx->worker_valid[i] = true;
		}
		cfg->workers.n_lcores = n > 0 ? (unsigned int)n : 0;
	}
	get_uint(ctx, grp, "workers", "burst", 1, BURST_MAX, &cfg->workers.burst);
	get_uint(ctx, grp, "workers", "idle_sleep_us", 0, IDLE_SLEEP_US_MAX,
	         &cfg->workers.idle_sleep_us);
	get_uint(ctx, grp, "workers", "mbufs", MBUFS_MIN, MBUFS_MAX, &cfg->workers.mbufs);
}

/*
 * control.socket_mode: a string of octal digits ("0660"), or an integer. libconfig reads
 * 0660 as decimal 660, so the decimal digits of an integer are taken as octal digits, the way
 * chmod reads them; an integer written in hex (0x1b0) is taken as is.
 */
static void
parse_socket_mode(struct parse_ctx *ctx, const config_setting_t *s)
{
	const char *path = "control.socket_mode";
	char q[QUOTE_MAX];
	long long mode = 0;
	int line = line_of(s);

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);
		size_t len = v != NULL ? strlen(v) : 0;

		if (len == 0 || len > 8 || strspn(v, "01234567") != len) {
			cfg_error_add(ctx->errs, line,
			              "%s: %s is not an octal mode; write octal digits such as "
			              "\"0660\"",
			              path, quote(q, sizeof(q), v != NULL ? v : ""));
			return;
		}
		mode = strtoll(v, NULL, 8);
	} else if (config_setting_type(s) == CONFIG_TYPE_INT ||
	           config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long v = config_setting_get_int64(s);

		if (number_wrapped(ctx, s))
			return;
		if (config_setting_get_format(s) == CONFIG_FORMAT_HEX) {
			mode = v;
		} else {
			long long scale = 1;

			if (v < 0 || v > 77777777) {
				cfg_error_add(ctx->errs, line,
				              "%s: %lld is not an octal mode; write octal digits "
				              "such as \"0660\"",
				              path, v);
				return;
			}
			for (long long d = v; d > 0; d /= 10, scale *= 8) {
				if (d % 10 > 7) {
					cfg_error_add(ctx->errs, line,
					              "%s: %lld is not an octal mode (digit %lld); "
					              "write octal digits such as \"0660\"",
					              path, v, d % 10);
					return;
				}
				mode += (d % 10) * scale;
			}
		}
	} else {
		cfg_error_add(ctx->errs, line,
		              "%s: must be a string of octal digits such as \"0660\", not %s", path,
		              type_name(s));
		return;
	}
	if (mode < 0 || mode > SOCKET_MODE_MAX) {
		cfg_error_add(ctx->errs, line,
		              "%s: 0%llo is above 0777; only the permission bits can be set", path,
		              (unsigned long long)mode);
		return;
	}
	ctx->cfg->control.socket_mode = (mode_t)mode;
}

static void
parse_control(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp, *s;
	const char *v;
	int line = 0;

	grp = get_group(ctx, root, "control", NULL);
	if (grp == NULL)
		return;
	check_keys(ctx, grp, "control", control_keys);
	v = get_string(ctx, grp, "control", "socket", NULL, &line);
	if (v != NULL) {
		size_t len = strlen(v);

		if (len == 0)
			cfg_error_add(ctx->errs, line,
			              "control.socket: must not be empty; give the path of the "
			              "control socket, e.g. \"%s\"",
			              RP_DEFAULT_SOCKET);
		else if (len >= sizeof(cfg->control.socket))
			cfg_error_add(ctx->errs, line,
			              "control.socket: the path is %zu characters long; a Unix "
			              "socket path holds at most %zu",
			              len, sizeof(cfg->control.socket) - 1);
		else
			snprintf(cfg->control.socket, sizeof(cfg->control.socket), "%s", v);
	}
	s = config_setting_get_member(grp, "socket_mode");
	if (s != NULL)
		parse_socket_mode(ctx, s);
	get_bool(ctx, grp, "control", "telemetry", &cfg->control.telemetry);
}

static void
parse_log(struct parse_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *grp;
	char q[QUOTE_MAX], names[LIST_MAX] = "";
	const char *v;
	int line = 0, level;

	grp = get_group(ctx, root, "log", NULL);
	if (grp == NULL)
		return;
	check_keys(ctx, grp, "log", log_keys);
	v = get_string(ctx, grp, "log", "level", NULL, &line);
	if (v == NULL)
		return;
	level = cfg_log_level_parse(v);
	if (level < 0) {
		for (int l = CFG_LOG_EMERG; l <= CFG_LOG_DEBUG; l++)
			list_append(names, sizeof(names), cfg_log_level_name(l));
		cfg_error_add(ctx->errs, line, "log.level: unknown log level %s; allowed: %s",
		              quote(q, sizeof(q), v), names);
		return;
	}
	ctx->cfg->log.level = (enum cfg_log_level)level;
}

/* Resolve the port names of every link pair; a port serves at most one pair, on one side. */
static void
check_link_pairs(struct parse_ctx *ctx)
{
	struct cfg_node *cfg = ctx->cfg;
	int owner[CFG_MAX_PORTS]; /* link pair index + 1 using the port, 0 when free */
	char names[LIST_MAX] = "";

	/* Without ports, already reported, every reference would dangle: say it once. */
	if (cfg->n_ports == 0)
		return;
	memset(owner, 0, sizeof(owner));
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (ctx->port_name_valid[i])
			list_append(names, sizeof(names), cfg->ports[i].name);
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		int idx[2] = { -1, -1 };

		for (unsigned int r = 0; r < 2; r++) {
			const struct port_ref *ref = &ctx->pair_port[i][r];
			char q[QUOTE_MAX], q2[QUOTE_MAX];
			int p = -1;

			if (ref->name == NULL)
				continue;
			for (unsigned int j = 0; j < cfg->n_ports && p < 0; j++)
				if (ctx->port_name[j] != NULL &&
				    strcmp(ctx->port_name[j], ref->name) == 0)
					p = (int)j;
			if (p < 0) {
				cfg_error_add(ctx->errs, ref->line,
				              "link_pairs[%u].%s: no port named %s (%s%s)", i,
				              pair_roles[r], quote(q, sizeof(q), ref->name),
				              names[0] != '\0' ? "ports are: "
				                               : "no port has a valid name",
				              names);
				continue;
			}
			if (r == 1 && p == idx[0]) {
				cfg_error_add(
					ctx->errs, ref->line,
					"link_pairs[%u].protected: port %s is also the upstream "
					"port of this pair; a link pair joins two different ports",
					i, quote(q, sizeof(q), ref->name));
				continue;
			}
			if (owner[p] != 0) {
				unsigned int o = (unsigned int)owner[p] - 1;

				cfg_error_add(
					ctx->errs, ref->line,
					"link_pairs[%u].%s: port %s is already used by link pair "
					"%s (line %d); a port belongs to one link pair only",
					i, pair_roles[r], quote(q, sizeof(q), ref->name),
					quote(q2, sizeof(q2), cfg->link_pairs[o].name),
					cfg->link_pairs[o].line);
				continue;
			}
			owner[p] = (int)i + 1;
			idx[r] = p;
		}
		if (idx[0] >= 0)
			cfg->link_pairs[i].upstream = (unsigned int)idx[0];
		if (idx[1] >= 0)
			cfg->link_pairs[i].protected = (unsigned int)idx[1];
	}
}

/* Every worker lcore is one the EAL runs, not the main lcore, and listed once. */
static void
check_workers(struct parse_ctx *ctx)
{
	struct cfg_node *cfg = ctx->cfg;
	int first[CFG_MAX_LCORE]; /* workers.lcores index + 1 naming each lcore */
	char q[QUOTE_MAX];

	memset(first, 0, sizeof(first));
	for (unsigned int i = 0; i < cfg->workers.n_lcores; i++) {
		unsigned int lc = cfg->workers.lcores[i];
		int line = ctx->worker_line[i];

		if (!ctx->worker_valid[i])
			continue;
		if (first[lc] != 0) {
			cfg_error_add(ctx->errs, line,
			              "workers.lcores[%u]: lcore %u is listed twice (first as "
			              "workers.lcores[%d]); each worker needs its own lcore",
			              i, lc, first[lc] - 1);
			continue;
		}
		first[lc] = (int)i + 1;
		if (!ctx->lcores_valid)
			continue;
		if (!cfg->dpdk.lcore_set[lc])
			cfg_error_add(ctx->errs, line,
			              "workers.lcores[%u]: lcore %u is not in "
			              "dpdk.lcores %s",
			              i, lc, quote(q, sizeof(q), cfg->dpdk.lcores));
		else if (lc == cfg->dpdk.main_lcore)
			cfg_error_add(
				ctx->errs, line,
				"workers.lcores[%u]: lcore %u is the main lcore (the lowest of "
				"dpdk.lcores %s), which runs the control thread; give workers "
				"the other lcores",
				i, lc, quote(q, sizeof(q), cfg->dpdk.lcores));
	}
}

/* dpdk.file_prefix defaults to "rampart-<node.id>", which must fit. */
static void
default_file_prefix(struct parse_ctx *ctx)
{
	struct cfg_node *cfg = ctx->cfg;
	size_t len;

	if (ctx->file_prefix_set || ctx->id_line == 0)
		return;
	len = strlen(FILE_PREFIX_PREFIX) + strlen(cfg->node.id);
	if (len >= sizeof(cfg->dpdk.file_prefix)) {
		cfg_error_add(ctx->errs, ctx->id_line,
		              "node.id: the default dpdk.file_prefix \"" FILE_PREFIX_PREFIX
		              "<id>\" would be %zu characters long, more than %zu; shorten the id "
		              "or set dpdk.file_prefix",
		              len, sizeof(cfg->dpdk.file_prefix) - 1);
		return;
	}
	snprintf(cfg->dpdk.file_prefix, sizeof(cfg->dpdk.file_prefix), FILE_PREFIX_PREFIX "%.*s",
	         (int)(sizeof(cfg->dpdk.file_prefix) - sizeof(FILE_PREFIX_PREFIX)), cfg->node.id);
}

/* Errors in file order; errors about the file as a whole (line 0) first. Stable. */
static void
errors_sort(struct cfg_errors *errs)
{
	for (unsigned int i = 1; i < errs->count; i++) {
		struct cfg_error tmp = errs->err[i];
		unsigned int j = i;

		while (j > 0 && errs->err[j - 1].line > tmp.line) {
			errs->err[j] = errs->err[j - 1];
			j--;
		}
		errs->err[j] = tmp;
	}
}

/*
 * The line of the first "@include" directive libconfig would act on, or 0. libconfig opens
 * the named file when a line starts with it; the node config is one self-contained file, and
 * a parser fed untrusted text must not open files, so the directive is refused up front.
 */
static int
include_line(const char *text)
{
	bool line_start = true;
	int line = 1;

	for (const char *p = text; *p != '\0'; p++) {
		if (line_start) {
			const char *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (strncmp(q, "@include", 8) == 0)
				return line;
			line_start = false;
		}
		if (*p == '\n') {
			line++;
			line_start = true;
		}
	}
	return 0;
}

/*
 * A second reading of the text, token by token the way libconfig 1.5's scanner reads it, for
 * what libconfig itself gets wrong:
 *  - a syntax error found on a string token leaks that string inside libconfig, so such
 *    errors are found here first and libconfig is not run;
 *  - nesting is only bounded by bison's stack, and config_destroy() recurses as deep;
 *  - an integer without an L suffix is read into an int and what does not fit silently wraps
 *    (4294967297 comes out as 1).
 */
enum lex_tok {
	LX_EOF,
	LX_NAME,
	LX_BOOL,
	LX_INT,   /* decimal, which libconfig reads into an int */
	LX_INT64, /* decimal with an L suffix */
	LX_HEX,   /* read into an int as well */
	LX_HEX64,
	LX_FLOAT,
	LX_STRING,
	LX_EQUALS, /* '=' or ':' */
	LX_COMMA,
	LX_SEMICOLON,
	LX_GROUP_START,
	LX_GROUP_END,
	LX_ARRAY_START,
	LX_ARRAY_END,
	LX_LIST_START,
	LX_LIST_END,
	LX_GARBAGE,
};

struct lexer {
	const char *p;   /* the next character */
	int line;        /* the scanner's line after the last token, as libconfig counts */
	const char *tok; /* the last token */
	size_t tok_len;
};

/* Length of the float libconfig's scanner would match at @p, 0 when there is none. */
static size_t
float_len(const char *p)
{
	const char *s = p, *digits;
	bool whole, frac = false;

	if (*s == '-' || *s == '+')
		s++;
	for (digits = s; is_digit(*s); s++)
		;
	whole = s > digits;
	if (*s == '.') {
		for (s++; is_digit(*s); s++)
			;
		frac = true;
	}
	if (!whole && !frac)
		return 0;
	if (*s == 'e' || *s == 'E') {
		const char *e = s + 1;

		if (*e == '-' || *e == '+')
			e++;
		if (is_digit(*e)) {
			while (is_digit(*e))
				e++;
			s = e;
		} else if (!frac) {
			return 0;
		}
	} else if (!frac) {
		return 0;
	}
	return (size_t)(s - p);
}

/* The longest number token at @p, as flex picks it; 0 when none starts there. */
static size_t
number_len(const char *p, enum lex_tok *tok)
{
	size_t best = float_len(p), n = 0;

	*tok = LX_FLOAT;
	if (p[n] == '-' || p[n] == '+')
		n++;
	if (is_digit(p[n])) {
		while (is_digit(p[n]))
			n++;
		if (p[n] == 'L') {
			n += p[n + 1] == 'L' ? 2 : 1;
			if (n > best) {
				best = n;
				*tok = LX_INT64;
			}
		} else if (n > best) {
			best = n;
			*tok = LX_INT;
		}
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2])) {
		for (n = 2; is_xdigit(p[n]); n++)
			;
		if (p[n] == 'L') {
			n += p[n + 1] == 'L' ? 2 : 1;
			if (n > best) {
				best = n;
				*tok = LX_HEX64;
			}
		} else if (n > best) {
			best = n;
			*tok = LX_HEX;
		}
	}
	return best;
}

static enum lex_tok
lex_next(struct lexer *lx)
{
	for (;;) {
		const char *p = lx->p;
		enum lex_tok tok;
		size_t n;

		lx->tok = p;
		switch (*p) {
		case '\0':
			lx->tok_len = 0;
			return LX_EOF;
		case '\n':
			lx->line++;
			/* fall through */
		case '\r':
		case '\f':
		case ' ':
		case '\t':
			lx->p++;
			continue;
		case '"':
			for (p++; *p != '"'; p++) {
				/* A string open at the end of the text is dropped, not a token. */
				if (*p == '\0') {
					lx->p = p;
					lx->tok = p;
					lx->tok_len = 0;
					return LX_EOF;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				else if (*p == '\n')
					lx->line++;
			}
			lx->p = p + 1;
			lx->tok_len = (size_t)(lx->p - lx->tok);
			return LX_STRING;
		case '/':
			if (p[1] == '*') {
				/* A comment open at the end of the text simply ends it. */
				for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/'); p++)
					if (*p == '\n')
						lx->line++;
				lx->p = *p != '\0' ? p + 2 : p;
				continue;
			}
			if (p[1] != '/')
				break;
			/* fall through */
		case '#': {
			/* A line comment needs the newline that ends it. */
			const char *nl = strchr(p, '\n');

			if (nl == NULL)
				break;
			lx->p = nl;
			continue;
		}
		case '=':
		case ':':
			tok = LX_EQUALS;
			goto single;
		case ',':
			tok = LX_COMMA;
			goto single;
		case ';':
			tok = LX_SEMICOLON;
			goto single;
		case '{':
			tok = LX_GROUP_START;
			goto single;
		case '}':
			tok = LX_GROUP_END;
			goto single;
		case '[':
			tok = LX_ARRAY_START;
			goto single;
		case ']':
			tok = LX_ARRAY_END;
			goto single;
		case '(':
			tok = LX_LIST_START;
			goto single;
		case ')':
			tok = LX_LIST_END;
			goto single;
		default:
			break;
		}
		if (is_name_start(*p)) {
			for (n = 1; is_name_char(p[n]); n++)
				;
			tok = LX_NAME;
			if ((n == 4 && strncasecmp(p, "true", 4) == 0) ||
			    (n == 5 && strncasecmp(p, "false", 5) == 0))
				tok = LX_BOOL;
			lx->p = p + n;
			lx->tok_len = n;
			return tok;
		}
		n = number_len(p, &tok);
		if (n > 0) {
			lx->p = p + n;
			lx->tok_len = n;
			return tok;
		}
		tok = LX_GARBAGE;
	single:
		lx->p = p + 1;
		lx->tok_len = 1;
		return tok;
	}
}

static bool
lex_is_scalar(enum lex_tok t)
{
	return t == LX_BOOL || t == LX_INT || t == LX_INT64 || t == LX_HEX || t == LX_HEX64 ||
	       t == LX_FLOAT || t == LX_STRING;
}

#define NEST_MAX 16 /* groups, lists and arrays inside each other; Rampart needs 3 */

enum syn_result {
	SYN_OK,
	SYN_ERROR,        /* a syntax error libconfig would report too */
	SYN_STRING_ERROR, /* one on a string token, which libconfig must not see */
	SYN_TOO_DEEP,
};

enum syn_state {
	ST_SETTING, /* a setting name, or the end of the group or file */
	ST_EQUALS,
	ST_LIST_FIRST, /* a value or ')' */
	ST_VALUE,
	ST_SCALAR,      /* an array element */
	ST_ARRAY_FIRST, /* a scalar or ']' */
	ST_AFTER_VALUE, /* what follows a whole value depends on what holds it */
};

enum syn_context {
	CTX_TOP,
	CTX_GROUP,
	CTX_LIST,
	CTX_ARRAY,
};

/*
 * Walk the tokens through libconfig's grammar, which is:
 *   file = setting* ;  setting = NAME ('=' | ':') value [';' | ','] ;
 *   value = scalar | '[' [scalar {',' scalar}] ']' | '(' [value {',' value}] ')'
 *           | '{' setting* '}' ;
 *   scalar = BOOL | INT | INT64 | HEX | HEX64 | FLOAT | STRING {STRING} ;
 * On an error, *@line is the line libconfig reports for it: where its scanner stands after
 * the offending token.
 */
static enum syn_result
syntax_check(const char *text, int *line)
{
	unsigned char stack[NEST_MAX + 1];
	struct lexer lx = { .p = text, .line = 1 };
	enum syn_state state = ST_SETTING;
	unsigned int depth = 0;
	bool in_string = false;
	enum lex_tok t;

	stack[0] = CTX_TOP;
	t = lex_next(&lx);
	for (;;) {
		switch (state) {
		case ST_SETTING:
			if (t == LX_NAME) {
				state = ST_EQUALS;
				break;
			}
			if (t == LX_EOF && stack[depth] == CTX_TOP)
				return SYN_OK;
			if (t == LX_GROUP_END && stack[depth] == CTX_GROUP) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			goto error;
		case ST_EQUALS:
			if (t != LX_EQUALS)
				goto error;
			state = ST_VALUE;
			break;
		case ST_LIST_FIRST:
			if (t == LX_LIST_END) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			/* fall through */
		case ST_VALUE:
			if (t == LX_GROUP_START || t == LX_LIST_START || t == LX_ARRAY_START) {
				if (depth == NEST_MAX) {
					*line = lx.line;
					return SYN_TOO_DEEP;
				}
				depth++;
				if (t == LX_GROUP_START) {
					stack[depth] = CTX_GROUP;
					state = ST_SETTING;
				} else if (t == LX_LIST_START) {
					stack[depth] = CTX_LIST;
					state = ST_LIST_FIRST;
				} else {
					stack[depth] = CTX_ARRAY;
					state = ST_ARRAY_FIRST;
				}
				break;
			}
			/* fall through */
		case ST_SCALAR:
			if (!lex_is_scalar(t))
				goto error;
			in_string = t == LX_STRING;
			state = ST_AFTER_VALUE;
			break;
		case ST_ARRAY_FIRST:
			if (t == LX_ARRAY_END) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			if (!lex_is_scalar(t))
				goto error;
			in_string = t == LX_STRING;
			state = ST_AFTER_VALUE;
			break;
		case ST_AFTER_VALUE:
			/* Adjacent strings are one value. */
			if (t == LX_STRING && in_string)
				break;
			in_string = false;
			if (stack[depth] == CTX_TOP || stack[depth] == CTX_GROUP) {
				state = ST_SETTING;
				if (t == LX_SEMICOLON || t == LX_COMMA)
					break;
				/* The terminator is optional: this token starts what comes next. */
				continue;
			}
			if (t == LX_COMMA) {
				state = stack[depth] == CTX_LIST ? ST_VALUE : ST_SCALAR;
				break;
			}
			if ((t == LX_LIST_END && stack[depth] == CTX_LIST) ||
			    (t == LX_ARRAY_END && stack[depth] == CTX_ARRAY)) {
				depth--;
				break;
			}
			goto error;
		}
		t = lex_next(&lx);
	}
error:
	*line = lx.line;
	return t == LX_STRING ? SYN_STRING_ERROR : SYN_ERROR;
}

/*
 * Report every number libconfig read into an int but which does not fit in one, and note
 * its line so the wrapped value it left in the tree is not checked again.
 */
static void
overflow_scan(struct parse_ctx *ctx, const char *text)
{
	struct lexer lx = { .p = text, .line = 1 };
	enum lex_tok t;

	while ((t = lex_next(&lx)) != LX_EOF) {
		unsigned long long v = 0, limit = 0x7fffffff;
		const char *s = lx.tok;
		bool big = false;
		int len;

		if (t == LX_HEX) {
			for (s += 2; is_xdigit(*s) && !big; s++) {
				v = v * 16 + (unsigned long long)(is_digit(*s)
				                                          ? *s - '0'
				                                          : (*s | 0x20) - 'a' + 10);
				big = v > limit;
			}
		} else if (t == LX_INT) {
			if (*s == '-' || *s == '+')
				limit += *s++ == '-';
			for (; is_digit(*s) && !big; s++) {
				v = v * 10 + (unsigned long long)(*s - '0');
				big = v > limit;
			}
		}
		if (!big)
			continue;
		len = (int)lx.tok_len;
		cfg_error_add(
			ctx->errs, lx.line,
			"the number %.*s%s is out of range; no setting takes a number this large",
			len > NUMBER_SHOWN_MAX ? NUMBER_SHOWN_MAX : len, lx.tok,
			len > NUMBER_SHOWN_MAX ? "..." : "");
		if (ctx->n_wrapped < WRAPPED_LINES_MAX)
			ctx->wrapped_line[ctx->n_wrapped++] = lx.line;
	}
}

static int
node_parse(const char *text, struct cfg_node *cfg, struct cfg_errors *errs)
{
	const config_setting_t *root;
	struct parse_ctx *ctx;
	size_t len = strlen(text);
	char *copy = NULL;
	config_t lc;
	int line;

	line = include_line(text);
	if (line > 0) {
		cfg_error_add(errs, line,
		              "@include is not supported; put every setting in this one file");
		return -EINVAL;
	}
	/*
	 * libconfig 1.5 ends a '#' or '//' comment only at a newline, so a comment on the last
	 * line of a file without a final newline is a syntax error: supply the newline.
	 */
	if (len > 0 && text[len - 1] != '\n') {
		copy = malloc(len + 2);
		if (copy == NULL)
			goto out_nomem;
		memcpy(copy, text, len);
		copy[len] = '\n';
		copy[len + 1] = '\0';
		text = copy;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		goto out_free_copy;
	ctx->cfg = cfg;
	ctx->errs = errs;

	switch (syntax_check(text, &line)) {
	case SYN_STRING_ERROR:
		cfg_error_add(errs, line, "not valid libconfig syntax: syntax error");
		goto out_free;
	case SYN_TOO_DEEP:
		cfg_error_add(errs, line,
		              "settings nested more than %d levels deep; no Rampart setting needs "
		              "more than 3",
		              NEST_MAX);
		goto out_free;
	default:
		/* Anything else libconfig reports in its own words. */
		break;
	}
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		const char *why = config_error_text(&lc);

		cfg_error_add(errs, config_error_line(&lc), "not valid libconfig syntax: %s",
		              why != NULL ? why : "parse error");
		goto out_destroy;
	}
	root = config_root_setting(&lc);
	overflow_scan(ctx, text);
	check_keys(ctx, root, NULL, top_keys);
	parse_node(ctx, root);
	parse_dpdk(ctx, root);
	parse_ports(ctx, root);
	parse_link_pairs(ctx, root);
	parse_workers(ctx, root);
	parse_control(ctx, root);
	parse_log(ctx, root);
	check_link_pairs(ctx);
	check_workers(ctx);
	default_file_prefix(ctx);
out_destroy:
	/* Strings in ctx point into the libconfig tree: nothing reads them past this point. */
	config_destroy(&lc);
out_free:
	free(ctx);
	free(copy);
	errors_sort(errs);
	return errs->count > 0 || errs->dropped > 0 ? -EINVAL : 0;

out_free_copy:
	free(copy);
out_nomem:
	cfg_error_add(errs, 0, "out of memory while reading the config");
	return -ENOMEM;
}

void
cfg_node_defaults(struct cfg_node *cfg)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->dpdk.memory_mb = 512;
	cfg->dpdk.hugepages = false;
	for (unsigned int i = 0; i < CFG_MAX_PORTS; i++) {
		cfg->ports[i].rx_desc = DESC_DEFAULT;
		cfg->ports[i].tx_desc = DESC_DEFAULT;
		cfg->ports[i].promiscuous = true;
	}
	cfg->workers.burst = 32;
	cfg->workers.idle_sleep_us = 0;
	cfg->workers.mbufs = 8191;
	snprintf(cfg->control.socket, sizeof(cfg->control.socket), "%s", RP_DEFAULT_SOCKET);
	cfg->control.socket_mode = 0660;
	cfg->control.telemetry = true;
	cfg->log.level = CFG_LOG_INFO;
}

int
cfg_node_parse(const char *text, const char *name, struct cfg_node *cfg, struct cfg_errors *errs)
{
	struct cfg_errors scratch;

	if (errs == NULL)
		errs = &scratch;
	cfg_errors_init(errs, name != NULL ? name : "<string>");
	if (text == NULL || cfg == NULL) {
		cfg_error_add(errs, 0, "no config text to parse");
		return -EINVAL;
	}
	cfg_node_defaults(cfg);
	return node_parse(text, cfg, errs);
}

/* Read all of @fd into a NUL-terminated buffer of at most CFG_FILE_SIZE_MAX bytes. */
static int
read_text(int fd, char **out, size_t *out_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nbuf;

			if (cap > CFG_FILE_SIZE_MAX) {
				free(buf);
				return -EFBIG;
			}
			nbuf = realloc(buf, cap * 2);
			if (nbuf == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;

			free(buf);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CFG_FILE_SIZE_MAX) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

int
cfg_node_load(const char *path, struct cfg_node *cfg, struct cfg_errors *errs)
{
	struct cfg_errors scratch;
	struct stat st;
	char *text = NULL;
	const char *nul;
	size_t len = 0;
	int fd, rc;

	if (errs == NULL)
		errs = &scratch;
	cfg_errors_init(errs, path != NULL ? path : "<none>");
	if (path == NULL || cfg == NULL) {
		cfg_error_add(errs, 0, "no config file given");
		return -EINVAL;
	}
	cfg_node_defaults(cfg);

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		cfg_error_add(errs, 0, "cannot open the config file: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		cfg_error_add(errs, 0, "cannot stat the config file: %s", strerror(-rc));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		cfg_error_add(errs, 0, "is a directory, not a config file");
		goto out_close;
	}
	rc = read_text(fd, &text, &len);
	if (rc == -EFBIG) {
		cfg_error_add(errs, 0,
		              "the file is larger than %d bytes; a node config is far smaller",
		              CFG_FILE_SIZE_MAX);
		goto out_close;
	}
	if (rc < 0) {
		cfg_error_add(errs, 0, "cannot read the config file: %s", strerror(-rc));
		goto out_close;
	}
	nul = memchr(text, '\0', len);
	if (nul != NULL) {
		int line = 1;

		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		cfg_error_add(errs, line, "the file contains a NUL byte; a config file is text");
		rc = -EINVAL;
		goto out_free;
	}
	rc = node_parse(text, cfg, errs);
out_free:
	free(text);
out_close:
	close(fd);
	return rc;
}

int
cfg_port_find(const struct cfg_node *cfg, const char *name)
{
	if (cfg == NULL || name == NULL)
		return -ENOENT;
	for (unsigned int i = 0; i < cfg->n_ports && i < CFG_MAX_PORTS; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}
