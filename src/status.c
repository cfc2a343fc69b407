/* status.c: names of operational status codes. */
#include "aa_status.h"

const char *
aa_strerror(enum aa_status s)
{
	switch (s) {
	case AA_OK:
		return "success";
	case AA_EINVAL:
		return "invalid argument";
	case AA_EPARSE:
		return "parse error";
	case AA_EIO:
		return "input/output error";
	case AA_ELIMIT:
		return "limit reached";
	case AA_ENOTFOUND:
		return "not found";
	case AA_ETEMP:
		return "temporary failure";
	}
	return "unknown error";
}
