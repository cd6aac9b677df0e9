/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowgap: a paced UDP flow and a receiver that measures its gaps, for the fail-open tests
 * and benchmark. Numbered datagrams go out at a fixed rate; the receiver takes the kernel's
 * receive timestamp of each one and reports how many arrived, how many were lost (by their
 * numbers), and the longest intervals between two arrivals, with when they began.
 *
 *   flowgap send --dst ADDR --port P --rate PPS --seconds S [--size BYTES]
 *   flowgap recv --port P --seconds S [--ready FILE] [--gaps N]
 *
 * The receiver stops S seconds after it starts or one second after the sender's last datagram
 * (a datagram marked last), and prints one JSON object:
 *   {"received": N, "sent": N, "lost": N, "duplicates": N, "reordered": N, "rate_pps": R,
 *    "max_gap_ms": G, "max_path_gap_ms": G,
 *    "gaps": [{"ms": G, "sender_idle_ms": I, "path_ms": G, "from": T, "to": T,
 *              "after_seq": N}, ...],
 *    "losses": [{"first_seq": N, "count": N, "after": T}, ...]}
 * where T is CLOCK_REALTIME in seconds (so a test can put it beside `date +%s.%N`). A gap's
 * "ms" is the interval between two arrivals; "sender_idle_ms" how long the sender itself had
 * sent nothing, beyond its pacing, before the datagram that ended the gap (a machine that
 * paused stops the sender too); "path_ms" the rest, the part the path made. "gaps" lists the
 * N longest by "path_ms" (default 5), longest first, and "losses" the runs of numbers that never
 * arrived (a late arrival is not a loss), in order, at most 64, each with the arrival time of
 * the datagram just before it: a cut wire shows as a loss, a delay only as a gap. "sent" is the
 * last datagram's count, known when it arrived (else the highest number seen plus one).
 *
 * The sender paces itself with clock_nanosleep to each datagram's due time (timer slack 1 us)
 * and sends every datagram that fell due; a stall of the machine therefore shows as a burst,
 * not as a gap the network did not make.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FG_MAGIC 0x46474150u /* "FGAP" */
#define FG_MAX_GAPS 32
#define FG_MAX_LOSSES 64
#define FG_MIN_SIZE ((int)sizeof(struct fg_hdr))

struct fg_hdr {
	uint32_t magic;
	uint32_t flags; /* FG_LAST on the last datagram */
	uint64_t seq;
	uint64_t total;   /* datagrams the sender will send */
	uint64_t sent_ns; /* CLOCK_REALTIME at send */
	uint64_t idle_ns; /* the sender sent nothing for this long beyond its pacing before */
};

#define FG_LAST 1u

struct gap {
	double ms, idle_ms, path_ms;
	double from, to;
	uint64_t after_seq;
};

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
usage(void)
{
	fprintf(stderr, "usage: flowgap send --dst ADDR --port P --rate PPS --seconds S "
	                "[--size BYTES]\n"
	                "       flowgap recv --port P --seconds S [--ready FILE] [--gaps N]\n");
	exit(2);
}

static int
addr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

