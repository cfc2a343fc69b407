/*
 * cmd_spf.c: authaudit spf [DOMAIN].  RFC 7208 4.1: without DOMAIN the
 * domain of MAIL FROM is checked, else the HELO name (2.4).  The SPF
 * section is filled by the SPF checks as they land (null until then).
 */
#include <stdlib.h>
#include <string.h>

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
	struct aa_dns *dns;
	char *domain;

	if (target == NULL)
		cli_usage_error(cmd, "give DOMAIN, --mail-from or --helo");
	domain = cli_domain_arg(cmd, what, target);
	dns = cli_dns_setup(c);
	in->domain = aa_report_strdup(rep, domain);
	free(domain);
	cli_not_yet(c, "the SPF checks");
	return cli_finish(c, rep, dns);
}
