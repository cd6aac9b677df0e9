/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON views of the node: status, ports, stats, and the mitigation pipeline's policy, rules,
 * drops and blocklist. The control socket and rte_telemetry both serve these, so the two never
 * disagree. The views only read: the config is immutable and the dataplane counters are read
 * with relaxed atomic loads, so they may run on the control thread or on the telemetry thread.
 * The running policy and the blocklist are read under ctl_dp_lock(), which whoever changes
 * them holds.
 *
 * The commands that change things (policy.load, blocklist.add...) are here too: they check
 * every argument, call the dataplane and say in one sentence what was wrong.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ether.h>

#include "byp.h"
#include "cfg.h"
#include "ctl.h"
#include "dp.h"
#include "ha.h"
#include "ctl_priv.h"

static json_t *
counters_json(const struct dp_port_counters *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "rx_packets", (json_int_t)c->rx_packets,
	                 "rx_bytes", (json_int_t)c->rx_bytes, "tx_packets",
	                 (json_int_t)c->tx_packets, "tx_bytes", (json_int_t)c->tx_bytes, "tx_drops",
	                 (json_int_t)c->tx_drops);
}

static const char *
link_word(const struct ctl_node *node, unsigned int pidx)
{
	struct dp_link link;

	if (dp_port_link_get(node->dp, pidx, &link) < 0)
		return "unknown";
	return link.up ? "up" : "down";
}

json_t *
ctl_view_status(const struct ctl_node *node)
{
	const struct cfg_node *cfg = node->cfg;
	json_t *workers = json_array(), *pairs = json_array(), *st, *control;
	struct ctl_server_stats cs = { 0 };

	for (unsigned int w = 0; w < node->dp->n_workers; w++) {
		const struct dp_worker *wk = node->dp->workers[w];
		struct dp_port_counters c;
		json_t *queues = json_array();

		for (unsigned int b = 0; b < wk->n_bindings; b++)
			json_array_append_new(queues,
			                      json_pack("{s:s, s:i}", "port",
			                                cfg->ports[wk->bindings[b].rx_index].name,
			                                "queue", wk->bindings[b].rx_queue));
		dp_worker_counters_get(node->dp, w, &c);
		json_array_append_new(workers, json_pack("{s:i, s:o, s:I, s:I, s:I, s:i}", "lcore",
		                                         wk->lcore, "rx_queues", queues, "loops",
		                                         (json_int_t)dp_worker_loops(node->dp, w),
		                                         "rx_packets", (json_int_t)c.rx_packets,
		                                         "tx_packets", (json_int_t)c.tx_packets,
		                                         "idle_sleep_us", wk->idle_sleep_us));
	}
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];
		const char *up = link_word(node, lp->upstream);
		const char *down = link_word(node, lp->protected);
		bool fwd = strcmp(up, "up") == 0 && strcmp(down, "up") == 0;

		json_array_append_new(pairs,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", lp->name,
		                                "upstream", cfg->ports[lp->upstream].name,
		                                "protected", cfg->ports[lp->protected].name,
		                                "upstream_link", up, "protected_link", down,
		                                "state", fwd ? "forwarding" : "link-down"));
	}
	if (node->srv != NULL)
		ctl_server_stats_get(node->srv, &cs);
	control = json_pack("{s:s, s:I, s:I, s:I, s:I}", "socket", cfg->control.socket, "requests",
	                    (json_int_t)cs.requests, "errors", (json_int_t)cs.errors, "refused",
	                    (json_int_t)cs.refused, "malformed", (json_int_t)cs.malformed);
	st = json_pack("{s:s, s:s, s:s, s:i, s:f, s:I, s:i, s:s, s:o, s:o, s:o, s:{s:s}, s:o}",
	               "node_id", cfg->node.id, "stack", cfg->node.stack, "version", RP_VERSION,
	               "pid", (int)getpid(), "uptime_s", dp_uptime(node->dp), "started_at",
	               (json_int_t)node->started, "main_lcore", cfg->dpdk.main_lcore, "file_prefix",
	               cfg->dpdk.file_prefix, "control", control, "workers", workers, "link_pairs",
	               pairs, "ha", "role", ctl_ha_role(node), "bypass",
	               ctl_view_bypass_brief(node));
	return st;
}

