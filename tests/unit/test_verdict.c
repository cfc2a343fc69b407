/*
 * test_verdict.c: the receiver models and the verdict (src/verdict*.c,
 * src/receivers.c).  Each row of testdata/receivers/decision-table.json
 * (receivers-and-threats.md §3) is built by hand as report sections and
 * its verdict checked against the row's expectations; rows naming an
 * end-to-end case also have that case's JSON verdict checked.  Then the
 * rules, the root cause, the fixes, the finding adjustments, and the
 * domain and reverse-DNS checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>

#include "aa_msg.h"
#include "aa_report.h"
#include "aa_verdict.h"
#include "helpers.h"
#include "../../src/verdict_int.h"

#define TABLE	TESTDATA "/receivers/decision-table.json"
#define CASES	TESTDATA "/cases"

static json_t *
load_table(void)
{
	json_error_t err;
	json_t *j = json_load_file(TABLE, 0, &err);

	cr_assert_not_null(j, "%s:%d: %s", TABLE, err.line, err.text);
	return j;
}

static json_t *
find_row(json_t *table, const char *id)
{
	json_t *rows = json_object_get(table, "rows"), *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (strcmp(json_string_value(json_object_get(r, "id")),
		    id) == 0)
			return r;
	cr_assert_fail("row %s is not in %s", id, TABLE);
	return NULL;
}

static const char *
str(struct aa_report *rep, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? aa_report_strdup(rep, json_string_value(v)) :
	    NULL;
}

static void
add_finding(struct aa_report *rep, const char *id, const char *subject)
{
	const struct aa_finding_info *info = aa_finding_by_id(id);

	cr_assert_not_null(info, "unknown finding id %s", id);
	aa_report_add(rep, info->code, subject, "test");
}

static void
build_dkim(struct aa_report *rep, json_t *sigs)
{
	struct aa_dkim_sig *s;
	json_t *o;
	size_t i;

	rep->dkim = aa_arena_alloc(rep->arena, sizeof(*rep->dkim));
	json_array_foreach(sigs, i, o) {
		s = AA_VEC_PUSH(rep->arena, rep->dkim->signatures);
		s->domain = str(rep, o, "d");
		s->selector = "s1";
		s->result = str(rep, o, "result");
		s->algorithm = str(rep, o, "algorithm");
		s->aligned = AA_TRI(json_is_true(json_object_get(o,
		    "aligned")));
	}
}

static void
build_dmarc(struct aa_report *rep, json_t *o, const char *from,
    bool spf_aligned, bool dkim_aligned)
{
	struct aa_dmarc_report *d = aa_arena_alloc(rep->arena, sizeof(*d));
	json_t *pct = json_object_get(o, "pct");

	d->from_domain = from;
	d->result = str(rep, o, "result");
	d->policy = str(rep, o, "policy");
	d->subdomain_policy = str(rep, o, "sp");
	d->applied = d->policy != NULL ? (str(rep, o, "applied") != NULL ?
	    str(rep, o, "applied") : "p") : NULL;
	d->disposition = str(rep, o, "disposition");
	d->disposition_sampled_out = str(rep, o, "sampled_out");
	if (json_is_integer(pct))
		d->pct = AA_INT(json_integer_value(pct));
	if (d->policy != NULL) {
		d->record_domain = from;
		d->record = aa_report_printf(rep, "v=DMARC1; p=%s", d->policy);
	}
	d->testing = AA_TRI(json_is_true(json_object_get(o, "testing")));
	d->spf_aligned = AA_TRI(spf_aligned);
	d->dkim_aligned = AA_TRI(dkim_aligned);
	if (str(rep, o, "rfc9989") != NULL) {
		d->rfc9989 = aa_arena_alloc(rep->arena, sizeof(*d->rfc9989));
		d->rfc9989->disposition = str(rep, o, "rfc9989");
	}
	rep->dmarc = d;
}

/* The report sections of a row's facts, as the checks would fill them. */
static struct aa_report *
build_report(json_t *facts)
{
	struct aa_report *rep = aa_report_new(json_string_value(
	    json_object_get(facts, "command")));
	json_t *spf = json_object_get(facts, "spf"), *o, *dmarc;
	const char *from = str(rep, facts, "from"), *ptr;
	bool dkim_aligned = false;
	size_t i;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->from_domain = from;
	rep->input->ip = str(rep, facts, "ip");
	rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	rep->spf->domain = str(rep, spf, "domain");
	rep->spf->result = str(rep, spf, "result");
	rep->input->mail_from = aa_report_printf(rep, "bounce@%s",
	    rep->spf->domain);
	build_dkim(rep, json_object_get(facts, "dkim"));
	json_array_foreach(json_object_get(facts, "dkim"), i, o)
		if (json_is_true(json_object_get(o, "aligned")))
			dkim_aligned = true;
	dmarc = json_object_get(facts, "dmarc");
	if (json_is_object(dmarc))
		build_dmarc(rep, dmarc, from, json_is_true(json_object_get(spf,
		    "aligned")), dkim_aligned);
	json_array_foreach(json_object_get(facts, "findings"), i, o)
		add_finding(rep, json_string_value(o), from);
	ptr = str(rep, facts, "ptr");
	if (ptr != NULL && strcmp(ptr, "unknown") == 0)
		add_finding(rep, "ptr-not-checked", rep->input->ip);
	return rep;
}

