/*
 * aa_psl.h: the Public Suffix List (libpsl adapter): organizational
 * domains with ICANN and PRIVATE rules.  Owner: the DMARC issue.
 */
#ifndef AA_PSL_H
#define AA_PSL_H

#include <stddef.h>

#include "aa_status.h"

struct aa_psl;

/* path NULL: Debian's list.  On failure err says why. */
enum aa_status	 aa_psl_open(const char *path, struct aa_psl **,
		    char *err, size_t errlen);
void		 aa_psl_free(struct aa_psl *);
/* "YYYY-MM-DD" of the list, or NULL when unknown. */
const char	*aa_psl_date(const struct aa_psl *);
/*
 * The organizational domain of name (RFC 7489 3.2), newly allocated, or
 * NULL when name is itself a public suffix.
 */
char		*aa_psl_org_domain(const struct aa_psl *, const char *name);

#endif /* AA_PSL_H */
