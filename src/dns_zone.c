/*
 * dns_zone.c: the offline backend.  RFC 1035 master files read with ldns,
 * --rr records, and authaudit-zone(5) pragmas, answered with authoritative
 * semantics (RFC 1034 4.3.2, RFC 4592): exact match, CNAME, empty
 * non-terminal, wildcard at the closest encloser, NXDOMAIN under an apex.
 * A file without SOA knows only the owner names it holds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_xmalloc.h"
#include "dns_int.h"

#define MAX_STRING	255	/* RFC 1035 3.3: <character-string> */

struct zrec {
	ldns_rdf	*owner;
	ldns_rr		*rr;
	const char	*file;		/* arena */
	unsigned	 line;
	bool		 from_rr;	/* given with --rr: overrides the RRset */
};

enum pragma_kind {
	PRAGMA_SERVFAIL,
	PRAGMA_TIMEOUT,
	PRAGMA_REFUSED,
	PRAGMA_NXDOMAIN,
	PRAGMA_NODATA
};

struct pragma {
	ldns_rdf	*name;
	uint16_t	 type;		/* 0: every type */
	enum pragma_kind kind;
	const char	*origin;	/* "file:line" */
};

struct apex {
	ldns_rdf	*name;
};

struct zstore {
	struct zrec	*recs;
	size_t		 nrecs, caprecs;
	bool		 sorted;
	struct pragma	*pragmas;
	size_t		 npragmas, cappragmas;
	struct apex	*apexes;
	size_t		 napexes, capapexes;
};

static const struct {
	const char	*word;
	enum pragma_kind kind;
} pragma_words[] = {
	{ "servfail", PRAGMA_SERVFAIL },
	{ "timeout", PRAGMA_TIMEOUT },
	{ "refused", PRAGMA_REFUSED },
	{ "nxdomain", PRAGMA_NXDOMAIN },
	{ "nodata", PRAGMA_NODATA },
};

struct zstore *
zstore_new(void)
{
	return aa_xcalloc(1, sizeof(struct zstore));
}

void
zstore_free(struct zstore *z)
{
	size_t i;

	if (z == NULL)
		return;
	for (i = 0; i < z->nrecs; i++) {
		ldns_rr_free(z->recs[i].rr);
	}
	for (i = 0; i < z->npragmas; i++)
		ldns_rdf_deep_free(z->pragmas[i].name);
	for (i = 0; i < z->napexes; i++)
		ldns_rdf_deep_free(z->apexes[i].name);
	free(z->recs);
	free(z->pragmas);
	free(z->apexes);
	free(z);
}

/*
 * Characters of the one octet at s[i] in a quoted string (RFC 1035 5.1):
 * 4 for \DDD, 2 for \X, else 1.  One rule for counting and splitting.
 */
static size_t
octet_chars(const char *s, size_t i, size_t len)
{
	if (s[i] != '\\' || i + 1 >= len)
		return 1;
	if (i + 3 < len && isdigit((unsigned char)s[i + 1]) &&
	    isdigit((unsigned char)s[i + 2]) &&
	    isdigit((unsigned char)s[i + 3]))
		return 4;
	return 2;
}

/* Octets of the quoted string starting after '"' at s; *end at closing. */
static size_t
quoted_octets(const char *s, size_t len, size_t *end)
{
	size_t i = 0, n = 0;

	for (; i < len && s[i] != '"'; n++)
		i += octet_chars(s, i, len);
	*end = i < len ? i : len;
	return n;
}

/* Copy one quoted string body, closing and reopening every 255 octets. */
static void
emit_split(FILE *out, const char *s, size_t len)
{
	size_t i = 0, n = 0, step;

	fputc('"', out);
	for (; i < len; i += step, n++) {
		if (n == MAX_STRING) {
			fputs("\" \"", out);
			n = 0;
		}
		step = octet_chars(s, i, len);
		if (step > len - i)
			step = len - i;
		fwrite(s + i, 1, step, out);
	}
	fputc('"', out);
}

