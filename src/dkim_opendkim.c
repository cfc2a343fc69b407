/*
 * dkim_opendkim.c: the libopendkim adapter, the only file that includes
 * its header.  libopendkim does the crypto (body hash, header signature);
 * every other decision is ours (dkim_tags.c, dkim_verify.c).  Keys reach
 * it only through its DNS hooks, answered by our DNS layer, so zone files,
 * pragmas and the query log cover them (libraries.md 2).
 */
#include <sys/types.h>
#include <sys/time.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>

#include "aa_dkim.h"
#include "aa_dns.h"
#include "aa_xmalloc.h"
#include "dkim_int.h"

struct odkim_ctx {
	struct aa_dns	*dns;
	struct aa_dkim_crypto *c;
	DKIM_SIGINFO	**match;	/* our index -> libopendkim's sig */
	size_t		 n;
};

struct odkim_query {
	size_t		 len;
	int		 status;	/* DKIM_DNS_* */
};

static int
hook_init(void **srv)
{
	(void)srv;		/* the service is set before any query */
	return 0;
}

/* Without it dkim_close() would res_nclose() our handle (libraries.md). */
static void
hook_close(void *srv)
{
	(void)srv;
}

static size_t
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* The question name in wire form; 0 when it does not fit or is bad. */
static size_t
put_name(uint8_t *p, size_t room, const char *name)
{
	size_t n = 0, l;
	const char *dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		l = dot != NULL ? (size_t)(dot - name) : strlen(name);
		if (l == 0 || l > 63 || n + l + 2 > room || n + l + 2 > 255)
			return 0;
		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot != NULL);
	}
	p[n++] = 0;
	return n;
}

/*
 * The record libopendkim gets: our parse of the one TXT record, re-written
 * as "v=DKIM1; k=...; p=..." with an RSA key as SubjectPublicKeyInfo.  Our
 * own checks already decided h=, s= and t=, and a bare PKCS#1 key (which
 * RFC 6376 3.6.1's wording allows) would otherwise not decode.
 */
static char *
key_record(const struct aa_rr *rr)
{
	struct aa_dkim_keyrec k;
	char *b64, *rec;

	if (aa_dkim_key_parse(rr->joined.data, rr->joined.len, &k) != AA_OK)
		return NULL;
	b64 = k.k == AA_DKIM_K_ED25519 ? aa_dkim_b64_encode(k.key, k.keylen) :
	    aa_dkim_b64_encode(k.spki, k.spkilen);
	rec = aa_xasprintf("v=DKIM1; k=%s; p=%s",
	    k.k == AA_DKIM_K_ED25519 ? "ed25519" : "rsa", b64);
	free(b64);
	aa_dkim_key_clear(&k);
	return rec;
}

/* One TXT answer record carrying rec as 255-octet strings. */
static size_t
put_txt(uint8_t *p, size_t room, const uint8_t *rdata, size_t rdlen)
{
	size_t n = 0;

	if (12 + rdlen > room || rdlen > 65535)
		return 0;
	n += put16(p + n, 0xc00c);	/* owner: the question name */
	n += put16(p + n, 16);		/* TXT */
	n += put16(p + n, 1);		/* IN */
	n += put16(p + n, 0);		/* TTL */
	n += put16(p + n, 0);
	n += put16(p + n, (unsigned)rdlen);
	memcpy(p + n, rdata, rdlen);
	return n + rdlen;
}

static size_t
txt_rdata(const char *rec, uint8_t **out)
{
	size_t len = strlen(rec), n = 0, i, l;
	uint8_t *r = aa_xmalloc(len + len / 255 + 1);

	for (i = 0; i < len; i += l) {
		l = len - i > 255 ? 255 : len - i;
		r[n++] = (uint8_t)l;
		memcpy(r + n, rec + i, l);
		n += l;
	}
	*out = r;
	return n;
}

/* A DNS reply in wire form for libopendkim's parser (dkim-keys.c). */
static size_t
reply_wire(const char *qname, const struct aa_answer *a, uint8_t *buf,
    size_t room)
{
	size_t n, i, m, rdlen;
	uint8_t *rdata;
	char *rec;

	if (room < 12)
		return 0;
	memset(buf, 0, 12);
	buf[2] = 0x81;			/* QR, RD */
	buf[3] = 0x80 | (a->rcode == AA_RCODE_NXDOMAIN ? 3 : 0);
	put16(buf + 4, 1);
	if ((n = put_name(buf + 12, room - 12, qname)) == 0 ||
	    12 + n + 4 > room)
		return 0;
	n += 12;
	n += put16(buf + n, 16);
	n += put16(buf + n, 1);
	if (a->rcode != AA_RCODE_NOERROR)
		return n;
	for (i = 0; i < a->nrr; i++) {
		rec = a->nrr == 1 ? key_record(&a->rr[i]) : NULL;
		if (rec != NULL) {
			rdlen = txt_rdata(rec, &rdata);
			free(rec);
			m = put_txt(buf + n, room - n, rdata, rdlen);
			free(rdata);
		} else
			m = put_txt(buf + n, room - n, a->rr[i].rdata,
			    a->rr[i].rdlen);
		if (m == 0)
			return 0;
		n += m;
		put16(buf + 6, (unsigned)(i + 1));
	}
	return n;
}

