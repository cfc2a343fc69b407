/*
 * test_bounce.c: the bounce classifier (src/bounce*.c).  Replies are
 * modelled on public examples: Google's, Yahoo's and Microsoft's SMTP
 * error references, Outlook.com's postmaster pages, Postfix and Exim
 * bounces, and the replies quoted in receivers-and-threats.md 2.  Each
 * case names the class the issue's table gives it; precedence cases put
 * a provider's meaning against the generic RFC 3463 / IANA reading.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aa_bounce.h"
#include "aa_report.h"
#include "../../src/bounce_int.h"

/* Char arrays, not pointers: Criterion runs each case in a fork. */
struct bcase {
	char	 name[48];
	int	 code;		/* 0: from the text */
	char	 enhanced[12];	/* "": from the text */
	char	 provider[16];	/* "": none given */
	char	 text[400];
	char	 want[16];	/* "": not classified */
};

#define G	" - gsmtp"

static struct bcase cases[] = {
	/* Gmail */
	{ "gmail-no-such-user", 0, "", "gmail", "550-5.1.1 The email "
	    "account that you tried to reach does not exist. Please try "
	    "double-checking the recipient's email address for typos or "
	    "unnecessary spaces. For more information, go to https://"
	    "support.google.com/mail/?p=NoSuchUser d9443c01a7336-1e2b0cb32e"
	    "2si12345plb.123" G, "address" },
	{ "gmail-disabled", 0, "", "", "550-5.2.1 The email account that "
	    "you tried to reach is disabled. https://support.google.com/"
	    "mail/?p=DisabledUser" G, "mailbox" },
	{ "gmail-over-quota", 0, "", "", "552-5.2.2 The email account "
	    "that you tried to reach is over quota and inactive." G,
	    "mailbox" },
	{ "gmail-over-quota-4xx", 0, "", "", "452-4.2.2 The email account "
	    "that you tried to reach is over quota." G, "transient" },
	{ "gmail-unauthenticated", 0, "", "", "550-5.7.26 This mail has "
	    "been blocked because the sender is unauthenticated. Gmail "
	    "requires all senders to authenticate with either SPF or DKIM. "
	    "Authentication results: DKIM = did not pass SPF [example.com] "
	    "with ip: [192.0.2.1] = did not pass" G, "authentication" },
	{ "gmail-421-4.7.26", 0, "", "", "421-4.7.26 This email has been "
	    "rate limited because it is unauthenticated. Gmail requires "
	    "all senders to authenticate with either SPF or DKIM." G,
	    "authentication" },
	{ "gmail-dmarc", 0, "", "gmail", "550-5.7.26 Unauthenticated email "
	    "from example.com is not accepted due to domain's DMARC policy. "
	    "Please contact the administrator of example.com domain if this "
	    "was a legitimate mail." G, "authentication" },
	{ "gmail-dmarc-temperror", 0, "", "", "451-4.7.26 Unauthenticated "
	    "email from example.com is not accepted due to domain's DMARC "
	    "policy, but temporary DNS failures prevent authentication." G,
	    "authentication" },
	{ "gmail-dmarc-2016", 0, "", "", "550-5.7.1 Unauthenticated email "
	    "from example.com is not accepted due to domain's DMARC policy."
	    G, "authentication" },
	{ "gmail-bulk-spf", 0, "", "", "550-5.7.27 Your email has been "
	    "blocked because the sender didn't pass SPF authentication. "
	    "Gmail requires bulk email senders to authenticate their email "
	    "with SPF." G, "authentication" },
	{ "gmail-bulk-dkim-4xx", 0, "", "", "421-4.7.30 Your email has "
	    "been rate limited because DKIM authentication didn't pass for "
	    "this message. Gmail requires bulk email senders to "
	    "authenticate their email with DKIM." G, "authentication" },
	{ "gmail-bulk-dmarc", 0, "", "", "421-4.7.40 Your email has been "
	    "rate limited because the sending domain doesn't have a DMARC "
	    "record or the DMARC record doesn't specify a DMARC policy." G,
	    "authentication" },
	{ "gmail-bulk-tls", 0, "", "", "550-5.7.29 Your email has been "
	    "blocked because this message wasn't sent over a TLS "
	    "connection." G, "authentication" },
	{ "gmail-bulk-aligned", 0, "", "", "421-4.7.32 Your email has been "
	    "rate limited because the From: header (RFC5322) in this "
	    "message isn't aligned with either the authenticated SPF or "
	    "DKIM organizational domain." G, "authentication" },
	{ "gmail-421-5.7.32", 421, "5.7.32", "gmail", "421 5.7.32 Your "
	    "email has been rate limited because the From: header isn't "
	    "aligned." G, "authentication" },
	{ "gmail-spf-suspicious", 0, "", "", "550-5.7.24 The SPF record of "
	    "the sending domain has one or more suspicious entries." G,
	    "authentication" },
	{ "gmail-submission-auth", 0, "", "", "504 5.7.40 Unrecognized "
	    "authentication type" G, "relay" },
	{ "gmail-auth-required", 0, "", "", "530-5.7.0 Authentication "
	    "Required. Learn more at https://support.google.com/mail/?p="
	    "WantAuthError" G, "relay" },
	{ "gmail-bad-password", 0, "", "", "535-5.7.8 Username and "
	    "Password not accepted." G, "relay" },
	{ "gmail-ptr", 0, "", "", "550-5.7.25 The IP address sending this "
	    "message does not have a PTR record setup, or the corresponding "
	    "forward DNS entry does not point to the sending IP." G,
	    "reverse-dns" },
	{ "gmail-ptr-4.7.23", 0, "", "", "451-4.7.23 The sending IP "
	    "address for this message doesn't have a PTR record, or the "
	    "forwarding DNS entry doesn't reference the sending IP "
	    "address." G, "reverse-dns" },
	{ "gmail-ipv6-ptr", 0, "", "", "550-5.7.1 [2001:db8::1] Our "
	    "system has detected that this message does not meet IPv6 "
	    "sending guidelines regarding PTR records and authentication."
	    G, "reverse-dns" },
	{ "gmail-spam", 0, "", "", "550-5.7.1 Our system has detected that "
	    "this message is likely unsolicited mail. To reduce the amount "
	    "of spam sent to Gmail, this message has been blocked." G,
	    "reputation" },
	{ "gmail-direct-ip", 0, "", "", "550-5.7.1 The IP you're using to "
	    "send mail is not authorized to send email directly to our "
	    "servers. Please use the SMTP relay at your service provider "
	    "instead." G, "reputation" },
	{ "gmail-low-reputation", 0, "", "", "421-4.7.0 This message is "
	    "suspicious due to the very low reputation of the sending IP "
	    "address." G, "reputation" },
	{ "gmail-rate-4.7.28", 0, "", "", "421-4.7.28 Our system has "
	    "detected an unusual rate of unsolicited mail originating from "
	    "your IP address. To protect our users from spam, mail sent "
	    "from your IP address has been temporarily rate limited." G,
	    "volume" },
	{ "gmail-rate-5.7.28", 0, "", "", "550-5.7.28 Our system has "
	    "detected an unusual rate of unsolicited mail originating from "
	    "your IP address. To protect our users from spam, mail sent "
	    "from your IP address has been blocked." G, "volume" },
	{ "gmail-daily-limit", 0, "", "", "550 5.4.5 Daily user sending "
	    "limit exceeded. For more information on Gmail sending limits "
	    "go to https://support.google.com/a/answer/166852" G, "volume" },
	{ "gmail-multiple-from", 0, "", "", "550-5.7.1 Messages with "
	    "multiple addresses in the From: header are not accepted." G,
	    "authentication" },
	{ "gmail-recipient-rate", 0, "", "", "550-5.2.1 The user you are "
	    "trying to contact is receiving mail at a rate that prevents "
	    "additional messages from being delivered." G, "mailbox" },
	{ "gmail-recipient-rate-4xx", 0, "", "", "450-4.2.1 The user you "
	    "are trying to contact is receiving mail too quickly. Please "
	    "resend your message at a later time." G, "transient" },
	{ "gmail-try-later", 0, "", "", "421-4.7.0 Try again later, "
	    "closing connection. (EHLO)" G, "transient" },
	{ "gmail-content", 0, "", "", "552-5.7.0 This message was blocked "
	    "because its content presents a potential security issue." G,
	    "reputation" },

