/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's side of mitigation: set-up of the blocklist and of each worker's rate
 * table and offender ring, policy loading (parse, compile, one RCU pointer swap, free the old
 * policy after a grace period) and the counters the views read.
 *
 * Readers on other threads than the control thread (rte_telemetry's) take policy_lock around
 * every access to the policy, and the swap takes it to unpublish the old one, so a policy is
 * never freed under a reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu-qsbr.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "dp_priv.h"

static double
ms_between(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) * 1e3 + (double)(t1->tv_nsec - t0->tv_nsec) / 1e6;
}

int
dp_mitigation_init(struct dp *dp, char *err, size_t errlen)
{
	const struct cfg_node *cfg = dp->cfg;
	struct cfg_policy empty;
	struct cfg_errors errs;

	pthread_mutex_init(&dp->policy_lock, NULL);
	dp->blocklist = dp_blocklist_create("rp_blocklist", cfg->mitigation.blocklist_size,
	                                    (int)rte_socket_id(), rte_get_tsc_hz());
	if (dp->blocklist == NULL) {
		snprintf(err, errlen,
		         "cannot create the blocklist of %u entries: %s (lower "
		         "mitigation.blocklist_size or raise dpdk.memory_mb)",
		         cfg->mitigation.blocklist_size, strerror(errno));
		return -errno;
	}
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		struct dp_worker *wk = dp->workers[w];
		int socket = (int)rte_lcore_to_socket_id(wk->lcore);
		size_t sz = dp_rate_table_mem_size(cfg->mitigation.rate_sources);
		char name[RTE_RING_NAMESIZE];
		void *mem;

		mem = sz ? rte_zmalloc_socket("rp_rate", sz, RTE_CACHE_LINE_SIZE, socket) : NULL;
		if (mem == NULL) {
			snprintf(err, errlen,
			         "worker on lcore %u: cannot allocate rate-limit state "
			         "for %u sources (lower mitigation.rate_sources or raise "
			         "dpdk.memory_mb)",
			         wk->lcore, cfg->mitigation.rate_sources);
			return -ENOMEM;
		}
		dp_rate_table_init(&wk->rate, mem, cfg->mitigation.rate_sources);
		/* A secret hash seed per worker: a sender cannot aim sources at one bucket. */
		dp_rate_table_seed(&wk->rate, rte_rand());
		snprintf(name, sizeof(name), "rp_offenders_%u", w);
		wk->offenders = rte_ring_create_elem(
			name, sizeof(struct dp_offender), cfg->mitigation.offender_ring, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (wk->offenders == NULL) {
			snprintf(err, errlen,
			         "worker on lcore %u: cannot create its offender ring: %s",
			         wk->lcore, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		wk->policy = &dp->policy;
		wk->blocklist = dp->blocklist;
	}
	/* Until a policy is loaded: allow everything, drop only what does not parse. */
	cfg_policy_defaults(&empty);
	cfg_errors_init(&errs, "empty policy");
	dp->policy = dp_policy_build(&empty, cfg, dp->n_workers, 0, rte_get_tsc_hz(), &errs);
	if (dp->policy == NULL) {
		snprintf(err, errlen, "cannot set up the empty policy: %s",
		         errs.count ? errs.err[0].msg : strerror(errno));
		return -ENOMEM;
	}
	dp->policy->info.loaded = time(NULL);
	return 0;
}

void
dp_mitigation_fini(struct dp *dp)
{
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		if (dp->workers[w] == NULL)
			continue;
		rte_free(dp->workers[w]->rate.entries);
		dp->workers[w]->rate.entries = NULL;
		rte_ring_free(dp->workers[w]->offenders);
		dp->workers[w]->offenders = NULL;
	}
	dp_policy_destroy(dp->policy);
	dp->policy = NULL;
	dp_blocklist_destroy(dp->blocklist);
	dp->blocklist = NULL;
}

/* Parse and compile @path into a new policy; @return it or NULL with errs filled. */
static struct dp_policy *
policy_prepare(struct dp *dp, const char *path, struct cfg_errors *errs, int *ret)
{
	struct cfg_policy *cp = NULL;
	struct dp_policy *p;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*ret = cfg_policy_load(path, &cp, errs);
	if (*ret < 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cfg_errors_init(errs, path);
	p = dp_policy_build(cp, dp->cfg, dp->n_workers, dp->policy_version + 1, rte_get_tsc_hz(),
	                    errs);
	*ret = p ? 0 : -errno;
	if (p != NULL)
		p->info.parse_ms = ms_between(&t0, &t1);
	cfg_policy_free(cp);
	return p;
}

int
dp_policy_check(struct dp *dp, const char *path, struct cfg_errors *errs,
                struct dp_policy_info *info)
{
	struct dp_policy *p;
	int ret;

	p = policy_prepare(dp, path, errs, &ret);
	if (p == NULL)
		return ret;
	if (info != NULL)
		*info = p->info;
	dp_policy_destroy(p);
	return 0;
}

int
dp_policy_load(struct dp *dp, const char *path, struct cfg_errors *errs,
               struct dp_policy_info *info)
{
	struct dp_policy *p, *old;
	struct timespec t0, t1;
	int ret;

	p = policy_prepare(dp, path, errs, &ret);
	if (p == NULL)
		return ret;
	dp->policy_version++;
	p->info.loaded = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&dp->policy_lock);
	old = dp->policy;
	rcu_assign_pointer(dp->policy, p);
	pthread_mutex_unlock(&dp->policy_lock);
	/* Every worker reads the policy once per burst and announces a quiescent state once per
	 * loop: after this, none can still hold the old one. */
	synchronize_rcu();
	dp_policy_destroy(old);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p->info.swap_ms = ms_between(&t0, &t1);
	if (info != NULL)
		*info = p->info;
	return 0;
}

void
dp_policy_info_get(const struct dp *dp, struct dp_policy_info *info)
{
	struct dp *mdp = (struct dp *)dp;

	pthread_mutex_lock(&mdp->policy_lock);
	*info = dp->policy->info;
	pthread_mutex_unlock(&mdp->policy_lock);
}

int
dp_rule_stats_get(const struct dp *dp, uint32_t idx, struct dp_rule_stats *st)
{
	struct dp *mdp = (struct dp *)dp;
	const struct dp_policy *p;
	int ret = 0;

	pthread_mutex_lock(&mdp->policy_lock);
	p = dp->policy;
	if (idx >= p->n_rules) {
		ret = -ENOENT;
		goto out;
	}
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", p->cfg_rules[idx].name);
	st->action = p->cfg_rules[idx].action;
	st->line = p->cfg_rules[idx].line;
	for (unsigned int w = 0; w < p->n_workers; w++) {
		const struct dp_rule_ctr *c = &p->pw[w].ctr[idx];

		st->packets += DP_CTR_READ(c->packets);
		st->bytes += DP_CTR_READ(c->bytes);
		st->dropped += DP_CTR_READ(c->dropped);
	}
out:
	pthread_mutex_unlock(&mdp->policy_lock);
	return ret;
}

static void
mit_add(struct dp_mitigation_counters *out, const struct dp_mitigation_counters *c)
{
	out->inspected += DP_CTR_READ(c->inspected);
	out->non_ip += DP_CTR_READ(c->non_ip);
	out->allow_prefix += DP_CTR_READ(c->allow_prefix);
	out->monitored += DP_CTR_READ(c->monitored);
	out->offenders += DP_CTR_READ(c->offenders);
	out->offenders_lost += DP_CTR_READ(c->offenders_lost);
	out->rate_evictions += DP_CTR_READ(c->rate_evictions);
	for (unsigned int r = 0; r < DP_DROP__MAX; r++)
		out->drops[r] += DP_CTR_READ(c->drops[r]);
}

void
dp_mitigation_counters_get(const struct dp *dp, int widx, struct dp_mitigation_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < dp->n_workers; w++)
		if (widx < 0 || (unsigned int)widx == w)
			mit_add(out, &dp->workers[w]->mit);
}