static int
hook_start(void *srv, int type, unsigned char *query, unsigned char *buf,
    size_t buflen, void **qh)
{
	struct odkim_ctx *ctx = srv;
	struct odkim_query *q = aa_xcalloc(1, sizeof(*q));
	const struct aa_answer *a;

	*qh = q;
	q->status = DKIM_DNS_ERROR;
	if (type != 16 || aa_dns_query(ctx->dns, (const char *)query,
	    AA_TYPE_TXT, &a) != AA_OK)
		return 0;
	/* Only NXDOMAIN and no answer mean "no key"; the rest is KEYFAIL. */
	if (aa_rcode_temporary(a->rcode))
		return 0;
	if ((q->len = reply_wire((const char *)query, a, buf, buflen)) > 0)
		q->status = DKIM_DNS_SUCCESS;
	return 0;
}

static int
hook_wait(void *srv, void *qh, struct timeval *tv, size_t *bytes, int *error,
    int *dnssec)
{
	struct odkim_query *q = qh;

	(void)srv;
	(void)tv;
	*bytes = q->len;
	if (error != NULL)
		*error = 0;
	if (dnssec != NULL)
		*dnssec = DKIM_DNSSEC_UNKNOWN;
	return q->status;
}

static int
hook_cancel(void *srv, void *qh)
{
	(void)srv;
	free(qh);
	return 0;
}

static bool
same_b64(const unsigned char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n')
			a++;
		while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
			b++;
		if (*a != (unsigned char)*b)
			return false;
		if (*a == '\0')
			return true;
		a++;
		b++;
	}
}

/*
 * Before any key is fetched: pair libopendkim's signatures with ours by
 * b= and make it skip those we have already decided (design.md 3a), so it
 * fetches only keys we found usable.
 */
static DKIM_CBSTAT
prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	static unsigned char tag_b[] = "b";
	struct odkim_ctx *ctx = dkim_get_user_context(dkim);
	unsigned char *b;
	size_t j;
	int i;

	for (i = 0; i < nsigs; i++) {
		b = dkim_sig_gettagvalue(sigs[i], false, tag_b);
		for (j = 0; b != NULL && j < ctx->n; j++)
			if (ctx->match[j] == NULL && ctx->c[j].want &&
			    same_b64(b, ctx->c[j].b))
				break;
		if (b == NULL || j == ctx->n)
			dkim_sig_ignore(sigs[i]);
		else
			ctx->match[j] = sigs[i];
	}
	return DKIM_CBSTAT_CONTINUE;
}

/*
 * libopendkim checks x= and t= against time(), not against DKIM_OPTS_
 * FIXEDTIME, using the clock drift on both sides (expired: now >= x +
 * drift; future: now < t - drift, in unsigned arithmetic).  Our clock
 * (--now) decides both, so pick a drift that makes neither fire: no more
 * than any t= (no wrap), and large enough for any x=.
 */
static uint64_t
clock_drift(const struct aa_dkim_crypto *c, size_t n)
{
	uint64_t drift = (uint64_t)1 << 40;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].want && c[i].has_t && c[i].t >= 0 &&
		    (uint64_t)c[i].t < drift)
			drift = (uint64_t)c[i].t;
	return drift;
}

static DKIM_LIB *
lib_new(struct odkim_ctx *ctx, char *err, size_t errlen)
{
	DKIM_LIB *lib;
	uint32_t flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	u_int minbits = 0;
	uint64_t drift = clock_drift(ctx->c, ctx->n);

	if ((lib = dkim_init(NULL, NULL)) == NULL) {
		snprintf(err, errlen, "libopendkim: dkim_init failed");
		return NULL;
	}
	/* Option sizes must be exact, else DKIM_STAT_INVALID (libraries.md). */
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof(flags)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minbits,
	    sizeof(minbits)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_CLOCKDRIFT, &drift,
	    sizeof(drift)) != DKIM_STAT_OK) {
		snprintf(err, errlen, "libopendkim: options refused");
		dkim_close(lib);
		return NULL;
	}
	(void)dkim_dns_set_query_service(lib, ctx);
	dkim_dns_set_init(lib, hook_init);
	dkim_dns_set_close(lib, hook_close);
	dkim_dns_set_query_start(lib, hook_start);
	dkim_dns_set_query_waitreply(lib, hook_wait);
	dkim_dns_set_query_cancel(lib, hook_cancel);
	(void)dkim_set_prescreen(lib, prescreen);
	return lib;
}

