/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartd: the Rampart node daemon. main() only wires the modules together: config,
 * EAL and dataplane, the policy, control socket and telemetry, then runs the control
 * thread's event loop on the main lcore until SIGTERM, SIGINT or `rampartctl shutdown`.
 * SIGHUP reloads the policy.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_common.h>
#include <rte_log.h>

#include "byp.h"
#include "cfg.h"
#include "ctl.h"
#include "dp.h"
#include "ha.h"

static int rp_logtype = RTE_LOGTYPE_USER1;

#define RP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, rp_logtype, "rampartd: " fmt "\n", ##__VA_ARGS__)

#define TICK_MS 100 /* the control thread's housekeeping period */

enum {
	EXIT_INVALID_CONFIG = 1,
	EXIT_UNREADABLE_CONFIG = 2,
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: rampartd -c FILE          run the node described by FILE\n"
	            "       rampartd --check-config FILE\n"
	            "                                 validate FILE: exit 0 valid, 1 invalid, 2 "
	            "unreadable\n"
	            "       rampartd -h | --help | -V | --version\n");
}

struct daemon {
	struct cfg_node cfg;
	struct dp *dp;
	struct ctl_server *srv;
	struct ctl_node node;
	volatile bool shutdown;
	int epfd, sigfd, timerfd;
	unsigned int ticks;
	bool link_up[DP_MAX_PORTS];
	bool link_known[DP_MAX_PORTS];
	struct ha_coord *ha;
	/* Bypass (the bypass_* functions below). */
	struct byp *byp;                       /* [R] after bypass_setup() */
	uint64_t ctl_ticks;                    /* [a] control thread: +1 every tick */
	int64_t ctl_busy_until_ms;             /* [a] control thread: in a long operation */
	uint64_t hb_loops[DP_MAX_WORKERS];     /* heartbeat thread only */
	int64_t hb_moved_us[DP_MAX_WORKERS];   /* heartbeat thread only: when loops last moved */
	uint64_t hb_ctl_ticks;                 /* heartbeat thread only */
	int64_t hb_ctl_seen_ms;                /* heartbeat thread only */
	uint64_t tick_loops[DP_MAX_WORKERS];   /* control thread only */
	int64_t tick_moved_ms[DP_MAX_WORKERS]; /* control thread only: when loops last moved */
	int64_t tick_ms;                       /* control thread only: its last tick */
	bool links_failed;                     /* control thread only */
	bool healthy;                          /* control thread only */
	/* Driver none without a coordinator: the control thread publishes the bypass to the
	 * dataplane (bypass_dp_sync()); any thread that changes the bypass marks it. */
	bool byp_dp_dirty; /* [a] */
};

static void
bypass_ctl_busy(struct daemon *d, bool busy);

/* Load the node config; print every problem. @return 0, or the process exit code. */
static int
load_config(const char *path, struct cfg_node *cfg)
{
	static struct cfg_errors errs;
	int ret;

	ret = cfg_node_load(path, cfg, &errs);
	if (ret == 0)
		return 0;
	cfg_errors_print(&errs, stderr);
	return ret == -EINVAL ? EXIT_INVALID_CONFIG : EXIT_UNREADABLE_CONFIG;
}

/* --check-config also reads the policy file the node config names (it cannot compile it
 * without the EAL; what only compiling finds, such as unknown link pairs, shows at start). */
static int
check_policy(const struct cfg_node *cfg)
{
	static struct cfg_errors errs;
	struct cfg_policy *pol = NULL;
	int ret;

	if (cfg->policy.file[0] == '\0')
		return 0;
	ret = cfg_policy_load(cfg->policy.file, &pol, &errs);
	cfg_policy_free(pol);
	if (ret == 0)
		return 0;
	cfg_errors_print(&errs, stderr);
	return ret == -EINVAL ? EXIT_INVALID_CONFIG : EXIT_UNREADABLE_CONFIG;
}

/* Load the policy file @path into the running dataplane and log the outcome: at start, on
 * SIGHUP and for "rampartctl policy load" (through struct ctl_node). */
static int
daemon_policy_load(void *arg, const char *path, struct cfg_errors *errs,
                   struct dp_policy_info *info)
{
	struct daemon *d = arg;
	int ret;

