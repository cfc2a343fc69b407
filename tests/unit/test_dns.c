/*
 * test_dns.c: the DNS layer (src/dns.c, src/dns_zone.c, src/dns_conv.c,
 * and the live backend's timeout without a network).  Zones are inline
 * master-file text; line numbers in the comments are those the layer must
 * report in origins and messages.
 */
#define _GNU_SOURCE		/* asprintf */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <ldns/ldns.h>

#include "aa_clock.h"
#include "aa_dns.h"
#include "helpers.h"

#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

/*
 * The main zone, loaded as "test.zone".  Line numbers matter: origins are
 * "test.zone:LINE".
 */
static const char zone_example[] =
    "$ORIGIN example.com.\n"					/* 1 */
    "$TTL 300\n"						/* 2 */
    "@\tIN SOA ns.example.com. hostmaster.example.com. (\n"	/* 3 */
    "\t\t2024010101 7200 3600 1209600 300 )\n"			/* 4 */
    "@\tIN NS ns\n"						/* 5 */
    "ns\tIN A 192.0.2.53\n"					/* 6 */
    "www\tIN A 192.0.2.1\n"					/* 7 */
    "www\tIN A 192.0.2.2\n"					/* 8 */
    "www\tIN TXT \"hello\"\n"					/* 9 */
    "multi\tIN TXT \"v=spf1 \" \"ip4:192.0.2.0/24\" \" -all\"\n"	/* 10 */
    "nul\tIN TXT \"a\\000b\"\n"					/* 11 */
    "esc\tIN TXT \"\\200\\255\" \"q\\\"b\\\\s\" \"caf\\195\\169\"\n"	/* 12 */
    "a.b.c\tIN A 192.0.2.3\n"					/* 13 */
    "*.wild\tIN TXT \"wild\"\n"					/* 14 */
    "*.wild\tIN A 192.0.2.9\n"					/* 15 */
    "host.wild\tIN A 192.0.2.10\n"				/* 16 */
    "deep.ent.wild\tIN A 192.0.2.11\n"				/* 17 */
    "c1\tIN CNAME c2\n"						/* 18 */
    "c2\tIN CNAME www\n"					/* 19 */
    "loop1\tIN CNAME loop2\n"					/* 20 */
    "loop2\tIN CNAME loop1\n"					/* 21 */
    "self\tIN CNAME self\n"					/* 22 */
    "dangling\tIN CNAME nothere\n"				/* 23 */
    "out\tIN CNAME alias.example.net.\n"			/* 24 */
    "; a comment\n"						/* 25 */
    "\n"							/* 26 */
    "utf\tIN TXT \"\xc3\xa9\"\n"				/* 27 */
    "mx\tIN MX 10 Mail.Example.COM.\n";				/* 28 */

/* A second zone, "net.zone", for chains across zones. */
static const char zone_net[] =
    "$ORIGIN example.net.\n"					/* 1 */
    "@ IN SOA ns.example.net. hostmaster.example.net. "
    "1 7200 3600 1209600 300\n"					/* 2 */
    "alias IN CNAME www.example.com.\n"				/* 3 */
    "txt IN TXT \"net\"\n";					/* 4 */

/* Pragmas, loaded as "p.zone". */
static const char zone_pragmas[] =
    "$ORIGIN example.org.\n"					/* 1 */
    "@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n"		/* 2 */
    "www IN A 192.0.2.1\n"					/* 3 */
    "www IN TXT \"t\"\n"					/* 4 */
    "gone IN A 192.0.2.66\n"					/* 5 */
    ";! servfail sf\n"						/* 6 */
    ";! servfail sft TXT\n"					/* 7 */
    ";! timeout to\n"						/* 8 */
    ";! timeout tot TXT\n"					/* 9 */
    ";! refused rf\n"						/* 10 */
    ";! refused rft MX\n"					/* 11 */
    ";! nxdomain gone\n"					/* 12 */
    ";! nodata www TXT\n"					/* 13 */
    ";! servfail abs.example.net.\n"				/* 14 */
    "\t;! TIMEOUT www MX\n"					/* 15 */
    "$ORIGIN sub.example.org.\n"				/* 16 */
    ";! refused x\n"						/* 17 */
    "@ IN A 192.0.2.5\n";					/* 18 */

static struct aa_dns *
example_layer(void)
{
	struct aa_dns *d = th_dns_from_zone(zone_example, true);

	th_dns_load(d, "net.zone", zone_net);
	return d;
}

/* A string of n copies of c; caller frees. */
static char *
repeat(const char *c, size_t n)
{
	size_t l = strlen(c), i;
	char *s = malloc(n * l + 1);

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * l, c, l);
	s[n * l] = '\0';
	return s;
}

static void
assert_rcode(const struct aa_answer *a, enum aa_rcode rc)
{
	cr_assert_eq(a->rcode, rc, "%s %s: rcode %s, want %s", a->qname,
	    aa_dns_type_str(a->qtype), aa_rcode_str(a->rcode),
	    aa_rcode_str(rc));
}

/* The answer is NOERROR with exactly one record: that record. */
static const struct aa_rr *
only_rr(const struct aa_answer *a)
{
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1, "%s %s: %zu records, want 1", a->qname,
	    aa_dns_type_str(a->qtype), a->nrr);
	return &a->rr[0];
}

static void
assert_origin(const struct aa_answer *a, const char *origin)
{
	cr_assert_not_null(a->origin, "%s: no origin, want %s", a->qname,
	    origin);
	cr_assert_str_eq(a->origin, origin, "%s: origin %s, want %s",
	    a->qname, a->origin, origin);
}

/* Exact match: the RRset of the type, in file order, with its origin. */
Test(dns, exact_match)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "www.example.com", AA_TYPE_A);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_str_eq(a->qname, "www.example.com");
	cr_assert_eq(a->qtype, AA_TYPE_A);
	cr_assert_eq(a->nrr, 2);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
	cr_assert_str_eq(a->rr[1].data, "192.0.2.2");
	cr_assert_str_eq(a->rr[0].owner, "www.example.com");
	cr_assert_eq(a->rr[0].type, AA_TYPE_A);
	cr_assert_eq(a->rr[0].ttl, 300);
	cr_assert_eq(a->rr[0].rdlen, 4);
	cr_assert_eq(memcmp(a->rr[0].addr, "\xc0\x00\x02\x01", 4), 0);
	cr_assert_eq(memcmp(a->rr[1].rdata, "\xc0\x00\x02\x02", 4), 0);
	cr_assert_str_eq(a->rr[0].file, "test.zone");
	cr_assert_eq(a->rr[0].line, 7);
	cr_assert_eq(a->rr[1].line, 8);
	cr_assert_str_eq(a->rr[0].master,
	    "www.example.com.\t300\tIN\tA\t192.0.2.1");
	cr_assert_eq(a->source, AA_SRC_ZONE);
	assert_origin(a, "test.zone:7");
	cr_assert_eq(a->ncname, 0);
	cr_assert_not(a->cname_loop);
	cr_assert_not(aa_answer_is_void(a));
	aa_dns_free(d);
}

/* NODATA at a name that exists: the origin is the name's first record. */
Test(dns, nodata_at_existing_name)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "www.example.com",
	    AA_TYPE_MX);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	assert_origin(a, "test.zone:7");
	cr_assert(aa_answer_is_void(a));
	aa_dns_free(d);
}

/* ANY: every RRset of the name (a zone has no ANY records). */
Test(dns, any_type)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "www.example.com",
	    AA_TYPE_ANY);
	char err[256] = "";

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 3);
	cr_assert_not_null(th_rr_find(a, "192.0.2.1"));
	cr_assert_not_null(th_rr_find(a, "\"hello\""));
	/* Through a CNAME, the target's RRsets. */
	a = th_query(d, "c1.example.com", AA_TYPE_ANY);
	cr_assert_eq(a->ncname, 2);
	cr_assert_eq(a->nrr, 3);
	/* --rr replaces only its own type's RRset in an ANY answer. */
	cr_assert_eq(aa_dns_add_rr(d, "multi.example.com. A 192.0.2.99", 1,
	    err, sizeof(err)), AA_OK);
	cr_assert_eq(aa_dns_add_rr(d, "nul.example.com. TXT \"new\"", 2, err,
	    sizeof(err)), AA_OK);
	a = th_query(d, "multi.example.com", AA_TYPE_ANY);
	cr_assert_eq(a->nrr, 2);
	a = th_query(d, "nul.example.com", AA_TYPE_ANY);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "\"new\"");
	aa_dns_free(d);
}

/* Names and MX fields: lower case, no trailing dot. */
Test(dns, mx_fields_lower_case)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "MX.Example.Com.",
	    AA_TYPE_MX);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_str_eq(a->qname, "mx.example.com");
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].preference, 10);
	cr_assert_str_eq(a->rr[0].target, "mail.example.com");
	cr_assert_str_eq(a->rr[0].data, "10 mail.example.com");
	assert_origin(a, "test.zone:28");
	aa_dns_free(d);
}

/* A multi-string TXT keeps its strings and joins them without spaces. */
Test(dns, txt_multi_string)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "multi.example.com",
	    AA_TYPE_TXT);
	const struct aa_rr *r = only_rr(a);

	cr_assert_eq(r->ntxt, 3);
	cr_assert_eq(r->txt[0].len, 7);
	cr_assert_eq(memcmp(r->txt[0].data, "v=spf1 ", 7), 0);
	cr_assert_eq(r->txt[1].len, 16);
	cr_assert_eq(memcmp(r->txt[1].data, "ip4:192.0.2.0/24", 16), 0);
	cr_assert_eq(r->txt[2].len, 5);
	cr_assert_eq(memcmp(r->txt[2].data, " -all", 5), 0);
	cr_assert_eq(r->joined.len, 28);
	cr_assert_str_eq((const char *)r->joined.data,
	    "v=spf1 ip4:192.0.2.0/24 -all");
	cr_assert_str_eq(r->data,
	    "\"v=spf1 \" \"ip4:192.0.2.0/24\" \" -all\"");
	assert_origin(a, "test.zone:10");
	aa_dns_free(d);
}

/* A NUL octet inside a TXT survives: length-counted, \000 in data. */
Test(dns, txt_nul_octet)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "nul.example.com",
	    AA_TYPE_TXT);
	const struct aa_rr *r = only_rr(a);

	cr_assert_eq(r->ntxt, 1);
	cr_assert_eq(r->joined.len, 3);
	cr_assert_eq(memcmp(r->joined.data, "a\0b", 4), 0,
	    "joined is a NUL b, NUL-terminated");
	cr_assert_eq(r->txt[0].len, 3);
	cr_assert_str_eq(r->data, "\"a\\000b\"");
	cr_assert_eq(r->rdlen, 4);
	cr_assert_eq(memcmp(r->rdata, "\x03" "a\0b", 4), 0);
	aa_dns_free(d);
}

/* Design 3a: \DDD above 0x7E (escaped or raw in the file), \" and \\. */
Test(dns, txt_presentation_escapes)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "esc.example.com",
	    AA_TYPE_TXT);
	const struct aa_rr *r;
	/* \DDD is decimal (RFC 1035 5.1): \200 is 0xc8. */
	static const uint8_t want[] = { 200, 255, 'q', '"', 'b', '\\', 's',
	    'c', 'a', 'f', 0xc3, 0xa9 };

	r = only_rr(a);
	cr_assert_eq(r->ntxt, 3);
	cr_assert_eq(r->joined.len, sizeof(want));
	cr_assert_eq(memcmp(r->joined.data, want, sizeof(want)), 0);
	cr_assert_str_eq(r->data,
	    "\"\\200\\255\" \"q\\\"b\\\\s\" \"caf\\195\\169\"");

	a = th_query(d, "utf.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "test.zone:27");
	cr_assert_eq(a->rr[0].joined.len, 2);
	cr_assert_str_eq(a->rr[0].data, "\"\\195\\169\"");
	aa_dns_free(d);
}

