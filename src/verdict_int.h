/*
 * verdict_int.h: what verdict.c, verdict_fix.c and receivers.c share:
 * the facts a verdict is built from, the situations (rules) receivers
 * react to, and the receiver tables.  Private to the verdict issue.
 */
#ifndef AA_VERDICT_INT_H
#define AA_VERDICT_INT_H

#include <stdbool.h>

#include "aa_finding.h"
#include "aa_report.h"

/* The receivers, in the order of design.md 3a "Verdict". */
enum aa_rcv {
	AA_RCV_GMAIL,
	AA_RCV_YAHOO,
	AA_RCV_OUTLOOK,
	AA_RCV_M365,
	AA_RCV_ICLOUD,
	AA_RCV_RFC,
	AA_RCV__COUNT
};

/* Outcomes, least severe first (design.md 3a: reject > defer > ...). */
enum vr_outcome {
	VR_DELIVER = 0,
	VR_QUARANTINE,
	VR_DEFER,
	VR_REJECT
};

/*
 * The situations receivers react to, in the order ties are broken
 * (most specific first).  Each has a predicate in receivers.c.
 */
enum vr_rule {
	VR_MULTI_FROM,		/* several From fields or addresses */
	VR_NONEXISTENT,		/* the author domain does not exist */
	VR_BULK_AUTH,		/* bulk: SPF and DKIM and DMARC pass needed */
	VR_SPF_TEMP,		/* SPF temperror and no DKIM pass */
	VR_TEMP,		/* a temporary DNS failure, no aligned pass */
	VR_DMARC_REJECT,	/* DMARC fails, disposition reject */
	VR_UNAUTH_V6,		/* IPv6 and neither SPF nor DKIM passes */
	VR_UNAUTH,		/* neither SPF nor DKIM passes, any domain */
	VR_SPF_FAIL,		/* SPF fail and no DKIM pass */
	VR_SPF_PERMERROR,	/* SPF permerror and no DKIM pass */
	VR_BULK_NO_DMARC,	/* bulk: no usable DMARC record */
	VR_BULK_SPF,		/* bulk: SPF does not pass */
	VR_BULK_DKIM,		/* bulk: no DKIM pass */
	VR_BULK_ALIGN,		/* bulk: authenticated but not aligned */
	VR_BULK_ALL,		/* bulk: some bulk requirement unmet */
	VR_PTR_V6,		/* IPv6 without PTR or FCrDNS */
	VR_PTR,			/* no PTR, or FCrDNS mismatch */
	VR_NULL_MX,		/* the MAIL FROM domain has a null MX */
	VR_DMARC_QUARANTINE,	/* DMARC fails, disposition quarantine */
	VR_SPF_HARDFAIL,	/* SPF fail although DKIM passes */
	VR__COUNT
};

enum vr_ptr {
	VR_PTR_UNKNOWN = 0,	/* no IP, not checked, or offline */
	VR_PTR_OK,
	VR_PTR_MISSING,
	VR_PTR_MISMATCH
};

enum vr_dmarc {
	VR_DMARC_UNKNOWN = 0,	/* not evaluated, or undetermined */
	VR_DMARC_NONE,		/* no usable record (none, permerror) */
	VR_DMARC_PASS,
	VR_DMARC_FAIL,
	VR_DMARC_TEMP
};

/* Receiver-independent facts, read from the report. */
struct vr_facts {
	const char	*from_domain, *spf_domain, *ip;
	bool		 ipv6;
	const char	*spf;		/* SPF result; NULL: unknown */
	bool		 spf_aligned;
	const struct aa_dkim_report *dkim;	/* NULL: no signature */
	bool		 dkim_known;	/* DKIM evaluated (or assumed) */
	const char	*assume_dkim;	/* domain: an assumed aligned pass */
	const struct aa_dmarc_report *dmarc;	/* NULL: not evaluated */
	enum vr_ptr	 ptr;
	bool		 bulk, multi_from, nonexistent, null_mx;
	bool		 spf_temp, dkim_temp;
};

/* The facts as one receiver sees them (ed25519 support differs). */
struct vr_view {
	const struct vr_facts *f;
	enum aa_rcv	 rcv;
	bool		 spf_pass, dkim_pass, dkim_aligned;
	enum vr_dmarc	 dmarc;
	const char	*disposition;	/* when dmarc fails */
	const char	*sampled_out;	/* 0 < pct < 100: one level lower */
	long long	 pct;		/* 100 unless published */
	const char	*rfc9989;	/* RFC 9989 disposition if it differs */
};

/* One reply of a receiver in a situation. */
struct vr_reply {
	enum aa_rcv	 rcv;
	enum vr_rule	 rule;
	enum vr_outcome	 outcome;
	int		 code;
	const char	*enhanced;
	/* The verbatim pattern: [d] From domain, [s] SPF domain, [ip]. */
	const char	*reply;
	bool		 likely;
	const char	*source;
};

struct vr_receiver {
	const char	*name;		/* the JSON name */
	const char	*label;		/* for a reader */
	bool		 ed25519;	/* verifies ed25519-sha256 (RFC 8463) */
	bool		 bulk_rules;	/* has bulk-sender rules */
	const char	*source;	/* of the ed25519 and bulk facts */
};

const struct vr_receiver *vr_receiver(enum aa_rcv);
/* The receiver called name, or AA_RCV__COUNT. */
enum aa_rcv	 vr_receiver_by_name(const char *);
/* Whether rule applies to the view. */
bool		 vr_rule_applies(enum vr_rule, const struct vr_view *);
/* The table rows of (rcv, rule), in order; *n is their count. */
const struct vr_reply *vr_replies(enum aa_rcv, enum vr_rule, size_t *n);
const char	*vr_outcome_str(enum vr_outcome);

/* verdict_fix.c */
/* Whether a and b are both set and equal. */
bool		 vr_eq(const char *a, const char *b);
/* What one receiver likely does, and why. */
struct vr_choice {
	enum aa_rcv	 rcv;
	enum vr_rule	 rule;		/* VR__COUNT: no situation applies */
	enum vr_outcome	 outcome;	/* of the likely reply */
	int		 code;
	const char	*enhanced, *reply;	/* reply: the pattern */
	enum aa_code	 cause;		/* AA_F__COUNT: none */
};
/* verdict.c: the facts as receiver rcv sees them. */
void		 vr_view_of(const struct vr_facts *, enum aa_rcv,
		    struct vr_view *);
/* A reply pattern with [d], [s] and [ip] filled in (arena string). */
const char	*vr_fill(struct aa_report *, const struct vr_facts *,
		    const char *pattern);
const char	*vr_summary(struct aa_report *, const struct vr_facts *,
		    const struct vr_view *, const struct vr_choice *);
void		 vr_fixes(struct aa_report *, const struct vr_facts *,
		    const struct vr_choice *, size_t nchoice);

#endif /* AA_VERDICT_INT_H */
