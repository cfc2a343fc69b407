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

#define CORPUS_NOW	1735689600	/* as conf_dkim.c: 2025-01-01 */
#define BOUNDARY	"=_aa_dsn_spike_7f3c9e1d0b"

/* Append s as a zone-file quoted string, any octet kept (\DDD). */
static void
put_quoted(FILE *z, const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	fputc('"', z);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(z, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(z, "\\%03u", c);
		else
			fputc(c, z);
	}
	fputc('"', z);
}

static void
put_txt(FILE *z, const char *name, json_t *v)
{
	json_t *strs = json_object_get(v, "txt_strings"), *s;
	const char *txt;
	size_t i, len, l;

	fprintf(z, "%s. 300 IN TXT", name);
	if (json_is_array(strs)) {
		json_array_foreach(strs, i, s) {
			fputc(' ', z);
			put_quoted(z, json_string_value(s),
			    json_string_length(s));
		}
		fputc('\n', z);
		return;
	}
	txt = json_string_value(json_object_get(v, "txt"));
	len = json_string_length(json_object_get(v, "txt"));
	if (strcmp(txt, "\"\"") == 0)
		len = 0;
	if (len == 0)
		fputs(" \"\"", z);
	for (i = 0; i < len; i += l) {
		l = len - i > 255 ? 255 : len - i;
		fputc(' ', z);
		put_quoted(z, txt + i, l);
	}
	fputc('\n', z);
}

static struct aa_dns *
dns_for(json_t *dns, const char *file)
{
	struct aa_dns_config cfg = { .offline = true };
	struct aa_dns *d;
	const char *name, *e;
	char *text = NULL, err[512];
	size_t len = 0;
	json_t *v;
	FILE *z;

	if (aa_dns_new(&cfg, &d, err, sizeof(err)) != AA_OK)
		return NULL;
	z = open_memstream(&text, &len);
	json_object_foreach(dns, name, v) {
		e = json_string_value(json_object_get(v, "error"));
		if (e == NULL)
			put_txt(z, name, v);
		else if (strcmp(e, "NXDOMAIN") == 0)
			fprintf(z, ";! nxdomain %s.\n", name);
		else if (strcmp(e, "TIMEOUT") == 0)
			fprintf(z, ";! timeout %s.\n", name);
		else
			fprintf(z, ";! servfail %s.\n", name);
	}
	fclose(z);
	if (aa_dns_load_zone_text(d, file, text, len, err, sizeof(err)) !=
	    AA_OK) {
		fprintf(stderr, "%s: zone: %s\n", file, err);
		aa_dns_free(d);
		d = NULL;
	}
	free(text);
	return d;
}

static struct aa_msg *
read_msg(const char *dir, const char *file)
{
	char path[1024], err[256];
	struct aa_msg *m = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dkim/%s", dir, file);
	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return NULL;
	}
	if (aa_msg_read(fp, NULL, &m, err, sizeof(err)) != AA_OK) {
		fprintf(stderr, "%s: %s\n", path, err);
		m = NULL;
	}
	fclose(fp);
	return m;
}

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
	size_t i;

	params.headers_only = headers;
	(void)aa_dkim_verify(dns, rep, m, &params);
	buf[0] = '\0';
	if (rep->dkim == NULL || rep->dkim->signatures.n == 0)
		snprintf(buf, len, "none");
	for (i = 0; rep->dkim != NULL && i < rep->dkim->signatures.n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i > 0 ? "," : "", rep->dkim->signatures.v[i].result ?
		    rep->dkim->signatures.v[i].result : "null");
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
		bare = read_msg(dir, file);
		dns = dns_for(json_object_get(e, "dns"), file);
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
