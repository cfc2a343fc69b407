/*
 * bounce_rules.c: what a bounce's reply means, as data.  The first rule
 * that matches wins, so the order is the precedence:
 *
 *   1. provider rules: a provider's own meaning of a code or text
 *      (receivers-and-threats.md 0: "match on (provider, basic code,
 *      enhanced code, text), never the code alone");
 *   2. codes with one meaning: the SMTP AUTH replies (RFC 4954 6) and
 *      enhanced codes (RFC 3463, RFC 4954, RFC 7293, RFC 7372, RFC 7505
 *      and the codes only Microsoft uses);
 *   3. phrases of the text, for replies whose code says little (X.0.0,
 *      X.7.0, X.7.1, none): RFC 7372 5 lets a receiver hide the real
 *      reason behind 5.7.1, so the text speaks first there;
 *   4. the generic codes themselves (X.4.1, X.7.0-2);
 *   5. the basic code (RFC 5321 4.2.2, RFC 7504 3);
 *   6. any other 4xx is transient (RFC 5321 4.2.1, RFC 3463 3.1).
 *
 * Replies modelled in the tests are public examples: the Google, Yahoo
 * and Microsoft reference pages, Postfix and Exim sources, and the
 * replies quoted in receivers-and-threats.md 2.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bounce_int.h"

#define GOOGLE	"Google SMTP errors (support.google.com/a/answer/3726730); " \
		"receivers-and-threats.md 2"
#define YAHOO	"Yahoo SMTP error codes (senders.yahooinc.com/" \
		"smtp-error-codes); receivers-and-threats.md 2"
#define MSFT	"Microsoft, NDRs in Exchange Online (learn.microsoft.com/" \
		"exchange/mail-flow-best-practices/non-delivery-reports-in-" \
		"exchange-online)"
#define OLC	"Outlook.com postmaster (sendersupport.olc.protection." \
		"outlook.com/pm/troubleshooting)"
#define CATALOG	"receivers-and-threats.md 2"
#define ISSUE	"the bounce classes' table (issue 10)"

/* Reply classes of a rule. */
#define ANY	0
#define TEMP	'4'
#define PERM	'5'

#define PROV(p, r, b, s, lo, hi, ph, c, m, src) \
	{ (p), (r), (b), (s), (lo), (hi), false, (ph), (c), (m), (src) }
#define CODE(r, s, lo, hi, c, m, src) \
	{ BP_ANY, (r), 0, (s), (lo), (hi), false, NULL, (c), (m), (src) }
#define TEXT(r, not7, ph, c, m, src) \
	{ BP_ANY, (r), 0, SUBJ_ANY, 0, 0, (not7), (ph), (c), (m), (src) }
#define BASIC(b, c, m, src) \
	{ BP_ANY, 0, (b), SUBJ_ANY, 0, 0, false, NULL, (c), (m), (src) }

/* Phrase lists shared by several rules. */
#define RELAY_PHRASES	"relay access denied|relaying denied|relay denied|" \
	"relay not permitted|relaying not permitted|relaying not allowed|" \
	"relaying disallowed|not allowed to relay|unable to relay|" \
	"we do not relay|authentication required|must authenticate|" \
	"client was not authenticated|not authenticated to send|" \
	"send as this sender|not owned by user|not logged in|" \
	"unrecognized authentication type|sendasdenied"
#define RDNS_PHRASES	"reverse dns|reverse hostname|reverse lookup|" \
	"reverse mapping|ptr record|cannot find your hostname|rdns|" \
	"forward-confirmed|forward confirmed|fcrdns"
#define SENDER_PHRASES	"sender address rejected: domain not found|" \
	"sender domain not found|sender domain does not exist|" \
	"domain of sender address|unresolvable rfc.5321|" \
	"sender verify failed|sender verification failed|" \
	"verification failed for"
#define AUTH_PHRASES	"dmarc|spf|dkim|sender policy framework|" \
	"domainkeys|unauthenticated|authentication check|" \
	"authentication results|failed authentication|" \
	"authentication failed|authentication level|not authenticated|" \
	"[hme1]|multiple from|multiple addresses in the from|spoof"
