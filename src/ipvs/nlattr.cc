#include "ipvs/nlattr.h"

namespace lvsd::ipvs::nl {

namespace {
void put16(std::vector<uint8_t>& out, size_t at, uint16_t v) { std::memcpy(&out[at], &v, 2); }
void put32(std::vector<uint8_t>& out, size_t at, uint32_t v) { std::memcpy(&out[at], &v, 4); }
}  // namespace

Writer::Writer(std::vector<uint8_t>& out, uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd,
               uint8_t version)
    : out_(out), start_(out.size()) {
  out_.resize(start_ + kNlHdrLen + kGenlHdrLen, 0);
  put16(out_, start_ + 4, type);
  put16(out_, start_ + 6, flags);
  put32(out_, start_ + 8, seq);
  out_[start_ + kNlHdrLen] = cmd;
  out_[start_ + kNlHdrLen + 1] = version;
}

void Writer::raw(uint16_t type, const void* p, size_t n) {
  const size_t at = out_.size();
  out_.resize(at + align4(4 + n), 0);
  put16(out_, at, static_cast<uint16_t>(4 + n));
  put16(out_, at + 2, type);
  if (n > 0) {
    std::memcpy(&out_[at + 4], p, n);
  }
}

void Writer::be16(uint16_t type, uint16_t v) {
  const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  raw(type, b, 2);
}

void Writer::be32(uint16_t type, uint32_t v) {
  const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                        static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  raw(type, b, 4);
}

void Writer::str(uint16_t type, std::string_view s) {
  std::vector<uint8_t> b(s.begin(), s.end());
  b.push_back(0);
  raw(type, b.data(), b.size());
}

size_t Writer::beginNest(uint16_t type) {
  // NLA_F_NESTED: required by kernels that parse the nest strictly (sync daemon).
  const size_t at = out_.size();
  raw(static_cast<uint16_t>(type | kAttrNested), nullptr, 0);
  return at;
}

void Writer::endNest(size_t at) { put16(out_, at, static_cast<uint16_t>(out_.size() - at)); }

void Writer::finish() { put32(out_, start_, static_cast<uint32_t>(out_.size() - start_)); }

bool Attr::getBe16(uint16_t& v) const {
  if (data.size() < 2) {
    return false;
  }
  v = static_cast<uint16_t>((data[0] << 8) | data[1]);
  return true;
}

bool Attr::getBe32(uint32_t& v) const {
  if (data.size() < 4) {
    return false;
  }
  v = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) |
      uint32_t{data[3]};
  return true;
}

std::string_view Attr::str() const {
  size_t n = 0;
  while (n < data.size() && data[n] != 0) {
    ++n;
  }
  return {reinterpret_cast<const char*>(data.data()), n};  // NOLINT: bytes viewed as chars
}

bool parseAttrs(std::span<const uint8_t> data, std::vector<Attr>& table, uint16_t maxType) {
  table.assign(size_t{maxType} + 1, Attr{});
  size_t pos = 0;
  while (pos + 4 <= data.size()) {
    uint16_t len = 0;
    uint16_t type = 0;
    std::memcpy(&len, &data[pos], 2);
    std::memcpy(&type, &data[pos + 2], 2);
    if (len < 4 || pos + len > data.size()) {
      return false;
    }
    type &= kAttrTypeMask;
    if (type <= maxType) {
      table[type] = Attr{type, data.subspan(pos + 4, len - 4U)};
    }
    pos += align4(len);
  }
  return true;
}

}  // namespace lvsd::ipvs::nl
