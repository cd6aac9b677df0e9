/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parts of the node config that HA and bypass bring: interface addresses (struct
 * cfg_ifaddr), the l3 keys of a link pair, the `ha` group with its peers and VRRP instances,
 * and the `bypass` group. cfg_node.c calls in here (cfg_priv.h) once the settings these parts
 * refer to are known: link pairs for VRRP instances, ports for the XDP driver, workers for
 * the watchdog.
 *
 * Like the rest of the node config, nothing stops at the first problem; each one is recorded
 * on the line of the setting it is about, naming what is allowed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_priv.h"

#define WHERE_MAX 24 /* "ha.vrrp[15]", "link_pairs[15]" */
#define ADDR_TEXT_MAX 64

#define HA_PORT_DEFAULT 7410
#define PEER_CHECK_MS_MAX 60000
#define THRESHOLD_MAX 1000
#define MAX_FLAPS_MAX 1000
#define FLAP_WINDOW_S_MAX 86400
#define MIN_BPS_MAX 10000000000000LL /* 10 Tbit/s */
#define BW_INTERVAL_S_MAX 3600
#define LINK_MONITOR_MS_MIN 10
#define LINK_MONITOR_MS_MAX 60000
#define VRRP_PRIORITY_DEFAULT 100
#define VRRP_PRIORITY_OWNER 255 /* RFC 9568 section 5.2.4 */
#define VRRP_ADVERT_MS_DEFAULT 1000
/* The advert carries Max Adver Int in centiseconds in 12 bits (RFC 9568 section 5.2.7). */
#define VRRP_ADVERT_MS_MIN 10
#define VRRP_ADVERT_MS_MAX 40950
#define VRRP_PREEMPT_DELAY_S_MAX 3600
#define WATCHDOG_MS_MIN 5
#define WATCHDOG_MS_MAX 60000
#define IXGBE_WATCHDOG_MS_MAX 32000 /* the ixgbe adapter's longest step (byp_ixgbe_timeout) */
#define WATCHDOG_MS_DEFAULT 20
#define REARM_AFTER_S_MAX 86400
#define REARM_AFTER_S_DEFAULT 30
#define PIN_PATH_DEFAULT "/sys/fs/bpf/rampart"
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */
/* The heartbeat thread feeds the watchdog every watchdog_ms / 4 and wants every worker to
 * have gone round its loop in between. */
#define HEARTBEATS_PER_WATCHDOG 4

static const char *const ha_keys[] = {
	"mode",
	"primary",
	"address",
	"port",
	"peers",
	"peer_check_interval_ms",
	"peer_failure_threshold",
	"peer_recovery_threshold",
	"max_flaps",
	"flap_window_s",
	"bandwidth",
	"link_monitor_interval_ms",
	"min_active_links",
	"vrrp",
	"notify",
	"allow_simulation",
	NULL,
};
static const char *const peer_keys[] = { "id", "address", "port", NULL };
static const char *const bandwidth_keys[] = { "enabled", "min_bps", "interval_s", NULL };
static const char *const vrrp_keys[] = {
	"vrid",
	"link_pair",
	"side",
	"priority",
	"advert_interval_ms",
	"preempt",
	"preempt_delay_s",
	"accept",
	"version",
	"checksum",
	"vips",
	NULL,
};
static const char *const bypass_keys[] = {
	"driver",        "watchdog_ms",     "on_start", "on_stop", "rearm",
	"rearm_after_s", "on_link_failure", "pin_path", "sysfs",   NULL,
};
static const char *const sysfs_keys[] = {
	"bypass_path",     "bypass_on",     "bypass_off",
	"disconnect_path", "disconnect_on", "disconnect_off",
	"watchdog_path",   "watchdog_kick", NULL,
};

/* Keyword tables, indexed by the enum they name; NULL-terminated for keyword_get(). */
static const char *const pair_mode_names[] = { [CFG_PAIR_L2] = "l2", [CFG_PAIR_L3] = "l3", NULL };
static const char *const side_names[] = {
	[CFG_SIDE_UPSTREAM] = "upstream",
	[CFG_SIDE_PROTECTED] = "protected",
	NULL,
};
static const char *const ha_mode_names[] = {
	[CFG_HA_ACTIVE_PASSIVE] = "active-passive",
	[CFG_HA_ACTIVE_ACTIVE] = "active-active",
	[CFG_HA_CLUSTER] = "cluster",
	NULL,
};
static const char *const checksum_names[] = {
	[CFG_VRRP_CSUM_RFC] = "rfc",
	[CFG_VRRP_CSUM_V2_COMPAT] = "v2-compatible",
	NULL,
};
static const char *const driver_names[] = {
	[CFG_BYPASS_NONE] = "none",
	[CFG_BYPASS_XDP] = "xdp",
	[CFG_BYPASS_SYSFS] = "sysfs",
	[CFG_BYPASS_IXGBE] = "ixgbe",
	NULL,
};
static const char *const on_start_names[] = { "bypass", "inline", NULL };
static const char *const on_stop_names[] = {
	[CFG_ON_STOP_BYPASS] = "bypass",
	[CFG_ON_STOP_INLINE_DOWN] = "inline-down",
	NULL,
};
static const char *const rearm_names[] = { "manual", "auto", NULL };

/* The DPDK drivers whose ports sit on a kernel interface the XDP program can attach to. The
 * EAL matches a vdev to its driver by the start of the name, so "net_af_packet0" is one. */
static const char *const xdp_vdev_drivers[] = { "net_af_packet", "eth_af_packet", "net_af_xdp",
	                                        NULL };

#define N_NAMES(t) (sizeof(t) / sizeof((t)[0]) - 1)

static const char *
name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] != NULL ? names[v] : "unknown";
}

const char *
cfg_pair_mode_name(enum cfg_pair_mode m)
{
	return name_of(pair_mode_names, N_NAMES(pair_mode_names), (unsigned int)m);
}

const char *
cfg_side_name(enum cfg_side s)
{
	return name_of(side_names, N_NAMES(side_names), (unsigned int)s);
}

const char *
cfg_ha_mode_name(enum cfg_ha_mode m)
{
	return name_of(ha_mode_names, N_NAMES(ha_mode_names), (unsigned int)m);
}

const char *
cfg_vrrp_checksum_name(enum cfg_vrrp_checksum c)
{
	return name_of(checksum_names, N_NAMES(checksum_names), (unsigned int)c);
}

const char *
cfg_bypass_driver_name(enum cfg_bypass_driver d)
{
	return name_of(driver_names, N_NAMES(driver_names), (unsigned int)d);
}

/*
 * Interface addresses.
 */

int
cfg_ifaddr_parse(const char *s, struct cfg_ifaddr *out)
{
	struct cfg_ifaddr a;

	if (s == NULL || out == NULL || cfg_addr_text_parse(s, strlen(s), &a) != CFG_ADDR_OK)
		return -EINVAL;
	*out = a;
	return 0;
}

void
cfg_ifaddr_format(const struct cfg_ifaddr *a, bool with_len, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	if (buf == NULL || len == 0)
		return;
	if (a == NULL || (a->family != 4 && a->family != 6) ||
	    inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, text, sizeof(text)) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if (with_len)
		snprintf(buf, len, "%s/%u", text, a->len);
	else
		snprintf(buf, len, "%s", text);
}