json_t *
ctl_view_ports(const struct ctl_node *node)
{
	const struct cfg_node *cfg = node->cfg;
	json_t *ports = json_array();

	for (unsigned int i = 0; i < node->dp->n_ports; i++) {
		const struct dp_port *p = &node->dp->ports[i];
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		struct dp_port_counters c;
		struct dp_hw_stats hw = { 0 };
		struct dp_link link = { 0 };
		bool have_link = dp_port_link_get(node->dp, i, &link) == 0;
		json_t *o, *hwj;

		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		dp_port_counters_get(node->dp, i, &c);
		dp_port_hw_stats_get(node->dp, i, &hw);
		o = counters_json(&c);
		hwj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "ipackets",
		                (json_int_t)hw.ipackets, "opackets", (json_int_t)hw.opackets,
		                "ibytes", (json_int_t)hw.ibytes, "obytes", (json_int_t)hw.obytes,
		                "imissed", (json_int_t)hw.imissed, "ierrors",
		                (json_int_t)hw.ierrors, "oerrors", (json_int_t)hw.oerrors,
		                "rx_nombuf", (json_int_t)hw.rx_nombuf);
		json_object_update_new(
			o, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:i, s:i, s:i, "
		                     "s:i, s:b, s:o}",
		                     "name", p->name, "port_id", p->port_id, "device",
		                     cfg->ports[i].device, "driver", p->driver, "mac", mac, "link",
		                     have_link ? (link.up ? "up" : "down") : "unknown",
		                     "speed_mbps", (json_int_t)link.speed_mbps, "duplex",
		                     link.full_duplex ? "full" : "half", "autoneg", link.autoneg,
		                     "rx_queues", p->n_rxq, "tx_queues", p->n_txq, "rx_desc",
		                     p->rx_desc, "tx_desc", p->tx_desc, "promiscuous",
		                     p->promiscuous, "hw", hwj));
		json_object_set_new(o, "paired_with",
		                    p->peer >= 0 ? json_string(node->dp->ports[p->peer].name)
		                                 : json_null());
		json_array_append_new(ports, o);
	}
	return json_pack("{s:o}", "ports", ports);
}

json_t *
ctl_view_stats(const struct ctl_node *node)
{
	struct dp_port_counters total = { 0 }, c;
	json_t *ports = json_array(), *workers = json_array(), *o;

	for (unsigned int i = 0; i < node->dp->n_ports; i++) {
		dp_port_counters_get(node->dp, i, &c);
		dp_port_counters_add(&total, &c);
		o = counters_json(&c);
		json_object_set_new(o, "name", json_string(node->dp->ports[i].name));
		json_array_append_new(ports, o);
	}
	for (unsigned int w = 0; w < node->dp->n_workers; w++) {
		dp_worker_counters_get(node->dp, w, &c);
		o = counters_json(&c);
		json_object_set_new(o, "lcore", json_integer(node->dp->workers[w]->lcore));
		json_array_append_new(workers, o);
	}
	return json_pack("{s:o, s:o, s:o}", "totals", counters_json(&total), "ports", ports,
	                 "workers", workers);
}

/* The control thread serves one request at a time: a handler may leave its sentence here. */
static char ctl_msg[512];

static pthread_mutex_t ctl_dp_mutex = PTHREAD_MUTEX_INITIALIZER;

void
ctl_dp_lock(void)
{
	pthread_mutex_lock(&ctl_dp_mutex);
}

void
ctl_dp_unlock(void)
{
	pthread_mutex_unlock(&ctl_dp_mutex);
}

/*
 * Refuse every member of @args that is not in @allowed (NULL-terminated, may be empty).
 * @return 0, or -EINVAL with the sentence in *@error.
 */
int
ctl_args_only(json_t *args, const char *const *allowed, const char **error)
{
	const char *key;
	size_t i, off;
	json_t *v;

	json_object_foreach(args, key, v)
	{
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		if (allowed[0] == NULL) {
			snprintf(ctl_msg, sizeof(ctl_msg), "takes no arguments (got \"%.48s\")",
			         key);
		} else {
			off = (size_t)snprintf(ctl_msg, sizeof(ctl_msg),
			                       "unknown argument \"%.48s\" (takes:", key);
			for (i = 0; allowed[i] != NULL && off < sizeof(ctl_msg); i++)
				off += (size_t)snprintf(ctl_msg + off, sizeof(ctl_msg) - off,
				                        "%s \"%s\"", i > 0 ? "," : "", allowed[i]);
			if (off < sizeof(ctl_msg))
				snprintf(ctl_msg + off, sizeof(ctl_msg) - off, ")");
		}
		*error = ctl_msg;
		return -EINVAL;
	}
	return 0;
}

/* @s as a JSON string. A string that is not valid UTF-8 (a file name, a line quoted from a
 * file) gets '?' for every non-ASCII byte rather than no string at all. */
