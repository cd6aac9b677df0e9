/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA peer heartbeat codec: round trips, a byte-exact reference message, every truncation and
 * every malformed field mapped to its error, and the encoder's own checks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ha_peer.h"

/* "rp-a" in stack "edge", primary, seq 0x0102030405060708, one master and one backup entry. */
static const uint8_t reference[] = {
	'R',  'P',  'H',  'B',                          /* magic */
	0x01,                                           /* version */
	0x01,                                           /* flags: primary */
	0x02,                                           /* two VRRP entries */
	0x04,                                           /* id length */
	0x04,                                           /* stack length */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* seq */
	0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, /* timestamp */
	'r',  'p',  '-',  'a',  'e',  'd',  'g',  'e',
	51,   4,    3,    150, /* vrid 51, IPv4, master, priority 150 */
	51,   6,    2,    100, /* vrid 51, IPv6, backup, priority 100 */
};

/* Offsets in the reference message. */
#define OFF_VERSION 4
#define OFF_FLAGS 5
#define OFF_NVRRP 6
#define OFF_IDLEN 7
#define OFF_STACKLEN 8
#define OFF_ID 25
#define OFF_STACK 29
#define OFF_VRRP 33

static void
reference_msg(struct ha_peer_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->flags = HA_PEER_F_PRIMARY;
	m->seq = 0x0102030405060708ULL;
	m->timestamp_ns = 0x123456789aULL;
	strcpy(m->node_id, "rp-a");
	strcpy(m->stack, "edge");
	m->n_vrrp = 2;
	m->vrrp[0] = (struct ha_peer_vrrp){
		.vrid = 51, .family = 4, .state = HA_ROLE_MASTER, .priority = 150
	};
	m->vrrp[1] = (struct ha_peer_vrrp){
		.vrid = 51, .family = 6, .state = HA_ROLE_BACKUP, .priority = 100
	};
}

static void
assert_msg_equal(const struct ha_peer_msg *a, const struct ha_peer_msg *b)
{
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->timestamp_ns, b->timestamp_ns);
	assert_string_equal(a->node_id, b->node_id);
	assert_string_equal(a->stack, b->stack);
	assert_int_equal(a->n_vrrp, b->n_vrrp);
	for (unsigned int i = 0; i < a->n_vrrp; i++) {
		assert_int_equal(a->vrrp[i].vrid, b->vrrp[i].vrid);
		assert_int_equal(a->vrrp[i].family, b->vrrp[i].family);
		assert_int_equal(a->vrrp[i].state, b->vrrp[i].state);
		assert_int_equal(a->vrrp[i].priority, b->vrrp[i].priority);
	}
}

/* Decode @len bytes of a copy of the reference with @off set to @val. */
static int
decode_patched(size_t off, uint8_t val)
{
	uint8_t buf[sizeof(reference)];
	struct ha_peer_msg m;

	memcpy(buf, reference, sizeof(buf));
	buf[off] = val;
	return ha_peer_decode(buf, sizeof(buf), &m);
}

static void
test_ha_peer_encode_reference_bytes(void **state)
{
	struct ha_peer_msg m;
	uint8_t buf[HA_PEER_MSG_MAX];

	(void)state;
	reference_msg(&m);
	assert_int_equal(ha_peer_msg_len(&m), sizeof(reference));
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), sizeof(reference));
	assert_memory_equal(buf, reference, sizeof(reference));
}

static void
test_ha_peer_decode_reference(void **state)
{
	struct ha_peer_msg want, got;

	(void)state;
	reference_msg(&want);
	memset(&got, 0xa5, sizeof(got));
	assert_int_equal(ha_peer_decode(reference, sizeof(reference), &got), 0);
	assert_msg_equal(&got, &want);
	assert_non_null(ha_peer_msg_vrrp(&got, 51, 4));
	assert_int_equal(ha_peer_msg_vrrp(&got, 51, 4)->state, HA_ROLE_MASTER);
	assert_int_equal(ha_peer_msg_vrrp(&got, 51, 6)->priority, 100);
	assert_null(ha_peer_msg_vrrp(&got, 52, 4));
}

