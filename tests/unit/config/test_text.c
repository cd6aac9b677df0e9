/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the guards every config text passes on its way to libconfig (cfg_text.h),
 * on their own: no node config schema, only what libconfig itself would accept, refuse or
 * get wrong. Files are written to a temporary directory made for the run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_text.h"

#define MAX_FILES 16

static struct cfg_errors errs;
static char dir[64];
static char files[MAX_FILES][128];
static unsigned int n_files;

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rp-cfg-text.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < n_files; i++)
		unlink(files[i]);
	rmdir(dir);
	return 0;
}

/* A file called @name in the run's directory holding @len bytes of @data; its path. */
static const char *
write_file(const char *name, const void *data, size_t len)
{
	char *path;
	FILE *fp;

	assert_true(n_files < MAX_FILES);
	path = files[n_files++];
	snprintf(path, sizeof(files[0]), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void
dump_errors(void)
{
	print_message("errors (%u, %u dropped):\n", errs.count, errs.dropped);
	cfg_errors_print(&errs, stderr);
}

/* @rc is @want_rc and the one error recorded is @want_msg, exactly, on @want_line. */
#define assert_only_error(rc, want_rc, want_line, want_msg)                                        \
	do {                                                                                       \
		int rc_ = (rc);                                                                    \
		if (rc_ != (want_rc) || errs.count != 1 || errs.dropped != 0 ||                    \
		    errs.err[0].line != (want_line) || strcmp(errs.err[0].msg, (want_msg)) != 0) { \
			dump_errors();                                                             \
			fail_msg("rc %d (expected %d): expected only \"%s\" at line %d", rc_,      \
			         (want_rc), (want_msg), (want_line));                              \
		}                                                                                  \
	} while (0)

static int
open_text(const char *text, config_t *lc, struct cfg_text_wrapped *wrapped)
{
	cfg_errors_init(&errs, "test.conf");
	return cfg_text_open(text, lc, wrapped, &errs);
}

/* cfg_text_open() refuses @text with one error, @msg on @line. */
static void
assert_refused(const char *text, int line, const char *msg)
{
	struct cfg_text_wrapped wrapped = { .count = 3 };
	config_t lc;

	assert_only_error(open_text(text, &lc, &wrapped), -EINVAL, line, msg);
	assert_int_equal(wrapped.count, 0);
}

/* cfg_text_open() accepts @text without an error; @lc is to be destroyed by the caller. */
static void
assert_opened(const char *text, config_t *lc)
{
	int rc = open_text(text, lc, NULL);

	if (rc != 0 || errs.count != 0) {
		dump_errors();
		fail_msg("rc %d: expected the text to be read", rc);
	}
}

static int
read_file(const char *path, const char *kind, char **text)
{
	cfg_errors_init(&errs, path);
	*text = (char *)"not touched";
	return cfg_text_read(path, kind, text, &errs);
}

static void
test_cfg_text_open_valid(void **state)
{
	const config_setting_t *s;
	int v = 0;
	config_t lc;

	(void)state;
	assert_opened("a = 7;\nb = { c = \"x\" \"y\"; d = [1, 2]; e = (1, \"f\", {}); };\n", &lc);
	assert_int_equal(config_lookup_int(&lc, "a", &v), CONFIG_TRUE);
	assert_int_equal(v, 7);
	s = config_lookup(&lc, "b.c");
	assert_non_null(s);
	assert_string_equal(config_setting_get_string(s), "xy");
	assert_int_equal(config_setting_source_line(s), 2);
	config_destroy(&lc);

	/* An empty text is an empty root group. */
	assert_opened("", &lc);
	assert_int_equal(config_setting_length(config_root_setting(&lc)), 0);
	config_destroy(&lc);
}

static void
test_cfg_text_open_include_refused(void **state)
{
	static const char msg[] = "@include is not supported; put every setting in this one file";

	(void)state;
	assert_refused("@include \"/dev/zero\"\n", 1, msg);
	assert_refused("a = 1;\n\n \t@include \"/etc/passwd\"\nb = 2;\n", 3, msg);
	/* No final newline: refused all the same. */
	assert_refused("a = 1;\n@include \"x\"", 2, msg);
	/* Not at the start of a line, libconfig takes '@' for garbage. */
	assert_refused("a = 1; @include \"x\"\n", 1, "not valid libconfig syntax: syntax error");
}

static void
test_cfg_text_open_syntax_error(void **state)
{
	config_t lc;

	(void)state;
	/* libconfig's own errors, in its words and on its line. */
	assert_refused("a = 1;\n\nb = ;\n", 3, "not valid libconfig syntax: syntax error");
	assert_refused("a = [1 };\n", 1, "not valid libconfig syntax: syntax error");
	assert_refused("a = 1;\na = 2;\n", 2, "not valid libconfig syntax: duplicate setting name");
	/* Errors on a string token, caught before libconfig runs, worded the same. */
	assert_refused("\"a\" = 1;\n", 1, "not valid libconfig syntax: syntax error");
	assert_refused("a = 1\n\n\"s\";\n", 3, "not valid libconfig syntax: syntax error");
	assert_refused("a = { \"s\" };\n", 1, "not valid libconfig syntax: syntax error");
	/* A multi-line string counts on its last line. */
	assert_refused("a = 1 \"s\n\nt\";\n", 3, "not valid libconfig syntax: syntax error");
	/* A string open at the end of the text. */
	assert_int_equal(open_text("a = \"x", &lc, NULL), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.err[0].msg, "not valid libconfig syntax: "));
}

/* "x = " then @depth lists inside each other, each opening on its own line from line 2. */
static char *
nested_text(int depth)
{
	size_t size = 8 + 3 * (size_t)depth, o;
	char *buf = malloc(size);

	assert_non_null(buf);
	o = (size_t)snprintf(buf, size, "x =\n");
	for (int i = 0; i < depth; i++)
		o += (size_t)snprintf(buf + o, size - o, "(\n");
	for (int i = 0; i < depth; i++)
		o += (size_t)snprintf(buf + o, size - o, ")");
	snprintf(buf + o, size - o, ";\n");
	return buf;
}

static void
test_cfg_text_open_nesting_limit(void **state)
{
	const config_setting_t *s;
	char *text, msg[128];
	config_t lc;

	(void)state;
	snprintf(msg, sizeof(msg),
	         "settings nested more than %d levels deep; no Rampart setting needs more than 3",
	         CFG_TEXT_NEST_MAX);
	/* Reported on the line of the first level too many. */
	text = nested_text(CFG_TEXT_NEST_MAX + 1);
	assert_refused(text, CFG_TEXT_NEST_MAX + 2, msg);
	free(text);
	/* Far deeper than libconfig's recursion would survive. */
	text = nested_text(1000000);
	assert_refused(text, CFG_TEXT_NEST_MAX + 2, msg);
	free(text);
	assert_refused("a = { b = { c = { d = { e = { f = { g = { h = { i = { j = { k = { l = { "
	               "m = { n = { o = { p = { q = {} }; }; }; }; }; }; }; }; }; }; }; }; }; }; "
	               "}; };\n",
	               1, msg);

	/* The limit itself is read. */
	text = nested_text(CFG_TEXT_NEST_MAX);
	assert_opened(text, &lc);
	free(text);
	s = config_lookup(&lc, "x");
	for (int i = 1; i < CFG_TEXT_NEST_MAX; i++) {
		assert_non_null(s);
		assert_int_equal(config_setting_type(s), CONFIG_TYPE_LIST);
		s = config_setting_get_elem(s, 0);
	}
	assert_non_null(s);
	assert_int_equal(config_setting_length(s), 0);
	config_destroy(&lc);
}

static void
test_cfg_text_open_wrapped_numbers(void **state)
{
	static const char text[] = "a = 1;\n"                                           /* 1 */
				   "b = 4294967297;\n"                                  /* 2 */
				   "c = [ 2, 0x100000000 ];\n"                          /* 3 */
				   "d = 5000000000L; e = 0x100000000L;\n"               /* 4 */
				   "f = -2147483648; g = 2147483647; h = 0x7fffffff;\n" /* 5 */
				   "i = -2147483649;\n"                                 /* 6 */
				   "j = \"99999999999\"; # 99999999999\n"               /* 7 */
				   "k = 2147483648; l = 9.9e99;\n";                     /* 8 */
	static const int lines[] = { 2, 3, 6, 8 };
	struct cfg_text_wrapped wrapped = { .count = 9 };
	config_t lc;

	(void)state;
	assert_int_equal(open_text(text, &lc, &wrapped), 0);
	assert_int_equal(errs.count, 4);
	assert_int_equal(wrapped.count, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(errs.err[i].line, lines[i]);
		assert_int_equal(wrapped.line[i], lines[i]);
	}
	assert_string_equal(errs.err[0].msg, "the number 4294967297 is out of range; no setting "
	                                     "takes a number this large");
	assert_non_null(strstr(errs.err[1].msg, "the number 0x100000000 is out of range"));
	assert_non_null(strstr(errs.err[2].msg, "the number -2147483649 is out of range"));
	assert_non_null(strstr(errs.err[3].msg, "the number 2147483648 is out of range"));

	/* The settings on those lines are the ones to skip (a whole line); the others are not. */
	assert_true(cfg_text_wrapped_has(&wrapped, config_lookup(&lc, "b")));
	assert_true(cfg_text_wrapped_has(&wrapped,
	                                 config_setting_get_elem(config_lookup(&lc, "c"), 1)));
	assert_true(cfg_text_wrapped_has(&wrapped, config_lookup(&lc, "k")));
	assert_true(cfg_text_wrapped_has(&wrapped, config_lookup(&lc, "l")));
	for (const char *name = "adefghj"; *name != '\0'; name++) {
		const char path[2] = { *name, '\0' };
		const config_setting_t *s = config_lookup(&lc, path);

		assert_non_null(s);
		if (cfg_text_wrapped_has(&wrapped, s))
			fail_msg("setting %s is not on a wrapped line", path);
	}
	assert_false(cfg_text_wrapped_has(NULL, config_lookup(&lc, "b")));
	assert_false(cfg_text_wrapped_has(&wrapped, NULL));
	config_destroy(&lc);

	/* Long numbers are cut short in the message. */
	assert_int_equal(open_text("a = 123456789012345678901234567890;\n", &lc, NULL), 0);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.err[0].msg, "the number 123456789012345678901234... is out of "
	                                     "range; no setting takes a number this large");
	config_destroy(&lc);
}

