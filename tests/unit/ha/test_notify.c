/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA notify runner against real scripts in a temporary directory: arguments and environment
 * as documented, stdin/stdout on /dev/null and no inherited descriptors, exit statuses and
 * failures recorded, the limit of running children, the timeout, spawn errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ha_notify.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/rp-notify-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[256];

	/* Let slow scripts that are still waiting go, then remove the directory. */
	snprintf(cmd, sizeof(cmd), "touch %s/go; sleep 0.1; rm -rf %s", fx->dir, fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

/* Write an executable script @name in the fixture's directory with @body after "#!/bin/sh". */
static const char *
script(struct fixture *fx, const char *name, const char *body)
{
	FILE *fp;

	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	fp = fopen(fx->path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(fx->path, 0755), 0);
	return fx->path;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Reap until at most @running children are left; fails after 10 s. */
static void
reap_until(struct ha_notify *n, unsigned int running, uint64_t now)
{
	for (unsigned int i = 0; i < 2000 && ha_notify_running(n) > running; i++) {
		ha_notify_reap(n, now);
		if (ha_notify_running(n) > running)
			sleep_ms(5);
	}
	assert_true(ha_notify_running(n) <= running);
}

/* Is @pid running (neither gone nor a zombie)? */
static bool
process_alive(pid_t pid)
{
	char path[64], stat[256];
	const char *p;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return false;
	n = fread(stat, 1, sizeof(stat) - 1, fp);
	fclose(fp);
	stat[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	p = strrchr(stat, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The contents of @dir/@name, NUL-terminated, in @buf. */
static void
read_file(const char *dir, const char *name, char *buf, size_t size)
{
	char path[160];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void
test_ha_notify_args_and_environment(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	char body[1024], out[2048], want[512];
	int leak_fd;

	/* A descriptor the script must not inherit (no O_CLOEXEC on purpose). */
	leak_fd = open("/dev/null", O_RDONLY);
	assert_true(leak_fd > 2);
	assert_int_equal(setenv("RAMPART_TEST_LEAK", "1", 1), 0);
	snprintf(body, sizeof(body),
	         "o=%s/out\n"
	         "s1=$(readlink /proc/$$/fd/1)\n"
	         "{ echo \"argc=$#\"; for a in \"$@\"; do echo \"arg=$a\"; done\n"
	         "  env | grep -E '^(RAMPART_|PATH=)' | sort\n"
	         "  echo \"stdin=$(readlink /proc/$$/fd/0) stdout=$s1\"\n"
	         "  [ -e /proc/$$/fd/%d ] && echo leaked-fd\n"
	         "  read -r line && echo \"read=$line\"\n"
	         "} > $o.tmp 2>&1\n"
	         "mv $o.tmp $o",
	         fx->dir, leak_fd);
	assert_int_equal(ha_notify_init(&n, script(fx, "record.sh", body), "rp-a", 0), 0);
	assert_int_equal(ha_notify_run(&n, "vrrp-51-v4", "backup", "master", "master-down", 1), 0);
	assert_int_equal(ha_notify_running(&n), 1);
	assert_int_equal(n.started, 1);
	reap_until(&n, 0, 2);
	close(leak_fd);
	unsetenv("RAMPART_TEST_LEAK");

	read_file(fx->dir, "out", out, sizeof(out));
	snprintf(want, sizeof(want),
	         "argc=4\narg=vrrp-51-v4\narg=backup\narg=master\narg=master-down\n"
	         "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
	         "RAMPART_INSTANCE=vrrp-51-v4\nRAMPART_NEW_STATE=master\n"
	         "RAMPART_NODE_ID=rp-a\nRAMPART_OLD_STATE=backup\nRAMPART_REASON=master-down\n"
	         "stdin=/dev/null stdout=/dev/null\n");
	assert_string_equal(out, want);
	assert_int_equal(n.exited, 1);
	assert_int_equal(n.failures, 0);
	assert_int_equal(n.last_status, 0);
	ha_notify_fini(&n);
}

static void
test_ha_notify_failing_script(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;

	/* The script exits with the code it is given as the instance. */
	assert_int_equal(ha_notify_init(&n, script(fx, "code.sh", "exit \"$1\""), "rp-a", 0), 0);
	assert_int_equal(n.last_status, -1);
	assert_int_equal(ha_notify_run(&n, "3", "healthy", "unhealthy", "misses", 0), 0);
	reap_until(&n, 0, 0);
	assert_int_equal(n.exited, 1);
	assert_int_equal(n.failures, 1);
	assert_int_equal(n.last_status, 3);
	/* A success after a failure: last_status follows, the failure count stays. */
	assert_int_equal(ha_notify_run(&n, "0", "unhealthy", "healthy", "recovered", 0), 0);
	reap_until(&n, 0, 0);
	assert_int_equal(n.exited, 2);
	assert_int_equal(n.failures, 1);
	assert_int_equal(n.last_status, 0);

	/* Killed by a signal: 128 + the signal, a failure. */
	assert_int_equal(ha_notify_init(&n, script(fx, "term.sh", "kill -TERM $$"), "rp-a", 0), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 0), 0);
	reap_until(&n, 0, 0);
	assert_int_equal(n.failures, 1);
	assert_int_equal(n.last_status, 128 + 15);
}

static void
test_ha_notify_limit_skips(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	char body[256], go[128];
	struct timespec t0, t1;

	/* Each run waits (at most 10 s) for the test to create "go". */
	snprintf(body, sizeof(body),
	         "i=0; while [ ! -e %s/go ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done\n"
	         "[ -e %s/go ]",
	         fx->dir, fx->dir);
	assert_int_equal(ha_notify_init(&n, script(fx, "slow.sh", body), "rp-a", 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < HA_NOTIFY_MAX_CHILDREN; i++)
		assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", i), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Starting 8 slow scripts did not wait for any of them. */
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	assert_int_equal(ha_notify_running(&n), HA_NOTIFY_MAX_CHILDREN);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 9), -EBUSY);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 10), -EBUSY);
	assert_int_equal(n.skipped, 2);
	assert_int_equal(n.started, HA_NOTIFY_MAX_CHILDREN);
	/* Reaping while they run collects nothing and does not wait. */
	assert_int_equal(ha_notify_reap(&n, 11), 0);
	assert_int_equal(ha_notify_running(&n), HA_NOTIFY_MAX_CHILDREN);

	snprintf(go, sizeof(go), "%s/go", fx->dir);
	close(open(go, O_WRONLY | O_CREAT, 0644));
	reap_until(&n, 0, 12);
	assert_int_equal(n.exited, HA_NOTIFY_MAX_CHILDREN);
	assert_int_equal(n.failures, 0);
	assert_int_equal(n.last_status, 0);
	/* Slots are free again. */
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 13), 0);
	reap_until(&n, 0, 14);
	assert_int_equal(n.started, HA_NOTIFY_MAX_CHILDREN + 1);
	assert_int_equal(n.skipped, 2);
}

