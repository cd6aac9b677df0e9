/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the policy file parser: any bytes go through libconfig and the policy
 * validator. deny_file is resolved against a directory that does not exist, so a relative
 * name reads nothing. The input is copied into a NUL-terminated heap buffer of its exact size
 * plus one, so a read past the end is caught by ASan.
 *
 * The deny file is outside input too, and it has a parser of its own: an input that starts
 * with the line "# deny file" is written, after that line, to deny.txt in a directory made
 * for the run, and read through a policy that names it.
 *
 * A policy that is accepted must hold what the validator promises; a refused one must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

#define FUZZ_DIR "/nonexistent/rampart-fuzz"
#define DENY_MARK "# deny file\n"
#define NAMES_CHECKED_MAX 512 /* rules compared pairwise for unique names */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A valid prefix: a known family, a length within it, no host bit, and it formats and parses
 * back to itself. */
static void
check_prefix(const struct cfg_prefix *p)
{
	unsigned int max = p->family == 4 ? 32 : 128;
	struct cfg_prefix back;
	char buf[64];

	if ((p->family != 4 && p->family != 6) || p->len > max)
		abort();
	for (unsigned int bit = p->len; bit < max; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8)))
			abort();
	cfg_prefix_format(p, buf, sizeof(buf));
	if (cfg_prefix_parse(buf, &back) != 0 || memcmp(&back, p, sizeof(back)) != 0)
		abort();
}

static void
check_ports(const struct cfg_port_range *r, unsigned int n)
{
	if (n > CFG_RULE_PORTS_MAX)
		abort();
	for (unsigned int i = 0; i < n; i++)
		if (r[i].lo > r[i].hi)
			abort();
}

static void
check_rule(const struct cfg_rule *r)
{
	bool tcp_udp = r->has_proto && (r->proto == 6 || r->proto == 17);
	uint64_t rates =
		r->per_source_pps | r->per_source_bps | r->aggregate_pps | r->aggregate_bps;

	if (r->name[0] == '\0' || memchr(r->name, '\0', sizeof(r->name)) == NULL)
		abort();
	if (r->has_src)
		check_prefix(&r->src);
	if (r->has_dst)
		check_prefix(&r->dst);
	if (r->has_src && r->has_dst && r->src.family != r->dst.family)
		abort();
	check_ports(r->src_ports, r->n_src_ports);
	check_ports(r->dst_ports, r->n_dst_ports);
	if ((r->n_src_ports > 0 || r->n_dst_ports > 0) && !tcp_udp)
		abort();
	if ((r->tcp_flags & ~r->tcp_flags_mask) != 0)
		abort();
	if (r->tcp_flags_mask != 0 && !(r->has_proto && r->proto == 6))
		abort();
	if (r->min_len > r->max_len)
		abort();
	if (r->direction > CFG_DIR_BOTH || r->action > CFG_ACTION_COUNT)
		abort();
	if ((r->action == CFG_ACTION_RATE_LIMIT) != (rates != 0))
		abort();
}

static void
check_policy(const struct cfg_policy *pol)
{
	const struct cfg_protection *pr = &pol->protection;

	if (pol->mode > CFG_MODE_MONITOR ||
	    (pol->default_action != CFG_ACTION_ALLOW && pol->default_action != CFG_ACTION_DROP))
		abort();
	if (pol->n_allow + pol->n_deny > CFG_POLICY_MAX_PREFIXES ||
	    pol->n_rules > CFG_POLICY_MAX_RULES)
		abort();
	for (size_t i = 0; i < pol->n_allow; i++)
		check_prefix(&pol->allow[i]);
	for (size_t i = 0; i < pol->n_deny; i++)
		check_prefix(&pol->deny[i]);
	for (size_t i = 0; i < pol->n_rules; i++) {
		check_rule(&pol->rules[i]);
		for (size_t j = 0; j < i && i < NAMES_CHECKED_MAX; j++)
			if (strcmp(pol->rules[i].name, pol->rules[j].name) == 0)
				abort();
	}
	if (pr->syn_flood.per_source_pps == 0 || pr->syn_flood.per_destination_pps == 0 ||
	    pr->icmp_flood.per_source_pps == 0 || pr->auto_block.exceed_seconds == 0 ||
	    pr->auto_block.block_seconds == 0 || pr->udp_amplification.n_src_ports == 0 ||
	    pr->udp_amplification.n_src_ports > CFG_AMP_PORTS_MAX)
		abort();
	for (unsigned int i = 0; i < pr->udp_amplification.n_src_ports; i++)
		if (pr->udp_amplification.src_ports[i] == 0)
			abort();
}

static char deny_dir[64];
static char deny_path[96];

static void
deny_dir_remove(void)
{
	unlink(deny_path);
	rmdir(deny_dir);
}

/* Write @size bytes of @data to deny.txt in the run's directory. @return 0, or -1. */
static int
deny_file_write(const uint8_t *data, size_t size)
{
	FILE *fp;

	if (deny_dir[0] == '\0') {
		snprintf(deny_dir, sizeof(deny_dir), "/tmp/rp-fuzz-policy.XXXXXX");
		if (mkdtemp(deny_dir) == NULL) {
			deny_dir[0] = '\0';
			return -1;
		}
		snprintf(deny_path, sizeof(deny_path), "%s/deny.txt", deny_dir);
		atexit(deny_dir_remove);
	}
	fp = fopen(deny_path, "wb");
	if (fp == NULL)
		return -1;
	if (size > 0 && fwrite(data, 1, size, fp) != size) {
		fclose(fp);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_policy *pol = (struct cfg_policy *)1;
	size_t mark = strlen(DENY_MARK);
	struct cfg_errors *errs;
	char *text;
	int rc;

	text = malloc(size + 1);
	errs = malloc(sizeof(*errs));
	if (text == NULL || errs == NULL)
		goto out;
	if (size > 0)
		memcpy(text, data, size);
	text[size] = '\0';
	if (size >= mark && memcmp(data, DENY_MARK, mark) == 0) {
		if (deny_file_write(data + mark, size - mark) < 0)
			goto out;
		rc = cfg_policy_parse("deny_file = \"deny.txt\";\n", "fuzz.policy", deny_dir, &pol,
		                      errs);
	} else {
		rc = cfg_policy_parse(text, "fuzz.policy", FUZZ_DIR, &pol, errs);
	}
	if (rc == 0) {
		if (pol == NULL || errs->count != 0 || errs->dropped != 0)
			abort();
		check_policy(pol);
		cfg_policy_free(pol);
	} else if (pol != NULL || errs->count == 0) {
		/* A refused policy always says why and hands nothing back. */
		abort();
	}
out:
	free(errs);
	free(text);
	return 0;
}
