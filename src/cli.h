/*
 * cli.h: what main.c and the cmd_*.c files share: the parsed command
 * line, and the set-up and finish steps every command runs.  Only these
 * files print to stdout or stderr, or exit.
 */
#ifndef AA_CLI_H
#define AA_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "aa_dns.h"
#include "aa_render.h"
#include "aa_report.h"

/* Exit status (design.md 2). */
#define EXIT_FINDING	1
#define EXIT_USAGE	2
#define EXIT_INPUT	3
#define EXIT_TEMP	4

struct aa_psl;
struct cli_whatif;

struct cli_list {
	const char	**v;
	size_t		 n;
};

struct cli {
	/* Global options. */
	const char	*format;
	const struct aa_renderer *renderer;
	struct cli_list	 zones, rrs;
	struct aa_dns_config dns;
	bool		 now_set;
	int64_t		 now;
	enum aa_fail_on	 fail_on;
	const char	*baseline, *save_baseline, *save_zone, *psl, *receiver;
	struct aa_report *base;		/* --baseline, read by main() */
	struct cli_whatif *whatif;	/* --spf-add/--spf-remove run */
	const char	*spf_default_exp;
	bool		 no_color, quiet;
	int		 verbose;
	/* Command options. */
	struct cli_list	 selectors, spf_add, spf_remove;
	const char	*ip, *helo, *mail_from;
	bool		 bulk;
	const struct command *cmd;	/* the command being run */
	/* Operands after the options. */
	char		**args;
	int		 nargs;
};

struct command {
	const char	*name;
	int		(*run)(struct cli *);
	const char	*synopsis;	/* after "authaudit [options] " */
	const char	*summary;
	const char	*opt_help;	/* the command's own options */
	unsigned	 opts;		/* CMD_* options it takes */
	int		 min_args, max_args;
};

#define CMD_SELECTOR	0x01
#define CMD_IP		0x02
#define CMD_HELO	0x04
#define CMD_MAIL_FROM	0x08
#define CMD_BULK	0x10
#define CMD_SPF_EDIT	0x20

int	cmd_domain(struct cli *);
int	cmd_message(struct cli *);
int	cmd_spf(struct cli *);
int	cmd_dns(struct cli *);

/* "authaudit: ..." on stderr. */
void	cli_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: message, the command's usage line, exit 2. */
void	cli_usage_error(const struct command *, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
const struct command *cli_command(const char *);

/*
 * Make the DNS layer the options describe: zones, --rr, resolver.  On
 * failure prints why and exits 2 (bad --rr, resolver) or 3 (zone file).
 */
struct aa_dns	*cli_dns_setup(const struct cli *);
/* A normalised domain operand, or a usage error naming what. */
char		*cli_domain_arg(const struct command *, const char *what,
		    const char *arg);
/* Validate --ip (a usage error when it is not an IP address). */
void		 cli_check_ip(const struct command *, const char *);
/* rep->input with the --ip, --helo and --mail-from options filled in. */
struct aa_input	*cli_input(const struct cli *, struct aa_report *);
/*
 * Render rep, write --save-baseline and --save-zone, compare with
 * --baseline, free everything and return the exit status.  In the first
 * run of a what-if audit (cli_audit_dns) it only keeps the report.
 */
int		 cli_finish(struct cli *, struct aa_report *, struct aa_dns *);
/*
 * The DNS layer of an audit of domain (`domain`, `spf`): cli_dns_setup()
 * unless --spf-add or --spf-remove is given.  Then the command runs
 * twice: this first runs it again (its cli_finish() keeps the report as
 * it stands before the change, for whatif.before), then returns a layer
 * in which the domain's SPF record is edited; the cli_finish() of the
 * outer run adds the whatif section (design.md 3: every section shows
 * the state after the change).  With --baseline, `domain` also checks
 * the DKIM selectors whose key the baseline found (design.md 3a).
 */
struct aa_dns	*cli_audit_dns(struct cli *, const char *domain);
/*
 * The Public Suffix List (--psl, else Debian's).  One that cannot be
 * read is unreadable input: prints why and exits 3, as for a zone file.
 */
struct aa_psl	*cli_psl_open(const struct cli *);
/* Read --baseline into c->base; on failure print why and exit 3. */
void		 cli_baseline_load(struct cli *);

#endif /* AA_CLI_H */
