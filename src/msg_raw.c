/*
 * msg_raw.c: a raw RFC 5322 message reader that keeps the exact bytes.
 * DKIM (RFC 6376 3.4) canonicalizes what was received, so header fields
 * keep their folding and line endings and the body is never touched.
 * Message data is length-counted throughout: it may hold NUL and 8-bit
 * octets.  Pure: no DNS, no clock, no output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_msg.h"
#include "aa_xmalloc.h"
#include "msg_int.h"

#define READ_CHUNK	(64u * 1024)

struct aa_msg {
	uint8_t			*base;		/* all input; the one copy */
	const uint8_t		*bytes;		/* base less the mbox line */
	size_t			 len;
	char			*mbox_from;	/* without its line ending */
	struct aa_msg_field	*fields;
	size_t			 nfields;
	size_t			 fieldsalloc;
	size_t			 body_off;
	bool			 has_sep;
	enum aa_eol		 eol;
	struct crlf_view	*crlf;		/* a cache: see aa_msg_crlf() */
};

/* The CRLF view, built on first use, so a const message can give it. */
struct crlf_view {
	const uint8_t		*p;		/* NULL until first asked */
	uint8_t			*buf;		/* owned, or NULL */
	size_t			 len;
	size_t			 body_off;	/* of the body in p */
};

static enum aa_status	 seterr(char *, size_t, enum aa_status,
			    const char *, ...)
			    __attribute__((format(__printf__, 4, 5)));

