#include "check/core/dns_message.h"

#include <array>
#include <cstdio>

#include "common/address.h"
#include "common/bytes.h"

namespace lvsd::check {

namespace {
std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return u;
}

char lowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Reads a possibly compressed name starting at @p pos of @p msg; advances @p pos past the
/// name as it appears in place. @return false on malformed names or pointer loops.
bool readName(std::span<const uint8_t> msg, size_t& pos, std::string& out) {
  out.clear();
  size_t p = pos;
  bool jumped = false;
  int jumps = 0;
  size_t total = 0;
  for (;;) {
    if (p >= msg.size()) {
      return false;
    }
    const uint8_t len = msg[p];
    if ((len & 0xC0U) == 0xC0U) {
      if (p + 1 >= msg.size() || ++jumps > 64) {
        return false;
      }
      const size_t target = (static_cast<size_t>(len & 0x3FU) << 8) | msg[p + 1];
      if (!jumped) {
        pos = p + 2;
        jumped = true;
      }
      p = target;
      continue;
    }
    if ((len & 0xC0U) != 0) {
      return false;  // 0x40/0x80 label types are obsolete
    }
    ++p;
    if (len == 0) {
      break;
    }
    if (p + len > msg.size() || (total += len + 1U) > 255) {
      return false;
    }
    if (!out.empty()) {
      out.push_back('.');
    }
    for (size_t i = 0; i < len; ++i) {
      out.push_back(lowerChar(static_cast<char>(msg[p + i])));
    }
    p += len;
  }
  if (!jumped) {
    pos = p;
  }
  return true;
}

std::string hex(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(kHex[c >> 4U]);
    s.push_back(kHex[c & 0xFU]);
  }
  return s;
}

std::string renderRdata(std::span<const uint8_t> msg, size_t start, uint16_t type, uint16_t len) {
  const auto rd = msg.subspan(start, len);
  std::string name;
  size_t p = start;
  switch (type) {
    case kDnsA:
      if (len == 4) {
        return IpAddress::fromBytes(Family::V4, rd.data()).toString();
      }
      break;
    case kDnsAaaa:
      if (len == 16) {
        return IpAddress::fromBytes(Family::V6, rd.data()).toString();
      }
      break;
    case kDnsCname:
    case kDnsNs:
    case kDnsPtr:
      if (readName(msg, p, name) && p <= start + len) {
        return name;
      }
      break;
    case kDnsMx:
      if (len > 2) {
        p = start + 2;
        if (readName(msg, p, name) && p <= start + len) {
          return std::to_string((rd[0] << 8U) | rd[1]) + " " + name;
        }
      }
      break;
    case kDnsTxt: {
      std::string txt;
      size_t i = 0;
      while (i < rd.size()) {
        const size_t n = rd[i++];
        if (i + n > rd.size()) {
          return hex(rd);
        }
        for (size_t k = 0; k < n; ++k) {
          txt.push_back(static_cast<char>(rd[i + k]));
        }
        i += n;
      }
      return txt;
    }
    default:
      break;
  }
  return hex(rd);
}
}  // namespace

std::optional<uint16_t> dnsTypeFromName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, uint16_t>, 9> kTypes{
      {{"A", kDnsA},
       {"NS", kDnsNs},
       {"CNAME", kDnsCname},
       {"SOA", kDnsSoa},
       {"PTR", kDnsPtr},
       {"MX", kDnsMx},
       {"TXT", kDnsTxt},
       {"AAAA", kDnsAaaa},
       {"SRV", kDnsSrv}}};
  const std::string u = upper(name);
  for (const auto& [n, t] : kTypes) {
    if (u == n) {
      return t;
    }
  }
  return std::nullopt;
}

std::optional<uint8_t> dnsRcodeFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kNames{"NOERROR",  "FORMERR", "SERVFAIL",
                                                          "NXDOMAIN", "NOTIMP",  "REFUSED"};
  const std::string u = upper(name);
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (u == kNames[i]) {
      return static_cast<uint8_t>(i);
    }
  }
  return std::nullopt;
}

