/*
 * render_text.c: the human report, for a terminal opts->width columns wide
 * (default 80).  One static function per section; each prints whatever of
 * its section is not null.  Every string from the report goes through
 * clean() before it is written: a control character in a DNS record or
 * a mail header must not be able to drive the terminal.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aa_bounce.h"
#include "aa_render.h"

#define DEFAULT_WIDTH	80
#define MIN_WIDTH	40
#define LABEL_COLS	14	/* label column of "label  value" fields */
#define MIN_CUT		12	/* cut a long word only with this much room */
#define MAX_TREE_DEPTH	64	/* a cycle guard; the walker caps depth */

#define SGR_RED		"\033[31m"
#define SGR_YELLOW	"\033[33m"
#define SGR_DIM		"\033[2m"
#define SGR_RESET	"\033[0m"

struct out {
	FILE		*fp;
	size_t		 width;
	bool		 color;
	struct aa_arena	*arena;		/* scratch strings of one rendering */
};

static const char *fmt(struct out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));


/* TAB, CR and LF become spaces; other C0 controls and DEL \DDD. */
static const char *
esc_terminal(unsigned char c, char *tmp)
{
	if (c == '\t' || c == '\n' || c == '\r')
		return " ";
	return aa_render_control(c, tmp);
}

/*
 * A copy of s safe for a terminal (aa_render_safe): controls as
 * esc_terminal says, C1 controls and ill-formed UTF-8 as U+FFFD.
 */
static char *
clean(struct out *o, const char *s)
{
	return aa_render_safe(o->arena, s, esc_terminal);
}

/* Columns of n octets of clean UTF-8: one per code point. */
static size_t
cols(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static void
newline(struct out *o, size_t hang)
{
	fprintf(o->fp, "\n%*s", (int)hang, "");
}

/* Write n octets of w from column col, cut at the width; the new column. */
static size_t
put_word(struct out *o, const char *w, size_t n, size_t col, size_t hang)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		if (col >= o->width) {
			newline(o, hang);
			col = hang;
		}
		for (k = 1; i + k < n && ((unsigned char)w[i + k] & 0xC0) ==
		    0x80; k++)
			continue;
		fwrite(w + i, 1, k, o->fp);
		col++;
	}
	return col;
}

/*
 * Write text from column col (the caller wrote what precedes it) and end
 * the line.  Lines break between words, dropping the spaces there, and
 * continue at column hang; a word longer than a line is cut.
 */
static void
wrap(struct out *o, size_t col, size_t hang, const char *text)
{
	const char *p = clean(o, text != NULL ? text : ""), *w;
	size_t sp, n, wc;
	bool fresh = true;

	if (hang > o->width / 2)
		hang = o->width / 2;
	while (*p != '\0') {
		for (sp = 0; p[sp] == ' '; sp++)
			continue;
		if (p[sp] == '\0')
			break;
		w = p + sp;
		for (n = 0; w[n] != '\0' && w[n] != ' '; n++)
			continue;
		wc = cols(w, n);
		if (fresh)
			sp = 0;
		if (col > hang && col + sp + wc > o->width &&
		    (wc <= o->width - hang || col + sp + MIN_CUT > o->width)) {
			newline(o, hang);
			col = hang;
		} else if (sp > 0) {
			fwrite(p, 1, sp, o->fp);
			col += sp;
		}
		col = put_word(o, w, n, col, hang);
		fresh = false;
		p = w + n;
	}
	fputc('\n', o->fp);
}

/* A line of text at indent, continuing at indent + hang. */
static void
line(struct out *o, size_t indent, size_t hang, const char *text)
{
	fprintf(o->fp, "%*s", (int)indent, "");
	wrap(o, indent, indent + hang, text);
}

/* A blank line, then a section heading. */
static void
heading(struct out *o, const char *text)
{
	fputc('\n', o->fp);
	line(o, 0, 2, text);
}

/* "label         value", the value wrapped under itself; none if NULL. */
static void
field(struct out *o, size_t indent, const char *label, const char *value)
{
	size_t n;

	if (value == NULL)
		return;
	label = clean(o, label);
	n = cols(label, strlen(label));
	/* One text, so that wrap() may move the value under the label. */
	line(o, indent, LABEL_COLS, fmt(o, "%s%*s%s", label,
	    (int)(n < LABEL_COLS ? LABEL_COLS - n : 1), "", value));
}

static const char *
fmt(struct out *o, const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = aa_arena_vprintf(o->arena, f, ap);
	va_end(ap);
	return s;
}

static const char *
num(struct out *o, struct aa_int i)
{
	return i.set ? fmt(o, "%lld", i.v) : NULL;
}

static const char *
tri(enum aa_tri t)
{
	return t == AA_TRI_NULL ? NULL : t == AA_TRI_TRUE ? "yes" : "no";
}

/* "label value", or NULL when value is NULL. */
static const char *
lab(struct out *o, const char *label, const char *value)
{
	return value == NULL ? NULL : fmt(o, "%s %s", label, value);
}

