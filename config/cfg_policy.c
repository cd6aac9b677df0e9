/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Policy files (docs/policy.md). libconfig parses the text into a tree, through
 * cfg_text_open() like the node config; one walk checks every setting against the schema
 * below and builds a struct cfg_policy. The optional deny_file, a plain list of prefixes
 * that may hold a million lines, is not libconfig: it is read here line by line.
 *
 * Nothing stops at the first problem. Errors are recorded on the line of the setting they are
 * about and sorted by line at the end. An error inside the deny file is recorded on the line
 * of the deny_file setting, its message starting with the deny file's own name and line
 * ("policy.conf:4: list.txt:17: ..."), so that a struct cfg_errors still names one file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_priv.h"

#define WHERE_MAX 24       /* "rules[131071]" */
#define PREFIX_TEXT_MAX 64 /* longer than any prefix: 45 characters of IPv6, "/128" */
#define PORT_MAX 65535
#define LEN_MAX 65535
#define PPS_MAX 100000000LL     /* 100 Mpps: more than one node forwards */
#define BPS_MIN 1000LL          /* 1 kbit/s; lower limits are below one packet per second */
#define BPS_MAX 1000000000000LL /* 1 Tbit/s */
#define EXCEED_SECONDS_MAX 3600
#define BLOCK_SECONDS_MAX 2592000 /* 30 days */
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/* clang-format off */
static const char *const top_keys[] = {
	"mode", "default_action", "allow_prefixes", "deny_prefixes", "deny_file", "rules",
	"protection", NULL,
};
static const char *const rule_keys[] = {
	"name", "src", "dst", "proto", "src_port", "dst_port", "tcp_flags", "min_len", "max_len",
	"link_pair", "direction", "action", "per_source_pps", "per_source_bps", "aggregate_pps",
	"aggregate_bps", NULL,
};
static const char *const protection_keys[] = {
	"syn_flood", "udp_amplification", "icmp_flood", "fragments", "auto_block", NULL,
};
static const char *const syn_flood_keys[] = {
	"enabled", "per_source_pps", "per_destination_pps", NULL,
};
static const char *const udp_amp_keys[] = { "enabled", "src_ports", "min_len", NULL };
static const char *const icmp_flood_keys[] = { "enabled", "per_source_pps", NULL };
static const char *const auto_block_keys[] = {
	"enabled", "exceed_seconds", "block_seconds", NULL,
};
/* clang-format on */

/* The rate settings of a rule, in the order of struct cfg_rule. */
static const char *const rate_keys[] = {
	"per_source_pps",
	"per_source_bps",
	"aggregate_pps",
	"aggregate_bps",
};

/* The ports udp_amplification watches when its src_ports is left out. */
static const uint16_t amp_default_ports[] = { 19, 53, 123, 389, 1900, 11211 };

static const struct {
	const char *name;
	uint8_t bit;
} tcp_flag_names[] = {
	{ "fin", CFG_TCP_FIN }, { "syn", CFG_TCP_SYN }, { "rst", CFG_TCP_RST },
	{ "psh", CFG_TCP_PSH }, { "ack", CFG_TCP_ACK }, { "urg", CFG_TCP_URG },
	{ "ece", CFG_TCP_ECE }, { "cwr", CFG_TCP_CWR },
};

static const char *const action_names[] = {
	[CFG_ACTION_ALLOW] = "allow",
	[CFG_ACTION_DROP] = "drop",
	[CFG_ACTION_RATE_LIMIT] = "rate-limit",
	[CFG_ACTION_COUNT] = "count",
};

static const char *const direction_names[] = {
	[CFG_DIR_INBOUND] = "inbound",
	[CFG_DIR_OUTBOUND] = "outbound",
	[CFG_DIR_BOTH] = "both",
};

/* A growing array of prefixes. */
struct prefix_vec {
	size_t n, cap;
	struct cfg_prefix *v;
};

/* A rule name and where it is, for finding duplicates. */
struct rule_name {
	const char *name; /* the copy in struct cfg_rule */
	unsigned int idx;
};

struct policy_ctx {
	struct cfg_schema sc; /* the error list and the lines libconfig wrapped */
	struct cfg_policy *pol;
	const char *dir; /* what deny_file is relative to; NULL: the working directory */
	struct prefix_vec allow, deny;
	size_t n_prefixes; /* allow + deny prefixes found, kept or not */
	bool nomem;
};

/* Why a string is not a prefix. */
enum prefix_fault {
	PFX_OK,
	PFX_NOT_ADDRESS, /* not an IPv4 or IPv6 address before the '/' */
	PFX_BAD_LENGTH,  /* the length is not a number within the family's range */
	PFX_HOST_BITS,   /* a valid prefix but with bits set past its length */
};

/*
 * Parse the @len bytes at @s as a prefix. With PFX_HOST_BITS, *@out holds the prefix with the
 * host bits cleared, which is what the author most likely meant.
 */
static enum prefix_fault
prefix_parse(const char *s, size_t len, struct cfg_prefix *out)
{
	struct cfg_ifaddr a;
	bool host_bits = false;

	switch (cfg_addr_text_parse(s, len, &a)) {
	case CFG_ADDR_OK:
		break;
	case CFG_ADDR_BAD_LENGTH:
		return PFX_BAD_LENGTH;
	default:
		return PFX_NOT_ADDRESS;
	}
	memset(out, 0, sizeof(*out));
	out->family = a.family;
	out->len = a.len;
	for (unsigned int i = 0; i < (a.family == 4 ? 4u : 16u); i++) {
		unsigned int keep = a.len >= (i + 1) * 8 ? 8 : (a.len > i * 8 ? a.len - i * 8 : 0);
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		out->addr[i] = a.addr[i] & mask;
		host_bits |= (a.addr[i] & (uint8_t)~mask) != 0;
	}
	return host_bits ? PFX_HOST_BITS : PFX_OK;
}

