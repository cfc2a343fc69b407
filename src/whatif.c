/*
 * whatif.c: --spf-add and --spf-remove (design.md 1).  The SPF record is
 * edited as text, term by term (RFC 7208 4.6.1: terms are separated by
 * spaces), and its TXT RRset is replaced through the DNS layer's --rr
 * mechanism, so the audit after the change sees the proposed record in
 * every lookup, includes and redirects of other domains included.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_dns.h"
#include "aa_report.h"
#include "aa_spf.h"
#include "aa_whatif.h"
#include "aa_xmalloc.h"

/* RFC 1035 3.3.14: a TXT character-string holds at most 255 octets. */
#define TXT_STRING_MAX	255

/* One record of the replaced RRset, and where the original came from. */
struct edit_rr {
	const char	*text;		/* presentation form for --rr */
	const char	*file;		/* NULL: live */
	unsigned	 line;
};

struct aa_spf_edit {
	struct aa_arena	*arena;
	struct edit_rr	*rr;
	size_t		 nrr;
	const char	*before, *after;
};

enum aa_status
aa_whatif_term_check(const char *term, char *err, size_t errlen)
{
	const unsigned char *p;

	if (*term == '\0') {
		snprintf(err, errlen, "an empty SPF term");
		return AA_EINVAL;
	}
	/* RFC 7208 4.6.1 / 12: a record is ASCII; terms hold no space. */
	for (p = (const unsigned char *)term; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7F) {
			snprintf(err, errlen, "'%.64s': one SPF term, printable "
			    "ASCII with no space", term);
			return AA_EINVAL;
		}
	if (strlen(term) > AA_WHATIF_MAX_RECORD) {
		snprintf(err, errlen, "an SPF term over %d octets",
		    AA_WHATIF_MAX_RECORD);
		return AA_EINVAL;
	}
	return AA_OK;
}

/* RFC 7208 4.6.2: a directive without qualifier has "+". */
static void
split_qualifier(const char *t, size_t n, char *q, const char **rest,
    size_t *rn)
{
	*q = '+';
	if (n > 0 && strchr("+-~?", t[0]) != NULL) {
		*q = t[0];
		t++;
		n--;
	}
	*rest = t;
	*rn = n;
}

/* Whether the term t (n octets) is term, qualifiers made explicit. */
static bool
term_equal(const char *t, size_t n, const char *term)
{
	const char *a, *b;
	size_t an, bn;
	char qa, qb;

	split_qualifier(t, n, &qa, &a, &an);
	split_qualifier(term, strlen(term), &qb, &b, &bn);
	return qa == qb && an == bn && strncasecmp(a, b, an) == 0;
}

/* The mechanism "all", any qualifier (RFC 7208 5.1). */
static bool
is_all(const char *t, size_t n)
{
	const char *m;
	size_t mn;
	char q;

	split_qualifier(t, n, &q, &m, &mn);
	return mn == 3 && strncasecmp(m, "all", 3) == 0;
}

static bool
is_redirect(const char *t, size_t n)
{
	return n >= 9 && strncasecmp(t, "redirect=", 9) == 0;
}

/* The next term at or after *pos: its start and length; false at end. */
static bool
next_term(const char *s, size_t len, size_t *pos, size_t *start, size_t *n)
{
	size_t i = *pos;

	while (i < len && s[i] == ' ')
		i++;
	if (i == len)
		return false;
	*start = i;
	while (i < len && s[i] != ' ')
		i++;
	*n = i - *start;
	*pos = i;
	return true;
}

/* Remove every term equal to term (and the spaces before it). */
static bool
remove_term(char *s, size_t *len, const char *term)
{
	size_t pos = 0, start, n, from;
	bool found = false, first = true;

	while (next_term(s, *len, &pos, &start, &n)) {
		/* The version "v=spf1" (RFC 7208 4.5) is not a term. */
		if (first || !term_equal(s + start, n, term)) {
			first = false;
			continue;
		}
		for (from = start; from > 0 && s[from - 1] == ' '; from--)
			continue;
		memmove(s + from, s + pos, *len - pos + 1);
		*len -= pos - from;
		pos = from;
		found = true;
	}
	return found;
}

