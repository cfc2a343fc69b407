/*
 * spf_tree.c: the lookup-budget tree (design.md 3a "SPF", worst case):
 * the include/redirect tree of a domain, every term counted as if no
 * earlier one matched, for one client family at a time.  A target that
 * depends on the client (%{i}, %{l}, %{s}, %{p}, %{h}) counts 1 and is
 * not followed (spf-macro-unresolved).  RFC 7208 4.6.4 limits become
 * findings; lint findings (ptr, +all, no all, long records) come along.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_report.h"
#include "aa_spf.h"
#include "spf_int.h"

#define MAX_NODES	256	/* records visited by one walk */
/*
 * Past this many terms the walk still counts but no longer asks DNS or
 * follows includes: the verdict (over 10) is long settled, and a hostile
 * tree must not cost thousands of queries (design.md 5).
 */
#define WALK_CAP	50

struct walk {
	struct spf_ctx	*c;
	struct aa_report *rep;
	uint16_t	 atype;		/* A or AAAA: the client family */
	int		 nodes;
	bool		 void_over;	/* its note is made */
	const char	*inner_term, *inner_domain;	/* the 11th term */
	bool		 capped;	/* WALK_CAP reached */
};

static const char *
qual_str(char q)
{
	switch (q) {
	case '-':
		return "-";
	case '~':
		return "~";
	case '?':
		return "?";
	case '+':
		return "+";
	default:
		return NULL;
	}
}

/* One query of the walk; counts a void answer.  Returns void-ness. */
static long long
walk_query(struct walk *w, const char *name, uint16_t type,
    const struct aa_answer **out, const struct spf_fetched *f,
    const char *domain, const char *term)
{
	const struct aa_answer *ans = spf_query(w->c, name, type);

	*out = ans;
	if (ans != NULL && aa_rcode_temporary(ans->rcode))
		spf_note(w->c, AA_F_SPF_TEMPERROR, domain, f->file, f->line,
		    "%s: the %s lookup of %s for '%s' failed: %s", domain,
		    aa_dns_type_str(type), name, term,
		    aa_rcode_str(ans->rcode));
	if (ans == NULL || !aa_answer_is_void(ans))
		return 0;
	if (++w->c->voids > AA_SPF_VOID_LIMIT && !w->void_over) {
		w->void_over = true;
		spf_note(w->c, AA_F_SPF_TOO_MANY_VOID_LOOKUPS, domain, f->file,
		    f->line, "%s: '%s' makes void lookup %d of at most %d "
		    "(%s %s does not resolve)", domain, term, w->c->voids,
		    AA_SPF_VOID_LIMIT, aa_dns_type_str(type), name);
	}
	return 1;
}

static struct aa_spf_tree *walk_node(struct walk *, const char *, int,
    struct spf_fetched *);

static void
on_path_or_deep(struct walk *w, const char *target, int depth, bool *stop,
    const struct spf_fetched *f, const char *domain, const char *term)
{
	int i;

	*stop = false;
	for (i = 0; i < w->c->depth; i++)
		if (strcasecmp(w->c->path[i], target) == 0) {
			spf_note(w->c, AA_F_SPF_INCLUDE_LOOP, domain, f->file,
			    f->line, "%s: '%s' leads back to %s, already on "
			    "the path", domain, term, target);
			*stop = true;
			return;
		}
	if (depth + 1 >= AA_SPF_MAX_DEPTH || w->nodes >= MAX_NODES) {
		spf_note(w->c, AA_F_SPF_INCLUDE_LOOP, domain, f->file, f->line,
		    "%s: '%s' is nested deeper than %d records; not followed",
		    domain, term, AA_SPF_MAX_DEPTH);
		*stop = true;
	}
}