static struct aa_report *
row_verdict(json_t *row, const char *receiver)
{
	json_t *facts = json_object_get(row, "facts");
	struct aa_report *rep = build_report(facts);
	bool bulk = json_is_true(json_object_get(facts, "bulk"));
	struct aa_verdict_params p = { receiver, bulk, NULL, NULL, NULL };

	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_assert_not_null(rep->verdict);
	return rep;
}

/* One receiver's entries: exactly one likely, which matches exp. */
static void
check_receiver(const char *row, const char *name, json_t *exp,
    json_t *entries)
{
	json_t *e, *likely = NULL, *enh;
	size_t i, n = 0, nlikely = 0;

	json_array_foreach(entries, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "name")),
		    name) != 0)
			continue;
		n++;
		if (json_is_true(json_object_get(e, "likely"))) {
			nlikely++;
			likely = e;
		}
	}
	cr_expect_gt(n, 0, "row %s: no entry for %s", row, name);
	cr_expect_eq(nlikely, 1, "row %s %s: %zu likely entries", row, name,
	    nlikely);
	if (likely == NULL || json_object_get(exp, "unmodelled") != NULL)
		return;
	cr_expect_str_eq(json_string_value(json_object_get(likely,
	    "outcome")), json_string_value(json_object_get(exp, "outcome")),
	    "row %s %s: outcome", row, name);
	cr_expect_eq(json_integer_value(json_object_get(likely, "code")),
	    json_integer_value(json_object_get(exp, "code")),
	    "row %s %s: code", row, name);
	enh = json_object_get(exp, "enhanced");
	if (json_is_null(enh))
		cr_expect(json_is_null(json_object_get(likely, "enhanced")),
		    "row %s %s: enhanced should be null", row, name);
	else
		cr_expect_str_eq(json_string_value(json_object_get(likely,
		    "enhanced")), json_string_value(enh),
		    "row %s %s: enhanced", row, name);
}

/* A verdict as JSON (receivers as the schema has them). */
static json_t *
verdict_json(const struct aa_verdict *v)
{
	json_t *j = json_object(), *rs = json_array(), *r;
	size_t i;

	for (i = 0; i < v->receivers.n; i++) {
		const struct aa_receiver_out *o = &v->receivers.v[i];

		r = json_pack("{s:s, s:s, s:I, s:o, s:b}", "name", o->name,
		    "outcome", o->outcome, "code", (json_int_t)o->code.v,
		    "enhanced", o->enhanced != NULL ? json_string(o->enhanced) :
		    json_null(), "likely", o->likely);
		json_array_append_new(rs, r);
	}
	json_object_set_new(j, "receivers", rs);
	json_object_set_new(j, "outcome", json_string(v->outcome));
	json_object_set_new(j, "cause", v->cause != NULL ?
	    json_string(v->cause) : json_null());
	return j;
}

static void
check_verdict(json_t *row, json_t *verdict)
{
	const char *id = json_string_value(json_object_get(row, "id"));
	json_t *expect = json_object_get(row, "expect"), *exp, *top, *cause;
	const char *name;

	json_object_foreach(expect, name, exp)
		check_receiver(id, name, exp, json_object_get(verdict,
		    "receivers"));
	top = json_object_get(row, "top");
	cr_expect_str_eq(json_string_value(json_object_get(verdict,
	    "outcome")), json_string_value(json_object_get(top, "outcome")),
	    "row %s: verdict.outcome", id);
	cause = json_object_get(top, "cause");
	if (json_is_null(cause))
		cr_expect(json_is_null(json_object_get(verdict, "cause")),
		    "row %s: cause should be null", id);
	else
		cr_expect_str_eq(json_string_value(json_object_get(verdict,
		    "cause")), json_string_value(cause), "row %s: cause", id);
}

struct row_param {
	char	 id[8];
};

#define ROW_IDS	"1", "2", "2b", "2c", "3", "3b", "4", "4b", "5", "6", "6b", \
	"6c", "7", "8", "8b", "9", "10", "11", "11b", "12", "13", "14", "15", \
	"16"

ParameterizedTestParameters(verdict, decision_row)
{
	static const char *const ids[] = { ROW_IDS };
	static struct row_param p[sizeof(ids) / sizeof(ids[0])];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		snprintf(p[i].id, sizeof(p[i].id), "%s", ids[i]);
	return cr_make_param_array(struct row_param, p, sizeof(p) /
	    sizeof(p[0]));
}

