/*
 * test_ci.c: the CI issue's modules: the github and junit renderers
 * (escaping, areas), baselines (reading, the regression rules of
 * design.md 3a) and the what-if SPF edit (text and DNS override).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aa_baseline.h"
#include "aa_render.h"
#include "aa_whatif.h"
#include "helpers.h"

/* Render rep with fn into a new string (caller frees). */
static char *
render(int (*fn)(FILE *, const struct aa_report *,
    const struct aa_render_opts *), const struct aa_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(fn(fp, rep, NULL), 0);
	fclose(fp);
	return buf;
}

static struct aa_finding *
add(struct aa_report *rep, enum aa_code code, const char *subject,
    const char *msg)
{
	return aa_report_add(rep, code, subject, "%s", msg);
}

TestSuite(github);

Test(github, escapes_data_and_properties)
{
	struct aa_report *rep = aa_report_new("domain");
	struct aa_finding *f;
	char *out;

	f = add(rep, AA_F_SPF_SYNTAX, "example.com",
	    "100% bad\r\n::error::forged, a:b");
	f->origin = (struct aa_origin){ "zones/a,b:c%.zone", 7 };
	out = render(aa_render_github, rep);
	cr_assert_str_eq(out, "::error file=zones/a%2Cb%3Ac%25.zone,line=7,"
	    "title=spf-syntax::example.com: 100%25 bad%0D%0A::error::forged, "
	    "a:b [RFC 7208 4.6]\n");
	free(out);
	aa_report_free(rep);
}

Test(github, no_origin_no_file_and_levels_in_order)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	add(rep, AA_F_DMARC_POLICY_NONE, "example.com", "p=none");
	add(rep, AA_F_PTR_NOT_CHECKED, "192.0.2.1", "offline");
	add(rep, AA_F_SPF_FAIL, "example.com", "not authorised");
	out = render(aa_render_github, rep);
	cr_assert_str_eq(out,
	    "::error title=spf-fail::example.com: not authorised "
	    "[RFC 7208 8.4]\n"
	    "::warning title=dmarc-policy-none::example.com: p=none "
	    "[RFC 7489 6.3]\n"
	    "::notice title=ptr-not-checked::192.0.2.1: offline [RFC 7372 3.3]\n",
	    "got:\n%s", out);
	free(out);
	aa_report_free(rep);
}

Test(github, rr_origin_is_no_file)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	add(rep, AA_F_SPF_PTR, "example.com", "ptr")->origin =
	    (struct aa_origin){ "--rr", 2 };
	out = render(aa_render_github, rep);
	cr_assert_str_eq(out, "::warning title=spf-ptr::example.com: ptr "
	    "[RFC 7208 5.5] (--rr #2)\n");
	free(out);
	aa_report_free(rep);
}

Test(github, control_characters_and_bad_utf8)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	add(rep, AA_F_SPF_SYNTAX, "x", "a\033[31mb\xff" "c\x7f");
	out = render(aa_render_github, rep);
	cr_assert_not_null(strstr(out, "::x: a\\027[31mb\xEF\xBF\xBD" "c\\127 "),
	    "got: %s", out);
	free(out);
	aa_report_free(rep);
}

TestSuite(junit);

Test(junit, one_case_per_area_failures_for_errors)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = "example.com";
	add(rep, AA_F_SPF_TOO_MANY_LOOKUPS, "example.com", "12 > 10 <&\"'>");
	add(rep, AA_F_SPF_PTR, "example.com", "ptr");
	add(rep, AA_F_DMARC_TEMPERROR, "example.com", "timeout");
	add(rep, AA_F_DMARC_POLICY_NONE, "example.com", "p=none");
	out = render(aa_render_junit, rep);
	cr_assert_not_null(strstr(out, "<testsuites name=\"authaudit\" "
	    "tests=\"4\" failures=\"1\" errors=\"1\">"), "%s", out);
	cr_assert_not_null(strstr(out, "<testsuite name=\"authaudit domain "
	    "example.com\" tests=\"4\" failures=\"1\" errors=\"1\""), "%s", out);
	cr_assert_not_null(strstr(out, "<failure type=\"spf-too-many-lookups\" "
	    "message=\"example.com: 12 &gt; 10 &lt;&amp;&quot;&apos;&gt; "
	    "[RFC 7208 4.6.4]\">"), "%s", out);
	cr_assert_not_null(strstr(out, "<system-out>warning spf-ptr "), "%s",
	    out);
	cr_assert_not_null(strstr(out, "<error type=\"temporary\""), "%s",
	    out);
	cr_assert_not_null(strstr(out, "<testcase classname=\"authaudit.domain"
	    "\" name=\"dkim\"/>"), "%s", out);
	cr_assert_not_null(strstr(out, "name=\"delivery\"/>"), "%s", out);
	free(out);
	aa_report_free(rep);
}

