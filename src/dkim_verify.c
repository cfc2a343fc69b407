/*
 * dkim_verify.c: every DKIM-Signature of a message, each with its result
 * in RFC 8601 words, the first applicable rule of design.md 3a deciding
 * result and error, and findings that name the cause.  libopendkim only
 * reports whether the body hash and the header signature hold
 * (dkim_opendkim.c); the facts come from our own parsers (dkim_tags.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_dkim.h"
#include "aa_dns.h"
#include "aa_msg.h"
#include "aa_report.h"
#include "aa_xmalloc.h"
#include "dkim_int.h"

/*
 * design.md 3a makes a malformed signature a permerror but 3b has no id
 * for it: dkim-signature-invalid is our addition (3b's list grows; no id
 * is renamed), so that "malformed" is never read as "a header changed".
 */
#define F_MALFORMED	AA_F_DKIM_SIGNATURE_INVALID

/* Headers an attacker most wants to add a copy of (RFC 6376 8.15). */
static const char *const oversign[] = { "from", "subject", "to" };

struct sigwork {
	struct aa_dkim_sigtags	 g;
	struct aa_dkim_keyrec	 k;
	bool		 have_key;	/* k parsed and usable */
	bool		 decided;
	const char	*result;
	enum aa_code	 error;
	char		*msg;		/* the error finding's text */
	struct aa_dkim_crypto c;	/* as receivers see the bytes */
	char		*name;		/* SEL._domainkey.DOMAIN */
	char		*note;		/* extra words for msg */
	const struct aa_rr *keyrr;	/* the key record, for origins */
	bool		 soft;		/* msg is only a warning */
};

