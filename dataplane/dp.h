/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rampart dataplane: EAL start-up from the node config, ports, link pairs and the
 * poll-mode workers that forward between the two ports of every link pair.
 *
 * Threads: the control thread (main lcore) calls every function here; the workers run
 * dp_worker_main() on their own pinned lcores and write only their own struct dp_worker.
 * Nothing here logs: failures return -errno with a sentence in the caller's buffer.
 */
#ifndef RAMPART_DP_H
#define RAMPART_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "cfg.h"

#define DP_MAX_PORTS CFG_MAX_PORTS
#define DP_MAX_WORKERS CFG_MAX_WORKERS
#define DP_MAX_BURST 512
#define DP_MAX_EAL_ARGS (32 + 2 * CFG_MAX_PORTS + CFG_MAX_EXTRA_ARGS)

/* Software counters of one port as seen by one worker (or summed over workers). */
struct dp_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_drops; /* packets the paired port's tx queue did not take; freed */
};

/* One rx queue a worker polls, and where its packets go. */
struct dp_rx_binding {
	uint16_t rx_port;   /* DPDK port id */
	uint16_t rx_queue;
	uint16_t tx_port;   /* the paired port */
	uint16_t tx_queue;  /* this worker's own tx queue on tx_port */
	uint8_t rx_index;   /* index into cfg.ports / the counters */
	uint8_t tx_index;
};

/* Per-worker state. Written only by its worker [W]; read by the control thread with relaxed
 * atomic loads. Allocated on the worker's NUMA socket. */
struct dp_worker {
	unsigned int lcore;                        /* [R] */
	unsigned int index;                        /* [R] position in workers.lcores */
	unsigned int burst;                        /* [R] */
	unsigned int idle_sleep_us;                /* [R] */
	unsigned int n_bindings;                   /* [R] */
	struct dp_rx_binding bindings[DP_MAX_PORTS]; /* [R] */
	volatile bool *stop;                       /* [C] set by the control thread */
	uint64_t loops __rte_cache_aligned;        /* [W] loop iterations, for liveness */
	uint64_t idle_sleeps;                      /* [W] */
	struct dp_port_counters port[DP_MAX_PORTS] __rte_cache_aligned; /* [W] */
} __rte_cache_aligned;

/* What the control thread knows about a port. */
struct dp_port {
	char name[CFG_NAME_MAX];    /* [R] */
	uint16_t port_id;           /* [R] DPDK port id */
	int socket_id;              /* [R] NUMA socket, SOCKET_ID_ANY when unknown */
	uint16_t n_rxq, n_txq;      /* [R] */
	uint16_t rx_desc, tx_desc;  /* [R] after rte_eth_dev_adjust_nb_rx_tx_desc */
	bool promiscuous;           /* [R] */
	bool started;               /* [C] */
	bool found;                 /* [C] port_id is valid */
	int peer;                   /* [R] index of the paired port, -1 when in no link pair */
	struct rte_ether_addr mac;  /* [R] */
	char driver[32];            /* [R] */
};

struct dp {
	const struct cfg_node *cfg;                /* [R] */
	struct rte_mempool *pool;                  /* [R] */
	unsigned int n_ports;
	struct dp_port ports[DP_MAX_PORTS];
	unsigned int n_workers;
	struct dp_worker *workers[DP_MAX_WORKERS];
	volatile bool stop;                        /* [C] workers leave their loop when set */
	bool running;                              /* [C] workers launched */
	time_t started;                            /* [R] wall clock at dp_create() */
	uint64_t started_tsc;                      /* [R] */
};

/* Link state of a port, from rte_eth_link_get_nowait(). */
struct dp_link {
	bool up;
	bool full_duplex;
	bool autoneg;
	uint32_t speed_mbps; /* 0 when unknown */
};

/* Hardware (PMD) counters of a port, from rte_eth_stats_get(). */
struct dp_hw_stats {
	uint64_t ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf;
};

/*
 * Build the EAL argument vector for @cfg into @argv (at most DP_MAX_EAL_ARGS entries,
 * strings in @buf of @buflen bytes). Pure: no EAL needed, unit-tested.
 * @return argc, or -ENOSPC when @buf or the vector is too small.
 */
int
dp_eal_args_build(const struct cfg_node *cfg, const char *argv0, char **argv, char *buf,
		  size_t buflen);

/* True when @device names a PCI device (DDDD:BB:DD.F or BB:DD.F) rather than a vdev. */
bool
dp_device_is_pci(const char *device);

/* The ethdev name DPDK gives the device @device names: "0000:af:00.1" for any spelling of a
 * PCI address, the driver instance ("net_af_packet0") for a vdev. Pure. */
void
dp_device_port_name(const char *device, char *name, size_t len);

/*
 * The runtime directory the EAL will use for @cfg's file prefix (/var/run/dpdk/<prefix> for
 * root). rampartd removes it at exit; it must know the path before the EAL starts, to tell
 * its own directory from one that another process holds.
 */
void
dp_runtime_dir_path(const struct cfg_node *cfg, char *buf, size_t len);

/*
 * Initialise the EAL from @cfg. @return 0, or -errno with the reason in @err.
 */
int
dp_eal_init(const struct cfg_node *cfg, const char *argv0, char *err, size_t errlen);

/*
 * Probe, configure and start every port of @cfg, wire the link pairs and lay out the
 * workers (worker w polls rx queue w of every paired port and sends on its own tx queue w
 * of the peer). @cfg must outlive the dataplane.
 * @return the dataplane, or NULL with errno set and the reason (naming the port) in @err.
 */
struct dp *
dp_create(const struct cfg_node *cfg, char *err, size_t errlen);

/* Launch the workers on their lcores. @return 0 or -errno. */
int
dp_start(struct dp *dp, char *err, size_t errlen);

/* Ask the workers to stop and wait for them. Idempotent. */
void
dp_stop(struct dp *dp);

/* Stop workers, stop and close ports, free everything. Accepts NULL. */
void
dp_destroy(struct dp *dp);

/* The worker loop; @arg is a struct dp_worker. Exposed for rte_eal_remote_launch(). */
int
dp_worker_main(void *arg);

/* Sum of every worker's counters for port index @pidx (index into cfg.ports). */
void
dp_port_counters_get(const struct dp *dp, unsigned int pidx, struct dp_port_counters *out);

/* Sum over every port of worker @widx's counters. */
void
dp_worker_counters_get(const struct dp *dp, unsigned int widx, struct dp_port_counters *out);

/* Loop counter of worker @widx (relaxed read). */
uint64_t
dp_worker_loops(const struct dp *dp, unsigned int widx);

/* Link state of port index @pidx. @return 0 or -errno. */
int
dp_port_link_get(const struct dp *dp, unsigned int pidx, struct dp_link *link);

/* PMD counters of port index @pidx. @return 0 or -errno. */
int
dp_port_hw_stats_get(const struct dp *dp, unsigned int pidx, struct dp_hw_stats *st);

/* Seconds since dp_create(). */
double
dp_uptime(const struct dp *dp);

/* Add @src into @dst field by field. */
void
dp_port_counters_add(struct dp_port_counters *dst, const struct dp_port_counters *src);

#endif /* RAMPART_DP_H */
