// Guest-test helper for ip_vs_chbl (tests/kernel/kmod/chbl.sh). One binary, five roles:
//
//   serve ID PORT                      backend: TCP and UDP on PORT; answers "ID\n" (a TCP
//                                      connection stays open until the client closes it)
//   predict PORT FIRST N RIP...        the model (src/kmod/lvsd_chbl.h, hash seed 0): home of
//                                      each of N clients FIRST, FIRST+1, ... with no load
//   map VIP PORT FIRST N               one short TCP connection per client, prints "client ID"
//   spill VIP PORT FACTOR RIP... <CLIENTS
//                                      held TCP connections, one per client (addresses on
//                                      stdin) in turn; each
//                                      answer must equal the model's pick given the loads of the
//                                      connections already held (the bound at c = FACTOR/100)
//   udp VIP PORT FIRST N COUNT WINDOW RIP...
//                                      COUNT one-packet UDP requests round robin over N clients,
//                                      at most WINDOW outstanding; every answer must come from
//                                      the client's home (loads stay 0 with one-packet
//                                      scheduling); prints the rate
//
// Backends are identified by their address (the serve ID is the RIP). Clients are consecutive
// IPv4 source addresses the test has put on the client's interface. Exit status 0 = all as
// expected, 1 = mismatch or network error (with a message), 2 = usage.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "kmod/lvsd_user.h"

