/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policy compilation and classification (dataplane/dp_policy.c), checked against a plain
 * linear matcher written here: random rule sets of 10, 100 and 1000 rules, random packets
 * drawn near the rules' prefixes, ports, flags and lengths so that matches and near misses
 * both happen, and dp_policy_classify() compared with the reference on every packet. Then
 * directed cases for what the random sets rarely reach, and the allow/deny prefix tables
 * against a linear longest-prefix reference.
 *
 * The seed is printed at the start; RP_TEST_SEED=<seed> replays a run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "dp_priv.h"
#include "eal_fixture.h"

#define HZ 1000000u
#define N_PAIRS 3

static struct cfg_node node;
static struct cfg_errors errs;
static unsigned long long seed;
static uint64_t rng;

/* splitmix64: small, fast and good enough to draw test cases from. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
below(uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(rnd() % n);
}

static bool
chance(unsigned int pct)
{
	return below(100) < pct;
}

/* Start the random numbers of one test from the run's seed and the test's own number. */
static void
rng_start(unsigned int test)
{
	rng = seed ^ ((uint64_t)test * 0x2545f4914f6cdd1dull);
}

/* A packet as the classifier sees it: parsed fields plus where it was received. */
struct tpkt {
	struct dp_pkt pkt;
	unsigned int pair;
	bool outbound;
};

static void
addr_parse(uint8_t family, const char *text, uint8_t *out)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, text, out), 1);
}

static void
prefix_set(struct cfg_prefix *p, uint8_t family, const char *text, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = len;
	addr_parse(family, text, p->addr);
}

