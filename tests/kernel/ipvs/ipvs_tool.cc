// lvsd-ipvs-tool: drives lvsd_ipvs_nl from guest tests.
//   lvsd-ipvs-tool [--scope all] apply FILE...   sync to each table in turn, one programmer:
//                                                prints every op with its result; exit 1 on
//                                                any error
//   lvsd-ipvs-tool diff FILE                     ops that would be sent (nothing applied)
//   lvsd-ipvs-tool list [--stats|--rate|--exact] the kernel table, ipvsadm -Ln layout
//   lvsd-ipvs-tool show                          every field lvsd reads back, one line each
//   lvsd-ipvs-tool wait-weight VIP PORT RS RSPORT WEIGHT READY_FILE [TIMEOUT_S]
//                                                polls the TCP service's destinations every
//                                                2 ms (one GET_DEST dump, no process start per
//                                                poll); touches READY_FILE after the first
//                                                poll, prints the CLOCK_REALTIME seconds when
//                                                RS:RSPORT first has WEIGHT; exit 1 on timeout
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ipvs/diff.h"
#include "ipvs/format.h"
#include "ipvs/nl/programmer.h"
#include "table_text.h"

using namespace lvsd::ipvs;

namespace {
lvsd::Result<Table> load(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    return lvsd::fail("cannot read " + path);
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return tool::parseTable(ss.str());
}

void show(const Table& t) {
  for (const auto& s : t.services) {
    std::cout << "service " << toString(s.key) << " sched=" << s.scheduler << " flags=0x"
              << std::hex << (s.flags & kSvcUserFlags) << std::dec << " timeout=" << s.timeout
              << " netmask=" << s.netmask << " pe=" << s.peName << "\n";
    for (const auto& d : s.dests) {
      std::cout << "  dest " << lvsd::formatEndpoint(d.addr, d.port)
                << " fwd=" << toString(d.forward) << " weight=" << d.weight
                << " uthresh=" << d.upperThreshold << " lthresh=" << d.lowerThreshold;
      if (d.forward == Forward::Tunnel) {
        std::cout << " tun=" << static_cast<int>(d.tunnelType) << " tunport=" << d.tunnelPort
                  << " tunflags=" << d.tunnelFlags;
      }
      std::cout << "\n";
    }
  }
  if (t.timeouts) {
    std::cout << "timeouts " << t.timeouts->tcp << " " << t.timeouts->tcpFin << " "
              << t.timeouts->udp << "\n";
  }
  for (const auto& d : t.daemons) {
    std::cout << "daemon " << (d.state == DaemonState::Master ? "master" : "backup") << " "
              << d.interface << " syncid " << d.syncId << "\n";
  }
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool scopeAll = false;
  if (args.size() >= 2 && args[0] == "--scope") {
    scopeAll = args[1] == "all";
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty()) {
    std::cerr << "usage: lvsd-ipvs-tool [--scope all] apply FILE... | diff FILE | list | show\n";
    return 2;
  }
  auto prog = Programmer::open();
  if (!prog) {
    std::cerr << "error: " << prog.error().message << "\n";
    return 1;
  }
  const std::string cmd = args[0];
  if (cmd == "wait-weight" && args.size() >= 7) {
    const auto vip = lvsd::IpAddress::parse(args[1]);
    const auto rs = lvsd::IpAddress::parse(args[3]);
    if (!vip || !rs) {
      std::cerr << "error: bad address\n";
      return 2;
    }
    const auto key = ServiceKey::tcp(*vip, static_cast<uint16_t>(std::stoi(args[2])));
    const auto rsPort = static_cast<uint16_t>(std::stoi(args[4]));
    const int32_t weight = std::stoi(args[5]);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(args.size() > 7 ? std::stoi(args[7]) : 120);
    bool first = true;
    while (std::chrono::steady_clock::now() < deadline) {
      auto dests = (*prog)->readDests(key);
      if (!dests) {
        std::cerr << "error: " << dests.error().message << "\n";
        return 1;
      }
      for (const auto& d : *dests) {
        if (d.addr == *rs && d.port == rsPort && d.weight == weight) {
          timespec ts{};
          clock_gettime(CLOCK_REALTIME, &ts);
          std::printf("%lld.%06ld\n", static_cast<long long>(ts.tv_sec), ts.tv_nsec / 1000);
          return 0;
        }
      }
      if (first) {
        std::ofstream(args[6]) << "ready\n";
        first = false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::cerr << "timeout waiting for weight " << weight << "\n";
    return 1;
  }
  if (cmd == "list" || cmd == "show") {
    auto t = (*prog)->readKernel();
    if (!t) {
      std::cerr << "error: " << t.error().message << "\n";
      return 1;
    }
    if (cmd == "show") {
      show(*t);
      return 0;
    }
    FormatOptions o;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--stats") {
        o.mode = FormatOptions::Mode::Stats;
      } else if (args[i] == "--rate") {
        o.mode = FormatOptions::Mode::Rate;
      } else if (args[i] == "--exact") {
        o.exact = true;
      }
    }
    if (auto i = (*prog)->info()) {
      o.version = i->version;
      o.connTabSize = i->connTabSize;
    }
    std::cout << formatTable(*t, o);
    return 0;
  }
  if (cmd == "diff" && args.size() == 2) {
    auto want = load(args[1]);
    auto have = (*prog)->readKernel();
    if (!want || !have) {
      std::cerr << "error: " << (!want ? want.error().message : have.error().message) << "\n";
      return 1;
    }
    for (const auto& op : diff(*have, *want, scopeAll ? Scope::everything() : Scope{})) {
      std::cout << describe(op) << "\n";
    }
    return 0;
  }
  if (cmd == "apply") {
    int rc = 0;
    std::vector<ServiceKey> owned;
    for (size_t i = 1; i < args.size(); ++i) {
      auto want = load(args[i]);
      if (!want) {
        std::cerr << "error: " << want.error().message << "\n";
        return 1;
      }
      for (const auto& s : want->services) {
        owned.push_back(s.key);
      }
      auto rep = (*prog)->sync(*want, scopeAll ? Scope::everything() : Scope::only(owned));
      std::cout << "== " << args[i] << ": " << rep.results.size() << " ops\n";
      for (const auto& r : rep.results) {
        std::cout << (r.error == 0 ? "ok   " : "FAIL ") << describe(r.op) << "\n";
      }
      for (const auto& e : rep.errors) {
        std::cout << "error: " << e << "\n";
      }
      for (const auto& f : rep.failed) {
        std::cout << "failed service: " << toString(f.key) << (f.rolledBack ? " (rolled back)" : "")
                  << "\n";
      }
      if (!rep.ok()) {
        rc = 1;
      }
    }
    return rc;
  }
  std::cerr << "unknown command " << cmd << "\n";
  return 2;
}