static void
decide(struct sigwork *w, const char *result, enum aa_code error,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
decide(struct sigwork *w, const char *result, enum aa_code error,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (w->decided)
		return;
	w->decided = true;
	w->result = result;
	w->error = error;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w->msg = aa_xstrdup(buf);
}

static void
add_note(struct sigwork *w, const char *s)
{
	char *n;

	if (w->note == NULL) {
		w->note = aa_xstrdup(s);
		return;
	}
	n = aa_xasprintf("%s %s", w->note, s);
	free(w->note);
	w->note = n;
}

/* Rule 1 of design.md 3a: malformed or unsupported signature. */
static void
rule_malformed(struct sigwork *w)
{
	if (w->g.error == AA_DKIM_SIG_OK)
		return;
	if (w->g.error == AA_DKIM_SIG_FROM_NOT_SIGNED)
		decide(w, "permerror", AA_F_DKIM_FROM_NOT_SIGNED, "the "
		    "signature does not cover From, so it says nothing about "
		    "the author; RFC 6376 5.4 requires From in h=");
	else
		decide(w, "permerror", F_MALFORMED, "malformed or "
		    "unsupported signature: %s; receivers ignore it "
		    "(RFC 6376 6.1.1)", w->g.why);
}

/* Rule 2: x= before the clock (RFC 6376 3.5; no drift, design.md 3a). */
static void
rule_expired(struct sigwork *w, int64_t now)
{
	if (w->g.has_x && w->g.x < now)
		decide(w, "permerror", AA_F_DKIM_EXPIRED, "the signature "
		    "expired at x=%lld, %lld seconds before the time of the "
		    "check (%lld)", (long long)w->g.x,
		    (long long)(now - w->g.x), (long long)now);
}

/* Rules 3 and 4: the key record, as the DNS layer answers it. */
static void
rule_key(struct sigwork *w, struct aa_dns *dns)
{
	const struct aa_answer *a;
	char why[200];

	if (w->decided)
		return;
	if (aa_dns_query(dns, w->name, AA_TYPE_TXT, &a) != AA_OK) {
		decide(w, "permerror", AA_F_DKIM_KEY_NOT_FOUND, "%s is not a "
		    "valid DNS name, so no key can be fetched", w->name);
		return;
	}
	if (aa_rcode_temporary(a->rcode)) {
		decide(w, "temperror", AA_F_DKIM_TEMPERROR, "the key lookup "
		    "of %s failed with %s: the result is undetermined and "
		    "receivers defer or treat the signature as not "
		    "verified; this is not a missing key",
		    w->name, aa_rcode_str(a->rcode));
		return;
	}
	if (a->rcode == AA_RCODE_NXDOMAIN || a->nrr == 0) {
		decide(w, "permerror", AA_F_DKIM_KEY_NOT_FOUND, "no key "
		    "record at %s (%s): publish the selector's public key "
		    "there, or sign with a selector that is published",
		    w->name, a->rcode == AA_RCODE_NXDOMAIN ? "NXDOMAIN" :
		    "no TXT record");
		return;
	}
	if (a->nrr > 1) {
		w->keyrr = &a->rr[0];
		decide(w, "permerror", AA_F_DKIM_KEY_MULTIPLE_RECORDS, "%zu "
		    "TXT records at %s: a verifier cannot tell which is the "
		    "key ; keep exactly one", a->nrr,
		    w->name);
		return;
	}
	w->keyrr = &a->rr[0];
	(void)aa_dkim_key_parse(a->rr[0].joined.data, a->rr[0].joined.len,
	    &w->k);
	switch (w->k.error) {
	case AA_DKIM_KEY_OK:
		break;
	case AA_DKIM_KEY_REVOKED:
		decide(w, "permerror", AA_F_DKIM_KEY_REVOKED, "the key at %s "
		    "has an empty p=: it is revoked, and "
		    "every signature made with it fails", w->name);
		return;
	case AA_DKIM_KEY_TOO_LARGE:
		decide(w, "permerror", AA_F_DKIM_KEY_TOO_LARGE, "the key at "
		    "%s is unusable: %s", w->name, w->k.why);
		return;
	case AA_DKIM_KEY_INVALID:
		decide(w, "permerror", AA_F_DKIM_KEY_INVALID, "the key record "
		    "at %s is unusable: %s", w->name, w->k.why);
		return;
	}
	if (!aa_dkim_key_fits(&w->k, &w->g, why, sizeof(why))) {
		decide(w, "permerror", AA_F_DKIM_KEY_INVALID, "the key at %s "
		    "cannot verify this signature: %s",
		    w->name, why);
		return;
	}
	w->have_key = true;
}

/* The keys still needed, asked at once; rule_key() reads the cache. */
static void
prefetch_keys(struct aa_dns *dns, const struct sigwork *w, size_t n)
{
	struct aa_question *q = aa_xcalloc(n + 1, sizeof(*q));
	const struct aa_answer **a = aa_xcalloc(n + 1, sizeof(*a));
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!w[i].decided) {
			q[k].name = w[i].name;
			q[k++].type = AA_TYPE_TXT;
		}
	if (k > 1)
		(void)aa_dns_query_many(dns, q, k, a);
	free(q);
	free(a);
}

/* Rule 5: RFC 8301 3.1 and 3.2. */
static void
rule_8301(struct sigwork *w)
{
	if (w->g.alg == AA_DKIM_ALG_RSA_SHA1)
		decide(w, "permerror", AA_F_DKIM_SHA1, "a=rsa-sha1: RFC 8301 "
		    "3.1 says verifiers must not consider rsa-sha1 signatures "
		    "valid; sign with rsa-sha256");
	else if (w->have_key && w->k.k == AA_DKIM_K_RSA && w->k.bits < 1024)
		decide(w, "permerror", AA_F_DKIM_KEY_TOO_SMALL, "the RSA key "
		    "at %s has %u bits: RFC 8301 3.2 says keys under 1024 "
		    "bits must not be considered valid; publish a 2048-bit "
		    "key", w->name, w->k.bits);
}


static bool
fits_opendkim(const struct aa_dkim_keyrec *k)
{
	size_t keylen = k->k == AA_DKIM_K_ED25519 ? k->keylen : k->spkilen;

	/* "v=DKIM1; k=rsa; p=" and the base64 (dkim_opendkim.c). */
	return 18 + (keylen + 2) / 3 * 4 <= AA_DKIM_ODKIM_MAX_RECORD;
}

