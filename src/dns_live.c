/*
 * dns_live.c: the live backend, the only network I/O of the program.
 * ldns builds and parses the packets; the questions of a batch are in
 * flight together over UDP (one connected socket each), resent to the
 * next server on a schedule within the per-query timeout, and retried
 * over TCP on truncation (RFC 7766).  An answer whose id, flags or
 * question do not match ours is ignored, as a resolver must (RFC 5452).
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aa_clock.h"
#include "aa_xmalloc.h"
#include "dns_int.h"

#define MAX_SERVERS	4
#define EDNS_SIZE	1232	/* DNS flag day 2020 */
#define MAX_MSG		65535

struct server {
	struct sockaddr_storage ss;
	socklen_t	 len;
	char		 name[160];	/* "[v6]:port" */
	bool		 failed;	/* port unreachable */
};

struct live {
	struct server	 srv[MAX_SERVERS];
	size_t		 nsrv;
};

struct qstate {
	struct live_q	*q;
	int		 fd;
	uint16_t	 id;
	uint8_t		*wire;
	size_t		 wirelen;
	size_t		 srv;		/* index of the server asked last */
	int64_t		 start, deadline, next_send;
	bool		 done;
};

static int
parse_server(const char *s, struct server *out)
{
	char host[128];
	const char *port = NULL, *end;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	unsigned long p = 53;
	char *ep;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL ||
		    (size_t)(end - s - 1) >= sizeof(host))
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -1;
	} else {
		if (strlen(s) >= sizeof(host))
			return -1;
		strcpy(host, s);
		end = strchr(host, ':');
		if (end != NULL && strchr(end + 1, ':') == NULL) {
			host[end - host] = '\0';
			port = s + (end - host) + 1;
		}
	}
	if (port != NULL) {
		errno = 0;
		p = strtoul(port, &ep, 10);
		if (*port == '\0' || *ep != '\0' || p == 0 || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		out->len = sizeof(*v4);
		snprintf(out->name, sizeof(out->name), "%s:%lu", host, p);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		out->len = sizeof(*v6);
		snprintf(out->name, sizeof(out->name), "[%s]:%lu", host, p);
	} else
		return -1;
	return 0;
}

/* The system's servers, from resolv.conf by ldns. */
static int
system_servers(struct live *l, char *err, size_t errlen)
{
	ldns_resolver *r = NULL;
	ldns_rdf **ns;
	char *s;
	size_t i;

	if (ldns_resolver_new_frm_file(&r, NULL) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "cannot read the system resolver "
		    "configuration (/etc/resolv.conf); use --resolver or "
		    "--offline");
		return -1;
	}
	ns = ldns_resolver_nameservers(r);
	for (i = 0; i < ldns_resolver_nameserver_count(r) &&
	    l->nsrv < MAX_SERVERS; i++) {
		s = ldns_rdf2str(ns[i]);
		if (s != NULL && parse_server(s, &l->srv[l->nsrv]) == 0)
			l->nsrv++;
		free(s);
	}
	ldns_resolver_deep_free(r);
	if (l->nsrv == 0) {
		snprintf(err, errlen, "no usable nameserver in "
		    "/etc/resolv.conf; use --resolver or --offline");
		return -1;
	}
	return 0;
}

struct live *
live_new(const char *resolver, char *err, size_t errlen)
{
	struct live *l = aa_xcalloc(1, sizeof(*l));

	if (resolver == NULL) {
		if (system_servers(l, err, errlen) == 0)
			return l;
	} else if (parse_server(resolver, &l->srv[0]) == 0) {
		l->nsrv = 1;
		return l;
	} else
		snprintf(err, errlen, "--resolver %s: not ADDR, ADDR:PORT or "
		    "[IPV6]:PORT with an IP address", resolver);
	free(l);
	return NULL;
}

void
live_free(struct live *l)
{
	free(l);
}

