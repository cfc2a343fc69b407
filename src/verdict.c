/*
 * verdict.c: the verdict (design.md 3a "Verdict").  Reads the facts from
 * the report, asks each receiver model (receivers.c) which situation
 * applies and which reply it likely sends, ranks the receivers, and
 * names one root cause: the finding whose fix changes the outcome.
 * Every likely reject or defer comes from an error finding (design.md 3a
 * "Severity"): the cause finding is added or raised when it is not one.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_bounce.h"
#include "aa_dmarc.h"
#include "aa_msg.h"
#include "aa_verdict.h"
#include "verdict_int.h"

/* Replies of one receiver, alternatives included. */
#define MAX_ENTRIES	8

struct vr_entry {
	enum vr_outcome	 outcome;
	int		 code;
	const char	*enhanced, *reply;
	bool		 likely;
};

/* Whether a finding code exists (with that subject, unless NULL). */
static bool
has_finding_for(const struct aa_report *rep, enum aa_code code,
    const char *subject)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == code && (subject == NULL ||
		    (rep->findings.v[i].subject != NULL &&
		    strcmp(rep->findings.v[i].subject, subject) == 0)))
			return true;
	return false;
}

static bool
has_finding(const struct aa_report *rep, enum aa_code code)
{
	return has_finding_for(rep, code, NULL);
}

/* The domain part of an address; "" for the null path. */
static const char *
addr_domain(const char *addr)
{
	const char *at;

	if (addr == NULL)
		return NULL;
	at = strrchr(addr, '@');
	return at != NULL ? at + 1 : addr;
}

static enum vr_ptr
ptr_state(const struct aa_report *rep, const char *ip)
{
	if (ip == NULL || has_finding(rep, AA_F_PTR_NOT_CHECKED))
		return VR_PTR_UNKNOWN;
	if (has_finding(rep, AA_F_PTR_MISSING))
		return VR_PTR_MISSING;
	if (has_finding(rep, AA_F_FCRDNS_MISMATCH))
		return VR_PTR_MISMATCH;
	return VR_PTR_OK;
}

static void
read_facts(const struct aa_report *rep, const struct aa_verdict_params *p,
    struct vr_facts *f)
{
	const struct aa_input *in = rep->input;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (in != NULL) {
		f->from_domain = in->from_domain;
		f->ip = in->ip;
	}
	if (f->from_domain == NULL && rep->dmarc != NULL)
		f->from_domain = rep->dmarc->from_domain;
	f->ipv6 = f->ip != NULL && strchr(f->ip, ':') != NULL;
	if (rep->spf != NULL) {
		f->spf = rep->spf->result;
		f->spf_domain = rep->spf->domain;
	}
	if (f->spf_domain == NULL && in != NULL)
		f->spf_domain = addr_domain(in->mail_from);
	/*
	 * RFC 7489 3.1 alignment is the DMARC check's (by the PSL).  Where it
	 * did not say (no usable record, temperror) no receiver applies
	 * DMARC, so alignment decides nothing: not aligned.
	 */
	f->spf_aligned = rep->dmarc != NULL &&
	    rep->dmarc->spf_aligned == AA_TRI_TRUE;
	f->dkim = rep->dkim;
	f->assume_dkim = p->assume_dkim_domain;
	/* design.md 1: `domain` assumes no DKIM unless a key lints clean. */
	f->dkim_known = rep->dkim != NULL || f->assume_dkim != NULL ||
	    vr_eq(rep->command, "domain");
	f->dmarc = rep->dmarc;
	f->ptr = ptr_state(rep, f->ip);
	f->bulk = p->bulk;
	f->multi_from = has_finding(rep, AA_F_MSG_MULTIPLE_FROM);
	f->nonexistent = has_finding_for(rep, AA_F_DOMAIN_NONEXISTENT,
	    f->from_domain);
	f->null_mx = has_finding_for(rep, AA_F_MX_NULL, f->spf_domain);
	f->spf_temp = vr_eq(f->spf, "temperror");
	for (i = 0; rep->dkim != NULL && i < rep->dkim->signatures.n; i++)
		if (vr_eq(rep->dkim->signatures.v[i].result, "temperror"))
			f->dkim_temp = true;
}

