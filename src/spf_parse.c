/*
 * spf_parse.c: the SPF record parser (RFC 7208 4.5, 4.6.1, 5, 6, 12).
 * It works on length-counted octets (a TXT record may hold NUL), keeps
 * the position of every term and names the offending term and column of
 * a syntax error.  It never touches DNS: it is a fuzzing target.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_spf.h"
#include "aa_xmalloc.h"

static const struct {
	const char	*name;
	enum aa_spf_kind kind;
} mechanisms[] = {
	{ "all", AA_SPF_ALL },
	{ "include", AA_SPF_INCLUDE },
	{ "a", AA_SPF_A },
	{ "mx", AA_SPF_MX },
	{ "ptr", AA_SPF_PTR },
	{ "ip4", AA_SPF_IP4 },
	{ "ip6", AA_SPF_IP6 },
	{ "exists", AA_SPF_EXISTS },
};

const char *
aa_spf_result_str(enum aa_spf_result r)
{
	static const char *const names[] = {
		"none", "neutral", "pass", "fail", "softfail", "temperror",
		"permerror"
	};

	if ((size_t)r >= sizeof(names) / sizeof(names[0]))
		return "permerror";
	return names[r];
}

bool
aa_spf_is_spf1(const char *rec, size_t len)
{
	/* RFC 7208 4.5: "v=spf1" then a space or the end; case-insensitive. */
	if (len < 6 || strncasecmp(rec, "v=spf1", 6) != 0)
		return false;
	return len == 6 || rec[6] == ' ';
}

static void set_error(struct aa_spf_error *, const struct aa_spf_pterm *,
    size_t, const char *, ...) __attribute__((format(printf, 4, 5)));