/* Do the first @bits bits of @x and @y agree? */
static bool
bits_equal(const uint8_t *x, const uint8_t *y, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(x, y, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x[bytes] ^ y[bytes]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool
cfg_ifaddr_contains(const struct cfg_ifaddr *a, const uint8_t *addr)
{
	unsigned int max;

	if (a == NULL || addr == NULL || (a->family != 4 && a->family != 6))
		return false;
	max = a->family == 4 ? 32 : 128;
	return bits_equal(a->addr, addr, a->len <= max ? a->len : max);
}

static bool
ifaddr_same_host(const struct cfg_ifaddr *x, const struct cfg_ifaddr *y)
{
	return x->family == y->family && memcmp(x->addr, y->addr, x->family == 4 ? 4 : 16) == 0;
}

/* Do the subnets of @x and @y overlap (one holds the other)? */
static bool
ifaddr_overlap(const struct cfg_ifaddr *x, const struct cfg_ifaddr *y)
{
	return x->family == y->family &&
	       bits_equal(x->addr, y->addr, x->len < y->len ? x->len : y->len);
}

/*
 * "network" or "broadcast" when @addr (IPv4, network byte order) is the first or last address
 * of the subnet of @a, which are not hosts on a subnet of more than two addresses; else NULL.
 */
static const char *
ifaddr_subnet_edge(const struct cfg_ifaddr *a, const uint8_t *addr)
{
	uint32_t host, mask;

	if (a->family != 4 || a->len > 30)
		return NULL;
	mask = 0xffffffffu >> a->len;
	memcpy(&host, addr, 4);
	host = ntohl(host) & mask;
	if (host == 0)
		return "network";
	return host == mask ? "broadcast" : NULL;
}

/* An IPv6 link-local address, fe80::/10. */
static bool
ifaddr_link_local(const struct cfg_ifaddr *a)
{
	return a->family == 6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
}

/* What an address is that no interface, VIP or peer may have, or NULL when it is usable.
 * Loopback addresses are refused only when @no_loopback: two nodes on one host may well
 * talk HA over 127.0.0.1 and 127.0.0.2. */
static const char *
ifaddr_special(const struct cfg_ifaddr *a, bool no_loopback)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];
	const uint8_t *b = a->addr;

	if (a->family == 4) {
		if (b[0] == 0)
			return "in 0.0.0.0/8, which means \"this network\"";
		if (b[0] == 127 && no_loopback)
			return "a loopback address";
		if (b[0] >= 224 && b[0] <= 239)
			return "a multicast address";
		if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
			return "the limited broadcast address";
		return NULL;
	}
	if (memcmp(b, zero, 16) == 0)
		return "the unspecified address";
	if (memcmp(b, zero, 15) == 0 && b[15] == 1 && no_loopback)
		return "the loopback address";
	if (b[0] == 0xff)
		return "a multicast address";
	if (memcmp(b, v4mapped, 12) == 0)
		return "an IPv4-mapped address (write the IPv4 address itself)";
	return NULL;
}

/* What an address is used for, which decides what is allowed. */
enum addr_use {
	ADDR_IFACE, /* an interface address or a VIP: "addr/len", len 1 .. full */
	ADDR_HOST,  /* a next hop: a bare address (or full length), no loopback */
	ADDR_HA,    /* an address on the HA network: a bare address, loopback allowed */
};

/*
 * Parse the address @v of setting @path for @use into *@out; false (reported on @line) when
 * it is not one or not usable there.
 */
static bool
addr_check(struct cfg_schema *sc, int line, const char *path, const char *v, enum addr_use use,
           struct cfg_ifaddr *out)
{
	const char *example = use == ADDR_IFACE ? "\"198.51.100.1/24\" or \"2001:db8::1/64\""
	                                        : "\"203.0.113.11\" or \"2001:db8::11\"";
	char q[CFG_QUOTE_MAX];
	const char *why, *edge;
	struct cfg_ifaddr a;
	unsigned int max;

	switch (cfg_addr_text_parse(v, strlen(v), &a)) {
	case CFG_ADDR_OK:
		break;
	case CFG_ADDR_BAD_LENGTH:
		cfg_error_add(
			sc->errs, line,
			"%s: %s has an invalid prefix length; an IPv4 address takes /1 to /32 "
			"and an IPv6 address /1 to /128",
			path, cfg_quote(q, sizeof(q), v));
		return false;
	default:
		cfg_error_add(sc->errs, line,
		              "%s: %s is not an IPv4 or IPv6 address%s; write it as %s", path,
		              cfg_quote(q, sizeof(q), v),
		              use == ADDR_IFACE ? " with an optional prefix length" : "", example);
		return false;
	}
	max = a.family == 4 ? 32 : 128;
	if (use != ADDR_IFACE && a.len != max) {
		cfg_error_add(sc->errs, line,
		              "%s: %s has a prefix length; give the host address alone, e.g. %s",
		              path, cfg_quote(q, sizeof(q), v), example);
		return false;
	}
	if (a.len == 0) {
		cfg_error_add(sc->errs, line,
		              "%s: %s has a prefix length of 0; give the length of the subnet the "
		              "address is on, e.g. %s",
		              path, cfg_quote(q, sizeof(q), v), example);
		return false;
	}
	why = ifaddr_special(&a, use != ADDR_HA);
	if (why != NULL) {
		cfg_error_add(sc->errs, line, "%s: %s is %s; give a unicast host address", path,
		              cfg_quote(q, sizeof(q), v), why);
		return false;
	}
	edge = ifaddr_subnet_edge(&a, a.addr);
	if (edge != NULL) {
		cfg_error_add(sc->errs, line,
		              "%s: %s is the %s address of its subnet, not a host address", path,
		              cfg_quote(q, sizeof(q), v), edge);
		return false;
	}
	*out = a;
	return true;
}

/*
 * Shared helpers for settings of this file.
 */

/* A keyword setting: a string among the NULL-terminated @names; its index into *@out. */
static bool
keyword_get(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
            const char *const *names, int *out, int *line)
{
	char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX], allowed[CFG_LIST_MAX] = "";
	const char *v;

	v = cfg_get_string(sc, grp, where, key, NULL, line);
	if (v == NULL)
		return false;
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	for (int i = 0; names[i] != NULL; i++) {
		char quoted[CFG_QUOTE_MAX];

		cfg_list_append(allowed, sizeof(allowed),
		                cfg_quote(quoted, sizeof(quoted), names[i]));
	}
	cfg_error_add(sc->errs, *line, "%s: %s is not allowed; allowed: %s",
	              cfg_path_of(path, sizeof(path), where, key), cfg_quote(q, sizeof(q), v),
	              allowed);
	return false;
}

/*
 * A string setting that names a file: absolute, printable, not empty, and short enough to
 * leave @reserve characters for what is appended to it. Copied into @out (@size bytes);
 * false when absent or wrong (reported).
 */
static bool
abs_path_get(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
             size_t size, size_t reserve, char *out, int *line)
{
	char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX];
	const char *v;
	size_t len;

	v = cfg_get_string(sc, grp, where, key, NULL, line);
	if (v == NULL)
		return false;
	cfg_path_of(path, sizeof(path), where, key);
	if (!cfg_printable_check(sc, *line, path, v))
		return false;
	len = strlen(v);
	if (len == 0) {
		cfg_error_add(sc->errs, *line,
		              "%s: must not be empty; give an absolute path or leave the setting "
		              "out",
		              path);
		return false;
	}
	if (v[0] != '/') {
		cfg_error_add(
			sc->errs, *line,
			"%s: %s is a relative path; give an absolute path (starting with '/')",
			path, cfg_quote(q, sizeof(q), v));
		return false;
	}
	if (len + reserve >= size) {
		cfg_error_add(sc->errs, *line,
		              "%s: the path is %zu characters long; at most %zu are allowed%s",
		              path, len, size - 1 - reserve,
		              reserve > 0 ? " (the node id is appended to it)" : "");
		return false;
	}
	snprintf(out, size, "%s", v);
	return true;
}

/* One string of a setting that takes a string or a list of strings. */
struct list_item {
	const char *v; /* points into the libconfig tree */
	int line;
	char path[CFG_KEY_PATH_MAX + 8]; /* "x" for a lone string, "x[2]" in a list */
};

/* A string, or an array or list of strings, read into @items. @return how many were read;
 * wrong elements are reported and left out. */