	/* Yahoo and AOL */
	{ "yahoo-policy-5.7.9", 0, "", "", "554 5.7.9 Message not accepted "
	    "for policy reasons.  See https://postmaster.yahooinc.com/"
	    "error-codes", "authentication" },
	{ "yahoo-unauthenticated", 0, "", "yahoo", "550 5.7.9 This mail "
	    "has been blocked because the sender is unauthenticated. Yahoo "
	    "requires all senders to authenticate with either SPF or DKIM. "
	    "Authentication results: DKIM = FAILURE - SPF example.com with "
	    "ip 192.0.2.1 = FAILURE", "authentication" },
	{ "yahoo-tss09", 0, "", "", "553 5.7.2 [TSS09] All messages from "
	    "192.0.2.1 will be permanently deferred; Retrying will NOT "
	    "succeed. See https://postmaster.yahooinc.com/error-codes",
	    "reputation" },
	{ "yahoo-tss04", 0, "", "", "421 4.7.0 [TSS04] Messages from "
	    "192.0.2.1 temporarily deferred due to unexpected volume or user "
	    "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/"
	    "error-codes", "reputation" },
	{ "yahoo-no-soa", 0, "", "", "451 Message temporarily deferred due "
	    "to unresolvable RFC.5321 from domain; see https://"
	    "postmaster.yahooinc.com/error-codes", "authentication" },
	{ "yahoo-no-account", 0, "", "", "554 delivery error: dd This user "
	    "doesn't have a yahoo.com account (nobody@yahoo.com) [0] - "
	    "mta1234.mail.bf1.yahoo.com", "address" },
	{ "yahoo-disabled", 0, "", "", "554 delivery error: dd Sorry your "
	    "message to nobody@yahoo.com cannot be delivered. This mailbox "
	    "is disabled (554.30). - mta1234.mail.bf1.yahoo.com",
	    "mailbox" },
	{ "yahoo-quotes-gmail", 0, "", "", "554 5.7.9 Message not accepted "
	    "for policy reasons (joe@gmail.com). See https://"
	    "postmaster.yahooinc.com/error-codes", "authentication" },
	{ "yahoo-gl01", 0, "", "", "421 4.7.0 [GL01] Message from "
	    "(192.0.2.1) temporarily deferred - 4.16.50. Please refer to "
	    "https://postmaster.yahooinc.com/error-codes", "transient" },

	/* Microsoft: Outlook.com and Exchange Online */
	{ "ms-dmarc-reject", 0, "", "", "550 5.7.509 Access denied, sending "
	    "domain example.com does not pass DMARC verification and has a "
	    "DMARC policy of reject. [BN8NAM12FT054.eop-nam12.prod."
	    "protection.outlook.com]", "authentication" },
	{ "ms-auth-level", 0, "", "outlook", "550 5.7.515 Access denied, "
	    "sending domain example.com does not meet the required "
	    "authentication level.", "authentication" },
	{ "ms-spf", 0, "", "", "550 5.7.23 The message was rejected "
	    "because of Sender Policy Framework violation",
	    "authentication" },
	{ "ms-ipv6-ptr", 0, "", "", "550 5.7.25 Access denied, the sending "
	    "IPv6 address [2001:db8::1] must have a reverse DNS record.",
	    "reverse-dns" },
	{ "ms-ipv6-unsigned", 0, "", "microsoft365", "451 4.7.26 Access "
	    "denied, a message sent over IPv6 [2001:db8::1] must pass "
	    "either SPF or DKIM validation, this message is not signed.",
	    "authentication" },
	{ "ms-dbeb", 0, "", "", "550 5.4.1 Recipient address rejected: "
	    "Access denied. AS(201806281) [DM6NAM11FT012.eop-nam11.prod."
	    "protection.outlook.com]", "address" },
	{ "ms-relay", 0, "", "", "550 5.4.1 Relay Access Denied ATTR35 "
	    "[DM6NAM11FT012.eop-nam11.prod.protection.outlook.com]",
	    "relay" },
	{ "ms-not-found", 0, "", "", "550 5.1.10 RESOLVER.ADR."
	    "RecipientNotFound; Recipient not found by SMTP address lookup",
	    "address" },
	{ "ms-quota", 0, "", "", "554 5.2.2 mailbox full; STOREDRV.Deliver."
	    "Exception:QuotaExceededException.MapiExceptionShutoffQuota"
	    "Exceeded", "mailbox" },
	{ "ms-banned-ip", 0, "", "", "550 5.7.606 Access denied, banned "
	    "sending IP [192.0.2.1]. To request removal from this list "
	    "please visit https://sender.office.com/", "reputation" },
	{ "ms-traffic", 0, "", "", "550 5.7.708 Service unavailable. "
	    "Access denied, traffic not accepted from this IP.",
	    "reputation" },
	{ "ms-non-accepted", 0, "", "", "550 5.7.54 SMTP; Unable to relay "
	    "recipient in non-accepted domain", "relay" },
	{ "ms-anonymous", 0, "", "", "530 5.7.57 Client not authenticated "
	    "to send mail. [BN8NAM12FT054.eop-nam12.prod.protection."
	    "outlook.com]", "relay" },
	{ "ms-multiple-from", 0, "", "", "550 5.1.20 Multiple From "
	    "addresses are not allowed without Sender address",
	    "authentication" },
	{ "outlook-ip-reputation", 0, "", "", "451 4.7.650 The mail server "
	    "[192.0.2.1] has been temporarily rate limited due to IP "
	    "reputation. For e-mail delivery information, see https://"
	    "postmaster.live.com (S775)", "reputation" },
	{ "outlook-block-list", 0, "", "", "550 5.7.1 Unfortunately, "
	    "messages from [192.0.2.1] weren't sent. Please contact your "
	    "Internet service provider since part of their network is on "
	    "our block list (S3150).", "reputation" },
	{ "outlook-rp-001", 0, "", "", "421 RP-001 (BAY004-MC1F12) "
	    "Unfortunately, some messages from 192.0.2.1 weren't sent. "
	    "Please try again. We have limits for how many messages can be "
	    "sent per hour and per day.", "volume" },

