/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart configuration: the node config file (libconfig syntax) parsed and
 * validated into plain C structures. libconfig types never leave this module,
 * and nothing here depends on DPDK, so the parser is testable and fuzzable
 * without an EAL.
 *
 * Every problem found is recorded as "FILE:LINE: message" in a struct
 * cfg_errors; parsing does not stop at the first one.
 */
#ifndef RAMPART_CFG_H
#define RAMPART_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CFG_NAME_MAX 32    /* port and link-pair names, incl. NUL */
#define CFG_ID_MAX 64      /* node id and stack name, incl. NUL */
#define CFG_DEVICE_MAX 256 /* PCI address or vdev devargs */
#define CFG_PATH_MAX 108   /* sun_path of a Unix socket */
#define CFG_LCORES_MAX 128 /* the EAL core list string */
#define CFG_MAX_PORTS 32
#define CFG_MAX_LINK_PAIRS 16
#define CFG_MAX_WORKERS 64
#define CFG_MAX_LCORE 128 /* lcore ids are below this (RTE_MAX_LCORE) */
#define CFG_MAX_EXTRA_ARGS 32
#define CFG_EXTRA_ARG_MAX 256
#define CFG_MAX_ERRORS 64
#define CFG_ERROR_MAX 320
#define CFG_FILE_SIZE_MAX (1024 * 1024) /* cfg_node_load() refuses bigger files (-EFBIG) */

/* meson passes the configured default on the command line; this is only a fallback. */
#ifndef RP_DEFAULT_SOCKET
#define RP_DEFAULT_SOCKET "/run/rampart/rampart.sock"
#endif

/* Log levels, in rte_log order so the daemon can pass them straight on. */
enum cfg_log_level {
	CFG_LOG_EMERG = 1,
	CFG_LOG_ALERT,
	CFG_LOG_CRIT,
	CFG_LOG_ERR,
	CFG_LOG_WARNING,
	CFG_LOG_NOTICE,
	CFG_LOG_INFO,
	CFG_LOG_DEBUG,
};

/* One problem in a file: the line it was found on (0 when the whole file) and a sentence. */
struct cfg_error {
	int line;
	char msg[CFG_ERROR_MAX];
};

struct cfg_errors {
	char file[CFG_PATH_MAX * 2]; /* the file name errors are reported against */
	unsigned int count;          /* errors recorded, at most CFG_MAX_ERRORS */
	unsigned int dropped;        /* errors found beyond CFG_MAX_ERRORS */
	struct cfg_error err[CFG_MAX_ERRORS];
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVICE_MAX]; /* "0000:03:00.0" or "net_af_packet0,iface=rpv-up0" */
	uint16_t rx_desc;            /* rx descriptors per queue, default 1024 */
	uint16_t tx_desc;            /* tx descriptors per queue, default 1024 */
	bool promiscuous;            /* default true: a bump in the wire sees every frame */
	int line;
};

/* An address of an interface with its prefix length: "198.51.100.1/24", "2001:db8::1/64".
 * Unlike a struct cfg_prefix, host bits are kept; a bare address has the full length. */
struct cfg_ifaddr {
	uint8_t family;   /* 4 or 6 */
	uint8_t len;      /* 0..32 or 0..128 */
	uint8_t addr[16]; /* network byte order, IPv4 in the first 4 bytes */
};

#define CFG_MAX_PAIR_ADDRS 4 /* addresses on one side of an l3 link pair */

enum cfg_pair_mode {
	CFG_PAIR_L2 = 0, /* bump in the wire: frames go out of the other port unchanged */
	CFG_PAIR_L3,     /* the node is the gateway: MACs rewritten, TTL decremented */
};

enum cfg_side {
	CFG_SIDE_UPSTREAM = 0,
	CFG_SIDE_PROTECTED,
};

/* What the node has on one side of an l3 link pair. */
struct cfg_pair_side {
	unsigned int n_addrs;                        /* at least one in l3 mode */
	struct cfg_ifaddr addrs[CFG_MAX_PAIR_ADDRS]; /* "upstream_address", "protected_address" */
	bool has_gw4, has_gw6;                       /* "upstream_gateway" etc., optional */
	uint8_t gw4[4], gw6[16];                     /* next hop for destinations off the
	                                              * side's subnets; without one they drop */
};

