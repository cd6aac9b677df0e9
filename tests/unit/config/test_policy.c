/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the policy file parser (cfg_policy_parse/load) and the prefix helpers. The
 * example of docs/policy.md must come out as the exact structures; every way of getting a
 * setting wrong gives one error, on its line, in words that say what is allowed. Deny files
 * and generated policies are written to a temporary directory made for the run; the sample
 * policies in tests/data/policy/ are read through RP_TEST_DATA.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_errors.h"

#include "cfg.h"

#define MAX_FILES 32

static struct cfg_errors errs;
static struct cfg_policy *pol;
static char dir[64];
static char files[MAX_FILES][512];
static unsigned int n_files;

/* The example of the task and of docs/policy.md, line by line. */
static const char example[] =
	"mode = \"enforce\";            # or \"monitor\"\n"
	"default_action = \"allow\";    # or \"drop\"\n"
	"allow_prefixes = [ \"203.0.113.128/25\" ];\n"
	"deny_prefixes  = [ \"203.0.113.0/25\" ];\n"
	"deny_file = \"list.txt\";      # optional: one prefix per line, up to 1M lines\n"
	"rules = (\n"
	"  { name = \"ntp-amp\"; proto = \"udp\"; src_port = \"123\"; min_len = 200; action = "
	"\"drop\"; },\n"
	"  { name = \"ssh\"; dst = \"198.51.100.0/24\"; proto = \"tcp\"; dst_port = \"22\";\n"
	"    action = \"rate-limit\"; per_source_pps = 20; },\n"
	"  { name = \"syn-web\"; proto = \"tcp\"; tcp_flags = \"syn\"; dst_port = \"80,443\";\n"
	"    action = \"rate-limit\"; per_source_pps = 50; aggregate_pps = 100000; }\n"
	");\n"
	"protection = {\n"
	"  syn_flood         = { enabled = true; per_source_pps = 100; per_destination_pps = "
	"20000; };\n"
	"  udp_amplification = { enabled = true; src_ports = [19, 53, 123, 389, 1900, 11211]; "
	"min_len = 512; };\n"
	"  icmp_flood        = { enabled = true; per_source_pps = 50; };\n"
	"  fragments         = \"allow\";   # or \"drop\"\n"
	"  auto_block        = { enabled = true; exceed_seconds = 3; block_seconds = 300; };\n"
	"};\n";

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rp-cfg-policy.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	cfg_policy_free(pol);
	pol = NULL;
	for (unsigned int i = n_files; i > 0; i--) {
		/* Files first, then the directories made for them, deepest last made first. */
		if (unlink(files[i - 1]) != 0)
			rmdir(files[i - 1]);
	}
	rmdir(dir);
	return 0;
}

/* Remember @path for the teardown; @return it. */
static const char *
remember(const char *path)
{
	assert_true(n_files < MAX_FILES);
	snprintf(files[n_files], sizeof(files[0]), "%s", path);
	return files[n_files++];
}

/* A file called @name (relative to the run's directory) holding @len bytes of @data. */
static const char *
write_file(const char *name, const void *data, size_t len)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return remember(path);
}

static const char *
write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse @t as "test.policy" with deny files in the run's directory. */
static int
parse(const char *t)
{
	cfg_policy_free(pol);
	pol = (struct cfg_policy *)&errs; /* must be overwritten: NULL on failure */
	return cfg_policy_parse(t, "test.policy", dir, &pol, &errs);
}

static int
load(const char *path)
{
	cfg_policy_free(pol);
	pol = (struct cfg_policy *)&errs;
	return cfg_policy_load(path, &pol, &errs);
}

/* @rc is -EINVAL, no policy was returned, and the only error is on @line and has @part. */
#define assert_only_error(rc, line, part) assert_only_error_and(rc, pol == NULL, line, part)

/* @rc is 0, nothing was recorded, and a policy was returned. */
#define assert_valid(rc) assert_valid_and(rc, pol != NULL, "policy")

/* A prefix built the slow way, to compare with what the parser made. */
static struct cfg_prefix
pfx4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len)
{
	struct cfg_prefix p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.len = len;
	p.addr[0] = a;
	p.addr[1] = b;
	p.addr[2] = c;
	p.addr[3] = d;
	return p;
}

static struct cfg_prefix
pfx6(uint16_t w0, uint16_t w1, uint16_t w2, uint16_t w7, uint8_t len)
{
	struct cfg_prefix p;
	uint16_t w[8] = { w0, w1, w2, 0, 0, 0, 0, w7 };

	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.len = len;
	for (int i = 0; i < 8; i++) {
		p.addr[2 * i] = (uint8_t)(w[i] >> 8);
		p.addr[2 * i + 1] = (uint8_t)w[i];
	}
	return p;
}

#define assert_prefix_equal(got, want)                              \
	do {                                                        \
		struct cfg_prefix w_ = (want);                      \
		char g_[64], e_[64];                                \
		if (memcmp(&(got), &w_, sizeof(w_)) != 0) {         \
			cfg_prefix_format(&(got), g_, sizeof(g_));  \
			cfg_prefix_format(&w_, e_, sizeof(e_));     \
			fail_msg("prefix %s, expected %s", g_, e_); \
		}                                                   \
	} while (0)

/* A rule as the parser fills it when only @name, @line and @action are given. */
static struct cfg_rule
rule_base(const char *name, int line, enum cfg_action action)
{
	struct cfg_rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.line = line;
	r.min_len = 0;
	r.max_len = 65535;
	r.direction = CFG_DIR_INBOUND;
	r.action = action;
	return r;
}

#define assert_rule_equal(got, want)                                                    \
	do {                                                                            \
		struct cfg_rule w_ = (want);                                            \
		if (memcmp(&(got), &w_, sizeof(w_)) != 0)                               \
			fail_msg("rule \"%s\" differs from the expected one", w_.name); \
	} while (0)

static void
test_cfg_policy_parse_example_exact(void **state)
{
	struct cfg_protection want_pr;
	struct cfg_rule want;

	(void)state;
	write_text("list.txt", "# spoofed and abusive sources\n198.18.0.0/15\n\n"
	                       "2001:db8:bad::/48   # a whole site\n");
	assert_valid(parse(example));
	assert_string_equal(pol->file, "test.policy");
	assert_int_equal(pol->mode, CFG_MODE_ENFORCE);
	assert_int_equal(pol->default_action, CFG_ACTION_ALLOW);
	assert_int_equal(pol->n_allow, 1);
	assert_prefix_equal(pol->allow[0], pfx4(203, 0, 113, 128, 25));
	/* deny_prefixes first, then the deny file in its order. */
	assert_int_equal(pol->n_deny, 3);
	assert_prefix_equal(pol->deny[0], pfx4(203, 0, 113, 0, 25));
	assert_prefix_equal(pol->deny[1], pfx4(198, 18, 0, 0, 15));
	assert_prefix_equal(pol->deny[2], pfx6(0x2001, 0xdb8, 0xbad, 0, 48));

	assert_int_equal(pol->n_rules, 3);
	want = rule_base("ntp-amp", 7, CFG_ACTION_DROP);
	want.has_proto = true;
	want.proto = 17;
	want.n_src_ports = 1;
	want.src_ports[0] = (struct cfg_port_range){ 123, 123 };
	want.min_len = 200;
	assert_rule_equal(pol->rules[0], want);

	want = rule_base("ssh", 8, CFG_ACTION_RATE_LIMIT);
	want.has_dst = true;
	want.dst = pfx4(198, 51, 100, 0, 24);
	want.has_proto = true;
	want.proto = 6;
	want.n_dst_ports = 1;
	want.dst_ports[0] = (struct cfg_port_range){ 22, 22 };
	want.per_source_pps = 20;
	assert_rule_equal(pol->rules[1], want);

	want = rule_base("syn-web", 10, CFG_ACTION_RATE_LIMIT);
	want.has_proto = true;
	want.proto = 6;
	want.tcp_flags = CFG_TCP_SYN;
	want.tcp_flags_mask = CFG_TCP_SYN;
	want.n_dst_ports = 2;
	want.dst_ports[0] = (struct cfg_port_range){ 80, 80 };
	want.dst_ports[1] = (struct cfg_port_range){ 443, 443 };
	want.per_source_pps = 50;
	want.aggregate_pps = 100000;
	assert_rule_equal(pol->rules[2], want);

	memset(&want_pr, 0, sizeof(want_pr));
	want_pr.syn_flood.enabled = true;
	want_pr.syn_flood.per_source_pps = 100;
	want_pr.syn_flood.per_destination_pps = 20000;
	want_pr.udp_amplification.enabled = true;
	want_pr.udp_amplification.n_src_ports = 6;
	memcpy(want_pr.udp_amplification.src_ports, (uint16_t[]){ 19, 53, 123, 389, 1900, 11211 },
	       6 * sizeof(uint16_t));
	want_pr.udp_amplification.min_len = 512;
	want_pr.icmp_flood.enabled = true;
	want_pr.icmp_flood.per_source_pps = 50;
	want_pr.drop_fragments = false;
	want_pr.auto_block.enabled = true;
	want_pr.auto_block.exceed_seconds = 3;
	want_pr.auto_block.block_seconds = 300;
	assert_memory_equal(&pol->protection, &want_pr, sizeof(want_pr));
}

