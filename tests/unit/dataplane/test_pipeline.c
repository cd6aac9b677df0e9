/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mitigation pipeline (dataplane/dp_pipeline.c) on one worker built by hand: a rate table,
 * an offender ring, a blocklist and policies compiled with a clock of HZ ticks per second, so
 * that every time below is exact. Each case checks one part of the evaluation order the
 * pipeline documents, with the reasons it returns and the counters it keeps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include <cmocka.h>

#include "dp_priv.h"
#include "eal_fixture.h"

#define HZ 1000000ull
#define MS(x) ((uint64_t)(x) * (HZ / 1000))
#define RATE_SOURCES 4096

/* One worker and what it needs, made afresh for every case. */
struct fixture {
	struct dp_worker *wk;
	struct dp_blocklist *bl;
	struct dp_policy *p;
	struct dp_pipeline pl;
};

static struct fixture fx;
static struct cfg_node node;
static struct cfg_errors errs;
static struct cfg_policy cp;
static struct cfg_rule rules[32];
static struct cfg_prefix allow[8], deny[8];
static unsigned int seq;
static unsigned long long seed;

static void
fixture_make(struct fixture *f, unsigned int index, unsigned int ring_size, uint64_t bl_hz)
{
	char name[RTE_RING_NAMESIZE];
	size_t sz = dp_rate_table_mem_size(RATE_SOURCES);
	void *mem;

	memset(f, 0, sizeof(*f));
	f->wk = rte_zmalloc("ut_worker", sizeof(*f->wk), RTE_CACHE_LINE_SIZE);
	assert_non_null(f->wk);
	f->wk->index = index;
	mem = rte_zmalloc("ut_rate", sz, RTE_CACHE_LINE_SIZE);
	assert_non_null(mem);
	dp_rate_table_init(&f->wk->rate, mem, RATE_SOURCES);
	if (ring_size > 0) {
		snprintf(name, sizeof(name), "ut_off_%u", seq++);
		f->wk->offenders = rte_ring_create_elem(
			name, sizeof(struct dp_offender), ring_size, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		assert_non_null(f->wk->offenders);
	}
	snprintf(name, sizeof(name), "ut_bl_%u", seq++);
	f->bl = dp_blocklist_create(name, 1024, SOCKET_ID_ANY, bl_hz);
	assert_non_null(f->bl);
	f->wk->blocklist = f->bl;
	f->pl.blocklist = f->bl;
	f->pl.wk = f->wk;
}

static void
fixture_free(struct fixture *f)
{
	if (f->wk != NULL) {
		rte_free(f->wk->rate.entries);
		rte_ring_free(f->wk->offenders);
		rte_free(f->wk);
	}
	dp_blocklist_destroy(f->bl);
	dp_policy_destroy(f->p);
	memset(f, 0, sizeof(*f));
}

/* An empty policy with the parser's protection settings, every protection off. */
static void
policy_reset(void)
{
	struct cfg_protection *pr = &cp.protection;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.file, sizeof(cp.file), "policy.conf");
	cp.mode = CFG_MODE_ENFORCE;
	cp.default_action = CFG_ACTION_ALLOW;
	cp.rules = rules;
	cp.allow = allow;
	cp.deny = deny;
	pr->syn_flood.per_source_pps = 100;
	pr->syn_flood.per_destination_pps = 20000;
	pr->udp_amplification.n_src_ports = 2;
	pr->udp_amplification.src_ports[0] = 53;
	pr->udp_amplification.src_ports[1] = 123;
	pr->udp_amplification.min_len = 512;
	pr->icmp_flood.per_source_pps = 50;
	pr->auto_block.exceed_seconds = 3;
	pr->auto_block.block_seconds = 300;
}

static struct cfg_rule *
rule_add(enum cfg_action action)
{
	struct cfg_rule *r = &rules[cp.n_rules];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "r%zu", cp.n_rules);
	r->line = (int)(20 + cp.n_rules);
	r->max_len = 65535;
	r->direction = CFG_DIR_INBOUND;
	r->action = action;
	cp.n_rules++;
	return r;
}

static void
rule_proto(struct cfg_rule *r, uint8_t proto)
{
	r->has_proto = true;
	r->proto = proto;
}

static void
rule_dport(struct cfg_rule *r, uint16_t lo, uint16_t hi)
{
	r->dst_ports[r->n_dst_ports].lo = lo;
	r->dst_ports[r->n_dst_ports].hi = hi;
	r->n_dst_ports++;
}

static void
prefix_make(struct cfg_prefix *p, const char *text, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->family = strchr(text, ':') != NULL ? 6 : 4;
	p->len = len;
	assert_int_equal(inet_pton(p->family == 4 ? AF_INET : AF_INET6, text, p->addr), 1);
}

static void
allow_add(const char *text, uint8_t len)
{
	prefix_make(&allow[cp.n_allow++], text, len);
}

static void
deny_add(const char *text, uint8_t len)
{
	prefix_make(&deny[cp.n_deny++], text, len);
}

/* Compile cp for @n_workers workers into the fixture's pipeline. */
static void
policy_use(struct fixture *f, unsigned int n_workers)
{
	cfg_errors_init(&errs, cp.file);
	dp_policy_destroy(f->p);
	f->p = dp_policy_build(&cp, &node, n_workers, 1, HZ, &errs);
	if (f->p == NULL)
		cfg_errors_print(&errs, stderr);
	assert_non_null(f->p);
	f->pl.policy = f->p;
}

static void
addr_set(uint8_t *out, uint8_t family, const char *text)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, text, out), 1);
}

/* A parsed packet from @src to @dst; the family follows the address. */
static struct dp_pkt
pkt(const char *src, const char *dst, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
    uint16_t len)
{
	struct dp_pkt k;

	memset(&k, 0, sizeof(k));
	k.family = strchr(src, ':') != NULL ? 6 : 4;
	k.ethertype = k.family == 4 ? 0x0800 : 0x86dd;
	k.l3_off = 14;
	addr_set(k.src, k.family, src);
	addr_set(k.dst, k.family, dst);
	k.proto = proto;
	k.sport = sport;
	k.dport = dport;
	k.tcp_flags = flags;
	k.l3_len = len;
	k.l4_off = (uint16_t)(proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	                                      proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6
	                              ? 14 + (k.family == 4 ? 20 : 40)
	                              : 0);
	return k;
}

static struct dp_pkt
udp(const char *src, uint16_t sport, uint16_t dport, uint16_t len)
{
	return pkt(src, strchr(src, ':') ? "2001:db8:ffff::1" : "203.0.113.1", IPPROTO_UDP, sport,
	           dport, 0, len);
}

static struct dp_pkt
tcp(const char *src, const char *dst, uint16_t dport, uint8_t flags)
{
	return pkt(src, dst, IPPROTO_TCP, 40000, dport, flags, 60);
}

static struct dp_pkt
icmp(const char *src, uint8_t proto, uint8_t type)
{
	struct dp_pkt k =
		pkt(src, strchr(src, ':') ? "2001:db8:ffff::1" : "203.0.113.1", proto, 0, 0, 0, 84);

	k.icmp_type = type;
	return k;
}

static struct dp_pkt
fragment(struct dp_pkt k, enum dp_frag frag)
{
	k.frag = (uint8_t)frag;
	if (frag == DP_FRAG_LATER) {
		k.sport = k.dport = 0;
		k.tcp_flags = 0;
		k.l4_off = 0;
	}
	return k;
}

static uint32_t
frame_bytes(const struct dp_pkt *k)
{
	return k->family == 0 ? 60u : k->l3_len + 14u;
}

/* Run @n packets as one burst received on @pair; @reason holds what the parser said. */
static void
run_burst(struct fixture *f, const struct dp_pkt *k, unsigned int n, unsigned int pair,
          bool outbound, uint64_t now, uint8_t *reason)
{
	uint32_t bytes[DP_MAX_BURST];

	assert_true(n <= DP_MAX_BURST);
	for (unsigned int i = 0; i < n; i++)
		bytes[i] = frame_bytes(&k[i]);
	dp_pipeline_run(&f->pl, k, bytes, n, pair, outbound, now, reason);
}

/* The fate of one packet received inbound on pair 0. */
static uint8_t
run_one(const struct dp_pkt *k, uint64_t now)
{
	uint8_t reason = DP_DROP_NONE;

	run_burst(&fx, k, 1, 0, false, now, &reason);
	return reason;
}

