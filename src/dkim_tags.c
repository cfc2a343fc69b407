/*
 * dkim_tags.c: our own parsers of the DKIM-Signature tag-list (RFC 6376
 * 3.2, 3.5) and of the key record (3.6.1).  They decide every per-signature
 * fact of design.md 3a; libopendkim only does the crypto.  Input is
 * length-counted and hostile: any octet, NUL included, may appear.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_dkim.h"
#include "aa_xmalloc.h"
#include "dkim_int.h"

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* RFC 5234 WSP, plus the CR and LF of folding (FWS, RFC 6376 2.8). */
static bool
is_fws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 6376 3.2 VALCHAR: %x21-3A / %x3C-7E. */
static bool
is_valchar(uint8_t c)
{
	return c >= 0x21 && c <= 0x7e && c != ';';
}

static bool
is_alnumpunc(uint8_t c)
{
	return isalnum(c) || c == '_';
}

/* One tag-spec: [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]. */
static enum aa_status
tag_spec(const uint8_t *p, size_t len, struct aa_dkim_tag *t, char *err,
    size_t errlen)
{
	size_t i = 0, e;

	while (i < len && is_fws(p[i]))
		i++;
	if (i == len || !isalpha(p[i])) {
		seterr(err, errlen, "a tag name must start with a letter");
		return AA_EPARSE;
	}
	t->name = p + i;
	while (i < len && is_alnumpunc(p[i]))
		i++;
	t->namelen = (size_t)(p + i - t->name);
	while (i < len && is_fws(p[i]))
		i++;
	if (i == len || p[i] != '=') {
		seterr(err, errlen, "tag \"%.*s\" has no \"=\"",
		    (int)(t->namelen > 32 ? 32 : t->namelen), t->name);
		return AA_EPARSE;
	}
	i++;
	while (i < len && is_fws(p[i]))
		i++;
	e = len;
	while (e > i && is_fws(p[e - 1]))
		e--;
	t->value = p + i;
	t->valuelen = e - i;
	/* tag-value = [ tval *( 1*(WSP / FWS) tval ) ] */
	for (; i < e; i++)
		if (!is_valchar(p[i]) && !is_fws(p[i])) {
			seterr(err, errlen, "tag \"%.*s\" holds octet 0x%02x",
			    (int)(t->namelen > 32 ? 32 : t->namelen), t->name,
			    p[i]);
			return AA_EPARSE;
		}
	return AA_OK;
}

static bool
only_fws(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_fws(p[i]))
			return false;
	return true;
}

enum aa_status
aa_dkim_tag_list(const uint8_t *p, size_t len, struct aa_dkim_tag *tags,
    size_t max, size_t *ntags, char *err, size_t errlen)
{
	size_t start = 0, end, n = 0, j;
	enum aa_status st;

	*ntags = 0;
	if (len > AA_DKIM_MAX_TAGLIST) {
		seterr(err, errlen, "tag-list over %u octets",
		    AA_DKIM_MAX_TAGLIST);
		return AA_ELIMIT;
	}
	while (start <= len) {
		end = start;
		while (end < len && p[end] != ';')
			end++;
		/*
		 * An empty tag-spec: RFC 6376 3.2 allows only one trailing
		 * ";", but receivers accept ";;" and a blank tail, so a
		 * diagnosis must not call it broken.
		 */
		if (!only_fws(p + start, end - start)) {
			if (n == max) {
				seterr(err, errlen, "more than %zu tags", max);
				return AA_ELIMIT;
			}
			st = tag_spec(p + start, end - start, &tags[n], err,
			    errlen);
			if (st != AA_OK)
				return st;
			/* 3.2: duplicated tags MUST be treated as an error. */
			for (j = 0; j < n; j++)
				if (tags[j].namelen == tags[n].namelen &&
				    memcmp(tags[j].name, tags[n].name,
				    tags[n].namelen) == 0) {
					seterr(err, errlen,
					    "tag \"%.*s\" appears twice",
					    (int)(tags[n].namelen > 32 ? 32 :
					    tags[n].namelen), tags[n].name);
					return AA_EPARSE;
				}
			n++;
		}
		start = end + 1;
	}
	*ntags = n;
	return AA_OK;
}