static void
test_cfg_policy_defaults_values(void **state)
{
	struct cfg_policy def;

	(void)state;
	memset(&def, 0xa5, sizeof(def));
	cfg_policy_defaults(&def);
	assert_int_equal(def.mode, CFG_MODE_ENFORCE);
	assert_int_equal(def.default_action, CFG_ACTION_ALLOW);
	assert_int_equal(def.n_allow, 0);
	assert_null(def.allow);
	assert_int_equal(def.n_deny, 0);
	assert_null(def.deny);
	assert_int_equal(def.n_rules, 0);
	assert_null(def.rules);
	/* No protection is on; each holds the values it uses once switched on. */
	assert_false(def.protection.syn_flood.enabled);
	assert_int_equal(def.protection.syn_flood.per_source_pps, 100);
	assert_int_equal(def.protection.syn_flood.per_destination_pps, 20000);
	assert_false(def.protection.udp_amplification.enabled);
	assert_int_equal(def.protection.udp_amplification.n_src_ports, 6);
	assert_int_equal(def.protection.udp_amplification.src_ports[0], 19);
	assert_int_equal(def.protection.udp_amplification.src_ports[5], 11211);
	assert_int_equal(def.protection.udp_amplification.min_len, 512);
	assert_false(def.protection.icmp_flood.enabled);
	assert_int_equal(def.protection.icmp_flood.per_source_pps, 50);
	assert_false(def.protection.drop_fragments);
	assert_false(def.protection.auto_block.enabled);
	assert_int_equal(def.protection.auto_block.exceed_seconds, 3);
	assert_int_equal(def.protection.auto_block.block_seconds, 300);
	cfg_policy_defaults(NULL);

	/* An empty file is the empty policy. */
	assert_valid(parse(""));
	cfg_policy_defaults(&def);
	snprintf(def.file, sizeof(def.file), "test.policy");
	assert_memory_equal(pol, &def, sizeof(def));
	assert_valid(parse("# nothing but a comment"));
}

static void
test_cfg_policy_load_full_sample(void **state)
{
	const struct cfg_protection *pr;
	const struct cfg_rule *r;
	char path[512];

	(void)state;
	assert_non_null(getenv("RP_TEST_DATA"));
	snprintf(path, sizeof(path), "%s/policy/valid-full.conf", getenv("RP_TEST_DATA"));
	assert_valid(load(path));
	assert_string_equal(pol->file, path);
	assert_int_equal(pol->mode, CFG_MODE_MONITOR);
	assert_int_equal(pol->default_action, CFG_ACTION_DROP);
	assert_int_equal(pol->n_allow, 3);
	assert_prefix_equal(pol->allow[1], pfx6(0x2001, 0xdb8, 0xffff, 0, 48));
	/* A bare address is a host prefix. */
	assert_prefix_equal(pol->allow[2], pfx4(198, 51, 100, 7, 32));
	assert_int_equal(pol->n_deny, 2);
	assert_int_equal(pol->n_rules, 6);

	r = &pol->rules[2];
	assert_string_equal(r->name, "syn-web");
	assert_int_equal(r->tcp_flags, CFG_TCP_SYN);
	assert_int_equal(r->tcp_flags_mask, CFG_TCP_SYN | CFG_TCP_ACK);
	assert_int_equal(r->n_dst_ports, 3);
	assert_int_equal(r->dst_ports[2].lo, 8000);
	assert_int_equal(r->dst_ports[2].hi, 8099);

	r = &pol->rules[3];
	assert_string_equal(r->name, "v6-dns");
	assert_prefix_equal(r->src, pfx6(0x2001, 0xdb8, 1, 0, 48));
	assert_prefix_equal(r->dst, pfx6(0x2001, 0xdb8, 2, 0x53, 128));
	assert_int_equal(r->n_src_ports, 1);
	assert_int_equal(r->src_ports[0].lo, 1024);
	assert_int_equal(r->src_ports[0].hi, 65535);
	assert_int_equal(r->min_len, 0);
	assert_int_equal(r->max_len, 512);
	assert_string_equal(r->link_pair, "lp0");
	assert_int_equal(r->direction, CFG_DIR_BOTH);
	assert_int_equal(r->per_source_bps, 8000000);
	/* Rates above 32 bits need libconfig's L suffix. */
	assert_true(r->aggregate_bps == 10000000000ULL);
	assert_int_equal(r->per_source_pps, 0);

	r = &pol->rules[4];
	assert_int_equal(r->proto, 47);
	assert_int_equal(r->direction, CFG_DIR_OUTBOUND);
	assert_int_equal(r->action, CFG_ACTION_COUNT);
	r = &pol->rules[5];
	assert_int_equal(r->proto, 58);
	assert_int_equal(r->action, CFG_ACTION_ALLOW);

	pr = &pol->protection;
	/* A subgroup that is there is on unless it says otherwise. */
	assert_true(pr->syn_flood.enabled);
	assert_int_equal(pr->syn_flood.per_source_pps, 200);
	assert_int_equal(pr->syn_flood.per_destination_pps, 50000);
	assert_true(pr->udp_amplification.enabled);
	assert_int_equal(pr->udp_amplification.n_src_ports, 3);
	assert_int_equal(pr->udp_amplification.src_ports[2], 11211);
	assert_int_equal(pr->udp_amplification.min_len, 1000);
	assert_false(pr->icmp_flood.enabled);
	assert_int_equal(pr->icmp_flood.per_source_pps, 10);
	assert_true(pr->drop_fragments);
	assert_true(pr->auto_block.enabled);
	assert_int_equal(pr->auto_block.exceed_seconds, 5);
	assert_int_equal(pr->auto_block.block_seconds, 600);
}

