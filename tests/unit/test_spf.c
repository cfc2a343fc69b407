/*
 * test_spf.c: the SPF parser (table-driven, valid and invalid terms with
 * positions), the macro expander (RFC 7208 7.4 examples and more), every
 * limit of 4.6.4 as design.md 3a counts it, the worst-case tree, the
 * report's findings, and libspf2's child surviving a crashing record.
 */
#define _GNU_SOURCE		/* asprintf */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aa_dns.h"
#include "aa_report.h"
#include "aa_spf.h"
#include "aa_utf8.h"
#include "helpers.h"

#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

/* Parser table: char arrays, not pointers (tests run in forks). */
struct pcase {
	char	 rec[160];
	bool	 ok;
	size_t	 col;		/* 1-based column of the error; 0: any */
	char	 term[48];	/* the offending term; "": not checked */
};

static struct pcase pcases[] = {
	{ "v=spf1", true, 0, "" },
	{ "v=spf1 ", true, 0, "" },
	{ "V=SpF1 -ALL", true, 0, "" },
	{ "v=spf1   mx   -all  ", true, 0, "" },
	{ "v=spf1 a//0 ip4:0.0.0.0/0 ip6:::/0", true, 0, "" },
	{ "v=spf1 a/24//64 mx:example.com/30 mx//128", true, 0, "" },
	{ "v=spf1 a:%{d}//97", true, 0, "" },
	{ "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all", true, 0, "" },
	{ "v=spf1 ip6:::ffff:192.0.2.1", true, 0, "" },
	{ "v=spf1 include:_spf.example.com ?all", true, 0, "" },
	{ "v=spf1 exists:%{ir}.%{l1r-}.e.example.com", true, 0, "" },
	{ "v=spf1 exists:%{i}.%{l2r+-}.user.%{d2}", true, 0, "" },
	{ "v=spf1 redirect=example.com", true, 0, "" },
	{ "v=spf1 Redirect=example.com.", true, 0, "" },
	{ "v=spf1 -all exp=explain.%{d}", true, 0, "" },
	{ "v=spf1 foo=bar moo.cow-2=%{c}%%%_", true, 0, "" },
	{ "v=spf1 a:foo-bar.example 123-4", false, 26, "123-4" },
	{ "v=spf1 a:1-2.123-4", true, 0, "" },
	{ "v=spf1 ptr ptr:example.com", true, 0, "" },
	{ "v=spf1 a:macro%%percent%_%_space%-url-space.example.com", true, 0,
	    "" },
	{ "v=spf10", false, 1, "" },
	{ "v=spf1x -all", false, 1, "" },
	{ "spf1 -all", false, 1, "" },
	{ "v=spf1 ip4:192.0.2.300", false, 12, "ip4:192.0.2.300" },
	{ "v=spf1 ip4:01.2.3.4", false, 12, "ip4:01.2.3.4" },
	{ "v=spf1 ip4:192.0.2.0/33", false, 21, "ip4:192.0.2.0/33" },
	{ "v=spf1 ip4:192.0.2.0/024", false, 0, "ip4:192.0.2.0/024" },
	{ "v=spf1 ip6:2001:db8::/129", false, 0, "ip6:2001:db8::/129" },
	{ "v=spf1 ip6:192.0.2.1x", false, 12, "ip6:192.0.2.1x" },
	{ "v=spf1 ip4", false, 8, "ip4" },
	{ "v=spf1 a:com", false, 0, "a:com" },
	{ "v=spf1 a:111.222.33.44", false, 0, "a:111.222.33.44" },
	{ "v=spf1 a:example.-com", false, 0, "a:example.-com" },
	{ "v=spf1 a:", false, 0, "a:" },
	{ "v=spf1 a/33", false, 0, "a/33" },
	{ "v=spf1 mx//129", false, 0, "mx//129" },
	{ "v=spf1 include:", false, 0, "include:" },
	{ "v=spf1 include", false, 0, "include" },
	{ "v=spf1 exists", false, 0, "exists" },
	{ "v=spf1 all:example.com", false, 0, "all:example.com" },
	{ "v=spf1 -", false, 8, "-" },
	{ "v=spf1 moo", false, 8, "moo" },
	{ "v=spf1 -exp=x.example.com", false, 0, "-exp=x.example.com" },
	{ "v=spf1 redirect=a.example redirect=b.example", false, 27,
	    "redirect=b.example" },
	{ "v=spf1 exp=a.example exp=b.example", false, 22, "exp=b.example" },
	{ "v=spf1 redirect=", false, 0, "redirect=" },
	{ "v=spf1 a:%{z}.example.com", false, 12, "a:%{z}.example.com" },
	{ "v=spf1 a:%{d0}.example.com", false, 0, "" },
	{ "v=spf1 a:%{c}.example.com", false, 0, "" },
	{ "v=spf1 a:%.example.com", false, 0, "" },
	{ "v=spf1 a:%{d.example.com", false, 0, "" },
	{ "v=spf1 foo=%", false, 0, "foo=%" },
	{ "v=spf1 ip4:192.0.2.1\t-all", false, 21, "" },
	{ "v=spf1 -all\r", false, 12, "" },
};

ParameterizedTestParameters(spf, parse)
{
	return cr_make_param_array(struct pcase, pcases,
	    sizeof(pcases) / sizeof(pcases[0]));
}

ParameterizedTest(struct pcase *c, spf, parse)
{
	struct aa_spf_record *r = NULL;
	struct aa_spf_error err;
	enum aa_status st = aa_spf_parse(c->rec, strlen(c->rec), &r, &err);

	if (c->ok) {
		cr_assert_eq(st, AA_OK, "'%s': %s at %zu", c->rec, err.msg,
		    err.off + 1);
		aa_spf_record_free(r);
		return;
	}
	cr_assert_neq(st, AA_OK, "'%s' parsed", c->rec);
	cr_assert_null(r);
	cr_expect(err.msg[0] != '\0', "'%s': no message", c->rec);
	if (c->col != 0)
		cr_expect_eq(err.off + 1, c->col, "'%s': column %zu, want %zu",
		    c->rec, err.off + 1, c->col);
	if (c->term[0] != '\0')
		cr_expect(strlen(c->term) == err.term_len && strncmp(c->rec +
		    err.term_off, c->term, err.term_len) == 0,
		    "'%s': term '%.*s', want '%s'", c->rec, (int)err.term_len,
		    c->rec + err.term_off, c->term);
}

