/*
 * dmarc_record.c: the DMARC record parser and lint (RFC 7489 6.3 and 6.4,
 * with the tags RFC 9989 adds: np, t, psd).  It reads exactly len octets
 * and allocates nothing; findings go into fixed arrays of the result.
 *
 * Rules: v=DMARC1 must come first, exactly (RFC 7489 6.3; the value is
 * case-sensitive, the tag name is an ABNF literal and is not).  Tag values
 * are case-insensitive keywords.  Unknown tags are ignored (6.3).  A
 * syntax error in another tag discards that tag in favour of its default
 * (6.3: "Syntax errors in the remainder of the record SHOULD be discarded
 * in favor of default values").  A record without a valid p, or with an
 * invalid sp, is usable only when it has a valid rua, as p=none (6.6.3
 * step 6).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "aa_dmarc.h"

#define MAX_PCT		100
#define MAX_RI		4294967295ULL	/* ri is a 32-bit unsigned integer */

enum tag {
	T_P = 0, T_SP, T_NP, T_ADKIM, T_ASPF, T_PCT, T_FO, T_RF, T_RI,
	T_RUA, T_RUF, T_T, T_PSD, T_NTAGS
};

static const char *const tag_names[T_NTAGS] = {
	"p", "sp", "np", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua",
	"ruf", "t", "psd"
};

struct parser {
	const char	*s;
	size_t		 len;
	struct aa_dmarc_record *r;
};

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static struct aa_dmarc_span
span(size_t off, size_t len)
{
	struct aa_dmarc_span sp = { off, len };

	return sp;
}

/* Case-insensitive comparison of a span with a lower-case keyword. */
static bool
span_is(const struct parser *p, struct aa_dmarc_span v, const char *kw)
{
	size_t i;

	if (v.len != strlen(kw))
		return false;
	for (i = 0; i < v.len; i++)
		if (lower(p->s[v.off + i]) != kw[i])
			return false;
	return true;
}

/* Trim WSP at both ends of [off, off + len). */
static struct aa_dmarc_span
trim(const struct parser *p, size_t off, size_t len)
{
	while (len > 0 && is_wsp(p->s[off])) {
		off++;
		len--;
	}
	while (len > 0 && is_wsp(p->s[off + len - 1]))
		len--;
	return span(off, len);
}

static struct aa_dmarc_issue *
issue(struct parser *p, enum aa_code code, const char *tag, const char *what,
    struct aa_dmarc_span value)
{
	struct aa_dmarc_record *r = p->r;
	struct aa_dmarc_issue *is;
	size_t n;

	if (r->nissues == AA_DMARC_MAX_ISSUES) {
		r->issues_dropped++;
		return NULL;
	}
	is = &r->issues[r->nissues++];
	is->code = code;
	n = strlen(tag);
	if (n > AA_DMARC_TAG_LEN)
		n = AA_DMARC_TAG_LEN;
	memcpy(is->tag, tag, n);
	is->tag[n] = '\0';
	is->what = what;
	is->value = value;
	return is;
}

/* The same with the tag name taken from the record. */
static void
issue_name(struct parser *p, enum aa_code code, struct aa_dmarc_span name,
    const char *what, struct aa_dmarc_span value)
{
	char tag[AA_DMARC_TAG_LEN + 1];
	size_t i, n = name.len > AA_DMARC_TAG_LEN ? AA_DMARC_TAG_LEN :
	    name.len;

	for (i = 0; i < n; i++)
		tag[i] = lower(p->s[name.off + i]);
	tag[n] = '\0';
	issue(p, code, tag, what, value);
}

/*
 * RFC 7489 6.3: dmarc-version = "v" *WSP "=" *WSP %x44.4d.41.52.43.31,
 * first in the record, followed by a separator or the end.  Returns the
 * offset after the version (at the ';' or the end), or 0 when the text
 * is not a DMARC record.
 */
