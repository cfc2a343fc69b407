/*
 * dmarc_eval.c: DMARC as RFC 7489 receivers deploy it (discovery at the
 * author domain, then the organizational domain by the PSL; p, sp, pct),
 * with RFC 9989 beside it (dmarc_bis.c) and libopendmarc's opinion
 * (dmarc_opendmarc.c).  The semantics of every field are design.md 3a.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_clock.h"
#include "aa_dmarc.h"
#include "aa_psl.h"
#include "aa_report.h"
#include "aa_xmalloc.h"
#include "dmarc_int.h"

#define MAX_VALUE_SHOWN	80	/* octets of a bad value quoted in a finding */
#define MAX_DOMAINS	16	/* author domains evaluated */

/* One author domain, evaluated under both rule sets. */
struct dm_eval {
	char		*from;
	/* RFC 7489 */
	struct dm_lookup lk;		/* of the record used */
	char		*record_domain;	/* NULL: no record */
	char		*org_psl;
	bool		 at_org;	/* found at the org domain, not from */
	bool		 usable;
	enum aa_dmarc_pol pol;		/* the policy that applies */
	const char	*applied;
	enum aa_tri	 spf_al, dkim_al;
	const char	*result, *disp, *sampled;
	char		*why;		/* dmarc-fail's sentence */
	/* RFC 9989 */
	struct dm_walk	 walk;
	char		*org_walk;
	bool		 org_walk_temp;
	enum aa_dmarc_pol pol9;
	const char	*result9, *disp9;
	bool		 nonexistent;
	const char	*np_temp;	/* rcode when np's A lookup failed */
	char		*why9;		/* what makes RFC 9989 differ */
};

struct dm_ctx {
	struct aa_dns	*dns;
	struct aa_report *rep;
	const struct aa_psl *psl;
	const struct aa_dmarc_params *par;
	/* Record domains already linted (one set of lint findings each). */
	const char	*linted[MAX_DOMAINS * 2];
	size_t		 nlinted;
};

/* What the identifiers say for one author domain under one rule set. */
struct dm_ids {
	bool		 spf_known, spf_id, spf_pass, spf_temp;
	bool		 dkim_pass, dkim_temp, dkim_neutral;
	const char	*dkim_pass_unaligned;	/* a passing d=, not aligned */
	const char	*dkim_aligned_bad;	/* an aligned d=, not passing */
	const char	*dkim_aligned_result;
	size_t		 nsigs;
};

static bool
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Equal names, ignoring case and one trailing dot. */
static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && la > 0 && strncasecmp(a, b, la) == 0;
}

bool
aa_dmarc_aligned(const struct aa_psl *psl, const char *id, const char *author,
    bool strict)
{
	char *o1, *o2;
	bool r;

	if (id == NULL || author == NULL)
		return false;
	/* RFC 7489 3.1.1 and 3.1.2: strict means identical. */
	if (same_name(id, author))
		return true;
	if (strict || psl == NULL)
		return false;
	/* Relaxed: the same organizational domain; a suffix has none. */
	o1 = aa_psl_org_domain(psl, id);
	o2 = aa_psl_org_domain(psl, author);
	r = o1 != NULL && o2 != NULL && strcmp(o1, o2) == 0;
	free(o1);
	free(o2);
	return r;
}

/* RFC 9989 relaxed alignment: organizational domains by the tree walk. */
static bool
aligned9(struct dm_ctx *c, struct dm_eval *e, const char *id, bool strict,
    bool *temp)
{
	char *o;
	bool t, r;

	if (id == NULL)
		return false;
	if (same_name(id, e->from))
		return true;
	if (strict || e->org_walk == NULL)
		return false;
	if ((o = dm_walk_org(c->dns, id, &t)) == NULL) {
		*temp = true;
		return false;
	}
	r = strcmp(o, e->org_walk) == 0;
	free(o);
	return r;
}

static enum aa_dmarc_pol
lower_pol(enum aa_dmarc_pol p)
{
	switch (p) {
	case AA_DMARC_POL_REJECT:
		return AA_DMARC_POL_QUARANTINE;
	case AA_DMARC_POL_QUARANTINE:
		return AA_DMARC_POL_NONE;
	default:
		return p;
	}
}

static int
result_weight(const char *r)
{
	static const char *const order[] = { "pass", "none", "permerror",
	    "temperror", "fail" };
	int i;

	if (r == NULL)
		return 3;	/* undetermined: as strict as permerror */
	for (i = 0; i < 5; i++)
		if (strcmp(r, order[i]) == 0)
			return i + 1;
	return 0;
}

static int
disp_weight(const char *d)
{
	if (d == NULL)
		return 0;
	if (strcmp(d, "reject") == 0)
		return 3;
	if (strcmp(d, "quarantine") == 0)
		return 2;
	return 1;
}

/* The strictest outcome first: disposition, then result. */
static int
rank(const struct dm_eval *e)
{
	return disp_weight(e->disp) * 10 + result_weight(e->result);
}

/* A finding's origin: the zone file and line of the record. */
static void
origin(struct aa_report *rep, struct aa_finding *f, const struct aa_rr *rr)
{
	if (f != NULL && rr != NULL && rr->file != NULL) {
		f->origin.file = aa_report_strdup(rep, rr->file);
		f->origin.line = rr->line;
	}
}

