/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to ha/: big-endian fields and the Internet checksum (RFC 1071), shared by the
 * codecs (ha_pkt.c, ha_vrrp_pkt.c).
 */
#ifndef RAMPART_HA_WIRE_H
#define RAMPART_HA_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t
ha_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
ha_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Add @n bytes taken as big-endian 16-bit words to the ones' complement sum @acc; an odd
 * last byte is padded with zero. */
static inline uint64_t
ha_sum16(const uint8_t *p, size_t n, uint64_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += ha_rd16(p + i);
	if (i < n)
		acc += (uint64_t)p[i] << 8;
	return acc;
}

/* @acc folded to 16 bits (not complemented: a correct packet folds to 0xffff). */
static inline uint16_t
ha_sum_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

#endif /* RAMPART_HA_WIRE_H */
