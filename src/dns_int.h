/*
 * dns_int.h: what the DNS front (dns.c) and its backends (dns_zone.c,
 * dns_live.c) share.  Not a public header: only dns*.c include it, and
 * only they include ldns.
 */
#ifndef AA_DNS_INT_H
#define AA_DNS_INT_H

#include <ldns/ldns.h>

#include "aa_arena.h"
#include "aa_dns.h"

/* A backend's answer to one question, before CNAMEs are followed. */
struct dns_resp {
	enum aa_rcode	 rcode;
	struct aa_rr	*rr;		/* the answer section, in order */
	size_t		 nrr;
	enum aa_dns_source source;
	const char	*origin;
	unsigned	 ms;
};

/*
 * Convert an ldns record into r, memory in a.  owner, when not NULL,
 * replaces the record's owner (wildcard synthesis).  file may be NULL.
 */
void	dns_rr_convert(struct aa_arena *, const ldns_rr *, const ldns_rdf *owner,
	    const char *file, unsigned line, struct aa_rr *r);
/* Presentation form of a name: lower case, no trailing dot; in a. */
char	*dns_name_str(struct aa_arena *, const ldns_rdf *);

/* Zone backend: zone files, --rr records and pragmas. */
struct zstore;
struct zstore	*zstore_new(void);
void		 zstore_free(struct zstore *);
enum aa_status	 zstore_load(struct zstore *, struct aa_arena *,
		    const char *name, const char *text, size_t len,
		    struct aa_strvec *warnings, char *err, size_t errlen);
enum aa_status	 zstore_add_rr(struct zstore *, struct aa_arena *,
		    const char *text, unsigned position,
		    struct aa_strvec *warnings, char *err, size_t errlen);
/* True when the zones hold the name (out is set); false: ask the next. */
bool		 zstore_lookup(struct zstore *, struct aa_arena *,
		    const ldns_rdf *name, uint16_t type, struct dns_resp *out);
/*
 * Split quoted strings over 255 octets in master-file text (a copy, in
 * a).  Appends one warning per split string, naming name:line.
 */
char		*zone_split_long_strings(struct aa_arena *, const char *name,
		    const char *text, size_t len, struct aa_strvec *warnings);

/* Live backend: UDP with retries, TCP on truncation, ldns packets. */
struct live;
struct live_q {
	const char	*name;		/* normalised */
	uint16_t	 type;
	unsigned	 timeout_ms;	/* for this question */
	struct dns_resp	*out;
};
struct live	*live_new(const char *resolver, char *err, size_t errlen);
void		 live_free(struct live *);
/* Ask all questions at once; every out is filled (TIMEOUT at worst). */
void		 live_query_many(struct live *, struct aa_arena *,
		    struct live_q *, size_t n);

/* IDN adapter (libidn2): UTF-8 name to A-labels; -1 on failure. */
int		 dns_idn_to_ascii(const char *utf8, char **out);

#endif /* AA_DNS_INT_H */