struct cfg_link_pair {
	char name[CFG_NAME_MAX];
	unsigned int upstream;        /* index into cfg_node.ports */
	unsigned int protected;       /* index into cfg_node.ports */
	enum cfg_pair_mode mode;      /* "l2" (default) or "l3" */
	struct cfg_pair_side side[2]; /* l3 only, indexed by enum cfg_side */
	int line;
};

/*
 * High availability (docs/ha.md). A node without an `ha` block runs standalone.
 */
#define CFG_MAX_HA_PEERS 8
#define CFG_MAX_VRRP 16
#define CFG_MAX_VIPS 16

enum cfg_ha_mode {
	CFG_HA_ACTIVE_PASSIVE = 0,
	CFG_HA_ACTIVE_ACTIVE,
	CFG_HA_CLUSTER,
};

enum cfg_vrrp_checksum {
	CFG_VRRP_CSUM_RFC = 0,   /* "rfc": IPv4 adverts checksummed with the IPv4 pseudo-header,
	                          * as RFC 5798 was read by keepalived (2.2.7 knows only this),
	                          * Wireshark and scapy */
	CFG_VRRP_CSUM_V2_COMPAT, /* "v2-compatible": over the VRRP message alone, as VRRPv2 and
	                          * RFC 9568 section 5.2.8 do */
};

struct cfg_ha_peer {
	char id[CFG_ID_MAX];       /* the peer's node.id */
	struct cfg_ifaddr address; /* host address (len 32 or 128) on the HA network */
	uint16_t port;             /* default ha.port */
	int line;
};

struct cfg_vrrp {
	uint8_t vrid;           /* 1..255, required, unique per (link pair, side, family) */
	unsigned int link_pair; /* index into link_pairs; required */
	enum cfg_side side;     /* default upstream */
	uint8_t priority;       /* 1..255, default 100; 255 only for the address owner */
	unsigned int advert_interval_ms; /* 10..40950, a multiple of 10 (centiseconds on the
	                                  * wire), default 1000 */
	bool preempt;                    /* default true */
	unsigned int preempt_delay_s;    /* 0..3600, default 0 */
	bool accept;                     /* default false */
	unsigned int version;            /* 3 (the only one supported) */
	enum cfg_vrrp_checksum checksum;
	uint8_t family;      /* 4 or 6 when every VIP is of that family; 0 when both
	                      * are listed: the coordinator then runs one VRRP
	                      * instance per family with the same vrid */
	unsigned int n_vips; /* 1..CFG_MAX_VIPS */
	struct cfg_ifaddr vips[CFG_MAX_VIPS];
	int line;
};

struct cfg_ha {
	bool enabled;              /* an `ha` block is present */
	enum cfg_ha_mode mode;     /* default active-passive */
	bool primary;              /* default false */
	struct cfg_ifaddr address; /* required: this node on the HA network (host address) */
	uint16_t port;             /* default 7410 */
	unsigned int n_peers;
	struct cfg_ha_peer peers[CFG_MAX_HA_PEERS];
	unsigned int peer_check_interval_ms;  /* 1..60000, default 100 */
	unsigned int peer_failure_threshold;  /* 1..1000, default 3 */
	unsigned int peer_recovery_threshold; /* 1..1000, default 5 */
	unsigned int max_flaps;               /* 0 (no limit) or 1..1000, default 6 */
	unsigned int flap_window_s;           /* 1..86400, default 60 */
	struct {
		bool enabled;            /* default false */
		uint64_t min_bps;        /* default 1024 */
		unsigned int interval_s; /* 1..3600, default 10 */
	} bandwidth;
	unsigned int link_monitor_interval_ms; /* 10..60000, default 100 */
	unsigned int min_active_links;         /* 0..n_link_pairs, default 1 */
	unsigned int n_vrrp;
	struct cfg_vrrp vrrp[CFG_MAX_VRRP];
	char notify[CFG_PATH_MAX * 2]; /* default "": no script */
	bool allow_simulation;         /* default false: `ha simulate` refused */
};

/*
 * Bypass (docs/bypass.md): what happens to the wire when the node cannot inspect traffic.
 */
