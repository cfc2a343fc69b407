/*
 * msg_bounce.c: the plain-text bounces of major MTAs and providers,
 * recognised by the sentences they always write (their own templates:
 * Postfix bounce(8), Exim's deliver.c, Gmail, Exchange Online, Yahoo).
 * Each recogniser extracts the recipients with the remote reply and,
 * when the bounce quotes it, the returned message or its headers as a
 * slice of the text.  Pure: no DNS, no clock, no output.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "aa_input.h"
#include "msg_int.h"

#define ADDR_MAX	320	/* octets of a recipient kept (RFC 5321 4.5.3.1) */

/* A growable text buffer in the arena, capped at AA_DSN_MAX_REPLY. */
struct buf {
	char	*s;
	size_t	 n;
};

static void
buf_add(struct aa_arena *a, struct buf *b, const uint8_t *p, size_t n)
{
	if (b->s == NULL)
		b->s = aa_arena_alloc(a, AA_DSN_MAX_REPLY + 1);
	if (b->n > 0 && b->n < AA_DSN_MAX_REPLY)
		b->s[b->n++] = '\n';
	if (n > AA_DSN_MAX_REPLY - b->n)
		n = AA_DSN_MAX_REPLY - b->n;
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static bool
blank(const uint8_t *ln, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ln[i] != ' ' && ln[i] != '\t')
			return false;
	return true;
}

static size_t
indent(const uint8_t *ln, size_t n)
{
	size_t i;

	for (i = 0; i < n && ln[i] == ' '; i++)
		;
	return i;
}

/* Offset just past the line holding needle, or SIZE_MAX. */
static size_t
after_line(const uint8_t *p, size_t n, const char *needle)
{
	const uint8_t *f = msg_find(p, n, needle), *ln;
	size_t lnlen;

	if (f == NULL)
		return SIZE_MAX;
	return msg_line(p, n, (size_t)(f - p), &ln, &lnlen);
}

static struct aa_dsn_rcpt *
add_rcpt(struct aa_dsn *d, const uint8_t *rcpt, size_t rlen,
    const struct buf *reply, const char *remote)
{
	struct aa_dsn_rcpt *r;

	if (d->rcpts.n >= AA_DSN_MAX_RECIPIENTS) {
		d->rcpts_capped = true;
		return NULL;
	}
	r = AA_VEC_PUSH(d->arena, d->rcpts);
	if (rcpt != NULL && rlen > 0)
		r->recipient = msg_clean(d->arena, rcpt, rlen, ADDR_MAX);
	if (remote != NULL && *remote != '\0')
		r->remote_mta = msg_lower(d->arena, remote);
	if (reply != NULL && reply->n > 0)
		aa_dsn_reply(d->arena, r, reply->s, reply->n);
	r->action = "failed";
	r->provider = aa_reply_provider(r->diagnostic, r->remote_mta);
	return r;
}

/* The quoted copy from off on, blank lines before it skipped. */
static void
set_returned(struct aa_dsn *d, const uint8_t *p, size_t n, size_t off,
    enum aa_returned kind)
{
	const uint8_t *ln;
	size_t lnlen, next;

	while (off < n) {
		next = msg_line(p, n, off, &ln, &lnlen);
		if (!blank(ln, lnlen))
			break;
		off = next;
	}
	if (off >= n)
		return;
	d->returned = kind;
	d->returned_bytes = p + off;
	d->returned_len = n - off;
}

/* A word of a line: from s to the first of the stop octets, or to e. */
static char *
word(struct aa_arena *a, const uint8_t *s, const uint8_t *e,
    const char *stop)
{
	const uint8_t *q;

	for (q = s; q < e && strchr(stop, *q) == NULL; q++)
		;
	return msg_clean(a, s, (size_t)(q - s), ADDR_MAX);
}

/*
 * Exim (deliver.c): "This message was created automatically by mail
 * delivery software."; each failed address indented two spaces, its
 * details four; the copy after a "------ This is a copy" line.
 */