Test(dns, escape_text_function)
{
	static const uint8_t in[] = { 'a', 0, 0x1f, 0x20, 0x7e, 0x7f, 0xff,
	    '"', '\\' };
	char *s = aa_dns_escape_text(in, sizeof(in));

	cr_assert_str_eq(s, "a\\000\\031 ~\\127\\255\\\"\\\\");
	free(s);
	s = aa_dns_escape_text((const uint8_t *)"", 0);
	cr_assert_str_eq(s, "");
	free(s);
}

/* RFC 1035 3.5 and RFC 3596 2.5: the names a PTR lookup asks. */
Test(dns, reverse_name)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0xab, 0x01 };
	char buf[AA_DNS_REVERSE_LEN];

	aa_dns_reverse_name(v4, 4, buf);
	cr_assert_str_eq(buf, "1.2.0.192.in-addr.arpa");
	aa_dns_reverse_name(v6, 6, buf);
	cr_assert_str_eq(buf, "1.0.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.8.b.d.0.1.0.0.2.ip6.arpa");
	cr_assert_eq(strlen(buf) + 1, AA_DNS_REVERSE_LEN);
}

/* A quoted string over 255 octets: 255-octet strings and one warning. */
Test(dns, long_string_split_with_warning)
{
	char *big = repeat("x", 600), *text;
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	const struct aa_answer *a;
	const struct aa_rr *r;
	size_t i;

	cr_assert_neq(asprintf(&text,
	    "$ORIGIN example.com.\n"				/* 1 */
	    "@ IN SOA ns hostmaster 1 2 3 4 5\n"		/* 2 */
	    "long IN TXT \"%s\"\n"				/* 3 */
	    "after IN TXT \"ok\"\n", big), -1);			/* 4 */
	th_dns_load(d, "long.zone", text);
	cr_assert_eq(aa_dns_warning_count(d), 1, "warnings: %zu",
	    aa_dns_warning_count(d));
	cr_assert_not_null(th_warning_find(d, "long.zone:3:"),
	    "warning names file:line: %s", aa_dns_warning(d, 0));
	cr_assert_not_null(strstr(aa_dns_warning(d, 0), "600"));
	cr_assert_null(aa_dns_warning(d, 1));

	a = th_query(d, "long.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	r = &a->rr[0];
	cr_assert_eq(r->ntxt, 3);
	cr_assert_eq(r->txt[0].len, 255);
	cr_assert_eq(r->txt[1].len, 255);
	cr_assert_eq(r->txt[2].len, 90);
	cr_assert_eq(r->joined.len, 600);
	for (i = 0; i < 600; i++)
		cr_assert_eq(r->joined.data[i], 'x');
	assert_origin(a, "long.zone:3");
	/* The lines after the split string keep their numbers. */
	a = th_query(d, "after.example.com", AA_TYPE_TXT);
	assert_origin(a, "long.zone:4");
	aa_dns_free(d);
	free(text);
	free(big);
}

/* Exactly 255 octets is legal: no split, no warning. */
Test(dns, string_of_255_not_split)
{
	char *s = repeat("y", 255), *text;
	struct aa_dns *d;
	const struct aa_answer *a;

	cr_assert_neq(asprintf(&text, "ok.example.com. TXT \"%s\"\n", s), -1);
	d = th_dns_from_zone(text, true);
	cr_assert_eq(aa_dns_warning_count(d), 0);
	a = th_query(d, "ok.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].ntxt, 1);
	cr_assert_eq(a->rr[0].joined.len, 255);
	aa_dns_free(d);
	free(text);
	free(s);
}

/* Escapes count as one octet each when splitting; lines in parentheses. */
Test(dns, long_string_split_counts_escapes)
{
	char *as = repeat("a", 200), *nuls = repeat("\\000", 100), *text;
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	const struct aa_answer *a;
	const struct aa_rr *r;
	size_t i;

	cr_assert_neq(asprintf(&text,
	    "t.example.com. IN TXT (\n"				/* 1 */
	    "\t\"short\"\n"					/* 2 */
	    "\t\"%s%s\" )\n"					/* 3 */
	    "u.example.com. IN TXT \"u\"\n", as, nuls), -1);	/* 4 */
	th_dns_load(d, "esc.zone", text);
	cr_assert_eq(aa_dns_warning_count(d), 1);
	cr_assert_not_null(strstr(aa_dns_warning(d, 0), "esc.zone:3:"),
	    "%s", aa_dns_warning(d, 0));
	a = th_query(d, "t.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	r = &a->rr[0];
	cr_assert_eq(r->ntxt, 3);
	cr_assert_eq(r->txt[0].len, 5);
	cr_assert_eq(r->txt[1].len, 255);
	cr_assert_eq(r->txt[2].len, 45);
	cr_assert_eq(r->joined.len, 305);
	for (i = 205; i < 305; i++)
		cr_assert_eq(r->joined.data[i], 0);
	assert_origin(th_query(d, "u.example.com", AA_TYPE_TXT),
	    "esc.zone:4");
	aa_dns_free(d);
	free(text);
	free(as);
	free(nuls);
}

/* A long string in --rr is split the same way, with a warning. */
Test(dns, long_string_in_rr_split)
{
	char *s = repeat("z", 300), *rr;
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	const struct aa_answer *a;
	char err[256] = "";

	cr_assert_neq(asprintf(&rr, "r.example.com. TXT \"%s\"", s), -1);
	cr_assert_eq(aa_dns_add_rr(d, rr, 1, err, sizeof(err)), AA_OK, "%s",
	    err);
	cr_assert_eq(aa_dns_warning_count(d), 1);
	cr_assert_not_null(strstr(aa_dns_warning(d, 0), "--rr"));
	a = th_query(d, "r.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].ntxt, 2);
	cr_assert_eq(a->rr[0].joined.len, 300);
	aa_dns_free(d);
	free(rr);
	free(s);
}

/* RFC 4592: the wildcard at the closest encloser, owner = query name. */
Test(dns, wildcard_at_closest_encloser)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;

	a = th_query(d, "x.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].owner, "x.wild.example.com");
	cr_assert_str_eq(a->rr[0].data, "\"wild\"");
	cr_assert_str_eq(a->rr[0].master,
	    "x.wild.example.com.\t300\tIN\tTXT\t\"wild\"");
	assert_origin(a, "test.zone:14");

	a = th_query(d, "x.wild.example.com", AA_TYPE_A);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.9");
	cr_assert_str_eq(a->rr[0].owner, "x.wild.example.com");

	/* Two labels below: the closest encloser is still wild. */
	a = th_query(d, "y.x.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].owner, "y.x.wild.example.com");

	/* A wildcard with no RRset of the type: NODATA, not NXDOMAIN. */
	a = th_query(d, "x.wild.example.com", AA_TYPE_MX);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	aa_dns_free(d);
}

/* No wildcard for a name that exists, or is an empty non-terminal. */
Test(dns, wildcard_not_for_existing_names)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;

	/* host.wild owns an A: its TXT is NODATA. */
	a = th_query(d, "host.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	a = th_query(d, "host.wild.example.com", AA_TYPE_A);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.10");

	/* ent.wild is an empty non-terminal (deep.ent.wild exists). */
	a = th_query(d, "ent.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);

	/* Below an existing name the closest encloser is that name. */
	a = th_query(d, "z.host.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NXDOMAIN);
	a = th_query(d, "z.ent.wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NXDOMAIN);

	/* The wildcard's parent is an empty non-terminal itself. */
	a = th_query(d, "wild.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);

	/* The literal "*" name is matched exactly. */
	a = th_query(d, "*.wild.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].owner, "*.wild.example.com");
	aa_dns_free(d);
}

/* RFC 8020: an empty non-terminal exists: NOERROR, no records. */
Test(dns, empty_non_terminal)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;

	a = th_query(d, "b.c.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	assert_origin(a, "test.zone:3");
	cr_assert(aa_answer_is_void(a));
	a = th_query(d, "c.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	a = th_query(d, "a.b.c.example.com", AA_TYPE_A);
	cr_assert_eq(a->nrr, 1);
	aa_dns_free(d);
}

/* NXDOMAIN under an SOA apex, with the SOA as the origin. */
Test(dns, nxdomain_under_apex)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;
	const struct aa_qlog *q;

	a = th_query(d, "nx.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NXDOMAIN);
	cr_assert_eq(a->nrr, 0);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	assert_origin(a, "test.zone:3");
	cr_assert(aa_answer_is_void(a));
	a = th_query(d, "deep.nx.example.net", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NXDOMAIN);
	assert_origin(a, "net.zone:2");
	q = th_log_find(d, "nx.example.com", AA_TYPE_A);
	cr_assert_not_null(q);
	cr_assert_eq(q->source, AA_SRC_ZONE);
	cr_assert_str_eq(q->origin, "test.zone:3");
	/* The apex itself answers its SOA. */
	a = th_query(d, "example.com", AA_TYPE_SOA);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "test.zone:3");
	aa_dns_free(d);
}

/* A file without SOA knows its owner names only; the rest goes on. */
Test(dns, file_without_soa)
{
	static const char z[] =
	    "known.example.org. 600 IN A 192.0.2.7\n"		/* 1 */
	    "other.example.org. 600 IN TXT \"o\"\n";		/* 2 */
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	const struct aa_answer *a;
	const struct aa_qlog *q;

	th_dns_load(d, "nosoa.zone", z);
	a = th_query(d, "known.example.org", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].ttl, 600);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	assert_origin(a, "nosoa.zone:1");
	/* A known name without the type: NODATA from the zone. */
	a = th_query(d, "known.example.org", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 0);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	/* Unknown: the next backend, offline here: NXDOMAIN "offline". */
	a = th_query(d, "unknown.example.org", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NXDOMAIN);
	cr_assert_eq(a->source, AA_SRC_OFFLINE);
	cr_assert_str_eq(aa_dns_source_str(a->source), "offline");
	q = th_log_find(d, "unknown.example.org", AA_TYPE_A);
	cr_assert_not_null(q);
	cr_assert_eq(q->source, AA_SRC_OFFLINE);
	cr_assert_eq(q->rcode, AA_RCODE_NXDOMAIN);
	aa_dns_free(d);
}

/* RFC 1034 3.6.2: a chain inside one zone. */
Test(dns, cname_chain_one_zone)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "c1.example.com", AA_TYPE_A);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->ncname, 2);
	cr_assert_str_eq(a->cname_chain[0], "c2.example.com");
	cr_assert_str_eq(a->cname_chain[1], "www.example.com");
	cr_assert_eq(a->nrr, 2);
	cr_assert_str_eq(a->rr[0].owner, "www.example.com");
	cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
	cr_assert_eq(a->rr[0].type, AA_TYPE_A);
	assert_origin(a, "test.zone:7");
	cr_assert_not(a->cname_loop);
	cr_assert_str_eq(a->qname, "c1.example.com");
	/* Each step was a real lookup. */
	cr_assert_eq(th_log_count(d, "c1.example.com", AA_TYPE_A), 1);
	cr_assert_eq(th_log_count(d, "c2.example.com", AA_TYPE_A), 1);
	cr_assert_eq(th_log_count(d, "www.example.com", AA_TYPE_A), 1);
	aa_dns_free(d);
}

/* A chain across two zones ends with the other zone's origin. */
Test(dns, cname_chain_two_zones)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;

	a = th_query(d, "alias.example.net", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->ncname, 1);
	cr_assert_str_eq(a->cname_chain[0], "www.example.com");
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "\"hello\"");
	assert_origin(a, "test.zone:9");

	a = th_query(d, "out.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->ncname, 2);
	cr_assert_str_eq(a->cname_chain[0], "alias.example.net");
	cr_assert_str_eq(a->cname_chain[1], "www.example.com");
	cr_assert_eq(a->nrr, 2);
	assert_origin(a, "test.zone:7");
	aa_dns_free(d);
}

/* A chain to a name that does not exist: the last rcode (RFC 6604). */
Test(dns, cname_to_nxdomain)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "dangling.example.com",
	    AA_TYPE_A);

	assert_rcode(a, AA_RCODE_NXDOMAIN);
	cr_assert_eq(a->ncname, 1);
	cr_assert_str_eq(a->cname_chain[0], "nothere.example.com");
	cr_assert_eq(a->nrr, 0);
	aa_dns_free(d);
}

/* a -> b -> a: SERVFAIL with cname_loop, after a bounded walk. */
Test(dns, cname_loop)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "loop1.example.com",
	    AA_TYPE_A);

	assert_rcode(a, AA_RCODE_SERVFAIL);
	cr_assert(a->cname_loop);
	cr_assert_eq(a->nrr, 0);
	cr_assert_eq(a->ncname, 1);
	cr_assert_str_eq(a->cname_chain[0], "loop2.example.com");
	cr_assert_eq(aa_dns_log_count(d), 2, "log lines: %zu",
	    aa_dns_log_count(d));
	cr_assert(aa_rcode_temporary(a->rcode));

	a = th_query(d, "self.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_SERVFAIL);
	cr_assert(a->cname_loop);
	aa_dns_free(d);
}

/* A zone of n CNAMEs l0 -> l1 -> ... -> ln, and ln A 192.0.2.77. */
static struct aa_dns *
chain_layer(unsigned n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct aa_dns *d;
	unsigned i;

	cr_assert_not_null(fp);
	fprintf(fp, "$ORIGIN example.com.\n@ SOA ns hm 1 2 3 4 5\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "l%u CNAME l%u\n", i, i + 1);
	fprintf(fp, "l%u A 192.0.2.77\n", n);
	fclose(fp);
	d = th_dns_from_zone(text, true);
	free(text);
	return d;
}

Test(dns, cname_chain_at_max_is_followed)
{
	struct aa_dns *d = chain_layer(AA_DNS_MAX_CNAME);
	const struct aa_answer *a = th_query(d, "l0.example.com", AA_TYPE_A);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->ncname, AA_DNS_MAX_CNAME);
	cr_assert_not(a->cname_loop);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.77");
	cr_assert_str_eq(a->cname_chain[AA_DNS_MAX_CNAME - 1],
	    "l16.example.com");
	aa_dns_free(d);
}

Test(dns, cname_chain_over_max_is_servfail)
{
	struct aa_dns *d = chain_layer(AA_DNS_MAX_CNAME + 1);
	const struct aa_answer *a = th_query(d, "l0.example.com", AA_TYPE_A);

	assert_rcode(a, AA_RCODE_SERVFAIL);
	cr_assert(a->cname_loop);
	cr_assert_eq(a->nrr, 0);
	cr_assert_leq(a->ncname, AA_DNS_MAX_CNAME);
	cr_assert_leq(aa_dns_log_count(d), AA_DNS_MAX_CNAME + 1);
	aa_dns_free(d);
}

/* Asking for the CNAME type returns the CNAME, not its target. */
Test(dns, cname_query_type)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a = th_query(d, "c1.example.com",
	    AA_TYPE_CNAME);

	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].type, AA_TYPE_CNAME);
	cr_assert_str_eq(a->rr[0].target, "c2.example.com");
	cr_assert_str_eq(a->rr[0].data, "c2.example.com");
	cr_assert_eq(a->ncname, 0);
	assert_origin(a, "test.zone:18");
	/* And the loop is no loop for type CNAME. */
	a = th_query(d, "loop1.example.com", AA_TYPE_CNAME);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_not(a->cname_loop);
	cr_assert_eq(a->nrr, 1);
	aa_dns_free(d);
}

