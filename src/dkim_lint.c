/*
 * dkim_lint.c: `authaudit domain`'s DKIM part.  Each -s selector's key
 * record is fetched and linted with the checks that need no message
 * (RFC 6376 3.6.1, RFC 8301 3.2); without -s, the selectors of
 * dkim_selectors.def are probed at once and the keys found are reported
 * as labelled guesses, never as errors (design.md 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_dkim.h"
#include "aa_dns.h"
#include "aa_report.h"
#include "aa_xmalloc.h"
#include "dkim_int.h"

struct guess {
	const char	*selector, *provider;
};

static const struct guess guesses[] = {
#define AA_DKIM_SELECTOR(s, p)	{ #s, p },
#include "dkim_selectors.def"
#undef AA_DKIM_SELECTOR
};

#define NGUESSES	(sizeof(guesses) / sizeof(guesses[0]))

bool
aa_dkim_guess(size_t i, const char **selector, const char **provider)
{
	if (i >= NGUESSES)
		return false;
	*selector = guesses[i].selector;
	*provider = guesses[i].provider;
	return true;
}

/* The key record's own problems. */
static void
lint_record(struct aa_report *rep, const char *name,
    const struct aa_dkim_keyrec *k, size_t reclen)
{
	switch (k->error) {
	case AA_DKIM_KEY_REVOKED:
		aa_report_add(rep, AA_F_DKIM_KEY_REVOKED, name, "the key has "
		    "an empty p=: it is revoked, and every signature made with "
		    "it fails");
		return;
	case AA_DKIM_KEY_TOO_LARGE:
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_LARGE, name, "%s", k->why);
		return;
	case AA_DKIM_KEY_INVALID:
		aa_report_add(rep, AA_F_DKIM_KEY_INVALID, name, "the key "
		    "record is unusable: %s; every signature with this "
		    "selector fails", k->why);
		return;
	case AA_DKIM_KEY_OK:
		break;
	}
	/* RFC 8301 3.1: sha1 is not valid, so h=sha1 alone blocks all. */
	if (!k->h_sha256)
		aa_report_add(rep, AA_F_DKIM_KEY_INVALID, name, "the key's h= "
		    "allows only sha1, which RFC 8301 3.1 forbids: no valid "
		    "signature can use this key; remove h= or add sha256");
	if (k->k == AA_DKIM_K_RSA && k->bits < 1024)
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_SMALL, name, "the RSA key "
		    "has %u bits: RFC 8301 3.2 says keys under 1024 bits must "
		    "not be considered valid; publish a 2048-bit key",
		    k->bits);
	else if (k->k == AA_DKIM_K_RSA && k->bits < 2048)
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_SMALL, name, "the RSA key "
		    "has %u bits: valid, but RFC 8301 3.2 asks for at least "
		    "2048", k->bits)->severity = AA_SEV_WARNING;
	/* OpenDKIM's dkim_get_key() reads 1024 octets of the record. */
	if (reclen > AA_DKIM_ODKIM_MAX_RECORD)
		aa_report_add(rep, AA_F_DKIM_KEY_TOO_LARGE, name, "the key "
		    "record is %zu octets: OpenDKIM receivers read only the "
		    "first %d and fail every signature; shorten the record "
		    "or use a 2048-bit key", reclen,
		    AA_DKIM_ODKIM_MAX_RECORD)->severity =
		    AA_SEV_WARNING;
	if (k->testing)
		aa_report_add(rep, AA_F_DKIM_TESTING, name, "the key has t=y "
		    "(testing): receivers may treat its signatures as "
		    "unsigned; remove t=y once signing works");
}

/* The answer's problems (rcode, count), then the record's. */
static void
lint_answer(struct aa_report *rep, const char *name,
    const struct aa_answer *a, struct aa_dkim_keyrec *k)
{
	if (aa_rcode_temporary(a->rcode))
		aa_report_add(rep, AA_F_DKIM_TEMPERROR, name, "the key lookup "
		    "failed with %s: whether the key exists is undetermined, "
		    "and receivers defer mail signed with it",
		    aa_rcode_str(a->rcode));
	else if (a->rcode == AA_RCODE_NXDOMAIN || a->nrr == 0)
		aa_report_add(rep, AA_F_DKIM_KEY_NOT_FOUND, name, "no key "
		    "record (%s): mail signed with this selector fails with "
		    "permerror; publish the public key as a TXT record here",
		    a->rcode == AA_RCODE_NXDOMAIN ? "NXDOMAIN" :
		    "no TXT record");
	else if (a->nrr > 1)
		aa_report_add(rep, AA_F_DKIM_KEY_MULTIPLE_RECORDS, name, "%zu "
		    "TXT records: a verifier cannot tell which is the key "
		    "; keep exactly one", a->nrr);
	else {
		(void)aa_dkim_key_parse(a->rr[0].joined.data,
		    a->rr[0].joined.len, k);
		lint_record(rep, name, k, a->rr[0].joined.len);
		if (a->rr[0].file != NULL) {
			size_t i;

			/* Point the record's findings at its zone line. */
			for (i = 0; i < rep->findings.n; i++)
				if (rep->findings.v[i].origin.file == NULL &&
				    strcmp(rep->findings.v[i].subject,
				    name) == 0) {
					rep->findings.v[i].origin.file =
					    aa_report_strdup(rep,
					    a->rr[0].file);
					rep->findings.v[i].origin.line =
					    a->rr[0].line;
				}
		}
	}
}

