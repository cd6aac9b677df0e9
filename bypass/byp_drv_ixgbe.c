/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ixgbe bypass driver: bypass adapters built on the Intel 82599 (Silicom and others) whose
 * DPDK PMD exposes the relay and its watchdog through rte_pmd_ixgbe_bypass_*(). Built only with
 * the meson option ixgbe_bypass (on by default where rte_pmd_ixgbe.h exists and links); it runs
 * on ports the EAL has probed, so it takes DPDK port ids: the two ports of each link pair.
 *
 * An 82599 bypass adapter has one relay, between its two ports, and one bypass controller,
 * which the PMD reaches through the adapter's first PCI function only: init() on the other
 * function leaves it without the bypass calls, which then answer -ENOTSUP. So probe inits
 * both ports of a pair and keeps the one whose state_show() answers.
 *
 * The interface maps one to one:
 *   probe       find each pair's controlling port (above), then on each: the hardware
 *               watchdog's timeout (the shortest step >= watchdog_ms: 1.5, 2, 3, 4, 8, 16 or
 *               32 s; the hardware has nothing shorter) and its action, bypass; bypass too on
 *               host power-off and OS shutdown, so the wire survives the machine
 *   arm         wd_reset, then state NORMAL      engage      state BYPASS
 *   disconnect  state ISOLATE                    status      state_show (BYPASS while this
 *                                                            driver last set NORMAL: the
 *                                                            hardware watchdog fired)
 *   heartbeat   wd_reset, skipped (never waited for) while another call holds the adapter
 *   release     nothing: the relay stays as it is
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_pmd_ixgbe.h>

#include "byp.h"

/* The hardware watchdog's steps, in ms, indexed by RTE_PMD_IXGBE_BYPASS_TMT_*. */
static const unsigned int tmt_ms[RTE_PMD_IXGBE_BYPASS_TMT_NUM] = {
	[RTE_PMD_IXGBE_BYPASS_TMT_OFF] = 0,        [RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC] = 1500,
	[RTE_PMD_IXGBE_BYPASS_TMT_2_SEC] = 2000,   [RTE_PMD_IXGBE_BYPASS_TMT_3_SEC] = 3000,
	[RTE_PMD_IXGBE_BYPASS_TMT_4_SEC] = 4000,   [RTE_PMD_IXGBE_BYPASS_TMT_8_SEC] = 8000,
	[RTE_PMD_IXGBE_BYPASS_TMT_16_SEC] = 16000, [RTE_PMD_IXGBE_BYPASS_TMT_32_SEC] = 32000,
};

struct drv_ixgbe {
	struct byp_driver base;
	struct byp_ixgbe_conf conf;        /* [R] */
	uint32_t tmt;                      /* [R] after probe: RTE_PMD_IXGBE_BYPASS_TMT_* */
	unsigned int n_ctl;                /* [R] after probe: conf.n_pairs; 0 before */
	uint16_t ctl[BYP_IXGBE_MAX_PAIRS]; /* [R] after probe: each pair's controlling port */
	pthread_mutex_t hw;                /* one caller at a time on the bypass controllers */
	enum byp_state last_set;           /* [hw] */
	bool set_once;                     /* [hw] */
	uint64_t kicks;                    /* [a] */
	uint64_t kicks_skipped;            /* [a] an adapter was busy: this beat was left out */
};

int
byp_ixgbe_timeout(unsigned int watchdog_ms)
{
	if (watchdog_ms == 0)
		return RTE_PMD_IXGBE_BYPASS_TMT_OFF;
	for (int t = RTE_PMD_IXGBE_BYPASS_TMT_1_5_SEC; t < RTE_PMD_IXGBE_BYPASS_TMT_NUM; t++)
		if (tmt_ms[t] >= watchdog_ms)
			return t;
	return -ERANGE;
}

unsigned int
byp_ixgbe_timeout_ms(int tmt)
{
	return tmt >= 0 && tmt < RTE_PMD_IXGBE_BYPASS_TMT_NUM ? tmt_ms[tmt] : 0;
}

/* Link pair @i's controlling port: the one of its two ports on which the bypass controller
 * answers. @return the DPDK port id, or -errno and a sentence in @err. */
