/*
 * msg_mime.c: the MIME side of reading a bounce; the one file that
 * includes GMime.  The structure is walked here, by boundaries (RFC 2046
 * 5.1.1) on the bytes as received, because DKIM must see the returned
 * message exactly as it was sent and GMime's object tree keeps no end
 * offsets for a part.  GMime does what it is trusted for: Content-Type
 * syntax with its parameters (RFC 2045 5.1, RFC 2231), transfer decoding
 * (RFC 2045 6) and encoded-words (RFC 2047).  Pure: no DNS, no output.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>

#include "aa_input.h"
#include "msg_int.h"

#define HDR_VALUE_MAX	8192	/* octets of a part's header field read */
#define BOUNDARY_MAX	200	/* RFC 2046 5.1.1 allows 70; be lenient */

struct ctype {
	const char	*type, *subtype;	/* lower case */
	const char	*boundary, *report_type;
};

/* What the walk found; pointers into the input or dsn->arena. */
struct walk {
	struct aa_dsn	*d;
	bool		 report;	/* a multipart/report delivery-status */
	const uint8_t	*ds;		/* its message/delivery-status body */
	size_t		 dslen;
	const uint8_t	*text;		/* the first text/plain body */
	size_t		 textlen;
	const uint8_t	*ret;		/* the returned message or headers */
	size_t		 retlen;
	enum aa_returned retkind;
	bool		 ret_in_report;
};

static void	walk(struct walk *, const uint8_t *, size_t, size_t, bool);

/*
 * g_mime_init() sets up global tables once; authaudit reads one message
 * per process and has no threads, so a flag is enough.
 */
static void
mime_init(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
}

/* Say what was bounded or skipped; each thing once. */
static void
note(struct aa_dsn *d, const char *what)
{
	if (d->note == NULL)
		d->note = what;
	else if (strstr(d->note, what) == NULL)
		d->note = aa_arena_printf(d->arena, "%s; %s", d->note, what);
}

/*
 * The header of an entity ends at the first empty line (RFC 5322 2.1,
 * RFC 2045 3), or leniently at the first line that is neither a field
 * nor a continuation.  *hlen gets the header's length, *boff where the
 * body starts.
 */
static void
split_entity(const uint8_t *p, size_t n, size_t *hlen, size_t *boff)
{
	const uint8_t *ln;
	size_t pos = 0, next, lnlen, colon;

	while (pos < n) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (lnlen == 0) {
			*hlen = pos;
			*boff = next;
			return;
		}
		if (ln[0] != ' ' && ln[0] != '\t' &&
		    msg_field_name(ln, lnlen, &colon) == 0)
			break;
		if (pos == 0 && (ln[0] == ' ' || ln[0] == '\t'))
			break;
		pos = next;
	}
	*hlen = *boff = pos < n ? pos : n;
}

/* The first field called name in the header, unfolded; NULL if none. */
static char *
hdr_get(struct aa_arena *a, const uint8_t *p, size_t hlen, const char *name)
{
	const uint8_t *ln;
	size_t pos = 0, next, lnlen, k = strlen(name), colon, start;

	while (pos < hlen) {
		next = msg_line(p, hlen, pos, &ln, &lnlen);
		if (msg_field_name(ln, lnlen, &colon) == k &&
		    msg_prefix(ln, k, name)) {
			start = pos + colon + 1;
			while (next < hlen && (p[next] == ' ' ||
			    p[next] == '\t'))
				next = msg_line(p, hlen, next, &ln, &lnlen);
			return msg_clean(a, p + start, next - start,
			    HDR_VALUE_MAX);
		}
		pos = next;
	}
	return NULL;
}

/* RFC 2045 5.2: no Content-Type (or one that does not parse) is text/plain. */
static void
content_type(struct aa_arena *a, const char *value, struct ctype *ct)
{
	GMimeContentType *g;
	const char *s;

	ct->type = "text";
	ct->subtype = "plain";
	ct->boundary = ct->report_type = NULL;
	if (value == NULL || *value == '\0')
		return;
	g = g_mime_content_type_parse(NULL, value);
	if (g == NULL)
		return;
	if ((s = g_mime_content_type_get_media_type(g)) != NULL)
		ct->type = msg_lower(a, s);
	if ((s = g_mime_content_type_get_media_subtype(g)) != NULL)
		ct->subtype = msg_lower(a, s);
	if ((s = g_mime_content_type_get_parameter(g, "boundary")) != NULL)
		ct->boundary = aa_arena_strdup(a, s);
	if ((s = g_mime_content_type_get_parameter(g, "report-type")) != NULL)
		ct->report_type = msg_lower(a, s);
	g_object_unref(g);
}

/*
 * The body with its transfer encoding undone.  Identity encodings (7bit,
 * 8bit, binary, or none) give the body itself: a slice, not a copy.
 */
