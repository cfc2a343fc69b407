/*
 * msg_dsn.c: RFC 3464 delivery status fields and the SMTP replies they
 * quote.  A message/delivery-status body is a group of per-message fields
 * (2.2) followed by one group per recipient (2.3), groups separated by
 * empty lines, each field in header syntax with folding.  Pure: no DNS,
 * no clock, no output.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aa_input.h"
#include "msg_int.h"

#define FIELD_MAX	(2 * AA_DSN_MAX_REPLY)	/* octets of a field kept */

/* The fields of one group; the first occurrence of each counts. */
struct group {
	const char	*reporting, *sender, *final, *original;
	const char	*action, *status, *remote, *diag;
	bool		 any;
};

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * RFC 3464 2.1.2: a typed value is type ";" value.  Skip the type when
 * one is there (an atom before the first ';'); *type gets it, lower case.
 */
static const char *
untype(struct aa_arena *a, const char *v, const char **type)
{
	const char *semi = strchr(v, ';'), *s;

	if (type != NULL)
		*type = NULL;
	if (semi == NULL || semi - v > 32)
		return v;
	for (s = v; s < semi; s++)
		if (!(is_digit((uint8_t)*s) || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '_' ||
		    *s == '.' || *s == ' '))
			return v;
	if (type != NULL)
		*type = msg_lower(a, aa_arena_strndup(a, v, (size_t)(semi - v)));
	for (s = semi + 1; *s == ' '; s++)
		;
	return s;
}

/*
 * A name or keyword value: type removed, its first word only (Gmail
 * writes "Remote-MTA: dns; mx.example.org. (192.0.2.9, the server for
 * the domain example.org.)"), lower case, no trailing dot; NULL if empty.
 */
static const char *
first_word(struct aa_arena *a, const char *v)
{
	size_t n;
	char *w;

	v = untype(a, v, NULL);
	n = strcspn(v, " \t(");
	while (n > 0 && v[n - 1] == '.')
		n--;
	if (n == 0)
		return NULL;
	w = aa_arena_strndup(a, v, n);
	return msg_lower(a, w);
}

/* An address value: type removed, and angle brackets some MTAs add. */
static const char *
address(struct aa_arena *a, const char *v)
{
	size_t n;

	v = untype(a, v, NULL);
	n = strlen(v);
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
		return aa_arena_strndup(a, v + 1, n - 2);
	return v;
}

/* RFC 3464 2.3.4: status-code = DIGIT "." 1*3DIGIT "." 1*3DIGIT. */
static size_t
enhanced_len(const char *s)
{
	size_t i = 0, k, part;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	i = 1;
	for (part = 0; part < 2; part++) {
		if (s[i] != '.')
			return 0;
		i++;
		for (k = 0; k < 3 && is_digit((uint8_t)s[i]); k++)
			i++;
		if (k == 0)
			return 0;
	}
	return is_digit((uint8_t)s[i]) || s[i] == '.' ? 0 : i;
}

static void
set_field(struct group *g, const uint8_t *name, size_t namelen,
    const char *value)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} map[] = {
		{ "Reporting-MTA", offsetof(struct group, reporting) },
		{ "X-Postfix-Sender", offsetof(struct group, sender) },
		{ "Final-Recipient", offsetof(struct group, final) },
		{ "Original-Recipient", offsetof(struct group, original) },
		{ "Action", offsetof(struct group, action) },
		{ "Status", offsetof(struct group, status) },
		{ "Remote-MTA", offsetof(struct group, remote) },
		{ "Diagnostic-Code", offsetof(struct group, diag) },
	};
	const char **slot;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strlen(map[i].name) != namelen ||
		    !msg_prefix(name, namelen, map[i].name))
			continue;
		slot = (const char **)(void *)((char *)g + map[i].off);
		if (*slot == NULL)
			*slot = value;
		g->any = true;
		return;
	}
}

