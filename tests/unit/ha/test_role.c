/* SPDX-License-Identifier: BSD-3-Clause */
/* The HA module is a skeleton until the HA issue: only the role vocabulary exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ha.h"

static void
test_ha_role_name_every_role(void **state)
{
	(void)state;
	assert_string_equal(ha_role_name(HA_ROLE_STANDALONE), "standalone");
	assert_string_equal(ha_role_name(HA_ROLE_INIT), "init");
	assert_string_equal(ha_role_name(HA_ROLE_BACKUP), "backup");
	assert_string_equal(ha_role_name(HA_ROLE_MASTER), "master");
	assert_string_equal(ha_role_name((enum ha_role)42), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_role_name_every_role),
	};

	return cmocka_run_group_tests_name("ha_role", tests, NULL, NULL);
}
