/*
 * fuzz_msg: the RFC 5322 header reader (msg_raw.c).  Invariants: every
 * field is a slice of the message bytes at its offset, in order and
 * without overlap; its name and value lie inside it; the body starts at
 * or after the last field; parse of the same bytes is deterministic.
 */
#include <stdbool.h>
#include <string.h>

#include "aa_msg.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct aa_msg_limits lim = { .max_size = 1 << 20, .max_fields = 200,
	    .max_field_len = 4096 };
	const struct aa_msg_field *f;
	const uint8_t *bytes, *body;
	struct aa_msg *m, *m2;
	size_t i, n, blen, bodylen, end = 0;
	char err[256];

	if (aa_msg_parse(data, len, &lim, &m, err, sizeof(err)) != AA_OK) {
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	bytes = aa_msg_bytes(m, &blen);
	n = aa_msg_field_count(m);
	FUZZ_ASSERT(n <= lim.max_fields);
	for (i = 0; i < n; i++) {
		f = aa_msg_field(m, i);
		FUZZ_ASSERT(f->offset >= end);
		FUZZ_ASSERT(f->offset + f->rawlen <= blen);
		FUZZ_ASSERT(f->raw == bytes + f->offset);
		FUZZ_ASSERT(f->rawlen <= lim.max_field_len);
		FUZZ_ASSERT((const uint8_t *)f->name >= f->raw &&
		    (const uint8_t *)f->name + f->namelen <= f->raw + f->rawlen);
		FUZZ_ASSERT(f->value >= f->raw &&
		    f->value + f->valuelen <= f->raw + f->rawlen);
		FUZZ_ASSERT(aa_msg_find(m, "x", 0) >= -1);
		end = f->offset + f->rawlen;
	}
	body = aa_msg_body(m, &bodylen);
	FUZZ_ASSERT(aa_msg_body_offset(m) >= end);
	FUZZ_ASSERT(aa_msg_body_offset(m) + bodylen == blen);
	FUZZ_ASSERT(bodylen == 0 || body == bytes + aa_msg_body_offset(m));
	FUZZ_ASSERT(aa_msg_parse(data, len, &lim, &m2, err, sizeof(err)) ==
	    AA_OK);
	FUZZ_ASSERT(aa_msg_field_count(m2) == n);
	aa_msg_free(m2);
	aa_msg_free(m);
	return 0;
}
