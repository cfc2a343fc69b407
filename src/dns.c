/*
 * dns.c: the DNS front.  Normalises names, answers from the per-audit
 * cache, asks the backends in order (pragmas and zones, then live unless
 * offline), follows CNAME chains across backends with loop detection,
 * enforces the audit's query and time caps, and logs every real lookup.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_clock.h"
#include "aa_xmalloc.h"
#include "dns_int.h"

#define DEFAULT_TIMEOUT_MS	5000
#define DEFAULT_TIME_LIMIT_MS	20000
#define DEFAULT_MAX_QUERIES	1000
#define MAX_ZONE_FILE		(64u * 1024 * 1024)
#define NBUCKETS		4096

struct raw {				/* one backend lookup */
	const char	*name;
	uint16_t	 type;
	struct dns_resp	 resp;
};

struct entry {
	const char	*name;
	uint16_t	 type;
	void		*val;
	struct entry	*next;
};

struct aa_dns {
	struct aa_dns_config cfg;
	struct aa_arena	*arena;
	struct zstore	*zones;
	struct live	*live;
	bool		 live_failed;
	char		 live_err[256];
	struct aa_strvec warnings;
	struct entry	*raws[NBUCKETS];
	struct entry	*answers[NBUCKETS];
	AA_VEC(struct raw *) order;	/* raws in lookup order */
	AA_VEC(struct aa_qlog) log;
	int64_t		 started_ms;
	unsigned	 nqueries;
	bool		 budget_exceeded;
	bool		 uncounted;	/* aa_dns_set_counted(d, false) */
};

static unsigned
bucket(const char *name, uint16_t type)
{
	unsigned h = 2166136261u ^ type;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % NBUCKETS;
}

static void *
table_get(struct entry **t, const char *name, uint16_t type)
{
	struct entry *e;

	for (e = t[bucket(name, type)]; e != NULL; e = e->next)
		if (e->type == type && strcmp(e->name, name) == 0)
			return e->val;
	return NULL;
}

static void
table_put(struct aa_arena *a, struct entry **t, const char *name,
    uint16_t type, void *val)
{
	struct entry *e = aa_arena_alloc(a, sizeof(*e));
	unsigned b = bucket(name, type);

	e->name = name;
	e->type = type;
	e->val = val;
	e->next = t[b];
	t[b] = e;
}

enum aa_status
aa_dns_new(const struct aa_dns_config *cfg, struct aa_dns **out, char *err,
    size_t errlen)
{
	struct aa_dns *d = aa_xcalloc(1, sizeof(*d));

	d->cfg = *cfg;
	if (d->cfg.timeout_ms == 0)
		d->cfg.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (d->cfg.time_limit_ms == 0)
		d->cfg.time_limit_ms = DEFAULT_TIME_LIMIT_MS;
	if (d->cfg.max_queries == 0)
		d->cfg.max_queries = DEFAULT_MAX_QUERIES;
	d->arena = aa_arena_new();
	d->zones = zstore_new();
	d->started_ms = aa_monotonic_ms();
	/* A bad --resolver is a usage error even when --offline. */
	if (cfg->resolver != NULL) {
		d->live = live_new(cfg->resolver, err, errlen);
		if (d->live == NULL) {
			aa_dns_free(d);
			return AA_EINVAL;
		}
	}
	*out = d;
	return AA_OK;
}

void
aa_dns_free(struct aa_dns *d)
{
	if (d == NULL)
		return;
	live_free(d->live);
	zstore_free(d->zones);
	aa_arena_free(d->arena);
	free(d);
}

enum aa_status
aa_dns_load_zone_text(struct aa_dns *d, const char *name, const char *text,
    size_t len, char *err, size_t errlen)
{
	return zstore_load(d->zones, d->arena, name, text, len, &d->warnings,
	    err, errlen);
}