char *
zone_split_long_strings(struct aa_arena *a, const char *name, const char *text,
    size_t len, struct aa_strvec *warnings)
{
	char *buf = NULL, *res;
	size_t buflen = 0, i = 0, end, n;
	unsigned line = 1;
	FILE *out = open_memstream(&buf, &buflen);

	if (out == NULL)
		abort();
	while (i < len) {
		if (text[i] == '\n')
			line++;
		if (text[i] == ';') {		/* comment: copy to end of line */
			while (i < len && text[i] != '\n')
				fputc(text[i++], out);
			continue;
		}
		if (text[i] != '"') {
			fputc(text[i++], out);
			continue;
		}
		n = quoted_octets(text + i + 1, len - i - 1, &end);
		if (n > MAX_STRING) {
			*AA_VEC_PUSH(a, *warnings) =
			    aa_arena_printf(a, "%s:%u: a string of %zu octets "
			    "was split into strings of 255 octets; a strict "
			    "zone compiler (nsd, BIND) rejects it",
			    name, line, n);
			emit_split(out, text + i + 1, end);
		} else
			fwrite(text + i, 1, end + 2 > len - i ? len - i :
			    end + 2, out);
		for (size_t k = i + 1; k < i + 1 + end; k++)
			if (text[k] == '\n')
				line++;
		i += end + 2;
	}
	fclose(out);
	res = aa_arena_memdup(a, buf, buflen + 1);
	free(buf);
	return res;
}

static void
push_rec(struct zstore *z, ldns_rr *rr, const char *file, unsigned line,
    bool from_rr)
{
	struct zrec *r;

	if (z->nrecs == z->caprecs) {
		z->caprecs = z->caprecs ? z->caprecs * 2 : 64;
		z->recs = aa_xreallocarray(z->recs, z->caprecs, sizeof(*r));
	}
	r = &z->recs[z->nrecs++];
	ldns_dname2canonical(ldns_rr_owner(rr));
	r->owner = ldns_rr_owner(rr);
	r->rr = rr;
	r->file = file;
	r->line = line;
	r->from_rr = from_rr;
	z->sorted = false;
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
		if (z->napexes == z->capapexes) {
			z->capapexes = z->capapexes ? z->capapexes * 2 : 8;
			z->apexes = aa_xreallocarray(z->apexes, z->capapexes,
			    sizeof(*z->apexes));
		}
		z->apexes[z->napexes].name = ldns_rdf_clone(r->owner);
		z->napexes++;
	}
}

/* Make a pragma or $ORIGIN name absolute; NULL when it cannot be. */
static ldns_rdf *
absolute_name(const char *word, const ldns_rdf *origin)
{
	ldns_rdf *d;

	if (strcmp(word, "@") == 0)
		return origin ? ldns_rdf_clone(origin) : NULL;
	d = ldns_dname_new_frm_str(word);
	if (d == NULL)
		return NULL;
	if (!ldns_dname_str_absolute(word)) {
		if (origin == NULL ||
		    ldns_dname_cat(d, origin) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(d);
			return NULL;
		}
	}
	ldns_dname2canonical(d);
	return d;
}

