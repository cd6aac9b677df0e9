/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to config/: the schema helpers every parser of a libconfig file uses (the node
 * config in cfg_node.c, policy files in cfg_policy.c). Each one reads a setting of the tree
 * cfg_text_open() produced, checks its type, range or characters, and records what is wrong
 * as one sentence on the line of the setting, naming what is allowed.
 *
 * A setting is named in messages by its path: @where is the group holding it ("dpdk",
 * "ports[1]", "rules[7]", or NULL at the top level) and @key its name.
 */
#ifndef RAMPART_CFG_PRIV_H
#define RAMPART_CFG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_text.h"

#define CFG_QUOTE_MAX 72    /* user text shown in a message, with its quotes and escapes */
#define CFG_LIST_MAX 256    /* a list of names shown in a message */
#define CFG_KEY_PATH_MAX 64 /* "link_pairs[15].protected", "rules[131071].per_source_pps" */

/* What the helpers share while one file is checked. */
struct cfg_schema {
	struct cfg_errors *errs;         /* where every problem goes */
	struct cfg_text_wrapped wrapped; /* lines with a number libconfig wrapped (cfg_text_open) */
};

/* The line of @s in the file, 0 for NULL. */
int
cfg_line_of(const config_setting_t *s);

/* What @s is, for "must be X, not Y": "a string", "an integer"... */
const char *
cfg_type_name(const config_setting_t *s);

/*
 * Write @s into @buf as a double-quoted string that is safe to print: quotes and backslashes
 * escaped, control and non-ASCII bytes as \xNN, cut short with "..." when it does not fit.
 * @return @buf.
 */
const char *
cfg_quote(char *buf, size_t size, const char *s);

/* "@where.@key", or @key alone when @where is NULL. @return @buf. */
const char *
cfg_path_of(char *buf, size_t size, const char *where, const char *key);

/* Append @name to the ", "-separated list in @buf, ending it with "..." once it is full. */
void
cfg_list_append(char *buf, size_t size, const char *name);

/* Report every member of @grp whose name is not in the NULL-terminated @keys. */
void
cfg_check_keys(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
               const char *const *keys);

/*
 * Member @key of @grp, or NULL when absent. When @hint is not NULL the setting is required
 * and its absence is reported, followed by @hint.
 */
const config_setting_t *
cfg_member(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
           const char *hint);

/* Is @s of @type (any integer width for CONFIG_TYPE_INT)? If not, say it must be @what. */
bool
cfg_type_check(struct cfg_schema *sc, const config_setting_t *s, const char *path, int type,
               const char *what);

/* An array or a list (what holds several values); [] and () both qualify. */
bool
cfg_list_check(struct cfg_schema *sc, const config_setting_t *s, const char *path,
               const char *what);

/*
 * The integer @s (an element of an array, say) within [@min, @max] into *@out; false when it
 * is not one (reported) or sits on a line where libconfig wrapped a number (reported already).
 */
bool
cfg_int_value(struct cfg_schema *sc, const config_setting_t *s, const char *path, long long min,
              long long max, long long *out);

/* Integer setting @key of @grp within [@min, @max]; false when absent or invalid (reported). */
bool
cfg_get_int(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
            long long min, long long max, long long *out);

/* Same into an unsigned int, left alone when absent or invalid. */
void
cfg_get_uint(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
             long long min, long long max, unsigned int *out);

/* A boolean setting into *@out, left alone when absent or not a boolean (reported). */
void
cfg_get_bool(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
             bool *out);

/* A string setting; NULL when absent (reported when @hint is given) or not a string. */
const char *
cfg_get_string(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
               const char *key, const char *hint, int *line);

/* A group setting; NULL when absent (reported when @hint is given) or not a group. */
const config_setting_t *
cfg_get_group(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
              const char *key, const char *hint);

/*
 * Free-form strings (devices, paths, EAL arguments) end up in command lines, logs and JSON:
 * only printable ASCII is allowed. @return false (reported) otherwise.
 */
bool
cfg_printable_check(struct cfg_schema *sc, int line, const char *path, const char *v);

/*
 * Names (ids, ports, link pairs, rules, file prefix) are 1 to @size - 1 characters from
 * [A-Za-z0-9_.-] that do not start with '-' or '.': they end up in file names, on command
 * lines and in CLI output. @return false (reported) otherwise.
 */
bool
cfg_name_check(struct cfg_schema *sc, int line, const char *path, const char *s, size_t size);

/*
 * The directory of @path as a new string to free(): "/etc/rampart" for
 * "/etc/rampart/rampart.conf", "." for "rampart.conf", "/" for "/rampart.conf".
 * NULL when out of memory.
 */
char *
cfg_dirname(const char *path);

/*
 * @name as seen from the directory @dir, into @buf: @name itself when it is absolute or @dir
 * is NULL, "" or "."; "@dir/@name" otherwise. @return 0, or -ENAMETOOLONG when it does not
 * fit in @size bytes.
 */
int
cfg_path_join(char *buf, size_t size, const char *dir, const char *name);

/* Errors in file order; errors about the file as a whole (line 0) first. Stable. */
void
cfg_errors_sort(struct cfg_errors *errs);

/*
 * cfg_ha.c: what HA and bypass add to the node config. cfg_node.c calls them in this order:
 * cfg_pair_l3_parse() on each link pair group as it is read; cfg_ha_parse() and
 * cfg_bypass_parse() once link pairs, ports and workers are read and the ports of every link
 * pair resolved, since VRRP instances name link pairs, the XDP driver needs the ports'
 * interfaces and the watchdog the workers' idle sleep.
 */

/* Set the defaults of an absent `ha` (enabled false) and `bypass` group. */
void
cfg_ha_defaults(struct cfg_ha *ha);

void
cfg_bypass_defaults(struct cfg_bypass *b);

/* The `mode` of link pair group @grp (named @where in messages) and, in l3 mode, the
 * addresses and gateways of its two sides, into @lp. */
void
cfg_pair_l3_parse(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
                  struct cfg_link_pair *lp);

/* The `ha` group of @root, if there is one, into cfg->ha. */
void
cfg_ha_parse(struct cfg_schema *sc, const config_setting_t *root, struct cfg_node *cfg);

/* The `bypass` group of @root, if there is one, into cfg->bypass. */
void
cfg_bypass_parse(struct cfg_schema *sc, const config_setting_t *root, struct cfg_node *cfg);

#define CFG_ADDR_TEXT_MAX 64 /* longer than any address with a length: 45 of IPv6, "/128" */

/* Why a text is not an address with an optional prefix length. */
enum cfg_addr_fault {
	CFG_ADDR_OK,
	CFG_ADDR_NOT_ADDRESS, /* not an IPv4 or IPv6 address before the '/' */
	CFG_ADDR_BAD_LENGTH,  /* the length is not one to three digits within the family's range */
};

/*
 * Parse the @len bytes at @s as "198.51.100.1/24", "2001:db8::1/64" or a bare address (the
 * full length). Host bits are kept: prefixes and interface addresses both start here.
 */
enum cfg_addr_fault
cfg_addr_text_parse(const char *s, size_t len, struct cfg_ifaddr *out);

#endif /* RAMPART_CFG_PRIV_H */