static json_t *
str_json(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j != NULL)
		return j;
	copy = strdup(s);
	if (copy == NULL)
		return NULL;
	for (char *c = copy; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* A read-only command: one view of the node. */
struct view_binding {
	const struct ctl_node *node;
	json_t *(*view)(const struct ctl_node *node);
	const char *list; /* the array {"port": NAME} narrows to one element, or NULL */
};

/*
 * Narrow @view to the element named @name of its array @list: {list: [element]}.
 * @return 0, or -ENOENT with the port names known in @msg.
 */
static int
view_narrow(json_t *view, const char *list, const char *name, char *msg, size_t len)
{
	json_t *arr = json_object_get(view, list), *el, *keep = json_array();
	size_t i, off;

	json_array_foreach(arr, i, el)
	{
		if (strcmp(json_string_value(json_object_get(el, "name")), name) == 0)
			json_array_append(keep, el);
	}
	if (json_array_size(keep) > 0) {
		/* Node-wide parts (totals, workers) do not describe one port: drop them. */
		json_object_clear(view);
		json_object_set_new(view, list, keep);
		return 0;
	}
	json_decref(keep);
	off = (size_t)snprintf(msg, len, "no port named \"%.32s\" (ports are:", name);
	json_array_foreach(arr, i, el)
	{
		if (off < len)
			off += (size_t)snprintf(msg + off, len - off, "%s %s", i > 0 ? "," : "",
			                        json_string_value(json_object_get(el, "name")));
	}
	if (off < len)
		snprintf(msg + off, len - off, ")");
	return -ENOENT;
}

static int
handle_view(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const none[] = { NULL };
	static const char *const port_only[] = { "port", NULL };
	static char msg[512];
	const struct view_binding *vb = ctx;
	json_t *port = json_object_get(args, "port");
	int ret;

	if (port != NULL && (vb->list == NULL || !json_is_string(port))) {
		*error = vb->list == NULL ? "takes no \"port\" argument"
		                          : "\"port\" must be a port name";
		return -EINVAL;
	}
	ret = ctl_args_only(args, vb->list == NULL ? none : port_only, error);
	if (ret < 0)
		return ret;
	*data = vb->view(vb->node);
	if (*data == NULL)
		return -ENOMEM;
	if (port == NULL)
		return 0;
	ret = view_narrow(*data, vb->list, json_string_value(port), msg, sizeof(msg));
	if (ret < 0) {
		/* The control thread serves one request at a time: a static message is safe. */
		*error = msg;
		json_decref(*data);
		*data = NULL;
	}
	return ret;
}

static int
handle_shutdown(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const none[] = { NULL };
	struct ctl_node *node = ctx;
	int ret = ctl_args_only(args, none, error);

	if (ret < 0)
		return ret;
	__atomic_store_n(node->shutdown, true, __ATOMIC_RELEASE);
	*data = json_pack("{s:b}", "shutting_down", 1);
	return *data != NULL ? 0 : -ENOMEM;
}

/* Mitigation: the policy, its rules, the drop counters and the blocklist. */

static const char *
mode_name(enum cfg_policy_mode m)
{
	return m == CFG_MODE_MONITOR ? "monitor" : "enforce";
}

static const char *
action_name(enum cfg_action a)
{
	const char *s = cfg_action_name(a);

	return s != NULL ? s : "unknown";
}

/* A wall-clock time as "2026-11-21T20:36:03Z", or null when there is none. */
static json_t *
iso_time_json(time_t t)
{
	char buf[32];
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%FT%TZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_t *
policy_json(const struct dp_policy_info *pi)
{
	char file[sizeof(pi->file) + 1];
	/* Version 0 is the empty policy the node starts with: nobody loaded it. */
	time_t loaded = pi->version > 0 ? pi->loaded : 0;
	json_t *o;

	snprintf(file, sizeof(file), "%.*s", (int)sizeof(pi->file), pi->file);
	o = json_pack("{s:I, s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:I, s:I}", "version",
	              (json_int_t)pi->version, "loaded", iso_time_json(loaded), "loaded_at",
	              loaded > 0 ? json_integer((json_int_t)loaded) : json_null(), "file",
	              file[0] != '\0' ? str_json(file) : json_null(), "mode", mode_name(pi->mode),
	              "default_action", action_name(pi->default_action), "rules",
	              (json_int_t)pi->n_rules, "acl_rules", (json_int_t)pi->n_acl_rules,
	              "allow_prefixes", (json_int_t)pi->n_allow, "deny_prefixes",
	              (json_int_t)pi->n_deny);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "protections",
	                    json_pack("{s:b, s:b, s:b, s:b, s:b}", "syn_flood", pi->syn_flood,
	                              "udp_amplification", pi->udp_amplification, "icmp_flood",
	                              pi->icmp_flood, "drop_fragments", pi->drop_fragments,
	                              "auto_block", pi->auto_block));
	json_object_set_new(o, "parse_ms", json_real(pi->parse_ms));
	json_object_set_new(o, "compile_ms", json_real(pi->compile_ms));
	json_object_set_new(o, "memory_bytes",
	                    json_pack("{s:I, s:I, s:I, s:I}", "acl", (json_int_t)pi->mem_acl, "lpm",
	                              (json_int_t)pi->mem_lpm, "rules", (json_int_t)pi->mem_rules,
	                              "total", (json_int_t)pi->mem_total));
	return o;
}

json_t *
ctl_view_policy(const struct ctl_node *node)
{
	struct dp_policy_info pi;

	memset(&pi, 0, sizeof(pi));
	ctl_dp_lock();
	dp_policy_info_get(node->dp, &pi);
	ctl_dp_unlock();
	return policy_json(&pi);
}

/*
 * The rules view, of every rule or only of those named @only (when not NULL), with the
 * number of rules of the policy in *@n_rules: a policy may hold 131072 rules, and one rule's
 * JSON is cheaper than all of theirs. The counters are copied under the lock and turned into
 * JSON after it, so that the control thread does not wait for the telemetry thread's JSON.
 */
static json_t *
rules_json(const struct ctl_node *node, const char *only, uint32_t *n_rules)
{
	struct dp_rule_stats *copy = NULL, rs, *bigger;
	char name[sizeof(rs.name) + 1];
	uint32_t i, n = 0, cap = 0, *index = NULL, *ibigger;
	struct dp_policy_info pi;
	json_t *rules;
	bool failed = false;

	memset(&pi, 0, sizeof(pi));
	ctl_dp_lock();
	dp_policy_info_get(node->dp, &pi);
	for (i = 0; dp_rule_stats_get(node->dp, i, &rs) == 0; i++) {
		if (only != NULL && strncmp(rs.name, only, sizeof(rs.name)) != 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? (only != NULL ? 1 : pi.n_rules + 1) : cap * 2;
			bigger = realloc(copy, cap * sizeof(*copy));
			ibigger = realloc(index, cap * sizeof(*index));
			if (bigger != NULL)
				copy = bigger;
			if (ibigger != NULL)
				index = ibigger;
			if (bigger == NULL || ibigger == NULL) {
				failed = true;
				break;
			}
		}
		index[n] = i;
		copy[n++] = rs;
	}
	ctl_dp_unlock();
	if (n_rules != NULL)
		*n_rules = i;

	rules = failed ? NULL : json_array();
	for (uint32_t k = 0; rules != NULL && k < n; k++) {
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(copy[k].name), copy[k].name);
		json_array_append_new(rules, json_pack("{s:I, s:o, s:i, s:s, s:I, s:I, s:I}",
		                                       "index", (json_int_t)index[k], "name",
		                                       str_json(name), "line", copy[k].line,
		                                       "action", action_name(copy[k].action),
		                                       "packets", (json_int_t)copy[k].packets,
		                                       "bytes", (json_int_t)copy[k].bytes,
		                                       "dropped", (json_int_t)copy[k].dropped));
	}
	free(copy);
	free(index);
	if (rules == NULL)
		return NULL;
	return json_pack("{s:I, s:o}", "policy_version", (json_int_t)pi.version, "rules", rules);
}

