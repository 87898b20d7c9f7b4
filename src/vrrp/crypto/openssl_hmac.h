#pragma once
// OpenSSL implementation of the auth_hmac primitive (kept out of the pure core).

#include "vrrp/auth/hmac_auth.h"

namespace lvsd::vrrp::crypto {

/// HMAC-SHA256 via OpenSSL 3's EVP_MAC.
class OpensslHmacSha256 final : public auth::HmacSha256 {
public:
  // auth::HmacSha256
  std::optional<std::array<uint8_t, 32>> compute(
      std::span<const uint8_t> key,
      std::initializer_list<std::span<const uint8_t>> parts) const override;
};

}  // namespace lvsd::vrrp::crypto