static uint8_t
run_out(const struct dp_pkt *k, unsigned int pair, uint64_t now)
{
	uint8_t reason = DP_DROP_NONE;

	run_burst(&fx, k, 1, pair, true, now, &reason);
	return reason;
}

/*
 * @n copies of @k in one burst at @now, inbound on pair 0. @return how many were forwarded;
 * every other one must have been dropped for @why.
 */
static unsigned int
run_copies(const struct dp_pkt *k, unsigned int n, uint64_t now, uint8_t why)
{
	static struct dp_pkt burst[DP_MAX_BURST];
	uint8_t reason[DP_MAX_BURST];
	unsigned int passed = 0;

	assert_true(n <= DP_MAX_BURST);
	for (unsigned int i = 0; i < n; i++) {
		burst[i] = *k;
		reason[i] = DP_DROP_NONE;
	}
	run_burst(&fx, burst, n, 0, false, now, reason);
	for (unsigned int i = 0; i < n; i++) {
		if (reason[i] == DP_DROP_NONE)
			passed++;
		else
			assert_int_equal(reason[i], why);
	}
	return passed;
}

static const struct dp_rule_ctr *
ctr(const struct fixture *f, unsigned int rule)
{
	return &f->p->pw[f->wk->index].ctr[rule];
}

static uint64_t
drops(uint8_t why)
{
	return fx.wk->mit.drops[why];
}

static int
case_setup(void **state)
{
	(void)state;
	policy_reset();
	fixture_make(&fx, 0, 1024, HZ);
	return 0;
}

static int
case_teardown(void **state)
{
	(void)state;
	fixture_free(&fx);
	return 0;
}

/* Stages 2 to 5: allow prefixes, then the blocklist, then deny prefixes, then fragments. */
static void
test_dp_pipeline_run_source_checks_order(void **state)
{
	struct dp_pkt k[16];
	uint8_t reason[16] = { 0 };
	struct dp_bl_key key;
	uint8_t a[16];
	unsigned int n = 0;

	(void)state;
	allow_add("198.51.100.0", 24);
	allow_add("2001:db8:a::", 48);
	deny_add("198.51.100.0", 24);
	deny_add("203.0.113.0", 24);
	deny_add("2001:db8::", 32);
	rule_add(CFG_ACTION_DROP);
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 1;
	cp.protection.drop_fragments = true;
	policy_use(&fx, 1);
	addr_set(a, 4, "198.51.100.7");
	dp_bl_key_from(&key, 4, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, 0, false), 0);
	addr_set(a, 4, "203.0.113.9");
	dp_bl_key_from(&key, 4, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, 0, true), 0);
	addr_set(a, 4, "198.18.0.5");
	dp_bl_key_from(&key, 4, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, MS(500), false), 0);
	addr_set(a, 6, "2001:db8:a::7");
	dp_bl_key_from(&key, 6, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, 0, false), 0);
	addr_set(a, 6, "2001:db8:b::9");
	dp_bl_key_from(&key, 6, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, MS(900), false), 0);

	/* Allowed, although also blocklisted, denied, matched by a drop rule and a SYN flood. */
	k[n++] = tcp("198.51.100.7", "203.0.113.1", 80, CFG_TCP_SYN);
	k[n++] = tcp("198.51.100.7", "203.0.113.1", 80, CFG_TCP_SYN);
	k[n++] = fragment(udp("198.51.100.8", 1, 2, 1500), DP_FRAG_LATER);
	k[n++] = tcp("2001:db8:a::7", "2001:db8::1", 80, CFG_TCP_SYN);
	/* Blocklisted, although also denied. */
	k[n++] = udp("203.0.113.9", 1, 2, 100);
	k[n++] = udp("198.18.0.5", 1, 2, 100);
	k[n++] = udp("2001:db8:b::9", 1, 2, 100);
	/* Denied; a fragment is dropped as denied, not as a fragment. */
	k[n++] = udp("203.0.113.10", 1, 2, 100);
	k[n++] = fragment(udp("203.0.113.10", 1, 2, 1500), DP_FRAG_FIRST);
	k[n++] = udp("2001:db8:c::1", 1, 2, 100);
	/* Fragments, before any rule. */
	k[n++] = fragment(udp("198.18.0.7", 1, 2, 1500), DP_FRAG_FIRST);
	k[n++] = fragment(udp("2001:db9::7", 1, 2, 1500), DP_FRAG_LATER);
	/* Only the rule. */
	k[n++] = udp("198.18.0.6", 1, 2, 100);
	k[n++] = udp("2001:db9::1", 1, 2, 100);
	run_burst(&fx, k, n, 0, false, MS(1), reason);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(reason[i], DP_DROP_NONE);
	for (unsigned int i = 4; i < 7; i++)
		assert_int_equal(reason[i], DP_DROP_BLOCKLIST);
	for (unsigned int i = 7; i < 10; i++)
		assert_int_equal(reason[i], DP_DROP_DENY_PREFIX);
	for (unsigned int i = 10; i < 12; i++)
		assert_int_equal(reason[i], DP_DROP_FRAGMENT);
	for (unsigned int i = 12; i < 14; i++)
		assert_int_equal(reason[i], DP_DROP_RULE);
	assert_int_equal(fx.wk->mit.inspected, n);
	assert_int_equal(fx.wk->mit.allow_prefix, 4);
	assert_int_equal(drops(DP_DROP_BLOCKLIST), 3);
	assert_int_equal(drops(DP_DROP_DENY_PREFIX), 3);
	assert_int_equal(drops(DP_DROP_FRAGMENT), 2);
	assert_int_equal(drops(DP_DROP_RULE), 2);
	assert_int_equal(drops(DP_DROP_SYN_FLOOD), 0);
	assert_int_equal(ctr(&fx, 0)->packets, 2);
	assert_int_equal(ctr(&fx, 0)->dropped, 2);

	/* Entries past their expiry no longer drop; permanent ones still do. */
	k[0] = udp("198.18.0.5", 1, 2, 100);
	assert_int_equal(run_one(&k[0], MS(499)), DP_DROP_BLOCKLIST);
	assert_int_equal(run_one(&k[0], MS(500)), DP_DROP_RULE);
	k[0] = udp("2001:db8:b::9", 1, 2, 100);
	assert_int_equal(run_one(&k[0], MS(1000)), DP_DROP_DENY_PREFIX);
	k[0] = udp("203.0.113.9", 1, 2, 100);
	assert_int_equal(run_one(&k[0], 1000 * HZ), DP_DROP_BLOCKLIST);
	assert_int_equal(drops(DP_DROP_BLOCKLIST), 5);
}

/* Fragments are dropped only when the policy says so; later ones carry no ports. */
static void
test_dp_pipeline_run_fragments(void **state)
{
	struct dp_pkt first = fragment(udp("198.18.0.1", 5000, 53, 1500), DP_FRAG_FIRST);
	struct dp_pkt later = fragment(udp("198.18.0.1", 5000, 53, 1500), DP_FRAG_LATER);
	struct dp_pkt later6 = fragment(udp("2001:db8::1", 5000, 53, 1280), DP_FRAG_LATER);
	struct dp_pkt whole = udp("198.18.0.1", 5000, 53, 100);

	(void)state;
	rule_dport(rule_add(CFG_ACTION_DROP), 53, 53);
	rule_proto(&rules[0], IPPROTO_UDP);
	policy_use(&fx, 1);
	assert_int_equal(run_one(&first, 0), DP_DROP_RULE);
	assert_int_equal(run_one(&later, 0), DP_DROP_NONE);
	assert_int_equal(run_one(&later6, 0), DP_DROP_NONE);
	assert_int_equal(run_one(&whole, 0), DP_DROP_RULE);

	cp.protection.drop_fragments = true;
	policy_use(&fx, 1);
	assert_int_equal(run_one(&first, 0), DP_DROP_FRAGMENT);
	assert_int_equal(run_one(&later, 0), DP_DROP_FRAGMENT);
	assert_int_equal(run_one(&later6, 0), DP_DROP_FRAGMENT);
	assert_int_equal(run_one(&whole, 0), DP_DROP_RULE);
	/* Outbound traffic is not the protections' business. */
	assert_int_equal(run_out(&later, 0, 0), DP_DROP_NONE);
	assert_int_equal(drops(DP_DROP_FRAGMENT), 3);
	assert_int_equal(drops(DP_DROP_RULE), 3);
}