Test(junit, baseline_case_fails_on_regression)
{
	struct aa_report *rep = aa_report_new("spf");
	struct aa_change *ch;
	char *out;

	rep->baseline = aa_arena_alloc(rep->arena, sizeof(*rep->baseline));
	rep->baseline->file = "base.json";
	ch = AA_VEC_PUSH(rep->arena, rep->baseline->regressions);
	ch->what = "spf-lookups";
	ch->subject = "example.com";
	ch->before = "9";
	ch->after = "12";
	out = render(aa_render_junit, rep);
	cr_assert_not_null(strstr(out, "tests=\"2\" failures=\"1\""), "%s",
	    out);
	cr_assert_not_null(strstr(out, "<failure type=\"regression\" "
	    "message=\"1 regression against base.json\">spf-lookups "
	    "example.com: 9 -&gt; 12\n</failure>"), "%s", out);
	free(out);
	aa_report_free(rep);
}

/* Baselines ---------------------------------------------------------- */

static struct aa_spf_report *
spf(struct aa_report *rep, const char *record, const char *result,
    long long count)
{
	struct aa_spf_report *s = aa_arena_alloc(rep->arena, sizeof(*s));

	s->domain = "example.com";
	s->record = record;
	s->result = result;
	if (count >= 0)
		s->lookups.count = AA_INT(count);
	rep->spf = s;
	return s;
}

static void
key_query(struct aa_report *rep, const char *name, const char *rcode,
    long long answers)
{
	struct aa_query_out *q = AA_VEC_PUSH(rep->arena, rep->dns_queries);

	q->name = name;
	q->type = "TXT";
	q->rcode = rcode;
	q->answers = answers;
	q->source = "zone";
}

static const struct aa_change *
find_change(const struct aa_baseline_out *b, int list, const char *what,
    const char *id)
{
	const struct aa_change *v = list == 0 ? b->regressions.v :
	    list == 1 ? b->improved.v : b->unchanged.v;
	size_t i, n = list == 0 ? b->regressions.n : list == 1 ?
	    b->improved.n : b->unchanged.n;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].what, what) == 0 && (id == NULL ||
		    (v[i].id != NULL && strcmp(v[i].id, id) == 0)))
			return &v[i];
	return NULL;
}

TestSuite(baseline);

Test(baseline, identical_reports_have_no_regression)
{
	struct aa_report *a = aa_report_new("domain");
	struct aa_report *b = aa_report_new("domain");

	spf(a, "v=spf1 -all", "fail", 3);
	spf(b, "v=spf1 -all", "fail", 3);
	add(a, AA_F_SPF_FAIL, "example.com", "x");
	add(b, AA_F_SPF_FAIL, "example.com", "other words, same finding");
	cr_assert_eq(aa_baseline_compare(a, b, "b.json"), 0);
	cr_assert_not_null(find_change(a->baseline, 2, "finding", "spf-fail"));
	cr_assert_not_null(find_change(a->baseline, 2, "spf-lookups", NULL));
	cr_assert_not_null(find_change(a->baseline, 2, "spf-record", NULL));
	cr_assert_str_eq(a->baseline->file, "b.json");
	aa_report_free(a);
	aa_report_free(b);
}

