/*
 * spf_check.c: aa_spf_check(), the SPF section of a report.  With an IP:
 * check_host() (spf_eval.c) for MAIL FROM and, when known, HELO (RFC 7208
 * 2.3), and libspf2's opinion; always: the worst-case lookup tree
 * (spf_tree.c) for lint.  Findings carry the zone file and line of the
 * record they come from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_report.h"
#include "aa_spf.h"
#include "spf_int.h"

/* Findings the worst-case walk gives beside an evaluation (lint). */
static bool
lint_only(enum aa_code code)
{
	return code == AA_F_SPF_PTR || code == AA_F_SPF_PLUS_ALL ||
	    code == AA_F_SPF_NO_ALL || code == AA_F_SPF_RECORD_TOO_LONG;
}

static bool
already(const struct aa_report *rep, enum aa_code code, const char *msg)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == code &&
		    strcmp(rep->findings.v[i].message, msg) == 0)
			return true;
	return false;
}

/* The message without a leading "subject: ": it is printed beside it. */
static const char *
strip_subject(const char *msg, const char *subject)
{
	size_t n = strlen(subject);

	if (strncmp(msg, subject, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		return msg + n + 2;
	return msg;
}

/* The zone file and line of the record a finding comes from, if any. */
static void
set_origin(struct aa_report *rep, struct aa_finding *f, const char *file,
    unsigned line)
{
	if (file == NULL)
		return;
	f->origin.file = aa_report_strdup(rep, file);
	f->origin.line = line;
}

/* Notes to findings; subject is the audited domain (design.md 3a). */
static void
take_notes(struct aa_report *rep, const struct spf_ctx *c,
    const char *subject, bool lint)
{
	struct aa_finding *f;
	const char *msg;
	size_t i;

	for (i = 0; i < c->notes.n; i++) {
		const struct spf_note *n = &c->notes.v[i];

		if (lint && !lint_only(n->code))
			continue;
		msg = strip_subject(n->message, subject);
		if (already(rep, n->code, n->message) ||
		    already(rep, n->code, msg))
			continue;
		f = aa_report_add(rep, n->code, subject, "%s", msg);
		if (n->error)
			f->severity = AA_SEV_ERROR;
		set_origin(rep, f, n->file, n->line);
	}
}

static bool
has_code(const struct aa_report *rep, enum aa_code code)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == code)
			return true;
	return false;
}

static struct aa_term_domain *
term_domain(struct aa_report *rep, const char *term, const char *domain)
{
	struct aa_term_domain *td;

	if (term == NULL)
		return NULL;
	td = aa_arena_alloc(rep->arena, sizeof(*td));
	td->term = aa_report_strdup(rep, term);
	td->domain = domain != NULL ? aa_report_strdup(rep, domain) : NULL;
	return td;
}

/* The worst-case tree; in worst-case mode its figures are the lookups. */
static void
tree(struct aa_dns *dns, struct aa_report *rep, const char *domain,
    bool worst, const char *mail_from)
{
	struct aa_spf_report *s = rep->spf;
	struct spf_tree_sum sum;
	struct spf_ctx c;
	const struct aa_spf_tree *t;

	spf_ctx_init(&c, dns);
	spf_set_sender(&c, mail_from != NULL && mail_from[0] != '\0' ?
	    mail_from : aa_arena_printf(c.a, "postmaster@%s", domain), NULL);
	s->tree = spf_tree_build(dns, rep, domain, &c, &sum);
	t = s->tree;
	s->record = t->record;
	if (worst) {
		s->lookups.mode = "worst-case";
		s->lookups.count = AA_INT(sum.lookups);
		s->lookups.void_ = AA_INT(sum.voids);
		s->lookups.conservative = AA_INT(sum.conservative);
		s->lookups.exceeded_at = term_domain(rep, sum.exceeded_term,
		    sum.exceeded_domain);
	}
	take_notes(rep, &c, domain, !worst);
	spf_ctx_free(&c);
}

static void
result_finding(struct aa_report *rep, const struct spf_ctx *c,
    enum aa_spf_result r, const char *domain, const char *ip)
{
	struct aa_finding *f = NULL;

