/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP software bypass program, attached natively to the kernel interface of every
 * link-pair port. One state record (byp_xdp.h) says what to do with each frame:
 *
 *   inline      XDP_PASS: the dataplane's af_packet socket receives the frame as before;
 *   bypass      redirect the frame to the paired port (upstream <-> protected), so the wire
 *               keeps working with nobody inspecting it;
 *   disconnect  XDP_DROP on both sides (fail-closed).
 *
 * The watchdog lives here: while inline, a heartbeat older than watchdog_ns makes the program
 * switch the record itself to the fail-safe mode rampartd left in wd_mode (bypass, or
 * disconnect on an HA standby, whose bypass would be a second path beside the master) (one compare-and-swap, so a concurrent write by rampartd
 * wins or loses whole) and count the expiry. A daemon that was killed or hangs therefore keeps
 * the wire up with no other process involved: the first frame after the deadline latches.
 */
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>

#include "byp_xdp.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct byp_xdp_state);
	__uint(max_entries, 1);
} byp_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* ingress ifindex */
	__type(value, struct byp_xdp_port);
	__uint(max_entries, BYP_XDP_MAX_PORTS);
} byp_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);   /* ingress ifindex */
	__type(value, __u32); /* egress ifindex */
	__uint(max_entries, BYP_XDP_MAX_PORTS);
} byp_tx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, BYP_XDP_CTR__MAX);
} byp_ctr SEC(".maps");

static __always_inline void
count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&byp_ctr, &which);

	if (c != NULL)
		*c += 1; /* per CPU: no other writer */
}

SEC("xdp")
int
byp_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0, ifindex = ctx->ingress_ifindex;
	struct byp_xdp_state *st = bpf_map_lookup_elem(&byp_state, &zero);
	struct byp_xdp_port *port;
	__u32 mode;

	if (st == NULL) {
		count(BYP_XDP_CTR_NO_STATE);
		return XDP_PASS;
	}
	mode = *(volatile __u32 *)&st->mode;
	if (mode == BYP_XDP_MODE_INLINE) {
		__u64 wd = *(volatile __u64 *)&st->watchdog_ns;
		__u64 hb = *(volatile __u64 *)&st->heartbeat_ns;
		__u64 now = bpf_ktime_get_ns();

		/* Signed: a heartbeat written after now was read is fresh, not 2^64 ns old. */
		if (wd != 0 && (__s64)(now - hb) > (__s64)wd) {
			__u32 to = *(volatile __u32 *)&st->wd_mode == BYP_XDP_MODE_DISCONNECT
			                   ? BYP_XDP_MODE_DISCONNECT
			                   : BYP_XDP_MODE_BYPASS;

			if (__sync_val_compare_and_swap(&st->mode, BYP_XDP_MODE_INLINE, to) ==
			    BYP_XDP_MODE_INLINE) {
				st->set_by = BYP_XDP_BY_WATCHDOG;
				st->latched_ns = now;
				__sync_fetch_and_add(&st->expiries, 1);
			}
			mode = *(volatile __u32 *)&st->mode;
		}
	}
	if (mode == BYP_XDP_MODE_INLINE) {
		count(BYP_XDP_CTR_PASSED);
		return XDP_PASS;
	}
	if (mode == BYP_XDP_MODE_DISCONNECT) {
		count(BYP_XDP_CTR_DISCONNECT_DROP);
		return XDP_DROP;
	}
	/* Bypass, or a mode this program does not know: fail open. */
	port = bpf_map_lookup_elem(&byp_ports, &ifindex);
	if (port == NULL) {
		count(BYP_XDP_CTR_REDIRECT_FAIL);
		return XDP_PASS;
	}
	count(port->dir == BYP_XDP_DIR_INBOUND ? BYP_XDP_CTR_BYPASS_IN : BYP_XDP_CTR_BYPASS_OUT);
	return bpf_redirect_map(&byp_tx, ifindex, XDP_PASS);
}
