/*
 * dmarc_bis.c: fetching _dmarc records, and the DNS tree walk of RFC 9989
 * 4.10 (policy discovery and the organizational domain), which replaces
 * the Public Suffix List of RFC 7489 3.2.
 */
#include <stdlib.h>
#include <string.h>

#include "aa_xmalloc.h"
#include "dmarc_int.h"

#define WALK_LABELS	7	/* 4.10 step 5: longer names are cut to 7 */

void
dm_fetch(struct aa_dns *dns, const char *domain, struct dm_lookup *out)
{
	const struct aa_answer *ans;
	struct aa_dmarc_record *rec;
	enum aa_status st;
	char *name;
	size_t i, n = 0;

	memset(out, 0, sizeof(*out));
	name = aa_xasprintf("_dmarc.%s", domain);
	st = aa_dns_query(dns, name, AA_TYPE_TXT, &ans);
	free(name);
	if (st != AA_OK)
		return;		/* too long a name: no record can exist */
	out->rcode = ans->rcode;
	if (aa_rcode_temporary(ans->rcode)) {
		out->found = DM_TEMP;
		return;
	}
	rec = aa_xmalloc(sizeof(*rec));
	/* RFC 7489 6.6.3 step 2: keep only records starting v=DMARC1. */
	for (i = 0; i < ans->nrr; i++) {
		if (ans->rr[i].type != AA_TYPE_TXT)
			continue;
		if (aa_dmarc_parse((const char *)ans->rr[i].joined.data,
		    ans->rr[i].joined.len, rec) == AA_ENOTFOUND)
			continue;
		if (n++ == 0) {
			out->rr = &ans->rr[i];
			out->rec = *rec;
		}
	}
	free(rec);
	out->nrecords = n;
	out->found = n == 0 ? DM_NONE : n == 1 ? DM_ONE : DM_MANY;
	if (n != 1)
		out->rr = NULL;
}

size_t
dm_labels(const char *name)
{
	size_t n = 1;

	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (*name == '.')
			n++;
	return n;
}

const char *
dm_strip(const char *name, size_t n)
{
	const char *dot;

	while (n-- > 0) {
		if ((dot = strchr(name, '.')) == NULL)
			return name + strlen(name);
		name = dot + 1;
	}
	return name;
}

/* 4.10 step 5: the first target after the author domain. */
static const char *
first_target(const char *name)
{
	size_t n = dm_labels(name);

	return n > WALK_LABELS ? dm_strip(name, n - WALK_LABELS) :
	    dm_strip(name, 1);
}

/*
 * RFC 9989 4.10: query the author domain; if no DMARC record is there,
 * shorten the name to at most 7 labels and walk up one label at a time,
 * stopping at the first record (or set of records) found.  At most 8
 * queries: the author domain plus 7 names.
 */
void
dm_walk_policy(struct aa_dns *dns, const char *author, struct dm_walk *w)
{
	const char *target = author;

	memset(w, 0, sizeof(*w));
	for (;;) {
		dm_fetch(dns, target, &w->lookup);
		w->queries++;
		if (w->lookup.found != DM_NONE) {
			w->found = w->lookup.found;
			w->domain = aa_xstrdup(target);
			return;
		}
		if (dm_labels(target) <= 1 || w->queries == AA_DMARC_WALK_MAX)
			return;
		target = target == author ? first_target(author) :
		    dm_strip(target, 1);
		if (*target == '\0')
			return;
	}
}

void
dm_walk_free(struct dm_walk *w)
{
	free(w->domain);
	w->domain = NULL;
}

/*
 * RFC 9989 4.10.2: walk from name (not stopping at records).  The first
 * record with psd=n names the organizational domain; the first other
 * than name's own with psd=y puts it one label below that PSD; else it
 * is the record with the fewest labels; with no record, name itself.
 */
char *
dm_walk_org(struct aa_dns *dns, const char *name, bool *temp)
{
	struct dm_lookup *lk;
	const char *target = name, *best = NULL;
	size_t q = 0, n = dm_labels(name), tl;
	char *org = NULL;

	*temp = false;
	lk = aa_xmalloc(sizeof(*lk));
	while (*target != '\0' && q < AA_DMARC_WALK_MAX) {
		dm_fetch(dns, target, lk);
		q++;
		if (lk->found == DM_TEMP) {
			*temp = true;
			break;
		}
		if (lk->found == DM_ONE) {
			tl = dm_labels(target);
			if (lk->rec.psd == 'n') {
				org = aa_xstrdup(target);
				break;
			}
			if (lk->rec.psd == 'y' && target != name) {
				org = aa_xstrdup(dm_strip(name, n - tl - 1));
				break;
			}
			best = target;
		}
		if (dm_labels(target) <= 1)
			break;
		target = target == name ? first_target(name) :
		    dm_strip(target, 1);
	}
	free(lk);
	if (*temp) {
		free(org);
		return NULL;
	}
	if (org == NULL)
		org = aa_xstrdup(best != NULL ? best : name);
	return org;
}