/* One key, at name: a report entry, its findings; true when no error. */
static bool
lint(struct aa_report *rep, const char *domain, const char *selector,
    const char *name, const struct aa_answer *a, const char *provider)
{
	struct aa_dkim_keyrec k;
	struct aa_dkim_sig *s;
	struct aa_finding *f;
	bool clean = true;
	size_t i;

	if (rep->dkim == NULL)
		rep->dkim = aa_arena_alloc(rep->arena, sizeof(*rep->dkim));
	memset(&k, 0, sizeof(k));
	s = AA_VEC_PUSH(rep->arena, rep->dkim->signatures);
	s->domain = aa_report_strdup(rep, domain);
	s->selector = aa_report_strdup(rep, selector);
	s->guessed = provider != NULL;
	s->findings_at = rep->findings.n;
	lint_answer(rep, name, a, &k);
	s->findings_n = rep->findings.n - s->findings_at;
	if (k.bits != 0)
		s->key_bits = AA_INT(k.bits);
	if (k.key != NULL || k.error == AA_DKIM_KEY_REVOKED) {
		s->key_flags = aa_report_strdup(rep, k.flags);
		s->testing = AA_TRI(k.testing);
	}
	for (i = 0; i < s->findings_n; i++) {
		f = &rep->findings.v[s->findings_at + i];
		/* The key's error is its first error finding. */
		if (f->severity == AA_SEV_ERROR && clean) {
			clean = false;
			s->error = aa_finding_info(f->code)->id;
		}
		/* A guess is context, never an error (design.md 1). */
		if (provider != NULL) {
			f->severity = AA_SEV_INFO;
			f->message = aa_report_printf(rep, "guessed selector "
			    "%s (%s): %s", selector, provider, f->message);
		}
	}
	aa_dkim_key_clear(&k);
	return clean;
}

bool
aa_dkim_lint_key(struct aa_dns *dns, struct aa_report *rep,
    const char *domain, const char *selector, bool guessed)
{
	const struct aa_answer *a;
	const char *provider = NULL;
	char *name;
	bool clean;
	size_t i;

	if (guessed)
		for (i = 0; i < NGUESSES && provider == NULL; i++)
			if (strcmp(guesses[i].selector, selector) == 0)
				provider = guesses[i].provider;
	if (guessed && provider == NULL)
		provider = "guess";
	name = aa_xasprintf("%s._domainkey.%s", selector, domain);
	if (aa_dns_query(dns, name, AA_TYPE_TXT, &a) != AA_OK) {
		free(name);
		return false;
	}
	/* A guess that finds nothing, or cannot tell, is not reported. */
	if (guessed && (a->rcode != AA_RCODE_NOERROR || a->nrr == 0))
		clean = false;
	else
		clean = lint(rep, domain, selector, name, a, provider);
	free(name);
	return clean;
}

size_t
aa_dkim_lint_guesses(struct aa_dns *dns, struct aa_report *rep,
    const char *domain)
{
	struct aa_question q[NGUESSES];
	const struct aa_answer *a[NGUESSES];
	char *names[NGUESSES];
	size_t i, found = 0;

	for (i = 0; i < NGUESSES; i++) {
		names[i] = aa_xasprintf("%s._domainkey.%s",
		    guesses[i].selector, domain);
		q[i].name = names[i];
		q[i].type = AA_TYPE_TXT;
		q[i].by = NULL;
	}
	/* All in flight together; the lint below reads the cache. */
	(void)aa_dns_query_many(dns, q, NGUESSES, a);
	for (i = 0; i < NGUESSES; i++) {
		if (a[i] != NULL && a[i]->rcode == AA_RCODE_NOERROR &&
		    a[i]->nrr > 0) {
			(void)lint(rep, domain, guesses[i].selector, names[i],
			    a[i], guesses[i].provider);
			found++;
		}
		free(names[i]);
	}
	return found;
}