	ctl_dp_lock();
	bypass_ctl_busy(d, true); /* a compile may take the control thread for a while */
	ret = dp_policy_load(d->dp, path, errs, info);
	bypass_ctl_busy(d, !d->dp->running); /* start-up stays one until ready */
	ctl_dp_unlock();
	if (ret < 0) {
		unsigned int n = errs->count + errs->dropped;

		RP_LOG(ERR,
		       "policy %s not loaded (%u error%s); the running policy (version %" PRIu64
		       ") is unchanged",
		       path, n, n == 1 ? "" : "s", d->dp->policy_version);
		for (unsigned int i = 0; i < errs->count; i++) {
			if (errs->err[i].line > 0)
				RP_LOG(ERR, "%s:%d: %s", errs->file, errs->err[i].line,
				       errs->err[i].msg);
			else
				RP_LOG(ERR, "%s: %s", errs->file, errs->err[i].msg);
		}
		if (n == 0)
			RP_LOG(ERR, "%s: %s", path, strerror(-ret));
		return ret;
	}
	RP_LOG(NOTICE,
	       "policy %s loaded: version %" PRIu64 ", %s, %u rules (%u classifier "
	       "entries), %" PRIu64 " allow and %" PRIu64 " deny prefixes; parsed in %.1f ms, "
	       "compiled in %.1f ms, swapped in %.1f ms",
	       path, info->version, info->mode == CFG_MODE_MONITOR ? "monitor" : "enforce",
	       info->n_rules, info->n_acl_rules, info->n_allow, info->n_deny, info->parse_ms,
	       info->compile_ms, info->swap_ms);
	return 0;
}

static int
policy_load(struct daemon *d, const char *path)
{
	static struct cfg_errors errs;
	struct dp_policy_info info;

	cfg_errors_init(&errs, path);
	memset(&info, 0, sizeof(info));
	return daemon_policy_load(d, path, &errs, &info);
}

