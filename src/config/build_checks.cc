// Schema walking for the checks of a real server.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

#include "config/build.h"
#include "config/text.h"

namespace lvsd::config {

namespace {

struct TypeKeys {
  CheckType type;
  std::string_view name;
  std::initializer_list<std::string_view> keys;
};

const TypeKeys kTypes[] = {
    {CheckType::Tcp, "tcp", {}},
    {CheckType::Http,
     "http",
     {"method", "path", "host", "headers", "body", "status", "digest", "body_regex",
      "max_body_size"}},
    {CheckType::Https,
     "https",
     {"method", "path", "host", "headers", "body", "status", "digest", "body_regex",
      "max_body_size", "sni", "verify", "ca_file", "client_cert", "client_key"}},
    {CheckType::Udp, "udp", {"payload", "payload_hex", "expect", "expect_hex", "require_reply"}},
    {CheckType::Dns, "dns", {"name", "query_type", "rcode", "expect"}},
    {CheckType::Icmp, "icmp", {}},
    {CheckType::Agent, "agent", {"agent_port", "send"}},
    {CheckType::Script, "script", {"script", "path", "args", "user"}},
    {CheckType::File, "file", {"path", "invert"}},
};

constexpr std::string_view kAllSpecific[] = {
    "method",        "path",       "host",          "headers",     "body",       "status",
    "digest",        "body_regex", "max_body_size", "sni",         "verify",     "ca_file",
    "client_cert",   "client_key", "payload",       "payload_hex", "expect",     "expect_hex",
    "require_reply", "name",       "query_type",    "rcode",       "agent_port", "send",
    "script",        "args",       "user",          "invert"};

template <class List>
bool contains(const List& l, std::string_view k) {
  return std::find(std::begin(l), std::end(l), k) != std::end(l);
}

std::string regexError(const std::string& pattern) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                                 &code, &offset, nullptr);
  if (re != nullptr) {
    pcre2_code_free(re);
    return {};
  }
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof(buf));
  return "invalid regular expression at offset " + std::to_string(offset) + ": " +
         reinterpret_cast<const char*>(buf);
}

void readHttp(GroupReader& c, const VirtualServer& vs, Check& ck) {
  HttpCheck& h = ck.http;
  c.choice("method", h.method,
           {{"GET", HttpMethod::Get}, {"HEAD", HttpMethod::Head}, {"POST", HttpMethod::Post}});
  if (c.str("path", h.path) && (h.path.empty() || h.path.front() != '/')) {
    c.error("path", "must start with '/'");
  }
  h.host = vs.virtualhost;
  c.str("host", h.host);
  if (c.strings("headers", h.headers)) {
    for (const auto& hd : h.headers) {
      auto colon = hd.find(':');
      if (colon == std::string::npos || colon == 0 ||
          hd.find_first_of("\r\n") != std::string::npos) {
        c.error("headers", "invalid header \"" + hd + "\" (expected \"Name: value\")");
      }
    }
  }
  if (c.str("body", h.body) && h.method != HttpMethod::Post) {
    c.error("body", "only valid with method = \"POST\"");
  }
  if (const Node* st = c.sequence("status")) {
    h.status.clear();
    for (size_t i = 0; i < st->children.size(); ++i) {
      const Node& e = st->children[i];
      const std::string path = indexPath(c.pathOf("status"), i);
      std::optional<StatusRange> r;
      if (e.kind == Node::Kind::Int && e.int_value >= 100 && e.int_value <= 599) {
        r = StatusRange{static_cast<uint16_t>(e.int_value), static_cast<uint16_t>(e.int_value)};
      } else if (e.kind == Node::Kind::String) {
        r = parseStatusRange(e.string_value);
      }
      if (!r) {
        c.ctx().error(e, path, "invalid status range (expected 100..599 or \"200-299\")");
        continue;
      }
      h.status.push_back(*r);
    }
    if (st->children.empty()) {
      c.error("status", "needs at least one status range");
    }
  }
  std::string digest;
  if (c.str("digest", digest)) {
    auto bytes = parseHex(digest);
    if (!bytes || (bytes->size() != 16 && bytes->size() != 32)) {
      c.error("digest", "expected 32 (MD5) or 64 (SHA-256) hex digits");
    } else {
      h.digest = Digest{bytes->size() == 16 ? DigestAlgorithm::Md5 : DigestAlgorithm::Sha256,
                        std::move(*bytes)};
    }
  }
  if (c.str("body_regex", h.body_regex)) {
    if (std::string err = regexError(h.body_regex); !err.empty()) {
      c.error("body_regex", err);
    }
  }
  c.integer("max_body_size", h.max_body_size, 0, 16 * 1024 * 1024);
  if (ck.type != CheckType::Https) {
    return;
  }
  c.str("sni", h.sni);
  c.flag("verify", h.verify);
  for (auto [k, f] : {std::pair{"ca_file", &h.ca_file},
                      {"client_cert", &h.client_cert},
                      {"client_key", &h.client_key}}) {
    if (c.str(k, *f)) {
      requireAbsolute(c, k, *f);
    }
  }
  if (h.client_cert.empty() != h.client_key.empty()) {
    c.error(h.client_cert.empty() ? "client_cert" : "client_key",
            "client_cert and client_key go together");
  }
}