static int
do_send(const char *dst, uint16_t port, double rate, double seconds, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint64_t total = (uint64_t)(rate * seconds), interval = (uint64_t)(1e9 / rate), start;
	uint64_t seq = 0, errors = 0, prev_send = 0;
	unsigned char buf[2048];
	struct fg_hdr *h = (struct fg_hdr *)buf;
	int fd;

	if (addr_parse(dst, port, &ss, &sslen) < 0 || size < FG_MIN_SIZE || size > sizeof(buf) ||
	    total == 0) {
		fprintf(stderr, "flowgap send: bad address, size (%d..%zu) or rate x seconds\n",
		        FG_MIN_SIZE, sizeof(buf));
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("flowgap send: socket");
		return 1;
	}
	prctl(PR_SET_TIMERSLACK, 1UL);
	memset(buf, 0xa5, size);
	h->magic = FG_MAGIC;
	h->total = total;
	start = now_ns(CLOCK_MONOTONIC);
	while (seq < total) {
		uint64_t now = now_ns(CLOCK_MONOTONIC), due = start + seq * interval;
		struct timespec ts;

		if (due > now) {
			ts.tv_sec = (time_t)(due / 1000000000ull);
			ts.tv_nsec = (long)(due % 1000000000ull);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			continue;
		}
		/* Everything due now goes out now. The first after a pause of the sender says how
		 * long it was. */
		h->idle_ns = prev_send != 0 && now - prev_send > interval
		                     ? now - prev_send - interval
		                     : 0;
		prev_send = now;
		while (seq < total && start + seq * interval <= now) {
			h->seq = seq;
			h->flags = seq + 1 == total ? FG_LAST : 0;
			h->sent_ns = now_ns(CLOCK_REALTIME);
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, sslen) < 0)
				errors++;
			seq++;
			h->idle_ns = 0;
		}
	}
	/* The last one may be lost in a cut wire: say it a few times more, 100 ms apart. */
	for (int i = 0; i < 3; i++) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000L };

		nanosleep(&ts, NULL);
		h->seq = total - 1;
		h->flags = FG_LAST;
		h->idle_ns = 0;
		sendto(fd, buf, size, 0, (struct sockaddr *)&ss, sslen);
	}
	close(fd);
	printf("{\"sent\": %llu, \"send_errors\": %llu, \"seconds\": %.3f}\n",
	       (unsigned long long)total, (unsigned long long)errors,
	       (double)(now_ns(CLOCK_MONOTONIC) - start) / 1e9);
	return 0;
}

/* Keep the @n longest gaps the path made, longest first. */
static void
gap_add(struct gap *gaps, unsigned int n, unsigned int *have, const struct gap *g)
{
	unsigned int i;

	if (*have == n && g->path_ms <= gaps[n - 1].path_ms)
		return;
	i = *have < n ? (*have)++ : n - 1;
	while (i > 0 && gaps[i - 1].path_ms < g->path_ms) {
		gaps[i] = gaps[i - 1];
		i--;
	}
	gaps[i] = *g;
}

