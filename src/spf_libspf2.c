/*
 * spf_libspf2.c: libspf2 (what Exim and OpenDMARC embed) as a second
 * opinion, in a child process.  The only file that includes libspf2.
 *
 * libspf2 1.2.10 crashes on crafted records (CVE-2023-42118, not fixed in
 * Debian; libraries.md 1), so it runs in a child forked before any thread
 * exists (authaudit has none), with resource limits and a timeout.  Its
 * DNS layer sends every question to the parent over a pipe; the parent
 * answers through our DNS layer, tagged by "libspf2" in the query log
 * (answers our own evaluation already fetched come from the cache and
 * are not logged again).  A crash or a timeout is reported, never fatal;
 * its result never overrides ours.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <spf2/spf.h>

#include "aa_dns.h"
#include "aa_report.h"
#include "spf_int.h"

#define CHILD_SECONDS	10	/* wall time of the child */
#define CHILD_MEMORY	(512UL << 20)
#define MAX_RR		64	/* records per answer sent to the child */
#define MAX_RDATA	65535
/*
 * Questions the child may ask; they do not count against the audit's
 * --max-queries (aa_dns_set_counted).  RFC 7208 4.6.4 bounds a compliant
 * check_host() to the record's TXT, 10 DNS-querying terms each with up
 * to 10 address lookups (mx, ptr) after its own query, and exp's TXT:
 * 2 + 10 * 11 = 112.  Twice that leaves room for libspf2's own ways
 * (it counts the limit per include, libraries.md 1, so a record over
 * the limit still gets its opinion, e.g. 3 includes of 5 a: each), yet
 * stops a tree of includes where it would ask a thousand.
 */
#define CHILD_MAX_QUERIES \
	(2 * (2 + AA_SPF_LOOKUP_LIMIT * (1 + AA_SPF_MAX_NAMES)))

/* Pipe I/O that survives EINTR and short transfers. */
static bool
xwrite(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool
xread(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (n == 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The child's side. */
struct child {
	int	 rfd, wfd;
};

static struct child child_io;

static SPF_dns_rr_t *
child_lookup(SPF_dns_server_t *srv, const char *domain, ns_type type,
    int should_cache)
{
	uint16_t q[2];
	int32_t rcode;
	uint32_t count, i, len;
	uint16_t rtype;
	SPF_dns_rr_t *rr;
	int herrno, n = 0;
	char *buf;

	(void)should_cache;
	q[0] = (uint16_t)type;
	q[1] = (uint16_t)strnlen(domain, 1024);
	if (!xwrite(child_io.wfd, q, sizeof(q)) ||
	    !xwrite(child_io.wfd, domain, q[1]) ||
	    !xread(child_io.rfd, &rcode, sizeof(rcode)) ||
	    !xread(child_io.rfd, &count, sizeof(count)))
		_exit(3);
	/* libraries.md 1: the herrno values libspf2 understands. */
	herrno = rcode == AA_RCODE_NOERROR ? (count > 0 ? NETDB_SUCCESS :
	    NO_DATA) : rcode == AA_RCODE_NXDOMAIN ? HOST_NOT_FOUND :
	    TRY_AGAIN;
	rr = SPF_dns_rr_new_init(srv, domain, type, 300, herrno);
	if (rr == NULL)
		_exit(3);
	for (i = 0; i < count; i++) {
		if (!xread(child_io.rfd, &rtype, sizeof(rtype)) ||
		    !xread(child_io.rfd, &len, sizeof(len)) || len > MAX_RDATA)
			_exit(3);
		buf = malloc(len + 1);
		if (buf == NULL || !xread(child_io.rfd, buf, len))
			_exit(3);
		buf[len] = '\0';
		if (SPF_dns_rr_buf_realloc(rr, n, len + 1) != SPF_E_SUCCESS)
			_exit(3);
		switch (type) {
		case ns_t_a:
			memcpy(&rr->rr[n]->a, buf, 4);
			break;
		case ns_t_aaaa:
			memcpy(&rr->rr[n]->aaaa, buf, 16);
			break;
		default:
			/* TXT, MX, PTR: NUL-terminated text. */
			memcpy(rr->rr[n]->txt, buf, len + 1);
			break;
		}
		free(buf);
		n++;
	}
	rr->num_rr = n;
	return rr;
}

static enum aa_spf_result
map_result(SPF_result_t r, SPF_errcode_t e)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL:
		return AA_SPF_NEUTRAL;
	case SPF_RESULT_PASS:
		return AA_SPF_PASS;
	case SPF_RESULT_FAIL:
		return AA_SPF_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return AA_SPF_SOFTFAIL;
	case SPF_RESULT_NONE:
		return AA_SPF_NONE;
	case SPF_RESULT_TEMPERROR:
		return AA_SPF_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return AA_SPF_PERMERROR;
	default:
		/* 1.2.10 says "invalid" when it cannot fetch or compile. */
		return e == SPF_E_DNS_ERROR ? AA_SPF_TEMPERROR :
		    AA_SPF_PERMERROR;
	}
}

static void
limits(void)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = 0;
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)setrlimit(RLIMIT_FSIZE, &rl);
	rl.rlim_cur = rl.rlim_max = CHILD_SECONDS;
	(void)setrlimit(RLIMIT_CPU, &rl);
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of shadow: no cap there. */
	rl.rlim_cur = rl.rlim_max = CHILD_MEMORY;
	(void)setrlimit(RLIMIT_AS, &rl);
