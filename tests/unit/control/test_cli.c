/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl's command line (tools/rampartctl/cli.c), parsed against a table of the shapes
 * commands will take: single words, words with subcommands, arguments and own options.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "ctl.h"

static int
print_nothing(FILE *out, json_t *data)
{
	(void)out;
	(void)data;
	return 0;
}

static int
build_policy_load(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	assert_int_equal(argc, 1);
	*args = json_pack("{s:s}", "file", argv[0]);
	return *args != NULL ? 0 : -ENOMEM;
}

/* ADDR [--ttl S] */
static int
build_blocklist_add(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	const char *addr = NULL;
	long ttl = -1;
	char *end;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
			ttl = strtol(argv[++i], &end, 10);
			if (*end != '\0' || ttl <= 0) {
				snprintf(err, errlen, "invalid ttl '%s'", argv[i]);
				return -EINVAL;
			}
		} else if (argv[i][0] == '-') {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -EINVAL;
		} else if (addr == NULL) {
			addr = argv[i];
		} else {
			snprintf(err, errlen, "one address at a time");
			return -EINVAL;
		}
	}
	if (addr == NULL) {
		snprintf(err, errlen, "no address");
		return -EINVAL;
	}
	*args = json_pack("{s:s}", "address", addr);
	if (ttl > 0)
		json_object_set_new(*args, "ttl_s", json_integer(ttl));
	return 0;
}