static bool
exim(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	const uint8_t *ln, *rcpt = NULL, *h;
	size_t pos, next, lnlen, rlen = 0, ind, off;
	struct buf reply = { NULL, 0 };
	char *remote = NULL;

	if (msg_find(p, n, "This message was created automatically by mail "
	    "delivery software") == NULL)
		return false;
	d->kind = "exim";
	pos = after_line(p, n, "address(es) failed:");
	if (pos == SIZE_MAX)
		pos = after_line(p, n, "delivery software");
	for (; pos < n; pos = next) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		ind = indent(ln, lnlen);
		if (rcpt != NULL && (blank(ln, lnlen) || ind < 4)) {
			add_rcpt(d, rcpt, rlen, &reply, remote);
			rcpt = NULL;
			reply.n = 0;
			remote = NULL;
		}
		if (blank(ln, lnlen))
			continue;
		if (ind == 0 && d->rcpts.n > 0)
			break;
		if (ind > 0 && ind < 4 && rcpt == NULL) {
			rcpt = ln + ind;
			for (rlen = 0; ind + rlen < lnlen && rcpt[rlen] != ' ';
			    rlen++)
				;
			continue;
		}
		if (rcpt == NULL || ind < 4)
			continue;
		ln += ind;
		lnlen -= ind;
		if (msg_prefix(ln, lnlen, "host ")) {
			remote = word(d->arena, ln + 5, ln + lnlen, " [:");
			/* Older form: "host H [IP]: 550 ..." on one line. */
			if ((h = msg_find(ln, lnlen, "]: ")) != NULL)
				buf_add(d->arena, &reply, h + 3,
				    lnlen - (size_t)(h + 3 - ln));
		} else if (msg_prefix(ln, lnlen, "SMTP error from remote "))
			reply.n = 0;
		else
			buf_add(d->arena, &reply, ln, lnlen);
	}
	if (rcpt != NULL)
		add_rcpt(d, rcpt, rlen, &reply, remote);
	if ((off = after_line(p, n, "------ This is a copy of the message, "
	    "including all the headers.")) != SIZE_MAX)
		set_returned(d, p, n, off, AA_RETURNED_MESSAGE);
	else if ((off = after_line(p, n, "------ This is a copy of the "
	    "message's headers.")) != SIZE_MAX)
		set_returned(d, p, n, off, AA_RETURNED_HEADERS);
	if (off != SIZE_MAX && d->returned != AA_RETURNED_NONE) {
		/*
		 * "------ The body of the message is N characters long;
		 * only the first M or so are included here.": the body is
		 * cut, so only the header can be checked.
		 */
		while (msg_prefix(d->returned_bytes, d->returned_len,
		    "------ ")) {
			if (msg_find(d->returned_bytes, d->returned_len,
			    "only the first") != NULL)
				d->returned = AA_RETURNED_HEADERS;
			off = msg_line(d->returned_bytes, d->returned_len, 0,
			    &ln, &lnlen);
			d->returned_bytes += off;
			d->returned_len -= off;
		}
		set_returned(d, d->returned_bytes, d->returned_len, 0,
		    d->returned);
	}
	return true;
}

/*
 * Yahoo: "Sorry, we were unable to deliver your message to the following
 * address.", then "<rcpt>:" and "Remote host said: ...", and the copy
 * after "--- Below this line is a copy of the message.".
 */
