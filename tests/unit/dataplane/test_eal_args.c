/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL argument vector built from the node config, and device kind detection. No EAL needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp.h"

static char buf[8192];
static char *argv[DP_MAX_EAL_ARGS];

static void
base_cfg(struct cfg_node *cfg)
{
	cfg_node_defaults(cfg);
	snprintf(cfg->node.id, sizeof(cfg->node.id), "rp-a");
	snprintf(cfg->dpdk.lcores, sizeof(cfg->dpdk.lcores), "2-3");
	snprintf(cfg->dpdk.file_prefix, sizeof(cfg->dpdk.file_prefix), "rampart-rp-a");
	cfg->dpdk.main_lcore = 2;
	cfg->dpdk.memory_mb = 256;
	cfg->n_ports = 2;
	snprintf(cfg->ports[0].device, sizeof(cfg->ports[0].device), "net_af_packet0,iface=a");
	snprintf(cfg->ports[1].device, sizeof(cfg->ports[1].device), "net_af_packet1,iface=b");
}

/* Index of @word in argv, or -1. */
static int
find(int argc, const char *word)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], word) == 0)
			return i;
	return -1;
}

static void
test_dp_eal_args_build_vdev_only(void **state)
{
	struct cfg_node cfg;
	int argc, i;

	(void)state;
	base_cfg(&cfg);
	argc = dp_eal_args_build(&cfg, "rampartd", argv, buf, sizeof(buf));
	assert_true(argc > 0);
	assert_null(argv[argc]);
	assert_string_equal(argv[0], "rampartd");
	i = find(argc, "--lcores");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "2-3");
	i = find(argc, "--main-lcore");
	assert_string_equal(argv[i + 1], "2");
	i = find(argc, "--file-prefix");
	assert_string_equal(argv[i + 1], "rampart-rp-a");
	i = find(argc, "-m");
	assert_string_equal(argv[i + 1], "256");
	assert_true(find(argc, "--no-huge") > 0);
	assert_int_equal(find(argc, "--huge-unlink"), -1);
	/* Virtual devices are hot-plugged later, so the EAL never sees them; no PCI scan. */
	assert_true(find(argc, "--no-pci") > 0);
	assert_int_equal(find(argc, "--vdev"), -1);
	assert_int_equal(find(argc, "-a"), -1);
}

static void
test_dp_eal_args_build_pci_allowlisted(void **state)
{
	struct cfg_node cfg;
	int argc, i;

	(void)state;
	base_cfg(&cfg);
	cfg.dpdk.hugepages = true;
	snprintf(cfg.ports[1].device, sizeof(cfg.ports[1].device), "0000:03:00.1");
	argc = dp_eal_args_build(&cfg, "rampartd", argv, buf, sizeof(buf));
	assert_true(argc > 0);
	assert_int_equal(find(argc, "--no-pci"), -1);
	assert_int_equal(find(argc, "--no-huge"), -1);
	/* Hugepage files are unlinked once mapped, so none outlive the daemon. */
	assert_true(find(argc, "--huge-unlink") > 0);
	i = find(argc, "-a");
	assert_true(i > 0);
	assert_string_equal(argv[i + 1], "0000:03:00.1");
}

static void
test_dp_eal_args_build_extra_args_last(void **state)
{
	struct cfg_node cfg;
	int argc;

	(void)state;
	base_cfg(&cfg);
	cfg.dpdk.n_extra_args = 2;
	snprintf(cfg.dpdk.extra_args[0], CFG_EXTRA_ARG_MAX, "--log-level=pmd.net.af_packet:debug");
	snprintf(cfg.dpdk.extra_args[1], CFG_EXTRA_ARG_MAX, "--iova-mode=va");
	argc = dp_eal_args_build(&cfg, "rampartd", argv, buf, sizeof(buf));
	assert_string_equal(argv[argc - 2], "--log-level=pmd.net.af_packet:debug");
	assert_string_equal(argv[argc - 1], "--iova-mode=va");
}

static void
test_dp_eal_args_build_telemetry_off(void **state)
{
	struct cfg_node cfg;
	int argc;

	(void)state;
	base_cfg(&cfg);
	argc = dp_eal_args_build(&cfg, "rampartd", argv, buf, sizeof(buf));
	assert_int_equal(find(argc, "--no-telemetry"), -1);
	cfg.control.telemetry = false;
	argc = dp_eal_args_build(&cfg, "rampartd", argv, buf, sizeof(buf));
	assert_true(find(argc, "--no-telemetry") > 0);
}

static void
test_dp_eal_args_build_buffer_too_small(void **state)
{
	struct cfg_node cfg;

	(void)state;
	base_cfg(&cfg);
	assert_int_equal(dp_eal_args_build(&cfg, "rampartd", argv, buf, 40), -ENOSPC);
}

static void
test_dp_device_is_pci_forms(void **state)
{
	(void)state;
	assert_true(dp_device_is_pci("0000:03:00.0"));
	assert_true(dp_device_is_pci("03:00.1"));
	assert_true(dp_device_is_pci("0000:af:00.1,rxq_pkt_pad_en=1"));
	assert_false(dp_device_is_pci("net_af_packet0,iface=rpv-up0"));
	assert_false(dp_device_is_pci("net_null0"));
	assert_false(dp_device_is_pci("net_ring0"));
	assert_false(dp_device_is_pci(""));
	assert_false(dp_device_is_pci("03:00"));
}

static void
test_dp_device_port_name_normalises_pci(void **state)
{
	char name[64];

	(void)state;
	/* Found in review: the config accepts these spellings; DPDK names them one way. */
	dp_device_port_name("0000:AF:00.0", name, sizeof(name));
	assert_string_equal(name, "0000:af:00.0");
	dp_device_port_name("0:af:00.1,rxq_pkt_pad_en=1", name, sizeof(name));
	assert_string_equal(name, "0000:af:00.1");
	dp_device_port_name("03:00.1", name, sizeof(name));
	assert_string_equal(name, "0000:03:00.1");
	dp_device_port_name("net_af_packet0,iface=rpv-up0", name, sizeof(name));
	assert_string_equal(name, "net_af_packet0");
	dp_device_port_name("net_null1", name, sizeof(name));
	assert_string_equal(name, "net_null1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_eal_args_build_vdev_only),
		cmocka_unit_test(test_dp_eal_args_build_pci_allowlisted),
		cmocka_unit_test(test_dp_eal_args_build_extra_args_last),
		cmocka_unit_test(test_dp_eal_args_build_telemetry_off),
		cmocka_unit_test(test_dp_eal_args_build_buffer_too_small),
		cmocka_unit_test(test_dp_device_is_pci_forms),
		cmocka_unit_test(test_dp_device_port_name_normalises_pci),
	};

	return cmocka_run_group_tests_name("dataplane_eal_args", tests, NULL, NULL);
}
