/*
 * test_input.c: bounce and input reading (src/msg_mime.c, msg_dsn.c,
 * msg_bounce.c, msg_addr.c, msg_received.c, msg_input.c): the realistic
 * bounces under testdata/msgs, each reader on its own, input recovery
 * (design.md 3a), and hostile input generated here (garbage, cut MIME,
 * deep nesting, 100 MiB, 10,000 header fields): bounded, never a crash.
 */
#define _GNU_SOURCE		/* fopencookie */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>

#include "aa_input.h"
#include "aa_msg.h"
#include "aa_render.h"
#include "aa_report.h"
#include "helpers.h"

#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

#define MIB	(1024u * 1024)

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	cr_assert_gt(n, 0);
	rewind(fp);
	buf = malloc((size_t)n);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
read_dsn(const char *name, struct aa_dsn *d, uint8_t **buf, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/msgs/%s", TESTDATA, name);
	*buf = slurp(path, len);
	cr_assert_eq(aa_dsn_read(*buf, *len, d), AA_OK);
}

static bool
contains(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return true;
	return false;
}

/* Analyse a message held in memory; the caller frees all three. */
static struct aa_report *
analyze(const void *p, size_t n, struct aa_msg **top,
    struct aa_msg_input *mi, struct aa_dns *dns)
{
	struct aa_report *rep = aa_report_new("message");
	char err[256] = "";
	enum aa_status st;

	st = aa_msg_parse(p, n, NULL, top, err, sizeof(err));
	cr_assert_eq(st, AA_OK, "aa_msg_parse: %s", err);
	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	memset(mi, 0, sizeof(*mi));
	mi->dns = dns;
	st = aa_msg_input_analyze(rep, *top, mi, err, sizeof(err));
	cr_assert_eq(st, AA_OK, "aa_msg_input_analyze: %s", err);
	return rep;
}

static struct aa_report *
analyze_file(const char *name, struct aa_msg **top, struct aa_msg_input *mi,
    struct aa_dns *dns)
{
	char path[512];
	struct aa_report *rep;
	uint8_t *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/msgs/%s", TESTDATA, name);
	buf = slurp(path, &len);
	rep = analyze(buf, len, top, mi, dns);
	free(buf);
	return rep;
}

static size_t
count_finding(const struct aa_report *rep, enum aa_code code)
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

/* ---- the realistic bounces ---- */

Test(bounce, gmail_5_7_26_dsn)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;
	const struct aa_dsn_rcpt *r;

	read_dsn("bounce-gmail-5.7.26.eml", &d, &buf, &len);
	cr_assert(d.is_bounce);
	cr_assert_str_eq(d.kind, "dsn");
	cr_assert_str_eq(d.reporting_mta, "web1.example.com");
	cr_assert_str_eq(d.sender, "test@example.com");
	cr_assert_eq(d.rcpts.n, 1);
	r = &d.rcpts.v[0];
	cr_assert_str_eq(r->recipient, "somebody@gmail.com");
	cr_assert_str_eq(r->action, "failed");
	cr_assert_str_eq(r->status, "5.7.26");
	cr_assert_eq(r->code, 550);
	cr_assert_str_eq(r->remote_mta, "gmail-smtp-in.l.google.com");
	cr_assert_str_eq(r->provider, "gmail");
	cr_assert_str_eq(r->diagnostic, "550 5.7.26 This mail has been "
	    "blocked because the sender is unauthenticated. Gmail requires "
	    "all senders to authenticate with either SPF or DKIM. "
	    "Authentication results: DKIM = did not pass SPF [example.com] "
	    "with ip: [203.0.113.77] = did not pass For instructions on "
	    "setting up authentication, go to https://support.google.com/"
	    "mail/answer/81126#authentication 5614622812f47-3c0b2e1a9f1si"
	    "3378716b6e.88 - gsmtp");
	cr_assert_eq(d.returned, AA_RETURNED_MESSAGE);
	/* A slice of the input, starting at the returned DKIM-Signature. */
	cr_assert(d.returned_sliced);
	cr_assert_eq(d.returned_bytes, buf + d.returned_offset);
	cr_assert_eq(memcmp(d.returned_bytes, "DKIM-Signature:", 15), 0);
	cr_assert(contains(d.returned_bytes, d.returned_len,
	    "extra line\r\n"));
	cr_assert_not(contains(d.returned_bytes, d.returned_len, "--4Xk2"));
	aa_dsn_free(&d);
	free(buf);
}

Test(bounce, postfix_headers_two_recipients)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;

	read_dsn("bounce-postfix-headers.eml", &d, &buf, &len);
	cr_assert(d.is_bounce);
	cr_assert_eq(d.rcpts.n, 2);
	cr_assert_str_eq(d.rcpts.v[0].recipient, "someone@contoso.com");
	cr_assert_str_eq(d.rcpts.v[0].status, "5.7.509");
	cr_assert_str_eq(d.rcpts.v[0].provider, "microsoft365");
	cr_assert_eq(d.rcpts.v[1].code, 554);
	cr_assert_str_eq(d.rcpts.v[1].status, "5.7.9");
	cr_assert_str_eq(d.rcpts.v[1].provider, "yahoo");
	cr_assert_str_eq(d.rcpts.v[1].diagnostic, "554 5.7.9 Message not "
	    "accepted for policy reasons. See https://postmaster.yahooinc.com/"
	    "error-codes");
	cr_assert_eq(d.returned, AA_RETURNED_HEADERS);
	cr_assert(contains(d.returned_bytes, d.returned_len,
	    "Subject: Testing\r\n"));
	cr_assert_not(contains(d.returned_bytes, d.returned_len,
	    "This is a test message."));
	aa_dsn_free(&d);
	free(buf);
}

Test(bounce, exim_plain_text)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;

	read_dsn("bounce-exim-plain.eml", &d, &buf, &len);
	cr_assert(d.is_bounce);
	cr_assert_str_eq(d.kind, "exim");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].recipient, "friend@yahoo.com");
	cr_assert_str_eq(d.rcpts.v[0].remote_mta, "mta5.am0.yahoodns.net");
	cr_assert_str_eq(d.rcpts.v[0].status, "5.7.9");
	cr_assert_str_eq(d.rcpts.v[0].provider, "yahoo");
	cr_assert_eq(d.returned, AA_RETURNED_MESSAGE);
	cr_assert(d.returned_sliced);
	cr_assert_eq(memcmp(d.returned_bytes, "Return-path: <test@", 19), 0);
	/* The copy runs to the end of the file: its body is all there. */
	cr_assert_eq(d.returned_offset + d.returned_len, len);
	aa_dsn_free(&d);
	free(buf);
}