static const char *
l_note(const struct sigwork *w)
{
	return w->g.has_l ? " The signature has l=, so only the first l= "
	    "octets count: those changed." : "";
}

/* Rules 6 to 8 from the crypto outcome. */
static void
rule_crypto(struct sigwork *w, bool headers_only)
{
	const struct aa_dkim_crypto *c = &w->c;

	if (w->decided)
		return;
	if (!c->done && aa_dkim_crypto_l_too_large(c->error)) {
		decide(w, "fail", AA_F_DKIM_BODY_HASH_MISMATCH, "the body is "
		    "shorter than l=%llu: content was removed after signing",
		    (unsigned long long)w->g.l);
		return;
	}
	if (!c->done) {
		decide(w, "permerror", aa_dkim_crypto_key_error(c->error) ?
		    AA_F_DKIM_KEY_INVALID : F_MALFORMED, "libopendkim could "
		    "not verify the signature "
		    "with the key at %s: %s", w->name, c->errstr);
		return;
	}
	if (!c->header_ok)
		decide(w, "fail", AA_F_DKIM_SIGNATURE_MISMATCH, "the "
		    "signature over the signed header fields does not verify: "
		    "a field listed in h= changed after signing (a forwarder "
		    "or list rewrote it), or the key published at %s is not "
		    "the one that signed", w->name);
	else if (headers_only)
		decide(w, "neutral", AA_F_DKIM_BODY_UNAVAILABLE, "only the "
		    "headers were returned, so the body hash cannot be "
		    "checked; the signature over the header fields verified "
		    "with the key at %s", w->name);
	else if (c->bh == AA_DKIM_BH_MISMATCH)
		decide(w, "fail", AA_F_DKIM_BODY_HASH_MISMATCH, "the body "
		    "hash (bh=) does not match: the body changed after "
		    "signing (a footer, a disclaimer, re-encoding or line "
		    "wrapping by a relay or list), while the signed header "
		    "fields are intact.%s", l_note(w));
	else
		w->result = "pass";
}

/* How many fields called name the message has. */
static size_t
field_count(const struct aa_msg *msg, const char *name)
{
	size_t n = 0;

	while (aa_msg_find(msg, name, n) >= 0)
		n++;
	return n;
}

static size_t
h_count(const struct aa_dkim_sigtags *g, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < g->nh; i++)
		if (strcmp(g->h[i], name) == 0)
			n++;
	return n;
}

static void
warn_oversign(struct aa_report *rep, const struct sigwork *w,
    const struct aa_msg *msg)
{
	char list[64] = "";
	size_t i;

	if (w->g.nh == 0)
		return;
	for (i = 0; i < sizeof(oversign) / sizeof(oversign[0]); i++) {
		if (strcmp(oversign[i], "from") == 0 && h_count(&w->g,
		    "from") == 0)
			continue;	/* dkim-from-not-signed says it */
		if (h_count(&w->g, oversign[i]) > field_count(msg, oversign[i]))
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", list[0] != '\0' ? ", " : "", oversign[i]);
	}
	if (list[0] != '\0')
		aa_report_add(rep, AA_F_DKIM_HEADER_NOT_OVERSIGNED, w->name,
		    "h= lists %s no more often than the message has them: a "
		    "copy can be prepended without breaking the signature, and "
		    "mail clients show the top one; list each once more than "
		    "it occurs", list);
}

