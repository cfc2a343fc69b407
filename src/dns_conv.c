/*
 * dns_conv.c: ldns records to struct aa_rr, and the presentation forms
 * design.md 3a fixes: names lower case without the trailing dot, text
 * with \DDD escapes so that every octet survives.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_xmalloc.h"
#include "dns_int.h"

char *
aa_dns_escape_text(const uint8_t *p, size_t len)
{
	char *out = aa_xmalloc(len * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] > 0x7e) {
			snprintf(o, 5, "\\%03u", p[i]);
			o += 4;
		} else {
			if (p[i] == '"' || p[i] == '\\')
				*o++ = '\\';
			*o++ = (char)p[i];
		}
	}
	*o = '\0';
	return out;
}

char *
dns_name_str(struct aa_arena *a, const ldns_rdf *name)
{
	char *s = ldns_rdf2str(name), *r;
	size_t len, i;

	if (s == NULL)
		return aa_arena_strdup(a, "");
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	for (i = 0; i < len; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	r = aa_arena_strdup(a, s);
	free(s);
	return r;
}

/* The character-strings of a TXT record, their join, and "a" "b" form. */
static void
convert_txt(struct aa_arena *a, const ldns_rr *rr, struct aa_rr *r)
{
	size_t i, n = ldns_rr_rd_count(rr), total = 0;
	struct aa_bytes *strs = aa_arena_alloc(a, (n + 1) * sizeof(*strs));
	uint8_t *joined;
	char *buf = NULL, *esc;
	size_t buflen = 0;
	FILE *fp = open_memstream(&buf, &buflen);

	if (fp == NULL)
		abort();
	for (i = 0; i < n; i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(f);
		size_t len = ldns_rdf_size(f) > 0 ? d[0] : 0;

		if (len + 1 > ldns_rdf_size(f))
			len = ldns_rdf_size(f) > 0 ? ldns_rdf_size(f) - 1 : 0;
		strs[i].data = aa_arena_memdup(a, d + 1, len);
		strs[i].len = len;
		total += len;
		esc = aa_dns_escape_text(d + 1, len);
		fprintf(fp, "%s\"%s\"", i ? " " : "", esc);
		free(esc);
	}
	fclose(fp);
	joined = aa_arena_alloc(a, total + 1);
	for (total = 0, i = 0; i < n; i++) {
		memcpy(joined + total, strs[i].data, strs[i].len);
		total += strs[i].len;
	}
	r->txt = strs;
	r->ntxt = n;
	r->joined.data = joined;
	r->joined.len = total;
	r->data = aa_arena_strdup(a, buf);
	free(buf);
}

/* Generic rdata: each field in ldns presentation, names without dots. */
static void
convert_generic(struct aa_arena *a, const ldns_rr *rr, struct aa_rr *r)
{
	char *buf = NULL, *s;
	size_t buflen = 0, i;
	FILE *fp = open_memstream(&buf, &buflen);

	if (fp == NULL)
		abort();
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);

		if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME) {
			s = dns_name_str(a, f);
			fprintf(fp, "%s%s", i ? " " : "", s);
			continue;
		}
		s = ldns_rdf2str(f);
		fprintf(fp, "%s%s", i ? " " : "", s ? s : "");
		free(s);
	}
	fclose(fp);
	r->data = aa_arena_strdup(a, buf);
	free(buf);
}

static void
convert_wire(struct aa_arena *a, const ldns_rr *rr, struct aa_rr *r)
{
	size_t i, total = 0;
	uint8_t *w;

	for (i = 0; i < ldns_rr_rd_count(rr); i++)
		total += ldns_rdf_size(ldns_rr_rdf(rr, i));
	w = aa_arena_alloc(a, total + 1);
	for (total = 0, i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);

		memcpy(w + total, ldns_rdf_data(f), ldns_rdf_size(f));
		total += ldns_rdf_size(f);
	}
	r->rdata = w;
	r->rdlen = total;
}

static void
convert_master(struct aa_arena *a, const ldns_rr *rr, const ldns_rdf *owner,
    struct aa_rr *r)
{
	ldns_rr *c = NULL;
	char *s;
	size_t len;

	if (owner != NULL) {
		c = ldns_rr_clone(rr);
		ldns_rdf_deep_free(ldns_rr_owner(c));
		ldns_rr_set_owner(c, ldns_rdf_clone(owner));
	}
	s = ldns_rr2str(c != NULL ? c : rr);
	ldns_rr_free(c);
	if (s == NULL) {
		r->master = aa_arena_strdup(a, "");
		return;
	}
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	r->master = aa_arena_strdup(a, s);
	free(s);
}

void
dns_rr_convert(struct aa_arena *a, const ldns_rr *rr, const ldns_rdf *owner,
    const char *file, unsigned line, struct aa_rr *r)
{
	const ldns_rdf *f0 = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) :
	    NULL;

	memset(r, 0, sizeof(*r));
	r->owner = dns_name_str(a, owner != NULL ? owner : ldns_rr_owner(rr));
	r->type = ldns_rr_get_type(rr);
	r->ttl = ldns_rr_ttl(rr);
	r->file = file;
	r->line = file != NULL ? line : 0;
	convert_wire(a, rr, r);
	convert_master(a, rr, owner, r);
	switch (r->type) {
	case AA_TYPE_TXT:
	case AA_TYPE_SPF:
		convert_txt(a, rr, r);
		return;
	case AA_TYPE_A:
	case AA_TYPE_AAAA:
		if (f0 != NULL && ldns_rdf_size(f0) <= sizeof(r->addr))
			memcpy(r->addr, ldns_rdf_data(f0), ldns_rdf_size(f0));
		break;
	case AA_TYPE_MX:
		if (ldns_rr_rd_count(rr) >= 2) {
			r->preference = ldns_rdf2native_int16(f0);
			r->target = dns_name_str(a, ldns_rr_rdf(rr, 1));
		}
		break;
	case AA_TYPE_CNAME:
	case AA_TYPE_PTR:
	case AA_TYPE_NS:
		if (f0 != NULL)
			r->target = dns_name_str(a, f0);
		break;
	}
	convert_generic(a, rr, r);
}

const char *
aa_dns_type_str(uint16_t type)
{
	static char buf[4][16];
	static unsigned next;
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	char *b;

	if (d != NULL && d->_name != NULL && type != 0)
		return d->_name;
	b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "TYPE%u", type);
	return b;
}

/*
 * RFC 3597 5: TYPEnnn names any type.  Parsed here because ldns reads the
 * number with atoi(): "TYPE99x" would be 99 and "TYPE70000" wrap.
 */
static uint16_t
generic_type(const char *digits)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; isdigit((unsigned char)digits[i]); i++)
		if ((v = v * 10 + (unsigned long)(digits[i] - '0')) > 65535)
			return 0;
	return i > 0 && digits[i] == '\0' ? (uint16_t)v : 0;
}

uint16_t
aa_dns_type_from_str(const char *s)
{
	char up[32];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	if (s[i] != '\0' || i == 0)
		return 0;
	if (strncmp(up, "TYPE", 4) == 0)
		return generic_type(up + 4);
	return (uint16_t)ldns_get_rr_type_by_name(up);
}