static size_t
version(const struct parser *p)
{
	size_t i = 1;

	if (p->len < 1 || lower(p->s[0]) != 'v')
		return 0;
	while (i < p->len && is_wsp(p->s[i]))
		i++;
	if (i == p->len || p->s[i] != '=')
		return 0;
	i++;
	while (i < p->len && is_wsp(p->s[i]))
		i++;
	if (p->len - i < 6 || memcmp(p->s + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	while (i < p->len && is_wsp(p->s[i]))
		i++;
	if (i < p->len && p->s[i] != ';')
		return 0;
	return i;
}

static enum aa_dmarc_pol
policy(const struct parser *p, struct aa_dmarc_span v)
{
	if (span_is(p, v, "none"))
		return AA_DMARC_POL_NONE;
	if (span_is(p, v, "quarantine"))
		return AA_DMARC_POL_QUARANTINE;
	if (span_is(p, v, "reject"))
		return AA_DMARC_POL_REJECT;
	return AA_DMARC_POL_INVALID;
}

/* An unsigned decimal of at most maxdig digits; false when it is not. */
static bool
number(const struct parser *p, struct aa_dmarc_span v, size_t maxdig,
    unsigned long long *out)
{
	unsigned long long n = 0;
	size_t i;

	if (v.len == 0 || v.len > maxdig)
		return false;
	for (i = 0; i < v.len; i++) {
		if (!is_digit(p->s[v.off + i]))
			return false;
		n = n * 10 + (unsigned long long)(p->s[v.off + i] - '0');
	}
	*out = n;
	return true;
}

/*
 * A colon-separated list whose items are all in words (RFC 7489 6.3 fo
 * and rf); WSP around items is allowed.
 */
static bool
word_list(const struct parser *p, struct aa_dmarc_span v,
    const char *const *words)
{
	size_t i = 0, start;
	struct aa_dmarc_span item;
	const char *const *w;

	if (v.len == 0)
		return false;
	for (;;) {
		start = i;
		while (i < v.len && p->s[v.off + i] != ':')
			i++;
		item = trim(p, v.off + start, i - start);
		for (w = words; *w != NULL; w++)
			if (span_is(p, item, *w))
				break;
		if (*w == NULL)
			return false;
		if (i == v.len)
			return true;
		i++;
	}
}

static bool
domain_ok(const struct parser *p, struct aa_dmarc_span d)
{
	size_t i, label = 0;
	char c;

	if (d.len == 0 || d.len > 253)
		return false;
	for (i = 0; i < d.len; i++) {
		c = p->s[d.off + i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 || d.len > 1;
}

/*
 * One dmarc-uri of rua or ruf (RFC 7489 6.2 and 6.3): a URI, optionally
 * "!" 1*DIGIT [k/m/g/t].  A mailto: URI needs an addr-spec whose domain
 * we keep for the external-destination check (7.1).  http and https are
 * URIs RFC 7489 permits; RFC 9989 keeps only mailto.
 */
static void
one_uri(struct parser *p, bool ruf, struct aa_dmarc_span u)
{
	struct aa_dmarc_record *r = p->r;
	struct aa_dmarc_uri *du;
	const char *tag = ruf ? "ruf" : "rua";
	size_t i, bang = u.len, at, q, nd;

	for (i = u.len; i > 0; i--)
		if (p->s[u.off + i - 1] == '!') {
			bang = i - 1;
			break;
		}
	if (bang < u.len) {
		nd = u.len - bang - 1;
		if (nd > 0 && strchr("kmgtKMGT", p->s[u.off + u.len - 1]) !=
		    NULL)
			nd--;
		for (i = 0; i < nd; i++)
			if (!is_digit(p->s[u.off + bang + 1 + i]))
				break;
		if (nd == 0 || i < nd) {
			issue(p, AA_F_DMARC_RUA_INVALID, tag,
			    "the size limit after '!' is not 1*DIGIT [k/m/g/t]",
			    u);
			return;
		}
		u.len = bang;
	}
	if (r->nuris == AA_DMARC_MAX_URIS) {
		r->uris_dropped++;
		return;
	}
	du = &r->uris[r->nuris++];
	du->ruf = ruf;
	du->uri = u;
	for (i = 0; i < u.len; i++) {
		char c = p->s[u.off + i];

		if ((unsigned char)c <= ' ' || c == 0x7F || c == '"' ||
		    c == '<' || c == '>' || c == '\\')
			break;
	}
	if (i < u.len) {
		issue(p, AA_F_DMARC_RUA_INVALID, tag,
		    "the URI holds a space, a control character or a "
		    "character URIs do not allow", u);
		return;
	}
	if (u.len > 7 && span_is(p, span(u.off, 7), "mailto:")) {
		for (q = 7; q < u.len && p->s[u.off + q] != '?'; q++)
			continue;
		for (at = q; at > 7 && p->s[u.off + at - 1] != '@'; at--)
			continue;
		if (at <= 8 || !domain_ok(p, span(u.off + at, q - at))) {
			issue(p, AA_F_DMARC_RUA_INVALID, tag,
			    "a mailto: URI needs an address local@domain", u);
			return;
		}
		du->domain = span(u.off + at, q - at);
	} else if (!(u.len > 8 && span_is(p, span(u.off, 8), "https://")) &&
	    !(u.len > 7 && span_is(p, span(u.off, 7), "http://"))) {
		issue(p, AA_F_DMARC_RUA_INVALID, tag,
		    "not a mailto: URI (receivers send reports by mail only)",
		    u);
		return;
	}
	du->valid = true;
	if (!ruf)
		r->nvalid_rua++;
}

/* rua and ruf: a comma-separated list of dmarc-uri (RFC 7489 6.4). */
static void
uri_list(struct parser *p, bool ruf, struct aa_dmarc_span v)
{
	size_t i = 0, start;

	if (v.len == 0) {
		issue(p, AA_F_DMARC_RUA_INVALID, ruf ? "ruf" : "rua",
		    "the URI list is empty", v);
		return;
	}
	for (;;) {
		start = i;
		while (i < v.len && p->s[v.off + i] != ',')
			i++;
		one_uri(p, ruf, trim(p, v.off + start, i - start));
		if (i == v.len)
			return;
		i++;
	}
}

static void
bad_value(struct parser *p, enum tag t, const char *what,
    struct aa_dmarc_span v)
{
	issue(p, AA_F_DMARC_SYNTAX, tag_names[t], what, v);
}

static void
tag_policy(struct parser *p, enum tag t, struct aa_dmarc_span v)
{
	struct aa_dmarc_record *r = p->r;
	enum aa_dmarc_pol pol = policy(p, v);

	switch (t) {
	case T_P:
		r->p = pol;
		r->p_text = v;
		break;
	case T_SP:
		r->sp = pol;
		r->sp_text = v;
		break;
	default:
		r->np = pol;
		r->np_text = v;
		break;
	}
	if (pol == AA_DMARC_POL_INVALID)
		bad_value(p, t, "not none, quarantine or reject", v);
}

static void
tag_value(struct parser *p, enum tag t, struct aa_dmarc_span v)
{
	static const char *const fo_words[] = { "0", "1", "d", "s", NULL };
	static const char *const rf_words[] = { "afrf", "iodef", NULL };
	struct aa_dmarc_record *r = p->r;
	unsigned long long n;

	switch (t) {
	case T_P:
	case T_SP:
	case T_NP:
		tag_policy(p, t, v);
		break;
	case T_ADKIM:
	case T_ASPF:
		if (span_is(p, v, "r") || span_is(p, v, "s")) {
			if (t == T_ADKIM)
				r->adkim = lower(p->s[v.off]);
			else
				r->aspf = lower(p->s[v.off]);
		} else
			bad_value(p, t, "not r or s; relaxed applies", v);
		break;
	case T_PCT:
		r->has_pct = true;
		if (number(p, v, 3, &n) && n <= MAX_PCT)
			r->pct = (int)n;
		else
			bad_value(p, t, "not an integer from 0 to 100; 100 "
			    "applies", v);
		break;
	case T_FO:
		if (!word_list(p, v, fo_words))
			bad_value(p, t, "not a colon-separated list of 0, 1, "
			    "d and s; 0 applies", v);
		break;
	case T_RF:
		if (!word_list(p, v, rf_words))
			bad_value(p, t, "not a colon-separated list of report "
			    "formats (afrf); afrf applies", v);
		break;
	case T_RI:
		if (!number(p, v, 10, &n) || n > MAX_RI)
			bad_value(p, t, "not a 32-bit unsigned integer; 86400 "
			    "applies", v);
		break;
	case T_RUA:
	case T_RUF:
		uri_list(p, t == T_RUF, v);
		break;
	case T_T:
		if (span_is(p, v, "y") || span_is(p, v, "n"))
			r->t = lower(p->s[v.off]);
		else
			bad_value(p, t, "not y or n; n applies", v);
		break;
	case T_PSD:
		if (span_is(p, v, "y") || span_is(p, v, "n") ||
		    span_is(p, v, "u"))
			r->psd = lower(p->s[v.off]);
		else
			bad_value(p, t, "not y, n or u; u applies", v);
		break;
	case T_NTAGS:
		break;
	}
}

/* One tag-spec "name *WSP = *WSP value" (trimmed, non-empty). */
static void
tag(struct parser *p, struct aa_dmarc_span part, unsigned *seen)
{
	struct aa_dmarc_span name, v;
	size_t eq, i;
	int t;

	for (eq = 0; eq < part.len && p->s[part.off + eq] != '='; eq++)
		continue;
	if (eq == part.len) {
		issue(p, AA_F_DMARC_SYNTAX, "", "text between semicolons is "
		    "not a tag=value pair; it is ignored", part);
		return;
	}
	name = trim(p, part.off, eq);
	v = trim(p, part.off + eq + 1, part.len - eq - 1);
	for (i = 0; i < name.len; i++) {
		char c = p->s[name.off + i];

		if (!(is_alpha(c) || (i > 0 && (is_digit(c) || c == '_'))))
			break;
	}
	if (name.len == 0 || i < name.len) {
		issue(p, AA_F_DMARC_SYNTAX, "", "not a tag name; the pair is "
		    "ignored", part);
		return;
	}
	if (span_is(p, name, "v")) {
		issue(p, AA_F_DMARC_SYNTAX, "v", "v may appear only once, "
		    "first; this one is ignored", v);
		return;
	}
	for (t = 0; t < T_NTAGS; t++)
		if (span_is(p, name, tag_names[t]))
			break;
	if (t == T_NTAGS) {
		issue_name(p, AA_F_DMARC_TAG_UNKNOWN, name, "not a DMARC tag; "
		    "ignored (RFC 7489 6.3)", v);
		return;
	}
	if (*seen & (1U << t)) {
		bad_value(p, t, "the tag is repeated; the first value is used",
		    v);
		return;
	}
	*seen |= 1U << t;
	tag_value(p, t, v);
}

/* Mark the issues of tag fatal: they make the record unusable. */
static void
make_fatal(struct aa_dmarc_record *r, const char *tag)
{
	size_t i;

	for (i = 0; i < r->nissues; i++)
		if (r->issues[i].code == AA_F_DMARC_SYNTAX &&
		    strcmp(r->issues[i].tag, tag) == 0)
			r->issues[i].fatal = true;
}

/* RFC 7489 6.6.3 step 6: without a valid p (or with a bad sp), rua saves it. */
static enum aa_status
settle(struct parser *p)
{
	struct aa_dmarc_record *r = p->r;
	struct aa_dmarc_issue *is;
	bool bad_p = r->p == AA_DMARC_POL_UNSET || r->p == AA_DMARC_POL_INVALID;
	bool bad_sp = r->sp == AA_DMARC_POL_INVALID;

	if (!bad_p && !bad_sp) {
		r->usable = true;
		return AA_OK;
	}
	if (r->nvalid_rua > 0) {
		r->usable = true;
		r->p_from_rua = true;
		issue(p, AA_F_DMARC_SYNTAX, bad_p ? "p" : "sp", bad_p ?
		    "no valid p: with a valid rua the record acts as p=none "
		    "(RFC 7489 6.6.3)" : "invalid sp: with a valid rua the "
		    "record acts as p=none (RFC 7489 6.6.3)", span(0, 0));
		return AA_OK;
	}
	if (r->p == AA_DMARC_POL_UNSET) {
		is = issue(p, AA_F_DMARC_SYNTAX, "p", "p is required (there is "
		    "no valid rua to fall back on, RFC 7489 6.6.3)",
		    span(0, 0));
		if (is != NULL)
			is->fatal = true;
	}
	if (bad_p)
		make_fatal(r, "p");
	if (bad_sp)
		make_fatal(r, "sp");
	return AA_EPARSE;
}

enum aa_status
aa_dmarc_parse(const char *rec, size_t len, struct aa_dmarc_record *out)
{
	struct parser p = { rec, len, out };
	struct aa_dmarc_span part;
	unsigned seen = 0;
	size_t i, start;

	memset(out, 0, sizeof(*out));
	out->pct = -1;
	if ((i = version(&p)) == 0)
		return AA_ENOTFOUND;
	out->is_dmarc = true;
	while (i < len) {
		start = ++i;		/* past the ';' */
		while (i < len && rec[i] != ';')
			i++;
		part = trim(&p, start, i - start);
		if (part.len > 0)
			tag(&p, part, &seen);
	}
	return settle(&p);
}

const char *
aa_dmarc_pol_str(enum aa_dmarc_pol pol)
{
	switch (pol) {
	case AA_DMARC_POL_NONE:
		return "none";
	case AA_DMARC_POL_QUARANTINE:
		return "quarantine";
	case AA_DMARC_POL_REJECT:
		return "reject";
	default:
		return NULL;
	}
}