/* Findings that do not decide the result. */
static void
warnings(struct aa_report *rep, const struct sigwork *w,
    const struct aa_msg *msg, int64_t now)
{
	if (w->have_key && w->k.k == AA_DKIM_K_RSA && w->k.bits >= 1024 &&
	    w->k.bits < 2048)
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_SMALL, w->name, "the RSA "
		    "key has %u bits: valid, but RFC 8301 3.2 asks for at "
		    "least 2048", w->k.bits)->severity = AA_SEV_WARNING;
	if (w->g.has_l)
		aa_report_add(rep, AA_F_DKIM_LENGTH_TAG, w->name, "l=%llu: "
		    "only the first %llu octets of the body are signed, so "
		    "anyone can append content that still verifies; sign "
		    "without l=", (unsigned long long)w->g.l,
		    (unsigned long long)w->g.l);
	/* OpenDKIM's dkim_get_key() reads 1024 octets of the record. */
	if (w->have_key && !w->soft && w->keyrr != NULL &&
	    w->keyrr->joined.len > AA_DKIM_ODKIM_MAX_RECORD)
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_LARGE, w->name, "the key "
		    "record is %zu octets: OpenDKIM receivers read only the "
		    "first %d and fail the signature; shorten the record "
		    "(drop n= notes) or use a 2048-bit key",
		    w->keyrr->joined.len,
		    AA_DKIM_ODKIM_MAX_RECORD)->severity = AA_SEV_WARNING;
	if (w->have_key && w->k.testing)
		aa_report_add(rep, AA_F_DKIM_TESTING, w->name, "the key has "
		    "t=y (testing): receivers may treat the signature as "
		    "unsigned; remove t=y once it works");
	if (w->g.has_t && w->g.t > now)
		aa_report_add(rep, AA_F_DKIM_TIMESTAMP_FUTURE, w->name,
		    "t=%lld is %lld seconds after the time of the check: the "
		    "signer's clock is wrong, and receivers may ignore the "
		    "signature", (long long)w->g.t,
		    (long long)(w->g.t - now));
	if (w->g.error != AA_DKIM_SIG_FROM_NOT_SIGNED)
		warn_oversign(rep, w, msg);
}

/* Copy the facts into the report's signature. */
static void
fill_sig(struct aa_report *rep, struct aa_dkim_sig *s,
    const struct sigwork *w)
{
	const struct aa_dkim_sigtags *g = &w->g;
	size_t i;
	char *a;

	s->domain = aa_report_strdup(rep, g->d);
	s->selector = aa_report_strdup(rep, g->s);
	if (g->a != NULL) {
		a = aa_report_strdup(rep, g->a);
		for (i = 0; a[i] != '\0'; i++)
			a[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 :
			    a[i]);
		s->algorithm = a;
	}
	s->canonicalization = aa_report_strdup(rep, g->canon);
	s->identity = aa_report_strdup(rep, g->identity);
	if (g->has_t)
		s->timestamp = AA_INT(g->t);
	if (g->has_x)
		s->expiration = AA_INT(g->x);
	for (i = 0; i < g->nh; i++)
		*AA_VEC_PUSH(rep->arena, s->headers_signed) =
		    aa_report_strdup(rep, g->h[i]);
	if (g->has_l)
		s->body_length = AA_INT((long long)g->l);
	if (w->k.bits != 0)
		s->key_bits = AA_INT(w->k.bits);
	if (w->k.key != NULL || w->k.error == AA_DKIM_KEY_REVOKED) {
		s->key_flags = aa_report_strdup(rep, w->k.flags);
		s->testing = AA_TRI(w->k.testing);
	}
	s->result = w->result;
	s->error = w->decided ? aa_finding_info(w->error)->id : NULL;
}

static const char *
author(const struct aa_report *rep)
{
	if (rep->input != NULL && rep->input->from_domain != NULL)
		return rep->input->from_domain;
	return "message";
}

/*
 * The message with mbox ">From " quoting undone in the body (RFC 4155:
 * one '>' is removed from lines matching ^>+From ).  NULL when the body
 * has no such line.
 */
static uint8_t *
mbox_unquote(const uint8_t *p, size_t len, size_t body, size_t *outlen)
{
	uint8_t *o;
	size_t i, n = 0, j;
	bool any = false, bol;

	o = aa_xmalloc(len + 1);
	memcpy(o, p, body);
	n = body;
	for (i = body; i < len; i++) {
		bol = i == body || p[i - 1] == '\n';
		if (bol && p[i] == '>') {
			for (j = i; j < len && p[j] == '>'; j++)
				;
			if (len - j >= 5 && memcmp(p + j, "From ", 5) == 0) {
				any = true;
				continue;	/* drop this '>' */
			}
		}
		o[n++] = p[i];
	}
	if (!any) {
		free(o);
		return NULL;
	}
	*outlen = n;
	return o;
}

