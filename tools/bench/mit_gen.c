/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mitigation benchmark's deterministic workload: rules, deny prefixes, blocklist and
 * frames (tools/bench/mit_gen.h has the address plan).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "mit_gen.h"

#define SPACE_BASE 0xC6120000u /* 198.18.0.0/15 */
#define SPACE_SIZE (1u << 17)
#define DENY_BASE (16u << 24)
#define BLOCK_BASE (96u << 24)
#define LEGIT_BASE (128u << 24)
#define MIN_U(a, b) ((a) < (b) ? (a) : (b))
#define SRCRULE_BASE (200u << 24)

/* splitmix64: small, fast and good enough to spread addresses. */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

void
mit_gen_defaults(struct mit_gen_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->n_rules = 1000;
	c->n_deny = 1u << 20;
	c->n_block = 1u << 20;
	c->n_frames = 1u << 20;
	c->seed = 0x52414d50415254ull; /* "RAMPART" */
	c->pct[MIT_LEGIT] = 40;
	c->pct[MIT_RULE] = 20;
	c->pct[MIT_BLOCK] = 15;
	c->pct[MIT_DENY] = 15;
	c->pct[MIT_RATE] = 10;
}

static uint32_t
mask_of(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static void
prefix4(struct cfg_prefix *p, uint32_t addr, unsigned int len)
{
	uint32_t a = htonl(addr & mask_of(len));

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->len = (uint8_t)len;
	memcpy(p->addr, &a, 4);
}

static uint32_t
prefix_addr(const struct cfg_prefix *p)
{
	uint32_t a;

	memcpy(&a, p->addr, 4);
	return ntohl(a);
}

/* A random address inside @p. */
static uint32_t
prefix_pick(const struct cfg_prefix *p, struct rng *r)
{
	uint32_t host = p->len >= 32 ? 0 : (uint32_t)rng_next(r) & ~mask_of(p->len);

	return prefix_addr(p) | host;
}

static uint32_t
space_host(struct rng *r)
{
	return SPACE_BASE + rng_below(r, SPACE_SIZE);
}

static uint32_t
space_net(struct rng *r, unsigned int len)
{
	return space_host(r) & mask_of(len);
}

static const uint16_t svc_ports[] = { 80, 443, 22, 25, 8080, 8443, 993, 3389 };
static const struct cfg_port_range udp_ranges[] = {
	{ 1024, 65535 }, { 0, 52 },        { 54, 122 },    { 124, 1023 },
	{ 1900, 1900 },  { 11211, 11211 }, { 5000, 6000 }, { 27015, 27030 },
};

/* One in twenty: 9 allow, 5 udp, 2 rate, 2 src, 1 flags, 1 length. */
static const uint8_t schedule[20] = {
	MIT_K_ALLOW, MIT_K_ALLOW, MIT_K_UDP,   MIT_K_RATE, MIT_K_ALLOW, MIT_K_SRC,   MIT_K_UDP,
	MIT_K_ALLOW, MIT_K_FLAGS, MIT_K_ALLOW, MIT_K_UDP,  MIT_K_ALLOW, MIT_K_RATE,  MIT_K_ALLOW,
	MIT_K_UDP,   MIT_K_SRC,   MIT_K_ALLOW, MIT_K_LEN,  MIT_K_UDP,   MIT_K_ALLOW,
};

static void
rule_make(struct cfg_rule *r, unsigned int i, uint8_t kind, struct rng *g)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "r%u", i);
	r->line = (int)i + 1;
	r->min_len = 0;
	r->max_len = 65535;
	r->direction = CFG_DIR_INBOUND;
	r->has_dst = true;
	r->has_proto = true;
	switch (kind) {
	case MIT_K_ALLOW:
		r->action = CFG_ACTION_ALLOW;
		r->proto = IPPROTO_TCP;
		prefix4(&r->dst, space_host(g), 32);
		r->n_dst_ports = 1 + (rng_next(g) & 1);
		r->dst_ports[0].lo = r->dst_ports[0].hi = svc_ports[rng_below(g, 8)];
		if (r->n_dst_ports == 2) {
			uint16_t p = svc_ports[rng_below(g, 8)];

			if (p == r->dst_ports[0].lo)
				p = p == 443 ? 80 : 443;
			r->dst_ports[1].lo = r->dst_ports[1].hi = p;
		}
		break;
	case MIT_K_UDP:
		r->action = CFG_ACTION_DROP;
		r->proto = IPPROTO_UDP;
		prefix4(&r->dst, space_host(g), 24 + rng_below(g, 5));
		r->n_dst_ports = 1;
		r->dst_ports[0] = udp_ranges[rng_below(g, 8)];
		break;
	case MIT_K_RATE:
		r->action = CFG_ACTION_RATE_LIMIT;
		prefix4(&r->dst, space_host(g), 32);
		if (rng_next(g) & 1) {
			r->proto = IPPROTO_UDP;
			r->n_dst_ports = 1;
			r->dst_ports[0].lo = r->dst_ports[0].hi = 53;
			r->per_source_pps = 50;
			r->aggregate_pps = 20000;
		} else {
			r->proto = IPPROTO_TCP;
			r->tcp_flags = CFG_TCP_SYN;
			r->tcp_flags_mask = CFG_TCP_SYN | CFG_TCP_ACK;
			r->n_dst_ports = 2;
			r->dst_ports[0].lo = r->dst_ports[0].hi = 80;
			r->dst_ports[1].lo = r->dst_ports[1].hi = 443;
			r->per_source_pps = 20;
		}
		break;
	case MIT_K_SRC:
		r->action = CFG_ACTION_DROP;
		r->has_proto = false;
		r->has_src = true;
		prefix4(&r->src, SRCRULE_BASE + rng_below(g, 24u << 24), 16 + rng_below(g, 9));
		prefix4(&r->dst, space_net(g, 24), 24);
		break;
	case MIT_K_FLAGS:
		r->action = CFG_ACTION_DROP;
		r->proto = IPPROTO_TCP;
		r->tcp_flags = CFG_TCP_SYN | CFG_TCP_FIN;
		r->tcp_flags_mask = CFG_TCP_SYN | CFG_TCP_FIN;
		prefix4(&r->dst, space_net(g, 24), 24);
		break;
	case MIT_K_LEN:
		r->action = CFG_ACTION_DROP;
		r->proto = IPPROTO_UDP;
		r->min_len = 1200;
		prefix4(&r->dst, space_net(g, 24), 24);
		break;
	default: /* MIT_K_COUNT */
		r->action = CFG_ACTION_COUNT;
		r->proto = IPPROTO_TCP;
		prefix4(&r->dst, space_net(g, 24), 24);
		break;
	}
}