static bool
yahoo(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	const uint8_t *ln, *rcpt = NULL, *s;
	size_t pos, next, lnlen, rlen = 0, off, i;
	struct buf reply = { NULL, 0 };

	if ((pos = after_line(p, n, "Sorry, we were unable to deliver your "
	    "message")) == SIZE_MAX)
		return false;
	d->kind = "yahoo";
	off = after_line(p, n, "--- Below this line is a copy of the message");
	for (; pos < n && pos < off; pos = next) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (blank(ln, lnlen)) {
			if (rcpt != NULL)
				add_rcpt(d, rcpt, rlen, &reply, NULL);
			rcpt = NULL;
			reply.n = 0;
			continue;
		}
		if (ln[0] == '<' && rcpt == NULL &&
		    (s = msg_find(ln, lnlen, ">:")) != NULL) {
			rcpt = ln + 1;
			rlen = (size_t)(s - rcpt);
			continue;
		}
		if (rcpt == NULL || msg_prefix(ln, lnlen, "--- "))
			continue;
		if (msg_prefix(ln, lnlen, "Remote host said:")) {
			ln += 17;
			lnlen -= 17;
		}
		/* The stage tag Yahoo appends: "[RCPT_TO]", "[DATA]". */
		if (lnlen > 2 && ln[lnlen - 1] == ']') {
			for (i = lnlen - 1; i > 0 && ((ln[i - 1] >= 'A' &&
			    ln[i - 1] <= 'Z') || ln[i - 1] == '_'); i--)
				;
			if (i > 0 && ln[i - 1] == '[' && i < lnlen - 1)
				lnlen = i - 1;
		}
		buf_add(d->arena, &reply, ln, lnlen);
	}
	if (rcpt != NULL)
		add_rcpt(d, rcpt, rlen, &reply, NULL);
	if (off != SIZE_MAX)
		set_returned(d, p, n, off, AA_RETURNED_MESSAGE);
	return true;
}

/*
 * Exchange Online and Outlook.com NDRs: "Diagnostic information for
 * administrators", "Generating server: NAME", each recipient on a line
 * followed by "Remote Server returned '550 ...'", and "Original message
 * headers:".
 */
static bool
microsoft(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	const uint8_t *ln, *prev = NULL, *q, *e;
	size_t pos = 0, next, lnlen, prevlen = 0, off;
	struct buf reply;

	if (msg_find(p, n, "Remote Server returned") == NULL ||
	    (msg_find(p, n, "Diagnostic information for administrators") ==
	    NULL && msg_find(p, n, "Generating server:") == NULL))
		return false;
	d->kind = "microsoft";
	off = after_line(p, n, "Original message headers:");
	for (; pos < n && pos < off; pos = next) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (blank(ln, lnlen))
			continue;
		if (msg_prefix(ln, lnlen, "Generating server:") &&
		    d->reporting_mta == NULL) {
			for (q = ln + 18; q < ln + lnlen && *q == ' '; q++)
				;
			d->reporting_mta = msg_lower(d->arena,
			    word(d->arena, q, ln + lnlen, " "));
		}
		if ((q = msg_find(ln, lnlen, "Remote Server returned '")) !=
		    NULL) {
			q += 24;
			for (e = ln + lnlen; e > q && e[-1] != '\''; e--)
				;
			if (e == q)
				e = ln + lnlen + 1;
			memset(&reply, 0, sizeof(reply));
			buf_add(d->arena, &reply, q, (size_t)(e - 1 - q));
			add_rcpt(d, prev != NULL && memchr(prev, '@', prevlen) ?
			    prev : NULL, prevlen, &reply, NULL);
		}
		prev = ln;
		prevlen = lnlen;
	}
	if (off != SIZE_MAX)
		set_returned(d, p, n, off, AA_RETURNED_HEADERS);
	return true;
}

/*
 * Gmail as the bounce's author: "** Address not found **" and the like,
 * "Your message wasn't delivered to X", "The response from the remote
 * server was:" (or "The response was:") and the reply.
 */
