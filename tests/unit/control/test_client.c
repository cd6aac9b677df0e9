/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client_request() against a small Unix server run by the test in a thread, on a socket
 * in a fresh mkdtemp() directory. Each case picks how the server behaves.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

#define REPLY_LIMIT    ((size_t)CTL_REQUEST_MAX * 64) /* what ctl_client.c accepts at most */
#define SERVER_WAIT_MS 10000                          /* the server gives up on a stuck test */

enum server_mode {
	SERVE_REPLY,      /* read the request, send @reply, close */
	SERVE_REPLY_SLOW, /* the same, in two writes with a pause between */
	SERVE_CLOSE,      /* read the request, close without a word */
	SERVE_SILENT,     /* read the request, answer nothing until released */
	SERVE_FLOOD,      /* read the request, send more than the client accepts */
};

struct server {
	char dir[48];
	char path[80];
	int lfd;
	int release[2]; /* written by the test to end SERVE_SILENT */
	pthread_t thread;
	bool running;
	enum server_mode mode;
	const char *reply;
	size_t reply_len;
	char request[8192]; /* what the client sent */
	size_t request_len;
	bool request_eof; /* the client shut its write side down */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
poll_one(int fd, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, ms);
}

static void
send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return; /* the client has gone: what it does about it is the test */
		buf += n;
		len -= (size_t)n;
	}
}

static void
server_read_request(struct server *s, int fd)
{
	ssize_t n;

	while (s->request_len < sizeof(s->request) - 1) {
		if (poll_one(fd, SERVER_WAIT_MS) <= 0)
			return;
		n = recv(fd, s->request + s->request_len, sizeof(s->request) - 1 - s->request_len,
			 0);
		if (n <= 0) {
			s->request_eof = n == 0;
			return;
		}
		s->request_len += (size_t)n;
	}
}

static void
server_flood(int fd)
{
	static char chunk[1 << 20];
	size_t sent = 0;

	memset(chunk, ' ', sizeof(chunk));
	chunk[0] = '[';
	while (sent <= REPLY_LIMIT + sizeof(chunk)) {
		if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) <= 0)
			return;
		sent += sizeof(chunk);
		chunk[0] = ' ';
	}
}

static void *
server_main(void *arg)
{
	struct server *s = arg;
	int fd;

	if (poll_one(s->lfd, SERVER_WAIT_MS) <= 0)
		return NULL;
	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	server_read_request(s, fd);
	switch (s->mode) {
	case SERVE_REPLY:
		send_all(fd, s->reply, s->reply_len);
		break;
	case SERVE_REPLY_SLOW:
		send_all(fd, s->reply, s->reply_len / 2);
		poll(NULL, 0, 100);
		send_all(fd, s->reply + s->reply_len / 2, s->reply_len - s->reply_len / 2);
		break;
	case SERVE_CLOSE:
		break;
	case SERVE_SILENT:
		poll_one(s->release[0], SERVER_WAIT_MS);
		break;
	case SERVE_FLOOD:
		server_flood(fd);
		break;
	}
	close(fd);
	return NULL;
}

/* Bind and listen on s->path (the thread is started by server_start). */
static void
server_listen(struct server *s)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->path);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
}

static void
server_start(struct server *s, enum server_mode mode, const char *reply)
{
	s->mode = mode;
	s->reply = reply;
	s->reply_len = reply != NULL ? strlen(reply) : 0;
	server_listen(s);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
	s->running = true;
}

static void
server_join(struct server *s)
{
	if (!s->running)
		return;
	if (write(s->release[1], "x", 1) != 1)
		fail_msg("cannot release the server thread");
	pthread_join(s->thread, NULL);
	s->running = false;
}

static int
setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/rp-ctl-client-XXXXXX");
	if (mkdtemp(s->dir) == NULL || pipe(s->release) < 0) {
		free(s);
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s/ctl.sock", s->dir);
	s->lfd = -1;
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct server *s = *state;

	server_join(s);
	if (s->lfd >= 0)
		close(s->lfd);
	close(s->release[0]);
	close(s->release[1]);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
	return 0;
}

/* Run one request with the server in @mode; the reply or error is left to the caller. */
static int
request(struct server *s, enum server_mode mode, const char *reply, json_t **out, char *err,
	size_t errlen)
{
	int rc;

	server_start(s, mode, reply);
	rc = ctl_client_request(s->path, "status", NULL, 5000, out, err, errlen);
	server_join(s);
	return rc;
}