static void
test_ha_peer_round_trip_extremes(void **state)
{
	struct ha_peer_msg m, got;
	uint8_t buf[HA_PEER_MSG_MAX];
	int n;

	(void)state;
	/* Largest message: longest id and stack, 16 entries, every flag, extreme integers. */
	memset(&m, 0, sizeof(m));
	m.flags = HA_PEER_F_ALL;
	m.seq = UINT64_MAX;
	m.timestamp_ns = UINT64_MAX - 1;
	memset(m.node_id, '~', HA_PEER_ID_MAX);
	memset(m.stack, '!', HA_PEER_ID_MAX);
	m.n_vrrp = HA_PEER_MAX_VRRP;
	for (unsigned int i = 0; i < HA_PEER_MAX_VRRP; i++)
		m.vrrp[i] = (struct ha_peer_vrrp){ .vrid = (uint8_t)(255 - i / 2),
			                           .family = i % 2 ? 6 : 4,
			                           .state = HA_ROLE_INIT + i % 3,
			                           .priority = (uint8_t)(i * 17) };
	n = ha_peer_encode(&m, buf, sizeof(buf));
	assert_int_equal(n, HA_PEER_MSG_MAX);
	assert_int_equal(ha_peer_decode(buf, (size_t)n, &got), 0);
	assert_msg_equal(&got, &m);

	/* Smallest: one-character id, no stack, no entries, no flags, zeros. */
	memset(&m, 0, sizeof(m));
	strcpy(m.node_id, "a");
	n = ha_peer_encode(&m, buf, sizeof(buf));
	assert_int_equal(n, HA_PEER_HDR_LEN + 1);
	assert_int_equal(ha_peer_decode(buf, (size_t)n, &got), 0);
	assert_msg_equal(&got, &m);
}

static void
test_ha_peer_encode_no_space(void **state)
{
	struct ha_peer_msg m;
	uint8_t buf[sizeof(reference)];

	(void)state;
	reference_msg(&m);
	for (size_t len = 0; len < sizeof(reference); len++)
		assert_int_equal(ha_peer_encode(&m, buf, len), -ENOSPC);
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), sizeof(reference));
}

static void
test_ha_peer_encode_bad_fields(void **state)
{
	struct ha_peer_msg m;
	uint8_t buf[HA_PEER_MSG_MAX];

	(void)state;
	reference_msg(&m);
	m.flags = 0x10;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.node_id[0] = '\0';
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	memset(m.node_id, 'x', sizeof(m.node_id)); /* no NUL: 64 characters */
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	memset(m.stack, 'x', sizeof(m.stack));
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	strcpy(m.node_id, "rp a");
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	strcpy(m.stack, "edge\n");
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.node_id[1] = (char)0xc3;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.n_vrrp = HA_PEER_MAX_VRRP + 1;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.vrrp[1].vrid = 0;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.vrrp[0].family = 5;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.vrrp[0].state = HA_ROLE_STANDALONE;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.vrrp[0].state = (enum ha_role)9;
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	reference_msg(&m);
	m.vrrp[1].family = 4; /* the same vrid and family twice */
	assert_int_equal(ha_peer_encode(&m, buf, sizeof(buf)), -EINVAL);
	/* A bad field is reported before a small buffer. */
	reference_msg(&m);
	m.flags = 0x80;
	assert_int_equal(ha_peer_encode(&m, buf, 1), -EINVAL);
}

static void
test_ha_peer_decode_every_truncation(void **state)
{
	struct ha_peer_msg m;

	(void)state;
	for (size_t len = 0; len < sizeof(reference); len++)
		assert_int_equal(ha_peer_decode(reference, len, &m), -EMSGSIZE);
}

static void
test_ha_peer_decode_trailing_bytes(void **state)
{
	uint8_t buf[sizeof(reference) + 1];
	struct ha_peer_msg m;

	(void)state;
	memcpy(buf, reference, sizeof(reference));
	buf[sizeof(reference)] = 0;
	assert_int_equal(ha_peer_decode(buf, sizeof(buf), &m), -EMSGSIZE);
}

static void
test_ha_peer_decode_counts_disagree_with_length(void **state)
{
	(void)state;
	/* Counts that promise more or less than the datagram holds. */
	assert_int_equal(decode_patched(OFF_NVRRP, 3), -EMSGSIZE);
	assert_int_equal(decode_patched(OFF_NVRRP, 1), -EMSGSIZE);
	assert_int_equal(decode_patched(OFF_IDLEN, 5), -EMSGSIZE);
	assert_int_equal(decode_patched(OFF_IDLEN, 3), -EMSGSIZE);
	assert_int_equal(decode_patched(OFF_STACKLEN, 0), -EMSGSIZE);
	assert_int_equal(decode_patched(OFF_STACKLEN, 63), -EMSGSIZE);
}

static void
test_ha_peer_decode_bad_magic_version(void **state)
{
	(void)state;
	for (size_t off = 0; off < 4; off++)
		assert_int_equal(decode_patched(off, 'x'), -EBADMSG);
	assert_int_equal(decode_patched(OFF_VERSION, 0), -EBADMSG);
	assert_int_equal(decode_patched(OFF_VERSION, 2), -EBADMSG);
	assert_int_equal(decode_patched(OFF_VERSION, 0xff), -EBADMSG);
}

