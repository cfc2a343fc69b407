/* helpers.c: shared helpers of the Criterion unit tests (helpers.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"

struct aa_dns *
th_dns_new(const struct aa_dns_config *cfg)
{
	struct aa_dns_config def = { 0 };
	struct aa_dns *d = NULL;
	char err[256] = "";
	enum aa_status st;

	st = aa_dns_new(cfg != NULL ? cfg : &def, &d, err, sizeof(err));
	cr_assert_eq(st, AA_OK, "aa_dns_new: %d (%s)", st, err);
	cr_assert_not_null(d);
	return d;
}

void
th_dns_load(struct aa_dns *d, const char *name, const char *zone_text)
{
	char err[512] = "";
	enum aa_status st;

	st = aa_dns_load_zone_text(d, name, zone_text, strlen(zone_text),
	    err, sizeof(err));
	cr_assert_eq(st, AA_OK, "loading %s: %d (%s)", name, st, err);
}

struct aa_dns *
th_dns_from_zone(const char *zone_text, bool offline)
{
	struct aa_dns_config cfg = { 0 };
	struct aa_dns *d;

	cfg.offline = offline;
	d = th_dns_new(&cfg);
	th_dns_load(d, "test.zone", zone_text);
	return d;
}

const struct aa_answer *
th_query(struct aa_dns *d, const char *name, uint16_t type)
{
	const struct aa_answer *ans = NULL;
	enum aa_status st;

	st = aa_dns_query(d, name, type, &ans);
	cr_assert_eq(st, AA_OK, "aa_dns_query %s %s: %d", name,
	    aa_dns_type_str(type), st);
	cr_assert_not_null(ans, "aa_dns_query %s: no answer", name);
	return ans;
}

const struct aa_qlog *
th_log_find(const struct aa_dns *d, const char *name, uint16_t type)
{
	const struct aa_qlog *q;
	size_t i;

	for (i = 0; i < aa_dns_log_count(d); i++) {
		q = aa_dns_log_get(d, i);
		if (q->type == type && strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

size_t
th_log_count(const struct aa_dns *d, const char *name, uint16_t type)
{
	const struct aa_qlog *q;
	size_t i, n = 0;

	for (i = 0; i < aa_dns_log_count(d); i++) {
		q = aa_dns_log_get(d, i);
		if (q->type == type && strcmp(q->name, name) == 0)
			n++;
	}
	return n;
}

const struct aa_rr *
th_rr_find(const struct aa_answer *ans, const char *data)
{
	size_t i;

	for (i = 0; i < ans->nrr; i++)
		if (ans->rr[i].data != NULL &&
		    strcmp(ans->rr[i].data, data) == 0)
			return &ans->rr[i];
	return NULL;
}

const char *
th_warning_find(const struct aa_dns *d, const char *needle)
{
	const char *w;
	size_t i;

	for (i = 0; i < aa_dns_warning_count(d); i++) {
		w = aa_dns_warning(d, i);
		if (w != NULL && strstr(w, needle) != NULL)
			return w;
	}
	return NULL;
}