int
cfg_prefix_parse(const char *s, struct cfg_prefix *out)
{
	struct cfg_prefix p;

	if (s == NULL || out == NULL)
		return -EINVAL;
	if (prefix_parse(s, strlen(s), &p) != PFX_OK)
		return -EINVAL;
	*out = p;
	return 0;
}

void
cfg_prefix_format(const struct cfg_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (buf == NULL || len == 0)
		return;
	if (p == NULL || (p->family != 4 && p->family != 6) ||
	    inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, addr, sizeof(addr)) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s/%u", addr, p->len);
}

const char *
cfg_action_name(enum cfg_action a)
{
	if ((unsigned int)a >= sizeof(action_names) / sizeof(action_names[0]))
		return "unknown";
	return action_names[a];
}

const char *
cfg_direction_name(enum cfg_direction d)
{
	if ((unsigned int)d >= sizeof(direction_names) / sizeof(direction_names[0]))
		return "unknown";
	return direction_names[d];
}

void
cfg_policy_defaults(struct cfg_policy *pol)
{
	struct cfg_protection *pr;

	if (pol == NULL)
		return;
	memset(pol, 0, sizeof(*pol));
	pol->mode = CFG_MODE_ENFORCE;
	pol->default_action = CFG_ACTION_ALLOW;
	/* Every protection is off; its settings hold what it uses once switched on. */
	pr = &pol->protection;
	pr->syn_flood.per_source_pps = 100;
	pr->syn_flood.per_destination_pps = 20000;
	pr->udp_amplification.n_src_ports =
		sizeof(amp_default_ports) / sizeof(amp_default_ports[0]);
	memcpy(pr->udp_amplification.src_ports, amp_default_ports, sizeof(amp_default_ports));
	pr->udp_amplification.min_len = 512;
	pr->icmp_flood.per_source_pps = 50;
	pr->drop_fragments = false;
	pr->auto_block.exceed_seconds = 3;
	pr->auto_block.block_seconds = 300;
}

void
cfg_policy_free(struct cfg_policy *pol)
{
	if (pol == NULL)
		return;
	free(pol->allow);
	free(pol->deny);
	free(pol->rules);
	free(pol);
}

static void
out_of_memory(struct policy_ctx *ctx)
{
	if (!ctx->nomem)
		cfg_error_add(ctx->sc.errs, 0, "out of memory while reading the policy");
	ctx->nomem = true;
}

/*
 * Keep @p in @vec. Past CFG_POLICY_MAX_PREFIXES prefixes in all only the count goes on, so
 * that an oversized policy costs no more memory than the largest valid one.
 */
static void
prefix_push(struct policy_ctx *ctx, struct prefix_vec *vec, const struct cfg_prefix *p)
{
	if (++ctx->n_prefixes > CFG_POLICY_MAX_PREFIXES || ctx->nomem)
		return;
	if (vec->n == vec->cap) {
		size_t cap = vec->cap > 0 ? vec->cap * 2 : 256;
		struct cfg_prefix *v = realloc(vec->v, cap * sizeof(*v));

		if (v == NULL) {
			out_of_memory(ctx);
			return;
		}
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = *p;
}

/*
 * The sentence that says why the @len bytes at @s are not a prefix (@fault from
 * prefix_parse(), @masked its suggestion), into @buf.
 */
static const char *
prefix_fault_text(char *buf, size_t size, const char *s, size_t len, enum prefix_fault fault,
                  const struct cfg_prefix *masked)
{
	char text[PREFIX_TEXT_MAX + 8], q[CFG_QUOTE_MAX], fixed[PREFIX_TEXT_MAX];
	size_t n = len < PREFIX_TEXT_MAX ? len : PREFIX_TEXT_MAX;

	/* Very long text is shown cut short, ending in "...". */
	memcpy(text, s, n);
	snprintf(text + n, sizeof(text) - n, "%s", len > n ? "..." : "");
	switch (fault) {
	case PFX_HOST_BITS:
		/* Only a valid prefix gets here: the text is plain ASCII, safe to print as is. */
		cfg_prefix_format(masked, fixed, sizeof(fixed));
		snprintf(buf, size, "%s has host bits set; did you mean %s?", text, fixed);
		break;
	case PFX_BAD_LENGTH:
		snprintf(buf, size,
		         "%s has a bad prefix length; after the '/' write 0 to 32 for IPv4 or 0 to "
		         "128 for IPv6",
		         cfg_quote(q, sizeof(q), text));
		break;
	default:
		snprintf(buf, size,
		         "%s is not a prefix; write an IPv4 or IPv6 prefix such as "
		         "\"198.51.100.0/24\" or \"2001:db8::/32\", or a single address",
		         cfg_quote(q, sizeof(q), text));
		break;
	}
	return buf;
}

/* A prefix setting (a string) into *@out; false when it is not one (reported). */
static bool
prefix_value(struct policy_ctx *ctx, const config_setting_t *s, const char *path,
             struct cfg_prefix *out)
{
	char msg[CFG_ERROR_MAX];
	enum prefix_fault fault;
	const char *v;

	if (!cfg_type_check(&ctx->sc, s, path, CONFIG_TYPE_STRING,
	                    "a string such as \"198.51.100.0/24\""))
		return false;
	v = config_setting_get_string(s);
	if (v == NULL)
		v = "";
	fault = prefix_parse(v, strlen(v), out);
	if (fault == PFX_OK)
		return true;
	cfg_error_add(ctx->sc.errs, cfg_line_of(s), "%s: %s", path,
	              prefix_fault_text(msg, sizeof(msg), v, strlen(v), fault, out));
	return false;
}

/* allow_prefixes or deny_prefixes: an array of prefix strings. */
static void
parse_prefix_list(struct policy_ctx *ctx, const config_setting_t *root, const char *key,
                  struct prefix_vec *vec)
{
	const config_setting_t *list = config_setting_get_member(root, key);
	int n;

	if (list == NULL ||
	    !cfg_list_check(
		    &ctx->sc, list, key,
		    "an array of prefixes, e.g. [ \"198.51.100.0/24\", \"2001:db8::/32\" ]"))
		return;
	n = config_setting_length(list);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
		char path[CFG_KEY_PATH_MAX];
		struct cfg_prefix p;

		snprintf(path, sizeof(path), "%s[%d]", key, i);
		if (s != NULL && prefix_value(ctx, s, path, &p))
			prefix_push(ctx, vec, &p);
	}
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The prefixes of the deny file's @text, one per line. @line is the deny_file setting's line:
 * every error goes there, its message led by "@shown:LINE:".
 */
static void
deny_file_scan(struct policy_ctx *ctx, const char *text, const char *shown, int line)
{
	const char *p = text;
	size_t lines = 0;
	int dline = 0;

	/* Refuse an oversized file whole, before parsing any of it. */
	for (const char *nl = text; (nl = strchr(nl, '\n')) != NULL; nl++)
		lines++;
	if (lines > CFG_DENY_FILE_MAX_LINES) {
		cfg_error_add(ctx->sc.errs, line,
		              "deny_file: %s has %zu lines; at most %u are allowed (one prefix per "
		              "line): split the list or aggregate its prefixes",
		              shown, lines, CFG_DENY_FILE_MAX_LINES);
		return;
	}
	/* cfg_text_read_max() ends a non-empty text with a newline. */
	for (const char *eol; (eol = strchr(p, '\n')) != NULL; p = eol + 1) {
		const char *s = p, *e = eol, *hash, *blank;
		char msg[CFG_ERROR_MAX];
		enum prefix_fault fault;
		struct cfg_prefix pfx;

		dline++;
		hash = memchr(s, '#', (size_t)(e - s));
		if (hash != NULL)
			e = hash;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e)
			continue;
		for (blank = s; blank < e && !is_blank(*blank); blank++)
			;
		if (blank < e) {
			char q[CFG_QUOTE_MAX], word[PREFIX_TEXT_MAX];
			size_t n =
				(size_t)(e - s) < sizeof(word) ? (size_t)(e - s) : sizeof(word) - 1;

			memcpy(word, s, n);
			word[n] = '\0';
			cfg_error_add(
				ctx->sc.errs, line,
				"%s:%d: %s holds more than one word; write one prefix per line "
				"(a '#' starts a comment)",
				shown, dline, cfg_quote(q, sizeof(q), word));
			continue;
		}
		fault = prefix_parse(s, (size_t)(e - s), &pfx);
		if (fault == PFX_OK) {
			prefix_push(ctx, &ctx->deny, &pfx);
			continue;
		}
		/*
		 * Past CFG_MAX_ERRORS cfg_error_add() only counts: a file of a million bad lines
		 * is not worded a million times.
		 */
		if (ctx->sc.errs->count >= CFG_MAX_ERRORS)
			cfg_error_add(ctx->sc.errs, line, "%s", "");
		else
			cfg_error_add(ctx->sc.errs, line, "%s:%d: %s", shown, dline,
			              prefix_fault_text(msg, sizeof(msg), s, (size_t)(e - s), fault,
			                                &pfx));
	}
}

