/*
 * main.c: global options, the command table, usage and help.  The option
 * and command texts here are the ones the man page and README repeat.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aa_clock.h"
#include "aa_finding.h"
#include "aa_xmalloc.h"
#include "cli.h"

enum {
	O_FORMAT = 256, O_ZONE, O_RR, O_OFFLINE, O_RESOLVER, O_TIMEOUT,
	O_TIME_LIMIT, O_MAX_QUERIES, O_NOW, O_FAIL_ON, O_BASELINE,
	O_SAVE_BASELINE, O_SAVE_ZONE, O_PSL, O_RECEIVER, O_SPF_DEFAULT_EXP,
	O_NO_COLOR, O_VERSION, O_LIST_FINDINGS, O_IP, O_HELO, O_MAIL_FROM,
	O_BULK, O_SPF_ADD, O_SPF_REMOVE
};

/* Global options first, then command options (main_opts_n marks them). */
static const struct option long_opts[] = {
	{ "format", required_argument, NULL, O_FORMAT },
	{ "zone", required_argument, NULL, O_ZONE },
	{ "rr", required_argument, NULL, O_RR },
	{ "offline", no_argument, NULL, O_OFFLINE },
	{ "resolver", required_argument, NULL, O_RESOLVER },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "time-limit", required_argument, NULL, O_TIME_LIMIT },
	{ "max-queries", required_argument, NULL, O_MAX_QUERIES },
	{ "now", required_argument, NULL, O_NOW },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "save-baseline", required_argument, NULL, O_SAVE_BASELINE },
	{ "save-zone", required_argument, NULL, O_SAVE_ZONE },
	{ "psl", required_argument, NULL, O_PSL },
	{ "receiver", required_argument, NULL, O_RECEIVER },
	{ "spf-default-exp", required_argument, NULL, O_SPF_DEFAULT_EXP },
	{ "no-color", no_argument, NULL, O_NO_COLOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "list-findings", no_argument, NULL, O_LIST_FINDINGS },
	{ "selector", required_argument, NULL, 's' },
	{ "ip", required_argument, NULL, O_IP },
	{ "helo", required_argument, NULL, O_HELO },
	{ "mail-from", required_argument, NULL, O_MAIL_FROM },
	{ "bulk", no_argument, NULL, O_BULK },
	{ "spf-add", required_argument, NULL, O_SPF_ADD },
	{ "spf-remove", required_argument, NULL, O_SPF_REMOVE },
	{ NULL, 0, NULL, 0 }
};

static const struct command commands[] = {
	{ "domain", cmd_domain,
	    "domain DOMAIN [-s SELECTOR]... [--ip ADDR] [--mail-from ADDR] "
	    "[--bulk] [--spf-add TERM]... [--spf-remove TERM]...",
	    "audit what DOMAIN publishes: SPF, DKIM keys, DMARC, MX",
	    "  -s, --selector SEL    DKIM selector to check (repeatable)\n"
	    "  --ip ADDR             the sending IP: SPF result and verdict\n"
	    "  --mail-from ADDR      MAIL FROM (default postmaster@DOMAIN)\n"
	    "  --bulk                apply the bulk-sender rules\n"
	    "  --spf-add TERM        what if TERM were added before all\n"
	    "  --spf-remove TERM     what if TERM were removed\n",
	    CMD_SELECTOR | CMD_IP | CMD_MAIL_FROM | CMD_BULK | CMD_SPF_EDIT,
	    1, 1 },
	{ "message", cmd_message,
	    "message [FILE|-] [--ip ADDR] [--helo NAME] [--mail-from ADDR] "
	    "[--bulk]",
	    "check a message or a bounce: DKIM, SPF, DMARC, the reply",
	    "  FILE                  the message or bounce (DSN or plain-text);\n"
	    "                        - or none: stdin\n"
	    "  --ip ADDR             the connecting IP (default: the topmost\n"
	    "                        public Received, or the bounce's reply)\n"
	    "  --helo NAME           the HELO name (default: from Received)\n"
	    "  --mail-from ADDR      MAIL FROM, \"\" for <> (default: Return-Path,\n"
	    "                        or the bounce's X-Postfix-Sender or To)\n"
	    "  --bulk                apply the bulk-sender rules\n",
	    CMD_IP | CMD_HELO | CMD_MAIL_FROM | CMD_BULK, 0, 1 },
	{ "spf", cmd_spf,
	    "spf [--ip ADDR] [--helo NAME] [--mail-from ADDR] [DOMAIN] "
	    "[--spf-add TERM]... [--spf-remove TERM]...",
	    "evaluate SPF, or walk the SPF tree and count its lookups",
	    "  DOMAIN                the domain (default: of MAIL FROM, or HELO)\n"
	    "  --ip ADDR             evaluate check_host() for this client\n"
	    "                        (without: the worst-case lookup tree)\n"
	    "  --helo NAME           the HELO name (its own result too)\n"
	    "  --mail-from ADDR      MAIL FROM, \"\" for <>\n"
	    "  --spf-add TERM        what if TERM were added before all\n"
	    "  --spf-remove TERM     what if TERM were removed\n",
	    CMD_IP | CMD_HELO | CMD_MAIL_FROM | CMD_SPF_EDIT, 0, 1 },
	{ "dns", cmd_dns, "dns NAME [TYPE]",
	    "ask one DNS question through authaudit's DNS layer",
	    "  NAME                  a domain name (UTF-8 names become A-labels)\n"
	    "  TYPE                  an RR type: A (default), TXT, MX, TYPE99...\n",
	    0, 1, 2 },
};