/* Stage 6: first match wins; count rules count what reaches them and let it go on. */
static void
test_dp_pipeline_run_rules_first_match(void **state)
{
	struct dp_pkt a = udp("198.51.100.1", 5000, 53, 100);
	struct dp_pkt b = udp("198.18.0.1", 5000, 53, 200);
	struct dp_pkt c = udp("198.18.0.1", 5000, 54, 300);
	struct dp_pkt d = tcp("198.18.0.1", "203.0.113.1", 443, CFG_TCP_ACK);
	struct cfg_rule *r;

	(void)state;
	rule_proto(rule_add(CFG_ACTION_COUNT), IPPROTO_UDP); /* 0 */
	r = rule_add(CFG_ACTION_ALLOW);                      /* 1 */
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 53, 53);
	r->has_src = true;
	prefix_make(&r->src, "198.51.100.0", 24);
	r = rule_add(CFG_ACTION_DROP); /* 2 */
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 53, 53);
	r = rule_add(CFG_ACTION_COUNT); /* 3: after them */
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 53, 53);
	r = rule_add(CFG_ACTION_DROP); /* 4: shadowed */
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 50, 60);
	r->has_src = true;
	prefix_make(&r->src, "198.51.100.0", 24);
	rule_proto(rule_add(CFG_ACTION_COUNT), IPPROTO_TCP); /* 5 */
	policy_use(&fx, 1);
	assert_int_equal(fx.p->n_count, 3);

	assert_int_equal(run_copies(&a, 3, 0, DP_DROP_RULE), 3);
	assert_int_equal(run_copies(&b, 2, 0, DP_DROP_RULE), 0);
	assert_int_equal(run_copies(&c, 1, 0, DP_DROP_RULE), 1);
	assert_int_equal(run_copies(&d, 4, 0, DP_DROP_RULE), 4);

	assert_int_equal(ctr(&fx, 0)->packets, 6);
	assert_int_equal(ctr(&fx, 0)->bytes, 3 * 114 + 2 * 214 + 314);
	assert_int_equal(ctr(&fx, 0)->dropped, 0);
	assert_int_equal(ctr(&fx, 1)->packets, 3);
	assert_int_equal(ctr(&fx, 1)->bytes, 3 * 114);
	assert_int_equal(ctr(&fx, 1)->dropped, 0);
	assert_int_equal(ctr(&fx, 2)->packets, 2);
	assert_int_equal(ctr(&fx, 2)->bytes, 2 * 214);
	assert_int_equal(ctr(&fx, 2)->dropped, 2);
	assert_int_equal(ctr(&fx, 3)->packets, 0);
	assert_int_equal(ctr(&fx, 4)->packets, 0);
	assert_int_equal(ctr(&fx, 5)->packets, 4);
	assert_int_equal(ctr(&fx, 5)->bytes, 4 * 74);
	assert_int_equal(drops(DP_DROP_RULE), 2);
	assert_int_equal(fx.wk->mit.inspected, 10);
}

/* Per-source packet limits: a burst of one second's worth, then the rate, per source. */
static void
test_dp_pipeline_run_rate_limit_per_source(void **state)
{
	static const char *const src[] = { "198.18.0.1", "198.18.0.2", "2001:db8::1" };
	static const struct {
		uint64_t at;
		unsigned int sent, admitted;
	} steps[] = {
		{ MS(0), 25, 10 },  { MS(500), 25, 5 }, { MS(500), 5, 0 },  { MS(2500), 25, 10 },
		{ MS(2600), 3, 1 }, { MS(2700), 1, 1 }, { MS(2700), 1, 0 }, { MS(3000), 5, 3 },
	};
	uint64_t sent = 0, admitted = 0;
	struct cfg_rule *r;
	struct dp_pkt k;

	(void)state;
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	rule_proto(r, IPPROTO_UDP);
	r->per_source_pps = 10;
	policy_use(&fx, 1);
	for (unsigned int s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		for (unsigned int i = 0; i < 3; i++) {
			k = udp(src[i], 999, 53, 100);
			if (run_copies(&k, steps[s].sent, steps[s].at, DP_DROP_RATE_LIMIT) !=
			    steps[s].admitted)
				fail_msg("step %u (t = %llu us), source %s: expected %u of %u", s,
				         (unsigned long long)steps[s].at, src[i], steps[s].admitted,
				         steps[s].sent);
			sent += steps[s].sent;
			admitted += steps[s].admitted;
		}
	}
	assert_int_equal(ctr(&fx, 0)->packets, sent);
	assert_int_equal(ctr(&fx, 0)->bytes, sent * 114);
	assert_int_equal(ctr(&fx, 0)->dropped, sent - admitted);
	assert_int_equal(drops(DP_DROP_RATE_LIMIT), sent - admitted);
	/* Other traffic is not charged. */
	k = tcp("198.18.0.1", "203.0.113.1", 80, 0);
	assert_int_equal(run_copies(&k, 20, MS(3000), DP_DROP_RATE_LIMIT), 20);
}

/* Per-source bit limits: one second's worth of bytes, charged by IP length (not by the frame
 * length, 14 bytes more here: that would admit 98 packets, not 100). */
static void
test_dp_pipeline_run_rate_limit_bits(void **state)
{
	struct dp_pkt k = udp("198.18.0.1", 999, 53, 1000); /* 1000 IP bytes */
	struct dp_pkt small = udp("198.18.0.1", 999, 53, 500);
	struct cfg_rule *r;

	(void)state;
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	r->per_source_bps = 800000; /* 100000 bytes a second */
	policy_use(&fx, 1);
	assert_int_equal(run_copies(&k, 150, 0, DP_DROP_RATE_LIMIT), 100);
	assert_int_equal(run_copies(&k, 20, MS(100), DP_DROP_RATE_LIMIT), 10);
	assert_int_equal(run_copies(&small, 20, MS(200), DP_DROP_RATE_LIMIT), 20);
	assert_int_equal(ctr(&fx, 0)->dropped, 50 + 10);
}

/* A full rate table replaces its stalest entry and counts it; the newcomer starts afresh. */
static void
test_dp_pipeline_run_rate_evictions(void **state)
{
	struct cfg_rule *r;
	void *mem;

	(void)state;
	rte_free(fx.wk->rate.entries);
	mem = rte_zmalloc("ut_rate", dp_rate_table_mem_size(DP_RATE_WAYS), RTE_CACHE_LINE_SIZE);
	assert_non_null(mem);
	dp_rate_table_init(&fx.wk->rate, mem, DP_RATE_WAYS); /* one bucket */
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	r->per_source_pps = 2;
	policy_use(&fx, 1);
	for (unsigned int i = 0; i < DP_RATE_WAYS + 5; i++) {
		char src[32];
		struct dp_pkt k;

		snprintf(src, sizeof(src), "198.18.0.%u", i + 1);
		k = udp(src, 1, 2, 100);
		assert_int_equal(run_copies(&k, 3, MS(i), DP_DROP_RATE_LIMIT), 2);
	}
	assert_int_equal(fx.wk->rate.evictions, 5);
	assert_int_equal(fx.wk->mit.rate_evictions, 5);
	/* The first source was the stalest: its state is gone and it has a full bucket again. */
	{
		struct dp_pkt k = udp("198.18.0.1", 1, 2, 100);

		assert_int_equal(run_copies(&k, 3, MS(20), DP_DROP_RATE_LIMIT), 2);
	}
	assert_int_equal(fx.wk->mit.rate_evictions, 6);
}

/* Aggregate limits are split between the workers; per-source refusals cost the aggregate
 * nothing. */
