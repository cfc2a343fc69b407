/*
 * aa_spf.h: our own RFC 7208 evaluator (check_host(), the lookup-budget
 * tree) over the DNS layer, and libspf2 as an isolated second opinion.
 * Fills rep->spf and adds spf-* findings.  Owner: the SPF issue.
 */
#ifndef AA_SPF_H
#define AA_SPF_H

#include <stdbool.h>

#include "aa_status.h"

struct aa_dns;
struct aa_report;

struct aa_spf_params {
	/*
	 * The domain to evaluate.  NULL: the domain of mail_from, else
	 * helo (RFC 7208 2.4).
	 */
	const char	*domain;
	const char	*ip;		/* NULL: worst-case tree, no result */
	const char	*helo;		/* NULL: unknown; with ip, 2.3 check */
	const char	*mail_from;	/* NULL: not given; "": null path */
	const char	*default_exp;	/* --spf-default-exp; NULL: none */
	bool		 second_opinion; /* run libspf2 beside ours */
};

/*
 * Evaluate SPF as params say and fill rep->spf (never NULL afterwards).
 * Returns AA_OK; DNS failures are results (temperror), not errors.
 */
enum aa_status	 aa_spf_check(struct aa_dns *, struct aa_report *,
		    const struct aa_spf_params *);

#endif /* AA_SPF_H */
