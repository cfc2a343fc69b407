/*
 * spf_eval.c: check_host() of RFC 7208 4-6 over the DNS layer, with the
 * limits of 4.6.4 counted over the whole evaluation as design.md 3a says:
 * 10 DNS-querying terms (the one that exceeds counted: 11), 2 void
 * lookups (every query, MX host address lookups included), 10 address
 * lookups per mx (past it: permerror) and per ptr or %{p} (past it: the
 * extra names are ignored).
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aa_report.h"
#include "aa_spf.h"
#include "aa_xmalloc.h"
#include "spf_int.h"

void
spf_ctx_init(struct spf_ctx *c, struct aa_dns *dns)
{
	memset(c, 0, sizeof(*c));
	c->dns = dns;
	c->a = aa_arena_new();
}

void
spf_ctx_free(struct spf_ctx *c)
{
	size_t i;

	for (i = 0; i < c->recs.n; i++)
		aa_spf_record_free(c->recs.v[i]);
	aa_arena_free(c->a);
	c->a = NULL;
}

void
spf_note(struct spf_ctx *c, enum aa_code code, const char *subject,
    const char *file, unsigned line, const char *fmt, ...)
{
	struct spf_note *n = AA_VEC_PUSH(c->a, c->notes);
	va_list ap;

	n->code = code;
	n->subject = aa_arena_strdup(c->a, subject != NULL ? subject : "");
	n->file = file != NULL ? aa_arena_strdup(c->a, file) : NULL;
	n->line = line;
	va_start(ap, fmt);
	n->message = aa_arena_vprintf(c->a, fmt, ap);
	va_end(ap);
}

/* Parse "a.b.c.d" or an IPv6 address; IPv4-mapped becomes IPv4. */
static bool
spf_parse_ip(const char *s, uint8_t ip[16], int *family)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(ip, 0, 16);
	if (inet_pton(AF_INET, s, ip) == 1) {
		*family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip) != 1)
		return false;
	/* RFC 7208 5: an IPv4-mapped IPv6 client is an IPv4 client. */
	if (memcmp(ip, mapped, 12) == 0) {
		memmove(ip, ip + 12, 4);
		memset(ip + 4, 0, 12);
		*family = 4;
	} else
		*family = 6;
	return true;
}

void
spf_set_sender(struct spf_ctx *c, const char *mail_from, const char *helo)
{
	const char *at;

	c->helo = helo != NULL ? aa_arena_strdup(c->a, helo) : NULL;
	/* RFC 7208 2.4: a null path is checked as postmaster@HELO. */
	if (mail_from == NULL || mail_from[0] == '\0') {
		c->local = "postmaster";
		c->sender_domain = helo != NULL ? c->helo : "unknown";
	} else if ((at = strrchr(mail_from, '@')) == NULL) {
		c->local = "postmaster";
		c->sender_domain = aa_arena_strdup(c->a, mail_from);
	} else {
		/* 4.3: no local-part: "postmaster". */
		c->local = at == mail_from ? "postmaster" :
		    aa_arena_strndup(c->a, mail_from, (size_t)(at - mail_from));
		c->sender_domain = aa_arena_strdup(c->a, at + 1);
	}
	c->sender = aa_arena_printf(c->a, "%s@%s", c->local, c->sender_domain);
}

bool
spf_domain_valid(const char *d)
{
	size_t len = strlen(d), lab = 0, i;

	/* RFC 7208 4.3: a malformed domain gives none. */
	if (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || d[0] == '[')
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (lab == 0 || lab > 63)
				return false;
			lab = 0;
		} else
			lab++;
	}
	return true;
}

/* The name in presentation form: \DDD for every octet not LDH. */
static char *
escape_name(struct aa_arena *a, const char *name)
{
	size_t len = strlen(name), i, o = 0;
	char *out = aa_arena_alloc(a, len * 4 + 1);
	unsigned char ch;

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (i = 0; i < len; i++) {
		ch = (unsigned char)name[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '*')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, 5, "\\%03u", ch);
	}
	out[o] = '\0';
	return out;
}

const struct aa_answer *
spf_query(struct spf_ctx *c, const char *name, uint16_t type)
{
	const struct aa_answer *ans;

	if (!spf_domain_valid(name))
		return NULL;
	if (aa_dns_query(c->dns, escape_name(c->a, name), type, &ans) !=
	    AA_OK)
		return NULL;
	return ans;
}

