/*
 * receivers.c: the receiver models as data.  One table says, for each
 * receiver and situation, the reply it likely sends and its alternatives;
 * one small predicate per situation says when it applies.  Every row
 * cites its source: "R&T" is receivers-and-threats.md (§2 the provider
 * catalog, §3 the decision table), which quotes the providers' pages and
 * observed bounces verbatim.  Reply patterns: [d] is the author (From)
 * domain, [s] the SPF (MAIL FROM) domain, [ip] the sending IP.
 *
 * A situation a receiver has no row for is unmodelled there: the
 * receiver falls through to its next applicable situation, else delivers.
 */
#include <stddef.h>
#include <string.h>

#include "verdict_int.h"

/*
 * ed25519: Gmail does not verify ed25519-sha256 signatures (mjl-/mox#45,
 * ergochat/ergo#2242, stalwartlabs/stalwart#3193); Outlook.com and
 * Microsoft 365 neither (frappe/mail#92); "the big mailbox providers
 * don't implement ed25519" (mjl-/mox#45) covers Yahoo and iCloud, for
 * which no source says otherwise.  RFC 8463 5: verifiers MUST implement
 * it, so the RFC receiver does.
 */
static const struct vr_receiver receivers[AA_RCV__COUNT] = {
	{ "gmail", "Gmail", false, true,
	    "R&T §2 bulk-sender rules "
	    "(support.google.com/mail/answer/81126)" },
	{ "yahoo", "Yahoo", false, true,
	    "R&T §2 bulk-sender rules (senders.yahooinc.com)" },
	{ "outlook", "Outlook.com", false, true,
	    "R&T §2 Outlook.com 550 5.7.515 (since 2025-05-05)" },
	{ "microsoft365", "Microsoft 365", false, false,
	    "R&T §3: no bulk rule documented for M365 tenants" },
	{ "icloud", "iCloud", false, true,
	    "R&T §2 bulk-sender rules (support.apple.com/102322)" },
	{ "rfc", "an RFC receiver", true, false,
	    "RFC 7208 8, RFC 7372, RFC 7489 10.3, RFC 8463 5" },
};

#define R	VR_REJECT
#define D	VR_DEFER
#define Q	VR_QUARANTINE
#define OK	VR_DELIVER
#define L	true		/* likely */
#define A	false		/* an alternative */

#define G_UNAUTH	"This email has been blocked because the sender is " \
	"unauthenticated. Gmail requires all senders to authenticate with " \
	"either SPF or DKIM. Authentication results: DKIM = did not pass " \
	"SPF [s] with ip: [ip] = did not pass"
#define G_DMARC		"Unauthenticated email from [d] is not accepted " \
	"due to domain's DMARC policy. Contact the administrator of [d] " \
	"domain..."
#define G_DMARC_TEMP	"Unauthenticated email from [d] is not accepted " \
	"due to domain's DMARC policy, but temporary DNS failures prevent " \
	"authentication"
#define G_PTR		"...the sending IP address doesn't have a PTR " \
	"record, or the forwarding DNS entry doesn't reference the sending " \
	"IP address"
#define Y_POLICY	"Message not accepted for policy reasons. See " \
	"https://postmaster.yahooinc.com/error-codes"
#define MS_DMARC	"Access denied, sending domain [d] does not pass " \
	"DMARC verification and has a DMARC policy of reject."
#define MS_515		"Access denied, sending domain [d] does not meet " \
	"the required authentication level."
#define G_NO_DMARC	"...sending domain doesn't have a " \
	"DMARC record or the DMARC record doesn't specify a DMARC policy. " \
	"Gmail requires all bulk email senders to add a DMARC record"
#define G_BULK_SPF	"...didn't pass SPF authentication. " \
	"Gmail requires bulk email senders to authenticate their email " \
	"with SPF."
#define G_BULK_DKIM	"...didn't pass DKIM authentication. " \
	"Gmail requires bulk email senders to authenticate their email " \
	"with DKIM."