/* The n strings that are not NULL, joined by sep; NULL if none is. */
static const char *
join(struct out *o, const char *sep, int n, ...)
{
	const char *s, *acc = NULL;
	va_list ap;

	va_start(ap, n);
	while (n-- > 0) {
		if ((s = va_arg(ap, const char *)) == NULL)
			continue;
		acc = acc == NULL ? s : fmt(o, "%s%s%s", acc, sep, s);
	}
	va_end(ap);
	return acc;
}

static const char *
strvec(struct out *o, const struct aa_strvec *sv, const char *sep)
{
	const char *acc = NULL;
	size_t i;

	for (i = 0; i < sv->n; i++)
		acc = acc == NULL ? sv->v[i] : fmt(o, "%s%s%s", acc, sep,
		    sv->v[i]);
	return acc;
}

/* Seconds since the epoch, with the UTC date for a reader. */
static const char *
when(struct out *o, struct aa_int t)
{
	time_t tt;
	struct tm tm;
	char buf[32];

	if (!t.set)
		return NULL;
	tt = (time_t)t.v;
	if ((long long)tt != t.v || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return num(o, t);
	return fmt(o, "%lld (%s UTC)", t.v, buf);
}

/* Whether the report's command is one of the space-separated words. */
static bool
applies(const struct aa_report *rep, const char *commands)
{
	size_t n;

	if (rep->command == NULL)
		return false;
	n = strlen(rep->command);
	for (; *commands != '\0'; commands += strcspn(commands, " ")) {
		commands += strspn(commands, " ");
		if (strncmp(commands, rep->command, n) == 0 &&
		    (commands[n] == ' ' || commands[n] == '\0'))
			return true;
	}
	return false;
}

/* A section the command has but the report leaves null. */
static void
not_evaluated(struct out *o, const char *section, const char *what)
{
	heading(o, fmt(o, "%s: not evaluated (this version does not "
	    "implement %s yet)", section, what));
}

/* A fix's record as a zone line would show it (TXT quoted). */
static const char *
fix_record(struct out *o, const struct aa_record_out *r)
{
	bool txt = r->type != NULL && strcmp(r->type, "TXT") == 0;

	return fmt(o, "%s %s %s%s%s", r->name != NULL ? r->name : "?",
	    r->type != NULL ? r->type : "?", txt ? "\"" : "",
	    r->value != NULL ? r->value : "", txt ? "\"" : "");
}

/*
 * The first screen answers the question (issue 7): the likely reply of
 * each receiver, then the fixes in order.  The details follow in the
 * verdict section.
 */
static void
render_answer(struct out *o, const struct aa_verdict *v)
{
	const struct aa_receiver_out *r;
	const struct aa_fix *f;
	size_t i;

	if (v->receivers.n > 0)
		line(o, 2, 2, "likely replies (receivers decide; see verdict "
		    "below for alternatives)");
	for (i = 0; i < v->receivers.n; i++) {
		r = &v->receivers.v[i];
		if (r->likely)
			field(o, 4, r->name != NULL ? r->name : "?", join(o, " ",
			    3, r->outcome, num(o, r->code), r->enhanced));
	}
	if (v->fixes.n > 0)
		line(o, 2, 2, "fixes, in order");
	for (i = 0; i < v->fixes.n; i++) {
		f = &v->fixes.v[i];
		line(o, 4, 3, fmt(o, "%zu. %s", i + 1, f->text != NULL ?
		    f->text : ""));
		if (f->record != NULL)
			line(o, 7, 4, fix_record(o, f->record));
	}
}

/*
 * The first line names the cause and the likely reply (the verdict's
 * summary), then the command and what it looked at.
 */
static void
render_head(struct out *o, const struct aa_report *rep)
{
	const struct aa_input *in = rep->input;
	const struct aa_verdict *v = rep->verdict;
	const char *subject = NULL;

	if (v != NULL && v->summary != NULL)
		line(o, 0, 2, v->summary);
	if (rep->dns != NULL && applies(rep, "dns"))
		subject = join(o, " ", 2, rep->dns->name, rep->dns->type);
	else if (in != NULL && applies(rep, "message"))
		subject = in->from_domain;
	else if (in != NULL)
		subject = in->domain;
	if (subject == NULL && rep->spf != NULL)
		subject = rep->spf->domain;
	line(o, 0, 4, join(o, ": ", 2, fmt(o, "authaudit %s",
	    rep->command != NULL ? rep->command : "report"), subject));
	if (v != NULL)
		render_answer(o, v);
}

/*
 * An input value and where it came from (design.md 3a).  The Reporting-MTA's
 * address is only a guess at the client the receiver saw: say so.
 */
static const char *
sourced(struct out *o, const char *value, const char *source)
{
	if (value == NULL || source == NULL)
		return value;
	if (strcmp(source, "dsn-reporting-mta") == 0)
		return fmt(o, "%s (from %s, a guess)", value, source);
	return fmt(o, "%s (from %s)", value, source);
}

/* What the bounce gave back, and what that means for the checks. */
static const char *
returned(const struct aa_bounce *b)
{
	if (b->returned == NULL)
		return "nothing: the message itself cannot be checked";
	if (strcmp(b->returned, "headers") == 0)
		return "headers only: DKIM body hashes cannot be checked";
	return b->returned;
}

static void
render_bounce(struct out *o, const struct aa_bounce *b)
{
	const struct aa_bounce_recipient *r;
	size_t i;

	line(o, 2, 2, b->recipients.n == 1 ? "bounce: 1 recipient" :
	    fmt(o, "bounce: %zu recipients", b->recipients.n));
	field(o, 4, "reporting mta", b->reporting_mta);
	field(o, 4, "remote mta", b->remote_mta);
	field(o, 4, "returned", returned(b));
	for (i = 0; i < b->recipients.n; i++) {
		r = &b->recipients.v[i];
		field(o, 4, "recipient", join(o, ", ", 6, r->recipient != NULL ?
		    r->recipient : "(not named)", r->action, r->status,
		    lab(o, "code", num(o, r->code)),
		    lab(o, "provider", r->provider),
		    lab(o, "class", r->class_)));
		field(o, 6, "reply", r->diagnostic);
	}
}

static void
render_input(struct out *o, const struct aa_report *rep)
{
	const struct aa_input *in = rep->input;
	const char *mail_from;

	if (in == NULL)
		return;
	mail_from = in->mail_from;
	/* RFC 5321 4.5.5: the null reverse-path. */
	if (mail_from != NULL && *mail_from == '\0')
		mail_from = "<>";
	heading(o, "input");
	field(o, 2, "domain", in->domain);
	field(o, 2, "ip", sourced(o, in->ip, in->sources.ip));
	field(o, 2, "helo", sourced(o, in->helo, in->sources.helo));
	field(o, 2, "mail from", sourced(o, mail_from, in->sources.mail_from));
	field(o, 2, "from domain", in->from_domain);
	if (in->from_domains.n > 1)
		field(o, 2, "from domains", strvec(o, &in->from_domains, ", "));
	if (in->bounce != NULL)
		render_bounce(o, in->bounce);
	if (in->domain == NULL && in->ip == NULL && in->helo == NULL &&
	    mail_from == NULL && in->from_domain == NULL && in->bounce == NULL)
		line(o, 2, 2, "nothing known yet (see --ip, --helo, --mail-from)");
}

/*
 * RFC 3464 2.3.3: delivered, relayed and expanded report no failure; as
 * bounce.c's failed_action() (any case), which aa_bounce.h does not export.
 */
static bool
reports_failure(const char *action)
{
	return action == NULL || (strcasecmp(action, "delivered") != 0 &&
	    strcasecmp(action, "relayed") != 0 &&
	    strcasecmp(action, "expanded") != 0);
}

/*
 * The bounce's replies read as the classes: for each recipient,
 * whether it is an authentication problem at all, what the reply means,
 * the fix path and whether a retry as-is can succeed.  The heading names
 * the class that matters most (aa_bounce_main).
 */
static void
render_bounce_classes(struct out *o, const struct aa_report *rep)
{
	const struct aa_bounce *b;
	const struct aa_bounce_recipient *r;
	const struct aa_bounce_class *top, *info;
	struct aa_bounce_result res;
	const char *what, *codes;
	size_t i;

	if (rep->input == NULL || (b = rep->input->bounce) == NULL)
		return;
	top = aa_bounce_main(b, NULL);
	heading(o, fmt(o, "bounce: %s", top != NULL ? top->headline :
	    "no reply could be classified"));
	for (i = 0; i < b->recipients.n; i++) {
		r = &b->recipients.v[i];
		aa_bounce_recipient_explain(r, &res);
		info = res.class_ != NULL ? aa_bounce_class_info(res.class_) :
		    NULL;
		what = info != NULL ? info->headline :
		    reports_failure(r->action) ? "not classified" :
		    "no failure reported";
		codes = join(o, " ", 2, res.code != 0 ?
		    num(o, AA_INT(res.code)) : NULL, res.enhanced[0] != '\0' ?
		    res.enhanced : NULL);
		line(o, 2, 4, fmt(o, "%s: %s", r->recipient != NULL ?
		    r->recipient : "(recipient unknown)", join(o, " ", 2, what,
		    codes != NULL ? fmt(o, "(%s)", codes) : NULL)));
		if (res.class_ == NULL)
			continue;
		field(o, 4, "meaning", res.meaning);
		field(o, 4, "fix", info != NULL ? info->fix : NULL);
		field(o, 4, "retry as-is", aa_bounce_retry(res.permanent,
		    res.class_));
	}
}

static void
render_dns(struct out *o, const struct aa_report *rep)
{
	const struct aa_dns_section *d = rep->dns;
	const struct aa_dns_answer_out *a;
	const char *pre;
	size_t i;

	if (d == NULL) {
		if (applies(rep, "dns"))
			heading(o, "dns: no answer recorded");
		return;
	}
	heading(o, join(o, " ", 3, "dns:", d->name, d->type));
	field(o, 2, "rcode", d->rcode);
	field(o, 2, "source", join(o, " ", 2, d->source, d->origin));
	field(o, 2, "time", fmt(o, "%lld ms", d->ms));
	if (d->cname_chain.n > 0)
		field(o, 2, "cname chain", fmt(o, "%s -> %s",
		    d->name != NULL ? d->name : "?",
		    strvec(o, &d->cname_chain, " -> ")));
	field(o, 2, "answers", fmt(o, "%zu", d->answers.n));
	for (i = 0; i < d->answers.n; i++) {
		a = &d->answers.v[i];
		pre = clean(o, fmt(o, "%s %lld ", a->type != NULL ? a->type :
		    "?", a->ttl));
		fprintf(o->fp, "    %s", pre);
		wrap(o, 4 + cols(pre, strlen(pre)), 4 + cols(pre, strlen(pre)),
		    a->data != NULL ? a->data : "");
	}
}

/* SPF text from DNS can be kilobytes: show its start and its size. */
static const char *
spf_short(struct out *o, const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) <= 160)
		return s;
	return fmt(o, "%.120s... (%zu octets)", s, n);
}

