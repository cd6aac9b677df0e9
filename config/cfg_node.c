/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The node config file. libconfig parses the text into a tree; one walk over the tree checks
 * every setting against the schema below and copies it into struct cfg_node. Checks that span
 * sections (port names used by link pairs, worker lcores against dpdk.lcores, the default
 * file prefix made from node.id) run after the walk, once every part they need is known.
 *
 * The text reaches libconfig through cfg_text_open() (cfg_text.c), which refuses or reports
 * beforehand what libconfig would mishandle. The checks of single settings (types, ranges,
 * names, unknown keys) are the ones policy files use too, in cfg_schema.c.
 *
 * Nothing stops at the first problem: each one is recorded with the line of the setting it is
 * about, and the errors are sorted by line at the end so they read in file order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_priv.h"

#define WHERE_MAX 24 /* "link_pairs[15]" and the like */

#define MEMORY_MB_MIN 64
#define MEMORY_MB_MAX 1048576
#define DESC_MIN 64
#define DESC_MAX 16384
#define DESC_DEFAULT 1024
#define BURST_MAX 512
#define IDLE_SLEEP_US_MAX 100000
#define MBUFS_MIN 1023
#define MBUFS_MAX 4194303
#define PUNT_RATE_MIN 10
#define PUNT_RATE_MAX 1000000
#define SOCKET_MODE_MAX 0777
#define FILE_PREFIX_PREFIX "rampart-"
#define BLOCKLIST_SIZE_MIN 1024
#define BLOCKLIST_SIZE_MAX 16777216
#define RATE_SOURCES_MIN 1024
#define RATE_SOURCES_MAX 16777216
#define OFFENDER_RING_MIN 64
#define OFFENDER_RING_MAX 65536

static const char *const top_keys[] = {
	"node", "dpdk",   "ports",      "link_pairs", "workers", "control",
	"log",  "policy", "mitigation", "ha",         "bypass",  NULL,
};
static const char *const node_keys[] = { "id", "stack", NULL };
static const char *const dpdk_keys[] = {
	"lcores", "memory_mb", "hugepages", "file_prefix", "extra_args", NULL,
};
static const char *const port_keys[] = {
	"name", "device", "rx_desc", "tx_desc", "promiscuous", NULL,
};
static const char *const link_pair_keys[] = {
	"name",
	"upstream",
	"protected",
	"mode",
	"upstream_address",
	"protected_address",
	"upstream_gateway",
	"protected_gateway",
	NULL,
};
static const char *const workers_keys[] = {
	"lcores", "burst", "idle_sleep_us", "mbufs", "punt_rate_pps", NULL,
};
static const char *const control_keys[] = { "socket", "socket_mode", "telemetry", NULL };
static const char *const log_keys[] = { "level", NULL };
static const char *const policy_keys[] = { "file", NULL };
static const char *const mitigation_keys[] = {
	"blocklist_size",
	"rate_sources",
	"offender_ring",
	NULL,
};

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
	{ 0, "huge-unlink", "dpdk.hugepages (rampartd unlinks its hugepage files itself)" },
	{ 0, "file-prefix", "dpdk.file_prefix" },
	{ 0, "in-memory", "dpdk.file_prefix and dpdk.hugepages" },
	{ 0, "vdev", "ports[].device" },
	{ 'a', "allow", "ports[].device" },
	{ 'b', "block", "ports[].device (only the PCI devices named there are probed)" },
	{ 0, "no-pci", "ports[].device (PCI scanning is off when no port is a PCI device)" },
	{ 0, "main-lcore", "dpdk.lcores (the lowest lcore is the main one)" },
	{ 0, "master-lcore", "dpdk.lcores (the lowest lcore is the main one)" },
	{ 0, "socket-mem", "dpdk.memory_mb" },
	{ 0, "no-telemetry", "control.telemetry" },
	{ 0, "proc-type", "nothing: rampartd is always the primary process" },
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
	const char *dir;      /* the node config's directory (cfg_node_load()), else NULL */
	struct cfg_schema sc; /* the error list and the lines libconfig wrapped */
	int id_line;          /* node.id when it is valid, else 0 */
	bool file_prefix_set;
	bool lcores_valid;                    /* dpdk.lcore_set and main_lcore are known */
	const char *port_name[CFG_MAX_PORTS]; /* as written, NULL when missing */
	int port_name_line[CFG_MAX_PORTS];
	bool port_name_valid[CFG_MAX_PORTS]; /* a valid name, first of its spelling */
	const char *pair_name[CFG_MAX_LINK_PAIRS];
	struct port_ref pair_port[CFG_MAX_LINK_PAIRS][2]; /* upstream, protected */
	bool worker_valid[CFG_MAX_WORKERS];
	int worker_line[CFG_MAX_WORKERS];
};

