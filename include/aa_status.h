/* aa_status.h: operational status codes (numbers are frozen). */
#ifndef AA_STATUS_H
#define AA_STATUS_H

/*
 * Operational errors only.  DNS outcomes (NXDOMAIN, SERVFAIL, ...) are
 * data in struct aa_answer, and check results are findings in the report.
 */
enum aa_status {
	AA_OK = 0,
	AA_EINVAL = 1,		/* bad argument or malformed name */
	AA_EPARSE = 2,		/* input could not be parsed */
	AA_EIO = 3,		/* read, write or open failed */
	AA_ELIMIT = 4,		/* a configured cap was reached */
	AA_ENOTFOUND = 5,	/* nothing matched */
	AA_ETEMP = 6		/* temporary failure; retry may help */
};

const char	*aa_strerror(enum aa_status);

#endif /* AA_STATUS_H */