/* Where an added term goes: before all, else redirect=, else the end. */
static size_t
insert_at(const char *s, size_t len)
{
	size_t pos = 0, start, n, redirect = len;

	while (next_term(s, len, &pos, &start, &n)) {
		if (is_all(s + start, n))
			return start;
		if (is_redirect(s + start, n) && redirect == len)
			redirect = start;
	}
	return redirect;
}

static void
add_term(char *s, size_t *len, const char *term)
{
	size_t at = insert_at(s, *len), tn = strlen(term);

	if (at == *len) {
		/* At the end: after one space, unless there is one already. */
		if (*len == 0 || s[*len - 1] != ' ')
			s[(*len)++] = ' ';
		memcpy(s + *len, term, tn + 1);
		*len += tn;
		return;
	}
	memmove(s + at + tn + 1, s + at, *len - at + 1);
	memcpy(s + at, term, tn);
	s[at + tn] = ' ';
	*len += tn + 1;
}

enum aa_status
aa_whatif_spf_edit(struct aa_arena *a, const uint8_t *rec, size_t len,
    const char *const *add, size_t nadd, const char *const *remove,
    size_t nremove, char **out, size_t *outlen, char *err, size_t errlen)
{
	size_t i, cap = len + 1, n = len;
	char *s;

	for (i = 0; i < nadd; i++)
		cap += strlen(add[i]) + 1;
	if (cap > AA_WHATIF_MAX_RECORD + 1) {
		snprintf(err, errlen, "the edited SPF record would be over %d "
		    "octets", AA_WHATIF_MAX_RECORD);
		return AA_ELIMIT;
	}
	s = aa_arena_alloc(a, cap);
	memcpy(s, rec, len);
	s[len] = '\0';
	for (i = 0; i < nremove; i++)
		if (!remove_term(s, &n, remove[i])) {
			snprintf(err, errlen, "--spf-remove %.64s: no such term "
			    "in the SPF record", remove[i]);
			return AA_ENOTFOUND;
		}
	for (i = 0; i < nadd; i++)
		add_term(s, &n, add[i]);
	*out = s;
	*outlen = n;
	return AA_OK;
}

/*
 * One TXT record as a presentation-form line: its text in quoted
 * character-strings of at most 255 octets each (RFC 7208 3.3: they are
 * joined without spaces, so where the text is cut does not matter).
 */
static const char *
txt_line(struct aa_arena *a, const struct aa_rr *rr, const uint8_t *text,
    size_t len)
{
	const char *line = aa_arena_printf(a, "%s. %u IN TXT", rr->owner,
	    rr->ttl);
	size_t i, k;
	char *esc;

	for (i = 0; i == 0 || i < len; i += k) {
		k = len - i < TXT_STRING_MAX ? len - i : TXT_STRING_MAX;
		esc = aa_dns_escape_text(text + i, k);
		line = aa_arena_printf(a, "%s \"%s\"", line, esc);
		free(esc);
		if (k == 0)
			break;
	}
	return line;
}

/* A record left as it is, each of its character-strings kept. */
static const char *
same_line(struct aa_arena *a, const struct aa_rr *rr)
{
	const char *line = aa_arena_printf(a, "%s. %u IN TXT", rr->owner,
	    rr->ttl);
	size_t i;
	char *esc;

	for (i = 0; i < rr->ntxt; i++) {
		esc = aa_dns_escape_text(rr->txt[i].data, rr->txt[i].len);
		line = aa_arena_printf(a, "%s \"%s\"", line, esc);
		free(esc);
	}
	return rr->ntxt == 0 ? aa_arena_printf(a, "%s \"\"", line) : line;
}

/* The TXT RRset, its SPF record edited, as --rr lines with origins. */
static enum aa_status
build(struct aa_spf_edit *e, const struct aa_answer *ans, size_t spf,
    const char *const *add, size_t nadd, const char *const *remove,
    size_t nremove, char *err, size_t errlen)
{
	const struct aa_rr *r = &ans->rr[spf];
	enum aa_status st;
	char *text;
	size_t i, len;

	st = aa_whatif_spf_edit(e->arena, r->joined.data, r->joined.len, add,
	    nadd, remove, nremove, &text, &len, err, errlen);
	if (st != AA_OK)
		return st;
	e->before = aa_arena_strndup(e->arena, (const char *)r->joined.data,
	    r->joined.len);
	e->after = text;
	e->rr = aa_arena_alloc(e->arena, ans->nrr * sizeof(*e->rr));
	e->nrr = ans->nrr;
	for (i = 0; i < ans->nrr; i++) {
		r = &ans->rr[i];
		e->rr[i].text = i == spf ? txt_line(e->arena, r,
		    (const uint8_t *)text, len) : same_line(e->arena, r);
		e->rr[i].file = aa_arena_strdup(e->arena, r->file);
		e->rr[i].line = r->line;
	}
	return AA_OK;
}

