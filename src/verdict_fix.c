/*
 * verdict_fix.c: the words of the verdict: reply patterns filled in, the
 * one-sentence summary (the first line of the text report), and the
 * ordered fixes with the exact record to publish where it can be
 * computed.  Worded "likely": receivers decide (R&T §0).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_arena.h"
#include "aa_dns.h"
#include "verdict_int.h"

#define MAX_DKIM_NAMES	4	/* d= domains named in a summary */

bool
vr_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const char *
or_q(const char *s)
{
	return s != NULL && *s != '\0' ? s : "?";
}

const char *
vr_fill(struct aa_report *rep, const struct vr_facts *f, const char *pat)
{
	const char *acc = "", *p = pat, *q, *val;
	size_t n;

	while ((q = strchr(p, '[')) != NULL) {
		if (strncmp(q, "[d]", 3) == 0)
			val = or_q(f->from_domain), n = 3;
		else if (strncmp(q, "[s]", 3) == 0)
			val = or_q(f->spf_domain), n = 3;
		else if (strncmp(q, "[ip]", 4) == 0)
			val = or_q(f->ip), n = 4;
		else
			val = "[", n = 1;
		acc = aa_report_printf(rep, "%s%.*s%s", acc, (int)(q - p), p,
		    val);
		p = q + n;
	}
	return aa_report_printf(rep, "%s%s", acc, p);
}

/* "bounce.esp.example.net" or "bounce.esp.example.net: softfail". */
static const char *
spf_part(struct aa_report *rep, const struct vr_facts *f)
{
	if (f->spf == NULL && f->spf_domain == NULL)
		return "not evaluated: no IP or MAIL FROM";
	if (f->spf == NULL)
		return aa_report_printf(rep, "%s: not evaluated, no IP",
		    f->spf_domain);
	if (vr_eq(f->spf, "pass"))
		return or_q(f->spf_domain);
	return aa_report_printf(rep, "%s: %s", or_q(f->spf_domain), f->spf);
}

/* Whether an earlier signature names the same d= (and result). */
static bool
seen_before(const struct aa_dkim_report *d, size_t i, bool pass_only)
{
	const struct aa_dkim_sig *s = &d->signatures.v[i], *t;
	size_t k;

	for (k = 0; k < i; k++) {
		t = &d->signatures.v[k];
		if (pass_only && !vr_eq(t->result, "pass"))
			continue;
		if (vr_eq(t->domain, s->domain) && (pass_only ||
		    vr_eq(t->result, s->result)))
			return true;
	}
	return false;
}

/* The signatures that pass at this receiver, else all with results. */
static const char *
dkim_part(struct aa_report *rep, const struct vr_view *v)
{
	const struct aa_dkim_report *d = v->f->dkim;
	const char *acc = NULL;
	size_t i, k = 0;

	if (v->f->assume_dkim != NULL)
		return aa_report_printf(rep, "d=%s, assumed",
		    v->f->assume_dkim);
	if (d == NULL || d->signatures.n == 0)
		return "no signature";
	for (i = 0; i < d->signatures.n && k < MAX_DKIM_NAMES; i++) {
		const struct aa_dkim_sig *s = &d->signatures.v[i];
		const char *one;

		if ((v->dkim_pass && !vr_eq(s->result, "pass")) ||
		    seen_before(d, i, v->dkim_pass))
			continue;
		if (v->dkim_pass)
			one = aa_report_printf(rep, "d=%s", or_q(s->domain));
		else
			one = aa_report_printf(rep, "d=%s: %s", or_q(s->domain),
			    s->result != NULL ? s->result : "not verified");
		acc = acc == NULL ? one : aa_report_printf(rep, "%s, %s", acc,
		    one);
		k++;
	}
	return acc != NULL ? acc : "no signature";
}

static const char *
policy_part(struct aa_report *rep, const struct vr_view *v)
{
	const struct aa_dmarc_report *d = v->f->dmarc;
	const char *tag = d != NULL && vr_eq(d->applied, "sp") ? "sp" : "p";
	const char *pol = d == NULL ? NULL : vr_eq(tag, "sp") ?
	    d->subdomain_policy : d->policy;

	if (pol == NULL)
		pol = v->disposition;
	if (v->pct < 100)
		return aa_report_printf(rep, "%s=%s pct=%lld", tag, or_q(pol),
		    v->pct);
	return aa_report_printf(rep, "%s=%s", tag, or_q(pol));
}