/* A decision-table row, built by hand, against its expectations. */
ParameterizedTest(struct row_param *p, verdict, decision_row)
{
	json_t *table = load_table(), *row = find_row(table, p->id), *vj;
	struct aa_report *rep = row_verdict(row, "all");
	size_t i;
	int r;

	vj = verdict_json(rep->verdict);
	check_verdict(row, vj);
	/*
	 * design.md 2 and 3a: a likely reject comes from an error finding,
	 * so exit 1; a likely defer from a temporary one at least (4).
	 */
	for (i = 0; i < rep->verdict->receivers.n; i++) {
		const struct aa_receiver_out *o = &rep->verdict->receivers.v[i];

		if (o->likely && strcmp(o->outcome, "reject") == 0)
			cr_expect_eq(aa_report_exit_status(rep,
			    AA_FAIL_ON_ERROR, false), 1, "row %s: %s rejects",
			    p->id, o->name);
		if (o->likely && strcmp(o->outcome, "defer") == 0)
			cr_expect_neq(aa_report_exit_status(rep,
			    AA_FAIL_ON_ERROR, false), 0, "row %s: %s defers",
			    p->id, o->name);
	}
	/* design.md 3a: six receivers in name order. */
	for (i = 0, r = 0; i < rep->verdict->receivers.n; i++) {
		enum aa_rcv k = vr_receiver_by_name(
		    rep->verdict->receivers.v[i].name);

		cr_expect((int)k >= r, "row %s: receivers out of order", p->id);
		r = (int)k;
	}
	json_decref(vj);
	aa_report_free(rep);
	json_decref(table);
}

Test(verdict, table_rows_all_tested)
{
	static const char *const ids[] = { ROW_IDS };
	json_t *table = load_table(), *row, *exp;
	size_t i, k, n = sizeof(ids) / sizeof(ids[0]);
	const char *name;
	bool found;

	cr_assert_eq(json_array_size(json_object_get(table, "rows")), n);
	json_array_foreach(json_object_get(table, "rows"), i, row) {
		found = false;
		for (k = 0; k < n; k++)
			if (strcmp(ids[k], json_string_value(json_object_get(
			    row, "id"))) == 0)
				found = true;
		cr_expect(found);
		/* Every receiver has an expectation with a source. */
		cr_expect_eq(json_object_size(json_object_get(row, "expect")),
		    AA_RCV__COUNT);
		json_object_foreach(json_object_get(row, "expect"), name, exp) {
			cr_expect_neq(vr_receiver_by_name(name), AA_RCV__COUNT);
			cr_expect(json_is_string(json_object_get(exp,
			    "source")), "row %zu %s: no source", i, name);
		}
	}
	json_decref(table);
}

/* Rows naming an end-to-end case: its golden JSON verdict matches. */
Test(verdict, decision_rows_end_to_end)
{
	json_t *table = load_table(), *row, *out, *e2e;
	json_error_t err;
	char path[256];
	size_t i, n = 0;

	json_array_foreach(json_object_get(table, "rows"), i, row) {
		e2e = json_object_get(row, "e2e");
		if (!json_is_string(e2e))
			continue;
		snprintf(path, sizeof(path), "%s/%s/expect.out", CASES,
		    json_string_value(e2e));
		out = json_load_file(path, 0, &err);
		cr_assert_not_null(out, "%s: %s", path, err.text);
		check_verdict(row, json_object_get(out, "verdict"));
		json_decref(out);
		n++;
	}
	cr_expect_gt(n, 0);
	json_decref(table);
}

/* --receiver NAME limits the verdict to that receiver. */
Test(verdict, receiver_filter)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "3"), "yahoo");
	size_t i;

	cr_assert_gt(rep->verdict->receivers.n, 0);
	for (i = 0; i < rep->verdict->receivers.n; i++)
		cr_expect_str_eq(rep->verdict->receivers.v[i].name, "yahoo");
	cr_expect_eq(rep->verdict->code.v, 550);
	cr_expect_str_eq(rep->verdict->enhanced, "5.7.9");
	aa_report_free(rep);
	json_decref(table);
}

/* Ties go to the first receiver in name order (gmail). */
Test(verdict, top_is_most_severe_first_name)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "5"), "all");

	cr_expect_str_eq(rep->verdict->outcome, "reject");
	cr_expect_eq(rep->verdict->code.v, 550);
	cr_expect_str_eq(rep->verdict->enhanced, "5.7.26");
	cr_expect_str_eq(rep->verdict->cause, "dmarc-fail");
	aa_report_free(rep);
	json_decref(table);
}

/* The ESP-default case: the summary and both fixes. */
Test(verdict, esp_default_summary_and_fixes)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "5"), "all");
	const struct aa_verdict *v = rep->verdict;
	const char *want = "DMARC fails: neither SPF (bounce.esp.example.net) "
	    "nor DKIM (d=esp.example.net) is aligned with example.com; "
	    "p=reject -> Gmail likely rejects: 550 5.7.26 \"Unauthenticated "
	    "email from example.com is not accepted due to domain's DMARC "
	    "policy.";
	bool dkim = false, rp = false;
	size_t i;

	cr_expect_eq(strncmp(v->summary, want, strlen(want)), 0, "summary: %s",
	    v->summary);
	for (i = 0; i < v->fixes.n; i++) {
		if (strstr(v->fixes.v[i].text, "Custom DKIM domain") != NULL)
			dkim = true;
		if (strstr(v->fixes.v[i].text, "Custom Return-Path") != NULL) {
			rp = true;
			cr_assert_not_null(v->fixes.v[i].record);
			cr_expect_str_eq(v->fixes.v[i].record->name,
			    "bounce.example.com");
			cr_expect_str_eq(v->fixes.v[i].record->type, "TXT");
		}
		/* DKIM first: it survives forwarding. */
		if (rp)
			cr_expect(dkim);
	}
	cr_expect(dkim && rp);
	aa_report_free(rep);
	json_decref(table);
}