static struct aa_dns *
pragma_layer(void)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });

	th_dns_load(d, "p.zone", zone_pragmas);
	return d;
}

static void
assert_pragma(struct aa_dns *d, const char *name, uint16_t type,
    enum aa_rcode rc, const char *origin)
{
	const struct aa_answer *a = th_query(d, name, type);

	assert_rcode(a, rc);
	cr_assert_eq(a->nrr, 0, "%s: %zu records", name, a->nrr);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	if (origin != NULL)
		assert_origin(a, origin);
}

Test(dns, pragma_servfail)
{
	struct aa_dns *d = pragma_layer();

	assert_pragma(d, "sf.example.org", AA_TYPE_A, AA_RCODE_SERVFAIL,
	    "p.zone:6");
	assert_pragma(d, "sf.example.org", AA_TYPE_TXT, AA_RCODE_SERVFAIL,
	    "p.zone:6");
	assert_pragma(d, "sft.example.org", AA_TYPE_TXT, AA_RCODE_SERVFAIL,
	    "p.zone:7");
	/* Another type: the name has no records, so NXDOMAIN. */
	assert_pragma(d, "sft.example.org", AA_TYPE_A, AA_RCODE_NXDOMAIN,
	    "p.zone:2");
	/* An absolute name outside the zone's origin. */
	assert_pragma(d, "abs.example.net", AA_TYPE_MX, AA_RCODE_SERVFAIL,
	    "p.zone:14");
	aa_dns_free(d);
}

Test(dns, pragma_timeout_answers_at_once)
{
	struct aa_dns *d = pragma_layer();
	int64_t t0 = aa_monotonic_ms();
	const struct aa_answer *a;

	assert_pragma(d, "to.example.org", AA_TYPE_A, AA_RCODE_TIMEOUT,
	    "p.zone:8");
	assert_pragma(d, "to.example.org", AA_TYPE_AAAA, AA_RCODE_TIMEOUT,
	    "p.zone:8");
	assert_pragma(d, "tot.example.org", AA_TYPE_TXT, AA_RCODE_TIMEOUT,
	    "p.zone:9");
	assert_pragma(d, "tot.example.org", AA_TYPE_A, AA_RCODE_NXDOMAIN,
	    NULL);
	/* Leading blanks and an upper-case kind are accepted. */
	assert_pragma(d, "www.example.org", AA_TYPE_MX, AA_RCODE_TIMEOUT,
	    "p.zone:15");
	a = th_query(d, "to.example.org", AA_TYPE_A);
	cr_assert_eq(a->ms, 0);
	cr_assert_lt(aa_monotonic_ms() - t0, 1000, "a simulated timeout "
	    "must not wait");
	cr_assert(aa_rcode_temporary(a->rcode));
	aa_dns_free(d);
}

Test(dns, pragma_refused)
{
	struct aa_dns *d = pragma_layer();

	assert_pragma(d, "rf.example.org", AA_TYPE_A, AA_RCODE_REFUSED,
	    "p.zone:10");
	assert_pragma(d, "rft.example.org", AA_TYPE_MX, AA_RCODE_REFUSED,
	    "p.zone:11");
	assert_pragma(d, "rft.example.org", AA_TYPE_A, AA_RCODE_NXDOMAIN,
	    NULL);
	/* Relative to the second $ORIGIN. */
	assert_pragma(d, "x.sub.example.org", AA_TYPE_TXT, AA_RCODE_REFUSED,
	    "p.zone:17");
	aa_dns_free(d);
}

/* nxdomain and nodata override the records of the name. */
Test(dns, pragma_nxdomain_and_nodata)
{
	struct aa_dns *d = pragma_layer();
	const struct aa_answer *a;

	assert_pragma(d, "gone.example.org", AA_TYPE_A, AA_RCODE_NXDOMAIN,
	    "p.zone:12");
	assert_pragma(d, "gone.example.org", AA_TYPE_TXT, AA_RCODE_NXDOMAIN,
	    "p.zone:12");
	assert_pragma(d, "www.example.org", AA_TYPE_TXT, AA_RCODE_NOERROR,
	    "p.zone:13");
	a = th_query(d, "www.example.org", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "p.zone:3");
	/* Records after the second $ORIGIN are relative to it. */
	a = th_query(d, "sub.example.org", AA_TYPE_A);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "p.zone:18");
	aa_dns_free(d);
}

/* A zone that does not load: AA_EPARSE and "name:line" in err. */
static void
assert_load_fails(const char *name, const char *text, const char *where)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	char err[512] = "";
	enum aa_status st;

	st = aa_dns_load_zone_text(d, name, text, strlen(text), err,
	    sizeof(err));
	cr_assert_eq(st, AA_EPARSE, "%s: status %d (%s)", name, st, err);
	cr_assert_not_null(strstr(err, where), "err '%s' lacks '%s'", err,
	    where);
	aa_dns_free(d);
}

Test(dns, pragma_errors)
{
	assert_load_fails("e1.zone", "$ORIGIN example.org.\n;! bogus www\n",
	    "e1.zone:2:");
	assert_load_fails("e2.zone", "; nodata needs a type\n"
	    ";! nodata www.example.org.\n", "e2.zone:2:");
	assert_load_fails("e3.zone", "; no origin\n;! servfail www\n",
	    "e3.zone:2:");
	assert_load_fails("e4.zone", ";! nxdomain www.example.org. TXT\n",
	    "e4.zone:1:");
	assert_load_fails("e5.zone", ";! servfail www.example.org. NOPE\n",
	    "e5.zone:1:");
	assert_load_fails("e6.zone", ";! servfail\n", "e6.zone:1:");
	assert_load_fails("e7.zone", ";! timeout a.example. A extra\n",
	    "e7.zone:1:");
}

Test(dns, zone_syntax_error)
{
	assert_load_fails("bad.zone",
	    "$ORIGIN example.com.\n"				/* 1 */
	    "@ IN SOA ns hm (\n"				/* 2 */
	    "\t1 2 3 4 5 )\n"					/* 3 */
	    "www IN A 192.0.2.1\n"				/* 4 */
	    "www IN A 192.0.2.300\n", "bad.zone:5:");		/* 5 */
	assert_load_fails("bad2.zone",
	    "www.example.com. IN BOGUSTYPE x\n", "bad2.zone:1:");
}

/* A raw NUL octet is not master-file text (write \000 in a string). */
Test(dns, zone_raw_nul_refused)
{
	static const char text[] = "a.example. TXT \"a\0b\"\n";
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	char err[512] = "";

	cr_assert_eq(aa_dns_load_zone_text(d, "nul.zone", text,
	    sizeof(text) - 1, err, sizeof(err)), AA_EPARSE);
	cr_assert_not_null(strstr(err, "nul.zone"), "%s", err);
	aa_dns_free(d);
}

/*
 * Origins name the record's own line, whatever comments, blank lines and
 * indented comments come before or after it, and on a last line without
 * a newline.
 */
