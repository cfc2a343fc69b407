/*
 * bounce.c: classify the reply of each recipient of a bounce into the
 * classes of design.md 3a, with the rules of bounce_rules.c, and say in
 * the report what each class means and how it is fixed.  Authentication
 * and reverse DNS are left to the checks and the verdict; every other
 * class gets a bounce-* finding saying plainly that it is not an
 * authentication failure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aa_bounce.h"
#include "aa_report.h"
#include "bounce_int.h"

/* The table: meaning and fix path of each class. */
static const struct aa_bounce_class classes[] = {
	[BC_ADDRESS] = { "address", "address problem, not authentication",
	    "the recipient's mailbox does not exist",
	    "list hygiene: correct the address or remove it from the list",
	    true, AA_F_BOUNCE_ADDRESS },
	[BC_MAILBOX] = { "mailbox", "mailbox problem, not authentication",
	    "the recipient's mailbox is over quota or disabled",
	    "reach the recipient another way; retry later",
	    true, AA_F_BOUNCE_MAILBOX },
	[BC_RELAY] = { "relay", "relay problem, not authentication",
	    "the submission server does not accept you as a sender",
	    "turn SMTP authentication on, and use the outgoing server that "
	    "matches your network", true, AA_F_BOUNCE_RELAY },
	[BC_REPUTATION] = { "reputation",
	    "reputation problem, not authentication",
	    "the content, or the reputation of the sending IP or domain",
	    "check the blocklists and request delisting; warm up; consider "
	    "a dedicated IP", true, AA_F_BOUNCE_REPUTATION },
	[BC_AUTHENTICATION] = { "authentication", "authentication problem",
	    "SPF, DKIM, DMARC or the bulk-sender rules",
	    "the checks and the verdict of this report", false, 0 },
	[BC_REVERSE_DNS] = { "reverse-dns", "reverse DNS problem",
	    "no PTR record, or forward-confirmed reverse DNS does not match",
	    "a PTR record naming a host whose A/AAAA record is the sending "
	    "IP", false, 0 },
	[BC_VOLUME] = { "volume", "volume problem, not authentication",
	    "a provider's rate or daily limit",
	    "throttle below the provider's ceiling; warm up new domains and "
	    "IPs", true, AA_F_BOUNCE_VOLUME },
	[BC_TRANSIENT] = { "transient", "temporary failure, not "
	    "authentication", "try again later",
	    "automated retry usually solves it; do not treat it as a hard "
	    "bounce", true, AA_F_BOUNCE_TRANSIENT },
};
#define NCLASSES	(sizeof(classes) / sizeof(classes[0]))

static const struct {
	const char	*name;
	enum bounce_provider provider;
} provider_names[] = {
	{ "gmail", BP_GMAIL },
	{ "yahoo", BP_YAHOO },
	{ "outlook", BP_MICROSOFT },
	{ "microsoft365", BP_MICROSOFT },
	{ "icloud", BP_APPLE },
};

/*
 * Markers that name the provider in the reply itself when the bounce
 * does not: Gmail ends each reply with "gsmtp", Microsoft names its
 * hosts and components, Yahoo and Apple their domains.  The bare names
 * come last: another provider's reply may quote a gmail.com address.
 */
static const struct {
	const char	*phrases;
	enum bounce_provider provider;
} provider_markers[] = {
	{ "gsmtp", BP_GMAIL },
	{ "outlook.com|hotmail|live.com|storedrv|resolver.|microsoft|"
	    "exchangelabs",
	    BP_MICROSOFT },
	{ "yahoo|aol.com", BP_YAHOO },
	{ "icloud|apple.com", BP_APPLE },
	{ "google.com|gmail", BP_GMAIL },
};

static const char *const provider_labels[] = {
	[BP_ANY] = NULL, [BP_GMAIL] = "gmail", [BP_YAHOO] = "yahoo",
	[BP_MICROSOFT] = "microsoft", [BP_APPLE] = "icloud",
};

/* Longest phrase of a rule; the tables' phrases are lower case. */
#define PHRASE_MAX	64

/*
 * Whether any of the '|'-separated phrases occurs in low, the reply text
 * in lower case (ASCII): it is lowered once, then searched with strstr.
 */
static bool
any_phrase(const char *low, const char *phrases)
{
	char needle[PHRASE_MAX];
	const char *p = phrases;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, "|");
		if (n > 0 && n < sizeof(needle)) {
			memcpy(needle, p, n);
			needle[n] = '\0';
			if (strstr(low, needle) != NULL)
				return true;
		}
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

/* The first len octets of s in ASCII lower case, NUL-terminated. */
static void
lower_copy(char *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];
	out[len] = '\0';
}

