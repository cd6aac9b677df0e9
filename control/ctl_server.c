/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server: a Unix SOCK_STREAM listener owned by the control thread.
 * One request per connection; peers are checked with SO_PEERCRED (root, or a member of the
 * socket's group by primary gid). A short receive timeout bounds how long one client can
 * hold the control thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_priv.h"

#define CTL_MAX_COMMANDS 64
#define CTL_NAME_MAX 48
#define CTL_CLIENT_TIMEOUT_MS 1000 /* to send the request; and to take a small reply */
#define CTL_REPLY_BYTES_PER_MS 8192 /* a large reply gets 1 ms more per 8 KiB (8 MB/s) */
#define CTL_ACCEPT_BATCH 4          /* connections served before returning to the event loop */

/* The stats are written by the control thread and read by the telemetry thread. */
#define STAT_INC(srv, field) __atomic_fetch_add(&(srv)->stats.field, 1, __ATOMIC_RELAXED)
#define STAT_READ(srv, field) __atomic_load_n(&(srv)->stats.field, __ATOMIC_RELAXED)

struct ctl_command {
	char name[CTL_NAME_MAX];
	ctl_handler_t handler;
	void *ctx;
};

struct ctl_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t gid; /* the socket's group: its members may connect */
	unsigned int n_commands;
	struct ctl_command commands[CTL_MAX_COMMANDS];
	struct ctl_server_stats stats; /* [C] written, [a] read by telemetry */
};

static int
mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno == ENOENT) {
		/* One more level, for /run/rampart/<stack>/x.sock style paths. */
		if (mkdir_parent(dir) < 0)
			return -errno;
		if (mkdir(dir, 0755) == 0 || errno == EEXIST)
			return 0;
	}
	return -errno;
}

/*
 * A socket file that refuses connections (ECONNREFUSED: nobody listens) is stale; one that
 * accepts belongs to a live daemon. @return 0 when stale, -EADDRINUSE when live, another
 * -errno when it cannot tell (then nothing is removed).
 */
static int
socket_probe(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		ret = -EADDRINUSE;
	else if (errno != ECONNREFUSED)
		ret = -errno;
	close(fd);
	return ret;
}

struct ctl_server *
ctl_server_create(const char *path, mode_t mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *srv;
	mode_t old_mask;
	struct stat st;
	int ret;

	if (path == NULL || strlen(path) >= sizeof(sa.sun_path) || path[0] == '\0') {
		errno = ENAMETOOLONG;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return NULL;
	srv->fd = -1;
	snprintf(srv->path, sizeof(srv->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path));

	ret = mkdir_parent(path);
	if (ret < 0)
		goto fail;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			ret = -EEXIST;
			goto fail;
		}
		ret = socket_probe(&sa);
		if (ret < 0)
			goto fail;
		unlink(path);
	}
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* The mode is set by the umask at bind(), so the path is never chmod()ed after the
	 * fact (a path that could have been swapped for a symlink meanwhile). */
	old_mask = umask(~mode & 0777);
	ret = bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old_mask);
	if (ret < 0)
		goto fail;
	if (stat(path, &st) < 0) {
		ret = -errno;
		goto fail_unlink;
	}
	srv->gid = st.st_gid;
	if (listen(srv->fd, 16) < 0) {
		ret = -errno;
		goto fail_unlink;
	}
	return srv;
fail_unlink:
	unlink(path);
fail:
	if (srv->fd >= 0)
		close(srv->fd);
	free(srv);
	errno = -ret;
	return NULL;
}

void
ctl_server_destroy(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	if (srv->fd >= 0) {
		close(srv->fd);
		unlink(srv->path);
	}
	free(srv);
}

int
ctl_server_fd(const struct ctl_server *srv)
{
	return srv->fd;
}

int
ctl_server_register(struct ctl_server *srv, const char *name, ctl_handler_t handler, void *ctx)
{
	if (name == NULL || handler == NULL || strlen(name) >= CTL_NAME_MAX || name[0] == '\0')
		return -EINVAL;
	for (unsigned int i = 0; i < srv->n_commands; i++)
		if (strcmp(srv->commands[i].name, name) == 0)
			return -EEXIST;
	if (srv->n_commands >= CTL_MAX_COMMANDS)
		return -ENOSPC;
	snprintf(srv->commands[srv->n_commands].name, CTL_NAME_MAX, "%s", name);
	srv->commands[srv->n_commands].handler = handler;
	srv->commands[srv->n_commands].ctx = ctx;
	srv->n_commands++;
	return 0;
}

void
ctl_server_stats_get(const struct ctl_server *srv, struct ctl_server_stats *st)
{
	st->requests = STAT_READ(srv, requests);
	st->errors = STAT_READ(srv, errors);
	st->refused = STAT_READ(srv, refused);
	st->malformed = STAT_READ(srv, malformed);
}