static unsigned int
string_list_get(struct cfg_schema *sc, const config_setting_t *s, const char *path,
                unsigned int max, const char *example, struct list_item *items)
{
	char what[CFG_LIST_MAX];
	unsigned int n = 0;
	int len;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		items[0].v = config_setting_get_string(s);
		items[0].line = cfg_line_of(s);
		snprintf(items[0].path, sizeof(items[0].path), "%s", path);
		return items[0].v != NULL ? 1 : 0;
	}
	snprintf(what, sizeof(what), "a string or a list of strings, e.g. %s", example);
	if (!cfg_list_check(sc, s, path, what))
		return 0;
	len = config_setting_length(s);
	if (len == 0) {
		cfg_error_add(sc->errs, cfg_line_of(s),
		              "%s: the list is empty; give 1 to %u, e.g. %s", path, max, example);
		return 0;
	}
	if ((unsigned int)len > max) {
		cfg_error_add(sc->errs, cfg_line_of(s), "%s: %d are given; at most %u are allowed",
		              path, len, max);
		len = (int)max;
	}
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		struct list_item *it = &items[n];

		if (e == NULL)
			continue;
		snprintf(it->path, sizeof(it->path), "%s[%d]", path, i);
		if (!cfg_type_check(sc, e, it->path, CONFIG_TYPE_STRING, "a string"))
			continue;
		it->v = config_setting_get_string(e);
		it->line = cfg_line_of(e);
		if (it->v != NULL)
			n++;
	}
	return n;
}

/*
 * Link pairs in l3 mode.
 */

/* "upstream_address" and the like: the addresses of the node on side @r. */
static void
pair_addrs_parse(struct cfg_schema *sc, const config_setting_t *s, const char *where,
                 const char *key, struct cfg_link_pair *lp, enum cfg_side r, int *lines)
{
	struct cfg_pair_side *side = &lp->side[r];
	struct list_item items[CFG_MAX_PAIR_ADDRS];
	char path[CFG_KEY_PATH_MAX], a[ADDR_TEXT_MAX], q[CFG_QUOTE_MAX];
	unsigned int n;

	cfg_path_of(path, sizeof(path), where, key);
	n = string_list_get(sc, s, path, CFG_MAX_PAIR_ADDRS, "\"198.51.100.1/24\"", items);
	for (unsigned int i = 0; i < n; i++) {
		const struct list_item *it = &items[i];
		struct cfg_ifaddr ia;
		bool dup = false;
		if (!addr_check(sc, it->line, it->path, it->v, ADDR_IFACE, &ia))
			continue;
		/* The same address twice on the pair, on either side, is a typo. */
		for (unsigned int o = 0; o < 2 && !dup; o++) {
			for (unsigned int j = 0; j < lp->side[o].n_addrs && !dup; j++) {
				if (!ifaddr_same_host(&ia, &lp->side[o].addrs[j]))
					continue;
				dup = true;
				cfg_error_add(sc->errs, it->line,
				              "%s: %s is already an address of this link pair (%s_"
				              "address, line %d); give each address once",
				              it->path, cfg_quote(q, sizeof(q), it->v),
				              side_names[o], lines[o * CFG_MAX_PAIR_ADDRS + j]);
			}
		}
		if (dup)
			continue;
		/* Each side is its own network: a destination must belong to one side only. */
		if (r == CFG_SIDE_PROTECTED) {
			const struct cfg_pair_side *up = &lp->side[CFG_SIDE_UPSTREAM];

			for (unsigned int j = 0; j < up->n_addrs && !dup; j++) {
				if (!ifaddr_overlap(&ia, &up->addrs[j]))
					continue;
				dup = true;
				cfg_ifaddr_format(&up->addrs[j], true, a, sizeof(a));
				cfg_error_add(
					sc->errs, it->line,
					"%s: the subnet of %s overlaps the upstream subnet of %s "
					"(line %d); the two sides of an l3 link pair are "
					"different networks",
					it->path, cfg_quote(q, sizeof(q), it->v), a, lines[j]);
			}
			if (dup)
				continue;
		}
		lines[r * CFG_MAX_PAIR_ADDRS + side->n_addrs] = it->line;
		side->addrs[side->n_addrs++] = ia;
	}
}

/* "upstream_gateway" and the like: at most one IPv4 and one IPv6 next hop on side @r. */
static void
pair_gateways_parse(struct cfg_schema *sc, const config_setting_t *s, const char *where,
                    const char *key, struct cfg_link_pair *lp, enum cfg_side r)
{
	struct cfg_pair_side *side = &lp->side[r];
	struct list_item items[2];
	char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX];
	unsigned int n;

	cfg_path_of(path, sizeof(path), where, key);
	n = string_list_get(sc, s, path, 2,
	                    "\"198.51.100.254\" or [\"198.51.100.254\", "
	                    "\"2001:db8::fe\"]",
	                    items);
	for (unsigned int i = 0; i < n; i++) {
		const struct list_item *it = &items[i];
		const char *edge = NULL;
		struct cfg_ifaddr gw;
		bool inside = false, own = false;
		if (!addr_check(sc, it->line, it->path, it->v, ADDR_HOST, &gw))
			continue;
		if ((gw.family == 4 && side->has_gw4) || (gw.family == 6 && side->has_gw6)) {
			cfg_error_add(
				sc->errs, it->line,
				"%s: a second IPv%u gateway; give at most one IPv4 and one IPv6 "
				"gateway per side",
				it->path, gw.family);
			continue;
		}
		for (unsigned int j = 0; j < side->n_addrs; j++) {
			if (side->addrs[j].family != gw.family)
				continue;
			if (cfg_ifaddr_contains(&side->addrs[j], gw.addr)) {
				inside = true;
				if (edge == NULL)
					edge = ifaddr_subnet_edge(&side->addrs[j], gw.addr);
			}
			own |= ifaddr_same_host(&side->addrs[j], &gw);
		}
		if (own) {
			cfg_error_add(sc->errs, it->line,
			              "%s: %s is this node's own address; the gateway is the next "
			              "router on the %s side",
			              it->path, cfg_quote(q, sizeof(q), it->v), side_names[r]);
			continue;
		}
		if (!inside) {
			char list[CFG_LIST_MAX] = "";

			for (unsigned int j = 0; j < side->n_addrs; j++) {
				char a[ADDR_TEXT_MAX];

				if (side->addrs[j].family != gw.family)
					continue;
				cfg_ifaddr_format(&side->addrs[j], true, a, sizeof(a));
				cfg_list_append(list, sizeof(list), a);
			}
			cfg_error_add(sc->errs, it->line,
			              "%s: %s is in none of the %s side's IPv%u subnets (%s); a "
			              "gateway must be directly reachable",
			              it->path, cfg_quote(q, sizeof(q), it->v), side_names[r],
			              gw.family, list[0] != '\0' ? list : "it has none");
			continue;
		}
		if (edge != NULL) {
			cfg_error_add(sc->errs, it->line,
			              "%s: %s is the %s address of a %s subnet, not a router",
			              it->path, cfg_quote(q, sizeof(q), it->v), edge,
			              side_names[r]);
			continue;
		}
		if (gw.family == 4) {
			side->has_gw4 = true;
			memcpy(side->gw4, gw.addr, 4);
		} else {
			side->has_gw6 = true;
			memcpy(side->gw6, gw.addr, 16);
		}
	}
}

void
cfg_pair_l3_parse(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
                  struct cfg_link_pair *lp)
{
	static const char *const addr_keys[2] = { "upstream_address", "protected_address" };
	static const char *const gw_keys[2] = { "upstream_gateway", "protected_gateway" };
	int lines[2 * CFG_MAX_PAIR_ADDRS] = { 0 };
	char path[CFG_KEY_PATH_MAX];
	bool mode_known = true;
	int mode, mode_line = 0;