/* deny_file: a file of prefixes, relative to the policy file's directory. */
static void
parse_deny_file(struct policy_ctx *ctx, const config_setting_t *root)
{
	char shown[PATH_MAX], q[CFG_QUOTE_MAX];
	struct cfg_errors *why;
	const char *name;
	struct stat st;
	char *text;
	int line = 0, rc;

	name = cfg_get_string(&ctx->sc, root, NULL, "deny_file", NULL, &line);
	if (name == NULL || !cfg_printable_check(&ctx->sc, line, "deny_file", name))
		return;
	if (name[0] == '\0') {
		cfg_error_add(
			ctx->sc.errs, line,
			"deny_file: must not be empty; name a file of prefixes, one per line, "
			"or leave deny_file out");
		return;
	}
	if (cfg_path_join(shown, sizeof(shown), ctx->dir, name) < 0) {
		cfg_error_add(ctx->sc.errs, line, "deny_file: the path %s is too long",
		              cfg_quote(q, sizeof(q), name));
		return;
	}
	/* A FIFO or a device would block or never end: only regular files are read. */
	if (stat(shown, &st) != 0) {
		cfg_error_add(ctx->sc.errs, line, "deny_file: cannot open %s: %s", shown,
		              strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_error_add(ctx->sc.errs, line,
		              "deny_file: %s is %s, not a regular file of prefixes", shown,
		              S_ISDIR(st.st_mode) ? "a directory" : "a special file");
		return;
	}
	why = malloc(sizeof(*why));
	if (why == NULL) {
		out_of_memory(ctx);
		return;
	}
	cfg_errors_init(why, shown);
	rc = cfg_text_read_max(shown, "deny file", CFG_DENY_FILE_SIZE_MAX, &text, why);
	if (rc == -ENOMEM) {
		out_of_memory(ctx);
	} else if (rc == -EFBIG) {
		cfg_error_add(ctx->sc.errs, line,
		              "deny_file: %s is larger than %u bytes; at most %u lines of prefixes "
		              "are read from one file",
		              shown, CFG_DENY_FILE_SIZE_MAX, CFG_DENY_FILE_MAX_LINES);
	} else if (rc < 0) {
		/* One error, in the reader's words: a NUL byte (on its line), a read error. */
		const struct cfg_error *e = &why->err[0];

		if (why->count == 0)
			cfg_error_add(ctx->sc.errs, line, "deny_file: cannot read %s: %s", shown,
			              strerror(-rc));
		else if (e->line > 0)
			cfg_error_add(ctx->sc.errs, line, "%s:%d: %s", shown, e->line, e->msg);
		else
			cfg_error_add(ctx->sc.errs, line, "deny_file: %s: %s", shown, e->msg);
	} else {
		deny_file_scan(ctx, text, shown, line);
		free(text);
	}
	free(why);
}

/*
 * The decimal number at *@p, moved past; false when there is none. Values past PORT_MAX
 * stop growing, so that a long run of digits cannot overflow.
 */
static bool
port_number(const char **p, unsigned long *out)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!cfg_is_digit(*s))
		return false;
	for (; cfg_is_digit(*s); s++)
		if (v <= PORT_MAX)
			v = v * 10 + (unsigned long)(*s - '0');
	*p = s;
	*out = v;
	return true;
}

