/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 rule classifier for rule sets whose rules spread over many destinations. Every
 * distinct dst prefix of the rules is a segment holding the rules of that prefix, in file
 * order, and linking to its parent, the longest other segment that contains it (up to /0,
 * which holds the rules without a dst prefix). The packet's destination picks the longest
 * segment containing it; the rules that can match are exactly those along the chain from it
 * to /0. Each list is scanned up to its first match, or up to the first rule that comes after
 * the best match found so far in file order; the lowest match is rte_acl's highest priority.
 *
 * A destination finds its segment through a hash of /24s (one entry per /24 that some rule's
 * dst prefix covers), with 256-entry groups for the /24s that hold longer prefixes; a /24 in
 * no rule's prefix belongs to /0. Each rule is stored once, packed in 40 bytes.
 *
 * The policy compiler builds this instead of an rte_acl context when the chains come out
 * short (see dp_policy.c): then a packet compares with a handful of rules, which costs less
 * than rte_acl's walk of a trie over the 17 bytes of the key, and it builds in a fraction of
 * the time and memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "dp_priv.h"

#define TBL8_FLAG 0x80000000u
#define EMPTY UINT32_MAX

/* One expanded rule (a port combination) with what the build needs beside the packed form. */
struct xr {
	struct dp_scan4_rule r;
	uint8_t dlen;
	uint32_t order;
};