static json_t *
reply_error(struct ctl_server *srv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *
reply_error(struct ctl_server *srv, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Messages may quote what the client sent (a parse error's context, a command name):
	 * keep them printable ASCII, or jansson refuses the string and there is no reply. */
	for (char *c = msg; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	STAT_INC(srv, errors);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

/*
 * Pass the "errors" of a failed handler's @details on into @reply: its string elements, in
 * order, at most CTL_REPLY_ERRORS_MAX. Nothing else of @details reaches the client.
 */
static void
reply_add_errors(json_t *reply, json_t *details)
{
	json_t *errors = json_object_get(details, "errors"), *lines, *e;
	size_t i;

	if (reply == NULL || !json_is_array(errors) || json_array_size(errors) == 0)
		return;
	lines = json_array();
	json_array_foreach(errors, i, e) {
		if (json_array_size(lines) >= CTL_REPLY_ERRORS_MAX)
			break;
		if (json_is_string(e))
			json_array_append(lines, e);
	}
	if (json_array_size(lines) > 0)
		json_object_set_new(reply, "errors", lines);
	else
		json_decref(lines);
}

json_t *
ctl_server_dispatch(struct ctl_server *srv, const char *buf, size_t len)
{
	const struct ctl_command *cmd = NULL;
	const char *name, *error = NULL;
	json_t *req, *args, *data = NULL, *reply;
	json_error_t jerr;
	int ret;

	STAT_INC(srv, requests);
	req = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &jerr);
	if (req == NULL) {
		STAT_INC(srv, malformed);
		return reply_error(srv, "request is not JSON: %s (column %d)", jerr.text,
				   jerr.column);
	}
	if (!json_is_object(req) || !json_is_string(json_object_get(req, "cmd"))) {
		STAT_INC(srv, malformed);
		json_decref(req);
		return reply_error(srv, "request must be an object with a \"cmd\" string");
	}
	name = json_string_value(json_object_get(req, "cmd"));
	args = json_object_get(req, "args");
	if (args != NULL && !json_is_object(args)) {
		STAT_INC(srv, malformed);
		json_decref(req);
		return reply_error(srv, "\"args\" must be an object");
	}
	for (unsigned int i = 0; i < srv->n_commands; i++)
		if (strcmp(srv->commands[i].name, name) == 0)
			cmd = &srv->commands[i];
	if (cmd == NULL) {
		reply = reply_error(srv, "unknown command \"%.64s\"", name);
		json_decref(req);
		return reply;
	}
	if (args == NULL) {
		args = json_object();
		json_object_set_new(req, "args", args);
	}
	ret = cmd->handler(cmd->ctx, args, &data, &error);
	if (ret < 0) {
		reply = reply_error(srv, "%s: %s", name, error != NULL ? error : strerror(-ret));
		reply_add_errors(reply, data);
		json_decref(data);
	} else {
		reply = json_pack("{s:b, s:o}", "ok", 1, "data", data != NULL ? data : json_object());
	}
	json_decref(req);
	return reply;
}

static bool
peer_allowed(const struct ctl_server *srv, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid() || cred.gid == srv->gid;
}

/* Wait until @fd is ready for @events or @deadline (CLOCK_MONOTONIC ms) passes. */
static bool
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left = deadline - ctl_now_ms();

	return left > 0 && poll(&pfd, 1, (int)left) > 0;
}

/* Read one request: up to a newline or EOF, before @deadline. A client that trickles bytes
 * cannot hold the control thread longer than that. */
static ssize_t
read_request(int fd, char *buf, size_t size, long long deadline)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n;

		if (!wait_fd(fd, POLLIN, deadline))
			return -ETIMEDOUT;
		n = read(fd, buf + len, size - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (memchr(buf + len, '\n', (size_t)n) != NULL) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	if (len >= size)
		return -EMSGSIZE;
	return (ssize_t)len;
}

static void
write_all(int fd, const char *buf, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!wait_fd(fd, POLLOUT, deadline))
				return;
			continue;
		}
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Serve one connection. @return false when the peer sent nothing (a liveness probe). */
static bool
serve(struct ctl_server *srv, int fd)
{
	static char buf[CTL_REQUEST_MAX];
	long long deadline = ctl_now_ms() + CTL_CLIENT_TIMEOUT_MS;
	json_t *reply;
	ssize_t len;
	char *out;

	if (!peer_allowed(srv, fd)) {
		STAT_INC(srv, refused);
		reply = reply_error(srv,
				    "permission denied: only root, uid %u (rampartd's user) and "
				    "members of group %u may use this socket",
				    (unsigned int)geteuid(), (unsigned int)srv->gid);
	} else {
		len = read_request(fd, buf, sizeof(buf), deadline);
		if (len == -EMSGSIZE) {
			STAT_INC(srv, malformed);
			reply = reply_error(srv, "request larger than %u bytes", CTL_REQUEST_MAX);
		} else if (len < 0) {
			STAT_INC(srv, malformed);
			return true;
		} else if (len == 0) {
			return false;
		} else {
			reply = ctl_server_dispatch(srv, buf, (size_t)len);
		}
	}
	if (reply == NULL)
		return true;
	out = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (out == NULL)
		return true;
	/* The time the command took is the daemon's, not the client's: the client gets its own
	 * time to take the reply, longer for a long one (every rule of a large policy). */
	deadline = ctl_now_ms() + CTL_CLIENT_TIMEOUT_MS +
		   (long long)(strlen(out) / CTL_REPLY_BYTES_PER_MS);
	write_all(fd, out, strlen(out), deadline);
	write_all(fd, "\n", 1, deadline);
	free(out);
	return true;
}

int
ctl_server_process(struct ctl_server *srv)
{
	int served = 0;

	/* A few at a time: the listening socket stays readable, so the event loop comes back
	 * for the rest after it has looked at signals and timers. */
	for (int i = 0; i < CTL_ACCEPT_BATCH; i++) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break; /* EAGAIN: nothing pending */
		}
		if (serve(srv, fd))
			served++;
		close(fd);
	}
	return served;
}