static const char *const pair_roles[2] = { "upstream", "protected" };

static void
parse_node(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp;
	const char *v;
	int line = 0;

	grp = cfg_get_group(&ctx->sc, root, NULL, "node", "add node = { id = \"...\"; };");
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "node", node_keys);
	v = cfg_get_string(&ctx->sc, grp, "node", "id", "give the node a name, e.g. id = \"rp-a\";",
	                   &line);
	if (v != NULL && cfg_name_check(&ctx->sc, line, "node.id", v, sizeof(cfg->node.id))) {
		snprintf(cfg->node.id, sizeof(cfg->node.id), "%s", v);
		ctx->id_line = line;
	}
	v = cfg_get_string(&ctx->sc, grp, "node", "stack", NULL, &line);
	/* An empty stack name is allowed and means a standalone node. */
	if (v != NULL && (v[0] == '\0' ||
	                  cfg_name_check(&ctx->sc, line, "node.stack", v, sizeof(cfg->node.stack))))
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

/*
 * "--log-level=8" or "--log-level", "info": the global level, which rampartd derives from
 * log.level. A per-type level ("--log-level=pmd.net.af_packet:debug") is the operator's.
 */
static const char *
eal_global_log_level(const char *arg, const config_setting_t *list, int idx)
{
	const char *value;
	size_t n = strcspn(arg + (arg[0] == '-' && arg[1] == '-' ? 2 : 0), "=");

	if (strncmp(arg, "--", 2) != 0 || n < 3 || strncmp(arg + 2, "log-level", n) != 0)
		return NULL;
	if (arg[2 + n] == '=') {
		value = arg + 3 + n;
	} else {
		const config_setting_t *next = config_setting_get_elem(list, (unsigned int)idx + 1);

		value = next != NULL ? config_setting_get_string(next) : NULL;
		if (value == NULL)
			return NULL; /* the EAL will refuse the missing value itself */
	}
	return strchr(value, ':') == NULL ? "log.level (per-type levels, TYPE:LEVEL, are allowed)"
	                                  : NULL;
}