	memset(lp->side, 0, sizeof(lp->side));
	lp->mode = CFG_PAIR_L2;
	if (config_setting_get_member(grp, "mode") != NULL) {
		if (keyword_get(sc, grp, where, "mode", pair_mode_names, &mode, &mode_line))
			lp->mode = (enum cfg_pair_mode)mode;
		else
			mode_known = false;
	}
	for (unsigned int r = 0; r < 2; r++) {
		const config_setting_t *s = config_setting_get_member(grp, addr_keys[r]);
		const config_setting_t *gw = config_setting_get_member(grp, gw_keys[r]);

		if (mode_known && lp->mode == CFG_PAIR_L2) {
			const config_setting_t *bad[2] = { s, gw };

			for (unsigned int k = 0; k < 2; k++)
				if (bad[k] != NULL)
					cfg_error_add(
						sc->errs, cfg_line_of(bad[k]),
						"%s: only an l3 link pair has addresses; set "
						"mode = \"l3\" or remove it (an l2 link pair is a "
						"bump in the wire)",
						cfg_path_of(path, sizeof(path), where,
					                    k == 0 ? addr_keys[r] : gw_keys[r]));
			continue;
		}
		if (s != NULL)
			pair_addrs_parse(sc, s, where, addr_keys[r], lp, (enum cfg_side)r, lines);
		else if (mode_known)
			cfg_error_add(sc->errs, mode_line,
			              "%s: an l3 link pair needs %s, the node's address on the %s "
			              "side, e.g. %s = \"%s\";",
			              where, addr_keys[r], side_names[r], addr_keys[r],
			              r == 0 ? "198.51.100.1/24" : "203.0.113.1/24");
		if (gw != NULL)
			pair_gateways_parse(sc, gw, where, gw_keys[r], lp, (enum cfg_side)r);
	}
}

/*
 * The ha group.
 */

/* What the checks across VRRP instances need of each one. */
struct vrrp_lines {
	int group, vrid, link_pair, priority, vips;
	bool vrid_ok, link_pair_ok;
	int vip_line[CFG_MAX_VIPS];
};

static void
peer_parse(struct cfg_schema *sc, const config_setting_t *grp, unsigned int idx,
           struct cfg_node *cfg, bool address_ok, int *id_lines, int *addr_lines)
{
	struct cfg_ha *ha = &cfg->ha;
	struct cfg_ha_peer *p = &ha->peers[idx];
	char where[WHERE_MAX], path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX], a[ADDR_TEXT_MAX];
	const char *v;
	long long n;
	int line = 0;

	snprintf(where, sizeof(where), "ha.peers[%u]", idx);
	p->line = cfg_line_of(grp);
	p->port = ha->port;
	cfg_check_keys(sc, grp, where, peer_keys);
	v = cfg_get_string(sc, grp, where, "id", "give the peer's node.id, e.g. id = \"rp-b\";",
	                   &line);
	cfg_path_of(path, sizeof(path), where, "id");
	if (v != NULL && cfg_name_check(sc, line, path, v, sizeof(p->id))) {
		int first = -1;

		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (id_lines[i] > 0 && strcmp(ha->peers[i].id, v) == 0)
				first = (int)i;
		if (first >= 0) {
			cfg_error_add(sc->errs, line,
			              "%s: duplicate peer id %s (first at line %d); list each peer "
			              "once",
			              path, cfg_quote(q, sizeof(q), v), id_lines[first]);
		} else if (strcmp(v, cfg->node.id) == 0) {
			cfg_error_add(sc->errs, line,
			              "%s: %s is this node's own id (node.id); peers are the other "
			              "nodes",
			              path, cfg_quote(q, sizeof(q), v));
		} else {
			snprintf(p->id, sizeof(p->id), "%s", v);
			id_lines[idx] = line;
		}
	}
	v = cfg_get_string(sc, grp, where, "address",
	                   "give the peer's address on the HA network, e.g. address = "
	                   "\"203.0.113.12\";",
	                   &line);
	cfg_path_of(path, sizeof(path), where, "address");
	if (v != NULL && addr_check(sc, line, path, v, ADDR_HA, &p->address)) {
		int first = -1;

		for (unsigned int i = 0; i < idx && first < 0; i++)
			if (addr_lines[i] > 0 &&
			    ifaddr_same_host(&ha->peers[i].address, &p->address))
				first = (int)i;
		cfg_ifaddr_format(&ha->address, false, a, sizeof(a));
		if (address_ok && p->address.family != ha->address.family)
			cfg_error_add(
				sc->errs, line,
				"%s: %s is an IPv%u address but ha.address %s is IPv%u; peers "
				"and this node talk over one address family",
				path, cfg_quote(q, sizeof(q), v), p->address.family, a,
				ha->address.family);
		else if (address_ok && ifaddr_same_host(&ha->address, &p->address))
			cfg_error_add(sc->errs, line,
			              "%s: %s is this node's own ha.address; each node on the HA "
			              "network has its own address",
			              path, cfg_quote(q, sizeof(q), v));
		else if (first >= 0)
			cfg_error_add(
				sc->errs, line,
				"%s: %s is already the address of ha.peers[%d] (line %d); each "
				"node on the HA network has its own address",
				path, cfg_quote(q, sizeof(q), v), first, addr_lines[first]);
		else
			addr_lines[idx] = line;
	}
	if (cfg_get_int(sc, grp, where, "port", 1, 65535, &n))
		p->port = (uint16_t)n;
}

static void
peers_parse(struct cfg_schema *sc, const config_setting_t *list, struct cfg_node *cfg,
            bool address_ok)
{
	int id_lines[CFG_MAX_HA_PEERS] = { 0 }, addr_lines[CFG_MAX_HA_PEERS] = { 0 };
	int n;

	if (!cfg_list_check(sc, list, "ha.peers",
	                    "a list of peer groups ( { id = ...; address = ...; } ), or () for "
	                    "none"))
		return;
	n = config_setting_length(list);
	if (n > CFG_MAX_HA_PEERS) {
		cfg_error_add(sc->errs, cfg_line_of(list),
		              "ha.peers: %d peers are defined; at most %d are supported", n,
		              CFG_MAX_HA_PEERS);
		n = CFG_MAX_HA_PEERS;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned int)i);
		char where[WHERE_MAX];

		snprintf(where, sizeof(where), "ha.peers[%d]", i);
		if (el != NULL && cfg_type_check(sc, el, where, CONFIG_TYPE_GROUP,
		                                 "a group { id = ...; address = ...; }"))
			peer_parse(sc, el, (unsigned int)i, cfg, address_ok, id_lines, addr_lines);
	}
	cfg->ha.n_peers = n > 0 ? (unsigned int)n : 0;
}