/* The child record of include or redirect. */
static struct aa_spf_tree *
follow(struct walk *w, const char *target, int depth,
    const struct spf_fetched *f, const char *domain, const char *term,
    bool is_redirect)
{
	struct spf_fetched cf;
	struct aa_spf_tree *child;
	bool stop;

	on_path_or_deep(w, target, depth, &stop, f, domain, term);
	if (stop)
		return NULL;
	child = walk_node(w, target, depth + 1, &cf);
	/* RFC 7208 5.2, 6.1: a target without a record is permerror. */
	if (cf.result == AA_SPF_NONE && !cf.ok)
		spf_note(w->c, AA_F_SPF_INCLUDE_NONE, domain, f->file, f->line,
		    "%s: '%s': %s publishes no SPF record (%s)", domain, term,
		    target, is_redirect ? "redirect" : "include");
	return child;
}

static void
count_term(struct walk *w, struct aa_spf_term *out, const char *domain,
    const char *term)
{
	out->lookups = 1;
	/* RFC 7208 4.6.4: the term that exceeds is counted; remember it. */
	if (++w->c->lookups == AA_SPF_LOOKUP_LIMIT + 1) {
		w->inner_term = term;
		w->inner_domain = domain;
	}
}

/*
 * At the top record: the term whose subtree takes the worst case over
 * the limit is what the sender can change (design.md 3a: "which include
 * pushes the total over").
 */
static void
top_crossing(struct walk *w, int before, const struct spf_fetched *f,
    const char *domain, const char *term)
{
	if (before > AA_SPF_LOOKUP_LIMIT ||
	    w->c->lookups <= AA_SPF_LOOKUP_LIMIT)
		return;
	w->c->exceeded_term = term;
	w->c->exceeded_domain = domain;
	spf_note(w->c, AA_F_SPF_TOO_MANY_LOOKUPS, domain, f->file, f->line,
	    "%s: '%s' takes the worst case to %d DNS-querying terms, over "
	    "the limit of %d (the 11th is '%s' in %s); receivers return "
	    "permerror", domain, term, w->c->lookups, AA_SPF_LOOKUP_LIMIT,
	    w->inner_term, w->inner_domain);
}

static void
mx_hosts(struct walk *w, struct aa_spf_term *out, const struct aa_answer *ans,
    const struct spf_fetched *f, const char *domain, const char *term,
    const char *target)
{
	const struct aa_answer *addr;
	size_t i, n = 0;

	for (i = 0; i < ans->nrr; i++)
		if (ans->rr[i].type == AA_TYPE_MX)
			n++;
	if (n > AA_SPF_MAX_NAMES)
		spf_note(w->c, AA_F_SPF_MX_TOO_MANY_NAMES, domain, f->file,
		    f->line, "%s: '%s': %s has %zu MX hosts, more than %d: "
		    "permerror for every client it does not match first",
		    domain, term, target, n, AA_SPF_MAX_NAMES);
	for (i = 0, n = 0; i < ans->nrr && n < AA_SPF_MAX_NAMES; i++) {
		if (ans->rr[i].type != AA_TYPE_MX || ans->rr[i].target == NULL ||
		    ans->rr[i].target[0] == '\0')
			continue;
		n++;
		w->c->conservative++;
		out->void_ += walk_query(w, ans->rr[i].target, w->atype, &addr,
		    f, domain, term);
	}
}

static bool
over_cap(struct walk *w, const struct spf_fetched *f, const char *domain)
{
	if (w->c->lookups <= WALK_CAP)
		return false;
	if (!w->capped)
		spf_note(w->c, AA_F_SPF_TOO_MANY_LOOKUPS, domain, f->file,
		    f->line, "%s: the walk stopped following terms after %d "
		    "DNS-querying terms; the real total is higher", domain,
		    WALK_CAP);
	w->capped = true;
	return true;
}

