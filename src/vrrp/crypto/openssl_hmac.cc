#include "vrrp/crypto/openssl_hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace lvsd::vrrp::crypto {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct CtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

}  // namespace

std::optional<std::array<uint8_t, 32>> OpensslHmacSha256::compute(
    std::span<const uint8_t> key, std::initializer_list<std::span<const uint8_t>> parts) const {
  std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) {
    return std::nullopt;
  }
  std::unique_ptr<EVP_MAC_CTX, CtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) {
    return std::nullopt;
  }
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return std::nullopt;
  }
  for (const auto& p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx.get(), p.data(), p.size()) != 1) {
      return std::nullopt;
    }
  }
  std::array<uint8_t, 32> out{};
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace lvsd::vrrp::crypto
