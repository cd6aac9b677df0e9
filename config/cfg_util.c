/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small pieces of the config module that do not need libconfig: the error list, log level
 * names, the EAL core list syntax and the paths one config file gives relative to itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_priv.h"

/* Indexed by enum cfg_log_level; the order is rte_log's. */
static const char *const log_level_names[] = {
	[CFG_LOG_EMERG] = "emerg", [CFG_LOG_ALERT] = "alert",     [CFG_LOG_CRIT] = "crit",
	[CFG_LOG_ERR] = "err",     [CFG_LOG_WARNING] = "warning", [CFG_LOG_NOTICE] = "notice",
	[CFG_LOG_INFO] = "info",   [CFG_LOG_DEBUG] = "debug",
};

void
cfg_errors_init(struct cfg_errors *errs, const char *file)
{
	if (errs == NULL)
		return;
	memset(errs, 0, sizeof(*errs));
	snprintf(errs->file, sizeof(errs->file), "%s", file != NULL ? file : "");
}

void
cfg_error_add(struct cfg_errors *errs, int line, const char *fmt, ...)
{
	struct cfg_error *e;
	va_list ap;

	if (errs == NULL)
		return;
	if (errs->count >= CFG_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	e = &errs->err[errs->count++];
	e->line = line > 0 ? line : 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
cfg_errors_print(const struct cfg_errors *errs, FILE *fp)
{
	const char *file;

	if (errs == NULL || fp == NULL)
		return;
	file = errs->file[0] != '\0' ? errs->file : "config";
	for (unsigned int i = 0; i < errs->count && i < CFG_MAX_ERRORS; i++) {
		if (errs->err[i].line > 0)
			fprintf(fp, "%s:%d: %s\n", file, errs->err[i].line, errs->err[i].msg);
		else
			fprintf(fp, "%s: %s\n", file, errs->err[i].msg);
	}
	if (errs->dropped > 0)
		fprintf(fp, "%s: %u more error%s not shown\n", file, errs->dropped,
		        errs->dropped == 1 ? " was" : "s were");
}

int
cfg_log_level_parse(const char *name)
{
	if (name == NULL)
		return -EINVAL;
	for (int l = CFG_LOG_EMERG; l <= CFG_LOG_DEBUG; l++)
		if (strcmp(name, log_level_names[l]) == 0)
			return l;
	/* The spellings people type most often when they mean err and warning. */
	if (strcmp(name, "error") == 0)
		return CFG_LOG_ERR;
	if (strcmp(name, "warn") == 0)
		return CFG_LOG_WARNING;
	return -EINVAL;
}

const char *
cfg_log_level_name(enum cfg_log_level level)
{
	if (level < CFG_LOG_EMERG || level > CFG_LOG_DEBUG)
		return "unknown";
	return log_level_names[level];
}

/* Read a decimal core id at *@p; -EINVAL when there is no digit or it is >= CFG_MAX_LCORE. */
static int
lcore_id_parse(const char **p)
{
	unsigned int v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned int)(*s - '0');
		if (v >= CFG_MAX_LCORE)
			return -EINVAL;
		s++;
	}
	*p = s;
	return (int)v;
}

int
cfg_lcore_list_parse(const char *list, bool set[CFG_MAX_LCORE])
{
	bool tmp[CFG_MAX_LCORE] = { false };
	const char *p = list;
	int n = 0;

	if (list == NULL || set == NULL || *list == '\0')
		return -EINVAL;
	for (;;) {
		int lo, hi;

		lo = lcore_id_parse(&p);
		if (lo < 0)
			return -EINVAL;
		hi = lo;
		if (*p == '-') {
			p++;
			hi = lcore_id_parse(&p);
			if (hi < 0 || hi < lo)
				return -EINVAL;
		} else if (*p == '@') {
			/* "2@1": lcore 2 runs on CPU 1 (the EAL's --lcores mapping). */
			p++;
			if (lcore_id_parse(&p) < 0)
				return -EINVAL;
		}
		for (int i = lo; i <= hi; i++) {
			if (!tmp[i])
				n++;
			tmp[i] = true;
		}
		if (*p == '\0')
			break;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
	memcpy(set, tmp, sizeof(tmp));
	return n;
}

char *
cfg_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int
cfg_path_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dlen;
	int n;

	if (name[0] == '/' || dir == NULL || dir[0] == '\0' || strcmp(dir, ".") == 0) {
		n = snprintf(buf, size, "%s", name);
	} else {
		dlen = strlen(dir);
		n = snprintf(buf, size, "%s%s%s", dir, dir[dlen - 1] == '/' ? "" : "/", name);
	}
	return n >= 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

enum cfg_addr_fault
cfg_addr_text_parse(const char *s, size_t len, struct cfg_ifaddr *out)
{
	char buf[CFG_ADDR_TEXT_MAX];
	unsigned int plen, max;
	uint8_t addr[16];
	char *slash;
	int family;

	if (len == 0 || len >= sizeof(buf))
		return CFG_ADDR_NOT_ADDRESS;
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(family, buf, addr) != 1)
		return CFG_ADDR_NOT_ADDRESS;
	max = family == AF_INET ? 32 : 128;
	plen = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		size_t n = strlen(p);

		/* One to three digits and nothing else: "/24", not "/+24", "/ 24" or "/0024". */
		if (n == 0 || n > 3 || strspn(p, "0123456789") != n)
			return CFG_ADDR_BAD_LENGTH;
		plen = (unsigned int)atoi(p);
		if (plen > max)
			return CFG_ADDR_BAD_LENGTH;
	}
	memset(out, 0, sizeof(*out));
	out->family = family == AF_INET ? 4 : 6;
	out->len = (uint8_t)plen;
	memcpy(out->addr, addr, max / 8);
	return CFG_ADDR_OK;
}
