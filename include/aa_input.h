/*
 * aa_input.h: what `authaudit message` reads: a message or a bounce (RFC
 * 3464 DSN, or a provider's plain-text bounce), and who sent it from
 * where (design.md 3a "Input recovery").  Fills rep->input (sources,
 * from_domain(s), bounce) and adds msg-* and input-* findings.  Owner:
 * the message-input issue.
 *
 * The lower half declares the readers the analysis is built from; each
 * takes untrusted bytes and is a fuzzing entry point.
 */
#ifndef AA_INPUT_H
#define AA_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_arena.h"
#include "aa_status.h"

struct aa_authres;
struct aa_dns;
struct aa_msg;
struct aa_report;

/* Bounds of the MIME reader (design.md 5). */
#define AA_MIME_MAX_DEPTH	16	/* nested multiparts */
#define AA_MIME_MAX_PARTS	512	/* parts in all */
#define AA_DSN_MAX_RECIPIENTS	1000	/* recipients reported per bounce */
#define AA_DSN_MAX_REPLY	4096	/* octets of one reply kept */

struct aa_msg_input {
	/*
	 * The message whose authentication is checked: the top message,
	 * or the returned message (or headers) of a bounce, parsed from
	 * its original bytes (never re-serialised).  Owned by the input
	 * unless it is the top message; see aa_msg_input_free().  NULL for
	 * a bounce that returned nothing.
	 */
	const struct aa_msg *msg;
	bool		 headers_only;	/* text/rfc822-headers: no body */
	bool		 is_bounce;
	/*
	 * Set by the caller (may stay NULL): the DNS layer, used only to
	 * guess a bounce's sending address from its Reporting-MTA name.
	 */
	struct aa_dns	*dns;
	/*
	 * A delivered copy's topmost Authentication-Results (RFC 8601), in
	 * the report's arena, for a later stage to set beside its own
	 * results as evidence; NULL for a bounce (the refusing receiver
	 * wrote none) or when there is none.
	 */
	const struct aa_authres *authres;
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

/* ------------------------------------------------------------------ */
/* The readers (fuzzing entry points).  All memory is in dsn->arena.   */

/* One recipient of a bounce, as RFC 3464 2.3 or a bounce text gives it. */
struct aa_dsn_rcpt {
	const char	*recipient;	/* address, type ("rfc822;") removed */
	const char	*action;	/* lower case: failed, delayed, ... */
	const char	*status;	/* "5.7.26" */
	const char	*remote_mta;	/* name, type removed */
	const char	*diagnostic;	/* the reply on one line */
	int		 code;		/* basic reply code; 0: unknown */
	const char	*provider;	/* receiver name, postfix, exim, NULL */
};

enum aa_returned {
	AA_RETURNED_NONE = 0,
	AA_RETURNED_MESSAGE,		/* message/rfc822: the whole message */
	AA_RETURNED_HEADERS		/* text/rfc822-headers or a cut copy */
};

struct aa_dsn {
	struct aa_arena	*arena;
	bool		 is_bounce;
	/*
	 * What recognised it: "dsn" (multipart/report), or the bounce
	 * text's generator: "postfix", "exim", "gmail", "microsoft",
	 * "yahoo".
	 */
	const char	*kind;
	const char	*reporting_mta;	/* name, type removed */
	const char	*sender;	/* X-Postfix-Sender, type removed */
	AA_VEC(struct aa_dsn_rcpt) rcpts;
	bool		 rcpts_capped;	/* more than AA_DSN_MAX_RECIPIENTS */
	enum aa_returned returned;
	/*
	 * The returned copy: a slice of the input when it was sent
	 * unencoded (the usual case, RFC 2046 5.2.1), else its transfer
	 * decoding (the arena holds it).  Never re-serialised.
	 */
	const uint8_t	*returned_bytes;
	size_t		 returned_len;
	bool		 returned_sliced;	/* true: bytes point into input */
	size_t		 returned_offset;	/* in the input, when sliced */
	size_t		 parts;			/* MIME parts seen */
	const char	*note;		/* what was bounded or skipped, or NULL */
	bool		 capped;	/* a cap above was reached (see note) */
};

/*
 * Read a whole message (header and body as received) as a bounce: walk
 * its MIME structure by boundaries (RFC 2046 5.1.1) within the caps
 * above, read a multipart/report's message/delivery-status part (RFC
 * 3464) and its returned message or headers, else recognise a
 * provider's bounce text.  dsn is zeroed and gets its own arena; call
 * aa_dsn_free() whatever the result.  dsn->is_bounce is false for an
 * ordinary message.  AA_EINVAL for bad arguments only: hostile input
 * gives a bounded result, never an error.
 */
enum aa_status	 aa_dsn_read(const uint8_t *, size_t, struct aa_dsn *);
void		 aa_dsn_free(struct aa_dsn *);

/*
 * The fields of a message/delivery-status body (RFC 3464 2.2 and 2.3):
 * per-message fields, then one group per recipient.  Adds to dsn, whose
 * arena must exist.  Returns the number of recipient groups read.
 */
size_t		 aa_dsn_fields(struct aa_dsn *, const uint8_t *, size_t);

/*
 * Recognise a plain-text bounce (Postfix, Exim, Gmail, Microsoft 365 or
 * Outlook.com, Yahoo) in text, a body after transfer decoding.  On a
 * match sets dsn->kind, adds the recipients, and when the bounce quotes
 * the returned message or its headers, points returned_bytes into text.
 * Returns whether a bounce was recognised.  dsn->arena must exist.
 */
bool		 aa_bounce_text_scan(struct aa_dsn *, const uint8_t *text,
		    size_t len);

/*
 * Parse one SMTP reply (RFC 5321 4.2) as a bounce quotes it: an optional
 * diagnostic type ("smtp;"), the basic code, the enhanced code (RFC 3463)
 * and the text, multi-line prefixes ("550-5.7.26 ") removed.  Sets
 * r->diagnostic (one line, white space collapsed, valid UTF-8, at most
 * AA_DSN_MAX_REPLY octets), r->code, and r->status when it is unset.
 */
void		 aa_dsn_reply(struct aa_arena *, struct aa_dsn_rcpt *,
		    const char *, size_t);
/*
 * The receiver that wrote a reply, from its text and the remote MTA's
 * name (either may be NULL): gmail, yahoo, outlook, microsoft365,
 * icloud, postfix, exim, or NULL.
 */
const char	*aa_reply_provider(const char *reply, const char *remote_mta);
/*
 * The client address a reply names ("with ip: [192.0.2.1]", "[ip]"),
 * written to out (at least 46 octets); false when it names none.
 */
bool		 aa_reply_ip(const char *reply, char *out, size_t outlen);

/*
 * A Received field's value (RFC 5321 4.4): the address and the HELO name
 * of its "from" clause.  ip gets the address (46 octets at least), helo
 * the name (lower case, no trailing dot), each empty when absent.
 * Returns whether an address was found.
 */
bool		 aa_received_parse(const char *value, char *ip, size_t iplen,
		    char *helo, size_t helolen);
/* Whether ip is private, loopback, link-local or unspecified. */
bool		 aa_ip_is_private(const char *ip);

/*
 * The addresses of an address list (RFC 5322 3.4: display names,
 * comments, groups, obsolete routes; RFC 6532 UTF-8).  Adds each
 * addr-spec to addrs, in arena a.  Returns the number added.
 */
size_t		 aa_addr_list(struct aa_arena *, const char *, size_t,
		    struct aa_strvec *addrs);
/*
 * A header value with RFC 2047 encoded-words decoded to UTF-8, for
 * display only (never for a check); in a.
 */
char		*aa_mime_decode_header(struct aa_arena *, const char *);

/*
 * An Authentication-Results field (RFC 8601 2.2): evidence only, never a
 * result (RFC 8601 5; CVE-2022-48521, CVE-2019-20790).  Each method's first
 * result, lower case; NULL when absent.
 */
struct aa_authres {
	const char	*authserv_id;
	const char	*spf, *spf_mailfrom;	/* smtp.mailfrom */
	const char	*dkim, *dkim_domain;	/* header.d */
	const char	*dmarc, *dmarc_from;	/* header.from */
};

/* Parse one field's value; false when it has no authserv-id.  In a. */
bool		 aa_authres_parse(struct aa_arena *, const char *,
		    struct aa_authres *);
/*
 * The topmost Authentication-Results of m: the one the last receiver
 * added (RFC 8601 5 has it remove forged copies of its own below).
 * False when there is none.
 */
bool		 aa_msg_authres_top(struct aa_arena *, const struct aa_msg *,
		    struct aa_authres *);

#endif /* AA_INPUT_H */
