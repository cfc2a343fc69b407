/*
 * psl.c: the Public Suffix List through libpsl, the only file that
 * includes <libpsl.h>.  RFC 7489 3.2 defines the organizational domain as
 * the public suffix plus one label; libpsl applies wildcard and exception
 * rules, and the implicit "*" rule for unknown TLDs, correctly where
 * libopendmarc does not (libraries.md 3).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpsl.h>

#include "aa_psl.h"
#include "aa_xmalloc.h"

#define DATE_LEN	10		/* YYYY-MM-DD */
#define HEAD_LINES	64		/* where a VERSION line may be */
#define YEAR_SECONDS	(365LL * 24 * 60 * 60)
#define MAX_NAME	253

struct aa_psl {
	psl_ctx_t	*ctx;
	char		*path;
	char		 date[DATE_LEN + 1];
	int64_t		 when;		/* date as a time; 0: unknown */
};

static int64_t
date_time(const char *d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static bool
valid_date(const char *p)
{
	int i;

	for (i = 0; i < DATE_LEN; i++) {
		if (i == 4 || i == 7) {
			if (p[i] != '-')
				return false;
		} else if (p[i] < '0' || p[i] > '9')
			return false;
	}
	return true;
}

/*
 * The list's date: "// VERSION: 2024-06-20_08-07-09_UTC" near the top
 * (publicsuffix.org adds it since 2023), else the file's mtime.
 */
static void
find_date(struct aa_psl *p, FILE *fp)
{
	char line[256];
	const char *v;
	struct stat st;
	struct tm tm;
	time_t t;
	int n;

	for (n = 0; n < HEAD_LINES && fgets(line, sizeof(line), fp) != NULL;
	    n++) {
		if (strncmp(line, "// VERSION: ", 12) != 0)
			continue;
		v = line + 12;
		if (strlen(v) >= DATE_LEN && valid_date(v)) {
			memcpy(p->date, v, DATE_LEN);
			p->date[DATE_LEN] = '\0';
			p->when = date_time(p->date);
			return;
		}
	}
	if (fstat(fileno(fp), &st) == 0 && st.st_mtime > 0) {
		t = st.st_mtime;
		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(p->date, sizeof(p->date), "%Y-%m-%d", &tm) ==
		    DATE_LEN)
			p->when = date_time(p->date);
		else
			p->date[0] = '\0';
	}
}

enum aa_status
aa_psl_open(const char *path, struct aa_psl **out, char *err, size_t errlen)
{
	struct aa_psl *p;
	struct stat st;
	FILE *fp;

	*out = NULL;
	if (path == NULL)
		path = AA_PSL_DEFAULT;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AA_EIO;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(fp);
		return AA_EIO;
	}
	if (st.st_size > AA_PSL_MAX_SIZE) {
		snprintf(err, errlen, "%s: larger than %d octets", path,
		    AA_PSL_MAX_SIZE);
		fclose(fp);
		return AA_EIO;
	}
	p = aa_xcalloc(1, sizeof(*p));
	find_date(p, fp);
	rewind(fp);
	p->ctx = psl_load_fp(fp);
	fclose(fp);
	if (p->ctx == NULL || psl_suffix_count(p->ctx) <= 0) {
		snprintf(err, errlen, "%s: no public suffix rules", path);
		aa_psl_free(p);
		return AA_EPARSE;
	}
	p->path = aa_xstrdup(path);
	*out = p;
	return AA_OK;
}

void
aa_psl_free(struct aa_psl *p)
{
	if (p == NULL)
		return;
	psl_free(p->ctx);
	free(p->path);
	free(p);
}

const char *
aa_psl_date(const struct aa_psl *p)
{
	return p->date[0] != '\0' ? p->date : NULL;
}

const char *
aa_psl_path(const struct aa_psl *p)
{
	return p->path;
}

bool
aa_psl_stale(const struct aa_psl *p, int64_t now)
{
	return p->when != 0 && now - p->when > YEAR_SECONDS;
}

/*
 * A lower-case copy of name without its trailing dot, or NULL when it is
 * not an A-label domain name (empty label, non-ASCII, too long).
 */
static char *
lower_name(const char *name)
{
	size_t len = strlen(name), i;
	char *s;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > MAX_NAME)
		return NULL;
	s = aa_xstrndup(name, len);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] <= ' ' ||
		    (s[i] == '.' && (i == 0 || s[i - 1] == '.'))) {
			free(s);
			return NULL;
		}
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
	return s;
}

char *
aa_psl_org_domain(const struct aa_psl *p, const char *name)
{
	const char *reg;
	char *s, *org = NULL;

	if ((s = lower_name(name)) == NULL)
		return NULL;
	if ((reg = psl_registrable_domain(p->ctx, s)) != NULL)
		org = aa_xstrdup(reg);
	free(s);
	return org;
}

bool
aa_psl_is_suffix(const struct aa_psl *p, const char *name)
{
	char *s;
	bool r;

	if ((s = lower_name(name)) == NULL)
		return false;
	r = psl_is_public_suffix(p->ctx, s) != 0;
	free(s);
	return r;
}
