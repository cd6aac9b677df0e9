/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema helpers shared by the node config and policy file parsers (cfg_priv.h): one
 * copy of the checks that read a setting, compare it with what is allowed and word the error.
 *
 * A policy file may hold a hundred thousand rules, each read with a dozen of these calls, so
 * the common case (a setting that is fine) formats nothing: paths and lists of allowed values
 * are only written out when there is an error to report.
 */
#include <stdio.h>
#include <string.h>

#include "cfg_priv.h"

int
cfg_line_of(const config_setting_t *s)
{
	return s != NULL ? (int)config_setting_source_line(s) : 0;
}

const char *
cfg_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	default:
		return "a value of unknown type";
	}
}

const char *
cfg_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t n;

		if (c == '"' || c == '\\')
			n = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			n = (size_t)snprintf(esc, sizeof(esc), "%c", c);
		/* Keep room for the closing quote, "..." and the NUL. */
		if (o + n + 5 > size) {
			memcpy(buf + o, "\"...", 5);
			return buf;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

const char *
cfg_path_of(char *buf, size_t size, const char *where, const char *key)
{
	if (where == NULL)
		snprintf(buf, size, "%s", key);
	else
		snprintf(buf, size, "%s.%s", where, key);
	return buf;
}

void
cfg_list_append(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);
	size_t need = strlen(name) + (len > 0 ? 2 : 0);

	if (len >= size - 1 || (len >= 5 && strcmp(buf + len - 5, ", ...") == 0))
		return;
	if (len + need + 6 > size) {
		snprintf(buf + len, size - len, "%s", len > 0 ? ", ..." : "...");
		return;
	}
	snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", name);
}

static bool
key_known(const char *const *keys, const char *name)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, name) == 0)
			return true;
	return false;
}

void
cfg_check_keys(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
               const char *const *keys)
{
	char allowed[CFG_LIST_MAX] = "";
	int n = config_setting_length(grp);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned int)i);
		const char *name = s != NULL ? config_setting_name(s) : NULL;
		char q[CFG_QUOTE_MAX];

		if (name == NULL || key_known(keys, name))
			continue;
		if (allowed[0] == '\0')
			for (const char *const *k = keys; *k != NULL; k++)
				cfg_list_append(allowed, sizeof(allowed), *k);
		if (where == NULL)
			cfg_error_add(sc->errs, cfg_line_of(s),
			              "unknown top-level setting %s (allowed: %s)",
			              cfg_quote(q, sizeof(q), name), allowed);
		else
			cfg_error_add(sc->errs, cfg_line_of(s),
			              "unknown setting %s in %s (allowed: %s)",
			              cfg_quote(q, sizeof(q), name), where, allowed);
	}
}

const config_setting_t *
cfg_member(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
           const char *hint)
{
	const config_setting_t *s = config_setting_get_member(grp, key);

	if (s == NULL && hint != NULL) {
		if (where == NULL)
			cfg_error_add(sc->errs, 0, "required setting \"%s\" is missing; %s", key,
			              hint);
		else
			cfg_error_add(sc->errs, cfg_line_of(grp),
			              "%s: required setting \"%s\" is missing; %s", where, key,
			              hint);
	}
	return s;
}

bool
cfg_type_check(struct cfg_schema *sc, const config_setting_t *s, const char *path, int type,
               const char *what)
{
	int t = config_setting_type(s);

	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return true;
	cfg_error_add(sc->errs, cfg_line_of(s), "%s: must be %s, not %s", path, what,
	              cfg_type_name(s));
	return false;
}

bool
cfg_list_check(struct cfg_schema *sc, const config_setting_t *s, const char *path, const char *what)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY)
		return true;
	cfg_error_add(sc->errs, cfg_line_of(s), "%s: must be %s, not %s", path, what,
	              cfg_type_name(s));
	return false;
}