static const struct aa_dkim_tag *
tag_find(const struct aa_dkim_tag *t, size_t n, const char *name)
{
	size_t i, l = strlen(name);

	for (i = 0; i < n; i++)
		if (t[i].namelen == l && memcmp(t[i].name, name, l) == 0)
			return &t[i];
	return NULL;
}

static char *
dup_value(const struct aa_dkim_tag *t)
{
	char *s = aa_xmalloc(t->valuelen + 1);

	memcpy(s, t->value, t->valuelen);
	s[t->valuelen] = '\0';
	return s;
}

/* The value with every FWS octet removed (base64 and lists). */
static char *
dup_nofws(const struct aa_dkim_tag *t)
{
	char *s = aa_xmalloc(t->valuelen + 1);
	size_t i, n = 0;

	for (i = 0; i < t->valuelen; i++)
		if (!is_fws(t->value[i]))
			s[n++] = (char)t->value[i];
	s[n] = '\0';
	return s;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode base64 (RFC 6376 2.6 base64string, FWS already removed).  Missing
 * padding is accepted as receivers do; anything else wrong fails.  *out is
 * malloc'ed (NULL for empty input).
 */
enum aa_status
aa_dkim_b64_decode(const char *s, uint8_t **out, size_t *outlen)
{
	size_t len = strlen(s), i, n = 0, pad = 0;
	uint32_t acc = 0;
	int bits = 0, v;
	uint8_t *o;

	*out = NULL;
	*outlen = 0;
	while (pad < 2 && len > 0 && s[len - 1] == '=') {
		len--;
		pad++;
	}
	if (len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0))
		return AA_EPARSE;
	o = aa_xmalloc(len * 3 / 4 + 1);
	for (i = 0; i < len; i++) {
		if ((v = b64val((unsigned char)s[i])) < 0) {
			free(o);
			return AA_EPARSE;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (uint8_t)(acc >> bits);
		}
	}
	/*
	 * Non-zero leftover bits are accepted: RFC 4648 3.5 lets decoders
	 * reject them, but receivers' decoders (OpenSSL's) do not.
	 */
	*out = o;
	*outlen = n;
	return AA_OK;
}

char *
aa_dkim_b64_encode(const uint8_t *p, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *s = aa_xmalloc((len + 2) / 3 * 4 + 1), *o = s;
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return s;
}

/* RFC 6376 3.5 d=/s=: labels of letters, digits and inner hyphens. */
static bool
domain_ok(const char *s, bool underscore)
{
	size_t lab = 0, total = 0;
	const char *p;

	if (*s == '\0')
		return false;
	for (p = s; *p != '\0'; p++, total++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && !(underscore && *p == '_') &&
		    !(*p == '-' && lab > 0))
			return false;
		if (++lab > 63)
			return false;
	}
	return lab > 0 && p[-1] != '-' && total <= 253;
}

