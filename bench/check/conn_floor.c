// The floor of one HTTP check: the least a client can do for "connect, GET, read the status,
// close" with an event loop. BATCH connections at a time, each non-blocking: socket, connect,
// send, epoll_ctl ADD; one epoll_wait round collects the answers; recv, reset (SO_LINGER 0),
// close. No scheduler, no allocation, no parser beyond the status line. Its CPU per
// connection is what the kernel charges any checker for the connection itself (on loopback
// including the listener's handshake work), i.e. what no checker doing the same check can go
// below on that host. BATCH 1 is one connection at a time (a sleep and a wake-up per check).
// RATE > 0 paces the batches to RATE connections a second (as a checker with a 1 s interval
// and COUNT = RATE servers: lvsd starts the probes due within 10 ms together, i.e. batches
// of RATE/100); RATE 0 runs flat out.
//   conn_floor FIRST_ADDR COUNT PORT SECONDS [BATCH=32] [RATE=0]
// Addresses as bench/check/run.sh and guest-bench.sh lay them out: 250 per /24 from
// FIRST_ADDR. Prints connections/s, CPU per connection (user and system) and failures.
// Not a test: run by hand as root next to the servers (docs/benchmarks-checks.md).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kMaxBatch = 1024 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static const char kReq[] = "GET / HTTP/1.1\r\nHost: floor\r\nConnection: close\r\n\r\n";

static void reset_close(int fd) {
  static const struct linger rst = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
  close(fd);
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s FIRST_ADDR COUNT PORT SECONDS [BATCH=32] [RATE=0]\n", argv[0]);
    return 2;
  }
  struct in_addr first;
  if (inet_pton(AF_INET, argv[1], &first) != 1) {
    fprintf(stderr, "conn_floor: bad address %s\n", argv[1]);
    return 2;
  }
  const unsigned long count = strtoul(argv[2], NULL, 10);
  const unsigned short port = (unsigned short)strtoul(argv[3], NULL, 10);
  const double seconds = strtod(argv[4], NULL);
  const int batch = argc > 5 ? atoi(argv[5]) : 32;
  const double rate = argc > 6 ? strtod(argv[6], NULL) : 0;
  if (count == 0 || seconds <= 0 || batch < 1 || batch > kMaxBatch || rate < 0) {
    fprintf(stderr, "conn_floor: COUNT, SECONDS must be positive, BATCH 1..%d\n", kMaxBatch);
    return 2;
  }
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) {
    perror("epoll_create1");
    return 1;
  }
  const unsigned long base = ntohl(first.s_addr);
  unsigned long next = 0, done = 0, failed = 0;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  const double t0 = now_s();
  double t = t0;
  double due = t0;
  while (t - t0 < seconds) {
    if (rate > 0) {  // the next batch's start time
      due += batch / rate;
      const double wait = due - now_s();
      if (wait > 0) {
        const struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
      }
    }
    int open_fds = 0;
    for (int b = 0; b < batch; ++b, ++next) {
      const unsigned long k = next % count;
      struct sockaddr_in sa;
      memset(&sa, 0, sizeof sa);
      sa.sin_family = AF_INET;
      sa.sin_port = htons(port);
      sa.sin_addr.s_addr = htonl((uint32_t)(base + (k / 250) * 256 + k % 250));
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        ++failed;
        continue;
      }
      // Over loopback the handshake completes inside connect(): the request goes out at once
      // (a connection still in progress makes send fail with EAGAIN: counted as a failure).
      if ((connect(fd, (struct sockaddr*)&sa, sizeof sa) != 0 && errno != EINPROGRESS) ||
          send(fd, kReq, sizeof kReq - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof kReq - 1)) {
        reset_close(fd);
        ++failed;
        continue;
      }
      struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        reset_close(fd);
        ++failed;
        continue;
      }
      ++open_fds;
    }
    while (open_fds > 0) {
      struct epoll_event evs[kMaxBatch];
      const int n = epoll_wait(ep, evs, kMaxBatch, 2000);
      if (n <= 0) {
        fprintf(stderr, "conn_floor: %d connections did not answer within 2 s\n", open_fds);
        return 1;
      }
      for (int i = 0; i < n; ++i) {
        char buf[2048];
        const int fd = evs[i].data.fd;
        const ssize_t got = recv(fd, buf, sizeof buf, 0);
        const int ok = got >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
        reset_close(fd);  // also leaves the epoll set
        done += ok ? 1 : 0;
        failed += ok ? 0 : 1;
        --open_fds;
      }
    }
    t = now_s();
  }
  getrusage(RUSAGE_SELF, &r1);
  const double user = tv_s(r1.ru_utime) - tv_s(r0.ru_utime);
  const double sys = tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
  const double n = (double)(done + failed);
  printf(
      "FLOOR batch=%d connections=%lu failed=%lu per_s=%.0f cpu=%.1f%% "
      "us_per_connection=%.1f (user %.1f, system %.1f)\n",
      batch, done, failed, n / (t - t0), (user + sys) / (t - t0) * 100, (user + sys) / n * 1e6,
      user / n * 1e6, sys / n * 1e6);
  return failed > done ? 1 : 0;
}
