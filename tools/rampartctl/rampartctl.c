/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: the operator's command line for rampartd. It sends one request over the
 * control socket and prints the reply, as aligned tables or (--json) as the reply's data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "format.h"
#include "ha_cmds.h"

#ifndef RP_VERSION
#define RP_VERSION "unknown"
#endif
#ifndef RP_DEFAULT_SOCKET
#define RP_DEFAULT_SOCKET "/run/rampart/rampart.sock"
#endif

#define CTL_ERR_MAX 512

/*
 * Every command. One with words and arguments reads, for example:
 *	{
 *		.words = {"blocklist", "add"},
 *		.request = "blocklist.add",
 *		.min_args = 1,
 *		.max_args = 3,
 *		.synopsis = "ADDR [--ttl S]",
 *		.help = "block a source address",
 *		.build = build_blocklist_add,
 *		.print = ctl_fmt_blocklist,
 *	},
 */
/* ports [PORT], stats [PORT]: {"port": PORT} narrows the answer to one port. */
static int
build_port_filter(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	*args = json_pack("{s:s}", "port", argv[0]);
	if (*args == NULL) {
		/* jansson refuses strings that are not UTF-8; port names are ASCII anyway. */
		ctl_errf(err, errlen, "a port name is letters, digits, '_', '.' and '-'");
		return -EINVAL;
	}
	return 0;
}

/* bypass engage [--force]: {"force": true} engages even where the fail-safe is disconnect. */
static int
build_bypass_engage(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	if (argc != 1 || strcmp(argv[0], "--force") != 0) {
		ctl_errf(err, errlen, "'bypass engage' takes only --force");
		return -EINVAL;
	}
	*args = json_pack("{s:b}", "force", 1);
	return *args != NULL ? 0 : -ENOMEM;
}