/* Run libopendkim over bytes for the signatures marked in want. */
static void
crypto(struct aa_dns *dns, struct sigwork *w, size_t n, const uint8_t *p,
    size_t len, const bool *want, struct aa_dkim_crypto *out)
{
	char err[160];
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].b = w[i].g.b;
		out[i].want = want[i];
		out[i].has_t = w[i].g.has_t;
		out[i].t = w[i].g.t;
	}
	if (aa_dkim_crypto_run(dns, p, len, out, n, err, sizeof(err)) !=
	    AA_OK)
		for (i = 0; i < n; i++)
			snprintf(out[i].errstr, sizeof(out[i].errstr), "%.100s",
			    err);
}

/* Which signatures still need the crypto. */
static size_t
pending(const struct sigwork *w, size_t n, bool *want)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		want[i] = !w[i].decided && w[i].have_key &&
		    fits_opendkim(&w[i].k);
		k += want[i];
	}
	return k;
}

/*
 * A body-hash failure explained by the file rather than the mail: mbox
 * ">From " quoting (RFC 4155).
 */
static void
diagnose_body(struct aa_dns *dns, struct aa_report *rep, struct sigwork *w,
    size_t n, const struct aa_msg *msg)
{
	struct aa_dkim_crypto *alt = aa_xcalloc(n, sizeof(*alt));
	bool *want = aa_xcalloc(n, sizeof(*want));
	size_t i, k = 0, len, ulen;
	const uint8_t *p = aa_msg_crlf(msg, &len);
	uint8_t *u;

	for (i = 0; i < n; i++) {
		want[i] = w[i].c.done && w[i].c.header_ok &&
		    w[i].c.bh == AA_DKIM_BH_MISMATCH;
		k += want[i];
	}
	if (k > 0 && (u = mbox_unquote(p, len, aa_msg_crlf_body_offset(msg),
	    &ulen)) != NULL) {
		crypto(dns, w, n, u, ulen, want, alt);
		free(u);
		for (i = 0; i < n; i++)
			if (want[i] && alt[i].done && alt[i].header_ok &&
			    alt[i].bh == AA_DKIM_BH_MATCH) {
				aa_report_add(rep, AA_F_DKIM_MBOX_QUOTING,
				    w[i].name, "the body hash matches once "
				    "mbox \">From \" quoting is undone: the "
				    "file was stored in an mbox that changed "
				    "the body, and the mail as sent was "
				    "probably intact");
				add_note(&w[i], "Undoing mbox \">From \" "
				    "quoting makes it match: the change is the "
				    "mailbox file's, not the mail's.");
				want[i] = false;
			}
	}
	free(alt);
	free(want);
}

static void
line_endings(struct aa_report *rep, const struct aa_msg *msg)
{
	struct aa_finding *f;

	switch (aa_msg_eol(msg)) {
	case AA_EOL_LF:
		aa_report_add(rep, AA_F_DKIM_LINE_ENDINGS, author(rep), "the "
		    "file has LF-only line endings; it was verified as CRLF, "
		    "the form it has in SMTP, as every reference verifier "
		    "does");
		break;
	case AA_EOL_MIXED:
		f = aa_report_add(rep, AA_F_DKIM_LINE_ENDINGS, author(rep),
		    "the file mixes CRLF and bare LF line endings; bare LFs "
		    "were verified as CRLF, but receivers that reject or "
		    "keep bare LFs (SMTP smuggling defences) see other "
		    "bytes");
		f->severity = AA_SEV_WARNING;
		break;
	default:
		break;
	}
}

/* Findings about the key record point at its zone file line. */
static void
key_origins(struct aa_report *rep, const struct aa_dkim_sig *s,
    const struct sigwork *w)
{
	struct aa_finding *f;
	size_t i;

	if (w->keyrr == NULL || w->keyrr->file == NULL)
		return;
	for (i = 0; i < s->findings_n; i++) {
		f = &rep->findings.v[s->findings_at + i];
		switch (f->code) {
		case AA_F_DKIM_KEY_REVOKED:
		case AA_F_DKIM_KEY_INVALID:
		case AA_F_DKIM_KEY_MULTIPLE_RECORDS:
		case AA_F_DKIM_KEY_TOO_SMALL:
		case AA_F_DKIM_KEY_TOO_LARGE:
		case AA_F_DKIM_TESTING:
			f->origin.file = aa_report_strdup(rep,
			    w->keyrr->file);
			f->origin.line = w->keyrr->line;
			break;
		default:
			break;
		}
	}
}

