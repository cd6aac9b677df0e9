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
#include <unistd.h>

#include <rte_eal.h>
#include <rte_common.h>
#include <rte_log.h>

#include "cfg.h"
#include "ctl.h"
#include "dp.h"
#include "ha.h"

static int rp_logtype = RTE_LOGTYPE_USER1;

#define RP_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, rp_logtype, "rampartd: " fmt "\n", ##__VA_ARGS__)

#define TICK_MS 100 /* the control thread's housekeeping period */

enum {
	EXIT_INVALID_CONFIG = 1,
	EXIT_UNREADABLE_CONFIG = 2,
};

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: rampartd -c FILE          run the node described by FILE\n"
		"       rampartd --check-config FILE\n"
		"                                 validate FILE: exit 0 valid, 1 invalid, 2 unreadable\n"
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
};

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
	ret = dp_policy_load(d->dp, path, errs, info);
	ctl_dp_unlock();
	if (ret < 0) {
		unsigned int n = errs->count + errs->dropped;

		RP_LOG(ERR, "policy %s not loaded (%u error%s); the running policy (version %" PRIu64
		       ") is unchanged", path, n, n == 1 ? "" : "s", d->dp->policy_version);
		for (unsigned int i = 0; i < errs->count; i++) {
			if (errs->err[i].line > 0)
				RP_LOG(ERR, "%s:%d: %s", errs->file, errs->err[i].line, errs->err[i].msg);
			else
				RP_LOG(ERR, "%s: %s", errs->file, errs->err[i].msg);
		}
		if (n == 0)
			RP_LOG(ERR, "%s: %s", path, strerror(-ret));
		return ret;
	}
	RP_LOG(NOTICE, "policy %s loaded: version %" PRIu64 ", %s, %u rules (%u classifier "
	       "entries), %" PRIu64 " allow and %" PRIu64 " deny prefixes; parsed in %.1f ms, "
	       "compiled in %.1f ms, swapped in %.1f ms", path, info->version,
	       info->mode == CFG_MODE_MONITOR ? "monitor" : "enforce", info->n_rules,
	       info->n_acl_rules, info->n_allow, info->n_deny, info->parse_ms, info->compile_ms,
	       info->swap_ms);
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
	uint32_t libs = level >= CFG_LOG_DEBUG ? RTE_LOG_DEBUG : RTE_MIN((uint32_t)level,
									 (uint32_t)RTE_LOG_NOTICE);
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

/* The HA coordinator's log lines, on its own thread. */
static void
ha_log(void *arg, int level, const char *msg)
{
	(void)arg;
	rte_log((uint32_t)level, rp_logtype, "rampartd: %s\n", msg);
}

static int
ha_bypass_engage(void *arg, const char *reason)
{
	(void)arg;
	RP_LOG(ERR, "bypass requested by HA (%s), but this node has no bypass driver", reason);
	return -ENOTSUP;
}

/* Start the HA coordinator when the config asks for HA or has l3 link pairs. */
static int
ha_start(struct daemon *d)
{
	struct ha_hooks hooks = {
		.arg = d, .log = ha_log, .bypass_engage = ha_bypass_engage,
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
	ret = ha_coord_start(d->ha);
	if (ret < 0) {
		RP_LOG(ERR, "cannot start the HA thread: %s", strerror(-ret));
		return ret;
	}
	d->node.ha = d->ha;
	if (d->cfg.ha.enabled)
		RP_LOG(NOTICE, "ha: %s, %s, %u VRRP instance%s, %u peer%s",
		       cfg_ha_mode_name(d->cfg.ha.mode), d->cfg.ha.primary ? "primary" : "secondary",
		       d->cfg.ha.n_vrrp, d->cfg.ha.n_vrrp == 1 ? "" : "s", d->cfg.ha.n_peers,
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
				RP_LOG(NOTICE, "%s received, stopping", strsignal((int)si.ssi_signo));
				d->shutdown = true;
			} else if (fd == d->timerfd) {
				uint64_t ticks;

				if (read(d->timerfd, &ticks, sizeof(ticks)) <= 0)
					continue;
				/* Auto-blocks and blocklist expiry every tick, links every second. */
				ctl_dp_lock();
				dp_tick(d->dp);
				ctl_dp_unlock();
				if (++d->ticks % (1000 / TICK_MS) == 0)
					links_watch(d);
			} else {
				ctl_server_process(d->srv);
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
		.cfg = &d->cfg, .dp = d->dp, .srv = d->srv, .shutdown = &d->shutdown,
		.started = time(NULL), .policy_load = daemon_policy_load, .policy_load_arg = d,
	};
	ret = ctl_views_register(d->srv, &d->node);
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
	control_loop(d);
	/* Only a stop that was asked for is a success; a broken event loop is not. */
	if (d->shutdown)
		rc = EXIT_SUCCESS;
out:
	ctl_telemetry_close();
	/* HA before the dataplane: a master's priority-0 adverts leave while the ports run. */
	ha_coord_destroy(d->ha);
	d->ha = NULL;
	d->node.ha = NULL;
	dp_destroy(d->dp);
	d->dp = NULL;
	ctl_server_destroy(d->srv);
	d->srv = NULL;
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
