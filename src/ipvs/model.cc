#include "ipvs/model.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace lvsd::ipvs {

namespace {
// Compares keys without copies; a fwmark service ignores protocol/addr/port.
int compare(const ServiceKey& a, const ServiceKey& b) {
  if (a.family != b.family) {
    return a.family < b.family ? -1 : 1;
  }
  if (a.fwmark != b.fwmark) {
    return a.fwmark < b.fwmark ? -1 : 1;
  }
  if (a.fwmark != 0) {
    return 0;
  }
  if (a.protocol != b.protocol) {
    return a.protocol < b.protocol ? -1 : 1;
  }
  if (a.port != b.port) {
    return a.port < b.port ? -1 : 1;
  }
  const int c = std::memcmp(a.addr.bytes().data(), b.addr.bytes().data(), a.addr.size());
  if (c != 0) {
    return c;
  }
  return a.addr.family() == b.addr.family() ? 0 : (a.addr.family() < b.addr.family() ? -1 : 1);
}
}  // namespace

bool operator==(const ServiceKey& a, const ServiceKey& b) { return compare(a, b) == 0; }
bool operator<(const ServiceKey& a, const ServiceKey& b) { return compare(a, b) < 0; }

size_t ServiceKeyHash::operator()(const ServiceKey& k) const {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  mix(static_cast<uint64_t>(k.family));
  mix(k.fwmark);
  if (k.fwmark == 0) {
    mix(static_cast<uint64_t>(k.protocol));
    mix(k.port);
    for (size_t i = 0; i < k.addr.size(); ++i) {
      mix(k.addr.bytes()[i]);
    }
  }
  return static_cast<size_t>(h);
}

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

DestIndex::DestIndex(const std::vector<Destination>& dests, bool alwaysHash)
    : dests_(dests), hashed_(alwaysHash || dests.size() >= kIndexFrom) {
  if (hashed_) {
    at_.reserve(dests.size());
    for (size_t i = 0; i < dests.size(); ++i) {
      at_.emplace(Key{dests[i].addr, dests[i].port}, i);  // first definition wins
    }
  }
}

size_t DestIndex::find(const IpAddress& a, uint16_t port) const {
  if (hashed_) {
    const auto it = at_.find(Key{a, port});
    return it == at_.end() ? npos : it->second;
  }
  for (size_t i = 0; i < dests_.size(); ++i) {
    if (dests_[i].addr == a && dests_[i].port == port) {
      return i;
    }
  }
  return npos;
}

void DestIndex::set(const IpAddress& a, uint16_t port, size_t pos) {
  if (!hashed_) {
    return;  // the linear search reads the vector itself
  }
  if (pos == npos) {
    at_.erase(Key{a, port});
  } else {
    at_[Key{a, port}] = pos;
  }
}

size_t DestIndex::KeyHash::operator()(const Key& k) const {
  uint64_t h = 1469598103934665603ULL;
  for (const uint8_t b : k.addr.bytes()) {
    h = (h ^ b) * 1099511628211ULL;
  }
  h = (h ^ k.port) * 1099511628211ULL;
  return static_cast<size_t>(h);
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

std::vector<std::string> validateService(const Service& s) {
  std::vector<std::string> errs;
  auto name = [&] { return toString(s.key); };
  if (s.key.fwmark == 0 && s.key.addr.family() != s.key.family) {
    errs.push_back(name() + ": service family does not match its address");
  }
  if (s.scheduler.empty() || s.scheduler.size() >= 16) {
    errs.push_back(name() + ": scheduler name must be 1..15 characters");
  }
  if (s.peName.size() >= 16) {
    errs.push_back(name() + ": persistence engine name must be at most 15 characters");
  }
  if (s.key.family == Family::V6 && s.netmask > 128 && s.netmask != 0xffffffff) {
    errs.push_back(name() + ": IPv6 persistence prefix must be 1..128");
  }
  for (size_t i = 0; i < s.dests.size(); ++i) {
    const Destination& d = s.dests[i];
    auto dn = [&] { return name() + " -> " + formatEndpoint(d.addr, d.port); };
    const bool dup = std::any_of(s.dests.begin(), s.dests.begin() + static_cast<std::ptrdiff_t>(i),
                                 [&](const Destination& o) { return o.sameEndpoint(d); });
    if (dup) {
      errs.push_back(dn() + ": duplicate destination");
    }
    if (d.weight < 0 || d.weight > 65535) {
      errs.push_back(dn() + ": weight " + std::to_string(d.weight) + " out of range 0..65535");
    }
    if (d.upperThreshold != 0 && d.lowerThreshold > d.upperThreshold) {
      errs.push_back(dn() + ": lower threshold above upper threshold");
    }
    if (d.addr.family() != s.key.family && d.forward != Forward::Tunnel) {
      errs.push_back(dn() +
                     ": address family differs from the service's (only tunnel "
                     "forwarding may mix IPv4 and IPv6)");
    }
  }
  return errs;
}

std::vector<std::string> validate(const Table& t) {
  std::vector<std::string> errs;
  std::set<ServiceKey> seen;
  for (const auto& s : t.services) {
    if (!seen.insert(s.key).second) {
      errs.push_back(toString(s.key) + ": duplicate service");
    }
    auto e = validateService(s);
    errs.insert(errs.end(), e.begin(), e.end());
  }
  return errs;
}

}  // namespace lvsd::ipvs