/*
 * The disposition a receiver applies when its DMARC result is fail: the
 * DMARC check's rule (RFC 7489 6.6.4), for the policy it applied.  A
 * sampled-out share that gets the same disposition is no alternative.
 */
static void
fail_disposition(const struct aa_dmarc_report *d, struct vr_view *v)
{
	const char *pol = vr_eq(d->applied, "sp") ? d->subdomain_policy :
	    d->policy;
	enum aa_dmarc_pol p = vr_eq(pol, "reject") ? AA_DMARC_POL_REJECT :
	    vr_eq(pol, "quarantine") ? AA_DMARC_POL_QUARANTINE :
	    AA_DMARC_POL_NONE;

	aa_dmarc_fail_disposition(p, d->pct.set ? (int)d->pct.v : -1,
	    &v->disposition, &v->sampled_out);
	if (vr_eq(v->sampled_out, v->disposition))
		v->sampled_out = NULL;
}

/*
 * DMARC as this receiver sees it.  aligned_pass: an aligned pass it
 * verifies; ignored: an aligned pass it cannot verify (ed25519).
 */
static void
view_dmarc(struct vr_view *v, bool aligned_pass, bool ignored)
{
	const struct aa_dmarc_report *d = v->f->dmarc;

	if (d == NULL || d->result == NULL) {
		v->dmarc = VR_DMARC_UNKNOWN;
		return;
	}
	v->pct = d->pct.set ? d->pct.v : 100;
	if (vr_eq(d->result, "pass") && !aligned_pass && ignored) {
		/* The aligned pass was an algorithm this receiver ignores. */
		v->dmarc = VR_DMARC_FAIL;
		fail_disposition(d, v);
	} else if (vr_eq(d->result, "pass") || (vr_eq(d->result, "fail") &&
	    aligned_pass && v->f->assume_dkim != NULL))
		/* design.md 1: `domain -s` assumes an aligned DKIM pass. */
		v->dmarc = VR_DMARC_PASS;
	else if (vr_eq(d->result, "fail")) {
		v->dmarc = VR_DMARC_FAIL;
		v->disposition = d->disposition;
		v->sampled_out = d->disposition_sampled_out;
		if (d->disposition == NULL)
			fail_disposition(d, v);
	} else if (vr_eq(d->result, "temperror"))
		v->dmarc = VR_DMARC_TEMP;
	else
		v->dmarc = VR_DMARC_NONE;	/* none, permerror */
	if (v->dmarc == VR_DMARC_FAIL && d->rfc9989 != NULL &&
	    d->rfc9989->disposition != NULL &&
	    !vr_eq(d->rfc9989->disposition, v->disposition))
		v->rfc9989 = d->rfc9989->disposition;
}

void
vr_view_of(const struct vr_facts *f, enum aa_rcv rcv, struct vr_view *v)
{
	const struct vr_receiver *r = vr_receiver(rcv);
	const struct aa_dkim_sig *s;
	bool aligned_pass, ignored = false;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->f = f;
	v->rcv = rcv;
	v->spf_pass = vr_eq(f->spf, "pass");
	for (i = 0; f->dkim != NULL && i < f->dkim->signatures.n; i++) {
		s = &f->dkim->signatures.v[i];
		if (!vr_eq(s->result, "pass"))
			continue;
		/* An ed25519 signature is no signature to a receiver that
		 * does not verify it (RFC 6376 6.1: unsupported algorithm). */
		if (!r->ed25519 && s->algorithm != NULL &&
		    strncmp(s->algorithm, "ed25519", 7) == 0) {
			ignored = ignored || s->aligned == AA_TRI_TRUE;
			continue;
		}
		v->dkim_pass = true;
		if (s->aligned == AA_TRI_TRUE)
			v->dkim_aligned = true;
	}
	if (f->assume_dkim != NULL)
		v->dkim_pass = v->dkim_aligned = true;
	aligned_pass = v->dkim_aligned || (v->spf_pass && f->spf_aligned);
	view_dmarc(v, aligned_pass, ignored);
}