Test(spf, parse_positions_and_fields)
{
	static const char rec[] = "v=spf1  -mx:example.com/24//64 "
	    "ip4:192.0.2.0/28 redirect=r.example.com";
	struct aa_spf_record *r;
	struct aa_spf_error err;

	cr_assert_eq(aa_spf_parse(rec, strlen(rec), &r, &err), AA_OK);
	cr_assert_eq(r->nterms, 3);
	cr_expect_eq(r->terms[0].kind, AA_SPF_MX);
	cr_expect_eq(r->terms[0].off, 8);
	cr_expect_eq(r->terms[0].len, 22);
	cr_expect_eq(r->terms[0].qualifier, '-');
	cr_expect(r->terms[0].explicit_qual);
	cr_expect(r->terms[0].dns);
	cr_expect_eq(r->terms[0].cidr4, 24);
	cr_expect_eq(r->terms[0].cidr6, 64);
	cr_expect(strncmp(rec + r->terms[0].arg_off, "example.com",
	    r->terms[0].arg_len) == 0 && r->terms[0].arg_len == 11);
	cr_expect_eq(r->terms[1].kind, AA_SPF_IP4);
	cr_expect_eq(r->terms[1].qualifier, '+');
	cr_expect(!r->terms[1].dns);
	cr_expect_eq(r->terms[1].cidr4, 28);
	cr_expect_eq(r->terms[1].addr[0], 192);
	cr_expect_eq(r->terms[1].addr[3], 0);
	cr_expect_eq(r->redirect, 2);
	cr_expect_eq(r->exp, -1);
	cr_expect(!r->has_all);
	cr_expect(r->terms[2].dns);
	aa_spf_record_free(r);
}

Test(spf, parse_nul_and_caps)
{
	static const char nul[] = "v=spf1 a\0 -all";
	struct aa_spf_record *r;
	struct aa_spf_error err;
	char *big;

	cr_expect_eq(aa_spf_parse(nul, sizeof(nul) - 1, &r, &err), AA_EPARSE);
	cr_expect_eq(err.off, 8);
	cr_expect(aa_spf_is_spf1("v=spf1", 6));
	cr_expect(!aa_spf_is_spf1("v=spf10", 7));
	cr_expect(!aa_spf_is_spf1("v=spf", 5));
	big = malloc(AA_SPF_MAX_RECORD + 2);
	memset(big, 'a', AA_SPF_MAX_RECORD + 1);
	memcpy(big, "v=spf1 ", 7);
	cr_expect_eq(aa_spf_parse(big, AA_SPF_MAX_RECORD + 1, &r, &err),
	    AA_ELIMIT);
	/* 513 terms: the term cap. */
	memset(big, ' ', AA_SPF_MAX_RECORD);
	memcpy(big, "v=spf1", 6);
	for (size_t i = 0; i < 513; i++)
		memcpy(big + 7 + i * 5, "-all", 4);
	cr_expect_eq(aa_spf_parse(big, 7 + 513 * 5, &r, &err), AA_ELIMIT);
	free(big);
}

/* RFC 7208 7.4: the examples, plus the rest of section 7. */
struct mcase {
	char	 in[80];
	char	 want[120];
};