static enum aa_status
seterr(char *err, size_t errlen, enum aa_status st, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* RFC 5322 2.2.3: folding white space is SP or HTAB (WSP). */
static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static void
fill_limits(const struct aa_msg_limits *in, struct aa_msg_limits *out)
{
	out->max_size = in != NULL && in->max_size != 0 ?
	    in->max_size : AA_MSG_MAX_SIZE;
	out->max_fields = in != NULL && in->max_fields != 0 ?
	    in->max_fields : AA_MSG_MAX_FIELDS;
	out->max_field_len = in != NULL && in->max_field_len != 0 ?
	    in->max_field_len : AA_MSG_MAX_FIELD_LEN;
}

/*
 * The line starting at pos ends at LF, or at the end of the data for a
 * last line without one.  *cend gets the end of its content (before LF
 * or CRLF); the return value is where the next line starts.  A CR not
 * followed by LF is content: RFC 5322 2.3 allows CR only in CRLF, and we
 * keep whatever was sent.
 */
static size_t
next_line(const uint8_t *p, size_t len, size_t pos, size_t *cend)
{
	const uint8_t *lf;
	size_t e;

	lf = memchr(p + pos, '\n', len - pos);
	if (lf == NULL) {
		*cend = len;
		return len;
	}
	e = (size_t)(lf - p);
	*cend = e > pos && p[e - 1] == '\r' ? e - 1 : e;
	return e + 1;
}

/* Count line endings: LF after CR, and bare LF. */
static void
count_eol(const uint8_t *p, size_t len, size_t *ncrlf, size_t *nbare)
{
	const uint8_t *lf;
	size_t pos = 0, i;

	*ncrlf = *nbare = 0;
	while (pos < len && (lf = memchr(p + pos, '\n', len - pos)) != NULL) {
		i = (size_t)(lf - p);
		if (i > 0 && p[i - 1] == '\r')
			(*ncrlf)++;
		else
			(*nbare)++;
		pos = i + 1;
	}
}

static enum aa_eol
detect_eol(const uint8_t *p, size_t len)
{
	size_t ncrlf, nbare;

	count_eol(p, len, &ncrlf, &nbare);
	if (ncrlf > 0 && nbare > 0)
		return AA_EOL_MIXED;
	if (ncrlf > 0)
		return AA_EOL_CRLF;
	if (nbare > 0)
		return AA_EOL_LF;
	return AA_EOL_NONE;
}

/*
 * An mbox "From " separator line (RFC 4155) is not part of the message:
 * skip it and keep it.  "From :" is the obsolete-syntax From field (RFC
 * 5322 4.5.2, WSP before the colon), not a separator.  The kept copy is a
 * C string, so it ends at a NUL octet if the line holds one.  Returns the
 * number of octets skipped.
 */
static size_t
skip_mbox_line(const uint8_t *p, size_t len, char **from)
{
	size_t i, cend, next;

	if (len < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	for (i = 5; i < len && is_wsp(p[i]); i++)
		;
	if (i < len && p[i] == ':')
		return 0;
	next = next_line(p, len, 0, &cend);
	*from = aa_xstrndup((const char *)p, cend);
	return next;
}

/*
 * RFC 5322 2.2 and 3.6.8: a name is one or more ftext octets (printable
 * US-ASCII but ':'); 4.5.8 (obs-optional) allows WSP before the colon,
 * which is not part of the name.
 */
size_t
msg_field_name(const uint8_t *p, size_t n, size_t *colon)
{
	size_t i, namelen;

	for (i = 0; i < n && p[i] >= 33 && p[i] <= 126 && p[i] != ':'; i++)
		;
	namelen = i;
	while (i < n && is_wsp(p[i]))
		i++;
	if (namelen == 0 || i == n || p[i] != ':')
		return 0;
	*colon = i;
	return namelen;
}

/*
 * Add the field whose first line starts at *pos (line *lineno) and whose
 * colon is at *pos + colon.  Its continuation lines (RFC 5322 2.2.3: lines
 * starting with WSP) belong to it; *pos and *lineno move past them.
 */
static enum aa_status
add_field(struct aa_msg *m, const struct aa_msg_limits *lim, size_t *pos,
    size_t *lineno, size_t namelen, size_t colon, char *err, size_t errlen)
{
	struct aa_msg_field *f;
	size_t start = *pos, cend, next, lines = 1;

	if (m->nfields == lim->max_fields)
		return seterr(err, errlen, AA_ELIMIT,
		    "message has more than %zu header fields (cap)",
		    lim->max_fields);
	next = next_line(m->bytes, m->len, start, &cend);
	while (next < m->len && is_wsp(m->bytes[next])) {
		next = next_line(m->bytes, m->len, next, &cend);
		lines++;
	}
	if (next - start > lim->max_field_len)
		return seterr(err, errlen, AA_ELIMIT,
		    "header field at line %zu is longer than %zu octets (cap)",
		    *lineno, lim->max_field_len);
	if (m->nfields == m->fieldsalloc) {
		m->fieldsalloc = m->fieldsalloc ? m->fieldsalloc * 2 : 32;
		m->fields = aa_xreallocarray(m->fields, m->fieldsalloc,
		    sizeof(*m->fields));
	}
	f = &m->fields[m->nfields++];
	f->name = (const char *)m->bytes + start;
	f->namelen = namelen;
	f->raw = m->bytes + start;
	f->rawlen = next - start;
	f->value = m->bytes + start + colon + 1;
	f->valuelen = cend - (start + colon + 1);
	f->offset = start;
	*pos = next;
	*lineno += lines;
	return AA_OK;
}

/*
 * Split the header into fields and find the body.  RFC 5322 2.1: the body
 * follows the first empty line; with none, all is header.  A line that is
 * not a field (no colon, or a name that is not ftext) is a choice: as the
 * first line it means there is no header at all, an error; after fields
 * we are lenient and let the body start there, with no separator, so a
 * stray line costs the fields below it rather than the whole message.
 */
static enum aa_status
parse_header(struct aa_msg *m, const struct aa_msg_limits *lim,
    size_t lineno, char *err, size_t errlen)
{
	size_t pos = 0, cend, next, colon, namelen;
	enum aa_status st;

	m->body_off = m->len;
	while (pos < m->len) {
		next = next_line(m->bytes, m->len, pos, &cend);
		if (cend == pos && m->nfields == 0)
			return seterr(err, errlen, AA_EPARSE, "line %zu is "
			    "empty: the message has no header fields", lineno);
		if (cend == pos) {
			m->body_off = next;
			m->has_sep = true;
			return AA_OK;
		}
		/* Only the first line can get here starting with WSP. */
		if (is_wsp(m->bytes[pos]))
			return seterr(err, errlen, AA_EPARSE, "line %zu is a "
			    "continuation line with no header field before it",
			    lineno);
		namelen = msg_field_name(m->bytes + pos, cend - pos, &colon);
		if (namelen == 0 && m->nfields == 0)
			return seterr(err, errlen, AA_EPARSE,
			    "line %zu is not a header field", lineno);
		if (namelen == 0) {
			m->body_off = pos;
			return AA_OK;
		}
		st = add_field(m, lim, &pos, &lineno, namelen, colon, err,
		    errlen);
		if (st != AA_OK)
			return st;
	}
	return AA_OK;
}

/* Parse len octets at base, which the new message takes over. */
static enum aa_status
parse_owned(uint8_t *base, size_t len, const struct aa_msg_limits *lim,
    struct aa_msg **out, char *err, size_t errlen)
{
	struct aa_msg *m;
	enum aa_status st;
	size_t skip;

	if (len == 0) {
		free(base);
		return seterr(err, errlen, AA_EPARSE, "empty message");
	}
	m = aa_xcalloc(1, sizeof(*m));
	m->crlf = aa_xcalloc(1, sizeof(*m->crlf));
	m->base = base;
	skip = skip_mbox_line(base, len, &m->mbox_from);
	m->bytes = base + skip;
	m->len = len - skip;
	if (m->len == 0) {
		st = seterr(err, errlen, AA_EPARSE,
		    "empty message (only an mbox \"From \" line)");
		goto fail;
	}
	st = parse_header(m, lim, skip > 0 ? 2 : 1, err, errlen);
	if (st != AA_OK)
		goto fail;
	m->eol = detect_eol(m->bytes, m->len);
	*out = m;
	return AA_OK;
fail:
	aa_msg_free(m);
	return st;
}

enum aa_status
aa_msg_parse(const uint8_t *data, size_t len,
    const struct aa_msg_limits *limits, struct aa_msg **out, char *err,
    size_t errlen)
{
	struct aa_msg_limits lim;

	if (out == NULL || (data == NULL && len > 0))
		return seterr(err, errlen, AA_EINVAL,
		    "aa_msg_parse: no message data or no result pointer");
	fill_limits(limits, &lim);
	if (len == 0)
		return seterr(err, errlen, AA_EPARSE, "empty message");
	if (len > lim.max_size)
		return seterr(err, errlen, AA_ELIMIT,
		    "message is larger than %zu octets (cap)", lim.max_size);
	return parse_owned(aa_xmemdup(data, len), len, &lim, out, err,
	    errlen);
}

/* Double the allocation, but never past limit. */
static size_t
grow(size_t alloc, size_t limit)
{
	size_t n = alloc == 0 ? READ_CHUNK : alloc * 2;

	if (n < alloc || n > limit)
		n = limit;
	return n;
}

/*
 * Read fp to its end in chunks.  Memory stays within max + 1 octets: the
 * octet past the cap is what tells "over the cap" from "exactly at it",
 * and reading stops there (design.md 5: hostile input is normal input).
 */
static enum aa_status
slurp(FILE *fp, size_t max, uint8_t **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0, alloc = 0, limit, want, got;

	limit = max < SIZE_MAX ? max + 1 : SIZE_MAX;
	for (;;) {
		if (len == alloc) {
			alloc = grow(alloc, limit);
			buf = aa_xrealloc(buf, alloc);
		}
		want = alloc - len < READ_CHUNK ? alloc - len : READ_CHUNK;
		got = fread(buf + len, 1, want, fp);
		len += got;
		if (len > max) {
			free(buf);
			return seterr(err, errlen, AA_ELIMIT,
			    "message is larger than %zu octets (cap)", max);
		}
		if (got < want)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		return seterr(err, errlen, AA_EIO,
		    "cannot read the message: %s", strerror(errno));
	}
	*bufp = buf;
	*lenp = len;
	return AA_OK;
}

enum aa_status
aa_msg_read(FILE *fp, const struct aa_msg_limits *limits,
    struct aa_msg **out, char *err, size_t errlen)
{
	struct aa_msg_limits lim;
	enum aa_status st;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (fp == NULL || out == NULL)
		return seterr(err, errlen, AA_EINVAL,
		    "aa_msg_read: no stream or no result pointer");
	fill_limits(limits, &lim);
	st = slurp(fp, lim.max_size, &buf, &len, err, errlen);
	if (st != AA_OK)
		return st;
	return parse_owned(buf, len, &lim, out, err, errlen);
}

void
aa_msg_free(struct aa_msg *m)
{
	if (m == NULL)
		return;
	free(m->base);
	free(m->mbox_from);
	free(m->fields);
	if (m->crlf != NULL)
		free(m->crlf->buf);
	free(m->crlf);
	free(m);
}

const uint8_t *
aa_msg_bytes(const struct aa_msg *m, size_t *len)
{
	if (len != NULL)
		*len = m->len;
	return m->bytes;
}

size_t
aa_msg_field_count(const struct aa_msg *m)
{
	return m->nfields;
}

const struct aa_msg_field *
aa_msg_field(const struct aa_msg *m, size_t i)
{
	return i < m->nfields ? &m->fields[i] : NULL;
}

/*
 * Field names are ABNF literals, and RFC 5234 2.3 makes those
 * case-insensitive: msg_prefix() compares ASCII letters without regard
 * to case, and without the locale.
 */
long
aa_msg_find(const struct aa_msg *m, const char *name, size_t n)
{
	const struct aa_msg_field *f;
	size_t i, namelen;

	if (name == NULL)
		return -1;
	namelen = strlen(name);
	for (i = 0; i < m->nfields; i++) {
		f = &m->fields[i];
		if (f->namelen != namelen || !msg_prefix(
		    (const uint8_t *)f->name, namelen, name))
			continue;
		if (n-- == 0)
			return (long)i;
	}
	return -1;
}

const uint8_t *
aa_msg_body(const struct aa_msg *m, size_t *len)
{
	if (len != NULL)
		*len = m->len - m->body_off;
	return m->bytes + m->body_off;
}

size_t
aa_msg_body_offset(const struct aa_msg *m)
{
	return m->body_off;
}

bool
aa_msg_has_body_separator(const struct aa_msg *m)
{
	return m->has_sep;
}

enum aa_eol
aa_msg_eol(const struct aa_msg *m)
{
	return m->eol;
}

const char *
aa_msg_mbox_from(const struct aa_msg *m)
{
	return m->mbox_from;
}

/*
 * RFC 6376 5.3: local line endings become CRLF before signing or
 * verifying.  Only bare LF (the Unix convention) is changed.  A bare CR is
 * left alone, as aa_msg.h says: no system we read mail from ends lines
 * with it, and rewriting it would change octets the signer hashed.  With
 * no bare LF the message bytes are the view, and nothing is copied.
 */
const uint8_t *
aa_msg_crlf(const struct aa_msg *m, size_t *len)
{
	struct crlf_view *v = m->crlf;
	size_t ncrlf, nbare, i, o;
	uint8_t *out;

	if (v->p == NULL) {
		count_eol(m->bytes, m->len, &ncrlf, &nbare);
		if (nbare == 0) {
			v->p = m->bytes;
			v->len = m->len;
			v->body_off = m->body_off;
		} else {
			out = aa_xmalloc(m->len + nbare);
			v->body_off = m->len + nbare;
			for (i = o = 0; i < m->len; i++) {
				if (i == m->body_off)
					v->body_off = o;
				if (m->bytes[i] == '\n' &&
				    (i == 0 || m->bytes[i - 1] != '\r'))
					out[o++] = '\r';
				out[o++] = m->bytes[i];
			}
			v->p = v->buf = out;
			v->len = o;
		}
	}
	if (len != NULL)
		*len = v->len;
	return v->p;
}

size_t
aa_msg_crlf_body_offset(const struct aa_msg *m)
{
	(void)aa_msg_crlf(m, NULL);
	return m->crlf->body_off;
}

/*
 * RFC 5322 2.2.3: unfolding removes each CRLF that is followed by WSP; a
 * bare LF is treated as a line ending too.  The WSP itself stays.  The
 * result is NUL-terminated, so a NUL octet in the value ends it as a C
 * string.
 */
char *
aa_msg_field_unfolded(const struct aa_msg_field *f, size_t *len)
{
	const uint8_t *v = f->value;
	size_t n = f->valuelen, i, o = 0, s = 0;
	char *out;

	out = aa_xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (v[i] == '\r' && i + 2 < n && v[i + 1] == '\n' &&
		    is_wsp(v[i + 2])) {
			i++;
			continue;
		}
		if (v[i] == '\n' && i + 1 < n && is_wsp(v[i + 1]))
			continue;
		out[o++] = (char)v[i];
	}
	while (o > 0 && is_wsp((uint8_t)out[o - 1]))
		o--;
	while (s < o && is_wsp((uint8_t)out[s]))
		s++;
	memmove(out, out + s, o - s);
	out[o - s] = '\0';
	if (len != NULL)
		*len = o - s;
	return out;
}
