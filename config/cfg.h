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

#define CFG_NAME_MAX 32          /* port and link-pair names, incl. NUL */
#define CFG_ID_MAX 64            /* node id and stack name, incl. NUL */
#define CFG_DEVICE_MAX 256       /* PCI address or vdev devargs */
#define CFG_PATH_MAX 108         /* sun_path of a Unix socket */
#define CFG_LCORES_MAX 128       /* the EAL core list string */
#define CFG_MAX_PORTS 32
#define CFG_MAX_LINK_PAIRS 16
#define CFG_MAX_WORKERS 64
#define CFG_MAX_LCORE 128        /* lcore ids are below this (RTE_MAX_LCORE) */
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
	char file[CFG_PATH_MAX * 2];   /* the file name errors are reported against */
	unsigned int count;            /* errors recorded, at most CFG_MAX_ERRORS */
	unsigned int dropped;          /* errors found beyond CFG_MAX_ERRORS */
	struct cfg_error err[CFG_MAX_ERRORS];
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVICE_MAX];   /* "0000:03:00.0" or "net_af_packet0,iface=rpv-up0" */
	uint16_t rx_desc;              /* rx descriptors per queue, default 1024 */
	uint16_t tx_desc;              /* tx descriptors per queue, default 1024 */
	bool promiscuous;              /* default true: a bump in the wire sees every frame */
	int line;
};

struct cfg_link_pair {
	char name[CFG_NAME_MAX];
	unsigned int upstream;         /* index into cfg_node.ports */
	unsigned int protected;        /* index into cfg_node.ports */
	int line;
};

struct cfg_node {
	struct {
		char id[CFG_ID_MAX];           /* required */
		char stack[CFG_ID_MAX];        /* default "" (standalone) */
	} node;
	struct {
		char lcores[CFG_LCORES_MAX];   /* EAL --lcores list, required: "0-1", "0,2,4", "0,1,2@1" */
		unsigned int memory_mb;        /* default 512, 64..1048576 */
		bool hugepages;                /* default false: --no-huge */
		char file_prefix[CFG_ID_MAX];  /* default "rampart-<node.id>" */
		unsigned int n_extra_args;
		char extra_args[CFG_MAX_EXTRA_ARGS][CFG_EXTRA_ARG_MAX];
		/* Parsed from lcores: which lcore ids the EAL will run; main_lcore is the lowest. */
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
		unsigned int mbufs;                   /* mbuf pool size, default 8191, 1023..4194303 */
	} workers;
	struct {
		char socket[CFG_PATH_MAX];     /* default RP_DEFAULT_SOCKET */
		mode_t socket_mode;            /* default 0660, at most 0777 */
		bool telemetry;                /* default true: register /rampart/ telemetry commands */
	} control;
	struct {
		enum cfg_log_level level;      /* default CFG_LOG_INFO */
	} log;
};

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