static struct mcase mcases[] = {
	{ "%{s}", "strong-bad@email.example.com" },
	{ "%{o}", "email.example.com" },
	{ "%{d}", "email.example.com" },
	{ "%{d4}", "email.example.com" },
	{ "%{d3}", "email.example.com" },
	{ "%{d2}", "example.com" },
	{ "%{d1}", "com" },
	{ "%{dr}", "com.example.email" },
	{ "%{d2r}", "example.email" },
	{ "%{l}", "strong-bad" },
	{ "%{l-}", "strong.bad" },
	{ "%{lr}", "strong-bad" },
	{ "%{lr-}", "bad.strong" },
	{ "%{l1r-}", "strong" },
	{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
	{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
	{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
	    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
	{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	    "3.2.0.192.in-addr.strong.lp._spf.example.com" },
	{ "%{d2}.trusted-domains.example.net",
	    "example.com.trusted-domains.example.net" },
	{ "%%%_%-", "% %20" },
	{ "%{h}", "mx.example.org" },
	{ "%{p}", "unknown" },
	{ "%{S}", "strong-bad%40email.example.com" },
	{ "%{i2}", "2.3" },
	{ "%{d9}", "email.example.com" },
	{ "%{dr-}", "email.example.com" },
	{ "%{d2r.}", "example.email" },
	/* 7.1: any number of digits; 7.3: more parts than exist: all. */
	{ "%{d129}", "email.example.com" },
	{ "%{d2147483648}.x.%{d}", "email.example.com.x.email.example.com" },
	{ "%{d4294967296r}", "com.example.email" },
	{ "%{l99999999999999999999999r-}", "bad.strong" },
	{ "%{d0000000000000000000002}", "example.com" },
};

ParameterizedTestParameters(spf, macro)
{
	return cr_make_param_array(struct mcase, mcases,
	    sizeof(mcases) / sizeof(mcases[0]));
}

static void
env4(struct aa_spf_macro_env *e, uint8_t ip[16])
{
	memset(e, 0, sizeof(*e));
	memset(ip, 0, 16);
	ip[0] = 192;
	ip[3] = 3;
	ip[1] = 0;
	ip[2] = 2;
	e->sender = "strong-bad@email.example.com";
	e->local = "strong-bad";
	e->sender_domain = "email.example.com";
	e->domain = "email.example.com";
	e->ip = ip;
	e->family = 4;
	e->helo = "mx.example.org";
	e->now = 1700000000;
}

ParameterizedTest(struct mcase *c, spf, macro)
{
	struct aa_spf_macro_env e;
	uint8_t ip[16];
	char *out;
	size_t len, bad;

	env4(&e, ip);
	cr_assert_eq(aa_spf_macro_expand(c->in, strlen(c->in), false, &e,
	    &out, &len, &bad), AA_OK, "%s: error at %zu", c->in, bad);
	cr_expect_str_eq(out, c->want, "%s", c->in);
	cr_expect_eq(len, strlen(c->want));
	free(out);
}

Test(spf, macro_ipv6_exp_and_urlencode)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0xcb, 0x01 };
	static const char exp_in[] = "%{c} at %{t} via %{r}: %{L}";
	struct aa_spf_macro_env e;
	uint8_t ip[16];
	char *out;
	size_t len, bad;

	env4(&e, ip);
	e.ip = v6;
	e.family = 6;
	cr_assert_eq(aa_spf_macro_expand("%{ir}.%{v}._spf.%{d2}", 21, false,
	    &e, &out, &len, &bad), AA_OK);
	/* RFC 7208 7.4, nibbles upper case as the RFC 7208 suite wants. */
	cr_expect_str_eq(out, "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
	free(out);
	e.local = "~jack&jill=up-a_b3.c";
	e.receiver = "mx.example.net";
	cr_assert_eq(aa_spf_macro_expand(exp_in, strlen(exp_in), true, &e,
	    &out, &len, &bad), AA_OK);
	cr_expect_str_eq(out, "2001:db8::cb01 at 1700000000 via "
	    "mx.example.net: ~jack%26jill%3Dup-a_b3.c");
	free(out);
	/* c, r and t are explanation-only (RFC 7208 7.2). */
	cr_expect_eq(aa_spf_macro_expand("%{t}", 4, false, &e, &out, &len,
	    &bad), AA_EPARSE);
	/* Spaces are literal in exp text only. */
	cr_expect_eq(aa_spf_macro_check("a b", 3, false, &bad, NULL),
	    AA_EPARSE);
	cr_expect_eq(bad, 1);
	cr_expect_eq(aa_spf_macro_check("a b", 3, true, &bad, NULL), AA_OK);
}

Test(spf, macro_errors_and_letters)
{
	static const char *const bad_in[] = { "%", "%x", "%{", "%{d",
	    "%{d0}", "%{d0000000000000}", "%{z}", "a%{d}%", "%{d1x}",
	    "%{ir/}x%" };
	unsigned letters;
	size_t i, bad;

	for (i = 0; i < sizeof(bad_in) / sizeof(bad_in[0]); i++)
		cr_expect_eq(aa_spf_macro_check(bad_in[i], strlen(bad_in[i]),
		    true, &bad, NULL), AA_EPARSE, "%s", bad_in[i]);
	cr_assert_eq(aa_spf_macro_check("%{i}.%{L}.%{d2}", 15, false, &bad,
	    &letters), AA_OK);
	cr_expect(letters & AA_SPF_MACRO_BIT('i'));
	cr_expect(letters & AA_SPF_MACRO_BIT('l'));
	cr_expect(letters & AA_SPF_MACRO_BIT('d'));
	cr_expect((letters & AA_SPF_MACRO_BIT('o')) == 0);
	cr_expect(letters & AA_SPF_MACRO_CLIENT);
}

Test(spf, macro_cap_and_truncation)
{
	struct aa_spf_macro_env e;
	uint8_t ip[16];
	char in[4096], name[400], *out;
	size_t len, bad, i;
	const char *t;

	env4(&e, ip);
	for (i = 0; i + 4 < sizeof(in); i += 4)
		memcpy(in + i, "%{s}", 4);
	in[i] = '\0';
	cr_expect_eq(aa_spf_macro_expand(in, strlen(in), false, &e, &out,
	    &len, &bad), AA_ELIMIT);
	/* RFC 7208 4.8: whole labels from the left, to 253 octets. */
	for (i = 0; i < 30; i++)
		memcpy(name + i * 10, "abcdefghi.", 10);
	memcpy(name + 300, "example.com", 12);
	t = aa_spf_truncate_domain(name);
	cr_expect(strlen(t) <= 253);
	cr_expect(strlen(t) > 243);
	cr_expect(t == name || t[-1] == '.');
	cr_expect_str_eq(t + strlen(t) - 11, "example.com");
	cr_expect_eq(aa_spf_truncate_domain("a.example.com")[0], 'a');
}

/* Evaluation over a zone: helpers. */
static struct aa_spf_outcome
eval(const char *zone, const char *ip, const char *mail_from)
{
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_spf_query q;
	struct aa_spf_outcome o;

	memset(&q, 0, sizeof(q));
	q.ip = ip;
	q.helo = "helo.example.com";
	q.mail_from = mail_from;
	q.default_exp = "DEFAULT %{d}";
	cr_assert_eq(aa_spf_evaluate(d, &q, &o), AA_OK);
	aa_dns_free(d);
	return o;
}

/* "v=spf1 a:h1.t a:h2.t ... -all" with n a terms, all void-free. */
static char *
chain_zone(int n, const char *extra)
{
	char *z = NULL;
	size_t zl = 0;
	FILE *f = open_memstream(&z, &zl);
	int i;

	fputs("t.example. 300 IN TXT \"v=spf1", f);
	for (i = 0; i < n; i++)
		fprintf(f, " a:h%d.t.example", i);
	fprintf(f, " %s\"\n", extra);
	for (i = 0; i < n; i++)
		fprintf(f, "h%d.t.example. 300 IN A 198.51.100.%d\n", i, i + 1);
	fclose(f);
	return z;
}

Test(spf, limit_ten_lookups)
{
	char *z10 = chain_zone(10, "-all"), *z11 = chain_zone(11, "-all");
	struct aa_spf_outcome o;

	o = eval(z10, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_FAIL);
	cr_expect_eq(o.lookups, 10);
	cr_expect_null(o.exceeded_term);
	cr_expect_str_eq(o.explanation, "DEFAULT t.example");
	aa_spf_outcome_clear(&o);
	/* The 11th term is counted and named (design.md 3a). */
	o = eval(z11, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.lookups, 11);
	cr_expect_str_eq(o.exceeded_term, "a:h10.t.example");
	cr_expect_str_eq(o.exceeded_domain, "t.example");
	cr_expect_null(o.explanation);
	aa_spf_outcome_clear(&o);
	/* A match before the 11th term: no error. */
	o = eval(z11, "198.51.100.3", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	cr_expect_eq(o.lookups, 3);
	cr_expect_str_eq(o.matched_term, "a:h2.t.example");
	aa_spf_outcome_clear(&o);
	free(z10);
	free(z11);
}

Test(spf, limit_over_whole_evaluation)
{
	/* 3 includes of 4 a terms each: 15 lookups, not 5 per record. */
	static const char zone[] =
	    "t.example. 300 IN TXT \"v=spf1 include:i1.t.example "
	    "include:i2.t.example include:i3.t.example ip4:192.0.2.1 -all\"\n"
	    "i1.t.example. 300 IN TXT \"v=spf1 a:h.t.example a:h.t.example "
	    "a:h.t.example a:h.t.example\"\n"
	    "i2.t.example. 300 IN TXT \"v=spf1 a:h.t.example a:h.t.example "
	    "a:h.t.example a:h.t.example\"\n"
	    "i3.t.example. 300 IN TXT \"v=spf1 a:h.t.example a:h.t.example "
	    "a:h.t.example a:h.t.example\"\n"
	    "h.t.example. 300 IN A 198.51.100.1\n";
	struct aa_spf_outcome o = eval(zone, "192.0.2.1", "a@t.example");

	/* Cache hits count too (design.md 3a). */
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.lookups, 11);
	cr_expect_str_eq(o.exceeded_term, "include:i3.t.example");
	aa_spf_outcome_clear(&o);
}

Test(spf, limit_void)
{
	static const char z2[] =
	    "t.example. 300 IN TXT \"v=spf1 a:n1.t.example mx:e.t.example "
	    "-all\"\n"
	    "e.t.example. 300 IN A 192.0.2.99\n";
	static const char z3[] =
	    "t.example. 300 IN TXT \"v=spf1 a:n1.t.example mx:e.t.example "
	    "exists:n3.t.example -all\"\n"
	    "e.t.example. 300 IN A 192.0.2.99\n";
	/* MX host address lookups count (pyspf does, design.md 3a). */
	static const char zmx[] =
	    "t.example. 300 IN TXT \"v=spf1 mx -all\"\n"
	    "t.example. 300 IN MX 1 g1.t.example.\n"
	    "t.example. 300 IN MX 2 g2.t.example.\n"
	    "t.example. 300 IN MX 3 g3.t.example.\n";
	struct aa_spf_outcome o;

	/* NXDOMAIN (n1) and NODATA (e MX) are both void: 2 is fine. */
	o = eval(z2, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_FAIL);
	cr_expect_eq(o.voids, 2);
	aa_spf_outcome_clear(&o);
	o = eval(z3, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.voids, 3);
	cr_expect_str_eq(o.exceeded_term, "exists:n3.t.example");
	aa_spf_outcome_clear(&o);
	o = eval(zmx, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.voids, 3);
	cr_expect_eq(o.lookups, 1);
	aa_spf_outcome_clear(&o);
}

static char *
mx_zone(int n)
{
	char *z = NULL;
	size_t zl = 0;
	FILE *f = open_memstream(&z, &zl);
	int i;

	fputs("t.example. 300 IN TXT \"v=spf1 mx -all\"\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "t.example. 300 IN MX %d m%d.t.example.\n"
		    "m%d.t.example. 300 IN A 198.51.100.%d\n", i, i, i, i + 1);
	fclose(f);
	return z;
}

Test(spf, limit_mx_names)
{
	char *z10 = mx_zone(10), *z11 = mx_zone(11);
	struct aa_spf_outcome o;

	o = eval(z10, "198.51.100.10", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	aa_spf_outcome_clear(&o);
	/* 11 names: permerror (RFC 7208 4.6.4), even for the first host. */
	o = eval(z11, "198.51.100.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	aa_spf_outcome_clear(&o);
	free(z10);
	free(z11);
}

static char *
ptr_zone(int n, int good, const char *policy)
{
	char *z = NULL;
	size_t zl = 0;
	FILE *f = open_memstream(&z, &zl);
	int i;

	fprintf(f, "t.example. 300 IN TXT \"v=spf1 %s\"\n", policy);
	for (i = 1; i <= n; i++) {
		fprintf(f, "5.2.0.192.in-addr.arpa. 300 IN PTR "
		    "p%02d.t.example.\n", i);
		fprintf(f, "p%02d.t.example. 300 IN A %s\n", i, i == good ?
		    "192.0.2.5" : "198.51.100.1");
	}
	fclose(f);
	return z;
}

Test(spf, limit_ptr_names)
{
	char *z10 = ptr_zone(11, 10, "ptr -all");
	char *z11 = ptr_zone(11, 11, "ptr -all");
	char *p11 = ptr_zone(11, 11, "-all exp=e.t.example");
	char *p10 = ptr_zone(11, 10, "-all exp=e.t.example");
	char *zp;
	struct aa_spf_outcome o;

	o = eval(z10, "192.0.2.5", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	aa_spf_outcome_clear(&o);
	/* Past 10 names the extra ones are ignored (not permerror). */
	o = eval(z11, "192.0.2.5", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_FAIL);
	aa_spf_outcome_clear(&o);
	/* %{p}: the same 10-name limit. */
	cr_assert(asprintf(&zp, "%se.t.example. 300 IN TXT \"from %%{p}\"\n",
	    p10) > 0);
	o = eval(zp, "192.0.2.5", "a@t.example");
	cr_expect_str_eq(o.explanation, "from p10.t.example");
	aa_spf_outcome_clear(&o);
	free(zp);
	cr_assert(asprintf(&zp, "%se.t.example. 300 IN TXT \"from %%{p}\"\n",
	    p11) > 0);
	o = eval(zp, "192.0.2.5", "a@t.example");
	cr_expect_str_eq(o.explanation, "from unknown");
	aa_spf_outcome_clear(&o);
	free(zp);
	free(z10);
	free(z11);
	free(p10);
	free(p11);
}

Test(spf, limit_p_macro)
{
	static const char zone[] =
	    "t.example. 300 IN TXT \"v=spf1 -all exp=e.t.example\"\n"
	    "e.t.example. 300 IN TXT \"from %{p}\"\n"
	    "5.2.0.192.in-addr.arpa. 300 IN PTR a.other.example.\n"
	    "5.2.0.192.in-addr.arpa. 300 IN PTR b.t.example.\n"
	    "a.other.example. 300 IN A 192.0.2.5\n"
	    "b.t.example. 300 IN A 192.0.2.5\n";
	struct aa_spf_outcome o = eval(zone, "192.0.2.5", "a@t.example");

	/* RFC 7208 7.3: a validated name under the domain is preferred. */
	cr_expect_eq(o.result, AA_SPF_FAIL);
	cr_expect_str_eq(o.explanation, "from b.t.example");
	aa_spf_outcome_clear(&o);
	o = eval(zone, "192.0.2.6", "a@t.example");
	cr_expect_str_eq(o.explanation, "from unknown");
	aa_spf_outcome_clear(&o);
}

Test(spf, include_loop_and_temperror)
{
	static const char loop[] =
	    "t.example. 300 IN TXT \"v=spf1 include:u.t.example -all\"\n"
	    "u.t.example. 300 IN TXT \"v=spf1 include:t.example -all\"\n";
	static const char temp[] =
	    "t.example. 300 IN TXT \"v=spf1 ip4:192.0.2.9 include:u.t.example "
	    "-all\"\n"
	    "u.t.example. 300 IN TXT \"v=spf1 a:slow.t.example -all\"\n"
	    ";! timeout slow.t.example. A\n";
	struct aa_spf_outcome o;

	o = eval(loop, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.lookups, 11);
	aa_spf_outcome_clear(&o);
	o = eval(temp, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_TEMPERROR);
	aa_spf_outcome_clear(&o);
	/* A match before the failing lookup is not affected. */
	o = eval(temp, "192.0.2.9", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	aa_spf_outcome_clear(&o);
}

Test(spf, ipv4_mapped_and_identities)
{
	static const char zone[] =
	    "t.example. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 "
	    "exists:%{l}.u.t.example -all\"\n"
	    "postmaster.u.t.example. 300 IN A 127.0.0.2\n"
	    "helo.example.com. 300 IN TXT \"v=spf1 ip6:2001:db8::/32 -all\"\n";
	struct aa_spf_outcome o;

	/* RFC 7208 5: an IPv4-mapped IPv6 client is an IPv4 client. */
	o = eval(zone, "::ffff:192.0.2.7", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	aa_spf_outcome_clear(&o);
	/* "@t.example" has no local part: postmaster (4.3). */
	o = eval(zone, "198.51.100.1", "@t.example");
	cr_expect_eq(o.result, AA_SPF_PASS);
	cr_expect_str_eq(o.matched_term, "exists:%{l}.u.t.example");
	aa_spf_outcome_clear(&o);
	/* Null path: postmaster@HELO (2.4). */
	o = eval(zone, "2001:db8::1", "");
	cr_expect_eq(o.result, AA_SPF_PASS);
	cr_expect_str_eq(o.matched_domain, "helo.example.com");
	aa_spf_outcome_clear(&o);
}

/* The report: the worst-case tree and findings. */
static struct aa_report *
check(struct aa_dns *d, const char *domain, const char *ip, bool second)
{
	struct aa_report *rep = aa_report_new("spf");
	struct aa_spf_params p;

	memset(&p, 0, sizeof(p));
	p.domain = domain;
	p.ip = ip;
	p.second_opinion = second;
	cr_assert_eq(aa_spf_check(d, rep, &p), AA_OK);
	cr_assert_not_null(rep->spf);
	return rep;
}

static const struct aa_finding *
finding(const struct aa_report *rep, enum aa_code code)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == code)
			return &rep->findings.v[i];
	return NULL;
}

Test(spf, tree_worst_case_eleven)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	struct aa_report *rep;
	const struct aa_finding *f;
	char err[256];

	cr_assert_eq(aa_dns_load_zone(d, TESTDATA "/zones/spf-lookups.zone",
	    err, sizeof(err)), AA_OK, "%s", err);
	rep = check(d, "lookups.example", NULL, false);
	cr_expect_null(rep->spf->result);
	cr_expect_str_eq(rep->spf->lookups.mode, "worst-case");
	cr_expect_eq(rep->spf->lookups.count.v, 11);
	cr_assert_not_null(rep->spf->lookups.exceeded_at);
	cr_expect_str_eq(rep->spf->lookups.exceeded_at->term,
	    "include:_spf2.lookups.example");
	cr_expect_eq(rep->spf->tree->lookups, 3);
	cr_expect_eq(rep->spf->tree->lookups_subtree, 11);
	cr_assert_not_null(f = finding(rep, AA_F_SPF_TOO_MANY_LOOKUPS));
	cr_expect_str_eq(f->origin.file, TESTDATA "/zones/spf-lookups.zone");
	cr_expect_eq(f->origin.line, 9);
	/* %{i}: counted once, not followed. */
	cr_expect_not_null(finding(rep, AA_F_SPF_MACRO_UNRESOLVED));
	aa_report_free(rep);
	rep = check(d, "under.lookups.example", NULL, false);
	cr_expect_eq(rep->spf->lookups.count.v, 5);
	cr_expect_null(rep->spf->lookups.exceeded_at);
	cr_expect_null(finding(rep, AA_F_SPF_TOO_MANY_LOOKUPS));
	aa_report_free(rep);
	aa_dns_free(d);
}

Test(spf, tree_max_over_families)
{
	/* %{v} sends IPv6 clients to a heavier record. */
	static const char zone[] =
	    "t.example. 300 IN TXT \"v=spf1 include:%{v}.t.example -all\"\n"
	    "in-addr.t.example. 300 IN TXT \"v=spf1 a:h.t.example\"\n"
	    "ip6.t.example. 300 IN TXT \"v=spf1 a:h.t.example a:h.t.example "
	    "a:h.t.example\"\n"
	    "h.t.example. 300 IN A 192.0.2.1\n"
	    "h.t.example. 300 IN AAAA 2001:db8::1\n";
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_report *rep = check(d, "t.example", NULL, false);

	cr_expect_eq(rep->spf->lookups.count.v, 4);
	cr_expect_str_eq(rep->spf->tree->terms.v[0].child->domain,
	    "ip6.t.example");
	cr_expect_null(finding(rep, AA_F_SPF_MACRO_UNRESOLVED));
	aa_report_free(rep);
	aa_dns_free(d);
}

Test(spf, findings_lint_and_errors)
{
	static const char zone[] =
	    "lint.t.example. 300 IN TXT \"v=spf1 ptr +all\"\n"
	    "noall.t.example. 300 IN TXT \"v=spf1 ip4:192.0.2.1\"\n"
	    "multi.t.example. 300 IN TXT \"v=spf1 -all\"\n"
	    "multi.t.example. 300 IN TXT \"v=spf1 ~all\"\n"
	    "syn.t.example. 300 IN TXT \"v=spf1 -all ip4:1.2.3\"\n"
	    "inc.t.example. 300 IN TXT \"v=spf1 include:none.t.example -all\"\n"
	    "loop.t.example. 300 IN TXT \"v=spf1 redirect=loop.t.example\"\n";
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_report *rep;
	const struct aa_finding *f;

	rep = check(d, "lint.t.example", NULL, false);
	cr_expect_not_null(finding(rep, AA_F_SPF_PTR));
	cr_expect_not_null(finding(rep, AA_F_SPF_PLUS_ALL));
	cr_expect_null(finding(rep, AA_F_SPF_NO_ALL));
	aa_report_free(rep);
	rep = check(d, "noall.t.example", NULL, false);
	cr_expect_not_null(finding(rep, AA_F_SPF_NO_ALL));
	aa_report_free(rep);
	rep = check(d, "multi.t.example", "192.0.2.1", false);
	cr_expect_str_eq(rep->spf->result, "permerror");
	cr_expect_null(rep->spf->record);
	cr_expect_not_null(finding(rep, AA_F_SPF_MULTIPLE_RECORDS));
	aa_report_free(rep);
	rep = check(d, "syn.t.example", "192.0.2.1", false);
	cr_assert_not_null(f = finding(rep, AA_F_SPF_SYNTAX));
	cr_expect(strstr(f->message, "'ip4:1.2.3'") != NULL, "%s",
	    f->message);
	cr_expect(strstr(f->message, "column 17") != NULL, "%s", f->message);
	cr_expect_str_eq(f->origin.file, "test.zone");
	cr_expect_eq(f->origin.line, 5);
	aa_report_free(rep);
	rep = check(d, "inc.t.example", "192.0.2.1", false);
	cr_expect_not_null(finding(rep, AA_F_SPF_INCLUDE_NONE));
	aa_report_free(rep);
	rep = check(d, "loop.t.example", NULL, false);
	cr_expect_not_null(finding(rep, AA_F_SPF_INCLUDE_LOOP));
	aa_report_free(rep);
	rep = check(d, "nothing.t.example", NULL, false);
	cr_expect_not_null(finding(rep, AA_F_SPF_NONE));
	aa_report_free(rep);
	aa_dns_free(d);
}

Test(spf, record_too_long)
{
	char zone[2048];
	struct aa_dns *d;
	struct aa_report *rep;
	int i, n;

	n = snprintf(zone, sizeof(zone), "t.example. 300 IN TXT \"v=spf1");
	for (i = 0; i < 30; i++)
		n += snprintf(zone + n, sizeof(zone) - (size_t)n,
		    " ip4:198.51.100.%d", i);
	snprintf(zone + n, sizeof(zone) - (size_t)n, "\" \" -all\"\n");
	d = th_dns_from_zone(zone, true);
	rep = check(d, "t.example", NULL, false);
	cr_expect_not_null(finding(rep, AA_F_SPF_RECORD_TOO_LONG));
	aa_report_free(rep);
	aa_dns_free(d);
}

/*
 * Over the 8,192-octet parse cap: permerror with spf-record-too-long
 * naming the cap and the length; no spf-syntax, no term or column.
 */
Test(spf, record_over_parse_cap)
{
	struct aa_dns *d;
	struct aa_report *rep;
	const struct aa_finding *f;
	char *zone, *p;
	size_t i;

	/* 40 strings of 250 octets: 10,007 octets with "v=spf1 ". */
	zone = malloc(16384);
	cr_assert_not_null(zone);
	p = zone + sprintf(zone, "t.example. 300 IN TXT \"v=spf1 \"");
	for (i = 0; i < 40; i++) {
		p += sprintf(p, " \"");
		memset(p, 'a', 250);
		memcpy(p, "a:x.example ", 12);
		p += 250;
		p += sprintf(p, "\"");
	}
	sprintf(p, "\n");
	d = th_dns_from_zone(zone, true);
	rep = check(d, "t.example", "192.0.2.1", false);
	cr_expect_str_eq(rep->spf->result, "permerror");
	f = finding(rep, AA_F_SPF_RECORD_TOO_LONG);
	cr_assert_not_null(f);
	cr_expect(strstr(f->message, "10007 octets") != NULL, "%s",
	    f->message);
	cr_expect(strstr(f->message, "8192") != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "column") == NULL, "%s", f->message);
	/* Not the lint warning: it makes the result permerror. */
	cr_expect_eq(f->severity, AA_SEV_ERROR);
	cr_expect_str_eq(f->origin.file, "test.zone");
	cr_expect_null(finding(rep, AA_F_SPF_SYNTAX));
	aa_report_free(rep);
	/* The worst-case walk says the same. */
	rep = check(d, "t.example", NULL, false);
	f = finding(rep, AA_F_SPF_RECORD_TOO_LONG);
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AA_SEV_ERROR);
	cr_expect_null(finding(rep, AA_F_SPF_SYNTAX));
	aa_report_free(rep);
	aa_dns_free(d);
	free(zone);
}

Test(spf, explanation_and_helo)
{
	static const char zone[] =
	    "t.example. 300 IN TXT \"v=spf1 ip4:192.0.2.1 ~include:u.t.example "
	    "-all exp=e.t.example\"\n"
	    "u.t.example. 300 IN TXT \"v=spf1 ip4:192.0.2.2\"\n"
	    "e.t.example. 300 IN TXT \"%{i} may not send for %{d}\"\n"
	    "helo.t.example. 300 IN TXT \"v=spf1 -all\"\n";
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_report *rep = aa_report_new("spf");
	struct aa_spf_params p;

	memset(&p, 0, sizeof(p));
	p.domain = "t.example";
	p.ip = "192.0.2.9";
	p.helo = "helo.t.example";
	p.mail_from = "x@t.example";
	cr_assert_eq(aa_spf_check(d, rep, &p), AA_OK);
	cr_expect_str_eq(rep->spf->result, "fail");
	cr_expect_str_eq(rep->spf->explanation,
	    "192.0.2.9 may not send for t.example");
	cr_expect_str_eq(rep->spf->helo_result, "fail");
	cr_expect_not_null(finding(rep, AA_F_SPF_FAIL));
	cr_expect_not_null(finding(rep, AA_F_SPF_HELO_FAIL));
	aa_report_free(rep);
	/* softfail through ~include: no explanation (fail only). */
	rep = aa_report_new("spf");
	p.ip = "192.0.2.2";
	p.helo = NULL;
	cr_assert_eq(aa_spf_check(d, rep, &p), AA_OK);
	cr_expect_str_eq(rep->spf->result, "softfail");
	cr_expect_null(rep->spf->explanation);
	cr_expect_str_eq(rep->spf->matched->term, "~include:u.t.example");
	cr_expect_str_eq(rep->spf->matched->domain, "t.example");
	cr_expect_not_null(finding(rep, AA_F_SPF_SOFTFAIL));
	aa_report_free(rep);
	aa_dns_free(d);
}

Test(spf, libspf2_crash_survives)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	struct aa_report *rep;
	char err[256];

	cr_assert_eq(aa_dns_load_zone(d, TESTDATA
	    "/zones/spf-libspf2-crash.zone", err, sizeof(err)), AA_OK, "%s",
	    err);
	rep = check(d, "crash.example", "192.0.2.1", true);
	/* Our result stands; libspf2 crashed in its child. */
	cr_expect_str_eq(rep->spf->result, "fail");
	cr_assert_not_null(rep->spf->libspf2);
	cr_expect_eq(rep->spf->libspf2->crashed, AA_TRI_TRUE);
	cr_expect_not_null(finding(rep, AA_F_SPF_LIBSPF2_CRASH));
	cr_expect_not_null(finding(rep, AA_F_SPF_RECORD_TOO_LONG));
	aa_report_free(rep);
	aa_dns_free(d);
}

Test(spf, libspf2_disagrees_and_logs)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	struct aa_report *rep;
	const struct aa_qlog *q;
	char err[256];

