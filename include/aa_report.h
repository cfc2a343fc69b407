/*
 * aa_report.h: the report model, in the shape of the authaudit/1 JSON
 * schema (design.md 3).  Checks fill it; renderers read it and never do
 * DNS.  Everything in a report lives in its arena: strings and arrays are
 * made with aa_report_strdup()/AA_VEC_PUSH(rep->arena, ...) and released
 * by one aa_report_free().
 *
 * Null: a NULL pointer is JSON null; struct aa_int and enum aa_tri are
 * null when zeroed, so a zeroed section is all null.
 */
#ifndef AA_REPORT_H
#define AA_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_arena.h"
#include "aa_finding.h"

struct aa_dns;

#define AA_SCHEMA	"authaudit/1"

/* RFC 7208 4.6.4: the limits the SPF section reports. */
#define AA_SPF_LOOKUP_LIMIT	10
#define AA_SPF_VOID_LIMIT	2

/* An integer that may be null. */
struct aa_int {
	bool		 set;
	long long	 v;
};
#define AA_INT(x)	((struct aa_int){ true, (x) })

/* A boolean that may be null. */
enum aa_tri {
	AA_TRI_NULL = 0,
	AA_TRI_FALSE,
	AA_TRI_TRUE
};
#define AA_TRI(b)	((b) ? AA_TRI_TRUE : AA_TRI_FALSE)


struct aa_origin {
	const char	*file;		/* NULL: no origin (JSON null) */
	unsigned	 line;
};

/* input */
struct aa_bounce_recipient {
	const char	*recipient, *action, *status;
	struct aa_int	 code;
	const char	*diagnostic, *provider, *class_;
};

struct aa_bounce {
	const char	*reporting_mta, *remote_mta;
	AA_VEC(struct aa_bounce_recipient) recipients;
	const char	*returned;	/* "message", "headers" or NULL */
};

struct aa_input {
	const char	*domain, *ip, *helo, *mail_from, *from_domain;
	struct aa_strvec  from_domains;
	struct {
		const char *ip, *helo, *mail_from;
	} sources;
	struct aa_bounce *bounce;	/* NULL: null */
};

/* dns (the dns command) */
struct aa_dns_answer_out {
	const char	*type;
	long long	 ttl;
	const char	*data;
};

struct aa_dns_section {
	const char	*name, *type, *rcode, *source, *origin;
	long long	 ms;
	struct aa_strvec  cname_chain;
	AA_VEC(struct aa_dns_answer_out) answers;
};

/* spf */
struct aa_term_domain {
	const char	*term, *domain;
};

struct aa_spf_tree;

struct aa_spf_term {
	const char	*term, *qualifier;
	long long	 lookups, void_;
	struct aa_spf_tree *child;	/* NULL: null */
};

struct aa_spf_tree {
	const char	*domain, *record;
	long long	 lookups, lookups_subtree, void_;
	AA_VEC(struct aa_spf_term) terms;
};

struct aa_spf_libspf2 {
	const char	*result;
	enum aa_tri	 agrees, crashed;
	const char	*note;
};

struct aa_spf_report {
	const char	*domain, *record, *result, *explanation, *helo_result;
	struct aa_term_domain *matched;	/* NULL: null */
	struct {
		struct aa_int	 count;		/* "limit" is always 10 */
		struct aa_int	 void_;		/* "void_limit" is always 2 */
		const char	*mode;		/* "evaluation" or "worst-case" */
		struct aa_int	 conservative;
		struct aa_term_domain *exceeded_at;
	} lookups;
	struct aa_spf_tree *tree;	/* NULL: null */
	struct aa_spf_libspf2 *libspf2;	/* NULL: null */
};

/* dkim */
struct aa_dkim_sig {
	const char	*domain, *selector, *algorithm, *canonicalization;
	const char	*identity;
	struct aa_int	 timestamp, expiration;
	const char	*result, *error;
	struct aa_int	 key_bits;
	const char	*key_flags;
	enum aa_tri	 aligned;
	struct aa_strvec  headers_signed;
	struct aa_int	 body_length;
	enum aa_tri	 testing;
	/*
	 * Not in JSON.  This signature's findings (aa_dkim_settle lowers
	 * them), and for `domain`, whether the selector was a guess.
	 */
	size_t		 findings_at, findings_n;
	bool		 guessed;
};

struct aa_dkim_report {
	AA_VEC(struct aa_dkim_sig) signatures;
};

/* dmarc */
struct aa_dmarc_rfc9989 {
	const char	*record_domain, *org_domain, *result, *disposition;
};

struct aa_dmarc_opendmarc {
	const char	*result, *disposition;
	enum aa_tri	 agrees;
	const char	*note;
};

