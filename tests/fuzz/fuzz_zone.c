/*
 * fuzz_zone: the zone file and pragma reader (dns_zone.c through ldns).
 * Invariants: a file that loads answers every question with a known
 * rcode; every TXT record's joined string is the concatenation of its
 * character-strings, NUL-terminated; every record names its file:line.
 */
#include <stdbool.h>
#include <string.h>

#include "aa_dns.h"
#include "fuzz.h"

static void
check_answer(const struct aa_answer *a)
{
	size_t i, j, off;
	const struct aa_rr *rr;

	FUZZ_ASSERT((int)a->rcode >= 0 && a->rcode <= AA_RCODE_BUDGET);
	for (i = 0; i < a->nrr; i++) {
		rr = &a->rr[i];
		FUZZ_ASSERT(rr->owner != NULL && rr->data != NULL);
		FUZZ_ASSERT(rr->file != NULL && rr->line > 0);
		if (rr->type != AA_TYPE_TXT)
			continue;
		off = 0;
		for (j = 0; j < rr->ntxt; j++) {
			FUZZ_ASSERT(rr->txt[j].len <= 255);
			FUZZ_ASSERT(off + rr->txt[j].len <= rr->joined.len);
			FUZZ_ASSERT(memcmp(rr->joined.data + off, rr->txt[j].data,
			    rr->txt[j].len) == 0);
			off += rr->txt[j].len;
		}
		FUZZ_ASSERT(off == rr->joined.len);
		FUZZ_ASSERT(rr->joined.data[rr->joined.len] == '\0');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const names[] = { "fuzz.test", "a.fuzz.test",
	    "_dmarc.fuzz.test", "x.y.fuzz.test" };
	static const uint16_t types[] = { AA_TYPE_TXT, AA_TYPE_A,
	    AA_TYPE_MX, AA_TYPE_AAAA };
	struct aa_dns_config cfg = { .offline = true };
	const struct aa_answer *ans;
	struct aa_dns *d;
	char err[256], *text;
	size_t i, j;
	static const char head[] = "$ORIGIN fuzz.test.\n$TTL 300\n";

	if (aa_dns_new(&cfg, &d, err, sizeof(err)) != AA_OK)
		abort();
	text = malloc(sizeof(head) + len);
	if (text == NULL)
		abort();
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, len);
	text[sizeof(head) - 1 + len] = '\0';
	if (aa_dns_load_zone_text(d, "fuzz.zone", text,
	    sizeof(head) - 1 + len, err, sizeof(err)) == AA_OK) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			for (j = 0; j < sizeof(types) / sizeof(types[0]); j++)
				if (aa_dns_query(d, names[i], types[j],
				    &ans) == AA_OK)
					check_answer(ans);
	} else
		FUZZ_ASSERT(err[0] != '\0');
	free(text);
	aa_dns_free(d);
	return 0;
}
