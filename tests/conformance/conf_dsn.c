/*
 * conf_dsn.c: the spike of the message-input issue.  Every message of
 * $CONFORMANCE/dkim/INDEX.json is wrapped in an RFC 3464 DSN twice: as
 * message/rfc822 (the whole message) and as text/rfc822-headers (its
 * header only), with the message's own line endings.  The bounce reader
 * must hand back the original bytes, byte for byte (DKIM hashes what was
 * sent: RFC 6376 3.4, 5.3), and DKIM must give the same result on the
 * returned message as on the bare one; on the headers only, a result
 * that says the body could not be checked instead of pass.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aa_dkim.h"
#include "aa_dns.h"
#include "aa_input.h"
#include "aa_msg.h"
#include "aa_report.h"
#include "common.h"

#define CORPUS_NOW	1735689600	/* as conf_dkim.c: 2025-01-01 */
#define BOUNDARY	"=_aa_dsn_spike_7f3c9e1d0b"


/*
 * A DSN as Postfix writes one, the returned part holding len octets at
 * p.  The line ending before the close delimiter belongs to it (RFC 2046
 * 5.1.1), so the part is exactly p.
 */
static char *
wrap(const uint8_t *p, size_t len, bool headers, const char *nl,
    size_t *outlen)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, outlen);

	fprintf(f, "Return-Path: <>%sFrom: MAILER-DAEMON@mta.example "
	    "(Mail Delivery System)%sTo: sender@example.com%s"
	    "Subject: Undelivered Mail Returned to Sender%s"
	    "MIME-Version: 1.0%sContent-Type: multipart/report; "
	    "report-type=delivery-status;%s\tboundary=\"%s\"%s%s",
	    nl, nl, nl, nl, nl, nl, BOUNDARY, nl, nl);
	fprintf(f, "--%s%sContent-Type: text/plain%s%sThis is the mail "
	    "system at host mta.example.%s%s", BOUNDARY, nl, nl, nl, nl, nl);
	fprintf(f, "--%s%sContent-Type: message/delivery-status%s%s"
	    "Reporting-MTA: dns; mta.example%sX-Postfix-Sender: rfc822; "
	    "sender@example.com%s%sFinal-Recipient: rfc822; "
	    "rcpt@example.net%sAction: failed%sStatus: 5.7.26%s"
	    "Diagnostic-Code: smtp; 550 5.7.26 test%s%s", BOUNDARY, nl, nl,
	    nl, nl, nl, nl, nl, nl, nl, nl, nl);
	fprintf(f, "--%s%sContent-Type: %s%s%s", BOUNDARY, nl, headers ?
	    "text/rfc822-headers" : "message/rfc822", nl, nl);
	fwrite(p, 1, len, f);
	fprintf(f, "%s--%s--%s", nl, BOUNDARY, nl);
	fclose(f);
	return out;
}

/* Our DKIM results, "r1,r2,..." or "none". */
static void
dkim_results(struct aa_dns *dns, const struct aa_msg *m, bool headers,
    char *buf, size_t len)
{
	struct aa_dkim_params params = { .now = CORPUS_NOW };
	struct aa_report *rep = aa_report_new("message");

	params.headers_only = headers;
	(void)aa_dkim_verify(dns, rep, m, &params);
	conf_dkim_results(rep, buf, len);
	aa_report_free(rep);
}

/*
 * design.md 3a on headers only: a signature that passes bare is neutral
 * (the body hash cannot be checked, which is not a failure); one that
 * fails bare fails still when its header hash fails, else is neutral;
 * permerror, temperror and none come before the body and stay.
 */
static bool
headers_only_agrees(const char *bare, const char *hdr)
{
	size_t bl, hl;

	for (;;) {
		bl = strcspn(bare, ",");
		hl = strcspn(hdr, ",");
		if (bl == 4 && strncmp(bare, "pass", 4) == 0) {
			if (hl != 7 || strncmp(hdr, "neutral", 7) != 0)
				return false;
		} else if (bl == 4 && strncmp(bare, "fail", 4) == 0) {
			if ((hl != 4 || strncmp(hdr, "fail", 4) != 0) &&
			    (hl != 7 || strncmp(hdr, "neutral", 7) != 0))
				return false;
		} else if (bl != hl || strncmp(bare, hdr, bl) != 0)
			return false;
		if (bare[bl] == '\0' || hdr[hl] == '\0')
			return bare[bl] == hdr[hl];
		bare += bl + 1;
		hdr += hl + 1;
	}
}