static void
report_sig(struct aa_report *rep, struct sigwork *w, size_t idx,
    const struct aa_msg *msg, int64_t now)
{
	struct aa_dkim_sig *s = AA_VEC_PUSH(rep->arena, rep->dkim->signatures);
	struct aa_finding *f;

	s->findings_at = rep->findings.n;
	if (w->decided && w->msg != NULL) {
		f = aa_report_add(rep, w->error, w->name, "signature %zu "
		    "(d=%s s=%s): %s%s%s", idx, w->g.d != NULL ? w->g.d : "?",
		    w->g.s != NULL ? w->g.s : "?", w->msg,
		    w->note != NULL ? " " : "", w->note != NULL ? w->note :
		    "");
		if (w->soft)
			f->severity = AA_SEV_WARNING;
	}
	warnings(rep, w, msg, now);
	s->findings_n = rep->findings.n - s->findings_at;
	key_origins(rep, s, w);
	fill_sig(rep, s, w);
}

static void
work_free(struct sigwork *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		aa_dkim_sig_clear(&w[i].g);
		aa_dkim_key_clear(&w[i].k);
		free(w[i].msg);
		free(w[i].name);
		free(w[i].note);
	}
	free(w);
}

static void
parse_all(const struct aa_report *rep, const struct aa_msg *msg,
    struct sigwork *w, size_t n)
{
	const struct aa_msg_field *f;
	size_t i;

	for (i = 0; i < n; i++) {
		f = aa_msg_field(msg, (size_t)aa_msg_find(msg,
		    "DKIM-Signature", i));
		(void)aa_dkim_sig_parse(f->value, f->valuelen, &w[i].g);
		/* Findings name the key (design.md 3a "Regression"). */
		if (w[i].g.s != NULL && w[i].g.d != NULL)
			w[i].name = aa_xasprintf("%s._domainkey.%s", w[i].g.s,
			    w[i].g.d);
		else
			w[i].name = aa_xstrdup(author(rep));
		w[i].result = "permerror";
	}
}

enum aa_status
aa_dkim_verify(struct aa_dns *dns, struct aa_report *rep,
    const struct aa_msg *msg, const struct aa_dkim_params *params)
{
	size_t max = params->max_sigs != 0 ? params->max_sigs :
	    AA_DKIM_MAX_SIGS, total, n, i, len;
	struct sigwork *w;
	const uint8_t *p;
	bool *want;

	if (rep->dkim == NULL)
		rep->dkim = aa_arena_alloc(rep->arena, sizeof(*rep->dkim));
	total = field_count(msg, "DKIM-Signature");
	if (total == 0) {
		aa_report_add(rep, AA_F_DKIM_NONE, author(rep), "the message "
		    "has no DKIM-Signature: DMARC can then pass only through "
		    "aligned SPF, which forwarding breaks; sign with d= the "
		    "author domain");
		return AA_OK;
	}
	n = total < max ? total : max;
	w = aa_xcalloc(n, sizeof(*w));
	parse_all(rep, msg, w, n);
	for (i = 0; i < n; i++) {
		rule_malformed(&w[i]);
		rule_expired(&w[i], params->now);
	}
	prefetch_keys(dns, w, n);
	for (i = 0; i < n; i++) {
		rule_key(&w[i], dns);
		rule_8301(&w[i]);
	}
	/* An LF-only or mixed file is verified as CRLF (RFC 5322 2.1). */
	p = aa_msg_crlf(msg, &len);
	want = aa_xcalloc(n, sizeof(*want));
	if (pending(w, n, want) > 0) {
		struct aa_dkim_crypto *c = aa_xcalloc(n, sizeof(*c));

		crypto(dns, w, n, p, len, want, c);
		for (i = 0; i < n; i++)
			if (want[i])
				w[i].c = c[i];
		free(c);
		if (!params->headers_only)
			diagnose_body(dns, rep, w, n, msg);
	}
	for (i = 0; i < n; i++) {
		if (!w[i].decided && w[i].have_key && !want[i]) {
			/* Valid (RFC 8301 3.2), but OpenDKIM cannot read it. */
			w[i].soft = true;
			decide(&w[i], "neutral", AA_F_DKIM_KEY_TOO_LARGE, "the "
			    "%u-bit key at %s does not fit the 1024 octets "
			    "libopendkim (OpenDKIM) reads of a key record, so "
			    "it was not verified here and OpenDKIM receivers "
			    "fail it; a 2048-bit key fits everywhere",
			    w[i].k.bits, w[i].name);
		} else if (want[i])
			rule_crypto(&w[i], params->headers_only);
	}
	line_endings(rep, msg);
	for (i = 0; i < n; i++)
		report_sig(rep, &w[i], i + 1, msg, params->now);
	if (total > n)
		/* design.md 5: a header cap; the first n were checked. */
		aa_report_add(rep, AA_F_MSG_TOO_LARGE, author(rep), "the "
		    "message has %zu DKIM signatures; only the first %zu were "
		    "verified", total, n)->severity = AA_SEV_WARNING;
	free(want);
	work_free(w, n);
	return AA_OK;
}

