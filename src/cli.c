/* cli.c: the steps every command shares: DNS set-up, operands, finish. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aa_baseline.h"
#include "aa_dkim.h"
#include "aa_psl.h"
#include "aa_whatif.h"
#include "aa_xmalloc.h"
#include "cli.h"

/*
 * The layer of the options; without the --rr records an SPF edit
 * replaces.  Warnings are printed once, by the first layer made.
 */
static struct aa_dns *
dns_setup(const struct cli *c, const struct aa_spf_edit *edit, bool warn)
{
	struct aa_dns *dns;
	char err[1024];
	size_t i;

	if (aa_dns_new(&c->dns, &dns, err, sizeof(err)) != AA_OK)
		cli_usage_error(c->cmd, "%s", err);
	for (i = 0; i < c->zones.n; i++) {
		if (aa_dns_load_zone(dns, c->zones.v[i], err, sizeof(err)) ==
		    AA_OK)
			continue;
		cli_warnx("%s", err);
		exit(EXIT_INPUT);
	}
	for (i = 0; i < c->rrs.n; i++)
		if ((edit == NULL || !aa_whatif_replaces_rr(edit,
		    (unsigned)i + 1)) && aa_dns_add_rr(dns, c->rrs.v[i],
		    (unsigned)i + 1, err, sizeof(err)) != AA_OK)
			cli_usage_error(c->cmd, "%s", err);
	if (!c->quiet && warn)
		for (i = 0; i < aa_dns_warning_count(dns); i++)
			cli_warnx("warning: %s", aa_dns_warning(dns, i));
	return dns;
}

static void	whatif_section(const struct cli *, struct aa_report *,
		    const struct aa_report *);

/* A what-if audit: the run before the change, and the edit. */
struct cli_whatif {
	struct aa_report *before;	/* NULL while the first run goes */
	struct aa_dns	*before_dns;
	struct aa_spf_edit *edit;
	unsigned	 first;		/* --rr position of the edited RRset */
};

struct aa_dns *
cli_dns_setup(const struct cli *c)
{
	return dns_setup(c, NULL, true);
}

char *
cli_domain_arg(const struct command *cmd, const char *what, const char *arg)
{
	char *norm;

	if (aa_dns_name_normalize(arg, &norm) != AA_OK)
		cli_usage_error(cmd, "%s '%s': not a valid domain name", what,
		    arg);
	return norm;
}

void
cli_check_ip(const struct command *cmd, const char *ip)
{
	struct in6_addr a6;

	if (inet_pton(AF_INET, ip, &a6) != 1 &&
	    inet_pton(AF_INET6, ip, &a6) != 1)
		cli_usage_error(cmd, "--ip %s: not an IPv4 or IPv6 address",
		    ip);
}

static bool
want_color(const struct cli *c)
{
	const char *nc = getenv("NO_COLOR");

	if (c->no_color || (nc != NULL && *nc != '\0'))
		return false;
	return strcmp(c->format, "text") == 0 && isatty(STDOUT_FILENO);
}