static const char *
dmarc_sentence(struct aa_report *rep, const struct vr_view *v)
{
	bool both = v->spf_pass && v->dkim_pass;

	return aa_report_printf(rep, "DMARC fails: neither SPF (%s) nor DKIM "
	    "(%s) %s aligned with %s; %s", spf_part(rep, v->f),
	    dkim_part(rep, v), both ? "is" : "passes", or_q(v->f->from_domain),
	    policy_part(rep, v));
}

static const char *
bulk_sentence(struct aa_report *rep, const struct vr_view *v)
{
	const struct vr_facts *f = v->f;
	const char *acc = "Bulk sender below the bulk-sender rules:";
	const char *sep = "";

	if (f->spf != NULL && !v->spf_pass)
		acc = aa_report_printf(rep, "%s SPF does not pass (%s)", acc,
		    spf_part(rep, f)), sep = ",";
	if (f->dkim_known && !v->dkim_pass)
		acc = aa_report_printf(rep, "%s%s no DKIM signature passes "
		    "(%s)", acc, sep, dkim_part(rep, v)), sep = ",";
	if (v->dmarc == VR_DMARC_NONE)
		acc = aa_report_printf(rep, "%s%s no usable DMARC record for "
		    "%s", acc, sep, or_q(f->from_domain)), sep = ",";
	else if (v->dmarc == VR_DMARC_FAIL)
		acc = aa_report_printf(rep, "%s%s neither SPF nor DKIM is "
		    "aligned with %s", acc, sep, or_q(f->from_domain)),
		    sep = ",";
	if (v->rcv == AA_RCV_ICLOUD && (f->ptr == VR_PTR_MISSING ||
	    f->ptr == VR_PTR_MISMATCH))
		acc = aa_report_printf(rep, "%s%s reverse DNS of %s fails", acc,
		    sep, or_q(f->ip));
	return acc;
}

static const char *
rule_sentence(struct aa_report *rep, const struct vr_view *v,
    enum vr_rule rule)
{
	const struct vr_facts *f = v->f;

	switch (rule) {
	case VR_MULTI_FROM:
		return "The message has several From fields or addresses "
		    "[RFC 5322 3.6]";
	case VR_NONEXISTENT:
		return aa_report_printf(rep, "%s does not exist in DNS",
		    or_q(f->from_domain));
	case VR_BULK_AUTH:
	case VR_BULK_ALL:
		return bulk_sentence(rep, v);
	case VR_SPF_TEMP:
		return aa_report_printf(rep, "A temporary DNS failure left SPF "
		    "for %s undetermined (temperror) and no DKIM signature "
		    "passes", or_q(f->spf_domain));
	case VR_TEMP:
		return aa_report_printf(rep, "A temporary DNS failure left "
		    "DMARC for %s undetermined (temperror)",
		    or_q(f->from_domain));
	case VR_DMARC_REJECT:
	case VR_DMARC_QUARANTINE:
		return dmarc_sentence(rep, v);
	case VR_UNAUTH_V6:
	case VR_UNAUTH:
		return aa_report_printf(rep, "Unauthenticated: neither SPF "
		    "(%s) nor DKIM (%s) passes, for any domain",
		    spf_part(rep, f), dkim_part(rep, v));
	case VR_SPF_FAIL:
	case VR_SPF_HARDFAIL:
		return aa_report_printf(rep, "SPF fails: %s is not authorised "
		    "to send for %s%s", or_q(f->ip), or_q(f->spf_domain),
		    v->dkim_pass ? "" : ", and no DKIM signature passes");
	case VR_SPF_PERMERROR:
		return aa_report_printf(rep, "SPF of %s is broken (permerror) "
		    "and no DKIM signature passes", or_q(f->spf_domain));
	case VR_BULK_NO_DMARC:
		return aa_report_printf(rep, "Bulk sender without a usable "
		    "DMARC record for %s", or_q(f->from_domain));
	case VR_BULK_SPF:
		return aa_report_printf(rep, "Bulk sender whose SPF does not "
		    "pass (%s)", spf_part(rep, f));
	case VR_BULK_DKIM:
		return aa_report_printf(rep, "Bulk sender without a passing "
		    "DKIM signature (%s)", dkim_part(rep, v));
	case VR_BULK_ALIGN:
		return aa_report_printf(rep, "Bulk sender: %s",
		    dmarc_sentence(rep, v));
	case VR_PTR_V6:
	case VR_PTR:
		if (f->ptr == VR_PTR_MISMATCH)
			return aa_report_printf(rep, "The PTR name of %s does "
			    "not resolve back to it (forward-confirmed reverse "
			    "DNS fails)", or_q(f->ip));
		return aa_report_printf(rep, "The sending IP %s has no PTR "
		    "record (reverse DNS)", or_q(f->ip));
	case VR_NULL_MX:
		return aa_report_printf(rep, "The MAIL FROM domain %s has a "
		    "null MX [RFC 7505]: it takes no mail, so no bounce can "
		    "return", or_q(f->spf_domain));
	case VR__COUNT:
		break;
	}
	return "";
}

