/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart control plane: the Unix control socket (server and client), the
 * command table, and the JSON views of dataplane state.
 *
 * Wire protocol (docs/control-protocol.md): one request per connection on a
 * SOCK_STREAM Unix socket. The client writes one JSON object terminated by a
 * newline (or shuts down its write side); the server writes one JSON object
 * followed by a newline and closes.
 *
 *   request:  {"cmd": "stats", "args": {...}}           args optional
 *   reply:    {"ok": true,  "data": {...}}
 *             {"ok": false, "error": "what went wrong"}
 *             {"ok": false, "error": "...", "errors": ["p.conf:3: ...", ...]}   errors optional
 */
#ifndef RAMPART_CTL_H
#define RAMPART_CTL_H

#include <stddef.h>
#include <sys/types.h>

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

/* The views read these; the header stays free of DPDK so the CLI builds without it. */
struct byp;
struct cfg_errors;
struct cfg_node;
struct dp;
struct dp_policy_info;
struct ha_coord;

#define CTL_REQUEST_MAX (1u << 20) /* a request larger than this is refused */
#define CTL_REPLY_ERRORS_MAX 256   /* lines of "errors" in one error reply */

/* Limits of the mitigation commands, shared by rampartd and rampartctl. */
#define CTL_BLOCKLIST_TTL_MAX (30u * 24 * 3600) /* seconds: 30 days; 0 is permanent */
#define CTL_BLOCKLIST_LIST_DEFAULT 1000         /* entries blocklist.list returns by default */
#define CTL_BLOCKLIST_LIST_MAX 100000           /* and at most */

/* rampartctl exit codes, also used by the tests. */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_ERROR = 1,       /* the daemon answered with an error */
	CTL_EXIT_USAGE = 2,       /* bad command line */
	CTL_EXIT_UNREACHABLE = 3, /* no daemon at the socket, or it did not answer */
};

/*
 * A command handler. On success it returns 0 and sets *data to a new JSON value (the
 * reply's "data"). On failure it returns -errno and may set *error to a sentence for
 * the operator (a static or caller-owned string, copied by the server). A failure with more
 * to say than one sentence (every FILE:LINE problem of a policy) may also set *data to an
 * object whose "errors" member is an array of strings: the server passes those strings on
 * as the reply's "errors" (at most CTL_REPLY_ERRORS_MAX of them) and drops the rest of it.
 */
typedef int (*ctl_handler_t)(void *ctx, json_t *args, json_t **data, const char **error);

struct ctl_server;

/*
 * Create the control socket at @path with permission @mode, making the parent directory
 * (0755) if needed and replacing a stale socket file. Only peers whose SO_PEERCRED uid is
 * 0 or the daemon's own, or whose primary gid is the socket's group, are served.
 *
 * @return the server, or NULL with errno set (EADDRINUSE when a live daemon owns @path).
 */
struct ctl_server *
ctl_server_create(const char *path, mode_t mode);

/* Close the socket and remove the socket file. Accepts NULL. */
void
ctl_server_destroy(struct ctl_server *srv);

/* The listening fd, to put into the caller's epoll set (readable: call ctl_server_process). */
int
ctl_server_fd(const struct ctl_server *srv);

/* Add a command. @return 0, -EEXIST, -ENOSPC or -EINVAL. */
int
ctl_server_register(struct ctl_server *srv, const char *name, ctl_handler_t handler, void *ctx);

/*
 * Accept every pending connection and serve each one request (bounded by a short receive
 * timeout, so a stuck client cannot wedge the control thread).
 * A connection closed without sending anything (a liveness probe) is not a request.
 * @return the number of requests served.
 */
int
ctl_server_process(struct ctl_server *srv);

/* Counters of the server itself, for status. */
struct ctl_server_stats {
	unsigned long requests;
	unsigned long errors;    /* replies with ok=false */
	unsigned long refused;   /* peers refused by credentials */
	unsigned long malformed; /* requests that were not a JSON object with a "cmd" string */
};

void
ctl_server_stats_get(const struct ctl_server *srv, struct ctl_server_stats *st);

/*
 * Serve one request held in a buffer: the pure part of the server, used by the fuzz target.
 * @return a new JSON reply object (never NULL unless out of memory).
 */
json_t *
ctl_server_dispatch(struct ctl_server *srv, const char *buf, size_t len);

/* Write a message into the caller's @err buffer of @errlen bytes (ignored when NULL or 0). */
void
ctl_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Client: send {"cmd": @cmd, "args": @args} to the socket at @path and wait up to @timeout_ms
 * for the reply. @args may be NULL; it is not stolen.
 *
 * @return 0 and *reply set to the whole reply object (caller json_decref()s it);
 *         -errno when the daemon cannot be reached or did not answer with JSON, with a
 *         sentence in @err.
 */