/* SIGHUP: reload the file the running policy came from, or the configured one. */
static void
policy_reload(struct daemon *d)
{
	struct dp_policy_info info;
	char path[sizeof(info.file)];

	dp_policy_info_get(d->dp, &info);
	snprintf(path, sizeof(path), "%s", info.file[0] ? info.file : d->cfg.policy.file);
	if (path[0] == '\0') {
		RP_LOG(NOTICE, "SIGHUP received: no policy file to reload");
		return;
	}
	RP_LOG(NOTICE, "SIGHUP received: reloading policy %s", path);
	policy_load(d, path);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* The EAL leaves its runtime directory (config, fbarrays, sockets) behind: remove it. */
static void
runtime_dir_remove(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * The EAL was started with a quiet global level so that its start-up chatter only shows at
 * debug. Now open the global level to the configured one (rte_log checks it first), keep the
 * EAL libraries and drivers at notice unless debugging, and give Rampart's own messages the
 * configured level.
 */
static void
log_levels_set(enum cfg_log_level level)
{
	uint32_t libs = level >= CFG_LOG_DEBUG ? RTE_LOG_DEBUG
	                                       : RTE_MIN((uint32_t)level, (uint32_t)RTE_LOG_NOTICE);
	int ret;

	rte_log_set_global_level(level);
	rte_log_set_level_pattern("lib.*", libs);
	rte_log_set_level_pattern("pmd.*", libs);
	ret = rte_log_register_type_and_pick_level("rampart", RTE_LOG_INFO);
	if (ret >= 0)
		rp_logtype = ret;
	rte_log_set_level(rp_logtype, level);
}

static void
links_watch(struct daemon *d)
{
	for (unsigned int i = 0; i < d->dp->n_ports; i++) {
		struct dp_link link;

		if (dp_port_link_get(d->dp, i, &link) < 0)
			continue;
		if (d->link_known[i] && d->link_up[i] == link.up)
			continue;
		if (link.up)
			RP_LOG(NOTICE, "port %s: link up, %u Mbps %s-duplex", d->dp->ports[i].name,
			       link.speed_mbps, link.full_duplex ? "full" : "half");
		else
			RP_LOG(WARNING, "port %s: link down", d->dp->ports[i].name);
		d->link_known[i] = true;
		d->link_up[i] = link.up;
	}
}

/* ---------------------------------------------------------------------------------------------
 * Bypass (docs/bypass.md): the driver from the config, the heartbeat's liveness test, health,
 * link-failure trigger, ready, stop, the test-only fault hook, and what HA asks of the bypass.
 */

/*
 * The control thread counts as alive while its 100 ms tick advanced within this window, or
 * while it is inside an operation it declared long (start-up, a policy load). The window
 * outlasts the longest legitimate pause of the event loop that is not declared: one slow
 * control client (1 s to send its request, 1 s to take the reply). A control thread wedged
 * for longer fails open.
 */
#define BYP_CTL_WINDOW_MS 3000
#define BYP_BUSY_MAX_MS 60000 /* a declared long operation is not trusted for longer */

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
mono_ms(void)
{
	return mono_us() / 1000;
}

/* The control thread starts (@busy) or ends a long operation. */
static void
bypass_ctl_busy(struct daemon *d, bool busy)
{
	__atomic_store_n(&d->ctl_busy_until_ms, busy ? mono_ms() + BYP_BUSY_MAX_MS : 0,
	                 __ATOMIC_RELEASE);
}

/*
 * The heartbeat thread's test, every watchdog_ms / 4: every worker's loop counter moved within
 * the last period, and the control thread is alive. Before the workers run there is nothing to
 * check of them (start-up is a declared long operation of the control thread). A worker is
 * judged over a whole period of real time, not between two tests: a late test is followed by
 * an early one, and a worker need not have looped in the moment between them (after a pause
 * of the machine the real-time heartbeat thread runs before the workers do). A wedged worker
 * is still caught at the first test a period after its last loop, as before.
 */
static bool
bypass_alive(void *arg)
{
	struct daemon *d = arg;
	struct dp *dp = __atomic_load_n(&d->dp, __ATOMIC_ACQUIRE);
	int64_t now_us = mono_us(), now = now_us / 1000;
	int64_t period_us = (int64_t)d->cfg.bypass.watchdog_ms * 1000 / 4;
	uint64_t ticks = __atomic_load_n(&d->ctl_ticks, __ATOMIC_ACQUIRE);
	bool ok = true;

	if (dp != NULL && __atomic_load_n(&dp->running, __ATOMIC_ACQUIRE)) {
		for (unsigned int w = 0; w < dp->n_workers; w++) {
			uint64_t loops = dp_worker_loops(dp, w);

			if (loops != d->hb_loops[w] || d->hb_moved_us[w] == 0) {
				d->hb_loops[w] = loops;
				d->hb_moved_us[w] = now_us;
			} else if (now_us - d->hb_moved_us[w] >= period_us) {
				ok = false;
			}
		}
	}
	if (ticks != d->hb_ctl_ticks || d->hb_ctl_seen_ms == 0) {
		d->hb_ctl_ticks = ticks;
		d->hb_ctl_seen_ms = now;
	} else if (now - d->hb_ctl_seen_ms > BYP_CTL_WINDOW_MS &&
	           now > __atomic_load_n(&d->ctl_busy_until_ms, __ATOMIC_ACQUIRE)) {
		ok = false;
	}
	return ok;
}

/*
 * Every change of the bypass state is logged once, here, whichever thread made it. Back inline
 * (an operator's clear, a re-arm), HA's flap limit is reset so that its instances run again: a
 * request to the HA thread, safe from any thread. Inline changes come from the control thread,
 * which owns d->ha.
 */
/*
 * What the bypass asks of the dataplane and of HA: with driver none the workers forward
 * uninspected in bypass and drop in disconnect (nothing else would); a disconnected wire
 * (but for start-up, which ends in a moment) holds HA down, since a master must forward.
 * HA's coordinator publishes it with its own view when it runs; otherwise the control thread
 * does, in bypass_dp_sync(), so the heartbeat thread never waits for a grace period.
 */
static void
bypass_view_push(struct daemon *d, enum byp_state state, enum byp_reason reason)
{
	bool none = d->cfg.bypass.driver == CFG_BYPASS_NONE;

	if (d->ha != NULL)
		ha_coord_bypass_view(d->ha, none && state == BYP_STATE_BYPASS,
		                     none && state == BYP_STATE_DISCONNECT,
		                     state == BYP_STATE_DISCONNECT &&
		                             reason != BYP_REASON_START_UP);
	else if (none)
		__atomic_store_n(&d->byp_dp_dirty, true, __ATOMIC_RELEASE);
}

/* Driver none and no coordinator: publish the bypass state to the workers. Control thread. */
static void
bypass_dp_sync(struct daemon *d)
{
	static struct dp_ha_conf hc; /* control thread only; large */
	enum byp_state state;

	if (d->byp == NULL || d->ha != NULL || d->dp == NULL || !d->dp->running ||
	    !__atomic_exchange_n(&d->byp_dp_dirty, false, __ATOMIC_ACQ_REL))
		return;
	state = byp_state_get(d->byp);
	memset(&hc, 0, sizeof(hc));
	for (unsigned int p = 0; p < d->cfg.n_link_pairs; p++) {
		hc.pair_uninspected[p] = state == BYP_STATE_BYPASS;
		hc.pair_standby[p] = state == BYP_STATE_DISCONNECT;
	}
	if (dp_ha_set(d->dp, &hc) < 0) {
		RP_LOG(ERR, "bypass: cannot tell the dataplane to %s; retried next tick",
		       state == BYP_STATE_BYPASS ? "forward uninspected" : "drop or forward");
		__atomic_store_n(&d->byp_dp_dirty, true, __ATOMIC_RELEASE);
	}
}

static void
bypass_changed(void *arg, enum byp_state state, enum byp_reason reason)
{
	struct daemon *d = arg;
	struct byp_hb_stalls hb;
	char why[128] = "";

	bypass_view_push(d, state, reason);
	if (state == BYP_STATE_INLINE) {
		RP_LOG(NOTICE, "bypass: inline, traffic goes through the dataplane");
		ha_coord_flaps_clear(d->ha);
		return;
	}
	/* A watchdog expiry seen by a live process: say what the heartbeat thread saw since
	 * start. Stalls mean the machine did not run the process; withheld beats, that a worker
	 * or the control thread did not move. */
	if (reason == BYP_REASON_WATCHDOG) {
		byp_hb_stalls_get(d->byp, &hb);
		snprintf(why, sizeof(why),
		         "; heartbeat thread stalls %" PRIu64 " (up to %" PRIu64 ".%" PRIu64
		         " ms late), beats withheld %" PRIu64,
		         hb.stalls, hb.max_late_ns / 1000000, hb.max_late_ns / 100000 % 10,
		         hb.withheld);
	}
	if (state == BYP_STATE_BYPASS)
		RP_LOG(WARNING, "bypass: engaged (%s): upstream is wired to protected uninspected%s",
		       byp_reason_name(reason), why);
	else
		RP_LOG(WARNING, "bypass: disconnected (%s): both sides dropped%s",
		       byp_reason_name(reason), why);
}
/* The XDP driver's interfaces: the iface= of each link pair's two ports. */
static int
bypass_xdp_conf(const struct cfg_node *cfg, struct byp_xdp_conf *xc, char *err, size_t errlen)
{
	const struct cfg_bypass *bc = &cfg->bypass;

	memset(xc, 0, sizeof(*xc));
	snprintf(xc->pin_dir, sizeof(xc->pin_dir), "%s/%s",
	         bc->pin_path[0] != '\0' ? bc->pin_path : "/sys/fs/bpf/rampart", cfg->node.id);
	xc->watchdog_ns = (uint64_t)bc->watchdog_ms * 1000000ull;
	xc->n_pairs = cfg->n_link_pairs;
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];
		const struct cfg_port *ports[2] = { &cfg->ports[lp->upstream],
			                            &cfg->ports[lp->protected] };
		char *names[2] = { xc->pairs[i].upstream, xc->pairs[i].protected };

		for (unsigned int s = 0; s < 2; s++) {
			int ret = cfg_port_iface(ports[s], names[s], BYP_IFNAME_MAX);

			if (ret < 0) {
				snprintf(err, errlen,
				         "bypass driver xdp needs a kernel interface on "
				         "every link-pair port, and port %s (%s) has %s",
				         ports[s]->name, ports[s]->device,
				         ret == -ENOENT ? "no iface= devarg"
				                        : "an invalid iface= devarg");
				return ret;
			}
		}
	}
	return 0;
}