/* Clear the bits of @p past its length, as the parser leaves prefixes. */
static void
prefix_mask(struct cfg_prefix *p)
{
	unsigned int bytes = p->family == 4 ? 4 : 16;

	for (unsigned int i = 0; i < 16; i++) {
		unsigned int keep = i >= bytes              ? 0
		                    : p->len >= (i + 1) * 8 ? 8
		                    : p->len > i * 8        ? p->len - i * 8
		                                            : 0;

		p->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

/* Is @addr of @family inside @p? */
static bool
prefix_has(const struct cfg_prefix *p, uint8_t family, const uint8_t *addr)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (p->family != family)
		return false;
	if (memcmp(p->addr, addr, full) != 0)
		return false;
	return rest == 0 || ((p->addr[full] ^ addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static int
pair_index(const char *name)
{
	for (unsigned int i = 0; i < node.n_link_pairs; i++)
		if (strcmp(node.link_pairs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool
ports_have(const struct cfg_port_range *r, unsigned int n, uint16_t port)
{
	if (n == 0)
		return true;
	for (unsigned int i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

/* The reference: does rule @r match @t, criterion by criterion as the policy format says? */
static bool
ref_match(const struct cfg_rule *r, const struct tpkt *t)
{
	const struct dp_pkt *k = &t->pkt;

	if (r->has_src && !prefix_has(&r->src, k->family, k->src))
		return false;
	if (r->has_dst && !prefix_has(&r->dst, k->family, k->dst))
		return false;
	/* icmp is an IPv4 protocol and icmpv6 an IPv6 one, whatever the packet says. */
	if (r->has_proto && r->proto == IPPROTO_ICMP && k->family != 4)
		return false;
	if (r->has_proto && r->proto == IPPROTO_ICMPV6 && k->family != 6)
		return false;
	if (r->has_proto && r->proto != k->proto)
		return false;
	if (!ports_have(r->src_ports, r->n_src_ports, k->sport))
		return false;
	if (!ports_have(r->dst_ports, r->n_dst_ports, k->dport))
		return false;
	if ((k->tcp_flags & r->tcp_flags_mask) != r->tcp_flags)
		return false;
	if (k->l3_len < r->min_len || k->l3_len > r->max_len)
		return false;
	if (r->link_pair[0] != '\0' && pair_index(r->link_pair) != (int)t->pair)
		return false;
	if (r->direction == CFG_DIR_INBOUND && t->outbound)
		return false;
	if (r->direction == CFG_DIR_OUTBOUND && !t->outbound)
		return false;
	return true;
}

/*
 * What classification must yield for @t: ref[0] the first matching rule that is not a count
 * rule (index + 1, 0 for none), ref[k] the k-th count rule when it matches at all.
 */
static void
ref_classify(const struct cfg_policy *cp, const struct tpkt *t, uint32_t *ref, uint32_t nc)
{
	uint32_t k = 0;

	memset(ref, 0, nc * sizeof(*ref));
	for (uint32_t i = 0; i < cp->n_rules; i++) {
		const struct cfg_rule *r = &cp->rules[i];

		if (r->action == CFG_ACTION_COUNT) {
			k++;
			if (ref_match(r, t))
				ref[k] = i + 1;
		} else if (ref[0] == 0 && ref_match(r, t)) {
			ref[0] = i + 1;
		}
	}
}

static void
rule_init(struct cfg_rule *r, unsigned int i, enum cfg_action action)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "r%u", i);
	r->line = (int)(10 + i);
	r->max_len = 65535;
	r->direction = CFG_DIR_INBOUND;
	r->action = action;
	if (action == CFG_ACTION_RATE_LIMIT)
		r->per_source_pps = 100;
}

static void
policy_init(struct cfg_policy *cp, struct cfg_rule *rules, size_t n)
{
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->file, sizeof(cp->file), "policy.conf");
	cp->mode = CFG_MODE_ENFORCE;
	cp->default_action = CFG_ACTION_ALLOW;
	cp->rules = rules;
	cp->n_rules = n;
}

static struct dp_policy *
build(const struct cfg_policy *cp)
{
	struct dp_policy *p;

	cfg_errors_init(&errs, cp->file);
	p = dp_policy_build(cp, &node, 1, 1, HZ, &errs);
	if (p == NULL)
		cfg_errors_print(&errs, stderr);
	return p;
}

/* Random values, drawn near a few anchors so that rules and packets meet. */
static const char *const anchor4[] = { "198.51.100.0", "203.0.113.0", "198.18.0.0", "198.19.7.0" };
static const char *const anchor6[] = { "2001:db8::", "2001:db8:1::", "2001:db8:ffff:1::",
	                               "2001:db8:0:0:8000::" };
static const uint16_t port_anchor[] = { 0, 1, 53, 80, 123, 443, 1024, 8080, 33000, 65534, 65535 };
static const uint16_t len_anchor[] = {
	0, 20, 40, 41, 60, 64, 100, 512, 576, 1280, 1500, 9000, 65535
};
static const uint8_t protos[] = { IPPROTO_TCP,    IPPROTO_UDP, IPPROTO_ICMP,
	                          IPPROTO_ICMPV6, IPPROTO_GRE, IPPROTO_SCTP };

static void
addr_random(uint8_t family, uint8_t *out)
{
	if (family == 4) {
		uint32_t a;

		addr_parse(4, anchor4[below(4)], out);
		memcpy(&a, out, 4);
		a = ntohl(a) | (chance(10) ? below(1u << 24) : below(1u << 12));
		a = htonl(a);
		memcpy(out, &a, 4);
	} else {
		addr_parse(6, anchor6[below(4)], out);
		for (unsigned int i = 4; i < 16; i++)
			if (chance(30))
				out[i] = (uint8_t)rnd();
	}
}

/*
 * How selective random rules are, in per mille: rules without any prefix and very short
 * prefixes. Big rule sets need selective rules, or the first few rules would take every
 * packet and the others would never be compared.
 */
static unsigned int loose_pm;

static void
prefix_random(struct cfg_prefix *p, uint8_t family)
{
	unsigned int u = below(1000);
	bool tight = loose_pm < 50;

	memset(p, 0, sizeof(*p));
	p->family = family;
	addr_random(family, p->addr);
	if (family == 4)
		p->len = (uint8_t)(u < loose_pm / 4 ? below(8)
		                   : u < 650        ? (tight ? 20 + below(13) : 16 + below(17))
		                                    : (tight ? 12 : 8) + below(tight ? 21 : 25));
	else
		p->len = (uint8_t)(u < loose_pm / 4 ? below(32)
		                   : u < 450        ? (tight ? 40 + below(25) : 32 + below(33))
		                                    : 64 + below(65));
	prefix_mask(p);
}

/* An address inside @p most of the time, just outside it otherwise. */
static void
addr_near(const struct cfg_prefix *p, uint8_t *out)
{
	unsigned int bits = p->family == 4 ? 32 : 128;

	memset(out, 0, 16);
	memcpy(out, p->addr, bits / 8);
	for (unsigned int b = p->len; b < bits; b++)
		if (chance(50))
			out[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
	if (p->len > 0 && chance(25)) {
		/* Flip one prefix bit, the last one half of the time. */
		unsigned int b = chance(50) ? p->len - 1u : below(p->len);

		out[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
	}
}

static void
range_random(struct cfg_port_range *r)
{
	int lo = port_anchor[below(sizeof(port_anchor) / sizeof(port_anchor[0]))] + (int)below(5) -
	         2;
	unsigned int u = below(100);
	int hi;

	lo = lo < 0 ? 0 : lo > 65535 ? 65535 : lo;
	hi = lo + (int)(u < 50 ? 0 : u < 80 ? below(4) : below(5000));
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)(hi > 65535 ? 65535 : hi);
}

static uint16_t
port_near(const struct cfg_port_range *r, unsigned int n)
{
	int v;

	if (n > 0 && chance(60)) {
		const struct cfg_port_range *q = &r[below(n)];

		return (uint16_t)(q->lo + below((uint32_t)q->hi - q->lo + 1));
	}
	if (n > 0 && chance(50)) {
		const struct cfg_port_range *q = &r[below(n)];

		v = chance(50) ? q->lo - 1 : q->hi + 1;
	} else {
		v = port_anchor[below(sizeof(port_anchor) / sizeof(port_anchor[0]))] +
		    (int)below(3) - 1;
	}
	return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
}

static uint16_t
len_random(void)
{
	return len_anchor[below(sizeof(len_anchor) / sizeof(len_anchor[0]))];
}

/* A random valid rule: what the policy parser would accept. */
static void
rule_random(struct cfg_rule *r, unsigned int i, unsigned int *n_count)
{
	static const enum cfg_action actions[] = { CFG_ACTION_ALLOW, CFG_ACTION_DROP,
		                                   CFG_ACTION_RATE_LIMIT };
	unsigned int u = below(1000);
	uint8_t family = u < loose_pm ? 0 : u < 500 + loose_pm / 2 ? 4 : 6;
	enum cfg_action action = actions[below(3)];

	if (chance(8) && *n_count < DP_MAX_COUNT_RULES) {
		action = CFG_ACTION_COUNT;
		(*n_count)++;
	}
	rule_init(r, i, action);
	if (family != 0) {
		r->has_src = chance(70);
		r->has_dst = !r->has_src || chance(40);
		if (r->has_src)
			prefix_random(&r->src, family);
		if (r->has_dst)
			prefix_random(&r->dst, family);
	}
	u = below(100);
	if (u < 25) {
		r->has_proto = false;
	} else if (u < 50) {
		r->has_proto = true;
		r->proto = IPPROTO_TCP;
	} else if (u < 70) {
		r->has_proto = true;
		r->proto = IPPROTO_UDP;
	} else if (u < 80) {
		r->has_proto = family != 6;
		r->proto = IPPROTO_ICMP;
	} else if (u < 90) {
		r->has_proto = family != 4;
		r->proto = IPPROTO_ICMPV6;
	} else {
		r->has_proto = true;
		r->proto = chance(50) ? IPPROTO_GRE : IPPROTO_SCTP;
	}
	/* In big sets a rule without prefixes is kept to TCP or UDP and a few ports. */
	if (family == 0 && loose_pm < 50) {
		r->has_proto = true;
		r->proto = chance(50) ? IPPROTO_TCP : IPPROTO_UDP;
	}
	if (!r->has_proto)
		r->proto = 0;
	if (r->has_proto && (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP)) {
		r->n_src_ports = chance(60) ? 0 : 1 + below(3);
		r->n_dst_ports = chance(40) && (family != 0 || loose_pm >= 50) ? 0 : 1 + below(3);
		for (unsigned int j = 0; j < r->n_src_ports; j++)
			range_random(&r->src_ports[j]);
		for (unsigned int j = 0; j < r->n_dst_ports; j++)
			range_random(&r->dst_ports[j]);
	}
	if (r->has_proto && r->proto == IPPROTO_TCP && chance(30)) {
		static const uint8_t bits[] = { CFG_TCP_SYN, CFG_TCP_ACK, CFG_TCP_RST,
			                        CFG_TCP_FIN };

		for (unsigned int j = 1 + below(3); j > 0; j--)
			r->tcp_flags_mask |= bits[below(4)];
		r->tcp_flags = (uint8_t)(r->tcp_flags_mask & rnd());
	}
	if (chance(25)) {
		uint16_t a = len_random(), b = len_random();

		r->min_len = a < b ? a : b;
		r->max_len = a < b ? b : a;
	}
	if (chance(20))
		snprintf(r->link_pair, sizeof(r->link_pair), "%s",
		         node.link_pairs[below(N_PAIRS)].name);
	u = below(100);
	r->direction = u < 60 ? CFG_DIR_INBOUND : u < 80 ? CFG_DIR_OUTBOUND : CFG_DIR_BOTH;
}

/*
 * A packet aimed at a random rule of @cp: most criteria met, a few just missed. A few are
 * strangers, from addresses far from every rule's prefix (100.64.0.0/10, 3fff::/20).
 */
static void
packet_random(const struct cfg_policy *cp, struct tpkt *t)
{
	bool stranger = chance(3);
	const struct cfg_rule *r = cp->n_rules > 0 && !stranger && chance(90)
	                                   ? &cp->rules[below((uint32_t)cp->n_rules)]
	                                   : NULL;
	struct dp_pkt *k = &t->pkt;
	uint8_t family;

	memset(t, 0, sizeof(*t));
	if (r != NULL && (r->has_src || r->has_dst))
		family = r->has_src ? r->src.family : r->dst.family;
	else if (r != NULL && r->has_proto && r->proto == IPPROTO_ICMP && chance(80))
		family = 4;
	else if (r != NULL && r->has_proto && r->proto == IPPROTO_ICMPV6 && chance(80))
		family = 6;
	else
		family = chance(50) ? 4 : 6;
	if (chance(5))
		family = family == 4 ? 6 : 4;
	k->family = family;
	if (r != NULL && r->has_src && r->src.family == family)
		addr_near(&r->src, k->src);
	else
		addr_random(family, k->src);
	if (r != NULL && r->has_dst && r->dst.family == family)
		addr_near(&r->dst, k->dst);
	else
		addr_random(family, k->dst);
	if (stranger) {
		uint32_t a = htonl(0x64400000u | below(1u << 22));

		addr_parse(family, family == 4 ? "100.64.0.0" : "3fff::", k->src);
		if (family == 4)
			memcpy(k->src, &a, 4);
		else
			for (unsigned int i = 3; i < 16; i++)
				k->src[i] = (uint8_t)rnd();
		addr_random(family, k->dst);
	}
	if (family == 4) {
		memset(k->src + 4, 0, 12);
		memset(k->dst + 4, 0, 12);
	}
	k->proto = r != NULL && r->has_proto && chance(85) ? r->proto : protos[below(6)];
	if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
		k->sport = port_near(r ? r->src_ports : NULL, r ? r->n_src_ports : 0);
		k->dport = port_near(r ? r->dst_ports : NULL, r ? r->n_dst_ports : 0);
		if (k->proto == IPPROTO_TCP) {
			if (r != NULL && r->tcp_flags_mask != 0 && chance(60))
				k->tcp_flags =
					(uint8_t)(r->tcp_flags | (rnd() & ~r->tcp_flags_mask));
			else
				k->tcp_flags = (uint8_t)rnd();
		}
		k->l4_off = 34;
		if (chance(10)) {
			/* A later fragment: no L4 header, so no ports and no flags. */
			k->frag = DP_FRAG_LATER;
			k->sport = k->dport = 0;
			k->tcp_flags = 0;
			k->l4_off = 0;
		}
	} else if (k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6) {
		k->icmp_type = (uint8_t)below(256);
	}
	if (r != NULL && (r->min_len > 0 || r->max_len < 65535) && chance(70)) {
		int v = chance(60) ? r->min_len + (int)below((uint32_t)r->max_len - r->min_len + 1)
		        : chance(50) ? r->min_len - 1
		                     : r->max_len + 1;

		k->l3_len = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
	} else {
		k->l3_len = chance(50) ? (uint16_t)(20 + below(1500)) : len_random();
	}
	if (r != NULL && r->link_pair[0] != '\0' && chance(70))
		t->pair = (unsigned int)pair_index(r->link_pair);
	else
		t->pair = below(N_PAIRS);
	if (r != NULL && r->direction != CFG_DIR_BOTH && chance(70))
		t->outbound = r->direction == CFG_DIR_OUTBOUND;
	else
		t->outbound = chance(50);
	k->ethertype = family == 4 ? 0x0800 : 0x86dd;
	k->l3_off = 14;
}

static void
rule_print(const struct cfg_rule *r, unsigned int i)
{
	char s[64] = "-", d[64] = "-";

	if (r->has_src)
		cfg_prefix_format(&r->src, s, sizeof(s));
	if (r->has_dst)
		cfg_prefix_format(&r->dst, d, sizeof(d));
	fprintf(stderr,
	        "  rule %u: action %d src %s dst %s proto %s%u sports %u [%u-%u] dports %u "
	        "[%u-%u] flags %#x/%#x len %u-%u pair \"%s\" dir %d\n",
	        i, r->action, s, d, r->has_proto ? "" : "any/", r->proto, r->n_src_ports,
	        r->n_src_ports ? r->src_ports[0].lo : 0, r->n_src_ports ? r->src_ports[0].hi : 0,
	        r->n_dst_ports, r->n_dst_ports ? r->dst_ports[0].lo : 0,
	        r->n_dst_ports ? r->dst_ports[0].hi : 0, r->tcp_flags, r->tcp_flags_mask,
	        r->min_len, r->max_len, r->link_pair, r->direction);
}

static void
packet_print(const struct tpkt *t)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = t->pkt.family == 4 ? AF_INET : AF_INET6;

	inet_ntop(af, t->pkt.src, s, sizeof(s));
	inet_ntop(af, t->pkt.dst, d, sizeof(d));
	fprintf(stderr,
	        "  packet: v%u %s -> %s proto %u sport %u dport %u flags %#x len %u frag %u pair "
	        "%u %s\n",
	        t->pkt.family, s, d, t->pkt.proto, t->pkt.sport, t->pkt.dport, t->pkt.tcp_flags,
	        t->pkt.l3_len, t->pkt.frag, t->pair, t->outbound ? "outbound" : "inbound");
}

/*
 * Classify @n packets in bursts of random sizes and compare every category with the
 * reference; count rules are also checked as the pipeline consumes them (those before the
 * terminating match). @return the number of packets that disagree.
 */
static unsigned int
classify_compare(const struct dp_policy *p, const struct cfg_policy *cp, const struct tpkt *t,
                 unsigned int n, unsigned int *matched, unsigned int *counted, bool *first)
{
	static uint32_t res[DP_MAX_BURST * DP_ACL_CATEGORIES];
	const struct dp_pkt *pk[DP_MAX_BURST];
	uint8_t ingress[DP_MAX_BURST];
	uint32_t ref[DP_ACL_CATEGORIES];
	uint32_t nc = p->n_categories;
	unsigned int bad = 0;

	for (unsigned int base = 0; base < n;) {
		unsigned int m = 1 + below(chance(10) ? DP_MAX_BURST : 64);

		if (m > n - base)
			m = n - base;
		for (unsigned int j = 0; j < m; j++) {
			pk[j] = &t[base + j].pkt;
			ingress[j] = dp_ingress(t[base + j].pair, t[base + j].outbound);
		}
		dp_policy_classify(p, pk, ingress, m, res);
		for (unsigned int j = 0; j < m; j++) {
			const uint32_t *got = &res[j * nc];
			bool same;

			ref_classify(cp, &t[base + j], ref, nc);
			same = memcmp(got, ref, nc * sizeof(*ref)) == 0;
			/* The count rules the pipeline would count: before the terminating one. */
			for (uint32_t c = 1; c <= p->n_count; c++) {
				bool g = got[c] != 0 && (got[0] == 0 || got[c] < got[0]);
				bool w = ref[c] != 0 && (ref[0] == 0 || ref[c] < ref[0]);

				same = same && g == w;
				*counted += w;
			}
			*matched += ref[0] != 0;
			if (ref[0] != 0)
				first[ref[0] - 1] = true;
			if (!same) {
				if (bad < 5) {
					fprintf(stderr, "seed %#llx: packet %u of %u disagrees:\n",
					        seed, base + j, n);
					packet_print(&t[base + j]);
					for (uint32_t c = 0; c < nc; c++) {
						if (got[c] == ref[c])
							continue;
						fprintf(stderr,
						        "  category %u: classify %u, reference "
						        "%u\n",
						        c, got[c], ref[c]);
						if (got[c] != 0)
							rule_print(&cp->rules[got[c] - 1],
							           got[c] - 1);
						if (ref[c] != 0)
							rule_print(&cp->rules[ref[c] - 1],
							           ref[c] - 1);
					}
				}
				bad++;
			}
		}
		base += m;
	}
	return bad;
}

/* @sets random policies of @n_rules rules, each against @n_pkts random packets. */
static void
random_sets(unsigned int test, unsigned int sets, unsigned int n_rules, unsigned int n_pkts,
            unsigned int loose)
{
	struct cfg_rule *rules = calloc(n_rules, sizeof(*rules));
	struct tpkt *t = calloc(n_pkts, sizeof(*t));
	bool *first = calloc(n_rules, sizeof(*first));
	unsigned int matched = 0, counted = 0, bad = 0, total = 0, distinct = 0;
	struct timespec t0, t1;

	assert_non_null(rules);
	assert_non_null(t);
	assert_non_null(first);
	rng_start(test);
	loose_pm = loose;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int s = 0; s < sets; s++) {
		struct cfg_policy cp;
		struct dp_policy *p;
		unsigned int n_count = 0;

		for (unsigned int i = 0; i < n_rules; i++)
			rule_random(&rules[i], i, &n_count);
		policy_init(&cp, rules, n_rules);
		p = build(&cp);
		if (p == NULL)
			fprintf(stderr, "seed %#llx: set %u of %u rules did not build\n", seed, s,
			        n_rules);
		assert_non_null(p);
		assert_int_equal(p->n_count, n_count);
		for (unsigned int i = 0; i < n_pkts; i++)
			packet_random(&cp, &t[i]);
		memset(first, 0, n_rules * sizeof(*first));
		bad += classify_compare(p, &cp, t, n_pkts, &matched, &counted, first);
		total += n_pkts;
		for (unsigned int i = 0; i < n_rules; i++)
			distinct += first[i];
		dp_policy_destroy(p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr,
	        "# %u sets of %u rules, %u packets: %u matched a terminating rule (%u distinct "
	        "first matches), %u count hits before it, %u disagreements (seed %#llx, %.0f ms)\n",
	        sets, n_rules, total, matched, distinct, counted, bad, seed,
	        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* A generator that always or never matched, or always matched the same few rules,
	 * would make the comparison worthless. */
	assert_true(matched > total / 10);
	assert_true(matched < total - total / 100);
	assert_true(distinct > sets * n_rules / 5);
	assert_true(n_rules < 50 || counted > 0);
	assert_int_equal(bad, 0);
	free(rules);
	free(t);
	free(first);
}

static void
test_dp_policy_classify_random_10_rules(void **state)
{
	(void)state;
	random_sets(1, 50, 10, 2000, 200);
}

static void
test_dp_policy_classify_random_100_rules(void **state)
{
	(void)state;
	random_sets(2, 10, 100, 4000, 40);
}

static void
test_dp_policy_classify_random_1000_rules(void **state)
{
	(void)state;
	random_sets(3, 2, 1000, 8000, 5);
}

/* A packet of @family from @src to @dst with the given L4 fields, inbound on pair 0. */
static void
tpkt_make(struct tpkt *t, uint8_t family, const char *src, const char *dst, uint8_t proto,
          uint16_t sport, uint16_t dport, uint8_t flags, uint16_t len)
{
	memset(t, 0, sizeof(*t));
	t->pkt.family = family;
	addr_parse(family, src, t->pkt.src);
	addr_parse(family, dst, t->pkt.dst);
	t->pkt.proto = proto;
	t->pkt.sport = sport;
	t->pkt.dport = dport;
	t->pkt.tcp_flags = flags;
	t->pkt.l3_len = len;
	t->pkt.ethertype = family == 4 ? 0x0800 : 0x86dd;
}

/* Category 0 of one packet. */
static uint32_t
classify1(const struct dp_policy *p, const struct tpkt *t)
{
	uint32_t res[DP_ACL_CATEGORIES];
	const struct dp_pkt *pk = &t->pkt;
	uint8_t ingress = dp_ingress(t->pair, t->outbound);

	dp_policy_classify(p, &pk, &ingress, 1, res);
	return res[0];
}

static void
test_dp_policy_classify_family_of_prefix(void **state)
{
	struct cfg_rule rules[3];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t;

	(void)state;
	/* The IPv6 source below starts with the same four bytes as 198.51.100.0/24. */
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	rules[0].has_src = true;
	prefix_set(&rules[0].src, 4, "198.51.100.0", 24);
	/* And this IPv4 address has the bytes 20 01 0d b8 of 2001:db8::/32. */
	rule_init(&rules[1], 1, CFG_ACTION_RATE_LIMIT);
	rules[1].has_dst = true;
	prefix_set(&rules[1].dst, 6, "2001:db8::", 32);
	rule_init(&rules[2], 2, CFG_ACTION_ALLOW);
	rules[2].has_proto = true;
	rules[2].proto = IPPROTO_UDP;
	policy_init(&cp, rules, 3);
	p = build(&cp);
	assert_non_null(p);
	/* IPv4 rules go to rte_acl or, when they suit it, to dp_scan4. */
	assert_true(p->acl4 != NULL || p->scan4 != NULL);
	assert_non_null(p->acl6);
	assert_int_equal(p->info.n_acl_rules, 4); /* the last rule is in both families */

	tpkt_make(&t, 4, "198.51.100.9", "203.0.113.1", IPPROTO_TCP, 1000, 80, CFG_TCP_SYN, 60);
	assert_int_equal(classify1(p, &t), 1);
	tpkt_make(&t, 6, "c633:6409::1", "2001:db9::1", IPPROTO_TCP, 1000, 80, CFG_TCP_SYN, 60);
	assert_int_equal(classify1(p, &t), 0);
	tpkt_make(&t, 6, "2001:db8::5", "2001:db8::1", IPPROTO_TCP, 1000, 80, CFG_TCP_SYN, 60);
	assert_int_equal(classify1(p, &t), 2);
	tpkt_make(&t, 4, "198.18.0.1", "32.1.13.184", IPPROTO_TCP, 1000, 80, CFG_TCP_SYN, 60);
	assert_int_equal(classify1(p, &t), 0);
	tpkt_make(&t, 4, "198.18.0.1", "32.1.13.184", IPPROTO_UDP, 1000, 53, 0, 60);
	assert_int_equal(classify1(p, &t), 3);
	tpkt_make(&t, 6, "2001:db9::1", "2001:db9::2", IPPROTO_UDP, 1000, 53, 0, 60);
	assert_int_equal(classify1(p, &t), 3);
	dp_policy_destroy(p);
}

static void
test_dp_policy_classify_icmp_family(void **state)
{
	struct cfg_rule rules[2];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t;

	(void)state;
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	rules[0].has_proto = true;
	rules[0].proto = IPPROTO_ICMP;
	rule_init(&rules[1], 1, CFG_ACTION_RATE_LIMIT);
	rules[1].has_proto = true;
	rules[1].proto = IPPROTO_ICMPV6;
	policy_init(&cp, rules, 2);
	p = build(&cp);
	assert_non_null(p);
	assert_int_equal(p->info.n_acl_rules, 2);

	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_ICMP, 0, 0, 0, 84);
	assert_int_equal(classify1(p, &t), 1);
	/* Protocol numbers of the other family's ICMP match nothing. */
	tpkt_make(&t, 6, "2001:db8::1", "2001:db8::2", IPPROTO_ICMP, 0, 0, 0, 104);
	assert_int_equal(classify1(p, &t), 0);
	tpkt_make(&t, 6, "2001:db8::1", "2001:db8::2", IPPROTO_ICMPV6, 0, 0, 0, 104);
	assert_int_equal(classify1(p, &t), 2);
	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_ICMPV6, 0, 0, 0, 84);
	assert_int_equal(classify1(p, &t), 0);
	dp_policy_destroy(p);
}

static void
test_dp_policy_classify_port_lists(void **state)
{
	static const uint16_t hit_s[] = { 10, 15, 20, 30, 40, 45 };
	static const uint16_t miss_s[] = { 0, 9, 21, 29, 31, 39, 46, 65535 };
	static const uint16_t hit_d[] = { 80, 443, 444 };
	static const uint16_t miss_d[] = { 79, 81, 442, 445 };
	struct cfg_rule rules[2];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t;

	(void)state;
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	rules[0].has_proto = true;
	rules[0].proto = IPPROTO_TCP;
	rules[0].has_dst = true;
	prefix_set(&rules[0].dst, 4, "203.0.113.0", 24);
	rules[0].n_src_ports = 3;
	rules[0].src_ports[0] = (struct cfg_port_range){ 10, 20 };
	rules[0].src_ports[1] = (struct cfg_port_range){ 30, 30 };
	rules[0].src_ports[2] = (struct cfg_port_range){ 40, 45 };
	rules[0].n_dst_ports = 2;
	rules[0].dst_ports[0] = (struct cfg_port_range){ 80, 80 };
	rules[0].dst_ports[1] = (struct cfg_port_range){ 443, 444 };
	/* The same ports in a rule of both families: 3 x 2 ACL rules in each. */
	rules[1] = rules[0];
	rules[1].has_dst = false;
	rules[1].action = CFG_ACTION_ALLOW;
	snprintf(rules[1].name, sizeof(rules[1].name), "both");
	policy_init(&cp, rules, 2);
	p = build(&cp);
	assert_non_null(p);
	assert_int_equal(p->info.n_acl_rules, 6 + 12);

	for (unsigned int i = 0; i < sizeof(hit_s) / sizeof(hit_s[0]); i++) {
		for (unsigned int j = 0; j < sizeof(hit_d) / sizeof(hit_d[0]); j++) {
			tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, hit_s[i],
			          hit_d[j], CFG_TCP_ACK, 52);
			assert_int_equal(classify1(p, &t), 1);
			tpkt_make(&t, 6, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, hit_s[i],
			          hit_d[j], CFG_TCP_ACK, 72);
			assert_int_equal(classify1(p, &t), 2);
			tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, hit_s[i],
			          hit_d[j], 0, 52);
			assert_int_equal(classify1(p, &t), 0);
		}
		for (unsigned int j = 0; j < sizeof(miss_d) / sizeof(miss_d[0]); j++) {
			tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, hit_s[i],
			          miss_d[j], CFG_TCP_ACK, 52);
			assert_int_equal(classify1(p, &t), 0);
		}
	}
	for (unsigned int i = 0; i < sizeof(miss_s) / sizeof(miss_s[0]); i++) {
		for (unsigned int j = 0; j < sizeof(hit_d) / sizeof(hit_d[0]); j++) {
			tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, miss_s[i],
			          hit_d[j], CFG_TCP_ACK, 52);
			assert_int_equal(classify1(p, &t), 0);
		}
	}
	dp_policy_destroy(p);
}

