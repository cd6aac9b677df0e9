/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks on the errors a parser recorded, shared by the config unit tests. They read the
 * test file's own `static struct cfg_errors errs`.
 */
#ifndef RAMPART_TEST_ASSERT_ERRORS_H
#define RAMPART_TEST_ASSERT_ERRORS_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cfg.h"

static inline void
errors_dump(const struct cfg_errors *e)
{
	print_message("errors (%u, %u dropped):\n", e->count, e->dropped);
	cfg_errors_print(e, stderr);
}

/* Is there an error on @line whose message contains @part? */
static inline bool
errors_have(const struct cfg_errors *e, int line, const char *part)
{
	for (unsigned int i = 0; i < e->count; i++)
		if (e->err[i].line == line && strstr(e->err[i].msg, part) != NULL)
			return true;
	return false;
}

/* An error on @line whose message contains @part. */
#define assert_error(line, part)                                                           \
	do {                                                                               \
		if (!errors_have(&errs, (line), (part))) {                                 \
			errors_dump(&errs);                                                \
			fail_msg("no error at line %d containing \"%s\"", (line), (part)); \
		}                                                                          \
	} while (0)

/* Exactly @n errors recorded. */
#define assert_error_count(n)                                                              \
	do {                                                                               \
		if (errs.count != (n)) {                                                   \
			errors_dump(&errs);                                                \
			fail_msg("%u errors, expected %u", errs.count, (unsigned int)(n)); \
		}                                                                          \
	} while (0)

/* @rc is 0, nothing was recorded and @also holds; @what names what was parsed. */
#define assert_valid_and(rc, also, what)                                   \
	do {                                                               \
		int rc_ = (rc);                                            \
		if (rc_ != 0 || errs.count != 0 || !(also)) {              \
			errors_dump(&errs);                                \
			fail_msg("rc %d: expected a valid %s", rc_, what); \
		}                                                          \
	} while (0)

/* @rc is -EINVAL, @also holds, and the only error is on @line and contains @part. */
#define assert_only_error_and(rc, also, line, part)                                       \
	do {                                                                              \
		int rc_ = (rc);                                                           \
		if (rc_ != -EINVAL || !(also) || errs.count != 1 || errs.dropped != 0 ||  \
		    !errors_have(&errs, (line), (part))) {                                \
			errors_dump(&errs);                                               \
			fail_msg("rc %d: expected only one error, at line %d containing " \
			         "\"%s\"",                                                \
			         rc_, (line), (part));                                    \
		}                                                                         \
	} while (0)

#endif /* RAMPART_TEST_ASSERT_ERRORS_H */