json_t *
ctl_view_rules(const struct ctl_node *node)
{
	return rules_json(node, NULL, NULL);
}

static json_t *
mitigation_json(const struct dp_mitigation_counters *m)
{
	json_t *drops = json_object();
	char other[32];
	const char *name;

	for (int r = DP_DROP_NONE + 1; r < DP_DROP__MAX; r++) {
		name = dp_drop_reason_name((enum dp_drop_reason)r);
		if (name == NULL) {
			snprintf(other, sizeof(other), "reason_%d", r);
			name = other;
		}
		json_object_set_new(drops, name, json_integer((json_int_t)m->drops[r]));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "inspected",
	                 (json_int_t)m->inspected, "non_ip", (json_int_t)m->non_ip, "allow_prefix",
	                 (json_int_t)m->allow_prefix, "monitored", (json_int_t)m->monitored,
	                 "offenders", (json_int_t)m->offenders, "offenders_lost",
	                 (json_int_t)m->offenders_lost, "rate_evictions",
	                 (json_int_t)m->rate_evictions, "drops", drops);
}

json_t *
ctl_view_drops(const struct ctl_node *node)
{
	struct dp_mitigation_counters m;
	json_t *workers = json_array(), *o;
	struct dp_policy_info pi;

	memset(&pi, 0, sizeof(pi));
	ctl_dp_lock();
	dp_policy_info_get(node->dp, &pi);
	ctl_dp_unlock();
	for (unsigned int w = 0; w < node->dp->n_workers; w++) {
		memset(&m, 0, sizeof(m));
		dp_mitigation_counters_get(node->dp, (int)w, &m);
		/* The lcore first: it names the worker, as in status and stats. */
		o = json_pack("{s:i}", "lcore", node->dp->workers[w]->lcore);
		json_object_update_new(o, mitigation_json(&m));
		json_array_append_new(workers, o);
	}
	memset(&m, 0, sizeof(m));
	dp_mitigation_counters_get(node->dp, -1, &m);
	return json_pack("{s:s, s:o, s:o}", "mode", mode_name(pi.mode), "totals",
	                 mitigation_json(&m), "workers", workers);
}