/* 1*max DIGIT into *v; false on anything else or overflow. */
static bool
digits(const struct aa_dkim_tag *t, size_t max, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (t->valuelen == 0 || t->valuelen > max)
		return false;
	for (i = 0; i < t->valuelen; i++) {
		if (!isdigit(t->value[i]))
			return false;
		if (*v > (UINT64_MAX - 9) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(t->value[i] - '0');
	}
	return true;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 6376 2.11 dkim-quoted-printable, FWS removed; NULL when bad. */
static char *
qp_decode(const struct aa_dkim_tag *t)
{
	char *s = aa_xmalloc(t->valuelen + 1);
	size_t i, n = 0;
	int hi, lo;

	for (i = 0; i < t->valuelen; i++) {
		if (is_fws(t->value[i]))
			continue;
		if (t->value[i] != '=') {
			s[n++] = (char)t->value[i];
			continue;
		}
		if (i + 2 >= t->valuelen ||
		    (hi = hexval(t->value[i + 1])) < 0 ||
		    (lo = hexval(t->value[i + 2])) < 0 ||
		    (hi == 0 && lo == 0)) {
			free(s);
			return NULL;
		}
		s[n++] = (char)(hi << 4 | lo);
		i += 2;
	}
	s[n] = '\0';
	return s;
}

static enum aa_status
sig_fail(struct aa_dkim_sigtags *g, enum aa_dkim_sigerr e, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Remember the first problem only: it is the one reported. */
static enum aa_status
sig_fail(struct aa_dkim_sigtags *g, enum aa_dkim_sigerr e, const char *fmt,
    ...)
{
	va_list ap;

	if (g->error == AA_DKIM_SIG_OK) {
		g->error = e;
		va_start(ap, fmt);
		vsnprintf(g->why, sizeof(g->why), fmt, ap);
		va_end(ap);
	}
	return AA_EPARSE;
}

static bool
canon_word(const char *s, size_t n)
{
	return (n == 6 && strncmp(s, "simple", 6) == 0) ||
	    (n == 7 && strncmp(s, "relaxed", 7) == 0);
}

static void
sig_canon(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *t)
{
	char *c, *slash;

	if (t == NULL) {
		g->canon = aa_xstrdup("simple/simple");
		return;
	}
	c = dup_nofws(t);
	lower(c);
	slash = strchr(c, '/');
	if (slash == NULL) {
		/* 3.5 c=: a header algorithm alone means body "simple". */
		if (!canon_word(c, strlen(c)))
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "unknown canonicalization c=%.40s", c);
		g->canon = aa_xmalloc(strlen(c) + 8);
		snprintf(g->canon, strlen(c) + 8, "%s/simple", c);
		free(c);
		return;
	}
	if (!canon_word(c, (size_t)(slash - c)) ||
	    !canon_word(slash + 1, strlen(slash + 1)))
		sig_fail(g, AA_DKIM_SIG_SYNTAX,
		    "unknown canonicalization c=%.40s", c);
	g->canon = c;
}

static void
sig_alg(struct aa_dkim_sigtags *g)
{
	char *a = aa_xstrdup(g->a);

	lower(a);
	if (strcmp(a, "rsa-sha256") == 0)
		g->alg = AA_DKIM_ALG_RSA_SHA256;
	else if (strcmp(a, "rsa-sha1") == 0)
		g->alg = AA_DKIM_ALG_RSA_SHA1;
	else if (strcmp(a, "ed25519-sha256") == 0)
		g->alg = AA_DKIM_ALG_ED25519_SHA256;
	else
		sig_fail(g, AA_DKIM_SIG_ALGORITHM,
		    "unsupported algorithm a=%.40s (RFC 6376 3.3, RFC 8463)",
		    g->a);
	free(a);
}

/* h=: colon-separated field names (RFC 6376 3.5), FWS allowed. */
static void
sig_headers(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *t)
{
	char *list = dup_nofws(t), *p, *next;
	bool from = false;
	size_t i;

	g->h = aa_xcalloc(AA_DKIM_MAX_H, sizeof(*g->h));
	for (p = list; p != NULL; p = next) {
		next = strchr(p, ':');
		if (next != NULL)
			*next++ = '\0';
		if (*p == '\0') {
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "h= has an empty field name");
			continue;
		}
		for (i = 0; p[i] != '\0'; i++)
			if ((unsigned char)p[i] < 33 ||
			    (unsigned char)p[i] > 126) {
				sig_fail(g, AA_DKIM_SIG_SYNTAX,
				    "h= has a bad field name");
				break;
			}
		if (g->nh == AA_DKIM_MAX_H) {
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "h= lists more than %d fields", AA_DKIM_MAX_H);
			break;
		}
		g->h[g->nh] = aa_xstrdup(p);
		lower(g->h[g->nh]);
		if (strcmp(g->h[g->nh], "from") == 0)
			from = true;
		g->nh++;
	}
	free(list);
	/* 3.5 h=: the From field MUST be included. */
	if (!from && g->nh > 0)
		sig_fail(g, AA_DKIM_SIG_FROM_NOT_SIGNED,
		    "h= does not list From (RFC 6376 5.4)");
}