static const struct ctl_cli_cmd cmds[] = {
	{.words = {"status"}, .request = "status", .print = print_nothing},
	{.words = {"policy", "load"}, .request = "policy.load", .min_args = 1, .max_args = 1,
	 .synopsis = "FILE", .build = build_policy_load},
	{.words = {"policy", "show"}, .request = "policy.show"},
	{.words = {"blocklist", "add"}, .request = "blocklist.add", .min_args = 1, .max_args = 3,
	 .synopsis = "ADDR [--ttl S]", .build = build_blocklist_add},
	{.words = {"blocklist", "del"}, .request = "blocklist.del", .min_args = 1, .max_args = 1,
	 .synopsis = "ADDR"},
	{.words = {"ha"}, .request = "ha", .max_args = CTL_CLI_ARGS_UNLIMITED,
	 .synopsis = "[ANY...]"},
	{.words = {"ha", "status"}, .request = "ha.status"},
	{.words = {"bypass", "engage"}, .request = "bypass.engage"},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Parse the NULL-terminated words in @ap against @table (the program name is added). */
static int
vparse(const struct ctl_cli_cmd *table, size_t n, struct ctl_cli *cli, const char *env,
       char *err, size_t errlen, va_list ap)
{
	char *argv[32];
	int argc = 0;
	char *w;

	argv[argc++] = (char *)"rampartctl";
	while ((w = va_arg(ap, char *)) != NULL && argc < 31)
		argv[argc++] = w;
	argv[argc] = NULL;
	return ctl_cli_parse(cli, table, n, argc, argv, env, err, errlen);
}

/* Parse a NULL-terminated list of words against cmds. */
static int
parse(struct ctl_cli *cli, const char *env, char *err, size_t errlen, ...)
{
	va_list ap;
	int ret;

	va_start(ap, errlen);
	ret = vparse(cmds, NCMDS, cli, env, err, errlen, ap);
	va_end(ap);
	return ret;
}

static void
test_ctl_cli_parse_defaults(void **state)
{
	struct ctl_cli cli;
	char err[256];

	(void)state;
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "status", NULL), 0);
	assert_ptr_equal(cli.cmd, &cmds[0]);
	assert_string_equal(cli.socket, RP_DEFAULT_SOCKET);
	assert_int_equal(cli.timeout_ms, CTL_CLI_TIMEOUT_DEFAULT_MS);
	assert_false(cli.json);
	assert_false(cli.help);
	assert_false(cli.version);
	assert_null(cli.args);
	ctl_cli_free(&cli);

	/* $RAMPART_SOCKET when set and not empty. */
	assert_int_equal(parse(&cli, "/tmp/env.sock", err, sizeof(err), "status", NULL), 0);
	assert_string_equal(cli.socket, "/tmp/env.sock");
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, "", err, sizeof(err), "status", NULL), 0);
	assert_string_equal(cli.socket, RP_DEFAULT_SOCKET);
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_parse_options_anywhere(void **state)
{
	struct ctl_cli cli;
	char err[256];

	(void)state;
	/* Before the command. */
	assert_int_equal(parse(&cli, "/tmp/env.sock", err, sizeof(err), "-s", "/tmp/a.sock",
			       "--json", "--timeout", "250", "status", NULL),
			 0);
	assert_string_equal(cli.socket, "/tmp/a.sock");
	assert_true(cli.json);
	assert_int_equal(cli.timeout_ms, 250);
	assert_ptr_equal(cli.cmd, &cmds[0]);
	ctl_cli_free(&cli);

	/* After it, glued forms, and between the words of a command. */
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "policy", "--json", "load",
			       "-s/tmp/b.sock", "/etc/p.conf", "--timeout=0", NULL),
			 0);
	assert_string_equal(cli.socket, "/tmp/b.sock");
	assert_true(cli.json);
	assert_int_equal(cli.timeout_ms, 0);
	assert_ptr_equal(cli.cmd, &cmds[1]);
	assert_string_equal(json_string_value(json_object_get(cli.args, "file")), "/etc/p.conf");
	ctl_cli_free(&cli);

	assert_int_equal(
		parse(&cli, NULL, err, sizeof(err), "status", "--socket=/tmp/c.sock", NULL), 0);
	assert_string_equal(cli.socket, "/tmp/c.sock");
	ctl_cli_free(&cli);

	/* The last one wins. */
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "-s", "/tmp/1", "status", "--socket",
			       "/tmp/2", NULL),
			 0);
	assert_string_equal(cli.socket, "/tmp/2");
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_parse_help_and_version(void **state)
{
	struct ctl_cli cli;
	char err[256];

	(void)state;
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "--help", NULL), 0);
	assert_true(cli.help);
	assert_null(cli.cmd);
	ctl_cli_free(&cli);
	/* Help wins over what it comes after, even a wrong command. */
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "frobnicate", "-h", NULL), 0);
	assert_true(cli.help);
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "status", "-V", NULL), 0);
	assert_true(cli.version);
	assert_false(cli.help);
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "--version", NULL), 0);
	assert_true(cli.version);
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_parse_subcommands(void **state)
{
	struct ctl_cli cli;
	char err[256];

	(void)state;
	/* The longest command whose words all match. */
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "ha", "status", NULL), 0);
	assert_string_equal(cli.cmd->request, "ha.status");
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "ha", "other", "x", NULL), 0);
	assert_string_equal(cli.cmd->request, "ha");
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "ha", NULL), 0);
	assert_string_equal(cli.cmd->request, "ha");
	ctl_cli_free(&cli);
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "bypass", "engage", NULL), 0);
	assert_string_equal(cli.cmd->request, "bypass.engage");
	assert_null(cli.args);
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_parse_command_options(void **state)
{
	struct ctl_cli cli;
	char err[256];

	(void)state;
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "blocklist", "add", "198.51.100.9",
			       "--ttl", "30", "--json", NULL),
			 0);
	assert_string_equal(cli.cmd->request, "blocklist.add");
	assert_true(cli.json);
	assert_string_equal(json_string_value(json_object_get(cli.args, "address")),
			    "198.51.100.9");
	assert_int_equal(json_integer_value(json_object_get(cli.args, "ttl_s")), 30);
	ctl_cli_free(&cli);

	/* The builder's refusal is a usage error about that command. */
	assert_int_equal(parse(&cli, NULL, err, sizeof(err), "blocklist", "add", "198.51.100.9",
			       "--ttl", "soon", NULL),
			 -EINVAL);
	assert_string_equal(err, "invalid ttl 'soon'");
	assert_ptr_equal(cli.usage, &cmds[3]);
	assert_null(cli.cmd);
	ctl_cli_free(&cli);

	/* After "--" nothing is a global option. */
	assert_int_equal(
		parse(&cli, NULL, err, sizeof(err), "policy", "load", "--", "--json", NULL), 0);
	assert_false(cli.json);
	assert_string_equal(json_string_value(json_object_get(cli.args, "file")), "--json");
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_parse_usage_errors(void **state)
{
	static const struct {
		const char *words[6];
		const char *err;
	} cases[] = {
		{{NULL}, "no command given"},
		{{"frobnicate", NULL}, "unknown command 'frobnicate'"},
		{{"--no-such-option", "status", NULL}, "unknown option '--no-such-option'"},
		{{"status", "--no-such-option", NULL},
		 "unknown option '--no-such-option' for 'status'"},
		{{"status", "extra", NULL}, "unexpected argument 'extra' for 'status'"},
		{{"policy", NULL}, "'policy' needs one of: load, show"},
		{{"policy", "burn", NULL},
		 "unknown command 'policy burn' ('policy' takes: load, show)"},
		{{"policy", "load", NULL}, "missing argument for 'policy load'"},
		{{"policy", "load", "a", "b", NULL}, "unexpected argument 'b' for 'policy load'"},
		{{"blocklist", "del", NULL}, "missing argument for 'blocklist del'"},
		{{"status", "-s", NULL}, "option '-s' needs a value"},
		{{"status", "--timeout", NULL}, "option '--timeout' needs a value"},
		{{"status", "--socket=", NULL}, "the socket path is empty"},
	};
	struct ctl_cli cli;
	char err[256];
	char *argv[8];
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = (char *)"rampartctl";
		for (argc = 1; cases[i].words[argc - 1] != NULL; argc++)
			argv[argc] = (char *)cases[i].words[argc - 1];
		argv[argc] = NULL;
		assert_int_equal(
			ctl_cli_parse(&cli, cmds, NCMDS, argc, argv, NULL, err, sizeof(err)),
			-EINVAL);
		assert_string_equal(err, cases[i].err);
		assert_null(cli.cmd);
		assert_null(cli.args);
		ctl_cli_free(&cli);
	}
}