	cr_assert_eq(aa_dns_load_zone(d, TESTDATA "/zones/spf-lookups.zone",
	    err, sizeof(err)), AA_OK, "%s", err);
	rep = check(d, "lookups.example", "192.0.2.7", true);
	cr_expect_str_eq(rep->spf->result, "permerror");
	cr_assert_not_null(rep->spf->libspf2);
	/* libspf2 counts the limit per record (libraries.md 1). */
	cr_expect_str_eq(rep->spf->libspf2->result, "pass");
	cr_expect_eq(rep->spf->libspf2->agrees, AA_TRI_FALSE);
	cr_expect_eq(rep->spf->libspf2->crashed, AA_TRI_FALSE);
	cr_expect_not_null(finding(rep, AA_F_SPF_LIBSPF2_DISAGREES));
	/* Its new question went through our layer, tagged. */
	q = th_log_find(d, "192.0.2.7.rbl.lookups.example", AA_TYPE_A);
	cr_assert_not_null(q);
	cr_expect_str_eq(q->by, "libspf2");
	aa_report_free(rep);
	aa_dns_free(d);
}

/* Includes 10 wide and 3 deep under t.example: 1,111 records. */
static char *
tree_zone(void)
{
	size_t cap = 1 << 20, n = 0;
	char *z = malloc(cap);
	int i, j, k, m;

	cr_assert_not_null(z);
	n += (size_t)snprintf(z + n, cap - n, "t.example. TXT \"v=spf1");
	for (m = 0; m < 10; m++)
		n += (size_t)snprintf(z + n, cap - n, " include:t%d.t.example",
		    m);
	n += (size_t)snprintf(z + n, cap - n, " -all\"\n");
	for (i = 0; i < 10; i++) {
		n += (size_t)snprintf(z + n, cap - n, "t%d.t.example. TXT "
		    "\"v=spf1", i);
		for (m = 0; m < 10; m++)
			n += (size_t)snprintf(z + n, cap - n, " include:t%d.t%d."
			    "t.example", m, i);
		n += (size_t)snprintf(z + n, cap - n, " -all\"\n");
		for (j = 0; j < 10; j++) {
			n += (size_t)snprintf(z + n, cap - n,
			    "t%d.t%d.t.example. TXT \"v=spf1", j, i);
			for (m = 0; m < 10; m++)
				n += (size_t)snprintf(z + n, cap - n,
				    " include:t%d.t%d.t%d.t.example", m, j, i);
			n += (size_t)snprintf(z + n, cap - n, " -all\"\n");
			for (k = 0; k < 10; k++)
				n += (size_t)snprintf(z + n, cap - n,
				    "t%d.t%d.t%d.t.example. TXT "
				    "\"v=spf1 -all\"\n", k, j, i);
		}
	}
	return z;
}