/*
 * Wrap, read back through the whole input stage, and compare.  Returns
 * NULL on success, else what went wrong.  got gets the DKIM results.
 */
static const char *
one(const struct aa_msg *bare, bool headers, struct aa_dns *dns,
    const char *want, char *got, size_t gotlen)
{
	struct aa_msg_input mi;
	struct aa_report *rep;
	struct aa_msg *top = NULL;
	const uint8_t *p, *q;
	const char *why = NULL;
	char *w, err[256];
	size_t len, wlen, qlen;

	p = aa_msg_bytes(bare, &len);
	if (headers)
		len = aa_msg_body_offset(bare);
	w = wrap(p, len, headers, aa_msg_eol(bare) == AA_EOL_LF ? "\n" :
	    "\r\n", &wlen);
	memset(&mi, 0, sizeof(mi));
	rep = aa_report_new("message");
	if (aa_msg_parse((const uint8_t *)w, wlen, NULL, &top, err,
	    sizeof(err)) != AA_OK)
		why = "the DSN does not parse";
	else if (aa_msg_input_analyze(rep, top, &mi, err, sizeof(err)) !=
	    AA_OK || !mi.is_bounce)
		why = "not read as a bounce";
	else if (mi.msg == NULL)
		why = "no returned message";
	else if (mi.headers_only != headers)
		why = "headers_only is wrong";
	else {
		q = aa_msg_bytes(mi.msg, &qlen);
		if (qlen != len || memcmp(p, q, len) != 0)
			why = "the returned bytes differ";
		else if (!headers) {
			dkim_results(dns, mi.msg, false, got, gotlen);
			if (strcmp(got, want) != 0)
				why = "the DKIM results differ";
		} else {
			dkim_results(dns, mi.msg, true, got, gotlen);
			if (!headers_only_agrees(want, got))
				why = "the headers-only DKIM results are wrong";
		}
	}
	aa_msg_input_free(&mi);
	aa_msg_free(top);
	aa_report_free(rep);
	free(w);
	return why;
}

int
main(void)
{
	const char *dir = getenv("CONFORMANCE"), *file, *why;
	size_t i, k, passed = 0, failed = 0;
	char path[1024], want[256], got[256];
	struct aa_dns *dns;
	struct aa_msg *bare;
	json_t *index, *e;
	json_error_t jerr;

	if (dir == NULL)
		dir = "testdata/conformance";
	snprintf(path, sizeof(path), "%s/dkim/INDEX.json", dir);
	if ((index = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		return 1;
	}
	json_array_foreach(index, i, e) {
		file = json_string_value(json_object_get(e, "file"));
		bare = conf_read_msg(dir, file);
		dns = conf_dns_for(json_object_get(e, "dns"), file);
		for (k = 0; k < 2; k++) {
			why = "the bare message does not read";
			got[0] = '\0';
			if (bare != NULL && dns != NULL) {
				dkim_results(dns, bare, false, want,
				    sizeof(want));
				why = one(bare, k == 1, dns, want, got,
				    sizeof(got));
			}
			if (why == NULL) {
				passed++;
				continue;
			}
			failed++;
			printf("  FAILED: %s (%s): %s%s%s%s%s\n", file, k == 1 ?
			    "text/rfc822-headers" : "message/rfc822", why,
			    got[0] != '\0' ? ": bare " : "",
			    got[0] != '\0' ? want : "",
			    got[0] != '\0' ? ", returned " : "", got);
		}
		aa_msg_free(bare);
		aa_dns_free(dns);
	}
	json_decref(index);
	printf("DSN-wrapped DKIM corpus: %zu passed, %zu failed\n", passed,
	    failed);
	return failed == 0 ? 0 : 1;
}