static const char *
deliver_sentence(struct aa_report *rep, const struct vr_view *v)
{
	const struct vr_facts *f = v->f;

	if (v->dmarc == VR_DMARC_PASS && v->dkim_aligned)
		return aa_report_printf(rep, "Likely delivered: DMARC passes "
		    "for %s (DKIM %s aligned)", or_q(f->from_domain),
		    dkim_part(rep, v));
	if (v->dmarc == VR_DMARC_PASS)
		return aa_report_printf(rep, "Likely delivered: DMARC passes "
		    "for %s (SPF %s aligned)", or_q(f->from_domain),
		    or_q(f->spf_domain));
	if (v->spf_pass || v->dkim_pass)
		return aa_report_printf(rep, "Likely delivered: authenticated "
		    "(SPF %s, DKIM %s); no modelled receiver is likely to "
		    "reject", spf_part(rep, f), dkim_part(rep, v));
	return "Likely delivered: no modelled receiver is likely to reject "
	    "on the facts known";
}

const char *
vr_summary(struct aa_report *rep, const struct vr_facts *f,
    const struct vr_view *v, const struct vr_choice *c)
{
	const char *label = vr_receiver(c->rcv)->label, *what, *reply;

	if (c->outcome == VR_DELIVER && c->rule == VR_SPF_HARDFAIL)
		return aa_report_printf(rep, "%s; but SPF fails: %s is not "
		    "authorised for %s, and some receivers reject that at MAIL "
		    "FROM (see the alternatives)", deliver_sentence(rep, v),
		    or_q(f->ip), or_q(f->spf_domain));
	if (c->outcome == VR_DELIVER)
		return deliver_sentence(rep, v);
	what = rule_sentence(rep, v, c->rule);
	if (c->outcome == VR_QUARANTINE)
		return aa_report_printf(rep, "%s -> %s likely delivers to spam "
		    "(quarantine)", what, label);
	reply = c->reply != NULL ? aa_report_printf(rep, " \"%s\"",
	    vr_fill(rep, f, c->reply)) : "";
	return aa_report_printf(rep, "%s -> %s likely %s %d%s%s%s", what,
	    label, c->outcome == VR_REJECT ? "rejects:" : "defers:", c->code,
	    c->enhanced != NULL ? " " : "", c->enhanced != NULL ? c->enhanced :
	    "", reply);
}

/* Fixes. */

static void
fix(struct aa_report *rep, const char *text, const char *name,
    const char *type, const char *value)
{
	struct aa_fix *x;
	size_t i;

	for (i = 0; i < rep->verdict->fixes.n; i++)
		if (vr_eq(rep->verdict->fixes.v[i].text, text))
			return;
	x = AA_VEC_PUSH(rep->arena, rep->verdict->fixes);
	x->text = text;
	if (name == NULL)
		return;
	x->record = aa_arena_alloc(rep->arena, sizeof(*x->record));
	x->record->name = name;
	x->record->type = type;
	x->record->value = value;
}

/*
 * The SPF record with IP authorised: an ip4:/ip6: term before the first
 * all or redirect (RFC 7208 4.6.2: terms are evaluated left to right, and
 * a redirect is used only when no term matched).
 */