static const char global_help[] =
"Global options (before or after the command):\n"
"  --format FMT          text (default), json, github (workflow\n"
"                        annotations) or junit (JUnit XML)\n"
"  --zone FILE           answer from an RFC 1035 zone file (repeatable)\n"
"  --rr 'RR'             one record in presentation format (repeatable);\n"
"                        it replaces the zones' RRset of its owner and type\n"
"  --offline             no live DNS: names in no zone do not exist\n"
"  --resolver ADDR[:PORT]  live DNS server ([IPV6]:PORT); default: system\n"
"  --timeout SECONDS     per query (default 5)\n"
"  --time-limit SECONDS  per audit (default 20, RFC 7208 4.6.4)\n"
"  --max-queries N       DNS lookups per audit (default 1000;\n"
"                        libspf2's own are not counted)\n"
"  --now UNIXTIME        the clock for DKIM t= and x= and the PSL's age\n"
"  --fail-on LEVEL       error (default), warning, regression or never\n"
"  --baseline FILE       report regressions against a saved JSON report\n"
"  --save-baseline FILE  also write the JSON report to FILE\n"
"  --save-zone FILE      write every DNS answer used as a zone file\n"
"  --psl FILE            Public Suffix List (default: Debian's)\n"
"  --receiver NAME       gmail, yahoo, outlook, microsoft365, icloud, rfc\n"
"                        or all (default)\n"
"  --spf-default-exp TEXT  explanation for SPF fail without exp=\n"
"  --no-color            no colour (also when NO_COLOR is set)\n"
"  -q, --quiet           findings only;  -v, --verbose  more detail\n"
"  --list-findings       list every finding id and exit\n"
"  -h, --help            help;  --version  print the version\n";

static const char exit_help[] =
"Exit status: 0 nothing at or above --fail-on; 1 a finding reached it;\n"
"2 usage error; 3 unreadable input; 4 a temporary DNS failure.\n";