struct cfg_rule *
mit_gen_rules(const struct mit_gen_cfg *c, uint8_t **kinds)
{
	struct rng g = { c->seed ^ 0x1111 };
	struct cfg_rule *rules = calloc(c->n_rules ? c->n_rules : 1, sizeof(*rules));
	uint8_t *k = calloc(c->n_rules ? c->n_rules : 1, 1);

	if (rules == NULL || k == NULL) {
		free(rules);
		free(k);
		return NULL;
	}
	for (uint32_t i = 0; i < c->n_rules; i++) {
		k[i] = i < c->n_count ? MIT_K_COUNT : schedule[(i - c->n_count) % 20];
		rule_make(&rules[i], i, k[i], &g);
	}
	if (kinds != NULL)
		*kinds = k;
	else
		free(k);
	return rules;
}

struct cfg_prefix *
mit_gen_deny(const struct mit_gen_cfg *c)
{
	struct rng g = { c->seed ^ 0x2222 };
	struct cfg_prefix *d = calloc(c->n_deny ? c->n_deny : 1, sizeof(*d));
	uint32_t j24 = 0, j32 = 0;

	if (d == NULL)
		return NULL;
	for (uint32_t i = 0; i < c->n_deny; i++) {
		unsigned int slot = i % 200;
		uint32_t a;

		if (slot == 0) {
			prefix4(&d[i], DENY_BASE + rng_below(&g, 64u << 24), 16);
		} else if (slot <= 5) {
			prefix4(&d[i], DENY_BASE + rng_below(&g, 64u << 24), 18 + rng_below(&g, 3));
		} else if (slot <= 19) {
			prefix4(&d[i], DENY_BASE + rng_below(&g, 64u << 24), 21 + rng_below(&g, 3));
		} else if (slot <= 189) {
			/* An odd multiplier permutes the 2^22 /24s of the region: all distinct. */
			a = (j24++ * 0x9E3779B1u) & ((1u << 22) - 1);
			prefix4(&d[i], DENY_BASE + (a << 8), 24);
		} else {
			a = (j32++ * 0x85EBCA6Bu) & ((1u << 30) - 1);
			prefix4(&d[i], DENY_BASE + a, 32);
		}
	}
	return d;
}