#ifdef RP_HAVE_IXGBE_BYPASS
/* The ixgbe driver's ports: the DPDK port ids of each link pair's two ports, which the EAL
 * probed at its start (the config checked that they are two functions of one PCI device). */
static int
bypass_ixgbe_conf(const struct cfg_node *cfg, struct byp_ixgbe_conf *ic, char *err, size_t errlen)
{
	memset(ic, 0, sizeof(*ic));
	ic->watchdog_ms = cfg->bypass.watchdog_ms;
	ic->n_pairs = cfg->n_link_pairs;
	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];
		const struct cfg_port *ports[2] = { &cfg->ports[lp->upstream],
			                            &cfg->ports[lp->protected] };

		snprintf(ic->pairs[i].name, sizeof(ic->pairs[i].name), "%s", lp->name);
		for (unsigned int s = 0; s < 2; s++) {
			char why[256];
			int ret =
				dp_port_lookup(ports[s], &ic->pairs[i].ports[s], why, sizeof(why));

			if (ret < 0) {
				snprintf(err, errlen, "bypass driver ixgbe: %s", why);
				return ret;
			}
		}
	}
	return 0;
}
#endif

/* Create the bypass manager for the configured driver, probe it and start the heartbeat. */
static int
bypass_setup(struct daemon *d)
{
	const struct cfg_bypass *bc = &d->cfg.bypass;
	struct byp_driver *drv = NULL;
	struct byp_xdp_conf xc;
#ifdef RP_HAVE_IXGBE_BYPASS
	struct byp_ixgbe_conf ic;
#endif
	char err[512] = "";
	int ret;

	/* Start-up until ready is a long operation of the control thread. */
	bypass_ctl_busy(d, true);
	switch (bc->driver) {
	case CFG_BYPASS_XDP:
		ret = bypass_xdp_conf(&d->cfg, &xc, err, sizeof(err));
		if (ret < 0) {
			RP_LOG(ERR, "%s", err);
			return ret;
		}
		drv = byp_drv_xdp_create(&xc);
		break;
	case CFG_BYPASS_SYSFS:
		drv = byp_drv_sysfs_create(bc);
		break;
	case CFG_BYPASS_IXGBE:
#ifdef RP_HAVE_IXGBE_BYPASS
		ret = bypass_ixgbe_conf(&d->cfg, &ic, err, sizeof(err));
		if (ret < 0) {
			RP_LOG(ERR, "%s", err);
			return ret;
		}
		drv = byp_drv_ixgbe_create(&ic);
#else
		RP_LOG(ERR, "bypass driver ixgbe: this build has none (the meson option "
		            "ixgbe_bypass found no rte_pmd_ixgbe.h or librte_net_ixgbe)");
		return -ENOTSUP;
#endif
		break;
	default:
		drv = byp_drv_none_create();
		break;
	}
	if (drv == NULL) {
		ret = -errno;
		RP_LOG(ERR, "bypass driver: %s",
		       errno == ENOTSUP ? "this build has no XDP bypass "
		                          "(clang and bpftool were missing)"
		                        : strerror(errno));
		return ret;
	}
	d->byp = byp_create(bc, drv, NULL, NULL);
	if (d->byp == NULL) {
		ret = -errno;
		RP_LOG(ERR, "bypass manager: %s", strerror(errno));
		return ret;
	}
	byp_on_change_set(d->byp, bypass_changed, d);
	/* An HA node that may be a standby starts failing closed, until HA has elected. */
	if (d->cfg.ha.enabled && d->cfg.ha.mode != CFG_HA_ACTIVE_ACTIVE) {
		ret = byp_failsafe_set(d->byp, BYP_STATE_DISCONNECT);
		if (ret < 0)
			RP_LOG(WARNING,
			       "bypass: driver %s cannot disconnect (%s): a fail-open event "
			       "on this HA node may make a second path beside its peer",
			       cfg_bypass_driver_name(bc->driver), strerror(-ret));
	}
	ret = byp_probe(d->byp, err, sizeof(err));
	if (ret < 0) {
		RP_LOG(ERR, "bypass: %s", err);
		return ret;
	}
	ret = byp_hb_start(d->byp, bypass_alive, d);
	if (ret < 0) {
		RP_LOG(ERR, "bypass heartbeat thread: %s", strerror(-ret));
		return ret;
	}
	{
		struct byp_status st;

		byp_status_get(d->byp, &st);
		RP_LOG(NOTICE, "bypass driver %s: %s; watchdog %u ms, heartbeat %s, re-arm %s%s",
		       st.driver, st.drv.detail, st.watchdog_ms,
		       !st.hb_running   ? "off"
		       : st.hb_realtime ? "real-time"
		                        : "normal priority",
		       st.rearm_auto ? "auto" : "manual", st.drv_ok ? "" : " (status unreadable)");
	}
	d->healthy = true;
	return 0;
}