static int
build_query(struct qstate *s)
{
	ldns_rdf *name = ldns_dname_new_frm_str(s->q->name);
	ldns_pkt *pkt;

	if (name == NULL)
		return -1;
	pkt = ldns_pkt_query_new(name, s->q->type, LDNS_RR_CLASS_IN, LDNS_RD);
	if (pkt == NULL)
		return -1;
	ldns_pkt_set_random_id(pkt);
	ldns_pkt_set_edns_udp_size(pkt, EDNS_SIZE);
	s->id = ldns_pkt_id(pkt);
	if (ldns_pkt2wire(&s->wire, pkt, &s->wirelen) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		return -1;
	}
	ldns_pkt_free(pkt);
	return 0;
}

static enum aa_rcode
map_rcode(ldns_pkt_rcode rc)
{
	switch (rc) {
	case LDNS_RCODE_NOERROR:
		return AA_RCODE_NOERROR;
	case LDNS_RCODE_NXDOMAIN:
		return AA_RCODE_NXDOMAIN;
	case LDNS_RCODE_REFUSED:
		return AA_RCODE_REFUSED;
	case LDNS_RCODE_FORMERR:
		return AA_RCODE_FORMERR;
	case LDNS_RCODE_NOTIMPL:
		return AA_RCODE_NOTIMP;
	default:
		return AA_RCODE_SERVFAIL;
	}
}

/* Parse a reply; NULL unless it answers exactly our question. */
static ldns_pkt *
match_reply(const struct qstate *s, const uint8_t *buf, size_t len)
{
	ldns_pkt *pkt = NULL;
	ldns_rr *q;
	ldns_rdf *want;
	bool ok;

	if (len < 12 || (buf[0] << 8 | buf[1]) != s->id || !(buf[2] & 0x80))
		return NULL;
	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK)
		return NULL;
	/*
	 * Some servers send FORMERR, NOTIMP or REFUSED without the question
	 * section; such an error (with no answer) is taken on its id alone,
	 * as it can only make the lookup fail, never forge data.
	 */
	if (ldns_pkt_qdcount(pkt) == 0 && ldns_pkt_ancount(pkt) == 0 &&
	    ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR &&
	    ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NXDOMAIN)
		return pkt;
	if (ldns_pkt_qdcount(pkt) != 1 ||
	    ldns_rr_list_rr_count(ldns_pkt_question(pkt)) != 1) {
		ldns_pkt_free(pkt);
		return NULL;
	}
	q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	want = ldns_dname_new_frm_str(s->q->name);
	ok = want != NULL && ldns_dname_compare(ldns_rr_owner(q), want) == 0 &&
	    ldns_rr_get_type(q) == s->q->type &&
	    ldns_rr_get_class(q) == LDNS_RR_CLASS_IN;
	ldns_rdf_deep_free(want);
	if (!ok) {
		ldns_pkt_free(pkt);
		return NULL;
	}
	return pkt;
}

/* When done: the time it took, this question alone (not the batch). */
static void
mark_done(struct qstate *s)
{
	s->q->out->ms = (unsigned)(aa_monotonic_ms() - s->start);
	s->done = true;
}

static void
fill(struct aa_arena *a, struct qstate *s, const struct live *l,
    const ldns_pkt *pkt)
{
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t i, n = ldns_rr_list_rr_count(an);
	struct dns_resp *r = s->q->out;

	r->rcode = map_rcode(ldns_pkt_get_rcode(pkt));
	r->rr = aa_arena_alloc(a, (n + 1) * sizeof(*r->rr));
	for (i = 0; i < n; i++)
		dns_rr_convert(a, ldns_rr_list_rr(an, i), NULL, NULL, 0,
		    &r->rr[i]);
	r->nrr = n;
	r->origin = aa_arena_strdup(a, l->srv[s->srv].name);
	mark_done(s);
}

static void
finish(struct aa_arena *a, struct qstate *s, const struct live *l,
    enum aa_rcode rc)
{
	s->q->out->rcode = rc;
	s->q->out->nrr = 0;
	s->q->out->origin = aa_arena_strdup(a, l->srv[s->srv].name);
	mark_done(s);
}