/* One node of the include tree, its terms and their subtrees. */
static void
render_spf_tree(struct out *o, const struct aa_spf_tree *t, size_t depth)
{
	const struct aa_spf_term *term;
	size_t i, ind = 4 + 4 * depth;

	if (ind > o->width / 2)
		ind = o->width / 2;
	line(o, ind, 4, join(o, "  ", 2, t->domain != NULL ? t->domain :
	    "?", t->record == NULL ? "(no usable SPF record)" : fmt(o,
	    "(own lookups %lld, with includes %lld, void %lld)",
	    t->lookups, t->lookups_subtree, t->void_)));
	if (t->terms.n == 0 && t->record != NULL)
		line(o, ind + 2, 4, spf_short(o, t->record));
	for (i = 0; i < t->terms.n; i++) {
		term = &t->terms.v[i];
		line(o, ind + 2, 4, join(o, "  ", 2, term->term != NULL ?
		    spf_short(o, term->term) : "?", term->lookups ||
		    term->void_ ? fmt(o, "(lookup %lld%s)", term->lookups,
		    term->void_ > 0 ? fmt(o, ", void %lld", term->void_) :
		    "") : NULL));
		if (term->child != NULL && depth < MAX_TREE_DEPTH)
			render_spf_tree(o, term->child, depth + 1);
	}
}

