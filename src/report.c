/* report.c: the report model: construction, findings, exit status. */
#include <stdarg.h>
#include <string.h>

#include "aa_dns.h"
#include "aa_report.h"
#include "aa_xmalloc.h"

struct aa_report *
aa_report_new(const char *command)
{
	struct aa_arena *a = aa_arena_new();
	struct aa_report *rep = aa_arena_alloc(a, sizeof(*rep));

	rep->arena = a;
	rep->version = AA_VERSION;
	rep->command = aa_arena_strdup(a, command);
	return rep;
}

void
aa_report_free(struct aa_report *rep)
{
	if (rep != NULL)
		aa_arena_free(rep->arena);
}

char *
aa_report_strdup(struct aa_report *rep, const char *s)
{
	return aa_arena_strdup(rep->arena, s);
}

char *
aa_report_printf(struct aa_report *rep, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = aa_arena_vprintf(rep->arena, fmt, ap);
	va_end(ap);
	return s;
}

struct aa_finding *
aa_report_add(struct aa_report *rep, enum aa_code code, const char *subject,
    const char *fmt, ...)
{
	const struct aa_finding_info *info = aa_finding_info(code);
	struct aa_finding *f;
	va_list ap;

	f = AA_VEC_PUSH(rep->arena, rep->findings);
	f->code = code;
	f->severity = info != NULL ? info->severity : AA_SEV_ERROR;
	f->subject = aa_arena_strdup(rep->arena, subject);
	va_start(ap, fmt);
	f->message = aa_arena_vprintf(rep->arena, fmt, ap);
	va_end(ap);
	return f;
}

void
aa_report_take_log(struct aa_report *rep, const struct aa_dns *dns)
{
	size_t i, n = aa_dns_log_count(dns);

	rep->dns_queries.n = 0;
	for (i = 0; i < n; i++) {
		const struct aa_qlog *q = aa_dns_log_get(dns, i);
		struct aa_query_out *o = AA_VEC_PUSH(rep->arena,
		    rep->dns_queries);

		o->name = aa_arena_strdup(rep->arena, q->name);
		o->type = aa_arena_strdup(rep->arena, aa_dns_type_str(q->type));
		o->rcode = aa_rcode_str(q->rcode);
		o->answers = (long long)q->answers;
		o->source = aa_dns_source_str(q->source);
		o->ms = q->ms;
		o->by = aa_arena_strdup(rep->arena, q->by);
	}
}

static bool
is_temporary(const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);

	return info != NULL && info->temporary;
}

int
aa_report_max_severity(const struct aa_report *rep, bool nontemp)
{
	int max = -1;
	size_t i;

	for (i = 0; i < rep->findings.n; i++) {
		const struct aa_finding *f = &rep->findings.v[i];

		if (nontemp && is_temporary(f))
			continue;
		if ((int)f->severity > max)
			max = (int)f->severity;
	}
	return max;
}

bool
aa_report_has_temporary(const struct aa_report *rep)
{
	size_t i;

	if (rep->dns_temporary)
		return true;
	for (i = 0; i < rep->findings.n; i++)
		if (is_temporary(&rep->findings.v[i]))
			return true;
	return false;
}

int
aa_report_exit_status(const struct aa_report *rep, enum aa_fail_on fail_on,
    bool regressions)
{
	int max = aa_report_max_severity(rep, true);

	switch (fail_on) {
	case AA_FAIL_ON_ERROR:
		if (max >= (int)AA_SEV_ERROR)
			return 1;
		break;
	case AA_FAIL_ON_WARNING:
		if (max >= (int)AA_SEV_WARNING)
			return 1;
		break;
	case AA_FAIL_ON_REGRESSION:
		if (regressions)
			return 1;
		break;
	case AA_FAIL_ON_NEVER:
		break;
	}
	return aa_report_has_temporary(rep) ? 4 : 0;
}