Test(dns, record_lines_around_comments)
{
	static const char z[] =
	    "$ORIGIN example.org.\n"				/* 1 */
	    "; a comment\n"					/* 2 */
	    "\n"						/* 3 */
	    "a IN A 192.0.2.1\n"				/* 4 */
	    "\n"						/* 5 */
	    "\n"						/* 6 */
	    "\t; indented comment\n"				/* 7 */
	    "\n"						/* 8 */
	    "b IN A 192.0.2.2 ; trailing comment\n"		/* 9 */
	    ";! servfail zz\n"					/* 10 */
	    "c IN TXT (\n"					/* 11 */
	    "\t\"x\" ; inside\n"				/* 12 */
	    "\t\"y\" )\n"					/* 13 */
	    "\t\t IN A 192.0.2.3\n"				/* 14 */
	    "$TTL 60\n"					/* 15 */
	    "; last\n"						/* 16 */
	    "d IN A 192.0.2.4";					/* 17 */
	struct aa_dns *d = th_dns_from_zone(z, true);

	assert_origin(th_query(d, "a.example.org", AA_TYPE_A), "test.zone:4");
	assert_origin(th_query(d, "b.example.org", AA_TYPE_A), "test.zone:9");
	assert_origin(th_query(d, "c.example.org", AA_TYPE_TXT),
	    "test.zone:11");
	assert_origin(th_query(d, "c.example.org", AA_TYPE_A),
	    "test.zone:14");
	assert_origin(th_query(d, "d.example.org", AA_TYPE_A), "test.zone:17");
	cr_assert_eq(th_query(d, "d.example.org", AA_TYPE_A)->rr[0].ttl, 60);
	assert_origin(th_query(d, "zz.example.org", AA_TYPE_A),
	    "test.zone:10");
	aa_dns_free(d);
}

/*
 * ldns reads a word where the type goes ("www example.net.") or an
 * unknown $-directive as a TYPE0 record: a typo that would silently drop
 * the record.  Other classes than IN would answer IN questions.
 */
Test(dns, zone_type0_and_class_refused)
{
	char err[256] = "";
	struct aa_dns *d;

	assert_load_fails("t0.zone", "$ORIGIN example.com.\n"
	    "www example.net.\n", "t0.zone:2:");
	assert_load_fails("t1.zone", "$ORIGIN example.com.\n$FOO bar\n",
	    "t1.zone:2:");
	assert_load_fails("ch.zone", "www.example.com. CH A 192.0.2.1\n",
	    "ch.zone:1:");
	d = th_dns_new(&(struct aa_dns_config){ .offline = true });
	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. example.net.", 1, err,
	    sizeof(err)), AA_EINVAL);
	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. CH TXT \"x\"", 2, err,
	    sizeof(err)), AA_EINVAL);
	cr_assert_not_null(strstr(err, "--rr"), "%s", err);
	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. TYPE65280 \\# 1 2a", 3,
	    err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(th_query(d, "www.example.com", 65280)->nrr, 1);
	aa_dns_free(d);
}

/* A syntax error after comment and blank lines names its own line. */
Test(dns, zone_syntax_error_line_after_comments)
{
	assert_load_fails("bad3.zone",
	    "$ORIGIN example.com.\n"				/* 1 */
	    "; comment\n"					/* 2 */
	    "\n"						/* 3 */
	    "www IN A 192.0.2.300\n"				/* 4 */
	    "\n"						/* 5 */
	    "\n"						/* 6 */
	    "x IN A 192.0.2.1\n", "bad3.zone:4:");		/* 7 */
}

/* A missing zone file: AA_EIO naming the file. */
Test(dns, zone_file_missing)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true });
	char err[512] = "";

	cr_assert_eq(aa_dns_load_zone(d, TESTDATA "/no/such.zone", err,
	    sizeof(err)), AA_EIO);
	cr_assert_not_null(strstr(err, "no/such.zone"), "%s", err);
	aa_dns_free(d);
}

/* An empty zone text loads and holds nothing. */
Test(dns, zone_empty)
{
	struct aa_dns *d = th_dns_from_zone("", true);

	assert_rcode(th_query(d, "a.example", AA_TYPE_A), AA_RCODE_NXDOMAIN);
	cr_assert_eq(th_query(d, "a.example", AA_TYPE_A)->source,
	    AA_SRC_OFFLINE);
	aa_dns_free(d);
}

/* --rr replaces the zone's RRset of its owner and type, no other. */
Test(dns, rr_overrides_rrset)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a;
	char err[256] = "";

	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. 60 IN A 198.51.100.7",
	    2, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. 60 IN A 198.51.100.8",
	    3, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_dns_add_rr(d, "new.example.com. TXT \"n\"", 4, err,
	    sizeof(err)), AA_OK, "%s", err);
	a = th_query(d, "www.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 2);
	cr_assert_str_eq(a->rr[0].data, "198.51.100.7");
	cr_assert_str_eq(a->rr[1].data, "198.51.100.8");
	cr_assert_eq(a->rr[0].ttl, 60);
	cr_assert_str_eq(a->rr[0].file, "--rr");
	cr_assert_eq(a->rr[0].line, 2);
	assert_origin(a, "--rr:2");
	/* Other types of the owner still come from the zone. */
	a = th_query(d, "www.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "\"hello\"");
	assert_origin(a, "test.zone:9");
	/* A new name under the apex. */
	a = th_query(d, "new.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "--rr:4");
	/* A --rr RRset replaces the zone's CNAME for its type only. */
	cr_assert_eq(aa_dns_add_rr(d, "c1.example.com. TXT \"mine\"", 5, err,
	    sizeof(err)), AA_OK, "%s", err);
	a = th_query(d, "c1.example.com", AA_TYPE_TXT);
	cr_assert_eq(a->ncname, 0);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "\"mine\"");
	/* And a --rr CNAME replaces the zone's records of every type. */
	cr_assert_eq(aa_dns_add_rr(d, "ns.example.com. CNAME www.example.com.",
	    6, err, sizeof(err)), AA_OK, "%s", err);
	a = th_query(d, "ns.example.com", AA_TYPE_A);
	cr_assert_eq(a->ncname, 1);
	cr_assert_str_eq(a->rr[0].data, "198.51.100.7");
	/* A chain ending at the replaced RRset uses it. */
	a = th_query(d, "c1.example.com", AA_TYPE_A);
	cr_assert_eq(a->nrr, 2);
	cr_assert_str_eq(a->rr[0].data, "198.51.100.7");
	aa_dns_free(d);
}

/*
 * --rr also replaces a pragma for its owner and type: a zone saved with
 * failures as pragmas must still take "what if I publish this".
 */