static const struct aa_finding *
finding(const struct aa_report *rep, enum aa_code c)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == c)
			return &rep->findings.v[i];
	return NULL;
}

/* design.md 3a "Severity": a likely reject comes from an error finding. */
Test(verdict, cause_raised_to_error)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "13"), "all");

	cr_assert_not_null(finding(rep, AA_F_DKIM_NONE));
	cr_expect_eq(finding(rep, AA_F_DKIM_NONE)->severity, AA_SEV_ERROR);
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 1);
	aa_report_free(rep);
	json_decref(table);
}

/* Not bulk, the same facts deliver: dkim-none stays a warning. */
Test(verdict, no_reject_no_raise)
{
	json_t *table = load_table(), *row = find_row(table, "13");
	struct aa_report *rep;

	json_object_set_new(json_object_get(row, "facts"), "bulk",
	    json_false());
	rep = row_verdict(row, "all");
	cr_expect_str_eq(rep->verdict->outcome, "deliver");
	cr_expect_null(rep->verdict->cause);
	cr_expect_eq(finding(rep, AA_F_DKIM_NONE)->severity, AA_SEV_WARNING);
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 0);
	aa_report_free(rep);
	json_decref(table);
}

/* A temporary failure: defer, exit 4 (design.md 2). */
Test(verdict, temperror_exit_4)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "11"), "all");

	cr_expect_str_eq(rep->verdict->outcome, "defer");
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 4);
	aa_report_free(rep);
	json_decref(table);
}

/* ed25519 only: unsigned to Gmail (DMARC fails), a pass to RFC 8463. */
Test(verdict, ed25519_only)
{
	json_t *table = load_table(), *row = find_row(table, "1"), *sig;
	struct aa_report *rep;
	size_t i;
	bool gmail = false, rfc = false;

	json_object_set_new(json_object_get(json_object_get(row, "facts"),
	    "spf"), "result", json_string("softfail"));
	sig = json_array_get(json_object_get(json_object_get(row, "facts"),
	    "dkim"), 0);
	json_object_set_new(sig, "algorithm", json_string("ed25519-sha256"));
	rep = row_verdict(row, "all");
	for (i = 0; i < rep->verdict->receivers.n; i++) {
		const struct aa_receiver_out *o = &rep->verdict->receivers.v[i];

		if (!o->likely)
			continue;
		if (strcmp(o->name, "gmail") == 0) {
			gmail = true;
			cr_expect_str_eq(o->outcome, "reject");
			cr_expect_str_eq(o->enhanced, "5.7.26");
		}
		if (strcmp(o->name, "rfc") == 0) {
			rfc = true;
			cr_expect_str_eq(o->outcome, "deliver");
		}
	}
	cr_expect(gmail && rfc);
	aa_report_free(rep);
	json_decref(table);
}

/*
 * ed25519 the only aligned pass, p=reject pct=25: to Gmail DMARC fails,
 * and RFC 7489 6.6.4 sampling applies as for any fail (quarantine likely,
 * the reject an alternative); to RFC 8463 receivers it passes.
 */
Test(verdict, ed25519_only_pct)
{
	json_t *table = load_table(), *row = find_row(table, "1"), *facts;
	struct aa_report *rep;
	size_t i;
	bool likely_q = false, alt_r = false, rfc = false;

	facts = json_object_get(row, "facts");
	json_object_set_new(json_object_get(facts, "spf"), "aligned",
	    json_false());
	json_object_set_new(json_array_get(json_object_get(facts, "dkim"), 0),
	    "algorithm", json_string("ed25519-sha256"));
	json_object_set_new(json_object_get(facts, "dmarc"), "pct",
	    json_integer(25));
	rep = row_verdict(row, "all");
	for (i = 0; i < rep->verdict->receivers.n; i++) {
		const struct aa_receiver_out *o = &rep->verdict->receivers.v[i];

		if (strcmp(o->name, "gmail") == 0 && o->likely)
			likely_q = strcmp(o->outcome, "quarantine") == 0;
		if (strcmp(o->name, "gmail") == 0 && !o->likely &&
		    strcmp(o->outcome, "reject") == 0)
			alt_r = true;
		if (strcmp(o->name, "rfc") == 0 && o->likely)
			rfc = strcmp(o->outcome, "deliver") == 0;
	}
	cr_expect(likely_q, "gmail: quarantine likely");
	cr_expect(alt_r, "gmail: reject an alternative");
	cr_expect(rfc, "rfc: deliver");
	aa_report_free(rep);
	json_decref(table);
}

/* pct=25: quarantine likely, the reject an alternative. */
Test(verdict, pct_alternatives)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "8"), "gmail");
	const struct aa_verdict *v = rep->verdict;

	cr_assert_eq(v->receivers.n, 2);
	cr_expect_str_eq(v->receivers.v[0].outcome, "reject");
	cr_expect(!v->receivers.v[0].likely);
	cr_expect_str_eq(v->receivers.v[1].outcome, "quarantine");
	cr_expect(v->receivers.v[1].likely);
	aa_report_free(rep);
	json_decref(table);
}