/* Parse ";! KIND NAME [TYPE]".  Returns 0, or -1 with err set. */
static int
parse_pragma(struct zstore *z, struct aa_arena *a, const char *line,
    const ldns_rdf *origin, const char *where, char *err, size_t errlen)
{
	char kind[16], name[1024], type[32], extra[2];
	struct pragma *p;
	size_t i;
	int n;

	n = sscanf(line, "%15s %1023s %31s %1s", kind, name, type, extra);
	if (n < 2 || n > 3) {
		snprintf(err, errlen, "%s: pragma needs KIND NAME [TYPE]",
		    where);
		return -1;
	}
	for (i = 0; i < sizeof(pragma_words) / sizeof(pragma_words[0]); i++)
		if (strcasecmp(kind, pragma_words[i].word) == 0)
			break;
	if (i == sizeof(pragma_words) / sizeof(pragma_words[0])) {
		snprintf(err, errlen, "%s: unknown pragma '%s' (servfail, "
		    "timeout, refused, nxdomain or nodata)", where, kind);
		return -1;
	}
	if (z->npragmas == z->cappragmas) {
		z->cappragmas = z->cappragmas ? z->cappragmas * 2 : 8;
		z->pragmas = aa_xreallocarray(z->pragmas, z->cappragmas,
		    sizeof(*p));
	}
	p = &z->pragmas[z->npragmas];
	p->kind = pragma_words[i].kind;
	p->type = 0;
	if (n == 3 && (p->type = aa_dns_type_from_str(type)) == 0) {
		snprintf(err, errlen, "%s: unknown RR type '%s'", where, type);
		return -1;
	}
	if (p->kind == PRAGMA_NXDOMAIN && n == 3) {
		snprintf(err, errlen, "%s: nxdomain takes no type", where);
		return -1;
	}
	if (p->kind == PRAGMA_NODATA && n != 3) {
		snprintf(err, errlen, "%s: nodata needs a type", where);
		return -1;
	}
	if ((p->name = absolute_name(name, origin)) == NULL) {
		snprintf(err, errlen, "%s: bad or relative name '%s' (no "
		    "$ORIGIN)", where, name);
		return -1;
	}
	p->origin = aa_arena_strdup(a, where);
	z->npragmas++;
	return 0;
}

/*
 * Scan the text for pragmas, following $ORIGIN as the master file does
 * (ldns never sees them: they are comments to it).
 */
static int
scan_pragmas(struct zstore *z, struct aa_arena *a, const char *name,
    const char *text, char *err, size_t errlen)
{
	ldns_rdf *origin = NULL, *o;
	const char *p = text, *nl;
	char buf[2048], where[1100], word[1024];
	unsigned line = 0;
	int rc = 0;

	for (; *p != '\0' && rc == 0; p = nl + (*nl != '\0')) {
		size_t l;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line++;
		l = (size_t)(nl - p) < sizeof(buf) - 1 ? (size_t)(nl - p) :
		    sizeof(buf) - 1;
		memcpy(buf, p, l);
		buf[l] = '\0';
		if (sscanf(buf, "$ORIGIN %1023s", word) == 1) {
			o = absolute_name(word, origin);
			ldns_rdf_deep_free(origin);
			origin = o;
			continue;
		}
		l = strspn(buf, " \t");
		if (strncmp(buf + l, ";!", 2) != 0)
			continue;
		snprintf(where, sizeof(where), "%s:%u", name, line);
		rc = parse_pragma(z, a, buf + l + 2, origin, where, err,
		    errlen);
	}
	ldns_rdf_deep_free(origin);
	return rc;
}

/*
 * Which lines hold more than blanks and a comment: content[1..*nlines].
 * ldns folds the comment and blank lines around a record into it, so its
 * line counter cannot tell where the record starts.
 */
static bool *
content_lines(const char *text, unsigned *nlines)
{
	const char *p;
	unsigned n = 1, i;
	bool *c, decided = false;

	for (p = text; *p != '\0'; p++)
		n += *p == '\n';
	c = aa_xcalloc(n + 1, sizeof(*c));
	for (p = text, i = 1; *p != '\0'; p++) {
		if (*p == '\n') {
			i++;
			decided = false;
		} else if (!decided && !isspace((unsigned char)*p)) {
			c[i] = *p != ';';
			decided = true;
		}
	}
	*nlines = n;
	return c;
}

/*
 * The line a record read from lines [from, to] starts on: the first that
 * holds text.  A last line without a newline is not counted by ldns.
 */
static unsigned
record_line(const bool *content, unsigned nlines, unsigned from,
    unsigned to)
{
	unsigned i;

	for (i = from; i <= to + 1 && i <= nlines; i++)
		if (content[i])
			return i;
	return from;
}

