/*
 * conf_spf.c: the openspf RFC 7208 suite (and the older RFC 4408 one)
 * against our check_host().  Each scenario's zonedata becomes zone text
 * served by our DNS layer, offline: absent names are NXDOMAIN, TIMEOUT
 * entries become authaudit-zone(5) timeout pragmas, and type-99 records
 * are also served as TXT unless the name has TXT (or "TXT: NONE"), as
 * testdata/conformance/README.md says.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "aa_dns.h"
#include "aa_spf.h"

/*
 * RFC 4408 tests whose preferred (first) result RFC 7208 changed.  The
 * RFC 4408 suite is held to its preferred result except here, where the
 * RFC 7208 result must be one of the results the test lists.
 */
static const struct {
	const char	*id, *why;
} exceptions_4408[] = {
	{ "spfonly", "RFC 7208 3.1, 4.4: only TXT is looked up, "
	    "a type 99 record alone is none" },
	{ "txttimeout", "RFC 7208 4.4: TXT only; its timeout is "
	    "temperror, the type 99 record is not used" },
	{ "spfoverride", "RFC 7208 4.4: TXT only; a type 99 record "
	    "does not override TXT" },
	{ "multitxt1", "RFC 7208 4.5: two v=spf1 TXT records are "
	    "permerror; type 99 is not consulted" },
	{ "multispf2", "RFC 7208 4.4: type 99 records (two of them) "
	    "are not looked up; the single TXT record applies" },
	{ "invalid-domain-empty-label", "RFC 7208 4.8, 5: a target "
	    "that is no valid DNS name cannot be queried and does not "
	    "match (the RFC 7208 suite accepts fail)" },
	{ "invalid-domain-long", "RFC 7208 4.8, 5: as "
	    "invalid-domain-empty-label" },
	{ "invalid-domain-long-via-macro", "RFC 7208 4.8, 5: as "
	    "invalid-domain-empty-label" },
	{ "exists-dnserr", "RFC 7208 4.4, 5.7: a DNS error of exists "
	    "is temperror" },
	{ "mx-limit", "RFC 7208 4.6.4: more than 10 MX names is "
	    "permerror" },
};

struct tally {
	int	 pass, fail, exp_pass, exp_fail, excused;
};

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *
scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/*
 * A YAML scalar to octets: the suite's "\xNN" are code points U+00NN,
 * which libyaml gives as UTF-8; put them on the wire as latin-1.
 */
static size_t
latin1(const yaml_node_t *n, unsigned char *out, size_t cap)
{
	const unsigned char *s = n->data.scalar.value;
	size_t len = n->data.scalar.length, i = 0, o = 0;

	while (i < len && o < cap) {
		if (s[i] >= 0xc2 && s[i] <= 0xc3 && i + 1 < len) {
			out[o++] = (unsigned char)(((s[i] & 0x1f) << 6) |
			    (s[i + 1] & 0x3f));
			i += 2;
		} else
			out[o++] = s[i++];
	}
	return o;
}

/* A name as an absolute presentation-form owner. */
static void
put_name(FILE *f, const char *name)
{
	size_t len = strlen(name), i;
	unsigned char c;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0) {
		fputc('.', f);
		return;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '*')
			fputc(c, f);
		else
			fprintf(f, "\\%03u", c);
	}
	fputc('.', f);
}

static void
put_string(FILE *f, const yaml_node_t *n)
{
	static unsigned char buf[65536];
	size_t len = latin1(n, buf, sizeof(buf)), i;

	fputs(" \"", f);
	for (i = 0; i < len; i++) {
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			fprintf(f, "\\%03u", buf[i]);
		else if (buf[i] == '"' || buf[i] == '\\')
			fprintf(f, "\\%c", buf[i]);
		else
			fputc(buf[i], f);
	}
	fputc('"', f);
}

static void
put_txt(FILE *f, yaml_document_t *doc, const char *name, const char *type,
    yaml_node_t *v)
{
	yaml_node_item_t *it;

	put_name(f, name);
	fprintf(f, " 300 IN %s", type);
	if (v->type == YAML_SCALAR_NODE)
		put_string(f, v);
	else if (v->type == YAML_SEQUENCE_NODE) {
		/* null-text: a record of no strings, served as one "". */
		if (v->data.sequence.items.start == v->data.sequence.items.top)
			fputs(" \"\"", f);
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++)
			put_string(f, yaml_document_get_node(doc, *it));
	}
	fputc('\n', f);
}

static const char *const all_types[] = {
	"A", "AAAA", "MX", "TXT", "SPF", "PTR", "CNAME"
};

