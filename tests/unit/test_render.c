/*
 * test_render.c: the renderers (src/render*.c).  Reports are built by hand.
 * The JSON of a report with every field filled is compared with a golden
 * file (testdata/golden/render-full.json, reviewed against design.md 3;
 * UPDATE=1 rewrites it); the JSON is also parsed back with jansson to
 * check key order, null semantics and that strings survive.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "aa_render.h"

#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

#define GOLDEN_FULL	TESTDATA "/golden/render-full.json"

/* A report of command "domain" with every field of every section set. */
static void
fill_input(struct aa_report *rep)
{
	struct aa_input *in = aa_arena_alloc(rep->arena, sizeof(*in));
	struct aa_bounce *b = aa_arena_alloc(rep->arena, sizeof(*b));
	struct aa_bounce_recipient *r;

	in->domain = "example.com";
	in->ip = "192.0.2.1";
	in->helo = "mail.example.com";
	in->mail_from = "bounce@example.com";
	in->from_domain = "example.com";
	*AA_VEC_PUSH(rep->arena, in->from_domains) = "example.com";
	*AA_VEC_PUSH(rep->arena, in->from_domains) = "example.org";
	in->sources.ip = "option";
	in->sources.helo = "received";
	in->sources.mail_from = "return-path";
	b->reporting_mta = "mx.example.net";
	b->remote_mta = "gmail-smtp-in.l.google.com";
	r = AA_VEC_PUSH(rep->arena, b->recipients);
	r->recipient = "user@example.org";
	r->action = "failed";
	r->status = "5.7.26";
	r->code = AA_INT(550);
	r->diagnostic = "550-5.7.26 Unauthenticated email is not accepted";
	r->provider = "gmail";
	r->class_ = "authentication";
	b->returned = "headers";
	in->bounce = b;
	rep->input = in;
}

static void
fill_dns(struct aa_report *rep)
{
	struct aa_dns_section *d = aa_arena_alloc(rep->arena, sizeof(*d));
	struct aa_dns_answer_out *a;

	d->name = "_dmarc.example.com";
	d->type = "TXT";
	d->rcode = "NOERROR";
	d->source = "zone";
	d->origin = "testdata/zones/example.zone:21";
	d->ms = 3;
	*AA_VEC_PUSH(rep->arena, d->cname_chain) = "_dmarc.example.net";
	a = AA_VEC_PUSH(rep->arena, d->answers);
	a->type = "TXT";
	a->ttl = 3600;
	a->data = "\"v=DMARC1; p=reject\"";
	rep->dns = d;
}

static struct aa_term_domain *
term_domain(struct aa_report *rep, const char *term, const char *domain)
{
	struct aa_term_domain *td = aa_arena_alloc(rep->arena, sizeof(*td));

	td->term = term;
	td->domain = domain;
	return td;
}

static struct aa_spf_term *
push_term(struct aa_report *rep, struct aa_spf_tree *t, const char *term,
    const char *q, long long lookups)
{
	struct aa_spf_term *st = AA_VEC_PUSH(rep->arena, t->terms);

	st->term = term;
	st->qualifier = q;
	st->lookups = lookups;
	return st;
}

static struct aa_spf_tree *
spf_tree(struct aa_report *rep)
{
	struct aa_spf_tree *top = aa_arena_alloc(rep->arena, sizeof(*top));
	struct aa_spf_tree *esp = aa_arena_alloc(rep->arena, sizeof(*esp));

	esp->domain = "_spf.esp.example.net";
	esp->record = "v=spf1 a:nothere.example.net -all";
	esp->lookups = 1;
	esp->lookups_subtree = 1;
	esp->void_ = 1;
	push_term(rep, esp, "a:nothere.example.net", "+", 1)->void_ = 1;
	push_term(rep, esp, "-all", "-", 0);
	top->domain = "example.com";
	top->record = "v=spf1 include:_spf.esp.example.net -all";
	top->lookups = 1;
	top->lookups_subtree = 2;
	top->void_ = 0;
	push_term(rep, top, "include:_spf.esp.example.net", "+", 1)->child =
	    esp;
	push_term(rep, top, "-all", "-", 0);
	return top;
}

static void
fill_spf(struct aa_report *rep)
{
	struct aa_spf_report *s = aa_arena_alloc(rep->arena, sizeof(*s));
	struct aa_spf_libspf2 *l = aa_arena_alloc(rep->arena, sizeof(*l));

	s->domain = "example.com";
	s->record = "v=spf1 include:_spf.esp.example.net -all";
	s->result = "fail";
	s->explanation = "192.0.2.1 is not one of example.com's senders";
	s->helo_result = "none";
	s->matched = term_domain(rep, "-all", "example.com");
	s->lookups.count = AA_INT(2);
	s->lookups.void_ = AA_INT(1);
	s->lookups.mode = "evaluation";
	s->lookups.conservative = AA_INT(3);
	s->lookups.exceeded_at = term_domain(rep, "include:big.example",
	    "example.com");
	s->tree = spf_tree(rep);
	l->result = "fail";
	l->agrees = AA_TRI_TRUE;
	l->crashed = AA_TRI_FALSE;
	l->note = "same result";
	s->libspf2 = l;
	rep->spf = s;
}