Test(bounce, m365_ndr)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;

	read_dsn("bounce-m365-ndr.eml", &d, &buf, &len);
	cr_assert(d.is_bounce);
	cr_assert_str_eq(d.reporting_mta,
	    "am9pr03mb7825.eurprd03.prod.outlook.com");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].status, "5.7.26");
	cr_assert_str_eq(d.rcpts.v[0].provider, "gmail");
	cr_assert_eq(d.returned, AA_RETURNED_HEADERS);
	aa_dsn_free(&d);
	free(buf);
}

Test(bounce, yahoo_plain_text)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;

	read_dsn("bounce-yahoo-plain.eml", &d, &buf, &len);
	cr_assert(d.is_bounce);
	cr_assert_str_eq(d.kind, "yahoo");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].recipient, "info@example.org");
	cr_assert_str_eq(d.rcpts.v[0].diagnostic, "550 5.7.1 "
	    "<info@example.org>: Recipient address rejected: Access denied");
	cr_assert_str_eq(d.rcpts.v[0].provider, "postfix");
	cr_assert_eq(d.returned, AA_RETURNED_MESSAGE);
	cr_assert_eq(memcmp(d.returned_bytes, "DKIM-Signature:", 15), 0);
	aa_dsn_free(&d);
	free(buf);
}

Test(bounce, delivered_copy_is_not_a_bounce)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len;

	read_dsn("msg-delivered.eml", &d, &buf, &len);
	cr_assert_not(d.is_bounce);
	cr_assert_eq(d.rcpts.n, 0);
	cr_assert_eq(d.returned, AA_RETURNED_NONE);
	aa_dsn_free(&d);
	free(buf);
}

/* A person quoting a bounce has not sent one: the header says who wrote it. */
Test(bounce, quoted_bounce_text_is_not_a_bounce)
{
	static const char m[] = "From: Alice <alice@example.com>\r\n"
	    "Subject: why did this bounce?\r\n\r\nI got this:\r\n\r\n"
	    "This is the mail system at host mx.example.com.\r\n\r\n"
	    "<bob@example.org>: host mx.example.org[192.0.2.9] said: 550 "
	    "5.1.1 User unknown (in reply to RCPT TO command)\r\n";
	static const char b[] = "From: MAILER-DAEMON@mx.example.com (Mail "
	    "Delivery System)\r\nSubject: Undelivered Mail\r\n\r\n"
	    "This is the mail system at host mx.example.com.\r\n\r\n"
	    "<bob@example.org>: host mx.example.org[192.0.2.9] said: 550 "
	    "5.1.1 User unknown (in reply to RCPT TO command)\r\n";
	struct aa_dsn d;

	cr_assert_eq(aa_dsn_read((const uint8_t *)m, sizeof(m) - 1, &d),
	    AA_OK);
	cr_assert_not(d.is_bounce);
	aa_dsn_free(&d);
	cr_assert_eq(aa_dsn_read((const uint8_t *)b, sizeof(b) - 1, &d),
	    AA_OK);
	cr_assert(d.is_bounce);
	cr_assert_str_eq(d.kind, "postfix");
	cr_assert_str_eq(d.rcpts.v[0].remote_mta, "mx.example.org");
	cr_assert_str_eq(d.rcpts.v[0].diagnostic, "550 5.1.1 User unknown");
	aa_dsn_free(&d);
}

/* Gmail's own DSN fields carry comments after the values. */
Test(bounce, dsn_field_comments)
{
	static const uint8_t ds[] = "Reporting-MTA: dns; googlemail.com\r\n"
	    "\r\nFinal-Recipient: rfc822; user@example.org\r\nAction: "
	    "failed (permanent)\r\nStatus: 5.1.1 (bad mailbox)\r\n"
	    "Remote-MTA: dns; mx.example.org. (192.0.2.9, the server for\r\n"
	    " the domain example.org.)\r\nDiagnostic-Code: smtp; 550 5.1.1 "
	    "<user@example.org>: User unknown\r\n";
	struct aa_dsn d;

	memset(&d, 0, sizeof(d));
	d.arena = aa_arena_new();
	cr_assert_eq(aa_dsn_fields(&d, ds, sizeof(ds) - 1), 1);
	cr_assert_str_eq(d.reporting_mta, "googlemail.com");
	cr_assert_str_eq(d.rcpts.v[0].action, "failed");
	cr_assert_str_eq(d.rcpts.v[0].status, "5.1.1");
	cr_assert_str_eq(d.rcpts.v[0].remote_mta, "mx.example.org");
	cr_assert_eq(d.rcpts.v[0].code, 550);
	aa_dsn_free(&d);
}

/*
 * Golden JSON of the extracted input: testdata/msgs/NAME.input.json is
 * the "input" object of the report for NAME.eml, as this stage alone
 * fills it (class stays null: the bounce-classes stage sets it), with
 * testdata/zones/msg-example.zone as DNS.
 */
struct golden_case {
	char	name[64];
};

ParameterizedTestParameters(golden, input)
{
	static struct golden_case cases[] = {
		{ "bounce-gmail-5.7.26" }, { "bounce-postfix-headers" },
		{ "bounce-exim-plain" }, { "bounce-m365-ndr" },
		{ "bounce-yahoo-plain" }, { "msg-delivered" },
		{ "msg-multiple-from" }, { "msg-no-from" },
	};

	return cr_make_param_array(struct golden_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct golden_case *c, golden, input)
{
	struct aa_dns_config cfg = { .offline = true };
	struct aa_render_opts opts = { false, 0, false, 0 };
	struct aa_dns *dns = th_dns_new(&cfg);
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep;
	json_t *got, *want;
	json_error_t jerr;
	char path[256], err[256], *out = NULL;
	size_t outlen;
	FILE *f;

	cr_assert_eq(aa_dns_load_zone(dns, TESTDATA
	    "/zones/msg-example.zone", err, sizeof(err)), AA_OK, "%s", err);
	snprintf(path, sizeof(path), "%s.eml", c->name);
	rep = analyze_file(path, &top, &mi, dns);
	f = open_memstream(&out, &outlen);
	aa_render_json(f, rep, &opts);
	fclose(f);
	got = json_loads(out, 0, &jerr);
	cr_assert_not_null(got, "%s", jerr.text);
	snprintf(path, sizeof(path), "%s/msgs/%s.input.json", TESTDATA,
	    c->name);
	want = json_load_file(path, 0, &jerr);
	cr_assert_not_null(want, "%s: %s", path, jerr.text);
	cr_assert(json_equal(json_object_get(got, "input"), want),
	    "%s: input differs from the golden file: %s", c->name, out);
	json_decref(got);
	json_decref(want);
	free(out);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	aa_dns_free(dns);
}

/* ---- plain-text recognisers on their own ---- */

static struct aa_dsn
scan(const char *text)
{
	struct aa_dsn d;

	memset(&d, 0, sizeof(d));
	d.arena = aa_arena_new();
	cr_assert(aa_bounce_text_scan(&d, (const uint8_t *)text,
	    strlen(text)), "not recognised: %s", text);
	return d;
}

Test(text, gmail_as_author)
{
	struct aa_dsn d = scan("** Message blocked **\n\nYour message "
	    "wasn't delivered to user@example.org because the remote server "
	    "refused it.\n\nThe response from the remote server was:\n"
	    "550 5.7.1 Email rejected per DMARC policy for example.com\n\n"
	    "Learn more.\n");

	cr_assert_str_eq(d.kind, "gmail");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].recipient, "user@example.org");
	cr_assert_str_eq(d.rcpts.v[0].diagnostic, "550 5.7.1 Email rejected "
	    "per DMARC policy for example.com");
	aa_dsn_free(&d);
}