/*
 * libspf2 counts the lookup limit per include (libraries.md 1) and would
 * ask about 950 questions here: its own cap stops it, without using the
 * audit's --max-queries, so there is no dns budget overrun, no
 * disagreement, and our permerror stands.
 */
Test(spf, libspf2_own_query_cap)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true, .max_queries = 300 });
	struct aa_report *rep;
	char *z = tree_zone();
	size_t i, ours = 0, theirs = 0;

	th_dns_load(d, "tree.zone", z);
	free(z);
	rep = check(d, "t.example", "192.0.2.1", true);
	cr_expect_str_eq(rep->spf->result, "permerror");
	cr_expect_not_null(finding(rep, AA_F_SPF_TOO_MANY_LOOKUPS));
	cr_expect(!aa_dns_budget_exceeded(d));
	cr_assert_not_null(rep->spf->libspf2);
	cr_expect_null(rep->spf->libspf2->result);
	cr_expect_eq(rep->spf->libspf2->agrees, AA_TRI_NULL);
	cr_expect_eq(rep->spf->libspf2->crashed, AA_TRI_FALSE);
	cr_assert_not_null(rep->spf->libspf2->note);
	cr_expect(strstr(rep->spf->libspf2->note, "stopped after 224 DNS "
	    "questions") != NULL, "%s", rep->spf->libspf2->note);
	cr_expect_null(finding(rep, AA_F_SPF_LIBSPF2_DISAGREES));
	cr_expect_null(finding(rep, AA_F_SPF_LIBSPF2_CRASH));
	for (i = 0; i < aa_dns_log_count(d); i++) {
		const struct aa_qlog *q = aa_dns_log_get(d, i);

		if (q->by != NULL && strcmp(q->by, "libspf2") == 0)
			theirs++;
		else
			ours++;
	}
	cr_expect(theirs > 0 && theirs <= 224, "%zu", theirs);
	cr_expect(ours < 300, "%zu", ours);
	aa_report_free(rep);
	aa_dns_free(d);
}

