/*
 * fuzz_spf: the SPF record parser (spf_parse.c).  Invariants: a record
 * that parses has every term and argument inside the record text, in
 * order and without overlap; the text is the input; redirect and exp
 * point at modifiers of their kind; a record is parsed only if it is
 * v=spf1 (RFC 7208 4.5); a failure names an offset inside the input;
 * parsing is deterministic.
 */
#include <string.h>

#include "aa_spf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *rec = (const char *)data;
	struct aa_spf_record *r = NULL, *r2 = NULL;
	const struct aa_spf_pterm *t;
	struct aa_spf_error err;
	enum aa_status st;
	size_t i, end = 0;

	memset(&err, 0, sizeof(err));
	st = aa_spf_parse(rec, len, &r, &err);
	FUZZ_ASSERT(st == AA_OK || st == AA_EPARSE || st == AA_ELIMIT);
	if (st != AA_OK) {
		FUZZ_ASSERT(r == NULL);
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.off <= len);
		FUZZ_ASSERT(err.term_off <= len &&
		    err.term_len <= len - err.term_off);
		return 0;
	}
	FUZZ_ASSERT(aa_spf_is_spf1(rec, len));
	FUZZ_ASSERT(r->len == len && memcmp(r->text, rec, len) == 0);
	FUZZ_ASSERT(r->text[len] == '\0');
	FUZZ_ASSERT(r->nterms <= AA_SPF_MAX_TERMS);
	for (i = 0; i < r->nterms; i++) {
		t = &r->terms[i];
		FUZZ_ASSERT(t->off >= end && t->len > 0 && t->off + t->len <= len);
		if (t->has_arg)
			FUZZ_ASSERT(t->arg_off >= t->off &&
			    t->arg_off + t->arg_len <= t->off + t->len);
		FUZZ_ASSERT((t->qualifier == 0) == (t->kind >= AA_SPF_REDIRECT));
		FUZZ_ASSERT(t->cidr4 >= -1 && t->cidr4 <= 32);
		FUZZ_ASSERT(t->cidr6 >= -1 && t->cidr6 <= 128);
		if (t->kind == AA_SPF_ALL)
			FUZZ_ASSERT(r->has_all);
		end = t->off + t->len;
	}
	if (r->redirect >= 0)
		FUZZ_ASSERT((size_t)r->redirect < r->nterms &&
		    r->terms[r->redirect].kind == AA_SPF_REDIRECT);
	if (r->exp >= 0)
		FUZZ_ASSERT((size_t)r->exp < r->nterms &&
		    r->terms[r->exp].kind == AA_SPF_EXP);
	FUZZ_ASSERT(aa_spf_parse(rec, len, &r2, &err) == AA_OK);
	FUZZ_ASSERT(r2->nterms == r->nterms);
	aa_spf_record_free(r2);
	aa_spf_record_free(r);
	return 0;
}