/* The status of a Status field: its first word, when well formed. */
static const char *
status_code(struct aa_arena *a, const char *v)
{
	size_t n = enhanced_len(v);

	return n > 0 ? aa_arena_strndup(a, v, n) : NULL;
}

static void
end_group(struct aa_dsn *d, struct group *g)
{
	struct aa_dsn_rcpt *r;
	const char *type = NULL, *rcpt;

	if (g->final != NULL || g->original != NULL || g->action != NULL ||
	    g->status != NULL || g->diag != NULL) {
		if (d->rcpts.n >= AA_DSN_MAX_RECIPIENTS) {
			d->rcpts_capped = true;
			goto out;
		}
		r = AA_VEC_PUSH(d->arena, d->rcpts);
		rcpt = g->final != NULL ? g->final : g->original;
		if (rcpt != NULL && *(rcpt = address(d->arena, rcpt)) != '\0')
			r->recipient = rcpt;
		if (g->action != NULL)
			r->action = first_word(d->arena, g->action);
		if (g->status != NULL)
			r->status = status_code(d->arena, g->status);
		if (g->remote != NULL)
			r->remote_mta = first_word(d->arena, g->remote);
		if (g->diag != NULL) {
			(void)untype(d->arena, g->diag, &type);
			aa_dsn_reply(d->arena, r, g->diag, strlen(g->diag));
		}
		r->provider = aa_reply_provider(r->diagnostic, r->remote_mta);
		/* The MTA's own diagnostic, not a remote reply. */
		if (r->provider == NULL && type != NULL &&
		    strcmp(type, "x-postfix") == 0)
			r->provider = "postfix";
		if (r->provider == NULL && type != NULL &&
		    strcmp(type, "x-exim") == 0)
			r->provider = "exim";
	}
	if (g->reporting != NULL && d->reporting_mta == NULL)
		d->reporting_mta = first_word(d->arena, g->reporting);
	if (g->sender != NULL && d->sender == NULL)
		d->sender = address(d->arena, g->sender);
out:
	memset(g, 0, sizeof(*g));
}

size_t
aa_dsn_fields(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	struct group g;
	const uint8_t *ln, *colon, *name;
	size_t pos = 0, next, lnlen, namelen, vstart, before;
	char *value;

	before = d->rcpts.n;
	memset(&g, 0, sizeof(g));
	while (pos < n) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		/* An empty line ends a group (RFC 3464 2.1). */
		if (lnlen == 0) {
			end_group(d, &g);
			pos = next;
			continue;
		}
		/* A continuation with no field before it, or junk. */
		colon = memchr(ln, ':', lnlen);
		if (ln[0] == ' ' || ln[0] == '\t' || colon == NULL) {
			pos = next;
			continue;
		}
		name = ln;
		namelen = (size_t)(colon - ln);
		while (namelen > 0 && (name[namelen - 1] == ' ' ||
		    name[namelen - 1] == '\t'))
			namelen--;
		vstart = (size_t)(colon + 1 - p);
		/* RFC 5322 2.2.3: continuation lines start with WSP. */
		while (next < n && (p[next] == ' ' || p[next] == '\t'))
			next = msg_line(p, n, next, &ln, &lnlen);
		value = msg_clean(d->arena, p + vstart, next - vstart,
		    FIELD_MAX);
		set_field(&g, name, namelen, value);
		pos = next;
	}
	end_group(d, &g);
	return d->rcpts.n - before;
}

/* Whether word w (n octets) is the reply code c followed by '-' . */
static bool
code_dash(const char *w, size_t n, const char *c)
{
	return n >= 4 && memcmp(w, c, 3) == 0 && w[3] == '-';
}

/*
 * Cut s in place to at most AA_DSN_MAX_REPLY octets, at a UTF-8 character
 * boundary: cleaning turns each invalid octet into U+FFFD (3 octets), so
 * a capped input can grow past the cap (found by fuzz_dsn).
 */
