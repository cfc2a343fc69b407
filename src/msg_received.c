/*
 * msg_received.c: the "from" clause of a Received field (RFC 5321 4.4:
 * "from" domain [TCP-info] "by" ...), which is where a receiver records
 * the client's HELO name and address.  MTAs disagree on the details:
 *   Postfix, sendmail:  from HELO (RDNS [IP])
 *   Gmail:              from HELO (RDNS. [IP])
 *   Exim:               from RDNS ([IP] helo=HELO)   (helo= when it differs)
 *   Exchange:           from HELO (IP)
 * Pure: no DNS, no output.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "aa_input.h"
#include "msg_int.h"

#define CLAUSE_MAX	2048	/* octets of a from clause read */

static bool
is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An address at s: "[IPv6:...]", "[v4]", or bare; to out on success. */
static bool
addr_at(const char *s, size_t n, char *out, size_t outlen)
{
	if (n > 0 && s[0] == '[') {
		s++;
		n--;
	}
	return msg_ip(s, n, false, out, outlen);
}

/*
 * A name as HELO gives it: lower case, no trailing dot.  RFC 5321 4.1.1.1
 * and 4.1.3: a domain or an address literal, printable ASCII, at most 255
 * octets (4.5.3.1.2).  Anything else (binary junk, a name longer than
 * out) leaves the HELO unknown: a truncated name would be another name.
 */
static void
set_name(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i;

	if (outlen == 0)
		return;
	out[0] = '\0';
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n > 255 || n >= outlen)
		return;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return;
	for (i = 0; i < n; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[n] = '\0';
}

bool
aa_received_parse(const char *value, char *ip, size_t iplen, char *helo,
    size_t helolen)
{
	const char *s = value, *e, *t, *h;
	size_t n, depth = 0, len, tl;
	bool found = false;

	if (iplen > 0)
		ip[0] = '\0';
	if (helolen > 0)
		helo[0] = '\0';
	if (value == NULL || iplen < INET6_ADDRSTRLEN)
		return false;
	while (is_sp(*s))
		s++;
	if (!msg_prefix((const uint8_t *)s, strlen(s), "from") || !is_sp(s[4]))
		return false;
	s += 5;
	while (is_sp(*s))
		s++;
	/* The clause ends at " by " outside a comment. */
	for (e = s; *e != '\0' && (size_t)(e - s) < CLAUSE_MAX; e++) {
		if (*e == '(')
			depth++;
		else if (*e == ')' && depth > 0)
			depth--;
		else if (depth == 0 && is_sp(*e) &&
		    msg_prefix((const uint8_t *)e + 1, strlen(e + 1), "by") &&
		    is_sp(e[3]))
			break;
	}
	n = (size_t)(e - s);
	/* The first word is the HELO name (or Exim's RDNS, see below). */
	for (len = 0; len < n && !is_sp(s[len]) && s[len] != '('; len++)
		;
	if (len > 0 && s[0] == '[')
		found = addr_at(s, len, ip, iplen);
	set_name(s, len, helo, helolen);
	h = (const char *)msg_find((const uint8_t *)s, n, "helo=");
	if (h != NULL) {
		h += 5;
		for (len = 0; h + len < s + n && !is_sp(h[len]) &&
		    h[len] != ')'; len++)
			;
		set_name(h, len, helo, helolen);
	}
	/* The address: the first "[...]" that holds one, else a bare one. */
	for (t = s; !found && t < s + n; t++)
		if (*t == '[')
			found = addr_at(t, (size_t)(s + n - t), ip, iplen);
	/* Exchange writes it bare, in the comment after the HELO name. */
	for (t = s + len; !found && t < s + n; t += tl > 0 ? tl : 1) {
		for (tl = 0; t + tl < s + n && strchr(" \t\r\n()[];,",
		    t[tl]) == NULL; tl++)
			;
		if (tl > 0 && strspn(t, "0123456789abcdefABCDEF.:") >= tl)
			found = addr_at(t, tl, ip, iplen);
	}
	if (!found)
		ip[0] = '\0';
	return found;
}

/*
 * RFC 6890 special-purpose ranges a public receiver never sees as a
 * client: "this network", RFC 1918 private, shared (RFC 6598), loopback,
 * link-local; IPv6 unspecified, loopback, unique-local (RFC 4193) and
 * link-local, and IPv4-mapped forms of the IPv4 ones.  Documentation
 * ranges stay: examples use them.
 */
bool
aa_ip_is_private(const char *ip)
{
	struct in6_addr a6;
	struct in_addr a4;
	const uint8_t *b;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (ip == NULL)
		return false;
	if (inet_pton(AF_INET, ip, &a4) == 1) {
		b = (const uint8_t *)&a4;
		goto v4;
	}
	if (inet_pton(AF_INET6, ip, &a6) != 1)
		return false;
	b = a6.s6_addr;
	if (memcmp(b, mapped, 12) == 0) {
		b += 12;
		goto v4;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LOOPBACK(&a6))
		return true;
	return (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) ==
	    0x80);
v4:
	return b[0] == 0 || b[0] == 10 || b[0] == 127 ||
	    (b[0] == 172 && (b[1] & 0xF0) == 16) ||
	    (b[0] == 192 && b[1] == 168) ||
	    (b[0] == 169 && b[1] == 254) ||
	    (b[0] == 100 && (b[1] & 0xC0) == 64);
}