/*
 * A passing signature whose d= does not align, when none aligns: DMARC
 * gets nothing from DKIM (RFC 7489 3.1.1).  Once per signature, as settle
 * may run again.
 */
static void
not_aligned(struct aa_report *rep, const struct aa_dkim_sig *s)
{
	const char *adkim = rep->dmarc != NULL && rep->dmarc->adkim != NULL ?
	    rep->dmarc->adkim : "r";
	char *name = aa_xasprintf("%s._domainkey.%s", s->selector, s->domain);
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == AA_F_DKIM_NOT_ALIGNED &&
		    strcmp(rep->findings.v[i].subject, name) == 0)
			break;
	if (i == rep->findings.n)
		aa_report_add(rep, AA_F_DKIM_NOT_ALIGNED, name, "d=%s passes "
		    "but does not align with the author domain %s under "
		    "adkim=%s, so DMARC cannot use it; sign with d= the author "
		    "domain%s", s->domain, author(rep), adkim,
		    strcmp(adkim, "s") == 0 ? " itself" : " or its "
		    "organizational domain");
	free(name);
}

void
aa_dkim_settle(struct aa_report *rep)
{
	const struct aa_dkim_sig *s;
	struct aa_finding *f;
	bool aligned_pass = false;
	size_t i, j;

	if (rep->dkim == NULL)
		return;
	for (i = 0; i < rep->dkim->signatures.n; i++) {
		s = &rep->dkim->signatures.v[i];
		if (s->result != NULL && strcmp(s->result, "pass") == 0 &&
		    s->aligned == AA_TRI_TRUE)
			aligned_pass = true;
	}
	for (i = 0; i < rep->dkim->signatures.n && !aligned_pass; i++) {
		s = &rep->dkim->signatures.v[i];
		if (s->result != NULL && strcmp(s->result, "pass") == 0 &&
		    s->aligned == AA_TRI_FALSE && s->domain != NULL &&
		    s->selector != NULL)
			not_aligned(rep, s);
	}
	/*
	 * design.md 3a "Severity": a signature that does not pass is an
	 * error only when no signature passes aligned; else, and under a
	 * t=y key, a warning.
	 */
	for (i = 0; i < rep->dkim->signatures.n; i++) {
		s = &rep->dkim->signatures.v[i];
		if (s->result != NULL && strcmp(s->result, "pass") == 0)
			continue;
		if (!aligned_pass && s->testing != AA_TRI_TRUE)
			continue;
		for (j = 0; j < s->findings_n; j++) {
			f = &rep->findings.v[s->findings_at + j];
			if (f->severity == AA_SEV_ERROR)
				f->severity = AA_SEV_WARNING;
		}
	}
}