static const char *
spf_with_ip(struct aa_report *rep, const char *record, const char *ip)
{
	const char *term = strchr(ip, ':') != NULL ? "ip6:" : "ip4:";
	const char *p, *w;
	size_t n;

	if (record == NULL)
		return aa_report_printf(rep, "v=spf1 %s%s ~all", term, ip);
	for (p = record; *p != '\0'; p = w + n) {
		for (w = p; *w == ' '; w++)
			continue;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		if ((n == 3 && strncasecmp(w, "all", 3) == 0) ||
		    (n == 4 && strchr("+-~?", w[0]) != NULL &&
		    strncasecmp(w + 1, "all", 3) == 0) ||
		    (n > 9 && strncasecmp(w, "redirect=", 9) == 0))
			return aa_report_printf(rep, "%.*s%s%s %s",
			    (int)(w - record), record, term, ip, w);
	}
	return aa_report_printf(rep, "%s %s%s", record, term, ip);
}

static bool
under(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la < lb)
		return false;
	return strcasecmp(a + la - lb, b) == 0 && (la == lb ||
	    a[la - lb - 1] == '.');
}

static void
fix_spf_ip(struct aa_report *rep, const struct vr_facts *f)
{
	const char *rec = rep->spf != NULL ? rep->spf->record : NULL;

	if (f->ip == NULL || f->spf_domain == NULL)
		return;
	if (!under(f->spf_domain, f->from_domain)) {
		fix(rep, aa_report_printf(rep, "Authorise %s for the MAIL FROM "
		    "domain %s: it is not yours, so ask its owner (your ESP) "
		    "which IPs it sends from, or use a custom Return-Path "
		    "under %s", f->ip, f->spf_domain, or_q(f->from_domain)),
		    NULL, NULL, NULL);
		return;
	}
	fix(rep, aa_report_printf(rep, "Authorise %s in the SPF record of %s "
	    "[RFC 7208 5.6]", f->ip, f->spf_domain), f->spf_domain, "TXT",
	    spf_with_ip(rep, rec, f->ip));
}

static void
fix_dkim_sign(struct aa_report *rep, const struct vr_facts *f)
{
	fix(rep, aa_report_printf(rep, "Sign with DKIM as d=%s (RSA of 2048 "
	    "bits; RFC 8301 requires at least 1024): publish the public key "
	    "at SELECTOR._domainkey.%s", or_q(f->from_domain),
	    or_q(f->from_domain)), NULL, NULL, NULL);
}

/* The first DKIM error that is a failing signature, not its absence. */
static enum aa_code
dkim_failure(const struct aa_report *rep)
{
	const struct aa_finding *fd;
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		fd = &rep->findings.v[i];
		if (fd->severity == AA_SEV_ERROR &&
		    fd->code != AA_F_DKIM_NONE &&
		    strncmp(aa_finding_info(fd->code)->id, "dkim-", 5) == 0)
			return fd->code;
	}
	return AA_F__COUNT;
}

/* The ESP-default case: both pass for the ESP's domains, none aligned. */
static void
fix_alignment(struct aa_report *rep, const struct vr_facts *f,
    const struct vr_view *v)
{
	const char *from = or_q(f->from_domain), *label, *name;
	const char *rec = rep->spf != NULL ? rep->spf->record : NULL;
	enum aa_code c;

	if (v->dkim_pass)
		fix(rep, aa_report_printf(rep, "Custom DKIM domain: have your "
		    "ESP sign with d=%s instead of its own domain (publish the "
		    "key or CNAME it gives you at SELECTOR._domainkey.%s); an "
		    "aligned DKIM pass also survives forwarding", from, from),
		    NULL, NULL, NULL);
	else if ((c = dkim_failure(rep)) != AA_F__COUNT)
		fix(rep, aa_report_printf(rep, "Make the DKIM signature pass: "
		    "%s (%s) [%s]", aa_finding_info(c)->summary,
		    aa_finding_info(c)->id, aa_finding_info(c)->rfc), NULL,
		    NULL, NULL);
	else
		fix_dkim_sign(rep, f);
	if (v->spf_pass && !f->spf_aligned && f->spf_domain != NULL) {
		label = aa_arena_strndup(rep->arena, f->spf_domain,
		    strcspn(f->spf_domain, "."));
		name = aa_report_printf(rep, "%s.%s", label, from);
		fix(rep, aa_report_printf(rep, "Custom Return-Path: set the "
		    "MAIL FROM (Return-Path) domain at your ESP to a name "
		    "under %s, e.g. %s, with the SPF record that authorises "
		    "the ESP (aligned SPF)", from, name), name, "TXT",
		    rec != NULL ? rec : "v=spf1 include:ESP-SPF-DOMAIN ~all");
	} else if (!v->spf_pass)
		fix_spf_ip(rep, f);
}

