/*
 * render_ci.c: the CI formats of design.md 3a.  "github" writes GitHub
 * Actions workflow commands (::error file=F,line=N,title=T::message), one
 * per regression and finding, so a pull request shows each problem on
 * the zone file line that causes it.  "junit" writes a JUnit XML report
 * with one test case per check area, failed by that area's errors.
 * Both read the report only (design.md 6).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aa_render.h"

struct ci {
	FILE		*fp;
	struct aa_arena	*arena;		/* scratch strings of one rendering */
};

/*
 * Workflow-command data (the message after "::"): %, CR and LF are
 * percent-encoded, as the runner's command parser and actions/toolkit's
 * escapeData() expect; a message can then never start a command of its
 * own on a new line.  TAB is kept.
 */
static const char *
esc_data(unsigned char c, char *tmp)
{
	switch (c) {
	case '%': return "%25";
	case '\r': return "%0D";
	case '\n': return "%0A";
	case '\t': return NULL;
	}
	return aa_render_control(c, tmp);
}

/* Property values (file=, title=): also ':' and ',' (escapeProperty()). */
static const char *
esc_property(unsigned char c, char *tmp)
{
	switch (c) {
	case ':': return "%3A";
	case ',': return "%2C";
	}
	return esc_data(c, tmp);
}

/* XML 1.0 character data and attribute values. */
static const char *
esc_xml(unsigned char c, char *tmp)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&apos;";
	case '\t': return NULL;
	case '\n': return "&#10;";
	case '\r': return "&#13;";
	}
	/* XML 1.0 2.2 has no other C0 character, even as a reference. */
	return aa_render_control(c, tmp);
}

static const char *
fmt(struct ci *ci, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct ci *ci, const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = aa_arena_vprintf(ci->arena, f, ap);
	va_end(ap);
	return s;
}

static const char *
finding_id(const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);

	return info != NULL ? info->id : "unknown";
}

static bool
finding_temporary(const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);

	return info != NULL && info->temporary;
}

/* "SUBJECT: message [RFC 7208 4.6.4]" */
static const char *
finding_text(struct ci *ci, const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);
	const char *msg = f->message;

	if (msg == NULL && info != NULL)
		msg = info->summary;
	return fmt(ci, "%s%s%s%s%s%s", f->subject != NULL ? f->subject : "",
	    f->subject != NULL ? ": " : "", msg != NULL ? msg : "",
	    info != NULL ? " [" : "", info != NULL ? info->rfc : "",
	    info != NULL ? "]" : "");
}

/* "before -> after", either side "none" when absent. */
static const char *
change_text(struct ci *ci, const struct aa_change *ch)
{
	return fmt(ci, "%s%s%s%s: %s -> %s", ch->what,
	    ch->id != NULL ? " " : "", ch->id != NULL ? ch->id : "",
	    ch->subject != NULL ? fmt(ci, " %s", ch->subject) : "",
	    ch->before != NULL ? ch->before : "none",
	    ch->after != NULL ? ch->after : "none");
}

/* github ------------------------------------------------------------- */

static const char *const gh_level[] = {
	[AA_SEV_INFO] = "notice",
	[AA_SEV_WARNING] = "warning",
	[AA_SEV_ERROR] = "error",
};

/* One workflow command; file NULL: no file and line (design.md 3a). */
static void
gh_command(struct ci *ci, const char *level, const char *file, unsigned line,
    const char *title, const char *message)
{
	fprintf(ci->fp, "::%s ", level);
	if (file != NULL)
		fprintf(ci->fp, "file=%s,line=%u,", aa_render_safe(ci->arena,
		    file, esc_property), line);
	fprintf(ci->fp, "title=%s::%s\n", aa_render_safe(ci->arena, title,
	    esc_property), aa_render_safe(ci->arena, message, esc_data));
}

/*
 * A finding, on its zone file's line.  A --rr record is no file of the
 * repository: its position goes into the message instead.
 */
static void
gh_finding(struct ci *ci, const char *level, const struct aa_finding *f)
{
	const char *file = f->origin.file, *text = finding_text(ci, f);

	if (file != NULL && strcmp(file, "--rr") == 0) {
		text = fmt(ci, "%s (--rr #%u)", text, f->origin.line);
		file = NULL;
	}
	gh_command(ci, level, file, f->origin.line, finding_id(f), text);
}