static void
test_ctl_client_request_good_reply(void **state)
{
	struct server *s = *state;
	json_t *args = json_pack("{s:s, s:i}", "address", "198.51.100.7", "ttl", 30);
	json_t *reply = NULL;
	json_t *req;
	char err[256];
	int rc;

	server_start(s, SERVE_REPLY,
		     "{\"ok\": true, \"data\": {\"node_id\": \"rp-a\", "
		     "\"pid\": 4242}}\n");
	rc = ctl_client_request(s->path, "blocklist.add", args, 5000, &reply, err, sizeof(err));
	server_join(s);
	assert_int_equal(rc, 0);
	assert_non_null(reply);
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(reply, "data"), "node_id")),
		"rp-a");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(reply, "data"), "pid")),
			 4242);
	json_decref(reply);

	/* The wire: one JSON object, a newline at the end, then EOF from shutdown(SHUT_WR). */
	assert_true(s->request_eof);
	assert_true(s->request_len > 1);
	assert_int_equal(s->request[s->request_len - 1], '\n');
	req = json_loadb(s->request, s->request_len, 0, NULL);
	assert_non_null(req);
	assert_string_equal(json_string_value(json_object_get(req, "cmd")), "blocklist.add");
	assert_true(json_equal(json_object_get(req, "args"), args));
	json_decref(req);

	/* The args are not stolen. */
	assert_int_equal(args->refcount, 1);
	json_decref(args);
}

static void
test_ctl_client_request_without_args(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	json_t *req;
	char err[256];

	assert_int_equal(
		request(s, SERVE_REPLY, "{\"ok\":true,\"data\":{}}", &reply, err, sizeof(err)), 0);
	json_decref(reply);
	req = json_loadb(s->request, s->request_len, 0, NULL);
	assert_non_null(req);
	assert_string_equal(json_string_value(json_object_get(req, "cmd")), "status");
	assert_null(json_object_get(req, "args"));
	json_decref(req);
}

static void
test_ctl_client_request_reply_in_pieces(void **state)
{
	struct server *s = *state;
	size_t big = 3 * 65536 + 17; /* more than one read, and not a multiple of it */
	json_t *reply = NULL;
	char *text;
	char err[256];
	const char *v;

	text = malloc(big + 64);
	assert_non_null(text);
	memcpy(text, "{\"ok\":true,\"data\":\"", 19);
	memset(text + 19, 'z', big);
	memcpy(text + 19 + big, "\"}\n", 4);
	assert_int_equal(request(s, SERVE_REPLY_SLOW, text, &reply, err, sizeof(err)), 0);
	v = json_string_value(json_object_get(reply, "data"));
	assert_non_null(v);
	assert_int_equal(strlen(v), big);
	assert_int_equal(strspn(v, "z"), big);
	json_decref(reply);
	free(text);
}

static void
test_ctl_client_request_error_reply(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	char err[256];

	/* The daemon said no: that is an answer, for the caller to report. */
	assert_int_equal(request(s, SERVE_REPLY, "{\"ok\": false, \"error\": \"no such port\"}\n",
				 &reply, err, sizeof(err)),
			 0);
	assert_non_null(reply);
	assert_true(json_is_false(json_object_get(reply, "ok")));
	assert_string_equal(json_string_value(json_object_get(reply, "error")), "no such port");
	json_decref(reply);
}

static void
test_ctl_client_request_not_json(void **state)
{
	struct server *s = *state;
	json_t *reply = (json_t *)1;
	char err[256];

	assert_int_equal(
		request(s, SERVE_REPLY, "HTTP/1.0 200 OK\r\n\r\n", &reply, err, sizeof(err)),
		-EPROTO);
	assert_null(reply);
	assert_non_null(strstr(err, "not JSON"));
}

static void
test_ctl_client_request_trailing_garbage(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	char err[256];

	assert_int_equal(
		request(s, SERVE_REPLY, "{\"ok\":true}\n{\"ok\":true}\n", &reply, err, sizeof(err)),
		-EPROTO);
	assert_null(reply);
}

static void
test_ctl_client_request_not_object(void **state)
{
	struct server *s = *state;
	static const char *const replies[] = {
		"[true]\n",
		"\"ok\"\n",
		"42\n",
		"{\"data\": {}}\n",
		"{\"ok\": \"yes\"}\n",
		"{\"ok\": 1}\n",
		"{\"ok\": null}\n",
	};
	json_t *reply = NULL;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		assert_int_equal(request(s, SERVE_REPLY, replies[i], &reply, err, sizeof(err)),
				 -EPROTO);
		assert_null(reply);
		assert_true(strlen(err) > 0);
		close(s->lfd);
		s->lfd = -1;
		unlink(s->path);
		s->request_len = 0;
	}
}

