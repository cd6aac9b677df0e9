/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sysfs/GPIO bypass driver against a fake sysfs tree in a temporary directory: the
 * values written for each state, the state read back (and a relay thrown by the adapter's own
 * watchdog), the watchdog kicks, and every way the files can be wrong: missing, unwritable,
 * holding a value the config does not know, a FIFO with no reader (which must fail, not
 * block).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "byp.h"

struct tree {
	char dir[64];
	char relay[128], disc[128], wd[128];
	struct cfg_bypass cfg;
	struct byp_driver *drv;
};

static void
file_put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
file_get(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static int
setup(void **state)
{
	struct tree *t = test_calloc(1, sizeof(*t));

	assert_non_null(t);
	strcpy(t->dir, "/tmp/rampart-sysfs-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->relay, sizeof(t->relay), "%s/bypass", t->dir);
	snprintf(t->disc, sizeof(t->disc), "%s/disconnect", t->dir);
	snprintf(t->wd, sizeof(t->wd), "%s/wdt_kick", t->dir);
	/* What an adapter's driver shows: a value and a newline. */
	file_put(t->relay, "0\n");
	file_put(t->disc, "0\n");
	file_put(t->wd, "");
	t->cfg.driver = CFG_BYPASS_SYSFS;
	t->cfg.watchdog_ms = 20;
	snprintf(t->cfg.sysfs.bypass_path, sizeof(t->cfg.sysfs.bypass_path), "%s", t->relay);
	snprintf(t->cfg.sysfs.disconnect_path, sizeof(t->cfg.sysfs.disconnect_path), "%s", t->disc);
	snprintf(t->cfg.sysfs.watchdog_path, sizeof(t->cfg.sysfs.watchdog_path), "%s", t->wd);
	/* The values are left empty: the driver applies the config's defaults ("1", "0"). */
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	byp_driver_release(t->drv);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
	test_free(t);
	return 0;
}

static struct byp_driver *
probed(struct tree *t)
{
	char err[256] = "";

	t->drv = byp_drv_sysfs_create(&t->cfg);
	assert_non_null(t->drv);
	assert_string_equal(t->drv->ops->name, "sysfs");
	assert_int_equal(t->drv->ops->probe(t->drv, err, sizeof(err)), 0);
	return t->drv;
}

static void
expect_files(const struct tree *t, const char *relay, const char *disc)
{
	char buf[32];

	file_get(t->relay, buf, sizeof(buf));
	assert_string_equal(buf, relay);
	file_get(t->disc, buf, sizeof(buf));
	assert_string_equal(buf, disc);
}

static enum byp_state
device_state(struct byp_driver *d, struct byp_drv_status *st)
{
	assert_int_equal(d->ops->status(d, st), 0);
	return st->state;
}

static void
test_sysfs_probe_changes_nothing(void **state)
{
	struct tree *t = *state;
	struct byp_drv_status st;

	probed(t);
	expect_files(t, "0\n", "0\n");
	assert_int_equal(device_state(t->drv, &st), BYP_STATE_INLINE);
	assert_false(st.by_watchdog);
}

static void
test_sysfs_each_state_written_and_read_back(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d = probed(t);
	struct byp_drv_status st;

	assert_int_equal(d->ops->engage(d), 0);
	expect_files(t, "1", "0");
	assert_int_equal(device_state(d, &st), BYP_STATE_BYPASS);
	assert_false(st.by_watchdog);
	assert_int_equal(d->ops->disconnect(d), 0);
	expect_files(t, "0", "1");
	assert_int_equal(device_state(d, &st), BYP_STATE_DISCONNECT);
	assert_int_equal(d->ops->arm(d, 1), 0);
	expect_files(t, "0", "0");
	assert_int_equal(device_state(d, &st), BYP_STATE_INLINE);
}

static void
test_sysfs_custom_values(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d;
	struct byp_drv_status st;

	strcpy(t->cfg.sysfs.bypass_on, "bypass");
	strcpy(t->cfg.sysfs.bypass_off, "normal");
	file_put(t->relay, "normal\n");
	d = probed(t);
	assert_int_equal(device_state(d, &st), BYP_STATE_INLINE);
	assert_int_equal(d->ops->engage(d), 0);
	expect_files(t, "bypass", "0");
	assert_int_equal(device_state(d, &st), BYP_STATE_BYPASS);
}

static void
test_sysfs_adapter_watchdog_seen(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d = probed(t);
	struct byp_drv_status st;

	assert_int_equal(d->ops->arm(d, 1), 0);
	/* The adapter's watchdog throws the relay. */
	file_put(t->relay, "1\n");
	assert_int_equal(device_state(d, &st), BYP_STATE_BYPASS);
	assert_true(st.by_watchdog);
}

static void
test_sysfs_unknown_value_refused(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d = probed(t);
	struct byp_drv_status st;

	file_put(t->relay, "2\n");
	assert_int_equal(d->ops->status(d, &st), -EPROTO);
	file_put(t->relay, "");
	assert_int_equal(d->ops->status(d, &st), -EPROTO);
}

static void
test_sysfs_watchdog_kicks(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d;
	struct byp_drv_status st;
	char buf[32];

	strcpy(t->cfg.sysfs.watchdog_kick, "kick");
	d = probed(t);
	d->ops->heartbeat(d, 1);
	d->ops->heartbeat(d, 2);
	file_get(t->wd, buf, sizeof(buf));
	/* Each kick is written from offset 0: the file holds one kick, not two. */
	assert_string_equal(buf, "kick");
	assert_int_equal(device_state(d, &st), BYP_STATE_INLINE);
	assert_non_null(strstr(st.detail, "kicks 2, failed 0"));
}

static void
test_sysfs_watchdog_fifo_without_reader(void **state)
{
	struct tree *t = *state;
	char err[256] = "";

	unlink(t->wd);
	assert_int_equal(mkfifo(t->wd, 0600), 0);
	t->drv = byp_drv_sysfs_create(&t->cfg);
	/* O_NONBLOCK: no reader is an error (ENXIO), not a process stuck in open(). */
	assert_int_equal(t->drv->ops->probe(t->drv, err, sizeof(err)), -ENXIO);
	assert_non_null(strstr(err, "watchdog_path"));
}

static void
test_sysfs_watchdog_fifo_counts_kicks(void **state)
{
	struct tree *t = *state;
	struct byp_drv_status st;
	char buf[64];
	ssize_t n;
	int rfd;

	unlink(t->wd);
	assert_int_equal(mkfifo(t->wd, 0600), 0);
	rfd = open(t->wd, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	probed(t);
	for (int i = 0; i < 5; i++)
		t->drv->ops->heartbeat(t->drv, (uint64_t)i);
	n = read(rfd, buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "11111", 5);
	close(rfd);
	/* The reader is gone: kicks fail (EPIPE, SIGPIPE ignored below) and are counted. */
	signal(SIGPIPE, SIG_IGN);
	t->drv->ops->heartbeat(t->drv, 6);
	assert_int_equal(device_state(t->drv, &st), BYP_STATE_INLINE);
	assert_non_null(strstr(st.detail, "kicks 5, failed 1"));
}

static void
test_sysfs_missing_files(void **state)
{
	struct tree *t = *state;
	char err[256] = "";

	unlink(t->relay);
	t->drv = byp_drv_sysfs_create(&t->cfg);
	assert_int_equal(t->drv->ops->probe(t->drv, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "bypass_path"));
	assert_non_null(strstr(err, t->relay));
}

static void
test_sysfs_bypass_path_required(void **state)
{
	struct tree *t = *state;
	char err[256] = "";

	t->cfg.sysfs.bypass_path[0] = '\0';
	t->drv = byp_drv_sysfs_create(&t->cfg);
	assert_int_equal(t->drv->ops->probe(t->drv, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "required"));
}

static void
test_sysfs_same_on_off_refused(void **state)
{
	struct tree *t = *state;
	char err[256] = "";

	strcpy(t->cfg.sysfs.bypass_on, "1");
	strcpy(t->cfg.sysfs.bypass_off, "1\n");
	t->drv = byp_drv_sysfs_create(&t->cfg);
	assert_int_equal(t->drv->ops->probe(t->drv, err, sizeof(err)), -EINVAL);
}

static void
test_sysfs_no_disconnect_file(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d;
	struct byp_drv_status st;

	t->cfg.sysfs.disconnect_path[0] = '\0';
	d = probed(t);
	assert_int_equal(d->ops->disconnect(d), -EOPNOTSUPP);
	assert_int_equal(d->ops->engage(d), 0);
	assert_int_equal(device_state(d, &st), BYP_STATE_BYPASS);
}

static void
test_sysfs_unwritable_relay(void **state)
{
	struct tree *t = *state;
	struct byp_driver *d = probed(t);

	/* Root writes through permissions: make the relay a directory instead. */
	unlink(t->relay);
	assert_int_equal(mkdir(t->relay, 0700), 0);
	assert_int_equal(d->ops->engage(d), -EISDIR);
	rmdir(t->relay);
}

static void
test_sysfs_value_is(void **state)
{
	(void)state;
	assert_true(byp_sysfs_value_is("1\n", 2, "1"));
	assert_true(byp_sysfs_value_is("1", 1, "1\n"));
	assert_true(byp_sysfs_value_is("bypass \n", 8, "bypass"));
	assert_false(byp_sysfs_value_is("10\n", 3, "1"));
	assert_false(byp_sysfs_value_is("", 0, "1"));
	assert_false(byp_sysfs_value_is("1", 1, "0"));
	assert_true(byp_sysfs_value_is("\n", 1, ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sysfs_probe_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_each_state_written_and_read_back, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_custom_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_adapter_watchdog_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_unknown_value_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_watchdog_kicks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_watchdog_fifo_without_reader, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_watchdog_fifo_counts_kicks, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_bypass_path_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_same_on_off_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_no_disconnect_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_unwritable_relay, setup, teardown),
		cmocka_unit_test(test_sysfs_value_is),
	};

	return cmocka_run_group_tests_name("bypass_sysfs", tests, NULL, NULL);
}