#define G_ALIGN		"...the From: header (RFC5322) in this " \
	"message isn't aligned with either the authenticated SPF or DKIM " \
	"organizational domain."

static const struct vr_reply replies[] = {
	/* R&T §2 Gmail "multiple addresses"; §3 row 15. */
	{ AA_RCV_GMAIL, VR_MULTI_FROM, R, 550, "5.7.1", "Messages with "
	    "multiple addresses in the From: header are not accepted", L,
	    "R&T §2 Gmail; §3 row 15" },
	/* R&T §2 M365/EOP "Multiple From addresses"; §3 row 15. */
	{ AA_RCV_M365, VR_MULTI_FROM, R, 550, "5.1.20", "Multiple From "
	    "addresses are not allowed without Sender address", L,
	    "R&T §2 M365/EOP; §3 row 15" },
	{ AA_RCV_M365, VR_MULTI_FROM, R, 550, "5.7.512", "...message must "
	    "be RFC 5322 section 3.6.2 compliant", A,
	    "R&T §2 M365/EOP; §3 row 15" },

	/* R&T §2 Yahoo "unresolvable RFC.5321 from domain"; §3 row 9. */
	{ AA_RCV_YAHOO, VR_NONEXISTENT, D, 451, NULL, "Message temporarily "
	    "deferred due to unresolvable RFC.5321 from domain", L,
	    "R&T §2 Yahoo/AOL; §3 row 9" },
	{ AA_RCV_YAHOO, VR_NONEXISTENT, R, 554, NULL, "Message temporarily "
	    "deferred due to unresolvable RFC.5321 from domain", A,
	    "R&T §2 Yahoo/AOL (451 / 554)" },

	/* R&T §2 Outlook.com 5.7.515; §3 rows 1, 3, 4, 6, 7, 13, 14. */
	{ AA_RCV_OUTLOOK, VR_BULK_AUTH, R, 550, "5.7.515", MS_515, L,
	    "R&T §2 Outlook.com 550 5.7.515; §3 rows 1, 4, 6" },

	/* RFC 7208 8.6 with RFC 7372 3.2: temperror -> 451 4.7.24. */
	{ AA_RCV_RFC, VR_SPF_TEMP, D, 451, "4.7.24", "SPF validation error",
	    L, "RFC 7208 8.6; RFC 7372 3.2; R&T §3 row 11" },
	/* R&T §2 Gmail 451 4.7.26 temporary DNS failures; §3 row 11. */
	{ AA_RCV_GMAIL, VR_TEMP, D, 451, "4.7.26", G_DMARC_TEMP, L,
	    "R&T §2 Gmail; §3 row 11" },
	{ AA_RCV_YAHOO, VR_TEMP, D, 451, NULL, NULL, L,
	    "R&T §3 row 11: 4xx, authentication could not be determined" },
	/* RFC 7489 10.3: defer with 4xy when the policy cannot be applied. */
	{ AA_RCV_RFC, VR_TEMP, D, 451, "4.4.3", NULL, L,
	    "RFC 7489 10.3; RFC 3463 3.5 (directory server failure)" },

	/* R&T §2 Gmail DMARC variant; §3 rows 4, 5. */
	{ AA_RCV_GMAIL, VR_DMARC_REJECT, R, 550, "5.7.26", G_DMARC, L,
	    "R&T §2 Gmail; §3 rows 4, 5" },
	{ AA_RCV_YAHOO, VR_DMARC_REJECT, R, 554, "5.7.9", Y_POLICY, L,
	    "R&T §2 Yahoo/AOL 554 5.7.9; §3 rows 4, 5" },
	{ AA_RCV_OUTLOOK, VR_DMARC_REJECT, R, 550, "5.7.509", MS_DMARC, L,
	    "R&T §2 M365/EOP and Outlook.com 5.7.509; §3 rows 4, 5" },
	{ AA_RCV_M365, VR_DMARC_REJECT, R, 550, "5.7.509", MS_DMARC, L,
	    "R&T §2 M365/EOP 5.7.509 (HonorDmarcPolicy); §3 rows 4, 5" },
	{ AA_RCV_ICLOUD, VR_DMARC_REJECT, R, 554, "5.7.1", "Your message "
	    "was rejected due to [d]'s DMARC policy. See "
	    "https://support.apple.com/en-us/HT204137", L,
	    "R&T §2 Apple iCloud; §3 rows 4, 5" },
	{ AA_RCV_RFC, VR_DMARC_REJECT, R, 550, "5.7.1", "Email rejected per "
	    "DMARC policy for [d]", L, "RFC 7489 10.3; R&T §3 row 4" },

	/* R&T §2 M365/EOP IPv6 "must pass either SPF or DKIM"; §3 row 3. */
	{ AA_RCV_M365, VR_UNAUTH_V6, D, 451, "4.7.26", "Access denied, a "
	    "message sent over IPv6 [ip] must pass either SPF or DKIM "
	    "validation, this message is not signed", L,
	    "R&T §2 M365/EOP (4.7.26 deferral); §3 row 3" },

	/* R&T §2 "unauthenticated" replies; §3 rows 3, 10. */
	{ AA_RCV_GMAIL, VR_UNAUTH, R, 550, "5.7.26", G_UNAUTH, L,
	    "R&T §2 Gmail; §3 row 3" },
	{ AA_RCV_GMAIL, VR_UNAUTH, D, 421, "4.7.26", "This email has been "
	    "rate limited because it is unauthenticated...", A,
	    "R&T §2 Gmail 421 4.7.26; §3 row 3" },
	{ AA_RCV_YAHOO, VR_UNAUTH, R, 550, "5.7.9", "This mail has been "
	    "blocked because the sender is unauthenticated. Yahoo requires "
	    "all senders to authenticate with either SPF or DKIM. "
	    "Authentication results: DKIM = FAILURE - SPF [s] with ip [ip] "
	    "= FAILURE", L, "R&T §2 Yahoo/AOL 550 5.7.9; §3 row 3" },
	{ AA_RCV_OUTLOOK, VR_UNAUTH, Q, 250, NULL, NULL, L,
	    "R&T §3 row 3: not bulk, junk" },
	{ AA_RCV_M365, VR_UNAUTH, Q, 250, NULL, NULL, L,
	    "R&T §3 row 3: IPv4, junk" },
	{ AA_RCV_ICLOUD, VR_UNAUTH, R, 554, "5.7.1", "[HME1] This message "
	    "was blocked for failing both SPF and DKIM authentication "
	    "checks.", L, "R&T §2 Apple iCloud [HME1]; §3 row 3" },

	/* RFC 7208 8.4 with RFC 7372 3.2: fail -> 550 5.7.23. */
	{ AA_RCV_RFC, VR_SPF_FAIL, R, 550, "5.7.23", "SPF validation failed",
	    L, "RFC 7208 8.4; RFC 7372 3.2" },
	/* RFC 7208 8.7 with RFC 7372 3.2: permerror -> 550 5.7.24. */
	{ AA_RCV_RFC, VR_SPF_PERMERROR, R, 550, "5.7.24",
	    "SPF validation error", L, "RFC 7208 8.7; RFC 7372 3.2" },

	/* R&T §2 Gmail 5.7.40; §3 row 6 (no record). */
	{ AA_RCV_GMAIL, VR_BULK_NO_DMARC, R, 550, "5.7.40", G_NO_DMARC, L,
	    "R&T §2 Gmail 550 5.7.40; §3 row 6" },
	{ AA_RCV_GMAIL, VR_BULK_NO_DMARC, D, 421, "4.7.40", G_NO_DMARC, A,
	    "R&T §2 Gmail 421 4.7.40" },
	/* R&T §2 Gmail 5.7.27; §3 row 14. */
	{ AA_RCV_GMAIL, VR_BULK_SPF, R, 550, "5.7.27", G_BULK_SPF, L,
	    "R&T §2 Gmail 550 5.7.27; §3 row 14" },
	{ AA_RCV_GMAIL, VR_BULK_SPF, D, 421, "4.7.27", G_BULK_SPF, A,
	    "R&T §2 Gmail 421 4.7.27; §3 row 14" },
	/* R&T §2 Gmail 5.7.30; §3 row 13. */
	{ AA_RCV_GMAIL, VR_BULK_DKIM, R, 550, "5.7.30", G_BULK_DKIM, L,
	    "R&T §2 Gmail 550 5.7.30; §3 row 13" },
	{ AA_RCV_GMAIL, VR_BULK_DKIM, D, 421, "4.7.30", G_BULK_DKIM, A,
	    "R&T §2 Gmail 421 4.7.30; §3 row 13" },
	/* R&T §2 Gmail 4.7.32; §3 row 6 ("421 4.7.32 or 5.7.32"). */
	{ AA_RCV_GMAIL, VR_BULK_ALIGN, D, 421, "4.7.32", G_ALIGN, L,
	    "R&T §2 Gmail 421 4.7.32; §3 row 6" },
	{ AA_RCV_GMAIL, VR_BULK_ALIGN, D, 421, "5.7.32", G_ALIGN, A,
	    "R&T §2 Gmail \"421 5.7.32\"; §3 row 6" },
	/* R&T §2 Yahoo bulk rules: non-compliant -> spam or reject. */
	{ AA_RCV_YAHOO, VR_BULK_ALL, Q, 250, NULL, NULL, L,
	    "R&T §3 rows 6, 13, 14: non-compliant -> spam or reject" },
	{ AA_RCV_YAHOO, VR_BULK_ALL, R, 554, "5.7.9", Y_POLICY, A,
	    "R&T §2 Yahoo/AOL 554 5.7.9; §3 row 6" },
	/* R&T §2 Apple: "All requirements must be met ... rejected". */
	{ AA_RCV_ICLOUD, VR_BULK_ALL, R, 554, "5.7.1", NULL, L,
	    "R&T §2 Apple bulk rules; §3 rows 2, 6, 13, 14" },

	/* R&T §2 Gmail IPv6 PTR guidelines; §3 row 2. */
	{ AA_RCV_GMAIL, VR_PTR_V6, R, 550, "5.7.1", "This message does not "
	    "meet IPv6 sending guidelines regarding PTR records and "
	    "authentication", L, "R&T §2 Gmail; §3 row 2 (IPv6)" },
	{ AA_RCV_GMAIL, VR_PTR_V6, R, 550, "5.7.25", G_PTR, A,
	    "R&T §2 Gmail 550 5.7.25; §3 row 2" },
	{ AA_RCV_M365, VR_PTR_V6, R, 550, "5.7.25", "Access denied, the "
	    "sending IPv6 address [ip] must have a reverse DNS record", L,
	    "R&T §2 M365/EOP 5.7.25; §3 row 2 (IPv6)" },
	/* R&T §2 Gmail 550 5.7.25; 451 4.7.23; 421 4.7.0; §3 row 2. */
	{ AA_RCV_GMAIL, VR_PTR, R, 550, "5.7.25", G_PTR, L,
	    "R&T §2 Gmail 550 5.7.25; §3 row 2" },
	{ AA_RCV_GMAIL, VR_PTR, D, 451, "4.7.23", G_PTR, A,
	    "R&T §2 Gmail 451 4.7.23; §3 row 2" },
	{ AA_RCV_GMAIL, VR_PTR, D, 421, "4.7.0", G_PTR, A,
	    "R&T §2 Gmail 421 4.7.0" },
	/* R&T §3 row 2: PTR is a "best practice" at Yahoo, often TSS 4xx. */
	{ AA_RCV_YAHOO, VR_PTR, OK, 250, NULL, NULL, L,
	    "R&T §3 row 2: PTR is a best practice" },
	{ AA_RCV_YAHOO, VR_PTR, D, 421, "4.7.0", "[TSS04] Messages from "
	    "[ip] temporarily deferred due to unexpected volume or user "
	    "complaints", A, "R&T §2 Yahoo/AOL TSS04; §3 row 2" },
	/* RFC 7372 3.3: X.7.25 reverse DNS validation failed. */
	{ AA_RCV_RFC, VR_PTR, R, 550, "5.7.25", "Reverse DNS validation "
	    "failed", L, "RFC 7372 3.3; R&T §3 row 2" },

	/* RFC 7505 4.2: SHOULD reject mail from null MX domains (5.7.27). */
	{ AA_RCV_RFC, VR_NULL_MX, R, 550, "5.7.27", "Sender address has "
	    "null MX", L, "RFC 7505 4.2; RFC 7372 3.4" },

	/* R&T §0 "p=quarantine rarely yields an SMTP error"; §3 row 7. */
	{ AA_RCV_GMAIL, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "R&T §3 row 7" },
	{ AA_RCV_YAHOO, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "R&T §3 row 7" },
	{ AA_RCV_OUTLOOK, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "R&T §3 row 7" },
	{ AA_RCV_M365, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "R&T §3 row 7" },
	{ AA_RCV_ICLOUD, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "R&T §3 row 7" },
	{ AA_RCV_RFC, VR_DMARC_QUARANTINE, Q, 250, NULL, NULL, L,
	    "RFC 7489 6.3 p=quarantine; R&T §3 row 7" },

	/* R&T §2 Gmail "(E)MAIL FROM ... hard fail"; §3 row 12. */
	{ AA_RCV_GMAIL, VR_SPF_HARDFAIL, OK, 250, NULL, NULL, L,
	    "R&T §3 row 12: usually 250" },
	{ AA_RCV_GMAIL, VR_SPF_HARDFAIL, R, 550, "5.7.26", "The (E)MAIL "
	    "FROM domain [s] has an SPF record with a hard fail policy (-all) "
	    "but it fails to pass SPF checks with the ip: [ip]", A,
	    "R&T §2 Gmail; §3 row 12 (seen)" },
	/* RFC 7489 10.1: a DMARC receiver should not reject on SPF alone. */
	{ AA_RCV_RFC, VR_SPF_HARDFAIL, OK, 250, NULL, NULL, L,
	    "RFC 7489 10.1; R&T §3 row 12" },
	{ AA_RCV_RFC, VR_SPF_HARDFAIL, R, 550, "5.7.23",
	    "SPF validation failed", A,
	    "RFC 7208 8.4; RFC 7372 3.2; R&T §3 row 12 (at MAIL FROM)" },
};