Test(text, microsoft_text_part)
{
	struct aa_dsn d = scan("Diagnostic information for administrators:"
	    "\r\n\r\nGenerating server: BN8PR12MB3456.namprd12.prod."
	    "outlook.com\r\n\r\nuser@outlook.com\r\nRemote Server returned "
	    "'550 5.7.515 Access denied, sending domain example.com does not "
	    "meet the required authentication level.'\r\n\r\nOriginal "
	    "message headers:\r\n\r\nFrom: a@example.com\r\nTo: "
	    "user@outlook.com\r\n");

	cr_assert_str_eq(d.kind, "microsoft");
	cr_assert_str_eq(d.reporting_mta,
	    "bn8pr12mb3456.namprd12.prod.outlook.com");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].recipient, "user@outlook.com");
	cr_assert_str_eq(d.rcpts.v[0].status, "5.7.515");
	cr_assert_str_eq(d.rcpts.v[0].provider, "outlook");
	cr_assert_eq(d.returned, AA_RETURNED_HEADERS);
	cr_assert_eq(memcmp(d.returned_bytes, "From: a@", 8), 0);
	aa_dsn_free(&d);
}

Test(text, postfix_local_error)
{
	struct aa_dsn d = scan("This is the mail system at host mx.example."
	    "\n\n<a@nowhere.example>: Host or domain name not found. Name "
	    "service error for\n    name=nowhere.example type=AAAA: Host "
	    "not found\n");

	cr_assert_str_eq(d.kind, "postfix");
	cr_assert_str_eq(d.reporting_mta, "mx.example");
	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].provider, "postfix");
	cr_assert_eq(d.rcpts.v[0].code, 0);
	cr_assert_null(d.rcpts.v[0].remote_mta);
	aa_dsn_free(&d);
}

Test(text, exim_cut_copy_is_headers_only)
{
	struct aa_dsn d = scan("This message was created automatically by "
	    "mail delivery software.\n\nThe following address(es) failed:\n"
	    "\n  x@example.net\n    host mx.example.net [192.0.2.9]: 550 "
	    "5.7.1 rejected\n\n------ This is a copy of the message, "
	    "including all the headers. ------\n------ The body of the "
	    "message is 9000000 characters long; only the first\n------ "
	    "106496 or so are included here.\n\nFrom: a@example.com\n\n"
	    "body\n");

	cr_assert_eq(d.rcpts.n, 1);
	cr_assert_str_eq(d.rcpts.v[0].remote_mta, "mx.example.net");
	cr_assert_str_eq(d.rcpts.v[0].diagnostic, "550 5.7.1 rejected");
	cr_assert_eq(d.returned, AA_RETURNED_HEADERS);
	cr_assert_eq(memcmp(d.returned_bytes, "From: a@", 8), 0);
	aa_dsn_free(&d);
}

Test(text, ordinary_text_is_not_a_bounce)
{
	static const char t[] = "Hello,\n\nthe meeting is at 10.\n";
	struct aa_dsn d;

	memset(&d, 0, sizeof(d));
	d.arena = aa_arena_new();
	cr_assert_not(aa_bounce_text_scan(&d, (const uint8_t *)t,
	    sizeof(t) - 1));
	aa_dsn_free(&d);
}

/* ---- replies ---- */

struct reply_case {
	char	in[200];
	int	code;
	char	status[16];
	char	out[200];
};

ParameterizedTestParameters(reply, parse)
{
	static struct reply_case cases[] = {
		{ "smtp; 550-5.7.1 first 550-5.7.1 second 550 5.7.1 third",
		    550, "5.7.1", "550 5.7.1 first second third" },
		{ "550-Mailbox full\n550 try later", 550, "",
		    "550 Mailbox full try later" },
		{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily "
		    "deferred", 421, "4.7.0", "421 4.7.0 [TSS04] Messages "
		    "from 192.0.2.1 temporarily deferred" },
		{ "X-Postfix; Host or domain name not found", 0, "",
		    "Host or domain name not found" },
		{ "smtp;554 Transaction failed", 554, "",
		    "554 Transaction failed" },
		{ "  550\t5.7.26\r\n   text\x01with\x7f" "controls", 550,
		    "5.7.26", "550 5.7.26 text with controls" },
		{ "550 5.7.26.1 not an enhanced code", 550, "",
		    "550 5.7.26.1 not an enhanced code" },
	};

	return cr_make_param_array(struct reply_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct reply_case *c, reply, parse)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_dsn_rcpt r;

	memset(&r, 0, sizeof(r));
	aa_dsn_reply(a, &r, c->in, strlen(c->in));
	cr_assert_eq(r.code, c->code, "%s: code %d", c->in, r.code);
	if (c->status[0] != '\0')
		cr_assert_str_eq(r.status, c->status);
	else
		cr_assert_null(r.status, "%s: status %s", c->in, r.status);
	cr_assert_str_eq(r.diagnostic, c->out);
	aa_arena_free(a);
}

Test(reply, invalid_utf8_becomes_replacement)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_dsn_rcpt r;

	memset(&r, 0, sizeof(r));
	aa_dsn_reply(a, &r, "550 bad \xff\xfe end",
	    strlen("550 bad \xff\xfe end"));
	cr_assert_str_eq(r.diagnostic, "550 bad \xEF\xBF\xBD\xEF\xBF\xBD end");
	aa_arena_free(a);
}

/*
 * Found by fuzz_dsn: each invalid octet becomes U+FFFD (3 octets), so a
 * reply at the cap grew to three times AA_DSN_MAX_REPLY.  The kept reply
 * stays within the cap, cut at a character boundary; with or without a
 * reply code.
 */