static const char *
term_domain(struct out *o, const struct aa_term_domain *td)
{
	if (td == NULL)
		return NULL;
	return join(o, " ", 2, spf_short(o, td->term), td->domain != NULL ?
	    fmt(o, "(in %s)", td->domain) : NULL);
}

/* "11 of 10 (1 over)" or "6 of 10 (headroom 4)". */
static const char *
spf_budget(struct out *o, struct aa_int n, int limit)
{
	if (!n.set)
		return NULL;
	return fmt(o, "%lld of %d (%s %lld)", n.v, limit, n.v > limit ?
	    "over by" : "headroom", n.v > limit ? n.v - limit : limit - n.v);
}

static void
render_spf(struct out *o, const struct aa_report *rep)
{
	const struct aa_spf_report *s = rep->spf;
	const struct aa_spf_libspf2 *l;
	bool worst;

	if (s == NULL) {
		if (applies(rep, "domain message spf"))
			not_evaluated(o, "spf", "the SPF checks");
		return;
	}
	worst = s->lookups.mode != NULL &&
	    strcmp(s->lookups.mode, "worst-case") == 0;
	heading(o, join(o, " ", 2, "spf:", s->domain));
	field(o, 2, "record", spf_short(o, s->record));
	field(o, 2, "result", s->result);
	field(o, 2, "explanation", s->explanation);
	field(o, 2, "helo result", s->helo_result);
	field(o, 2, "matched", term_domain(o, s->matched));
	field(o, 2, "lookups", join(o, ", ", 2, spf_budget(o,
	    s->lookups.count, AA_SPF_LOOKUP_LIMIT), worst ?
	    "worst case over IPv4 and IPv6 clients" : s->lookups.mode));
	field(o, 2, "void lookups", spf_budget(o, s->lookups.void_,
	    AA_SPF_VOID_LIMIT));
	field(o, 2, "conservative", s->lookups.conservative.set ? fmt(o,
	    "%lld (the count other tools show: with MX/PTR address lookups "
	    "and exp)", s->lookups.conservative.v) : NULL);
	field(o, 2, "exceeded at", term_domain(o, s->lookups.exceeded_at));
	if ((l = s->libspf2) != NULL)
		field(o, 2, "libspf2", l->crashed == AA_TRI_TRUE ?
		    join(o, ": ", 2, "crashed",
		    l->note) : join(o, ", ", 3, l->result,
		    l->agrees == AA_TRI_NULL ? NULL : l->agrees == AA_TRI_TRUE ?
		    "agrees" : "disagrees (what Exim would say)", l->note));
	if (s->tree != NULL) {
		line(o, 2, 2, worst ? "tree (every term counted as if "
		    "none matched before it)" : "tree (worst case)");
		render_spf_tree(o, s->tree, 0);
	}
}