enum cfg_bypass_driver {
	CFG_BYPASS_NONE =
		0,        /* no fail-open device: bypass only stops inspection in the dataplane */
	CFG_BYPASS_XDP,   /* XDP program on the link pairs' kernel interfaces */
	CFG_BYPASS_SYSFS, /* a bypass adapter's relay and watchdog through sysfs/GPIO files */
	CFG_BYPASS_IXGBE, /* 82599 bypass adapters through the ixgbe PMD's bypass API */
};

enum cfg_bypass_on_stop {
	CFG_ON_STOP_BYPASS = 0,  /* "bypass": a clean stop leaves the wire connected */
	CFG_ON_STOP_INLINE_DOWN, /* "inline-down": a clean stop leaves the wire cut */
};

struct cfg_bypass {
	enum cfg_bypass_driver driver;   /* default none */
	unsigned int watchdog_ms;        /* 0 (off) or 5..60000, default 20 */
	bool start_in_bypass;            /* on_start = "bypass" (default) or "inline" */
	enum cfg_bypass_on_stop on_stop; /* default bypass */
	bool rearm_auto;                 /* rearm = "auto"; default "manual" */
	unsigned int rearm_after_s;      /* 0..86400, default 30 */
	bool on_link_failure;            /* engage when below ha.min_active_links (or, with
	                                  * no ha block, when a link pair is down); default
	                                  * false */
	char pin_path[CFG_PATH_MAX * 2]; /* xdp: bpffs directory, default
	                                  * "/sys/fs/bpf/rampart"; the node id is appended */
	struct {
		char bypass_path[CFG_PATH_MAX * 2];     /* required with driver sysfs */
		char bypass_on[CFG_ID_MAX];             /* default "1" */
		char bypass_off[CFG_ID_MAX];            /* default "0" */
		char disconnect_path[CFG_PATH_MAX * 2]; /* optional */
		char disconnect_on[CFG_ID_MAX];         /* default "1" */
		char disconnect_off[CFG_ID_MAX];        /* default "0" */
		char watchdog_path[CFG_PATH_MAX * 2];   /* optional: written on every heartbeat */
		char watchdog_kick[CFG_ID_MAX];         /* default "1" */
	} sysfs;
};

struct cfg_node {
	struct {
		char id[CFG_ID_MAX];    /* required */
		char stack[CFG_ID_MAX]; /* default "" (standalone) */
	} node;
	struct {
		char lcores[CFG_LCORES_MAX];  /* EAL --lcores list, required: "0-1", "0,2,4",
		                                 "0,1,2@1" */
		unsigned int memory_mb;       /* default 512, 64..1048576 */
		bool hugepages;               /* default false: --no-huge */
		char file_prefix[CFG_ID_MAX]; /* default "rampart-<node.id>" */
		unsigned int n_extra_args;
		char extra_args[CFG_MAX_EXTRA_ARGS][CFG_EXTRA_ARG_MAX];
		/* Parsed from lcores: which lcore ids the EAL will run; main_lcore is the lowest.
		 */
		bool lcore_set[CFG_MAX_LCORE];
		unsigned int main_lcore;
	} dpdk;
	unsigned int n_ports;
	struct cfg_port ports[CFG_MAX_PORTS];
	unsigned int n_link_pairs;
	struct cfg_link_pair link_pairs[CFG_MAX_LINK_PAIRS];
	struct {
		unsigned int n_lcores;
		unsigned int lcores[CFG_MAX_WORKERS]; /* required, each in dpdk.lcores, not main */
		unsigned int burst;                   /* default 32, 1..512 */
		unsigned int idle_sleep_us;           /* default 0 (busy poll), 0..100000 */
		unsigned int mbufs; /* mbuf pool size, default 8191, 1023..4194303 */
		unsigned int punt_rate_pps; /* frames per second each worker hands to the node's
		                             * own stack, VRRP aside; default 2000, 10..1000000 */
	} workers;
	struct {
		char socket[CFG_PATH_MAX]; /* default RP_DEFAULT_SOCKET */
		mode_t socket_mode;        /* default 0660, at most 0777 */
		bool telemetry;            /* default true: register /rampart/ telemetry commands */
	} control;
	struct {
		enum cfg_log_level level; /* default CFG_LOG_INFO */
	} log;
	struct {
		char file[CFG_PATH_MAX * 2]; /* default "": start with the empty policy; a
		                              * relative path is joined to the node config's
		                              * directory by cfg_node_load() */
	} policy;
	struct {
		unsigned int blocklist_size; /* dynamic blocklist entries, default 262144 */
		unsigned int rate_sources;  /* rate-limit state entries per worker, default 65536 */
		unsigned int offender_ring; /* auto-block events per worker ring, default 1024 */
	} mitigation;
	struct cfg_ha ha;
	struct cfg_bypass bypass;
};

