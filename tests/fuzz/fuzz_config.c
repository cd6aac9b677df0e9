/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the node config parser: any bytes go through libconfig and the
 * validator. The input is copied into a NUL-terminated heap buffer of its exact size plus
 * one, so a read past the end is caught by ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors *errs;
	struct cfg_node *cfg;
	char *text;

	text = malloc(size + 1);
	cfg = malloc(sizeof(*cfg));
	errs = malloc(sizeof(*errs));
	if (text == NULL || cfg == NULL || errs == NULL)
		goto out;
	if (size > 0)
		memcpy(text, data, size);
	text[size] = '\0';
	if (cfg_node_parse(text, "fuzz.conf", cfg, errs) == 0) {
		/* A valid config holds what the validator promises. */
		if (cfg->n_ports == 0 || cfg->n_link_pairs == 0 || cfg->workers.n_lcores == 0 ||
		    cfg->node.id[0] == '\0' || errs->count != 0)
			abort();
		for (unsigned int i = 0; i < cfg->n_link_pairs; i++)
			if (cfg->link_pairs[i].upstream >= cfg->n_ports ||
			    cfg->link_pairs[i].protected >= cfg->n_ports ||
			    cfg->link_pairs[i].upstream == cfg->link_pairs[i].protected)
				abort();
		for (unsigned int i = 0; i < cfg->workers.n_lcores; i++)
			if (!cfg->dpdk.lcore_set[cfg->workers.lcores[i]] ||
			    cfg->workers.lcores[i] == cfg->dpdk.main_lcore)
				abort();
	} else if (errs->count == 0) {
		/* An invalid config always says why. */
		abort();
	}
out:
	free(errs);
	free(cfg);
	free(text);
	return 0;
}