Test(dns, rr_overrides_pragma)
{
	struct aa_dns *d = pragma_layer();
	const struct aa_answer *a;
	char err[256] = "";

	cr_assert_eq(aa_dns_add_rr(d, "www.example.org. TXT \"new\"", 1, err,
	    sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_dns_add_rr(d, "gone.example.org. TXT \"back\"", 2,
	    err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_dns_add_rr(d, "sf.example.org. A 192.0.2.8", 3, err,
	    sizeof(err)), AA_OK, "%s", err);
	/* Each had a pragma: nodata, nxdomain, servfail. */
	a = th_query(d, "www.example.org", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	assert_origin(a, "--rr:1");
	a = th_query(d, "gone.example.org", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "\"back\"");
	a = th_query(d, "sf.example.org", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	/* Types --rr did not give keep their pragma. */
	assert_pragma(d, "sf.example.org", AA_TYPE_TXT, AA_RCODE_SERVFAIL,
	    "p.zone:6");
	assert_pragma(d, "www.example.org", AA_TYPE_MX, AA_RCODE_TIMEOUT,
	    "p.zone:15");
	aa_dns_free(d);
}

Test(dns, rr_bad_is_einval)
{
	struct aa_dns *d = example_layer();
	char err[256] = "";

	cr_assert_eq(aa_dns_add_rr(d, "www.example.com. IN A 192.0.2.300", 1,
	    err, sizeof(err)), AA_EINVAL);
	cr_assert_not_null(strstr(err, "--rr"), "%s", err);
	err[0] = '\0';
	cr_assert_eq(aa_dns_add_rr(d, "garbage", 2, err, sizeof(err)),
	    AA_EINVAL);
	cr_assert_neq(err[0], '\0');
	cr_assert_eq(aa_dns_add_rr(d, "x.example.com. IN NOSUCH 1", 3, err,
	    sizeof(err)), AA_EINVAL);
	/* The zone is unchanged. */
	cr_assert_eq(th_query(d, "www.example.com", AA_TYPE_A)->nrr, 2);
	aa_dns_free(d);
}

/* The cache: the same pointer, and no new log line. */
Test(dns, cache_same_pointer_no_log)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *a, *b, *c;
	size_t n;

	a = th_query(d, "www.example.com", AA_TYPE_A);
	n = aa_dns_log_count(d);
	cr_assert_eq(n, 1);
	b = th_query(d, "www.example.com", AA_TYPE_A);
	c = th_query(d, "WWW.Example.COM.", AA_TYPE_A);
	cr_assert_eq(a, b);
	cr_assert_eq(a, c);
	cr_assert_eq(aa_dns_log_count(d), n);
	/* Another type is another question. */
	cr_assert_neq(th_query(d, "www.example.com", AA_TYPE_TXT), a);
	cr_assert_eq(aa_dns_log_count(d), n + 1);
	/* A chain's steps are cached: asking its end is free. */
	th_query(d, "c1.example.com", AA_TYPE_TXT);
	n = aa_dns_log_count(d);
	th_query(d, "c2.example.com", AA_TYPE_TXT);
	cr_assert_eq(aa_dns_log_count(d), n);
	aa_dns_free(d);
}

/* The query log: one line per real lookup, with who asked. */
Test(dns, query_log)
{
	struct aa_dns *d = example_layer();
	const struct aa_question q[] = {
		{ "multi.example.com", AA_TYPE_TXT, "libspf2" },
		{ "nx.example.com", AA_TYPE_A, "libspf2" },
		{ "c1.example.com", AA_TYPE_A, "libspf2" },
	};
	const struct aa_answer *out[3];
	const struct aa_qlog *l;

	cr_assert_eq(aa_dns_query_many(d, q, 3, out), AA_OK);
	th_query(d, "ns.example.com", AA_TYPE_A);
	cr_assert_eq(aa_dns_log_count(d), 6, "log: %zu",
	    aa_dns_log_count(d));
	l = aa_dns_log_get(d, 0);
	cr_assert_str_eq(l->name, "multi.example.com");
	cr_assert_eq(l->type, AA_TYPE_TXT);
	cr_assert_eq(l->rcode, AA_RCODE_NOERROR);
	cr_assert_eq(l->answers, 1);
	cr_assert_eq(l->source, AA_SRC_ZONE);
	cr_assert_str_eq(l->origin, "test.zone:10");
	cr_assert_str_eq(l->by, "libspf2");
	l = aa_dns_log_get(d, 1);
	cr_assert_str_eq(l->name, "nx.example.com");
	cr_assert_eq(l->rcode, AA_RCODE_NXDOMAIN);
	cr_assert_eq(l->answers, 0);
	cr_assert_str_eq(l->origin, "test.zone:3");
	/* The chain's steps are logged for the asker, in order. */
	cr_assert_str_eq(aa_dns_log_get(d, 2)->name, "c1.example.com");
	cr_assert_str_eq(aa_dns_log_get(d, 3)->name, "c2.example.com");
	cr_assert_str_eq(aa_dns_log_get(d, 4)->name, "www.example.com");
	cr_assert_eq(aa_dns_log_get(d, 2)->answers, 1);
	cr_assert_str_eq(aa_dns_log_get(d, 4)->by, "libspf2");
	/* A plain query logs no asker. */
	l = aa_dns_log_get(d, 5);
	cr_assert_str_eq(l->name, "ns.example.com");
	cr_assert_null(l->by);
	cr_assert_null(aa_dns_log_get(d, 6));
	aa_dns_free(d);
}

/* The query cap: BUDGET, source none, and the layer says so. */
Test(dns, max_queries_budget)
{
	struct aa_dns *d = th_dns_new(&(struct aa_dns_config){ .offline =
	    true, .max_queries = 2 });
	const struct aa_answer *a, *www;
	const struct aa_qlog *l;

	th_dns_load(d, "test.zone", zone_example);
	www = th_query(d, "www.example.com", AA_TYPE_A);
	assert_rcode(www, AA_RCODE_NOERROR);
	assert_rcode(th_query(d, "www.example.com", AA_TYPE_TXT),
	    AA_RCODE_NOERROR);
	cr_assert_not(aa_dns_budget_exceeded(d));
	a = th_query(d, "multi.example.com", AA_TYPE_TXT);
	assert_rcode(a, AA_RCODE_BUDGET);
	cr_assert_eq(a->source, AA_SRC_NONE);
	cr_assert_eq(a->nrr, 0);
	cr_assert(aa_dns_budget_exceeded(d));
	cr_assert(aa_rcode_temporary(a->rcode));
	l = th_log_find(d, "multi.example.com", AA_TYPE_TXT);
	cr_assert_not_null(l);
	cr_assert_eq(l->rcode, AA_RCODE_BUDGET);
	cr_assert_eq(l->source, AA_SRC_NONE);
	cr_assert_str_eq(aa_dns_source_str(l->source), "none");
	/* Cached answers are still given. */
	cr_assert_eq(th_query(d, "www.example.com", AA_TYPE_A), www);
	/* A chain cut by the cap ends in BUDGET. */
	a = th_query(d, "c1.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_BUDGET);
	aa_dns_free(d);
}

Test(dns, query_many_duplicates_and_invalid)
{
	struct aa_dns *d = example_layer();
	char label64[65];
	const struct aa_question q[] = {
		{ "www.example.com", AA_TYPE_A, NULL },
		{ "a..b", AA_TYPE_A, NULL },
		{ "multi.example.com", AA_TYPE_TXT, NULL },
		{ "WWW.example.com.", AA_TYPE_A, NULL },
		{ label64, AA_TYPE_A, NULL },
		{ "nx.example.com", AA_TYPE_A, NULL },
		{ "www.example.com", AA_TYPE_TXT, NULL },
	};
	const struct aa_answer *out[7];
	size_t i;

	memset(label64, 'a', 64);
	label64[64] = '\0';
	for (i = 0; i < 7; i++)
		out[i] = (const struct aa_answer *)&q[i];	/* poison */
	cr_assert_eq(aa_dns_query_many(d, q, 7, out), AA_EINVAL);
	cr_assert_null(out[1]);
	cr_assert_null(out[4]);
	cr_assert_not_null(out[0]);
	cr_assert_str_eq(out[0]->qname, "www.example.com");
	cr_assert_eq(out[0]->qtype, AA_TYPE_A);
	cr_assert_eq(out[0]->nrr, 2);
	cr_assert_str_eq(out[2]->qname, "multi.example.com");
	cr_assert_eq(out[2]->qtype, AA_TYPE_TXT);
	cr_assert_eq(out[2]->nrr, 1);
	cr_assert_eq(out[3], out[0], "a duplicate gets the same answer");
	cr_assert_str_eq(out[5]->qname, "nx.example.com");
	assert_rcode(out[5], AA_RCODE_NXDOMAIN);
	cr_assert_str_eq(out[6]->qname, "www.example.com");
	cr_assert_eq(out[6]->qtype, AA_TYPE_TXT);
	cr_assert_str_eq(out[6]->rr[0].data, "\"hello\"");
	/* One log line per distinct valid question. */
	cr_assert_eq(aa_dns_log_count(d), 4);
	cr_assert_eq(th_log_count(d, "www.example.com", AA_TYPE_A), 1);
	/* All valid: AA_OK, and cached answers line up too. */
	cr_assert_eq(aa_dns_query_many(d, &q[5], 2, out), AA_OK);
	cr_assert_str_eq(out[0]->qname, "nx.example.com");
	cr_assert_eq(out[1]->qtype, AA_TYPE_TXT);
	cr_assert_eq(aa_dns_query_many(d, q, 0, out), AA_OK);
	aa_dns_free(d);
}

/* UTS #46: a U-label is looked up as its A-label. */
Test(dns, idn_to_a_label)
{
	static const char z[] =
	    "$ORIGIN example.\n"
	    "@ IN SOA ns hm 1 2 3 4 5\n"
	    "xn--bcher-kva IN A 192.0.2.44\n";
	struct aa_dns *d = th_dns_from_zone(z, true);
	const struct aa_answer *a, *b;
	char *n = NULL;

	a = th_query(d, "b\xc3\xbc" "cher.example", AA_TYPE_A);
	cr_assert_str_eq(a->qname, "xn--bcher-kva.example");
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.44");
	cr_assert_not_null(th_log_find(d, "xn--bcher-kva.example",
	    AA_TYPE_A));
	/* Upper case is mapped (UTS #46), so the cache matches. */
	b = th_query(d, "B\xc3\x9c" "CHER.Example.", AA_TYPE_A);
	cr_assert_eq(a, b);
	cr_assert_eq(aa_dns_name_normalize("b\xc3\xbc" "cher.example", &n),
	    AA_OK);
	cr_assert_str_eq(n, "xn--bcher-kva.example");
	free(n);
	/* Invalid UTF-8 is not a name. */
	cr_assert_eq(aa_dns_name_normalize("b\xc3" "cher.example", &n),
	    AA_EINVAL);
	aa_dns_free(d);
}

/* A name of n octets (labels of 63 and a shorter last one). */
static char *
long_name(size_t n)
{
	char *s = malloc(n + 1);
	size_t i;

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		s[i] = (i + 1) % 64 == 0 ? '.' : 'a';
	if (s[n - 1] == '.')
		s[n - 1] = 'b';
	s[n] = '\0';
	return s;
}

Test(dns, invalid_names)
{
	struct aa_dns *d = example_layer();
	const struct aa_answer *sentinel = (const struct aa_answer *)d, *a;
	char label64[80], *n254 = long_name(254), *n300 = long_name(300);
	const char *bad[] = { "a..b", label64, n254, n300, "", ".example",
	    "example..", NULL };
	char *norm;
	size_t i;

	snprintf(label64, sizeof(label64), "%s.example",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	cr_assert_eq(strlen(label64), 64 + 8);
	for (i = 0; bad[i] != NULL; i++) {
		a = sentinel;
		cr_assert_eq(aa_dns_query(d, bad[i], AA_TYPE_A, &a),
		    AA_EINVAL, "'%s' accepted", bad[i]);
		cr_assert_eq(a, sentinel, "*out touched for '%s'", bad[i]);
		norm = NULL;
		cr_assert_eq(aa_dns_name_normalize(bad[i], &norm), AA_EINVAL);
		cr_assert_null(norm);
	}
	cr_assert_eq(aa_dns_log_count(d), 0);
	free(n254);
	free(n300);
	aa_dns_free(d);
}

/* The limits themselves are valid: 63-octet labels, 253-octet names. */
Test(dns, names_at_the_limits)
{
	struct aa_dns *d = th_dns_from_zone("", true);
	char *n253 = long_name(253), *dot, label63[80], *norm = NULL;

	snprintf(label63, sizeof(label63), "%s.example",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_rcode(th_query(d, label63, AA_TYPE_A), AA_RCODE_NXDOMAIN);
	assert_rcode(th_query(d, n253, AA_TYPE_A), AA_RCODE_NXDOMAIN);
	cr_assert_neq(asprintf(&dot, "%s.", n253), -1);
	cr_assert_eq(th_query(d, dot, AA_TYPE_A), th_query(d, n253,
	    AA_TYPE_A));
	cr_assert_eq(aa_dns_name_normalize("Example.COM.", &norm), AA_OK);
	cr_assert_str_eq(norm, "example.com");
	free(norm);
	free(dot);
	free(n253);
	aa_dns_free(d);
}

Test(dns, answer_is_void)
{
	struct aa_answer a = { 0 };
	struct aa_rr rr = { 0 };

	a.rcode = AA_RCODE_NXDOMAIN;
	cr_assert(aa_answer_is_void(&a));
	a.rcode = AA_RCODE_NOERROR;
	cr_assert(aa_answer_is_void(&a));
	a.rr = &rr;
	a.nrr = 1;
	cr_assert_not(aa_answer_is_void(&a));
	a.nrr = 0;
	a.rcode = AA_RCODE_SERVFAIL;
	cr_assert_not(aa_answer_is_void(&a));
	a.rcode = AA_RCODE_TIMEOUT;
	cr_assert_not(aa_answer_is_void(&a));
}

Test(dns, rcode_temporary)
{
	cr_assert_not(aa_rcode_temporary(AA_RCODE_NOERROR));
	cr_assert_not(aa_rcode_temporary(AA_RCODE_NXDOMAIN));
	cr_assert(aa_rcode_temporary(AA_RCODE_SERVFAIL));
	cr_assert(aa_rcode_temporary(AA_RCODE_REFUSED));
	cr_assert(aa_rcode_temporary(AA_RCODE_TIMEOUT));
	cr_assert(aa_rcode_temporary(AA_RCODE_FORMERR));
	cr_assert(aa_rcode_temporary(AA_RCODE_NOTIMP));
	cr_assert(aa_rcode_temporary(AA_RCODE_NETERROR));
	cr_assert(aa_rcode_temporary(AA_RCODE_BUDGET));
	cr_assert_str_eq(aa_rcode_str(AA_RCODE_NXDOMAIN), "NXDOMAIN");
	cr_assert_str_eq(aa_rcode_str(AA_RCODE_BUDGET), "BUDGET");
	cr_assert_str_eq(aa_dns_source_str(AA_SRC_ZONE), "zone");
	cr_assert_str_eq(aa_dns_source_str(AA_SRC_LIVE), "live");
}

Test(dns, type_names)
{
	cr_assert_eq(aa_dns_type_from_str("txt"), AA_TYPE_TXT);
	cr_assert_eq(aa_dns_type_from_str("TXT"), AA_TYPE_TXT);
	cr_assert_eq(aa_dns_type_from_str("Aaaa"), AA_TYPE_AAAA);
	cr_assert_eq(aa_dns_type_from_str("TYPE99"), 99);
	cr_assert_eq(aa_dns_type_from_str("type65280"), 65280);
	cr_assert_eq(aa_dns_type_from_str("BOGUS"), 0);
	cr_assert_eq(aa_dns_type_from_str(""), 0);
	cr_assert_eq(aa_dns_type_from_str("TYPE"), 0);
	cr_assert_eq(aa_dns_type_from_str("TYPE99x"), 0);
	cr_assert_eq(aa_dns_type_from_str("TYPE-1"), 0);
	cr_assert_eq(aa_dns_type_from_str("TYPE70000"), 0);
	cr_assert_eq(aa_dns_type_from_str("TYPE65536"), 0);
	cr_assert_eq(aa_dns_type_from_str(
	    "TXTTXTTXTTXTTXTTXTTXTTXTTXTTXTTXTTXT"), 0);
	cr_assert_str_eq(aa_dns_type_str(AA_TYPE_TXT), "TXT");
	cr_assert_str_eq(aa_dns_type_str(AA_TYPE_SPF), "SPF");
	cr_assert_str_eq(aa_dns_type_str(AA_TYPE_CNAME), "CNAME");
	cr_assert_str_eq(aa_dns_type_str(65280), "TYPE65280");
	cr_assert_str_eq(aa_dns_type_str(0), "TYPE0");
	/* Every name we print reads back as the same number. */
	cr_assert_eq(aa_dns_type_from_str(aa_dns_type_str(65280)), 65280);
	cr_assert_eq(aa_dns_type_from_str(aa_dns_type_str(AA_TYPE_MX)),
	    AA_TYPE_MX);
}

static void
assert_same_answer_ttl(const struct aa_answer *x, const struct aa_answer *y,
    bool ttl)
{
	size_t i;

	cr_assert_str_eq(x->qname, y->qname);
	cr_assert_eq(x->rcode, y->rcode, "%s %s: %s then %s", x->qname,
	    aa_dns_type_str(x->qtype), aa_rcode_str(x->rcode),
	    aa_rcode_str(y->rcode));
	cr_assert_eq(x->nrr, y->nrr, "%s %s: %zu then %zu records", x->qname,
	    aa_dns_type_str(x->qtype), x->nrr, y->nrr);
	cr_assert_eq(x->ncname, y->ncname, "%s: chain", x->qname);
	cr_assert_eq(x->cname_loop, y->cname_loop);
	for (i = 0; i < x->ncname; i++)
		cr_assert_str_eq(x->cname_chain[i], y->cname_chain[i]);
	for (i = 0; i < x->nrr; i++) {
		cr_assert_str_eq(x->rr[i].owner, y->rr[i].owner);
		cr_assert_eq(x->rr[i].type, y->rr[i].type);
		if (ttl)
			cr_assert_eq(x->rr[i].ttl, y->rr[i].ttl);
		cr_assert_str_eq(x->rr[i].data, y->rr[i].data);
		cr_assert_eq(x->rr[i].rdlen, y->rr[i].rdlen);
		cr_assert_eq(memcmp(x->rr[i].rdata, y->rr[i].rdata,
		    x->rr[i].rdlen), 0);
		cr_assert_eq(x->rr[i].joined.len, y->rr[i].joined.len);
	}
}

static void
assert_same_answer(const struct aa_answer *x, const struct aa_answer *y)
{
	assert_same_answer_ttl(x, y, true);
}

/* The whole file at path; caller frees. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	cr_assert_not_null(fp, "%s", path);
	cr_assert_not_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

/* --save-zone: the saved answers replay offline to the same answers. */
Test(dns, save_zone_round_trip)
{
	static const struct aa_question q[] = {
		{ "www.example.com", AA_TYPE_A, NULL },
		{ "www.example.com", AA_TYPE_TXT, NULL },
		{ "www.example.com", AA_TYPE_MX, NULL },	/* NODATA */
		{ "multi.example.com", AA_TYPE_TXT, NULL },
		{ "nul.example.com", AA_TYPE_TXT, NULL },
		{ "esc.example.com", AA_TYPE_TXT, NULL },
		{ "nx.example.com", AA_TYPE_A, NULL },		/* NXDOMAIN */
		{ "b.c.example.com", AA_TYPE_A, NULL },		/* ENT */
		{ "x.wild.example.com", AA_TYPE_TXT, NULL },
		{ "c1.example.com", AA_TYPE_A, NULL },
		{ "c1.example.com", AA_TYPE_TXT, NULL },
		{ "c1.example.com", AA_TYPE_CNAME, NULL },
		{ "out.example.com", AA_TYPE_A, NULL },
		{ "loop1.example.com", AA_TYPE_A, NULL },
		{ "dangling.example.com", AA_TYPE_A, NULL },
		{ "mx.example.com", AA_TYPE_MX, NULL },
		{ "to.example.org", AA_TYPE_A, NULL },		/* timeout */
		{ "tot.example.org", AA_TYPE_TXT, NULL },
		{ "rf.example.org", AA_TYPE_A, NULL },		/* refused */
		{ "sf.example.org", AA_TYPE_A, NULL },		/* servfail */
		{ "elsewhere.example", AA_TYPE_A, NULL },	/* offline */
		{ "long.example.com", AA_TYPE_TXT, NULL },
	};
	enum { N = sizeof(q) / sizeof(q[0]) };
	const struct aa_answer *before[N], *after[N];
	struct aa_dns *d = example_layer(), *e;
	char path[] = "/tmp/aa-test-dns-XXXXXX", err[512] = "";
	char path2[] = "/tmp/aa-test-dns-XXXXXX";
	char *big = repeat("L", 400), *rr, *first, *second;
	int fd;
	size_t i, len1, len2;

	th_dns_load(d, "p.zone", zone_pragmas);
	cr_assert_neq(asprintf(&rr, "long.example.com. TXT \"%s\"", big), -1);
	cr_assert_eq(aa_dns_add_rr(d, rr, 1, err, sizeof(err)), AA_OK);
	cr_assert_eq(aa_dns_query_many(d, q, N, before), AA_OK);
	assert_rcode(before[16], AA_RCODE_TIMEOUT);
	assert_rcode(before[2], AA_RCODE_NOERROR);
	cr_assert_eq(before[2]->nrr, 0);

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(aa_dns_save_zone(d, path, err, sizeof(err)), AA_OK,
	    "%s", err);
	e = th_dns_new(&(struct aa_dns_config){ .offline = true });
	err[0] = '\0';
	cr_assert_eq(aa_dns_load_zone(e, path, err, sizeof(err)), AA_OK,
	    "reloading the saved zone: %s", err);
	cr_assert_eq(aa_dns_query_many(e, q, N, after), AA_OK);
	for (i = 0; i < N; i++)
		assert_same_answer(before[i], after[i]);
	/* Origins now point into the saved file. */
	cr_assert_not_null(strstr(after[0]->origin, path));
	cr_assert_eq(after[16]->source, AA_SRC_ZONE);
	/* Saving the replay gives the same file again. */
	fd = mkstemp(path2);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(aa_dns_save_zone(e, path2, err, sizeof(err)), AA_OK);
	first = slurp(path, &len1);
	second = slurp(path2, &len2);
	cr_assert_eq(len1, len2, "saved %zu then %zu octets", len1, len2);
	cr_assert_eq(memcmp(first, second, len1), 0);
	aa_dns_free(e);
	aa_dns_free(d);
	unlink(path);
	unlink(path2);
	free(first);
	free(second);
	free(rr);
	free(big);
}

/* Saving with nothing asked, and to an unwritable path. */
Test(dns, save_zone_errors)
{
	struct aa_dns *d = example_layer();
	char err[512] = "";

	cr_assert_eq(aa_dns_save_zone(d, TESTDATA "/no/such/dir/x.zone", err,
	    sizeof(err)), AA_EIO);
	cr_assert_not_null(strstr(err, "x.zone"), "%s", err);
	aa_dns_free(d);
}

/* A UDP socket on 127.0.0.1 that never answers; *port set. */
static int
silent_server(unsigned *port)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_geq(fd, 0);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct aa_dns *
live_layer(unsigned port, unsigned timeout_ms)
{
	struct aa_dns_config cfg = { 0 };
	char resolver[32];

	snprintf(resolver, sizeof(resolver), "127.0.0.1:%u", port);
	cfg.resolver = resolver;
	cfg.timeout_ms = timeout_ms;
	return th_dns_new(&cfg);	/* aa_dns_new parses it at once */
}

Test(dns, live_timeout_silent_server)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns *d = live_layer(port, 300);
	const struct aa_answer *a;
	char origin[32];
	int64_t t0 = aa_monotonic_ms(), dt;

	a = th_query(d, "timeout.example", AA_TYPE_A);
	dt = aa_monotonic_ms() - t0;
	assert_rcode(a, AA_RCODE_TIMEOUT);
	cr_assert_eq(a->source, AA_SRC_LIVE);
	snprintf(origin, sizeof(origin), "127.0.0.1:%u", port);
	assert_origin(a, origin);
	cr_assert_geq(dt, 250, "gave up after %lld ms", (long long)dt);
	cr_assert_lt(dt, 1000, "took %lld ms", (long long)dt);
	cr_assert_geq(a->ms, 250);
	cr_assert_eq(th_log_find(d, "timeout.example", AA_TYPE_A)->source,
	    AA_SRC_LIVE);
	aa_dns_free(d);
	close(fd);
}

/* The questions of a batch wait together, not one after another. */
Test(dns, live_batch_in_flight_together)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns *d = live_layer(port, 300);
	const struct aa_question q[] = {
		{ "a.example", AA_TYPE_A, NULL },
		{ "b.example", AA_TYPE_TXT, NULL },
		{ "c.example", AA_TYPE_MX, NULL },
		{ "d.example", AA_TYPE_AAAA, NULL },
	};
	const struct aa_answer *out[4];
	int64_t t0 = aa_monotonic_ms(), dt;
	size_t i;

	cr_assert_eq(aa_dns_query_many(d, q, 4, out), AA_OK);
	dt = aa_monotonic_ms() - t0;
	for (i = 0; i < 4; i++) {
		assert_rcode(out[i], AA_RCODE_TIMEOUT);
		cr_assert_str_eq(out[i]->qname, q[i].name);
	}
	cr_assert_lt(dt, 1000, "4 questions took %lld ms", (long long)dt);
	aa_dns_free(d);
	close(fd);
}

/*
 * No one listens on the port: on Linux the loopback answers the datagram
 * with ICMP port unreachable at once (loopback is exempt from ICMP rate
 * limits), the connected socket reports ECONNREFUSED, and the only server
 * is marked failed: NETERROR well before the timeout.  Where ICMP is
 * filtered the datagram is just lost and the answer is TIMEOUT; both are
 * temporary network failures, so either passes.
 */
Test(dns, live_unbound_port)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns *d;
	const struct aa_answer *a;
	int64_t t0, dt;

	close(fd);			/* now nothing is bound there */
	d = live_layer(port, 300);
	t0 = aa_monotonic_ms();
	a = th_query(d, "refused.example", AA_TYPE_A);
	dt = aa_monotonic_ms() - t0;
	cr_assert(a->rcode == AA_RCODE_NETERROR ||
	    a->rcode == AA_RCODE_TIMEOUT, "rcode %s", aa_rcode_str(a->rcode));
	cr_assert_eq(a->source, AA_SRC_LIVE);
	cr_assert(aa_rcode_temporary(a->rcode));
	cr_assert_lt(dt, 1000, "took %lld ms", (long long)dt);
	if (a->rcode == AA_RCODE_NETERROR)
		cr_log_info("unbound port: NETERROR after %lld ms",
		    (long long)dt);
	aa_dns_free(d);
}

/* Zones answer first: a held name never goes live, the rest does. */
Test(dns, overlay_zone_then_live)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns *d = live_layer(port, 300);
	const struct aa_answer *a;

	th_dns_load(d, "test.zone", zone_example);
	th_dns_load(d, "nosoa.zone", "known.example.org. A 192.0.2.7\n");
	a = th_query(d, "www.example.com", AA_TYPE_A);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	cr_assert_eq(a->nrr, 2);
	/* Under the SOA apex: NXDOMAIN from the zone, never live. */
	a = th_query(d, "nx.example.com", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NXDOMAIN);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	a = th_query(d, "known.example.org", AA_TYPE_A);
	cr_assert_eq(a->source, AA_SRC_ZONE);
	/* Not held by the file without SOA: the live server (silent). */
	a = th_query(d, "unknown.example.org", AA_TYPE_A);
	cr_assert_eq(a->source, AA_SRC_LIVE);
	assert_rcode(a, AA_RCODE_TIMEOUT);
	aa_dns_free(d);
	close(fd);
}

/* The audit's time cap: a live lookup gets what is left, then BUDGET. */
Test(dns, live_time_limit)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns_config cfg = { 0 };
	struct aa_dns *d;
	const struct aa_answer *a;
	char resolver[32];
	int64_t t0, dt;

	snprintf(resolver, sizeof(resolver), "127.0.0.1:%u", port);
	cfg.resolver = resolver;
	cfg.timeout_ms = 5000;
	cfg.time_limit_ms = 300;
	d = th_dns_new(&cfg);
	th_dns_load(d, "test.zone", zone_example);
	t0 = aa_monotonic_ms();
	a = th_query(d, "first.example", AA_TYPE_A);
	dt = aa_monotonic_ms() - t0;
	assert_rcode(a, AA_RCODE_TIMEOUT);
	cr_assert_lt(dt, 1000, "the 5 s timeout was not cut: %lld ms",
	    (long long)dt);
	cr_assert_not(aa_dns_budget_exceeded(d));
	while (aa_monotonic_ms() - t0 < 350)
		usleep(10000);
	a = th_query(d, "second.example", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_BUDGET);
	cr_assert_eq(a->source, AA_SRC_NONE);
	cr_assert(aa_dns_budget_exceeded(d));
	/* Zones still answer: the cap is on waiting for the network. */
	assert_rcode(th_query(d, "www.example.com", AA_TYPE_A),
	    AA_RCODE_NOERROR);
	aa_dns_free(d);
	close(fd);
}

/*
 * aa_dns_set_counted: an uncounted caller (libspf2's child) refused by
 * the time limit does not mark the budget exceeded, but the same cached
 * refusal handed to a counted caller does, by either entry point.
 */
Test(dns, uncounted_refusal_marks_budget_for_counted_caller)
{
	unsigned port;
	int fd = silent_server(&port);
	struct aa_dns_config cfg = { 0 };
	struct aa_question q = { "late.example", AA_TYPE_TXT, NULL };
	struct aa_dns *d;
	const struct aa_answer *a;
	char resolver[32];
	int64_t t0;

	snprintf(resolver, sizeof(resolver), "127.0.0.1:%u", port);
	cfg.resolver = resolver;
	cfg.time_limit_ms = 1;
	d = th_dns_new(&cfg);
	t0 = aa_monotonic_ms();
	while (aa_monotonic_ms() - t0 < 5)
		usleep(1000);
	cr_assert(aa_dns_set_counted(d, false));
	assert_rcode(th_query(d, "late.example", AA_TYPE_A), AA_RCODE_BUDGET);
	cr_assert_eq(aa_dns_query_many(d, &q, 1, &a), AA_OK);
	assert_rcode(a, AA_RCODE_BUDGET);
	cr_assert_not(aa_dns_budget_exceeded(d));
	cr_assert_not(aa_dns_set_counted(d, true));
	assert_rcode(th_query(d, "late.example", AA_TYPE_A), AA_RCODE_BUDGET);
	cr_assert(aa_dns_budget_exceeded(d));
	aa_dns_free(d);

	/* The same through aa_dns_query_many's cache. */
	d = th_dns_new(&cfg);
	t0 = aa_monotonic_ms();
	while (aa_monotonic_ms() - t0 < 5)
		usleep(1000);
	(void)aa_dns_set_counted(d, false);
	cr_assert_eq(aa_dns_query_many(d, &q, 1, &a), AA_OK);
	cr_assert_not(aa_dns_budget_exceeded(d));
	(void)aa_dns_set_counted(d, true);
	cr_assert_eq(aa_dns_query_many(d, &q, 1, &a), AA_OK);
	assert_rcode(a, AA_RCODE_BUDGET);
	cr_assert(aa_dns_budget_exceeded(d));
	aa_dns_free(d);
	close(fd);
}

/*
 * A fake server for the live path: a child process answering questions
 * from a table over UDP on 127.0.0.1, and staying silent on others.  It
 * dies with the test (PR_SET_PDEATHSIG) or after 20 s at most.
 */
struct fake_rrs {
	const char	*qname;		/* absolute */
	uint16_t	 qtype;
	uint8_t		 rcode;		/* LDNS_RCODE_* */
	const char	*rr[4];		/* the answer section */
};

static void
fake_answer(int fd, const struct fake_rrs *tab, size_t n)
{
	uint8_t buf[4096], *wire;
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t len = recvfrom(fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &fl);
	ldns_pkt *q = NULL, *r;
	ldns_rr *qr, *rr;
	size_t i, k, wl;
	char *qn;

	if (len <= 0 || ldns_wire2pkt(&q, buf, (size_t)len) != LDNS_STATUS_OK)
		return;
	qr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	qn = ldns_rdf2str(ldns_rr_owner(qr));
	for (i = 0; i < n; i++)
		if (strcasecmp(tab[i].qname, qn) == 0 &&
		    tab[i].qtype == ldns_rr_get_type(qr))
			break;
	free(qn);
	if (i == n) {
		ldns_pkt_free(q);
		return;
	}
	r = ldns_pkt_new();
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, true);
	ldns_pkt_set_ra(r, true);
	ldns_pkt_set_rcode(r, tab[i].rcode);
	ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(qr));
	for (k = 0; k < 4 && tab[i].rr[k] != NULL; k++) {
		rr = NULL;
		if (ldns_rr_new_frm_str(&rr, tab[i].rr[k], 0, NULL, NULL) ==
		    LDNS_STATUS_OK)
			ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr);
	}
	if (ldns_pkt2wire(&wire, r, &wl) == LDNS_STATUS_OK) {
		sendto(fd, wire, wl, 0, (struct sockaddr *)&from, fl);
		free(wire);
	}
	ldns_pkt_free(r);
	ldns_pkt_free(q);
}