static void
test_cfg_policy_parse_rule_forms(void **state)
{
	const struct cfg_rule *r;

	(void)state;
	assert_valid(
		parse("rules = (\n"
	              "  { name = \"a\"; proto = \"17\"; src_port = 53; dst_port = \" 1 - 2 , 0 "
	              "\"; action = \"drop\"; },\n"
	              "  { name = \"B_2.x-y\"; proto = 0; action = \"count\"; min_len = 65535; },\n"
	              "  { name = \"c\"; proto = \"tcp\"; tcp_flags = \"!ack, fin,!rst\"; action = "
	              "\"rate-limit\"; per_source_bps = 1000; aggregate_bps = "
	              "1000000000000L; },\n"
	              "  { name = \"d\"; src = \"::/0\"; proto = 58; action = \"allow\"; },\n"
	              "  { name = \"e\"; src = \"0.0.0.0/0\"; proto = \"icmp\"; action = "
	              "\"rate-limit\"; aggregate_pps = 100000000; per_source_pps = 1; }\n"
	              ");\n"));
	assert_int_equal(pol->n_rules, 5);
	r = &pol->rules[0];
	assert_int_equal(r->line, 2);
	assert_int_equal(r->proto, 17);
	assert_int_equal(r->n_src_ports, 1);
	assert_int_equal(r->src_ports[0].lo, 53);
	assert_int_equal(r->n_dst_ports, 2);
	assert_int_equal(r->dst_ports[0].lo, 1);
	assert_int_equal(r->dst_ports[0].hi, 2);
	assert_int_equal(r->dst_ports[1].lo, 0);
	assert_int_equal(r->dst_ports[1].hi, 0);
	r = &pol->rules[1];
	assert_string_equal(r->name, "B_2.x-y");
	assert_true(r->has_proto);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->min_len, 65535);
	assert_int_equal(r->max_len, 65535);
	r = &pol->rules[2];
	assert_int_equal(r->tcp_flags, CFG_TCP_FIN);
	assert_int_equal(r->tcp_flags_mask, CFG_TCP_FIN | CFG_TCP_ACK | CFG_TCP_RST);
	assert_int_equal(r->per_source_bps, 1000);
	assert_true(r->aggregate_bps == 1000000000000ULL);
	r = &pol->rules[3];
	assert_true(r->has_src);
	assert_false(r->has_dst);
	assert_int_equal(r->src.family, 6);
	assert_int_equal(r->src.len, 0);
	r = &pol->rules[4];
	assert_int_equal(r->proto, 1);
	assert_int_equal(r->aggregate_pps, 100000000);
	assert_int_equal(r->per_source_pps, 1);

	/* Every flag by name; proto icmp without a prefix is allowed. */
	assert_valid(parse("rules = ( { name = \"f\"; proto = \"tcp\"; tcp_flags = "
	                   "\"fin,syn,rst,psh,ack,urg,ece,cwr\"; action = \"drop\"; } );"));
	assert_int_equal(pol->rules[0].tcp_flags, 0xff);
	assert_int_equal(pol->rules[0].tcp_flags_mask, 0xff);
	/* An empty list of rules. */
	assert_valid(parse("rules = ();"));
	assert_int_equal(pol->n_rules, 0);
	assert_null(pol->rules);
}

static void
test_cfg_policy_parse_protection_forms(void **state)
{
	const struct cfg_protection *pr;

	(void)state;
	assert_valid(parse("protection = { syn_flood = { }; icmp_flood = { enabled = false; }; "
	                   "auto_block = { }; };"));
	pr = &pol->protection;
	assert_true(pr->syn_flood.enabled);
	assert_int_equal(pr->syn_flood.per_source_pps, 100);
	assert_int_equal(pr->syn_flood.per_destination_pps, 20000);
	assert_false(pr->icmp_flood.enabled);
	assert_false(pr->udp_amplification.enabled);
	assert_int_equal(pr->udp_amplification.n_src_ports, 6);
	/* auto_block without any per-source limit is allowed (docs/policy.md says it idles). */
	assert_true(pr->auto_block.enabled);
	assert_int_equal(pr->auto_block.exceed_seconds, 3);
	assert_int_equal(pr->auto_block.block_seconds, 300);
	assert_false(pr->drop_fragments);

	assert_valid(parse("protection = { udp_amplification = { src_ports = [ 1, 65535 ]; min_len "
	                   "= 0; }; fragments = \"drop\"; auto_block = { exceed_seconds = 3600; "
	                   "block_seconds = 2592000; }; };"));
	pr = &pol->protection;
	assert_true(pr->udp_amplification.enabled);
	assert_int_equal(pr->udp_amplification.n_src_ports, 2);
	assert_int_equal(pr->udp_amplification.src_ports[0], 1);
	assert_int_equal(pr->udp_amplification.src_ports[1], 65535);
	assert_int_equal(pr->udp_amplification.min_len, 0);
	assert_true(pr->drop_fragments);
	assert_int_equal(pr->auto_block.exceed_seconds, 3600);
	assert_int_equal(pr->auto_block.block_seconds, 2592000);
	assert_false(pr->syn_flood.enabled);
}

/* One setting on line 2 of a policy, and the one error it must give there. */
struct error_case {
	const char *text;
	const char *error;
};