static void
collect(struct odkim_ctx *ctx)
{
	struct aa_dkim_crypto *c;
	unsigned flags;
	const char *s;
	size_t j;

	for (j = 0; j < ctx->n; j++) {
		c = &ctx->c[j];
		if (ctx->match[j] == NULL)
			continue;
		flags = dkim_sig_getflags(ctx->match[j]);
		c->error = dkim_sig_geterror(ctx->match[j]);
		s = dkim_sig_geterrorstr(c->error);
		snprintf(c->errstr, sizeof(c->errstr), "%s",
		    s != NULL ? s : "unknown");
		if ((flags & DKIM_SIGFLAG_PROCESSED) == 0)
			continue;
		c->done = true;
		c->header_ok = (flags & DKIM_SIGFLAG_PASSED) != 0;
		c->bh = dkim_sig_getbh(ctx->match[j]);
	}
}

enum aa_status
aa_dkim_crypto_run(struct aa_dns *dns, const uint8_t *msg, size_t len,
    struct aa_dkim_crypto *c, size_t n, char *err, size_t errlen)
{
	static const unsigned char id[] = "authaudit";
	struct odkim_ctx ctx;
	DKIM_LIB *lib;
	DKIM_STAT st;
	DKIM *d;
	unsigned char *copy;
	size_t i;

	for (i = 0; i < n; i++) {
		c[i].done = c[i].header_ok = false;
		c[i].bh = AA_DKIM_BH_UNTESTED;
		c[i].error = 0;
		c[i].errstr[0] = '\0';
	}
	ctx.dns = dns;
	ctx.c = c;
	ctx.n = n;
	ctx.match = aa_xcalloc(n + 1, sizeof(*ctx.match));
	if ((lib = lib_new(&ctx, err, errlen)) == NULL) {
		free(ctx.match);
		return AA_EINVAL;
	}
	if ((d = dkim_verify(lib, id, NULL, &st)) == NULL) {
		snprintf(err, errlen, "libopendkim: %s", dkim_getresultstr(st));
		dkim_close(lib);
		free(ctx.match);
		return AA_EINVAL;
	}
	(void)dkim_set_user_context(d, &ctx);
	/* dkim_chunk() wants writable octets. */
	copy = aa_xmalloc(len + 1);
	memcpy(copy, msg, len);
	st = len > 0 ? dkim_chunk(d, copy, len) : DKIM_STAT_OK;
	if (st == DKIM_STAT_OK)
		st = dkim_chunk(d, NULL, 0);
	if (st == DKIM_STAT_OK)
		(void)dkim_eom(d, NULL);
	collect(&ctx);
	for (i = 0; i < n; i++)
		if (c[i].want && ctx.match[i] == NULL)
			snprintf(c[i].errstr, sizeof(c[i].errstr), "the message "
			    "was not processed (%s)", dkim_geterror(d) != NULL ?
			    dkim_geterror(d) : dkim_getresultstr(st));
	free(copy);
	dkim_free(d);
	dkim_close(lib);
	free(ctx.match);
	return AA_OK;
}

bool
aa_dkim_crypto_l_too_large(int error)
{
	return error == DKIM_SIGERROR_TOOLARGE_L;
}

bool
aa_dkim_crypto_key_error(int error)
{
	switch (error) {
	case DKIM_SIGERROR_NOKEY:
	case DKIM_SIGERROR_DNSSYNTAX:
	case DKIM_SIGERROR_KEYFAIL:
	case DKIM_SIGERROR_MULTIREPLY:
	case DKIM_SIGERROR_KEYVERSION:
	case DKIM_SIGERROR_KEYUNKNOWNHASH:
	case DKIM_SIGERROR_KEYHASHMISMATCH:
	case DKIM_SIGERROR_NOTEMAILKEY:
	case DKIM_SIGERROR_KEYTYPEMISSING:
	case DKIM_SIGERROR_KEYTYPEUNKNOWN:
	case DKIM_SIGERROR_KEYREVOKED:
	case DKIM_SIGERROR_KEYDECODE:
	case DKIM_SIGERROR_KEYTOOSMALL:
		return true;
	default:
		return false;
	}
}