/* The DNS layer's uncounted questions (for libspf2's own cap). */
Test(spf, dns_uncounted_questions)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true, .max_queries = 2 });
	const struct aa_answer *a;
	char name[32];
	int i;

	cr_expect(aa_dns_set_counted(d, false));
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "u%d.example", i);
		cr_assert_eq(aa_dns_query(d, name, AA_TYPE_A, &a), AA_OK);
		cr_expect_eq(a->rcode, AA_RCODE_NXDOMAIN);
	}
	cr_expect(!aa_dns_set_counted(d, true));
	cr_expect(!aa_dns_budget_exceeded(d));
	/* The cap is still whole for counted callers. */
	cr_assert_eq(aa_dns_query(d, "c0.example", AA_TYPE_A, &a), AA_OK);
	cr_assert_eq(aa_dns_query(d, "c1.example", AA_TYPE_A, &a), AA_OK);
	cr_expect_eq(a->rcode, AA_RCODE_NXDOMAIN);
	cr_expect(!aa_dns_budget_exceeded(d));
	cr_assert_eq(aa_dns_query(d, "c2.example", AA_TYPE_A, &a), AA_OK);
	cr_expect_eq(a->rcode, AA_RCODE_BUDGET);
	cr_expect(aa_dns_budget_exceeded(d));
	aa_dns_free(d);
}

