/*
 * test_dmarc.c: the DMARC record parser (the record cases of
 * testdata/conformance/dmarc/NOTES.md as a table), the PSL adapter,
 * alignment, the RFC 9989 tree walk, and aa_dmarc_check on zones with
 * SPF and DKIM results built by hand (as the SPF and DKIM stages would).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aa_clock.h"
#include "aa_dmarc.h"
#include "aa_psl.h"
#include "aa_report.h"
#include "helpers.h"
#include "../../src/dmarc_int.h"

#define NO_ISSUE	(-1)

/* 1. The record table: NOTES.md 1 and 2, and RFC 9989 cases of 3. */
struct rec_case {
	char		 rec[160];
	int		 status;	/* enum aa_status */
	int		 code;		/* an issue expected, or NO_ISSUE */
	char		 tag[12];	/* its tag */
	char		 why[96];
};

#define OK	AA_OK
#define BAD	AA_EPARSE
#define NOT	AA_ENOTFOUND
#define SYN	AA_F_DMARC_SYNTAX
#define UNK	AA_F_DMARC_TAG_UNKNOWN
#define RUA	AA_F_DMARC_RUA_INVALID

ParameterizedTestParameters(dmarc, record)
{
	static struct rec_case cases[] = {
	/* OpenDMARC test_dmarc_parse.c (NOTES.md 1), cases 1-19 */
	{ "v=DMARC1; p=none; rf=afrf; rua=mailto:dmarc-a@abuse.net; "
	  "ruf=mailto:dmarc-f@abuse.net", OK, NO_ISSUE, "", "valid" },
	{ "v=DMARC1; p=none;", OK, NO_ISSUE, "", "trailing ; allowed" },
	{ "v=DMARC1; p=reject;", OK, NO_ISSUE, "", "" },
	{ "v=DMARC1; p=quarantine;", OK, NO_ISSUE, "", "" },
	{ "v=DMARC1; p=n;", BAD, SYN, "p", "OpenDMARC's prefix match is "
	  "lenient: n is no policy, and there is no rua" },
	{ "", NOT, NO_ISSUE, "", "empty: not a DMARC record" },
	{ "V=BOB", NOT, NO_ISSUE, "", "v must be DMARC1" },
	{ "v=DMARC1; p=bob;", BAD, SYN, "p", "invalid p, no rua" },
	{ "v=DMARC1; p=none; sp=bob;", BAD, SYN, "sp", "invalid sp, no rua "
	  "(6.6.3 step 6)" },
	{ "v=DMARC1; p=none; adkim=bob;", OK, SYN, "adkim", "ignored: "
	  "relaxed (6.3)" },
	{ "v=DMARC1; p=none; aspf=bob;", OK, SYN, "aspf", "ignored" },
	{ "v=DMARC1; p=none; rf=bob;", OK, SYN, "rf", "ignored" },
	{ "v=DMARC1; p=none; ri=bob;", OK, SYN, "ri", "ignored" },
	{ "v=DMARC1; p=none; pct=500;", OK, SYN, "pct", "pct is 0..100; "
	  "ignored, 100 applies" },
	{ "v=DMARC1; pct=100;", BAD, SYN, "p", "p required without rua" },
	{ "v=DMARC1; p=none; rua=ftp://abuse.com", OK, RUA, "rua", "a bad "
	  "URI is ignored, not fatal" },
	{ "v=DMARC1; p=none; ruf=mailto://abuse.com", OK, RUA, "ruf",
	  "mailto without local@domain" },
	{ "v=DMARC1; p=none; ruf=mailto://abuse.com; foo=bar; buzz=happy;",
	  OK, UNK, "foo", "unknown tags ignored (6.3)" },
	{ "v=DMARC1; p=none; rf=000000000000000000000000000000000", OK, SYN,
	  "rf", "ignored" },
	/* Mail::DMARC t/01.Policy.t (NOTES.md 2) */
	{ "v=DMARC1", BAD, SYN, "p", "no p and no rua" },
	{ "v=DMARC1; p=reject; newtag=unknown", OK, UNK, "newtag", "" },
	{ "v=DMARC1; p=bogus", BAD, SYN, "p", "" },
	{ "v=DMARC1; p=reject", OK, NO_ISSUE, "", "smallest valid record" },
	{ "v=DMARC1; p=reject; pct=", OK, SYN, "pct", "empty pct dropped" },
	{ "v=DMARC1; rua=mailto:a@example.com", OK, SYN, "p", "valid rua: "
	  "acts as p=none (6.6.3)" },
	{ "v=DMARC1; p=reject; pct=1.0", OK, SYN, "pct", "" },
	{ "v=DMARC1; p=reject; pct=-1", OK, SYN, "pct", "" },
	{ "v=DMARC1; p=reject; ri=4294967296", OK, SYN, "ri", "over 32 bits" },
	{ "v=DMARC1; p=reject; ri=4294967295", OK, NO_ISSUE, "", "" },
	{ "v=DMARC1; p=reject; fo=0:1:d:s", OK, NO_ISSUE, "", "" },
	{ "v=DMARC1; p=reject; fo=00", OK, SYN, "fo", "" },
	{ "v=DMARC1; p=reject; rf=iodef", OK, NO_ISSUE, "", "" },
	{ "v=DMARC1; p=reject; rf=iodef2", OK, SYN, "rf", "" },
	{ "v=DMARC1; p=reject; adkim=relaxed", OK, SYN, "adkim", "r or s" },
	{ "v=DMARC1; p=reject; sp=nones", BAD, SYN, "sp", "p valid, sp not: "
	  "no rua: unusable" },
	{ "v=DMARC1; p=reject; rua=mailto:a@example.com!10m", OK, NO_ISSUE,
	  "", "size suffix" },
	{ "v=DMARC1; p=reject; rua=mailto:a@example.com!x", OK, RUA, "rua",
	  "bad size suffix" },
	{ "v=DMARC1; p=reject; ruf=mail:a@example.com", OK, RUA, "ruf", "" },
	/* RFC 9989 tags and mailauth's rfc9989-compliance cases (NOTES.md 3) */
	{ "v=DMARC1; p=reject; psd=y; t=y; np=quarantine", OK, NO_ISSUE, "",
	  "RFC 9989 tags" },
	{ "v=DMARC1; p=reject; psd=x", OK, SYN, "psd", "" },
	{ "v=DMARC1; p=reject; t=maybe", OK, SYN, "t", "" },
	{ "v=DMARC1; p=reject; np=nothing", OK, SYN, "np", "" },
	{ "v=dmarc1; p=reject", NOT, NO_ISSUE, "", "v is case-sensitive" },
	{ "v=DMARC1x; p=reject", NOT, NO_ISSUE, "", "v must be exact" },
	{ "v = DMARC1; p=reject", OK, NO_ISSUE, "", "WSP around = allowed" },
	{ "V=DMARC1; p=reject", OK, NO_ISSUE, "", "tag names are ABNF "
	  "literals: case-insensitive" },
	{ "v=DMARC1; p=Reject; adkim=S", OK, NO_ISSUE, "", "values are "
	  "case-insensitive" },
	{ "p=reject; v=DMARC1", NOT, NO_ISSUE, "", "v must come first" },
	{ " v=DMARC1; p=reject", NOT, NO_ISSUE, "", "must start with v=" },
	{ "v=DMARC1 p=reject", NOT, NO_ISSUE, "", "no separator after v" },
	/* ours */
	{ "v=DMARC1;p=reject;sp=quarantine", OK, NO_ISSUE, "", "no spaces" },
	{ "v=DMARC1; p=reject; p=none", OK, SYN, "p", "repeated: first "
	  "used" },
	{ "v=DMARC1; p=reject; v=DMARC1", OK, SYN, "v", "v twice" },
	{ "v=DMARC1; p=reject; junk", OK, SYN, "", "no = in a part" },
	{ "v=DMARC1; p=reject; 9x=1", OK, SYN, "", "not a tag name" },
	{ "v=DMARC1; p=bogus; rua=mailto:a@example.com", OK, SYN, "p",
	  "invalid p, valid rua: p=none" },
	{ "v=DMARC1; p=reject; rua=https://r.example.com/d", OK, NO_ISSUE,
	  "", "RFC 7489 allows other URIs" },
	{ "v=DMARC1; p=reject; rua=", OK, RUA, "rua", "empty list" },
	};

	return cr_make_param_array(struct rec_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

static bool
has_issue(const struct aa_dmarc_record *r, int code, const char *tag)
{
	size_t i;

	for (i = 0; i < r->nissues; i++)
		if ((int)r->issues[i].code == code &&
		    strcmp(r->issues[i].tag, tag) == 0)
			return true;
	return false;
}

ParameterizedTest(struct rec_case *c, dmarc, record)
{
	struct aa_dmarc_record r;
	enum aa_status st = aa_dmarc_parse(c->rec, strlen(c->rec), &r);

	cr_assert_eq(st, c->status, "\"%s\": status %d, want %d (%s)", c->rec,
	    st, c->status, c->why);
	cr_assert_eq(r.is_dmarc, c->status != NOT, "\"%s\"", c->rec);
	cr_assert_eq(r.usable, c->status == OK, "\"%s\"", c->rec);
	if (c->code == NO_ISSUE && c->status != NOT)
		cr_assert_eq(r.nissues, 0, "\"%s\": %zu issues, first %s: %s",
		    c->rec, r.nissues, r.nissues ? r.issues[0].tag : "",
		    r.nissues ? r.issues[0].what : "");
	else if (c->code != NO_ISSUE)
		cr_assert(has_issue(&r, c->code, c->tag), "\"%s\": no issue "
		    "%d for tag \"%s\" (%s)", c->rec, c->code, c->tag, c->why);
}

Test(dmarc, record_values)
{
	static const char rec[] = "v=DMARC1; p=quarantine; sp=reject; "
	    "np=none; adkim=s; aspf=r; pct=25; t=y; psd=n; "
	    "rua=mailto:a@Example.COM, mailto:b@other.net!5m; "
	    "ruf=mailto:f@example.com";
	struct aa_dmarc_record r;

	cr_assert_eq(aa_dmarc_parse(rec, strlen(rec), &r), AA_OK);
	cr_assert_eq(r.p, AA_DMARC_POL_QUARANTINE);
	cr_assert_eq(r.sp, AA_DMARC_POL_REJECT);
	cr_assert_eq(r.np, AA_DMARC_POL_NONE);
	cr_assert_eq(r.adkim, 's');
	cr_assert_eq(r.aspf, 'r');
	cr_assert_eq(r.pct, 25);
	cr_assert_eq(r.t, 'y');
	cr_assert_eq(r.psd, 'n');
	cr_assert_eq(r.nuris, 3);
	cr_assert_eq(r.nvalid_rua, 2);
	cr_assert_eq(r.uris[0].domain.len, strlen("Example.COM"));
	cr_assert_eq(memcmp(rec + r.uris[1].domain.off, "other.net", 9), 0);
	cr_assert(r.uris[2].ruf);
	cr_assert_not(r.p_from_rua);
}

Test(dmarc, record_defaults_and_repeat)
{
	static const char rec[] = "v=DMARC1; p=reject; p=none; pct=abc";
	struct aa_dmarc_record r;

	cr_assert_eq(aa_dmarc_parse(rec, strlen(rec), &r), AA_OK);
	cr_assert_eq(r.p, AA_DMARC_POL_REJECT);
	cr_assert_eq(r.pct, -1);
	cr_assert(r.has_pct);
	cr_assert_eq(r.adkim, 0);
}

/* Length-counted: a NUL inside the text is just an octet. */
Test(dmarc, record_with_nul)
{
	static const char rec[] = "v=DMARC1; p=reject; rua=mailto:a\0@x.com";
	struct aa_dmarc_record r;

	cr_assert_eq(aa_dmarc_parse(rec, sizeof(rec) - 1, &r), AA_OK);
	cr_assert(has_issue(&r, RUA, "rua"));
	cr_assert_eq(aa_dmarc_parse(rec, 5, &r), AA_ENOTFOUND);
}

static void
assert_span_in(struct aa_dmarc_span sp, size_t len)
{
	cr_assert(sp.off <= len && sp.len <= len - sp.off,
	    "span %zu+%zu outside %zu", sp.off, sp.len, len);
}

/*
 * Junk after v=DMARC1 (seeded, so a failure repeats): a defined status,
 * every kept span inside the input, the caps held.  ASan watches reads.
 */
Test(dmarc, record_junk)
{
	static const char alphabet[] = "v=DMARC1;pspnrua:mailto@!.,=; \t\r\n"
	    "\0\x80\xff";
	struct aa_dmarc_record r;
	char *rec;
	unsigned seed = 7;
	size_t i, k, len;
	enum aa_status st;

	for (i = 0; i < 2000; i++) {
		len = 9 + (i % 300);
		rec = malloc(len);
		cr_assert_not_null(rec);
		memcpy(rec, "v=DMARC1;", 9);
		for (k = 9; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			rec[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		st = aa_dmarc_parse(rec, len, &r);
		cr_assert(st == AA_OK || st == AA_EPARSE, "status %d", st);
		cr_assert(r.is_dmarc);
		cr_assert_leq(r.nissues, AA_DMARC_MAX_ISSUES);
		cr_assert_leq(r.nuris, AA_DMARC_MAX_URIS);
		for (k = 0; k < r.nissues; k++)
			assert_span_in(r.issues[k].value, len);
		for (k = 0; k < r.nuris; k++) {
			assert_span_in(r.uris[k].uri, len);
			assert_span_in(r.uris[k].domain, len);
		}
		assert_span_in(r.p_text, len);
		assert_span_in(r.sp_text, len);
		assert_span_in(r.np_text, len);
		free(rec);
	}
}

Test(dmarc, record_issue_cap)
{
	char rec[4096];
	struct aa_dmarc_record r;
	size_t n = 0;
	int i;

	n += (size_t)snprintf(rec, sizeof(rec), "v=DMARC1; p=reject");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, "; x%d=1", i);
	cr_assert_eq(aa_dmarc_parse(rec, n, &r), AA_OK);
	cr_assert_eq(r.nissues, AA_DMARC_MAX_ISSUES);
	cr_assert_eq(r.issues_dropped, 100 - AA_DMARC_MAX_ISSUES);
}

/* 2. The PSL: Debian's list, wildcards, exceptions, case, IDN. */
static struct aa_psl *
debian_psl(void)
{
	struct aa_psl *p;
	char err[256];

	cr_assert_eq(aa_psl_open(NULL, &p, err, sizeof(err)), AA_OK, "%s",
	    err);
	return p;
}

static void
assert_org(const struct aa_psl *p, const char *name, const char *want)
{
	char *o = aa_psl_org_domain(p, name);

	if (want == NULL)
		cr_assert_null(o, "%s: org %s, want none", name, o);
	else {
		cr_assert_not_null(o, "%s: no org, want %s", name, want);
		cr_assert_str_eq(o, want, "%s", name);
	}
	free(o);
}

Test(psl, org_domains)
{
	struct aa_psl *p = debian_psl();

	assert_org(p, "example.com", "example.com");
	assert_org(p, "a.b.example.com", "example.com");
	assert_org(p, "sub.example.co.uk", "example.co.uk");
	assert_org(p, "com", NULL);
	assert_org(p, "co.uk", NULL);
	/* *.ck with !www.ck: b.ck is a suffix, www.ck is not. */
	assert_org(p, "a.b.ck", "a.b.ck");
	assert_org(p, "x.a.b.ck", "a.b.ck");
	assert_org(p, "b.ck", NULL);
	assert_org(p, "www.ck", "www.ck");
	assert_org(p, "a.www.ck", "www.ck");
	/* *.kawasaki.jp with !city.kawasaki.jp (OpenDMARC: c.kawasaki.jp) */
	assert_org(p, "a.b.c.kawasaki.jp", "b.c.kawasaki.jp");
	assert_org(p, "x.city.kawasaki.jp", "city.kawasaki.jp");
	/* Upper case and a trailing dot. */
	assert_org(p, "WWW.Example.CO.UK", "example.co.uk");
	assert_org(p, "mail.example.com.", "example.com");
	/* An unknown TLD follows the default rule "*". */
	assert_org(p, "a.b.example.notatld", "example.notatld");
	assert_org(p, "notatld", NULL);
	/* IDN in A-label form: .рф is xn--p1ai. */
	assert_org(p, "mail.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai");
	assert_org(p, "xn--p1ai", NULL);
	/* PRIVATE rules count: blogspot.com is a suffix. */
	assert_org(p, "a.foo.blogspot.com", "foo.blogspot.com");
	cr_assert(aa_psl_is_suffix(p, "blogspot.com"));
	/* Not names. */
	assert_org(p, "", NULL);
	assert_org(p, "a..example.com", NULL);
	assert_org(p, "\xd1\x80\xd1\x84", NULL);
	aa_psl_free(p);
}

Test(psl, date_and_stale)
{
	char path[] = "/tmp/aa-psl-XXXXXX", err[256];
	struct aa_psl *p;
	FILE *fp;
	int fd = mkstemp(path);

	cr_assert_neq(fd, -1);
	fp = fdopen(fd, "w");
	fputs("// VERSION: 2024-01-15_08-07-09_UTC\n// COMMIT: x\n"
	    "com\nco.uk\n*.ck\n!www.ck\n", fp);
	fclose(fp);
	cr_assert_eq(aa_psl_open(path, &p, err, sizeof(err)), AA_OK, "%s",
	    err);
	cr_assert_str_eq(aa_psl_date(p), "2024-01-15");
	cr_assert_str_eq(aa_psl_path(p), path);
	cr_assert_not(aa_psl_stale(p, 1718000000));	/* 2024-06-10 */
	cr_assert(aa_psl_stale(p, 1737000000));		/* 2025-01-16 */
	assert_org(p, "a.example.co.uk", "example.co.uk");
	assert_org(p, "a.b.ck", "a.b.ck");
	aa_psl_free(p);
	unlink(path);
}

Test(psl, unreadable_and_empty)
{
	char path[] = "/tmp/aa-psl-XXXXXX", err[256];
	struct aa_psl *p;
	int fd = mkstemp(path);

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, "// nothing\n", 11), 11);
	close(fd);
	cr_assert_eq(aa_psl_open(path, &p, err, sizeof(err)), AA_EPARSE);
	cr_assert_null(p);
	cr_assert(strstr(err, "no public suffix rules") != NULL, "%s", err);
	unlink(path);
	cr_assert_eq(aa_psl_open("/nonexistent/psl.dat", &p, err,
	    sizeof(err)), AA_EIO);
	cr_assert(strstr(err, "/nonexistent/psl.dat") != NULL, "%s", err);
	cr_assert_eq(aa_psl_open("/tmp", &p, err, sizeof(err)), AA_EIO);
}

Test(psl, debian_date)
{
	struct aa_psl *p = debian_psl();

	cr_assert_not_null(aa_psl_date(p));
	cr_assert_eq(strlen(aa_psl_date(p)), 10);
	aa_psl_free(p);
}

/* 3. Alignment, strict and relaxed, both directions. */
Test(dmarc, alignment)
{
	struct aa_psl *p = debian_psl();

	cr_assert(aa_dmarc_aligned(p, "example.com", "example.com", true));
	cr_assert(aa_dmarc_aligned(p, "EXAMPLE.com.", "example.COM", true));
	cr_assert(aa_dmarc_aligned(p, "mail.example.com", "example.com",
	    false));
	cr_assert_not(aa_dmarc_aligned(p, "mail.example.com", "example.com",
	    true));
	cr_assert(aa_dmarc_aligned(p, "example.com", "mail.example.com",
	    false));
	cr_assert_not(aa_dmarc_aligned(p, "example.com", "mail.example.com",
	    true));
	cr_assert(aa_dmarc_aligned(p, "a.example.com", "b.example.com",
	    false));
	cr_assert_not(aa_dmarc_aligned(p, "example.net", "example.com",
	    false));
	cr_assert_not(aa_dmarc_aligned(p, "oooo.com", "ooo.com", true));
	/* A public suffix never aligns (OpenDMARC lets d=co.uk align). */
	cr_assert_not(aa_dmarc_aligned(p, "co.uk", "example.co.uk", false));
	cr_assert_not(aa_dmarc_aligned(p, "example.co.uk", "co.uk", false));
	cr_assert_not(aa_dmarc_aligned(p, "a.b.ck", "c.b.ck", false));
	cr_assert(aa_dmarc_aligned(p, "x.a.b.ck", "a.b.ck", false));
	cr_assert_not(aa_dmarc_aligned(p, NULL, "example.com", false));
	aa_psl_free(p);
}

/* 4. The RFC 9989 tree walk. */
static const char walk_zone[] =
    "$ORIGIN test.\n"
    "_dmarc.example IN TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.psd IN TXT \"v=DMARC1; p=quarantine; psd=y\"\n"
    "_dmarc.sub.other IN TXT \"v=DMARC1; p=none; psd=n\"\n"
    "_dmarc.other IN TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.deep.nest IN TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.nest IN TXT \"v=DMARC1; p=reject\"\n"
    ";! servfail _dmarc.broken.test. TXT\n";

Test(walk, long_name_is_cut_to_seven_labels)
{
	struct aa_dns *d = th_dns_from_zone(walk_zone, true);
	struct dm_walk w;

	dm_walk_policy(d, "a.b.c.d.e.f.g.h.example.test", &w);
	cr_assert_eq(w.found, DM_ONE);
	cr_assert_str_eq(w.domain, "example.test");
	/* author, then d.e.f.g.h.example.test (7 labels) to example.test */
	cr_assert_eq(w.queries, 7);
	cr_assert_eq(th_log_count(d, "_dmarc.b.c.d.e.f.g.h.example.test",
	    AA_TYPE_TXT), 0);
	cr_assert_eq(th_log_count(d, "_dmarc.c.d.e.f.g.h.example.test",
	    AA_TYPE_TXT), 0);
	cr_assert_eq(th_log_count(d, "_dmarc.d.e.f.g.h.example.test",
	    AA_TYPE_TXT), 1);
	dm_walk_free(&w);
	aa_dns_free(d);
}

Test(walk, at_most_eight_queries)
{
	struct aa_dns *d = th_dns_from_zone(walk_zone, true);
	struct dm_walk w;

	/* 9 labels, no record anywhere: author + 7 names (to the TLD). */
	dm_walk_policy(d, "a.b.c.d.e.f.g.nothing.zz", &w);
	cr_assert_eq(w.found, DM_NONE);
	cr_assert_null(w.domain);
	cr_assert_eq(w.queries, 8);
	cr_assert_eq(th_log_count(d, "_dmarc.zz", AA_TYPE_TXT), 1);
	dm_walk_free(&w);
	aa_dns_free(d);
}

Test(walk, org_domains)
{
	struct aa_dns *d = th_dns_from_zone(walk_zone, true);
	char *o;
	bool temp;

	/* No psd: the record with the fewest labels. */
	o = dm_walk_org(d, "mail.deep.nest.test", &temp);
	cr_assert_str_eq(o, "nest.test");
	free(o);
	/* psd=y: one label below the PSD. */
	o = dm_walk_org(d, "a.b.org1.psd.test", &temp);
	cr_assert_str_eq(o, "org1.psd.test");
	free(o);
	/* psd=n: this is the organizational domain. */
	o = dm_walk_org(d, "x.sub.other.test", &temp);
	cr_assert_str_eq(o, "sub.other.test");
	free(o);
	/* No record at all: the name itself. */
	o = dm_walk_org(d, "a.b.none.test", &temp);
	cr_assert_str_eq(o, "a.b.none.test");
	free(o);
	o = dm_walk_org(d, "x.broken.test", &temp);
	cr_assert_null(o);
	cr_assert(temp);
	aa_dns_free(d);
}

/* 5. aa_dmarc_check with SPF and DKIM results fed in by hand. */
static struct aa_report *
message(const char *from, const char *spf_domain, const char *spf_result)
{
	struct aa_report *rep = aa_report_new("message");

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	*AA_VEC_PUSH(rep->arena, rep->input->from_domains) =
	    aa_report_strdup(rep, from);
	rep->input->from_domain = rep->input->from_domains.v[0];
	rep->input->ip = "192.0.2.1";
	rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	rep->spf->domain = spf_domain;
	rep->spf->result = spf_result;
	rep->dkim = aa_arena_alloc(rep->arena, sizeof(*rep->dkim));
	return rep;
}

static struct aa_dkim_sig *
sig(struct aa_report *rep, const char *d, const char *result)
{
	struct aa_dkim_sig *g = AA_VEC_PUSH(rep->arena, rep->dkim->signatures);

	g->domain = d;
	g->selector = "s1";
	g->result = result;
	return g;
}

static size_t
count(const struct aa_report *rep, enum aa_code code)
{
	size_t i, n = 0;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == code)
			n++;
	return n;
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

static void
check(const char *zone, struct aa_report *rep, bool evaluate)
{
	struct aa_dns *d = th_dns_from_zone(zone, true);
	struct aa_psl *p = debian_psl();
	struct aa_dmarc_params par = { NULL, 0, evaluate, NULL, true };

	aa_clock_pin(1700000000);	/* 2023-11: the 2023 list is fresh */
	cr_assert_eq(aa_dmarc_check(d, rep, p, &par), AA_OK);
	cr_assert_not_null(rep->dmarc);
	aa_psl_free(p);
	aa_dns_free(d);
}

#define ASSERT_STR(a, b)	do {					\
	if ((b) == NULL)						\
		cr_assert_null((a), "%s is %s, want null", #a, (a));	\
	else {								\
		cr_assert_not_null((a), "%s is null, want %s", #a, (b));\
		cr_assert_str_eq((a), (b), "%s", #a);			\
	}								\
} while (0)

static const char zone_strict[] =
    "_dmarc.example.com. TXT \"v=DMARC1; p=reject; adkim=s\"\n";

/* The issue's case: adkim=s, d=mail.example.com passing, SPF unaligned. */
Test(check, strict_dkim_fails_opendmarc_disagrees)
{
	struct aa_report *rep = message("example.com", "bounce.esp.net",
	    "pass");
	const struct aa_dmarc_report *dm;

	sig(rep, "mail.example.com", "pass");
	check(zone_strict, rep, true);
	dm = rep->dmarc;
	ASSERT_STR(dm->result, "fail");
	ASSERT_STR(dm->disposition, "reject");
	ASSERT_STR(dm->record_domain, "example.com");
	ASSERT_STR(dm->adkim, "s");
	ASSERT_STR(dm->aspf, NULL);
	ASSERT_STR(dm->applied, "p");
	cr_assert_eq(dm->dkim_aligned, AA_TRI_FALSE);
	cr_assert_eq(dm->spf_aligned, AA_TRI_FALSE);
	cr_assert_eq(rep->dkim->signatures.v[0].aligned, AA_TRI_FALSE);
	cr_assert_eq(count(rep, AA_F_DMARC_FAIL), 1);
	cr_assert(strstr(finding(rep, AA_F_DMARC_FAIL)->message,
	    "d=mail.example.com does not align with example.com "
	    "(adkim=s") != NULL, "%s",
	    finding(rep, AA_F_DMARC_FAIL)->message);
	cr_assert_not_null(dm->opendmarc);
	ASSERT_STR(dm->opendmarc->result, "pass");
	ASSERT_STR(dm->opendmarc->disposition, "none");
	cr_assert_eq(dm->opendmarc->agrees, AA_TRI_FALSE);
	cr_assert_eq(count(rep, AA_F_DMARC_OPENDMARC_DISAGREES), 1);
	cr_assert_eq(finding(rep, AA_F_DMARC_OPENDMARC_DISAGREES)->severity,
	    AA_SEV_WARNING);
	aa_report_free(rep);
}

Test(check, relaxed_dkim_passes_and_opendmarc_agrees)
{
	struct aa_report *rep = message("example.com", "bounce.esp.net",
	    "pass");

	sig(rep, "mail.example.com", "pass");
	sig(rep, "esp.net", "pass");
	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "pass");
	ASSERT_STR(rep->dmarc->disposition, "none");
	cr_assert_eq(rep->dmarc->dkim_aligned, AA_TRI_TRUE);
	cr_assert_eq(rep->dkim->signatures.v[0].aligned, AA_TRI_TRUE);
	cr_assert_eq(rep->dkim->signatures.v[1].aligned, AA_TRI_FALSE);
	cr_assert_eq(rep->dmarc->opendmarc->agrees, AA_TRI_TRUE);
	cr_assert_eq(count(rep, AA_F_DMARC_FAIL), 0);
	ASSERT_STR(rep->dmarc->rfc9989->result, "pass");
	aa_report_free(rep);
}

Test(check, spf_aligned_pass_strict_and_relaxed)
{
	struct aa_report *rep = message("example.com", "bounce.example.com",
	    "pass");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "pass");
	cr_assert_eq(rep->dmarc->spf_aligned, AA_TRI_TRUE);
	aa_report_free(rep);
	rep = message("example.com", "bounce.example.com", "pass");
	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; aspf=s\"\n", rep,
	    true);
	ASSERT_STR(rep->dmarc->result, "fail");
	cr_assert_eq(rep->dmarc->spf_aligned, AA_TRI_FALSE);
	cr_assert(strstr(finding(rep, AA_F_DMARC_FAIL)->message,
	    "bounce.example.com does not align") != NULL);
	aa_report_free(rep);
}

