/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policy compilation: a parsed policy file becomes rte_acl contexts for the rules (one per
 * address family), dp_pfx4 sets (IPv4) and rte_lpm6 tables (IPv6) for the allow and deny
 * prefixes, and the limits the workers apply, all in one struct dp_policy that is immutable
 * once published.
 *
 * Runs on the control thread only. Nothing here touches a published policy: building a new
 * one and swapping it in are separate steps, so a policy that fails to build changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <netinet/in.h>

#include "dp_priv.h"

/* rte_acl may use at most this much memory for one context; past it, it splits the rules
 * into more tries (slower to search, smaller to hold). */
#define DP_ACL_MAX_SIZE (256u << 20)

enum { F4_PROTO, F4_SRC, F4_DST, F4_SPORT, F4_DPORT, F4_FLAGS, F4_INGRESS, F4_LEN, F4_NUM };
enum {
	F6_PROTO,
	F6_SRC0,
	F6_DST0 = F6_SRC0 + 4,
	F6_SPORT = F6_DST0 + 4,
	F6_DPORT,
	F6_FLAGS,
	F6_INGRESS,
	F6_LEN,
	F6_NUM
};

RTE_ACL_RULE_DEF(dp_acl_rule4, F4_NUM);
RTE_ACL_RULE_DEF(dp_acl_rule6, F6_NUM);

#define FIELD(t, sz, fi, in, off)                                                                 \
	{                                                                                         \
		.type = RTE_ACL_FIELD_TYPE_##t, .size = sz, .field_index = fi, .input_index = in, \
		.offset = off                                                                     \
	}

static const struct rte_acl_field_def acl4_defs[F4_NUM] = {
	FIELD(BITMASK, 1, F4_PROTO, 0, offsetof(struct dp_acl_key4, proto)),
	FIELD(MASK, 4, F4_SRC, 1, offsetof(struct dp_acl_key4, src)),
	FIELD(MASK, 4, F4_DST, 2, offsetof(struct dp_acl_key4, dst)),
	FIELD(RANGE, 2, F4_SPORT, 3, offsetof(struct dp_acl_key4, sport)),
	FIELD(RANGE, 2, F4_DPORT, 3, offsetof(struct dp_acl_key4, dport)),
	FIELD(BITMASK, 1, F4_FLAGS, 4, offsetof(struct dp_acl_key4, tcp_flags)),
	FIELD(BITMASK, 1, F4_INGRESS, 4, offsetof(struct dp_acl_key4, ingress)),
	FIELD(RANGE, 2, F4_LEN, 4, offsetof(struct dp_acl_key4, len)),
};

static const struct rte_acl_field_def acl6_defs[F6_NUM] = {
	FIELD(BITMASK, 1, F6_PROTO, 0, offsetof(struct dp_acl_key6, proto)),
	FIELD(MASK, 4, F6_SRC0 + 0, 1, offsetof(struct dp_acl_key6, src) + 0),
	FIELD(MASK, 4, F6_SRC0 + 1, 2, offsetof(struct dp_acl_key6, src) + 4),
	FIELD(MASK, 4, F6_SRC0 + 2, 3, offsetof(struct dp_acl_key6, src) + 8),
	FIELD(MASK, 4, F6_SRC0 + 3, 4, offsetof(struct dp_acl_key6, src) + 12),
	FIELD(MASK, 4, F6_DST0 + 0, 5, offsetof(struct dp_acl_key6, dst) + 0),
	FIELD(MASK, 4, F6_DST0 + 1, 6, offsetof(struct dp_acl_key6, dst) + 4),
	FIELD(MASK, 4, F6_DST0 + 2, 7, offsetof(struct dp_acl_key6, dst) + 8),
	FIELD(MASK, 4, F6_DST0 + 3, 8, offsetof(struct dp_acl_key6, dst) + 12),
	FIELD(RANGE, 2, F6_SPORT, 9, offsetof(struct dp_acl_key6, sport)),
	FIELD(RANGE, 2, F6_DPORT, 9, offsetof(struct dp_acl_key6, dport)),
	FIELD(BITMASK, 1, F6_FLAGS, 10, offsetof(struct dp_acl_key6, tcp_flags)),
	FIELD(BITMASK, 1, F6_INGRESS, 10, offsetof(struct dp_acl_key6, ingress)),
	FIELD(RANGE, 2, F6_LEN, 10, offsetof(struct dp_acl_key6, len)),
};