static void
test_dp_policy_classify_later_fragments(void **state)
{
	struct cfg_rule rules[3];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t;

	(void)state;
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	rules[0].has_proto = true;
	rules[0].proto = IPPROTO_UDP;
	rules[0].n_dst_ports = 1;
	rules[0].dst_ports[0] = (struct cfg_port_range){ 53, 53 };
	rule_init(&rules[1], 1, CFG_ACTION_RATE_LIMIT);
	rules[1].has_proto = true;
	rules[1].proto = IPPROTO_TCP;
	rules[1].tcp_flags = CFG_TCP_SYN;
	rules[1].tcp_flags_mask = CFG_TCP_SYN | CFG_TCP_ACK;
	rule_init(&rules[2], 2, CFG_ACTION_ALLOW);
	rules[2].has_proto = true;
	rules[2].proto = IPPROTO_UDP;
	policy_init(&cp, rules, 3);
	p = build(&cp);
	assert_non_null(p);

	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, 4000, 53, 0, 1500);
	t.pkt.frag = DP_FRAG_FIRST;
	assert_int_equal(classify1(p, &t), 1);
	/* A later fragment has no ports: the port rule misses, the portless one matches. */
	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, 0, 0, 0, 1500);
	t.pkt.frag = DP_FRAG_LATER;
	assert_int_equal(classify1(p, &t), 3);
	tpkt_make(&t, 6, "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 0, 0, 0, 1280);
	t.pkt.frag = DP_FRAG_LATER;
	assert_int_equal(classify1(p, &t), 3);
	/* Nor flags: a later TCP fragment is not a SYN. */
	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, 0, 0, 0, 1500);
	t.pkt.frag = DP_FRAG_LATER;
	assert_int_equal(classify1(p, &t), 0);
	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, 999, 80, CFG_TCP_SYN, 60);
	assert_int_equal(classify1(p, &t), 2);
	tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_TCP, 999, 80,
	          CFG_TCP_SYN | CFG_TCP_ACK, 60);
	assert_int_equal(classify1(p, &t), 0);
	dp_policy_destroy(p);
}