static void
entry(struct vr_entry *e, size_t *n, enum vr_outcome o, int code,
    const char *enhanced, const char *reply, bool likely)
{
	if (*n >= MAX_ENTRIES)
		return;
	e[*n].outcome = o;
	e[*n].code = code;
	e[*n].enhanced = enhanced;
	e[*n].reply = reply;
	e[*n].likely = likely;
	(*n)++;
}

static enum vr_outcome
outcome_of(const char *disp)
{
	if (vr_eq(disp, "reject"))
		return VR_REJECT;
	return vr_eq(disp, "quarantine") ? VR_QUARANTINE : VR_DELIVER;
}

/*
 * The replies of one receiver in one situation.  A DMARC disposition
 * under 0 < pct < 100 applies to pct percent of the mail, the rest gets
 * the next lower one (RFC 7489 6.6.4): the larger share is likely.  An
 * RFC 9989 receiver may differ (t=y, np): an alternative.
 */
static size_t
entries(const struct vr_view *v, enum vr_rule rule, struct vr_entry *e)
{
	const struct vr_reply *r;
	size_t i, nr = 0, n = 0;
	bool dmarc = rule == VR_DMARC_REJECT || rule == VR_DMARC_QUARANTINE;
	bool sampled = dmarc && v->sampled_out != NULL;

	r = vr_replies(v->rcv, rule, &nr);
	for (i = 0; i < nr; i++)
		entry(e, &n, r[i].outcome, r[i].code, r[i].enhanced,
		    r[i].reply, r[i].likely && (!sampled || v->pct >= 50));
	if (nr == 0)
		return 0;
	if (sampled)
		entry(e, &n, outcome_of(v->sampled_out), 250, NULL, NULL,
		    v->pct < 50);
	if (dmarc && v->rfc9989 != NULL && !vr_eq(v->rfc9989, v->sampled_out))
		entry(e, &n, outcome_of(v->rfc9989), 250, NULL, NULL, false);
	return n;
}

static const struct vr_entry *
likely_entry(const struct vr_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (e[i].likely)
			return &e[i];
	return n > 0 ? &e[0] : NULL;
}

/*
 * R&T §0 "Stage matters": a reply given at MAIL FROM ends the transaction
 * before DATA, where DMARC and the rest are decided.
 */
static bool
early(enum vr_rule rule)
{
	return rule == VR_NONEXISTENT;
}

/*
 * The situation of one receiver: the first early reply that is not a
 * delivery, else the most severe likely reply (ties: the earlier rule).
 */
static enum vr_rule
choose(const struct vr_view *v, struct vr_entry *best, size_t *nbest)
{
	struct vr_entry e[MAX_ENTRIES];
	const struct vr_entry *l, *bl = NULL;
	enum vr_rule rule, chosen = VR__COUNT;
	size_t n;

	*nbest = 0;
	for (rule = 0; rule < VR__COUNT; rule++) {
		if (!vr_rule_applies(rule, v))
			continue;
		if ((n = entries(v, rule, e)) == 0)
			continue;
		l = likely_entry(e, n);
		if (bl != NULL && ((early(chosen) &&
		    bl->outcome != VR_DELIVER) || l->outcome <= bl->outcome))
			continue;
		memcpy(best, e, n * sizeof(e[0]));
		*nbest = n;
		bl = likely_entry(best, n);
		chosen = rule;
	}
	if (chosen == VR__COUNT)
		entry(best, nbest, VR_DELIVER, 250, NULL, NULL, true);
	return chosen;
}

static enum aa_code
first_present(const struct aa_report *rep, const enum aa_code *codes,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (has_finding(rep, codes[i]))
			return codes[i];
	return AA_F__COUNT;
}