static void
parse_extra_args(struct parse_ctx *ctx, const config_setting_t *list)
{
	struct cfg_node *cfg = ctx->cfg;
	int n;

	if (!cfg_list_check(&ctx->sc, list, "dpdk.extra_args",
	                    "a list of strings, e.g. [\"--log-level=pmd.net.af_packet:debug\"]"))
		return;
	n = config_setting_length(list);
	if (n > CFG_MAX_EXTRA_ARGS) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(list),
		              "dpdk.extra_args: %d arguments given; at most %d are allowed", n,
		              CFG_MAX_EXTRA_ARGS);
		n = CFG_MAX_EXTRA_ARGS;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
		char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX];
		const char *v, *owner;
		size_t len;

		if (s == NULL)
			continue;
		snprintf(path, sizeof(path), "dpdk.extra_args[%d]", i);
		if (!cfg_type_check(&ctx->sc, s, path, CONFIG_TYPE_STRING, "a string"))
			continue;
		v = config_setting_get_string(s);
		if (v == NULL)
			v = "";
		if (!cfg_printable_check(&ctx->sc, cfg_line_of(s), path, v))
			continue;
		len = strlen(v);
		if (len == 0) {
			cfg_error_add(ctx->sc.errs, cfg_line_of(s),
			              "%s: an empty argument; remove it or give an EAL option",
			              path);
			continue;
		}
		if (len >= CFG_EXTRA_ARG_MAX) {
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: the argument is %zu characters long; at most %d are allowed",
				path, len, CFG_EXTRA_ARG_MAX - 1);
			continue;
		}
		owner = eal_owned_setting(v);
		if (owner == NULL)
			owner = eal_global_log_level(v, list, i);
		if (owner != NULL) {
			cfg_error_add(ctx->sc.errs, cfg_line_of(s),
			              "%s: %s is an EAL option Rampart sets itself; use %s instead",
			              path, cfg_quote(q, sizeof(q), v), owner);
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
	char q[CFG_QUOTE_MAX];
	const char *v;
	int line = 0;

	grp = cfg_get_group(&ctx->sc, root, NULL, "dpdk", "add dpdk = { lcores = \"0-1\"; };");
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "dpdk", dpdk_keys);

	v = cfg_get_string(
		&ctx->sc, grp, "dpdk", "lcores",
		"list the EAL lcores, e.g. lcores = \"0-1\"; (the lowest runs the control "
		"thread)",
		&line);
	if (v != NULL) {
		bool set[CFG_MAX_LCORE];

		if (strlen(v) >= sizeof(cfg->dpdk.lcores)) {
			cfg_error_add(ctx->sc.errs, line,
			              "dpdk.lcores: the list is %zu characters long; at most %zu "
			              "allowed",
			              strlen(v), sizeof(cfg->dpdk.lcores) - 1);
		} else if (cfg_lcore_list_parse(v, set) <= 0) {
			cfg_error_add(
				ctx->sc.errs, line,
				"dpdk.lcores: %s is not a valid lcore list; use lcore ids below "
				"%d and ascending ranges separated by commas, e.g. \"0-3,6\" "
				"(LCORE@CPU runs one lcore on another CPU)",
				cfg_quote(q, sizeof(q), v), CFG_MAX_LCORE);
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
	cfg_get_uint(&ctx->sc, grp, "dpdk", "memory_mb", MEMORY_MB_MIN, MEMORY_MB_MAX,
	             &cfg->dpdk.memory_mb);
	cfg_get_bool(&ctx->sc, grp, "dpdk", "hugepages", &cfg->dpdk.hugepages);
	v = cfg_get_string(&ctx->sc, grp, "dpdk", "file_prefix", NULL, &line);
	if (v != NULL) {
		ctx->file_prefix_set = true;
		if (cfg_name_check(&ctx->sc, line, "dpdk.file_prefix", v,
		                   sizeof(cfg->dpdk.file_prefix)))
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

	for (; cfg_is_xdigit(**p); (*p)++) {
		if (++n > max)
			return -1;
		v = v * 16 + cfg_xdigit_value(**p);
	}
	return n > 0 ? v : -1;
}

/* The part of @device before the first ',' (a vdev name or a PCI address) into @head. */
static void
device_head(char head[CFG_DEVICE_MAX], const char *device)
{
	size_t n = strcspn(device, ",");

	if (n >= CFG_DEVICE_MAX)
		n = CFG_DEVICE_MAX - 1;
	memcpy(head, device, n);
	head[n] = '\0';
}

/* Is @head a PCI address, [domain:]bus:device.function? Its fields into @f when it is. */
static bool
pci_addr_parse(const char *head, long f[4])
{
	const char *p = head;

	f[0] = 0;
	if (strchr(head, ':') != strrchr(head, ':')) {
		f[0] = hex_field(&p, 8);
		if (f[0] < 0 || *p++ != ':')
			return false;
	}
	f[1] = hex_field(&p, 2);
	if (f[1] < 0 || *p++ != ':')
		return false;
	f[2] = hex_field(&p, 2);
	if (f[2] < 0 || *p++ != '.')
		return false;
	f[3] = hex_field(&p, 1);
	return f[3] >= 0 && *p == '\0';
}

/*
 * What identifies a device to the EAL: the part before the first ',' (a vdev name or a PCI
 * address), PCI addresses written in full with lower-case hex so "03:00.0" and
 * "0000:03:00.0" compare equal.
 */
static void
device_key(char *buf, size_t size, const char *device)
{
	char head[CFG_DEVICE_MAX];
	long f[4];

	device_head(head, device);
	if (pci_addr_parse(head, f))
		snprintf(buf, size, "%04lx:%02lx:%02lx.%lx", f[0], f[1], f[2], f[3]);
	else
		snprintf(buf, size, "%s", head);
}

static void
parse_port(struct parse_ctx *ctx, const config_setting_t *grp, unsigned int idx)
{
	struct cfg_node *cfg = ctx->cfg;
	struct cfg_port *port = &cfg->ports[idx];
	char where[WHERE_MAX], path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX], q2[CFG_QUOTE_MAX];
	const char *v;
	long long n;
	int line = 0;

	snprintf(where, sizeof(where), "ports[%u]", idx);
	port->line = cfg_line_of(grp);
	cfg_check_keys(&ctx->sc, grp, where, port_keys);

	v = cfg_get_string(&ctx->sc, grp, where, "name",
	                   "give the port a name, e.g. name = \"up0\";", &line);
	if (v != NULL) {
		int first = -1;

		ctx->port_name[idx] = v;
		ctx->port_name_line[idx] = line;
		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (ctx->port_name[i] != NULL && strcmp(ctx->port_name[i], v) == 0)
				first = (int)i;
		cfg_path_of(path, sizeof(path), where, "name");
		if (first >= 0) {
			cfg_error_add(ctx->sc.errs, line,
			              "%s: duplicate port name %s (first at line %d)", path,
			              cfg_quote(q, sizeof(q), v), ctx->port_name_line[first]);
		} else if (cfg_name_check(&ctx->sc, line, path, v, sizeof(port->name))) {
			ctx->port_name_valid[idx] = true;
		}
		snprintf(port->name, sizeof(port->name), "%s", v);
	}

	v = cfg_get_string(&ctx->sc, grp, where, "device",
	                   "give a PCI address or vdev, e.g. device = \"0000:03:00.0\";", &line);
	if (v != NULL) {
		size_t len = strlen(v);

		cfg_path_of(path, sizeof(path), where, "device");
		if (!cfg_printable_check(&ctx->sc, line, path, v)) {
			/* reported */
		} else if (len == 0) {
			cfg_error_add(
				ctx->sc.errs, line,
				"%s: must not be empty; give a PCI address such as "
				"\"0000:03:00.0\" or a vdev such as \"net_af_packet0,iface=eth1\"",
				path);
		} else if (len >= sizeof(port->device)) {
			cfg_error_add(ctx->sc.errs, line,
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
					ctx->sc.errs, line,
					"%s: %s contains a space, control or non-ASCII "
					"character; a device is a PCI address or vdev arguments",
					path, cfg_quote(q, sizeof(q), v));
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
						ctx->sc.errs, line,
						"%s: device %s is already used by ports[%u] "
						"%s (line %d); each port needs its own device",
						path, cfg_quote(q, sizeof(q), key), i,
						cfg_quote(q2, sizeof(q2), cfg->ports[i].name),
						cfg->ports[i].line);
					break;
				}
			}
		}
	}
	if (cfg_get_int(&ctx->sc, grp, where, "rx_desc", DESC_MIN, DESC_MAX, &n))
		port->rx_desc = (uint16_t)n;
	if (cfg_get_int(&ctx->sc, grp, where, "tx_desc", DESC_MIN, DESC_MAX, &n))
		port->tx_desc = (uint16_t)n;
	cfg_get_bool(&ctx->sc, grp, where, "promiscuous", &port->promiscuous);
}

