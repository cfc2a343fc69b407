/*
 * render_json.c: the authaudit/1 JSON report (design.md 3), built with
 * jansson; the only file that includes it.  Keys are set in the order
 * design.md 3 lists them and dumped with JSON_PRESERVE_ORDER.  Absent
 * facts are null, never omitted: a NULL pointer, an unset struct aa_int
 * and AA_TRI_NULL all become null.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aa_render.h"
#include "aa_utf8.h"
#include "aa_xmalloc.h"

/*
 * SPF trees are bounded by the walker (RFC 7208 4.6.4 allows at most 10
 * DNS-querying terms); this only stops a cycle from recursing forever.
 */
#define MAX_TREE_DEPTH	64

static json_t	*spf_tree_json(const struct aa_spf_tree *, int);


/*
 * NULL when s is valid UTF-8; else a copy (caller frees) with every
 * ill-formed sequence replaced by U+FFFD, its length in *outlen.  Header
 * text is UTF-8 with invalid sequences as U+FFFD (design.md 3a); jansson
 * refuses anything else.
 */
static char *
utf8_fix(const char *s, size_t len, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, bad = 1, o = 0;
	char *out = NULL;

	while (i < len) {
		if ((k = aa_utf8_seq(p + i, len - i, &bad)) != 0) {
			if (out != NULL)
				memcpy(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (out == NULL) {
			/* Each bad octet grows to at most 3 octets. */
			out = aa_xreallocarray(NULL, len + 1, 3);
			memcpy(out, s, o);
		}
		memcpy(out + o, "\xEF\xBF\xBD", 3);
		o += 3;
		i += bad;
	}
	if (out != NULL) {
		out[o] = '\0';
		*outlen = o;
	}
	return out;
}

static json_t *
jstr(const char *s)
{
	size_t len;
	char *fixed;
	json_t *j;

	if (s == NULL)
		return json_null();
	len = strlen(s);
	if ((fixed = utf8_fix(s, len, &len)) == NULL)
		return json_stringn(s, len);
	j = json_stringn(fixed, len);
	free(fixed);
	return j;
}

static json_t *
jint(struct aa_int i)
{
	return i.set ? json_integer(i.v) : json_null();
}

static json_t *
jtri(enum aa_tri t)
{
	switch (t) {
	case AA_TRI_FALSE:
		return json_false();
	case AA_TRI_TRUE:
		return json_true();
	case AA_TRI_NULL:
		break;
	}
	return json_null();
}

static json_t *
jstrvec(const struct aa_strvec *sv)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sv->n; i++)
		json_array_append_new(a, jstr(sv->v[i]));
	return a;
}

/* Set in order; with aa_xmalloc as allocator only a bug can fail here. */
static void
set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v);
}

static json_t *
term_domain_json(const struct aa_term_domain *td)
{
	json_t *o;

	if (td == NULL)
		return json_null();
	o = json_object();
	set(o, "term", jstr(td->term));
	set(o, "domain", jstr(td->domain));
	return o;
}

static json_t *
tool_json(const struct aa_report *rep)
{
	json_t *o = json_object();

	set(o, "name", json_string("authaudit"));
	set(o, "version", jstr(rep->version));
	set(o, "psl_date", jstr(rep->psl_date));
	return o;
}

static json_t *
recipient_json(const struct aa_bounce_recipient *r)
{
	json_t *o = json_object();

	set(o, "recipient", jstr(r->recipient));
	set(o, "action", jstr(r->action));
	set(o, "status", jstr(r->status));
	set(o, "code", jint(r->code));
	set(o, "diagnostic", jstr(r->diagnostic));
	set(o, "provider", jstr(r->provider));
	set(o, "class", jstr(r->class_));
	return o;
}

static json_t *
bounce_json(const struct aa_bounce *b)
{
	json_t *o, *a;
	size_t i;

	if (b == NULL)
		return json_null();
	o = json_object();
	set(o, "reporting_mta", jstr(b->reporting_mta));
	set(o, "remote_mta", jstr(b->remote_mta));
	a = json_array();
	for (i = 0; i < b->recipients.n; i++)
		json_array_append_new(a, recipient_json(&b->recipients.v[i]));
	set(o, "recipients", a);
	set(o, "returned", jstr(b->returned));
	return o;
}