static void
test_dp_pipeline_run_rate_limit_aggregate(void **state)
{
	struct cfg_rule *r;
	unsigned int passed;
	char src[32];

	(void)state;
	fixture_free(&fx);
	fixture_make(&fx, 2, 1024, HZ);
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	rule_proto(r, IPPROTO_UDP);
	r->aggregate_pps = 40;
	policy_use(&fx, 4); /* 10 a second on each of the 4 workers */
	for (unsigned int round = 0; round < 3; round++) {
		passed = 0;
		for (unsigned int i = 0; i < 30; i++) {
			struct dp_pkt k;

			snprintf(src, sizeof(src), "198.18.%u.%u", round, i + 1);
			k = udp(src, 999, 53, 100);
			passed += run_one(&k, round * HZ) == DP_DROP_NONE;
		}
		assert_int_equal(passed, 10);
	}
	assert_int_equal(ctr(&fx, 0)->packets, 90);
	assert_int_equal(ctr(&fx, 0)->dropped, 60);
	/* The counters are the worker's own. */
	assert_int_equal(fx.p->pw[0].ctr[0].packets, 0);
	assert_int_equal(fx.p->pw[3].ctr[0].packets, 0);

	/* One worker has the whole aggregate; sources over their own limit do not use it. */
	fixture_free(&fx);
	fixture_make(&fx, 0, 1024, HZ);
	r->per_source_pps = 2;
	policy_use(&fx, 1);
	passed = 0;
	for (unsigned int i = 0; i < 10; i++) {
		struct dp_pkt k;

		snprintf(src, sizeof(src), "198.18.0.%u", i + 1);
		k = udp(src, 999, 53, 100);
		passed += run_copies(&k, 5, 0, DP_DROP_RATE_LIMIT);
	}
	assert_int_equal(passed, 20);
	passed = 0;
	for (unsigned int i = 0; i < 21; i++) {
		struct dp_pkt k;

		snprintf(src, sizeof(src), "198.18.1.%u", i + 1);
		k = udp(src, 999, 53, 100);
		passed += run_one(&k, 0) == DP_DROP_NONE;
	}
	assert_int_equal(passed, 20);
	assert_int_equal(ctr(&fx, 0)->dropped, 30 + 1);
}

/* Outbound: no prefix, blocklist or protection checks, and only rules meant for it. */
static void
test_dp_pipeline_run_outbound(void **state)
{
	struct dp_pkt k;
	struct dp_bl_key key;
	struct cfg_rule *r;
	uint8_t a[16];

	(void)state;
	deny_add("198.51.100.0", 24);
	rule_proto(rule_add(CFG_ACTION_DROP), IPPROTO_UDP); /* 0: inbound */
	r = rule_add(CFG_ACTION_DROP);                      /* 1: outbound */
	rule_proto(r, IPPROTO_TCP);
	rule_dport(r, 25, 25);
	r->direction = CFG_DIR_OUTBOUND;
	r = rule_add(CFG_ACTION_COUNT); /* 2: both */
	r->direction = CFG_DIR_BOTH;
	r = rule_add(CFG_ACTION_DROP); /* 3: outbound on edge-b */
	rule_proto(r, IPPROTO_ICMP);
	r->direction = CFG_DIR_OUTBOUND;
	snprintf(r->link_pair, sizeof(r->link_pair), "edge-b");
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 1;
	cp.protection.udp_amplification.enabled = true;
	cp.protection.icmp_flood.enabled = true;
	cp.protection.icmp_flood.per_source_pps = 1;
	cp.protection.drop_fragments = true;
	policy_use(&fx, 1);
	addr_set(a, 4, "198.51.100.7");
	dp_bl_key_from(&key, 4, a);
	assert_int_equal(dp_blocklist_insert(fx.bl, &key, 0, false), 0);

	k = udp("198.51.100.7", 53, 4000, 1400);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
	assert_int_equal(run_one(&k, 0), DP_DROP_BLOCKLIST);
	k = udp("198.51.100.8", 53, 4000, 1400);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
	assert_int_equal(run_one(&k, 0), DP_DROP_DENY_PREFIX);
	k = fragment(udp("198.18.0.1", 53, 4000, 1400), DP_FRAG_LATER);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
	k = udp("198.18.0.1", 53, 4000, 1400);
	assert_int_equal(run_one(&k, 0), DP_DROP_RULE);
	for (unsigned int i = 0; i < 5; i++) {
		k = tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_SYN);
		assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
		k = icmp("198.18.0.1", IPPROTO_ICMP, 8);
		assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
		k = icmp("2001:db8::1", IPPROTO_ICMPV6, 128);
		assert_int_equal(run_out(&k, 2, 0), DP_DROP_NONE);
	}
	k = tcp("198.18.0.1", "203.0.113.1", 25, CFG_TCP_ACK);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_RULE);
	assert_int_equal(run_one(&k, 0), DP_DROP_NONE);
	k = icmp("198.18.0.1", IPPROTO_ICMP, 0);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_NONE);
	assert_int_equal(run_out(&k, 1, 0), DP_DROP_RULE);
	assert_int_equal(run_one(&k, 0), DP_DROP_NONE);

	/* The count rule saw what reached it both ways: 3 + 15 + 2 outbound packets no earlier
	 * rule decided, and 2 inbound ones neither an earlier stage nor rule 0 dropped. */
	assert_int_equal(ctr(&fx, 0)->packets, 1);
	assert_int_equal(ctr(&fx, 1)->packets, 1);
	assert_int_equal(ctr(&fx, 3)->packets, 1);
	assert_int_equal(ctr(&fx, 2)->packets, 3 + 15 + 2 + 2);
	assert_int_equal(drops(DP_DROP_SYN_FLOOD), 0);
	assert_int_equal(drops(DP_DROP_ICMP_FLOOD), 0);
	assert_int_equal(drops(DP_DROP_UDP_AMPLIFICATION), 0);
	assert_int_equal(drops(DP_DROP_FRAGMENT), 0);

	/* The default action applies both ways. */
	cp.default_action = CFG_ACTION_DROP;
	cp.n_rules = 0;
	policy_use(&fx, 1);
	k = udp("198.18.0.1", 53, 4000, 100);
	assert_int_equal(run_out(&k, 0, 0), DP_DROP_DEFAULT);
	assert_int_equal(run_one(&k, 0), DP_DROP_DEFAULT);
}

static void
test_dp_pipeline_run_syn_flood(void **state)
{
	struct dp_pkt syn = tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_SYN);
	struct dp_pkt syn_ecn =
		tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_SYN | CFG_TCP_ECE | CFG_TCP_CWR);
	struct dp_pkt synack = tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_SYN | CFG_TCP_ACK);
	struct dp_pkt ack = tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_ACK);
	struct dp_pkt syn6 = tcp("2001:db8::1", "2001:db8:ffff::1", 80, CFG_TCP_SYN);
	struct dp_pkt ssh = tcp("198.18.0.9", "203.0.113.1", 22, CFG_TCP_SYN);
	struct dp_pkt u = udp("198.18.0.1", 999, 80, 100);
	unsigned int passed = 0;
	char src[32];

	(void)state;
	rule_dport(rule_add(CFG_ACTION_ALLOW), 22, 22);
	rule_proto(&rules[0], IPPROTO_TCP);
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 5;
	cp.protection.syn_flood.per_destination_pps = 8;
	policy_use(&fx, 1);

	assert_int_equal(run_copies(&syn, 10, 0, DP_DROP_SYN_FLOOD), 5);
	assert_int_equal(run_copies(&syn_ecn, 2, 0, DP_DROP_SYN_FLOOD), 0);
	assert_int_equal(run_copies(&synack, 10, 0, DP_DROP_SYN_FLOOD), 10);
	assert_int_equal(run_copies(&ack, 10, 0, DP_DROP_SYN_FLOOD), 10);
	assert_int_equal(run_copies(&u, 10, 0, DP_DROP_SYN_FLOOD), 10);
	assert_int_equal(run_copies(&syn6, 10, 0, DP_DROP_SYN_FLOOD), 5);
	/* Decided by a rule before the protections. */
	assert_int_equal(run_copies(&ssh, 10, 0, DP_DROP_SYN_FLOOD), 10);
	/* 203.0.113.1 has had 5 of its 8; 4 sources well under their own limit share the rest. */
	for (unsigned int i = 0; i < 4; i++) {
		struct dp_pkt k;

		snprintf(src, sizeof(src), "198.18.1.%u", i + 1);
		k = tcp(src, "203.0.113.1", 443, CFG_TCP_SYN);
		passed += run_copies(&k, 3, 0, DP_DROP_SYN_FLOOD);
	}
	assert_int_equal(passed, 3);
	/* Another destination has its own limit. */
	passed = 0;
	for (unsigned int i = 0; i < 4; i++) {
		struct dp_pkt k;

		snprintf(src, sizeof(src), "198.18.2.%u", i + 1);
		k = tcp(src, "203.0.113.2", 443, CFG_TCP_SYN);
		passed += run_copies(&k, 3, 0, DP_DROP_SYN_FLOOD);
	}
	assert_int_equal(passed, 8);
	/* A second later both buckets are full again. */
	assert_int_equal(run_copies(&syn, 10, HZ, DP_DROP_SYN_FLOOD), 5);
	assert_int_equal(drops(DP_DROP_SYN_FLOOD), 5 + 2 + 5 + 9 + 4 + 5);
}