/* From example.co.uk, d=co.uk: a public suffix never aligns. */
Test(check, public_suffix_does_not_align)
{
	struct aa_report *rep = message("example.co.uk", "x.example.net",
	    "fail");

	sig(rep, "co.uk", "pass");
	check("_dmarc.example.co.uk. TXT \"v=DMARC1; p=quarantine\"\n", rep,
	    true);
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	cr_assert_eq(rep->dkim->signatures.v[0].aligned, AA_TRI_FALSE);
	/* libopendmarc 1.4 lets co.uk align (libraries.md 3). */
	ASSERT_STR(rep->dmarc->opendmarc->result, "pass");
	cr_assert_eq(count(rep, AA_F_DMARC_OPENDMARC_DISAGREES), 1);
	aa_report_free(rep);
}

static const char zone_org[] =
    "$ORIGIN example.com.\n"
    "@ SOA ns hostmaster 1 7200 900 1209600 300\n"
    "@ A 192.0.2.1\n"
    "sub A 192.0.2.2\n"
    "_dmarc TXT \"v=DMARC1; p=reject; sp=quarantine; np=reject\"\n";

Test(check, sp_applies_to_a_subdomain)
{
	struct aa_report *rep = message("sub.example.com", "other.net",
	    "pass");

	check(zone_org, rep, true);
	ASSERT_STR(rep->dmarc->record_domain, "example.com");
	ASSERT_STR(rep->dmarc->org_domain_psl, "example.com");
	ASSERT_STR(rep->dmarc->org_domain_treewalk, "example.com");
	ASSERT_STR(rep->dmarc->policy, "reject");
	ASSERT_STR(rep->dmarc->subdomain_policy, "quarantine");
	ASSERT_STR(rep->dmarc->np, "reject");
	ASSERT_STR(rep->dmarc->applied, "sp");
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "quarantine");
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 0);
	aa_report_free(rep);
}

