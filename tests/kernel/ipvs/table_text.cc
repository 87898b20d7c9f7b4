#include "table_text.h"

#include <sstream>
#include <vector>

namespace lvsd::ipvs::tool {

namespace {
bool endpoint(const std::string& s, IpAddress& a, uint16_t& port) {
  std::string host;
  std::string p;
  if (!s.empty() && s[0] == '[') {
    const auto close = s.find("]:");
    if (close == std::string::npos) {
      return false;
    }
    host = s.substr(1, close - 1);
    p = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos) {
      return false;
    }
    host = s.substr(0, colon);
    p = s.substr(colon + 1);
  }
  auto parsed = IpAddress::parse(host);
  if (!parsed || p.empty()) {
    return false;
  }
  a = *parsed;
  port = static_cast<uint16_t>(std::stoul(p));
  return true;
}

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    out.push_back(item);
  }
  return out;
}
}  // namespace

Result<Table> parseTable(const std::string& text) {
  Table t;
  std::istringstream in(text);
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    line = line.substr(0, line.find('#'));
    std::istringstream ls(line);
    std::vector<std::string> w;
    for (std::string tok; ls >> tok;) {
      w.push_back(tok);
    }
    if (w.empty()) {
      continue;
    }
    auto bad = [&](const std::string& why) {
      return fail("line " + std::to_string(lineNo) + ": " + why);
    };
    try {
      if (w[0] == "service") {
        Service s;
        size_t i = 1;
        if (w.size() < 3) {
          return bad("service: too few words");
        }
        if (w[1] == "fwm") {
          s.key.fwmark = static_cast<uint32_t>(std::stoul(w[2]));
          i = 3;
          if (i < w.size() && w[i] == "v6") {
            s.key.family = Family::V6;
            ++i;
          }
        } else {
          s.key.protocol = w[1] == "udp"    ? Protocol::Udp
                           : w[1] == "sctp" ? Protocol::Sctp
                                            : Protocol::Tcp;
          if (!endpoint(w[2], s.key.addr, s.key.port)) {
            return bad("bad endpoint " + w[2]);
          }
          s.key.family = s.key.addr.family();
          i = 3;
        }
        for (; i + 1 < w.size(); i += 2) {
          const std::string& k = w[i];
          const std::string& v = w[i + 1];
          if (k == "sched") {
            s.scheduler = v;
          } else if (k == "flags") {
            for (const auto& f : splitComma(v)) {
              s.flags |= f == "persistent" ? kSvcPersistent
                         : f == "ops"      ? kSvcOnePacket
                         : f == "sched1"   ? kSvcSched1
                         : f == "sched2"   ? kSvcSched2
                         : f == "sched3"   ? kSvcSched3
                                           : 0U;
            }
          } else if (k == "timeout") {
            s.timeout = static_cast<uint32_t>(std::stoul(v));
          } else if (k == "netmask") {
            if (auto m = IpAddress::parse(v); m && m->isV4()) {
              s.netmask = m->v4HostOrder();
            } else {
              s.netmask = static_cast<uint32_t>(std::stoul(v));
            }
          } else if (k == "pe") {
            s.peName = v;
          } else {
            return bad("unknown service option " + k);
          }
        }
        t.services.push_back(s);
      } else if (w[0] == "dest") {
        if (t.services.empty() || w.size() < 2) {
          return bad("dest before any service");
        }
        Destination d;
        if (!endpoint(w[1], d.addr, d.port)) {
          return bad("bad endpoint " + w[1]);
        }
        for (size_t i = 2; i + 1 < w.size(); i += 2) {
          const std::string& k = w[i];
          const std::string& v = w[i + 1];
          if (k == "fwd") {
            d.forward = v == "dr"      ? Forward::Route
                        : v == "tun"   ? Forward::Tunnel
                        : v == "local" ? Forward::Local
                                       : Forward::Masq;
          } else if (k == "weight") {
            d.weight = std::stoi(v);
          } else if (k == "uthresh") {
            d.upperThreshold = static_cast<uint32_t>(std::stoul(v));
          } else if (k == "lthresh") {
            d.lowerThreshold = static_cast<uint32_t>(std::stoul(v));
          } else if (k == "tun") {
            d.tunnelType = v == "gue"   ? TunnelType::Gue
                           : v == "gre" ? TunnelType::Gre
                                        : TunnelType::Ipip;
          } else if (k == "tunport") {
            d.tunnelPort = static_cast<uint16_t>(std::stoul(v));
          } else if (k == "tunflags") {
            for (const auto& f : splitComma(v)) {
              d.tunnelFlags = static_cast<uint16_t>(d.tunnelFlags | (f == "csum"      ? kTunCsum
                                                                     : f == "remcsum" ? kTunRemCsum
                                                                                      : 0));
            }
          } else {
            return bad("unknown dest option " + k);
          }
        }
        t.services.back().dests.push_back(d);
      } else if (w[0] == "timeouts" && w.size() == 4) {
        t.timeouts = Timeouts{static_cast<uint32_t>(std::stoul(w[1])),
                              static_cast<uint32_t>(std::stoul(w[2])),
                              static_cast<uint32_t>(std::stoul(w[3]))};
      } else if (w[0] == "daemon" && w.size() >= 5) {
        SyncDaemon d;
        t.manageDaemons = true;
        d.state = w[1] == "backup" ? DaemonState::Backup : DaemonState::Master;
        d.interface = w[2];
        for (size_t i = 3; i + 1 < w.size(); i += 2) {
          const std::string& k = w[i];
          const std::string& v = w[i + 1];
          if (k == "syncid") {
            d.syncId = static_cast<uint32_t>(std::stoul(v));
          } else if (k == "group") {
            d.group = IpAddress::parse(v);
          } else if (k == "port") {
            d.port = static_cast<uint16_t>(std::stoul(v));
          } else if (k == "ttl") {
            d.ttl = static_cast<uint8_t>(std::stoul(v));
          } else if (k == "maxlen") {
            d.maxLen = static_cast<uint16_t>(std::stoul(v));
          } else {
            return bad("unknown daemon option " + k);
          }
        }
        t.daemons.push_back(d);
      } else if (w[0] == "nodaemons") {
        t.manageDaemons = true;
      } else {
        return bad("unknown line");
      }
    } catch (const std::exception& e) {  // std::stoul on a test input: a test tool, not a core
      return bad(std::string("bad number: ") + e.what());
    }
  }
  return t;
}

}  // namespace lvsd::ipvs::tool