static const struct error_case error_cases[] = {
	/* top level */
	{ "mode = \"enforcing\";", "mode: unknown value \"enforcing\"; allowed: enforce, monitor" },
	{ "mode = 1;", "mode: must be a string, not an integer" },
	{ "default_action = \"count\";",
	  "default_action: unknown value \"count\"; allowed: allow, drop" },
	{ "colour = 1;",
	  "unknown top-level setting \"colour\" (allowed: mode, default_action, allow_prefixes, "
	  "deny_prefixes, deny_file, rules, protection)" },
	/* prefixes */
	{ "allow_prefixes = [ \"198.51.100.1/24\" ];",
	  "allow_prefixes[0]: 198.51.100.1/24 has host bits set; did you mean 198.51.100.0/24?" },
	{ "deny_prefixes = [ \"198.51.100.0/24\", \"2001:db8::1/32\" ];",
	  "deny_prefixes[1]: 2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?" },
	{ "deny_prefixes = [ \"198.51.100.0/33\" ];",
	  "deny_prefixes[0]: \"198.51.100.0/33\" has a bad prefix length; after the '/' write 0 to "
	  "32 for IPv4 or 0 to 128 for IPv6" },
	{ "deny_prefixes = [ \"2001:db8::/129\" ];", "\"2001:db8::/129\" has a bad prefix length" },
	{ "deny_prefixes = [ \"198.51.100.0/x\" ];", "has a bad prefix length" },
	{ "deny_prefixes = [ \"example.com\" ];",
	  "deny_prefixes[0]: \"example.com\" is not a prefix; write an IPv4 or IPv6 prefix such as "
	  "\"198.51.100.0/24\" or \"2001:db8::/32\", or a single address" },
	{ "deny_prefixes = [ \"198.51.100\" ];", "\"198.51.100\" is not a prefix" },
	{ "deny_prefixes = [ \"\" ];", "deny_prefixes[0]: \"\" is not a prefix" },
	{ "allow_prefixes = \"198.51.100.0/24\";",
	  "allow_prefixes: must be an array of prefixes, e.g. [ \"198.51.100.0/24\", "
	  "\"2001:db8::/32\" ], not a string" },
	{ "deny_prefixes = [ 1 ];",
	  "deny_prefixes[0]: must be a string such as \"198.51.100.0/24\", not an integer" },
	{ "deny_file = \"\";", "deny_file: must not be empty" },
	{ "deny_file = 5;", "deny_file: must be a string, not an integer" },
	{ "deny_file = \"l\\tst.txt\";", "deny_file: byte 0x09 at position 2 is not printable" },
	/* rules */
	{ "rules = { };", "rules: must be a list of rule groups" },
	{ "rules = ( \"ssh\" );",
	  "rules[0]: must be a group { name = ...; action = ...; }, not a string" },
	{ "rules = ( { action = \"drop\"; } );",
	  "rules[0]: required setting \"name\" is missing; give the rule a name" },
	{ "rules = ( { name = \"a\"; } );",
	  "rules[0]: required setting \"action\" is missing; say what the rule does: action = "
	  "\"allow\", \"drop\", \"rate-limit\" or \"count\";" },
	{ "rules = ( { name = \"a b\"; action = \"drop\"; } );",
	  "rules[0].name: \"a b\" contains a space; allowed are letters, digits" },
	{ "rules = ( { name = \"-a\"; action = \"drop\"; } );", "must not start with '-'" },
	{ "rules = ( { name = \"\"; action = \"drop\"; } );", "rules[0].name: must not be empty" },
	{ "rules = ( { name = \"abcdefghijklmnopqrstuvwxyz012345\"; action = \"drop\"; } );",
	  "rules[0].name: \"abcdefghijklmnopqrstuvwxyz012345\" is 32 characters long; at most 31 "
	  "allowed" },
	{ "rules = ( { name = \"a\"; action = \"drop\"; port = 22; } );",
	  "unknown setting \"port\" in rules[0] (allowed: name, src, dst, proto, src_port, "
	  "dst_port, tcp_flags, min_len, max_len, link_pair, direction, action, per_source_pps, "
	  "per_source_bps, aggregate_pps, aggregate_bps)" },
	{ "rules = ( { name = \"a\"; action = \"reject\"; } );",
	  "rules[0].action: unknown value \"reject\"; allowed: allow, drop, rate-limit, count" },
	{ "rules = ( { name = \"a\"; src = \"198.51.100.9/24\"; action = \"drop\"; } );",
	  "rules[0].src: 198.51.100.9/24 has host bits set; did you mean 198.51.100.0/24?" },
	{ "rules = ( { name = \"a\"; dst = 24; action = \"drop\"; } );",
	  "rules[0].dst: must be a string such as \"198.51.100.0/24\", not an integer" },
	{ "rules = ( { name = \"a\"; src = \"198.51.100.0/24\"; dst = \"2001:db8::/32\"; action = "
	  "\"drop\"; } );",
	  "rules[0]: src 198.51.100.0/24 is IPv4 but dst 2001:db8::/32 is IPv6; a rule matches one "
	  "address family, so write one rule for each" },
	{ "rules = ( { name = \"a\"; proto = \"tcpp\"; action = \"drop\"; } );",
	  "rules[0].proto: unknown protocol \"tcpp\"; allowed: tcp, udp, icmp, icmpv6 or a "
	  "protocol number from 0 to 255" },
	{ "rules = ( { name = \"a\"; proto = \"TCP\"; action = \"drop\"; } );",
	  "unknown protocol \"TCP\"" },
	{ "rules = ( { name = \"a\"; proto = 256; action = \"drop\"; } );",
	  "rules[0].proto: 256 is out of range; allowed 0 to 255" },
	{ "rules = ( { name = \"a\"; proto = \"256\"; action = \"drop\"; } );",
	  "unknown protocol \"256\"" },
	{ "rules = ( { name = \"a\"; proto = -1; action = \"drop\"; } );",
	  "rules[0].proto: -1 is out of range" },
	{ "rules = ( { name = \"a\"; proto = true; action = \"drop\"; } );",
	  "rules[0].proto: must be \"tcp\", \"udp\", \"icmp\", \"icmpv6\" or a protocol number "
	  "from "
	  "0 to 255, not a boolean" },
	{ "rules = ( { name = \"a\"; dst = \"2001:db8::/32\"; proto = \"icmp\"; action = \"drop\"; "
	  "} );",
	  "rules[0].proto: icmp is for IPv4 but the rule's dst is an IPv6 prefix; use proto = "
	  "\"icmpv6\"" },
	{ "rules = ( { name = \"a\"; src = \"198.51.100.0/24\"; proto = \"icmpv6\"; action = "
	  "\"drop\"; } );",
	  "rules[0].proto: icmpv6 is for IPv6 but the rule's src is an IPv4 prefix; use proto = "
	  "\"icmp\"" },
	{ "rules = ( { name = \"a\"; src = \"2001:db8::/32\"; proto = 1; action = \"drop\"; } );",
	  "icmp is for IPv4 but the rule's src is an IPv6 prefix" },
	{ "rules = ( { name = \"a\"; dst_port = \"22\"; action = \"drop\"; } );",
	  "rules[0].dst_port: ports need proto = \"tcp\" or \"udp\"; the rule has no proto" },
	{ "rules = ( { name = \"a\"; proto = \"icmp\"; src_port = 7; action = \"drop\"; } );",
	  "rules[0].src_port: ports need proto = \"tcp\" or \"udp\"; this rule's proto is "
	  "\"icmp\"" },
	{ "rules = ( { name = \"a\"; proto = 132; dst_port = 7; action = \"drop\"; } );",
	  "this rule's proto is 132" },
	{ "rules = ( { name = \"a\"; proto = \"udp\"; dst_port = \"80,70000\"; action = \"drop\"; "
	  "} "
	  ");",
	  "rules[0].dst_port: port 70000 is out of range; ports go from 0 to 65535" },
	{ "rules = ( { name = \"a\"; proto = \"udp\"; dst_port = 65536; action = \"drop\"; } );",
	  "rules[0].dst_port: 65536 is out of range; allowed 0 to 65535" },
	{ "rules = ( { name = \"a\"; proto = \"udp\"; dst_port = -1; action = \"drop\"; } );",
	  "rules[0].dst_port: -1 is out of range" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; dst_port = \"2047-1024\"; action = \"drop\"; "
	  "} );",
	  "rules[0].dst_port: the range 2047-1024 is reversed; write the lower port first" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; dst_port = \"80;443\"; action = \"drop\"; } "
	  ");",
	  "rules[0].dst_port: \"80;443\" is not a port list; write ports and ranges separated by "
	  "commas, e.g. \"80,443,1024-2047\"" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; dst_port = \"\"; action = \"drop\"; } );",
	  "rules[0].dst_port: \"\" is not a port list" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; dst_port = \"http\"; action = \"drop\"; } );",
	  "rules[0].dst_port: \"http\" is not a port list" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; dst_port = \"80-\"; action = \"drop\"; } );",
	  "\"80-\" is not a port list" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; src_port = \"1,2,3,4,5,6,7,8,9,10,11,12,13,"
	  "14,15,16,17\"; action = \"drop\"; } );",
	  "rules[0].src_port: more than 16 ports and ranges; at most 16 are allowed in one list" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; src_port = [ 80 ]; action = \"drop\"; } );",
	  "rules[0].src_port: must be a port number or a string of ports and ranges such as "
	  "\"80,443,1024-2047\", not an array [ ... ]" },
	{ "rules = ( { name = \"a\"; tcp_flags = \"syn\"; action = \"drop\"; } );",
	  "rules[0].tcp_flags: TCP flags need proto = \"tcp\"; the rule has no proto" },
	{ "rules = ( { name = \"a\"; proto = \"udp\"; tcp_flags = \"syn\"; action = \"drop\"; } );",
	  "rules[0].tcp_flags: TCP flags need proto = \"tcp\"; this rule's proto is \"udp\"" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = \"sin\"; action = \"drop\"; } );",
	  "rules[0].tcp_flags: \"sin\" in \"sin\" is not a TCP flag; allowed: fin, syn, rst, psh, "
	  "ack, urg, ece, cwr, separated by commas, each with a leading '!' when the flag must be "
	  "clear" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = \"SYN\"; action = \"drop\"; } );",
	  "\"SYN\" in \"SYN\" is not a TCP flag" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = \"syn ack\"; action = \"drop\"; "
	  "} "
	  ");",
	  "rules[0].tcp_flags: \"syn ack\": a comma must follow syn" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = \"syn,!syn\"; action = \"drop\"; "
	  "} );",
	  "rules[0].tcp_flags: \"syn,!syn\" asks for syn both set and clear; give it once" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = \"syn,\"; action = \"drop\"; } "
	  ");",
	  "rules[0].tcp_flags: \"syn,\" has an empty flag" },
	{ "rules = ( { name = \"a\"; proto = \"tcp\"; tcp_flags = 2; action = \"drop\"; } );",
	  "rules[0].tcp_flags: must be a string, not an integer" },
	{ "rules = ( { name = \"a\"; min_len = 65536; action = \"drop\"; } );",
	  "rules[0].min_len: 65536 is out of range; allowed 0 to 65535" },
	{ "rules = ( { name = \"a\"; max_len = -1; action = \"drop\"; } );",
	  "rules[0].max_len: -1 is out of range; allowed 0 to 65535" },
	{ "rules = ( { name = \"a\"; min_len = 300; max_len = 200; action = \"drop\"; } );",
	  "rules[0]: min_len 300 is above max_len 200; no packet would match" },
	{ "rules = ( { name = \"a\"; link_pair = \"lp 0\"; action = \"drop\"; } );",
	  "rules[0].link_pair: \"lp 0\" contains a space" },
	{ "rules = ( { name = \"a\"; link_pair = \"\"; action = \"drop\"; } );",
	  "rules[0].link_pair: must not be empty" },
	{ "rules = ( { name = \"a\"; direction = \"in\"; action = \"drop\"; } );",
	  "rules[0].direction: unknown value \"in\"; allowed: inbound, outbound, both" },
	{ "rules = ( { name = \"a\"; action = \"drop\"; per_source_pps = 20; } );",
	  "rules[0].per_source_pps: only a rate-limit rule takes a rate; this rule's action is "
	  "\"drop\"" },
	{ "rules = ( { name = \"a\"; action = \"count\"; aggregate_bps = 1000000; } );",
	  "rules[0].aggregate_bps: only a rate-limit rule takes a rate; this rule's action is "
	  "\"count\"" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; } );",
	  "rules[0]: a rate-limit rule needs a limit: set per_source_pps, per_source_bps, "
	  "aggregate_pps or aggregate_bps" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; per_source_pps = 0; } );",
	  "rules[0].per_source_pps: 0 is out of range; allowed 1 to 100000000" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; aggregate_pps = 100000001; } );",
	  "rules[0].aggregate_pps: 100000001 is out of range; allowed 1 to 100000000" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; per_source_bps = 999; } );",
	  "rules[0].per_source_bps: 999 is out of range; allowed 1000 to 1000000000000" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; aggregate_bps = 1000000000001L; } );",
	  "rules[0].aggregate_bps: 1000000000001 is out of range" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; per_source_pps = \"20\"; } );",
	  "rules[0].per_source_pps: must be an integer from 1 to 100000000, not a string" },
	{ "rules = ( { name = \"a\"; action = \"rate-limit\"; per_source_pps = 4294967316; } );",
	  "the number 4294967316 is out of range; no setting takes a number this large" },
	/* protection */
	{ "protection = true;", "protection: must be a group { ... }, not a boolean" },
	{ "protection = { syn = { }; };",
	  "unknown setting \"syn\" in protection (allowed: syn_flood, udp_amplification, "
	  "icmp_flood, fragments, auto_block)" },
	{ "protection = { syn_flood = { per_src_pps = 1; }; };",
	  "unknown setting \"per_src_pps\" in protection.syn_flood (allowed: enabled, "
	  "per_source_pps, per_destination_pps)" },
	{ "protection = { syn_flood = { enabled = 1; }; };",
	  "protection.syn_flood.enabled: must be true or false, not an integer" },
	{ "protection = { syn_flood = { per_source_pps = 0; }; };",
	  "protection.syn_flood.per_source_pps: 0 is out of range; allowed 1 to 100000000" },
	{ "protection = { syn_flood = { per_destination_pps = 100000001; }; };",
	  "protection.syn_flood.per_destination_pps: 100000001 is out of range" },
	{ "protection = { udp_amplification = { src_ports = []; }; };",
	  "protection.udp_amplification.src_ports: the list is empty; list at least one port, or "
	  "set enabled = false" },
	{ "protection = { udp_amplification = { src_ports = 53; }; };",
	  "protection.udp_amplification.src_ports: must be an array of UDP source ports, e.g. [ "
	  "53, 123 ], not an integer" },
	{ "protection = { udp_amplification = { src_ports = [ 53, 0 ]; }; };",
	  "protection.udp_amplification.src_ports[1]: 0 is out of range; allowed 1 to 65535" },
	{ "protection = { udp_amplification = { src_ports = [ 65536 ]; }; };",
	  "protection.udp_amplification.src_ports[0]: 65536 is out of range" },
	{ "protection = { udp_amplification = { src_ports = [ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "
	  "12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33 "
	  "]; }; };",
	  "protection.udp_amplification.src_ports: 33 ports are listed; at most 32 are allowed" },
	{ "protection = { udp_amplification = { min_len = 65536; }; };",
	  "protection.udp_amplification.min_len: 65536 is out of range; allowed 0 to 65535" },
	{ "protection = { icmp_flood = true; };",
	  "protection.icmp_flood: must be a group { ... }, not a boolean" },
	{ "protection = { icmp_flood = { per_source_pps = 0; }; };",
	  "protection.icmp_flood.per_source_pps: 0 is out of range; allowed 1 to 100000000" },
	{ "protection = { fragments = \"reassemble\"; };",
	  "protection.fragments: unknown value \"reassemble\"; allowed: allow, drop" },
	{ "protection = { fragments = false; };",
	  "protection.fragments: must be a string, not a boolean" },
	{ "protection = { auto_block = { exceed_seconds = 0; }; };",
	  "protection.auto_block.exceed_seconds: 0 is out of range; allowed 1 to 3600" },
	{ "protection = { auto_block = { exceed_seconds = 3601; }; };",
	  "protection.auto_block.exceed_seconds: 3601 is out of range" },
	{ "protection = { auto_block = { block_seconds = 0; }; };",
	  "protection.auto_block.block_seconds: 0 is out of range; allowed 1 to 2592000" },
	{ "protection = { auto_block = { block_seconds = 2592001; }; };",
	  "protection.auto_block.block_seconds: 2592001 is out of range" },
	{ "protection = { auto_block = { enable = true; }; };",
	  "unknown setting \"enable\" in protection.auto_block (allowed: enabled, exceed_seconds, "
	  "block_seconds)" },
	/* syntax, through the same guards as the node config */
	{ "rules = ( { name = \"a\"; action = \"drop\" } ;", "not valid libconfig syntax" },
	{ "@include \"/etc/passwd\"", "@include is not supported" },
};