/* np (RFC 9989) for a name that does not exist; RFC 7489 knows only sp. */
Test(check, np_for_nonexistent_subdomain)
{
	struct aa_report *rep = message("ghost.example.com", "other.net",
	    "pass");

	check(zone_org, rep, true);
	ASSERT_STR(rep->dmarc->applied, "sp");
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "reject");
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 1);
	cr_assert_eq(count(rep, AA_F_DMARC_NP_COMPACT_DENIAL), 0);
	aa_report_free(rep);
}

Test(check, p_applies_at_the_author_domain)
{
	struct aa_report *rep = message("example.com", "other.net", "pass");

	check(zone_org, rep, true);
	ASSERT_STR(rep->dmarc->applied, "p");
	ASSERT_STR(rep->dmarc->disposition, "reject");
	aa_report_free(rep);
}

/* NODATA for A, AAAA and MX: np does not apply; say why. */
Test(check, np_compact_denial)
{
	struct aa_report *rep = message("sub.example.com", "other.net",
	    "pass");

	check("$ORIGIN example.com.\n"
	    "@ SOA ns hostmaster 1 7200 900 1209600 300\n"
	    "sub TXT \"not an address\"\n"
	    "_dmarc TXT \"v=DMARC1; p=reject; sp=none; np=reject\"\n", rep,
	    true);
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "none");
	cr_assert_eq(count(rep, AA_F_DMARC_NP_COMPACT_DENIAL), 1);
	aa_report_free(rep);
}

