/*
 * helpers.h: shared helpers of the Criterion unit tests.  They assert
 * with cr_assert, so a failed setup fails the calling test with the
 * layer's own message.
 */
#ifndef AA_TEST_HELPERS_H
#define AA_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aa_dns.h"

/* A new layer with cfg (NULL: all defaults, live allowed). */
struct aa_dns	*th_dns_new(const struct aa_dns_config *);
/*
 * A layer (offline or not, no resolver) holding zone_text, loaded under
 * the name "test.zone".  Fails the test when the text does not load.
 */
struct aa_dns	*th_dns_from_zone(const char *zone_text, bool offline);
/* Load more zone text under name; fails the test on error. */
void		 th_dns_load(struct aa_dns *, const char *name,
		    const char *zone_text);
/* aa_dns_query that must return AA_OK and an answer. */
const struct aa_answer *th_query(struct aa_dns *, const char *name,
		    uint16_t type);
/* The first query log line for (name, type); NULL when none. */
const struct aa_qlog *th_log_find(const struct aa_dns *, const char *name,
		    uint16_t type);
/* How many query log lines there are for (name, type). */
size_t		 th_log_count(const struct aa_dns *, const char *name,
		    uint16_t type);
/* The first record of the answer whose data equals data; NULL when none. */
const struct aa_rr *th_rr_find(const struct aa_answer *, const char *data);
/* The warning containing needle; NULL when none. */
const char	*th_warning_find(const struct aa_dns *, const char *needle);

#endif /* AA_TEST_HELPERS_H */
