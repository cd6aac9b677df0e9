/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pure helpers of the drivers, apart so that the unit tests and the fuzz target reach them
 * without libbpf: the check of a pinned XDP state record.
 */
#include <errno.h>
#include <string.h>

#include "byp.h"
#include "byp_xdp.h"

int
byp_xdp_state_check(const void *buf, size_t len)
{
	struct byp_xdp_state st;

	if (buf == NULL || len < sizeof(st))
		return -EINVAL;
	memcpy(&st, buf, sizeof(st));
	if (st.magic == 0 && st.layout == 0)
		return -ENODATA;
	if (st.magic != BYP_XDP_MAGIC || st.layout != BYP_XDP_LAYOUT)
		return -EPROTO;
	if (st.mode > BYP_XDP_MODE_DISCONNECT || st.set_by > BYP_XDP_BY_WATCHDOG)
		return -EPROTO;
	return 0;
}