/* The one SPF record of the answer; false (err set) if none or several. */
static bool
find_spf(const struct aa_answer *ans, const char *domain, size_t *spf,
    char *err, size_t errlen)
{
	size_t i, n = 0;

	for (i = 0; i < ans->nrr; i++)
		if (aa_spf_is_spf1((const char *)ans->rr[i].joined.data,
		    ans->rr[i].joined.len) && n++ == 0)
			*spf = i;
	if (n == 1)
		return true;
	snprintf(err, errlen, n == 0 ? "%s publishes no SPF record to edit "
	    "(give one with --rr)" : "%s publishes several SPF records: "
	    "which to edit is unclear (RFC 7208 4.5: permerror)", domain);
	return false;
}

enum aa_status
aa_whatif_prepare(struct aa_dns *from, const char *domain,
    const char *const *add, size_t nadd, const char *const *remove,
    size_t nremove, struct aa_spf_edit **out, char *err, size_t errlen)
{
	const struct aa_answer *ans;
	struct aa_spf_edit *e;
	enum aa_status st;
	size_t spf = 0;

	if (aa_dns_query(from, domain, AA_TYPE_TXT, &ans) != AA_OK) {
		snprintf(err, errlen, "%s: not a valid domain name", domain);
		return AA_EINVAL;
	}
	if (aa_rcode_temporary(ans->rcode)) {
		snprintf(err, errlen, "%s TXT: %s: the SPF record to edit is "
		    "unknown", domain, aa_rcode_str(ans->rcode));
		return AA_ETEMP;
	}
	if (!find_spf(ans, domain, &spf, err, errlen))
		return AA_ENOTFOUND;
	e = aa_xcalloc(1, sizeof(*e));
	e->arena = aa_arena_new();
	st = build(e, ans, spf, add, nadd, remove, nremove, err, errlen);
	if (st == AA_ENOTFOUND) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s of %s", why, domain);
	}
	if (st != AA_OK) {
		aa_whatif_free(e);
		return st;
	}
	*out = e;
	return AA_OK;
}

int
aa_whatif_replaces_rr(const struct aa_spf_edit *e, unsigned position)
{
	size_t i;

	for (i = 0; i < e->nrr; i++)
		if (e->rr[i].file != NULL && strcmp(e->rr[i].file, "--rr") ==
		    0 && e->rr[i].line == position)
			return 1;
	return 0;
}

enum aa_status
aa_whatif_apply(const struct aa_spf_edit *e, struct aa_dns *to,
    unsigned first, char *err, size_t errlen)
{
	enum aa_status st;
	size_t i;

	for (i = 0; i < e->nrr; i++)
		if ((st = aa_dns_add_rr(to, e->rr[i].text, first +
		    (unsigned)i, err, errlen)) != AA_OK)
			return st;
	return AA_OK;
}

void
aa_whatif_origins(const struct aa_spf_edit *e, unsigned first,
    struct aa_report *rep)
{
	struct aa_origin *o;
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		o = &rep->findings.v[i].origin;
		if (o->file == NULL || strcmp(o->file, "--rr") != 0 ||
		    o->line < first || o->line - first >= e->nrr)
			continue;
		*o = (struct aa_origin){ aa_report_strdup(rep,
		    e->rr[o->line - first].file), e->rr[o->line - first].line };
		if (o->file == NULL)
			o->line = 0;
	}
}

const char *
aa_whatif_record(const struct aa_spf_edit *e, int after)
{
	return after ? e->after : e->before;
}

void
aa_whatif_free(struct aa_spf_edit *e)
{
	if (e == NULL)
		return;
	aa_arena_free(e->arena);
	free(e);
}
