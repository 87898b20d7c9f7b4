#include "ipvs/format.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <string_view>
#include <tuple>

namespace lvsd::ipvs {

namespace {

__attribute__((format(printf, 1, 2))) std::string fmt(const char* f, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, f);
  const int n = std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return n <= 0 ? std::string()
                : std::string(buf, std::min(static_cast<size_t>(n), sizeof buf - 1));
}

std::string largeNum(uint64_t n, bool exact) {
  if (exact || n < 100000000ULL) {
    return fmt("%9" PRIu64, n);
  }
  if (n < 1000000000ULL) {
    return fmt("%8" PRIu64 "K", n / uint64_t{1000});
  }
  if (n < 100000000000ULL) {
    return fmt("%8" PRIu64 "M", n / uint64_t{1000000});
  }
  if (n < 100000000000000ULL) {
    return fmt("%8" PRIu64 "G", n / uint64_t{1000000000});
  }
  return fmt("%8" PRIu64 "T", n / uint64_t{1000000000000});
}

std::string serviceName(const ServiceKey& k) {
  if (k.fwmark != 0) {
    return fmt("FWM  %u", k.fwmark) + (k.family == Family::V6 ? " IPv6" : "");
  }
  return fmt("%-4s ", protocolName(k.protocol).c_str()) + formatEndpoint(k.addr, k.port);
}

std::string v4Mask(uint32_t m) {
  return fmt("%u.%u.%u.%u", m >> 24, (m >> 16) & 0xffU, (m >> 8) & 0xffU, m & 0xffU);
}

std::string counters(const Stats& s, FormatOptions::Mode mode, bool exact) {
  if (mode == FormatOptions::Mode::Stats) {
    return largeNum(s.conns, exact) + largeNum(s.inPkts, exact) + largeNum(s.outPkts, exact) +
           largeNum(s.inBytes, exact) + largeNum(s.outBytes, exact);
  }
  return largeNum(s.cps, exact) + largeNum(s.inPps, exact) + largeNum(s.outPps, exact) +
         largeNum(s.inBps, exact) + largeNum(s.outBps, exact);
}

// ipvsadm's service order: fwmark, family (AF_INET before AF_INET6), protocol number, address,
// port. Addresses compare as ipvsadm does, by the int difference of host-order 32-bit words
// (which wraps for IPv4 addresses more than 2^31 apart, e.g. 10.0.0.1 sorts after 200.0.0.1).
int ipvsadmOrder(const ServiceKey& a, const ServiceKey& b) {
  if (a.fwmark != b.fwmark) {
    return a.fwmark < b.fwmark ? -1 : 1;
  }
  if (a.family != b.family) {
    return a.family == Family::V4 ? -1 : 1;
  }
  if (a.fwmark != 0) {
    return 0;
  }
  if (a.protocol != b.protocol) {
    return static_cast<uint16_t>(a.protocol) < static_cast<uint16_t>(b.protocol) ? -1 : 1;
  }
  const size_t words = a.addr.size() / 4;
  for (size_t i = 0; i < words; ++i) {
    const auto word = [i](const IpAddress& x) {
      const auto& by = x.bytes();
      return static_cast<uint32_t>(by[4 * i] << 24 | by[4 * i + 1] << 16 | by[4 * i + 2] << 8 |
                                   by[4 * i + 3]);
    };
    const auto r = static_cast<int32_t>(word(a.addr) - word(b.addr));
    if (r != 0) {
      return r;
    }
  }
  return static_cast<int>(a.port) - static_cast<int>(b.port);
}

}  // namespace

std::string formatServiceFlags(const Service& s) {
  std::string out;
  const bool shmh = s.scheduler == "sh" || s.scheduler == "mh";
  std::string sf;
  auto add = [&](std::string_view name) { sf += (sf.empty() ? "" : ",") + std::string(name); };
  if ((s.flags & kSvcSched1) != 0) {
    add(shmh ? s.scheduler + "-fallback" : "flag-1");
  }
  if ((s.flags & kSvcSched2) != 0) {
    add(shmh ? s.scheduler + "-port" : "flag-2");
  }
  if ((s.flags & kSvcSched3) != 0) {
    add("flag-3");
  }
  if (!sf.empty()) {
    out += " (" + sf + ")";
  }
  if ((s.flags & kSvcPersistent) != 0) {
    out += fmt(" persistent %u", s.timeout);
    if (s.key.family == Family::V6) {
      if (effectiveNetmask(s) != 128) {
        out += fmt(" mask %u", effectiveNetmask(s));
      }
    } else if (s.netmask != 0xffffffffU) {
      out += " mask " + v4Mask(s.netmask);
    }
  }
  if (!s.peName.empty()) {
    out += " pe " + s.peName;
  }
  if ((s.flags & kSvcOnePacket) != 0) {
    out += " ops";
  }
  return out;
}

std::string formatTable(const Table& t, const FormatOptions& opts) {
  using Mode = FormatOptions::Mode;
  std::string out;
  if (opts.title) {
    out += fmt("IP Virtual Server version %u.%u.%u (size=%u)\n", (opts.version >> 16) & 0xffU,
               (opts.version >> 8) & 0xffU, opts.version & 0xffU, opts.connTabSize);
    switch (opts.mode) {
      case Mode::List:
        out +=
            "Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
        break;
      case Mode::Stats:
        out +=
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            "  -> RemoteAddress:Port\n";
        break;
      case Mode::Rate:
        out +=
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
            "  -> RemoteAddress:Port\n";
        break;
    }
  }
  std::vector<const Service*> svcs;
  for (const auto& s : t.services) {
    svcs.push_back(&s);
  }
  std::sort(svcs.begin(), svcs.end(),
            [](const Service* a, const Service* b) { return ipvsadmOrder(a->key, b->key) < 0; });
  for (const Service* s : svcs) {
    const std::string name = serviceName(s->key);
    if (opts.mode == Mode::List) {
      out += name + " " + s->scheduler + formatServiceFlags(*s) + "\n";
    } else {
      out += fmt("%-33s", name.c_str()) + counters(s->stats, opts.mode, opts.exact) + "\n";
    }
    std::vector<const Destination*> ds;
    for (const auto& d : s->dests) {
      ds.push_back(&d);
    }
    std::sort(ds.begin(), ds.end(), [](const Destination* a, const Destination* b) {
      return std::tie(a->addr, a->port) < std::tie(b->addr, b->port);
    });
    for (const Destination* d : ds) {
      const std::string ep = formatEndpoint(d->addr, d->port);
      if (opts.mode == Mode::List) {
        out += fmt("  -> %-28s %-7s %-6d %-10u %-10u\n", ep.c_str(), toString(d->forward).c_str(),
                   d->weight, d->activeConns, d->inactConns);
      } else {
        out += fmt("  -> %-28s", ep.c_str()) + counters(d->stats, opts.mode, opts.exact) + "\n";
      }
    }
  }
  return out;
}

}  // namespace lvsd::ipvs
