/*
 * msg_int.h: helpers the msg_*.c files share.  Not a public header: only
 * msg_*.c include it.  Pure: no DNS, no output.
 */
#ifndef AA_MSG_INT_H
#define AA_MSG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_arena.h"

/*
 * A copy of n octets at p fit for a report: runs of white space and
 * other C0 controls become one space, leading and trailing space is
 * dropped, ill-formed UTF-8 becomes U+FFFD (design.md 3a), and at most
 * max octets of input are read.  In a; never NULL.
 */
char		*msg_clean(struct aa_arena *, const uint8_t *p, size_t n,
		    size_t max);
/* Where needle first occurs in [p, p + n), ASCII case ignored; or NULL. */
const uint8_t	*msg_find(const uint8_t *p, size_t n, const char *needle);
/* Whether [p, p + n) starts with prefix, ASCII case ignored. */
bool		 msg_prefix(const uint8_t *p, size_t n, const char *prefix);
/* A string's copy in lower case (ASCII only), in a. */
char		*msg_lower(struct aa_arena *, const char *);

/*
 * Length of the header field name that starts the line [p, p + n), or 0
 * when the line is not a field; *colon gets the index of the colon.
 */
size_t		 msg_field_name(const uint8_t *p, size_t n, size_t *colon);

/*
 * Lines of a buffer: line() sets *ln and *lnlen to the line starting at
 * pos, without its LF or CRLF, and returns where the next line starts.
 */
size_t		 msg_line(const uint8_t *p, size_t n, size_t pos,
		    const uint8_t **ln, size_t *lnlen);

/*
 * The IPv4 or IPv6 address that starts [s, s + n), with an optional
 * "IPv6:" tag (RFC 5321 4.1.3), written canonical into out.  It must end
 * there: a letter, '_' or '-' after it makes it part of a name.  With
 * trim_dots, dots that end it are the text's ("with ip 192.0.2.1.").
 */
bool		 msg_ip(const char *s, size_t n, bool trim_dots, char *out,
		    size_t outlen);

#endif /* AA_MSG_INT_H */