const char *
spf_term_text(struct spf_ctx *c, const struct aa_spf_record *r,
    const struct aa_spf_pterm *t)
{
	return aa_arena_strndup(c->a, r->text + t->off, t->len);
}

static char *
record_text(struct spf_ctx *c, const struct aa_rr *rr)
{
	char *e = aa_dns_escape_text(rr->joined.data, rr->joined.len);
	char *s = aa_arena_strdup(c->a, e);

	free(e);
	return s;
}

/* The offending term of a syntax error, in presentation form. */
static const char *
bad_term(struct spf_ctx *c, const struct aa_rr *rr,
    const struct aa_spf_error *err)
{
	size_t off = err->term_off, len = err->term_len;
	char *e;
	const char *s;

	if (off > rr->joined.len)
		off = rr->joined.len;
	if (len == 0 || len > rr->joined.len - off)
		len = rr->joined.len - off;
	if (len > 80)
		len = 80;
	e = aa_dns_escape_text(rr->joined.data + off, len);
	s = aa_arena_strdup(c->a, e);
	free(e);
	return s;
}

/*
 * RFC 7208 3.4 asks for records that fit in 450 octets but sets no
 * maximum; past our parse cap (design.md 5) the record is not read at
 * all, so there is no term to blame: permerror, named by its length.
 */
static void
too_long(struct spf_ctx *c, const char *domain, const struct aa_rr *rr,
    struct spf_fetched *f)
{
	f->result = AA_SPF_PERMERROR;
	c->problem = aa_arena_printf(c->a, "%s: the record is %zu octets, "
	    "over the %d octets authaudit parses", domain, rr->joined.len,
	    AA_SPF_MAX_RECORD);
	spf_note(c, AA_F_SPF_RECORD_TOO_LONG, domain, rr->file, rr->line,
	    "%s: the record is %zu octets, over the %d octets authaudit "
	    "parses (RFC 7208 3.4 asks for at most %d): not evaluated, "
	    "permerror", domain, rr->joined.len, AA_SPF_MAX_RECORD,
	    AA_SPF_LONG_RECORD);
	/* A warning under the cap; past it the result is permerror. */
	c->notes.v[c->notes.n - 1].error = true;
}

void
spf_fetch(struct spf_ctx *c, const char *domain, struct spf_fetched *f)
{
	const struct aa_answer *ans;
	const struct aa_rr *pick = NULL;
	struct aa_spf_error err;
	enum aa_status st;
	size_t i, n = 0;

	memset(f, 0, sizeof(*f));
	f->result = AA_SPF_NONE;
	if ((ans = spf_query(c, domain, AA_TYPE_TXT)) == NULL)
		return;
	/* RFC 7208 4.4: a DNS error is temperror; NXDOMAIN is none. */
	if (aa_rcode_temporary(ans->rcode)) {
		f->result = AA_SPF_TEMPERROR;
		c->problem = aa_arena_printf(c->a, "TXT %s: %s", domain,
		    aa_rcode_str(ans->rcode));
		spf_note(c, AA_F_SPF_TEMPERROR, domain, NULL, 0,
		    "the TXT lookup of %s failed: %s", domain,
		    aa_rcode_str(ans->rcode));
		return;
	}
	if (ans->rcode != AA_RCODE_NOERROR)
		return;
	for (i = 0; i < ans->nrr; i++)
		if (aa_spf_is_spf1((const char *)ans->rr[i].joined.data,
		    ans->rr[i].joined.len)) {
			if (pick == NULL)
				pick = &ans->rr[i];
			n++;
		}
	if (n == 0)
		return;
	f->file = pick->file;
	f->line = pick->line;
	if (n > 1) {
		/* RFC 7208 4.5: more than one record is permerror. */
		f->result = AA_SPF_PERMERROR;
		c->problem = aa_arena_printf(c->a, "%zu SPF records at %s", n,
		    domain);
		spf_note(c, AA_F_SPF_MULTIPLE_RECORDS, domain, pick->file,
		    pick->line, "%s publishes %zu v=spf1 records", domain, n);
		return;
	}
	f->text = record_text(c, pick);
	st = aa_spf_parse((const char *)pick->joined.data, pick->joined.len,
	    &f->rec, &err);
	if (st == AA_ELIMIT && pick->joined.len > AA_SPF_MAX_RECORD) {
		too_long(c, domain, pick, f);
		return;
	}
	if (st != AA_OK) {
		f->result = AA_SPF_PERMERROR;
		c->problem = aa_arena_printf(c->a, "%s: column %zu: %s", domain,
		    err.off + 1, err.msg);
		spf_note(c, AA_F_SPF_SYNTAX, domain, pick->file, pick->line,
		    "%s: term '%s' at column %zu: %s", domain,
		    bad_term(c, pick, &err), err.off + 1, err.msg);
		return;
	}
	*AA_VEC_PUSH(c->a, c->recs) = f->rec;
	f->ok = true;
}