uint32_t
mit_gen_block_addr(const struct mit_gen_cfg *c, uint32_t i)
{
	(void)c;
	return BLOCK_BASE + ((i * 0xC2B2AE35u) & ((1u << 29) - 1));
}

/* Source @k of the legitimate region: distinct for every k below 2^30. */
static uint32_t
legit_addr(uint32_t k)
{
	return LEGIT_BASE + ((k * 0x27D4EB2Fu + 0x165667B1u) & ((1u << 30) - 1));
}

static uint16_t
csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 + TCP/UDP/ICMP in MIT_FRAME_LEN bytes; the rest is padding. */
static void
frame_write(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport, uint16_t dport,
            uint8_t flags, uint32_t k)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint16_t l4len = proto == IPPROTO_TCP ? 20 : proto == IPPROTO_UDP ? 8 + 18 : 8 + 18;

	memset(f, 0, MIT_FRAME_STRIDE);
	memcpy(f, macs, 12);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 4, (uint16_t)k);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum16(ip, 20));
	if (proto == IPPROTO_TCP) {
		put16(l4, sport);
		put16(l4 + 2, dport);
		put32(l4 + 4, k * 2654435761u);
		put32(l4 + 8, flags & CFG_TCP_ACK ? k ^ 0x5a5a5a5au : 0);
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, 64240);
	} else if (proto == IPPROTO_UDP) {
		put16(l4, sport);
		put16(l4 + 2, dport);
		put16(l4 + 4, (uint16_t)l4len);
	} else { /* ICMP echo request */
		l4[0] = 8;
		put16(l4 + 4, (uint16_t)(k >> 16));
		put16(l4 + 6, (uint16_t)k);
		put16(l4 + 2, csum16(l4, l4len));
	}
}

/* Indexes of the rules of some kinds, to aim packets at them. */
struct pick {
	uint32_t *idx;
	uint32_t n;
};