static void
test_ha_peer_decode_bad_header_fields(void **state)
{
	(void)state;
	for (unsigned int bit = 4; bit < 8; bit++)
		assert_int_equal(decode_patched(OFF_FLAGS, (uint8_t)(1u << bit)), -EINVAL);
	assert_int_equal(decode_patched(OFF_NVRRP, HA_PEER_MAX_VRRP + 1), -EINVAL);
	assert_int_equal(decode_patched(OFF_NVRRP, 0xff), -EINVAL);
	assert_int_equal(decode_patched(OFF_IDLEN, 0), -EINVAL);
	assert_int_equal(decode_patched(OFF_IDLEN, HA_PEER_ID_MAX + 1), -EINVAL);
	assert_int_equal(decode_patched(OFF_STACKLEN, HA_PEER_ID_MAX + 1), -EINVAL);
	assert_int_equal(decode_patched(OFF_STACKLEN, 0xff), -EINVAL);
	/* Every defined flag alone is fine. */
	for (unsigned int bit = 0; bit < 4; bit++)
		assert_int_equal(decode_patched(OFF_FLAGS, (uint8_t)(1u << bit)), 0);
}

static void
test_ha_peer_decode_bad_names(void **state)
{
	static const uint8_t bad[] = { 0x00, ' ', '\t', '\n', 0x7f, 0x80, 0xff };

	(void)state;
	for (size_t i = 0; i < sizeof(bad); i++) {
		assert_int_equal(decode_patched(OFF_ID, bad[i]), -EINVAL);
		assert_int_equal(decode_patched(OFF_ID + 3, bad[i]), -EINVAL);
		assert_int_equal(decode_patched(OFF_STACK, bad[i]), -EINVAL);
		assert_int_equal(decode_patched(OFF_STACK + 3, bad[i]), -EINVAL);
	}
	assert_int_equal(decode_patched(OFF_ID, '!'), 0);
	assert_int_equal(decode_patched(OFF_STACK + 3, '~'), 0);
}

static void
test_ha_peer_decode_bad_vrrp_entries(void **state)
{
	(void)state;
	assert_int_equal(decode_patched(OFF_VRRP + 0, 0), -EINVAL);     /* vrid 0 */
	assert_int_equal(decode_patched(OFF_VRRP + 4 + 0, 0), -EINVAL); /* vrid 0, 2nd entry */
	assert_int_equal(decode_patched(OFF_VRRP + 1, 0), -EINVAL);     /* family 0 */
	assert_int_equal(decode_patched(OFF_VRRP + 1, 5), -EINVAL);
	assert_int_equal(decode_patched(OFF_VRRP + 1, 41), -EINVAL);
	assert_int_equal(decode_patched(OFF_VRRP + 2, 0), -EINVAL); /* state 0 */
	assert_int_equal(decode_patched(OFF_VRRP + 2, 4), -EINVAL);
	assert_int_equal(decode_patched(OFF_VRRP + 4 + 2, 0xff), -EINVAL);
	assert_int_equal(decode_patched(OFF_VRRP + 4 + 1, 4), -EINVAL); /* duplicate (51, 4) */
	/* Fields that take any value. */
	assert_int_equal(decode_patched(OFF_VRRP + 3, 0), 0); /* priority 0 */
	assert_int_equal(decode_patched(OFF_VRRP + 3, 255), 0);
	assert_int_equal(decode_patched(OFF_VRRP + 4 + 0, 255), 0); /* vrid 255 */
	assert_int_equal(decode_patched(OFF_VRRP + 2, 1), 0);       /* init */
}

static void
test_ha_peer_decode_every_byte_flip(void **state)
{
	uint8_t buf[sizeof(reference)];
	struct ha_peer_msg m;

	(void)state;
	/* Any single changed byte either still decodes or gives one of the documented errors. */
	for (size_t off = 0; off < sizeof(reference); off++) {
		for (unsigned int v = 0; v < 256; v++) {
			int rc;

			memcpy(buf, reference, sizeof(buf));
			buf[off] = (uint8_t)v;
			rc = ha_peer_decode(buf, sizeof(buf), &m);
			assert_true(rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG || rc == -EINVAL);
			if (rc == 0) {
				uint8_t again[HA_PEER_MSG_MAX];

				/* What decodes encodes back to the same bytes. */
				assert_int_equal(ha_peer_encode(&m, again, sizeof(again)),
				                 sizeof(buf));
				assert_memory_equal(again, buf, sizeof(buf));
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_peer_encode_reference_bytes),
		cmocka_unit_test(test_ha_peer_decode_reference),
		cmocka_unit_test(test_ha_peer_round_trip_extremes),
		cmocka_unit_test(test_ha_peer_encode_no_space),
		cmocka_unit_test(test_ha_peer_encode_bad_fields),
		cmocka_unit_test(test_ha_peer_decode_every_truncation),
		cmocka_unit_test(test_ha_peer_decode_trailing_bytes),
		cmocka_unit_test(test_ha_peer_decode_counts_disagree_with_length),
		cmocka_unit_test(test_ha_peer_decode_bad_magic_version),
		cmocka_unit_test(test_ha_peer_decode_bad_header_fields),
		cmocka_unit_test(test_ha_peer_decode_bad_names),
		cmocka_unit_test(test_ha_peer_decode_bad_vrrp_entries),
		cmocka_unit_test(test_ha_peer_decode_every_byte_flip),
	};

	return cmocka_run_group_tests_name("ha_peer", tests, NULL, NULL);
}