	switch (r) {
	case AA_SPF_FAIL:
		f = aa_report_add(rep, AA_F_SPF_FAIL, domain, "%s does not "
		    "authorise %s: '%s' in %s matched%s%s", domain, ip,
		    c->matched_term, c->matched_domain, c->explanation != NULL ?
		    "; explanation: " : "", c->explanation != NULL ?
		    c->explanation : "");
		break;
	case AA_SPF_SOFTFAIL:
		f = aa_report_add(rep, AA_F_SPF_SOFTFAIL, domain, "%s probably "
		    "does not authorise %s: '%s' in %s matched", domain, ip,
		    c->matched_term, c->matched_domain);
		break;
	case AA_SPF_NONE:
		if (!has_code(rep, AA_F_SPF_NONE))
			aa_report_add(rep, AA_F_SPF_NONE, domain, "%s publishes "
			    "no SPF record", domain);
		break;
	case AA_SPF_TEMPERROR:
		if (!has_code(rep, AA_F_SPF_TEMPERROR))
			aa_report_add(rep, AA_F_SPF_TEMPERROR, domain, "%s: %s",
			    domain, c->problem != NULL ? c->problem :
			    "a DNS lookup failed");
		break;
	case AA_SPF_PERMERROR:
		if (!c->have_cause)
			aa_report_add(rep, AA_F_SPF_SYNTAX, domain, "%s: "
			    "permerror: %s", domain, c->problem != NULL ?
			    c->problem : "the record cannot be evaluated");
		break;
	default:
		return;
	}
	/* The record that holds the matched term. */
	if (f != NULL)
		set_origin(rep, f, c->matched_file, c->matched_line);
}

static void
second_opinion(struct aa_dns *dns, struct aa_report *rep, const char *ip,
    const char *helo, const char *sender, const char *domain,
    enum aa_spf_result ours)
{
	struct aa_spf_report *s = rep->spf;
	struct spf_second so;

	spf_libspf2_run(dns, ip, helo, sender, domain, &so);
	if (!so.ran)
		return;
	s->libspf2 = aa_arena_alloc(rep->arena, sizeof(*s->libspf2));
	s->libspf2->crashed = AA_TRI(so.crashed);
	if (so.crashed) {
		s->libspf2->note = aa_report_strdup(rep, so.note);
		aa_report_add(rep, AA_F_SPF_LIBSPF2_CRASH, domain, "libspf2 "
		    "(Exim, OpenDMARC) crashes on the SPF of %s: %s; receivers "
		    "that embed it may defer or drop the mail", domain,
		    so.note);
		return;
	}
	/* Stopped by its own cap: no opinion, never a finding of ours. */
	if (so.unavailable) {
		s->libspf2->note = aa_report_strdup(rep, so.note);
		return;
	}
	s->libspf2->result = aa_spf_result_str(so.result);
	s->libspf2->agrees = AA_TRI(so.result == ours);
	/* libraries.md 1: libspf2 passes loopback clients by design. */
	if (so.result != ours && (strncmp(ip, "127.", 4) == 0 ||
	    strcmp(ip, "::1") == 0))
		snprintf(so.note, sizeof(so.note), "libspf2 passes every "
		    "loopback client");
	if (so.note[0] != '\0')
		s->libspf2->note = aa_report_strdup(rep, so.note);
	if (so.result != ours)
		aa_report_add(rep, AA_F_SPF_LIBSPF2_DISAGREES, domain,
		    "libspf2 (Exim) gives %s where RFC 7208 gives %s for %s%s%s",
		    aa_spf_result_str(so.result), aa_spf_result_str(ours), ip,
		    so.note[0] != '\0' ? ": " : "", so.note);
}

