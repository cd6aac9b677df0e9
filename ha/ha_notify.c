/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA notify runner: posix_spawn() of the operator's script, reaped with waitpid(WNOHANG).
 *
 * posix_spawn() rather than fork(): glibc starts the child with clone(CLONE_VM | CLONE_VFORK),
 * so the caller waits only until the child has called execve(), and no copy of rampartd's
 * page tables (hugepage mappings included) is ever made.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ha_notify.h"

#define NOTIFY_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int
ha_notify_init(struct ha_notify *n, const char *path, const char *node_id, uint64_t timeout_ns)
{
	memset(n, 0, sizeof(*n));
	n->last_status = -1;
	n->timeout_ns = timeout_ns;
	if (path == NULL)
		path = "";
	if (node_id == NULL)
		node_id = "";
	if (strlen(path) >= sizeof(n->path) || strlen(node_id) >= sizeof(n->node_id))
		return -ENAMETOOLONG;
	strcpy(n->path, path);
	strcpy(n->node_id, node_id);
	return 0;
}

static bool
arg_ok(const char *s)
{
	return s != NULL && strlen(s) < HA_NOTIFY_ARG_MAX;
}

/* Set @fa and @attr up for a child as ha_notify.h describes. @return 0 or -errno. */
static int
spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr)
{
	sigset_t set;
	int rc;

	rc = posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
	/* Sockets, timerfds and epoll of the daemon stay out of the script. */
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#endif
	if (rc == 0)
		rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
		                                            POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(attr, 0);
	/* rampartd's threads block signals they take through signalfd; the script gets none
	 * blocked and every signal at its default action. */
	if (rc == 0) {
		sigemptyset(&set);
		rc = posix_spawnattr_setsigmask(attr, &set);
	}
	if (rc == 0) {
		sigfillset(&set);
		rc = posix_spawnattr_setsigdefault(attr, &set);
	}
	return -rc;
}

int
ha_notify_run(struct ha_notify *n, const char *instance, const char *old_state,
              const char *new_state, const char *reason, uint64_t now)
{
	char e_node[sizeof("RAMPART_NODE_ID=") + HA_NOTIFY_ARG_MAX];
	char e_inst[sizeof("RAMPART_INSTANCE=") + HA_NOTIFY_ARG_MAX];
	char e_old[sizeof("RAMPART_OLD_STATE=") + HA_NOTIFY_ARG_MAX];
	char e_new[sizeof("RAMPART_NEW_STATE=") + HA_NOTIFY_ARG_MAX];
	char e_reason[sizeof("RAMPART_REASON=") + HA_NOTIFY_ARG_MAX];
	char *const envp[] = { NOTIFY_PATH_ENV, e_node, e_inst, e_old, e_new, e_reason, NULL };
	char *const argv[] = { n->path,           (char *)instance, (char *)old_state,
		               (char *)new_state, (char *)reason,   NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	unsigned int slot;
	pid_t pid;
	int rc;

	if (!arg_ok(instance) || !arg_ok(old_state) || !arg_ok(new_state) || !arg_ok(reason))
		return -EINVAL;
	if (n->path[0] == '\0')
		return 0;
	for (slot = 0; slot < HA_NOTIFY_MAX_CHILDREN; slot++)
		if (n->child[slot].pid == 0)
			break;
	if (slot == HA_NOTIFY_MAX_CHILDREN) {
		n->skipped++;
		return -EBUSY;
	}
	snprintf(e_node, sizeof(e_node), "RAMPART_NODE_ID=%s", n->node_id);
	snprintf(e_inst, sizeof(e_inst), "RAMPART_INSTANCE=%s", instance);
	snprintf(e_old, sizeof(e_old), "RAMPART_OLD_STATE=%s", old_state);
	snprintf(e_new, sizeof(e_new), "RAMPART_NEW_STATE=%s", new_state);
	snprintf(e_reason, sizeof(e_reason), "RAMPART_REASON=%s", reason);

	rc = -posix_spawn_file_actions_init(&fa);
	if (rc < 0)
		goto fail;
	rc = -posix_spawnattr_init(&attr);
	if (rc < 0)
		goto destroy_fa;
	rc = spawn_setup(&fa, &attr);
	if (rc == 0)
		rc = -posix_spawn(&pid, n->path, &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
destroy_fa:
	posix_spawn_file_actions_destroy(&fa);
	if (rc < 0)
		goto fail;
	n->child[slot].pid = pid;
	n->child[slot].started = now;
	n->child[slot].killed = false;
	n->running++;
	n->started++;
	return 0;
fail:
	n->spawn_errors++;
	n->last_spawn_error = rc;
	return rc;
}

static void
notify_record(struct ha_notify *n, int status)
{
	n->exited++;
	if (WIFEXITED(status))
		n->last_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		n->last_status = 128 + WTERMSIG(status);
	else
		n->last_status = 255;
	if (n->last_status != 0)
		n->failures++;
}

unsigned int
ha_notify_reap(struct ha_notify *n, uint64_t now)
{
	unsigned int reaped = 0;

	for (unsigned int i = 0; i < HA_NOTIFY_MAX_CHILDREN; i++) {
		struct ha_notify_child *c = &n->child[i];
		int status;
		pid_t r;

		if (c->pid == 0)
			continue;
		do
			r = waitpid(c->pid, &status, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			if (n->timeout_ns != 0 && !c->killed && now > c->started &&
			    now - c->started > n->timeout_ns) {
				/* Its own children (the group) go too. */
				kill(-c->pid, SIGKILL);
				kill(c->pid, SIGKILL);
				c->killed = true;
				n->timeouts++;
			}
			continue;
		}
		if (r == c->pid)
			notify_record(n, status);
		/* r < 0 (ECHILD): someone else reaped it; the slot is free, its status lost. */
		c->pid = 0;
		n->running--;
		reaped++;
	}
	return reaped;
}

unsigned int
ha_notify_running(const struct ha_notify *n)
{
	return n->running;
}

void
ha_notify_fini(struct ha_notify *n)
{
	if (n == NULL)
		return;
	ha_notify_reap(n, 0);
	memset(n->child, 0, sizeof(n->child));
	n->running = 0;
}