/*
 * The server asked last is unusable (port unreachable, no route): the
 * next one, now; NETERROR once none is left.
 */
static void
server_failed(struct aa_arena *a, struct live *l, struct qstate *s)
{
	size_t i;

	l->srv[s->srv].failed = true;
	for (i = 0; i < l->nsrv && l->srv[i].failed; i++)
		;
	if (i == l->nsrv)
		finish(a, s, l, AA_RCODE_NETERROR);
	else
		s->next_send = 0;
}

/* Send (again) to the next server that has not refused us. */
static void
send_udp(struct aa_arena *a, struct live *l, struct qstate *s, bool rotate,
    int64_t now)
{
	const struct server *sv;
	size_t tries, was = s->srv;
	int64_t span = s->deadline - s->start;

	for (tries = 0; rotate && tries < l->nsrv; tries++) {
		s->srv = (s->srv + 1) % l->nsrv;
		if (!l->srv[s->srv].failed)
			break;
	}
	sv = &l->srv[s->srv];
	/* Three sends within the timeout, at least 200 ms apart. */
	s->next_send = now + (span / 3 > 200 ? span / 3 : 200);
	/*
	 * A resend to the same server goes out on the same socket: the
	 * answer to an earlier datagram (same id) may still be on its way,
	 * and a slow server would never be heard if we stopped listening.
	 */
	if (s->fd >= 0 && s->srv != was) {
		close(s->fd);
		s->fd = -1;
	}
	if (s->fd < 0) {
		/* Out of descriptors or buffers: the schedule retries. */
		if ((s->fd = socket(sv->ss.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
			if (errno == EAFNOSUPPORT)	/* no IPv6 here */
				server_failed(a, l, s);
			return;
		}
		/* connect() of UDP fails only for want of a route. */
		if (connect(s->fd, (const struct sockaddr *)&sv->ss,
		    sv->len) != 0) {
			close(s->fd);
			s->fd = -1;
			server_failed(a, l, s);
			return;
		}
	}
	/* A failed send is a lost datagram: the schedule retries. */
	(void)send(s->fd, s->wire, s->wirelen, 0);
}

static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd p = { fd, ev, 0 };
	int64_t left;
	int rc;

	do {
		left = deadline - aa_monotonic_ms();
		if (left <= 0)
			return -1;
		rc = poll(&p, 1, (int)left);
	} while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

static int
io_all(int fd, uint8_t *buf, size_t len, bool wr, int64_t deadline)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (wait_fd(fd, wr ? POLLOUT : POLLIN, deadline) != 0)
			return -1;
		n = wr ? send(fd, buf + done, len - done, MSG_NOSIGNAL) :
		    recv(fd, buf + done, len - done, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Read length-prefixed messages from a TCP connection until one answers
 * our question.  RFC 7766 7: responses on a connection are matched to
 * queries by id (and question); a message that answers another one is
 * skipped, as over UDP (RFC 5452), not taken as the end of the line.
 * Bounded by the question's deadline.
 */
static ldns_pkt *
tcp_read_reply(const struct qstate *s, int fd, uint8_t *buf)
{
	ldns_pkt *pkt = NULL;
	size_t len;

	while (pkt == NULL && io_all(fd, buf, 2, false, s->deadline) == 0) {
		len = (size_t)buf[0] << 8 | buf[1];
		if (io_all(fd, buf, len, false, s->deadline) != 0)
			break;
		pkt = match_reply(s, buf, len);
	}
	return pkt;
}

/*
 * RFC 7766: the same question over TCP, after a truncated answer.  Done
 * at once, while the question still has its time: left for after the
 * batch, it would find its deadline spent whenever another question of
 * the batch had waited for its own.
 */
static void
tcp_retry(struct aa_arena *a, struct live *l, struct qstate *s)
{
	const struct server *sv = &l->srv[s->srv];
	uint8_t *buf = aa_xmalloc(MAX_MSG + 2);
	uint8_t hdr[2] = { (uint8_t)(s->wirelen >> 8), (uint8_t)s->wirelen };
	int fd, soerr = 0;
	socklen_t sl = sizeof(soerr);
	ldns_pkt *pkt = NULL;

	fd = socket(sv->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)&sv->ss,
	    sv->len) != 0 && errno != EINPROGRESS) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && wait_fd(fd, POLLOUT, s->deadline) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
	    soerr == 0 && io_all(fd, hdr, 2, true, s->deadline) == 0 &&
	    io_all(fd, s->wire, s->wirelen, true, s->deadline) == 0)
		pkt = tcp_read_reply(s, fd, buf);
	if (pkt != NULL)
		fill(a, s, l, pkt);
	else
		finish(a, s, l, aa_monotonic_ms() >= s->deadline ?
		    AA_RCODE_TIMEOUT : AA_RCODE_NETERROR);
	ldns_pkt_free(pkt);
	if (fd >= 0)
		close(fd);
	free(buf);
}

