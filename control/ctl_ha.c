/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HA views and commands: ha.status, ha.history, ha.maintenance and ha.simulate. They read
 * the coordinator's snapshot (ha_coord_status()) and post requests to its thread; nothing here
 * changes HA state directly. Shapes are in docs/control-protocol.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "ctl.h"
#include "dp.h"
#include "ctl_priv.h"
#include "ha.h"

#define SIMULATE_SECONDS_DEFAULT 10
#define SIMULATE_SECONDS_MAX 3600

static char ha_msg[256];

static const char *
family_name(uint8_t family)
{
	return family == 6 ? "ipv6" : "ipv4";
}

static json_t *
stats_json(const struct ha_vrrp_stats *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "master_transitions",
	                    json_integer((json_int_t)s->master_transitions));
	json_object_set_new(j, "adverts_sent", json_integer((json_int_t)s->adverts_sent));
	json_object_set_new(j, "adverts_received", json_integer((json_int_t)s->adverts_rcvd));
	json_object_set_new(j, "priority_zero_sent", json_integer((json_int_t)s->pri_zero_sent));
	json_object_set_new(j, "priority_zero_received",
	                    json_integer((json_int_t)s->pri_zero_rcvd));
	json_object_set_new(j, "ttl_errors", json_integer((json_int_t)s->ttl_errors));
	json_object_set_new(j, "interval_errors", json_integer((json_int_t)s->interval_errors));
	json_object_set_new(j, "checksum_errors", json_integer((json_int_t)s->checksum_errors));
	json_object_set_new(j, "length_errors", json_integer((json_int_t)s->length_errors));
	json_object_set_new(j, "version_errors", json_integer((json_int_t)s->version_errors));
	json_object_set_new(j, "type_errors", json_integer((json_int_t)s->type_errors));
	json_object_set_new(j, "vrid_errors", json_integer((json_int_t)s->vrid_errors));
	json_object_set_new(j, "address_list_errors",
	                    json_integer((json_int_t)s->address_list_errors));
	return j;
}

static json_t *
instance_json(const struct ha_instance_status *in)
{
	json_t *vips = json_array();

	for (unsigned int i = 0; i < in->n_vips; i++)
		json_array_append_new(vips, json_string(in->vips[i]));
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:b, s:s, s:s, "
	                 "s:s, s:o, s:o}",
	                 "name", in->name, "vrid", in->vrid, "family", family_name(in->family),
	                 "link_pair", in->link_pair, "side", cfg_side_name(in->side), "state",
	                 ha_role_name(in->state), "priority", in->priority, "effective_priority",
	                 in->effective_priority, "advert_interval_ms", in->advert_interval_ms,
	                 "master_advert_interval_ms", in->master_advert_interval_ms, "preempt",
	                 in->preempt, "accept", in->accept, "hold", in->hold, "master", in->master,
	                 "last_reason", in->last_reason, "vips", vips, "counters",
	                 stats_json(&in->stats));
}

static json_t *
peer_json(const struct ha_peer_status *p)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:b, s:b, s:b, s:s}", "id",
	                 p->id, "address", p->address, "health",
	                 !p->heard    ? "unknown"
	                 : p->healthy ? "healthy"
	                              : "unhealthy",
	                 "last_check_ms", (json_int_t)p->last_rx_ms, "heartbeats",
	                 (json_int_t)p->rx, "missed", (json_int_t)p->misses, "refused",
	                 (json_int_t)p->bad, "primary", p->says_primary, "bypass", p->says_bypass,
	                 "maintenance", p->says_maintenance, "links_down", p->says_links_down,
	                 "master_of", p->master_of);
}

const char *
ctl_ha_role(const struct ctl_node *node)
{
	static struct ha_status st;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	enum ha_role role;

	if (node->ha == NULL || !node->cfg->ha.enabled)
		return ha_role_name(HA_ROLE_STANDALONE);
	pthread_mutex_lock(&lock);
	ha_coord_status(node->ha, &st);
	role = st.role;
	pthread_mutex_unlock(&lock);
	return ha_role_name(role);
}

/* What the node answered for itself and what its workers did with HA frames. @st may be
 * NULL when there is no coordinator (the responder's counters are then zero). */
