/* SPDX-License-Identifier: BSD-3-Clause */
/* The in-process EAL of the dataplane unit tests. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "cfg.h"
#include "eal_fixture.h"

static bool started;
static char runtime_dir[PATH_MAX];

int
eal_fixture_start(const char *name, unsigned int memory_mb)
{
	return eal_fixture_start_lcores(name, memory_mb, "0");
}

int
eal_fixture_start_lcores(const char *name, unsigned int memory_mb, const char *lcores)
{
	char prefix[64], mem[16], flag[80];
	char *argv[16];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "ut-%s-%ld", name, (long)getpid());
	snprintf(flag, sizeof(flag), "--file-prefix=%s", prefix);
	snprintf(mem, sizeof(mem), "%u", memory_mb);
	argv[argc++] = (char *)"test";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = mem;
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = (char *)"--log-level=lib.*:error";
	argv[argc++] = flag;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)lcores;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed: %s\n", name, rte_strerror(rte_errno));
		return -1;
	}
	started = true;
	/* Remember the directory now: after rte_eal_cleanup() nobody can tell us. */
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

/* Remove the files the EAL left in its runtime directory, then the directory. */
static void
runtime_dir_remove(void)
{
	struct dirent *de;
	DIR *d;

	if (runtime_dir[0] == '\0')
		return;
	d = opendir(runtime_dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", runtime_dir, de->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			fprintf(stderr, "cannot remove %s: %s\n", path, strerror(errno));
	}
	closedir(d);
	if (rmdir(runtime_dir) < 0 && errno != ENOENT)
		fprintf(stderr, "cannot remove %s: %s\n", runtime_dir, strerror(errno));
	runtime_dir[0] = '\0';
}

void
eal_fixture_stop(void)
{
	if (!started)
		return;
	rte_eal_cleanup();
	started = false;
	runtime_dir_remove();
}

unsigned long long
eal_fixture_seed(void)
{
	const char *s = getenv("RP_TEST_SEED");
	unsigned long long seed;
	struct timespec ts;

	if (s != NULL && *s != '\0') {
		seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_sec * 1000003ull ^ (unsigned long long)ts.tv_nsec ^
		       (unsigned long long)getpid() << 32;
	}
	fprintf(stderr, "# seed %#llx (RP_TEST_SEED=%#llx replays it)\n", seed, seed);
	return seed;
}

int
eal_fixture_teardown(void **state)
{
	(void)state;
	eal_fixture_stop();
	return 0;
}

void
eal_fixture_node(struct cfg_node *node, unsigned int n)
{
	memset(node, 0, sizeof(*node));
	node->n_link_pairs = n;
	for (unsigned int i = 0; i < n; i++)
		snprintf(node->link_pairs[i].name, sizeof(node->link_pairs[i].name), "edge-%c",
		         'a' + i);
}