	{ "outlook-mailbox-unavailable", 0, "", "", "550 5.5.0 Requested "
	    "action not taken: mailbox unavailable (-1234) "
	    "[BAY004-MC1F12.hotmail.com]", "address" },
	{ "ms-bad-outbound-sender", 0, "", "", "550 5.1.8 Access denied, "
	    "bad outbound sender. [AM4PEPF00027A5F.eurprd04.prod.outlook.com]",
	    "reputation" },
	{ "ms-spam-abuse", 0, "", "", "550 5.7.501 Access denied, spam "
	    "abuse detected. The sending account has been banned due to "
	    "detected spam activity.", "reputation" },
	{ "ms-send-as-denied", 0, "", "", "554 5.2.252 SendAsDenied; "
	    "joe@football.example.com not allowed to send as "
	    "info@football.example.com", "relay" },
	{ "ms-server-busy", 0, "", "", "451 4.7.500 Server busy. Please try "
	    "again later from [192.0.2.1]. (S77719)", "transient" },

	/* Apple iCloud */
	{ "icloud-hme1", 0, "", "", "554 5.7.1 [HME1] This message was "
	    "blocked for failing both SPF and DKIM authentication checks.",
	    "authentication" },
	{ "icloud-dmarc", 0, "", "icloud", "554 5.7.1 Your message was "
	    "rejected due to example.com's DMARC policy. See https://"
	    "support.apple.com/en-us/HT204137", "authentication" },
	{ "icloud-user", 0, "", "", "550 5.1.1 <nobody@icloud.com>: user "
	    "does not exist", "address" },
	{ "icloud-cs01", 0, "", "", "554 5.7.1 [CS01] Message rejected due "
	    "to local policy. Please visit https://support.apple.com/en-us/"
	    "HT204137", "reputation" },

	{ "icloud-quota", 0, "", "", "552 5.2.2 <x@icloud.com>: user is "
	    "over quota", "mailbox" },

	/* Other receivers */
	{ "proofpoint-blocked", 0, "", "", "554 5.7.0 Blocked - see "
	    "https://ipcheck.proofpoint.com/?ip=192.0.2.1", "reputation" },
	{ "mimecast-invalid", 0, "", "", "550 Invalid Recipient - https://"
	    "community.mimecast.com/docs/DOC-1369#550", "address" },
	{ "mimecast-spoofing", 0, "", "", "550 Rejected by header based "
	    "Anti-Spoofing policy: joe@football.example.com",
	    "authentication" },
	{ "exim-admin-prohibition", 0, "", "", "550 Administrative "
	    "prohibition", "reputation" },
	{ "zoho-unusual-activity", 0, "", "", "550 5.4.6 Unusual sending "
	    "activity detected. Please try after sometime.", "volume" },
	{ "gmx-policy", 0, "", "", "554-Transaction failed 554-Reject due "
	    "to policy restrictions. 554 For explanation visit https://"
	    "postmaster.gmx.net/en/case?c=r0301&i=ip&v=192.0.2.1",
	    "authentication" },
	{ "mailcom-dmarc", 0, "", "", "554 Transaction failed Reject due "
	    "to domain's DMARC policy", "authentication" },
	{ "zoho-dmarc", 0, "", "", "550 5.7.1 Email rejected per DMARC "
	    "policy for example.com", "authentication" },
	{ "mailru-dmarc", 0, "", "", "550 5.7.1 This message was not "
	    "accepted due to domain (example.com) owner DMARC policy (RFC "
	    "7489) https://help.mail.ru/mail-help/postmaster/dmarc",
	    "authentication" },
	{ "yandex-spam", 0, "", "", "554 5.7.1 [2] Message rejected under "
	    "suspicion of SPAM; https://ya.cc/1IrBc", "reputation" },
	{ "rspamd-spam", 0, "", "", "554 5.7.1 Spam message rejected",
	    "reputation" },
	{ "maddy-dmarc", 0, "", "", "550 5.7.1 DMARC check failed",
	    "authentication" },

	{ "gmail-size", 0, "", "", "552-5.2.3 Your message exceeded Google's "
	    "message size limits." G, "mailbox" },
	{ "yahoo-bl21", 0, "", "", "553 5.7.1 [BL21] Connections will not be "
	    "accepted from 192.0.2.1, because the ip is in Spamhaus's list; "
	    "see https://postmaster.yahooinc.com/error-codes", "reputation" },
	{ "daily-quota-5.7.1", 0, "", "", "550 5.7.1 Daily sending quota "
	    "exceeded", "volume" },
	{ "rate-limit-4xx", 0, "", "", "451 4.7.1 Rate limit exceeded, try "
	    "again later", "volume" },