static void
test_ha_notify_timeout_kills_group(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	char body[256], out[64];
	const uint64_t timeout = 50 * 1000000ULL;

	/* The script starts a child of its own and waits for it; both must die. */
	snprintf(body, sizeof(body), "sleep 10 & echo $! > %s/child\nwait", fx->dir);
	assert_int_equal(ha_notify_init(&n, script(fx, "hang.sh", body), "rp-a", timeout), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 1000), 0);
	/* Wait until the grandchild's pid is written. */
	for (unsigned int i = 0; i < 1000; i++) {
		char path[160];

		snprintf(path, sizeof(path), "%s/child", fx->dir);
		if (access(path, F_OK) == 0)
			break;
		sleep_ms(5);
	}
	/* Exactly the timeout: not yet. */
	assert_int_equal(ha_notify_reap(&n, 1000 + timeout), 0);
	assert_int_equal(n.timeouts, 0);
	reap_until(&n, 0, 1000 + timeout + 1);
	assert_int_equal(n.timeouts, 1);
	assert_int_equal(n.failures, 1);
	assert_int_equal(n.last_status, 128 + 9);

	/* The script's own child went with it (gone, or a zombie waiting for init). */
	read_file(fx->dir, "child", out, sizeof(out));
	assert_true(atoi(out) > 1);
	for (unsigned int i = 0; i < 200 && process_alive(atoi(out)); i++)
		sleep_ms(5);
	assert_false(process_alive(atoi(out)));
}

