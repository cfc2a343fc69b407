/*
 * batch.c: ask several questions in one aa_dns_query_many() batch, which
 * the command line cannot do (dns asks one).  Built and run by
 * tests/live/run.sh against build/libauthaudit.a.
 *
 * usage: batch RESOLVER TIMEOUT_MS NAME TYPE [NAME TYPE]...
 *        batch RESOLVER TIMEOUT_MS many:COUNT:SUFFIX:TYPE
 * Prints "answer NAME TYPE RCODE DATA..." and "ms NAME MS" per question
 * (with many: one "rcodes RCODE=N..." line), then "total MS".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>

#include "aa_clock.h"
#include "aa_dns.h"

/* "many:COUNT:SUFFIX:TYPE": COUNT questions q1.SUFFIX ... qCOUNT.SUFFIX. */
static size_t
expand_many(const char *spec, struct aa_question **q)
{
	static char suffix[256], type[16];
	unsigned long count, i;
	char *name;

	if (sscanf(spec, "many:%lu:%255[^:]:%15s", &count, suffix, type) != 3 ||
	    count == 0 || count > 100000)
		return 0;
	*q = calloc(count, sizeof(**q));
	for (i = 0; i < count; i++) {
		name = malloc(strlen(suffix) + 16);
		sprintf(name, "q%lu.%s", i + 1, suffix);
		(*q)[i].name = name;
		(*q)[i].type = aa_dns_type_from_str(type);
	}
	return count;
}

/* Summary of a "many" batch: "rcodes NOERROR=300" (rcodes in order seen). */
static void
print_rcodes(const struct aa_answer **out, size_t n)
{
	size_t counts[16] = { 0 }, i;

	for (i = 0; i < n; i++)
		counts[out[i]->rcode < 16 ? out[i]->rcode : 15]++;
	printf("rcodes");
	for (i = 0; i < 16; i++)
		if (counts[i] > 0)
			printf(" %s=%zu", aa_rcode_str((enum aa_rcode)i),
			    counts[i]);
	printf("\n");
}

int
main(int argc, char *argv[])
{
	struct aa_dns_config cfg = { 0 };
	struct aa_question *q = NULL;
	const struct aa_answer **out;
	struct aa_dns *d;
	char err[256];
	size_t i, j, n = 0;
	bool many = false;
	int64_t t0;

	if (argc == 4 && strncmp(argv[3], "many:", 5) == 0) {
		n = expand_many(argv[3], &q);
		many = n > 0;
	} else if (argc >= 5 && argc % 2 == 1) {
		n = (size_t)(argc - 3) / 2;
		q = calloc(n, sizeof(*q));
		for (i = 0; i < n; i++) {
			q[i].name = argv[3 + 2 * i];
			q[i].type = aa_dns_type_from_str(argv[4 + 2 * i]);
		}
	}
	if (n == 0) {
		fprintf(stderr, "usage: batch RESOLVER TIMEOUT_MS NAME TYPE "
		    "[NAME TYPE]...\n       batch RESOLVER TIMEOUT_MS "
		    "many:COUNT:SUFFIX:TYPE\n");
		return 2;
	}
	out = calloc(n, sizeof(*out));
	cfg.resolver = argv[1];
	cfg.timeout_ms = (unsigned)strtoul(argv[2], NULL, 10);
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
	for (i = 0; i < n && !many; i++) {
		printf("answer %s %s %s", out[i]->qname,
		    aa_dns_type_str(out[i]->qtype),
		    aa_rcode_str(out[i]->rcode));
		for (j = 0; j < out[i]->nrr; j++)
			printf(" %s", out[i]->rr[j].data);
		printf("\nms %s %u\n", out[i]->qname, out[i]->ms);
	}
	if (many)
		print_rcodes(out, n);
	printf("total %lld\n", (long long)(aa_monotonic_ms() - t0));
	aa_dns_free(d);
	if (many)
		for (i = 0; i < n; i++)
			free((char *)(uintptr_t)q[i].name);
	free(q);
	free(out);
	return 0;
}
