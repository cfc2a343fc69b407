/*
 * fuzz_dkim: the DKIM tag-list, DKIM-Signature and key-record parsers
 * (dkim_tags.c).  The first octet picks the parser.  Invariants: tags lie
 * inside the input, no name twice (RFC 6376 3.2); a usable signature has
 * d=, s=, b=, bh=, a known algorithm and From in h= (3.5, 5.4), and an
 * i= at or under d=; a usable key has a key of its type's size (RSA at
 * most 8192 bits, ed25519 32 octets, RFC 8463 4.2); parsing twice gives
 * the same result; everything is freed.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "aa_dkim.h"
#include "fuzz.h"

static void
fuzz_tags(const uint8_t *p, size_t len)
{
	struct aa_dkim_tag tags[AA_DKIM_MAX_TAGS];
	size_t i, j, n = 0;
	char err[200] = "";

	if (aa_dkim_tag_list(p, len, tags, AA_DKIM_MAX_TAGS, &n, err,
	    sizeof(err)) != AA_OK) {
		FUZZ_ASSERT(err[0] != '\0');
		return;
	}
	FUZZ_ASSERT(n <= AA_DKIM_MAX_TAGS);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(tags[i].name >= p && tags[i].namelen > 0 &&
		    tags[i].name + tags[i].namelen <= p + len);
		FUZZ_ASSERT(tags[i].valuelen == 0 || (tags[i].value >= p &&
		    tags[i].value + tags[i].valuelen <= p + len));
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(tags[j].namelen != tags[i].namelen ||
			    memcmp(tags[j].name, tags[i].name,
			    tags[i].namelen) != 0);
	}
}

static void
fuzz_sig(const uint8_t *p, size_t len)
{
	struct aa_dkim_sigtags s, s2;
	enum aa_status st;
	size_t i, dl, il;
	bool from = false;

	memset(&s, 0, sizeof(s));
	memset(&s2, 0, sizeof(s2));
	st = aa_dkim_sig_parse(p, len, &s);
	FUZZ_ASSERT((st == AA_OK) == (s.error == AA_DKIM_SIG_OK));
	FUZZ_ASSERT(memchr(s.why, '\0', sizeof(s.why)) != NULL);
	FUZZ_ASSERT(s.nh <= AA_DKIM_MAX_H);
	for (i = 0; i < s.nh; i++)
		if (strcmp(s.h[i], "from") == 0)
			from = true;
	if (st == AA_OK) {
		FUZZ_ASSERT(s.d != NULL && s.s != NULL && s.b != NULL &&
		    s.bh != NULL && s.canon != NULL);
		FUZZ_ASSERT(s.alg != AA_DKIM_ALG_UNKNOWN);
		FUZZ_ASSERT(from);
		if (s.identity != NULL && strchr(s.identity, '@') != NULL) {
			const char *dom = strrchr(s.identity, '@') + 1;
			dl = strlen(s.d);
			il = strlen(dom);
			FUZZ_ASSERT(il >= dl && strcasecmp(dom + il - dl,
			    s.d) == 0 && (il == dl || dom[il - dl - 1] == '.'));
		}
	} else
		FUZZ_ASSERT(s.why[0] != '\0');
	FUZZ_ASSERT(aa_dkim_sig_parse(p, len, &s2) == st);
	FUZZ_ASSERT(s2.error == s.error && s2.nh == s.nh && s2.alg == s.alg);
	aa_dkim_sig_clear(&s2);
	aa_dkim_sig_clear(&s);
}

static void
fuzz_key(const uint8_t *p, size_t len)
{
	struct aa_dkim_keyrec k, k2;
	enum aa_status st;

	memset(&k, 0, sizeof(k));
	memset(&k2, 0, sizeof(k2));
	st = aa_dkim_key_parse(p, len, &k);
	FUZZ_ASSERT(memchr(k.why, '\0', sizeof(k.why)) != NULL);
	if (st == AA_OK && k.error == AA_DKIM_KEY_OK) {
		FUZZ_ASSERT(k.key != NULL && k.keylen > 0);
		if (k.k == AA_DKIM_K_ED25519)
			FUZZ_ASSERT(k.keylen == 32 && k.bits == 256);
		else if (k.k == AA_DKIM_K_RSA)
			FUZZ_ASSERT(k.bits > 0 &&
			    k.bits <= AA_DKIM_MAX_RSA_BITS &&
			    k.spki != NULL && k.spkilen > 0);
	}
	if (memchr(p, '\0', len) != NULL)
		FUZZ_ASSERT(k.error != AA_DKIM_KEY_OK);
	FUZZ_ASSERT(aa_dkim_key_parse(p, len, &k2) == st);
	FUZZ_ASSERT(k2.error == k.error && k2.bits == k.bits);
	aa_dkim_key_clear(&k2);
	aa_dkim_key_clear(&k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_tags(data + 1, len - 1);
		break;
	case 1:
		fuzz_sig(data + 1, len - 1);
		break;
	default:
		fuzz_key(data + 1, len - 1);
		break;
	}
	return 0;
}