/*
 * A port list, src_port or dst_port: an integer, or a string of ports and ranges separated by
 * commas ("80,443,1024-2047"). @return the number of ranges, 0 when absent or invalid.
 */
static unsigned int
parse_ports(struct policy_ctx *ctx, const config_setting_t *s, const char *path,
            struct cfg_port_range *out)
{
	const char *hint = "write ports and ranges separated by commas, e.g. \"80,443,1024-2047\"";
	char q[CFG_QUOTE_MAX];
	unsigned int n = 0;
	const char *v, *p;
	long long port;

	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		if (!cfg_int_value(&ctx->sc, s, path, 0, PORT_MAX, &port))
			return 0;
		out[0].lo = out[0].hi = (uint16_t)port;
		return 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(s),
		              "%s: must be a port number or a string of ports and ranges such as "
		              "\"80,443,1024-2047\", not %s",
		              path, cfg_type_name(s));
		return 0;
	}
	v = config_setting_get_string(s);
	p = v != NULL ? v : "";
	for (;;) {
		const char *lo_text, *hi_text;
		unsigned long lo, hi;

		while (*p == ' ')
			p++;
		lo_text = p;
		if (!port_number(&p, &lo))
			goto syntax;
		hi = lo;
		hi_text = lo_text;
		while (*p == ' ')
			p++;
		if (*p == '-') {
			p++;
			while (*p == ' ')
				p++;
			hi_text = p;
			if (!port_number(&p, &hi))
				goto syntax;
			while (*p == ' ')
				p++;
		}
		if (lo > PORT_MAX || hi > PORT_MAX) {
			const char *t = lo > PORT_MAX ? lo_text : hi_text;

			cfg_error_add(ctx->sc.errs, cfg_line_of(s),
			              "%s: port %.*s is out of range; ports go from 0 to %d", path,
			              (int)strspn(t, "0123456789"), t, PORT_MAX);
			return 0;
		}
		if (lo > hi) {
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: the range %lu-%lu is reversed; write the lower port first",
				path, lo, hi);
			return 0;
		}
		if (n == CFG_RULE_PORTS_MAX) {
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: more than %d ports and ranges; at most %d are allowed in "
				"one list (split the rule)",
				path, CFG_RULE_PORTS_MAX, CFG_RULE_PORTS_MAX);
			return 0;
		}
		out[n].lo = (uint16_t)lo;
		out[n].hi = (uint16_t)hi;
		n++;
		if (*p == '\0')
			return n;
		if (*p != ',')
			goto syntax;
		p++;
	}
syntax:
	cfg_error_add(ctx->sc.errs, cfg_line_of(s), "%s: %s is not a port list; %s", path,
	              cfg_quote(q, sizeof(q), v != NULL ? v : ""), hint);
	return 0;
}

/* tcp_flags: "syn,!ack": names that must be set, and with '!' names that must be clear. */
static bool
parse_tcp_flags(struct policy_ctx *ctx, const char *v, int line, const char *path,
                struct cfg_rule *r)
{
	static const char allowed[] =
		"allowed: fin, syn, rst, psh, ack, urg, ece, cwr, separated by "
		"commas, each with a leading '!' when the flag must be clear";
	size_t n_names = sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]);
	char q[CFG_QUOTE_MAX], qw[CFG_QUOTE_MAX];
	uint8_t set = 0, clear = 0;
	const char *p = v;

	for (;;) {
		const char *start;
		char word[16];
		bool neg = false;
		size_t len, i;

		while (*p == ' ')
			p++;
		if (*p == '!') {
			neg = true;
			p++;
		}
		start = p;
		p += strcspn(p, ", ");
		len = (size_t)(p - start);
		while (*p == ' ')
			p++;
		for (i = 0; i < n_names; i++)
			if (len == 3 && strncmp(start, tcp_flag_names[i].name, 3) == 0)
				break;
		snprintf(word, sizeof(word), "%.*s", (int)(len < 12 ? len : 12), start);
		if (len == 0) {
			cfg_error_add(ctx->sc.errs, line, "%s: %s has an empty flag; %s", path,
			              cfg_quote(q, sizeof(q), v), allowed);
			return false;
		}
		if (i == n_names) {
			cfg_error_add(ctx->sc.errs, line, "%s: %s in %s is not a TCP flag; %s",
			              path, cfg_quote(qw, sizeof(qw), word),
			              cfg_quote(q, sizeof(q), v), allowed);
			return false;
		}
		if (*p != '\0' && *p != ',') {
			cfg_error_add(ctx->sc.errs, line, "%s: %s: a comma must follow %s; %s",
			              path, cfg_quote(q, sizeof(q), v), word, allowed);
			return false;
		}
		if ((neg ? set : clear) & tcp_flag_names[i].bit) {
			cfg_error_add(ctx->sc.errs, line,
			              "%s: %s asks for %s both set and clear; give it once", path,
			              cfg_quote(q, sizeof(q), v), tcp_flag_names[i].name);
			return false;
		}
		if (neg)
			clear |= tcp_flag_names[i].bit;
		else
			set |= tcp_flag_names[i].bit;
		if (*p == '\0')
			break;
		p++;
	}
	r->tcp_flags = set;
	r->tcp_flags_mask = set | clear;
	return true;
}

