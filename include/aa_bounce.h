/*
 * aa_bounce.h: classify each reply of a bounce (issue "Read every 550
 * variant"): address, mailbox, relay, reputation, authentication,
 * reverse-dns, volume, transient (design.md 3a), provider meanings of
 * receivers-and-threats.md before the generic RFC 3463 reading.  Owner:
 * the bounce-classes issue.
 *
 * Everything here is pure: no DNS, no clock, no output.  The rules are a
 * data table in src/bounce_rules.c, each entry citing its source.
 */
#ifndef AA_BOUNCE_H
#define AA_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "aa_finding.h"

struct aa_report;

/*
 * Reply text past this many octets is not looked at: RFC 5321 4.5.3.1.5
 * caps a reply line at 512 octets, and the longest multi-line provider
 * replies are a few lines.  Hostile bounces cannot make matching slow.
 */
#define AA_BOUNCE_TEXT_MAX	8192

/* RFC 3463 2: class "." subject "." detail, 1 to 3 digits each. */
#define AA_BOUNCE_ENHANCED_MAX	sizeof("5.999.999")

/* The reply codes of one SMTP reply text. */
struct aa_bounce_reply {
	int		 code;		/* basic reply code; 0 when none */
	char		 enhanced[AA_BOUNCE_ENHANCED_MAX]; /* "" if none */
};

/*
 * Find the basic reply code (RFC 5321 4.2) and the enhanced status code
 * (RFC 3463 2) in len octets of reply text as bounces carry it: a
 * Diagnostic-Code ("smtp; 550-5.1.1 ..."), a Postfix or Exim line
 * ("... said: 550 5.1.1 <x>: ...") or a bare reply.  The text need not
 * be NUL-terminated and may hold any octet (a fuzzing entry point).
 * Returns true when either code was found; out is always set.
 */
bool		 aa_bounce_reply_parse(const char *text, size_t len,
		    struct aa_bounce_reply *out);

/* What one classification rule says about a reply. */
struct aa_bounce_result {
	const char	*class_;	/* NULL: not classified */
	const char	*meaning;	/* one sentence; NULL: unclassified */
	const char	*source;	/* the rule's citation */
	const char	*provider;	/* whose meaning applied, or NULL */
	bool		 permanent;	/* a 5xx reply: a retry as-is fails */
	int		 code;		/* the basic code used; 0: none */
	char		 enhanced[AA_BOUNCE_ENHANCED_MAX]; /* "" if none */
};

/*
 * Classify one reply: the first rule of the table that matches wins.
 * code: the basic reply code (0 unknown); enhanced: "5.7.26" or NULL;
 * text: the diagnostic (NULL: none); provider: a receiver name, "postfix",
 * "exim" or NULL (then the text's own markers, such as Gmail's "gsmtp",
 * name the provider).  res is always set.
 */
void		 aa_bounce_explain(int code, const char *enhanced,
		    const char *text, const char *provider,
		    struct aa_bounce_result *res);
/*
 * The class of one reply, or NULL when it cannot be classified.  code:
 * the basic reply code (0 unknown); enhanced: "5.7.26" or NULL; text:
 * the diagnostic; provider: a receiver name, "postfix", "exim" or NULL.
 */
const char	*aa_bounce_classify(int code, const char *enhanced,
		    const char *text, const char *provider);

/* A class of the table: what it means and its fix path. */
struct aa_bounce_class {
	const char	*name;		/* "address", ... (design.md 3a) */
	const char	*headline;	/* "address problem, not ..." */
	const char	*meaning;
	const char	*fix;		/* the fix path */
	bool		 has_finding;	/* false: checks and verdict explain */
	enum aa_code	 code;		/* its bounce-* id if has_finding */
};

/* The class named name; NULL when name is not a class. */
const struct aa_bounce_class *aa_bounce_class_info(const char *name);
/* Whether a retry as-is can succeed, in words, for a basic code class. */
const char	*aa_bounce_retry(bool permanent, const char *class_);

struct aa_bounce;
struct aa_bounce_recipient;

/*
 * Classify one recipient of a bounce as aa_bounce_classify_report() does:
 * the remote server's codes in the diagnostic first, then the recipient's
 * code and its Status field (RFC 3464 2.3.4).  A recipient whose action
 * reports no failure (RFC 3464 2.3.3: delivered, relayed, expanded) is
 * not classified.  For renderers too: pure, reads only r.
 */
void		 aa_bounce_recipient_explain(const struct aa_bounce_recipient *,
		    struct aa_bounce_result *res);
/*
 * The recipient whose class heads the report (the text's first line, the
 * verdict's cause): permanent failures before temporary ones, then the
 * classes that hit all mail (authentication, reverse DNS, relay,
 * reputation, volume) before those of one recipient (address, mailbox)
 * and transient; the first recipient among equals.  Its index goes to
 * *index (may be NULL).  NULL when no recipient is classified.
 */
const struct aa_bounce_class *aa_bounce_main(const struct aa_bounce *,
		    size_t *index);

/*
 * Set class_ of every recipient of rep->input->bounce and add the
 * bounce-* findings with their fix paths.
 */
void		 aa_bounce_classify_report(struct aa_report *);

#endif /* AA_BOUNCE_H */