static void
bandwidth_parse(struct cfg_schema *sc, const config_setting_t *root, struct cfg_ha *ha)
{
	const config_setting_t *grp;
	long long v;

	grp = cfg_get_group(sc, root, "ha", "bandwidth", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(sc, grp, "ha.bandwidth", bandwidth_keys);
	cfg_get_bool(sc, grp, "ha.bandwidth", "enabled", &ha->bandwidth.enabled);
	if (cfg_get_int(sc, grp, "ha.bandwidth", "min_bps", 1, MIN_BPS_MAX, &v))
		ha->bandwidth.min_bps = (uint64_t)v;
	cfg_get_uint(sc, grp, "ha.bandwidth", "interval_s", 1, BW_INTERVAL_S_MAX,
	             &ha->bandwidth.interval_s);
}

/* Index of the link pair called @name, or -1. */
static int
link_pair_find(const struct cfg_node *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++)
		if (strcmp(cfg->link_pairs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
vrrp_vips_parse(struct cfg_schema *sc, const config_setting_t *s, const char *where,
                struct cfg_vrrp *vr, struct vrrp_lines *vl)
{
	struct list_item items[CFG_MAX_VIPS];
	char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX];
	unsigned int n;

	cfg_path_of(path, sizeof(path), where, "vips");
	vl->vips = cfg_line_of(s);
	n = string_list_get(sc, s, path, CFG_MAX_VIPS,
	                    "[ \"198.51.100.100/24\", \"2001:db8::100/64\" ]", items);
	for (unsigned int i = 0; i < n; i++) {
		const struct list_item *it = &items[i];
		struct cfg_ifaddr vip;
		bool dup = false;
		if (!addr_check(sc, it->line, it->path, it->v, ADDR_IFACE, &vip))
			continue;
		for (unsigned int j = 0; j < vr->n_vips && !dup; j++)
			dup = ifaddr_same_host(&vr->vips[j], &vip);
		if (dup) {
			cfg_error_add(sc->errs, it->line,
			              "%s: %s is listed twice; give each "
			              "vip once",
			              it->path, cfg_quote(q, sizeof(q), it->v));
			continue;
		}
		/* Both families in one list make two virtual routers on the wire, one per
		 * family (RFC 9568 section 1); the coordinator runs them as two instances. */
		vr->family = vr->n_vips == 0 || vr->family == vip.family ? vip.family : 0;
		vl->vip_line[vr->n_vips] = it->line;
		vr->vips[vr->n_vips++] = vip;
	}
}

static void
vrrp_parse(struct cfg_schema *sc, const config_setting_t *grp, unsigned int idx,
           struct cfg_node *cfg, struct vrrp_lines *vl)
{
	struct cfg_vrrp *vr = &cfg->ha.vrrp[idx];
	char where[WHERE_MAX], path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX], names[CFG_LIST_MAX] = "";
	const config_setting_t *s;
	const char *v;
	long long n;
	int k, line = 0;

	snprintf(where, sizeof(where), "ha.vrrp[%u]", idx);
	vr->line = vl->group = cfg_line_of(grp);
	cfg_check_keys(sc, grp, where, vrrp_keys);

	s = cfg_member(sc, grp, where, "vrid",
	               "give the virtual router id shared with the other routers, e.g. vrid = 51;");
	vl->vrid = cfg_line_of(s);
	if (s != NULL &&
	    cfg_int_value(sc, s, cfg_path_of(path, sizeof(path), where, "vrid"), 1, 255, &n)) {
		vr->vrid = (uint8_t)n;
		vl->vrid_ok = true;
	}
	v = cfg_get_string(sc, grp, where, "link_pair",
	                   "name the link pair the instance runs on, e.g. link_pair = \"lp0\";",
	                   &line);
	vl->link_pair = line;
	if (v != NULL) {
		int lp = link_pair_find(cfg, v);

		if (lp >= 0) {
			vr->link_pair = (unsigned int)lp;
			vl->link_pair_ok = true;
		} else if (cfg->n_link_pairs > 0) {
			for (unsigned int i = 0; i < cfg->n_link_pairs; i++)
				cfg_list_append(names, sizeof(names), cfg->link_pairs[i].name);
			cfg_error_add(sc->errs, line,
			              "%s: no link pair named %s (link pairs are: %s)",
			              cfg_path_of(path, sizeof(path), where, "link_pair"),
			              cfg_quote(q, sizeof(q), v), names);
		}
	}
	if (keyword_get(sc, grp, where, "side", side_names, &k, &line))
		vr->side = (enum cfg_side)k;
	s = config_setting_get_member(grp, "priority");
	vl->priority = s != NULL ? cfg_line_of(s) : vl->group;
	if (cfg_get_int(sc, grp, where, "priority", 1, 255, &n))
		vr->priority = (uint8_t)n;
	s = config_setting_get_member(grp, "advert_interval_ms");
	if (s != NULL && cfg_get_int(sc, grp, where, "advert_interval_ms", VRRP_ADVERT_MS_MIN,
	                             VRRP_ADVERT_MS_MAX, &n)) {
		if (n % 10 != 0)
			cfg_error_add(sc->errs, cfg_line_of(s),
			              "%s: %lld is not a multiple of 10; the advert carries the "
			              "interval in centiseconds, so allowed are 10, 20, ... %d",
			              cfg_path_of(path, sizeof(path), where, "advert_interval_ms"),
			              n, VRRP_ADVERT_MS_MAX);
		else
			vr->advert_interval_ms = (unsigned int)n;
	}
	cfg_get_bool(sc, grp, where, "preempt", &vr->preempt);
	cfg_get_uint(sc, grp, where, "preempt_delay_s", 0, VRRP_PREEMPT_DELAY_S_MAX,
	             &vr->preempt_delay_s);
	if (!vr->preempt && vr->preempt_delay_s > 0)
		cfg_error_add(
			sc->errs, cfg_line_of(config_setting_get_member(grp, "preempt_delay_s")),
			"%s: a preempt delay means nothing with preempt = false; remove it or "
			"set preempt = true",
			cfg_path_of(path, sizeof(path), where, "preempt_delay_s"));
	cfg_get_bool(sc, grp, where, "accept", &vr->accept);
	s = config_setting_get_member(grp, "version");
	cfg_path_of(path, sizeof(path), where, "version");
	if (s != NULL && cfg_type_check(sc, s, path, CONFIG_TYPE_INT, "3 (VRRPv3)") &&
	    !cfg_text_wrapped_has(&sc->wrapped, s) && config_setting_get_int64(s) != 3)
		cfg_error_add(
			sc->errs, cfg_line_of(s),
			"%s: version %lld is not supported; only VRRPv3 (RFC 9568) is, so set "
			"version = 3 or leave it out (keepalived: vrrp_version 3)",
			path, (long long)config_setting_get_int64(s));
	if (keyword_get(sc, grp, where, "checksum", checksum_names, &k, &line))
		vr->checksum = (enum cfg_vrrp_checksum)k;
	s = cfg_member(sc, grp, where, "vips",
	               "list the virtual addresses, e.g. vips = [ \"198.51.100.100/24\" ];");
	if (s != NULL)
		vrrp_vips_parse(sc, s, where, vr, vl);
}

/*
 * Who owns the addresses (RFC 9568 section 5.2.4): on an l3 link pair the node owns the
 * addresses of its side, and an instance whose VIPs are among them runs at priority 255; on
 * an l2 link pair the node owns no address. A VIP of an l3 link pair is on one of its side's
 * subnets, or the neighbours could not resolve it.
 */
static void
vrrp_owner_check(struct cfg_schema *sc, const struct cfg_node *cfg, unsigned int idx,
                 const struct vrrp_lines *vl)
{
	const struct cfg_vrrp *vr = &cfg->ha.vrrp[idx];
	const struct cfg_link_pair *lp = &cfg->link_pairs[vr->link_pair];
	const struct cfg_pair_side *side = &lp->side[vr->side];
	char a[ADDR_TEXT_MAX];
	unsigned int owned = 0;
	int not_owned = -1;

	if (lp->mode == CFG_PAIR_L3 && side->n_addrs == 0)
		return; /* the missing addresses are reported already */
	if (lp->mode == CFG_PAIR_L2) {
		if (vr->priority == VRRP_PRIORITY_OWNER)
			cfg_error_add(
				sc->errs, vl->priority,
				"ha.vrrp[%u].priority: 255 is reserved for the owner of the "
				"vips, and a node owns no address on an l2 link pair (%s); use "
				"1 to 254",
				idx, lp->name);
		return;
	}
	for (unsigned int i = 0; i < vr->n_vips; i++) {
		bool own = false, on_link = false;

		for (unsigned int j = 0; j < side->n_addrs; j++) {
			if (side->addrs[j].family != vr->vips[i].family)
				continue;
			own |= ifaddr_same_host(&side->addrs[j], &vr->vips[i]);
			on_link |= cfg_ifaddr_contains(&side->addrs[j], vr->vips[i].addr);
		}
		if (own) {
			owned++;
			if (vr->priority != VRRP_PRIORITY_OWNER) {
				cfg_ifaddr_format(&vr->vips[i], false, a, sizeof(a));
				cfg_error_add(
					sc->errs, vl->vip_line[i],
					"ha.vrrp[%u].vips: %s is this node's own address on "
					"link pair %s (%s_address), which makes the node its "
					"owner: set priority = 255, or use another address as "
					"the vip",
					idx, a, lp->name, side_names[vr->side]);
			}
			continue;
		}
		if (not_owned < 0)
			not_owned = (int)i;
		if (!on_link && !ifaddr_link_local(&vr->vips[i]) && side->n_addrs > 0) {
			cfg_ifaddr_format(&vr->vips[i], false, a, sizeof(a));
			cfg_error_add(
				sc->errs, vl->vip_line[i],
				"ha.vrrp[%u].vips: %s is on none of the subnets of link pair "
				"%s's %s side (%s_address); the neighbours could not reach it",
				idx, a, lp->name, side_names[vr->side], side_names[vr->side]);
		}
	}
	if (vr->priority == VRRP_PRIORITY_OWNER && not_owned >= 0) {
		cfg_ifaddr_format(&vr->vips[not_owned], false, a, sizeof(a));
		cfg_error_add(
			sc->errs, vl->priority,
			"ha.vrrp[%u].priority: 255 is reserved for the owner of the vips, but "
			"%s is not an address of link pair %s (%s_address); use 1 to 254",
			idx, a, lp->name, side_names[vr->side]);
	}
}

/* Do two instances run a family in common? Family 0 is both. */
static bool
families_overlap(const struct cfg_vrrp *a, const struct cfg_vrrp *b)
{
	return a->family == 0 || b->family == 0 || a->family == b->family;
}

/* VRIDs are unique per (link pair, side, family); a VIP belongs to one instance. */
static void
vrrp_cross_check(struct cfg_schema *sc, const struct cfg_node *cfg, const struct vrrp_lines *vl)
{
	const struct cfg_ha *ha = &cfg->ha;
	char a[ADDR_TEXT_MAX];

	for (unsigned int i = 0; i < ha->n_vrrp; i++) {
		const struct cfg_vrrp *vr = &ha->vrrp[i];

		if (vl[i].vrid_ok && vl[i].link_pair_ok && vr->n_vips > 0) {
			for (unsigned int j = 0; j < i; j++) {
				const struct cfg_vrrp *o = &ha->vrrp[j];

				if (!vl[j].vrid_ok || !vl[j].link_pair_ok || o->vrid != vr->vrid ||
				    o->link_pair != vr->link_pair || o->side != vr->side ||
				    o->n_vips == 0 || !families_overlap(o, vr))
					continue;
				cfg_error_add(
					sc->errs, vl[i].vrid,
					"ha.vrrp[%u].vrid: %u is already used by ha.vrrp[%u] "
					"(line %d) on the %s side of link pair %s for IPv%u; a "
					"vrid is unique per link pair, side and family",
					i, vr->vrid, j, vl[j].vrid, side_names[vr->side],
					cfg->link_pairs[vr->link_pair].name,
					vr->family != 0  ? vr->family
					: o->family != 0 ? o->family
							 : 4);
				break;
			}
		}
		for (unsigned int v = 0; v < vr->n_vips; v++) {
			bool dup = false;

			for (unsigned int j = 0; j < i && !dup; j++) {
				for (unsigned int w = 0; w < ha->vrrp[j].n_vips && !dup; w++) {
					if (!ifaddr_same_host(&vr->vips[v], &ha->vrrp[j].vips[w]))
						continue;
					dup = true;
					cfg_ifaddr_format(&vr->vips[v], false, a, sizeof(a));
					cfg_error_add(
						sc->errs, vl[i].vip_line[v],
						"ha.vrrp[%u].vips: %s is already a vip of "
						"ha.vrrp[%u] (line %d); an address belongs to "
						"one instance",
						i, a, j, vl[j].vip_line[w]);
				}
			}
		}
		if (vl[i].link_pair_ok && vr->n_vips > 0)
			vrrp_owner_check(sc, cfg, i, &vl[i]);
	}
}

static void
vrrps_parse(struct cfg_schema *sc, const config_setting_t *list, struct cfg_node *cfg)
{
	struct vrrp_lines vl[CFG_MAX_VRRP];
	int n;

	memset(vl, 0, sizeof(vl));
	if (!cfg_list_check(sc, list, "ha.vrrp",
	                    "a list of instance groups ( { vrid = ...; link_pair = ...; vips = "
	                    "[...]; } )"))
		return;
	n = config_setting_length(list);
	if (n > CFG_MAX_VRRP) {
		cfg_error_add(sc->errs, cfg_line_of(list),
		              "ha.vrrp: %d instances are defined; at most %d are supported", n,
		              CFG_MAX_VRRP);
		n = CFG_MAX_VRRP;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned int)i);
		char where[WHERE_MAX];

		snprintf(where, sizeof(where), "ha.vrrp[%d]", i);
		if (el != NULL && cfg_type_check(sc, el, where, CONFIG_TYPE_GROUP,
		                                 "a group { vrid = ...; link_pair = ...; vips = "
		                                 "[...]; }"))
			vrrp_parse(sc, el, (unsigned int)i, cfg, &vl[i]);
	}
	cfg->ha.n_vrrp = n > 0 ? (unsigned int)n : 0;
	vrrp_cross_check(sc, cfg, vl);
}