static pid_t
fake_server(const struct fake_rrs *tab, size_t n, unsigned *port)
{
	int fd = silent_server(port);
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(20);
		for (;;)
			fake_answer(fd, tab, n);
	}
	close(fd);
	return pid;
}

static void
fake_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static const struct fake_rrs live_tab[] = {
	{ "www.live.example.", AA_TYPE_A, LDNS_RCODE_NOERROR, {
	    "www.live.example. 300 IN A 192.0.2.1",
	    "www.live.example. 300 IN A 192.0.2.2" } },
	{ "txt.live.example.", AA_TYPE_TXT, LDNS_RCODE_NOERROR, {
	    "txt.live.example. 60 IN TXT \"a\\000b\" \"c\"" } },
	{ "nx.live.example.", AA_TYPE_A, LDNS_RCODE_NXDOMAIN, { NULL } },
	/* RFC 6604: NXDOMAIN is the rcode of the chain's last name. */
	{ "cn.live.example.", AA_TYPE_A, LDNS_RCODE_NXDOMAIN, {
	    "cn.live.example. 300 IN CNAME gone.live.example." } },
	{ "x.live.example.", AA_TYPE_A, LDNS_RCODE_NOERROR, {
	    "x.live.example. 300 IN CNAME y.live.example.",
	    "y.live.example. 300 IN A 192.0.2.7" } },
	/* The same record later, its TTL counted down. */
	{ "y.live.example.", AA_TYPE_A, LDNS_RCODE_NOERROR, {
	    "y.live.example. 299 IN A 192.0.2.7" } },
	{ "sf.live.example.", AA_TYPE_TXT, LDNS_RCODE_SERVFAIL, { NULL } },
	{ "nd.live.example.", AA_TYPE_MX, LDNS_RCODE_NOERROR, { NULL } },
	{ "rf.live.example.", AA_TYPE_A, LDNS_RCODE_REFUSED, { NULL } },
};
static const struct aa_question live_q[] = {
	{ "www.live.example", AA_TYPE_A, NULL },
	{ "txt.live.example", AA_TYPE_TXT, NULL },
	{ "nx.live.example", AA_TYPE_A, NULL },
	{ "cn.live.example", AA_TYPE_A, NULL },
	{ "x.live.example", AA_TYPE_A, NULL },
	{ "y.live.example", AA_TYPE_A, NULL },
	{ "sf.live.example", AA_TYPE_TXT, NULL },
	{ "nd.live.example", AA_TYPE_MX, NULL },
	{ "rf.live.example", AA_TYPE_A, NULL },
	{ "silent.live.example", AA_TYPE_A, NULL },
};
#define NLIVE_Q	(sizeof(live_q) / sizeof(live_q[0]))

