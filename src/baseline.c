/*
 * baseline.c: regressions against a saved report (design.md 3a
 * "Regression").  Every comparison made lands in one of three lists of
 * rep->baseline: regressions, improved, unchanged; so a pull request
 * shows what got worse apart from what stayed as it was.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_baseline.h"
#include "aa_xmalloc.h"

enum verdict { REGRESSED, IMPROVED, UNCHANGED };

struct cmp {
	struct aa_report *rep;
	struct aa_baseline_out *out;
};

enum aa_status
aa_baseline_read(const char *path, struct aa_report **out, char *err,
    size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, got, cap = 0;
	enum aa_status st;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AA_EIO;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = aa_xrealloc(buf, cap);
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0 && len <= AA_BASELINE_MAX);
	if (ferror(fp) || len > AA_BASELINE_MAX) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ?
		    strerror(errno) : "baseline over 64 MiB (cap)");
		st = ferror(fp) ? AA_EIO : AA_ELIMIT;
	} else if ((st = aa_report_from_json(buf, len, out, err, errlen)) !=
	    AA_OK) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
	}
	fclose(fp);
	free(buf);
	return st;
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
note(struct cmp *c, enum verdict v, const char *what, const char *id,
    const char *subject, const char *before, const char *after)
{
	struct aa_change *ch;

	ch = v == REGRESSED ? AA_VEC_PUSH(c->rep->arena, c->out->regressions) :
	    v == IMPROVED ? AA_VEC_PUSH(c->rep->arena, c->out->improved) :
	    AA_VEC_PUSH(c->rep->arena, c->out->unchanged);
	ch->what = what;
	ch->id = id;
	ch->subject = aa_report_strdup(c->rep, subject);
	ch->before = aa_report_strdup(c->rep, before);
	ch->after = aa_report_strdup(c->rep, after);
}

static bool
temporary(const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);

	return info != NULL && info->temporary;
}

/*
 * The highest severity of the findings (code, subject) in rep, -1 when
 * there is none; *first is the index of the first.
 */
static int
severity_of(const struct aa_report *rep, enum aa_code code,
    const char *subject, size_t *first)
{
	int max = -1;
	size_t i;

	for (i = rep->findings.n; i-- > 0;) {
		const struct aa_finding *f = &rep->findings.v[i];

		if (f->code != code || !same(f->subject, subject))
			continue;
		*first = i;
		if ((int)f->severity > max)
			max = (int)f->severity;
	}
	return max;
}

static const char *
sev_str(int sev)
{
	return sev < 0 ? NULL : aa_severity_str((enum aa_severity)sev);
}

/*
 * The finding that says a record is missing, for each kind of record
 * that can be gone: the same fact as the record's regression, which
 * names it once (design.md 3a lists "gone" as its own kind).
 */
static const struct {
	const char	*what;
	enum aa_code	 code;
} gone_as[] = {
	{ "spf-record", AA_F_SPF_NONE },
	{ "dmarc-record", AA_F_DMARC_NONE },
	{ "dkim-key", AA_F_DKIM_KEY_NOT_FOUND },
};

/* Whether f is only the finding of a record already reported gone. */
static bool
said_gone(const struct cmp *c, const struct aa_finding *f)
{
	const struct aa_change *ch;
	size_t i, k;

	for (i = 0; i < c->out->regressions.n; i++) {
		ch = &c->out->regressions.v[i];
		for (k = 0; k < sizeof(gone_as) / sizeof(gone_as[0]); k++)
			if (strcmp(ch->what, gone_as[k].what) == 0 &&
			    gone_as[k].code == f->code &&
			    same(ch->subject, f->subject))
				return true;
	}
	return false;
}

/*
 * Each (id, subject) once, at the first finding that has it: new or
 * risen is a regression; lower or gone an improvement.  Temporary
 * findings say nothing about what is published and are left out.
 */