/* RFC 7489 6.3: the tags a DMARC record may hold, value checked. */
static const char *
dmarc_policy_word(const char *v)
{
	if (strncasecmp(v, "rej", 3) == 0)
		return "reject";
	if (strncasecmp(v, "qua", 3) == 0)
		return "quarantine";
	if (strncasecmp(v, "non", 3) == 0)
		return "none";
	return NULL;
}

static const char *
dmarc_tag(struct aa_report *rep, const char *tag, size_t tn, const char *val)
{
	static const char *const keep[] = { "rua", "ruf", "fo", "rf", "ri",
		NULL };
	size_t i;
	long pct;
	char *end;

	if ((tn == 2 && strncasecmp(tag, "sp", 2) == 0) ||
	    (tn == 2 && strncasecmp(tag, "np", 2) == 0))
		return dmarc_policy_word(val) == NULL ? NULL :
		    aa_report_printf(rep, "%.*s=%s", (int)tn, tag,
		    dmarc_policy_word(val));
	if ((tn == 5 && strncasecmp(tag, "adkim", 5) == 0) ||
	    (tn == 4 && strncasecmp(tag, "aspf", 4) == 0))
		return (strcasecmp(val, "r") == 0 || strcasecmp(val, "s") ==
		    0) ? aa_report_printf(rep, "%.*s=%c", (int)tn, tag,
		    val[0] | 0x20) : NULL;
	if (tn == 3 && strncasecmp(tag, "pct", 3) == 0) {
		pct = strtol(val, &end, 10);
		return *val != '\0' && *end == '\0' && pct >= 0 && pct <= 100 ?
		    aa_report_printf(rep, "pct=%ld", pct) : NULL;
	}
	for (i = 0; keep[i] != NULL; i++)
		if (tn == strlen(keep[i]) && strncasecmp(tag, keep[i], tn) == 0)
			return aa_report_printf(rep, "%s=%s", keep[i], val);
	return NULL;
}

/*
 * The DMARC record with its syntax fixed (RFC 7489 6.3, 6.4): v=DMARC1
 * first, p= second (a misspelt policy read by its first letters, else
 * none), valid tags kept, unknown or malformed ones dropped.
 */
static const char *
dmarc_fixed(struct aa_report *rep, const char *record)
{
	const char *p = record, *pol = "none", *rest = "", *t;
	char *tok, *eqs, *val;
	size_t n;

	while (record != NULL && *p != '\0') {
		n = strcspn(p, ";");
		tok = aa_arena_strndup(rep->arena, p, n);
		p += n + (p[n] == ';');
		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (n = strlen(tok); n > 0 && (tok[n - 1] == ' ' ||
		    tok[n - 1] == '\t'); n--)
			tok[n - 1] = '\0';
		if ((eqs = strchr(tok, '=')) == NULL)
			continue;
		for (val = eqs + 1; *val == ' '; val++)
			continue;
		for (n = (size_t)(eqs - tok); n > 0 && tok[n - 1] == ' '; n--)
			continue;
		if (n == 1 && (tok[0] == 'p' || tok[0] == 'P')) {
			if (dmarc_policy_word(val) != NULL)
				pol = dmarc_policy_word(val);
			continue;
		}
		if ((t = dmarc_tag(rep, tok, n, val)) != NULL)
			rest = aa_report_printf(rep, "%s; %s", rest, t);
	}
	return aa_report_printf(rep, "v=DMARC1; p=%s%s", pol, rest);
}

static const char *
dmarc_name(struct aa_report *rep, const struct vr_facts *f)
{
	const char *d = f->dmarc != NULL && f->dmarc->record_domain != NULL ?
	    f->dmarc->record_domain : f->from_domain;

	return aa_report_printf(rep, "_dmarc.%s", or_q(d));
}

static void
fix_dmarc_record(struct aa_report *rep, const struct vr_facts *f,
    enum aa_code c)
{
	const char *rec = f->dmarc != NULL ? f->dmarc->record : NULL;

