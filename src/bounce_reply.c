/*
 * bounce_reply.c: the reply codes of an SMTP reply text as a bounce
 * carries it.  A bounce quotes the remote server's reply inside other
 * text ("smtp; 550-5.1.1 ...", "host mx.example.org[192.0.2.25] said:
 * 550 5.1.1 <x>: ..."), so the codes are looked for as tokens, never at
 * fixed offsets.  Input is length-counted and untrusted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "aa_bounce.h"

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether c is one of set (never true for NUL, unlike strchr). */
static bool
oneof(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* A token may start at the text's start or after one of these. */
static bool
token_start(const char *s, size_t i)
{
	return i == 0 || oneof(s[i - 1], " \t\r\n;:(\"'<");
}

/*
 * RFC 5321 4.2: a reply code is three digits, the first 2 to 5, the
 * second 0 to 5; in a reply it is followed by SP, "-" (a continuation
 * line, 4.2.1) or the end of the line.
 */
static bool
basic_at(const char *s, size_t len, size_t i, int *code)
{
	if (len - i < 3 || !token_start(s, i))
		return false;
	if (s[i] < '2' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '5' ||
	    !digit(s[i + 2]))
		return false;
	if (len - i > 3 && !oneof(s[i + 3], " -\t\r\n"))
		return false;
	*code = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	return true;
}

/* 1 to 3 digits at s[i]; their count, 0 when none or more than 3. */
static size_t
digits13(const char *s, size_t len, size_t i)
{
	size_t n = 0;

	while (i + n < len && digit(s[i + n]))
		n++;
	return n <= 3 ? n : 0;
}

/*
 * RFC 3463 2: class "." subject "." detail, class 2, 4 or 5, subject
 * and detail 1 to 3 digits; what follows must not continue a number
 * (an IPv4 address such as 5.1.1.1 is not a status code).  Copies it
 * into out; its length, 0 when there is none at i.
 */
static size_t
enhanced_at(const char *s, size_t len, size_t i, char *out)
{
	size_t n = i, a, b;

	if (i > len || len - i < 5)
		return 0;
	if (s[n] != '2' && s[n] != '4' && s[n] != '5')
		return 0;
	if (s[++n] != '.' || (a = digits13(s, len, ++n)) == 0)
		return 0;
	n += a;
	if (n >= len || s[n] != '.' || (b = digits13(s, len, ++n)) == 0)
		return 0;
	n += b;
	if (n < len && (digit(s[n]) || (s[n] == '.' && n + 1 < len &&
	    digit(s[n + 1]))))
		return 0;
	memcpy(out, s + i, n - i);
	out[n - i] = '\0';
	return n - i;
}

/*
 * The first basic code followed by an enhanced code (the form RFC 3463
 * 4 asks for: "550 5.1.1 ..."); else the first basic code and the first
 * enhanced code wherever they are.
 */
bool
aa_bounce_reply_parse(const char *text, size_t len,
    struct aa_bounce_reply *out)
{
	char enh[AA_BOUNCE_ENHANCED_MAX];
	size_t i, n;
	int code;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return false;
	if (len > AA_BOUNCE_TEXT_MAX)
		len = AA_BOUNCE_TEXT_MAX;
	for (i = 0; i < len; i++) {
		if (!basic_at(text, len, i, &code))
			continue;
		if (out->code == 0)
			out->code = code;
		n = i + 4 < len ? enhanced_at(text, len, i + 4, enh) : 0;
		if (n > 0) {
			out->code = code;
			memcpy(out->enhanced, enh, n + 1);
			return true;
		}
	}
	for (i = 0; i < len; i++)
		if (token_start(text, i) &&
		    (n = enhanced_at(text, len, i, enh)) > 0) {
			memcpy(out->enhanced, enh, n + 1);
			break;
		}
	return out->code != 0 || out->enhanced[0] != '\0';
}
