/* aa_utf8.h: UTF-8 checks shared by the renderers and message readers. */
#ifndef AA_UTF8_H
#define AA_UTF8_H

#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at p (n > 0 octets), or 0 with
 * *bad set to the length of its maximal ill-formed subpart, which a
 * caller replaces by one U+FFFD (Unicode 15 3.9, table 3-7).
 */
size_t	aa_utf8_seq(const unsigned char *p, size_t n, size_t *bad);

#endif /* AA_UTF8_H */