namespace {

constexpr u32 kM = LVSD_CHBL_DEFAULT_M;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "chbl_probe: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

u32 parseAddr(const char* s) {
  in_addr a{};
  if (inet_pton(AF_INET, s, &a) != 1) {
    std::fprintf(stderr, "chbl_probe: bad address %s\n", s);
    std::exit(2);
  }
  return ntohl(a.s_addr);
}

std::string addrStr(u32 host) {
  in_addr a{};
  a.s_addr = htonl(host);
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

sockaddr_in sockAddr(u32 host, u16 port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(host);
  sa.sin_port = htons(port);
  return sa;
}

// The scheduler's view, modelled: destinations in the order given, weight 1, loads as counted.
struct Model {
  std::vector<u32> rips;
  std::vector<u64> load;
  std::vector<u16> table;
  std::vector<lvsd_chbl_hot> hot;
  lvsd_chbl_cache cache{};

  Model(const std::vector<u32>& r, u16 rport)
      : rips(r), load(r.size(), 0), table(kM), hot(r.size()) {
    std::vector<lvsd_chbl_dest> d(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      d[i].key = lvsd_chbl_hash(&r[i], 1, rport, 0);
      d[i].weight = 1;
    }
    std::vector<u16> order(r.size());
    lvsd_chbl_build(d.data(), static_cast<u32>(d.size()), order.data(), table.data(), kM);
    lvsd_chbl_cache_init(&cache, hot.data(), static_cast<u32>(r.size()),
                         kM);  // as a fresh table: recount on the first pick
  }
  static u32 opWeight(const void*, u32) { return 1; }
  static u64 opLoad(const void* ctx, u32 i) { return static_cast<const Model*>(ctx)->load[i]; }
  static bool opUsable(const void*, u32) { return true; }
  // The pick for a client with the current loads; counts it as one more connection.
  u32 pick(u32 client, u32 factor) {
    static const lvsd_chbl_ops ops{opWeight, opLoad, opUsable};
    const int i =
        lvsd_chbl_pick(table.data(), kM, static_cast<u32>(rips.size()),
                       lvsd_chbl_hash(&client, 1, 0, 0), factor, &cache, &ops, this, nullptr);
    if (i < 0) {
      std::fprintf(stderr, "chbl_probe: model found no destination\n");
      std::exit(1);
    }
    ++load[static_cast<std::size_t>(i)];
    return rips[static_cast<std::size_t>(i)];
  }
  // Without load: the first slot's destination.
  u32 home(u32 client) const { return rips[table[lvsd_chbl_hash(&client, 1, 0, 0) % kM]]; }
};

int tcpConnect(u32 src, u32 vip, u16 port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    die("socket");
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in local = sockAddr(src, 0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    die("bind " + addrStr(src));
  }
  sockaddr_in remote = sockAddr(vip, port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    die("connect from " + addrStr(src));
  }
  return fd;
}

// Reads the backend's "ID\n" answer.
std::string readId(int fd, u32 src) {
  std::string id;
  char c = 0;
  while (id.size() < 64) {
    const ssize_t r = read(fd, &c, 1);
    if (r != 1) {
      die("read answer for " + addrStr(src));
    }
    if (c == '\n') {
      return id;
    }
    id.push_back(c);
  }
  errno = EPROTO;
  die("answer too long");
}

int serve(const char* id, u16 port) {
  const std::string answer = std::string(id) + "\n";
  const int lt = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int lu = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(lt, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in any = sockAddr(INADDR_ANY, port);
  if (bind(lt, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 || listen(lt, 1024) != 0) {
    die("tcp listen");
  }
  if (bind(lu, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) {
    die("udp bind");
  }
  std::vector<pollfd> fds{{lt, POLLIN, 0}, {lu, POLLIN, 0}};
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      die("poll");
    }
    if (fds[0].revents & POLLIN) {
      const int c = accept4(lt, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (c >= 0) {
        if (write(c, answer.data(), answer.size()) < 0) {
          close(c);
        } else {
          fds.push_back({c, POLLIN, 0});
        }
      }
    }
    if (fds[1].revents & POLLIN) {
      char buf[512];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      while (recvfrom(lu, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
                      &len) >= 0) {
        sendto(lu, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        len = sizeof from;
      }
    }
    for (std::size_t i = 2; i < fds.size();) {
      char buf[256];
      if (fds[i].revents && read(fds[i].fd, buf, sizeof buf) <= 0) {  // EOF or error: done
        close(fds[i].fd);
        fds[i] = fds.back();
        fds.pop_back();
        continue;
      }
      ++i;
    }
  }
}

std::vector<u32> rips(int argc, char** argv, int from) {
  std::vector<u32> r;
  for (int i = from; i < argc; ++i) {
    r.push_back(parseAddr(argv[i]));
  }
  if (r.empty()) {
    std::exit(2);
  }
  return r;
}

int mapClients(u32 vip, u16 port, u32 first, u32 n) {
  for (u32 c = first; c < first + n; ++c) {
    const int fd = tcpConnect(c, vip, port);
    const std::string id = readId(fd, c);
    close(fd);
    std::printf("%s %s\n", addrStr(c).c_str(), id.c_str());
  }
  return 0;
}

int spill(u32 vip, u16 port, u32 factor, const std::vector<u32>& r) {
  Model model(r, 80);
  std::vector<int> held;
  int bad = 0;
  char line[64];
  while (std::fgets(line, sizeof line, stdin)) {
    line[std::strcspn(line, " \n")] = 0;
    const u32 c = parseAddr(line);
    const u32 home = model.home(c);
    const u32 want = model.pick(c, factor);
    const int fd = tcpConnect(c, vip, port);
    const std::string got = readId(fd, c);
    held.push_back(fd);
    std::string loads;
    for (u64 l : model.load) {
      loads += " " + std::to_string(l);
    }
    const bool ok = got == addrStr(want);
    bad += ok ? 0 : 1;
    std::printf("%s home %s got %s want %s  loads%s%s\n", addrStr(c).c_str(), addrStr(home).c_str(),
                got.c_str(), addrStr(want).c_str(), loads.c_str(), ok ? "" : "  MISMATCH");
  }
  for (int fd : held) {
    close(fd);
  }
  return bad != 0 || held.empty() ? 1 : 0;
}

int udp(u32 vip, u16 port, u32 first, u32 n, u64 count, u32 window, const std::vector<u32>& r) {
  const Model model(r, 80);
  std::vector<pollfd> fds(n);
  std::vector<u64> sent(n, 0), answered(n, 0), wrong(n, 0);
  for (u32 i = 0; i < n; ++i) {
    fds[i] = {socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), POLLIN, 0};
    sockaddr_in local = sockAddr(first + i, 0);
    if (fds[i].fd < 0 || bind(fds[i].fd, reinterpret_cast<sockaddr*>(&local), sizeof local)) {
      die("udp bind " + addrStr(first + i));
    }
  }
  const sockaddr_in to = sockAddr(vip, port);
  u64 out = 0, done = 0, next = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (done < count) {
    while (out < window && next < count) {
      const u32 i = static_cast<u32>(next % n);
      if (sendto(fds[i].fd, "?", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 1) {
        die("sendto");
      }
      ++sent[i];
      ++out;
      ++next;
    }
    const int p = poll(fds.data(), fds.size(), 5000);
    if (p <= 0) {
      std::fprintf(stderr, "chbl_probe: no answer within 5 s (%llu of %llu answered)\n",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(count));
      return 1;
    }
    for (u32 i = 0; i < n; ++i) {
      if (!(fds[i].revents & POLLIN)) {
        continue;
      }
      char buf[64];
      ssize_t len = 0;
      while ((len = recv(fds[i].fd, buf, sizeof buf - 1, 0)) > 0) {
        buf[len] = 0;
        if (char* nl = std::strchr(buf, '\n')) {
          *nl = 0;
        }
        ++answered[i];
        wrong[i] += addrStr(model.home(first + i)) == buf ? 0 : 1;
        --out;
        ++done;
      }
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  u64 wrongAll = 0;
  std::map<std::string, u64> per;
  for (u32 i = 0; i < n; ++i) {
    wrongAll += wrong[i];
    per[addrStr(model.home(first + i))] += answered[i];
  }
  std::printf("udp: %llu requests from %u clients in %.1f s (%.0f/s), %llu not from home\n",
              static_cast<unsigned long long>(done), n, s, static_cast<double>(done) / s,
              static_cast<unsigned long long>(wrongAll));
  for (const auto& [rip, k] : per) {
    std::printf("  %s %llu\n", rip.c_str(), static_cast<unsigned long long>(k));
  }
  return wrongAll ? 1 : 0;
}

u32 num(const char* s) { return static_cast<u32>(std::strtoul(s, nullptr, 10)); }

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "serve" && argc == 4) {
    return serve(argv[2], static_cast<u16>(num(argv[3])));
  }
  if (cmd == "predict" && argc >= 6) {
    const Model model(rips(argc, argv, 5), static_cast<u16>(num(argv[2])));
    const u32 first = parseAddr(argv[3]);
    for (u32 c = first; c < first + num(argv[4]); ++c) {
      std::printf("%s %s\n", addrStr(c).c_str(), addrStr(model.home(c)).c_str());
    }
    return 0;
  }
  if (cmd == "map" && argc == 6) {
    return mapClients(parseAddr(argv[2]), static_cast<u16>(num(argv[3])), parseAddr(argv[4]),
                      num(argv[5]));
  }
  if (cmd == "spill" && argc >= 6) {
    return spill(parseAddr(argv[2]), static_cast<u16>(num(argv[3])), num(argv[4]),
                 rips(argc, argv, 5));
  }
  if (cmd == "udp" && argc >= 9) {
    return udp(parseAddr(argv[2]), static_cast<u16>(num(argv[3])), parseAddr(argv[4]), num(argv[5]),
               std::strtoull(argv[6], nullptr, 10), num(argv[7]), rips(argc, argv, 8));
  }
  std::fprintf(stderr, "usage: see the head of chbl_probe.cc\n");
  return 2;
}