static void
test_ctl_cli_parse_bad_timeouts(void **state)
{
	static const char *const bad[] = {"-5", "12x", "", "99999999999", " 5", "+5", "0x10"};
	struct ctl_cli cli;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			parse(&cli, NULL, err, sizeof(err), "status", "--timeout", bad[i], NULL),
			-EINVAL);
		assert_non_null(strstr(err, "invalid timeout"));
		ctl_cli_free(&cli);
	}
	assert_int_equal(
		parse(&cli, NULL, err, sizeof(err), "--timeout", "2147483647", "status", NULL), 0);
	assert_int_equal(cli.timeout_ms, 2147483647);
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_cmd_line_forms(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(ctl_cli_cmd_line(&cmds[0], buf, sizeof(buf)), "status");
	assert_string_equal(ctl_cli_cmd_line(&cmds[3], buf, sizeof(buf)),
			    "blocklist add ADDR [--ttl S]");
	assert_string_equal(ctl_cli_cmd_line(&cmds[3], buf, 10), "blocklist");
}

/* rampartctl's mitigation commands, with their real builders (the table is rampartctl.c's). */
static const struct ctl_cli_cmd mit_cmds[] = {
	{.words = {"policy", "validate"}, .request = "policy.validate", .min_args = 1,
	 .max_args = 1, .synopsis = "FILE", .build = ctl_cli_build_policy_file},
	{.words = {"policy", "load"}, .request = "policy.load", .min_args = 1, .max_args = 1,
	 .synopsis = "FILE", .build = ctl_cli_build_policy_file},
	{.words = {"policy", "show"}, .request = "policy.show"},
	{.words = {"rules"}, .request = "rules", .max_args = 1, .synopsis = "[NAME]",
	 .build = ctl_cli_build_rule_name},
	{.words = {"blocklist", "add"}, .request = "blocklist.add", .min_args = 1, .max_args = 3,
	 .synopsis = "ADDR [--ttl S]", .build = ctl_cli_build_blocklist_add},
	{.words = {"blocklist", "del"}, .request = "blocklist.del", .min_args = 1, .max_args = 1,
	 .synopsis = "ADDR", .build = ctl_cli_build_blocklist_del},
	{.words = {"blocklist", "list"}, .request = "blocklist.list", .max_args = 2,
	 .synopsis = "[--limit N]", .build = ctl_cli_build_blocklist_list},
	{.words = {"blocklist", "flush"}, .request = "blocklist.flush"},
	{.words = {"drops"}, .request = "drops", .max_args = 2, .synopsis = "[--worker LCORE]",
	 .build = ctl_cli_build_drops},
};