void readBytes(GroupReader& c, std::string_view textKey, std::string_view hexKey,
               std::optional<std::vector<uint8_t>>& out) {
  std::string s;
  if (c.str(textKey, s)) {
    out = std::vector<uint8_t>(s.begin(), s.end());
  }
  if (c.str(hexKey, s)) {
    if (out) {
      c.error(hexKey, std::string("conflicts with ") + std::string(textKey));
    } else if (auto b = parseHex(s)) {
      out = std::move(*b);
    } else {
      c.error(hexKey, "invalid hex string");
    }
  }
}

void readDns(GroupReader& c, Check& ck) {
  DnsCheck& d = ck.dns;
  if (c.str("name", d.name) && !isDnsName(d.name)) {
    c.error("name", "invalid DNS name \"" + d.name + "\"");
  }
  static const char* const kQueryTypes[] = {"A",   "AAAA",  "NS",  "MX", "TXT",
                                            "SOA", "CNAME", "PTR", "SRV"};
  if (c.str("query_type", d.type) && std::none_of(std::begin(kQueryTypes), std::end(kQueryTypes),
                                                  [&](const char* t) { return d.type == t; })) {
    c.error("query_type", "unsupported query type \"" + d.type + "\"");
  }
  static const char* const kRcodes[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
  if (c.str("rcode", d.rcode) && std::none_of(std::begin(kRcodes), std::end(kRcodes),
                                              [&](const char* r) { return d.rcode == r; })) {
    c.error("rcode", "unknown rcode \"" + d.rcode + "\"");
  }
  if (c.strings("expect", d.expect) && (d.type == "A" || d.type == "AAAA")) {
    for (const auto& e : d.expect) {
      auto a = IpAddress::parse(e);
      if (!a || a->isV4() != (d.type == "A")) {
        c.error("expect", "\"" + e + "\" is not an " + (d.type == "A" ? "IPv4" : "IPv6") +
                              " address (query_type " + d.type + ")");
      }
    }
  }
}

void readSpecific(GroupReader& c, const VirtualServer& vs, Check& ck) {
  switch (ck.type) {
    case CheckType::Http:
    case CheckType::Https:
      readHttp(c, vs, ck);
      break;
    case CheckType::Udp: {
      std::optional<std::vector<uint8_t>> payload;
      readBytes(c, "payload", "payload_hex", payload);
      ck.udp.payload = payload.value_or(std::vector<uint8_t>{});
      readBytes(c, "expect", "expect_hex", ck.udp.expect);
      c.flag("require_reply", ck.udp.require_reply);
      break;
    }
    case CheckType::Dns:
      readDns(c, ck);
      break;
    case CheckType::Agent:
      c.integer("agent_port", ck.agent.port, 1, 65535, Need::Required);
      c.str("send", ck.agent.send);
      break;
    case CheckType::Script:
      if (c.has("script") == c.has("path")) {
        c.error("script", "give either script (a check_scripts name) or path");
      }
      c.str("script", ck.script.script);
      if (c.str("path", ck.script.path)) {
        requireAbsolute(c, "path", ck.script.path);
      }
      if (c.strings("args", ck.script.args) && !ck.script.script.empty()) {
        c.error("args", "args belong to the check_scripts entry when script is used");
      }
      c.str("user", ck.script.user);
      break;
    case CheckType::File:
      if (c.str("path", ck.file.path, Need::Required)) {
        requireAbsolute(c, "path", ck.file.path);
      }
      c.flag("invert", ck.file.invert);
      break;
    case CheckType::Tcp:
    case CheckType::Icmp:
      break;
  }
}

}  // namespace