#undef R
#undef D
#undef Q
#undef OK
#undef L
#undef A

const struct vr_receiver *
vr_receiver(enum aa_rcv r)
{
	return (unsigned)r < AA_RCV__COUNT ? &receivers[r] : NULL;
}

enum aa_rcv
vr_receiver_by_name(const char *name)
{
	int r;

	for (r = 0; r < AA_RCV__COUNT; r++)
		if (strcmp(receivers[r].name, name) == 0)
			return (enum aa_rcv)r;
	return AA_RCV__COUNT;
}

const struct vr_reply *
vr_replies(enum aa_rcv rcv, enum vr_rule rule, size_t *n)
{
	size_t i, first = 0;

	*n = 0;
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		if (replies[i].rcv != rcv || replies[i].rule != rule)
			continue;
		if (*n == 0)
			first = i;
		(*n)++;
	}
	return *n > 0 ? &replies[first] : NULL;
}

const char *
vr_outcome_str(enum vr_outcome o)
{
	static const char *const names[] = { "deliver", "quarantine",
		"defer", "reject" };

	return names[o];
}

/* Neither passes, and neither is left undetermined by a temperror. */
static bool
unauthenticated(const struct vr_view *v)
{
	return v->f->spf != NULL && v->f->dkim_known && !v->spf_pass &&
	    !v->dkim_pass && !v->f->spf_temp && !v->f->dkim_temp;
}

