/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mitigation benchmark's XDP peer: the same filtering as rampartd's pipeline for the
 * benchmark's IPv4 traffic, written the way an XDP program would do it, and timed with
 * BPF_PROG_TEST_RUN by tools/bench/xdp_bench.c on the same frames.
 *
 *   parse Ethernet (one VLAN tag at most) + IPv4 + TCP/UDP;
 *   blocklist: a hash of source addresses;
 *   deny prefixes: an LPM trie of source prefixes;
 *   rules, first match in file order: an LPM trie on the destination gives the segment of
 *   the rules that can match that destination (the loader puts every rule whose dst prefix
 *   contains the segment's prefix in it, in file order), scanned with bpf_loop();
 *   rate-limit rules: GCRA per (rule, source) in an LRU hash; per-rule packet counters.
 *
 * xdp-filter (xdp-tools) cannot express these rules: it matches single addresses and single
 * ports, not prefixes combined with protocols, port ranges and flags. Left out here and kept
 * by rampartd: IPv6, the SYN/ICMP flood and amplification protections, byte counters.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_filter_bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 1);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct xb_lpm_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} deny SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct xb_lpm_key);
	__type(value, struct xb_seg);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
} segs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} seg_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct xb_rule);
	__uint(max_entries, 1);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} rule_ctr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct xb_rate_key);
	__type(value, __u64);
	__uint(max_entries, 65536);
} rate SEC(".maps");

struct scan {
	__u32 start;
	__u32 src, dst;
	__u16 sport, dport, len;
	__u8 proto, flags;
	__u32 match; /* rule index + 1, 0 for none */
};

static long
scan_one(__u32 i, void *arg)
{
	struct scan *s = arg;
	__u32 pos = s->start + i, *idx;
	struct xb_rule *r;

	idx = bpf_map_lookup_elem(&seg_rules, &pos);
	if (idx == NULL)
		return 1;
	r = bpf_map_lookup_elem(&rules, idx);
	if (r == NULL)
		return 1;
	if ((s->src & r->src_mask) != r->src || (s->dst & r->dst_mask) != r->dst ||
	    (s->proto & r->proto_mask) != r->proto || (s->flags & r->flags_mask) != r->flags ||
	    s->sport < r->sp_lo || s->sport > r->sp_hi || s->dport < r->dp_lo ||
	    s->dport > r->dp_hi || s->len < r->len_lo || s->len > r->len_hi)
		return 0;
	s->match = *idx + 1;
	return 1;
}

/* GCRA, as dp_limit_admit() does for packets. */
static int
rate_admit(const struct xb_rule *r, __u32 rule, __u32 src)
{
	struct xb_rate_key k = { .rule = rule, .src = src };
	__u64 now = bpf_ktime_get_ns(), *tat, t;

	tat = bpf_map_lookup_elem(&rate, &k);
	if (tat == NULL) {
		t = now + r->interval_ns;
		bpf_map_update_elem(&rate, &k, &t, BPF_ANY);
		return 1;
	}
	t = *tat > now ? *tat : now;
	if (t - now > r->tau_ns)
		return 0;
	*tat = t + r->interval_ns;
	return 1;
}

SEC("xdp")
int
xdp_filter_bench(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct xb_lpm_key lk;
	struct xb_seg *seg;
	struct scan s = {};
	__u16 proto;
	__u8 *l4;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	proto = eth->h_proto;
	ip = (void *)(eth + 1);
	if (proto == bpf_htons(ETH_P_8021Q)) {
		if ((void *)ip + 4 > end)
			return XDP_DROP;
		proto = *(__u16 *)((__u8 *)ip + 2);
		ip = (void *)((__u8 *)ip + 4);
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if ((void *)(ip + 1) > end || ip->ihl < 5)
		return XDP_DROP;
	l4 = (__u8 *)ip + ip->ihl * 4;
	s.src = ip->saddr;
	s.dst = ip->daddr;
	s.proto = ip->protocol;
	s.len = bpf_ntohs(ip->tot_len);
	if ((ip->frag_off & bpf_htons(0x1fff)) == 0) {
		if (ip->protocol == IPPROTO_TCP) {
			if ((void *)(l4 + 20) > end)
				return XDP_DROP;
			s.flags = l4[13];
		}
		if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
			if ((void *)(l4 + 8) > end)
				return XDP_DROP;
			s.sport = bpf_ntohs(*(__u16 *)l4);
			s.dport = bpf_ntohs(*(__u16 *)(l4 + 2));
		}
	}

	if (bpf_map_lookup_elem(&blocklist, &s.src) != NULL)
		return XDP_DROP;
	lk.prefixlen = 32;
	lk.addr = s.src;
	if (bpf_map_lookup_elem(&deny, &lk) != NULL)
		return XDP_DROP;

	lk.addr = s.dst;
	seg = bpf_map_lookup_elem(&segs, &lk);
	if (seg == NULL || seg->count == 0)
		return XDP_PASS;
	s.start = seg->start;
	bpf_loop(seg->count, scan_one, &s, 0);
	if (s.match != 0) {
		__u32 idx = s.match - 1;
		struct xb_rule *r = bpf_map_lookup_elem(&rules, &idx);
		__u64 *c = bpf_map_lookup_elem(&rule_ctr, &idx);

		if (c != NULL)
			*c += 1;
		if (r == NULL)
			return XDP_PASS;
		if (r->action == XB_DROP)
			return XDP_DROP;
		if (r->action == XB_RATE && !rate_admit(r, idx, s.src))
			return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
