/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket server: dispatch, the command table, the socket file and credentials. */
#include <errno.h>
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
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

struct fixture {
	char dir[32];
	char path[64];
	struct ctl_server *srv;
	int calls;
};

static int
h_echo(void *ctx, json_t *args, json_t **data, const char **error)
{
	struct fixture *f = ctx;

	(void)error;
	f->calls++;
	*data = json_deep_copy(args);
	return 0;
}

static int
h_fail(void *ctx, json_t *args, json_t **data, const char **error)
{
	(void)ctx;
	(void)args;
	(void)data;
	*error = "no such address in the blocklist";
	return -ENOENT;
}

static int
h_fail_silent(void *ctx, json_t *args, json_t **data, const char **error)
{
	(void)ctx;
	(void)args;
	(void)error;
	*data = json_object(); /* must be freed by the server, not leaked */
	return -EBUSY;
}

/* Fails with the lines of its "errors" argument as the details, next to other members. */
static int
h_fail_lines(void *ctx, json_t *args, json_t **data, const char **error)
{
	(void)ctx;
	*error = "policy not loaded: 2 errors; the running policy is unchanged";
	*data = json_pack("{s:O, s:s}", "errors", json_object_get(args, "errors"), "secret",
			  "not for the client");
	return -EINVAL;
}

/* Fails with as many error lines as args.n says. */
static int
h_fail_many(void *ctx, json_t *args, json_t **data, const char **error)
{
	json_t *lines = json_array();
	char line[32];

	(void)ctx;
	for (json_int_t i = 0; i < json_integer_value(json_object_get(args, "n")); i++) {
		snprintf(line, sizeof(line), "p.conf:%d: bad", (int)i + 1);
		json_array_append_new(lines, json_string(line));
	}
	*error = "many errors";
	*data = json_pack("{s:o}", "errors", lines);
	return -EINVAL;
}

#define BIG_REPLY_BYTES (4 << 20)

/* A command that takes longer than a client's second, then answers with 4 MiB. */
static int
h_slow_big(void *ctx, json_t *args, json_t **data, const char **error)
{
	char *big = malloc(BIG_REPLY_BYTES + 1);

	(void)ctx;
	(void)args;
	(void)error;
	if (big == NULL)
		return -ENOMEM;
	memset(big, 'r', BIG_REPLY_BYTES);
	big[BIG_REPLY_BYTES] = '\0';
	usleep(1200 * 1000);
	*data = json_pack("{s:s}", "s", big);
	free(big);
	return *data != NULL ? 0 : -ENOMEM;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/rp-ctl-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
	f->srv = ctl_server_create(f->path, 0660);
	assert_non_null(f->srv);
	assert_int_equal(ctl_server_register(f->srv, "echo", h_echo, f), 0);
	assert_int_equal(ctl_server_register(f->srv, "fail", h_fail, f), 0);
	assert_int_equal(ctl_server_register(f->srv, "busy", h_fail_silent, f), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_server_destroy(f->srv);
	rmdir(f->dir);
	free(f);
	return 0;
}

static json_t *
dispatch(struct fixture *f, const char *req)
{
	json_t *r = ctl_server_dispatch(f->srv, req, strlen(req));

	assert_non_null(r);
	assert_true(json_is_boolean(json_object_get(r, "ok")));
	return r;
}

static const char *
error_of(json_t *r)
{
	assert_true(json_is_false(json_object_get(r, "ok")));
	return json_string_value(json_object_get(r, "error"));
}

static void
test_ctl_server_dispatch_ok_returns_data(void **state)
{
	struct fixture *f = *state;
	json_t *r = dispatch(f, "{\"cmd\":\"echo\",\"args\":{\"n\":7}}\n");

	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "data"), "n")), 7);
	assert_int_equal(f->calls, 1);
	json_decref(r);
}