static json_t *
input_json(const struct aa_input *in)
{
	json_t *o, *src;

	if (in == NULL)
		return json_null();
	o = json_object();
	set(o, "domain", jstr(in->domain));
	set(o, "ip", jstr(in->ip));
	set(o, "helo", jstr(in->helo));
	set(o, "mail_from", jstr(in->mail_from));
	set(o, "from_domain", jstr(in->from_domain));
	set(o, "from_domains", jstrvec(&in->from_domains));
	src = json_object();
	set(src, "ip", jstr(in->sources.ip));
	set(src, "helo", jstr(in->sources.helo));
	set(src, "mail_from", jstr(in->sources.mail_from));
	set(o, "sources", src);
	set(o, "bounce", bounce_json(in->bounce));
	return o;
}

static json_t *
dns_json(const struct aa_dns_section *d)
{
	json_t *o, *a, *ans;
	size_t i;

	if (d == NULL)
		return json_null();
	o = json_object();
	set(o, "name", jstr(d->name));
	set(o, "type", jstr(d->type));
	set(o, "rcode", jstr(d->rcode));
	set(o, "source", jstr(d->source));
	set(o, "origin", jstr(d->origin));
	set(o, "ms", json_integer(d->ms));
	set(o, "cname_chain", jstrvec(&d->cname_chain));
	a = json_array();
	for (i = 0; i < d->answers.n; i++) {
		ans = json_object();
		set(ans, "type", jstr(d->answers.v[i].type));
		set(ans, "ttl", json_integer(d->answers.v[i].ttl));
		set(ans, "data", jstr(d->answers.v[i].data));
		json_array_append_new(a, ans);
	}
	set(o, "answers", a);
	return o;
}

static json_t *
spf_term_json(const struct aa_spf_term *t, int depth)
{
	json_t *o = json_object();

	set(o, "term", jstr(t->term));
	set(o, "qualifier", jstr(t->qualifier));
	set(o, "lookups", json_integer(t->lookups));
	set(o, "void", json_integer(t->void_));
	set(o, "child", spf_tree_json(t->child, depth + 1));
	return o;
}

static json_t *
spf_tree_json(const struct aa_spf_tree *t, int depth)
{
	json_t *o, *a;
	size_t i;

	if (t == NULL || depth > MAX_TREE_DEPTH)
		return json_null();
	o = json_object();
	set(o, "domain", jstr(t->domain));
	set(o, "record", jstr(t->record));
	set(o, "lookups", json_integer(t->lookups));
	set(o, "lookups_subtree", json_integer(t->lookups_subtree));
	set(o, "void", json_integer(t->void_));
	a = json_array();
	for (i = 0; i < t->terms.n; i++)
		json_array_append_new(a, spf_term_json(&t->terms.v[i], depth));
	set(o, "terms", a);
	return o;
}

static json_t *
spf_lookups_json(const struct aa_spf_report *s)
{
	json_t *o = json_object();

	set(o, "count", jint(s->lookups.count));
	set(o, "limit", json_integer(AA_SPF_LOOKUP_LIMIT));
	set(o, "void", jint(s->lookups.void_));
	set(o, "void_limit", json_integer(AA_SPF_VOID_LIMIT));
	set(o, "mode", jstr(s->lookups.mode));
	set(o, "conservative", jint(s->lookups.conservative));
	set(o, "exceeded_at", term_domain_json(s->lookups.exceeded_at));
	return o;
}

static json_t *
libspf2_json(const struct aa_spf_libspf2 *l)
{
	json_t *o;

	if (l == NULL)
		return json_null();
	o = json_object();
	set(o, "result", jstr(l->result));
	set(o, "agrees", jtri(l->agrees));
	set(o, "crashed", jtri(l->crashed));
	set(o, "note", jstr(l->note));
	return o;
}

static json_t *
spf_json(const struct aa_spf_report *s)
{
	json_t *o;

	if (s == NULL)
		return json_null();
	o = json_object();
	set(o, "domain", jstr(s->domain));
	set(o, "record", jstr(s->record));
	set(o, "result", jstr(s->result));
	set(o, "explanation", jstr(s->explanation));
	set(o, "helo_result", jstr(s->helo_result));
	set(o, "matched", term_domain_json(s->matched));
	set(o, "lookups", spf_lookups_json(s));
	set(o, "tree", spf_tree_json(s->tree, 0));
	set(o, "libspf2", libspf2_json(s->libspf2));
	return o;
}

static json_t *
dkim_sig_json(const struct aa_dkim_sig *g)
{
	json_t *o = json_object();

	set(o, "domain", jstr(g->domain));
	set(o, "selector", jstr(g->selector));
	set(o, "algorithm", jstr(g->algorithm));
	set(o, "canonicalization", jstr(g->canonicalization));
	set(o, "identity", jstr(g->identity));
	set(o, "timestamp", jint(g->timestamp));
	set(o, "expiration", jint(g->expiration));
	set(o, "result", jstr(g->result));
	set(o, "error", jstr(g->error));
	set(o, "key_bits", jint(g->key_bits));
	set(o, "key_flags", jstr(g->key_flags));
	set(o, "aligned", jtri(g->aligned));
	set(o, "headers_signed", jstrvec(&g->headers_signed));
	set(o, "body_length", jint(g->body_length));
	set(o, "testing", jtri(g->testing));
	return o;
}