static bool
gmail(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	static const char *const marks[] = { "** Address not found **",
	    "** Message not delivered **", "** Message blocked **",
	    "** Delivery incomplete **",
	    "The response from the remote server was:" };
	const uint8_t *ln, *q, *rcpt = NULL;
	size_t i, pos, next, lnlen, rlen = 0;
	struct buf reply = { NULL, 0 };

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (msg_find(p, n, marks[i]) != NULL)
			break;
	if (i == sizeof(marks) / sizeof(marks[0]))
		return false;
	d->kind = "gmail";
	if ((q = msg_find(p, n, "delivered to ")) != NULL)
		q += 13;
	else if ((q = msg_find(p, n, "delivering your message to ")) != NULL)
		q += 27;
	if (q != NULL) {
		rcpt = q;
		while (rlen < ADDR_MAX && q + rlen < p + n &&
		    strchr(" \t\r\n", q[rlen]) == NULL)
			rlen++;
		while (rlen > 0 && (rcpt[rlen - 1] == '.' ||
		    rcpt[rlen - 1] == ','))
			rlen--;
	}
	pos = after_line(p, n, "The response from the remote server was:");
	if (pos == SIZE_MAX)
		pos = after_line(p, n, "The response was:");
	for (; pos < n; pos = next) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (blank(ln, lnlen) && reply.n > 0)
			break;
		if (!blank(ln, lnlen))
			buf_add(d->arena, &reply, ln, lnlen);
	}
	add_rcpt(d, rcpt, rlen, &reply, NULL);
	return true;
}

/*
 * Postfix bounce(8): "This is the mail system at host NAME.", then for
 * each recipient "<rcpt>: host MX[IP] said: REPLY (in reply to ...)",
 * continued on indented lines.
 */
static bool
postfix(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	const uint8_t *ln, *m, *s, *gt, *rcpt;
	size_t pos, next, lnlen, rlen, k;
	struct buf text, reply;
	char *remote, *host;

	if ((m = msg_find(p, n, "This is the mail system at host ")) == NULL)
		return false;
	d->kind = "postfix";
	m += 32;
	host = word(d->arena, m, p + n, " \r\n");
	k = strlen(host);
	while (k > 0 && host[k - 1] == '.')
		host[--k] = '\0';
	if (k > 0)
		d->reporting_mta = msg_lower(d->arena, host);
	for (pos = 0; pos < n; pos = next) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (lnlen < 3 || ln[0] != '<' ||
		    (gt = msg_find(ln, lnlen, ">:")) == NULL)
			continue;
		rcpt = ln + 1;
		rlen = (size_t)(gt - rcpt);
		memset(&text, 0, sizeof(text));
		buf_add(d->arena, &text, gt + 2, lnlen - (size_t)(gt + 2 - ln));
		while (next < n && (p[next] == ' ' || p[next] == '\t')) {
			next = msg_line(p, n, next, &ln, &lnlen);
			buf_add(d->arena, &text, ln, lnlen);
		}
		remote = NULL;
		memset(&reply, 0, sizeof(reply));
		s = msg_find((const uint8_t *)text.s, text.n, " said:");
		if (s != NULL) {
			m = msg_find((const uint8_t *)text.s, text.n, "host ");
			if (m != NULL && m < s)
				remote = word(d->arena, m + 5, s, "[ ");
			s += 6;
			k = text.n - (size_t)(s - (const uint8_t *)text.s);
			m = msg_find(s, k, "(in reply to ");
			buf_add(d->arena, &reply, s, m != NULL ?
			    (size_t)(m - s) : k);
		} else
			buf_add(d->arena, &reply, (const uint8_t *)text.s,
			    text.n);
		if (add_rcpt(d, rcpt, rlen, &reply, remote) != NULL &&
		    s == NULL)
			d->rcpts.v[d->rcpts.n - 1].provider = "postfix";
	}
	return true;
}

bool
aa_bounce_text_scan(struct aa_dsn *d, const uint8_t *p, size_t n)
{
	if (d == NULL || d->arena == NULL || p == NULL)
		return false;
	return exim(d, p, n) || yahoo(d, p, n) || microsoft(d, p, n) ||
	    gmail(d, p, n) || postfix(d, p, n);
}