void buildChecks(GroupReader& rs, const VirtualServer& vs, uint16_t rsPort,
                 std::vector<Check>& out) {
  out.reserve(rs.length("checks"));
  forEachGroup(rs, "checks", [&](GroupReader& c, size_t) {
    Check& ck = out.emplace_back();
    const TypeKeys* tk = nullptr;
    std::string type;
    if (c.str("type", type, Need::Required)) {
      for (const auto& t : kTypes) {
        if (t.name == type) {
          tk = &t;
        }
      }
      if (tk == nullptr) {
        c.error("type", "unknown check type \"" + type +
                            "\" (expected tcp, http, https, udp, dns, icmp, agent, script, file)");
      }
    }
    if (tk == nullptr) {
      for (const auto& child : c.node().children) {
        c.take(child.name);  // avoid a cascade of "unknown setting"
      }
      out.pop_back();
      return;
    }
    ck.type = tk->type;
    // Members that belong to other check types, reported in kAllSpecific order. Most checks have
    // none: one pass over their few members tells.
    const auto& members = c.node().children;
    if (std::any_of(members.begin(), members.end(), [&](const Node& m) {
          return contains(kAllSpecific, m.name) && !contains(tk->keys, m.name);
        })) {
      for (std::string_view k : kAllSpecific) {
        if (c.has(k) && !contains(tk->keys, k)) {
          c.error(k, "not valid for checks of type \"" + type + "\"");
          c.take(k);
        }
      }
    }
    ck.interval = vs.delay_loop;
    const Duration day{86400000};
    c.duration("interval", ck.interval, Duration{100}, day);
    c.duration("timeout", ck.timeout, Duration{10}, day);
    c.integer("rise", ck.rise, 1, 1000);
    c.integer("fall", ck.fall, 1, 1000);
    ck.fast_interval = ck.interval;
    ck.down_interval = ck.interval;
    c.duration("fast_interval", ck.fast_interval, Duration{100}, day);
    c.duration("down_interval", ck.down_interval, Duration{100}, day);
    c.integer("retries", ck.retries, 0, 100);
    c.duration("retry_delay", ck.retry_delay, Duration{0}, day);
    const bool local = ck.type == CheckType::Script || ck.type == CheckType::File;
    for (const char* k : {"connect_address", "connect_port", "bind_address"}) {
      if ((local || (ck.type == CheckType::Icmp && std::string_view(k) == "connect_port")) &&
          c.has(k)) {
        c.error(k, "not valid for checks of type \"" + type + "\"");
        c.take(k);
      }
    }
    c.address("connect_address", ck.connect_address);
    uint16_t port = 0;
    if (c.integer("connect_port", port, 1, 65535)) {
      ck.connect_port = port;
    }
    c.address("bind_address", ck.bind_address);
    readSpecific(c, vs, ck);
    const bool needsPort = !local && ck.type != CheckType::Icmp && ck.type != CheckType::Agent;
    if (needsPort && !ck.connect_port && rsPort == 0) {
      c.error("connect_port", "missing required setting (the real server has no port)");
    }
  });
}

}  // namespace lvsd::config