static const char *
validated_cb(void *arg);

static void
macro_env(struct spf_ctx *c, const char *domain, struct aa_spf_macro_env *e)
{
	memset(e, 0, sizeof(*e));
	e->sender = c->sender;
	e->local = c->local;
	e->sender_domain = c->sender_domain;
	e->domain = domain;
	e->ip = c->family != 0 && !c->worst ? c->ip : NULL;
	e->family = c->family;
	e->helo = c->helo;
	e->receiver = c->receiver;
	e->now = c->now;
	e->validated = c->family != 0 && !c->worst ? validated_cb : NULL;
	e->arg = c;
}

const char *
spf_target(struct spf_ctx *c, const struct aa_spf_record *r,
    const struct aa_spf_pterm *t, const char *domain, unsigned *letters)
{
	struct aa_spf_macro_env env;
	const char *res;
	char *out;
	size_t outlen, bad;

	if (letters != NULL)
		*letters = 0;
	if (!t->has_arg)
		return domain;
	if (letters != NULL)
		(void)aa_spf_macro_check(r->text + t->arg_off, t->arg_len,
		    false, &bad, letters);
	macro_env(c, domain, &env);
	if (aa_spf_macro_expand(r->text + t->arg_off, t->arg_len, false, &env,
	    &out, &outlen, &bad) != AA_OK)
		return NULL;
	/* RFC 7208 4.8: truncate from the left to 253 octets. */
	res = aa_arena_strdup(c->a, aa_spf_truncate_domain(out));
	free(out);
	return res;
}

/* Count a void answer; false once the limit of 2 is exceeded. */
static bool
count_void(struct spf_ctx *c, const struct aa_answer *ans)
{
	if (ans == NULL || !aa_answer_is_void(ans))
		return true;
	c->voids++;
	return c->voids <= AA_SPF_VOID_LIMIT;
}

/* Where the evaluation is: for notes and the matched term. */
struct where {
	const struct aa_spf_record *r;
	const struct aa_spf_pterm *t;
	const char	*domain, *term, *file;
	unsigned	 line;
};

enum match {
	M_NO,
	M_YES,
	M_TEMP,
	M_PERM
};

static bool
prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

static enum match
temp(struct spf_ctx *c, const struct where *w, const char *name,
    uint16_t type, const struct aa_answer *ans)
{
	c->problem = aa_arena_printf(c->a, "%s %s: %s", aa_dns_type_str(type),
	    name, aa_rcode_str(ans->rcode));
	spf_note(c, AA_F_SPF_TEMPERROR, w->domain, w->file, w->line,
	    "%s: the %s lookup of %s for '%s' failed: %s", w->domain,
	    aa_dns_type_str(type), name, w->term, aa_rcode_str(ans->rcode));
	c->have_cause = true;
	return M_TEMP;
}

static enum match
void_over(struct spf_ctx *c, const struct where *w, const char *name)
{
	c->exceeded_term = w->term;
	c->exceeded_domain = w->domain;
	c->problem = aa_arena_printf(c->a, "void lookup %d (%s)", c->voids,
	    name);
	spf_note(c, AA_F_SPF_TOO_MANY_VOID_LOOKUPS, w->domain, w->file,
	    w->line, "%s: '%s' makes void lookup %d of at most %d (%s "
	    "does not resolve)", w->domain, w->term, c->voids,
	    AA_SPF_VOID_LIMIT, name);
	c->have_cause = true;
	return M_PERM;
}