/* Read all of fp up to cap octets (+1 to see that it is over). */
static char *
slurp(FILE *fp, size_t cap, size_t *len)
{
	size_t size = 64 * 1024, n = 0, got;
	char *buf = aa_xmalloc(size);

	for (;;) {
		if (n == size) {
			if (size > cap)
				break;
			size *= 2;
			buf = aa_xrealloc(buf, size);
		}
		got = fread(buf + n, 1, size - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	*len = n;
	return buf;
}

enum aa_status
aa_dns_load_zone(struct aa_dns *d, const char *path, char *err,
    size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t len;
	enum aa_status st;
	int bad;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AA_EIO;
	}
	buf = slurp(fp, MAX_ZONE_FILE, &len);
	bad = ferror(fp);
	fclose(fp);
	if (bad || len > MAX_ZONE_FILE) {
		snprintf(err, errlen, "%s: %s", path, bad ?
		    strerror(errno) : "zone file over 64 MiB (cap)");
		free(buf);
		return bad ? AA_EIO : AA_ELIMIT;
	}
	st = aa_dns_load_zone_text(d, path, buf, len, err, errlen);
	free(buf);
	return st;
}

enum aa_status
aa_dns_add_rr(struct aa_dns *d, const char *rr, unsigned position, char *err,
    size_t errlen)
{
	return zstore_add_rr(d->zones, d->arena, rr, position, &d->warnings,
	    err, errlen);
}

size_t
aa_dns_warning_count(const struct aa_dns *d)
{
	return d->warnings.n;
}

const char *
aa_dns_warning(const struct aa_dns *d, size_t i)
{
	return i < d->warnings.n ? d->warnings.v[i] : NULL;
}

enum aa_status
aa_dns_name_normalize(const char *in, char **out)
{
	struct aa_arena *a;
	const char *p;
	char *idn = NULL;
	ldns_rdf *rdf;
	size_t len = strlen(in);

	for (p = in; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p != '\0') {
		if (dns_idn_to_ascii(in, &idn) != 0)
			return AA_EINVAL;
		in = idn;
		len = strlen(in);
	}
	/* ldns accepts "a..b" as a label of zero length: refuse it here. */
	if (len == 0 || len > 254 || strstr(in, "..") != NULL ||
	    (in[0] == '.' && len > 1) || (len > 253 && in[len - 1] != '.')) {
		free(idn);
		return AA_EINVAL;
	}
	rdf = ldns_dname_new_frm_str(in);
	free(idn);
	if (rdf == NULL)
		return AA_EINVAL;
	a = aa_arena_new();
	*out = aa_xstrdup(dns_name_str(a, rdf));
	aa_arena_free(a);
	ldns_rdf_deep_free(rdf);
	return AA_OK;
}

static void
log_raw(struct aa_dns *d, struct raw *r, const char *by)
{
	struct aa_qlog *q = AA_VEC_PUSH(d->arena, d->log);

	q->name = r->name;
	q->type = r->type;
	q->rcode = r->resp.rcode;
	q->answers = r->resp.nrr;
	q->source = r->resp.source;
	q->origin = r->resp.origin;
	q->ms = r->resp.ms;
	q->by = aa_arena_strdup(d->arena, by);
	*AA_VEC_PUSH(d->arena, d->order) = r;
}

/* Remaining time of the audit for one query, in ms (0: none left). */
static unsigned
query_budget_ms(const struct aa_dns *d)
{
	int64_t left = d->started_ms + d->cfg.time_limit_ms -
	    aa_monotonic_ms();

	if (left <= 0)
		return 0;
	return left < d->cfg.timeout_ms ? (unsigned)left : d->cfg.timeout_ms;
}

/* Answer r from the zones, the offline rule or the caps; false: live. */
static bool
fetch_local(struct aa_dns *d, struct raw *r)
{
	ldns_rdf *name;
	bool held;

	/* A caller with its own cap (aa_dns_set_counted) is not counted. */
	if (!d->uncounted && d->nqueries >= d->cfg.max_queries) {
		d->budget_exceeded = true;
		r->resp.rcode = AA_RCODE_BUDGET;
		r->resp.source = AA_SRC_NONE;
		r->resp.origin = aa_arena_printf(d->arena, "query cap of %u",
		    d->cfg.max_queries);
		return true;
	}
	if (!d->uncounted)
		d->nqueries++;
	name = ldns_dname_new_frm_str(r->name);
	held = name != NULL && zstore_lookup(d->zones, d->arena, name,
	    r->type, &r->resp);
	ldns_rdf_deep_free(name);
	if (held)
		return true;
	if (d->cfg.offline) {
		r->resp.rcode = AA_RCODE_NXDOMAIN;
		r->resp.source = AA_SRC_OFFLINE;
		return true;
	}
	return false;
}

static bool
live_ready(struct aa_dns *d)
{
	if (d->live == NULL && !d->live_failed) {
		d->live = live_new(NULL, d->live_err, sizeof(d->live_err));
		if (d->live == NULL) {
			d->live_failed = true;
			*AA_VEC_PUSH(d->arena, d->warnings) =
			    aa_arena_strdup(d->arena, d->live_err);
		}
	}
	return d->live != NULL;
}

/* Questions in flight at once: bounds sockets, whatever the batch size. */
#define MAX_INFLIGHT	64

/*
 * Ask live the pending lookups, MAX_INFLIGHT at a time.  Each gets the
 * per-query timeout cut to what is left of the audit's time when its
 * group starts; with nothing left it is not asked (BUDGET).
 */
static void
fetch_live(struct aa_dns *d, struct raw **pend, const char **bys, size_t n)
{
	struct live_q lq[MAX_INFLIGHT];
	const char *lby[MAX_INFLIGHT];
	size_t i = 0, k, nl;
	unsigned ms;

	while (i < n) {
		for (nl = 0; i < n && nl < MAX_INFLIGHT; i++) {
			struct raw *r = pend[i];

			if ((ms = query_budget_ms(d)) == 0 || !live_ready(d)) {
				d->budget_exceeded |= ms == 0 && !d->uncounted;
				r->resp.rcode = ms == 0 ? AA_RCODE_BUDGET :
				    AA_RCODE_NETERROR;
				r->resp.source = ms == 0 ? AA_SRC_NONE :
				    AA_SRC_LIVE;
				r->resp.origin = ms == 0 ? "time limit" :
				    d->live_err;
				log_raw(d, r, bys[i]);
				continue;
			}
			lq[nl] = (struct live_q){ r->name, r->type, ms,
			    &r->resp };
			lby[nl++] = bys[i];
		}
		if (nl > 0)
			live_query_many(d->live, d->arena, lq, nl);
		for (k = 0; k < nl; k++)
			log_raw(d, table_get(d->raws, lq[k].name, lq[k].type),
			    lby[k]);
	}
}

/*
 * Fetch n (name, type) pairs from the backends, those not yet fetched;
 * the live ones together.  out[i] is the raw lookup.
 */
static void
fetch_many(struct aa_dns *d, const char **names, const uint16_t *types,
    const char **bys, size_t n, struct raw **out)
{
	struct raw **pend = aa_xcalloc(n + 1, sizeof(*pend));
	const char **pby = aa_xcalloc(n + 1, sizeof(*pby));
	size_t i, np = 0;

	for (i = 0; i < n; i++) {
		struct raw *r = table_get(d->raws, names[i], types[i]);

		if ((out[i] = r) != NULL) {
			/* An uncounted caller's refusal, now a counted one's. */
			if (r->resp.rcode == AA_RCODE_BUDGET && !d->uncounted)
				d->budget_exceeded = true;
			continue;
		}
		r = out[i] = aa_arena_alloc(d->arena, sizeof(*r));
		r->name = aa_arena_strdup(d->arena, names[i]);
		r->type = types[i];
		table_put(d->arena, d->raws, r->name, r->type, r);
		if (fetch_local(d, r)) {
			log_raw(d, r, bys[i]);
			continue;
		}
		pend[np] = r;
		pby[np++] = bys[i];
	}
	fetch_live(d, pend, pby, np);
	free(pend);
	free(pby);
}

/* The records of type owned by name in a response, copied. */
static size_t
pick(struct aa_arena *a, const struct dns_resp *resp, const char *name,
    uint16_t type, const struct aa_rr **out)
{
	struct aa_rr *v = aa_arena_alloc(a, (resp->nrr + 1) * sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < resp->nrr; i++) {
		const struct aa_rr *r = &resp->rr[i];

		if (strcmp(r->owner, name) != 0)
			continue;
		if (r->type == type || (type == AA_TYPE_ANY &&
		    r->type != AA_TYPE_CNAME))
			v[n++] = *r;
	}
	*out = v;
	return n;
}

static const char *
cname_of(const struct dns_resp *resp, const char *name)
{
	size_t i;

	for (i = 0; i < resp->nrr; i++)
		if (resp->rr[i].type == AA_TYPE_CNAME &&
		    resp->rr[i].target != NULL &&
		    strcmp(resp->rr[i].owner, name) == 0)
			return resp->rr[i].target;
	return NULL;
}

static bool
seen(const struct aa_answer *ans, const char **chain, const char *name)
{
	size_t i;

	if (strcmp(ans->qname, name) == 0)
		return true;
	for (i = 0; i < ans->ncname; i++)
		if (strcmp(chain[i], name) == 0)
			return true;
	return false;
}

/*
 * Follow CNAMEs inside one response from *cur.  Returns 1 when the
 * records were found, -1 on a loop, 0 otherwise (*cur moved or not).
 */
static int
walk(struct aa_dns *d, struct aa_answer *ans, const char **chain,
    const struct dns_resp *resp, const char **cur)
{
	const char *t;

	for (;;) {
		ans->nrr = pick(d->arena, resp, *cur, ans->qtype, &ans->rr);
		if (ans->nrr > 0)
			return 1;
		if (ans->qtype == AA_TYPE_CNAME ||
		    (t = cname_of(resp, *cur)) == NULL)
			return 0;
		if (seen(ans, chain, t) || ans->ncname == AA_DNS_MAX_CNAME)
			return -1;
		chain[ans->ncname++] = t;
		*cur = t;
	}
}

/* RFC 1034 3.6.2: follow the chain across responses and backends. */
static void
resolve(struct aa_dns *d, struct aa_answer *ans, struct raw *first,
    const char *by)
{
	const char **chain = aa_arena_alloc(d->arena,
	    (AA_DNS_MAX_CNAME + 1) * sizeof(*chain));
	const char *cur = ans->qname, *start;
	struct raw *r = first;
	int w;

	ans->cname_chain = chain;
	for (;;) {
		ans->source = r->resp.source;
		ans->origin = r->resp.origin;
		ans->ms += r->resp.ms;
		start = cur;
		w = walk(d, ans, chain, &r->resp, &cur);
		if (w != 0 || r->resp.rcode != AA_RCODE_NOERROR ||
		    cur == start)
			break;
		fetch_many(d, &cur, &ans->qtype, &by, 1, &r);
	}
	if (w < 0) {
		ans->cname_loop = true;
		ans->rcode = AA_RCODE_SERVFAIL;
		ans->nrr = 0;
	} else
		ans->rcode = w > 0 ? AA_RCODE_NOERROR : r->resp.rcode;
}

enum aa_status
aa_dns_query_many(struct aa_dns *d, const struct aa_question *q, size_t n,
    const struct aa_answer **out)
{
	const char **names = aa_xcalloc(n + 1, sizeof(*names));
	const char **bys = aa_xcalloc(n + 1, sizeof(*bys));
	uint16_t *types = aa_xcalloc(n + 1, sizeof(*types));
	struct raw **raws = aa_xcalloc(n + 1, sizeof(*raws));
	long *slot = aa_xcalloc(n + 1, sizeof(*slot));
	size_t i, m = 0;
	enum aa_status st = AA_OK;
	char *norm;

	for (i = 0; i < n; i++) {
		out[i] = NULL;
		slot[i] = -1;
		if (aa_dns_name_normalize(q[i].name, &norm) != AA_OK) {
			st = AA_EINVAL;
			continue;
		}
		names[m] = aa_arena_strdup(d->arena, norm);
		free(norm);
		types[m] = q[i].type;
		bys[m] = q[i].by;
		out[i] = table_get(d->answers, names[m], types[m]);
		if (out[i] == NULL)
			slot[i] = (long)m++;
		/* An uncounted caller's refusal, now given to a counted one. */
		else if (out[i]->rcode == AA_RCODE_BUDGET && !d->uncounted)
			d->budget_exceeded = true;
	}
	fetch_many(d, names, types, bys, m, raws);
	for (i = 0; i < n; i++) {
		struct aa_answer *ans;
		long k = slot[i];

		/* The same question twice in one batch gets one answer. */
		if (k < 0 || (out[i] = table_get(d->answers, names[k],
		    types[k])) != NULL)
			continue;
		ans = aa_arena_alloc(d->arena, sizeof(*ans));
		ans->qname = names[k];
		ans->qtype = types[k];
		resolve(d, ans, raws[k], bys[k]);
		table_put(d->arena, d->answers, ans->qname, ans->qtype, ans);
		out[i] = ans;
	}
	free(names);
	free(bys);
	free(types);
	free(raws);
	free(slot);
	return st;
}

enum aa_status
aa_dns_query(struct aa_dns *d, const char *name, uint16_t type,
    const struct aa_answer **out)
{
	struct aa_question q = { name, type, NULL };
	const struct aa_answer *ans;
	enum aa_status st = aa_dns_query_many(d, &q, 1, &ans);

	if (st == AA_OK)
		*out = ans;
	return st;
}

size_t
aa_dns_log_count(const struct aa_dns *d)
{
	return d->log.n;
}

const struct aa_qlog *
aa_dns_log_get(const struct aa_dns *d, size_t i)
{
	return i < d->log.n ? &d->log.v[i] : NULL;
}

bool
aa_dns_set_counted(struct aa_dns *d, bool counted)
{
	bool was = !d->uncounted;

	d->uncounted = !counted;
	return was;
}

bool
aa_dns_budget_exceeded(const struct aa_dns *d)
{
	return d->budget_exceeded;
}

struct saver {
	FILE		*fp;
	struct aa_arena	*arena;
	struct entry	**seen;		/* keys of lines written */
};

static void	save_line(struct saver *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Write a line once.  RFC 2181 5: an RRset has no duplicate records, yet
 * a record can be in several answers (a CNAME answers every type), and a
 * live record's TTL can differ between them: key records without it.
 */
static void
save_line(struct saver *sv, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = aa_arena_vprintf(sv->arena, fmt, ap);
	va_end(ap);
	if (key == NULL)
		key = line;
	if (table_get(sv->seen, key, 0) != NULL)
		return;
	table_put(sv->arena, sv->seen, key, 0, line);
	fprintf(sv->fp, "%s\n", line);
}

/* A master-file line without its TTL (owner TAB ttl TAB class ...). */
static const char *
record_key(struct aa_arena *a, const char *master)
{
	const char *t1 = strchr(master, '\t'), *t2;

	if (t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
		return master;
	return aa_arena_printf(a, "%.*s%s", (int)(t1 - master), master, t2);
}

/*
 * The name the CNAMEs of a response lead to from its question: a live
 * NXDOMAIN can carry the chain to the name that does not exist (RFC 6604
 * 3), and the pragma belongs to that name.  Bounded by the records.
 */
static const char *
chain_end(const struct raw *r)
{
	const char *cur = r->name, *t;
	size_t steps;

	for (steps = 0; steps < r->resp.nrr &&
	    (t = cname_of(&r->resp, cur)) != NULL; steps++)
		cur = t;
	return cur;
}

static void
save_raw(struct saver *sv, const struct raw *r)
{
	const char *t = aa_dns_type_str(r->type), *name = chain_end(r);
	/* Absolute names; the root is already "." (not ".."). */
	const char *dot = strcmp(name, ".") == 0 ? "" : ".";
	size_t i;

	for (i = 0; i < r->resp.nrr; i++)
		save_line(sv, record_key(sv->arena, r->resp.rr[i].master),
		    "%s", r->resp.rr[i].master);
	switch (r->resp.rcode) {
	case AA_RCODE_NOERROR:
		if (r->resp.nrr == 0)
			save_line(sv, NULL, ";! nodata %s%s %s", name, dot, t);
		break;
	case AA_RCODE_NXDOMAIN:
		save_line(sv, NULL, ";! nxdomain %s%s", name, dot);
		break;
	case AA_RCODE_TIMEOUT:
	case AA_RCODE_REFUSED:
		save_line(sv, NULL, ";! %s %s%s %s", r->resp.rcode ==
		    AA_RCODE_TIMEOUT ? "timeout" : "refused", name, dot, t);
		break;
	case AA_RCODE_BUDGET:
		save_line(sv, NULL, "; %s%s %s: not asked (cap reached)",
		    name, dot, t);
		break;
	default:
		save_line(sv, NULL, ";! servfail %s%s %s", name, dot, t);
	}
}

enum aa_status
aa_dns_save_zone(const struct aa_dns *d, const char *path, char *err,
    size_t errlen)
{
	struct saver sv;
	size_t i;

	if ((sv.fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AA_EIO;
	}
	sv.arena = aa_arena_new();
	sv.seen = aa_xcalloc(NBUCKETS, sizeof(*sv.seen));
	fprintf(sv.fp, "; Answers used by an authaudit run, replayable "
	    "offline (authaudit-zone(5)).\n");
	for (i = 0; i < d->order.n; i++)
		save_raw(&sv, d->order.v[i]);
	free(sv.seen);
	aa_arena_free(sv.arena);
	if (fclose(sv.fp) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AA_EIO;
	}
	return AA_OK;
}

const char *
aa_rcode_str(enum aa_rcode rc)
{
	static const char *names[] = { "NOERROR", "NXDOMAIN", "SERVFAIL",
		"REFUSED", "TIMEOUT", "FORMERR", "NOTIMP", "NETERROR",
		"BUDGET" };

	return (unsigned)rc < sizeof(names) / sizeof(names[0]) ? names[rc] :
	    "UNKNOWN";
}

bool
aa_rcode_temporary(enum aa_rcode rc)
{
	return rc != AA_RCODE_NOERROR && rc != AA_RCODE_NXDOMAIN;
}

const char *
aa_dns_source_str(enum aa_dns_source s)
{
	static const char *names[] = { "zone", "live", "offline", "none" };

	return (unsigned)s < 4 ? names[s] : "unknown";
}

bool
aa_answer_is_void(const struct aa_answer *a)
{
	return a->rcode == AA_RCODE_NXDOMAIN ||
	    (a->rcode == AA_RCODE_NOERROR && a->nrr == 0);
}

void
aa_dns_reverse_name(const uint8_t *addr, int family,
    char buf[AA_DNS_REVERSE_LEN])
{
	static const char hex[] = "0123456789abcdef";
	char *q = buf;
	int i;

	if (family == 4) {
		snprintf(buf, AA_DNS_REVERSE_LEN, "%u.%u.%u.%u.in-addr.arpa",
		    addr[3], addr[2], addr[1], addr[0]);
		return;
	}
	/* RFC 3596 2.5: one label per nibble, the low nibble first. */
	for (i = 15; i >= 0; i--) {
		*q++ = hex[addr[i] & 0x0f];
		*q++ = '.';
		*q++ = hex[addr[i] >> 4];
		*q++ = '.';
	}
	memcpy(q, "ip6.arpa", sizeof("ip6.arpa"));
}