/*
 * Each tick of the control thread: say it is alive, judge the node's health (every worker made
 * progress within the last tick period; with on_link_failure, enough link pairs up), engage for
 * a link failure, and let the manager learn of watchdog expiries and re-arm. Progress is judged
 * over real time, not between two ticks: a late tick is followed by a prompt one (the timer is
 * periodic), and a worker need not have looped in the moment between them. The time a tick
 * comes late is not held against the workers: the control thread itself was kept from running,
 * and so, likely, were they (the whole process stopped, or the machine paused).
 */
static void
bypass_tick(struct daemon *d)
{
	const struct cfg_bypass *bc = &d->cfg.bypass;
	char why[96] = "";
	bool healthy = true, links_failed = false;
	int64_t now = mono_ms();
	int64_t late =
		d->tick_ms != 0 && now - d->tick_ms > TICK_MS ? now - d->tick_ms - TICK_MS : 0;

	__atomic_add_fetch(&d->ctl_ticks, 1, __ATOMIC_RELEASE);
	d->tick_ms = now;
	if (d->byp == NULL)
		return;
	if (d->dp != NULL && d->dp->running) {
		for (unsigned int w = 0; w < d->dp->n_workers; w++) {
			uint64_t loops = dp_worker_loops(d->dp, w);

			if (loops != d->tick_loops[w]) {
				d->tick_loops[w] = loops;
				d->tick_moved_ms[w] = now;
				continue;
			}
			d->tick_moved_ms[w] += late;
			if (now - d->tick_moved_ms[w] > TICK_MS && healthy) {
				healthy = false;
				snprintf(why, sizeof(why), "worker on lcore %u makes no progress",
				         d->dp->workers[w]->lcore);
			}
		}
	}
	if (bc->on_link_failure && d->dp != NULL) {
		unsigned int up = 0, need;

		for (unsigned int i = 0; i < d->cfg.n_link_pairs; i++) {
			struct dp_link a, b;
			const struct cfg_link_pair *lp = &d->cfg.link_pairs[i];

			if (dp_port_link_get(d->dp, lp->upstream, &a) == 0 && a.up &&
			    dp_port_link_get(d->dp, lp->protected, &b) == 0 && b.up)
				up++;
		}
		need = d->cfg.ha.enabled ? d->cfg.ha.min_active_links : d->cfg.n_link_pairs;
		links_failed = up < need;
		if (links_failed && healthy) {
			healthy = false;
			snprintf(why, sizeof(why), "%u of %u link pairs up, %u needed", up,
			         d->cfg.n_link_pairs, need);
		}
	}
	if (healthy != d->healthy) {
		if (healthy)
			RP_LOG(NOTICE, "bypass: the node is healthy again");
		else
			RP_LOG(WARNING, "bypass: the node is unhealthy: %s", why);
		d->healthy = healthy;
	}
	byp_health_set(d->byp, healthy, why);
	if (links_failed && !d->links_failed)
		byp_engage(d->byp, BYP_REASON_LINK_FAILURE);
	d->links_failed = links_failed;
	byp_tick(d->byp);
	bypass_dp_sync(d);
}