Test(check, np_existence_temperror)
{
	struct aa_report *rep = message("sub.example.com", "other.net",
	    "pass");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; np=reject\"\n"
	    ";! servfail sub.example.com. A\n", rep, true);
	ASSERT_STR(rep->dmarc->disposition, "reject");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_TEMPERROR), 1);
	aa_report_free(rep);
}

/*
 * p=none; np=reject and the np existence lookup SERVFAILs: RFC 9989's
 * disposition is undetermined, and the finding says so and why.
 */
Test(check, np_temperror_differs_says_undetermined)
{
	struct aa_report *rep = message("np-servfail.nporg.example",
	    "other.net", "pass");
	const struct aa_finding *f;

	check("_dmarc.nporg.example. TXT \"v=DMARC1; p=none; np=reject\"\n"
	    ";! servfail np-servfail.nporg.example. A\n", rep, true);
	ASSERT_STR(rep->dmarc->disposition, "none");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, NULL);
	f = finding(rep, AA_F_DMARC_RFC9989_DIFFERS);
	cr_assert_not_null(f);
	cr_expect(strstr(f->message, "RFC 9989 receivers: fail, disposition "
	    "undetermined (") != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "np=reject") != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "SERVFAIL") != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "temporary") != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "()") == NULL, "%s", f->message);
	aa_report_free(rep);
}