static int
ixgbe_find_ctl(const struct drv_ixgbe *d, unsigned int i, char *err, size_t errlen)
{
	const uint16_t *ports = d->conf.pairs[i].ports;
	const char *name = d->conf.pairs[i].name;
	int init_ret[2];

	for (unsigned int s = 0; s < 2; s++) {
		uint32_t mode;
		int ret;

		init_ret[s] = rte_pmd_ixgbe_bypass_init(ports[s]);
		if (init_ret[s] < 0)
			continue;
		ret = rte_pmd_ixgbe_bypass_state_show(ports[s], &mode);
		if (ret == 0)
			return ports[s];
		if (ret != -ENOTSUP) {
			snprintf(err, errlen,
			         "bypass ixgbe: link pair %s: port %u: "
			         "rte_pmd_ixgbe_bypass_state_show: %s",
			         name, ports[s], strerror(ret < 0 ? -ret : EIO));
			return ret < 0 ? ret : -EIO;
		}
	}
	for (unsigned int s = 0; s < 2; s++) {
		if (init_ret[s] < 0 && init_ret[s] != -ENOTSUP) {
			snprintf(err, errlen,
			         "bypass ixgbe: link pair %s: port %u: rte_pmd_ixgbe_bypass_init: "
			         "%s",
			         name, ports[s], strerror(-init_ret[s]));
			return init_ret[s];
		}
	}
	if (init_ret[0] < 0 && init_ret[1] < 0)
		snprintf(err, errlen,
		         "bypass ixgbe: link pair %s: ports %u and %u are not ixgbe ports "
		         "(not a bypass adapter)",
		         name, ports[0], ports[1]);
	else
		snprintf(err, errlen,
		         "bypass ixgbe: link pair %s: neither port %u nor port %u reaches a bypass "
		         "controller (not a bypass adapter: an 82599 bypass adapter answers on "
		         "its first PCI function)",
		         name, ports[0], ports[1]);
	return -ENOTSUP;
}

static int
ixgbe_probe(struct byp_driver *drv, char *err, size_t errlen)
{
	static const uint32_t fail_open_events[] = {
		RTE_PMD_IXGBE_BYPASS_EVENT_TIMEOUT,
		RTE_PMD_IXGBE_BYPASS_EVENT_OS_OFF,
		RTE_PMD_IXGBE_BYPASS_EVENT_POWER_OFF,
	};
	struct drv_ixgbe *d = (struct drv_ixgbe *)drv;
	uint16_t ctl[BYP_IXGBE_MAX_PAIRS];
	int tmt = byp_ixgbe_timeout(d->conf.watchdog_ms);
	int ret = 0;

	if (tmt < 0) {
		snprintf(err, errlen,
		         "bypass ixgbe: watchdog_ms %u is longer than the adapter's "
		         "longest watchdog (32 s)",
		         d->conf.watchdog_ms);
		return tmt;
	}
	d->tmt = (uint32_t)tmt;
	pthread_mutex_lock(&d->hw);
	for (unsigned int i = 0; i < d->conf.n_pairs && ret == 0; i++) {
		const char *what = "event_store";
		uint16_t port;

		ret = ixgbe_find_ctl(d, i, err, errlen);
		if (ret < 0)
			break;
		port = (uint16_t)ret;
		ret = 0;
		for (unsigned int j = 0; j < i; j++) {
			if (ctl[j] == port) {
				snprintf(err, errlen,
				         "bypass ixgbe: link pairs %s and %s reach the same bypass "
				         "controller (port %u): one adapter's relay wires one pair",
				         d->conf.pairs[j].name, d->conf.pairs[i].name, port);
				ret = -EINVAL;
			}
		}
		ctl[i] = port;
		for (size_t e = 0;
		     ret == 0 && e < sizeof(fail_open_events) / sizeof(*fail_open_events); e++)
			ret = rte_pmd_ixgbe_bypass_event_store(port, fail_open_events[e],
			                                       RTE_PMD_IXGBE_BYPASS_MODE_BYPASS);
		if (ret == 0) {
			what = "wd_timeout_store";
			ret = rte_pmd_ixgbe_bypass_wd_timeout_store(port, d->tmt);
		}
		if (ret < 0 && ret != -EINVAL)
			snprintf(err, errlen,
			         "bypass ixgbe: link pair %s: port %u: "
			         "rte_pmd_ixgbe_bypass_%s: %s",
			         d->conf.pairs[i].name, port, what, strerror(-ret));
	}
	if (ret == 0) {
		memcpy(d->ctl, ctl, d->conf.n_pairs * sizeof(*ctl));
		d->n_ctl = d->conf.n_pairs;
	}
	pthread_mutex_unlock(&d->hw);
	return ret;
}

static int
ixgbe_set(struct drv_ixgbe *d, enum byp_state state)
{
	uint32_t mode = state == BYP_STATE_INLINE   ? RTE_PMD_IXGBE_BYPASS_MODE_NORMAL
	                : state == BYP_STATE_BYPASS ? RTE_PMD_IXGBE_BYPASS_MODE_BYPASS
	                                            : RTE_PMD_IXGBE_BYPASS_MODE_ISOLATE;
	int ret = 0;

	pthread_mutex_lock(&d->hw);
	if (d->n_ctl == 0)
		ret = -ENODEV; /* not probed */
	for (unsigned int i = 0; i < d->n_ctl && ret == 0; i++) {
		if (state == BYP_STATE_INLINE && d->tmt != RTE_PMD_IXGBE_BYPASS_TMT_OFF)
			ret = rte_pmd_ixgbe_bypass_wd_reset(d->ctl[i]);
		if (ret == 0)
			ret = rte_pmd_ixgbe_bypass_state_set(d->ctl[i], &mode);
	}
	if (ret == 0) {
		d->last_set = state;
		d->set_once = true;
	}
	pthread_mutex_unlock(&d->hw);
	return ret;
}

