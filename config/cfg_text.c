/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guards between a config file and libconfig 1.5, shared by every parser in config/.
 * The file is read whole with a size limit; the text is then read a second time, token by
 * token the way libconfig's scanner reads it, so that what libconfig would mishandle is
 * refused or reported before or after it runs. Nothing here knows what a setting means.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_text.h"

#define NUMBER_SHOWN_MAX 24 /* digits of a huge number shown in a message */

/*
 * The line of the first "@include" directive libconfig would act on, or 0. libconfig opens
 * the named file when a line starts with it; Rampart's config files are self-contained, and
 * a parser fed untrusted text must not open files, so the directive is refused up front.
 */
static int
include_line(const char *text)
{
	bool line_start = true;
	int line = 1;

	for (const char *p = text; *p != '\0'; p++) {
		if (line_start) {
			const char *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (strncmp(q, "@include", 8) == 0)
				return line;
			line_start = false;
		}
		if (*p == '\n') {
			line++;
			line_start = true;
		}
	}
	return 0;
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || cfg_is_digit(c) || c == '-' || c == '_';
}

/*
 * A second reading of the text, token by token the way libconfig 1.5's scanner reads it, for
 * what libconfig itself gets wrong:
 *  - a syntax error found on a string token leaks that string inside libconfig, so such
 *    errors are found here first and libconfig is not run;
 *  - nesting is only bounded by bison's stack, and config_destroy() recurses as deep;
 *  - an integer without an L suffix is read into an int and what does not fit silently wraps
 *    (4294967297 comes out as 1).
 */
enum lex_tok {
	LX_EOF,
	LX_NAME,
	LX_BOOL,
	LX_INT,   /* decimal, which libconfig reads into an int */
	LX_INT64, /* decimal with an L suffix */
	LX_HEX,   /* read into an int as well */
	LX_HEX64,
	LX_FLOAT,
	LX_STRING,
	LX_EQUALS, /* '=' or ':' */
	LX_COMMA,
	LX_SEMICOLON,
	LX_GROUP_START,
	LX_GROUP_END,
	LX_ARRAY_START,
	LX_ARRAY_END,
	LX_LIST_START,
	LX_LIST_END,
	LX_GARBAGE,
};

struct lexer {
	const char *p;   /* the next character */
	int line;        /* the scanner's line after the last token, as libconfig counts */
	const char *tok; /* the last token */
	size_t tok_len;
};

/* Length of the float libconfig's scanner would match at @p, 0 when there is none. */
static size_t
float_len(const char *p)
{
	const char *s = p, *digits;
	bool whole, frac = false;

	if (*s == '-' || *s == '+')
		s++;
	for (digits = s; cfg_is_digit(*s); s++)
		;
	whole = s > digits;
	if (*s == '.') {
		for (s++; cfg_is_digit(*s); s++)
			;
		frac = true;
	}
	if (!whole && !frac)
		return 0;
	if (*s == 'e' || *s == 'E') {
		const char *e = s + 1;

		if (*e == '-' || *e == '+')
			e++;
		if (cfg_is_digit(*e)) {
			while (cfg_is_digit(*e))
				e++;
			s = e;
		} else if (!frac) {
			return 0;
		}
	} else if (!frac) {
		return 0;
	}
	return (size_t)(s - p);
}

/* The longest number token at @p, as flex picks it; 0 when none starts there. */
static size_t
number_len(const char *p, enum lex_tok *tok)
{
	size_t best = float_len(p), n = 0;

	*tok = LX_FLOAT;
	if (p[n] == '-' || p[n] == '+')
		n++;
	if (cfg_is_digit(p[n])) {
		while (cfg_is_digit(p[n]))
			n++;
		if (p[n] == 'L') {
			n += p[n + 1] == 'L' ? 2 : 1;
			if (n > best) {
				best = n;
				*tok = LX_INT64;
			}
		} else if (n > best) {
			best = n;
			*tok = LX_INT;
		}
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && cfg_is_xdigit(p[2])) {
		for (n = 2; cfg_is_xdigit(p[n]); n++)
			;
		if (p[n] == 'L') {
			n += p[n + 1] == 'L' ? 2 : 1;
			if (n > best) {
				best = n;
				*tok = LX_HEX64;
			}
		} else if (n > best) {
			best = n;
			*tok = LX_HEX;
		}
	}
	return best;
}