void
cfg_ha_parse(struct cfg_schema *sc, const config_setting_t *root, struct cfg_node *cfg)
{
	struct cfg_ha *ha = &cfg->ha;
	const config_setting_t *grp, *s;
	char q[CFG_QUOTE_MAX];
	bool address_ok = false;
	const char *v;
	long long n;
	int k, line = 0, mode_line;

	grp = cfg_get_group(sc, root, NULL, "ha", NULL);
	if (grp == NULL)
		return;
	ha->enabled = true;
	mode_line = cfg_line_of(grp);
	cfg_check_keys(sc, grp, "ha", ha_keys);
	if (keyword_get(sc, grp, "ha", "mode", ha_mode_names, &k, &line)) {
		ha->mode = (enum cfg_ha_mode)k;
		mode_line = line;
	}
	cfg_get_bool(sc, grp, "ha", "primary", &ha->primary);
	v = cfg_get_string(sc, grp, "ha", "address",
	                   "give this node's address on the HA network, e.g. address = "
	                   "\"203.0.113.11\";",
	                   &line);
	if (v != NULL)
		address_ok = addr_check(sc, line, "ha.address", v, ADDR_HA, &ha->address);
	if (cfg_get_int(sc, grp, "ha", "port", 1, 65535, &n))
		ha->port = (uint16_t)n;
	cfg_get_uint(sc, grp, "ha", "peer_check_interval_ms", 1, PEER_CHECK_MS_MAX,
	             &ha->peer_check_interval_ms);
	cfg_get_uint(sc, grp, "ha", "peer_failure_threshold", 1, THRESHOLD_MAX,
	             &ha->peer_failure_threshold);
	cfg_get_uint(sc, grp, "ha", "peer_recovery_threshold", 1, THRESHOLD_MAX,
	             &ha->peer_recovery_threshold);
	cfg_get_uint(sc, grp, "ha", "max_flaps", 0, MAX_FLAPS_MAX, &ha->max_flaps);
	cfg_get_uint(sc, grp, "ha", "flap_window_s", 1, FLAP_WINDOW_S_MAX, &ha->flap_window_s);
	bandwidth_parse(sc, grp, ha);
	cfg_get_uint(sc, grp, "ha", "link_monitor_interval_ms", LINK_MONITOR_MS_MIN,
	             LINK_MONITOR_MS_MAX, &ha->link_monitor_interval_ms);
	s = config_setting_get_member(grp, "min_active_links");
	if (s != NULL &&
	    cfg_get_int(sc, grp, "ha", "min_active_links", 0, CFG_MAX_LINK_PAIRS, &n)) {
		if (cfg->n_link_pairs > 0 && (unsigned int)n > cfg->n_link_pairs)
			cfg_error_add(sc->errs, cfg_line_of(s),
			              "ha.min_active_links: %lld is more than the %u link pair%s "
			              "defined, so the node would always mark itself down; allowed "
			              "0 to %u",
			              n, cfg->n_link_pairs, cfg->n_link_pairs == 1 ? "" : "s",
			              cfg->n_link_pairs);
		else
			ha->min_active_links = (unsigned int)n;
	}
	if (config_setting_get_member(grp, "notify") != NULL)
		abs_path_get(sc, grp, "ha", "notify", sizeof(ha->notify), 0, ha->notify, &line);
	cfg_get_bool(sc, grp, "ha", "allow_simulation", &ha->allow_simulation);
	s = config_setting_get_member(grp, "peers");
	if (s != NULL)
		peers_parse(sc, s, cfg, address_ok);
	s = config_setting_get_member(grp, "vrrp");
	if (s != NULL)
		vrrps_parse(sc, s, cfg);
	if (ha->mode == CFG_HA_ACTIVE_PASSIVE &&
	    (s == NULL || ((config_setting_type(s) == CONFIG_TYPE_LIST ||
	                    config_setting_type(s) == CONFIG_TYPE_ARRAY) &&
	                   config_setting_length(s) == 0)))
		cfg_error_add(sc->errs, s != NULL ? cfg_line_of(s) : mode_line,
		              "ha: mode %s needs at least one vrrp instance to decide which node "
		              "is active, e.g. vrrp = ( { vrid = 51; link_pair = \"lp0\"; vips = "
		              "[ \"198.51.100.100/24\" ]; } );",
		              cfg_quote(q, sizeof(q), ha_mode_names[ha->mode]));
}