static int
pick_init(struct pick *p, const uint8_t *kinds, uint32_t n, unsigned int kind_mask)
{
	p->n = 0;
	p->idx = malloc((n ? n : 1) * sizeof(*p->idx));
	if (p->idx == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (kind_mask >> kinds[i] & 1)
			p->idx[p->n++] = i;
	return 0;
}

static uint16_t
sport_pick(struct rng *g)
{
	return (uint16_t)(1024 + rng_below(g, 64512));
}

static void
frame_legit(uint8_t *f, uint32_t k, const struct cfg_rule *rules, const struct pick *allow,
            struct rng *g)
{
	uint32_t src = legit_addr(k), sub = rng_below(g, 100);
	const struct cfg_rule *r = allow->n ? &rules[allow->idx[rng_below(g, allow->n)]] : NULL;

	if (sub < 65 && r != NULL)
		frame_write(f, src, prefix_addr(&r->dst), IPPROTO_TCP, sport_pick(g),
		            r->dst_ports[rng_below(g, r->n_dst_ports)].lo, CFG_TCP_ACK, k);
	else if (sub < 85 || (sub < 92 && r == NULL))
		frame_write(f, src, space_host(g), IPPROTO_TCP, sport_pick(g), 443,
		            CFG_TCP_ACK | CFG_TCP_PSH, k);
	else if (sub < 92)
		frame_write(f, src, prefix_addr(&r->dst), IPPROTO_TCP, sport_pick(g),
		            r->dst_ports[0].lo, CFG_TCP_SYN, k);
	else
		frame_write(f, src, space_host(g), IPPROTO_ICMP, 0, 0, 0, k);
}

uint8_t *
mit_gen_frames(const struct mit_gen_cfg *c, const struct cfg_rule *rules, const uint8_t *kinds,
               const struct cfg_prefix *deny, uint8_t **cls_out)
{
	struct rng g = { c->seed ^ 0x3333 };
	struct pick allow, drop, rate;
	uint8_t *frames = calloc(c->n_frames ? c->n_frames : 1, MIT_FRAME_STRIDE);
	uint8_t *cls = calloc(c->n_frames ? c->n_frames : 1, 1);

	allow.idx = drop.idx = rate.idx = NULL;
	if (frames == NULL || cls == NULL ||
	    pick_init(&allow, kinds, c->n_rules, 1u << MIT_K_ALLOW) ||
	    pick_init(&drop, kinds, c->n_rules,
	              1u << MIT_K_UDP | 1u << MIT_K_SRC | 1u << MIT_K_FLAGS) ||
	    pick_init(&rate, kinds, c->n_rules, 1u << MIT_K_RATE))
		goto fail;
	for (uint32_t k = 0; k < c->n_frames; k++) {
		uint8_t *f = frames + (size_t)k * MIT_FRAME_STRIDE;
		uint32_t roll = rng_below(&g, 100), acc = 0;
		unsigned int cl = MIT_LEGIT;
		const struct cfg_rule *r;

		for (unsigned int i = 0; i < MIT_CLASS_MAX; i++) {
			acc += c->pct[i];
			if (roll < acc) {
				cl = i;
				break;
			}
		}
		if ((cl == MIT_RULE && drop.n == 0) || (cl == MIT_RATE && rate.n == 0) ||
		    (cl == MIT_BLOCK && c->n_block == 0) || (cl == MIT_DENY && c->n_deny == 0))
			cl = MIT_LEGIT;
		cls[k] = (uint8_t)cl;
		switch (cl) {
		case MIT_LEGIT:
			frame_legit(f, k, rules, &allow, &g);
			break;
		case MIT_RULE:
			r = &rules[drop.idx[rng_below(&g, drop.n)]];
			if (r->has_src)
				frame_write(f, prefix_pick(&r->src, &g), prefix_pick(&r->dst, &g),
				            IPPROTO_TCP, sport_pick(&g), 443, CFG_TCP_ACK, k);
			else if (r->proto == IPPROTO_UDP)
				frame_write(
					f, legit_addr(k), prefix_pick(&r->dst, &g), IPPROTO_UDP,
					sport_pick(&g),
					(uint16_t)(r->dst_ports[0].lo +
				                   rng_below(&g, r->dst_ports[0].hi -
				                                         r->dst_ports[0].lo + 1u)),
					0, k);
			else
				frame_write(f, legit_addr(k), prefix_pick(&r->dst, &g), IPPROTO_TCP,
				            sport_pick(&g), 80, CFG_TCP_SYN | CFG_TCP_FIN, k);
			break;
		case MIT_BLOCK:
			frame_write(f, mit_gen_block_addr(c, rng_below(&g, c->n_block)),
			            space_host(&g), IPPROTO_TCP, sport_pick(&g), 443, CFG_TCP_ACK,
			            k);
			break;
		case MIT_DENY:
			frame_write(f, prefix_pick(&deny[rng_below(&g, c->n_deny)], &g),
			            space_host(&g), IPPROTO_UDP, sport_pick(&g),
			            (uint16_t)rng_below(&g, 65536), 0, k);
			break;
		default: { /* MIT_RATE */
			/* Half from a few hot sources aimed at the first few rate-limited services,
			 * which they flood; half from sources seen once, anywhere. */
			bool hot = rng_next(&g) & 1;
			uint32_t src =
				hot ? legit_addr(c->n_frames + rng_below(&g, MIT_HOT_SOURCES))
				    : legit_addr(k);

			r = &rules[rate.idx[rng_below(&g, hot ? MIN_U(rate.n, 4u) : rate.n)]];
			if (r->proto == IPPROTO_UDP)
				frame_write(f, src, prefix_addr(&r->dst), IPPROTO_UDP,
				            sport_pick(&g), 53, 0, k);
			else
				frame_write(f, src, prefix_addr(&r->dst), IPPROTO_TCP,
				            sport_pick(&g), r->dst_ports[rng_below(&g, 2)].lo,
				            CFG_TCP_SYN, k);
			break;
		}
		}
	}
	free(allow.idx);
	free(drop.idx);
	free(rate.idx);
	*cls_out = cls;
	return frames;
fail:
	free(allow.idx);
	free(drop.idx);
	free(rate.idx);
	free(frames);
	free(cls);
	return NULL;
}

void
mit_frame_tuple(const uint8_t *f, uint32_t *src, uint32_t *dst, uint16_t *sport, uint16_t *dport,
                uint8_t *proto)
{
	const uint8_t *ip = f + 14, *l4 = ip + 20;

	*proto = ip[9];
	*src = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15];
	*dst = (uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 | (uint32_t)ip[18] << 8 | ip[19];
	if (*proto == IPPROTO_TCP || *proto == IPPROTO_UDP) {
		*sport = (uint16_t)(l4[0] << 8 | l4[1]);
		*dport = (uint16_t)(l4[2] << 8 | l4[3]);
	} else {
		*sport = *dport = 0;
	}
}