/* "tcp", "udp", "icmp", "icmpv6" or the number of @proto, into @buf. */
static const char *
proto_text(char *buf, size_t size, uint8_t proto)
{
	const char *name = proto == PROTO_TCP      ? "tcp"
	                   : proto == PROTO_UDP    ? "udp"
	                   : proto == PROTO_ICMP   ? "icmp"
	                   : proto == PROTO_ICMPV6 ? "icmpv6"
	                                           : NULL;

	if (name != NULL)
		snprintf(buf, size, "\"%s\"", name);
	else
		snprintf(buf, size, "%u", proto);
	return buf;
}

/* The index of @v in @names (@n of them), or -1. */
static int
name_index(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], v) == 0)
			return (int)i;
	return -1;
}

/* A string setting that must be one of @names; its index, or -1 when absent or invalid. */
static int
get_choice(struct policy_ctx *ctx, const config_setting_t *grp, const char *where, const char *key,
           const char *hint, const char *const *names, size_t n)
{
	char path[CFG_KEY_PATH_MAX], q[CFG_QUOTE_MAX], list[CFG_LIST_MAX] = "";
	const char *v;
	int line = 0, i;

	v = cfg_get_string(&ctx->sc, grp, where, key, hint, &line);
	if (v == NULL)
		return -1;
	i = name_index(names, n, v);
	if (i >= 0)
		return i;
	for (size_t k = 0; k < n; k++)
		cfg_list_append(list, sizeof(list), names[k]);
	cfg_error_add(ctx->sc.errs, line, "%s: unknown value %s; allowed: %s",
	              cfg_path_of(path, sizeof(path), where, key), cfg_quote(q, sizeof(q), v),
	              list);
	return -1;
}

/* proto: a name or a protocol number, as an integer or a decimal string. -1 when invalid. */
static int
parse_proto(struct policy_ctx *ctx, const config_setting_t *s, const char *path)
{
	static const struct {
		const char *name;
		int proto;
	} names[] = {
		{ "tcp", PROTO_TCP },
		{ "udp", PROTO_UDP },
		{ "icmp", PROTO_ICMP },
		{ "icmpv6", PROTO_ICMPV6 },
	};
	char q[CFG_QUOTE_MAX];
	long long v;
	const char *str;
	size_t len;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64) {
			cfg_error_add(ctx->sc.errs, cfg_line_of(s),
			              "%s: must be \"tcp\", \"udp\", \"icmp\", \"icmpv6\" or a "
			              "protocol number from 0 to 255, not %s",
			              path, cfg_type_name(s));
			return -1;
		}
		return cfg_int_value(&ctx->sc, s, path, 0, 255, &v) ? (int)v : -1;
	}
	str = config_setting_get_string(s);
	if (str == NULL)
		str = "";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(str, names[i].name) == 0)
			return names[i].proto;
	len = strlen(str);
	if (len > 0 && len <= 3 && strspn(str, "0123456789") == len && atoi(str) <= 255)
		return atoi(str);
	cfg_error_add(ctx->sc.errs, cfg_line_of(s),
	              "%s: unknown protocol %s; allowed: tcp, udp, icmp, icmpv6 or a protocol "
	              "number from 0 to 255",
	              path, cfg_quote(q, sizeof(q), str));
	return -1;
}

/* One rule: @grp is rules[@idx]. */
static void
parse_rule(struct policy_ctx *ctx, const config_setting_t *grp, unsigned int idx,
           struct cfg_rule *r, bool *name_ok)
{
	const config_setting_t *s, *dst_s = NULL;
	char where[WHERE_MAX], path[CFG_KEY_PATH_MAX], a[PREFIX_TEXT_MAX], b[PREFIX_TEXT_MAX];
	char pt[16];
	uint64_t *rates[] = { &r->per_source_pps, &r->per_source_bps, &r->aggregate_pps,
		              &r->aggregate_bps };
	bool rate_seen = false, proto_given;
	int line = 0, i, act, family;
	const char *v;
	long long n;

	snprintf(where, sizeof(where), "rules[%u]", idx);
	r->line = cfg_line_of(grp);
	r->min_len = 0;
	r->max_len = LEN_MAX;
	r->direction = CFG_DIR_INBOUND;
	cfg_check_keys(&ctx->sc, grp, where, rule_keys);

	v = cfg_get_string(&ctx->sc, grp, where, "name",
	                   "give the rule a name, e.g. name = \"ssh\";", &line);
	if (v != NULL &&
	    cfg_name_check(&ctx->sc, line, cfg_path_of(path, sizeof(path), where, "name"), v,
	                   sizeof(r->name))) {
		snprintf(r->name, sizeof(r->name), "%s", v);
		*name_ok = true;
	}

	s = config_setting_get_member(grp, "src");
	if (s != NULL &&
	    prefix_value(ctx, s, cfg_path_of(path, sizeof(path), where, "src"), &r->src))
		r->has_src = true;
	s = config_setting_get_member(grp, "dst");
	if (s != NULL &&
	    prefix_value(ctx, s, cfg_path_of(path, sizeof(path), where, "dst"), &r->dst)) {
		r->has_dst = true;
		dst_s = s;
	}
	family = r->has_src ? r->src.family : (r->has_dst ? r->dst.family : 0);
	if (r->has_src && r->has_dst && r->src.family != r->dst.family) {
		cfg_prefix_format(&r->src, a, sizeof(a));
		cfg_prefix_format(&r->dst, b, sizeof(b));
		cfg_error_add(ctx->sc.errs, cfg_line_of(dst_s),
		              "%s: src %s is IPv%u but dst %s is IPv%u; a rule matches one address "
		              "family, so write one rule for each",
		              where, a, r->src.family, b, r->dst.family);
		family = 0;
	}