/*
 * One DKIM signature (message) or key (domain): the verdict and its cause
 * in plain words on the first line, the facts below.
 */
static void
render_dkim_sig(struct out *o, const struct aa_dkim_sig *g, size_t n,
    bool key)
{
	const struct aa_finding_info *e = g->error != NULL ?
	    aa_finding_by_id(g->error) : NULL;

	if (key)
		line(o, 2, 4, join(o, " ", 3, fmt(o, "key %zu:", n),
		    fmt(o, "%s._domainkey.%s", g->selector != NULL ?
		    g->selector : "?", g->domain != NULL ? g->domain : "?"),
		    g->guessed ? "(guessed selector)" : NULL));
	else
		line(o, 2, 4, join(o, " ", 4, fmt(o, "signature %zu:", n),
		    g->result != NULL ? g->result : "not verified",
		    g->domain != NULL ? fmt(o, "d=%s", g->domain) : NULL,
		    g->selector != NULL ? fmt(o, "s=%s", g->selector) :
		    NULL));
	/* A valid key too long for libopendkim (dkim_verify.c). */
	if (e != NULL && e->code == AA_F_DKIM_KEY_TOO_LARGE &&
	    g->key_bits.set && g->key_bits.v <= 8192)
		field(o, 4, "cause", fmt(o, "the key record is longer than the "
		    "1024 octets OpenDKIM reads (%s)", g->error));
	else if (g->error != NULL)
		field(o, 4, "cause", e != NULL ? fmt(o, "%s (%s)", e->summary,
		    g->error) : g->error);
	field(o, 4, "algorithm", g->algorithm);
	field(o, 4, "canonical", g->canonicalization);
	field(o, 4, "identity", g->identity);
	field(o, 4, "timestamp", when(o, g->timestamp));
	field(o, 4, "expiration", when(o, g->expiration));
	field(o, 4, "key", join(o, ", ", 3, g->key_bits.set ?
	    fmt(o, "%lld bits", g->key_bits.v) : NULL,
	    lab(o, "flags", g->key_flags), g->testing == AA_TRI_TRUE ?
	    "testing (t=y)" : NULL));
	field(o, 4, "aligned", tri(g->aligned));
	field(o, 4, "signed", strvec(o, &g->headers_signed, ":"));
	field(o, 4, "body length", g->body_length.set ? fmt(o, "%lld octets "
	    "(l=; the rest of the body is unsigned)", g->body_length.v) :
	    NULL);
}

static void
render_dkim(struct out *o, const struct aa_report *rep)
{
	const struct aa_dkim_report *d = rep->dkim;
	bool key = rep->command != NULL && strcmp(rep->command, "domain") == 0;
	size_t i;

	/* A signature has a result; a key linted by `domain` has none. */
	for (i = 0; d != NULL && i < d->signatures.n; i++)
		if (d->signatures.v[i].result != NULL)
			key = false;

	if (d == NULL) {
		if (applies(rep, "domain message"))
			not_evaluated(o, "dkim", "the DKIM checks");
		return;
	}
	if (key)
		heading(o, d->signatures.n == 0 ? "dkim: no key found (give "
		    "the selector with -s)" : fmt(o, "dkim: %zu key%s",
		    d->signatures.n, d->signatures.n == 1 ? "" : "s"));
	else
		heading(o, fmt(o, "dkim: %zu signature%s", d->signatures.n,
		    d->signatures.n == 1 ? "" : "s"));
	for (i = 0; i < d->signatures.n; i++)
		render_dkim_sig(o, &d->signatures.v[i], i + 1, key);
}

/* "tag=value", or NULL when value is NULL. */
static const char *
dmarc_tag(struct out *o, const char *tag, const char *value)
{
	return value == NULL ? NULL : fmt(o, "%s=%s", tag, value);
}

/* Did a temporary failure keep the DMARC record from being found? */
static bool
dmarc_discovery_failed(const struct aa_report *rep)
{
	size_t i;

	for (i = 0; i < rep->findings.n; i++)
		if (rep->findings.v[i].code == AA_F_DMARC_TEMPERROR &&
		    rep->dmarc->from_domain != NULL &&
		    strcmp(rep->findings.v[i].subject,
		    rep->dmarc->from_domain) == 0)
			return true;
	return false;
}

