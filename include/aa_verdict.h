/*
 * aa_verdict.h: receiver models (data tables plus small rules, each
 * citing its source) and the verdict: which check makes which receiver
 * reply 550 5.7.x, one root cause, ordered fixes.  Also the domain
 * checks the verdict needs (existence, MX / null MX, PTR and FCrDNS).
 * Fills rep->verdict.  Owner: the verdict issue.
 */
#ifndef AA_VERDICT_H
#define AA_VERDICT_H

#include <stdbool.h>

#include "aa_status.h"

struct aa_dns;
struct aa_msg;
struct aa_report;

struct aa_verdict_params {
	const char	*receiver;	/* --receiver: a name or "all" */
	bool		 bulk;		/* --bulk */
	const struct aa_msg *msg;	/* the checked message, or NULL */
	/* `domain`: what the verdict assumes (verdict.assumes), or NULL. */
	const char	*assumes;
	/*
	 * `domain -s` with a key that lints clean: the verdict assumes an
	 * aligned DKIM pass with d= this domain (design.md 1).  NULL: no
	 * DKIM signature (for `domain`), or the message's signatures.
	 */
	const char	*assume_dkim_domain;
};

/* Domain existence and MX / null MX (domain-nonexistent, mx-null). */
enum aa_status	 aa_domain_check(struct aa_dns *, struct aa_report *,
		    const char *domain);
/* PTR and forward-confirmed reverse DNS of rep->input->ip. */
enum aa_status	 aa_rdns_check(struct aa_dns *, struct aa_report *);
/*
 * Build rep->verdict from the other sections and the findings (design.md
 * 3a "Verdict").  Adjusts findings so that every likely reject or defer
 * comes from an error finding (design.md 3a "Severity"), and adds
 * bulk-unsubscribe-missing with --bulk and a message.  For `domain`
 * without an IP there is no verdict (design.md 1): rep->verdict stays NULL.
 */
enum aa_status	 aa_verdict_build(struct aa_report *,
		    const struct aa_verdict_params *);

#endif /* AA_VERDICT_H */
