/*
 * fuzz_spf_macro: SPF macro checking and expansion (spf_macro.c), the
 * code where libspf2 had its memory-safety bugs.  The first input octet
 * picks the mode (explanation or domain-spec) and the client family.
 * Invariants: check and expand agree on validity; the expansion is
 * NUL-terminated at its length and within the 8 KiB cap; an expansion
 * without macros is the input itself (only %% %_ %- escapes change
 * text); truncation to 253 octets (RFC 7208 4.8) yields a suffix of at
 * most 253 octets (a final root dot not counted) that starts at a label.
 */
#include <stdbool.h>
#include <string.h>

#include "aa_spf.h"
#include "fuzz.h"

static const char *
validated(void *arg)
{
	(void)arg;
	return "mx.example.org";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t v4[4] = { 192, 0, 2, 3 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct aa_spf_macro_env env = {
		.sender = "strong-bad@email.example.com",
		.local = "strong-bad", .sender_domain = "email.example.com",
		.domain = "email.example.com", .helo = "mx.example.org",
		.receiver = "mx.receiver.example", .now = 1700000000,
		.validated = validated
	};
	const char *s, *tr;
	enum aa_status cst, est;
	size_t bad1 = 0, bad2 = 0, outlen = 0, n;
	unsigned letters = 0;
	char *out = NULL;
	bool exp;

	if (len == 0)
		return 0;
	exp = data[0] & 1;
	env.family = data[0] & 2 ? 6 : 4;
	env.ip = env.family == 6 ? v6 : v4;
	s = (const char *)data + 1;
	len--;
	cst = aa_spf_macro_check(s, len, exp, &bad1, &letters);
	est = aa_spf_macro_expand(s, len, exp, &env, &out, &outlen, &bad2);
	FUZZ_ASSERT(cst == AA_OK || cst == AA_EPARSE);
	FUZZ_ASSERT(est == AA_OK || est == AA_EPARSE || est == AA_ELIMIT);
	if (cst == AA_EPARSE) {
		FUZZ_ASSERT(est == AA_EPARSE && bad1 <= len);
		FUZZ_ASSERT(out == NULL);
		return 0;
	}
	FUZZ_ASSERT(est != AA_EPARSE);
	if (est == AA_ELIMIT) {
		FUZZ_ASSERT(out == NULL);
		return 0;
	}
	FUZZ_ASSERT(out != NULL && outlen <= 8192 && out[outlen] == '\0');
	if (memchr(s, '%', len) == NULL)
		FUZZ_ASSERT(outlen == len && memcmp(out, s, len) == 0);
	if (strlen(out) == outlen) {
		tr = aa_spf_truncate_domain(out);
		FUZZ_ASSERT(tr >= out && tr <= out + outlen);
		/* A final dot is the root, not part of the 253 octets. */
		n = strlen(tr);
		if (n > 0 && tr[n - 1] == '.')
			n--;
		/* Longer only when one label is left to cut at. */
		FUZZ_ASSERT(n <= 253 || memchr(tr, '.', n) == NULL);
		FUZZ_ASSERT(tr == out || tr[-1] == '.');
	}
	free(out);
	return 0;
}