/* The SPF finding that explains a result other than pass. */
static enum aa_code
spf_cause(const struct aa_report *rep, const struct vr_facts *f)
{
	static const enum aa_code permerror[] = { AA_F_SPF_MULTIPLE_RECORDS,
		AA_F_SPF_SYNTAX, AA_F_SPF_TOO_MANY_LOOKUPS,
		AA_F_SPF_TOO_MANY_VOID_LOOKUPS, AA_F_SPF_MX_TOO_MANY_NAMES,
		AA_F_SPF_INCLUDE_LOOP, AA_F_SPF_INCLUDE_NONE };
	enum aa_code c;

	if (vr_eq(f->spf, "fail"))
		return AA_F_SPF_FAIL;
	if (vr_eq(f->spf, "softfail"))
		return AA_F_SPF_SOFTFAIL;
	if (vr_eq(f->spf, "none"))
		return AA_F_SPF_NONE;
	if (vr_eq(f->spf, "temperror"))
		return AA_F_SPF_TEMPERROR;
	if (vr_eq(f->spf, "permerror")) {
		c = first_present(rep, permerror, sizeof(permerror) /
		    sizeof(permerror[0]));
		return c != AA_F__COUNT ? c : AA_F_SPF_SYNTAX;
	}
	return AA_F__COUNT;	/* neutral: nothing to fix but a term */
}

/* The first DKIM error finding (a signature that does not pass). */
static enum aa_code
dkim_cause(const struct aa_report *rep)
{
	const struct aa_finding_info *info;
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		info = aa_finding_info(rep->findings.v[i].code);
		if (info != NULL && strncmp(info->id, "dkim-", 5) == 0 &&
		    info->severity == AA_SEV_ERROR &&
		    rep->findings.v[i].code != AA_F_DKIM_TEMPERROR)
			return rep->findings.v[i].code;
	}
	return AA_F_DKIM_NONE;
}

static enum aa_code
unauth_cause(const struct aa_report *rep, const struct vr_facts *f)
{
	enum aa_code c = spf_cause(rep, f);

	if (c == AA_F_SPF_FAIL || (c != AA_F__COUNT &&
	    aa_finding_info(c)->severity == AA_SEV_ERROR))
		return c;
	if (dkim_cause(rep) != AA_F_DKIM_NONE || c == AA_F__COUNT)
		return dkim_cause(rep);
	return c;
}

static enum aa_code
bulk_cause(const struct aa_report *rep, const struct vr_view *v)
{
	const struct vr_facts *f = v->f;
	enum aa_code c;

	if (f->spf != NULL && !v->spf_pass &&
	    (c = spf_cause(rep, f)) != AA_F__COUNT)
		return c;
	if (f->dkim_known && !v->dkim_pass)
		return dkim_cause(rep);
	if (v->dmarc == VR_DMARC_NONE)
		return has_finding(rep, AA_F_DMARC_MULTIPLE_RECORDS) ?
		    AA_F_DMARC_MULTIPLE_RECORDS : has_finding(rep,
		    AA_F_DMARC_SYNTAX) ? AA_F_DMARC_SYNTAX : AA_F_DMARC_NONE;
	if (v->dmarc == VR_DMARC_FAIL)
		return AA_F_DMARC_FAIL;
	return f->ptr == VR_PTR_MISMATCH ? AA_F_FCRDNS_MISMATCH :
	    AA_F_PTR_MISSING;
}