/* Does the printed form of errs hold @what? */
static bool
errors_contain(const char *what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	bool found;

	assert_non_null(fp);
	cfg_errors_print(&errs, fp);
	fclose(fp);
	found = strstr(text, what) != NULL;
	if (!found)
		fprintf(stderr, "expected \"%s\" in:\n%s", what, text);
	free(text);
	return found;
}

static void
test_dp_policy_build_count_rules_limit(void **state)
{
	struct cfg_rule rules[20];
	struct cfg_policy cp;
	struct dp_policy *p;
	char line[64];

	(void)state;
	for (unsigned int i = 0; i < 20; i++)
		rule_init(&rules[i], i, CFG_ACTION_COUNT);
	/* 15 count rules among others build, with one category each after category 0. */
	rules[3].action = CFG_ACTION_DROP;
	rules[7].action = CFG_ACTION_ALLOW;
	rules[11].action = CFG_ACTION_RATE_LIMIT;
	rules[11].per_source_pps = 10;
	rules[15].action = CFG_ACTION_DROP;
	rules[19].action = CFG_ACTION_DROP;
	policy_init(&cp, rules, 20);
	p = build(&cp);
	assert_non_null(p);
	assert_int_equal(p->n_count, 15);
	assert_int_equal(p->n_categories, 16);
	dp_policy_destroy(p);

	/* A sixteenth is refused on its own line, and nothing is built. */
	rules[19].action = CFG_ACTION_COUNT;
	cfg_errors_init(&errs, "policy.conf");
	errno = 0;
	p = dp_policy_build(&cp, &node, 1, 2, HZ, &errs);
	assert_null(p);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.err[0].line, rules[19].line);
	snprintf(line, sizeof(line), "policy.conf:%d:", rules[19].line);
	assert_true(errors_contain(line));
	assert_true(errors_contain("r19"));
	assert_true(errors_contain("count"));

	/* Every one past the fifteenth is named. */
	rules[3].action = CFG_ACTION_COUNT;
	cfg_errors_init(&errs, "policy.conf");
	p = dp_policy_build(&cp, &node, 1, 2, HZ, &errs);
	assert_null(p);
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.err[0].line, rules[18].line);
	assert_int_equal(errs.err[1].line, rules[19].line);
}