/*
 * Policy files (docs/policy.md): what the dataplane drops, limits and lets through. A policy
 * file is separate from the node config, loaded at start and replaced at run time; it is
 * parsed whole into a struct cfg_policy or refused with every error, so a broken file never
 * replaces a running policy.
 */
#define CFG_RULE_NAME_MAX 32
#define CFG_POLICY_MAX_RULES 131072          /* rules in one policy file */
#define CFG_POLICY_MAX_PREFIXES (1u << 21)   /* allow + deny prefixes, inline and from files */
#define CFG_DENY_FILE_MAX_LINES (1u << 20)   /* prefixes in one deny_file */
#define CFG_DENY_FILE_SIZE_MAX (64u << 20)   /* bytes in one deny_file */
#define CFG_RULE_PORTS_MAX 16                /* ranges in one src_port or dst_port list */
#define CFG_AMP_PORTS_MAX 32                 /* udp_amplification.src_ports */
#define CFG_POLICY_FILE_SIZE_MAX (64u << 20) /* bytes in one policy file (100k rules fit) */

/* An IPv4 or IPv6 prefix; addr is in network byte order, host bits are zero. */
struct cfg_prefix {
	uint8_t family;   /* 4 or 6 */
	uint8_t len;      /* 0..32 or 0..128 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
};

struct cfg_port_range {
	uint16_t lo, hi; /* inclusive, lo <= hi */
};

enum cfg_action {
	CFG_ACTION_ALLOW, /* forward; nothing further is checked */
	CFG_ACTION_DROP,
	CFG_ACTION_RATE_LIMIT, /* forward within the rule's limits, drop above them */
	CFG_ACTION_COUNT,      /* count, then go on as if the rule had not matched */
};

enum cfg_direction {
	CFG_DIR_INBOUND,  /* received on a link pair's upstream port (default) */
	CFG_DIR_OUTBOUND, /* received on a link pair's protected port */
	CFG_DIR_BOTH,
};

enum cfg_policy_mode {
	CFG_MODE_ENFORCE, /* drop what the policy says */
	CFG_MODE_MONITOR, /* evaluate and count everything, drop nothing */
};

/* TCP flag bits as in the TCP header's flags byte. */
#define CFG_TCP_FIN 0x01
#define CFG_TCP_SYN 0x02
#define CFG_TCP_RST 0x04
#define CFG_TCP_PSH 0x08
#define CFG_TCP_ACK 0x10
#define CFG_TCP_URG 0x20
#define CFG_TCP_ECE 0x40
#define CFG_TCP_CWR 0x80

/*
 * One rule. Every criterion left out matches anything. A rule with a src or dst prefix
 * applies to that prefix's family only; a rule with neither applies to IPv4 and IPv6.
 */
struct cfg_rule {
	char name[CFG_RULE_NAME_MAX]; /* required, unique within the policy */
	int line;
	bool has_src, has_dst;
	struct cfg_prefix src, dst;
	bool has_proto;
	uint8_t proto;            /* "tcp", "udp", "icmp", "icmpv6" or 0..255 */
	unsigned int n_src_ports; /* 0: any; needs proto tcp or udp */
	struct cfg_port_range src_ports[CFG_RULE_PORTS_MAX];
	unsigned int n_dst_ports;
	struct cfg_port_range dst_ports[CFG_RULE_PORTS_MAX];
	uint8_t tcp_flags;            /* bits that must be set ("syn") */
	uint8_t tcp_flags_mask;       /* bits that are looked at: set ones plus "!ack" ones */
	uint16_t min_len, max_len;    /* IP packet length (header included), default 0..65535 */
	char link_pair[CFG_NAME_MAX]; /* "" for every link pair; resolved when compiled */
	enum cfg_direction direction; /* default inbound */
	enum cfg_action action;       /* required */
	/* rate-limit only, 0 = no such limit; at least one is set for a rate-limit rule */
	uint64_t per_source_pps, per_source_bps, aggregate_pps, aggregate_bps;
};

