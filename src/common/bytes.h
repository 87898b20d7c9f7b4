#pragma once
// Bounds-checked big-endian byte reader/writer for codecs (house style: no packed-struct casts).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lvsd {

/// Reads network-order integers from a byte span; every read is bounds-checked and a failed read
/// leaves ok() false for the rest of the reader's life (check once at the end).
class ByteReader {
public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  uint8_t u8() {
    if (!need(1)) {
      return 0;
    }
    return data_[pos_++];
  }
  uint16_t u16() {
    if (!need(2)) {
      return 0;
    }
    const auto v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    if (!need(4)) {
      return 0;
    }
    const uint32_t v = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
                       (uint32_t{data_[pos_ + 2]} << 8) | uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return v;
  }
  /// @return the next @p n bytes, or an empty span (and ok() false) when fewer remain.
  std::span<const uint8_t> bytes(size_t n) {
    if (!need(n)) {
      return {};
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(size_t n) { (void)bytes(n); }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] size_t remaining() const { return data_.size() - pos_; }

private:
  bool need(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

/// Appends network-order integers to a byte vector.
class ByteWriter {
public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out_.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  /// Overwrites two bytes at @p at (e.g. a checksum filled in after the body).
  void patchU16(size_t at, uint16_t v) {
    out_[at] = static_cast<uint8_t>(v >> 8);
    out_[at + 1] = static_cast<uint8_t>(v);
  }
  [[nodiscard]] size_t size() const { return out_.size(); }

private:
  std::vector<uint8_t>& out_;
};

}  // namespace lvsd