static void
set_error(struct aa_spf_error *err, const struct aa_spf_pterm *t,
    size_t off, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->off = off;
	err->term_off = t != NULL ? t->off : off;
	err->term_len = t != NULL ? t->len : 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static bool
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 7208 12: toplabel. */
static bool
toplabel_ok(const char *s, size_t len)
{
	bool alpha = false, dash = false;
	size_t i;

	if (len == 0 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			dash = true;
		else if (!is_alnum((unsigned char)s[i]))
			return false;
		else if (!isdigit((unsigned char)s[i]))
			alpha = true;
	}
	return alpha || dash;
}

/*
 * RFC 7208 12: domain-spec = macro-string domain-end, domain-end =
 * ( "." toplabel [ "." ] ) / macro-expand.  Returns the offset of the
 * error within s, or -1 when valid.
 */
static long
domain_spec_check(const char *s, size_t len)
{
	size_t bad, end, dot;
	unsigned letters;

	if (len == 0)
		return 0;
	if (aa_spf_macro_check(s, len, false, &bad, &letters) != AA_OK)
		return (long)bad;
	/* Ends with a macro-expand: "%{...}", "%%", "%_" or "%-". */
	if (s[len - 1] == '}')
		return -1;
	if (len >= 2 && s[len - 2] == '%' && strchr("%_-", s[len - 1])) {
		/* "%%%" ends with a literal... count the run of '%'. */
		size_t n = 0;

		while (n < len - 1 && s[len - 2 - n] == '%')
			n++;
		if (n % 2 == 1)
			return -1;
	}
	end = len;
	if (s[end - 1] == '.')
		end--;
	dot = end;
	while (dot > 0 && s[dot - 1] != '.')
		dot--;
	if (dot == 0 || !toplabel_ok(s + dot, end - dot))
		return (long)(dot == 0 ? 0 : dot);
	return -1;
}

/* "/N" with no leading zero and N <= max; -1 when malformed. */
static int
cidr_value(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 0 || len > 3 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Length of a trailing "/digits" in s[0..len), 0 when none. */
static size_t
trailing_slash_digits(const char *s, size_t len)
{
	size_t i = len;

	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == len || i == 0 || s[i - 1] != '/')
		return 0;
	return len - i + 1;
}

/*
 * Split a dual-cidr-length off the end of arg (RFC 7208 5.6).  Returns
 * the new argument length, or -1 on a malformed length.
 */
static long
split_cidr(const char *arg, size_t len, bool v4, bool v6, int *c4, int *c6,
    size_t *bad)
{
	size_t n;

	*c4 = *c6 = -1;
	if (v6 && (n = trailing_slash_digits(arg, len)) > 0 && len - n > 0 &&
	    arg[len - n - 1] == '/') {
		if ((*c6 = cidr_value(arg + len - n + 1, n - 1, 128)) < 0) {
			*bad = len - n;
			return -1;
		}
		len -= n + 1;
	}
	if (v4 && (n = trailing_slash_digits(arg, len)) > 0) {
		if ((*c4 = cidr_value(arg + len - n + 1, n - 1, 32)) < 0) {
			*bad = len - n;
			return -1;
		}
		len -= n;
	}
	return (long)len;
}

/* RFC 7208 12: ip4-network, strict dotted quad without leading zeros. */
static bool
ip4_parse(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0, part, digits;
	unsigned v;

	for (part = 0; part < 4; part++) {
		v = 0;
		digits = 0;
		while (i < len && isdigit((unsigned char)s[i]) && digits < 4) {
			if (digits == 1 && v == 0)
				return false;
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || v > 255)
			return false;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

static bool
ip6_parse(const char *s, size_t len, uint8_t out[16])
{
	char buf[64];
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return false;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.')
			return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

static enum aa_status
parse_ip(struct aa_spf_pterm *t, const char *rec, struct aa_spf_error *err)
{
	const char *arg = rec + t->arg_off;
	bool v4 = t->kind == AA_SPF_IP4;
	const char *name = v4 ? "ip4" : "ip6";
	size_t n = t->arg_len, k;
	int c;

	t->cidr4 = t->cidr6 = -1;
	if (!t->has_arg || t->arg_len == 0) {
		set_error(err, t, t->off, "%s needs an address", name);
		return AA_EPARSE;
	}
	/* RFC 7208 5.6: ip4-cidr-length 0-32, ip6-cidr-length 0-128. */
	if ((k = trailing_slash_digits(arg, n)) > 0) {
		if ((c = cidr_value(arg + n - k + 1, k - 1, v4 ? 32 : 128)) <
		    0) {
			set_error(err, t, t->arg_off + n - k,
			    "bad %s prefix length", name);
			return AA_EPARSE;
		}
		if (v4)
			t->cidr4 = c;
		else
			t->cidr6 = c;
		n -= k;
	}
	if (v4 ? !ip4_parse(arg, n, t->addr) : !ip6_parse(arg, n, t->addr)) {
		set_error(err, t, t->arg_off, "bad %s address", name);
		return AA_EPARSE;
	}
	t->arg_len = n;
	return AA_OK;
}

static enum aa_status
parse_domain_arg(struct aa_spf_pterm *t, const char *rec, bool cidr,
    const char *name, struct aa_spf_error *err)
{
	size_t bad = 0;
	long n, e;

	t->cidr4 = t->cidr6 = -1;
	/* Without ':' only a cidr may follow the name (a/24). */
	if (!t->has_arg && t->arg_len == 0)
		return AA_OK;
	if (cidr) {
		n = split_cidr(rec + t->arg_off, t->arg_len, true, true,
		    &t->cidr4, &t->cidr6, &bad);
		if (n < 0) {
			set_error(err, t, t->arg_off + bad,
			    "bad prefix length in %s", name);
			return AA_EPARSE;
		}
		t->arg_len = (size_t)n;
	}
	if (!t->has_arg) {
		if (t->arg_len != 0) {
			set_error(err, t, t->arg_off, "unexpected text after %s",
			    name);
			return AA_EPARSE;
		}
		return AA_OK;
	}
	if ((e = domain_spec_check(rec + t->arg_off, t->arg_len)) >= 0) {
		set_error(err, t, t->arg_off + (size_t)e,
		    "bad domain-spec in %s", name);
		return AA_EPARSE;
	}
	return AA_OK;
}

static enum aa_status
parse_mechanism(struct aa_spf_pterm *t, const char *rec, size_t start,
    struct aa_spf_error *err)
{
	const char *s = rec + start;
	size_t end = t->off + t->len, nlen = 0, i;

	while (start + nlen < end && s[nlen] != ':' && s[nlen] != '/')
		nlen++;
	for (i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++)
		if (strlen(mechanisms[i].name) == nlen &&
		    strncasecmp(s, mechanisms[i].name, nlen) == 0)
			break;
	if (i == sizeof(mechanisms) / sizeof(mechanisms[0])) {
		set_error(err, t, start, "unknown mechanism");
		return AA_EPARSE;
	}
	t->kind = mechanisms[i].kind;
	t->has_arg = start + nlen < end && s[nlen] == ':';
	t->arg_off = start + nlen + (t->has_arg ? 1 : 0);
	t->arg_len = end - t->arg_off;
	t->cidr4 = t->cidr6 = -1;
	switch (t->kind) {
	case AA_SPF_ALL:
		if (start + nlen != end) {
			set_error(err, t, start + nlen,
			    "%s takes no argument", "all");
			return AA_EPARSE;
		}
		return AA_OK;
	case AA_SPF_INCLUDE:
	case AA_SPF_EXISTS:
		t->dns = true;
		if (!t->has_arg) {
			set_error(err, t, start + nlen, "%s needs a domain",
			    mechanisms[i].name);
			return AA_EPARSE;
		}
		return parse_domain_arg(t, rec, false, mechanisms[i].name, err);
	case AA_SPF_PTR:
		t->dns = true;
		return parse_domain_arg(t, rec, false, "ptr", err);
	case AA_SPF_A:
	case AA_SPF_MX:
		t->dns = true;
		return parse_domain_arg(t, rec, true, mechanisms[i].name, err);
	case AA_SPF_IP4:
	case AA_SPF_IP6:
		return parse_ip(t, rec, err);
	default:
		break;
	}
	return AA_OK;
}

static enum aa_status
parse_modifier(struct aa_spf_record *r, struct aa_spf_pterm *t,
    size_t nlen, struct aa_spf_error *err)
{
	const char *s = r->text + t->off;
	size_t bad;
	long e;

	t->qualifier = 0;
	t->has_arg = true;
	t->arg_off = t->off + nlen + 1;
	t->arg_len = t->len - nlen - 1;
	t->cidr4 = t->cidr6 = -1;
	if (nlen == 8 && strncasecmp(s, "redirect", 8) == 0)
		t->kind = AA_SPF_REDIRECT;
	else if (nlen == 3 && strncasecmp(s, "exp", 3) == 0)
		t->kind = AA_SPF_EXP;
	else {
		/* RFC 7208 6: unknown modifiers are ignored, if well formed. */
		t->kind = AA_SPF_UNKNOWN_MOD;
		if (aa_spf_macro_check(r->text + t->arg_off, t->arg_len, true,
		    &bad, NULL) != AA_OK) {
			set_error(err, t, t->arg_off + bad,
			    "bad macro-string in modifier");
			return AA_EPARSE;
		}
		return AA_OK;
	}
	/* RFC 7208 6: redirect and exp at most once each. */
	if ((t->kind == AA_SPF_REDIRECT ? r->redirect : r->exp) >= 0) {
		set_error(err, t, t->off, "%s= appears twice",
		    t->kind == AA_SPF_REDIRECT ? "redirect" : "exp");
		return AA_EPARSE;
	}
	if ((e = domain_spec_check(r->text + t->arg_off, t->arg_len)) >= 0) {
		set_error(err, t, t->arg_off + (size_t)e,
		    "bad domain-spec in %s=",
		    t->kind == AA_SPF_REDIRECT ? "redirect" : "exp");
		return AA_EPARSE;
	}
	t->dns = t->kind == AA_SPF_REDIRECT;
	if (t->kind == AA_SPF_REDIRECT)
		r->redirect = (long)r->nterms;
	else
		r->exp = (long)r->nterms;
	return AA_OK;
}

static enum aa_status
parse_term(struct aa_spf_record *r, struct aa_spf_pterm *t,
    struct aa_spf_error *err)
{
	const char *s = r->text + t->off;
	size_t n = 0;

	/* RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
	if (isalpha((unsigned char)s[0])) {
		while (n < t->len && (is_alnum((unsigned char)s[n]) ||
		    s[n] == '-' || s[n] == '_' || s[n] == '.'))
			n++;
		if (n < t->len && s[n] == '=')
			return parse_modifier(r, t, n, err);
	}
	t->qualifier = '+';
	if (strchr("+-~?", s[0]) != NULL && s[0] != '\0') {
		t->qualifier = s[0];
		t->explicit_qual = true;
		if (t->len == 1) {
			set_error(err, t, t->off, "qualifier without a "
			    "mechanism");
			return AA_EPARSE;
		}
	}
	return parse_mechanism(t, r->text, t->off + (t->explicit_qual ? 1 : 0),
	    err);
}

void
aa_spf_record_free(struct aa_spf_record *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->terms);
	free(r);
}

static bool
term_chars_ok(const char *s, size_t len, size_t *bad)
{
	size_t i;

	/* RFC 7208 12: terms are visible ASCII; anything else is invalid. */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			*bad = i;
			return false;
		}
	return true;
}

enum aa_status
aa_spf_parse(const char *rec, size_t len, struct aa_spf_record **out,
    struct aa_spf_error *err)
{
	struct aa_spf_record *r;
	struct aa_spf_pterm *t;
	enum aa_status st = AA_OK;
	size_t i = 6, start, bad;

	*out = NULL;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (len > AA_SPF_MAX_RECORD) {
		/* Not read at all: no term or column to blame. */
		set_error(err, NULL, 0, "the record is %zu octets, over the "
		    "%d octets authaudit parses", len, AA_SPF_MAX_RECORD);
		return AA_ELIMIT;
	}
	if (!aa_spf_is_spf1(rec, len)) {
		set_error(err, NULL, 0, "not an SPF record (no v=spf1)");
		return AA_EPARSE;
	}
	r = aa_xcalloc(1, sizeof(*r));
	r->text = aa_xmalloc(len + 1);
	memcpy(r->text, rec, len);
	r->text[len] = '\0';
	r->len = len;
	r->redirect = r->exp = -1;
	while (i < len && st == AA_OK) {
		/* RFC 7208 4.6.1: terms are separated by spaces (SP) only. */
		if (r->text[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		while (i < len && r->text[i] != ' ')
			i++;
		if (r->nterms == AA_SPF_MAX_TERMS) {
			set_error(err, NULL, start, "more than %d terms",
			    AA_SPF_MAX_TERMS);
			st = AA_ELIMIT;
			break;
		}
		if (r->nterms % 16 == 0)
			r->terms = aa_xreallocarray(r->terms, r->nterms + 16,
			    sizeof(*r->terms));
		t = &r->terms[r->nterms];
		memset(t, 0, sizeof(*t));
		t->off = start;
		t->len = i - start;
		if (!term_chars_ok(r->text + start, t->len, &bad)) {
			set_error(err, t, start + bad,
			    "invalid character in term");
			st = AA_EPARSE;
			break;
		}
		if ((st = parse_term(r, t, err)) != AA_OK)
			break;
		if (t->kind == AA_SPF_ALL)
			r->has_all = true;
		r->nterms++;
	}
	if (st != AA_OK) {
		aa_spf_record_free(r);
		return st;
	}
	*out = r;
	return AA_OK;
}