struct cfg_protection {
	struct {
		bool enabled;
		uint32_t per_source_pps;      /* TCP SYN without ACK per source, default 100 */
		uint32_t per_destination_pps; /* and per destination, default 20000 */
	} syn_flood;
	struct {
		bool enabled;
		unsigned int n_src_ports; /* default 19, 53, 123, 389, 1900, 11211 */
		uint16_t src_ports[CFG_AMP_PORTS_MAX];
		uint16_t min_len; /* UDP from those ports at least this long drops, 512 */
	} udp_amplification;
	struct {
		bool enabled;
		uint32_t per_source_pps; /* ICMP and ICMPv6 echo requests per source, default 50 */
	} icmp_flood;
	bool drop_fragments; /* fragments = "drop"; default "allow" */
	struct {
		bool enabled;
		uint32_t exceed_seconds; /* default 3 */
		uint32_t block_seconds;  /* default 300 */
	} auto_block;
};

struct cfg_policy {
	char file[CFG_PATH_MAX * 2];    /* where it was read from */
	enum cfg_policy_mode mode;      /* default enforce */
	enum cfg_action default_action; /* allow (default) or drop */
	size_t n_allow;                 /* source prefixes always forwarded, checked first */
	struct cfg_prefix *allow;
	size_t n_deny; /* source prefixes dropped: deny_prefixes + deny_file */
	struct cfg_prefix *deny;
	size_t n_rules;
	struct cfg_rule *rules; /* first match wins, in file order */
	struct cfg_protection protection;
};

/* An empty policy: enforce, allow by default, no prefixes, no rules, no protection. */
void
cfg_policy_defaults(struct cfg_policy *pol);

/*
 * Parse and validate a policy file. "deny_file" is read relative to the policy file's
 * directory. A problem inside the deny file is recorded on the line of the deny_file setting,
 * its message led by the deny file's own name and line: "policy.conf:5: list.txt:12: ...".
 * @errs may be NULL.
 * @return 0 with *@out a new policy (cfg_policy_free() it); -EINVAL when invalid (every problem
 * in @errs; a deny_file that cannot be read is one of them); -ENOMEM; another -errno when the
 * policy file itself cannot be read (-ENOENT, -EACCES, -EISDIR, -EFBIG above
 * CFG_POLICY_FILE_SIZE_MAX; a FIFO or device is -EINVAL). *@out is NULL on failure.
 */
int
cfg_policy_load(const char *path, struct cfg_policy **out, struct cfg_errors *errs);

/* Same on an in-memory NUL-terminated @text named @name; deny_file is relative to @dir (the
 * working directory when NULL). */
int
cfg_policy_parse(const char *text, const char *name, const char *dir, struct cfg_policy **out,
                 struct cfg_errors *errs);

/* Free a policy from cfg_policy_load()/parse(). Accepts NULL. */
void
cfg_policy_free(struct cfg_policy *pol);

/* Parse "198.51.100.0/24", "2001:db8::/32" or a bare address (a host prefix).
 * @return 0, or -EINVAL when not a prefix or when host bits are set. */
int
cfg_prefix_parse(const char *s, struct cfg_prefix *out);

/* Parse "198.51.100.1/24", "2001:db8::1/64" or a bare address (full length); host bits
 * are kept. @return 0 or -EINVAL. */
int
cfg_ifaddr_parse(const char *s, struct cfg_ifaddr *out);

/* Format @a as "198.51.100.1/24" into @buf (at least 64 bytes); without the length when
 * @with_len is false. */
void
cfg_ifaddr_format(const struct cfg_ifaddr *a, bool with_len, char *buf, size_t len);

