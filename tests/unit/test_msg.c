/*
 * test_msg.c: the raw RFC 5322 reader (src/msg_raw.c).  Inputs are
 * length-counted literals, so NUL octets and 8-bit octets are tested the
 * way they arrive.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aa_msg.h"

#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

/* A literal as (pointer, length): sizeof keeps embedded NUL octets. */
#define LIT(s)		(const uint8_t *)(s), sizeof(s) - 1
#define MIB		(1024u * 1024)

/* Whether needle occurs in hay (memmem is a GNU extension). */
static bool
contains(const uint8_t *hay, size_t haylen, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= haylen && i <= haylen - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static struct aa_msg *
parse_ok(const uint8_t *p, size_t n)
{
	struct aa_msg *m = NULL;
	char err[256] = "";
	enum aa_status st;

	st = aa_msg_parse(p, n, NULL, &m, err, sizeof(err));
	cr_assert_eq(st, AA_OK, "aa_msg_parse: %d (%s)", st, err);
	cr_assert_not_null(m);
	return m;
}

static uint8_t *
slurp_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	cr_assert_gt(n, 0);
	rewind(fp);
	buf = malloc((size_t)n);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static struct aa_msg *
read_path(const char *path)
{
	struct aa_msg *m = NULL;
	char err[256] = "";
	enum aa_status st;
	FILE *fp;

	fp = fopen(path, "rb");
	cr_assert_not_null(fp, "cannot open %s", path);
	st = aa_msg_read(fp, NULL, &m, err, sizeof(err));
	fclose(fp);
	cr_assert_eq(st, AA_OK, "aa_msg_read %s: %d (%s)", path, st, err);
	return m;
}

/*
 * Every field's raw span sits at its offset; fields are contiguous from
 * offset 0; the header ends where the body starts (after the empty line
 * when there is one); name and value lie inside raw.
 */
static void
check_offsets(const struct aa_msg *m)
{
	const struct aa_msg_field *f = NULL;
	const uint8_t *bytes, *body;
	size_t len, bodylen, i, end = 0, gap;

	bytes = aa_msg_bytes(m, &len);
	body = aa_msg_body(m, &bodylen);
	cr_assert_eq(body, bytes + aa_msg_body_offset(m));
	cr_assert_eq(aa_msg_body_offset(m) + bodylen, len);
	for (i = 0; i < aa_msg_field_count(m); i++) {
		f = aa_msg_field(m, i);
		cr_assert_eq(f->offset, end, "field %zu offset", i);
		cr_assert_eq(f->raw, bytes + f->offset);
		cr_assert_eq((const uint8_t *)f->name, f->raw);
		cr_assert_eq(f->raw[f->namelen] == ':' ||
		    f->raw[f->namelen] == ' ' || f->raw[f->namelen] == '\t', 1);
		cr_assert_geq(f->value, f->raw + f->namelen + 1);
		cr_assert_leq(f->value + f->valuelen, f->raw + f->rawlen);
		end = f->offset + f->rawlen;
	}
	cr_assert_leq(end, aa_msg_body_offset(m));
	gap = aa_msg_body_offset(m) - end;
	if (aa_msg_has_body_separator(m)) {
		/* Just the empty line: LF or CRLF. */
		cr_assert(gap == 1 || gap == 2, "gap %zu", gap);
		cr_assert_eq(bytes[aa_msg_body_offset(m) - 1], '\n');
	}
}

TestSuite(msg);

/* Shapes: header/body split, line endings, field count. */
/*
 * Parameters are copied into the test's process, which has its own
 * addresses: keep the strings in the structs, not behind pointers.
 */
struct shape {
	char		 name[32];
	char		 in[64];
	size_t		 inlen;
	size_t		 nfields;
	bool		 sep;
	enum aa_eol	 eol;
	char		 body[32];
	size_t		 bodylen;
};

#define SHAPE(n, in, nf, sep, eol, body) \
	{ n, in, sizeof(in) - 1, nf, sep, eol, body, sizeof(body) - 1 }

ParameterizedTestParameters(msg, shapes)
{
	static struct shape cases[] = {
		SHAPE("crlf", "A: 1\r\nB: 2\r\n\r\nbody\r\nend\r\n", 2, true,
		    AA_EOL_CRLF, "body\r\nend\r\n"),
		SHAPE("lf", "A: 1\nB: 2\n\nbody\nend\n", 2, true, AA_EOL_LF,
		    "body\nend\n"),
		SHAPE("mixed", "A: 1\r\nB: 2\n\r\nbody\n", 2, true,
		    AA_EOL_MIXED, "body\n"),
		SHAPE("mixed-sep", "A: 1\r\n\nbody\r\n", 1, true,
		    AA_EOL_MIXED, "body\r\n"),
		SHAPE("empty-body", "A: 1\r\n\r\n", 1, true, AA_EOL_CRLF, ""),
		SHAPE("body-starts-empty", "A: 1\n\n\nx", 1, true, AA_EOL_LF,
		    "\nx"),
		SHAPE("no-sep", "A: 1\r\nB: 2\r\n", 2, false, AA_EOL_CRLF, ""),
		SHAPE("last-no-eol", "A: 1\r\nB: 2", 2, false, AA_EOL_CRLF,
		    ""),
		SHAPE("one-line", "A: 1", 1, false, AA_EOL_NONE, ""),
		SHAPE("wsp-colon", "Subject : hi\nTo\t: x\n\nb", 2, true,
		    AA_EOL_LF, "b"),
		SHAPE("non-field-is-body", "A: 1\nnot a field\nB: 2\n", 1,
		    false, AA_EOL_LF, "not a field\nB: 2\n"),
		SHAPE("space-in-name-is-body", "A: 1\nBad Name: x\n\n", 1,
		    false, AA_EOL_LF, "Bad Name: x\n\n"),
		SHAPE("bare-cr-not-eol", "A: x\ry\r\n\r\nb\rc", 1, true,
		    AA_EOL_CRLF, "b\rc"),
		SHAPE("wsp-only-continuation", "A: 1\n  \nB: 2\n\n", 2, true,
		    AA_EOL_LF, ""),
		SHAPE("empty-value", "A:\r\n\r\n", 1, true, AA_EOL_CRLF, ""),
	};

	return cr_make_param_array(struct shape, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct shape *c, msg, shapes)
{
	struct aa_msg *m;
	const uint8_t *body, *bytes;
	size_t bodylen, len;

	m = parse_ok((const uint8_t *)c->in, c->inlen);
	bytes = aa_msg_bytes(m, &len);
	cr_assert_eq(len, c->inlen, "%s: length", c->name);
	cr_assert_arr_eq(bytes, c->in, len, "%s: bytes", c->name);
	cr_assert_eq(aa_msg_field_count(m), c->nfields, "%s: fields %zu",
	    c->name, aa_msg_field_count(m));
	cr_assert_eq(aa_msg_has_body_separator(m), c->sep, "%s: sep",
	    c->name);
	cr_assert_eq(aa_msg_eol(m), c->eol, "%s: eol %d", c->name,
	    aa_msg_eol(m));
	body = aa_msg_body(m, &bodylen);
	cr_assert_eq(bodylen, c->bodylen, "%s: body length %zu", c->name,
	    bodylen);
	cr_assert_arr_eq(body, c->body, bodylen, "%s: body", c->name);
	cr_assert_null(aa_msg_mbox_from(m), "%s: mbox", c->name);
	check_offsets(m);
	aa_msg_free(m);
}

/* Failures: status and the exact sentence in err. */
struct failure {
	char			 name[32];
	char			 in[64];
	size_t			 inlen;
	struct aa_msg_limits	 lim;
	enum aa_status		 st;
	char			 err[96];
};

#define FAIL(n, in, sz, nf, fl, st, err) \
	{ n, in, sizeof(in) - 1, { sz, nf, fl }, st, err }

ParameterizedTestParameters(msg, failures)
{
	static struct failure cases[] = {
		FAIL("empty", "", 0, 0, 0, AA_EPARSE, "empty message"),
		FAIL("only-mbox", "From a@example.com Tue Nov 14 2023\n",
		    0, 0, 0, AA_EPARSE,
		    "empty message (only an mbox \"From \" line)"),
		FAIL("first-not-field", "not a field\nA: 1\n\n", 0, 0, 0,
		    AA_EPARSE, "line 1 is not a header field"),
		FAIL("first-empty-name", ": x\n", 0, 0, 0, AA_EPARSE,
		    "line 1 is not a header field"),
		FAIL("first-space-in-name", "Bad Name: x\n", 0, 0, 0,
		    AA_EPARSE, "line 1 is not a header field"),
		FAIL("first-8bit-name", "Subj\xe9t: x\n", 0, 0, 0,
		    AA_EPARSE, "line 1 is not a header field"),
		FAIL("mbox-then-not-field", "From a@b Tue\nnot a field\n",
		    0, 0, 0, AA_EPARSE, "line 2 is not a header field"),
		FAIL("leading-space", " A: 1\nB: 2\n\n", 0, 0, 0, AA_EPARSE,
		    "line 1 is a continuation line with no header field "
		    "before it"),
		FAIL("leading-tab", "\tA: 1\r\n", 0, 0, 0, AA_EPARSE,
		    "line 1 is a continuation line with no header field "
		    "before it"),
		FAIL("mbox-then-continuation", "From a@b Tue\n x\nA: 1\n",
		    0, 0, 0, AA_EPARSE, "line 2 is a continuation line with "
		    "no header field before it"),
		FAIL("first-line-empty", "\r\nbody\r\n", 0, 0, 0, AA_EPARSE,
		    "line 1 is empty: the message has no header fields"),
		FAIL("size", "A: 1\r\n\r\nxxxxx", 10, 0, 0, AA_ELIMIT,
		    "message is larger than 10 octets (cap)"),
		FAIL("fields", "A: 1\nB: 2\nC: 3\n\n", 0, 2, 0, AA_ELIMIT,
		    "message has more than 2 header fields (cap)"),
		FAIL("field-len", "A: 123456\r\n\r\n", 0, 0, 10, AA_ELIMIT,
		    "header field at line 1 is longer than 10 octets (cap)"),
		FAIL("field-len-folded", "A: 1\r\nB: 1\r\n 23\r\n", 0, 0, 10,
		    AA_ELIMIT,
		    "header field at line 2 is longer than 10 octets (cap)"),
		FAIL("field-len-mbox-line", "From a@b Tue\nA: 1\nB: 1234567\n",
		    0, 0, 10, AA_ELIMIT,
		    "header field at line 3 is longer than 10 octets (cap)"),
	};

	return cr_make_param_array(struct failure, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct failure *c, msg, failures)
{
	struct aa_msg *m = (struct aa_msg *)&m;	/* must stay untouched */
	struct aa_msg *sentinel = m;
	char err[256] = "";
	enum aa_status st;

	st = aa_msg_parse((const uint8_t *)c->in, c->inlen, &c->lim, &m, err,
	    sizeof(err));
	cr_assert_eq(st, c->st, "%s: status %d", c->name, st);
	cr_assert_str_eq(err, c->err, "%s: err \"%s\"", c->name, err);
	cr_assert_eq(m, sentinel, "%s: out written on error", c->name);
}

/* Each cap is inclusive: exactly at the cap parses. */
/*
 * Junk biased to header syntax: a message either parses, with fields and
 * body that tile the bytes, or fails with a sentence; never a crash.
 */
Test(msg, junk)
{
	static const char alpha[] = "From: \r\n\t:ab-X";
	struct aa_msg *m;
	uint8_t *buf;
	uint32_t s = 2654435761u;
	size_t i, n, round, len;
	char err[128];
	enum aa_status st;

	for (round = 0; round < 3000; round++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		n = s % 400;
		buf = malloc(n + 1);
		for (i = 0; i < n; i++) {
			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			buf[i] = s % 16 == 0 ? (uint8_t)(s >> 8) :
			    (uint8_t)alpha[(s >> 8) % (sizeof(alpha) - 1)];
		}
		err[0] = '\0';
		m = NULL;
		st = aa_msg_parse(buf, n, NULL, &m, err, sizeof(err));
		if (st == AA_OK) {
			check_offsets(m);
			(void)aa_msg_crlf(m, &len);
			cr_assert_geq(len, aa_msg_body_offset(m));
			cr_assert_geq(aa_msg_crlf_body_offset(m),
			    aa_msg_body_offset(m));
			cr_assert_leq(aa_msg_crlf_body_offset(m), len);
			aa_msg_free(m);
		} else {
			cr_assert_eq(st, AA_EPARSE);
			cr_assert_null(m);
			cr_assert_neq(err[0], '\0');
		}
		free(buf);
	}
}

Test(msg, caps_inclusive)
{
	struct aa_msg_limits lim = { 14, 2, 6 };
	struct aa_msg *m = NULL;
	char err[128] = "";

	/* 14 octets, 2 fields of 6 octets each. */
	cr_assert_eq(aa_msg_parse(LIT("A: 1\r\nB: 2\r\nxy"), &lim, &m, err,
	    sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_msg_field_count(m), 2);
	aa_msg_free(m);
}

Test(msg, default_field_count_cap)
{
	size_t n = AA_MSG_MAX_FIELDS + 1, i;
	char *in = malloc(n * 5), err[128] = "";
	struct aa_msg *m = NULL;

	cr_assert_not_null(in);
	for (i = 0; i < n; i++)
		memcpy(in + i * 5, "X: y\n", 5);
	cr_assert_eq(aa_msg_parse((uint8_t *)in, n * 5, NULL, &m, err,
	    sizeof(err)), AA_ELIMIT);
	cr_assert_str_eq(err, "message has more than 1000 header fields (cap)");
	cr_assert_null(m);
	/* One fewer field is within the cap. */
	cr_assert_eq(aa_msg_parse((uint8_t *)in, (n - 1) * 5, NULL, &m, err,
	    sizeof(err)), AA_OK, "%s", err);
	cr_assert_eq(aa_msg_field_count(m), AA_MSG_MAX_FIELDS);
	aa_msg_free(m);
	free(in);
}

Test(msg, default_field_len_cap)
{
	size_t n = AA_MSG_MAX_FIELD_LEN + 1;
	char *in = malloc(n), err[128] = "";
	struct aa_msg *m = NULL;

	/* "X: aaa...\r\n" of cap + 1 octets, folded every 70 octets. */
	cr_assert_not_null(in);
	memset(in, 'a', n);
	memcpy(in, "X: ", 3);
	for (size_t i = 70; i + 3 < n; i += 70)
		memcpy(in + i, "\r\n ", 3);
	memcpy(in + n - 2, "\r\n", 2);
	cr_assert_eq(aa_msg_parse((uint8_t *)in, n, NULL, &m, err,
	    sizeof(err)), AA_ELIMIT);
	cr_assert_str_eq(err,
	    "header field at line 1 is longer than 65536 octets (cap)");
	cr_assert_null(m);
	free(in);
}

Test(msg, folded_field)
{
	static const char in[] = "Subject: hello\r\n world\r\n\tagain \r\n"
	    "To: x\r\n\r\n";
	static const char raw[] = "Subject: hello\r\n world\r\n\tagain \r\n";
	static const char value[] = " hello\r\n world\r\n\tagain ";
	const struct aa_msg_field *f;
	struct aa_msg *m;
	char *u;

	m = parse_ok(LIT(in));
	cr_assert_eq(aa_msg_field_count(m), 2);
	f = aa_msg_field(m, 0);
	cr_assert_eq(f->namelen, 7);
	cr_assert_arr_eq(f->name, "Subject", 7);
	cr_assert_eq(f->rawlen, sizeof(raw) - 1);
	cr_assert_arr_eq(f->raw, raw, f->rawlen);
	cr_assert_eq(f->valuelen, sizeof(value) - 1);
	cr_assert_arr_eq(f->value, value, f->valuelen);
	u = aa_msg_field_unfolded(f, NULL);
	cr_assert_str_eq(u, "hello world\tagain");
	free(u);
	cr_assert_eq(aa_msg_field(m, 1)->offset, sizeof(raw) - 1);
	check_offsets(m);
	aa_msg_free(m);
}

/* Unfolding: CRLF or LF before WSP goes, WSP stays, ends are trimmed. */
struct unfold {
	char		 in[48];
	size_t		 inlen;
	char		 want[32];
};

#define UNFOLD(in, want) { in, sizeof(in) - 1, want }

ParameterizedTestParameters(msg, unfolded)
{
	static struct unfold cases[] = {
		UNFOLD("S: a\r\n b\r\n\r\n", "a b"),
		UNFOLD("S: a\n b\n\n", "a b"),
		UNFOLD("S: a\r\n\tb\n c\n\n", "a\tb c"),
		UNFOLD("S:\r\n  a\r\n\r\n", "a"),
		UNFOLD("S: a\r\n  \r\n\r\n", "a"),
		UNFOLD("S:   \t\r\n\r\n", ""),
		UNFOLD("S : a b  \r\n\r\n", "a b"),
		UNFOLD("S: x\ry\r\n z", "x\ry z"),
		UNFOLD("S: caf\xc3\xa9\r\n \xff\r\n\r\n", "caf\xc3\xa9 \xff"),
		UNFOLD("S: a", "a"),
	};

	return cr_make_param_array(struct unfold, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct unfold *c, msg, unfolded)
{
	struct aa_msg *m;
	char *u;

	m = parse_ok((const uint8_t *)c->in, c->inlen);
	cr_assert_eq(aa_msg_field_count(m), 1, "%s", c->in);
	u = aa_msg_field_unfolded(aa_msg_field(m, 0), NULL);
	cr_assert_str_eq(u, c->want);
	free(u);
	aa_msg_free(m);
}

Test(msg, eight_bit_and_nul)
{
	static const char in[] = "Subject: caf\xc3\xa9 \0 x\r\n"
	    "X-Raw: \xff\0\xfe\r\n\r\nbo\0dy\xff\r\n\0";
	const struct aa_msg_field *f;
	const uint8_t *body;
	struct aa_msg *m;
	size_t len;

	m = parse_ok(LIT(in));
	aa_msg_bytes(m, &len);
	cr_assert_eq(len, sizeof(in) - 1);
	cr_assert_eq(aa_msg_field_count(m), 2);
	f = aa_msg_field(m, 0);
	cr_assert_eq(f->valuelen, 10);
	cr_assert_arr_eq(f->value, " caf\xc3\xa9 \0 x", 10);
	cr_assert_eq(f->rawlen, 20);
	f = aa_msg_field(m, 1);
	cr_assert_eq(f->namelen, 5);
	cr_assert_eq(f->valuelen, 4);
	cr_assert_arr_eq(f->value, " \xff\0\xfe", 4);
	body = aa_msg_body(m, &len);
	cr_assert_eq(len, 9);
	cr_assert_arr_eq(body, "bo\0dy\xff\r\n\0", 9);
	cr_assert_eq(aa_msg_eol(m), AA_EOL_CRLF);
	check_offsets(m);
	aa_msg_free(m);
}

Test(msg, final_field_without_newline)
{
	const struct aa_msg_field *f;
	struct aa_msg *m;

	m = parse_ok(LIT("A: 1\r\nSubject: last"));
	cr_assert_eq(aa_msg_field_count(m), 2);
	f = aa_msg_field(m, 1);
	cr_assert_eq(f->offset, 6);
	cr_assert_eq(f->rawlen, 13);
	cr_assert_eq(f->valuelen, 5);
	cr_assert_arr_eq(f->value, " last", 5);
	cr_assert_eq(aa_msg_body_offset(m), 19);
	cr_assert_not(aa_msg_has_body_separator(m));
	aa_msg_free(m);
}

Test(msg, wsp_before_colon)
{
	const struct aa_msg_field *f;
	struct aa_msg *m;

	m = parse_ok(LIT("From : a@example.com\r\n"
	    "To \t: b@example.org\r\n\r\n"));
	/* "From :" is a field (RFC 5322 4.5.2), not an mbox line. */
	cr_assert_null(aa_msg_mbox_from(m));
	cr_assert_eq(aa_msg_field_count(m), 2);
	f = aa_msg_field(m, 0);
	cr_assert_eq(f->namelen, 4);
	cr_assert_arr_eq(f->name, "From", 4);
	cr_assert_arr_eq(f->value, " a@example.com", f->valuelen);
	f = aa_msg_field(m, 1);
	cr_assert_eq(f->namelen, 2);
	cr_assert_arr_eq(f->value, " b@example.org", f->valuelen);
	cr_assert_eq(aa_msg_find(m, "to", 0), 1);
	aa_msg_free(m);
}

Test(msg, mbox_from_inline)
{
	struct aa_msg *m;
	const uint8_t *b;
	size_t len;

	m = parse_ok(LIT("From a@example.com Tue Nov 14 22:13:20 2023\r\n"
	    "A: 1\r\n\r\nx"));
	cr_assert_str_eq(aa_msg_mbox_from(m),
	    "From a@example.com Tue Nov 14 22:13:20 2023");
	b = aa_msg_bytes(m, &len);
	cr_assert_eq(len, 9);
	cr_assert_arr_eq(b, "A: 1\r\n\r\nx", 9);
	cr_assert_eq(aa_msg_field(m, 0)->offset, 0);
	cr_assert_eq(aa_msg_body_offset(m), 8);
	aa_msg_free(m);
}

Test(msg, mbox_from_file)
{
	const uint8_t *bytes, *body, *nl;
	uint8_t *file;
	size_t filelen, len, bodylen;
	struct aa_msg *m;

	file = slurp_file(TESTDATA "/msgs/mbox-from.eml", &filelen);
	m = read_path(TESTDATA "/msgs/mbox-from.eml");
	cr_assert_str_eq(aa_msg_mbox_from(m),
	    "From bounce@bounce.esp.example.net  Tue Nov 14 22:13:20 2023");
	nl = memchr(file, '\n', filelen);
	cr_assert_not_null(nl);
	bytes = aa_msg_bytes(m, &len);
	cr_assert_eq(len, filelen - (size_t)(nl + 1 - file));
	cr_assert_arr_eq(bytes, nl + 1, len);
	cr_assert_eq(aa_msg_find(m, "Return-Path", 0), 0);
	cr_assert_eq(aa_msg_eol(m), AA_EOL_LF);
	/* The body is untouched: the mbox quoting stays. */
	body = aa_msg_body(m, &bodylen);
	cr_assert(contains(body, bodylen, "\n>From our catalogue:"));
	check_offsets(m);
	aa_msg_free(m);
	free(file);
}

Test(msg, example_file)
{
	static const char *names[] = { "Return-Path", "Received", "Received",
	    "From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
	    "Content-Type", "Content-Transfer-Encoding" };
	const struct aa_msg_field *f;
	const uint8_t *body;
	struct aa_msg *m;
	size_t i, len;

	m = read_path(TESTDATA "/msgs/example.eml");
	cr_assert_eq(aa_msg_eol(m), AA_EOL_CRLF);
	cr_assert(aa_msg_has_body_separator(m));
	cr_assert_eq(aa_msg_field_count(m), 11);
	for (i = 0; i < 11; i++) {
		f = aa_msg_field(m, i);
		cr_assert_eq(f->namelen, strlen(names[i]));
		cr_assert_arr_eq(f->name, names[i], f->namelen);
		cr_assert_eq(f->raw[f->rawlen - 2], '\r');
		cr_assert_eq(f->raw[f->rawlen - 1], '\n');
	}
	/* The top Received field is folded over three lines. */
	f = aa_msg_field(m, 1);
	cr_assert(contains(f->raw, f->rawlen,
	    "[198.51.100.7])\r\n\tby mx.example.org"));
	body = aa_msg_body(m, &len);
	cr_assert_geq(len, 8);
	cr_assert_arr_eq(body, "Hello,\r\n", 8);
	check_offsets(m);
	aa_msg_free(m);
}

Test(msg, find)
{
	struct aa_msg *m;

	m = parse_ok(LIT("Received: a\r\nFrom: x\r\nRECEIVED: b\r\n"
	    "received : c\r\nReceived-SPF: d\r\n\r\n"));
	cr_assert_eq(aa_msg_find(m, "Received", 0), 0);
	cr_assert_eq(aa_msg_find(m, "received", 1), 2);
	cr_assert_eq(aa_msg_find(m, "rEcEiVeD", 2), 3);
	cr_assert_eq(aa_msg_find(m, "Received", 3), -1);
	cr_assert_eq(aa_msg_find(m, "Receive", 0), -1);
	cr_assert_eq(aa_msg_find(m, "received-spf", 0), 4);
	cr_assert_eq(aa_msg_find(m, "from", 0), 1);
	cr_assert_eq(aa_msg_find(m, "from", 1), -1);
	cr_assert_eq(aa_msg_find(m, "DKIM-Signature", 0), -1);
	cr_assert_null(aa_msg_field(m, 5));
	cr_assert_not_null(aa_msg_field(m, 4));
	aa_msg_free(m);
}

/* LF -> CRLF view: exact bytes. */
struct crlf {
	char		 in[48];
	size_t		 inlen;
	char		 want[48];
	size_t		 wantlen;
};

#define CRLF(in, want) { in, sizeof(in) - 1, want, sizeof(want) - 1 }

ParameterizedTestParameters(msg, crlf)
{
	static struct crlf cases[] = {
		CRLF("A: 1\nB: 2\n\nbody\n", "A: 1\r\nB: 2\r\n\r\nbody\r\n"),
		CRLF("A: 1\r\n\r\nbody\r\n", "A: 1\r\n\r\nbody\r\n"),
		CRLF("A: x\ry\n\nb\rc\n\nd", "A: x\ry\r\n\r\nb\rc\r\n\r\nd"),
		CRLF("A: 1\r\nB: 2\n\r\nx\ny\r\n",
		    "A: 1\r\nB: 2\r\n\r\nx\r\ny\r\n"),
		CRLF("A: x\r\r\n\n\r", "A: x\r\r\n\r\n\r"),
		CRLF("A: \0\n\n\0\n", "A: \0\r\n\r\n\0\r\n"),
		CRLF("A: 1", "A: 1"),
		/* No empty line: the body starts at the first non-field. */
		CRLF("A: 1\nnot a field\n\nx\n",
		    "A: 1\r\nnot a field\r\n\r\nx\r\n"),
	};

	return cr_make_param_array(struct crlf, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct crlf *c, msg, crlf)
{
	struct aa_msg *m, *m2;
	const uint8_t *out, *again, *out2;
	size_t len, len2, len3;

	m = parse_ok((const uint8_t *)c->in, c->inlen);
	out = aa_msg_crlf(m, &len);
	cr_assert_eq(len, c->wantlen, "length %zu", len);
	cr_assert_arr_eq(out, c->want, len);
	/* Built once: the same view again. */
	again = aa_msg_crlf(m, &len2);
	cr_assert_eq(again, out);
	cr_assert_eq(len2, len);
	/* Idempotent: a CRLF message is its own view, not copied. */
	m2 = parse_ok(out, len);
	out2 = aa_msg_crlf(m2, &len3);
	cr_assert_eq(out2, aa_msg_bytes(m2, NULL));
	cr_assert_eq(len3, len);
	cr_assert_arr_eq(out2, c->want, len3);
	/* The body is where the CRLF message's own body is. */
	cr_assert_eq(aa_msg_crlf_body_offset(m), aa_msg_body_offset(m2),
	    "body at %zu", aa_msg_crlf_body_offset(m));
	cr_assert_eq(aa_msg_crlf_body_offset(m2), aa_msg_body_offset(m2));
	cr_assert_neq(aa_msg_eol(m2), AA_EOL_LF);
	cr_assert_neq(aa_msg_eol(m2), AA_EOL_MIXED);
	aa_msg_free(m2);
	aa_msg_free(m);
}

/* The LF copy of the example, made CRLF, is the CRLF example exactly. */
Test(msg, crlf_view_of_lf_file)
{
	struct aa_msg *lf;
	const uint8_t *out;
	uint8_t *want;
	size_t len, wantlen;

	want = slurp_file(TESTDATA "/msgs/example.eml", &wantlen);
	lf = read_path(TESTDATA "/msgs/lf-only.eml");
	cr_assert_eq(aa_msg_eol(lf), AA_EOL_LF);
	cr_assert_eq(aa_msg_field_count(lf), 11);
	out = aa_msg_crlf(lf, &len);
	cr_assert_eq(len, wantlen);
	cr_assert_arr_eq(out, want, len);
	check_offsets(lf);
	aa_msg_free(lf);
	free(want);
}

Test(msg, read_stream)
{
	static char in[] = "A: 1\r\nB:\r\n 2\r\n\r\nbody\0\r\n";
	struct aa_msg *m = NULL;
	char err[128] = "";
	const uint8_t *b;
	size_t len;
	FILE *fp;

	fp = fmemopen(in, sizeof(in) - 1, "rb");
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, NULL, &m, err, sizeof(err)), AA_OK,
	    "%s", err);
	fclose(fp);
	b = aa_msg_bytes(m, &len);
	cr_assert_eq(len, sizeof(in) - 1);
	cr_assert_arr_eq(b, in, len);
	cr_assert_eq(aa_msg_field_count(m), 2);
	b = aa_msg_body(m, &len);
	cr_assert_eq(len, 7);
	cr_assert_arr_eq(b, "body\0\r\n", 7);
	aa_msg_free(m);
}

Test(msg, read_empty_stream)
{
	struct aa_msg *m = NULL;
	char err[128] = "";
	FILE *fp;

	fp = tmpfile();
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, NULL, &m, err, sizeof(err)), AA_EPARSE);
	cr_assert_str_eq(err, "empty message");
	cr_assert_null(m);
	fclose(fp);
}

/* A 10 MiB stream against a 1 MiB cap: reading stops just past the cap. */
Test(msg, read_size_cap_stops_early)
{
	struct aa_msg_limits lim = { MIB, 0, 0 };
	size_t n = 10 * MIB;
	struct aa_msg *m = NULL;
	char *big, err[128] = "";
	FILE *fp;
	long pos;

	big = malloc(n);
	cr_assert_not_null(big);
	memset(big, 'x', n);
	memcpy(big, "A: 1\r\n\r\n", 8);
	fp = fmemopen(big, n, "rb");
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, &lim, &m, err, sizeof(err)), AA_ELIMIT);
	cr_assert_str_eq(err, "message is larger than 1048576 octets (cap)");
	cr_assert_null(m);
	pos = ftell(fp);
	cr_assert_gt(pos, (long)MIB);
	cr_assert_leq(pos, (long)(MIB + 64 * 1024), "read %ld octets", pos);
	fclose(fp);
	free(big);
}