static void
fill_dkim(struct aa_report *rep)
{
	struct aa_dkim_report *d = aa_arena_alloc(rep->arena, sizeof(*d));
	struct aa_dkim_sig *g = AA_VEC_PUSH(rep->arena, d->signatures);

	g->domain = "example.com";
	g->selector = "sel1";
	g->algorithm = "rsa-sha256";
	g->canonicalization = "relaxed/simple";
	g->identity = "@example.com";
	g->timestamp = AA_INT(1700000000);
	g->expiration = AA_INT(1700086400);
	g->result = "fail";
	g->error = "body hash mismatch";
	g->key_bits = AA_INT(2048);
	g->key_flags = "y";
	g->aligned = AA_TRI_TRUE;
	*AA_VEC_PUSH(rep->arena, g->headers_signed) = "from";
	*AA_VEC_PUSH(rep->arena, g->headers_signed) = "to";
	*AA_VEC_PUSH(rep->arena, g->headers_signed) = "from";
	g->body_length = AA_INT(120);
	g->testing = AA_TRI_FALSE;
	rep->dkim = d;
}

static void
fill_dmarc(struct aa_report *rep)
{
	struct aa_dmarc_report *d = aa_arena_alloc(rep->arena, sizeof(*d));

	d->from_domain = "mail.example.com";
	d->record_domain = "example.com";
	d->record = "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=50";
	d->org_domain_psl = "example.com";
	d->org_domain_treewalk = "example.com";
	d->policy = "reject";
	d->subdomain_policy = "quarantine";
	d->np = "reject";
	d->pct = AA_INT(50);
	d->adkim = "r";
	d->aspf = "s";
	d->testing = AA_TRI_FALSE;
	d->applied = "sp";
	d->spf_aligned = AA_TRI_FALSE;
	d->dkim_aligned = AA_TRI_FALSE;
	d->result = "fail";
	d->disposition = "quarantine";
	d->disposition_sampled_out = "none";
	d->rfc9989 = aa_arena_alloc(rep->arena, sizeof(*d->rfc9989));
	d->rfc9989->record_domain = "example.com";
	d->rfc9989->org_domain = "example.com";
	d->rfc9989->result = "fail";
	d->rfc9989->disposition = "quarantine";
	d->opendmarc = aa_arena_alloc(rep->arena, sizeof(*d->opendmarc));
	d->opendmarc->result = "fail";
	d->opendmarc->disposition = "quarantine";
	d->opendmarc->agrees = AA_TRI_TRUE;
	d->opendmarc->note = "OpenDMARC 1.4.2";
	rep->dmarc = d;
}

static void
fill_verdict(struct aa_report *rep)
{
	struct aa_verdict *v = aa_arena_alloc(rep->arena, sizeof(*v));
	struct aa_receiver_out *r;
	struct aa_fix *f;

	v->outcome = "quarantine";
	v->cause = "dmarc-fail";
	v->code = AA_INT(250);
	v->enhanced = "2.0.0";
	v->summary = "DMARC fails: SPF is not aligned and DKIM fails";
	v->assumes = "no DKIM signature";
	r = AA_VEC_PUSH(rep->arena, v->receivers);
	r->name = "gmail";
	r->outcome = "quarantine";
	r->code = AA_INT(250);
	r->enhanced = "2.0.0";
	r->reply = "250 2.0.0 OK";
	r->likely = true;
	r = AA_VEC_PUSH(rep->arena, v->receivers);
	r->name = "rfc";
	r->outcome = "reject";
	r->likely = false;
	f = AA_VEC_PUSH(rep->arena, v->fixes);
	f->text = "Authorise 192.0.2.1 in the SPF record of example.com";
	f->record = aa_arena_alloc(rep->arena, sizeof(*f->record));
	f->record->name = "example.com";
	f->record->type = "TXT";
	f->record->value = "v=spf1 ip4:192.0.2.1 include:_spf.esp.example.net "
	    "-all";
	f = AA_VEC_PUSH(rep->arena, v->fixes);
	f->text = "Re-sign after the last body change";
	rep->verdict = v;
}

static void
fill_rest(struct aa_report *rep)
{
	struct aa_whatif *w = aa_arena_alloc(rep->arena, sizeof(*w));
	struct aa_query_out *q;
	struct aa_finding *f;

	*AA_VEC_PUSH(rep->arena, w->changes) = "--spf-add ip4:192.0.2.1";
	w->before.spf_lookups = AA_INT(2);
	w->before.spf_result = "pass";
	w->before.dmarc_disposition = "none";
	w->before.outcome = "deliver";
	rep->whatif = w;
	f = aa_report_add(rep, AA_F_SPF_FAIL, "example.com",
	    "192.0.2.1 is not authorised");
	f->origin.file = "testdata/zones/example.zone";
	f->origin.line = 14;
	aa_report_add(rep, AA_F_DMARC_PCT, "example.com", "pct=%d", 50);
	q = AA_VEC_PUSH(rep->arena, rep->dns_queries);
	*q = (struct aa_query_out){ "example.com", "TXT", "NOERROR", 1,
		"zone", 0, NULL };
	q = AA_VEC_PUSH(rep->arena, rep->dns_queries);
	*q = (struct aa_query_out){ "nothere.example.net", "A", "NXDOMAIN",
		0, "offline", 2, "libspf2" };
}