/* What RFC 9989 receivers and libopendmarc make of the same mail. */
static void
render_dmarc_others(struct out *o, const struct aa_report *rep)
{
	const struct aa_dmarc_report *d = rep->dmarc;
	const struct aa_dmarc_rfc9989 *r = d->rfc9989;
	const struct aa_dmarc_opendmarc *od = d->opendmarc;

	if (r != NULL)
		field(o, 2, "rfc 9989", join(o, ", ", 4, r->result,
		    lab(o, "disposition", r->disposition),
		    r->record_domain != NULL ? fmt(o, "record at _dmarc.%s",
		    r->record_domain) : dmarc_discovery_failed(rep) ?
		    "record unknown" : "no record",
		    lab(o, "org domain", r->org_domain)));
	if (od != NULL)
		field(o, 2, "opendmarc", join(o, ", ", 4, od->result,
		    lab(o, "disposition", od->disposition),
		    od->agrees == AA_TRI_NULL ? NULL :
		    od->agrees == AA_TRI_TRUE ? "agrees" : "DISAGREES",
		    od->note));
}

/*
 * The DMARC section: where the record was found (the author domain or
 * its organizational domain), the tags as published with the one that
 * applies, and the outcome under RFC 7489, RFC 9989 and libopendmarc.
 */
static void
render_dmarc(struct out *o, const struct aa_report *rep)
{
	const struct aa_dmarc_report *d = rep->dmarc;
	bool evaluated;

	if (d == NULL) {
		if (applies(rep, "domain message"))
			not_evaluated(o, "dmarc", "the DMARC checks");
		return;
	}
	evaluated = d->spf_aligned != AA_TRI_NULL ||
	    d->dkim_aligned != AA_TRI_NULL || d->result != NULL;
	heading(o, join(o, " ", 2, "dmarc:", d->from_domain));
	if (d->record_domain != NULL)
		field(o, 2, "record at", fmt(o, "_dmarc.%s%s",
		    d->record_domain, d->from_domain != NULL &&
		    strcmp(d->record_domain, d->from_domain) != 0 ?
		    " (the organizational domain's)" : ""));
	else if (d->from_domain != NULL)
		field(o, 2, "record at", dmarc_discovery_failed(rep) ?
		    "unknown (a temporary DNS failure)" : "none");
	field(o, 2, "record", d->record_domain != NULL && d->record == NULL ?
	    "several records start with v=DMARC1: none applies" : d->record);
	field(o, 2, "org domain", join(o, ", ", 2, d->org_domain_psl != NULL ?
	    fmt(o, "%s (public suffix list)", d->org_domain_psl) : NULL,
	    d->org_domain_treewalk != NULL ? fmt(o, "%s (tree walk)",
	    d->org_domain_treewalk) : NULL));
	field(o, 2, "policy", join(o, "; ", 2, join(o, " ", 4,
	    dmarc_tag(o, "p", d->policy), dmarc_tag(o, "sp",
	    d->subdomain_policy), dmarc_tag(o, "np", d->np), dmarc_tag(o,
	    "pct", num(o, d->pct))), d->applied != NULL ? fmt(o, "%s applies",
	    d->applied) : NULL));
	if (d->record != NULL)
		field(o, 2, "alignment", fmt(o, "adkim=%s aspf=%s",
		    d->adkim != NULL ? d->adkim : "r (default)",
		    d->aspf != NULL ? d->aspf : "r (default)"));
	if (d->testing != AA_TRI_NULL)
		field(o, 2, "testing", d->testing == AA_TRI_TRUE ? "t=y "
		    "(RFC 9989 receivers lower the policy one level)" : "t=n");
	if (evaluated) {
		field(o, 2, "aligned pass", join(o, ", ", 2, lab(o, "spf",
		    tri(d->spf_aligned)), lab(o, "dkim",
		    tri(d->dkim_aligned))));
		field(o, 2, "result", join(o, ", ", 3, d->result != NULL ?
		    d->result : "undetermined", lab(o, "disposition",
		    d->disposition), lab(o, "sampled out",
		    d->disposition_sampled_out)));
	}
	render_dmarc_others(o, rep);
}

/* Every reply of every receiver, the likely one marked. */
static void
render_verdict_replies(struct out *o, const struct aa_verdict *v)
{
	const struct aa_receiver_out *r;
	size_t i;

	for (i = 0; i < v->receivers.n; i++) {
		r = &v->receivers.v[i];
		field(o, 2, r->name != NULL ? r->name : "?", join(o, " ", 5,
		    r->likely ? "likely" : "or", r->outcome, num(o, r->code),
		    r->enhanced, r->reply != NULL ? fmt(o, "\"%s\"",
		    r->reply) : NULL));
	}
}

/*
 * The verdict in detail: the top outcome and its cause (a finding id,
 * listed below), what `domain` assumed, and each receiver's replies with
 * the verbatim text it likely sends (receivers-and-threats.md §2).
 */
static void
render_verdict(struct out *o, const struct aa_report *rep)
{
	const struct aa_verdict *v = rep->verdict;
	bool wanted;

	if (v == NULL) {
		/* domain predicts a verdict only with --ip (design.md 1). */
		wanted = applies(rep, "message") || (applies(rep, "domain") &&
		    rep->input != NULL && rep->input->ip != NULL);
		if (wanted)
			not_evaluated(o, "verdict", "the receiver models");
		return;
	}
	heading(o, join(o, " ", 4, "verdict:", v->outcome, num(o, v->code),
	    v->enhanced));
	field(o, 2, "cause", v->cause);
	field(o, 2, "assumes", v->assumes);
	render_verdict_replies(o, v);
}

