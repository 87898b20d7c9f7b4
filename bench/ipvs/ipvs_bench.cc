// lvsd-ipvs-bench SERVICES DESTS MODE
//   MODE cold:   apply SERVICES x DESTS (TCP 10.x VIPs, wrr, NAT) to an empty table
//   MODE reload: apply the table, then (timed) sync again with one destination's weight changed
//   MODE gen-keepalived FILE / gen-restore FILE: write the same table for the peers
// Prints "RESULT <mode> <services>x<dests> <seconds> ops=<n>".
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "ipvs/nl/programmer.h"

using namespace lvsd::ipvs;

namespace {
std::string vip(int i) {
  return "10." + std::to_string(100 + i / 65536) + "." + std::to_string((i / 256) % 256) + "." +
         std::to_string(i % 256);
}
std::string rip(int j) { return "172.16.0." + std::to_string(j + 1); }

Table make(int services, int dests) {
  Table t;
  t.services.reserve(static_cast<size_t>(services));
  for (int i = 0; i < services; ++i) {
    Service s;
    s.key = ServiceKey::tcp(*lvsd::IpAddress::parse(vip(i)), 80);
    s.scheduler = "wrr";
    for (int j = 0; j < dests; ++j) {
      Destination d;
      d.addr = *lvsd::IpAddress::parse(rip(j));
      d.port = 80;
      d.weight = 1;
      s.dests.push_back(d);
    }
    t.services.push_back(std::move(s));
  }
  return t;
}

double seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr
        << "usage: lvsd-ipvs-bench SERVICES DESTS cold|reload|gen-keepalived F|gen-restore F\n";
    return 2;
  }
  const int n = std::stoi(argv[1]);
  const int m = std::stoi(argv[2]);
  const std::string mode = argv[3];
  Table t = make(n, m);
  if (mode == "gen-keepalived" || mode == "gen-restore") {
    std::ofstream f(argv[4]);
    const bool ka = mode == "gen-keepalived";
    const int weightChange = argc > 5 ? std::stoi(argv[5]) : -1;  // last service, first dest
    for (int i = 0; i < n; ++i) {
      if (ka) {
        f << "virtual_server " << vip(i) << " 80 {\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n";
      } else {
        f << "-A -t " << vip(i) << ":80 -s wrr\n";
      }
      for (int j = 0; j < m; ++j) {
        const int w = (i == n - 1 && j == 0 && weightChange >= 0) ? weightChange : 1;
        if (ka) {
          f << "  real_server " << rip(j) << " 80 {\n    weight " << w << "\n  }\n";
        } else {
          f << "-a -t " << vip(i) << ":80 -r " << rip(j) << ":80 -m -w " << w << "\n";
        }
      }
      if (ka) {
        f << "}\n";
      }
    }
    return 0;
  }
  auto prog = Programmer::open();
  if (!prog) {
    std::cerr << prog.error().message << "\n";
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  ApplyReport rep = (*prog)->sync(t, Scope::only({}));
  const double cold = seconds(t0);
  if (!rep.ok()) {
    std::cerr << "cold apply failed: " << rep.errors.front() << "\n";
    return 1;
  }
  std::printf("RESULT cold %dx%d %.3f ops=%zu\n", n, m, cold, rep.opsSent);
  if (mode == "reload") {
    Table t2 = t;
    t2.services.back().dests.front().weight = 5;
    t0 = std::chrono::steady_clock::now();
    rep = (*prog)->sync(t2, Scope::only({}));
    const double reload = seconds(t0);
    if (!rep.ok()) {
      std::cerr << "reload failed: " << rep.errors.front() << "\n";
      return 1;
    }
    std::printf("RESULT reload-weight %dx%d %.6f ops=%zu\n", n, m, reload, rep.opsSent);
  }
  return 0;
}