Test(check, pct_zero_and_partial)
{
	struct aa_report *rep = message("example.com", "other.net", "fail");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; pct=0\"\n", rep,
	    true);
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	ASSERT_STR(rep->dmarc->disposition_sampled_out, NULL);
	cr_assert_eq(rep->dmarc->pct.set, true);
	cr_assert_eq(rep->dmarc->pct.v, 0);
	cr_assert_eq(count(rep, AA_F_DMARC_PCT), 1);
	/* RFC 9989 has no pct: the full policy. */
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "reject");
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 1);
	aa_report_free(rep);

	rep = message("example.com", "other.net", "fail");
	check("_dmarc.example.com. TXT \"v=DMARC1; p=quarantine; pct=50\"\n",
	    rep, true);
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	ASSERT_STR(rep->dmarc->disposition_sampled_out, "none");
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 0);
	aa_report_free(rep);

	rep = message("example.com", "other.net", "fail");
	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; pct=100\"\n",
	    rep, true);
	ASSERT_STR(rep->dmarc->disposition, "reject");
	ASSERT_STR(rep->dmarc->disposition_sampled_out, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_PCT), 0);
	aa_report_free(rep);
}

Test(check, testing_mode_lowers_rfc9989_only)
{
	struct aa_report *rep = message("example.com", "other.net", "fail");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; t=y\"\n", rep,
	    true);
	cr_assert_eq(rep->dmarc->testing, AA_TRI_TRUE);
	ASSERT_STR(rep->dmarc->disposition, "reject");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "quarantine");
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 1);
	aa_report_free(rep);
}

