#pragma once
// Pure judgement of an HTTP(S) response: status ranges, body size cap, body digest (as
// keepalived's genhash prints it: hex of the body's MD5 or SHA-256) and body regex. The digest
// and regex engines are injected so this core links neither OpenSSL nor PCRE2.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check/core/outcome.h"

namespace lvsd::check {

enum class DigestAlgo : uint8_t { None, Md5, Sha256 };

struct StatusRange {
  uint16_t lo = 200;
  uint16_t hi = 299;
  bool operator==(const StatusRange&) const = default;
};

struct HttpExpect {
  std::vector<StatusRange> statuses{StatusRange{}};  ///< any range matching is success
  DigestAlgo digestAlgo = DigestAlgo::None;
  std::string digestHex;     ///< expected digest, hex, case-insensitive
  bool wantRegex = false;    ///< a body regex is configured (the matcher holds it)
  size_t maxBody = 1 << 20;  ///< bytes; a longer body is a failure
  bool operator==(const HttpExpect&) const = default;
};

/// Computes body digests (OpenSSL in the I/O layer, a fake in tests).
class Digester {
public:
  virtual ~Digester() = default;
  /// @return lower-case hex digest of @p body.
  virtual std::string hex(DigestAlgo algo, std::string_view body) const = 0;
};

/// Matches a body against the configured regex (PCRE2 in the I/O layer).
class BodyMatcher {
public:
  virtual ~BodyMatcher() = default;
  virtual bool matches(std::string_view body) const = 0;
};

struct HttpResponseView {
  unsigned status = 0;
  std::string_view body;
  bool bodyTruncated = false;  ///< the server sent more than HttpExpect::maxBody
};

/// Parses "200", "200-299", "200,301-302" into ranges. @return false on bad syntax.
bool parseStatusRanges(std::string_view text, std::vector<StatusRange>& out);

/// Judges @p resp. @p matcher may be null when no regex is configured.
Outcome evaluateHttp(const HttpExpect& expect, const HttpResponseView& resp,
                     const Digester& digester, const BodyMatcher* matcher);

}  // namespace lvsd::check