Test(spf, limit_redirect_counts)
{
	char *z = chain_zone(10, "redirect=r.t.example");
	char *zz;
	struct aa_spf_outcome o;

	cr_assert(asprintf(&zz, "%sr.t.example. 300 IN TXT \"v=spf1 -all\"\n",
	    z) > 0);
	o = eval(zz, "192.0.2.1", "a@t.example");
	cr_expect_eq(o.result, AA_SPF_PERMERROR);
	cr_expect_eq(o.lookups, 11);
	cr_expect_str_eq(o.exceeded_term, "redirect=r.t.example");
	aa_spf_outcome_clear(&o);
	free(zz);
	free(z);
}

Test(spf, tree_walk_is_bounded)
{
	/* 80 records in a chain, each with 3 a terms: the walk stops. */
	char *z = NULL;
	size_t zl = 0, i;
	FILE *f = open_memstream(&z, &zl);
	struct aa_dns *d;
	struct aa_report *rep;
	const struct aa_finding *fd;
	bool capped = false;

	for (i = 0; i < 80; i++)
		fprintf(f, "r%zu.t.example. 300 IN TXT \"v=spf1 a:h.t.example "
		    "a:h.t.example a:h.t.example include:r%zu.t.example -all\"\n",
		    i, i + 1);
	fputs("h.t.example. 300 IN A 192.0.2.1\n", f);
	fclose(f);
	d = th_dns_from_zone(z, true);
	rep = check(d, "r0.t.example", NULL, false);
	cr_expect_gt(rep->spf->lookups.count.v, 50);
	cr_assert_not_null(fd = finding(rep, AA_F_SPF_TOO_MANY_LOOKUPS));
	for (i = 0; i < rep->findings.n; i++)
		if (strstr(rep->findings.v[i].message, "walk stopped") != NULL)
			capped = true;
	cr_expect(capped);
	cr_expect_lt(aa_dns_log_count(d), 60);
	aa_report_free(rep);
	aa_dns_free(d);
	free(z);
}

