/* aa_clock.h: the one clock of the program; --now and the tests pin it. */
#ifndef AA_CLOCK_H
#define AA_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch: the pinned value if set, else the system time. */
int64_t	aa_now(void);
void	aa_clock_pin(int64_t);
/* Monotonic milliseconds, for durations and deadlines (never pinned). */
int64_t	aa_monotonic_ms(void);

#endif /* AA_CLOCK_H */
