/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for what the bypass module reads from outside: the first byte picks the parser.
 *
 *   'c'  a control request to the bypass commands (bypass.status, .engage, .disconnect,
 *        .clear) of a manager over the recording driver, through the server's dispatcher;
 *   's'  a state record read from a pinned XDP map (byp_xdp_state_check);
 *   'v'  a value read back from a sysfs relay file (byp_sysfs_value_is).
 *
 * Every reply must be an object with a boolean "ok"; the manager must stay consistent (its
 * state one of the three) whatever the sequence of requests.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byp.h"
#include "ctl.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fuzz_now = 1;

static uint64_t
fuzz_clock(void *arg)
{
	(void)arg;
	return fuzz_now += 1000000;
}

static struct ctl_server *
server(struct ctl_node *node)
{
	static struct byp_rec_log log;
	static struct cfg_bypass cfg = {
		.watchdog_ms = 20,
		.start_in_bypass = true,
		.rearm_auto = true,
		.rearm_after_s = 1,
	};
	static struct ctl_server *srv;
	char path[] = "/tmp/rampart-fuzz-XXXXXX";
	char sock[64], err[128];

	if (srv != NULL)
		return srv;
	node->byp = byp_create(&cfg, byp_drv_rec_create(&log, fuzz_clock, NULL), fuzz_clock, NULL);
	if (node->byp == NULL || byp_probe(node->byp, err, sizeof(err)) < 0 ||
	    byp_ready(node->byp) < 0 || mkdtemp(path) == NULL)
		abort();
	snprintf(sock, sizeof(sock), "%s/s", path);
	srv = ctl_server_create(sock, 0600);
	if (srv == NULL || ctl_bypass_register(srv, node) != 0)
		abort();
	unlink(sock);
	rmdir(path);
	return srv;
}

static void
fuzz_control(const uint8_t *data, size_t size)
{
	static struct ctl_node node;
	struct ctl_server *srv = server(&node);
	json_t *reply;

	if (size > CTL_REQUEST_MAX)
		return;
	reply = ctl_server_dispatch(srv, (const char *)data, size);
	if (!json_is_object(reply) || !json_is_boolean(json_object_get(reply, "ok")))
		abort();
	json_decref(reply);
	/* Time passes and health changes between requests, as in a running node. */
	byp_health_set(node.byp, size % 3 != 0, "fuzz");
	byp_tick(node.byp);
	if (byp_state_get(node.byp) > BYP_STATE_DISCONNECT)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0]) {
	case 'c':
		fuzz_control(data + 1, size - 1);
		break;
	case 's':
		if (byp_xdp_state_check(data + 1, size - 1) == 0 && size - 1 < 8)
			abort();
		break;
	case 'v':
		byp_sysfs_value_is((const char *)data + 1, size - 1, "1");
		byp_sysfs_value_is((const char *)data + 1, size - 1, "bypass\n");
		break;
	default:
		break;
	}
	return 0;
}