	/* Postfix */
	{ "postfix-user-unknown", 0, "", "postfix", "host mx.example.org"
	    "[192.0.2.25] said: 550 5.1.1 <bob@example.org>: Recipient "
	    "address rejected: User unknown in virtual mailbox table (in "
	    "reply to RCPT TO command)", "address" },
	{ "postfix-relay", 0, "", "postfix", "host mx.example.org"
	    "[192.0.2.25] said: 554 5.7.1 <bob@example.org>: Relay access "
	    "denied (in reply to RCPT TO command)", "relay" },
	{ "postfix-spamhaus", 0, "", "postfix", "554 5.7.1 Service "
	    "unavailable; Client host [192.0.2.1] blocked using "
	    "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
	    "reputation" },
	{ "postfix-no-hostname", 0, "", "", "450 4.7.25 Client host "
	    "rejected: cannot find your hostname, [192.0.2.1]",
	    "reverse-dns" },
	{ "postfix-no-reverse", 0, "", "", "450 4.7.1 Client host "
	    "rejected: cannot find your reverse hostname, [192.0.2.1]",
	    "reverse-dns" },
	{ "postfix-greylist", 0, "", "", "450 4.2.0 <bob@example.org>: "
	    "Recipient address rejected: Greylisted, see http://"
	    "postgrey.schweikert.ch/help/example.org.html", "transient" },
	{ "policyd-spf-5.7.23", 0, "", "", "550 5.7.23 <bob@example.org>: "
	    "Recipient address rejected: Message rejected due to: SPF fail "
	    "- not authorized. Please see http://www.openspf.net/Why?s="
	    "mfrom;id=alice@example.com;ip=192.0.2.1;r=mx.example.org",
	    "authentication" },
	{ "policyd-spf-5.7.1", 0, "", "", "550 5.7.1 <bob@example.org>: "
	    "Recipient address rejected: Message rejected due to: SPF fail "
	    "- not authorized.", "authentication" },
	{ "postfix-access-map", 0, "", "", "554 5.7.1 <bob@example.org>: "
	    "Recipient address rejected: Access denied", "reputation" },
	{ "postfix-sender-domain", 0, "", "", "450 4.1.8 "
	    "<alice@nx.example.com>: Sender address rejected: Domain not "
	    "found", "authentication" },
	{ "postfix-login-mismatch", 0, "", "", "553 5.7.1 "
	    "<alice@example.com>: Sender address rejected: not owned by "
	    "user alice", "relay" },
	{ "postfix-no-mx", 0, "5.4.4", "postfix", "Host or domain name not "
	    "found. Name service error for name=nx.example.org type=MX: "
	    "Host not found", "address" },
	{ "postfix-helo", 0, "", "", "504 5.5.2 <localhost>: Helo command "
	    "rejected: need fully-qualified hostname", "reverse-dns" },
	{ "postfix-helo-unknown", 0, "", "", "450 4.7.1 <mail.invalid>: Helo "
	    "command rejected: Host not found", "reverse-dns" },
	{ "postfix-starttls", 0, "", "", "530 5.7.0 Must issue a STARTTLS "
	    "command first", "relay" },
	{ "postfix-sasl", 0, "", "", "535 5.7.8 Error: authentication "
	    "failed: authentication failure", "relay" },
	{ "postfix-client-access", 0, "", "", "554 5.7.1 <unknown[192.0.2.1]>"
	    ": Client host rejected: Access denied", "reputation" },
	{ "dovecot-quota", 0, "", "", "552 5.2.2 <bob@example.org>: Quota "
	    "exceeded (mailbox for user is full)", "mailbox" },
	{ "postfix-too-big", 0, "", "", "552 5.3.4 Message size exceeds "
	    "fixed maximum message size", "mailbox" },
	{ "temporary-server-error", 0, "", "", "451 4.3.0 Temporary server "
	    "error. Please try again later", "transient" },
	{ "postfix-timeout", 0, "4.4.1", "postfix", "connect to "
	    "mx.example.org[192.0.2.25]:25: Connection timed out",
	    "transient" },
	{ "spf-temperror", 0, "", "", "451 4.4.3 SPF: temporary DNS error "
	    "looking up example.com", "authentication" },
	{ "spf-permerror", 0, "", "", "550 5.5.2 SPF permanent error: too "
	    "many DNS lookups", "authentication" },

	/* Exim */
	{ "exim-user-unknown", 0, "", "exim", "SMTP error from remote mail "
	    "server after RCPT TO:<bob@example.org>: 550 5.1.1 "
	    "<bob@example.org>: Recipient address rejected: User unknown in "
	    "local recipient table", "address" },
	{ "exim-unrouteable", 0, "5.0.0", "exim", "Unrouteable address",
	    "address" },
	{ "exim-relay", 0, "", "exim", "SMTP error from remote mail server "
	    "after RCPT TO:<bob@example.org>: 550 relay not permitted",
	    "relay" },
	{ "exim-no-such-user", 0, "", "exim", "SMTP error from remote mail "
	    "server after RCPT TO:<bob@example.org>: 550 No Such User Here",
	    "address" },
	{ "exim-quota", 0, "", "exim", "SMTP error from remote mail server "
	    "after RCPT TO:<bob@example.org>: 552 Mailbox quota exceeded",
	    "mailbox" },
	{ "exim-retry-timeout", 0, "5.0.0", "exim", "retry timeout "
	    "exceeded", "transient" },

	/* Generic codes, RFC 3463 and RFC 5321 */
	{ "generic-5.7.1", 0, "", "", "550 5.7.1 Message rejected",
	    "reputation" },
	{ "generic-5.1.0", 0, "", "", "550 5.1.0 Address rejected",
	    "address" },
	{ "generic-551", 0, "", "", "551 User not local; please try "
	    "<bob@example.net>", "address" },
	{ "null-mx-recipient", 0, "", "", "556 5.1.10 Recipient address "
	    "has null MX", "address" },
	{ "rfc-5.7.20", 0, "", "", "550 5.7.20 No passing DKIM signature "
	    "found", "authentication" },
	{ "rfc-4.7.24", 0, "", "", "451 4.7.24 SPF validation error",
	    "authentication" },
	{ "rfc-5.7.13", 0, "", "", "550 5.7.13 User account disabled",
	    "relay" },
	{ "rfc-5.7.17", 0, "", "", "550 5.7.17 Mailbox owner has changed",
	    "address" },
	{ "expired-5.4.7", 0, "", "", "554 5.4.7 Delivery expired "
	    "(message too old)", "transient" },
	{ "explicit-codes", 550, "5.1.1", "", "", "address" },
	{ "explicit-4xx", 450, "4.1.1", "", "Recipient address rejected: "
	    "unverified address", "transient" },