Test(reply, junk_stays_within_cap)
{
	static char junk[AA_DSN_MAX_REPLY + 9];
	struct aa_arena *a = aa_arena_new();
	struct aa_dsn_rcpt r;
	size_t n, pre;

	for (pre = 0; pre <= 4; pre += 4) {
		memset(junk, 0xff, sizeof(junk));
		if (pre > 0)
			memcpy(junk, "550 ", 4);
		memset(&r, 0, sizeof(r));
		aa_dsn_reply(a, &r, junk, sizeof(junk));
		cr_assert_not_null(r.diagnostic);
		n = strlen(r.diagnostic);
		cr_assert_leq(n, AA_DSN_MAX_REPLY, "%zu octets", n);
		cr_assert_gt(n, AA_DSN_MAX_REPLY - 3, "%zu octets", n);
		/* Whole U+FFFD characters only. */
		cr_assert_str_eq(r.diagnostic + n - 3, "\xEF\xBF\xBD");
	}
	aa_arena_free(a);
}

struct ip_case {
	char	in[160];
	char	ip[48];
};

ParameterizedTestParameters(reply, ip)
{
	static struct ip_case cases[] = {
		{ "DKIM = did not pass SPF [example.com] with ip: "
		    "[203.0.113.5] = did not pass", "203.0.113.5" },
		{ "SPF example.com with ip [198.51.100.20] = FAILURE",
		    "198.51.100.20" },
		{ "550-5.7.1 [203.0.113.9      12] Our system has detected",
		    "203.0.113.9" },
		{ "550 5.7.25 [IPv6:2001:DB8::1] no PTR", "2001:db8::1" },
		{ "Client host [192.0.2.77] blocked using zen", "192.0.2.77" },
		{ "550 5.7.509 Access denied [AM4PEPF00027A5F.eurprd04]", "" },
		{ "[deadbeef] [cafe::zz] none here", "" },
		{ "with ip: 999.1.1.1 [bad]", "" },
		/* A full stop after the address is the sentence's. */
		{ "rejected, with ip 192.0.2.44. Please", "192.0.2.44" },
		{ "[1111111111111111111111111111111111111111111111111111111111"
		    "1111111111]", "" },
	};

	return cr_make_param_array(struct ip_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ip_case *c, reply, ip)
{
	char ip[64] = "";
	bool found = aa_reply_ip(c->in, ip, sizeof(ip));

	cr_assert_eq(found, c->ip[0] != '\0', "%s: got %s", c->in, ip);
	if (found)
		cr_assert_str_eq(ip, c->ip);
}

struct prov_case {
	char	reply[120];
	char	mta[64];
	char	want[16];
};

ParameterizedTestParameters(reply, provider)
{
	static struct prov_case cases[] = {
		{ "", "gmail-smtp-in.l.google.com", "gmail" },
		{ "550 5.7.26 blocked - gsmtp", "", "gmail" },
		{ "", "mta7.am0.yahoodns.net", "yahoo" },
		{ "", "hotmail-com.olc.protection.outlook.com", "outlook" },
		{ "", "contoso-com.mail.protection.outlook.com",
		    "microsoft365" },
		{ "550 5.7.515 Access denied", "", "outlook" },
		{ "", "mx01.mail.icloud.com", "icloud" },
		{ "554 5.7.1 [HME1] blocked", "", "icloud" },
		{ "554 5.7.1 <a@b>: Relay access denied", "", "postfix" },
		{ "550 Unrouteable address", "", "exim" },
		{ "550 5.7.1 rejected", "notgoogle.com", "" },
		{ "550 5.7.1 rejected", "mx.example.org", "" },
	};

	return cr_make_param_array(struct prov_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct prov_case *c, reply, provider)
{
	const char *p = aa_reply_provider(c->reply[0] ? c->reply : NULL,
	    c->mta[0] ? c->mta : NULL);

	if (c->want[0] == '\0')
		cr_assert_null(p, "%s %s: %s", c->reply, c->mta, p);
	else
		cr_assert_str_eq(p, c->want, "%s %s", c->reply, c->mta);
}

/* ---- Received ---- */

struct rcvd_case {
	char	in[220];
	char	ip[48];
	char	helo[64];
};

ParameterizedTestParameters(received, parse)
{
	static struct rcvd_case cases[] = {
		{ "from mail.example.com (mx1.example.com [192.0.2.25])\r\n\t"
		    "by mx.example.org (Postfix) with ESMTPS id X",
		    "192.0.2.25", "mail.example.com" },
		{ "from mail-sor-f41.google.com (mail-sor-f41.google.com. "
		    "[209.85.220.41]) by mx.google.com with SMTPS id x",
		    "209.85.220.41", "mail-sor-f41.google.com" },
		{ "from host.example.net ([198.51.100.7] helo=Laptop.Example.)"
		    " by smtp.example.org with esmtp (Exim 4.96)",
		    "198.51.100.7", "laptop.example" },
		{ "from [192.0.2.200] (helo=laptop.example.com) by "
		    "smtp.example.org with esmtpsa", "192.0.2.200",
		    "laptop.example.com" },
		{ "from EUR05-DB8-obe.outbound.protection.outlook.com "
		    "(2a01:111:f403:2e0b::700) by mx.example.org with ESMTPS",
		    "2a01:111:f403:2e0b::700",
		    "eur05-db8-obe.outbound.protection.outlook.com" },
		{ "from x.example (unknown [IPv6:2001:db8::25]) by y", 
		    "2001:db8::25", "x.example" },
		{ "from helo.example (rdns.example [192.0.2.1]:51234) by y",
		    "192.0.2.1", "helo.example" },
		{ "by mail.example.com (Postfix) id 4Xk2; Fri, 27 Nov 2026",
		    "", "" },
		{ "from localhost by y (helo 1.2.3) id 5", "", "localhost" },
		{ "from bad (comment [by 192.0.2.1]) by z", "192.0.2.1",
		    "bad" },
		/* Found by fuzzing: junk is no HELO name (RFC 5321 4.1.1.1). */
		{ "from \xff\xc3\xc3%\x01ev. ([192.0.2.9]) by y", "192.0.2.9",
		    "" },
		{ "from a\x7f.example by y", "", "" },
	};

	return cr_make_param_array(struct rcvd_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

/* A name longer than 255 octets (RFC 5321 4.5.3.1.2) is not cut short. */
Test(received, long_helo_is_unknown)
{
	char in[400], ip[64], helo[256];

	memset(in, 'a', sizeof(in));
	memcpy(in, "from ", 5);
	in[300] = '.';
	memcpy(in + 301, " by y", 6);
	cr_assert_not(aa_received_parse(in, ip, sizeof(ip), helo,
	    sizeof(helo)));
	cr_assert_str_eq(helo, "");
}

ParameterizedTest(struct rcvd_case *c, received, parse)
{
	char ip[64], helo[256];
	bool found = aa_received_parse(c->in, ip, sizeof(ip), helo,
	    sizeof(helo));

	cr_assert_eq(found, c->ip[0] != '\0', "%s: got %s", c->in, ip);
	cr_assert_str_eq(ip, c->ip, "%s", c->in);
	cr_assert_str_eq(helo, c->helo, "%s", c->in);
}

struct priv_case {
	char	ip[48];
	bool	private_;
};

ParameterizedTestParameters(received, private_ranges)
{
	static struct priv_case cases[] = {
		{ "10.1.2.3", true }, { "127.0.0.1", true },
		{ "172.16.0.1", true }, { "172.31.255.255", true },
		{ "172.32.0.1", false }, { "192.168.1.1", true },
		{ "169.254.3.4", true }, { "100.64.0.1", true },
		{ "100.128.0.1", false }, { "0.0.0.0", true },
		{ "192.0.2.25", false }, { "203.0.113.77", false },
		{ "::1", true }, { "::", true }, { "fe80::1", true },
		{ "fd00::5", true }, { "2001:db8::1", false },
		{ "::ffff:10.0.0.1", true }, { "::ffff:192.0.2.1", false },
		{ "not-an-ip", false },
	};

	return cr_make_param_array(struct priv_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct priv_case *c, received, private_ranges)
{
	cr_assert_eq(aa_ip_is_private(c->ip), c->private_, "%s", c->ip);
}

/* ---- addresses ---- */

struct addr_case {
	char	in[160];
	size_t	n;
	char	first[64];
	char	second[64];
};

ParameterizedTestParameters(addr, list)
{
	static struct addr_case cases[] = {
		{ "Test User <test@example.com>", 1, "test@example.com", "" },
		{ "\"Doe, Jane\" <jane@example.com>, bob@example.net", 2,
		    "jane@example.com", "bob@example.net" },
		{ "jane@example.com (Jane, \"the\" (nested) boss)", 1,
		    "jane@example.com", "" },
		{ "Team: a@example.com, b@example.org;", 2, "a@example.com",
		    "b@example.org" },
		{ "Undisclosed recipients:;", 0, "", "" },
		{ "<@relay.example:user@example.com>", 1, "user@example.com",
		    "" },
		{ "=?utf-8?q?J=C3=B6rg?= <joerg@example.de>", 1,
		    "joerg@example.de", "" },
		{ "\"a@b\" <real@example.com>", 1, "real@example.com", "" },
		{ "john . doe @ example . com", 1, "john.doe@example.com", "" },
		{ "no address here", 0, "", "" },
		{ "<>", 0, "", "" },
		{ "\"unterminated <x@y>", 1, "\"unterminated <x@y>\"", "" },
	};

	return cr_make_param_array(struct addr_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct addr_case *c, addr, list)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_strvec v = { NULL, 0, 0 };
	size_t n = aa_addr_list(a, c->in, strlen(c->in), &v);

	cr_assert_eq(n, c->n, "%s: %zu addresses", c->in, n);
	cr_assert_eq(v.n, c->n);
	if (n > 0)
		cr_assert_str_eq(v.v[0], c->first, "%s", c->in);
	if (n > 1)
		cr_assert_str_eq(v.v[1], c->second, "%s", c->in);
	aa_arena_free(a);
}

Test(addr, decode_header_for_display)
{
	struct aa_arena *a = aa_arena_new();

	cr_assert_str_eq(aa_mime_decode_header(a,
	    "=?utf-8?q?J=C3=B6rg?= <j@example.de>"), "J\xC3\xB6rg <j@example.de>");
	cr_assert_str_eq(aa_mime_decode_header(a, "plain"), "plain");
	aa_arena_free(a);
}

/* ---- input recovery (design.md 3a) ---- */

Test(recovery, gmail_bounce)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("bounce-gmail-5.7.26.eml", &top,
	    &mi, NULL);
	const struct aa_input *in = rep->input;
	const uint8_t *p;
	size_t n;

	cr_assert(mi.is_bounce);
	cr_assert_not(mi.headers_only);
	cr_assert_not_null(mi.msg);
	cr_assert_neq(mi.msg, top);
	p = aa_msg_bytes(mi.msg, &n);
	cr_assert_eq(memcmp(p, "DKIM-Signature:", 15), 0);
	cr_assert_str_eq(in->ip, "203.0.113.77");
	cr_assert_str_eq(in->sources.ip, "dsn-diagnostic");
	/* Never from the returned copy's Received fields. */
	cr_assert_null(in->helo);
	cr_assert_str_eq(in->mail_from, "test@example.com");
	cr_assert_str_eq(in->sources.mail_from, "dsn-sender");
	cr_assert_str_eq(in->from_domain, "example.com");
	cr_assert_not_null(in->bounce);
	cr_assert_str_eq(in->bounce->returned, "message");
	cr_assert_str_eq(in->bounce->recipients.v[0].provider, "gmail");
	cr_assert(in->bounce->recipients.v[0].code.set);
	cr_assert_eq(in->bounce->recipients.v[0].code.v, 550);
	cr_assert_null(in->bounce->recipients.v[0].class_);
	cr_assert_eq(count_finding(rep, AA_F_INPUT_IP_UNKNOWN), 0);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, bounce_never_uses_returned_received)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("bounce-yahoo-plain.eml", &top,
	    &mi, NULL);

	/* The returned copy says "from 127.0.0.1"; no reply names an IP. */
	cr_assert_null(rep->input->ip);
	cr_assert_eq(count_finding(rep, AA_F_INPUT_IP_UNKNOWN), 1);
	cr_assert_eq(finding(rep, AA_F_INPUT_IP_UNKNOWN)->severity,
	    AA_SEV_WARNING);
	/* No X-Postfix-Sender: the bounce's own recipient. */
	cr_assert_str_eq(rep->input->mail_from, "test@example.com");
	cr_assert_str_eq(rep->input->sources.mail_from, "dsn-sender");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, reporting_mta_guess_by_dns)
{
	struct aa_dns *dns = th_dns_from_zone("$ORIGIN example.com.\n"
	    "mx1 300 IN A 192.0.2.25\n", true);
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("bounce-postfix-headers.eml",
	    &top, &mi, dns);

	cr_assert(mi.headers_only);
	cr_assert_not_null(mi.msg);
	cr_assert_str_eq(rep->input->ip, "192.0.2.25");
	cr_assert_str_eq(rep->input->sources.ip, "dsn-reporting-mta");
	cr_assert_eq(finding(rep, AA_F_INPUT_IP_UNKNOWN)->severity,
	    AA_SEV_INFO, "a guess is labelled");
	cr_assert_not_null(th_log_find(dns, "mx1.example.com", AA_TYPE_A));
	cr_assert_eq(rep->input->bounce->recipients.n, 2);
	cr_assert_str_eq(rep->input->bounce->returned, "headers");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	aa_dns_free(dns);
}

Test(recovery, reporting_mta_guess_from_bounce_received)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("bounce-m365-ndr.eml", &top,
	    &mi, NULL);

	cr_assert_str_eq(rep->input->ip, "2603:10a6:20b:3d2::17");
	cr_assert_str_eq(rep->input->sources.ip, "dsn-reporting-mta");
	cr_assert(mi.headers_only);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, delivered_copy_skips_private_hops)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("msg-delivered.eml", &top, &mi,
	    NULL);
	const struct aa_input *in = rep->input;

	cr_assert_not(mi.is_bounce);
	cr_assert_eq(mi.msg, top);
	cr_assert_str_eq(in->ip, "192.0.2.25");
	cr_assert_str_eq(in->helo, "mail.example.com");
	cr_assert_str_eq(in->sources.ip, "received");
	cr_assert_str_eq(in->sources.helo, "received");
	cr_assert_str_eq(in->mail_from, "bounces+t1@example.com");
	cr_assert_str_eq(in->sources.mail_from, "return-path");
	cr_assert_null(in->bounce);
	cr_assert_eq(rep->findings.n, 0);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, options_win)
{
	struct aa_report *rep = aa_report_new("message");
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	char path[256], err[256];
	uint8_t *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/msgs/msg-delivered.eml", TESTDATA);
	buf = slurp(path, &len);
	cr_assert_eq(aa_msg_parse(buf, len, NULL, &top, err, sizeof(err)),
	    AA_OK);
	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->ip = "198.51.100.9";
	rep->input->sources.ip = "option";
	rep->input->mail_from = "";
	rep->input->sources.mail_from = "option";
	memset(&mi, 0, sizeof(mi));
	cr_assert_eq(aa_msg_input_analyze(rep, top, &mi, err, sizeof(err)),
	    AA_OK);
	cr_assert_str_eq(rep->input->ip, "198.51.100.9");
	cr_assert_str_eq(rep->input->sources.ip, "option");
	/* No Received field names 198.51.100.9: no HELO from another hop. */
	cr_assert_null(rep->input->helo);
	cr_assert_str_eq(rep->input->mail_from, "");
	cr_assert_str_eq(rep->input->sources.mail_from, "option");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	free(buf);
}

Test(recovery, null_return_path)
{
	static const char m[] = "Return-Path: <>\r\nReceived: from a.example "
	    "(a.example [192.0.2.3]) by b.example\r\nFrom: x@example.com\r\n"
	    "\r\nbody\r\n";
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze(m, sizeof(m) - 1, &top, &mi, NULL);

	cr_assert_str_eq(rep->input->mail_from, "");
	cr_assert_str_eq(rep->input->sources.mail_from, "return-path");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, no_public_received_gives_ip_unknown)
{
	static const char m[] = "Received: from localhost (localhost "
	    "[127.0.0.1]) by b.example\r\nReceived: from x (y [10.0.0.1]) by "
	    "z\r\nFrom: x@example.com\r\n\r\nbody\r\n";
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze(m, sizeof(m) - 1, &top, &mi, NULL);

	cr_assert_null(rep->input->ip);
	cr_assert_eq(count_finding(rep, AA_F_INPUT_IP_UNKNOWN), 1);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, authors)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze_file("msg-multiple-from.eml", &top,
	    &mi, NULL);

	cr_assert_eq(count_finding(rep, AA_F_MSG_MULTIPLE_FROM), 1);
	cr_assert_str_eq(rep->input->from_domain, "example.com");
	cr_assert_eq(rep->input->from_domains.n, 2);
	cr_assert_str_eq(rep->input->from_domains.v[1],
	    "xn--bcher-kva.example");
	cr_assert_str_eq(finding(rep, AA_F_MSG_MULTIPLE_FROM)->subject,
	    "example.com");
	cr_assert(strstr(finding(rep, AA_F_MSG_MULTIPLE_FROM)->message,
	    "J\xC3\xB6rg <joerg@") != NULL, "decoded for the reader: %s",
	    finding(rep, AA_F_MSG_MULTIPLE_FROM)->message);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);

	rep = analyze_file("msg-no-from.eml", &top, &mi, NULL);
	cr_assert_eq(count_finding(rep, AA_F_MSG_NO_FROM), 1);
	cr_assert_null(rep->input->from_domain);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

