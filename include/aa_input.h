/*
 * aa_input.h: what `authaudit message` reads: a message or a bounce (RFC
 * 3464 DSN, or a provider's plain-text bounce), and who sent it from
 * where (design.md 3a "Input recovery").  Fills rep->input (sources,
 * from_domain(s), bounce) and adds msg-* and input-* findings.  Owner:
 * the message-input issue.
 */
#ifndef AA_INPUT_H
#define AA_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "aa_status.h"

struct aa_msg;
struct aa_report;

struct aa_msg_input {
	/*
	 * The message whose authentication is checked: the top message,
	 * or the returned message (or headers) of a bounce, parsed from
	 * its original bytes (never re-serialised).  Owned by the input
	 * unless it is the top message; see aa_msg_input_free().
	 */
	const struct aa_msg *msg;
	bool		 headers_only;	/* text/rfc822-headers: no body */
	bool		 is_bounce;
	/* Private to msg_input.c. */
	struct aa_msg	*owned;
};

/*
 * Analyse top: recognise a bounce, recover IP, HELO and MAIL FROM (the
 * --ip, --helo, --mail-from options already in rep->input win), the
 * author domains, and the bounce's recipients with their replies.
 * Returns AA_OK or AA_EPARSE with err set when nothing can be read.
 */
enum aa_status	 aa_msg_input_analyze(struct aa_report *,
		    const struct aa_msg *top, struct aa_msg_input *,
		    char *err, size_t errlen);
void		 aa_msg_input_free(struct aa_msg_input *);

#endif /* AA_INPUT_H */
