/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_scan4, the segment classifier for IPv4 rules, against rte_acl on the same rules: random
 * rule sets (nested dst prefixes, src prefixes, protocols, port lists and ranges, TCP flags,
 * lengths, directions, rules without prefixes) and random packets aimed at them must get the
 * same first matching rule from both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include <netinet/in.h>

#include "dp_priv.h"

static uint64_t rs = 0x5eed;

static uint32_t
rnd(uint32_t n)
{
	rs = rs * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rs >> 33) % n;
}

static void
pfx(struct cfg_prefix *p, uint32_t addr, unsigned int len)
{
	uint32_t m = len ? ~0u << (32 - len) : 0, be = rte_cpu_to_be_32(addr & m);

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->len = (uint8_t)len;
	memcpy(p->addr, &be, 4);
}

/* Addresses from 198.18.0.0 (a span of @space) and 203.0.113.0/24, so that prefixes nest
 * and overlap. The more rules, the wider the span, as in a real protected network. */
static uint32_t space = 1024;

static uint32_t
addr_pick(void)
{
	return rnd(2) || space > 1024 ? 0xC6120000u + rnd(space) : 0xCB007100u + rnd(256);
}

static void
rule_random(struct cfg_rule *r, unsigned int i)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47 };

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "r%u", i);
	r->line = (int)i + 1;
	r->max_len = 65535;
	r->action = rnd(3) == 0 ? CFG_ACTION_ALLOW
	            : rnd(2)    ? CFG_ACTION_DROP
	                        : CFG_ACTION_RATE_LIMIT;
	if (r->action == CFG_ACTION_RATE_LIMIT)
		r->per_source_pps = 100;
	r->direction = (enum cfg_direction)rnd(3);
	if (rnd(space > 1024 ? 500 : 8) != 0) {
		r->has_dst = true;
		pfx(&r->dst, addr_pick(), (space > 1024 ? 25 : 22) + rnd(space > 1024 ? 8 : 11));
	}
	if (rnd(4) == 0) {
		r->has_src = true;
		pfx(&r->src, addr_pick(), 20 + rnd(13));
	}
	if (rnd(5) != 0) {
		r->has_proto = true;
		r->proto = protos[rnd(4)];
	}
	if (r->has_proto && (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP)) {
		r->n_dst_ports = rnd(3);
		for (unsigned int k = 0; k < r->n_dst_ports; k++) {
			r->dst_ports[k].lo = (uint16_t)rnd(100);
			r->dst_ports[k].hi = (uint16_t)(r->dst_ports[k].lo + rnd(3) * rnd(20));
		}
		if (rnd(6) == 0) {
			r->n_src_ports = 1;
			r->src_ports[0].lo = (uint16_t)rnd(100);
			r->src_ports[0].hi = (uint16_t)(r->src_ports[0].lo + rnd(30));
		}
		if (r->proto == IPPROTO_TCP && rnd(3) == 0) {
			r->tcp_flags = CFG_TCP_SYN;
			r->tcp_flags_mask = CFG_TCP_SYN | (rnd(2) ? CFG_TCP_ACK : 0);
		}
	}
	if (rnd(8) == 0) {
		r->min_len = (uint16_t)(40 + rnd(40));
		r->max_len = (uint16_t)(r->min_len + rnd(60));
	}
}

static void
pkt_random(struct dp_pkt *p)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47, 50 };
	uint32_t a;

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->proto = protos[rnd(5)];
	a = rte_cpu_to_be_32(addr_pick());
	memcpy(p->src, &a, 4);
	a = rte_cpu_to_be_32(addr_pick());
	memcpy(p->dst, &a, 4);
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		p->sport = (uint16_t)rnd(140);
		p->dport = (uint16_t)rnd(140);
	}
	if (p->proto == IPPROTO_TCP)
		p->tcp_flags = (uint8_t)rnd(256);
	p->l3_len = (uint16_t)(20 + rnd(140));
}

static void
compare(unsigned int n_rules, unsigned int n_pkts, uint32_t span)
{
	static struct cfg_node node;
	struct cfg_policy cp;
	struct cfg_errors errs;
	struct cfg_rule *rules = calloc(n_rules, sizeof(*rules));
	struct dp_policy *scan, *acl;
	unsigned int matched = 0;

	assert_non_null(rules);
	space = span;
	cfg_node_defaults(&node);
	for (unsigned int i = 0; i < n_rules; i++)
		rule_random(&rules[i], i);
	cfg_policy_defaults(&cp);
	cp.rules = rules;
	cp.n_rules = n_rules;
	cfg_errors_init(&errs, "scan4");
	scan = dp_policy_build(&cp, &node, 1, 1, rte_get_tsc_hz(), &errs);
	dp_policy_no_scan4 = true;
	acl = dp_policy_build(&cp, &node, 1, 2, rte_get_tsc_hz(), &errs);
	dp_policy_no_scan4 = false;
	assert_non_null(scan);
	assert_non_null(acl);
	assert_non_null(scan->scan4);
	assert_null(acl->scan4);
	for (unsigned int k = 0; k < n_pkts; k += 32) {
		struct dp_pkt pkts[32];
		const struct dp_pkt *pp[32];
		uint8_t ingress[32];
		uint32_t a[32], b[32];

		for (unsigned int i = 0; i < 32; i++) {
			pkt_random(&pkts[i]);
			pp[i] = &pkts[i];
			ingress[i] = dp_ingress(0, rnd(2));
		}
		dp_policy_classify(scan, pp, ingress, 32, a);
		dp_policy_classify(acl, pp, ingress, 32, b);
		for (unsigned int i = 0; i < 32; i++) {
			if (a[i] != b[i])
				fail_msg("packet %u: scan4 says rule %u, rte_acl says %u", k + i,
				         a[i], b[i]);
			matched += b[i] != 0;
		}
	}
	/* The packets are aimed at the rules: a good share must match something. */
	assert_true(matched > n_pkts / 10);
	dp_policy_destroy(scan);
	dp_policy_destroy(acl);
	free(rules);
}

static void
test_few_rules(void **state)
{
	(void)state;
	compare(12, 20000, 1024);
}

static void
test_many_rules(void **state)
{
	(void)state;
	compare(3000, 40000, 8192);
}

int
main(void)
{
	char *eal[] = { "test_scan4",  "--no-huge", "--no-pci", "--no-telemetry",
		        "--no-shconf", "-m",        "256",      "--log-level=lib.eal:error",
		        NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_few_rules),
		cmocka_unit_test(test_many_rules),
	};

	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
