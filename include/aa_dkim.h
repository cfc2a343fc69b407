/*
 * aa_dkim.h: DKIM verification of every signature with libopendkim,
 * keys fetched through the DNS layer; key lint for `domain -s`.  Fills
 * rep->dkim and adds dkim-* findings.  Owner: the DKIM issue.
 *
 * Alignment needs the author domain's DMARC record (adkim) and the
 * organizational domain, so the DMARC check sets each signature's
 * `aligned`; aa_dkim_settle() then applies design.md 3a "Severity".
 */
#ifndef AA_DKIM_H
#define AA_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

struct aa_dns;
struct aa_msg;
struct aa_report;

#define AA_DKIM_MAX_SIGS	20

struct aa_dkim_params {
	int64_t		 now;		/* the clock for t= and x= */
	size_t		 max_sigs;	/* 0: AA_DKIM_MAX_SIGS */
	/* Headers only (a text/rfc822-headers DSN part): neutral results. */
	bool		 headers_only;
};

/* Verify every DKIM-Signature of msg (the exact bytes as received). */
enum aa_status	 aa_dkim_verify(struct aa_dns *, struct aa_report *,
		    const struct aa_msg *, const struct aa_dkim_params *);
/*
 * domain -s SELECTOR: fetch and lint SELECTOR._domainkey.DOMAIN, adding a
 * rep->dkim->signatures entry (no result) and its findings.  guessed: the
 * selector comes from the guess list (a missing key is not reported, the
 * findings of one found are info).  Returns true when the key lints clean,
 * no error finding (the verdict may then assume an aligned DKIM pass,
 * design.md 1).
 */
bool		 aa_dkim_lint_key(struct aa_dns *, struct aa_report *,
		    const char *domain, const char *selector, bool guessed);
/*
 * domain without -s: probe the selectors of src/dkim_selectors.def at once
 * (aa_dns_query_many) and lint each key found, as a labelled guess.
 * Returns how many keys were found.
 */
size_t		 aa_dkim_lint_guesses(struct aa_dns *, struct aa_report *,
		    const char *domain);
/* The guess list: selector and provider of entry i; false past the end. */
bool		 aa_dkim_guess(size_t i, const char **selector,
		    const char **provider);
/*
 * After the signatures' `aligned` is set: lower failing signatures'
 * findings to warnings when an aligned signature passes, or under t=y
 * (design.md 3a "Severity"); with no aligned pass, add dkim-not-aligned
 * for each passing signature whose d= does not align.  Idempotent.
 */
void		 aa_dkim_settle(struct aa_report *);

/*
 * The parsers below are pure (no DNS, no clock, no output) and take
 * length-counted bytes, so hostile input may hold NUL octets; they are the
 * fuzz targets of the DKIM code.  Strings they return are malloc'ed,
 * NUL-free and freed by the matching _clear() function.
 */
#define AA_DKIM_MAX_TAGS	64	/* tags in one tag-list */
#define AA_DKIM_MAX_H		256	/* fields in one h= list */
#define AA_DKIM_MAX_TAGLIST	(64u * 1024)	/* octets of one tag-list */

/* One tag=value of an RFC 6376 3.2 tag-list; pointers into the input. */
struct aa_dkim_tag {
	const uint8_t	*name;
	size_t		 namelen;
	const uint8_t	*value;		/* surrounding FWS removed */
	size_t		 valuelen;
};

/*
 * Split an RFC 6376 3.2 tag-list.  AA_EPARSE (err says why) on a syntax
 * error or a duplicated tag, AA_ELIMIT past max tags or
 * AA_DKIM_MAX_TAGLIST octets.
 */
enum aa_status	 aa_dkim_tag_list(const uint8_t *, size_t,
		    struct aa_dkim_tag *tags, size_t max, size_t *ntags,
		    char *err, size_t errlen);

enum aa_dkim_alg {
	AA_DKIM_ALG_UNKNOWN = 0,
	AA_DKIM_ALG_RSA_SHA1,
	AA_DKIM_ALG_RSA_SHA256,
	AA_DKIM_ALG_ED25519_SHA256
};

