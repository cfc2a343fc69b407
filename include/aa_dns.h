/*
 * aa_dns.h: the one DNS layer.  Every lookup of every check and library
 * goes through aa_dns_query() or aa_dns_query_many(): zone files and --rr
 * records answer first, then live DNS unless the layer is offline.  Answers
 * are cached per audit and every real lookup is logged.
 */
#ifndef AA_DNS_H
#define AA_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

/* RR types we name in code (numbers as in the IANA registry). */
#define AA_TYPE_A	1
#define AA_TYPE_NS	2
#define AA_TYPE_CNAME	5
#define AA_TYPE_SOA	6
#define AA_TYPE_PTR	12
#define AA_TYPE_MX	15
#define AA_TYPE_TXT	16
#define AA_TYPE_AAAA	28
#define AA_TYPE_SPF	99
#define AA_TYPE_ANY	255

/* Longest CNAME chain followed before the answer is a loop (SERVFAIL). */
#define AA_DNS_MAX_CNAME	16

enum aa_rcode {
	AA_RCODE_NOERROR = 0,
	AA_RCODE_NXDOMAIN,
	AA_RCODE_SERVFAIL,
	AA_RCODE_REFUSED,
	AA_RCODE_TIMEOUT,
	AA_RCODE_FORMERR,	/* temporary, RFC 7208 4.4 */
	AA_RCODE_NOTIMP,	/* temporary */
	AA_RCODE_NETERROR,	/* socket or network failure; temporary */
	AA_RCODE_BUDGET		/* query or time cap of the audit reached */
};

enum aa_dns_source {
	AA_SRC_ZONE = 0,	/* zone file, --rr record or pragma */
	AA_SRC_LIVE,		/* a live server */
	AA_SRC_OFFLINE,		/* not in any zone while offline: NXDOMAIN */
	AA_SRC_NONE		/* not asked: a cap was reached */
};

/* Length-counted bytes: DNS data may hold NUL octets. */
struct aa_bytes {
	const uint8_t	*data;
	size_t		 len;
};

/* One resource record of an answer.  All memory belongs to the aa_dns. */
struct aa_rr {
	const char	*owner;		/* presentation form, lower case, no dot */
	uint16_t	 type;
	uint32_t	 ttl;
	const uint8_t	*rdata;		/* wire rdata, names uncompressed */
	size_t		 rdlen;
	const char	*data;		/* rdata in presentation form */
	/* TXT and SPF: the character-strings, and all of them joined. */
	const struct aa_bytes *txt;
	size_t		 ntxt;
	struct aa_bytes	 joined;	/* also NUL-terminated at joined.len */
	/* CNAME, PTR, NS: target; MX: exchange (lower case, no dot). */
	const char	*target;
	uint16_t	 preference;	/* MX */
	/* A and AAAA: the address (4 or 16 octets). */
	uint8_t		 addr[16];
	/* The record as one master-file line (absolute names, no newline). */
	const char	*master;
	/* Where the record came from: zone file (or "--rr") and line; NULL live. */
	const char	*file;
	unsigned	 line;
};

struct aa_answer {
	const char	*qname;		/* as asked, normalised */
	uint16_t	 qtype;
	enum aa_rcode	 rcode;
	const struct aa_rr *rr;		/* the records of qtype at the chain's end */
	size_t		 nrr;
	const char *const *cname_chain;	/* names the CNAMEs led to, in order */
	size_t		 ncname;
	bool		 cname_loop;	/* rcode is SERVFAIL then */
	enum aa_dns_source source;
	const char	*origin;	/* "file:line" (zone) or "addr:port" (live) */
	unsigned	 ms;		/* time taken by the real lookup(s) */
};

struct aa_question {
	const char	*name;
	uint16_t	 type;
	const char	*by;		/* NULL, or who asked (logged): "libspf2" */
};

/* One line of the query log: every real lookup, not cache hits. */
struct aa_qlog {
	const char	*name;
	uint16_t	 type;
	enum aa_rcode	 rcode;
	size_t		 answers;
	enum aa_dns_source source;
	const char	*origin;
	unsigned	 ms;
	const char	*by;
};

struct aa_dns_config {
	bool		 offline;	/* names no zone holds do not exist */
	const char	*resolver;	/* "ADDR", "ADDR:PORT", "[V6]:PORT"; NULL: system */
	unsigned	 timeout_ms;	/* per query; 0: default 5000 */
	unsigned	 time_limit_ms;	/* per audit; 0: default 20000 */
	unsigned	 max_queries;	/* per audit; 0: default 1000 */
};

struct aa_dns;

/*
 * A new layer with no zones.  AA_EINVAL with err set when the resolver
 * address does not parse.  The system resolver is read on first use.
 */