bool
cfg_int_value(struct cfg_schema *sc, const config_setting_t *s, const char *path, long long min,
              long long max, long long *out)
{
	int t = config_setting_type(s);
	long long v;

	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
		char what[80];

		snprintf(what, sizeof(what), "an integer from %lld to %lld", min, max);
		return cfg_type_check(sc, s, path, CONFIG_TYPE_INT, what);
	}
	/*
	 * On a line where libconfig wrapped a number the value is garbage, already reported:
	 * checking its range would only add a confusing second error.
	 */
	if (cfg_text_wrapped_has(&sc->wrapped, s))
		return false;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		cfg_error_add(sc->errs, cfg_line_of(s),
		              "%s: %lld is out of range; allowed %lld to %lld", path, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool
cfg_get_int(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
            long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[CFG_KEY_PATH_MAX];
	long long v;
	int t;

	if (s == NULL)
		return false;
	/* The common case first, without writing out the path. */
	t = config_setting_type(s);
	if ((t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) &&
	    !cfg_text_wrapped_has(&sc->wrapped, s)) {
		v = config_setting_get_int64(s);
		if (v >= min && v <= max) {
			*out = v;
			return true;
		}
	}
	cfg_path_of(path, sizeof(path), where, key);
	return cfg_int_value(sc, s, path, min, max, out);
}

void
cfg_get_uint(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
             long long min, long long max, unsigned int *out)
{
	long long v;

	if (cfg_get_int(sc, grp, where, key, min, max, &v))
		*out = (unsigned int)v;
}

void
cfg_get_bool(struct cfg_schema *sc, const config_setting_t *grp, const char *where, const char *key,
             bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[CFG_KEY_PATH_MAX];

	if (s == NULL)
		return;
	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		*out = config_setting_get_bool(s) != 0;
		return;
	}
	cfg_path_of(path, sizeof(path), where, key);
	cfg_type_check(sc, s, path, CONFIG_TYPE_BOOL, "true or false");
}

const char *
cfg_get_string(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
               const char *key, const char *hint, int *line)
{
	const config_setting_t *s = cfg_member(sc, grp, where, key, hint);
	char path[CFG_KEY_PATH_MAX];
	const char *v;

	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_path_of(path, sizeof(path), where, key);
		cfg_type_check(sc, s, path, CONFIG_TYPE_STRING, "a string");
		return NULL;
	}
	v = config_setting_get_string(s);
	*line = cfg_line_of(s);
	return v != NULL ? v : "";
}

const config_setting_t *
cfg_get_group(struct cfg_schema *sc, const config_setting_t *grp, const char *where,
              const char *key, const char *hint)
{
	const config_setting_t *s = cfg_member(sc, grp, where, key, hint);
	char path[CFG_KEY_PATH_MAX];

	if (s == NULL || config_setting_type(s) == CONFIG_TYPE_GROUP)
		return s;
	cfg_path_of(path, sizeof(path), where, key);
	cfg_type_check(sc, s, path, CONFIG_TYPE_GROUP, "a group { ... }");
	return NULL;
}

bool
cfg_printable_check(struct cfg_schema *sc, int line, const char *path, const char *v)
{
	for (size_t i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c >= 0x7f) {
			cfg_error_add(
				sc->errs, line,
				"%s: byte 0x%02x at position %zu is not printable ASCII; only "
				"printable ASCII is allowed",
				path, c, i + 1);
			return false;
		}
	}
	return true;
}

static bool
name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

bool
cfg_name_check(struct cfg_schema *sc, int line, const char *path, const char *s, size_t size)
{
	size_t len = strlen(s);
	char q[CFG_QUOTE_MAX];

	if (len == 0) {
		cfg_error_add(sc->errs, line,
		              "%s: must not be empty; use letters, digits, '_', '.' and '-'", path);
		return false;
	}
	if (len >= size) {
		cfg_error_add(sc->errs, line, "%s: %s is %zu characters long; at most %zu allowed",
		              path, cfg_quote(q, sizeof(q), s), len, size - 1);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (name_char_ok(s[i]))
			continue;
		if (c == ' ')
			cfg_error_add(
				sc->errs, line,
				"%s: %s contains a space; allowed are letters, digits, '_', '.' "
				"and '-'",
				path, cfg_quote(q, sizeof(q), s));
		else if (c > 0x20 && c < 0x7f)
			cfg_error_add(sc->errs, line,
			              "%s: %s contains '%c'; allowed are letters, digits, '_', '.' "
			              "and '-'",
			              path, cfg_quote(q, sizeof(q), s), c);
		else
			cfg_error_add(
				sc->errs, line,
				"%s: %s contains the byte 0x%02x; allowed are letters, digits, "
				"'_', '.' and '-'",
				path, cfg_quote(q, sizeof(q), s), c);
		return false;
	}
	if (s[0] == '-' || s[0] == '.') {
		cfg_error_add(sc->errs, line,
		              "%s: %s must not start with '%c'; start it with a letter, a digit or "
		              "'_'",
		              path, cfg_quote(q, sizeof(q), s), s[0]);
		return false;
	}
	return true;
}

void
cfg_errors_sort(struct cfg_errors *errs)
{
	if (errs == NULL)
		return;
	for (unsigned int i = 1; i < errs->count; i++) {
		struct cfg_error tmp = errs->err[i];
		unsigned int j = i;

		while (j > 0 && errs->err[j - 1].line > tmp.line) {
			errs->err[j] = errs->err[j - 1];
			j--;
		}
		errs->err[j] = tmp;
	}
}
