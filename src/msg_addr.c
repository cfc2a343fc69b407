/*
 * msg_addr.c: the addresses of an RFC 5322 address list (3.4), as From,
 * Return-Path and To hold them.  Only the addr-specs matter to the
 * checks: display names, comments, groups and obsolete routes (4.4) are
 * read past.  Lenient on purpose: a receiver finds an author domain in a
 * sloppy From, so we must find the same one.  Pure: no DNS, no output.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "aa_input.h"
#include "msg_int.h"

#define LIST_MAX	(64u * 1024)	/* octets of a list read */

struct cur {
	char	*seg;		/* the address outside angle brackets */
	size_t	 seglen;
	char	*ang;		/* the address inside them */
	size_t	 anglen;
	bool	 in_angle, had_angle;
};

/* Keep one octet; white space outside quotes is CFWS and dropped. */
static void
put(struct cur *c, char ch)
{
	if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		return;
	if (c->in_angle)
		c->ang[c->anglen++] = ch;
	else
		c->seg[c->seglen++] = ch;
}

/* End of one address: push its addr-spec, if it has one. */
static size_t
finish(struct aa_arena *a, struct cur *c, struct aa_strvec *out)
{
	const char *s = c->had_angle ? c->ang : c->seg, *colon;
	size_t n = c->had_angle ? c->anglen : c->seglen;

	c->seglen = c->anglen = 0;
	c->in_angle = c->had_angle = false;
	/* RFC 5322 4.4 obs-route: "@a,@b:" before the addr-spec. */
	if (n > 0 && s[0] == '@' && (colon = memchr(s, ':', n)) != NULL) {
		n -= (size_t)(colon + 1 - s);
		s = colon + 1;
	}
	if (n == 0 || memchr(s, '@', n) == NULL)
		return 0;
	*(const char **)AA_VEC_PUSH(a, *out) = msg_clean(a,
	    (const uint8_t *)s, n, n);
	return 1;
}

size_t
aa_addr_list(struct aa_arena *a, const char *s, size_t n,
    struct aa_strvec *out)
{
	struct cur c;
	size_t i, depth, added = 0;

	if (s == NULL)
		return 0;
	if (n > LIST_MAX)
		n = LIST_MAX;
	memset(&c, 0, sizeof(c));
	c.seg = aa_arena_alloc(a, n + 1);
	c.ang = aa_arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '"':
			/* RFC 5322 3.2.4: quoted-string, quoted-pair inside. */
			put(&c, '"');
			for (i++; i < n && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				if (c.in_angle)
					c.ang[c.anglen++] = s[i];
				else
					c.seg[c.seglen++] = s[i];
			}
			put(&c, '"');
			break;
		case '(':
			/* RFC 5322 3.2.2: comments nest. */
			for (depth = 1, i++; i < n && depth > 0; i++) {
				if (s[i] == '\\')
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')')
					depth--;
			}
			i--;
			break;
		case '<':
			c.in_angle = true;
			c.anglen = 0;
			break;
		case '>':
			if (c.in_angle)
				c.had_angle = true;
			c.in_angle = false;
			break;
		case ':':
			/* A group's display name ends at ':' (3.4). */
			if (c.in_angle)
				put(&c, ':');
			else
				c.seglen = 0;
			break;
		case ',':
		case ';':
			if (c.in_angle)
				put(&c, s[i]);
			else
				added += finish(a, &c, out);
			break;
		case '\\':
			if (i + 1 < n)
				put(&c, s[++i]);
			break;
		default:
			put(&c, s[i]);
		}
	}
	added += finish(a, &c, out);
	return added;
}