/*
 * The bypass group.
 */

static void
sysfs_value_get(struct cfg_schema *sc, const config_setting_t *grp, const char *key, char *out,
                size_t size)
{
	char path[CFG_KEY_PATH_MAX];
	const char *v;
	int line = 0;

	v = cfg_get_string(sc, grp, "bypass.sysfs", key, NULL, &line);
	if (v == NULL)
		return;
	cfg_path_of(path, sizeof(path), "bypass.sysfs", key);
	if (!cfg_printable_check(sc, line, path, v))
		return;
	if (v[0] == '\0' || strlen(v) >= size) {
		cfg_error_add(sc->errs, line,
		              "%s: the value written to the file must be 1 to %zu characters long",
		              path, size - 1);
		return;
	}
	snprintf(out, size, "%s", v);
}

static void
sysfs_parse(struct cfg_schema *sc, const config_setting_t *grp, struct cfg_bypass *b,
            int *bypass_path_line)
{
	const char *w = "bypass.sysfs";
	char q[CFG_QUOTE_MAX];
	int line = 0;

	cfg_check_keys(sc, grp, w, sysfs_keys);
	if (config_setting_get_member(grp, "bypass_path") != NULL &&
	    abs_path_get(sc, grp, w, "bypass_path", sizeof(b->sysfs.bypass_path), 0,
	                 b->sysfs.bypass_path, &line))
		*bypass_path_line = line;
	sysfs_value_get(sc, grp, "bypass_on", b->sysfs.bypass_on, sizeof(b->sysfs.bypass_on));
	sysfs_value_get(sc, grp, "bypass_off", b->sysfs.bypass_off, sizeof(b->sysfs.bypass_off));
	if (config_setting_get_member(grp, "disconnect_path") != NULL)
		abs_path_get(sc, grp, w, "disconnect_path", sizeof(b->sysfs.disconnect_path), 0,
		             b->sysfs.disconnect_path, &line);
	sysfs_value_get(sc, grp, "disconnect_on", b->sysfs.disconnect_on,
	                sizeof(b->sysfs.disconnect_on));
	sysfs_value_get(sc, grp, "disconnect_off", b->sysfs.disconnect_off,
	                sizeof(b->sysfs.disconnect_off));
	if (config_setting_get_member(grp, "watchdog_path") != NULL)
		abs_path_get(sc, grp, w, "watchdog_path", sizeof(b->sysfs.watchdog_path), 0,
		             b->sysfs.watchdog_path, &line);
	sysfs_value_get(sc, grp, "watchdog_kick", b->sysfs.watchdog_kick,
	                sizeof(b->sysfs.watchdog_kick));
	/* With one value for both states the relay could never be switched. */
	if (strcmp(b->sysfs.bypass_on, b->sysfs.bypass_off) == 0)
		cfg_error_add(
			sc->errs, cfg_line_of(grp),
			"bypass.sysfs: bypass_on and bypass_off are both %s; they must differ",
			cfg_quote(q, sizeof(q), b->sysfs.bypass_on));
	if (strcmp(b->sysfs.disconnect_on, b->sysfs.disconnect_off) == 0)
		cfg_error_add(sc->errs, cfg_line_of(grp),
		              "bypass.sysfs: disconnect_on and disconnect_off are both %s; they "
		              "must differ",
		              cfg_quote(q, sizeof(q), b->sysfs.disconnect_on));
}

/* The XDP driver attaches to each port's kernel interface: every port must have one. */
static void
xdp_ports_check(struct cfg_schema *sc, const struct cfg_node *cfg, int driver_line)
{
	char iface[CFG_MAX_PORTS][CFG_NAME_MAX];
	char q[CFG_QUOTE_MAX], q2[CFG_QUOTE_MAX];

	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		bool xdp_vdev = false;
		int rc;

		iface[i][0] = '\0';
		if (p->device[0] == '\0')
			continue; /* reported already */
		for (const char *const *d = xdp_vdev_drivers; *d != NULL; d++)
			xdp_vdev |= strncmp(p->device, *d, strlen(*d)) == 0;
		if (!xdp_vdev) {
			cfg_error_add(sc->errs, p->line,
			              "ports[%u]: bypass.driver \"xdp\" (line %d) attaches to the "
			              "kernel interface of every port, so port %s must be a "
			              "net_af_packet or net_af_xdp device with iface=..., not %s",
			              i, driver_line, cfg_quote(q, sizeof(q), p->name),
			              cfg_quote(q2, sizeof(q2), p->device));
			continue;
		}
		rc = cfg_port_iface(p, iface[i], sizeof(iface[i]));
		if (rc == -ENOENT) {
			cfg_error_add(
				sc->errs, p->line,
				"ports[%u]: bypass.driver \"xdp\" (line %d) attaches to the "
				"kernel interface of every port, but the device %s of port %s "
				"names none; add iface=<interface>",
				i, driver_line, cfg_quote(q, sizeof(q), p->device),
				cfg_quote(q2, sizeof(q2), p->name));
			continue;
		}
		if (rc < 0 || strlen(iface[i]) > IFNAME_MAX || strchr(iface[i], '/') != NULL ||
		    strcmp(iface[i], ".") == 0 || strcmp(iface[i], "..") == 0) {
			cfg_error_add(
				sc->errs, p->line,
				"ports[%u]: the device %s names an interface that cannot exist; "
				"a Linux interface name is 1 to %d characters without '/'",
				i, cfg_quote(q, sizeof(q), p->device), IFNAME_MAX);
			iface[i][0] = '\0';
			continue;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (strcmp(iface[i], iface[j]) != 0)
				continue;
			cfg_error_add(sc->errs, p->line,
			              "ports[%u]: interface %s is also the interface of ports[%u] "
			              "%s (line %d); each port needs its own interface",
			              i, cfg_quote(q, sizeof(q), iface[i]), j,
			              cfg_quote(q2, sizeof(q2), cfg->ports[j].name),
			              cfg->ports[j].line);
			break;
		}
	}
}

/* An 82599 bypass adapter's relay wires its own two ports together, so the two ports of each
 * link pair must be the two functions of one PCI device. */
static void
ixgbe_ports_check(struct cfg_schema *sc, const struct cfg_node *cfg, int driver_line)
{
	char q[CFG_QUOTE_MAX], q2[CFG_QUOTE_MAX];

	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];
		const struct cfg_port *ports[2] = { &cfg->ports[lp->upstream],
			                            &cfg->ports[lp->protected] };
		struct cfg_pci_addr a[2];
		bool pci = true;

		for (unsigned int s = 0; s < 2; s++) {
			if (ports[s]->device[0] == '\0' || cfg_port_pci(ports[s], &a[s]) == 0)
				continue;
			cfg_error_add(sc->errs, lp->line,
			              "link_pairs[%u]: bypass.driver \"ixgbe\" (line %d) drives a "
			              "bypass adapter's PCI ports, and port %s is %s, not a PCI "
			              "address",
			              i, driver_line, cfg_quote(q, sizeof(q), ports[s]->name),
			              cfg_quote(q2, sizeof(q2), ports[s]->device));
			pci = false;
		}
		if (!pci || ports[0]->device[0] == '\0' || ports[1]->device[0] == '\0')
			continue;
		if (a[0].domain != a[1].domain || a[0].bus != a[1].bus ||
		    a[0].device != a[1].device || a[0].function == a[1].function)
			cfg_error_add(
				sc->errs, lp->line,
				"link_pairs[%u]: bypass.driver \"ixgbe\" (line %d): ports %s "
				"(%s) and %s (%s) are not the two ports of one adapter, whose "
				"relay wires only its own ports together: they must be two "
				"functions of the same PCI device",
				i, driver_line, ports[0]->name, ports[0]->device, ports[1]->name,
				ports[1]->device);
	}
}

