/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to config/: reading a libconfig text safely. Every config file Rampart parses (the
 * node config, policy files) is read with cfg_text_read() and handed to libconfig through
 * cfg_text_open(), which first checks what libconfig 1.5 gets wrong on its own: it opens the
 * file named by "@include", leaks a string on some syntax errors, recurses without bound on
 * deep nesting, wraps integers that do not fit in 32 bits and refuses a comment on a last
 * line without a newline.
 *
 * Only the sources in config/ and the config unit tests include this header: cfg.h is the
 * module's public header, and libconfig types never leave the module.
 */
#ifndef RAMPART_CFG_TEXT_H
#define RAMPART_CFG_TEXT_H

#include <stdbool.h>

#include <libconfig.h>

#include "cfg.h"

#define CFG_TEXT_NEST_MAX 16    /* groups, lists and arrays inside each other */
#define CFG_TEXT_WRAPPED_MAX 16 /* lines with a wrapped number that are remembered */

/* The lines on which libconfig read a number it wrapped, as cfg_text_open() found them. */
struct cfg_text_wrapped {
	unsigned int count; /* at most CFG_TEXT_WRAPPED_MAX; further lines are only reported */
	int line[CFG_TEXT_WRAPPED_MAX];
};

static inline bool
cfg_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
cfg_is_xdigit(char c)
{
	return cfg_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of the hex digit @c, which must be one (cfg_is_xdigit()). */
static inline int
cfg_xdigit_value(char c)
{
	return cfg_is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/*
 * Read the config file @path whole. @kind names what the file should be, "node config" for
 * example; it appears in the error about a file too large. @errs may be NULL; it is not
 * emptied first.
 *
 * @return 0 with *@text a heap buffer the caller frees: NUL-terminated, free of other NUL
 * bytes, and ending with a newline unless empty. Otherwise *@text is NULL, one error is
 * recorded and the return is -ENOENT, -EACCES and the like when the file cannot be opened or
 * read, -EISDIR for a directory, -EFBIG when it is larger than CFG_FILE_SIZE_MAX bytes,
 * -EINVAL when it holds a NUL byte (the error is on its line), -ENOMEM.
 */
int
cfg_text_read(const char *path, const char *kind, char **text, struct cfg_errors *errs);

/*
 * cfg_text_read() with a size limit of @max bytes instead of CFG_FILE_SIZE_MAX: policy files
 * (CFG_POLICY_FILE_SIZE_MAX) and deny files (CFG_DENY_FILE_SIZE_MAX) are larger than a node
 * config. -EFBIG is returned above @max.
 */
int
cfg_text_read_max(const char *path, const char *kind, size_t max, char **text,
                  struct cfg_errors *errs);

/*
 * Parse the NUL-terminated @text into @lc with libconfig, after refusing "@include" and
 * checking the syntax itself so that libconfig never sees what it mishandles. A comment on a
 * last line without a newline is accepted. Each problem is recorded in @errs (which may be
 * NULL) on the line libconfig counts.
 *
 * Integers libconfig read into an int but which do not fit in one are recorded as errors
 * too, yet @lc is still returned: the lines they are on are noted in @wrapped (which may be
 * NULL) so that the caller skips the wrapped values libconfig left in the tree.
 *
 * @return 0 when libconfig read the text: @lc is initialised and the caller calls
 * config_destroy() on it. -EINVAL when the text is refused (one error recorded), -ENOMEM;
 * @lc then needs no config_destroy().
 */
int
cfg_text_open(const char *text, config_t *lc, struct cfg_text_wrapped *wrapped,
              struct cfg_errors *errs);

/*
 * Is @s on a line where cfg_text_open() found a wrapped number? Its value is then garbage and
 * already reported. libconfig documents setting lines as an unsigned short, so lines compare
 * modulo 65536.
 */
bool
cfg_text_wrapped_has(const struct cfg_text_wrapped *wrapped, const config_setting_t *s);

#endif /* RAMPART_CFG_TEXT_H */