/* A quotable, escaped copy of a span of the record (arena). */
static const char *
quote(struct aa_report *rep, const struct aa_rr *rr, struct aa_dmarc_span v)
{
	size_t n = v.len > MAX_VALUE_SHOWN ? MAX_VALUE_SHOWN : v.len;
	char *esc;
	const char *s;

	esc = aa_dns_escape_text(rr->joined.data + v.off, n);
	s = aa_report_printf(rep, "%s%s", esc, n < v.len ? "..." : "");
	free(esc);
	return s;
}

static bool
already_linted(struct dm_ctx *c, const char *domain)
{
	size_t i;

	for (i = 0; i < c->nlinted; i++)
		if (strcmp(c->linted[i], domain) == 0)
			return true;
	if (c->nlinted < sizeof(c->linted) / sizeof(c->linted[0]))
		c->linted[c->nlinted++] = aa_report_strdup(c->rep, domain);
	return false;
}

static void
lint_issues(struct dm_ctx *c, const char *dom, const struct aa_rr *rr,
    const struct aa_dmarc_record *r)
{
	const struct aa_dmarc_issue *is;
	struct aa_finding *f;
	const char *name;
	size_t i;

	name = aa_report_printf(c->rep, "_dmarc.%s", dom);
	for (i = 0; i < r->nissues; i++) {
		is = &r->issues[i];
		if (is->tag[0] == '\0')
			f = aa_report_add(c->rep, is->code, dom,
			    "%s: \"%s\": %s", name, quote(c->rep, rr,
			    is->value), is->what);
		else if (is->value.len == 0)
			f = aa_report_add(c->rep, is->code, dom, "%s: %s: %s",
			    name, is->tag, is->what);
		else
			f = aa_report_add(c->rep, is->code, dom,
			    "%s: %s=%s: %s", name, is->tag, quote(c->rep, rr,
			    is->value), is->what);
		/* A bad tag that is only ignored leaves a working record. */
		if (is->code == AA_F_DMARC_SYNTAX && !is->fatal)
			f->severity = AA_SEV_WARNING;
		origin(c->rep, f, rr);
	}
	if (r->issues_dropped > 0)
		aa_report_add(c->rep, AA_F_DMARC_SYNTAX, dom, "%s: %zu more "
		    "problems not listed", name, r->issues_dropped);
}

/*
 * RFC 7489 7.1: a report destination outside the organizational domain
 * must publish <record domain>._report._dmarc.<destination> starting
 * with v=DMARC1, else receivers do not send it reports.
 */
static void
check_destinations(struct dm_ctx *c, const char *dom, const struct aa_rr *rr,
    const struct aa_dmarc_record *r)
{
	const struct aa_answer *ans;
	const char *txt = (const char *)rr->joined.data;
	struct aa_dmarc_record *tmp;
	char *dest, *o1, *o2, *name;
	size_t i, j, k;
	bool ok, seen;

	tmp = aa_xmalloc(sizeof(*tmp));
	o2 = aa_psl_org_domain(c->psl, dom);
	for (i = 0; i < r->nuris; i++) {
		if (!r->uris[i].valid || r->uris[i].domain.len == 0)
			continue;
		seen = false;
		for (j = 0; j < i && !seen; j++)
			seen = r->uris[j].domain.len == r->uris[i].domain.len &&
			    strncasecmp(txt + r->uris[j].domain.off,
			    txt + r->uris[i].domain.off,
			    r->uris[i].domain.len) == 0;
		if (seen)
			continue;
		dest = aa_xstrndup(txt + r->uris[i].domain.off,
		    r->uris[i].domain.len);
		for (k = 0; dest[k] != '\0'; k++)
			if (dest[k] >= 'A' && dest[k] <= 'Z')
				dest[k] = (char)(dest[k] - 'A' + 'a');
		o1 = aa_psl_org_domain(c->psl, dest);
		if (same_name(dest, dom) || (o1 != NULL && o2 != NULL &&
		    strcmp(o1, o2) == 0)) {
			free(o1);
			free(dest);
			continue;
		}
		name = aa_xasprintf("%s._report._dmarc.%s", dom, dest);
		ok = true;
		if (aa_dns_query(c->dns, name, AA_TYPE_TXT, &ans) == AA_OK &&
		    !aa_rcode_temporary(ans->rcode)) {
			ok = false;
			for (k = 0; k < ans->nrr && !ok; k++)
				ok = ans->rr[k].type == AA_TYPE_TXT &&
				    aa_dmarc_parse((const char *)
				    ans->rr[k].joined.data,
				    ans->rr[k].joined.len, tmp) != AA_ENOTFOUND;
		}
		if (!ok)
			origin(c->rep, aa_report_add(c->rep,
			    AA_F_DMARC_RUA_UNAUTHORIZED, dom, "the %s "
			    "destination %s has not authorized reports for %s: "
			    "no TXT record starting v=DMARC1 at %s, so "
			    "receivers send it no reports (RFC 7489 7.1)",
			    r->uris[i].ruf ? "ruf" : "rua", dest, dom, name),
			    rr);
		free(name);
		free(o1);
		free(dest);
	}
	free(o2);
	free(tmp);
}

