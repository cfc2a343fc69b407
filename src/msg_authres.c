/*
 * msg_authres.c: the receiver's Authentication-Results field (RFC 8601),
 * read as evidence only.  A header field anyone could have written is
 * never a result (RFC 8601 5: a receiver must ignore fields claiming its
 * own authserv-id that arrived from outside); authaudit computes its own
 * results and may show the topmost field beside them.  Pure: no DNS, no
 * output.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aa_input.h"
#include "aa_msg.h"
#include "msg_int.h"

#define AR_MAX	(16u * 1024)	/* octets of a field read */

/*
 * The value with comments removed (RFC 5322 3.2.2, nesting and
 * quoted-pairs honoured) and quoted strings kept; in a.
 */
static char *
uncomment(struct aa_arena *a, const char *s)
{
	size_t n = strlen(s), i, depth = 0;
	char *out = aa_arena_alloc(a, n + 1), *q = out;
	bool quoted = false;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			if (depth == 0) {
				*q++ = s[i];
				*q++ = s[i + 1];
			}
			i++;
		} else if (!quoted && s[i] == '(')
			depth++;
		else if (!quoted && s[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0) {
			if (s[i] == '"')
				quoted = !quoted;
			*q++ = s[i];
		}
	}
	*q = '\0';
	return out;
}

/* The next ';'-separated part outside quotes, trimmed; NULL at the end. */
static char *
next_part(char **sp)
{
	char *s = *sp, *e;
	bool quoted = false;

	if (s == NULL)
		return NULL;
	for (e = s; *e != '\0' && (quoted || *e != ';'); e++)
		if (*e == '"')
			quoted = !quoted;
	*sp = *e == ';' ? e + 1 : NULL;
	*e = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return s;
}

/* The value of property name (e.g. "header.d") in a resinfo, lower case. */
static const char *
prop(struct aa_arena *a, const char *part, const char *name)
{
	size_t k = strlen(name);
	const char *p, *e;

	for (p = part; (p = strchr(p, ' ')) != NULL; ) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (msg_prefix((const uint8_t *)p, strlen(p), name) &&
		    p[k] == '=') {
			p += k + 1;
			for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
				;
			return msg_lower(a, aa_arena_strndup(a, p,
			    (size_t)(e - p)));
		}
	}
	return NULL;
}

/* "method=result" (RFC 8601 2.2 methodspec, version dropped). */
static bool
methodspec(struct aa_arena *a, const char *part, const char **method,
    const char **result)
{
	const char *eq = strchr(part, '='), *m, *e;

	if (eq == NULL)
		return false;
	for (m = part; m < eq && *m != '/' && *m != ' '; m++)
		;
	*method = msg_lower(a, aa_arena_strndup(a, part, (size_t)(m - part)));
	for (e = eq + 1; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	*result = msg_lower(a, aa_arena_strndup(a, eq + 1,
	    (size_t)(e - eq - 1)));
	return **method != '\0' && **result != '\0';
}

bool
aa_authres_parse(struct aa_arena *a, const char *value,
    struct aa_authres *ar)
{
	const char *method, *result;
	char *s, *part, *id;
	size_t n;

	memset(ar, 0, sizeof(*ar));
	if (value == NULL)
		return false;
	n = strlen(value);
	s = uncomment(a, msg_clean(a, (const uint8_t *)value, n, AR_MAX));
	if ((id = next_part(&s)) == NULL || *id == '\0')
		return false;
	/* authserv-id [CFWS authres-version]. */
	id[strcspn(id, " \t")] = '\0';
	ar->authserv_id = msg_lower(a, id);
	while ((part = next_part(&s)) != NULL) {
		if (!methodspec(a, part, &method, &result))
			continue;
		if (strcmp(method, "spf") == 0 && ar->spf == NULL) {
			ar->spf = result;
			ar->spf_mailfrom = prop(a, part, "smtp.mailfrom");
		} else if (strcmp(method, "dkim") == 0 && ar->dkim == NULL) {
			ar->dkim = result;
			ar->dkim_domain = prop(a, part, "header.d");
		} else if (strcmp(method, "dmarc") == 0 && ar->dmarc == NULL) {
			ar->dmarc = result;
			ar->dmarc_from = prop(a, part, "header.from");
		}
	}
	return true;
}

bool
aa_msg_authres_top(struct aa_arena *a, const struct aa_msg *m,
    struct aa_authres *ar)
{
	const struct aa_msg_field *f;
	long i = aa_msg_find(m, "Authentication-Results", 0);
	char *v;
	bool ok;

	memset(ar, 0, sizeof(*ar));
	if (i < 0 || (f = aa_msg_field(m, (size_t)i)) == NULL)
		return false;
	v = aa_msg_field_unfolded(f, NULL);
	ok = aa_authres_parse(a, v, ar);
	free(v);
	return ok;
}