#define MIT_NCMDS (sizeof(mit_cmds) / sizeof(mit_cmds[0]))

/* Parse a NULL-terminated list of words against mit_cmds. */
static int
mit_parse(struct ctl_cli *cli, char *err, size_t errlen, ...)
{
	va_list ap;
	int ret;

	va_start(ap, errlen);
	ret = vparse(mit_cmds, MIT_NCMDS, cli, NULL, err, errlen, ap);
	va_end(ap);
	return ret;
}

static json_int_t
arg_int(const struct ctl_cli *cli, const char *key)
{
	json_t *v = json_object_get(cli->args, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static const char *
arg_str(const struct ctl_cli *cli, const char *key)
{
	json_t *v = json_object_get(cli->args, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void
test_ctl_cli_build_policy_file_paths(void **state)
{
	char dir[] = "/tmp/rp-cli-test-XXXXXX";
	char old[4096], want[4200], sub[4200], file[4200];
	struct ctl_cli cli;
	char err[512];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(file, sizeof(file), "%s/p.conf", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(sub), 0);

	/* A relative name is resolved against our directory, "..", links and all. */
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "load", "../p.conf", NULL), 0);
	assert_string_equal(cli.cmd->request, "policy.load");
	assert_non_null(realpath(file, want));
	assert_string_equal(arg_str(&cli, "file"), want);
	assert_int_equal(json_object_size(cli.args), 1);
	ctl_cli_free(&cli);
	/* An absolute one goes as written. */
	snprintf(want, sizeof(want), "%s/sub/../p.conf", dir);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "validate", want, NULL), 0);
	assert_string_equal(cli.cmd->request, "policy.validate");
	assert_string_equal(arg_str(&cli, "file"), want);
	ctl_cli_free(&cli);

	/* A file that is not there is said at once: a failure (exit 1), not a usage error. */
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "load", "nope.conf", NULL),
			 -ENOENT);
	assert_string_equal(err, "nope.conf: no such file");
	assert_null(cli.cmd);
	ctl_cli_free(&cli);
	snprintf(want, sizeof(want), "%s/nope/p.conf", dir);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "validate", want, NULL),
			 -ENOENT);
	assert_non_null(strstr(err, "no such file"));
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "load", "", NULL), -EINVAL);
	assert_string_equal(err, "the policy file name is empty");
	ctl_cli_free(&cli);
	/* A name that is not UTF-8 cannot travel in JSON. */
	f = fopen("\xff.conf", "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "load", "\xff.conf", NULL),
			 -EINVAL);
	assert_string_equal(err, "the file name is not valid UTF-8");
	ctl_cli_free(&cli);

	assert_int_equal(unlink("\xff.conf"), 0);
	assert_int_equal(chdir(old), 0);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_ctl_cli_build_blocklist_add_forms(void **state)
{
	struct ctl_cli cli;
	char err[512];

	(void)state;
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "add", "198.18.0.1", NULL),
			 0);
	assert_string_equal(arg_str(&cli, "addr"), "198.18.0.1");
	assert_null(json_object_get(cli.args, "ttl"));
	ctl_cli_free(&cli);

	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "add", "2001:db8::1",
				   "--ttl", "300", NULL),
			 0);
	assert_string_equal(arg_str(&cli, "addr"), "2001:db8::1");
	assert_int_equal(arg_int(&cli, "ttl"), 300);
	ctl_cli_free(&cli);

	/* Option first, glued form, global options mixed in, the bounds. */
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "--json", "add",
				   "--ttl=2592000", "198.18.0.2", NULL),
			 0);
	assert_true(cli.json);
	assert_int_equal(arg_int(&cli, "ttl"), 2592000);
	assert_string_equal(arg_str(&cli, "addr"), "198.18.0.2");
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "add", "198.18.0.3",
				   "--ttl", "0", NULL),
			 0);
	assert_int_equal(arg_int(&cli, "ttl"), 0);
	ctl_cli_free(&cli);
	/* The address is the daemon's to judge: a prefix goes through, and is refused there. */
	assert_int_equal(
		mit_parse(&cli, err, sizeof(err), "blocklist", "add", "198.18.0.0/24", NULL), 0);
	assert_string_equal(arg_str(&cli, "addr"), "198.18.0.0/24");
	ctl_cli_free(&cli);
}

