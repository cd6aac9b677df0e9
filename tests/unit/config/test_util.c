/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the parts of the config module that need no config file: the EAL core list
 * syntax, log level names and the error list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"

/* Count the cores set in @set. */
static int
set_count(const bool set[CFG_MAX_LCORE])
{
	int n = 0;

	for (int i = 0; i < CFG_MAX_LCORE; i++)
		n += set[i];
	return n;
}

static void
test_cfg_lcore_list_parse_ranges_and_singles(void **state)
{
	bool set[CFG_MAX_LCORE];

	(void)state;
	assert_int_equal(cfg_lcore_list_parse("0-3,6,8-9", set), 7);
	for (int i = 0; i < CFG_MAX_LCORE; i++)
		assert_int_equal(set[i], (i <= 3 || i == 6 || i == 8 || i == 9));
	assert_int_equal(set_count(set), 7);
}

static void
test_cfg_lcore_list_parse_single_core(void **state)
{
	bool set[CFG_MAX_LCORE];

	(void)state;
	assert_int_equal(cfg_lcore_list_parse("5", set), 1);
	assert_true(set[5]);
	assert_int_equal(set_count(set), 1);
	assert_int_equal(cfg_lcore_list_parse("2-2", set), 1);
	assert_true(set[2]);
	assert_false(set[5]);
}

