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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the validator promises of the l3 link pairs and the ha group of a valid config. */
static void
check_ha(const struct cfg_node *cfg)
{
	const struct cfg_ha *ha = &cfg->ha;

	for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
		const struct cfg_link_pair *lp = &cfg->link_pairs[i];

		for (unsigned int r = 0; r < 2; r++) {
			const struct cfg_pair_side *side = &lp->side[r];
			bool gw4_inside = !side->has_gw4, gw6_inside = !side->has_gw6;

			if (lp->mode == CFG_PAIR_L2 &&
			    (side->n_addrs != 0 || side->has_gw4 || side->has_gw6))
				abort();
			if (lp->mode == CFG_PAIR_L3 &&
			    (side->n_addrs == 0 || side->n_addrs > CFG_MAX_PAIR_ADDRS))
				abort();
			for (unsigned int j = 0; j < side->n_addrs; j++) {
				const struct cfg_ifaddr *a = &side->addrs[j];

				if ((a->family != 4 && a->family != 6) || a->len == 0 ||
				    a->len > (a->family == 4 ? 32 : 128))
					abort();
				gw4_inside |= a->family == 4 && cfg_ifaddr_contains(a, side->gw4);
				gw6_inside |= a->family == 6 && cfg_ifaddr_contains(a, side->gw6);
			}
			if (!gw4_inside || !gw6_inside)
				abort();
		}
	}
	if (!ha->enabled) {
		if (ha->n_vrrp != 0 || ha->n_peers != 0)
			abort();
		return;
	}
	if ((ha->address.family != 4 && ha->address.family != 6) || ha->port == 0 ||
	    ha->n_peers > CFG_MAX_HA_PEERS || ha->n_vrrp > CFG_MAX_VRRP ||
	    ha->min_active_links > cfg->n_link_pairs)
		abort();
	if (ha->mode == CFG_HA_ACTIVE_PASSIVE && ha->n_vrrp == 0)
		abort();
	for (unsigned int i = 0; i < ha->n_peers; i++)
		if (ha->peers[i].address.family != ha->address.family || ha->peers[i].port == 0 ||
		    ha->peers[i].id[0] == '\0' || strcmp(ha->peers[i].id, cfg->node.id) == 0)
			abort();
	for (unsigned int i = 0; i < ha->n_vrrp; i++) {
		const struct cfg_vrrp *vr = &ha->vrrp[i];

		if (vr->vrid == 0 || vr->priority == 0 || vr->link_pair >= cfg->n_link_pairs ||
		    vr->n_vips == 0 || vr->n_vips > CFG_MAX_VIPS || vr->version != 3 ||
		    vr->advert_interval_ms < 10 || vr->advert_interval_ms > 40950 ||
		    vr->advert_interval_ms % 10 != 0)
			abort();
		for (unsigned int j = 0; j < vr->n_vips; j++)
			if (vr->vips[j].family != vr->family)
				abort();
		for (unsigned int j = 0; j < i; j++)
			if (ha->vrrp[j].vrid == vr->vrid &&
			    ha->vrrp[j].link_pair == vr->link_pair &&
			    ha->vrrp[j].side == vr->side && ha->vrrp[j].family == vr->family)
				abort();
	}
}

/* And of the bypass group. */
static void
check_bypass(const struct cfg_node *cfg)
{
	const struct cfg_bypass *b = &cfg->bypass;
	char iface[64];

	if (b->watchdog_ms != 0 && (b->watchdog_ms < 5 || b->watchdog_ms > 60000))
		abort();
	if (b->pin_path[0] != '/')
		abort();
	if (b->driver == CFG_BYPASS_SYSFS && b->sysfs.bypass_path[0] != '/')
		abort();
	if (b->driver == CFG_BYPASS_XDP)
		for (unsigned int i = 0; i < cfg->n_ports; i++)
			if (cfg_port_iface(&cfg->ports[i], iface, sizeof(iface)) != 0)
				abort();
	/* ixgbe: each link pair is two functions of one PCI device, the watchdog fits. */
	if (b->driver == CFG_BYPASS_IXGBE) {
		if (b->watchdog_ms > 32000)
			abort();
		for (unsigned int i = 0; i < cfg->n_link_pairs; i++) {
			struct cfg_pci_addr a, z;

			if (cfg_port_pci(&cfg->ports[cfg->link_pairs[i].upstream], &a) != 0 ||
			    cfg_port_pci(&cfg->ports[cfg->link_pairs[i].protected], &z) != 0 ||
			    a.domain != z.domain || a.bus != z.bus || a.device != z.device ||
			    a.function == z.function)
				abort();
		}
	}
}

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
		check_ha(cfg);
		check_bypass(cfg);
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