static json_t *
node_traffic_json(const struct ctl_node *node, const struct ha_status *st)
{
	static const struct ha_status none;
	struct dp_ha_counters hc;
	json_t *t = json_object();

	if (st == NULL)
		st = &none;
	dp_ha_counters_get(node->dp, -1, &hc);
#define T(k, v) json_object_set_new(t, k, json_integer((json_int_t)(v)))
	T("punted", hc.punted);
	T("punt_lost", hc.punt_lost);
	T("punt_limited", hc.punt_limited);
	T("standby_dropped", hc.standby_dropped);
	T("uninspected", hc.uninspected);
	T("l3_forwarded", hc.l3_forwarded);
	T("l3_ttl_exceeded", hc.l3_ttl_exceeded);
	T("l3_no_route", hc.l3_no_route);
	T("l3_not_routable", hc.l3_not_routable);
	T("l3_non_ip", hc.l3_non_ip);
	T("control_sent", hc.ctl_sent);
	T("control_dropped", hc.ctl_dropped);
	T("arp_replies", st->local.arp_replies);
	T("na_replies", st->local.na_replies);
	T("echo_replies", st->local.echo_replies);
	T("arp_requests", st->local.arp_requests);
	T("ns_requests", st->local.ns_requests);
	T("announcements", st->local.announcements);
	T("neighbours_learned", st->local.learned);
	T("malformed", st->local.malformed);
	T("ignored", st->local.ignored);
	T("conflicts", st->local.conflicts);
	T("rate_limited", st->local.rate_limited);
	T("tx_errors", st->local.tx_errors);
#undef T
	return t;
}

json_t *
ctl_view_ha(const struct ctl_node *node)
{
	static struct ha_status st; /* large; the views run one at a time per thread */
	static pthread_mutex_t st_lock = PTHREAD_MUTEX_INITIALIZER;
	const struct cfg_node *cfg = node->cfg;
	json_t *inst, *peers, *links, *j;

	pthread_mutex_lock(&st_lock);
	if (node->ha != NULL)
		ha_coord_status(node->ha, &st);
	if (node->ha == NULL || !cfg->ha.enabled) {
		/* Standalone; l3 link pairs still have a coordinator answering for the node. */
		j = json_pack("{s:b, s:s, s:s, s:o}", "enabled", false, "mode", "standalone",
		              "role", ha_role_name(HA_ROLE_STANDALONE), "node_traffic",
		              node_traffic_json(node, node->ha != NULL ? &st : NULL));
		pthread_mutex_unlock(&st_lock);
		return j;
	}
	inst = json_array();
	for (unsigned int i = 0; i < st.n_instances; i++)
		json_array_append_new(inst, instance_json(&st.inst[i]));
	peers = json_array();
	for (unsigned int i = 0; i < st.n_peers; i++)
		json_array_append_new(peers, peer_json(&st.peers[i]));
	links = json_array();
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++)
		json_array_append_new(links,
		                      json_pack("{s:s, s:s}", "name", cfg->link_pairs[i].name,
		                                "state", st.links.up[i] ? "up" : "down"));
	j = json_pack("{s:b, s:s, s:b, s:s, s:b, s:b, s:s, "
	              "s:{s:i, s:i, s:i, s:b, s:o}, "
	              "s:{s:b, s:I, s:I, s:i, s:b}, "
	              "s:{s:i, s:i, s:i, s:b}, "
	              "s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I}, s:o, s:o}",
	              "enabled", true, "mode", cfg_ha_mode_name(st.mode), "primary", st.primary,
	              "role", ha_role_name(st.role), "maintenance", st.maintenance,
	              "simulation_allowed", st.simulation_allowed, "simulating", st.simulating,
	              "links", "healthy", st.links.healthy, "total", st.links.total, "min_active",
	              st.links.min_active, "below_min", st.links.below_min, "link_pairs", links,
	              "bandwidth", "enabled", st.bandwidth.enabled, "bps",
	              (json_int_t)st.bandwidth.bps, "min_bps", (json_int_t)st.bandwidth.min_bps,
	              "interval_s", st.bandwidth.interval_s, "low", st.bandwidth.low, "flaps",
	              "count", st.flaps.count, "max", st.flaps.max, "window_s", st.flaps.window_s,
	              "latched", st.flaps.latched, "heartbeats", "sent", (json_int_t)st.hb_sent,
	              "send_errors", (json_int_t)st.hb_send_errors, "refused",
	              (json_int_t)st.hb_refused, "notify", "runs", (json_int_t)st.notify_runs,
	              "failures", (json_int_t)st.notify_failures, "skipped",
	              (json_int_t)st.notify_skipped, "instances", inst, "peers", peers);
	json_object_set_new(j, "stalls",
	                    json_pack("{s:I, s:I, s:I}", "count", (json_int_t)st.stalls.count,
	                              "longest_ms", (json_int_t)st.stalls.longest_ms,
	                              "discounted_ms", (json_int_t)st.stalls.discounted_ms));
	json_object_set_new(j, "node_traffic", node_traffic_json(node, &st));
	pthread_mutex_unlock(&st_lock);
	return j;
}

json_t *
ctl_view_ha_history(const struct ctl_node *node)
{
	static struct ha_event ev[HA_HISTORY_MAX];
	static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
	json_t *list = json_array();
	unsigned int n;

	if (node->ha == NULL)
		return json_pack("{s:o}", "events", list);
	pthread_mutex_lock(&ev_lock);
	n = ha_coord_history(node->ha, ev, HA_HISTORY_MAX);
	for (unsigned int i = 0; i < n; i++) {
		char when[64];
		struct tm tm;

		gmtime_r(&ev[i].when.tv_sec, &tm);
		snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		         tm.tm_sec, ev[i].when.tv_nsec / 1000000);
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s}", "time", when,
		                                "instance", ev[i].instance, "from", ev[i].old_state,
		                                "to", ev[i].new_state, "reason", ev[i].reason));
	}
	pthread_mutex_unlock(&ev_lock);
	return json_pack("{s:o}", "events", list);
}