	/* Ambiguous or unclassifiable */
	{ "rfc5321-550-generic", 0, "", "", "550 Requested action not "
	    "taken: mailbox unavailable", "" },
	{ "bare-554", 0, "", "", "554 Transaction failed", "" },
	{ "generic-5.0.0", 0, "", "", "550 5.0.0 Message rejected", "" },
	{ "requiretls-5.7.30", 0, "", "", "550 5.7.30 REQUIRETLS support "
	    "required", "" },
	{ "success", 0, "", "", "250 2.0.0 OK", "" },
	{ "nothing", 0, "", "", "", "" },
};

ParameterizedTestParameters(bounce, classify)
{
	return cr_make_param_array(struct bcase, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bcase *c, bounce, classify)
{
	const char *got = aa_bounce_classify(c->code, c->enhanced[0] != '\0' ?
	    c->enhanced : NULL, c->text, c->provider[0] != '\0' ?
	    c->provider : NULL);

	if (c->want[0] == '\0')
		cr_expect_null(got, "%s: got %s, want none", c->name, got);
	else
		cr_expect(got != NULL && strcmp(got, c->want) == 0,
		    "%s: got %s, want %s", c->name, got != NULL ? got :
		    "(none)", c->want);
}

/* Every classified case has a meaning and a source, and names a class. */
ParameterizedTestParameters(bounce, explained)
{
	return cr_make_param_array(struct bcase, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bcase *c, bounce, explained)
{
	struct aa_bounce_result res;

	aa_bounce_explain(c->code, c->enhanced[0] != '\0' ? c->enhanced :
	    NULL, c->text, c->provider[0] != '\0' ? c->provider : NULL, &res);
	if (res.class_ == NULL) {
		cr_expect_null(res.meaning, "%s", c->name);
		return;
	}
	cr_expect_not_null(aa_bounce_class_info(res.class_), "%s", c->name);
	cr_expect(res.meaning != NULL && *res.meaning != '\0', "%s",
	    c->name);
	cr_expect(res.source != NULL && *res.source != '\0', "%s", c->name);
}

/* The provider's meaning wins over the registry's for the same code. */
Test(bounce, precedence_gmail_5_7_27)
{
	struct aa_bounce_result g, r;

	aa_bounce_explain(550, "5.7.27", "Your email has been blocked "
	    "because the sender didn't pass SPF authentication." G, NULL, &g);
	aa_bounce_explain(550, "5.7.27", "Sender address has null MX",
	    NULL, &r);
	cr_assert_str_eq(g.class_, "authentication");
	cr_assert_str_eq(g.provider, "gmail");
	cr_expect_not_null(strstr(g.meaning, "SPF"));
	cr_assert_str_eq(r.class_, "authentication");
	cr_expect_null(r.provider);
	cr_expect_not_null(strstr(r.meaning, "null MX"));
	cr_expect_not_null(strstr(r.source, "RFC 7505"));
}

Test(bounce, precedence_gmail_5_7_30_and_5_7_29)
{
	struct aa_bounce_result g, r;

	aa_bounce_explain(550, "5.7.30", "DKIM" G, NULL, &g);
	cr_assert_str_eq(g.class_, "authentication");
	cr_expect_not_null(strstr(g.meaning, "DKIM"));
	/* RFC 8689: REQUIRETLS is none of the issue's classes. */
	cr_expect_null(aa_bounce_classify(550, "5.7.30", "REQUIRETLS "
	    "support required", NULL));
	aa_bounce_explain(421, "4.7.29", "not sent over TLS", "gmail", &g);
	aa_bounce_explain(550, "5.7.29", "ARC validation failure", NULL, &r);
	cr_expect_not_null(strstr(g.meaning, "TLS"));
	cr_expect_not_null(strstr(r.meaning, "ARC"));
}

Test(bounce, precedence_4_7_23)
{
	/* Gmail: PTR.  RFC 7372: SPF validation failed. */
	cr_expect_str_eq(aa_bounce_classify(451, "4.7.23", "PTR", "gmail"),
	    "reverse-dns");
	cr_expect_str_eq(aa_bounce_classify(451, "4.7.23", "SPF validation "
	    "failed", NULL), "authentication");
}

Test(bounce, precedence_5_7_9_and_5_7_40)
{
	/* Yahoo: authentication.  RFC 4954: SMTP AUTH mechanism too weak. */
	cr_expect_str_eq(aa_bounce_classify(554, "5.7.9", "Message not "
	    "accepted for policy reasons", "yahoo"), "authentication");
	cr_expect_str_eq(aa_bounce_classify(534, "5.7.9", "Authentication "
	    "mechanism is too weak", NULL), "relay");
	cr_expect_str_eq(aa_bounce_classify(550, "5.7.9", NULL, NULL),
	    "relay");
	cr_expect_str_eq(aa_bounce_classify(550, "5.7.40", NULL, "gmail"),
	    "authentication");
	cr_expect_str_eq(aa_bounce_classify(504, "5.7.40", NULL, "gmail"),
	    "relay");
	/* Unregistered and without Gmail: nothing to say. */
	cr_expect_null(aa_bounce_classify(550, "5.7.40", NULL, NULL));
}

/* The issue's acceptance lines. */
Test(bounce, issue_lines)
{
	struct aa_bounce_result r;

	aa_bounce_explain(421, "4.7.26", "This email has been rate limited "
	    "because it is unauthenticated.", "gmail", &r);
	cr_expect_str_eq(r.class_, "authentication");
	cr_expect(!r.permanent);
	aa_bounce_explain(451, "4.3.0", "Temporary server error", NULL, &r);
	cr_expect_str_eq(r.class_, "transient");
	cr_expect(!r.permanent);
	aa_bounce_explain(550, "5.1.1", "User unknown", NULL, &r);
	cr_expect_str_eq(r.class_, "address");
	cr_expect(r.permanent);
}

/* The basic code decides the class of reply (RFC 5321 4.2.1). */
Test(bounce, basic_code_decides)
{
	cr_expect_str_eq(aa_bounce_classify(450, "5.1.1", "user unknown",
	    NULL), "transient");
	cr_expect_str_eq(aa_bounce_classify(0, "4.1.1", "user unknown",
	    NULL), "transient");
	cr_expect_str_eq(aa_bounce_classify(0, "5.1.1", NULL, NULL),
	    "address");
	cr_expect_null(aa_bounce_classify(0, NULL, NULL, NULL));
	cr_expect_null(aa_bounce_classify(999, NULL, "user unknown", NULL));
}

/* The table: every rule cites a source and names a class. */
Test(bounce, rules_cite_sources)
{
	size_t i;

	cr_assert_gt(bounce_nrules, 50);
	for (i = 0; i < bounce_nrules; i++) {
		cr_expect(bounce_rules[i].source != NULL &&
		    strlen(bounce_rules[i].source) > 4, "rule %zu", i);
		cr_expect(bounce_rules[i].meaning != NULL &&
		    strlen(bounce_rules[i].meaning) > 8, "rule %zu", i);
		cr_expect(bounce_rules[i].class_ > BC_NONE &&
		    bounce_rules[i].class_ <= BC_TRANSIENT, "rule %zu", i);
	}
}

/* Phrases are matched against the lower-cased reply: lower case, short. */
Test(bounce, phrases_lower_case)
{
	const char *p;
	size_t i, n;

	for (i = 0; i < bounce_nrules; i++)
		for (p = bounce_rules[i].phrases; p != NULL && *p != '\0';
		    p += n + (p[n] == '|')) {
			n = strcspn(p, "|");
			cr_expect(n > 0 && n < 64, "rule %zu: phrase length %zu",
			    i, n);
			for (size_t k = 0; k < n; k++)
				cr_expect(p[k] < 'A' || p[k] > 'Z',
				    "rule %zu: upper case in %.*s", i, (int)n, p);
		}
}

/* design.md 3a: the classes, and the bounce-* id of each (3b). */
Test(bounce, classes)
{
	static const struct {
		const char	*name;
		const char	*id;	/* NULL: no finding */
	} want[] = {
		{ "address", "bounce-address" },
		{ "mailbox", "bounce-mailbox" },
		{ "relay", "bounce-relay" },
		{ "reputation", "bounce-reputation" },
		{ "authentication", NULL },
		{ "reverse-dns", NULL },
		{ "volume", "bounce-volume" },
		{ "transient", "bounce-transient" },
	};
	const struct aa_bounce_class *c;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		c = aa_bounce_class_info(want[i].name);
		cr_assert_not_null(c, "%s", want[i].name);
		cr_expect_str_eq(c->name, want[i].name);
		cr_expect(c->fix != NULL && *c->fix != '\0');
		cr_expect_eq(c->has_finding, want[i].id != NULL, "%s",
		    want[i].name);
		if (want[i].id != NULL)
			cr_expect_str_eq(aa_finding_info(c->code)->id,
			    want[i].id);
		if (want[i].id != NULL)
			cr_expect_not_null(strstr(c->headline,
			    "not authentication"), "%s", want[i].name);
	}
	cr_expect_null(aa_bounce_class_info("spam"));
	cr_expect_null(aa_bounce_class_info(NULL));
	cr_expect_not_null(strstr(aa_bounce_class_info("address")->fix,
	    "list hygiene"));
}

/* Reply text parsing. */
struct pcase {
	char	 text[120];
	size_t	 len;		/* 0: strlen */
	int	 code;
	char	 enhanced[12];
};

static struct pcase pcases[] = {
	{ "smtp; 550-5.1.1 The email account", 0, 550, "5.1.1" },
	{ "550 5.1.1 <bob@example.org>: User unknown", 0, 550, "5.1.1" },
	{ "host mx[192.0.2.25] said: 554 5.7.1 <b@x>: Relay access denied",
	    0, 554, "5.7.1" },
	{ "SMTP error from remote mail server after RCPT TO:<b@x>: 550 "
	    "5.1.1 <b@x>", 0, 550, "5.1.1" },
	{ "421 RP-001 (BAY004-MC1F12) Unfortunately", 0, 421, "" },
	{ "connect to 192.0.2.25: Connection timed out", 0, 0, "" },
	{ "5.1.1.1 is an address", 0, 0, "" },
	{ "Status 5.7.26 only", 0, 0, "5.7.26" },
	{ "4321 5.1.1", 0, 0, "5.1.1" },
	{ "550 5.1234.1 too many digits", 0, 550, "" },
	{ "550\0 5.1.1", 10, 0, "5.1.1" },
	{ "550 5.1.1", 5, 550, "" },
	{ "250 2.0.0 Ok: queued", 0, 250, "2.0.0" },
	{ "650 6.1.1 not codes", 0, 0, "" },
	{ "550", 0, 550, "" },
	{ "", 0, 0, "" },
	{ "554 delivery error: dd (554.30)", 0, 554, "" },
	{ "tricky 550-", 0, 550, "" },
	{ "x550 5.1.1", 0, 0, "5.1.1" },
	{ "421 4.7.0 [TSS04] - 4.16.55.1; see", 0, 421, "4.7.0" },
};

ParameterizedTestParameters(bounce, reply_parse)
{
	return cr_make_param_array(struct pcase, pcases,
	    sizeof(pcases) / sizeof(pcases[0]));
}

ParameterizedTest(struct pcase *p, bounce, reply_parse)
{
	struct aa_bounce_reply r;
	size_t len = p->len != 0 ? p->len : strlen(p->text);
	bool found;

	found = aa_bounce_reply_parse(p->text, len, &r);
	cr_expect_eq(r.code, p->code, "%s: code %d, want %d", p->text,
	    r.code, p->code);
	cr_expect_str_eq(r.enhanced, p->enhanced, "%s", p->text);
	cr_expect_eq(found, p->code != 0 || p->enhanced[0] != '\0');
}

/* Codes past AA_BOUNCE_TEXT_MAX are not looked at. */
Test(bounce, reply_parse_cap)
{
	size_t n = AA_BOUNCE_TEXT_MAX + 64;
	char *s = malloc(n + 1);
	struct aa_bounce_reply r;

	cr_assert_not_null(s);
	memset(s, 'x', n);
	memcpy(s + AA_BOUNCE_TEXT_MAX + 1, " 550 5.1.1", 10);
	s[n] = '\0';
	cr_expect(!aa_bounce_reply_parse(s, n, &r));
	cr_expect_null(aa_bounce_classify(0, NULL, s, NULL));
	free(s);
	cr_expect(!aa_bounce_reply_parse(NULL, 5, &r));
}

/* Random bytes: no crash, and the invariants of the output hold. */
Test(bounce, reply_parse_random)
{
	static const char alphabet[] = "0123455.- ;:<x\0\r\n";
	unsigned seed = 12345;
	struct aa_bounce_reply r;
	char buf[64], nul[65];
	size_t i, k;

	for (i = 0; i < 20000; i++) {
		for (k = 0; k < sizeof(buf); k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alphabet[(seed >> 16) %
			    (sizeof(alphabet) - 1)];
		}
		aa_bounce_reply_parse(buf, (seed >> 8) % sizeof(buf), &r);
		cr_assert(r.code == 0 || (r.code >= 200 && r.code <= 559));
		cr_assert_lt(strlen(r.enhanced), sizeof(r.enhanced));
		memcpy(nul, buf, sizeof(buf));
		nul[sizeof(buf)] = '\0';
		(void)aa_bounce_classify(0, NULL, nul, NULL);
	}
}

/* Report integration: rep->input->bounce built by hand. */
static struct aa_report *
bounce_report(void)
{
	struct aa_report *rep = aa_report_new("message");

	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	rep->input->bounce = aa_arena_alloc(rep->arena,
	    sizeof(*rep->input->bounce));
	rep->input->bounce->reporting_mta = "mx.example.com";
	return rep;
}

static struct aa_bounce_recipient *
add_rcpt(struct aa_report *rep, const char *rcpt, const char *action,
    const char *status, const char *diag, const char *provider)
{
	struct aa_bounce_recipient *r;

	r = AA_VEC_PUSH(rep->arena, rep->input->bounce->recipients);
	r->recipient = rcpt;
	r->action = action;
	r->status = status;
	r->diagnostic = diag;
	r->provider = provider;
	return r;
}

static const struct aa_finding *
find(const struct aa_report *rep, const char *id, const char *subject)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (strcmp(aa_finding_info(rep->findings.v[i].code)->id,
		    id) == 0 && (subject == NULL || (rep->findings.v[i].subject
		    != NULL && strcmp(rep->findings.v[i].subject,
		    subject) == 0)))
			return &rep->findings.v[i];
	return NULL;
}