static void
test_dp_policy_build_unknown_link_pair(void **state)
{
	struct cfg_rule rules[3];
	struct cfg_policy cp;
	struct dp_policy *p;

	(void)state;
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	snprintf(rules[0].link_pair, sizeof(rules[0].link_pair), "%s", node.link_pairs[1].name);
	rule_init(&rules[1], 1, CFG_ACTION_DROP);
	snprintf(rules[1].name, sizeof(rules[1].name), "web");
	rules[1].line = 57;
	snprintf(rules[1].link_pair, sizeof(rules[1].link_pair), "nope");
	rule_init(&rules[2], 2, CFG_ACTION_ALLOW);
	policy_init(&cp, rules, 3);
	cfg_errors_init(&errs, "policy.conf");
	errno = 0;
	p = dp_policy_build(&cp, &node, 1, 1, HZ, &errs);
	assert_null(p);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.err[0].line, 57);
	assert_true(errors_contain("policy.conf:57: "));
	assert_true(errors_contain("web"));
	assert_true(errors_contain("\"nope\""));

	/* Known names resolve to their index in the ingress byte. */
	snprintf(rules[1].link_pair, sizeof(rules[1].link_pair), "%s", node.link_pairs[2].name);
	p = build(&cp);
	assert_non_null(p);
	for (unsigned int pair = 0; pair < N_PAIRS; pair++) {
		struct tpkt t;

		tpkt_make(&t, 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, 1, 2, 0, 100);
		t.pair = pair;
		assert_int_equal(classify1(p, &t), pair == 1 ? 1 : pair == 2 ? 2 : 3);
		t.outbound = true;
		assert_int_equal(classify1(p, &t), 0);
	}
	dp_policy_destroy(p);
}