/* Findings about the record itself, once per record domain. */
static void
lint(struct dm_ctx *c, struct dm_eval *e)
{
	const struct aa_dmarc_record *r = &e->lk.rec;
	const char *dom = e->record_domain;

	if (already_linted(c, dom))
		return;
	lint_issues(c, dom, e->lk.rr, r);
	if (r->usable && r->pct >= 0 && r->pct < 100)
		origin(c->rep, aa_report_add(c->rep, AA_F_DMARC_PCT, dom,
		    "_dmarc.%s: pct=%d: RFC 7489 receivers apply the policy to "
		    "%d%% of failing mail and the next lower one to the rest; "
		    "RFC 9989 removed pct, so its receivers apply the policy "
		    "to all", dom, r->pct, r->pct), e->lk.rr);
	if (r->usable && c->psl != NULL)
		check_destinations(c, dom, e->lk.rr, r);
}

/* p, or sp for a subdomain whose record is the org domain's (7489 6.3). */
static void
choose_policy(struct dm_eval *e)
{
	const struct aa_dmarc_record *r = &e->lk.rec;

	e->applied = "p";
	e->pol = r->p;
	if (r->p_from_rua) {
		e->pol = AA_DMARC_POL_NONE;
		return;
	}
	if (e->at_org && r->sp != AA_DMARC_POL_UNSET) {
		e->applied = "sp";
		e->pol = r->sp;
	}
}

/* Read the SPF and DKIM results for one author domain. */
static void
read_ids(struct dm_ctx *c, struct dm_eval *e, bool bis, struct dm_ids *ids)
{
	const struct aa_report *rep = c->rep;
	const struct aa_dmarc_record *r = bis ? &e->walk.lookup.rec :
	    &e->lk.rec;
	const struct aa_dkim_sig *g;
	bool sspf = r->aspf == 's', sdkim = r->adkim == 's', al, t = false;
	size_t i;

	memset(ids, 0, sizeof(*ids));
	if (rep->spf != NULL && rep->spf->result != NULL) {
		ids->spf_known = true;
		ids->spf_id = bis ? aligned9(c, e, rep->spf->domain, sspf, &t) :
		    aa_dmarc_aligned(c->psl, rep->spf->domain, e->from, sspf);
		ids->spf_pass = strcmp(rep->spf->result, "pass") == 0;
		ids->spf_temp = ids->spf_id &&
		    strcmp(rep->spf->result, "temperror") == 0;
	}
	for (i = 0; rep->dkim != NULL && i < rep->dkim->signatures.n; i++) {
		g = &rep->dkim->signatures.v[i];
		/* No result: a key linted by `domain`, not a signature. */
		if (g->domain == NULL || g->result == NULL)
			continue;
		ids->nsigs++;
		al = bis ? aligned9(c, e, g->domain, sdkim, &t) :
		    aa_dmarc_aligned(c->psl, g->domain, e->from, sdkim);
		if (g->result != NULL && strcmp(g->result, "pass") == 0) {
			if (al)
				ids->dkim_pass = true;
			else if (ids->dkim_pass_unaligned == NULL)
				ids->dkim_pass_unaligned = g->domain;
		} else if (al) {
			if (g->result != NULL &&
			    strcmp(g->result, "temperror") == 0)
				ids->dkim_temp = true;
			if (g->result != NULL &&
			    strcmp(g->result, "neutral") == 0)
				ids->dkim_neutral = true;
			if (ids->dkim_aligned_bad == NULL) {
				ids->dkim_aligned_bad = g->domain;
				ids->dkim_aligned_result = g->result;
			}
		}
	}
	if (c->par->assume_dkim_domain != NULL) {
		ids->nsigs++;
		if (bis ? aligned9(c, e, c->par->assume_dkim_domain, sdkim,
		    &t) : aa_dmarc_aligned(c->psl, c->par->assume_dkim_domain,
		    e->from, sdkim))
			ids->dkim_pass = true;
		else if (ids->dkim_pass_unaligned == NULL)
			ids->dkim_pass_unaligned = c->par->assume_dkim_domain;
	}
	/* An org domain the walk could not settle: alignment is unknown. */
	if (t && !ids->dkim_pass && !(ids->spf_id && ids->spf_pass))
		ids->dkim_temp = true;
}

/*
 * The result from the identifiers (RFC 7489 4.2; design.md 3a for
 * temperror and undetermined).  NULL: undetermined.
 */
static const char *
ids_result(const struct dm_ids *ids)
{
	if ((ids->spf_id && ids->spf_pass) || ids->dkim_pass)
		return "pass";
	if (ids->spf_temp || ids->dkim_temp)
		return "temperror";
	if (ids->dkim_neutral)
		return NULL;
	return "fail";
}

