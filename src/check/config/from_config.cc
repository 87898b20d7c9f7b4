#include "check/config/from_config.h"

#include <algorithm>
#include <cstdio>

namespace lvsd::check {

namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

std::string methodName(config::HttpMethod m) {
  switch (m) {
    case config::HttpMethod::Head:
      return "HEAD";
    case config::HttpMethod::Post:
      return "POST";
    case config::HttpMethod::Get:
      break;
  }
  return "GET";
}

/// "Name: value" -> {"Name", "value"} (the config validated the colon).
std::pair<std::string, std::string> splitHeader(const std::string& h) {
  const auto colon = h.find(':');
  if (colon == std::string::npos) {
    return {h, ""};
  }
  std::string value = h.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  value = first == std::string::npos ? "" : value.substr(first);
  return {h.substr(0, colon), value};
}

HttpSpec httpSpec(const config::VirtualServer& vs, const config::Check& c, const IpAddress& addr,
                  uint16_t port) {
  const config::HttpCheck& h = c.http;
  HttpSpec s;
  s.address = addr;
  s.port = port;
  s.tls = c.type == config::CheckType::Https;
  s.method = methodName(h.method);
  s.path = h.path;
  s.host = h.host.empty() ? vs.virtualhost : h.host;
  for (const auto& line : h.headers) {
    s.headers.push_back(splitHeader(line));
  }
  s.body = h.body;
  s.expect.statuses.clear();
  for (const auto& r : h.status) {
    s.expect.statuses.push_back(StatusRange{r.low, r.high});
  }
  if (h.digest) {
    s.expect.digestAlgo = h.digest->algorithm == config::DigestAlgorithm::Sha256
                              ? DigestAlgo::Sha256
                              : DigestAlgo::Md5;
    s.expect.digestHex = hex(h.digest->value);
  }
  s.expect.maxBody = h.max_body_size;
  s.regex = h.body_regex;
  if (s.tls) {
    s.sni = h.sni;
    s.verify = h.verify;
    s.caFile = h.ca_file;
    s.certFile = h.client_cert;
    s.keyFile = h.client_key;
  }
  return s;
}

}  // namespace

bool samePlan(const CheckPlan& a, const CheckPlan& b) {
  return a.spec == b.spec && a.params == b.params;
}

CheckPlan planCheck(const config::Global& g, const config::VirtualServer& vs,
                    const config::RealServer& rs, const config::Check& c) {
  CheckPlan plan;
  CheckParams& p = plan.params;
  p.interval = c.interval.count() > 0 ? c.interval : vs.delay_loop;
  p.downInterval = c.down_interval;
  p.transitionInterval = c.fast_interval;
  p.timeout = c.timeout;
  p.rise = std::max<uint32_t>(1, c.rise);
  p.fall = std::max<uint32_t>(1, c.fall);
  p.retries = c.retries;
  p.retryDelay = c.retry_delay;
  p.initiallyUp = !vs.alpha;

  const IpAddress addr = c.connect_address.value_or(rs.endpoint.address);
  const uint16_t port = c.connect_port.value_or(rs.endpoint.port);
  const std::string where = formatEndpoint(addr, port);
  switch (c.type) {
    case config::CheckType::Tcp:
      plan.spec = TcpSpec{addr, port, "", "", c.bind_address};
      plan.summary = "tcp " + where;
      break;
    case config::CheckType::Http:
    case config::CheckType::Https: {
      HttpSpec s = httpSpec(vs, c, addr, port);
      s.source = c.bind_address;
      plan.summary =
          std::string(s.tls ? "https " : "http ") + s.method + " " + s.path + " " + where;
      plan.spec = std::move(s);
      break;
    }
    case config::CheckType::Udp: {
      UdpSpec s;
      s.address = addr;
      s.port = port;
      s.payload.assign(c.udp.payload.begin(), c.udp.payload.end());
      if (c.udp.expect) {
        s.expect.assign(c.udp.expect->begin(), c.udp.expect->end());
      }
      s.expectPrefix = true;
      s.silenceIsUp = !c.udp.require_reply;
      s.source = c.bind_address;
      plan.spec = std::move(s);
      plan.summary = "udp " + where;
      break;
    }
    case config::CheckType::Dns: {
      DnsSpec s;
      s.address = addr;
      s.port = port;
      s.expect.name = c.dns.name;
      s.expect.type = dnsTypeFromName(c.dns.type).value_or(kDnsSoa);
      s.expect.rcode = dnsRcodeFromName(c.dns.rcode).value_or(0);
      s.expect.answers = c.dns.expect;
      s.source = c.bind_address;
      plan.summary = "dns " + c.dns.type + " " + c.dns.name + " " + where;
      plan.spec = std::move(s);
      break;
    }
    case config::CheckType::Icmp:
      plan.spec = IcmpSpec{addr, 56, c.bind_address};
      plan.summary = "icmp " + addr.toString();
      break;
    case config::CheckType::Agent: {
      const uint16_t agentPort = c.agent.port;
      plan.spec = AgentSpec{addr, agentPort, c.agent.send, c.bind_address};
      plan.summary = "agent " + formatEndpoint(addr, agentPort);
      break;
    }
    case config::CheckType::Script: {
      ScriptSpec s;
      s.argv.push_back(c.script.path);
      s.argv.insert(s.argv.end(), c.script.args.begin(), c.script.args.end());
      s.user = c.script.user.empty() ? g.script_user : c.script.user;
      plan.summary = "script " + (c.script.script.empty() ? c.script.path : c.script.script);
      plan.spec = std::move(s);
      break;
    }
    case config::CheckType::File:
      plan.spec = FileSpec{c.file.path, c.file.invert ? FileMode::Absent : FileMode::Exists};
      plan.summary = std::string("file ") + (c.file.invert ? "absent " : "exists ") + c.file.path;
      break;
  }
  return plan;
}

