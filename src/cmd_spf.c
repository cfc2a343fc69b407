/*
 * cmd_spf.c: authaudit spf [DOMAIN].  RFC 7208 4.1: without DOMAIN the
 * domain of MAIL FROM is checked, else the HELO name (2.4).  Without --ip
 * the worst-case lookup tree; with --ip check_host() and libspf2's
 * second opinion (aa_spf.h).
 */
#include <stdlib.h>
#include <string.h>

#include "aa_spf.h"
#include "cli.h"

/* The domain to check: the operand, MAIL FROM's domain, or HELO. */
static const char *
spf_target(const struct cli *c, const char **what)
{
	const char *at;

	if (c->nargs > 0) {
		*what = "DOMAIN";
		return c->args[0];
	}
	if (c->mail_from != NULL && c->mail_from[0] != '\0') {
		*what = "--mail-from";
		at = strrchr(c->mail_from, '@');
		return at != NULL ? at + 1 : c->mail_from;
	}
	*what = "--helo";
	return c->helo;
}

int
cmd_spf(struct cli *c)
{
	const struct command *cmd = cli_command("spf");
	struct aa_report *rep = aa_report_new("spf");
	struct aa_input *in = cli_input(c, rep);
	const char *what, *target = spf_target(c, &what);
	struct aa_spf_params p;
	struct aa_dns *dns;
	char *domain;

	if (target == NULL)
		cli_usage_error(cmd, "give DOMAIN, --mail-from or --helo");
	domain = cli_domain_arg(cmd, what, target);
	dns = cli_audit_dns(c, domain);
	in->domain = aa_report_strdup(rep, domain);
	free(domain);
	memset(&p, 0, sizeof(p));
	p.domain = in->domain;
	p.ip = c->ip;
	p.helo = c->helo;
	p.mail_from = c->mail_from;
	p.default_exp = c->spf_default_exp;
	/* libspf2's opinion is about an evaluation: only with --ip. */
	p.second_opinion = c->ip != NULL;
	aa_spf_check(dns, rep, &p);
	return cli_finish(c, rep, dns);
}
