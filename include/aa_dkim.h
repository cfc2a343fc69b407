/*
 * aa_dkim.h: DKIM verification of every signature with libopendkim,
 * keys fetched through the DNS layer; key lint for `domain -s`.  Fills
 * rep->dkim and adds dkim-* findings.  Owner: the DKIM issue.
 *
 * Alignment needs the author domain's DMARC record (adkim) and the
 * organizational domain, so the DMARC check sets each signature's
 * `aligned`; aa_dkim_settle() then applies design.md 3a "Severity".
 */
#ifndef AA_DKIM_H
#define AA_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

struct aa_dns;
struct aa_msg;
struct aa_report;

#define AA_DKIM_MAX_SIGS	20

struct aa_dkim_params {
	int64_t		 now;		/* the clock for t= and x= */
	size_t		 max_sigs;	/* 0: AA_DKIM_MAX_SIGS */
	/* Headers only (a text/rfc822-headers DSN part): neutral results. */
	bool		 headers_only;
};

/* Verify every DKIM-Signature of msg (the exact bytes as received). */
enum aa_status	 aa_dkim_verify(struct aa_dns *, struct aa_report *,
		    const struct aa_msg *, const struct aa_dkim_params *);
/*
 * domain -s SELECTOR: fetch and lint SELECTOR._domainkey.DOMAIN.  guessed:
 * the selector comes from the guess list (a missing key is info only).
 * Returns true when the key lints clean (the verdict may then assume an
 * aligned DKIM pass, design.md 1).
 */
bool		 aa_dkim_lint_key(struct aa_dns *, struct aa_report *,
		    const char *domain, const char *selector, bool guessed);
/*
 * After the signatures' `aligned` is set: lower failing signatures'
 * findings to warnings when an aligned signature passes, or under t=y.
 */
void		 aa_dkim_settle(struct aa_report *);

#endif /* AA_DKIM_H */
