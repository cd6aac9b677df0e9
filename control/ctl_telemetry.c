/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry endpoints: /rampart/status, /rampart/ports, /rampart/stats, /rampart/policy,
 * /rampart/rules, /rampart/drops and /rampart/blocklist answer with the control socket's
 * views, so dpdk-telemetry.py shows the same numbers as rampartctl.
 *
 * A telemetry dict holds scalars and one level of arrays of scalars, and its keys may only
 * hold letters, digits and '_'; nested JSON objects and arrays of objects are flattened
 * into keys joined by '_' ("ports_up0_rx_packets"). A parameter narrows the answer to one
 * element: /rampart/stats,up0, /rampart/ports,down0, /rampart/rules,NAME, or a worker by its
 * lcore, /rampart/drops,1. An answer larger than a telemetry dict (256 entries, some nine
 * ports' worth of /rampart/ports) ends with "truncated": 1. /rampart/blocklist gives the
 * blocklist's counters only: its entries may number in the millions. Other modules add
 * commands of the same kind with ctl_telemetry_add() (/rampart/bypass).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "cfg.h"
#include "ctl.h"
#include "dp.h"

/*
 * The telemetry callbacks take no context pointer: the node is registered once. They run
 * on DPDK's telemetry thread, and rte_telemetry cannot unregister a command, so at
 * shutdown ctl_telemetry_close() turns them away and waits for those in flight before the
 * dataplane they read is destroyed.
 */
static const struct ctl_node *tel_node; /* [R] after ctl_telemetry_register() */
static bool tel_closing;                /* [a] set once by ctl_telemetry_close() */
static unsigned int tel_inflight;       /* [a] callbacks between enter and leave */

static bool
tel_enter(void)
{
	__atomic_fetch_add(&tel_inflight, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&tel_closing, __ATOMIC_SEQ_CST))
		return true;
	__atomic_fetch_sub(&tel_inflight, 1, __ATOMIC_SEQ_CST);
	return false;
}

static void
tel_leave(void)
{
	__atomic_fetch_sub(&tel_inflight, 1, __ATOMIC_SEQ_CST);
}

/* A telemetry dict being filled: it holds RTE_TEL_MAX_DICT_ENTRIES at most, one of which is
 * kept for the "truncated" marker. */
struct tel_out {
	struct rte_tel_data *d;
	unsigned int n;
	bool truncated;
};

static void
tel_add_scalar(struct tel_out *o, const char *key, json_t *v)
{
	struct rte_tel_data *d = o->d;
	char s[RTE_TEL_MAX_STRING_LEN];

	if (o->n >= RTE_TEL_MAX_DICT_ENTRIES - 1) {
		o->truncated = true;
		return;
	}
	o->n++;

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		if (json_integer_value(v) >= 0)
			rte_tel_data_add_dict_u64(d, key, (uint64_t)json_integer_value(v));
		else
			rte_tel_data_add_dict_int(d, key, (int)json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(s, sizeof(s), "%.3f", json_real_value(v));
		rte_tel_data_add_dict_string(d, key, s);
		break;
	case JSON_STRING:
		snprintf(s, sizeof(s), "%s", json_string_value(v));
		rte_tel_data_add_dict_string(d, key, s);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		rte_tel_data_add_dict_u64(d, key, json_is_true(v));
		break;
	default:
		rte_tel_data_add_dict_string(d, key, "");
		break;
	}
}

/* Join @prefix and @name into @key, turning every character telemetry refuses into '_'. */
static void
tel_key(char *key, size_t len, const char *prefix, const char *name)
{
	snprintf(key, len, "%s%s%s", prefix, prefix[0] != '\0' ? "_" : "", name);
	for (char *c = key; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			*c = '_';
}

static void
tel_flatten(struct tel_out *o, const char *prefix, json_t *v)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	const char *k;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, child)
		{
			tel_key(key, sizeof(key), prefix, k);
			tel_flatten(o, key, child);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			/* Name array elements after their "name" or "lcore" when they have one. */
			json_t *id = json_object_get(child, "name");
			char idx[32];

			if (json_is_string(id)) {
				tel_key(key, sizeof(key), prefix, json_string_value(id));
			} else {
				id = json_object_get(child, "lcore");
				if (json_is_integer(id))
					snprintf(idx, sizeof(idx), "lcore%lld",
					         (long long)json_integer_value(id));
				else
					snprintf(idx, sizeof(idx), "%zu", i);
				tel_key(key, sizeof(key), prefix, idx);
			}
			tel_flatten(o, key, child);
		}
	} else {
		tel_add_scalar(o, prefix, v);
	}
}

/* True when @el is named @param: by its "name", or by its "lcore" written in decimal. */
static bool
tel_named(json_t *el, const char *param)
{
	json_t *name = json_object_get(el, "name"), *lcore = json_object_get(el, "lcore");
	char *end;
	long long n;

	if (json_is_string(name))
		return strcmp(json_string_value(name), param) == 0;
	if (!json_is_integer(lcore) || param[0] < '0' || param[0] > '9')
		return false;
	errno = 0;
	n = strtoll(param, &end, 10);
	return *end == '\0' && errno == 0 && n == json_integer_value(lcore);
}

/* With a parameter, keep only the element of @list named @param. */
static json_t *
tel_select(json_t *view, const char *list, const char *param)
{
	json_t *arr = json_object_get(view, list), *el;
	size_t i;

	if (param == NULL || param[0] == '\0')
		return json_incref(view);
	json_array_foreach(arr, i, el)
	{
		if (tel_named(el, param))
			return json_incref(el);
	}
	return NULL;
}

