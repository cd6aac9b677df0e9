/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: the command line. Global options are taken out wherever they stand; what
 * remains are the command words and the command's own arguments.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"

/* meson passes the configured default on the command line; this is only a fallback. */
#ifndef RP_DEFAULT_SOCKET
#define RP_DEFAULT_SOCKET "/run/rampart/rampart.sock"
#endif

/*
 * Is argv[*i] the option @short_opt ("-s", may be NULL) or @long_opt ("--socket")? Its value
 * may be glued ("-sPATH", "--socket=PATH") or the next word, which is then consumed.
 * @return 1 and *val set, 0 when it is another word, -EINVAL when the value is missing.
 */
static int
opt_value(int argc, char *const *argv, int *i, const char *short_opt, const char *long_opt,
	  const char **val, char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t n = strlen(long_opt);

	if (short_opt != NULL && strncmp(a, short_opt, strlen(short_opt)) == 0 &&
	    a[strlen(short_opt)] != '\0') {
		*val = a + strlen(short_opt);
		return 1;
	}
	if (strncmp(a, long_opt, n) == 0 && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if ((short_opt == NULL || strcmp(a, short_opt) != 0) && strcmp(a, long_opt) != 0)
		return 0;
	if (*i + 1 >= argc) {
		ctl_errf(err, errlen, "option '%s' needs a value", a);
		return -EINVAL;
	}
	*val = argv[++*i];
	return 1;
}

static int
parse_timeout(const char *s, int *ms, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > INT_MAX) {
		ctl_errf(err, errlen, "invalid timeout '%s': milliseconds from 0 (no limit) to %d",
			s, INT_MAX);
		return -EINVAL;
	}
	*ms = (int)v;
	return 0;
}

/* Take out the global options; the other words go to @pos in order. */
static int
cli_options(struct ctl_cli *cli, int argc, char *const *argv, char **pos, int *npos, char *err,
	    size_t errlen)
{
	bool rest = false;
	const char *val;
	const char *a;
	int rc;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (rest || a[0] != '-' || a[1] == '\0') {
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			rest = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cli->help = true;
			return 0;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			cli->version = true;
			return 0;
		}
		if (strcmp(a, "--json") == 0) {
			cli->json = true;
			continue;
		}
		rc = opt_value(argc, argv, &i, "-s", "--socket", &val, err, errlen);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			if (val[0] == '\0') {
				ctl_errf(err, errlen, "the socket path is empty");
				return -EINVAL;
			}
			cli->socket = val;
			continue;
		}
		rc = opt_value(argc, argv, &i, NULL, "--timeout", &val, err, errlen);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			rc = parse_timeout(val, &cli->timeout_ms, err, errlen);
			if (rc < 0)
				return rc;
			continue;
		}
		/* Not a global option: the command's, or a mistake it will report. */
		pos[(*npos)++] = argv[i];
	}
	return 0;
}

static int
cmd_nwords(const struct ctl_cli_cmd *cmd)
{
	int n = 0;

	while (n < CTL_CLI_WORDS_MAX && cmd->words[n] != NULL)
		n++;
	return n;
}

