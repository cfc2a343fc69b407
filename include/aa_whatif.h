/*
 * aa_whatif.h: --spf-add and --spf-remove.  The domain's SPF record is
 * fetched through the DNS layer, its text edited, and its TXT RRset
 * replaced in a second layer with aa_dns_add_rr(), so that every query of
 * the audit that follows sees the proposed record.  Findings on the
 * replaced records keep the zone file and line of the originals.
 * Owner: the CI issue.
 */
#ifndef AA_WHATIF_H
#define AA_WHATIF_H

#include <stddef.h>
#include <stdint.h>

#include "aa_status.h"

struct aa_arena;
struct aa_dns;
struct aa_report;

/* The longest SPF record an edit may produce (RFC 7208 3.4: keep < 450). */
#define AA_WHATIF_MAX_RECORD	4096

/*
 * Check one TERM of --spf-add or --spf-remove: one RFC 7208 4.6.1 term,
 * printable ASCII without spaces.  AA_EINVAL with err set otherwise.
 */
enum aa_status	 aa_whatif_term_check(const char *term, char *err,
		    size_t errlen);

/*
 * Edit the SPF record text rec (len octets, "v=spf1 ..."): first remove
 * every term equal to one of remove[] (ASCII case-insensitive, no
 * qualifier meaning "+", RFC 7208 4.6.2), then insert each of add[]
 * before the first "all" term, else before "redirect=", else at the end
 * (RFC 7208 4.6.1: terms are separated by spaces; other spacing is kept).
 * On AA_OK *out (NUL-terminated, *outlen octets) is in arena a.
 * AA_ENOTFOUND when a term to remove is not in the record, AA_ELIMIT
 * when the result is over AA_WHATIF_MAX_RECORD; err says which.
 */
enum aa_status	 aa_whatif_spf_edit(struct aa_arena *a, const uint8_t *rec,
		    size_t len, const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove, char **out,
		    size_t *outlen, char *err, size_t errlen);

struct aa_spf_edit;

/*
 * Find domain's SPF record through from (the layer of the audit before
 * the change) and prepare its edited TXT RRset.  AA_ENOTFOUND: no SPF
 * record, or several; AA_ETEMP: the TXT lookup failed temporarily;
 * AA_EINVAL: not a domain name; and as aa_whatif_spf_edit.  On AA_OK
 * *out is new (aa_whatif_free).  It lives no longer than from.
 */
enum aa_status	 aa_whatif_prepare(struct aa_dns *from, const char *domain,
		    const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove,
		    struct aa_spf_edit **out, char *err, size_t errlen);
/*
 * Whether the RRset being replaced holds the --rr record at position:
 * the layer after the change must be built without it.
 */
int		 aa_whatif_replaces_rr(const struct aa_spf_edit *,
		    unsigned position);
/*
 * Add the edited RRset to to (a layer with no query made yet), as --rr
 * records at positions first, first + 1, ...
 */
enum aa_status	 aa_whatif_apply(const struct aa_spf_edit *, struct aa_dns *to,
		    unsigned first, char *err, size_t errlen);
/*
 * Give the findings of rep whose origin is one of those --rr records the
 * origin of the record it replaced (a zone file and line; none if live).
 */
void		 aa_whatif_origins(const struct aa_spf_edit *, unsigned first,
		    struct aa_report *);
/* The SPF record before and after the edit (NUL-terminated). */
const char	*aa_whatif_record(const struct aa_spf_edit *, int after);
void		 aa_whatif_free(struct aa_spf_edit *);

#endif /* AA_WHATIF_H */
