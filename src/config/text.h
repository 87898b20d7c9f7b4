#pragma once
// Parsers for the small text formats used inside config strings (pure).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace lvsd::config {

/// "addr:port" (IPv4) or "[addr]:port" (IPv6); port 1..65535.
std::optional<Endpoint> parseEndpoint(std::string_view text);
/// "addr" or "addr/prefix"; the prefix defaults to the full length.
std::optional<VirtualIp> parseVip(std::string_view text);
/// "200", "200-299"; codes 100..599, low ≤ high.
std::optional<StatusRange> parseStatusRange(std::string_view text);
/// Even-length hex string (upper or lower case) to bytes.
std::optional<std::vector<uint8_t>> parseHex(std::string_view text);
/// Dotted IPv4 netmask with contiguous ones ("255.255.255.0") to a prefix length.
std::optional<uint8_t> netmaskToPrefix(std::string_view text);
/// Decimal unsigned integer without sign or spaces, at most @p max.
std::optional<uint32_t> parseUnsigned(std::string_view text, uint32_t max);
/// True when @p s is a plausible interface name (1..15 chars, no '/', no whitespace, not "." /
/// "..").
bool isInterfaceName(std::string_view s);
/// True when @p s is a plausible DNS name ("." or labels of 1..63 chars, total ≤ 253).
bool isDnsName(std::string_view s);

}  // namespace lvsd::config