static void
on_readable(struct aa_arena *a, struct live *l, struct qstate *s)
{
	uint8_t buf[MAX_MSG];
	ldns_pkt *pkt;
	ssize_t n;

	while ((n = recv(s->fd, buf, sizeof(buf), 0)) >= 0 || errno == EINTR) {
		if (n < 0)
			continue;
		if ((pkt = match_reply(s, buf, (size_t)n)) == NULL)
			continue;	/* not ours: keep waiting */
		if (ldns_pkt_tc(pkt))
			tcp_retry(a, l, s);
		else
			fill(a, s, l, pkt);
		ldns_pkt_free(pkt);
		return;
	}
	if (errno == ECONNREFUSED)
		server_failed(a, l, s);
}

/* One round of poll over the questions still open.  False: all done. */
static bool
poll_round(struct aa_arena *a, struct live *l, struct qstate *st, size_t n,
    struct pollfd *pf)
{
	int64_t now = aa_monotonic_ms(), wake = INT64_MAX;
	size_t i, np = 0;

	for (i = 0; i < n; i++) {
		struct qstate *s = &st[i];

		if (s->done)
			continue;
		if (now >= s->deadline) {
			/* It may have come while a TCP retry held us. */
			if (s->fd >= 0)
				on_readable(a, l, s);
			if (!s->done)
				finish(a, s, l, AA_RCODE_TIMEOUT);
			continue;
		}
		if (now >= s->next_send)
			send_udp(a, l, s, s->next_send != s->start, now);
		if (s->done)
			continue;
		wake = s->next_send < wake ? s->next_send : wake;
		wake = s->deadline < wake ? s->deadline : wake;
		pf[np].fd = s->fd;
		pf[np].events = POLLIN;
		pf[np++].revents = 0;
	}
	if (np == 0)
		return false;
	if (poll(pf, np, (int)(wake - now > 0 ? wake - now : 0)) <= 0)
		return true;
	for (i = 0, np = 0; i < n; i++) {
		if (st[i].done || st[i].fd != pf[np].fd)
			continue;
		if (pf[np++].revents & (POLLIN | POLLERR))
			on_readable(a, l, &st[i]);
	}
	return true;
}

void
live_query_many(struct live *l, struct aa_arena *a, struct live_q *q,
    size_t n)
{
	struct qstate *st = aa_xcalloc(n, sizeof(*st));
	struct pollfd *pf = aa_xcalloc(n + 1, sizeof(*pf));
	int64_t now = aa_monotonic_ms();
	size_t i;

	for (i = 0; i < n; i++) {
		st[i].q = &q[i];
		st[i].fd = -1;
		st[i].start = st[i].next_send = now;
		st[i].deadline = now + q[i].timeout_ms;
		q[i].out->source = AA_SRC_LIVE;
		if (build_query(&st[i]) != 0)
			finish(a, &st[i], l, AA_RCODE_FORMERR);
	}
	while (poll_round(a, l, st, n, pf))
		;
	for (i = 0; i < n; i++) {
		if (st[i].fd >= 0)
			close(st[i].fd);
		free(st[i].wire);
	}
	free(st);
	free(pf);
}
