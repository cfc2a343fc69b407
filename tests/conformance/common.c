/*
 * common.c: what the DKIM corpus runners share: the corpus message's DNS
 * entries as zone text for an offline DNS layer, and reading a message.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aa_dns.h"
#include "aa_msg.h"
#include "aa_report.h"
#include "common.h"

/* Append s as a zone-file quoted string, any octet kept (\DDD). */
static void
put_quoted(FILE *z, const char *s, size_t len)
{
	char *esc = aa_dns_escape_text((const uint8_t *)s, len);

	fprintf(z, "\"%s\"", esc);
	free(esc);
}

static void
put_txt(FILE *z, const char *name, json_t *v)
{
	json_t *strs = json_object_get(v, "txt_strings"), *s;
	const char *txt;
	size_t i, len, l;

	fprintf(z, "%s. 300 IN TXT", name);
	if (json_is_array(strs)) {
		json_array_foreach(strs, i, s) {
			fputc(' ', z);
			put_quoted(z, json_string_value(s),
			    json_string_length(s));
		}
		fputc('\n', z);
		return;
	}
	txt = json_string_value(json_object_get(v, "txt"));
	len = json_string_length(json_object_get(v, "txt"));
	/* FAKE_DNS.dat: a record of "" is an empty key record. */
	if (strcmp(txt, "\"\"") == 0)
		len = 0;
	if (len == 0)
		fputs(" \"\"", z);
	for (i = 0; i < len; i += l) {
		l = len - i > 255 ? 255 : len - i;
		fputc(' ', z);
		put_quoted(z, txt + i, l);
	}
	fputc('\n', z);
}

struct aa_dns *
conf_dns_for(json_t *dns, const char *file)
{
	struct aa_dns_config cfg = { .offline = true };
	struct aa_dns *d;
	const char *name, *e;
	char *text = NULL, err[512];
	size_t len = 0;
	json_t *v;
	FILE *z;

	if (aa_dns_new(&cfg, &d, err, sizeof(err)) != AA_OK)
		return NULL;
	z = open_memstream(&text, &len);
	json_object_foreach(dns, name, v) {
		e = json_string_value(json_object_get(v, "error"));
		if (e == NULL)
			put_txt(z, name, v);
		else if (strcmp(e, "NXDOMAIN") == 0)
			fprintf(z, ";! nxdomain %s.\n", name);
		else if (strcmp(e, "TIMEOUT") == 0)
			fprintf(z, ";! timeout %s.\n", name);
		else
			fprintf(z, ";! servfail %s.\n", name);
	}
	fclose(z);
	if (aa_dns_load_zone_text(d, file, text, len, err, sizeof(err)) !=
	    AA_OK) {
		fprintf(stderr, "%s: zone: %s\n", file, err);
		aa_dns_free(d);
		d = NULL;
	}
	free(text);
	return d;
}

struct aa_msg *
conf_read_msg(const char *dir, const char *file)
{
	char path[1024], err[256];
	struct aa_msg *m = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dkim/%s", dir, file);
	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return NULL;
	}
	if (aa_msg_read(fp, NULL, &m, err, sizeof(err)) != AA_OK) {
		fprintf(stderr, "%s: %s\n", path, err);
		m = NULL;
	}
	fclose(fp);
	return m;
}


void
conf_dkim_results(const struct aa_report *rep, char *buf, size_t len)
{
	const struct aa_dkim_report *d = rep->dkim;
	size_t i;

	buf[0] = '\0';
	if (d == NULL || d->signatures.n == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < d->signatures.n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i > 0 ? "," : "", d->signatures.v[i].result != NULL ?
		    d->signatures.v[i].result : "null");
}