Test(bounce_report, address_5_1_1)
{
	struct aa_report *rep = bounce_report();
	const struct aa_finding *f;

	add_rcpt(rep, "bob@example.org", "failed", "5.1.1", "smtp; "
	    "550-5.1.1 The email account that you tried to reach does not "
	    "exist." G, "gmail");
	aa_bounce_classify_report(rep);
	cr_assert_str_eq(rep->input->bounce->recipients.v[0].class_,
	    "address");
	cr_expect(rep->input->bounce->recipients.v[0].code.set);
	cr_expect_eq(rep->input->bounce->recipients.v[0].code.v, 550);
	f = find(rep, "bounce-address", "bob@example.org");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AA_SEV_ERROR);
	cr_expect_not_null(strstr(f->message, "550 5.1.1"));
	cr_expect_not_null(strstr(f->message,
	    "address problem, not authentication"));
	cr_expect_not_null(strstr(f->message, "list hygiene"));
	cr_expect_not_null(strstr(f->message, "never succeeds"));
	cr_expect_not_null(strstr(f->message, "context only"));
	cr_expect_eq(rep->findings.n, 1);
	/* design.md 2: a permanent failure exits 1. */
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 1);
	aa_report_free(rep);
}

Test(bounce_report, transient_4_3_0)
{
	struct aa_report *rep = bounce_report();
	const struct aa_finding *f;

	add_rcpt(rep, "carol@example.org", "delayed", "4.3.0", "smtp; 451 "
	    "4.3.0 Temporary server error. Please try again later", NULL);
	aa_bounce_classify_report(rep);
	cr_assert_str_eq(rep->input->bounce->recipients.v[0].class_,
	    "transient");
	f = find(rep, "bounce-transient", "carol@example.org");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AA_SEV_WARNING);
	cr_expect_not_null(strstr(f->message, "451 4.3.0"));
	cr_expect_not_null(strstr(f->message, "likely succeeds"));
	cr_expect_not_null(strstr(f->message, "retry"));
	/* A warning: exit 0 under the default --fail-on error. */
	cr_expect_eq(aa_report_exit_status(rep, AA_FAIL_ON_ERROR, false), 0);
	aa_report_free(rep);
}

