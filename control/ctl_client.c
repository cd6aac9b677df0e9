/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side of the control socket: one request per connection.
 *
 * The daemon on the other end is trusted to be rampartd, but not trusted to be well: a reply
 * that is late, endless, not JSON or shaped wrong is reported as an error, never followed.
 * Every wait is bounded by one deadline taken when the request starts.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_priv.h"

#define CTL_REPLY_MAX        ((size_t)CTL_REQUEST_MAX * 64) /* a longer reply is refused */
#define CTL_READ_CHUNK       65536
#define CTL_CONNECT_RETRY_MS 10 /* pause between attempts while the daemon's backlog is full */

void
ctl_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

long long
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before @deadline as a poll() timeout: -1 when there is no deadline. */
static int
remaining_ms(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - ctl_now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/*
 * Wait until @fd is ready for @events or the deadline passes.
 * @return 0 when ready (or hung up: the next read or write says how), -ETIMEDOUT, or -errno.
 */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int n;

	for (;;) {
		n = poll(&pfd, 1, remaining_ms(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int
client_connect(int fd, const struct sockaddr_un *sun, long long deadline)
{
	socklen_t len;
	int soerr;
	int rc;

	for (;;) {
		if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			/* The listen backlog is full: try again until the deadline. */
			if (remaining_ms(deadline) == 0)
				return -ETIMEDOUT;
			poll(NULL, 0, CTL_CONNECT_RETRY_MS);
			continue;
		}
		if (errno != EINPROGRESS)
			return -errno;
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc < 0)
			return rc;
		len = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			return -errno;
		return -soerr;
	}
}

/*
 * Write the whole request. A daemon that closes early may still have answered (with an
 * error, say), so a reset or a broken pipe ends the writing and the reply is read anyway.
 */
static int
client_send(int fd, const char *buf, size_t len, long long deadline)
{
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return 0;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Read until the daemon closes the connection.
 * @return the number of bytes in *out (NUL-terminated, caller frees), -ETIMEDOUT, -EMSGSIZE
 *         when the reply exceeds CTL_REPLY_MAX, or -errno.
 */
static ssize_t
client_recv(int fd, char **out, long long deadline)
{
	char *buf = NULL;
	size_t cap = 0;
	size_t len = 0;
	ssize_t n;
	char *nbuf;
	int rc;

	for (;;) {
		if (cap - len < CTL_READ_CHUNK + 1 && cap < CTL_REPLY_MAX + 2) {
			size_t ncap = cap == 0 ? CTL_READ_CHUNK * 2 : cap * 2;

			if (ncap > CTL_REPLY_MAX + 2)
				ncap = CTL_REPLY_MAX + 2;
			nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				rc = -ENOMEM;
				goto err_free;
			}
			buf = nbuf;
			cap = ncap;
		}
		/* One byte more than the limit may be read: that is how an oversize is seen. */
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n > 0) {
			len += (size_t)n;
			if (len > CTL_REPLY_MAX) {
				rc = -EMSGSIZE;
				goto err_free;
			}
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		/* Data queued before a reset is read first; the reset then only ends it. */
		if (errno == ECONNRESET)
			break;
		if (errno != EAGAIN) {
			rc = -errno;
			goto err_free;
		}
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc < 0)
			goto err_free;
	}
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;

err_free:
	free(buf);
	return rc;
}

/* Build the request line: {"cmd": @cmd, "args": @args} and a newline. */
static char *
client_request_line(const char *cmd, json_t *args, size_t *len)
{
	json_t *req;
	char *line;
	char *out;
	size_t n;

	req = json_object();
	if (req == NULL)
		return NULL;
	if (json_object_set_new(req, "cmd", json_string(cmd)) < 0 ||
	    (args != NULL && json_object_set(req, "args", args) < 0)) {
		json_decref(req);
		return NULL;
	}
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (line == NULL)
		return NULL;
	n = strlen(line);
	out = realloc(line, n + 2);
	if (out == NULL) {
		free(line);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	*len = n + 1;
	return out;
}

static int
client_parse(const char *buf, size_t len, json_t **reply, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			break;
	if (i == len) {
		ctl_errf(err, errlen, "rampartd closed the connection without answering");
		return -EPROTO;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		ctl_errf(err, errlen, "rampartd sent a reply that is not JSON (%s at byte %d)",
			   jerr.text, jerr.position);
		return -EPROTO;
	}
	if (!json_is_object(root) || !json_is_boolean(json_object_get(root, "ok"))) {
		json_decref(root);
		ctl_errf(err, errlen,
			   "rampartd sent JSON that is not a reply object (no boolean \"ok\")");
		return -EPROTO;
	}
	*reply = root;
	return 0;
}

/* A sentence for a failed connect(), naming the socket and what the operator can do. */
static void
client_connect_err(int rc, const char *path, char *err, size_t errlen)
{
	switch (rc) {
	case -ENOENT:
	case -ECONNREFUSED:
		ctl_errf(err, errlen, "cannot reach rampartd at %s: %s (is rampartd running?)",
			   path, strerror(-rc));
		break;
	case -EACCES:
	case -EPERM:
		ctl_errf(err, errlen,
			   "cannot reach rampartd at %s: %s (run as root or as a member of the "
			   "socket's group)",
			   path, strerror(-rc));
		break;
	case -ETIMEDOUT:
		ctl_errf(err, errlen,
			   "cannot reach rampartd at %s: no connection within the timeout "
			   "(the daemon is busy or stuck)",
			   path);
		break;
	default:
		ctl_errf(err, errlen, "cannot reach rampartd at %s: %s", path, strerror(-rc));
		break;
	}
}

/*
 * A @timeout_ms of zero or less waits without limit. Besides the errors named in ctl.h:
 * -EINVAL for a missing @path, @cmd or @reply or an @args that is not an object,
 * -ENAMETOOLONG for a @path longer than sun_path, -EMSGSIZE for a reply longer than
 * CTL_REQUEST_MAX * 64 bytes, -ENOMEM.
 */
int
ctl_client_request(const char *path, const char *cmd, json_t *args, int timeout_ms, json_t **reply,
		   char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	long long deadline = -1;
	char *line = NULL;
	char *buf = NULL;
	size_t line_len = 0;
	ssize_t n;
	int fd;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (reply != NULL)
		*reply = NULL;
	if (path == NULL || path[0] == '\0' || cmd == NULL || reply == NULL ||
	    (args != NULL && !json_is_object(args))) {
		ctl_errf(err, errlen, "invalid control request");
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		ctl_errf(err, errlen, "control socket path is longer than %zu bytes: %s",
			   sizeof(sun.sun_path) - 1, path);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (timeout_ms > 0)
		deadline = ctl_now_ms() + timeout_ms;

	line = client_request_line(cmd, args, &line_len);
	if (line == NULL) {
		ctl_errf(err, errlen, "cannot encode the request: out of memory");
		return -ENOMEM;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		ctl_errf(err, errlen, "cannot create a Unix socket: %s", strerror(-rc));
		goto out_line;
	}
	rc = client_connect(fd, &sun, deadline);
	if (rc < 0) {
		client_connect_err(rc, path, err, errlen);
		goto out_close;
	}
	rc = client_send(fd, line, line_len, deadline);
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			ctl_errf(err, errlen,
				   "rampartd at %s did not take the request within %d ms", path,
				   timeout_ms);
		else
			ctl_errf(err, errlen, "cannot send the request to rampartd at %s: %s",
				   path, strerror(-rc));
		goto out_close;
	}
	/* The request is complete: the daemon sees EOF even if it waits for more. */
	shutdown(fd, SHUT_WR);

	n = client_recv(fd, &buf, deadline);
	if (n < 0) {
		rc = (int)n;
		if (rc == -ETIMEDOUT)
			ctl_errf(err, errlen, "rampartd at %s did not answer within %d ms", path,
				   timeout_ms);
		else if (rc == -EMSGSIZE)
			ctl_errf(err, errlen, "the reply of rampartd is longer than %zu bytes",
				   CTL_REPLY_MAX);
		else
			ctl_errf(err, errlen, "cannot read the reply of rampartd at %s: %s", path,
				   strerror(-rc));
		goto out_close;
	}
	rc = client_parse(buf, (size_t)n, reply, err, errlen);
	free(buf);

out_close:
	close(fd);
out_line:
	free(line);
	return rc;
}