static const struct ctl_cli_cmd ctl_cmds[] = {
	{
		.words = { "status" },
		.request = "status",
		.help = "node, workers and link pairs",
		.print = ctl_fmt_status,
	},
	{
		.words = { "ports" },
		.request = "ports",
		.max_args = 1,
		.synopsis = "[PORT]",
		.help = "device, link, queues and counters of each port",
		.build = build_port_filter,
		.print = ctl_fmt_ports,
	},
	{
		.words = { "stats" },
		.request = "stats",
		.max_args = 1,
		.synopsis = "[PORT]",
		.help = "packet and byte counters: ports and workers",
		.build = build_port_filter,
		.print = ctl_fmt_stats,
	},
	{
		.words = { "shutdown" },
		.request = "shutdown",
		.help = "stop rampartd",
		.print = ctl_fmt_shutdown,
	},
	{
		.words = { "policy", "validate" },
		.request = "policy.validate",
		.min_args = 1,
		.max_args = 1,
		.synopsis = "FILE",
		.help = "check a policy file without loading it",
		.build = ctl_cli_build_policy_file,
		.print = ctl_fmt_policy_validate,
	},
	{
		.words = { "policy", "load" },
		.request = "policy.load",
		.min_args = 1,
		.max_args = 1,
		.synopsis = "FILE",
		.help = "replace the running policy, whole or not at all",
		.build = ctl_cli_build_policy_file,
		.print = ctl_fmt_policy_load,
	},
	{
		.words = { "policy", "show" },
		.request = "policy.show",
		.help = "the running policy: file, mode, rules, memory",
		.print = ctl_fmt_policy,
	},
	{
		.words = { "rules" },
		.request = "rules",
		.max_args = 1,
		.synopsis = "[NAME]",
		.help = "packets, bytes and drops of each rule, or one",
		.build = ctl_cli_build_rule_name,
		.print = ctl_fmt_rules,
	},
	{
		.words = { "blocklist", "add" },
		.request = "blocklist.add",
		.min_args = 1,
		.max_args = 3,
		.synopsis = "ADDR [--ttl S]",
		.help = "block ADDR, for S seconds or until deleted",
		.build = ctl_cli_build_blocklist_add,
		.print = ctl_fmt_blocklist_add,
	},
	{
		.words = { "blocklist", "del" },
		.request = "blocklist.del",
		.min_args = 1,
		.max_args = 1,
		.synopsis = "ADDR",
		.help = "take ADDR off the blocklist",
		.build = ctl_cli_build_blocklist_del,
		.print = ctl_fmt_blocklist_del,
	},
	{
		.words = { "blocklist", "list" },
		.request = "blocklist.list",
		.max_args = 2,
		.synopsis = "[--limit N]",
		.help = "blocklist counters and entries (first 1000)",
		.build = ctl_cli_build_blocklist_list,
		.print = ctl_fmt_blocklist_list,
	},
	{
		.words = { "blocklist", "flush" },
		.request = "blocklist.flush",
		.help = "empty the blocklist",
		.print = ctl_fmt_blocklist_flush,
	},
	{
		.words = { "drops" },
		.request = "drops",
		.max_args = 2,
		.synopsis = "[--worker LCORE]",
		.help = "inspected and dropped packets, by reason",
		.build = ctl_cli_build_drops,
		.print = ctl_fmt_drops,
	},
	{
		.words = { "ha", "status" },
		.request = "ha.status",
		.help = "HA mode, VRRP instances, peers, links, bandwidth and flaps",
		.print = ctl_fmt_ha_status,
	},
	{
		.words = { "ha", "history" },
		.request = "ha.history",
		.help = "the last HA state changes with their reasons",
		.print = ctl_fmt_ha_history,
	},
	{
		.words = { "ha", "maintenance" },
		.request = "ha.maintenance",
		.min_args = 1,
		.max_args = 1,
		.synopsis = "on|off",
		.help = "give up master gracefully and hold (on), or run again (off)",
		.build = ctl_cli_build_ha_maintenance,
		.print = ctl_fmt_ha_maintenance,
	},
	{
		.words = { "ha", "simulate" },
		.request = "ha.simulate",
		.min_args = 1,
		.max_args = 3,
		.synopsis = "peer-loss|link-down|low-bandwidth|flap [--seconds N]",
		.help = "failover drill (needs ha.allow_simulation = true)",
		.build = ctl_cli_build_ha_simulate,
		.print = ctl_fmt_ha_simulate,
	},
	{
		.words = { "bypass", "status" },
		.request = "bypass.status",
		.help = "bypass state, reasons, device, heartbeat, history",
		.print = ctl_fmt_bypass_status,
	},
	{
		.words = { "bypass", "engage" },
		.request = "bypass.engage",
		.max_args = 1,
		.synopsis = "[--force]",
		.help = "wire upstream to protected, uninspected, until cleared (--force: also on "
			"an HA standby)",
		.build = build_bypass_engage,
		.print = ctl_fmt_bypass_change,
	},
	{
		.words = { "bypass", "disconnect" },
		.request = "bypass.disconnect",
		.help = "drop both sides (fail-closed) until cleared",
		.print = ctl_fmt_bypass_change,
	},
	{
		.words = { "bypass", "clear" },
		.request = "bypass.clear",
		.help = "back inline, if the node is healthy",
		.print = ctl_fmt_bypass_change,
	},
};

#define CTL_NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
usage_short(FILE *out)
{
	size_t col = strlen("commands:");
	char line[256];
	size_t i;

	fputs("usage: rampartctl [-s PATH] [--json] [--timeout MS] COMMAND [ARGS]\n"
	      "commands:",
	      out);
	/* Wrapped before the 80th column, the continuation lines indented. */
	for (i = 0; i < CTL_NCMDS; i++) {
		ctl_cli_cmd_line(&ctl_cmds[i], line, sizeof(line));
		if (col + strlen(line) + 3 > 79) {
			fputs(",\n ", out);
			col = 1;
		} else if (i > 0) {
			fputc(',', out);
			col++;
		}
		fprintf(out, " %s", line);
		col += strlen(line) + 1;
	}
	fputs("\n(rampartctl --help tells more)\n", out);
}

