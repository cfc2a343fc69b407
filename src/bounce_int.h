/*
 * bounce_int.h: the rule table of the bounce classifier, private to
 * src/bounce*.c.  One rule: who says it (provider), which replies it
 * covers (reply class, basic code, enhanced code, phrases of the text)
 * and what it concludes, with the source it comes from.
 */
#ifndef AA_BOUNCE_INT_H
#define AA_BOUNCE_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Providers whose replies give codes their own meanings. */
enum bounce_provider {
	BP_ANY = 0,
	BP_GMAIL,
	BP_YAHOO,
	BP_MICROSOFT,		/* Outlook.com and Microsoft 365 share codes */
	BP_APPLE
};

enum bounce_class {
	BC_NONE = 0,
	BC_ADDRESS,
	BC_MAILBOX,
	BC_RELAY,
	BC_REPUTATION,
	BC_AUTHENTICATION,
	BC_REVERSE_DNS,
	BC_VOLUME,
	BC_TRANSIENT
};

/* subj of a rule: any enhanced code, or none at all. */
#define SUBJ_ANY	(-1)
#define SUBJ_NONE	(-2)

struct bounce_rule {
	enum bounce_provider provider;
	char		 reply;		/* '4', '5', or 0: either */
	short		 basic;		/* the basic code, 0: any */
	short		 subj;		/* enhanced X.subj.detail, or SUBJ_* */
	short		 lo, hi;	/* detail range when subj >= 0 */
	bool		 not7;		/* never for an X.7.x enhanced code */
	const char	*phrases;	/* '|'-separated, any case; NULL: all */
	enum bounce_class class_;
	const char	*meaning;
	const char	*source;
};

extern const struct bounce_rule bounce_rules[];
extern const size_t bounce_nrules;

#endif /* AA_BOUNCE_INT_H */