/* "label  before -> after", when either is known. */
static void
before_after(struct out *o, const char *label, const char *before,
    const char *after)
{
	if (before == NULL && after == NULL)
		return;
	field(o, 2, label, fmt(o, "%s -> %s", before != NULL ? before :
	    "none", after != NULL ? after : "none"));
}

/* What-if options: the changes, then each figure before and after. */
static void
render_whatif(struct out *o, const struct aa_report *rep)
{
	const struct aa_whatif *w = rep->whatif;
	const struct aa_spf_report *s = rep->spf;
	size_t i;

	if (w == NULL)
		return;
	heading(o, "what if");
	for (i = 0; i < w->changes.n; i++)
		field(o, 2, "change", w->changes.v[i]);
	before_after(o, "spf lookups", num(o, w->before.spf_lookups),
	    s != NULL ? num(o, s->lookups.count) : NULL);
	before_after(o, "spf result", w->before.spf_result, s != NULL ?
	    s->result : NULL);
	before_after(o, "disposition", w->before.dmarc_disposition,
	    rep->dmarc != NULL ? rep->dmarc->disposition : NULL);
	before_after(o, "outcome", w->before.outcome, rep->verdict != NULL ?
	    rep->verdict->outcome : NULL);
}

/* "  regression  finding dkim-key-not-found SUBJECT: none -> error" */
static void
render_changes(struct out *o, const char *label, const struct aa_change *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		line(o, 2, 4, join(o, " ", 2, fmt(o, "%-11s", label),
		    fmt(o, "%s: %s -> %s", join(o, " ", 3, v[i].what, v[i].id,
		    v[i].subject), v[i].before != NULL ? v[i].before : "none",
		    v[i].after != NULL ? v[i].after : "none")));
}

/* --baseline: regressions, then improvements; what is unchanged with -v. */
static void
render_baseline(struct out *o, const struct aa_report *rep, int verbose)
{
	const struct aa_baseline_out *b = rep->baseline;
	size_t n;

	if (b == NULL)
		return;
	n = b->regressions.n;
	heading(o, fmt(o, "baseline: %zu regression%s against %s (%zu "
	    "improved, %zu unchanged)", n, n == 1 ? "" : "s",
	    b->file != NULL ? b->file : "the baseline", b->improved.n,
	    b->unchanged.n));
	render_changes(o, "regression", b->regressions.v, n);
	render_changes(o, "improved", b->improved.v, b->improved.n);
	if (verbose)
		render_changes(o, "unchanged", b->unchanged.v,
		    b->unchanged.n);
}

/* "  error  spf-syntax  SUBJECT: message [RFC 7208 4.6] (file:line)" */
static void
render_finding(struct out *o, const struct aa_finding *f)
{
	const struct aa_finding_info *info = aa_finding_info(f->code);
	const char *sev = aa_severity_str(f->severity), *sgr = NULL;
	const char *id = info != NULL ? info->id : "unknown";
	const char *msg = f->message;

	if (o->color)
		sgr = f->severity == AA_SEV_ERROR ? SGR_RED :
		    f->severity == AA_SEV_WARNING ? SGR_YELLOW : SGR_DIM;
	fprintf(o->fp, "  %s%s%s  ", sgr != NULL ? sgr : "", sev,
	    sgr != NULL ? SGR_RESET : "");
	if (msg == NULL && info != NULL)
		msg = info->summary;
	wrap(o, 2 + strlen(sev) + 2, 2 + strlen(sev) + 2, join(o, " ", 4,
	    fmt(o, "%s ", id), join(o, ": ", 2, f->subject, msg),
	    info != NULL ? fmt(o, "[%s]", info->rfc) : NULL,
	    f->origin.file != NULL ? fmt(o, "(%s:%u)", f->origin.file,
	    f->origin.line) : NULL));
}

/* Findings by severity, most severe first, in report order within one. */
static void
render_findings(struct out *o, const struct aa_report *rep, bool quiet)
{
	static const enum aa_severity order[] = { AA_SEV_ERROR,
		AA_SEV_WARNING, AA_SEV_INFO };
	size_t i, k, n[3] = { 0, 0, 0 };

	for (i = 0; i < rep->findings.n; i++)
		for (k = 0; k < 3; k++)
			if (rep->findings.v[i].severity == order[k])
				n[k]++;
	if (!quiet && rep->findings.n == 0)
		heading(o, "findings: none");
	else if (!quiet)
		heading(o, fmt(o, "findings: %zu error%s, %zu warning%s, "
		    "%zu info", n[0], n[0] == 1 ? "" : "s", n[1],
		    n[1] == 1 ? "" : "s", n[2]));
	for (k = 0; k < 3; k++)
		for (i = 0; i < rep->findings.n; i++)
			if (rep->findings.v[i].severity == order[k])
				render_finding(o, &rep->findings.v[i]);
}