Test(bounce_report, authentication_has_no_bounce_finding)
{
	struct aa_report *rep = bounce_report();

	add_rcpt(rep, "dave@gmail.com", "failed", "4.7.26", "smtp; "
	    "421-4.7.26 This email has been rate limited because it is "
	    "unauthenticated." G, "gmail");
	add_rcpt(rep, "erin@example.net", "failed", "5.7.25", "smtp; 550 "
	    "5.7.25 Access denied, the sending IPv6 address [2001:db8::1] "
	    "must have a reverse DNS record.", NULL);
	aa_bounce_classify_report(rep);
	cr_expect_str_eq(rep->input->bounce->recipients.v[0].class_,
	    "authentication");
	cr_expect_str_eq(rep->input->bounce->recipients.v[1].class_,
	    "reverse-dns");
	cr_expect_eq(rep->findings.n, 0);
	aa_report_free(rep);
}

/* Several recipients, several replies: each is reported. */
Test(bounce_report, several_recipients)
{
	struct aa_report *rep = bounce_report();
	const struct aa_bounce_recipient *v;

	add_rcpt(rep, "a@example.org", "failed", "5.1.1", "smtp; 550 5.1.1 "
	    "<a@example.org>: Recipient address rejected: User unknown",
	    "postfix");
	add_rcpt(rep, "b@example.org", "failed", "5.2.2", "smtp; 552 5.2.2 "
	    "<b@example.org>: Quota exceeded", "postfix");
	add_rcpt(rep, "c@example.org", "failed", "5.7.1", "smtp; 554 5.7.1 "
	    "<c@example.org>: Relay access denied", "postfix");
	add_rcpt(rep, "d@example.org", "failed", "5.7.1", "smtp; 554 5.7.1 "
	    "Service unavailable; Client host [192.0.2.1] blocked using "
	    "zen.spamhaus.org", "postfix");
	add_rcpt(rep, "e@example.org", "failed", "4.7.28", "smtp; "
	    "421-4.7.28 unusual rate of unsolicited mail" G, "gmail");
	add_rcpt(rep, "f@example.org", "delivered", "2.0.0", "smtp; 250 "
	    "2.0.0 Ok", NULL);
	aa_bounce_classify_report(rep);
	v = rep->input->bounce->recipients.v;
	cr_expect_str_eq(v[0].class_, "address");
	cr_expect_str_eq(v[1].class_, "mailbox");
	cr_expect_str_eq(v[2].class_, "relay");
	cr_expect_str_eq(v[3].class_, "reputation");
	cr_expect_str_eq(v[4].class_, "volume");
	cr_expect_null(v[5].class_);
	cr_expect_not_null(find(rep, "bounce-address", "a@example.org"));
	cr_expect_not_null(find(rep, "bounce-mailbox", "b@example.org"));
	cr_expect_not_null(find(rep, "bounce-relay", "c@example.org"));
	cr_expect_not_null(find(rep, "bounce-reputation", "d@example.org"));
	cr_assert_not_null(find(rep, "bounce-volume", "e@example.org"));
	/* A 4xx deferral is a warning, whatever the class. */
	cr_expect_eq(find(rep, "bounce-volume", NULL)->severity,
	    AA_SEV_WARNING);
	cr_expect_not_null(strstr(find(rep, "bounce-relay", NULL)->message,
	    "SMTP authentication"));
	cr_expect_not_null(strstr(find(rep, "bounce-reputation",
	    NULL)->message, "blocklists"));
	cr_expect_eq(rep->findings.n, 5);
	aa_report_free(rep);
}