/* One term of a record (not redirect: see walk_node). */
static void
walk_term(struct walk *w, struct aa_spf_term *out, const struct spf_fetched *f,
    const struct aa_spf_pterm *t, const char *domain, int depth)
{
	const struct aa_spf_record *r = f->rec;
	const char *term = spf_term_text(w->c, r, t), *target;
	const struct aa_answer *ans;
	unsigned letters;

	out->term = aa_report_strdup(w->rep, term);
	out->qualifier = qual_str(t->qualifier);
	if (t->kind == AA_SPF_PTR)
		spf_note(w->c, AA_F_SPF_PTR, domain, f->file, f->line,
		    "%s: '%s': ptr is slow and unreliable; RFC 7208 5.5 says "
		    "it SHOULD NOT be used", domain, term);
	if (t->kind == AA_SPF_ALL && t->qualifier == '+')
		spf_note(w->c, AA_F_SPF_PLUS_ALL, domain, f->file, f->line,
		    "%s: '%s' passes every host on the Internet", domain, term);
	if (t->kind == AA_SPF_EXP)
		w->c->conservative++;
	if (!t->dns || t->kind == AA_SPF_REDIRECT)
		return;
	count_term(w, out, domain, term);
	if (over_cap(w, f, domain))
		return;
	w->c->cur_domain = domain;
	target = spf_target(w->c, r, t, domain, &letters);
	if (target == NULL)
		return;
	if (t->kind == AA_SPF_PTR || (letters & AA_SPF_MACRO_CLIENT) != 0) {
		if (t->kind != AA_SPF_PTR || (letters & AA_SPF_MACRO_CLIENT))
			spf_note(w->c, AA_F_SPF_MACRO_UNRESOLVED, domain,
			    f->file, f->line, "%s: '%s' depends on the "
			    "client; counted once, not followed", domain, term);
		return;
	}
	switch (t->kind) {
	case AA_SPF_A:
		out->void_ += walk_query(w, target, w->atype, &ans, f, domain,
		    term);
		break;
	case AA_SPF_EXISTS:
		out->void_ += walk_query(w, target, AA_TYPE_A, &ans, f, domain,
		    term);
		break;
	case AA_SPF_MX:
		out->void_ += walk_query(w, target, AA_TYPE_MX, &ans, f, domain,
		    term);
		if (ans != NULL && ans->rcode == AA_RCODE_NOERROR)
			mx_hosts(w, out, ans, f, domain, term, target);
		break;
	case AA_SPF_INCLUDE:
		out->child = follow(w, target, depth, f, domain, term, false);
		break;
	default:
		break;
	}
}

static struct aa_spf_tree *
walk_node(struct walk *w, const char *domain, int depth, struct spf_fetched *f)
{
	struct aa_spf_tree *node;
	struct aa_spf_term *terms;
	const struct aa_spf_record *r;
	const char *term, *target;
	unsigned letters;
	size_t i;
	int before;

	w->nodes++;
	node = aa_arena_alloc(w->rep->arena, sizeof(*node));
	node->domain = aa_report_strdup(w->rep, domain);
	spf_fetch(w->c, domain, f);
	if (f->text != NULL)
		node->record = aa_report_strdup(w->rep, f->text);
	if (!f->ok)
		return node;
	r = f->rec;
	if (r->len > AA_SPF_LONG_RECORD)
		spf_note(w->c, AA_F_SPF_RECORD_TOO_LONG, domain, f->file,
		    f->line, "%s: the record is %zu octets, over the %d of "
		    "RFC 7208 3.4", domain, r->len, AA_SPF_LONG_RECORD);
	/* RFC 7208 4.7: no all and no redirect leaves neutral. */
	if (depth == 0 && !r->has_all && r->redirect < 0 && r->nterms > 0)
		spf_note(w->c, AA_F_SPF_NO_ALL, domain, f->file, f->line,
		    "%s: the record ends without all or redirect: unlisted "
		    "senders get neutral", domain);
	w->c->path[w->c->depth++] = aa_arena_strdup(w->c->a, domain);
	for (i = 0; i < r->nterms; i++)
		(void)AA_VEC_PUSH(w->rep->arena, node->terms);
	terms = node->terms.v;
	for (i = 0; i < r->nterms; i++) {
		before = w->c->lookups;
		walk_term(w, &terms[i], f, &r->terms[i], domain, depth);
		if (depth == 0)
			top_crossing(w, before, f, domain, terms[i].term);
	}
	/* RFC 7208 6.1: redirect is evaluated last, and not with all. */
	if (r->redirect >= 0) {
		const struct aa_spf_pterm *t = &r->terms[r->redirect];

		term = spf_term_text(w->c, r, t);
		if (!r->has_all) {
			before = w->c->lookups;
			count_term(w, &terms[r->redirect], domain, term);
			w->c->cur_domain = domain;
			if (over_cap(w, f, domain))
				goto done;
			target = spf_target(w->c, r, t, domain, &letters);
			if (target != NULL && (letters & AA_SPF_MACRO_CLIENT))
				spf_note(w->c, AA_F_SPF_MACRO_UNRESOLVED, domain,
				    f->file, f->line, "%s: '%s' depends on "
				    "the client; counted once, not followed",
				    domain, term);
			else if (target != NULL)
				terms[r->redirect].child = follow(w, target,
				    depth, f, domain, term, true);
done:
			if (depth == 0)
				top_crossing(w, before, f, domain, term);
		}
	}
	w->c->depth--;
	for (i = 0; i < r->nterms; i++) {
		node->lookups += terms[i].lookups;
		node->void_ += terms[i].void_;
		node->lookups_subtree += terms[i].lookups +
		    (terms[i].child != NULL ? terms[i].child->lookups_subtree :
		    0);
	}
	return node;
}