static void
test_dp_pipeline_run_udp_amplification(void **state)
{
	static const struct {
		const char *src;
		uint8_t proto;
		uint16_t sport, len;
		uint8_t frag;
		uint8_t why;
	} cases[] = {
		{ "198.18.0.1", IPPROTO_UDP, 53, 600, DP_FRAG_NONE, DP_DROP_UDP_AMPLIFICATION },
		{ "198.18.0.1", IPPROTO_UDP, 53, 512, DP_FRAG_NONE, DP_DROP_UDP_AMPLIFICATION },
		{ "198.18.0.1", IPPROTO_UDP, 53, 511, DP_FRAG_NONE, DP_DROP_NONE },
		{ "198.18.0.1", IPPROTO_UDP, 123, 1000, DP_FRAG_NONE, DP_DROP_UDP_AMPLIFICATION },
		{ "198.18.0.1", IPPROTO_UDP, 54, 1000, DP_FRAG_NONE, DP_DROP_NONE },
		{ "198.18.0.1", IPPROTO_UDP, 122, 1000, DP_FRAG_NONE, DP_DROP_NONE },
		{ "198.18.0.1", IPPROTO_UDP, 53, 1500, DP_FRAG_FIRST, DP_DROP_UDP_AMPLIFICATION },
		{ "198.18.0.1", IPPROTO_UDP, 53, 1500, DP_FRAG_LATER, DP_DROP_NONE },
		{ "198.18.0.1", IPPROTO_TCP, 53, 1500, DP_FRAG_NONE, DP_DROP_NONE },
		{ "2001:db8::1", IPPROTO_UDP, 123, 600, DP_FRAG_NONE, DP_DROP_UDP_AMPLIFICATION },
		{ "2001:db8::1", IPPROTO_UDP, 123, 100, DP_FRAG_NONE, DP_DROP_NONE },
	};
	unsigned int expected = 0;
	struct dp_pkt k;

	(void)state;
	cp.protection.udp_amplification.enabled = true;
	policy_use(&fx, 1);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = pkt(cases[i].src, cases[i].src[4] == ':' ? "2001:db8:ffff::1" : "203.0.113.1",
		        cases[i].proto, cases[i].sport, 4000, 0, cases[i].len);
		k.frag = cases[i].frag;
		/* A later fragment's ports are not known; say 53 anyway, it must not matter. */
		if (run_one(&k, 0) != cases[i].why)
			fail_msg("case %u: expected reason %u", i, cases[i].why);
		expected += cases[i].why != DP_DROP_NONE;
		/* Every time, not only over a rate. */
		if (run_one(&k, 0) != cases[i].why)
			fail_msg("case %u again: expected reason %u", i, cases[i].why);
	}
	assert_int_equal(drops(DP_DROP_UDP_AMPLIFICATION), 2 * expected);

	cp.protection.udp_amplification.enabled = false;
	policy_use(&fx, 1);
	k = udp("198.18.0.1", 53, 4000, 1400);
	assert_int_equal(run_one(&k, 0), DP_DROP_NONE);
}

static void
test_dp_pipeline_run_icmp_flood(void **state)
{
	static const struct {
		const char *src;
		uint8_t proto, type;
		unsigned int admitted;
	} cases[] = {
		{ "198.18.0.1", IPPROTO_ICMP, 8, 3 },
		{ "198.18.0.1", IPPROTO_ICMP, 0, 10 },
		{ "198.18.0.1", IPPROTO_ICMP, 3, 10 },
		{ "198.18.0.1", IPPROTO_ICMP, 128, 10 },
		{ "198.18.0.2", IPPROTO_ICMP, 8, 3 },
		{ "2001:db8::1", IPPROTO_ICMPV6, 128, 3 },
		{ "2001:db8::1", IPPROTO_ICMPV6, 129, 10 },
		{ "2001:db8::1", IPPROTO_ICMPV6, 8, 10 },
		{ "2001:db8::1", IPPROTO_ICMPV6, 135, 10 },
		{ "2001:db8::2", IPPROTO_ICMP, 8, 10 },
	};
	unsigned int dropped = 0;
	struct dp_pkt k;

	(void)state;
	cp.protection.icmp_flood.enabled = true;
	cp.protection.icmp_flood.per_source_pps = 3;
	policy_use(&fx, 1);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int got;

		k = icmp(cases[i].src, cases[i].proto, cases[i].type);
		got = run_copies(&k, 10, MS(10), DP_DROP_ICMP_FLOOD);

		if (got != cases[i].admitted)
			fail_msg("case %u: %u of 10 forwarded, expected %u", i, got,
			         cases[i].admitted);
		dropped += 10 - cases[i].admitted;
	}
	assert_int_equal(drops(DP_DROP_ICMP_FLOOD), dropped);
	/* A third of a second later, one more. */
	k = icmp("198.18.0.1", IPPROTO_ICMP, 8);
	assert_int_equal(run_copies(&k, 3, MS(10 + 334), DP_DROP_ICMP_FLOOD), 1);
}

static void
test_dp_pipeline_run_default_drop(void **state)
{
	struct dp_pkt k[6];
	uint8_t reason[6] = { 0 };
	struct cfg_rule *r;

	(void)state;
	cp.default_action = CFG_ACTION_DROP;
	r = rule_add(CFG_ACTION_ALLOW);
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 53, 53);
	rule_proto(rule_add(CFG_ACTION_COUNT), IPPROTO_TCP);
	policy_use(&fx, 1);
	k[0] = udp("198.18.0.1", 999, 53, 100);
	k[1] = udp("198.18.0.1", 999, 54, 100);
	k[2] = tcp("198.18.0.1", "203.0.113.1", 80, CFG_TCP_ACK);
	k[3] = udp("2001:db8::1", 999, 54, 100);
	k[4] = icmp("198.18.0.1", IPPROTO_ICMP, 0);
	memset(&k[5], 0, sizeof(k[5])); /* ARP */
	k[5].ethertype = 0x0806;
	run_burst(&fx, k, 6, 0, false, 0, reason);
	assert_int_equal(reason[0], DP_DROP_NONE);
	for (unsigned int i = 1; i < 5; i++)
		assert_int_equal(reason[i], DP_DROP_DEFAULT);
	assert_int_equal(reason[5], DP_DROP_NONE);
	assert_int_equal(drops(DP_DROP_DEFAULT), 4);
	assert_int_equal(fx.wk->mit.inspected, 5);
	assert_int_equal(fx.wk->mit.non_ip, 1);
	assert_int_equal(ctr(&fx, 1)->packets, 1);
	assert_int_equal(ctr(&fx, 1)->dropped, 0);
}

