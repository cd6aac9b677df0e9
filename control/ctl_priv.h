/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the control module's own files; not part of its public header. */
#ifndef RAMPART_CTL_PRIV_H
#define RAMPART_CTL_PRIV_H

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long
ctl_now_ms(void);

#include <jansson.h>

/*
 * Refuse every member of @args that is not in @allowed (NULL-terminated, may be empty).
 * @return 0, or -EINVAL with the sentence in *@error (a static buffer: the control thread
 * serves one request at a time).
 */
int
ctl_args_only(json_t *args, const char *const *allowed, const char **error);

struct ctl_node;

/* The node's HA role in one word, for the status view: "standalone" without an ha block. */
const char *
ctl_ha_role(const struct ctl_node *node);

#endif /* RAMPART_CTL_PRIV_H */
