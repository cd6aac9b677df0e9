/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart HA peer heartbeats: the message codec. A node sends one heartbeat every
 * ha.peer_check_interval_ms to every peer, as one UDP datagram on ha.port. The codec knows
 * nothing of sockets, so a later transport (the auxiliary plane's authenticated sessions) can
 * carry the same message. There is no authentication here.
 *
 * Wire format (all integers big-endian, no padding):
 *
 *   offset  size  field
 *   0       4     magic "RPHB"
 *   4       1     version (1)
 *   5       1     flags: 0x01 primary, 0x02 maintenance, 0x04 bypass engaged,
 *                 0x08 links below minimum; other bits zero
 *   6       1     VRRP entry count, 0..16
 *   7       1     node id length, 1..63
 *   8       1     stack name length, 0..63
 *   9       8     sequence number
 *   17      8     sender's monotonic clock, nanoseconds
 *   25      ...   node id, then stack name (printable ASCII without space, no NUL)
 *   ...     4 * n VRRP entries: vrid (1..255), family (4 or 6), state (1 init, 2 backup,
 *                 3 master), priority (0..255)
 *
 * A message is exactly as long as its header says: no trailing bytes.
 */
#ifndef RAMPART_HA_PEER_H
#define RAMPART_HA_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ha.h"

#define HA_PEER_MAGIC "RPHB"
#define HA_PEER_VERSION 1
#define HA_PEER_HDR_LEN 25
#define HA_PEER_ID_MAX 63 /* characters in a node id or a stack name */
#define HA_PEER_MAX_VRRP 16
#define HA_PEER_VRRP_LEN 4
#define HA_PEER_MSG_MAX (HA_PEER_HDR_LEN + 2 * HA_PEER_ID_MAX + HA_PEER_MAX_VRRP * HA_PEER_VRRP_LEN)

#define HA_PEER_F_PRIMARY 0x01     /* ha.primary is set on the sender */
#define HA_PEER_F_MAINTENANCE 0x02 /* `ha maintenance on` */
#define HA_PEER_F_BYPASS 0x04      /* the sender's bypass is engaged */
#define HA_PEER_F_LINKS_DOWN 0x08  /* fewer than min_active_links healthy link pairs */
#define HA_PEER_F_ALL 0x0f

/* What the sender says about one of its VRRP instances. */
struct ha_peer_vrrp {
	uint8_t vrid;       /* 1..255 */
	uint8_t family;     /* 4 or 6 */
	enum ha_role state; /* HA_ROLE_INIT, HA_ROLE_BACKUP or HA_ROLE_MASTER */
	uint8_t priority;   /* the effective priority it advertises */
};

struct ha_peer_msg {
	uint8_t flags; /* HA_PEER_F_* */
	uint64_t seq;
	uint64_t timestamp_ns; /* the sender's monotonic clock when it sent this */
	char node_id[HA_PEER_ID_MAX + 1];
	char stack[HA_PEER_ID_MAX + 1];
	unsigned int n_vrrp;
	struct ha_peer_vrrp vrrp[HA_PEER_MAX_VRRP];
};

/* The encoded size of @msg (valid or not: from its counts and string lengths). */
size_t
ha_peer_msg_len(const struct ha_peer_msg *msg);

/*
 * Encode @msg into @buf of @len bytes. @return the number of bytes written; -EINVAL when a
 * field is out of range (unknown flag, empty or too long or non-printable id or stack, more
 * than HA_PEER_MAX_VRRP entries, vrid 0, family not 4 or 6, a state that is not init, backup
 * or master, two entries with the same vrid and family); -ENOSPC when @buf is too small.
 */
int
ha_peer_encode(const struct ha_peer_msg *msg, uint8_t *buf, size_t len);

/*
 * Decode the @len bytes at @buf into @msg. @return 0; -EMSGSIZE when the message is shorter
 * than its header or than the header says, or has trailing bytes; -EBADMSG for a wrong magic
 * or version; -EINVAL for a field out of range (the same rules as ha_peer_encode()). @msg is
 * only meaningful when 0 is returned.
 */
int
ha_peer_decode(const uint8_t *buf, size_t len, struct ha_peer_msg *msg);

/* The entry for (@vrid, @family) in @msg, or NULL. */
const struct ha_peer_vrrp *
ha_peer_msg_vrrp(const struct ha_peer_msg *msg, uint8_t vrid, uint8_t family);

#endif /* RAMPART_HA_PEER_H */