/* The node is ready: the start-up bypass ends. */
static void
bypass_ready(struct daemon *d)
{
	bypass_ctl_busy(d, false);
	if (d->byp == NULL)
		return;
	byp_ready(d->byp);
	bypass_dp_sync(d);
}

/*
 * A stop, clean or not: leave the wire as on_stop says, before the workers stop, and stop the
 * heartbeat thread, which reads the workers' counters, before the dataplane is freed.
 */
static void
bypass_stop(struct daemon *d)
{
	if (d->byp == NULL)
		return;
	if (byp_stop(d->byp) < 0)
		RP_LOG(ERR, "bypass: applying on_stop failed: the device may be left inline");
	byp_hb_stop(d->byp);
}

static void
bypass_destroy(struct daemon *d)
{
	d->node.byp = NULL;
	byp_destroy(d->byp);
	d->byp = NULL;
}

/*
 * fault.worker-stall {"worker": W, "ms": MS}: worker W stops making progress for MS ms, as a
 * wedged one would. Integration tests only: registered when RAMPART_FAULT_HOOKS=1.
 */
static int
fault_worker_stall(void *ctx, json_t *args, json_t **data, const char **error)
{
	struct daemon *d = ctx;
	json_t *w = json_object_get(args, "worker"), *ms = json_object_get(args, "ms");
	int ret;

	if (!json_is_integer(w) || !json_is_integer(ms) || json_integer_value(w) < 0 ||
	    json_integer_value(w) >= (json_int_t)d->dp->n_workers || json_integer_value(ms) < 0 ||
	    json_integer_value(ms) > 60000 || json_object_size(args) != 2) {
		*error = "takes {\"worker\": index, \"ms\": 0..60000}";
		return -EINVAL;
	}
	ret = dp_worker_stall(d->dp, (unsigned int)json_integer_value(w),
	                      (unsigned int)json_integer_value(ms));
	if (ret < 0) {
		*error = "the dataplane refused the stall";
		return ret;
	}
	RP_LOG(WARNING, "fault hook: worker %lld stalls for %lld ms", json_integer_value(w),
	       json_integer_value(ms));
	*data = json_pack("{s:I, s:I}", "worker", json_integer_value(w), "ms",
	                  json_integer_value(ms));
	return *data != NULL ? 0 : -ENOMEM;
}

/* The bypass control commands, its telemetry, and the fault hook when asked for. */
static int
bypass_register(struct daemon *d)
{
	const char *hooks = getenv("RAMPART_FAULT_HOOKS");
	int ret;

	ret = ctl_bypass_register(d->srv, &d->node);
	if (ret < 0)
		return ret;
	if (d->cfg.control.telemetry) {
		ret = ctl_telemetry_add(
			"/rampart/bypass", ctl_view_bypass_telemetry,
			"Bypass state, reasons, device, heartbeat and recent history. "
			"No parameters");
		if (ret < 0)
			RP_LOG(WARNING, "telemetry /rampart/bypass not registered: %s",
			       strerror(-ret));
	}
	if (hooks == NULL || strcmp(hooks, "1") != 0)
		return 0;
	RP_LOG(WARNING, "RAMPART_FAULT_HOOKS=1: test-only fault commands are enabled");
	return ctl_server_register(d->srv, "fault.worker-stall", fault_worker_stall, d);
}

/* The HA coordinator's log lines, on its own thread. */
static void
ha_log(void *arg, int level, const char *msg)
{
	(void)arg;
	rte_log((uint32_t)level, rp_logtype, "rampartd: %s\n", msg);
}

/* HA's flap limit (or its link monitor) engages the bypass, by the reason's name. */
static int
ha_bypass_engage(void *arg, const char *reason)
{
	struct daemon *d = arg;
	int r = byp_reason_parse(reason);

	if (d->byp == NULL)
		return -ENODEV;
	if (r < 0) {
		RP_LOG(ERR, "bypass requested by HA for an unknown reason \"%s\"", reason);
		return r;
	}
	return byp_engage(d->byp, (enum byp_reason)r);
}