static void
test_ctl_server_dispatch_missing_args_gives_empty_object(void **state)
{
	struct fixture *f = *state;
	json_t *r = dispatch(f, "{\"cmd\":\"echo\"}");

	assert_true(json_is_object(json_object_get(r, "data")));
	assert_int_equal(json_object_size(json_object_get(r, "data")), 0);
	json_decref(r);
}

static void
test_ctl_server_dispatch_handler_error_names_command(void **state)
{
	struct fixture *f = *state;
	json_t *r = dispatch(f, "{\"cmd\":\"fail\"}");

	assert_string_equal(error_of(r), "fail: no such address in the blocklist");
	json_decref(r);
	r = dispatch(f, "{\"cmd\":\"busy\"}");
	assert_non_null(strstr(error_of(r), strerror(EBUSY)));
	json_decref(r);
}

static void
test_ctl_server_dispatch_error_lines_passed_on(void **state)
{
	struct fixture *f = *state;
	struct ctl_server_stats st;
	json_t *r, *errors;

	assert_int_equal(ctl_server_register(f->srv, "lines", h_fail_lines, f), 0);
	/* Only the strings of "errors", in order; nothing else of the details, and no data. */
	r = dispatch(f, "{\"cmd\":\"lines\",\"args\":{\"errors\":[\"p.conf:3: unknown action "
			"\\\"dorp\\\"\",5,null,{\"x\":1},\"p.conf:9: \\u001b[2J\"]}}");
	assert_string_equal(error_of(r),
			    "lines: policy not loaded: 2 errors; the running policy is unchanged");
	errors = json_object_get(r, "errors");
	assert_int_equal(json_array_size(errors), 2);
	assert_string_equal(json_string_value(json_array_get(errors, 0)),
			    "p.conf:3: unknown action \"dorp\"");
	/* Control characters go as JSON escapes: the client makes them safe to print. */
	assert_string_equal(json_string_value(json_array_get(errors, 1)), "p.conf:9: \x1b[2J");
	assert_null(json_object_get(r, "secret"));
	assert_null(json_object_get(r, "data"));
	assert_int_equal(json_object_size(r), 3);
	json_decref(r);

	/* "errors" that is not an array, or holds no string, adds nothing. */
	r = dispatch(f, "{\"cmd\":\"lines\",\"args\":{\"errors\":\"p.conf:1: x\"}}");
	assert_null(json_object_get(r, "errors"));
	assert_int_equal(json_object_size(r), 2);
	json_decref(r);
	r = dispatch(f, "{\"cmd\":\"lines\",\"args\":{\"errors\":[1,true,[]]}}");
	assert_null(json_object_get(r, "errors"));
	json_decref(r);
	r = dispatch(f, "{\"cmd\":\"lines\",\"args\":{\"errors\":[]}}");
	assert_null(json_object_get(r, "errors"));
	json_decref(r);

	/* A handler that fails without details, as before: no "errors". */
	r = dispatch(f, "{\"cmd\":\"busy\"}");
	assert_null(json_object_get(r, "errors"));
	json_decref(r);

	/* On success "errors" inside the data is data like any other. */
	r = dispatch(f, "{\"cmd\":\"echo\",\"args\":{\"errors\":[\"x\"]}}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_null(json_object_get(r, "errors"));
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_object_get(r, "data"), "errors"), 0)), "x");
	json_decref(r);

	/* Each failed request is one error, however many lines it carries. */
	ctl_server_stats_get(f->srv, &st);
	assert_int_equal(st.errors, 5);
	assert_int_equal(st.requests, 6);
}