static void
test_cfg_lcore_list_parse_limits(void **state)
{
	bool set[CFG_MAX_LCORE];

	(void)state;
	assert_int_equal(cfg_lcore_list_parse("0-127", set), CFG_MAX_LCORE);
	assert_int_equal(cfg_lcore_list_parse("127", set), 1);
	assert_true(set[CFG_MAX_LCORE - 1]);
	assert_int_equal(cfg_lcore_list_parse("128", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("0-128", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("99999999999999999999999", set), -EINVAL);
}

static void
test_cfg_lcore_list_parse_cpu_mapping(void **state)
{
	bool set[CFG_MAX_LCORE];

	(void)state;
	/* Lcores 1 and 2 both on CPU 1: the lcore ids are what the set holds. */
	assert_int_equal(cfg_lcore_list_parse("0,1@1,2@1", set), 3);
	assert_true(set[0] && set[1] && set[2]);
	assert_int_equal(set_count(set), 3);
	assert_int_equal(cfg_lcore_list_parse("4@0,0-1", set), 3);
	assert_true(set[4] && set[0] && set[1]);
	assert_int_equal(cfg_lcore_list_parse("1@127", set), 1);
	assert_int_equal(cfg_lcore_list_parse("1@128", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("1@", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("1@a", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("@1", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("1-2@1", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("1@1@1", set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("1@1-2", set), -EINVAL);
}

static void
test_cfg_lcore_list_parse_overlap_counted_once(void **state)
{
	bool set[CFG_MAX_LCORE];

	(void)state;
	assert_int_equal(cfg_lcore_list_parse("0-2,1,2-3", set), 4);
	assert_int_equal(set_count(set), 4);
}

static void
test_cfg_lcore_list_parse_bad_syntax(void **state)
{
	static const char *const bad[] = {
		"",   "-",  "-1", "0-",    "3-1",   ",0", "0,",  "0,,1", "a",       "0x1",
		"1a", " 1", "1 ", "0 - 1", "0-1-2", "+1", "1;2", "0..3", "(0-1)@0",
	};
	bool set[CFG_MAX_LCORE];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A failed parse leaves @set alone. */
		memset(set, 0, sizeof(set));
		set[42] = true;
		if (cfg_lcore_list_parse(bad[i], set) != -EINVAL)
			fail_msg("core list \"%s\" was accepted", bad[i]);
		assert_true(set[42]);
		assert_int_equal(set_count(set), 1);
	}
	assert_int_equal(cfg_lcore_list_parse(NULL, set), -EINVAL);
	assert_int_equal(cfg_lcore_list_parse("0", NULL), -EINVAL);
}

static void
test_cfg_log_level_parse_every_name(void **state)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{ "emerg", 1 },   { "alert", 2 },  { "crit", 3 }, { "err", 4 },
		{ "warning", 5 }, { "notice", 6 }, { "info", 7 }, { "debug", 8 },
	};

	(void)state;
	/* The numbers are rte_log's, which the daemon passes on unchanged. */
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		assert_int_equal(cfg_log_level_parse(levels[i].name), levels[i].level);
		assert_string_equal(cfg_log_level_name(levels[i].level), levels[i].name);
	}
}

static void
test_cfg_log_level_parse_aliases(void **state)
{
	(void)state;
	assert_int_equal(cfg_log_level_parse("error"), CFG_LOG_ERR);
	assert_int_equal(cfg_log_level_parse("warn"), CFG_LOG_WARNING);
}

static void
test_cfg_log_level_parse_unknown(void **state)
{
	(void)state;
	assert_int_equal(cfg_log_level_parse("verbose"), -EINVAL);
	assert_int_equal(cfg_log_level_parse("INFO"), -EINVAL);
	assert_int_equal(cfg_log_level_parse("info "), -EINVAL);
	assert_int_equal(cfg_log_level_parse(""), -EINVAL);
	assert_int_equal(cfg_log_level_parse(NULL), -EINVAL);
}

static void
test_cfg_log_level_name_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(cfg_log_level_name(0), "unknown");
	assert_string_equal(cfg_log_level_name(CFG_LOG_DEBUG + 1), "unknown");
}

static void
test_cfg_error_add_records_line_and_text(void **state)
{
	struct cfg_errors errs;

	(void)state;
	cfg_errors_init(&errs, "node.conf");
	assert_string_equal(errs.file, "node.conf");
	assert_int_equal(errs.count, 0);
	cfg_error_add(&errs, 12, "%s: %d is out of range", "workers.burst", 600);
	cfg_error_add(&errs, -3, "whole file");
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.err[0].line, 12);
	assert_string_equal(errs.err[0].msg, "workers.burst: 600 is out of range");
	/* A negative line means the file as a whole, stored as 0. */
	assert_int_equal(errs.err[1].line, 0);
	assert_string_equal(errs.err[1].msg, "whole file");
	assert_int_equal(errs.dropped, 0);
}

static void
test_cfg_error_add_long_message_truncated(void **state)
{
	struct cfg_errors errs;
	char big[CFG_ERROR_MAX * 2];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cfg_errors_init(&errs, "f");
	cfg_error_add(&errs, 1, "%s", big);
	assert_int_equal(strlen(errs.err[0].msg), CFG_ERROR_MAX - 1);
}

static void
test_cfg_error_add_beyond_max_counted_as_dropped(void **state)
{
	struct cfg_errors errs;

	(void)state;
	cfg_errors_init(&errs, "f");
	for (int i = 0; i < CFG_MAX_ERRORS + 5; i++)
		cfg_error_add(&errs, i + 1, "error %d", i);
	assert_int_equal(errs.count, CFG_MAX_ERRORS);
	assert_int_equal(errs.dropped, 5);
	assert_string_equal(errs.err[CFG_MAX_ERRORS - 1].msg, "error 63");
	/* NULL is ignored rather than crashing. */
	cfg_error_add(NULL, 1, "ignored");
}

static void
test_cfg_errors_init_resets(void **state)
{
	struct cfg_errors errs;

	(void)state;
	cfg_errors_init(&errs, "a");
	for (int i = 0; i < CFG_MAX_ERRORS + 2; i++)
		cfg_error_add(&errs, 1, "e");
	cfg_errors_init(&errs, NULL);
	assert_int_equal(errs.count, 0);
	assert_int_equal(errs.dropped, 0);
	assert_string_equal(errs.file, "");
}

/* Print @errs into a string the caller frees. */
static char *
print_to_string(const struct cfg_errors *errs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cfg_errors_print(errs, fp);
	fclose(fp);
	return buf;
}

static void
test_cfg_errors_print_file_line_message(void **state)
{
	struct cfg_errors errs;
	char *out;

	(void)state;
	cfg_errors_init(&errs, "/etc/rampart/node.conf");
	cfg_error_add(&errs, 7, "workers.burst: 0 is out of range; allowed 1 to 512");
	cfg_error_add(&errs, 0, "cannot open the config file");
	out = print_to_string(&errs);
	assert_string_equal(out, "/etc/rampart/node.conf:7: workers.burst: 0 is out of range; "
	                         "allowed 1 to 512\n"
	                         "/etc/rampart/node.conf: cannot open the config file\n");
	free(out);
}

static void
test_cfg_errors_print_dropped_summary(void **state)
{
	struct cfg_errors errs;
	static const char tail[] = "\nn.conf: 3 more errors were not shown\n";
	char *out;
	size_t len;

	(void)state;
	cfg_errors_init(&errs, "n.conf");
	for (int i = 0; i < CFG_MAX_ERRORS + 3; i++)
		cfg_error_add(&errs, i + 1, "e%d", i);
	out = print_to_string(&errs);
	/* The summary is the last line. */
	len = strlen(out);
	assert_true(len > strlen(tail));
	assert_string_equal(out + len - strlen(tail), tail);
	assert_non_null(strstr(out, "n.conf:64: e63\n"));
	assert_null(strstr(out, "e64"));
	free(out);

	cfg_errors_init(&errs, "n.conf");
	for (int i = 0; i < CFG_MAX_ERRORS + 1; i++)
		cfg_error_add(&errs, 1, "e");
	out = print_to_string(&errs);
	assert_non_null(strstr(out, "n.conf: 1 more error was not shown\n"));
	free(out);
}

static void
test_cfg_errors_print_empty(void **state)
{
	struct cfg_errors errs;
	char *out;

	(void)state;
	cfg_errors_init(&errs, "n.conf");
	out = print_to_string(&errs);
	assert_string_equal(out, "");
	free(out);
	/* Without a file name the messages still say where they come from. */
	cfg_errors_init(&errs, "");
	cfg_error_add(&errs, 3, "m");
	out = print_to_string(&errs);
	assert_string_equal(out, "config:3: m\n");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_lcore_list_parse_ranges_and_singles),
		cmocka_unit_test(test_cfg_lcore_list_parse_single_core),
		cmocka_unit_test(test_cfg_lcore_list_parse_limits),
		cmocka_unit_test(test_cfg_lcore_list_parse_cpu_mapping),
		cmocka_unit_test(test_cfg_lcore_list_parse_overlap_counted_once),
		cmocka_unit_test(test_cfg_lcore_list_parse_bad_syntax),
		cmocka_unit_test(test_cfg_log_level_parse_every_name),
		cmocka_unit_test(test_cfg_log_level_parse_aliases),
		cmocka_unit_test(test_cfg_log_level_parse_unknown),
		cmocka_unit_test(test_cfg_log_level_name_out_of_range),
		cmocka_unit_test(test_cfg_error_add_records_line_and_text),
		cmocka_unit_test(test_cfg_error_add_long_message_truncated),
		cmocka_unit_test(test_cfg_error_add_beyond_max_counted_as_dropped),
		cmocka_unit_test(test_cfg_errors_init_resets),
		cmocka_unit_test(test_cfg_errors_print_file_line_message),
		cmocka_unit_test(test_cfg_errors_print_dropped_summary),
		cmocka_unit_test(test_cfg_errors_print_empty),
	};

	return cmocka_run_group_tests_name("config_util", tests, NULL, NULL);
}