WeightParams weightParams(const config::RealServer& rs) {
  WeightParams w;
  w.weight = rs.weight;
  w.slowStart = rs.slow_start;
  w.inhibitOnFailure = rs.inhibit_on_failure;
  const config::Feedback& f = rs.feedback;
  FeedbackParams& fb = w.feedback;
  fb.enabled = f.enabled;
  fb.rtRatio = f.response_time_ratio;
  fb.agentRatio = f.agent_ratio;
  const double weight = static_cast<double>(rs.weight);
  // adjust_factor A moves the weight by at most A x the configured weight per result; the
  // change threshold is a percentage of the configured weight; the weight stays within
  // [0, scale x weight] (docs/config.md): an overloaded server can be steered down to no new
  // connections, and climbs back as its measured load falls.
  fb.gain = f.adjust_factor * weight;
  fb.scale = static_cast<double>(f.scale);
  fb.threshold = std::max(1.0, weight * f.change_threshold / 100.0);
  fb.floor = 0.0;
  return w;
}

QuorumParams quorumParams(const config::VirtualServer& vs) {
  return QuorumParams{vs.quorum, vs.hysteresis};
}

Result<size_t> findVirtualServer(const config::Config& c, std::string_view text) {
  std::string want(text);
  std::string names;
  for (size_t i = 0; i < c.virtual_servers.size(); ++i) {
    const auto& vs = c.virtual_servers[i];
    const std::string defaultName =
        vs.endpoint ? formatEndpoint(vs.endpoint->address, vs.endpoint->port) : vs.name;
    const std::string proto = vs.protocol == config::Protocol::Tcp   ? "/tcp"
                              : vs.protocol == config::Protocol::Udp ? "/udp"
                                                                     : "/sctp";
    if (vs.name == want || (vs.endpoint && (defaultName == want || defaultName + proto == want)) ||
        (vs.fwmark != 0 && "fwmark:" + std::to_string(vs.fwmark) == want)) {
      return i;
    }
    names += (names.empty() ? "" : ", ") + vs.name;
  }
  return fail("no virtual server \"" + want + "\" (known: " + (names.empty() ? "none" : names) +
              ")");
}

Result<size_t> findRealServer(const config::VirtualServer& vs, std::string_view text) {
  const std::string want(text);
  std::optional<size_t> byAddr;
  size_t addrMatches = 0;
  const auto addr = IpAddress::parse(want);
  for (size_t i = 0; i < vs.real_servers.size(); ++i) {
    const auto& ep = vs.real_servers[i].endpoint;
    if (formatEndpoint(ep.address, ep.port) == want) {
      return i;
    }
    if (addr && *addr == ep.address) {
      byAddr = i;
      ++addrMatches;
    }
  }
  if (addrMatches == 1) {
    return *byAddr;
  }
  if (addrMatches > 1) {
    return fail("real server " + want + " is ambiguous in " + vs.name + "; give address:port");
  }
  return fail("no real server \"" + want + "\" in " + vs.name);
}

}  // namespace lvsd::check