static void
test_ctl_client_request_deeply_nested(void **state)
{
	struct server *s = *state;
	size_t depth = 200000;
	json_t *reply = NULL;
	char err[256];
	char *text;

	/* Far deeper than any parser stack should follow: refused, not a crash. */
	text = malloc(depth + 1);
	assert_non_null(text);
	memset(text, '[', depth);
	text[depth] = '\0';
	assert_int_equal(request(s, SERVE_REPLY, text, &reply, err, sizeof(err)), -EPROTO);
	assert_null(reply);
	free(text);
}

static void
test_ctl_client_request_closed_without_answer(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	char err[256];

	assert_int_equal(request(s, SERVE_CLOSE, NULL, &reply, err, sizeof(err)), -EPROTO);
	assert_null(reply);
	assert_non_null(strstr(err, "without answering"));
	assert_true(s->request_eof);
}

static void
test_ctl_client_request_no_socket_file(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	char err[256];

	assert_int_equal(
		ctl_client_request(s->path, "status", NULL, 1000, &reply, err, sizeof(err)),
		-ENOENT);
	assert_null(reply);
	assert_non_null(strstr(err, "cannot reach rampartd"));
	assert_non_null(strstr(err, s->path));
}

static void
test_ctl_client_request_no_listener(void **state)
{
	struct server *s = *state;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	json_t *reply = NULL;
	char err[256];
	int fd;

	/* A socket file left by a daemon that is gone: bound once, nobody listening. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(
		ctl_client_request(s->path, "status", NULL, 1000, &reply, err, sizeof(err)),
		-ECONNREFUSED);
	assert_null(reply);
	assert_non_null(strstr(err, "cannot reach rampartd"));
	assert_non_null(strstr(err, s->path));
}

static void
test_ctl_client_request_timeout(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	long long start, took;
	char err[256];
	int rc;

	server_start(s, SERVE_SILENT, NULL);
	start = now_ms();
	rc = ctl_client_request(s->path, "status", NULL, 300, &reply, err, sizeof(err));
	took = now_ms() - start;
	server_join(s);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_null(reply);
	assert_non_null(strstr(err, "300 ms"));
	assert_true(took >= 250);
	assert_true(took < 3000);
}

static void
test_ctl_client_request_never_accepted(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	long long start, took;
	char err[256];

	/* Listening, but the daemon's loop never accepts: the deadline still holds. */
	server_listen(s);
	start = now_ms();
	assert_int_equal(ctl_client_request(s->path, "status", NULL, 200, &reply, err, sizeof(err)),
			 -ETIMEDOUT);
	took = now_ms() - start;
	assert_null(reply);
	assert_true(took >= 150);
	assert_true(took < 3000);
}

static void
test_ctl_client_request_oversized_reply(void **state)
{
	struct server *s = *state;
	json_t *reply = NULL;
	char err[256];

	assert_int_equal(request(s, SERVE_FLOOD, NULL, &reply, err, sizeof(err)), -EMSGSIZE);
	assert_null(reply);
	assert_non_null(strstr(err, "longer than"));
}

static void
test_ctl_client_request_permission_denied(void **state)
{
	struct server *s = *state;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		skip(); /* only root can become another user to be refused */
	server_listen(s);
	assert_int_equal(chmod(s->dir, 0755), 0);
	assert_int_equal(chmod(s->path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		json_t *reply = NULL;
		char err[256];
		int rc;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		rc = ctl_client_request(s->path, "status", NULL, 1000, &reply, err, sizeof(err));
		_exit(rc == -EACCES && reply == NULL && strstr(err, "run as root") != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_ctl_client_request_bad_arguments(void **state)
{
	struct server *s = *state;
	json_t *array = json_array();
	json_t *reply = NULL;
	char longpath[200];
	char err[256];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(
		ctl_client_request(longpath, "status", NULL, 100, &reply, err, sizeof(err)),
		-ENAMETOOLONG);
	assert_int_equal(ctl_client_request(s->path, NULL, NULL, 100, &reply, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_client_request(s->path, "status", NULL, 100, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(
		ctl_client_request(s->path, "status", array, 100, &reply, err, sizeof(err)),
		-EINVAL);
	/* No room for a message is not a reason to fail differently. */
	assert_int_equal(ctl_client_request(s->path, "status", NULL, 100, &reply, NULL, 0),
			 -ENOENT);
	json_decref(array);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctl_client_request_good_reply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_without_args, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_reply_in_pieces, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_error_reply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_not_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_trailing_garbage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_not_object, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_deeply_nested, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_closed_without_answer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_no_socket_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_no_listener, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_never_accepted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_oversized_reply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_permission_denied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_client_request_bad_arguments, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("control_client", tests, NULL, NULL);
}