/* The arguments of a command that acts on the coordinator: only @allowed, and an ha block. */
static int
ha_action_args(const struct ctl_node *node, json_t *args, const char *const *allowed,
               const char **error)
{
	int ret = ctl_args_only(args, allowed, error);

	if (ret < 0)
		return ret;
	if (node->ha != NULL && node->cfg->ha.enabled)
		return 0;
	*error = "this node runs standalone: its config has no ha block";
	return -ENOTSUP;
}

/* ha.status and ha.history: a view, no arguments. */
struct ha_view_cmd {
	const struct ctl_node *node;
	json_t *(*view)(const struct ctl_node *node);
};

static int
handle_ha_view(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const none[] = { NULL };
	const struct ha_view_cmd *cmd = ctx;
	int ret = ctl_args_only(args, none, error);

	if (ret < 0)
		return ret;
	*data = cmd->view(cmd->node);
	return 0;
}

static int
handle_ha_maintenance(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "on", NULL };
	const struct ctl_node *node = ctx;
	json_t *on = json_object_get(args, "on");
	int ret;

	ret = ha_action_args(node, args, allowed, error);
	if (ret < 0)
		return ret;
	if (!json_is_boolean(on)) {
		*error = "\"on\" must be true (give up master and hold) or false (run again)";
		return -EINVAL;
	}
	ret = ha_coord_maintenance(node->ha, json_is_true(on));
	if (ret == -EALREADY) {
		*error = json_is_true(on) ? "maintenance is already on"
		                          : "maintenance is already off";
		return ret;
	}
	if (ret < 0)
		return ret;
	*data = json_pack("{s:b}", "maintenance", json_is_true(on));
	return 0;
}

static int
handle_ha_simulate(void *ctx, json_t *args, json_t **data, const char **error)
{
	static const char *const allowed[] = { "what", "seconds", NULL };
	static const char *const drills[] = { "peer-loss", "link-down", "low-bandwidth", "flap" };
	const struct ctl_node *node = ctx;
	json_t *what = json_object_get(args, "what"), *secs = json_object_get(args, "seconds");
	json_int_t seconds = SIMULATE_SECONDS_DEFAULT;
	bool known = false;
	int ret;

	ret = ha_action_args(node, args, allowed, error);
	if (ret < 0)
		return ret;
	for (size_t i = 0; json_is_string(what) && i < sizeof(drills) / sizeof(drills[0]); i++)
		known |= strcmp(json_string_value(what), drills[i]) == 0;
	if (!known) {
		*error = "\"what\" must be peer-loss, link-down, low-bandwidth or flap";
		return -EINVAL;
	}
	if (secs != NULL && !json_is_integer(secs)) {
		*error = "\"seconds\" must be a whole number";
		return -EINVAL;
	}
	if (secs != NULL)
		seconds = json_integer_value(secs);
	if (seconds < 1 || seconds > SIMULATE_SECONDS_MAX) {
		snprintf(ha_msg, sizeof(ha_msg), "seconds %lld is out of range: give 1 to %d",
		         (long long)seconds, SIMULATE_SECONDS_MAX);
		*error = ha_msg;
		return -EINVAL;
	}
	ret = ha_coord_simulate(node->ha, json_string_value(what), (unsigned int)seconds);
	if (ret == -EPERM) {
		*error = "drills are refused: set ha.allow_simulation = true in the node config";
		return ret;
	}
	if (ret == -EBUSY) {
		*error = "flapping is latched (bypass engaged): clear the bypass first";
		return ret;
	}
	if (ret < 0)
		return ret;
	*data = json_pack("{s:s, s:I}", "simulating", json_string_value(what), "seconds", seconds);
	return 0;
}

int
ctl_ha_register(struct ctl_server *srv, struct ctl_node *node)
{
	/* One node per process: the bindings live as long as the program. */
	static struct ha_view_cmd views[] = {
		{ .view = ctl_view_ha },
		{ .view = ctl_view_ha_history },
	};
	static const struct {
		const char *name;
		ctl_handler_t handler;
	} commands[] = {
		{ "ha.maintenance", handle_ha_maintenance },
		{ "ha.simulate", handle_ha_simulate },
	};
	int ret;

	views[0].node = views[1].node = node;
	ret = ctl_server_register(srv, "ha.status", handle_ha_view, &views[0]);
	if (ret == 0)
		ret = ctl_server_register(srv, "ha.history", handle_ha_view, &views[1]);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) && ret == 0; i++)
		ret = ctl_server_register(srv, commands[i].name, commands[i].handler, node);
	return ret;
}