/* The finding whose fix changes this receiver's outcome. */
static enum aa_code
cause_of(const struct aa_report *rep, enum vr_rule rule,
    const struct vr_view *v)
{
	const struct vr_facts *f = v->f;

	switch (rule) {
	case VR_MULTI_FROM:
		return AA_F_MSG_MULTIPLE_FROM;
	case VR_NONEXISTENT:
		return AA_F_DOMAIN_NONEXISTENT;
	case VR_BULK_AUTH:
	case VR_BULK_ALL:
		return bulk_cause(rep, v);
	case VR_SPF_TEMP:
		return AA_F_SPF_TEMPERROR;
	case VR_TEMP:
		if (v->dmarc == VR_DMARC_TEMP)
			return AA_F_DMARC_TEMPERROR;
		return f->spf_temp ? AA_F_SPF_TEMPERROR : AA_F_DKIM_TEMPERROR;
	case VR_DMARC_REJECT:
	case VR_DMARC_QUARANTINE:
	case VR_BULK_ALIGN:
		return AA_F_DMARC_FAIL;
	case VR_UNAUTH_V6:
	case VR_UNAUTH:
		return unauth_cause(rep, f);
	case VR_SPF_FAIL:
	case VR_SPF_HARDFAIL:
		return AA_F_SPF_FAIL;
	case VR_SPF_PERMERROR:
	case VR_BULK_SPF:
		return spf_cause(rep, f) != AA_F__COUNT ? spf_cause(rep, f) :
		    AA_F_SPF_FAIL;
	case VR_BULK_NO_DMARC:
		return bulk_cause(rep, v);
	case VR_BULK_DKIM:
		return dkim_cause(rep);
	case VR_PTR_V6:
	case VR_PTR:
		return f->ptr == VR_PTR_MISMATCH ? AA_F_FCRDNS_MISMATCH :
		    AA_F_PTR_MISSING;
	case VR_NULL_MX:
		return AA_F_MX_NULL;
	case VR__COUNT:
		break;
	}
	return AA_F__COUNT;
}

/* Subject of a cause finding: the domain design.md 3a fixes for it. */
static const char *
cause_subject(const struct vr_facts *f, enum aa_code c)
{
	const char *id = aa_finding_info(c)->id;

	if (strncmp(id, "spf-", 4) == 0 || c == AA_F_MX_NULL)
		return f->spf_domain != NULL ? f->spf_domain : f->from_domain;
	if ((c == AA_F_PTR_MISSING || c == AA_F_FCRDNS_MISMATCH) &&
	    f->ip != NULL)
		return f->ip;
	return f->from_domain;
}

/*
 * design.md 3a "Severity": a likely reject or defer comes from an error
 * finding.  Add the cause when no check reported it (a `domain` audit
 * without -s has no dkim-none of its own), raise it when it is weaker.
 */
static void
make_error(struct aa_report *rep, const struct vr_facts *f, enum aa_code c,
    const char *why)
{
	size_t i;
	bool found = false;

	for (i = 0; i < rep->findings.n; i++) {
		if (rep->findings.v[i].code != c)
			continue;
		found = true;
		rep->findings.v[i].severity = AA_SEV_ERROR;
	}
	if (!found)
		aa_report_add(rep, c, cause_subject(f, c), "%s",
		    why)->severity = AA_SEV_ERROR;
}

static const char *
cause_text(const struct vr_view *v, enum aa_code c)
{
	switch (c) {
	case AA_F_DKIM_NONE:
		if (v->f->dkim != NULL && v->f->dkim->signatures.n > 0)
			return "no DKIM signature passes";
		/* design.md 1: `domain` assumes no DKIM without a clean key. */
		return "no -s key lints clean, so the verdict assumes mail "
		    "without a DKIM signature";
	case AA_F_DMARC_NONE:
		return "no DMARC record for the author domain";
	default:
		break;
	}
	return aa_finding_info(c)->summary;
}

static bool
wanted(const char *filter, enum aa_rcv r)
{
	return filter == NULL || strcmp(filter, "all") == 0 ||
	    strcmp(filter, vr_receiver(r)->name) == 0;
}

/* A field's unfolded value (caller frees), or NULL when absent. */
static char *
field_value(const struct aa_msg *msg, const char *name)
{
	long i = aa_msg_find(msg, name, 0);

	return i < 0 ? NULL : aa_msg_field_unfolded(aa_msg_field(msg,
	    (size_t)i), NULL);
}

static bool
has_https_uri(const char *v)
{
	for (; v != NULL && (v = strchr(v, '<')) != NULL; v++)
		if (strncasecmp(v + 1, "https:", 6) == 0)
			return true;
	return false;
}