static int
tel_answer(struct rte_tel_data *d, json_t *(*fn)(const struct ctl_node *), const char *list,
           const char *params)
{
	struct tel_out out = { .d = d };
	json_t *view, *sel;

	if (!tel_enter())
		return -ESHUTDOWN;
	view = fn(tel_node);
	tel_leave();
	if (view == NULL)
		return -ENOMEM;
	sel = tel_select(view, list, params);
	json_decref(view);
	if (sel == NULL)
		return -EINVAL; /* no such port */
	rte_tel_data_start_dict(d);
	tel_flatten(&out, "", sel);
	/* Say so rather than leave the reader to guess why a port has half its keys: the
	 * answer for one port, with the port as parameter, always fits. */
	if (out.truncated)
		rte_tel_data_add_dict_u64(d, "truncated", 1);
	json_decref(sel);
	return 0;
}

static int
tel_status(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return tel_answer(d, ctl_view_status, NULL, NULL);
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tel_answer(d, ctl_view_ports, "ports", params);
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tel_answer(d, ctl_view_stats, "ports", params);
}

static int
tel_policy(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return tel_answer(d, ctl_view_policy, NULL, NULL);
}

static int
tel_rules(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tel_answer(d, ctl_view_rules, "rules", params);
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tel_answer(d, ctl_view_drops, "workers", params);
}

/* The blocklist's counters, without its entries. */
static json_t *
tel_view_blocklist(const struct ctl_node *node)
{
	json_t *view = ctl_view_blocklist(node, 0);

	json_object_del(view, "entries");
	json_object_del(view, "truncated");
	return view;
}

static int
tel_blocklist(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	return tel_answer(d, tel_view_blocklist, NULL, NULL);
}

static int
tel_ha(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tel_answer(d, ctl_view_ha, "instances", params);
}

/* Commands other modules add with ctl_telemetry_add(); the callback finds its view by the
 * command's name, which rte_telemetry passes. Written before the commands are registered and
 * never after, so the telemetry thread reads them without a lock. */
#define TEL_EXTRA_MAX 8

static struct {
	char name[RTE_TEL_MAX_STRING_LEN];
	char help[RTE_TEL_MAX_STRING_LEN];
	json_t *(*view)(const struct ctl_node *node);
} tel_extra[TEL_EXTRA_MAX];
static unsigned int tel_n_extra;

static int
tel_extra_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)params;
	for (unsigned int i = 0; i < __atomic_load_n(&tel_n_extra, __ATOMIC_ACQUIRE); i++)
		if (strcmp(tel_extra[i].name, cmd) == 0)
			return tel_answer(d, tel_extra[i].view, NULL, NULL);
	return -EINVAL;
}

int
ctl_telemetry_add(const char *name, json_t *(*view)(const struct ctl_node *node), const char *help)
{
	unsigned int n = tel_n_extra;

	if (n >= TEL_EXTRA_MAX)
		return -ENOSPC;
	if (strlen(name) >= sizeof(tel_extra[n].name) || strlen(help) >= sizeof(tel_extra[n].help))
		return -ENAMETOOLONG;
	snprintf(tel_extra[n].name, sizeof(tel_extra[n].name), "%s", name);
	snprintf(tel_extra[n].help, sizeof(tel_extra[n].help), "%s", help);
	tel_extra[n].view = view;
	__atomic_store_n(&tel_n_extra, n + 1, __ATOMIC_RELEASE);
	/* Before ctl_telemetry_register(), that registers it with the others. */
	if (tel_node == NULL)
		return 0;
	return rte_telemetry_register_cmd(name, tel_extra_cb, help);
}

int
ctl_telemetry_register(struct ctl_node *node)
{
	static const struct {
		const char *name;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/rampart/status", tel_status,
		  "Node id, uptime, version, workers and link pairs. No parameters" },
		{ "/rampart/ports", tel_ports,
		  "Link state and counters of every port. Parameter: port name" },
		{ "/rampart/stats", tel_stats,
		  "Totals, per port and per worker. Parameter: port name" },
		{ "/rampart/policy", tel_policy,
		  "The running policy: version, file, mode, rules, memory. No parameters" },
		{ "/rampart/rules", tel_rules,
		  "Packets, bytes and drops of every rule. Parameter: rule name" },
		{ "/rampart/drops", tel_drops,
		  "Drops by reason, totals and per worker. Parameter: worker lcore" },
		{ "/rampart/blocklist", tel_blocklist,
		  "Dynamic blocklist: count, capacity and counters. No parameters" },
		{ "/rampart/ha", tel_ha,
		  "HA mode, role, VRRP instances, peers, links, flaps. Parameter: instance name" },
	};
	int ret = 0;

	tel_node = node;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]) && ret == 0; i++)
		ret = rte_telemetry_register_cmd(cmds[i].name, cmds[i].fn, cmds[i].help);
	for (unsigned int i = 0; i < tel_n_extra && ret == 0; i++)
		ret = rte_telemetry_register_cmd(tel_extra[i].name, tel_extra_cb,
		                                 tel_extra[i].help);
	return ret;
}

void
ctl_telemetry_close(void)
{
	__atomic_store_n(&tel_closing, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&tel_inflight, __ATOMIC_SEQ_CST) != 0)
		sched_yield();
}