/* Names of rte_acl contexts and LPM tables are global to the process; "policy validate"
 * builds tables beside the running ones, so every build takes fresh names. */
static unsigned int build_seq;

size_t
dp_heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t used = 0;

	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats((int)s, &st) == 0)
			used += st.heap_allocsz_bytes;
	return used;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Fill an rte_acl MASK field with the 32-bit chunk @chunk (0..3) of prefix @p. */
static void
mask_chunk(struct rte_acl_field *f, const struct cfg_prefix *p, bool has, unsigned int chunk)
{
	uint32_t v;
	int bits;

	if (!has) {
		f->value.u32 = 0;
		f->mask_range.u32 = 0;
		return;
	}
	bits = (int)p->len - (int)chunk * 32;
	bits = bits < 0 ? 0 : bits > 32 ? 32 : bits;
	memcpy(&v, p->addr + chunk * 4, 4);
	f->value.u32 = bits == 0 ? 0 : rte_be_to_cpu_32(v);
	f->mask_range.u32 = (uint32_t)bits;
}

struct rule_shape {
	uint8_t proto, proto_mask;
	uint8_t flags, flags_mask;
	uint8_t ingress, ingress_mask;
	uint16_t len_lo, len_hi;
	uint32_t category_mask;
	int32_t priority;
	uint32_t userdata;
};

static const struct cfg_port_range any_port = { 0, 65535 };

/*
 * Add the rule @r (shape @s) to the rte_acl context of address family @family once per
 * combination of its port ranges. Both families' rules have the same fields in the same
 * order; IPv4 addresses take one 32-bit field each, IPv6 addresses four.
 */
static int
acl_add(struct rte_acl_ctx *ctx, unsigned int family, const struct cfg_rule *r,
        const struct rule_shape *s, uint32_t *added)
{
	unsigned int ns = r->n_src_ports ? r->n_src_ports : 1;
	unsigned int nd = r->n_dst_ports ? r->n_dst_ports : 1;
	unsigned int chunks = family == 4 ? 1 : 4;
	unsigned int src = 1, dst = src + chunks, sport = dst + chunks;
	unsigned int dport = sport + 1, flags = dport + 1, ingress = flags + 1, len = ingress + 1;
	union {
		struct dp_acl_rule4 r4;
		struct dp_acl_rule6 r6;
	} u;
	struct rte_acl_rule_data *data = family == 4 ? &u.r4.data : &u.r6.data;
	struct rte_acl_field *f = family == 4 ? u.r4.field : u.r6.field;

	RTE_BUILD_BUG_ON(F4_LEN != 1 + 2 * 1 + 4 || F6_LEN != 1 + 2 * 4 + 4);
	for (unsigned int i = 0; i < ns; i++) {
		for (unsigned int j = 0; j < nd; j++) {
			const struct cfg_port_range *sp =
				r->n_src_ports ? &r->src_ports[i] : &any_port;
			const struct cfg_port_range *dpr =
				r->n_dst_ports ? &r->dst_ports[j] : &any_port;
			int ret;

			memset(&u, 0, sizeof(u));
			data->category_mask = s->category_mask;
			data->priority = s->priority;
			data->userdata = s->userdata;
			f[0].value.u8 = s->proto;
			f[0].mask_range.u8 = s->proto_mask;
			for (unsigned int c = 0; c < chunks; c++) {
				mask_chunk(&f[src + c], &r->src, r->has_src, c);
				mask_chunk(&f[dst + c], &r->dst, r->has_dst, c);
			}
			f[sport].value.u16 = sp->lo;
			f[sport].mask_range.u16 = sp->hi;
			f[dport].value.u16 = dpr->lo;
			f[dport].mask_range.u16 = dpr->hi;
			f[flags].value.u8 = s->flags;
			f[flags].mask_range.u8 = s->flags_mask;
			f[ingress].value.u8 = s->ingress;
			f[ingress].mask_range.u8 = s->ingress_mask;
			f[len].value.u16 = s->len_lo;
			f[len].mask_range.u16 = s->len_hi;
			ret = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&u, 1);
			if (ret < 0)
				return ret;
			(*added)++;
		}
	}
	return 0;
}