/* dmarc-fail's one sentence: which identifier failed to align with what. */
static char *
fail_sentence(struct dm_ctx *c, const struct dm_eval *e,
    const struct dm_ids *ids)
{
	const struct aa_spf_report *spf = c->rep->spf;
	const struct aa_dmarc_record *r = &e->lk.rec;
	char *s1, *s2, *s;

	if (!ids->spf_known)
		s1 = aa_xstrdup("there is no SPF result");
	else if (spf->domain == NULL)
		s1 = aa_xstrdup("SPF checked no domain");
	else if (ids->spf_id)
		s1 = aa_xasprintf("SPF for %s aligns but gives %s",
		    spf->domain, spf->result);
	else
		s1 = aa_xasprintf("the SPF domain %s does not align with %s "
		    "(aspf=%c)%s", spf->domain, e->from, r->aspf == 's' ? 's' :
		    'r', ids->spf_pass ? " although SPF passes" : "");
	if (ids->nsigs == 0)
		s2 = aa_xstrdup("there is no DKIM signature");
	else if (ids->dkim_pass_unaligned != NULL)
		s2 = aa_xasprintf("the passing DKIM signature's d=%s does not "
		    "align with %s (adkim=%c%s)", ids->dkim_pass_unaligned,
		    e->from, r->adkim == 's' ? 's' : 'r', r->adkim == 's' ?
		    ": strict needs the identical domain" : "");
	else if (ids->dkim_aligned_bad != NULL)
		s2 = aa_xasprintf("the aligned DKIM signature d=%s gives %s",
		    ids->dkim_aligned_bad, ids->dkim_aligned_result != NULL ?
		    ids->dkim_aligned_result : "no result");
	else
		s2 = aa_xstrdup("no DKIM signature passes");
	s = aa_xasprintf("%s, and %s", s1, s2);
	free(s1);
	free(s2);
	return s;
}

/* Disposition and sampled-out disposition of a failing message. */
void
aa_dmarc_fail_disposition(enum aa_dmarc_pol pol, int pct,
    const char **disp, const char **sampled)
{
	*sampled = NULL;
	if (pct == 0)
		*disp = aa_dmarc_pol_str(lower_pol(pol));
	else {
		*disp = aa_dmarc_pol_str(pol);
		if (pct > 0 && pct < 100)
			*sampled = aa_dmarc_pol_str(lower_pol(pol));
	}
}

/* RFC 7489 discovery (6.6.3): the author domain, then the org domain. */
static void
discover(struct dm_ctx *c, struct dm_eval *e)
{
	struct dm_lookup *lk2;

	dm_fetch(c->dns, e->from, &e->lk);
	if (c->psl != NULL)
		e->org_psl = aa_psl_org_domain(c->psl, e->from);
	if (e->lk.found != DM_NONE) {
		e->record_domain = aa_xstrdup(e->from);
		return;
	}
	if (e->org_psl == NULL || strcmp(e->org_psl, e->from) == 0)
		return;
	lk2 = aa_xmalloc(sizeof(*lk2));
	dm_fetch(c->dns, e->org_psl, lk2);
	if (lk2->found != DM_NONE) {
		e->lk = *lk2;
		e->at_org = true;
		e->record_domain = aa_xstrdup(e->org_psl);
	}
	free(lk2);
}

static void
eval_7489(struct dm_ctx *c, struct dm_eval *e)
{
	struct aa_report *rep = c->rep;
	struct dm_ids ids;
	const char *at = e->record_domain != NULL ? e->record_domain : e->from;

	discover(c, e);
	at = e->record_domain != NULL ? e->record_domain : e->from;
	switch (e->lk.found) {
	case DM_TEMP:
		aa_report_add(rep, AA_F_DMARC_TEMPERROR, e->from, "_dmarc.%s: "
		    "%s: the DMARC policy is unknown (a temporary failure is "
		    "not \"no record\")", at, aa_rcode_str(e->lk.rcode));
		if (c->par->evaluate)
			e->result = "temperror";
		return;
	case DM_NONE:
		if (e->org_psl != NULL && strcmp(e->org_psl, e->from) != 0)
			aa_report_add(rep, AA_F_DMARC_NONE, e->from, "no DMARC "
			    "record at _dmarc.%s nor at the organizational "
			    "domain's _dmarc.%s", e->from, e->org_psl);
		else
			aa_report_add(rep, AA_F_DMARC_NONE, e->from, "no DMARC "
			    "record at _dmarc.%s", e->from);
		if (c->par->evaluate) {
			e->result = "none";
			e->disp = "none";
		}
		return;
	case DM_MANY:
		aa_report_add(rep, AA_F_DMARC_MULTIPLE_RECORDS, e->from,
		    "_dmarc.%s has %zu records starting v=DMARC1: receivers "
		    "apply none of them (RFC 7489 6.6.3)", at,
		    e->lk.nrecords);
		if (c->par->evaluate) {
			e->result = "permerror";
			e->disp = "none";
		}
		return;
	case DM_ONE:
		break;
	}
	lint(c, e);
	e->usable = e->lk.rec.usable;
	if (!e->usable) {
		if (c->par->evaluate) {
			e->result = "permerror";
			e->disp = "none";
		}
		return;
	}
	choose_policy(e);
	if (e->pol == AA_DMARC_POL_NONE && !already_linted(c,
	    aa_report_printf(rep, "%s %s", at, e->applied)))
		origin(rep, aa_report_add(rep, AA_F_DMARC_POLICY_NONE, at,
		    "_dmarc.%s: %s=none for %s: failing mail is delivered as "
		    "usual (monitoring only)", at, e->lk.rec.p_from_rua ?
		    "p (invalid, acting as)" : e->applied, e->from), e->lk.rr);
	if (!c->par->evaluate)
		return;
	read_ids(c, e, false, &ids);
	e->spf_al = AA_TRI(ids.spf_id && ids.spf_pass);
	e->dkim_al = AA_TRI(ids.dkim_pass);
	e->result = ids_result(&ids);
	if (e->result == NULL) {
		aa_report_add(rep, AA_F_DMARC_UNDETERMINED, e->from, "DMARC "
		    "for %s is undetermined: the only signature that could "
		    "pass aligned, d=%s, cannot be verified without the body",
		    e->from, ids.dkim_aligned_bad);
		return;
	}
	if (strcmp(e->result, "pass") == 0) {
		e->disp = "none";
		return;
	}
	if (strcmp(e->result, "temperror") == 0) {
		aa_report_add(rep, AA_F_DMARC_TEMPERROR, e->from, "DMARC for "
		    "%s is undetermined: an identifier that could align (%s) "
		    "had a temporary DNS failure", e->from, ids.spf_temp ?
		    "the SPF domain" : "a DKIM key");
		return;
	}
	aa_dmarc_fail_disposition(e->pol, e->lk.rec.pct, &e->disp,
	    &e->sampled);
	e->why = fail_sentence(c, e, &ids);
	origin(rep, aa_report_add(rep, AA_F_DMARC_FAIL, e->from, "DMARC "
	    "fails for %s (%s=%s, disposition %s): %s", e->from, e->applied,
	    aa_dmarc_pol_str(e->pol), e->disp, e->why), e->lk.rr);
}