static void
compare_findings(struct cmp *c, const struct aa_report *base)
{
	const struct aa_report *rep = c->rep;
	size_t i, first;
	int now, was;

	for (i = 0; i < rep->findings.n; i++) {
		const struct aa_finding *f = &rep->findings.v[i];
		const char *id = aa_finding_info(f->code)->id;

		if (temporary(f) || (severity_of(rep, f->code, f->subject,
		    &first), first != i))
			continue;
		now = severity_of(rep, f->code, f->subject, &first);
		was = severity_of(base, f->code, f->subject, &first);
		if (was < 0 && said_gone(c, f))
			continue;
		note(c, was < now ? REGRESSED : was > now ? IMPROVED :
		    UNCHANGED, "finding", id, f->subject, sev_str(was),
		    sev_str(now));
	}
	for (i = 0; i < base->findings.n; i++) {
		const struct aa_finding *f = &base->findings.v[i];

		if (temporary(f) || (severity_of(base, f->code, f->subject,
		    &first), first != i) ||
		    severity_of(rep, f->code, f->subject, &first) >= 0)
			continue;
		note(c, IMPROVED, "finding", aa_finding_info(f->code)->id,
		    f->subject, sev_str(severity_of(base, f->code, f->subject,
		    &first)), NULL);
	}
}

/* A published record: gone is a regression, new an improvement. */
static void
compare_record(struct cmp *c, const char *what, const char *subject,
    const char *was, const char *now)
{
	if (was == NULL && now == NULL)
		return;
	note(c, now == NULL ? REGRESSED : was == NULL ? IMPROVED : UNCHANGED,
	    what, NULL, subject, was, now);
}

static void
compare_records(struct cmp *c, const struct aa_report *base)
{
	const struct aa_report *rep = c->rep;
	const struct aa_dmarc_report *d;

	if (rep->spf != NULL && base->spf != NULL)
		compare_record(c, "spf-record", rep->spf->domain != NULL ?
		    rep->spf->domain : base->spf->domain, base->spf->record,
		    rep->spf->record);
	if (rep->dmarc != NULL && base->dmarc != NULL) {
		d = rep->dmarc->from_domain != NULL ? rep->dmarc : base->dmarc;
		compare_record(c, "dmarc-record", d->from_domain,
		    base->dmarc->record, rep->dmarc->record);
	}
}

/* A DKIM key query: TXT at SELECTOR._domainkey.DOMAIN, asked by us. */
static bool
key_query(const struct aa_query_out *q)
{
	return q->name != NULL && q->by == NULL && same(q->type, "TXT") &&
	    strstr(q->name, "._domainkey.") != NULL;
}

/* "published", "NXDOMAIN", "NODATA"; NULL when temporary (undetermined). */
static const char *
key_state(const struct aa_query_out *q)
{
	if (same(q->rcode, "NOERROR"))
		return q->answers > 0 ? "published" : "NODATA";
	if (same(q->rcode, "NXDOMAIN"))
		return "NXDOMAIN";
	return NULL;
}

static const struct aa_query_out *
find_query(const struct aa_report *rep, const struct aa_query_out *like)
{
	size_t i;

	for (i = 0; i < rep->dns_queries.n; i++)
		if (key_query(&rep->dns_queries.v[i]) &&
		    same(rep->dns_queries.v[i].name, like->name))
			return &rep->dns_queries.v[i];
	return NULL;
}

/*
 * A key the baseline found is gone when the same query now finds no
 * record; a key looked up in one report only is not compared.
 */
static void
compare_keys(struct cmp *c, const struct aa_report *base)
{
	const struct aa_query_out *was, *now;
	const char *sw, *sn;
	size_t i;

	for (i = 0; i < base->dns_queries.n; i++) {
		was = &base->dns_queries.v[i];
		if (!key_query(was) || find_query(base, was) != was ||
		    (now = find_query(c->rep, was)) == NULL)
			continue;
		sw = key_state(was);
		sn = key_state(now);
		if (sw == NULL || sn == NULL)
			continue;
		if (same(sw, "published"))
			note(c, same(sn, "published") ? UNCHANGED : REGRESSED,
			    "dkim-key", NULL, was->name, sw, sn);
		else if (same(sn, "published"))
			note(c, IMPROVED, "dkim-key", NULL, was->name, sw, sn);
	}
}

static void
compare_count(struct cmp *c, const char *what, const char *subject,
    struct aa_int was, struct aa_int now)
{
	char b[32], a[32];

	if (!was.set || !now.set)
		return;
	snprintf(b, sizeof(b), "%lld", was.v);
	snprintf(a, sizeof(a), "%lld", now.v);
	note(c, now.v > was.v ? REGRESSED : now.v < was.v ? IMPROVED :
	    UNCHANGED, what, NULL, subject, b, a);
}

static void
compare_counts(struct cmp *c, const struct aa_report *base)
{
	const struct aa_spf_report *now = c->rep->spf, *was = base->spf;

	if (now == NULL || was == NULL)
		return;
	compare_count(c, "spf-lookups", now->domain, was->lookups.count,
	    now->lookups.count);
	compare_count(c, "spf-void-lookups", now->domain, was->lookups.void_,
	    now->lookups.void_);
	compare_count(c, "spf-conservative-lookups", now->domain,
	    was->lookups.conservative, now->lookups.conservative);
}

