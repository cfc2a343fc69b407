/*
 * batch.c: ask several questions in one aa_dns_query_many() batch, which
 * the command line cannot do (dns asks one).  Built and run by
 * tests/live/run.sh against build/libauthaudit.a.
 *
 * usage: batch RESOLVER TIMEOUT_MS NAME TYPE [NAME TYPE]...
 * Prints "answer NAME TYPE RCODE DATA..." and "ms NAME MS" per question,
 * then "total MS" for the whole batch.
 */
#include <stdio.h>
#include <stdlib.h>

#include "aa_clock.h"
#include "aa_dns.h"

int
main(int argc, char *argv[])
{
	struct aa_dns_config cfg = { 0 };
	struct aa_question q[16];
	const struct aa_answer *out[16];
	struct aa_dns *d;
	char err[256];
	size_t i, j, n = 0;
	int64_t t0;

	if (argc < 5 || argc % 2 == 0 || (argc - 3) / 2 > 16) {
		fprintf(stderr, "usage: batch RESOLVER TIMEOUT_MS NAME TYPE "
		    "[NAME TYPE]...\n");
		return 2;
	}
	cfg.resolver = argv[1];
	cfg.timeout_ms = (unsigned)strtoul(argv[2], NULL, 10);
	for (i = 3; i + 1 < (size_t)argc; i += 2, n++) {
		q[n].name = argv[i];
		q[n].type = aa_dns_type_from_str(argv[i + 1]);
		q[n].by = NULL;
	}
	if (aa_dns_new(&cfg, &d, err, sizeof(err)) != AA_OK) {
		fprintf(stderr, "batch: %s\n", err);
		return 2;
	}
	t0 = aa_monotonic_ms();
	if (aa_dns_query_many(d, q, n, out) != AA_OK) {
		fprintf(stderr, "batch: an invalid name\n");
		aa_dns_free(d);
		return 2;
	}
	for (i = 0; i < n; i++) {
		printf("answer %s %s %s", out[i]->qname,
		    aa_dns_type_str(out[i]->qtype),
		    aa_rcode_str(out[i]->rcode));
		for (j = 0; j < out[i]->nrr; j++)
			printf(" %s", out[i]->rr[j].data);
		printf("\nms %s %u\n", out[i]->qname, out[i]->ms);
	}
	printf("total %lld\n", (long long)(aa_monotonic_ms() - t0));
	aa_dns_free(d);
	return 0;
}