static const char *
cap_reply(struct aa_arena *a, const char *s)
{
	size_t n = strlen(s);
	char *c;

	if (n <= AA_DSN_MAX_REPLY)
		return s;
	n = AA_DSN_MAX_REPLY;
	while (n > 0 && ((const unsigned char *)s)[n] >= 0x80 &&
	    ((const unsigned char *)s)[n] < 0xc0)
		n--;
	c = aa_arena_alloc(a, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/*
 * RFC 5321 4.2.1: each line of a multi-line reply repeats the code, with
 * '-' after it on all lines but the last, and RFC 2034 4 repeats the
 * enhanced code too.  Bounces join those lines, so the repeats appear
 * inside the text; drop them to keep the reply readable.
 */
void
aa_dsn_reply(struct aa_arena *a, struct aa_dsn_rcpt *r, const char *s,
    size_t n)
{
	char code[4] = "", enh[16] = "", *clean, *out, *q;
	const char *w, *e, *text;
	size_t wl, el;
	int i;

	if (n > AA_DSN_MAX_REPLY)
		n = AA_DSN_MAX_REPLY;
	clean = msg_clean(a, (const uint8_t *)s, n, n);
	text = untype(a, clean, NULL);
	if (text[0] >= '2' && text[0] <= '5' && is_digit((uint8_t)text[1]) &&
	    is_digit((uint8_t)text[2]) && (text[3] == ' ' || text[3] == '-' ||
	    text[3] == '\0')) {
		memcpy(code, text, 3);
		code[3] = '\0';
		text += text[3] == '\0' ? 3 : 4;
		el = enhanced_len(text);
		if (el > 0 && el < sizeof(enh) && (text[el] == ' ' ||
		    text[el] == '\0')) {
			memcpy(enh, text, el);
			enh[el] = '\0';
			text += text[el] == '\0' ? el : el + 1;
		}
	}
	if (code[0] == '\0') {
		r->diagnostic = clean[0] != '\0' ? cap_reply(a, text) :
		    NULL;
		return;
	}
	for (r->code = 0, i = 0; i < 3; i++)
		r->code = r->code * 10 + (code[i] - '0');
	if (enh[0] != '\0' && r->status == NULL)
		r->status = aa_arena_strdup(a, enh);
	el = strlen(enh);
	out = aa_arena_alloc(a, strlen(text) + sizeof(code) + sizeof(enh) + 2);
	q = out + sprintf(out, "%s%s%s", code, enh[0] != '\0' ? " " : "", enh);
	for (w = text; *w != '\0'; w = *e == ' ' ? e + 1 : e) {
		e = strchr(w, ' ');
		if (e == NULL)
			e = w + strlen(w);
		wl = (size_t)(e - w);
		if (code_dash(w, wl, code)) {
			/* "550-5.7.26" or "550-" drop; "550-Text" keeps Text. */
			if (wl == 4 || (el > 0 && wl == 4 + el &&
			    memcmp(w + 4, enh, el) == 0))
				continue;
			w += 4;
			wl -= 4;
		} else if (wl == 3 && memcmp(w, code, 3) == 0) {
			if (el > 0 && *e == ' ' && strncmp(e + 1, enh, el) == 0 &&
			    (e[1 + el] == ' ' || e[1 + el] == '\0'))
				e += 1 + el;
			continue;
		}
		*q++ = ' ';
		memcpy(q, w, wl);
		q += wl;
	}
	*q = '\0';
	r->diagnostic = cap_reply(a, out);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0 &&
	    (n == k || s[n - k - 1] == '.' || suffix[0] == '.');
}

static bool
has(const char *s, const char *needle)
{
	return s != NULL && msg_find((const uint8_t *)s, strlen(s), needle) !=
	    NULL;
}

/*
 * The receiver catalog of receivers-and-threats.md 2: each provider is
 * known by its MX names and by markers its replies carry.  The remote
 * MTA decides first; the text only when the name says nothing.
 */
static const char *
provider_by_mta(const char *m)
{
	if (m == NULL)
		return NULL;
	if (ends_with(m, "google.com") || ends_with(m, "googlemail.com") ||
	    ends_with(m, "gmail.com"))
		return "gmail";
	if (ends_with(m, "yahoodns.net") || ends_with(m, "yahoo.com") ||
	    ends_with(m, "aol.com"))
		return "yahoo";
	/* Outlook.com's consumer MX hosts are under olc.protection. */
	if (ends_with(m, "olc.protection.outlook.com") ||
	    ends_with(m, "hotmail.com") || ends_with(m, "live.com") ||
	    ends_with(m, "msn.com"))
		return "outlook";
	if (ends_with(m, "protection.outlook.com") ||
	    ends_with(m, "outlook.com"))
		return "microsoft365";
	if (ends_with(m, "icloud.com") || ends_with(m, "me.com") ||
	    ends_with(m, "apple.com"))
		return "icloud";
	return NULL;
}

const char *
aa_reply_provider(const char *reply, const char *remote_mta)
{
	const char *p;
	char buf[256];
	size_t i;

	if (remote_mta != NULL) {
		for (i = 0; remote_mta[i] != '\0' && i < sizeof(buf) - 1; i++)
			buf[i] = (char)(remote_mta[i] >= 'A' &&
			    remote_mta[i] <= 'Z' ? remote_mta[i] + 32 :
			    remote_mta[i]);
		while (i > 0 && buf[i - 1] == '.')
			i--;
		buf[i] = '\0';
		if ((p = provider_by_mta(buf)) != NULL)
			return p;
	}
	if (reply == NULL)
		return NULL;
	/* Gmail ends every reply with "- gsmtp". */
	if (has(reply, " gsmtp") || has(reply, "support.google.com/mail"))
		return "gmail";
	if (has(reply, "yahooinc.com") || has(reply, "[TSS0") ||
	    has(reply, "Yahoo requires"))
		return "yahoo";
	/* 5.7.515 is the consumer service's bulk-sender rule. */
	if (has(reply, "5.7.515"))
		return "outlook";
	if (has(reply, "protection.outlook.com") ||
	    has(reply, "prod.outlook.com"))
		return "microsoft365";
	if (has(reply, "support.apple.com") || has(reply, "[HME1]") ||
	    has(reply, "icloud"))
		return "icloud";
	/* Postfix smtpd's own reject texts (postconf(5) restrictions). */
	if (has(reply, "Recipient address rejected:") ||
	    has(reply, "Sender address rejected:") ||
	    has(reply, "Client host rejected:") ||
	    has(reply, "Helo command rejected:") ||
	    has(reply, "Relay access denied"))
		return "postfix";
	/* Exim's own ACL and routing texts. */
	if (has(reply, "rejected RCPT") || has(reply, "Unrouteable address") ||
	    has(reply, "relay not permitted") || has(reply, "SPF check failed"))
		return "exim";
	return NULL;
}

/*
 * The client address in a reply.  Gmail writes "with ip: [ip]", Yahoo
 * "with ip [ip]", others "[ip]" (design.md 3a).  A bracket that does not
 * open an address ("SPF [example.com]") is passed over.
 */
bool
aa_reply_ip(const char *reply, char *out, size_t outlen)
{
	const uint8_t *p;
	const char *s;
	size_t n;

	if (reply == NULL || outlen < INET6_ADDRSTRLEN)
		return false;
	n = strlen(reply);
	p = msg_find((const uint8_t *)reply, n, "with ip");
	if (p != NULL) {
		s = (const char *)p + 7;
		while (*s == ':' || *s == ' ' || *s == '[')
			s++;
		if (msg_ip(s, strlen(s), true, out, outlen))
			return true;
	}
	for (s = strchr(reply, '['); s != NULL; s = strchr(s + 1, '['))
		if (msg_ip(s + 1, strlen(s + 1), true, out, outlen))
			return true;
	return false;
}
