/*
 * test_report.c: the finding registry (src/finding.c) and the report
 * model (src/report.c): ids, default severities, exit status.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aa_report.h"

/*
 * Every id of design.md 3b, in its order, plus our addition
 * dkim-signature-invalid (docs/design.md notes it).
 */
static const char *const design_ids[] = {
	"spf-none", "spf-multiple-records", "spf-syntax",
	"spf-too-many-lookups", "spf-too-many-void-lookups",
	"spf-mx-too-many-names", "spf-include-loop", "spf-include-none",
	"spf-ptr", "spf-plus-all", "spf-no-all", "spf-record-too-long",
	"spf-macro-unresolved", "spf-fail", "spf-softfail", "spf-temperror",
	"spf-helo-fail", "spf-libspf2-crash", "spf-libspf2-disagrees",
	"dkim-none", "dkim-body-hash-mismatch", "dkim-signature-mismatch",
	"dkim-signature-invalid", "dkim-key-not-found", "dkim-key-revoked", "dkim-key-invalid",
	"dkim-key-multiple-records", "dkim-key-too-small",
	"dkim-key-too-large", "dkim-sha1", "dkim-expired",
	"dkim-timestamp-future", "dkim-length-tag", "dkim-testing",
	"dkim-from-not-signed", "dkim-header-not-oversigned",
	"dkim-not-aligned", "dkim-temperror", "dkim-line-endings",
	"dkim-body-unavailable", "dkim-mbox-quoting",
	"dmarc-none", "dmarc-multiple-records", "dmarc-syntax",
	"dmarc-tag-unknown", "dmarc-rua-invalid", "dmarc-rua-unauthorized",
	"dmarc-policy-none", "dmarc-pct", "dmarc-fail", "dmarc-temperror",
	"dmarc-undetermined", "dmarc-org-domain-disagreement",
	"dmarc-rfc9989-differs", "dmarc-np-compact-denial",
	"dmarc-psl-stale", "dmarc-opendmarc-disagrees",
	"domain-nonexistent", "mx-null", "ptr-missing", "fcrdns-mismatch",
	"ptr-not-checked", "bulk-unsubscribe-missing",
	"msg-multiple-from", "msg-no-from", "msg-too-large",
	"input-ip-unknown", "dns-budget-exceeded",
	"bounce-address", "bounce-mailbox", "bounce-relay",
	"bounce-reputation", "bounce-volume", "bounce-transient",
};
#define NIDS	(sizeof(design_ids) / sizeof(design_ids[0]))

/* The area prefixes of design.md 3b, by the first code of each area. */
static const struct {
	enum aa_code	 first;
	const char	*prefixes;	/* space-separated, ending in '-' */
} areas[] = {
	{ AA_F_SPF_NONE, "spf-" },
	{ AA_F_DKIM_NONE, "dkim-" },
	{ AA_F_DMARC_NONE, "dmarc-" },
	{ AA_F_DOMAIN_NONEXISTENT, "domain- mx- ptr- fcrdns- bulk-" },
	{ AA_F_MSG_MULTIPLE_FROM, "msg- input- dns-" },
	{ AA_F_BOUNCE_ADDRESS, "bounce-" },
};
#define NAREAS	(sizeof(areas) / sizeof(areas[0]))

