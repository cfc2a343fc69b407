/* utf8.c: UTF-8 well-formedness (Unicode 15 3.9, table 3-7). */
#include "aa_utf8.h"

/*
 * Length of the well-formed UTF-8 sequence at p, n > 0 octets long
 * (Unicode 15 table 3-7), or 0 with *bad set to the length of its
 * maximal ill-formed subpart, which becomes one U+FFFD (Unicode 15 3.9).
 */
size_t
aa_utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		need = 1;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		need = 2;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		need = 3;
	else {
		*bad = 1;
		return 0;
	}
	if (p[0] == 0xE0)
		lo = 0xA0;	/* overlong */
	else if (p[0] == 0xED)
		hi = 0x9F;	/* surrogates */
	else if (p[0] == 0xF0)
		lo = 0x90;	/* overlong */
	else if (p[0] == 0xF4)
		hi = 0x8F;	/* above U+10FFFF */
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}