/* A or AAAA of name against the client (a, mx hosts): 5.3, 5.4. */
static enum match
addr_match(struct spf_ctx *c, const struct where *w, const char *name,
    int cidr4, int cidr6)
{
	uint16_t type = c->family == 4 ? AA_TYPE_A : AA_TYPE_AAAA;
	int bits = c->family == 4 ? (cidr4 < 0 ? 32 : cidr4) :
	    (cidr6 < 0 ? 128 : cidr6);
	const struct aa_answer *ans = spf_query(c, name, type);
	size_t i;

	if (ans == NULL)
		return M_NO;
	if (aa_rcode_temporary(ans->rcode))
		return temp(c, w, name, type, ans);
	if (!count_void(c, ans))
		return void_over(c, w, name);
	for (i = 0; i < ans->nrr; i++)
		if (ans->rr[i].type == type &&
		    prefix_match(ans->rr[i].addr, c->ip, bits))
			return M_YES;
	return M_NO;
}

static enum match
mx_match(struct spf_ctx *c, const struct where *w, const char *name,
    int cidr4, int cidr6)
{
	const struct aa_answer *ans = spf_query(c, name, AA_TYPE_MX);
	enum match m;
	size_t i, n = 0;

	if (ans == NULL)
		return M_NO;
	if (aa_rcode_temporary(ans->rcode))
		return temp(c, w, name, AA_TYPE_MX, ans);
	if (!count_void(c, ans))
		return void_over(c, w, name);
	for (i = 0; i < ans->nrr; i++)
		if (ans->rr[i].type == AA_TYPE_MX)
			n++;
	/* RFC 7208 4.6.4: more than 10 address lookups: permerror. */
	if (n > AA_SPF_MAX_NAMES) {
		c->problem = aa_arena_printf(c->a, "%s has %zu MX names", name,
		    n);
		spf_note(c, AA_F_SPF_MX_TOO_MANY_NAMES, w->domain, w->file,
		    w->line, "%s: '%s': %s has %zu MX hosts, more than %d",
		    w->domain, w->term, name, n, AA_SPF_MAX_NAMES);
		c->have_cause = true;
		return M_PERM;
	}
	for (i = 0; i < ans->nrr; i++) {
		const struct aa_rr *rr = &ans->rr[i];

		/* RFC 7505: a null MX (".") names no host. */
		if (rr->type != AA_TYPE_MX || rr->target == NULL ||
		    rr->target[0] == '\0')
			continue;
		c->conservative++;
		if ((m = addr_match(c, w, rr->target, cidr4, cidr6)) != M_NO)
			return m;
	}
	return M_NO;
}

static bool
under(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (d > 0 && domain[d - 1] == '.')
		d--;
	if (n == d)
		return strncasecmp(name, domain, d) == 0;
	return n > d && name[n - d - 1] == '.' &&
	    strncasecmp(name + n - d, domain, d) == 0;
}

/*
 * RFC 7208 5.5: the validated names of the client: PTR names (at most
 * 10, the rest ignored, 4.6.4) whose addresses include the client.
 * DNS errors skip the name; an error on the PTR lookup means no names.
 */
static void
validate_ptrs(struct spf_ctx *c)
{
	uint16_t type = c->family == 4 ? AA_TYPE_A : AA_TYPE_AAAA;
	const struct aa_answer *ans, *addr;
	char rev[AA_DNS_REVERSE_LEN];
	size_t i, j, n = 0;

	if (c->ptrs_done)
		return;
	c->ptrs_done = true;
	aa_dns_reverse_name(c->ip, c->family, rev);
	ans = spf_query(c, rev, AA_TYPE_PTR);
	if (ans == NULL || ans->rcode != AA_RCODE_NOERROR)
		return;
	(void)count_void(c, ans);
	c->ptrs = aa_arena_alloc(c->a, (ans->nrr + 1) * sizeof(*c->ptrs));
	for (i = 0; i < ans->nrr && n < AA_SPF_MAX_NAMES; i++) {
		if (ans->rr[i].type != AA_TYPE_PTR || ans->rr[i].target == NULL)
			continue;
		n++;
		c->conservative++;
		addr = spf_query(c, ans->rr[i].target, type);
		if (addr == NULL || addr->rcode != AA_RCODE_NOERROR)
			continue;
		for (j = 0; j < addr->nrr; j++)
			if (addr->rr[j].type == type &&
			    memcmp(addr->rr[j].addr, c->ip,
			    c->family == 4 ? 4 : 16) == 0) {
				c->ptrs[c->nptrs++] = ans->rr[i].target;
				break;
			}
	}
}

