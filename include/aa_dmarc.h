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

#include "aa_finding.h"
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

/*
 * The record parser (RFC 7489 6.3, with the tags of RFC 9989).  It
 * allocates nothing and reads exactly len octets (a TXT record may hold
 * NUL), so it can run on hostile input as it comes: lint findings are
 * kept in fixed arrays inside the result, values as spans of the input.
 */
enum aa_dmarc_pol {
	AA_DMARC_POL_UNSET = 0,		/* tag absent */
	AA_DMARC_POL_NONE,
	AA_DMARC_POL_QUARANTINE,
	AA_DMARC_POL_REJECT,
	AA_DMARC_POL_INVALID		/* present, not a policy */
};

#define AA_DMARC_MAX_URIS	16	/* rua and ruf URIs kept */
#define AA_DMARC_MAX_ISSUES	32	/* lint findings kept */
#define AA_DMARC_TAG_LEN	16	/* tag names kept (truncated) */

/* Octets [off, off + len) of the record text. */
struct aa_dmarc_span {
	size_t		 off, len;
};

struct aa_dmarc_issue {
	enum aa_code	 code;		/* AA_F_DMARC_SYNTAX, _TAG_UNKNOWN... */
	bool		 fatal;		/* this makes the record unusable */
	char		 tag[AA_DMARC_TAG_LEN + 1];
	const char	*what;		/* static text, says the rule */
	struct aa_dmarc_span value;	/* the offending value (may be empty) */
};

struct aa_dmarc_uri {
	bool		 ruf;		/* else rua */
	bool		 valid;
	struct aa_dmarc_span uri;	/* without the !size suffix */
	struct aa_dmarc_span domain;	/* mailto: the address's domain */
};

struct aa_dmarc_record {
	/* v=DMARC1 comes first: a DMARC record at all (RFC 7489 6.6.3). */
	bool		 is_dmarc;
	/* A valid p, or a valid rua (then p_from_rua: act as p=none). */
	bool		 usable;
	bool		 p_from_rua;
	enum aa_dmarc_pol p, sp, np;
	struct aa_dmarc_span p_text, sp_text, np_text;
	char		 adkim, aspf;	/* 0 absent or invalid, 'r', 's' */
	int		 pct;		/* -1 absent or invalid, else 0..100 */
	char		 t;		/* 0, 'y', 'n' (RFC 9989 test mode) */
	char		 psd;		/* 0, 'y', 'n', 'u' (RFC 9989) */
	bool		 has_pct;	/* pct= present (valid or not) */
	size_t		 nvalid_rua;
	struct aa_dmarc_uri uris[AA_DMARC_MAX_URIS];
	size_t		 nuris, uris_dropped;
	struct aa_dmarc_issue issues[AA_DMARC_MAX_ISSUES];
	size_t		 nissues, issues_dropped;
};

/*
 * Parse rec[0..len).  AA_ENOTFOUND: not a DMARC record (it does not
 * start with v=DMARC1); AA_EPARSE: a DMARC record that is unusable (no
 * valid p or sp and no valid rua: RFC 7489 6.6.3 step 6); AA_OK: usable.
 * *out is filled in every case.
 */
enum aa_status	 aa_dmarc_parse(const char *rec, size_t len,
		    struct aa_dmarc_record *out);
/* "none", "quarantine", "reject", or NULL. */
const char	*aa_dmarc_pol_str(enum aa_dmarc_pol);
/*
 * RFC 7489 6.6.4: the disposition of failing mail under policy pol and
 * pct (-1: absent, so 100), and in *sampled the next lower one that the
 * mail outside pct gets (NULL when pct is absent, 0 or 100).
 */
void		 aa_dmarc_fail_disposition(enum aa_dmarc_pol pol, int pct,
		    const char **disp, const char **sampled);

/*
 * Identifier alignment (RFC 7489 3.1): identical names align in either
 * mode; relaxed also when both have the same organizational domain by
 * the PSL.  A public suffix has no organizational domain, so d=co.uk
 * never aligns with example.co.uk.  Names are A-labels, any case.
 */
bool		 aa_dmarc_aligned(const struct aa_psl *, const char *id,
		    const char *author, bool strict);

enum aa_status	 aa_dmarc_check(struct aa_dns *, struct aa_report *,
		    const struct aa_psl *, const struct aa_dmarc_params *);

#endif /* AA_DMARC_H */