Test(dns, live_answers)
{
	unsigned port;
	pid_t pid = fake_server(live_tab, sizeof(live_tab) /
	    sizeof(live_tab[0]), &port);
	struct aa_dns *d = live_layer(port, 500);
	const struct aa_answer *out[NLIVE_Q], *a;
	char origin[32];

	snprintf(origin, sizeof(origin), "127.0.0.1:%u", port);
	cr_assert_eq(aa_dns_query_many(d, live_q, NLIVE_Q, out), AA_OK);
	a = out[0];
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->source, AA_SRC_LIVE);
	assert_origin(a, origin);
	cr_assert_eq(a->nrr, 2);
	cr_assert_str_eq(a->rr[1].data, "192.0.2.2");
	cr_assert_null(a->rr[0].file);
	cr_assert_eq(a->rr[0].line, 0);
	a = out[1];
	cr_assert_eq(a->nrr, 1);
	cr_assert_eq(a->rr[0].ntxt, 2);
	cr_assert_eq(a->rr[0].joined.len, 4);
	cr_assert_eq(memcmp(a->rr[0].joined.data, "a\0bc", 5), 0);
	cr_assert_str_eq(a->rr[0].data, "\"a\\000b\" \"c\"");
	cr_assert_eq(a->rr[0].ttl, 60);
	assert_rcode(out[2], AA_RCODE_NXDOMAIN);
	assert_rcode(out[3], AA_RCODE_NXDOMAIN);
	cr_assert_eq(out[3]->ncname, 1);
	cr_assert_str_eq(out[3]->cname_chain[0], "gone.live.example");
	assert_rcode(out[4], AA_RCODE_NOERROR);
	cr_assert_eq(out[4]->ncname, 1);
	cr_assert_eq(out[4]->nrr, 1);
	cr_assert_str_eq(out[4]->rr[0].owner, "y.live.example");
	cr_assert_eq(out[5]->rr[0].ttl, 299);
	assert_rcode(out[6], AA_RCODE_SERVFAIL);
	assert_rcode(out[7], AA_RCODE_NOERROR);
	cr_assert_eq(out[7]->nrr, 0);
	assert_rcode(out[8], AA_RCODE_REFUSED);
	assert_rcode(out[9], AA_RCODE_TIMEOUT);
	cr_assert_eq(aa_dns_log_count(d), NLIVE_Q);
	cr_assert_eq(th_log_find(d, "nx.live.example", AA_TYPE_A)->source,
	    AA_SRC_LIVE);
	aa_dns_free(d);
	fake_stop(pid);
}