static int
ixgbe_arm(struct byp_driver *drv, uint64_t now_ns)
{
	(void)now_ns;
	return ixgbe_set((struct drv_ixgbe *)drv, BYP_STATE_INLINE);
}

static int
ixgbe_engage(struct byp_driver *drv)
{
	return ixgbe_set((struct drv_ixgbe *)drv, BYP_STATE_BYPASS);
}

static int
ixgbe_disconnect(struct byp_driver *drv)
{
	return ixgbe_set((struct drv_ixgbe *)drv, BYP_STATE_DISCONNECT);
}

static int
ixgbe_status(struct byp_driver *drv, struct byp_drv_status *st)
{
	struct drv_ixgbe *d = (struct drv_ixgbe *)drv;
	enum byp_state worst = BYP_STATE_INLINE;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&d->hw);
	if (d->n_ctl == 0)
		ret = -ENODEV; /* not probed */
	for (unsigned int i = 0; i < d->n_ctl && ret == 0; i++) {
		uint32_t mode = 0;

		ret = rte_pmd_ixgbe_bypass_state_show(d->ctl[i], &mode);
		if (ret < 0)
			break;
		if (mode == RTE_PMD_IXGBE_BYPASS_MODE_ISOLATE)
			worst = BYP_STATE_DISCONNECT;
		else if (mode == RTE_PMD_IXGBE_BYPASS_MODE_BYPASS && worst == BYP_STATE_INLINE)
			worst = BYP_STATE_BYPASS;
		else if (mode != RTE_PMD_IXGBE_BYPASS_MODE_NORMAL &&
		         mode != RTE_PMD_IXGBE_BYPASS_MODE_BYPASS)
			ret = -EPROTO;
	}
	st->state = worst;
	st->by_watchdog =
		worst == BYP_STATE_BYPASS && d->set_once && d->last_set == BYP_STATE_INLINE;
	pthread_mutex_unlock(&d->hw);
	snprintf(st->detail, sizeof(st->detail),
	         "%u adapter%s, hardware watchdog %u ms; kicks %llu, skipped %llu", d->n_ctl,
	         d->n_ctl == 1 ? "" : "s", byp_ixgbe_timeout_ms((int)d->tmt),
	         (unsigned long long)__atomic_load_n(&d->kicks, __ATOMIC_RELAXED),
	         (unsigned long long)__atomic_load_n(&d->kicks_skipped, __ATOMIC_RELAXED));
	return ret;
}

static void
ixgbe_heartbeat(struct byp_driver *drv, uint64_t now_ns)
{
	struct drv_ixgbe *d = (struct drv_ixgbe *)drv;

	(void)now_ns;
	if (d->tmt == RTE_PMD_IXGBE_BYPASS_TMT_OFF)
		return;
	/* Never wait: the next beat comes within a quarter of the watchdog. */
	if (pthread_mutex_trylock(&d->hw) != 0) {
		__atomic_fetch_add(&d->kicks_skipped, 1, __ATOMIC_RELAXED);
		return;
	}
	for (unsigned int i = 0; i < d->n_ctl; i++)
		rte_pmd_ixgbe_bypass_wd_reset(d->ctl[i]);
	pthread_mutex_unlock(&d->hw);
	__atomic_fetch_add(&d->kicks, 1, __ATOMIC_RELAXED);
}

static void
ixgbe_release(struct byp_driver *drv)
{
	struct drv_ixgbe *d = (struct drv_ixgbe *)drv;

	pthread_mutex_destroy(&d->hw);
	free(d);
}

static const struct byp_driver_ops ixgbe_ops = {
	.name = "ixgbe",
	.probe = ixgbe_probe,
	.arm = ixgbe_arm,
	.engage = ixgbe_engage,
	.disconnect = ixgbe_disconnect,
	.status = ixgbe_status,
	.heartbeat = ixgbe_heartbeat,
	.release = ixgbe_release,
};

struct byp_driver *
byp_drv_ixgbe_create(const struct byp_ixgbe_conf *conf)
{
	struct drv_ixgbe *d;

	if (conf == NULL || conf->n_pairs == 0 || conf->n_pairs > BYP_IXGBE_MAX_PAIRS) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->base.ops = &ixgbe_ops;
	d->conf = *conf;
	pthread_mutex_init(&d->hw, NULL);
	return &d->base;
}