static struct aa_report *
full_report(void)
{
	struct aa_report *rep = aa_report_new("domain");

	rep->version = "0.1.0-test";
	rep->psl_date = "2026-01-15";
	fill_input(rep);
	fill_dns(rep);
	fill_spf(rep);
	fill_dkim(rep);
	fill_dmarc(rep);
	fill_verdict(rep);
	fill_rest(rep);
	return rep;
}

/* What a renderer writes, as a NUL-terminated string (caller frees). */
static char *
render(int (*fn)(FILE *, const struct aa_report *,
    const struct aa_render_opts *), const struct aa_report *rep,
    const struct aa_render_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(fn(fp, rep, opts), 0, "renderer failed");
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(strlen(buf), len, "output holds a NUL octet");
	return buf;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s (run from the repo root)",
	    path);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	cr_assert_geq(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static json_t *
parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);

	cr_assert_not_null(j, "output is not JSON: line %d: %s", err.line,
	    err.text);
	return j;
}

/* The keys of object o, in order, joined by spaces. */
static char *
keys(json_t *o)
{
	static char buf[1024];
	void *it;

	cr_assert(json_is_object(o), "not an object");
	buf[0] = '\0';
	for (it = json_object_iter(o); it != NULL;
	    it = json_object_iter_next(o, it)) {
		if (buf[0] != '\0')
			strcat(buf, " ");
		strcat(buf, json_object_iter_key(it));
	}
	return buf;
}

/* Member at a dotted path ("spf.lookups.count"; "terms.0" indexes). */
static json_t *
at(json_t *j, const char *path)
{
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p != NULL && j != NULL;
	    p = strtok_r(NULL, ".", &save))
		j = json_is_array(j) ? json_array_get(j, strtoul(p, NULL, 10)) :
		    json_object_get(j, p);
	cr_assert_not_null(j, "no member %s", path);
	return j;
}

TestSuite(render);

Test(render, json_full_matches_golden)
{
	struct aa_report *rep = full_report();
	char *got = render(aa_render_json, rep, NULL), *want;
	FILE *fp;

	if (getenv("UPDATE") != NULL) {
		fp = fopen(GOLDEN_FULL, "w");
		cr_assert_not_null(fp, "cannot write %s", GOLDEN_FULL);
		fputs(got, fp);
		fclose(fp);
	}
	want = slurp(GOLDEN_FULL);
	cr_assert_str_eq(got, want, "JSON differs from %s", GOLDEN_FULL);
	cr_assert_eq(got[strlen(got) - 1], '\n', "no final newline");
	cr_assert_eq(strncmp(got, "{\n  \"schema\": \"authaudit/1\",\n", 29),
	    0, "not indented by 2 or schema not first");
	free(want);
	free(got);
	aa_report_free(rep);
}

