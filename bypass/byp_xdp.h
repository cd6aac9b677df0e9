/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP software bypass: constants and map layouts shared by the BPF program
 * (byp_xdp.bpf.c) and its loader (byp_drv_xdp.c). Both sides include this file, so it uses
 * only the kernel's fixed-width types.
 *
 * The program sits on the kernel interface of every link-pair port. Its one state record
 * lives in a one-entry BPF array created with BPF_F_MMAPABLE: rampartd maps it into its
 * address space, so feeding the watchdog is one 64-bit store and never a system call.
 */
#ifndef RAMPART_BYP_XDP_H
#define RAMPART_BYP_XDP_H

#include <linux/types.h>

/* "RPBX" in the state record: the pinned map is a Rampart bypass map of this layout. */
#define BYP_XDP_MAGIC 0x52504258u
#define BYP_XDP_LAYOUT 2u /* bump whenever struct byp_xdp_state or a map changes */

/*
 * What the program does with every frame. Bypass is 0 on purpose: a state record that
 * nobody has written yet (a map just created) fails open.
 */
#define BYP_XDP_MODE_BYPASS 0u     /* redirect to the paired port */
#define BYP_XDP_MODE_INLINE 1u     /* XDP_PASS: the dataplane's socket gets the frame */
#define BYP_XDP_MODE_DISCONNECT 2u /* XDP_DROP */

/* Who last set the mode. */
#define BYP_XDP_BY_LOADER 0u   /* rampartd */
#define BYP_XDP_BY_WATCHDOG 1u /* the program itself, on a stale heartbeat */

/*
 * The state record. Writers: rampartd writes mode (with a plain store: it owns every
 * transition but one), heartbeat_ns, watchdog_ns, wd_mode, magic and layout; the program
 * writes mode only with a compare-and-swap from inline to wd_mode (bypass or disconnect), and
 * then latched_ns, set_by and expiries. Times are CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns()).
 */
struct byp_xdp_state {
	__u32 magic;        /* BYP_XDP_MAGIC once initialised */
	__u32 layout;       /* BYP_XDP_LAYOUT */
	__u32 mode;         /* BYP_XDP_MODE_* */
	__u32 set_by;       /* BYP_XDP_BY_*: who set the mode last */
	__u64 heartbeat_ns; /* the last feed */
	__u64 watchdog_ns;  /* a heartbeat older than this latches bypass; 0: no watchdog */
	__u64 latched_ns;   /* when the program last latched bypass itself */
	__u64 expiries;     /* how many times it did */
	__u64 mode_ns;      /* when rampartd last wrote mode */
	__u32 wd_mode;      /* where the watchdog latches: BYP_XDP_MODE_BYPASS (0, the default)
	                     * or BYP_XDP_MODE_DISCONNECT on an HA standby (layout 2) */
	__u32 pad;
	__u64 spare[2];
};

/* Where a frame received on one port goes in bypass, and which way that is. */
struct byp_xdp_port {
	__u32 peer_ifindex; /* the paired port's kernel interface */
	__u32 dir;          /* BYP_XDP_DIR_* of frames received here */
	__u32 pair;         /* index of the link pair */
	__u32 pad;
};

#define BYP_XDP_DIR_INBOUND 0u  /* received on the upstream port: towards protected */
#define BYP_XDP_DIR_OUTBOUND 1u /* received on the protected port: towards upstream */

/* Per-CPU counters, summed by the loader. */
enum byp_xdp_ctr {
	BYP_XDP_CTR_PASSED = 0,      /* inline: passed to the dataplane */
	BYP_XDP_CTR_BYPASS_IN,       /* bypass: upstream -> protected */
	BYP_XDP_CTR_BYPASS_OUT,      /* bypass: protected -> upstream */
	BYP_XDP_CTR_DISCONNECT_DROP, /* disconnect: dropped */
	BYP_XDP_CTR_REDIRECT_FAIL,   /* bypass: no paired port for the ingress interface */
	BYP_XDP_CTR_NO_STATE,        /* the state map could not be read: passed */
	BYP_XDP_CTR__MAX,
};

/* Limits of the maps: every port of every link pair. */
#define BYP_XDP_MAX_PORTS 64

/* Names of the maps and of the program, also their file names under the pin directory. */
#define BYP_XDP_MAP_STATE "byp_state"
#define BYP_XDP_MAP_PORTS "byp_ports"
#define BYP_XDP_MAP_TX "byp_tx"
#define BYP_XDP_MAP_CTR "byp_ctr"
#define BYP_XDP_PROG "byp_xdp"

#endif /* RAMPART_BYP_XDP_H */