/* A list of groups: ports and link pairs. Returns how many elements to read, 0 on error. */
static unsigned int
group_list(struct parse_ctx *ctx, const config_setting_t *list, const char *key, const char *what,
           const char *items, unsigned int max)
{
	int n;

	if (!cfg_list_check(&ctx->sc, list, key, what))
		return 0;
	n = config_setting_length(list);
	if (n <= 0) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(list),
		              "%s: the list is empty; define at least one %s", key, items);
		return 0;
	}
	if ((unsigned int)n > max) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(list),
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

	list = cfg_member(&ctx->sc, root, NULL, "ports",
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
		ctx->cfg->ports[i].line = cfg_line_of(el);
		if (el != NULL && cfg_type_check(&ctx->sc, el, where, CONFIG_TYPE_GROUP,
		                                 "a group { name = ...; device = ...; }"))
			parse_port(ctx, el, i);
	}
	ctx->cfg->n_ports = n;
}

static void
parse_link_pair(struct parse_ctx *ctx, const config_setting_t *grp, unsigned int idx)
{
	struct cfg_link_pair *lp = &ctx->cfg->link_pairs[idx];
	char where[WHERE_MAX], path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX];
	const char *v;
	int line = 0;

	snprintf(where, sizeof(where), "link_pairs[%u]", idx);
	cfg_check_keys(&ctx->sc, grp, where, link_pair_keys);
	v = cfg_get_string(&ctx->sc, grp, where, "name",
	                   "give the link pair a name, e.g. name = \"lp0\";", &line);
	if (v != NULL) {
		int first = -1;

		ctx->pair_name[idx] = v;
		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (ctx->pair_name[i] != NULL && strcmp(ctx->pair_name[i], v) == 0)
				first = (int)i;
		cfg_path_of(path, sizeof(path), where, "name");
		if (first >= 0)
			cfg_error_add(ctx->sc.errs, line,
			              "%s: duplicate link pair name %s (first at line %d)", path,
			              cfg_quote(q, sizeof(q), v), ctx->cfg->link_pairs[first].line);
		else
			cfg_name_check(&ctx->sc, line, path, v, sizeof(lp->name));
		snprintf(lp->name, sizeof(lp->name), "%s", v);
	}
	v = cfg_get_string(
		&ctx->sc, grp, where, "upstream",
		"name the port that faces the upstream network, e.g. upstream = \"up0\";", &line);
	if (v != NULL)
		ctx->pair_port[idx][0] = (struct port_ref){ .name = v, .line = line };
	v = cfg_get_string(&ctx->sc, grp, where, "protected",
	                   "name the port that faces the protected network, e.g. protected = "
	                   "\"down0\";",
	                   &line);
	if (v != NULL)
		ctx->pair_port[idx][1] = (struct port_ref){ .name = v, .line = line };
	cfg_pair_l3_parse(&ctx->sc, grp, where, lp);
}

