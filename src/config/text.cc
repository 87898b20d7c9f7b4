#include "config/text.h"

#include <cctype>

#include "common/address.h"

namespace lvsd::config {

std::optional<uint32_t> parseUnsigned(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

std::optional<Endpoint> parseEndpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto addr = IpAddress::parse(host);
  auto p = parseUnsigned(port, 65535);
  if (!addr || !p || *p == 0) {
    return std::nullopt;
  }
  if (text.front() != '[' && addr->isV6()) {
    return std::nullopt;  // IPv6 needs brackets
  }
  return Endpoint{*addr, static_cast<uint16_t>(*p)};
}

std::optional<VirtualIp> parseVip(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) {
    return std::nullopt;
  }
  VirtualIp vip;
  vip.address = *addr;
  const uint32_t full = addr->isV4() ? 32 : 128;
  vip.prefix_len = static_cast<uint8_t>(full);
  if (slash != std::string_view::npos) {
    auto p = parseUnsigned(text.substr(slash + 1), full);
    if (!p) {
      return std::nullopt;
    }
    vip.prefix_len = static_cast<uint8_t>(*p);
  }
  return vip;
}

std::optional<StatusRange> parseStatusRange(std::string_view text) {
  auto dash = text.find('-');
  auto low = parseUnsigned(text.substr(0, dash), 599);
  auto high = dash == std::string_view::npos ? low : parseUnsigned(text.substr(dash + 1), 599);
  if (!low || !high || *low < 100 || *high < *low) {
    return std::nullopt;
  }
  return StatusRange{static_cast<uint16_t>(*low), static_cast<uint16_t>(*high)};
}

std::optional<std::vector<uint8_t>> parseHex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::optional<uint8_t> netmaskToPrefix(std::string_view text) {
  auto a = IpAddress::parse(text);
  if (!a || !a->isV4()) {
    return std::nullopt;
  }
  uint32_t m = a->v4HostOrder();
  uint8_t prefix = 0;
  while (prefix < 32 && (m & (0x80000000U >> prefix)) != 0) {
    ++prefix;
  }
  uint32_t expect = prefix == 0 ? 0 : ~0U << (32 - prefix);
  if (m != expect) {
    return std::nullopt;
  }
  return prefix;
}

bool isInterfaceName(std::string_view s) {
  if (s.empty() || s.size() > 15 || s == "." || s == "..") {
    return false;
  }
  for (char c : s) {
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) != 0 ||
        std::isprint(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

bool isDnsName(std::string_view s) {
  if (s == ".") {
    return true;
  }
  if (s.empty() || s.size() > 254) {
    return false;
  }
  if (s.back() == '.') {
    s.remove_suffix(1);
  }
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) {
        return false;
      }
      label = 0;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '*') {
      return false;
    }
    if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

}  // namespace lvsd::config
