/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL start-up from the node config.
 *
 * PCI ports are handed to the EAL with -a so that only they are probed; virtual devices
 * are hot-plugged one by one after the EAL is up (dp_create), so a device that fails to
 * probe is reported against the port that names it instead of failing rte_eal_init().
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "dp.h"

bool
dp_device_is_pci(const char *device)
{
	unsigned int dom, bus, dev, fn;
	char tail;
	int n;

	/* Devargs may follow the address after a comma: "0000:03:00.0,rxq=2". */
	n = sscanf(device, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail);
	if (n == 4 || (n == 5 && tail == ','))
		return isxdigit((unsigned char)device[0]) && strchr(device, ':') != NULL;
	n = sscanf(device, "%x:%x.%x%c", &bus, &dev, &fn, &tail);
	return n == 3 || (n == 4 && tail == ',');
}

struct args {
	char **argv;
	int argc;
	char *buf;
	size_t left;
	bool full;
};

static void
args_add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
args_add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->full || a->argc >= DP_MAX_EAL_ARGS - 1) {
		a->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->buf, a->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= a->left) {
		a->full = true;
		return;
	}
	a->argv[a->argc++] = a->buf;
	a->buf += n + 1;
	a->left -= n + 1;
}

/* EAL log level for a Rampart level: the EAL's own info chatter only shows at debug. */
static unsigned int
eal_log_level(enum cfg_log_level level)
{
	if (level >= CFG_LOG_DEBUG)
		return RTE_LOG_DEBUG;
	return level < CFG_LOG_NOTICE ? (unsigned int)level : RTE_LOG_NOTICE;
}

int
dp_eal_args_build(const struct cfg_node *cfg, const char *argv0, char **argv, char *buf,
		  size_t buflen)
{
	struct args a = { .argv = argv, .buf = buf, .left = buflen };
	bool any_pci = false;

	args_add(&a, "%s", argv0);
	/* --lcores takes what -l does, and also LCORE@CPU mappings. */
	args_add(&a, "--lcores");
	args_add(&a, "%s", cfg->dpdk.lcores);
	args_add(&a, "--main-lcore");
	args_add(&a, "%u", cfg->dpdk.main_lcore);
	args_add(&a, "--file-prefix");
	args_add(&a, "%s", cfg->dpdk.file_prefix);
	args_add(&a, "-m");
	args_add(&a, "%u", cfg->dpdk.memory_mb);
	/* With hugepages, unlink the page files once mapped: nothing is left in hugetlbfs when
	 * rampartd exits, even by kill -9. It only costs secondary processes, which Rampart has
	 * none of. */
	if (cfg->dpdk.hugepages)
		args_add(&a, "--huge-unlink");
	else
		args_add(&a, "--no-huge");
	args_add(&a, "--log-level");
	args_add(&a, "%u", eal_log_level(cfg->log.level));
	if (!cfg->control.telemetry)
		args_add(&a, "--no-telemetry");
	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		if (!dp_device_is_pci(cfg->ports[i].device))
			continue;
		any_pci = true;
		args_add(&a, "-a");
		args_add(&a, "%s", cfg->ports[i].device);
	}
	if (!any_pci)
		args_add(&a, "--no-pci");
	for (unsigned int i = 0; i < cfg->dpdk.n_extra_args; i++)
		args_add(&a, "%s", cfg->dpdk.extra_args[i]);
	if (a.full)
		return -ENOSPC;
	argv[a.argc] = NULL;
	return a.argc;
}

void
dp_runtime_dir_path(const struct cfg_node *cfg, char *buf, size_t len)
{
	const char *base = "/var/run";

	/* The EAL's own rule: root uses /var/run, anyone else $XDG_RUNTIME_DIR or /tmp. */
	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL || base[0] == '\0')
			base = "/tmp";
	}
	snprintf(buf, len, "%s/dpdk/%s", base, cfg->dpdk.file_prefix);
}

int
dp_eal_init(const struct cfg_node *cfg, const char *argv0, char *err, size_t errlen)
{
	static char buf[8192];
	static char *argv[DP_MAX_EAL_ARGS];
	int argc, ret;

	argc = dp_eal_args_build(cfg, argv0, argv, buf, sizeof(buf));
	if (argc < 0) {
		snprintf(err, errlen, "EAL arguments do not fit (%d): too many extra_args?", argc);
		return argc;
	}
	/* The EAL keeps pointers into argv: both are static. */
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		ret = rte_errno ? rte_errno : EINVAL;
		snprintf(err, errlen, "EAL initialisation failed: %s", rte_strerror(ret));
		return -ret;
	}
	return 0;
}
