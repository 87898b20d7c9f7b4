#include "check/io/probe.h"

#include <cerrno>

#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

asio::ip::address toAsio(const IpAddress& a) {
  if (a.isV4()) {
    return asio::ip::address_v4(a.v4HostOrder());
  }
  asio::ip::address_v6::bytes_type b{};
  std::copy_n(a.bytes().begin(), 16, b.begin());
  return asio::ip::address_v6(b);
}

std::string errText(const boost::system::error_code& ec) { return ec.message(); }

bool isLocalShortage(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM || err == EAGAIN;
}

Result<std::unique_ptr<Prober>> makeProber(asio::io_context& io, const ProbeSpec& spec,
                                           Duration timeout) {
  return std::visit(
      [&](const auto& s) -> Result<std::unique_ptr<Prober>> {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, TcpSpec>) {
          return makeTcpProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, AgentSpec>) {
          return makeAgentProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, HttpSpec>) {
          return makeHttpProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, UdpSpec>) {
          return makeUdpProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, DnsSpec>) {
          return makeDnsProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, IcmpSpec>) {
          return makeIcmpProber(io, s, timeout);
        } else if constexpr (std::is_same_v<S, ScriptSpec>) {
          return makeScriptProber(io, s, timeout);
        } else {
          return makeFileProber(io, s, timeout);
        }
      },
      spec);
}

}  // namespace lvsd::check
