/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a rampartctl formatter prints for a reply's data, shared by the formatter unit tests
 * (control/test_format.c, control/test_ha_cmds.c, bypass/test_format.c). Include after
 * cmocka.h and format.h.
 */
#ifndef RAMPART_TEST_RENDER_H
#define RAMPART_TEST_RENDER_H

#include <stdio.h>

#include <jansson.h>

/* Run @fn on @json (parsed here; NULL passes no data) and return what it printed (caller
 * frees). Test JSON that does not parse fails the test. */
static char *
render(ctl_fmt_fn fn, const char *json)
{
	json_error_t jerr;
	json_t *data = NULL;
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	if (json != NULL) {
		data = json_loads(json, JSON_DECODE_ANY, &jerr);
		if (data == NULL)
			fail_msg("test JSON does not parse: %s", jerr.text);
	}
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, data), 0);
	assert_int_equal(fclose(f), 0);
	json_decref(data);
	return buf;
}

#endif /* RAMPART_TEST_RENDER_H */
