/* SPDX-License-Identifier: BSD-3-Clause */
#include "ha.h"

const char *
ha_role_name(enum ha_role role)
{
	switch (role) {
	case HA_ROLE_STANDALONE:
		return "standalone";
	case HA_ROLE_INIT:
		return "init";
	case HA_ROLE_BACKUP:
		return "backup";
	case HA_ROLE_MASTER:
		return "master";
	}
	return "unknown";
}
