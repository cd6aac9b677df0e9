/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loads tools/bench/xdp_filter_bench.bpf.o, fills its maps with the mitigation benchmark's
 * rules, deny prefixes and blocklist (tools/bench/mit_gen.h, the same settings as mitigate
 * gets) and times the program per packet with BPF_PROG_TEST_RUN on the same frames.
 *
 *   xdp_bench OBJ [--rules=N] [--frames=N] [--deny=N] [--block=N] [--mix=...] [--seed=N]
 *                 [--samples=4096] [--repeat=1000] [--cold=262144] [--pin=PATH]
 *                 [--dump-frame=FILE]
 *
 * Two figures, both the kernel's own timing of the program (opts.duration, ns per run):
 *   hot   --samples frames spread over the set, each run --repeat times: the packet's map
 *         entries stay in the cache between repeats, which flatters the program;
 *   cold  --cold frames in order, each run once: the per-call timer is then part of the
 *         figure (tens of ns) and the syscall between calls evicts some cache lines, which
 *         penalises it. The truth for a stream of distinct packets lies between the two.
 * --pin pins the loaded program for `bpftool prog run` (the caller removes the pin);
 * --dump-frame writes the first frame's bytes for it. Lines starting with "R " are results.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/bpf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mit_gen.h"
#include "xdp_filter_bench.h"

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static uint32_t
mask_of(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static uint32_t
paddr(const struct cfg_prefix *p)
{
	uint32_t a;

	memcpy(&a, p->addr, 4);
	return ntohl(a);
}

/* Rules grouped by their dst prefix, sorted by (len, addr). */
struct dgroup {
	uint8_t len;
	uint32_t addr;
	uint32_t rule;
};

static int
cmp_dgroup(const void *a, const void *b)
{
	const struct dgroup *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* First entry of @g (n entries) with (len, addr), or n. */
static size_t
dgroup_find(const struct dgroup *g, size_t n, uint8_t len, uint32_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g[mid].len < len || (g[mid].len == len && g[mid].addr < addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && g[lo].len == len && g[lo].addr == addr ? lo : n;
}

static void
xrule_from(struct xb_rule *x, const struct cfg_rule *r)
{
	memset(x, 0, sizeof(*x));
	if (r->has_src) {
		x->src_mask = htonl(mask_of(r->src.len));
		x->src = htonl(paddr(&r->src));
	}
	if (r->has_dst) {
		x->dst_mask = htonl(mask_of(r->dst.len));
		x->dst = htonl(paddr(&r->dst));
	}
	x->sp_lo = r->n_src_ports ? r->src_ports[0].lo : 0;
	x->sp_hi = r->n_src_ports ? r->src_ports[0].hi : 65535;
	x->dp_lo = r->n_dst_ports ? r->dst_ports[0].lo : 0;
	x->dp_hi = r->n_dst_ports ? r->dst_ports[0].hi : 65535;
	x->len_lo = r->min_len;
	x->len_hi = r->max_len;
	x->proto = r->has_proto ? r->proto : 0;
	x->proto_mask = r->has_proto ? 0xff : 0;
	x->flags = r->tcp_flags;
	x->flags_mask = r->tcp_flags_mask;
	x->action = r->action == CFG_ACTION_DROP         ? XB_DROP
	            : r->action == CFG_ACTION_RATE_LIMIT ? XB_RATE
	                                                 : XB_ALLOW;
	if (r->per_source_pps) {
		x->interval_ns = 1000000000ull / r->per_source_pps;
		x->tau_ns = 1000000000ull;
	} else {
		x->interval_ns = 0;
		x->tau_ns = ~0ull;
	}
}

/* Expand port lists the way the ACL does: one xb_rule per port combination. */
static struct xb_rule *
xrules_make(const struct cfg_rule *rules, uint32_t n, uint32_t **owner, uint32_t *n_out)
{
	uint32_t total = 0, k = 0;
	struct xb_rule *x;

	for (uint32_t i = 0; i < n; i++)
		total += (rules[i].n_src_ports ? rules[i].n_src_ports : 1) *
		         (rules[i].n_dst_ports ? rules[i].n_dst_ports : 1);
	x = calloc(total ? total : 1, sizeof(*x));
	*owner = calloc(total ? total : 1, sizeof(**owner));
	if (x == NULL || *owner == NULL)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		unsigned int ns = rules[i].n_src_ports ? rules[i].n_src_ports : 1;
		unsigned int nd = rules[i].n_dst_ports ? rules[i].n_dst_ports : 1;

		for (unsigned int a = 0; a < ns; a++) {
			for (unsigned int b = 0; b < nd; b++) {
				xrule_from(&x[k], &rules[i]);
				if (rules[i].n_src_ports) {
					x[k].sp_lo = rules[i].src_ports[a].lo;
					x[k].sp_hi = rules[i].src_ports[a].hi;
				}
				if (rules[i].n_dst_ports) {
					x[k].dp_lo = rules[i].dst_ports[b].lo;
					x[k].dp_hi = rules[i].dst_ports[b].hi;
				}
				(*owner)[k++] = i;
			}
		}
	}
	*n_out = total;
	return x;
}

static int
map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

/* memlock of a map from its fdinfo: what the kernel charges for it. */
static long long
map_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "memlock:", 8) == 0)
			v = strtoll(line + 8, NULL, 10);
	fclose(f);
	return v;
}