static void
test_ctl_cli_build_blocklist_add_usage_errors(void **state)
{
	static const char *const bad_ttl[] = {
		"-5", "abc", "", "1.5", "2592001", "+5", " 5", "0x10", "99999999999999999999", "5s",
	};
	static const struct {
		const char *words[8];
		const char *err;
	} cases[] = {
		{{"blocklist", "add", "--ttl", "5", NULL},
		 "missing argument for 'blocklist add': the address to block"},
		{{"blocklist", "add", "198.18.0.1", "198.18.0.2", NULL},
		 "unexpected argument '198.18.0.2' for 'blocklist add'"},
		{{"blocklist", "add", "198.18.0.1", "--ttl", NULL}, "option '--ttl' needs a value"},
		{{"blocklist", "add", "198.18.0.1", "--tll", "5", NULL},
		 "unknown option '--tll' for 'blocklist add'"},
		{{"blocklist", "add", "198.18.0.1", "--ttl", "5", "--ttl", NULL},
		 "unknown option '--ttl' for 'blocklist add'"},
		{{"blocklist", "add", "\xc3\x28", NULL}, "the address is not valid UTF-8"},
		{{"blocklist", "add", NULL}, "missing argument for 'blocklist add'"},
	};
	struct ctl_cli cli;
	char err[512];
	char *argv[10];
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(bad_ttl) / sizeof(bad_ttl[0]); i++) {
		assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "add", "198.18.0.1",
					   "--ttl", bad_ttl[i], NULL),
				 -EINVAL);
		assert_non_null(strstr(err, "invalid ttl '"));
		assert_non_null(strstr(err, "seconds from 0 (until deleted) to 2592000 (30 days)"));
		assert_null(cli.cmd);
		assert_null(cli.args);
		assert_ptr_equal(cli.usage, &mit_cmds[4]);
		ctl_cli_free(&cli);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = (char *)"rampartctl";
		for (argc = 1; cases[i].words[argc - 1] != NULL; argc++)
			argv[argc] = (char *)cases[i].words[argc - 1];
		argv[argc] = NULL;
		assert_int_equal(ctl_cli_parse(&cli, mit_cmds, MIT_NCMDS, argc, argv, NULL, err,
					       sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, cases[i].err);
		assert_null(cli.cmd);
		assert_null(cli.args);
		ctl_cli_free(&cli);
	}
}

