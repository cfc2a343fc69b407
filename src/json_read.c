/*
 * json_read.c: read a saved authaudit/1 JSON report back into the report
 * model, for --baseline.  The jansson adapter for reading (render_json.c
 * is the one for writing); only these two files include jansson.  Only
 * what a comparison needs is read (design.md 3a "Regression"): input,
 * the SPF and DMARC records, results and counts, the verdict's outcome,
 * the findings and the query log.  A value of the wrong type makes the
 * file "not an authaudit/1 report" (design.md 2: exit 3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aa_baseline.h"
#include "aa_xmalloc.h"

struct reader {
	struct aa_report *rep;
	char		*err;
	size_t		 errlen;
	bool		 bad;
};

static void
bad(struct reader *r, const char *path, const char *what)
{
	if (r->bad)
		return;
	r->bad = true;
	snprintf(r->err, r->errlen, "not an %s report: %s: %s", AA_SCHEMA,
	    path, what);
}

/* A member that must be an object or null (absent counts as null). */
static json_t *
object(struct reader *r, json_t *parent, const char *key, const char *path)
{
	json_t *j = json_object_get(parent, key);

	if (j == NULL || json_is_null(j))
		return NULL;
	if (!json_is_object(j)) {
		bad(r, path, "not an object or null");
		return NULL;
	}
	return j;
}

static const char *
string(struct reader *r, json_t *parent, const char *key, const char *path)
{
	json_t *j = parent != NULL ? json_object_get(parent, key) : NULL;

	if (j == NULL || json_is_null(j))
		return NULL;
	if (!json_is_string(j)) {
		bad(r, path, "not a string or null");
		return NULL;
	}
	/* A NUL inside would cut the copy: refuse it rather. */
	if (strlen(json_string_value(j)) != json_string_length(j)) {
		bad(r, path, "a string with a NUL character");
		return NULL;
	}
	return aa_report_strdup(r->rep, json_string_value(j));
}

static struct aa_int
integer(struct reader *r, json_t *parent, const char *key, const char *path)
{
	json_t *j = parent != NULL ? json_object_get(parent, key) : NULL;

	if (j == NULL || json_is_null(j))
		return (struct aa_int){ false, 0 };
	if (!json_is_integer(j)) {
		bad(r, path, "not an integer or null");
		return (struct aa_int){ false, 0 };
	}
	return AA_INT(json_integer_value(j));
}

static json_t *
array(struct reader *r, json_t *parent, const char *key, const char *path)
{
	json_t *j = json_object_get(parent, key);

	if (j == NULL || json_is_null(j))
		return NULL;
	if (!json_is_array(j)) {
		bad(r, path, "not an array");
		return NULL;
	}
	return j;
}

static void
read_input(struct reader *r, json_t *root)
{
	json_t *j = object(r, root, "input", "input");
	struct aa_input *in;

	if (j == NULL)
		return;
	in = aa_arena_alloc(r->rep->arena, sizeof(*in));
	in->domain = string(r, j, "domain", "input.domain");
	in->from_domain = string(r, j, "from_domain", "input.from_domain");
	r->rep->input = in;
}

static void
read_spf(struct reader *r, json_t *root)
{
	json_t *j = object(r, root, "spf", "spf"), *l;
	struct aa_spf_report *s;

	if (j == NULL)
		return;
	s = aa_arena_alloc(r->rep->arena, sizeof(*s));
	s->domain = string(r, j, "domain", "spf.domain");
	s->record = string(r, j, "record", "spf.record");
	s->result = string(r, j, "result", "spf.result");
	s->helo_result = string(r, j, "helo_result", "spf.helo_result");
	if ((l = object(r, j, "lookups", "spf.lookups")) != NULL) {
		s->lookups.count = integer(r, l, "count", "spf.lookups.count");
		s->lookups.void_ = integer(r, l, "void", "spf.lookups.void");
		s->lookups.conservative = integer(r, l, "conservative",
		    "spf.lookups.conservative");
		s->lookups.mode = string(r, l, "mode", "spf.lookups.mode");
	}
	r->rep->spf = s;
}

static void
read_dmarc(struct reader *r, json_t *root)
{
	json_t *j = object(r, root, "dmarc", "dmarc");
	struct aa_dmarc_report *d;

	if (j == NULL)
		return;
	d = aa_arena_alloc(r->rep->arena, sizeof(*d));
	d->from_domain = string(r, j, "from_domain", "dmarc.from_domain");
	d->record_domain = string(r, j, "record_domain",
	    "dmarc.record_domain");
	d->record = string(r, j, "record", "dmarc.record");
	d->result = string(r, j, "result", "dmarc.result");
	d->disposition = string(r, j, "disposition", "dmarc.disposition");
	r->rep->dmarc = d;
}