static void
test_cfg_text_open_wrapped_lines_bounded(void **state)
{
	struct cfg_text_wrapped wrapped;
	char text[1024];
	size_t o = 0;
	config_t lc;

	(void)state;
	for (int i = 0; i < CFG_TEXT_WRAPPED_MAX + 4; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "n%d = %d99999999999;\n", i, i);
	assert_int_equal(open_text(text, &lc, &wrapped), 0);
	/* Every number is reported; the lines noted stop at the bound. */
	assert_int_equal(errs.count, CFG_TEXT_WRAPPED_MAX + 4);
	assert_int_equal(wrapped.count, CFG_TEXT_WRAPPED_MAX);
	for (int i = 0; i < CFG_TEXT_WRAPPED_MAX; i++)
		assert_int_equal(wrapped.line[i], i + 1);
	config_destroy(&lc);
}

static void
test_cfg_text_wrapped_has_line_beyond_65535(void **state)
{
	struct cfg_text_wrapped wrapped;
	const size_t blank = 65537;
	char *text = malloc(blank + 64);
	config_t lc;

	(void)state;
	assert_non_null(text);
	/* libconfig documents its line numbers as unsigned short: still found past 65535. */
	memset(text, '\n', blank);
	snprintf(text + blank, 64, "b = 99999999999;\n");
	assert_int_equal(open_text(text, &lc, &wrapped), 0);
	free(text);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.err[0].line, 65538);
	assert_int_equal(wrapped.count, 1);
	assert_int_equal(wrapped.line[0], 65538);
	assert_true(cfg_text_wrapped_has(&wrapped, config_lookup(&lc, "b")));
	config_destroy(&lc);
}

