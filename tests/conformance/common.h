/*
 * common.h: what the DKIM corpus runners share (conf_dkim.c, conf_dsn.c):
 * a corpus message's DNS entries as an offline DNS layer, and reading a
 * corpus message.
 */
#ifndef CONF_COMMON_H
#define CONF_COMMON_H

#include <jansson.h>

struct aa_dns;
struct aa_msg;
struct aa_report;

/*
 * The "dns" entries of one INDEX.json message as an offline DNS layer
 * (a zone text served by our zone reader); NULL with a message on
 * standard error when they cannot be served.
 */
struct aa_dns	*conf_dns_for(json_t *dns, const char *file);
/* $CONFORMANCE/dkim/FILE, read within the default caps; NULL on error. */
struct aa_msg	*conf_read_msg(const char *dir, const char *file);

/* Each signature's result, "r1,r2,..." ("null" when unset), or "none". */
void		 conf_dkim_results(const struct aa_report *, char *buf,
		    size_t len);

#endif /* CONF_COMMON_H */