/* A host prefix as the operator wrote it: "198.18.0.1", not "198.18.0.1/32". */
static void
addr_text(const struct cfg_prefix *p, char *buf, size_t len)
{
	char *slash;

	cfg_prefix_format(p, buf, len);
	slash = strchr(buf, '/');
	if (slash != NULL && p->len == (p->family == 4 ? 32 : 128))
		*slash = '\0';
}

/* Collects at most @limit blocklist entries; notes whether there were more. */
struct bl_collect {
	struct dp_blocklist_entry *e;
	unsigned int n, limit;
	bool truncated;
};

static int
bl_collect_cb(const struct dp_blocklist_entry *e, void *arg)
{
	struct bl_collect *c = arg;

	if (c->n >= c->limit) {
		c->truncated = true;
		return 1;
	}
	c->e[c->n++] = *e;
	return 0;
}

/* IPv4 before IPv6, then by address: a listing that does not move between two calls. */
static int
bl_entry_cmp(const void *a, const void *b)
{
	const struct dp_blocklist_entry *x = a, *y = b;

	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	return memcmp(x->addr.addr, y->addr.addr, sizeof(x->addr.addr));
}

json_t *
ctl_view_blocklist(const struct ctl_node *node, unsigned int limit)
{
	struct bl_collect c = { .limit = limit };
	struct dp_blocklist_stats st;
	json_t *entries, *o;
	uint32_t count, capacity;
	char addr[64];

	if (limit > CTL_BLOCKLIST_LIST_MAX)
		limit = c.limit = CTL_BLOCKLIST_LIST_MAX;
	if (limit > 0) {
		c.e = calloc(limit, sizeof(*c.e));
		if (c.e == NULL)
			return NULL;
	}
	memset(&st, 0, sizeof(st));
	ctl_dp_lock();
	count = dp_blocklist_count(node->dp);
	capacity = dp_blocklist_capacity(node->dp);
	dp_blocklist_stats_get(node->dp, &st);
	/* Without room for entries the walk is skipped: counters only, as telemetry asks. */
	if (limit > 0)
		dp_blocklist_walk(node->dp, bl_collect_cb, &c);
	else
		c.truncated = count > 0;
	ctl_dp_unlock();

	if (c.n > 1)
		qsort(c.e, c.n, sizeof(*c.e), bl_entry_cmp);
	entries = json_array();
	for (unsigned int i = 0; i < c.n; i++) {
		addr_text(&c.e[i].addr, addr, sizeof(addr));
		json_array_append_new(
			entries,
			json_pack("{s:s, s:I, s:b, s:b}", "addr", addr, "ttl_left",
		                  (json_int_t)(c.e[i].permanent ? 0 : c.e[i].ttl_left), "permanent",
		                  c.e[i].permanent, "automatic", c.e[i].automatic));
	}
	free(c.e);
	o = json_pack("{s:I, s:I, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "count",
	              (json_int_t)count, "capacity", (json_int_t)capacity, "truncated", c.truncated,
	              "entries", entries, "stats", "added", (json_int_t)st.added, "deleted",
	              (json_int_t)st.deleted, "expired", (json_int_t)st.expired, "auto_added",
	              (json_int_t)st.auto_added, "full", (json_int_t)st.full);
	return o;
}

/*
 * Every problem of @errs as "FILE:LINE: message" (or "FILE: message"), the lines
 * cfg_errors_print() writes, in {"errors": [...]}.
 */
static json_t *
errors_json(const struct cfg_errors *errs)
{
	const char *file = errs->file[0] != '\0' ? errs->file : "policy";
	json_t *lines = json_array();
	char line[CFG_PATH_MAX * 2 + CFG_ERROR_MAX + 32];

	for (unsigned int i = 0; i < errs->count && i < CFG_MAX_ERRORS; i++) {
		if (errs->err[i].line > 0)
			snprintf(line, sizeof(line), "%.*s:%d: %.*s", (int)sizeof(errs->file), file,
			         errs->err[i].line, CFG_ERROR_MAX, errs->err[i].msg);
		else
			snprintf(line, sizeof(line), "%.*s: %.*s", (int)sizeof(errs->file), file,
			         CFG_ERROR_MAX, errs->err[i].msg);
		json_array_append_new(lines, str_json(line));
	}
	if (errs->dropped > 0) {
		snprintf(line, sizeof(line), "%.*s: %u more error%s not shown",
		         (int)sizeof(errs->file), file, errs->dropped,
		         errs->dropped == 1 ? " was" : "s were");
		json_array_append_new(lines, str_json(line));
	}
	return json_pack("{s:o}", "errors", lines);
}