/* RFC 7208 2.3: the HELO identity, checked as postmaster@HELO. */
static void
helo_check(struct aa_dns *dns, struct aa_report *rep, const char *ip,
    const char *helo, const char *subject)
{
	struct aa_finding *f;
	struct spf_ctx c;
	enum aa_spf_result r;

	if (!spf_domain_valid(helo))
		return;
	spf_ctx_init(&c, dns);
	if (spf_ctx_client(&c, ip, helo, NULL)) {
		r = spf_check_host(&c, helo);
		rep->spf->helo_result = aa_spf_result_str(r);
		if (r == AA_SPF_FAIL) {
			f = aa_report_add(rep, AA_F_SPF_HELO_FAIL, subject,
			    "the HELO name %s does not authorise %s ('%s' in "
			    "%s matched); receivers that check HELO first may "
			    "reject", helo, ip, c.matched_term,
			    c.matched_domain);
			set_origin(rep, f, c.matched_file, c.matched_line);
		}
	}
	spf_ctx_free(&c);
}

static void
evaluate(struct aa_dns *dns, struct aa_report *rep,
    const struct aa_spf_params *p, const char *domain)
{
	struct aa_spf_report *s = rep->spf;
	enum aa_spf_result r;
	struct spf_ctx c;

	spf_ctx_init(&c, dns);
	if (!spf_ctx_client(&c, p->ip, p->helo, p->mail_from)) {
		spf_ctx_free(&c);
		return;
	}
	c.default_exp = p->default_exp;
	r = spf_run(&c, domain);
	s->result = aa_spf_result_str(r);
	s->explanation = c.explanation != NULL ? aa_report_strdup(rep,
	    c.explanation) : NULL;
	s->matched = term_domain(rep, c.matched_term, c.matched_domain);
	s->lookups.mode = "evaluation";
	s->lookups.count = AA_INT(c.lookups);
	s->lookups.void_ = AA_INT(c.voids);
	s->lookups.conservative = AA_INT(c.lookups + c.conservative);
	s->lookups.exceeded_at = term_domain(rep, c.exceeded_term,
	    c.exceeded_domain);
	take_notes(rep, &c, domain, false);
	result_finding(rep, &c, r, domain, p->ip);
	/* A null path is already the HELO check (RFC 7208 2.4). */
	if (p->helo != NULL && p->helo[0] != '\0' &&
	    (p->mail_from == NULL || p->mail_from[0] == '\0') &&
	    p->domain == NULL)
		s->helo_result = s->result;
	else if (p->helo != NULL && p->helo[0] != '\0')
		helo_check(dns, rep, p->ip, p->helo, domain);
	if (p->second_opinion)
		second_opinion(dns, rep, p->ip, p->helo, c.sender, domain, r);
	spf_ctx_free(&c);
}

static const char *
params_domain(const struct aa_spf_params *p)
{
	const char *at;

	if (p->domain != NULL)
		return p->domain;
	/* RFC 7208 2.4: MAIL FROM's domain, else HELO. */
	if (p->mail_from != NULL && p->mail_from[0] != '\0')
		return (at = strrchr(p->mail_from, '@')) != NULL ? at + 1 :
		    p->mail_from;
	return p->helo;
}

enum aa_status
aa_spf_check(struct aa_dns *dns, struct aa_report *rep,
    const struct aa_spf_params *p)
{
	const char *domain = params_domain(p);
	struct aa_spf_report *s;

	s = rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	if (domain == NULL)
		return AA_OK;
	s->domain = aa_report_strdup(rep, domain);
	/* RFC 7208 4.3: a malformed domain is none, with nothing to walk. */
	if (!spf_domain_valid(domain)) {
		if (p->ip != NULL)
			s->result = aa_spf_result_str(AA_SPF_NONE);
		aa_report_add(rep, AA_F_SPF_NONE, domain, "%s is not a valid "
		    "domain name: SPF result none", domain);
		return AA_OK;
	}
	tree(dns, rep, domain, p->ip == NULL, p->mail_from);
	if (p->ip != NULL)
		evaluate(dns, rep, p, domain);
	else if (s->tree != NULL && s->tree->record == NULL &&
	    !has_code(rep, AA_F_SPF_TEMPERROR) &&
	    !has_code(rep, AA_F_SPF_MULTIPLE_RECORDS))
		aa_report_add(rep, AA_F_SPF_NONE, domain, "%s publishes no "
		    "SPF record", domain);
	return AA_OK;
}