Test(check, no_record)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");

	check("example.com. A 192.0.2.1\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "none");
	ASSERT_STR(rep->dmarc->disposition, "none");
	ASSERT_STR(rep->dmarc->record, NULL);
	ASSERT_STR(rep->dmarc->policy, NULL);
	ASSERT_STR(rep->dmarc->applied, NULL);
	cr_assert_eq(rep->dmarc->pct.set, false);
	cr_assert_eq(count(rep, AA_F_DMARC_NONE), 1);
	ASSERT_STR(rep->dmarc->opendmarc->result, "none");
	cr_assert_eq(rep->dmarc->opendmarc->agrees, AA_TRI_TRUE);
	aa_report_free(rep);
}

/* A temporary failure is temperror, never "no record". */
Test(check, discovery_temperror)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");

	check(";! servfail _dmarc.example.com. TXT\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "temperror");
	ASSERT_STR(rep->dmarc->disposition, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_TEMPERROR), 1);
	cr_assert_eq(count(rep, AA_F_DMARC_NONE), 0);
	cr_assert(aa_report_has_temporary(rep));
	cr_assert_null(rep->dmarc->opendmarc);
	aa_report_free(rep);
}

/* At the org domain too: the subdomain's query is fine, the org's fails. */
Test(check, org_discovery_temperror)
{
	struct aa_report *rep = message("a.example.com", "example.com",
	    "pass");

	check(";! timeout _dmarc.example.com. TXT\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "temperror");
	cr_assert_eq(count(rep, AA_F_DMARC_NONE), 0);
	aa_report_free(rep);
}

Test(check, multiple_records_no_fallback)
{
	struct aa_report *rep = message("sub.example.com", "example.com",
	    "pass");

	check("_dmarc.sub.example.com. TXT \"v=DMARC1; p=none\"\n"
	    "_dmarc.sub.example.com. TXT \"v=DMARC1; p=reject\"\n"
	    "_dmarc.sub.example.com. TXT \"not dmarc\"\n"
	    "_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "permerror");
	ASSERT_STR(rep->dmarc->record_domain, "sub.example.com");
	ASSERT_STR(rep->dmarc->record, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_MULTIPLE_RECORDS), 1);
	cr_assert(strstr(finding(rep, AA_F_DMARC_MULTIPLE_RECORDS)->message,
	    "2 records") != NULL);
	aa_report_free(rep);
}

Test(check, unusable_record_is_permerror)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");
	const struct aa_finding *f;

	check("_dmarc.example.com. TXT \"v=DMARC1; p=bogus\"\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "permerror");
	ASSERT_STR(rep->dmarc->policy, "bogus");
	f = finding(rep, AA_F_DMARC_SYNTAX);
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, AA_SEV_ERROR);
	cr_assert(strstr(f->message, "p=bogus") != NULL, "%s", f->message);
	cr_assert_not_null(f->origin.file);
	aa_report_free(rep);
}