static enum bounce_provider
provider_of(const char *name, const char *low)
{
	size_t i;

	if (name != NULL)
		for (i = 0; i < sizeof(provider_names) /
		    sizeof(provider_names[0]); i++)
			if (strcmp(name, provider_names[i].name) == 0)
				return provider_names[i].provider;
	for (i = 0; i < sizeof(provider_markers) /
	    sizeof(provider_markers[0]); i++)
		if (any_phrase(low, provider_markers[i].phrases))
			return provider_markers[i].provider;
	return BP_ANY;
}

/* A parsed enhanced code; subj is SUBJ_NONE when there is none. */
struct enhanced {
	int		 cls, subj, detail;
};

static void
enhanced_split(const char *s, struct enhanced *e)
{
	struct aa_bounce_reply r;

	e->cls = 0;
	e->subj = SUBJ_NONE;
	e->detail = 0;
	if (s == NULL || !aa_bounce_reply_parse(s, strnlen(s,
	    AA_BOUNCE_TEXT_MAX), &r) || r.enhanced[0] == '\0')
		return;
	s = r.enhanced;
	e->cls = s[0] - '0';
	s += 2;
	for (e->subj = 0; *s != '.'; s++)
		e->subj = e->subj * 10 + (*s - '0');
	for (s++; *s != '\0'; s++)
		e->detail = e->detail * 10 + (*s - '0');
}

struct reply {
	int		 code, cls;
	struct enhanced	 enh;
	enum bounce_provider provider;
	char		 low[AA_BOUNCE_TEXT_MAX + 1];	/* lower-cased text */
};

static bool
rule_matches(const struct bounce_rule *r, const struct reply *q)
{
	if (r->provider != BP_ANY && r->provider != q->provider)
		return false;
	if (r->reply != 0 && r->reply - '0' != q->cls)
		return false;
	if (r->basic != 0 && r->basic != q->code)
		return false;
	if (r->subj == SUBJ_NONE && q->enh.subj != SUBJ_NONE)
		return false;
	if (r->subj >= 0 && (q->enh.subj != r->subj ||
	    q->enh.detail < r->lo || q->enh.detail > r->hi))
		return false;
	if (r->not7 && q->enh.subj == 7)
		return false;
	return r->phrases == NULL || any_phrase(q->low, r->phrases);
}

/*
 * aa_bounce_explain() with text (at most AA_BOUNCE_TEXT_MAX octets, NUL
 * terminated) already parsed into *in_text, so that no caller parses the
 * same reply twice.
 */
static void
explain_parsed(int code, const char *enhanced, const char *text,
    const struct aa_bounce_reply *in_text, const char *provider,
    struct aa_bounce_result *res)
{
	const struct bounce_rule *r;
	struct reply q;
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(&q, 0, sizeof(q));
	lower_copy(q.low, text, strnlen(text, AA_BOUNCE_TEXT_MAX));
	/* Codes the caller does not give come from the reply text. */
	q.code = code >= 200 && code <= 599 ? code : in_text->code;
	enhanced_split(enhanced, &q.enh);
	if (q.enh.subj == SUBJ_NONE)
		enhanced_split(in_text->enhanced, &q.enh);
	/* RFC 5321 4.2.1: the basic code decides; else RFC 3463's class. */
	q.cls = q.code != 0 ? q.code / 100 : q.enh.cls;
	res->code = q.code;
	if (q.enh.subj != SUBJ_NONE)
		snprintf(res->enhanced, sizeof(res->enhanced), "%d.%d.%d",
		    q.enh.cls, q.enh.subj, q.enh.detail);
	q.provider = provider_of(provider, q.low);
	res->permanent = q.cls == 5;
	/* 2xx is a success, and 3xx is no final reply (RFC 5321 4.2.1). */
	if (q.cls != 4 && q.cls != 5)
		return;
	for (i = 0; i < bounce_nrules; i++) {
		r = &bounce_rules[i];
		if (!rule_matches(r, &q))
			continue;
		res->class_ = classes[r->class_].name;
		res->meaning = r->meaning;
		res->source = r->source;
		res->provider = provider_labels[r->provider];
		return;
	}
}

void
aa_bounce_explain(int code, const char *enhanced, const char *text,
    const char *provider, struct aa_bounce_result *res)
{
	struct aa_bounce_reply in_text;

	if (text == NULL)
		text = "";
	aa_bounce_reply_parse(text, strnlen(text, AA_BOUNCE_TEXT_MAX),
	    &in_text);
	explain_parsed(code, enhanced, text, &in_text, provider, res);
}

const char *
aa_bounce_classify(int code, const char *enhanced, const char *text,
    const char *provider)
{
	struct aa_bounce_result res;

	aa_bounce_explain(code, enhanced, text, provider, &res);
	return res.class_;
}

const struct aa_bounce_class *
aa_bounce_class_info(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NCLASSES; i++)
		if (classes[i].name != NULL && strcmp(classes[i].name,
		    name) == 0)
			return &classes[i];
	return NULL;
}