static void
gh_baseline(struct ci *ci, const struct aa_baseline_out *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->regressions.n; i++)
		gh_command(ci, "error", NULL, 0, "regression",
		    fmt(ci, "%s (against %s)", change_text(ci,
		    &b->regressions.v[i]), b->file != NULL ? b->file :
		    "the baseline"));
	if (b->regressions.n == 0)
		gh_command(ci, "notice", NULL, 0, "baseline", fmt(ci,
		    "no regression against %s (%zu improved, %zu unchanged)",
		    b->file != NULL ? b->file : "the baseline", b->improved.n,
		    b->unchanged.n));
}

/* ", LABEL before -> after", or "" when neither is known. */
static const char *
gh_before_after(struct ci *ci, const char *label, const char *before,
    const char *after)
{
	if (before == NULL && after == NULL)
		return "";
	return fmt(ci, "; %s %s -> %s", label, before != NULL ? before :
	    "none", after != NULL ? after : "none");
}

static const char *
gh_int(struct ci *ci, struct aa_int i)
{
	return i.set ? fmt(ci, "%lld", i.v) : NULL;
}

/* The what-if changes and each figure before and after them. */
static void
gh_whatif(struct ci *ci, const struct aa_report *rep)
{
	const struct aa_whatif *w = rep->whatif;
	const struct aa_spf_report *s = rep->spf;
	const char *text = "";
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->changes.n; i++)
		text = fmt(ci, "%s%s%s", text, i ? " " : "", w->changes.v[i]);
	text = fmt(ci, "%s%s%s%s%s", text,
	    gh_before_after(ci, "SPF lookups", gh_int(ci,
	    w->before.spf_lookups), s != NULL ? gh_int(ci, s->lookups.count) :
	    NULL),
	    gh_before_after(ci, "SPF result", w->before.spf_result,
	    s != NULL ? s->result : NULL),
	    gh_before_after(ci, "DMARC disposition",
	    w->before.dmarc_disposition, rep->dmarc != NULL ?
	    rep->dmarc->disposition : NULL),
	    gh_before_after(ci, "outcome", w->before.outcome,
	    rep->verdict != NULL ? rep->verdict->outcome : NULL));
	gh_command(ci, "notice", NULL, 0, "what-if", text);
}

static void
gh_verdict(struct ci *ci, const struct aa_verdict *v)
{
	if (v == NULL || v->outcome == NULL)
		return;
	gh_command(ci, "notice", NULL, 0, "verdict", fmt(ci, "%s%s%s%s%s",
	    v->outcome, v->code.set ? fmt(ci, " %lld", v->code.v) : "",
	    v->enhanced != NULL ? fmt(ci, " %s", v->enhanced) : "",
	    v->summary != NULL ? ": " : "", v->summary != NULL ? v->summary :
	    ""));
}

/* The dns command: its answer as a note; a temporary failure warns. */
static void
gh_dns(struct ci *ci, const struct aa_dns_section *d)
{
	bool temporary;

	if (d == NULL)
		return;
	temporary = d->rcode != NULL && strcmp(d->rcode, "NOERROR") != 0 &&
	    strcmp(d->rcode, "NXDOMAIN") != 0;
	gh_command(ci, temporary ? "warning" : "notice", NULL, 0, "dns",
	    fmt(ci, "%s %s: %s, %zu answer%s (%s%s%s)", d->name, d->type,
	    d->rcode, d->answers.n, d->answers.n == 1 ? "" : "s", d->source,
	    d->origin != NULL ? " " : "", d->origin != NULL ? d->origin :
	    ""));
}

/*
 * Regressions first, then findings by severity (GitHub shows only the
 * first annotations of each level), then the what-if and verdict notes.
 */
int
aa_render_github(FILE *fp, const struct aa_report *rep,
    const struct aa_render_opts *opts)
{
	struct ci ci = { fp, aa_arena_new() };
	const struct aa_finding *f;
	int sev;
	size_t i;

	(void)opts;
	gh_baseline(&ci, rep->baseline);
	for (sev = AA_SEV_ERROR; sev >= AA_SEV_INFO; sev--)
		for (i = 0; i < rep->findings.n; i++) {
			f = &rep->findings.v[i];
			if ((int)f->severity != sev)
				continue;
			gh_finding(&ci, gh_level[sev], f);
		}
	gh_dns(&ci, rep->dns);
	gh_whatif(&ci, rep);
	gh_verdict(&ci, rep->verdict);
	aa_arena_free(ci.arena);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}