/* RFC 8058 4: a valid DKIM signature covers both fields. */
static bool
unsubscribe_signed(const struct aa_dkim_report *d)
{
	const struct aa_dkim_sig *s;
	size_t i, k;
	int seen;

	for (i = 0; d != NULL && i < d->signatures.n; i++) {
		s = &d->signatures.v[i];
		if (!vr_eq(s->result, "pass"))
			continue;
		for (k = 0, seen = 0; k < s->headers_signed.n; k++) {
			if (strcmp(s->headers_signed.v[k],
			    "list-unsubscribe") == 0)
				seen |= 1;
			if (strcmp(s->headers_signed.v[k],
			    "list-unsubscribe-post") == 0)
				seen |= 2;
		}
		if (seen == 3)
			return true;
	}
	return false;
}

/*
 * RFC 8058 3.1: List-Unsubscribe with an HTTPS URI and
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click; 4: both signed.
 * Gmail and Yahoo require it of bulk senders (R&T §2 bulk-sender rules).
 */
static void
check_unsubscribe(struct aa_report *rep, const struct vr_facts *f,
    const struct aa_msg *msg)
{
	char *lu = field_value(msg, "List-Unsubscribe");
	char *post = field_value(msg, "List-Unsubscribe-Post");
	const char *why = NULL;

	if (!has_https_uri(lu))
		why = "no List-Unsubscribe field with an https URI";
	else if (post == NULL || strcmp(post,
	    "List-Unsubscribe=One-Click") != 0)
		why = "no List-Unsubscribe-Post: List-Unsubscribe=One-Click";
	else if (f->dkim != NULL && !unsubscribe_signed(f->dkim))
		why = "no passing DKIM signature covers List-Unsubscribe and "
		    "List-Unsubscribe-Post (RFC 8058 4)";
	if (why != NULL)
		aa_report_add(rep, AA_F_BULK_UNSUBSCRIBE_MISSING,
		    f->from_domain, "bulk mail needs one-click unsubscribe "
		    "(RFC 8058; Gmail and Yahoo bulk-sender rules): %s", why);
	free(lu);
	free(post);
}

static void
push_entries(struct aa_report *rep, const struct vr_facts *f,
    enum aa_rcv rcv, const struct vr_entry *e, size_t n)
{
	struct aa_receiver_out *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = AA_VEC_PUSH(rep->arena, rep->verdict->receivers);
		o->name = vr_receiver(rcv)->name;
		o->outcome = vr_outcome_str(e[i].outcome);
		o->code = AA_INT(e[i].code);
		o->enhanced = e[i].enhanced;
		o->reply = e[i].reply != NULL ? vr_fill(rep, f, e[i].reply) :
		    NULL;
		o->likely = e[i].likely;
	}
}

static const struct vr_choice *
choice_for(const struct vr_choice *ch, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(vr_receiver(ch[i].rcv)->name, name) == 0)
			return &ch[i];
	return NULL;
}

/*
 * How a bounce's status compares with a receiver's replies: 2 the likely
 * one, 1 an alternative, 3 the likely one's subject and detail in the
 * other class (421 4.7.26 for 550 5.7.26: RFC 3463 2), 0 none.
 */
static int
bounce_match(const struct aa_verdict *v, const char *name, const char *st)
{
	const struct aa_receiver_out *o;
	int m = 0;
	size_t i;

	for (i = 0; i < v->receivers.n; i++) {
		o = &v->receivers.v[i];
		if (strcmp(o->name, name) != 0 || o->enhanced == NULL)
			continue;
		if (strcmp(o->enhanced, st) == 0 && o->likely)
			return 2;
		if (strcmp(o->enhanced, st) == 0)
			m = 1;
		else if (m == 0 && o->likely && strlen(st) > 2 &&
		    strcmp(o->enhanced + 1, st + 1) == 0)
			m = 3;
	}
	return m;
}