static const uint8_t *
decode(struct aa_arena *a, const char *cte, const uint8_t *p, size_t n,
    size_t *outn)
{
	GMimeContentEncoding e;
	GMimeEncoding st;
	uint8_t *out;
	size_t cap;

	e = cte != NULL ? g_mime_content_encoding_from_string(cte) :
	    GMIME_CONTENT_ENCODING_DEFAULT;
	if (e != GMIME_CONTENT_ENCODING_BASE64 &&
	    e != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    e != GMIME_CONTENT_ENCODING_UUENCODE) {
		*outn = n;
		return p;
	}
	g_mime_encoding_init_decode(&st, e);
	cap = g_mime_encoding_outlen(&st, n);
	if (cap < n)
		cap = n;
	out = aa_arena_alloc(a, cap + 16);
	*outn = g_mime_encoding_flush(&st, (const char *)p, n, (char *)out);
	return out;
}

/* Whether ln is a delimiter line of boundary b; *close for "--b--". */
static bool
delimiter(const uint8_t *ln, size_t n, const char *b, size_t blen,
    bool *close)
{
	size_t i;

	if (n < blen + 2 || ln[0] != '-' || ln[1] != '-' ||
	    memcmp(ln + 2, b, blen) != 0)
		return false;
	i = blen + 2;
	*close = n - i >= 2 && ln[i] == '-' && ln[i + 1] == '-';
	if (*close)
		i += 2;
	/* RFC 2046 5.1.1: only linear white space may follow. */
	for (; i < n; i++)
		if (ln[i] != ' ' && ln[i] != '\t')
			return false;
	return true;
}

/*
 * The parts of a multipart body.  The line ending before a delimiter
 * belongs to the delimiter (RFC 2046 5.1.1), so a part ends before it.
 * A body cut short has no close delimiter: its last part runs to the end.
 */
static void
split_parts(struct walk *w, const uint8_t *p, size_t n, const char *b,
    size_t depth, bool in_report)
{
	const uint8_t *ln;
	size_t pos = 0, next, lnlen, start = SIZE_MAX, end, blen = strlen(b);
	bool close;

	while (pos < n) {
		next = msg_line(p, n, pos, &ln, &lnlen);
		if (!delimiter(ln, lnlen, b, blen, &close)) {
			pos = next;
			continue;
		}
		if (w->d->parts > AA_MIME_MAX_PARTS)
			return;
		if (start != SIZE_MAX) {
			end = pos;
			if (end > start && p[end - 1] == '\n')
				end--;
			if (end > start && p[end - 1] == '\r')
				end--;
			walk(w, p + start, end - start, depth, in_report);
		}
		if (close)
			return;
		start = next;
		pos = next;
	}
	if (start != SIZE_MAX) {
		note(w->d, "a multipart body ends without its close delimiter");
		if (start < n)
			walk(w, p + start, n - start, depth, in_report);
	}
}

static bool
is(const struct ctype *ct, const char *type, const char *subtype)
{
	return strcmp(ct->type, type) == 0 && strcmp(ct->subtype, subtype) == 0;
}

/* A returned copy; one inside the report wins over one outside it. */
static void
returned(struct walk *w, const uint8_t *p, size_t n, enum aa_returned kind,
    bool in_report)
{
	if (w->ret != NULL && (w->ret_in_report || !in_report))
		return;
	w->ret = p;
	w->retlen = n;
	w->retkind = kind;
	w->ret_in_report = in_report;
}

static void
walk(struct walk *w, const uint8_t *p, size_t n, size_t depth,
    bool in_report)
{
	struct aa_arena *a = w->d->arena;
	struct ctype ct;
	const uint8_t *body;
	size_t hlen, boff, blen;
	char *cte;
	bool report;

	if (++w->d->parts > AA_MIME_MAX_PARTS) {
		note(w->d, "more MIME parts than the cap; the rest were skipped");
		w->d->capped = true;
		return;
	}
	split_entity(p, n, &hlen, &boff);
	content_type(a, hdr_get(a, p, hlen, "Content-Type"), &ct);
	cte = hdr_get(a, p, hlen, "Content-Transfer-Encoding");
	if (strcmp(ct.type, "multipart") == 0) {
		if (ct.boundary == NULL || *ct.boundary == '\0' ||
		    strlen(ct.boundary) > BOUNDARY_MAX)
			return;
		if (depth + 1 > AA_MIME_MAX_DEPTH) {
			note(w->d, "MIME parts nest deeper than the cap; the "
			    "deeper ones were skipped");
			w->d->capped = true;
			return;
		}
		/* RFC 6522 3, RFC 3464 2, RFC 6533 6.1. */
		report = strcmp(ct.subtype, "report") == 0 &&
		    ct.report_type != NULL &&
		    (strcmp(ct.report_type, "delivery-status") == 0 ||
		    strcmp(ct.report_type, "global-delivery-status") == 0);
		if (report)
			w->report = true;
		split_parts(w, p + boff, n - boff, ct.boundary, depth + 1,
		    in_report || report);
		return;
	}
	body = decode(a, cte, p + boff, n - boff, &blen);
	if (is(&ct, "message", "delivery-status") ||
	    is(&ct, "message", "global-delivery-status")) {
		if (w->ds == NULL) {
			w->ds = body;
			w->dslen = blen;
		}
	} else if (is(&ct, "message", "rfc822") ||
	    is(&ct, "message", "global"))
		returned(w, body, blen, AA_RETURNED_MESSAGE, in_report);
	else if (is(&ct, "text", "rfc822-headers") ||
	    is(&ct, "message", "global-headers"))
		returned(w, body, blen, AA_RETURNED_HEADERS, in_report);
	else if (is(&ct, "text", "plain") && w->text == NULL) {
		w->text = body;
		w->textlen = blen;
	}
}

