/*
 * fuzz_dmarc: the DMARC record parser (dmarc_record.c).  Invariants:
 * every span lies inside the input; the status agrees with is_dmarc and
 * usable (RFC 7489 6.6.3); a usable record has a valid p or sp, or a
 * valid rua; counts stay within their arrays; parsing is deterministic.
 */
#include <string.h>

#include "aa_dmarc.h"
#include "fuzz.h"

static void
check_span(struct aa_dmarc_span s, size_t len)
{
	FUZZ_ASSERT(s.off <= len && s.len <= len - s.off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct aa_dmarc_record r, r2;
	enum aa_status st;
	size_t i, nvalid = 0;

	st = aa_dmarc_parse((const char *)data, len, &r);
	FUZZ_ASSERT(st == AA_OK || st == AA_EPARSE || st == AA_ENOTFOUND);
	FUZZ_ASSERT((st == AA_ENOTFOUND) == !r.is_dmarc);
	FUZZ_ASSERT((st == AA_OK) == (r.is_dmarc && r.usable));
	FUZZ_ASSERT(r.nuris <= AA_DMARC_MAX_URIS);
	FUZZ_ASSERT(r.nissues <= AA_DMARC_MAX_ISSUES);
	FUZZ_ASSERT(r.pct >= -1 && r.pct <= 100);
	FUZZ_ASSERT(r.adkim == 0 || r.adkim == 'r' || r.adkim == 's');
	FUZZ_ASSERT(r.aspf == 0 || r.aspf == 'r' || r.aspf == 's');
	check_span(r.p_text, len);
	check_span(r.sp_text, len);
	check_span(r.np_text, len);
	for (i = 0; i < r.nuris; i++) {
		check_span(r.uris[i].uri, len);
		check_span(r.uris[i].domain, len);
		if (!r.uris[i].ruf && r.uris[i].valid)
			nvalid++;
	}
	if (r.uris_dropped == 0)
		FUZZ_ASSERT(nvalid == r.nvalid_rua);
	for (i = 0; i < r.nissues; i++) {
		check_span(r.issues[i].value, len);
		FUZZ_ASSERT(memchr(r.issues[i].tag, '\0',
		    sizeof(r.issues[i].tag)) != NULL);
		FUZZ_ASSERT(r.issues[i].what != NULL);
	}
	if (st == AA_OK && !r.p_from_rua)
		FUZZ_ASSERT(r.p == AA_DMARC_POL_NONE ||
		    r.p == AA_DMARC_POL_QUARANTINE ||
		    r.p == AA_DMARC_POL_REJECT ||
		    r.sp == AA_DMARC_POL_NONE ||
		    r.sp == AA_DMARC_POL_QUARANTINE ||
		    r.sp == AA_DMARC_POL_REJECT);
	if (r.p_from_rua)
		FUZZ_ASSERT(r.nvalid_rua > 0);
	FUZZ_ASSERT(aa_dmarc_parse((const char *)data, len, &r2) == st);
	FUZZ_ASSERT(r2.nissues == r.nissues && r2.nuris == r.nuris &&
	    r2.p == r.p && r2.pct == r.pct);
	return 0;
}