/* What a bounce's reply says against receiver c's prediction. */
static const char *
bounce_phrase(struct aa_report *rep, const struct aa_bounce_recipient *b,
    const struct vr_choice *c, int m)
{
	if (m == 2)
		return "agrees with this prediction.";
	if (m == 1)
		return "matches one of the replies it may send here (see the "
		    "alternatives).";
	if (m == 3)
		return aa_report_printf(rep, "is the %s form of the predicted "
		    "%d %s: same cause.", b->code.v < 500 ? "temporary" :
		    "permanent", c->code, c->enhanced);
	if (c->outcome < VR_DEFER && vr_eq(b->class_, "authentication"))
		return "is an authentication rejection, but the records "
		    "published now pass: the DNS changed since, or the message "
		    "was altered in transit.";
	if (!vr_eq(b->class_, "authentication") && !vr_eq(b->class_, "reverse-dns"))
		return aa_report_printf(rep, "is not about authentication "
		    "(%s): the verdict does not explain it.",
		    b->class_ != NULL ? b->class_ : "unclassified");
	return aa_report_printf(rep, "differs from this prediction (%d%s%s): "
	    "the receiver weighed the failures otherwise, or the DNS changed "
	    "since.", c->code, c->enhanced != NULL ? " " : "",
	    c->enhanced != NULL ? c->enhanced : "");
}

/*
 * Issue 7 item 4: a bounce's reply against the prediction for the same
 * receiver: agree, or say why they may differ.  NULL when no recipient's
 * reply came from a modelled receiver.
 */
static const char *
bounce_note(struct aa_report *rep, const struct vr_choice *ch, size_t n)
{
	const struct aa_bounce *bo;
	const struct aa_bounce_recipient *b;
	const struct vr_choice *c;
	size_t i, k, first = 0;
	int m;

	if (rep->input == NULL || (bo = rep->input->bounce) == NULL)
		return NULL;
	/* The recipient whose class heads the report comes first. */
	if (aa_bounce_main(bo, &first) == NULL)
		first = 0;
	for (k = 0; k < bo->recipients.n; k++) {
		i = (first + k) % bo->recipients.n;
		b = &bo->recipients.v[i];
		if ((c = choice_for(ch, n, b->provider)) == NULL ||
		    !b->code.set || b->code.v < 400)
			continue;
		m = b->status != NULL ? bounce_match(rep->verdict, b->provider,
		    b->status) : 0;
		return aa_report_printf(rep, "The bounce from %s (%lld%s%s) %s",
		    vr_receiver(c->rcv)->label, b->code.v, b->status != NULL ?
		    " " : "", b->status != NULL ? b->status : "",
		    bounce_phrase(rep, b, c, m));
	}
	return NULL;
}

/*
 * Issue 10: a bounce whose reply is not about authentication (address,
 * mailbox, relay, reputation, volume, transient) has that class as its
 * cause when no receiver is predicted to reject or defer the message for
 * authentication: the summary says so first and its fix path comes
 * first.  The receivers' predictions stay as they are, as context.
 * Authentication and reverse-DNS replies are explained by the checks.
 */
static bool
bounce_cause(struct aa_report *rep)
{
	const struct aa_bounce_class *bc;
	const struct aa_bounce_recipient *b;
	struct aa_bounce_result br;
	struct aa_verdict *v = rep->verdict;
	struct aa_fix *fx;
	size_t bi;

	/* When authentication explains a reject or defer, it stays the cause. */
	if (v->cause != NULL || rep->input == NULL ||
	    rep->input->bounce == NULL ||
	    (bc = aa_bounce_main(rep->input->bounce, &bi)) == NULL ||
	    !bc->has_finding)
		return false;
	b = &rep->input->bounce->recipients.v[bi];
	aa_bounce_recipient_explain(b, &br);
	v->cause = aa_finding_info(bc->code)->id;
	v->summary = aa_report_printf(rep, "Bounce: %s (%s%s%s%s%s): %s. "
	    "Fix: %s. Authentication, for context only: %s",
	    bc->headline, b->recipient != NULL ? b->recipient : "recipient",
	    br.code != 0 ? ", " : "", br.code != 0 ?
	    aa_report_printf(rep, "%d", br.code) : "",
	    br.enhanced[0] != '\0' ? " " : "", br.enhanced,
	    br.meaning != NULL ? br.meaning : bc->meaning, bc->fix,
	    v->summary != NULL ? v->summary : "");
	/* The fix path of the class comes before the checks' fixes. */
	fx = AA_VEC_PUSH(rep->arena, v->fixes);
	fx->text = aa_report_strdup(rep, bc->fix);
	return true;
}