static void __attribute__((format(printf, 1, 0)))
vwarnx(const char *fmt, va_list ap)
{
	fputs("authaudit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static void
print_usage(FILE *fp, const struct command *cmd)
{
	size_t i;

	if (cmd != NULL) {
		fprintf(fp, "usage: authaudit [options] %s\n", cmd->synopsis);
		return;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "%s authaudit [options] %s\n", i ? "      " :
		    "usage:", commands[i].synopsis);
	fprintf(fp, "       authaudit --version | --help | --list-findings | "
	    "COMMAND --help\n");
}

void
cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	print_usage(stderr, cmd);
	exit(EXIT_USAGE);
}

static void
help(const struct command *cmd)
{
	size_t i;

	print_usage(stdout, cmd);
	if (cmd != NULL)
		printf("\n%s.\n\n%s", cmd->summary, cmd->opt_help);
	else {
		printf("\nWhich SPF, DKIM or DMARC check makes a receiver "
		    "answer 550 5.7.x, and the fix.\n\nCommands:\n");
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			printf("  %-9s%s\n", commands[i].name,
			    commands[i].summary);
	}
	printf("\n%s\n%sSee authaudit(1) and authaudit-zone(5).\n",
	    global_help, exit_help);
	exit(0);
}

static void
list_findings(void)
{
	int i;

	for (i = 0; i < AA_F__COUNT; i++) {
		const struct aa_finding_info *f = aa_finding_info(i);

		printf("%s\t%s%s\t%s\t%s\n", f->id,
		    aa_severity_str(f->severity), f->temporary ?
		    " (temporary)" : "", f->rfc, f->summary);
	}
	exit(0);
}

const struct command *
cli_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* A number of seconds (decimals allowed) as ms in (0, max_s]. */
static unsigned
seconds_ms(const struct command *cmd, const char *opt, const char *s,
    double max_s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v > 0) ||
	    v > max_s)
		cli_usage_error(cmd, "%s %s: want seconds in (0, %g]", opt, s,
		    max_s);
	return v * 1000 < 1 ? 1 : (unsigned)(v * 1000);
}

static long long
integer(const struct command *cmd, const char *opt, const char *s,
    long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		cli_usage_error(cmd, "%s %s: want a whole number from %lld to "
		    "%lld", opt, s, min, max);
	return v;
}

static const char *
one_of(const struct command *cmd, const char *opt, const char *s,
    const char *const *allowed)
{
	size_t i;

	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(s, allowed[i]) == 0)
			return allowed[i];
	cli_usage_error(cmd, "%s %s: not a known value", opt, s);
}