static struct rte_acl_ctx *
acl_create(unsigned int family, uint32_t max_rules)
{
	struct rte_acl_param prm;
	char name[RTE_ACL_NAMESIZE];

	snprintf(name, sizeof(name), "rp_acl%u_%u", family, build_seq);
	memset(&prm, 0, sizeof(prm));
	prm.name = name;
	prm.socket_id = SOCKET_ID_ANY;
	prm.rule_size = family == 4 ? RTE_ACL_RULE_SZ(F4_NUM) : RTE_ACL_RULE_SZ(F6_NUM);
	prm.max_rule_num = max_rules;
	return rte_acl_create(&prm);
}

static int
acl_build(struct rte_acl_ctx *ctx, unsigned int family, uint32_t categories)
{
	struct rte_acl_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = categories;
	if (family == 4) {
		cfg.num_fields = F4_NUM;
		memcpy(cfg.defs, acl4_defs, sizeof(acl4_defs));
	} else {
		cfg.num_fields = F6_NUM;
		memcpy(cfg.defs, acl6_defs, sizeof(acl6_defs));
	}
	cfg.max_size = DP_ACL_MAX_SIZE;
	return rte_acl_build(ctx, &cfg);
}

/* Which families a rule applies to: a prefix fixes it, so do icmp and icmpv6. */
static void
rule_families(const struct cfg_rule *r, bool *v4, bool *v6)
{
	*v4 = *v6 = true;
	if (r->has_src || r->has_dst) {
		uint8_t fam = r->has_src ? r->src.family : r->dst.family;

		*v4 = fam == 4;
		*v6 = fam == 6;
	}
	if (r->has_proto && r->proto == IPPROTO_ICMP)
		*v6 = false;
	if (r->has_proto && r->proto == IPPROTO_ICMPV6)
		*v4 = false;
}

static uint32_t
rule_expansion(const struct cfg_rule *r)
{
	return (r->n_src_ports ? r->n_src_ports : 1) * (r->n_dst_ports ? r->n_dst_ports : 1);
}