/* Reply patterns are filled in with the report's names. */
Test(verdict, reply_filled)
{
	json_t *table = load_table();
	struct aa_report *rep = row_verdict(find_row(table, "3"), "gmail");

	cr_expect_str_eq(rep->verdict->receivers.v[0].reply, "This email has "
	    "been blocked because the sender is unauthenticated. Gmail "
	    "requires all senders to authenticate with either SPF or DKIM. "
	    "Authentication results: DKIM = did not pass SPF example.com with "
	    "ip: 192.0.2.25 = did not pass");
	aa_report_free(rep);
	json_decref(table);
}

/* `domain` without --ip: no verdict (design.md 1). */
Test(verdict, domain_without_ip)
{
	struct aa_report *rep = aa_report_new("domain");
	struct aa_verdict_params p = { "all", false, NULL, NULL, NULL };

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = rep->input->from_domain = "example.com";
	cr_expect_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_null(rep->verdict);
	aa_report_free(rep);
}

/* `domain --ip` with a clean -s key: an assumed aligned DKIM pass. */
Test(verdict, domain_assumes_dkim)
{
	struct aa_report *rep = aa_report_new("domain");
	struct aa_verdict_params p = { "all", true, NULL,
		"an aligned DKIM pass (d=example.com)", "example.com" };

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = rep->input->from_domain = "example.com";
	rep->input->ip = "192.0.2.25";
	rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	rep->spf->domain = "example.com";
	rep->spf->result = "pass";
	rep->dmarc = aa_arena_alloc(rep->arena, sizeof(*rep->dmarc));
	rep->dmarc->result = "pass";
	rep->dmarc->policy = "reject";
	rep->dmarc->spf_aligned = AA_TRI_TRUE;
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_eq(rep->verdict->outcome, "deliver");
	cr_expect_str_eq(rep->verdict->assumes,
	    "an aligned DKIM pass (d=example.com)");
	aa_report_free(rep);
	/* Without a key: no DKIM, so the bulk rules want one (5.7.30). */
	rep = aa_report_new("domain");
	p.assume_dkim_domain = NULL;
	p.assumes = "no DKIM signature";
	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->domain = rep->input->from_domain = "example.com";
	rep->input->ip = "192.0.2.25";
	rep->spf = aa_arena_alloc(rep->arena, sizeof(*rep->spf));
	rep->spf->domain = "example.com";
	rep->spf->result = "pass";
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_eq(rep->verdict->enhanced, "5.7.30");
	cr_expect_str_eq(rep->verdict->cause, "dkim-none");
	cr_expect_eq(finding(rep, AA_F_DKIM_NONE)->severity, AA_SEV_ERROR);
	aa_report_free(rep);
}

static struct aa_msg *
parse_msg(const char *text)
{
	struct aa_msg *m = NULL;
	char err[128];

	cr_assert_eq(aa_msg_parse((const uint8_t *)text, strlen(text), NULL,
	    &m, err, sizeof(err)), AA_OK, "%s", err);
	return m;
}

/* --bulk with a message: RFC 8058 one-click unsubscribe. */
Test(verdict, bulk_unsubscribe)
{
	json_t *table = load_table(), *row = find_row(table, "1");
	struct aa_report *rep;
	struct aa_msg *bad = parse_msg("From: a@example.com\r\n"
	    "List-Unsubscribe: <https://example.com/u>\r\n\r\nhi\r\n");
	struct aa_msg *good = parse_msg("From: a@example.com\r\n"
	    "List-Unsubscribe: <https://example.com/u>\r\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nhi\r\n");
	struct aa_verdict_params p = { "all", true, bad, NULL, NULL };

	rep = build_report(json_object_get(row, "facts"));
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_not_null(finding(rep, AA_F_BULK_UNSUBSCRIBE_MISSING));
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 1);
	aa_report_free(rep);
	/* RFC 8058 4: the fields must be signed. */
	p.msg = good;
	rep = build_report(json_object_get(row, "facts"));
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_not_null(finding(rep, AA_F_BULK_UNSUBSCRIBE_MISSING));
	cr_expect_not_null(strstr(finding(rep,
	    AA_F_BULK_UNSUBSCRIBE_MISSING)->message, "RFC 8058 4"));
	aa_report_free(rep);
	rep = build_report(json_object_get(row, "facts"));
	*AA_VEC_PUSH(rep->arena, rep->dkim->signatures.v[0].headers_signed) =
	    "list-unsubscribe";
	*AA_VEC_PUSH(rep->arena, rep->dkim->signatures.v[0].headers_signed) =
	    "list-unsubscribe-post";
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_null(finding(rep, AA_F_BULK_UNSUBSCRIBE_MISSING));
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 0);
	aa_report_free(rep);
	aa_msg_free(bad);
	aa_msg_free(good);
	json_decref(table);
}