static void
push(struct cli_list *l, const char *s)
{
	l->v = aa_xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

static void
set_format(struct cli *c, const struct command *cmd, const char *s)
{
	c->renderer = aa_renderer_find(s);
	if (c->renderer == NULL)
		cli_usage_error(cmd, "--format %s: want text, json, github or "
		    "junit", s);
	c->format = s;
}

/* Apply one global option; false when ch is not one. */
static bool
global_option(struct cli *c, const struct command *cmd, int ch,
    const char *arg)
{
	static const char *const fail_on[] = { "error", "warning",
		"regression", "never", NULL };
	static const char *const receivers[] = { "gmail", "yahoo", "outlook",
		"microsoft365", "icloud", "rfc", "all", NULL };
	size_t i;

	switch (ch) {
	case O_FORMAT: set_format(c, cmd, arg); break;
	case O_ZONE: push(&c->zones, arg); break;
	case O_RR: push(&c->rrs, arg); break;
	case O_OFFLINE: c->dns.offline = true; break;
	case O_RESOLVER: c->dns.resolver = arg; break;
	case O_TIMEOUT:
		c->dns.timeout_ms = seconds_ms(cmd, "--timeout", arg, 3600);
		break;
	case O_TIME_LIMIT:
		c->dns.time_limit_ms = seconds_ms(cmd, "--time-limit", arg,
		    3600);
		break;
	case O_MAX_QUERIES:
		c->dns.max_queries = (unsigned)integer(cmd, "--max-queries",
		    arg, 1, 1000000);
		break;
	case O_NOW:
		c->now = integer(cmd, "--now", arg, 0, INT64_MAX / 2);
		c->now_set = true;
		break;
	case O_FAIL_ON:
		one_of(cmd, "--fail-on", arg, fail_on);
		for (i = 0; strcmp(fail_on[i], arg) != 0; i++)
			;
		c->fail_on = (enum aa_fail_on)i;
		break;
	case O_BASELINE: c->baseline = arg; break;
	case O_SAVE_BASELINE: c->save_baseline = arg; break;
	case O_SAVE_ZONE: c->save_zone = arg; break;
	case O_PSL: c->psl = arg; break;
	case O_RECEIVER:
		c->receiver = one_of(cmd, "--receiver", arg, receivers);
		break;
	case O_SPF_DEFAULT_EXP: c->spf_default_exp = arg; break;
	case O_NO_COLOR: c->no_color = true; break;
	case 'q': c->quiet = true; break;
	case 'v': c->verbose++; break;
	case 'h': help(cmd); break;
	case O_VERSION: printf("authaudit %s\n", AA_VERSION); exit(0);
	case O_LIST_FINDINGS: list_findings(); break;
	default: return false;
	}
	return true;
}

/* Apply one command option; false when the command does not take it. */
static bool
command_option(struct cli *c, const struct command *cmd, int ch,
    const char *arg)
{
	unsigned need = ch == 's' ? CMD_SELECTOR : ch == O_IP ? CMD_IP :
	    ch == O_HELO ? CMD_HELO : ch == O_MAIL_FROM ? CMD_MAIL_FROM :
	    ch == O_BULK ? CMD_BULK : ch == O_SPF_ADD || ch == O_SPF_REMOVE ?
	    CMD_SPF_EDIT : 0;

	if (cmd == NULL || need == 0 || !(cmd->opts & need))
		return false;
	switch (ch) {
	case 's': push(&c->selectors, arg); break;
	case O_IP: cli_check_ip(cmd, arg); c->ip = arg; break;
	case O_HELO: c->helo = arg; break;
	case O_MAIL_FROM: c->mail_from = arg; break;
	case O_BULK: c->bulk = true; break;
	case O_SPF_ADD: push(&c->spf_add, arg); break;
	case O_SPF_REMOVE: push(&c->spf_remove, arg); break;
	}
	return true;
}

/* getopt_long over argv; "+" stops at the command name when cmd is NULL. */
static int
parse(struct cli *c, const struct command *cmd, int argc, char **argv)
{
	int ch, idx = 0;

	optind = 0;	/* glibc: start afresh, index 1 */
	opterr = 0;
	/* idx stays -1 when a short option was given: name it as typed. */
	while (idx = -1, (ch = getopt_long(argc, argv, cmd ? "+qvhs:" :
	    "+qvh", long_opts, &idx)) != -1) {
		if (ch == '?' || ch == ':')
			cli_usage_error(cmd, "%s: unknown option or missing "
			    "argument", argv[optind - 1]);
		if (!global_option(c, cmd, ch, optarg) &&
		    !command_option(c, cmd, ch, optarg))
			cli_usage_error(cmd, "%s%s: not an option of %s",
			    idx < 0 ? "-" : "--", idx < 0 ?
			    (char[]){ (char)ch, '\0' } : long_opts[idx].name,
			    cmd ? cmd->name : "authaudit without a command");
	}
	return optind;
}

int
main(int argc, char **argv)
{
	struct cli c = { .format = "text", .fail_on = AA_FAIL_ON_ERROR };
	const struct command *cmd;
	char **rest;
	int i, n, nrest = 0;

	c.renderer = aa_renderer_find("text");
	n = parse(&c, NULL, argc, argv);
	if (n >= argc)
		cli_usage_error(NULL, "no command given");
	if ((cmd = cli_command(argv[n])) == NULL)
		cli_usage_error(NULL, "%s: unknown command", argv[n]);
	/* The command's own options and operands, in any order. */
	rest = aa_xcalloc((size_t)argc + 1, sizeof(*rest));
	argc -= n;
	argv += n;
	while (argc > 0) {
		i = parse(&c, cmd, argc, argv);
		if (strcmp(argv[i - 1], "--") == 0 && i > 1) {
			while (i < argc)	/* after "--": operands only */
				rest[nrest++] = argv[i++];
			break;
		}
		argc -= i;
		argv += i;
		if (argc > 0)
			rest[nrest++] = argv[0];	/* then skipped as argv[0] */
	}
	c.cmd = cmd;
	c.args = rest;
	c.nargs = nrest;
	if (nrest < cmd->min_args || nrest > cmd->max_args)
		cli_usage_error(cmd, "%s: wrong number of operands", cmd->name);
	if (c.fail_on == AA_FAIL_ON_REGRESSION && c.baseline == NULL)
		cli_usage_error(cmd, "--fail-on regression: needs --baseline");
	if (c.now_set)
		aa_clock_pin(c.now);
	cli_baseline_load(&c);
	n = cmd->run(&c);
	aa_report_free(c.base);
	free(rest);
	free(c.zones.v);
	free(c.rrs.v);
	free(c.selectors.v);
	free(c.spf_add.v);
	free(c.spf_remove.v);
	return n;
}