static void
test_dp_policy_classify_empty_policy(void **state)
{
	uint32_t res[4 * DP_ACL_CATEGORIES];
	const struct dp_pkt *pk[4];
	uint8_t ingress[4];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t[4];

	(void)state;
	policy_init(&cp, NULL, 0);
	p = build(&cp);
	assert_non_null(p);
	assert_int_equal(p->n_rules, 0);
	assert_int_equal(p->n_categories, 1);
	assert_null(p->acl4);
	assert_null(p->acl6);
	assert_null(p->allow4);
	assert_null(p->deny6);
	tpkt_make(&t[0], 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, 1, 2, 0, 100);
	tpkt_make(&t[1], 6, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 1, 2, CFG_TCP_SYN, 100);
	tpkt_make(&t[2], 4, "198.51.100.2", "203.0.113.1", IPPROTO_ICMP, 0, 0, 0, 100);
	tpkt_make(&t[3], 6, "2001:db8::3", "2001:db8::2", IPPROTO_ICMPV6, 0, 0, 0, 100);
	for (unsigned int i = 0; i < 4; i++) {
		pk[i] = &t[i].pkt;
		ingress[i] = dp_ingress(i % N_PAIRS, i & 1);
	}
	memset(res, 0xa5, sizeof(res));
	dp_policy_classify(p, pk, ingress, 4, res);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(res[i], 0);
	dp_policy_destroy(p);
	dp_policy_destroy(NULL);
}

