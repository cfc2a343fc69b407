/*
 * test_dkim.c: the DKIM parsers (tag-list, signature, key record) and
 * aa_dkim_verify() over zone-served keys: results, errors and findings of
 * design.md 3a/3b.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_dkim.h"
#include "aa_dns.h"
#include "aa_msg.h"
#include "aa_report.h"
#include "helpers.h"
#include "../../src/dkim_int.h"

#define NOW_8463	1528700000	/* after the RFC 8463 example's t= */

static const char zone_8463[] =
    "brisbane._domainkey.football.example.com. 300 IN TXT "
    "\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
    "test._domainkey.football.example.com. 300 IN TXT "
    "\"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR\" "
    "\"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC\" "
    "\"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3\" "
    "\"Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"\n";

static const char rsa_p[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhd"
    "R6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6"
    "lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

/* ---- tag-list (RFC 6376 3.2) ---- */

Test(dkim_tags, splits_and_trims)
{
	static const char in[] = " a = 1 ;\r\n\tbh=x y ; c=;";
	struct aa_dkim_tag t[8];
	size_t n;
	char err[128];

	cr_assert_eq(aa_dkim_tag_list((const uint8_t *)in, strlen(in), t, 8,
	    &n, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(n, 3);
	cr_assert_eq(t[0].namelen, 1);
	cr_assert(memcmp(t[0].value, "1", t[0].valuelen) == 0);
	cr_assert_eq(t[1].valuelen, 3);	/* inner FWS kept */
	cr_assert_eq(t[2].valuelen, 0);
}

Test(dkim_tags, duplicate_is_an_error)
{
	static const char in[] = "a=1; b=2; a=3";
	struct aa_dkim_tag t[8];
	size_t n;
	char err[128];

	cr_assert_eq(aa_dkim_tag_list((const uint8_t *)in, strlen(in), t, 8,
	    &n, err, sizeof(err)), AA_EPARSE);
	cr_assert(strstr(err, "twice") != NULL, "%s", err);
}

Test(dkim_tags, bad_specs)
{
	static const char *const bad[] = { "k=rsa; t; p=x", "1a=b",
	    "a=b\x01", "=x" };
	struct aa_dkim_tag t[8];
	size_t i, n;
	char err[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(aa_dkim_tag_list((const uint8_t *)bad[i],
		    strlen(bad[i]), t, 8, &n, err, sizeof(err)), AA_EPARSE,
		    "%s", bad[i]);
}

Test(dkim_tags, nul_and_caps)
{
	static const uint8_t nul[] = { 'a', '=', 'b', 0, 'c' };
	struct aa_dkim_tag t[2];
	size_t n;
	char err[128];

	cr_assert_eq(aa_dkim_tag_list(nul, sizeof(nul), t, 2, &n, err,
	    sizeof(err)), AA_EPARSE);
	cr_assert_eq(aa_dkim_tag_list((const uint8_t *)"a=1;b=2;c=3", 11, t,
	    2, &n, err, sizeof(err)), AA_ELIMIT);
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Junk biased to tag-list syntax: both parsers stay within the input
 * and either accept it or say why, with the first problem in words.
 */
Test(dkim_tags, junk)
{
	static const char alpha[] = "abhdsvpklqtx=;: \t\r\n/+=0123456789"
	    "ABDKIM1rsa-sha256ed25519@.";
	struct aa_dkim_sigtags g;
	struct aa_dkim_keyrec k;
	uint8_t *buf;
	uint32_t s = 1234567u;
	size_t i, n, round;

	for (round = 0; round < 3000; round++) {
		n = xorshift(&s) % 300;
		/* Heap, exactly n octets: ASan sees any read past them. */
		buf = malloc(n + 1);
		for (i = 0; i < n; i++)
			buf[i] = xorshift(&s) % 16 == 0 ?
			    (uint8_t)xorshift(&s) :
			    (uint8_t)alpha[xorshift(&s) % (sizeof(alpha) - 1)];
		if (aa_dkim_sig_parse(buf, n, &g) != AA_OK) {
			cr_assert_neq(g.error, AA_DKIM_SIG_OK);
			cr_assert_neq(g.why[0], '\0');
		}
		aa_dkim_sig_clear(&g);
		if (aa_dkim_key_parse(buf, n, &k) != AA_OK) {
			cr_assert_neq(k.error, AA_DKIM_KEY_OK);
			cr_assert_neq(k.why[0], '\0');
		}
		aa_dkim_key_clear(&k);
		free(buf);
	}
}

/* ---- DKIM-Signature (RFC 6376 3.5) ---- */

static enum aa_status
sigp(const char *s, struct aa_dkim_sigtags *g)
{
	return aa_dkim_sig_parse((const uint8_t *)s, strlen(s), g);
}

Test(dkim_sig, facts_and_defaults)
{
	struct aa_dkim_sigtags g;

	cr_assert_eq(sigp("v=1; a=RSA-SHA256; d=Example.COM; s=sel;\r\n"
	    " h=From : To:from; bh=AAAA; b=AA\r\n BB; c=relaxed; l=10;"
	    " t=100; x=200", &g), AA_OK, "%s", g.why);
	cr_assert_str_eq(g.d, "example.com");
	cr_assert_str_eq(g.canon, "relaxed/simple");
	cr_assert_str_eq(g.identity, "@example.com");
	cr_assert_eq(g.alg, AA_DKIM_ALG_RSA_SHA256);
	cr_assert_eq(g.nh, 3);
	cr_assert_str_eq(g.h[0], "from");
	cr_assert_str_eq(g.h[2], "from");
	cr_assert_str_eq(g.b, "AABB");
	cr_assert(g.has_l && g.l == 10);
	cr_assert(g.has_t && g.t == 100 && g.has_x && g.x == 200);
	aa_dkim_sig_clear(&g);
	cr_assert_eq(sigp("v=1; a=ed25519-sha256; d=a.b; s=s; h=from; "
	    "bh=AA==; b=AA==", &g), AA_OK, "%s", g.why);
	cr_assert_str_eq(g.canon, "simple/simple");
	aa_dkim_sig_clear(&g);
}

Test(dkim_sig, identity_quoted_printable)
{
	struct aa_dkim_sigtags g;

	cr_assert_eq(sigp("v=1; a=rsa-sha256; d=messiah.edu; s=s; h=from; "
	    "bh=AA==; b=AA==; i=jlong@messiah=2Eedu", &g), AA_OK, "%s", g.why);
	cr_assert_str_eq(g.identity, "jlong@messiah.edu");
	aa_dkim_sig_clear(&g);
	cr_assert_eq(sigp("v=1; a=rsa-sha256; d=messiah.edu; s=s; h=from; "
	    "bh=AA==; b=AA==; i=x@sub.MESSIAH.edu", &g), AA_OK, "%s", g.why);
	aa_dkim_sig_clear(&g);
	cr_assert_eq(sigp("v=1; a=rsa-sha256; d=messiah.edu; s=s; h=from; "
	    "bh=AA==; b=AA==; i=jon@example.org", &g), AA_EPARSE);
	cr_assert_eq(g.error, AA_DKIM_SIG_IDENTITY);
	aa_dkim_sig_clear(&g);
	cr_assert_eq(sigp("v=1; a=rsa-sha256; d=messiah.edu; s=s; h=from; "
	    "bh=AA==; b=AA==; i=x@notmessiah.edu", &g), AA_EPARSE);
	aa_dkim_sig_clear(&g);
}

struct badsig {
	char	in[160];
	int	err;
};

ParameterizedTestParameters(dkim_sig, malformed)
{
	static struct badsig p[] = {
		{ "a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==",
		    AA_DKIM_SIG_SYNTAX },
		{ "v=0.5; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==",
		    AA_DKIM_SIG_VERSION },
		{ "v=1; a=rsa-md5; d=x.y; s=s; h=from; bh=AA==; b=AA==",
		    AA_DKIM_SIG_ALGORITHM },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=to:subject; bh=AA==; "
		    "b=AA==", AA_DKIM_SIG_FROM_NOT_SIGNED },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=A!==",
		    AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==; "
		    "c=future", AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==; "
		    "q=http", AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==; "
		    "t=200; x=100", AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==; "
		    "l=ten", AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=-x.y; s=s; h=from; bh=AA==; b=AA==",
		    AA_DKIM_SIG_SYNTAX },
		{ "v=1; a=rsa-sha256; d=x.y; s=s; h=from::to; bh=AA==; b=AA==",
		    AA_DKIM_SIG_SYNTAX },
		{ "v=1; v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; b=AA==",
		    AA_DKIM_SIG_SYNTAX },
	};

	return cr_make_param_array(struct badsig, p, sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct badsig *p, dkim_sig, malformed)
{
	struct aa_dkim_sigtags g;

	cr_assert_eq(sigp(p->in, &g), AA_EPARSE, "%s", p->in);
	cr_assert_eq((int)g.error, p->err, "%s: %s", p->in, g.why);
	cr_assert(g.why[0] != '\0');
	aa_dkim_sig_clear(&g);
}

/* ---- key record (RFC 6376 3.6.1) ---- */

static enum aa_status
keyp(const char *s, struct aa_dkim_keyrec *k)
{
	return aa_dkim_key_parse((const uint8_t *)s, strlen(s), k);
}

Test(dkim_key, rsa_spki_and_pkcs1)
{
	struct aa_dkim_keyrec k, k2;
	char rec[512], *b64;

	snprintf(rec, sizeof(rec), "v=DKIM1; k=rsa; t=y:s; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_OK, "%s", k.why);
	cr_assert_eq(k.bits, 1024);
	cr_assert(k.testing && k.strict);
	cr_assert_str_eq(k.flags, "y:s");
	/* The bare RSAPublicKey inside the SPKI gives the same key. */
	b64 = aa_dkim_b64_encode(k.key + 22, k.keylen - 22);
	snprintf(rec, sizeof(rec), "p=%s", b64);
	free(b64);
	cr_assert_eq(keyp(rec, &k2), AA_OK, "%s", k2.why);
	cr_assert_eq(k2.bits, 1024);
	cr_assert_eq(k2.spkilen, k.keylen);
	cr_assert(memcmp(k2.spki, k.key, k.keylen) == 0);
	aa_dkim_key_clear(&k);
	aa_dkim_key_clear(&k2);
}

Test(dkim_key, ed25519)
{
	struct aa_dkim_keyrec k;

	cr_assert_eq(keyp("v=DKIM1; k=ed25519; "
	    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", &k), AA_OK);
	cr_assert_eq(k.bits, 256);
	cr_assert_eq(k.k, AA_DKIM_K_ED25519);
	aa_dkim_key_clear(&k);
	/* The SPKI form is not RFC 8463's raw key. */
	cr_assert_eq(keyp("k=ed25519; p=MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQH"
	    "Og7hcvPapiMlrwIaaPcHURo=", &k), AA_EPARSE);
	cr_assert_eq(k.error, AA_DKIM_KEY_INVALID);
	aa_dkim_key_clear(&k);
}

struct badkey {
	char	in[80];
	int	err;
};

ParameterizedTestParameters(dkim_key, unusable)
{
	static struct badkey p[] = {
		{ "v=DKIM1; p=", AA_DKIM_KEY_REVOKED },
		{ "k=rsa; t=y; p=", AA_DKIM_KEY_REVOKED },
		{ "v=DKIM1: g=*; p=AAAA", AA_DKIM_KEY_INVALID },
		{ "k=rsa; v=DKIM1; p=AAAA", AA_DKIM_KEY_INVALID },
		{ "v=DKIM1; k=foobar; p=AAAA", AA_DKIM_KEY_INVALID },
		{ "v=DKIM1; s=tlsrpt; p=", AA_DKIM_KEY_REVOKED },
		{ "v=DKIM1; k=rsa", AA_DKIM_KEY_INVALID },
		{ "v=DKIM1; p=!!!!", AA_DKIM_KEY_INVALID },
		{ "v=DKIM1; p=AAAA", AA_DKIM_KEY_INVALID },
		{ "", AA_DKIM_KEY_INVALID },
		{ "k=rsa; t; p=AAAA", AA_DKIM_KEY_INVALID },
	};

	return cr_make_param_array(struct badkey, p, sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct badkey *p, dkim_key, unusable)
{
	struct aa_dkim_keyrec k;

	cr_assert_eq(keyp(p->in, &k), AA_EPARSE, "%s", p->in);
	cr_assert_eq((int)k.error, p->err, "%s: %s", p->in, k.why);
	aa_dkim_key_clear(&k);
}

Test(dkim_key, service_and_nul)
{
	static const uint8_t nul[] = "v=DKIM1; p=AA\0AA";
	struct aa_dkim_keyrec k;
	char rec[512];

	snprintf(rec, sizeof(rec), "v=DKIM1; s=tlsrpt; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_EPARSE);
	cr_assert(strstr(k.why, "email") != NULL, "%s", k.why);
	aa_dkim_key_clear(&k);
	snprintf(rec, sizeof(rec), "v=DKIM1; s=email:web; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_OK, "%s", k.why);
	aa_dkim_key_clear(&k);
	cr_assert_eq(aa_dkim_key_parse(nul, sizeof(nul) - 1, &k), AA_EPARSE);
	cr_assert(strstr(k.why, "NUL") != NULL, "%s", k.why);
	aa_dkim_key_clear(&k);
}

/* An SPKI RSA key with a modulus of bits bits (all ones). */
static char *
big_key(unsigned bits)
{
	size_t mlen = bits / 8 + 1, i, n = 0;
	uint8_t *d = calloc(1, mlen + 64);
	char *b64, *rec;

	d[n++] = 0x30; d[n++] = 0x82; n += 2;	/* SPKI */
	memcpy(d + n, "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
	    "\x05\x00", 15);
	n += 15;
	d[n++] = 0x03; d[n++] = 0x82; n += 2; d[n++] = 0;
	d[n++] = 0x30; d[n++] = 0x82; n += 2;
	d[n++] = 0x02; d[n++] = 0x82;
	d[n++] = (uint8_t)(mlen >> 8); d[n++] = (uint8_t)mlen;
	d[n++] = 0;
	for (i = 1; i < mlen; i++)
		d[n++] = 0xff;
	d[n++] = 0x02; d[n++] = 0x03; d[n++] = 1; d[n++] = 0; d[n++] = 1;
	/* Fill in the lengths, innermost first. */
	d[26] = (uint8_t)((n - 28) >> 8); d[27] = (uint8_t)(n - 28);
	d[21] = (uint8_t)((n - 23) >> 8); d[22] = (uint8_t)(n - 23);
	d[2] = (uint8_t)((n - 4) >> 8); d[3] = (uint8_t)(n - 4);
	b64 = aa_dkim_b64_encode(d, n);
	rec = malloc(strlen(b64) + 8);
	sprintf(rec, "p=%s", b64);
	free(b64);
	free(d);
	return rec;
}

Test(dkim_key, rsa_size_limit)
{
	struct aa_dkim_keyrec k;
	char *rec;

	rec = big_key(8192);
	cr_assert_eq(keyp(rec, &k), AA_OK, "%s", k.why);
	cr_assert_eq(k.bits, 8192);
	aa_dkim_key_clear(&k);
	free(rec);
	rec = big_key(8200);
	cr_assert_eq(keyp(rec, &k), AA_EPARSE);
	cr_assert_eq(k.error, AA_DKIM_KEY_TOO_LARGE);
	cr_assert_eq(k.bits, 8200);
	aa_dkim_key_clear(&k);
	free(rec);
}

Test(dkim_key, fits)
{
	struct aa_dkim_keyrec k;
	struct aa_dkim_sigtags g;
	char rec[512], why[200];

	cr_assert_eq(sigp("v=1; a=rsa-sha256; d=x.y; s=s; h=from; bh=AA==; "
	    "b=AA==; i=@sub.x.y", &g), AA_OK);
	snprintf(rec, sizeof(rec), "h=sha1; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_OK);
	cr_assert_not(aa_dkim_key_fits(&k, &g, why, sizeof(why)));
	cr_assert(strstr(why, "sha256") != NULL, "%s", why);
	aa_dkim_key_clear(&k);
	snprintf(rec, sizeof(rec), "t=s; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_OK);
	cr_assert_not(aa_dkim_key_fits(&k, &g, why, sizeof(why)));
	aa_dkim_key_clear(&k);
	cr_assert_eq(keyp("k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa"
	    "aPcHURo=", &k), AA_OK);
	cr_assert_not(aa_dkim_key_fits(&k, &g, why, sizeof(why)));
	aa_dkim_key_clear(&k);
	snprintf(rec, sizeof(rec), "h=sha1:sha256; p=%s", rsa_p);
	cr_assert_eq(keyp(rec, &k), AA_OK);
	cr_assert(aa_dkim_key_fits(&k, &g, why, sizeof(why)));
	aa_dkim_key_clear(&k);
	aa_dkim_sig_clear(&g);
}

/* ---- verification over zone-served keys ---- */

static struct aa_msg *
load(const char *name)
{
	char path[256], err[256];
	struct aa_msg *m = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/msgs/%s", TESTDATA, name);
	cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
	cr_assert_eq(aa_msg_read(fp, NULL, &m, err, sizeof(err)), AA_OK,
	    "%s", err);
	fclose(fp);
	return m;
}

static struct aa_msg *
from_text(const char *text)
{
	struct aa_msg *m = NULL;
	char err[256];

	cr_assert_eq(aa_msg_parse((const uint8_t *)text, strlen(text), NULL,
	    &m, err, sizeof(err)), AA_OK, "%s", err);
	return m;
}

static struct aa_report *
verify(const char *zone, struct aa_msg *m, int64_t now, bool headers_only,
    struct aa_dns **dnsp)
{
	struct aa_dkim_params p = { .now = now, .headers_only = headers_only };
	struct aa_dns *dns = th_dns_from_zone(zone, true);
	struct aa_report *rep = aa_report_new("message");

	cr_assert_eq(aa_dkim_verify(dns, rep, m, &p), AA_OK);
	if (dnsp != NULL)
		*dnsp = dns;
	else
		aa_dns_free(dns);
	return rep;
}

static const struct aa_finding *
finding(const struct aa_report *rep, const char *id, const char *subject)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (strcmp(aa_finding_info(rep->findings.v[i].code)->id,
		    id) == 0 && (subject == NULL ||
		    strcmp(rep->findings.v[i].subject, subject) == 0))
			return &rep->findings.v[i];
	return NULL;
}

static const struct aa_dkim_sig *
sig(const struct aa_report *rep, size_t i)
{
	cr_assert_not_null(rep->dkim);
	cr_assert_gt(rep->dkim->signatures.n, i);
	return &rep->dkim->signatures.v[i];
}

Test(dkim_verify, rfc8463_both_pass)
{
	struct aa_msg *m = load("dkim-rfc8463.eml");
	struct aa_dns *dns;
	struct aa_report *rep = verify(zone_8463, m, NOW_8463, false, &dns);
	const struct aa_dkim_sig *s;

	cr_assert_eq(rep->dkim->signatures.n, 2);
	s = sig(rep, 0);
	cr_assert_str_eq(s->result, "pass");
	cr_assert_null(s->error);
	cr_assert_str_eq(s->algorithm, "ed25519-sha256");
	cr_assert_str_eq(s->canonicalization, "relaxed/relaxed");
	cr_assert_eq(s->key_bits.v, 256);
	cr_assert_eq(s->timestamp.v, 1528637909);
	cr_assert_eq(s->headers_signed.n, 8);
	cr_assert_str_eq(s->headers_signed.v[7], "date");
	cr_assert_eq(s->aligned, AA_TRI_NULL);
	cr_assert_eq(s->testing, AA_TRI_FALSE);
	s = sig(rep, 1);
	cr_assert_str_eq(s->result, "pass");
	cr_assert_eq(s->key_bits.v, 1024);
	/* 1024 bits is valid but under RFC 8301's 2048: a warning. */
	cr_assert_eq(finding(rep, "dkim-key-too-small",
	    "test._domainkey.football.example.com")->severity,
	    AA_SEV_WARNING);
	/* LF-only file, verified as CRLF. */
	cr_assert_not_null(finding(rep, "dkim-line-endings", NULL));
	/* Keys come through the DNS layer, so the log has them. */
	cr_assert_not_null(th_log_find(dns,
	    "brisbane._domainkey.football.example.com", AA_TYPE_TXT));
	cr_assert_eq(th_log_count(dns, "test._domainkey.football.example.com",
	    AA_TYPE_TXT), 1);
	aa_report_free(rep);
	aa_dns_free(dns);
	aa_msg_free(m);
}

Test(dkim_verify, body_and_subject_changed)
{
	struct aa_msg *m = load("dkim-rfc8463-body.eml");
	struct aa_report *rep = verify(zone_8463, m, NOW_8463, false, NULL);

	cr_assert_str_eq(sig(rep, 0)->result, "fail");
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-body-hash-mismatch");
	cr_assert_str_eq(sig(rep, 1)->error, "dkim-body-hash-mismatch");
	cr_assert(strstr(finding(rep, "dkim-body-hash-mismatch",
	    NULL)->message, "body changed") != NULL);
	aa_report_free(rep);
	aa_msg_free(m);
	m = load("dkim-rfc8463-subject.eml");
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-signature-mismatch");
	cr_assert_str_eq(sig(rep, 1)->error, "dkim-signature-mismatch");
	cr_assert_str_eq(sig(rep, 1)->result, "fail");
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, key_lookup_failures)
{
	static const char timeout[] =
	    ";! timeout brisbane._domainkey.football.example.com.\n"
	    ";! servfail test._domainkey.football.example.com.\n";
	static const char nx[] =
	    "football.example.com. 300 IN SOA ns. h. 1 1 1 1 1\n";
	struct aa_msg *m = load("dkim-rfc8463.eml");
	struct aa_report *rep = verify(timeout, m, NOW_8463, false, NULL);
	const struct aa_finding *f;

	cr_assert_str_eq(sig(rep, 0)->result, "temperror");
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-temperror");
	cr_assert_str_eq(sig(rep, 1)->result, "temperror");
	cr_assert_not_null(f = finding(rep, "dkim-temperror", NULL));
	cr_assert(aa_report_has_temporary(rep));
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 4);
	cr_assert_null(finding(rep, "dkim-key-not-found", NULL));
	aa_report_free(rep);
	rep = verify(nx, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->result, "permerror");
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-key-not-found");
	cr_assert(strstr(finding(rep, "dkim-key-not-found",
	    NULL)->message, "NXDOMAIN") != NULL);
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, key_record_problems)
{
	static const char zone[] =
	    "brisbane._domainkey.football.example.com. IN TXT \"v=DKIM1; p=\"\n"
	    "test._domainkey.football.example.com. IN TXT \"v=DKIM1; p=AAAA\"\n"
	    "test._domainkey.football.example.com. IN TXT \"v=DKIM1; p=BBBB\"\n";
	static const char nul[] =
	    "brisbane._domainkey.football.example.com. IN TXT "
	    "\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\\000\"\n";
	struct aa_msg *m = load("dkim-rfc8463.eml");
	struct aa_report *rep = verify(zone, m, NOW_8463, false, NULL);

	cr_assert_str_eq(sig(rep, 0)->error, "dkim-key-revoked");
	cr_assert_str_eq(sig(rep, 0)->result, "permerror");
	cr_assert_str_eq(sig(rep, 1)->error, "dkim-key-multiple-records");
	aa_report_free(rep);
	rep = verify(nul, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-key-invalid");
	cr_assert(strstr(finding(rep, "dkim-key-invalid",
	    NULL)->message, "NUL") != NULL);
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, clock)
{
	struct aa_msg *m = load("dkim-rfc8463.eml");
	struct aa_report *rep;

	/* Before t=: still verifies, with a warning. */
	rep = verify(zone_8463, m, 1500000000, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->result, "pass");
	cr_assert_not_null(finding(rep, "dkim-timestamp-future", NULL));
	aa_report_free(rep);
	aa_msg_free(m);
	/* x= in the past of --now: permerror before any key lookup. */
	m = from_text("DKIM-Signature: v=1; a=rsa-sha256; d=football.example."
	    "com; s=test; t=100; x=200; h=from; bh=AA==; b=AA==\r\n"
	    "From: a@football.example.com\r\n\r\nbody\r\n");
	rep = verify(zone_8463, m, 300, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->result, "permerror");
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-expired");
	cr_assert_eq(sig(rep, 0)->expiration.v, 200);
	cr_assert_null(sig(rep, 0)->key_bits.set ? "set" : NULL);
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, precedence)
{
	struct aa_msg *m;
	struct aa_report *rep;

	/* rsa-sha1 with a usable key: permerror dkim-sha1 (RFC 8301). */
	m = from_text("DKIM-Signature: v=1; a=rsa-sha1; d=football.example.com;"
	    " s=test; h=from; bh=AA==; b=AA==\r\n"
	    "From: a@football.example.com\r\n\r\nbody\r\n");
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-sha1");
	aa_report_free(rep);
	aa_msg_free(m);
	/* From not in h=: permerror, before the key. */
	m = from_text("DKIM-Signature: v=1; a=rsa-sha1; d=football.example.com;"
	    " s=nokey; h=to; bh=AA==; b=AA==\r\n"
	    "From: a@football.example.com\r\n\r\nbody\r\n");
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-from-not-signed");
	cr_assert_str_eq(sig(rep, 0)->result, "permerror");
	aa_report_free(rep);
	aa_msg_free(m);
	/* An ed25519 signature against an RSA key: unusable key. */
	m = from_text("DKIM-Signature: v=1; a=ed25519-sha256; d=football.exam"
	    "ple.com; s=test; h=from; bh=AA==; b=AA==\r\n"
	    "From: a@football.example.com\r\n\r\nbody\r\n");
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->error, "dkim-key-invalid");
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, none_and_headers_only)
{
	struct aa_msg *m = from_text("From: a@example.com\r\n\r\nhi\r\n");
	struct aa_report *rep = verify(zone_8463, m, NOW_8463, false, NULL);

	cr_assert_eq(rep->dkim->signatures.n, 0);
	cr_assert_not_null(finding(rep, "dkim-none", NULL));
	aa_report_free(rep);
	aa_msg_free(m);
	/* The headers of the RFC 8463 message without its body. */
	m = load("dkim-rfc8463.eml");
	{
		size_t len, off = aa_msg_body_offset(m);
		const uint8_t *b = aa_msg_bytes(m, &len);
		struct aa_msg *h = NULL;
		char err[128];

		cr_assert_eq(aa_msg_parse(b, off, NULL, &h, err, sizeof(err)),
		    AA_OK);
		rep = verify(zone_8463, h, NOW_8463, true, NULL);
		cr_assert_str_eq(sig(rep, 0)->result, "neutral");
		cr_assert_str_eq(sig(rep, 1)->error, "dkim-body-unavailable");
		cr_assert(strstr(finding(rep, "dkim-body-unavailable",
		    NULL)->message, "verified") != NULL);
		aa_report_free(rep);
		aa_msg_free(h);
	}
	aa_msg_free(m);
}

Test(dkim_verify, mbox_quoting_and_length)
{
	struct aa_msg *m = load("dkim-mbox.eml");
	struct aa_report *rep = verify(zone_8463, m, NOW_8463, false, NULL);

	cr_assert_str_eq(sig(rep, 0)->error, "dkim-body-hash-mismatch");
	cr_assert_not_null(finding(rep, "dkim-mbox-quoting", NULL));
	/* h= over-signs from, to and subject: no warning. */
	cr_assert_null(finding(rep, "dkim-header-not-oversigned", NULL));
	aa_report_free(rep);
	aa_msg_free(m);
	m = load("dkim-ltag.eml");
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->result, "pass");
	cr_assert_eq(sig(rep, 0)->body_length.v, 25);
	cr_assert_not_null(finding(rep, "dkim-length-tag", NULL));
	cr_assert(strstr(finding(rep, "dkim-header-not-oversigned",
	    NULL)->message, "from, subject, to") != NULL);
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, cap_and_settle)
{
	char *text = malloc(8192), *p = text;
	struct aa_dkim_params par = { .now = NOW_8463, .max_sigs = 3 };
	struct aa_dns *dns = th_dns_from_zone(zone_8463, true);
	struct aa_report *rep = aa_report_new("message");
	struct aa_msg *m;
	int i;

	for (i = 0; i < 5; i++)
		p += sprintf(p, "DKIM-Signature: v=1; a=rsa-sha256; "
		    "d=football.example.com; s=nokey%d; h=from; bh=AA==; "
		    "b=AA%d=\r\n", i, i);
	sprintf(p, "From: a@football.example.com\r\n\r\nbody\r\n");
	m = from_text(text);
	cr_assert_eq(aa_dkim_verify(dns, rep, m, &par), AA_OK);
	cr_assert_eq(rep->dkim->signatures.n, 3);
	cr_assert(strstr(finding(rep, "msg-too-large", NULL)->message,
	    "first 3") != NULL);
	cr_assert_eq(finding(rep, "dkim-key-not-found", NULL)->severity,
	    AA_SEV_ERROR);
	/* An aligned pass makes the others' failures warnings (3a). */
	rep->dkim->signatures.v[0].result = "pass";
	rep->dkim->signatures.v[0].aligned = AA_TRI_TRUE;
	aa_dkim_settle(rep);
	cr_assert_eq(finding(rep, "dkim-key-not-found",
	    "nokey1._domainkey.football.example.com")->severity,
	    AA_SEV_WARNING);
	aa_report_free(rep);
	aa_msg_free(m);
	aa_dns_free(dns);
	free(text);
}

/* ---- domain: key lint ---- */

Test(dkim_lint, given_and_guessed)
{
	static const char zone[] =
	    "example.com. IN SOA ns. h. 1 1 1 1 1\n"
	    "ok._domainkey.example.com. IN TXT \"v=DKIM1; k=ed25519; "
	    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n"
	    "old._domainkey.example.com. IN TXT \"v=DKIM1; p=\"\n"
	    "google._domainkey.example.com. IN TXT \"v=DKIM1; t=y; p=\"\n";
	struct aa_dns *dns = th_dns_from_zone(zone, true);
	struct aa_report *rep = aa_report_new("domain");
	const char *sel, *prov;

	cr_assert(aa_dkim_lint_key(dns, rep, "example.com", "ok", false));
	cr_assert_eq(sig(rep, 0)->key_bits.v, 256);
	cr_assert_not(aa_dkim_lint_key(dns, rep, "example.com", "old", false));
	cr_assert_eq(finding(rep, "dkim-key-revoked",
	    "old._domainkey.example.com")->severity, AA_SEV_ERROR);
	cr_assert_str_eq(sig(rep, 1)->error, "dkim-key-revoked");
	cr_assert_null(sig(rep, 0)->error);
	cr_assert_null(sig(rep, 0)->result);
	cr_assert_not(aa_dkim_lint_key(dns, rep, "example.com", "gone",
	    false));
	cr_assert_not_null(finding(rep, "dkim-key-not-found",
	    "gone._domainkey.example.com"));
	cr_assert_eq(aa_dkim_lint_guesses(dns, rep, "example.com"), 1);
	cr_assert(sig(rep, 3)->guessed);
	cr_assert_eq(finding(rep, "dkim-key-revoked",
	    "google._domainkey.example.com")->severity, AA_SEV_INFO);
	cr_assert(strstr(finding(rep, "dkim-key-revoked",
	    "google._domainkey.example.com")->message, "Google") != NULL);
	cr_assert(aa_dkim_guess(0, &sel, &prov));
	cr_assert_str_eq(sel, "google");
	aa_report_free(rep);
	aa_dns_free(dns);
}

Test(dkim_verify, mixed_line_endings)
{
	struct aa_msg *m = load("dkim-ltag.eml"), *mixed;
	size_t len;
	const uint8_t *b = aa_msg_bytes(m, &len);
	char *text = calloc(1, len + 1), *p;
	struct aa_report *rep;

	memcpy(text, b, len);
	/* One bare LF in the body: verified as CRLF, reported. */
	cr_assert_not_null(p = strstr(text, "Hi.\r\n"));
	memmove(p + 3, p + 4, strlen(p + 4) + 1);
	mixed = from_text(text);
	cr_assert_eq(aa_msg_eol(mixed), AA_EOL_MIXED);
	rep = verify(zone_8463, mixed, NOW_8463, false, NULL);
	cr_assert_str_eq(sig(rep, 0)->result, "pass");
	cr_assert_eq(finding(rep, "dkim-line-endings", NULL)->severity,
	    AA_SEV_WARNING);
	aa_report_free(rep);
	aa_msg_free(mixed);
	aa_msg_free(m);
	free(text);
}

Test(dkim_verify, testing_key_lowers_severity)
{
	static const char zone[] =
	    "test._domainkey.football.example.com. IN TXT "
	    "\"v=DKIM1; t=y; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
	    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
	    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
	    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"\n";
	struct aa_msg *m = load("dkim-rfc8463-body.eml");
	struct aa_report *rep = verify(zone, m, NOW_8463, false, NULL);

	cr_assert_str_eq(sig(rep, 1)->error, "dkim-body-hash-mismatch");
	cr_assert_eq(sig(rep, 1)->testing, AA_TRI_TRUE);
	cr_assert_str_eq(sig(rep, 1)->key_flags, "y");
	cr_assert_not_null(finding(rep, "dkim-testing", NULL));
	cr_assert_eq(finding(rep, "dkim-body-hash-mismatch",
	    "test._domainkey.football.example.com")->severity, AA_SEV_ERROR);
	aa_dkim_settle(rep);
	/* design.md 3a: under t=y a failing signature is a warning. */
	cr_assert_eq(finding(rep, "dkim-body-hash-mismatch",
	    "test._domainkey.football.example.com")->severity,
	    AA_SEV_WARNING);
	/* The other signature (no t=y, no aligned pass) stays an error. */
	cr_assert_eq(finding(rep, "dkim-key-not-found",
	    "brisbane._domainkey.football.example.com")->severity,
	    AA_SEV_ERROR);
	aa_report_free(rep);
	aa_msg_free(m);
}

Test(dkim_verify, settle_not_aligned)
{
	struct aa_msg *m = load("dkim-rfc8463.eml");
	struct aa_report *rep = verify(zone_8463, m, NOW_8463, false, NULL);
	size_t i, n = 0;

	rep->dkim->signatures.v[0].aligned = AA_TRI_FALSE;
	rep->dkim->signatures.v[1].aligned = AA_TRI_FALSE;
	aa_dkim_settle(rep);
	aa_dkim_settle(rep);	/* once per signature, however often */
	for (i = 0; i < rep->findings.n; i++)
		n += rep->findings.v[i].code == AA_F_DKIM_NOT_ALIGNED;
	cr_assert_eq(n, 2);
	cr_assert(strstr(finding(rep, "dkim-not-aligned",
	    "brisbane._domainkey.football.example.com")->message,
	    "adkim=r") != NULL);
	aa_report_free(rep);
	rep = verify(zone_8463, m, NOW_8463, false, NULL);
	rep->dkim->signatures.v[0].aligned = AA_TRI_FALSE;
	rep->dkim->signatures.v[1].aligned = AA_TRI_TRUE;
	aa_dkim_settle(rep);
	/* Another signature aligns: a third-party d= is normal. */
	cr_assert_null(finding(rep, "dkim-not-aligned", NULL));
	aa_report_free(rep);
	aa_msg_free(m);
}
