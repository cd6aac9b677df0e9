/* SPDX-License-Identifier: BSD-3-Clause */
/* Map layouts shared by the benchmark's XDP program and its loader, tools/bench/xdp_bench.c. */
#ifndef RAMPART_XDP_FILTER_BENCH_H
#define RAMPART_XDP_FILTER_BENCH_H

#include <linux/types.h>

enum { XB_ALLOW, XB_DROP, XB_RATE, XB_COUNT };

/* LPM trie key: prefix length, then the IPv4 address in network byte order. */
struct xb_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

/* The rules a destination prefix can match: seg_rules[start .. start + count). */
struct xb_seg {
	__u32 start;
	__u32 count;
};

/* One rule; addresses and masks in network byte order, the rest in host order. */
struct xb_rule {
	__u32 src, src_mask, dst, dst_mask;
	__u16 sp_lo, sp_hi, dp_lo, dp_hi;
	__u16 len_lo, len_hi;
	__u8 proto, proto_mask, flags, flags_mask;
	__u8 action;
	__u8 pad[7];
	__u64 interval_ns; /* rate-limit: nanoseconds per packet */
	__u64 tau_ns;      /* burst tolerance */
};

struct xb_rate_key {
	__u32 rule;
	__u32 src;
};

#endif /* RAMPART_XDP_FILTER_BENCH_H */
