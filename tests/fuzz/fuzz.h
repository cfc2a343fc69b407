/*
 * fuzz.h: what every libFuzzer target shares.  An invariant that does not
 * hold aborts, so libFuzzer keeps the input as a crash.
 */
#ifndef AA_FUZZ_H
#define AA_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif /* AA_FUZZ_H */
