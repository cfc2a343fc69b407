/*
 * dmarc_int.h: what the DMARC files share (not an API).  dmarc_eval.c
 * runs RFC 7489 and drives the rest; dmarc_bis.c is the RFC 9989 DNS
 * tree walk; dmarc_opendmarc.c is the libopendmarc second opinion.
 */
#ifndef AA_DMARC_INT_H
#define AA_DMARC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "aa_dmarc.h"
#include "aa_dns.h"

/* RFC 9989 4.10: the tree walk makes at most 8 queries. */
#define AA_DMARC_WALK_MAX	8

/* What a query of _dmarc.<domain> found. */
enum dm_found {
	DM_NONE = 0,	/* no DMARC record: NXDOMAIN, NODATA, other TXT */
	DM_ONE,			/* exactly one record starting with v=DMARC1 */
	DM_MANY,		/* several: none applies (RFC 7489 6.6.3) */
	DM_TEMP			/* a temporary failure: nothing is known */
};

struct dm_lookup {
	enum dm_found	 found;
	const struct aa_rr *rr;		/* DM_ONE: the record */
	struct aa_dmarc_record rec;	/* DM_ONE: parsed */
	enum aa_rcode	 rcode;
	size_t		 nrecords;	/* DMARC records at the name */
};

/* Query TXT _dmarc.<domain> and classify the answer. */
void		 dm_fetch(struct aa_dns *, const char *domain,
		    struct dm_lookup *);

/* RFC 9989 policy discovery by the tree walk. */
struct dm_walk {
	enum dm_found	 found;		/* of the record used */
	char		*domain;	/* where it was found; NULL: none */
	struct dm_lookup lookup;	/* its lookup */
	size_t		 queries;
};

void		 dm_walk_policy(struct aa_dns *, const char *author,
		    struct dm_walk *);
void		 dm_walk_free(struct dm_walk *);
/*
 * The RFC 9989 organizational domain of name by the tree walk, newly
 * allocated; NULL with *temp set when a temporary failure left it
 * undetermined.
 */
char		*dm_walk_org(struct aa_dns *, const char *name, bool *temp);

/* Labels of a name (dots + 1); 0 for "". */
size_t		 dm_labels(const char *);
/* The name without its leftmost n labels (a pointer into name). */
const char	*dm_strip(const char *, size_t n);

/* The libopendmarc second opinion: inputs and what it said. */
enum od_outcome {
	OD_NONE = 0, OD_PASS, OD_FAIL, OD_TEMP
};

struct od_sig {
	const char	*domain, *selector;
	enum od_outcome	 outcome;
};

struct od_input {
	const char	*psl_path;	/* its own PSL copy is read from here */
	const char	*ip;		/* NULL: 0.0.0.0 */
	const char	*from;
	const char	*record;	/* NUL-terminated; NULL: none found */
	const char	*org_domain;	/* record found at the org domain */
	const char	*spf_domain;	/* NULL: no SPF result */
	enum od_outcome	 spf_outcome;
	bool		 spf_helo;
	const struct od_sig *sigs;
	size_t		 nsigs;
};

struct od_output {
	bool		 ran;		/* false: the library failed to start */
	int		 status;	/* store_dmarc's status */
	const char	*status_str;	/* its text (static, the library's) */
	char		 policy;	/* 'A'bsent 'P'ass 'R' 'Q' 'N' 'E'rr */
	bool		 dkim_aligned, spf_aligned;
	int		 pct;		/* -1: absent */
	int		 p, sp;		/* 'n', 'q', 'r' or 0 */
};

void		 dm_opendmarc_run(const struct od_input *, struct od_output *);

#endif /* AA_DMARC_INT_H */