static void
usage_long(FILE *out)
{
	char line[256];
	int width = 0;
	size_t i;

	fprintf(out,
	        "usage: rampartctl [-s PATH] [--json] [--timeout MS] COMMAND [ARGS]\n"
	        "\n"
	        "Ask rampartd, the Rampart node daemon, through its control socket.\n"
	        "Options may stand before or after the command.\n"
	        "\n"
	        "options:\n"
	        "  -s, --socket PATH  the control socket; default: $RAMPART_SOCKET if set, else\n"
	        "                     %s\n"
	        "  --json             print the reply's data as JSON instead of tables\n"
	        "  --timeout MS       wait at most MS milliseconds for rampartd\n"
	        "                     (default %d; 0 waits without limit)\n"
	        "  -h, --help         print this help\n"
	        "  -V, --version      print the version\n"
	        "\n"
	        "commands:\n",
	        RP_DEFAULT_SOCKET, CTL_CLI_TIMEOUT_DEFAULT_MS);
	for (i = 0; i < CTL_NCMDS; i++)
		if ((int)strlen(ctl_cli_cmd_line(&ctl_cmds[i], line, sizeof(line))) > width)
			width = (int)strlen(line);
	for (i = 0; i < CTL_NCMDS; i++)
		fprintf(out, "  %-*s  %s\n", width,
		        ctl_cli_cmd_line(&ctl_cmds[i], line, sizeof(line)), ctl_cmds[i].help);
	fprintf(out,
	        "\n"
	        "exit status:\n"
	        "  %d  done\n"
	        "  %d  rampartd answered with an error\n"
	        "  %d  bad command line\n"
	        "  %d  rampartd cannot be reached or sent no valid reply\n",
	        CTL_EXIT_OK, CTL_EXIT_ERROR, CTL_EXIT_USAGE, CTL_EXIT_UNREACHABLE);
}

/* The daemon said no: its sentence on stderr, then each line of its "errors" as it came
 * ("p.conf:12: ..."), so that editors and scripts can read them. */
static int
report_error(json_t *reply)
{
	const char *msg = json_string_value(json_object_get(reply, "error"));
	json_t *errors = json_object_get(reply, "errors");
	json_t *e;
	size_t i;

	fputs("rampartctl: ", stderr);
	if (msg == NULL || msg[0] == '\0')
		fputs("rampartd reported an error without saying which", stderr);
	else
		ctl_fmt_text(stderr, msg);
	fputc('\n', stderr);
	json_array_foreach(errors, i, e)
	{
		if (!json_is_string(e))
			continue;
		ctl_fmt_text(stderr, json_string_value(e));
		fputc('\n', stderr);
	}
	return CTL_EXIT_ERROR;
}

static int
print_data(const struct ctl_cli *cli, json_t *data)
{
	ctl_fmt_fn print = cli->json || cli->cmd->print == NULL ? ctl_fmt_json : cli->cmd->print;
	int rc;

	rc = print(stdout, data);
	if (fflush(stdout) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		fprintf(stderr, "rampartctl: cannot print the reply: %s\n", strerror(-rc));
		return CTL_EXIT_ERROR;
	}
	return CTL_EXIT_OK;
}

int
main(int argc, char **argv)
{
	char err[CTL_ERR_MAX];
	char line[256];
	struct ctl_cli cli;
	json_t *reply;
	int rc;

	rc = ctl_cli_parse(&cli, ctl_cmds, CTL_NCMDS, argc, argv, getenv("RAMPART_SOCKET"), err,
	                   sizeof(err));
	if (rc == -EINVAL) {
		fprintf(stderr, "rampartctl: %s\n", err);
		usage_short(stderr);
		if (cli.usage != NULL)
			fprintf(stderr, "usage of this command: rampartctl [OPTIONS] %s\n",
			        ctl_cli_cmd_line(cli.usage, line, sizeof(line)));
		ctl_cli_free(&cli);
		return CTL_EXIT_USAGE;
	}
	if (rc < 0) {
		fprintf(stderr, "rampartctl: %s\n", err);
		ctl_cli_free(&cli);
		return CTL_EXIT_ERROR;
	}
	if (cli.help) {
		usage_long(stdout);
		return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
	}
	if (cli.version) {
		printf("rampartctl %s\n", RP_VERSION);
		return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
	}

	rc = ctl_client_request(cli.socket, cli.cmd->request, cli.args, cli.timeout_ms, &reply, err,
	                        sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "rampartctl: %s\n", err);
		ctl_cli_free(&cli);
		return CTL_EXIT_UNREACHABLE;
	}
	if (json_is_true(json_object_get(reply, "ok")))
		rc = print_data(&cli, json_object_get(reply, "data"));
	else
		rc = report_error(reply);
	json_decref(reply);
	ctl_cli_free(&cli);
	return rc;
}
