#pragma once
// Netlink message and attribute encoding (pure). Netlink headers and attribute payloads are in
// the host's native byte order; ports and addresses are network order by IPVS convention.

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace lvsd::ipvs::nl {

inline constexpr uint16_t kNlmsgError = 2;
inline constexpr uint16_t kNlmsgDone = 3;
inline constexpr uint16_t kFlagRequest = 0x1;
inline constexpr uint16_t kFlagMulti = 0x2;
inline constexpr uint16_t kFlagAck = 0x4;
inline constexpr uint16_t kFlagDump = 0x300;
inline constexpr size_t kNlHdrLen = 16;
inline constexpr size_t kGenlHdrLen = 4;
inline constexpr uint16_t kAttrTypeMask = 0x3fff;
inline constexpr uint16_t kAttrNested = 0x8000;

inline constexpr size_t align4(size_t n) { return (n + 3U) & ~size_t{3}; }

/// Appends one netlink message (nlmsghdr + genlmsghdr + attributes) to a buffer.
class Writer {
public:
  /// Starts a message; finish() must be called before the next begin().
  Writer(std::vector<uint8_t>& out, uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd,
         uint8_t version);
  void u8(uint16_t type, uint8_t v) { raw(type, &v, 1); }
  void u16(uint16_t type, uint16_t v) { raw(type, &v, 2); }
  void u32(uint16_t type, uint32_t v) { raw(type, &v, 4); }
  void u64(uint16_t type, uint64_t v) { raw(type, &v, 8); }
  /// Network-order 16-bit value (ports).
  void be16(uint16_t type, uint16_t hostOrder);
  /// Network-order 32-bit value (IPv4 masks).
  void be32(uint16_t type, uint32_t hostOrder);
  void bytes(uint16_t type, std::span<const uint8_t> b) { raw(type, b.data(), b.size()); }
  /// NUL-terminated string.
  void str(uint16_t type, std::string_view s);
  /// Opens a nested attribute; @return its offset for endNest().
  size_t beginNest(uint16_t type);
  void endNest(size_t at);
  /// Writes the final length into the header.
  void finish();

private:
  void raw(uint16_t type, const void* p, size_t n);
  std::vector<uint8_t>& out_;
  size_t start_;
};

/// A parsed attribute: its type (flags masked off) and payload.
struct Attr {
  uint16_t type = 0;
  std::span<const uint8_t> data;

  [[nodiscard]] bool getU8(uint8_t& v) const { return get(&v, 1); }
  [[nodiscard]] bool getU16(uint16_t& v) const { return get(&v, 2); }
  [[nodiscard]] bool getU32(uint32_t& v) const { return get(&v, 4); }
  [[nodiscard]] bool getU64(uint64_t& v) const { return get(&v, 8); }
  [[nodiscard]] bool getBe16(uint16_t& hostOrder) const;
  [[nodiscard]] bool getBe32(uint32_t& hostOrder) const;
  /// A string up to the first NUL (or the payload's end).
  [[nodiscard]] std::string_view str() const;

private:
  bool get(void* p, size_t n) const {
    if (data.size() < n) {
      return false;
    }
    std::memcpy(p, data.data(), n);
    return true;
  }
};

/// Splits an attribute stream into a table indexed by type (last one wins); types above
/// @p maxType are ignored. @return false when an attribute header is malformed.
bool parseAttrs(std::span<const uint8_t> data, std::vector<Attr>& table, uint16_t maxType);

}  // namespace lvsd::ipvs::nl