/* What ldns accepts but no zone of ours can hold; NULL when usable. */
static const char *
rr_unusable(const ldns_rr *rr)
{
	/* "www example.net." (a word where the type goes) is TYPE0 to ldns. */
	if (ldns_rr_get_type(rr) == 0)
		return "no RR type (type 0 is reserved, RFC 6895)";
	/* It would answer IN questions. */
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		return "class is not IN";
	return NULL;
}

static enum aa_status
load_records(struct zstore *z, struct aa_arena *a, const char *name,
    char *text, char *err, size_t errlen)
{
	FILE *fp = fmemopen(text, strlen(text), "r");
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	const char *file = aa_arena_strdup(a, name);
	enum aa_status st = AA_OK;
	ldns_status s;
	ldns_rr *rr;
	const char *why;
	int line = 0, start;
	unsigned nlines, n;
	bool *content = content_lines(text, &nlines);

	if (fp == NULL)
		abort();
	while (st == AA_OK && !feof(fp)) {
		start = line + 1;
		rr = NULL;
		s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if (s == LDNS_STATUS_SYNTAX_EMPTY ||
		    s == LDNS_STATUS_SYNTAX_TTL ||
		    s == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		n = record_line(content, nlines, (unsigned)start,
		    (unsigned)line);
		why = s != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(s) :
		    rr_unusable(rr);
		if (s == LDNS_STATUS_SYNTAX_INCLUDE)
			why = "$INCLUDE is not supported";
		if (why == NULL) {
			push_rec(z, rr, file, n, false);
			continue;
		}
		ldns_rr_free(rr);
		snprintf(err, errlen, "%s:%u: %s", name, n, why);
		st = AA_EPARSE;
	}
	free(content);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	fclose(fp);
	return st;
}

enum aa_status
zstore_load(struct zstore *z, struct aa_arena *a, const char *name,
    const char *text, size_t len, struct aa_strvec *warnings, char *err,
    size_t errlen)
{
	char *split;

	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: a NUL octet: not a master file "
		    "(write \\000 inside a string)", name);
		return AA_EPARSE;
	}
	split = zone_split_long_strings(a, name, text, len, warnings);
	if (scan_pragmas(z, a, name, split, err, errlen) != 0)
		return AA_EPARSE;
	return load_records(z, a, name, split, err, errlen);
}

enum aa_status
zstore_add_rr(struct zstore *z, struct aa_arena *a, const char *text,
    unsigned position, struct aa_strvec *warnings, char *err, size_t errlen)
{
	char where[32];
	char *split;
	const char *why;
	ldns_rr *rr = NULL;
	ldns_status s;

	snprintf(where, sizeof(where), "--rr #%u", position);
	split = zone_split_long_strings(a, where, text, strlen(text),
	    warnings);
	s = ldns_rr_new_frm_str(&rr, split, 3600, NULL, NULL);
	why = s != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(s) :
	    rr_unusable(rr);
	if (why != NULL) {
		ldns_rr_free(rr);
		snprintf(err, errlen, "%s: '%s': %s", where, text, why);
		return AA_EINVAL;
	}
	push_rec(z, rr, aa_arena_strdup(a, "--rr"), position, true);
	return AA_OK;
}