static void
test_ha_notify_spawn_errors(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	char path[160];
	int rc;

	snprintf(path, sizeof(path), "%s/missing.sh", fx->dir);
	assert_int_equal(ha_notify_init(&n, path, "rp-a", 0), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 0), -ENOENT);
	assert_int_equal(n.spawn_errors, 1);
	assert_int_equal(n.last_spawn_error, -ENOENT);
	assert_int_equal(ha_notify_running(&n), 0);

	assert_int_equal(ha_notify_init(&n, script(fx, "noexec.sh", "exit 0"), "rp-a", 0), 0);
	assert_int_equal(chmod(n.path, 0644), 0);
	rc = ha_notify_run(&n, "i", "a", "b", "c", 0);
	/* root may bypass the permission check on files, never on a missing x bit. */
	assert_int_equal(rc, -EACCES);
	assert_int_equal(n.spawn_errors, 1);
	assert_int_equal(n.started, 0);
}

static void
test_ha_notify_bad_args(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	char long_arg[HA_NOTIFY_ARG_MAX + 1];
	char long_path[HA_NOTIFY_PATH_MAX + 1];

	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(ha_notify_init(&n, long_path, "rp-a", 0), -ENAMETOOLONG);
	assert_int_equal(ha_notify_init(&n, "/bin/true", long_path, 0), -ENAMETOOLONG);

	assert_int_equal(ha_notify_init(&n, script(fx, "ok.sh", "exit 0"), "rp-a", 0), 0);
	memset(long_arg, 'a', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	assert_int_equal(ha_notify_run(&n, NULL, "a", "b", "c", 0), -EINVAL);
	assert_int_equal(ha_notify_run(&n, "i", NULL, "b", "c", 0), -EINVAL);
	assert_int_equal(ha_notify_run(&n, "i", "a", NULL, "c", 0), -EINVAL);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", NULL, 0), -EINVAL);
	assert_int_equal(ha_notify_run(&n, long_arg, "a", "b", "c", 0), -EINVAL);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", long_arg, 0), -EINVAL);
	/* One character shorter fits. */
	long_arg[HA_NOTIFY_ARG_MAX - 1] = '\0';
	assert_int_equal(ha_notify_run(&n, long_arg, "a", "b", "c", 0), 0);
	reap_until(&n, 0, 0);
	assert_int_equal(n.started, 1);
	assert_int_equal(n.spawn_errors, 0);
}

static void
test_ha_notify_no_script_is_noop(void **state)
{
	struct ha_notify n;

	(void)state;
	assert_int_equal(ha_notify_init(&n, "", "rp-a", 0), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 0), 0);
	assert_int_equal(ha_notify_init(&n, NULL, NULL, 0), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 0), 0);
	assert_int_equal(n.started, 0);
	assert_int_equal(ha_notify_running(&n), 0);
	assert_int_equal(ha_notify_reap(&n, 0), 0);
	ha_notify_fini(&n);
	ha_notify_fini(NULL);
}

static void
test_ha_notify_reaped_elsewhere(void **state)
{
	struct fixture *fx = *state;
	struct ha_notify n;
	int status;

	assert_int_equal(ha_notify_init(&n, script(fx, "ok.sh", "exit 0"), "rp-a", 0), 0);
	assert_int_equal(ha_notify_run(&n, "i", "a", "b", "c", 0), 0);
	/* Someone else collects the child: the slot is freed, no status is invented. */
	assert_int_equal(waitpid(n.child[0].pid, &status, 0), n.child[0].pid);
	assert_int_equal(ha_notify_reap(&n, 0), 1);
	assert_int_equal(ha_notify_running(&n), 0);
	assert_int_equal(n.exited, 0);
	assert_int_equal(n.last_status, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ha_notify_args_and_environment, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ha_notify_failing_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ha_notify_limit_skips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ha_notify_timeout_kills_group, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_ha_notify_spawn_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ha_notify_bad_args, setup, teardown),
		cmocka_unit_test(test_ha_notify_no_script_is_noop),
		cmocka_unit_test_setup_teardown(test_ha_notify_reaped_elsewhere, setup, teardown),
	};

	return cmocka_run_group_tests_name("ha_notify", tests, NULL, NULL);
}