static const char *
validated_cb(void *arg)
{
	struct spf_ctx *c = arg;
	size_t i;

	validate_ptrs(c);
	if (c->nptrs == 0)
		return NULL;
	/* RFC 7208 7.3: prefer the domain itself, then a subdomain. */
	for (i = 0; i < c->nptrs; i++)
		if (c->cur_domain != NULL &&
		    strcasecmp(c->ptrs[i], c->cur_domain) == 0)
			return c->ptrs[i];
	for (i = 0; i < c->nptrs; i++)
		if (c->cur_domain != NULL && under(c->ptrs[i], c->cur_domain))
			return c->ptrs[i];
	return c->ptrs[0];
}

static enum match
ptr_match(struct spf_ctx *c, const char *target)
{
	size_t i;

	validate_ptrs(c);
	for (i = 0; i < c->nptrs; i++)
		if (under(c->ptrs[i], target))
			return M_YES;
	return M_NO;
}

static enum match
exists_match(struct spf_ctx *c, const struct where *w, const char *name)
{
	const struct aa_answer *ans = spf_query(c, name, AA_TYPE_A);

	/* RFC 7208 5.7: an A query whatever the client's family. */
	if (ans == NULL)
		return M_NO;
	if (aa_rcode_temporary(ans->rcode))
		return temp(c, w, name, AA_TYPE_A, ans);
	if (!count_void(c, ans))
		return void_over(c, w, name);
	return ans->nrr > 0 ? M_YES : M_NO;
}

static enum aa_spf_result check_host_depth(struct spf_ctx *, const char *,
    const struct where *);

static bool
limit_over(struct spf_ctx *c, const struct where *w)
{
	/* RFC 7208 4.6.4: the term that exceeds is counted (11). */
	if (++c->lookups <= AA_SPF_LOOKUP_LIMIT)
		return false;
	c->exceeded_term = w->term;
	c->exceeded_domain = w->domain;
	c->problem = aa_arena_printf(c->a, "lookup %d at '%s' in %s",
	    c->lookups, w->term, w->domain);
	spf_note(c, AA_F_SPF_TOO_MANY_LOOKUPS, w->domain, w->file, w->line,
	    "%s: '%s' is DNS-querying term %d of at most %d", w->domain,
	    w->term, c->lookups, AA_SPF_LOOKUP_LIMIT);
	c->have_cause = true;
	return true;
}

static enum match
include_match(struct spf_ctx *c, const struct where *w, const char *target)
{
	enum aa_spf_result r;

	r = check_host_depth(c, target, w);
	/* RFC 7208 5.2: an included fail is no match, not our fail. */
	c->exp_rec = NULL;
	if (r != AA_SPF_PASS)
		c->matched_term = c->matched_domain = NULL;
	switch (r) {
	case AA_SPF_PASS:
		return M_YES;
	case AA_SPF_TEMPERROR:
		return M_TEMP;
	case AA_SPF_PERMERROR:
		return M_PERM;
	case AA_SPF_NONE:
		c->problem = aa_arena_printf(c->a, "include:%s has no record",
		    target);
		spf_note(c, AA_F_SPF_INCLUDE_NONE, w->domain, w->file, w->line,
		    "%s: '%s': %s publishes no SPF record", w->domain, w->term,
		    target);
		c->have_cause = true;
		return M_PERM;
	default:
		return M_NO;
	}
}

/* The target of w's term (mechanism or redirect); NULL: permerror. */
static const char *
term_target(struct spf_ctx *c, const struct where *w)
{
	const char *target;

	c->cur_domain = w->domain;
	if ((target = spf_target(c, w->r, w->t, w->domain, NULL)) != NULL)
		return target;
	c->problem = aa_arena_printf(c->a, "'%s' does not expand", w->term);
	spf_note(c, AA_F_SPF_SYNTAX, w->domain, w->file, w->line, "%s: '%s' "
	    "expands to more than the macro cap", w->domain, w->term);
	c->have_cause = true;
	return NULL;
}