/*
 * RFC 9989 np: the author domain exists unless one A query says
 * NXDOMAIN.  A, AAAA and MX all NODATA may be a compact denial of
 * existence (a signer answering NODATA for names that do not exist).
 */
static bool
exists(struct dm_ctx *c, struct dm_eval *e, bool *temp)
{
	const struct aa_answer *a, *aaaa, *mx;

	*temp = false;
	if (aa_dns_query(c->dns, e->from, AA_TYPE_A, &a) != AA_OK)
		return true;
	if (aa_rcode_temporary(a->rcode)) {
		*temp = true;
		e->np_temp = aa_rcode_str(a->rcode);
		aa_report_add(c->rep, AA_F_DMARC_TEMPERROR, e->from,
		    "%s A: %s: whether np applies (RFC 9989) is unknown",
		    e->from, aa_rcode_str(a->rcode));
		return true;
	}
	if (a->rcode == AA_RCODE_NXDOMAIN)
		return false;
	if (a->nrr == 0 && aa_dns_query(c->dns, e->from, AA_TYPE_AAAA,
	    &aaaa) == AA_OK && aa_dns_query(c->dns, e->from, AA_TYPE_MX,
	    &mx) == AA_OK && aaaa->rcode == AA_RCODE_NOERROR &&
	    aaaa->nrr == 0 && mx->rcode == AA_RCODE_NOERROR && mx->nrr == 0)
		aa_report_add(c->rep, AA_F_DMARC_NP_COMPACT_DENIAL, e->from,
		    "%s has no A, AAAA or MX but is not NXDOMAIN: if that is a "
		    "compact denial of existence, np=%s does not apply and "
		    "sp or p does", e->from,
		    aa_dmarc_pol_str(e->walk.lookup.rec.np));
	return true;
}

/* RFC 9989 policy selection: p, np for a non-existent subdomain, sp. */
static void
choose_policy9(struct dm_ctx *c, struct dm_eval *e, bool *temp)
{
	const struct aa_dmarc_record *r = &e->walk.lookup.rec;

	*temp = false;
	e->pol9 = r->p;
	if (r->p_from_rua) {
		e->pol9 = AA_DMARC_POL_NONE;
		return;
	}
	if (strcmp(e->walk.domain, e->from) == 0)
		return;
	if (r->np != AA_DMARC_POL_UNSET && r->np != AA_DMARC_POL_INVALID &&
	    !exists(c, e, temp)) {
		e->nonexistent = true;
		e->pol9 = r->np;
	} else if (r->sp != AA_DMARC_POL_UNSET)
		e->pol9 = r->sp;
}

static void
eval_9989(struct dm_ctx *c, struct dm_eval *e)
{
	const struct aa_dmarc_record *r;
	struct dm_ids ids;
	bool temp;

	dm_walk_policy(c->dns, e->from, &e->walk);
	e->org_walk = dm_walk_org(c->dns, e->from, &e->org_walk_temp);
	if (e->walk.found == DM_TEMP) {
		if (c->par->evaluate)
			e->result9 = "temperror";
		return;
	}
	if (e->walk.found == DM_NONE) {
		if (c->par->evaluate)
			e->result9 = e->disp9 = "none";
		return;
	}
	r = &e->walk.lookup.rec;
	if (e->walk.found == DM_MANY || !r->usable) {
		if (c->par->evaluate) {
			e->result9 = "permerror";
			e->disp9 = "none";
		}
		return;
	}
	choose_policy9(c, e, &temp);
	if (!c->par->evaluate)
		return;
	read_ids(c, e, true, &ids);
	e->result9 = ids_result(&ids);
	if (e->result9 == NULL || strcmp(e->result9, "temperror") == 0)
		return;
	if (strcmp(e->result9, "pass") == 0)
		e->disp9 = "none";
	else if (!temp)		/* RFC 9989: t=y lowers the policy one level */
		e->disp9 = aa_dmarc_pol_str(r->t == 'y' ? lower_pol(e->pol9) :
		    e->pol9);
}

/* The failing disposition each rule set would give (for `domain`). */
static const char *
would_7489(const struct dm_eval *e)
{
	const char *d, *s;

	if (!e->usable)
		return NULL;
	aa_dmarc_fail_disposition(e->pol, e->lk.rec.pct, &d, &s);
	return d;
}