/* i=: [local-part] "@" domain, the domain d= or under it (3.5). */
static void
sig_identity(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *t)
{
	const char *at, *dom;
	size_t dl, il;

	if (t == NULL) {
		if (g->d != NULL) {
			g->identity = aa_xmalloc(strlen(g->d) + 2);
			snprintf(g->identity, strlen(g->d) + 2, "@%s", g->d);
		}
		return;
	}
	g->identity = qp_decode(t);
	if (g->identity == NULL) {
		g->identity = dup_value(t);
		sig_fail(g, AA_DKIM_SIG_SYNTAX, "i= is not valid "
		    "dkim-quoted-printable");
		return;
	}
	if ((at = strrchr(g->identity, '@')) == NULL) {
		sig_fail(g, AA_DKIM_SIG_SYNTAX, "i= has no \"@\"");
		return;
	}
	if (g->d == NULL)
		return;
	dom = at + 1;
	dl = strlen(g->d);
	il = strlen(dom);
	if (!(il == dl && strcasecmp(dom, g->d) == 0) &&
	    !(il > dl && dom[il - dl - 1] == '.' &&
	    strcasecmp(dom + il - dl, g->d) == 0))
		sig_fail(g, AA_DKIM_SIG_IDENTITY,
		    "i= domain %.80s is not d= or under it (RFC 6376 3.5)",
		    dom);
}

static void
sig_times(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *tt,
    const struct aa_dkim_tag *xt, const struct aa_dkim_tag *lt)
{
	uint64_t v;

	/* 3.5: t= and x= are 1*12DIGIT, l= is 1*76DIGIT. */
	if (tt != NULL) {
		if (digits(tt, 12, &v)) {
			g->has_t = true;
			g->t = (int64_t)v;
		} else
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "t= is not 1-12 digits");
	}
	if (xt != NULL) {
		if (digits(xt, 12, &v)) {
			g->has_x = true;
			g->x = (int64_t)v;
		} else
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "x= is not 1-12 digits");
	}
	/* 3.5 x=: it MUST be greater than t=. */
	if (g->has_t && g->has_x && g->x <= g->t)
		sig_fail(g, AA_DKIM_SIG_SYNTAX, "x= is not after t=");
	if (lt != NULL) {
		if (digits(lt, 19, &v)) {
			g->has_l = true;
			g->l = v;
		} else
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "l= is not a number this tool can hold");
	}
}

/* q=: a colon list that must offer dns/txt (3.5). */
static void
sig_query(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *t)
{
	char *q, *p, *next;
	bool dns = false;

	if (t == NULL)
		return;
	g->q = dup_value(t);
	q = dup_nofws(t);
	for (p = q; p != NULL; p = next) {
		next = strchr(p, ':');
		if (next != NULL)
			*next++ = '\0';
		if (strcasecmp(p, "dns/txt") == 0)
			dns = true;
	}
	free(q);
	if (!dns)
		sig_fail(g, AA_DKIM_SIG_SYNTAX,
		    "q=%.40s offers no dns/txt key query", g->q);
}

/* b= and bh=: non-empty base64 (3.5); the copy has FWS removed. */
static char *
sig_b64(struct aa_dkim_sigtags *g, const struct aa_dkim_tag *t,
    const char *tag)
{
	uint8_t *bin;
	size_t binlen;
	char *v;

	if (t == NULL)
		return NULL;
	v = dup_nofws(t);
	if (*v == '\0' || aa_dkim_b64_decode(v, &bin, &binlen) != AA_OK)
		sig_fail(g, AA_DKIM_SIG_SYNTAX, "%s= is not base64", tag);
	else
		free(bin);
	return v;
}

