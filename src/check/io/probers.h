#pragma once
// Per-kind prober factories (internal to lvsd_check_io).

#include "check/io/probe.h"

namespace lvsd::check {

using ProberResult = Result<std::unique_ptr<Prober>>;
ProberResult makeTcpProber(boost::asio::io_context& io, const TcpSpec& s, Duration timeout);
ProberResult makeAgentProber(boost::asio::io_context& io, const AgentSpec& s, Duration timeout);
ProberResult makeHttpProber(boost::asio::io_context& io, const HttpSpec& s, Duration timeout);
ProberResult makeUdpProber(boost::asio::io_context& io, const UdpSpec& s, Duration timeout);
ProberResult makeDnsProber(boost::asio::io_context& io, const DnsSpec& s, Duration timeout);
ProberResult makeIcmpProber(boost::asio::io_context& io, const IcmpSpec& s, Duration timeout);
ProberResult makeScriptProber(boost::asio::io_context& io, const ScriptSpec& s, Duration timeout);
ProberResult makeFileProber(boost::asio::io_context& io, const FileSpec& s, Duration timeout);

}  // namespace lvsd::check