static enum lex_tok
lex_next(struct lexer *lx)
{
	for (;;) {
		const char *p = lx->p;
		enum lex_tok tok;
		size_t n;

		lx->tok = p;
		switch (*p) {
		case '\0':
			lx->tok_len = 0;
			return LX_EOF;
		case '\n':
			lx->line++;
			/* fall through */
		case '\r':
		case '\f':
		case ' ':
		case '\t':
			lx->p++;
			continue;
		case '"':
			for (p++; *p != '"'; p++) {
				/* A string open at the end of the text is dropped, not a token. */
				if (*p == '\0') {
					lx->p = p;
					lx->tok = p;
					lx->tok_len = 0;
					return LX_EOF;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				else if (*p == '\n')
					lx->line++;
			}
			lx->p = p + 1;
			lx->tok_len = (size_t)(lx->p - lx->tok);
			return LX_STRING;
		case '/':
			if (p[1] == '*') {
				/* A comment open at the end of the text simply ends it. */
				for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/'); p++)
					if (*p == '\n')
						lx->line++;
				lx->p = *p != '\0' ? p + 2 : p;
				continue;
			}
			if (p[1] != '/')
				break;
			/* fall through */
		case '#': {
			/* A line comment needs the newline that ends it. */
			const char *nl = strchr(p, '\n');

			if (nl == NULL)
				break;
			lx->p = nl;
			continue;
		}
		case '=':
		case ':':
			tok = LX_EQUALS;
			goto single;
		case ',':
			tok = LX_COMMA;
			goto single;
		case ';':
			tok = LX_SEMICOLON;
			goto single;
		case '{':
			tok = LX_GROUP_START;
			goto single;
		case '}':
			tok = LX_GROUP_END;
			goto single;
		case '[':
			tok = LX_ARRAY_START;
			goto single;
		case ']':
			tok = LX_ARRAY_END;
			goto single;
		case '(':
			tok = LX_LIST_START;
			goto single;
		case ')':
			tok = LX_LIST_END;
			goto single;
		default:
			break;
		}
		if (is_name_start(*p)) {
			for (n = 1; is_name_char(p[n]); n++)
				;
			tok = LX_NAME;
			if ((n == 4 && strncasecmp(p, "true", 4) == 0) ||
			    (n == 5 && strncasecmp(p, "false", 5) == 0))
				tok = LX_BOOL;
			lx->p = p + n;
			lx->tok_len = n;
			return tok;
		}
		n = number_len(p, &tok);
		if (n > 0) {
			lx->p = p + n;
			lx->tok_len = n;
			return tok;
		}
		tok = LX_GARBAGE;
	single:
		lx->p = p + 1;
		lx->tok_len = 1;
		return tok;
	}
}

static bool
lex_is_scalar(enum lex_tok t)
{
	return t == LX_BOOL || t == LX_INT || t == LX_INT64 || t == LX_HEX || t == LX_HEX64 ||
	       t == LX_FLOAT || t == LX_STRING;
}

enum syn_result {
	SYN_OK,
	SYN_ERROR,        /* a syntax error libconfig would report too */
	SYN_STRING_ERROR, /* one on a string token, which libconfig must not see */
	SYN_TOO_DEEP,
};

enum syn_state {
	ST_SETTING, /* a setting name, or the end of the group or file */
	ST_EQUALS,
	ST_LIST_FIRST, /* a value or ')' */
	ST_VALUE,
	ST_SCALAR,      /* an array element */
	ST_ARRAY_FIRST, /* a scalar or ']' */
	ST_AFTER_VALUE, /* what follows a whole value depends on what holds it */
};

enum syn_context {
	CTX_TOP,
	CTX_GROUP,
	CTX_LIST,
	CTX_ARRAY,
};

/*
 * Walk the tokens through libconfig's grammar, which is:
 *   file = setting* ;  setting = NAME ('=' | ':') value [';' | ','] ;
 *   value = scalar | '[' [scalar {',' scalar}] ']' | '(' [value {',' value}] ')'
 *           | '{' setting* '}' ;
 *   scalar = BOOL | INT | INT64 | HEX | HEX64 | FLOAT | STRING {STRING} ;
 * On an error, *@line is the line libconfig reports for it: where its scanner stands after
 * the offending token.
 */
static enum syn_result
syntax_check(const char *text, int *line)
{
	unsigned char stack[CFG_TEXT_NEST_MAX + 1];
	struct lexer lx = { .p = text, .line = 1 };
	enum syn_state state = ST_SETTING;
	unsigned int depth = 0;
	bool in_string = false;
	enum lex_tok t;

	stack[0] = CTX_TOP;
	t = lex_next(&lx);
	for (;;) {
		switch (state) {
		case ST_SETTING:
			if (t == LX_NAME) {
				state = ST_EQUALS;
				break;
			}
			if (t == LX_EOF && stack[depth] == CTX_TOP)
				return SYN_OK;
			if (t == LX_GROUP_END && stack[depth] == CTX_GROUP) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			goto error;
		case ST_EQUALS:
			if (t != LX_EQUALS)
				goto error;
			state = ST_VALUE;
			break;
		case ST_LIST_FIRST:
			if (t == LX_LIST_END) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			/* fall through */
		case ST_VALUE:
			if (t == LX_GROUP_START || t == LX_LIST_START || t == LX_ARRAY_START) {
				if (depth == CFG_TEXT_NEST_MAX) {
					*line = lx.line;
					return SYN_TOO_DEEP;
				}
				depth++;
				if (t == LX_GROUP_START) {
					stack[depth] = CTX_GROUP;
					state = ST_SETTING;
				} else if (t == LX_LIST_START) {
					stack[depth] = CTX_LIST;
					state = ST_LIST_FIRST;
				} else {
					stack[depth] = CTX_ARRAY;
					state = ST_ARRAY_FIRST;
				}
				break;
			}
			/* fall through */
		case ST_SCALAR:
			if (!lex_is_scalar(t))
				goto error;
			in_string = t == LX_STRING;
			state = ST_AFTER_VALUE;
			break;
		case ST_ARRAY_FIRST:
			if (t == LX_ARRAY_END) {
				depth--;
				state = ST_AFTER_VALUE;
				break;
			}
			if (!lex_is_scalar(t))
				goto error;
			in_string = t == LX_STRING;
			state = ST_AFTER_VALUE;
			break;
		case ST_AFTER_VALUE:
			/* Adjacent strings are one value. */
			if (t == LX_STRING && in_string)
				break;
			in_string = false;
			if (stack[depth] == CTX_TOP || stack[depth] == CTX_GROUP) {
				state = ST_SETTING;
				if (t == LX_SEMICOLON || t == LX_COMMA)
					break;
				/* The terminator is optional: this token starts what comes next. */
				continue;
			}
			if (t == LX_COMMA) {
				state = stack[depth] == CTX_LIST ? ST_VALUE : ST_SCALAR;
				break;
			}
			if ((t == LX_LIST_END && stack[depth] == CTX_LIST) ||
			    (t == LX_ARRAY_END && stack[depth] == CTX_ARRAY)) {
				depth--;
				break;
			}
			goto error;
		}
		t = lex_next(&lx);
	}
error:
	*line = lx.line;
	return t == LX_STRING ? SYN_STRING_ERROR : SYN_ERROR;
}

/*
 * Report every number libconfig read into an int but which does not fit in one, and note
 * its line in @wrapped (when not NULL) so the wrapped value it left in the tree is not
 * checked again.
 */
static void
overflow_scan(const char *text, struct cfg_text_wrapped *wrapped, struct cfg_errors *errs)
{
	struct lexer lx = { .p = text, .line = 1 };
	enum lex_tok t;

	while ((t = lex_next(&lx)) != LX_EOF) {
		unsigned long long v = 0, limit = 0x7fffffff;
		const char *s = lx.tok;
		bool big = false;
		int len;

		if (t == LX_HEX) {
			for (s += 2; cfg_is_xdigit(*s) && !big; s++) {
				v = v * 16 + (unsigned long long)cfg_xdigit_value(*s);
				big = v > limit;
			}
		} else if (t == LX_INT) {
			if (*s == '-' || *s == '+')
				limit += *s++ == '-';
			for (; cfg_is_digit(*s) && !big; s++) {
				v = v * 10 + (unsigned long long)(*s - '0');
				big = v > limit;
			}
		}
		if (!big)
			continue;
		len = (int)lx.tok_len;
		cfg_error_add(
			errs, lx.line,
			"the number %.*s%s is out of range; no setting takes a number this large",
			len > NUMBER_SHOWN_MAX ? NUMBER_SHOWN_MAX : len, lx.tok,
			len > NUMBER_SHOWN_MAX ? "..." : "");
		if (wrapped != NULL && wrapped->count < CFG_TEXT_WRAPPED_MAX)
			wrapped->line[wrapped->count++] = lx.line;
	}
}

int
cfg_text_open(const char *text, config_t *lc, struct cfg_text_wrapped *wrapped,
              struct cfg_errors *errs)
{
	char *copy = NULL;
	int line, rc = -EINVAL;
	size_t len;

	if (wrapped != NULL)
		wrapped->count = 0;
	if (text == NULL || lc == NULL) {
		cfg_error_add(errs, 0, "no config text to parse");
		return -EINVAL;
	}
	line = include_line(text);
	if (line > 0) {
		cfg_error_add(errs, line,
		              "@include is not supported; put every setting in this one file");
		return -EINVAL;
	}
	/*
	 * libconfig 1.5 ends a '#' or '//' comment only at a newline, so a comment on the last
	 * line of a file without a final newline is a syntax error: supply the newline.
	 */
	len = strlen(text);
	if (len > 0 && text[len - 1] != '\n') {
		copy = malloc(len + 2);
		if (copy == NULL) {
			cfg_error_add(errs, 0, "out of memory while reading the config");
			return -ENOMEM;
		}
		memcpy(copy, text, len);
		copy[len] = '\n';
		copy[len + 1] = '\0';
		text = copy;
	}

	switch (syntax_check(text, &line)) {
	case SYN_STRING_ERROR:
		cfg_error_add(errs, line, "not valid libconfig syntax: syntax error");
		goto out_free_copy;
	case SYN_TOO_DEEP:
		cfg_error_add(errs, line,
		              "settings nested more than %d levels deep; no Rampart setting needs "
		              "more than 3",
		              CFG_TEXT_NEST_MAX);
		goto out_free_copy;
	default:
		/* Anything else libconfig reports in its own words. */
		break;
	}
	config_init(lc);
	if (config_read_string(lc, text) != CONFIG_TRUE) {
		const char *why = config_error_text(lc);

		cfg_error_add(errs, config_error_line(lc), "not valid libconfig syntax: %s",
		              why != NULL ? why : "parse error");
		config_destroy(lc);
		goto out_free_copy;
	}
	overflow_scan(text, wrapped, errs);
	rc = 0;
out_free_copy:
	/* libconfig copied what it keeps: the tree does not point into the text. */
	free(copy);
	return rc;
}

bool
cfg_text_wrapped_has(const struct cfg_text_wrapped *wrapped, const config_setting_t *s)
{
	unsigned short line;

	if (wrapped == NULL || s == NULL)
		return false;
	line = (unsigned short)config_setting_source_line(s);
	for (unsigned int i = 0; i < wrapped->count && i < CFG_TEXT_WRAPPED_MAX; i++)
		if ((unsigned short)wrapped->line[i] == line)
			return true;
	return false;
}

/*
 * Read all of @fd, at most @max bytes, into a buffer; add a newline when the text is not
 * empty and does not end with one, then a NUL. *@out_len counts the newline. @hint is the
 * size the file says it has: the buffer starts that large, so a big file is read without
 * copying it again and again.
 */
static int
read_text(int fd, size_t max, size_t hint, char **out, size_t *out_len)
{
	size_t len = 0, cap = hint < max ? hint + 2 : max + 2;
	char *buf;

	if (cap < 4096)
		cap = 4096;
	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nbuf;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			nbuf = realloc(buf, cap * 2);
			if (nbuf == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;

			free(buf);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	/* The loop left len + 1 < cap: there is room for both. */
	if (len > 0 && buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

int
cfg_text_read_max(const char *path, const char *kind, size_t max, char **text,
                  struct cfg_errors *errs)
{
	char *buf = NULL;
	struct stat st;
	const char *nul;
	size_t len = 0, hint = 0;
	int fd, rc;

	if (text == NULL || path == NULL) {
		cfg_error_add(errs, 0, "no config file given");
		return -EINVAL;
	}
	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		cfg_error_add(errs, 0, "cannot open the config file: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		cfg_error_add(errs, 0, "cannot stat the config file: %s", strerror(-rc));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		cfg_error_add(errs, 0, "is a directory, not a config file");
		goto out_close;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		hint = (size_t)st.st_size;
	/* A regular file says how large it is: no need to read it to refuse it. */
	rc = S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max
	             ? -EFBIG
	             : read_text(fd, max, hint, &buf, &len);
	if (rc == -EFBIG) {
		cfg_error_add(errs, 0, "the file is larger than %zu bytes; a %s is far smaller",
		              max, kind != NULL ? kind : "config file");
		goto out_close;
	}
	if (rc < 0) {
		cfg_error_add(errs, 0, "cannot read the config file: %s", strerror(-rc));
		goto out_close;
	}
	nul = memchr(buf, '\0', len);
	if (nul != NULL) {
		int line = 1;

		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		cfg_error_add(errs, line, "the file contains a NUL byte; a config file is text");
		free(buf);
		rc = -EINVAL;
		goto out_close;
	}
	*text = buf;
out_close:
	close(fd);
	return rc;
}

int
cfg_text_read(const char *path, const char *kind, char **text, struct cfg_errors *errs)
{
	return cfg_text_read_max(path, kind, CFG_FILE_SIZE_MAX, text, errs);
}