static bool
kebab(const char *s)
{
	bool dash = true;	/* no leading dash, no "--" */

	for (; *s != '\0'; s++) {
		if (*s == '-') {
			if (dash)
				return false;
			dash = true;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			dash = false;
		else
			return false;
	}
	return !dash;
}

static bool
has_prefix(const char *id, const char *prefixes)
{
	char buf[128], *p, *save = NULL;

	strncpy(buf, prefixes, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	for (p = strtok_r(buf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		if (strncmp(id, p, strlen(p)) == 0)
			return true;
	return false;
}

static const char *
area_prefixes(enum aa_code c)
{
	size_t i;

	for (i = NAREAS; i-- > 0;)
		if (c >= areas[i].first)
			return areas[i].prefixes;
	return "";
}

TestSuite(report);

Test(report, registry_matches_design_3b)
{
	const struct aa_finding_info *info;
	size_t i;

	cr_assert_eq(NIDS, (size_t)AA_F__COUNT,
	    "design.md 3b lists %zu ids, the registry %d", NIDS,
	    (int)AA_F__COUNT);
	for (i = 0; i < NIDS; i++) {
		info = aa_finding_by_id(design_ids[i]);
		cr_assert_not_null(info, "%s missing", design_ids[i]);
		cr_assert_eq(info->code, (enum aa_code)i,
		    "%s out of design order", design_ids[i]);
		cr_assert_str_eq(aa_finding_info((enum aa_code)i)->id,
		    design_ids[i]);
	}
}

Test(report, registry_entries_well_formed)
{
	const struct aa_finding_info *a, *b;
	size_t i, k;

	for (i = 0; i < AA_F__COUNT; i++) {
		a = aa_finding_info((enum aa_code)i);
		cr_assert_not_null(a);
		cr_assert_eq(a->code, (enum aa_code)i, "entry %zu moved", i);
		cr_assert(kebab(a->id), "%s is not kebab-case", a->id);
		cr_assert(has_prefix(a->id, area_prefixes(a->code)),
		    "%s has not its area's prefix (%s)", a->id,
		    area_prefixes(a->code));
		cr_assert(a->severity == AA_SEV_INFO ||
		    a->severity == AA_SEV_WARNING ||
		    a->severity == AA_SEV_ERROR, "%s severity", a->id);
		cr_assert(a->rfc != NULL && a->rfc[0] != '\0', "%s no rfc",
		    a->id);
		cr_assert(a->summary != NULL && a->summary[0] != '\0',
		    "%s no summary", a->id);
		for (k = 0; k < i; k++) {
			b = aa_finding_info((enum aa_code)k);
			cr_assert_str_neq(a->id, b->id, "duplicate id");
		}
	}
	cr_assert_null(aa_finding_info(AA_F__COUNT));
	cr_assert_null(aa_finding_by_id("spf-nonexistent-id"));
}

/* Temporary findings are exactly the DNS failures of design.md 2. */
Test(report, registry_temporary_ids)
{
	static const char *const temp[] = { "spf-temperror",
		"dkim-temperror", "dmarc-temperror", "dns-budget-exceeded" };
	size_t i, n = 0;

	for (i = 0; i < sizeof(temp) / sizeof(temp[0]); i++)
		cr_assert(aa_finding_by_id(temp[i])->temporary, "%s", temp[i]);
	for (i = 0; i < AA_F__COUNT; i++)
		if (aa_finding_info((enum aa_code)i)->temporary)
			n++;
	cr_assert_eq(n, sizeof(temp) / sizeof(temp[0]));
}

Test(report, severity_names)
{
	enum aa_severity s;

	cr_assert_str_eq(aa_severity_str(AA_SEV_INFO), "info");
	cr_assert_str_eq(aa_severity_str(AA_SEV_WARNING), "warning");
	cr_assert_str_eq(aa_severity_str(AA_SEV_ERROR), "error");
	cr_assert_eq(aa_severity_from_str("warning", &s), 0);
	cr_assert_eq(s, AA_SEV_WARNING);
	cr_assert_eq(aa_severity_from_str("error", &s), 0);
	cr_assert_eq(s, AA_SEV_ERROR);
	cr_assert_eq(aa_severity_from_str("fatal", &s), -1);
}

Test(report, add_uses_default_severity)
{
	struct aa_report *rep = aa_report_new("domain");
	struct aa_finding *f;
	size_t i;

	for (i = 0; i < AA_F__COUNT; i++) {
		f = aa_report_add(rep, (enum aa_code)i, "example.com",
		    "n=%zu", i);
		cr_assert_eq(f->code, (enum aa_code)i);
		cr_assert_eq(f->severity,
		    aa_finding_info((enum aa_code)i)->severity, "%s",
		    aa_finding_info((enum aa_code)i)->id);
		cr_assert_null(f->origin.file);
	}
	cr_assert_eq(rep->findings.n, (size_t)AA_F__COUNT);
	cr_assert_str_eq(rep->findings.v[3].message, "n=3");
	cr_assert_str_eq(rep->findings.v[3].subject, "example.com");
	cr_assert_eq(aa_report_add(rep, AA_F_SPF_PTR, "a", "x")->severity,
	    AA_SEV_WARNING);
	cr_assert_eq(aa_report_add(rep, AA_F_SPF_FAIL, "a", "x")->severity,
	    AA_SEV_ERROR);
	cr_assert_eq(aa_report_add(rep, AA_F_PTR_NOT_CHECKED, "a",
	    "x")->severity, AA_SEV_INFO);
	aa_report_free(rep);
}

Test(report, add_copies_subject)
{
	struct aa_report *rep = aa_report_new("domain");
	char subject[] = "example.com";
	struct aa_finding *f;

	f = aa_report_add(rep, AA_F_SPF_NONE, subject, "%s", "no record");
	subject[0] = 'X';
	cr_assert_str_eq(f->subject, "example.com");
	cr_assert_str_eq(f->message, "no record");
	cr_assert_str_eq(rep->command, "domain");
	aa_report_free(rep);
}

Test(report, max_severity)
{
	struct aa_report *rep = aa_report_new("domain");

	cr_assert_eq(aa_report_max_severity(rep, false), -1);
	aa_report_add(rep, AA_F_PTR_NOT_CHECKED, "x", "info");
	cr_assert_eq(aa_report_max_severity(rep, false), AA_SEV_INFO);
	aa_report_add(rep, AA_F_SPF_PTR, "x", "warning");
	cr_assert_eq(aa_report_max_severity(rep, false), AA_SEV_WARNING);
	aa_report_add(rep, AA_F_SPF_TEMPERROR, "x", "temporary error");
	cr_assert_eq(aa_report_max_severity(rep, false), AA_SEV_ERROR);
	cr_assert_eq(aa_report_max_severity(rep, true), AA_SEV_WARNING,
	    "a temporary error counted as non-temporary");
	aa_report_add(rep, AA_F_SPF_FAIL, "x", "error");
	cr_assert_eq(aa_report_max_severity(rep, true), AA_SEV_ERROR);
	aa_report_free(rep);
}

/* A report holding findings of the given codes. */
static struct aa_report *
with(int n, ...)
{
	struct aa_report *rep = aa_report_new("domain");
	va_list ap;

	va_start(ap, n);
	while (n-- > 0)
		aa_report_add(rep, (enum aa_code)va_arg(ap, int),
		    "example.com", "finding");
	va_end(ap);
	return rep;
}

/* Exit status under each --fail-on, no regressions found. */
#define ALL_MODES(rep, e, w, r, nv) do {				\
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR,	\
	    false), e, "error");					\
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_WARNING,	\
	    false), w, "warning");					\
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_REGRESSION,	\
	    false), r, "regression");					\
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_NEVER,	\
	    false), nv, "never");					\
} while (0)

