/*
 * msg_input.c: what `authaudit message` was given, and who sent it from
 * where (design.md 3a "Input recovery").  A delivered copy names its
 * client in the Received field its receiver added and its MAIL FROM in
 * Return-Path (RFC 5321 4.4).  A bounce is different: the receiver that
 * refused the message added no Received field, so the returned copy's
 * Received fields point at the submission client and are never used;
 * the address comes from the reply text, else, as a guess, from the
 * Reporting-MTA.  Options (already in rep->input) always win.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_dns.h"
#include "aa_input.h"
#include "aa_msg.h"
#include "aa_report.h"
#include "msg_int.h"

#define ADDR_LEN	INET6_ADDRSTRLEN
#define NAME_LEN	256
#define FROM_SHOWN	200	/* octets of a From value quoted in a finding */
#define AA_XSTR(x)	#x
#define AA_STR(x)	AA_XSTR(x)	/* a macro's value as a string */

/* A field's unfolded value in the report arena (NUL ends it). */
static char *
value_of(struct aa_report *rep, const struct aa_msg *m, const char *name,
    size_t n)
{
	const struct aa_msg_field *f;
	long i = aa_msg_find(m, name, n);
	char *v, *out;

	if (i < 0 || (f = aa_msg_field(m, (size_t)i)) == NULL)
		return NULL;
	v = aa_msg_field_unfolded(f, NULL);
	out = aa_report_strdup(rep, v);
	free(v);
	return out;
}

/* The one address of a single-address field, or NULL. */
static const char *
one_address(struct aa_report *rep, const char *v)
{
	struct aa_strvec addrs = { NULL, 0, 0 };

	if (v == NULL)
		return NULL;
	if (aa_addr_list(rep->arena, v, strlen(v), &addrs) != 1)
		return NULL;
	return addrs.v[0];
}

/* The domain of an address, normalised (lower case, A-labels); or NULL. */
static const char *
domain_of(struct aa_report *rep, const char *addr)
{
	const char *at = strrchr(addr, '@');
	char *norm = NULL, *out;

	if (at == NULL || at[1] == '\0' || at[1] == '[')
		return NULL;
	if (aa_dns_name_normalize(at + 1, &norm) != AA_OK)
		return NULL;
	out = aa_report_strdup(rep, norm);
	free(norm);
	return out;
}

/*
 * RFC 5322 3.6.2: exactly one From field; several mailboxes in it need
 * a Sender, and receivers refuse them anyway (receivers-and-threats.md:
 * Gmail 5.7.1, Microsoft 5.1.20).  RFC 7489 6.6.1: with several author
 * domains each is evaluated, so all are listed.
 */
static void
authors(struct aa_report *rep, const struct aa_msg *m)
{
	struct aa_input *in = rep->input;
	struct aa_strvec addrs = { NULL, 0, 0 };
	const char *v, *d, *shown = NULL;
	size_t nfrom, i, k;

	for (nfrom = 0; (v = value_of(rep, m, "From", nfrom)) != NULL;
	    nfrom++) {
		(void)aa_addr_list(rep->arena, v, strlen(v), &addrs);
		/* For the reader: RFC 2047 decoded, and short. */
		if (shown == NULL)
			shown = aa_mime_decode_header(rep->arena, strlen(v) >
			    FROM_SHOWN ? aa_arena_strndup(rep->arena, v,
			    FROM_SHOWN) : v);
	}
	for (i = 0; i < addrs.n; i++) {
		if ((d = domain_of(rep, addrs.v[i])) == NULL)
			continue;
		if (in->from_domain == NULL)
			in->from_domain = d;
		for (k = 0; k < in->from_domains.n; k++)
			if (strcmp(in->from_domains.v[k], d) == 0)
				break;
		if (k == in->from_domains.n)
			*AA_VEC_PUSH(rep->arena, in->from_domains) = d;
	}
	if (nfrom == 0)
		aa_report_add(rep, AA_F_MSG_NO_FROM, "message",
		    "the message has no From field: it has no author domain, "
		    "so DMARC cannot be evaluated (RFC 5322 3.6 requires one)");
	else if (addrs.n == 0)
		aa_report_add(rep, AA_F_MSG_NO_FROM, "message",
		    "the From field holds no address: it has no author domain, "
		    "so DMARC cannot be evaluated");
	else if (nfrom > 1)
		aa_report_add(rep, AA_F_MSG_MULTIPLE_FROM,
		    in->from_domain != NULL ? in->from_domain : "message",
		    "the message has %zu From fields; RFC 5322 3.6 allows one "
		    "and receivers reject such mail", nfrom);
	else if (addrs.n > 1)
		aa_report_add(rep, AA_F_MSG_MULTIPLE_FROM,
		    in->from_domain != NULL ? in->from_domain : "message",
		    "the From field holds %zu addresses (%s); receivers "
		    "reject such mail (Gmail 5.7.1, Microsoft 5.1.20)", addrs.n,
		    shown);
}