	if (c == AA_F_DMARC_MULTIPLE_RECORDS)
		fix(rep, aa_report_printf(rep, "Keep exactly one DMARC record "
		    "at %s [RFC 7489 6.6.3]", dmarc_name(rep, f)), NULL, NULL,
		    NULL);
	else if (c == AA_F_DMARC_SYNTAX)
		fix(rep, aa_report_printf(rep, "Publish the DMARC record with "
		    "its syntax fixed [RFC 7489 6.3]"), dmarc_name(rep, f),
		    "TXT", dmarc_fixed(rep, rec));
	else
		fix(rep, aa_report_printf(rep, "Publish a DMARC record for %s "
		    "(p=none is enough for the bulk-sender rules; add rua= to "
		    "receive reports)", or_q(f->from_domain)),
		    dmarc_name(rep, f), "TXT", "v=DMARC1; p=none");
}

/* The reverse name of ip (RFC 1035 3.5, RFC 3596 2.5), or NULL. */
static const char *
arpa_name(struct aa_report *rep, const char *ip)
{
	uint8_t a[16];
	char buf[AA_DNS_REVERSE_LEN];

	if (inet_pton(AF_INET, ip, a) == 1)
		aa_dns_reverse_name(a, 4, buf);
	else if (inet_pton(AF_INET6, ip, a) == 1)
		aa_dns_reverse_name(a, 6, buf);
	else
		return NULL;
	return aa_report_strdup(rep, buf);
}

/* The PTR name the rdns check wrote into fcrdns-mismatch's message. */
static const char *
ptr_name(struct aa_report *rep)
{
	const char *m, *k = " has PTR ";
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		if (rep->findings.v[i].code != AA_F_FCRDNS_MISMATCH ||
		    (m = rep->findings.v[i].message) == NULL ||
		    (m = strstr(m, k)) == NULL)
			continue;
		m += strlen(k);
		return aa_arena_strndup(rep->arena, m, strcspn(m, ", "));
	}
	return NULL;
}

static void
fix_ptr(struct aa_report *rep, const struct vr_facts *f, enum aa_code c)
{
	const char *host = ptr_name(rep);
	const char *v6 = strchr(or_q(f->ip), ':') != NULL ? "AAAA" : "A";

	if (c == AA_F_FCRDNS_MISMATCH && host != NULL) {
		fix(rep, aa_report_printf(rep, "Make the PTR name %s resolve "
		    "back to %s (forward-confirmed reverse DNS)", host,
		    or_q(f->ip)), host, v6, or_q(f->ip));
		return;
	}
	host = aa_report_printf(rep, "mail.%s", or_q(f->from_domain));
	fix(rep, aa_report_printf(rep, "Ask the owner of %s (your hosting "
	    "provider) for a PTR record naming a host whose %s record is %s, "
	    "e.g. %s", or_q(f->ip), v6, or_q(f->ip), host),
	    arpa_name(rep, or_q(f->ip)), "PTR", host);
	fix(rep, aa_report_printf(rep, "Publish the address of that host "
	    "(forward-confirmed reverse DNS)"), host, v6, or_q(f->ip));
}

static void
fix_spf_broken(struct aa_report *rep, const struct vr_facts *f,
    enum aa_code c)
{
	const char *t;

	switch (c) {
	case AA_F_SPF_TOO_MANY_LOOKUPS:
		t = "Bring the SPF record of [s] to at most 10 DNS-querying "
		    "terms [RFC 7208 4.6.4]: drop unused include:, replace "
		    "a/mx/ptr by ip4:/ip6: ranges";
		break;
	case AA_F_SPF_TOO_MANY_VOID_LOOKUPS:
		t = "Remove the terms of [s]'s SPF record that name domains "
		    "without records (at most 2 void lookups) [RFC 7208 4.6.4]";
		break;
	case AA_F_SPF_MULTIPLE_RECORDS:
		t = "Merge the v=spf1 records of [s] into one [RFC 7208 4.5]";
		break;
	case AA_F_SPF_INCLUDE_NONE:
	case AA_F_SPF_INCLUDE_LOOP:
		t = "Remove the include: of [s]'s SPF record that has no "
		    "record or loops back [RFC 7208 5.2]";
		break;
	case AA_F_SPF_TEMPERROR:
		t = "Make the DNS servers of [s] answer reliably (a TIMEOUT or "
		    "SERVFAIL left SPF undetermined) [RFC 7208 8.6]";
		break;
	default:
		t = "Correct the SPF record of [s] [RFC 7208 4.6]";
		break;
	}
	fix(rep, vr_fill(rep, f, t), NULL, NULL, NULL);
}