static bool
ptr_bad(const struct vr_view *v)
{
	return v->f->ptr == VR_PTR_MISSING || v->f->ptr == VR_PTR_MISMATCH;
}

/*
 * Bulk senders (over 5,000 a day) must pass SPF and DKIM and DMARC
 * aligned: Outlook.com (R&T §2 5.7.515), Yahoo (senders.yahooinc.com),
 * Apple (support.apple.com/102322, which adds reverse DNS).  Only known
 * failures count: an unknown SPF result (no IP) predicts nothing.
 */
static bool
bulk_unmet(const struct vr_view *v)
{
	if (!v->f->bulk)
		return false;
	if ((v->f->spf != NULL && !v->spf_pass) ||
	    (v->f->dkim_known && !v->dkim_pass))
		return true;
	if (v->dmarc == VR_DMARC_NONE || v->dmarc == VR_DMARC_FAIL)
		return true;
	return v->rcv == AA_RCV_ICLOUD && ptr_bad(v);
}

static bool
temporary(const struct vr_view *v)
{
	const struct vr_facts *f = v->f;

	if (v->dmarc == VR_DMARC_TEMP)
		return true;
	/* No pass to rely on and an identifier left unresolved. */
	return v->dmarc != VR_DMARC_PASS && !v->spf_pass && !v->dkim_pass &&
	    ((f->spf != NULL && strcmp(f->spf, "temperror") == 0) ||
	    f->dkim_temp);
}

