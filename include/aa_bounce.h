/*
 * aa_bounce.h: classify each reply of a bounce (issue "Read every 550
 * variant"): address, mailbox, relay, reputation, authentication,
 * reverse-dns, volume, transient (design.md 3a), provider meanings of
 * receivers-and-threats.md before the generic RFC 3463 reading.  Owner:
 * the bounce-classes issue.
 */
#ifndef AA_BOUNCE_H
#define AA_BOUNCE_H

struct aa_report;

/*
 * The class of one reply, or NULL when it cannot be classified.  code:
 * the basic reply code (0 unknown); enhanced: "5.7.26" or NULL; text:
 * the diagnostic; provider: a receiver name, "postfix", "exim" or NULL.
 */
const char	*aa_bounce_classify(int code, const char *enhanced,
		    const char *text, const char *provider);
/*
 * Set class_ of every recipient of rep->input->bounce and add the
 * bounce-* findings with their fix paths.
 */
void		 aa_bounce_classify_report(struct aa_report *);

#endif /* AA_BOUNCE_H */
