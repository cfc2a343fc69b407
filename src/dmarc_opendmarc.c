/*
 * dmarc_opendmarc.c: libopendmarc's opinion, the only file that includes
 * <opendmarc/dmarc.h>.  It is fed through the store_* API only: the
 * record we fetched, the From domain and the SPF and DKIM results.  Its
 * DNS functions (query_dmarc, fetch_rua/ruf with a buffer, opendmarc_spf*)
 * are never called, so every lookup stays in our layer.  One context per
 * evaluation; after a failed store_dmarc the context keeps partial state
 * (libraries.md 3), so it is discarded and nothing more is asked of it.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <opendmarc/dmarc.h>

#include "dmarc_int.h"

#define OD_MAX_NAME	253	/* its buffers are 256 octets */

static int
spf_outcome(enum od_outcome o)
{
	switch (o) {
	case OD_PASS:
		return DMARC_POLICY_SPF_OUTCOME_PASS;
	case OD_FAIL:
		return DMARC_POLICY_SPF_OUTCOME_FAIL;
	case OD_TEMP:
		return DMARC_POLICY_SPF_OUTCOME_TMPFAIL;
	default:
		return DMARC_POLICY_SPF_OUTCOME_NONE;
	}
}

static int
dkim_outcome(enum od_outcome o)
{
	switch (o) {
	case OD_PASS:
		return DMARC_POLICY_DKIM_OUTCOME_PASS;
	case OD_FAIL:
		return DMARC_POLICY_DKIM_OUTCOME_FAIL;
	case OD_TEMP:
		return DMARC_POLICY_DKIM_OUTCOME_TMPFAIL;
	default:
		return DMARC_POLICY_DKIM_OUTCOME_NONE;
	}
}

static bool
name_ok(const char *s)
{
	return s != NULL && *s != '\0' && strlen(s) <= OD_MAX_NAME;
}

static char
policy_char(int pol)
{
	switch (pol) {
	case DMARC_POLICY_ABSENT:
		return 'A';
	case DMARC_POLICY_PASS:
		return 'P';
	case DMARC_POLICY_REJECT:
		return 'R';
	case DMARC_POLICY_QUARANTINE:
		return 'Q';
	case DMARC_POLICY_NONE:
		return 'N';
	default:
		return 'E';
	}
}

/* Feed one context and ask for its policy. */
static void
evaluate(DMARC_POLICY_T *pctx, const struct od_input *in,
    struct od_output *out)
{
	int dk = 0, sp = 0;
	size_t i;

	/* store_dmarc overwrites the From domain with its domain argument. */
	(void)opendmarc_policy_store_from_domain(pctx, (u_char *)(uintptr_t)
	    in->from);
	if (in->record != NULL) {
		out->status = opendmarc_policy_store_dmarc(pctx,
		    (u_char *)(uintptr_t)in->record,
		    (u_char *)(uintptr_t)in->from,
		    (u_char *)(uintptr_t)in->org_domain);
		out->status_str = opendmarc_policy_status_to_str(out->status);
		if (out->status != DMARC_PARSE_OKAY) {
			out->policy = 'E';
			return;
		}
	}
	if (name_ok(in->spf_domain))
		(void)opendmarc_policy_store_spf(pctx,
		    (u_char *)(uintptr_t)in->spf_domain,
		    spf_outcome(in->spf_outcome), in->spf_helo ?
		    DMARC_POLICY_SPF_ORIGIN_HELO :
		    DMARC_POLICY_SPF_ORIGIN_MAILFROM, NULL);
	for (i = 0; i < in->nsigs; i++)
		if (name_ok(in->sigs[i].domain))
			(void)opendmarc_policy_store_dkim(pctx,
			    (u_char *)(uintptr_t)in->sigs[i].domain,
			    (u_char *)(uintptr_t)(in->sigs[i].selector != NULL ?
			    in->sigs[i].selector : ""),
			    dkim_outcome(in->sigs[i].outcome), NULL);
	out->policy = policy_char(opendmarc_get_policy_to_enforce(pctx));
	if (opendmarc_policy_fetch_alignment(pctx, &dk, &sp) ==
	    DMARC_PARSE_OKAY) {
		out->dkim_aligned = dk == DMARC_POLICY_DKIM_ALIGNMENT_PASS;
		out->spf_aligned = sp == DMARC_POLICY_SPF_ALIGNMENT_PASS;
	}
	(void)opendmarc_policy_fetch_pct(pctx, &out->pct);
	(void)opendmarc_policy_fetch_p(pctx, &out->p);
	(void)opendmarc_policy_fetch_sp(pctx, &out->sp);
}

void
dm_opendmarc_run(const struct od_input *in, struct od_output *out)
{
	OPENDMARC_LIB_T lib;
	DMARC_POLICY_T *pctx;
	char ip[64];

	memset(out, 0, sizeof(*out));
	out->pct = -1;
	if (!name_ok(in->from) || (in->org_domain != NULL &&
	    !name_ok(in->org_domain)))
		return;
	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	if (in->psl_path != NULL && strlen(in->psl_path) <
	    sizeof(lib.tld_source_file))
		memcpy(lib.tld_source_file, in->psl_path,
		    strlen(in->psl_path) + 1);
	if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
		(void)opendmarc_policy_library_shutdown(&lib);
		return;
	}
	snprintf(ip, sizeof(ip), "%s", in->ip != NULL ? in->ip : "0.0.0.0");
	pctx = opendmarc_policy_connect_init((u_char *)ip,
	    strchr(ip, ':') != NULL);
	if (pctx != NULL) {
		out->ran = true;
		evaluate(pctx, in, out);
		(void)opendmarc_policy_connect_shutdown(pctx);
	}
	(void)opendmarc_policy_library_shutdown(&lib);
}