Test(recovery, two_from_fields)
{
	static const char m[] = "From: a@example.com\r\nFrom: b@EXAMPLE.com"
	    "\r\n\r\nbody\r\n";
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze(m, sizeof(m) - 1, &top, &mi, NULL);

	cr_assert_eq(count_finding(rep, AA_F_MSG_MULTIPLE_FROM), 1);
	cr_assert_eq(rep->input->from_domains.n, 1, "lower case, deduplicated");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

/* ---- Authentication-Results, evidence only ---- */

Test(authres, parse)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_authres ar;

	cr_assert(aa_authres_parse(a, "mx.google.com;\r\n       dkim=pass "
	    "header.i=@example.com header.s=s1 header.b=abc;\r\n       "
	    "spf=softfail (google.com: domain of transitioning "
	    "a@example.com does not designate 203.0.113.5 as permitted "
	    "sender; x=y) smtp.mailfrom=A@Example.com;\r\n       "
	    "dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from="
	    "example.com", &ar));
	cr_assert_str_eq(ar.authserv_id, "mx.google.com");
	cr_assert_str_eq(ar.dkim, "pass");
	cr_assert_null(ar.dkim_domain);
	cr_assert_str_eq(ar.spf, "softfail");
	cr_assert_str_eq(ar.spf_mailfrom, "a@example.com");
	cr_assert_str_eq(ar.dmarc, "fail");
	cr_assert_str_eq(ar.dmarc_from, "example.com");
	cr_assert(aa_authres_parse(a, "example.org 1; dkim/1=fail "
	    "header.d=example.com; none", &ar));
	cr_assert_str_eq(ar.authserv_id, "example.org");
	cr_assert_str_eq(ar.dkim, "fail");
	cr_assert_str_eq(ar.dkim_domain, "example.com");
	cr_assert_null(ar.spf);
	/* CVE-2020-12272's shape: a comment must not hide a semicolon. */
	cr_assert(aa_authres_parse(a, "mx.example; spf=pass (a;b \"c\" "
	    "(nested; x)) smtp.mailfrom=x@example.net", &ar));
	cr_assert_str_eq(ar.spf, "pass");
	cr_assert_str_eq(ar.spf_mailfrom, "x@example.net");
	cr_assert_not(aa_authres_parse(a, "", &ar));
	cr_assert_not(aa_authres_parse(a, "  ;dkim=pass", &ar));
	aa_arena_free(a);
}

