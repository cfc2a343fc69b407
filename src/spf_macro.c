/*
 * spf_macro.c: SPF macros (RFC 7208 7).  Checking and expansion work on
 * length-counted octets and never touch DNS (%{p} asks a callback), so
 * both are fuzzing targets.
 */
#include <arpa/inet.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_spf.h"
#include "aa_xmalloc.h"

#define MAX_EXPANSION	8192	/* output cap of one macro-string */

struct buf {
	char	*p;
	size_t	 len, cap;
	bool	 over;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->over || b->len + n > MAX_EXPANSION) {
		b->over = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 64;
		b->p = aa_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool
is_delim(int c)
{
	return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * One "%{...}" starting at s[i] == '%', s[i + 1] == '{'.  Returns the
 * offset after '}', or 0 with *bad set on a syntax error.
 */
static size_t
scan_expand(const char *s, size_t len, size_t i, bool exp, size_t *bad,
    int *letter, unsigned *digits, bool *rev, size_t *dl_off, size_t *dl_len)
{
	size_t j = i + 2;
	unsigned long n = 0;
	bool have_n = false;

	if (j >= len || strchr("slodipvhcrtSLODIPVHCRT", s[j]) == NULL ||
	    s[j] == '\0') {
		*bad = j;
		return 0;
	}
	*letter = s[j++];
	/* RFC 7208 7.2: c, r and t only in "exp" text. */
	if (!exp && strchr("crt", lower(*letter)) != NULL) {
		*bad = j - 1;
		return 0;
	}
	/*
	 * RFC 7208 7.1: transformers = *DIGIT ["r"], any number of digits;
	 * 7.3: a value naming more parts than exist takes them all.  So a
	 * big value saturates at UINT_MAX (more parts than any value can
	 * have) instead of overflowing; it is never an error.  n stays
	 * nonzero once a nonzero digit was seen.
	 */
	while (j < len && s[j] >= '0' && s[j] <= '9') {
		if (n > (UINT_MAX - 9) / 10)
			n = UINT_MAX;
		else
			n = n * 10 + (unsigned long)(s[j] - '0');
		j++;
		have_n = true;
	}
	/* RFC 7208 7.1: a DIGIT transformer must be nonzero. */
	if (have_n && n == 0) {
		*bad = j - 1;
		return 0;
	}
	*digits = (unsigned)n;
	*rev = false;
	if (j < len && (s[j] == 'r' || s[j] == 'R')) {
		*rev = true;
		j++;
	}
	*dl_off = j;
	while (j < len && is_delim(s[j]))
		j++;
	*dl_len = j - *dl_off;
	if (j >= len || s[j] != '}') {
		*bad = j;
		return 0;
	}
	return j + 1;
}

enum aa_status
aa_spf_macro_check(const char *s, size_t len, bool exp, size_t *bad,
    unsigned *letters)
{
	size_t i = 0, next, dl_off, dl_len, dummy;
	unsigned digits, used = 0;
	int letter;
	bool rev;

	if (bad == NULL)
		bad = &dummy;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c != '%') {
			/* macro-literal = %x21-24 / %x26-7E; SP in exp text. */
			if ((c < 0x21 && !(exp && c == ' ')) || c > 0x7e) {
				*bad = i;
				return AA_EPARSE;
			}
			i++;
			continue;
		}
		if (i + 1 >= len) {
			*bad = i;
			return AA_EPARSE;
		}
		if (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-') {
			i += 2;
			continue;
		}
		if (s[i + 1] != '{') {
			*bad = i;
			return AA_EPARSE;
		}
		next = scan_expand(s, len, i, exp, bad, &letter, &digits, &rev,
		    &dl_off, &dl_len);
		if (next == 0)
			return AA_EPARSE;
		used |= AA_SPF_MACRO_BIT(lower(letter));
		i = next;
	}
	if (letters != NULL)
		*letters = used;
	return AA_OK;
}

/* RFC 7208 7.3: %{i} of IPv6 is the 32 nibbles dot-separated. */
static void
ip_value(struct buf *b, const struct aa_spf_macro_env *env, int letter)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	size_t k;

	if (env->ip == NULL) {
		put(b, "unknown", 7);
		return;
	}
	if (env->family == 4) {
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", env->ip[0],
		    env->ip[1], env->ip[2], env->ip[3]);
		put(b, tmp, strlen(tmp));
		return;
	}
	if (letter == 'c') {
		/* c: the address in its usual (RFC 5952) text form. */
		if (inet_ntop(AF_INET6, env->ip, tmp, sizeof(tmp)) == NULL)
			tmp[0] = '\0';
		put(b, tmp, strlen(tmp));
		return;
	}
	/*
	 * The nibbles are upper case, as the RFC 7208 test suite expects
	 * (v-macro-ip6); DNS does not care about the case.
	 */
	for (k = 0; k < 32; k++) {
		unsigned v = (env->ip[k / 2] >> (k % 2 ? 0 : 4)) & 0xf;

		tmp[0] = "0123456789ABCDEF"[v];
		put(b, tmp, 1);
		if (k < 31)
			put(b, ".", 1);
	}
}