	s = config_setting_get_member(grp, "proto");
	proto_given = s != NULL;
	if (s != NULL) {
		i = parse_proto(ctx, s, cfg_path_of(path, sizeof(path), where, "proto"));
		if (i >= 0) {
			r->has_proto = true;
			r->proto = (uint8_t)i;
		}
		if ((i == PROTO_ICMP && family == 6) || (i == PROTO_ICMPV6 && family == 4))
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: %s is for IPv%d but the rule's %s is an IPv%d prefix; use "
				"proto = \"%s\"",
				path, i == PROTO_ICMP ? "icmp" : "icmpv6", i == PROTO_ICMP ? 4 : 6,
				r->has_src ? "src" : "dst", family,
				i == PROTO_ICMP ? "icmpv6" : "icmp");
	}

	for (int k = 0; k < 2; k++) {
		const char *key = k == 0 ? "src_port" : "dst_port";
		struct cfg_port_range *out = k == 0 ? r->src_ports : r->dst_ports;
		unsigned int *count = k == 0 ? &r->n_src_ports : &r->n_dst_ports;

		s = config_setting_get_member(grp, key);
		if (s == NULL)
			continue;
		cfg_path_of(path, sizeof(path), where, key);
		*count = parse_ports(ctx, s, path, out);
		if (r->has_proto && (r->proto == PROTO_TCP || r->proto == PROTO_UDP))
			continue;
		if (!proto_given)
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: ports need proto = \"tcp\" or \"udp\"; the rule has no proto",
				path);
		else if (r->has_proto)
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: ports need proto = \"tcp\" or \"udp\"; this rule's proto is "
				"%s",
				path, proto_text(pt, sizeof(pt), r->proto));
	}

	v = cfg_get_string(&ctx->sc, grp, where, "tcp_flags", NULL, &line);
	if (v != NULL) {
		cfg_path_of(path, sizeof(path), where, "tcp_flags");
		parse_tcp_flags(ctx, v, line, path, r);
		if (!proto_given)
			cfg_error_add(ctx->sc.errs, line,
			              "%s: TCP flags need proto = \"tcp\"; the rule has no proto",
			              path);
		else if (r->has_proto && r->proto != PROTO_TCP)
			cfg_error_add(ctx->sc.errs, line,
			              "%s: TCP flags need proto = \"tcp\"; this rule's proto is %s",
			              path, proto_text(pt, sizeof(pt), r->proto));
	}

	if (cfg_get_int(&ctx->sc, grp, where, "min_len", 0, LEN_MAX, &n))
		r->min_len = (uint16_t)n;
	if (cfg_get_int(&ctx->sc, grp, where, "max_len", 0, LEN_MAX, &n)) {
		r->max_len = (uint16_t)n;
		if (r->min_len > r->max_len)
			cfg_error_add(ctx->sc.errs,
			              cfg_line_of(config_setting_get_member(grp, "max_len")),
			              "%s: min_len %u is above max_len %u; no packet would match",
			              where, r->min_len, r->max_len);
	}

	v = cfg_get_string(&ctx->sc, grp, where, "link_pair", NULL, &line);
	if (v != NULL &&
	    cfg_name_check(&ctx->sc, line, cfg_path_of(path, sizeof(path), where, "link_pair"), v,
	                   sizeof(r->link_pair)))
		snprintf(r->link_pair, sizeof(r->link_pair), "%s", v);

	i = get_choice(ctx, grp, where, "direction", NULL, direction_names,
	               sizeof(direction_names) / sizeof(direction_names[0]));
	if (i >= 0)
		r->direction = (enum cfg_direction)i;

	act = get_choice(ctx, grp, where, "action",
	                 "say what the rule does: action = \"allow\", \"drop\", \"rate-limit\" "
	                 "or \"count\";",
	                 action_names, sizeof(action_names) / sizeof(action_names[0]));
	/* Without a valid action the policy is refused anyway; the rates are still checked. */
	if (act >= 0)
		r->action = (enum cfg_action)act;

	for (size_t k = 0; k < sizeof(rate_keys) / sizeof(rate_keys[0]); k++) {
		bool bps = rates[k] == &r->per_source_bps || rates[k] == &r->aggregate_bps;

		s = config_setting_get_member(grp, rate_keys[k]);
		if (s == NULL)
			continue;
		rate_seen = true;
		if (act >= 0 && r->action != CFG_ACTION_RATE_LIMIT) {
			cfg_error_add(
				ctx->sc.errs, cfg_line_of(s),
				"%s: only a rate-limit rule takes a rate; this rule's action is "
				"\"%s\"",
				cfg_path_of(path, sizeof(path), where, rate_keys[k]),
				cfg_action_name(r->action));
			continue;
		}
		if (cfg_get_int(&ctx->sc, grp, where, rate_keys[k], bps ? BPS_MIN : 1,
		                bps ? BPS_MAX : PPS_MAX, &n))
			*rates[k] = (uint64_t)n;
	}
	if (act == CFG_ACTION_RATE_LIMIT && !rate_seen)
		cfg_error_add(ctx->sc.errs, r->line,
		              "%s: a rate-limit rule needs a limit: set per_source_pps, "
		              "per_source_bps, aggregate_pps or aggregate_bps",
		              where);
}