/* The fix for a broken DMARC record is the record with syntax fixed. */
Test(verdict, dmarc_syntax_fix)
{
	json_t *table = load_table(), *row = find_row(table, "6c");
	struct aa_report *rep = build_report(json_object_get(row, "facts"));
	struct aa_verdict_params p = { "all", true, NULL, NULL, NULL };
	const struct aa_fix *f = NULL;
	size_t i;

	rep->dmarc->result = "permerror";
	rep->dmarc->record = "v=DMARC1; p=rejct; pct=1000; adkim=R; "
	    "rua=mailto:d@example.com; foo=bar";
	rep->dmarc->record_domain = "example.com";
	add_finding(rep, "dmarc-syntax", "example.com");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_eq(rep->verdict->cause, "dmarc-syntax");
	for (i = 0; i < rep->verdict->fixes.n; i++)
		if (rep->verdict->fixes.v[i].record != NULL &&
		    strcmp(rep->verdict->fixes.v[i].record->name,
		    "_dmarc.example.com") == 0)
			f = &rep->verdict->fixes.v[i];
	cr_assert_not_null(f);
	cr_expect_str_eq(f->record->value, "v=DMARC1; p=reject; adkim=r; "
	    "rua=mailto:d@example.com");
	aa_report_free(rep);
	json_decref(table);
}

/* An SPF fail at our own domain: the record with the IP added. */
Test(verdict, spf_fix_adds_ip)
{
	json_t *table = load_table(), *row = find_row(table, "3");
	struct aa_report *rep = build_report(json_object_get(row, "facts"));
	struct aa_verdict_params p = { "all", false, NULL, NULL, NULL };
	const struct aa_fix *f;

	rep->spf->record = "v=spf1 ip4:198.51.100.0/24 "
	    "include:_spf.example.net -all";
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	f = &rep->verdict->fixes.v[0];
	cr_assert_not_null(f->record, "first fix: %s", f->text);
	cr_expect_str_eq(f->record->name, "example.com");
	cr_expect_str_eq(f->record->value, "v=spf1 ip4:198.51.100.0/24 "
	    "include:_spf.example.net ip4:192.0.2.25 -all");
	aa_report_free(rep);
	json_decref(table);
}

/* Each rule's predicate on a view built by hand. */
Test(verdict, rules)
{
	struct vr_facts f;
	struct vr_view v;

	memset(&f, 0, sizeof(f));
	memset(&v, 0, sizeof(v));
	v.f = &f;
	v.rcv = AA_RCV_GMAIL;
	/* Unknown SPF (no IP): no unauthenticated prediction. */
	f.dkim_known = true;
	cr_expect(!vr_rule_applies(VR_UNAUTH, &v));
	f.spf = "softfail";
	cr_expect(vr_rule_applies(VR_UNAUTH, &v));
	cr_expect(!vr_rule_applies(VR_UNAUTH_V6, &v));
	f.ipv6 = true;
	cr_expect(vr_rule_applies(VR_UNAUTH_V6, &v));
	v.dkim_pass = true;
	cr_expect(!vr_rule_applies(VR_UNAUTH, &v));
	f.spf = "fail";
	cr_expect(vr_rule_applies(VR_SPF_HARDFAIL, &v));
	cr_expect(!vr_rule_applies(VR_SPF_FAIL, &v));
	/* Bulk rules only with --bulk. */
	v.dmarc = VR_DMARC_NONE;
	cr_expect(!vr_rule_applies(VR_BULK_NO_DMARC, &v));
	f.bulk = true;
	cr_expect(vr_rule_applies(VR_BULK_NO_DMARC, &v));
	cr_expect(vr_rule_applies(VR_BULK_SPF, &v));
	cr_expect(vr_rule_applies(VR_BULK_AUTH, &v));
	/* PTR: unknown predicts nothing (design.md 3a: never 5.7.25). */
	cr_expect(!vr_rule_applies(VR_PTR, &v));
	f.ptr = VR_PTR_MISSING;
	cr_expect(vr_rule_applies(VR_PTR, &v));
	cr_expect(vr_rule_applies(VR_PTR_V6, &v));
	/* DMARC dispositions. */
	v.dmarc = VR_DMARC_FAIL;
	v.disposition = "quarantine";
	cr_expect(vr_rule_applies(VR_DMARC_QUARANTINE, &v));
	cr_expect(!vr_rule_applies(VR_DMARC_REJECT, &v));
	v.dmarc = VR_DMARC_TEMP;
	cr_expect(vr_rule_applies(VR_TEMP, &v));
}

/* The tables: every receiver's group has exactly one likely reply. */
Test(verdict, tables_one_likely)
{
	const struct vr_reply *r;
	size_t n, i, likely;
	int rcv, rule;

	for (rcv = 0; rcv < AA_RCV__COUNT; rcv++)
		for (rule = 0; rule < VR__COUNT; rule++) {
			r = vr_replies((enum aa_rcv)rcv, (enum vr_rule)rule,
			    &n);
			for (i = 0, likely = 0; i < n; i++) {
				likely += r[i].likely;
				cr_expect_not_null(r[i].source);
				cr_expect(r[i].code >= 200 && r[i].code < 600);
			}
			cr_expect(n == 0 || likely == 1, "%s rule %d",
			    vr_receiver((enum aa_rcv)rcv)->name, rule);
		}
	/* design.md 3a: the RFC receiver uses RFC 7372's codes. */
	r = vr_replies(AA_RCV_RFC, VR_SPF_FAIL, &n);
	cr_expect_str_eq(r->enhanced, "5.7.23");
	r = vr_replies(AA_RCV_RFC, VR_SPF_PERMERROR, &n);
	cr_expect_str_eq(r->enhanced, "5.7.24");
	r = vr_replies(AA_RCV_RFC, VR_SPF_TEMP, &n);
	cr_expect_eq(r->code, 451);
	cr_expect_str_eq(r->enhanced, "4.7.24");
}