static void
test_cfg_policy_parse_each_error(void **state)
{
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		int rc;

		snprintf(buf, sizeof(buf), "# line 1\n%s\n", error_cases[i].text);
		rc = parse(buf);
		if (rc != -EINVAL || pol != NULL || errs.count != 1 ||
		    !errors_have(&errs, 2, error_cases[i].error)) {
			errors_dump(&errs);
			fail_msg("case %zu (%s): rc %d, expected only \"%s\" at line 2", i,
			         error_cases[i].text, rc, error_cases[i].error);
		}
	}
}

static void
test_cfg_policy_parse_errors_on_their_lines(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	/* Found anywhere, reported in file order with every other error, none lost. */
	assert_int_equal(parse("rules = (\n"
	                       "  { name = \"web\"; proto = \"tcp\"; dst_port = 80; action = "
	                       "\"allow\"; },\n"
	                       "  { name = \"ssh\"; proto = \"tcp\";\n"
	                       "    dst_port = \"22-\"; action = \"drop\"; },\n"
	                       "  { name = \"web\"; action = \"count\"; }\n"
	                       ");\n"
	                       "protection = { fragments = \"no\"; };\n"
	                       "mode = \"audit\";\n"),
	                 -EINVAL);
	assert_null(pol);
	assert_error_count(4);
	assert_error(4, "rules[1].dst_port: \"22-\" is not a port list");
	assert_error(5, "rules[2].name: duplicate rule name \"web\" (first at line 2); rule names "
	                "are unique");
	assert_error(7, "protection.fragments: unknown value \"no\"");
	assert_error(8, "mode: unknown value \"audit\"");
	for (unsigned int i = 1; i < errs.count; i++)
		assert_true(errs.err[i - 1].line <= errs.err[i].line);

	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	cfg_errors_print(&errs, fp);
	fclose(fp);
	assert_non_null(strstr(out, "test.policy:4: rules[1].dst_port: \"22-\" is not a port "
	                            "list;"));
	free(out);

	/* Each copy of a name after the first is reported, against the first. */
	assert_int_equal(parse("rules = (\n{ name = \"a\"; action = \"drop\"; },\n"
	                       "{ name = \"b\"; action = \"drop\"; },\n"
	                       "{ name = \"a\"; action = \"drop\"; },\n"
	                       "{ name = \"a\"; action = \"drop\"; } );\n"),
	                 -EINVAL);
	assert_error_count(2);
	assert_error(4, "rules[2].name: duplicate rule name \"a\" (first at line 2)");
	assert_error(5, "rules[3].name: duplicate rule name \"a\" (first at line 2)");
	/* Names are case-sensitive. */
	assert_valid(parse("rules = ( { name = \"a\"; action = \"drop\"; }, { name = \"A\"; action "
	                   "= \"drop\"; } );"));
}