/* junit -------------------------------------------------------------- */

/* Check areas of each command, in the order the command runs them. */
static const struct {
	const char	*command;
	const char	*areas[7];
} cmd_areas[] = {
	{ "domain", { "spf", "dkim", "dmarc", "delivery", NULL } },
	{ "message", { "message", "dkim", "spf", "dmarc", "bounce",
	    "delivery", NULL } },
	{ "spf", { "spf", NULL } },
	{ "dns", { "dns", NULL } },
};

/* The area of a finding, from its id's prefix (design.md 3b). */
static const char *
finding_area(const struct aa_finding *f)
{
	static const struct {
		const char *prefix, *area;
	} map[] = {
		{ "spf-", "spf" }, { "dkim-", "dkim" }, { "dmarc-", "dmarc" },
		{ "msg-", "message" }, { "input-", "message" },
		{ "bounce-", "bounce" }, { "dns-", "dns" },
	};
	const char *id = finding_id(f);
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(id, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].area;
	return "delivery";	/* domain-, mx-, ptr-, fcrdns-, bulk- */
}

struct area {
	const char	*name;
	const struct aa_finding *first;		/* first error */
	size_t		 errors, temporary;	/* error findings */
};

/* The areas: the command's, then any other that has findings. */
static size_t
areas_of(const struct aa_report *rep, struct area *a, size_t max)
{
	size_t i, k, n = 0;
	const char *name;

	for (i = 0; i < sizeof(cmd_areas) / sizeof(cmd_areas[0]); i++)
		if (rep->command != NULL &&
		    strcmp(cmd_areas[i].command, rep->command) == 0)
			for (k = 0; cmd_areas[i].areas[k] != NULL; k++)
				a[n++].name = cmd_areas[i].areas[k];
	for (i = 0; i < rep->findings.n; i++) {
		name = finding_area(&rep->findings.v[i]);
		for (k = 0; k < n && strcmp(a[k].name, name) != 0; k++)
			continue;
		if (k == n && n < max)
			a[n++].name = name;
	}
	for (i = 0; i < rep->findings.n; i++) {
		const struct aa_finding *f = &rep->findings.v[i];

		if (f->severity != AA_SEV_ERROR)
			continue;
		name = finding_area(f);
		for (k = 0; k < n && strcmp(a[k].name, name) != 0; k++)
			continue;
		if (k == n)
			continue;
		if (finding_temporary(f))
			a[k].temporary++;
		else if (a[k].errors++ == 0)
			a[k].first = f;
	}
	/* dns: TIMEOUT, SERVFAIL or REFUSED exit 4 (design.md 2). */
	for (k = 0; k < n && rep->dns_temporary; k++)
		if (strcmp(a[k].name, "dns") == 0)
			a[k].temporary++;
	return n;
}

static const char *
xml(struct ci *ci, const char *s)
{
	return aa_render_safe(ci->arena, s, esc_xml);
}

/* "error spf-syntax example.com: message [RFC] (file:line)" */
static const char *
finding_line(struct ci *ci, const struct aa_finding *f)
{
	return fmt(ci, "%s %s %s%s", aa_severity_str(f->severity),
	    finding_id(f), finding_text(ci, f), f->origin.file != NULL ?
	    fmt(ci, " (%s:%u)", f->origin.file, f->origin.line) : "");
}

/* The findings of one area at sev or not, one per line, in XML. */
static const char *
area_lines(struct ci *ci, const struct aa_report *rep, const char *area,
    bool errors)
{
	const char *acc = "";
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		const struct aa_finding *f = &rep->findings.v[i];

		if ((f->severity == AA_SEV_ERROR) != errors ||
		    strcmp(finding_area(f), area) != 0)
			continue;
		acc = fmt(ci, "%s%s\n", acc, xml(ci, finding_line(ci, f)));
	}
	return acc;
}