/* A policy of rules for one family only leaves the other family unmatched. */
static void
test_dp_policy_classify_one_family_only(void **state)
{
	uint32_t res[2 * DP_ACL_CATEGORIES];
	const struct dp_pkt *pk[2];
	uint8_t ingress[2] = { 0, 0 };
	struct cfg_rule rules[1];
	struct cfg_policy cp;
	struct dp_policy *p;
	struct tpkt t[2];

	(void)state;
	rule_init(&rules[0], 0, CFG_ACTION_DROP);
	rules[0].has_src = true;
	prefix_set(&rules[0].src, 6, "::", 0);
	policy_init(&cp, rules, 1);
	p = build(&cp);
	assert_non_null(p);
	assert_null(p->acl4);
	assert_non_null(p->acl6);
	tpkt_make(&t[0], 4, "198.51.100.1", "203.0.113.1", IPPROTO_UDP, 1, 2, 0, 100);
	tpkt_make(&t[1], 6, "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 1, 2, 0, 100);
	pk[0] = &t[0].pkt;
	pk[1] = &t[1].pkt;
	memset(res, 0xa5, sizeof(res));
	dp_policy_classify(p, pk, ingress, 2, res);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 1);
	dp_policy_destroy(p);
}

/* The linear reference of a prefix table: does any prefix of the list hold @addr? */
static bool
ref_lookup(const struct cfg_prefix *list, size_t n, uint8_t family, const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_has(&list[i], family, addr))
			return true;
	return false;
}

static bool
lpm_lookup(const struct dp_pfx4 *l4, const struct rte_lpm6 *l6, uint8_t family, const uint8_t *addr)
{
	uint32_t nh = 0;

	if (family == 4) {
		uint32_t a;

		if (l4 == NULL)
			return false;
		memcpy(&a, addr, 4);
		return dp_pfx4_lookup(l4, ntohl(a));
	} else {
		if (l6 == NULL)
			return false;
		if (rte_lpm6_lookup(l6, addr, &nh) != 0)
			return false;
	}
	assert_int_equal(nh, 1);
	return true;
}

/* A random prefix list: duplicates, prefixes inside others, long and short ones. */
static size_t
prefixes_random(struct cfg_prefix *list, size_t max)
{
	size_t n = 0;

	while (n < max) {
		struct cfg_prefix *q = &list[n];
		unsigned int u = below(100);

		if (n > 0 && u < 10) {
			*q = list[below((uint32_t)n)]; /* a duplicate */
		} else if (n > 0 && u < 30) {
			/* Inside or around an earlier one. */
			*q = list[below((uint32_t)n)];
			if (chance(50) && q->len < (q->family == 4 ? 32 : 128)) {
				uint8_t a[16];

				addr_near(q, a);
				memcpy(q->addr, a, 16);
				q->len = (uint8_t)(q->len + 1 +
				                   below((q->family == 4 ? 32u : 128u) - q->len));
			} else if (q->len > 1) {
				/* A little shorter: a /3 would hold most of what is looked up. */
				q->len = (uint8_t)(q->len - 1 -
				                   below(q->len - 1u < 8 ? q->len - 1u : 8));
			}
			prefix_mask(q);
		} else {
			prefix_random(q, chance(50) ? 4 : 6);
			if (q->len == 0)
				q->len = 1;
			prefix_mask(q);
		}
		n++;
	}
	return n;
}