/*
 * SPF results, RFC 7208 8: pass authorises; none and neutral say
 * nothing (RFC 7208 8.1, 8.2: to be treated alike); softfail is weak
 * failure; fail and permerror are what RFC 7208 8.4 and 8.7 let a
 * receiver reject on.  "|" separates values of equal rank; temperror is
 * on no scale: undetermined is not worse.
 */
static const char *const spf_scale[] = { "pass", "none|neutral",
	"softfail", "fail|permerror", NULL };
/* RFC 7489 6.3 p= values, and the verdict's outcomes (design.md 3a). */
static const char *const disposition_scale[] = { "none", "quarantine",
	"reject", NULL };
static const char *const outcome_scale[] = { "deliver", "quarantine",
	"defer", "reject", NULL };

/* How bad v is: its step on scale, from best; -1 when not on it. */
static int
rank_of(const char *const *scale, const char *v)
{
	const char *p;
	size_t n;
	int i;

	if (v == NULL)
		return -1;
	n = strlen(v);
	for (i = 0; scale[i] != NULL; i++)
		for (p = scale[i]; *p != '\0'; p += strcspn(p, "|")) {
			p += *p == '|';
			if (strncmp(p, v, n) == 0 && (p[n] == '|' ||
			    p[n] == '\0'))
				return i;
		}
	return -1;
}

static void
compare_value(struct cmp *c, const char *what, const char *subject,
    const char *const *scale, const char *was, const char *now)
{
	int rw = rank_of(scale, was), rn = rank_of(scale, now);

	if (rw < 0 || rn < 0)
		return;
	note(c, rn > rw ? REGRESSED : rn < rw ? IMPROVED : UNCHANGED, what,
	    NULL, subject, was, now);
}

static const char *
author(const struct aa_report *rep)
{
	if (rep->input == NULL)
		return NULL;
	return rep->input->from_domain != NULL ? rep->input->from_domain :
	    rep->input->domain;
}

static void
compare_results(struct cmp *c, const struct aa_report *base)
{
	const struct aa_report *rep = c->rep;

	if (rep->spf != NULL && base->spf != NULL) {
		compare_value(c, "spf-result", rep->spf->domain, spf_scale,
		    base->spf->result, rep->spf->result);
		compare_value(c, "spf-helo-result", rep->input != NULL ?
		    rep->input->helo : NULL, spf_scale, base->spf->helo_result,
		    rep->spf->helo_result);
	}
	if (rep->dmarc != NULL && base->dmarc != NULL)
		compare_value(c, "dmarc-disposition", rep->dmarc->from_domain,
		    disposition_scale, base->dmarc->disposition,
		    rep->dmarc->disposition);
	if (rep->verdict != NULL && base->verdict != NULL)
		compare_value(c, "outcome", author(rep), outcome_scale,
		    base->verdict->outcome, rep->verdict->outcome);
}

size_t
aa_baseline_compare(struct aa_report *rep, const struct aa_report *base,
    const char *file)
{
	struct cmp c;

	c.rep = rep;
	c.out = aa_arena_alloc(rep->arena, sizeof(*c.out));
	c.out->file = aa_report_strdup(rep, file);
	compare_records(&c, base);
	compare_keys(&c, base);
	compare_counts(&c, base);
	compare_results(&c, base);
	compare_findings(&c, base);
	rep->baseline = c.out;
	return c.out->regressions.n;
}

void
aa_baseline_selectors(struct aa_report *base, const char *domain,
    struct aa_strvec *out)
{
	static const char mid[] = "._domainkey.";
	size_t i, n, dl = strlen(domain);
	const char *name;

	for (i = 0; i < base->dns_queries.n; i++) {
		const struct aa_query_out *q = &base->dns_queries.v[i];

		if (!key_query(q) || !same(key_state(q), "published"))
			continue;
		name = q->name;
		n = strlen(name);
		if (n <= dl + sizeof(mid) - 1 ||
		    strcmp(name + n - dl, domain) != 0 ||
		    strncmp(name + n - dl - (sizeof(mid) - 1), mid,
		    sizeof(mid) - 1) != 0)
			continue;
		*AA_VEC_PUSH(base->arena, *out) = aa_arena_strndup(base->arena,
		    name, n - dl - (sizeof(mid) - 1));
	}
}