Test(baseline, findings_new_risen_lower_gone)
{
	struct aa_report *now = aa_report_new("domain");
	struct aa_report *was = aa_report_new("domain");
	const struct aa_change *ch;

	add(now, AA_F_SPF_PTR, "example.com", "new");
	add(now, AA_F_DMARC_PCT, "example.com", "x")->severity = AA_SEV_ERROR;
	add(was, AA_F_DMARC_PCT, "example.com", "x");
	add(now, AA_F_SPF_NO_ALL, "example.com", "x")->severity = AA_SEV_INFO;
	add(was, AA_F_SPF_NO_ALL, "example.com", "x");
	add(was, AA_F_SPF_FAIL, "example.com", "gone");
	/* Same id, another subject: a new finding. */
	add(now, AA_F_DKIM_KEY_NOT_FOUND, "b._domainkey.example.com", "x");
	add(was, AA_F_DKIM_KEY_NOT_FOUND, "a._domainkey.example.com", "x");
	/* Temporary: neither. */
	add(now, AA_F_SPF_TEMPERROR, "example.com", "timeout");
	cr_assert_eq(aa_baseline_compare(now, was, "b"), 3);
	ch = find_change(now->baseline, 0, "finding", "spf-ptr");
	cr_assert_not_null(ch);
	cr_assert_null(ch->before);
	cr_assert_str_eq(ch->after, "warning");
	ch = find_change(now->baseline, 0, "finding", "dmarc-pct");
	cr_assert_str_eq(ch->before, "warning");
	cr_assert_str_eq(ch->after, "error");
	ch = find_change(now->baseline, 0, "finding", "dkim-key-not-found");
	cr_assert_str_eq(ch->subject, "b._domainkey.example.com");
	cr_assert_not_null(find_change(now->baseline, 1, "finding",
	    "spf-no-all"));
	ch = find_change(now->baseline, 1, "finding", "spf-fail");
	cr_assert_null(ch->after);
	cr_assert_null(find_change(now->baseline, 0, "finding",
	    "spf-temperror"));
	aa_report_free(now);
	aa_report_free(was);
}

Test(baseline, records_gone)
{
	struct aa_report *now = aa_report_new("domain");
	struct aa_report *was = aa_report_new("domain");

	spf(now, NULL, NULL, -1);
	spf(was, "v=spf1 -all", NULL, -1);
	now->dmarc = aa_arena_alloc(now->arena, sizeof(*now->dmarc));
	was->dmarc = aa_arena_alloc(was->arena, sizeof(*was->dmarc));
	now->dmarc->from_domain = "example.com";
	was->dmarc->record = "v=DMARC1; p=reject";
	add(now, AA_F_SPF_NONE, "example.com", "no record");
	add(now, AA_F_DMARC_NONE, "example.com", "no record");
	add(now, AA_F_DMARC_NONE, "other.example", "another subject");
	cr_assert_eq(aa_baseline_compare(now, was, "b"), 3);
	cr_assert_str_eq(find_change(now->baseline, 0, "finding",
	    "dmarc-none")->subject, "other.example");
	cr_assert_str_eq(find_change(now->baseline, 0, "spf-record",
	    NULL)->before, "v=spf1 -all");
	cr_assert_str_eq(find_change(now->baseline, 0, "dmarc-record",
	    NULL)->subject, "example.com");
	aa_report_free(now);
	aa_report_free(was);
}

Test(baseline, dkim_key_gone_from_the_query_log)
{
	struct aa_report *now = aa_report_new("domain");
	struct aa_report *was = aa_report_new("domain");
	const struct aa_change *ch;
	struct aa_strvec sv = { NULL, 0, 0 };

	key_query(was, "s1._domainkey.example.com", "NOERROR", 1);
	key_query(now, "s1._domainkey.example.com", "NXDOMAIN", 0);
	/* The same fact as the key that is gone: not a second regression. */
	add(now, AA_F_DKIM_KEY_NOT_FOUND, "s1._domainkey.example.com", "gone");
	key_query(was, "s2._domainkey.example.com", "NOERROR", 1);
	key_query(now, "s2._domainkey.example.com", "TIMEOUT", 0);
	key_query(was, "s3._domainkey.example.com", "NOERROR", 1);
	key_query(now, "s3._domainkey.example.com", "NOERROR", 1);
	key_query(was, "s4._domainkey.example.org", "NOERROR", 1);
	cr_assert_eq(aa_baseline_compare(now, was, "b"), 1);
	ch = find_change(now->baseline, 0, "dkim-key", NULL);
	cr_assert_str_eq(ch->subject, "s1._domainkey.example.com");
	cr_assert_str_eq(ch->before, "published");
	cr_assert_str_eq(ch->after, "NXDOMAIN");
	cr_assert_eq(now->baseline->unchanged.n, 1);
	aa_baseline_selectors(was, "example.com", &sv);
	cr_assert_eq(sv.n, 3);
	cr_assert_str_eq(sv.v[0], "s1");
	cr_assert_str_eq(sv.v[2], "s3");
	aa_report_free(now);
	aa_report_free(was);
}

