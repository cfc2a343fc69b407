/*
 * aa_spf.h: our own RFC 7208 evaluator (check_host(), the lookup-budget
 * tree) over the DNS layer, and libspf2 as an isolated second opinion.
 * Fills rep->spf and adds spf-* findings.  Owner: the SPF issue.
 *
 * Besides aa_spf_check(), the record parser (aa_spf_parse) and the macro
 * expander (aa_spf_macro_expand) are exported on their own: they take
 * length-counted bytes, never touch DNS, and are the fuzzing targets.
 */
#ifndef AA_SPF_H
#define AA_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Caps (design.md 5). */
#define AA_SPF_MAX_RECORD	8192	/* octets of one record we parse */
#define AA_SPF_MAX_TERMS	512	/* terms of one record */
#define AA_SPF_MAX_DEPTH	20	/* include/redirect nesting */
#define AA_SPF_MAX_NAMES	10	/* mx and ptr address lookups, 4.6.4 */
#define AA_SPF_LONG_RECORD	450	/* RFC 7208 3.4: fits in 512 octets */

/* RFC 7208 2.6 results. */
enum aa_spf_result {
	AA_SPF_NONE = 0,
	AA_SPF_NEUTRAL,
	AA_SPF_PASS,
	AA_SPF_FAIL,
	AA_SPF_SOFTFAIL,
	AA_SPF_TEMPERROR,
	AA_SPF_PERMERROR
};
const char	*aa_spf_result_str(enum aa_spf_result);

/* The parser: RFC 7208 4.6.1 terms with their positions. */
enum aa_spf_kind {
	AA_SPF_ALL = 0,
	AA_SPF_INCLUDE,
	AA_SPF_A,
	AA_SPF_MX,
	AA_SPF_PTR,
	AA_SPF_IP4,
	AA_SPF_IP6,
	AA_SPF_EXISTS,
	AA_SPF_REDIRECT,	/* modifiers from here on */
	AA_SPF_EXP,
	AA_SPF_UNKNOWN_MOD	/* name=macro-string, ignored (6) */
};

struct aa_spf_pterm {
	enum aa_spf_kind kind;
	char		 qualifier;	/* '+', '-', '~', '?'; 0: a modifier */
	bool		 explicit_qual;	/* written in the record */
	size_t		 off, len;	/* the term in the record, octets */
	/*
	 * The argument: domain-spec, macro-string (modifiers) or address;
	 * arg_len 0 with has_arg false when absent (the current domain).
	 */
	bool		 has_arg;
	size_t		 arg_off, arg_len;
	int		 cidr4, cidr6;	/* -1: not written */
	uint8_t		 addr[16];	/* ip4 (first 4 octets) and ip6 */
	bool		 dns;		/* a DNS-querying term (4.6.4) */
};

struct aa_spf_record {
	char		*text;		/* a copy of the record, NUL-ended */
	size_t		 len;
	struct aa_spf_pterm *terms;
	size_t		 nterms;
	long		 redirect, exp;	/* index of the modifier, or -1 */
	bool		 has_all;	/* an all mechanism (redirect ignored) */
};

struct aa_spf_error {
	size_t		 off;		/* octet where the error is, 0-based */
	size_t		 term_off, term_len;	/* the offending term */
	char		 msg[160];
};

/*
 * True when rec is an SPF version 1 record: "v=spf1" (any case) alone or
 * followed by a space (RFC 7208 4.5).  "v=spf10" is not.
 */
bool		 aa_spf_is_spf1(const char *rec, size_t len);

/*
 * Parse an SPF record (with its "v=spf1") of len octets; NUL octets and
 * anything else are data.  AA_OK with *out set (free with
 * aa_spf_record_free), AA_EPARSE with err filled (RFC 7208 4.6: any
 * syntax error is permerror), AA_ELIMIT past the caps above.
 */
enum aa_status	 aa_spf_parse(const char *rec, size_t len,
		    struct aa_spf_record **out, struct aa_spf_error *err);
void		 aa_spf_record_free(struct aa_spf_record *);

/* Macro letters (RFC 7208 7.2) as bits of aa_spf_macro_letters(). */
#define AA_SPF_MACRO_BIT(c)	(1u << ((c) - 'a'))
/* The letters that depend on the client (design.md 3a). */
#define AA_SPF_MACRO_CLIENT	(AA_SPF_MACRO_BIT('i') | \
	AA_SPF_MACRO_BIT('l') | AA_SPF_MACRO_BIT('s') | \
	AA_SPF_MACRO_BIT('p') | AA_SPF_MACRO_BIT('h') | \
	AA_SPF_MACRO_BIT('c'))

/* What the macro letters expand to (RFC 7208 7.2). */
struct aa_spf_macro_env {
	const char	*sender;	/* s: local-part@domain */
	const char	*local;		/* l */
	const char	*sender_domain;	/* o */
	const char	*domain;	/* d: the current domain */
	const uint8_t	*ip;		/* i, c, v: 4 or 16 octets; NULL */
	int		 family;	/* 4 or 6 */
	const char	*helo;		/* h */
	const char	*receiver;	/* r; NULL: "unknown" */
	long long	 now;		/* t */
	/*
	 * p: the validated name (RFC 7208 5.5 procedure), or NULL for
	 * "unknown".  NULL callback: "unknown" without DNS.
	 */
	const char	*(*validated)(void *);
	void		*arg;
};

/*
 * Check the macro-string s of len octets (RFC 7208 7.1).  exp allows the
 * c, r and t letters (explanation only).  AA_OK or AA_EPARSE with *bad
 * (when not NULL) the octet offset of the error.  *letters (when not
 * NULL) gets the letters used as AA_SPF_MACRO_BIT()s.
 */
enum aa_status	 aa_spf_macro_check(const char *s, size_t len, bool exp,
		    size_t *bad, unsigned *letters);
/*
 * Expand the macro-string s (len octets) with env; *out is a new
 * NUL-terminated string of *outlen octets (free it).  Uppercase letters
 * URL-encode (7.3).  Output is capped at 8 KiB (AA_ELIMIT).
 */
enum aa_status	 aa_spf_macro_expand(const char *s, size_t len, bool exp,
		    const struct aa_spf_macro_env *env, char **out,
		    size_t *outlen, size_t *bad);
/*
 * RFC 7208 4.8: a domain from macro expansion is truncated from the left,
 * whole labels, to at most 253 octets.  Returns a pointer into name.
 */
const char	*aa_spf_truncate_domain(const char *name);

/* One check_host() run, without a report (the conformance suite). */
struct aa_spf_query {
	const char	*domain;	/* NULL: from mail_from, else helo */
	const char	*ip;		/* required */
	const char	*helo;
	const char	*mail_from;	/* NULL or "": postmaster@helo */
	const char	*default_exp;
	const char	*receiver;
	long long	 now;
};

struct aa_spf_outcome {
	enum aa_spf_result result;
	char		*explanation;	/* fail only; NULL otherwise */
	char		*matched_term, *matched_domain;
	int		 lookups, voids;
	char		*exceeded_term, *exceeded_domain;
	char		*problem;	/* why permerror or temperror */
};

enum aa_status	 aa_spf_evaluate(struct aa_dns *, const struct aa_spf_query *,
		    struct aa_spf_outcome *);
void		 aa_spf_outcome_clear(struct aa_spf_outcome *);

#endif /* AA_SPF_H */