/* The words of @cmd joined by spaces, into @buf (@len > 0). */
static void
cmd_words(const struct ctl_cli_cmd *cmd, char *buf, size_t len)
{
	size_t used = 0;
	int n, k;

	buf[0] = '\0';
	for (k = 0; k < cmd_nwords(cmd); k++) {
		n = snprintf(buf + used, len - used, "%s%s", k > 0 ? " " : "", cmd->words[k]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* How many leading words of @cmd equal the leading words of @pos. */
static int
cmd_match(const struct ctl_cli_cmd *cmd, char *const *pos, int npos)
{
	int n = 0;

	while (n < npos && n < cmd_nwords(cmd) && strcmp(cmd->words[n], pos[n]) == 0)
		n++;
	return n;
}

/* The command whose words all match the most leading words of @pos, or NULL. */
static const struct ctl_cli_cmd *
cli_find(const struct ctl_cli_cmd *cmds, size_t ncmds, char *const *pos, int npos)
{
	const struct ctl_cli_cmd *best = NULL;
	int n, best_n = 0;
	size_t i;

	for (i = 0; i < ncmds; i++) {
		n = cmd_match(&cmds[i], pos, npos);
		if (n == cmd_nwords(&cmds[i]) && n > best_n) {
			best = &cmds[i];
			best_n = n;
		}
	}
	return best;
}

/* No command matched: say which words are known where the line went wrong. */
static void
cli_unknown(const struct ctl_cli_cmd *cmds, size_t ncmds, char *const *pos, int npos, char *err,
	    size_t errlen)
{
	char prefix[256] = "";
	char choices[512] = "";
	size_t used = 0;
	const char *w;
	int depth = 0;
	size_t i, j;
	int n, k;

	for (i = 0; i < ncmds; i++) {
		n = cmd_match(&cmds[i], pos, npos);
		if (n > depth)
			depth = n;
	}
	if (depth == 0) {
		if (pos[0][0] == '-')
			ctl_errf(err, errlen, "unknown option '%s'", pos[0]);
		else
			ctl_errf(err, errlen, "unknown command '%s'", pos[0]);
		return;
	}
	for (k = 0; k < depth; k++)
		snprintf(prefix + strlen(prefix), sizeof(prefix) - strlen(prefix), "%s%s",
			 k > 0 ? " " : "", pos[k]);
	/* The words that may follow the prefix, each once, in table order. */
	for (i = 0; i < ncmds; i++) {
		if (cmd_match(&cmds[i], pos, npos) != depth || cmd_nwords(&cmds[i]) <= depth)
			continue;
		w = cmds[i].words[depth];
		for (j = 0; j < i; j++)
			if (cmd_match(&cmds[j], pos, npos) == depth &&
			    cmd_nwords(&cmds[j]) > depth && strcmp(cmds[j].words[depth], w) == 0)
				break;
		if (j < i)
			continue;
		n = snprintf(choices + used, sizeof(choices) - used, "%s%s", used > 0 ? ", " : "",
			     w);
		if (n < 0 || (size_t)n >= sizeof(choices) - used)
			break;
		used += (size_t)n;
	}
	if (npos > depth)
		ctl_errf(err, errlen, "unknown command '%s %s' ('%s' takes: %s)", prefix, pos[depth],
			prefix, choices);
	else
		ctl_errf(err, errlen, "'%s' needs one of: %s", prefix, choices);
}

int
ctl_cli_parse(struct ctl_cli *cli, const struct ctl_cli_cmd *cmds, size_t ncmds, int argc,
	      char *const *argv, const char *env_socket, char *err, size_t errlen)
{
	const struct ctl_cli_cmd *cmd;
	char words[256];
	const char *extra;
	char **pos;
	int npos = 0;
	int nargs;
	int rc;

	memset(cli, 0, sizeof(*cli));
	cli->socket = env_socket != NULL && env_socket[0] != '\0' ? env_socket : RP_DEFAULT_SOCKET;
	cli->timeout_ms = CTL_CLI_TIMEOUT_DEFAULT_MS;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	pos = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*pos));
	if (pos == NULL) {
		ctl_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = cli_options(cli, argc, argv, pos, &npos, err, errlen);
	if (rc < 0 || cli->help || cli->version)
		goto out;
	if (npos == 0) {
		ctl_errf(err, errlen, "no command given");
		rc = -EINVAL;
		goto out;
	}
	cmd = cli_find(cmds, ncmds, pos, npos);
	if (cmd == NULL) {
		cli_unknown(cmds, ncmds, pos, npos, err, errlen);
		rc = -EINVAL;
		goto out;
	}
	cli->usage = cmd;
	nargs = npos - cmd_nwords(cmd);
	cmd_words(cmd, words, sizeof(words));
	if (nargs < cmd->min_args) {
		ctl_errf(err, errlen, "missing argument for '%s'", words);
		rc = -EINVAL;
		goto out;
	}
	if (cmd->max_args != CTL_CLI_ARGS_UNLIMITED && nargs > cmd->max_args) {
		extra = pos[cmd_nwords(cmd) + cmd->max_args];
		if (extra[0] == '-' && extra[1] != '\0')
			ctl_errf(err, errlen, "unknown option '%s' for '%s'", extra, words);
		else
			ctl_errf(err, errlen, "unexpected argument '%s' for '%s'", extra, words);
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
	if (cmd->build != NULL)
		rc = cmd->build(nargs, pos + cmd_nwords(cmd), &cli->args, err, errlen);
	if (rc == 0) {
		cli->cmd = cmd;
		cli->usage = NULL;
	}
out:
	free(pos);
	return rc;
}

void
ctl_cli_free(struct ctl_cli *cli)
{
	json_decref(cli->args);
	cli->args = NULL;
}

char *
ctl_cli_cmd_line(const struct ctl_cli_cmd *cmd, char *buf, size_t len)
{
	size_t used;

	if (len == 0)
		return buf;
	cmd_words(cmd, buf, len);
	used = strlen(buf);
	if (cmd->synopsis != NULL && cmd->synopsis[0] != '\0')
		snprintf(buf + used, len - used, " %s", cmd->synopsis);
	return buf;
}

/* Builders of the mitigation commands' arguments. */

/* @s as a whole decimal number from 0 to @max (digits only: no sign, no space). */
static int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Walk the command's words: the value of the one option @opt ("--ttl", also "--ttl=S") goes
 * to *@val (the last one wins), at most @max_pos other words to @pos.
 */
static int
cmd_words_opt(int argc, char *const *argv, const char *cmd, const char *opt, const char **val,
	      const char **pos, int max_pos, int *npos, char *err, size_t errlen)
{
	int rc, i;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		rc = opt != NULL ? opt_value(argc, argv, &i, NULL, opt, val, err, errlen) : 0;
		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			ctl_errf(err, errlen, "unknown option '%s' for '%s'", argv[i], cmd);
			return -EINVAL;
		}
		if (*npos >= max_pos) {
			ctl_errf(err, errlen, "unexpected argument '%s' for '%s'", argv[i], cmd);
			return -EINVAL;
		}
		pos[(*npos)++] = argv[i];
	}
	return 0;
}

/* {"@key": @s}, or -EINVAL when @s is not UTF-8 (jansson refuses it). */
static int
args_string(json_t **args, const char *key, const char *s, const char *what, char *err,
	    size_t errlen)
{
	*args = json_pack("{s:s}", key, s);
	if (*args == NULL) {
		ctl_errf(err, errlen, "%s is not valid UTF-8", what);
		return -EINVAL;
	}
	return 0;
}

int
ctl_cli_build_policy_file(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	const char *file = argc > 0 ? argv[0] : "";
	char *abs = NULL;
	char *cwd;
	struct stat st;
	int rc;

	if (argc != 1 || file[0] == '\0') {
		ctl_errf(err, errlen, "the policy file name is empty");
		return -EINVAL;
	}
	if (file[0] == '/') {
		/* rampartd may read what we cannot: only a file that is surely missing stops us. */
		if (stat(file, &st) < 0 && (errno == ENOENT || errno == ENOTDIR)) {
			ctl_errf(err, errlen, "%s: no such file", file);
			return -ENOENT;
		}
		return args_string(args, "file", file, "the file name", err, errlen);
	}
	abs = realpath(file, NULL);
	if (abs == NULL && (errno == ENOENT || errno == ENOTDIR)) {
		ctl_errf(err, errlen, "%s: no such file", file);
		return -ENOENT;
	}
	if (abs == NULL) {
		/* A directory on the way we may not search: the daemon may. */
		cwd = getcwd(NULL, 0);
		if (cwd == NULL || asprintf(&abs, "%s/%s", cwd, file) < 0) {
			free(cwd);
			ctl_errf(err, errlen, "cannot make %s an absolute path: %s", file,
				 strerror(errno));
			return -errno;
		}
		free(cwd);
	}
	rc = args_string(args, "file", abs, "the file name", err, errlen);
	free(abs);
	return rc;
}

int
ctl_cli_build_rule_name(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	return args_string(args, "name", argv[0], "the rule name", err, errlen);
}

/* One ADDR among the command's words. */
static int
addr_arg(const char *cmd, const char **pos, int npos, const char **addr, char *err,
	 size_t errlen)
{
	if (npos == 0) {
		ctl_errf(err, errlen, "missing argument for '%s': the address to block", cmd);
		return -EINVAL;
	}
	*addr = pos[0];
	return 0;
}

int
ctl_cli_build_blocklist_add(int argc, char *const *argv, json_t **args, char *err,
			    size_t errlen)
{
	unsigned long long ttl;
	const char *val = NULL;
	const char *pos[1];
	const char *addr = NULL;
	int npos;
	int rc;

	rc = cmd_words_opt(argc, argv, "blocklist add", "--ttl", &val, pos, 1, &npos, err, errlen);
	if (rc == 0)
		rc = addr_arg("blocklist add", pos, npos, &addr, err, errlen);
	if (rc < 0)
		return rc;
	if (val != NULL && parse_uint(val, CTL_BLOCKLIST_TTL_MAX, &ttl) < 0) {
		ctl_errf(err, errlen,
			 "invalid ttl '%s': seconds from 0 (until deleted) to %u (30 days)", val,
			 CTL_BLOCKLIST_TTL_MAX);
		return -EINVAL;
	}
	rc = args_string(args, "addr", addr, "the address", err, errlen);
	if (rc == 0 && val != NULL)
		json_object_set_new(*args, "ttl", json_integer((json_int_t)ttl));
	return rc;
}

int
ctl_cli_build_blocklist_del(int argc, char *const *argv, json_t **args, char *err,
			    size_t errlen)
{
	const char *pos[1];
	const char *addr = NULL;
	int npos;
	int rc;

	rc = cmd_words_opt(argc, argv, "blocklist del", NULL, NULL, pos, 1, &npos, err, errlen);
	if (rc == 0)
		rc = addr_arg("blocklist del", pos, npos, &addr, err, errlen);
	if (rc < 0)
		return rc;
	return args_string(args, "addr", addr, "the address", err, errlen);
}

int
ctl_cli_build_blocklist_list(int argc, char *const *argv, json_t **args, char *err,
			     size_t errlen)
{
	unsigned long long limit;
	const char *val = NULL;
	int npos;
	int rc;

	rc = cmd_words_opt(argc, argv, "blocklist list", "--limit", &val, NULL, 0, &npos, err,
			   errlen);
	if (rc < 0 || val == NULL)
		return rc;
	if (parse_uint(val, CTL_BLOCKLIST_LIST_MAX, &limit) < 0) {
		ctl_errf(err, errlen, "invalid limit '%s': entries from 0 to %u", val,
			 CTL_BLOCKLIST_LIST_MAX);
		return -EINVAL;
	}
	*args = json_pack("{s:I}", "limit", (json_int_t)limit);
	return *args != NULL ? 0 : -ENOMEM;
}

int
ctl_cli_build_drops(int argc, char *const *argv, json_t **args, char *err, size_t errlen)
{
	unsigned long long lcore;
	const char *val = NULL;
	int npos;
	int rc;

	rc = cmd_words_opt(argc, argv, "drops", "--worker", &val, NULL, 0, &npos, err, errlen);
	if (rc < 0 || val == NULL)
		return rc;
	if (parse_uint(val, INT_MAX, &lcore) < 0) {
		ctl_errf(err, errlen, "invalid worker '%s': the lcore of a worker, as "
			 "'rampartctl status' lists them", val);
		return -EINVAL;
	}
	*args = json_pack("{s:I}", "worker", (json_int_t)lcore);
	return *args != NULL ? 0 : -ENOMEM;
}