struct aa_spf_tree *
spf_tree_build(struct aa_dns *dns, struct aa_report *rep, const char *domain,
    struct spf_ctx *c, struct spf_tree_sum *sum)
{
	static const int families[] = { 4, 6 };
	struct aa_spf_tree *best = NULL, *t;
	struct spf_ctx *best_c = NULL, *cs[2] = { NULL, NULL };
	struct spf_fetched f;
	struct walk w;
	size_t i, j;

	memset(sum, 0, sizeof(*sum));
	/* The maximum over an IPv4 and an IPv6 client (design.md 3a). */
	for (i = 0; i < 2; i++) {
		cs[i] = i == 0 ? c : aa_arena_alloc(c->a, sizeof(*cs[i]));
		if (i > 0) {
			spf_ctx_init(cs[i], dns);
			spf_set_sender(cs[i], c->sender, c->helo);
			cs[i]->receiver = c->receiver;
		}
		cs[i]->worst = true;
		memset(&w, 0, sizeof(w));
		w.c = cs[i];
		w.rep = rep;
		w.c->family = families[i];
		w.atype = families[i] == 4 ? AA_TYPE_A : AA_TYPE_AAAA;
		t = walk_node(&w, domain, 0, &f);
		if (best == NULL || cs[i]->lookups > best_c->lookups ||
		    (cs[i]->lookups == best_c->lookups &&
		    cs[i]->voids > best_c->voids)) {
			best = t;
			best_c = cs[i];
		}
	}
	sum->lookups = best_c->lookups;
	sum->voids = best_c->voids;
	sum->conservative = best_c->lookups + best_c->conservative;
	sum->exceeded_term = best_c->exceeded_term;
	sum->exceeded_domain = best_c->exceeded_domain;
	if (best_c != c) {
		/* Keep the worse walk's notes in c (c's arena lives on). */
		c->notes.n = 0;
		for (j = 0; j < best_c->notes.n; j++) {
			struct spf_note *n = AA_VEC_PUSH(c->a, c->notes);

			*n = best_c->notes.v[j];
			n->subject = aa_arena_strdup(c->a, n->subject);
			n->message = aa_arena_strdup(c->a, n->message);
			if (n->file != NULL)
				n->file = aa_arena_strdup(c->a, n->file);
		}
		sum->exceeded_term = best_c->exceeded_term != NULL ?
		    aa_arena_strdup(c->a, best_c->exceeded_term) : NULL;
		sum->exceeded_domain = best_c->exceeded_domain != NULL ?
		    aa_arena_strdup(c->a, best_c->exceeded_domain) : NULL;
		c->lookups = best_c->lookups;
		c->voids = best_c->voids;
	}
	spf_ctx_free(cs[1]);
	c->family = 0;
	c->worst = false;
	return best;
}