static json_t *
dkim_json(const struct aa_dkim_report *d)
{
	json_t *o, *a;
	size_t i;

	if (d == NULL)
		return json_null();
	o = json_object();
	a = json_array();
	for (i = 0; i < d->signatures.n; i++)
		json_array_append_new(a, dkim_sig_json(&d->signatures.v[i]));
	set(o, "signatures", a);
	return o;
}

static json_t *
rfc9989_json(const struct aa_dmarc_rfc9989 *r)
{
	json_t *o;

	if (r == NULL)
		return json_null();
	o = json_object();
	set(o, "record_domain", jstr(r->record_domain));
	set(o, "org_domain", jstr(r->org_domain));
	set(o, "result", jstr(r->result));
	set(o, "disposition", jstr(r->disposition));
	return o;
}

static json_t *
opendmarc_json(const struct aa_dmarc_opendmarc *r)
{
	json_t *o;

	if (r == NULL)
		return json_null();
	o = json_object();
	set(o, "result", jstr(r->result));
	set(o, "disposition", jstr(r->disposition));
	set(o, "agrees", jtri(r->agrees));
	set(o, "note", jstr(r->note));
	return o;
}

static json_t *
dmarc_json(const struct aa_dmarc_report *d)
{
	json_t *o;

	if (d == NULL)
		return json_null();
	o = json_object();
	set(o, "from_domain", jstr(d->from_domain));
	set(o, "record_domain", jstr(d->record_domain));
	set(o, "record", jstr(d->record));
	set(o, "org_domain_psl", jstr(d->org_domain_psl));
	set(o, "org_domain_treewalk", jstr(d->org_domain_treewalk));
	set(o, "policy", jstr(d->policy));
	set(o, "subdomain_policy", jstr(d->subdomain_policy));
	set(o, "np", jstr(d->np));
	set(o, "pct", jint(d->pct));
	set(o, "adkim", jstr(d->adkim));
	set(o, "aspf", jstr(d->aspf));
	set(o, "testing", jtri(d->testing));
	set(o, "applied", jstr(d->applied));
	set(o, "spf_aligned", jtri(d->spf_aligned));
	set(o, "dkim_aligned", jtri(d->dkim_aligned));
	set(o, "result", jstr(d->result));
	set(o, "disposition", jstr(d->disposition));
	set(o, "disposition_sampled_out", jstr(d->disposition_sampled_out));
	set(o, "rfc9989", rfc9989_json(d->rfc9989));
	set(o, "opendmarc", opendmarc_json(d->opendmarc));
	return o;
}

static json_t *
receiver_json(const struct aa_receiver_out *r)
{
	json_t *o = json_object();

	set(o, "name", jstr(r->name));
	set(o, "outcome", jstr(r->outcome));
	set(o, "code", jint(r->code));
	set(o, "enhanced", jstr(r->enhanced));
	set(o, "reply", jstr(r->reply));
	set(o, "likely", json_boolean(r->likely));
	return o;
}

static json_t *
fix_json(const struct aa_fix *f)
{
	json_t *o = json_object(), *r = json_null();

	set(o, "text", jstr(f->text));
	if (f->record != NULL) {
		r = json_object();
		set(r, "name", jstr(f->record->name));
		set(r, "type", jstr(f->record->type));
		set(r, "value", jstr(f->record->value));
	}
	set(o, "record", r);
	return o;
}

static json_t *
verdict_json(const struct aa_verdict *v)
{
	json_t *o, *a;
	size_t i;

	if (v == NULL)
		return json_null();
	o = json_object();
	set(o, "outcome", jstr(v->outcome));
	set(o, "cause", jstr(v->cause));
	set(o, "code", jint(v->code));
	set(o, "enhanced", jstr(v->enhanced));
	set(o, "summary", jstr(v->summary));
	set(o, "assumes", jstr(v->assumes));
	a = json_array();
	for (i = 0; i < v->receivers.n; i++)
		json_array_append_new(a, receiver_json(&v->receivers.v[i]));
	set(o, "receivers", a);
	a = json_array();
	for (i = 0; i < v->fixes.n; i++)
		json_array_append_new(a, fix_json(&v->fixes.v[i]));
	set(o, "fixes", a);
	return o;
}

