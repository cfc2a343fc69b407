/*
 * spf_int.h: what the SPF files share (not an API): the evaluation
 * context, its notes (future findings) and the DNS helpers.
 */
#ifndef AA_SPF_INT_H
#define AA_SPF_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "aa_arena.h"
#include "aa_dns.h"
#include "aa_finding.h"
#include "aa_spf.h"

struct aa_report;

/* A finding waiting for a report (the suite runs without one). */
struct spf_note {
	enum aa_code	 code;
	const char	*subject, *message;
	const char	*file;		/* origin of the record, NULL: none */
	unsigned	 line;
	bool		 error;		/* raise to error: it makes permerror */
};

/* A fetched and parsed record (RFC 7208 4.5). */
struct spf_fetched {
	enum aa_spf_result result;	/* NONE, TEMPERROR, PERMERROR, or */
	bool		 ok;		/* ok: rec is set */
	struct aa_spf_record *rec;	/* in the context's list to free */
	const char	*text;		/* presentation form of the record */
	const char	*file;
	unsigned	 line;
};

struct spf_ctx {
	struct aa_dns	*dns;
	struct aa_arena	*a;
	/* The client and the identities (RFC 7208 4.1). */
	uint8_t		 ip[16];
	int		 family;	/* 4, 6; 0: no client */
	bool		 worst;		/* worst-case walk: no client address */
	const char	*sender, *local, *sender_domain, *helo, *receiver;
	long long	 now;
	const char	*default_exp;
	/* RFC 7208 4.6.4 counters over the whole evaluation. */
	int		 lookups, voids;
	int		 conservative;	/* + mx/ptr address lookups and exp */
	const char	*exceeded_term, *exceeded_domain;
	const char	*matched_term, *matched_domain;
	const char	*matched_file;	/* origin of the matched record */
	unsigned	 matched_line;
	const char	*explanation;
	const char	*problem;
	bool		 have_cause;	/* a note says why the result */
	/* Include/redirect path, for loops and the depth cap. */
	const char	*path[AA_SPF_MAX_DEPTH + 2];
	int		 depth;
	bool		 loop_noted;	/* one spf-include-loop is enough */
	/* ptr and %{p}: the validated names, computed once (5.5). */
	const char	**ptrs;
	size_t		 nptrs;
	bool		 ptrs_done;
	const char	*cur_domain;	/* %{p} prefers names under it */
	/* The record whose fail term matched: its exp= explains (6.2). */
	const struct aa_spf_record *exp_rec;
	const char	*exp_domain;
	AA_VEC(struct spf_note) notes;
	AA_VEC(struct aa_spf_record *) recs;
};

void		 spf_ctx_init(struct spf_ctx *, struct aa_dns *);
void		 spf_ctx_free(struct spf_ctx *);
/* Set sender, local part, sender domain from MAIL FROM and HELO. */
void		 spf_set_sender(struct spf_ctx *, const char *mail_from,
		    const char *helo);
/*
 * The client (IPv4-mapped IPv6 becomes IPv4, RFC 7208 5) and the
 * identities; false when ip does not parse.
 */
bool		 spf_ctx_client(struct spf_ctx *, const char *ip,
		    const char *helo, const char *mail_from);
/* RFC 7208 4.3: a name we may check at all. */
bool		 spf_domain_valid(const char *);
/* A query of a name from a record (escaped for the DNS layer). */
const struct aa_answer *spf_query(struct spf_ctx *, const char *name,
		    uint16_t type);
/* Fetch and select the SPF record of domain (4.4, 4.5, 4.6). */
void		 spf_fetch(struct spf_ctx *, const char *domain,
		    struct spf_fetched *);
/* Expand a domain-spec term argument (or domain when absent); NULL: error. */
const char	*spf_target(struct spf_ctx *, const struct aa_spf_record *,
		    const struct aa_spf_pterm *, const char *domain,
		    unsigned *letters);
void		 spf_note(struct spf_ctx *, enum aa_code, const char *subject,
		    const char *file, unsigned line, const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));
/* The term as written, from its record. */
const char	*spf_term_text(struct spf_ctx *, const struct aa_spf_record *,
		    const struct aa_spf_pterm *);
/* check_host() of RFC 7208 4. */
enum aa_spf_result spf_check_host(struct spf_ctx *, const char *domain);
/* check_host() and, on fail, the explanation (6.2) in c->explanation. */
enum aa_spf_result spf_run(struct spf_ctx *, const char *domain);

/* The worst-case tree (spf_tree.c). */
struct aa_spf_tree;
struct spf_tree_sum {
	long long	 lookups, voids, conservative;
	const char	*exceeded_term, *exceeded_domain;
};
struct aa_spf_tree *spf_tree_build(struct aa_dns *, struct aa_report *,
		    const char *domain, struct spf_ctx *notes_into,
		    struct spf_tree_sum *);

/* libspf2 in a child (spf_libspf2.c). */
struct spf_second {
	bool		 ran, crashed;
	bool		 unavailable;	/* a cap left it no opinion */
	bool		 stopped;	/* by its own question cap: killed */
	enum aa_spf_result result;
	char		 note[256];
};
void		 spf_libspf2_run(struct aa_dns *, const char *ip,
		    const char *helo, const char *sender, const char *domain,
		    struct spf_second *);

#endif /* AA_SPF_INT_H */