static void
parse_link_pairs(struct parse_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *list;
	unsigned int n;

	list = cfg_member(&ctx->sc, root, NULL, "link_pairs",
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
		ctx->cfg->link_pairs[i].line = cfg_line_of(el);
		if (el != NULL &&
		    cfg_type_check(&ctx->sc, el, where, CONFIG_TYPE_GROUP,
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

	grp = cfg_get_group(&ctx->sc, root, NULL, "workers", "add workers = { lcores = [1]; };");
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "workers", workers_keys);
	list = cfg_member(&ctx->sc, grp, "workers", "lcores",
	                  "list the worker lcores, e.g. lcores = [1]; (each one in dpdk.lcores)");
	if (list != NULL && cfg_list_check(&ctx->sc, list, "workers.lcores",
	                                   "an array of lcore ids, e.g. [1, 2]")) {
		n = config_setting_length(list);
		if (n <= 0) {
			cfg_error_add(ctx->sc.errs, cfg_line_of(list),
			              "workers.lcores: the list is empty; give at least one worker "
			              "lcore, e.g. [1]");
		} else if (n > CFG_MAX_WORKERS) {
			cfg_error_add(ctx->sc.errs, cfg_line_of(list),
			              "workers.lcores: %d lcores given; at most %d workers are "
			              "supported",
			              n, CFG_MAX_WORKERS);
			n = CFG_MAX_WORKERS;
		}
		for (int i = 0; i < n; i++) {
			const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
			char path[CFG_KEY_PATH_MAX], what[64];
			long long v;

			if (s == NULL)
				continue;
			snprintf(path, sizeof(path), "workers.lcores[%d]", i);
			snprintf(what, sizeof(what), "an lcore id from 0 to %d", CFG_MAX_LCORE - 1);
			ctx->worker_line[i] = cfg_line_of(s);
			if (!cfg_type_check(&ctx->sc, s, path, CONFIG_TYPE_INT, what) ||
			    cfg_text_wrapped_has(&ctx->sc.wrapped, s))
				continue;
			v = config_setting_get_int64(s);
			if (v < 0 || v >= CFG_MAX_LCORE) {
				cfg_error_add(ctx->sc.errs, cfg_line_of(s),
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
	cfg_get_uint(&ctx->sc, grp, "workers", "burst", 1, BURST_MAX, &cfg->workers.burst);
	cfg_get_uint(&ctx->sc, grp, "workers", "idle_sleep_us", 0, IDLE_SLEEP_US_MAX,
	             &cfg->workers.idle_sleep_us);
	cfg_get_uint(&ctx->sc, grp, "workers", "mbufs", MBUFS_MIN, MBUFS_MAX, &cfg->workers.mbufs);
	cfg_get_uint(&ctx->sc, grp, "workers", "punt_rate_pps", PUNT_RATE_MIN, PUNT_RATE_MAX,
	             &cfg->workers.punt_rate_pps);
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
	char q[CFG_QUOTE_MAX];
	long long mode = 0;
	int line = cfg_line_of(s);

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);
		size_t len = v != NULL ? strlen(v) : 0;

		if (len == 0 || len > 8 || strspn(v, "01234567") != len) {
			cfg_error_add(ctx->sc.errs, line,
			              "%s: %s is not an octal mode; write octal digits such as "
			              "\"0660\"",
			              path, cfg_quote(q, sizeof(q), v != NULL ? v : ""));
			return;
		}
		mode = strtoll(v, NULL, 8);
	} else if (config_setting_type(s) == CONFIG_TYPE_INT ||
	           config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long v = config_setting_get_int64(s);

		if (cfg_text_wrapped_has(&ctx->sc.wrapped, s))
			return;
		if (config_setting_get_format(s) == CONFIG_FORMAT_HEX) {
			mode = v;
		} else {
			long long scale = 1;

			if (v < 0 || v > 77777777) {
				cfg_error_add(ctx->sc.errs, line,
				              "%s: %lld is not an octal mode; write octal digits "
				              "such as \"0660\"",
				              path, v);
				return;
			}
			for (long long d = v; d > 0; d /= 10, scale *= 8) {
				if (d % 10 > 7) {
					cfg_error_add(ctx->sc.errs, line,
					              "%s: %lld is not an octal mode (digit %lld); "
					              "write octal digits such as \"0660\"",
					              path, v, d % 10);
					return;
				}
				mode += (d % 10) * scale;
			}
		}
	} else {
		cfg_error_add(ctx->sc.errs, line,
		              "%s: must be a string of octal digits such as \"0660\", not %s", path,
		              cfg_type_name(s));
		return;
	}
	if (mode < 0 || mode > SOCKET_MODE_MAX) {
		cfg_error_add(ctx->sc.errs, line,
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

	grp = cfg_get_group(&ctx->sc, root, NULL, "control", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "control", control_keys);
	v = cfg_get_string(&ctx->sc, grp, "control", "socket", NULL, &line);
	if (v != NULL) {
		size_t len = strlen(v);

		if (!cfg_printable_check(&ctx->sc, line, "control.socket", v)) {
			/* reported */
		} else if (len == 0) {
			cfg_error_add(ctx->sc.errs, line,
			              "control.socket: must not be empty; give the path of the "
			              "control socket, e.g. \"%s\"",
			              RP_DEFAULT_SOCKET);
		} else if (len >= sizeof(cfg->control.socket)) {
			cfg_error_add(ctx->sc.errs, line,
			              "control.socket: the path is %zu characters long; a Unix "
			              "socket path holds at most %zu",
			              len, sizeof(cfg->control.socket) - 1);
		} else {
			snprintf(cfg->control.socket, sizeof(cfg->control.socket), "%s", v);
		}
	}
	s = config_setting_get_member(grp, "socket_mode");
	if (s != NULL)
		parse_socket_mode(ctx, s);
	cfg_get_bool(&ctx->sc, grp, "control", "telemetry", &cfg->control.telemetry);
}

static void
parse_log(struct parse_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *grp;
	char q[CFG_QUOTE_MAX], names[CFG_LIST_MAX] = "";
	const char *v;
	int line = 0, level;

	grp = cfg_get_group(&ctx->sc, root, NULL, "log", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "log", log_keys);
	v = cfg_get_string(&ctx->sc, grp, "log", "level", NULL, &line);
	if (v == NULL)
		return;
	level = cfg_log_level_parse(v);
	if (level < 0) {
		for (int l = CFG_LOG_EMERG; l <= CFG_LOG_DEBUG; l++)
			cfg_list_append(names, sizeof(names), cfg_log_level_name(l));
		cfg_error_add(ctx->sc.errs, line, "log.level: unknown log level %s; allowed: %s",
		              cfg_quote(q, sizeof(q), v), names);
		return;
	}
	ctx->cfg->log.level = (enum cfg_log_level)level;
}

/*
 * policy.file: the policy loaded at start. A relative path is resolved against the node
 * config's directory when the config was read from a file.
 */
static void
parse_policy(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp;
	const char *v;
	int line = 0;

	grp = cfg_get_group(&ctx->sc, root, NULL, "policy", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "policy", policy_keys);
	v = cfg_get_string(&ctx->sc, grp, "policy", "file", NULL, &line);
	if (v == NULL || !cfg_printable_check(&ctx->sc, line, "policy.file", v))
		return;
	if (v[0] == '\0') {
		cfg_error_add(ctx->sc.errs, line,
		              "policy.file: must not be empty; give the path of a policy file, or "
		              "leave policy out to start with the empty policy");
		return;
	}
	if (cfg_path_join(cfg->policy.file, sizeof(cfg->policy.file), ctx->dir, v) < 0) {
		cfg_error_add(ctx->sc.errs, line,
		              "policy.file: the path is longer than %zu characters%s",
		              sizeof(cfg->policy.file) - 1,
		              v[0] != '/' && ctx->dir != NULL && strcmp(ctx->dir, ".") != 0
		                      ? " once joined to the node config's directory"
		                      : "");
		cfg->policy.file[0] = '\0';
	}
}

static void
parse_mitigation(struct parse_ctx *ctx, const config_setting_t *root)
{
	struct cfg_node *cfg = ctx->cfg;
	const config_setting_t *grp;

	grp = cfg_get_group(&ctx->sc, root, NULL, "mitigation", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "mitigation", mitigation_keys);
	cfg_get_uint(&ctx->sc, grp, "mitigation", "blocklist_size", BLOCKLIST_SIZE_MIN,
	             BLOCKLIST_SIZE_MAX, &cfg->mitigation.blocklist_size);
	cfg_get_uint(&ctx->sc, grp, "mitigation", "rate_sources", RATE_SOURCES_MIN,
	             RATE_SOURCES_MAX, &cfg->mitigation.rate_sources);
	cfg_get_uint(&ctx->sc, grp, "mitigation", "offender_ring", OFFENDER_RING_MIN,
	             OFFENDER_RING_MAX, &cfg->mitigation.offender_ring);
}

/* Resolve the port names of every link pair; a port serves at most one pair, on one side. */
static void
check_link_pairs(struct parse_ctx *ctx)
{
	struct cfg_node *cfg = ctx->cfg;
	int owner[CFG_MAX_PORTS]; /* link pair index + 1 using the port, 0 when free */
	char names[CFG_LIST_MAX] = "";
	bool unresolved = false;

	/* Without ports, already reported, every reference would dangle: say it once. */
	if (cfg->n_ports == 0)
		return;
	memset(owner, 0, sizeof(owner));
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (ctx->port_name_valid[i])
			cfg_list_append(names, sizeof(names), cfg->ports[i].name);
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		int idx[2] = { -1, -1 };

		for (unsigned int r = 0; r < 2; r++) {
			const struct port_ref *ref = &ctx->pair_port[i][r];
			char q[CFG_QUOTE_MAX], q2[CFG_QUOTE_MAX];
			int p = -1;

			if (ref->name == NULL)
				continue;
			for (unsigned int j = 0; j < cfg->n_ports && p < 0; j++)
				if (ctx->port_name[j] != NULL &&
				    strcmp(ctx->port_name[j], ref->name) == 0)
					p = (int)j;
			if (p < 0) {
				unresolved = true;
				cfg_error_add(ctx->sc.errs, ref->line,
				              "link_pairs[%u].%s: no port named %s (%s%s)", i,
				              pair_roles[r], cfg_quote(q, sizeof(q), ref->name),
				              names[0] != '\0' ? "ports are: "
				                               : "no port has a valid name",
				              names);
				continue;
			}
			if (r == 1 && p == idx[0]) {
				cfg_error_add(
					ctx->sc.errs, ref->line,
					"link_pairs[%u].protected: port %s is also the upstream "
					"port of this pair; a link pair joins two different ports",
					i, cfg_quote(q, sizeof(q), ref->name));
				continue;
			}
			if (owner[p] != 0) {
				unsigned int o = (unsigned int)owner[p] - 1;

				cfg_error_add(
					ctx->sc.errs, ref->line,
					"link_pairs[%u].%s: port %s is already used by link pair "
					"%s (line %d); a port belongs to one link pair only",
					i, pair_roles[r], cfg_quote(q, sizeof(q), ref->name),
					cfg_quote(q2, sizeof(q2), cfg->link_pairs[o].name),
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
	/* Nobody polls a port outside every link pair: its frames would pile up unseen. Said
	 * only of an otherwise sound config, so that a misspelt, missing or duplicated name is
	 * not reported a second time as an unpaired port. */
	if (unresolved || ctx->sc.errs->count > 0)
		return;
	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		char q[CFG_QUOTE_MAX];

		if (owner[i] == 0 && ctx->port_name[i] != NULL)
			cfg_error_add(
				ctx->sc.errs, cfg->ports[i].line,
				"ports[%u]: port %s is in no link pair; name it in link_pairs "
				"or remove it",
				i, cfg_quote(q, sizeof(q), ctx->port_name[i]));
	}
}

/* Every worker lcore is one the EAL runs, not the main lcore, and listed once. */
static void
check_workers(struct parse_ctx *ctx)
{
	struct cfg_node *cfg = ctx->cfg;
	int first[CFG_MAX_LCORE]; /* workers.lcores index + 1 naming each lcore */
	char q[CFG_QUOTE_MAX];

	memset(first, 0, sizeof(first));
	for (unsigned int i = 0; i < cfg->workers.n_lcores; i++) {
		unsigned int lc = cfg->workers.lcores[i];
		int line = ctx->worker_line[i];

		if (!ctx->worker_valid[i])
			continue;
		if (first[lc] != 0) {
			cfg_error_add(ctx->sc.errs, line,
			              "workers.lcores[%u]: lcore %u is listed twice (first as "
			              "workers.lcores[%d]); each worker needs its own lcore",
			              i, lc, first[lc] - 1);
			continue;
		}
		first[lc] = (int)i + 1;
		if (!ctx->lcores_valid)
			continue;
		if (!cfg->dpdk.lcore_set[lc])
			cfg_error_add(ctx->sc.errs, line,
			              "workers.lcores[%u]: lcore %u is not in "
			              "dpdk.lcores %s",
			              i, lc, cfg_quote(q, sizeof(q), cfg->dpdk.lcores));
		else if (lc == cfg->dpdk.main_lcore)
			cfg_error_add(
				ctx->sc.errs, line,
				"workers.lcores[%u]: lcore %u is the main lcore (the lowest of "
				"dpdk.lcores %s), which runs the control thread; give workers "
				"the other lcores",
				i, lc, cfg_quote(q, sizeof(q), cfg->dpdk.lcores));
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
		cfg_error_add(ctx->sc.errs, ctx->id_line,
		              "node.id: the default dpdk.file_prefix \"" FILE_PREFIX_PREFIX
		              "<id>\" would be %zu characters long, more than %zu; shorten the id "
		              "or set dpdk.file_prefix",
		              len, sizeof(cfg->dpdk.file_prefix) - 1);
		return;
	}
	snprintf(cfg->dpdk.file_prefix, sizeof(cfg->dpdk.file_prefix), FILE_PREFIX_PREFIX "%.*s",
	         (int)(sizeof(cfg->dpdk.file_prefix) - sizeof(FILE_PREFIX_PREFIX)), cfg->node.id);
}

static int
node_parse(const char *text, const char *dir, struct cfg_node *cfg, struct cfg_errors *errs)
{
	const config_setting_t *root;
	struct parse_ctx *ctx;
	config_t lc;
	int rc;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		cfg_error_add(errs, 0, "out of memory while reading the config");
		return -ENOMEM;
	}
	ctx->cfg = cfg;
	ctx->dir = dir;
	ctx->sc.errs = errs;

	/* Numbers libconfig wrapped are reported here already, and their lines noted. */
	rc = cfg_text_open(text, &lc, &ctx->sc.wrapped, errs);
	if (rc < 0)
		goto out_free;
	root = config_root_setting(&lc);
	cfg_check_keys(&ctx->sc, root, NULL, top_keys);
	parse_node(ctx, root);
	parse_dpdk(ctx, root);
	parse_ports(ctx, root);
	parse_link_pairs(ctx, root);
	parse_workers(ctx, root);
	parse_control(ctx, root);
	parse_log(ctx, root);
	parse_policy(ctx, root);
	parse_mitigation(ctx, root);
	check_link_pairs(ctx);
	check_workers(ctx);
	cfg_ha_parse(&ctx->sc, root, cfg);
	cfg_bypass_parse(&ctx->sc, root, cfg);
	default_file_prefix(ctx);
	/* Strings in ctx point into the libconfig tree: nothing reads them past this point. */
	config_destroy(&lc);
	cfg_errors_sort(errs);
	rc = errs->count > 0 || errs->dropped > 0 ? -EINVAL : 0;
out_free:
	free(ctx);
	return rc;
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
	cfg->workers.punt_rate_pps = 2000;
	snprintf(cfg->control.socket, sizeof(cfg->control.socket), "%s", RP_DEFAULT_SOCKET);
	cfg->control.socket_mode = 0660;
	cfg->control.telemetry = true;
	cfg->log.level = CFG_LOG_INFO;
	cfg->policy.file[0] = '\0';
	cfg->mitigation.blocklist_size = 262144;
	cfg->mitigation.rate_sources = 65536;
	cfg->mitigation.offender_ring = 1024;
	cfg_ha_defaults(&cfg->ha);
	cfg_bypass_defaults(&cfg->bypass);
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
	return node_parse(text, NULL, cfg, errs);
}

int
cfg_node_load(const char *path, struct cfg_node *cfg, struct cfg_errors *errs)
{
	struct cfg_errors scratch;
	char *text, *dir;
	int rc;

	if (errs == NULL)
		errs = &scratch;
	cfg_errors_init(errs, path != NULL ? path : "<none>");
	if (path == NULL || cfg == NULL) {
		cfg_error_add(errs, 0, "no config file given");
		return -EINVAL;
	}
	cfg_node_defaults(cfg);
	rc = cfg_text_read(path, "node config", &text, errs);
	if (rc < 0)
		return rc;
	/* policy.file is relative to the node config's directory. */
	dir = cfg_dirname(path);
	if (dir == NULL) {
		cfg_error_add(errs, 0, "out of memory while reading the config");
		free(text);
		return -ENOMEM;
	}
	rc = node_parse(text, dir, cfg, errs);
	free(dir);
	free(text);
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

int
cfg_port_pci(const struct cfg_port *p, struct cfg_pci_addr *a)
{
	char head[CFG_DEVICE_MAX];
	long f[4];

	if (p == NULL || a == NULL)
		return -EINVAL;
	device_head(head, p->device);
	if (!pci_addr_parse(head, f))
		return -ENOENT;
	*a = (struct cfg_pci_addr){ .domain = (uint32_t)f[0],
		                    .bus = (uint8_t)f[1],
		                    .device = (uint8_t)f[2],
		                    .function = (uint8_t)f[3] };
	return 0;
}

int
cfg_port_iface(const struct cfg_port *p, char *buf, size_t len)
{
	char head[CFG_DEVICE_MAX];
	const char *arg;
	long f[4];
	size_t n;

	if (p == NULL || buf == NULL || len == 0)
		return -EINVAL;
	device_head(head, p->device);
	if (pci_addr_parse(head, f))
		return -ENOENT;
	/* The arguments follow the name as KEY=VALUE separated by commas; the first iface=
	 * counts, as in net_af_packet's own parsing. */
	for (arg = strchr(p->device, ','); arg != NULL; arg = strchr(arg + 1, ','))
		if (strncmp(arg + 1, "iface=", 6) == 0)
			break;
	if (arg == NULL)
		return -ENOENT;
	arg += 7;
	n = strcspn(arg, ",");
	if (n == 0)
		return -ENOENT;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, arg, n);
	buf[n] = '\0';
	return 0;
}