static const char *
would_9989(const struct dm_eval *e)
{
	/* Whether np applies is unknown: so is the policy. */
	if (e->walk.found != DM_ONE || !e->walk.lookup.rec.usable ||
	    e->np_temp != NULL)
		return NULL;
	return aa_dmarc_pol_str(e->walk.lookup.rec.t == 'y' ?
	    lower_pol(e->pol9) : e->pol9);
}

/* Why the two rule sets differ, in words (e->why9). */
static void
reasons(struct dm_eval *e, const struct aa_dmarc_record *r)
{
	char *s = aa_xstrdup(""), *t, *np = NULL;
	const char *add[6];
	size_t i, n = 0;

	if (!streq(e->record_domain, e->walk.domain))
		add[n++] = "the tree walk uses another record";
	if (e->walk.found == DM_ONE && r->pct >= 0 && r->pct < 100)
		add[n++] = "RFC 9989 has no pct";
	if (e->walk.found == DM_ONE && r->t == 'y')
		add[n++] = "t=y lowers the policy one level";
	if (e->nonexistent)
		add[n++] = "np applies: the author domain does not exist";
	/* RFC 9989: np needs to know whether the domain exists. */
	if (e->np_temp != NULL)
		add[n++] = np = aa_xasprintf("whether np=%s applies is "
		    "unknown: the A lookup of %s failed (%s), a temporary DNS "
		    "failure", aa_dmarc_pol_str(r->np), e->from, e->np_temp);
	if (!streq(e->org_psl, e->org_walk))
		add[n++] = "the organizational domains differ";
	for (i = 0; i < n; i++) {
		t = aa_xasprintf("%s%s%s", s, i > 0 ? "; " : "", add[i]);
		free(s);
		s = t;
	}
	free(np);
	e->why9 = s;
}

/* What makes the two rule sets differ, in words. */
static void
explain_9989(struct dm_ctx *c, struct dm_eval *e)
{
	const struct aa_dmarc_record *r = &e->walk.lookup.rec;
	const char *d7, *d9, *r7, *r9;

	if (c->par->evaluate) {
		d7 = e->disp;
		d9 = e->disp9;
		r7 = e->result;
		r9 = e->result9;
	} else {
		d7 = would_7489(e);
		d9 = would_9989(e);
		r7 = r9 = "fail";
	}
	if (streq(d7, d9) && streq(r7, r9))
		return;
	reasons(e, r);
	/*
	 * Evaluating, every result sets a disposition once it is known:
	 * none left means undetermined (a temporary failure), never none.
	 */
	if (c->par->evaluate)
		aa_report_add(c->rep, AA_F_DMARC_RFC9989_DIFFERS, e->from,
		    "%s: RFC 7489 receivers: %s, disposition %s; RFC 9989 "
		    "receivers: %s, disposition %s%s%s%s", e->from,
		    r7 != NULL ? r7 : "undetermined",
		    d7 != NULL ? d7 : "undetermined",
		    r9 != NULL ? r9 : "undetermined",
		    d9 != NULL ? d9 : "undetermined", e->why9[0] != '\0' ?
		    " (" : "", e->why9, e->why9[0] != '\0' ? ")" : "");
	else
		aa_report_add(c->rep, AA_F_DMARC_RFC9989_DIFFERS, e->from,
		    "%s: failing mail gets %s from RFC 7489 receivers but %s "
		    "from RFC 9989 receivers%s%s%s", e->from,
		    d7 != NULL ? d7 : "no policy",
		    d9 != NULL ? d9 : e->np_temp != NULL ?
		    "an undetermined disposition" : "no policy",
		    e->why9[0] != '\0' ? " (" : "", e->why9,
		    e->why9[0] != '\0' ? ")" : "");
}

static void
eval_one(struct dm_ctx *c, struct dm_eval *e)
{
	eval_7489(c, e);
	eval_9989(c, e);
	if (!e->org_walk_temp && !streq(e->org_psl, e->org_walk))
		aa_report_add(c->rep, AA_F_DMARC_ORG_DOMAIN_DISAGREEMENT,
		    e->from, "the organizational domain of %s is %s by the "
		    "Public Suffix List (RFC 7489 receivers) but %s by the DNS "
		    "tree walk (RFC 9989 receivers): relaxed alignment and "
		    "the policy that applies can differ between them", e->from,
		    e->org_psl != NULL ? e->org_psl : "none (a public suffix)",
		    e->org_walk);
	explain_9989(c, e);
}

static void
free_eval(struct dm_eval *e)
{
	free(e->from);
	free(e->record_domain);
	free(e->org_psl);
	free(e->why);
	free(e->org_walk);
	free(e->why9);
	dm_walk_free(&e->walk);
}

static const char *
pol_text(struct aa_report *rep, const struct aa_rr *rr, enum aa_dmarc_pol p,
    struct aa_dmarc_span text)
{
	if (p == AA_DMARC_POL_UNSET)
		return NULL;
	if (p == AA_DMARC_POL_INVALID)
		return quote(rep, rr, text);
	return aa_dmarc_pol_str(p);
}

static const char *
mode(char m)
{
	return m == 's' ? "s" : m == 'r' ? "r" : NULL;
}

