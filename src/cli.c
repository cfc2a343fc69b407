/* cli.c: the steps every command shares: DNS set-up, operands, finish. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aa_xmalloc.h"
#include "cli.h"

struct aa_dns *
cli_dns_setup(const struct cli *c)
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
		if (aa_dns_add_rr(dns, c->rrs.v[i], (unsigned)i + 1, err,
		    sizeof(err)) != AA_OK)
			cli_usage_error(c->cmd, "%s", err);
	if (!c->quiet)
		for (i = 0; i < aa_dns_warning_count(dns); i++)
			cli_warnx("warning: %s", aa_dns_warning(dns, i));
	return dns;
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

int
cli_finish(const struct cli *c, struct aa_report *rep, struct aa_dns *dns)
{
	struct aa_render_opts ro = { want_color(c), c->verbose, c->quiet, 80 };
	char err[1024];
	int status, io = 0;

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
	if (c->renderer->render(stdout, rep, &ro) != 0 || fflush(stdout) != 0) {
		cli_warnx("writing the report: %s", strerror(errno));
		io = 1;
	}
	if (c->save_baseline != NULL && save_baseline(c, rep) != 0)
		io = 1;
	status = aa_report_exit_status(rep, c->fail_on, false);
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

void
cli_not_yet(const struct cli *c, const char *what)
{
	if (!c->quiet)
		cli_warnx("note: %s are not implemented in this version; "
		    "their report sections are null", what);
}