static int
rule_name_cmp(const void *a, const void *b)
{
	const struct rule_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Rule names are unique: report every rule whose name an earlier rule has already. */
static void
check_rule_names(struct policy_ctx *ctx, const bool *name_ok)
{
	struct cfg_policy *pol = ctx->pol;
	struct rule_name *names;
	size_t n = 0;

	names = malloc(pol->n_rules * sizeof(*names));
	if (names == NULL) {
		out_of_memory(ctx);
		return;
	}
	for (size_t i = 0; i < pol->n_rules; i++)
		if (name_ok[i])
			names[n++] = (struct rule_name){ .name = pol->rules[i].name,
				                         .idx = (unsigned int)i };
	qsort(names, n, sizeof(*names), rule_name_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		char q[CFG_QUOTE_MAX];

		if (strcmp(names[i].name, names[first].name) != 0) {
			first = i;
			continue;
		}
		cfg_error_add(ctx->sc.errs, pol->rules[names[i].idx].line,
		              "rules[%u].name: duplicate rule name %s (first at line %d); rule "
		              "names are unique",
		              names[i].idx, cfg_quote(q, sizeof(q), names[i].name),
		              pol->rules[names[first].idx].line);
	}
	free(names);
}

static void
parse_rules(struct policy_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t *list = config_setting_get_member(root, "rules");
	struct cfg_policy *pol = ctx->pol;
	bool *name_ok;
	int n;

	if (list == NULL ||
	    !cfg_list_check(&ctx->sc, list, "rules",
	                    "a list of rule groups, e.g. ( { name = \"ssh\"; proto = \"tcp\"; "
	                    "dst_port = \"22\"; action = \"drop\"; } )"))
		return;
	n = config_setting_length(list);
	if (n <= 0)
		return;
	if (n > CFG_POLICY_MAX_RULES) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(list),
		              "rules: %d rules are defined; at most %d are allowed", n,
		              CFG_POLICY_MAX_RULES);
		n = CFG_POLICY_MAX_RULES;
	}
	pol->rules = calloc((size_t)n, sizeof(*pol->rules));
	name_ok = calloc((size_t)n, sizeof(*name_ok));
	if (pol->rules == NULL || name_ok == NULL) {
		free(name_ok);
		out_of_memory(ctx);
		return;
	}
	pol->n_rules = (size_t)n;
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned int)i);
		char where[WHERE_MAX];

		if (el == NULL)
			continue;
		snprintf(where, sizeof(where), "rules[%d]", i);
		pol->rules[i].line = cfg_line_of(el);
		if (cfg_type_check(&ctx->sc, el, where, CONFIG_TYPE_GROUP,
		                   "a group { name = ...; action = ...; }"))
			parse_rule(ctx, el, (unsigned int)i, &pol->rules[i], &name_ok[i]);
	}
	check_rule_names(ctx, name_ok);
	free(name_ok);
}

/* A protection subgroup: present means enabled unless it says enabled = false. */
static const config_setting_t *
protection_group(struct policy_ctx *ctx, const config_setting_t *grp, const char *key,
                 const char *const *keys, bool *enabled)
{
	const config_setting_t *s = cfg_get_group(&ctx->sc, grp, "protection", key, NULL);
	char where[CFG_KEY_PATH_MAX];

	if (s == NULL)
		return NULL;
	cfg_path_of(where, sizeof(where), "protection", key);
	cfg_check_keys(&ctx->sc, s, where, keys);
	*enabled = true;
	cfg_get_bool(&ctx->sc, s, where, "enabled", enabled);
	return s;
}

static void
parse_amp_ports(struct policy_ctx *ctx, const config_setting_t *list, struct cfg_protection *pr)
{
	const char *path = "protection.udp_amplification.src_ports";
	unsigned int count = 0;
	int n;

	if (!cfg_list_check(&ctx->sc, list, path, "an array of UDP source ports, e.g. [ 53, 123 ]"))
		return;
	n = config_setting_length(list);
	if (n == 0) {
		cfg_error_add(
			ctx->sc.errs, cfg_line_of(list),
			"%s: the list is empty; list at least one port, or set enabled = false",
			path);
		return;
	}
	if (n > CFG_AMP_PORTS_MAX) {
		cfg_error_add(ctx->sc.errs, cfg_line_of(list),
		              "%s: %d ports are listed; at most %d are allowed", path, n,
		              CFG_AMP_PORTS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned int)i);
		char p[CFG_KEY_PATH_MAX];
		long long v;

		snprintf(p, sizeof(p), "%s[%d]", path, i);
		if (s != NULL && cfg_int_value(&ctx->sc, s, p, 1, PORT_MAX, &v))
			pr->udp_amplification.src_ports[count++] = (uint16_t)v;
		else
			return;
	}
	pr->udp_amplification.n_src_ports = count;
}

static void
parse_protection(struct policy_ctx *ctx, const config_setting_t *root)
{
	struct cfg_protection *pr = &ctx->pol->protection;
	const config_setting_t *grp, *s;
	long long v;
	int i;

	grp = cfg_get_group(&ctx->sc, root, NULL, "protection", NULL);
	if (grp == NULL)
		return;
	cfg_check_keys(&ctx->sc, grp, "protection", protection_keys);

	s = protection_group(ctx, grp, "syn_flood", syn_flood_keys, &pr->syn_flood.enabled);
	if (s != NULL) {
		if (cfg_get_int(&ctx->sc, s, "protection.syn_flood", "per_source_pps", 1, PPS_MAX,
		                &v))
			pr->syn_flood.per_source_pps = (uint32_t)v;
		if (cfg_get_int(&ctx->sc, s, "protection.syn_flood", "per_destination_pps", 1,
		                PPS_MAX, &v))
			pr->syn_flood.per_destination_pps = (uint32_t)v;
	}
	s = protection_group(ctx, grp, "udp_amplification", udp_amp_keys,
	                     &pr->udp_amplification.enabled);
	if (s != NULL) {
		const config_setting_t *ports = config_setting_get_member(s, "src_ports");

		if (ports != NULL)
			parse_amp_ports(ctx, ports, pr);
		if (cfg_get_int(&ctx->sc, s, "protection.udp_amplification", "min_len", 0, LEN_MAX,
		                &v))
			pr->udp_amplification.min_len = (uint16_t)v;
	}
	s = protection_group(ctx, grp, "icmp_flood", icmp_flood_keys, &pr->icmp_flood.enabled);
	if (s != NULL &&
	    cfg_get_int(&ctx->sc, s, "protection.icmp_flood", "per_source_pps", 1, PPS_MAX, &v))
		pr->icmp_flood.per_source_pps = (uint32_t)v;
	i = get_choice(ctx, grp, "protection", "fragments", NULL,
	               (const char *const[]){ "allow", "drop" }, 2);
	if (i >= 0)
		pr->drop_fragments = i == 1;
	s = protection_group(ctx, grp, "auto_block", auto_block_keys, &pr->auto_block.enabled);
	if (s != NULL) {
		if (cfg_get_int(&ctx->sc, s, "protection.auto_block", "exceed_seconds", 1,
		                EXCEED_SECONDS_MAX, &v))
			pr->auto_block.exceed_seconds = (uint32_t)v;
		if (cfg_get_int(&ctx->sc, s, "protection.auto_block", "block_seconds", 1,
		                BLOCK_SECONDS_MAX, &v))
			pr->auto_block.block_seconds = (uint32_t)v;
	}
}

