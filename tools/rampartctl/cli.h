/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: the command line, parsed against a table of commands.
 *
 * A command is one or more words ("stats", "policy load", "blocklist add") followed by its
 * own arguments. The global options (-s/--socket, --json, --timeout, -h/--help,
 * -V/--version) may stand anywhere, before or after the command words; every other word,
 * including an option the globals do not know, belongs to the command, whose builder turns
 * them into the request's "args" object. A new command is one more row in the table.
 * Commands take long options (--ttl): a word starting with "-s" is the socket option.
 */
#ifndef RAMPART_CTL_CLI_H
#define RAMPART_CTL_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "format.h"

#define CTL_CLI_WORDS_MAX          3 /* words naming one command */
#define CTL_CLI_TIMEOUT_DEFAULT_MS 5000
#define CTL_CLI_ARGS_UNLIMITED     (-1)

/*
 * Build the "args" of a request from the @argc words after the command words (min_args and
 * max_args already checked). Set *args to a new object, or leave it NULL to send none.
 * @return 0, -EINVAL with a sentence in @err for a bad argument (a usage error), or another
 *         -errno with a sentence in @err (a failure: -ENOMEM, -ENOENT for a missing file).
 */
typedef int (*ctl_cli_build_fn)(int argc, char *const *argv, json_t **args, char *err,
				size_t errlen);

struct ctl_cli_cmd {
	const char *words[CTL_CLI_WORDS_MAX + 1]; /* NULL-terminated: {"blocklist", "add"} */
	const char *request;                      /* "cmd" on the wire */
	int min_args;
	int max_args;           /* or CTL_CLI_ARGS_UNLIMITED */
	const char *synopsis;   /* its arguments for the usage: "ADDR [--ttl S]" */
	const char *help;       /* one line for --help */
	ctl_cli_build_fn build; /* NULL: the command takes no "args" */
	ctl_fmt_fn print;       /* the human form of the reply's data */
};

/* A parsed command line. */
struct ctl_cli {
	const char *socket;              /* -s, else $RAMPART_SOCKET, else RP_DEFAULT_SOCKET */
	bool json;                       /* --json */
	int timeout_ms;                  /* --timeout; 0 waits without limit */
	bool help;                       /* -h/--help: nothing else was looked at */
	bool version;                    /* -V/--version */
	const struct ctl_cli_cmd *cmd;   /* the command, unless help or version */
	json_t *args;                    /* what cmd->build made, or NULL */
	const struct ctl_cli_cmd *usage; /* after a usage error, the command it concerns or NULL */
};

/*
 * Parse @argc/@argv (argv[0] is the program) against @cmds. @env_socket is the value of
 * $RAMPART_SOCKET or NULL.
 * @return 0, -EINVAL with a one-line sentence in @err for a usage error, or another -errno
 *         with a sentence in @err (-ENOMEM, or what a command's builder failed with).
 *         Call ctl_cli_free() in every case.
 */
int ctl_cli_parse(struct ctl_cli *cli, const struct ctl_cli_cmd *cmds, size_t ncmds, int argc,
		  char *const *argv, const char *env_socket, char *err, size_t errlen);

/* Release what ctl_cli_parse() built. */
void ctl_cli_free(struct ctl_cli *cli);

/* "blocklist add ADDR [--ttl S]": a command's words and synopsis, into @buf. @return @buf. */
char *ctl_cli_cmd_line(const struct ctl_cli_cmd *cmd, char *buf, size_t len);

/*
 * The builders of rampartctl's mitigation commands (ctl_cli_build_fn), here so they can be
 * tested without a daemon. Each returns -EINVAL for a usage error, with the sentence in @err.
 *
 * policy validate|load FILE: {"file": ABSOLUTE}. A relative FILE is resolved with realpath()
 * (rampartd's working directory is not ours); an absolute one is sent as written. A FILE
 * that does not exist is reported here: -ENOENT, a failure rather than a usage error.
 */
int ctl_cli_build_policy_file(int argc, char *const *argv, json_t **args, char *err,
			      size_t errlen);

/* rules [NAME]: {"name": NAME}, or no args. */
int ctl_cli_build_rule_name(int argc, char *const *argv, json_t **args, char *err,
			    size_t errlen);

/* blocklist add ADDR [--ttl S]: {"addr": ADDR, "ttl": S}; S is 0 to CTL_BLOCKLIST_TTL_MAX. */
int ctl_cli_build_blocklist_add(int argc, char *const *argv, json_t **args, char *err,
				size_t errlen);

/* blocklist del ADDR: {"addr": ADDR}. */
int ctl_cli_build_blocklist_del(int argc, char *const *argv, json_t **args, char *err,
				size_t errlen);

/* blocklist list [--limit N]: {"limit": N}; N is 0 to CTL_BLOCKLIST_LIST_MAX. */
int ctl_cli_build_blocklist_list(int argc, char *const *argv, json_t **args, char *err,
				 size_t errlen);

/* drops [--worker LCORE]: {"worker": LCORE}. */
int ctl_cli_build_drops(int argc, char *const *argv, json_t **args, char *err, size_t errlen);

#endif /* RAMPART_CTL_CLI_H */
