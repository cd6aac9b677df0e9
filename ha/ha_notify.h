/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart HA notify runner: runs the operator's ha.notify script on every state change,
 * without ever blocking the caller (the HA coordinator thread).
 *
 * The script is started with posix_spawn() as
 *     <script> <instance> <old state> <new state> <reason>
 * with stdin and stdout on /dev/null, stderr inherited (the daemon's log), in a process group
 * of its own, with default signal dispositions and an empty signal mask, no file descriptor
 * above 2, and an environment of its own:
 *     PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 *     RAMPART_NODE_ID, RAMPART_INSTANCE, RAMPART_OLD_STATE, RAMPART_NEW_STATE, RAMPART_REASON
 * At most HA_NOTIFY_MAX_CHILDREN run at a time; a change that finds them all busy is counted
 * as skipped. Children are collected by ha_notify_reap(), which the coordinator calls from a
 * timer: it never waits. A child that outlives the configured timeout is killed with its
 * process group.
 *
 * Only one thread may use a struct ha_notify. The process must not ignore SIGCHLD (children
 * would then be reaped by the kernel and their statuses lost).
 */
#ifndef RAMPART_HA_NOTIFY_H
#define RAMPART_HA_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HA_NOTIFY_MAX_CHILDREN 8
#define HA_NOTIFY_PATH_MAX 216 /* as cfg_ha.notify */
#define HA_NOTIFY_ARG_MAX 128  /* bytes in one of instance, old, new, reason (incl. NUL) */

struct ha_notify_child {
	pid_t pid;        /* 0: free slot */
	uint64_t started; /* when it was spawned (the caller's clock, ns) */
	bool killed;      /* SIGKILL sent for outliving the timeout */
};

struct ha_notify {
	char path[HA_NOTIFY_PATH_MAX]; /* "" when no script is configured */
	char node_id[HA_NOTIFY_ARG_MAX];
	uint64_t timeout_ns; /* 0: children may run for ever */
	unsigned int running;
	struct ha_notify_child child[HA_NOTIFY_MAX_CHILDREN];
	/* Counters for the status. */
	uint64_t started;      /* children spawned */
	uint64_t skipped;      /* changes not notified: every slot busy */
	uint64_t spawn_errors; /* posix_spawn() failed (missing script, not executable) */
	int last_spawn_error;  /* its -errno, 0 if none */
	uint64_t exited;       /* children reaped */
	uint64_t failures;     /* ... that exited non-zero or were killed by a signal */
	uint64_t timeouts;     /* ... that were killed for outliving the timeout */
	int last_status;       /* of the last reaped child: its exit code, or 128 + the
	                        * signal that killed it; -1 before any */
};

/*
 * Set up a runner for @path ("" or NULL: notifications are no-ops) on behalf of node
 * @node_id. @timeout_ns 0 lets children run for ever. @return 0, or -ENAMETOOLONG when @path
 * or @node_id does not fit.
 */
int
ha_notify_init(struct ha_notify *n, const char *path, const char *node_id, uint64_t timeout_ns);

/*
 * Start the script for one state change at @now. @return 0 when it was started or when no
 * script is configured; -EBUSY when HA_NOTIFY_MAX_CHILDREN are running (counted as skipped);
 * -EINVAL when an argument is NULL or longer than HA_NOTIFY_ARG_MAX - 1; another -errno when
 * posix_spawn() failed (-ENOENT, -EACCES...), counted in spawn_errors.
 */
int
ha_notify_run(struct ha_notify *n, const char *instance, const char *old_state,
              const char *new_state, const char *reason, uint64_t now);

/*
 * Collect the children that have ended, without waiting; kill (SIGKILL, whole process group)
 * those started more than timeout_ns before @now. @return how many were collected.
 */
unsigned int
ha_notify_reap(struct ha_notify *n, uint64_t now);

/* Children still running (as of the last run or reap). */
unsigned int
ha_notify_running(const struct ha_notify *n);

/*
 * Stop tracking the children: those still running are left to finish on their own (their
 * statuses are not collected). Accepts NULL.
 */
void
ha_notify_fini(struct ha_notify *n);

#endif /* RAMPART_HA_NOTIFY_H */
