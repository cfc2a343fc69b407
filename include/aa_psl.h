/*
 * aa_psl.h: the Public Suffix List (libpsl adapter): organizational
 * domains with ICANN and PRIVATE rules.  Owner: the DMARC issue.
 */
#ifndef AA_PSL_H
#define AA_PSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

/* Debian's list (package publicsuffix). */
#define AA_PSL_DEFAULT	"/usr/share/publicsuffix/public_suffix_list.dat"
/* A list read from a file larger than this is refused. */
#define AA_PSL_MAX_SIZE	(16 * 1024 * 1024)

struct aa_psl;

/*
 * path NULL: Debian's list.  AA_EIO when the file cannot be read,
 * AA_EPARSE when it holds no rule; err then says why.
 */
enum aa_status	 aa_psl_open(const char *path, struct aa_psl **,
		    char *err, size_t errlen);
void		 aa_psl_free(struct aa_psl *);
/*
 * "YYYY-MM-DD" of the list: its "// VERSION:" line when it has one (the
 * lists published since 2023 do), else the file's modification time.
 * NULL when unknown.
 */
const char	*aa_psl_date(const struct aa_psl *);
/* The file the list was read from. */
const char	*aa_psl_path(const struct aa_psl *);
/* True when the list's date is more than a year before now. */
bool		 aa_psl_stale(const struct aa_psl *, int64_t now);
/*
 * The organizational domain of name (RFC 7489 3.2: the public suffix
 * plus one label), newly allocated, lower case, or NULL when name is
 * itself a public suffix or not a domain name.  name is in A-label form;
 * upper case and one trailing dot are accepted.  Names under a TLD the
 * list does not know follow the default rule "*" (RFC 7489 3.2 step 2).
 */
char		*aa_psl_org_domain(const struct aa_psl *, const char *name);
/* True when name is a public suffix (ICANN or PRIVATE, "*" included). */
bool		 aa_psl_is_suffix(const struct aa_psl *, const char *name);

#endif /* AA_PSL_H */