static int
do_recv(uint16_t port, double seconds, const char *ready, unsigned int n_gaps)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	uint64_t received = 0, dups = 0, reordered = 0, total = 0, max_seq = 0;
	uint64_t deadline, last_seen = 0, last_seq = 0, end_after = 0;
	double first_t = 0, prev_t = 0, max_gap = 0;
	double *arrived = NULL; /* arrival time of each number, 0 when it never came */
	unsigned int n_losses = 0;
	unsigned char *seen = NULL;
	size_t seen_len = 0;
	struct gap gaps[FG_MAX_GAPS];
	unsigned int have = 0;
	int fd, on = 1, off = 0;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("flowgap recv: socket");
		return 1;
	}
	{
		int rcvbuf = 8 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	}
	if (ready != NULL) {
		FILE *fp = fopen(ready, "w");

		if (fp != NULL)
			fclose(fp);
	}
	deadline = now_ns(CLOCK_MONOTONIC) + (uint64_t)(seconds * 1e9);
	for (;;) {
		unsigned char buf[2048], cbuf[256];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov,
			              .msg_iovlen = 1,
			              .msg_control = cbuf,
			              .msg_controllen = sizeof(cbuf) };
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns(CLOCK_MONOTONIC);
		struct fg_hdr h;
		struct cmsghdr *c;
		double t = 0;
		ssize_t n;

		if (now >= deadline || (end_after != 0 && now >= end_after))
			break;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		if (h.magic != FG_MAGIC || h.total == 0 || h.total > (1ull << 24) ||
		    h.seq >= h.total)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
			}
		}
		if (t == 0)
			t = (double)now_ns(CLOCK_REALTIME) / 1e9;
		if (seen == NULL) {
			seen_len = (size_t)h.total;
			seen = calloc(seen_len, 1);
			arrived = calloc(seen_len, sizeof(*arrived));
			if (seen == NULL || arrived == NULL)
				return 1;
			total = h.total;
		}
		if (h.flags & FG_LAST)
			end_after = now + 1000000000ull; /* stragglers and repeats, then stop */
		if (h.seq >= seen_len)
			continue;
		if (seen[h.seq]) {
			dups++;
			continue;
		}
		seen[h.seq] = 1;
		arrived[h.seq] = t;
		received++;
		if (received == 1) {
			first_t = t;
		} else {
			struct gap g = { .ms = (t - prev_t) * 1e3,
				         .idle_ms = (double)h.idle_ns / 1e6,
				         .from = prev_t,
				         .to = t,
				         .after_seq = last_seq };

			if (g.idle_ms > g.ms)
				g.idle_ms = g.ms;
			g.path_ms = g.ms - g.idle_ms;
			if (g.ms > max_gap)
				max_gap = g.ms;
			gap_add(gaps, n_gaps, &have, &g);
			if (h.seq < last_seq)
				reordered++;
		}
		if (h.seq > max_seq)
			max_seq = h.seq;
		prev_t = t;
		last_seq = h.seq;
		last_seen = now;
	}
	(void)last_seen;
	if (total == 0)
		total = received > 0 ? max_seq + 1 : 0;
	printf("{\"received\": %llu, \"sent\": %llu, \"lost\": %llu, \"duplicates\": %llu, "
	       "\"reordered\": %llu, \"rate_pps\": %.1f, \"first\": %.6f, \"last\": %.6f, "
	       "\"max_gap_ms\": %.3f, \"max_path_gap_ms\": %.3f, \"gaps\": [",
	       (unsigned long long)received, (unsigned long long)total,
	       (unsigned long long)(total - received), (unsigned long long)dups,
	       (unsigned long long)reordered,
	       received > 1 && prev_t > first_t ? (double)(received - 1) / (prev_t - first_t) : 0.0,
	       first_t, prev_t, max_gap, have > 0 ? gaps[0].path_ms : 0.0);
	for (unsigned int i = 0; i < have; i++)
		printf("%s{\"ms\": %.3f, \"sender_idle_ms\": %.3f, \"path_ms\": %.3f, "
		       "\"from\": %.6f, \"to\": %.6f, \"after_seq\": %llu}",
		       i > 0 ? ", " : "", gaps[i].ms, gaps[i].idle_ms, gaps[i].path_ms,
		       gaps[i].from, gaps[i].to, (unsigned long long)gaps[i].after_seq);
	printf("], \"losses\": [");
	for (uint64_t q = 0; q < total && n_losses < FG_MAX_LOSSES; q++) {
		uint64_t first = q;

		if (seen[q])
			continue;
		while (q + 1 < total && !seen[q + 1])
			q++;
		printf("%s{\"first_seq\": %llu, \"count\": %llu, \"after\": %.6f}",
		       n_losses > 0 ? ", " : "", (unsigned long long)first,
		       (unsigned long long)(q - first + 1), first > 0 ? arrived[first - 1] : 0.0);
		n_losses++;
	}
	printf("]}\n");
	free(arrived);
	free(seen);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "ready", required_argument, NULL, 'y' },
		{ "gaps", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dst = NULL, *ready = NULL;
	double rate = 0, seconds = 0;
	unsigned long port = 0, size = 64, n_gaps = 5;
	int opt;

	if (argc < 2)
		usage();
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dst = optarg;
			break;
		case 'p':
			port = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'z':
			size = strtoul(optarg, NULL, 10);
			break;
		case 'y':
			ready = optarg;
			break;
		case 'g':
			n_gaps = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (port == 0 || port > 65535 || !(seconds > 0) || seconds > 3600 || n_gaps == 0 ||
	    n_gaps > FG_MAX_GAPS)
		usage();
	if (strcmp(argv[1], "send") == 0) {
		if (dst == NULL || !(rate >= 1) || rate > 1e6)
			usage();
		return do_send(dst, (uint16_t)port, rate, seconds, size);
	}
	if (strcmp(argv[1], "recv") == 0)
		return do_recv((uint16_t)port, seconds, ready, (unsigned int)n_gaps);
	usage();
	return 2;
}