static void
test_cfg_text_open_comment_on_last_line(void **state)
{
	static const char *const texts[] = {
		"a = 1;\n# the end, without a newline",
		"a = 1;\n// the end, without a newline",
		"a = 1; # on the only line",
		"a = 1;\n/* a block comment */",
		"a = 1",
	};
	config_t lc;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int v = 0;

		assert_opened(texts[i], &lc);
		assert_int_equal(config_lookup_int(&lc, "a", &v), CONFIG_TRUE);
		assert_int_equal(v, 1);
		config_destroy(&lc);
	}
	/* An error after such a comment is still on its own line. */
	assert_refused("a = 1;\nb = ;\n# end", 2, "not valid libconfig syntax: syntax error");
}

static void
test_cfg_text_open_null_arguments(void **state)
{
	config_t lc;

	(void)state;
	assert_only_error(open_text(NULL, &lc, NULL), -EINVAL, 0, "no config text to parse");
	assert_only_error(open_text("a = 1;\n", NULL, NULL), -EINVAL, 0, "no config text to parse");
	/* Without an error list the result is the same. */
	assert_int_equal(cfg_text_open("a = 1;\n@include \"x\"\n", &lc, NULL, NULL), -EINVAL);
	assert_int_equal(cfg_text_open("a = 99999999999;\n", &lc, NULL, NULL), 0);
	config_destroy(&lc);
}