/* The remote server's code wins over the reporting MTA's Status. */
Test(bounce_report, remote_code_first)
{
	struct aa_report *rep = bounce_report();

	add_rcpt(rep, "a@gmail.com", "failed", "5.0.0", "smtp; 550-5.7.26 "
	    "This mail has been blocked because the sender is "
	    "unauthenticated." G, NULL);
	add_rcpt(rep, "b@example.org", "failed", "5.0.0", "X-Postfix; "
	    "unknown user: \"b\"", "postfix");
	add_rcpt(rep, "c@example.org", "failed", "5.4.4", "X-Postfix; Host "
	    "or domain name not found. Name service error for name="
	    "nx.example.org type=MX: Host not found", "postfix");
	aa_bounce_classify_report(rep);
	cr_expect_str_eq(rep->input->bounce->recipients.v[0].class_,
	    "authentication");
	cr_expect_str_eq(rep->input->bounce->recipients.v[1].class_,
	    "address");
	cr_expect_str_eq(rep->input->bounce->recipients.v[2].class_,
	    "address");
	cr_expect(!rep->input->bounce->recipients.v[2].code.set);
	aa_bounce_classify_report(rep);
	aa_report_free(rep);
}

Test(bounce_report, nothing_to_do)
{
	struct aa_report *rep = aa_report_new("message");

	aa_bounce_classify_report(rep);
	rep->input = aa_arena_alloc(rep->arena, sizeof(*rep->input));
	aa_bounce_classify_report(rep);
	aa_bounce_classify_report(NULL);
	cr_expect_eq(rep->findings.n, 0);
	aa_report_free(rep);
}

Test(bounce_report, unknown_recipient_and_text)
{
	struct aa_report *rep = bounce_report();

	add_rcpt(rep, NULL, NULL, NULL, NULL, NULL);
	add_rcpt(rep, "x@example.org", "failed", "5.0.0", "smtp; 550 "
	    "Requested action not taken: mailbox unavailable", NULL);
	aa_bounce_classify_report(rep);
	cr_expect_null(rep->input->bounce->recipients.v[0].class_);
	cr_expect_null(rep->input->bounce->recipients.v[1].class_);
	cr_expect_eq(rep->findings.n, 0);
	aa_report_free(rep);
}

/* The class that heads the report: permanent, then all-mail classes. */
Test(bounce_report, main_class)
{
	struct aa_report *rep = bounce_report();
	const struct aa_bounce_class *c;
	size_t at = 99;

	cr_expect_null(aa_bounce_main(rep->input->bounce, &at));
	cr_expect_null(aa_bounce_main(NULL, NULL));
	add_rcpt(rep, "a@example.org", "delayed", "4.3.0", "smtp; 451 4.3.0 "
	    "Temporary server error", NULL);
	c = aa_bounce_main(rep->input->bounce, &at);
	cr_assert_not_null(c);
	cr_expect_str_eq(c->name, "transient");
	cr_expect_eq(at, 0);
	add_rcpt(rep, "b@example.org", "failed", "5.1.1", "smtp; 550 5.1.1 "
	    "User unknown", NULL);
	add_rcpt(rep, "c@yahoo.com", "failed", "5.7.2", "smtp; 553 5.7.2 "
	    "[TSS09] All messages from 192.0.2.1 will be permanently "
	    "deferred", "yahoo");
	c = aa_bounce_main(rep->input->bounce, &at);
	cr_expect_str_eq(c->name, "reputation");
	cr_expect_eq(at, 2);
	add_rcpt(rep, "d@gmail.com", "failed", "5.7.26", "smtp; 550-5.7.26 "
	    "unauthenticated" G, "gmail");
	c = aa_bounce_main(rep->input->bounce, &at);
	cr_expect_str_eq(c->name, "authentication");
	cr_expect_eq(at, 3);
	cr_expect_not_null(strstr(c->headline, "authentication"));
	aa_report_free(rep);
}

/* The reply's own codes, else the recipient's code and Status. */
Test(bounce_report, recipient_explain)
{
	struct aa_bounce_recipient r;
	struct aa_bounce_result res;

	memset(&r, 0, sizeof(r));
	r.action = "failed";
	r.status = "5.0.0";
	r.code = AA_INT(550);
	r.diagnostic = "Unrouteable address";
	aa_bounce_recipient_explain(&r, &res);
	cr_expect_str_eq(res.class_, "address");
	cr_expect_eq(res.code, 550);
	cr_expect_str_eq(res.enhanced, "5.0.0");
	r.diagnostic = "smtp; 421-4.7.28 unusual rate" G;
	aa_bounce_recipient_explain(&r, &res);
	cr_expect_str_eq(res.class_, "volume");
	cr_expect_eq(res.code, 421);
	cr_expect_str_eq(res.enhanced, "4.7.28");
	cr_expect(!res.permanent);
	cr_expect_str_eq(res.provider, "gmail");
	r.action = "Delivered";
	aa_bounce_recipient_explain(&r, &res);
	cr_expect_null(res.class_);
	cr_expect_eq(res.code, 0);
}
