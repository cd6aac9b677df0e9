/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mitigation benchmark's workload, shared by tools/bench/mitigate.c (the DPDK pipeline,
 * dpdk-test-acl's input files) and tools/bench/xdp_bench.c (the XDP program), so that every
 * engine filters the same rules and the same packets. Deterministic: the same settings and
 * seed give the same bytes. Pure C, no DPDK, no libbpf.
 *
 * The address plan keeps the traffic classes apart by construction, so the class of every
 * frame is known without a lookup (the benchmark still counts what the pipeline decided):
 *
 *   198.18.0.0/15            the protected space: every destination, every rule's dst prefix
 *   16.0.0.0 - 79.255.255.255   deny prefixes (/16 to /24, some /32)
 *   96.0.0.0 - 127.255.255.255  blocklisted sources (/32)
 *   128.0.0.0 - 191.255.255.255 legitimate and rate-limited sources, rule hits on dst/port
 *   200.0.0.0 - 223.255.255.255 src prefixes of the rules that match on a source
 *
 * None of these frames is ever sent anywhere: they live in the benchmark's memory.
 */
#ifndef RAMPART_MIT_GEN_H
#define RAMPART_MIT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define MIT_FRAME_LEN 60    /* a 64-byte Ethernet frame less its FCS */
#define MIT_FRAME_STRIDE 64 /* one cache line per frame */
#define MIT_HOT_SOURCES 64  /* sources that exceed the rate limits */

/* Traffic classes of the mix. */
enum mit_class {
	MIT_LEGIT, /* TCP to the services the allow rules open, TCP elsewhere, pings */
	MIT_RULE,  /* matches a drop rule */
	MIT_BLOCK, /* source on the blocklist */
	MIT_DENY,  /* source in a deny prefix */
	MIT_RATE,  /* matches a rate-limit rule; half from a few hot sources */
	MIT_CLASS_MAX,
};

struct mit_gen_cfg {
	uint32_t n_rules;
	uint32_t n_count; /* of them, rules with action count (at most 15) */
	uint32_t n_deny;  /* deny prefixes */
	uint32_t n_block; /* blocklisted sources */
	uint32_t n_frames;
	uint64_t seed;
	unsigned int pct[MIT_CLASS_MAX]; /* the mix, in percent, summing to 100 */
};

/* The defaults: 1M deny prefixes, 1M blocklisted sources, 1M frames, the mix 40/20/15/15/10. */
void
mit_gen_defaults(struct mit_gen_cfg *c);

/* Rule kinds, for the XDP loader and the reports. */
enum mit_rule_kind {
	MIT_K_ALLOW, /* allow tcp to a host, one or two service ports */
	MIT_K_UDP,   /* drop udp to a /24-/28 on a port range */
	MIT_K_RATE,  /* rate-limit udp/53 or tcp syn to 80,443 on a host, per source */
	MIT_K_SRC,   /* drop anything from a src prefix to a /24 */
	MIT_K_FLAGS, /* drop tcp syn+fin to a /24 */
	MIT_K_LEN,   /* drop udp of 1200 bytes or more to a /24 */
	MIT_K_COUNT, /* count tcp to a /24 */
};

/* @n rules into a new array (free() it); kinds[i] says how rule i was made (may be NULL). */
struct cfg_rule *
mit_gen_rules(const struct mit_gen_cfg *c, uint8_t **kinds);

/* The deny prefixes, c->n_deny of them (free() it). Distinct /24s and /32s. */
struct cfg_prefix *
mit_gen_deny(const struct mit_gen_cfg *c);

/* Blocklisted IPv4 source @i (0 <= i < n_block), in host byte order. Distinct. */
uint32_t
mit_gen_block_addr(const struct mit_gen_cfg *c, uint32_t i);

/* The frames, MIT_FRAME_STRIDE bytes apart (free() it); cls[i] is frame i's class. */
uint8_t *
mit_gen_frames(const struct mit_gen_cfg *c, const struct cfg_rule *rules, const uint8_t *kinds,
               const struct cfg_prefix *deny, uint8_t **cls);

/* The 5-tuple of a frame, host byte order, for dpdk-test-acl's trace file. */
void
mit_frame_tuple(const uint8_t *frame, uint32_t *src, uint32_t *dst, uint16_t *sport,
                uint16_t *dport, uint8_t *proto);

#endif /* RAMPART_MIT_GEN_H */
