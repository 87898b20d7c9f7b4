#include "check/io/body_tools.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <openssl/evp.h>
#include <pcre2.h>

namespace lvsd::check {

std::string OpenSslDigester::hex(DigestAlgo algo, std::string_view body) const {
  const EVP_MD* md = algo == DigestAlgo::Sha256 ? EVP_sha256() : EVP_md5();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(body.data(), body.size(), out, &len, md, nullptr) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    s.push_back(kHex[out[i] >> 4U]);
    s.push_back(kHex[out[i] & 0xFU]);
  }
  return s;
}

Result<std::unique_ptr<Pcre2Matcher>> Pcre2Matcher::compile(const std::string& pattern) {
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()),  // NOLINT
                                   pattern.size(), 0, &err, &off, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return fail("regex: " + std::string(reinterpret_cast<const char*>(msg)) +  // NOLINT
                " at offset " + std::to_string(off));
  }
  return std::unique_ptr<Pcre2Matcher>(new Pcre2Matcher(code));
}

Pcre2Matcher::~Pcre2Matcher() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

bool Pcre2Matcher::matches(std::string_view body) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  if (md == nullptr) {
    return false;
  }
  // A match limit bounds the work a hostile body can cause with a backtracking pattern.
  pcre2_match_context* mc = pcre2_match_context_create(nullptr);
  if (mc != nullptr) {
    pcre2_set_match_limit(mc, 1000000);
  }
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(body.data()),  // NOLINT
                             body.size(), 0, 0, md, mc);
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  return rc >= 0;
}

}  // namespace lvsd::check
