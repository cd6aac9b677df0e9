/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for control requests: any bytes a client may send reach
 * ctl_server_dispatch() exactly as the socket server passes them. A command that echoes
 * its arguments is registered so that well-formed requests go all the way through.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
echo(void *ctx, json_t *args, json_t **out, const char **error)
{
	(void)ctx;
	if (json_object_get(args, "fail") != NULL) {
		*error = "asked to fail";
		return -EINVAL;
	}
	*out = json_deep_copy(args);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_server *srv;
	json_t *reply;

	if (srv == NULL) {
		char path[] = "/tmp/rampart-fuzz-XXXXXX";
		char sock[64];

		if (mkdtemp(path) == NULL)
			abort();
		snprintf(sock, sizeof(sock), "%s/s", path);
		srv = ctl_server_create(sock, 0600);
		if (srv == NULL || ctl_server_register(srv, "echo", echo, NULL) != 0)
			abort();
		/* Only the dispatcher is fuzzed: the socket file is not needed. */
		unlink(sock);
		rmdir(path);
	}
	if (size > CTL_REQUEST_MAX)
		return 0;
	reply = ctl_server_dispatch(srv, (const char *)data, size);
	/* Every reply is an object with a boolean "ok"; a failure carries an "error" string. */
	if (!json_is_object(reply) || !json_is_boolean(json_object_get(reply, "ok")))
		abort();
	if (json_is_false(json_object_get(reply, "ok")) &&
	    !json_is_string(json_object_get(reply, "error")))
		abort();
	json_decref(reply);
	return 0;
}