static void
fill_section(struct dm_ctx *c, const struct dm_eval *e)
{
	struct aa_report *rep = c->rep;
	struct aa_dmarc_report *d = rep->dmarc;
	const struct aa_dmarc_record *r = &e->lk.rec;
	const struct aa_rr *rr = e->lk.found == DM_ONE ? e->lk.rr : NULL;
	char *esc;

	d->from_domain = aa_report_strdup(rep, e->from);
	d->org_domain_psl = e->org_psl != NULL ?
	    aa_report_strdup(rep, e->org_psl) : NULL;
	d->org_domain_treewalk = e->org_walk != NULL ?
	    aa_report_strdup(rep, e->org_walk) : NULL;
	if (e->record_domain != NULL && e->lk.found != DM_TEMP)
		d->record_domain = aa_report_strdup(rep, e->record_domain);
	if (rr != NULL) {
		esc = aa_dns_escape_text(rr->joined.data, rr->joined.len);
		d->record = aa_report_strdup(rep, esc);
		free(esc);
		d->policy = pol_text(rep, rr, r->p, r->p_text);
		d->subdomain_policy = pol_text(rep, rr, r->sp, r->sp_text);
		d->np = pol_text(rep, rr, r->np, r->np_text);
		if (r->pct >= 0)
			d->pct = AA_INT(r->pct);
		d->adkim = mode(r->adkim);
		d->aspf = mode(r->aspf);
		if (r->t != 0)
			d->testing = AA_TRI(r->t == 'y');
		d->applied = e->usable ? e->applied : NULL;
	}
	d->spf_aligned = e->spf_al;
	d->dkim_aligned = e->dkim_al;
	d->result = e->result;
	d->disposition = e->disp;
	d->disposition_sampled_out = e->sampled;
	d->rfc9989 = aa_arena_alloc(rep->arena, sizeof(*d->rfc9989));
	d->rfc9989->record_domain = e->walk.domain != NULL &&
	    e->walk.found != DM_TEMP ?
	    aa_report_strdup(rep, e->walk.domain) : NULL;
	d->rfc9989->org_domain = d->org_domain_treewalk;
	d->rfc9989->result = e->result9;
	d->rfc9989->disposition = e->disp9;
}

/* DKIM alignment of every signature with the reported author domain. */
static void
mark_signatures(struct dm_ctx *c, const struct dm_eval *e)
{
	struct aa_dkim_sig *g;
	bool strict = e->lk.found == DM_ONE && e->lk.rec.usable &&
	    e->lk.rec.adkim == 's';
	size_t i;

	if (c->rep->dkim == NULL)
		return;
	for (i = 0; i < c->rep->dkim->signatures.n; i++) {
		g = &c->rep->dkim->signatures.v[i];
		if (g->domain != NULL)
			g->aligned = AA_TRI(aa_dmarc_aligned(c->psl, g->domain,
			    e->from, strict));
	}
}

static enum od_outcome
od_map(const char *res, bool spf)
{
	if (res == NULL || strcmp(res, "none") == 0)
		return OD_NONE;
	if (strcmp(res, "pass") == 0)
		return OD_PASS;
	if (strcmp(res, "temperror") == 0)
		return OD_TEMP;
	if (spf && strcmp(res, "fail") != 0 && strcmp(res, "softfail") != 0)
		return OD_NONE;		/* neutral, permerror */
	return OD_FAIL;
}

static void
od_describe(struct dm_ctx *c, const struct dm_eval *e,
    const struct od_output *o, struct aa_dmarc_opendmarc *od)
{
	struct aa_report *rep = c->rep;
	const char *s;
	enum aa_dmarc_pol pol = o->policy == 'R' ? AA_DMARC_POL_REJECT :
	    o->policy == 'Q' ? AA_DMARC_POL_QUARANTINE : AA_DMARC_POL_NONE;

	switch (o->policy) {
	case 'A':
		od->result = "none";
		od->disposition = "none";
		break;
	case 'P':
		od->result = "pass";
		od->disposition = "none";
		break;
	case 'E':
		od->result = "permerror";
		od->disposition = "none";
		break;
	default:
		od->result = "fail";
		aa_dmarc_fail_disposition(pol, o->pct < 0 ? 100 : o->pct,
		    &od->disposition, &s);
		break;
	}
	od->agrees = AA_TRI(streq(od->result, e->result) &&
	    streq(od->disposition, e->disp));
	if (o->policy == 'E')
		od->note = aa_report_printf(rep, "libopendmarc rejects the "
		    "record (%s) and its context is discarded",
		    o->status_str != NULL ? o->status_str : "parse error");
	else if (o->policy == 'A')
		od->note = NULL;
	else
		od->note = aa_report_printf(rep, "DKIM alignment %s, SPF "
		    "alignment %s%s%s", o->dkim_aligned ? "pass" : "fail",
		    o->spf_aligned ? "pass" : "fail",
		    o->dkim_aligned && e->dkim_al == AA_TRI_FALSE ?
		    ": it counts a passing DKIM d= as aligned that is not" :
		    o->spf_aligned && e->spf_al == AA_TRI_FALSE ?
		    ": it counts the SPF domain as aligned though it is not" :
		    "", "");
}