static void
test_cfg_policy_parse_errors_beyond_max_dropped(void **state)
{
	size_t o = 0;
	char *t = malloc(16384);

	(void)state;
	assert_non_null(t);
	o += (size_t)snprintf(t + o, 16384 - o, "deny_prefixes = [\n");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(t + o, 16384 - o, "\"198.51.100.%d/24\",\n", i + 1);
	snprintf(t + o, 16384 - o, "\"198.51.100.0/24\" ];\n");
	assert_int_equal(parse(t), -EINVAL);
	free(t);
	assert_null(pol);
	assert_int_equal(errs.count, CFG_MAX_ERRORS);
	assert_int_equal(errs.dropped, 100 - CFG_MAX_ERRORS);
	assert_error(2, "deny_prefixes[0]: 198.51.100.1/24 has host bits set");
}

static void
test_cfg_policy_duplicate_prefixes_allowed(void **state)
{
	(void)state;
	/* The compiler removes duplicates; they are not an error. */
	assert_valid(parse("deny_prefixes = [ \"198.51.100.0/24\", \"198.51.100.0/24\" ];\n"
	                   "allow_prefixes = [ \"198.51.100.0/24\" ];"));
	assert_int_equal(pol->n_deny, 2);
	assert_int_equal(pol->n_allow, 1);
}