#define VOLUME_PHRASES	"rate limit|rate-limit|ratelimit|sending limit|" \
	"sending quota|daily limit|daily user sending|too many messages|" \
	"too many connections|too many concurrent|throttl|message rate|" \
	"sending rate|sending activity|rp-001|rp-002|rp-003"
#define REPUTATION_PHRASES "spam|blocklist|block list|blacklist|" \
	"black list|denylist|blocked using|listed at|listed on|listed in|" \
	"spamhaus|spamcop|barracuda|reputation|unsolicited|banned|" \
	"blocked|content rejected|message content|content presents|" \
	"unacceptable content|prohibited content|content filter|virus|" \
	"malware|phishing|administrative prohibition|policy"
#define MAILBOX_PHRASES	"mailbox full|mailbox is full|over quota|" \
	"quota exceeded|exceeded storage|out of storage|" \
	"storage allocation|insufficient storage|mailbox disabled|" \
	"mailbox is disabled|account disabled|account is disabled|" \
	"account has been disabled|inactive|mailbox size limit|" \
	"message too big|message size exceeds|too large"
#define ADDRESS_PHRASES	"user unknown|unknown user|no such user|" \
	"no such recipient|no such mailbox|recipient unknown|" \
	"unknown recipient|recipient not found|user not found|" \
	"mailbox not found|address not found|does not exist|" \
	"doesn't exist|invalid recipient|invalid mailbox|" \
	"not a valid mailbox|unrouteable address|unroutable address|" \
	"bad destination|no mailbox here|unknown local part|" \
	"doesn't have a|host or domain name not found|" \
	"address is no longer|no longer in use"