Test(msg, read_exactly_at_size_cap)
{
	static char in[] = "A: 1\r\n\r\n0123456789";
	struct aa_msg_limits lim = { sizeof(in) - 1, 0, 0 };
	struct aa_msg *m = NULL;
	char err[128] = "";
	size_t len;
	FILE *fp;

	fp = fmemopen(in, sizeof(in) - 1, "rb");
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, &lim, &m, err, sizeof(err)), AA_OK,
	    "%s", err);
	fclose(fp);
	aa_msg_body(m, &len);
	cr_assert_eq(len, 10);
	aa_msg_free(m);
	/* One octet less of cap is over it. */
	lim.max_size--;
	fp = fmemopen(in, sizeof(in) - 1, "rb");
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, &lim, &m, err, sizeof(err)), AA_ELIMIT);
	cr_assert_str_eq(err, "message is larger than 17 octets (cap)");
	fclose(fp);
}

Test(msg, read_error_is_eio)
{
	struct aa_msg *m = NULL;
	char err[128] = "";
	FILE *fp;

	/* Reading a write-only stream fails. */
	fp = fopen("/dev/null", "w");
	cr_assert_not_null(fp);
	cr_assert_eq(aa_msg_read(fp, NULL, &m, err, sizeof(err)), AA_EIO);
	cr_assert_eq(strncmp(err, "cannot read the message: ", 25), 0, "%s",
	    err);
	cr_assert_null(m);
	fclose(fp);
}

Test(msg, bad_arguments)
{
	struct aa_msg *m = NULL;
	char err[128] = "";

	cr_assert_eq(aa_msg_parse(NULL, 3, NULL, &m, err, sizeof(err)),
	    AA_EINVAL);
	cr_assert_eq(aa_msg_parse(LIT("A: 1"), NULL, NULL, err, sizeof(err)),
	    AA_EINVAL);
	/* No room for an error message is fine too. */
	cr_assert_eq(aa_msg_parse(LIT(""), NULL, &m, NULL, 0), AA_EPARSE);
	cr_assert_null(m);
	aa_msg_free(NULL);
}
