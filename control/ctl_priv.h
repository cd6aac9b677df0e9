/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the control module's own files; not part of its public header. */
#ifndef RAMPART_CTL_PRIV_H
#define RAMPART_CTL_PRIV_H

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long
ctl_now_ms(void);

#endif /* RAMPART_CTL_PRIV_H */