static const char *
subject(const struct aa_report *rep)
{
	return rep->input->from_domain != NULL ? rep->input->from_domain :
	    "message";
}

/*
 * A delivered copy: the topmost Received field whose client is not a
 * private or loopback hop is the one the receiving side added when the
 * message arrived from outside (RFC 5321 4.4: each hop prepends its own).
 * With --ip given, only a field naming that address may give the HELO.
 */
static void
recover_delivered(struct aa_report *rep, const struct aa_msg *m)
{
	struct aa_input *in = rep->input;
	char ip[ADDR_LEN], helo[NAME_LEN];
	const char *v, *rp;
	size_t i;

	for (i = 0; (v = value_of(rep, m, "Received", i)) != NULL; i++) {
		if (!aa_received_parse(v, ip, sizeof(ip), helo, sizeof(helo)))
			continue;
		if (in->ip != NULL && strcmp(in->ip, ip) != 0)
			continue;
		if (in->ip == NULL && aa_ip_is_private(ip))
			continue;
		if (in->ip == NULL) {
			in->ip = aa_report_strdup(rep, ip);
			in->sources.ip = "received";
		}
		if (in->helo == NULL && helo[0] != '\0') {
			in->helo = aa_report_strdup(rep, helo);
			in->sources.helo = "received";
		}
		break;
	}
	if (in->ip == NULL)
		aa_report_add(rep, AA_F_INPUT_IP_UNKNOWN, subject(rep),
		    "no Received field names a public client address; pass "
		    "--ip (and --helo) to evaluate SPF");
	/* RFC 5321 4.4: the final delivery records MAIL FROM here. */
	if (in->mail_from != NULL ||
	    (v = value_of(rep, m, "Return-Path", 0)) == NULL)
		return;
	if ((rp = one_address(rep, v)) != NULL)
		in->mail_from = rp;
	else if (strchr(v, '<') != NULL && strchr(v, '@') == NULL)
		in->mail_from = "";	/* "<>": the null reverse-path */
	else
		return;
	in->sources.mail_from = "return-path";
}

/*
 * The Reporting-MTA sent the refused message, so its address is a fair
 * guess for the client the receiver saw: a Received field of the bounce
 * itself whose client is that host, else its A (then AAAA) record.
 */
static bool
reporting_mta_ip(struct aa_report *rep, const struct aa_msg *top,
    const char *mta, struct aa_dns *dns, char *ip)
{
	const struct aa_answer *ans;
	static const uint16_t types[] = { AA_TYPE_A, AA_TYPE_AAAA };
	char helo[NAME_LEN];
	const char *v;
	size_t i;

	for (i = 0; (v = value_of(rep, top, "Received", i)) != NULL; i++)
		if (aa_received_parse(v, ip, ADDR_LEN, helo, sizeof(helo)) &&
		    strcmp(helo, mta) == 0 && !aa_ip_is_private(ip))
			return true;
	if (dns == NULL)
		return false;
	for (i = 0; i < 2; i++) {
		if (aa_dns_query(dns, mta, types[i], &ans) != AA_OK ||
		    ans->rcode != AA_RCODE_NOERROR || ans->nrr == 0)
			continue;
		return inet_ntop(types[i] == AA_TYPE_A ? AF_INET : AF_INET6,
		    ans->rr[0].addr, ip, ADDR_LEN) != NULL;
	}
	return false;
}

static void
recover_bounce(struct aa_report *rep, const struct aa_msg *top,
    const struct aa_dsn *d, struct aa_dns *dns)
{
	struct aa_input *in = rep->input;
	char ip[ADDR_LEN];
	const char *to;
	size_t i;

	for (i = 0; in->ip == NULL && i < d->rcpts.n; i++)
		if (aa_reply_ip(d->rcpts.v[i].diagnostic, ip, sizeof(ip))) {
			in->ip = aa_report_strdup(rep, ip);
			in->sources.ip = "dsn-diagnostic";
		}
	if (in->ip == NULL && d->reporting_mta != NULL &&
	    reporting_mta_ip(rep, top, d->reporting_mta, dns, ip)) {
		in->ip = aa_report_strdup(rep, ip);
		in->sources.ip = "dsn-reporting-mta";
		aa_report_add(rep, AA_F_INPUT_IP_UNKNOWN, subject(rep),
		    "the reply does not name the client address; %s is the "
		    "address of the Reporting-MTA %s, a guess: pass --ip to "
		    "be sure", in->ip, d->reporting_mta)->severity =
		    AA_SEV_INFO;
	} else if (in->ip == NULL)
		aa_report_add(rep, AA_F_INPUT_IP_UNKNOWN, subject(rep),
		    "the bounce does not say which address sent the message "
		    "(the returned copy's Received fields name the submission "
		    "client, not the rejected hop); pass --ip to evaluate SPF");
	if (in->mail_from != NULL)
		return;
	/* RFC 3461 6.2: a bounce goes to the reverse-path it reports on. */
	if (d->sender != NULL && *d->sender != '\0' &&
	    strchr(d->sender, '@') != NULL) {
		in->mail_from = aa_report_strdup(rep, d->sender);
		in->sources.mail_from = "dsn-sender";
	} else if ((to = one_address(rep, value_of(rep, top, "To", 0))) !=
	    NULL) {
		in->mail_from = to;
		in->sources.mail_from = "dsn-sender";
	}
}