static int
fail(const char *what, int err)
{
	fprintf(stderr, "xdp_bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rules", 1, NULL, 'r' },  { "frames", 1, NULL, 'f' },
		{ "deny", 1, NULL, 'd' },   { "block", 1, NULL, 'b' },
		{ "seed", 1, NULL, 's' },   { "samples", 1, NULL, 'S' },
		{ "repeat", 1, NULL, 'R' }, { "cold", 1, NULL, 'C' },
		{ "pin", 1, NULL, 'P' },    { "dump-frame", 1, NULL, 'D' },
		{ "mix", 1, NULL, 'm' },    { NULL, 0, NULL, 0 },
	};
	struct mit_gen_cfg g;
	uint32_t samples = 4096, repeat = 1000, cold = 1u << 18, n_x, *owner, n_segs = 0;
	const char *pin = NULL, *dump = NULL;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct cfg_rule *rules;
	struct cfg_prefix *deny;
	struct dgroup *grp;
	struct xb_rule *xr;
	uint8_t *kinds, *frames, *cls;
	uint32_t *seg_list = NULL, seg_len = 0, seg_cap = 0;
	int c, pfd, err;
	double t0;

	mit_gen_defaults(&g);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		unsigned long long v = optarg ? strtoull(optarg, NULL, 0) : 0;

		switch (c) {
		case 'r':
			g.n_rules = (uint32_t)v;
			break;
		case 'f':
			g.n_frames = (uint32_t)v;
			break;
		case 'd':
			g.n_deny = (uint32_t)v;
			break;
		case 'b':
			g.n_block = (uint32_t)v;
			break;
		case 's':
			g.seed = v;
			break;
		case 'S':
			samples = (uint32_t)v;
			break;
		case 'R':
			repeat = (uint32_t)v;
			break;
		case 'C':
			cold = (uint32_t)v;
			break;
		case 'P':
			pin = optarg;
			break;
		case 'D':
			dump = optarg;
			break;
		case 'm':
			if (sscanf(optarg, "%u,%u,%u,%u,%u", &g.pct[0], &g.pct[1], &g.pct[2],
			           &g.pct[3], &g.pct[4]) != 5)
				return fail("--mix", EINVAL);
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc || g.n_frames == 0 || samples == 0 || repeat == 0) {
		fprintf(stderr, "usage: xdp_bench OBJ [options] (see xdp_bench.c)\n");
		return 2;
	}
	if (samples > g.n_frames)
		samples = g.n_frames;
	if (cold > g.n_frames)
		cold = g.n_frames;

	rules = mit_gen_rules(&g, &kinds);
	deny = mit_gen_deny(&g);
	if (rules == NULL || deny == NULL)
		return fail("generating the workload", ENOMEM);
	frames = mit_gen_frames(&g, rules, kinds, deny, &cls);
	xr = xrules_make(rules, g.n_rules, &owner, &n_x);
	if (frames == NULL || xr == NULL)
		return fail("generating the workload", ENOMEM);

	/* Segments: one per distinct dst prefix, plus /0; each lists, in file order, every rule
	 * whose dst prefix contains it (count rules left out: they do not end a match). */
	grp = calloc(n_x + 1, sizeof(*grp));
	if (grp == NULL)
		return fail("segments", ENOMEM);
	for (uint32_t i = 0; i < n_x; i++) {
		const struct cfg_rule *r = &rules[owner[i]];

		grp[i].len = r->has_dst ? r->dst.len : 0;
		grp[i].addr = r->has_dst ? paddr(&r->dst) : 0;
		grp[i].rule = r->action == CFG_ACTION_COUNT ? UINT32_MAX : i;
	}
	qsort(grp, n_x, sizeof(*grp), cmp_dgroup);

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(argv[optind], NULL);
	if (obj == NULL || libbpf_get_error(obj))
		return fail("opening the BPF object", errno);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "blocklist"),
	                         g.n_block ? g.n_block : 1);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "deny"),
	                         g.n_deny ? g.n_deny : 1);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "segs"), n_x + 1);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "rules"), n_x ? n_x : 1);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "rule_ctr"), n_x ? n_x : 1);

	/* Build the segment list first: seg_rules' size must be known before loading. */
	{
		struct xb_seg *segv = calloc(n_x + 1, sizeof(*segv));
		struct xb_lpm_key *segk = calloc(n_x + 1, sizeof(*segk));
		uint32_t *tmp = malloc((n_x + 1) * sizeof(*tmp));

		if (segv == NULL || segk == NULL || tmp == NULL)
			return fail("segments", ENOMEM);
		for (uint32_t i = 0; i <= n_x; i++) {
			uint8_t len = i < n_x ? grp[i].len : 0;
			uint32_t addr = i < n_x ? grp[i].addr : 0, nt = 0;

			if (i < n_x && i > 0 && grp[i - 1].len == len && grp[i - 1].addr == addr)
				continue;
			if (i == n_x && n_x > 0 && grp[0].len == 0)
				continue; /* /0 already has a segment */
			for (unsigned int l = 0; l <= len; l++) {
				uint32_t a = addr & mask_of(l);
				size_t at = dgroup_find(grp, n_x, (uint8_t)l, a);

				for (; at < n_x && grp[at].len == l && grp[at].addr == a; at++)
					if (grp[at].rule != UINT32_MAX)
						tmp[nt++] = grp[at].rule;
			}
			qsort(tmp, nt, sizeof(*tmp), cmp_u32);
			if (seg_len + nt > seg_cap) {
				seg_cap = (seg_len + nt) * 2 + 1024;
				seg_list = realloc(seg_list, seg_cap * sizeof(*seg_list));
				if (seg_list == NULL)
					return fail("segments", ENOMEM);
			}
			segk[n_segs].prefixlen = len;
			segk[n_segs].addr = htonl(addr);
			segv[n_segs].start = seg_len;
			segv[n_segs].count = nt;
			memcpy(seg_list + seg_len, tmp, nt * sizeof(*tmp));
			seg_len += nt;
			n_segs++;
		}
		bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "seg_rules"),
		                         seg_len ? seg_len : 1);
		err = bpf_object__load(obj);
		if (err)
			return fail("loading the BPF object (bpf_loop needs Linux 5.17)", err);
		t0 = now_ms();
		for (uint32_t i = 0; i < n_segs; i++)
			if ((err = bpf_map_update_elem(map_fd(obj, "segs"), &segk[i], &segv[i], 0)))
				return fail("filling segs", errno);
		for (uint32_t i = 0; i < seg_len; i++)
			if ((err = bpf_map_update_elem(map_fd(obj, "seg_rules"), &i, &seg_list[i],
			                               0)))
				return fail("filling seg_rules", errno);
		for (uint32_t i = 0; i < n_x; i++)
			if ((err = bpf_map_update_elem(map_fd(obj, "rules"), &i, &xr[i], 0)))
				return fail("filling rules", errno);
		printf("R xdp_rules rules=%u xdp_rules=%u segments=%u segment_entries=%u "
		       "fill_ms=%.1f\n",
		       g.n_rules, n_x, n_segs, seg_len, now_ms() - t0);
		free(segv);
		free(segk);
		free(tmp);
	}
	t0 = now_ms();
	{
		const uint8_t one = 1;
		int fd = map_fd(obj, "blocklist");

		for (uint32_t i = 0; i < g.n_block; i++) {
			uint32_t a = htonl(mit_gen_block_addr(&g, i));

			if (bpf_map_update_elem(fd, &a, &one, 0))
				return fail("filling the blocklist", errno);
		}
		fd = map_fd(obj, "deny");
		for (uint32_t i = 0; i < g.n_deny; i++) {
			struct xb_lpm_key k = { deny[i].len, 0 };

			memcpy(&k.addr, deny[i].addr, 4);
			if (bpf_map_update_elem(fd, &k, &one, 0))
				return fail("filling the deny trie", errno);
		}
	}
	printf("R xdp_fill block=%u deny=%u fill_ms=%.1f\n", g.n_block, g.n_deny, now_ms() - t0);
	{
		static const char *const names[] = { "blocklist", "deny",     "segs", "seg_rules",
			                             "rules",     "rule_ctr", "rate" };
		long long total = 0;

		printf("R xdp_mem rules=%u", g.n_rules);
		for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			long long m = map_memlock(map_fd(obj, names[i]));

			printf(" map_%s=%lld", names[i], m);
			total += m > 0 ? m : 0;
		}
		printf(" total=%lld\n", total);
	}

	prog = bpf_object__find_program_by_name(obj, "xdp_filter_bench");
	pfd = prog ? bpf_program__fd(prog) : -1;
	if (pfd < 0)
		return fail("finding the program", ENOENT);
	if (pin != NULL && (err = bpf_obj_pin(pfd, pin)))
		return fail("pinning the program", errno);
	if (dump != NULL) {
		FILE *f = fopen(dump, "w");

		if (f == NULL || fwrite(frames, MIT_FRAME_LEN, 1, f) != 1 || fclose(f))
			return fail("writing the frame", errno);
	}

	/* Warm the maps and the rate state with one pass, counting verdicts per class. */
	{
		uint64_t verdict[MIT_CLASS_MAX][2] = { { 0 } };
		uint64_t hot_ns = 0, cold_ns = 0;
		uint32_t stride = g.n_frames / samples;

		for (uint32_t k = 0; k < g.n_frames; k++) {
			LIBBPF_OPTS(bpf_test_run_opts, t,
			            .data_in = frames + (size_t)k * MIT_FRAME_STRIDE,
			            .data_size_in = MIT_FRAME_LEN, .repeat = 1);

			if ((err = bpf_prog_test_run_opts(pfd, &t)))
				return fail("BPF_PROG_TEST_RUN", errno);
			verdict[cls[k]][t.retval == XDP_DROP]++;
		}
		printf("R xdp_mix rules=%u", g.n_rules);
		for (unsigned int i = 0; i < MIT_CLASS_MAX; i++)
			printf(" class%u_pass=%" PRIu64 " class%u_drop=%" PRIu64, i, verdict[i][0],
			       i, verdict[i][1]);
		printf("\n");
		for (uint32_t s = 0; s < samples; s++) {
			LIBBPF_OPTS(bpf_test_run_opts, t,
			            .data_in = frames + (size_t)s * stride * MIT_FRAME_STRIDE,
			            .data_size_in = MIT_FRAME_LEN, .repeat = repeat);

			if ((err = bpf_prog_test_run_opts(pfd, &t)))
				return fail("BPF_PROG_TEST_RUN", errno);
			hot_ns += t.duration;
		}
		for (uint32_t k = 0; k < cold; k++) {
			LIBBPF_OPTS(bpf_test_run_opts, t,
			            .data_in = frames + (size_t)k * MIT_FRAME_STRIDE,
			            .data_size_in = MIT_FRAME_LEN, .repeat = 1);

			if ((err = bpf_prog_test_run_opts(pfd, &t)))
				return fail("BPF_PROG_TEST_RUN", errno);
			cold_ns += t.duration;
		}
		printf("R xdp_time rules=%u hot_ns=%.2f samples=%u repeat=%u cold_ns=%.2f "
		       "cold_packets=%u\n",
		       g.n_rules, (double)hot_ns / samples, samples, repeat, (double)cold_ns / cold,
		       cold);
	}
	bpf_object__close(obj);
	return 0;
}