/* Whether q lies in [p, p + n): compared as integers, not pointers. */
static bool
inside(const uint8_t *q, const uint8_t *p, size_t n)
{
	return (uintptr_t)q >= (uintptr_t)p && (uintptr_t)q - (uintptr_t)p < n;
}

/* A bounce text found in a DSN's human part fills what the DSN lacks. */
static void
merge_text(struct aa_dsn *d, struct walk *w)
{
	struct aa_dsn t;

	memset(&t, 0, sizeof(t));
	t.arena = d->arena;
	if (!aa_bounce_text_scan(&t, w->text, w->textlen))
		return;
	if (!d->is_bounce) {
		d->is_bounce = true;
		d->kind = t.kind;
	}
	if (d->rcpts.n == 0) {
		d->rcpts.v = t.rcpts.v;
		d->rcpts.n = t.rcpts.n;
		d->rcpts.cap = t.rcpts.cap;
		d->rcpts_capped = t.rcpts_capped;
	}
	if (d->reporting_mta == NULL)
		d->reporting_mta = t.reporting_mta;
	if (w->ret == NULL && t.returned != AA_RETURNED_NONE) {
		w->ret = t.returned_bytes;
		w->retlen = t.returned_len;
		w->retkind = t.returned;
	}
}

/*
 * Whether the top header says an MTA wrote the message: the null
 * reverse-path (RFC 5321 4.5.5: bounces are sent with it), Auto-Submitted
 * (RFC 3834 5), a daemon's From, or the markers Exim and Exchange add.
 * A bounce text quoted in a person's message is then not a bounce.
 */
static bool
automatic(struct aa_arena *a, const uint8_t *p, size_t n)
{
	size_t hlen, boff;
	const char *v;

	split_entity(p, n, &hlen, &boff);
	if ((v = hdr_get(a, p, hlen, "Return-Path")) != NULL &&
	    strstr(v, "<>") != NULL)
		return true;
	if ((v = hdr_get(a, p, hlen, "Auto-Submitted")) != NULL &&
	    !msg_prefix((const uint8_t *)v, strlen(v), "no"))
		return true;
	if (hdr_get(a, p, hlen, "X-Failed-Recipients") != NULL ||
	    hdr_get(a, p, hlen, "X-MS-Exchange-Message-Is-Ndr") != NULL)
		return true;
	v = hdr_get(a, p, hlen, "From");
	return v != NULL && (msg_find((const uint8_t *)v, strlen(v),
	    "mailer-daemon") != NULL || msg_find((const uint8_t *)v,
	    strlen(v), "postmaster") != NULL || msg_find((const uint8_t *)v,
	    strlen(v), "mail delivery") != NULL);
}

enum aa_status
aa_dsn_read(const uint8_t *p, size_t n, struct aa_dsn *d)
{
	struct walk w;

	if (d == NULL)
		return AA_EINVAL;
	memset(d, 0, sizeof(*d));
	d->arena = aa_arena_new();
	if (p == NULL && n > 0)
		return AA_EINVAL;
	mime_init();
	memset(&w, 0, sizeof(w));
	w.d = d;
	if (n > 0)
		walk(&w, p, n, 0, false);
	if (w.report) {
		d->is_bounce = true;
		d->kind = "dsn";
		if (w.ds != NULL)
			(void)aa_dsn_fields(d, w.ds, w.dslen);
		else
			note(d, "the report has no message/delivery-status "
			    "part");
	}
	if (w.text != NULL && (w.report || automatic(d->arena, p, n)))
		merge_text(d, &w);
	if (!d->is_bounce || w.ret == NULL)
		return AA_OK;
	d->returned = w.retkind;
	d->returned_bytes = w.ret;
	d->returned_len = w.retlen;
	d->returned_sliced = inside(w.ret, p, n);
	if (d->returned_sliced)
		d->returned_offset = (size_t)((uintptr_t)w.ret - (uintptr_t)p);
	return AA_OK;
}

void
aa_dsn_free(struct aa_dsn *d)
{
	if (d == NULL)
		return;
	aa_arena_free(d->arena);
	memset(d, 0, sizeof(*d));
}

char *
aa_mime_decode_header(struct aa_arena *a, const char *s)
{
	char *g, *out;

	if (s == NULL)
		return NULL;
	mime_init();
	g = g_mime_utils_header_decode_text(NULL, s);
	if (g == NULL)
		return aa_arena_strdup(a, s);
	out = msg_clean(a, (const uint8_t *)g, strlen(g), strlen(g));
	g_free(g);
	return out;
}