static void
fill_bounce(struct aa_report *rep, const struct aa_dsn *d)
{
	struct aa_bounce *b = aa_arena_alloc(rep->arena, sizeof(*b));
	const struct aa_dsn_rcpt *r;
	struct aa_bounce_recipient *o;
	size_t i;

	b->reporting_mta = aa_report_strdup(rep, d->reporting_mta);
	for (i = 0; i < d->rcpts.n; i++) {
		r = &d->rcpts.v[i];
		o = AA_VEC_PUSH(rep->arena, b->recipients);
		o->recipient = aa_report_strdup(rep, r->recipient);
		o->action = aa_report_strdup(rep, r->action);
		o->status = aa_report_strdup(rep, r->status);
		if (r->code != 0)
			o->code = AA_INT(r->code);
		o->diagnostic = aa_report_strdup(rep, r->diagnostic);
		o->provider = r->provider;	/* static strings */
		if (b->remote_mta == NULL)
			b->remote_mta = aa_report_strdup(rep, r->remote_mta);
	}
	if (d->returned == AA_RETURNED_MESSAGE)
		b->returned = "message";
	else if (d->returned == AA_RETURNED_HEADERS)
		b->returned = "headers";
	rep->input->bounce = b;
}

/* Parse the returned copy from its own bytes (never re-serialised). */
static void
take_returned(struct aa_report *rep, const struct aa_dsn *d,
    struct aa_msg_input *mi)
{
	char err[256];
	enum aa_status st;

	mi->msg = NULL;
	if (d->returned == AA_RETURNED_NONE)
		return;
	st = aa_msg_parse(d->returned_bytes, d->returned_len, NULL,
	    &mi->owned, err, sizeof(err));
	if (st == AA_OK) {
		mi->msg = mi->owned;
		mi->headers_only = d->returned == AA_RETURNED_HEADERS;
		return;
	}
	mi->owned = NULL;
	rep->input->bounce->returned = NULL;
	if (st == AA_ELIMIT)
		aa_report_add(rep, AA_F_MSG_TOO_LARGE, "message",
		    "the returned message: %s", err);
}

enum aa_status
aa_msg_input_analyze(struct aa_report *rep, const struct aa_msg *top,
    struct aa_msg_input *mi, char *err, size_t errlen)
{
	struct aa_authres *ar;
	struct aa_dns *dns;
	struct aa_dsn d;
	const uint8_t *p;
	size_t n;

	if (rep == NULL || top == NULL || mi == NULL) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "aa_msg_input_analyze: "
			    "no report, message or result");
		return AA_EINVAL;
	}
	dns = mi->dns;
	memset(mi, 0, sizeof(*mi));
	mi->dns = dns;
	mi->msg = top;
	if (rep->input == NULL)
		rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	p = aa_msg_bytes(top, &n);
	(void)aa_dsn_read(p, n, &d);
	/* design.md 5: a cap reached is said, even with a result. */
	if (d.capped || d.rcpts_capped)
		aa_report_add(rep, AA_F_MSG_TOO_LARGE, "message",
		    "the bounce was read only in part: %s%s%s", d.note != NULL ?
		    d.note : "", d.note != NULL && d.rcpts_capped ? "; " : "",
		    d.rcpts_capped ? "more recipients than the cap of "
		    AA_STR(AA_DSN_MAX_RECIPIENTS) " were skipped" : "")->severity =
		    AA_SEV_WARNING;
	if (d.is_bounce) {
		mi->is_bounce = true;
		fill_bounce(rep, &d);
		take_returned(rep, &d, mi);
		if (mi->msg != NULL)
			authors(rep, mi->msg);
		recover_bounce(rep, top, &d, dns);
	} else {
		authors(rep, top);
		recover_delivered(rep, top);
		ar = aa_arena_alloc(rep->arena, sizeof(*ar));
		if (aa_msg_authres_top(rep->arena, top, ar))
			mi->authres = ar;
	}
	aa_dsn_free(&d);
	return AA_OK;
}

void
aa_msg_input_free(struct aa_msg_input *mi)
{
	if (mi == NULL)
		return;
	aa_msg_free(mi->owned);
	mi->owned = NULL;
	mi->msg = NULL;
}
