/* SPDX-License-Identifier: BSD-3-Clause */
/* The bypass vocabulary: the names operators read in the CLI, the logs and the docs. */
#include <errno.h>
#include <string.h>

#include "byp.h"

const char *
byp_state_name(enum byp_state state)
{
	switch (state) {
	case BYP_STATE_INLINE:
		return "inline";
	case BYP_STATE_BYPASS:
		return "bypass";
	case BYP_STATE_DISCONNECT:
		return "disconnect";
	}
	return "unknown";
}

static const char *const reason_names[BYP_REASON__MAX] = {
	[BYP_REASON_NONE] = "none",           [BYP_REASON_WATCHDOG] = "watchdog",
	[BYP_REASON_MAX_FLAPS] = "max-flaps", [BYP_REASON_OPERATOR] = "operator",
	[BYP_REASON_START_UP] = "start-up",   [BYP_REASON_LINK_FAILURE] = "link-failure",
	[BYP_REASON_STOP] = "stop",
};

const char *
byp_reason_name(enum byp_reason reason)
{
	if ((unsigned int)reason >= BYP_REASON__MAX)
		return "unknown";
	return reason_names[reason];
}

int
byp_reason_parse(const char *name)
{
	for (int r = BYP_REASON_NONE + 1; r < BYP_REASON__MAX; r++)
		if (strcmp(name, reason_names[r]) == 0)
			return r;
	return -EINVAL;
}

const char *
byp_event_name(enum byp_event_kind kind)
{
	static const char *const names[BYP_EV__MAX] = {
		[BYP_EV_ENGAGE] = "engage",     [BYP_EV_DISCONNECT] = "disconnect",
		[BYP_EV_WATCHDOG] = "watchdog", [BYP_EV_READY] = "ready",
		[BYP_EV_CLEAR] = "clear",       [BYP_EV_HEALTH] = "health",
		[BYP_EV_TICK] = "auto-rearm",   [BYP_EV_STOP] = "stop",
		[BYP_EV_FAILSAFE] = "failsafe",
	};

	if ((unsigned int)kind >= BYP_EV__MAX)
		return "unknown";
	return names[kind];
}
