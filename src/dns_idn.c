/* dns_idn.c: the libidn2 adapter: UTF-8 names to A-labels (UTS #46). */
#include <stdlib.h>

#include <idn2.h>

#include "aa_xmalloc.h"
#include "dns_int.h"

int
dns_idn_to_ascii(const char *utf8, char **out)
{
	char *p = NULL;
	int rc;

	/* UTS #46 non-transitional processing, as browsers and MTAs do. */
	rc = idn2_to_ascii_8z(utf8, &p, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		free(p);
		return -1;
	}
	*out = aa_xstrdup(p);
	idn2_free(p);
	return 0;
}
