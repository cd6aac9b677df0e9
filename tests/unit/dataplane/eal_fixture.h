/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An EAL for the dataplane unit tests that need rte_acl, rte_lpm, rte_hash or rte_malloc: one
 * in-process EAL without hugepages, PCI or telemetry, under a file prefix unique to the run,
 * and its runtime directory removed again on the way out.
 */
#ifndef RAMPART_TEST_EAL_FIXTURE_H
#define RAMPART_TEST_EAL_FIXTURE_H

/*
 * Start the EAL for the test program @name with @memory_mb of memory. Call once per process.
 * @return 0, or -1 after printing why.
 */
int
eal_fixture_start(const char *name, unsigned int memory_mb);

/* The same with the EAL's lcore list @lcores ("0-1"), for tests that launch workers. */
int
eal_fixture_start_lcores(const char *name, unsigned int memory_mb, const char *lcores);

/* Clean the EAL up and remove its runtime directory. Accepts a failed start. */
void
eal_fixture_stop(void);

/* The seed of the tests' pseudo-random numbers: $RP_TEST_SEED when set, else the clock. It is
 * printed, with how to replay it. */
unsigned long long
eal_fixture_seed(void);

/* A cmocka group teardown that stops the EAL. */
int
eal_fixture_teardown(void **state);

struct cfg_node;

/* Empty @node, then give it @n link pairs named "edge-a", "edge-b"... */
void
eal_fixture_node(struct cfg_node *node, unsigned int n);

#endif /* RAMPART_TEST_EAL_FIXTURE_H */