static void
fix_for(struct aa_report *rep, const struct vr_facts *f,
    const struct vr_view *v, enum vr_rule rule, enum aa_code c)
{
	switch (c) {
	case AA_F_DMARC_FAIL:
		fix_alignment(rep, f, v);
		return;
	case AA_F_SPF_FAIL:
	case AA_F_SPF_SOFTFAIL:
	case AA_F_SPF_NONE:
		fix_spf_ip(rep, f);
		if (rule == VR_UNAUTH || rule == VR_UNAUTH_V6 ||
		    rule == VR_SPF_FAIL)
			fix_dkim_sign(rep, f);
		return;
	case AA_F_DMARC_NONE:
	case AA_F_DMARC_SYNTAX:
	case AA_F_DMARC_MULTIPLE_RECORDS:
		fix_dmarc_record(rep, f, c);
		return;
	case AA_F_DMARC_TEMPERROR:
	case AA_F_DKIM_TEMPERROR:
		fix(rep, aa_report_printf(rep, "Make the DNS servers of %s "
		    "answer reliably (a TIMEOUT or SERVFAIL left %s "
		    "undetermined)", or_q(f->from_domain), c ==
		    AA_F_DKIM_TEMPERROR ? "the DKIM key" : "DMARC"), NULL, NULL,
		    NULL);
		return;
	case AA_F_PTR_MISSING:
	case AA_F_FCRDNS_MISMATCH:
		fix_ptr(rep, f, c);
		return;
	case AA_F_MX_NULL:
		fix(rep, aa_report_printf(rep, "Send with a MAIL FROM domain "
		    "that accepts bounces: %s has a null MX [RFC 7505 4.2]",
		    or_q(f->spf_domain)), NULL, NULL, NULL);
		return;
	case AA_F_DOMAIN_NONEXISTENT:
		fix(rep, aa_report_printf(rep, "Publish %s in DNS (SOA, and A "
		    "or MX records) or send From a domain that exists",
		    or_q(f->from_domain)), NULL, NULL, NULL);
		return;
	case AA_F_DKIM_NONE:
		fix_dkim_sign(rep, f);
		return;
	case AA_F_MSG_MULTIPLE_FROM:
		fix(rep, "Send one From field with one address; name other "
		    "authors elsewhere [RFC 5322 3.6.2]", NULL, NULL, NULL);
		return;
	default:
		break;
	}
	if (strncmp(aa_finding_info(c)->id, "spf-", 4) == 0) {
		fix_spf_broken(rep, f, c);
		/* Unauthenticated: a DKIM pass is the other way out. */
		if (rule == VR_UNAUTH || rule == VR_UNAUTH_V6 ||
		    rule == VR_SPF_PERMERROR)
			fix_dkim_sign(rep, f);
	}
	else if (strncmp(aa_finding_info(c)->id, "dkim-", 5) == 0) {
		fix(rep, aa_report_printf(rep, "DKIM: %s [%s]",
		    aa_finding_info(c)->summary, aa_finding_info(c)->rfc), NULL,
		    NULL, NULL);
		fix_dkim_sign(rep, f);
	}
}

static bool
has(const struct aa_report *rep, enum aa_code c)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == c)
			return true;
	return false;
}

/*
 * The fixes in order: the top cause first, then the causes of the other
 * receivers' replies, most severe first; then bulk one-click
 * unsubscribe.  Each choice's view is rebuilt by the caller's order.
 */
void
vr_fixes(struct aa_report *rep, const struct vr_facts *f,
    const struct vr_choice *ch, size_t n)
{
	struct vr_view v;
	int o;
	size_t i;

	for (o = VR_REJECT; o >= VR_DELIVER; o--)
		for (i = 0; i < n; i++) {
			if (ch[i].cause == AA_F__COUNT ||
			    (i > 0 && (int)ch[i].outcome != o) ||
			    (i == 0 && o != VR_REJECT))
				continue;
			vr_view_of(f, ch[i].rcv, &v);
			fix_for(rep, f, &v, ch[i].rule, ch[i].cause);
		}
	if (has(rep, AA_F_BULK_UNSUBSCRIBE_MISSING))
		fix(rep, "One-click unsubscribe: add List-Unsubscribe: "
		    "<https://...> and List-Unsubscribe-Post: "
		    "List-Unsubscribe=One-Click, both signed by DKIM "
		    "[RFC 8058]",
		    NULL, NULL, NULL);
}
