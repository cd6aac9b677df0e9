/* SPDX-License-Identifier: BSD-3-Clause */
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