Test(check, invalid_p_with_rua_is_none)
{
	struct aa_report *rep = message("example.com", "other.net", "fail");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=bogus; "
	    "rua=mailto:d@example.com\"\n", rep, true);
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "none");
	cr_assert_eq(count(rep, AA_F_DMARC_POLICY_NONE), 1);
	cr_assert_eq(finding(rep, AA_F_DMARC_SYNTAX)->severity,
	    AA_SEV_WARNING);
	aa_report_free(rep);
}

/* Aligned key temperror: temperror; aligned headers-only: undetermined. */
Test(check, temperror_and_undetermined)
{
	struct aa_report *rep = message("example.com", "other.net", "pass");

	sig(rep, "example.com", "temperror");
	check(zone_strict, rep, true);
	ASSERT_STR(rep->dmarc->result, "temperror");
	ASSERT_STR(rep->dmarc->disposition, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_TEMPERROR), 1);
	cr_assert_eq(count(rep, AA_F_DMARC_FAIL), 0);
	aa_report_free(rep);

	rep = message("example.com", "other.net", "pass");
	sig(rep, "example.com", "neutral");
	check(zone_strict, rep, true);
	ASSERT_STR(rep->dmarc->result, NULL);
	ASSERT_STR(rep->dmarc->disposition, NULL);
	cr_assert_eq(count(rep, AA_F_DMARC_UNDETERMINED), 1);
	aa_report_free(rep);

	/* An aligned SPF domain whose SPF temperrors. */
	rep = message("example.com", "example.com", "temperror");
	check(zone_strict, rep, true);
	ASSERT_STR(rep->dmarc->result, "temperror");
	aa_report_free(rep);

	/* An unaligned temperror does not matter. */
	rep = message("example.com", "other.net", "temperror");
	sig(rep, "other.net", "temperror");
	check(zone_strict, rep, true);
	ASSERT_STR(rep->dmarc->result, "fail");
	aa_report_free(rep);
}

/* Several author domains: each evaluated, the strictest reported. */
Test(check, strictest_author_domain)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");

	*AA_VEC_PUSH(rep->arena, rep->input->from_domains) = "example.org";
	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n"
	    "_dmarc.example.org. TXT \"v=DMARC1; p=quarantine\"\n", rep, true);
	ASSERT_STR(rep->dmarc->from_domain, "example.org");
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "quarantine");
	cr_assert_eq(count(rep, AA_F_DMARC_FAIL), 1);
	ASSERT_STR(rep->findings.v[0].subject, "example.org");
	aa_report_free(rep);
}

Test(check, domain_without_ip)
{
	struct aa_report *rep = aa_report_new("domain");

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	*AA_VEC_PUSH(rep->arena, rep->input->from_domains) =
	    "sub.example.co.uk";
	check("_dmarc.example.co.uk. TXT \"v=DMARC1; p=reject; sp=none\"\n",
	    rep, false);
	ASSERT_STR(rep->dmarc->record_domain, "example.co.uk");
	ASSERT_STR(rep->dmarc->applied, "sp");
	ASSERT_STR(rep->dmarc->subdomain_policy, "none");
	ASSERT_STR(rep->dmarc->org_domain_psl, "example.co.uk");
	ASSERT_STR(rep->dmarc->org_domain_treewalk, "example.co.uk");
	ASSERT_STR(rep->dmarc->result, NULL);
	ASSERT_STR(rep->dmarc->disposition, NULL);
	cr_assert_eq(rep->dmarc->spf_aligned, AA_TRI_NULL);
	ASSERT_STR(rep->dmarc->rfc9989->record_domain, "example.co.uk");
	ASSERT_STR(rep->dmarc->rfc9989->result, NULL);
	cr_assert_null(rep->dmarc->opendmarc);
	cr_assert_eq(count(rep, AA_F_DMARC_POLICY_NONE), 1);
	aa_report_free(rep);
}

/* The PSL and the tree walk disagree: a record at a private suffix. */
Test(check, org_domain_disagreement)
{
	struct aa_report *rep = message("foo.blogspot.com", "x.net", "pass");

	check("_dmarc.blogspot.com. TXT \"v=DMARC1; p=reject\"\n", rep, true);
	ASSERT_STR(rep->dmarc->org_domain_psl, "foo.blogspot.com");
	ASSERT_STR(rep->dmarc->org_domain_treewalk, "blogspot.com");
	ASSERT_STR(rep->dmarc->result, "none");
	ASSERT_STR(rep->dmarc->rfc9989->result, "fail");
	ASSERT_STR(rep->dmarc->rfc9989->disposition, "reject");
	cr_assert_eq(count(rep, AA_F_DMARC_ORG_DOMAIN_DISAGREEMENT), 1);
	cr_assert_eq(count(rep, AA_F_DMARC_RFC9989_DIFFERS), 1);
	aa_report_free(rep);
}

Test(check, report_destination_authorization)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");
	const struct aa_finding *f;

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; "
	    "rua=mailto:a@example.com,mailto:b@reports.example.net,"
	    "mailto:c@ok.example.org; ruf=mailto:d@REPORTS.example.net\"\n"
	    "example.com._report._dmarc.ok.example.org. TXT \"v=DMARC1\"\n",
	    rep, true);
	cr_assert_eq(count(rep, AA_F_DMARC_RUA_UNAUTHORIZED), 1);
	f = finding(rep, AA_F_DMARC_RUA_UNAUTHORIZED);
	cr_assert(strstr(f->message, "example.com._report._dmarc."
	    "reports.example.net") != NULL, "%s", f->message);
	aa_report_free(rep);
}

