/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA peer heartbeat codec. The layout is in ha_peer.h. Decoding checks, in this order: the
 * fixed header is there, magic and version, the header's fields, the total length, then the
 * strings and the VRRP entries.
 */
#include <errno.h>
#include <string.h>

#include "ha_peer.h"

/* Wire values of the VRRP states: fixed here, whatever enum ha_role's numbering becomes. */
#define WIRE_INIT 1
#define WIRE_BACKUP 2
#define WIRE_MASTER 3

static void
put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Printable ASCII without space: what a node id or a stack name may hold on the wire. */
static bool
name_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static int
state_to_wire(enum ha_role state)
{
	switch (state) {
	case HA_ROLE_INIT:
		return WIRE_INIT;
	case HA_ROLE_BACKUP:
		return WIRE_BACKUP;
	case HA_ROLE_MASTER:
		return WIRE_MASTER;
	case HA_ROLE_STANDALONE:
		break;
	}
	return -EINVAL;
}

static int
state_from_wire(uint8_t v, enum ha_role *state)
{
	switch (v) {
	case WIRE_INIT:
		*state = HA_ROLE_INIT;
		return 0;
	case WIRE_BACKUP:
		*state = HA_ROLE_BACKUP;
		return 0;
	case WIRE_MASTER:
		*state = HA_ROLE_MASTER;
		return 0;
	}
	return -EINVAL;
}

/* Entries [0, @n) have valid fields and no two share a vrid and family. */
static bool
vrrp_entries_ok(const struct ha_peer_vrrp *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (v[i].vrid == 0 || (v[i].family != 4 && v[i].family != 6) ||
		    state_to_wire(v[i].state) < 0)
			return false;
		for (unsigned int j = 0; j < i; j++)
			if (v[j].vrid == v[i].vrid && v[j].family == v[i].family)
				return false;
	}
	return true;
}

const struct ha_peer_vrrp *
ha_peer_msg_vrrp(const struct ha_peer_msg *msg, uint8_t vrid, uint8_t family)
{
	for (unsigned int i = 0; i < msg->n_vrrp && i < HA_PEER_MAX_VRRP; i++)
		if (msg->vrrp[i].vrid == vrid && msg->vrrp[i].family == family)
			return &msg->vrrp[i];
	return NULL;
}

size_t
ha_peer_msg_len(const struct ha_peer_msg *msg)
{
	return HA_PEER_HDR_LEN + strnlen(msg->node_id, sizeof(msg->node_id)) +
	       strnlen(msg->stack, sizeof(msg->stack)) + (size_t)msg->n_vrrp * HA_PEER_VRRP_LEN;
}

int
ha_peer_encode(const struct ha_peer_msg *msg, uint8_t *buf, size_t len)
{
	size_t id_len = strnlen(msg->node_id, sizeof(msg->node_id));
	size_t stack_len = strnlen(msg->stack, sizeof(msg->stack));
	size_t need;
	uint8_t *p;

	if ((msg->flags & ~HA_PEER_F_ALL) != 0 || id_len == 0 || id_len > HA_PEER_ID_MAX ||
	    stack_len > HA_PEER_ID_MAX || !name_ok(msg->node_id, id_len) ||
	    !name_ok(msg->stack, stack_len) || msg->n_vrrp > HA_PEER_MAX_VRRP ||
	    !vrrp_entries_ok(msg->vrrp, msg->n_vrrp))
		return -EINVAL;
	need = ha_peer_msg_len(msg);
	if (len < need)
		return -ENOSPC;
	p = buf;
	memcpy(p, HA_PEER_MAGIC, 4);
	p[4] = HA_PEER_VERSION;
	p[5] = msg->flags;
	p[6] = (uint8_t)msg->n_vrrp;
	p[7] = (uint8_t)id_len;
	p[8] = (uint8_t)stack_len;
	put_u64(p + 9, msg->seq);
	put_u64(p + 17, msg->timestamp_ns);
	p += HA_PEER_HDR_LEN;
	memcpy(p, msg->node_id, id_len);
	p += id_len;
	memcpy(p, msg->stack, stack_len);
	p += stack_len;
	for (unsigned int i = 0; i < msg->n_vrrp; i++) {
		p[0] = msg->vrrp[i].vrid;
		p[1] = msg->vrrp[i].family;
		p[2] = (uint8_t)state_to_wire(msg->vrrp[i].state);
		p[3] = msg->vrrp[i].priority;
		p += HA_PEER_VRRP_LEN;
	}
	return (int)need;
}

int
ha_peer_decode(const uint8_t *buf, size_t len, struct ha_peer_msg *msg)
{
	size_t id_len, stack_len, n_vrrp, need;
	const uint8_t *p;

	if (len < HA_PEER_HDR_LEN)
		return -EMSGSIZE;
	if (memcmp(buf, HA_PEER_MAGIC, 4) != 0 || buf[4] != HA_PEER_VERSION)
		return -EBADMSG;
	n_vrrp = buf[6];
	id_len = buf[7];
	stack_len = buf[8];
	if ((buf[5] & ~HA_PEER_F_ALL) != 0 || n_vrrp > HA_PEER_MAX_VRRP || id_len == 0 ||
	    id_len > HA_PEER_ID_MAX || stack_len > HA_PEER_ID_MAX)
		return -EINVAL;
	need = HA_PEER_HDR_LEN + id_len + stack_len + n_vrrp * HA_PEER_VRRP_LEN;
	if (len != need)
		return -EMSGSIZE;

	memset(msg, 0, sizeof(*msg));
	msg->flags = buf[5];
	msg->seq = get_u64(buf + 9);
	msg->timestamp_ns = get_u64(buf + 17);
	p = buf + HA_PEER_HDR_LEN;
	memcpy(msg->node_id, p, id_len);
	p += id_len;
	memcpy(msg->stack, p, stack_len);
	p += stack_len;
	if (!name_ok(msg->node_id, id_len) || !name_ok(msg->stack, stack_len))
		return -EINVAL;
	msg->n_vrrp = (unsigned int)n_vrrp;
	for (size_t i = 0; i < n_vrrp; i++) {
		msg->vrrp[i].vrid = p[0];
		msg->vrrp[i].family = p[1];
		if (state_from_wire(p[2], &msg->vrrp[i].state) < 0)
			return -EINVAL;
		msg->vrrp[i].priority = p[3];
		p += HA_PEER_VRRP_LEN;
	}
	if (!vrrp_entries_ok(msg->vrrp, msg->n_vrrp))
		return -EINVAL;
	return 0;
}
