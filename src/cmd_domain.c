/*
 * cmd_domain.c: authaudit domain DOMAIN.  The command line and the input
 * section are complete; then the stages run in order: SPF, DKIM keys,
 * DMARC, domain existence and MX, verdict.  Each stage is one region
 * below, owned by its check's issue.
 */
#include <stdlib.h>

#include "cli.h"

int
cmd_domain(struct cli *c)
{
	const struct command *cmd = cli_command("domain");
	struct aa_report *rep = aa_report_new("domain");
	struct aa_input *in = cli_input(c, rep);
	struct aa_dns *dns;
	char *domain, *sel;
	size_t i;

	domain = cli_domain_arg(cmd, "DOMAIN", c->args[0]);
	for (i = 0; i < c->selectors.n; i++) {
		sel = cli_domain_arg(cmd, "-s", c->selectors.v[i]);
		free(sel);
	}
	dns = cli_dns_setup(c);
	in->domain = aa_report_strdup(rep, domain);
	in->from_domain = in->domain;
	*AA_VEC_PUSH(rep->arena, in->from_domains) = in->domain;
	/* design.md 1: with --ip, MAIL FROM defaults to postmaster@DOMAIN. */
	if (c->ip != NULL && c->mail_from == NULL) {
		in->mail_from = aa_report_printf(rep, "postmaster@%s", domain);
		in->sources.mail_from = "default";
	}
	/* BEGIN stage spf (SPF issue) */
	/* END stage spf */
	/* BEGIN stage dkim (DKIM issue) */
	/* END stage dkim */
	/* BEGIN stage dmarc (DMARC issue) */
	/* END stage dmarc */
	/* BEGIN stage verdict (verdict issue) */
	/* END stage verdict */
	/* BEGIN stage cleanup */
	/* END stage cleanup */
	free(domain);
	cli_not_yet(c, "the domain checks (SPF, DKIM, DMARC, verdict)");
	return cli_finish(c, rep, dns);
}
