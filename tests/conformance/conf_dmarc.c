/*
 * conf_dmarc.c: the DMARC record cases of $CONFORMANCE/dmarc/NOTES.md,
 * read from the file itself: section 1 (OpenDMARC's parser test table)
 * and section 2 (Mail::DMARC's accepted and rejected tag values, and its
 * whole records).  Prints "DMARC notes: N passed, N failed".
 *
 * Where RFC 7489 and the source disagree, we follow the RFC; those cases
 * are listed below with the reason and count as passed when we do what
 * the RFC says.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_dmarc.h"

#define MAX_LINE	1024
#define MAX_TEXT	8192

struct exception {
	const char	*section;	/* "1" or "2" */
	const char	*key;		/* table row, or "tag=value" */
	const char	*why;
};

static const struct exception exceptions[] = {
	{ "1", "5", "OpenDMARC accepts any prefix of a policy (p=n); RFC 7489 "
	  "6.3 allows only none, quarantine and reject, and without a valid "
	  "rua the record is unusable (6.6.3)" },
	{ "1", "10", "RFC 7489 6.3: a syntax error in a tag other than p or sp "
	  "is discarded in favour of its default; the record stays usable" },
	{ "1", "11", "as 10 (aspf)" },
	{ "1", "12", "as 10 (rf)" },
	{ "1", "13", "as 10 (ri)" },
	{ "1", "14", "as 10 (pct)" },
	{ "1", "19", "as 10 (rf)" },
	{ "2", "v=dmarc1", "Mail::DMARC accepts v=dmarc1; the ABNF of RFC 7489 "
	  "6.4 (%x44.4d.41.52.43.31) and RFC 9989 make v case-sensitive" },
};

static int pass, fail;

static const struct exception *
find_exception(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]); i++)
		if (strcmp(exceptions[i].section, section) == 0 &&
		    strcmp(exceptions[i].key, key) == 0)
			return &exceptions[i];
	return NULL;
}

/*
 * Record a case: ok is whether we do what the source says.  A listed
 * exception passes when we differ from the source (we follow the RFC).
 */
static void
outcome(const char *section, const char *key, const char *rec, bool ok)
{
	const struct exception *e = find_exception(section, key);

	if (e != NULL && !ok) {
		pass++;
		printf("  expected difference, section %s, %s (\"%s\"): %s\n",
		    section, key, rec, e->why);
	} else if (e != NULL && ok) {
		fail++;
		printf("FAIL section %s, %s (\"%s\"): listed as an exception "
		    "but agrees with the source\n", section, key, rec);
	} else if (ok)
		pass++;
	else {
		fail++;
		printf("FAIL section %s, %s: \"%s\"\n", section, key, rec);
	}
}

static bool
usable(const char *rec)
{
	struct aa_dmarc_record r;

	return aa_dmarc_parse(rec, strlen(rec), &r) == AA_OK;
}

/* Section 1: | # | `record` | OpenDMARC outcome | note | */
static void
table_row(char *line)
{
	char *cols[6], *p = line, *a, *b, num[16], rec[512];
	int n = 0;
	bool od_ok;

	while (n < 6 && (p = strchr(p, '|')) != NULL)
		cols[n++] = ++p;
	if (n < 5)
		return;
	if (sscanf(cols[0], " %15[0-9]", num) != 1)
		return;
	a = strchr(cols[1], '`');
	if (a == NULL || a > cols[2])
		return;
	if (a[1] == '`')		/* `` (empty) */
		rec[0] = '\0';
	else {
		b = strchr(a + 1, '`');
		if (b == NULL || (size_t)(b - a - 1) >= sizeof(rec))
			return;
		memcpy(rec, a + 1, (size_t)(b - a - 1));
		rec[b - a - 1] = '\0';
	}
	od_ok = strncmp(cols[2] + strspn(cols[2], " "), "OK", 2) == 0;
	outcome("1", num, rec, usable(rec) == od_ok);
}

/* Strip backticks and spaces around a value; NULL when not concrete. */
static char *
value(char *v)
{
	size_t n;

	while (*v == ' ' || *v == '`')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '`'))
		v[--n] = '\0';
	if (n == 0 || strchr(v, ' ') != NULL || strstr(v, "\xe2\x80\xa6") ||
	    strchr(v, '/') != NULL)
		return NULL;
	return v;
}

