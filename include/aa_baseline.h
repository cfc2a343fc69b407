/*
 * aa_baseline.h: --baseline.  A saved JSON report (authaudit/1, as
 * --save-baseline writes it) is read back into the report model, and the
 * new report is compared with it as design.md 3a "Regression" says: a
 * finding (id, subject) that is new or rose in severity; a published SPF
 * or DMARC record, or a DKIM key, that is gone; a lookup count that rose;
 * an SPF result, DMARC disposition or outcome that got worse.  Times and
 * the tool's version are not compared.  Owner: the CI issue.
 */
#ifndef AA_BASELINE_H
#define AA_BASELINE_H

#include <stddef.h>

#include "aa_report.h"
#include "aa_status.h"

/* The largest baseline file read, and the most findings or queries in it. */
#define AA_BASELINE_MAX		(64 * 1024 * 1024)
#define AA_BASELINE_MAX_ITEMS	10000

/*
 * Read the report saved in path.  On AA_OK *out is new (aa_report_free).
 * Else err says why: AA_EIO (cannot read), AA_ELIMIT (over
 * AA_BASELINE_MAX), AA_EPARSE (not JSON, not an authaudit/1 report, or
 * over AA_BASELINE_MAX_ITEMS findings or queries).
 */
enum aa_status	 aa_baseline_read(const char *path, struct aa_report **out,
		    char *err, size_t errlen);
/* The same from memory (json_read.c, the jansson adapter). */
enum aa_status	 aa_report_from_json(const char *text, size_t len,
		    struct aa_report **out, char *err, size_t errlen);

/*
 * Compare rep with base and set rep->baseline (file names the baseline).
 * Returns the number of regressions.  Temporary failures (spf-temperror,
 * an undetermined result or a key lookup that timed out) are neither
 * regressions nor improvements: exit status 4 reports them.
 */
size_t		 aa_baseline_compare(struct aa_report *rep,
		    const struct aa_report *base, const char *file);

/*
 * The DKIM selectors whose key base found published under domain (from
 * its query log), appended to out in base's arena; the domain command
 * checks them too, so that a key that is gone is seen even when its
 * selector is no longer given.
 */
void		 aa_baseline_selectors(struct aa_report *base,
		    const char *domain, struct aa_strvec *out);

#endif /* AA_BASELINE_H */