Result<std::vector<uint8_t>> buildDnsQuery(uint16_t id, std::string_view name, uint16_t type) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.empty() || name.size() > 253) {
    return fail("dns: bad name length");
  }
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u16(id);
  w.u16(0x0100);  // RD
  w.u16(1);       // QDCOUNT
  w.u16(0);
  w.u16(0);
  w.u16(0);
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      dot = name.size();
    }
    const size_t len = dot - start;
    if (len == 0 || len > 63) {
      return fail("dns: bad label in name");
    }
    w.u8(static_cast<uint8_t>(len));
    for (size_t i = start; i < dot; ++i) {
      w.u8(static_cast<uint8_t>(name[i]));
    }
    start = dot + 1;
  }
  w.u8(0);
  w.u16(type);
  w.u16(1);  // IN
  return out;
}

Result<DnsResponse> parseDnsResponse(std::span<const uint8_t> msg) {
  ByteReader r(msg);
  DnsResponse resp;
  resp.id = r.u16();
  const uint16_t flags = r.u16();
  const uint16_t qd = r.u16();
  const uint16_t an = r.u16();
  r.u16();
  r.u16();
  if (!r.ok()) {
    return fail("dns: short header");
  }
  if ((flags & 0x8000U) == 0) {
    return fail("dns: not a response");
  }
  resp.rcode = static_cast<uint8_t>(flags & 0xFU);
  resp.truncated = (flags & 0x0200U) != 0;
  size_t pos = 12;
  std::string name;
  for (uint16_t i = 0; i < qd; ++i) {
    if (!readName(msg, pos, name) || pos + 4 > msg.size()) {
      return fail("dns: bad question");
    }
    if (i == 0) {
      resp.questionName = name;
      resp.questionType = static_cast<uint16_t>((msg[pos] << 8U) | msg[pos + 1]);
    }
    pos += 4;
  }
  for (uint16_t i = 0; i < an; ++i) {
    DnsRecord rec;
    if (!readName(msg, pos, rec.name) || pos + 10 > msg.size()) {
      return fail("dns: bad answer record");
    }
    ByteReader rr(msg.subspan(pos, 10));
    rec.type = rr.u16();
    rr.u16();  // class
    rec.ttl = rr.u32();
    const uint16_t rdlen = rr.u16();
    pos += 10;
    if (pos + rdlen > msg.size()) {
      return fail("dns: answer rdata past end");
    }
    rec.data = renderRdata(msg, pos, rec.type, rdlen);
    pos += rdlen;
    resp.answers.push_back(std::move(rec));
  }
  return resp;
}

Outcome evaluateDns(const DnsExpect& expect, uint16_t queryId, const DnsResponse& resp) {
  if (resp.id != queryId) {
    return Outcome::down("dns: reply id mismatch");
  }
  std::string want(expect.name);
  if (!want.empty() && want.back() == '.') {
    want.pop_back();
  }
  for (char& c : want) {
    c = lowerChar(c);
  }
  if (resp.questionName != want || resp.questionType != expect.type) {
    return Outcome::down("dns: reply is for another question");
  }
  if (resp.rcode != expect.rcode) {
    return Outcome::down("dns: rcode " + std::to_string(resp.rcode) + ", expected " +
                         std::to_string(expect.rcode));
  }
  const auto has = [&](const std::string& text) {
    for (const auto& a : resp.answers) {
      if (a.type == expect.type && a.data == text) {
        return true;
      }
    }
    return false;
  };
  for (const auto& need : expect.answers) {
    if (!has(need)) {
      return Outcome::down("dns: no answer matching " + need);
    }
  }
  if (expect.answer.empty()) {
    return Outcome::up(expect.answers.empty() ? "dns: rcode " + std::to_string(resp.rcode)
                                              : "dns: answers match");
  }
  if (has(expect.answer)) {
    return Outcome::up("dns: answer " + expect.answer);
  }
  return Outcome::down("dns: no answer matching " + expect.answer);
}

}  // namespace lvsd::check