/* A mix of traffic for every reason there is, parser reasons included. */
static unsigned int
mix(struct dp_pkt *k, uint8_t *reason)
{
	unsigned int n = 0;

	deny_add("203.0.113.0", 24);
	allow_add("198.51.100.0", 24);
	rule_dport(rule_add(CFG_ACTION_DROP), 25, 25);
	rule_proto(&rules[0], IPPROTO_TCP);
	rule_proto(rule_add(CFG_ACTION_COUNT), IPPROTO_UDP);
	rules[1].direction = CFG_DIR_BOTH;
	rule_dport(rule_add(CFG_ACTION_RATE_LIMIT), 5000, 5000);
	rule_proto(&rules[2], IPPROTO_UDP);
	rules[2].per_source_pps = 2;
	cp.default_action = CFG_ACTION_DROP;
	cp.protection.drop_fragments = true;
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 1;
	cp.protection.udp_amplification.enabled = true;
	cp.protection.icmp_flood.enabled = true;
	cp.protection.icmp_flood.per_source_pps = 1;
	memset(reason, 0, 32);
	reason[n] = DP_DROP_TRUNCATED;
	memset(&k[n++], 0, sizeof(*k));
	reason[n] = DP_DROP_IPV4_IHL;
	k[n++] = udp("198.51.100.1", 1, 2, 10);
	k[n++] = udp("198.51.100.1", 1, 2, 100);                         /* allowed */
	k[n++] = udp("203.0.113.5", 1, 2, 100);                          /* denied */
	k[n++] = fragment(udp("198.18.0.1", 1, 2, 1000), DP_FRAG_FIRST); /* fragment */
	k[n++] = tcp("198.18.0.1", "203.0.113.1", 25, CFG_TCP_ACK);      /* rule */
	for (unsigned int i = 0; i < 3; i++)
		k[n++] = udp("198.18.0.2", 1, 5000, 100); /* rate */
	for (unsigned int i = 0; i < 2; i++)
		k[n++] = tcp("198.18.0.3", "203.0.113.1", 80, CFG_TCP_SYN); /* SYN */
	k[n++] = udp("198.18.0.4", 53, 2, 600);                             /* amp */
	for (unsigned int i = 0; i < 2; i++)
		k[n++] = icmp("2001:db8::1", IPPROTO_ICMPV6, 128); /* ICMP */
	k[n++] = udp("198.18.0.5", 1, 2, 100);                     /* default */
	memset(&k[n++], 0, sizeof(*k));                            /* non-IP */
	reason[n] = DP_DROP_L4_HEADER;
	k[n++] = tcp("198.18.0.6", "203.0.113.1", 25, 0);
	return n;
}

static void
test_dp_pipeline_run_monitor_mode(void **state)
{
	static const uint8_t expect[] = {
		DP_DROP_TRUNCATED,   DP_DROP_IPV4_IHL,   DP_DROP_NONE,
		DP_DROP_DENY_PREFIX, DP_DROP_FRAGMENT,   DP_DROP_RULE,
		DP_DROP_NONE,        DP_DROP_NONE,       DP_DROP_RATE_LIMIT,
		DP_DROP_DEFAULT,     DP_DROP_SYN_FLOOD,  DP_DROP_UDP_AMPLIFICATION,
		DP_DROP_DEFAULT,     DP_DROP_ICMP_FLOOD, DP_DROP_DEFAULT,
		DP_DROP_NONE,        DP_DROP_L4_HEADER,
	};
	struct dp_mitigation_counters enforce_mit;
	struct dp_rule_ctr enforce_ctr[3];
	struct dp_pkt k[32];
	uint8_t reason[32];
	uint64_t total = 0;
	unsigned int n;

	(void)state;
	n = mix(k, reason);
	assert_int_equal(n, sizeof(expect));
	policy_use(&fx, 1);
	run_burst(&fx, k, n, 0, false, 0, reason);
	for (unsigned int i = 0; i < n; i++)
		if (reason[i] != expect[i])
			fail_msg("packet %u: reason %u, expected %u", i, reason[i], expect[i]);
	enforce_mit = fx.wk->mit;
	memcpy(enforce_ctr, fx.p->pw[0].ctr, sizeof(enforce_ctr));
	assert_int_equal(enforce_mit.monitored, 0);
	assert_int_equal(enforce_mit.inspected, n - 4);
	assert_int_equal(enforce_mit.non_ip, 1);
	assert_int_equal(enforce_mit.allow_prefix, 1);
	for (unsigned int i = 0; i < n; i++)
		if (expect[i] != DP_DROP_NONE)
			total++;

	/* Monitor: the same decisions and counters, nothing dropped. */
	fixture_free(&fx);
	fixture_make(&fx, 0, 1024, HZ);
	policy_reset();
	n = mix(k, reason);
	cp.mode = CFG_MODE_MONITOR;
	policy_use(&fx, 1);
	run_burst(&fx, k, n, 0, false, 0, reason);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(reason[i], DP_DROP_NONE);
	assert_int_equal(fx.wk->mit.monitored, total);
	fx.wk->mit.monitored = 0;
	assert_memory_equal(&fx.wk->mit, &enforce_mit, sizeof(enforce_mit));
	assert_memory_equal(fx.p->pw[0].ctr, enforce_ctr, sizeof(enforce_ctr));
	assert_int_equal(enforce_ctr[2].dropped, 1);
	assert_int_equal(enforce_ctr[1].packets, 5);
}

/* What the parser refused is counted under its reason and left alone. */
static void
test_dp_pipeline_run_parser_reasons(void **state)
{
	struct dp_pkt k[DP_MAX_BURST];
	uint8_t reason[DP_MAX_BURST];
	uint64_t want[DP_DROP__MAX] = { 0 };
	unsigned int good = 0;

	(void)state;
	rule_add(CFG_ACTION_DROP);
	policy_use(&fx, 1);
	for (unsigned int i = 0; i < DP_MAX_BURST; i++) {
		char src[32];

		snprintf(src, sizeof(src), "198.18.%u.%u", i / 200, i % 200 + 1);
		k[i] = udp(src, 1, 2, 100);
		reason[i] = (uint8_t)(i % 3 == 0 ? DP_DROP_NONE : 1 + i % DP_DROP_L4_HEADER);
		want[reason[i]]++;
		good += reason[i] == DP_DROP_NONE;
	}
	want[DP_DROP_RULE] = good;
	want[DP_DROP_NONE] = 0;
	run_burst(&fx, k, DP_MAX_BURST, 0, false, 0, reason);
	for (unsigned int i = 0; i < DP_MAX_BURST; i++)
		assert_int_equal(reason[i], i % 3 == 0 ? DP_DROP_RULE : 1 + i % DP_DROP_L4_HEADER);
	for (unsigned int r = 0; r < DP_DROP__MAX; r++)
		if (fx.wk->mit.drops[r] != want[r])
			fail_msg("reason %u: %llu, expected %llu", r,
			         (unsigned long long)fx.wk->mit.drops[r],
			         (unsigned long long)want[r]);
	assert_int_equal(fx.wk->mit.inspected, good);
	assert_int_equal(ctr(&fx, 0)->packets, good);
}

/* Offenders in the ring, as the control thread would dequeue them. */
static unsigned int
offenders_take(struct rte_ring *r, struct dp_offender *out, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && rte_ring_sc_dequeue_elem(r, &out[n], sizeof(out[n])) == 0)
		n++;
	return n;
}

/* One step of a per-source flood: 11 (a full bucket and one more) or 3 (1 fits). */
static void
flood_step(const struct dp_pkt *k, bool first, uint64_t now)
{
	assert_int_equal(run_copies(k, first ? 11 : 3, now, DP_DROP_RATE_LIMIT), first ? 10 : 1);
}

/* A rate-limit rule of 10 per second per UDP source and auto-block after 2 s over it. */
static void
auto_block_policy(bool enabled)
{
	struct cfg_rule *r = rule_add(CFG_ACTION_RATE_LIMIT);

	rule_proto(r, IPPROTO_UDP);
	r->per_source_pps = 10;
	cp.protection.auto_block.enabled = enabled;
	cp.protection.auto_block.exceed_seconds = 2;
	cp.protection.auto_block.block_seconds = 77;
}