/* The zonedata of one scenario as zone text. */
static char *
zone_text(yaml_document_t *doc, yaml_node_t *zd, size_t *len)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	for (p = zd->data.mapping.pairs.start; zd != NULL &&
	    p < zd->data.mapping.pairs.top; p++) {
		const char *name = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *list = yaml_document_get_node(doc, p->value);
		bool has_txt = false, txt_none = false, seen[7] = { false };
		size_t k;

		if (name == NULL || list == NULL ||
		    list->type != YAML_SEQUENCE_NODE)
			continue;
		for (it = list->data.sequence.items.start;
		    it < list->data.sequence.items.top; it++) {
			yaml_node_t *r = yaml_document_get_node(doc, *it);
			yaml_node_t *kn, *v;
			const char *type, *sv;

			if (r->type == YAML_SCALAR_NODE &&
			    strcmp(scalar(r), "TIMEOUT") == 0) {
				/* Types listed before TIMEOUT still answer. */
				for (k = 0; k < 7; k++) {
					if (seen[k])
						continue;
					fputs(";! timeout ", f);
					put_name(f, name);
					fprintf(f, " %s\n", all_types[k]);
				}
				continue;
			}
			if (r->type != YAML_MAPPING_NODE)
				continue;
			kn = yaml_document_get_node(doc,
			    r->data.mapping.pairs.start->key);
			v = yaml_document_get_node(doc,
			    r->data.mapping.pairs.start->value);
			type = scalar(kn);
			sv = scalar(v);
			/* "TXT: NONE" is not a record listed before TIMEOUT. */
			for (k = 0; k < 7; k++)
				if (strcasecmp(type, all_types[k]) == 0 &&
				    (sv == NULL || strcmp(sv, "NONE") != 0))
					seen[k] = true;
			if (sv != NULL && strcmp(sv, "TIMEOUT") == 0) {
				fputs(";! timeout ", f);
				put_name(f, name);
				fprintf(f, " %s\n", type);
				continue;
			}
			if (strcmp(type, "TXT") == 0 && sv != NULL &&
			    strcmp(sv, "NONE") == 0) {
				txt_none = true;
				continue;
			}
			if (strcmp(type, "TXT") == 0 || strcmp(type, "SPF") ==
			    0) {
				has_txt = has_txt || strcmp(type, "TXT") == 0;
				put_txt(f, doc, name, type, v);
				continue;
			}
			put_name(f, name);
			fprintf(f, " 300 IN %s ", type);
			if (strcmp(type, "MX") == 0 &&
			    v->type == YAML_SEQUENCE_NODE) {
				fprintf(f, "%s ", scalar(yaml_document_get_node(
				    doc, v->data.sequence.items.start[0])));
				put_name(f, scalar(yaml_document_get_node(doc,
				    v->data.sequence.items.start[1])));
			} else if (strcmp(type, "PTR") == 0 ||
			    strcmp(type, "CNAME") == 0)
				put_name(f, sv);
			else
				fputs(sv, f);
			fputc('\n', f);
		}
		/* Type 99 records are served as TXT too (README). */
		if (has_txt || txt_none)
			continue;
		for (it = list->data.sequence.items.start;
		    it < list->data.sequence.items.top; it++) {
			yaml_node_t *r = yaml_document_get_node(doc, *it);
			yaml_node_t *kn, *v;

			if (r->type != YAML_MAPPING_NODE)
				continue;
			kn = yaml_document_get_node(doc,
			    r->data.mapping.pairs.start->key);
			v = yaml_document_get_node(doc,
			    r->data.mapping.pairs.start->value);
			if (strcmp(scalar(kn), "SPF") == 0 &&
			    (scalar(v) == NULL || strcmp(scalar(v), "TIMEOUT")))
				put_txt(f, doc, name, "TXT", v);
		}
	}
	fclose(f);
	return text;
}

static bool
result_ok(yaml_document_t *doc, yaml_node_t *want, const char *got,
    bool strict)
{
	yaml_node_item_t *it;

	if (strict && want->type == YAML_SEQUENCE_NODE)
		return strcmp(scalar(yaml_document_get_node(doc,
		    want->data.sequence.items.start[0])), got) == 0;
	if (want->type == YAML_SCALAR_NODE)
		return strcmp(scalar(want), got) == 0;
	for (it = want->data.sequence.items.start;
	    it < want->data.sequence.items.top; it++)
		if (strcmp(scalar(yaml_document_get_node(doc, *it)), got) == 0)
			return true;
	return false;
}

static const char *
excused(const char *id, bool rfc4408)
{
	size_t i;

	if (!rfc4408)
		return NULL;
	for (i = 0; i < sizeof(exceptions_4408) / sizeof(exceptions_4408[0]);
	    i++)
		if (strcmp(exceptions_4408[i].id, id) == 0)
			return exceptions_4408[i].why;
	return NULL;
}