static uint32_t
mask_of(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static uint32_t
prefix_host(const struct cfg_prefix *p)
{
	uint32_t a;

	memcpy(&a, p->addr, 4);
	return rte_be_to_cpu_32(a);
}

/* Rules grouped by dst prefix: sorted by (length, address, order). */
static int
cmp_xr_dst(const void *a, const void *b)
{
	const struct xr *x = *(const struct xr *const *)a, *y = *(const struct xr *const *)b;

	if (x->dlen != y->dlen)
		return x->dlen < y->dlen ? -1 : 1;
	if (x->r.dst != y->r.dst)
		return x->r.dst < y->r.dst ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* First of @g (n, sorted by cmp_xr_dst) with dst prefix (len, addr), or n. */
static size_t
group_find(struct xr *const *g, size_t n, uint8_t len, uint32_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g[mid]->dlen < len || (g[mid]->dlen == len && g[mid]->r.dst < addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && g[lo]->dlen == len && g[lo]->r.dst == addr ? lo : n;
}

static uint32_t
slot_hash(uint32_t key24, uint32_t mask)
{
	return (key24 * 0x9E3779B1u >> 7) & mask;
}

/* The slot of @key24, taken (value @fresh) when absent. */
static struct dp_scan4_slot *
slot_get(struct dp_scan4 *s, uint32_t key24, uint32_t fresh)
{
	uint32_t i = slot_hash(key24, s->mask24);

	while (s->tbl24[i].key != key24 && s->tbl24[i].key != EMPTY)
		i = (i + 1) & s->mask24;
	if (s->tbl24[i].key == EMPTY) {
		s->tbl24[i].key = key24;
		s->tbl24[i].val = fresh;
	}
	return &s->tbl24[i];
}

static int
rule_expand(struct xr *out, const struct cfg_rule *r, const struct dp_scan4_shape *sh,
            uint32_t result, uint32_t *n)
{
	unsigned int ns = r->n_src_ports ? r->n_src_ports : 1;
	unsigned int nd = r->n_dst_ports ? r->n_dst_ports : 1;

	for (unsigned int a = 0; a < ns; a++) {
		for (unsigned int b = 0; b < nd; b++) {
			struct xr *x = &out[(*n)++];
			uint16_t slo = r->n_src_ports ? r->src_ports[a].lo : 0;
			uint16_t shi = r->n_src_ports ? r->src_ports[a].hi : 65535;
			uint16_t dlo = r->n_dst_ports ? r->dst_ports[b].lo : 0;
			uint16_t dhi = r->n_dst_ports ? r->dst_ports[b].hi : 65535;

			memset(x, 0, sizeof(*x));
			if (r->has_src) {
				x->r.src_mask = mask_of(r->src.len);
				x->r.src = prefix_host(&r->src) & x->r.src_mask;
			}
			if (r->has_dst) {
				x->dlen = r->dst.len;
				x->r.dst_mask = mask_of(r->dst.len);
				x->r.dst = prefix_host(&r->dst) & x->r.dst_mask;
			}
			x->r.sp_lo = slo;
			x->r.sp_span = (uint16_t)(shi - slo);
			x->r.dp_lo = dlo;
			x->r.dp_span = (uint16_t)(dhi - dlo);
			x->r.len_lo = sh->len_lo;
			x->r.len_span = (uint16_t)(sh->len_hi - sh->len_lo);
			x->r.proto = sh->proto;
			x->r.proto_mask = sh->proto_mask;
			x->r.flags = sh->flags;
			x->r.flags_mask = sh->flags_mask;
			x->r.ingress = sh->ingress;
			x->r.ingress_mask = sh->ingress_mask;
			x->r.result = result;
			x->order = *n - 1;
		}
	}
	return 0;
}

struct dp_scan4 *
dp_scan4_build(const struct cfg_rule *rules, const struct dp_scan4_shape *shapes, uint32_t n_rules,
               const struct dp_scan4_limits *lim, int *err)
{
	struct xr *xs = NULL, **by_dst = NULL;
	uint32_t n_x = 0, total = 0, n_any = 0;
	uint64_t chains = 0;
	uint64_t n24 = 0;
	struct dp_scan4 *s = NULL;
	size_t n_seg = 0;

	*err = -ENOMEM;
	for (uint32_t i = 0; i < n_rules; i++)
		if (shapes[i].v4)
			n_x += (rules[i].n_src_ports ? rules[i].n_src_ports : 1) *
			       (rules[i].n_dst_ports ? rules[i].n_dst_ports : 1);
	xs = calloc(n_x + 1, sizeof(*xs));
	by_dst = calloc(n_x + 1, sizeof(*by_dst));
	s = rte_zmalloc("rp_scan4", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (xs == NULL || by_dst == NULL || s == NULL)
		goto fail;
	n_x = 0;
	for (uint32_t i = 0; i < n_rules; i++)
		if (shapes[i].v4)
			rule_expand(xs, &rules[i], &shapes[i], i + 1, &n_x);
	for (uint32_t i = 0; i < n_x; i++)
		by_dst[i] = &xs[i];
	qsort(by_dst, n_x, sizeof(*by_dst), cmp_xr_dst);

	/* Segments: every distinct dst prefix, and /0 (index 0) for the rest, sorted by length.
	 * A segment holds the rules of its own prefix, in file order, and links to its parent,
	 * the longest other segment containing it: a packet scans up that chain. */
	for (uint32_t i = 0; i < n_x; i++)
		n_any += xs[i].r.proto_mask == 0;
	s->segs = rte_malloc("rp_scan4_segs", (n_x + 1) * sizeof(*s->segs), 0);
	s->rules = rte_malloc("rp_scan4_rules",
	                      (n_x + (size_t)n_any * (DP_SCAN4_PROTO_CLASSES - 1) + 1) *
	                              sizeof(*s->rules),
	                      RTE_CACHE_LINE_SIZE);
	if (s->segs == NULL || s->rules == NULL)
		goto fail;
	for (size_t i = 0; i <= n_x; i++) {
		uint8_t len = i == 0 ? 0 : by_dst[i - 1]->dlen;
		uint32_t addr = i == 0 ? 0 : by_dst[i - 1]->r.dst;
		struct dp_scan4_seg *g = &s->segs[n_seg];

		if (i > 0 &&
		    ((i > 1 && by_dst[i - 2]->dlen == len && by_dst[i - 2]->r.dst == addr) ||
		     len == 0))
			continue;
		g->len = len;
		g->addr = addr;
		g->parent = UINT32_MAX;
		g->count = 0;
		/* One list per protocol class; a rule for any protocol is in all of them. */
		for (unsigned int c = 0; c < DP_SCAN4_PROTO_CLASSES; c++) {
			g->start[c] = total;
			for (size_t at = group_find(by_dst, n_x, len, addr);
			     at < n_x && by_dst[at]->dlen == len && by_dst[at]->r.dst == addr;
			     at++) {
				const struct dp_scan4_rule *r = &by_dst[at]->r;

				if (r->proto_mask == 0 || dp_scan4_proto_class(r->proto) == c)
					s->rules[total++] = *r;
			}
			g->n[c] = total - g->start[c];
			g->count = g->n[c] > g->count ? g->n[c] : g->count;
		}
		/* The parent, found among the segments so far (all shorter or equal). */
		for (int l = (int)len - 1; l >= 0 && n_seg > 0; l--) {
			uint32_t a = addr & mask_of((unsigned int)l);
			size_t lo = 0, hi = n_seg;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (s->segs[mid].len < l ||
				    (s->segs[mid].len == l && s->segs[mid].addr < a))
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n_seg && s->segs[lo].len == l && s->segs[lo].addr == a) {
				g->parent = (uint32_t)lo;
				break;
			}
		}
		g->chain = g->count + (g->parent == UINT32_MAX ? 0 : s->segs[g->parent].chain);
		chains += g->chain;
		s->max_seg = g->chain > s->max_seg ? g->chain : s->max_seg;
		if (len <= 24 && len > 0)
			n24 += 1ull << (24 - len);
		else if (len > 24)
			n24++;
		n_seg++;
		if (g->chain > lim->max_seg || n24 > lim->max_24) {
			*err = -E2BIG;
			goto fail;
		}
	}
	s->n_segs = (uint32_t)n_seg;
	s->n_entries = total;
	if ((double)chains > lim->max_mean * (double)n_seg) {
		*err = -E2BIG;
		goto fail;
	}
	s->mean_chain = (double)chains / (double)n_seg;

	/* The /24 table. Segments are sorted by length, so a longer prefix overrides. */
	{
		uint32_t slots = 16, n_tbl8 = 0, n_long = 0;

		uint32_t *k24 = malloc((n_seg + 1) * sizeof(*k24)), m = 0;

		/* One 256-entry group per distinct /24 holding longer prefixes. */
		if (k24 == NULL)
			goto fail;
		for (size_t k = 0; k < n_seg; k++)
			if (s->segs[k].len > 24)
				k24[m++] = s->segs[k].addr >> 8;
		qsort(k24, m, sizeof(*k24), cmp_u32);
		for (uint32_t k = 0; k < m; k++)
			n_long += k == 0 || k24[k] != k24[k - 1];
		free(k24);
		while (slots < 2 * n24)
			slots <<= 1;
		s->mask24 = slots - 1;
		s->tbl24 = rte_malloc("rp_scan4_tbl24", slots * sizeof(*s->tbl24),
		                      RTE_CACHE_LINE_SIZE);
		s->tbl8 = rte_malloc("rp_scan4_tbl8", (n_long + 1) * sizeof(*s->tbl8),
		                     RTE_CACHE_LINE_SIZE);
		if (s->tbl24 == NULL || s->tbl8 == NULL)
			goto fail;
		memset(s->tbl24, 0xff, slots * sizeof(*s->tbl24));
		for (size_t k = 1; k < n_seg; k++) {
			const struct dp_scan4_seg *g = &s->segs[k];
			uint32_t key24 = g->addr >> 8;

			if (g->len <= 24) {
				for (uint32_t j = 0; j < 1u << (24 - g->len); j++)
					slot_get(s, key24 + j, 0)->val = (uint32_t)k;
			} else {
				struct dp_scan4_slot *sl = slot_get(s, key24, 0);
				uint32_t lo = g->addr & 0xff, cnt = 1u << (32 - g->len);

				if (!(sl->val & TBL8_FLAG)) {
					for (unsigned int h = 0; h < 256; h++)
						s->tbl8[n_tbl8][h] = sl->val;
					sl->val = TBL8_FLAG | n_tbl8++;
				}
				for (uint32_t h = lo; h < lo + cnt; h++)
					s->tbl8[sl->val & ~TBL8_FLAG][h] = (uint32_t)k;
			}
		}
		s->n_tbl8 = n_tbl8;
	}
	s->mem = sizeof(*s) + n_seg * sizeof(*s->segs) + total * sizeof(*s->rules) +
	         (s->mask24 + 1) * sizeof(*s->tbl24) + s->n_tbl8 * sizeof(*s->tbl8);
	free(xs);
	free(by_dst);
	*err = 0;
	return s;
fail:
	free(xs);
	free(by_dst);
	dp_scan4_free(s);
	return NULL;
}

void
dp_scan4_free(struct dp_scan4 *s)
{
	if (s == NULL)
		return;
	rte_free(s->segs);
	rte_free(s->rules);
	rte_free(s->tbl24);
	rte_free(s->tbl8);
	rte_free(s);
}

/* The segment of a destination (host byte order). */
static inline uint32_t
seg_of(const struct dp_scan4 *s, uint32_t dst)
{
	uint32_t key24 = dst >> 8, i = slot_hash(key24, s->mask24);

	for (;;) {
		const struct dp_scan4_slot *sl = &s->tbl24[i];

		if (sl->key == key24)
			return sl->val & TBL8_FLAG ? s->tbl8[sl->val & ~TBL8_FLAG][dst & 0xff]
			                           : sl->val;
		if (sl->key == EMPTY)
			return 0;
		i = (i + 1) & s->mask24;
	}
}

void
dp_scan4_classify(const struct dp_scan4 *s, const struct dp_pkt *const *pkts,
                  const uint8_t *ingress, unsigned int n, uint32_t *res)
{
	uint32_t seg[DP_MAX_BURST], src[DP_MAX_BURST], dst[DP_MAX_BURST];
	uint8_t cls[DP_MAX_BURST];

	for (unsigned int i = 0; i < n; i++) {
		uint32_t a;

		memcpy(&a, pkts[i]->src, 4);
		src[i] = rte_be_to_cpu_32(a);
		memcpy(&a, pkts[i]->dst, 4);
		dst[i] = rte_be_to_cpu_32(a);
		cls[i] = (uint8_t)dp_scan4_proto_class(pkts[i]->proto);
		rte_prefetch0(&s->tbl24[slot_hash(dst[i] >> 8, s->mask24)]);
	}
	for (unsigned int i = 0; i < n; i++) {
		seg[i] = seg_of(s, dst[i]);
		rte_prefetch0(&s->rules[s->segs[seg[i]].start[cls[i]]]);
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct dp_pkt *p = pkts[i];
		uint32_t best = UINT32_MAX;

		/* Up the chain of segments, in the packet's protocol class; each list is in file
		 * order, so a list ends at its first match or at the first rule after the best
		 * match so far. Every rule on the chain contains the destination: no dst test. */
		for (uint32_t g = seg[i]; g != UINT32_MAX; g = s->segs[g].parent) {
			const struct dp_scan4_rule *r = &s->rules[s->segs[g].start[cls[i]]];
			const struct dp_scan4_rule *end = r + s->segs[g].n[cls[i]];

			for (; r < end && r->result < best; r++) {
				if (((src[i] & r->src_mask) == r->src) &
				    ((p->proto & r->proto_mask) == r->proto) &
				    ((p->tcp_flags & r->flags_mask) == r->flags) &
				    ((ingress[i] & r->ingress_mask) == r->ingress) &
				    ((uint16_t)(p->dport - r->dp_lo) <= r->dp_span) &
				    ((uint16_t)(p->sport - r->sp_lo) <= r->sp_span) &
				    ((uint16_t)(p->l3_len - r->len_lo) <= r->len_span)) {
					best = r->result;
					break;
				}
			}
		}
		res[i] = best == UINT32_MAX ? 0 : best;
	}
}