static enum match
mechanism(struct spf_ctx *c, const struct where *w)
{
	const struct aa_spf_pterm *t = w->t;
	const char *target = NULL;

	if (t->dns && limit_over(c, w))
		return M_PERM;
	if (t->kind != AA_SPF_ALL && t->kind != AA_SPF_IP4 &&
	    t->kind != AA_SPF_IP6 && (target = term_target(c, w)) == NULL)
		return M_PERM;
	switch (t->kind) {
	case AA_SPF_ALL:
		return M_YES;
	case AA_SPF_IP4:
		return c->family == 4 && prefix_match(t->addr, c->ip,
		    t->cidr4 < 0 ? 32 : t->cidr4) ? M_YES : M_NO;
	case AA_SPF_IP6:
		return c->family == 6 && prefix_match(t->addr, c->ip,
		    t->cidr6 < 0 ? 128 : t->cidr6) ? M_YES : M_NO;
	case AA_SPF_A:
		return addr_match(c, w, target, t->cidr4, t->cidr6);
	case AA_SPF_MX:
		return mx_match(c, w, target, t->cidr4, t->cidr6);
	case AA_SPF_PTR:
		return ptr_match(c, target);
	case AA_SPF_EXISTS:
		return exists_match(c, w, target);
	case AA_SPF_INCLUDE:
		return include_match(c, w, target);
	default:
		return M_NO;
	}
}

static enum aa_spf_result
qualifier_result(char q)
{
	switch (q) {
	case '-':
		return AA_SPF_FAIL;
	case '~':
		return AA_SPF_SOFTFAIL;
	case '?':
		return AA_SPF_NEUTRAL;
	default:
		return AA_SPF_PASS;
	}
}

static enum aa_spf_result
redirect(struct spf_ctx *c, const struct where *w)
{
	enum aa_spf_result r;
	const char *target;

	if (limit_over(c, w) || (target = term_target(c, w)) == NULL)
		return AA_SPF_PERMERROR;
	r = check_host_depth(c, target, w);
	/* RFC 7208 6.1: a redirect to a domain without a record. */
	if (r == AA_SPF_NONE) {
		c->problem = aa_arena_printf(c->a, "redirect=%s has no record",
		    target);
		spf_note(c, AA_F_SPF_INCLUDE_NONE, w->domain, w->file, w->line,
		    "%s: '%s': %s publishes no SPF record", w->domain, w->term,
		    target);
		c->have_cause = true;
		return AA_SPF_PERMERROR;
	}
	return r;
}

static enum aa_spf_result
evaluate_record(struct spf_ctx *c, const char *domain,
    const struct spf_fetched *f)
{
	const struct aa_spf_record *r = f->rec;
	struct where w;
	enum match m;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.domain = domain;
	w.file = f->file;
	w.line = f->line;
	for (i = 0; i < r->nterms; i++) {
		w.t = &r->terms[i];
		if (w.t->qualifier == 0)
			continue;
		w.term = spf_term_text(c, r, w.t);
		m = mechanism(c, &w);
		if (m == M_TEMP || m == M_PERM) {
			c->matched_term = c->matched_domain = NULL;
			return m == M_TEMP ? AA_SPF_TEMPERROR :
			    AA_SPF_PERMERROR;
		}
		if (m == M_YES) {
			c->matched_term = w.term;
			c->matched_domain = domain;
			c->matched_file = f->file;
			c->matched_line = f->line;
			if (w.t->qualifier == '-') {
				c->exp_rec = r;
				c->exp_domain = domain;
			}
			return qualifier_result(w.t->qualifier);
		}
	}
	/* RFC 7208 6.1: redirect only when no mechanism matched, no all. */
	if (r->redirect >= 0 && !r->has_all) {
		w.t = &r->terms[r->redirect];
		w.term = spf_term_text(c, r, w.t);
		return redirect(c, &w);
	}
	return AA_SPF_NEUTRAL;
}

static enum aa_spf_result
check_host_depth(struct spf_ctx *c, const char *domain,
    const struct where *from)
{
	struct spf_fetched f;
	enum aa_spf_result r;
	int i;

	if (!spf_domain_valid(domain))
		return AA_SPF_NONE;
	for (i = 0; i < c->depth && !c->loop_noted; i++)
		if (from != NULL && strcasecmp(c->path[i], domain) == 0) {
			c->loop_noted = true;
			spf_note(c, AA_F_SPF_INCLUDE_LOOP, from->domain,
			    from->file, from->line, "%s: '%s' leads back to "
			    "%s", from->domain, from->term, domain);
			break;
		}
	if (c->depth >= AA_SPF_MAX_DEPTH) {
		c->problem = aa_arena_printf(c->a, "nesting over %d at %s",
		    AA_SPF_MAX_DEPTH, domain);
		return AA_SPF_PERMERROR;
	}
	spf_fetch(c, domain, &f);
	if (!f.ok) {
		if (f.result != AA_SPF_NONE)
			c->have_cause = true;
		return f.result;
	}
	c->path[c->depth++] = aa_arena_strdup(c->a, domain);
	r = evaluate_record(c, domain, &f);
	c->depth--;
	return r;
}