Test(baseline, counts_and_results)
{
	struct aa_report *now = aa_report_new("domain");
	struct aa_report *was = aa_report_new("domain");

	spf(now, "v=spf1 a -all", "softfail", 12)->lookups.void_ = AA_INT(0);
	spf(was, "v=spf1 a -all", "pass", 9)->lookups.void_ = AA_INT(1);
	now->dmarc = aa_arena_alloc(now->arena, sizeof(*now->dmarc));
	was->dmarc = aa_arena_alloc(was->arena, sizeof(*was->dmarc));
	now->dmarc->disposition = "quarantine";
	was->dmarc->disposition = "none";
	now->verdict = aa_arena_alloc(now->arena, sizeof(*now->verdict));
	was->verdict = aa_arena_alloc(was->arena, sizeof(*was->verdict));
	now->verdict->outcome = "defer";
	was->verdict->outcome = "reject";
	cr_assert_eq(aa_baseline_compare(now, was, "b"), 3);
	cr_assert_str_eq(find_change(now->baseline, 0, "spf-lookups",
	    NULL)->after, "12");
	cr_assert_not_null(find_change(now->baseline, 0, "spf-result", NULL));
	cr_assert_not_null(find_change(now->baseline, 0, "dmarc-disposition",
	    NULL));
	cr_assert_not_null(find_change(now->baseline, 1, "outcome", NULL));
	cr_assert_not_null(find_change(now->baseline, 1, "spf-void-lookups",
	    NULL));
	aa_report_free(now);
	aa_report_free(was);
}

Test(baseline, equal_ranks_and_temperror_are_not_regressions)
{
	struct aa_report *now = aa_report_new("spf");
	struct aa_report *was = aa_report_new("spf");

	spf(now, NULL, "permerror", -1)->helo_result = "temperror";
	spf(was, NULL, "fail", -1)->helo_result = "pass";
	cr_assert_eq(aa_baseline_compare(now, was, "b"), 0);
	cr_assert_not_null(find_change(now->baseline, 2, "spf-result", NULL));
	cr_assert_null(find_change(now->baseline, 2, "spf-helo-result", NULL));
	aa_report_free(now);
	aa_report_free(was);
}

Test(baseline, json_round_trip_compares_equal)
{
	struct aa_report *rep = aa_report_new("domain"), *back = NULL;
	struct aa_finding *f;
	char err[256] = "", *json;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = "example.com";
	spf(rep, "v=spf1 include:esp.example -all", "pass", 4);
	f = add(rep, AA_F_SPF_TOO_MANY_LOOKUPS, "example.com", "11");
	f->origin = (struct aa_origin){ "zones/x.zone", 9 };
	key_query(rep, "s1._domainkey.example.com", "NOERROR", 1);
	json = aa_render_json_string(rep);
	cr_assert_eq(aa_report_from_json(json, strlen(json), &back, err,
	    sizeof(err)), AA_OK, "%s", err);
	cr_assert_str_eq(back->command, "domain");
	cr_assert_str_eq(back->input->domain, "example.com");
	cr_assert_str_eq(back->spf->record, "v=spf1 include:esp.example -all");
	cr_assert_eq(back->findings.n, 1);
	cr_assert_str_eq(back->findings.v[0].origin.file, "zones/x.zone");
	cr_assert_eq(back->findings.v[0].origin.line, 9);
	cr_assert_eq(aa_baseline_compare(rep, back, "b"), 0);
	cr_assert_eq(rep->baseline->improved.n, 0);
	free(json);
	aa_report_free(rep);
	aa_report_free(back);
}

struct bad_json {
	char	text[160];
	char	why[48];
};