Test(render, json_key_order)
{
	struct aa_report *rep = full_report();
	char *out = render(aa_render_json, rep, NULL);
	json_t *j = parse(out);

	cr_assert_str_eq(keys(j), "schema tool command input dns spf dkim "
	    "dmarc verdict whatif baseline findings dns_queries");
	cr_assert_str_eq(keys(at(j, "tool")), "name version psl_date");
	cr_assert_str_eq(keys(at(j, "input")), "domain ip helo mail_from "
	    "from_domain from_domains sources bounce");
	cr_assert_str_eq(keys(at(j, "input.sources")), "ip helo mail_from");
	cr_assert_str_eq(keys(at(j, "input.bounce")),
	    "reporting_mta remote_mta recipients returned");
	cr_assert_str_eq(keys(at(j, "input.bounce.recipients.0")),
	    "recipient action status code diagnostic provider class");
	cr_assert_str_eq(keys(at(j, "dns")), "name type rcode source origin "
	    "ms cname_chain answers");
	cr_assert_str_eq(keys(at(j, "dns.answers.0")), "type ttl data");
	cr_assert_str_eq(keys(at(j, "spf")), "domain record result "
	    "explanation helo_result matched lookups tree libspf2");
	cr_assert_str_eq(keys(at(j, "spf.matched")), "term domain");
	cr_assert_str_eq(keys(at(j, "spf.lookups")), "count limit void "
	    "void_limit mode conservative exceeded_at");
	cr_assert_str_eq(keys(at(j, "spf.lookups.exceeded_at")),
	    "term domain");
	cr_assert_str_eq(keys(at(j, "spf.tree")), "domain record lookups "
	    "lookups_subtree void terms");
	cr_assert_str_eq(keys(at(j, "spf.tree.terms.0")),
	    "term qualifier lookups void child");
	cr_assert_str_eq(keys(at(j, "spf.tree.terms.0.child")),
	    "domain record lookups lookups_subtree void terms");
	cr_assert_str_eq(keys(at(j, "spf.libspf2")),
	    "result agrees crashed note");
	cr_assert_str_eq(keys(at(j, "dkim")), "signatures");
	cr_assert_str_eq(keys(at(j, "dkim.signatures.0")), "domain selector "
	    "algorithm canonicalization identity timestamp expiration result "
	    "error key_bits key_flags aligned headers_signed body_length "
	    "testing");
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

Test(render, json_key_order_rest)
{
	struct aa_report *rep = full_report();
	char *out = render(aa_render_json, rep, NULL);
	json_t *j = parse(out);

	cr_assert_str_eq(keys(at(j, "dmarc")), "from_domain record_domain "
	    "record org_domain_psl org_domain_treewalk policy "
	    "subdomain_policy np pct adkim aspf testing applied spf_aligned "
	    "dkim_aligned result disposition disposition_sampled_out rfc9989 "
	    "opendmarc");
	cr_assert_str_eq(keys(at(j, "dmarc.rfc9989")),
	    "record_domain org_domain result disposition");
	cr_assert_str_eq(keys(at(j, "dmarc.opendmarc")),
	    "result disposition agrees note");
	cr_assert_str_eq(keys(at(j, "verdict")), "outcome cause code "
	    "enhanced summary assumes receivers fixes");
	cr_assert_str_eq(keys(at(j, "verdict.receivers.0")),
	    "name outcome code enhanced reply likely");
	cr_assert_str_eq(keys(at(j, "verdict.fixes.0")), "text record");
	cr_assert_str_eq(keys(at(j, "verdict.fixes.0.record")),
	    "name type value");
	cr_assert_str_eq(keys(at(j, "whatif")), "changes before");
	cr_assert_str_eq(keys(at(j, "whatif.before")),
	    "spf_lookups spf_result dmarc_disposition outcome");
	cr_assert_str_eq(keys(at(j, "findings.0")),
	    "id severity subject message rfc origin");
	cr_assert_str_eq(keys(at(j, "findings.0.origin")), "file line");
	cr_assert_str_eq(keys(at(j, "dns_queries.0")),
	    "name type rcode answers source ms by");
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

Test(render, json_findings_from_registry)
{
	struct aa_report *rep = full_report();
	char *out = render(aa_render_json, rep, NULL);
	json_t *j = parse(out);

	cr_assert_str_eq(json_string_value(at(j, "findings.0.id")),
	    "spf-fail");
	cr_assert_str_eq(json_string_value(at(j, "findings.0.severity")),
	    "error");
	cr_assert_str_eq(json_string_value(at(j, "findings.0.rfc")),
	    aa_finding_info(AA_F_SPF_FAIL)->rfc);
	cr_assert_eq(json_integer_value(at(j, "findings.0.origin.line")), 14);
	cr_assert_str_eq(json_string_value(at(j, "findings.1.id")),
	    "dmarc-pct");
	cr_assert_str_eq(json_string_value(at(j, "findings.1.severity")),
	    "warning");
	cr_assert_str_eq(json_string_value(at(j, "findings.1.message")),
	    "pct=50");
	cr_assert(json_is_null(at(j, "findings.1.origin")));
	cr_assert(json_is_null(at(j, "dns_queries.0.by")));
	cr_assert_str_eq(json_string_value(at(j, "dns_queries.1.by")),
	    "libspf2");
	cr_assert(json_is_null(at(j, "verdict.fixes.1.record")));
	cr_assert(json_is_null(at(j, "spf.tree.terms.1.child")));
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

Test(render, json_null_sections)
{
	static const char *const sections[] = { "input", "dns", "spf",
		"dkim", "dmarc", "verdict", "whatif" };
	struct aa_report *rep = aa_report_new("dns");
	char *out = render(aa_render_json, rep, NULL);
	json_t *j = parse(out);
	size_t i;

	cr_assert_str_eq(keys(j), "schema tool command input dns spf dkim "
	    "dmarc verdict whatif baseline findings dns_queries");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		cr_assert(json_is_null(at(j, sections[i])), "%s not null",
		    sections[i]);
	cr_assert(json_is_null(at(j, "tool.psl_date")));
	cr_assert_str_eq(json_string_value(at(j, "tool.version")),
	    rep->version);
	cr_assert_str_eq(json_string_value(at(j, "tool.name")), "authaudit");
	cr_assert_str_eq(json_string_value(at(j, "command")), "dns");
	cr_assert(json_is_array(at(j, "findings")));
	cr_assert_eq(json_array_size(at(j, "findings")), 0);
	cr_assert_eq(json_array_size(at(j, "dns_queries")), 0);
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

/*
 * Leaves of a zeroed section: every scalar is null, at any depth (array
 * elements are "[]" in paths), except the plain integers and booleans the
 * model does not make nullable: those are 0 and false.
 */
static void
assert_all_null(json_t *v, const char *path)
{
	static const char *const zero[] = { "dns.ms", "dns.answers[].ttl",
		"spf.tree.lookups", "spf.tree.lookups_subtree", "spf.tree.void",
		"spf.tree.terms[].lookups", "spf.tree.terms[].void" };
	char sub[256];
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, m) {
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			assert_all_null(m, sub);
		}
		return;
	}
	snprintf(sub, sizeof(sub), "%s[]", path);
	json_array_foreach(v, i, m)
		assert_all_null(m, sub);
	if (json_is_array(v))
		return;
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (strcmp(path, zero[i]) == 0) {
			cr_assert(json_is_integer(v) &&
			    json_integer_value(v) == 0, "%s not 0", path);
			return;
		}
	/* RFC 7208 4.6.4 constants, whatever the section holds. */
	if (strcmp(path, "spf.lookups.limit") == 0 ||
	    strcmp(path, "spf.lookups.void_limit") == 0) {
		cr_assert(json_is_integer(v) && json_integer_value(v) ==
		    (strcmp(path, "spf.lookups.limit") == 0 ? 10 : 2),
		    "%s is not the RFC 7208 limit", path);
		return;
	}
	if (strcmp(path, "verdict.receivers[].likely") == 0) {
		cr_assert(json_is_false(v), "%s not false", path);
		return;
	}
	cr_assert(json_is_null(v), "%s is not null", path);
}

Test(render, json_zeroed_sections_are_null)
{
	static const char *const lists[] = { "input.from_domains",
		"dns.cname_chain", "dns.answers", "dkim.signatures",
		"verdict.receivers", "verdict.fixes", "whatif.changes" };
	struct aa_report *rep = aa_report_new("message");
	char *out;
	json_t *j;
	size_t i;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->dns = aa_arena_alloc(rep->arena, sizeof(*rep->dns));
	rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	rep->dkim = aa_arena_alloc(rep->arena, sizeof(*rep->dkim));
	rep->dmarc = aa_arena_alloc(rep->arena, sizeof(*rep->dmarc));
	rep->verdict = aa_arena_alloc(rep->arena, sizeof(*rep->verdict));
	rep->whatif = aa_arena_alloc(rep->arena, sizeof(*rep->whatif));
	out = render(aa_render_json, rep, NULL);
	j = parse(out);
	assert_all_null(at(j, "input"), "input");
	assert_all_null(at(j, "dns"), "dns");
	assert_all_null(at(j, "spf"), "spf");
	assert_all_null(at(j, "dkim"), "dkim");
	assert_all_null(at(j, "dmarc"), "dmarc");
	assert_all_null(at(j, "verdict"), "verdict");
	assert_all_null(at(j, "whatif"), "whatif");
	/* Lists are facts: an empty list is [], not null. */
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		cr_assert(json_is_array(at(j, lists[i])) &&
		    json_array_size(at(j, lists[i])) == 0, "%s not []",
		    lists[i]);
	/* Nested objects stay objects; optional sub-objects are null. */
	cr_assert_str_eq(keys(at(j, "input.sources")), "ip helo mail_from");
	cr_assert_str_eq(keys(at(j, "whatif.before")),
	    "spf_lookups spf_result dmarc_disposition outcome");
	cr_assert(json_is_null(at(j, "input.bounce")));
	cr_assert(json_is_null(at(j, "spf.tree")));
	cr_assert(json_is_null(at(j, "spf.lookups.exceeded_at")));
	cr_assert(json_is_null(at(j, "dmarc.rfc9989")));
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

/* Every optional sub-object and one element of every list, all zeroed. */
static void
zero_subobjects(struct aa_report *rep)
{
	struct aa_arena *a = rep->arena;

	rep->input->bounce = aa_arena_alloc(a, sizeof(*rep->input->bounce));
	AA_VEC_PUSH(a, rep->input->bounce->recipients);
	AA_VEC_PUSH(a, rep->dns->answers);
	rep->spf->matched = aa_arena_alloc(a, sizeof(*rep->spf->matched));
	rep->spf->lookups.exceeded_at = aa_arena_alloc(a,
	    sizeof(*rep->spf->lookups.exceeded_at));
	rep->spf->tree = aa_arena_alloc(a, sizeof(*rep->spf->tree));
	AA_VEC_PUSH(a, rep->spf->tree->terms);
	rep->spf->libspf2 = aa_arena_alloc(a, sizeof(*rep->spf->libspf2));
	AA_VEC_PUSH(a, rep->dkim->signatures);
	rep->dmarc->rfc9989 = aa_arena_alloc(a, sizeof(*rep->dmarc->rfc9989));
	rep->dmarc->opendmarc = aa_arena_alloc(a,
	    sizeof(*rep->dmarc->opendmarc));
	AA_VEC_PUSH(a, rep->verdict->receivers);
	AA_VEC_PUSH(a, rep->verdict->fixes)->record = aa_arena_alloc(a,
	    sizeof(struct aa_record_out));
}

Test(render, json_zeroed_subobjects_are_null)
{
	static const char *const sections[] = { "input", "dns", "spf",
		"dkim", "dmarc", "verdict" };
	struct aa_report *rep = aa_report_new("message");
	struct aa_arena *a = rep->arena;
	char *out;
	json_t *j;
	size_t i;

	rep->input = aa_arena_alloc(a, sizeof(*rep->input));
	rep->dns = aa_arena_alloc(a, sizeof(*rep->dns));
	rep->spf = aa_arena_alloc(a, sizeof(*rep->spf));
	rep->dkim = aa_arena_alloc(a, sizeof(*rep->dkim));
	rep->dmarc = aa_arena_alloc(a, sizeof(*rep->dmarc));
	rep->verdict = aa_arena_alloc(a, sizeof(*rep->verdict));
	zero_subobjects(rep);
	out = render(aa_render_json, rep, NULL);
	j = parse(out);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		assert_all_null(at(j, sections[i]), sections[i]);
	cr_assert_str_eq(keys(at(j, "spf.libspf2")),
	    "result agrees crashed note");
	cr_assert_str_eq(keys(at(j, "verdict.fixes.0.record")),
	    "name type value");
	cr_assert_str_eq(keys(at(j, "dkim.signatures.0")), "domain selector "
	    "algorithm canonicalization identity timestamp expiration result "
	    "error key_bits key_flags aligned headers_signed body_length "
	    "testing");
	cr_assert(json_is_null(at(j, "spf.tree.terms.0.child")));
	cr_assert(json_is_array(at(j, "dkim.signatures.0.headers_signed")));
	cr_assert(json_is_array(at(j, "spf.tree.terms")));
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

/* RFC 1035 5.1 presentation form: quotes, \" \\ and \DDD survive as text. */
Test(render, json_txt_escapes_survive)
{
	static const char data[] = "\"v=spf1 \\\"q\\\" a\\\\b \\000\\255\" "
	    "\"second\"";
	struct aa_report *rep = aa_report_new("dns");
	struct aa_dns_answer_out *a;
	char *out;
	json_t *j;

	rep->dns = aa_arena_alloc(rep->arena, sizeof(*rep->dns));
	a = AA_VEC_PUSH(rep->arena, rep->dns->answers);
	a->type = "TXT";
	a->ttl = 300;
	a->data = data;
	out = render(aa_render_json, rep, NULL);
	cr_assert_not_null(strstr(out,
	    "\"data\": \"\\\"v=spf1 \\\\\\\"q\\\\\\\" "
	    "a\\\\\\\\b \\\\000\\\\255\\\" \\\"second\\\"\""),
	    "escaped data not found in %s", out);
	j = parse(out);
	cr_assert_str_eq(json_string_value(at(j, "dns.answers.0.data")), data);
	cr_assert_eq(json_integer_value(at(j, "dns.answers.0.ttl")), 300);
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

Test(render, json_invalid_utf8_becomes_replacement)
{
	struct aa_report *rep = aa_report_new("message");
	char *out;
	json_t *j;

	/* Valid é; lone 0xFF; truncated 3-octet; surrogate; overlong '/'. */
	aa_report_add(rep, AA_F_MSG_NO_FROM, "caf\xc3\xa9",
	    "a\xff" "b\xe2\x82" "c\xed\xa0\x80" "d\xc0\xaf" "e");
	out = render(aa_render_json, rep, NULL);
	j = parse(out);
	cr_assert_str_eq(json_string_value(at(j, "findings.0.subject")),
	    "caf\xc3\xa9");
	cr_assert_str_eq(json_string_value(at(j, "findings.0.message")),
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef"
	    "\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd" "e");
	json_decref(j);
	free(out);
	aa_report_free(rep);
}

Test(render, json_string_matches_stream)
{
	struct aa_report *rep = full_report();
	char *out = render(aa_render_json, rep, NULL);
	char *s = aa_render_json_string(rep);

	cr_assert_not_null(s);
	cr_assert_str_eq(s, out);
	cr_assert_eq(s[strlen(s) - 1], '\n');
	free(s);
	free(out);
	aa_report_free(rep);
}

Test(render, renderer_table)
{
	const struct aa_renderer *r;

	r = aa_renderer_find("text");
	cr_assert_not_null(r);
	cr_assert_str_eq(r->name, "text");
	cr_assert(r->render == aa_render_text);
	r = aa_renderer_find("json");
	cr_assert_not_null(r);
	cr_assert(r->render == aa_render_json);
	cr_assert_null(aa_renderer_find("xml"));
	cr_assert_null(aa_renderer_find(""));
	cr_assert_null(aa_renderer_find(NULL));
}

/* Columns of a line: code points, ANSI SGR sequences not counted. */
static size_t
line_cols(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\033') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	}
	return c;
}

static size_t
longest_line(const char *out)
{
	const char *p, *nl;
	size_t max = 0, c;

	for (p = out; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((c = line_cols(p, (size_t)(nl - p))) > max)
			max = c;
		if (*nl == '\0')
			break;
	}
	return max;
}

/* The full report plus findings and records built to overflow a line. */
static struct aa_report *
long_report(void)
{
	struct aa_report *rep = full_report();
	struct aa_dns_answer_out *a;
	struct aa_query_out *q;
	char word[201];

	memset(word, 'k', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	aa_report_add(rep, AA_F_DKIM_HEADER_NOT_OVERSIGNED,
	    "selector2023-rsa._domainkey.subdomain.example.com",
	    "the headers From, To, Subject, Date, Message-ID, Reply-To and "
	    "Content-Type are signed once only, so a second copy of any of "
	    "them can be prepended without breaking the signature; sign "
	    "each of them one more time than it occurs (%s)", word);
	aa_report_add(rep, AA_F_DMARC_TAG_UNKNOWN, "example.com",
	    "unknown tag \"fo2\" ignored in a record that is long enough to "
	    "need wrapping at eighty columns by the text renderer");
	a = AA_VEC_PUSH(rep->arena, rep->dns->answers);
	a->type = "TXT";
	a->ttl = 86400;
	a->data = aa_report_printf(rep, "\"v=DKIM1; k=rsa; p=%s\"", word);
	q = AA_VEC_PUSH(rep->arena, rep->dns_queries);
	*q = (struct aa_query_out){ aa_report_printf(rep,
		"a-very-long-label-for-the-query-log.%s.example.com", word),
		"TXT", "SERVFAIL", 0, "live", 5000, NULL };
	rep->dkim->signatures.v[0].identity = aa_report_printf(rep,
	    "@%s.example.com", word);
	return rep;
}

Test(render, text_fits_80_columns)
{
	struct aa_report *rep = long_report();
	struct aa_render_opts opts = { false, 1, false, 80 };
	char *out = render(aa_render_text, rep, &opts);

	cr_assert_leq(longest_line(out), 80, "a line is %zu columns:\n%s",
	    longest_line(out), out);
	cr_assert_not_null(strstr(out, "dkim-header-not-oversigned"));
	cr_assert_not_null(strstr(out, "[RFC 6376 8.15]"));
	free(out);
	aa_report_free(rep);
}

Test(render, text_fits_other_widths)
{
	static const unsigned widths[] = { 0, 40, 60, 100, 132 };
	struct aa_report *rep = long_report();
	struct aa_render_opts opts = { true, 1, false, 0 };
	char *out;
	size_t i, want;

	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		opts.width = widths[i];
		want = widths[i] != 0 ? widths[i] : 80;
		out = render(aa_render_text, rep, &opts);
		cr_assert_leq(longest_line(out), want, "width %zu: %zu",
		    want, longest_line(out));
		free(out);
	}
	aa_report_free(rep);
}

Test(render, text_color_only_when_asked)
{
	struct aa_report *rep = long_report();
	struct aa_render_opts opts = { false, 1, false, 80 };
	char *plain = render(aa_render_text, rep, &opts), *color;

	opts.color = true;
	color = render(aa_render_text, rep, &opts);
	cr_assert_null(strchr(plain, '\033'), "escape without color");
	cr_assert_not_null(strstr(color, "\033[31merror\033[0m"));
	cr_assert_not_null(strstr(color, "\033[33mwarning\033[0m"));
	cr_assert_not_null(strstr(color, "\033[2minfo\033[0m"));
	free(plain);
	free(color);
	aa_report_free(rep);
}

/* A finding line: "  SEV  ID  SUBJECT: message [RFC] (file:line)". */
Test(render, text_finding_format_and_order)
{
	struct aa_report *rep = aa_report_new("spf");
	struct aa_finding *f;
	char *out, *e, *w, *i;

	aa_report_add(rep, AA_F_SPF_MACRO_UNRESOLVED, "example.com", "m1");
	aa_report_add(rep, AA_F_SPF_PTR, "example.com", "m2");
	f = aa_report_add(rep, AA_F_SPF_SYNTAX, "example.com", "bad term");
	f->origin.file = "x.zone";
	f->origin.line = 7;
	out = render(aa_render_text, rep, NULL);
	e = strstr(out, "  error  spf-syntax  example.com: bad term "
	    "[RFC 7208 4.6] (x.zone:7)\n");
	w = strstr(out, "  warning  spf-ptr  example.com: m2 [RFC 7208 5.5]\n");
	i = strstr(out, "  info  spf-macro-unresolved  example.com: m1 "
	    "[RFC 7208 7]\n");
	cr_assert(e != NULL && w != NULL && i != NULL, "got:\n%s", out);
	cr_assert(e < w && w < i, "not grouped error, warning, info");
	cr_assert_not_null(strstr(out, "findings: 1 error, 1 warning, 1 info"));
	free(out);
	aa_report_free(rep);
}

Test(render, text_quiet_prints_findings_only)
{
	struct aa_report *rep = long_report();
	struct aa_render_opts opts = { false, 1, true, 80 };
	char *out = render(aa_render_text, rep, &opts), *p;

	cr_assert_eq(strncmp(out, "  error  spf-fail  example.com: ", 32), 0,
	    "got:\n%s", out);
	for (p = out; *p != '\0'; p = strchr(p, '\n') + 1)
		cr_assert_eq(*p, ' ', "a line that is not a finding:\n%s", p);
	cr_assert_null(strstr(out, "authaudit"));
	cr_assert_null(strstr(out, "findings:"));
	cr_assert_null(strstr(out, "NAME"));
	cr_assert_null(strstr(out, "v=DMARC1"));
	free(out);
	aa_report_free(rep);
}

Test(render, text_sections)
{
	struct aa_report *rep = long_report();
	struct aa_render_opts opts = { false, 1, false, 80 };
	char *out = render(aa_render_text, rep, &opts);

	/* Issue 7: the first line names the cause and the likely reply. */
	cr_assert_eq(strncmp(out, "DMARC fails: SPF is not aligned and DKIM "
	    "fails\nauthaudit domain: example.com\n", 77), 0,
	    "first lines: %s", out);
	cr_assert_not_null(strstr(out, "\ndns: _dmarc.example.com TXT\n"));
	cr_assert_not_null(strstr(out, "  source        zone "
	    "testdata/zones/example.zone:21\n"));
	cr_assert_not_null(strstr(out, "  cname chain   _dmarc.example.com -> "
	    "_dmarc.example.net\n"));
	cr_assert_not_null(strstr(out,
	    "    TXT 3600 \"v=DMARC1; p=reject\"\n"));
	cr_assert_not_null(strstr(out, "\nspf: example.com\n"));
	cr_assert_not_null(strstr(out, "  ip            192.0.2.1 (from "
	    "option)\n"));
	cr_assert_not_null(strstr(out, "\ndkim: 1 signature\n"));
	cr_assert_not_null(strstr(out, "\ndmarc: mail.example.com\n"));
	cr_assert_not_null(strstr(out, "\nverdict: quarantine 250 2.0.0\n"));
	cr_assert_not_null(strstr(out, "\nwhat if\n"));
	cr_assert_not_null(strstr(out, "\nqueries: 3\n"));
	cr_assert_not_null(strstr(out, "  NAME"));
	free(out);
	aa_report_free(rep);
}

/* The one escaping walk of text and the CI formats (render.c). */
Test(render, safe_copies_controls_and_bad_utf8)
{
	struct aa_arena *a = aa_arena_new();

	cr_assert_str_eq(aa_render_safe(a, NULL, aa_render_control), "");
	cr_assert_str_eq(aa_render_safe(a, "\x01" "a\x7f\t",
	    aa_render_control), "\\001a\\127\\009");
	/* C1 (U+0085), ill-formed and truncated sequences: U+FFFD. */
	cr_assert_str_eq(aa_render_safe(a, "\xC2\x85|\xFF|\xE2\x82",
	    aa_render_control), "\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD");
	/* Well-formed UTF-8 is kept, U+00A0 (the first after C1) too. */
	cr_assert_str_eq(aa_render_safe(a, "caf\xC3\xA9 \xC2\xA0",
	    aa_render_control), "caf\xC3\xA9 \xC2\xA0");
	aa_arena_free(a);
}

Test(render, text_query_log_only_verbose)
{
	struct aa_report *rep = full_report();
	struct aa_render_opts opts = { false, 0, false, 80 };
	char *out = render(aa_render_text, rep, &opts);

	cr_assert_null(strstr(out, "queries:"));
	free(out);
	opts.verbose = 1;
	out = render(aa_render_text, rep, &opts);
	cr_assert_not_null(strstr(out, "queries: 2"));
	cr_assert_not_null(strstr(out, "nothere.example.net"));
	cr_assert_not_null(strstr(out, "libspf2"));
	free(out);
	aa_report_free(rep);
}

Test(render, text_skeleton_sections_say_not_evaluated)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = "example.com";
	out = render(aa_render_text, rep, NULL);
	cr_assert_not_null(strstr(out, "spf: not evaluated (this version does "
	    "not implement the SPF checks yet)\n"), "got:\n%s", out);
	cr_assert_not_null(strstr(out, "dkim: not evaluated"));
	cr_assert_not_null(strstr(out, "dmarc: not evaluated"));
	/* No --ip: a domain audit has no verdict to give. */
	cr_assert_null(strstr(out, "verdict"));
	cr_assert_not_null(strstr(out, "findings: none"));
	free(out);
	aa_report_free(rep);
}

Test(render, text_dns_command_has_no_check_sections)
{
	struct aa_report *rep = aa_report_new("dns");
	char *out;

	fill_dns(rep);
	out = render(aa_render_text, rep, NULL);
	cr_assert_eq(strncmp(out, "authaudit dns: _dmarc.example.com TXT\n",
	    38), 0, "got:\n%s", out);
	cr_assert_null(strstr(out, "not evaluated"));
	cr_assert_null(strstr(out, "spf"));
	free(out);
	aa_report_free(rep);
}

/* Text from DNS or a message must not drive the terminal. */
Test(render, text_controls_are_escaped)
{
	struct aa_report *rep = aa_report_new("message");
	char *out;

	aa_report_add(rep, AA_F_MSG_NO_FROM, "x\033]0;pwned\007y",
	    "bell\007 csi\xc2\x9b" "31m bad\xff tab\there");
	out = render(aa_render_text, rep, NULL);
	cr_assert_null(strchr(out, '\033'));
	cr_assert_null(strchr(out, '\007'));
	cr_assert_null(strstr(out, "\xc2\x9b"));
	cr_assert_not_null(strstr(out, "x\\027]0;pwned\\007y: bell\\007 "
	    "csi\xef\xbf\xbd" "31m bad\xef\xbf\xbd tab here"), "got:\n%s", out);
	free(out);
	aa_report_free(rep);
}

Test(render, text_write_error_is_reported)
{
	struct aa_report *rep = full_report();
	FILE *fp = fopen("/dev/full", "w");

	cr_assert_not_null(fp);
	cr_assert_eq(aa_render_text(fp, rep, NULL), -1);
	cr_assert_eq(aa_render_json(fp, rep, NULL), -1);
	fclose(fp);
	aa_report_free(rep);
}