Test(authres, topmost_of_delivered_copy_only)
{
	static const char m[] = "Authentication-Results: mx.example.org; "
	    "spf=pass smtp.mailfrom=b@example.com\r\n"
	    "Authentication-Results: forged.example; dkim=pass\r\n"
	    "From: a@example.com\r\n\r\nbody\r\n";
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep = analyze(m, sizeof(m) - 1, &top, &mi, NULL);

	cr_assert_not_null(mi.authres);
	cr_assert_str_eq(mi.authres->authserv_id, "mx.example.org");
	cr_assert_str_eq(mi.authres->spf, "pass");
	cr_assert_null(mi.authres->dkim);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	rep = analyze_file("bounce-gmail-5.7.26.eml", &top, &mi, NULL);
	cr_assert_null(mi.authres, "never from a returned copy");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
}

/* ---- hostile input: bounded, never a crash ---- */

/* xorshift: the same "random" bytes on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

Test(hostile, garbage)
{
	uint8_t buf[4096];
	struct aa_dsn d;
	uint32_t s = 2463534242u;
	size_t i, round;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rnd(&s);
		cr_assert_eq(aa_dsn_read(buf, 1 + rnd(&s) % sizeof(buf), &d),
		    AA_OK);
		aa_dsn_free(&d);
	}
}

/* Text fields' parsers on junk biased to their syntax: bounded, sane. */
Test(hostile, field_parsers_garbage)
{
	static const char alpha[] = "[]()<>@:;,\" \\.=0123456789abcdefIPv6"
	    "from by helo=with ip\t\r\n\xff\xc3";
	struct aa_arena *a = aa_arena_new();
	struct aa_strvec addrs;
	struct aa_authres ar;
	uint8_t bin[16];
	char buf[600], ip[64], helo[256];
	uint32_t s = 88172645u;
	size_t i, j, n, round;

	for (round = 0; round < 2000; round++) {
		n = rnd(&s) % (sizeof(buf) - 1);
		for (i = 0; i < n; i++)
			buf[i] = rnd(&s) % 8 == 0 ? (char)(1 + rnd(&s) % 255) :
			    alpha[rnd(&s) % (sizeof(alpha) - 1)];
		buf[n] = '\0';
		if (aa_reply_ip(buf, ip, sizeof(ip)))
			cr_assert(inet_pton(AF_INET, ip, bin) == 1 ||
			    inet_pton(AF_INET6, ip, bin) == 1, "%s", ip);
		if (aa_received_parse(buf, ip, sizeof(ip), helo,
		    sizeof(helo)))
			cr_assert(inet_pton(AF_INET, ip, bin) == 1 ||
			    inet_pton(AF_INET6, ip, bin) == 1, "%s", ip);
		cr_assert_lt(strlen(helo), 256);
		memset(&addrs, 0, sizeof(addrs));
		(void)aa_addr_list(a, buf, n, &addrs);
		for (j = 0; j < addrs.n; j++)
			cr_assert_not_null(strchr(addrs.v[j], '@'));
		(void)aa_authres_parse(a, buf, &ar);
	}
	aa_arena_free(a);
}