static void
test_ctl_cli_build_other_mitigation_commands(void **state)
{
	struct ctl_cli cli;
	char err[512];

	(void)state;
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "del", "198.18.0.1", NULL),
			 0);
	assert_string_equal(cli.cmd->request, "blocklist.del");
	assert_string_equal(arg_str(&cli, "addr"), "198.18.0.1");
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "del", "--ttl", NULL),
			 -EINVAL);
	assert_string_equal(err, "unknown option '--ttl' for 'blocklist del'");
	ctl_cli_free(&cli);

	/* list: no args by default (the daemon's 1000), --limit from 0 to 100000. */
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "list", NULL), 0);
	assert_null(cli.args);
	ctl_cli_free(&cli);
	assert_int_equal(
		mit_parse(&cli, err, sizeof(err), "blocklist", "list", "--limit", "0", NULL), 0);
	assert_int_equal(arg_int(&cli, "limit"), 0);
	ctl_cli_free(&cli);
	assert_int_equal(
		mit_parse(&cli, err, sizeof(err), "blocklist", "list", "--limit=100000", NULL), 0);
	assert_int_equal(arg_int(&cli, "limit"), CTL_BLOCKLIST_LIST_MAX);
	ctl_cli_free(&cli);
	assert_int_equal(
		mit_parse(&cli, err, sizeof(err), "blocklist", "list", "--limit", "100001", NULL),
		-EINVAL);
	assert_string_equal(err, "invalid limit '100001': entries from 0 to 100000");
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "list", "10", NULL),
			 -EINVAL);
	assert_string_equal(err, "unexpected argument '10' for 'blocklist list'");
	ctl_cli_free(&cli);

	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "flush", NULL), 0);
	assert_null(cli.args);
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "flush", "all", NULL),
			 -EINVAL);
	ctl_cli_free(&cli);

	assert_int_equal(mit_parse(&cli, err, sizeof(err), "rules", NULL), 0);
	assert_null(cli.args);
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "rules", "drop-telnet", NULL), 0);
	assert_string_equal(arg_str(&cli, "name"), "drop-telnet");
	ctl_cli_free(&cli);

	assert_int_equal(mit_parse(&cli, err, sizeof(err), "drops", NULL), 0);
	assert_null(cli.args);
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "drops", "--worker", "3", NULL), 0);
	assert_int_equal(arg_int(&cli, "worker"), 3);
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "drops", "--worker", "-1", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "invalid worker '-1'"));
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "drops", "3", NULL), -EINVAL);
	assert_string_equal(err, "unexpected argument '3' for 'drops'");
	ctl_cli_free(&cli);

	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", "show", "now", NULL), -EINVAL);
	assert_string_equal(err, "unexpected argument 'now' for 'policy show'");
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "policy", NULL), -EINVAL);
	assert_string_equal(err, "'policy' needs one of: validate, load, show");
	ctl_cli_free(&cli);
	assert_int_equal(mit_parse(&cli, err, sizeof(err), "blocklist", "purge", NULL), -EINVAL);
	assert_string_equal(err,
			    "unknown command 'blocklist purge' ('blocklist' takes: add, del, list, "
			    "flush)");
	ctl_cli_free(&cli);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_cli_parse_defaults),
		cmocka_unit_test(test_ctl_cli_parse_options_anywhere),
		cmocka_unit_test(test_ctl_cli_parse_help_and_version),
		cmocka_unit_test(test_ctl_cli_parse_subcommands),
		cmocka_unit_test(test_ctl_cli_parse_command_options),
		cmocka_unit_test(test_ctl_cli_parse_usage_errors),
		cmocka_unit_test(test_ctl_cli_parse_bad_timeouts),
		cmocka_unit_test(test_ctl_cli_cmd_line_forms),
		cmocka_unit_test(test_ctl_cli_build_policy_file_paths),
		cmocka_unit_test(test_ctl_cli_build_blocklist_add_forms),
		cmocka_unit_test(test_ctl_cli_build_blocklist_add_usage_errors),
		cmocka_unit_test(test_ctl_cli_build_other_mitigation_commands),
	};

	return cmocka_run_group_tests_name("control_cli", tests, NULL, NULL);
}