static void
test_dp_pipeline_run_auto_block(void **state)
{
	struct dp_pkt flood = udp("198.18.0.1", 999, 5000, 100);
	struct dp_pkt pulses = udp("198.18.0.2", 999, 5000, 100);
	struct dp_pkt web = tcp("198.18.0.3", "203.0.113.1", 80, CFG_TCP_ACK);
	struct dp_pkt ping = icmp("2001:db8::1", IPPROTO_ICMPV6, 128);
	struct dp_offender o[8];
	struct cfg_rule *r;
	uint8_t a[16];

	(void)state;
	auto_block_policy(true);
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	rule_proto(r, IPPROTO_TCP);
	rule_dport(r, 80, 80);
	r->aggregate_pps = 5;
	cp.protection.icmp_flood.enabled = true;
	cp.protection.icmp_flood.per_source_pps = 3;
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 1000;
	cp.protection.syn_flood.per_destination_pps = 5;
	policy_use(&fx, 1);

	/* Every 100 ms for 8 s. */
	for (unsigned int t = 0; t <= 80; t++) {
		uint64_t now = MS(100 * t);

		/* Over its limit from 0 to 4 s, and again from 5.5 s after a pause. */
		if (t <= 40 || t >= 55)
			flood_step(&flood, t == 0 || t == 55, now);
		/* Over an aggregate limit, which is nobody's fault in particular. */
		run_copies(&web, 3, now, DP_DROP_RATE_LIMIT);
		/* Echo requests over the ICMP limit from 0 to 3 s. */
		if (t <= 30)
			run_copies(&ping, t == 0 ? 4 : 2, now, DP_DROP_ICMP_FLOOD);
		/* 20 sources, each well under its own limit, flood one destination. */
		for (unsigned int s = 0; s < 20; s++) {
			char src[32];
			struct dp_pkt syn;

			snprintf(src, sizeof(src), "198.18.9.%u", s + 1);
			syn = tcp(src, "203.0.113.99", 443, CFG_TCP_SYN);
			run_copies(&syn, 1, now, DP_DROP_SYN_FLOOD);
		}
		/* Pulses of excess 1.6 s apart: each run of excesses lasts an instant. */
		if (t % 16 == 0)
			assert_int_equal(run_copies(&pulses, 30, now, DP_DROP_RATE_LIMIT), 10);

		/* Both floods began at 0 and are reported 2 s later; the UDP one again 2 s
		 * after it resumed. */
		if (rte_ring_count(fx.wk->offenders) != (t < 20 ? 0u : t < 75 ? 2u : 3u))
			fail_msg("at %u ms: %u offenders", 100 * t,
			         rte_ring_count(fx.wk->offenders));
	}
	assert_int_equal(offenders_take(fx.wk->offenders, o, 8), 3);
	assert_int_equal(fx.wk->mit.offenders, 3);
	assert_int_equal(fx.wk->mit.offenders_lost, 0);
	addr_set(a, 4, "198.18.0.1");
	for (unsigned int i = 0; i < 3; i += 2) {
		assert_int_equal(o[i].block_seconds, 77);
		assert_int_equal(o[i].key.family, 4);
		assert_memory_equal(o[i].key.addr, a, 16);
	}
	addr_set(a, 6, "2001:db8::1");
	assert_int_equal(o[1].block_seconds, 77);
	assert_int_equal(o[1].key.family, 6);
	assert_memory_equal(o[1].key.addr, a, 16);
	/* The other sources were limited too, just not for long enough or not by their own. */
	assert_true(drops(DP_DROP_SYN_FLOOD) > 1000);
	assert_int_equal(ctr(&fx, 1)->dropped, 81 * 3 - (5 + 40));
	assert_int_equal(ctr(&fx, 0)->dropped, 1 + 40 * 2 + 1 + 25 * 2 + 6 * 20);
}

static void
test_dp_pipeline_run_auto_block_disabled(void **state)
{
	struct dp_pkt flood = udp("198.18.0.1", 999, 5000, 100);

	(void)state;
	auto_block_policy(false);
	policy_use(&fx, 1);
	for (unsigned int t = 0; t <= 40; t++)
		flood_step(&flood, t == 0, MS(100 * t));
	assert_int_equal(rte_ring_count(fx.wk->offenders), 0);
	assert_int_equal(fx.wk->mit.offenders, 0);
	assert_int_equal(fx.wk->mit.offenders_lost, 0);
}

/* Monitor mode drops nothing but still asks for the block enforce mode would make. */
static void
test_dp_pipeline_run_auto_block_monitor(void **state)
{
	struct dp_pkt flood = udp("198.18.0.1", 999, 5000, 100);
	struct dp_offender o;

	(void)state;
	auto_block_policy(true);
	cp.mode = CFG_MODE_MONITOR;
	policy_use(&fx, 1);
	for (unsigned int t = 0; t <= 20; t++)
		assert_int_equal(run_copies(&flood, t == 0 ? 11 : 3, MS(100 * t), DP_DROP_NONE),
		                 t == 0 ? 11 : 3);
	assert_int_equal(drops(DP_DROP_RATE_LIMIT), 1 + 20 * 2);
	assert_int_equal(fx.wk->mit.monitored, 1 + 20 * 2);
	assert_int_equal(offenders_take(fx.wk->offenders, &o, 1), 1);
	assert_int_equal(o.key.family, 4);
	assert_memory_equal(o.key.addr, flood.src, 16);
}

/* A full ring loses the request and says so; so does a worker without a ring. */
static void
test_dp_pipeline_run_auto_block_ring_full(void **state)
{
	(void)state;
	fixture_free(&fx);
	fixture_make(&fx, 0, 2, HZ);
	auto_block_policy(true);
	policy_use(&fx, 1);
	for (unsigned int t = 0; t <= 20; t++) {
		for (unsigned int s = 0; s < 3; s++) {
			char src[32];
			struct dp_pkt k;

			snprintf(src, sizeof(src), "198.18.0.%u", s + 1);
			k = udp(src, 999, 5000, 100);
			flood_step(&k, t == 0, MS(100 * t));
		}
	}
	assert_int_equal(rte_ring_count(fx.wk->offenders), 2);
	assert_int_equal(fx.wk->mit.offenders, 2);
	assert_int_equal(fx.wk->mit.offenders_lost, 1);

	fixture_free(&fx);
	fixture_make(&fx, 0, 0, HZ);
	policy_use(&fx, 1);
	for (unsigned int t = 0; t <= 20; t++) {
		struct dp_pkt k = udp("198.18.0.1", 999, 5000, 100);

		flood_step(&k, t == 0, MS(100 * t));
	}
	assert_int_equal(fx.wk->mit.offenders, 0);
	assert_int_equal(fx.wk->mit.offenders_lost, 1);
}

/* From the worker's ring to the blocklist with dp_tick(), and dropped from then on. */
static void
test_dp_pipeline_run_auto_block_reaches_blocklist(void **state)
{
	static struct dp dp;
	struct dp_pkt flood = udp("198.18.0.1", 999, 5000, 100);
	struct dp_bl_key key;
	uint64_t hz = rte_get_tsc_hz(), t0, t1, data;
	void *d;

	(void)state;
	fixture_free(&fx);
	fixture_make(&fx, 0, 16, hz);
	auto_block_policy(true);
	policy_use(&fx, 1);
	for (unsigned int t = 0; t <= 20; t++)
		flood_step(&flood, t == 0, MS(100 * t));
	assert_int_equal(rte_ring_count(fx.wk->offenders), 1);

	memset(&dp, 0, sizeof(dp));
	dp.n_workers = 1;
	dp.workers[0] = fx.wk;
	dp.blocklist = fx.bl;
	t0 = rte_get_tsc_cycles();
	dp_tick(&dp);
	t1 = rte_get_tsc_cycles();
	assert_int_equal(rte_ring_count(fx.wk->offenders), 0);
	assert_int_equal(fx.bl->st.auto_added, 1);
	dp_bl_key_from(&key, 4, flood.src);
	assert_true(rte_hash_lookup_data(fx.bl->h, &key, &d) >= 0);
	data = (uintptr_t)d;
	assert_true(data & DP_BL_AUTO);
	data &= ~DP_BL_AUTO;
	assert_true(data >= t0 + 77 * hz && data <= t1 + 77 * hz);
	assert_int_equal(run_one(&flood, rte_get_tsc_cycles()), DP_DROP_BLOCKLIST);
	assert_int_equal(run_one(&flood, data), DP_DROP_NONE);
}

static int
offender_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct dp_offender));
}

/*
 * A random mix of traffic, one burst at a time or one packet at a time: the same fates. The mix
 * must also reach every drop reason, or the comparison would leave a stage untried. Most reasons
 * are common in it, but a SYN that gets as far as the SYN flood check is rare (TCP, SYN alone, a
 * port no rule takes, a source no earlier stage stops): about 4 a second per source against a
 * limit of 5, so one seed in sixty never goes over it. The first round is therefore inbound and
 * hides a flood among its random packets: FLOOD_SYNS SYNs from one source, at one time, more
 * than the limit's burst of 5 lets through.
 */
#define FLOOD_SYNS 8

