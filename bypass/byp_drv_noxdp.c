/* SPDX-License-Identifier: BSD-3-Clause */
/* Built without clang or bpftool: there is no XDP program to load. */
#include <errno.h>

#include "byp.h"

struct byp_driver *
byp_drv_xdp_create(const struct byp_xdp_conf *conf)
{
	(void)conf;
	errno = ENOTSUP;
	return NULL;
}