Test(report, exit_status_clean)
{
	struct aa_report *rep = with(0);

	ALL_MODES(rep, 0, 0, 0, 0);
	aa_report_free(rep);
	rep = with(1, AA_F_PTR_NOT_CHECKED);
	ALL_MODES(rep, 0, 0, 0, 0);
	aa_report_free(rep);
}

Test(report, exit_status_error)
{
	struct aa_report *rep = with(2, AA_F_SPF_FAIL, AA_F_PTR_NOT_CHECKED);

	ALL_MODES(rep, 1, 1, 0, 0);
	aa_report_free(rep);
}

/* design.md 2: warnings give 1 only from --fail-on warning. */
Test(report, exit_status_warning_threshold)
{
	struct aa_report *rep = with(2, AA_F_SPF_PTR, AA_F_DMARC_PSL_STALE);

	ALL_MODES(rep, 0, 1, 0, 0);
	aa_report_free(rep);
}

/* A temporary failure alone is 4, never 1, whatever the threshold. */
Test(report, exit_status_temporary_is_4)
{
	struct aa_report *rep = with(1, AA_F_SPF_TEMPERROR);

	ALL_MODES(rep, 4, 4, 4, 4);
	aa_report_free(rep);
	rep = with(2, AA_F_DKIM_TEMPERROR, AA_F_DNS_BUDGET_EXCEEDED);
	ALL_MODES(rep, 4, 4, 4, 4);
	aa_report_free(rep);
}

/* 1 wins over 4; "never" suppresses 1 only, so 4 shows through. */
Test(report, exit_status_temporary_and_error)
{
	struct aa_report *rep = with(2, AA_F_DMARC_TEMPERROR, AA_F_SPF_FAIL);

	ALL_MODES(rep, 1, 1, 4, 4);
	aa_report_free(rep);
	rep = with(2, AA_F_DMARC_TEMPERROR, AA_F_SPF_PTR);
	ALL_MODES(rep, 4, 1, 4, 4);
	aa_report_free(rep);
}

Test(report, exit_status_regression)
{
	struct aa_report *rep = with(0);

	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_REGRESSION, true),
	    1);
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_REGRESSION, false),
	    0);
	/* Regressions count only under --fail-on regression. */
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, true), 0);
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_NEVER, true), 0);
	aa_report_free(rep);
	rep = with(1, AA_F_SPF_TEMPERROR);
	cr_assert_eq(aa_report_exit_status(rep, AA_FAIL_ON_REGRESSION, true),
	    1);
	aa_report_free(rep);
}

/* The dns command: a TIMEOUT, SERVFAIL or REFUSED answer exits 4. */
Test(report, exit_status_dns_temporary)
{
	struct aa_report *rep = aa_report_new("dns");

	cr_assert_not(aa_report_has_temporary(rep));
	rep->dns_temporary = true;
	cr_assert(aa_report_has_temporary(rep));
	ALL_MODES(rep, 4, 4, 4, 4);
	aa_report_free(rep);
}
