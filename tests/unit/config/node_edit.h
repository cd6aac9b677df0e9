/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the node config unit tests (test_ha.c, test_node.c): the verdicts on a parsed
 * node config, and a config text built from the test's base lines with some replaced. The
 * macros read the test file's own `static struct cfg_errors errs`.
 */
#ifndef RAMPART_TEST_NODE_EDIT_H
#define RAMPART_TEST_NODE_EDIT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "assert_errors.h"

/* @rc is 0 and nothing was recorded. */
#define assert_valid(rc) assert_valid_and(rc, true, "config")

/* @rc is -EINVAL and the only error is on @line and contains @part. */
#define assert_only_error(rc, line, part) assert_only_error_and(rc, true, line, part)

#define BASE_EDIT_MAX_LINE 100

/*
 * Write lines 1..@n_base of @base (base[0] unused) into @out, with some lines replaced: @ap
 * holds pairs of (line, text) ending with line 0, @line the first. Lines past @n_base are
 * appended (empty until given); a replacement may hold several lines, and an empty one
 * leaves an empty line.
 */
static inline void
base_edit(char *out, size_t size, const char *const *base, int n_base, int line, va_list ap)
{
	const char *repl[BASE_EDIT_MAX_LINE + 1] = { NULL };
	int last = n_base;
	size_t o = 0;

	while (line > 0) {
		assert_true(line <= BASE_EDIT_MAX_LINE);
		repl[line] = va_arg(ap, const char *);
		if (line > last)
			last = line;
		line = va_arg(ap, int);
	}
	out[0] = '\0';
	for (int l = 1; l <= last; l++) {
		const char *s = repl[l] != NULL ? repl[l] : (l <= n_base ? base[l] : "");
		int n = snprintf(out + o, size - o, "%s\n", s);

		assert_true(n > 0 && (size_t)n < size - o);
		o += (size_t)n;
	}
}

#endif /* RAMPART_TEST_NODE_EDIT_H */
