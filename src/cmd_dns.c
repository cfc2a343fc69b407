/* cmd_dns.c: authaudit dns NAME [TYPE]: one question through the layer. */
#include <stdlib.h>

#include "cli.h"

static void
fill_section(struct aa_report *rep, const struct aa_answer *ans)
{
	struct aa_dns_section *s = aa_arena_alloc(rep->arena, sizeof(*s));
	size_t i;

	s->name = aa_report_strdup(rep, ans->qname);
	s->type = aa_report_strdup(rep, aa_dns_type_str(ans->qtype));
	s->rcode = aa_rcode_str(ans->rcode);
	s->source = aa_dns_source_str(ans->source);
	s->origin = aa_report_strdup(rep, ans->origin);
	s->ms = ans->ms;
	for (i = 0; i < ans->ncname; i++)
		*AA_VEC_PUSH(rep->arena, s->cname_chain) =
		    aa_report_strdup(rep, ans->cname_chain[i]);
	for (i = 0; i < ans->nrr; i++) {
		struct aa_dns_answer_out *o = AA_VEC_PUSH(rep->arena,
		    s->answers);

		o->type = aa_report_strdup(rep, aa_dns_type_str(ans->rr[i].type));
		o->ttl = ans->rr[i].ttl;
		o->data = aa_report_strdup(rep, ans->rr[i].data);
	}
	rep->dns = s;
	/* design.md 2: dns exits 4 on TIMEOUT, SERVFAIL or REFUSED. */
	rep->dns_temporary = aa_rcode_temporary(ans->rcode);
}

int
cmd_dns(struct cli *c)
{
	const struct command *cmd = cli_command("dns");
	const char *tname = c->nargs > 1 ? c->args[1] : "A";
	const struct aa_answer *ans;
	struct aa_report *rep;
	struct aa_dns *dns;
	uint16_t type;
	char *name;

	name = cli_domain_arg(cmd, "NAME", c->args[0]);
	if ((type = aa_dns_type_from_str(tname)) == 0)
		cli_usage_error(cmd, "%s: not an RR type (A, AAAA, MX, TXT, "
		    "TYPE99, ...)", tname);
	dns = cli_dns_setup(c);
	rep = aa_report_new("dns");
	if (aa_dns_query(dns, name, type, &ans) != AA_OK)
		cli_usage_error(cmd, "%s: not a valid domain name", name);
	fill_section(rep, ans);
	free(name);
	return cli_finish(c, rep, dns);
}