int
ctl_client_request(const char *path, const char *cmd, json_t *args, int timeout_ms, json_t **reply,
                   char *err, size_t errlen);

/*
 * What the views of the node read. Owned by rampartd's main(); the views only read it,
 * except *shutdown, which the "shutdown" command sets.
 */
struct ctl_node {
	const struct cfg_node *cfg; /* [R] */
	struct dp *dp;              /* [R] */
	struct ctl_server *srv;     /* [C] */
	volatile bool *shutdown;    /* [a] set by the shutdown command */
	time_t started;             /* [R] wall clock when rampartd started */
	/*
	 * [R] What "policy.load" calls: the daemon's loader, which takes ctl_dp_lock() and logs
	 * the outcome. NULL: dp_policy_load() under ctl_dp_lock(), unlogged.
	 */
	int (*policy_load)(void *arg, const char *path, struct cfg_errors *errs,
	                   struct dp_policy_info *info);
	void *policy_load_arg;
	struct ha_coord *ha; /* [R] the HA coordinator, NULL when standalone */
	struct byp *byp;     /* [R] the bypass manager; NULL: none (views say so) */
};

/* JSON views of the node, shared by the control socket and telemetry (new references). */
json_t *
ctl_view_status(const struct ctl_node *node);

json_t *
ctl_view_ports(const struct ctl_node *node);

json_t *
ctl_view_stats(const struct ctl_node *node);

/*
 * Views of the mitigation pipeline (docs/control-protocol.md gives their shapes): the running
 * policy, its rules' counters, the drop counters (totals and per worker), and the dynamic
 * blocklist with at most @limit of its entries (0: counters only).
 */
json_t *
ctl_view_policy(const struct ctl_node *node);

json_t *
ctl_view_rules(const struct ctl_node *node);

json_t *
ctl_view_drops(const struct ctl_node *node);

json_t *
ctl_view_blocklist(const struct ctl_node *node, unsigned int limit);

/*
 * Bypass (control/ctl_bypass.c): the manager's state, reasons, device, heartbeat and counters,
 * with the history of changes when @history (newest first). The brief form {driver, state,
 * reason, ready} is the "bypass" member of the status view; the telemetry form keeps the eight
 * most recent history records.
 */
json_t *
ctl_view_bypass(const struct ctl_node *node, bool history);

json_t *
ctl_view_bypass_brief(const struct ctl_node *node);

json_t *
ctl_view_bypass_telemetry(const struct ctl_node *node);

/* Register bypass.status, bypass.engage, bypass.disconnect and bypass.clear. @return 0 or
 * -errno. */
int
ctl_bypass_register(struct ctl_server *srv, struct ctl_node *node);

/*
 * The running policy and the blocklist change on the control thread while the telemetry
 * thread reads them. Whoever changes them holds this lock: the control commands do, and so
 * must any other caller of dp_policy_load(), dp_blocklist_add/del/flush() or dp_tick() once
 * telemetry is registered. The views take it while they read; never call them with it held.
 */
void
ctl_dp_lock(void);

void
ctl_dp_unlock(void);

/*
 * Register every command on @srv: status, ports, stats, shutdown, policy.validate,
 * policy.load, policy.show, rules, blocklist.add, blocklist.del, blocklist.list,
 * blocklist.flush and drops. @return 0 or -errno.
 */
int
ctl_views_register(struct ctl_server *srv, struct ctl_node *node);

/* The HA views (docs/ha.md): the coordinator's status and its history of state changes.
 * A standalone node answers {"enabled": false, "role": "standalone"}. */
json_t *
ctl_view_ha(const struct ctl_node *node);

json_t *
ctl_view_ha_history(const struct ctl_node *node);

/* Register ha.status, ha.history, ha.maintenance and ha.simulate. @return 0 or -errno. */
int
ctl_ha_register(struct ctl_server *srv, struct ctl_node *node);

/*
 * Register /rampart/status, /rampart/ports, /rampart/stats, /rampart/policy, /rampart/rules,
 * /rampart/drops and /rampart/blocklist with rte_telemetry; they answer with the same data
 * as the control socket. Call after rte_eal_init().
 * @return 0 or -errno.
 */
int
ctl_telemetry_register(struct ctl_node *node);

/*
 * Add one more telemetry command @name ("/rampart/bypass") answering with @view of the node
 * given to ctl_telemetry_register(), flattened as the others are. Called before
 * ctl_telemetry_register(), it is registered with the others; after, at once.
 * @return 0 or -errno (-ENOSPC past a few extra commands, -ENAMETOOLONG).
 */
int
ctl_telemetry_add(const char *name, json_t *(*view)(const struct ctl_node *node), const char *help);

/*
 * Turn the telemetry commands away from now on and wait for those already running, so the
 * node they read can be destroyed. Call before dp_destroy().
 */
void
ctl_telemetry_close(void);

#endif /* RAMPART_CTL_H */
