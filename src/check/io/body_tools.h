#pragma once
// OpenSSL digests and PCRE2 regex behind the core's Digester/BodyMatcher interfaces.

#include <memory>
#include <string>

#include "check/core/http_expect.h"
#include "common/result.h"

namespace lvsd::check {

/// MD5 / SHA-256 via OpenSSL EVP, hex output as keepalived's genhash prints it.
class OpenSslDigester : public Digester {
public:
  std::string hex(DigestAlgo algo, std::string_view body) const override;
};

/// A compiled PCRE2 pattern (UTF-8 off, no JIT needed for small bodies).
class Pcre2Matcher : public BodyMatcher {
public:
  static Result<std::unique_ptr<Pcre2Matcher>> compile(const std::string& pattern);
  ~Pcre2Matcher() override;
  Pcre2Matcher(const Pcre2Matcher&) = delete;
  Pcre2Matcher& operator=(const Pcre2Matcher&) = delete;
  bool matches(std::string_view body) const override;

private:
  explicit Pcre2Matcher(void* code) : code_(code) {}
  void* code_;  // pcre2_code_8*, kept opaque so this header does not pull in pcre2.h
};

}  // namespace lvsd::check