/* A live audit saved with --save-zone replays offline to its answers. */
Test(dns, live_save_zone_round_trip)
{
	unsigned port;
	pid_t pid = fake_server(live_tab, sizeof(live_tab) /
	    sizeof(live_tab[0]), &port);
	struct aa_dns *d = live_layer(port, 500), *e;
	const struct aa_answer *before[NLIVE_Q], *after[NLIVE_Q];
	char path[] = "/tmp/aa-test-dns-XXXXXX", err[512] = "";
	int fd;
	size_t i;

	cr_assert_eq(aa_dns_query_many(d, live_q, NLIVE_Q, before), AA_OK);
	fake_stop(pid);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(aa_dns_save_zone(d, path, err, sizeof(err)), AA_OK,
	    "%s", err);
	e = th_dns_new(&(struct aa_dns_config){ .offline = true });
	cr_assert_eq(aa_dns_load_zone(e, path, err, sizeof(err)), AA_OK, "%s",
	    err);
	cr_assert_eq(aa_dns_query_many(e, live_q, NLIVE_Q, after), AA_OK);
	/* TTLs are those first seen: a record is saved once. */
	for (i = 0; i < NLIVE_Q; i++)
		assert_same_answer_ttl(before[i], after[i], i != 5);
	cr_assert_eq(after[5]->rr[0].ttl, 300);
	for (i = 0; i < NLIVE_Q; i++)
		cr_assert_eq(after[i]->source, AA_SRC_ZONE, "%s",
		    after[i]->qname);
	aa_dns_free(e);
	aa_dns_free(d);
	unlink(path);
}

/*
 * A reply to q over the wire: id, the question (or the same question for
 * another name), an A record when addr is set, TC when tc.
 */
static uint8_t *
tc_reply(const ldns_pkt *q, uint16_t id, bool other_name, const char *addr,
    bool tc, size_t *len)
{
	ldns_pkt *r = ldns_pkt_new();
	ldns_rr *qr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0));
	ldns_rr *rr = NULL;
	uint8_t *wire = NULL;
	char line[300], *owner;

	if (other_name) {
		ldns_rdf_deep_free(ldns_rr_owner(qr));
		ldns_rr_set_owner(qr, ldns_dname_new_frm_str("other.tc.example."));
	}
	ldns_pkt_set_id(r, id);
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, true);
	ldns_pkt_set_ra(r, true);
	ldns_pkt_set_tc(r, tc);
	ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, qr);
	if (addr != NULL) {
		owner = ldns_rdf2str(ldns_rr_owner(qr));
		snprintf(line, sizeof(line), "%s 300 IN A %s", owner, addr);
		free(owner);
		if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) ==
		    LDNS_STATUS_OK)
			ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr);
	}
	if (ldns_pkt2wire(&wire, r, len) != LDNS_STATUS_OK)
		wire = NULL;
	ldns_pkt_free(r);
	return wire;
}

static void
tc_send(int fd, uint8_t *wire, size_t len)
{
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	if (wire == NULL)
		return;
	(void)!write(fd, hdr, 2);
	(void)!write(fd, wire, len);
	free(wire);
}

static bool
read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		if ((n = read(fd, buf + done, len - done)) <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/*
 * One TCP connection: two replies that answer something else (another
 * id, another name; both with the poison 192.0.2.66), then the right
 * one (192.0.2.7) for good.tc.example; for any other name nothing more
 * until the client hangs up.
 */
static void
tc_serve_tcp(int fd)
{
	uint8_t buf[4096], *wire;
	ldns_pkt *q = NULL;
	size_t len, wl = 0;
	char *qn;

	if (!read_full(fd, buf, 2) || (len = (size_t)buf[0] << 8 | buf[1]) >
	    sizeof(buf) || !read_full(fd, buf, len) ||
	    ldns_wire2pkt(&q, buf, len) != LDNS_STATUS_OK)
		return;
	/* wl is set by tc_reply: not both in one argument list. */
	wire = tc_reply(q, ldns_pkt_id(q) ^ 0x5555, false, "192.0.2.66", false,
	    &wl);
	tc_send(fd, wire, wl);
	wire = tc_reply(q, ldns_pkt_id(q), true, "192.0.2.66", false, &wl);
	tc_send(fd, wire, wl);
	qn = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(q),
	    0)));
	if (strcmp(qn, "good.tc.example.") == 0) {
		wire = tc_reply(q, ldns_pkt_id(q), false, "192.0.2.7", false,
		    &wl);
		tc_send(fd, wire, wl);
	} else
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	free(qn);
	ldns_pkt_free(q);
}

/* UDP: every answer truncated and empty (RFC 7766: ask again by TCP). */
static void
tc_serve_udp(int fd)
{
	uint8_t buf[4096], *wire;
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
	    &fl);
	ldns_pkt *q = NULL;
	size_t wl;

	if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	if ((wire = tc_reply(q, ldns_pkt_id(q), false, NULL, true, &wl)) !=
	    NULL) {
		sendto(fd, wire, wl, 0, (struct sockaddr *)&from, fl);
		free(wire);
	}
	ldns_pkt_free(q);
}

/* The truncating server in a child process, UDP and TCP on one port. */
static pid_t
tc_server(unsigned *port)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(sin);
	int u = -1, t = -1, tries, c;
	pid_t pid;

	for (tries = 0; tries < 50 && u < 0; tries++) {
		t = socket(AF_INET, SOCK_STREAM, 0);
		cr_assert_geq(t, 0);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = 0;
		cr_assert_eq(bind(t, (struct sockaddr *)&sin, sizeof(sin)), 0);
		cr_assert_eq(getsockname(t, (struct sockaddr *)&sin, &len), 0);
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (bind(u, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
			close(u);
			close(t);
			u = -1;
		}
	}
	cr_assert_geq(u, 0, "no port free for both UDP and TCP");
	cr_assert_eq(listen(t, 8), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct pollfd pf[2] = { { u, POLLIN, 0 }, { t, POLLIN, 0 } };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(20);
		for (;;) {
			if (poll(pf, 2, -1) <= 0)
				continue;
			if (pf[0].revents & POLLIN)
				tc_serve_udp(u);
			if ((pf[1].revents & POLLIN) &&
			    (c = accept(t, NULL, NULL)) >= 0) {
				tc_serve_tcp(c);
				close(c);
			}
		}
	}
	close(u);
	close(t);
	return pid;
}

/*
 * RFC 7766 7 and RFC 5452: over TCP too, a reply that answers another
 * id or another question is skipped; the right one after it counts, and
 * the poison in the others is never taken.  Without a right one the
 * question times out (it is not a network error: the server talks).
 */
Test(dns, live_tcp_skips_replies_to_other_questions)
{
	unsigned port;
	pid_t pid = tc_server(&port);
	struct aa_dns *d = live_layer(port, 600);
	const struct aa_answer *a;
	int64_t t0;

	a = th_query(d, "good.tc.example", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_NOERROR);
	cr_assert_eq(a->nrr, 1);
	cr_assert_str_eq(a->rr[0].data, "192.0.2.7");
	t0 = aa_monotonic_ms();
	a = th_query(d, "hold.tc.example", AA_TYPE_A);
	assert_rcode(a, AA_RCODE_TIMEOUT);
	cr_assert_eq(a->nrr, 0);
	cr_assert_geq(aa_monotonic_ms() - t0, 500);
	cr_assert_lt(aa_monotonic_ms() - t0, 1500);
	aa_dns_free(d);
	fake_stop(pid);
}

Test(dns, bad_resolver_is_einval)
{
	struct aa_dns_config cfg = { 0 };
	struct aa_dns *d = NULL;
	char err[256] = "";

	cfg.resolver = "not-an-address";
	cr_assert_eq(aa_dns_new(&cfg, &d, err, sizeof(err)), AA_EINVAL);
	cr_assert_null(d);
	cr_assert_not_null(strstr(err, "not-an-address"), "%s", err);
	cfg.resolver = "127.0.0.1:99999";
	cr_assert_eq(aa_dns_new(&cfg, &d, err, sizeof(err)), AA_EINVAL);
	/* Checked even offline: a bad --resolver is a usage error. */
	cfg.offline = true;
	cr_assert_eq(aa_dns_new(&cfg, &d, err, sizeof(err)), AA_EINVAL);
	cr_assert_null(d);
	cfg.resolver = "[::1]:5353";
	cr_assert_eq(aa_dns_new(&cfg, &d, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_not_null(d);
	aa_dns_free(d);
}

/*
 * Junk from a fixed-seed generator: valid lines of the format mixed with
 * lines of its own tokens in random order (quotes, escapes, parentheses,
 * comments, pragmas, directives).  Every text either loads or fails with
 * "name:line: reason", and a loaded one answers with a valid rcode.
 * Never a crash (this runs under ASan too).
 */
static unsigned
next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static size_t
junk_line(unsigned *seed, char *out, size_t room)
{
	static const char *const tok[] = { "a", "b.example.", "@", "*",
		"IN", "TXT", "A", "MX", "CNAME", "SOA", "10", "192.0.2.1",
		"\"", "\"x\"", "\\", "\\000", "\\\"", "(", ")", ";", ";!",
		"nodata", "timeout", "nxdomain", "$ORIGIN", "$TTL", "$INCLUDE",
		"\t", "\xff", "..", "-1", "99999999999" };
	size_t len = 0, n = 1 + next_rand(seed) % 8, k, tl;
	const char *t;

	for (k = 0; k < n; k++) {
		t = tok[next_rand(seed) % (sizeof(tok) / sizeof(tok[0]))];
		tl = strlen(t);
		if (len + tl + 2 >= room)
			break;
		memcpy(out + len, t, tl);
		len += tl;
		out[len++] = ' ';
	}
	return len;
}

Test(dns, junk_zone_text_fails_cleanly)
{
	static const char *const good[] = { "$ORIGIN b.example.",
		"@ IN TXT \"v=spf1 -all\"", "www IN CNAME @",
		"; a comment", ";! timeout slow", "mx IN MX 10 mail.b.example.",
		"c IN TXT \"a\\000b\" \"\\\"q\\\"\"", "$TTL 60",
		"* IN A 192.0.2.9", ";! nodata empty AAAA", "" };
	unsigned seed = 12345, i, k, nlines, loaded = 0, refused = 0;
	char text[1024], err[256];
	size_t len, gl;

	for (i = 0; i < 3000; i++) {
		struct aa_dns *d = th_dns_new(&(struct aa_dns_config){
		    .offline = true });
		const struct aa_answer *a;
		enum aa_status st;
		bool junk = next_rand(&seed) % 2;

		len = 0;
		nlines = 1 + next_rand(&seed) % 8;
		for (k = 0; k < nlines; k++) {
			const char *g = good[next_rand(&seed) %
			    (sizeof(good) / sizeof(good[0]))];

			gl = strlen(g);
			if (junk && next_rand(&seed) % 3 == 0)
				len += junk_line(&seed, text + len,
				    sizeof(text) - len - 1);
			else if (len + gl + 1 < sizeof(text)) {
				memcpy(text + len, g, gl);
				len += gl;
			}
			text[len++] = '\n';
		}
		err[0] = '\0';
		st = aa_dns_load_zone_text(d, "junk.zone", text, len, err,
		    sizeof(err));
		cr_assert(st == AA_OK || st == AA_EPARSE,
		    "status %d for <%.*s>", st, (int)len, text);
		if (st != AA_OK) {
			refused++;
			cr_assert(strncmp(err, "junk.zone", 9) == 0,
			    "error without a place: '%s'", err);
		} else {
			loaded++;
			cr_assert(aa_dns_query(d, "www.b.example", AA_TYPE_TXT,
			    &a) == AA_OK);
			cr_assert(a->rcode <= AA_RCODE_BUDGET);
		}
		aa_dns_free(d);
	}
	/* The generator must reach both outcomes, or it tests nothing. */
	cr_assert(loaded > 300 && refused > 300, "loaded %u, refused %u",
	    loaded, refused);
}