/* HA says what a fail-open event must do on this node: disconnect while it may be a standby,
 * or a master whose peer would take over; bypass when it is the only path. */
static int
ha_bypass_failsafe(void *arg, bool disconnect)
{
	struct daemon *d = arg;
	int ret;

	if (d->byp == NULL)
		return -ENODEV;
	ret = byp_failsafe_set(d->byp, disconnect ? BYP_STATE_DISCONNECT : BYP_STATE_BYPASS);
	if (ret == 0)
		RP_LOG(NOTICE, "bypass: fail-safe state %s (%s)",
		       disconnect ? "disconnect" : "bypass",
		       disconnect ? "another node forwards or would take over"
		                  : "this node is the only path");
	return ret;
}

static bool
ha_bypass_engaged(void *arg)
{
	struct daemon *d = arg;

	return d->byp != NULL && byp_state_get(d->byp) != BYP_STATE_INLINE;
}

/* Start the HA coordinator when the config asks for HA or has l3 link pairs. */
static int
ha_start(struct daemon *d)
{
	struct ha_hooks hooks = {
		.arg = d,
		.log = ha_log,
		.bypass_engage = ha_bypass_engage,
		.bypass_engaged = ha_bypass_engaged,
		.bypass_failsafe = ha_bypass_failsafe,
	};
	char err[512];
	int ret;

	if (!ha_needed(&d->cfg))
		return 0;
	d->ha = ha_coord_create(&d->cfg, d->dp, &hooks, err, sizeof(err));
	if (d->ha == NULL) {
		RP_LOG(ERR, "%s", err);
		return -errno;
	}
	if (d->byp != NULL) {
		struct byp_status st;

		byp_status_get(d->byp, &st);
		bypass_view_push(d, st.state, st.reason);
	}
	ret = ha_coord_start(d->ha);
	if (ret < 0) {
		RP_LOG(ERR, "cannot start the HA thread: %s", strerror(-ret));
		return ret;
	}
	d->node.ha = d->ha;
	if (d->cfg.ha.enabled)
		RP_LOG(NOTICE, "ha: %s, %s, %u VRRP instance%s, %u peer%s",
		       cfg_ha_mode_name(d->cfg.ha.mode),
		       d->cfg.ha.primary ? "primary" : "secondary", d->cfg.ha.n_vrrp,
		       d->cfg.ha.n_vrrp == 1 ? "" : "s", d->cfg.ha.n_peers,
		       d->cfg.ha.n_peers == 1 ? "" : "s");
	return 0;
}

static int
event_fds_open(struct daemon *d)
{
	struct itimerspec its = {
		.it_interval = { 0, TICK_MS * 1000000L },
		.it_value = { 0, TICK_MS * 1000000L },
	};
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->timerfd < 0 || d->epfd < 0)
		return -errno;
	if (timerfd_settime(d->timerfd, 0, &its, NULL) < 0)
		return -errno;
	ev.data.fd = d->sigfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev) < 0)
		return -errno;
	ev.data.fd = d->timerfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->timerfd, &ev) < 0)
		return -errno;
	ev.data.fd = ctl_server_fd(d->srv);
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return -errno;
	return 0;
}

static void
event_fds_close(struct daemon *d)
{
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
}

static void
control_loop(struct daemon *d)
{
	while (!__atomic_load_n(&d->shutdown, __ATOMIC_ACQUIRE)) {
		struct epoll_event evs[8];
		int n = epoll_wait(d->epfd, evs, RTE_DIM(evs), 1000);

		if (n < 0 && errno != EINTR) {
			RP_LOG(ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == d->sigfd) {
				struct signalfd_siginfo si;

				if (read(d->sigfd, &si, sizeof(si)) != sizeof(si))
					continue;
				if (si.ssi_signo == SIGHUP) {
					policy_reload(d);
					continue;
				}
				RP_LOG(NOTICE, "%s received, stopping",
				       strsignal((int)si.ssi_signo));
				d->shutdown = true;
			} else if (fd == d->timerfd) {
				uint64_t ticks;

				if (read(d->timerfd, &ticks, sizeof(ticks)) <= 0)
					continue;
				/* Auto-blocks and blocklist expiry every tick, links every second.
				 */
				ctl_dp_lock();
				dp_tick(d->dp);
				ctl_dp_unlock();
				bypass_tick(d);
				if (++d->ticks % (1000 / TICK_MS) == 0)
					links_watch(d);
			} else {
				ctl_server_process(d->srv);
				bypass_dp_sync(d); /* an operator's engage, at once */
			}
		}
	}
	if (d->shutdown)
		RP_LOG(NOTICE, "shutting down");
}