static bool
dmarc_disposition(const struct vr_view *v, const char *disp)
{
	return v->dmarc == VR_DMARC_FAIL && v->disposition != NULL &&
	    strcmp(v->disposition, disp) == 0;
}

static bool
spf_is(const struct vr_view *v, const char *result)
{
	return v->f->spf != NULL && strcmp(v->f->spf, result) == 0;
}

bool
vr_rule_applies(enum vr_rule rule, const struct vr_view *v)
{
	const struct vr_facts *f = v->f;

	switch (rule) {
	case VR_MULTI_FROM:
		return f->multi_from;
	case VR_NONEXISTENT:
		return f->nonexistent;
	case VR_BULK_AUTH:
	case VR_BULK_ALL:
		return bulk_unmet(v);
	case VR_SPF_TEMP:
		return spf_is(v, "temperror") && !v->dkim_pass &&
		    v->dmarc != VR_DMARC_PASS;
	case VR_TEMP:
		return temporary(v);
	case VR_DMARC_REJECT:
		return dmarc_disposition(v, "reject");
	case VR_UNAUTH_V6:
		return f->ipv6 && unauthenticated(v);
	case VR_UNAUTH:
		return unauthenticated(v);
	case VR_SPF_FAIL:
		return spf_is(v, "fail") && !v->dkim_pass;
	case VR_SPF_PERMERROR:
		return spf_is(v, "permerror") && !v->dkim_pass;
	case VR_BULK_NO_DMARC:
		return f->bulk && v->dmarc == VR_DMARC_NONE;
	case VR_BULK_SPF:
		return f->bulk && f->spf != NULL && !v->spf_pass &&
		    v->dkim_pass;
	case VR_BULK_DKIM:
		return f->bulk && f->dkim_known && !v->dkim_pass &&
		    v->spf_pass;
	case VR_BULK_ALIGN:
		return f->bulk && (v->spf_pass || v->dkim_pass) &&
		    v->dmarc == VR_DMARC_FAIL;
	case VR_PTR_V6:
		return f->ipv6 && ptr_bad(v);
	case VR_PTR:
		return ptr_bad(v);
	case VR_NULL_MX:
		return f->null_mx;
	case VR_DMARC_QUARANTINE:
		return dmarc_disposition(v, "quarantine");
	case VR_SPF_HARDFAIL:
		return spf_is(v, "fail") && v->dkim_pass;
	case VR__COUNT:
		break;
	}
	return false;
}
