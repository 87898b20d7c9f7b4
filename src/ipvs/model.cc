#include "ipvs/model.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace lvsd::ipvs {

namespace {
auto tie(const ServiceKey& k) {
  // A fwmark service ignores protocol/addr/port.
  const bool m = k.fwmark != 0;
  return std::make_tuple(k.family, k.fwmark, m ? Protocol::Tcp : k.protocol,
                         m ? IpAddress{} : k.addr, m ? uint16_t{0} : k.port);
}
}  // namespace

bool operator==(const ServiceKey& a, const ServiceKey& b) { return tie(a) == tie(b); }
bool operator<(const ServiceKey& a, const ServiceKey& b) { return tie(a) < tie(b); }

bool Destination::sameSettings(const Destination& o) const {
  const bool tun = forward == Forward::Tunnel;
  return sameEndpoint(o) && forward == o.forward && weight == o.weight &&
         upperThreshold == o.upperThreshold && lowerThreshold == o.lowerThreshold &&
         (!tun || (tunnelType == o.tunnelType && tunnelPort == o.tunnelPort &&
                   tunnelFlags == o.tunnelFlags));
}

uint32_t effectiveNetmask(const Service& s) {
  if (s.key.family == Family::V6 && (s.netmask == 0 || s.netmask > 128)) {
    return 128;
  }
  return s.netmask;
}

bool Service::sameSettings(const Service& o) const {
  const bool persistent = (flags & kSvcPersistent) != 0;
  return key == o.key && scheduler == o.scheduler &&
         (flags & kSvcUserFlags) == (o.flags & kSvcUserFlags) &&
         (!persistent ||
          (timeout == o.timeout && effectiveNetmask(*this) == effectiveNetmask(o))) &&
         peName == o.peName;
}

const Destination* Service::findDest(const IpAddress& a, uint16_t p) const {
  for (const auto& d : dests) {
    if (d.addr == a && d.port == p) {
      return &d;
    }
  }
  return nullptr;
}

const Service* Table::find(const ServiceKey& k) const {
  for (const auto& s : services) {
    if (s.key == k) {
      return &s;
    }
  }
  return nullptr;
}

std::string protocolName(Protocol p) {
  switch (p) {
    case Protocol::Tcp:
      return "TCP";
    case Protocol::Udp:
      return "UDP";
    case Protocol::Sctp:
      return "SCTP";
  }
  return "PROTO" + std::to_string(static_cast<unsigned>(p));
}

std::string toString(const ServiceKey& k) {
  if (k.fwmark != 0) {
    return "FWM " + std::to_string(k.fwmark) + (k.family == Family::V6 ? " IPv6" : "");
  }
  return protocolName(k.protocol) + " " + formatEndpoint(k.addr, k.port);
}

std::string toString(Forward f) {
  switch (f) {
    case Forward::Masq:
      return "Masq";
    case Forward::Local:
      return "Local";
    case Forward::Tunnel:
      return "Tunnel";
    case Forward::Route:
      return "Route";
    case Forward::Bypass:
      return "Bypass";
  }
  return "?";
}

std::vector<std::string> validate(const Table& t) {
  std::vector<std::string> errs;
  std::set<ServiceKey> seen;
  for (const auto& s : t.services) {
    const std::string name = toString(s.key);
    if (!seen.insert(s.key).second) {
      errs.push_back(name + ": duplicate service");
    }
    if (s.key.fwmark == 0 && s.key.addr.family() != s.key.family) {
      errs.push_back(name + ": service family does not match its address");
    }
    if (s.scheduler.empty() || s.scheduler.size() >= 16) {
      errs.push_back(name + ": scheduler name must be 1..15 characters");
    }
    if (s.peName.size() >= 16) {
      errs.push_back(name + ": persistence engine name must be at most 15 characters");
    }
    if (s.key.family == Family::V6 && s.netmask > 128 && s.netmask != 0xffffffff) {
      errs.push_back(name + ": IPv6 persistence prefix must be 1..128");
    }
    std::set<std::pair<IpAddress, uint16_t>> dseen;
    for (const auto& d : s.dests) {
      const std::string dn = name + " -> " + formatEndpoint(d.addr, d.port);
      if (!dseen.insert({d.addr, d.port}).second) {
        errs.push_back(dn + ": duplicate destination");
      }
      if (d.weight < 0 || d.weight > 65535) {
        errs.push_back(dn + ": weight " + std::to_string(d.weight) + " out of range 0..65535");
      }
      if (d.upperThreshold != 0 && d.lowerThreshold > d.upperThreshold) {
        errs.push_back(dn + ": lower threshold above upper threshold");
      }
      if (d.addr.family() != s.key.family && d.forward != Forward::Tunnel) {
        errs.push_back(dn +
                       ": address family differs from the service's (only tunnel "
                       "forwarding may mix IPv4 and IPv6)");
      }
    }
  }
  return errs;
}

}  // namespace lvsd::ipvs