static void
parse_top(struct policy_ctx *ctx, const config_setting_t *root)
{
	static const char *const modes[] = {
		[CFG_MODE_ENFORCE] = "enforce", [CFG_MODE_MONITOR] = "monitor"
	};
	struct cfg_policy *pol = ctx->pol;
	int i;

	cfg_check_keys(&ctx->sc, root, NULL, top_keys);
	i = get_choice(ctx, root, NULL, "mode", NULL, modes, 2);
	if (i >= 0)
		pol->mode = (enum cfg_policy_mode)i;
	/* default_action takes allow or drop, the first two actions. */
	i = get_choice(ctx, root, NULL, "default_action", NULL, action_names, 2);
	if (i >= 0)
		pol->default_action = (enum cfg_action)i;
	parse_prefix_list(ctx, root, "allow_prefixes", &ctx->allow);
	parse_prefix_list(ctx, root, "deny_prefixes", &ctx->deny);
	parse_deny_file(ctx, root);
	if (ctx->n_prefixes > CFG_POLICY_MAX_PREFIXES)
		cfg_error_add(
			ctx->sc.errs, 0,
			"%zu prefixes in allow_prefixes, deny_prefixes and deny_file together; "
			"at most %u are allowed",
			ctx->n_prefixes, CFG_POLICY_MAX_PREFIXES);
	parse_rules(ctx, root);
	parse_protection(ctx, root);
}

static int
policy_parse(const char *text, const char *name, const char *dir, struct cfg_policy **out,
             struct cfg_errors *errs)
{
	struct policy_ctx ctx = { .sc.errs = errs, .dir = dir };
	config_t lc;
	int rc;

	ctx.pol = malloc(sizeof(*ctx.pol));
	if (ctx.pol == NULL) {
		cfg_error_add(errs, 0, "out of memory while reading the policy");
		return -ENOMEM;
	}
	cfg_policy_defaults(ctx.pol);
	snprintf(ctx.pol->file, sizeof(ctx.pol->file), "%s", name);

	/* Numbers libconfig wrapped are reported here already, and their lines noted. */
	rc = cfg_text_open(text, &lc, &ctx.sc.wrapped, errs);
	if (rc < 0)
		goto out_free;
	parse_top(&ctx, config_root_setting(&lc));
	config_destroy(&lc);
	ctx.pol->allow = ctx.allow.v;
	ctx.pol->n_allow = ctx.allow.n;
	ctx.pol->deny = ctx.deny.v;
	ctx.pol->n_deny = ctx.deny.n;
	ctx.allow.v = ctx.deny.v = NULL;
	cfg_errors_sort(errs);
	if (ctx.nomem)
		rc = -ENOMEM;
	else if (errs->count > 0 || errs->dropped > 0)
		rc = -EINVAL;
	if (rc == 0) {
		*out = ctx.pol;
		return 0;
	}
out_free:
	free(ctx.allow.v);
	free(ctx.deny.v);
	cfg_policy_free(ctx.pol);
	return rc;
}

int
cfg_policy_parse(const char *text, const char *name, const char *dir, struct cfg_policy **out,
                 struct cfg_errors *errs)
{
	struct cfg_errors *scratch = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (errs == NULL) {
		scratch = malloc(sizeof(*scratch));
		if (scratch == NULL)
			return -ENOMEM;
		errs = scratch;
	}
	if (name == NULL)
		name = "<string>";
	cfg_errors_init(errs, name);
	if (text == NULL || out == NULL) {
		cfg_error_add(errs, 0, "no policy text to parse");
		rc = -EINVAL;
	} else {
		rc = policy_parse(text, name, dir, out, errs);
	}
	free(scratch);
	return rc;
}

int
cfg_policy_load(const char *path, struct cfg_policy **out, struct cfg_errors *errs)
{
	struct cfg_errors *scratch = NULL;
	char *text = NULL, *dir = NULL;
	struct stat st;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (errs == NULL) {
		scratch = malloc(sizeof(*scratch));
		if (scratch == NULL)
			return -ENOMEM;
		errs = scratch;
	}
	cfg_errors_init(errs, path != NULL ? path : "<none>");
	if (path == NULL || out == NULL) {
		cfg_error_add(errs, 0, "no policy file given");
		rc = -EINVAL;
		goto out;
	}
	/* A FIFO or a device would block the caller or never end: only regular files. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		cfg_error_add(errs, 0, "is a special file, not a policy file");
		rc = -EINVAL;
		goto out;
	}
	rc = cfg_text_read_max(path, "policy file", CFG_POLICY_FILE_SIZE_MAX, &text, errs);
	if (rc < 0)
		goto out;
	/* deny_file is relative to the policy file's directory. */
	dir = cfg_dirname(path);
	if (dir == NULL) {
		cfg_error_add(errs, 0, "out of memory while reading the policy");
		rc = -ENOMEM;
		goto out;
	}
	rc = policy_parse(text, path, dir, out, errs);
out:
	free(dir);
	free(text);
	free(scratch);
	return rc;
}