static void
letter_value(struct buf *b, const struct aa_spf_macro_env *env, int letter)
{
	const char *v = NULL;
	char tmp[32];

	switch (letter) {
	case 's':
		v = env->sender;
		break;
	case 'l':
		v = env->local;
		break;
	case 'o':
		v = env->sender_domain;
		break;
	case 'd':
		v = env->domain;
		break;
	case 'i':
	case 'c':
		ip_value(b, env, letter);
		return;
	case 'p':
		v = env->validated != NULL ? env->validated(env->arg) : NULL;
		break;
	case 'v':
		v = env->family == 6 ? "ip6" : "in-addr";
		break;
	case 'h':
		v = env->helo;
		break;
	case 'r':
		v = env->receiver;
		break;
	case 't':
		snprintf(tmp, sizeof(tmp), "%lld", env->now);
		v = tmp;
		break;
	default:
		break;
	}
	if (v == NULL)
		v = "unknown";
	put(b, v, strlen(v));
}

/*
 * RFC 7208 7.3: split on the delimiters, reverse with r, keep the
 * rightmost digits parts, join with ".".
 */
static void
transform(struct buf *out, const char *v, size_t vlen, unsigned digits,
    bool rev, const char *dl, size_t dlen)
{
	size_t *start, *plen, n = 1, k, i, m, j;

	for (i = 0; i < vlen; i++)
		if (dlen == 0 ? v[i] == '.' : memchr(dl, v[i], dlen) != NULL)
			n++;
	start = aa_xcalloc(n, sizeof(*start));
	plen = aa_xcalloc(n, sizeof(*plen));
	for (i = 0, k = 0; i <= vlen; i++) {
		if (i == vlen || (dlen == 0 ? v[i] == '.' :
		    memchr(dl, v[i], dlen) != NULL)) {
			plen[k] = i - start[k];
			if (++k < n)
				start[k] = i + 1;
		}
	}
	m = digits > 0 && digits < n ? digits : n;
	for (j = 0; j < m; j++) {
		k = rev ? m - 1 - j : n - m + j;
		if (j > 0)
			put(out, ".", 1);
		put(out, v + start[k], plen[k]);
	}
	free(start);
	free(plen);
}

/* RFC 3986 2.3 unreserved characters stay; the rest is %XX (7.3). */
static void
url_encode(struct buf *out, const char *v, size_t len)
{
	char tmp[4];
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			put(out, (const char *)&v[i], 1);
		else {
			snprintf(tmp, sizeof(tmp), "%%%02X", c);
			put(out, tmp, 3);
		}
	}
}

enum aa_status
aa_spf_macro_expand(const char *s, size_t len, bool exp,
    const struct aa_spf_macro_env *env, char **out, size_t *outlen,
    size_t *bad)
{
	struct buf b = { NULL, 0, 0, false }, val, tr;
	size_t i = 0, next, dl_off, dl_len, dummy;
	unsigned digits;
	int letter;
	bool rev;

	if (bad == NULL)
		bad = &dummy;
	*out = NULL;
	*outlen = 0;
	if (aa_spf_macro_check(s, len, exp, bad, NULL) != AA_OK)
		return AA_EPARSE;
	put(&b, "", 0);
	while (i < len && !b.over) {
		if (s[i] != '%') {
			next = i;
			while (next < len && s[next] != '%')
				next++;
			put(&b, s + i, next - i);
			i = next;
			continue;
		}
		/* RFC 7208 7.1: "%%" is "%", "%_" a space, "%-" "%20". */
		if (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-') {
			put(&b, s[i + 1] == '%' ? "%" : s[i + 1] == '_' ?
			    " " : "%20", s[i + 1] == '-' ? 3 : 1);
			i += 2;
			continue;
		}
		next = scan_expand(s, len, i, exp, bad, &letter, &digits, &rev,
		    &dl_off, &dl_len);
		memset(&val, 0, sizeof(val));
		memset(&tr, 0, sizeof(tr));
		put(&val, "", 0);
		put(&tr, "", 0);
		letter_value(&val, env, lower(letter));
		transform(&tr, val.p, val.len, digits, rev, s + dl_off, dl_len);
		if (letter >= 'A' && letter <= 'Z')
			url_encode(&b, tr.p, tr.len);
		else
			put(&b, tr.p, tr.len);
		if (val.over || tr.over)
			b.over = true;
		free(val.p);
		free(tr.p);
		i = next;
	}
	if (b.over) {
		free(b.p);
		*bad = i;
		return AA_ELIMIT;
	}
	*out = b.p;
	*outlen = b.len;
	return AA_OK;
}

const char *
aa_spf_truncate_domain(const char *name)
{
	size_t len = strlen(name);
	const char *p = name, *dot;

	/* RFC 7208 4.8: drop whole labels from the left until <= 253. */
	if (len > 0 && name[len - 1] == '.')
		len--;
	while (len - (size_t)(p - name) > 253) {
		if ((dot = strchr(p, '.')) == NULL)
			break;
		p = dot + 1;
	}
	return p;
}