static struct bad_json bad_cases[] = {
	{ "{\"schema\": \"authaudit/2\", \"command\": \"domain\"}",
	    "schema authaudit/2" },
	{ "{\"command\": \"domain\"}", "schema missing" },
	{ "[1, 2]", "schema missing" },
	{ "{\"schema\": \"authaudit/1\", \"command\": \"domain\",", "not JSON" },
	{ "{\"schema\": \"authaudit/1\", \"command\": \"domain\", "
	    "\"spf\": {\"record\": 3}}", "spf.record: not a string" },
	{ "{\"schema\": \"authaudit/1\", \"command\": \"domain\", "
	    "\"findings\": [{\"id\": \"spf-fail\", \"severity\": \"bad\"}]}",
	    "severity is not" },
	{ "{\"schema\": \"authaudit/1\", \"command\": \"domain\", "
	    "\"findings\": {}}", "findings: not an array" },
	{ "{\"schema\": \"authaudit/1\"}", "no command" },
};

ParameterizedTestParameters(baseline, refuses)
{
	return cr_make_param_array(struct bad_json, bad_cases,
	    sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(struct bad_json *c, baseline, refuses)
{
	struct aa_report *rep = NULL;
	char err[256] = "";

	cr_assert_eq(aa_report_from_json(c->text, strlen(c->text), &rep, err,
	    sizeof(err)), AA_EPARSE);
	cr_assert_null(rep);
	cr_assert_not_null(strstr(err, c->why), "err: %s", err);
}

Test(baseline, unknown_ids_are_skipped)
{
	static const char text[] = "{\"schema\": \"authaudit/1\", "
	    "\"command\": \"spf\", \"findings\": [{\"id\": \"spf-future\", "
	    "\"severity\": \"error\"}, {\"id\": \"spf-ptr\", \"severity\": "
	    "\"warning\", \"subject\": \"example.com\", \"origin\": null}]}";
	struct aa_report *rep = NULL;
	char err[256] = "";

	cr_assert_eq(aa_report_from_json(text, strlen(text), &rep, err,
	    sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(rep->findings.n, 1);
	cr_assert_eq(rep->findings.v[0].code, AA_F_SPF_PTR);
	aa_report_free(rep);
}

Test(baseline, item_cap)
{
	struct aa_report *rep = NULL;
	char err[256] = "", *text;
	size_t i, n = 0, cap = 64 + 4 * (AA_BASELINE_MAX_ITEMS + 1);

	text = malloc(cap);
	n += (size_t)snprintf(text, cap, "{\"schema\": \"authaudit/1\", "
	    "\"command\": \"dns\", \"dns_queries\": [");
	for (i = 0; i <= AA_BASELINE_MAX_ITEMS; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s{}", i ? "," : "");
	n += (size_t)snprintf(text + n, cap - n, "]}");
	cr_assert_lt(n, cap);
	cr_assert_eq(aa_report_from_json(text, n, &rep, err, sizeof(err)),
	    AA_EPARSE);
	cr_assert_not_null(strstr(err, "cap"), "%s", err);
	free(text);
}

Test(baseline, read_missing_file)
{
	struct aa_report *rep = NULL;
	char err[256] = "";

	cr_assert_eq(aa_baseline_read("/nonexistent/base.json", &rep, err,
	    sizeof(err)), AA_EIO);
	cr_assert_not_null(strstr(err, "/nonexistent/base.json"));
}

/* The what-if SPF edit ----------------------------------------------- */

struct edit_case {
	char	rec[96];
	char	add[2][32];
	char	remove[2][32];
	char	want[128];
	int	st;
};

static struct edit_case edit_cases[] = {
	{ "v=spf1 mx -all", { "include:esp.example" }, { "" },
	    "v=spf1 mx include:esp.example -all", AA_OK },
	{ "v=spf1 mx ~ALL", { "a", "ip4:192.0.2.1" }, { "" },
	    "v=spf1 mx a ip4:192.0.2.1 ~ALL", AA_OK },
	{ "v=spf1 mx redirect=_spf.example", { "a" }, { "" },
	    "v=spf1 mx a redirect=_spf.example", AA_OK },
	{ "v=spf1 mx", { "a" }, { "" }, "v=spf1 mx a", AA_OK },
	{ "v=spf1 mx ", { "a" }, { "" }, "v=spf1 mx a", AA_OK },
	{ "v=spf1", { "a" }, { "" }, "v=spf1 a", AA_OK },
	/* With all, redirect is ignored (RFC 7208 6.1): before all. */
	{ "v=spf1 redirect=x.example ?all", { "mx" }, { "" },
	    "v=spf1 redirect=x.example mx ?all", AA_OK },
	/* A term that only contains "all" is not the all mechanism. */
	{ "v=spf1 include:all.example -all", { "mx" }, { "" },
	    "v=spf1 include:all.example mx -all", AA_OK },
	{ "v=spf1 include:old.example  mx -all", { "" },
	    { "include:OLD.example" }, "v=spf1  mx -all", AA_OK },
	{ "v=spf1 +mx mx -mx -all", { "" }, { "mx" }, "v=spf1 -mx -all",
	    AA_OK },
	{ "v=spf1 mx -all", { "include:new.example" },
	    { "mx" }, "v=spf1 include:new.example -all", AA_OK },
	{ "v=spf1 mx -all", { "" }, { "-all" }, "v=spf1 mx", AA_OK },
	{ "v=spf1 mx -all", { "" }, { "a" }, "", AA_ENOTFOUND },
	{ "v=spf1 mx -all", { "" }, { "v=spf1" }, "", AA_ENOTFOUND },
};

ParameterizedTestParameters(whatif, spf_edit)
{
	return cr_make_param_array(struct edit_case, edit_cases,
	    sizeof(edit_cases) / sizeof(edit_cases[0]));
}

ParameterizedTest(struct edit_case *c, whatif, spf_edit)
{
	struct aa_arena *a = aa_arena_new();
	const char *add[2], *rm[2];
	size_t nadd = 0, nrm = 0, len = 0, i;
	char err[256] = "", *out = NULL;
	enum aa_status st;

	for (i = 0; i < 2; i++) {
		if (c->add[i][0] != '\0')
			add[nadd++] = c->add[i];
		if (c->remove[i][0] != '\0')
			rm[nrm++] = c->remove[i];
	}
	st = aa_whatif_spf_edit(a, (const uint8_t *)c->rec, strlen(c->rec),
	    add, nadd, rm, nrm, &out, &len, err, sizeof(err));
	cr_assert_eq(st, c->st, "%s: status %d (%s)", c->rec, st, err);
	if (st == AA_OK) {
		cr_assert_str_eq(out, c->want);
		cr_assert_eq(len, strlen(c->want));
	} else
		cr_assert_not_null(strstr(err, "no such term"), "%s", err);
	aa_arena_free(a);
}

Test(whatif, term_check)
{
	char err[128];

	cr_assert_eq(aa_whatif_term_check("include:esp.example", err,
	    sizeof(err)), AA_OK);
	cr_assert_eq(aa_whatif_term_check("", err, sizeof(err)), AA_EINVAL);
	cr_assert_eq(aa_whatif_term_check("a b", err, sizeof(err)),
	    AA_EINVAL);
	cr_assert_eq(aa_whatif_term_check("a\nb", err, sizeof(err)),
	    AA_EINVAL);
	cr_assert_eq(aa_whatif_term_check("\xc3\xa9", err, sizeof(err)),
	    AA_EINVAL);
}

static const char zone[] =
    "$ORIGIN example.com.\n"
    "$TTL 300\n"
    "@ IN SOA ns hostmaster 1 2 3 4 5\n"
    "@ IN TXT \"google-site-verification=abc\" \"def\"\n"
    "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 \" \"-all\"\n"
    "@ IN MX 10 mx\n";

Test(whatif, override_keeps_the_rrset_and_origins)
{
	struct aa_dns *before = th_dns_from_zone(zone, true);
	struct aa_dns *after = th_dns_from_zone(zone, true);
	const char *add[] = { "include:esp.example" };
	const struct aa_answer *ans;
	struct aa_spf_edit *e = NULL;
	struct aa_report *rep = aa_report_new("domain");
	struct aa_finding *f;
	char err[256] = "";
	size_t i, spf = 9;

	cr_assert_eq(aa_whatif_prepare(before, "example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_str_eq(aa_whatif_record(e, 0), "v=spf1 ip4:192.0.2.0/24 -all");
	cr_assert_str_eq(aa_whatif_record(e, 1),
	    "v=spf1 ip4:192.0.2.0/24 include:esp.example -all");
	cr_assert_eq(aa_whatif_apply(e, after, 3, err, sizeof(err)), AA_OK,
	    "%s", err);
	ans = th_query(after, "example.com", AA_TYPE_TXT);
	cr_assert_eq(ans->nrr, 2);
	for (i = 0; i < ans->nrr; i++)
		if (strncmp((const char *)ans->rr[i].joined.data, "v=spf1", 6) ==
		    0)
			spf = i;
		else {
			/* The other record keeps its two strings. */
			cr_assert_eq(ans->rr[i].ntxt, 2);
			cr_assert_str_eq((const char *)ans->rr[i].joined.data,
			    "google-site-verification=abcdef");
		}
	cr_assert_lt(spf, 2);
	cr_assert_str_eq((const char *)ans->rr[spf].joined.data,
	    "v=spf1 ip4:192.0.2.0/24 include:esp.example -all");
	cr_assert_eq(ans->rr[spf].ttl, 300);
	/* A finding on the new record points at the zone line it replaced. */
	f = aa_report_add(rep, AA_F_SPF_NO_ALL, "example.com", "x");
	f->origin = (struct aa_origin){ ans->rr[spf].file, ans->rr[spf].line };
	cr_assert_str_eq(f->origin.file, "--rr");
	aa_whatif_origins(e, 3, rep);
	cr_assert_str_eq(rep->findings.v[0].origin.file, "test.zone");
	cr_assert_eq(rep->findings.v[0].origin.line, 5);
	aa_report_free(rep);
	aa_whatif_free(e);
	aa_dns_free(before);
	aa_dns_free(after);
}

Test(whatif, prepare_refusals)
{
	struct aa_dns *d = th_dns_from_zone(
	    "$ORIGIN example.com.\n"
	    "@ 300 IN SOA ns hostmaster 1 2 3 4 5\n"
	    "two 300 IN TXT \"v=spf1 -all\"\n"
	    "two 300 IN TXT \"v=spf1 mx -all\"\n"
	    "long 300 IN TXT \"v=spf1 -all\"\n"
	    ";! timeout slow TXT\n", true);
	const char *add[] = { "mx" }, *big[1];
	struct aa_spf_edit *e = NULL;
	char err[256], *huge;

	cr_assert_eq(aa_whatif_prepare(d, "example.com", add, 1, NULL, 0, &e,
	    err, sizeof(err)), AA_ENOTFOUND);
	cr_assert_not_null(strstr(err, "no SPF record"), "%s", err);
	cr_assert_eq(aa_whatif_prepare(d, "two.example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_ENOTFOUND);
	cr_assert_not_null(strstr(err, "several SPF records"), "%s", err);
	cr_assert_eq(aa_whatif_prepare(d, "slow.example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_ETEMP);
	huge = calloc(1, AA_WHATIF_MAX_RECORD + 1);
	memset(huge, 'a', AA_WHATIF_MAX_RECORD);
	big[0] = huge;
	cr_assert_eq(aa_whatif_prepare(d, "long.example.com", big, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_ELIMIT);
	cr_assert_null(e);
	free(huge);
	aa_dns_free(d);
}

/*
 * RFC 7208 4.5: only "v=spf1" alone or followed by a space is an SPF
 * record; "v=spf10", "v=spf1x" and other TXT records are not edited, and
 * a name that is no domain name is refused.
 */
Test(whatif, selects_only_spf1_records)
{
	struct aa_dns *d = th_dns_from_zone(
	    "$ORIGIN example.com.\n"
	    "@ 300 IN SOA ns hostmaster 1 2 3 4 5\n"
	    "ten 300 IN TXT \"v=spf10 -all\"\n"
	    "ten 300 IN TXT \"v=spf1x mx\"\n"
	    "one 300 IN TXT \"v=spf10 mx -all\"\n"
	    "one 300 IN TXT \"V=SPF1 -all\"\n"
	    "one 300 IN TXT \"v=spf1\\000 junk\"\n"
	    "bare 300 IN TXT \"v=spf1\"\n", true);
	const char *add[] = { "mx" };
	struct aa_spf_edit *e = NULL;
	char err[256] = "";

	cr_assert_eq(aa_whatif_prepare(d, "ten.example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_ENOTFOUND);
	cr_assert_not_null(strstr(err, "no SPF record"), "%s", err);
	cr_assert_null(e);
	cr_assert_eq(aa_whatif_prepare(d, "one.example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_str_eq(aa_whatif_record(e, 0), "V=SPF1 -all");
	cr_assert_str_eq(aa_whatif_record(e, 1), "V=SPF1 mx -all");
	aa_whatif_free(e);
	e = NULL;
	cr_assert_eq(aa_whatif_prepare(d, "bare.example.com", add, 1, NULL, 0,
	    &e, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_str_eq(aa_whatif_record(e, 1), "v=spf1 mx");
	aa_whatif_free(e);
	e = NULL;
	cr_assert_eq(aa_whatif_prepare(d, "a..b", add, 1, NULL, 0, &e, err,
	    sizeof(err)), AA_EINVAL);
	cr_assert_not_null(strstr(err, "not a valid domain name"), "%s", err);
	cr_assert_null(e);
	aa_dns_free(d);
}

Test(whatif, long_record_is_split_into_strings)
{
	struct aa_dns *before = th_dns_from_zone(zone, true);
	struct aa_dns *after = th_dns_from_zone(zone, true);
	const char *add[40];
	char terms[40][16];
	const struct aa_answer *ans;
	struct aa_spf_edit *e = NULL;
	char err[256] = "";
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(terms[i], sizeof(terms[i]), "ip4:10.0.0.%zu", i);
		add[i] = terms[i];
	}
	cr_assert_eq(aa_whatif_prepare(before, "example.com", add, 40, NULL, 0,
	    &e, err, sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_whatif_apply(e, after, 1, err, sizeof(err)), AA_OK,
	    "%s", err);
	cr_assert_eq(aa_dns_warning_count(after), 0);
	ans = th_query(after, "example.com", AA_TYPE_TXT);
	for (i = 0; i < ans->nrr; i++)
		if (ans->rr[i].joined.len > 255) {
			cr_assert_gt(ans->rr[i].ntxt, 1);
			cr_assert_str_eq((const char *)ans->rr[i].joined.data,
			    aa_whatif_record(e, 1));
		}
	aa_whatif_free(e);
	aa_dns_free(before);
	aa_dns_free(after);
}

/* The text report's what-if and baseline sections ------------------- */

TestSuite(text);

Test(text, whatif_before_and_after)
{
	struct aa_report *rep = aa_report_new("domain");
	char *out;

	spf(rep, "v=spf1 include:esp.example -all", NULL, 12);
	rep->whatif = aa_arena_alloc(rep->arena, sizeof(*rep->whatif));
	*AA_VEC_PUSH(rep->arena, rep->whatif->changes) =
	    "--spf-add include:esp.example";
	rep->whatif->before.spf_lookups = AA_INT(9);
	out = render(aa_render_text, rep);
	cr_assert_not_null(strstr(out, "\nwhat if\n"
	    "  change        --spf-add include:esp.example\n"
	    "  spf lookups   9 -> 12\n"), "%s", out);
	cr_assert_null(strstr(out, "outcome"), "%s", out);
	free(out);
	aa_report_free(rep);
}

Test(text, baseline_regressions_first_unchanged_only_verbose)
{
	struct aa_report *now = aa_report_new("domain");
	struct aa_report *was = aa_report_new("domain");
	struct aa_render_opts v = { false, 1, false, 80 };
	char *out, *outv;
	FILE *fp;
	size_t len = 0;

	spf(now, "v=spf1 -all", NULL, 3);
	spf(was, "v=spf1 -all", NULL, 2);
	add(now, AA_F_SPF_PTR, "example.com", "x");
	cr_assert_eq(aa_baseline_compare(now, was, "base.json"), 2);
	out = render(aa_render_text, now);
	cr_assert_not_null(strstr(out, "\nbaseline: 2 regressions against "
	    "base.json (0 improved, 1 unchanged)\n"
	    "  regression  spf-lookups example.com: 2 -> 3\n"
	    "  regression  finding spf-ptr example.com: none -> warning\n"),
	    "%s", out);
	cr_assert_null(strstr(out, "unchanged   "), "%s", out);
	outv = NULL;
	fp = open_memstream(&outv, &len);
	cr_assert_eq(aa_render_text(fp, now, &v), 0);
	fclose(fp);
	cr_assert_not_null(strstr(outv, "  unchanged   spf-record example.com: "
	    "v=spf1 -all -> v=spf1 -all\n"), "%s", outv);
	free(out);
	free(outv);
	aa_report_free(now);
	aa_report_free(was);
}