static void
test_cfg_text_read_text_newline_terminated(void **state)
{
	static const char data[] = "a = 1;\n# no final newline";
	const char *path = write_file("plain.conf", data, sizeof(data) - 1);
	char *text;

	(void)state;
	assert_int_equal(read_file(path, "node config", &text), 0);
	assert_int_equal(errs.count, 0);
	assert_string_equal(text, "a = 1;\n# no final newline\n");
	free(text);

	path = write_file("newline.conf", "a = 1;\n", 7);
	assert_int_equal(read_file(path, "node config", &text), 0);
	assert_string_equal(text, "a = 1;\n");
	free(text);

	/* An empty file stays empty. */
	path = write_file("empty.conf", "", 0);
	assert_int_equal(read_file(path, "node config", &text), 0);
	assert_string_equal(text, "");
	free(text);
}

static void
test_cfg_text_read_nul_byte(void **state)
{
	static const char data[] = "a = 1;\nb = \"x\";\n\0c = 3;\n";
	const char *path = write_file("nul.conf", data, sizeof(data) - 1);
	char *text;

	(void)state;
	assert_only_error(read_file(path, "node config", &text), -EINVAL, 3,
	                  "the file contains a NUL byte; a config file is text");
	assert_null(text);
	path = write_file("nul-first.conf", "\0", 1);
	assert_only_error(read_file(path, "node config", &text), -EINVAL, 1,
	                  "the file contains a NUL byte; a config file is text");
	assert_null(text);
}