static void
test_cfg_prefix_parse_forms(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "198.51.100.0/24", "198.51.100.0/24" },
		{ "198.51.100.7", "198.51.100.7/32" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "255.255.255.255/32", "255.255.255.255/32" },
		{ "198.51.100.128/25", "198.51.100.128/25" },
		{ "198.18.0.0/15", "198.18.0.0/15" },
		{ "2001:db8::/32", "2001:db8::/32" },
		{ "2001:DB8:0:0::/64", "2001:db8::/64" },
		{ "2001:db8::1", "2001:db8::1/128" },
		{ "::/0", "::/0" },
		{ "::ffff:198.51.100.0/120", "::ffff:198.51.100.0/120" },
		{ "2001:db8:8000::/33", "2001:db8:8000::/33" },
	};
	static const char *const bad[] = {
		"198.51.100.1/24",   "2001:db8::1/32",
		"198.51.100.0/33",   "2001:db8::/129",
		"198.51.100.0/",     "/24",
		"198.51.100",        "01.2.3.4",
		"1.2.3.4.5",         "fe80::1%eth0",
		"2001:db8:::/32",    "198.51.100.0/24 ",
		" 198.51.100.0",     "198.51.100.0/+8",
		"198.51.100.0/0024", "",
		"example.com",       "2001:db8::/32/1",
		"198.51.100.0/-1",   "198.51.100.0/2 4",
		"0.0.0.1/0",         "2001:db8:8000::/32",
	};
	struct cfg_prefix p;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct cfg_prefix back;

		if (cfg_prefix_parse(good[i].in, &p) != 0)
			fail_msg("\"%s\" refused", good[i].in);
		cfg_prefix_format(&p, buf, sizeof(buf));
		assert_string_equal(buf, good[i].out);
		assert_int_equal(cfg_prefix_parse(buf, &back), 0);
		assert_memory_equal(&back, &p, sizeof(p));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0x5a, sizeof(p));
		if (cfg_prefix_parse(bad[i], &p) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		/* Left alone on failure. */
		assert_int_equal(p.family, 0x5a);
	}
	assert_int_equal(cfg_prefix_parse(NULL, &p), -EINVAL);
	assert_int_equal(cfg_prefix_parse("198.51.100.0/24", NULL), -EINVAL);

	/* Host bits are cleared byte by byte: /25 keeps the top bit of the last byte. */
	assert_int_equal(cfg_prefix_parse("203.0.113.128/25", &p), 0);
	assert_prefix_equal(p, pfx4(203, 0, 113, 128, 25));
	memset(&p, 0, sizeof(p));
	p.family = 5;
	cfg_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	cfg_prefix_format(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

static void
test_cfg_policy_names(void **state)
{
	(void)state;
	assert_string_equal(cfg_action_name(CFG_ACTION_ALLOW), "allow");
	assert_string_equal(cfg_action_name(CFG_ACTION_DROP), "drop");
	assert_string_equal(cfg_action_name(CFG_ACTION_RATE_LIMIT), "rate-limit");
	assert_string_equal(cfg_action_name(CFG_ACTION_COUNT), "count");
	assert_string_equal(cfg_action_name((enum cfg_action)99), "unknown");
	assert_string_equal(cfg_direction_name(CFG_DIR_INBOUND), "inbound");
	assert_string_equal(cfg_direction_name(CFG_DIR_OUTBOUND), "outbound");
	assert_string_equal(cfg_direction_name(CFG_DIR_BOTH), "both");
	assert_string_equal(cfg_direction_name((enum cfg_direction) - 1), "unknown");
}

static void
test_cfg_policy_load_deny_file_sample(void **state)
{
	char path[512];

	(void)state;
	/* Loaded from a directory other than the working one: deny.txt sits beside it. */
	snprintf(path, sizeof(path), "%s/policy/with-deny.conf", getenv("RP_TEST_DATA"));
	assert_valid(load(path));
	assert_int_equal(pol->default_action, CFG_ACTION_DROP);
	assert_int_equal(pol->n_deny, 7);
	assert_prefix_equal(pol->deny[0], pfx4(203, 0, 113, 0, 24));
	assert_prefix_equal(pol->deny[1], pfx4(198, 51, 100, 0, 25));
	assert_prefix_equal(pol->deny[2], pfx4(198, 51, 100, 200, 32));
	/* A line ending in CR LF. */
	assert_prefix_equal(pol->deny[3], pfx4(198, 18, 0, 0, 15));
	assert_prefix_equal(pol->deny[4], pfx6(0x2001, 0xdb8, 0xbad, 0, 48));
	assert_prefix_equal(pol->deny[5], pfx6(0x2001, 0xdb8, 0xbad, 1, 128));
	/* The same prefix twice is kept twice. */
	assert_prefix_equal(pol->deny[6], pfx4(198, 51, 100, 0, 25));
}

static void
test_cfg_policy_deny_file_bad_lines(void **state)
{
	char want[512], *out = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	write_text("bad.txt", "198.51.100.0/24\n"
	                      "198.51.100.1/24   # a host bit\n"
	                      "\n"
	                      "# comment\n"
	                      "198.51.100.0/24 203.0.113.0/24\n"
	                      "not-a-prefix\n"
	                      "2001:db8::/200\n"
	                      "\t2001:db8::/32\t\n"
	                      "203.0.113.0/24"); /* no newline at the end */
	assert_int_equal(parse("mode = \"enforce\";\n\ndeny_file = \"bad.txt\";\n"), -EINVAL);
	assert_null(pol);
	/* Every error is on the deny_file line; the message names the deny file's line. */
	assert_error_count(4);
	snprintf(want, sizeof(want),
	         "%s/bad.txt:2: 198.51.100.1/24 has host bits set; did you mean 198.51.100.0/24?",
	         dir);
	assert_error(3, want);
	snprintf(want, sizeof(want),
	         "%s/bad.txt:5: \"198.51.100.0/24 203.0.113.0/24\" holds more than one word; "
	         "write one prefix per line (a '#' starts a comment)",
	         dir);
	assert_error(3, want);
	snprintf(want, sizeof(want), "%s/bad.txt:6: \"not-a-prefix\" is not a prefix", dir);
	assert_error(3, want);
	snprintf(want, sizeof(want), "%s/bad.txt:7: \"2001:db8::/200\" has a bad prefix length",
	         dir);
	assert_error(3, want);
	/* In the deny file's order. */
	assert_non_null(strstr(errs.err[0].msg, "bad.txt:2:"));
	assert_non_null(strstr(errs.err[3].msg, "bad.txt:7:"));

	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	cfg_errors_print(&errs, fp);
	fclose(fp);
	snprintf(want, sizeof(want),
	         "test.policy:3: %s/bad.txt:6: \"not-a-prefix\" is not a prefix", dir);
	assert_non_null(strstr(out, want));
	free(out);

	/* The good lines of the same file, last line without a newline included. */
	write_text("good.txt", "198.51.100.0/24\n\t2001:db8::/32\t\n203.0.113.0/24");
	assert_valid(parse("deny_file = \"good.txt\";"));
	assert_int_equal(pol->n_deny, 3);
	assert_prefix_equal(pol->deny[2], pfx4(203, 0, 113, 0, 24));
	/* An empty file adds nothing. */
	write_text("empty.txt", "");
	assert_valid(parse("deny_file = \"empty.txt\";"));
	assert_int_equal(pol->n_deny, 0);
}

static void
test_cfg_policy_deny_file_unreadable(void **state)
{
	static const char nul_text[] = "198.51.100.0/24\n\n2001:db8::/32\0\n";
	char path[128], want[256];
	const char *sub;
	int fd;

	(void)state;
	snprintf(want, sizeof(want), "deny_file: cannot open %s/missing.txt: No such file", dir);
	assert_only_error(parse("\ndeny_file = \"missing.txt\";"), 2, want);

	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	sub = remember(path);
	snprintf(want, sizeof(want), "deny_file: %s is a directory, not a regular file of prefixes",
	         sub);
	assert_only_error(parse("deny_file = \"sub\";"), 1, want);

	/* A FIFO would block the reader: refused without opening it. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	remember(path);
	snprintf(want, sizeof(want), "deny_file: %s/fifo is a special file", dir);
	assert_only_error(parse("deny_file = \"fifo\";"), 1, want);

	write_file("nul.txt", nul_text, sizeof(nul_text) - 1);
	snprintf(want, sizeof(want), "%s/nul.txt:3: the file contains a NUL byte", dir);
	assert_only_error(parse("deny_file = \"nul.txt\";"), 1, want);

	/* Larger than CFG_DENY_FILE_SIZE_MAX: refused from its size, a sparse file. */
	snprintf(path, sizeof(path), "%s/huge.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	remember(path);
	assert_int_equal(ftruncate(fd, (off_t)CFG_DENY_FILE_SIZE_MAX + 1), 0);
	close(fd);
	snprintf(want, sizeof(want), "deny_file: %s/huge.txt is larger than 67108864 bytes", dir);
	assert_only_error(parse("deny_file = \"huge.txt\";"), 1, want);

	/* An absolute path is taken as it is. */
	snprintf(path, sizeof(path), "deny_file = \"%s/missing.txt\";", dir);
	snprintf(want, sizeof(want), "deny_file: cannot open %s/missing.txt", dir);
	cfg_policy_free(pol);
	pol = (struct cfg_policy *)&errs;
	assert_only_error(cfg_policy_parse(path, "abs.policy", "/nonexistent", &pol, &errs), 1,
	                  want);
}

/* @n lines of prefixes (IPv4 and IPv6 in turn) after one comment line, into @name. */
static const char *
write_deny_lines(const char *name, size_t n)
{
	size_t cap = 32 + n * 28, o = 0;
	char *buf = malloc(cap);
	const char *path;

	assert_non_null(buf);
	o += (size_t)snprintf(buf, cap, "# %zu generated lines\n", n);
	for (size_t i = 1; i < n; i++) {
		if (i % 4 == 0)
			o += (size_t)snprintf(buf + o, cap - o, "2001:db8:%zx:%zx::/64\n",
			                      (i >> 16) & 0xffff, i & 0xffff);
		else
			o += (size_t)snprintf(buf + o, cap - o, "%zu.%zu.%zu.0/24\n",
			                      10 + ((i >> 16) & 0x7f), (i >> 8) & 0xff, i & 0xff);
	}
	path = write_file(name, buf, o);
	free(buf);
	return path;
}

static void
test_cfg_policy_deny_file_million_lines(void **state)
{
	char want[256];
	double t0, t;

	(void)state;
	/* The most lines allowed, comment included. */
	write_deny_lines("max.txt", CFG_DENY_FILE_MAX_LINES);
	t0 = now_s();
	assert_valid(parse("deny_file = \"max.txt\";"));
	t = now_s() - t0;
	print_message("deny_file of %u lines parsed in %.3f s\n", CFG_DENY_FILE_MAX_LINES, t);
	assert_int_equal(pol->n_deny, CFG_DENY_FILE_MAX_LINES - 1);
	assert_prefix_equal(pol->deny[0], pfx4(10, 0, 1, 0, 24));
	/* Line 5, "2001:db8:0:4::/64". */
	assert_int_equal(pol->deny[3].family, 6);
	assert_int_equal(pol->deny[3].len, 64);
	assert_memory_equal(pol->deny[3].addr,
	                    ((uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 4 }), 16);

	/* One more line is refused whole, in one error. */
	write_deny_lines("over.txt", CFG_DENY_FILE_MAX_LINES + 1);
	snprintf(want, sizeof(want),
	         "deny_file: %s/over.txt has 1048577 lines; at most 1048576 are allowed", dir);
	assert_only_error(parse("deny_file = \"over.txt\";"), 1, want);
}

static void
test_cfg_policy_too_many_prefixes(void **state)
{
	size_t n = CFG_POLICY_MAX_PREFIXES - (CFG_DENY_FILE_MAX_LINES - 1) + 1, o = 0;
	size_t cap = 64 + n * 24;
	char *t = malloc(cap);

	(void)state;
	assert_non_null(t);
	/* The deny file of the test above holds 2^20 - 1 prefixes; inline ones make up the rest. */
	write_deny_lines("max2.txt", CFG_DENY_FILE_MAX_LINES);
	o += (size_t)snprintf(t, cap, "deny_file = \"max2.txt\";\nallow_prefixes = [\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(t + o, cap - o, "\"%zu.%zu.%zu.0/24\",\n", 100 + (i >> 16),
		                      (i >> 8) & 0xff, i & 0xff);
	snprintf(t + o - 2, cap - o + 2, " ];\n");
	assert_only_error(parse(t), 0,
	                  "2097153 prefixes in allow_prefixes, deny_prefixes and deny_file "
	                  "together; at most 2097152 are allowed");
	/* One fewer fits. */
	t[o - 2] = '\0';
	o = (size_t)(strrchr(t, '\n') - t);
	snprintf(t + o - 1, cap - o + 1, " ];\n");
	assert_valid(parse(t));
	assert_int_equal(pol->n_allow + pol->n_deny, CFG_POLICY_MAX_PREFIXES);
	free(t);
}

/* @n rules, one per line after the first, with every kind of criterion in turn. */
static char *
generate_rules(size_t n)
{
	size_t cap = 64 + n * 200, o = 0;
	char *t = malloc(cap);

	assert_non_null(t);
	o += (size_t)snprintf(t, cap, "rules = (\n");
	for (size_t i = 0; i < n; i++) {
		const char *sep = i + 1 < n ? "," : "";

		switch (i % 4) {
		case 0:
			o += (size_t)snprintf(
				t + o, cap - o,
				"{ name = \"r%zu\"; dst = \"198.51.%zu.%zu/32\"; proto = "
				"\"tcp\"; dst_port = \"%zu,1024-2047\"; action = "
				"\"rate-limit\"; per_source_pps = %zu; }%s\n",
				i, (i >> 8) & 0xff, i & 0xff, i % 65536, i + 1, sep);
			break;
		case 1:
			o += (size_t)snprintf(
				t + o, cap - o,
				"{ name = \"r%zu\"; src = \"2001:db8:%zx::/48\"; proto = "
				"\"udp\"; src_port = %zu; min_len = 100; action = "
				"\"drop\"; }%s\n",
				i, i & 0xffff, i % 65536, sep);
			break;
		case 2:
			o += (size_t)snprintf(
				t + o, cap - o,
				"{ name = \"r%zu\"; proto = \"tcp\"; tcp_flags = "
				"\"syn,!ack\"; direction = \"both\"; action = \"count\"; "
				"}%s\n",
				i, sep);
			break;
		default:
			o += (size_t)snprintf(
				t + o, cap - o,
				"{ name = \"r%zu\"; proto = %zu; link_pair = \"lp0\"; "
				"action = \"allow\"; }%s\n",
				i, i % 256, sep);
			break;
		}
	}
	snprintf(t + o, cap - o, ");\n");
	return t;
}

static void
test_cfg_policy_parse_100k_rules(void **state)
{
	char *t = generate_rules(100000);
	double t0, dt;

	(void)state;
	assert_true(strlen(t) > CFG_FILE_SIZE_MAX);
	t0 = now_s();
	assert_valid(parse(t));
	dt = now_s() - t0;
	print_message("100000 rules (%zu bytes) parsed in %.3f s\n", strlen(t), dt);
	assert_int_equal(pol->n_rules, 100000);
	assert_string_equal(pol->rules[99999].name, "r99999");
	assert_int_equal(pol->rules[99999].line, 100001);
	assert_int_equal(pol->rules[99999].proto, 99999 % 256);
	assert_int_equal(pol->rules[99996].per_source_pps, 99997);
	assert_int_equal(pol->rules[65537].src_ports[0].lo, 1);

	/* A duplicate name far apart, and an error past line 65536, on their lines. */
	memcpy(strstr(t, "{ name = \"r99998\";") + 10, "r2\"    ", 7);
	memcpy(strstr(t, "{ name = \"r70001\"; src = \"2001:db8:1171::/48\"") + 35, "x", 1);
	assert_int_equal(parse(t), -EINVAL);
	assert_error_count(2);
	assert_error(70003, "rules[70001].src: \"2001:db8:x171::/48\" is not a prefix");
	assert_error(100000, "rules[99998].name: duplicate rule name \"r2\" (first at line 4)");
	free(t);
}

static void
test_cfg_policy_too_many_rules(void **state)
{
	size_t n = CFG_POLICY_MAX_RULES + 1, cap = 32 + n * 40, o = 0;
	char *t = malloc(cap);

	(void)state;
	assert_non_null(t);
	o += (size_t)snprintf(t, cap, "rules = (\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(t + o, cap - o, "{ name = \"r%zu\"; action = \"drop\"; },\n",
		                      i);
	snprintf(t + o - 2, cap - o + 2, ");\n");
	assert_only_error(parse(t), 1,
	                  "rules: 131073 rules are defined; at most 131072 are "
	                  "allowed");
	free(t);
}

static void
test_cfg_policy_load_errors(void **state)
{
	char path[512], fifo[128];
	const char *big;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/policy/no-such.conf", getenv("RP_TEST_DATA"));
	assert_int_equal(load(path), -ENOENT);
	assert_null(pol);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.file, path);
	assert_non_null(strstr(errs.err[0].msg, "No such file"));

	assert_int_equal(load(dir), -EISDIR);
	assert_null(pol);

	snprintf(fifo, sizeof(fifo), "%s/policy.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	remember(fifo);
	assert_int_equal(load(fifo), -EINVAL);
	assert_null(pol);
	assert_non_null(strstr(errs.err[0].msg, "is a special file, not a policy file"));

	/* Above CFG_POLICY_FILE_SIZE_MAX; the node config's 1 MiB does not apply. */
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	big = remember(path);
	assert_int_equal(ftruncate(fd, (off_t)CFG_POLICY_FILE_SIZE_MAX + 1), 0);
	close(fd);
	assert_int_equal(load(big), -EFBIG);
	assert_null(pol);
	assert_non_null(strstr(errs.err[0].msg, "the file is larger than 67108864 bytes"));

	assert_int_equal(cfg_policy_load(NULL, &pol, &errs), -EINVAL);
	assert_int_equal(cfg_policy_load(path, NULL, &errs), -EINVAL);
	assert_int_equal(cfg_policy_parse(NULL, "x", NULL, &pol, &errs), -EINVAL);
	assert_null(pol);
	assert_int_equal(cfg_policy_parse("mode = 1;", NULL, NULL, &pol, &errs), -EINVAL);
	assert_string_equal(errs.file, "<string>");
	/* Without an error list the result is still right. */
	assert_int_equal(cfg_policy_parse("mode = 1;", "x", NULL, &pol, NULL), -EINVAL);
	assert_int_equal(cfg_policy_parse("mode = \"monitor\";", "x", NULL, &pol, NULL), 0);
	assert_int_equal(pol->mode, CFG_MODE_MONITOR);
	cfg_policy_free(pol);
	pol = NULL;
	cfg_policy_free(NULL);
}

static void
test_cfg_policy_load_relative_deny_file(void **state)
{
	char path[128], want[256];

	(void)state;
	/* Relative to the policy's directory, wherever the working directory is. */
	snprintf(path, sizeof(path), "%s/site", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	remember(path);
	write_text("site/list.txt", "198.51.100.0/24\n");
	write_text("up.txt", "203.0.113.0/24\n");
	assert_valid(load(write_text("site/p.conf", "deny_file = \"list.txt\";")));
	assert_int_equal(pol->n_deny, 1);
	assert_prefix_equal(pol->deny[0], pfx4(198, 51, 100, 0, 24));
	assert_valid(load(write_text("site/q.conf", "deny_file = \"../up.txt\";")));
	assert_prefix_equal(pol->deny[0], pfx4(203, 0, 113, 0, 24));
	/* Errors name the deny file as it was opened. */
	write_text("site/bad.txt", "\n\nx\n");
	assert_int_equal(load(write_text("site/r.conf", "\ndeny_file = \"bad.txt\";")), -EINVAL);
	snprintf(want, sizeof(want), "%s/site/bad.txt:3: \"x\" is not a prefix", dir);
	assert_error(2, want);
}

static void
test_cfg_policy_load_invalid_sample(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/policy/invalid.conf", getenv("RP_TEST_DATA"));
	assert_int_equal(load(path), -EINVAL);
	assert_null(pol);
	assert_error_count(10);
	assert_error(2, "mode: unknown value \"enforcing\"");
	assert_error(3, "allow_prefixes[0]: 198.51.100.1/24 has host bits set; did you mean "
	                "198.51.100.0/24?");
	assert_error(4, "no-such-list.txt: No such file or directory");
	assert_error(6, "rules[0].dst_port: port 70000 is out of range");
	assert_error(7, "rules[1].tcp_flags: TCP flags need proto = \"tcp\"");
	assert_error(7, "rules[1].name: duplicate rule name \"web\" (first at line 6)");
	assert_error(8, "rules[2]: a rate-limit rule needs a limit");
	assert_error(9, "rules[3]: src 198.51.100.0/24 is IPv4 but dst 2001:db8::/32 is IPv6");
	assert_error(12, "protection.syn_flood.per_source_pps: 0 is out of range");
	assert_error(13, "protection.fragments: unknown value \"reassemble\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_policy_parse_example_exact),
		cmocka_unit_test(test_cfg_policy_defaults_values),
		cmocka_unit_test(test_cfg_policy_load_full_sample),
		cmocka_unit_test(test_cfg_policy_parse_rule_forms),
		cmocka_unit_test(test_cfg_policy_parse_protection_forms),
		cmocka_unit_test(test_cfg_policy_parse_each_error),
		cmocka_unit_test(test_cfg_policy_parse_errors_on_their_lines),
		cmocka_unit_test(test_cfg_policy_parse_errors_beyond_max_dropped),
		cmocka_unit_test(test_cfg_policy_duplicate_prefixes_allowed),
		cmocka_unit_test(test_cfg_prefix_parse_forms),
		cmocka_unit_test(test_cfg_policy_names),
		cmocka_unit_test(test_cfg_policy_load_deny_file_sample),
		cmocka_unit_test(test_cfg_policy_deny_file_bad_lines),
		cmocka_unit_test(test_cfg_policy_deny_file_unreadable),
		cmocka_unit_test(test_cfg_policy_deny_file_million_lines),
		cmocka_unit_test(test_cfg_policy_too_many_prefixes),
		cmocka_unit_test(test_cfg_policy_parse_100k_rules),
		cmocka_unit_test(test_cfg_policy_too_many_rules),
		cmocka_unit_test(test_cfg_policy_load_errors),
		cmocka_unit_test(test_cfg_policy_load_relative_deny_file),
		cmocka_unit_test(test_cfg_policy_load_invalid_sample),
	};

	return cmocka_run_group_tests_name("config_policy", tests, setup, teardown);
}
