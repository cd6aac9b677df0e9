/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rampartctl: turning the "data" of a rampartd reply into text for an operator.
 *
 * Every printer takes the reply's data as the daemon sent it and trusts none of it: a
 * missing field or a field of the wrong type prints as "-", unknown fields are ignored or
 * listed, control characters in strings are replaced by '?'. Counters print in full, as
 * integers, in aligned columns with a header, so scripts can pick them out with awk.
 */
#ifndef RAMPART_CTL_FORMAT_H
#define RAMPART_CTL_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * A printer of one command's reply data.
 * @return 0, or -ENOMEM (nothing or part of the text was written), or -EIO when @out failed.
 */
typedef int (*ctl_fmt_fn)(FILE *out, json_t *data);

int
ctl_fmt_status(FILE *out, json_t *data);

int
ctl_fmt_ports(FILE *out, json_t *data);

int
ctl_fmt_stats(FILE *out, json_t *data);

int
ctl_fmt_shutdown(FILE *out, json_t *data);

/* Mitigation: policy validate, policy load, policy show, rules, blocklist ..., drops. */
int
ctl_fmt_policy_validate(FILE *out, json_t *data);

int
ctl_fmt_policy_load(FILE *out, json_t *data);

int
ctl_fmt_policy(FILE *out, json_t *data);

int
ctl_fmt_rules(FILE *out, json_t *data);

int
ctl_fmt_blocklist_add(FILE *out, json_t *data);

int
ctl_fmt_blocklist_del(FILE *out, json_t *data);

int
ctl_fmt_blocklist_list(FILE *out, json_t *data);

int
ctl_fmt_blocklist_flush(FILE *out, json_t *data);

int
ctl_fmt_drops(FILE *out, json_t *data);

/* Bypass: bypass status, and the state after bypass engage|disconnect|clear
 * (format_bypass.c). */
int
ctl_fmt_bypass_status(FILE *out, json_t *data);

int
ctl_fmt_bypass_change(FILE *out, json_t *data);

/* Any data as indented JSON (JSON_INDENT(2)) and a newline; NULL prints as null. */
int
ctl_fmt_json(FILE *out, json_t *data);

/*
 * Copy @s into @buf (@len bytes, truncating), replacing what a terminal would act on (C0
 * controls, DEL and the C1 controls as UTF-8) by '?'.
 * @return @buf.
 */
char *
ctl_fmt_safe(char *buf, size_t len, const char *s);

/* @s with control characters replaced by '?' (for text from the daemon, e.g. errors). */
int
ctl_fmt_text(FILE *out, const char *s);

/*
 * Write @seconds as "45s", "2m05s", "1h02m03s" or "3d04h05m06s" (fractions dropped) into
 * @buf. A negative, infinite or absurd value writes "-".
 * @return @buf.
 */
char *
ctl_fmt_duration(double seconds, char *buf, size_t len);

#endif /* RAMPART_CTL_FORMAT_H */