static int
save_baseline(const struct cli *c, const struct aa_report *rep)
{
	FILE *fp = fopen(c->save_baseline, "w");
	int rc;

	if (fp == NULL) {
		cli_warnx("%s: cannot write: %s", c->save_baseline,
		    strerror(errno));
		return -1;
	}
	rc = aa_render_json(fp, rep, NULL);
	if (fclose(fp) != 0 || rc != 0) {
		cli_warnx("%s: write failed: %s", c->save_baseline,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A baseline of another command or domain would turn every difference
 * into a regression: refuse it as input that does not fit (exit 3).
 */
static bool
same_subject(const struct cli *c, const struct aa_report *rep)
{
	const struct aa_input *b = c->base->input, *r = rep->input;

	if (strcmp(c->base->command, rep->command) != 0) {
		cli_warnx("--baseline %s: a report of the %s command, not of "
		    "%s",
		    c->baseline, c->base->command, rep->command);
		return false;
	}
	if (b != NULL && r != NULL && b->domain != NULL && r->domain != NULL &&
	    strcmp(b->domain, r->domain) != 0) {
		cli_warnx("--baseline %s: a report on %s, not on %s", c->baseline,
		    b->domain, r->domain);
		return false;
	}
	return true;
}

/*
 * A what-if audit: the first run ends here with its report kept; the
 * second gets the origins of the records it replaced and the whatif
 * section.
 */
static bool
whatif_finish(struct cli *c, struct aa_report *rep, struct aa_dns *dns)
{
	struct cli_whatif *w = c->whatif;

	if (w == NULL)
		return false;
	if (w->before == NULL) {
		w->before = rep;
		w->before_dns = dns;
		return true;
	}
	aa_whatif_origins(w->edit, w->first, rep);
	whatif_section(c, rep, w->before);
	aa_whatif_free(w->edit);
	aa_report_free(w->before);
	aa_dns_free(w->before_dns);
	free(w);
	c->whatif = NULL;
	return false;
}

int
cli_finish(struct cli *c, struct aa_report *rep, struct aa_dns *dns)
{
	struct aa_render_opts ro = { want_color(c), c->verbose, c->quiet, 80 };
	char err[1024];
	int status, io = 0;

	if (whatif_finish(c, rep, dns))
		return 0;
	if (c->base != NULL && !same_subject(c, rep)) {
		aa_report_free(rep);
		aa_dns_free(dns);
		return EXIT_INPUT;
	}
	if (dns != NULL) {
		if (aa_dns_budget_exceeded(dns))
			aa_report_add(rep, AA_F_DNS_BUDGET_EXCEEDED, "dns",
			    "the audit reached its DNS query or time cap; "
			    "results that needed more lookups are "
			    "undetermined (--max-queries, --time-limit)");
		aa_report_take_log(rep, dns);
		if (c->save_zone != NULL && aa_dns_save_zone(dns, c->save_zone,
		    err, sizeof(err)) != AA_OK) {
			cli_warnx("%s", err);
			io = 1;
		}
	}
	/* After the query log is in: DKIM keys are compared from it. */
	if (c->base != NULL)
		aa_baseline_compare(rep, c->base, c->baseline);
	if (c->renderer->render(stdout, rep, &ro) != 0 || fflush(stdout) != 0) {
		cli_warnx("writing the report: %s", strerror(errno));
		io = 1;
	}
	if (c->save_baseline != NULL && save_baseline(c, rep) != 0)
		io = 1;
	status = aa_report_exit_status(rep, c->fail_on, rep->baseline !=
	    NULL && rep->baseline->regressions.n > 0);
	aa_report_free(rep);
	aa_dns_free(dns);
	return io ? EXIT_INPUT : status;
}

struct aa_input *
cli_input(const struct cli *c, struct aa_report *rep)
{
	struct aa_input *in = aa_arena_alloc(rep->arena, sizeof(*in));

	if (c->ip != NULL) {
		in->ip = aa_report_strdup(rep, c->ip);
		in->sources.ip = "option";
	}
	if (c->helo != NULL) {
		in->helo = aa_report_strdup(rep, c->helo);
		in->sources.helo = "option";
	}
	if (c->mail_from != NULL) {
		in->mail_from = aa_report_strdup(rep, c->mail_from);
		in->sources.mail_from = "option";
	}
	rep->input = in;
	return in;
}

struct aa_psl *
cli_psl_open(const struct cli *c)
{
	struct aa_psl *psl;
	char err[1024];

	if (aa_psl_open(c->psl, &psl, err, sizeof(err)) != AA_OK) {
		cli_warnx("%s", err);
		exit(EXIT_INPUT);
	}
	return psl;
}

void
cli_baseline_load(struct cli *c)
{
	char err[1024];

	if (c->baseline == NULL)
		return;
	if (aa_baseline_read(c->baseline, &c->base, err, sizeof(err)) !=
	    AA_OK) {
		cli_warnx("--baseline %s", err);
		exit(EXIT_INPUT);
	}
}

/* Whether name is on the DKIM check's list of guessed selectors. */
static bool
guessed_selector(const char *name)
{
	const char *sel, *provider;
	size_t i;

	for (i = 0; aa_dkim_guess(i, &sel, &provider); i++)
		if (strcasecmp(sel, name) == 0)
			return true;
	return false;
}

/*
 * Add to -s the selectors whose key the baseline found under domain, so
 * that a key that is gone is seen (design.md 3a: "for a selector given
 * or in the baseline").  Not when every one is a guess and no -s is
 * given: the guesses are looked up again anyway, and a -s would stop
 * them.
 */
static void
baseline_selectors(struct cli *c, const char *domain)
{
	struct aa_strvec sv = { NULL, 0, 0 };
	bool only_guesses = true;
	size_t i, k;

	if (c->base == NULL || strcmp(c->cmd->name, "domain") != 0)
		return;
	aa_baseline_selectors(c->base, domain, &sv);
	for (i = 0; i < sv.n; i++)
		only_guesses = only_guesses && guessed_selector(sv.v[i]);
	if (only_guesses && c->selectors.n == 0)
		return;
	for (i = 0; i < sv.n; i++) {
		for (k = 0; k < c->selectors.n; k++)
			if (strcasecmp(c->selectors.v[k], sv.v[i]) == 0)
				break;
		if (k < c->selectors.n)
			continue;
		c->selectors.v = aa_xreallocarray(c->selectors.v,
		    c->selectors.n + 1, sizeof(*c->selectors.v));
		c->selectors.v[c->selectors.n++] = sv.v[i];
	}
}

/* whatif.changes and whatif.before from the audit before the change. */
static void
whatif_section(const struct cli *c, struct aa_report *rep,
    const struct aa_report *before)
{
	struct aa_whatif *w = aa_arena_alloc(rep->arena, sizeof(*w));
	size_t i;

	/* Removals are applied first, then additions (aa_whatif.h). */
	for (i = 0; i < c->spf_remove.n; i++)
		*AA_VEC_PUSH(rep->arena, w->changes) = aa_report_printf(rep,
		    "--spf-remove %s", c->spf_remove.v[i]);
	for (i = 0; i < c->spf_add.n; i++)
		*AA_VEC_PUSH(rep->arena, w->changes) = aa_report_printf(rep,
		    "--spf-add %s", c->spf_add.v[i]);
	if (before->spf != NULL) {
		w->before.spf_lookups = before->spf->lookups.count;
		w->before.spf_result = aa_report_strdup(rep,
		    before->spf->result);
	}
	if (before->dmarc != NULL)
		w->before.dmarc_disposition = aa_report_strdup(rep,
		    before->dmarc->disposition);
	if (before->verdict != NULL)
		w->before.outcome = aa_report_strdup(rep,
		    before->verdict->outcome);
	rep->whatif = w;
}

/* The SPF edit of domain, prepared in the layer before the change. */
static struct aa_spf_edit *
spf_edit(struct cli *c, struct aa_dns *before, const char *domain)
{
	struct aa_spf_edit *edit;
	enum aa_status st;
	char err[1024];

	st = aa_whatif_prepare(before, domain, c->spf_add.v, c->spf_add.n,
	    c->spf_remove.v, c->spf_remove.n, &edit, err, sizeof(err));
	if (st == AA_ETEMP) {
		cli_warnx("%s", err);
		exit(EXIT_TEMP);
	}
	if (st != AA_OK)
		cli_usage_error(c->cmd, "%s", err);
	return edit;
}

/* Usage errors first: a bad TERM must not cost a whole audit. */
static void
check_terms(const struct cli *c)
{
	char err[512];
	size_t i;

	for (i = 0; i < c->spf_add.n; i++)
		if (aa_whatif_term_check(c->spf_add.v[i], err, sizeof(err)) !=
		    AA_OK)
			cli_usage_error(c->cmd, "--spf-add %s", err);
	for (i = 0; i < c->spf_remove.n; i++)
		if (aa_whatif_term_check(c->spf_remove.v[i], err,
		    sizeof(err)) != AA_OK)
			cli_usage_error(c->cmd, "--spf-remove %s", err);
}

struct aa_dns *
cli_audit_dns(struct cli *c, const char *domain)
{
	struct cli_whatif *w;
	struct aa_dns *dns;
	char err[1024];
	int st;

	baseline_selectors(c, domain);
	if ((c->spf_add.n == 0 && c->spf_remove.n == 0) ||
	    (c->whatif != NULL && c->whatif->before == NULL))
		return cli_dns_setup(c);
	check_terms(c);
	w = c->whatif = aa_xcalloc(1, sizeof(*w));
	/* The audit as published: its cli_finish() keeps the report. */
	if ((st = c->cmd->run(c)) != 0)
		exit(st);
	w->edit = spf_edit(c, w->before_dns, domain);
	w->first = (unsigned)c->rrs.n + 1;
	dns = dns_setup(c, w->edit, false);
	if (aa_whatif_apply(w->edit, dns, w->first, err, sizeof(err)) !=
	    AA_OK) {
		/* The edited record is ours: only a bug gets here. */
		cli_warnx("the edited SPF record does not parse: %s", err);
		exit(EXIT_USAGE);
	}
	return dns;
}