/* s padded to w columns (on the left when right is true). */
static const char *
pad(struct out *o, const char *s, size_t w, bool right)
{
	size_t c = cols(s, strlen(s)), n = c < w ? w - c : 0;

	return right ? fmt(o, "%*s%s", (int)n, "", s) :
	    fmt(o, "%s%*s", s, (int)n, "");
}

#define QCOLS		7	/* columns of the query log */
#define MIN_NAME_COLS	16	/* else one line per query */

/* The cells of one query log row, cleaned; the header when q is NULL. */
static void
query_cells(struct out *o, const struct aa_query_out *q, const char **c)
{
	static const char *const head[QCOLS] = { "NAME", "TYPE", "RCODE",
		"ANSWERS", "SOURCE", "MS", "BY" };
	size_t i;

	if (q == NULL) {
		memcpy(c, head, sizeof(head));
		return;
	}
	c[0] = q->name;
	c[1] = q->type;
	c[2] = q->rcode;
	c[3] = fmt(o, "%lld", q->answers);
	c[4] = q->source;
	c[5] = fmt(o, "%lld", q->ms);
	c[6] = q->by;
	for (i = 0; i < QCOLS; i++)
		c[i] = clean(o, c[i] != NULL ? c[i] : "");
}

/* One row; a NAME wider than its column goes on a line of its own. */
static void
query_row(struct out *o, const char **c, const size_t *w)
{
	char *row;
	size_t i;

	if (cols(c[0], strlen(c[0])) > w[0]) {
		line(o, 2, 2, c[0]);
		c[0] = "";
	}
	row = aa_arena_strdup(o->arena, "  ");
	for (i = 0; i < QCOLS; i++)
		row = aa_arena_printf(o->arena, "%s%s%s", row, i ? "  " : "",
		    pad(o, c[i], w[i], i == 3 || i == 5));
	for (i = strlen(row); i > 0 && row[i - 1] == ' '; i--)
		row[i - 1] = '\0';
	fprintf(o->fp, "%s\n", row);
}

/* A query on a line of its own, for a width the table does not fit. */
static void
query_line(struct out *o, const struct aa_query_out *q)
{
	line(o, 2, 4, join(o, ", ", 5, join(o, " ", 3, q->name, q->type,
	    q->rcode), fmt(o, "%lld answer%s", q->answers,
	    q->answers == 1 ? "" : "s"), q->source,
	    fmt(o, "%lld ms", q->ms), lab(o, "by", q->by)));
}

/* -v: the query log as a table, the NAME column shrunk to fit. */
static void
render_queries(struct out *o, const struct aa_report *rep)
{
	const char *c[QCOLS];
	size_t i, k, w[QCOLS], rest = 2 + 2 * (QCOLS - 1);

	heading(o, fmt(o, "queries: %zu", rep->dns_queries.n));
	if (rep->dns_queries.n == 0)
		return;
	query_cells(o, NULL, c);
	for (k = 0; k < QCOLS; k++)
		w[k] = strlen(c[k]);
	for (i = 0; i < rep->dns_queries.n; i++) {
		query_cells(o, &rep->dns_queries.v[i], c);
		for (k = 0; k < QCOLS; k++)
			if (cols(c[k], strlen(c[k])) > w[k])
				w[k] = cols(c[k], strlen(c[k]));
	}
	for (k = 1; k < QCOLS; k++)
		rest += w[k];
	if (rest + MIN_NAME_COLS > o->width) {
		for (i = 0; i < rep->dns_queries.n; i++)
			query_line(o, &rep->dns_queries.v[i]);
		return;
	}
	if (rest + w[0] > o->width)
		w[0] = o->width - rest;
	query_cells(o, NULL, c);
	query_row(o, c, w);
	for (i = 0; i < rep->dns_queries.n; i++) {
		query_cells(o, &rep->dns_queries.v[i], c);
		query_row(o, c, w);
	}
}

int
aa_render_text(FILE *fp, const struct aa_report *rep,
    const struct aa_render_opts *opts)
{
	static const struct aa_render_opts defaults = { false, 0, false, 0 };
	struct out o;

	if (opts == NULL)
		opts = &defaults;
	o.fp = fp;
	o.width = opts->width != 0 ? opts->width : DEFAULT_WIDTH;
	if (o.width < MIN_WIDTH)
		o.width = MIN_WIDTH;
	o.color = opts->color;
	o.arena = aa_arena_new();
	if (!opts->quiet) {
		render_head(&o, rep);
		render_input(&o, rep);
		render_bounce_classes(&o, rep);
		render_dns(&o, rep);
		render_spf(&o, rep);
		render_dkim(&o, rep);
		render_dmarc(&o, rep);
		render_verdict(&o, rep);
		render_whatif(&o, rep);
	}
	render_baseline(&o, rep, opts->verbose);
	render_findings(&o, rep, opts->quiet);
	if (opts->verbose && !opts->quiet)
		render_queries(&o, rep);
	aa_arena_free(o.arena);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}
