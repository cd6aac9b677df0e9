/* SPDX-License-Identifier: BSD-3-Clause */
/* rampartctl's HA commands: builders (ctl_cli_build_fn) and printers (ctl_fmt_fn). */
#ifndef RAMPART_CTL_HA_CMDS_H
#define RAMPART_CTL_HA_CMDS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "format.h"

/* ha maintenance on|off: {"on": BOOL}. -EINVAL for anything else. */
int
ctl_cli_build_ha_maintenance(int argc, char *const *argv, json_t **args, char *err, size_t errlen);

/* ha simulate DRILL [--seconds N]: {"what": DRILL, "seconds": N}. */
int
ctl_cli_build_ha_simulate(int argc, char *const *argv, json_t **args, char *err, size_t errlen);

int
ctl_fmt_ha_status(FILE *out, json_t *data);

int
ctl_fmt_ha_history(FILE *out, json_t *data);

int
ctl_fmt_ha_maintenance(FILE *out, json_t *data);

int
ctl_fmt_ha_simulate(FILE *out, json_t *data);

#endif /* RAMPART_CTL_HA_CMDS_H */