void
cfg_bypass_parse(struct cfg_schema *sc, const config_setting_t *root, struct cfg_node *cfg)
{
	struct cfg_bypass *b = &cfg->bypass;
	const config_setting_t *grp, *s;
	int k, line = 0, driver_line, watchdog_line, bypass_path_line = 0;
	long long n;

	grp = cfg_get_group(sc, root, NULL, "bypass", NULL);
	if (grp == NULL)
		return;
	driver_line = watchdog_line = cfg_line_of(grp);
	cfg_check_keys(sc, grp, "bypass", bypass_keys);
	if (keyword_get(sc, grp, "bypass", "driver", driver_names, &k, &line)) {
		b->driver = (enum cfg_bypass_driver)k;
		driver_line = line;
	}
	s = config_setting_get_member(grp, "watchdog_ms");
	if (s != NULL && cfg_int_value(sc, s, "bypass.watchdog_ms", 0, WATCHDOG_MS_MAX, &n)) {
		watchdog_line = cfg_line_of(s);
		if (n > 0 && n < WATCHDOG_MS_MIN)
			cfg_error_add(sc->errs, watchdog_line,
			              "bypass.watchdog_ms: %lld is too short to be fed reliably; "
			              "allowed 0 (no watchdog) or %d to %d",
			              n, WATCHDOG_MS_MIN, WATCHDOG_MS_MAX);
		else
			b->watchdog_ms = (unsigned int)n;
	}
	if (keyword_get(sc, grp, "bypass", "on_start", on_start_names, &k, &line))
		b->start_in_bypass = k == 0;
	if (keyword_get(sc, grp, "bypass", "on_stop", on_stop_names, &k, &line))
		b->on_stop = (enum cfg_bypass_on_stop)k;
	if (keyword_get(sc, grp, "bypass", "rearm", rearm_names, &k, &line))
		b->rearm_auto = k == 1;
	cfg_get_uint(sc, grp, "bypass", "rearm_after_s", 0, REARM_AFTER_S_MAX, &b->rearm_after_s);
	cfg_get_bool(sc, grp, "bypass", "on_link_failure", &b->on_link_failure);
	if (config_setting_get_member(grp, "pin_path") != NULL)
		abs_path_get(sc, grp, "bypass", "pin_path", sizeof(b->pin_path),
		             strlen(cfg->node.id) + 1, b->pin_path, &line);
	s = cfg_get_group(sc, grp, "bypass", "sysfs", NULL);
	if (s != NULL)
		sysfs_parse(sc, s, b, &bypass_path_line);

	if (b->driver == CFG_BYPASS_SYSFS && bypass_path_line == 0 &&
	    (s == NULL || config_setting_get_member(s, "bypass_path") == NULL))
		cfg_error_add(sc->errs, driver_line,
		              "bypass.driver: \"sysfs\" needs sysfs.bypass_path, the file that "
		              "switches the bypass relay, e.g. sysfs = { bypass_path = "
		              "\"/sys/class/gpio/gpio17/value\"; };");
	if (b->driver == CFG_BYPASS_XDP)
		xdp_ports_check(sc, cfg, driver_line);
	if (b->driver == CFG_BYPASS_IXGBE) {
		ixgbe_ports_check(sc, cfg, driver_line);
		if (b->watchdog_ms > IXGBE_WATCHDOG_MS_MAX)
			cfg_error_add(
				sc->errs, watchdog_line,
				"bypass.watchdog_ms: %u ms is longer than the ixgbe bypass "
				"adapter's longest watchdog (%d ms); its steps are 1500, 2000, "
				"3000, 4000, 8000, 16000 and %d ms",
				b->watchdog_ms, IXGBE_WATCHDOG_MS_MAX, IXGBE_WATCHDOG_MS_MAX);
	}
	/* A worker that sleeps when idle must still go round its loop between two feeds. */
	if (b->driver != CFG_BYPASS_NONE && b->watchdog_ms > 0 &&
	    (unsigned long long)cfg->workers.idle_sleep_us * HEARTBEATS_PER_WATCHDOG >
	            (unsigned long long)b->watchdog_ms * 1000)
		cfg_error_add(sc->errs, watchdog_line,
		              "bypass.watchdog_ms: %u ms is too short for workers.idle_sleep_us = "
		              "%u: an idle worker would look wedged and engage the bypass; keep "
		              "idle_sleep_us at most watchdog_ms * 1000 / %d (%u), or set "
		              "watchdog_ms to at least %u, or 0 for no watchdog",
		              b->watchdog_ms, cfg->workers.idle_sleep_us, HEARTBEATS_PER_WATCHDOG,
		              b->watchdog_ms * 1000 / HEARTBEATS_PER_WATCHDOG,
		              (cfg->workers.idle_sleep_us * HEARTBEATS_PER_WATCHDOG + 999) / 1000);
}

/*
 * Defaults.
 */

void
cfg_ha_defaults(struct cfg_ha *ha)
{
	memset(ha, 0, sizeof(*ha));
	ha->mode = CFG_HA_ACTIVE_PASSIVE;
	ha->primary = false;
	ha->port = HA_PORT_DEFAULT;
	for (unsigned int i = 0; i < CFG_MAX_HA_PEERS; i++)
		ha->peers[i].port = HA_PORT_DEFAULT;
	ha->peer_check_interval_ms = 100;
	ha->peer_failure_threshold = 3;
	ha->peer_recovery_threshold = 5;
	ha->max_flaps = 6;
	ha->flap_window_s = 60;
	ha->bandwidth.enabled = false;
	ha->bandwidth.min_bps = 1024;
	ha->bandwidth.interval_s = 10;
	ha->link_monitor_interval_ms = 100;
	ha->min_active_links = 1;
	for (unsigned int i = 0; i < CFG_MAX_VRRP; i++) {
		struct cfg_vrrp *vr = &ha->vrrp[i];

		vr->side = CFG_SIDE_UPSTREAM;
		vr->priority = VRRP_PRIORITY_DEFAULT;
		vr->advert_interval_ms = VRRP_ADVERT_MS_DEFAULT;
		vr->preempt = true;
		vr->preempt_delay_s = 0;
		vr->accept = false;
		vr->version = 3;
		vr->checksum = CFG_VRRP_CSUM_RFC;
	}
	ha->notify[0] = '\0';
	ha->allow_simulation = false;
}

void
cfg_bypass_defaults(struct cfg_bypass *b)
{
	memset(b, 0, sizeof(*b));
	b->driver = CFG_BYPASS_NONE;
	b->watchdog_ms = WATCHDOG_MS_DEFAULT;
	b->start_in_bypass = true;
	b->on_stop = CFG_ON_STOP_BYPASS;
	b->rearm_auto = false;
	b->rearm_after_s = REARM_AFTER_S_DEFAULT;
	b->on_link_failure = false;
	snprintf(b->pin_path, sizeof(b->pin_path), "%s", PIN_PATH_DEFAULT);
	snprintf(b->sysfs.bypass_on, sizeof(b->sysfs.bypass_on), "1");
	snprintf(b->sysfs.bypass_off, sizeof(b->sysfs.bypass_off), "0");
	snprintf(b->sysfs.disconnect_on, sizeof(b->sysfs.disconnect_on), "1");
	snprintf(b->sysfs.disconnect_off, sizeof(b->sysfs.disconnect_off), "0");
	snprintf(b->sysfs.watchdog_kick, sizeof(b->sysfs.watchdog_kick), "1");
}
