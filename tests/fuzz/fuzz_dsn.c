/*
 * fuzz_dsn: the MIME/DSN reader and the bounce-text recogniser
 * (msg_mime.c, msg_dsn.c, msg_bounce.c), whole messages in.  Invariants:
 * hostile input never gives an error; a sliced returned copy is exactly
 * the input octets at its offset (DKIM must see the original bytes,
 * never a re-serialisation); the recipient cap holds; every recipient
 * field is NUL-free text; the reader is deterministic; a returned copy
 * implies a bounce.
 */
#include <string.h>

#include "aa_input.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct aa_dsn d, d2;
	size_t i;

	FUZZ_ASSERT(aa_dsn_read(data, len, &d) == AA_OK);
	if (d.returned != AA_RETURNED_NONE)
		FUZZ_ASSERT(d.is_bounce && d.returned_bytes != NULL);
	if (d.returned_sliced) {
		FUZZ_ASSERT(d.returned_offset <= len &&
		    d.returned_len <= len - d.returned_offset);
		FUZZ_ASSERT(d.returned_bytes == data + d.returned_offset);
	}
	FUZZ_ASSERT(d.rcpts.n <= AA_DSN_MAX_RECIPIENTS);
	for (i = 0; i < d.rcpts.n; i++) {
		const struct aa_dsn_rcpt *r = &d.rcpts.v[i];

		FUZZ_ASSERT(r->code == 0 || (r->code >= 200 && r->code < 600));
		if (r->diagnostic != NULL)
			FUZZ_ASSERT(strlen(r->diagnostic) <= AA_DSN_MAX_REPLY);
		if (r->status != NULL)
			FUZZ_ASSERT(strlen(r->status) < 16);
	}
	FUZZ_ASSERT(aa_dsn_read(data, len, &d2) == AA_OK);
	FUZZ_ASSERT(d2.is_bounce == d.is_bounce && d2.rcpts.n == d.rcpts.n &&
	    d2.returned == d.returned && d2.returned_len == d.returned_len);
	aa_dsn_free(&d2);
	aa_dsn_free(&d);
	return 0;
}
