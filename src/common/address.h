#pragma once
// IPv4/IPv6 address value type (pure: parse and format only).

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lvsd {

enum class Family : uint8_t { V4 = 4, V6 = 6 };

class IpAddress {
public:
  IpAddress() = default;
  /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text. @return nullopt when invalid.
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(uint32_t hostOrder);
  static IpAddress fromBytes(Family f, const uint8_t* bytes);

  [[nodiscard]] Family family() const { return family_; }
  [[nodiscard]] bool isV4() const { return family_ == Family::V4; }
  [[nodiscard]] bool isV6() const { return family_ == Family::V6; }
  /// Network-order bytes; 4 meaningful for IPv4, 16 for IPv6.
  [[nodiscard]] const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  [[nodiscard]] size_t size() const { return isV4() ? 4 : 16; }
  [[nodiscard]] uint32_t v4HostOrder() const;
  [[nodiscard]] bool isUnspecified() const;
  [[nodiscard]] bool isMulticast() const;
  [[nodiscard]] bool isLinkLocalV6() const;
  [[nodiscard]] std::string toString() const;

  auto operator<=>(const IpAddress&) const = default;

private:
  Family family_ = Family::V4;
  std::array<uint8_t, 16> bytes_{};
};

/// "addr:port" for IPv4, "[addr]:port" for IPv6.
std::string formatEndpoint(const IpAddress& a, uint16_t port);

}  // namespace lvsd