/* Reverse DNS and domain checks through the DNS layer. */
static const char *rdns_zone =
    "$ORIGIN example.com.\n"
    "@ 3600 IN SOA ns1 host 1 7200 900 1209600 300\n"
    "@ 3600 IN MX 10 mx1\n"
    "mx1 3600 IN A 192.0.2.25\n"
    "other 3600 IN A 192.0.2.99\n"
    "nullmx 3600 IN MX 0 .\n"
    "$ORIGIN 2.0.192.in-addr.arpa.\n"
    "@ 3600 IN SOA ns1.example.com. host.example.com. 1 7200 900 1209600 300\n"
    "25 3600 IN PTR mx1.example.com.\n"
    "26 3600 IN PTR other.example.com.\n";

static struct aa_report *
rdns(struct aa_dns *dns, const char *ip)
{
	struct aa_report *rep = aa_report_new("message");

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->ip = ip;
	cr_assert_eq(aa_rdns_check(dns, rep), AA_OK);
	return rep;
}

Test(verdict, rdns_checks)
{
	struct aa_dns *dns = th_dns_from_zone(rdns_zone, true);
	struct aa_report *rep;

	rep = rdns(dns, "192.0.2.25");
	cr_expect_eq(rep->findings.n, 0, "FCrDNS ok");
	cr_expect_not_null(th_log_find(dns, "25.2.0.192.in-addr.arpa",
	    AA_TYPE_PTR));
	aa_report_free(rep);
	rep = rdns(dns, "192.0.2.26");
	cr_assert_not_null(finding(rep, AA_F_FCRDNS_MISMATCH));
	cr_expect_not_null(strstr(finding(rep, AA_F_FCRDNS_MISMATCH)->message,
	    "has PTR other.example.com"));
	aa_report_free(rep);
	rep = rdns(dns, "192.0.2.27");
	cr_expect_not_null(finding(rep, AA_F_PTR_MISSING));
	aa_report_free(rep);
	/* Offline, no zone for the reverse name: unknown, not missing. */
	rep = rdns(dns, "198.51.100.7");
	cr_expect_not_null(finding(rep, AA_F_PTR_NOT_CHECKED));
	cr_expect_null(finding(rep, AA_F_PTR_MISSING));
	aa_report_free(rep);
	rep = rdns(dns, "2001:db8::1");
	cr_expect_not_null(finding(rep, AA_F_PTR_NOT_CHECKED));
	cr_expect_not_null(th_log_find(dns, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", AA_TYPE_PTR));
	aa_report_free(rep);
	aa_dns_free(dns);
}

Test(verdict, domain_checks)
{
	struct aa_dns *dns = th_dns_from_zone(rdns_zone, true);
	struct aa_report *rep = aa_report_new("domain");

	cr_assert_eq(aa_domain_check(dns, rep, "example.com"), AA_OK);
	cr_expect_eq(rep->findings.n, 0);
	cr_assert_eq(aa_domain_check(dns, rep, "nullmx.example.com"), AA_OK);
	cr_assert_not_null(finding(rep, AA_F_MX_NULL));
	cr_expect_str_eq(finding(rep, AA_F_MX_NULL)->origin.file, "test.zone");
	cr_assert_eq(aa_domain_check(dns, rep, "gone.example.com"), AA_OK);
	cr_expect_not_null(finding(rep, AA_F_DOMAIN_NONEXISTENT));
	aa_report_free(rep);
	aa_dns_free(dns);
}

/*
 * Junk where an IP or a domain should be: a clear AA_EINVAL, no finding,
 * no query.  The CLI validates --ip, but the library takes any string.
 */
Test(verdict, rdns_domain_junk)
{
	static const char *const ips[] = { "", "192.0.2", "192.0.2.256",
	    "1.2.3.4.5", "::g", "2001:db8::1::2", "example.com",
	    "192.0.2.1 ", " 192.0.2.1", "0x7f.0.0.1" };
	static const char *const names[] = { "a..b", ".", "-",
	    "x\001y.example" };
	struct aa_dns *dns = th_dns_from_zone(rdns_zone, true);
	struct aa_report *rep = aa_report_new("message");
	char long_name[300];
	size_t i;

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		rep->input->ip = ips[i];
		cr_expect_eq(aa_rdns_check(dns, rep), AA_EINVAL, "ip \"%s\"",
		    ips[i]);
	}
	cr_expect_eq(rep->findings.n, 0);
	cr_expect_eq(aa_domain_check(NULL, rep, "example.com"), AA_EINVAL);
	cr_expect_eq(aa_domain_check(dns, rep, NULL), AA_EINVAL);
	cr_expect_eq(aa_rdns_check(NULL, rep), AA_EINVAL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	cr_expect_eq(aa_domain_check(dns, rep, long_name), AA_EINVAL,
	    "a name over 253 octets");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)aa_domain_check(dns, rep, names[i]);
	/* Whatever the DNS layer made of them, none is a null MX. */
	cr_expect_null(finding(rep, AA_F_MX_NULL));
	aa_report_free(rep);
	aa_dns_free(dns);
}

/* A null MX on the MAIL FROM domain: RFC 7505 4.2, 550 5.7.27. */
Test(verdict, null_mx_rfc)
{
	json_t *table = load_table(), *row = find_row(table, "1");
	struct aa_report *rep = build_report(json_object_get(row, "facts"));
	struct aa_verdict_params p = { "rfc", false, NULL, NULL, NULL };

	add_finding(rep, "mx-null", "example.com");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_eq(rep->verdict->enhanced, "5.7.27");
	cr_expect_str_eq(rep->verdict->cause, "mx-null");
	cr_expect_eq(finding(rep, AA_F_MX_NULL)->severity, AA_SEV_ERROR);
	aa_report_free(rep);
	json_decref(table);
}

static void
add_bounce(struct aa_report *rep, const char *provider, int code,
    const char *status, const char *class_)
{
	struct aa_bounce_recipient *r;

	rep->input->bounce = aa_arena_alloc(rep->arena,
	    sizeof(*rep->input->bounce));
	r = AA_VEC_PUSH(rep->arena, rep->input->bounce->recipients);
	r->provider = provider;
	r->code = AA_INT(code);
	r->status = status;
	r->class_ = class_;
}

/* A bounce's reply against the prediction (issue 7 item 4). */
Test(verdict, bounce_compared)
{
	json_t *table = load_table();
	struct aa_report *rep;
	struct aa_verdict_params p = { "all", false, NULL, NULL, NULL };

	rep = build_report(json_object_get(find_row(table, "5"), "facts"));
	add_bounce(rep, "gmail", 550, "5.7.26", "authentication");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_not_null(strstr(rep->verdict->summary, "The bounce from "
	    "Gmail (550 5.7.26) agrees with this prediction."),
	    "%s", rep->verdict->summary);
	aa_report_free(rep);
	rep = build_report(json_object_get(find_row(table, "1"), "facts"));
	add_bounce(rep, "gmail", 550, "5.7.26", "authentication");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_not_null(strstr(rep->verdict->summary, "the DNS changed "
	    "since, or the message was altered in transit"), "%s",
	    rep->verdict->summary);
	aa_report_free(rep);
	/* RFC 3463 2: the same subject and detail, temporary class. */
	rep = build_report(json_object_get(find_row(table, "5"), "facts"));
	add_bounce(rep, "gmail", 421, "4.7.26", "authentication");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_not_null(strstr(rep->verdict->summary, "is the temporary "
	    "form of the predicted 550 5.7.26"), "%s", rep->verdict->summary);
	aa_report_free(rep);
	/* A receiver left out by --receiver is not compared. */
	p.receiver = "yahoo";
	rep = build_report(json_object_get(find_row(table, "5"), "facts"));
	add_bounce(rep, "gmail", 550, "5.7.26", "authentication");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_null(strstr(rep->verdict->summary, "The bounce from"));
	aa_report_free(rep);
	json_decref(table);
}

/*
 * Issue 10: a bounce that is not about authentication, on a message that
 * authenticates, has its class as the cause and its fix path first; when
 * authentication explains a reject, that stays the cause.
 */
Test(verdict, bounce_class_is_cause)
{
	json_t *table = load_table();
	struct aa_report *rep;
	struct aa_verdict_params p = { "all", false, NULL, NULL, NULL };

	rep = build_report(json_object_get(find_row(table, "1"), "facts"));
	add_bounce(rep, "gmail", 550, "5.1.1", "address");
	rep->input->bounce->recipients.v[0].recipient = "suzie@gmail.com";
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_eq(rep->verdict->cause, "bounce-address");
	cr_expect_eq(strncmp(rep->verdict->summary, "Bounce: address problem, "
	    "not authentication (suzie@gmail.com, 550 5.1.1)", 72), 0, "%s",
	    rep->verdict->summary);
	cr_assert_gt(rep->verdict->fixes.n, 0);
	cr_expect_not_null(strstr(rep->verdict->fixes.v[0].text, "list "
	    "hygiene"), "%s", rep->verdict->fixes.v[0].text);
	aa_report_free(rep);
	rep = build_report(json_object_get(find_row(table, "5"), "facts"));
	add_bounce(rep, "gmail", 550, "5.1.1", "address");
	cr_assert_eq(aa_verdict_build(rep, &p), AA_OK);
	cr_expect_str_neq(rep->verdict->cause, "bounce-address");
	cr_expect_neq(strncmp(rep->verdict->summary, "Bounce:", 7), 0);
	aa_report_free(rep);
	json_decref(table);
}