/* Does tag=val pass our parser without an issue for tag? */
static bool
accepted(const char *tag, const char *val, char *rec, size_t len)
{
	struct aa_dmarc_record r;
	size_t i;

	if (strcmp(tag, "v") == 0)
		snprintf(rec, len, "v=%s; p=none", val);
	else if (strcmp(tag, "p") == 0)
		snprintf(rec, len, "v=DMARC1; p=%s", val);
	else
		snprintf(rec, len, "v=DMARC1; p=none; %s=%s", tag, val);
	if (aa_dmarc_parse(rec, strlen(rec), &r) == AA_ENOTFOUND)
		return false;
	for (i = 0; i < r.nissues; i++)
		if (strcmp(r.issues[i].tag, tag) == 0)
			return false;
	return true;
}

static void
one_value(const char *tag, const char *val, bool want)
{
	char rec[256], key[128];
	bool got = accepted(tag, val, rec, sizeof(rec));

	snprintf(key, sizeof(key), "%s=%s", tag, val);
	outcome("2", key, rec, got == want);
}

/* "p, sp and np: none, reject" -> each tag with each value (a..b: ends). */
static void
sentence(char *s, bool want)
{
	char *colon = strstr(s, ": "), *tags[8], *t, *v, *dots, *save;
	size_t ntags = 0, i;

	if (colon == NULL)
		return;
	*colon = '\0';
	for (t = s; *t != '\0'; t++)
		if (!islower((unsigned char)*t) && *t != ',' && *t != ' ')
			return;
	for (t = strtok_r(s, ", ", &save); t != NULL && ntags < 8;
	    t = strtok_r(NULL, ", ", &save))
		if (strcmp(t, "and") != 0)
			tags[ntags++] = t;
	for (v = strtok_r(colon + 2, ",", &save); v != NULL;
	    v = strtok_r(NULL, ",", &save)) {
		if ((v = value(v)) == NULL)
			continue;
		for (i = 0; i < ntags; i++) {
			if ((dots = strstr(v, "..")) != NULL) {
				*dots = '\0';
				one_value(tags[i], v, want);
				one_value(tags[i], dots + 2, want);
				*dots = '.';
			} else
				one_value(tags[i], v, want);
		}
	}
}

/* "- Accepted values. ..." or "- Rejected values. ...", joined. */
static void
values_bullet(char *text, bool want)
{
	char *s = text, *end;

	while (s != NULL && *s != '\0') {
		end = strstr(s, ". ");
		if (end != NULL)
			*end = '\0';
		else if (s[strlen(s) - 1] == '.')
			s[strlen(s) - 1] = '\0';
		sentence(s, want);
		s = end != NULL ? end + 2 : NULL;
	}
}

/* "  - `v=DMARC1; p=bogus` is invalid." */
static void
record_bullet(const char *line)
{
	const char *a = strchr(line, '`'), *b;
	char rec[512];
	bool want;

	if (a == NULL || strncmp(a + 1, "v=", 2) != 0 ||
	    (b = strchr(a + 1, '`')) == NULL ||
	    (size_t)(b - a - 1) >= sizeof(rec))
		return;
	memcpy(rec, a + 1, (size_t)(b - a - 1));
	rec[b - a - 1] = '\0';
	if (strstr(b, "not valid") != NULL || strstr(b, "invalid") != NULL)
		want = false;
	else if (strstr(b, "valid") != NULL)
		want = true;
	else
		return;
	outcome("2", rec, rec, usable(rec) == want);
}

int
main(void)
{
	const char *dir = getenv("CONFORMANCE");
	char path[1024], line[MAX_LINE], text[MAX_TEXT];
	int section = 0, want = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dmarc/NOTES.md",
	    dir != NULL ? dir : "testdata/conformance");
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	text[0] = '\0';
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "## ", 3) == 0)
			section = atoi(line + 3);
		if (section == 1 && line[0] == '|')
			table_row(line);
		if (section != 2)
			continue;
		/* A values bullet runs until the next bullet. */
		if (want != -1 && (strncmp(line, "- ", 2) == 0 ||
		    line[0] == '\0')) {
			values_bullet(text, want == 1);
			want = -1;
			text[0] = '\0';
		}
		if (strncmp(line, "- Accepted values.", 18) == 0)
			want = 1;
		else if (strncmp(line, "- Rejected values.", 18) == 0)
			want = 0;
		if (want != -1) {
			if (strlen(text) + strlen(line) + 2 < sizeof(text)) {
				strcat(text, " ");
				strcat(text, line + strspn(line, " -"));
			}
		} else if (strncmp(line, "  - `", 5) == 0)
			record_bullet(line);
	}
	fclose(fp);
	if (want != -1)
		values_bullet(text, want == 1);
	printf("DMARC notes: %d passed, %d failed\n", pass, fail);
	return fail == 0 && pass > 0 ? 0 : 1;
}
