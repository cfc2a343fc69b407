/*
 * fuzz_fields: the header-field readers of message input: Received
 * (msg_received.c), address lists (msg_addr.c), Authentication-Results
 * (msg_authres.c), RFC 2047 decoding and the reply-text IP finder.  The
 * first octet picks the reader.  Invariants: an address found is a valid
 * IPv4 or IPv6 address in presentation form (inet_pton accepts it); a
 * HELO name is lower case without a final dot; outputs are NUL-terminated
 * within their buffers; decoded text is valid UTF-8; readers are
 * deterministic.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aa_arena.h"
#include "aa_input.h"
#include "aa_utf8.h"
#include "fuzz.h"

static bool
valid_ip(const char *ip)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, ip, buf) == 1 ||
	    inet_pton(AF_INET6, ip, buf) == 1;
}

static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k, bad;

	while (n > 0) {
		if ((k = aa_utf8_seq(p, n, &bad)) == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

static void
fuzz_received(const char *s)
{
	char ip[64], helo[256], ip2[64], helo2[256];
	bool found = aa_received_parse(s, ip, sizeof(ip), helo, sizeof(helo));
	size_t i, n;

	FUZZ_ASSERT(memchr(ip, '\0', sizeof(ip)) != NULL);
	FUZZ_ASSERT(memchr(helo, '\0', sizeof(helo)) != NULL);
	if (found)
		FUZZ_ASSERT(valid_ip(ip));
	n = strlen(helo);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(helo[i] < 'A' || helo[i] > 'Z');
	FUZZ_ASSERT(n == 0 || helo[n - 1] != '.');
	FUZZ_ASSERT(aa_received_parse(s, ip2, sizeof(ip2), helo2,
	    sizeof(helo2)) == found);
	FUZZ_ASSERT(strcmp(ip, ip2) == 0 && strcmp(helo, helo2) == 0);
}

static void
fuzz_reply_ip(const char *s)
{
	char ip[64];

	if (aa_reply_ip(s, ip, sizeof(ip)))
		FUZZ_ASSERT(valid_ip(ip));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct aa_arena *a;
	struct aa_strvec addrs = { 0 }, addrs2 = { 0 };
	struct aa_authres ar;
	char *s, *dec;
	size_t n;

	if (len == 0)
		return 0;
	/* Field values reach these readers as C strings. */
	s = malloc(len);
	if (s == NULL)
		abort();
	memcpy(s, data + 1, len - 1);
	s[len - 1] = '\0';
	a = aa_arena_new();
	switch (data[0] % 5) {
	case 0:
		fuzz_received(s);
		break;
	case 1:
		n = aa_addr_list(a, s, strlen(s), &addrs);
		FUZZ_ASSERT(n == addrs.n);
		FUZZ_ASSERT(aa_addr_list(a, s, strlen(s), &addrs2) == n);
		break;
	case 2:
		memset(&ar, 0, sizeof(ar));
		if (aa_authres_parse(a, s, &ar))
			FUZZ_ASSERT(ar.authserv_id != NULL);
		break;
	case 3:
		dec = aa_mime_decode_header(a, s);
		FUZZ_ASSERT(dec != NULL);
		FUZZ_ASSERT(utf8_valid(dec));
		break;
	default:
		fuzz_reply_ip(s);
		break;
	}
	aa_arena_free(a);
	free(s);
	return 0;
}
