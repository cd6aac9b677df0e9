/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process benchmark of the mitigation pipeline: the real parser (dp_pkt_parse) and the
 * real pipeline (dp_pipeline_run) over 64-byte frames in hugepage memory, on a pinned worker
 * lcore, in bursts as dp_worker.c runs them, against policies of several rule counts with a
 * large blocklist and a large deny list (tools/bench/mit_gen.h describes the workload).
 *
 *   mitigate [EAL options] -- [--rules=10,1000,10000,100000] [--runs=5] [--packets=8388608]
 *            [--frames=1048576] [--deny=1048576] [--block=1048576] [--count-rules=0]
 *            [--mix=40,20,15,15,10] [--burst=32] [--seed=N] [--acl-dir=DIR] [--callgrind]
 *            [--only=bare,pipeline,classify,pipeline_rte_acl,classify_rte_acl,pipeline_hot]
 *            [--scan4-mean=N]
 *            [--no-ref]
 *
 * Measured per rule count, interleaved over --runs rounds (the order rotates every round):
 *   pipeline          parse + dp_pipeline_run + the forwarding split, as the worker does per
 *                     burst, over every frame in turn;
 *   pipeline_hot      the same, each of 4096 frames 1024 times in a row (the packet's state
 *                     stays in the cache, as under BPF_PROG_TEST_RUN's repeat);
 *   classify          dp_policy_classify alone on the parsed frames;
 *   pipeline_rte_acl, classify_rte_acl   the same with the policy built by rte_acl alone
 *                     (dp_policy_no_scan4), when the policy chose dp_scan4; both classifiers
 *                     are first checked to agree on every frame;
 *   bare              parse + the forwarding split, no policy (variant b: our I/O-free floor).
 * Cycles are rte_rdtsc() around every burst, summed over the bursts that were not interrupted
 * (a burst over ten times the median is left out: the machine is shared) and divided by
 * their packets; the share of bursts kept and of the run spent on a CPU are reported too.
 * Also: compile time, peak RSS of the build (rte_acl's build memory is malloc'd), the DPDK
 * heap each structure holds, the swap (publish + grace period with a reader running + free
 * of the old policy). Lines starting with "R " are for tools/bench/mitigate.sh to read.
 *
 * --acl-dir writes dpdk-test-acl's rule and trace files (rules_N.txt, trace_N.txt) from the
 * same rules and frames. --callgrind runs each variant once over --packets packets on the
 * main lcore between callgrind client requests, for instruction counts per packet (run it
 * under valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu-qsbr.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_random.h>
#include <rte_ring.h>

#ifdef HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(s) (void)(s)
#endif

#include "dp_priv.h"
#include "mit_gen.h"

#define MAX_COUNTS 8
#define RATE_SOURCES 65536 /* mitigation.rate_sources default */

enum mode { M_PIPELINE, M_BARE, M_ACL };

/* What is measured: a mode on one rule count's policy, or on its rte_acl-only twin. */
struct variant {
	char name[24]; /* "pipeline", "classify_rte_acl"... */
	enum mode mode;
	int setup; /* -1 for bare */
	bool ref;
	bool hot; /* each frame 1024 times in a row, as BPF_PROG_TEST_RUN repeats */
};

struct opts {
	uint32_t counts[MAX_COUNTS];
	unsigned int n_counts;
	unsigned int runs;
	uint64_t packets;
	unsigned int burst;
	const char *acl_dir;
	const char *only; /* comma-separated variant names, NULL for all */
	bool no_ref;      /* no rte_acl twin for the policies that use dp_scan4 */
	bool callgrind;
	struct mit_gen_cfg gen;
};

/* One rule count: its rules, frames and compiled policy. */
struct setup {
	uint32_t n_rules;
	struct cfg_rule *rules; /* the first n_rules of the largest set */
	uint8_t *kinds;
	uint8_t *frames; /* hugepage copy */
	uint8_t *cls;
	struct dp_pkt *metas; /* every frame parsed, for the acl variant */
	struct dp_policy *policy;
	struct dp_policy *ref; /* the same rules with rte_acl for IPv4, when policy has not */
	double compile_ms, peak_mb;
	double swap_ms, free_ms;
};

/* What a measured run does, on the worker lcore. */
struct job {
	enum mode mode;
	const struct dp_policy *policy;
	const struct dp_blocklist *bl;
	struct dp_worker *wk;
	const uint8_t *frames;
	const struct dp_pkt *metas;
	uint32_t n_frames;
	uint64_t n_pkts;
	unsigned int burst;
	bool hot;
	uint32_t *burst_cyc; /* n_pkts / burst entries: TSC cycles of each burst */
	uint64_t cycles;     /* the whole run */
	double busy;         /* share of the run the thread was on a CPU */
	double cpp;          /* cycles per packet over the bursts not interrupted */
	double kept;         /* share of bursts kept */
	uint64_t forwarded;
};

static struct opts o;
static struct dp_policy *volatile slot; /* the RCU-published policy of the swap phase */
static volatile bool reader_stop;

static int
parse_counts(const char *s)
{
	char *end;

	o.n_counts = 0;
	while (*s != '\0') {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > CFG_POLICY_MAX_RULES || o.n_counts == MAX_COUNTS)
			return -EINVAL;
		o.counts[o.n_counts++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return -EINVAL;
	}
	return o.n_counts ? 0 : -EINVAL;
}

static int
parse_mix(const char *s)
{
	unsigned int sum = 0;
	char *end;

	for (unsigned int i = 0; i < MIT_CLASS_MAX; i++) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > 100 || (i + 1 < MIT_CLASS_MAX && *end != ','))
			return -EINVAL;
		o.gen.pct[i] = (unsigned int)v;
		sum += (unsigned int)v;
		s = end + (*end == ',');
	}
	return sum == 100 && *end == '\0' ? 0 : -EINVAL;
}