struct aa_dmarc_report {
	const char	*from_domain, *record_domain, *record;
	const char	*org_domain_psl, *org_domain_treewalk;
	const char	*policy, *subdomain_policy, *np;
	struct aa_int	 pct;
	const char	*adkim, *aspf;
	enum aa_tri	 testing;
	const char	*applied;
	enum aa_tri	 spf_aligned, dkim_aligned;
	const char	*result, *disposition, *disposition_sampled_out;
	struct aa_dmarc_rfc9989 *rfc9989;	/* NULL: null */
	struct aa_dmarc_opendmarc *opendmarc;	/* NULL: null */
};

/* verdict */
struct aa_receiver_out {
	const char	*name, *outcome;
	struct aa_int	 code;
	const char	*enhanced, *reply;
	bool		 likely;
};

struct aa_record_out {
	const char	*name, *type, *value;
};

struct aa_fix {
	const char	*text;
	struct aa_record_out *record;	/* NULL: null */
};

struct aa_verdict {
	const char	*outcome, *cause;
	struct aa_int	 code;
	const char	*enhanced, *summary, *assumes;
	AA_VEC(struct aa_receiver_out) receivers;
	AA_VEC(struct aa_fix) fixes;
};

/* whatif */
struct aa_whatif {
	struct aa_strvec  changes;
	struct {
		struct aa_int	 spf_lookups;
		const char	*spf_result, *dmarc_disposition, *outcome;
	} before;
};

/*
 * baseline (--baseline): the comparison with a saved report, design.md 3a
 * "Regression".  Each entry names what was compared; before and after are
 * its values as text (NULL: absent).  Not in design.md 3's list: the key
 * "baseline" is an addition (3: keys may be added).
 */
struct aa_change {
	const char	*what;		/* "finding", "spf-record", ... */
	const char	*id;		/* the finding id, or NULL */
	const char	*subject;
	const char	*before, *after;
};

struct aa_baseline_out {
	const char	*file;
	AA_VEC(struct aa_change) regressions, improved, unchanged;
};

/* findings and the query log */
struct aa_finding {
	enum aa_code	 code;
	enum aa_severity severity;
	const char	*subject, *message;
	struct aa_origin origin;
};

struct aa_query_out {
	const char	*name, *type, *rcode;
	long long	 answers;
	const char	*source;
	long long	 ms;
	const char	*by;
};

struct aa_report {
	struct aa_arena	*arena;
	const char	*version, *psl_date;
	const char	*command;	/* "domain", "message", "spf", "dns" */
	struct aa_input	*input;		/* NULL: null */
	struct aa_dns_section *dns;
	struct aa_spf_report *spf;
	struct aa_dkim_report *dkim;
	struct aa_dmarc_report *dmarc;
	struct aa_verdict *verdict;
	struct aa_whatif *whatif;
	struct aa_baseline_out *baseline;	/* NULL: null */
	AA_VEC(struct aa_finding) findings;
	AA_VEC(struct aa_query_out) dns_queries;
	/* Not in JSON: set by the dns command from the answer's rcode. */
	bool		 dns_temporary;
};

/* A new empty report for command.  Never NULL. */
struct aa_report *aa_report_new(const char *command);
void		 aa_report_free(struct aa_report *);
char		*aa_report_strdup(struct aa_report *, const char *);
char		*aa_report_printf(struct aa_report *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * Add a finding with the registry's default severity; message is a
 * printf format.  Returns the finding (valid until the next one is added)
 * so a caller may adjust severity or origin.
 */
struct aa_finding *aa_report_add(struct aa_report *, enum aa_code,
		    const char *subject, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* Copy the query log of dns into rep->dns_queries (replacing it). */
void		 aa_report_take_log(struct aa_report *, const struct aa_dns *);
/* Highest severity of findings (non-temporary only if nontemp); -1: none. */
int		 aa_report_max_severity(const struct aa_report *, bool nontemp);
bool		 aa_report_has_temporary(const struct aa_report *);

enum aa_fail_on {
	AA_FAIL_ON_ERROR = 0,
	AA_FAIL_ON_WARNING,
	AA_FAIL_ON_REGRESSION,
	AA_FAIL_ON_NEVER
};

/*
 * Exit status of design.md 2: 1 when a non-temporary finding reaches
 * fail_on (AA_FAIL_ON_REGRESSION: when regressions is true), else 4 when
 * a temporary failure left a result undetermined, else 0.
 */
int		 aa_report_exit_status(const struct aa_report *, enum aa_fail_on,
		    bool regressions);

#endif /* AA_REPORT_H */