/* Why a DKIM-Signature is unusable before any key or crypto. */
enum aa_dkim_sigerr {
	AA_DKIM_SIG_OK = 0,
	AA_DKIM_SIG_SYNTAX,		/* tag-list, missing or bad tag */
	AA_DKIM_SIG_VERSION,		/* v= is not 1 */
	AA_DKIM_SIG_ALGORITHM,		/* a= unknown */
	AA_DKIM_SIG_IDENTITY,		/* i= not under d= */
	AA_DKIM_SIG_FROM_NOT_SIGNED	/* h= lacks From */
};

/* A parsed DKIM-Signature (RFC 6376 3.5). */
struct aa_dkim_sigtags {
	char		*v, *a, *d, *s, *q;	/* as written; d= lower case */
	char		*identity;	/* i= decoded (3.5: dkim-quoted-printable) */
	char		*canon;		/* "header/body", defaults filled */
	char		*b, *bh;	/* base64 with FWS removed */
	char	       **h;		/* lower case, in h= order */
	size_t		 nh;
	enum aa_dkim_alg alg;
	bool		 has_l, has_t, has_x;
	uint64_t	 l;
	int64_t		 t, x;
	enum aa_dkim_sigerr error;	/* the first problem found */
	char		 why[200];	/* it, in words */
};

/*
 * Parse the value of a DKIM-Signature field (after the colon, folding
 * kept).  Fills every tag it can even when the signature is malformed.
 * AA_OK when usable, AA_EPARSE when not (sig->error and sig->why say why).
 */
enum aa_status	 aa_dkim_sig_parse(const uint8_t *, size_t,
		    struct aa_dkim_sigtags *);
void		 aa_dkim_sig_clear(struct aa_dkim_sigtags *);

enum aa_dkim_ktype {
	AA_DKIM_K_RSA = 0,
	AA_DKIM_K_ED25519,
	AA_DKIM_K_UNKNOWN
};

enum aa_dkim_keyerr {
	AA_DKIM_KEY_OK = 0,
	AA_DKIM_KEY_REVOKED,		/* empty p= */
	AA_DKIM_KEY_INVALID,		/* syntax, v=, k=, s=, p= data, NUL */
	AA_DKIM_KEY_TOO_LARGE		/* RSA over AA_DKIM_MAX_RSA_BITS */
};

#define AA_DKIM_MAX_RSA_BITS	8192	/* RFC 8301 3.2 */

/* A parsed key record (RFC 6376 3.6.1). */
struct aa_dkim_keyrec {
	enum aa_dkim_ktype k;
	bool		 h_sha1, h_sha256;	/* hashes allowed (h=) */
	bool		 email;		/* s= allows email */
	bool		 testing;	/* t=y */
	bool		 strict;	/* t=s: i= domain must equal d= */
	char		*flags;		/* t= as written, or NULL */
	uint8_t		*key;		/* p= decoded */
	size_t		 keylen;
	/* The key as SubjectPublicKeyInfo DER (RSA; PKCS#1 is wrapped). */
	uint8_t		*spki;
	size_t		 spkilen;
	unsigned	 bits;		/* RSA modulus bits; 256 for ed25519 */
	enum aa_dkim_keyerr error;
	char		 why[200];
};

/* Parse one key record (the TXT strings joined). */
enum aa_status	 aa_dkim_key_parse(const uint8_t *, size_t,
		    struct aa_dkim_keyrec *);
void		 aa_dkim_key_clear(struct aa_dkim_keyrec *);
/*
 * Whether a usable key may verify sig (h=, k=, s=, t=s of RFC 6376
 * 3.6.1); false with why filled when not.
 */
bool		 aa_dkim_key_fits(const struct aa_dkim_keyrec *,
		    const struct aa_dkim_sigtags *, char *why, size_t whylen);

#endif /* AA_DKIM_H */