/* libopendmarc on the same record and results (never its DNS). */
static void
second_opinion(struct dm_ctx *c, const struct dm_eval *e)
{
	struct aa_report *rep = c->rep;
	const struct aa_dkim_report *dk = rep->dkim;
	struct aa_dmarc_opendmarc *od;
	struct od_input in;
	struct od_output out;
	struct od_sig *sigs;
	size_t i, n = 0;

	if (e->lk.found == DM_TEMP || e->lk.found == DM_MANY)
		return;		/* nothing one record could be fed */
	if (e->lk.found == DM_ONE && memchr(e->lk.rr->joined.data, '\0',
	    e->lk.rr->joined.len) != NULL)
		return;		/* its C strings would cut the record */
	memset(&in, 0, sizeof(in));
	in.psl_path = c->psl != NULL ? aa_psl_path(c->psl) : NULL;
	in.ip = rep->input != NULL ? rep->input->ip : NULL;
	in.from = e->from;
	if (e->lk.found == DM_ONE) {
		in.record = (const char *)e->lk.rr->joined.data;
		in.org_domain = e->at_org ? e->record_domain : NULL;
	}
	if (rep->spf != NULL && rep->spf->domain != NULL) {
		in.spf_domain = rep->spf->domain;
		in.spf_outcome = od_map(rep->spf->result, true);
		in.spf_helo = rep->input != NULL &&
		    rep->input->mail_from != NULL &&
		    rep->input->mail_from[0] == '\0';
	}
	sigs = aa_xcalloc((dk != NULL ? dk->signatures.n : 0) + 1,
	    sizeof(*sigs));
	for (i = 0; dk != NULL && i < dk->signatures.n; i++) {
		if (dk->signatures.v[i].result == NULL)
			continue;	/* a linted key, not a signature */
		sigs[n].domain = dk->signatures.v[i].domain;
		sigs[n].selector = dk->signatures.v[i].selector;
		sigs[n++].outcome = od_map(dk->signatures.v[i].result, false);
	}
	if (c->par->assume_dkim_domain != NULL) {
		sigs[n].domain = c->par->assume_dkim_domain;
		sigs[n++].outcome = OD_PASS;
	}
	in.sigs = sigs;
	in.nsigs = n;
	dm_opendmarc_run(&in, &out);
	free(sigs);
	if (!out.ran)
		return;
	od = aa_arena_alloc(rep->arena, sizeof(*od));
	od_describe(c, e, &out, od);
	rep->dmarc->opendmarc = od;
	if (od->agrees == AA_TRI_FALSE)
		aa_report_add(rep, AA_F_DMARC_OPENDMARC_DISAGREES, e->from,
		    "libopendmarc 1.4 says %s, disposition %s, where we say "
		    "%s, disposition %s%s%s: an OpenDMARC receiver would %s "
		    "this mail", od->result, od->disposition,
		    e->result != NULL ? e->result : "undetermined",
		    e->disp != NULL ? e->disp : "unknown",
		    od->note != NULL ? "; " : "", od->note != NULL ? od->note :
		    "", streq(od->disposition, "reject") ? "reject" :
		    streq(od->disposition, "quarantine") ? "quarantine" :
		    "deliver");
}

/* The author domains, normalised; returns how many. */
static size_t
author_domains(struct aa_report *rep, const struct aa_dmarc_params *par,
    char **out)
{
	const char *const *v = par->from_domains;
	size_t n = par->nfrom, i, k = 0;

	if (v == NULL && rep->input != NULL) {
		v = rep->input->from_domains.v;
		n = rep->input->from_domains.n;
	}
	for (i = 0; v != NULL && i < n && k < MAX_DOMAINS; i++)
		if (v[i] != NULL && aa_dns_name_normalize(v[i], &out[k]) ==
		    AA_OK)
			k++;
	return k;
}

enum aa_status
aa_dmarc_check(struct aa_dns *dns, struct aa_report *rep,
    const struct aa_psl *psl, const struct aa_dmarc_params *par)
{
	struct dm_ctx c = { dns, rep, psl, par, { NULL }, 0 };
	struct dm_eval *ev;
	char *from[MAX_DOMAINS];
	size_t n, i, best = 0;

	rep->dmarc = aa_arena_alloc(rep->arena, sizeof(*rep->dmarc));
	n = author_domains(rep, par, from);
	if (psl != NULL && aa_psl_date(psl) != NULL) {
		rep->psl_date = aa_report_strdup(rep, aa_psl_date(psl));
		if (aa_psl_stale(psl, aa_now()))
			aa_report_add(rep, AA_F_DMARC_PSL_STALE, n > 0 ?
			    from[0] : "psl", "the Public Suffix List %s is "
			    "dated %s, more than a year ago: organizational "
			    "domains of newer suffixes may be wrong",
			    aa_psl_path(psl), aa_psl_date(psl));
	}
	if (n == 0)
		return AA_OK;
	ev = aa_xcalloc(n, sizeof(*ev));
	for (i = 0; i < n; i++) {
		ev[i].from = from[i];
		eval_one(&c, &ev[i]);
		if (rank(&ev[i]) > rank(&ev[best]))
			best = i;
	}
	fill_section(&c, &ev[best]);
	mark_signatures(&c, &ev[best]);
	if (par->second_opinion && par->evaluate)
		second_opinion(&c, &ev[best]);
	for (i = 0; i < n; i++)
		free_eval(&ev[i]);
	free(ev);
	return AA_OK;
}
