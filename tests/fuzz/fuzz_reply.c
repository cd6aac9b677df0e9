/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for what rampartctl does with a daemon's reply: any bytes that parse as JSON
 * are handed to every human printer, as data and as a whole reply. The printers must cope
 * with missing fields, wrong types and hostile strings without crashing.
 */
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "format.h"
#include "ha_cmds.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ctl_fmt_fn printers[] = {
		ctl_fmt_status,          ctl_fmt_ports,          ctl_fmt_stats,
		ctl_fmt_shutdown,        ctl_fmt_json,           ctl_fmt_policy_validate,
		ctl_fmt_policy_load,     ctl_fmt_policy,         ctl_fmt_rules,
		ctl_fmt_blocklist_add,   ctl_fmt_blocklist_del,  ctl_fmt_blocklist_list,
		ctl_fmt_blocklist_flush, ctl_fmt_drops,          ctl_fmt_ha_status,
		ctl_fmt_ha_history,      ctl_fmt_ha_maintenance, ctl_fmt_ha_simulate,
		ctl_fmt_bypass_status,   ctl_fmt_bypass_change,
	};
	static FILE *sink;
	json_t *reply;

	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	reply = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (reply == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++) {
		printers[i](sink, reply);
		if (json_object_get(reply, "data") != NULL)
			printers[i](sink, json_object_get(reply, "data"));
	}
	if (json_is_string(reply))
		ctl_fmt_text(sink, json_string_value(reply));
	json_decref(reply);
	return 0;
}