/*
 * One test case: a <failure> when the area has a non-temporary error
 * (JUnit: the check failed), else an <error> when a temporary DNS
 * failure left it undetermined (JUnit: the test could not run).  One
 * element at most, as the Ant JUnit schema allows; it lists every error.
 */
static void
junit_case(struct ci *ci, const struct aa_report *rep, const struct area *a)
{
	const char *errs = area_lines(ci, rep, a->name, true);
	const char *rest = area_lines(ci, rep, a->name, false);

	fprintf(ci->fp, "    <testcase classname=\"authaudit.%s\" "
	    "name=\"%s\"", xml(ci, rep->command), xml(ci, a->name));
	if (a->errors == 0 && a->temporary == 0 && *rest == '\0') {
		fputs("/>\n", ci->fp);
		return;
	}
	fputs(">\n", ci->fp);
	if (a->errors > 0)
		fprintf(ci->fp, "      <failure type=\"%s\" message=\"%s\">"
		    "%s</failure>\n", xml(ci, finding_id(a->first)),
		    xml(ci, fmt(ci, "%s%s", finding_text(ci, a->first),
		    a->errors + a->temporary > 1 ? fmt(ci, " (and %zu more)",
		    a->errors + a->temporary - 1) : "")), errs);
	else if (a->temporary > 0)
		fprintf(ci->fp, "      <error type=\"temporary\" message=\"%s\">"
		    "%s</error>\n", xml(ci, "a temporary DNS failure left the "
		    "result undetermined"), errs);
	if (*rest != '\0')
		fprintf(ci->fp, "      <system-out>%s</system-out>\n", rest);
	fputs("    </testcase>\n", ci->fp);
}

/* The comparison with --baseline: failed by any regression. */
static void
junit_baseline(struct ci *ci, const struct aa_report *rep)
{
	const struct aa_baseline_out *b = rep->baseline;
	const char *lines = "";
	size_t i;

	fprintf(ci->fp, "    <testcase classname=\"authaudit.%s\" "
	    "name=\"baseline\"", xml(ci, rep->command));
	if (b->regressions.n == 0) {
		fputs("/>\n", ci->fp);
		return;
	}
	for (i = 0; i < b->regressions.n; i++)
		lines = fmt(ci, "%s%s\n", lines, xml(ci, change_text(ci,
		    &b->regressions.v[i])));
	fprintf(ci->fp, ">\n      <failure type=\"regression\" message=\"%s\">"
	    "%s</failure>\n    </testcase>\n", xml(ci, fmt(ci,
	    "%zu regression%s against %s", b->regressions.n,
	    b->regressions.n == 1 ? "" : "s", b->file != NULL ? b->file :
	    "the baseline")), lines);
}

/* The suite's name: the command and what it looked at. */
static const char *
suite_name(struct ci *ci, const struct aa_report *rep)
{
	const char *what = NULL;

	if (rep->dns != NULL)
		what = rep->dns->name;
	else if (rep->input != NULL)
		what = rep->input->domain != NULL ? rep->input->domain :
		    rep->input->from_domain;
	return fmt(ci, "authaudit %s%s%s", rep->command,
	    what != NULL ? " " : "", what != NULL ? what : "");
}

#define MAX_AREAS	16

int
aa_render_junit(FILE *fp, const struct aa_report *rep,
    const struct aa_render_opts *opts)
{
	struct ci ci = { fp, aa_arena_new() };
	struct area a[MAX_AREAS];
	size_t i, n, tests, failures = 0, errors = 0;

	(void)opts;
	memset(a, 0, sizeof(a));
	n = areas_of(rep, a, MAX_AREAS);
	for (i = 0; i < n; i++) {
		failures += a[i].errors > 0;
		errors += a[i].errors == 0 && a[i].temporary > 0;
	}
	tests = n + (rep->baseline != NULL);
	if (rep->baseline != NULL && rep->baseline->regressions.n > 0)
		failures++;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"authaudit\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\">\n  <testsuite name=\"%s\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n", tests,
	    failures, errors, xml(&ci, suite_name(&ci, rep)), tests, failures,
	    errors);
	for (i = 0; i < n; i++)
		junit_case(&ci, rep, &a[i]);
	if (rep->baseline != NULL)
		junit_baseline(&ci, rep);
	fputs("  </testsuite>\n</testsuites>\n", fp);
	aa_arena_free(ci.arena);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}
