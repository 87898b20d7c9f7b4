#pragma once
// What to probe, per probe kind. The lvsd config model maps onto these in a later wiring step;
// the probe timeout comes from CheckParams.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "check/core/dns_message.h"
#include "check/core/http_expect.h"
#include "common/address.h"

namespace lvsd::check {

/// Longest reply the TCP/UDP probes read when looking for `expect`.
inline constexpr size_t kStreamReplyMax = 4096;

struct TcpSpec {
  IpAddress address;
  uint16_t port = 0;
  std::string send;    ///< written after connect, if not empty
  std::string expect;  ///< must appear in the reply (first kStreamReplyMax bytes), if not empty
  std::optional<IpAddress> source;  ///< local address the probe binds to (bind_address)
  bool operator==(const TcpSpec&) const = default;
};

struct HttpSpec {
  IpAddress address;
  uint16_t port = 80;
  bool tls = false;
  std::string method = "GET";
  std::string path = "/";
  std::string host;  ///< Host header; default is the address
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< request body (sent with Content-Length when not empty)
  HttpExpect expect;
  std::string regex;     ///< PCRE2 pattern the body must match, if not empty
  std::string sni;       ///< TLS server name; default is `host` when it is not an address
  bool verify = false;   ///< verify the server certificate chain and name
  std::string caFile;    ///< trust anchors when verifying (default: system store)
  std::string certFile;  ///< client certificate (PEM), if any
  std::string keyFile;   ///< client key (PEM)
  std::optional<IpAddress> source;  ///< local address the probe binds to (bind_address)
  /// Experiment (plain HTTP only; no config field maps to it yet): keep the connection open
  /// between checks and reuse it while the server allows (docs/benchmarks-checks.md).
  bool keepAlive = false;
  bool operator==(const HttpSpec&) const = default;
};

struct UdpSpec {
  IpAddress address;
  uint16_t port = 0;
  std::string payload;  ///< datagram sent (may be empty)
  std::string expect;   ///< must appear in the reply; empty = any reply (or silence) is up
  /// With no `expect`, silence until the timeout counts as up (nothing refused the datagram);
  /// an ICMP port unreachable is always down.
  bool silenceIsUp = true;
  bool expectPrefix = false;  ///< `expect` must start the reply rather than appear anywhere in it
  std::optional<IpAddress> source;  ///< local address the probe binds to (bind_address)
  bool operator==(const UdpSpec&) const = default;
};

struct DnsSpec {
  IpAddress address;
  uint16_t port = 53;
  DnsExpect expect;
  std::optional<IpAddress> source;  ///< local address the probe binds to (bind_address)
  bool operator==(const DnsSpec&) const = default;
};

struct IcmpSpec {
  IpAddress address;
  uint16_t payloadSize = 56;
  std::optional<IpAddress> source;  ///< local address the echo request leaves from (bind_address)
  bool operator==(const IcmpSpec&) const = default;
};

struct ScriptSpec {
  std::vector<std::string> argv;  ///< argv[0] is the program path
  std::string user;               ///< run as this user (and its group); empty = current user
  bool dynamic = false;           ///< exit 2..255 sets weight code-2 (misc_dynamic)
  bool operator==(const ScriptSpec&) const = default;
};

/// What a file check reads from its file.
enum class FileMode : uint8_t {
  Weight,  ///< the file holds a decimal weight (up with that weight; missing = down)
  Exists,  ///< up while the file exists
  Absent,  ///< up while the file does not exist (a drain/maintenance flag file)
};

struct FileSpec {
  std::string path;
  FileMode mode = FileMode::Weight;
  bool operator==(const FileSpec&) const = default;
};

struct AgentSpec {
  IpAddress address;
  uint16_t port = 0;
  std::string send;                 ///< HAProxy agent-send string, if any
  std::optional<IpAddress> source;  ///< local address the probe binds to (bind_address)
  bool operator==(const AgentSpec&) const = default;
};

using ProbeSpec =
    std::variant<TcpSpec, HttpSpec, UdpSpec, DnsSpec, IcmpSpec, ScriptSpec, FileSpec, AgentSpec>;

}  // namespace lvsd::check