Test(check, psl_stale)
{
	struct aa_report *rep = message("example.com", "example.com", "pass");
	struct aa_dns *d = th_dns_from_zone(zone_strict, true);
	struct aa_psl *p = debian_psl();
	struct aa_dmarc_params par = { NULL, 0, true, NULL, false };

	aa_clock_pin(4000000000LL);
	cr_assert_eq(aa_dmarc_check(d, rep, p, &par), AA_OK);
	cr_assert_eq(count(rep, AA_F_DMARC_PSL_STALE), 1);
	ASSERT_STR(rep->psl_date, aa_psl_date(p));
	cr_assert_null(rep->dmarc->opendmarc);
	aa_psl_free(p);
	aa_dns_free(d);
	aa_report_free(rep);
}

/* `domain -s` with a clean key: an aligned DKIM pass is assumed. */
Test(check, assumed_dkim_domain)
{
	struct aa_report *rep = message("example.com", "other.net", "fail");
	struct aa_dns *d = th_dns_from_zone(zone_strict, true);
	struct aa_psl *p = debian_psl();
	struct aa_dmarc_params par = { NULL, 0, true, "example.com", true };

	rep->dkim = NULL;
	aa_clock_pin(1700000000);
	cr_assert_eq(aa_dmarc_check(d, rep, p, &par), AA_OK);
	ASSERT_STR(rep->dmarc->result, "pass");
	cr_assert_eq(rep->dmarc->dkim_aligned, AA_TRI_TRUE);
	ASSERT_STR(rep->dmarc->opendmarc->result, "pass");
	aa_psl_free(p);
	aa_dns_free(d);
	aa_report_free(rep);
}

/* OpenDMARC rejects pct=150; its context is discarded, not consulted. */
Test(check, opendmarc_parse_error_discarded)
{
	struct aa_report *rep = message("example.com", "other.net", "fail");

	check("_dmarc.example.com. TXT \"v=DMARC1; p=reject; pct=150\"\n",
	    rep, true);
	ASSERT_STR(rep->dmarc->result, "fail");
	ASSERT_STR(rep->dmarc->disposition, "reject");
	ASSERT_STR(rep->dmarc->opendmarc->result, "permerror");
	cr_assert_eq(rep->dmarc->opendmarc->agrees, AA_TRI_FALSE);
	cr_assert(strstr(rep->dmarc->opendmarc->note, "discarded") != NULL);
	aa_report_free(rep);
}

/* Hostile input: random octets and mutated records never crash (ASan). */
Test(dmarc, record_random_octets)
{
	static const char seed[] = "v=DMARC1; p=reject; sp=none; np=reject; "
	    "adkim=s; aspf=r; pct=50; fo=0:1; rf=afrf; ri=3600; t=y; psd=n; "
	    "rua=mailto:a@example.com!10m,https://r.example.net/x; "
	    "ruf=mailto:f@example.org";
	char buf[sizeof(seed) + 64];
	struct aa_dmarc_record r;
	unsigned long x = 12345;
	size_t i, k, len;

	for (i = 0; i < 20000; i++) {
		memcpy(buf, seed, sizeof(seed));
		len = sizeof(seed) - 1;
		for (k = 0; k < 1 + i % 8; k++) {
			x = x * 1103515245UL + 12345UL;
			buf[(x >> 8) % len] = (char)(x >> 16);
		}
		x = x * 1103515245UL + 12345UL;
		len = (x >> 8) % (len + 1);
		(void)aa_dmarc_parse(buf, len, &r);
		cr_assert_leq(r.nissues, AA_DMARC_MAX_ISSUES);
		cr_assert_leq(r.nuris, AA_DMARC_MAX_URIS);
		for (k = 0; k < r.nissues; k++)
			cr_assert_leq(r.issues[k].value.off +
			    r.issues[k].value.len, len);
		for (k = 0; k < r.nuris; k++)
			cr_assert_leq(r.uris[k].uri.off + r.uris[k].uri.len,
			    len);
	}
}

/* The From domain in UTF-8 is looked up as A-labels. */
Test(check, idn_author_domain)
{
	struct aa_report *rep = message("b\xc3\xbc" "cher.example", "x.net",
	    "pass");

	check("_dmarc.xn--bcher-kva.example. TXT \"v=DMARC1; p=reject\"\n",
	    rep, true);
	ASSERT_STR(rep->dmarc->from_domain, "xn--bcher-kva.example");
	ASSERT_STR(rep->dmarc->record_domain, "xn--bcher-kva.example");
	ASSERT_STR(rep->dmarc->result, "fail");
	aa_report_free(rep);
}

/* params.from_domains overrides rep->input; key entries are not signatures. */
Test(check, params_domains_and_key_entries)
{
	struct aa_report *rep = message("example.org", "x.net", "pass");
	struct aa_dns *d = th_dns_from_zone(zone_strict, true);
	struct aa_psl *p = debian_psl();
	const char *const from[] = { "example.com" };
	struct aa_dmarc_params par = { from, 1, true, NULL, false };
	struct aa_dkim_sig *g = sig(rep, "example.com", "pass");

	g->result = NULL;		/* a key `domain -s` linted */
	aa_clock_pin(1700000000);
	cr_assert_eq(aa_dmarc_check(d, rep, p, &par), AA_OK);
	ASSERT_STR(rep->dmarc->from_domain, "example.com");
	ASSERT_STR(rep->dmarc->result, "fail");
	cr_assert(strstr(finding(rep, AA_F_DMARC_FAIL)->message,
	    "there is no DKIM signature") != NULL, "%s",
	    finding(rep, AA_F_DMARC_FAIL)->message);
	cr_assert_eq(g->aligned, AA_TRI_TRUE);
	aa_psl_free(p);
	aa_dns_free(d);
	aa_report_free(rep);
}

/* No author domain (msg-no-from): an empty section, no DNS. */
Test(check, no_author_domain)
{
	struct aa_report *rep = aa_report_new("message");
	struct aa_dns *d = th_dns_from_zone(zone_strict, true);
	struct aa_psl *p = debian_psl();
	struct aa_dmarc_params par = { NULL, 0, true, NULL, true };

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	cr_assert_eq(aa_dmarc_check(d, rep, p, &par), AA_OK);
	cr_assert_not_null(rep->dmarc);
	cr_assert_null(rep->dmarc->result);
	cr_assert_null(rep->dmarc->from_domain);
	cr_assert_eq(aa_dns_log_count(d), 0);
	aa_psl_free(p);
	aa_dns_free(d);
	aa_report_free(rep);
}