/* The required tags, in the order RFC 6376 3.5 lists them. */
static const char *const sig_required[] = {
	"v", "a", "b", "bh", "d", "h", "s"
};

enum aa_status
aa_dkim_sig_parse(const uint8_t *p, size_t len, struct aa_dkim_sigtags *g)
{
	struct aa_dkim_tag tags[AA_DKIM_MAX_TAGS];
	const struct aa_dkim_tag *t;
	size_t n, i;
	enum aa_status st;
	char err[160];

	memset(g, 0, sizeof(*g));
	st = aa_dkim_tag_list(p, len, tags, AA_DKIM_MAX_TAGS, &n, err,
	    sizeof(err));
	if (st != AA_OK)
		return sig_fail(g, AA_DKIM_SIG_SYNTAX, "tag-list: %s", err);
	/* Facts first, so that a malformed signature is still reported. */
	if ((t = tag_find(tags, n, "d")) != NULL) {
		g->d = dup_nofws(t);
		lower(g->d);
	}
	if ((t = tag_find(tags, n, "s")) != NULL)
		g->s = dup_nofws(t);
	if ((t = tag_find(tags, n, "v")) != NULL)
		g->v = dup_value(t);
	if ((t = tag_find(tags, n, "a")) != NULL)
		g->a = dup_value(t);
	for (i = 0; i < sizeof(sig_required) / sizeof(sig_required[0]); i++)
		if ((t = tag_find(tags, n, sig_required[i])) == NULL)
			sig_fail(g, AA_DKIM_SIG_SYNTAX,
			    "required tag %s= is missing (RFC 6376 3.5)",
			    sig_required[i]);
	if (g->v != NULL && strcmp(g->v, "1") != 0)
		sig_fail(g, AA_DKIM_SIG_VERSION,
		    "v=%.20s: only version 1 exists (RFC 6376 3.5)", g->v);
	if (g->a != NULL)
		sig_alg(g);
	sig_canon(g, tag_find(tags, n, "c"));
	if (g->d != NULL && !domain_ok(g->d, false))
		sig_fail(g, AA_DKIM_SIG_SYNTAX, "d= is not a domain name");
	if (g->s != NULL && !domain_ok(g->s, true))
		sig_fail(g, AA_DKIM_SIG_SYNTAX,
		    "s= is not a valid selector");
	if ((t = tag_find(tags, n, "h")) != NULL)
		sig_headers(g, t);
	sig_identity(g, tag_find(tags, n, "i"));
	sig_times(g, tag_find(tags, n, "t"), tag_find(tags, n, "x"),
	    tag_find(tags, n, "l"));
	sig_query(g, tag_find(tags, n, "q"));
	g->b = sig_b64(g, tag_find(tags, n, "b"), "b");
	g->bh = sig_b64(g, tag_find(tags, n, "bh"), "bh");
	return g->error == AA_DKIM_SIG_OK ? AA_OK : AA_EPARSE;
}

void
aa_dkim_sig_clear(struct aa_dkim_sigtags *g)
{
	size_t i;

	free(g->v);
	free(g->a);
	free(g->d);
	free(g->s);
	free(g->q);
	free(g->identity);
	free(g->canon);
	free(g->b);
	free(g->bh);
	for (i = 0; i < g->nh; i++)
		free(g->h[i]);
	free(g->h);
	memset(g, 0, sizeof(*g));
}

/*
 * A minimal DER reader for the RSA key (X.690): enough to find the
 * modulus of a SubjectPublicKeyInfo or a bare PKCS#1 RSAPublicKey.
 */
struct der {
	const uint8_t	*p;
	size_t		 len;
};