static int
link_pair_index(const struct cfg_node *node, const char *name)
{
	for (unsigned int i = 0; i < node->n_link_pairs; i++)
		if (strcmp(node->link_pairs[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Check what only the node can tell (link pair names, count rules) and fill rule shapes. */
static int
rules_resolve(struct dp_policy *p, const struct cfg_policy *cp, const struct cfg_node *node,
              struct rule_shape *shapes, struct cfg_errors *errs)
{
	unsigned int n_count = 0;
	int ret = 0;

	for (uint32_t i = 0; i < cp->n_rules; i++) {
		const struct cfg_rule *r = &cp->rules[i];
		struct rule_shape *s = &shapes[i];

		memset(s, 0, sizeof(*s));
		s->proto = r->has_proto ? r->proto : 0;
		s->proto_mask = r->has_proto ? 0xff : 0;
		s->flags = r->tcp_flags;
		s->flags_mask = r->tcp_flags_mask;
		s->len_lo = r->min_len;
		s->len_hi = r->max_len;
		s->priority = (int32_t)(RTE_ACL_MAX_PRIORITY - i);
		s->userdata = i + 1;
		if (r->direction == CFG_DIR_INBOUND || r->direction == CFG_DIR_OUTBOUND) {
			s->ingress = r->direction == CFG_DIR_OUTBOUND ? 1 : 0;
			s->ingress_mask = 1;
		}
		if (r->link_pair[0] != '\0') {
			int lp = link_pair_index(node, r->link_pair);

			if (lp < 0) {
				cfg_error_add(errs, r->line,
				              "rule %s: link pair \"%s\" is not in the node config",
				              r->name, r->link_pair);
				ret = -EINVAL;
				continue;
			}
			s->ingress |= (uint8_t)(lp << 1);
			s->ingress_mask |= 0xfe;
		}
		if (r->action == CFG_ACTION_COUNT) {
			if (n_count >= DP_MAX_COUNT_RULES) {
				cfg_error_add(errs, r->line,
				              "rule %s: at most %u rules may have action \"count\"",
				              r->name, DP_MAX_COUNT_RULES);
				ret = -EINVAL;
				continue;
			}
			s->category_mask = 1u << (++n_count);
		} else {
			s->category_mask = 1;
		}
	}
	p->n_count = n_count;
	p->n_categories = n_count == 0 ? 1 : RTE_ALIGN(n_count + 1, RTE_ACL_RESULTS_MULTIPLIER);
	return ret;
}

bool dp_policy_no_scan4;

/*
 * Short chains: a packet compares with a few rules, fewer instructions and cache lines than
 * rte_acl's trie walk (tools/bench/mitigate measures both). Past these limits rte_acl stays,
 * except for large rule sets: with more than dp_scan4_acl_max IPv4 rte_acl rules rte_acl took
 * minutes and gave up past DP_ACL_MAX_SIZE (-ERANGE) on the benchmark's 100k rules, so there
 * dp_scan4 is taken up to the looser dp_scan4_limits_large.
 */
struct dp_scan4_limits dp_scan4_limits = {
	.max_mean = 24.0,
	.max_seg = 512,
	.max_entries = 1u << 21,
	.max_24 = 1u << 22,
};
struct dp_scan4_limits dp_scan4_limits_large = {
	.max_mean = 256.0,
	.max_seg = 4096,
	.max_entries = 1u << 22,
	.max_24 = 1u << 22,
};
uint32_t dp_scan4_acl_max = 65536;

/* Build the segment classifier for the IPv4 rules when it suits them: p->scan4, or NULL. */
static int
scan4_try(struct dp_policy *p, const struct cfg_policy *cp, const struct rule_shape *shapes,
          uint32_t n4)
{
	struct dp_scan4_shape *sh = calloc(cp->n_rules ? cp->n_rules : 1, sizeof(*sh));
	int err;

	if (sh == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < cp->n_rules; i++) {
		bool v4, v6;

		rule_families(&cp->rules[i], &v4, &v6);
		sh[i].v4 = v4;
		sh[i].proto = shapes[i].proto;
		sh[i].proto_mask = shapes[i].proto_mask;
		sh[i].flags = shapes[i].flags;
		sh[i].flags_mask = shapes[i].flags_mask;
		sh[i].ingress = shapes[i].ingress;
		sh[i].ingress_mask = shapes[i].ingress_mask;
		sh[i].len_lo = shapes[i].len_lo;
		sh[i].len_hi = shapes[i].len_hi;
	}
	p->scan4 = dp_scan4_build(cp->rules, sh, (uint32_t)cp->n_rules,
	                          n4 > dp_scan4_acl_max ? &dp_scan4_limits_large : &dp_scan4_limits,
	                          &err);
	free(sh);
	return err == -E2BIG ? 0 : err;
}

static int
rules_compile(struct dp_policy *p, const struct cfg_policy *cp, const struct rule_shape *shapes,
              struct cfg_errors *errs)
{
	uint32_t n4 = 0, n6 = 0, added = 0;
	int ret;

	for (uint32_t i = 0; i < cp->n_rules; i++) {
		bool v4, v6;

		rule_families(&cp->rules[i], &v4, &v6);
		n4 += v4 ? rule_expansion(&cp->rules[i]) : 0;
		n6 += v6 ? rule_expansion(&cp->rules[i]) : 0;
	}
	if (n4 > 0 && p->n_count == 0 && !dp_policy_no_scan4) {
		ret = scan4_try(p, cp, shapes, n4);
		if (ret == -ENOMEM)
			goto nomem;
		if (p->scan4 != NULL) {
			added += n4;
			n4 = 0;
		}
	}
	if (n4 > 0 && (p->acl4 = acl_create(4, n4)) == NULL)
		goto nomem;
	if (n6 > 0 && (p->acl6 = acl_create(6, n6)) == NULL)
		goto nomem;
	for (uint32_t i = 0; i < cp->n_rules; i++) {
		const struct cfg_rule *r = &cp->rules[i];
		bool v4, v6;

		rule_families(r, &v4, &v6);
		ret = v4 && p->acl4 != NULL ? acl_add(p->acl4, 4, r, &shapes[i], &added) : 0;
		if (ret == 0 && v6)
			ret = acl_add(p->acl6, 6, r, &shapes[i], &added);
		if (ret < 0) {
			cfg_error_add(errs, r->line, "rule %s: the classifier refused it: %s",
			              r->name, strerror(-ret));
			return ret;
		}
	}
	p->info.n_acl_rules = added;
	if (p->acl4 != NULL && (ret = acl_build(p->acl4, 4, p->n_categories)) < 0)
		goto build;
	if (p->acl6 != NULL && (ret = acl_build(p->acl6, 6, p->n_categories)) < 0)
		goto build;
	return 0;
build:
	cfg_error_add(errs, 0, "cannot build the rule classifier for %u rules: %s", added,
	              strerror(-ret));
	return ret;
nomem:
	cfg_error_add(errs, 0, "cannot create the rule classifier: %s", rte_strerror(rte_errno));
	return -ENOMEM;
}

static int
cmp_prefix(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct cfg_prefix));
}

/*
 * Add @q, an IPv6 prefix, to @l6. rte_lpm6 takes depths from 1 only, so a /0 goes in as the
 * two /1 halves of the address space (two rules of the table).
 */
static int
prefix6_add(struct rte_lpm6 *l6, const struct cfg_prefix *q)
{
	uint8_t half[16];
	int ret;

	if (q->len > 0)
		return rte_lpm6_add(l6, q->addr, q->len, 1);
	memset(half, 0, sizeof(half));
	ret = rte_lpm6_add(l6, half, 1, 1);
	half[0] = 0x80;
	return ret < 0 ? ret : rte_lpm6_add(l6, half, 1, 1);
}

/* Build the tables of one prefix list: a dp_pfx4 set for IPv4 (a /0 included), an rte_lpm6
 * for IPv6. @what is "allow" or "deny". */
static int
prefixes_compile(const struct cfg_prefix *list, size_t n, const char *what, struct dp_pfx4 **l4,
                 struct rte_lpm6 **l6, struct cfg_errors *errs)
{
	struct cfg_prefix *sorted;
	size_t n4 = 0, n6 = 0, rules6 = 0, tbl8_6 = 0;
	char name[RTE_LPM6_NAMESIZE];
	int ret = 0;

	*l4 = NULL;
	*l6 = NULL;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (list[i].family == 4) {
			n4++;
		} else {
			n6++;
			rules6 += list[i].len == 0 ? 2 : 1;
			tbl8_6 += list[i].len > 24 ? (size_t)(list[i].len - 24 + 7) / 8 : 0;
		}
	}
	if (n4 > 0) {
		*l4 = dp_pfx4_create(list, n, SOCKET_ID_ANY);
		if (*l4 == NULL)
			goto nomem;
	}
	if (n6 == 0)
		return 0;
	sorted = malloc(n6 * sizeof(*sorted));
	if (sorted == NULL)
		return -ENOMEM;
	n6 = 0;
	for (size_t i = 0; i < n; i++)
		if (list[i].family == 6)
			sorted[n6++] = list[i];
	qsort(sorted, n6, sizeof(*sorted), cmp_prefix);
	{
		struct rte_lpm6_config c = {
			.max_rules = (uint32_t)rules6,
			.number_tbl8s = (uint32_t)(tbl8_6 + 1 < (1u << 24) ? tbl8_6 + 1 : 1u << 24),
		};

		snprintf(name, sizeof(name), "rp_%s6_%u", what, build_seq);
		*l6 = rte_lpm6_create(name, SOCKET_ID_ANY, &c);
		if (*l6 == NULL) {
			free(sorted);
			goto nomem;
		}
	}
	for (size_t i = 0; i < n6; i++) {
		const struct cfg_prefix *q = &sorted[i];

		if (i > 0 && memcmp(q, &sorted[i - 1], sizeof(*q)) == 0)
			continue;
		ret = prefix6_add(*l6, q);
		if (ret < 0) {
			char buf[64];

			cfg_prefix_format(q, buf, sizeof(buf));
			cfg_error_add(errs, 0, "cannot add %s prefix %s: %s", what, buf,
			              strerror(-ret));
			break;
		}
	}
	free(sorted);
	return ret;
nomem:
	cfg_error_add(errs, 0, "cannot create the %s prefix table (%zu IPv4, %zu IPv6): %s", what,
	              n4, n6, rte_strerror(rte_errno));
	return -ENOMEM;
}

static void
protection_compile(struct dp_policy *p, const struct cfg_protection *pr, uint64_t hz)
{
	p->drop_fragments = pr->drop_fragments;
	p->prot.syn = pr->syn_flood.enabled;
	dp_limit_init(&p->prot.syn_src, pr->syn_flood.per_source_pps, 0, hz);
	dp_limit_init(&p->prot.syn_dst, pr->syn_flood.per_destination_pps, 0, hz);
	p->prot.amp = pr->udp_amplification.enabled;
	p->prot.amp_min_len = pr->udp_amplification.min_len;
	for (unsigned int i = 0; i < pr->udp_amplification.n_src_ports; i++) {
		uint16_t port = pr->udp_amplification.src_ports[i];

		p->prot.amp_ports[port / 8] |= (uint8_t)(1u << (port % 8));
	}
	p->prot.icmp = pr->icmp_flood.enabled;
	dp_limit_init(&p->prot.icmp_src, pr->icmp_flood.per_source_pps, 0, hz);
	p->prot.auto_block = pr->auto_block.enabled;
	p->prot.exceed_ticks = (uint64_t)pr->auto_block.exceed_seconds * hz;
	p->prot.gap_ticks = hz;
	p->prot.block_seconds = pr->auto_block.block_seconds;
}

static int
workers_alloc(struct dp_policy *p, unsigned int n_workers)
{
	size_t n = p->n_rules ? p->n_rules : 1;

	p->n_workers = n_workers;
	for (unsigned int w = 0; w < n_workers; w++) {
		/* Each worker's counters on cache lines of their own. */
		p->pw[w].ctr = rte_zmalloc("rp_rule_ctr", n * sizeof(struct dp_rule_ctr),
		                           RTE_CACHE_LINE_SIZE);
		p->pw[w].agg = rte_zmalloc("rp_rule_agg", n * sizeof(struct dp_limit_state),
		                           RTE_CACHE_LINE_SIZE);
		if (p->pw[w].ctr == NULL || p->pw[w].agg == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
info_fill(struct dp_policy *p, const struct cfg_policy *cp)
{
	struct dp_policy_info *in = &p->info;

	snprintf(in->file, sizeof(in->file), "%s", cp->file);
	in->mode = cp->mode;
	in->default_action = cp->default_action;
	in->n_rules = (uint32_t)cp->n_rules;
	in->n_allow = cp->n_allow;
	in->n_deny = cp->n_deny;
	in->syn_flood = cp->protection.syn_flood.enabled;
	in->udp_amplification = cp->protection.udp_amplification.enabled;
	in->icmp_flood = cp->protection.icmp_flood.enabled;
	in->drop_fragments = cp->protection.drop_fragments;
	in->auto_block = cp->protection.auto_block.enabled;
}

struct dp_policy *
dp_policy_build(const struct cfg_policy *cp, const struct cfg_node *node, unsigned int n_workers,
                uint64_t version, uint64_t hz, struct cfg_errors *errs)
{
	struct rule_shape *shapes = NULL;
	struct dp_policy *p;
	struct timespec t0;
	size_t m0, m1;
	int ret = -ENOMEM;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	m0 = dp_heap_used();
	build_seq++;
	p = rte_zmalloc("rp_policy", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL)
		goto fail;
	p->info.version = version;
	p->gen = (uint32_t)(version & 0xfff);
	p->mode = (uint8_t)cp->mode;
	p->default_action = (uint8_t)cp->default_action;
	info_fill(p, cp);
	p->n_rules = (uint32_t)cp->n_rules;
	if (p->n_rules > 0) {
		p->rules = rte_zmalloc("rp_rules", p->n_rules * sizeof(*p->rules), 0);
		p->cfg_rules = malloc(p->n_rules * sizeof(*p->cfg_rules));
		shapes = malloc(p->n_rules * sizeof(*shapes));
		if (p->rules == NULL || p->cfg_rules == NULL || shapes == NULL)
			goto fail;
		memcpy(p->cfg_rules, cp->rules, p->n_rules * sizeof(*p->cfg_rules));
	}
	for (uint32_t i = 0; i < p->n_rules; i++) {
		const struct cfg_rule *r = &cp->rules[i];
		struct dp_rule *d = &p->rules[i];
		uint64_t div = n_workers ? n_workers : 1;

		d->action = (uint8_t)r->action;
		d->per_source = r->per_source_pps || r->per_source_bps;
		d->aggregate = r->aggregate_pps || r->aggregate_bps;
		dp_limit_init(&d->src_limit, r->per_source_pps, r->per_source_bps, hz);
		/* Each worker enforces its share; RSS spreads sources evenly across them. */
		dp_limit_init(&d->agg_limit,
		              r->aggregate_pps ? RTE_MAX(r->aggregate_pps / div, (uint64_t)1) : 0,
		              r->aggregate_bps ? RTE_MAX(r->aggregate_bps / div, (uint64_t)1) : 0,
		              hz);
	}
	ret = rules_resolve(p, cp, node, shapes, errs);
	if (ret < 0)
		goto fail;
	m1 = dp_heap_used();
	ret = rules_compile(p, cp, shapes, errs);
	if (ret < 0)
		goto fail;
	p->info.mem_acl = dp_heap_used() - m1;
	m1 = dp_heap_used();
	ret = prefixes_compile(cp->allow, cp->n_allow, "allow", &p->allow4, &p->allow6, errs);
	if (ret == 0)
		ret = prefixes_compile(cp->deny, cp->n_deny, "deny", &p->deny4, &p->deny6, errs);
	if (ret < 0)
		goto fail;
	p->info.mem_lpm = dp_heap_used() - m1;
	protection_compile(p, &cp->protection, hz);
	m1 = dp_heap_used();
	ret = workers_alloc(p, n_workers);
	if (ret < 0)
		goto fail;
	p->info.mem_total = dp_heap_used() - m0;
	p->info.mem_rules = p->info.mem_total - p->info.mem_acl - p->info.mem_lpm;
	p->info.compile_ms = ms_since(&t0);
	free(shapes);
	return p;
fail:
	if (ret == -ENOMEM && errs != NULL && errs->count == 0)
		cfg_error_add(errs, 0, "out of memory compiling the policy (raise dpdk.memory_mb)");
	free(shapes);
	dp_policy_destroy(p);
	errno = -ret;
	return NULL;
}

void
dp_policy_destroy(struct dp_policy *p)
{
	if (p == NULL)
		return;
	rte_acl_free(p->acl4);
	rte_acl_free(p->acl6);
	dp_scan4_free(p->scan4);
	dp_pfx4_free(p->allow4);
	dp_pfx4_free(p->deny4);
	rte_lpm6_free(p->allow6);
	rte_lpm6_free(p->deny6);
	for (unsigned int w = 0; w < DP_MAX_WORKERS; w++) {
		rte_free(p->pw[w].ctr);
		rte_free(p->pw[w].agg);
	}
	rte_free(p->rules);
	free(p->cfg_rules);
	rte_free(p);
}

static void
key4_fill(struct dp_acl_key4 *k, const struct dp_pkt *pkt, uint8_t ingress)
{
	k->proto = pkt->proto;
	memset(k->pad, 0, sizeof(k->pad));
	memcpy(&k->src, pkt->src, 4);
	memcpy(&k->dst, pkt->dst, 4);
	k->sport = rte_cpu_to_be_16(pkt->sport);
	k->dport = rte_cpu_to_be_16(pkt->dport);
	k->tcp_flags = pkt->tcp_flags;
	k->ingress = ingress;
	k->len = rte_cpu_to_be_16(pkt->l3_len);
}

static void
key6_fill(struct dp_acl_key6 *k, const struct dp_pkt *pkt, uint8_t ingress)
{
	k->proto = pkt->proto;
	memset(k->pad, 0, sizeof(k->pad));
	memcpy(k->src, pkt->src, 16);
	memcpy(k->dst, pkt->dst, 16);
	k->sport = rte_cpu_to_be_16(pkt->sport);
	k->dport = rte_cpu_to_be_16(pkt->dport);
	k->tcp_flags = pkt->tcp_flags;
	k->ingress = ingress;
	k->len = rte_cpu_to_be_16(pkt->l3_len);
}

void
dp_policy_classify(const struct dp_policy *p, const struct dp_pkt *const *pkts,
                   const uint8_t *ingress, unsigned int n, uint32_t *res)
{
	struct dp_acl_key4 k4[DP_MAX_BURST];
	struct dp_acl_key6 k6[DP_MAX_BURST];
	const uint8_t *d4[DP_MAX_BURST], *d6[DP_MAX_BURST];
	uint32_t r4[DP_MAX_BURST * DP_ACL_CATEGORIES], r6[DP_MAX_BURST * DP_ACL_CATEGORIES];
	uint16_t i4[DP_MAX_BURST], i6[DP_MAX_BURST];
	unsigned int n4 = 0, n6 = 0, nc = p->n_categories;

	if (p->scan4 != NULL) {
		/* No count rules then: one category. IPv4 to the scanner, IPv6 to rte_acl. */
		const struct dp_pkt *c4[DP_MAX_BURST];
		uint8_t g4[DP_MAX_BURST];

		for (unsigned int i = 0; i < n; i++) {
			res[i] = 0;
			if (pkts[i]->family == 4) {
				c4[n4] = pkts[i];
				g4[n4] = ingress[i];
				i4[n4++] = (uint16_t)i;
			} else if (pkts[i]->family == 6 && p->acl6 != NULL) {
				key6_fill(&k6[n6], pkts[i], ingress[i]);
				d6[n6] = (const uint8_t *)&k6[n6];
				i6[n6++] = (uint16_t)i;
			}
		}
		if (n4 > 0) {
			dp_scan4_classify(p->scan4, c4, g4, n4, r4);
			for (unsigned int j = 0; j < n4; j++)
				res[i4[j]] = r4[j];
		}
		if (n6 > 0) {
			rte_acl_classify(p->acl6, d6, r6, n6, 1);
			for (unsigned int j = 0; j < n6; j++)
				res[i6[j]] = r6[j];
		}
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (pkts[i]->family == 4 && p->acl4 != NULL) {
			key4_fill(&k4[n4], pkts[i], ingress[i]);
			d4[n4] = (const uint8_t *)&k4[n4];
			i4[n4++] = (uint16_t)i;
		} else if (pkts[i]->family == 6 && p->acl6 != NULL) {
			key6_fill(&k6[n6], pkts[i], ingress[i]);
			d6[n6] = (const uint8_t *)&k6[n6];
			i6[n6++] = (uint16_t)i;
		}
		memset(&res[i * nc], 0, nc * sizeof(*res));
	}
	if (n4 > 0) {
		rte_acl_classify(p->acl4, d4, r4, n4, nc);
		for (unsigned int j = 0; j < n4; j++)
			memcpy(&res[i4[j] * nc], &r4[j * nc], nc * sizeof(*res));
	}
	if (n6 > 0) {
		rte_acl_classify(p->acl6, d6, r6, n6, nc);
		for (unsigned int j = 0; j < n6; j++)
			memcpy(&res[i6[j] * nc], &r6[j * nc], nc * sizeof(*res));
	}
}
