/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON views of the node: status, ports, stats. The control socket and rte_telemetry
 * both serve these, so the two never disagree. The views only read: the config is
 * immutable and the dataplane counters are read with relaxed atomic loads, so they may
 * run on the control thread or on the telemetry thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ether.h>

#include "byp.h"
#include "cfg.h"
#include "ctl.h"
#include "dp.h"
#include "ha.h"

static json_t *
counters_json(const struct dp_port_counters *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}",
			 "rx_packets", (json_int_t)c->rx_packets,
			 "rx_bytes", (json_int_t)c->rx_bytes,
			 "tx_packets", (json_int_t)c->tx_packets,
			 "tx_bytes", (json_int_t)c->tx_bytes,
			 "tx_drops", (json_int_t)c->tx_drops);
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
			json_array_append_new(queues, json_pack("{s:s, s:i}",
				"port", cfg->ports[wk->bindings[b].rx_index].name,
				"queue", wk->bindings[b].rx_queue));
		dp_worker_counters_get(node->dp, w, &c);
		json_array_append_new(workers, json_pack("{s:i, s:o, s:I, s:I, s:I, s:i}",
			"lcore", wk->lcore,
			"rx_queues", queues,
			"loops", (json_int_t)dp_worker_loops(node->dp, w),
			"rx_packets", (json_int_t)c.rx_packets,
			"tx_packets", (json_int_t)c.tx_packets,
			"idle_sleep_us", wk->idle_sleep_us));
	}
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];
		const char *up = link_word(node, lp->upstream);
		const char *down = link_word(node, lp->protected);
		bool fwd = strcmp(up, "up") == 0 && strcmp(down, "up") == 0;

		json_array_append_new(pairs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
			"name", lp->name,
			"upstream", cfg->ports[lp->upstream].name,
			"protected", cfg->ports[lp->protected].name,
			"upstream_link", up,
			"protected_link", down,
			"state", fwd ? "forwarding" : "link-down"));
	}
	if (node->srv != NULL)
		ctl_server_stats_get(node->srv, &cs);
	control = json_pack("{s:s, s:I, s:I, s:I, s:I}",
			    "socket", cfg->control.socket,
			    "requests", (json_int_t)cs.requests,
			    "errors", (json_int_t)cs.errors,
			    "refused", (json_int_t)cs.refused,
			    "malformed", (json_int_t)cs.malformed);
	st = json_pack("{s:s, s:s, s:s, s:i, s:f, s:I, s:i, s:s, s:o, s:o, s:o, s:{s:s}, s:{s:s, s:s}}",
		       "node_id", cfg->node.id,
		       "stack", cfg->node.stack,
		       "version", RP_VERSION,
		       "pid", (int)getpid(),
		       "uptime_s", dp_uptime(node->dp),
		       "started_at", (json_int_t)node->started,
		       "main_lcore", cfg->dpdk.main_lcore,
		       "file_prefix", cfg->dpdk.file_prefix,
		       "control", control,
		       "workers", workers,
		       "link_pairs", pairs,
		       "ha", "role", ha_role_name(HA_ROLE_STANDALONE),
		       "bypass", "driver", "none", "state", byp_state_name(BYP_STATE_INLINE));
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
		hwj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				"ipackets", (json_int_t)hw.ipackets,
				"opackets", (json_int_t)hw.opackets,
				"ibytes", (json_int_t)hw.ibytes,
				"obytes", (json_int_t)hw.obytes,
				"imissed", (json_int_t)hw.imissed,
				"ierrors", (json_int_t)hw.ierrors,
				"oerrors", (json_int_t)hw.oerrors,
				"rx_nombuf", (json_int_t)hw.rx_nombuf);
		json_object_update_new(o, json_pack(
			"{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:i, s:i, s:i, s:i, s:b, s:o}",
			"name", p->name,
			"port_id", p->port_id,
			"device", cfg->ports[i].device,
			"driver", p->driver,
			"mac", mac,
			"link", have_link ? (link.up ? "up" : "down") : "unknown",
			"speed_mbps", (json_int_t)link.speed_mbps,
			"duplex", link.full_duplex ? "full" : "half",
			"autoneg", link.autoneg,
			"rx_queues", p->n_rxq,
			"tx_queues", p->n_txq,
			"rx_desc", p->rx_desc,
			"tx_desc", p->tx_desc,
			"promiscuous", p->promiscuous,
			"hw", hwj));
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

	json_array_foreach(arr, i, el) {
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
	json_array_foreach(arr, i, el) {
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
	static char msg[512];
	const struct view_binding *vb = ctx;
	json_t *port = json_object_get(args, "port");
	int ret;

	if (port != NULL && (vb->list == NULL || !json_is_string(port))) {
		*error = vb->list == NULL ? "takes no \"port\" argument"
					  : "\"port\" must be a port name";
		return -EINVAL;
	}
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
	struct ctl_node *node = ctx;

	(void)args;
	(void)error;
	__atomic_store_n(node->shutdown, true, __ATOMIC_RELEASE);
	*data = json_pack("{s:b}", "shutting_down", 1);
	return *data != NULL ? 0 : -ENOMEM;
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
	int ret;

	for (size_t i = 0; i < RTE_DIM(views); i++) {
		views[i].node = node;
		ret = ctl_server_register(srv, names[i], handle_view, &views[i]);
		if (ret < 0)
			return ret;
	}
	return ctl_server_register(srv, "shutdown", handle_shutdown, node);
}