/* Every prefix of a real bounce (cut MIME) reads, bounded. */
Test(hostile, truncated_mime)
{
	struct aa_dsn d;
	uint8_t *buf;
	size_t len, cut;

	read_dsn("bounce-gmail-5.7.26.eml", &d, &buf, &len);
	aa_dsn_free(&d);
	for (cut = 0; cut <= len; cut += 7) {
		cr_assert_eq(aa_dsn_read(buf, cut, &d), AA_OK);
		if (d.returned != AA_RETURNED_NONE)
			cr_assert_leq(d.returned_offset + d.returned_len, cut);
		aa_dsn_free(&d);
	}
	free(buf);
}

/* Cut inside the returned part: no close delimiter, part runs to the end. */
Test(hostile, returned_part_cut_short)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep;
	uint8_t *buf;
	size_t len;
	char path[256];

	snprintf(path, sizeof(path), "%s/msgs/bounce-gmail-5.7.26.eml",
	    TESTDATA);
	buf = slurp(path, &len);
	rep = analyze(buf, len - 60, &top, &mi, NULL);
	cr_assert(mi.is_bounce);
	cr_assert_not_null(mi.msg);
	cr_assert_str_eq(rep->input->bounce->returned, "message");
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	free(buf);
}

static char *
nested(size_t depth, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	size_t i;

	fprintf(f, "From: a@example.com\r\n");
	for (i = 0; i < depth; i++)
		fprintf(f, "Content-Type: multipart/mixed; boundary=\"b%zu\""
		    "\r\n\r\n--b%zu\r\n", i, i);
	fprintf(f, "Content-Type: message/delivery-status\r\n\r\n"
	    "Final-Recipient: rfc822; deep@example.net\r\n");
	fclose(f);
	return out;
}

Test(hostile, mime_depth_capped)
{
	struct aa_dsn d;
	size_t len;
	char *m = nested(5000, &len);

	cr_assert_eq(aa_dsn_read((const uint8_t *)m, len, &d), AA_OK);
	cr_assert_not_null(d.note);
	cr_assert(d.capped);
	cr_assert(strstr(d.note, "deeper") != NULL, "%s", d.note);
	cr_assert_leq(d.parts, AA_MIME_MAX_DEPTH + 1);
	aa_dsn_free(&d);
	free(m);
}

