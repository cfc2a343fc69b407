/* clock.c: the program's one clock (rpki-client's get_current_time()). */
#include <stdbool.h>
#include <time.h>

#include "aa_clock.h"

static bool	pinned;
static int64_t	pinned_at;

int64_t
aa_now(void)
{
	return pinned ? pinned_at : (int64_t)time(NULL);
}

void
aa_clock_pin(int64_t t)
{
	pinned = true;
	pinned_at = t;
}

int64_t
aa_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