static void
run_test(const char *zone, size_t zlen, yaml_document_t *doc,
    const char *id, yaml_node_t *t, bool rfc4408, struct tally *tl)
{
	struct aa_dns_config cfg = { .offline = true };
	struct aa_spf_query q;
	struct aa_spf_outcome o;
	struct aa_dns *dns;
	yaml_node_t *want = map_get(doc, t, "result");
	const char *exp = scalar(map_get(doc, t, "explanation"));
	const char *got, *why;
	char err[512];
	bool ok;

	if (aa_dns_new(&cfg, &dns, err, sizeof(err)) != AA_OK ||
	    aa_dns_load_zone_text(dns, "zonedata", zone, zlen, err,
	    sizeof(err)) != AA_OK) {
		printf("  %s: zone does not load: %s\n", id, err);
		tl->fail++;
		if (dns != NULL)
			aa_dns_free(dns);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.ip = scalar(map_get(doc, t, "host"));
	q.helo = scalar(map_get(doc, t, "helo"));
	q.mail_from = scalar(map_get(doc, t, "mailfrom"));
	q.default_exp = "DEFAULT";
	q.receiver = "receiver.example.net";
	if (aa_spf_evaluate(dns, &q, &o) != AA_OK) {
		printf("  %s: bad client address\n", id);
		tl->fail++;
		aa_dns_free(dns);
		return;
	}
	got = aa_spf_result_str(o.result);
	why = excused(id, rfc4408);
	/* RFC 7208 suite: any listed result; RFC 4408: the preferred one. */
	ok = result_ok(doc, want, got, rfc4408 && why == NULL);
	if (ok && why != NULL && !result_ok(doc, want, got, true)) {
		tl->excused++;
		printf("  %s: %s (exception: %s)\n", id, got, why);
	} else if (ok)
		tl->pass++;
	else {
		tl->fail++;
		printf("  %s: got %s, want %s (%s)\n", id, got,
		    want->type == YAML_SCALAR_NODE ? scalar(want) : "a list",
		    o.problem != NULL ? o.problem : "-");
	}
	if (exp != NULL) {
		if (o.result == AA_SPF_FAIL && o.explanation != NULL &&
		    strcmp(o.explanation, exp) == 0)
			tl->exp_pass++;
		else {
			tl->exp_fail++;
			printf("  %s: explanation '%s', want '%s'\n", id,
			    o.explanation != NULL ? o.explanation : "(null)",
			    exp);
		}
	}
	aa_spf_outcome_clear(&o);
	aa_dns_free(dns);
}

static int
run_suite(const char *path, const char *name, bool rfc4408)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *tests, *zd;
	yaml_node_pair_t *p;
	struct tally tl = { 0, 0, 0, 0, 0 };
	FILE *fp;
	char *zone;
	size_t zlen;

	if ((fp = fopen(path, "rb")) == NULL) {
		printf("%s: cannot open %s\n", name, path);
		return 1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			printf("%s: YAML error: %s\n", name, parser.problem);
			tl.fail++;
			break;
		}
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		tests = map_get(&doc, root, "tests");
		zd = map_get(&doc, root, "zonedata");
		zone = zone_text(&doc, zd, &zlen);
		for (p = tests->data.mapping.pairs.start;
		    p < tests->data.mapping.pairs.top; p++)
			run_test(zone, zlen, &doc, scalar(
			    yaml_document_get_node(&doc, p->key)),
			    yaml_document_get_node(&doc, p->value), rfc4408,
			    &tl);
		free(zone);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	printf("%s: %d passed, %d failed\n", name, tl.pass, tl.fail);
	/* Excused tests give the RFC 7208 result; they are listed above. */
	if (rfc4408)
		printf("%s exceptions: %d (RFC 7208 changed the preferred "
		    "result; listed above)\n", name, tl.excused);
	if (!rfc4408 || tl.exp_pass + tl.exp_fail > 0)
		printf("%s explanations: %d passed, %d failed\n", name,
		    tl.exp_pass, tl.exp_fail);
	return tl.fail > 0 || tl.exp_fail > 0;
}

int
main(void)
{
	const char *dir = getenv("CONFORMANCE");
	char p7208[4096], p4408[4096];
	int rc = 0;

	if (dir == NULL)
		dir = "testdata/conformance";
	snprintf(p7208, sizeof(p7208), "%s/spf/rfc7208-tests.yml", dir);
	snprintf(p4408, sizeof(p4408), "%s/spf/rfc4408-tests.yml", dir);
	rc |= run_suite(p7208, "SPF rfc7208", false);
	rc |= run_suite(p4408, "SPF rfc4408", true);
	return rc;
}