enum aa_status	 aa_dns_new(const struct aa_dns_config *, struct aa_dns **out,
		    char *err, size_t errlen);
void		 aa_dns_free(struct aa_dns *);

/*
 * Load an RFC 1035 master file with authaudit-zone(5) pragmas.  On error
 * returns AA_EIO (cannot read) or AA_EPARSE and writes "file:line: reason"
 * into err.  Long strings are split with a warning (aa_dns_warning).
 */
enum aa_status	 aa_dns_load_zone(struct aa_dns *, const char *path,
		    char *err, size_t errlen);
/* The same from memory; name is used in origins and messages. */
enum aa_status	 aa_dns_load_zone_text(struct aa_dns *, const char *name,
		    const char *text, size_t len, char *err, size_t errlen);
/*
 * One record in presentation format (absolute owner).  Its RRset replaces
 * the zone files' RRset of the same owner and type.  position is the
 * 1-based index of the --rr option, used as the origin line.
 */
enum aa_status	 aa_dns_add_rr(struct aa_dns *, const char *rr,
		    unsigned position, char *err, size_t errlen);
size_t		 aa_dns_warning_count(const struct aa_dns *);
const char	*aa_dns_warning(const struct aa_dns *, size_t);

/*
 * Ask one question.  *out is owned by the layer and lives until
 * aa_dns_free(); asking again returns the cached answer.  AA_EINVAL only
 * when the name is not a valid domain name (then *out is untouched).
 */
enum aa_status	 aa_dns_query(struct aa_dns *, const char *name, uint16_t type,
		    const struct aa_answer **out);
/*
 * Ask n questions at once (live lookups are in flight together).  out[i]
 * is NULL for an invalid name, else as aa_dns_query.  Returns AA_OK, or
 * AA_EINVAL when any name was invalid.
 */
enum aa_status	 aa_dns_query_many(struct aa_dns *, const struct aa_question *,
		    size_t n, const struct aa_answer **out);

/* The query log. */
size_t		 aa_dns_log_count(const struct aa_dns *);
const struct aa_qlog *aa_dns_log_get(const struct aa_dns *, size_t);
/* True once a query or time cap made the layer refuse a lookup. */
bool		 aa_dns_budget_exceeded(const struct aa_dns *);
/*
 * Whether lookups asked from now on count (default true).  A caller with
 * its own smaller cap (libspf2's second opinion) turns counting off
 * around its questions: they neither use max_queries nor mark the budget
 * exceeded.  The time limit still refuses them (AA_RCODE_BUDGET), but
 * only a counted caller given such a refusal marks the budget exceeded.
 * Returns the previous setting.
 */
bool		 aa_dns_set_counted(struct aa_dns *, bool counted);

/*
 * Write every answer this audit used as a zone file that replays it:
 * records in presentation form, NXDOMAIN, NODATA and failures as pragmas.
 */
enum aa_status	 aa_dns_save_zone(const struct aa_dns *, const char *path,
		    char *err, size_t errlen);

/* Names and codes. */
const char	*aa_rcode_str(enum aa_rcode);
bool		 aa_rcode_temporary(enum aa_rcode);
const char	*aa_dns_source_str(enum aa_dns_source);
/* Mnemonic of a type ("TXT", "TYPE65280"); pointer to static storage. */
const char	*aa_dns_type_str(uint16_t);
/* 0 when unknown. */
uint16_t	 aa_dns_type_from_str(const char *);
/* True for NXDOMAIN, or NOERROR with no record (RFC 7208 4.6.4 void). */
bool		 aa_answer_is_void(const struct aa_answer *);
/*
 * Normalise a domain name: UTF-8 to A-labels (UTS #46), lower case, no
 * trailing dot, presentation-form escapes kept.  AA_EINVAL on an empty
 * label, a label over 63 octets, a name over 253, or a failed conversion.
 */
enum aa_status	 aa_dns_name_normalize(const char *, char **out);
/*
 * Presentation form of raw octets, as design.md 3a says: \DDD for octets
 * below 0x20 or above 0x7E, \" and \\ escaped.  Caller frees.
 */
char		*aa_dns_escape_text(const uint8_t *, size_t);
/* 32 nibble labels of 2 octets, "ip6.arpa" and the NUL. */
#define AA_DNS_REVERSE_LEN	(16 * 4 + 8 + 1)
/*
 * The name a PTR lookup of an address asks: in-addr.arpa (RFC 1035 3.5)
 * for family 4 (addr holds 4 octets), else ip6.arpa (RFC 3596 2.5).
 */
void		 aa_dns_reverse_name(const uint8_t *addr, int family,
		    char buf[AA_DNS_REVERSE_LEN]);

#endif /* AA_DNS_H */