static void
test_dp_pipeline_run_burst_same_as_single(void **state)
{
	static const char *const srcs[] = {
		"198.51.100.1", "203.0.113.5", "198.18.0.1",    "198.18.0.2",
		"198.18.0.3",   "198.18.0.4",  "2001:db8:a::1", "2001:db8:b::1",
		"2001:db8::1",  "2001:db8::2", "198.18.0.9",    "2001:db8::9",
	};
	static struct dp_pkt k[DP_MAX_BURST];
	static uint8_t r_burst[DP_MAX_BURST], r_one[DP_MAX_BURST];
	struct fixture fb;
	struct dp_offender oa[64], ob[64];
	struct cfg_rule *r;
	uint64_t rng = seed ^ 0x5eed;
	unsigned int total = 0, dropped = 0, na, nb;

	(void)state;
	allow_add("198.51.100.0", 24);
	allow_add("2001:db8:a::", 48);
	deny_add("203.0.113.0", 24);
	deny_add("2001:db8:b::", 48);
	rule_dport(rule_add(CFG_ACTION_DROP), 25, 25);
	rule_proto(&rules[0], IPPROTO_TCP);
	rule_proto(rule_add(CFG_ACTION_COUNT), IPPROTO_UDP);
	r = rule_add(CFG_ACTION_RATE_LIMIT);
	rule_proto(r, IPPROTO_UDP);
	rule_dport(r, 5000, 5010);
	r->per_source_pps = 3;
	r->aggregate_pps = 20;
	r = rule_add(CFG_ACTION_ALLOW);
	rule_proto(r, IPPROTO_TCP);
	rule_dport(r, 22, 22);
	r->direction = CFG_DIR_BOTH;
	cp.protection.drop_fragments = true;
	cp.protection.syn_flood.enabled = true;
	cp.protection.syn_flood.per_source_pps = 5;
	cp.protection.syn_flood.per_destination_pps = 30;
	cp.protection.udp_amplification.enabled = true;
	cp.protection.icmp_flood.enabled = true;
	cp.protection.icmp_flood.per_source_pps = 4;
	cp.protection.auto_block.enabled = true;
	cp.protection.auto_block.exceed_seconds = 1;
	cp.default_action = CFG_ACTION_DROP;
	policy_use(&fx, 1);
	fixture_make(&fb, 0, 1024, HZ);
	policy_use(&fb, 1);
	for (unsigned int i = 0; i < 2; i++) {
		struct dp_bl_key key;
		uint8_t a[16];

		addr_set(a, i == 0 ? 4 : 6, i == 0 ? "198.18.0.9" : "2001:db8::9");
		dp_bl_key_from(&key, i == 0 ? 4 : 6, a);
		assert_int_equal(dp_blocklist_insert(fx.bl, &key, MS(3000), false), 0);
		assert_int_equal(dp_blocklist_insert(fb.bl, &key, MS(3000), false), 0);
	}

	for (unsigned int round = 0; round < 60; round++) {
		uint64_t now = MS(100 * round);
		unsigned int n;
		bool outbound;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		n = 1 + (unsigned int)(rng >> 33) % DP_MAX_BURST;
		outbound = round > 0 && (rng >> 20) % 5 == 0;
		if (round == 0 && n < FLOOD_SYNS)
			n = FLOOD_SYNS;
		for (unsigned int i = 0; i < n; i++) {
			static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
				                          IPPROTO_ICMPV6, IPPROTO_GRE };
			static const uint16_t ports[] = { 22, 25, 53, 123, 443, 5000, 5010, 5011 };
			static const uint8_t flags[] = { CFG_TCP_SYN, CFG_TCP_SYN | CFG_TCP_ACK,
				                         CFG_TCP_ACK, CFG_TCP_RST, 0 };
			const char *src;
			uint64_t x;

			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			x = rng >> 16;
			src = srcs[x % 12];
			x /= 12;
			k[i] = pkt(src, src[4] == ':' ? "2001:db8:ffff::1" : "203.0.113.200",
			           protos[x % 5], ports[(x / 5) % 8], ports[(x / 40) % 8],
			           flags[(x / 320) % 5], (x / 1600) % 2 ? 600 : 100);
			x /= 3200;
			if (k[i].proto == IPPROTO_ICMP || k[i].proto == IPPROTO_ICMPV6) {
				k[i].sport = k[i].dport = 0;
				k[i].icmp_type = x % 2 ? 8 : 128;
			}
			if (k[i].proto != IPPROTO_TCP)
				k[i].tcp_flags = 0;
			if (x % 17 == 3)
				k[i] = fragment(k[i], x % 2 ? DP_FRAG_LATER : DP_FRAG_FIRST);
			r_burst[i] = x % 23 == 5 ? DP_DROP_TRUNCATED : DP_DROP_NONE;
			if (x % 29 == 7)
				memset(&k[i], 0, sizeof(k[i]));
			r_one[i] = r_burst[i];
		}
		/* Spread evenly over the burst, so random packets lie between them. */
		for (unsigned int j = 0; round == 0 && j < FLOOD_SYNS; j++) {
			unsigned int i = j * n / FLOOD_SYNS;

			k[i] = tcp("198.18.0.3", "203.0.113.200", 443, CFG_TCP_SYN);
			r_burst[i] = r_one[i] = DP_DROP_NONE;
		}
		run_burst(&fx, k, n, 1, outbound, now, r_burst);
		for (unsigned int i = 0; i < n; i++)
			run_burst(&fb, &k[i], 1, 1, outbound, now, &r_one[i]);
		for (unsigned int i = 0; i < n; i++) {
			if (r_burst[i] != r_one[i])
				fail_msg("seed %#llx round %u packet %u of %u: burst %u, alone %u",
				         seed, round, i, n, r_burst[i], r_one[i]);
			dropped += r_burst[i] != DP_DROP_NONE;
		}
		total += n;
	}
	fprintf(stderr, "# %u packets in bursts and alone, %u dropped, %llu offenders\n", total,
	        dropped, (unsigned long long)fx.wk->mit.offenders);
	assert_true(dropped > total / 10);
	assert_memory_equal(&fx.wk->mit, &fb.wk->mit, sizeof(fx.wk->mit));
	assert_memory_equal(fx.p->pw[0].ctr, fb.p->pw[0].ctr, 4 * sizeof(struct dp_rule_ctr));
	na = offenders_take(fx.wk->offenders, oa, 64);
	nb = offenders_take(fb.wk->offenders, ob, 64);
	assert_int_equal(na, nb);
	/* A burst reports the rules' offenders before the protections' ones: same set. */
	qsort(oa, na, sizeof(oa[0]), offender_cmp);
	qsort(ob, nb, sizeof(ob[0]), offender_cmp);
	assert_memory_equal(oa, ob, na * sizeof(oa[0]));
	for (unsigned int w = DP_DROP_DENY_PREFIX; w < DP_DROP__MAX; w++)
		if (fx.wk->mit.drops[w] == 0)
			fail_msg("seed %#llx: no drop for reason %u", seed, w);
	fixture_free(&fb);
}

static int
setup(void **state)
{
	(void)state;
	seed = eal_fixture_seed();
	eal_fixture_node(&node, 3);
	/* An IPv4 or IPv6 LPM table takes 64 MiB whatever it holds, and some cases have four. */
	return eal_fixture_start("pipeline", 1024);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, case_setup, case_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_dp_pipeline_run_source_checks_order),
		CASE(test_dp_pipeline_run_fragments),
		CASE(test_dp_pipeline_run_rules_first_match),
		CASE(test_dp_pipeline_run_rate_limit_per_source),
		CASE(test_dp_pipeline_run_rate_limit_bits),
		CASE(test_dp_pipeline_run_rate_limit_aggregate),
		CASE(test_dp_pipeline_run_rate_evictions),
		CASE(test_dp_pipeline_run_outbound),
		CASE(test_dp_pipeline_run_syn_flood),
		CASE(test_dp_pipeline_run_udp_amplification),
		CASE(test_dp_pipeline_run_icmp_flood),
		CASE(test_dp_pipeline_run_default_drop),
		CASE(test_dp_pipeline_run_monitor_mode),
		CASE(test_dp_pipeline_run_parser_reasons),
		CASE(test_dp_pipeline_run_auto_block),
		CASE(test_dp_pipeline_run_auto_block_disabled),
		CASE(test_dp_pipeline_run_auto_block_monitor),
		CASE(test_dp_pipeline_run_auto_block_ring_full),
		CASE(test_dp_pipeline_run_auto_block_reaches_blocklist),
		CASE(test_dp_pipeline_run_burst_same_as_single),
	};

	return cmocka_run_group_tests_name("dataplane_pipeline", tests, setup,
	                                   eal_fixture_teardown);
}