const char *
aa_bounce_retry(bool permanent, const char *class_)
{
	if (permanent)
		return "never succeeds (5xx: a permanent failure)";
	if (class_ != NULL && strcmp(class_, "transient") == 0)
		return "likely succeeds; the sending server retries on its own "
		    "(4xx: a temporary failure)";
	return "can succeed once the cause is fixed (4xx: a temporary "
	    "failure)";
}

/* RFC 3464 2.3.3: these actions report no failure. */
static bool
failed_action(const char *action)
{
	static const char *const ok[] = { "delivered", "relayed", "expanded" };
	size_t i;

	if (action == NULL)
		return true;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(action, ok[i]) == 0)
			return false;
	return true;
}

/* "550 5.1.1: ", "550: ", "5.1.1: " or "" for the message. */
static const char *
codes(struct aa_report *rep, const struct aa_bounce_result *res)
{
	if (res->code != 0 && res->enhanced[0] != '\0')
		return aa_report_printf(rep, "%d %s: ", res->code,
		    res->enhanced);
	if (res->code != 0)
		return aa_report_printf(rep, "%d: ", res->code);
	if (res->enhanced[0] != '\0')
		return aa_report_printf(rep, "%s: ", res->enhanced);
	return "";
}

/*
 * The finding of one recipient whose class is not authentication: what
 * it is, the fix path, whether a retry can succeed, and that the
 * authentication results are context (the "no pointless DKIM
 * alarm").  A 4xx reply is a deferral: its finding is a warning.
 */
static void
add_finding(struct aa_report *rep, const struct aa_bounce_recipient *r,
    const struct aa_bounce_class *c, const struct aa_bounce_result *res)
{
	struct aa_finding *f;

	f = aa_report_add(rep, c->code, r->recipient,
	    "%s%s: %s. Fix: %s. A retry as-is %s. SPF, DKIM and DMARC are "
	    "not the cause: their results here are context only.",
	    codes(rep, res), c->headline, res->meaning, c->fix,
	    aa_bounce_retry(res->permanent, c->name));
	if (!res->permanent && f->severity > AA_SEV_WARNING)
		f->severity = AA_SEV_WARNING;
}

void
aa_bounce_recipient_explain(const struct aa_bounce_recipient *r,
    struct aa_bounce_result *res)
{
	struct aa_bounce_reply rp;
	const char *enh, *text;
	int code;

	if (!failed_action(r->action)) {
		memset(res, 0, sizeof(*res));
		return;
	}
	text = r->diagnostic != NULL ? r->diagnostic : "";
	aa_bounce_reply_parse(text, strnlen(text, AA_BOUNCE_TEXT_MAX), &rp);
	/*
	 * The remote server's own codes first: the Status field (RFC 3464
	 * 2.3.4) is the reporting MTA's reading of the reply.
	 */
	code = rp.code != 0 ? rp.code : r->code.set ? (int)r->code.v : 0;
	enh = rp.enhanced[0] != '\0' ? rp.enhanced : r->status;
	explain_parsed(code, enh, text, &rp, r->provider, res);
}

/* The rank of a class for aa_bounce_main(); lower heads. */
static int
rank(const struct aa_bounce_result *res)
{
	static const enum bounce_class order[] = { BC_AUTHENTICATION,
		BC_REVERSE_DNS, BC_RELAY, BC_REPUTATION, BC_VOLUME,
		BC_ADDRESS, BC_MAILBOX, BC_TRANSIENT };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(classes[order[i]].name, res->class_) == 0)
			break;
	return (res->permanent ? 0 : 100) + (int)i;
}

const struct aa_bounce_class *
aa_bounce_main(const struct aa_bounce *b, size_t *index)
{
	struct aa_bounce_result res;
	const char *best = NULL;
	size_t i, at = 0;
	int r, top = 0;

	for (i = 0; b != NULL && i < b->recipients.n; i++) {
		aa_bounce_recipient_explain(&b->recipients.v[i], &res);
		if (res.class_ == NULL)
			continue;
		r = rank(&res);
		if (best == NULL || r < top) {
			best = res.class_;
			top = r;
			at = i;
		}
	}
	if (index != NULL)
		*index = at;
	return aa_bounce_class_info(best);
}

static void
classify_recipient(struct aa_report *rep, struct aa_bounce_recipient *r)
{
	const struct aa_bounce_class *c;
	struct aa_bounce_result res;

	aa_bounce_recipient_explain(r, &res);
	r->class_ = res.class_;
	if (res.class_ != NULL && !r->code.set && res.code != 0)
		r->code = AA_INT(res.code);
	c = aa_bounce_class_info(res.class_);
	if (c != NULL && c->has_finding)
		add_finding(rep, r, c, &res);
}

void
aa_bounce_classify_report(struct aa_report *rep)
{
	struct aa_bounce *b;
	size_t i;

	if (rep == NULL || rep->input == NULL ||
	    (b = rep->input->bounce) == NULL)
		return;
	for (i = 0; i < b->recipients.n; i++)
		classify_recipient(rep, &b->recipients.v[i]);
}