static void
read_verdict(struct reader *r, json_t *root)
{
	json_t *j = object(r, root, "verdict", "verdict");
	struct aa_verdict *v;

	if (j == NULL)
		return;
	v = aa_arena_alloc(r->rep->arena, sizeof(*v));
	v->outcome = string(r, j, "outcome", "verdict.outcome");
	v->cause = string(r, j, "cause", "verdict.cause");
	r->rep->verdict = v;
}

/*
 * One finding.  An id this version does not know (a newer baseline) is
 * skipped: it cannot be compared with anything this version reports.
 */
static void
read_finding(struct reader *r, json_t *j, size_t i)
{
	const struct aa_finding_info *info;
	struct aa_finding *f;
	enum aa_severity sev;
	const char *id, *s;
	char path[64];
	json_t *o;

	snprintf(path, sizeof(path), "findings[%zu]", i);
	if (!json_is_object(j)) {
		bad(r, path, "not an object");
		return;
	}
	id = string(r, j, "id", path);
	s = string(r, j, "severity", path);
	if (r->bad)
		return;
	if (s == NULL || aa_severity_from_str(s, &sev) != 0) {
		bad(r, path, "severity is not error, warning or info");
		return;
	}
	if (id == NULL || (info = aa_finding_by_id(id)) == NULL)
		return;
	f = AA_VEC_PUSH(r->rep->arena, r->rep->findings);
	f->code = info->code;
	f->severity = sev;
	f->subject = string(r, j, "subject", path);
	f->message = string(r, j, "message", path);
	if ((o = object(r, j, "origin", path)) != NULL) {
		f->origin.file = string(r, o, "file", path);
		f->origin.line = (unsigned)integer(r, o, "line", path).v;
	}
}

static void
read_query(struct reader *r, json_t *j, size_t i)
{
	struct aa_query_out *q;
	char path[64];

	snprintf(path, sizeof(path), "dns_queries[%zu]", i);
	if (!json_is_object(j)) {
		bad(r, path, "not an object");
		return;
	}
	q = AA_VEC_PUSH(r->rep->arena, r->rep->dns_queries);
	q->name = string(r, j, "name", path);
	q->type = string(r, j, "type", path);
	q->rcode = string(r, j, "rcode", path);
	q->answers = integer(r, j, "answers", path).v;
	q->source = string(r, j, "source", path);
	q->by = string(r, j, "by", path);
}

/*
 * The comparison looks each finding up among the others (design.md 5:
 * every input has a cap); a real report has a few dozen.
 */
static json_t *
capped(struct reader *r, json_t *root, const char *key)
{
	json_t *a = array(r, root, key, key);

	if (a != NULL && json_array_size(a) > AA_BASELINE_MAX_ITEMS) {
		bad(r, key, "over the cap of entries");
		return NULL;
	}
	return a;
}

static void
read_lists(struct reader *r, json_t *root)
{
	json_t *a, *j;
	size_t i;

	if ((a = capped(r, root, "findings")) != NULL)
		json_array_foreach(a, i, j)
			read_finding(r, j, i);
	if ((a = capped(r, root, "dns_queries")) != NULL)
		json_array_foreach(a, i, j)
			read_query(r, j, i);
}

enum aa_status
aa_report_from_json(const char *text, size_t len, struct aa_report **out,
    char *err, size_t errlen)
{
	struct reader r = { NULL, err, errlen, false };
	json_error_t je;
	json_t *root, *schema, *cmd;

	json_set_alloc_funcs(aa_xmalloc, free);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		snprintf(err, errlen, "not JSON: line %d: %s", je.line,
		    je.text);
		return AA_EPARSE;
	}
	schema = json_is_object(root) ? json_object_get(root, "schema") : NULL;
	if (schema == NULL || !json_is_string(schema) ||
	    strcmp(json_string_value(schema), AA_SCHEMA) != 0) {
		snprintf(err, errlen, "schema %s, not %s: another kind of "
		    "report", schema != NULL && json_is_string(schema) ?
		    json_string_value(schema) : "missing", AA_SCHEMA);
		json_decref(root);
		return AA_EPARSE;
	}
	cmd = json_object_get(root, "command");
	if (cmd == NULL || !json_is_string(cmd)) {
		snprintf(err, errlen, "not an %s report: no command",
		    AA_SCHEMA);
		json_decref(root);
		return AA_EPARSE;
	}
	r.rep = aa_report_new(json_string_value(cmd));
	read_input(&r, root);
	read_spf(&r, root);
	read_dmarc(&r, root);
	read_verdict(&r, root);
	read_lists(&r, root);
	json_decref(root);
	if (r.bad) {
		aa_report_free(r.rep);
		return AA_EPARSE;
	}
	*out = r.rep;
	return AA_OK;
}