const struct bounce_rule bounce_rules[] = {
	/* 1. Provider meanings. */
	PROV(BP_GMAIL, TEMP, 0, 7, 26, 26, NULL, BC_AUTHENTICATION,
	    "Gmail defers (rate-limits) mail that is unauthenticated, or "
	    "whose DMARC check hit a temporary DNS failure", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 26, 26, NULL, BC_AUTHENTICATION,
	    "Gmail: the message is unauthenticated (neither SPF nor DKIM "
	    "passes) or fails the From domain's DMARC policy", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 27, 27, NULL, BC_AUTHENTICATION,
	    "Gmail bulk-sender rule: SPF did not pass (not the null MX "
	    "that RFC 7505 registers as 5.7.27)", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 28, 28, NULL, BC_VOLUME,
	    "Gmail: an unusual rate of mail from this IP; it is rate "
	    "limited or blocked", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 29, 29, NULL, BC_AUTHENTICATION,
	    "Gmail bulk-sender rule: the message was not sent over TLS "
	    "(not the ARC failure the IANA registry gives 5.7.29)", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 30, 30, NULL, BC_AUTHENTICATION,
	    "Gmail bulk-sender rule: no passing DKIM signature (not the "
	    "REQUIRETLS of RFC 8689)", GOOGLE),
	PROV(BP_GMAIL, ANY, 504, 7, 40, 40, NULL, BC_RELAY,
	    "Gmail submission: the SMTP AUTH mechanism is not recognised",
	    GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 40, 40, NULL, BC_AUTHENTICATION,
	    "Gmail bulk-sender rule: the From domain has no DMARC record "
	    "or no DMARC policy (5.7.40 is not in the IANA registry)",
	    GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 32, 32, NULL, BC_AUTHENTICATION,
	    "Gmail bulk-sender rule: the From domain is not aligned with "
	    "the SPF or the DKIM domain", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, 7, 24, 24, NULL, BC_AUTHENTICATION,
	    "Gmail: the SPF record of the sending domain has suspicious "
	    "entries or could not be evaluated", GOOGLE),
	PROV(BP_GMAIL, TEMP, 0, 7, 23, 23, NULL, BC_REVERSE_DNS,
	    "Gmail: the sending IP has no PTR record, or its name does "
	    "not resolve back to it (not the SPF failure of RFC 7372)",
	    GOOGLE),
	PROV(BP_GMAIL, ANY, 0, SUBJ_ANY, 0, 0, "ptr record|ipv6 sending "
	    "guidelines", BC_REVERSE_DNS,
	    "Gmail: the sending IP has no PTR record or forward-confirmed "
	    "reverse DNS fails (IPv6 senders need both PTR and "
	    "authentication)", GOOGLE),
	PROV(BP_GMAIL, ANY, 0, SUBJ_ANY, 0, 0, "multiple addresses in the "
	    "from|multiple from|duplicate headers", BC_AUTHENTICATION,
	    "Gmail: the From field breaks RFC 5322 (several fields or "
	    "addresses), which DMARC cannot evaluate", GOOGLE),
	PROV(BP_GMAIL, PERM, 0, SUBJ_ANY, 0, 0, "not authorized to send "
	    "email directly", BC_REPUTATION,
	    "Gmail: the IP (a dynamic or consumer range) may not send "
	    "directly; send through your provider's relay", GOOGLE),
	PROV(BP_GMAIL, PERM, 0, 2, 1, 1, "receiving mail at a rate",
	    BC_MAILBOX, "Gmail: the recipient receives mail faster than "
	    "the mailbox accepts it", GOOGLE),
	PROV(BP_GMAIL, TEMP, 0, 2, 1, 1, NULL, BC_TRANSIENT,
	    "Gmail: the recipient is receiving mail too quickly for now",
	    GOOGLE),
	PROV(BP_GMAIL, TEMP, 0, 7, 0, 0, "low reputation|unsolicited|"
	    "suspicious", BC_REPUTATION,
	    "Gmail defers the message for the low reputation of the "
	    "sending IP or domain", GOOGLE),
	PROV(BP_YAHOO, ANY, 0, 7, 9, 9, NULL, BC_AUTHENTICATION,
	    "Yahoo: the message failed authentication (SPF, DKIM) or the "
	    "From domain's DMARC policy (not RFC 4954's weak SMTP AUTH "
	    "mechanism)", YAHOO),
	PROV(BP_YAHOO, ANY, 0, SUBJ_ANY, 0, 0, "[tss09]", BC_REPUTATION,
	    "Yahoo: every message from this IP is refused for its "
	    "reputation; retrying will not succeed", YAHOO),
	PROV(BP_YAHOO, ANY, 0, SUBJ_ANY, 0, 0, "[tss04]|[ts01]|[ts02]|"
	    "[ts03]|[tss11]|user complaints", BC_REPUTATION,
	    "Yahoo defers mail from this IP for unexpected volume or user "
	    "complaints (also seen for domains without SPF, DKIM, DMARC)",
	    YAHOO),
	PROV(BP_YAHOO, PERM, 0, SUBJ_ANY, 0, 0, "mailbox is disabled|"
	    "(554.30)", BC_MAILBOX,
	    "Yahoo: the recipient's mailbox is disabled", YAHOO),
	/* Directory-based edge blocking: the recipient does not exist. */
	PROV(BP_ANY, PERM, 0, 4, 1, 1, "recipient address rejected: "
	    "access denied", BC_ADDRESS,
	    "Exchange Online: the recipient does not exist in the "
	    "destination organisation (directory-based edge blocking)",
	    MSFT),
	PROV(BP_MICROSOFT, TEMP, 0, 7, 650, 651, NULL, BC_REPUTATION,
	    "Outlook.com defers mail from this IP for its reputation", OLC),
	PROV(BP_MICROSOFT, PERM, 0, SUBJ_ANY, 0, 0, "mailbox unavailable",
	    BC_ADDRESS, "Outlook.com: the mailbox does not exist (its "
	    "reading of RFC 5321's generic 550 text)", OLC),
	PROV(BP_ANY, PERM, 0, 1, 8, 8, "bad outbound sender", BC_REPUTATION,
	    "Microsoft: the sending account is blocked for sending spam "
	    "(not a bad sender domain, RFC 3463 X.1.8)", MSFT),
	PROV(BP_ANY, ANY, 0, SUBJ_ANY, 0, 0, "[hme1]", BC_AUTHENTICATION,
	    "iCloud: the message failed both SPF and DKIM", CATALOG),
	PROV(BP_ANY, PERM, 0, SUBJ_ANY, 0, 0, "[cs01]", BC_REPUTATION,
	    "iCloud: refused by local (content or reputation) policy",
	    CATALOG),
	PROV(BP_ANY, PERM, 0, SUBJ_ANY, 0, 0, "reject due to policy "
	    "restrictions", BC_AUTHENTICATION,
	    "GMX, web.de, mail.com: a policy refusal they give for DMARC "
	    "and SPF failures, header syntax and missing PTR; the checks "
	    "say which applies", CATALOG),

	/* 2. Codes with one meaning: SMTP AUTH replies (RFC 4954 6). */
	BASIC(530, BC_RELAY, "the server requires SMTP authentication",
	    "RFC 4954 6 (530)"),
	BASIC(534, BC_RELAY, "the SMTP AUTH mechanism is too weak",
	    "RFC 4954 6 (534)"),
	BASIC(535, BC_RELAY, "the SMTP AUTH credentials are invalid",
	    "RFC 4954 6 (535)"),
	BASIC(538, BC_RELAY, "SMTP AUTH needs an encrypted connection",
	    "RFC 4954 6 (538)"),
	CODE(PERM, 1, 0, 4, BC_ADDRESS, "the recipient address is "
	    "unknown or invalid", "RFC 3463 3.2 (X.1.0-X.1.4)"),
	CODE(PERM, 1, 6, 6, BC_ADDRESS, "the mailbox has moved and no "
	    "forwarding address is known", "RFC 3463 3.2 (X.1.6)"),
	CODE(ANY, 1, 7, 8, BC_AUTHENTICATION, "the sender address or its "
	    "domain is invalid or does not resolve", "RFC 3463 3.2 "
	    "(X.1.7, X.1.8)"),
	CODE(PERM, 1, 10, 10, BC_ADDRESS, "the recipient's domain has a "
	    "null MX, or (Microsoft) the recipient was not found",
	    "RFC 7505 4.2 (X.1.10); " MSFT),
	CODE(PERM, 1, 20, 20, BC_AUTHENTICATION, "Microsoft: several From "
	    "addresses without a Sender field (RFC 5322 3.6.2)", MSFT),
	CODE(PERM, 2, 0, 2, BC_MAILBOX, "the recipient's mailbox is full, "
	    "disabled or not accepting mail", "RFC 3463 3.3 (X.2.0-X.2.2)"),
	CODE(PERM, 2, 3, 3, BC_MAILBOX, "the message is larger than the "
	    "recipient's mailbox accepts; send a smaller one",
	    "RFC 3463 3.3 (X.2.3)"),
	CODE(TEMP, 2, 2, 2, BC_TRANSIENT, "the recipient's mailbox is "
	    "full for now; it accepts mail again once space is freed",
	    "RFC 3463 3.3 (X.2.2)"),
	CODE(PERM, 3, 4, 4, BC_MAILBOX, "the message is larger than the "
	    "receiving system accepts; send a smaller one",
	    "RFC 3463 3.4 (X.3.4)"),
	CODE(PERM, 4, 4, 4, BC_ADDRESS, "the recipient's domain has no "
	    "mail server to route to (no MX, no address)",
	    "RFC 3463 3.5 (X.4.4)"),
	CODE(PERM, 4, 5, 5, BC_VOLUME, "a sending limit was exceeded "
	    "(Google: daily user sending quota)",
	    "RFC 3463 3.5 (X.4.5); " GOOGLE),
	CODE(ANY, 4, 7, 7, BC_TRANSIENT, "the message expired: the "
	    "receiver kept deferring it until the sender gave up",
	    "RFC 3463 3.5 (X.4.7)"),
	CODE(ANY, 7, 8, 14, BC_RELAY, "your SMTP authentication "
	    "(credentials, mechanism, encryption or account) was refused",
	    "RFC 4954 6; RFC 5248 (X.7.8-X.7.14)"),
	CODE(PERM, 7, 17, 19, BC_ADDRESS, "the mailbox or domain changed "
	    "owner since the address was collected", "RFC 7293 (X.7.17-"
	    "X.7.19)"),
	CODE(ANY, 7, 20, 22, BC_AUTHENTICATION, "no passing (or no "
	    "author-aligned) DKIM signature", "RFC 7372 3.1"),
	CODE(ANY, 7, 23, 23, BC_AUTHENTICATION, "SPF validation failed",
	    "RFC 7372 3.2"),
	CODE(ANY, 7, 24, 24, BC_AUTHENTICATION, "SPF validation error "
	    "(permerror, or temperror on 4xx)", "RFC 7372 3.2"),
	CODE(ANY, 7, 25, 25, BC_REVERSE_DNS, "reverse DNS validation "
	    "failed: no PTR record, or forward-confirmed rDNS does not "
	    "match", "RFC 7372 3.3"),
	CODE(ANY, 7, 26, 26, BC_AUTHENTICATION, "several authentication "
	    "checks failed", "RFC 7372 3.4"),
	CODE(ANY, 7, 27, 27, BC_AUTHENTICATION, "the sender's domain has a "
	    "null MX and accepts no replies", "RFC 7505 4.2 (X.7.27)"),
	CODE(ANY, 7, 28, 28, BC_VOLUME, "a mail flood was detected from "
	    "the sender", "IANA SMTP enhanced status codes (X.7.28); "
	    ISSUE),
	CODE(ANY, 7, 29, 29, BC_AUTHENTICATION, "ARC validation failed",
	    "RFC 8617 (X.7.29)"),
	CODE(ANY, 7, 7, 7, BC_AUTHENTICATION, "a message integrity check "
	    "failed (a generic code for DKIM failures)", "RFC 3463 3.8 "
	    "(X.7.7); RFC 7372 5"),
	CODE(ANY, 7, 509, 509, BC_AUTHENTICATION, "Microsoft: the From "
	    "domain fails DMARC and publishes p=reject", MSFT),
	CODE(ANY, 7, 512, 512, BC_AUTHENTICATION, "Microsoft: the From "
	    "field breaks RFC 5322 3.6.2", MSFT),
	CODE(ANY, 7, 515, 515, BC_AUTHENTICATION, "Outlook.com bulk-sender "
	    "rule: SPF and DKIM must pass and DMARC must align", MSFT),
	CODE(PERM, 7, 54, 54, BC_RELAY, "Microsoft: unable to relay to a "
	    "domain the server does not accept", MSFT),
	CODE(PERM, 7, 57, 57, BC_RELAY, "Microsoft: the client was not "
	    "authenticated to send anonymous mail", MSFT),
	CODE(PERM, 7, 60, 60, BC_RELAY, "Microsoft: the client may not "
	    "send as this sender", MSFT),
	CODE(PERM, 7, 64, 64, BC_RELAY, "Microsoft: relay access denied "
	    "(the connector does not match the sender)", MSFT),
	CODE(PERM, 7, 606, 649, BC_REPUTATION, "Microsoft: the sending IP "
	    "is on its block list (delist at sender.office.com)", MSFT),
	CODE(PERM, 7, 700, 750, BC_REPUTATION, "Microsoft: the sending "
	    "tenant or IP is blocked for suspicious or unregistered "
	    "traffic", MSFT),

	/* 3. Phrases, for codes that say little. */
	TEXT(ANY, false, "retry timeout exceeded|delivery time expired|"
	    "message expired|delivery time exceeded|too long in queue",
	    BC_TRANSIENT, "the sending server gave up after repeated "
	    "temporary failures; their cause is what to look at",
	    "RFC 3463 3.5 (X.4.7); Exim and Postfix queue lifetimes"),
	TEXT(PERM, false, RELAY_PHRASES, BC_RELAY, "the server does not "
	    "accept you as a sender without SMTP authentication",
	    "RFC 5321 3.6.1 (relaying); RFC 4954 6"),
	TEXT(ANY, false, "helo command rejected|ehlo command rejected|"
	    "invalid helo|helo hostname", BC_REVERSE_DNS, "the HELO name is "
	    "not a fully-qualified name that resolves; it should be the name "
	    "the sending IP's PTR record gives",
	    "RFC 5321 4.1.1.1; Postfix reject_*_helo_hostname"),
	TEXT(ANY, false, RDNS_PHRASES, BC_REVERSE_DNS, "the sending IP has "
	    "no PTR record, or forward-confirmed reverse DNS fails",
	    "RFC 7372 3.3; Postfix reject_unknown_client_hostname"),
	TEXT(ANY, false, SENDER_PHRASES, BC_AUTHENTICATION, "the receiver "
	    "could not verify the sender address or its domain",
	    "RFC 3463 3.2 (X.1.8); " YAHOO),
	TEXT(ANY, false, AUTH_PHRASES, BC_AUTHENTICATION, "the reply names "
	    "an SPF, DKIM or DMARC failure", "RFC 7208 8.4; RFC 7489 10.3; "
	    CATALOG),
	TEXT(ANY, false, VOLUME_PHRASES, BC_VOLUME, "a rate or daily "
	    "limit of the receiver was hit", ISSUE "; " OLC),
	TEXT(PERM, false, REPUTATION_PHRASES, BC_REPUTATION, "the "
	    "receiver refused the content, or the reputation of the "
	    "sending IP or domain", "RFC 3463 3.8 (X.7.1); " ISSUE),
	TEXT(PERM, true, MAILBOX_PHRASES, BC_MAILBOX, "the recipient's "
	    "mailbox is full or disabled", "RFC 5321 4.2.2 (552); " ISSUE),
	TEXT(PERM, true, ADDRESS_PHRASES, BC_ADDRESS, "the recipient's "
	    "mailbox does not exist", "RFC 5321 4.2.2 (550); " ISSUE),
	TEXT(PERM, true, "recipient address rejected", BC_ADDRESS,
	    "the receiver rejected the recipient address",
	    "Postfix (smtpd_recipient_restrictions); " ISSUE),
	TEXT(TEMP, false, "greylist|graylist", BC_TRANSIENT, "greylisting: "
	    "the receiver defers a first attempt and accepts the retry",
	    "RFC 6647 2"),

	/* 4. Generic codes. */
	CODE(PERM, 4, 1, 1, BC_RELAY, "550 5.4.1 in practice is a relay "
	    "refusal (RFC 3463 reads X.4.1 as no answer from host)",
	    ISSUE "; " MSFT),
	CODE(PERM, 7, 0, 2, BC_REPUTATION, "a policy refusal: content, "
	    "IP or domain reputation; a receiver may also hide an "
	    "authentication failure behind this code (RFC 7372 5)",
	    "RFC 3463 3.8 (X.7.0-X.7.2); " ISSUE),

	/* 5. Basic codes. */
	BASIC(521, BC_ADDRESS, "the recipient's domain does not accept "
	    "mail", "RFC 7504 3"),
	BASIC(556, BC_ADDRESS, "the recipient's domain does not accept "
	    "mail", "RFC 7504 3"),
	BASIC(551, BC_ADDRESS, "the user is not local to this server",
	    "RFC 5321 4.2.2 (551)"),
	BASIC(553, BC_ADDRESS, "the mailbox name is not allowed",
	    "RFC 5321 4.2.2 (553)"),
	BASIC(552, BC_MAILBOX, "the mailbox exceeded its storage "
	    "allocation", "RFC 5321 4.2.2 (552)"),

	/* 6. Anything else temporary. */
	CODE(TEMP, SUBJ_ANY, 0, 0, BC_TRANSIENT, "a temporary failure; "
	    "the sending server retries on its own",
	    "RFC 5321 4.2.1 (4yz); RFC 3463 3.1"),
};

const size_t bounce_nrules = sizeof(bounce_rules) / sizeof(bounce_rules[0]);
