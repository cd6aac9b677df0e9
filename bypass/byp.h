/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart bypass: the fail-open driver interface (XDP software bypass, sysfs/GPIO hardware
 * bypass, a recording driver for tests). Not built yet: the bypass issue fills this module.
 * Until then rampartd runs inline only and this header only names the states operators
 * will see, so the CLI and docs use one vocabulary.
 */
#ifndef RAMPART_BYP_H
#define RAMPART_BYP_H

enum byp_state {
	BYP_STATE_INLINE = 0, /* traffic goes through the dataplane */
	BYP_STATE_BYPASS,     /* upstream wired straight to protected */
	BYP_STATE_DISCONNECT, /* both sides dropped (fail-closed) */
};

/* "inline", "bypass" or "disconnect"; "unknown" for anything else. */
const char *
byp_state_name(enum byp_state state);

#endif /* RAMPART_BYP_H */