Test(spf, fail_finding_has_origin)
{
	static const char zone[] =
	    "$ORIGIN t.example.\n"
	    "@ 300 IN TXT \"v=spf1 include:u.t.example -all\"\n"
	    "u 300 IN TXT \"v=spf1 ip4:192.0.2.1\"\n";
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_report *rep = check(d, "t.example", "192.0.2.9", false);
	const struct aa_finding *f = finding(rep, AA_F_SPF_FAIL);

	cr_assert_not_null(f);
	cr_expect_str_eq(f->origin.file, "test.zone");
	cr_expect_eq(f->origin.line, 2);
	cr_expect_str_eq(rep->spf->matched->term, "-all");
	aa_report_free(rep);
	aa_dns_free(d);
}

static unsigned
junk_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/*
 * One zone line "jN.t.example. TXT "v=spf1 ..."" of SPF-like tokens and
 * raw octets (as \DDD), so records are sometimes valid and often not.
 */
static void
junk_record(unsigned *seed, FILE *f, int n)
{
	static const char *const tok[] = { "a", "mx", "ptr", "-all", "~all",
	    "?all", "+all", "all", "include:j1.t.example",
	    "include:j2.t.example", "redirect=j3.t.example",
	    "redirect=j0.t.example",
	    "exists:%{i}.j1.t.example", "a:%{d}", "a:%{ir}.%{v}.t.example",
	    "mx:%{l}.t.example", "exp=%{h}.t.example", "ip4:192.0.2.0/24",
	    "ip6:2001:db8::/32", "ip4:", "ip6:::/0", "a//0", "mx/33",
	    "a:%{", "%{d99r}", "%%", "%_", "x=y", "=", ":", "/", "//",
	    "include:", "redirect=", "exists:", "ptr:%{p}.t.example",
	    "a:j0.t.example", "include:nx.t.example", "\\000", "\\255",
	    "\\034", "\\092\\092", "v=spf1", "\\009", "\\013\\010" };
	size_t ntok = sizeof(tok) / sizeof(tok[0]), k, len = 6;
	unsigned i, terms = junk_rand(seed) % 12;

	fprintf(f, "j%d.t.example. 300 IN TXT \"v=spf1", n);
	for (i = 0; i < terms && len < 200; i++) {
		if (junk_rand(seed) % 2)
			fputc(' ', f);
		if (junk_rand(seed) % 4 == 0) {
			/* A raw octet, any value. */
			fprintf(f, "\\%03u", junk_rand(seed) % 256);
			len += 1;
			continue;
		}
		k = junk_rand(seed) % ntok;
		fputs(tok[k], f);
		len += strlen(tok[k]);
	}
	fputs("\"\n", f);
}

/* Nothing from DNS reaches the report raw: printable ASCII or UTF-8. */
static void
expect_clean(const char *s, const char *what)
{
	size_t n, i = 0, bad;

	if (s == NULL)
		return;
	n = strlen(s);
	while (i < n) {
		size_t l = aa_utf8_seq((const unsigned char *)s + i, n - i,
		    &bad);

		cr_assert(l > 0 && ((unsigned char)s[i] >= 0x20 ||
		    s[i] == '\t'), "%s: octet %zu of '%s'", what, i, s);
		i += l;
	}
}

/* Junk records: every path ends in a result, caps hold, output clean. */
Test(spf, junk_records_evaluate_cleanly)
{
	static const char *const ips[] = { NULL, "192.0.2.1", "2001:db8::1" };
	static const char *const results[] = { "none", "neutral", "pass",
	    "fail", "softfail", "temperror", "permerror" };
	unsigned seed = 7208, round;
	size_t i, j, k, seen[7] = { 0 };

	for (round = 0; round < 120; round++) {
		char *z = NULL;
		size_t zl = 0;
		FILE *f = open_memstream(&z, &zl);
		struct aa_dns *d;
		int n;

		for (n = 0; n < 4; n++)
			junk_record(&seed, f, n);
		fputs("j1.t.example. 300 IN A 192.0.2.1\n", f);
		fclose(f);
		d = th_dns_from_zone(z, true);
		for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
			struct aa_report *rep = check(d, "j0.t.example", ips[i],
			    false);
			bool known = false;

			if (ips[i] == NULL)
				cr_expect_null(rep->spf->result, "%s", z);
			else {
				cr_assert_not_null(rep->spf->result, "%s", z);
				for (k = 0; k < 7; k++)
					if (strcmp(rep->spf->result,
					    results[k]) == 0) {
						known = true;
						seen[k]++;
					}
				cr_expect(known, "result %s: %s",
				    rep->spf->result, z);
			}
			cr_expect_leq(rep->spf->lookups.count.v, 60, "%s", z);
			expect_clean(rep->spf->record, "record");
			for (j = 0; j < rep->findings.n; j++)
				expect_clean(rep->findings.v[j].message,
				    "finding");
			aa_report_free(rep);
		}
		aa_dns_free(d);
		free(z);
	}
	/* The junk reached the evaluator, not only the parser's errors. */
	cr_expect_gt(seen[6], 0, "no permerror");
	cr_expect_gt(seen[1] + seen[2] + seen[3] + seen[4], 0,
	    "no record was ever evaluated");
}

/*
 * A target over the macro output cap: permerror with one spf-syntax
 * finding at the record, for a mechanism and for redirect= alike.
 */
Test(spf, target_over_macro_cap)
{
	static const char *const kinds[] = { "a:", "redirect=" };
	char label[51], name[256], zone[1024], *p;
	size_t i, k, n;
	struct aa_dns *d;
	struct aa_report *rep;
	const struct aa_finding *f;

	memset(label, 'x', 50);
	label[50] = '\0';
	snprintf(name, sizeof(name), "%s.%s.%s.%s.t.example", label, label,
	    label, label);
	for (k = 0; k < 2; k++) {
		/* 50 * %{d} of 213 octets: over the 8192-octet cap. */
		p = zone + snprintf(zone, sizeof(zone), "%s. 300 IN TXT "
		    "\"v=spf1 %s", name, kinds[k]);
		for (i = 0; i < 50; i++)
			p += snprintf(p, 5, "%%{d}");
		snprintf(p, sizeof(zone) - (size_t)(p - zone), "\"\n");
		d = th_dns_from_zone(zone, true);
		rep = check(d, name, "192.0.2.1", false);
		cr_expect_str_eq(rep->spf->result, "permerror", "%s", kinds[k]);
		cr_assert_not_null(f = finding(rep, AA_F_SPF_SYNTAX), "%s",
		    kinds[k]);
		cr_expect(strstr(f->message, "macro cap") != NULL, "%s",
		    f->message);
		cr_expect_str_eq(f->origin.file, "test.zone");
		cr_expect_eq(f->origin.line, 1);
		for (i = 0, n = 0; i < rep->findings.n; i++)
			n += rep->findings.v[i].code == AA_F_SPF_SYNTAX;
		cr_expect_eq(n, 1, "%s: %zu spf-syntax findings", kinds[k], n);
		aa_report_free(rep);
		aa_dns_free(d);
	}
}