/* The "file" argument: an absolute path the daemon can open. */
static int
arg_policy_file(json_t *args, const char **path, const char **error)
{
	json_t *v = json_object_get(args, "file");

	if (v == NULL) {
		*error = "\"file\" is required: the absolute path of a policy file";
		return -EINVAL;
	}
	if (!json_is_string(v) || json_string_length(v) == 0) {
		*error = "\"file\" must be the absolute path of a policy file, as a string";
		return -EINVAL;
	}
	*path = json_string_value(v);
	if (strlen(*path) != json_string_length(v)) {
		*error = "\"file\" holds a NUL character";
		return -EINVAL;
	}
	if ((*path)[0] != '/') {
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "\"file\" must be an absolute path (rampartd's working directory is not "
		         "yours): got \"%.200s\"",
		         *path);
		*error = ctl_msg;
		return -EINVAL;
	}
	if (strlen(*path) >= sizeof(((struct dp_policy_info *)0)->file)) {
		snprintf(ctl_msg, sizeof(ctl_msg), "\"file\" is longer than %zu bytes",
		         sizeof(((struct dp_policy_info *)0)->file) - 1);
		*error = ctl_msg;
		return -EINVAL;
	}
	return 0;
}

/* policy.validate and policy.load share one handler. */
struct policy_cmd {
	struct ctl_node *node;
	bool load;
};

static int
handle_policy_file(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "file", NULL };
	const struct policy_cmd *pc = ctx;
	struct dp_policy_info info;
	struct cfg_errors *errs;
	unsigned int nerr;
	char why[256];
	const char *path = NULL;
	int ret;

	ret = ctl_args_only(args, allowed, error);
	if (ret == 0)
		ret = arg_policy_file(args, &path, error);
	if (ret < 0)
		return ret;
	errs = calloc(1, sizeof(*errs));
	if (errs == NULL)
		return -ENOMEM;
	cfg_errors_init(errs, path);
	memset(&info, 0, sizeof(info));
	if (pc->load && pc->node->policy_load != NULL) {
		ret = pc->node->policy_load(pc->node->policy_load_arg, path, errs, &info);
	} else if (pc->load) {
		ctl_dp_lock();
		ret = dp_policy_load(pc->node->dp, path, errs, &info);
		ctl_dp_unlock();
	} else {
		ret = dp_policy_check(pc->node->dp, path, errs, &info);
	}
	if (ret == 0) {
		*data = policy_json(&info);
		/* A policy that was only checked has no version and was never loaded. */
		if (*data != NULL && !pc->load) {
			json_object_set_new(*data, "version", json_null());
			json_object_set_new(*data, "loaded", json_null());
			json_object_set_new(*data, "loaded_at", json_null());
		}
		free(errs);
		return *data != NULL ? 0 : -ENOMEM;
	}
	nerr = errs->count + errs->dropped;
	if (ret == -EINVAL && nerr > 0)
		snprintf(why, sizeof(why), "%u error%s", nerr, nerr == 1 ? "" : "s");
	else
		snprintf(why, sizeof(why), "%s", strerror(-ret));
	if (pc->load)
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "policy not loaded: %.200s: %s; the running policy is unchanged", path,
		         why);
	else
		snprintf(ctl_msg, sizeof(ctl_msg), "%.200s is not a valid policy: %s", path, why);
	*error = ctl_msg;
	if (errs->count + errs->dropped > 0)
		*data = errors_json(errs);
	free(errs);
	return ret;
}

static int
handle_policy_show(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const none[] = { NULL };
	int ret = ctl_args_only(args, none, error);

	if (ret < 0)
		return ret;
	*data = ctl_view_policy(ctx);
	return *data != NULL ? 0 : -ENOMEM;
}

static int
handle_rules(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "name", NULL };
	json_t *name = json_object_get(args, "name");
	uint32_t n_rules = 0;
	int ret;

	ret = ctl_args_only(args, allowed, error);
	if (ret < 0)
		return ret;
	if (name != NULL && (!json_is_string(name) ||
	                     strlen(json_string_value(name)) != json_string_length(name))) {
		*error = "\"name\" must be a rule name, as a string";
		return -EINVAL;
	}
	*data = rules_json(ctx, name != NULL ? json_string_value(name) : NULL, &n_rules);
	if (*data == NULL)
		return -ENOMEM;
	if (name == NULL || json_array_size(json_object_get(*data, "rules")) > 0)
		return 0;
	snprintf(ctl_msg, sizeof(ctl_msg),
	         "no rule named \"%.64s\" in the running policy (version %lld, %u rules)",
	         json_string_value(name),
	         (long long)json_integer_value(json_object_get(*data, "policy_version")), n_rules);
	*error = ctl_msg;
	json_decref(*data);
	*data = NULL;
	return -ENOENT;
}

