/*
 * aa_dmarc.h: our own DMARC discovery, record lint, alignment and policy
 * (RFC 7489 as deployed, and RFC 9989 beside it), with libopendmarc as a
 * second opinion.  Fills rep->dmarc, sets rep->dkim->signatures[].aligned
 * and rep->psl_date, adds dmarc-* findings.  Owner: the DMARC issue.
 */
#ifndef AA_DMARC_H
#define AA_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "aa_status.h"

struct aa_dns;
struct aa_psl;
struct aa_report;

struct aa_dmarc_params {
	/*
	 * Author domains: NULL means rep->input->from_domains.  Evaluated
	 * each; the strictest outcome is reported (design.md 3a).
	 */
	const char	*const *from_domains;
	size_t		 nfrom;
	/*
	 * SPF and DKIM results are read from rep->spf (its domain is the
	 * MAIL FROM domain, or HELO on a null path) and rep->dkim.
	 * evaluate: false for `domain` without --ip (record and policy
	 * only: result and disposition null).
	 */
	bool		 evaluate;
	/*
	 * `domain -s` with a key that lints clean: assume an aligned DKIM
	 * pass for this domain (design.md 1).  NULL: none.
	 */
	const char	*assume_dkim_domain;
	bool		 second_opinion; /* run libopendmarc beside ours */
};

enum aa_status	 aa_dmarc_check(struct aa_dns *, struct aa_report *,
		    const struct aa_psl *, const struct aa_dmarc_params *);

#endif /* AA_DMARC_H */
