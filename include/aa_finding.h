/*
 * aa_finding.h: the finding registry (design.md 3b).  One table in
 * finding.c holds every id with its default severity, whether it is a
 * temporary failure, its RFC reference and a one-line description; the man
 * page list is generated from it (authaudit --list-findings).
 */
#ifndef AA_FINDING_H
#define AA_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum aa_severity {
	AA_SEV_INFO = 0,
	AA_SEV_WARNING,
	AA_SEV_ERROR
};

/* In the order of design.md 3b; numbers are internal, ids are the API. */
enum aa_code {
	/* SPF */
	AA_F_SPF_NONE,
	AA_F_SPF_MULTIPLE_RECORDS,
	AA_F_SPF_SYNTAX,
	AA_F_SPF_TOO_MANY_LOOKUPS,
	AA_F_SPF_TOO_MANY_VOID_LOOKUPS,
	AA_F_SPF_MX_TOO_MANY_NAMES,
	AA_F_SPF_INCLUDE_LOOP,
	AA_F_SPF_INCLUDE_NONE,
	AA_F_SPF_PTR,
	AA_F_SPF_PLUS_ALL,
	AA_F_SPF_NO_ALL,
	AA_F_SPF_RECORD_TOO_LONG,
	AA_F_SPF_MACRO_UNRESOLVED,
	AA_F_SPF_FAIL,
	AA_F_SPF_SOFTFAIL,
	AA_F_SPF_TEMPERROR,
	AA_F_SPF_HELO_FAIL,
	AA_F_SPF_LIBSPF2_CRASH,
	AA_F_SPF_LIBSPF2_DISAGREES,
	/* DKIM */
	AA_F_DKIM_NONE,
	AA_F_DKIM_BODY_HASH_MISMATCH,
	AA_F_DKIM_SIGNATURE_MISMATCH,
	AA_F_DKIM_SIGNATURE_INVALID,
	AA_F_DKIM_KEY_NOT_FOUND,
	AA_F_DKIM_KEY_REVOKED,
	AA_F_DKIM_KEY_INVALID,
	AA_F_DKIM_KEY_MULTIPLE_RECORDS,
	AA_F_DKIM_KEY_TOO_SMALL,
	AA_F_DKIM_KEY_TOO_LARGE,
	AA_F_DKIM_SHA1,
	AA_F_DKIM_EXPIRED,
	AA_F_DKIM_TIMESTAMP_FUTURE,
	AA_F_DKIM_LENGTH_TAG,
	AA_F_DKIM_TESTING,
	AA_F_DKIM_FROM_NOT_SIGNED,
	AA_F_DKIM_HEADER_NOT_OVERSIGNED,
	AA_F_DKIM_NOT_ALIGNED,
	AA_F_DKIM_TEMPERROR,
	AA_F_DKIM_LINE_ENDINGS,
	AA_F_DKIM_BODY_UNAVAILABLE,
	AA_F_DKIM_MBOX_QUOTING,
	/* DMARC */
	AA_F_DMARC_NONE,
	AA_F_DMARC_MULTIPLE_RECORDS,
	AA_F_DMARC_SYNTAX,
	AA_F_DMARC_TAG_UNKNOWN,
	AA_F_DMARC_RUA_INVALID,
	AA_F_DMARC_RUA_UNAUTHORIZED,
	AA_F_DMARC_POLICY_NONE,
	AA_F_DMARC_PCT,
	AA_F_DMARC_FAIL,
	AA_F_DMARC_TEMPERROR,
	AA_F_DMARC_UNDETERMINED,
	AA_F_DMARC_ORG_DOMAIN_DISAGREEMENT,
	AA_F_DMARC_RFC9989_DIFFERS,
	AA_F_DMARC_NP_COMPACT_DENIAL,
	AA_F_DMARC_PSL_STALE,
	AA_F_DMARC_OPENDMARC_DISAGREES,
	/* Domain and delivery */
	AA_F_DOMAIN_NONEXISTENT,
	AA_F_MX_NULL,
	AA_F_PTR_MISSING,
	AA_F_FCRDNS_MISMATCH,
	AA_F_PTR_NOT_CHECKED,
	AA_F_BULK_UNSUBSCRIBE_MISSING,
	/* Message and input */
	AA_F_MSG_MULTIPLE_FROM,
	AA_F_MSG_NO_FROM,
	AA_F_MSG_TOO_LARGE,
	AA_F_INPUT_IP_UNKNOWN,
	AA_F_DNS_BUDGET_EXCEEDED,
	/* Bounce classes */
	AA_F_BOUNCE_ADDRESS,
	AA_F_BOUNCE_MAILBOX,
	AA_F_BOUNCE_RELAY,
	AA_F_BOUNCE_REPUTATION,
	AA_F_BOUNCE_VOLUME,
	AA_F_BOUNCE_TRANSIENT,
	AA_F__COUNT
};

struct aa_finding_info {
	enum aa_code	 code;
	const char	*id;		/* stable kebab-case id */
	enum aa_severity severity;	/* default severity */
	bool		 temporary;	/* a temporary failure: exit 4, not 1 */
	const char	*rfc;		/* reference, e.g. "RFC 7208 4.6.4" */
	const char	*summary;	/* one line, for the man page */
};

/* The registry entry of a code (never NULL for a valid code). */
const struct aa_finding_info *aa_finding_info(enum aa_code);
/* Look an id up; NULL when unknown. */
const struct aa_finding_info *aa_finding_by_id(const char *);
const char	*aa_severity_str(enum aa_severity);
/* AA_OK-style: 0 and *out set on success, -1 when unknown. */
int		 aa_severity_from_str(const char *, enum aa_severity *);

#endif /* AA_FINDING_H */