#define ADDR_HELP \
	"one IPv4 or IPv6 address such as 198.18.0.1 or 2001:db8::1, bare or as a /32 or /128"

/* The "addr" argument: a host address, parsed into @p and written back into @text. */
static int
arg_host_addr(json_t *args, struct cfg_prefix *p, char *text, size_t len, const char **error)
{
	json_t *v = json_object_get(args, "addr");
	const char *s;

	if (v == NULL) {
		*error = "\"addr\" is required: " ADDR_HELP;
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		*error = "\"addr\" must be a string: " ADDR_HELP;
		return -EINVAL;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || cfg_prefix_parse(s, p) < 0) {
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "\"%.64s\" is not a host address: give " ADDR_HELP, s);
		*error = ctl_msg;
		return -EINVAL;
	}
	if (p->len != (p->family == 4 ? 32 : 128)) {
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "%.64s is a prefix: the blocklist takes host addresses only (a bare "
		         "address, a /32 or a /128)",
		         s);
		*error = ctl_msg;
		return -EINVAL;
	}
	addr_text(p, text, len);
	return 0;
}

#define TTL_HELP "from 0 (until deleted) to 2592000 (30 days)"

static int
handle_blocklist_add(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "addr", "ttl", NULL };
	const struct ctl_node *node = ctx;
	json_t *v = json_object_get(args, "ttl");
	struct cfg_prefix p;
	json_int_t ttl = 0;
	char addr[64];
	int ret;

	_Static_assert(CTL_BLOCKLIST_TTL_MAX == 2592000, "TTL_HELP names the maximum");
	ret = ctl_args_only(args, allowed, error);
	if (ret == 0)
		ret = arg_host_addr(args, &p, addr, sizeof(addr), error);
	if (ret < 0)
		return ret;
	if (v != NULL && !json_is_integer(v)) {
		*error = "\"ttl\" must be a whole number of seconds, " TTL_HELP;
		return -EINVAL;
	}
	if (v != NULL)
		ttl = json_integer_value(v);
	if (ttl < 0 || ttl > (json_int_t)CTL_BLOCKLIST_TTL_MAX) {
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "ttl %lld is %s: give 0 (until deleted) to 2592000 seconds",
		         (long long)ttl, ttl < 0 ? "negative" : "longer than 30 days");
		*error = ctl_msg;
		return -EINVAL;
	}
	ctl_dp_lock();
	ret = dp_blocklist_add(node->dp, &p, (uint32_t)ttl);
	ctl_dp_unlock();
	if (ret == -ENOSPC) {
		snprintf(ctl_msg, sizeof(ctl_msg),
		         "%s not added: the blocklist is full (%u entries, "
		         "mitigation.blocklist_size); delete or flush entries first",
		         addr, dp_blocklist_capacity(node->dp));
		*error = ctl_msg;
		return ret;
	}
	if (ret == -EINVAL) {
		snprintf(ctl_msg, sizeof(ctl_msg), "%s not added: not a host address", addr);
		*error = ctl_msg;
		return ret;
	}
	if (ret < 0)
		return ret;
	*data = json_pack("{s:s, s:I, s:b, s:I, s:I}", "addr", addr, "ttl", ttl, "permanent",
	                  ttl == 0, "count", (json_int_t)dp_blocklist_count(node->dp), "capacity",
	                  (json_int_t)dp_blocklist_capacity(node->dp));
	return *data != NULL ? 0 : -ENOMEM;
}

static int
handle_blocklist_del(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "addr", NULL };
	const struct ctl_node *node = ctx;
	struct cfg_prefix p;
	char addr[64];
	int ret;

	ret = ctl_args_only(args, allowed, error);
	if (ret == 0)
		ret = arg_host_addr(args, &p, addr, sizeof(addr), error);
	if (ret < 0)
		return ret;
	ctl_dp_lock();
	ret = dp_blocklist_del(node->dp, &p);
	ctl_dp_unlock();
	if (ret == -ENOENT) {
		snprintf(ctl_msg, sizeof(ctl_msg), "%s is not on the blocklist", addr);
		*error = ctl_msg;
		return ret;
	}
	if (ret < 0)
		return ret;
	*data = json_pack("{s:s, s:I}", "addr", addr, "count",
	                  (json_int_t)dp_blocklist_count(node->dp));
	return *data != NULL ? 0 : -ENOMEM;
}

