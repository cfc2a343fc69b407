/*
 * finding.c: the finding registry (design.md 3b).  This table is the one
 * source of ids, default severities and references; the man page's
 * FINDINGS list is generated from it (tools/gen-man-findings.sh).
 */
#include <string.h>

#include "aa_finding.h"

#define E	AA_SEV_ERROR
#define W	AA_SEV_WARNING
#define I	AA_SEV_INFO
#define T	true
#define P	false

static const struct aa_finding_info registry[AA_F__COUNT] = {
	{ AA_F_SPF_NONE, "spf-none", W, P, "RFC 7208 4.5",
	    "the domain publishes no SPF record" },
	{ AA_F_SPF_MULTIPLE_RECORDS, "spf-multiple-records", E, P,
	    "RFC 7208 4.5", "more than one v=spf1 record: permerror" },
	{ AA_F_SPF_SYNTAX, "spf-syntax", E, P, "RFC 7208 4.6",
	    "an SPF term is malformed: permerror" },
	{ AA_F_SPF_TOO_MANY_LOOKUPS, "spf-too-many-lookups", E, P,
	    "RFC 7208 4.6.4",
	    "more than 10 DNS-querying terms: permerror" },
	{ AA_F_SPF_TOO_MANY_VOID_LOOKUPS, "spf-too-many-void-lookups", E, P,
	    "RFC 7208 4.6.4", "more than 2 void lookups: permerror" },
	{ AA_F_SPF_MX_TOO_MANY_NAMES, "spf-mx-too-many-names", E, P,
	    "RFC 7208 4.6.4",
	    "an mx term names more than 10 hosts: permerror" },
	{ AA_F_SPF_INCLUDE_LOOP, "spf-include-loop", E, P, "RFC 7208 5.2",
	    "include or redirect leads back to a record already visited" },
	{ AA_F_SPF_INCLUDE_NONE, "spf-include-none", E, P, "RFC 7208 5.2",
	    "an include target has no SPF record: permerror" },
	{ AA_F_SPF_PTR, "spf-ptr", W, P, "RFC 7208 5.5",
	    "the ptr mechanism SHOULD NOT be used" },
	{ AA_F_SPF_PLUS_ALL, "spf-plus-all", W, P, "RFC 7208 5.1",
	    "+all authorises every host on the Internet" },
	{ AA_F_SPF_NO_ALL, "spf-no-all", W, P, "RFC 7208 4.7",
	    "no all term or redirect: unmatched senders get neutral" },
	{ AA_F_SPF_RECORD_TOO_LONG, "spf-record-too-long", W, P,
	    "RFC 7208 3.4", "the record is over 450 octets" },
	{ AA_F_SPF_MACRO_UNRESOLVED, "spf-macro-unresolved", I, P,
	    "RFC 7208 7", "a term depends on the client and was not followed" },
	{ AA_F_SPF_FAIL, "spf-fail", E, P, "RFC 7208 8.4",
	    "SPF fail: the IP is not authorised for the domain" },
	{ AA_F_SPF_SOFTFAIL, "spf-softfail", W, P, "RFC 7208 8.5",
	    "SPF softfail: the IP is probably not authorised" },
	{ AA_F_SPF_TEMPERROR, "spf-temperror", E, T, "RFC 7208 8.6",
	    "a temporary DNS failure left SPF undetermined" },
	{ AA_F_SPF_HELO_FAIL, "spf-helo-fail", W, P, "RFC 7208 2.3",
	    "the HELO identity fails SPF" },
	{ AA_F_SPF_LIBSPF2_CRASH, "spf-libspf2-crash", W, P,
	    "CVE-2023-42118",
	    "libspf2 (Exim, OpenDMARC) crashed on the record" },
	{ AA_F_SPF_LIBSPF2_DISAGREES, "spf-libspf2-disagrees", W, P,
	    "RFC 7208", "libspf2 (Exim) reaches a different SPF result" },

	{ AA_F_DKIM_NONE, "dkim-none", W, P, "RFC 6376 6.1",
	    "the message carries no DKIM signature" },
	{ AA_F_DKIM_BODY_HASH_MISMATCH, "dkim-body-hash-mismatch", E, P,
	    "RFC 6376 6.1.3", "the body changed after signing" },
	{ AA_F_DKIM_SIGNATURE_MISMATCH, "dkim-signature-mismatch", E, P,
	    "RFC 6376 6.1.3",
	    "a signed header changed or the key does not match" },
	{ AA_F_DKIM_SIGNATURE_INVALID, "dkim-signature-invalid", E, P,
	    "RFC 6376 3.5", "the DKIM-Signature is malformed or unsupported "
	    "(tags, v=, a=, c=, q=, i=, base64)" },
	{ AA_F_DKIM_KEY_NOT_FOUND, "dkim-key-not-found", E, P,
	    "RFC 6376 6.1.2", "no key record at the selector" },
	{ AA_F_DKIM_KEY_REVOKED, "dkim-key-revoked", E, P, "RFC 6376 3.6.1",
	    "the key record has an empty p= (revoked)" },
	{ AA_F_DKIM_KEY_INVALID, "dkim-key-invalid", E, P, "RFC 6376 3.6.1",
	    "the key record is unusable (h=, s=, k=, base64, NUL)" },
	{ AA_F_DKIM_KEY_MULTIPLE_RECORDS, "dkim-key-multiple-records", E, P,
	    "RFC 6376 3.6.2.2", "several TXT records at the selector" },
	{ AA_F_DKIM_KEY_TOO_SMALL, "dkim-key-too-small", E, P,
	    "RFC 8301 3.2", "RSA key under 1024 bits (under 2048: warning)" },
	{ AA_F_DKIM_KEY_TOO_LARGE, "dkim-key-too-large", E, P,
	    "RFC 8301 3.2", "RSA key over 8192 bits" },
	{ AA_F_DKIM_SHA1, "dkim-sha1", E, P, "RFC 8301 3.1",
	    "rsa-sha1 signatures are not valid" },
	{ AA_F_DKIM_EXPIRED, "dkim-expired", E, P, "RFC 6376 3.5",
	    "the signature's x= is in the past" },
	{ AA_F_DKIM_TIMESTAMP_FUTURE, "dkim-timestamp-future", W, P,
	    "RFC 6376 3.5", "the signature's t= is in the future" },
	{ AA_F_DKIM_LENGTH_TAG, "dkim-length-tag", W, P, "RFC 6376 8.2",
	    "l= lets anyone append content to the signed body" },
	{ AA_F_DKIM_TESTING, "dkim-testing", W, P, "RFC 6376 3.6.1",
	    "the key is in testing mode (t=y)" },
	{ AA_F_DKIM_FROM_NOT_SIGNED, "dkim-from-not-signed", E, P,
	    "RFC 6376 5.4", "From is not in the signed headers" },
	{ AA_F_DKIM_HEADER_NOT_OVERSIGNED, "dkim-header-not-oversigned", W, P,
	    "RFC 6376 8.15",
	    "a key header is not over-signed: a copy can be prepended" },
	{ AA_F_DKIM_NOT_ALIGNED, "dkim-not-aligned", W, P, "RFC 7489 3.1.1",
	    "the signing domain does not align with the author domain" },
	{ AA_F_DKIM_TEMPERROR, "dkim-temperror", E, T, "RFC 6376 6.1.2",
	    "a temporary DNS failure prevented fetching the key" },
	{ AA_F_DKIM_LINE_ENDINGS, "dkim-line-endings", I, P,
	    "RFC 5322 2.1", "LF-only or mixed line endings in the file" },
	{ AA_F_DKIM_BODY_UNAVAILABLE, "dkim-body-unavailable", I, P,
	    "RFC 6522 4", "only the headers were returned: no body hash check" },
	{ AA_F_DKIM_MBOX_QUOTING, "dkim-mbox-quoting", W, P, "RFC 4155",
	    "the body hash fails only because of mbox >From quoting" },

	{ AA_F_DMARC_NONE, "dmarc-none", W, P, "RFC 7489 6.6.3",
	    "no DMARC record for the author domain" },
	{ AA_F_DMARC_MULTIPLE_RECORDS, "dmarc-multiple-records", E, P,
	    "RFC 7489 6.6.3", "several DMARC records: none applies" },
	{ AA_F_DMARC_SYNTAX, "dmarc-syntax", E, P, "RFC 7489 6.3",
	    "the DMARC record is malformed" },
	{ AA_F_DMARC_TAG_UNKNOWN, "dmarc-tag-unknown", I, P, "RFC 7489 6.3",
	    "an unknown tag is ignored" },
	{ AA_F_DMARC_RUA_INVALID, "dmarc-rua-invalid", W, P, "RFC 7489 6.2",
	    "a rua or ruf URI is malformed" },
	{ AA_F_DMARC_RUA_UNAUTHORIZED, "dmarc-rua-unauthorized", W, P,
	    "RFC 7489 7.1", "an external report destination did not authorise" },
	{ AA_F_DMARC_POLICY_NONE, "dmarc-policy-none", W, P, "RFC 7489 6.3",
	    "p=none: failing mail is not rejected or quarantined" },
	{ AA_F_DMARC_PCT, "dmarc-pct", W, P, "RFC 7489 6.6.4",
	    "pct below 100 applies the policy to a sample only" },
	{ AA_F_DMARC_FAIL, "dmarc-fail", E, P, "RFC 7489 4.2",
	    "neither SPF nor DKIM passes aligned with the author domain" },
	{ AA_F_DMARC_TEMPERROR, "dmarc-temperror", E, T, "RFC 7489 6.6.3",
	    "a temporary DNS failure left DMARC undetermined" },
	{ AA_F_DMARC_UNDETERMINED, "dmarc-undetermined", W, P,
	    "RFC 7489 4.2", "the only possible aligned pass cannot be checked" },
	{ AA_F_DMARC_ORG_DOMAIN_DISAGREEMENT,
	    "dmarc-org-domain-disagreement", W, P, "RFC 9989 4.10",
	    "the PSL and the DNS tree walk find different org domains" },
	{ AA_F_DMARC_RFC9989_DIFFERS, "dmarc-rfc9989-differs", W, P,
	    "RFC 9989", "RFC 9989 receivers reach a different result" },
	{ AA_F_DMARC_NP_COMPACT_DENIAL, "dmarc-np-compact-denial", I, P,
	    "RFC 9989 4.7", "A, AAAA and MX are all NODATA at the author domain" },
	{ AA_F_DMARC_PSL_STALE, "dmarc-psl-stale", I, P, "RFC 7489 3.2",
	    "the Public Suffix List is older than a year" },
	{ AA_F_DMARC_OPENDMARC_DISAGREES, "dmarc-opendmarc-disagrees", W, P,
	    "RFC 7489", "OpenDMARC reaches a different result" },

	{ AA_F_DOMAIN_NONEXISTENT, "domain-nonexistent", E, P, "RFC 5321 2.3.5",
	    "the domain does not exist in DNS" },
	{ AA_F_MX_NULL, "mx-null", W, P, "RFC 7505 4.2",
	    "a null MX: the domain accepts no mail and may be refused as sender" },
	{ AA_F_PTR_MISSING, "ptr-missing", E, P, "RFC 7372 3.3",
	    "the sending IP has no PTR record" },
	{ AA_F_FCRDNS_MISMATCH, "fcrdns-mismatch", E, P, "RFC 7372 3.3",
	    "the PTR name does not resolve back to the sending IP" },
	{ AA_F_PTR_NOT_CHECKED, "ptr-not-checked", I, P, "RFC 7372 3.3",
	    "reverse DNS was not checked (offline, no reverse zone)" },
	{ AA_F_BULK_UNSUBSCRIBE_MISSING, "bulk-unsubscribe-missing", E, P,
	    "RFC 8058", "bulk mail without one-click List-Unsubscribe-Post" },

	{ AA_F_MSG_MULTIPLE_FROM, "msg-multiple-from", E, P, "RFC 5322 3.6",
	    "several From fields or several addresses in From" },
	{ AA_F_MSG_NO_FROM, "msg-no-from", E, P, "RFC 5322 3.6",
	    "the message has no From field" },
	{ AA_F_MSG_TOO_LARGE, "msg-too-large", E, P, "RFC 5322 2.1.1",
	    "the message exceeds a size or header cap" },
	{ AA_F_INPUT_IP_UNKNOWN, "input-ip-unknown", W, P, "RFC 7208 4.1",
	    "the connecting IP could not be recovered; pass --ip" },
	{ AA_F_DNS_BUDGET_EXCEEDED, "dns-budget-exceeded", E, T,
	    "RFC 7208 4.6.4", "the audit's query or time cap was reached" },

	{ AA_F_BOUNCE_ADDRESS, "bounce-address", E, P, "RFC 3463 3.2",
	    "the mailbox does not exist: correct or remove the address" },
	{ AA_F_BOUNCE_MAILBOX, "bounce-mailbox", E, P, "RFC 3463 3.3",
	    "the mailbox is full or disabled: reach the recipient otherwise" },
	{ AA_F_BOUNCE_RELAY, "bounce-relay", E, P, "RFC 3463 3.5",
	    "relaying denied: authenticate to your submission server" },
	{ AA_F_BOUNCE_REPUTATION, "bounce-reputation", E, P, "RFC 3463 3.8",
	    "refused for content or reputation: check blocklists" },
	{ AA_F_BOUNCE_VOLUME, "bounce-volume", E, P, "RFC 3463 3.5",
	    "a rate or daily limit was hit: throttle and warm up" },
	{ AA_F_BOUNCE_TRANSIENT, "bounce-transient", W, P, "RFC 3463 2",
	    "a temporary failure: a retry will likely succeed" },
};

const struct aa_finding_info *
aa_finding_info(enum aa_code code)
{
	if ((unsigned)code >= AA_F__COUNT)
		return NULL;
	return &registry[code];
}

const struct aa_finding_info *
aa_finding_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < AA_F__COUNT; i++)
		if (strcmp(registry[i].id, id) == 0)
			return &registry[i];
	return NULL;
}

const char *
aa_severity_str(enum aa_severity s)
{
	switch (s) {
	case AA_SEV_INFO:
		return "info";
	case AA_SEV_WARNING:
		return "warning";
	case AA_SEV_ERROR:
		return "error";
	}
	return "unknown";
}

int
aa_severity_from_str(const char *s, enum aa_severity *out)
{
	static const enum aa_severity all[] = { AA_SEV_INFO, AA_SEV_WARNING,
		AA_SEV_ERROR };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, aa_severity_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}