Test(hostile, mime_parts_capped)
{
	struct aa_dsn d;
	char *m = NULL;
	size_t len, i;
	FILE *f = open_memstream(&m, &len);

	fprintf(f, "Content-Type: multipart/report; report-type="
	    "delivery-status; boundary=B\r\n\r\n");
	for (i = 0; i < 20000; i++)
		fprintf(f, "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	fprintf(f, "--B--\r\n");
	fclose(f);
	cr_assert_eq(aa_dsn_read((const uint8_t *)m, len, &d), AA_OK);
	cr_assert_eq(d.parts, AA_MIME_MAX_PARTS + 1);
	cr_assert_not_null(d.note);
	aa_dsn_free(&d);
	free(m);
}

/* A cap reached while reading a bounce is a finding, not silence. */
Test(hostile, cap_reached_is_reported)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep;
	char *m = NULL;
	size_t len, i;
	FILE *f = open_memstream(&m, &len);

	fprintf(f, "From: MAILER-DAEMON@a.example\r\nContent-Type: "
	    "multipart/report; report-type=delivery-status; boundary=B\r\n"
	    "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n");
	for (i = 0; i < 1500; i++)
		fprintf(f, "Final-Recipient: rfc822; r%zu@example.net\r\n"
		    "Action: failed\r\n\r\n", i);
	fprintf(f, "--B--\r\n");
	fclose(f);
	rep = analyze(m, len, &top, &mi, NULL);
	cr_assert_eq(rep->input->bounce->recipients.n, AA_DSN_MAX_RECIPIENTS);
	cr_assert_eq(count_finding(rep, AA_F_MSG_TOO_LARGE), 1);
	cr_assert(strstr(finding(rep, AA_F_MSG_TOO_LARGE)->message,
	    "cap of 1000") != NULL, "%s",
	    finding(rep, AA_F_MSG_TOO_LARGE)->message);
	cr_assert_eq(finding(rep, AA_F_MSG_TOO_LARGE)->severity,
	    AA_SEV_WARNING);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	free(m);
}

Test(hostile, recipients_capped)
{
	struct aa_dsn d;
	char *m = NULL;
	size_t len, i;
	FILE *f = open_memstream(&m, &len);

	memset(&d, 0, sizeof(d));
	d.arena = aa_arena_new();
	fprintf(f, "Reporting-MTA: dns; a.example\r\n");
	for (i = 0; i < 3000; i++)
		fprintf(f, "\r\nFinal-Recipient: rfc822; r%zu@example.net\r\n"
		    "Action: failed\r\nStatus: 5.1.1\r\n", i);
	fclose(f);
	(void)aa_dsn_fields(&d, (const uint8_t *)m, len);
	cr_assert_eq(d.rcpts.n, AA_DSN_MAX_RECIPIENTS);
	cr_assert(d.rcpts_capped);
	aa_dsn_free(&d);
	free(m);
}

Test(hostile, long_diagnostic_bounded)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_dsn_rcpt r;
	size_t n = 1 * MIB;
	char *s = malloc(n);

	memset(s, 'x', n);
	memcpy(s, "550 5.7.1 ", 10);
	memset(&r, 0, sizeof(r));
	aa_dsn_reply(a, &r, s, n);
	cr_assert_leq(strlen(r.diagnostic), AA_DSN_MAX_REPLY + 16);
	cr_assert_eq(r.code, 550);
	free(s);
	aa_arena_free(a);
}

/* A stream of n octets of header-like lines, made on the fly. */
struct gen {
	size_t	 left;
	size_t	 pos;
};

static ssize_t
gen_read(void *cookie, char *buf, size_t size)
{
	static const char line[] = "X-Filler: 0123456789abcdef\r\n";
	struct gen *g = cookie;
	size_t i;

	if (size > g->left)
		size = g->left;
	for (i = 0; i < size; i++, g->pos++)
		buf[i] = line[g->pos % (sizeof(line) - 1)];
	g->left -= size;
	return (ssize_t)size;
}

Test(hostile, message_of_100_mib)
{
	cookie_io_functions_t io = { .read = gen_read };
	struct gen g = { 100 * MIB, 0 };
	struct aa_msg *m = NULL;
	char err[256] = "";
	FILE *fp = fopencookie(&g, "r", io);

	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, NULL, &m, err, sizeof(err)), AA_ELIMIT);
	cr_assert_null(m);
	cr_assert(strstr(err, "larger than") != NULL, "%s", err);
	/* Reading stopped at the cap: most of the stream was never read. */
	cr_assert_gt(g.left, 30 * MIB);
	fclose(fp);
}

Test(hostile, ten_thousand_fields)
{
	struct aa_msg *m = NULL;
	char err[256] = "", *buf = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len);

	for (i = 0; i < 10000; i++)
		fprintf(f, "X-H%zu: v\r\n", i);
	fprintf(f, "From: a@example.com\r\n\r\nbody\r\n");
	fclose(f);
	cr_assert_eq(aa_msg_parse((const uint8_t *)buf, len, NULL, &m, err,
	    sizeof(err)), AA_ELIMIT);
	cr_assert(strstr(err, "header fields") != NULL, "%s", err);
	free(buf);
}

/* A bounce whose returned copy is over the caps: msg-too-large, no copy. */
Test(hostile, returned_copy_over_caps)
{
	struct aa_msg_input mi;
	struct aa_msg *top = NULL;
	struct aa_report *rep;
	char *buf = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len);

	fprintf(f, "From: MAILER-DAEMON@a.example\r\nTo: s@example.com\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=B\r\n\r\n--B\r\nContent-Type: message/delivery-status"
	    "\r\n\r\nReporting-MTA: dns; a.example\r\n\r\nFinal-Recipient: "
	    "rfc822; r@example.net\r\nAction: failed\r\nStatus: 5.7.26\r\n"
	    "\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n");
	for (i = 0; i < 10000; i++)
		fprintf(f, "X-H%zu: v\r\n", i);
	fprintf(f, "From: a@example.com\r\n\r\nbody\r\n--B--\r\n");
	fclose(f);
	rep = analyze(buf, len, &top, &mi, NULL);
	cr_assert(mi.is_bounce);
	cr_assert_null(mi.msg);
	cr_assert_null(rep->input->bounce->returned);
	cr_assert_eq(count_finding(rep, AA_F_MSG_TOO_LARGE), 1);
	cr_assert_eq(rep->input->bounce->recipients.n, 1);
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	free(buf);
}

/* NUL octets and 8-bit junk in every field of a DSN. */
Test(hostile, nul_and_8bit_in_dsn_fields)
{
	static const uint8_t ds[] = "Reporting-MTA: dns; a\0b.example\r\n\r\n"
	    "Final-Recipient: rfc822; x\xff@example.net\r\nAction: FAILED\0\r\n"
	    "Status: 5.\0007.1\r\nDiagnostic-Code: smtp; 550 \x1b[31mred\r\n";
	struct aa_dsn d;

	memset(&d, 0, sizeof(d));
	d.arena = aa_arena_new();
	cr_assert_eq(aa_dsn_fields(&d, ds, sizeof(ds) - 1), 1);
	cr_assert_str_eq(d.rcpts.v[0].recipient,
	    "x\xEF\xBF\xBD@example.net");
	cr_assert_null(d.rcpts.v[0].status);
	cr_assert_str_eq(d.rcpts.v[0].diagnostic, "550 [31mred");
	cr_assert_null(strchr(d.rcpts.v[0].diagnostic, '\x1b'));
	aa_dsn_free(&d);
}