static json_t *
whatif_json(const struct aa_whatif *w)
{
	json_t *o, *b;

	if (w == NULL)
		return json_null();
	o = json_object();
	set(o, "changes", jstrvec(&w->changes));
	b = json_object();
	set(b, "spf_lookups", jint(w->before.spf_lookups));
	set(b, "spf_result", jstr(w->before.spf_result));
	set(b, "dmarc_disposition", jstr(w->before.dmarc_disposition));
	set(b, "outcome", jstr(w->before.outcome));
	set(o, "before", b);
	return o;
}

static json_t *
changes_json(const struct aa_change *v, size_t n)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		set(o, "what", jstr(v[i].what));
		set(o, "id", jstr(v[i].id));
		set(o, "subject", jstr(v[i].subject));
		set(o, "before", jstr(v[i].before));
		set(o, "after", jstr(v[i].after));
		json_array_append_new(a, o);
	}
	return a;
}

/* --baseline: an addition to design.md 3 (keys may be added). */
static json_t *
baseline_json(const struct aa_baseline_out *b)
{
	json_t *o;

	if (b == NULL)
		return json_null();
	o = json_object();
	set(o, "file", jstr(b->file));
	set(o, "regressions", changes_json(b->regressions.v,
	    b->regressions.n));
	set(o, "improved", changes_json(b->improved.v, b->improved.n));
	set(o, "unchanged", changes_json(b->unchanged.v, b->unchanged.n));
	return o;
}

static json_t *
finding_json(const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);
	json_t *o = json_object(), *origin = json_null();

	set(o, "id", jstr(info != NULL ? info->id : NULL));
	set(o, "severity", jstr(aa_severity_str(f->severity)));
	set(o, "subject", jstr(f->subject));
	set(o, "message", jstr(f->message));
	set(o, "rfc", jstr(info != NULL ? info->rfc : NULL));
	if (f->origin.file != NULL) {
		origin = json_object();
		set(origin, "file", jstr(f->origin.file));
		set(origin, "line", json_integer(f->origin.line));
	}
	set(o, "origin", origin);
	return o;
}

static json_t *
query_json(const struct aa_query_out *q)
{
	json_t *o = json_object();

	set(o, "name", jstr(q->name));
	set(o, "type", jstr(q->type));
	set(o, "rcode", jstr(q->rcode));
	set(o, "answers", json_integer(q->answers));
	set(o, "source", jstr(q->source));
	set(o, "ms", json_integer(q->ms));
	set(o, "by", jstr(q->by));
	return o;
}

/* The envelope of design.md 3, in its key order. */
static json_t *
report_json(const struct aa_report *rep)
{
	json_t *root = json_object(), *a;
	size_t i;

	set(root, "schema", json_string(AA_SCHEMA));
	set(root, "tool", tool_json(rep));
	set(root, "command", jstr(rep->command));
	set(root, "input", input_json(rep->input));
	set(root, "dns", dns_json(rep->dns));
	set(root, "spf", spf_json(rep->spf));
	set(root, "dkim", dkim_json(rep->dkim));
	set(root, "dmarc", dmarc_json(rep->dmarc));
	set(root, "verdict", verdict_json(rep->verdict));
	set(root, "whatif", whatif_json(rep->whatif));
	set(root, "baseline", baseline_json(rep->baseline));
	a = json_array();
	for (i = 0; i < rep->findings.n; i++)
		json_array_append_new(a, finding_json(&rep->findings.v[i]));
	set(root, "findings", a);
	a = json_array();
	for (i = 0; i < rep->dns_queries.n; i++)
		json_array_append_new(a, query_json(&rep->dns_queries.v[i]));
	set(root, "dns_queries", a);
	return root;
}

char *
aa_render_json_string(const struct aa_report *rep)
{
	json_t *root;
	size_t len;
	char *s;

	/* Out of memory is fatal (style.md), so jansson never sees NULL. */
	json_set_alloc_funcs(aa_xmalloc, free);
	root = report_json(rep);
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		return NULL;
	len = strlen(s);
	s = aa_xrealloc(s, len + 2);
	memcpy(s + len, "\n", 2);
	return s;
}

int
aa_render_json(FILE *fp, const struct aa_report *rep,
    const struct aa_render_opts *opts)
{
	char *s;
	size_t len;
	int rv = 0;

	(void)opts;
	if ((s = aa_render_json_string(rep)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	len = strlen(s);
	if (fwrite(s, 1, len, fp) != len || fflush(fp) == EOF)
		rv = -1;
	free(s);
	return rv;
}