static bool
der_next(struct der *d, uint8_t tag, struct der *out)
{
	size_t l, i, nl;

	if (d->len < 2 || d->p[0] != tag)
		return false;
	l = d->p[1];
	i = 2;
	if (l & 0x80) {
		nl = l & 0x7f;
		if (nl == 0 || nl > 3 || d->len < 2 + nl)
			return false;
		for (l = 0; nl > 0; nl--)
			l = l << 8 | d->p[i++];
	}
	if (l > d->len - i)
		return false;
	out->p = d->p + i;
	out->len = l;
	d->p += i + l;
	d->len -= i + l;
	return true;
}

static const uint8_t rsa_oid[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static unsigned
pkcs1_bits(struct der d)
{
	struct der seq, n, e;
	unsigned bits;
	uint8_t top;

	if (!der_next(&d, 0x30, &seq) || d.len != 0 ||
	    !der_next(&seq, 0x02, &n) || !der_next(&seq, 0x02, &e) ||
	    seq.len != 0 || e.len == 0)
		return 0;
	while (n.len > 0 && n.p[0] == 0) {
		n.p++;
		n.len--;
	}
	if (n.len == 0)
		return 0;
	bits = (unsigned)(n.len - 1) * 8;
	for (top = n.p[0]; top != 0; top >>= 1)
		bits++;
	return bits;
}

/* Modulus bits of an SPKI RSA key; 0 when it is not one. */
static unsigned
spki_bits(struct der d)
{
	struct der spki, alg, oid, bs;

	if (!der_next(&d, 0x30, &spki) || d.len != 0 ||
	    !der_next(&spki, 0x30, &alg) || !der_next(&alg, 0x06, &oid) ||
	    oid.len != sizeof(rsa_oid) ||
	    memcmp(oid.p, rsa_oid, sizeof(rsa_oid)) != 0 ||
	    !der_next(&spki, 0x03, &bs) || spki.len != 0 || bs.len < 1 ||
	    bs.p[0] != 0)
		return 0;
	bs.p++;
	bs.len--;
	return pkcs1_bits(bs);
}

/* Wrap a PKCS#1 RSAPublicKey into a SubjectPublicKeyInfo. */
static void
spki_wrap(struct aa_dkim_keyrec *k)
{
	static const uint8_t algid[] = {
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x01, 0x05, 0x00
	};
	uint8_t bshdr[5], seqhdr[5];
	size_t bl, sl, bh, sh, off;

	bl = k->keylen + 1;
	bh = bl < 128 ? 2 : bl < 256 ? 3 : 4;
	bshdr[0] = 0x03;
	sl = sizeof(algid) + bh + bl;
	sh = sl < 128 ? 2 : sl < 256 ? 3 : 4;
	seqhdr[0] = 0x30;
	if (bh == 2)
		bshdr[1] = (uint8_t)bl;
	else if (bh == 3) {
		bshdr[1] = 0x81;
		bshdr[2] = (uint8_t)bl;
	} else {
		bshdr[1] = 0x82;
		bshdr[2] = (uint8_t)(bl >> 8);
		bshdr[3] = (uint8_t)bl;
	}
	if (sh == 2)
		seqhdr[1] = (uint8_t)sl;
	else if (sh == 3) {
		seqhdr[1] = 0x81;
		seqhdr[2] = (uint8_t)sl;
	} else {
		seqhdr[1] = 0x82;
		seqhdr[2] = (uint8_t)(sl >> 8);
		seqhdr[3] = (uint8_t)sl;
	}
	k->spkilen = sh + sl;
	k->spki = aa_xmalloc(k->spkilen);
	memcpy(k->spki, seqhdr, sh);
	off = sh;
	memcpy(k->spki + off, algid, sizeof(algid));
	off += sizeof(algid);
	memcpy(k->spki + off, bshdr, bh);
	off += bh;
	k->spki[off++] = 0;
	memcpy(k->spki + off, k->key, k->keylen);
}

static enum aa_status
key_fail(struct aa_dkim_keyrec *k, enum aa_dkim_keyerr e, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static enum aa_status
key_fail(struct aa_dkim_keyrec *k, enum aa_dkim_keyerr e, const char *fmt,
    ...)
{
	va_list ap;

	if (k->error == AA_DKIM_KEY_OK) {
		k->error = e;
		va_start(ap, fmt);
		vsnprintf(k->why, sizeof(k->why), fmt, ap);
		va_end(ap);
	}
	return AA_EPARSE;
}

/* Calls f on each colon-separated item of t's value (FWS removed). */
static void
colon_items(const struct aa_dkim_tag *t, void (*f)(struct aa_dkim_keyrec *,
    const char *), struct aa_dkim_keyrec *k)
{
	char *v = dup_nofws(t), *p, *next;

	for (p = v; p != NULL; p = next) {
		next = strchr(p, ':');
		if (next != NULL)
			*next++ = '\0';
		f(k, p);
	}
	free(v);
}

static void
key_hash(struct aa_dkim_keyrec *k, const char *h)
{
	if (strcmp(h, "sha1") == 0)
		k->h_sha1 = true;
	else if (strcmp(h, "sha256") == 0)
		k->h_sha256 = true;
}

static void
key_service(struct aa_dkim_keyrec *k, const char *s)
{
	if (strcmp(s, "*") == 0 || strcmp(s, "email") == 0)
		k->email = true;
}

static void
key_flag(struct aa_dkim_keyrec *k, const char *f)
{
	if (strcmp(f, "y") == 0)
		k->testing = true;
	else if (strcmp(f, "s") == 0)
		k->strict = true;
}

static void
key_data(struct aa_dkim_keyrec *k, const struct aa_dkim_tag *t)
{
	char *b64 = dup_nofws(t);
	struct der d;

	if (*b64 == '\0') {
		free(b64);
		key_fail(k, AA_DKIM_KEY_REVOKED, "p= is empty: the key is "
		    "revoked (RFC 6376 3.6.1)");
		return;
	}
	if (aa_dkim_b64_decode(b64, &k->key, &k->keylen) != AA_OK) {
		free(b64);
		key_fail(k, AA_DKIM_KEY_INVALID, "p= is not base64");
		return;
	}
	free(b64);
	if (k->k == AA_DKIM_K_ED25519) {
		/* RFC 8463 4.2: the raw 32-octet public key. */
		if (k->keylen != 32)
			key_fail(k, AA_DKIM_KEY_INVALID, "p= holds %zu octets; "
			    "an ed25519 key is 32 raw octets (RFC 8463 4.2)",
			    k->keylen);
		else
			k->bits = 256;
		return;
	}
	if (k->k != AA_DKIM_K_RSA)
		return;
	d.p = k->key;
	d.len = k->keylen;
	if ((k->bits = spki_bits(d)) != 0) {
		k->spki = aa_xmalloc(k->keylen);
		memcpy(k->spki, k->key, k->keylen);
		k->spkilen = k->keylen;
	} else if ((k->bits = pkcs1_bits(d)) != 0)
		/* RFC 6376 3.6.1 names RSAPublicKey; SPKI is usual. */
		spki_wrap(k);
	else {
		key_fail(k, AA_DKIM_KEY_INVALID,
		    "p= is not an RSA public key (DER)");
		return;
	}
	if (k->bits > AA_DKIM_MAX_RSA_BITS)
		key_fail(k, AA_DKIM_KEY_TOO_LARGE, "the RSA key has %u bits, "
		    "over the %d that verifiers must handle (RFC 8301 3.2)",
		    k->bits, AA_DKIM_MAX_RSA_BITS);
}

enum aa_status
aa_dkim_key_parse(const uint8_t *p, size_t len, struct aa_dkim_keyrec *k)
{
	struct aa_dkim_tag tags[AA_DKIM_MAX_TAGS];
	const struct aa_dkim_tag *t;
	enum aa_status st;
	char err[160], *v;
	size_t n;

	memset(k, 0, sizeof(*k));
	k->email = true;
	if (memchr(p, '\0', len) != NULL)
		return key_fail(k, AA_DKIM_KEY_INVALID,
		    "the record holds a NUL octet");
	st = aa_dkim_tag_list(p, len, tags, AA_DKIM_MAX_TAGS, &n, err,
	    sizeof(err));
	if (st != AA_OK)
		return key_fail(k, AA_DKIM_KEY_INVALID, "tag-list: %s", err);
	/* 3.6.1 v=: if present, first and exactly "DKIM1". */
	if ((t = tag_find(tags, n, "v")) != NULL) {
		v = dup_value(t);
		if (t != &tags[0] || strcmp(v, "DKIM1") != 0)
			key_fail(k, AA_DKIM_KEY_INVALID, "v=%.30s%s: a key "
			    "record's v= must be DKIM1 and come first", v,
			    t != &tags[0] ? " not first" : "");
		free(v);
	}
	if ((t = tag_find(tags, n, "h")) != NULL)
		colon_items(t, key_hash, k);
	else
		k->h_sha1 = k->h_sha256 = true;
	if ((t = tag_find(tags, n, "s")) != NULL) {
		k->email = false;
		colon_items(t, key_service, k);
	}
	if ((t = tag_find(tags, n, "t")) != NULL) {
		k->flags = dup_nofws(t);
		colon_items(t, key_flag, k);
	}
	if ((t = tag_find(tags, n, "k")) != NULL) {
		v = dup_nofws(t);
		if (strcmp(v, "rsa") == 0)
			k->k = AA_DKIM_K_RSA;
		else if (strcmp(v, "ed25519") == 0)
			k->k = AA_DKIM_K_ED25519;
		else {
			k->k = AA_DKIM_K_UNKNOWN;
			key_fail(k, AA_DKIM_KEY_INVALID,
			    "unknown key type k=%.30s", v);
		}
		free(v);
	}
	if ((t = tag_find(tags, n, "p")) == NULL)
		key_fail(k, AA_DKIM_KEY_INVALID,
		    "the required p= tag is missing");
	else
		key_data(k, t);
	if (!k->email)
		key_fail(k, AA_DKIM_KEY_INVALID, "s= does not allow email");
	return k->error == AA_DKIM_KEY_OK ? AA_OK : AA_EPARSE;
}

void
aa_dkim_key_clear(struct aa_dkim_keyrec *k)
{
	free(k->flags);
	free(k->key);
	free(k->spki);
	memset(k, 0, sizeof(*k));
}

bool
aa_dkim_key_fits(const struct aa_dkim_keyrec *k,
    const struct aa_dkim_sigtags *g, char *why, size_t whylen)
{
	const char *at;
	bool sha1 = g->alg == AA_DKIM_ALG_RSA_SHA1;

	/* RFC 6376 3.6.1 h=: the key must allow the signature's hash. */
	if ((sha1 && !k->h_sha1) || (!sha1 && !k->h_sha256)) {
		seterr(why, whylen, "the key's h= does not allow %s",
		    sha1 ? "sha1" : "sha256");
		return false;
	}
	/* 6.1.2 step 6: k= must match the signature algorithm. */
	if ((g->alg == AA_DKIM_ALG_ED25519_SHA256) !=
	    (k->k == AA_DKIM_K_ED25519)) {
		seterr(why, whylen, "the key is k=%s but the signature is "
		    "a=%s", k->k == AA_DKIM_K_ED25519 ? "ed25519" : "rsa",
		    g->a != NULL ? g->a : "?");
		return false;
	}
	/* 3.6.1 t=s: i= must use d= itself, not a subdomain. */
	if (k->strict && g->identity != NULL && g->d != NULL &&
	    ((at = strrchr(g->identity, '@')) == NULL ||
	    strcasecmp(at + 1, g->d) != 0)) {
		seterr(why, whylen, "the key has t=s but i= uses a "
		    "subdomain of d=");
		return false;
	}
	return true;
}
