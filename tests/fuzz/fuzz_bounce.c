/*
 * fuzz_bounce: the reply-text reader and the classifier (bounce*.c).
 * Invariants: a basic code is 0 or a valid reply code (RFC 5321 4.2);
 * an enhanced code is empty or class.subject.detail (RFC 3463 2) and
 * occurs in the input; the parse is deterministic; a classified reply
 * names a class with a meaning and a source, and only 4xx and 5xx
 * replies are classified.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aa_bounce.h"
#include "fuzz.h"

static bool
enhanced_ok(const char *e)
{
	size_t n = 0, dots = 0;

	if (*e == '\0')
		return true;
	if (e[0] != '2' && e[0] != '4' && e[0] != '5')
		return false;
	for (; e[n] != '\0'; n++)
		if (e[n] == '.')
			dots++;
		else if (e[n] < '0' || e[n] > '9')
			return false;
	return dots == 2 && n < AA_BOUNCE_ENHANCED_MAX;
}

/* Whether the n octets of s occur in the len octets of data. */
static bool
occurs(const uint8_t *data, size_t len, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(data + i, s, n) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct aa_bounce_reply r, r2;
	struct aa_bounce_result res;
	char *text;

	aa_bounce_reply_parse((const char *)data, len, &r);
	FUZZ_ASSERT(r.code == 0 || (r.code >= 200 && r.code <= 559));
	FUZZ_ASSERT(enhanced_ok(r.enhanced));
	FUZZ_ASSERT(r.enhanced[0] == '\0' || occurs(data, len, r.enhanced,
	    strlen(r.enhanced)));
	aa_bounce_reply_parse((const char *)data, len, &r2);
	FUZZ_ASSERT(memcmp(&r, &r2, sizeof(r)) == 0);

	/* The classifier takes C strings: up to the first NUL. */
	if ((text = malloc(len + 1)) == NULL)
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	aa_bounce_explain(0, NULL, text, NULL, &res);
	if (res.class_ != NULL) {
		FUZZ_ASSERT(aa_bounce_class_info(res.class_) != NULL);
		FUZZ_ASSERT(res.meaning != NULL && res.source != NULL);
		FUZZ_ASSERT(res.code / 100 == 4 || res.code / 100 == 5 ||
		    (res.code == 0 && (res.enhanced[0] == '4' ||
		    res.enhanced[0] == '5')));
	}
	aa_bounce_explain(550, r.enhanced[0] != '\0' ? r.enhanced : NULL,
	    text, "gmail", &res);
	FUZZ_ASSERT(res.permanent);
	free(text);
	return 0;
}
