/*
 * dkim_int.h: what the DKIM files share and nobody else uses.
 * dkim_opendkim.c is the only file that includes libopendkim's header.
 */
#ifndef AA_DKIM_INT_H
#define AA_DKIM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

struct aa_dns;

/* Base64 (RFC 6376 2.6), FWS already removed; *out malloc'ed. */
enum aa_status	 aa_dkim_b64_decode(const char *, uint8_t **out,
		    size_t *outlen);
char		*aa_dkim_b64_encode(const uint8_t *, size_t);

/*
 * libopendkim's dkim_get_key() reads a key record into a 1024-octet
 * buffer (BUFRSZ): a longer record fails at OpenDKIM receivers.
 */
#define AA_DKIM_ODKIM_MAX_RECORD	1024

#define AA_DKIM_BH_UNTESTED	(-1)
#define AA_DKIM_BH_MATCH	0
#define AA_DKIM_BH_MISMATCH	1

/* One signature as handed to libopendkim, and what it found. */
struct aa_dkim_crypto {
	/* in */
	const char	*b;		/* b= with FWS removed: identifies it */
	bool		 want;		/* verify it (else libopendkim skips it) */
	bool		 has_t;
	int64_t		 t;
	/* out */
	bool		 done;		/* libopendkim verified it */
	bool		 header_ok;	/* the signature over the headers holds */
	int		 bh;		/* AA_DKIM_BH_* */
	int		 error;		/* libopendkim's DKIM_SIGERROR_* */
	char		 errstr[120];	/* its words */
};

/*
 * Run libopendkim over msg (CRLF line endings) with keys answered by the
 * DNS layer through its hooks.  AA_EINVAL when the library cannot start.
 */
enum aa_status	 aa_dkim_crypto_run(struct aa_dns *, const uint8_t *msg,
		    size_t len, struct aa_dkim_crypto *, size_t n, char *err,
		    size_t errlen);
/* libopendkim's error code for "l= exceeds the body". */
bool		 aa_dkim_crypto_l_too_large(int error);
/* Whether libopendkim's error is about the key (else the signature). */
bool		 aa_dkim_crypto_key_error(int error);

#endif /* AA_DKIM_INT_H */