static int
run(struct daemon *d, const char *argv0)
{
	char err[512], runtime_dir[PATH_MAX] = "";
	int ret, rc = EXIT_FAILURE;
	bool fresh_dir;
	sigset_t mask;

	/* Block the stop signals before the EAL creates threads, so they inherit the mask
	 * and the control thread alone receives them, through its signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->epfd = d->sigfd = d->timerfd = -1;

	/* A runtime directory that exists already is another process's (or a stale one, which
	 * the EAL reuses): never remove it if the EAL fails; one it creates is ours. */
	dp_runtime_dir_path(&d->cfg, runtime_dir, sizeof(runtime_dir));
	fresh_dir = access(runtime_dir, F_OK) != 0;
	ret = dp_eal_init(&d->cfg, argv0, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "rampartd: %s\n", err);
		if (fresh_dir)
			runtime_dir_remove(runtime_dir);
		return EXIT_FAILURE;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_openlog_stream(stderr);
	log_levels_set(d->cfg.log.level);
	if (bypass_setup(d) < 0)
		goto out;

	d->dp = dp_create(&d->cfg, err, sizeof(err));
	if (d->dp == NULL) {
		RP_LOG(ERR, "%s", err);
		goto out;
	}
	d->srv = ctl_server_create(d->cfg.control.socket, d->cfg.control.socket_mode);
	if (d->srv == NULL) {
		RP_LOG(ERR, "control socket %s: %s", d->cfg.control.socket,
		       errno == EADDRINUSE ? "another rampartd is serving it" : strerror(errno));
		goto out;
	}
	d->node = (struct ctl_node){
		.cfg = &d->cfg,
		.dp = d->dp,
		.srv = d->srv,
		.shutdown = &d->shutdown,
		.started = time(NULL),
		.policy_load = daemon_policy_load,
		.policy_load_arg = d,
	};
	d->node.byp = d->byp;
	ret = ctl_views_register(d->srv, &d->node);
	if (ret == 0)
		ret = bypass_register(d);
	if (ret == 0)
		ret = ctl_ha_register(d->srv, &d->node);
	if (ret < 0) {
		RP_LOG(ERR, "cannot register the control commands: %s", strerror(-ret));
		goto out;
	}
	if (d->cfg.control.telemetry && (ret = ctl_telemetry_register(&d->node)) < 0)
		RP_LOG(WARNING, "telemetry commands not registered: %s", strerror(-ret));
	ret = event_fds_open(d);
	if (ret < 0) {
		RP_LOG(ERR, "cannot set up the event loop: %s", strerror(-ret));
		goto out;
	}
	if (d->cfg.policy.file[0] != '\0' && policy_load(d, d->cfg.policy.file) < 0) {
		RP_LOG(ERR, "not starting without the configured policy");
		goto out;
	}
	ret = dp_start(d->dp, err, sizeof(err));
	if (ret < 0) {
		RP_LOG(ERR, "%s", err);
		goto out;
	}
	if (ha_start(d) < 0)
		goto out;
	RP_LOG(NOTICE, "node %s ready: %u ports, %u link pairs, %u workers, control socket %s",
	       d->cfg.node.id, d->dp->n_ports, d->cfg.n_link_pairs, d->dp->n_workers,
	       d->cfg.control.socket);
	links_watch(d);
	bypass_ready(d);
	control_loop(d);
	/* Only a stop that was asked for is a success; a broken event loop is not. */
	if (d->shutdown)
		rc = EXIT_SUCCESS;
out:
	bypass_stop(d);
	ctl_telemetry_close();
	/* HA before the dataplane: a master's priority-0 adverts leave while the ports run. */
	ha_coord_destroy(d->ha);
	d->ha = NULL;
	d->node.ha = NULL;
	dp_destroy(d->dp);
	d->dp = NULL;
	ctl_server_destroy(d->srv);
	d->srv = NULL;
	bypass_destroy(d);
	event_fds_close(d);
	rte_eal_cleanup();
	runtime_dir_remove(runtime_dir);
	if (rc == EXIT_SUCCESS)
		fprintf(stderr, "rampartd: stopped\n");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct daemon d;
	const char *config = NULL, *check = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'C':
			check = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("rampartd %s\n", RP_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_UNREADABLE_CONFIG;
		}
	}
	if (optind != argc || (config == NULL) == (check == NULL)) {
		usage(stderr);
		return EXIT_UNREADABLE_CONFIG;
	}
	if (check != NULL) {
		ret = load_config(check, &d.cfg);
		if (ret == 0)
			ret = check_policy(&d.cfg);
		if (ret == 0)
			printf("%s: valid\n", check);
		return ret;
	}
	ret = load_config(config, &d.cfg);
	if (ret != 0)
		return ret;
	return run(&d, argv[0]);
}
