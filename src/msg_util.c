/*
 * msg_util.c: small byte-string helpers of the message readers.  Message
 * data is length-counted: it may hold NUL and 8-bit octets.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "aa_utf8.h"
#include "msg_int.h"

static uint8_t
lc(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool
msg_prefix(const uint8_t *p, size_t n, const char *prefix)
{
	size_t i, k = strlen(prefix);

	if (k > n)
		return false;
	for (i = 0; i < k; i++)
		if (lc(p[i]) != lc((uint8_t)prefix[i]))
			return false;
	return true;
}

const uint8_t *
msg_find(const uint8_t *p, size_t n, const char *needle)
{
	size_t i, k = strlen(needle);

	if (k == 0)
		return p;
	for (i = 0; k <= n && i <= n - k; i++)
		if (lc(p[i]) == lc((uint8_t)needle[0]) &&
		    msg_prefix(p + i, n - i, needle))
			return p + i;
	return NULL;
}

char *
msg_lower(struct aa_arena *a, const char *s)
{
	char *out, *q;

	if (s == NULL)
		return NULL;
	out = aa_arena_strdup(a, s);
	for (q = out; *q != '\0'; q++)
		*q = (char)lc((uint8_t)*q);
	return out;
}

size_t
msg_line(const uint8_t *p, size_t n, size_t pos, const uint8_t **ln,
    size_t *lnlen)
{
	const uint8_t *lf;
	size_t end, next;

	lf = pos < n ? memchr(p + pos, '\n', n - pos) : NULL;
	if (lf == NULL) {
		end = next = n;
	} else {
		end = (size_t)(lf - p);
		next = end + 1;
	}
	if (end > pos && p[end - 1] == '\r')
		end--;
	*ln = p + pos;
	*lnlen = end > pos ? end - pos : 0;
	return next;
}

/*
 * White space and C0 controls collapse to one space; DEL and the C1
 * controls are dropped with them, since a reply never needs them and a
 * terminal would obey them.
 */
char *
msg_clean(struct aa_arena *a, const uint8_t *p, size_t n, size_t max)
{
	char *out, *q;
	size_t i = 0, k, bad;
	bool space = false;

	if (n > max)
		n = max;
	out = aa_arena_alloc(a, 3 * n + 1);
	q = out;
	while (i < n) {
		bad = 1;
		k = aa_utf8_seq(p + i, n - i, &bad);
		if (k == 1 && (p[i] < 0x20 || p[i] == 0x7F || p[i] == ' ')) {
			space = q != out;
			i++;
			continue;
		}
		if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) {
			space = q != out;
			i += 2;
			continue;
		}
		if (space)
			*q++ = ' ';
		space = false;
		if (k == 0) {
			memcpy(q, "\xEF\xBF\xBD", 3);
			q += 3;
			i += bad > 0 ? bad : 1;
		} else {
			memcpy(q, p + i, k);
			q += k;
			i += k;
		}
	}
	*q = '\0';
	return out;
}

static bool
is_ipchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

bool
msg_ip(const char *s, size_t n, bool trim_dots, char *out, size_t outlen)
{
	char buf[64];
	struct in6_addr a6;
	struct in_addr a4;
	size_t i;

	if (msg_prefix((const uint8_t *)s, n, "IPv6:")) {
		s += 5;
		n -= 5;
	}
	for (i = 0; i < n && i < sizeof(buf) - 1 && is_ipchar(s[i]); i++)
		buf[i] = s[i];
	if (i == sizeof(buf) - 1)
		return false;
	/* The address must end there: "[cafe::zz]" names none. */
	if (i < n && ((s[i] >= 'g' && s[i] <= 'z') || (s[i] >= 'G' &&
	    s[i] <= 'Z') || s[i] == '_' || s[i] == '-'))
		return false;
	while (trim_dots && i > 0 && buf[i - 1] == '.')
		i--;
	buf[i] = '\0';
	if (i == 0)
		return false;
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return inet_ntop(AF_INET, &a4, out, (socklen_t)outlen) != NULL;
	if (inet_pton(AF_INET6, buf, &a6) == 1)
		return inet_ntop(AF_INET6, &a6, out, (socklen_t)outlen) !=
		    NULL;
	return false;
}