static int
rec_cmp(const void *va, const void *vb)
{
	const struct zrec *x = va, *y = vb;
	int c = ldns_dname_compare(x->owner, y->owner);

	if (c != 0)
		return c;
	if (ldns_rr_get_type(x->rr) != ldns_rr_get_type(y->rr))
		return ldns_rr_get_type(x->rr) < ldns_rr_get_type(y->rr) ?
		    -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Index of the first record whose owner is >= name (canonical order). */
static size_t
lower_bound(const struct zstore *z, const ldns_rdf *name)
{
	size_t lo = 0, hi = z->nrecs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ldns_dname_compare(z->recs[mid].owner, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The records owned by name: [*lo, return). */
static size_t
owner_range(const struct zstore *z, const ldns_rdf *name, size_t *lo)
{
	size_t i = lower_bound(z, name);

	*lo = i;
	while (i < z->nrecs && ldns_dname_compare(z->recs[i].owner, name) == 0)
		i++;
	return i;
}

/* True when name owns records or is an empty non-terminal. */
static bool
name_exists(const struct zstore *z, const ldns_rdf *name)
{
	size_t i = lower_bound(z, name);

	if (i == z->nrecs)
		return false;
	return ldns_dname_compare(z->recs[i].owner, name) == 0 ||
	    ldns_dname_is_subdomain(z->recs[i].owner, name);
}

static const struct apex *
find_apex(const struct zstore *z, const ldns_rdf *name)
{
	const struct apex *best = NULL;
	size_t i;

	for (i = 0; i < z->napexes; i++) {
		const ldns_rdf *ap = z->apexes[i].name;

		if (ldns_dname_compare(ap, name) != 0 &&
		    !ldns_dname_is_subdomain(name, ap))
			continue;
		if (best == NULL || ldns_dname_label_count(ap) >
		    ldns_dname_label_count(best->name))
			best = &z->apexes[i];
	}
	return best;
}

static const char *
rec_origin(struct aa_arena *a, const struct zrec *r)
{
	if (r->from_rr)
		return aa_arena_printf(a, "--rr:%u", r->line);
	return aa_arena_printf(a, "%s:%u", r->file, r->line);
}

/* True when --rr gave this owner records of type: they replace the files'. */
static bool
rr_overrides(const struct zstore *z, size_t lo, size_t hi, uint16_t type)
{
	for (; lo < hi; lo++)
		if (z->recs[lo].from_rr &&
		    ldns_rr_get_type(z->recs[lo].rr) == type)
			return true;
	return false;
}

/*
 * Answer from the records [lo, hi) of one owner, as owner (the query name
 * for a wildcard): a CNAME when there is one and type is not CNAME, else
 * the RRset of type, or every RRset for ANY.  --rr records replace the
 * files' RRset of their type, and the files' CNAME too.  The origin of a
 * NODATA answer is the owner's first record: it makes the name exist.
 */
static void
answer_from(struct aa_arena *a, const struct zstore *z, size_t lo, size_t hi,
    const ldns_rdf *owner, uint16_t type, struct dns_resp *out)
{
	uint16_t want = type, t;
	size_t i, n = 0;
	bool any_rr = false, keep_cname;

	/* --rr records are few: the common owner has none to look for. */
	for (i = lo; i < hi && !any_rr; i++)
		any_rr = z->recs[i].from_rr;
	/* A --rr RRset of the type also replaces a zone's CNAME. */
	keep_cname = type != AA_TYPE_CNAME &&
	    !(any_rr && rr_overrides(z, lo, hi, type));
	for (i = lo; i < hi && keep_cname; i++)
		if (ldns_rr_get_type(z->recs[i].rr) == LDNS_RR_TYPE_CNAME)
			want = AA_TYPE_CNAME;
	out->rr = aa_arena_alloc(a, (hi - lo) * sizeof(*out->rr) + 1);
	out->origin = rec_origin(a, &z->recs[lo]);
	for (i = lo; i < hi; i++) {
		const struct zrec *r = &z->recs[i];

		t = ldns_rr_get_type(r->rr);
		if ((want != AA_TYPE_ANY && t != want) || (any_rr &&
		    !r->from_rr && rr_overrides(z, lo, hi, t)))
			continue;
		dns_rr_convert(a, r->rr, owner, r->from_rr ? "--rr" : r->file,
		    r->line, &out->rr[n]);
		if (n++ == 0)
			out->origin = rec_origin(a, r);
	}
	out->nrr = n;
	out->rcode = AA_RCODE_NOERROR;
}

static bool
pragma_lookup(const struct zstore *z, const ldns_rdf *name, uint16_t type,
    size_t lo, size_t hi, struct dns_resp *out)
{
	static const enum aa_rcode rc[] = {
		[PRAGMA_SERVFAIL] = AA_RCODE_SERVFAIL,
		[PRAGMA_TIMEOUT] = AA_RCODE_TIMEOUT,
		[PRAGMA_REFUSED] = AA_RCODE_REFUSED,
		[PRAGMA_NXDOMAIN] = AA_RCODE_NXDOMAIN,
		[PRAGMA_NODATA] = AA_RCODE_NOERROR,
	};
	/*
	 * --rr records [lo, hi) replace what the files say of their owner
	 * and type, pragmas included: "what if I publish this" must work
	 * on a zone saved with failures as pragmas.
	 */
	bool rr_name = false, rr_type;
	size_t i;

	if (z->npragmas == 0)
		return false;
	rr_type = rr_overrides(z, lo, hi, type) ||
	    rr_overrides(z, lo, hi, AA_TYPE_CNAME);
	for (i = lo; i < hi; i++)
		rr_name = rr_name || z->recs[i].from_rr;
	for (i = 0; i < z->npragmas; i++) {
		const struct pragma *p = &z->pragmas[i];

		if (ldns_dname_compare(p->name, name) != 0)
			continue;
		if (p->type != 0 && p->type != type)
			continue;
		if (p->kind == PRAGMA_NXDOMAIN ? rr_name : rr_type)
			continue;
		out->rcode = rc[p->kind];
		out->nrr = 0;
		out->origin = p->origin;
		return true;
	}
	return false;
}

/* Wildcard synthesis (RFC 4592): *.<closest encloser>, if it exists. */
static bool
wildcard_lookup(struct aa_arena *a, const struct zstore *z,
    const ldns_rdf *name, const ldns_rdf *apex, uint16_t type,
    struct dns_resp *out)
{
	ldns_rdf *ce = ldns_dname_left_chop(name), *star, *next;
	bool found = false;
	size_t lo, hi;

	while (ce != NULL && ldns_dname_label_count(ce) > 0) {
		star = ldns_dname_new_frm_str("*");
		if (ldns_dname_cat(star, ce) == LDNS_STATUS_OK) {
			hi = owner_range(z, star, &lo);
			if (hi > lo) {
				answer_from(a, z, lo, hi, name, type, out);
				found = true;
			}
		}
		ldns_rdf_deep_free(star);
		if (found || name_exists(z, ce) ||
		    (apex != NULL && ldns_dname_compare(ce, apex) == 0))
			break;
		next = ldns_dname_left_chop(ce);
		ldns_rdf_deep_free(ce);
		ce = next;
	}
	ldns_rdf_deep_free(ce);
	return found;
}

bool
zstore_lookup(struct zstore *z, struct aa_arena *a, const ldns_rdf *name,
    uint16_t type, struct dns_resp *out)
{
	const struct apex *apex;
	size_t lo, hi;

	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5): no zone at all. */
	if (!z->sorted && z->nrecs > 0)
		qsort(z->recs, z->nrecs, sizeof(*z->recs), rec_cmp);
	z->sorted = true;
	out->source = AA_SRC_ZONE;
	out->ms = 0;
	hi = owner_range(z, name, &lo);
	if (pragma_lookup(z, name, type, lo, hi, out))
		return true;
	if (hi > lo) {
		answer_from(a, z, lo, hi, name, type, out);
		return true;
	}
	apex = find_apex(z, name);
	/* An empty non-terminal exists (RFC 8020) and stops wildcards. */
	if (name_exists(z, name)) {
		if (apex == NULL)
			return false;	/* a file without SOA: not ours */
		out->rcode = AA_RCODE_NOERROR;
	} else if (wildcard_lookup(a, z, name, apex ? apex->name : NULL,
	    type, out))
		return true;
	else if (apex == NULL)
		return false;
	else
		out->rcode = AA_RCODE_NXDOMAIN;
	out->nrr = 0;
	out->origin = NULL;
	hi = owner_range(z, apex->name, &lo);
	for (; lo < hi; lo++)
		if (ldns_rr_get_type(z->recs[lo].rr) == LDNS_RR_TYPE_SOA)
			out->origin = rec_origin(a, &z->recs[lo]);
	return true;
}