static int
handle_blocklist_list(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "limit", NULL };
	json_t *v = json_object_get(args, "limit");
	json_int_t limit = CTL_BLOCKLIST_LIST_DEFAULT;
	int ret;

	_Static_assert(CTL_BLOCKLIST_LIST_MAX == 100000, "the message names the maximum");
	ret = ctl_args_only(args, allowed, error);
	if (ret < 0)
		return ret;
	if (v != NULL) {
		limit = json_is_integer(v) ? json_integer_value(v) : -1;
		if (limit < 0 || limit > CTL_BLOCKLIST_LIST_MAX) {
			*error = "\"limit\" must be a whole number of entries from 0 to 100000";
			return -EINVAL;
		}
	}
	*data = ctl_view_blocklist(ctx, (unsigned int)limit);
	return *data != NULL ? 0 : -ENOMEM;
}

static int
handle_blocklist_flush(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const none[] = { NULL };
	const struct ctl_node *node = ctx;
	int ret = ctl_args_only(args, none, error);

	if (ret < 0)
		return ret;
	ctl_dp_lock();
	ret = dp_blocklist_flush(node->dp);
	ctl_dp_unlock();
	if (ret < 0)
		return ret;
	*data = json_pack("{s:i}", "removed", ret);
	return *data != NULL ? 0 : -ENOMEM;
}

static int
handle_drops(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "worker", NULL };
	const struct ctl_node *node = ctx;
	json_t *worker = json_object_get(args, "worker"), *workers, *el, *keep = NULL;
	size_t i, off;
	int ret;

	ret = ctl_args_only(args, allowed, error);
	if (ret < 0)
		return ret;
	if (worker != NULL && !json_is_integer(worker)) {
		*error = "\"worker\" must be the lcore of a worker, as a number";
		return -EINVAL;
	}
	*data = ctl_view_drops(node);
	if (*data == NULL)
		return -ENOMEM;
	if (worker == NULL)
		return 0;
	workers = json_object_get(*data, "workers");
	json_array_foreach(workers, i, el)
	{
		if (json_equal(json_object_get(el, "lcore"), worker))
			keep = json_pack("{s:O, s:[O]}", "mode", json_object_get(*data, "mode"),
			                 "workers", el);
	}
	if (keep != NULL) {
		/* The totals describe the whole node, not the one worker asked for. */
		json_decref(*data);
		*data = keep;
		return 0;
	}
	off = (size_t)snprintf(ctl_msg, sizeof(ctl_msg), "no worker on lcore %lld (workers are on",
	                       (long long)json_integer_value(worker));
	json_array_foreach(workers, i, el)
	{
		if (off < sizeof(ctl_msg))
			off += (size_t)snprintf(
				ctl_msg + off, sizeof(ctl_msg) - off, "%s %lld",
				i > 0 ? "," : " lcores",
				(long long)json_integer_value(json_object_get(el, "lcore")));
	}
	if (off < sizeof(ctl_msg))
		snprintf(ctl_msg + off, sizeof(ctl_msg) - off, "%s)",
		         json_array_size(workers) == 0 ? " no lcore: there are no workers" : "");
	*error = ctl_msg;
	json_decref(*data);
	*data = NULL;
	return -ENOENT;
}

int
ctl_views_register(struct ctl_server *srv, struct ctl_node *node)
{
	/* One node per process: the bindings live as long as the program. */
	static struct view_binding views[] = {
		{ .view = ctl_view_status },
		{ .view = ctl_view_ports, .list = "ports" },
		{ .view = ctl_view_stats, .list = "ports" },
	};
	static const char *const names[] = { "status", "ports", "stats" };

	static struct policy_cmd policy_cmds[] = { { .load = false }, { .load = true } };
	static const struct {
		const char *name;
		ctl_handler_t handler;
	} commands[] = {
		{ "shutdown", handle_shutdown },
		{ "policy.show", handle_policy_show },
		{ "rules", handle_rules },
		{ "blocklist.add", handle_blocklist_add },
		{ "blocklist.del", handle_blocklist_del },
		{ "blocklist.list", handle_blocklist_list },
		{ "blocklist.flush", handle_blocklist_flush },
		{ "drops", handle_drops },
	};
	int ret;

	for (size_t i = 0; i < RTE_DIM(views); i++) {
		views[i].node = node;
		ret = ctl_server_register(srv, names[i], handle_view, &views[i]);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < RTE_DIM(commands); i++) {
		ret = ctl_server_register(srv, commands[i].name, commands[i].handler, node);
		if (ret < 0)
			return ret;
	}
	policy_cmds[0].node = policy_cmds[1].node = node;
	ret = ctl_server_register(srv, "policy.validate", handle_policy_file, &policy_cmds[0]);
	if (ret == 0)
		ret = ctl_server_register(srv, "policy.load", handle_policy_file, &policy_cmds[1]);
	return ret;
}
