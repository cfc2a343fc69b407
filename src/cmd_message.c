/*
 * cmd_message.c: authaudit message [FILE|-].  Reads the message with its
 * caps (design.md 5), then runs the stages in order: input recovery and
 * bounce reading, DKIM, SPF, DMARC (which needs both), bounce classes,
 * verdict.  Each stage is one region below, owned by its check's issue.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aa_msg.h"
#include "cli.h"

int
cmd_message(struct cli *c)
{
	const char *path = c->nargs > 0 ? c->args[0] : "-";
	struct aa_report *rep = aa_report_new("message");
	struct aa_msg *msg = NULL;
	const struct aa_msg *checked;
	bool headers_only;
	struct aa_dns *dns;
	enum aa_status st;
	char err[512];
	FILE *fp;

	cli_input(c, rep);
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL) {
		cli_warnx("%s: %s", path, strerror(errno));
		aa_report_free(rep);
		return EXIT_INPUT;
	}
	st = aa_msg_read(fp, NULL, &msg, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (st == AA_ELIMIT)
		aa_report_add(rep, AA_F_MSG_TOO_LARGE, path, "%s", err);
	else if (st != AA_OK) {
		cli_warnx("%s: %s", path, err);
		aa_report_free(rep);
		return EXIT_INPUT;
	}
	dns = cli_dns_setup(c);
	/*
	 * What the checks read: the top message, until the input stage
	 * finds the returned message (or only its headers) in a bounce.
	 * NULL when the message is over its caps (msg-too-large).
	 */
	checked = msg;
	headers_only = false;
	/* BEGIN stage input (message-input issue) */
	/* END stage input */
	/* BEGIN stage dkim (DKIM issue) */
	/* END stage dkim */
	/* BEGIN stage spf (SPF issue) */
	/* END stage spf */
	/* BEGIN stage dmarc (DMARC issue) */
	/* END stage dmarc */
	/* BEGIN stage bounce (bounce-classes issue) */
	/* END stage bounce */
	/* BEGIN stage verdict (verdict issue) */
	/* END stage verdict */
	/* BEGIN stage cleanup */
	/* END stage cleanup */
	(void)checked;		/* the lead removes these once stages read them */
	(void)headers_only;
	aa_msg_free(msg);
	cli_not_yet(c, "the message checks (DKIM, SPF, DMARC, bounces)");
	return cli_finish(c, rep, dns);
}