#endif
}

static void __attribute__((noreturn))
child_main(int rfd, int wfd, const char *ip, const char *helo,
    const char *sender, const char *domain)
{
	SPF_dns_server_t layer;
	SPF_server_t *srv;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	SPF_errcode_t e;
	int32_t out[2];
	int devnull;
	const char *at = strrchr(sender, '@');
	char from[600];

	child_io.rfd = rfd;
	child_io.wfd = wfd;
	/* libspf2 and glibc's fatal messages must not reach our output. */
	if ((devnull = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(devnull, STDOUT_FILENO);
		(void)dup2(devnull, STDERR_FILENO);
	}
	(void)setenv("LIBC_FATAL_STDERR_", "1", 1);
	limits();
	alarm(CHILD_SECONDS);
	memset(&layer, 0, sizeof(layer));
	layer.lookup = child_lookup;
	layer.name = "authaudit";
	if ((srv = SPF_server_new_dns(&layer, 0)) == NULL)
		_exit(4);
	(void)SPF_server_set_rec_dom(srv, "authaudit.invalid");
	/* libspf2 checks the domain of env-from: give it ours. */
	snprintf(from, sizeof(from), "%.*s@%s", at != NULL ?
	    (int)(at - sender) : 10, at != NULL ? sender : "postmaster",
	    domain);
	req = SPF_request_new(srv);
	if (SPF_request_set_ipv4_str(req, ip) != SPF_E_SUCCESS &&
	    SPF_request_set_ipv6_str(req, ip) != SPF_E_SUCCESS)
		_exit(4);
	if (helo != NULL && helo[0] != '\0')
		(void)SPF_request_set_helo_dom(req, helo);
	(void)SPF_request_set_env_from(req, from);
	e = SPF_request_query_mailfrom(req, &resp);
	out[0] = (int32_t)map_result(SPF_response_result(resp),
	    SPF_response_errcode(resp) != SPF_E_SUCCESS ?
	    SPF_response_errcode(resp) : e);
	out[1] = (int32_t)SPF_response_result(resp);
	/* A result marker: type 0xffff ends the conversation. */
	{
		uint16_t q[2] = { 0xffff, sizeof(out) };

		if (!xwrite(wfd, q, sizeof(q)) || !xwrite(wfd, out,
		    sizeof(out)))
			_exit(3);
	}
	_exit(0);
}

/*
 * Answer one question of the child through our DNS layer, uncounted: the
 * child has its own cap.  An answer the audit's time limit refused makes
 * its opinion unavailable: the temperror it would then give comes from
 * our limit, not from the DNS.
 */
static bool
answer(struct aa_dns *dns, int wfd, const char *name, uint16_t type,
    struct spf_second *so)
{
	struct aa_question q = { name, type, "libspf2" };
	const struct aa_answer *ans = NULL;
	int32_t rcode = AA_RCODE_NXDOMAIN;
	uint32_t count = 0, len, i;
	uint16_t t;
	bool counted;

	counted = aa_dns_set_counted(dns, false);
	if (aa_dns_query_many(dns, &q, 1, &ans) == AA_OK && ans != NULL)
		rcode = (int32_t)ans->rcode;
	(void)aa_dns_set_counted(dns, counted);
	if (rcode == AA_RCODE_BUDGET && !so->unavailable) {
		so->unavailable = true;
		snprintf(so->note, sizeof(so->note), "no opinion: the audit's "
		    "time limit ran out while libspf2 was asking");
	}
	if (ans != NULL)
		for (i = 0; i < ans->nrr && count < MAX_RR; i++)
			if (ans->rr[i].type == type)
				count++;
	if (!xwrite(wfd, &rcode, sizeof(rcode)) ||
	    !xwrite(wfd, &count, sizeof(count)))
		return false;
	for (i = 0; ans != NULL && i < ans->nrr && count > 0; i++) {
		const struct aa_rr *rr = &ans->rr[i];
		const void *data;

		if (rr->type != type)
			continue;
		count--;
		t = rr->type;
		if (type == AA_TYPE_A || type == AA_TYPE_AAAA) {
			data = rr->addr;
			len = type == AA_TYPE_A ? 4 : 16;
		} else if (type == AA_TYPE_TXT || type == AA_TYPE_SPF) {
			data = rr->joined.data;
			len = (uint32_t)(rr->joined.len > MAX_RDATA ?
			    MAX_RDATA : rr->joined.len);
		} else {
			data = rr->target != NULL ? rr->target : "";
			len = (uint32_t)strlen(data);
		}
		if (!xwrite(wfd, &t, sizeof(t)) ||
		    !xwrite(wfd, &len, sizeof(len)) || !xwrite(wfd, data, len))
			return false;
	}
	return true;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Serve the child until it reports, exits, or runs out of time. */
static void
serve(struct aa_dns *dns, int rfd, int wfd, struct spf_second *so)
{
	long long deadline = now_ms() + CHILD_SECONDS * 1000;
	struct pollfd pfd;
	uint16_t q[2];
	int32_t out[2];
	char name[1025];
	unsigned asked = 0;
	int left;

	for (;;) {
		pfd.fd = rfd;
		pfd.events = POLLIN;
		left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&pfd, 1, left) == 0) {
			snprintf(so->note, sizeof(so->note), "no answer "
			    "within %d seconds", CHILD_SECONDS);
			so->crashed = true;
			return;
		}
		if (!xread(rfd, q, sizeof(q)))
			return;		/* the child is gone: see waitpid */
		if (q[0] == 0xffff) {
			if (q[1] != sizeof(out) || !xread(rfd, out, sizeof(out)))
				return;
			so->result = (enum aa_spf_result)out[0];
			so->ran = true;
			return;
		}
		if (q[1] >= sizeof(name) || !xread(rfd, name, q[1]))
			return;
		name[q[1]] = '\0';
		/* Its own cap, not the audit's: then it is stopped. */
		if (++asked > CHILD_MAX_QUERIES) {
			so->unavailable = so->stopped = true;
			snprintf(so->note, sizeof(so->note), "no opinion: "
			    "libspf2 was stopped after %d DNS questions (it "
			    "counts the 10-lookup limit of RFC 7208 4.6.4 per "
			    "record, not per evaluation)", CHILD_MAX_QUERIES);
			return;
		}
		if (!answer(dns, wfd, name, q[0], so))
			return;
	}
}

