/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart HA: VRRPv3 ownership of the virtual IP, peer health checks, link-pair and bandwidth
 * monitors, flap damping. Not built yet: the HA issue fills this module. A node without an
 * `ha` block runs standalone, which is all rampartd does today; this header names the roles
 * the status views report so the CLI speaks one vocabulary from the start.
 */
#ifndef RAMPART_HA_H
#define RAMPART_HA_H

enum ha_role {
	HA_ROLE_STANDALONE = 0, /* no ha block: forwards on its own */
	HA_ROLE_INIT,
	HA_ROLE_BACKUP,
	HA_ROLE_MASTER,
};

/* "standalone", "init", "backup" or "master"; "unknown" for anything else. */
const char *
ha_role_name(enum ha_role role);

#endif /* RAMPART_HA_H */