/* True when @addr (network byte order, of @a's family) is in @a's subnet. */
bool
cfg_ifaddr_contains(const struct cfg_ifaddr *a, const uint8_t *addr);

/* Names of the enums above, as written in the config: "l2", "upstream", "active-passive",
 * "rfc", "xdp". */
const char *
cfg_pair_mode_name(enum cfg_pair_mode m);

const char *
cfg_side_name(enum cfg_side s);

const char *
cfg_ha_mode_name(enum cfg_ha_mode m);

const char *
cfg_vrrp_checksum_name(enum cfg_vrrp_checksum c);

const char *
cfg_bypass_driver_name(enum cfg_bypass_driver d);

/* Format @p as "198.51.100.0/24" into @buf (at least 64 bytes). */
void
cfg_prefix_format(const struct cfg_prefix *p, char *buf, size_t len);

const char *
cfg_action_name(enum cfg_action a);

const char *
cfg_direction_name(enum cfg_direction d);

/* Fill @cfg with every default. Required fields are left empty. */
void
cfg_node_defaults(struct cfg_node *cfg);

/*
 * Parse and validate a node config file. @cfg is filled with the defaults first, then with
 * what the file sets; it is only meaningful when 0 is returned. @errs may be NULL.
 *
 * @return 0 when valid; -EINVAL when the file was read but is invalid (every problem is in
 * @errs, up to CFG_MAX_ERRORS); another -errno when it cannot be read (-ENOENT, -EACCES,
 * -EISDIR, -EFBIG above CFG_FILE_SIZE_MAX...; @errs holds one line saying why).
 * The file must be self-contained: "@include" is refused.
 */
int
cfg_node_load(const char *path, struct cfg_node *cfg, struct cfg_errors *errs);

/*
 * Same as cfg_node_load() on an in-memory text; @name is the file name used in errors.
 * @text must be NUL-terminated.
 */
int
cfg_node_parse(const char *text, const char *name, struct cfg_node *cfg, struct cfg_errors *errs);

/* Index of the port called @name, or -ENOENT. */
int
cfg_port_find(const struct cfg_node *cfg, const char *name);

/*
 * The kernel interface a virtual port sits on: the value of the `iface=` argument of its
 * vdev ("net_af_packet0,iface=rpv-up0" gives "rpv-up0"), into @buf.
 * @return 0; -ENOENT when the device is a PCI address or has no non-empty iface= argument;
 * -ENAMETOOLONG when the name does not fit in @len bytes; -EINVAL when an argument is NULL.
 */
int
cfg_port_iface(const struct cfg_port *p, char *buf, size_t len);

/* A port's PCI address, [domain:]bus:device.function. */
struct cfg_pci_addr {
	uint32_t domain;
	uint8_t bus, device, function;
};

/*
 * The PCI address of port @p into @a. @return 0; -ENOENT when the device is not a PCI
 * address (a vdev); -EINVAL when an argument is NULL.
 */
int
cfg_port_pci(const struct cfg_port *p, struct cfg_pci_addr *a);

/* Parse a log level name ("emerg".."debug"); -EINVAL when unknown. */
int
cfg_log_level_parse(const char *name);

/* The name of a log level, "info" for example. */
const char *
cfg_log_level_name(enum cfg_log_level level);

/*
 * Parse an EAL-style core list ("0-3,6,8-9") into @set (CFG_MAX_LCORE booleans). A single
 * lcore may name the CPU it runs on, as the EAL's --lcores does: "0,1,2@1" runs lcores 1 and 2
 * on CPU 1.
 * @return the number of cores, or -EINVAL on a syntax error or a core >= CFG_MAX_LCORE.
 */
int
cfg_lcore_list_parse(const char *list, bool set[CFG_MAX_LCORE]);

/* Empty @errs and set the file name its messages are reported against. */
void
cfg_errors_init(struct cfg_errors *errs, const char *file);

/* Append an error to @errs; printf-style. Lines <= 0 mean the file as a whole. */
void
cfg_error_add(struct cfg_errors *errs, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print every error as "FILE:LINE: message" (or "FILE: message") to @fp, one per line. */
void
cfg_errors_print(const struct cfg_errors *errs, FILE *fp);

#endif /* RAMPART_CFG_H */
