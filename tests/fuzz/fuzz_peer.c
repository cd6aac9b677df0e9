/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the HA peer heartbeat decoder: any bytes are a UDP payload from the HA
 * network. A rejected message must carry one of the decoder's own errors; an accepted one
 * must encode back to exactly the same bytes (the format has one spelling per message), and
 * its strings must be printable, its entries valid.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ha_peer.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[HA_PEER_MSG_MAX];
	struct ha_peer_msg msg;
	int rc;

	rc = ha_peer_decode(data, size, &msg);
	if (rc == -EMSGSIZE || rc == -EBADMSG || rc == -EINVAL)
		return 0;
	if (rc != 0)
		abort();
	if (size > HA_PEER_MSG_MAX || msg.n_vrrp > HA_PEER_MAX_VRRP || strlen(msg.node_id) == 0 ||
	    strlen(msg.node_id) > HA_PEER_ID_MAX || strlen(msg.stack) > HA_PEER_ID_MAX ||
	    ha_peer_msg_len(&msg) != size)
		abort();
	for (unsigned int i = 0; i < msg.n_vrrp; i++)
		if (ha_peer_msg_vrrp(&msg, msg.vrrp[i].vrid, msg.vrrp[i].family) != &msg.vrrp[i])
			abort();
	rc = ha_peer_encode(&msg, again, sizeof(again));
	if (rc < 0 || (size_t)rc != size || memcmp(again, data, size) != 0)
		abort();
	/* One byte short of room is refused, never overrun. */
	if (ha_peer_encode(&msg, again, size - 1) != -ENOSPC)
		abort();
	return 0;
}
