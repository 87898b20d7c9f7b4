#pragma once
// A small DNS (RFC 1035) query builder and response parser for the DNS probe. Pure, no
// resolver library: the probe needs one question out and rcode + answers back.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check/core/outcome.h"
#include "common/result.h"

namespace lvsd::check {

/// RR types the probe can ask for, by RFC 1035 / 3596 number.
enum DnsType : uint16_t {
  kDnsA = 1,
  kDnsNs = 2,
  kDnsCname = 5,
  kDnsSoa = 6,
  kDnsPtr = 12,
  kDnsMx = 15,
  kDnsTxt = 16,
  kDnsAaaa = 28,
  kDnsSrv = 33,
};

/// @return the type number for "A", "AAAA", "TXT"... (case-insensitive), nullopt if unknown.
std::optional<uint16_t> dnsTypeFromName(std::string_view name);
/// @return the rcode number for "NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"...
std::optional<uint8_t> dnsRcodeFromName(std::string_view name);

/// Builds a standard query (RD=1, one question, class IN).
/// @return the message, or an error when @p name is not a valid domain name.
Result<std::vector<uint8_t>> buildDnsQuery(uint16_t id, std::string_view name, uint16_t type);

struct DnsRecord {
  std::string name;  ///< owner, lower case, without the trailing dot
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string data;  ///< A/AAAA as address text, names as text, TXT joined; else hex
};

struct DnsResponse {
  uint16_t id = 0;
  uint8_t rcode = 0;
  bool truncated = false;
  std::string questionName;
  uint16_t questionType = 0;
  std::vector<DnsRecord> answers;
};

/// Parses a response message. Name compression pointers are followed with a loop bound.
Result<DnsResponse> parseDnsResponse(std::span<const uint8_t> msg);

struct DnsExpect {
  std::string name;
  uint16_t type = kDnsA;
  uint8_t rcode = 0;   ///< expected rcode (NOERROR by default)
  std::string answer;  ///< when set, some answer of `type` must render to exactly this text
  std::vector<std::string> answers;  ///< each must be rendered by some answer of `type`
  bool operator==(const DnsExpect&) const = default;
};

/// Judges a parsed response against what was asked and expected.
Outcome evaluateDns(const DnsExpect& expect, uint16_t queryId, const DnsResponse& resp);

}  // namespace lvsd::check