enum aa_spf_result
spf_check_host(struct spf_ctx *c, const char *domain)
{
	return check_host_depth(c, domain, NULL);
}

/*
 * RFC 7208 6.2: the exp= text of the record whose fail term matched,
 * macro-expanded; any problem gives the default explanation.
 */
static const char *
explain(struct spf_ctx *c)
{
	const struct aa_spf_record *r = c->exp_rec;
	struct aa_spf_macro_env env;
	const struct aa_answer *ans;
	const char *target, *text = NULL;
	char *out;
	size_t outlen, bad, i, n = 0;

	if (r != NULL && r->exp >= 0) {
		c->cur_domain = c->exp_domain;
		target = spf_target(c, r, &r->terms[r->exp], c->exp_domain,
		    NULL);
		ans = target != NULL ? spf_query(c, target, AA_TYPE_TXT) :
		    NULL;
		if (ans != NULL) {
			c->conservative++;
			for (i = 0; i < ans->nrr; i++)
				if (ans->rr[i].type == AA_TYPE_TXT)
					n++;
		}
		if (n == 1) {
			for (i = 0; ans->rr[i].type != AA_TYPE_TXT; i++)
				;
			macro_env(c, c->exp_domain, &env);
			if (aa_spf_macro_expand((const char *)
			    ans->rr[i].joined.data, ans->rr[i].joined.len,
			    true, &env, &out, &outlen, &bad) == AA_OK) {
				text = aa_arena_strdup(c->a, out);
				free(out);
			}
		}
	}
	if (text == NULL && c->default_exp != NULL) {
		macro_env(c, c->exp_domain != NULL ? c->exp_domain :
		    c->sender_domain, &env);
		if (aa_spf_macro_expand(c->default_exp, strlen(c->default_exp),
		    true, &env, &out, &outlen, &bad) == AA_OK) {
			text = aa_arena_strdup(c->a, out);
			free(out);
		} else
			text = c->default_exp;
	}
	return text;
}

bool
spf_ctx_client(struct spf_ctx *c, const char *ip, const char *helo,
    const char *mail_from)
{
	if (ip == NULL || !spf_parse_ip(ip, c->ip, &c->family))
		return false;
	spf_set_sender(c, mail_from, helo);
	return true;
}

/* One evaluation in c, with the explanation on fail. */
enum aa_spf_result
spf_run(struct spf_ctx *c, const char *domain)
{
	enum aa_spf_result r = spf_check_host(c, domain);

	if (r == AA_SPF_FAIL)
		c->explanation = explain(c);
	return r;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? aa_xstrdup(s) : NULL;
}

enum aa_status
aa_spf_evaluate(struct aa_dns *dns, const struct aa_spf_query *q,
    struct aa_spf_outcome *out)
{
	struct spf_ctx c;
	const char *domain;

	memset(out, 0, sizeof(*out));
	spf_ctx_init(&c, dns);
	if (!spf_ctx_client(&c, q->ip, q->helo, q->mail_from)) {
		spf_ctx_free(&c);
		return AA_EINVAL;
	}
	c.receiver = q->receiver;
	c.now = q->now;
	c.default_exp = q->default_exp;
	domain = q->domain != NULL ? q->domain : c.sender_domain;
	out->result = spf_run(&c, domain);
	out->explanation = dup_or_null(c.explanation);
	out->matched_term = dup_or_null(c.matched_term);
	out->matched_domain = dup_or_null(c.matched_domain);
	out->lookups = c.lookups;
	out->voids = c.voids;
	out->exceeded_term = dup_or_null(c.exceeded_term);
	out->exceeded_domain = dup_or_null(c.exceeded_domain);
	out->problem = dup_or_null(c.problem);
	spf_ctx_free(&c);
	return AA_OK;
}

void
aa_spf_outcome_clear(struct aa_spf_outcome *o)
{
	free(o->explanation);
	free(o->matched_term);
	free(o->matched_domain);
	free(o->exceeded_term);
	free(o->exceeded_domain);
	free(o->problem);
	memset(o, 0, sizeof(*o));
}