/*
 * One receiver: its situation, its replies into the report, and the
 * cause made an error finding when it likely rejects or defers.
 */
static void
judge(struct aa_report *rep, const struct vr_facts *f, enum aa_rcv r,
    struct vr_choice *c)
{
	struct vr_entry e[MAX_ENTRIES];
	const struct vr_entry *l;
	struct vr_view v;
	size_t n;

	vr_view_of(f, r, &v);
	c->rcv = r;
	c->rule = choose(&v, e, &n);
	l = likely_entry(e, n);
	c->outcome = l->outcome;
	c->code = l->code;
	c->enhanced = l->enhanced;
	c->reply = l->reply;
	c->cause = c->rule == VR__COUNT ? AA_F__COUNT :
	    cause_of(rep, c->rule, &v);
	if (c->cause != AA_F__COUNT && l->outcome >= VR_DEFER)
		make_error(rep, f, c->cause, cause_text(&v, c->cause));
	push_entries(rep, f, r, e, n);
}

/*
 * design.md 3a: the top outcome is the most severe likely one, ties in
 * receiver order; it moves to ch[0], the others keep their order.
 */
static void
set_top(struct aa_verdict *v, struct vr_choice *ch, size_t n)
{
	struct vr_choice t;
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (ch[i].outcome > ch[best].outcome)
			best = i;
	v->outcome = vr_outcome_str(ch[best].outcome);
	v->code = AA_INT(ch[best].code);
	v->enhanced = ch[best].enhanced;
	if (ch[best].cause != AA_F__COUNT && ch[best].outcome != VR_DELIVER)
		v->cause = aa_finding_info(ch[best].cause)->id;
	t = ch[best];
	memmove(&ch[1], &ch[0], best * sizeof(ch[0]));
	ch[0] = t;
}

enum aa_status
aa_verdict_build(struct aa_report *rep, const struct aa_verdict_params *p)
{
	struct vr_facts f;
	struct vr_choice ch[AA_RCV__COUNT];
	struct vr_view top;
	const char *note;
	size_t nch = 0;
	int r;

	if (rep == NULL || p == NULL)
		return AA_EINVAL;
	if (vr_eq(rep->command, "domain") && (rep->input == NULL ||
	    rep->input->ip == NULL))
		return AA_OK;
	for (r = 0; r < AA_RCV__COUNT; r++)
		if (wanted(p->receiver, (enum aa_rcv)r))
			nch++;
	if (nch == 0)
		return AA_EINVAL;
	read_facts(rep, p, &f);
	if (p->bulk && p->msg != NULL)
		check_unsubscribe(rep, &f, p->msg);
	rep->verdict = aa_arena_alloc(rep->arena, sizeof(*rep->verdict));
	rep->verdict->assumes = aa_report_strdup(rep, p->assumes);
	for (r = 0, nch = 0; r < AA_RCV__COUNT; r++)
		if (wanted(p->receiver, (enum aa_rcv)r))
			judge(rep, &f, (enum aa_rcv)r, &ch[nch++]);
	set_top(rep->verdict, ch, nch);
	vr_view_of(&f, ch[0].rcv, &top);
	rep->verdict->summary = vr_summary(rep, &f, &top, ch);
	if (!bounce_cause(rep) && (note = bounce_note(rep, ch, nch)) != NULL)
		rep->verdict->summary = aa_report_printf(rep, "%s. %s",
		    rep->verdict->summary, note);
	vr_fixes(rep, &f, ch, nch);
	return AA_OK;
}
