#include "ipvs/json.h"

namespace lvsd::ipvs {

namespace {

/// Objects are built as maps and moved into place: the initializer-list form of nlohmann::json
/// builds a two-element array per key, which made toJson() of 1000 x 10 cost ~10x more.
Json statsJson(const Stats& s) {
  Json::object_t o;
  o.emplace("conns", s.conns);
  o.emplace("inpkts", s.inPkts);
  o.emplace("outpkts", s.outPkts);
  o.emplace("inbytes", s.inBytes);
  o.emplace("outbytes", s.outBytes);
  o.emplace("cps", s.cps);
  o.emplace("inpps", s.inPps);
  o.emplace("outpps", s.outPps);
  o.emplace("inbps", s.inBps);
  o.emplace("outbps", s.outBps);
  return Json(std::move(o));
}

template <class T>
T num(const Json& j, const char* key, T def = T{}) {
  if (!j.is_object()) {
    return def;
  }
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) {
    return def;
  }
  return it->get<T>();
}

std::string str(const Json& j, const char* key) {
  if (!j.is_object()) {
    return {};
  }
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Stats statsFrom(const Json& j) {
  Stats s;
  s.conns = num<uint64_t>(j, "conns");
  s.inPkts = num<uint64_t>(j, "inpkts");
  s.outPkts = num<uint64_t>(j, "outpkts");
  s.inBytes = num<uint64_t>(j, "inbytes");
  s.outBytes = num<uint64_t>(j, "outbytes");
  s.cps = num<uint64_t>(j, "cps");
  s.inPps = num<uint64_t>(j, "inpps");
  s.outPps = num<uint64_t>(j, "outpps");
  s.inBps = num<uint64_t>(j, "inbps");
  s.outBps = num<uint64_t>(j, "outbps");
  return s;
}

Result<IpAddress> address(const Json& j) {
  const std::string text = str(j, "address");
  auto a = IpAddress::parse(text);
  if (!a) {
    return fail("bad address \"" + text + "\"");
  }
  return *a;
}

Forward forwardFrom(const std::string& s) {
  for (auto f : {Forward::Masq, Forward::Local, Forward::Tunnel, Forward::Route, Forward::Bypass}) {
    if (toString(f) == s) {
      return f;
    }
  }
  return Forward::Masq;
}

Result<ServiceKey> keyFrom(const Json& j) {
  ServiceKey k;
  if (const auto mark = num<uint32_t>(j, "fwmark"); mark != 0) {
    return ServiceKey::mark(str(j, "family") == "inet6" ? Family::V6 : Family::V4, mark);
  }
  auto a = address(j);
  if (!a) {
    return Unexpected<Error>(a.error());
  }
  const std::string p = str(j, "protocol");
  k.protocol = p == "UDP" ? Protocol::Udp : p == "SCTP" ? Protocol::Sctp : Protocol::Tcp;
  k.addr = *a;
  k.family = a->family();
  k.port = num<uint16_t>(j, "port");
  return k;
}

}  // namespace

Json toJson(const ServiceKey& k) {
  if (k.fwmark != 0) {
    return Json{{"fwmark", k.fwmark}, {"family", k.family == Family::V6 ? "inet6" : "inet"}};
  }
  return Json{
      {"protocol", protocolName(k.protocol)}, {"address", k.addr.toString()}, {"port", k.port}};
}

Json toJson(const Table& t) {
  Json::array_t services;
  services.reserve(t.services.size());
  for (const auto& s : t.services) {
    Json::array_t dests;
    dests.reserve(s.dests.size());
    for (const auto& d : s.dests) {
      Json::object_t o;
      o.emplace("address", d.addr.toString());
      o.emplace("port", d.port);
      o.emplace("forward", toString(d.forward));
      o.emplace("weight", d.weight);
      o.emplace("u_threshold", d.upperThreshold);
      o.emplace("l_threshold", d.lowerThreshold);
      o.emplace("active", d.activeConns);
      o.emplace("inactive", d.inactConns);
      o.emplace("persistent", d.persistConns);
      o.emplace("stats", statsJson(d.stats));
      dests.emplace_back(std::move(o));
    }
    Json::object_t o;
    o.emplace("key", toJson(s.key));
    o.emplace("name", toString(s.key));
    o.emplace("scheduler", s.scheduler);
    o.emplace("flags", s.flags & kSvcUserFlags);
    o.emplace("timeout", s.timeout);
    o.emplace("netmask", s.netmask);
    o.emplace("pe", s.peName);
    o.emplace("stats", statsJson(s.stats));
    o.emplace("dests", std::move(dests));
    services.emplace_back(std::move(o));
  }
  Json::object_t out;
  out.emplace("services", std::move(services));
  return Json(std::move(out));
}

Result<Table> tableFromJson(const Json& j) {
  Table t;
  if (!j.is_object() || !j.contains("services") || !j["services"].is_array()) {
    return fail("no services array");
  }
  for (const auto& sj : j["services"]) {
    Service s;
    auto k = keyFrom(sj.is_object() && sj.contains("key") ? sj["key"] : Json());
    if (!k) {
      return Unexpected<Error>(k.error());
    }
    s.key = *k;
    s.scheduler = str(sj, "scheduler");
    s.flags = num<uint32_t>(sj, "flags");
    s.timeout = num<uint32_t>(sj, "timeout");
    s.netmask = num<uint32_t>(sj, "netmask", 0xffffffffU);
    s.peName = str(sj, "pe");
    s.stats = statsFrom(sj.is_object() && sj.contains("stats") ? sj["stats"] : Json());
    if (sj.is_object() && sj.contains("dests") && sj["dests"].is_array()) {
      for (const auto& dj : sj["dests"]) {
        Destination d;
        auto a = address(dj);
        if (!a) {
          return Unexpected<Error>(a.error());
        }
        d.addr = *a;
        d.port = num<uint16_t>(dj, "port");
        d.forward = forwardFrom(str(dj, "forward"));
        d.weight = num<int32_t>(dj, "weight");
        d.upperThreshold = num<uint32_t>(dj, "u_threshold");
        d.lowerThreshold = num<uint32_t>(dj, "l_threshold");
        d.activeConns = num<uint32_t>(dj, "active");
        d.inactConns = num<uint32_t>(dj, "inactive");
        d.persistConns = num<uint32_t>(dj, "persistent");
        d.stats = statsFrom(dj.is_object() && dj.contains("stats") ? dj["stats"] : Json());
        s.dests.push_back(d);
      }
    }
    t.services.push_back(std::move(s));
  }
  return t;
}

}  // namespace lvsd::ipvs