static void
test_dp_policy_prefix_tables_random(void **state)
{
	enum { N_PREFIXES = 600, N_LOOKUPS = 40000 };
	static struct cfg_prefix allow[N_PREFIXES], deny[N_PREFIXES];
	unsigned int hits_allow = 0, hits_deny = 0, bad = 0;
	struct cfg_policy cp;
	struct dp_policy *p;

	(void)state;
	rng_start(10);
	loose_pm = 0;
	for (unsigned int round = 0; round < 4; round++) {
		size_t na = prefixes_random(allow, N_PREFIXES / (round + 1));
		size_t nd = prefixes_random(deny, N_PREFIXES - round * 100);

		policy_init(&cp, NULL, 0);
		cp.allow = allow;
		cp.n_allow = na;
		cp.deny = deny;
		cp.n_deny = nd;
		p = build(&cp);
		assert_non_null(p);
		assert_int_equal(p->info.n_allow, na);
		assert_int_equal(p->info.n_deny, nd);
		for (unsigned int i = 0; i < N_LOOKUPS; i++) {
			const struct cfg_prefix *near = chance(50) ? &allow[below((uint32_t)na)]
			                                           : &deny[below((uint32_t)nd)];
			uint8_t family = chance(95) ? near->family : (near->family == 4 ? 6 : 4);
			uint8_t a[16];
			bool ra, rd, la, ld;

			if (family == near->family)
				addr_near(near, a);
			else
				addr_random(family, a);
			ra = ref_lookup(allow, na, family, a);
			rd = ref_lookup(deny, nd, family, a);
			la = lpm_lookup(p->allow4, p->allow6, family, a);
			ld = lpm_lookup(p->deny4, p->deny6, family, a);
			hits_allow += ra;
			hits_deny += rd;
			if (ra != la || rd != ld) {
				char s[INET6_ADDRSTRLEN];

				inet_ntop(family == 4 ? AF_INET : AF_INET6, a, s, sizeof(s));
				if (bad++ < 5)
					fprintf(stderr,
					        "seed %#llx: %s: allow %d (reference %d), deny %d "
					        "(reference %d)\n",
					        seed, s, la, ra, ld, rd);
			}
		}
		dp_policy_destroy(p);
	}
	fprintf(stderr, "# prefix tables: %u lookups, %u in allow, %u in deny, %u wrong\n",
	        4 * N_LOOKUPS, hits_allow, hits_deny, bad);
	assert_true(hits_allow > N_LOOKUPS / 4 && hits_allow < 4 * N_LOOKUPS - N_LOOKUPS / 4);
	assert_true(hits_deny > N_LOOKUPS / 4 && hits_deny < 4 * N_LOOKUPS - N_LOOKUPS / 4);
	assert_int_equal(bad, 0);
}

/* Many long prefixes in distinct /24s: the IPv4 table needs one tbl8 group for each. */
static void
test_dp_policy_prefix_tables_long_prefixes(void **state)
{
	enum { N = 3000 };
	static struct cfg_prefix deny[N];
	struct cfg_policy cp;
	struct dp_policy *p;

	(void)state;
	for (unsigned int i = 0; i < N; i++) {
		uint32_t a = htonl(0xc6120000u + (i / 2) * 256 + (i % 2) * 128); /* 198.18/15 */

		memset(&deny[i], 0, sizeof(deny[i]));
		deny[i].family = i % 3 == 2 ? 6 : 4;
		if (deny[i].family == 4) {
			memcpy(deny[i].addr, &a, 4);
			deny[i].len = (uint8_t)(25 + i % 8);
		} else {
			addr_parse(6, "2001:db8::", deny[i].addr);
			deny[i].addr[4] = (uint8_t)(i >> 8);
			deny[i].addr[5] = (uint8_t)i;
			deny[i].addr[15] = (uint8_t)i;
			deny[i].len = 128;
		}
		prefix_mask(&deny[i]);
	}
	policy_init(&cp, NULL, 0);
	cp.deny = deny;
	cp.n_deny = N;
	p = build(&cp);
	assert_non_null(p);
	for (unsigned int i = 0; i < N; i++)
		assert_true(lpm_lookup(p->deny4, p->deny6, deny[i].family, deny[i].addr));
	dp_policy_destroy(p);
}

/* "0.0.0.0/0" and "::/0" are prefixes the parser accepts: they must hold every address. */
static void
test_dp_policy_prefix_tables_default_route(void **state)
{
	struct cfg_prefix allow[3], deny[2];
	struct cfg_policy cp;
	struct dp_policy *p;
	uint8_t a[16];

	(void)state;
	prefix_set(&allow[0], 4, "0.0.0.0", 0);
	prefix_set(&allow[1], 4, "198.51.100.0", 24);
	prefix_set(&allow[2], 6, "::", 0);
	prefix_set(&deny[0], 6, "::", 0);
	prefix_set(&deny[1], 4, "203.0.113.0", 24);
	policy_init(&cp, NULL, 0);
	cp.allow = allow;
	cp.n_allow = 3;
	cp.deny = deny;
	cp.n_deny = 2;
	p = build(&cp);
	assert_non_null(p);
	addr_parse(4, "198.51.100.1", a);
	assert_true(lpm_lookup(p->allow4, p->allow6, 4, a));
	addr_parse(4, "255.255.255.255", a);
	assert_true(lpm_lookup(p->allow4, p->allow6, 4, a));
	assert_false(lpm_lookup(p->deny4, p->deny6, 4, a));
	addr_parse(4, "0.0.0.0", a);
	assert_true(lpm_lookup(p->allow4, p->allow6, 4, a));
	addr_parse(6, "2001:db8::1", a);
	assert_true(lpm_lookup(p->allow4, p->allow6, 6, a));
	assert_true(lpm_lookup(p->deny4, p->deny6, 6, a));
	addr_parse(6, "ffff::1", a);
	assert_true(lpm_lookup(p->deny4, p->deny6, 6, a));
	addr_parse(4, "203.0.113.77", a);
	assert_true(lpm_lookup(p->deny4, p->deny6, 4, a));
	dp_policy_destroy(p);
}

static int
setup(void **state)
{
	(void)state;
	seed = eal_fixture_seed();
	eal_fixture_node(&node, N_PAIRS);
	return eal_fixture_start("policy", 512);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_policy_classify_family_of_prefix),
		cmocka_unit_test(test_dp_policy_classify_icmp_family),
		cmocka_unit_test(test_dp_policy_classify_port_lists),
		cmocka_unit_test(test_dp_policy_classify_later_fragments),
		cmocka_unit_test(test_dp_policy_build_count_rules_limit),
		cmocka_unit_test(test_dp_policy_build_unknown_link_pair),
		cmocka_unit_test(test_dp_policy_classify_empty_policy),
		cmocka_unit_test(test_dp_policy_classify_one_family_only),
		cmocka_unit_test(test_dp_policy_classify_random_10_rules),
		cmocka_unit_test(test_dp_policy_classify_random_100_rules),
		cmocka_unit_test(test_dp_policy_classify_random_1000_rules),
		cmocka_unit_test(test_dp_policy_prefix_tables_random),
		cmocka_unit_test(test_dp_policy_prefix_tables_long_prefixes),
		cmocka_unit_test(test_dp_policy_prefix_tables_default_route),
	};

	return cmocka_run_group_tests_name("dataplane_policy", tests, setup, eal_fixture_teardown);
}