static void
test_ctl_server_dispatch_error_lines_bounded(void **state)
{
	struct fixture *f = *state;
	json_t *r, *errors;
	char req[64];

	assert_int_equal(ctl_server_register(f->srv, "many", h_fail_many, f), 0);
	snprintf(req, sizeof(req), "{\"cmd\":\"many\",\"args\":{\"n\":%d}}",
		 CTL_REPLY_ERRORS_MAX + 50);
	r = dispatch(f, req);
	errors = json_object_get(r, "errors");
	assert_int_equal(json_array_size(errors), CTL_REPLY_ERRORS_MAX);
	/* The first ones are kept, in order. */
	assert_string_equal(json_string_value(json_array_get(errors, 0)), "p.conf:1: bad");
	assert_string_equal(json_string_value(json_array_get(errors, CTL_REPLY_ERRORS_MAX - 1)),
			    "p.conf:256: bad");
	json_decref(r);
	r = dispatch(f, "{\"cmd\":\"many\",\"args\":{\"n\":1}}");
	assert_int_equal(json_array_size(json_object_get(r, "errors")), 1);
	json_decref(r);
}

static void
test_ctl_server_dispatch_malformed_requests(void **state)
{
	static const char *const bad[] = {
		"", "not json", "[1,2]", "{\"cmd\":5}", "{\"args\":{}}", "{\"cmd\":\"echo\",\"args\":[]}",
		"{\"cmd\":\"echo\",\"cmd\":\"fail\"}", "{\"cmd\":\"ec",
	};
	struct fixture *f = *state;
	struct ctl_server_stats st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *r = dispatch(f, bad[i]);

		assert_non_null(error_of(r));
		json_decref(r);
	}
	ctl_server_stats_get(f->srv, &st);
	assert_int_equal(st.malformed, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(st.errors, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(f->calls, 0);
}

static void
test_ctl_server_dispatch_error_quoting_bad_utf8(void **state)
{
	/* Found by fuzzing: a parse error whose context is invalid UTF-8, and a command name
	 * with control characters, still get an error reply (printable ASCII only). */
	static const char bad_escape[] = "[{\"cm\\\xdd\x9c\xdd\x90\x97\xc5\x9a\"}]";
	struct fixture *f = *state;
	json_t *r;

	r = dispatch(f, bad_escape);
	assert_non_null(error_of(r));
	for (const char *c = error_of(r); *c != '\0'; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
	json_decref(r);
	r = dispatch(f, "{\"cmd\":\"a\\u0007b\\u00e9\"}");
	assert_string_equal(error_of(r), "unknown command \"a?b??\"");
	json_decref(r);
}

static void
test_ctl_server_dispatch_unknown_command(void **state)
{
	struct fixture *f = *state;
	json_t *r = dispatch(f, "{\"cmd\":\"reboot\"}");

	assert_string_equal(error_of(r), "unknown command \"reboot\"");
	json_decref(r);
}

static void
test_ctl_server_register_rejects_bad_names(void **state)
{
	struct fixture *f = *state;
	char name[32];

	assert_int_equal(ctl_server_register(f->srv, "echo", h_echo, f), -EEXIST);
	assert_int_equal(ctl_server_register(f->srv, "", h_echo, f), -EINVAL);
	assert_int_equal(ctl_server_register(f->srv, "x", NULL, f), -EINVAL);
	assert_int_equal(ctl_server_register(f->srv,
					     "a-name-much-longer-than-the-limit-of-the-table-0123",
					     h_echo, f), -EINVAL);
	for (int i = 0;; i++) {
		int ret;

		snprintf(name, sizeof(name), "c%d", i);
		ret = ctl_server_register(f->srv, name, h_echo, f);
		if (ret == -ENOSPC)
			break;
		assert_int_equal(ret, 0);
		assert_true(i < 1000);
	}
}

/* One request over the real socket, served by ctl_server_process() in this process. */
static char *
roundtrip(struct fixture *f, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char reply[4096];
	ssize_t n, len = 0;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	shutdown(fd, SHUT_WR);
	assert_int_equal(ctl_server_process(f->srv), 1);
	while ((n = read(fd, reply + len, sizeof(reply) - 1 - (size_t)len)) > 0)
		len += n;
	reply[len] = '\0';
	close(fd);
	return reply;
}

static void
test_ctl_server_process_serves_socket_client(void **state)
{
	struct fixture *f = *state;
	char *reply = roundtrip(f, "{\"cmd\":\"echo\",\"args\":{\"s\":\"x\"}}");

	assert_string_equal(reply, "{\"ok\":true,\"data\":{\"s\":\"x\"}}\n");
	/* Nothing pending: nothing served. */
	assert_int_equal(ctl_server_process(f->srv), 0);
}

static void
test_ctl_server_process_error_lines_on_the_wire(void **state)
{
	struct fixture *f = *state;
	char *reply;

	assert_int_equal(ctl_server_register(f->srv, "lines", h_fail_lines, f), 0);
	reply = roundtrip(f, "{\"cmd\":\"lines\",\"args\":{\"errors\":[\"a.conf:3: x\","
			     "\"a.conf:4: y\"]}}\n");
	assert_string_equal(reply, "{\"ok\":false,\"error\":\"lines: policy not loaded: 2 errors; "
				   "the running policy is unchanged\",\"errors\":[\"a.conf:3: x\","
				   "\"a.conf:4: y\"]}\n");
}

static void
test_ctl_server_create_sets_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
}

static void
test_ctl_server_create_refuses_live_socket(void **state)
{
	struct fixture *f = *state;

	assert_null(ctl_server_create(f->path, 0660));
	assert_int_equal(errno, EADDRINUSE);
	/* The live server's socket is untouched. */
	assert_string_equal(roundtrip(f, "{\"cmd\":\"echo\"}"), "{\"ok\":true,\"data\":{}}\n");
}

static void
test_ctl_server_create_replaces_stale_socket(void **state)
{
	struct fixture *f = *state;
	struct ctl_server *again;
	int fd;

	/* A socket file nobody listens on, as a crashed daemon leaves behind. */
	ctl_server_destroy(f->srv);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	close(fd);
	again = ctl_server_create(f->path, 0600);
	assert_non_null(again);
	f->srv = again;
	assert_int_equal(ctl_server_register(f->srv, "echo", h_echo, f), 0);
	assert_string_equal(roundtrip(f, "{\"cmd\":\"echo\"}"), "{\"ok\":true,\"data\":{}}\n");
}

static void
test_ctl_server_create_refuses_regular_file(void **state)
{
	struct fixture *f = *state;
	char path[64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/not-a-socket", f->dir);
	fp = fopen(path, "w");
	fputs("keep me\n", fp);
	fclose(fp);
	assert_null(ctl_server_create(path, 0660));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
}

static void
test_ctl_server_create_path_too_long(void **state)
{
	char path[200];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_null(ctl_server_create(path, 0660));
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
test_ctl_server_process_refuses_other_users(void **state)
{
	struct fixture *f = *state;
	struct ctl_server_stats st;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		skip();
	/* Let an unprivileged user reach the socket file, so only SO_PEERCRED stops it. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(chmod(f->path, 0666), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char reply[512] = "";
		ssize_t n, len = 0;
		int fd;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			_exit(11);
		if (write(fd, "{\"cmd\":\"echo\"}\n", 15) != 15)
			_exit(12);
		while ((n = read(fd, reply + len, sizeof(reply) - 1 - (size_t)len)) > 0)
			len += n;
		_exit(strstr(reply, "permission denied") != NULL ? 0 : 13);
	}
	/* Serve whatever arrives within a bounded time. */
	for (int i = 0; i < 200 && ctl_server_process(f->srv) == 0; i++)
		usleep(10000);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ctl_server_stats_get(f->srv, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(f->calls, 0);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_ctl_server_process_bounds_trickling_client(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long t0, spent;
	pid_t pid;
	int status;

	/* A client that sends a byte every 300 ms and never a newline: the server gives the
	 * whole connection one second, not one second per byte. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			_exit(1);
		for (int i = 0; i < 20; i++) {
			if (write(fd, "{", 1) != 1)
				_exit(0); /* the server hung up: what we want */
			usleep(300000);
		}
		_exit(2);
	}
	usleep(100000);
	t0 = mono_ms();
	ctl_server_process(f->srv);
	spent = mono_ms() - t0;
	assert_true(spent < 1800);
	assert_true(spent >= 900);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static void
test_ctl_server_process_batch_is_bounded(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds[6], served, total = 0;

	/* Six clients at once: a few are served per call, then the event loop gets the thread
	 * back; the rest are served by the next calls. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	for (int i = 0; i < 6; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_int_equal(connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(write(fds[i], "{\"cmd\":\"echo\"}\n", 16), 16);
	}
	served = ctl_server_process(f->srv);
	assert_true(served > 0 && served < 6);
	total = served;
	for (int i = 0; i < 3 && total < 6; i++)
		total += ctl_server_process(f->srv);
	assert_int_equal(total, 6);
	assert_int_equal(f->calls, 6);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
}

/* Connect to @path and send @req; -1 on failure. */
static int
client_send(const char *path, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
test_ctl_server_process_slow_command_large_reply(void **state)
{
	struct fixture *f = *state;
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid;
	int status;

	/* The command's own time does not eat the client's: a reply ready after more than a
	 * second, and too large for the socket buffer, still reaches a client that reads it. */
	assert_int_equal(ctl_server_register(f->srv, "slowbig", h_slow_big, f), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t cap = BIG_REPLY_BYTES + 4096, len = 0;
		char *buf = malloc(cap);
		json_t *r, *str;
		ssize_t n;
		int fd = client_send(f->path, "{\"cmd\":\"slowbig\"}\n");

		if (fd < 0 || buf == NULL)
			_exit(1);
		while ((n = read(fd, buf + len, cap - len)) > 0)
			len += (size_t)n;
		r = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
		str = json_object_get(json_object_get(r, "data"), "s");
		_exit(json_is_string(str) && json_string_length(str) == BIG_REPLY_BYTES &&
				      buf[len - 1] == '\n'
			      ? 0
			      : 2);
	}
	pfd.fd = ctl_server_fd(f->srv);
	assert_int_equal(poll(&pfd, 1, 5000), 1); /* the child has connected */
	assert_int_equal(ctl_server_process(f->srv), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_ctl_server_process_bounds_client_not_reading(void **state)
{
	struct fixture *f = *state;
	long long t0, spent;
	int fd;

	/* A client that asks for a large reply and never reads it holds the control thread one
	 * second plus one millisecond per 8 KiB of reply (4 MiB: about 1.5 s), not forever. */
	assert_int_equal(ctl_server_register(f->srv, "slowbig", h_slow_big, f), 0);
	fd = client_send(f->path, "{\"cmd\":\"slowbig\"}\n");
	assert_true(fd >= 0);
	t0 = mono_ms();
	assert_int_equal(ctl_server_process(f->srv), 1);
	spent = mono_ms() - t0 - 1200; /* the command's own time */
	assert_true(spent >= 1000 + (BIG_REPLY_BYTES / 8192) - 100);
	assert_true(spent < 1000 + (BIG_REPLY_BYTES / 8192) + 1000);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_ok_returns_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_missing_args_gives_empty_object,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_handler_error_names_command,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_error_lines_passed_on,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_error_lines_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_error_lines_on_the_wire,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_malformed_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_unknown_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_dispatch_error_quoting_bad_utf8,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_register_rejects_bad_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_serves_socket_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_create_sets_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_create_refuses_live_socket, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_create_replaces_stale_socket, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_create_refuses_regular_file, setup,
						teardown),
		cmocka_unit_test(test_ctl_server_create_path_too_long),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_bounds_trickling_client,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_batch_is_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_slow_command_large_reply,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_bounds_client_not_reading,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_server_process_refuses_other_users, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("control_server", tests, NULL, NULL);
}