static void
test_cfg_text_read_too_big(void **state)
{
	char *big = malloc(CFG_FILE_SIZE_MAX + 1);
	const char *path;
	char *text, msg[96];

	(void)state;
	assert_non_null(big);
	memset(big, ' ', CFG_FILE_SIZE_MAX + 1);
	big[0] = '#';
	big[CFG_FILE_SIZE_MAX - 1] = '\n';
	/* At the limit the file is read whole. */
	path = write_file("at-limit.conf", big, CFG_FILE_SIZE_MAX);
	assert_int_equal(read_file(path, "node config", &text), 0);
	assert_int_equal(errs.count, 0);
	assert_int_equal(strlen(text), CFG_FILE_SIZE_MAX);
	free(text);

	path = write_file("too-big.conf", big, CFG_FILE_SIZE_MAX + 1);
	free(big);
	snprintf(msg, sizeof(msg), "the file is larger than %d bytes; a policy file is far smaller",
	         CFG_FILE_SIZE_MAX);
	assert_only_error(read_file(path, "policy file", &text), -EFBIG, 0, msg);
	assert_null(text);
	assert_only_error(read_file(path, "node config", &text), -EFBIG, 0,
	                  "the file is larger than 1048576 bytes; a node config is far smaller");
}

static void
test_cfg_text_read_missing_file(void **state)
{
	char path[128], *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-file.conf", dir);
	assert_only_error(read_file(path, "node config", &text), -ENOENT, 0,
	                  "cannot open the config file: No such file or directory");
	assert_null(text);
	snprintf(path, sizeof(path), "%s/no-such-dir/x.conf", dir);
	assert_int_equal(read_file(path, "node config", &text), -ENOENT);
	assert_only_error(read_file(NULL, "node config", &text), -EINVAL, 0,
	                  "no config file given");
}

static void
test_cfg_text_read_directory(void **state)
{
	char *text;

	(void)state;
	assert_only_error(read_file(dir, "node config", &text), -EISDIR, 0,
	                  "is a directory, not a config file");
	assert_null(text);
}

static void
test_cfg_text_read_unreadable(void **state)
{
	const char *path = write_file("mode-000.conf", "a = 1;\n", 7);
	char *text;

	(void)state;
	if (geteuid() == 0) {
		/* root reads a mode 000 file anyway: nothing to test. */
		skip();
	}
	assert_int_equal(chmod(path, 0), 0);
	assert_only_error(read_file(path, "node config", &text), -EACCES, 0,
	                  "cannot open the config file: Permission denied");
	assert_null(text);
}

static void
test_cfg_text_read_then_open(void **state)
{
	static const char data[] = "a = 1;\n\n  @include \"plain.conf\"";
	const char *path = write_file("include.conf", data, sizeof(data) - 1);
	char *text;
	config_t lc;

	(void)state;
	/* Reading is not parsing: the directive is only refused when the text is opened. */
	assert_int_equal(read_file(path, "node config", &text), 0);
	assert_only_error(cfg_text_open(text, &lc, NULL, &errs), -EINVAL, 3,
	                  "@include is not supported; put every setting in this one file");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_text_open_valid),
		cmocka_unit_test(test_cfg_text_open_include_refused),
		cmocka_unit_test(test_cfg_text_open_syntax_error),
		cmocka_unit_test(test_cfg_text_open_nesting_limit),
		cmocka_unit_test(test_cfg_text_open_wrapped_numbers),
		cmocka_unit_test(test_cfg_text_open_wrapped_lines_bounded),
		cmocka_unit_test(test_cfg_text_wrapped_has_line_beyond_65535),
		cmocka_unit_test(test_cfg_text_open_comment_on_last_line),
		cmocka_unit_test(test_cfg_text_open_null_arguments),
		cmocka_unit_test(test_cfg_text_read_text_newline_terminated),
		cmocka_unit_test(test_cfg_text_read_nul_byte),
		cmocka_unit_test(test_cfg_text_read_too_big),
		cmocka_unit_test(test_cfg_text_read_missing_file),
		cmocka_unit_test(test_cfg_text_read_directory),
		cmocka_unit_test(test_cfg_text_read_unreadable),
		cmocka_unit_test(test_cfg_text_read_then_open),
	};

	return cmocka_run_group_tests_name("config_text", tests, setup, teardown);
}