void
spf_libspf2_run(struct aa_dns *dns, const char *ip, const char *helo,
    const char *sender, const char *domain, struct spf_second *so)
{
	struct sigaction ign, old;
	int up[2], down[2], status;
	bool got;
	pid_t pid;

	memset(so, 0, sizeof(*so));
	if (pipe(up) != 0)
		return;
	if (pipe(down) != 0) {
		close(up[0]);
		close(up[1]);
		return;
	}
	/* No thread exists in authaudit: fork is safe here. */
	if ((pid = fork()) < 0) {
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
		return;
	}
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		child_main(down[0], up[1], ip, helo, sender, domain);
	}
	close(up[1]);
	close(down[0]);
	/* A dead child must not kill us with SIGPIPE. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGPIPE, &ign, &old);
	serve(dns, up[0], down[1], so);
	got = so->ran;
	if (so->crashed || so->stopped)
		kill(pid, SIGKILL);
	close(up[0]);
	close(down[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	(void)sigaction(SIGPIPE, &old, NULL);
	if (so->crashed || so->stopped) {
		so->ran = true;
		so->result = AA_SPF_NONE;
		return;
	}
	/*
	 * Killed by a signal, or (under a sanitizer, which turns the
	 * overflow into exit status 1) exited without a result: the same
	 * crash, reported the same way.
	 */
	if (!got && (WIFSIGNALED(status) || WIFEXITED(status))) {
		so->ran = true;
		so->crashed = true;
		snprintf(so->note, sizeof(so->note), "its process died "
		    "before giving a result");
	}
}