static int
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
opts_parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rules", 1, NULL, 'r' },       { "runs", 1, NULL, 'n' },
		{ "packets", 1, NULL, 'p' },     { "frames", 1, NULL, 'f' },
		{ "deny", 1, NULL, 'd' },        { "block", 1, NULL, 'b' },
		{ "count-rules", 1, NULL, 'c' }, { "mix", 1, NULL, 'm' },
		{ "burst", 1, NULL, 'B' },       { "seed", 1, NULL, 's' },
		{ "acl-dir", 1, NULL, 'a' },     { "callgrind", 0, NULL, 'g' },
		{ "only", 1, NULL, 'o' },        { "scan4-mean", 1, NULL, 'M' },
		{ "no-ref", 0, NULL, 'N' },      { NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, ret = 0;

	mit_gen_defaults(&o.gen);
	o.runs = 5;
	o.packets = 1u << 23;
	o.burst = 32;
	parse_counts("10,1000,10000,100000");
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			ret = parse_counts(optarg);
			break;
		case 'n':
			ret = parse_u64(optarg, 1, 100, &v);
			o.runs = (unsigned int)v;
			break;
		case 'p':
			ret = parse_u64(optarg, 1024, 1ull << 36, &v);
			o.packets = v;
			break;
		case 'f':
			ret = parse_u64(optarg, 1024, 1u << 24, &v);
			o.gen.n_frames = (uint32_t)v;
			break;
		case 'd':
			ret = parse_u64(optarg, 0, 1u << 21, &v);
			o.gen.n_deny = (uint32_t)v;
			break;
		case 'b':
			ret = parse_u64(optarg, 0, 1u << 24, &v);
			o.gen.n_block = (uint32_t)v;
			break;
		case 'c':
			ret = parse_u64(optarg, 0, DP_MAX_COUNT_RULES, &v);
			o.gen.n_count = (uint32_t)v;
			break;
		case 'm':
			ret = parse_mix(optarg);
			break;
		case 'B':
			ret = parse_u64(optarg, 1, DP_MAX_BURST, &v);
			o.burst = (unsigned int)v;
			break;
		case 's':
			ret = parse_u64(optarg, 0, UINT64_MAX, &v);
			o.gen.seed = v;
			break;
		case 'a':
			o.acl_dir = optarg;
			break;
		case 'g':
			o.callgrind = true;
			break;
		case 'o':
			o.only = optarg;
			break;
		case 'N':
			o.no_ref = true;
			break;
		case 'M':
			ret = parse_u64(optarg, 1, 1u << 20, &v);
			dp_scan4_limits.max_mean = (double)v;
			dp_scan4_limits.max_seg = UINT32_MAX;
			dp_scan4_limits.max_entries = UINT32_MAX;
			dp_scan4_limits_large = dp_scan4_limits;
			break;
		default:
			return -EINVAL;
		}
		if (ret < 0) {
			fprintf(stderr, "mitigate: bad option value \"%s\"\n", optarg);
			return ret;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

/* A field of /proc/self/status in kB ("VmRSS", "VmHWM"). */
static long
status_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Start a new peak-RSS window: VmHWM falls back to VmRSS. */
static void
peak_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f != NULL) {
		fputs("5", f);
		fclose(f);
	}
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double
mb(size_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void
policy_fill(struct cfg_policy *cp, const struct cfg_rule *rules, uint32_t n_rules,
            struct cfg_prefix *deny, size_t n_deny)
{
	struct cfg_protection *pr = &cp->protection;
	static const uint16_t amp[] = { 19, 53, 123, 389, 1900, 11211 };

	cfg_policy_defaults(cp);
	snprintf(cp->file, sizeof(cp->file), "bench-%u-rules", n_rules);
	cp->rules = (struct cfg_rule *)rules;
	cp->n_rules = n_rules;
	cp->deny = deny;
	cp->n_deny = n_deny;
	pr->syn_flood.enabled = true;
	pr->syn_flood.per_source_pps = 100;
	pr->syn_flood.per_destination_pps = 20000;
	pr->udp_amplification.enabled = true;
	pr->udp_amplification.n_src_ports = RTE_DIM(amp);
	memcpy(pr->udp_amplification.src_ports, amp, sizeof(amp));
	pr->udp_amplification.min_len = 512;
	pr->icmp_flood.enabled = true;
	pr->icmp_flood.per_source_pps = 50;
	pr->auto_block.enabled = true;
	pr->auto_block.exceed_seconds = 3;
	pr->auto_block.block_seconds = 300;
}

static struct dp_policy *
policy_build(const struct cfg_node *node, const struct cfg_rule *rules, uint32_t n_rules,
             struct cfg_prefix *deny, size_t n_deny, uint64_t version, double *ms, double *peak)
{
	struct cfg_policy cp;
	struct cfg_errors errs;
	struct dp_policy *p;
	long rss0;
	double t0;

	policy_fill(&cp, rules, n_rules, deny, n_deny);
	cfg_errors_init(&errs, cp.file);
	peak_reset();
	rss0 = status_kb("VmRSS");
	t0 = now_ms();
	p = dp_policy_build(&cp, node, 1, version, rte_get_tsc_hz(), &errs);
	*ms = now_ms() - t0;
	*peak = (double)(status_kb("VmHWM") - rss0) / 1024.0;
	if (p == NULL) {
		fprintf(stderr, "mitigate: cannot build the %u-rule policy:\n", n_rules);
		cfg_errors_print(&errs, stderr);
	}
	return p;
}

/* The forwarding split of dp_worker.c: what passes goes to a tx array, the rest is freed. */
static inline unsigned int
split(const uint8_t **tx, const uint8_t *reason, unsigned int n, uint64_t *tx_bytes,
      const uint32_t *bytes)
{
	unsigned int n_tx = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (reason[i] == DP_DROP_NONE) {
			tx[n_tx++] = tx[i];
			*tx_bytes += bytes[i];
		}
	}
	return n_tx;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The machine is shared: another process may take the CPU in the middle of a burst. A burst
 * that took more than ten times the median burst was interrupted; it is left out, and the
 * share of bursts kept is reported. (The time the thread was off the CPU is also in busy.)
 */
static void
bursts_filter(struct job *j, uint64_t n)
{
	uint32_t *tmp = malloc(n * sizeof(*tmp)), limit;
	uint64_t sum = 0, kept = 0;

	if (tmp == NULL || n == 0) {
		j->cpp = (double)j->cycles / (double)j->n_pkts;
		j->kept = 1;
		free(tmp);
		return;
	}
	memcpy(tmp, j->burst_cyc, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_u32);
	limit = tmp[n / 2] > UINT32_MAX / 10 ? UINT32_MAX : tmp[n / 2] * 10;
	for (uint64_t b = 0; b < n; b++) {
		if (j->burst_cyc[b] <= limit) {
			sum += j->burst_cyc[b];
			kept++;
		}
	}
	j->cpp = (double)sum / (double)(kept * j->burst);
	j->kept = (double)kept / (double)n;
	free(tmp);
}

static int
job_run(void *arg)
{
	struct job *j = arg;
	struct dp_pkt meta[DP_MAX_BURST];
	const struct dp_pkt *cls[DP_MAX_BURST];
	uint8_t ingress[DP_MAX_BURST];
	uint32_t bytes[DP_MAX_BURST];
	uint8_t reason[DP_MAX_BURST];
	const uint8_t *tx[DP_MAX_BURST];
	static uint32_t res[DP_MAX_BURST * DP_ACL_CATEGORIES];
	struct dp_pipeline pl = { .policy = j->policy, .blocklist = j->bl, .wk = j->wk };
	uint64_t fwd = 0, tx_bytes = 0, t0, t1, n_bursts = j->n_pkts / j->burst;
	struct timespec c0, c1;
	uint32_t pos = 0;

	rcu_register_thread();
	for (unsigned int i = 0; i < j->burst; i++)
		ingress[i] = dp_ingress(0, false);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = rte_rdtsc_precise();
	if (j->mode == M_ACL) {
		for (uint64_t b = 0; b < n_bursts; b++) {
			uint64_t tb = rte_rdtsc();

			for (unsigned int i = 0; i < j->burst; i++) {
				cls[i] = &j->metas[pos];
				pos = pos + 1 == j->n_frames ? 0 : pos + 1;
			}
			dp_policy_classify(j->policy, cls, ingress, j->burst, res);
			fwd += res[0] != 0;
			j->burst_cyc[b] = (uint32_t)RTE_MIN(rte_rdtsc() - tb, (uint64_t)UINT32_MAX);
		}
	} else {
		for (uint64_t b = 0; b < n_bursts; b++) {
			uint64_t tb = rte_rdtsc();

			if (j->hot) /* 4096 frames spread over the set, 1024 packets each */
				pos = (uint32_t)((b * j->burst / 1024) % 4096 *
				                 (j->n_frames / 4096));
			/* As dp_worker.c does: the burst's headers on their way before parsing. */
			for (unsigned int i = 0, q = pos; i < j->burst; i++) {
				rte_prefetch0(j->frames + (size_t)q * MIT_FRAME_STRIDE);
				if (!j->hot)
					q = q + 1 == j->n_frames ? 0 : q + 1;
			}
			for (unsigned int i = 0; i < j->burst; i++) {
				const uint8_t *f = j->frames + (size_t)pos * MIT_FRAME_STRIDE;

				if (!j->hot)
					pos = pos + 1 == j->n_frames ? 0 : pos + 1;
				bytes[i] = MIT_FRAME_LEN;
				reason[i] = (uint8_t)dp_pkt_parse(f, MIT_FRAME_LEN, &meta[i]);
				tx[i] = f;
			}
			if (j->mode == M_PIPELINE)
				dp_pipeline_run(&pl, meta, bytes, j->burst, 0, false, rte_rdtsc(),
				                reason);
			fwd += split(tx, reason, j->burst, &tx_bytes, bytes);
			rcu_quiescent_state();
			j->burst_cyc[b] = (uint32_t)RTE_MIN(rte_rdtsc() - tb, (uint64_t)UINT32_MAX);
		}
	}
	t1 = rte_rdtsc_precise();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	rcu_unregister_thread();
	j->cycles = t1 - t0;
	j->busy = ((double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9) /
	          ((double)j->cycles / (double)rte_get_tsc_hz());
	j->forwarded = fwd + (tx_bytes == 1); /* keeps tx_bytes alive */
	return 0;
}

/* The swap phase's reader: the pipeline on whatever policy is published, until told. */
static int
reader_run(void *arg)
{
	struct job *j = arg;
	struct dp_pkt meta[DP_MAX_BURST];
	uint32_t bytes[DP_MAX_BURST];
	uint8_t reason[DP_MAX_BURST];
	struct dp_pipeline pl = { .blocklist = j->bl, .wk = j->wk };
	uint32_t pos = 0;

	rcu_register_thread();
	while (!reader_stop) {
		for (unsigned int i = 0; i < j->burst; i++) {
			bytes[i] = MIT_FRAME_LEN;
			reason[i] =
				(uint8_t)dp_pkt_parse(j->frames + (size_t)pos * MIT_FRAME_STRIDE,
			                              MIT_FRAME_LEN, &meta[i]);
			pos = pos + 1 == j->n_frames ? 0 : pos + 1;
		}
		pl.policy = rcu_dereference(slot);
		dp_pipeline_run(&pl, meta, bytes, j->burst, 0, false, rte_rdtsc(), reason);
		rcu_quiescent_state();
	}
	rcu_unregister_thread();
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
acl_files_write(const char *dir, const struct setup *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/rules_%u.txt", dir, s->n_rules);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	for (uint32_t i = 0; i < s->n_rules; i++) {
		const struct cfg_rule *r = &s->rules[i];
		unsigned int ns = r->n_src_ports ? r->n_src_ports : 1;
		unsigned int nd = r->n_dst_ports ? r->n_dst_ports : 1;
		char src[64] = "0.0.0.0/0", dst[64] = "0.0.0.0/0";

		if (r->action == CFG_ACTION_COUNT)
			continue; /* test-acl has one category here: a count rule would shadow */
		if (r->has_src)
			cfg_prefix_format(&r->src, src, sizeof(src));
		if (r->has_dst)
			cfg_prefix_format(&r->dst, dst, sizeof(dst));
		for (unsigned int a = 0; a < ns; a++)
			for (unsigned int b = 0; b < nd; b++)
				fprintf(f, "@%s %s %u : %u %u : %u 0x%02x/0x%02x\n", src, dst,
				        r->n_src_ports ? r->src_ports[a].lo : 0,
				        r->n_src_ports ? r->src_ports[a].hi : 65535,
				        r->n_dst_ports ? r->dst_ports[b].lo : 0,
				        r->n_dst_ports ? r->dst_ports[b].hi : 65535,
				        r->has_proto ? r->proto : 0, r->has_proto ? 0xff : 0);
	}
	if (fclose(f) != 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/trace_%u.txt", dir, s->n_rules);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	for (uint32_t k = 0; k < o.gen.n_frames; k++) {
		uint32_t src, dst;
		uint16_t sp, dpt;
		uint8_t proto;

		mit_frame_tuple(s->frames + (size_t)k * MIT_FRAME_STRIDE, &src, &dst, &sp, &dpt,
		                &proto);
		fprintf(f, "%u %u %u %u %u\n", src, dst, sp, dpt, proto);
	}
	return fclose(f) != 0 ? -errno : 0;
}

static struct dp_worker *
worker_make(void)
{
	struct dp_worker *wk = rte_zmalloc("bench_wk", sizeof(*wk), RTE_CACHE_LINE_SIZE);
	size_t sz = dp_rate_table_mem_size(RATE_SOURCES);
	void *mem = rte_zmalloc("bench_rate", sz, RTE_CACHE_LINE_SIZE);

	if (wk == NULL || mem == NULL)
		return NULL;
	wk->index = 0;
	wk->burst = o.burst;
	dp_rate_table_init(&wk->rate, mem, RATE_SOURCES);
	dp_rate_table_seed(&wk->rate, rte_rand());
	wk->offenders = rte_ring_create_elem("bench_offenders", sizeof(struct dp_offender), 1024,
	                                     (int)rte_socket_id(),
	                                     RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	return wk->offenders ? wk : NULL;
}

/* Take what auto-block asked for, as dp_tick() would (without blocking anyone). */
static void
offenders_drain(struct dp_worker *wk)
{
	struct dp_offender off;

	while (rte_ring_sc_dequeue_elem(wk->offenders, &off, sizeof(off)) == 0)
		;
}

/* One pass over every frame of @s, counting what the pipeline decided. */
static void
mix_report(struct setup *s, struct job *j, unsigned int lcore)
{
	struct dp_mitigation_counters before = j->wk->mit;
	const struct dp_mitigation_counters *after = &j->wk->mit;
	uint64_t n = o.gen.n_frames - o.gen.n_frames % o.burst;

	j->mode = M_PIPELINE;
	j->n_pkts = n;
	rte_eal_remote_launch(job_run, j, lcore);
	rte_eal_wait_lcore(lcore);
	offenders_drain(j->wk);
	printf("R mix rules=%u packets=%" PRIu64 " forwarded=%" PRIu64, s->n_rules, n,
	       j->forwarded);
	for (unsigned int r = DP_DROP_DENY_PREFIX; r < DP_DROP__MAX; r++) {
		uint64_t d = after->drops[r] - before.drops[r];

		if (d != 0)
			printf(" %s=%" PRIu64, dp_drop_reason_name((enum dp_drop_reason)r), d);
	}
	printf(" rate_evictions=%" PRIu64 " offenders=%" PRIu64 "\n",
	       after->rate_evictions - before.rate_evictions,
	       after->offenders + after->offenders_lost - before.offenders - before.offenders_lost);
}

/* Is @name in the --only list (or is there none)? */
static bool
variant_wanted(const char *name)
{
	size_t l = strlen(name);

	for (const char *p = o.only; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, l) == 0 && (p[l] == ',' || p[l] == '\0'))
			return true;
	return o.only == NULL;
}

static unsigned int
variants_filter(struct variant *v, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (variant_wanted(v[i].name))
			v[k++] = v[i];
	return k;
}

static unsigned int
variants_make(struct variant *v, const struct setup *setups)
{
	unsigned int n = 0;

	snprintf(v[n].name, sizeof(v[n].name), "bare");
	v[n].mode = M_BARE;
	v[n].setup = -1;
	v[n].hot = false;
	v[n++].ref = false;
	for (unsigned int k = 0; k < o.n_counts; k++) {
		for (unsigned int ref = 0; ref < (setups[k].ref ? 2u : 1u); ref++) {
			for (unsigned int m = 0; m < 2; m++) {
				snprintf(v[n].name, sizeof(v[n].name), "%s%s",
				         m ? "classify" : "pipeline", ref ? "_rte_acl" : "");
				v[n].mode = m ? M_ACL : M_PIPELINE;
				v[n].setup = (int)k;
				v[n].hot = false;
				v[n++].ref = ref;
			}
		}
		snprintf(v[n].name, sizeof(v[n].name), "pipeline_hot");
		v[n].mode = M_PIPELINE;
		v[n].setup = (int)k;
		v[n].hot = true;
		v[n++].ref = false;
	}
	return variants_filter(v, n);
}

static void
job_for(struct job *j, const struct variant *v, const struct setup *setups)
{
	j->mode = v->mode;
	j->hot = v->hot;
	if (v->setup >= 0) {
		const struct setup *s = &setups[v->setup];

		j->policy = v->ref ? s->ref : s->policy;
		j->frames = s->frames;
		j->metas = s->metas;
	}
}

static void
callgrind_run(struct setup *setups, struct job *base)
{
	char name[64];

	struct variant vars[1 + 5 * MAX_COUNTS];
	unsigned int n_var = variants_make(vars, setups);

	CALLGRIND_START_INSTRUMENTATION;
	for (unsigned int v = 0; v < n_var; v++) {
		struct job j = *base;
		unsigned int rules = vars[v].setup < 0 ? 0 : setups[vars[v].setup].n_rules;

		job_for(&j, &vars[v], setups);
		j.n_pkts = o.packets - o.packets % o.burst;
		/* A first pass warms the rate table; only the second is counted. */
		job_run(&j);
		CALLGRIND_TOGGLE_COLLECT;
		job_run(&j);
		CALLGRIND_TOGGLE_COLLECT;
		snprintf(name, sizeof(name), "%.23s-%u", vars[v].name, rules);
		CALLGRIND_DUMP_STATS_AT(name);
		printf("R callgrind variant=%s rules=%u packets=%" PRIu64 "\n", vars[v].name, rules,
		       j.n_pkts);
		offenders_drain(j.wk);
	}
}

/*
 * The policy chose dp_scan4 for its IPv4 rules: build the same policy with rte_acl (kept as
 * the "_rte_acl" variants) and check that both classify every frame alike.
 */
static int
verify_with_acl(const struct cfg_node *node, struct setup *s, struct cfg_prefix *deny,
                unsigned int k)
{
	const struct dp_pkt *cls[DP_MAX_BURST];
	uint8_t ingress[DP_MAX_BURST];
	uint32_t a[DP_MAX_BURST], b[DP_MAX_BURST];
	uint64_t mismatches = 0, matched = 0;
	double ms, peak;

	if (o.no_ref || s->policy->info.n_acl_rules > dp_scan4_acl_max) {
		/* Past dp_scan4_acl_max rte_acl is not an option (the 100k-rule twin ran 527 s
		 * and grew to 15.9 GB of RSS before it gave up with -ERANGE): no twin. */
		printf("R build_ref rules=%u skipped=1\n", s->n_rules);
		return 0;
	}
	dp_policy_no_scan4 = true;
	s->ref = policy_build(node, s->rules, s->n_rules, deny, o.gen.n_deny, 100 + k, &ms, &peak);
	dp_policy_no_scan4 = false;
	if (s->ref == NULL) {
		/* rte_acl may refuse a large rule set (-ERANGE past max_size): say so, go on. */
		printf("R build_ref rules=%u classifier=rte_acl failed=1 compile_ms=%.1f "
		       "peak_rss_mb=%.1f\n",
		       s->n_rules, ms, peak);
		return 0;
	}
	printf("R build_ref rules=%u classifier=rte_acl compile_ms=%.1f peak_rss_mb=%.1f "
	       "mem_acl_mb=%.2f\n",
	       s->n_rules, ms, peak, mb(s->ref->info.mem_acl));
	for (unsigned int i = 0; i < DP_MAX_BURST; i++)
		ingress[i] = dp_ingress(0, false);
	for (uint32_t base = 0; base < o.gen.n_frames; base += 32) {
		unsigned int n = RTE_MIN(32u, o.gen.n_frames - base);

		for (unsigned int i = 0; i < n; i++)
			cls[i] = &s->metas[base + i];
		dp_policy_classify(s->policy, cls, ingress, n, a);
		dp_policy_classify(s->ref, cls, ingress, n, b);
		for (unsigned int i = 0; i < n; i++) {
			mismatches += a[i] != b[i];
			matched += b[i] != 0;
		}
	}
	printf("R verify rules=%u frames=%u matched=%" PRIu64 " mismatches=%" PRIu64 "\n",
	       s->n_rules, o.gen.n_frames, matched, mismatches);
	if (mismatches != 0) {
		fprintf(stderr, "mitigate: dp_scan4 and rte_acl disagree on %" PRIu64 " frames\n",
		        mismatches);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct cfg_node node;
	struct setup setups[MAX_COUNTS];
	struct cfg_rule *all_rules;
	struct cfg_prefix *deny;
	struct dp_blocklist *bl;
	struct dp_worker *wk;
	struct job base;
	uint8_t *all_kinds;
	uint32_t max_rules = 0;
	unsigned int lcore;
	double t0, ms, peak;
	size_t h0;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "mitigate: cannot initialise the EAL\n");
		return 1;
	}
	if (opts_parse(argc - ret, argv + ret) < 0) {
		fprintf(stderr,
		        "mitigate: bad options (see the comment at the top of mitigate.c)\n");
		return 2;
	}
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (!o.callgrind && lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "mitigate: give the EAL a worker lcore (-l 0,1)\n");
		return 2;
	}
	cfg_node_defaults(&node);
	for (unsigned int i = 0; i < o.n_counts; i++)
		max_rules = RTE_MAX(max_rules, o.counts[i]);
	printf("R env tsc_hz=%" PRIu64 " lcore=%u main_lcore=%u burst=%u packets=%" PRIu64
	       " frames=%u deny=%u block=%u runs=%u count_rules=%u mix=%u,%u,%u,%u,%u\n",
	       rte_get_tsc_hz(), lcore, rte_get_main_lcore(), o.burst, o.packets, o.gen.n_frames,
	       o.gen.n_deny, o.gen.n_block, o.runs, o.gen.n_count, o.gen.pct[0], o.gen.pct[1],
	       o.gen.pct[2], o.gen.pct[3], o.gen.pct[4]);

	/* The workload. */
	o.gen.n_rules = max_rules;
	all_rules = mit_gen_rules(&o.gen, &all_kinds);
	deny = mit_gen_deny(&o.gen);
	if (all_rules == NULL || deny == NULL)
		goto nomem;

	/* The blocklist, filled as the control thread would. */
	h0 = dp_heap_used();
	t0 = now_ms();
	bl = dp_blocklist_create("bench_blocklist", RTE_MAX(o.gen.n_block, 1024u),
	                         (int)rte_socket_id(), rte_get_tsc_hz());
	if (bl == NULL)
		goto nomem;
	for (uint32_t i = 0; i < o.gen.n_block; i++) {
		struct dp_bl_key k;
		uint32_t a = rte_cpu_to_be_32(mit_gen_block_addr(&o.gen, i));

		dp_bl_key_from(&k, 4, (const uint8_t *)&a);
		if (dp_blocklist_insert(bl, &k, 0, false) < 0) {
			fprintf(stderr, "mitigate: blocklist insert %u failed\n", i);
			return 1;
		}
	}
	printf("R blocklist entries=%u fill_ms=%.1f mem_mb=%.1f\n", o.gen.n_block, now_ms() - t0,
	       mb(dp_heap_used() - h0));

	wk = worker_make();
	if (wk == NULL)
		goto nomem;

	/* The deny list alone, to tell its share of the compile time and memory. */
	{
		struct dp_policy *p =
			policy_build(&node, NULL, 0, deny, o.gen.n_deny, 1, &ms, &peak);

		if (p == NULL)
			return 1;
		printf("R build rules=0 deny=%u compile_ms=%.1f peak_rss_mb=%.1f mem_lpm_mb=%.1f "
		       "mem_total_mb=%.1f\n",
		       o.gen.n_deny, ms, peak, mb(p->info.mem_lpm), mb(p->info.mem_total));
		t0 = now_ms();
		dp_policy_destroy(p);
		printf("R free rules=0 free_ms=%.1f\n", now_ms() - t0);
	}

	for (unsigned int k = 0; k < o.n_counts; k++) {
		struct setup *s = &setups[k];
		struct mit_gen_cfg g = o.gen;
		uint8_t *frames;

		memset(s, 0, sizeof(*s));
		s->n_rules = o.counts[k];
		s->rules = all_rules;
		s->kinds = all_kinds;
		g.n_rules = s->n_rules;
		frames = mit_gen_frames(&g, s->rules, s->kinds, deny, &s->cls);
		s->frames = rte_malloc("bench_frames", (size_t)g.n_frames * MIT_FRAME_STRIDE,
		                       RTE_CACHE_LINE_SIZE);
		s->metas = rte_malloc("bench_metas", (size_t)g.n_frames * sizeof(struct dp_pkt),
		                      RTE_CACHE_LINE_SIZE);
		if (frames == NULL || s->frames == NULL || s->metas == NULL)
			goto nomem;
		memcpy(s->frames, frames, (size_t)g.n_frames * MIT_FRAME_STRIDE);
		free(frames);
		for (uint32_t i = 0; i < g.n_frames; i++)
			if (dp_pkt_parse(s->frames + (size_t)i * MIT_FRAME_STRIDE, MIT_FRAME_LEN,
			                 &s->metas[i]) != DP_DROP_NONE) {
				fprintf(stderr, "mitigate: the parser refused generated frame %u\n",
				        i);
				return 1;
			}
		if (o.acl_dir != NULL && (ret = acl_files_write(o.acl_dir, s)) < 0) {
			fprintf(stderr, "mitigate: cannot write to %s: %s\n", o.acl_dir,
			        strerror(-ret));
			return 1;
		}
		s->policy = policy_build(&node, s->rules, s->n_rules, deny, o.gen.n_deny, 2 + k,
		                         &s->compile_ms, &s->peak_mb);
		if (s->policy == NULL)
			return 1;
		printf("R build rules=%u acl_rules=%u deny=%u classifier=%s compile_ms=%.1f "
		       "peak_rss_mb=%.1f mem_acl_mb=%.2f mem_lpm_mb=%.1f mem_rules_mb=%.2f "
		       "mem_total_mb=%.1f",
		       s->n_rules, s->policy->info.n_acl_rules, o.gen.n_deny,
		       s->policy->scan4 ? "scan4" : "rte_acl", s->compile_ms, s->peak_mb,
		       mb(s->policy->info.mem_acl), mb(s->policy->info.mem_lpm),
		       mb(s->policy->info.mem_rules), mb(s->policy->info.mem_total));
		if (s->policy->scan4 != NULL)
			printf(" segments=%u segment_rules=%u longest_segment=%u",
			       s->policy->scan4->n_segs, s->policy->scan4->n_entries,
			       s->policy->scan4->max_seg);
		printf("\n");
		fflush(stdout);
		if (s->policy->scan4 != NULL && verify_with_acl(&node, s, deny, k) < 0)
			return 1;
	}

	memset(&base, 0, sizeof(base));
	base.bl = bl;
	base.wk = wk;
	base.n_frames = o.gen.n_frames;
	base.burst = o.burst;
	base.frames = setups[0].frames;
	base.burst_cyc = malloc((RTE_MAX(o.packets, (uint64_t)o.gen.n_frames) / o.burst + 1) *
	                        sizeof(uint32_t));
	if (base.burst_cyc == NULL)
		goto nomem;

	if (o.callgrind) {
		callgrind_run(setups, &base);
		return 0;
	}

	/* The mix each policy sees, from one pass over its frames. */
	for (unsigned int k = 0; k < o.n_counts; k++) {
		struct job j = base;

		j.policy = setups[k].policy;
		j.frames = setups[k].frames;
		mix_report(&setups[k], &j, lcore);
	}

	/* Swap: publish each policy in turn while a reader runs the pipeline on lcore 1. */
	{
		struct job j = base;

		slot = setups[0].policy;
		reader_stop = false;
		rte_eal_remote_launch(reader_run, &j, lcore);
		rte_delay_ms(50);
		for (unsigned int r = 0; r < 2; r++) {
			for (unsigned int k = 0; k < o.n_counts; k++) {
				t0 = now_ms();
				rcu_assign_pointer(slot, setups[k].policy);
				synchronize_rcu();
				setups[k].swap_ms = now_ms() - t0;
			}
		}
		reader_stop = true;
		rte_eal_wait_lcore(lcore);
		offenders_drain(wk);
	}

	/* The measurement: every variant once per round, the order rotating. */
	{
		struct variant vars[1 + 5 * MAX_COUNTS];
		unsigned int n_var = variants_make(vars, setups);
		double *cpp = calloc((size_t)n_var * o.runs, sizeof(double));
		double *busy = calloc((size_t)n_var * o.runs, sizeof(double));

		if (cpp == NULL || busy == NULL)
			goto nomem;
		for (unsigned int r = 0; r < o.runs; r++) {
			for (unsigned int v0 = 0; v0 < n_var; v0++) {
				unsigned int v = (v0 + r) % n_var;
				struct job j = base;

				job_for(&j, &vars[v], setups);
				j.n_pkts = o.packets - o.packets % o.burst;
				rte_eal_remote_launch(job_run, &j, lcore);
				rte_eal_wait_lcore(lcore);
				offenders_drain(wk);
				bursts_filter(&j, j.n_pkts / j.burst);
				cpp[v * o.runs + r] = j.cpp;
				busy[v * o.runs + r] = j.busy;
				printf("R run round=%u variant=%s rules=%u cycles_per_pkt=%.2f "
				       "wall_cycles_per_pkt=%.2f busy=%.3f bursts_kept=%.4f "
				       "forwarded=%" PRIu64 "\n",
				       r + 1, vars[v].name,
				       vars[v].setup < 0 ? 0 : setups[vars[v].setup].n_rules, j.cpp,
				       (double)j.cycles / (double)j.n_pkts, j.busy, j.kept,
				       j.forwarded);
				fflush(stdout);
			}
		}
		for (unsigned int v = 0; v < n_var; v++) {
			double *x = &cpp[v * o.runs], *y = &busy[v * o.runs];
			double med;

			qsort(x, o.runs, sizeof(*x), cmp_double);
			qsort(y, o.runs, sizeof(*y), cmp_double);
			med = o.runs % 2 ? x[o.runs / 2] : (x[o.runs / 2 - 1] + x[o.runs / 2]) / 2;
			printf("R median variant=%s rules=%u cycles_per_pkt=%.2f min=%.2f max=%.2f "
			       "busy_min=%.3f runs=%u\n",
			       vars[v].name, vars[v].setup < 0 ? 0 : setups[vars[v].setup].n_rules,
			       med, x[0], x[o.runs - 1], y[0], o.runs);
		}
		free(cpp);
		free(busy);
	}

	/* Freeing the old policy is the last step of a swap. */
	for (unsigned int k = 0; k < o.n_counts; k++) {
		t0 = now_ms();
		dp_policy_destroy(setups[k].policy);
		setups[k].free_ms = now_ms() - t0;
		dp_policy_destroy(setups[k].ref);
		printf("R swap rules=%u publish_grace_ms=%.3f free_ms=%.1f swap_ms=%.1f "
		       "compile_swap_ms=%.1f\n",
		       setups[k].n_rules, setups[k].swap_ms, setups[k].free_ms,
		       setups[k].swap_ms + setups[k].free_ms,
		       setups[k].compile_ms + setups[k].swap_ms + setups[k].free_ms);
	}
	dp_blocklist_destroy(bl);
	rte_eal_cleanup();
	return 0;
nomem:
	fprintf(stderr, "mitigate: out of memory setting up (raise the hugepage reservation)\n");
	return 1;
}
